//! A stored posting as schema.org `JobPosting` JSON-LD (what Google for Jobs and other boards
//! read): the posting's own fields, completed by the enrichment where the source said nothing
//! (employment type, location, remote work, salary, skills, occupational category).
//!
//! Only what is known is written: an unknown currency or period produces no `baseSalary`
//! (never a guess), a salary whose currency was assumed from a bare `$` is written with the
//! currency the enrichment settled on, as the posting page itself would show it.

use serde_json::{Map, Value, json};

use crate::enrich::WorkMode;
use crate::enrich::salary::Period;
use crate::{Enrichment, JobPosting, Taxonomy};

/// schema.org `JobPosting` JSON-LD for a posting and its enrichment.
pub fn job_posting_json_ld(p: &JobPosting, e: &Enrichment, taxonomy: &Taxonomy) -> Value {
    let mut o = Map::new();
    o.insert("@context".into(), json!("https://schema.org"));
    o.insert("@type".into(), json!("JobPosting"));
    o.insert("title".into(), json!(p.title));
    o.insert("description".into(), json!(p.description_html.as_deref().unwrap_or(&p.description)));
    o.insert(
        "identifier".into(),
        json!({"@type": "PropertyValue", "name": p.provenance.source, "value": p.provenance.source_id.as_deref().unwrap_or(p.id.as_str())}),
    );
    if let Some(d) = p.date_posted {
        o.insert("datePosted".into(), json!(d.to_string()));
    }
    if let Some(d) = p.valid_through {
        o.insert("validThrough".into(), json!(d.to_string()));
    }
    // Aggregators follow this link: only a web address (no `javascript:`, `data:`, `file:`).
    if let Some(url) = p.provenance.url.as_ref().filter(|u| url::Url::parse(u).is_ok_and(|x| matches!(x.scheme(), "http" | "https"))) {
        o.insert("url".into(), json!(url));
    }
    if let Some(c) = &p.company {
        o.insert("hiringOrganization".into(), json!({"@type": "Organization", "name": c}));
    }
    if let Some(t) = &e.employment_type {
        o.insert("employmentType".into(), json!(t));
    }
    let places: Vec<Value> = e
        .locations
        .iter()
        .filter(|l| l.city.is_some() || l.region.is_some() || l.country.is_some())
        .map(|l| {
            let mut a = Map::new();
            a.insert("@type".into(), json!("PostalAddress"));
            for (k, v) in [("addressLocality", &l.city), ("addressRegion", &l.region), ("addressCountry", &l.country)] {
                if let Some(v) = v {
                    a.insert(k.into(), json!(v));
                }
            }
            json!({"@type": "Place", "address": a})
        })
        .collect();
    if e.work_mode == Some(WorkMode::Remote) {
        o.insert("jobLocationType".into(), json!("TELECOMMUTE"));
        if let Some(c) = &e.location.country {
            o.insert("applicantLocationRequirements".into(), json!({"@type": "Country", "name": c}));
        }
    }
    if !places.is_empty() {
        o.insert("jobLocation".into(), if places.len() == 1 { places[0].clone() } else { Value::Array(places) });
    }
    if let Some(s) = &e.salary
        && let (Some(currency), Some(period)) = (&s.currency, s.period)
        && (s.min.is_some() || s.max.is_some())
    {
        let unit = match period {
            Period::Hour => "HOUR",
            Period::Day => "DAY",
            Period::Week => "WEEK",
            Period::Month => "MONTH",
            Period::Year => "YEAR",
        };
        let mut value = Map::new();
        value.insert("@type".into(), json!("QuantitativeValue"));
        match (s.min, s.max) {
            (Some(a), Some(b)) if a == b => {
                value.insert("value".into(), json!(a));
            }
            (a, b) => {
                if let Some(a) = a {
                    value.insert("minValue".into(), json!(a));
                }
                if let Some(b) = b {
                    value.insert("maxValue".into(), json!(b));
                }
            }
        }
        value.insert("unitText".into(), json!(unit));
        o.insert("baseSalary".into(), json!({"@type": "MonetaryAmount", "currency": currency, "value": value}));
    }
    let names: Vec<&str> = e.asked_skills().map(|s| &*s.name).collect();
    if !names.is_empty() {
        o.insert("skills".into(), json!(names.join(", ")));
    }
    if let Some(role) = taxonomy.roles.iter().find(|r| r.id == e.role.id) {
        o.insert("occupationalCategory".into(), json!(format!("{} {}", role.onet, role.name)));
    }
    if let Some(level) = e.seniority.as_ref().and_then(|s| taxonomy.levels.iter().find(|l| l.id == s.id)) {
        o.insert("experienceRequirements".into(), json!(level.name));
    }
    if let Some(i) = e.industry.as_ref().and_then(|i| taxonomy.industries.iter().find(|x| x.id == i.id)) {
        o.insert("industry".into(), json!(i.name));
    }
    Value::Object(o)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{self, DecodeOptions, Format};

    #[test]
    fn a_greenhouse_posting_becomes_json_ld_that_reads_back_the_same() {
        let taxonomy = Taxonomy::embedded();
        let text = include_str!("../../../testdata/formats/greenhouse.json");
        let now = chrono::DateTime::from_timestamp(1_780_000_000, 0).unwrap();
        let raw = ingest::decode_document(text, "greenhouse.json", Format::Greenhouse, &DecodeOptions::default()).into_iter().next().unwrap().unwrap();
        let p = JobPosting::from_raw(raw, now).unwrap();
        let e = crate::enrich(&p, &taxonomy);
        let ld = job_posting_json_ld(&p, &e, &taxonomy);
        assert_eq!(ld["@type"], "JobPosting");
        assert_eq!(ld["title"], json!(p.title));
        // Read back through our own JSON-LD decoder: the same title, company and salary.
        let html = format!("<script type=\"application/ld+json\">{ld}</script>");
        let back = ingest::decode_document(&html, "x.html", Format::Jsonld, &DecodeOptions::default()).into_iter().next().unwrap().unwrap();
        let q = JobPosting::from_raw(back, now).unwrap();
        let f = crate::enrich(&q, &taxonomy);
        assert_eq!((q.title.as_str(), q.company.as_deref()), (p.title.as_str(), p.company.as_deref()));
        assert_eq!(f.salary.as_ref().map(|s| (s.annual_usd_min, s.annual_usd_max)), e.salary.as_ref().map(|s| (s.annual_usd_min, s.annual_usd_max)));
        assert_eq!(f.location.country, e.location.country);
    }
}
