//! `/match`: upload a resume (or paste it), see and edit the profile read from it, get the ranked
//! jobs with their explanations, the skills to learn and the path. Works without JavaScript: the
//! profile travels in the form (a hidden JSON field plus the fields a person edits), nothing is
//! stored on the server.

use askama::Template;
use axum::extract::{Query, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use mljobs_core::matching::{Certification, GapSkill, Match, PathStep};
use mljobs_core::profile::{Profile, ProfileSkill};

use super::*;

/// The form's values, echoed back.
#[derive(Default)]
struct Form {
    role: String,
    remote: bool,
    country: String,
    job: String,
}

/// The profile as editable fields.
struct ProfileView {
    json: String,
    name: String,
    headline: String,
    role: String,
    seniority: String,
    total_years: String,
    relevant_years: String,
    country: String,
    remote: bool,
    skills: String,
    experience: Vec<String>,
    education: String,
    notes: Vec<String>,
}

struct SkillChip {
    name: String,
    href: String,
    via: String,
    evidence: String,
}

struct MatchView {
    id: String,
    score: u8,
    title: String,
    company: String,
    meta: String,
    matched_required: Vec<SkillChip>,
    missing_required: Vec<SkillChip>,
    matched_preferred: Vec<SkillChip>,
    missing_preferred: Vec<SkillChip>,
    parts: Vec<(String, String, String)>,
    adjustments: Vec<String>,
}

#[derive(Template)]
#[template(path = "match.html")]
struct MatchPage {
    page: Chrome,
    form: Form,
    roles: Vec<(String, String)>,
    levels: Vec<(String, String)>,
    error: Option<String>,
    profile: Option<ProfileView>,
    target: String,
    this_job: Option<MatchView>,
    matches: Vec<MatchView>,
    gap: Vec<GapSkill>,
    path: Vec<PathStep>,
    certifications: Vec<Certification>,
    /// (basis, now, one level up).
    pay: Option<(String, String, String)>,
    considered: usize,
    gap_over: usize,
}

fn base(s: &AppState, form: Form) -> MatchPage {
    let l = Labels(&s.taxonomy);
    MatchPage {
        page: chrome("Match your resume", "match", "Upload a resume and see which ML and data jobs fit, why, what you are missing and how to get there."),
        form,
        roles: s.taxonomy.roles.iter().map(|r| (r.id.clone(), r.name.clone())).collect(),
        levels: s.taxonomy.levels.iter().map(|lv| (lv.id.clone(), l.level(&lv.id))).collect(),
        error: None,
        profile: None,
        target: String::new(),
        this_job: None,
        matches: Vec::new(),
        gap: Vec::new(),
        path: Vec::new(),
        certifications: Vec::new(),
        pay: None,
        considered: 0,
        gap_over: 0,
    }
}

#[derive(serde::Deserialize)]
pub(super) struct MatchQuery {
    #[serde(default)]
    job: String,
}

pub(super) async fn form(State(s): St, Query(q): Query<MatchQuery>) -> Response {
    page(StatusCode::OK, &base(&s, Form { job: q.job, ..Form::default() }))
}

fn chip(n: &mljobs_core::matching::SkillNote) -> SkillChip {
    SkillChip {
        name: n.name.clone(),
        href: format!("/jobs?skill={}", n.id),
        via: n.via.clone().map(|v| format!("{v}: {:.0}%", n.credit * 100.0)).unwrap_or_default(),
        evidence: n.evidence.clone().unwrap_or_default(),
    }
}

fn view(s: &AppState, m: &Match) -> MatchView {
    let l = Labels(&s.taxonomy);
    let e = &m.explanation;
    let mut meta = vec![l.role(&m.role)];
    if let Some(lv) = &m.seniority {
        meta.push(l.level(lv));
    }
    MatchView {
        id: m.id.clone(),
        score: m.score,
        title: m.title.clone(),
        company: m.company.clone().unwrap_or_default(),
        meta: meta.join(" · "),
        matched_required: e.matched_required.iter().map(chip).collect(),
        missing_required: e.missing_required.iter().map(chip).collect(),
        matched_preferred: e.matched_preferred.iter().map(chip).collect(),
        missing_preferred: e.missing_preferred.iter().map(chip).collect(),
        parts: e.parts.iter().map(|p| (part_name(&p.part).to_string(), format!("{:.1} / {:.0}", p.points, p.max), p.note.clone())).collect(),
        adjustments: e.adjustments.clone(),
    }
}

fn part_name(part: &str) -> &'static str {
    match part {
        "required_skills" => "Required skills",
        "preferred_skills" => "Nice-to-have skills",
        "role" => "Role",
        "seniority" => "Level and years",
        "place" => "Place",
        _ => "Other",
    }
}

