//! The web UI: server-rendered pages (askama templates in `crates/mljobs-web/templates/`,
//! escaped by default), usable without JavaScript (`/static/app.js` only submits the filter form
//! when a box is ticked). Handlers gather what a page shows from the same calls the JSON API
//! makes (the search, the store, the salary model, the survey) and turn it into view models —
//! labels, formatted figures, links; no domain rules live here. Charts are SVG built in
//! [`charts`]; posting HTML is sanitised with ammonia; every page is sent with a strict
//! Content-Security-Policy (scripts and styles from this origin only).

pub mod charts;
pub mod state;

use std::collections::BTreeMap;
use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use mljobs_core::salary_model::{EstimateInput, LEVELS};
use mljobs_core::survey::Distribution;
use mljobs_core::{PostingId, Taxonomy};

use crate::AppState;
use crate::api::{JobsResponse, search_jobs};
use charts::{BoxRow, usd_k};
use state::UrlState;

type St = State<Arc<AppState>>;

/// What every page is sent with: scripts, styles and forms of this origin only; no plugins, no framing.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The UI's routes.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(home))
        .route("/jobs", get(jobs))
        .route("/jobs/{id}", get(job))
        .route("/roles", get(roles))
        .route("/roles/{role}", get(role))
        .route("/salaries", get(salaries))
        .route("/skills", get(skills))
        .route("/about", get(about))
        .route("/static/app.css", get(|| async { asset("text/css; charset=utf-8", include_str!("../../static/app.css")) }))
        .route("/static/app.js", get(|| async { asset("text/javascript; charset=utf-8", include_str!("../../static/app.js")) }))
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
}

fn asset(kind: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, kind), (header::CACHE_CONTROL, "public, max-age=3600")], body).into_response()
}

/// A rendered page with its status and security headers.
fn page(status: StatusCode, t: &impl Template) -> Response {
    match render(t) {
        Some(html) => html_response(status, html),
        None => render_failed(),
    }
}

/// The template's HTML (`None`, logged, when it does not render).
fn render(t: &impl Template) -> Option<String> {
    t.render().map_err(|e| tracing::error!("template: {e}")).ok()
}

fn render_failed() -> Response {
    (StatusCode::INTERNAL_SERVER_ERROR, "the page could not be rendered").into_response()
}

fn html_response(status: StatusCode, html: impl Into<axum::body::Body>) -> Response {
    let mut r = (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html.into()).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    r
}

/// A page that depends only on the data (not on a query): rendered once per index generation and
/// kept in the answer cache (pages like `/` and `/skills` aggregate every posting).
fn cached_page<T: Template>(s: &AppState, key: &str, build: impl FnOnce() -> Result<T, crate::ApiError>) -> Response {
    let key = format!("page:{key}");
    let generation = s.index.generation();
    if let Some(html) = s.cache.get(&key, generation) {
        return html_response(StatusCode::OK, html);
    }
    match build().map(|t| render(&t)) {
        Ok(Some(html)) => {
            let bytes = axum::body::Bytes::from(html);
            s.cache.put(&key, generation, bytes.clone());
            html_response(StatusCode::OK, bytes)
        }
        Ok(None) => render_failed(),
        Err(e) => error_page(e.status, &e.message),
    }
}

/// The frame of every page: title, which menu entry is current.
pub struct Chrome {
    /// `<title>` and `<h1>` unless the page has its own.
    pub title: String,
    /// Menu entry: home, jobs, roles, salaries, skills, about.
    pub nav: &'static str,
    /// Meta description.
    pub description: String,
}

fn chrome(title: impl Into<String>, nav: &'static str, description: impl Into<String>) -> Chrome {
    Chrome { title: title.into(), nav, description: description.into() }
}

/// Names for ids and codes.
struct Labels<'a>(&'a Taxonomy);

