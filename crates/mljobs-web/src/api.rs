//! The routes of the JSON API and their OpenAPI description.
//!
//! Searches are CPU-bound and take well under a few milliseconds, so handlers run them on the
//! runtime's worker threads (one per core) instead of handing them to a blocking pool, which
//! would only add two thread hand-offs per request.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use mljobs_core::PostingId;
use serde::Serialize;
use serde_json::Value;
use tower_http::trace::TraceLayer;
use utoipa::{OpenApi, ToSchema};
use utoipa_swagger_ui::SwaggerUi;

use crate::error::ErrorBody;
use crate::params::{SearchParams, parse_search};
use crate::search::{FacetCount, FacetsResponse, JobHit, JobsResponse, facet_counts, search_jobs};
use crate::{ApiError, AppState, MAX_BODY_BYTES, MAX_QUERY_BYTES, QUEUE_WAIT, REQUEST_TIMEOUT};

type AppStateRef = State<Arc<AppState>>;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "mljobs API",
        description = "Search, read and count machine-learning job postings: enriched with role, seniority, skills, salary (annual USD), location, work mode, industry and application area."
    ),
    paths(
        jobs,
        job,
        facets,
        trends,
        related_skills,
        taxonomy,
        stats,
        salary_stats,
        salary_estimate,
        sources,
        crate::candidate::profile,
        crate::candidate::matches,
        healthz
    ),
    components(schemas(
        JobsResponse,
        JobHit,
        FacetCount,
        FacetsResponse,
        JobDetail,
        Health,
        CacheStats,
        SalaryStats,
        SalaryGroup,
        EstimateRequest,
        crate::candidate::MatchBody,
        crate::sources::SourcesResponse,
        crate::sources::SourcesSummary,
        ErrorBody
    ))
)]
struct ApiDoc;

pub fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

pub fn router(state: Arc<AppState>) -> Router {
    crate::ui::routes()
        .route("/api/v1/jobs", get(jobs))
        .route("/api/v1/jobs/{id}", get(job))
        .route("/api/v1/facets", get(facets))
        .route("/api/v1/trends", get(trends))
        .route("/api/v1/skills/{id}/related", get(related_skills))
        .route("/api/v1/taxonomy/{kind}", get(taxonomy))
        .route("/api/v1/stats", get(stats))
        .route("/api/v1/salary/stats", get(salary_stats))
        .route("/api/v1/salary/estimate", axum::routing::post(salary_estimate))
        .route("/api/v1/sources", get(sources))
        .route("/api/v1/profile", axum::routing::post(crate::candidate::profile))
        .route("/api/v1/match", axum::routing::post(crate::candidate::matches))
        .route("/healthz", get(healthz))
        .merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", openapi()))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state.clone())
        .layer(middleware::from_fn_with_state(state, limits))
        .layer(middleware::from_fn(security_headers))
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
}

/// The Swagger UI page: its own scripts and styles (its stylesheet sets inline styles), nothing
/// from elsewhere, never framed.
const DOCS_CSP: &str =
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
/// Everything else that is not a page (JSON, text, XML, SVG): loads nothing, never framed.
const DATA_CSP: &str = "default-src 'none'; frame-ancestors 'none'; sandbox";

/// Headers every response carries: no MIME sniffing, no framing, no referrer to other sites, no
/// powerful browser features; a CSP for those whose handler set none (pages set their own).
async fn security_headers(req: Request, next: Next) -> Response {
    let docs = req.uri().path().starts_with("/api/docs");
    let mut r = next.run(req).await;
    let h = r.headers_mut();
    let csp = if docs { DOCS_CSP } else { DATA_CSP };
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, csp),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"),
    ] {
        if !h.contains_key(&name) {
            h.insert(name, axum::http::HeaderValue::from_static(value));
        }
    }
    r
}

