//! Skill extraction: one Aho-Corasick pass over the text, a whole-word filter, then the rules for
//! ambiguous names (exact case; for `context` skills, a neighbouring skill in a list or a cue word).

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::enrich::sections::Need;
use crate::taxonomy::{SkillRule, Taxonomy};

/// One mention of a skill: which field and the byte range in that field's text
/// ([`crate::JobPosting::title`] or [`crate::JobPosting::description`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    /// `title` or `description`.
    pub field: Field,
    /// Start byte offset.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
}

/// A text field of a posting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// The title.
    Title,
    /// The plain-text description.
    Description,
}

/// A skill found in a posting with every mention.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkillHit {
    /// Skill id.
    pub id: Arc<str>,
    /// Display name.
    pub name: Arc<str>,
    /// Category.
    pub category: Arc<str>,
    /// `tool` or `concept`.
    pub kind: Arc<str>,
    /// Mentions in order.
    pub mentions: Vec<Mention>,
    /// Whether the posting requires the skill, would welcome it, or only names it outside the
    /// job's own text ([`crate::enrich::sections`]). Enrichments stored before this existed read
    /// as required.
    #[serde(default)]
    pub need: Need,
}

#[derive(Debug, Clone, Copy)]
struct Candidate {
    skill: usize,
    start: usize,
    end: usize,
    accepted: bool,
    needs_context: bool,
}

/// Finds the skills in `text` (whose word starts are `starts`, see [`crate::text::word_starts`]),
/// appending mentions (with `field`) to `hits`. (Enrichment reads skills and keywords in one
/// walk, [`crate::enrich::enrich`]; this reads skills alone.)
pub fn extract_skills(text: &str, starts: &[u32], field: Field, taxonomy: &Taxonomy, hits: &mut Vec<(usize, Mention)>) {
    let mut scan = SkillScan::new(text, field, taxonomy);
    taxonomy.compiled.phrases.for_each(text, starts, |pattern, start, end| scan.on_match(pattern, start, end));
    scan.finish(hits);
}

/// Skill mentions of one text as the phrase automaton reports them.
pub(crate) struct SkillScan<'a> {
    text: &'a str,
    field: Field,
    taxonomy: &'a Taxonomy,
    candidates: Vec<Candidate>,
}

impl<'a> SkillScan<'a> {
    pub(crate) fn new(text: &'a str, field: Field, taxonomy: &'a Taxonomy) -> Self {
        SkillScan { text, field, taxonomy, candidates: Vec::new() }
    }

    /// A whole-word match of skill pattern `pattern`; `true` when it is kept as a candidate.
    #[inline]
    pub(crate) fn on_match(&mut self, pattern: usize, start: usize, end: usize) -> bool {
        let (text, bytes) = (self.text, self.text.as_bytes());
        let (skill_idx, weak) = self.taxonomy.compiled.skill_patterns[pattern];
        if !weak {
            self.candidates.push(Candidate { skill: skill_idx, start, end, accepted: true, needs_context: false });
            return true;
        }
        let skill = &self.taxonomy.skills[skill_idx];
        let surface = &text[start..end];
        if !skill.weak.iter().any(|w| w == surface) {
            return false; // weak forms need their exact case
        }
        if glued_or_bullet(bytes, start, end) || negative_before(text, start) {
            return false;
        }
        let needs_context = skill.rule == Some(SkillRule::Context);
        self.candidates.push(Candidate { skill: skill_idx, start, end, accepted: !needs_context, needs_context });
        true
    }

