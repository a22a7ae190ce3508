//! Search benchmark in the shape of `shared/bench` (see its README): build the product's search
//! index (`mljobs_store::SearchIndex`: same schema, analyser and query builder as `mljobs search`
//! and the API) from a make-corpus.py JSON Lines file, then run queries.jsonl — one untimed warm-up
//! pass and N timed passes, one request at a time on one thread, exact totals — and print the
//! kit's summary JSON as the last stdout line.
//!
//! The corpus's structured fields map straight onto the index's facets (country, remote →
//! work_mode, employment_type, date) and its salary is converted with the kit's `fx.json`
//! (`min * usd_per_unit * period_to_year`), so totals are comparable with the peers'; the
//! enrichment pipeline (measured by `mljobs-enrich-bench` and the ingest figures) is not run.
//! Typo tolerance is off in the contract run; the `typo`-tagged queries are measured again with
//! it on and reported apart (`typo_tolerant`).
//!
//! `scripts/bench-search.sh` runs it next to the peers with `run-peers.sh --also`.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::Parser;
use mljobs_store::{IndexDoc, SearchIndex, SearchRequest, Sort};
use serde::Deserialize;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "mljobs-search-bench", about = "Search benchmark (shared/bench contract)")]
struct Args {
    /// Postings, JSON Lines (make-corpus.py output).
    #[arg(long)]
    corpus: PathBuf,
    /// Queries, JSON Lines (the kit's queries.jsonl).
    #[arg(long)]
    queries: PathBuf,
    /// The kit's fx.json (default: next to the queries file).
    #[arg(long)]
    fx: Option<PathBuf>,
    /// Timed passes over all queries.
    #[arg(long, default_value_t = 5)]
    passes: usize,
    /// Untimed passes before timing.
    #[arg(long, default_value_t = 1)]
    warmup: usize,
    /// Where the index is built (a fresh subdirectory, deleted afterwards unless --keep).
    #[arg(long, env = "BENCH_WORKDIR", default_value = "/tmp/bench-work")]
    workdir: PathBuf,
    /// Keep the index afterwards.
    #[arg(long)]
    keep: bool,
    /// Index only the first N postings.
    #[arg(long)]
    limit_docs: Option<usize>,
    /// Indexing threads of the tantivy writer (the corpus is read and parsed on the main thread).
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// Query an index kept by an earlier run (--keep) instead of building one (for profiling;
    /// the summary's index figures are then zero).
    #[arg(long)]
    reuse: Option<PathBuf>,
    /// Also write per-query results (JSON Lines) here.
    #[arg(long)]
    details: Option<PathBuf>,
    /// Ask for facet counts too (not part of the kit's contract; a product search does).
    #[arg(long)]
    facets: bool,
}

#[derive(Deserialize)]
struct Posting {
    id: u64,
    title: String,
    company: Option<String>,
    description: String,
    location: Option<Location>,
    remote: Option<String>,
    employment_type: Option<String>,
    date_posted: Option<chrono::NaiveDate>,
    salary: Option<Salary>,
}

#[derive(Deserialize)]
struct Location {
    city: Option<String>,
    country: Option<String>,
}

#[derive(Deserialize)]
struct Salary {
    min: f64,
    max: Option<f64>,
    currency: String,
    period: String,
}

#[derive(Deserialize)]
struct Fx {
    usd_per_unit: BTreeMap<String, f64>,
    period_to_year: BTreeMap<String, f64>,
}

#[derive(Deserialize)]
struct BenchQuery {
    id: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    filters: Filters,
    #[serde(default)]
    sort: String,
    #[serde(default = "twenty")]
    limit: usize,
    #[serde(default)]
    tags: Vec<String>,
}

fn twenty() -> usize {
    20
}

#[derive(Deserialize, Default)]
struct Filters {
    #[serde(default)]
    country: Vec<String>,
    #[serde(default)]
    remote: Vec<String>,
    #[serde(default)]
    employment_type: Vec<String>,
    salary_min_usd: Option<f64>,
    date_posted_gte: Option<chrono::NaiveDate>,
}

