//! `/jobs/{id}`: one posting, sanitised, with its chips, stated pay next to our estimate, JSON-LD
//! and similar postings.

use super::*;
use mljobs_core::enrich::Need;

struct Chip {
    kind: &'static str,
    label: String,
    href: Option<String>,
}

/// A stated amount or range as the posting gives it: "USD 140,000–180,000 per year".
fn stated_amount(currency: Option<&str>, min: Option<f64>, max: Option<f64>, period: Option<mljobs_core::enrich::salary::Period>) -> String {
    let amount = |x: Option<f64>| x.map(|v| if v.fract() == 0.0 { mljobs_core::text::thousands(v) } else { format!("{v:.2}") });
    format!(
        "{} {} {}",
        currency.unwrap_or("(currency not stated)"),
        match (amount(min), amount(max)) {
            (Some(a), Some(b)) if a == b => a,
            (Some(a), Some(b)) => format!("{a}–{b}"),
            (Some(a), None) => format!("from {a}"),
            (None, Some(b)) => format!("up to {b}"),
            (None, None) => "–".into(),
        },
        period.map_or_else(|| "(period not stated)".to_string(), |p| format!("per {}", p.as_str()))
    )
}

struct Stated {
    raw: String,
    as_stated: String,
    /// Each of several ranges (zones, levels), labelled; `as_stated` is their span.
    ranges: Vec<String>,
    annual_usd: Option<String>,
    notes: Vec<String>,
}

struct EstimateView {
    p10: String,
    p50: String,
    p90: String,
    basis: String,
    assumed: Vec<String>,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "job.html")]
struct JobPage {
    page: Chrome,
    id: String,
    title: String,
    company: String,
    place: String,
    date: String,
    url: Option<String>,
    description: String,
    chips: Vec<Chip>,
    stated: Option<Stated>,
    estimate: Option<EstimateView>,
    json_ld: String,
    similar: Vec<HitView>,
    group: Vec<String>,
    sample: bool,
    warnings: Vec<String>,
    /// "Bachelor's or Master's in Physics, Mathematics": the degree requirement read.
    education: Option<String>,
    /// Why and when it closed; none while open.
    closed: Option<String>,
    /// "First seen 2026-11-28 · last seen 2026-12-01".
    seen: String,
    /// Skills the posting requires.
    required: Vec<Chip>,
    /// Skills it would welcome.
    preferred: Vec<Chip>,
    /// Skills it names only in the company's blurb, the benefits or the legal text.
    mentioned: Vec<String>,
}

/// JSON for a `<script type="application/ld+json">` element: `<`, `>` and `&` as `\u00XX`, so no
/// string inside it can close the element.
fn script_json(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default().replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

/// Plain text as paragraphs (escaped).
fn text_html(text: &str) -> String {
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| format!("<p>{}</p>", html_escape::encode_text(p).replace('\n', "<br>")))
        .collect::<Vec<_>>()
        .join("\n")
}