impl Labels<'_> {
    fn role(&self, id: &str) -> String {
        self.0.roles.iter().find(|r| r.id == id).map_or_else(|| if id == "other" { "Other roles".into() } else { id.to_string() }, |r| r.name.clone())
    }
    fn level(&self, id: &str) -> String {
        self.0.levels.iter().find(|l| l.id == id).map_or_else(|| id.to_string(), |l| l.name.clone())
    }
    fn survey_level(&self, code: &str) -> String {
        match code {
            "EN" => "Entry".into(),
            "MI" => "Mid".into(),
            "SE" => "Senior".into(),
            "EX" => "Executive".into(),
            other => other.to_string(),
        }
    }
    fn skill(&self, id: &str) -> String {
        self.0.skill(id).map_or_else(|| id.to_string(), |s| s.name.to_string())
    }
    fn industry(&self, id: &str) -> String {
        self.0.industries.iter().find(|i| i.id == id).map_or_else(|| id.to_string(), |i| i.name.clone())
    }
    fn area(&self, id: &str) -> String {
        self.0.areas.iter().find(|a| a.id == id).map_or_else(|| id.to_string(), |a| a.name.clone())
    }
    fn country(&self, code: &str) -> String {
        self.0.countries.iter().find(|c| c.code == code).map_or_else(|| code.to_string(), |c| c.name.clone())
    }
    fn size(&self, code: &str) -> String {
        match code {
            "S" => "Small (< 50)".into(),
            "M" => "Medium (50–250)".into(),
            "L" => "Large (> 250)".into(),
            other => other.to_string(),
        }
    }
    fn facet(&self, facet: &str, v: &str) -> String {
        match facet {
            "role" => self.role(v),
            "seniority" => self.level(v),
            "skill" => self.skill(v),
            "industry" => self.industry(v),
            "area" => self.area(v),
            "country" => self.country(v),
            "work_mode" => work_mode(v),
            "employment_type" => employment_type(v),
            _ => v.to_string(),
        }
    }
}

fn work_mode(v: &str) -> String {
    match v {
        "onsite" => "On site".into(),
        "hybrid" => "Hybrid".into(),
        "remote" => "Remote".into(),
        other => other.to_string(),
    }
}

fn employment_type(v: &str) -> String {
    let mut s = v.replace('_', " ").to_lowercase();
    if let Some(f) = s.get_mut(0..1) {
        f.make_ascii_uppercase();
    }
    s
}

fn thousands(n: u64) -> String {
    mljobs_core::text::thousands(n as f64)
}

fn pct(part: u64, whole: u64) -> String {
    if whole == 0 { "–".into() } else { format!("{:.0}%", 100.0 * part as f64 / whole as f64) }
}

fn salary_range(min: Option<f64>, max: Option<f64>) -> Option<String> {
    match (min, max) {
        (Some(a), Some(b)) if (a - b).abs() < 1.0 => Some(usd_k(a)),
        (Some(a), Some(b)) => Some(format!("{}–{}", usd_k(a), usd_k(b))),
        (Some(a), None) => Some(format!("from {}", usd_k(a))),
        (None, Some(b)) => Some(format!("up to {}", usd_k(b))),
        (None, None) => None,
    }
}

/// A result in a list.
pub struct HitView {
    /// Posting id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Company.
    pub company: String,
    /// Role, level, place, work mode, employment type.
    pub meta: Vec<String>,
    /// Annual USD range.
    pub salary: Option<String>,
    /// Posted.
    pub date: String,
    /// Highlighted extract: HTML escaped by the search engine, with `<b>` around matches.
    pub snippet: Option<String>,
    /// Other postings of its near-duplicate group.
    pub similar: u64,
}

fn hit_views(r: &JobsResponse, l: &Labels) -> Vec<HitView> {
    r.hits
        .iter()
        .map(|h| {
            let mut meta = vec![l.role(&h.role)];
            if let Some(s) = &h.seniority {
                meta.push(l.level(s));
            }
            let place: Vec<String> = [h.city.clone(), h.country.as_deref().map(|c| l.country(c))].into_iter().flatten().collect();
            if !place.is_empty() {
                meta.push(place.join(", "));
            }
            if let Some(w) = &h.work_mode {
                meta.push(work_mode(w));
            }
            if let Some(e) = &h.employment_type
                && e != "FULL_TIME"
            {
                meta.push(employment_type(e));
            }
            HitView {
                id: h.id.clone(),
                title: h.title.clone(),
                company: h.company.clone().unwrap_or_default(),
                meta,
                salary: salary_range(h.salary_usd_min, h.salary_usd_max),
                date: h.date_posted.clone().unwrap_or_default(),
                snippet: h.snippet.clone(),
                similar: h.similar,
            }
        })
        .collect()
}

