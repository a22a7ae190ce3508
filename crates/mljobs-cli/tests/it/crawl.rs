//! `mljobs crawl` end to end against a fake Greenhouse on 127.0.0.1: boards fetched, their
//! postings through the one ingest path (`--keep ml` counts the rest), every attempt on its source,
//! an unchanged board answered 304 on the next crawl, a gone board a failure that stores nothing.

use std::path::Path;
use std::process::{Command, Output};

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{ok, repo};

/// A Greenhouse board with one non-ML job added to the recorded one (3 ML/data jobs).
fn mixed_board() -> String {
    let mut board: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(repo().join("testdata/formats/greenhouse.json")).unwrap()).unwrap();
    board["jobs"].as_array_mut().unwrap().push(serde_json::json!({
        "id": 4_012_345_099u64, "title": "Account Executive, Enterprise", "updated_at": "2026-03-12T10:00:00-04:00",
        "location": {"name": "Chicago, IL"}, "absolute_url": "https://boards.greenhouse.example/otterstream/jobs/4012345099",
        "company_name": "Otterstream",
        "content": "&lt;p&gt;Own a book of enterprise accounts: prospecting, negotiation and closing. Salesforce, quota carrying, 5+ years of B2B sales.&lt;/p&gt;"
    }));
    board.to_string()
}

async fn board(axum::extract::Path(token): axum::extract::Path<String>, headers: HeaderMap) -> Response {
    match token.as_str() {
        "otterstream" if headers.get(header::IF_NONE_MATCH).is_some_and(|v| v == "\"b1\"") => StatusCode::NOT_MODIFIED.into_response(),
        "otterstream" => ([(header::CONTENT_TYPE, "application/json"), (header::ETAG, "\"b1\"")], mixed_board()).into_response(),
        _ => (StatusCode::NOT_FOUND, "{\"status\":404,\"error\":\"Job board not found\"}").into_response(),
    }
}

/// Starts the fake Greenhouse on its own thread; returns its base URL.
fn fake_greenhouse() -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async move {
            let app = axum::Router::new().route("/v1/boards/{token}/jobs", axum::routing::get(board));
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    format!("http://{}", rx.recv().unwrap())
}

fn crawl(data: &Path, base: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mljobs"))
        .current_dir(repo())
        .env("MLJOBS_DATA_DIR", data)
        .env("MLJOBS_GREENHOUSE_URL", base)
        .env_remove("MLJOBS_TAXONOMY")
        .args(args)
        .output()
        .expect("mljobs runs")
}

