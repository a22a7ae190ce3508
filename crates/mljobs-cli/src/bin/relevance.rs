//! Relevance evaluation of search: NDCG@10 on a judged query set (`data/relevance/`, see its
//! README for the corpus, the queries, the grading rubric and how the pool was judged).
//!
//! The corpus files are decoded and enriched exactly as `mljobs ingest` does, indexed in memory
//! with the product's index (`mljobs_store::SearchIndex`), and every query is run by three rankers:
//!
//! * `mljobs` — the product's search (synonyms, skill tags, field weights), as `mljobs search` and
//!   the API run it;
//! * `bm25` — the same index and analyser without the taxonomy and the title score: plain BM25
//!   over title ×3, company ×2 and description (Xapian's weighting, the baseline every full-text engine gives);
//! * `fts5` — SQLite FTS5 over the same texts (porter stemmer, `bm25(3, 2, 1)`), the benchmark
//!   kit's peer.
//!
//! `pool` prints the top `--depth` of every ranker that the judgments do not grade yet, as a
//! judging sheet (TSV: the judge fills the first column); `eval` prints NDCG@10 per query and its
//! mean for each ranker (all queries, the `dev` queries ranking was tuned on and the held-out
//! `test` ones), and with `--min-ndcg` exits 1 when the chosen ranker's mean is below it.
//!
//! Usage: `mljobs-relevance eval|pool [--dir data/relevance] [--ranker mljobs] [--min-ndcg 0.9] [--json]`

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::BufReader;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use mljobs_core::ingest::{self, DecodeOptions};
use mljobs_core::{Enrichment, JobPosting, Taxonomy, enrich};
use mljobs_store::{IndexDoc, SearchIndex, SearchRequest, Synonyms};
use serde::Serialize;

#[derive(Parser)]
#[command(name = "mljobs-relevance", about = "NDCG@10 of search on the judged query set (data/relevance)")]
struct Args {
    #[command(subcommand)]
    command: Command,
    /// The judged set: corpus files (`*.jsonl` named in `corpus.txt`), `queries.tsv`, `judgments.tsv`.
    #[arg(long, global = true, default_value = "data/relevance")]
    dir: PathBuf,
}

#[derive(Subcommand)]
enum Command {
    /// NDCG@10 per ranker.
    Eval {
        /// Rankers to evaluate (mljobs, bm25, fts5).
        #[arg(long, value_delimiter = ',', default_value = "mljobs,bm25,fts5")]
        ranker: Vec<String>,
        /// Exit 1 when the first ranker's mean NDCG@10 over all queries is below this.
        #[arg(long)]
        min_ndcg: Option<f64>,
        /// Print per-query figures too.
        #[arg(long)]
        verbose: bool,
        /// JSON instead of the table.
        #[arg(long)]
        json: bool,
    },
    /// The unjudged part of every ranker's top `depth`, as a judging sheet.
    Pool {
        #[arg(long, default_value_t = 10)]
        depth: usize,
        /// Only these query ids.
        #[arg(long, value_delimiter = ',')]
        only: Vec<String>,
    },
    /// Every posting as `id<TAB>title<TAB>description as a JSON string` (for the judge's tools).
    Dump,
    /// A ranker's top 10 for one query, with the grades.
    Show {
        /// Query id (`q01`).
        query: String,
        #[arg(long, default_value = "mljobs")]
        ranker: String,
    },
}

/// A posting of the corpus with what the judge needs to see.
struct Doc {
    posting: JobPosting,
    enrichment: Enrichment,
}

struct Query {
    id: String,
    text: String,
    set: String,
}

struct Corpus {
    docs: Vec<Doc>,
    by_id: HashMap<String, usize>,
    index: SearchIndex,
    synonyms: Synonyms,
    fts: rusqlite::Connection,
}

const K: usize = 10;

