//! The need model: what a posting asks of each skill — required, preferred or only mentioned —
//! decided by a multinomial logistic regression over what the rules of [`super::sections`] read
//! (their need and whether a heading or cue stated it) and the words around the skill (its
//! section's heading, its clause, where in the text it sits, what kind of skill it is).
//!
//! The rules know the phrasings; the model weighs them against each other and against what the
//! rules cannot state ("the leading AI company", "our data science team"), learnt from the
//! hand-labelled postings of `testdata/needs/` (`mljobs-needs train`, measured by leave-one-set-out
//! with `mljobs-needs eval --cv`; docs/quality.md). Its weights are a readable table,
//! `data/models/needs.tsv`: one row per feature with its weight for each need.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use super::Need;
use super::sections::{MentionNeed, NeedReader, SectionKind};
use super::skills::{Field, SkillHit};

/// The needs in the model's column order.
pub const NEEDS: [Need; 3] = [Need::Required, Need::Preferred, Need::Mentioned];

/// What the rules read of a skill, and from which kind of evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleNeed {
    /// The rules' need.
    pub need: Need,
    /// `title`, `stated` (a heading or a cue), `default` (text about the role or under no heading),
    /// `weak` (only a tag list).
    pub origin: &'static str,
}

/// The rules' need of a skill: the strongest need its mentions state, a stated need before one
/// read by default (a preference stated for a skill the role's text names in passing is a
/// preference); mentions in a tag list count only when the text itself says nothing of the skill.
pub(crate) fn rule_need(reader: &NeedReader<'_>, skill: &SkillHit) -> RuleNeed {
    let concept = &*skill.kind == "concept";
    let (mut stated, mut default, mut weak) = (None::<Need>, None::<Need>, None::<Need>);
    let mut title = false;
    // Mentions in order until one states a requirement (most skills: the first).
    for m in &skill.mentions {
        let r = match m.field {
            Field::Title => {
                title = true;
                MentionNeed { need: Need::Required, weak: false, stated: true }
            }
            Field::Description => reader.need(m.start, m.end, concept),
        };
        let slot = if r.weak {
            &mut weak
        } else if r.stated {
            &mut stated
        } else {
            &mut default
        };
        *slot = Some(slot.map_or(r.need, |n| n.min(r.need)));
        if stated == Some(Need::Required) {
            break;
        }
    }
    let stated_origin = if title { "title" } else { "stated" };
    match (stated, default, weak) {
        (Some(Need::Preferred), _, _) => RuleNeed { need: Need::Preferred, origin: stated_origin },
        (Some(s), Some(d), _) if d < s => RuleNeed { need: d, origin: "default" },
        (Some(s), _, _) => RuleNeed { need: s, origin: stated_origin },
        (None, Some(d), _) => RuleNeed { need: d, origin: "default" },
        (None, None, Some(w)) => RuleNeed { need: w, origin: "weak" },
        (None, None, None) => RuleNeed { need: Need::Required, origin: "default" },
    }
}

/// ASCII words of `s` (letters only, two or more), as they come.
fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| w.len() >= 2)
}

/// How many words of the heading, and of the clause on each side of the mention, are features.
const HEAD_WORDS: usize = 6;
const SIDE_WORDS: usize = 6;

