//! Greenhouse, Lever, Ashby, Workable, SmartRecruiters, Workday and Rippling job-board JSON
//! (shapes in `shared/design/FORMATS.md` and the recorded boards in `testdata/formats/`).

use serde_json::Value;

use super::{DecodeOptions, Format, Item, Rejection, strict_text, value_number, value_text};
use crate::posting::{RawPosting, RecordRef};

use super::field_text as s;

/// Decodes a board document.
pub(crate) fn decode(doc: &Value, file: &str, format: Format, options: &DecodeOptions) -> Vec<Item> {
    let jobs: Option<&Vec<Value>> = match format {
        Format::Lever => doc.as_array().or_else(|| doc.get("postings").and_then(Value::as_array)),
        Format::SmartRecruiters => doc.get("content").and_then(Value::as_array),
        Format::Workday => doc.get("jobPostings").and_then(Value::as_array),
        Format::Rippling => doc.get("items").and_then(Value::as_array).or_else(|| doc.as_array()),
        _ => doc.get("jobs").and_then(Value::as_array).or_else(|| doc.as_array()),
    };
    let Some(jobs) = jobs else {
        let expected = match format {
            Format::Lever => "a JSON array of postings",
            Format::SmartRecruiters => "an object with a \"content\" array",
            Format::Workday => "an object with a \"jobPostings\" array",
            Format::Rippling => "an object with an \"items\" array",
            _ => "an object with a \"jobs\" array",
        };
        return vec![Err(Rejection {
            record: RecordRef { file: file.into(), line: None, record: 0 },
            reason: format!("not a {} board file: expected {expected}", format.name()),
        })];
    };
    jobs.iter()
        .enumerate()
        .map(|(i, job)| {
            let record = RecordRef { file: file.into(), line: None, record: i as u64 + 1 };
            if !job.is_object() {
                return Err(Rejection { record, reason: "expected a job object".into() });
            }
            let mut p = match format {
                Format::Greenhouse => greenhouse(job),
                Format::Lever => lever(job),
                Format::Workable => workable(job),
                Format::SmartRecruiters => smartrecruiters(job),
                Format::Workday => workday(job),
                Format::Rippling => rippling(job),
                _ => ashby(job),
            };
            p.source = format.name().into();
            p.record = record;
            if p.company.is_none() {
                // A Workable account names its company once, for every job.
                p.company = options.company.clone().or_else(|| if format == Format::Workable { s(doc, "name") } else { None });
            }
            Ok(p)
        })
        .collect()
}

fn greenhouse(job: &Value) -> RawPosting {
    let mut p = RawPosting {
        source_id: s(job, "id"),
        source_group_id: s(job, "internal_job_id"),
        url: s(job, "absolute_url"),
        description: s(job, "content"),
        company: s(job, "company_name"),
        date_posted: s(job, "first_published").or_else(|| s(job, "updated_at")),
        ..Default::default()
    };
    p.title = strict_text(job, "title", "title", &mut p.warnings);
    if let Some(loc) = job.get("location").and_then(|l| s(l, "name")) {
        p.locations.push(loc);
    }
    for office in job.get("offices").and_then(Value::as_array).into_iter().flatten() {
        if let Some(loc) = s(office, "location").or_else(|| s(office, "name"))
            && !p.locations.contains(&loc)
        {
            p.locations.push(loc);
        }
    }
    if let Some(range) = job.get("pay_input_ranges").and_then(Value::as_array).and_then(|r| r.first()) {
        let cents = |k: &str, p: &mut RawPosting| match range.get(k).map(value_number) {
            Some(Ok(v)) => v.map(|c| c / 100.0),
            Some(Err(e)) => {
                p.warnings.push(format!("field `pay_input_ranges.{k}`: {e}; left empty"));
                None
            }
            None => None,
        };
        p.salary_min = cents("min_cents", &mut p);
        p.salary_max = cents("max_cents", &mut p);
        p.salary_currency = s(range, "currency_type");
        // Greenhouse pay ranges are annual unless their title says otherwise.
        let title = s(range, "title").unwrap_or_default().to_ascii_lowercase();
        p.salary_period = Some(if title.contains("hour") { "HOUR" } else { "YEAR" }.into());
    }
    for meta in job.get("metadata").and_then(Value::as_array).into_iter().flatten() {
        let name = s(meta, "name").unwrap_or_default().to_ascii_lowercase();
        let value = meta.get("value").and_then(value_text);
        if name.contains("employment type") || name.contains("job type") {
            p.employment_type = value;
        } else if name.contains("remote") || name.contains("workplace") {
            p.work_mode = value;
        } else if name.contains("level") || name.contains("seniority") {
            p.seniority = value;
        }
    }
    p
}