/// Query-string and body size limits and the request timeout, answered in the API's error shape
/// on API paths and as a page elsewhere (a person's browser sent it).
async fn limits(State(s): AppStateRef, req: Request, next: Next) -> Response {
    let api = is_api_path(req.uri().path());
    let answer = |e: ApiError| if api { e.into_response() } else { crate::ui::error_page(e.status, &e.message) };
    let query = req.uri().query().map_or(0, str::len);
    if query > MAX_QUERY_BYTES {
        return answer(ApiError::other(
            StatusCode::URI_TOO_LONG,
            "query_too_long",
            format!("The address is too long: its query is {query} bytes; the limit is {MAX_QUERY_BYTES}."),
        ));
    }
    // Resume uploads may be larger than any other body.
    let limit = if crate::candidate::is_upload_path(req.uri().path()) { crate::candidate::MAX_UPLOAD_BYTES } else { MAX_BODY_BYTES };
    let too_large = move |size: String| {
        ApiError::other(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large", format!("The request body is {size} bytes; the limit is {limit}."))
    };
    let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if let Some(body) = declared.filter(|&b| b > limit) {
        return answer(too_large(body.to_string()));
    }
    let cheap = is_cheap_path(req.uri().path());
    let run = async move {
        // The body is read first, within the deadline and the limit, whatever its framing (a
        // chunked body declares no length; one that grows past the limit is refused as it
        // arrives) — and before waiting for a turn, so a client that sends slowly holds no turn.
        let (parts, body) = req.into_parts();
        let bytes = match axum::body::to_bytes(body, limit).await {
            Ok(b) => b,
            Err(e) if is_length_limit(&e) => return answer(too_large(format!("over {limit}"))),
            Err(e) => return answer(ApiError::other(StatusCode::BAD_REQUEST, "invalid_body", format!("The request body could not be read: {e}"))),
        };
        // Work on the store or the index waits for its turn (a bounded number at a time, so a
        // worker stays free for the cheap paths); after QUEUE_WAIT the answer is 503 + Retry-After.
        let _turn = if cheap {
            None
        } else {
            match tokio::time::timeout(QUEUE_WAIT, s.busy.acquire()).await {
                Ok(Ok(permit)) => Some(permit),
                _ => {
                    let mut r = answer(ApiError::other(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "busy",
                        "The server is busy with other requests; try again in a second.".to_string(),
                    ));
                    r.headers_mut().insert(header::RETRY_AFTER, axum::http::HeaderValue::from_static("1"));
                    return r;
                }
            }
        };
        next.run(Request::from_parts(parts, axum::body::Body::from(bytes))).await
    };
    match tokio::time::timeout(REQUEST_TIMEOUT, run).await {
        Ok(response) => response,
        Err(_) => answer(ApiError::other(StatusCode::REQUEST_TIMEOUT, "timeout", format!("The request took over {} s.", REQUEST_TIMEOUT.as_secs()))),
    }
}

/// Whether reading a body failed because it passed the length limit.
fn is_length_limit(e: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if err.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = err.source();
    }
    false
}

/// Paths that do no store or index work: never queued behind searches (`/healthz` reads two
/// counters, the rest is bundled).
fn is_cheap_path(path: &str) -> bool {
    path == "/healthz" || path.starts_with("/static/") || path.starts_with("/api/docs") || ["/favicon.ico", "/robots.txt", "/api/openapi.json"].contains(&path)
}

/// Paths answered in JSON (errors included); every other path is a page of the site.
fn is_api_path(path: &str) -> bool {
    path.starts_with("/api/") || path == "/healthz"
}

/// An unknown path: a JSON error under `/api/`, a page elsewhere.
async fn not_found(req: Request) -> Response {
    let path = req.uri().path();
    if is_api_path(path) {
        ApiError::not_found(format!("no route {path}; see /api/openapi.json")).into_response()
    } else {
        crate::ui::error_page(StatusCode::NOT_FOUND, &format!("There is no page {path}."))
    }
}

