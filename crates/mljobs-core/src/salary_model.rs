//! The salary estimator: gradient-boosted trees (forust-ml, squared loss) on log annual USD salary,
//! features from the five factors, a split-conformal P10–P90 interval, an explanation (tree SHAP
//! contributions grouped by factor) and the comparable salaries it rests on. Deterministic (seeded).
//!
//! Training data are [`Labelled`] salaries from two sources: the bundled CC0 survey
//! ([`Labelled::from_survey`]) and postings that state a salary ([`Labelled::from_posting`]; the
//! midpoint of the stated annual USD range). What an estimate is asked for is a [`Profile`].
//!
//! Features: year; experience level (ordinal EN < MI < SE < EX); years of experience; employment
//! type; remote ratio; company size (ordinal S < M < L); whether the employee lives in the company's
//! country; title length; employee and company country, normalised title, role (our taxonomy, from
//! the title), industry, skills (mean over the skills), country × level and title × level as
//! smoothed target encodings (mean log salary, shrunk towards the wider group: title → role; out of
//! fold for the rows the trees learn from); seniority and specialisation words of the title. Unknown inputs are missing values, never guesses; the few
//! defaults an estimate needs are listed in [`Estimation::assumed`].
//!
//! Estimates are for the latest year with at least [`CALIBRATION_MIN`] salaries (the survey's
//! latest, 2024, until postings of a later year are that many). The interval: residuals are taken
//! where the model did not see the year — for each year with [`CALIBRATION_MIN`] salaries and as
//! many before it (rolling origin), a model fitted on the years before predicts that year —
//! because an estimate is always for a year the model has not seen, and salaries drift between
//! years by different amounts. P10/P90 are the pooled residuals' quantiles around the final
//! model's median, per experience level where the level has enough residuals (Mondrian
//! split-conformal, out of time; see [`Interval`]).
//!
//! Estimates rise with the level whatever else is fixed: the trees are constrained to be
//! monotone in the level and in the two x-at-a-level encodings, and those encodings take the
//! highest value over the levels up to the profile's own.

use std::collections::HashMap;

mod records;
use records::Records;

use forust_ml::constraints::{Constraint, ConstraintMap};
use forust_ml::gradientbooster::ContributionsMethod;
use forust_ml::objective::ObjectiveType;
use forust_ml::{GradientBooster, Matrix};
use serde::{Deserialize, Serialize};

use crate::survey::{SurveyRow, percentile, title_roles};
use crate::{Enrichment, JobPosting, Taxonomy};

/// Version of the saved model's format; a file of another version is retrained, not read.
pub const FORMAT: u32 = 2;

/// Title words that carry seniority or specialisation.
const TITLE_WORDS: [&str; 16] = [
    "senior",
    "lead",
    "principal",
    "staff",
    "head",
    "director",
    "manager",
    "junior",
    "intern",
    "research",
    "engineer",
    "scientist",
    "analyst",
    "architect",
    "machine",
    "data",
];
/// Smoothing of target encodings (pseudo-count of the global mean).
const SMOOTHING: f64 = 30.0;
const FOLDS: usize = 5;
const SEED: u64 = 42;
/// Salaries a year needs to calibrate the range on (P10/P90 of 200 residuals are within a few
/// points of coverage).
pub const CALIBRATION_MIN: usize = 200;

/// Experience levels of the survey, lowest first.
pub const LEVELS: [&str; 4] = ["EN", "MI", "SE", "EX"];
/// Company sizes of the survey: fewer than 50 employees, 50–250, more than 250.
pub const COMPANY_SIZES: [&str; 3] = ["S", "M", "L"];

/// What a salary is known by, or an estimate is asked for. Codes as in the survey: level
/// EN/MI/SE/EX, ISO 3166 alpha-2 countries, company size S/M/L, employment FT/PT/CT/FL; industry and
/// skills are taxonomy ids.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// Job title.
    pub title: String,
    /// Experience level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// Years of experience.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub years: Option<f64>,
    /// Company's country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Employee's country (when it differs from the company's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residence: Option<String>,
    /// 0 on site, 50 hybrid, 100 remote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_ratio: Option<u8>,
    /// S, M or L.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_size: Option<String>,
    /// Industry id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    /// Skill ids.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skills: Vec<String>,
    /// FT, PT, CT or FL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employment_type: Option<String>,
}

/// Where a training salary comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The aijobs.net salary survey (CC0): a salary paid.
    Survey,
    /// A posting in the store that states a salary: the midpoint of the advertised range.
    Posting,
}

/// A salary with what it is known by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Labelled {
    /// What it is known by.
    pub profile: Profile,
    /// Year paid or posted.
    pub year: u16,
    /// Annual salary in US dollars.
    pub salary_usd: f64,
    /// Where it comes from.
    pub source: Source,
    /// Posting id, for postings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub posting_id: Option<String>,
}

impl Labelled {
    /// A survey answer.
    pub fn from_survey(r: &SurveyRow) -> Labelled {
        Labelled {
            profile: Profile {
                title: r.title.clone(),
                level: Some(r.level.clone()),
                years: None,
                country: Some(r.company_location.clone()),
                residence: Some(r.residence.clone()),
                remote_ratio: Some(r.remote_ratio),
                company_size: Some(r.company_size.clone()),
                industry: None,
                skills: Vec::new(),
                employment_type: Some(r.employment_type.clone()),
            },
            year: r.year,
            salary_usd: r.salary_usd,
            source: Source::Survey,
            posting_id: None,
        }
    }

    /// A posting that states both ends of an annual USD salary range (the midpoint is the label),
    /// with the year it was posted (or ingested). `None` for postings without such a range: a
    /// "from" or "up to" figure is not a salary.
    pub fn from_posting(p: &JobPosting, e: &Enrichment, taxonomy: &Taxonomy) -> Option<Labelled> {
        use chrono::Datelike;
        let s = e.salary.as_ref()?;
        let salary_usd = posted_salary_usd(s.annual_usd_min?, s.annual_usd_max?)?;
        let year = p.date_posted.map_or_else(|| p.provenance.ingested_at.year(), |d| d.year());
        Some(Labelled {
            profile: Profile::of_posting(p, e, taxonomy),
            year: u16::try_from(year).ok()?,
            salary_usd,
            source: Source::Posting,
            posting_id: Some(p.id.to_string()),
        })
    }
}

impl Profile {
    /// What a posting says of the five factors: its title, level (from the seniority), minimum
    /// years, country, work mode, industry, skills and employment type; unknowns stay `None`.
    pub fn of_posting(p: &JobPosting, e: &Enrichment, taxonomy: &Taxonomy) -> Profile {
        let level = e.seniority.as_ref().and_then(|g| survey_level(&g.id, taxonomy));
        // Enrichment's schema.org values; interns and others have no survey code.
        let employment_type = e.employment_type.as_deref().and_then(|t| match t {
            "FULL_TIME" => Some("FT"),
            "PART_TIME" => Some("PT"),
            "CONTRACTOR" | "TEMPORARY" => Some("CT"),
            _ => None,
        });
        Profile {
            title: p.title.clone(),
            level,
            years: e.seniority.as_ref().and_then(|g| g.years_min).map(f64::from),
            country: e.location.country.clone(),
            residence: None,
            remote_ratio: e.work_mode.map(remote_ratio),
            company_size: None,
            industry: e.industry.as_ref().map(|i| i.id.clone()),
            skills: e.asked_skills().map(|h| h.id.to_string()).collect(),
            employment_type: employment_type.map(String::from),
        }
    }
}

/// The remote ratio of a work mode (the survey's 0 / 50 / 100).
pub fn remote_ratio(m: crate::enrich::location::WorkMode) -> u8 {
    use crate::enrich::location::WorkMode;
    match m {
        WorkMode::Onsite => 0,
        WorkMode::Hybrid => 50,
        WorkMode::Remote => 100,
    }
}

/// The survey level (EN/MI/SE/EX) of a taxonomy level id.
fn survey_level(id: &str, taxonomy: &Taxonomy) -> Option<String> {
    taxonomy.levels.iter().find(|l| l.id == id).map(|l| l.survey.clone())
}

/// The survey level for years of experience: the level enrichment gives a posting that asks for
/// them (`classify_seniority` on years alone).
pub fn level_for_years(years: f64, taxonomy: &Taxonomy) -> Option<String> {
    let g = crate::enrich::role::classify_seniority("", Some(years.floor() as u32), None, taxonomy)?;
    survey_level(&g.id, taxonomy)
}

/// A survey level in words: "entry-level", "mid-level", "senior", "executive".
pub fn survey_level_name(code: &str) -> &'static str {
    match code {
        "EN" => "entry-level",
        "MI" => "mid-level",
        "SE" => "senior",
        "EX" => "executive",
        _ => "",
    }
}

/// Fills the profile's level when not given, as enrichment reads a posting's: from the title,
/// else from the years of experience, else mid-level; says where it came from (`assumed`) and
/// which input won when inputs disagree (`caveats`).
fn resolve_level(p: &mut Profile, taxonomy: &Taxonomy, assumed: &mut Vec<String>, caveats: &mut Vec<String>) {
    let named = |l: &str| format!("{l} ({})", survey_level_name(l));
    let read = crate::enrich::role::classify_seniority(&p.title, None, None, taxonomy);
    let intern = read.as_ref().is_some_and(|g| g.id == "intern");
    let from_title = read.and_then(|g| survey_level(&g.id, taxonomy));
    let from_years = p.years.and_then(|y| level_for_years(y, taxonomy));
    let years = p.years.unwrap_or_default();
    let years = if years == 1.0 { "1 year".to_string() } else { format!("{years} years") };
    if intern {
        caveats.push("the data hold no internships: this is what entry-level jobs pay a year; internships usually pay less".into());
    }
    match (p.level.clone(), from_title, from_years) {
        (Some(given), t, y) => {
            if let Some(t) = t.filter(|t| *t != given) {
                caveats.push(format!("the title reads as {} but level {} was given: the given level is used", named(&t), named(&given)));
            }
            if let Some(y) = y.filter(|y| *y != given) {
                caveats.push(format!("{years} of experience usually means {} but level {} was given: the given level is used", named(&y), named(&given)));
            }
        }
        (None, Some(t), y) => {
            assumed.push(format!("level {} read from the title", named(&t)));
            if let Some(y) = y.filter(|y| *y != t) {
                caveats.push(format!("{years} of experience usually means {} but the title says {}: the title's level is used", named(&y), named(&t)));
            }
            p.level = Some(t);
        }
        (None, None, Some(y)) => {
            assumed.push(format!("level {} from {years} of experience", named(&y)));
            p.level = Some(y);
        }
        (None, None, None) => {
            assumed.push("level not given (nor in the title): mid-level (MI)".into());
            p.level = Some("MI".into());
        }
    }
}

