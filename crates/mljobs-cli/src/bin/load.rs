//! Load generator for `mljobs serve`: a realistic mix of what a job site's visitors ask, sent over
//! `--connections` keep-alive connections in a closed loop (each connection sends its next request
//! when the answer to the last one has arrived, as wrk does), for `--duration`. Unlike wrk it
//! reports latency **per kind of request**, so a slow page cannot hide in a fast average.
//!
//! The mix (`--mix site`, weights in [`SITE_MIX`]) is drawn from a seeded generator, so two runs
//! send the same requests:
//!
//! * API searches with random filters, facet counts and often a random salary floor (which no
//!   answer cache can serve), HTML result pages, random job pages (ids from the server's
//!   `/sitemap.xml`), `/api/v1/stats`, the home, roles, skills and salaries pages, and salary
//!   estimates (`POST /api/v1/salary/estimate`, random titles, countries, levels and skills).
//!
//! `--mix search` sends API searches only. `--idle N` holds N more connections open that send
//! nothing (each reopened when the server closes it) for the whole run: they must cost the others
//! nothing. `--pid P` samples the server's resident memory (`/proc/P/status`) every second.
//!
//! Usage: `mljobs-load --url http://127.0.0.1:8080 [--connections 64] [--duration 30] [--idle 0]
//! [--pid P] [--json]`. The numbers are the machine's too: the server and this tool share its cores.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Parser;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use mljobs_core::Taxonomy;
use serde::Serialize;

#[derive(Parser)]
#[command(name = "mljobs-load", about = "A realistic request mix against a running mljobs server, latency per kind of request")]
struct Args {
    /// The server.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// Concurrent keep-alive connections sending requests.
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// Seconds to run.
    #[arg(long, default_value_t = 30)]
    duration: u64,
    /// `site` (every kind of request), `search` (API searches only) or one kind (`job_page`, …).
    #[arg(long, default_value = "site")]
    mix: String,
    /// Connections held open that send nothing.
    #[arg(long, default_value_t = 0)]
    idle: usize,
    /// The server's process id, to sample its memory.
    #[arg(long)]
    pid: Option<u32>,
    /// Seed of the request mix.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// A request taking longer counts as a timeout (an error).
    #[arg(long, default_value_t = 10)]
    timeout: u64,
    /// The report as JSON.
    #[arg(long)]
    json: bool,
}

/// Kinds of request and their share of the site mix (per cent).
const SITE_MIX: [(Kind, u32); 10] = [
    (Kind::ApiSearch, 30),
    (Kind::HtmlSearch, 15),
    (Kind::JobPage, 25),
    (Kind::ApiJob, 5),
    (Kind::Stats, 4),
    (Kind::Home, 4),
    (Kind::Roles, 4),
    (Kind::Skills, 3),
    (Kind::Salaries, 5),
    (Kind::Estimate, 5),
];

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum Kind {
    ApiSearch,
    HtmlSearch,
    JobPage,
    ApiJob,
    Stats,
    Home,
    Roles,
    Skills,
    Salaries,
    Estimate,
}

/// SplitMix64: the mix needs reproducible draws, not cryptographic ones.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// What requests are drawn from.
struct Vocabulary {
    words: Vec<String>,
    skills: Vec<String>,
    roles: Vec<String>,
    levels: Vec<String>,
    industries: Vec<String>,
    ids: Vec<String>,
}

const COUNTRIES: [&str; 10] = ["US", "GB", "DE", "IN", "CA", "FR", "NL", "ES", "CH", "SG"];
const TITLES: [&str; 10] = [
    "Machine Learning Engineer",
    "Senior Data Scientist",
    "MLOps Engineer",
    "Research Scientist",
    "Data Engineer",
    "Computer Vision Engineer",
    "NLP Engineer",
    "Head of AI",
    "Junior Data Analyst",
    "Applied Scientist",
];
const SURVEY_LEVELS: [&str; 4] = ["EN", "MI", "SE", "EX"];