    /// Applies the context rules and appends the accepted mentions to `hits`.
    pub(crate) fn finish(self, hits: &mut Vec<(usize, Mention)>) {
        let SkillScan { text, field, mut candidates, .. } = self;
        // Context skills: accept when a list neighbour is an accepted skill or a cue word is
        // adjacent. Repeat so that "R, Julia and Python" chains through the list.
        for _ in 0..3 {
            let mut changed = false;
            for i in 0..candidates.len() {
                if candidates[i].accepted || !candidates[i].needs_context {
                    continue;
                }
                let c = candidates[i];
                let left = i.checked_sub(1).map(|j| candidates[j]).filter(|n| n.accepted && list_gap(&text[n.end..c.start]));
                let right = candidates.get(i + 1).copied().filter(|n| n.accepted && list_gap(&text[c.end..n.start]));
                if left.is_some() || right.is_some() || cue_nearby(text, c.start, c.end) {
                    candidates[i].accepted = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        for c in candidates.into_iter().filter(|c| c.accepted) {
            hits.push((c.skill, Mention { field, start: c.start, end: c.end }));
        }
    }
}

/// "R&D", "P&L", "Go-to-market", "C-suite", a bullet letter "c)" or "(c)".
fn glued_or_bullet(bytes: &[u8], start: usize, end: usize) -> bool {
    let prev = start.checked_sub(1).map(|i| bytes[i]);
    let next = bytes.get(end).copied();
    let next2 = bytes.get(end + 1).copied();
    if next == Some(b'&') || prev == Some(b'&') {
        return true;
    }
    if next == Some(b'-') && next2.is_some_and(|b| b.is_ascii_alphabetic()) {
        return true;
    }
    if prev == Some(b'-') && start >= 2 && bytes[start - 2].is_ascii_alphabetic() {
        return true;
    }
    if prev == Some(b'\'') || next == Some(b'\'') {
        return true; // "Julia's", "O'R"
    }
    if end - start == 1 {
        let line_start = start == 0 || bytes[start - 1] == b'\n' || (prev == Some(b'(') && (start < 2 || !bytes[start - 2].is_ascii_alphanumeric()));
        if next == Some(b')') && (line_start || prev == Some(b'(')) {
            return true;
        }
        if next == Some(b'.') && (line_start || prev == Some(b' ')) && next2.is_none_or(|b| b == b' ' || b == b'\n') {
            return true; // "C. Experience" as a list letter, or a sentence-final initial
        }
    }
    false
}

fn negative_before(text: &str, start: usize) -> bool {
    const NEG: [&str; 16] = [
        "series", "vitamin", "plan", "grade", "class", "type", "level", "section", "part", "tier", "round", "option", "appendix", "schedule", "exhibit", "mr.",
    ];
    let before = &text[crate::text::floor_char_boundary(text, start.saturating_sub(12))..start];
    let before = before.trim_end();
    let word_start = before.char_indices().rev().find(|&(_, c)| c.is_whitespace() || c == '(' || c == ',').map_or(0, |(i, c)| i + c.len_utf8());
    let word = before[word_start..].to_ascii_lowercase();
    NEG.contains(&word.as_str())
}

/// Whether the text between two skill mentions is only list punctuation and joining words.
fn list_gap(gap: &str) -> bool {
    if gap.len() > 16 || gap.contains('\n') {
        return false;
    }
    let mut rest = gap.trim();
    loop {
        let before = rest.len();
        rest = rest.trim_start_matches([',', '/', ';', '|', '&', '(', ')', '+', ' ', '\t', ':', '·', '•']);
        for joiner in ["and ", "or ", "as well as ", "und ", "et ", "y ", "e.g. ", "e.g.,", "i.e. ", "plus ", "and/or "] {
            if let Some(r) = rest.strip_prefix(joiner) {
                rest = r;
            }
        }
        if rest == "and" || rest == "or" {
            rest = "";
        }
        if rest.is_empty() {
            return true;
        }
        if rest.len() == before {
            return false;
        }
    }
}

fn cue_nearby(text: &str, start: usize, end: usize) -> bool {
    const BEFORE: [&str; 22] = [
        "programming in",
        "experience with",
        "experience in",
        "proficiency in",
        "proficient in",
        "knowledge of",
        "expertise in",
        "skilled in",
        "written in",
        "fluency in",
        "fluent in",
        "languages like",
        "languages such as",
        "such as",
        "e.g.",
        "including",
        "apache",
        "using",
        "coding in",
        "code in",
        "familiarity with",
        "comfortable with",
    ];
    const AFTER: [&str; 16] = [
        "programming",
        "language",
        "code",
        "coding",
        "scripts",
        "scripting",
        "developer",
        "developers",
        "engineer",
        "sql",
        "streaming",
        "cluster",
        "jobs",
        "spreadsheets",
        "macros",
        "packages",
    ];
    let lo = crate::text::floor_char_boundary(text, start.saturating_sub(24));
    let before = text[lo..start].trim_end().to_ascii_lowercase();
    if BEFORE.iter().any(|cue| before.ends_with(cue)) {
        return true;
    }
    let hi = crate::text::ceil_char_boundary(text, (end + 20).min(text.len()));
    let after = text[end..hi].trim_start().to_ascii_lowercase();
    AFTER.iter().any(|cue| after.starts_with(cue) && after[cue.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric()))
}

/// Groups mentions by skill, ordered by first mention (title first).
pub fn group(taxonomy: &Taxonomy, mut raw: Vec<(usize, Mention)>) -> Vec<SkillHit> {
    raw.sort_by_key(|(_, m)| (m.field, m.start));
    let mut out: Vec<SkillHit> = Vec::new();
    let mut order: Vec<usize> = Vec::new(); // skill index of each entry of `out`
    for (skill_idx, mention) in raw {
        let slot = match order.iter().position(|&s| s == skill_idx) {
            Some(slot) => slot,
            None => {
                let s = &taxonomy.skills[skill_idx];
                out.push(SkillHit {
                    id: s.id.clone(),
                    name: s.name.clone(),
                    category: s.category.clone(),
                    kind: s.kind.clone(),
                    mentions: Vec::new(),
                    need: Need::Required,
                });
                order.push(skill_idx);
                out.len() - 1
            }
        };
        out[slot].mentions.push(mention);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skills_in(text: &str) -> Vec<String> {
        let t = crate::taxonomy::test_taxonomy();
        let mut raw = Vec::new();
        extract_skills(text, &crate::text::word_starts(text), Field::Description, t, &mut raw);
        group(t, raw).into_iter().map(|h| h.id.to_string()).collect()
    }

    fn check(text: &str, expect: &[&str]) {
        assert_eq!(skills_in(text), expect, "text: {text:?}");
    }

    #[test]
    fn plain_tools_and_aliases() {
        check("Experience with PyTorch 2 and scikit-learn; sklearn pipelines.", &["pytorch", "scikit-learn"]);
        check("We deploy on k8s with Docker, on AWS SageMaker and S3.", &["kubernetes", "docker", "sagemaker", "s3"]);
        check("Hugging Face transformers and LangChain for RAG", &["huggingface-transformers", "langchain", "rag"]);
    }

    #[test]
    fn short_language_names_need_context() {
        check("Strong skills in R, Python and SQL", &["r", "python", "sql"]);
        check("C/C++ and CUDA", &["c", "cpp", "cuda"]);
        check("Our R&D team builds the future", &[]);
        check("(c) 2024 Acme Inc. All rights reserved.", &[]);
        check("c) Experience with Kubernetes", &["kubernetes"]);
        check("Go-to-market strategy and sales", &[]);
        check("Things that Spark joy in our team", &[]);
        check("Backend services written in Go and Rust", &["go", "rust"]);
        check("We use Apache Spark and Spark SQL on Databricks", &["spark", "databricks"]);
        check("Excel at communicating with stakeholders", &[]);
        check("Advanced Excel and Tableau", &["excel", "tableau"]);
        check("Series C funded startup", &[]);
        check("Series\u{a0}C funded startup", &[]);
        check("Contact Julia in HR for details", &[]);
        check("Python, Julia or R for numerical work", &["python", "julia", "r"]);
        check("languages (Python R) and HPC", &["python", "r", "high-performance-computing"]);
        check("a) Python b) SQL", &["python", "sql"]);
        check("let's go to the office, we rust-proof cars", &[]);
    }

    #[test]
    fn whole_words_only() {
        check("Our scalable platform, internal tooling and dockerized storage", &[]);
        check("C# and .NET Core; also C++17", &["csharp", "dotnet", "cpp"]);
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_any_text(text in "\\PC{0,200}", prefix in "[ (,/&+#a-zA-Z0-9☞é]{0,5}") {
            let t = crate::taxonomy::test_taxonomy();
            let mut raw = Vec::new();
            let s = format!("{prefix}R {text} C++ Go-{prefix}Spark");
            extract_skills(&s, &crate::text::word_starts(&s), Field::Description, t, &mut raw);
            for (_, m) in &raw {
                proptest::prop_assert!(s.is_char_boundary(m.start) && s.is_char_boundary(m.end));
            }
        }
    }

    #[test]
    fn ai_is_case_sensitive() {
        check("We build AI products", &["artificial-intelligence"]);
        check("the mai tai is said aloud", &[]);
    }
}