/// A country as a sentence names it: "India", "the Netherlands", "the United States".
fn country_name(code: &str, taxonomy: &Taxonomy) -> String {
    let name = taxonomy.countries.iter().find(|c| c.code == code).map_or_else(|| code.to_string(), |c| c.name.clone());
    let the = name.starts_with("United ") || name.ends_with(" Republic") || name.ends_with("lands") || name.ends_with("Islands") || name == "Philippines";
    if the { format!("the {name}") } else { name }
}

fn industry_name(id: &str, taxonomy: &Taxonomy) -> String {
    taxonomy.industries.iter().find(|i| i.id == id).map_or_else(|| id.to_string(), |i| i.name.clone())
}

/// A role as a sentence names it: its name, or "roles outside the main ML roles" for `other`.
pub fn role_phrase(role: &str, taxonomy: &Taxonomy) -> String {
    taxonomy.role(role).map_or_else(|| "jobs outside the main ML roles".to_string(), |r| r.name.clone())
}

/// "data scientists", "machine learning engineers"; "data and ML jobs" for `other`.
fn plural_role(role: &str, taxonomy: &Taxonomy) -> String {
    match taxonomy.role(role) {
        Some(r) => format!("{}s", r.name),
        None => "data and ML jobs outside the main roles".into(),
    }
}

/// ISO 3166-1 alpha-2 codes (all 249 assigned).
const ISO_3166: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ \
    CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE \
    GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP \
    KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF \
    NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN \
    SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA \
    ZM ZW";

/// What a user asks an estimate for, as typed (CLI flags, API body): codes or names.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EstimateInput {
    /// Job title.
    pub title: String,
    /// Company's country: ISO code or name.
    pub country: String,
    /// EN, MI, SE, EX or a level name (junior, senior, lead, director…).
    #[serde(default)]
    pub level: Option<String>,
    /// Years of experience.
    #[serde(default)]
    pub years: Option<f64>,
    /// Industry id or name.
    #[serde(default)]
    pub industry: Option<String>,
    /// S, M, L (or small, medium, large).
    #[serde(default)]
    pub company_size: Option<String>,
    /// Fully remote.
    #[serde(default)]
    pub remote: Option<bool>,
    /// onsite, hybrid or remote.
    #[serde(default)]
    pub work_mode: Option<String>,
    /// Employee's country when not the company's.
    #[serde(default)]
    pub residence: Option<String>,
    /// Skill ids or names.
    #[serde(default)]
    pub skills: Vec<String>,
    /// FT, PT, CT, FL (or full_time, part_time, contract, freelance).
    #[serde(default)]
    pub employment_type: Option<String>,
}

/// A bad estimate input: the field, its value and what is wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("field `{field}`: {value:?} {problem}")]
pub struct InputError {
    /// Field name.
    pub field: &'static str,
    /// Its value.
    pub value: String,
    /// What is wrong.
    pub problem: String,
}

fn bad(field: &'static str, value: &str, problem: impl Into<String>) -> InputError {
    InputError { field, value: value.to_string(), problem: problem.into() }
}

/// A country code or name, resolved to its ISO code.
pub fn resolve_country(s: &str, taxonomy: &Taxonomy) -> Option<String> {
    let t = s.trim();
    let upper = t.to_ascii_uppercase();
    if upper.len() == 2 && ISO_3166.split_whitespace().any(|c| c == upper) {
        return Some(upper);
    }
    crate::enrich::location::resolve_country(t, taxonomy)
}

impl EstimateInput {
    /// Checks and resolves every field to the codes the model knows; the first bad field is an
    /// error naming it and its value.
    pub fn resolve(&self, taxonomy: &Taxonomy) -> Result<Profile, InputError> {
        let title = self.title.trim();
        if title.is_empty() || title.chars().count() > 200 {
            return Err(bad("title", &self.title, "must be 1-200 characters"));
        }
        let country =
            |field: &'static str, v: &str| resolve_country(v, taxonomy).ok_or_else(|| bad(field, v, "is not a known country (ISO 3166 code or English name)"));
        let level = match &self.level {
            None => None,
            Some(v) => {
                let k = v.trim().to_lowercase();
                let code = LEVELS.iter().find(|c| c.eq_ignore_ascii_case(&k)).map(|c| c.to_string()).or_else(|| {
                    taxonomy
                        .levels
                        .iter()
                        .find(|l| l.id == k || l.name.to_lowercase() == k || l.field.contains(&k) || (k == "entry" && l.id == "junior"))
                        .map(|l| l.survey.clone())
                });
                Some(code.ok_or_else(|| bad("level", v, "is not a level (EN, MI, SE, EX, or junior, mid, senior, lead, principal, director, executive)"))?)
            }
        };
        if let Some(y) = self.years.filter(|y| !(0.0..=60.0).contains(y)) {
            // 1e308 would print as 309 digits.
            let shown = if y.is_finite() && y.abs() < 1e6 { y.to_string() } else { format!("{y:e}") };
            return Err(bad("years", &shown, "must be 0-60"));
        }
        let industry = match &self.industry {
            None => None,
            Some(v) => {
                let k = v.trim().to_lowercase();
                let found = taxonomy.industries.iter().find(|i| i.id == k || i.name.to_lowercase() == k || i.field.iter().any(|f| f.to_lowercase() == k));
                Some(found.map(|i| i.id.clone()).ok_or_else(|| {
                    let ids: Vec<&str> = taxonomy.industries.iter().map(|i| i.id.as_str()).collect();
                    bad("industry", v, format!("is not an industry ({})", ids.join(", ")))
                })?)
            }
        };
        let company_size = match &self.company_size {
            None => None,
            Some(v) => Some(
                match v.trim().to_lowercase().as_str() {
                    "s" | "small" => "S",
                    "m" | "medium" => "M",
                    "l" | "large" => "L",
                    _ => return Err(bad("company_size", v, "is not S (< 50 employees), M (50-250) or L (> 250)")),
                }
                .to_string(),
            ),
        };
        let mode = match &self.work_mode {
            None => None,
            Some(v) => Some(match v.trim().to_lowercase().replace(['-', ' '], "").as_str() {
                "onsite" | "office" => 0,
                "hybrid" => 50,
                "remote" => 100,
                _ => return Err(bad("work_mode", v, "is not onsite, hybrid or remote")),
            }),
        };
        let remote_ratio = match (self.remote, mode) {
            (Some(true), Some(m)) if m != 100 => return Err(bad("remote", "true", "contradicts work_mode")),
            (Some(true), _) => Some(100),
            (Some(false), Some(100)) => return Err(bad("remote", "false", "contradicts work_mode")),
            (_, m) => m,
        };
        let mut skills = Vec::new();
        for v in &self.skills {
            let k = v.trim().to_lowercase();
            if k.is_empty() {
                continue;
            }
            let found =
                taxonomy.skill(&k).or_else(|| taxonomy.skills.iter().find(|s| s.name.to_lowercase() == k || s.aliases.iter().any(|a| a.to_lowercase() == k)));
            let id = found.map(|s| s.id.to_string()).ok_or_else(|| bad("skills", v, "is not a skill we know"))?;
            if !skills.contains(&id) {
                skills.push(id);
            }
        }
        let employment_type = match &self.employment_type {
            None => None,
            Some(v) => Some(
                match v.trim().to_lowercase().replace(['-', ' '], "_").as_str() {
                    "ft" | "full_time" | "fulltime" => "FT",
                    "pt" | "part_time" | "parttime" => "PT",
                    "ct" | "contract" | "contractor" => "CT",
                    "fl" | "freelance" => "FL",
                    _ => return Err(bad("employment_type", v, "is not FT, PT, CT or FL")),
                }
                .to_string(),
            ),
        };
        let company = country("country", &self.country)?;
        let residence = match &self.residence {
            Some(r) => Some(country("residence", r)?).filter(|r| *r != company),
            None => None,
        };
        Ok(Profile {
            title: title.to_string(),
            level,
            years: self.years,
            country: Some(company),
            residence,
            remote_ratio,
            company_size,
            industry,
            skills,
            employment_type,
        })
    }
}

/// An estimate in annual USD.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
}

/// Where [`crate::survey`] distributions come from.
pub const SURVEY_SOURCE: &str = "aijobs.net salary survey 2020-2024 (CC0)";
/// Where [`by_industry`] distributions come from.
pub const POSTINGS_SOURCE: &str = "postings in the store that state a salary range (midpoint)";

/// Salary distributions by industry of postings that state pay (the survey has no industry),
/// from (industry, annual USD) pairs — [`posted_salary_usd`] of each posting's range — and how
/// many salaries there are.
pub fn by_industry(keyed: Vec<(String, f64)>, min_count: usize) -> (Vec<(String, crate::survey::Distribution)>, usize) {
    let n = keyed.len();
    (crate::survey::group_distributions(keyed, min_count), n)
}

/// The salary a posting's stated annual USD range stands for: its midpoint; `None` when a bound
/// is outside the enrichment's plausibility rule (a store enriched before the rule must not
/// train the model or fill a chart with a typo).
pub fn posted_salary_usd(min: f64, max: f64) -> Option<f64> {
    let plausible = |v: f64| crate::enrich::salary::PLAUSIBLE_ANNUAL_USD.contains(&v);
    (plausible(min) && plausible(max)).then_some((min + max) / 2.0)
}

/// The five factors (and the rest) that an estimate is explained by.
pub const FACTORS: [&str; 6] = ["experience", "location", "industry", "specialisation", "company_size", "other"];

/// One factor's share of an estimate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contribution {
    /// One of [`FACTORS`].
    pub factor: &'static str,
    /// Multiplicative effect on the baseline, in % (tree SHAP in log space, summed over the
    /// factor's features).
    pub effect_pct: f64,
    /// The factor's part of (median − baseline) in USD: its log contribution times the log-mean
    /// of median and baseline (LMDI), so the parts add up to the difference.
    pub usd: f64,
}

/// A salary the estimate rests on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparable {
    /// The record.
    #[serde(flatten)]
    pub record: Labelled,
    /// What it shares with the profile (`title`, `role`, `level`, `country`, …).
    pub shares: Vec<&'static str>,
}

/// Salaries of the training data that share role, level and country with the profile (or, when
/// there are fewer than ten, the widest of role+level, role+country, role that has ten).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparables {
    /// What the group shares, e.g. `role+level+country`.
    pub group: String,
    /// Its salaries.
    pub distribution: Option<crate::survey::Distribution>,
    /// The closest individual salaries.
    pub examples: Vec<Comparable>,
}

