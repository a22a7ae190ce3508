//! Matching a candidate's [`Profile`] to postings: a transparent score from 0 to 100 and, for
//! every match, the explanation behind it.
//!
//! The score is the sum of five parts, each a fit between 0 and 1 times its weight:
//!
//! | part | weight | fit |
//! |---|---:|---|
//! | required skills | 45 | coverage of the skills the posting requires, each weighted by how specific it is (rare skills count more than `python`), a related skill the candidate has counting partly (PyTorch for TensorFlow: 0.6) |
//! | preferred skills | 10 | the same over its nice-to-haves (when it lists none: the required coverage) |
//! | role | 25 | how near the posting's role is to the candidate's (the same 1.0, ML engineer ↔ AI engineer 0.8, data scientist ↔ data analyst 0.6, …); a candidate outside ML and data roles gets a third of the coverage of the role's key skills |
//! | seniority | 10 | level against level (one apart 0.6, two 0.25) and years against years asked |
//! | place | 10 | remote, the candidate's country, or elsewhere (0.2; 0.6 when open to relocating) |
//!
//! then two adjustments: pay below the candidate's stated expectation (down to ×0.85) and age (a
//! posting first seen over 90 days ago ×0.9). Unknowns are neutral, never penalties: a posting
//! that states no level gets 0.7 for seniority and says so.
//!
//! Pure: the caller passes the postings (retrieved from the index by the profile's skills and
//! roles), the skills' document frequencies and "today".

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::Enrichment;
use crate::enrich::{Need, WorkMode};
use crate::profile::Profile;
use crate::taxonomy::Taxonomy;

/// What matching needs of a posting.
#[derive(Debug, Clone, Copy)]
pub struct JobFacts<'a> {
    /// Posting id.
    pub id: &'a str,
    /// Title.
    pub title: &'a str,
    /// Employer.
    pub company: Option<&'a str>,
    /// Its enrichment.
    pub enrichment: &'a Enrichment,
    /// Days since it was first seen (or posted), when known.
    pub age_days: Option<i64>,
}

/// What the candidate asks of the search.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct MatchOptions {
    /// Match against this role instead of the profile's own (a career change).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Remote postings only.
    #[serde(default)]
    pub remote: bool,
    /// Postings in this country (ISO code) or remote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// How specific each skill is: `ln((N+1)/(df+1)) + 1`, between 1 and 6, from the number of
/// postings that ask for it (`df`) among `N`. A skill no posting asks for counts 3.
#[derive(Debug, Clone, Default)]
pub struct SkillWeights {
    weights: HashMap<String, f32>,
}

impl SkillWeights {
    /// From document frequencies over `total` postings.
    pub fn from_counts(counts: &[(String, u64)], total: u64) -> SkillWeights {
        let n = total.max(1) as f32;
        let weights = counts.iter().map(|(s, df)| (s.clone(), ((n + 1.0) / (*df as f32 + 1.0)).ln().clamp(0.0, 5.0) + 1.0)).collect();
        SkillWeights { weights }
    }

    /// The weight of a skill.
    pub fn weight(&self, skill: &str) -> f32 {
        self.weights.get(skill).copied().unwrap_or(3.0)
    }
}

/// A skill in an explanation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkillNote {
    /// Skill id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// How specific it is (its weight in the coverage).
    pub weight: f32,
    /// 1 for the skill itself; less when a related skill of the candidate stands in.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub credit: f32,
    /// The candidate's skill that stands in ("via": TensorFlow for PyTorch), and the group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    /// Where the resume shows it (the words read), when it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
}

fn is_zero(x: &f32) -> bool {
    *x == 0.0
}

/// One part of the score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Part {
    /// `required_skills`, `preferred_skills`, `role`, `seniority`, `place`.
    pub part: String,
    /// Points earned.
    pub points: f32,
    /// Points possible.
    pub max: f32,
    /// Why, in words.
    pub note: String,
}

/// Why a posting got its score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// Required skills the candidate has (or has a stand-in for).
    pub matched_required: Vec<SkillNote>,
    /// Required skills the candidate lacks.
    pub missing_required: Vec<SkillNote>,
    /// Preferred skills the candidate has.
    pub matched_preferred: Vec<SkillNote>,
    /// Preferred skills the candidate lacks.
    pub missing_preferred: Vec<SkillNote>,
    /// The score, part by part.
    pub parts: Vec<Part>,
    /// Adjustments applied after the parts ("pay below your expectation: ×0.92").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjustments: Vec<String>,
}

/// One matched posting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Match {
    /// Posting id.
    pub id: String,
    /// 0–100.
    pub score: u8,
    /// Title.
    pub title: String,
    /// Employer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// Role id.
    pub role: String,
    /// Level id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seniority: Option<String>,
    /// Why.
    pub explanation: Explanation,
}

