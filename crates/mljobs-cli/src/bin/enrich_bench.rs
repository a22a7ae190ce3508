//! Enrichment throughput benchmark: parse + validate + enrich every posting of a JSON Lines corpus
//! (as made by `shared/bench/make-corpus.py`) on one thread, and print postings per second.
//!
//! Usage: `mljobs-enrich-bench CORPUS.jsonl [--limit N] [--passes N]`. The last stdout line is a
//! JSON summary.

use std::io::BufReader;
use std::time::Instant;

use mljobs_core::ingest::{self, DecodeOptions};
use mljobs_core::{JobPosting, Taxonomy, enrich};

/// mimalloc: enrichment allocates many small strings per posting; glibc malloc cost ~15% of the
/// enrichment benchmark's instructions (measured with callgrind, docs/benchmarks.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        eprintln!("usage: mljobs-enrich-bench CORPUS.jsonl [--limit N] [--passes N]");
        std::process::exit(2);
    };
    let flag = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse::<usize>().ok());
    let limit = flag("--limit").unwrap_or(usize::MAX);
    let passes = flag("--passes").unwrap_or(3);
    let taxonomy = Taxonomy::embedded();
    let options = DecodeOptions::default();
    let now = chrono::Utc::now();
    // Read the lines once so disk speed is not measured.
    let text = std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let mut rates = Vec::new();
    let mut n_skills = 0usize;
    let mut n = 0usize;
    for pass in 0..passes {
        let start = Instant::now();
        n = 0;
        n_skills = 0;
        for item in ingest::decode_jsonl(BufReader::new(&text[..]), path, &options).take(limit) {
            let raw = item.expect("corpus records decode");
            let posting = JobPosting::from_raw(raw, now).expect("corpus records are valid");
            let e = enrich(&posting, &taxonomy);
            n_skills += e.skills.len();
            n += 1;
        }
        let secs = start.elapsed().as_secs_f64();
        let rate = n as f64 / secs;
        eprintln!("pass {pass}: {n} postings in {secs:.2} s = {rate:.0} postings/s");
        rates.push(rate);
    }
    rates.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let median = rates[rates.len() / 2];
    println!(
        "{{\"bench\":\"enrich\",\"postings\":{n},\"passes\":{passes},\"median_postings_per_s\":{median:.0},\"min_postings_per_s\":{:.0},\"max_postings_per_s\":{:.0},\"skills_per_posting\":{:.2},\"bytes\":{}}}",
        rates[0],
        rates[rates.len() - 1],
        n_skills as f64 / n.max(1) as f64,
        text.len()
    );
}