impl Vocabulary {
    fn new(taxonomy: &Taxonomy, ids: Vec<String>) -> Vocabulary {
        let mut words: Vec<String> = taxonomy
            .skills
            .iter()
            .flat_map(|s| s.name.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>())
            .chain(TITLES.iter().flat_map(|t| t.split_whitespace().map(str::to_lowercase)))
            .filter(|w| w.len() > 2 && w.chars().all(char::is_alphanumeric))
            .collect();
        words.sort();
        words.dedup();
        Vocabulary {
            words,
            skills: taxonomy.skills.iter().map(|s| s.id.to_string()).collect(),
            roles: taxonomy.roles.iter().map(|r| r.id.clone()).collect(),
            levels: taxonomy.levels.iter().map(|l| l.id.clone()).collect(),
            industries: taxonomy.industries.iter().map(|i| i.id.clone()).collect(),
            ids,
        }
    }

    /// A search query string: one to three words (sometimes none), and random filters.
    fn search(&self, rng: &mut Rng, api: bool) -> String {
        let mut p: Vec<(String, String)> = Vec::new();
        if rng.chance(85) {
            let n = 1 + rng.below(3);
            let q: Vec<&str> = (0..n).map(|_| rng.pick(&self.words).as_str()).collect();
            p.push(("q".into(), q.join(" ")));
        }
        if rng.chance(40) {
            p.push(("country".into(), rng.pick(&COUNTRIES).to_string()));
        }
        if rng.chance(25) {
            p.push(("work_mode".into(), rng.pick(&mljobs_core::taxonomy::WORK_MODES).to_string()));
        }
        if rng.chance(20) {
            p.push(("role".into(), rng.pick(&self.roles).clone()));
        }
        if rng.chance(15) {
            p.push(("seniority".into(), rng.pick(&self.levels).clone()));
        }
        if rng.chance(15) {
            p.push(("skill".into(), rng.pick(&self.skills).clone()));
        }
        if rng.chance(50) {
            // A random floor: the answer cache cannot serve it.
            p.push(("salary_floor".into(), (40_000 + 1_000 * rng.below(160)).to_string()));
        }
        if rng.chance(20) {
            p.push(("sort".into(), "date".into()));
        }
        if rng.chance(20) {
            p.push(("page".into(), (2 + rng.below(4)).to_string()));
        }
        if api && rng.chance(70) {
            p.push(("facets".into(), "true".into()));
        }
        let query: String = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(&p).finish();
        format!("{}?{query}", if api { "/api/v1/jobs" } else { "/jobs" })
    }

    fn estimate(&self, rng: &mut Rng) -> String {
        let mut body = serde_json::json!({"title": rng.pick(&TITLES), "country": rng.pick(&COUNTRIES)});
        if rng.chance(60) {
            body["level"] = rng.pick(&SURVEY_LEVELS).to_string().into();
        }
        if rng.chance(40) {
            body["industry"] = rng.pick(&self.industries).clone().into();
        }
        if rng.chance(50) {
            let skills: Vec<&String> = (0..1 + rng.below(4)).map(|_| rng.pick(&self.skills)).collect();
            body["skills"] = serde_json::json!(skills);
        }
        body.to_string()
    }

    fn request(&self, kind: Kind, rng: &mut Rng) -> (String, Option<String>) {
        match kind {
            Kind::ApiSearch => (self.search(rng, true), None),
            Kind::HtmlSearch => (self.search(rng, false), None),
            Kind::JobPage => (format!("/jobs/{}", rng.pick(&self.ids)), None),
            Kind::ApiJob => (format!("/api/v1/jobs/{}", rng.pick(&self.ids)), None),
            Kind::Stats => ("/api/v1/stats".into(), None),
            Kind::Home => ("/".into(), None),
            Kind::Roles => ("/roles".into(), None),
            Kind::Skills => ("/skills".into(), None),
            Kind::Salaries => ("/salaries".into(), None),
            Kind::Estimate => ("/api/v1/salary/estimate".into(), Some(self.estimate(rng))),
        }
    }
}

/// What one connection saw.
#[derive(Default)]
struct Tally {
    /// Microseconds per answered request, per kind.
    latency: BTreeMap<Kind, Vec<u32>>,
    /// Answers other than 2xx, per kind and status.
    status: BTreeMap<(Kind, u16), usize>,
    /// Requests that got no answer (connection error or timeout), per kind.
    failed: BTreeMap<Kind, usize>,
    /// The first few failures, as said.
    examples: Vec<String>,
}

