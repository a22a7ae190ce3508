//! The candidate benchmark (issue 16): how long reading a resume and matching it over a store take.
//!
//! For every resume in `--resumes` (PDF, DOCX, text, Markdown, JSON): the file's bytes → text →
//! profile ("parse", timed per file format), then `match_profile` over the store and index in
//! `--data` (retrieval, scoring, explanations, gap and path: "match"). Each is run `--runs` times
//! after one warm-up; the medians, p95 and max go to stdout as JSON.
//!
//! Usage: `mljobs-match-bench --data DIR --resumes DIR [--runs 20]`

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use chrono::Datelike;
use mljobs_core::Taxonomy;
use mljobs_core::matching::MatchOptions;
use mljobs_core::profile::{self, YearMonth};
use mljobs_store::matching::{MatchRequest, match_profile, skill_weights};
use mljobs_store::{SearchIndex, Store};

fn percentile(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return 0.0;
    }
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i.min(v.len() - 1)]
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let (mut data, mut resumes, mut runs) = (None, None, 20usize);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--data" => data = args.next().map(PathBuf::from),
            "--resumes" => resumes = args.next().map(PathBuf::from),
            "--runs" => runs = args.next().context("--runs N")?.parse()?,
            other => anyhow::bail!("unknown argument {other}; usage: mljobs-match-bench --data DIR --resumes DIR [--runs 20]"),
        }
    }
    let data = data.context("--data DIR (a store with its index)")?;
    let resumes = resumes.context("--resumes DIR")?;
    let taxonomy = Taxonomy::embedded();
    let store = Store::open(&data).with_context(|| format!("opening {}", data.display()))?;
    let index = SearchIndex::open(&data.join("index"))?;
    let postings = index.len();
    let now = chrono::Utc::now().date_naive();
    let month = YearMonth::new(now.year(), now.month()).expect("month");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&resumes)?.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_file()).collect();
    files.sort();
    let mut parse_by_kind: std::collections::BTreeMap<String, Vec<f64>> = Default::default();
    let mut matches = Vec::new();
    let mut per_file = Vec::new();
    for f in &files {
        let bytes = std::fs::read(f)?;
        let name = f.display().to_string();
        let kind = f.extension().map_or("txt".into(), |e| e.to_string_lossy().to_lowercase());
        let read = || -> Option<(profile::Profile, Option<String>)> {
            let read = mljobs_resume::to_profile(mljobs_resume::read(&name, &bytes).ok()?, &taxonomy, month).ok()?;
            Some((read.profile, read.text))
        };
        let Some((p, text)) = read() else { continue };
        let mut parse_ms = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            std::hint::black_box(read());
            parse_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        let mut match_ms = Vec::new();
        let req = |p: &profile::Profile| MatchRequest {
            profile: p.clone(),
            resume: text.as_deref(),
            options: MatchOptions::default(),
            limit: 20,
            today: now,
            salary: None,
        };
        let warm = match_profile(&store, &index, &taxonomy, &skill_weights(&index)?, req(&p))?;
        for _ in 0..runs {
            let t = Instant::now();
            std::hint::black_box(match_profile(&store, &index, &taxonomy, &skill_weights(&index)?, req(&p))?);
            match_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        per_file.push(serde_json::json!({
            "file": f.file_name().map(|n| n.to_string_lossy().to_string()),
            "parse_p50_ms": percentile(&mut parse_ms.clone(), 0.5),
            "match_p50_ms": percentile(&mut match_ms.clone(), 0.5),
            "considered": warm.considered,
            "best": warm.matches.first().map(|m| m.score),
        }));
        parse_by_kind.entry(kind).or_default().extend(parse_ms);
        matches.extend(match_ms);
    }
    let parse: serde_json::Map<String, serde_json::Value> = parse_by_kind
        .iter_mut()
        .map(|(k, v)| (k.clone(), serde_json::json!({"p50_ms": percentile(v, 0.5), "p95_ms": percentile(v, 0.95), "max_ms": percentile(v, 1.0), "n": v.len()})))
        .collect();
    let out = serde_json::json!({
        "postings": postings,
        "resumes": per_file.len(),
        "runs": runs,
        "parse": parse,
        "match": {"p50_ms": percentile(&mut matches, 0.5), "p95_ms": percentile(&mut matches, 0.95), "max_ms": percentile(&mut matches, 1.0), "n": matches.len()},
        "per_file": per_file,
    });
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}