impl BenchQuery {
    fn request(&self, typos: bool, facets: bool) -> SearchRequest {
        let mut filters = BTreeMap::new();
        for (facet, values) in [("country", &self.filters.country), ("work_mode", &self.filters.remote), ("employment_type", &self.filters.employment_type)] {
            if !values.is_empty() {
                filters.insert(facet.to_string(), values.clone());
            }
        }
        SearchRequest {
            q: self.q.clone(),
            filters,
            salary_floor: self.filters.salary_min_usd,
            posted_after: self.filters.date_posted_gte,
            sort: if self.sort == "date" { Sort::Date } else { Sort::Relevance },
            limit: self.limit,
            collapse: true,
            typos,
            facets,
            ..SearchRequest::default()
        }
    }
}

fn main() -> Result<()> {
    let args = Args::parse();
    if args.passes == 0 {
        bail!("--passes must be ≥ 1");
    }
    let fx_path = args.fx.clone().unwrap_or_else(|| args.queries.with_file_name("fx.json"));
    let fx: Fx = serde_json::from_str(&std::fs::read_to_string(&fx_path).with_context(|| format!("reading {}", fx_path.display()))?)
        .with_context(|| format!("{}: not the kit's fx.json", fx_path.display()))?;
    let queries = read_queries(&args.queries)?;
    let dir = args.workdir.join(format!("mljobs-{}", std::process::id()));
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }

    let (index, docs, index_s, phases) = match &args.reuse {
        Some(dir) => {
            let index = SearchIndex::open(dir)?;
            let n = index.len() as usize;
            (index, n, 0.0, (0.0, 0.0))
        }
        None => build(&args, &fx, &dir)?,
    };
    let index_bytes = dir_bytes(args.reuse.as_deref().unwrap_or(&dir));
    let (added, committed) = phases;
    eprintln!("[mljobs] indexed {docs} postings in {index_s:.1} s, {:.1} MB, {} segments", index_bytes as f64 / 1e6, index.segments());

    // Queries, exactly as the kit's harness runs them.
    let requests: Vec<SearchRequest> = queries.iter().map(|q| q.request(false, args.facets)).collect();
    let (samples, hits, wall) = run(&index, &queries, &requests, args.passes, args.warmup)?;
    let all: Vec<f64> = sorted(samples.values().flatten().copied());
    let qps = all.len() as f64 / wall;

    // The misspelt queries again, with typo tolerance on (reported apart).
    let typo: Vec<usize> = (0..queries.len()).filter(|&i| queries[i].tags.iter().any(|t| t == "typo")).collect();
    let typo_queries: Vec<&BenchQuery> = typo.iter().map(|&i| &queries[i]).collect();
    let typo_requests: Vec<SearchRequest> = typo_queries.iter().map(|q| q.request(true, args.facets)).collect();
    let typo_owned: Vec<BenchQuery> = typo_queries
        .iter()
        .map(|q| BenchQuery { id: q.id.clone(), q: q.q.clone(), filters: Filters::default(), sort: q.sort.clone(), limit: q.limit, tags: q.tags.clone() })
        .collect();
    let (typo_samples, typo_hits, _) = run(&index, &typo_owned, &typo_requests, args.passes, args.warmup)?;
    let typo_all = sorted(typo_samples.values().flatten().copied());

    if let Some(path) = &args.details {
        let mut f = std::fs::File::create(path)?;
        for q in &queries {
            let s = sorted(samples[&q.id].iter().copied());
            writeln!(
                f,
                "{}",
                serde_json::json!({"id": q.id, "hits": hits[&q.id], "median_ms": round4(percentile(&s, 50.0)), "min_ms": round4(s[0]), "max_ms": round4(s[s.len() - 1])})
            )?;
        }
    }
    let mut by_tag: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for q in &queries {
        for tag in q.tags.iter().cloned().chain([format!("sort:{}", if q.sort == "date" { "date" } else { "relevance" })]) {
            by_tag.entry(tag).or_default().extend(&samples[&q.id]);
        }
    }
    let by_tag: BTreeMap<String, f64> = by_tag.into_iter().map(|(t, v)| (t, round4(percentile(&sorted(v), 50.0)))).collect();
    let latency = latency(&all);
    let summary = serde_json::json!({
        "kit_version": 1,
        "engine": "mljobs",
        "engine_version": format!("mljobs {} (tantivy 0.27)", env!("CARGO_PKG_VERSION")),
        "config": format!("tantivy, one text field title x3 + company x2 + description, Snowball English stemmer + stop words, ASCII folding, positions; \
                           facets as fast string fields; {} indexing thread(s); exact totals (Count); collapse on; facets {}", args.threads, if args.facets { "on" } else { "off" }),
        "corpus": std::fs::canonicalize(&args.corpus)?.display().to_string(),
        "corpus_bytes": std::fs::metadata(&args.corpus)?.len(),
        "docs": docs,
        "queries_file": std::fs::canonicalize(&args.queries)?.display().to_string(),
        "queries": queries.len(),
        "warmup_passes": args.warmup,
        "passes": args.passes,
        "index_s": round3(index_s),
        "index_phases_s": {"read_parse_add": round3(added), "commit": round3(committed - added), "merge": round3(index_s - committed)},
        "index_bytes": index_bytes,
        "latency_ms": latency,
        "latency_p50_by_tag_ms": by_tag,
        "qps": (qps * 100.0).round() / 100.0,
        "hits": hits,
        "typo_tolerant": {"queries": typo_queries.len(), "latency_ms": self::latency(&typo_all), "hits": typo_hits},
        "peak_rss_mb": peak_rss_mb(),
        "machine": machine(),
        "finished_at": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    });
    eprintln!(
        "[mljobs] docs={docs} index={index_s:.1}s size={:.1}MB p50={:.3}ms p95={:.3}ms p99={:.3}ms qps={qps:.0}",
        index_bytes as f64 / 1e6,
        latency["p50"],
        latency["p95"],
        latency["p99"]
    );
    drop(index);
    if !args.keep && args.reuse.is_none() {
        std::fs::remove_dir_all(&dir)?;
    }
    println!("{summary}");
    Ok(())
}