#[derive(Deserialize)]
struct RelatedFile {
    group: Vec<RelatedGroup>,
    #[serde(default)]
    implied: Vec<Implied>,
}

#[derive(Debug, Clone, Deserialize)]
struct Implied {
    skill: String,
    credit: f32,
    by: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct RelatedGroup {
    name: String,
    credit: f32,
    skills: Vec<String>,
}

/// The skills that stand in for each other, and the broad skills specific ones imply
/// (`taxonomy/related.toml`).
static RELATED_FILE: LazyLock<RelatedFile> =
    LazyLock::new(|| toml::from_str::<RelatedFile>(include_str!("../../../taxonomy/related.toml")).expect("taxonomy/related.toml is valid"));
static RELATED: LazyLock<&'static [RelatedGroup]> = LazyLock::new(|| &RELATED_FILE.group);

/// The best stand-in the candidate has for `skill`: (their skill, credit, why — the group, or
/// "implied").
pub fn stand_in(skill: &str, has: &HashSet<&str>) -> Option<(String, f32, String)> {
    let groups = RELATED
        .iter()
        .filter(|g| g.skills.iter().any(|s| s == skill))
        .filter_map(|g| g.skills.iter().find(|s| s.as_str() != skill && has.contains(s.as_str())).map(|s| (s.clone(), g.credit, g.name.clone())));
    let implied = RELATED_FILE
        .implied
        .iter()
        .filter(|i| i.skill == skill)
        .filter_map(|i| i.by.iter().find(|b| has.contains(b.as_str())).map(|b| (b.clone(), i.credit, "implied".to_string())));
    groups.chain(implied).max_by(|a, b| a.1.total_cmp(&b.1))
}

/// How near two roles are, 0–1 (symmetric).
pub fn role_similarity(a: &str, b: &str) -> f32 {
    if a == b {
        return 1.0;
    }
    const PAIRS: &[(&str, &str, f32)] = &[
        ("machine-learning-engineer", "ai-engineer", 0.8),
        ("machine-learning-engineer", "computer-vision-engineer", 0.7),
        ("machine-learning-engineer", "nlp-engineer", 0.7),
        ("machine-learning-engineer", "mlops-engineer", 0.6),
        ("machine-learning-engineer", "data-scientist", 0.6),
        ("machine-learning-engineer", "research-scientist", 0.6),
        ("machine-learning-engineer", "data-engineer", 0.4),
        ("ai-engineer", "nlp-engineer", 0.7),
        ("ai-engineer", "computer-vision-engineer", 0.5),
        ("ai-engineer", "mlops-engineer", 0.5),
        ("ai-engineer", "data-scientist", 0.5),
        ("ai-engineer", "research-scientist", 0.4),
        ("ai-engineer", "data-engineer", 0.3),
        ("data-scientist", "data-analyst", 0.6),
        ("data-scientist", "research-scientist", 0.5),
        ("data-scientist", "nlp-engineer", 0.5),
        ("data-scientist", "computer-vision-engineer", 0.4),
        ("data-scientist", "data-engineer", 0.4),
        ("data-scientist", "mlops-engineer", 0.3),
        ("nlp-engineer", "research-scientist", 0.6),
        ("nlp-engineer", "computer-vision-engineer", 0.4),
        ("computer-vision-engineer", "research-scientist", 0.6),
        ("mlops-engineer", "data-engineer", 0.5),
        ("mlops-engineer", "research-scientist", 0.2),
        ("data-engineer", "data-analyst", 0.4),
        ("data-analyst", "research-scientist", 0.2),
        ("data-analyst", "machine-learning-engineer", 0.3),
        ("data-analyst", "ai-engineer", 0.2),
    ];
    PAIRS.iter().find(|(x, y, _)| (*x == a && *y == b) || (*x == b && *y == a)).map_or(0.0, |p| p.2)
}

/// A level's rank: intern 0, junior 1, mid 2, senior 3, lead and manager 4, principal and director 5, executive 6.
pub fn level_rank(level: &str) -> Option<i32> {
    Some(match level {
        "intern" => 0,
        "junior" => 1,
        "mid" => 2,
        "senior" => 3,
        "lead" | "manager" => 4,
        "principal" | "director" => 5,
        "executive" => 6,
        _ => return None,
    })
}

/// Ids with weights.
pub type Weighted = Vec<(String, f32)>;

/// Everything a match needs besides the posting, prepared once per profile.
pub struct Matcher<'a> {
    profile: &'a Profile,
    taxonomy: &'a Taxonomy,
    weights: &'a SkillWeights,
    options: &'a MatchOptions,
    has: HashSet<&'a str>,
    evidence: HashMap<&'a str, String>,
    role: String,
    years: f32,
}

