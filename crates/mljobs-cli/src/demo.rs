//! `mljobs serve --demo`: a complete site on bundled, invented data, with no setup. The demo has
//! its own data directory (`--data-dir`, else `mljobs-demo` beside the default one), so it never
//! mixes with a user's postings. When that store is empty the bundled sample postings
//! (`data/demo/mljobs-demo-sample-postings.jsonl`, written by `scripts/make-demo.py`: about 2,000
//! coherent postings over every role, level, country and industry, 21 of them reposts) are
//! ingested through the normal pipeline, read from a file of that name so every page can mark
//! them as sample data ([`mljobs_core::posting::SAMPLE_FILE`]). Their dates are relative to
//! [`REFERENCE`]: they are shifted so the newest is from the day the demo is loaded.
//!
//! The salary survey (CC0) is compiled into the core crate already.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::commands::{Ingested, ingest_files};
use crate::config::{Cli, InputArgs};

const SAMPLE: &str = include_str!("../../../data/demo/mljobs-demo-sample-postings.jsonl");
/// The day the sample postings' dates are written relative to (`REFERENCE` in `scripts/make-demo.py`).
pub const REFERENCE: chrono::NaiveDate = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();

/// The sample postings with every `date_posted` moved by the days from [`REFERENCE`] to `today`.
pub fn samples_as_of(today: chrono::NaiveDate) -> Result<String> {
    let shift = today.signed_duration_since(REFERENCE);
    let mut out = String::with_capacity(SAMPLE.len());
    for (i, line) in SAMPLE.lines().enumerate() {
        let mut d: serde_json::Value = serde_json::from_str(line).with_context(|| format!("bundled sample posting {}", i + 1))?;
        if let Some(date) = d.get("date_posted").and_then(|v| v.as_str()).and_then(|v| chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").ok()) {
            d["date_posted"] = serde_json::Value::String((date + shift).to_string());
        }
        out.push_str(&serde_json::to_string(&d)?);
        out.push('\n');
    }
    Ok(out)
}

/// The demo's data directory: `--data-dir` / `MLJOBS_DATA_DIR` when given, else `mljobs-demo`
/// beside the default data directory.
pub fn data_dir(cli: &Cli) -> PathBuf {
    match &cli.data_dir {
        Some(d) => d.clone(),
        None => cli.data_dir().with_file_name("mljobs-demo"),
    }
}

/// Loads the bundled postings when the store at `dir` has none; says what it did on stderr.
pub fn load_if_empty(taxonomy: &mljobs_core::Taxonomy, taxonomy_hash: &str, dir: &Path) -> Result<()> {
    let count = mljobs_store::Store::open(dir).with_context(|| format!("opening the demo store in {}", dir.display()))?.count()?;
    if count > 0 {
        eprintln!("mljobs: demo data directory {} ({count} postings)", dir.display());
        return Ok(());
    }
    let input = dir.join("demo-input");
    std::fs::create_dir_all(&input).with_context(|| format!("creating {}", input.display()))?;
    let path = input.join(mljobs_core::posting::SAMPLE_FILE);
    std::fs::write(&path, samples_as_of(chrono::Utc::now().date_naive())?).with_context(|| format!("writing {}", path.display()))?;
    let paths = [path];
    eprintln!("mljobs: loading the demo's sample postings into {}…", dir.display());
    let started = std::time::Instant::now();
    let args = InputArgs { format: mljobs_core::ingest::Format::Auto, map: None, company: None };
    let Ingested { summary, rejected, .. } = ingest_files(taxonomy, taxonomy_hash, dir, &paths, &args, 500)?;
    for r in &rejected {
        eprintln!("mljobs: demo record rejected: {r}");
    }
    eprintln!("mljobs: loaded {} demo postings in {:.1} s", summary.outcome.new, started.elapsed().as_secs_f64());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_postings_are_dated_from_the_day_they_are_loaded_and_read_like_postings() {
        let today = chrono::NaiveDate::from_ymd_opt(2027, 3, 15).unwrap();
        let text = samples_as_of(today).unwrap();
        let postings: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert!(postings.len() >= 2000, "{}", postings.len());
        let dates: Vec<chrono::NaiveDate> =
            postings.iter().filter_map(|p| p["date_posted"].as_str()).map(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap()).collect();
        assert_eq!(dates.iter().max(), Some(&today), "the newest posting is from the day of loading");
        assert!(dates.iter().all(|d| *d > today - chrono::Days::new(130)), "all within the last months");
        let countries: std::collections::BTreeSet<&str> = postings.iter().filter_map(|p| p["location"]["country"].as_str()).collect();
        assert!(countries.len() >= 12, "{countries:?}");
        for p in &postings {
            let d = p["description"].as_str().unwrap();
            assert!(!d.contains("<ORGANIZATION>") && !d.contains("<NAME>") && d.ends_with("The company and the job do not exist."), "{d}");
        }
    }
}