async fn method_not_allowed(req: Request) -> Response {
    let path = req.uri().path();
    // Every route takes GET but the estimate, which takes a body.
    let allowed = if path == "/api/v1/salary/estimate" { "POST with a JSON body" } else { "GET" };
    let message = format!("{} is not allowed on {path}; it takes {allowed}.", req.method());
    if is_api_path(path) {
        ApiError::other(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", message).into_response()
    } else {
        crate::ui::error_page(StatusCode::METHOD_NOT_ALLOWED, &message)
    }
}

/// A posting in full.
#[derive(Serialize, ToSchema)]
pub struct JobDetail {
    /// Posting id.
    id: String,
    /// The canonical posting of its near-duplicate group (itself when canonical).
    canonical_id: String,
    /// Other postings of its group.
    similar: Vec<String>,
    /// Other sources that carried the same posting.
    aliases: Vec<String>,
    /// The posting as ingested and cleaned.
    #[schema(value_type = Object)]
    posting: Value,
    /// Its enrichment: role, seniority, skills with offsets, salary, location, work mode, industry, areas, warnings.
    #[schema(value_type = Object)]
    enrichment: Value,
    /// schema.org JobPosting JSON-LD.
    #[schema(value_type = Object)]
    json_ld: Value,
    /// `open` or `closed`.
    status: &'static str,
    /// When mljobs first saw it (RFC 3339).
    first_seen: String,
    /// When an ingest or a fetch of its board last held it (RFC 3339).
    last_seen: String,
    /// When it closed (RFC 3339); absent while open.
    #[serde(skip_serializing_if = "Option::is_none")]
    closed_at: Option<String>,
    /// `gone` (no longer on its board) or `expired` (past its closing date); absent while open.
    #[serde(skip_serializing_if = "Option::is_none")]
    closed_reason: Option<String>,
    /// The source (board) whose fetches decide its status, when crawled.
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<String>,
}

/// Liveness.
#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok`; `index_behind` when the store has changes the search index has not caught up with
    /// (an ingest is running, or one died between a store and an index commit: the next ingest,
    /// reindex or restart catches up); `index_empty` (HTTP 503) when the store has postings and the
    /// index none — searches would answer nothing.
    status: &'static str,
    /// Postings in the store.
    postings: u64,
    /// Documents in the search index.
    indexed: u64,
    /// The store's revision (it grows with every change).
    store_revision: i64,
    /// The store revision the search index has caught up to.
    index_revision: i64,
    /// Answer cache: hits, misses, entries.
    cache: CacheStats,
}

/// Answer cache counters.
#[derive(Serialize, ToSchema)]
pub struct CacheStats {
    /// Answers served from memory.
    hits: u64,
    /// Answers computed.
    misses: u64,
    /// Answers held now.
    entries: usize,
    /// Their bytes.
    bytes: usize,
    /// Bytes of the search index's columns built per segment and field (facet columns, orderings,
    /// range indexes), kept while the index generation lasts.
    index_columns_bytes: usize,
    /// Bytes of per-word bitsets and score columns (bounded: shed when full).
    index_words_bytes: usize,
}

/// Search postings.
#[utoipa::path(get, path = "/api/v1/jobs", params(SearchParams), responses(
    (status = 200, description = "A page of results (header `x-cache: hit` when answered from memory)", body = JobsResponse),
    (status = 400, description = "A parameter is unknown or its value invalid (named in the error)", body = ErrorBody),
))]
async fn jobs(State(s): AppStateRef, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    cached(&s, "jobs", q.as_deref(), || search_jobs(&s, q.as_deref()))
}

/// Answers from the cache, or computes, serialises and remembers the answer. `x-cache` says which.
fn cached<T: Serialize>(s: &AppState, route: &str, q: Option<&str>, compute: impl FnOnce() -> Result<T, ApiError>) -> Result<Response, ApiError> {
    let key = format!("{route}?{}", q.unwrap_or(""));
    let generation = s.index.generation();
    let (bytes, hit) = match s.cache.get(&key, generation) {
        Some(b) => (b, "hit"),
        None => {
            let body = serde_json::to_vec(&compute()?).map_err(|e| ApiError::internal(&e))?;
            let b = axum::body::Bytes::from(body);
            s.cache.put(&key, generation, b.clone());
            (b, "miss")
        }
    };
    Ok(([(header::CONTENT_TYPE, "application/json"), (header::HeaderName::from_static("x-cache"), hit)], bytes).into_response())
}