impl<'a> Matcher<'a> {
    /// Prepares matching for a profile. `resume` is the text the profile's evidence offsets point
    /// into, when there is one.
    pub fn new(profile: &'a Profile, resume: Option<&str>, taxonomy: &'a Taxonomy, weights: &'a SkillWeights, options: &'a MatchOptions) -> Matcher<'a> {
        let has: HashSet<&str> = profile.skills.iter().map(|s| s.id.as_str()).collect();
        let evidence = profile
            .skills
            .iter()
            .filter_map(|s| {
                let (a, b) = *s.evidence.first()?;
                let text = resume?.get(a..b)?;
                Some((s.id.as_str(), text.to_string()))
            })
            .collect();
        let role = options.role.clone().or_else(|| profile.preferences.roles.first().cloned()).unwrap_or_else(|| profile.role.clone());
        let years = if profile.relevant_years > 0.0 { profile.relevant_years } else { profile.total_years * 0.5 };
        Matcher { profile, taxonomy, weights, options, has, evidence, role, years }
    }

    /// The role matched against.
    pub fn role(&self) -> &str {
        &self.role
    }

    /// The skills and roles to retrieve candidate postings by, with weights.
    pub fn retrieval(&self) -> (Weighted, Weighted) {
        let skills = self.profile.skills.iter().map(|s| (s.id.clone(), self.weights.weight(&s.id))).collect();
        let roles = self
            .taxonomy
            .roles
            .iter()
            // Outside ML and data roles every role is as near (the skills decide).
            .map(|r| (r.id.clone(), if self.role == crate::enrich::role::OTHER { 1.0 } else { 8.0 * role_similarity(&self.role, &r.id) }))
            .filter(|(_, w)| *w > 0.0)
            .collect();
        (skills, roles)
    }

    /// Whether the options let this posting through (remote only, a country).
    pub fn admits(&self, job: &JobFacts) -> bool {
        let e = job.enrichment;
        let remote = e.work_mode == Some(WorkMode::Remote);
        if self.options.remote && !remote {
            return false;
        }
        if let Some(c) = &self.options.country {
            let countries: Vec<&str> = e.locations.iter().chain(std::iter::once(&e.location)).filter_map(|l| l.country.as_deref()).collect();
            if !(countries.iter().any(|x| x.eq_ignore_ascii_case(c)) || (remote && countries.is_empty())) {
                return false;
            }
        }
        true
    }

    fn note(&self, id: &str, credit: f32, via: Option<String>) -> SkillNote {
        let name = self.taxonomy.skill(id).map_or_else(|| id.to_string(), |s| s.name.to_string());
        SkillNote { id: id.to_string(), name, weight: (self.weights.weight(id) * 100.0).round() / 100.0, credit, via, evidence: self.evidence.get(id).cloned() }
    }

    /// Coverage of the skills of one need: (fit 0–1 or None when the posting lists none, matched, missing).
    fn coverage(&self, e: &Enrichment, need: Need) -> (Option<f32>, Vec<SkillNote>, Vec<SkillNote>) {
        let (mut got, mut total) = (0.0, 0.0);
        let (mut matched, mut missing) = (Vec::new(), Vec::new());
        for s in e.skills.iter().filter(|s| s.need == need) {
            let w = self.weights.weight(&s.id);
            total += w;
            if self.has.contains(&*s.id) {
                got += w;
                matched.push(self.note(&s.id, 1.0, None));
            } else if let Some((theirs, credit, group)) = stand_in(&s.id, &self.has) {
                got += w * credit;
                let theirs_name = self.taxonomy.skill(&theirs).map_or(theirs.clone(), |t| t.name.to_string());
                let via = if group == "implied" { format!("implied by {theirs_name}") } else { format!("{theirs_name} ({group})") };
                matched.push(self.note(&s.id, credit, Some(via)));
            } else {
                missing.push(self.note(&s.id, 0.0, None));
            }
        }
        missing.sort_by(|a, b| b.weight.total_cmp(&a.weight));
        ((total > 0.0).then(|| got / total), matched, missing)
    }

    /// Scores one posting.
    pub fn score(&self, job: &JobFacts) -> Match {
        let e = job.enrichment;
        let (req, matched_required, missing_required) = self.coverage(e, Need::Required);
        let (pref, matched_preferred, missing_preferred) = self.coverage(e, Need::Preferred);
        let mut parts = Vec::new();
        let mut part =
            |name: &str, fit: f32, max: f32, note: String| parts.push(Part { part: name.into(), points: (fit * max * 10.0).round() / 10.0, max, note });

        let req_fit = req.unwrap_or(0.5);
        part(
            "required_skills",
            req_fit,
            45.0,
            match req {
                Some(_) => format!(
                    "{} of {} required skills ({:.0}% by weight)",
                    matched_required.len(),
                    matched_required.len() + missing_required.len(),
                    req_fit * 100.0
                ),
                None => "the posting names no required skill: counted as half".into(),
            },
        );
        let pref_fit = pref.unwrap_or(req_fit);
        part(
            "preferred_skills",
            pref_fit,
            10.0,
            match pref {
                Some(_) => format!("{} of {} nice-to-have skills", matched_preferred.len(), matched_preferred.len() + missing_preferred.len()),
                None => "no nice-to-haves listed: counted like the required skills".into(),
            },
        );

        // Role.
        let job_role = e.role.id.as_str();
        let (role_fit, role_note) = if self.role == crate::enrich::role::OTHER {
            // Outside ML and data roles: a third of the coverage of the job role's key skills.
            let key = self.taxonomy.role(job_role).map(|r| r.key_skills.clone()).unwrap_or_default();
            let have = key.iter().filter(|k| self.has.contains(k.as_str())).count();
            let fit = if key.is_empty() { 0.0 } else { have as f32 / key.len() as f32 / 3.0 };
            (
                fit,
                format!(
                    "your experience is outside ML and data roles; you have {have} of the {} key skills of a {}",
                    key.len(),
                    role_name(self.taxonomy, job_role)
                ),
            )
        } else {
            let fit = role_similarity(&self.role, job_role);
            let note = if fit >= 1.0 {
                format!("the same role: {}", role_name(self.taxonomy, job_role))
            } else if fit > 0.0 {
                format!("{} is near {} ({:.0}%)", role_name(self.taxonomy, job_role), role_name(self.taxonomy, &self.role), fit * 100.0)
            } else {
                format!("{} is far from {}", role_name(self.taxonomy, job_role), role_name(self.taxonomy, &self.role))
            };
            (fit, note)
        };
        part("role", role_fit, 25.0, role_note);

        // Seniority.
        let (sen_fit, sen_note) = self.seniority(e);
        part("seniority", sen_fit, 10.0, sen_note);

        // Place.
        let (loc_fit, loc_note) = self.place(e);
        part("place", loc_fit, 10.0, loc_note);

        let mut total: f32 = parts.iter().map(|p| p.points).sum();
        let mut adjustments = Vec::new();
        if let (Some(want), Some(s)) = (self.profile.preferences.salary_usd, e.salary.as_ref())
            && let Some(top) = s.annual_usd_max.or(s.annual_usd_min)
            && top < want
        {
            let factor = (0.85 + 0.15 * (top / want) as f32).clamp(0.85, 1.0);
            total *= factor;
            adjustments.push(format!("pays up to {:.0} USD a year, below your {:.0}: ×{factor:.2}", top, want));
        }
        if let Some(age) = job.age_days
            && age > 90
        {
            total *= 0.9;
            adjustments.push(format!("first seen {age} days ago: ×0.90"));
        }
        Match {
            id: job.id.to_string(),
            score: total.round().clamp(0.0, 100.0) as u8,
            title: job.title.to_string(),
            company: job.company.map(str::to_string),
            role: e.role.id.clone(),
            seniority: e.seniority.as_ref().map(|s| s.id.clone()),
            explanation: Explanation { matched_required, missing_required, matched_preferred, missing_preferred, parts, adjustments },
        }
    }

    fn seniority(&self, e: &Enrichment) -> (f32, String) {
        let Some(job) = &e.seniority else { return (0.7, "the posting states no level".into()) };
        let mut fits = Vec::new();
        let mut notes = Vec::new();
        if let (Some(j), Some(p)) = (level_rank(&job.id), self.profile.seniority.as_deref().and_then(level_rank)) {
            let fit = match (j - p).abs() {
                0 => 1.0,
                1 => 0.6,
                2 => 0.25,
                _ => 0.0,
            };
            fits.push(fit);
            notes.push(format!("{} level, yours {}", job.id, self.profile.seniority.as_deref().unwrap_or("?")));
        }
        if let Some(asked) = job.years_min {
            let asked = asked as f32;
            let fit = if self.years >= asked { 1.0 } else { (1.0 - (asked - self.years) / asked.max(1.0)).max(0.0) };
            fits.push(fit);
            notes.push(format!("{asked:.0}+ years asked, you have {:.1} in ML and data", self.years));
        }
        if fits.is_empty() {
            return (0.7, format!("{} level; yours is not known", job.id));
        }
        (fits.iter().copied().fold(1.0, f32::min), notes.join("; "))
    }

    fn place(&self, e: &Enrichment) -> (f32, String) {
        let mine = self.profile.location.country.as_deref();
        let wants_remote = self.profile.preferences.remote == Some(true);
        let countries: Vec<&str> = std::iter::once(&e.location).chain(e.locations.iter()).filter_map(|l| l.country.as_deref()).collect();
        let in_mine = mine.is_some_and(|m| countries.iter().any(|c| c.eq_ignore_ascii_case(m)));
        match e.work_mode {
            Some(WorkMode::Remote) if countries.is_empty() || in_mine => (1.0, "remote".into()),
            Some(WorkMode::Remote) => (0.6, format!("remote from {}", countries.join(", "))),
            mode => {
                let how = mode.map_or("on site", |m| if m == WorkMode::Hybrid { "hybrid" } else { "on site" });
                let penalty = if wants_remote { 0.5 } else { 1.0 };
                if in_mine {
                    (penalty, format!("{how} in your country{}", if wants_remote { " (you prefer remote)" } else { "" }))
                } else if countries.is_empty() || mine.is_none() {
                    (0.6 * penalty, format!("{how}; the place is not known"))
                } else if self.profile.preferences.relocate == Some(true) {
                    (0.6 * penalty, format!("{how} in {} (you would relocate)", countries.join(", ")))
                } else {
                    (0.2 * penalty, format!("{how} in {}", countries.join(", ")))
                }
            }
        }
    }
}

