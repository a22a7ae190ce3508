//! Subcommand implementations: parse → call the library → print.

use std::io::{BufWriter, Write};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use mljobs_core::enrich::{Need, Salary};
use mljobs_core::ingest::DecodeOptions;
use mljobs_core::{Enrichment, JobPosting, PostingId, enrich};
use mljobs_store::{IngestSummary, Store};
use serde::Serialize;

use crate::config::{Cli, Command, InputArgs, TaxonomyKind};

/// `println!` that returns an error instead of panicking when stdout is closed (`mljobs stats | head`).
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {
        writeln!(std::io::stdout().lock(), $($arg)*)?
    };
}
use crate::pipeline::{Record, read_file};

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode> {
    match &cli.command {
        Command::Ingest { files, input, batch_size, json } => ingest(&cli, files, input, (*batch_size).max(1), *json),
        Command::Enrich { file, input } => enrich_file(&cli, file, input),
        Command::Show { id, json } => show(&cli, id, *json),
        Command::Stats { top, json } => stats(&cli, *top, *json),
        Command::Taxonomy { kind, json } => taxonomy(&cli, *kind, *json),
        Command::Reindex { json } => reindex(&cli, *json),
        Command::Search { .. } => search(&cli),
        Command::Trends { .. } => crate::trends::run(&cli),
        Command::Report { .. } => crate::trends::report(&cli),
        Command::Alerts { .. } => crate::alerts::run(&cli),
        Command::Profile { file, json, text } => crate::candidate::profile(&cli, file, *json, *text),
        Command::Match { file, role, remote, country, limit, job, json } => {
            let options = mljobs_core::matching::MatchOptions { role: role.clone(), remote: *remote, country: country.clone() };
            match job {
                Some(id) => crate::candidate::candidates(&cli, id, file, options, *limit, *json),
                None => crate::candidate::matches(&cli, file, options, *limit, *json),
            }
        }
        Command::Salary { command: crate::config::SalaryCommand::Stats { by, min_count, json } } => salary_stats(&cli, by, *min_count, *json),
        Command::Salary { command: crate::config::SalaryCommand::Eval(args) } => salary_eval(&cli, args),
        Command::Salary { command: crate::config::SalaryCommand::Train { data, no_postings, json } } => {
            salary_train(&cli, data.as_deref(), *no_postings, *json)
        }
        Command::Salary { command: crate::config::SalaryCommand::Estimate(args) } => salary_estimate(&cli, args),
        Command::Sources { command } => crate::sources::run(&cli, command),
        Command::Crawl { sources, starter, keep, concurrency, due, per_host, host_interval, every, json } => crate::crawl::run(
            &cli,
            sources,
            *starter,
            crate::crawl::Options { keep: *keep, concurrency: *concurrency, due: *due, every: *every, per_host: *per_host, host_interval: *host_interval },
            *json,
        ),
        Command::Serve { demo, bind, threads, cache, max_connections, header_timeout, crawl_every } => {
            let options =
                mljobs_web::ServeOptions { header_read_timeout: std::time::Duration::from_secs((*header_timeout).max(1)), max_connections: *max_connections };
            serve(&cli, *demo, *bind, *threads, *cache, options, *crawl_every)
        }
    }
}

fn options(input: &InputArgs) -> DecodeOptions {
    DecodeOptions { map: input.map.clone().unwrap_or_default(), company: input.company.clone() }
}

/// What an ingest did: counts, and the rejected records and warnings as lines.
pub(crate) struct Ingested {
    pub summary: IngestSummary,
    pub rejected: Vec<String>,
    pub warnings: Vec<String>,
}

/// Reads, enriches and stores `files` into the store and index of `data_dir`, in batches.
/// Records of one file that share an id must be the same posting: two different postings under
/// one id would overwrite each other in the store without a word. The first is kept; a later one
/// with other content is rejected, naming the first (an exact repeat passes and is counted as
/// unchanged).
#[derive(Default)]
struct SameIdCheck {
    seen: std::collections::HashMap<PostingId, (mljobs_core::RecordRef, u64, String)>,
}

impl SameIdCheck {
    fn check(&mut self, p: &JobPosting) -> Option<mljobs_core::ingest::Rejection> {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (&p.title, &p.description, &p.company, &p.locations, &p.base_salary.as_ref().map(|s| format!("{s:?}"))).hash(&mut h);
        let fingerprint = h.finish();
        match self.seen.get(&p.id) {
            None => {
                self.seen.insert(p.id.clone(), (p.provenance.record.clone(), fingerprint, p.title.clone()));
                None
            }
            Some((_, f, _)) if *f == fingerprint => None,
            Some((first, _, title)) => {
                let what = if *title == p.title {
                    format!("title {title:?} but another description, company, place or pay")
                } else {
                    format!("title {title:?}, this one {:?}", p.title)
                };
                let at = first.line.map_or(format!("record {}", first.record), |l| format!("record {} (line {l})", first.record));
                Some(mljobs_core::ingest::Rejection {
                    record: p.provenance.record.clone(),
                    reason: format!("same id as {at} of this file, with different content ({what}); the first is kept"),
                })
            }
        }
    }
}

pub(crate) fn ingest_files(
    taxonomy: &mljobs_core::Taxonomy,
    taxonomy_hash: &str,
    data_dir: &std::path::Path,
    files: &[std::path::PathBuf],
    input: &InputArgs,
    batch_size: usize,
) -> Result<Ingested> {
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    let run = RunOptions { names: &names, batch_size, only_ml: false };
    ingest_inputs(taxonomy, taxonomy_hash, data_dir, &run, files.iter().map(|f| Input::File(f.clone())), input)
}

