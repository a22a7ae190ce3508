//! mljobs-web: the JSON API over the store and the search index (axum), its OpenAPI 3.1 document
//! (utoipa) and an API explorer (Swagger UI, vendored: nothing is downloaded).
//!
//! The server reads; it never writes postings (ingest does). At start it loads the salary model from
//! the data directory, training and saving it first when there is none. It opens the search index with a
//! reader that follows the index's commits, so postings ingested while it runs become searchable.
//!
//! | route | what |
//! |---|---|
//! | `GET /api/v1/jobs` | search: text, facet filters, salary, date, sort, pages; optional facets and snippets |
//! | `GET /api/v1/jobs/{id}` | one posting with its enrichment, near-duplicates and schema.org JSON-LD |
//! | `GET /api/v1/facets` | facet counts for a search (disjunctive) |
//! | `GET /api/v1/taxonomy/{kind}` | roles, levels, skills, industries, areas, countries |
//! | `GET /api/v1/salary/stats` | salary distributions (count, P10-P90) of the bundled survey by role, level, country, company size or year; by industry from the store's postings that state a salary |
//! | `POST /api/v1/salary/estimate` | median and P10-P90 for a title, country, level/years, industry, company size, work mode, skills; factor contributions, assumptions, caveats, comparables |
//! | `GET /api/v1/stats` | counts by role, seniority, skill, industry, country, work mode, area |
//! | `POST /api/v1/profile` | a resume (multipart upload — PDF, DOCX, text, Markdown, JSON Resume — or JSON text) → an editable profile; nothing stored |
//! | `POST /api/v1/match` | a profile → ranked postings with explanations, the skill gap and a learning path |
//! | `GET /healthz` | liveness and what is loaded |
//! | `GET /api/openapi.json`, `/api/docs/` | the OpenAPI document and its explorer |

mod api;
mod cache;
mod candidate;
mod error;
pub mod html;
pub mod mail;
mod params;
mod search;
mod sources;
pub mod ui;

/// Entry points for the fuzz targets in `fuzz/` (not an API).
#[doc(hidden)]
pub mod fuzzing {
    /// Parses a search query string as the API and the pages do (errors are answers, not crashes).
    pub fn search_query(q: &str, taxonomy: &mljobs_core::Taxonomy) {
        let _ = crate::params::parse_search(Some(q), taxonomy, true);
    }

    /// Parses a page's query string into its state and derives every link from it.
    pub fn url_state(q: &str) {
        crate::ui::fuzz_url_state(q);
    }

    /// Reads a salary-estimate request body.
    pub fn estimate_body(body: &[u8]) {
        crate::api::fuzz_estimate_body(body);
    }
}

use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use mljobs_core::Taxonomy;
use mljobs_store::{SearchIndex, Store, Synonyms};

pub use error::ApiError;

/// A search as `/jobs` and `GET /api/v1/jobs` read it from their query string (`q=pytorch&remote=true`),
/// with the same checks and messages: for saved searches (`mljobs alerts add`).
pub fn search_request(query: &str, taxonomy: &Taxonomy) -> Result<mljobs_store::SearchRequest, String> {
    params::parse_search(Some(query), taxonomy, false).map(|s| s.request).map_err(|e| e.message)
}

/// Longest query string accepted (bytes).
pub const MAX_QUERY_BYTES: usize = 4096;
/// Largest request body accepted, resume uploads aside (`candidate::MAX_UPLOAD_BYTES`).
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// A request taking longer is answered 408 (a search takes milliseconds).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// A request that waited this long for its turn is answered 503 with `Retry-After`.
pub const QUEUE_WAIT: Duration = Duration::from_secs(2);

/// What handlers share: the index, a few store connections, the taxonomy.
pub struct AppState {
    index: SearchIndex,
    stores: Vec<Mutex<Store>>,
    next: AtomicUsize,
    taxonomy: Taxonomy,
    synonyms: Synonyms,
    cache: cache::ResponseCache,
    survey: std::sync::OnceLock<Vec<mljobs_core::survey::SurveyRow>>,
    salary: mljobs_core::salary_model::SalaryModel,
    figures: std::sync::OnceLock<ui::SurveyFigures>,
    /// Salary distributions by industry of the stored postings, with the index generation they were computed for.
    by_industry: cache::PerGeneration<ui::Distributions>,
    /// Requests that do store or index work run at most this many at a time (`api::limits`).
    busy: std::sync::Arc<tokio::sync::Semaphore>,
    /// The data directory, for the rare write a visitor asks for (unsubscribing from an alert);
    /// none for a state built over an index and store given in code.
    data_dir: Option<std::path::PathBuf>,
    /// The SMTP server for the site's confirmation emails (`MLJOBS_SMTP_URL`); without it the
    /// site offers no email alerts.
    mailer: Option<mail::Mailer>,
}

