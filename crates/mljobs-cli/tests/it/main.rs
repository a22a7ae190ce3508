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
