//! `mljobs serve --demo`: a complete site on bundled, redistributable data, with no setup. The
//! demo has its own data directory (`--data-dir`, else `mljobs-demo` beside the default one), so
//! it never mixes with a user's postings. When that store is empty the bundled postings are
//! ingested through the normal pipeline:
//!
//! - `data/demo/mljobs-demo-sample-postings.jsonl`: 509 invented postings, 9 of them reposts of others (see
//!   `data/demo/README.md`), read from a file of that name so every page can mark them as sample
//!   data ([`mljobs_core::posting::SAMPLE_FILE`]);
//! - `testdata/skillspan/dev-postings.jsonl`: the SkillSpan dev postings (CC BY 4.0).
//!
//! The salary survey (CC0) is compiled into the core crate already.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::commands::{Ingested, ingest_files};
use crate::config::{Cli, InputArgs};

const SAMPLE: &str = include_str!("../../../data/demo/mljobs-demo-sample-postings.jsonl");
const SKILLSPAN: &str = include_str!("../../../testdata/skillspan/dev-postings.jsonl");

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
    let files = [(mljobs_core::posting::SAMPLE_FILE, SAMPLE), ("skillspan-dev-postings.jsonl", SKILLSPAN)];
    let mut paths = Vec::new();
    for (name, text) in files {
        let path = input.join(name);
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
        paths.push(path);
    }
    eprintln!("mljobs: loading the demo data into {} (sample postings, SkillSpan postings)…", dir.display());
    let started = std::time::Instant::now();
    let args = InputArgs { format: mljobs_core::ingest::Format::Auto, map: None, company: None };
    let Ingested { summary, rejected, .. } = ingest_files(taxonomy, taxonomy_hash, dir, &paths, &args, 500)?;
    for r in &rejected {
        eprintln!("mljobs: demo record rejected: {r}");
    }
    eprintln!("mljobs: loaded {} demo postings in {:.1} s", summary.outcome.new, started.elapsed().as_secs_f64());
    Ok(())
}