/// Salary distributions by group, shared.
pub type Distributions = Arc<Vec<(String, Distribution)>>;

/// Salary distributions by industry of the stored postings that state a range (groups of 5+),
/// computed once per index generation: reading every such posting is too slow for each request.
fn salaries_by_industry(s: &AppState) -> Result<Distributions, crate::ApiError> {
    let generation = s.index.generation();
    let mut cached = s.by_industry.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((g, d)) = &*cached
        && *g == generation
    {
        return Ok(d.clone());
    }
    let d: Distributions = Arc::new(mljobs_core::salary_model::by_industry(&s.store().salaries(&s.taxonomy)?, 5).0);
    *cached = Some((generation, d.clone()));
    Ok(d)
}

/// What the pages show of the bundled survey, computed once per process (the survey and the
/// model's estimate year do not change while it runs): distributions of the estimate year by
/// level, country, role and company size, of every year, and of each role by level.
pub struct SurveyFigures {
    year: u16,
    median: Option<f64>,
    role_medians: BTreeMap<String, f64>,
    by_level: Vec<(String, Distribution)>,
    by_country: Vec<(String, Distribution)>,
    by_role: Vec<(String, Distribution)>,
    by_size: Vec<(String, Distribution)>,
    by_year: Vec<(String, Distribution)>,
    role_levels: BTreeMap<String, Vec<(String, Distribution)>>,
}

impl SurveyFigures {
    /// Computes the figures of `rows` for the estimate `year`.
    pub fn new(rows: &[mljobs_core::survey::SurveyRow], year: u16, taxonomy: &Taxonomy) -> SurveyFigures {
        use mljobs_core::survey::{GroupBy, role_by_level, stats_by};
        let latest: Vec<mljobs_core::survey::SurveyRow> = rows.iter().filter(|r| r.year == year).cloned().collect();
        let ordered = |mut v: Vec<(String, Distribution)>, order: &[&str]| {
            v.sort_by_key(|(k, _)| order.iter().position(|x| x == k));
            v
        };
        let mut by_year = stats_by(rows, GroupBy::Year, 30, taxonomy);
        by_year.sort_by(|a, b| a.0.cmp(&b.0));
        SurveyFigures {
            year,
            median: Distribution::of(latest.iter().map(|r| r.salary_usd).collect()).map(|d| d.median),
            role_medians: stats_by(rows, GroupBy::Role, 30, taxonomy).into_iter().map(|(k, d)| (k, d.median)).collect(),
            by_level: ordered(stats_by(&latest, GroupBy::Level, 30, taxonomy), &LEVELS),
            by_country: stats_by(&latest, GroupBy::Country, 30, taxonomy),
            by_role: stats_by(&latest, GroupBy::Role, 30, taxonomy),
            by_size: ordered(stats_by(&latest, GroupBy::CompanySize, 30, taxonomy), &["S", "M", "L"]),
            by_year,
            role_levels: taxonomy.roles.iter().map(|r| (r.id.clone(), role_by_level(rows, &r.id, year, 10, taxonomy))).collect(),
        }
    }
}

// ---------------------------------------------------------------- home

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    page: Chrome,
    postings: String,
    with_salary: String,
    remote: String,
    survey_median: String,
    survey_year: u16,
    roles: Vec<RoleCard>,
    skills: Vec<(String, String, String)>,
}

/// A role on the home page and the roles index.
struct RoleCard {
    id: String,
    name: String,
    summary: String,
    jobs: u64,
    median: Option<String>,
}