fn role_name(taxonomy: &Taxonomy, id: &str) -> String {
    taxonomy.role(id).map_or_else(|| "non-ML role".to_string(), |r| r.name.clone())
}

/// Scores and ranks postings for a profile: the admitted ones, best first, at most `limit`.
pub fn rank(matcher: &Matcher, jobs: &[JobFacts], limit: usize) -> Vec<Match> {
    let mut out: Vec<Match> = jobs.iter().filter(|j| matcher.admits(j)).map(|j| matcher.score(j)).collect();
    out.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
    out.truncate(limit);
    out
}

/// A skill the candidate lacks, across their best matches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GapSkill {
    /// Skill id.
    pub skill: String,
    /// Display name.
    pub name: String,
    /// Taxonomy category.
    pub category: String,
    /// How many of the best matches ask for it (required or preferred).
    pub jobs: u32,
    /// … of which require it.
    pub required_by: u32,
    /// Score points it would add on average over the best matches.
    pub gain: f32,
    /// Where it sits on the path: `programming`, `maths and statistics`, `ML frameworks and
    /// methods`, `data and MLOps`.
    pub stage: String,
    /// A concrete next step.
    pub step: String,
}

/// A step of the learning path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathStep {
    /// `programming`, `maths and statistics`, `ML frameworks and methods`, `data and MLOps`,
    /// `projects`, `portfolio`.
    pub stage: String,
    /// What to do.
    pub steps: Vec<String>,
    /// Skills of the gap at this stage.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skills: Vec<String>,
}