/// How many training salaries share each input with the profile.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Support {
    /// Same normalised title.
    pub title: usize,
    /// Same role.
    pub role: usize,
    /// Same company country.
    pub country: usize,
    /// Same industry (postings only: the survey has none).
    pub industry: Option<usize>,
    /// Same role, level and company country, every year: the group the estimate is about.
    pub role_level_country: usize,
}

/// Below this many salaries of the profile's role, level and country, the estimate says how few
/// next to its figure.
pub const THIN_GROUP: usize = 30;

/// An estimate with its explanation: the [`Brief`] (its fields read through `Deref`) and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimation {
    /// The figures, the notice and what was assumed.
    #[serde(flatten)]
    pub brief: Brief,
    /// The model's baseline (its prediction before any feature; the typical salary of the data).
    pub baseline: f64,
    /// Each factor's contribution, largest effect first.
    pub contributions: Vec<Contribution>,
    /// Where the data are thin: reasons to trust the estimate less.
    pub caveats: Vec<String>,
    /// Training salaries sharing the inputs.
    pub support: Support,
    /// What it rests on.
    pub comparables: Comparables,
}

impl std::ops::Deref for Estimation {
    type Target = Brief;
    fn deref(&self) -> &Brief {
        &self.brief
    }
}

/// An estimate without its explanation ([`SalaryModel::brief`]; with it: [`Estimation`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Brief {
    /// The profile as estimated (defaults filled in).
    pub profile: Profile,
    /// Role of the title in our taxonomy (`other` when none).
    pub role: String,
    /// Whether anything in the data knows the title: a role of the taxonomy, the same title, or
    /// one of its words in a title of the data. When not, the range is widened to the spread of
    /// every salary at the level in the country and `notice` says so.
    pub title_recognised: bool,
    /// What must be read with the figure, shown next to it: an unrecognised title, or how few
    /// salaries the data hold for the role at the level in the country.
    pub notice: Option<String>,
    /// The year the estimate is for (the latest year of the training data).
    pub year: u16,
    /// P10, median and P90 in annual USD, rounded to 100.
    #[serde(flatten)]
    pub estimate: Estimate,
    /// Inputs that were not given and what was assumed.
    pub assumed: Vec<String>,
}

/// A profile as every estimate reads it ([`SalaryModel::prepare`]).
struct Prepared {
    p: Profile,
    assumed: Vec<String>,
    caveats: Vec<String>,
    industry_support: Option<usize>,
    role: String,
    year: u16,
}

/// Facts about a trained model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    /// [`FORMAT`].
    pub format: u32,
    /// mljobs version that trained it.
    pub trained_by: String,
    /// When (RFC 3339), as given by the caller.
    pub trained_at: String,
    /// Salaries per source.
    pub survey_rows: usize,
    /// Salaries from postings.
    pub posting_rows: usize,
    /// First and latest year of the data.
    pub years: (u16, u16),
    /// The year estimates are for: the latest with at least [`CALIBRATION_MIN`] salaries.
    pub estimate_year: u16,
    /// Seconds the fit took.
    pub fit_seconds: f64,
}

#[derive(Default, Clone, Serialize, Deserialize)]
struct Encoding {
    mean: f64,
    by: HashMap<String, (f64, f64)>,
}

impl Encoding {
    fn get(&self, key: &str, prior: f64) -> f64 {
        let (sum, n) = self.by.get(key).copied().unwrap_or((0.0, 0.0));
        smoothed(sum, n, prior)
    }

    fn count(&self, key: &str) -> usize {
        self.by.get(key).map_or(0, |e| e.1 as usize)
    }
}

/// Mean log salary of a key, shrunk towards a prior.
fn smoothed(sum: f64, n: f64, prior: f64) -> f64 {
    (sum + SMOOTHING * prior) / (n + SMOOTHING)
}

/// Column whose value a column's keys are shrunk towards (a title towards its role, a title at a
/// level towards the title, a country at a level towards the country), so that a title or country
/// the data hardly know gets what its wider group earns, not the overall mean; `None` = the mean.
/// Columns come in an order where the prior is computed first ([`ENCODE_ORDER`]).
const PRIOR: [Option<usize>; ENCODED] = [None, None, Some(3), None, None, None, Some(1), Some(2)];
const ENCODE_ORDER: [usize; ENCODED] = [0, 1, 3, 2, 4, 5, 6, 7];

/// Encodes one row: `value(column, prior)` is the smoothed mean of the row's keys in the column.
fn encode_with(mean: f64, value: impl Fn(usize, f64) -> f64) -> [f64; ENCODED] {
    let mut out = [f64::NAN; ENCODED];
    for c in ENCODE_ORDER {
        let prior = PRIOR[c].map_or(mean, |p| out[p]);
        out[c] = value(c, if prior.is_nan() { mean } else { prior });
    }
    out
}

fn ordinal(v: Option<&str>, codes: &[&str]) -> f64 {
    v.and_then(|v| codes.iter().position(|c| *c == v)).map_or(f64::NAN, |i| i as f64)
}

/// A title as the title encoding keys it: lower case, words only, without the level words the
/// level feature carries ("Senior ML Engineer" → "machine learning engineer"), "ML" spelled out.
fn normalise_title(t: &str) -> String {
    let lower = t.to_lowercase();
    let mut out: Vec<&str> = Vec::new();
    for w in lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        match w {
            "senior" | "sr" | "snr" | "junior" | "jr" | "mid" | "intermediate" => {}
            "ml" => out.extend(["machine", "learning"]),
            _ => out.push(w),
        }
    }
    out.join(" ")
}

/// The encoded columns.
const ENCODED: usize = 8;

/// Keys of a profile in each encoded column (skills: one key per skill); `title` is the profile's
/// title through [`normalise_title`].
fn keys(p: &Profile, role: &str, title: &str) -> [Vec<String>; ENCODED] {
    let one = |v: Option<&String>| v.map(|s| vec![s.clone()]).unwrap_or_default();
    [
        one(p.residence.as_ref().or(p.country.as_ref())),
        one(p.country.as_ref()),
        vec![title.to_string()],
        vec![role.to_string()],
        one(p.industry.as_ref()),
        p.skills.clone(),
        vec![format!("{}|{}", p.country.as_deref().unwrap_or(""), p.level.as_deref().unwrap_or(""))],
        vec![format!("{title}|{}", p.level.as_deref().unwrap_or(""))],
    ]
}

/// Columns whose lookup takes the highest value over the levels up to the profile's own (an
/// x-at-a-level encoding never falls as the level rises; with the trees monotone in it, estimates
/// rise with the level whatever else is fixed). Other columns average their keys (skills).
const BY_LEVEL: [bool; ENCODED] = [false, false, false, false, false, false, true, true];

/// The keys an encoding is looked up by: the tally keys, and for [`BY_LEVEL`] columns the same
/// key at every level up to the profile's.
fn lookup_keys(p: &Profile, role: &str, title: &str) -> [Vec<String>; ENCODED] {
    let mut k = keys(p, role, title);
    if let Some(l) = p.level.as_deref().and_then(|l| LEVELS.iter().position(|x| *x == l)) {
        let prefixes = [p.country.as_deref().unwrap_or(""), title];
        for (c, prefix) in [6, 7].into_iter().zip(prefixes) {
            k[c] = LEVELS[..=l].iter().map(|x| format!("{prefix}|{x}")).collect();
        }
    }
    k
}

/// Combines a column's looked-up values.
fn combine(c: usize, values: impl ExactSizeIterator<Item = f64>) -> f64 {
    if BY_LEVEL[c] { values.fold(f64::NAN, f64::max) } else { mean_of(values) }
}

const BASE_FEATURES: usize = 8;
const N_FEATURES: usize = BASE_FEATURES + ENCODED + TITLE_WORDS.len();
/// Features that rise with the level: the level, and the two x-at-a-level encodings.
const LEVEL_FEATURES: [usize; 3] = [1, BASE_FEATURES + 6, BASE_FEATURES + 7];

/// The factors a feature's contribution goes to (indexes into [`FACTORS`]), with shares. An
/// interaction encoding (country × level, title × level) is shared equally between its two factors,
/// as Shapley interaction values split a pair's effect.
fn factor_shares(feature: usize) -> [(usize, f64); 2] {
    let one = |f: usize| [(f, 1.0), (f, 0.0)];
    match feature {
        0 | 2 => one(5),            // year, employment type
        1 | 7 => one(0),            // level, years
        3 | 5 | 8 | 9 => one(1),    // remote ratio, same country, residence, company country
        4 => one(4),                // company size
        12 => one(2),               // industry
        14 => [(1, 0.5), (0, 0.5)], // country × level
        15 => [(3, 0.5), (0, 0.5)], // title × level
        _ => one(3),                // title length, title, role, skills, title words
    }
}

fn feature_row(p: &Profile, year: u16, enc: &[f64; ENCODED]) -> [f64; N_FEATURES] {
    let title = p.title.to_lowercase();
    let words: Vec<&str> = title.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let mut row = [f64::NAN; N_FEATURES];
    row[0] = f64::from(year);
    row[1] = ordinal(p.level.as_deref(), &LEVELS);
    row[2] = ordinal(p.employment_type.as_deref(), &["FT", "PT", "CT", "FL"]);
    row[3] = p.remote_ratio.map_or(f64::NAN, f64::from);
    row[4] = ordinal(p.company_size.as_deref(), &COMPANY_SIZES);
    row[5] = match (&p.residence, &p.country) {
        (Some(r), Some(c)) => f64::from(u8::from(r == c)),
        (None, Some(_)) => 1.0,
        _ => f64::NAN,
    };
    row[6] = words.len() as f64;
    row[7] = p.years.unwrap_or(f64::NAN);
    row[BASE_FEATURES..BASE_FEATURES + ENCODED].copy_from_slice(enc);
    for (j, w) in TITLE_WORDS.iter().enumerate() {
        row[BASE_FEATURES + ENCODED + j] = f64::from(u8::from(words.contains(w)));
    }
    row
}

/// Column-major feature matrix.
fn matrix_data(rows: &[[f64; N_FEATURES]]) -> Vec<f64> {
    let n = rows.len();
    let mut m = vec![0.0; n * N_FEATURES];
    for (i, r) in rows.iter().enumerate() {
        for (j, v) in r.iter().enumerate() {
            m[j * n + i] = *v;
        }
    }
    m
}

/// A seeded shuffle index (xorshift).
fn shuffled(n: usize) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..n).collect();
    let mut s = SEED;
    for i in (1..n).rev() {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        idx.swap(i, (s % (i as u64 + 1)) as usize);
    }
    idx
}

/// The encodings of a fitted model (by key), and the encoded value of a profile.
#[derive(Clone, Serialize, Deserialize)]
struct Encoders([Encoding; ENCODED]);

