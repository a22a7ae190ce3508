//! The app in process (a router over a temporary data directory built from fixture files), shared
//! by the API and page tests.

use axum::Router;
use chrono::{DateTime, Utc};
use mljobs_core::ingest::{self, DecodeOptions};
use mljobs_core::{JobPosting, Taxonomy, enrich};
use mljobs_store::{SearchIndex, Store};

/// The fixture files every test app holds (under `testdata/`).
pub const FIXTURES: [&str; 8] = [
    "formats/postings.csv",
    "formats/postings.jsonl",
    "formats/jobposting.html",
    "formats/greenhouse.json",
    "formats/lever.json",
    "formats/ashby.json",
    "formats/reposts.jsonl",
    "skillspan/dev-postings.jsonl",
];

pub struct TestApp {
    pub router: Router,
    /// The app's turns for store/index work (`AppState::turns`).
    #[allow(dead_code)]
    pub turns: std::sync::Arc<tokio::sync::Semaphore>,
    _dir: tempfile::TempDir,
}

impl TestApp {
    /// The app's data directory.
    #[allow(dead_code)]
    pub fn data_dir(&self) -> &std::path::Path {
        self._dir.path()
    }
}

/// How far the search index is behind the store in a test app.
#[allow(dead_code)]
pub enum IndexState {
    /// Caught up.
    Synced,
    /// Caught up, then the store changed (an ingest that has not committed the index yet).
    Behind,
    /// Never indexed.
    Empty,
}

/// A data directory with these fixtures (paths under `testdata/`) ingested and indexed, and the router over it.
pub fn build(files: &[&str]) -> TestApp {
    build_in(files, IndexState::Synced)
}

/// As [`build`], with the index in the given state.
pub fn build_in(files: &[&str], state: IndexState) -> TestApp {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata");
    let now: DateTime<Utc> = DateTime::from_timestamp(1_780_000_000, 0).unwrap();
    let taxonomy = Taxonomy::embedded();
    let options = DecodeOptions::default();
    let mut postings = Vec::new();
    for name in files {
        let path = root.join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        for raw in ingest::decode_text(&text, &path.display().to_string(), &options).into_iter().flatten() {
            if let Ok(p) = JobPosting::from_raw(raw, now) {
                let e = enrich(&p, &taxonomy);
                postings.push((p, e));
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let run = store.begin_run(&[], now).unwrap();
    store.write_batch(run, &postings, &[], "t", now).unwrap();
    let index = SearchIndex::open(&dir.path().join("index")).unwrap();
    match state {
        IndexState::Empty => {}
        IndexState::Synced => {
            mljobs_store::sync(&store, &index).unwrap();
        }
        IndexState::Behind => {
            mljobs_store::sync(&store, &index).unwrap();
            let (mut p, e) = postings.swap_remove(0);
            p.title.push_str(" (updated)");
            store.write_batch(run, &[(p, e)], &[], "t", now).unwrap();
        }
    }
    drop(index);
    let state = mljobs_web::AppState::open(dir.path(), taxonomy).unwrap();
    let turns = state.turns();
    TestApp { router: mljobs_web::router(state), turns, _dir: dir }
}

/// An app over a crawled board's life: the Greenhouse fixture first seen 60 days ago with its last
/// job since gone from the board (closed), and the Lever fixture first seen today (new). Returns
/// the app, the closed job's id and a new job's id.
#[allow(dead_code)]
pub fn build_lifecycle() -> (TestApp, String, String) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata");
    let taxonomy = Taxonomy::embedded();
    let today = Utc::now();
    let then = today - chrono::Duration::days(60);
    let read = |name: &str, at: DateTime<Utc>| -> Vec<(JobPosting, mljobs_core::Enrichment)> {
        let path = root.join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        ingest::decode_text(&text, &path.display().to_string(), &DecodeOptions::default())
            .into_iter()
            .flatten()
            .filter_map(|raw| JobPosting::from_raw(raw, at).ok())
            .map(|mut p| {
                p.valid_through = None;
                let e = enrich(&p, &taxonomy);
                (p, e)
            })
            .collect()
    };
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let board = read("formats/greenhouse.json", then);
    let run = store.begin_run(&[], then).unwrap();
    store.write_batch(run, &board, &[], "t", then).unwrap();
    let ids: Vec<String> = board.iter().map(|(p, _)| p.id.to_string()).collect();
    store.apply_board("greenhouse:otterstream", &ids, true, then).unwrap();
    let closed = ids.last().unwrap().clone();
    store.apply_board("greenhouse:otterstream", &ids[..ids.len() - 1], true, today - chrono::Duration::days(2)).unwrap();
    // The board's source, crawled fine, and a gone board failing three times in a row.
    let boards: Vec<mljobs_core::sources::ListedBoard> = [("greenhouse:otterstream", "Otterstream"), ("lever:vanished", "Vanished Inc")]
        .iter()
        .map(|(spec, name)| mljobs_core::sources::ListedBoard { spec: spec.parse().unwrap(), name: Some(name.to_string()) })
        .collect();
    store.add_sources(&boards, then).unwrap();
    let attempt = |spec: &str, outcome, status: u16, error: Option<&str>| mljobs_store::CrawlAttempt {
        spec: spec.into(),
        started_at: today,
        finished_at: today,
        outcome,
        http_status: Some(status),
        postings_seen: None,
        error: error.map(str::to_string),
        etag: None,
        last_modified: None,
        content_hash: None,
        next_due_at: Some(today + chrono::Duration::hours(6)),
    };
    store.record_crawl_attempt(&attempt("greenhouse:otterstream", mljobs_store::AttemptOutcome::Ok, 200, None)).unwrap();
    for _ in 0..3 {
        let error = "https://api.lever.co/v0/postings/vanished?mode=json: HTTP 404 Not Found";
        store.record_crawl_attempt(&attempt("lever:vanished", mljobs_store::AttemptOutcome::Failed, 404, Some(error))).unwrap();
    }
    let fresh = read("formats/lever.json", today);
    store.write_batch(run, &fresh, &[], "t", today).unwrap();
    let new = fresh[0].0.id.to_string();
    let index = SearchIndex::open(&dir.path().join("index")).unwrap();
    mljobs_store::sync(&store, &index).unwrap();
    drop(index);
    drop(store);
    let state = mljobs_web::AppState::open(dir.path(), taxonomy).unwrap();
    let turns = state.turns();
    (TestApp { router: mljobs_web::router(state), turns, _dir: dir }, closed, new)
}