/// The stage of the path a skill category belongs to (the article's order: programming → maths
/// and statistics → ML frameworks → data and MLOps → projects → portfolio).
pub fn stage_of(category: &str) -> (u8, &'static str) {
    match category {
        "programming" => (1, "programming"),
        "mathematics" => (2, "maths and statistics"),
        "ml_frameworks" | "techniques" => (3, "ML frameworks and methods"),
        _ => (4, "data and MLOps"),
    }
}

fn next_step(category: &str, name: &str) -> String {
    match category {
        "programming" => format!("Rewrite one of your own scripts in {name}, then solve twenty exercises in it"),
        "mathematics" => format!("Work through a course unit on {name} and apply it to a dataset you know"),
        "ml_frameworks" => format!("Train and evaluate one model with {name} end to end, from loading the data to a saved model"),
        "techniques" => format!("Reproduce a {name} baseline on a public dataset and write up what you found"),
        "analytics_bi" => format!("Build one dashboard in {name} from a public dataset"),
        "cloud_mlops" => format!("Deploy the model of your project with {name}"),
        "data" => format!("Load a public dataset with {name} and answer five questions with it"),
        _ => format!("Use {name} in your project's workflow"),
    }
}

/// The skills the candidate lacks across `best` (their best matches, scored by `matcher`),
/// ranked by score points gained (each one added to the profile and the matches scored again),
/// then by how many of them ask for it. At most `limit`.
pub fn gap(matcher: &Matcher, best: &[JobFacts], limit: usize) -> Vec<GapSkill> {
    let mut asked: HashMap<String, (u32, u32)> = HashMap::new();
    for j in best {
        for s in j.enrichment.asked_skills().filter(|s| !matcher.has.contains(&*s.id)) {
            let e = asked.entry(s.id.to_string()).or_default();
            e.0 += 1;
            if s.need == Need::Required {
                e.1 += 1;
            }
        }
    }
    let base: Vec<f32> = best.iter().map(|j| matcher.score(j).score as f32).collect();
    let mut out: Vec<GapSkill> = asked
        .into_iter()
        .filter(|(_, (n, _))| *n >= 2 || best.len() < 4)
        // A skill the candidate as good as has (implied by a specific one) is not a gap.
        .filter(|(skill, _)| stand_in(skill, &matcher.has).is_none_or(|(_, credit, _)| credit < 0.8))
        .filter_map(|(skill, (jobs, required_by))| {
            let info = matcher.taxonomy.skill(&skill)?;
            let mut with = matcher.profile.clone();
            with.skills.push(crate::profile::ProfileSkill { id: skill.clone(), name: info.name.to_string(), evidence: Vec::new() });
            let m = Matcher::new(&with, None, matcher.taxonomy, matcher.weights, matcher.options);
            let gain = best.iter().zip(&base).map(|(j, b)| m.score(j).score as f32 - b).sum::<f32>() / best.len().max(1) as f32;
            let (_, stage) = stage_of(&info.category);
            Some(GapSkill {
                step: next_step(&info.category, &info.name),
                skill,
                name: info.name.to_string(),
                category: info.category.to_string(),
                jobs,
                required_by,
                gain: (gain * 10.0).round() / 10.0,
                stage: stage.to_string(),
            })
        })
        .collect();
    out.sort_by(|a, b| b.gain.total_cmp(&a.gain).then(b.jobs.cmp(&a.jobs)).then_with(|| a.skill.cmp(&b.skill)));
    out.truncate(limit);
    out
}