/// Builds the index from the corpus: from the first byte read to a committed, merged index.
/// Returns it with the postings indexed, the seconds taken and the (added, committed) times.
fn build(args: &Args, fx: &Fx, dir: &Path) -> Result<(SearchIndex, usize, f64, (f64, f64))> {
    let started = Instant::now();
    let index = SearchIndex::open(dir)?;
    let mut writer = index.writer_with_threads(args.threads)?;
    let file = std::fs::File::open(&args.corpus).with_context(|| format!("opening {}", args.corpus.display()))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut line = String::new();
    let mut docs = 0usize;
    let mut n = 0usize;
    while reader.read_line(&mut line)? > 0 {
        n += 1;
        if args.limit_docs.is_some_and(|l| docs >= l) {
            break;
        }
        if !line.trim().is_empty() {
            let p: Posting = serde_json::from_str(&line).with_context(|| format!("{}:{n}: not a corpus posting", args.corpus.display()))?;
            let id = p.id.to_string();
            let salary_min = match &p.salary {
                Some(s) => {
                    let usd =
                        fx.usd_per_unit.get(&s.currency).with_context(|| format!("{}:{n}: currency {:?} not in fx.json", args.corpus.display(), s.currency))?;
                    let per =
                        fx.period_to_year.get(&s.period).with_context(|| format!("{}:{n}: period {:?} not in fx.json", args.corpus.display(), s.period))?;
                    Some((s.min * usd * per, s.max.unwrap_or(s.min) * usd * per))
                }
                None => None,
            };
            let doc = IndexDoc {
                id: &id,
                canonical_id: &id,
                title: &p.title,
                company: p.company.as_deref(),
                description: &p.description,
                country: p.location.as_ref().and_then(|l| l.country.as_deref()),
                city: p.location.as_ref().and_then(|l| l.city.as_deref()),
                work_mode: p.remote.as_deref(),
                employment_type: p.employment_type.as_deref(),
                salary_min: salary_min.map(|s| s.0),
                salary_max: salary_min.map(|s| s.1),
                date_posted: p.date_posted,
                ..IndexDoc::default()
            };
            index.add(&writer, &doc)?;
            docs += 1;
        }
        line.clear();
    }
    let added = started.elapsed().as_secs_f64();
    index.commit(&mut writer, docs as i64)?;
    let committed = started.elapsed().as_secs_f64();
    writer.wait_merging_threads()?;
    drop(index);
    let index = SearchIndex::open(dir)?;
    let index_s = started.elapsed().as_secs_f64();
    Ok((index, docs, index_s, (added, committed)))
}