/// Search answers kept in memory by default (see [`AppState::with_cache`]).
pub const DEFAULT_CACHE_ENTRIES: usize = 10_000;

impl AppState {
    /// State over an opened index, a salary model and `connections` store connections made by
    /// `open_store`.
    pub fn new(
        index: SearchIndex,
        taxonomy: Taxonomy,
        salary: mljobs_core::salary_model::SalaryModel,
        connections: usize,
        mut open_store: impl FnMut() -> Result<Store, mljobs_store::StoreError>,
    ) -> Result<AppState, mljobs_store::StoreError> {
        let stores = (0..connections.max(1)).map(|_| open_store().map(Mutex::new)).collect::<Result<Vec<_>, _>>()?;
        let synonyms = Synonyms::new(&taxonomy);
        // The model's lookups are built now, not by the first visitor's job page.
        salary.build_lookups();
        Ok(AppState {
            index,
            stores,
            next: AtomicUsize::new(0),
            taxonomy,
            synonyms,
            cache: cache::ResponseCache::new(DEFAULT_CACHE_ENTRIES),
            survey: std::sync::OnceLock::new(),
            salary,
            figures: std::sync::OnceLock::new(),
            by_industry: cache::PerGeneration::default(),
            busy: std::sync::Arc::new(tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))),
            data_dir: None,
            mailer: mail::Mailer::from_env(),
        })
    }

    /// Where the store lives, for the writes a visitor may ask for (unsubscribing).
    pub fn with_data_dir(mut self, dir: &Path) -> AppState {
        self.data_dir = Some(dir.to_path_buf());
        self
    }

    /// Runs at most `n` requests that do store or index work at a time. Handlers do that work on
    /// the async worker that runs them, so the runtime needs more workers than this (the CLI runs
    /// one more): a worker then stays free for `/healthz` and static files, and a request waits
    /// for its turn without blocking anything — or, after [`QUEUE_WAIT`], is answered 503 with
    /// `Retry-After` instead of the server collapsing.
    pub fn with_concurrency(mut self, n: usize) -> AppState {
        self.busy = std::sync::Arc::new(tokio::sync::Semaphore::new(n.max(1)));
        self
    }

    /// The turns of [`AppState::with_concurrency`], for tests that hold them all.
    #[doc(hidden)]
    pub fn turns(&self) -> std::sync::Arc<tokio::sync::Semaphore> {
        self.busy.clone()
    }

    /// Keeps up to `entries` search answers in memory for the current index generation (0: none).
    pub fn with_cache(mut self, entries: usize) -> AppState {
        self.cache = cache::ResponseCache::new(entries);
        self
    }

    /// State over a data directory (store + index), one store connection per core plus one.
    pub fn open(data_dir: &Path, taxonomy: Taxonomy) -> Result<AppState, Box<dyn std::error::Error + Send + Sync>> {
        let index = SearchIndex::open_following(&data_dir.join("index"))?;
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let (model, trained) = mljobs_store::salary::load_or_train(data_dir, &taxonomy, chrono::Utc::now())?;
        if let Some(why) = trained {
            tracing::info!("{why}: trained a salary model on {} salaries in {:.2} s", model.info.survey_rows + model.info.posting_rows, model.info.fit_seconds);
        }
        Ok(AppState::new(index, taxonomy, model, cores + 1, || Store::open_reader(data_dir))?.with_data_dir(data_dir))
    }

    /// The bundled salary survey, read on first use.
    fn survey(&self) -> &[mljobs_core::survey::SurveyRow] {
        self.survey.get_or_init(|| mljobs_core::survey::parse(mljobs_core::survey::EMBEDDED, "survey").unwrap_or_default())
    }

    /// The survey figures the pages show, computed on first use.
    fn figures(&self) -> &ui::SurveyFigures {
        self.figures.get_or_init(|| ui::SurveyFigures::new(self.survey(), self.salary.info.estimate_year, &self.taxonomy))
    }

    /// A store connection: the next free one, else wait for the next in turn. SQLite connections
    /// are not shared between threads; WAL lets them read while an ingest writes.
    fn store(&self) -> MutexGuard<'_, Store> {
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        for i in 0..self.stores.len() {
            if let Ok(guard) = self.stores[(start + i) % self.stores.len()].try_lock() {
                return guard;
            }
        }
        self.stores[start % self.stores.len()].lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The application: API routes, OpenAPI document and explorer, with limits, timeouts, tracing.
