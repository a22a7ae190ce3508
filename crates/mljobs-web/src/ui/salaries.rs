//! `/salaries`: salary distributions by factor and the estimate form.

use super::*;

struct ChartSection {
    id: &'static str,
    heading: String,
    note: String,
    svg: String,
    rows: Vec<BoxRow>,
}

struct Form {
    title: String,
    country: String,
    level: String,
    years: String,
    industry: String,
    company_size: String,
    work_mode: String,
    skills: String,
}

struct Contribution {
    factor: String,
    effect: String,
    usd: String,
}

struct Comparable {
    year: u16,
    title: String,
    level: String,
    country: String,
    salary: String,
    source: String,
    shares: String,
}

struct EstimateResult {
    p10: String,
    p50: String,
    p90: String,
    baseline: String,
    year: u16,
    /// "for a Data Scientist role", or "for this title" when the title has no role.
    role: String,
    /// Read with the figure: an unrecognised title or a thin group.
    notice: Option<String>,
    chart: String,
    contributions: Vec<Contribution>,
    assumed: Vec<String>,
    caveats: Vec<String>,
    group: String,
    group_median: Option<String>,
    comparables: Vec<Comparable>,
}

#[derive(Template)]
#[template(path = "salaries.html")]
struct SalariesPage {
    page: Chrome,
    sections: Vec<ChartSection>,
    form: Form,
    levels: Vec<(&'static str, String)>,
    industries: Vec<(String, String)>,
    sizes: Vec<(&'static str, String)>,
    modes: Vec<(&'static str, String)>,
    result: Option<EstimateResult>,
    error: Option<String>,
    error_field: String,
    salaries: String,
    year: u16,
}

pub(super) async fn salaries(State(s): St, RawQuery(q): RawQuery) -> Response {
    let l = Labels(&s.taxonomy);
    let st = UrlState::parse(q.as_deref());
    let f = s.figures();
    let year = f.year;
    let industry = match salaries_by_industry(&s) {
        Ok(d) => d,
        Err(e) => return error_page(e.status, &e.message),
    };
    let mut sections = Vec::new();
    let mut add = |id: &'static str, heading: &str, note: String, rows: Vec<BoxRow>| {
        let svg = charts::salary_boxes(id, heading, &rows);
        sections.push(ChartSection { id, heading: heading.to_string(), note, svg, rows });
    };
    let survey_note = format!("aijobs.net salary survey, {year}, groups of 30 salaries or more.");
    add("by-level", "By experience level", survey_note.clone(), box_rows(f.by_level.clone(), |k| l.survey_level(k), 10));
    add("by-country", "By company country (largest 12)", survey_note.clone(), box_rows(f.by_country.clone(), |k| l.country(k), 12));
    add(
        "by-industry",
        "By industry",
        "Postings on this site that state an annual salary range (midpoints), groups of 5 or more: the survey has no industry.".into(),
        box_rows(industry.to_vec(), |k| l.industry(k), 12),
    );
    add("by-role", "By role (specialisation)", survey_note.clone(), box_rows(f.by_role.clone(), |k| l.role(k), 12));
    add("by-size", "By company size", survey_note, box_rows(f.by_size.clone(), |k| l.size(k), 3));
    add("by-year", "By year", "aijobs.net salary survey, every year.".into(), box_rows(f.by_year.clone(), str::to_string, 10));
    let form = Form {
        title: st.get("title").unwrap_or("").into(),
        country: st.get("country").unwrap_or("").into(),
        level: st.get("level").unwrap_or("").into(),
        years: st.get("years").unwrap_or("").into(),
        industry: st.get("industry").unwrap_or("").into(),
        company_size: st.get("company_size").unwrap_or("").into(),
        work_mode: st.get("work_mode").unwrap_or("").into(),
        skills: st.get("skills").unwrap_or("").into(),
    };
    let (mut result, mut error, mut error_field) = (None, None, String::new());
    if !form.title.is_empty() || !form.country.is_empty() {
        let years = match form.years.trim() {
            "" => Ok(None),
            y => y.parse::<f64>().ok().filter(|y| y.is_finite()).map(Some).ok_or(("years", "Years of experience must be a number from 0 to 60.".to_string())),
        };
        let input = years.and_then(|years| {
            let missing = [("title", &form.title), ("country", &form.country)].into_iter().find(|(_, v)| v.trim().is_empty());
            if let Some((field, _)) = missing {
                return Err((field, format!("{} is required.", field_label(field))));
            }
            Ok(EstimateInput {
                title: form.title.clone(),
                country: form.country.clone(),
                level: Some(form.level.clone()).filter(|x| !x.is_empty()),
                years,
                industry: Some(form.industry.clone()).filter(|x| !x.is_empty()),
                company_size: Some(form.company_size.clone()).filter(|x| !x.is_empty()),
                work_mode: Some(form.work_mode.clone()).filter(|x| !x.is_empty()),
                skills: form.skills.split(',').map(str::trim).filter(|x| !x.is_empty()).map(String::from).collect(),
                ..EstimateInput::default()
            })
        });
        match input.and_then(|i| i.resolve(&s.taxonomy).map_err(|e| (e.field, form_message(&e)))) {
            Ok(profile) => {
                let x = s.salary.explain(&profile, &s.taxonomy);
                let items: Vec<(String, f64, String)> = x
                    .contributions
                    .iter()
                    .map(|c| (capitalised(&c.factor.replace('_', " ")), c.effect_pct, format!("{}{}", if c.usd < 0.0 { "−" } else { "+" }, usd_k(c.usd.abs()))))
                    .collect();
                result = Some(EstimateResult {
                    p10: usd_k(x.estimate.p10),
                    p50: usd_k(x.estimate.p50),
                    p90: usd_k(x.estimate.p90),
                    baseline: usd_k(x.baseline),
                    year: x.year,
                    role: if x.role == "other" { "for this title".into() } else { format!("for {} role", with_article(&l.role(&x.role))) },
                    notice: x.notice.clone(),
                    chart: charts::contributions("estimate-factors", "What moves this estimate", &items),
                    contributions: items.into_iter().map(|(factor, v, usd)| Contribution { factor, effect: format!("{v:+.1}%"), usd }).collect(),
                    assumed: x.brief.assumed.clone(),
                    caveats: x.caveats,
                    group: x.comparables.group.clone(),
                    group_median: x
                        .comparables
                        .distribution
                        .as_ref()
                        .map(|d| format!("{} salaries, median {}, P10–P90 {}–{}", d.count, usd_k(d.median), usd_k(d.p10), usd_k(d.p90))),
                    comparables: x
                        .comparables
                        .examples
                        .iter()
                        .map(|c| Comparable {
                            year: c.record.year,
                            title: c.record.profile.title.clone(),
                            level: c.record.profile.level.as_deref().map(|v| l.survey_level(v)).unwrap_or_default(),
                            country: c.record.profile.country.as_deref().map(|v| l.country(v)).unwrap_or_default(),
                            salary: usd_k(c.record.salary_usd),
                            source: match c.record.source {
                                mljobs_core::salary_model::Source::Survey => "survey".into(),
                                mljobs_core::salary_model::Source::Posting => "posting".into(),
                            },
                            shares: c.shares.join(", ").replace('_', " "),
                        })
                        .collect(),
                });
            }
            Err((field, message)) => {
                error = Some(message);
                error_field = field.to_string();
            }
        }
    }
    let status = if error.is_some() { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    page(
        status,
        &SalariesPage {
            page: chrome(
                "ML salaries: what experience, place, industry, role and company size pay",
                "salaries",
                "Salary distributions for machine-learning jobs by experience, location, industry, role and company size, and an estimate for your profile.",
            ),
            sections,
            form,
            levels: LEVELS.iter().map(|c| (*c, l.survey_level(c))).collect(),
            industries: s.taxonomy.industries.iter().map(|i| (i.id.clone(), i.name.clone())).collect(),
            sizes: ["S", "M", "L"].iter().map(|c| (*c, l.size(c))).collect(),
            modes: ["onsite", "hybrid", "remote"].iter().map(|c| (*c, work_mode(c))).collect(),
            result,
            error,
            error_field,
            salaries: thousands(s.survey().len() as u64),
            year,
        },
    )
}

/// The estimate form's label of an input field.
fn field_label(field: &str) -> &'static str {
    match field {
        "title" => "Job title",
        "country" => "Country",
        "level" => "Experience level",
        "years" => "Years of experience",
        "industry" => "Industry",
        "company_size" => "Company size",
        "work_mode" | "remote" => "Work mode",
        "skills" => "Skills",
        "residence" => "Country of residence",
        _ => "A field",
    }
}

/// A bad input in words for the page: the field's label, what was typed (short text only, never a
/// number that may be hundreds of digits) and what is wrong, without field names or CLI hints.
fn form_message(e: &mljobs_core::salary_model::InputError) -> String {
    let label = field_label(e.field);
    let value = e.value.trim();
    let problem = e.problem.replace("-60", " to 60");
    if e.field == "years" || value.is_empty() || value.chars().count() > 40 {
        format!("{label}: {problem}.")
    } else {
        format!("{label}: \u{201c}{value}\u{201d} {problem}.")
    }
}