#[derive(Serialize)]
struct KindReport {
    kind: Kind,
    requests: usize,
    errors: usize,
    p50_ms: f64,
    p90_ms: f64,
    p99_ms: f64,
    max_ms: f64,
}

#[derive(Serialize)]
struct Report {
    url: String,
    mix: String,
    connections: usize,
    idle_connections: usize,
    idle_reopened: usize,
    seconds: f64,
    requests: usize,
    requests_per_second: f64,
    errors: usize,
    p50_ms: f64,
    p90_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    by_kind: Vec<KindReport>,
    error_examples: Vec<String>,
    /// Server resident memory in MB: first sample, last, highest (with `--pid`).
    rss_mb: Option<(f64, f64, f64)>,
    /// One RSS sample (MB) per minute, for soaks.
    rss_per_minute_mb: Vec<f64>,
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    f64::from(sorted[i]) / 1000.0
}

fn rss_mb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: f64 = status.lines().find_map(|l| l.strip_prefix("VmRSS:"))?.split_whitespace().next()?.parse().ok()?;
    Some(kb / 1024.0)
}

type HttpClient = Client<hyper_util::client::legacy::connect::HttpConnector, Full<hyper::body::Bytes>>;

async fn get_text(client: &HttpClient, url: &str) -> Result<(u16, String)> {
    let response = client.get(url.parse().with_context(|| format!("bad URL {url}"))?).await.with_context(|| format!("GET {url}"))?;
    let status = response.status().as_u16();
    let body = response.into_body().collect().await.with_context(|| format!("GET {url}: reading the answer"))?.to_bytes();
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}

/// Job ids from the server's sitemap (`<loc>…/jobs/ID</loc>`).
async fn job_ids(client: &HttpClient, base: &str) -> Result<Vec<String>> {
    let (status, xml) = get_text(client, &format!("{base}/sitemap.xml")).await?;
    if status != 200 {
        bail!("{base}/sitemap.xml answered {status}");
    }
    let ids: Vec<String> = xml
        .split("<loc>")
        .filter_map(|s| s.split("</loc>").next())
        .filter_map(|loc| loc.rsplit_once("/jobs/").map(|(_, id)| id.to_string()))
        .filter(|id| id.len() == 16 && id.chars().all(|c| c.is_ascii_hexdigit()))
        .collect();
    if ids.is_empty() {
        bail!("{base}/sitemap.xml lists no job pages: is the store empty?");
    }
    Ok(ids)
}