pub fn router(state: AppState) -> Router {
    api::router(std::sync::Arc::new(state))
}

/// Serves `router` on `addr` until Ctrl-C or SIGTERM, then finishes the requests in flight.
/// `ready` is called with the bound address (port 0 picks a free one).
pub async fn serve(addr: SocketAddr, app: Router, ready: impl FnOnce(SocketAddr)) -> std::io::Result<()> {
    serve_until(addr, app, ServeOptions::default(), ready, shutdown_signal()).await
}

/// How the server treats connections.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// A client must send a request's headers within this after connecting or after the previous
    /// answer on a kept-alive connection; a silent or half-sent connection is closed then.
    pub header_read_timeout: Duration,
    /// Open connections at most (`None`: the open-file limit, raised to its hard limit at start,
    /// less a reserve for the store and the index). Further clients wait in the listen backlog:
    /// they cannot exhaust the process's file descriptors.
    pub max_connections: Option<usize>,
}

impl Default for ServeOptions {
    fn default() -> ServeOptions {
        ServeOptions { header_read_timeout: Duration::from_secs(10), max_connections: None }
    }
}

/// File descriptors kept for the store, the index's segment files and logs.
const FD_RESERVE: u64 = 256;

/// The connection cap when none is given: the open-file limit raised as far as allowed (like Go's
/// runtime does), less [`FD_RESERVE`].
fn default_max_connections() -> usize {
    let limit = rlimit::increase_nofile_limit(1 << 20).unwrap_or(1024);
    limit.saturating_sub(FD_RESERVE).max(64) as usize
}

/// Serves until `stop` resolves, then finishes the requests in flight (for up to 10 s).
///
/// HTTP/1.1 through hyper with a header-read timeout (which also closes idle keep-alive
/// connections) and a cap on open connections; request deadlines, body limits and load shedding
/// are the router's (`api::limits`).
pub async fn serve_until(
    addr: SocketAddr,
    app: Router,
    options: ServeOptions,
    ready: impl FnOnce(SocketAddr),
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let max = options.max_connections.unwrap_or_else(default_max_connections);
    tracing::info!("at most {max} open connections; headers within {} s", options.header_read_timeout.as_secs_f64());
    ready(listener.local_addr()?);
    let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(max));
    let warmer = tokio::spawn(warm_on_every_commit(app.clone()));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut stop = std::pin::pin!(stop);
    loop {
        let slot = tokio::select! {
            s = slots.clone().acquire_owned() => s.expect("the semaphore is never closed"),
            () = &mut stop => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors or a connection reset before accept: wait, go on.
                    tracing::warn!("accept: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(options.header_read_timeout)
            .serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _ = conn.await;
            drop(slot);
        });
    }
    drop(listener);
    warmer.abort();
    tokio::select! {
        () = graceful.shutdown() => {},
        () = tokio::time::sleep(Duration::from_secs(10)) => tracing::warn!("requests still running after 10 s; stopping anyway"),
    }
    Ok(())
}

/// The pages and answers whose first rendering after an index commit reads every posting (market
/// figures, the salary distributions of stored postings): rendered again, off the request path,
/// whenever the index changes, so visitors find them in the answer cache.
const WARM_PATHS: [&str; 5] = ["/", "/skills", "/roles", "/salaries", "/api/v1/stats"];

/// Watches the index's revision (through `/healthz`, once a second) and, when it changes, renders
/// [`WARM_PATHS`] through the router — they take their turns like any request.
async fn warm_on_every_commit(app: Router) {
    use tower::ServiceExt;
    let get = |path: &'static str| axum::http::Request::builder().uri(path).body(axum::body::Body::empty()).expect("static request");
    let mut seen: Option<i64> = None;
    loop {
        let revision = match app.clone().oneshot(get("/healthz")).await {
            Ok(r) => match http_body_util::BodyExt::collect(r.into_body()).await {
                Ok(body) => serde_json::from_slice::<serde_json::Value>(&body.to_bytes()).ok().and_then(|v| v["index_revision"].as_i64()),
                Err(_) => None,
            },
            Err(_) => None,
        };
        if revision.is_some() && revision != seen {
            let started = std::time::Instant::now();
            for path in WARM_PATHS {
                let _ = app.clone().oneshot(get(path)).await;
            }
            tracing::info!("index revision {revision:?}: rendered {} pages ahead in {:.2} s", WARM_PATHS.len(), started.elapsed().as_secs_f64());
            seen = revision;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// Resolves on Ctrl-C or (on Unix) SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// The OpenAPI document (also served at `/api/openapi.json`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    api::openapi()
}
