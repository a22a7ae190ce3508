//! Query parameters of the search endpoints → [`SearchRequest`], strictly: an unknown parameter,
//! a malformed number or date, or an id the taxonomy does not know is a 400 naming the parameter
//! and the value (a typo in `contry=` must not silently return every job).
//!
//! Multi-valued filters take repeated keys or commas: `role=machine-learning-engineer&role=data-scientist` or
//! `role=machine-learning-engineer,data-scientist` (OR within a facet, AND across facets).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use mljobs_core::Taxonomy;
use mljobs_store::{SearchRequest, Sort};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::ApiError;

/// Results per page at most.
pub const MAX_PER_PAGE: usize = 100;
/// Deepest result reachable by paging (page × per_page), as the established engines limit it.
pub const MAX_RESULT_WINDOW: usize = 10_000;
/// Longest free-text query (characters).
pub const MAX_Q_CHARS: usize = 500;

/// Search parameters (`GET /api/v1/jobs` and `GET /api/v1/facets`).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documents the parameters for OpenAPI; parsing is by hand (strict, with errors naming the value)
pub struct SearchParams {
    /// Free text: every word must match (title, company or description; typos forgiven in long
    /// words), "quoted phrases", -exclusions. Skill names and aliases are synonyms ("ml" =
    /// "machine learning", "sklearn" = "scikit-learn").
    q: Option<String>,
    /// Role ids (`/api/v1/taxonomy/roles`); repeat or comma-separate for several.
    role: Option<Vec<String>>,
    /// Seniority level ids (`/api/v1/taxonomy/levels`).
    seniority: Option<Vec<String>>,
    /// Skill ids (`/api/v1/taxonomy/skills`).
    skill: Option<Vec<String>>,
    /// Industry ids (`/api/v1/taxonomy/industries`).
    industry: Option<Vec<String>>,
    /// ISO 3166-1 alpha-2 country codes.
    country: Option<Vec<String>>,
    /// Regions as `CC-RR` (`US-CA`, `DE-BY`).
    region: Option<Vec<String>>,
    /// City names as the enrichment writes them (`San Francisco`, `München`).
    city: Option<Vec<String>>,
    /// `onsite`, `hybrid`, `remote`.
    work_mode: Option<Vec<String>>,
    /// Shorthand for `work_mode=remote`.
    remote: Option<bool>,
    /// schema.org employment types: FULL_TIME, PART_TIME, CONTRACTOR, TEMPORARY, INTERN, ...
    employment_type: Option<Vec<String>>,
    /// Application / emerging area ids (`/api/v1/taxonomy/areas`).
    area: Option<Vec<String>>,
    /// Employers as postings name them (`Acme AI`; a legal form such as `Inc.` is ignored). One
    /// name a parameter (names may hold commas): repeat it for several.
    company: Option<Vec<String>>,
    /// The lowest degree a posting's degree requirement names: `bachelor`, `master`, `phd`
    /// ("MS or PhD" is `master`; postings naming no degree have none).
    degree: Option<Vec<String>>,
    /// Any degree a posting's degree requirement names: `bachelor`, `master`, `phd` ("MS or PhD"
    /// is both `master` and `phd`).
    degree_named: Option<Vec<String>>,
    /// Annual USD the salary range must reach (its maximum): "can pay at least". Postings without
    /// a salary are kept unless `with_salary=true`.
    salary_min: Option<f64>,
    /// Annual USD the range's minimum must reach: "pays at least". Postings without a salary are excluded.
    salary_floor: Option<f64>,
    /// Only postings with a salary.
    with_salary: Option<bool>,
    /// Posted on or after (YYYY-MM-DD).
    posted_after: Option<NaiveDate>,
    /// Posted before (YYYY-MM-DD, that day excluded; postings without a date posted never match).
    posted_before: Option<NaiveDate>,
    /// First seen by mljobs on or after (YYYY-MM-DD): what is new since a day.
    first_seen_after: Option<NaiveDate>,
    /// `open` (default: still on their board and not past their closing date), `closed` or `all`.
    status: Option<String>,
    /// `relevance` (default), `date` (newest first) or `salary` (highest first).
    sort: Option<String>,
    /// Page, from 1.
    page: Option<usize>,
    /// Results per page (1-100, default 20). page × per_page ≤ 10,000.
    per_page: Option<usize>,
    /// Show near-duplicate groups once, with a `similar` count (default true).
    collapse: Option<bool>,
    /// Forgive typos (default true).
    typos: Option<bool>,
    /// Include facet counts (default false on /jobs): `true`, `false`, or the facets to count,
    /// comma-separated (`role,skill`: fewer facets answer sooner).
    facets: Option<String>,
    /// Include highlighted snippets of the descriptions (default false).
    highlight: Option<bool>,
}