fn profile_view(s: &AppState, p: &Profile) -> ProfileView {
    let l = Labels(&s.taxonomy);
    ProfileView {
        json: serde_json::to_string(p).unwrap_or_default(),
        name: p.name.clone().unwrap_or_default(),
        headline: p.headline.clone().unwrap_or_default(),
        role: p.role.clone(),
        seniority: p.seniority.clone().unwrap_or_default(),
        total_years: format!("{:.1}", p.total_years),
        relevant_years: format!("{:.1}", p.relevant_years),
        country: p.location.country.clone().unwrap_or_default(),
        remote: p.preferences.remote == Some(true),
        skills: p.skills.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", "),
        experience: p
            .experience
            .iter()
            .map(|e| {
                let span = format!(
                    "{} – {}",
                    e.start.map_or("?".into(), |d| d.to_string()),
                    if e.current { "present".into() } else { e.end.map_or("?".into(), |d| d.to_string()) }
                );
                format!(
                    "{span}: {}{}{}",
                    e.title,
                    e.employer.as_deref().map(|x| format!(", {x}")).unwrap_or_default(),
                    if e.relevant { format!(" ({})", l.role(&e.role)) } else { String::new() }
                )
            })
            .collect(),
        education: p
            .education
            .iter()
            .map(|d| format!("{}{}", d.level, d.field.as_deref().map(|f| format!(" in {f}")).unwrap_or_default()))
            .collect::<Vec<_>>()
            .join("; "),
        notes: p.notes.clone(),
    }
}

/// The profile edited in the form: the hidden JSON with the visible fields applied.
fn edited(s: &AppState, json: &str, fields: &[(String, String)]) -> Result<Profile, String> {
    let mut p: Profile = serde_json::from_str(json).map_err(|e| format!("the profile in the form could not be read ({e}); upload the resume again"))?;
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_string());
    if let Some(r) = get("p_role").filter(|r| s.taxonomy.role(r).is_some() || r == "other") {
        p.role = r;
    }
    if let Some(lv) = get("p_seniority") {
        p.seniority = (!lv.is_empty()).then_some(lv);
    }
    for (key, slot) in [("p_total_years", &mut p.total_years), ("p_relevant_years", &mut p.relevant_years)] {
        if let Some(v) = get(key).filter(|v| !v.is_empty()) {
            *slot = v.parse::<f32>().map_err(|_| format!("years: {v:?} is not a number"))?.clamp(0.0, 60.0);
        }
    }
    if let Some(c) = get("p_country") {
        p.location.country = (!c.is_empty()).then(|| c.to_ascii_uppercase());
    }
    p.preferences.remote = fields.iter().any(|(n, v)| n == "p_remote" && v == "on").then_some(true);
    if let Some(list) = get("p_skills") {
        let mut skills = Vec::new();
        let mut unknown = Vec::new();
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            match mljobs_core::profile::find_skill(&s.taxonomy, name) {
                Some((id, display)) if !skills.iter().any(|k: &ProfileSkill| k.id == id) => {
                    // Keep the evidence of skills that were read from the resume.
                    let evidence = p.skills.iter().find(|k| k.id == id).map(|k| k.evidence.clone()).unwrap_or_default();
                    skills.push(ProfileSkill { id, name: display, evidence });
                }
                Some(_) => {}
                None => unknown.push(name.to_string()),
            }
        }
        p.skills = skills;
        p.notes.retain(|n| !n.starts_with("skills not in the taxonomy"));
        if !unknown.is_empty() {
            p.notes.push(format!("skills not in the taxonomy, left out: {}", unknown.join(", ")));
        }
    }
    Ok(p)
}