fn lever(job: &Value) -> RawPosting {
    let categories = job.get("categories").cloned().unwrap_or(Value::Null);
    let mut description = s(job, "description").or_else(|| s(job, "descriptionPlain")).unwrap_or_default();
    for list in job.get("lists").and_then(Value::as_array).into_iter().flatten() {
        description.push_str(&format!("<h3>{}</h3><ul>{}</ul>", s(list, "text").unwrap_or_default(), s(list, "content").unwrap_or_default()));
    }
    if let Some(extra) = s(job, "additional").or_else(|| s(job, "additionalPlain")) {
        description.push_str(&format!("<div>{extra}</div>"));
    }
    let mut p = RawPosting {
        source_id: s(job, "id"),
        url: s(job, "hostedUrl").or_else(|| s(job, "applyUrl")),
        description: (!description.is_empty()).then_some(description),
        country: s(job, "country"),
        employment_type: s(&categories, "commitment"),
        work_mode: s(job, "workplaceType").filter(|w| w != "unspecified"),
        date_posted: s(job, "createdAt"),
        salary_text: s(job, "salaryDescription").or_else(|| s(job, "salaryDescriptionPlain")),
        ..Default::default()
    };
    p.title = strict_text(job, "text", "title", &mut p.warnings);
    if let Some(loc) = s(&categories, "location") {
        p.locations.push(loc);
    }
    for loc in categories.get("allLocations").and_then(Value::as_array).into_iter().flatten().filter_map(value_text) {
        if !p.locations.contains(&loc) {
            p.locations.push(loc);
        }
    }
    if let Some(range) = job.get("salaryRange").filter(|r| r.is_object()) {
        for (k, slot) in [("min", 0), ("max", 1)] {
            match range.get(k).map(value_number) {
                Some(Ok(v)) => {
                    if slot == 0 {
                        p.salary_min = v
                    } else {
                        p.salary_max = v
                    }
                }
                Some(Err(e)) => p.warnings.push(format!("field `salaryRange.{k}`: {e}; left empty")),
                None => {}
            }
        }
        p.salary_currency = s(range, "currency");
        // "per-year-salary", "per-hour-wage", "per-month-salary", "one-time".
        p.salary_period = s(range, "interval").map(|i| i.split('-').nth(1).unwrap_or(&i).to_string());
    }
    p
}

