//! Role and seniority classification.
//!
//! Role: the title decides first (strong title patterns; the first role in taxonomy order wins, which
//! is the precedence rule of PRODUCT.md); weak title patterns need evidence in the description;
//! a generic technical title with strong description evidence gets a low-confidence role; anything
//! else is `other`. Seniority: title, then years of experience asked, then the posting's level field.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::taxonomy::{Taxonomy, TitlePattern};

/// The id used for postings that are not ML/data jobs.
pub const OTHER: &str = "other";

/// A role decision with its confidence and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleGuess {
    /// Role id or `other`.
    pub id: String,
    /// 0..1.
    pub confidence: f32,
    /// `title`, `title+description`, `description` or `none`.
    pub basis: String,
}

/// Per-role count of distinct evidence phrases found in the description.
pub type Evidence = Vec<usize>;

static GENERIC_TECH_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    // Individual-contributor titles only: a manager's, director's or lead's posting describes the
    // team's work ("Engineering Manager" over an ML team is not a data scientist), so a title
    // naming no role does not take one from the description.
    Regex::new(
        r"(?i)(?-u:\b)(engineer|developer|scientist|analyst|architect|researcher|specialist|consultant|programmer|modeler|modeller|technologist)(?-u:\b)",
    )
    .unwrap()
});

static INVERTED_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:(senior|sr\.?|junior|jr\.?|lead|staff|principal|head|chief)\s+)?(engineer|manager|analyst|associate|scientist|developer|specialist|consultant|architect|researcher|director|lead|intern)\s*,\s*(.+)$").unwrap()
});

/// The title as matched: separators made spaces, and inverted titles ("Engineer, Data",
/// "Manager, Applied AI", "Senior Engineer, Analytics") also read in natural order
/// ("Data Engineer"), appended after a ` | ` so patterns see both.
fn normalise_title(title: &str) -> String {
    let t = title.replace(['_', '|'], " ");
    match INVERTED_TITLE.captures(&t) {
        Some(c) => {
            let level = c.get(1).map_or(String::new(), |m| format!("{} ", m.as_str()));
            format!("{t} | {level}{} {}", &c[3], &c[2])
        }
        None => t,
    }
}

/// Classifies the role from the title and the description evidence.
pub fn classify_role(title: &str, evidence: &Evidence, has_description: bool, taxonomy: &Taxonomy) -> RoleGuess {
    let c = &taxonomy.compiled;
    let norm_title = normalise_title(title);
    let mut strong: Option<usize> = None;
    let mut weak: Option<usize> = None;
    let mut excluded = false;
    for idx in c.role_titles.matches(&norm_title).iter() {
        match c.role_title_kinds[idx] {
            TitlePattern::Strong(r) => strong = Some(strong.map_or(r, |s| s.min(r))),
            TitlePattern::Weak(r) => weak = Some(weak.map_or(r, |s| s.min(r))),
            TitlePattern::Exclude => excluded = true,
        }
    }
    // A non-ML function named only after the title's head is the team, not the job: "AI Engineer,
    // Sales" is an AI engineer, "Data Analyst, Customer Support" an analyst; "Sales Engineer, AI"
    // and "Account Executive, AI Platform" stay excluded.
    if excluded && let Some(cut) = norm_title.find([',', '|', '(', ':']).or_else(|| norm_title.find(" - ")) {
        let head = &norm_title[..cut];
        let kinds: Vec<&TitlePattern> = c.role_titles.matches(head).iter().map(|i| &c.role_title_kinds[i]).collect();
        if !kinds.iter().any(|k| matches!(k, TitlePattern::Exclude)) && kinds.iter().any(|k| matches!(k, TitlePattern::Strong(_))) {
            excluded = false;
        }
    }
    let total_evidence: usize = evidence.iter().sum();
    if excluded {
        return RoleGuess { id: OTHER.into(), confidence: 0.85, basis: "title".into() };
    }
    if let Some(r) = strong {
        let supported = evidence[r] >= 1 || !has_description;
        let confidence = if evidence[r] >= 2 {
            0.95
        } else if supported {
            0.85
        } else {
            0.75
        };
        let basis = if evidence[r] >= 1 { "title+description" } else { "title" };
        return RoleGuess { id: taxonomy.roles[r].id.clone(), confidence, basis: basis.into() };
    }
    if let Some(r) = weak {
        let role = &taxonomy.roles[r];
        if !has_description {
            return RoleGuess { id: role.id.clone(), confidence: 0.5, basis: "title".into() };
        }
        if evidence[r] >= role.min_evidence {
            let confidence = (0.55 + 0.05 * evidence[r] as f32).min(0.8);
            return RoleGuess { id: role.id.clone(), confidence, basis: "title+description".into() };
        }
    }
    // No decisive title: a technical-sounding title with clear description evidence.
    if GENERIC_TECH_TITLE.is_match(&norm_title)
        && let Some((best, &n)) = evidence.iter().enumerate().max_by_key(|(i, n)| (**n, usize::MAX - *i))
    {
        let second = evidence.iter().enumerate().filter(|(i, _)| *i != best).map(|(_, n)| *n).max().unwrap_or(0);
        if n >= 4 && n >= second + 2 {
            let confidence = (0.35 + 0.04 * n as f32).min(0.6);
            return RoleGuess { id: taxonomy.roles[best].id.clone(), confidence, basis: "description".into() };
        }
    }
    let confidence = if total_evidence == 0 {
        0.9
    } else if total_evidence < 4 {
        0.75
    } else {
        0.55
    };
    RoleGuess { id: OTHER.into(), confidence, basis: "none".into() }
}