/// One posting with its enrichment, near-duplicates and schema.org JSON-LD.
#[utoipa::path(get, path = "/api/v1/jobs/{id}", params(("id" = String, Path, description = "Posting id (16 hex digits)")), responses(
    (status = 200, description = "The posting", body = JobDetail),
    (status = 400, description = "Not a posting id", body = ErrorBody),
    (status = 404, description = "No such posting", body = ErrorBody),
))]
async fn job(State(s): AppStateRef, Path(id): Path<String>) -> Result<Json<JobDetail>, ApiError> {
    let pid = PostingId::parse(&id).ok_or_else(|| ApiError::invalid("id", &id, "a posting id of 16 hex digits"))?;
    let stored = s.store().get(&pid)?.ok_or_else(|| ApiError::not_found(format!("no posting with id {id}")))?;
    let json_ld = crate::html::json_ld(&stored.posting, &stored.enrichment, &s.taxonomy);
    Ok(Json(JobDetail {
        id: pid.to_string(),
        canonical_id: stored.canonical_id.clone(),
        similar: stored.similar.clone(),
        aliases: stored.aliases.clone(),
        posting: serde_json::to_value(&stored.posting).map_err(|e| ApiError::internal(&e))?,
        enrichment: serde_json::to_value(&stored.enrichment).map_err(|e| ApiError::internal(&e))?,
        json_ld,
        status: if stored.lifecycle.closed_at.is_some() { "closed" } else { "open" },
        first_seen: stored.lifecycle.first_seen.clone(),
        last_seen: stored.lifecycle.last_seen.clone(),
        closed_at: stored.lifecycle.closed_at.clone(),
        closed_reason: stored.lifecycle.closed_reason.clone(),
        source: stored.lifecycle.source.clone(),
    }))
}

/// Parameters of `/api/v1/trends` besides the search's.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documents the parameters for OpenAPI; parsing is by hand
struct TrendParams {
    /// The facet to break down by: role, seniority, skill (default), industry, country, region,
    /// city, work_mode, employment_type, area, company (the top hiring employers) or degree (the
    /// lowest degree asked).
    by: Option<String>,
    /// `month` (default) or `week`.
    interval: Option<String>,
    /// First day counted, YYYY-MM-DD (default: 12 months or 26 weeks back).
    since: Option<String>,
    /// Periods per growth window: the last N against the N before (default 3).
    window: Option<usize>,
    /// Postings a value needs in each window before its growth is reported (default 20).
    min_support: Option<u64>,
    /// Values listed, most postings first (default 15, at most 500).
    top: Option<usize>,
    /// `true`: also the posted-pay trend — median stated pay (annual USD) per period, in all and
    /// per listed value, where at least 10 postings state pay.
    pay: Option<bool>,
}