fn main() -> Result<()> {
    let args = Args::parse();
    let queries = read_queries(&args.dir.join("queries.tsv"))?;
    let judgments = read_judgments(&args.dir.join("judgments.tsv"))?;
    let corpus = load(&args.dir)?;
    match args.command {
        Command::Eval { ranker, min_ndcg, verbose, json } => eval(&corpus, &queries, &judgments, &ranker, min_ndcg, verbose, json),
        Command::Pool { depth, only } => pool(&corpus, &queries, &judgments, depth, &only),
        Command::Show { query, ranker } => {
            let q = queries.iter().find(|q| q.id == query).with_context(|| format!("no query {query}"))?;
            for (i, id) in run(&corpus, &ranker, &q.text, K)?.iter().enumerate() {
                let grade = judgments.get(&(q.id.clone(), id.clone())).map_or("?".to_string(), u8::to_string);
                let d = &corpus.docs[corpus.by_id[id]];
                println!("{:>2} {grade} {id} {} | {} | {}", i + 1, d.posting.title, d.enrichment.role.id, d.posting.description.chars().count());
            }
            Ok(())
        }
        Command::Dump => {
            for d in &corpus.docs {
                println!("{}\t{}\t{}", d.posting.id.as_str(), d.posting.title, serde_json::to_string(&d.posting.description)?);
            }
            Ok(())
        }
    }
}

fn read_queries(path: &Path) -> Result<Vec<Query>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let [id, set, q] = cols[..] else { bail!("{}:{}: expected `id<TAB>dev|test<TAB>query`, found {line:?}", path.display(), n + 1) };
        if set != "dev" && set != "test" {
            bail!("{}:{}: set must be dev or test, found {set:?}", path.display(), n + 1);
        }
        out.push(Query { id: id.to_string(), text: q.to_string(), set: set.to_string() });
    }
    Ok(out)
}

/// (query id, posting id) → grade 0/1/2.
fn read_judgments(path: &Path) -> Result<HashMap<(String, String), u8>> {
    let mut out = HashMap::new();
    let Ok(text) = std::fs::read_to_string(path) else { return Ok(out) };
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 3 {
            bail!("{}:{}: expected `grade<TAB>query id<TAB>posting id…`, found {line:?}", path.display(), n + 1);
        }
        let grade: u8 = match cols[0].trim() {
            "0" => 0,
            "1" => 1,
            "2" => 2,
            g => bail!("{}:{}: grade must be 0, 1 or 2, found {g:?}", path.display(), n + 1),
        };
        out.insert((cols[1].to_string(), cols[2].to_string()), grade);
    }
    Ok(out)
}

fn load(dir: &Path) -> Result<Corpus> {
    let list = dir.join("corpus.txt");
    let names = std::fs::read_to_string(&list).with_context(|| format!("reading {}", list.display()))?;
    let taxonomy = Taxonomy::embedded();
    let options = DecodeOptions::default();
    // A fixed clock: identities and dates do not depend on the day the evaluation runs.
    let now = chrono::DateTime::parse_from_rfc3339("2026-12-01T00:00:00Z").expect("valid date").to_utc();
    let mut docs = Vec::new();
    for name in names.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let path = dir.join(name);
        let file = std::fs::File::open(&path).with_context(|| format!("reading {}", path.display()))?;
        let label = path.display().to_string();
        for item in ingest::decode_jsonl(BufReader::new(file), &label, &options) {
            let raw = item.map_err(|e| anyhow::anyhow!("{e}"))?;
            let posting = JobPosting::from_raw(raw, now).map_err(|e| anyhow::anyhow!("{label}: {e}"))?;
            let enrichment = enrich(&posting, &taxonomy);
            docs.push(Doc { posting, enrichment });
        }
    }
    let index = SearchIndex::in_memory()?;
    let mut writer = index.writer()?;
    let mut by_id = HashMap::new();
    for (i, d) in docs.iter().enumerate() {
        let id = d.posting.id.as_str();
        if by_id.insert(id.to_string(), i).is_some() {
            bail!("posting {id} appears twice in the corpus");
        }
        index.add(&writer, &IndexDoc::new(&d.posting, &d.enrichment, id))?;
    }
    index.commit(&mut writer, 1)?;
    let fts = rusqlite::Connection::open_in_memory()?;
    fts.execute_batch("CREATE VIRTUAL TABLE fts USING fts5(id UNINDEXED, title, company, description, tokenize='porter unicode61 remove_diacritics 2');")?;
    {
        let mut insert = fts.prepare("INSERT INTO fts(id, title, company, description) VALUES (?1, ?2, ?3, ?4)")?;
        for d in &docs {
            let p = &d.posting;
            insert.execute((p.id.as_str(), &p.title, p.company.as_deref().unwrap_or(""), &p.description))?;
        }
    }
    Ok(Corpus { docs, by_id, index, synonyms: Synonyms::new(&taxonomy), fts })
}