/// A seniority decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeniorityGuess {
    /// Level id.
    pub id: String,
    /// `title`, `years` or `field`.
    pub basis: String,
    /// Minimum years of experience asked, when found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub years_min: Option<u32>,
}

/// Order in which levels named together in a title win (most specific first).
const LEVEL_PRECEDENCE: [&str; 9] = ["intern", "executive", "director", "manager", "principal", "lead", "senior", "mid", "junior"];

static YEARS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:(?:at least|minimum(?: of)?|min\.?|over|more than)\s+)?(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen)\s*(?:\+|plus)?\s*(?:(?:-|–|to)\s*(\d{1,2})\s*)?\+?\s*(?:years?|yrs?)(?:'|’)?\s+(?:of\s+)?(?:[a-z/-]+\s+){0,5}?(?:experience|exp(?-u:\b))").unwrap()
});

fn word_number(s: &str) -> Option<u32> {
    Some(match s.to_ascii_lowercase().as_str() {
        "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "twelve" => 12,
        "fifteen" => 15,
        n => n.parse().ok()?,
    })
}

static YEAR_WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)(?-u:\b)(?:years?|yrs?)(?-u:\b)").unwrap());

/// The smallest "N years of experience" asked in the text, if any.
pub fn years_asked(text: &str) -> Option<u32> {
    let cues: Vec<usize> = YEAR_WORD.find_iter(text).map(|m| m.start()).collect();
    years_asked_near(text, &cues)
}

/// Like [`years_asked`], with the offsets of "year"/"yr" already known (enrichment gets them from
/// its keyword pass): the full pattern only runs in a window around each.
pub fn years_asked_near(text: &str, cues: &[usize]) -> Option<u32> {
    let mut best: Option<u32> = None;
    let mut searched_to = 0;
    for &cue in cues {
        if cue < searched_to {
            continue;
        }
        let lo = crate::text::floor_char_boundary(text, cue.saturating_sub(48).max(searched_to));
        let hi = crate::text::ceil_char_boundary(text, (cue + 90).min(text.len()));
        let window = &text[lo..hi];
        for c in YEARS.captures_iter(window) {
            if let Some(y) = c.get(1).and_then(|g| word_number(g.as_str())).filter(|&y| y <= 25) {
                best = Some(best.map_or(y, |b| b.min(y)));
            }
            searched_to = searched_to.max(lo + c.get(0).map_or(0, |g| g.end()));
        }
    }
    best
}