/// What one ingest run reads: files, or records already decoded (a crawled board).
pub(crate) enum Input {
    /// A file, streamed.
    File(std::path::PathBuf),
    /// Records of one source (the run's list of inputs names it).
    Records {
        /// Its postings and rejected records.
        records: Vec<Record>,
        /// The fetch's lifecycle facts, when the records are a board's listing.
        board: Option<Box<BoardListing>>,
    },
}

/// What a board fetch says about its postings' lives.
pub(crate) struct BoardListing {
    /// The source spec.
    pub spec: String,
    /// Ids of every posting the board listed (the unreadable ones too, where their id is known).
    pub seen: Vec<String>,
    /// Whether the fetch listed the whole board: only then are the missing ones closed.
    pub complete: bool,
    /// The crawl attempt, recorded once the board's postings are stored (so a crawl killed
    /// before that fetches the board again instead of taking it as unchanged).
    pub attempt: Option<mljobs_store::CrawlAttempt>,
}

/// How one ingest run goes.
pub(crate) struct RunOptions<'a> {
    /// The run's inputs as recorded (files, or the sources crawled).
    pub names: &'a [String],
    /// Postings per store transaction.
    pub batch_size: usize,
    /// Store only ML and data roles; count the rest (`not_ml`).
    pub only_ml: bool,
}

/// The one ingest path: validate (done by the caller's decoding), enrich, dedupe, store and
/// index `inputs` in batches. With `only_ml`, postings whose role is not an ML or data role are
/// counted (`not_ml`) and not stored.
pub(crate) fn ingest_inputs(
    taxonomy: &mljobs_core::Taxonomy,
    taxonomy_hash: &str,
    data_dir: &std::path::Path,
    run_options: &RunOptions<'_>,
    inputs: impl IntoIterator<Item = Input>,
    input: &InputArgs,
) -> Result<Ingested> {
    let &RunOptions { names, batch_size, only_ml } = run_options;
    let mut store = Store::open(data_dir)?;
    let now = chrono::Utc::now();
    let mut inputs = inputs.into_iter().peekable();
    let options = options(input);
    let index = open_index_for_writing(&data_dir.join("index"))?;
    // Catch the index up first (a previous run may have died between a store and an index commit).
    // The writer lock is taken before the run is recorded: a second ingest while one runs stops
    // here with a sentence, leaving no unfinished run behind.
    mljobs_store::sync(&store, &index)?;
    let mut index_sync = mljobs_store::IndexSync::new(&index)?;
    let mut summary = IngestSummary { closed: store.close_expired(now)?, ..IngestSummary::default() };
    if inputs.peek().is_none() {
        // Nothing to read (a crawl whose boards all failed or were unchanged): no run is
        // recorded, but what expired is closed and indexed.
        index_sync.catch_up(&store)?;
        index_sync.commit()?;
        return Ok(Ingested { summary, rejected: Vec::new(), warnings: Vec::new() });
    }
    let run = store.begin_run(names, now)?;
    let mut rejected_lines = Vec::new();
    let mut warning_lines = Vec::new();
    for source in inputs {
        let mut batch: Vec<(JobPosting, Enrichment)> = Vec::with_capacity(batch_size);
        let mut rejections = Vec::new();
        let mut in_file = SameIdCheck::default();
        let mut on_record = |record: Record| -> Result<()> {
            summary.read += 1;
            let record = match record {
                Record::Posting(p) => match in_file.check(&p) {
                    Some(conflict) => Record::Rejected(conflict),
                    None => Record::Posting(p),
                },
                other => other,
            };
            match record {
                Record::Posting(p) => {
                    let e = enrich(&p, taxonomy);
                    if only_ml && e.role.id == mljobs_core::enrich::role::OTHER {
                        summary.not_ml += 1;
                        return Ok(());
                    }
                    if !e.warnings.is_empty() {
                        summary.warnings += 1;
                        for w in &e.warnings {
                            warning_lines.push(format!("{}: {w}", p.provenance.record));
                        }
                    }
                    batch.push((*p, e));
                }
                Record::Rejected(r) => {
                    summary.rejected += 1;
                    rejected_lines.push(r.to_string());
                    rejections.push(r);
                }
            }
            if batch.len() >= batch_size {
                let o = store.write_batch(run, &batch, &rejections, taxonomy_hash, now)?;
                summary.add(o);
                // Index what the batch changed; commit every IndexSync::COMMIT_EVERY postings.
                index_sync.catch_up(&store)?;
                index_sync.maybe_commit()?;
                batch.clear();
                rejections.clear();
            }
            Ok(())
        };
        let board = match source {
            Input::File(file) => {
                read_file(&file, input.format, &options, now, &mut on_record)?;
                None
            }
            Input::Records { records, board, .. } => {
                records.into_iter().try_for_each(&mut on_record)?;
                board
            }
        };
        let o = store.write_batch(run, &batch, &rejections, taxonomy_hash, now)?;
        summary.add(o);
        if let Some(BoardListing { spec, seen, complete, attempt }) = board.map(|b| *b) {
            let l = store.apply_board(&spec, &seen, complete, now)?;
            summary.closed += l.closed;
            summary.reopened += l.reopened;
            if let Some(attempt) = attempt {
                store.record_crawl_attempt(&attempt)?;
            }
        }
        index_sync.catch_up(&store)?;
    }
    index_sync.commit()?;
    store.finish_run(run, &summary, chrono::Utc::now())?;
    Ok(Ingested { summary, rejected: rejected_lines, warnings: warning_lines })
}