/// A parsed search.
#[derive(Debug)]
pub struct Search {
    pub request: SearchRequest,
    pub page: usize,
    pub per_page: usize,
    pub highlight: bool,
}

const FACET_PARAMS: [&str; 10] = mljobs_core::taxonomy::FACETS;
/// The filters of a search (the facets and `company`).
const FILTER_PARAMS: [&str; 13] = mljobs_core::taxonomy::FILTERS;
/// The other parameters of a search.
const OTHER_PARAMS: [&str; 16] = [
    "q",
    "remote",
    "salary_min",
    "salary_floor",
    "with_salary",
    "posted_after",
    "posted_before",
    "first_seen_after",
    "status",
    "sort",
    "page",
    "per_page",
    "collapse",
    "typos",
    "facets",
    "highlight",
];

/// Whether a search knows the parameter (the web pages drop the others: tracking parameters such
/// as `utm_source`, `fbclid` or `ref` on a shared link must not break it).
pub fn is_search_param(key: &str) -> bool {
    FILTER_PARAMS.contains(&key) || OTHER_PARAMS.contains(&key)
}

/// Parameters of a search's answer page, not of the postings it finds: views over a search's
/// postings (feeds, trends, related skills) leave them out.
pub const ANSWER_PARAMS: [&str; 5] = ["page", "per_page", "sort", "facets", "highlight"];

/// Parses a query string that carries parameters of its own besides a search's: `own(key,
/// value)` takes those it knows (`Ok(true)`) or refuses a bad value; [`ANSWER_PARAMS`] are left
/// out; the rest is parsed strictly as a search.
pub fn parse_with_own(query: Option<&str>, taxonomy: &Taxonomy, mut own: impl FnMut(&str, &str) -> Result<bool, ApiError>) -> Result<Search, ApiError> {
    let mut rest = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        if !own(&k, &v)? && !ANSWER_PARAMS.contains(&k.as_ref()) {
            rest.append_pair(&k, &v);
        }
    }
    parse_search(Some(&rest.finish()), taxonomy, false)
}

/// Parses a query string. `facets_default` is whether facet counts are on unless asked otherwise.
pub fn parse_search(query: Option<&str>, taxonomy: &Taxonomy, facets_default: bool) -> Result<Search, ApiError> {
    let mut req = SearchRequest { collapse: true, typos: true, facets: facets_default, ..SearchRequest::default() };
    let mut filters: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let (mut page, mut per_page, mut highlight) = (1usize, 20usize, false);
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        let (key, value) = (key.as_ref(), value.as_ref());
        match key {
            "q" => {
                if value.chars().count() > MAX_Q_CHARS {
                    return Err(ApiError::invalid("q", &value.chars().take(40).collect::<String>(), format_args!("at most {MAX_Q_CHARS} characters")));
                }
                req.q = value.to_string();
            }
            k if FILTER_PARAMS.contains(&k) => {
                // Several values: comma-separated, or the parameter repeated; an employer's name
                // may hold a comma ("Smith, Jones & Partners"), so it is one value a parameter.
                let values: Vec<&str> = if k == "company" { vec![value.trim()] } else { value.split(',').map(str::trim).collect() };
                for v in values.into_iter().filter(|v| !v.is_empty()) {
                    let v = check_value(k, v, taxonomy)?;
                    let list = filters.entry(k.to_string()).or_default();
                    if !list.contains(&v) {
                        list.push(v);
                    }
                }
            }
            "remote" => {
                if boolean(key, value)? {
                    let list = filters.entry("work_mode".into()).or_default();
                    if !list.iter().any(|m| m == "remote") {
                        list.push("remote".into());
                    }
                }
            }
            "salary_min" => req.salary_min = Some(amount(key, value)?),
            "salary_floor" => req.salary_floor = Some(amount(key, value)?),
            "with_salary" => req.require_salary = boolean(key, value)?,
            "posted_after" => {
                req.posted_after = Some(NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| ApiError::invalid(key, value, "a date YYYY-MM-DD"))?);
            }
            "posted_before" => {
                req.posted_before = Some(NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| ApiError::invalid(key, value, "a date YYYY-MM-DD"))?);
            }
            "first_seen_after" => {
                req.first_seen_after = Some(NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| ApiError::invalid(key, value, "a date YYYY-MM-DD"))?);
            }
            "status" => req.status = value.parse().map_err(|_| ApiError::invalid(key, value, "open, closed or all"))?,
            "sort" => {
                req.sort = match value {
                    "relevance" | "" => Sort::Relevance,
                    "date" => Sort::Date,
                    "salary" => Sort::Salary,
                    _ => return Err(ApiError::invalid(key, value, "relevance, date or salary")),
                }
            }
            "page" => page = number(key, value, 1, MAX_RESULT_WINDOW)?,
            "per_page" => per_page = number(key, value, 1, MAX_PER_PAGE)?,
            "collapse" => req.collapse = boolean(key, value)?,
            "typos" => req.typos = boolean(key, value)?,
            "facets" => match boolean(key, value) {
                Ok(on) => req.facets = on,
                Err(_) => {
                    // The facets to count.
                    req.facet_names.clear();
                    for name in value.split(',').map(str::trim).filter(|v| !v.is_empty()) {
                        let facet = FACET_PARAMS.iter().find(|f| **f == name).ok_or_else(|| {
                            ApiError::invalid(key, name, format_args!("true, false or facets to count, comma-separated ({})", FACET_PARAMS.join(", ")))
                        })?;
                        if !req.facet_names.contains(facet) {
                            req.facet_names.push(facet);
                        }
                    }
                    req.facets = !req.facet_names.is_empty();
                }
            },
            "highlight" => highlight = boolean(key, value)?,
            other => {
                let known = format!("q, {}, {}", FILTER_PARAMS.join(", "), OTHER_PARAMS[1..].join(", "));
                return Err(ApiError::unknown_parameter(other, Some(value), &known));
            }
        }
    }
    if page * per_page > MAX_RESULT_WINDOW {
        return Err(ApiError::invalid(
            "page",
            &page.to_string(),
            format_args!("page × per_page ≤ {MAX_RESULT_WINDOW} (narrow the search instead of paging this deep)"),
        ));
    }
    req.filters = filters;
    req.offset = (page - 1) * per_page;
    req.limit = per_page;
    Ok(Search { request: req, page, per_page, highlight })
}

