//! The web UI: server-rendered pages (askama templates in `crates/mljobs-web/templates/`,
//! escaped by default), usable without JavaScript (`/static/app.js` only submits the filter form
//! when a box is ticked). Handlers gather what a page shows from the same calls the JSON API
//! makes (the search, the store, the salary model, the survey) and turn it into view models —
//! labels, formatted figures, links; no domain rules live here. Charts are SVG built in
//! [`charts`]; posting HTML is sanitised with ammonia; every page is sent with a strict
//! Content-Security-Policy (scripts and styles from this origin only).

mod about;
mod alerts;
pub mod charts;
mod feeds;
mod home;
mod insights;
mod job;
mod jobs;
mod matching;
pub mod report;
mod roles;
mod salaries;
mod site;
mod skill;
mod skills;
mod sources;
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
pub use crate::html::sanitise;
use crate::search::{JobsResponse, search_jobs};
use charts::{BoxRow, usd_k};
use state::UrlState;

type St = State<Arc<AppState>>;

/// What every page is sent with: scripts, styles and forms of this origin only; no plugins, no framing.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The UI's routes.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(home::home))
        .route("/jobs", get(jobs::jobs))
        .route("/jobs.atom", get(feeds::atom))
        .route("/jobs.feed.json", get(feeds::json_feed))
        .route("/jobs/{id}", get(job::job))
        .route("/roles", get(roles::roles))
        .route("/roles/{role}", get(roles::role))
        .route("/salaries", get(salaries::salaries))
        .route("/skills", get(skills::skills))
        .route("/skills/{id}", get(skill::skill))
        .route("/insights", get(insights::insights))
        .route("/report", get(report::report))
        .route("/report.md", get(report::report_md))
        .route("/alerts", axum::routing::post(alerts::create))
        .route("/alerts/confirm", get(alerts::confirm))
        .route("/alerts/unsubscribe", get(alerts::unsubscribe).post(alerts::unsubscribe))
        .route("/about", get(about::about))
        .route("/sources", get(sources::sources))
        .route("/match", get(matching::form).post(matching::submit))
        .route("/static/app.css", get(|| async { asset("text/css; charset=utf-8", include_str!("../../static/app.css")) }))
        .route("/static/app.js", get(|| async { asset("text/javascript; charset=utf-8", include_str!("../../static/app.js")) }))
        .route("/favicon.ico", get(site::favicon))
        .route("/favicon.svg", get(site::favicon))
        .route("/robots.txt", get(site::robots))
        .route("/sitemap.xml", get(site::sitemap))
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
    // The other security headers come with every response (`api::security_headers`).
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    r
}

/// A page that depends only on the data (not on a query): rendered once per index generation and
/// kept in the answer cache (pages like `/` and `/skills` aggregate every posting).
/// Parses a page's query string and derives links from it (for `crate::fuzzing`): the state
/// survives its own query string.
pub(crate) fn fuzz_url_state(q: &str) {
    let s = state::UrlState::parse(Some(q));
    let again = state::UrlState::parse(Some(&s.query()));
    assert_eq!(again.query(), s.query(), "a state's query string reads back as the same state");
    let _ = s.href("/jobs");
    if let Some(key) = q.split('&').next().and_then(|kv| kv.split('=').next()) {
        let _ = s.toggled(key, "x").without(key).with(key, "y").href("/jobs");
    }
}

fn cached_page<T: Template>(s: &AppState, key: &str, build: impl FnOnce() -> Result<T, crate::ApiError>) -> Response {
    let answer = s.cache.shared(&format!("page:{key}"), s.index.generation(), || match build().map(|t| render(&t)) {
        Ok(Some(html)) => Ok(axum::body::Bytes::from(html)),
        Ok(None) => Err(Box::new(render_failed())),
        Err(e) => Err(Box::new(error_page(e.status, &e.message))),
    });
    match answer {
        Ok((html, _)) => html_response(StatusCode::OK, html),
        Err(response) => *response,
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
        self.0.facet_label("role", id)
    }
    fn level(&self, id: &str) -> String {
        self.0.facet_label("seniority", id)
    }
    fn survey_level(&self, code: &str) -> String {
        mljobs_core::survey::level_label(code)
    }
    fn skill(&self, id: &str) -> String {
        self.0.facet_label("skill", id)
    }
    fn industry(&self, id: &str) -> String {
        self.0.facet_label("industry", id)
    }
    fn area(&self, id: &str) -> String {
        self.0.facet_label("area", id)
    }
    fn country(&self, code: &str) -> String {
        self.0.facet_label("country", code)
    }
    fn size(&self, code: &str) -> String {
        mljobs_core::survey::company_size_label(code)
    }
    fn facet(&self, facet: &str, v: &str) -> String {
        self.0.facet_label(facet, v)
    }
}

use mljobs_core::taxonomy::{employment_type_label as employment_type, work_mode_label as work_mode};

fn thousands(n: u64) -> String {
    mljobs_core::text::thousands(n as f64)
}

fn pct(part: u64, whole: u64) -> String {
    if whole == 0 { "–".into() } else { format!("{:.0}%", 100.0 * part as f64 / whole as f64) }
}

/// An annual USD range in words: "$120k–$150k", "from $120k", "up to $150k".
pub fn salary_range(min: Option<f64>, max: Option<f64>) -> Option<String> {
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
    /// First seen in the last week and open.
    pub new: bool,
    /// Closed on (YYYY-MM-DD).
    pub closed_on: Option<String>,
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
                new: h.new,
                closed_on: h.closed_on.clone(),
            }
        })
        .collect()
}

/// Salary distributions by group, shared.
pub type Distributions = Arc<Vec<(String, Distribution)>>;

/// Salary distributions by industry of the stored postings that state a range (groups of 5+),
/// computed once per index generation: reading every such posting is too slow for each request.
fn salaries_by_industry(s: &AppState) -> Result<Distributions, crate::ApiError> {
    let (d, _) = s.by_industry.get_or_compute(s.index.generation(), || {
        Ok::<_, crate::ApiError>(Arc::new(mljobs_core::salary_model::by_industry(s.store().industry_salaries()?, 5).0))
    })?;
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

/// A skill with how many postings name it, of how many.
struct Share {
    id: String,
    name: String,
    fraction: f64,
    share: String,
    count: String,
}

/// Fewer postings than this make no share: "AWS 100 %" of 3 postings is not a fact about a role.
pub(crate) const MIN_SHARE_BASE: u64 = 20;

/// Skill rows with their share of `total` postings; below [`MIN_SHARE_BASE`] the share is left
/// out ("–") and only the counts are shown.
fn shares(l: &Labels, items: &[(String, u64)], total: u64) -> Vec<Share> {
    items
        .iter()
        .map(|(id, n)| {
            let fraction = *n as f64 / total.max(1) as f64;
            let share = if total < MIN_SHARE_BASE { "–".to_string() } else { format!("{:.0}%", 100.0 * fraction) };
            Share { id: id.clone(), name: l.skill(id), fraction, share, count: thousands(*n) }
        })
        .collect()
}

/// The (label, share) pairs a bar chart draws.
fn bars(rows: &[Share]) -> Vec<(String, f64)> {
    rows.iter().map(|r| (r.name.clone(), r.fraction)).collect()
}

fn box_rows(stats: Vec<(String, Distribution)>, label: impl Fn(&str) -> String, take: usize) -> Vec<BoxRow> {
    stats.into_iter().take(take).map(|(k, d)| BoxRow::of(label(&k), &d)).collect()
}
