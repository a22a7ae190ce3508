//! schema.org `JobPosting` JSON-LD from HTML pages (`<script type="application/ld+json">`) or JSON
//! files: a single object, an array, or an `@graph`.

use serde_json::Value;

use super::{DecodeOptions, Item, Rejection, value_number, value_text};
use crate::posting::{RawPosting, RecordRef};

pub(crate) fn decode(text: &str, file: &str, options: &DecodeOptions) -> Vec<Item> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    let mut blocks: Vec<String> = Vec::new();
    if trimmed.starts_with('<') {
        let doc = scraper::Html::parse_document(text);
        let sel = scraper::Selector::parse(r#"script[type="application/ld+json"]"#).expect("static selector");
        blocks.extend(doc.select(&sel).map(|el| el.text().collect::<String>()));
        if blocks.is_empty() {
            return vec![Err(Rejection {
                record: RecordRef { file: file.into(), line: None, record: 0 },
                reason: "no <script type=\"application/ld+json\"> block in the page".into(),
            })];
        }
    } else {
        blocks.push(trimmed.to_string());
    }
    let mut out = Vec::new();
    let mut n = 0u64;
    for block in blocks {
        let value: Value = match serde_json::from_str(block.trim()) {
            Ok(v) => v,
            Err(e) => {
                n += 1;
                out.push(Err(Rejection { record: RecordRef { file: file.into(), line: None, record: n }, reason: format!("invalid JSON-LD: {e}") }));
                continue;
            }
        };
        let mut postings = Vec::new();
        collect(&value, &mut postings);
        for obj in postings {
            n += 1;
            let mut p = posting(obj);
            p.source = format!("jsonld:{}", file.rsplit(['/', '\\']).next().unwrap_or(file));
            p.record = RecordRef { file: file.into(), line: None, record: n };
            if p.company.is_none() {
                p.company = options.company.clone();
            }
            out.push(Ok(p));
        }
    }
    if out.is_empty() {
        out.push(Err(Rejection { record: RecordRef { file: file.into(), line: None, record: 0 }, reason: "no JobPosting object in the JSON-LD".into() }));
    }
    out
}

fn is_job_posting(v: &Value) -> bool {
    match v.get("@type") {
        Some(Value::String(t)) => t == "JobPosting",
        Some(Value::Array(ts)) => ts.iter().any(|t| t.as_str() == Some("JobPosting")),
        _ => false,
    }
}

fn collect<'a>(v: &'a Value, out: &mut Vec<&'a Value>) {
    match v {
        Value::Array(items) => items.iter().for_each(|i| collect(i, out)),
        Value::Object(map) => {
            if is_job_posting(v) {
                out.push(v);
            } else if let Some(graph) = map.get("@graph") {
                collect(graph, out);
            }
        }
        _ => {}
    }
}

use super::field_text as s;

/// Name of a Thing given as a string or an object with `name`.
fn name_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Object(_) => s(v, "name"),
        Value::Array(items) => items.iter().find_map(name_of),
        _ => None,
    }
}

fn posting(job: &Value) -> RawPosting {
    let mut p = RawPosting {
        title: s(job, "title"),
        description: s(job, "description"),
        url: s(job, "url"),
        date_posted: s(job, "datePosted"),
        valid_through: s(job, "validThrough"),
        employment_type: s(job, "employmentType"),
        industry: job.get("industry").and_then(name_of),
        company: job.get("hiringOrganization").and_then(name_of),
        ..Default::default()
    };
    p.source_id = match job.get("identifier") {
        Some(Value::Object(_)) => job.get("identifier").and_then(|i| s(i, "value")),
        Some(other) => value_text(other),
        None => None,
    };
    if job.get("jobLocationType").and_then(value_text).is_some_and(|t| t.eq_ignore_ascii_case("TELECOMMUTE")) {
        p.work_mode = Some("remote".into());
    }
    let places: Vec<&Value> = match job.get("jobLocation") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v @ Value::Object(_)) => vec![v],
        _ => Vec::new(),
    };
    for (i, place) in places.iter().enumerate() {
        let Some(addr) = place.get("address") else { continue };
        if let Value::String(a) = addr {
            p.locations.push(a.clone());
            continue;
        }
        let city = s(addr, "addressLocality");
        let region = s(addr, "addressRegion");
        let country = addr.get("addressCountry").and_then(name_of);
        if i == 0 {
            p.city = city.clone();
            p.region = region.clone();
            p.country = country.clone();
        }
        let parts: Vec<String> = [city, region, country].into_iter().flatten().collect();
        if !parts.is_empty() {
            p.locations.push(parts.join(", "));
        }
    }
    if p.country.is_none()
        && let Some(req) = job.get("applicantLocationRequirements").and_then(name_of)
    {
        p.locations.push(format!("Remote ({req})"));
    }
    if let Some(salary) = job.get("baseSalary") {
        p.salary_currency = s(salary, "currency");
        let value = salary.get("value");
        match value {
            Some(q @ Value::Object(_)) => {
                let num = |k: &str, p: &mut RawPosting| match q.get(k).map(value_number) {
                    Some(Ok(v)) => v,
                    Some(Err(e)) => {
                        p.warnings.push(format!("field `baseSalary.value.{k}`: {e}; left empty"));
                        None
                    }
                    None => None,
                };
                let single = num("value", &mut p);
                p.salary_min = num("minValue", &mut p).or(single);
                p.salary_max = num("maxValue", &mut p).or(single);
                p.salary_period = s(q, "unitText");
            }
            Some(v) => match value_number(v) {
                Ok(n) => {
                    p.salary_min = n;
                    p.salary_max = n;
                    p.salary_period = s(salary, "unitText");
                }
                Err(e) => p.warnings.push(format!("field `baseSalary.value`: {e}; left empty")),
            },
            None => {}
        }
    }
    if let Some(level) = job.get("experienceRequirements").and_then(|e| e.get("monthsOfExperience")).and_then(|m| value_number(m).ok().flatten()) {
        // Kept as a level hint the seniority classifier reads after title and description.
        p.seniority = Some(
            match level as u32 {
                0..=11 => "entry",
                12..=59 => "mid",
                _ => "senior",
            }
            .into(),
        );
    }
    p
}