/// The top `k` posting ids of `ranker` for `q`.
fn run(corpus: &Corpus, ranker: &str, q: &str, k: usize) -> Result<Vec<String>> {
    let req = SearchRequest { q: q.to_string(), limit: k, ..SearchRequest::default() };
    Ok(match ranker {
        "mljobs" => corpus.index.search(&req, Some(&corpus.synonyms))?.hits.into_iter().map(|h| h.id).collect(),
        "bm25" => {
            corpus.index.set_title_score(false);
            let hits = corpus.index.search(&req, None);
            corpus.index.set_title_score(true);
            hits?.hits.into_iter().map(|h| h.id).collect()
        }
        "fts5" => {
            // Every word required, each quoted (FTS5 syntax characters are literal inside quotes;
            // its tokenizer splits "a/b" into a phrase).
            let expr: Vec<String> = q.split_whitespace().map(|w| format!("\"{}\"", w.replace('"', ""))).collect();
            let mut stmt = corpus.fts.prepare_cached("SELECT id FROM fts WHERE fts MATCH ?1 ORDER BY bm25(fts, 0.0, 3.0, 2.0, 1.0) LIMIT ?2")?;
            let rows = stmt.query_map((expr.join(" "), k as i64), |r| r.get::<_, String>(0))?;
            rows.collect::<Result<Vec<_>, _>>()?
        }
        other => bail!("unknown ranker {other:?}: rankers are mljobs, bm25, fts5"),
    })
}

/// NDCG@k with gains 2^grade − 1; unjudged postings count as 0. The ideal ranking is over every
/// judged posting of the query.
fn ndcg(ranked: &[String], judged: &HashMap<&str, u8>) -> f64 {
    let gain = |g: u8| f64::from((1u32 << g) - 1);
    let discount = |i: usize| 1.0 / ((i + 2) as f64).log2();
    let dcg: f64 = ranked.iter().take(K).enumerate().map(|(i, id)| gain(judged.get(id.as_str()).copied().unwrap_or(0)) * discount(i)).sum();
    let mut ideal: Vec<u8> = judged.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal.iter().take(K).enumerate().map(|(i, &g)| gain(g) * discount(i)).sum();
    // + 0.0: an empty sum is -0.0.
    if idcg == 0.0 { 0.0 } else { dcg / idcg + 0.0 }
}

#[derive(Serialize)]
struct RankerScore {
    ranker: String,
    ndcg_all: f64,
    ndcg_dev: f64,
    ndcg_test: f64,
    unjudged_in_top10: usize,
    queries: BTreeMap<String, f64>,
}