/// The market over time: postings per week or month of a search (same parameters as
/// `/api/v1/jobs`, paging and sorting ignored), in all and per value of one facet, each value's
/// share of the period, the growth of its share between the last `window` periods and the
/// `window` before (only with `min_support` postings in both) and the values growing fastest.
/// A posting counts in the period of its date posted, else of the day it was first seen.
#[utoipa::path(get, path = "/api/v1/trends", params(TrendParams, SearchParams), responses(
    (status = 200, description = "Counts, shares and growth per period (the schema of `mljobs trends --json`)", body = Object),
    (status = 400, description = "A parameter is unknown or its value invalid", body = ErrorBody),
))]
async fn trends(State(s): AppStateRef, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    cached(&s, "trends", q.as_deref(), || {
        use mljobs_core::trends::{self, Interval, ReportOptions};
        let (mut by, mut interval, mut since, mut window, mut min_support, mut top, mut pay) =
            ("skill".to_string(), Interval::Month, None, 3usize, 20u64, 15usize, false);
        let search = crate::params::parse_with_own(q.as_deref(), &s.taxonomy, |k, v| {
            let bad = |expected: &str| ApiError::invalid(k, v, expected);
            match k {
                "by" if mljobs_core::taxonomy::FILTERS.contains(&v) => by = v.to_string(),
                "by" => return Err(bad(&format!("one of {}", mljobs_core::taxonomy::FILTERS.join(", ")))),
                "interval" => interval = Interval::parse(v).ok_or_else(|| bad("week or month"))?,
                "since" => since = Some(v.parse::<chrono::NaiveDate>().map_err(|_| bad("a date, YYYY-MM-DD"))?),
                "window" => window = v.parse().ok().filter(|w| (1..=52).contains(w)).ok_or_else(|| bad("a number of periods, 1 to 52"))?,
                "min_support" => min_support = v.parse().map_err(|_| bad("a number of postings"))?,
                "top" => top = v.parse().ok().filter(|t| (1..=500).contains(t)).ok_or_else(|| bad("1 to 500"))?,
                "pay" => pay = crate::params::boolean(k, v)?,
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        let today = chrono::Utc::now().date_naive();
        let since = since.unwrap_or_else(|| trends::default_since(interval, today));
        if since > today {
            return Err(ApiError::invalid("since", &since.to_string(), "a day not after today"));
        }
        let periods = trends::periods(interval, since, today);
        if periods.len() > 520 {
            return Err(ApiError::invalid("since", &since.to_string(), "at most 520 periods back"));
        }
        let spans: Vec<_> = periods.iter().map(|p| (p.start, p.end)).collect();
        let trend = if pay {
            s.index.trends_with_pay(&search.request, &by, &spans, Some(&s.synonyms))?
        } else {
            s.index.trends(&search.request, &by, &spans, Some(&s.synonyms))?
        };
        let report = trends::report(&by, interval, &periods, trend.totals, &trend.series, &s.taxonomy, ReportOptions { window, min_support, top, today });
        Ok(if pay { trends::with_pay(report, &trend.pay_all, &trend.pay, 10) } else { report })
    })
}

/// Skills that go together: "jobs that ask for X also ask for …", ranked by **lift** — how much
/// more often a skill comes with X than in all postings of the search — among skills found with X
/// in at least `min_support` postings (default 10). The search parameters of `/api/v1/jobs` narrow
/// the postings (paging ignored); `top` (default 20, at most 200) limits the list.
#[utoipa::path(get, path = "/api/v1/skills/{id}/related", params(("id" = String, Path, description = "Skill id or name (GET /api/v1/taxonomy/skills)"), SearchParams), responses(
    (status = 200, description = "The skill, its postings and the related skills by lift", body = Object),
    (status = 400, description = "A parameter is unknown or its value invalid", body = ErrorBody),
    (status = 404, description = "No such skill", body = ErrorBody),
))]
async fn related_skills(State(s): AppStateRef, Path(id): Path<String>, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let Some((skill, name)) = mljobs_core::profile::find_skill(&s.taxonomy, &id) else {
        return Err(ApiError::not_found(format!("no skill {id:?}; the ids: /api/v1/taxonomy/skills")));
    };
    cached(&s, &format!("related:{skill}"), q.as_deref(), || {
        let (mut min_support, mut top) = (10u64, 20usize);
        let search = crate::params::parse_with_own(q.as_deref(), &s.taxonomy, |k, v| {
            match k {
                "min_support" => min_support = v.parse().map_err(|_| ApiError::invalid(k, v, "a number of postings"))?,
                "top" => top = v.parse().ok().filter(|t| (1..=200).contains(t)).ok_or_else(|| ApiError::invalid(k, v, "1 to 200"))?,
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        let c = s.index.co_occurrence(&search.request, "skill", &skill, Some(&s.synonyms))?;
        let counts = mljobs_core::trends::CoCounts { n: c.n, all: &c.all, n_with: c.n_with, with: &c.with };
        let related = mljobs_core::trends::related(&skill, counts, min_support, top, |v| s.taxonomy.facet_label("skill", v));
        Ok(serde_json::json!({
            "skill": skill,
            "name": name,
            "postings": c.n_with,
            "of": c.n,
            "share": mljobs_core::trends::share(c.n_with, c.n),
            "min_support": min_support,
            "related": related,
        }))
    })
}

/// Facet counts for a search (same parameters as `/api/v1/jobs`; paging ignored).
#[utoipa::path(get, path = "/api/v1/facets", params(SearchParams), responses(
    (status = 200, description = "Counts per facet value", body = FacetsResponse),
    (status = 400, description = "A parameter is unknown or its value invalid", body = ErrorBody),
))]
async fn facets(State(s): AppStateRef, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    cached(&s, "facets", q.as_deref(), || {
        let mut search = parse_search(q.as_deref(), &s.taxonomy, true)?;
        search.request.facets = true;
        search.request.offset = 0;
        search.request.limit = 1;
        let results = s.index.search(&search.request, Some(&s.synonyms))?;
        Ok(FacetsResponse { total: results.total, facets: facet_counts(results.facets) })
    })
}

