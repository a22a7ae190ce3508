//! `mljobs crawl`: fetch the boards of the sources, then ingest what they hold through the one
//! ingest path, and record every attempt on its source.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use futures_util::StreamExt;
use mljobs_core::sources::{ListedBoard, SourceSpec};
use mljobs_crawl::connectors::BoardError;
use mljobs_crawl::{Bases, BoardFetch, FetchConfig, Fetcher, Validators, fetch_board};
use mljobs_store::{AttemptOutcome, CrawlAttempt, Store};
use serde::Serialize;

use crate::commands::{BoardListing, Ingested, Input, ingest_inputs};
use crate::config::{Cli, InputArgs, Keep};
use crate::outln;
use crate::pipeline::{Record, validate};

/// Per source: what the fetch did.
#[derive(Serialize)]
struct SourceOutcome {
    source: String,
    outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    postings: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// How `crawl` runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Which postings are stored.
    pub keep: Keep,
    /// Boards fetched at once.
    pub concurrency: usize,
    /// Only sources that are due.
    pub due: bool,
    /// The interval between crawls of a working source.
    pub every: std::time::Duration,
    /// Requests in flight to one host at most.
    pub per_host: usize,
    /// Time between the starts of two requests to one host.
    pub host_interval: std::time::Duration,
}

/// First wait after a failure; doubled per consecutive failure up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: chrono::Duration = chrono::Duration::minutes(30);
/// The longest a failing source waits.
const MAX_BACKOFF: chrono::Duration = chrono::Duration::days(1);

/// When a source is due next: `every` ±10 % after a success (spread over the interval); after
/// the `failures`-th failure in a row, 30 min × 2^(failures − 1), at most a day.
fn next_due(now: chrono::DateTime<chrono::Utc>, every: std::time::Duration, failures: Option<u32>) -> chrono::DateTime<chrono::Utc> {
    match failures {
        None => {
            let every = every.as_secs_f64() * rand::random_range(0.9..1.1);
            now + chrono::Duration::milliseconds((every * 1000.0) as i64)
        }
        Some(n) => now + (FIRST_BACKOFF * (1 << (n.max(1) - 1).min(16))).min(MAX_BACKOFF),
    }
}

/// What one crawl did.
pub struct Report {
    /// Per source, by spec.
    outcomes: Vec<SourceOutcome>,
    /// The ingest of what was fetched.
    summary: mljobs_store::IngestSummary,
    /// Rejected records, as lines.
    rejected: Vec<String>,
    /// Warnings, counted.
    warnings: usize,
    /// Sources left for the next run because a stop was asked for.
    pub left: usize,
}

impl Report {
    /// Boards that failed.
    pub fn failed(&self) -> usize {
        self.outcomes.iter().filter(|o| o.outcome == "failed").count()
    }

    /// One line: boards read, unchanged, failed; postings new, updated, closed, reopened.
    pub fn line(&self) -> String {
        let count = |what: &str| self.outcomes.iter().filter(|o| o.outcome == what).count();
        let o = &self.summary.outcome;
        format!(
            "{} boards ({} read, {} unchanged, {} failed): {} new, {} updated, {} closed, {} reopened",
            self.outcomes.len(),
            count("ok") + count("partial"),
            count("unchanged"),
            self.failed(),
            o.new,
            o.updated,
            self.summary.closed,
            self.summary.reopened
        )
    }
}

/// The curated starter set of ML/AI employers' boards (`scripts/starter-set.py` writes it; the
/// rule is in `data/ats-boards/README.md`), in the binary so `crawl --starter` works anywhere.
pub const STARTER: &str = include_str!("../../../data/ats-boards/starter-ml.csv");

/// The starter set's boards.
pub fn starter_boards() -> Result<Vec<ListedBoard>> {
    let (boards, rejected) = mljobs_core::sources::read_board_list(STARTER).map_err(anyhow::Error::msg)?;
    if let Some(e) = rejected.first() {
        bail!("the bundled starter list has a bad row (line {}: {}); it is built by scripts/starter-set.py", e.line, e.reason);
    }
    Ok(boards)
}