#[test]
fn crawl_fetches_boards_ingests_ml_postings_and_records_each_attempt() {
    let base = fake_greenhouse();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();

    let out = crawl(data, &base, &["crawl", "--source", "greenhouse:otterstream", "--source", "https://job-boards.greenhouse.io/vanished", "--json"]);
    assert_eq!(out.status.code(), Some(1), "one board failed: {}", String::from_utf8_lossy(&out.stderr));
    let run: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let sources = run["sources"].as_array().unwrap();
    assert_eq!(
        (sources[0]["source"].as_str(), sources[0]["outcome"].as_str(), sources[0]["postings"].as_u64()),
        (Some("greenhouse:otterstream"), Some("ok"), Some(4))
    );
    assert_eq!((sources[1]["source"].as_str(), sources[1]["outcome"].as_str()), (Some("greenhouse:vanished"), Some("failed")));
    assert!(sources[1]["error"].as_str().unwrap().contains("HTTP 404"), "{}", sources[1]);
    // --keep ml (the default): the account executive is read and counted, not stored.
    assert_eq!((run["read"].as_u64(), run["not_ml"].as_u64()), (Some(4), Some(1)), "{run}");
    assert_eq!(run["new"].as_u64().unwrap() + run["duplicates"].as_u64().unwrap() + run["rejected"].as_u64().unwrap(), 3, "{run}");
    let stats: serde_json::Value = serde_json::from_str(&ok(&super::mljobs(data, &["stats", "--json"]))).unwrap();
    assert_eq!(stats["postings"].as_u64(), run["new"].as_u64());
    let found = ok(&super::mljobs(data, &["search", "recommendation", "--json"]));
    assert!(found.contains("Machine Learning Engineer, Recommendations"), "{found}");

    // Every attempt is on its source.
    let list: serde_json::Value = serde_json::from_str(&ok(&super::mljobs(data, &["sources", "list", "--json"]))).unwrap();
    let by = |spec: &str| list.as_array().unwrap().iter().find(|s| s["spec"] == spec).unwrap().clone();
    let good = by("greenhouse:otterstream");
    assert_eq!((good["attempts"].as_u64(), good["consecutive_failures"].as_u64(), good["last_http_status"].as_u64()), (Some(1), Some(0), Some(200)));
    assert!(good["last_success_at"].is_string());
    let gone = by("greenhouse:vanished");
    assert_eq!((gone["consecutive_failures"].as_u64(), gone["last_http_status"].as_u64(), gone["last_success_at"].is_null()), (Some(1), Some(404), true));

    // Crawl again (every enabled source): the board answers 304 to its ETag; nothing is re-read.
    let out = crawl(data, &base, &["crawl", "--json"]);
    let run: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let sources = run["sources"].as_array().unwrap();
    assert_eq!(sources[0]["outcome"].as_str(), Some("unchanged"));
    assert_eq!(run["read"].as_u64(), Some(0));
    let list: serde_json::Value = serde_json::from_str(&ok(&super::mljobs(data, &["sources", "list", "--json"]))).unwrap();
    let gone = list.as_array().unwrap().iter().find(|s| s["spec"] == "greenhouse:vanished").unwrap();
    assert_eq!(gone["consecutive_failures"].as_u64(), Some(2));
    // A failing source backs off (30 min, then 60), a working one waits its interval (6 h ± 10 %).
    let due_in = |s: &serde_json::Value| {
        let t = chrono::DateTime::parse_from_rfc3339(s["next_due_at"].as_str().unwrap()).unwrap();
        (t.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_minutes()
    };
    assert!((55..=60).contains(&due_in(gone)), "{}", due_in(gone));
    let good = list.as_array().unwrap().iter().find(|s| s["spec"] == "greenhouse:otterstream").unwrap();
    assert!((320..=396).contains(&due_in(good)), "{}", due_in(good));
    // So nothing is due now.
    let text = ok(&crawl(data, &base, &["crawl", "--due"]));
    assert!(text.contains("no source is due"), "{text}");
    let bad = crawl(data, &base, &["crawl", "--every", "6x"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("the unit must be s, m, h or d"));

    // --keep all on a fresh store keeps the account executive too.
    let dir2 = tempfile::tempdir().unwrap();
    let out = crawl(dir2.path(), &base, &["crawl", "--source", "greenhouse:otterstream", "--keep", "all"]);
    let text = ok(&out);
    assert!(text.contains("1 boards: 1 read, 0 read in part, 0 unchanged, 0 failed"), "{text}");
    assert!(text.contains("0 not ML roles"), "{text}");
}

/// What the lifecycle test's fake board answers.
#[derive(Clone)]
enum Board {
    /// These jobs (Greenhouse JSON), no validators: an unchanged board is known by its body.
    Jobs(Vec<serde_json::Value>),
    /// HTTP 500 every time.
    Failing,
    /// An HTML error page with status 200.
    Html,
    /// These jobs, after a second.
    Slow(Vec<serde_json::Value>),
}

async fn lifecycle_board(axum::extract::State(state): axum::extract::State<std::sync::Arc<std::sync::Mutex<Board>>>) -> Response {
    let board = state.lock().unwrap().clone();
    match board {
        Board::Jobs(jobs) => {
            ([(header::CONTENT_TYPE, "application/json")], serde_json::json!({"jobs": jobs, "meta": {"total": jobs.len()}}).to_string()).into_response()
        }
        Board::Failing => (StatusCode::INTERNAL_SERVER_ERROR, "upstream error").into_response(),
        Board::Html => ([(header::CONTENT_TYPE, "text/html")], "<html><body>We'll be right back</body></html>").into_response(),
        Board::Slow(jobs) => {
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            ([(header::CONTENT_TYPE, "application/json")], serde_json::json!({"jobs": jobs}).to_string()).into_response()
        }
    }
}

/// Starts a fake Greenhouse whose every board answers what `state` holds; returns its base URL.
fn changing_board(state: std::sync::Arc<std::sync::Mutex<Board>>) -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async move {
            let app = axum::Router::new().route("/v1/boards/{token}/jobs", axum::routing::get(lifecycle_board)).with_state(state);
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    format!("http://{}", rx.recv().unwrap())
}

/// The recorded Greenhouse board's jobs.
fn recorded_jobs() -> Vec<serde_json::Value> {
    let recorded: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(repo().join("testdata/formats/greenhouse.json")).unwrap()).unwrap();
    recorded["jobs"].as_array().unwrap().clone()
}

#[test]
fn serve_with_crawl_every_keeps_the_store_fresh_and_stops_cleanly_on_sigterm() {
    use std::io::Read;
    let jobs = recorded_jobs();
    let state = std::sync::Arc::new(std::sync::Mutex::new(Board::Jobs(jobs.clone())));
    let base = changing_board(state.clone());
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    ok(&super::mljobs(data, &["sources", "add", "greenhouse:otterstream"]));
    let super::Served { mut child, site, mut stderr, mut log } = super::serve(data, &["--crawl-every", "2s"], &[("MLJOBS_GREENHOUSE_URL", base.clone())]);
    // A plain HTTP/1.0 GET (the answer is neither chunked nor compressed).
    let get = |path: &str| -> serde_json::Value {
        use std::io::Write;
        let mut conn = std::net::TcpStream::connect(site.trim_start_matches("http://")).unwrap();
        write!(conn, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").unwrap();
        let mut answer = String::new();
        conn.read_to_string(&mut answer).unwrap();
        answer.split_once("\r\n\r\n").and_then(|(_, body)| serde_json::from_str(body).ok()).unwrap_or(serde_json::Value::Null)
    };
    let wait_for = |what: &str, check: &dyn Fn() -> bool| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while !check() {
            assert!(std::time::Instant::now() < deadline, "{what} within 60 s");
            std::thread::sleep(std::time::Duration::from_millis(300));
        }
    };
    // The first crawl fills the store; the server sees it.
    wait_for("the board's jobs are served", &|| get("/api/v1/jobs?collapse=false")["total"].as_u64() == Some(jobs.len() as u64));
    // The board drops a job: a later crawl closes it.
    *state.lock().unwrap() = Board::Jobs(jobs[..jobs.len() - 1].to_vec());
    wait_for("the dropped job is closed", &|| get("/api/v1/jobs?status=closed&collapse=false")["total"].as_u64() == Some(1));
    assert_eq!(get("/api/v1/jobs?collapse=false")["total"].as_u64(), Some(jobs.len() as u64 - 1));
    let sources = get("/api/v1/sources");
    assert!(sources["sources"][0]["attempts"].as_u64().unwrap() >= 2, "{sources}");
    // SIGTERM: the server and the crawl stop cleanly, soon.
    assert!(Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success());
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(30), "stopped within 30 s");
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    stderr.read_to_string(&mut log).unwrap();
    assert!(status.success(), "exit {status:?}: {log}");
    assert!(log.contains("mljobs: crawled 1 boards"), "{log}");
    // The store is whole and reads back: every job kept, the dropped one closed.
    let stats: serde_json::Value = serde_json::from_str(&ok(&super::mljobs(data, &["stats", "--json"]))).unwrap();
    assert_eq!(stats["postings"].as_u64(), Some(jobs.len() as u64));
    let closed = ok(&super::mljobs(data, &["search", "--status", "closed", "--no-collapse"]));
    assert!(closed.starts_with("1 postings"), "{closed}");
}

