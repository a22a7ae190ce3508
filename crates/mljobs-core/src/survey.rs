//! The bundled AI/ML salary survey (aijobs.net, CC0; `data/salaries/`) and salary distributions
//! over it: count, P10, P25, median, P75, P90 of the annual USD salary, grouped by role (our
//! taxonomy, from the job title), experience level, company country, company size or year.
//! These are what the salary charts draw and what the estimator (issue 4) trains on.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::Taxonomy;

/// The survey as shipped in the binary (72,704 rows, 4 MB).
pub const EMBEDDED: &str = include_str!("../../../data/salaries/aijobs-salaries-2020-2024.csv");

/// One answer of the survey.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SurveyRow {
    /// Year the salary was paid.
    pub year: u16,
    /// `EN`, `MI`, `SE` or `EX`.
    pub level: String,
    /// `FT`, `PT`, `CT` or `FL`.
    pub employment_type: String,
    /// Job title as answered.
    pub title: String,
    /// Annual salary in US dollars.
    pub salary_usd: f64,
    /// Employee's country (ISO alpha-2).
    pub residence: String,
    /// 0, 50 or 100 (% remote).
    pub remote_ratio: u8,
    /// Company's country (ISO alpha-2).
    pub company_location: String,
    /// `S`, `M` or `L`.
    pub company_size: String,
}

/// A bad row of a survey file: line, field and value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}:{line}: field `{field}`: {value:?} {problem}")]
pub struct SurveyError {
    /// File name.
    pub file: String,
    /// 1-based line.
    pub line: u64,
    /// Column.
    pub field: &'static str,
    /// Its value.
    pub value: String,
    /// What is wrong.
    pub problem: &'static str,
}

/// Reads a survey CSV (the aijobs.net columns). Every bad row is an error naming line, field and
/// value; good rows are never dropped silently.
pub fn parse(text: &str, file: &str) -> Result<Vec<SurveyRow>, SurveyError> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| err(file, 1, "header", &e.to_string(), "is not a CSV header"))?.clone();
    let col = |name: &'static str| headers.iter().position(|h| h == name).ok_or_else(|| err(file, 1, name, "", "column is missing"));
    let idx = [
        col("work_year")?,
        col("experience_level")?,
        col("employment_type")?,
        col("job_title")?,
        col("salary_in_usd")?,
        col("employee_residence")?,
        col("remote_ratio")?,
        col("company_location")?,
        col("company_size")?,
    ];
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i as u64 + 2;
        let r = record.map_err(|e| err(file, line, "row", &e.to_string(), "is not a CSV row"))?;
        let get = |k: usize| r.get(idx[k]).unwrap_or("").trim();
        let year = get(0).parse::<u16>().ok().filter(|y| (2000..=2100).contains(y)).ok_or_else(|| err(file, line, "work_year", get(0), "is not a year"))?;
        let level = get(1);
        if !matches!(level, "EN" | "MI" | "SE" | "EX") {
            return Err(err(file, line, "experience_level", level, "is not EN, MI, SE or EX"));
        }
        let salary_usd = get(4)
            .parse::<f64>()
            .ok()
            .filter(|s| s.is_finite() && *s > 0.0)
            .ok_or_else(|| err(file, line, "salary_in_usd", get(4), "is not a positive number"))?;
        let remote_ratio = get(6).parse::<u8>().ok().filter(|r| *r <= 100).ok_or_else(|| err(file, line, "remote_ratio", get(6), "is not 0-100"))?;
        rows.push(SurveyRow {
            year,
            level: level.to_string(),
            employment_type: get(2).to_string(),
            title: get(3).to_string(),
            salary_usd,
            residence: get(5).to_string(),
            remote_ratio,
            company_location: get(7).to_string(),
            company_size: get(8).to_string(),
        });
    }
    Ok(rows)
}

fn err(file: &str, line: u64, field: &'static str, value: &str, problem: &'static str) -> SurveyError {
    SurveyError { file: file.to_string(), line, field, value: value.to_string(), problem }
}

