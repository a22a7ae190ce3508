//! End-to-end tests of the `mljobs` binary: every input format, rejected records, dedupe tiers,
//! idempotent and crash-safe ingest, show / stats / taxonomy, and enrichment snapshots.

mod alerts;
mod candidate;
mod crawl;
mod enrich_snapshots;
mod ingest;
mod needs;
mod relevance;
mod resumes;
mod sources;
mod trends;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root (tests run with the crate as working directory).
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// Runs `mljobs` with a data directory, from the repository root so paths in output are relative.
pub fn mljobs(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mljobs"))
        .current_dir(repo())
        .env("MLJOBS_DATA_DIR", data_dir)
        .env_remove("MLJOBS_TAXONOMY")
        .args(args)
        .output()
        .expect("mljobs runs")
}

/// Stdout as text, asserting success.
pub fn ok(out: &Output) -> String {
    assert!(out.status.success(), "mljobs failed: {}\nstderr:\n{}", out.status, String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// Parses `ingest --json` output.
pub fn ingest_json(data_dir: &Path, files: &[&str]) -> serde_json::Value {
    let mut args = vec!["ingest", "--json"];
    args.extend_from_slice(files);
    serde_json::from_str(&ok(&mljobs(data_dir, &args))).unwrap()
}

/// A server started by [`serve`].
pub struct Served {
    /// The process.
    pub child: std::process::Child,
    /// `http://127.0.0.1:PORT`.
    pub site: String,
    /// The rest of its stderr.
    pub stderr: std::io::BufReader<std::process::ChildStderr>,
    /// Its stderr up to the line naming the site.
    pub log: String,
}

/// Starts `mljobs serve --bind 127.0.0.1:0 ARGS` on `data_dir` with `env`.
pub fn serve(data_dir: &Path, args: &[&str], env: &[(&str, String)]) -> Served {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_mljobs"))
        .current_dir(repo())
        .env("MLJOBS_DATA_DIR", data_dir)
        .env_remove("MLJOBS_TAXONOMY")
        .env_remove("MLJOBS_BASE_URL")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut log = String::new();
    for _ in 0..50 {
        let mut line = String::new();
        if stderr.read_line(&mut line).unwrap() == 0 {
            break;
        }
        log.push_str(&line);
        if let Some(rest) = line.split("open ").nth(1) {
            let site = rest.split_whitespace().next().unwrap().trim_end_matches('/').to_string();
            return Served { child, site, stderr, log };
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the server started: {log}");
}