/// Classifies seniority: title, then the years of experience asked (see [`years_asked`]), then the
/// posting's level field.
pub fn classify_seniority(title: &str, years: Option<u32>, field: Option<&str>, taxonomy: &Taxonomy) -> Option<SeniorityGuess> {
    let c = &taxonomy.compiled;
    let matched: Vec<usize> = c.level_titles.matches(title).iter().map(|i| c.level_title_owner[i]).collect();
    for id in LEVEL_PRECEDENCE {
        if matched.iter().any(|&l| taxonomy.levels[l].id == id) {
            // "Lead" inside "Team Lead" is lead, but "lead" as a verb rarely sits in a title.
            return Some(SeniorityGuess { id: id.into(), basis: "title".into(), years_min: years });
        }
    }
    if let Some(y) = years {
        let level = taxonomy.levels.iter().filter(|l| l.years_min.is_some_and(|m| m <= y)).max_by_key(|l| l.years_min.unwrap_or(0))?;
        return Some(SeniorityGuess { id: level.id.clone(), basis: "years".into(), years_min: Some(y) });
    }
    let field = field?.trim().to_lowercase();
    taxonomy.levels.iter().find(|l| l.field.contains(&field)).map(|l| SeniorityGuess { id: l.id.clone(), basis: "field".into(), years_min: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(title: &str, description: &str) -> (String, f32) {
        let t = crate::taxonomy::test_taxonomy();
        let e = crate::enrich::keyword_evidence(title, description, t);
        let g = classify_role(title, &e.role, !description.is_empty(), t);
        (g.id, g.confidence)
    }

    fn check(title: &str, expect: &str) {
        assert_eq!(role(title, "").0, expect, "title: {title:?}");
    }

    #[test]
    fn a_manager_title_naming_no_role_does_not_take_one_from_the_description() {
        let ds = "You will lead a team of data scientists and machine learning engineers building statistical models, \
            A/B tests, regression and classification models in Python with pandas and scikit-learn; data science, statistics, \
            hypothesis testing, predictive modeling and data analysis for the product.";
        let nlp = "Manage datasets for natural language processing: NLP pipelines, named entity recognition, text classification, \
            transformers, large language models, tokenization, sentiment analysis and language models.";
        assert_eq!(role("Engineering Manager", ds).0, "other");
        assert_ne!(role("Senior Data Manager", nlp).0, "nlp-engineer");
        assert_eq!(role("Engineering Manager, Machine Learning", ds).0, "machine-learning-engineer");
        assert_eq!(role("Senior Software Engineer", ds).0, "data-scientist", "an individual contributor's title still reads the description");
    }

    #[test]
    fn titles_decide_roles() {
        for (title, expect) in [
            ("Machine Learning Engineer", "machine-learning-engineer"),
            ("Senior ML Engineer", "machine-learning-engineer"),
            ("Software Engineer, Machine Learning", "machine-learning-engineer"),
            ("Machine Learning Engineer, Computer Vision", "computer-vision-engineer"),
            ("Research Scientist, NLP", "nlp-engineer"),
            ("Applied Scientist II", "research-scientist"),
            ("ML Platform Engineer", "mlops-engineer"),
            ("MLOps Engineer", "mlops-engineer"),
            ("AI Engineer", "ai-engineer"),
            ("Generative AI Engineer", "ai-engineer"),
            ("AI/ML Engineer", "ai-engineer"),
            ("Data Scientist", "data-scientist"),
            ("Lead Data Scientist - Fraud", "data-scientist"),
            ("Data Engineer", "data-engineer"),
            ("Analytics Engineer", "data-engineer"),
            ("BI Analyst", "data-analyst"),
            ("Senior Data Analyst", "data-analyst"),
            ("Perception Engineer", "computer-vision-engineer"),
            ("Computer Vision Research Scientist", "computer-vision-engineer"),
            ("Head of Machine Learning", "machine-learning-engineer"),
            ("Machine Learning Scientist", "research-scientist"),
            ("Statistician", "data-scientist"),
            ("Account Executive, AI Platform", "other"),
            ("Associate, Applied AI", "ai-engineer"),
            ("Senior AI Engineer, Sales", "ai-engineer"),
            ("Data Analyst, Customer Support", "data-analyst"),
            ("Sales Engineer, AI", "other"),
            ("Account Executive - AI Platform", "other"),
            ("Applied ML Engineer", "machine-learning-engineer"),
            ("Product Manager, Machine Learning", "other"),
            ("Registered Nurse", "other"),
            ("Senior Accountant", "other"),
            ("Big Data Engineer", "data-engineer"),
            ("NLP Data Scientist", "nlp-engineer"),
            ("Deep Learning Engineer", "machine-learning-engineer"),
            ("LLM Engineer", "ai-engineer"),
            ("Engineer, Data", "data-engineer"),
            ("Senior Engineer, Analytics", "data-engineer"),
            ("Manager, Applied AI", "ai-engineer"),
            ("Engineer, Decision Science", "data-scientist"),
            ("Scientist, Computer Vision", "computer-vision-engineer"),
        ] {
            check(title, expect);
        }
    }

    #[test]
    fn weak_titles_need_evidence() {
        assert_eq!(role("Research Engineer", "Develop novel deep learning methods, publish at NeurIPS and ICML.").0, "research-scientist");
        assert_eq!(role("Research Engineer", "Design gearboxes and test rigs for wind turbines.").0, "other");
    }

    #[test]
    fn generic_title_with_strong_evidence_gets_a_low_confidence_role() {
        let (id, conf) = role(
            "Software Engineer",
            "You will build ML models, deploy models with MLflow and Kubeflow on Kubernetes, own model serving, model monitoring and the feature store.",
        );
        assert_eq!(id, "mlops-engineer");
        assert!(conf < 0.7, "{conf}");
        assert_eq!(role("Software Engineer", "Build React front ends.").0, "other");
    }

    fn level(title: &str, description: &str, field: Option<&str>) -> Option<(String, String)> {
        let t = crate::taxonomy::test_taxonomy();
        classify_seniority(title, years_asked(description), field, t).map(|g| (g.id, g.basis))
    }

    #[test]
    fn seniority_from_title_years_and_field() {
        let s = |a: &str, b: &str| Some((a.to_string(), b.to_string()));
        assert_eq!(level("Senior Machine Learning Engineer", "", None), s("senior", "title"));
        assert_eq!(level("Sr. Data Scientist", "", None), s("senior", "title"));
        assert_eq!(level("Staff ML Engineer", "", None), s("lead", "title"));
        assert_eq!(level("Senior Manager, Data Science", "", None), s("manager", "title"));
        assert_eq!(level("Principal Applied Scientist", "", None), s("principal", "title"));
        assert_eq!(level("Machine Learning Intern", "", None), s("intern", "title"));
        assert_eq!(level("Junior Data Analyst", "", None), s("junior", "title"));
        assert_eq!(level("Director of Data Science", "", None), s("director", "title"));
        assert_eq!(level("Head of AI", "", None), s("director", "title"));
        assert_eq!(level("VP, Machine Learning", "", None), s("executive", "title"));
        assert_eq!(level("Data Scientist II", "", None), s("mid", "title"));
        assert_eq!(level("Data Scientist", "You have 5+ years of experience in Python.", None), s("senior", "years"));
        assert_eq!(level("Data Scientist", "3-5 years of relevant industry experience", None), s("mid", "years"));
        assert_eq!(level("Data Scientist", "at least two years of professional experience", None), s("mid", "years"));
        assert_eq!(level("Data Scientist", "0-1 years experience", None), s("junior", "years"));
        assert_eq!(level("Data Scientist", "Join us.", Some("Mid-Senior level")), s("mid", "field"));
        assert_eq!(level("Data Scientist", "Join us.", None), None);
        assert_eq!(level("Data Scientist", "We have been around for 20 years.", None), None);
    }
}