pub(super) async fn job(State(s): St, Path(id): Path<String>) -> Response {
    let Some(pid) = PostingId::parse(&id) else {
        return error_page(StatusCode::NOT_FOUND, &format!("{id:?} is not a posting id (16 hex digits)."));
    };
    let stored = match s.store().get(&pid) {
        Ok(Some(p)) => p,
        Ok(None) => return error_page(StatusCode::NOT_FOUND, &format!("There is no posting {id} (it may have been removed).")),
        Err(e) => return error_page(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    };
    let l = Labels(&s.taxonomy);
    let (p, e) = (&stored.posting, &stored.enrichment);
    let mut chips = vec![Chip { kind: "role", label: l.role(&e.role.id), href: Some(format!("/roles/{}", e.role.id)) }];
    if let Some(g) = &e.seniority {
        chips.push(Chip { kind: "level", label: l.level(&g.id), href: Some(format!("/jobs?seniority={}", g.id)) });
    }
    if let Some(w) = e.work_mode.map(|w| w.as_str()) {
        chips.push(Chip { kind: "mode", label: work_mode(w), href: Some(format!("/jobs?work_mode={w}")) });
    }
    let place: Vec<String> =
        [e.location.city.clone(), e.location.region.clone(), e.location.country.as_deref().map(|c| l.country(c))].into_iter().flatten().collect();
    if let Some(c) = &e.location.country {
        chips.push(Chip { kind: "place", label: place.join(", "), href: Some(format!("/jobs?country={c}")) });
    }
    if let Some(t) = &e.employment_type {
        chips.push(Chip { kind: "type", label: employment_type(t), href: Some(format!("/jobs?employment_type={t}")) });
    }
    if let Some(i) = &e.industry {
        chips.push(Chip { kind: "industry", label: l.industry(&i.id), href: Some(format!("/jobs?industry={}", i.id)) });
    }
    for a in &e.areas {
        chips.push(Chip { kind: "area", label: l.area(a), href: Some(format!("/jobs?area={a}")) });
    }
    // Skills by what the posting says of them. A skill that is one of the posting's areas under
    // another name is shown once, as the area.
    let skill_chips = |need: Need| -> Vec<Chip> {
        e.skills
            .iter()
            .filter(|sk| sk.need == need && !e.areas.iter().any(|a| s.taxonomy.skill_is_area(&sk.id, a)))
            .map(|sk| Chip { kind: "skill", label: sk.name.to_string(), href: Some(format!("/jobs?skill={}", sk.id)) })
            .collect()
    };
    let (required, preferred) = (skill_chips(Need::Required), skill_chips(Need::Preferred));
    let mentioned: Vec<String> = e.skills.iter().filter(|sk| sk.need == Need::Mentioned).map(|sk| sk.name.to_string()).collect();
    let stated = e.salary.as_ref().map(|sal| {
        let as_stated = stated_amount(sal.currency.as_deref(), sal.min, sal.max, sal.period);
        let ranges = sal
            .ranges
            .iter()
            .map(|r| {
                let amount = stated_amount(r.currency.as_deref(), r.min, r.max, r.period);
                if r.label.is_empty() { amount } else { format!("{}: {amount}", r.label) }
            })
            .collect();
        let mut notes = Vec::new();
        if sal.currency_assumed {
            notes.push("currency read from the posting's country".to_string());
        }
        if let (true, Some(p)) = (sal.period_inferred, sal.period) {
            notes.push(format!("no period stated: read as per {} from the amount's size or the contract terms", p.as_str()));
        }
        if let (Some(rate), Some(date)) = (sal.fx_rate, &sal.fx_date)
            && sal.currency.as_deref() != Some("USD")
        {
            notes.push(format!("converted at {rate:.4} USD per unit ({date})"));
        }
        Stated { raw: sal.raw.clone(), as_stated, ranges, annual_usd: salary_range(sal.annual_usd_min, sal.annual_usd_max), notes }
    });
    let profile = mljobs_core::salary_model::Profile::of_posting(p, e, &s.taxonomy);
    let estimate = profile.country.is_some().then(|| {
        // The figures without their explanation (the salaries page explains): a few µs, not ms.
        let x = s.salary.brief(&profile, &s.taxonomy);
        let level = x.profile.level.as_deref().map(|c| l.survey_level(c)).unwrap_or_default();
        EstimateView {
            p10: usd_k(x.estimate.p10),
            p50: usd_k(x.estimate.p50),
            p90: usd_k(x.estimate.p90),
            basis: with_article(&format!(
                "{level}-level {} in {}, {}",
                if x.role == "other" { "job with this title".to_string() } else { l.role(&x.role) },
                l.country(x.profile.country.as_deref().unwrap_or("")),
                x.year
            )),
            assumed: x.assumed,
            notice: x.notice,
        }
    });
    // Similar: the same role and level, newest first; then the same role, if that left room.
    let id = pid.to_string();
    let mut similar: Vec<HitView> = Vec::new();
    let mut queries = Vec::new();
    if let Some(g) = &e.seniority {
        queries.push(format!("role={}&seniority={}&sort=date&per_page=6", e.role.id, g.id));
    }
    queries.push(format!("role={}&sort=date&per_page=6", e.role.id));
    for q in queries {
        if similar.len() >= 5 {
            break;
        }
        if let Ok(a) = search_jobs(&s, Some(&q)) {
            for h in hit_views(&a, &l) {
                if h.id != id && !stored.similar.contains(&h.id) && !similar.iter().any(|x| x.id == h.id) && similar.len() < 5 {
                    similar.push(h);
                }
            }
        }
    }
    let description = match &p.description_html {
        Some(h) => sanitise(h),
        None => text_html(&p.description),
    };
    let life = &stored.lifecycle;
    let day = |t: &str| t.get(..10).unwrap_or(t).to_string();
    let closed = life.closed_at.as_deref().map(|at| match life.closed_reason.as_deref() {
        Some("expired") => format!("This job closed on {} (its closing date passed). It is kept here for reference; applications are no longer open.", day(at)),
        _ => format!(
            "This job closed on {}: it is no longer on the employer's job board. It is kept here for reference; applications are no longer open.",
            day(at)
        ),
    });
    let seen = format!("First seen {} · last seen {}", day(&life.first_seen), day(&life.last_seen));
    // A closed job carries no JobPosting markup (search engines are asked to drop expired jobs).
    let json_ld = if closed.is_some() { String::new() } else { script_json(&crate::html::json_ld(p, e, &s.taxonomy)) };
    let mut group: Vec<String> = stored.similar.clone();
    if stored.canonical_id != id {
        group.insert(0, stored.canonical_id.clone());
    }
    page(
        StatusCode::OK,
        &JobPage {
            page: chrome(format!("{} — {}", p.title, p.company.as_deref().unwrap_or("mljobs")), "jobs", p.description.chars().take(150).collect::<String>()),
            id,
            title: p.title.clone(),
            company: p.company.clone().unwrap_or_default(),
            place: place.join(", "),
            date: p.date_posted.map(|d| d.to_string()).unwrap_or_default(),
            url: p.provenance.url.clone().filter(|u| u.starts_with("https://") || u.starts_with("http://")),
            description,
            chips,
            stated,
            estimate,
            json_ld,
            similar,
            group,
            sample: p.provenance.is_sample(),
            closed,
            seen,
            required,
            preferred,
            mentioned,
            warnings: e.warnings.clone(),
            education: (!e.education.is_empty()).then(|| {
                let degrees: Vec<&str> = e
                    .education
                    .degrees
                    .iter()
                    .map(|d| match d.as_str() {
                        "bachelor" => "Bachelor's",
                        "master" => "Master's",
                        "phd" => "PhD",
                        other => other,
                    })
                    .collect();
                let fields: Vec<String> = e.education.fields.iter().map(|f| l.skill(f)).collect();
                match (degrees.is_empty(), fields.is_empty()) {
                    (false, false) => format!("{} in {}", degrees.join(" or "), fields.join(", ")),
                    (false, true) => degrees.join(" or "),
                    _ => format!("a degree in {}", fields.join(", ")),
                }
            }),
        },
    )
}