fn role_cards(s: &AppState, stats: &mljobs_store::Stats) -> Vec<RoleCard> {
    let medians = &s.figures().role_medians;
    let mut cards: Vec<RoleCard> = s
        .taxonomy
        .roles
        .iter()
        .map(|r| RoleCard {
            id: r.id.clone(),
            name: r.name.clone(),
            summary: r.summary.clone(),
            jobs: stats.by_role.get(&r.id).copied().unwrap_or(0),
            median: medians.get(&r.id).map(|m| usd_k(*m)),
        })
        .collect();
    cards.sort_by(|a, b| b.jobs.cmp(&a.jobs).then(a.name.cmp(&b.name)));
    cards
}

async fn home(State(s): St) -> Response {
    cached_page(&s, "/", || -> Result<HomePage, crate::ApiError> {
        let l = Labels(&s.taxonomy);
        let stats = s.store().stats(12)?;
        let figures = s.figures();
        let (year, median) = (figures.year, figures.median.map_or_else(|| "–".into(), usd_k));
        let remote = stats.by_work_mode.get("remote").copied().unwrap_or(0);
        Ok(HomePage {
            page: chrome(
                "mljobs — machine-learning jobs, salaries and skills",
                "home",
                "Search machine-learning jobs, see what they pay and which skills they ask for.",
            ),
            postings: thousands(stats.canonical_postings),
            with_salary: pct(stats.with_salary, stats.postings),
            remote: pct(remote, stats.postings),
            survey_median: median,
            survey_year: year,
            roles: role_cards(&s, &stats),
            skills: stats.by_skill.iter().map(|(id, n)| (id.clone(), l.skill(id), thousands(*n))).collect(),
        })
    })
}