/// The learning path: the gap's skills in the article's order, then the projects and the
/// portfolio of the target role (its `learning` and `projects` in the taxonomy).
pub fn path(matcher: &Matcher, gap: &[GapSkill]) -> Vec<PathStep> {
    let mut steps: Vec<PathStep> = Vec::new();
    let mut by_stage: Vec<(u8, &str, Vec<&GapSkill>)> = Vec::new();
    for g in gap {
        let (rank, stage) = stage_of(&g.category);
        match by_stage.iter_mut().find(|(r, _, _)| *r == rank) {
            Some((_, _, v)) => v.push(g),
            None => by_stage.push((rank, stage, vec![g])),
        }
    }
    by_stage.sort_by_key(|(r, _, _)| *r);
    for (_, stage, skills) in by_stage {
        steps.push(PathStep {
            stage: stage.into(),
            steps: skills.iter().map(|g| g.step.clone()).collect(),
            skills: skills.iter().map(|g| g.skill.clone()).collect(),
        });
    }
    if let Some(role) = matcher.taxonomy.role(matcher.role()) {
        if !role.projects.is_empty() {
            steps.push(PathStep {
                stage: "projects".into(),
                steps: role
                    .projects
                    .iter()
                    .take(3)
                    .map(|p| format!("Project: {p} — publish the code with a short write-up of the data, the method and the result"))
                    .collect(),
                skills: Vec::new(),
            });
        }
        steps.push(PathStep {
            stage: "portfolio".into(),
            steps: role
                .learning
                .iter()
                .rev()
                .take(2)
                .rev()
                .cloned()
                .chain(std::iter::once("Link each project from your resume, with the problem, the data and the result in two lines".to_string()))
                .collect(),
            skills: Vec::new(),
        });
    }
    steps
}

/// A certification for the path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Certification {
    /// As the issuer writes it.
    pub name: String,
    /// Who issues it.
    pub issuer: String,
    /// Skills it covers (ids).
    pub skills: Vec<String>,
    /// Why it is suggested.
    pub why: String,
}

#[derive(Deserialize)]
struct CertFile {
    certification: Vec<CertEntry>,
}

#[derive(Deserialize)]
struct CertEntry {
    name: String,
    issuer: String,
    roles: Vec<String>,
    skills: Vec<String>,
}

static CERTIFICATIONS: LazyLock<Vec<CertEntry>> = LazyLock::new(|| {
    toml::from_str::<CertFile>(include_str!("../../../taxonomy/certifications.toml")).expect("taxonomy/certifications.toml is valid").certification
});

/// The certifications that fit the role matched against (`taxonomy/certifications.toml`): those
/// covering skills of the gap first, then those building on skills the candidate has (their
/// cloud), at most `limit`.
pub fn certifications(matcher: &Matcher, gap: &[GapSkill], limit: usize) -> Vec<Certification> {
    let missing: HashSet<&str> = gap.iter().map(|g| g.skill.as_str()).collect();
    let name = |id: &str| matcher.taxonomy.skill(id).map_or_else(|| id.to_string(), |s| s.name.to_string());
    let mut out: Vec<(usize, usize, Certification)> = CERTIFICATIONS
        .iter()
        .enumerate()
        .filter(|(_, c)| c.roles.iter().any(|r| r == matcher.role()))
        .map(|(order, c)| {
            let fills: Vec<&str> = c.skills.iter().map(String::as_str).filter(|s| missing.contains(s)).collect();
            let builds: Vec<&str> = c.skills.iter().map(String::as_str).filter(|s| matcher.has.contains(s)).collect();
            let why = match (fills.is_empty(), builds.is_empty()) {
                (false, _) => format!("covers {} from your gap", fills.iter().map(|s| name(s)).collect::<Vec<_>>().join(", ")),
                (true, false) => format!("builds on your {}", builds.iter().map(|s| name(s)).collect::<Vec<_>>().join(", ")),
                (true, true) => "common for this role".to_string(),
            };
            let rank = fills.len() * 10 + builds.len();
            (rank, order, Certification { name: c.name.clone(), issuer: c.issuer.clone(), skills: c.skills.clone(), why })
        })
        .collect();
    out.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    out.into_iter().take(limit).map(|(_, _, c)| c).collect()
}

