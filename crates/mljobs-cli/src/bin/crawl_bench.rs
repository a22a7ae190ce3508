//! The crawl benchmark (issue 15): `B` simulated Greenhouse boards of `P` postings each, made
//! from the benchmark corpus, served on loopback in their real shape (entity-escaped HTML
//! content, ETags), crawled by `mljobs crawl` into an empty data directory, then re-crawled with
//! nothing changed; beside it, `mljobs ingest` of the same boards from files. Each step runs the
//! release `mljobs` binary as a process under `/usr/bin/time` (wall time and peak RSS), `--runs`
//! times, alternating; medians are printed.
//!
//! ```text
//! cargo build --release
//! target/release/mljobs-crawl-bench /tmp/bench-corpus/jobs-100k.jsonl --boards 2000 --per-board 50 --runs 3
//! ```

use std::collections::HashMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

struct Args {
    corpus: PathBuf,
    boards: usize,
    per_board: usize,
    runs: usize,
    work: PathBuf,
    crawl_args: Vec<String>,
    keep: bool,
}

fn args() -> Result<Args> {
    let mut it = std::env::args().skip(1);
    let mut a = Args {
        corpus: PathBuf::new(),
        boards: 2000,
        per_board: 50,
        runs: 3,
        work: std::env::temp_dir().join("mljobs-crawl-bench"),
        crawl_args: Vec::new(),
        keep: false,
    };
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().with_context(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--boards" => a.boards = value("--boards")?.parse()?,
            "--per-board" => a.per_board = value("--per-board")?.parse()?,
            "--runs" => a.runs = value("--runs")?.parse()?,
            "--work" => a.work = value("--work")?.into(),
            // Passed to `mljobs crawl` (e.g. --per-host 16 --host-interval 0ms).
            "--crawl-arg" => a.crawl_args.push(value("--crawl-arg")?),
            // Leave the work directory (boards, data directories) for a closer look.
            "--keep" => a.keep = true,
            other if other.starts_with("--") => bail!("unknown option {other}"),
            other => a.corpus = other.into(),
        }
    }
    if a.corpus.as_os_str().is_empty() {
        bail!("usage: mljobs-crawl-bench CORPUS.jsonl [--boards 2000] [--per-board 50] [--runs 3] [--work DIR] [--crawl-arg ARG]… [--keep]");
    }
    Ok(a)
}

/// One corpus posting as a Greenhouse job (`/v1/boards/{token}/jobs?content=true`).
fn greenhouse_job(v: &Value, id: u64, board: usize) -> Value {
    let loc = &v["location"];
    let place: Vec<&str> = ["city", "region", "country"].iter().filter_map(|k| loc[*k].as_str()).collect();
    let mut place = place.join(", ");
    if v["remote"].as_str() == Some("remote") {
        place = if place.is_empty() { "Remote".into() } else { format!("Remote - {place}") };
    }
    let description = v["description"].as_str().unwrap_or_default();
    let html: String = description.split("\n\n").map(|p| format!("<p>{}</p>", html_escape::encode_text(p).replace('\n', "<br>"))).collect();
    json!({
        "id": id,
        "internal_job_id": id + 1_000_000_000,
        "title": v["title"],
        "updated_at": format!("{}T09:00:00-04:00", v["date_posted"].as_str().unwrap_or("2026-01-01")),
        "requisition_id": format!("R{id}"),
        "location": {"name": place},
        "absolute_url": format!("https://job-boards.greenhouse.io/board{board}/jobs/{id}"),
        "company_name": v["company"],
        "metadata": null,
        "data_compliance": [{"type": "gdpr", "requires_consent": false, "retention_period": null}],
        // Greenhouse sends the description entity-escaped.
        "content": html_escape::encode_text(&html).to_string(),
        "departments": [{"id": 1, "name": "Data", "child_ids": [], "parent_id": null}],
        "offices": [{"id": 1, "name": place, "location": place, "child_ids": [], "parent_id": null}]
    })
}

/// The boards: token → (body, ETag).
type Boards = Arc<HashMap<String, (String, String)>>;

async fn board(State(boards): State<Boards>, UrlPath(token): UrlPath<String>, headers: HeaderMap) -> Response {
    match boards.get(&token) {
        Some((_, etag)) if headers.get(header::IF_NONE_MATCH).is_some_and(|v| v.as_bytes() == etag.as_bytes()) => StatusCode::NOT_MODIFIED.into_response(),
        Some((body, etag)) => ([(header::CONTENT_TYPE, "application/json".to_string()), (header::ETAG, etag.clone())], body.clone()).into_response(),
        None => (StatusCode::NOT_FOUND, "{\"status\":404,\"error\":\"Job board not found\"}").into_response(),
    }
}