/// A job of a Workable account (`/api/v1/widget/accounts/{slug}?details=true`): `shortcode`,
/// `title`, `url`, `description` (HTML), `employment_type`, `telecommuting`, `published_on`, the
/// first location in `country`/`city`/`state` and every one in `locations[]`; pay, when present,
/// in `salary{salary_from, salary_to, salary_currency}`.
fn workable(job: &Value) -> RawPosting {
    let mut p = RawPosting {
        source_id: s(job, "shortcode").or_else(|| s(job, "id")),
        url: s(job, "url").or_else(|| s(job, "shortlink")).or_else(|| s(job, "application_url")),
        description: s(job, "description"),
        employment_type: s(job, "employment_type"),
        date_posted: s(job, "published_on").or_else(|| s(job, "created_at")),
        city: s(job, "city"),
        region: s(job, "state"),
        country: s(job, "country"),
        work_mode: job
            .get("workplace_type")
            .and_then(value_text)
            .or_else(|| job.get("telecommuting").and_then(Value::as_bool).filter(|r| *r).map(|_| "remote".to_string())),
        ..Default::default()
    };
    p.title = strict_text(job, "title", "title", &mut p.warnings);
    for loc in job.get("locations").and_then(Value::as_array).into_iter().flatten() {
        if loc.get("hidden").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        let mut parts: Vec<String> = ["city", "region", "country"].iter().filter_map(|k| s(loc, k)).collect();
        parts.dedup(); // "Oslo, Oslo" (city and region of the same name) once
        let text = parts.join(", ");
        if !text.is_empty() && !p.locations.contains(&text) {
            p.locations.push(text);
        }
    }
    if let Some(pay) = job.get("salary") {
        p.salary_min = pay.get("salary_from").and_then(|v| value_number(v).ok().flatten());
        p.salary_max = pay.get("salary_to").and_then(|v| value_number(v).ok().flatten());
        p.salary_currency = s(pay, "salary_currency");
    }
    p
}

/// A SmartRecruiters posting: the list's fields, and the detail's `jobAd` sections as the
/// description (each under its own heading, in the order the posting page shows them).
fn smartrecruiters(job: &Value) -> RawPosting {
    let label = |key: &str| job.get(key).and_then(|v| s(v, "label"));
    let loc = job.get("location");
    let mut p = RawPosting {
        source_id: s(job, "id").or_else(|| s(job, "uuid")),
        url: s(job, "postingUrl").or_else(|| s(job, "applyUrl")),
        company: job.get("company").and_then(|c| s(c, "name")),
        employment_type: label("typeOfEmployment"),
        seniority: label("experienceLevel"),
        industry: label("industry"),
        date_posted: s(job, "releasedDate"),
        city: loc.and_then(|l| s(l, "city")),
        region: loc.and_then(|l| s(l, "region")),
        country: loc.and_then(|l| s(l, "country")).map(|c| c.to_ascii_uppercase()),
        work_mode: loc.and_then(|l| {
            let flag = |k: &str| l.get(k).and_then(Value::as_bool) == Some(true);
            if flag("remote") {
                Some("remote".to_string())
            } else if flag("hybrid") {
                Some("hybrid".to_string())
            } else {
                None
            }
        }),
        ..Default::default()
    };
    p.title = strict_text(job, "name", "name", &mut p.warnings);
    if let Some(full) = loc.and_then(|l| s(l, "fullLocation")) {
        p.locations.push(full);
    } else {
        let parts: Vec<String> = [p.city.clone(), p.region.clone(), p.country.clone()].into_iter().flatten().collect();
        if !parts.is_empty() {
            p.locations.push(parts.join(", "));
        }
    }
    if let Some(sections) = job.get("jobAd").and_then(|a| a.get("sections")) {
        let mut html = String::new();
        for key in ["companyDescription", "jobDescription", "qualifications", "additionalInformation"] {
            let Some(section) = sections.get(key) else { continue };
            let Some(text) = s(section, "text") else { continue };
            if let Some(title) = s(section, "title") {
                html.push_str(&format!("<h3>{}</h3>\n", html_escape::encode_text(&title)));
            }
            html.push_str(&text);
            html.push('\n');
        }
        p.description = Some(html).filter(|h| !h.trim().is_empty());
    }
    p
}