pub fn run(cli: &Cli, args: &[String], starter: bool, options: Options, json: bool) -> Result<ExitCode> {
    let mut boards: Vec<ListedBoard> =
        args.iter().map(|a| SourceSpec::parse_or_url(a).map(|spec| ListedBoard { spec, name: None })).collect::<Result<_, _>>().map_err(anyhow::Error::msg)?;
    if starter {
        boards.extend(starter_boards()?);
    }
    // Ctrl-C or SIGTERM: no new board is started; the ones in flight finish (each within its
    // timeout), and what was fetched is stored and recorded. The sources not reached stay due.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let Some(report) = crawl_sources(cli, &boards, &options, &stop, true)? else {
        if json {
            outln!("{{\"sources\": [], \"read\": 0}}");
        } else {
            outln!("no source is due");
        }
        return Ok(ExitCode::SUCCESS);
    };
    let Report { outcomes, summary, rejected, warnings, left } = &report;
    if json {
        #[derive(Serialize)]
        struct Out<'a> {
            sources: &'a [SourceOutcome],
            #[serde(flatten)]
            summary: &'a mljobs_store::IngestSummary,
            rejections: &'a [String],
            warnings: usize,
            #[serde(skip_serializing_if = "is_zero")]
            left_for_next_run: usize,
        }
        outln!("{}", serde_json::to_string_pretty(&Out { sources: outcomes, summary, rejections: rejected, warnings: *warnings, left_for_next_run: *left })?);
    } else {
        for o in outcomes.iter().filter(|o| o.outcome == "failed") {
            eprintln!("{}: {}", o.source, o.error.as_deref().unwrap_or_default());
        }
        let count = |what: &str| outcomes.iter().filter(|o| o.outcome == what).count();
        outln!(
            "{} boards: {} read, {} read in part, {} unchanged, {} failed",
            outcomes.len(),
            count("ok"),
            count("partial"),
            count("unchanged"),
            report.failed()
        );
        let o = &summary.outcome;
        outln!(
            "{} postings read: {} new, {} updated, {} unchanged, {} duplicates, {} not ML roles (not stored), {} rejected; {} closed, {} reopened",
            summary.read,
            o.new,
            o.updated,
            o.unchanged,
            o.duplicates,
            summary.not_ml,
            summary.rejected,
            summary.closed,
            summary.reopened
        );
        if *left > 0 {
            outln!("stopped: {left} sources were not reached and stay due for the next run");
        }
    }
    if summary.outcome.new > 0 {
        crate::alerts::after_store(cli);
    }
    Ok(if report.failed() == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// The first Ctrl-C or SIGTERM sets `stop` (no new board is started; what was fetched is still
/// stored and recorded); a second one exits at once — safe, because the store writes in
/// transactions and the sources not recorded stay due, so the next run resumes.
fn watch_signals(stop: std::sync::Arc<std::sync::atomic::AtomicBool>) {
    std::thread::spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
        rt.block_on(async {
            mljobs_web::shutdown_signal().await;
            stop.store(true, std::sync::atomic::Ordering::SeqCst);
            eprintln!("mljobs: stopping: the boards in flight finish and what was fetched is stored; the rest stay due (again to quit at once)");
            mljobs_web::shutdown_signal().await;
            eprintln!("mljobs: stopped; the next crawl resumes");
            std::process::exit(130);
        });
    });
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Crawls `boards` (added to the store when new), or every enabled source (only the due ones
/// with `options.due`); `None` when there was nothing to crawl in due mode. Setting `stop` starts
/// no further board; with `signals`, Ctrl-C and SIGTERM set it.
pub fn crawl_sources(
    cli: &Cli,
    boards: &[ListedBoard],
    options: &Options,
    stop: &std::sync::Arc<std::sync::atomic::AtomicBool>,
    signals: bool,
) -> Result<Option<Report>> {
    let &Options { keep, concurrency, due, every, per_host, host_interval } = options;
    let (taxonomy, taxonomy_hash) = cli.load_taxonomy()?;
    let data_dir = cli.data_dir();
    std::fs::create_dir_all(&data_dir).with_context(|| format!("creating the data directory {}", data_dir.display()))?;
    let mut store = Store::open(&data_dir)?;
    store.add_sources(boards, chrono::Utc::now())?;
    let named: Vec<String> = boards.iter().map(|b| b.spec.to_string()).collect();
    // The spec, the company name the list gave it (the employer of Lever and Ashby postings) and
    // its failures so far.
    let now = chrono::Utc::now();
    let is_due = |s: &mljobs_store::SourceRow| s.next_due_at.as_deref().and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok()).is_none_or(|t| t <= now);
    let rows: Vec<_> =
        store.sources()?.into_iter().filter(|s| if named.is_empty() { s.enabled && (!due || is_due(s)) } else { named.contains(&s.spec) }).collect();
    let failures: std::collections::HashMap<String, u32> = rows.iter().map(|s| (s.spec.clone(), s.consecutive_failures)).collect();
    let specs: Vec<(SourceSpec, Option<String>)> = rows.into_iter().filter_map(|s| Some((s.spec.parse().ok()?, s.name))).collect();
    if specs.is_empty() && due {
        return Ok(None);
    }
    if specs.is_empty() {
        bail!("no sources to crawl: add boards with `mljobs sources add greenhouse:TOKEN …` or `mljobs sources import data/ats-boards/greenhouse.csv`");
    }
    let mut validators = Vec::with_capacity(specs.len());
    for (spec, _) in &specs {
        let v = store.source_validators(&spec.to_string())?;
        validators.push((!v.is_empty()).then_some(Validators { etag: v.etag, last_modified: v.last_modified, content_hash: v.content_hash }));
    }
    let config = FetchConfig { user_agent: user_agent(), per_host_in_flight: per_host.max(1), per_host_interval: host_interval, ..FetchConfig::default() };
    let fetcher = Fetcher::new(config).map_err(anyhow::Error::msg)?.with_stop(stop.clone());
    let bases = Bases::from_env();

    let progress = if signals && std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        indicatif::ProgressBar::new(specs.len() as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    progress.set_message("boards");
    if signals {
        watch_signals(stop.clone());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let input_args = InputArgs { format: mljobs_core::ingest::Format::Auto, map: None, company: None };
    let names: Vec<String> = specs.iter().map(|(s, _)| s.to_string()).collect();
    // Boards stream from the fetching runtime to this thread, which records each attempt and
    // feeds the postings to the one ingest path while the next boards download: the network
    // overlaps enrichment, and memory holds a bounded queue of boards, not the whole crawl.
    let (tx, rx) = std::sync::mpsc::sync_channel(32);
    let stopped = |r: &Result<BoardFetch, BoardError>| matches!(r, Err(BoardError::Fetch(f)) if f.kind == mljobs_crawl::FetchErrorKind::Stopped);
    let mut outcomes = Vec::new();
    let mut left = 0usize;
    let mut failure: Option<anyhow::Error> = None;
    let ingested = std::thread::scope(|scope| {
        let (fetcher, bases, progress, specs, validators) = (&fetcher, &bases, &progress, &specs, &validators);
        scope.spawn(move || {
            runtime.block_on(async {
                futures_util::stream::iter(specs.iter().zip(validators))
                    .take_while(|_| std::future::ready(!stop.load(std::sync::atomic::Ordering::SeqCst)))
                    .map(|((spec, company), v)| async move {
                        let started = chrono::Utc::now();
                        let result = fetch_board(fetcher, spec, bases, v.as_ref(), company.as_deref()).await;
                        progress.inc(1);
                        (spec, started, chrono::Utc::now(), result)
                    })
                    .buffer_unordered(concurrency.max(1))
                    .for_each(|fetched| {
                        let _ = tx.send(fetched);
                        std::future::ready(())
                    })
                    .await;
            });
            runtime.shutdown_background();
        });
        let inputs = rx.iter().filter_map(|(spec, started, finished, result)| {
            // Boards a stop kept from being asked stay due: not an attempt.
            if stopped(&result) {
                left += 1;
                return None;
            }
            let failed_before = failures.get(&spec.to_string()).copied().unwrap_or(0);
            let (outcome, input) = board_input(spec, started, finished, result, now, |a| {
                a.next_due_at = Some(next_due(finished, every, (a.outcome == AttemptOutcome::Failed).then_some(failed_before + 1)));
            });
            outcomes.push(outcome);
            match input {
                BoardInput::Ingest(input) => Some(input),
                BoardInput::Record { attempt, unchanged } => {
                    let recorded = (|| -> Result<()> {
                        if unchanged {
                            store.touch_board(&attempt.spec, finished)?;
                        }
                        Ok(store.record_crawl_attempt(&attempt)?)
                    })();
                    if let Err(e) = recorded {
                        failure.get_or_insert(e);
                        stop.store(true, std::sync::atomic::Ordering::SeqCst);
                    }
                    None
                }
            }
        });
        let run = crate::commands::RunOptions { names: &names, batch_size: 500, only_ml: keep == Keep::Ml };
        ingest_inputs(&taxonomy, &taxonomy_hash, &data_dir, &run, inputs, &input_args)
    });
    progress.finish_and_clear();
    if let Some(e) = failure {
        return Err(e);
    }
    let Ingested { summary, rejected, warnings } = ingested?;
    outcomes.sort_by(|a, b| a.source.cmp(&b.source));
    Ok(Some(Report { outcomes, summary, rejected, warnings: warnings.len(), left }))
}

/// What a fetched board leads to: its postings to ingest (the attempt recorded after them), or
/// only an attempt to record.
enum BoardInput {
    Ingest(Input),
    Record { attempt: CrawlAttempt, unchanged: bool },
}

/// Turns one board's fetch into its outcome line and what to do with it; `schedule` sets the
/// attempt's next due time.
fn board_input(
    spec: &SourceSpec,
    started: chrono::DateTime<chrono::Utc>,
    finished: chrono::DateTime<chrono::Utc>,
    result: Result<BoardFetch, BoardError>,
    now: chrono::DateTime<chrono::Utc>,
    schedule: impl FnOnce(&mut CrawlAttempt),
) -> (SourceOutcome, BoardInput) {
    let mut attempt = CrawlAttempt {
        spec: spec.to_string(),
        started_at: started,
        finished_at: finished,
        outcome: AttemptOutcome::Failed,
        http_status: None,
        postings_seen: None,
        error: None,
        etag: None,
        last_modified: None,
        content_hash: None,
        next_due_at: None,
    };
    match result {
        Ok(BoardFetch::Complete { items, validators, status, incomplete, .. }) => {
            let n = items.len();
            (attempt.http_status, attempt.postings_seen) = (Some(status), Some(n as u64));
            // Every posting the board lists, by id — the unreadable ones too when their id
            // does not depend on their text. One without (a record that is not a job object)
            // could be a stored posting: then the fetch closes nothing.
            let mut seen = Vec::with_capacity(n);
            let mut unknown = 0usize;
            let records: Vec<Record> = items
                .into_iter()
                .map(|item| match item {
                    Ok(raw) => {
                        let stable = raw.stable_id();
                        let record = validate(raw, now);
                        match (&record, stable) {
                            (Record::Posting(p), _) => seen.push(p.id.to_string()),
                            (_, Some(id)) => seen.push(id.to_string()),
                            _ => unknown += 1,
                        }
                        record
                    }
                    Err(rejection) => {
                        unknown += 1;
                        Record::Rejected(rejection)
                    }
                })
                .collect();
            let complete = unknown == 0 && incomplete.is_none();
            // A feed read whole is still not every open job: its postings are kept, none closed.
            let closes = complete && spec.kind.lists_every_open_job();
            if complete {
                attempt.outcome = AttemptOutcome::Ok;
                (attempt.etag, attempt.last_modified, attempt.content_hash) = (validators.etag, validators.last_modified, validators.content_hash);
            } else {
                attempt.outcome = AttemptOutcome::Partial;
                attempt.error = Some(match incomplete {
                    Some(why) => format!("{why}; nothing was closed"),
                    None => format!("{unknown} of {n} records could not be read or identified; nothing was closed"),
                });
            }
            schedule(&mut attempt);
            let outcome =
                SourceOutcome { source: spec.to_string(), outcome: if complete { "ok" } else { "partial" }, postings: Some(n), error: attempt.error.clone() };
            let board = BoardListing { spec: spec.to_string(), seen, complete: closes, attempt: Some(attempt) };
            (outcome, BoardInput::Ingest(Input::Records { records, board: Some(Box::new(board)) }))
        }
        Ok(BoardFetch::NotModified { status, .. }) => {
            (attempt.outcome, attempt.http_status) = (AttemptOutcome::Unchanged, Some(status));
            schedule(&mut attempt);
            (SourceOutcome { source: spec.to_string(), outcome: "unchanged", postings: None, error: None }, BoardInput::Record { attempt, unchanged: true })
        }
        Err(e) => {
            attempt.http_status = match &e {
                BoardError::Fetch(f) => f.kind.status(),
                _ => None,
            };
            attempt.error = Some(e.to_string());
            schedule(&mut attempt);
            (
                SourceOutcome { source: spec.to_string(), outcome: "failed", postings: None, error: Some(e.to_string()) },
                BoardInput::Record { attempt, unchanged: false },
            )
        }
    }
}

/// The crawler's `User-Agent`: `MLJOBS_USER_AGENT` as given, else `mljobs/VERSION (job-board
/// crawler; +CONTACT)` with `MLJOBS_CRAWL_CONTACT` (a URL or address where board owners reach the
/// operator).
fn user_agent() -> String {
    let var = |k: &str| std::env::var(k).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    var("MLJOBS_USER_AGENT").unwrap_or_else(|| match var("MLJOBS_CRAWL_CONTACT") {
        Some(contact) => format!("mljobs/{} (job-board crawler; +{contact})", env!("CARGO_PKG_VERSION")),
        None => FetchConfig::default().user_agent,
    })
}

/// `serve --crawl-every`: crawls the due sources, then sleeps until the next one is due (looking
/// again at least every minute, for sources added meanwhile), until `stop` is set.
pub fn keep_fresh(cli: &Cli, every: std::time::Duration, stop: &std::sync::Arc<std::sync::atomic::AtomicBool>) {
    let politeness = FetchConfig::default();
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    let options = Options {
        keep: Keep::Ml,
        concurrency: 16,
        due: true,
        every,
        per_host: env("MLJOBS_CRAWL_PER_HOST").and_then(|v| v.trim().parse().ok()).unwrap_or(politeness.per_host_in_flight),
        host_interval: env("MLJOBS_CRAWL_HOST_INTERVAL").and_then(|v| crate::config::parse_interval(&v).ok()).unwrap_or(politeness.per_host_interval),
    };
    let stopped = || stop.load(std::sync::atomic::Ordering::SeqCst);
    while !stopped() {
        match crawl_sources(cli, &[], &options, stop, false) {
            Ok(Some(report)) => {
                eprintln!("mljobs: crawled {}", report.line());
                crate::alerts::after_store(cli);
            }
            Ok(None) => {}
            Err(e) => eprintln!("mljobs: crawl failed: {e:#}"),
        }
        let next = Store::open(&cli.data_dir()).ok().and_then(|s| s.next_due().ok().flatten());
        let wait = next.map_or(std::time::Duration::from_secs(60), |t| (t - chrono::Utc::now()).to_std().unwrap_or_default());
        let until = std::time::Instant::now() + wait.clamp(std::time::Duration::from_secs(1), std::time::Duration::from_secs(60));
        while !stopped() && std::time::Instant::now() < until {
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_starter_set_reads_whole_and_every_board_has_a_connector() {
        let boards = starter_boards().unwrap();
        assert!((150..=400).contains(&boards.len()), "{} boards", boards.len());
        let bases = Bases::default();
        for b in &boards {
            assert!(mljobs_crawl::connectors::board_url(&b.spec, &bases).is_ok(), "{} has no connector", b.spec);
            assert!(b.name.as_deref().is_some_and(|n| !n.is_empty()), "{} has a name", b.spec);
        }
        for known in ["greenhouse:anthropic", "ashby:openai", "lever:mistral", "workable:huggingface"] {
            assert!(boards.iter().any(|b| b.spec.to_string() == known), "{known}");
        }
    }

    #[test]
    fn a_working_source_is_due_after_the_interval_and_a_failing_one_backs_off() {
        let now = chrono::Utc::now();
        let six_h = std::time::Duration::from_secs(6 * 3600);
        for _ in 0..50 {
            let d = next_due(now, six_h, None) - now;
            assert!(d >= chrono::Duration::minutes(324) && d <= chrono::Duration::minutes(396), "{d}");
        }
        let waits: Vec<i64> = (1..=8).map(|n| (next_due(now, six_h, Some(n)) - now).num_minutes()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1440, 1440]);
    }
}