/// Checks a facet value against the taxonomy (and normalises the case of codes).
/// A filter value as the taxonomy checks it ([`Taxonomy::facet_value`]); an unknown one is a 400
/// naming the parameter, saying where the ids are listed and the value probably meant.
fn check_value(facet: &str, v: &str, t: &Taxonomy) -> Result<String, ApiError> {
    t.facet_value(facet, v).map_err(|e| {
        let listed = match facet {
            "role" | "skill" | "area" => format!(" from /api/v1/taxonomy/{facet}s"),
            "seniority" => " from /api/v1/taxonomy/levels".into(),
            "industry" => " from /api/v1/taxonomy/industries".into(),
            _ => String::new(),
        };
        let meant = e.suggestion.map(|x| format!(" (did you mean {x}?)")).unwrap_or_default();
        ApiError::invalid(facet, v, format_args!("{}{listed}{meant}", e.expected))
    })
}

pub(crate) fn boolean(key: &str, value: &str) -> Result<bool, ApiError> {
    match value.to_ascii_lowercase().as_str() {
        "" | "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err(ApiError::invalid(key, value, "true or false")),
    }
}

fn amount(key: &str, value: &str) -> Result<f64, ApiError> {
    match value.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(ApiError::invalid(key, value, "a non-negative number of US dollars per year")),
    }
}

pub(crate) fn number(key: &str, value: &str, min: usize, max: usize) -> Result<usize, ApiError> {
    match value.parse::<usize>() {
        Ok(v) if (min..=max).contains(&v) => Ok(v),
        _ => Err(ApiError::invalid(key, value, format_args!("a whole number from {min} to {max}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_take_repeats_and_commas_and_normalise_codes() {
        let t = Taxonomy::embedded();
        let s = parse_search(Some("q=pytorch&role=machine-learning-engineer&role=data-scientist,machine-learning-engineer&country=us&remote=true&employment_type=full-time&page=3&per_page=10"), &t, false).unwrap();
        assert_eq!(s.request.filters["role"], ["machine-learning-engineer", "data-scientist"]);
        assert_eq!(s.request.filters["country"], ["US"]);
        assert_eq!(s.request.filters["work_mode"], ["remote"]);
        assert_eq!(s.request.filters["employment_type"], ["FULL_TIME"]);
        assert_eq!((s.request.offset, s.request.limit), (20, 10));
    }

    #[test]
    fn errors_name_the_parameter_and_value() {
        let t = Taxonomy::embedded();
        let e = parse_search(Some("contry=US"), &t, false).unwrap_err();
        assert_eq!((e.code, e.parameter.as_deref()), ("unknown_parameter", Some("contry")));
        let e = parse_search(Some("role=wizard"), &t, false).unwrap_err();
        assert_eq!((e.parameter.as_deref(), e.value.as_deref()), (Some("role"), Some("wizard")));
        assert!(e.message.contains("/api/v1/taxonomy/roles"), "{}", e.message);
        let e = parse_search(Some("salary_min=lots"), &t, false).unwrap_err();
        assert_eq!(e.value.as_deref(), Some("lots"));
        let e = parse_search(Some("page=200&per_page=100"), &t, false).unwrap_err();
        assert_eq!(e.parameter.as_deref(), Some("page"));
    }
}
