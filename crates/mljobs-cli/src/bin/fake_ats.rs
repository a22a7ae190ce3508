//! A stand-in for the public job-board APIs, for trying `mljobs crawl` offline (README) and for
//! demos: every board of every system (Greenhouse, Lever, Ashby, Workable, and SmartRecruiters
//! and Rippling with their detail calls) answers, in the system's own shape and request path, with
//! the recorded fixture of that system (`testdata/formats/`), its job ids made unique per board
//! and the employer named after the board (Greenhouse and Workable name it in the answer; Lever
//! and Ashby postings take the source's name), so that each board holds its own postings. A board
//! whose name starts with `gone` answers 404.
//!
//! ```text
//! cargo run --release --bin mljobs-fake-ats -- --bind 127.0.0.1:8099
//! export MLJOBS_GREENHOUSE_URL=http://127.0.0.1:8099 MLJOBS_LEVER_URL=http://127.0.0.1:8099 \
//!        MLJOBS_ASHBY_URL=http://127.0.0.1:8099 MLJOBS_WORKABLE_URL=http://127.0.0.1:8099 \
//!        MLJOBS_SMARTRECRUITERS_URL=http://127.0.0.1:8099 MLJOBS_RIPPLING_URL=http://127.0.0.1:8099
//! ```

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::Value;

const GREENHOUSE: &str = include_str!("../../../../testdata/formats/greenhouse.json");
const LEVER: &str = include_str!("../../../../testdata/formats/lever.json");
const ASHBY: &str = include_str!("../../../../testdata/formats/ashby.json");
const WORKABLE: &str = include_str!("../../../../testdata/formats/workable.json");
const SMARTRECRUITERS: &str = include_str!("../../../../testdata/formats/smartrecruiters.json");
const RIPPLING: &str = include_str!("../../../../testdata/formats/rippling.json");

/// A number from the board's name, to make its job ids its own.
fn board_number(board: &str) -> u64 {
    mljobs_core::posting::hash64(&[board]) % 1_000_000
}

/// "acme-robotics" → "Acme Robotics".
fn company(board: &str) -> String {
    board
        .split(['-', '_', '.'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_uppercase().chain(c).collect::<String>()).unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Rewrites every `key` of the jobs in `jobs` with `f`.
fn each_job(jobs: &mut Value, key: &str, f: impl Fn(&Value) -> Value) {
    for job in jobs.as_array_mut().into_iter().flatten() {
        if let Some(v) = job.get(key).map(&f) {
            job[key] = v;
        }
    }
}

fn answer(board: &str, fixture: &str, rewrite: impl FnOnce(&mut Value, u64)) -> Response {
    if board.starts_with("gone") {
        return (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "application/json")], "{\"error\":\"Not found\"}").into_response();
    }
    let mut doc: Value = serde_json::from_str(fixture).expect("the fixtures are JSON");
    rewrite(&mut doc, board_number(board));
    ([(header::CONTENT_TYPE, "application/json")], doc.to_string()).into_response()
}

async fn greenhouse(Path(board): Path<String>) -> Response {
    answer(&board, GREENHOUSE, |doc, n| {
        for key in ["id", "internal_job_id"] {
            each_job(&mut doc["jobs"], key, |v| Value::from(v.as_u64().unwrap_or(0) + n * 1000));
        }
        each_job(&mut doc["jobs"], "absolute_url", |v| Value::from(format!("{}?board={board}", v.as_str().unwrap_or_default())));
        each_job(&mut doc["jobs"], "company_name", |_| Value::from(company(&board)));
    })
}

async fn lever(Path(board): Path<String>) -> Response {
    answer(&board, LEVER, |doc, n| {
        each_job(doc, "id", |v| Value::from(format!("{}-{n}", v.as_str().unwrap_or_default())));
        each_job(doc, "hostedUrl", |v| Value::from(format!("{}-{n}", v.as_str().unwrap_or_default())));
    })
}

async fn ashby(Path(board): Path<String>) -> Response {
    answer(&board, ASHBY, |doc, n| {
        each_job(&mut doc["jobs"], "id", |v| Value::from(format!("{}-{n}", v.as_str().unwrap_or_default())));
        each_job(&mut doc["jobs"], "jobUrl", |v| Value::from(format!("{}-{n}", v.as_str().unwrap_or_default())));
    })
}

async fn workable(Path(board): Path<String>) -> Response {
    answer(&board, WORKABLE, |doc, n| {
        each_job(&mut doc["jobs"], "shortcode", |v| Value::from(format!("{}{n}", v.as_str().unwrap_or_default())));
        each_job(&mut doc["jobs"], "url", |v| Value::from(format!("{}-{n}", v.as_str().unwrap_or_default())));
        doc["name"] = Value::from(company(&board));
    })
}