/// Distribution of annual USD salaries.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Distribution {
    /// Salaries counted.
    pub count: usize,
    /// 10th percentile.
    pub p10: f64,
    /// 25th percentile.
    pub p25: f64,
    /// Median.
    pub median: f64,
    /// 75th percentile.
    pub p75: f64,
    /// 90th percentile.
    pub p90: f64,
}

impl Distribution {
    /// Of these salaries (`None` when empty). Percentiles interpolate between closest ranks.
    pub fn of(mut values: Vec<f64>) -> Option<Distribution> {
        if values.is_empty() {
            return None;
        }
        values.sort_by(f64::total_cmp);
        let q = |p: f64| percentile(&values, p).round();
        Some(Distribution { count: values.len(), p10: q(0.1), p25: q(0.25), median: q(0.5), p75: q(0.75), p90: q(0.9) })
    }
}

/// The `p` quantile (0-1) of sorted values, interpolating linearly between closest ranks (as
/// numpy's default). `sorted` must not be empty.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    let k = (sorted.len() - 1) as f64 * p;
    let (lo, hi) = (k.floor() as usize, k.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (k - lo as f64)
}

/// Our taxonomy's role for each distinct job title (from the title alone: no description
/// evidence for any role).
pub fn title_roles<'a>(titles: impl IntoIterator<Item = &'a str>, taxonomy: &Taxonomy) -> std::collections::HashMap<String, String> {
    let no_evidence = vec![0; taxonomy.roles.len()];
    let mut roles = std::collections::HashMap::new();
    for t in titles {
        if !roles.contains_key(t) {
            roles.insert(t.to_string(), crate::enrich::role::classify_role(t, &no_evidence, false, taxonomy).id);
        }
    }
    roles
}

/// A survey experience level in words (`EN` → "Entry"); an unknown code as it is.
pub fn level_label(code: &str) -> String {
    match code {
        "EN" => "Entry".into(),
        "MI" => "Mid".into(),
        "SE" => "Senior".into(),
        "EX" => "Executive".into(),
        other => other.to_string(),
    }
}

/// A survey company size in words (`S` → "Small (< 50)"); an unknown code as it is.
pub fn company_size_label(code: &str) -> String {
    match code {
        "S" => "Small (< 50)".into(),
        "M" => "Medium (50–250)".into(),
        "L" => "Large (> 250)".into(),
        other => other.to_string(),
    }
}

/// What to group by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    /// Role id of our taxonomy, classified from the job title.
    Role,
    /// Experience level (EN, MI, SE, EX).
    Level,
    /// Company country.
    Country,
    /// Company size (S, M, L).
    CompanySize,
    /// Year.
    Year,
}

impl GroupBy {
    /// Reads `role`, `level`, `country`, `company_size` or `year`.
    pub fn parse(s: &str) -> Option<GroupBy> {
        Some(match s {
            "role" => GroupBy::Role,
            "level" => GroupBy::Level,
            "country" => GroupBy::Country,
            "company_size" => GroupBy::CompanySize,
            "year" => GroupBy::Year,
            _ => return None,
        })
    }
}

/// Salary distributions of `rows` per group, largest groups first (ties by key). Groups with fewer
/// than `min_count` salaries are left out (a percentile of three answers says little).
pub fn stats_by(rows: &[SurveyRow], by: GroupBy, min_count: usize, taxonomy: &Taxonomy) -> Vec<(String, Distribution)> {
    let roles = if by == GroupBy::Role { title_roles(rows.iter().map(|r| r.title.as_str()), taxonomy) } else { Default::default() };
    let keyed = rows.iter().map(|r| {
        let key = match by {
            GroupBy::Role => roles[&r.title].clone(),
            GroupBy::Level => r.level.clone(),
            GroupBy::Country => r.company_location.clone(),
            GroupBy::CompanySize => r.company_size.clone(),
            GroupBy::Year => r.year.to_string(),
        };
        (key, r.salary_usd)
    });
    group_distributions(keyed, min_count)
}