fn eval(
    corpus: &Corpus,
    queries: &[Query],
    judgments: &HashMap<(String, String), u8>,
    rankers: &[String],
    min: Option<f64>,
    verbose: bool,
    json: bool,
) -> Result<()> {
    let mut scores = Vec::new();
    for ranker in rankers {
        let mut per = BTreeMap::new();
        let (mut all, mut dev, mut test) = (Vec::new(), Vec::new(), Vec::new());
        let mut unjudged = 0;
        for q in queries {
            let judged: HashMap<&str, u8> = judgments.iter().filter(|((qid, _), _)| *qid == q.id).map(|((_, d), &g)| (d.as_str(), g)).collect();
            let ranked = run(corpus, ranker, &q.text, K)?;
            unjudged += ranked.iter().filter(|id| !judged.contains_key(id.as_str())).count();
            let n = ndcg(&ranked, &judged);
            per.insert(format!("{} {}", q.id, q.text), n);
            all.push(n);
            if q.set == "dev" { dev.push(n) } else { test.push(n) }
        }
        let mean = |v: &[f64]| if v.is_empty() { 0.0 } else { v.iter().sum::<f64>() / v.len() as f64 };
        scores.push(RankerScore {
            ranker: ranker.clone(),
            ndcg_all: mean(&all),
            ndcg_dev: mean(&dev),
            ndcg_test: mean(&test),
            unjudged_in_top10: unjudged,
            queries: per,
        });
    }
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({"postings": corpus.docs.len(), "queries": queries.len(), "judgments": judgments.len(), "rankers": scores})
            )?
        );
    } else {
        println!(
            "{} postings, {} queries ({} dev, {} test), {} judgments",
            corpus.docs.len(),
            queries.len(),
            queries.iter().filter(|q| q.set == "dev").count(),
            queries.iter().filter(|q| q.set == "test").count(),
            judgments.len()
        );
        if verbose {
            print!("{:<34}", "query");
            for s in &scores {
                print!(" {:>7}", s.ranker);
            }
            println!();
            for q in queries {
                let key = format!("{} {}", q.id, q.text);
                print!("{:<34}", format!("{key} ({})", q.set));
                for s in &scores {
                    print!(" {:>7.3}", s.queries[&key]);
                }
                println!();
            }
        }
        println!("{:<8} {:>9} {:>9} {:>9} {:>10}", "ranker", "NDCG@10", "dev", "test", "unjudged");
        for s in &scores {
            println!("{:<8} {:>9.3} {:>9.3} {:>9.3} {:>10}", s.ranker, s.ndcg_all, s.ndcg_dev, s.ndcg_test, s.unjudged_in_top10);
        }
    }
    if let (Some(min), Some(first)) = (min, scores.first())
        && first.ndcg_all < min
    {
        bail!("{}: mean NDCG@10 {:.3} is below {min}", first.ranker, first.ndcg_all);
    }
    Ok(())
}

fn pool(corpus: &Corpus, queries: &[Query], judgments: &HashMap<(String, String), u8>, depth: usize, only: &[String]) -> Result<()> {
    println!("# grade\tquery\tposting\tquery text\tfound by\ttitle | company | role, seniority | skills | where the query words occur");
    for q in queries.iter().filter(|q| only.is_empty() || only.contains(&q.id)) {
        let mut found: Vec<(String, Vec<String>)> = Vec::new();
        for ranker in ["mljobs", "bm25", "fts5"] {
            for (rank, id) in run(corpus, ranker, &q.text, depth)?.into_iter().enumerate() {
                let tag = format!("{ranker}#{}", rank + 1);
                match found.iter_mut().find(|(d, _)| *d == id) {
                    Some((_, by)) => by.push(tag),
                    None => found.push((id, vec![tag])),
                }
            }
        }
        let seen: HashSet<&str> = judgments.keys().filter(|(qid, _)| *qid == q.id).map(|(_, d)| d.as_str()).collect();
        for (id, by) in found.iter().filter(|(id, _)| !seen.contains(id.as_str())) {
            let d = &corpus.docs[corpus.by_id[id]];
            let p = &d.posting;
            let e = &d.enrichment;
            let skills: Vec<&str> = e.skills.iter().map(|s| &*s.id).take(12).collect();
            println!(
                "\t{}\t{}\t{}\t{}\t{} | {} | {}, {} | {} | {}",
                q.id,
                id,
                q.text,
                by.join(" "),
                p.title,
                p.company.as_deref().unwrap_or("-"),
                e.role.id,
                e.seniority.as_ref().map_or("-", |s| s.id.as_str()),
                skills.join(","),
                contexts(&p.description, &q.text)
            );
        }
    }
    Ok(())
}

/// Where the query's words occur in the description: each occurrence of the first word of at
/// least 3 letters with 60 characters either side (at most 4), and the description's length.
fn contexts(description: &str, q: &str) -> String {
    let flat = description.replace(['\n', '\t'], " ");
    let lower = flat.to_ascii_lowercase();
    let word = q.split_whitespace().find(|w| w.len() >= 3).unwrap_or(q).to_lowercase();
    let stem = &word[..word.len().min(6)];
    let mut out = vec![format!("{} chars", flat.chars().count())];
    let mut from = 0;
    while let Some(at) = lower[from..].find(stem).map(|i| i + from) {
        let mut start = at.saturating_sub(60);
        while !flat.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (at + stem.len() + 60).min(flat.len());
        while !flat.is_char_boundary(end) {
            end += 1;
        }
        out.push(format!("…{}…", &flat[start..end]));
        from = at + stem.len();
        if out.len() > 4 {
            break;
        }
    }
    out.join(" ")
}