/// The features of a skill, each emitted as its name's parts (joined by `:` and lower-cased by the
/// receiver): the rules' need and its origin, the skill's kind and category, where its first
/// mention in the text sits (section, heading words, clause words, position) and the sections of
/// all its mentions.
pub(crate) fn features(text: &str, reader: &NeedReader<'_>, skill: &SkillHit, rule: RuleNeed, emit: &mut dyn FnMut(&[&str])) {
    let need = rule.need.as_str();
    emit(&["bias"]);
    emit(&["rule", need]);
    emit(&["rule", need, rule.origin]);
    emit(&["kind", &skill.kind]);
    emit(&["kind", &skill.kind, need, rule.origin]);
    emit(&["cat", &skill.category]);
    let described: Vec<_> = skill.mentions.iter().filter(|m| m.field == Field::Description).collect();
    emit(&[
        "mentions",
        match described.len() {
            0 => "0",
            1 => "1",
            2 => "2",
            _ => "3+",
        },
    ]);
    if skill.mentions.iter().any(|m| m.field == Field::Title) {
        emit(&["title"]);
    }
    if text.lines().any(|l| l.len() > 300) {
        emit(&["run_together"]);
    }
    let mut seen = [false; 8];
    for m in &described {
        let kind = reader.context(m.start, m.end).section.kind;
        if !std::mem::replace(&mut seen[kind as usize], true) {
            emit(&["any_section", section_name(kind)]);
        }
    }
    let Some(first) = described.first() else { return };
    let ctx = reader.context(first.start, first.end);
    let section = section_name(ctx.section.kind);
    emit(&["section", section]);
    emit(&["section", section, &skill.kind]);
    emit(&["section", section, need]);
    let position = (first.start * 5 / text.len().max(1)).min(4);
    emit(&["position", ["0", "1", "2", "3", "4"][position]]);
    // The heading: the section's first line, up to a colon.
    let s = &text[ctx.section.start..ctx.section.end];
    let head = &s[..s.find(['\n', ':']).unwrap_or(s.len()).min(crate::text::floor_char_boundary(s, 80))];
    let mut any = false;
    for w in words(head).take(HEAD_WORDS) {
        emit(&["head", w]);
        any = true;
    }
    if !any {
        emit(&["head", "none"]);
    }
    let before: Vec<&str> = words(&text[ctx.clause.start..first.start]).collect();
    for w in before.iter().rev().take(SIDE_WORDS) {
        emit(&["before", w]);
    }
    match before.first() {
        Some(w) => emit(&["opens", w]),
        None => emit(&["opens", "skill"]),
    }
    for w in words(&text[first.end..ctx.clause.end]).take(SIDE_WORDS) {
        emit(&["after", w]);
    }
    if let Some(w) = before.last() {
        emit(&["prev", w]);
    }
    if let Some(w) = words(&text[first.end..ctx.clause.end]).next() {
        emit(&["next", w]);
    }
    emit(&["skill", &skill.id]);
    // Who the clause speaks of, and what it speaks of.
    let mut said = 0u32;
    for w in words(&text[ctx.clause.start..ctx.clause.end]) {
        if let Some(i) = CLAUSE_WORDS.iter().position(|c| c.eq_ignore_ascii_case(w)) {
            if said & (1 << i) == 0 {
                said |= 1 << i;
                emit(&["clause", CLAUSE_WORDS[i]]);
            }
        }
    }
}

/// Words whose presence anywhere in a mention's clause is a feature.
const CLAUSE_WORDS: &[&str] = &[
    "we",
    "our",
    "us",
    "you",
    "your",
    "company",
    "team",
    "teams",
    "clients",
    "customers",
    "industry",
    "leading",
    "products",
    "solutions",
    "platform",
    "mission",
    "experience",
    "knowledge",
    "skills",
    "understanding",
    "ability",
    "proficiency",
    "degree",
    "plus",
    "bonus",
    "preferred",
    "advantage",
    "ideally",
    "nice",
    "familiarity",
    "offer",
    "work",
    "build",
    "develop",
    "use",
];

fn section_name(kind: SectionKind) -> &'static str {
    match kind {
        SectionKind::Company => "company",
        SectionKind::Role => "role",
        SectionKind::Required => "required",
        SectionKind::Preferred => "preferred",
        SectionKind::Benefits => "benefits",
        SectionKind::Legal => "legal",
        SectionKind::Tags => "tags",
        SectionKind::Unknown => "unknown",
    }
}

/// Joins a feature's parts as its name: `part:part`, lower case.
fn feature_name(buf: &mut String, parts: &[&str]) {
    buf.clear();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            buf.push(':');
        }
        buf.extend(p.chars().map(|c| c.to_ascii_lowercase()));
    }
}

/// One labelled or to-be-labelled skill of a posting: what the rules read and its features.
#[derive(Debug, Clone)]
pub struct NeedExample {
    /// Skill id.
    pub skill: Arc<str>,
    /// The rules' need.
    pub rule: RuleNeed,
    /// Feature names.
    pub features: Vec<String>,
}

/// The examples of one skill (for training and evaluation).
pub(crate) fn example(text: &str, reader: &NeedReader<'_>, skill: &SkillHit) -> NeedExample {
    let rule = rule_need(reader, skill);
    let mut out = Vec::new();
    let mut buf = String::new();
    features(text, reader, skill, rule, &mut |parts| {
        feature_name(&mut buf, parts);
        out.push(buf.clone());
    });
    NeedExample { skill: skill.id.clone(), rule, features: out }
}

/// A multinomial logistic regression over named binary features.
#[derive(Debug, Clone, Default)]
pub struct NeedModel {
    weights: HashMap<String, [f32; 3]>,
}

/// The model shipped with mljobs (`data/models/needs.tsv`).
static EMBEDDED: LazyLock<NeedModel> =
    LazyLock::new(|| NeedModel::parse(include_str!("../../../../data/models/needs.tsv")).expect("data/models/needs.tsv is a valid model"));