type Samples = BTreeMap<String, Vec<f64>>;

/// Warm-up passes, then timed passes in file order: (samples in ms per query, totals, timed wall s).
fn run(index: &SearchIndex, queries: &[BenchQuery], requests: &[SearchRequest], passes: usize, warmup: usize) -> Result<(Samples, BTreeMap<String, u64>, f64)> {
    let mut hits: BTreeMap<String, u64> = BTreeMap::new();
    for _ in 0..warmup {
        for (q, r) in queries.iter().zip(requests) {
            let res = index.search(r, None)?;
            if res.hits.len() > q.limit.min(res.total as usize) {
                bail!("{}: {} ids for total {}", q.id, res.hits.len(), res.total);
            }
            hits.insert(q.id.clone(), res.total);
        }
    }
    let mut samples: Samples = queries.iter().map(|q| (q.id.clone(), Vec::with_capacity(passes))).collect();
    let all = Instant::now();
    for _ in 0..passes {
        for (q, r) in queries.iter().zip(requests) {
            let t = Instant::now();
            let res = index.search(r, None)?;
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            std::hint::black_box(&res.hits);
            samples.get_mut(&q.id).expect("every query has samples").push(ms);
            let prev = *hits.entry(q.id.clone()).or_insert(res.total);
            if prev != res.total {
                bail!("{}: total hits changed between passes ({prev} -> {})", q.id, res.total);
            }
        }
    }
    Ok((samples, hits, all.elapsed().as_secs_f64()))
}

fn read_queries(path: &Path) -> Result<Vec<BenchQuery>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).with_context(|| format!("{}:{}: not a benchmark query", path.display(), i + 1)))
        .collect()
}

fn sorted(v: impl IntoIterator<Item = f64>) -> Vec<f64> {
    let mut v: Vec<f64> = v.into_iter().collect();
    v.sort_by(f64::total_cmp);
    v
}

/// The `p`-th percentile (0-100), interpolated like the kit (numpy's default); NaN when empty.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() { f64::NAN } else { mljobs_core::survey::percentile(sorted, p / 100.0) }
}

fn latency(all: &[f64]) -> serde_json::Value {
    if all.is_empty() {
        return serde_json::json!({"samples": 0});
    }
    serde_json::json!({
        "p50": round4(percentile(all, 50.0)), "p95": round4(percentile(all, 95.0)), "p99": round4(percentile(all, 99.0)),
        "mean": round4(all.iter().sum::<f64>() / all.len() as f64), "max": round4(all[all.len() - 1]), "samples": all.len(),
    })
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn round4(x: f64) -> f64 {
    (x * 10000.0).round() / 10000.0
}

fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir).map(|rd| rd.flatten().filter_map(|e| e.metadata().ok()).filter(|m| m.is_file()).map(|m| m.len()).sum()).unwrap_or(0)
}

/// Peak resident set (VmHWM) in MB.
fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok()).unwrap_or(0.0);
    (kb / 1024.0 * 10.0).round() / 10.0
}

fn machine() -> serde_json::Value {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| s.lines().find_map(|l| l.strip_prefix("model name").and_then(|r| r.split_once(':')).map(|(_, v)| v.trim().to_string())));
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| s.lines().next().and_then(|l| l.split_whitespace().nth(1)).and_then(|v| v.parse::<f64>().ok()))
        .map(|kb| (kb / 1024.0 / 1024.0 * 10.0).round() / 10.0);
    let load = std::fs::read_to_string("/proc/loadavg").ok().and_then(|s| s.split_whitespace().next().and_then(|v| v.parse::<f64>().ok()));
    serde_json::json!({"cpu": cpu, "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1), "mem_gib": mem, "os": std::env::consts::OS, "load1_at_end": load})
}