#[test]
fn a_crawl_stopped_by_sigterm_stores_what_it_fetched_and_the_next_run_resumes() {
    let jobs = recorded_jobs();
    let state = std::sync::Arc::new(std::sync::Mutex::new(Board::Slow(jobs.clone())));
    let base = changing_board(state);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    // Ten boards on one host, two at a time, a second each: about five seconds.
    let specs: Vec<String> = (0..10).map(|i| format!("greenhouse:board{i}")).collect();
    let mut add = vec!["sources", "add"];
    add.extend(specs.iter().map(String::as_str));
    ok(&super::mljobs(data, &add));
    let child = Command::new(env!("CARGO_BIN_EXE_mljobs"))
        .current_dir(repo())
        .env("MLJOBS_DATA_DIR", data)
        .env("MLJOBS_GREENHOUSE_URL", &base)
        .env_remove("MLJOBS_TAXONOMY")
        .args(["crawl", "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("mljobs: stopping"), "{stderr}");
    let first: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let done = first["sources"].as_array().unwrap().len();
    let left = first["left_for_next_run"].as_u64().unwrap() as usize;
    assert!(done >= 1 && left >= 1 && done + left == specs.len(), "{first}");
    assert!(first["sources"].as_array().unwrap().iter().all(|s| s["outcome"] == "ok"), "every board started was finished: {first}");
    let stored_first = first["new"].as_u64().unwrap();
    assert!(stored_first > 0);
    // The next run takes only the boards not reached, and loses nothing.
    let second: serde_json::Value = serde_json::from_slice(&crawl(data, &base, &["crawl", "--due", "--json"]).stdout).unwrap();
    assert_eq!(second["sources"].as_array().unwrap().len(), left, "{second}");
    assert!(second["sources"].as_array().unwrap().iter().all(|s| s["outcome"] == "ok"), "{second}");
    // Every board read exactly once over the two runs (the boards list the same Greenhouse jobs,
    // which are one posting each: the first run stored them).
    let list: serde_json::Value = serde_json::from_str(&ok(&super::mljobs(data, &["sources", "list", "--json"]))).unwrap();
    assert!(list.as_array().unwrap().iter().all(|s| s["attempts"] == 1 && s["last_success_at"].is_string()), "{list}");
    let stats: serde_json::Value = serde_json::from_str(&ok(&super::mljobs(data, &["stats", "--json"]))).unwrap();
    assert_eq!(stats["postings"].as_u64(), Some(stored_first));
}

#[test]
fn crawl_starter_adds_and_crawls_the_bundled_ml_boards_with_the_politeness_given() {
    // Every system on one fake host that knows no board: each starter board is one quick 404.
    let base = fake_greenhouse();
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_mljobs"))
        .current_dir(repo())
        .env("MLJOBS_DATA_DIR", dir.path())
        .env("MLJOBS_GREENHOUSE_URL", &base)
        .env("MLJOBS_LEVER_URL", &base)
        .env("MLJOBS_ASHBY_URL", &base)
        .env("MLJOBS_WORKABLE_URL", &base)
        .env("MLJOBS_SMARTRECRUITERS_URL", &base)
        .env("MLJOBS_WORKDAY_URL", &base)
        .env("MLJOBS_RIPPLING_URL", &base)
        .args(["crawl", "--starter", "--per-host", "8", "--host-interval", "0ms", "--json"])
        .output()
        .unwrap();
    let run: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    let crawled = run["sources"].as_array().unwrap();
    assert!(crawled.len() >= 150, "{} boards", crawled.len());
    assert!(crawled.iter().any(|s| s["source"] == "greenhouse:anthropic") && crawled.iter().any(|s| s["source"] == "ashby:openai"));
    assert!(crawled.iter().any(|s| s["source"] == "rippling:1x") && crawled.iter().any(|s| s["source"].as_str().unwrap().starts_with("workday:")));
    let list: serde_json::Value = serde_json::from_str(&ok(&super::mljobs(dir.path(), &["sources", "list", "--json"]))).unwrap();
    assert_eq!(list.as_array().unwrap().len(), crawled.len(), "every starter board is a source now");
    assert!(list.as_array().unwrap().iter().all(|s| s["attempts"] == 1 && s["name"].is_string()));
    let bad = crawl(dir.path(), &base, &["crawl", "--host-interval", "fast"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("an interval is e.g. 250ms or 1s"), "{}", String::from_utf8_lossy(&bad.stderr));
}

#[test]
fn postings_close_when_gone_from_a_complete_fetch_and_reopen_when_back_and_failures_close_nothing() {
    let jobs = recorded_jobs();
    assert!(jobs.len() >= 3);
    let state = std::sync::Arc::new(std::sync::Mutex::new(Board::Jobs(jobs.clone())));
    let base = changing_board(state.clone());
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let run = |expect_ok: bool| -> serde_json::Value {
        let out = crawl(data, &base, &["crawl", "--source", "greenhouse:otterstream", "--json"]);
        assert_eq!(out.status.success(), expect_ok, "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let ids = |status: &str| -> Vec<String> {
        let found: serde_json::Value =
            serde_json::from_str(&ok(&super::mljobs(data, &["search", "--status", status, "--limit", "50", "--no-collapse", "--json"]))).unwrap();
        let mut titles: Vec<String> = found["hits"].as_array().unwrap().iter().map(|h| h["title"].as_str().unwrap().to_string()).collect();
        titles.sort();
        titles
    };
    let counts = || {
        let list: serde_json::Value = serde_json::from_str(&ok(&super::mljobs(data, &["sources", "list", "--json"]))).unwrap();
        (list[0]["open"].as_u64().unwrap(), list[0]["closed"].as_u64().unwrap())
    };

    // Appear.
    let first = run(true);
    let stored = first["new"].as_u64().unwrap();
    assert!(stored >= 2, "{first}");
    let all_open = ids("open");
    assert_eq!(all_open.len() as u64, stored);
    assert_eq!(counts(), (stored, 0));
    // The same body again, without validators: unchanged by its hash, nothing re-read.
    let again = run(true);
    assert_eq!((again["sources"][0]["outcome"].as_str(), again["read"].as_u64()), (Some("unchanged"), Some(0)), "{again}");

    // Change one job, drop another: updated in place (not doubled), the dropped one closed.
    let last = jobs.len() - 1;
    let dropped_title = jobs[last]["title"].as_str().unwrap().to_string();
    let mut changed = jobs[..last].to_vec();
    changed[0]["content"] = serde_json::Value::String(format!("{} &lt;p&gt;Visa sponsorship available.&lt;/p&gt;", changed[0]["content"].as_str().unwrap()));
    *state.lock().unwrap() = Board::Jobs(changed.clone());
    let second = run(true);
    assert_eq!((second["new"].as_u64(), second["updated"].as_u64(), second["closed"].as_u64()), (Some(0), Some(1), Some(1)), "{second}");
    assert_eq!(ids("closed"), std::slice::from_ref(&dropped_title));
    assert!(!ids("open").contains(&dropped_title));
    assert_eq!(ids("all"), all_open);
    assert_eq!(counts(), (stored - 1, 1));
    let closed: serde_json::Value = serde_json::from_str(&ok(&super::mljobs(data, &["search", "--status", "closed", "--no-collapse", "--json"]))).unwrap();
    let closed_id = closed["hits"][0]["id"].as_str().unwrap().to_string();
    assert!(closed["hits"][0]["closed_at"].is_string());
    let shown = ok(&super::mljobs(data, &["show", &closed_id]));
    assert!(shown.contains("closed on ") && shown.contains("no longer on greenhouse:otterstream"), "{shown}");

    // The board fails for a while (500s, then an HTML page with status 200): nothing closes.
    *state.lock().unwrap() = Board::Failing;
    let failed = run(false);
    assert_eq!((failed["sources"][0]["outcome"].as_str(), failed["closed"].as_u64()), (Some("failed"), None), "{failed}");
    *state.lock().unwrap() = Board::Html;
    let failed = run(false);
    assert_eq!(failed["sources"][0]["outcome"].as_str(), Some("failed"));
    assert_eq!(counts(), (stored - 1, 1), "a failing board closes nothing");

    // Back with the dropped job: reopened, not new.
    let mut back = changed.clone();
    back.push(jobs[last].clone());
    *state.lock().unwrap() = Board::Jobs(back);
    let third = run(true);
    assert_eq!((third["new"].as_u64(), third["reopened"].as_u64(), third["closed"].as_u64()), (Some(0), Some(1), None), "{third}");
    assert_eq!(ids("open"), all_open);
    assert_eq!(counts(), (stored, 0));
    let shown = ok(&super::mljobs(data, &["show", &closed_id]));
    assert!(shown.contains("status      open"), "{shown}");
}