/// The SmartRecruiters list (one page: the fixture's three postings, ids made the board's own).
async fn smartrecruiters(Path(board): Path<String>) -> Response {
    answer(&board, SMARTRECRUITERS, |doc, n| {
        each_job(&mut doc["content"], "id", |v| Value::from(format!("{}{n}", v.as_str().unwrap_or_default())));
        for job in doc["content"].as_array_mut().into_iter().flatten() {
            job["company"]["name"] = Value::from(company(&board));
        }
    })
}

/// One SmartRecruiters posting's detail: the fixture's posting with that id, as the list has it.
async fn smartrecruiters_detail(Path((board, id)): Path<(String, String)>) -> Response {
    let mut doc: Value = serde_json::from_str(SMARTRECRUITERS).expect("the fixture is JSON");
    let n = board_number(&board);
    let found = doc["content"]
        .as_array_mut()
        .and_then(|jobs| jobs.iter_mut().find(|j| j["id"].as_str().is_some_and(|own| format!("{own}{n}") == id)).map(std::mem::take));
    match found {
        Some(mut job) if !board.starts_with("gone") => {
            job["id"] = Value::from(id);
            job["company"]["name"] = Value::from(company(&board));
            ([(header::CONTENT_TYPE, "application/json")], job.to_string()).into_response()
        }
        _ => (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "application/json")], "{\"message\":\"Posting not found\"}").into_response(),
    }
}

/// The Rippling list (one page): the fixture's jobs as the list has them (id, name, url,
/// locations; no description or pay), ids made the board's own.
async fn rippling(Path(board): Path<String>) -> Response {
    answer(&board, RIPPLING, |doc, n| {
        for job in doc["items"].as_array_mut().into_iter().flatten() {
            let id = format!("{}-{n}", job["id"].as_str().unwrap_or_default());
            let (name, locations) = (job["name"].take(), job["locations"].take());
            *job = serde_json::json!({"id": id, "name": name, "url": format!("https://ats.rippling.com/{board}/jobs/{id}"), "locations": locations});
        }
    })
}

/// One Rippling job's detail: the fixture's job with that id, employer named after the board.
async fn rippling_detail(Path((board, id)): Path<(String, String)>) -> Response {
    let mut doc: Value = serde_json::from_str(RIPPLING).expect("the fixture is JSON");
    let n = board_number(&board);
    let found = doc["items"]
        .as_array_mut()
        .and_then(|jobs| jobs.iter_mut().find(|j| j["id"].as_str().is_some_and(|own| format!("{own}-{n}") == id)).map(std::mem::take));
    match found {
        // The fixture's third job has no detail, as when a detail call fails.
        Some(mut job) if !board.starts_with("gone") && job.get("description").is_some() => {
            job["id"] = Value::from(id.clone());
            job["uuid"] = Value::from(id.clone());
            job["url"] = Value::from(format!("https://ats.rippling.com/{board}/jobs/{id}"));
            job["companyName"] = Value::from(company(&board));
            ([(header::CONTENT_TYPE, "application/json")], job.to_string()).into_response()
        }
        _ => (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "application/json")], "{\"detail\":\"Not found.\"}").into_response(),
    }
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut bind = "127.0.0.1:8099".to_string();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--bind" => bind = args.next().ok_or_else(|| anyhow::anyhow!("--bind needs an address"))?,
            other => anyhow::bail!("unknown argument {other}; usage: mljobs-fake-ats [--bind 127.0.0.1:8099]"),
        }
    }
    let app = axum::Router::new()
        .route("/v1/boards/{board}/jobs", get(greenhouse))
        .route("/v0/postings/{board}", get(lever))
        .route("/posting-api/job-board/{board}", get(ashby))
        .route("/api/v1/widget/accounts/{board}", get(workable))
        .route("/v1/companies/{board}/postings", get(smartrecruiters))
        .route("/v1/companies/{board}/postings/{id}", get(smartrecruiters_detail))
        .route("/platform/api/ats/v2/board/{board}/jobs", get(rippling))
        .route("/platform/api/ats/v2/board/{board}/jobs/{id}", get(rippling_detail));
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(&bind).await?;
        eprintln!(
            "mljobs-fake-ats: Greenhouse, Lever, Ashby, Workable, SmartRecruiters and Rippling boards at http://{} (boards named gone* answer 404; Ctrl-C stops)",
            listener.local_addr()?
        );
        axum::serve(listener, app).with_graceful_shutdown(mljobs_web::shutdown_signal()).await?;
        anyhow::Ok(())
    })
}