impl Encoders {
    fn encode(&self, k: &[Vec<String>; ENCODED]) -> [f64; ENCODED] {
        encode_with(self.0[0].mean, |c, prior| combine(c, k[c].iter().map(|key| self.0[c].get(key, prior))))
    }
}

/// Mean of the values; NaN (missing) when there are none.
fn mean_of(values: impl ExactSizeIterator<Item = f64>) -> f64 {
    let n = values.len();
    if n == 0 { f64::NAN } else { values.sum::<f64>() / n as f64 }
}

/// The keys of every row, interned per column (fitting sums into arrays, not maps): what each row
/// adds to (`ids`) and what it is encoded by (`lookup`; `None` for a key no row has).
struct Interned {
    ids: Vec<[Vec<u32>; ENCODED]>,
    lookup: Vec<[Vec<Option<u32>>; ENCODED]>,
    vocab: [Vec<String>; ENCODED],
}

impl Interned {
    fn new(keys: Vec<[Vec<String>; ENCODED]>, lookup: Vec<[Vec<String>; ENCODED]>) -> Interned {
        let mut index: [HashMap<String, u32>; ENCODED] = Default::default();
        let mut vocab: [Vec<String>; ENCODED] = Default::default();
        let ids = keys
            .into_iter()
            .map(|row| {
                let mut c = 0;
                row.map(|ks| {
                    let out = ks
                        .into_iter()
                        .map(|k| {
                            let next = vocab[c].len() as u32;
                            *index[c].entry(k).or_insert_with_key(|k| {
                                vocab[c].push(k.clone());
                                next
                            })
                        })
                        .collect();
                    c += 1;
                    out
                })
            })
            .collect();
        let lookup = lookup.into_iter().map(|row| std::array::from_fn(|c| row[c].iter().map(|k| index[c].get(k).copied()).collect())).collect();
        Interned { ids, lookup, vocab }
    }
}

/// Sum and count of log salary per key over some rows.
struct Tally {
    mean: f64,
    by: [Vec<(f64, f64)>; ENCODED],
}

impl Tally {
    fn of(keys: &Interned, y: &[f64], rows: &[usize]) -> Tally {
        let mut by: [Vec<(f64, f64)>; ENCODED] = std::array::from_fn(|c| vec![(0.0, 0.0); keys.vocab[c].len()]);
        for &i in rows {
            for (c, ids) in keys.ids[i].iter().enumerate() {
                for &id in ids {
                    let e = &mut by[c][id as usize];
                    e.0 += y[i];
                    e.1 += 1.0;
                }
            }
        }
        Tally { mean: rows.iter().map(|&i| y[i]).sum::<f64>() / rows.len().max(1) as f64, by }
    }

    fn encode(&self, ids: &[Vec<Option<u32>>; ENCODED]) -> [f64; ENCODED] {
        encode_with(self.mean, |c, prior| {
            combine(
                c,
                ids[c].iter().map(|id| {
                    let (sum, n) = id.map_or((0.0, 0.0), |id| self.by[c][id as usize]);
                    smoothed(sum, n, prior)
                }),
            )
        })
    }

    fn encoders(&self, vocab: &[Vec<String>; ENCODED]) -> Encoders {
        Encoders(std::array::from_fn(|c| Encoding {
            mean: self.mean,
            by: vocab[c].iter().zip(&self.by[c]).filter(|(_, t)| t.1 > 0.0).map(|(k, t)| (k.clone(), *t)).collect(),
        }))
    }
}

/// Trees and encodings fitted on some rows.
#[derive(Serialize, Deserialize)]
struct Fitted {
    booster: GradientBooster,
    encoders: Encoders,
}

/// Trees fitted on some rows of the training data, with those rows' tally (what encodes others).
struct Trees {
    booster: GradientBooster,
    tally: Tally,
}

/// Fits trees on `rows` of `data` (`y`: every row's log salary).
fn fit(data: &[Labelled], keys: &Interned, y: &[f64], rows: &[usize]) -> Result<Trees, String> {
    // Out-of-fold encodings for the rows the trees learn from: no row sees its own salary.
    let mut enc = vec![[0.0; ENCODED]; rows.len()];
    let order = shuffled(rows.len());
    for fold in 0..FOLDS {
        let inside: Vec<usize> = order.iter().enumerate().filter(|(k, _)| k % FOLDS != fold).map(|(_, &j)| rows[j]).collect();
        let tally = Tally::of(keys, y, &inside);
        for (k, &j) in order.iter().enumerate() {
            if k % FOLDS == fold {
                enc[j] = tally.encode(&keys.lookup[rows[j]]);
            }
        }
    }
    let features: Vec<[f64; N_FEATURES]> = rows.iter().zip(&enc).map(|(&i, e)| feature_row(&data[i].profile, data[i].year, e)).collect();
    let m = matrix_data(&features);
    let matrix = Matrix::new(&m, rows.len(), N_FEATURES);
    let ys: Vec<f64> = rows.iter().map(|&i| y[i]).collect();
    let mut booster = GradientBooster::default()
        .set_objective_type(ObjectiveType::SquaredLoss)
        .set_iterations(150)
        .set_learning_rate(0.1)
        .set_max_depth(5)
        .set_min_leaf_weight(20.0)
        .set_monotone_constraints(Some(ConstraintMap::from(LEVEL_FEATURES.map(|f| (f, Constraint::Positive)))))
        .set_seed(SEED)
        .set_parallel(true);
    booster.fit_unweighted(&matrix, &ys, None).map_err(|e| e.to_string())?;
    Ok(Trees { booster, tally: Tally::of(keys, y, rows) })
}

impl Trees {
    /// Log salaries predicted for rows of the training data, encoded through their interned keys
    /// (the same values as encoding their profiles, without building a key string).
    fn predict_rows(&self, data: &[Labelled], keys: &Interned, rows: &[usize]) -> Vec<f64> {
        let features: Vec<[f64; N_FEATURES]> = rows.iter().map(|&i| feature_row(&data[i].profile, data[i].year, &self.tally.encode(&keys.lookup[i]))).collect();
        self.booster.predict(&Matrix::new(&matrix_data(&features), rows.len(), N_FEATURES), true)
    }
}

impl Fitted {
    /// Features of profiles to estimate. A title the data never had is looked up as its role's
    /// most frequent title (`typical`), so that its title-at-a-level encodings say what the role
    /// pays at the profile's level instead of the role's mean over every level.
    fn matrix(&self, profiles: &[(&Profile, u16, &str)], typical: &HashMap<String, String>) -> Vec<f64> {
        let rows: Vec<[f64; N_FEATURES]> = profiles
            .iter()
            .map(|(p, year, role)| {
                let mut title = normalise_title(&p.title);
                if self.encoders.0[2].count(&title) == 0
                    && let Some(t) = typical.get(*role)
                {
                    title = t.clone();
                }
                feature_row(p, *year, &self.encoders.encode(&lookup_keys(p, role, &title)))
            })
            .collect();
        matrix_data(&rows)
    }

    fn predict_log(&self, profiles: &[(&Profile, u16, &str)], typical: &HashMap<String, String>) -> Vec<f64> {
        let m = self.matrix(profiles, typical);
        self.booster.predict(&Matrix::new(&m, profiles.len(), N_FEATURES), true)
    }
}

/// The P10/P90 offsets (log residual quantiles) of the range: per experience level where the
/// calibration year has [`CALIBRATION_MIN`] / 2 salaries of that level (Mondrian split-conformal:
/// entry-level pay scatters differently from senior pay), else over all levels.
#[derive(Serialize, Deserialize)]
struct Interval {
    overall: (f64, f64),
    by_level: HashMap<String, (f64, f64)>,
}

impl Interval {
    fn calibrate<'a>(residuals: impl Iterator<Item = (Option<&'a str>, f64)>) -> Interval {
        fn q(mut r: Vec<f64>) -> (f64, f64) {
            r.sort_by(f64::total_cmp);
            (percentile(&r, 0.1), percentile(&r, 0.9))
        }
        let mut all = Vec::new();
        let mut by: HashMap<String, Vec<f64>> = HashMap::new();
        for (level, r) in residuals {
            all.push(r);
            if let Some(l) = level {
                by.entry(l.to_string()).or_default().push(r);
            }
        }
        let by_level = by.into_iter().filter(|(_, r)| r.len() >= CALIBRATION_MIN / 2).map(|(l, r)| (l, q(r))).collect();
        Interval { overall: q(all), by_level }
    }

    fn of(&self, level: Option<&str>) -> (f64, f64) {
        level.and_then(|l| self.by_level.get(l)).copied().unwrap_or(self.overall)
    }
}

/// The fitted estimator, with the data it was trained on (for comparables and support).
#[derive(Serialize, Deserialize)]
pub struct SalaryModel {
    /// Facts about the training.
    pub info: ModelInfo,
    fitted: Fitted,
    /// log-residual quantiles (P10, P90), out of time, per level and overall.
    residual_q: Interval,
    roles: HashMap<String, String>,
    data: Records,
    /// Derived from `roles` and the title encoding on first use, not saved.
    #[serde(skip)]
    titles: std::sync::OnceLock<Titles>,
    /// `data` as integer codes, built on first use, not saved.
    #[serde(skip)]
    coded: std::sync::OnceLock<Coded>,
}

/// The training salaries as small integer codes, built once per model, so that the comparables'
/// pass over every salary (survey and posted pay: about 150,000 at a 100k-posting store) compares
/// integers, not strings — 28 ms a job page before, a few ms after.
struct Coded {
    /// Every value of a text field (title, level, country, size, industry, skill) → its code;
    /// fields share the table, as only values of one field are ever compared.
    codes: HashMap<String, u32>,
    /// Skill id → its code (0, 1, 2…: dense, for a bit set of the profile's).
    skill_codes: HashMap<String, u32>,
    rows: Vec<CodedRow>,
    /// The rows' skill codes, each row's a range of this.
    skills: Vec<u32>,
    /// Salaries per (role, level, company country), every year: the group an estimate is about.
    role_level_country: HashMap<(u32, u32, u32), usize>,
    /// Distribution of the latest year's salaries per (level, company country).
    level_country: HashMap<(u32, u32), crate::survey::Distribution>,
}

/// One salary's codes; [`Coded::NONE`] for a value not given.
struct CodedRow {
    /// The normalised title's code.
    title: u32,
    role: u32,
    level: u32,
    country: u32,
    company_size: u32,
    industry: u32,
    remote_ratio: Option<u8>,
    skills: std::ops::Range<u32>,
    /// Bit `code % 64` of each skill: no bit in common with a profile's means no skill in common.
    skill_bits: u64,
    // Copied here so that the pass never touches the (large) records themselves.
    year: u16,
    salary_usd: f64,
}

impl Coded {
    /// A value the record does not give.
    const NONE: u32 = 0;
    /// A value of the profile the data do not hold (or that it does not give): equal to no record's.
    const UNSEEN: u32 = u32::MAX;