pub(super) async fn submit(State(s): St, req: Request) -> Response {
    let (file, fields) = match crate::candidate::form_upload(req).await {
        Ok(x) => x,
        Err(e) => return page(e.status, &MatchPage { error: Some(e.message), ..base(&s, Form::default()) }),
    };
    let field = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_string()).unwrap_or_default();
    let form = Form { role: field("role"), remote: field("remote") == "on", country: field("country"), job: field("job") };
    let fail = |status: StatusCode, message: String, form: Form| page(status, &MatchPage { error: Some(message), ..base(&s, form) });
    // A new resume (a file or pasted text) wins over the profile carried in the form.
    let pasted = field("text");
    let read = if let Some((name, bytes)) = &file {
        crate::candidate::read_resume(name, bytes, &s.taxonomy).map(|r| (r.profile, r.text))
    } else if !pasted.is_empty() {
        crate::candidate::read_resume("pasted text", pasted.as_bytes(), &s.taxonomy).map(|r| (r.profile, r.text))
    } else if !field("profile").is_empty() {
        edited(&s, &field("profile"), &fields).map(|p| (p, None)).map_err(|m| crate::ApiError::other(StatusCode::BAD_REQUEST, "invalid_parameter", m))
    } else {
        Err(crate::ApiError::other(StatusCode::BAD_REQUEST, "missing_parameter", "Choose a resume file or paste its text."))
    };
    let (profile, text) = match read {
        Ok(x) => x,
        Err(e) => return fail(e.status, e.message, form),
    };
    let options = match crate::candidate::options(&s.taxonomy, Some(form.role.clone()), form.remote, Some(form.country.clone())) {
        Ok(o) => o,
        Err(e) => return fail(e.status, e.message, form),
    };
    let today = chrono::Utc::now().date_naive();
    let weights = match crate::candidate::weights(&s) {
        Ok(w) => w,
        Err(e) => return fail(e.status, e.message, form),
    };
    let this_job = mljobs_core::PostingId::parse(&form.job).and_then(|id| {
        let req =
            mljobs_store::matching::MatchRequest { profile: profile.clone(), resume: text.as_deref(), options: options.clone(), limit: 1, today, salary: None };
        mljobs_store::matching::score_job(&s.store(), &s.taxonomy, &weights, &req, &id).ok().flatten()
    });
    let report = match crate::candidate::run_match(&s, &weights, profile, text.as_deref(), options, 20, today) {
        Ok(r) => r,
        Err(e) => return fail(e.status, e.message, form),
    };
    let l = Labels(&s.taxonomy);
    let mut p = base(&s, form);
    p.profile = Some(profile_view(&s, &report.profile));
    p.target = l.role(&report.target_role);
    p.this_job = this_job.as_ref().map(|m| view(&s, m));
    p.matches = report.matches.iter().map(|m| view(&s, m)).collect();
    p.gap = report.gap;
    p.path = report.path;
    p.certifications = report.certifications;
    let usd = |e: &mljobs_core::salary_model::Estimate| {
        let k = |x: f64| mljobs_core::text::thousands((x / 1000.0).round() * 1000.0);
        format!("${} median (${}–${} for 8 in 10)", k(e.p50), k(e.p10), k(e.p90))
    };
    p.pay = report.pay.as_ref().map(|o| {
        let next = match (&o.next_level, &o.next) {
            (Some(lv), Some(n)) => format!("one level up ({lv}): {}", usd(n)),
            _ => "you are at the top level the data know".into(),
        };
        (o.basis.clone(), usd(&o.now), next)
    });
    p.considered = report.considered;
    p.gap_over = report.gap_over;
    p.page.title = "Your matches".into();
    page(StatusCode::OK, &p)
}