/// Salary distributions of one role (classified from the survey titles) in one year, by experience
/// level from entry to executive; levels with fewer than `min_count` salaries are left out.
pub fn role_by_level(rows: &[SurveyRow], role: &str, year: u16, min_count: usize, taxonomy: &Taxonomy) -> Vec<(String, Distribution)> {
    let roles = title_roles(rows.iter().filter(|r| r.year == year).map(|r| r.title.as_str()), taxonomy);
    let mut out = group_distributions(rows.iter().filter(|r| r.year == year && roles[&r.title] == role).map(|r| (r.level.clone(), r.salary_usd)), min_count);
    out.sort_by_key(|(level, _)| crate::salary_model::LEVELS.iter().position(|l| l == level));
    out
}

/// Distributions of salaries per key, largest groups first (ties by key), leaving out groups with
/// fewer than `min_count` salaries.
pub fn group_distributions(items: impl IntoIterator<Item = (String, f64)>, min_count: usize) -> Vec<(String, Distribution)> {
    let mut groups: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for (key, salary) in items {
        groups.entry(key).or_default().push(salary);
    }
    let mut out: Vec<(String, Distribution)> =
        groups.into_iter().filter(|(_, v)| v.len() >= min_count.max(1)).filter_map(|(k, v)| Distribution::of(v).map(|d| (k, d))).collect();
    out.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(&b.0)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_role_pays_more_with_each_level() {
        let rows = parse(EMBEDDED, "survey").unwrap();
        let t = Taxonomy::embedded();
        let by = role_by_level(&rows, "machine-learning-engineer", 2024, 30, &t);
        let levels: Vec<&str> = by.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(levels, ["EN", "MI", "SE", "EX"]);
        assert!(by.windows(2).all(|w| w[0].1.median < w[1].1.median), "{by:?}");
        assert!(role_by_level(&rows, "no-such-role", 2024, 30, &t).is_empty());
    }

    #[test]
    fn the_bundled_survey_reads_whole() {
        let rows = parse(EMBEDDED, "aijobs-salaries-2020-2024.csv").unwrap();
        assert_eq!(rows.len(), 72_704);
        assert!(rows.iter().all(|r| r.salary_usd > 0.0));
    }

    #[test]
    fn a_bad_row_is_named_by_line_field_and_value() {
        let text = "work_year,experience_level,employment_type,job_title,salary,salary_currency,salary_in_usd,employee_residence,remote_ratio,company_location,company_size\n\
                    2024,SE,FT,Data Scientist,150000,USD,150000,US,0,US,M\n\
                    2024,XX,FT,Data Scientist,150000,USD,150000,US,0,US,M\n";
        let e = parse(text, "s.csv").unwrap_err();
        assert_eq!((e.line, e.field, e.value.as_str()), (3, "experience_level", "XX"));
        assert!(e.to_string().starts_with("s.csv:3: field `experience_level`: \"XX\""), "{e}");
    }

    #[test]
    fn medians_rise_with_experience_and_roles_come_from_titles() {
        let t = Taxonomy::embedded();
        let rows = parse(EMBEDDED, "survey").unwrap();
        let by_level: BTreeMap<String, Distribution> = stats_by(&rows, GroupBy::Level, 1, &t).into_iter().collect();
        let m = |k: &str| by_level[k].median;
        assert!(m("EN") < m("MI") && m("MI") < m("SE") && m("SE") < m("EX"), "{by_level:?}");
        let d = &by_level["SE"];
        assert!(d.p10 <= d.p25 && d.p25 <= d.median && d.median <= d.p75 && d.p75 <= d.p90);
        let by_role = stats_by(&rows, GroupBy::Role, 30, &t);
        let roles: Vec<&str> = by_role.iter().map(|(k, _)| k.as_str()).collect();
        assert!(roles.contains(&"data-scientist") && roles.contains(&"machine-learning-engineer"), "{roles:?}");
        assert!(by_role.iter().all(|(_, d)| d.count >= 30));
    }
}