/// What the candidate could earn: today's estimator for the profile, and one level up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PayOutlook {
    /// What was estimated: title, country, level.
    pub basis: String,
    /// The survey level used (EN, MI, SE, EX).
    pub level: String,
    /// P10, median, P90 in annual USD.
    pub now: crate::salary_model::Estimate,
    /// The next level and its estimate (none at the top).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_level: Option<String>,
    /// The next level's estimate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<crate::salary_model::Estimate>,
    /// What was assumed or is thin in the data.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The salary estimate for a profile (title, country, level, years, skills) and one level up;
/// `None` when the profile names no country (pay depends on it most).
pub fn pay_outlook(profile: &Profile, role: &str, model: &crate::salary_model::SalaryModel, taxonomy: &Taxonomy) -> Option<PayOutlook> {
    let country = profile.location.country.clone()?;
    let title = match taxonomy.role(role) {
        Some(r) => r.name.clone(),
        None => profile.headline.clone().unwrap_or_else(|| "Data Analyst".into()),
    };
    let survey = |id: &str| taxonomy.levels.iter().find(|l| l.id == id).map(|l| l.survey.clone());
    let level = profile.seniority.as_deref().and_then(survey).unwrap_or_else(|| "MI".into());
    let order = crate::salary_model::LEVELS;
    let estimate = |lv: &str, years: Option<f64>| {
        let input = crate::salary_model::EstimateInput {
            title: title.clone(),
            country: country.clone(),
            level: Some(lv.to_string()),
            years,
            industry: None,
            company_size: None,
            remote: profile.preferences.remote,
            work_mode: None,
            residence: None,
            skills: profile.skills.iter().map(|s| s.id.clone()).collect(),
            employment_type: None,
        };
        input.resolve(taxonomy).ok().map(|p| model.brief(&p, taxonomy))
    };
    let years = (profile.relevant_years > 0.0).then_some(profile.relevant_years as f64);
    let now = estimate(&level, years)?;
    let next_level = order.iter().position(|l| *l == level).and_then(|i| order.get(i + 1)).map(|l| l.to_string());
    let next = next_level.as_deref().and_then(|lv| estimate(lv, None)).map(|b| b.estimate);
    let mut notes = now.assumed.clone();
    notes.extend(now.notice.clone());
    Some(PayOutlook { basis: format!("{title} in {country}, level {level}"), level, now: now.estimate, next_level, next, notes })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{ProfileSkill, YearMonth};

    fn posting(title: &str, description: &str) -> Enrichment {
        let raw = crate::RawPosting { title: Some(title.into()), description: Some(description.into()), ..Default::default() };
        let p = crate::JobPosting::from_raw(raw, chrono::DateTime::parse_from_rfc3339("2026-12-01T00:00:00Z").unwrap().to_utc()).unwrap();
        crate::enrich(&p, crate::taxonomy::test_taxonomy())
    }

    fn profile(text: &str) -> Profile {
        crate::profile::from_text(text, crate::taxonomy::test_taxonomy(), YearMonth::new(2026, 12).unwrap()).unwrap()
    }

    #[test]
    fn related_groups_name_taxonomy_skills() {
        let t = crate::taxonomy::test_taxonomy();
        for g in RELATED.iter() {
            for s in &g.skills {
                assert!(t.skill(s).is_some(), "{} in {}", s, g.name);
            }
        }
        for c in CERTIFICATIONS.iter() {
            for s in &c.skills {
                assert!(t.skill(s).is_some(), "{s} in {}", c.name);
            }
            for r in &c.roles {
                assert!(t.role(r).is_some(), "{r} in {}", c.name);
            }
        }
        for i in &RELATED_FILE.implied {
            for s in i.by.iter().chain(std::iter::once(&i.skill)) {
                assert!(t.skill(s).is_some(), "{s} implying {}", i.skill);
            }
        }
    }

    #[test]
    fn a_data_scientist_ranks_data_science_jobs_first_and_a_lawyer_scores_low() {
        let t = crate::taxonomy::test_taxonomy();
        let ds = profile(
            "Maria Rossi\nData Scientist\nMilan, Italy\nEXPERIENCE\nData Scientist, Bancomat | Jan 2019 - Present\n- Churn models with Python, scikit-learn, pandas and SQL; A/B testing\nSKILLS\nPython, SQL, scikit-learn, pandas, TensorFlow, statistics\n",
        );
        let lawyer = profile(
            "John Smith\nSenior Associate Attorney\nMilan, Italy\nEXPERIENCE\nSenior Associate, Baker LLP | 2012 - Present\n- Mergers and acquisitions, contract negotiation\nEDUCATION\nJuris Doctor, 2011\n",
        );
        let jobs = [
            ("ds", posting("Data Scientist", "Requirements:\n- Python, SQL and scikit-learn\n- A/B testing\nNice to have:\n- PyTorch\nLocation: Milan, Italy")),
            ("mle", posting("Machine Learning Engineer", "Requirements:\n- Python, PyTorch, Kubernetes, Docker\n- MLOps\nThis is a fully remote role.")),
            ("de", posting("Data Engineer", "Requirements:\n- Scala, Spark, Kafka, Airflow\nOn site in Berlin, Germany")),
        ];
        let weights = SkillWeights::default();
        let options = MatchOptions::default();
        let facts: Vec<JobFacts> = jobs.iter().map(|(id, e)| JobFacts { id, title: id, company: None, enrichment: e, age_days: Some(3) }).collect();
        let m = Matcher::new(&ds, None, t, &weights, &options);
        let ranked = rank(&m, &facts, 10);
        assert_eq!(ranked.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["ds", "mle", "de"], "{ranked:#?}");
        let top = &ranked[0];
        assert!(top.score >= 80, "{top:#?}");
        let pytorch = top.explanation.matched_preferred.iter().find(|s| s.id == "pytorch").expect("PyTorch via TensorFlow");
        assert_eq!((pytorch.credit, pytorch.via.as_deref()), (0.6, Some("TensorFlow (deep-learning frameworks)")));
        let l = Matcher::new(&lawyer, None, t, &weights, &options);
        let best_lawyer = rank(&l, &facts, 10)[0].score;
        assert!(best_lawyer + 40 < top.score, "lawyer {best_lawyer} vs data scientist {}", top.score);
        // Options filter: remote only leaves the ML engineer.
        let remote = MatchOptions { remote: true, ..Default::default() };
        let r = Matcher::new(&ds, None, t, &weights, &remote);
        assert_eq!(rank(&r, &facts, 10).iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), ["mle"]);
    }

    #[test]
    fn certifications_fit_the_role_and_build_on_the_candidates_cloud() {
        let t = crate::taxonomy::test_taxonomy();
        let skill = |id: &str| ProfileSkill { id: id.into(), name: id.into(), evidence: vec![] };
        let p = Profile { role: "machine-learning-engineer".into(), skills: vec![skill("python"), skill("gcp")], ..Default::default() };
        let (w, o) = (SkillWeights::default(), MatchOptions::default());
        let m = Matcher::new(&p, None, t, &w, &o);
        let certs = certifications(&m, &[], 3);
        assert_eq!(certs[0].name, "Google Cloud Professional Machine Learning Engineer");
        assert_eq!(certs[0].why, "builds on your Google Cloud");
        assert!(certs.iter().all(|c| !c.name.contains("Data Analyst")), "{certs:?}");
        let analyst = Profile { role: "data-analyst".into(), ..Default::default() };
        let m = Matcher::new(&analyst, None, t, &w, &o);
        let gap = [GapSkill {
            skill: "tableau".into(),
            name: "Tableau".into(),
            category: "analytics_bi".into(),
            jobs: 5,
            required_by: 3,
            gain: 2.0,
            stage: "data and MLOps".into(),
            step: String::new(),
        }];
        assert_eq!(certifications(&m, &gap, 1)[0].name, "Tableau Certified Data Analyst");
    }

    #[test]
    fn specific_skills_weigh_more_than_common_ones() {
        let w = SkillWeights::from_counts(&[("python".into(), 600), ("jax".into(), 5)], 1000);
        assert!(w.weight("jax") > 2.0 * w.weight("python"), "{} vs {}", w.weight("jax"), w.weight("python"));
        let p = Profile {
            skills: vec![ProfileSkill { id: "python".into(), name: "Python".into(), evidence: vec![] }],
            role: "data-scientist".into(),
            ..Default::default()
        };
        let e = posting("Research Scientist", "Requirements: Python and JAX.");
        let options = MatchOptions::default();
        let m = Matcher::new(&p, None, crate::taxonomy::test_taxonomy(), &w, &options);
        let s = m.score(&JobFacts { id: "x", title: "x", company: None, enrichment: &e, age_days: None });
        let req = &s.explanation.parts[0];
        assert!(req.points < 0.4 * req.max, "Python alone covers little of Python + JAX: {req:?}");
        assert_eq!(s.explanation.missing_required[0].id, "jax");
    }
}