/// The taxonomy: `roles`, `levels`, `skills`, `industries`, `areas` or `countries`.
#[utoipa::path(get, path = "/api/v1/taxonomy/{kind}", params(("kind" = String, Path, description = "roles, levels, skills, industries, areas or countries")), responses(
    (status = 200, description = "The entries", body = Vec<Object>),
    (status = 404, description = "No such kind", body = ErrorBody),
))]
async fn taxonomy(State(s): AppStateRef, Path(kind): Path<String>) -> Result<Json<Value>, ApiError> {
    let t = &s.taxonomy;
    let v = match kind.as_str() {
        "roles" => serde_json::to_value(&t.roles),
        "levels" => serde_json::to_value(&t.levels),
        "skills" => serde_json::to_value(&t.skills),
        "industries" => serde_json::to_value(&t.industries),
        "areas" => serde_json::to_value(&t.areas),
        "countries" => serde_json::to_value(&t.countries),
        _ => return Err(ApiError::not_found(format!("no taxonomy {kind:?}; kinds are roles, levels, skills, industries, areas, countries"))),
    };
    v.map(Json).map_err(|e| ApiError::internal(&e))
}

/// The crawled sources (public job boards): each one's health (last attempt and success, HTTP
/// status, error, failures in a row, next due) and its open and closed postings, failing ones
/// first; the latest runs and failed attempts.
#[utoipa::path(get, path = "/api/v1/sources", params(crate::sources::SourcesParams), responses(
    (status = 200, description = "Sources and crawl activity", body = crate::sources::SourcesResponse),
    (status = 400, description = "A parameter is unknown or its value invalid", body = ErrorBody),
))]
async fn sources(State(s): AppStateRef, RawQuery(q): RawQuery) -> Result<Json<crate::sources::SourcesResponse>, ApiError> {
    crate::sources::sources_overview(&s, q.as_deref()).map(Json)
}

/// Counts of the stored postings by role, seniority, skill, industry, country, work mode and area.
#[utoipa::path(get, path = "/api/v1/stats", responses((status = 200, description = "Counts", body = Object)))]
async fn stats(State(s): AppStateRef) -> Result<Response, ApiError> {
    // The same for every caller until the next commit: computed once per index generation.
    let (bytes, freshness) = s
        .cache
        .shared("stats", s.index.generation(), || serde_json::to_vec(&s.index.stats(50)?).map(axum::body::Bytes::from).map_err(|e| ApiError::internal(&e)))?;
    Ok(([(header::CONTENT_TYPE, "application/json"), (header::HeaderName::from_static("x-cache"), freshness.header())], bytes).into_response())
}

/// Salary distribution of one group.
#[derive(Serialize, ToSchema)]
pub struct SalaryGroup {
    /// Group value (role id, level EN/MI/SE/EX, ISO country, company size S/M/L, year).
    key: String,
    /// Salaries.
    count: usize,
    /// Annual USD, 10th percentile.
    p10: f64,
    /// 25th percentile.
    p25: f64,
    /// Median.
    median: f64,
    /// 75th percentile.
    p75: f64,
    /// 90th percentile.
    p90: f64,
}

/// Salary distributions.
#[derive(Serialize, ToSchema)]
pub struct SalaryStats {
    /// What the groups are.
    by: String,
    /// Where the salaries come from.
    source: &'static str,
    /// Salaries in the source.
    salaries: usize,
    /// Groups, largest first.
    groups: Vec<SalaryGroup>,
}