fn respond(r: Result<impl Template, crate::ApiError>) -> Response {
    match r {
        Ok(t) => page(StatusCode::OK, &t),
        Err(e) => error_page(e.status, &e.message),
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    page: Chrome,
    message: String,
}

/// An error as a page.
pub fn error_page(status: StatusCode, message: &str) -> Response {
    let title = if status == StatusCode::NOT_FOUND {
        "Not found"
    } else if status.is_client_error() {
        "That request did not work"
    } else {
        "Something went wrong"
    };
    page(status, &ErrorPage { page: chrome(title, "", ""), message: message.to_string() })
}

// ---------------------------------------------------------------- /jobs

/// One facet in the sidebar.
struct FacetView {
    key: String,
    label: &'static str,
    values: Vec<FacetValue>,
}

struct FacetValue {
    value: String,
    label: String,
    count: String,
    checked: bool,
}

struct ActiveFilter {
    label: String,
    href: String,
}

struct PageLink {
    label: String,
    href: Option<String>,
    current: bool,
}

#[derive(Template)]
#[template(path = "jobs.html")]
struct JobsPage {
    page: Chrome,
    q: String,
    total: String,
    took_ms: String,
    typos: bool,
    hits: Vec<HitView>,
    facets: Vec<FacetView>,
    active: Vec<ActiveFilter>,
    salary_min: String,
    with_salary: bool,
    posted_after: String,
    sort: String,
    pages: Vec<PageLink>,
    error: Option<String>,
    clear_href: String,
}

/// Facets in the sidebar, with how many values each shows.
const SIDEBAR: [(&str, &str, usize); 8] = [
    ("role", "Role", 12),
    ("seniority", "Seniority", 10),
    ("skill", "Skills", 15),
    ("industry", "Industry", 12),
    ("country", "Country", 12),
    ("work_mode", "Work mode", 3),
    ("employment_type", "Employment type", 6),
    ("area", "Area", 12),
];

async fn jobs(State(s): St, RawQuery(q): RawQuery) -> Response {
    let state = UrlState::parse(q.as_deref());
    let l = Labels(&s.taxonomy);
    let query = state.without("facets").without("highlight").with("facets", "true").with("highlight", "true");
    let (answer, error) = match search_jobs(&s, Some(&query.query())) {
        Ok(a) => (Some(a), None),
        Err(e) => (None, Some(e.message)),
    };
    let mut facets = Vec::new();
    let mut active = Vec::new();
    for (key, label, n) in SIDEBAR {
        let counts = answer.as_ref().and_then(|a| a.facets.as_ref()).and_then(|f| f.get(key));
        let mut values: Vec<FacetValue> = counts
            .map(|c| {
                c.iter()
                    .filter(|fc| fc.value != "unknown")
                    .take(n)
                    .map(|fc| FacetValue {
                        label: l.facet(key, &fc.value),
                        count: thousands(fc.count),
                        checked: state.has(key, &fc.value),
                        value: fc.value.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        // A selected value stays visible (with 0) even when the other filters leave none of it.
        for (k, v) in state.pairs() {
            if k == key {
                for v in v.split(',').map(str::trim) {
                    active.push(ActiveFilter { label: format!("{label}: {}", l.facet(key, v)), href: state.toggled(key, v).href("/jobs") });
                    if !values.iter().any(|x| x.value.eq_ignore_ascii_case(v)) {
                        values.push(FacetValue { value: v.to_string(), label: l.facet(key, v), count: "0".into(), checked: true });
                    }
                }
            }
        }
        if !values.is_empty() {
            facets.push(FacetView { key: key.to_string(), label, values });
        }
    }
    for (key, label) in [("salary_min", "Pays up to at least $"), ("with_salary", "States a salary: "), ("posted_after", "Posted after "), ("q", "Words: ")] {
        if let Some(v) = state.get(key) {
            active.push(ActiveFilter { label: format!("{label}{v}"), href: state.without(key).without("page").href("/jobs") });
        }
    }
    let (total, took_ms, typos, hits, pages) = match &answer {
        Some(a) => {
            let last = (a.total as usize).div_ceil(a.per_page).clamp(1, crate::params::MAX_RESULT_WINDOW / a.per_page);
            let mut pages = Vec::new();
            let link = |p: usize| state.with("page", &p.to_string()).href("/jobs");
            pages.push(PageLink { label: "‹ Previous".into(), href: (a.page > 1).then(|| link(a.page - 1)), current: false });
            for p in (1..=last).filter(|p| *p == 1 || *p == last || p.abs_diff(a.page) <= 2) {
                pages.push(PageLink { label: p.to_string(), href: Some(link(p)), current: p == a.page });
            }
            pages.push(PageLink { label: "Next ›".into(), href: (a.page < last).then(|| link(a.page + 1)), current: false });
            (thousands(a.total), format!("{:.1}", a.took_ms), a.typos_applied, hit_views(a, &l), if last > 1 { pages } else { Vec::new() })
        }
        None => ("0".into(), "0".into(), false, Vec::new(), Vec::new()),
    };
    let q_text = state.get("q").unwrap_or("").to_string();
    let title = if q_text.is_empty() { "Machine-learning jobs".to_string() } else { format!("“{q_text}” — jobs") };
    let status = if error.is_some() { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    page(
        status,
        &JobsPage {
            page: chrome(title, "jobs", "Search machine-learning jobs by role, seniority, skills, industry, country, work mode and salary."),
            q: q_text,
            total,
            took_ms,
            typos,
            hits,
            facets,
            active,
            salary_min: state.get("salary_min").unwrap_or("").to_string(),
            with_salary: state.get("with_salary").is_some_and(|v| matches!(v, "true" | "1" | "on" | "yes")),
            posted_after: state.get("posted_after").unwrap_or("").to_string(),
            sort: state.get("sort").unwrap_or("relevance").to_string(),
            pages,
            error,
            clear_href: "/jobs".into(),
        },
    )
}

// ---------------------------------------------------------------- /jobs/{id}

struct Chip {
    kind: &'static str,
    label: String,
    href: Option<String>,
}

struct Stated {
    raw: String,
    as_stated: String,
    annual_usd: Option<String>,
    notes: Vec<String>,
}

struct EstimateView {
    p10: String,
    p50: String,
    p90: String,
    basis: String,
    assumed: Vec<String>,
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

/// A posting's HTML, made safe: no scripts, event handlers, styles, frames or `javascript:` URLs;
/// links open with `rel="noopener noreferrer nofollow"`. Images are dropped too: a posting's
/// remote images would tell its owner who reads it (and the page's CSP loads none from elsewhere).
pub fn sanitise(html: &str) -> String {
    ammonia::Builder::default().rm_tags(["img"]).link_rel(Some("noopener noreferrer nofollow")).clean(html).to_string()
}

async fn job(State(s): St, Path(id): Path<String>) -> Response {
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
    for sk in &e.skills {
        chips.push(Chip { kind: "skill", label: sk.name.to_string(), href: Some(format!("/jobs?skill={}", sk.id)) });
    }
    let stated = e.salary.as_ref().map(|sal| {
        let amount = |x: Option<f64>| x.map(|v| format!("{v:.0}"));
        let as_stated = format!(
            "{} {} {}",
            sal.currency.as_deref().unwrap_or("(currency not stated)"),
            match (amount(sal.min), amount(sal.max)) {
                (Some(a), Some(b)) if a == b => a,
                (Some(a), Some(b)) => format!("{a}–{b}"),
                (Some(a), None) => format!("from {a}"),
                (None, Some(b)) => format!("up to {b}"),
                (None, None) => "–".into(),
            },
            sal.period.map_or_else(|| "(period not stated)".to_string(), |p| format!("per {}", p.as_str()))
        );
        let mut notes = Vec::new();
        if sal.currency_assumed {
            notes.push("currency read from the posting's country".to_string());
        }
        if sal.period_inferred {
            notes.push("no period stated: read as yearly from its size".to_string());
        }
        if let (Some(rate), Some(date)) = (sal.fx_rate, &sal.fx_date)
            && sal.currency.as_deref() != Some("USD")
        {
            notes.push(format!("converted at {rate:.4} USD per unit ({date})"));
        }
        Stated { raw: sal.raw.clone(), as_stated, annual_usd: salary_range(sal.annual_usd_min, sal.annual_usd_max), notes }
    });
    let profile = mljobs_core::salary_model::Profile::of_posting(p, e, &s.taxonomy);
    let estimate = profile.country.is_some().then(|| {
        let x = s.salary.explain(&profile, &s.taxonomy);
        let level = x.profile.level.as_deref().map(|c| l.survey_level(c)).unwrap_or_default();
        EstimateView {
            p10: usd_k(x.estimate.p10),
            p50: usd_k(x.estimate.p50),
            p90: usd_k(x.estimate.p90),
            basis: with_article(&format!("{level}-level {} in {}, {}", l.role(&x.role), l.country(x.profile.country.as_deref().unwrap_or("")), x.year)),
            assumed: x.assumed,
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
    let json_ld = script_json(&mljobs_core::export::job_posting_json_ld(p, e, &s.taxonomy));
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
            warnings: e.warnings.clone(),
        },
    )
}

// ---------------------------------------------------------------- /roles

#[derive(Template)]
#[template(path = "roles.html")]
struct RolesPage {
    page: Chrome,
    roles: Vec<RoleCard>,
}

async fn roles(State(s): St) -> Response {
    cached_page(&s, "/roles", || {
        let stats = s.store().stats(0)?;
        Ok(RolesPage {
            page: chrome("Roles in machine learning", "roles", "What each machine-learning role does, pays and asks for."),
            roles: role_cards(&s, &stats),
        })
    })
}

/// A skill with how many postings name it, of how many.
struct Share {
    id: String,
    name: String,
    fraction: f64,
    share: String,
    count: String,
}

fn shares(l: &Labels, items: &[(String, u64)], total: u64) -> Vec<Share> {
    items
        .iter()
        .map(|(id, n)| {
            let fraction = *n as f64 / total.max(1) as f64;
            Share { id: id.clone(), name: l.skill(id), fraction, share: format!("{:.0}%", 100.0 * fraction), count: thousands(*n) }
        })
        .collect()
}

/// The (label, share) pairs a bar chart draws.
fn bars(rows: &[Share]) -> Vec<(String, f64)> {
    rows.iter().map(|r| (r.name.clone(), r.fraction)).collect()
}

struct Step {
    stage: &'static str,
    text: String,
}

#[derive(Template)]
#[template(path = "role.html")]
struct RolePage {
    page: Chrome,
    id: String,
    name: String,
    summary: String,
    responsibilities: Vec<String>,
    jobs_total: String,
    skills_chart: String,
    skills: Vec<Share>,
    salary_chart: String,
    salary_rows: Vec<BoxRow>,
    salary_source: String,
    steps: Vec<Step>,
    projects: Vec<String>,
    key_skills: Vec<(String, String)>,
    jobs: Vec<HitView>,
}

const STAGES: [&str; 5] = ["Programming", "Fundamentals", "Projects", "Portfolio", "Certifications"];

async fn role(State(s): St, Path(id): Path<String>) -> Response {
    let Some(r) = s.taxonomy.roles.iter().find(|r| r.id == id) else {
        return error_page(StatusCode::NOT_FOUND, &format!("There is no role {id:?}; see the list of roles."));
    };
    let l = Labels(&s.taxonomy);
    let answer = match search_jobs(&s, Some(&format!("role={id}&sort=date&per_page=8&facets=true"))) {
        Ok(a) => a,
        Err(e) => return error_page(e.status, &e.message),
    };
    let total = answer.total;
    let counts: Vec<(String, u64)> =
        answer.facets.as_ref().and_then(|f| f.get("skill")).map(|c| c.iter().take(15).map(|fc| (fc.value.clone(), fc.count)).collect()).unwrap_or_default();
    let skills = shares(&l, &counts, total);
    let year = s.salary.info.estimate_year;
    let salary_rows = box_rows(s.figures().role_levels.get(&id).cloned().unwrap_or_default(), |k| l.survey_level(k), 4);
    let steps = r.learning.iter().zip(STAGES).map(|(t, stage)| Step { stage, text: t.clone() }).collect();
    let name = r.name.clone();
    page(
        StatusCode::OK,
        &RolePage {
            page: chrome(format!("{name}: skills, salary and learning path"), "roles", r.summary.clone()),
            id: id.clone(),
            skills_chart: charts::share_bars("role-skills", &format!("Skills most asked for in {name} postings"), &format!("{name} postings"), &bars(&skills)),
            salary_chart: charts::salary_boxes("role-salary", &format!("{name} salary by experience level, {year}"), &salary_rows),
            salary_source: format!(
                "{} salaries of {year} in the aijobs.net survey whose title is a {name} title",
                salary_rows.iter().map(|r| r.count).sum::<usize>()
            ),
            name,
            summary: r.summary.clone(),
            responsibilities: r.responsibilities.clone(),
            jobs_total: thousands(total),
            skills,
            salary_rows,
            steps,
            projects: r.projects.clone(),
            key_skills: r.key_skills.iter().map(|k| (k.clone(), l.skill(k))).collect(),
            jobs: hit_views(&answer, &l),
        },
    )
}

// ---------------------------------------------------------------- /salaries

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
    role: String,
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

fn box_rows(stats: Vec<(String, Distribution)>, label: impl Fn(&str) -> String, take: usize) -> Vec<BoxRow> {
    stats
        .into_iter()
        .take(take)
        .map(|(k, d)| BoxRow { label: label(&k), p10: d.p10, p25: d.p25, median: d.median, p75: d.p75, p90: d.p90, count: d.count })
        .collect()
}

async fn salaries(State(s): St, RawQuery(q): RawQuery) -> Response {
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
            y => y.parse::<f64>().map(Some).map_err(|_| ("years", format!("years: {y:?} is not a number"))),
        };
        let input = years.and_then(|years| {
            let missing = [("title", &form.title), ("country", &form.country)].into_iter().find(|(_, v)| v.trim().is_empty());
            if let Some((field, _)) = missing {
                return Err((field, format!("{field}: required")));
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
        match input.and_then(|i| i.resolve(&s.taxonomy).map_err(|e| (e.field, e.to_string()))) {
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
                    role: with_article(&l.role(&x.role)),
                    chart: charts::contributions("estimate-factors", "What moves this estimate", &items),
                    contributions: items.into_iter().map(|(factor, v, usd)| Contribution { factor, effect: format!("{v:+.1}%"), usd }).collect(),
                    assumed: x.assumed,
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

/// A skill category's display name.
fn category_name(id: &str) -> String {
    match id {
        "data" => "Data engineering & storage".into(),
        "cloud_mlops" => "Cloud & MLOps".into(),
        "software_engineering" => "Software engineering".into(),
        "ml_frameworks" => "ML frameworks & libraries".into(),
        "techniques" => "ML techniques".into(),
        "programming" => "Programming languages".into(),
        "analytics_bi" => "Analytics & BI".into(),
        "mathematics" => "Mathematics & statistics".into(),
        other => capitalised(&other.replace(['-', '_'], " ")),
    }
}

/// "a Senior-level …", "an Entry-level …", "an AI Engineer" (by the first letter; good enough
/// for the role and level names we have).
fn with_article(phrase: &str) -> String {
    let vowel = phrase.chars().next().is_some_and(|c| "AEIOUaeiou".contains(c));
    format!("{} {phrase}", if vowel { "an" } else { "a" })
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

// ---------------------------------------------------------------- /skills

struct Category {
    name: String,
    slug: String,
    svg: String,
    rows: Vec<Share>,
}

#[derive(Template)]
#[template(path = "skills.html")]
struct SkillsPage {
    page: Chrome,
    postings: String,
    categories: Vec<Category>,
    trend_svg: Option<String>,
    years: Vec<String>,
    trend_rows: Vec<(String, Vec<String>)>,
}

async fn skills(State(s): St) -> Response {
    cached_page(&s, "/skills", || -> Result<SkillsPage, crate::ApiError> {
        let l = Labels(&s.taxonomy);
        let stats = s.store().stats(10_000)?;
        let categories = s
            .taxonomy
            .by_category(&stats.by_skill)
            .into_iter()
            .map(|(cat, skills)| {
                let name = category_name(&cat);
                // Skill counts count every stored posting (reposts too): shares are of all postings.
                let rows = shares(&l, &skills[..skills.len().min(10)], stats.postings);
                Category {
                    svg: charts::share_bars(&format!("cat-{cat}"), &format!("{name}: share of postings naming each skill"), "postings", &bars(&rows)),
                    rows,
                    slug: cat,
                    name,
                }
            })
            .collect();
        // Trend: the most named skills, share of each year's postings; years with 20 postings or more.
        let tools: Vec<String> =
            stats.by_skill.iter().filter(|(id, _)| s.taxonomy.skill(id).is_some_and(|k| &*k.kind == "tool")).take(6).map(|(id, _)| id.clone()).collect();
        let (years, shares) = s.store().skill_years()?.shares(&tools, 20);
        let mut series = Vec::new();
        let mut trend_rows = Vec::new();
        if years.len() >= 2 {
            for (id, values) in tools.iter().zip(shares) {
                trend_rows.push((l.skill(id), values.iter().map(|v| format!("{:.0}%", v * 100.0)).collect()));
                series.push((l.skill(id), values));
            }
        }
        let trend_svg = (!series.is_empty()).then(|| charts::share_lines("skill-trend", "Most-named tools: share of postings by year", &years, &series));
        Ok(SkillsPage {
            page: chrome(
                "Skills in demand for machine-learning jobs",
                "skills",
                "Which skills machine-learning postings ask for, by category, and how that changes over time.",
            ),
            postings: thousands(stats.postings),
            categories,
            trend_svg,
            years,
            trend_rows,
        })
    })
}

// ---------------------------------------------------------------- /about

#[derive(Template)]
#[template(path = "about.html")]
struct AboutPage {
    page: Chrome,
    postings: String,
    survey_rows: String,
    trained_on: String,
}

async fn about(State(s): St) -> Response {
    let r = (|| -> Result<AboutPage, crate::ApiError> {
        Ok(AboutPage {
            page: chrome(
                "About mljobs and its data",
                "about",
                "Where the data come from, their licences, and how mljobs enriches postings and estimates salaries.",
            ),
            postings: thousands(s.store().count()?),
            survey_rows: thousands(s.survey().len() as u64),
            trained_on: {
                let m = &s.salary.info;
                format!(
                    "{} survey salaries and {} postings that state a range (years {}–{}), in {:.1} s",
                    thousands(m.survey_rows as u64),
                    thousands(m.posting_rows as u64),
                    m.years.0,
                    m.years.1,
                    m.fit_seconds
                )
            },
        })
    })();
    respond(r)
}