/// Runs `cmd` under `/usr/bin/time`: (wall seconds, peak RSS in MB, stdout).
fn timed(cmd: &mut Command) -> Result<(f64, f64, String)> {
    let (program, args): (String, Vec<String>) = (cmd.get_program().to_string_lossy().into(), cmd.get_args().map(|a| a.to_string_lossy().into()).collect());
    let envs: Vec<(String, String)> = cmd.get_envs().filter_map(|(k, v)| Some((k.to_string_lossy().into(), v?.to_string_lossy().into()))).collect();
    let out = Command::new("/usr/bin/time").arg("-f").arg("BENCH %e %M").arg(&program).args(&args).envs(envs).output()?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        bail!("{program} {}: {stderr}", args.join(" "));
    }
    let line = stderr.lines().rev().find(|l| l.starts_with("BENCH ")).context("no /usr/bin/time line")?;
    let mut f = line.split_whitespace().skip(1);
    let secs: f64 = f.next().context("time")?.parse()?;
    let kb: f64 = f.next().context("rss")?.parse()?;
    Ok((secs, kb / 1024.0, String::from_utf8_lossy(&out.stdout).into()))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() -> Result<()> {
    let a = args()?;
    let mljobs = std::env::current_exe()?.with_file_name("mljobs");
    if !mljobs.is_file() {
        bail!("{} not found: cargo build --release", mljobs.display());
    }
    // The boards.
    let file = std::fs::File::open(&a.corpus).with_context(|| a.corpus.display().to_string())?;
    let mut lines = std::io::BufReader::new(file).lines();
    let boards_dir = a.work.join("boards");
    let _ = std::fs::remove_dir_all(&a.work);
    std::fs::create_dir_all(&boards_dir)?;
    let mut boards = HashMap::new();
    let mut files = Vec::new();
    let mut list = String::from("name,url\n");
    let mut id = 4_100_000_000u64;
    for b in 0..a.boards {
        let mut jobs = Vec::with_capacity(a.per_board);
        for _ in 0..a.per_board {
            let line = lines.next().context("the corpus has fewer postings than boards × per-board")??;
            let v: Value = serde_json::from_str(&line)?;
            id += 1;
            jobs.push(greenhouse_job(&v, id, b));
        }
        let body = json!({"jobs": jobs, "meta": {"total": a.per_board}}).to_string();
        let token = format!("board{b}");
        let path = boards_dir.join(format!("{token}.json"));
        std::fs::write(&path, &body)?;
        files.push(path);
        list.push_str(&format!("Board {b},https://job-boards.greenhouse.io/{token}\n"));
        boards.insert(token, (body, format!("\"{:016x}\"", mljobs_core::posting::hash64(&[&b.to_string()]))));
    }
    let list_path = a.work.join("boards.csv");
    std::fs::write(&list_path, list)?;
    let bytes: usize = boards.values().map(|(b, _)| b.len()).sum();
    eprintln!("{} boards × {} postings, {:.0} MB of board JSON", a.boards, a.per_board, bytes as f64 / 1e6);

    // The fake Greenhouse, on its own runtime.
    let boards: Boards = Arc::new(boards);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("runtime");
        rt.block_on(async move {
            let app = axum::Router::new().route("/v1/boards/{token}/jobs", axum::routing::get(board)).with_state(boards);
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
            tx.send(listener.local_addr().expect("address")).expect("send");
            axum::serve(listener, app).await.expect("serve");
        });
    });
    let base = format!("http://{}", rx.recv()?);

    let (mut crawl, mut recrawl, mut ingest) = (Vec::new(), Vec::new(), Vec::new());
    for run in 1..=a.runs {
        // Ingest from files.
        let data = a.work.join("ingest");
        let _ = std::fs::remove_dir_all(&data);
        let (secs, rss, _) = timed(Command::new(&mljobs).arg("--data-dir").arg(&data).arg("ingest").args(&files))?;
        eprintln!("run {run}: ingest of the board files {secs:.1} s, peak RSS {rss:.0} MB");
        ingest.push((secs, rss));
        // Crawl into an empty data directory, then again with nothing changed.
        let data = a.work.join("crawl");
        let _ = std::fs::remove_dir_all(&data);
        let status = Command::new(&mljobs).arg("--data-dir").arg(&data).args(["sources", "import"]).arg(&list_path).output()?;
        if !status.status.success() {
            bail!("sources import: {}", String::from_utf8_lossy(&status.stderr));
        }
        let crawl_cmd = || {
            let mut c = Command::new(&mljobs);
            c.arg("--data-dir").arg(&data).args(["crawl", "--keep", "all", "--json"]).args(&a.crawl_args).env("MLJOBS_GREENHOUSE_URL", &base);
            c
        };
        let (secs, rss, out) = timed(&mut crawl_cmd())?;
        let report: Value = serde_json::from_str(&out)?;
        eprintln!("run {run}: first crawl {secs:.1} s, peak RSS {rss:.0} MB: {} read, {} new, {} rejected", report["read"], report["new"], report["rejected"]);
        crawl.push((secs, rss));
        let (secs, rss, out) = timed(&mut crawl_cmd())?;
        let report: Value = serde_json::from_str(&out)?;
        let unchanged = report["sources"].as_array().map_or(0, |s| s.iter().filter(|s| s["outcome"] == "unchanged").count());
        eprintln!("run {run}: unchanged re-crawl {secs:.1} s, peak RSS {rss:.0} MB: {unchanged} boards unchanged, {} read", report["read"]);
        recrawl.push((secs, rss));
    }
    let m = |v: &[(f64, f64)]| (median(v.iter().map(|x| x.0).collect()), median(v.iter().map(|x| x.1).collect()));
    let ((ci, ri), (cc, rc), (cr, rr)) = (m(&ingest), m(&crawl), m(&recrawl));
    println!("| step | median wall time | vs ingest | peak RSS |");
    println!("|---|---:|---:|---:|");
    println!("| `mljobs ingest` of the {} board files ({} postings) | {ci:.1} s | 1.00× | {ri:.0} MB |", a.boards, a.boards * a.per_board);
    println!("| first crawl of {} boards into an empty data dir | {cc:.1} s | {:.2}× | {rc:.0} MB |", a.boards, cc / ci);
    println!("| re-crawl, nothing changed | {cr:.1} s | {:.1} % of the first crawl | {rr:.0} MB |", 100.0 * cr / cc);
    if !a.keep {
        let _ = std::fs::remove_dir_all(Path::new(&a.work));
    }
    Ok(())
}