fn ingest(cli: &Cli, files: &[std::path::PathBuf], input: &InputArgs, batch_size: usize, json: bool) -> Result<ExitCode> {
    let (taxonomy, taxonomy_hash) = cli.load_taxonomy()?;
    let data_dir = cli.data_dir();
    let Ingested { summary, rejected: rejected_lines, warnings: warning_lines } = ingest_files(&taxonomy, &taxonomy_hash, &data_dir, files, input, batch_size)?;
    if json {
        #[derive(Serialize)]
        struct Out<'a> {
            #[serde(flatten)]
            summary: &'a IngestSummary,
            data_dir: String,
            rejections: &'a [String],
            warnings: &'a [String],
        }
        outln!(
            "{}",
            serde_json::to_string_pretty(&Out {
                summary: &summary,
                data_dir: data_dir.display().to_string(),
                rejections: &rejected_lines,
                warnings: &warning_lines
            })?
        );
    } else {
        for r in &rejected_lines {
            eprintln!("rejected: {r}");
        }
        for w in warning_lines.iter().take(50) {
            eprintln!("warning: {w}");
        }
        if warning_lines.len() > 50 {
            eprintln!("warning: … and {} more (see --json)", warning_lines.len() - 50);
        }
        let o = summary.outcome;
        outln!(
            "read {} · new {} · updated {} · unchanged {} · duplicates {} · near-duplicates grouped {} · rejected {} · with warnings {}",
            summary.read,
            o.new,
            o.updated,
            o.unchanged,
            o.duplicates,
            o.grouped,
            summary.rejected,
            summary.warnings
        );
        outln!("store: {}", data_dir.display());
    }
    if summary.outcome.new > 0 {
        crate::alerts::after_store(cli);
    }
    Ok(if summary.rejected > 0 && summary.read == summary.rejected { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// The `mljobs enrich` output record: a stable, flat shape for data people.
#[derive(Serialize)]
struct EnrichedRecord<'a> {
    id: &'a str,
    title: &'a str,
    company: Option<&'a str>,
    role: &'a str,
    role_confidence: f32,
    seniority: Option<&'a str>,
    skills: &'a [mljobs_core::enrich::SkillHit],
    #[serde(skip_serializing_if = "mljobs_core::enrich::education::Education::is_empty")]
    education: &'a mljobs_core::enrich::education::Education,
    salary: Option<SalaryOut<'a>>,
    location: &'a mljobs_core::enrich::Location,
    work_mode: Option<&'static str>,
    employment_type: Option<&'a str>,
    industry: Option<&'a str>,
    areas: &'a [String],
    warnings: &'a [String],
    source: String,
}

#[derive(Serialize)]
struct SalaryOut<'a> {
    min: Option<f64>,
    max: Option<f64>,
    currency: Option<&'a str>,
    period: Option<mljobs_core::enrich::Period>,
    annual_usd_min: Option<f64>,
    annual_usd_max: Option<f64>,
    source: mljobs_core::enrich::SalarySource,
    raw: &'a str,
    period_inferred: bool,
    currency_assumed: bool,
    fx_rate: Option<f64>,
    fx_date: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    ranges: &'a [mljobs_core::enrich::salary::SalaryRange],
}

fn salary_out(s: &Salary) -> SalaryOut<'_> {
    SalaryOut {
        min: s.min,
        max: s.max,
        currency: s.currency.as_deref(),
        period: s.period,
        annual_usd_min: s.annual_usd_min,
        annual_usd_max: s.annual_usd_max,
        source: s.source,
        raw: &s.raw,
        period_inferred: s.period_inferred,
        currency_assumed: s.currency_assumed,
        fx_rate: s.fx_rate,
        fx_date: s.fx_date.as_deref(),
        ranges: &s.ranges,
    }
}