impl NeedModel {
    /// The model shipped with mljobs.
    pub fn embedded() -> &'static NeedModel {
        &EMBEDDED
    }

    /// Reads a model table: `feature<TAB>required<TAB>preferred<TAB>mentioned` per line, `#`
    /// comments.
    pub fn parse(tsv: &str) -> Result<NeedModel, String> {
        let mut weights = HashMap::new();
        for (n, line) in tsv.lines().enumerate().filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#')) {
            let cols: Vec<&str> = line.split('\t').collect();
            let [name, r, p, m] = cols[..] else { return Err(format!("line {}: expected feature and three weights: {line:?}", n + 1)) };
            let w = |s: &str| s.parse::<f32>().map_err(|_| format!("line {}: weight {s:?} is not a number", n + 1));
            weights.insert(name.to_string(), [w(r)?, w(p)?, w(m)?]);
        }
        if !weights.contains_key("bias") {
            return Err("no `bias` row".into());
        }
        Ok(NeedModel { weights })
    }

    /// The model as a table (features sorted by name).
    pub fn to_tsv(&self) -> String {
        let mut rows: Vec<_> = self.weights.iter().collect();
        rows.sort_by(|a, b| a.0.cmp(b.0));
        let mut out = String::from("# feature\trequired\tpreferred\tmentioned\n");
        for (name, w) in rows {
            out.push_str(&format!("{name}\t{:.4}\t{:.4}\t{:.4}\n", w[0], w[1], w[2]));
        }
        out
    }

    /// Probabilities of required, preferred and mentioned for a skill's features.
    pub fn probabilities<'a>(&self, features: impl IntoIterator<Item = &'a str>) -> [f32; 3] {
        let mut z = [0f32; 3];
        for f in features {
            if let Some(w) = self.weights.get(f) {
                for k in 0..3 {
                    z[k] += w[k];
                }
            }
        }
        softmax(z)
    }

    /// The need of a skill with its probability, computed from the text without collecting
    /// feature names.
    pub(crate) fn decide(&self, text: &str, reader: &NeedReader<'_>, skill: &SkillHit) -> (Need, f32) {
        let rule = rule_need(reader, skill);
        let mut z = [0f32; 3];
        let mut buf = String::new();
        features(text, reader, skill, rule, &mut |parts| {
            feature_name(&mut buf, parts);
            if let Some(w) = self.weights.get(buf.as_str()) {
                for k in 0..3 {
                    z[k] += w[k];
                }
            }
        });
        let p = softmax(z);
        let best = (0..3).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap_or(0);
        (NEEDS[best], p[best])
    }

    /// Trains on examples (features, gold need): full-batch gradient descent with Adam on the mean
    /// cross-entropy plus `l2`/2 times the squared weights (the bias not penalised). Deterministic.
    pub fn train(examples: &[(Vec<String>, Need)], l2: f32, epochs: usize) -> NeedModel {
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut names: Vec<&str> = Vec::new();
        let rows: Vec<(Vec<usize>, usize)> = examples
            .iter()
            .map(|(fs, need)| {
                let mut ids: Vec<usize> = fs
                    .iter()
                    .map(|f| {
                        *index.entry(f.as_str()).or_insert_with(|| {
                            names.push(f.as_str());
                            names.len() - 1
                        })
                    })
                    .collect();
                ids.sort_unstable();
                ids.dedup();
                (ids, NEEDS.iter().position(|n| n == need).unwrap_or(0))
            })
            .collect();
        let bias = index.get("bias").copied();
        let n = names.len();
        let mut w = vec![[0f32; 3]; n];
        let (mut m1, mut m2) = (vec![[0f32; 3]; n], vec![[0f32; 3]; n]);
        let (rate, b1, b2, eps) = (0.05f32, 0.9f32, 0.999f32, 1e-8f32);
        let scale = 1.0 / rows.len().max(1) as f32;
        for epoch in 1..=epochs {
            let mut grad = vec![[0f32; 3]; n];
            for (ids, gold) in &rows {
                let mut z = [0f32; 3];
                for &i in ids {
                    for k in 0..3 {
                        z[k] += w[i][k];
                    }
                }
                let p = softmax(z);
                for &i in ids {
                    for k in 0..3 {
                        grad[i][k] += scale * (p[k] - if k == *gold { 1.0 } else { 0.0 });
                    }
                }
            }
            let (c1, c2) = (1.0 - b1.powi(epoch as i32), 1.0 - b2.powi(epoch as i32));
            for i in 0..n {
                for k in 0..3 {
                    let g = grad[i][k] + if Some(i) == bias { 0.0 } else { l2 * w[i][k] };
                    m1[i][k] = b1 * m1[i][k] + (1.0 - b1) * g;
                    m2[i][k] = b2 * m2[i][k] + (1.0 - b2) * g * g;
                    w[i][k] -= rate * (m1[i][k] / c1) / ((m2[i][k] / c2).sqrt() + eps);
                }
            }
        }
        NeedModel { weights: names.into_iter().zip(w).filter(|(_, w)| w.iter().any(|x| x.abs() >= 1e-4)).map(|(k, w)| (k.to_string(), w)).collect() }
    }
}

fn softmax(z: [f32; 3]) -> [f32; 3] {
    let max = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let e = z.map(|x| (x - max).exp());
    let sum: f32 = e.iter().sum();
    e.map(|x| x / sum)
}