/// Annual USD salary distributions (count, P10, P25, median, P75, P90) in the bundled AI/ML salary
/// survey, grouped by `role` (from the job title), `level`, `country` (of the company),
/// `company_size` or `year`.
#[utoipa::path(get, path = "/api/v1/salary/stats", params(
    ("by" = Option<String>, Query, description = "role, level (default), country, company_size or year (the bundled survey), or industry (postings in the store that state a salary range)"),
    ("min_count" = Option<usize>, Query, description = "leave out groups with fewer salaries (default 30)"),
), responses(
    (status = 200, description = "Distributions", body = SalaryStats),
    (status = 400, description = "Unknown parameter or value", body = ErrorBody),
))]
async fn salary_stats(State(s): AppStateRef, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    cached(&s, "salary_stats", q.as_deref(), || {
        let (mut by, mut min_count) = ("level".to_string(), 30usize);
        for (k, v) in url::form_urlencoded::parse(q.as_deref().unwrap_or("").as_bytes()) {
            match k.as_ref() {
                "by" => by = v.into_owned(),
                "min_count" => min_count = v.parse().map_err(|_| ApiError::invalid("min_count", &v, "a whole number"))?,
                other => return Err(ApiError::unknown_parameter(other, Some(&v), "by, min_count")),
            }
        }
        let (stats, source, salaries) = if by == "industry" {
            // The survey has no industry: postings in the store that state a salary range do.
            let (stats, n) = mljobs_core::salary_model::by_industry(s.store().industry_salaries()?, min_count);
            (stats, mljobs_core::salary_model::POSTINGS_SOURCE, n)
        } else {
            let group =
                mljobs_core::survey::GroupBy::parse(&by).ok_or_else(|| ApiError::invalid("by", &by, "role, level, country, company_size, industry or year"))?;
            let rows = s.survey();
            (mljobs_core::survey::stats_by(rows, group, min_count, &s.taxonomy), mljobs_core::salary_model::SURVEY_SOURCE, rows.len())
        };
        let groups =
            stats.into_iter().map(|(key, d)| SalaryGroup { key, count: d.count, p10: d.p10, p25: d.p25, median: d.median, p75: d.p75, p90: d.p90 }).collect();
        Ok(SalaryStats { by, source, salaries, groups })
    })
}

/// What a salary estimate is asked for. Only `title` and `country` are required; codes or names.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Senior ML Engineer", "country": "US", "years": 6, "industry": "finance", "company_size": "M", "remote": true, "skills": ["pytorch", "aws"]}))]
struct EstimateRequest {
    /// Job title.
    title: String,
    /// Company's country: ISO 3166 code or English name.
    country: String,
    /// EN, MI, SE, EX, or a level name (junior, mid, senior, lead, principal, director, executive).
    level: Option<String>,
    /// Years of experience (sets the level when `level` is not given).
    years: Option<f64>,
    /// Industry id or name (GET /api/v1/taxonomy/industries).
    industry: Option<String>,
    /// S (< 50 employees), M (50-250) or L (> 250).
    company_size: Option<String>,
    /// Fully remote.
    remote: Option<bool>,
    /// onsite, hybrid or remote.
    work_mode: Option<String>,
    /// Employee's country when it is not the company's.
    residence: Option<String>,
    /// Skill ids or names (GET /api/v1/taxonomy/skills).
    #[serde(default)]
    skills: Vec<String>,
    /// FT, PT, CT or FL.
    employment_type: Option<String>,
}

const ESTIMATE_FIELDS: &str = "title, country, level, years, industry, company_size, remote, work_mode, residence, skills, employment_type";

/// A JSON request body read strictly: `Content-Type: application/json`, a JSON object, each field
/// of the right type. Every failure is the API's error naming the field (`parameter`) and what it
/// held (`value`), never the deserialiser's words about Rust types.
/// Reads an estimate body as the endpoint does (for `fuzzing`).
pub(crate) fn fuzz_estimate_body(body: &[u8]) {
    let mut headers = axum::http::HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, axum::http::HeaderValue::from_static("application/json"));
    let _ = json_body::<EstimateRequest>(&headers, body, ESTIMATE_FIELDS);
}

pub(crate) fn json_body<T: serde::de::DeserializeOwned>(headers: &axum::http::HeaderMap, body: &[u8], fields: &str) -> Result<T, ApiError> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"));
    if !json {
        return Err(ApiError::other(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "send the body as JSON with Content-Type: application/json"));
    }
    let bad_body = |why: String| ApiError::other(StatusCode::BAD_REQUEST, "invalid_body", why);
    let value: Value = serde_json::from_slice(body).map_err(|e| bad_body(format!("the body is not valid JSON: {e}")))?;
    if !value.is_object() {
        return Err(bad_body(format!("the body must be a JSON object with the fields {fields}")));
    }
    serde_path_to_error::deserialize(value.clone()).map_err(|e| {
        let inner = e.inner().to_string();
        if let Some((field, _)) = inner.strip_prefix("unknown field `").and_then(|m| m.split_once('`')) {
            return ApiError::unknown_parameter(field, None, fields);
        }
        if let Some((field, _)) = inner.strip_prefix("missing field `").and_then(|m| m.split_once('`')) {
            return ApiError {
                status: StatusCode::BAD_REQUEST,
                code: "missing_parameter",
                message: format!("parameter `{field}` is required"),
                parameter: Some(field.to_string()),
                value: None,
            };
        }
        // The field's name is the first step of the path ("skills[2]" → skills).
        let path = e.path().to_string();
        let field = path.split(['.', '[']).next().unwrap_or("").to_string();
        let held = value.get(&field).map(|v| v.to_string());
        let expected = inner.split_once(", expected ").map_or(inner.as_str(), |(_, x)| x);
        let expected = match expected {
            "f64" | "f32" | "i64" | "u64" => "a number",
            "a boolean" | "bool" => "true or false",
            x => x,
        };
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code: "invalid_parameter",
            message: format!("parameter `{field}`: {} is not valid; expected {expected}", held.as_deref().unwrap_or("the value")),
            parameter: Some(field),
            value: held,
        }
    })
}