/// Holds `n` connections open that send nothing, reopening each as the server closes it.
async fn idle_connections(addr: String, n: usize, stop: Arc<AtomicBool>, reopened: Arc<AtomicUsize>) {
    let mut tasks = Vec::new();
    for _ in 0..n {
        let (addr, stop, reopened) = (addr.clone(), stop.clone(), reopened.clone());
        tasks.push(tokio::spawn(async move {
            let mut first = true;
            while !stop.load(Ordering::Relaxed) {
                match tokio::net::TcpStream::connect(&addr).await {
                    Ok(stream) => {
                        if !first {
                            reopened.fetch_add(1, Ordering::Relaxed);
                        }
                        first = false;
                        let mut buf = [0u8; 64];
                        // Wait for the server to close it (or the run to end).
                        loop {
                            if stop.load(Ordering::Relaxed) {
                                return;
                            }
                            if let Ok(ready) = tokio::time::timeout(Duration::from_millis(500), stream.readable()).await {
                                match ready.and_then(|()| stream.try_read(&mut buf)) {
                                    Ok(0) => break,
                                    Err(e) if e.kind() != std::io::ErrorKind::WouldBlock => break,
                                    _ => {}
                                }
                            }
                        }
                    }
                    Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
}

fn main() -> Result<()> {
    let args = Args::parse();
    let mix: Vec<(Kind, u32)> = match args.mix.as_str() {
        "site" => SITE_MIX.to_vec(),
        "search" => vec![(Kind::ApiSearch, 100)],
        other => match serde_json::from_value::<Kind>(serde_json::Value::String(other.to_string())) {
            Ok(kind) => vec![(kind, 100)],
            Err(_) => bail!("--mix {other}: expected site, search or one kind of request (api_search, job_page, stats, …)"),
        },
    };
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(run(args, mix))
}

async fn run(args: Args, mix: Vec<(Kind, u32)>) -> Result<()> {
    let base = args.url.trim_end_matches('/').to_string();
    let client: HttpClient = Client::builder(TokioExecutor::new()).pool_max_idle_per_host(args.connections).build_http();
    let (status, health) = get_text(&client, &format!("{base}/healthz")).await.context("is the server running?")?;
    if status != 200 {
        bail!("{base}/healthz answered {status}: {health}");
    }
    let ids = if mix.iter().any(|(k, _)| matches!(k, Kind::JobPage | Kind::ApiJob)) { job_ids(&client, &base).await? } else { Vec::new() };
    let vocabulary = Arc::new(Vocabulary::new(&Taxonomy::embedded(), ids));
    let stop = Arc::new(AtomicBool::new(false));
    let reopened = Arc::new(AtomicUsize::new(0));
    let idle = (args.idle > 0).then(|| {
        let addr = base.trim_start_matches("http://").split('/').next().unwrap_or_default().to_string();
        tokio::spawn(idle_connections(addr, args.idle, stop.clone(), reopened.clone()))
    });
    if args.idle > 0 {
        // Let the idle connections open before the timed run.
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let rss = args.pid.map(|pid| {
        let stop = stop.clone();
        tokio::spawn(async move {
            let mut samples = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                if let Some(mb) = rss_mb(pid) {
                    samples.push(mb);
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            samples
        })
    });
    let total_weight: u32 = mix.iter().map(|m| m.1).sum();
    let mix = Arc::new(mix);
    let started = Instant::now();
    let deadline = started + Duration::from_secs(args.duration);
    let timeout = Duration::from_secs(args.timeout);
    let mut workers = Vec::new();
    for c in 0..args.connections {
        let (client, base, vocabulary, mix) = (client.clone(), base.clone(), vocabulary.clone(), mix.clone());
        let mut rng = Rng(args.seed.wrapping_mul(1_000_003).wrapping_add(c as u64));
        workers.push(tokio::spawn(async move {
            let mut tally = Tally::default();
            while Instant::now() < deadline {
                let mut draw = (rng.next() % u64::from(total_weight)) as u32;
                let kind = mix
                    .iter()
                    .find(|(_, w)| {
                        if draw < *w {
                            true
                        } else {
                            draw -= w;
                            false
                        }
                    })
                    .map_or(Kind::ApiSearch, |m| m.0);
                let (path, body) = vocabulary.request(kind, &mut rng);
                let mut request = hyper::Request::builder().uri(format!("{base}{path}"));
                if body.is_some() {
                    request = request.method("POST").header("content-type", "application/json");
                }
                let request = match request.body(Full::new(hyper::body::Bytes::from(body.unwrap_or_default()))) {
                    Ok(r) => r,
                    Err(e) => {
                        tally.examples.push(format!("{path}: {e}"));
                        continue;
                    }
                };
                let sent = Instant::now();
                let answer = tokio::time::timeout(timeout, async {
                    let response = client.request(request).await?;
                    let status = response.status().as_u16();
                    response.into_body().collect().await?;
                    Ok::<u16, anyhow::Error>(status)
                })
                .await;
                let micros = u32::try_from(sent.elapsed().as_micros()).unwrap_or(u32::MAX);
                match answer {
                    Ok(Ok(status)) if (200..300).contains(&status) => tally.latency.entry(kind).or_default().push(micros),
                    Ok(Ok(status)) => {
                        tally.latency.entry(kind).or_default().push(micros);
                        *tally.status.entry((kind, status)).or_default() += 1;
                        if tally.examples.len() < 3 {
                            tally.examples.push(format!("{path} answered {status}"));
                        }
                    }
                    Ok(Err(e)) => {
                        *tally.failed.entry(kind).or_default() += 1;
                        if tally.examples.len() < 3 {
                            tally.examples.push(format!("{path}: {e:#}"));
                        }
                    }
                    Err(_) => {
                        *tally.failed.entry(kind).or_default() += 1;
                        if tally.examples.len() < 3 {
                            tally.examples.push(format!("{path}: no answer in {} s", timeout.as_secs()));
                        }
                    }
                }
            }
            tally
        }));
    }
    let mut all = Tally::default();
    for w in workers {
        let t = w.await?;
        for (k, v) in t.latency {
            all.latency.entry(k).or_default().extend(v);
        }
        for (k, n) in t.status {
            *all.status.entry(k).or_default() += n;
        }
        for (k, n) in t.failed {
            *all.failed.entry(k).or_default() += n;
        }
        all.examples.extend(t.examples.into_iter().take(3usize.saturating_sub(all.examples.len())));
    }
    let seconds = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    if let Some(idle) = idle {
        let _ = idle.await;
    }
    let rss_samples = match rss {
        Some(t) => t.await?,
        None => Vec::new(),
    };
    let mut everything: Vec<u32> = Vec::new();
    let mut by_kind = Vec::new();
    for (kind, mut v) in all.latency {
        v.sort_unstable();
        let errors = all.status.iter().filter(|((k, _), _)| *k == kind).map(|(_, n)| n).sum::<usize>() + all.failed.get(&kind).copied().unwrap_or(0);
        by_kind.push(KindReport {
            kind,
            requests: v.len() + all.failed.get(&kind).copied().unwrap_or(0),
            errors,
            p50_ms: percentile(&v, 50.0),
            p90_ms: percentile(&v, 90.0),
            p99_ms: percentile(&v, 99.0),
            max_ms: percentile(&v, 100.0),
        });
        everything.extend(v);
    }
    everything.sort_unstable();
    let failed: usize = all.failed.values().sum();
    let requests = everything.len() + failed;
    let report = Report {
        url: base,
        mix: args.mix.clone(),
        connections: args.connections,
        idle_connections: args.idle,
        idle_reopened: reopened.load(Ordering::Relaxed),
        seconds,
        requests,
        requests_per_second: requests as f64 / seconds,
        errors: all.status.values().sum::<usize>() + failed,
        p50_ms: percentile(&everything, 50.0),
        p90_ms: percentile(&everything, 90.0),
        p99_ms: percentile(&everything, 99.0),
        max_ms: percentile(&everything, 100.0),
        by_kind,
        error_examples: all.examples,
        rss_mb: (!rss_samples.is_empty()).then(|| (rss_samples[0], rss_samples[rss_samples.len() - 1], rss_samples.iter().copied().fold(0.0, f64::max))),
        rss_per_minute_mb: rss_samples.iter().step_by(60).copied().collect(),
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    println!(
        "{} requests in {:.1} s over {} connections{}: {:.0} req/s, {} errors; p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        report.requests,
        report.seconds,
        report.connections,
        if args.idle > 0 { format!(" (+{} idle, reopened {} times)", args.idle, report.idle_reopened) } else { String::new() },
        report.requests_per_second,
        report.errors,
        report.p50_ms,
        report.p90_ms,
        report.p99_ms,
        report.max_ms
    );
    println!("{:<12} {:>9} {:>7} {:>9} {:>9} {:>9} {:>9}", "kind", "requests", "errors", "p50 ms", "p90 ms", "p99 ms", "max ms");
    for k in &report.by_kind {
        let name = serde_json::to_value(k.kind)?.as_str().unwrap_or_default().to_string();
        println!("{name:<12} {:>9} {:>7} {:>9.1} {:>9.1} {:>9.1} {:>9.1}", k.requests, k.errors, k.p50_ms, k.p90_ms, k.p99_ms, k.max_ms);
    }
    for e in &report.error_examples {
        println!("error: {e}");
    }
    if let Some((first, last, peak)) = report.rss_mb {
        println!("server RSS: {first:.0} MB at the start, {last:.0} MB at the end, {peak:.0} MB at most");
        if report.rss_per_minute_mb.len() > 1 {
            let minutes: Vec<String> = report.rss_per_minute_mb.iter().map(|mb| format!("{mb:.0}")).collect();
            println!("server RSS each minute (MB): {}", minutes.join(", "));
        }
    }
    Ok(())
}