fn enrich_file(cli: &Cli, file: &std::path::Path, input: &InputArgs) -> Result<ExitCode> {
    let (taxonomy, _) = cli.load_taxonomy()?;
    let options = options(input);
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let (mut n_ok, mut n_rejected) = (0u64, 0u64);
    read_file(file, input.format, &options, chrono::Utc::now(), |record| {
        match record {
            Record::Posting(p) => {
                n_ok += 1;
                let e = enrich(&p, &taxonomy);
                write_enriched(&mut out, &p, &e)?;
            }
            Record::Rejected(r) => {
                n_rejected += 1;
                eprintln!("rejected: {r}");
            }
        }
        Ok(())
    })?;
    out.flush()?;
    eprintln!("enriched {n_ok} postings, rejected {n_rejected}");
    Ok(if n_ok == 0 && n_rejected > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn write_enriched(out: &mut impl Write, p: &JobPosting, e: &Enrichment) -> Result<()> {
    let rec = EnrichedRecord {
        id: p.id.as_str(),
        title: &p.title,
        company: p.company.as_deref(),
        role: &e.role.id,
        role_confidence: e.role.confidence,
        seniority: e.seniority.as_ref().map(|s| s.id.as_str()),
        skills: &e.skills,
        education: &e.education,
        salary: e.salary.as_ref().map(salary_out),
        location: &e.location,
        work_mode: e.work_mode.map(|m| m.as_str()),
        employment_type: e.employment_type.as_deref(),
        industry: e.industry.as_ref().map(|i| i.id.as_str()),
        areas: &e.areas,
        warnings: &e.warnings,
        source: p.provenance.record.to_string(),
    };
    serde_json::to_writer(&mut *out, &rec)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// The store of the data directory, which must already hold one: reading commands never create
/// an empty store where a mistyped `--data-dir` points.
pub(crate) fn open_existing(cli: &Cli) -> Result<Store> {
    let dir = cli.data_dir();
    if !Store::exists(&dir) {
        bail!(
            "there is no mljobs store in {}: ingest postings first (mljobs ingest FILE…), or point --data-dir (or MLJOBS_DATA_DIR) at the directory that holds one",
            dir.display()
        );
    }
    Store::open(&dir).with_context(|| format!("opening the store in {}", dir.display()))
}

/// A posting id from an id or a unique prefix of at least 4 hex digits.
pub(crate) fn resolve_id(cli: &Cli, store: &Store, id: &str) -> Result<PostingId> {
    Ok(match PostingId::parse(id) {
        Some(p) => p,
        None if id.len() < 4 || !id.bytes().all(|b| b.is_ascii_hexdigit()) => {
            bail!("{id:?} is not a posting id: an id is 16 hex digits, and a prefix of one needs at least 4 (see mljobs search)")
        }
        None => {
            let hits = store.resolve_prefix(id)?;
            match hits.len() {
                0 => bail!("no posting with id {id:?} in {}", cli.data_dir().display()),
                1 => PostingId::parse(&hits[0]).context("stored id")?,
                _ => bail!("id prefix {id:?} is ambiguous: {}", hits.join(", ")),
            }
        }
    })
}

fn show(cli: &Cli, id: &str, json: bool) -> Result<ExitCode> {
    let store = open_existing(cli)?;
    let full = resolve_id(cli, &store, id)?;
    let Some(stored) = store.get(&full)? else {
        bail!("no posting with id {id:?} in {}", cli.data_dir().display());
    };
    if json {
        outln!("{}", serde_json::to_string_pretty(&stored)?);
        return Ok(ExitCode::SUCCESS);
    }
    let p = &stored.posting;
    let e = &stored.enrichment;
    outln!("{}  {}", p.id, p.title);
    if let Some(c) = &p.company {
        outln!("company     {c}");
    }
    if let Some(u) = &p.provenance.url {
        outln!("url         {u}");
    }
    let l = &stored.lifecycle;
    let day = |t: &str| t.get(..10).unwrap_or(t).to_string();
    match (&l.closed_at, l.closed_reason.as_deref()) {
        (Some(at), Some("expired")) => outln!("status      closed on {} (past its closing date)", day(at)),
        (Some(at), _) => outln!("status      closed on {} (no longer on {})", day(at), l.source.as_deref().unwrap_or("its board")),
        (None, _) => outln!("status      open · first seen {} · last seen {}", day(&l.first_seen), day(&l.last_seen)),
    }
    outln!("role        {} (confidence {:.2}, from {})", e.role.id, e.role.confidence, e.role.basis);
    if let Some(s) = &e.seniority {
        outln!("seniority   {} (from {})", s.id, s.basis);
    }
    let loc: Vec<&str> = [e.location.city.as_deref(), e.location.region.as_deref(), e.location.country.as_deref()].into_iter().flatten().collect();
    outln!(
        "location    {}{}",
        if loc.is_empty() { "unknown".into() } else { loc.join(", ") },
        e.work_mode.map(|m| format!(" · {}", m.as_str())).unwrap_or_default()
    );
    if let Some(t) = &e.employment_type {
        outln!("employment  {t}");
    }
    if let Some(s) = &e.salary {
        let range = |a: Option<f64>, b: Option<f64>| format!("{}–{}", a.map_or("?".into(), |v| format!("{v:.0}")), b.map_or("?".into(), |v| format!("{v:.0}")));
        outln!(
            "salary      {} {} per {} (stated: {:?}){}",
            range(s.min, s.max),
            s.currency.as_deref().unwrap_or("currency unknown"),
            s.period.map_or("unknown period", |p| p.as_str()),
            s.raw,
            if s.annual_usd_min.is_some() || s.annual_usd_max.is_some() {
                format!(" ≈ {} USD/year", range(s.annual_usd_min, s.annual_usd_max))
            } else {
                String::new()
            }
        );
        for r in &s.ranges {
            let label = if r.label.is_empty() { "(unlabelled)" } else { r.label.as_str() };
            outln!(
                "  range     {label}: {} {} per {}",
                range(r.min, r.max),
                r.currency.as_deref().unwrap_or("currency unknown"),
                r.period.map_or("unknown period", |p| p.as_str())
            );
        }
    }
    if let Some(i) = &e.industry {
        outln!("industry    {} (from {})", i.id, i.basis);
    }
    if !e.areas.is_empty() {
        outln!("areas       {}", e.areas.join(", "));
    }
    // Skills by what the posting says of them; "named only": in the company's blurb, benefits
    // or legal text, not asked.
    for (need, label) in [(Need::Required, "required"), (Need::Preferred, "preferred"), (Need::Mentioned, "named only")] {
        let names: Vec<&str> = e.skills.iter().filter(|s| s.need == need).map(|s| &*s.name).collect();
        if !names.is_empty() {
            outln!("{label:<11} {}", names.join(", "));
        }
    }
    if let Some(d) = p.date_posted {
        outln!("posted      {d}");
    }
    outln!("source      {} ({})", p.provenance.source, p.provenance.record);
    if !stored.similar.is_empty() {
        outln!("similar     {} (group {})", stored.similar.join(", "), stored.canonical_id);
    }
    if !stored.aliases.is_empty() {
        outln!("also from   {}", stored.aliases.join(", "));
    }
    for w in &e.warnings {
        outln!("warning     {w}");
    }
    Ok(ExitCode::SUCCESS)
}

fn stats(cli: &Cli, top: usize, json: bool) -> Result<ExitCode> {
    let store = open_existing(cli)?;
    let s = store.stats(top)?;
    if json {
        outln!("{}", serde_json::to_string_pretty(&s)?);
        return Ok(ExitCode::SUCCESS);
    }
    outln!("postings {} ({} after grouping near-duplicates), {} with a salary", s.postings, s.canonical_postings, s.with_salary);
    let section = |name: &str, rows: Vec<(String, u64)>| -> Result<()> {
        outln!("\n{name}");
        let mut rows = rows;
        rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        for (k, n) in rows {
            outln!("  {n:>7}  {k}");
        }
        Ok(())
    };
    section("role", s.by_role.into_iter().collect())?;
    section("seniority", s.by_seniority.into_iter().collect())?;
    section("skill", s.by_skill)?;
    section("industry", s.by_industry.into_iter().collect())?;
    section("country", s.by_country.into_iter().collect())?;
    section("work mode", s.by_work_mode.into_iter().collect())?;
    section("area", s.by_area.into_iter().collect())?;
    Ok(ExitCode::SUCCESS)
}

fn taxonomy(cli: &Cli, kind: TaxonomyKind, json: bool) -> Result<ExitCode> {
    let (t, _) = cli.load_taxonomy()?;
    let mut out = std::io::stdout().lock();
    match kind {
        TaxonomyKind::Roles => {
            if json {
                serde_json::to_writer_pretty(&mut out, &t.roles)?;
            } else {
                for r in &t.roles {
                    writeln!(out, "{:<28} {}{}", r.id, r.name, if r.onet.is_empty() { String::new() } else { format!(" (O*NET {})", r.onet) })?;
                    writeln!(out, "{:<28} {}", "", r.responsibilities.join("; "))?;
                }
                writeln!(out, "{:<28} not an ML/data job", "other")?;
            }
        }
        TaxonomyKind::Skills => {
            if json {
                serde_json::to_writer_pretty(&mut out, &t.skills)?;
            } else {
                for s in &t.skills {
                    writeln!(out, "{:<26} {:<20} {:<28} {}", s.id, s.category, s.name, s.aliases.join(", "))?;
                }
            }
        }
        TaxonomyKind::Industries => {
            if json {
                serde_json::to_writer_pretty(&mut out, &t.industries)?;
            } else {
                for i in &t.industries {
                    writeln!(out, "{:<22} {}", i.id, i.name)?;
                }
            }
        }
        TaxonomyKind::Areas => {
            if json {
                serde_json::to_writer_pretty(&mut out, &t.areas)?;
            } else {
                for a in &t.areas {
                    writeln!(out, "{:<24} {:<12} {}", a.id, a.kind, a.name)?;
                }
            }
        }
        TaxonomyKind::Levels => {
            if json {
                serde_json::to_writer_pretty(&mut out, &t.levels)?;
            } else {
                for l in &t.levels {
                    writeln!(out, "{:<10} {:<14} google {:<12} survey {}", l.id, l.name, l.google, l.survey)?;
                }
            }
        }
    }
    if json {
        writeln!(out)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Opens the index for a command that writes it; a damaged index is recreated (it is derived
/// from the store) and that is said on stderr.
pub(crate) fn open_index_for_writing(dir: &std::path::Path) -> Result<mljobs_store::SearchIndex> {
    let (index, repaired) = mljobs_store::SearchIndex::open_repairing(dir)?;
    if let Some(note) = repaired {
        eprintln!("mljobs: {note}");
    }
    Ok(index)
}

fn reindex(cli: &Cli, json: bool) -> Result<ExitCode> {
    let store = open_existing(cli)?;
    let index = open_index_for_writing(&cli.index_dir())?;
    let started = std::time::Instant::now();
    let n = mljobs_store::rebuild(&store, &index)?;
    let secs = started.elapsed().as_secs_f64();
    if json {
        outln!("{}", serde_json::json!({"indexed": n, "seconds": secs, "index": cli.index_dir().display().to_string()}));
    } else {
        outln!("indexed {n} postings in {secs:.1} s ({})", cli.index_dir().display());
    }
    Ok(ExitCode::SUCCESS)
}

fn salary_stats(cli: &Cli, by: &str, min_count: usize, json: bool) -> Result<ExitCode> {
    let (taxonomy, _) = cli.load_taxonomy()?;
    let (stats, source, salaries) = if by == "industry" {
        // The survey has no industry: postings in the store that state a salary range do.
        let keyed = mljobs_store::Store::open_reader(&cli.data_dir())?.industry_salaries()?;
        let (stats, n) = mljobs_core::salary_model::by_industry(keyed, min_count);
        (stats, mljobs_core::salary_model::POSTINGS_SOURCE, n)
    } else {
        let group =
            mljobs_core::survey::GroupBy::parse(by).with_context(|| format!("--by {by:?}: expected role, level, country, company_size, industry or year"))?;
        let rows = mljobs_core::survey::parse(mljobs_core::survey::EMBEDDED, "data/salaries/aijobs-salaries-2020-2024.csv")?;
        (mljobs_core::survey::stats_by(&rows, group, min_count, &taxonomy), mljobs_core::salary_model::SURVEY_SOURCE, rows.len())
    };
    if json {
        let groups: Vec<serde_json::Value> = stats
            .iter()
            .map(|(k, d)| serde_json::json!({"key": k, "count": d.count, "p10": d.p10, "p25": d.p25, "median": d.median, "p75": d.p75, "p90": d.p90}))
            .collect();
        outln!("{}", serde_json::to_string_pretty(&serde_json::json!({"by": by, "source": source, "salaries": salaries, "groups": groups}))?);
        return Ok(ExitCode::SUCCESS);
    }
    outln!("annual salary in USD by {by} — {source}, {salaries} salaries (groups of {min_count}+)");
    outln!("{:<28} {:>7} {:>9} {:>9} {:>9} {:>9} {:>9}", by, "count", "P10", "P25", "median", "P75", "P90");
    for (k, d) in &stats {
        outln!("{:<28} {:>7} {:>9.0} {:>9.0} {:>9.0} {:>9.0} {:>9.0}", k, d.count, d.p10, d.p25, d.median, d.p75, d.p90);
    }
    Ok(ExitCode::SUCCESS)
}

fn salary_eval(cli: &Cli, args: &crate::config::EvalArgs) -> Result<ExitCode> {
    use mljobs_core::salary_model::{Labelled, SalaryModel, evaluate};
    let (taxonomy, _) = cli.load_taxonomy()?;
    let read = |p: &std::path::Path| -> Result<Vec<mljobs_core::survey::SurveyRow>> {
        let text = std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
        Ok(mljobs_core::survey::parse(&text, &p.display().to_string())?)
    };
    let (train, test, split) = match (&args.train, &args.test) {
        (Some(a), Some(b)) => (read(a)?, read(b)?, format!("train {} · test {}", a.display(), b.display())),
        (None, None) => {
            let (rows, name) = match &args.data {
                Some(p) => (read(p)?, p.display().to_string()),
                None => (
                    mljobs_core::survey::parse(mljobs_core::survey::EMBEDDED, "data/salaries/aijobs-salaries-2020-2024.csv")?,
                    "the bundled survey".to_string(),
                ),
            };
            let until = args.train_until;
            let train: Vec<_> = rows.iter().filter(|r| r.year <= until).cloned().collect();
            let test: Vec<_> = rows.iter().filter(|r| r.year == until + 1).cloned().collect();
            anyhow::ensure!(!test.is_empty(), "{name}: no salaries of {} to test on", until + 1);
            (train, test, format!("{name}: train work_year ≤ {until}, test {}", until + 1))
        }
        _ => anyhow::bail!("--train and --test go together"),
    };
    let started = std::time::Instant::now();
    let model = SalaryModel::train(train.iter().map(Labelled::from_survey).collect(), &taxonomy, &chrono::Utc::now().to_rfc3339())
        .map_err(|e| anyhow::anyhow!("training: {e}"))?;
    let fit_s = started.elapsed().as_secs_f64();
    let profiles: Vec<_> = test.iter().map(|r| (Labelled::from_survey(r).profile, r.year)).collect();
    let est = model.estimate_many(&profiles, &taxonomy);
    let truth: Vec<f64> = test.iter().map(|r| r.salary_usd).collect();
    let m = evaluate(&truth, &est);
    if let Some(path) = &args.predictions {
        let mut out = String::from("p10,p50,p90\n");
        for e in &est {
            out.push_str(&format!("{:.2},{:.2},{:.2}\n", e.p10, e.p50, e.p90));
        }
        std::fs::write(path, out).with_context(|| format!("writing {}", path.display()))?;
    }
    if args.json {
        outln!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({"split": split, "train_rows": train.len(), "test_rows": test.len(), "fit_s": fit_s, "metrics": m})
            )?
        );
    } else {
        outln!("{split}: {} salaries to train on (fit {fit_s:.2} s), {} to test", train.len(), test.len());
        outln!(
            "MAE {:.0} · RMSE {:.0} · R² {} · MdAPE {} % · P10-P90 coverage {} · mean width {:.0} (USD)",
            m.mae,
            m.rmse,
            m.r2,
            m.mdape,
            m.coverage_p10_p90,
            m.mean_width
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn salary_train(cli: &Cli, data: Option<&std::path::Path>, no_postings: bool, json: bool) -> Result<ExitCode> {
    let (taxonomy, _) = cli.load_taxonomy()?;
    let what = match data {
        Some(p) => {
            let text = std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            mljobs_store::salary::TrainingData { survey: mljobs_core::survey::parse(&text, &p.display().to_string())?, postings: !no_postings }
        }
        None => mljobs_store::salary::TrainingData::bundled(!no_postings),
    };
    let dir = cli.data_dir();
    let model = mljobs_store::salary::train(&dir, &what, &taxonomy, chrono::Utc::now())?;
    let path = mljobs_store::salary::model_path(&dir);
    if json {
        outln!("{}", serde_json::to_string_pretty(&serde_json::json!({"path": path, "model": model.info}))?);
    } else {
        let i = &model.info;
        outln!(
            "trained on {} survey salaries and {} postings that state one ({}-{}) in {:.2} s; saved {}",
            i.survey_rows,
            i.posting_rows,
            i.years.0,
            i.years.1,
            i.fit_seconds,
            path.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn salary_estimate(cli: &Cli, a: &crate::config::EstimateArgs) -> Result<ExitCode> {
    let (taxonomy, _) = cli.load_taxonomy()?;
    let input = mljobs_core::salary_model::EstimateInput {
        title: a.title.clone(),
        country: a.country.clone(),
        level: a.level.clone(),
        years: a.years,
        industry: a.industry.clone(),
        company_size: a.company_size.clone(),
        remote: a.remote.then_some(true),
        work_mode: a.work_mode.clone(),
        residence: a.residence.clone(),
        skills: a.skills.clone(),
        employment_type: None,
    };
    let profile = input.resolve(&taxonomy).map_err(|e| {
        let hint = if e.field == "skills" { " (see `mljobs taxonomy skills`)" } else { "" };
        anyhow::anyhow!("{}{hint}", e.to_string().replacen("field `", "--", 1).replacen('`', "", 1).replace('_', "-"))
    })?;
    let (model, trained) = mljobs_store::salary::load_or_train(&cli.data_dir(), &taxonomy, chrono::Utc::now())?;
    if let Some(why) = trained {
        eprintln!("note: {why}; trained one ({} salaries, {:.2} s) and saved it", model.info.survey_rows + model.info.posting_rows, model.info.fit_seconds);
    }
    let e = model.explain(&profile, &taxonomy);
    if a.json {
        outln!("{}", serde_json::to_string_pretty(&serde_json::json!({"estimate": e, "model": model.info}))?);
        return Ok(ExitCode::SUCCESS);
    }
    let usd = |x: f64| format!("${}", mljobs_core::text::thousands(x));
    let p = &e.profile;
    outln!(
        "{} · {} · level {} · {} — annual salary in USD, {}",
        p.title,
        p.country.as_deref().unwrap_or("?"),
        p.level.as_deref().unwrap_or("?"),
        if e.title_recognised { format!("role {}", mljobs_core::salary_model::role_phrase(&e.role, &taxonomy)) } else { "title not recognised".into() },
        e.year
    );
    outln!("  median {}   P10-P90 {} – {}", usd(e.estimate.p50), usd(e.estimate.p10), usd(e.estimate.p90));
    if let Some(n) = &e.notice {
        outln!("  ! {n}");
    }
    outln!("  from the data's baseline {}:", usd(e.baseline));
    for c in &e.contributions {
        outln!("    {:<15} {:>+7.1} %  {:>10}", c.factor, c.effect_pct, format!("{}{}", if c.usd < 0.0 { "-" } else { "+" }, usd(c.usd.abs())));
    }
    for x in &e.assumed {
        outln!("  assumed: {x}");
    }
    for x in &e.caveats {
        outln!("  caveat: {x}");
    }
    if let Some(d) = &e.comparables.distribution {
        outln!("  comparables ({}): {} salaries, median {} (P25 {} – P75 {})", e.comparables.group, d.count, usd(d.median), usd(d.p25), usd(d.p75));
    }
    for c in &e.comparables.examples {
        let r = &c.record;
        outln!(
            "    {} · {} · {} · {} · {} · {:?} (shares {})",
            r.year,
            r.profile.title,
            r.profile.level.as_deref().unwrap_or("-"),
            r.profile.country.as_deref().unwrap_or("-"),
            usd(r.salary_usd),
            r.source,
            c.shares.join(", ")
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn serve(
    cli: &Cli,
    demo: bool,
    bind: std::net::SocketAddr,
    threads: Option<usize>,
    cache: usize,
    options: mljobs_web::ServeOptions,
    crawl_every: Option<std::time::Duration>,
) -> Result<ExitCode> {
    if demo && crawl_every.is_some() {
        bail!("--crawl-every crawls the sources of a data directory; the demo serves sample postings only (drop --demo)");
    }
    let (taxonomy, taxonomy_hash) = cli.load_taxonomy()?;
    let data = if demo { crate::demo::data_dir(cli) } else { cli.data_dir() };
    if demo {
        crate::demo::load_if_empty(&taxonomy, &taxonomy_hash, &data)?;
    }
    {
        // Catch the index up with the store first: the server only reads.
        let store = mljobs_store::Store::open(&data)?;
        let index = open_index_for_writing(&data.join("index"))?;
        match mljobs_store::sync(&store, &index) {
            Ok(0) => {}
            Ok(n) => eprintln!("mljobs: indexed {n} postings"),
            // An ingest is running: serve what is committed; the server follows its commits.
            Err(e @ mljobs_store::SearchError::Busy { .. }) => eprintln!("mljobs: {e}; serving the index as last committed"),
            Err(e) => return Err(e.into()),
        }
    }
    // One worker more than may do store/index work at a time: that one answers /healthz and
    // static files while the others are busy (AppState::with_concurrency).
    let workers = threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()) + 1).max(2);
    let state = mljobs_web::AppState::open(&data, taxonomy).map_err(|e| anyhow::anyhow!("{e}"))?.with_cache(cache).with_concurrency(workers - 1);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(workers).enable_all().build()?;
    let ready = |addr| {
        eprintln!(
            "mljobs: serving {} — open http://{addr}/ (API at http://{addr}/api/v1/jobs, explorer at http://{addr}/api/docs/; Ctrl-C stops)",
            data.display()
        );
    };
    // With --crawl-every, a thread keeps the store fresh; the server follows the index's commits.
    // On Ctrl-C or SIGTERM the server stops taking requests and the crawl starts no new board:
    // the boards in flight finish and are stored before the process ends.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let shutdown = {
        let stop = stop.clone();
        async move {
            mljobs_web::shutdown_signal().await;
            stop.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    };
    std::thread::scope(|scope| -> Result<()> {
        if let Some(every) = crawl_every {
            let stop = &stop;
            scope.spawn(move || crate::crawl::keep_fresh(cli, every, stop));
        }
        let served =
            rt.block_on(mljobs_web::serve_until(bind, mljobs_web::router(state), options, ready, shutdown)).with_context(|| format!("serving on {bind}"));
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
        served
    })?;
    Ok(ExitCode::SUCCESS)
}

fn search(cli: &Cli) -> Result<ExitCode> {
    let Command::Search { query, filters, sort, limit, offset, no_collapse, exact, json } = &cli.command else { unreachable!("called for search only") };
    let (taxonomy, _) = cli.load_taxonomy()?;
    let store = open_existing(cli)?;
    let index = synced_reader(cli, &store)?;
    let req = mljobs_store::SearchRequest {
        q: query.clone(),
        sort: match sort.as_str() {
            "date" => mljobs_store::Sort::Date,
            "salary" => mljobs_store::Sort::Salary,
            _ => mljobs_store::Sort::Relevance,
        },
        offset: *offset,
        limit: (*limit).clamp(1, 1000),
        collapse: !no_collapse,
        typos: !exact,
        facets: *json,
        ..filters.request(&taxonomy)?
    };
    let started = std::time::Instant::now();
    let synonyms = mljobs_store::Synonyms::new(&taxonomy);
    let results = index.search(&req, Some(&synonyms))?;
    let took_ms = started.elapsed().as_secs_f64() * 1000.0;
    let mut rows = Vec::new();
    for hit in &results.hits {
        let Some(id) = PostingId::parse(&hit.id) else { continue };
        if let Some(stored) = store.get(&id)? {
            rows.push((hit, stored));
        }
    }
    let texts: Vec<&str> = rows.iter().map(|(_, s)| s.posting.description.as_str()).collect();
    let snippets = index.snippets(&req, Some(&synonyms), &texts)?;
    if *json {
        let hits: Vec<serde_json::Value> = rows
            .iter()
            .zip(&snippets)
            .map(|((hit, s), snippet)| {
                let e = &s.enrichment;
                serde_json::json!({
                    "id": hit.id, "score": hit.score, "similar": hit.similar, "title": s.posting.title, "company": s.posting.company,
                    "role": e.role.id, "seniority": e.seniority.as_ref().map(|x| &x.id), "location": e.location, "work_mode": e.work_mode,
                    "salary": e.salary.as_ref().map(|x| serde_json::json!({"annual_usd_min": x.annual_usd_min, "annual_usd_max": x.annual_usd_max, "raw": x.raw})),
                    "date_posted": s.posting.date_posted, "skills": e.skills.iter().map(|x| &*x.id).collect::<Vec<_>>(),
                    "snippet": snippet.html, "first_seen": s.lifecycle.first_seen, "closed_at": s.lifecycle.closed_at,
                })
            })
            .collect();
        outln!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({"total": results.total, "took_ms": took_ms, "typos_applied": results.typos_applied, "hits": hits, "facets": results.facets})
            )?
        );
        return Ok(ExitCode::SUCCESS);
    }
    let spelling = if results.typos_applied { " for close spellings of your words (nothing matched them exactly)" } else { "" };
    outln!("{} postings{spelling} ({took_ms:.1} ms)", results.total);
    for ((hit, s), snippet) in rows.into_iter().zip(&snippets) {
        let e = &s.enrichment;
        let loc: Vec<&str> = [e.location.city.as_deref(), e.location.country.as_deref()].into_iter().flatten().collect();
        let salary = e.salary.as_ref().and_then(|x| Some(format!(" · ${:.0}k", x.annual_usd_max.or(x.annual_usd_min)? / 1000.0))).unwrap_or_default();
        let similar = if hit.similar > 0 { format!(" · {} similar", hit.similar) } else { String::new() };
        outln!(
            "{}  {} — {} · {}{}{}{}",
            &hit.id[..8],
            s.posting.title,
            s.posting.company.as_deref().unwrap_or("?"),
            if loc.is_empty() { "location unknown".to_string() } else { loc.join(", ") },
            e.work_mode.map(|m| format!(" · {}", m.as_str())).unwrap_or_default(),
            salary,
            similar
        );
        if !snippet.text.is_empty() {
            outln!("          {}", snippet.text.replace('\n', " "));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The search index as a reader, caught up with the store when it is behind and no one else is
/// writing it.
pub(crate) fn synced_reader(cli: &Cli, store: &mljobs_store::Store) -> Result<mljobs_store::SearchIndex> {
    let index = mljobs_store::SearchIndex::open(&cli.index_dir())?;
    match mljobs_store::sync(store, &index) {
        Ok(_) => {}
        Err(mljobs_store::SearchError::Busy { .. }) => {
            eprintln!("mljobs: an ingest or reindex is writing the index; these results are from its last commit")
        }
        Err(e) => return Err(e.into()),
    }
    Ok(index)
}

impl crate::config::SearchFilters {
    /// The search these flags ask for (words, paging and sorting left to the caller); a value the
    /// taxonomy does not know is an error naming the flag and where the ids are listed.
    pub fn request(&self, taxonomy: &mljobs_core::Taxonomy) -> Result<mljobs_store::SearchRequest> {
        let mut filters = std::collections::BTreeMap::new();
        let mut modes = self.work_mode.clone();
        if self.remote {
            modes.push("remote".into());
        }
        for (name, values) in [
            ("role", &self.role),
            ("seniority", &self.seniority),
            ("skill", &self.skill),
            ("industry", &self.industry),
            ("country", &self.country),
            ("region", &self.region),
            ("city", &self.city),
            ("work_mode", &modes),
            ("employment_type", &self.employment_type),
            ("area", &self.area),
            ("company", &self.company),
            ("degree", &self.degree),
            ("degree_named", &self.degree_named),
        ] {
            // The same check as the API's: an unknown value is an error with the value meant.
            let mut checked = Vec::new();
            for v in values {
                let value = taxonomy.facet_value(name, v).map_err(|e| {
                    let list = match name {
                        "role" | "skill" | "area" | "industry" => {
                            format!("; the ids: mljobs taxonomy {}", if name == "industry" { "industries".into() } else { format!("{name}s") })
                        }
                        "seniority" => "; the ids: mljobs taxonomy levels".into(),
                        _ => String::new(),
                    };
                    anyhow::anyhow!("--{}: {v:?} is not valid; {e}{list}", name.replace('_', "-"))
                })?;
                checked.push(value);
            }
            if !checked.is_empty() {
                filters.insert(name.to_string(), checked);
            }
        }
        Ok(mljobs_store::SearchRequest {
            filters,
            salary_min: self.salary_min,
            salary_floor: None,
            require_salary: self.with_salary,
            posted_after: self.posted_after,
            first_seen_after: self.first_seen_after,
            status: self.status.parse().map_err(anyhow::Error::msg)?,
            collapse: true,
            typos: true,
            ..mljobs_store::SearchRequest::default()
        })
    }
}