/// Estimates what a job pays in annual USD: median and P10-P90, each factor's contribution
/// (experience, location, industry, specialisation, company size; tree SHAP), the defaults assumed
/// for what was not given, caveats where the data are thin, and the comparable salaries the
/// estimate rests on. A body field the endpoint does not know, or an unknown country, level,
/// industry, company size or skill, is a 400 naming the field and its value.
#[utoipa::path(post, path = "/api/v1/salary/estimate", request_body = EstimateRequest, responses(
    (status = 200, description = "The estimate with `p10`, `p50`, `p90`, `baseline`, `contributions`, `assumed`, `caveats`, `support`, `comparables` and the `model` it came from", body = Object),
    (status = 400, description = "Bad body (`invalid_body`), a missing field (`missing_parameter`), a field of the wrong type or an unknown value (`invalid_parameter`), an unknown field (`unknown_parameter`)", body = ErrorBody),
    (status = 415, description = "The body is not sent as `Content-Type: application/json`", body = ErrorBody),
))]
async fn salary_estimate(State(s): AppStateRef, headers: axum::http::HeaderMap, body: axum::body::Bytes) -> Result<Json<Value>, ApiError> {
    let r: EstimateRequest = json_body(&headers, &body, ESTIMATE_FIELDS)?;
    let input = mljobs_core::salary_model::EstimateInput {
        title: r.title,
        country: r.country,
        level: r.level,
        years: r.years,
        industry: r.industry,
        company_size: r.company_size,
        remote: r.remote,
        work_mode: r.work_mode,
        residence: r.residence,
        skills: r.skills,
        employment_type: r.employment_type,
    };
    let profile = input.resolve(&s.taxonomy).map_err(|e| ApiError {
        status: StatusCode::BAD_REQUEST,
        code: "invalid_parameter",
        message: e.to_string(),
        parameter: Some(e.field.to_string()),
        value: Some(e.value.clone()),
    })?;
    let estimate = s.salary.explain(&profile, &s.taxonomy);
    Ok(Json(serde_json::json!({"estimate": estimate, "model": s.salary.info})))
}

/// Liveness: the store and the index answer.
#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "Serving (`status` ok, or index_behind while the index catches up)", body = Health), (status = 503, description = "The store has postings and the search index none (`status` index_empty)", body = Health)))]
async fn healthz(State(s): AppStateRef) -> Result<Response, ApiError> {
    let store = s.store();
    let (postings, store_revision) = (store.count()?, store.revision()?);
    let index_revision = s.index.indexed_revision().map_err(|e| ApiError::internal(&e))?;
    let indexed = s.index.len();
    let (hits, misses, entries, bytes) = s.cache.stats();
    let (index_columns_bytes, index_words_bytes) = s.index.cache_bytes();
    let (status, code) = if postings > 0 && indexed == 0 {
        ("index_empty", StatusCode::SERVICE_UNAVAILABLE)
    } else if index_revision < store_revision {
        ("index_behind", StatusCode::OK)
    } else {
        ("ok", StatusCode::OK)
    };
    let health = Health {
        status,
        postings,
        indexed,
        store_revision,
        index_revision,
        cache: CacheStats { hits, misses, entries, bytes, index_columns_bytes, index_words_bytes },
    };
    Ok((code, Json(health)).into_response())
}