    /// `titles` gives each training title's normalised form, `roles` its role; `latest` is the
    /// year estimates are for.
    fn of(data: &Records, titles: &Titles, roles: &HashMap<String, String>, latest: u16) -> Coded {
        let mut codes: HashMap<String, u32> = HashMap::new();
        let mut code = |v: Option<&str>| match v {
            None => Self::NONE,
            Some(v) => {
                let next = codes.len() as u32 + 1;
                *codes.entry(v.to_string()).or_insert(next)
            }
        };
        let mut skill_codes: HashMap<String, u32> = HashMap::new();
        let mut skills = Vec::new();
        let mut rows = Vec::with_capacity(data.len());
        for r in data.iter() {
            let start = skills.len() as u32;
            let mut skill_bits = 0u64;
            for s in r.skills() {
                let next = skill_codes.len() as u32;
                let c = *skill_codes.entry(s.to_string()).or_insert(next);
                skills.push(c);
                skill_bits |= 1 << (c % 64);
            }
            rows.push(CodedRow {
                title: code(titles.normalised.get(r.title()).map(String::as_str)),
                role: code(roles.get(r.title()).map(String::as_str)),
                level: code(r.level()),
                country: code(r.country()),
                company_size: code(r.company_size()),
                industry: code(r.industry()),
                remote_ratio: r.remote_ratio(),
                skills: start..skills.len() as u32,
                skill_bits,
                year: r.year(),
                salary_usd: r.salary_usd(),
            });
        }
        let mut role_level_country: HashMap<(u32, u32, u32), usize> = HashMap::new();
        let mut level_country: HashMap<(u32, u32), Vec<f64>> = HashMap::new();
        for r in rows.iter().filter(|r| r.level != Self::NONE && r.country != Self::NONE) {
            if r.role != Self::NONE {
                *role_level_country.entry((r.role, r.level, r.country)).or_default() += 1;
            }
            if r.year == latest {
                level_country.entry((r.level, r.country)).or_default().push(r.salary_usd);
            }
        }
        let level_country = level_country.into_iter().filter_map(|(k, v)| crate::survey::Distribution::of(v).map(|d| (k, d))).collect();
        Coded { codes, skill_codes, rows, skills, role_level_country, level_country }
    }

    /// The code of a profile's value; [`Self::UNSEEN`] when not given or not in the data.
    fn find(&self, v: Option<&str>) -> u32 {
        v.and_then(|v| self.codes.get(v)).copied().unwrap_or(Self::UNSEEN)
    }
}

/// What estimates look titles up by, computed once per model (a few hundred distinct titles)
/// instead of normalising every training title on every estimate.
struct Titles {
    /// Training title → its normalised form.
    normalised: HashMap<String, String>,
    /// Each role's most frequent normalised title; none for `other`.
    typical: HashMap<String, String>,
    /// Every word of a normalised training title.
    words: std::collections::HashSet<String>,
}