/// A Workday posting: the detail's `jobPostingInfo` (and `hiringOrganization`) when the crawler
/// could read it, else the list's fields alone (no description: rejected, but known by its id).
/// The id is the last segment of `externalPath` (`Senior-ML-Engineer_JR1234`), the same in the
/// list and the detail.
fn workday(job: &Value) -> RawPosting {
    let path_id = s(job, "externalPath").and_then(|p| p.rsplit('/').find(|seg| !seg.is_empty()).map(str::to_string));
    let mut p = RawPosting { source_id: path_id, url: s(job, "externalUrl"), ..Default::default() };
    match job.get("jobPostingInfo") {
        Some(info) => {
            p.title = strict_text(info, "title", "title", &mut p.warnings);
            p.source_id = p.source_id.take().or_else(|| s(info, "jobPostingId")).or_else(|| s(info, "jobReqId"));
            p.url = s(info, "externalUrl").or(p.url.take());
            p.description = s(info, "jobDescription");
            p.employment_type = s(info, "timeType");
            p.date_posted = s(info, "startDate");
            p.valid_through = s(info, "endDate");
            p.work_mode = s(info, "remoteType");
            p.country = info.get("country").and_then(|c| s(c, "descriptor"));
            p.company = job.get("hiringOrganization").and_then(|o| s(o, "name"));
            for loc in std::iter::once(info.get("location")).chain(info.get("additionalLocations").and_then(Value::as_array).into_iter().flatten().map(Some)) {
                if let Some(text) = loc.and_then(value_text).filter(|t| !p.locations.contains(t)) {
                    p.locations.push(text);
                }
            }
        }
        None => {
            p.title = strict_text(job, "title", "title", &mut p.warnings);
            // "3 Locations" says how many, not where.
            if let Some(text) = s(job, "locationsText").filter(|t| !t.ends_with(" Locations")) {
                p.locations.push(text);
            }
        }
    }
    p
}

/// A Rippling job: the list's fields (`id`/`uuid`, `name`, `url`, `locations[]`) and, when the
/// crawler could read the detail, its `description` (`company` and `role` HTML sections, or one
/// text), `workLocations[]`, `employmentType`, `createdOn`, `companyName` and `payRangeDetails[]`
/// (one range per location: the envelope of those in the first range's currency and frequency).
fn rippling(job: &Value) -> RawPosting {
    let mut p = RawPosting {
        source_id: s(job, "id").or_else(|| s(job, "uuid")),
        url: s(job, "url"),
        company: s(job, "companyName").or_else(|| job.get("company").and_then(|c| s(c, "name").or_else(|| value_text(c)))),
        employment_type: job.get("employmentType").and_then(|e| s(e, "label").or_else(|| value_text(e))),
        date_posted: s(job, "createdOn").or_else(|| s(job, "createdAt")),
        ..Default::default()
    };
    p.title = strict_text(job, "name", "name", &mut p.warnings);
    p.description = match job.get("description") {
        Some(Value::Object(sections)) => {
            let mut html = String::new();
            for (key, heading) in [("company", "About the company"), ("role", "About the role")] {
                if let Some(text) = sections.get(key).and_then(value_text).filter(|t| !t.trim().is_empty()) {
                    html.push_str(&format!("<h3>{heading}</h3>\n{text}\n"));
                }
            }
            Some(html).filter(|h| !h.is_empty())
        }
        Some(other) => value_text(other).filter(|t| !t.trim().is_empty()),
        None => None,
    };
    let mut modes = Vec::new();
    // The detail's workLocations (texts or objects), else the list's locations (objects with
    // name, city, state, country and workplaceType), else one workLocation.
    let places = job
        .get("workLocations")
        .and_then(Value::as_array)
        .filter(|l| !l.is_empty())
        .or_else(|| job.get("locations").and_then(Value::as_array))
        .cloned()
        .or_else(|| job.get("workLocation").map(|l| vec![l.clone()]))
        .unwrap_or_default();
    for place in &places {
        let text = match place {
            Value::Object(_) => s(place, "name").or_else(|| s(place, "label")).or_else(|| {
                let parts: Vec<String> = ["city", "state", "country"].iter().filter_map(|k| s(place, k)).collect();
                (!parts.is_empty()).then(|| parts.join(", "))
            }),
            other => value_text(other),
        };
        if let Some(text) = text.filter(|t| !p.locations.contains(t)) {
            p.locations.push(text);
        }
        if places.len() == 1 && place.is_object() {
            p.city = s(place, "city");
            p.region = s(place, "stateCode").or_else(|| s(place, "state"));
            p.country = s(place, "countryCode").or_else(|| s(place, "country"));
        }
        if let Some(mode) = s(place, "workplaceType") {
            modes.push(mode.to_ascii_lowercase());
        }
    }
    let ranges: Vec<&Value> = job.get("payRangeDetails").and_then(Value::as_array).into_iter().flatten().filter(|r| r.is_object()).collect();
    if let Some(first) = ranges.first() {
        let (currency, period) = (s(first, "currency"), s(first, "frequency"));
        let same: Vec<&&Value> = ranges.iter().filter(|r| s(r, "currency") == currency && s(r, "frequency") == period).collect();
        let bound = |key: &str, p: &mut RawPosting| -> Vec<f64> {
            same.iter()
                .filter_map(|r| match r.get(key).map(value_number) {
                    Some(Ok(v)) => v,
                    Some(Err(e)) => {
                        p.warnings.push(format!("field `payRangeDetails.{key}`: {e}; left empty"));
                        None
                    }
                    None => None,
                })
                .collect()
        };
        let starts = bound("rangeStart", &mut p);
        let ends = bound("rangeEnd", &mut p);
        p.salary_min = starts.iter().copied().reduce(f64::min);
        p.salary_max = ends.iter().copied().reduce(f64::max);
        p.salary_currency = currency;
        p.salary_period = period;
        if ranges.iter().all(|r| r.get("isRemote").and_then(Value::as_bool) == Some(true)) {
            modes.push("remote".into());
        }
    }
    modes.sort();
    modes.dedup();
    // One mode for every place; mixed modes say nothing for certain.
    if modes.len() == 1 {
        p.work_mode = modes.pop();
    }
    p
}