impl SalaryModel {
    /// Trains on labelled salaries. `trained_at` is recorded as given.
    pub fn train(data: Vec<Labelled>, taxonomy: &Taxonomy, trained_at: &str) -> Result<SalaryModel, String> {
        if data.len() < 50 {
            return Err(format!("{} salaries are too few to train on (50 at least)", data.len()));
        }
        let started = std::time::Instant::now();
        let roles = title_roles(data.iter().map(|r| r.profile.title.as_str()), taxonomy);
        let role_of = |r: &Labelled| roles[&r.profile.title].as_str();
        // Titles normalised once each (a few hundred), not once per salary.
        let titles: HashMap<&str, String> = roles.keys().map(|t| (t.as_str(), normalise_title(t))).collect();
        let title_of = |r: &Labelled| titles[r.profile.title.as_str()].as_str();
        let keys = Interned::new(
            data.iter().map(|r| keys(&r.profile, role_of(r), title_of(r))).collect(),
            data.iter().map(|r| lookup_keys(&r.profile, role_of(r), title_of(r))).collect(),
        );
        let y: Vec<f64> = data.iter().map(|r| r.salary_usd.ln()).collect();
        let (first, last_year) = data.iter().fold((u16::MAX, 0), |(a, b), r| (a.min(r.year), b.max(r.year)));
        let mut per_year: std::collections::BTreeMap<u16, usize> = Default::default();
        for r in &data {
            *per_year.entry(r.year).or_default() += 1;
        }
        // The year estimates are for: the latest with enough salaries to calibrate a range (a
        // handful of this year's postings does not make a year).
        let latest = per_year.iter().rev().find(|(_, n)| **n >= CALIBRATION_MIN).map_or(last_year, |(y, _)| *y);
        let all: Vec<usize> = (0..data.len()).collect();
        let trees = fit(&data, &keys, &y, &all)?;
        let fitted = Fitted { booster: trees.booster, encoders: trees.tally.encoders(&keys.vocab) };
        // Out-of-time residuals, rolling origin: for each year with enough salaries and enough
        // before it (the latest always), fit on the years before and predict that year.
        let mut residuals: Vec<(Option<&str>, f64)> = Vec::new();
        for (&year, &n) in per_year.range(..=latest).rev() {
            let before: Vec<usize> = all.iter().copied().filter(|&i| data[i].year < year).collect();
            if n < CALIBRATION_MIN || before.len() < CALIBRATION_MIN {
                if year == latest {
                    return Err(format!("the data need {CALIBRATION_MIN} salaries of one year and {CALIBRATION_MIN} before it to calibrate the range"));
                }
                continue;
            }
            let that: Vec<usize> = all.iter().copied().filter(|&i| data[i].year == year).collect();
            let pred = fit(&data, &keys, &y, &before)?.predict_rows(&data, &keys, &that);
            residuals.extend(that.iter().zip(&pred).map(|(&i, p)| (data[i].profile.level.as_deref(), y[i] - p)));
        }
        let residual_q = Interval::calibrate(residuals.into_iter());
        let info = ModelInfo {
            format: FORMAT,
            trained_by: env!("CARGO_PKG_VERSION").to_string(),
            trained_at: trained_at.to_string(),
            survey_rows: data.iter().filter(|r| r.source == Source::Survey).count(),
            posting_rows: data.iter().filter(|r| r.source == Source::Posting).count(),
            years: (first, last_year),
            estimate_year: latest,
            fit_seconds: (started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
        };
        Ok(SalaryModel {
            info,
            fitted,
            residual_q,
            roles,
            data: Records::from(&data[..]),
            titles: std::sync::OnceLock::new(),
            coded: std::sync::OnceLock::new(),
        })
    }

    /// The saved form (JSON).
    pub fn to_json(&self) -> Result<String, String> {
        serde_json::to_string(self).map_err(|e| e.to_string())
    }

    /// Reads a saved model; a file of another [`FORMAT`] is an error.
    pub fn from_json(text: &str) -> Result<SalaryModel, String> {
        #[derive(Deserialize)]
        struct Head {
            info: ModelInfo,
        }
        let head: Head = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if head.info.format != FORMAT {
            return Err(format!("model format {} (this mljobs reads {FORMAT})", head.info.format));
        }
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    fn titles(&self) -> &Titles {
        self.titles.get_or_init(|| {
            let normalised: HashMap<String, String> = self.roles.keys().map(|t| (t.clone(), normalise_title(t))).collect();
            let mut best: HashMap<&str, (usize, &str)> = HashMap::new();
            for (t, role) in &self.roles {
                if role == "other" {
                    continue;
                }
                let key = normalised[t].as_str();
                let n = self.fitted.encoders.0[2].count(key);
                let e = best.entry(role.as_str()).or_insert((0, ""));
                if n > e.0 || (n == e.0 && key < e.1) {
                    *e = (n, key);
                }
            }
            let typical = best.into_iter().map(|(r, (_, t))| (r.to_string(), t.to_string())).collect();
            let words = normalised.values().flat_map(|t| t.split(' ')).map(String::from).collect();
            Titles { normalised, typical, words }
        })
    }

    /// Builds what estimates look up (normalised titles, the training salaries as codes) now
    /// rather than on the first estimate (~0.1 s at 100k postings): a server calls it at start.
    pub fn build_lookups(&self) {
        self.coded();
    }

    fn coded(&self) -> &Coded {
        self.coded.get_or_init(|| Coded::of(&self.data, self.titles(), &self.roles, self.info.estimate_year))
    }

    fn role_of(&self, title: &str, taxonomy: &Taxonomy) -> String {
        self.roles.get(title).cloned().unwrap_or_else(|| title_roles(std::iter::once(title), taxonomy).remove(title).unwrap_or_default())
    }

    /// Median and P10–P90 for each (profile, year).
    pub fn estimate_many(&self, profiles: &[(Profile, u16)], taxonomy: &Taxonomy) -> Vec<Estimate> {
        let roles: Vec<String> = profiles.iter().map(|(p, _)| self.role_of(&p.title, taxonomy)).collect();
        let input: Vec<(&Profile, u16, &str)> = profiles.iter().zip(&roles).map(|((p, y), r)| (p, *y, r.as_str())).collect();
        self.fitted
            .predict_log(&input, &self.titles().typical)
            .into_iter()
            .zip(profiles)
            .map(|(p, (profile, _))| {
                let (lo, hi) = self.residual_q.of(profile.level.as_deref());
                Estimate { p10: (p + lo).exp(), p50: p.exp(), p90: (p + hi).exp() }
            })
            .collect()
    }

    /// One estimate with its explanation, for the latest year of the data. Missing inputs that
    /// the survey always has get a stated default (level from years, else MI; company size M;
    /// on site; full time; residence = company country).
    pub fn explain(&self, profile: &Profile, taxonomy: &Taxonomy) -> Estimation {
        let Prepared { p, assumed, mut caveats, industry_support, role, year } = self.prepare(profile, taxonomy);
        let input = [(&p, year, role.as_str())];
        let m = self.fitted.matrix(&input, &self.titles().typical);
        let matrix = Matrix::new(&m, 1, N_FEATURES);
        let contribs = self.fitted.booster.predict_contributions(&matrix, ContributionsMethod::Shapley, false);
        let log_pred: f64 = contribs.iter().sum();
        let base = contribs[N_FEATURES];
        let mut by_factor = [0.0f64; FACTORS.len()];
        for (f, c) in contribs[..N_FEATURES].iter().enumerate() {
            for (factor, share) in factor_shares(f) {
                by_factor[factor] += c * share;
            }
        }
        if p.industry.is_none() {
            // An industry not given (or unknown to the data) is no effect of the industry: the
            // trees' "industry missing" branch is the mix of the data, which belongs to the rest.
            by_factor[5] += std::mem::take(&mut by_factor[2]);
        }
        let p50 = log_pred.exp();
        let baseline = base.exp();
        // USD parts by log-mean weights (LMDI): (p50 − baseline) / ln(p50 / baseline) per unit of
        // log contribution, so the parts add up exactly and stay finite when effects cancel.
        let log_mean = if (log_pred - base).abs() > 1e-9 { (p50 - baseline) / (log_pred - base) } else { baseline };
        let mut contributions: Vec<Contribution> = FACTORS
            .iter()
            .zip(by_factor)
            .map(|(factor, c)| Contribution { factor, effect_pct: round_to((c.exp() - 1.0) * 100.0, 0.1), usd: round_to(log_mean * c, 100.0) })
            .collect();
        contributions.sort_by(|a, b| b.effect_pct.abs().total_cmp(&a.effect_pct.abs()));
        let enc = &self.fitted.encoders.0;
        let k = keys(&p, &role, &normalise_title(&p.title));
        let count = |c: usize| k[c].first().map_or(0, |key| enc[c].count(key));
        let comparables = self.comparables(&p, &role);
        let (role_level_country, level_country) = self.groups(&p, &role);
        let support = Support { title: count(2), role: count(3), country: count(1), industry: industry_support, role_level_country };
        let country = p.country.as_deref().map(|c| country_name(c, taxonomy));
        if let Some(c) = &country
            && support.country < 30
        {
            caveats.push(format!("only {} salaries from {c} in the data: location leans on the average", support.country));
        }
        let role_name = role_phrase(&role, taxonomy);
        if support.title < 30 && support.role < 30 {
            caveats.push(format!("few salaries for this title ({}) and for {role_name} ({})", support.title, support.role));
        }
        if let (Some(i), Some(n)) = (&p.industry, support.industry)
            && n < 30
        {
            caveats
                .push(format!("only {n} salaries in the {} industry (postings that state pay): its effect is shrunk towards none", industry_name(i, taxonomy)));
        }
        if !p.skills.is_empty() {
            let known = p.skills.iter().filter(|s| enc[5].count(s) >= 30).count();
            if known < p.skills.len() {
                caveats.push(format!("{} of {} skills have fewer than 30 salaries in the data", p.skills.len() - known, p.skills.len()));
            }
        }
        let brief = self.brief_of(p, role, year, assumed, log_pred, support.title, role_level_country, level_country, taxonomy);
        Estimation { brief, baseline: round_to(baseline, 100.0), contributions, caveats, support, comparables }
    }

    /// The estimate, what was assumed and the notice to read with it, without the explanation
    /// (no factor contributions, caveats or comparable salaries): what a job page shows, in a
    /// fraction of [`Self::explain`]'s time. Figures and notice are the same as `explain`'s.
    pub fn brief(&self, profile: &Profile, taxonomy: &Taxonomy) -> Brief {
        let Prepared { p, assumed, role, year, .. } = self.prepare(profile, taxonomy);
        let log_pred = self.fitted.predict_log(&[(&p, year, role.as_str())], &self.titles().typical)[0];
        let title_support = keys(&p, &role, &normalise_title(&p.title))[2].first().map_or(0, |key| self.fitted.encoders.0[2].count(key));
        let (role_level_country, level_country) = self.groups(&p, &role);
        self.brief_of(p, role, year, assumed, log_pred, title_support, role_level_country, level_country, taxonomy)
    }

    /// How many salaries the profile's (role, level, country) has, every year, and the
    /// distribution of the latest year's at its level in its country.
    fn groups(&self, p: &Profile, role: &str) -> (usize, Option<&crate::survey::Distribution>) {
        let coded = self.coded();
        let (role, level, country) = (coded.find(Some(role)), coded.find(p.level.as_deref()), coded.find(p.country.as_deref()));
        (coded.role_level_country.get(&(role, level, country)).copied().unwrap_or(0), coded.level_country.get(&(level, country)))
    }

    /// Inputs resolved and defaulted as every estimate reads them.
    fn prepare(&self, profile: &Profile, taxonomy: &Taxonomy) -> Prepared {
        let mut p = profile.clone();
        let mut assumed = Vec::new();
        let mut caveats = Vec::new();
        resolve_level(&mut p, taxonomy, &mut assumed, &mut caveats);
        let enc = &self.fitted.encoders.0;
        // A factor value the data have no salary for cannot move the estimate: it is left out
        // (and said so) rather than encoded as the average, which the trees read as "known".
        let industry_support = p.industry.as_ref().map(|i| enc[4].count(i));
        if let (Some(i), Some(0)) = (&p.industry, industry_support) {
            caveats.push(format!("no salary in the data is from the {} industry: the estimate does not use it", industry_name(i, taxonomy)));
            p.industry = None;
        }
        let unknown_skills: Vec<String> = p.skills.iter().filter(|s| enc[5].count(s) == 0).cloned().collect();
        if !unknown_skills.is_empty() {
            let names: Vec<String> = unknown_skills.iter().map(|s| taxonomy.skill(s).map_or_else(|| s.clone(), |k| k.name.to_string())).collect();
            caveats.push(format!(
                "no salary in the data names {}: the estimate does not use {}",
                names.join(", "),
                if names.len() == 1 { "it" } else { "them" }
            ));
            p.skills.retain(|s| !unknown_skills.contains(s));
        }
        if p.company_size.is_none() {
            assumed.push("company size not given: medium (M, 50-250 employees)".into());
            p.company_size = Some("M".into());
        }
        if p.remote_ratio.is_none() {
            assumed.push("work mode not given: on site".into());
            p.remote_ratio = Some(0);
        }
        if p.employment_type.is_none() {
            assumed.push("employment type not given (or not one the survey has): full time".into());
            p.employment_type = Some("FT".into());
        }
        let year = self.info.estimate_year;
        let role = self.role_of(&p.title, taxonomy);
        Prepared { p, assumed, caveats, industry_support, role, year }
    }

    /// The figures and notice from the prediction and the support of the profile's groups, with
    /// what was assumed.
    #[allow(clippy::too_many_arguments)]
    fn brief_of(
        &self,
        p: Profile,
        role: String,
        year: u16,
        assumed: Vec<String>,
        log_pred: f64,
        title_support: usize,
        role_level_country: usize,
        level_country: Option<&crate::survey::Distribution>,
        taxonomy: &Taxonomy,
    ) -> Brief {
        let (lo, hi) = self.residual_q.of(p.level.as_deref());
        let mut estimate =
            Estimate { p10: round_to((log_pred + lo).exp(), 100.0), p50: round_to(log_pred.exp(), 100.0), p90: round_to((log_pred + hi).exp(), 100.0) };
        let level_name = p.level.as_deref().map_or("", survey_level_name);
        let country = p.country.as_deref().map(|c| country_name(c, taxonomy));
        let title_recognised = role != "other" || title_support > 0 || self.knows_a_word_of(&p.title);
        let notice = if !title_recognised {
            // Nothing in the data says what this title pays: the range is at least the spread of
            // every salary at the level in the country (the trees' median stays, as the level and
            // place still say something).
            if let Some(d) = level_country {
                estimate.p10 = estimate.p10.min(round_to(d.p10, 100.0));
                estimate.p90 = estimate.p90.max(round_to(d.p90, 100.0));
            }
            Some(format!(
                "The title \u{201c}{}\u{201d} is not one we recognise: no role and no salary in the data share its words. This is what {level_name} data and ML jobs{} pay in general, with a wider range.",
                p.title,
                country.as_deref().map(|c| format!(" in {c}")).unwrap_or_default()
            ))
        } else if role_level_country < THIN_GROUP {
            Some(format!(
                "Only {} salar{} in the data for {level_name} {}{}: the estimate leans on wider groups.",
                role_level_country,
                if role_level_country == 1 { "y" } else { "ies" },
                plural_role(&role, taxonomy),
                country.as_deref().map(|c| format!(" in {c}")).unwrap_or_default()
            ))
        } else {
            None
        };
        Brief { profile: p, role, title_recognised, notice, year, estimate, assumed }
    }

    /// Whether a word of the title (three letters or more, not a level word) appears in a title of
    /// the training data.
    fn knows_a_word_of(&self, title: &str) -> bool {
        // Words every kind of job has in its title say nothing of what it is.
        const GENERIC: [&str; 24] = [
            "and",
            "for",
            "the",
            "with",
            "head",
            "lead",
            "staff",
            "principal",
            "manager",
            "director",
            "chief",
            "officer",
            "intern",
            "associate",
            "specialist",
            "senior",
            "junior",
            "remote",
            "global",
            "team",
            "vice",
            "president",
            "executive",
            "consultant",
        ];
        let words: Vec<String> = normalise_title(title).split(' ').filter(|w| w.len() >= 3 && !GENERIC.contains(w)).map(String::from).collect();
        let known = &self.titles().words;
        !words.is_empty() && words.iter().any(|w| known.contains(w))
    }

    /// One pass over the training salaries: the comparables, how many salaries share role, level
    /// and country, and the spread of every salary at the level in the country in the estimate
    /// year.
    fn comparables(&self, p: &Profile, role: &str) -> Comparables {
        // What a record can share with the profile and its weight in the closeness score.
        const WHAT: [(&str, f64); 8] =
            [("title", 4.0), ("role", 2.0), ("level", 3.0), ("country", 3.0), ("company_size", 1.0), ("industry", 2.0), ("work_mode", 0.5), ("skills", 1.0)];
        const ROLE: u8 = 1 << 1;
        const LEVEL: u8 = 1 << 2;
        const COUNTRY: u8 = 1 << 3;
        // The distributions' groups (name, bits a record needs), narrowest first.
        const GROUPS: [(&str, u8); 4] =
            [("role+level+country", ROLE | LEVEL | COUNTRY), ("role+country", ROLE | COUNTRY), ("role+level", ROLE | LEVEL), ("role", ROLE)];
        let latest = self.info.estimate_year;
        let coded = self.coded();
        let (title, role) = (coded.find(Some(&normalise_title(&p.title))), coded.find(Some(role)));
        let (level, country) = (coded.find(p.level.as_deref()), coded.find(p.country.as_deref()));
        let (company_size, industry) = (coded.find(p.company_size.as_deref()), coded.find(p.industry.as_deref()));
        let mut skills = vec![0u64; coded.skill_codes.len().div_ceil(64)];
        let mut skill_bits = 0u64;
        for c in p.skills.iter().filter_map(|s| coded.skill_codes.get(s)) {
            skills[*c as usize / 64] |= 1 << (c % 64);
            skill_bits |= 1 << (c % 64);
        }
        // The entries of WHAT a record's bits say it shares, and their weight, per value of bits.
        let shared = |bits: u8| WHAT.iter().enumerate().filter(move |(k, _)| bits & (1 << k) != 0).map(|(_, w)| *w);
        // Closeness is a multiple of 0.5 (weights are, and a year older costs 0.5): it is counted
        // in halves, one byte per record, and the tiers are read off best first only as far as
        // the examples need (rarely more than the first two) — no sort of 150,000 scores.
        let halves: Vec<i32> = (0..=u8::MAX).map(|bits| (shared(bits).map(|w| w.1).sum::<f64>() * 2.0) as i32).collect();
        let mut closeness: Vec<(u8, u8)> = Vec::with_capacity(coded.rows.len());
        let mut groups: [Vec<f64>; GROUPS.len()] = Default::default();
        for q in &coded.rows {
            let same = [
                q.title == title,
                q.role == role,
                q.level == level,
                q.country == country,
                q.company_size == company_size,
                q.industry == industry,
                q.remote_ratio == p.remote_ratio,
                q.skill_bits & skill_bits != 0
                    && coded.skills[q.skills.start as usize..q.skills.end as usize].iter().any(|&c| skills[c as usize / 64] & (1 << (c % 64)) != 0),
            ];
            let bits = same.iter().enumerate().fold(0u8, |b, (k, yes)| b | (u8::from(*yes) << k));
            let score = halves[usize::from(bits)] - i32::from(latest.saturating_sub(q.year));
            closeness.push((score.clamp(0, i32::from(u8::MAX)) as u8, bits));
            if q.year == latest {
                for (values, (_, need)) in groups.iter_mut().zip(GROUPS) {
                    if bits & need == need {
                        values.push(q.salary_usd);
                    }
                }
            }
        }
        let best = closeness.iter().map(|c| c.0).max().unwrap_or(0);
        let tiers = (1..=best).rev().map(|k| closeness.iter().enumerate().filter(|(_, c)| c.0 == k).map(|(i, c)| (i, c.1)).collect());
        let examples = representative(&self.data, tiers, 5)
            .into_iter()
            .map(|(i, bits)| Comparable { record: self.data.get(i).to_labelled(), shares: shared(bits).map(|w| w.0).collect() })
            .collect();
        let comparables = GROUPS
            .into_iter()
            .zip(groups)
            .find(|(_, values)| values.len() >= 10)
            .map(|((name, _), values)| Comparables {
                group: format!("{name} in {latest}"),
                distribution: crate::survey::Distribution::of(values),
                examples: Vec::new(),
            })
            .unwrap_or_else(|| Comparables { group: "none with 10 salaries".into(), distribution: None, examples: Vec::new() });
        Comparables { examples, ..comparables }
    }
}

/// `n` records that represent the closest ones: closeness tiers are taken best first, distinct
/// records only (the survey repeats identical answers); the tier that does not fit whole gives
/// records spread over its salaries (at evenly spaced quantiles), not its first ones in file
/// order, so an outlier does not lead. Ordered by closeness, then salary.
fn representative(data: &Records, tiers: impl Iterator<Item = Vec<(usize, u8)>>, n: usize) -> Vec<(usize, u8)> {
    let key = |i: usize| {
        let r = data.get(i);
        (r.year(), r.title().to_lowercase(), r.level(), r.country(), r.company_size(), r.remote_ratio(), r.salary_usd().round() as i64)
    };
    let mut seen = std::collections::HashSet::new();
    let mut out: Vec<(usize, u8)> = Vec::new();
    for mut tier in tiers {
        if out.len() >= n {
            break;
        }
        // Distinct records only.
        tier.retain(|&(i, _)| seen.insert(key(i)));
        let want = n - out.len();
        tier.sort_by(|a, b| data.get(a.0).salary_usd().total_cmp(&data.get(b.0).salary_usd()).then(a.0.cmp(&b.0)));
        if tier.len() <= want {
            out.extend(tier);
        } else {
            out.extend((0..want).map(|j| tier[(2 * j + 1) * tier.len() / (2 * want)]));
        }
    }
    out
}

/// `x` rounded to a multiple of `unit` (never −0: "-0.0 %" reads as an effect).
fn round_to(x: f64, unit: f64) -> f64 {
    // Dividing by the inverse of a fractional unit keeps 9.6 from printing as 9.600000000000001.
    let r = (x / unit).round();
    if unit < 1.0 { r / (1.0 / unit).round() + 0.0 } else { r * unit + 0.0 }
}

/// Evaluation metrics in annual USD.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metrics {
    /// Rows evaluated.
    pub rows: usize,
    /// Mean absolute error.
    pub mae: f64,
    /// Root mean squared error.
    pub rmse: f64,
    /// Coefficient of determination (of USD).
    pub r2: f64,
    /// Median absolute percentage error.
    pub mdape: f64,
    /// Share of salaries inside P10–P90.
    pub coverage_p10_p90: f64,
    /// Mean P90 − P10.
    pub mean_width: f64,
}

/// Metrics of estimates against the true salaries.
pub fn evaluate(truth: &[f64], est: &[Estimate]) -> Metrics {
    let n = truth.len().max(1) as f64;
    let mean = truth.iter().sum::<f64>() / n;
    let (mut abs, mut sq, mut tot, mut inside, mut width) = (0.0, 0.0, 0.0, 0.0, 0.0);
    let mut ape = Vec::with_capacity(truth.len());
    for (y, e) in truth.iter().zip(est) {
        abs += (e.p50 - y).abs();
        sq += (e.p50 - y).powi(2);
        tot += (y - mean).powi(2);
        inside += f64::from(u8::from(*y >= e.p10 && *y <= e.p90));
        width += e.p90 - e.p10;
        ape.push((e.p50 - y).abs() / y);
    }
    ape.sort_by(f64::total_cmp);
    let r = |x: f64, d: f64| (x * d).round() / d;
    Metrics {
        rows: truth.len(),
        mae: r(abs / n, 10.0),
        rmse: r((sq / n).sqrt(), 10.0),
        r2: r(1.0 - sq / tot, 10_000.0),
        mdape: r(if ape.is_empty() { 0.0 } else { percentile(&ape, 0.5) * 100.0 }, 100.0),
        coverage_p10_p90: r(inside / n, 10_000.0),
        mean_width: r(width / n, 10.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::survey::{EMBEDDED, parse};

    fn survey_until(year: u16) -> Vec<Labelled> {
        parse(EMBEDDED, "survey").unwrap().iter().filter(|r| r.year <= year).map(Labelled::from_survey).collect()
    }

    #[test]
    fn the_range_is_calibrated_per_level_where_the_level_has_enough_residuals() {
        // Entry-level residuals spread ±0.5, senior ones ±0.1; executives have too few of their own.
        let spread = |n: usize, half: f64| (0..n).map(move |i| -half + 2.0 * half * i as f64 / (n - 1) as f64);
        let residuals = spread(300, 0.5)
            .map(|r| (Some("EN"), r))
            .chain(spread(300, 0.1).map(|r| (Some("SE"), r)))
            .chain(spread(20, 2.0).map(|r| (Some("EX"), r)))
            .chain(spread(50, 0.3).map(|r| (None, r)));
        let interval = Interval::calibrate(residuals);
        let (en, se) = (interval.of(Some("EN")), interval.of(Some("SE")));
        assert!((en.0 + 0.4).abs() < 0.01 && (en.1 - 0.4).abs() < 0.01, "entry: its own P10/P90 {en:?}");
        assert!((se.0 + 0.08).abs() < 0.01 && (se.1 - 0.08).abs() < 0.01, "senior: its own P10/P90 {se:?}");
        assert_eq!(interval.of(Some("EX")), interval.overall, "20 executive residuals are too few: the overall range");
        assert_eq!(interval.of(None), interval.overall);
        assert!(interval.overall.0 < se.0 && interval.overall.1 > se.1);
    }

    #[test]
    fn estimates_are_deterministic_ordered_and_rise_with_experience() {
        let t = Taxonomy::embedded();
        let a = SalaryModel::train(survey_until(2023), &t, "now").unwrap();
        let b = SalaryModel::train(survey_until(2023), &t, "now").unwrap();
        assert_eq!(a.info.estimate_year, 2023);
        for (title, country) in [("Machine Learning Engineer", "US"), ("Data Analyst", "DE"), ("Senior Research Scientist", "GB"), ("Quant Whisperer", "BR")] {
            let probes: Vec<(Profile, u16)> = LEVELS
                .iter()
                .map(|l| {
                    let p = Profile {
                        title: title.into(),
                        level: Some(l.to_string()),
                        country: Some(country.into()),
                        company_size: Some("M".into()),
                        remote_ratio: Some(0),
                        ..Profile::default()
                    };
                    (p, 2023)
                })
                .collect();
            let (ea, eb) = (a.estimate_many(&probes, &t), b.estimate_many(&probes, &t));
            assert_eq!(ea, eb, "seeded: the same estimates twice");
            assert!(ea.windows(2).all(|w| w[0].p50 <= w[1].p50), "{title} {country}: entry ≤ mid ≤ senior ≤ executive: {ea:?}");
            assert!(ea.iter().all(|e| e.p10 < e.p50 && e.p50 < e.p90), "{ea:?}");
        }
        let us_mle = a.estimate_many(
            &[(Profile { title: "Machine Learning Engineer".into(), level: Some("SE".into()), country: Some("US".into()), ..Profile::default() }, 2023)],
            &t,
        );
        assert!((120_000.0..300_000.0).contains(&us_mle[0].p50), "{us_mle:?}");
    }

    #[test]
    fn an_explanation_adds_up_and_a_saved_model_reads_back() {
        let t = Taxonomy::embedded();
        let m = SalaryModel::train(survey_until(2024), &t, "2026-11-27T00:00:00Z").unwrap();
        let input =
            EstimateInput { title: "Senior ML Engineer".into(), country: "usa".into(), years: Some(6.0), skills: vec!["PyTorch".into()], ..Default::default() };
        let p = input.resolve(&t).unwrap();
        assert_eq!((p.country.as_deref(), p.level.as_deref(), p.skills.as_slice()), (Some("US"), None, &["pytorch".to_string()][..]));
        let e = m.explain(&p, &t);
        assert_eq!(e.profile.level.as_deref(), Some("SE"), "senior, from the title");
        assert_eq!(e.year, 2024);
        let sum: f64 = e.contributions.iter().map(|c| c.usd).sum();
        assert!((e.baseline + sum - e.estimate.p50).abs() <= 400.0, "{e:?}");
        assert!(e.assumed.iter().any(|a| a.contains("company size")), "{:?}", e.assumed);
        assert!(e.assumed.iter().any(|a| a.contains("full time")), "the employment type default is stated: {:?}", e.assumed);
        assert!(e.caveats.iter().any(|c| c.contains("PyTorch") && c.contains("does not use")), "no salary in the survey names a skill: {:?}", e.caveats);
        assert!(e.profile.skills.is_empty(), "{:?}", e.profile);
        assert!(e.comparables.examples.iter().all(|c| c.shares.contains(&"country")), "{:?}", e.comparables.examples);
        // The closest salaries are Machine Learning Engineers, senior, in the US; the distribution
        // is every 2024 salary of the role at the level in the country.
        assert_eq!(e.comparables.examples.len(), 5);
        for c in &e.comparables.examples {
            assert!(["title", "role", "level", "country"].iter().all(|s| c.shares.contains(s)), "{c:?}");
            assert_eq!(normalise_title(&c.record.profile.title), "machine learning engineer", "{c:?}");
        }
        let data = survey_until(2024);
        let roles = title_roles(data.iter().map(|r| r.profile.title.as_str()), &t);
        let group = data
            .iter()
            .filter(|r| {
                r.year == 2024 && roles[&r.profile.title] == e.role && r.profile.level.as_deref() == Some("SE") && r.profile.country.as_deref() == Some("US")
            })
            .count();
        assert_eq!(e.comparables.group, "role+level+country in 2024");
        assert_eq!(e.comparables.distribution.as_ref().map(|d| d.count), Some(group));
        assert!(group > 1000, "{group}");
        let back = SalaryModel::from_json(&m.to_json().unwrap()).unwrap();
        assert_eq!(back.explain(&p, &t), e, "the saved model answers the same");
        let old = m.to_json().unwrap().replacen(&format!("\"format\":{FORMAT}"), "\"format\":0", 1);
        assert!(SalaryModel::from_json(&old).err().is_some_and(|e| e.contains("format 0")));
    }

    #[test]
    fn what_a_user_types_is_read_as_enrichment_reads_a_posting_and_doubts_are_said_next_to_the_figure() {
        let t = Taxonomy::embedded();
        let m = SalaryModel::train(survey_until(2024), &t, "now").unwrap();
        let est = |title: &str, country: &str, f: fn(&mut EstimateInput)| {
            let mut i = EstimateInput { title: title.into(), country: country.into(), ..Default::default() };
            f(&mut i);
            m.explain(&i.resolve(&t).unwrap(), &t)
        };
        // 1. The level comes from the title when not given, and the explanation says so.
        for (title, level) in [
            ("Senior Machine Learning Engineer", "SE"),
            ("Machine Learning Intern", "EN"),
            ("Head of AI", "EX"),
            ("Chief AI Officer", "EX"),
            ("Junior Data Analyst", "EN"),
        ] {
            let e = est(title, "US", |_| {});
            assert_eq!(e.profile.level.as_deref(), Some(level), "{title}");
            assert!(e.assumed.iter().any(|a| a.contains("read from the title")), "{title}: {:?}", e.assumed);
        }
        let (intern, mid) = (est("Machine Learning Intern", "US", |_| {}), est("Machine Learning Engineer", "US", |_| {}));
        assert_eq!(mid.profile.level.as_deref(), Some("MI"), "no level word: the stated default");
        let entry = est("Machine Learning Engineer", "US", |i| i.level = Some("EN".into()));
        assert!(intern.estimate.p50 < 0.9 * mid.estimate.p50, "an intern earns less than a mid-level engineer: {:?} vs {:?}", intern.estimate, mid.estimate);
        assert!(
            (intern.estimate.p50 / entry.estimate.p50 - 1.0).abs() < 0.1,
            "an unseen title is priced as its role at its level: {:?} vs {:?}",
            intern.estimate,
            entry.estimate
        );
        assert!(intern.caveats.iter().any(|c| c.contains("no internships")), "{:?}", intern.caveats);
        // 2. A title nothing in the data knows says so up front and gets a wider range.
        let nonsense = est("asdfgh", "US", |i| i.level = Some("MI".into()));
        let known = est("Data Scientist", "US", |i| i.level = Some("MI".into()));
        assert!(!nonsense.title_recognised && known.title_recognised);
        assert!(nonsense.notice.as_deref().is_some_and(|n| n.contains("not one we recognise")), "{:?}", nonsense.notice);
        let width = |e: &Estimation| e.estimate.p90 / e.estimate.p10;
        assert!(width(&nonsense) > width(&known), "{:?} vs {:?}", nonsense.estimate, known.estimate);
        let text = serde_json::to_string(&nonsense).unwrap();
        assert!(!text.contains("Other roles") && !text.contains(" other "), "{text}");
        for title in ["Software Engineer", "Sales Engineer, Data Platform", "Quantitative Researcher"] {
            assert!(est(title, "US", |_| {}).title_recognised, "{title}");
        }
        // 3. An industry no salary is from moves nothing (the survey has no industries).
        let e = est("Data Scientist", "US", |i| i.industry = Some("consulting".into()));
        let industry = e.contributions.iter().find(|c| c.factor == "industry").unwrap();
        assert_eq!((industry.effect_pct, industry.usd), (0.0, 0.0), "{:?}", e.contributions);
        assert!(e.caveats.iter().any(|c| c.contains("Consulting") && c.contains("does not use")), "{:?}", e.caveats);
        assert_eq!(e.support.industry, Some(0));
        // 4. Inputs that disagree: the given level wins, and the caveat says which and why.
        let e = est("Data Scientist", "US", |i| (i.level, i.years) = (Some("EN".into()), Some(20.0)));
        assert_eq!(e.profile.level.as_deref(), Some("EN"));
        assert!(e.caveats.iter().any(|c| c.contains("20 years") && c.contains("given level is used")), "{:?}", e.caveats);
        let e = est("Senior Data Scientist", "US", |i| i.years = Some(1.0));
        assert_eq!(e.profile.level.as_deref(), Some("SE"), "the title's level, as enrichment reads a posting");
        assert!(e.caveats.iter().any(|c| c.contains("1 year of experience") && c.contains("title's level is used")), "{:?}", e.caveats);
        //    Comparables: distinct records, spread over the closest ones rather than the first in file order.
        let e = est("Senior ML Engineer", "US", |_| {});
        let ex = &e.comparables.examples;
        assert_eq!(ex.len(), 5);
        for (i, a) in ex.iter().enumerate() {
            for b in &ex[i + 1..] {
                assert!(
                    (a.record.year, &a.record.profile.title, a.record.salary_usd, &a.record.profile.company_size)
                        != (b.record.year, &b.record.profile.title, b.record.salary_usd, &b.record.profile.company_size),
                    "repeated: {a:?}"
                );
            }
        }
        let d = e.comparables.distribution.as_ref().unwrap();
        let salaries: Vec<f64> = ex.iter().map(|c| c.record.salary_usd).collect();
        assert!(salaries.iter().all(|s| (d.p10 * 0.8..=d.p90 * 1.2).contains(s)), "{salaries:?} vs {d:?}");
        assert!(salaries[0] <= d.median && d.median <= salaries[4], "{salaries:?} around {d:?}");
        // 5. A thin group says how few, in the notice next to the figure.
        let e = est("Data Scientist", "India", |i| i.level = Some("EN".into()));
        let data = survey_until(2024);
        let roles = title_roles(data.iter().map(|r| r.profile.title.as_str()), &t);
        let n = data
            .iter()
            .filter(|r| roles[&r.profile.title] == "data-scientist" && r.profile.level.as_deref() == Some("EN") && r.profile.country.as_deref() == Some("IN"))
            .count();
        assert!(n < THIN_GROUP, "{n}");
        assert_eq!(e.support.role_level_country, n);
        let notice = e.notice.clone().unwrap_or_default();
        assert!(notice.starts_with(&format!("Only {n} salar")) && notice.contains("entry-level Data Scientists in India"), "{notice}");
        assert!(est("Data Scientist", "US", |i| i.level = Some("SE".into())).notice.is_none(), "thousands of senior data scientists in the US");
        // 6. A job page's brief estimate (no explanation) has the same figures, notice and assumptions.
        for (title, country, level) in [
            ("Data Scientist", "India", Some("EN")),
            ("Senior ML Engineer", "US", None),
            ("asdfgh", "US", None),
            ("Head of AI", "Germany", None),
            ("Research Scientist", "Brazil", Some("MI")),
        ] {
            let i = EstimateInput {
                title: title.into(),
                country: country.into(),
                level: level.map(String::from),
                skills: vec!["pytorch".into()],
                ..Default::default()
            };
            let p = i.resolve(&t).unwrap();
            let (full, brief) = (m.explain(&p, &t), m.brief(&p, &t));
            assert_eq!(
                (&brief.estimate, &brief.notice, &brief.assumed, &brief.profile, &brief.role, brief.title_recognised),
                (&full.estimate, &full.notice, &full.assumed, &full.profile, &full.role, full.title_recognised),
                "{title} in {country}"
            );
        }
    }

    #[test]
    fn inputs_are_resolved_or_named_with_their_value() {
        let t = Taxonomy::embedded();
        assert_eq!(ISO_3166.split_whitespace().count(), 249);
        for r in parse(EMBEDDED, "survey").unwrap() {
            assert!(resolve_country(&r.company_location, &t).is_some() && resolve_country(&r.residence, &t).is_some(), "{r:?}");
        }
        let ok = |f: fn(&mut EstimateInput)| {
            let mut i = EstimateInput { title: "Data Scientist".into(), country: "Germany".into(), ..Default::default() };
            f(&mut i);
            i.resolve(&t)
        };
        let p = ok(|i| {
            i.level = Some("lead".into());
            i.industry = Some("Finance".into());
            i.company_size = Some("large".into());
            i.work_mode = Some("hybrid".into());
            i.residence = Some("FR".into());
        })
        .unwrap();
        assert_eq!(
            (p.country.as_deref(), p.level.as_deref(), p.industry.as_deref(), p.company_size.as_deref(), p.remote_ratio, p.residence.as_deref()),
            (Some("DE"), Some("SE"), Some("finance"), Some("L"), Some(50), Some("FR"))
        );
        for (f, field, value) in [
            ((|i: &mut EstimateInput| i.country = "Atlantis".into()) as fn(&mut EstimateInput), "country", "Atlantis"),
            (|i| i.level = Some("wizard".into()), "level", "wizard"),
            (|i| i.industry = Some("alchemy".into()), "industry", "alchemy"),
            (|i| i.company_size = Some("huge".into()), "company_size", "huge"),
            (|i| i.years = Some(-1.0), "years", "-1"),
            (|i| i.skills = vec!["telepathy".into()], "skills", "telepathy"),
            (|i| i.residence = Some("ZZ".into()), "residence", "ZZ"),
            (|i| (i.remote, i.work_mode) = (Some(true), Some("onsite".into())), "remote", "true"),
        ] {
            let e = ok(f).unwrap_err();
            assert_eq!((e.field, e.value.as_str()), (field, value), "{e}");
        }
    }
}