fn ashby(job: &Value) -> RawPosting {
    let mut p = RawPosting {
        source_id: s(job, "id"),
        url: s(job, "jobUrl").or_else(|| s(job, "applyUrl")),
        description: s(job, "descriptionHtml").or_else(|| s(job, "descriptionPlain")),
        employment_type: s(job, "employmentType"),
        date_posted: s(job, "publishedAt"),
        work_mode: s(job, "workplaceType").or_else(|| job.get("isRemote").and_then(Value::as_bool).filter(|r| *r).map(|_| "remote".to_string())),
        ..Default::default()
    };
    p.title = strict_text(job, "title", "title", &mut p.warnings);
    if let Some(loc) = s(job, "location") {
        p.locations.push(loc);
    }
    for sec in job.get("secondaryLocations").and_then(Value::as_array).into_iter().flatten() {
        if let Some(loc) = s(sec, "location").or_else(|| value_text(sec)) {
            p.locations.push(loc);
        }
    }
    if let Some(addr) = job.get("address").and_then(|a| a.get("postalAddress")) {
        p.city = s(addr, "addressLocality");
        p.region = s(addr, "addressRegion");
        p.country = s(addr, "addressCountry");
    }
    if let Some(comp) = job.get("compensation") {
        let components = comp.get("summaryComponents").or_else(|| comp.get("compensationTiers").and_then(|t| t.get(0)).and_then(|t| t.get("components")));
        let salary =
            components.and_then(Value::as_array).and_then(|cs| cs.iter().find(|c| s(c, "compensationType").is_some_and(|t| t.eq_ignore_ascii_case("salary"))));
        if let Some(c) = salary {
            p.salary_min = c.get("minValue").and_then(|v| value_number(v).ok().flatten());
            p.salary_max = c.get("maxValue").and_then(|v| value_number(v).ok().flatten());
            p.salary_currency = s(c, "currencyCode");
            p.salary_period = s(c, "interval");
        } else {
            p.salary_text = s(comp, "compensationTierSummary").or_else(|| s(comp, "scrapeableCompensationSalarySummary"));
        }
    }
    p
}
