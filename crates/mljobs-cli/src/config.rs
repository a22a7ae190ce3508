//! Command-line interface and configuration (defaults < environment `MLJOBS_*` < flags).

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use mljobs_core::taxonomy::{FILE_NAMES, TaxonomyFiles};
use mljobs_core::{Taxonomy, ingest};

/// mljobs — find, understand and match machine-learning jobs.
#[derive(Debug, Parser)]
#[command(name = "mljobs", version, about)]
pub struct Cli {
    /// Data directory holding the store (default: $XDG_DATA_HOME/mljobs or ~/.local/share/mljobs).
    #[arg(long, global = true, env = "MLJOBS_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Directory with taxonomy files overriding the built-in ones (any of roles.toml,
    /// seniority.toml, skills.csv, industries.toml, areas.toml, countries.csv, regions.csv,
    /// cities.csv, fx.toml, us-places.tsv).
    #[arg(long, global = true, env = "MLJOBS_TAXONOMY")]
    pub taxonomy: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Input options shared by `ingest` and `enrich`.
#[derive(Debug, clap::Args)]
pub struct InputArgs {
    /// Input format; `auto` decides from the file name and content.
    #[arg(long, default_value = "auto", value_parser = parse_format)]
    pub format: ingest::Format,
    /// Column mapping for CSV / JSON Lines: 'title=Job Title,description=Job Description,...'.
    #[arg(long, value_parser = parse_map)]
    pub map: Option<ingest::ColumnMap>,
    /// Company name for formats that carry none (Lever, Ashby boards).
    #[arg(long)]
    pub company: Option<String>,
}

/// `mljobs sources ...`
#[derive(Debug, Subcommand)]
pub enum SourcesCommand {
    /// Add sources: specs (greenhouse:TOKEN, lever:SITE, ashby:BOARD, workable:SLUG,
    /// smartrecruiters:COMPANY, workday:TENANT/wdN/SITE, rippling:SLUG, sitemap:URL, feed:URL) or
    /// board URLs as copied from a browser.
    Add {
        /// Specs or board URLs.
        #[arg(required = true)]
        specs: Vec<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Add every board of a CSV list (columns `name,url`, or a `spec` column); rows that name no
    /// board are reported with their line and skipped.
    Import {
        /// The CSV file.
        file: PathBuf,
        /// Print JSON (every rejected row included).
        #[arg(long)]
        json: bool,
    },
    /// List sources with their health: last attempt and success, HTTP status, failures, next due.
    List {
        /// Only sources of this kind (greenhouse, lever, …).
        #[arg(long)]
        kind: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Remove sources (their crawl history goes; postings already crawled stay).
    Remove {
        /// Specs or board URLs.
        #[arg(required = true)]
        specs: Vec<String>,
    },
    /// Stop crawling sources without forgetting them.
    Disable {
        /// Specs or board URLs.
        #[arg(required = true)]
        specs: Vec<String>,
    },
    /// Crawl disabled sources again.
    Enable {
        /// Specs or board URLs.
        #[arg(required = true)]
        specs: Vec<String>,
    },
}

/// `mljobs salary ...`
#[derive(Debug, Subcommand)]
pub enum SalaryCommand {
    /// Distribution of annual USD salaries (count, P10, P25, median, P75, P90) in the bundled
    /// AI/ML salary survey, grouped.
    Stats {
        /// Group by role (from the job title), level, country (of the company), company_size or year
        /// (the bundled survey), or industry (the store's postings that state a salary range).
        #[arg(long, default_value = "level", value_parser = ["role", "level", "country", "company_size", "industry", "year"])]
        by: String,
        /// Leave out groups with fewer salaries than this.
        #[arg(long, default_value_t = 30)]
        min_count: usize,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Evaluate the estimator: train on one part of the survey, estimate the other, print MAE,
    /// RMSE, R², median absolute % error, P10-P90 coverage and mean width (annual USD).
    Eval(EvalArgs),
    /// Train the estimator on the bundled survey and the store's postings that state a salary,
    /// and save it in the data directory (the server and `salary estimate` use it).
    Train {
        /// Survey CSV to train on instead of the bundled one.
        #[arg(long)]
        data: Option<PathBuf>,
        /// Leave the store's postings out.
        #[arg(long)]
        no_postings: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Estimate what a job pays (annual USD): median, P10-P90, each factor's contribution and the
    /// comparable salaries. Trains and saves the model first if there is none.
    Estimate(EstimateArgs),
}

/// `mljobs salary estimate`.
#[derive(Debug, Args)]
pub struct EstimateArgs {
    /// Job title, e.g. "Senior ML Engineer".
    #[arg(long)]
    pub title: String,
    /// Company's country (ISO code or name, e.g. US, "Germany").
    #[arg(long)]
    pub country: String,
    /// Experience level: EN (entry), MI (mid), SE (senior), EX (executive/director), or a name
    /// such as junior, senior, lead.
    #[arg(long)]
    pub level: Option<String>,
    /// Years of experience (sets the level when --level is not given).
    #[arg(long)]
    pub years: Option<f64>,
    /// Industry id (see `mljobs taxonomy industries`).
    #[arg(long)]
    pub industry: Option<String>,
    /// Company size: S (< 50 employees), M (50-250), L (> 250).
    #[arg(long)]
    pub company_size: Option<String>,
    /// Fully remote.
    #[arg(long, conflicts_with = "work_mode")]
    pub remote: bool,
    /// Work mode: onsite, hybrid or remote.
    #[arg(long)]
    pub work_mode: Option<String>,
    /// Employee's country when it is not the company's.
    #[arg(long)]
    pub residence: Option<String>,
    /// Skills, comma-separated ids or names (pytorch,aws).
    #[arg(long, value_delimiter = ',')]
    pub skills: Vec<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
// One value per process, parsed once: the size of the `search` variant costs nothing.
#[allow(clippy::large_enum_variant)]
pub enum Command {
    /// Read posting files, enrich them and store them (deduplicated).
    Ingest {
        /// Files to read.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        input: InputArgs,
        /// Postings per transaction.
        #[arg(long, default_value_t = 500)]
        batch_size: usize,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Enrich a posting file without storing it: one JSON object per posting on stdout.
    Enrich {
        /// File to read ("-" for standard input, JSON Lines or CSV per --format).
        file: PathBuf,
        #[command(flatten)]
        input: InputArgs,
    },
    /// Show one stored posting with its enrichment.
    Show {
        /// Posting id (or a unique prefix of at least 4 characters).
        id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Counts by role, seniority, skill, industry, country, work mode and area.
    Stats {
        /// How many skills to list.
        #[arg(long, default_value_t = 25)]
        top: usize,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Read a resume (PDF, DOCX, plain text, Markdown or JSON Resume) into a profile: skills with
    /// where they were read, work history with total and relevant years, role, level, degree,
    /// location and preferences. The JSON can be edited and given to `match`.
    Profile {
        /// The resume file ("-" for standard input).
        file: PathBuf,
        /// Print the profile as JSON.
        #[arg(long)]
        json: bool,
        /// Print the text read from the file (what the profile was made from) instead.
        #[arg(long, conflicts_with = "json")]
        text: bool,
    },
    /// Rank the stored open postings for a resume or a profile JSON: a score from 0 to 100 with
    /// its explanation per posting, the skills missing across the best matches and a learning
    /// path; or, with --job ID, rank a directory of resumes for one posting. Nothing of a resume
    /// is stored.
    Match {
        /// The resume or profile JSON ("-" for standard input).
        file: PathBuf,
        /// Match against this role instead of the profile's own (a role id, e.g. data-scientist).
        #[arg(long)]
        role: Option<String>,
        /// Remote postings only.
        #[arg(long)]
        remote: bool,
        /// Postings in this country (ISO code) or remote.
        #[arg(long)]
        country: Option<String>,
        /// Matches shown.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// The employer's side: rank the resumes and profiles in the directory FILE for this
        /// posting (an id or a unique prefix), with the same explanations.
        #[arg(long, value_name = "ID")]
        job: Option<String>,
        /// Print {"profile", "matches", "gap", "path"} as JSON (what POST /api/v1/match returns);
        /// with --job, {"job", "candidates"}.
        #[arg(long)]
        json: bool,
    },
    /// Search stored postings: words (all must match), "phrases", -exclusions; facet filters.
    Search {
        /// The query ("" for filters only).
        #[arg(default_value = "")]
        query: String,
        #[command(flatten)]
        filters: SearchFilters,
        /// Order: relevance, date or salary.
        #[arg(long, default_value = "relevance", value_parser = ["relevance", "date", "salary"])]
        sort: String,
        /// Results per page.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Results to skip.
        #[arg(long, default_value_t = 0)]
        offset: usize,
        /// Show every near-duplicate instead of one per group.
        #[arg(long = "no-collapse")]
        no_collapse: bool,
        /// Exact words only (no typo tolerance).
        #[arg(long)]
        exact: bool,
        /// Print JSON (hits with postings, facet counts).
        #[arg(long)]
        json: bool,
    },
    /// The market over time: postings per week or month in all and per role, skill, area, … of a
    /// search (its words and filters), each value's share, and which grow (issue 17).
    Trends {
        /// Words the postings must match ("" for all).
        #[arg(long, default_value = "")]
        q: String,
        /// The facet to break down by (`company`: the top hiring employers).
        #[arg(long, default_value = "skill", value_parser = ["role", "seniority", "skill", "industry", "country", "region", "city", "work_mode", "employment_type", "area", "company", "degree", "degree_named"])]
        by: String,
        /// Period length.
        #[arg(long, default_value = "month", value_parser = ["week", "month"])]
        interval: String,
        /// First day counted (YYYY-MM-DD; default: 12 months or 26 weeks back).
        #[arg(long)]
        since: Option<chrono::NaiveDate>,
        /// Periods per growth window: the last N against the N before.
        #[arg(long, default_value_t = 3)]
        window: usize,
        /// Postings a value needs in each window before its growth is reported.
        #[arg(long = "min-support", default_value_t = 20)]
        min_support: u64,
        /// Values shown (most postings first).
        #[arg(long, default_value_t = 15)]
        top: usize,
        /// Also the posted-pay trend: median stated pay (annual USD) per period, in all and per
        /// value, where at least 10 postings state pay.
        #[arg(long)]
        pay: bool,
        #[command(flatten)]
        filters: SearchFilters,
        /// Print JSON: periods, totals, every value's counts and shares, growth, emerging values.
        #[arg(long)]
        json: bool,
    },
    /// The market report: the main roles with their share, skills and pay; the languages, maths
    /// and frameworks asked for; the industries hiring; pay by experience, location, industry,
    /// specialisation and company size (posted and survey pay); emerging areas; what entry-level
    /// postings ask; questions answered with numbers — each figure with its base and search.
    Report {
        /// The period: a quarter (2026-Q3), a year (2026) or a month (2026-11); default: the 12
        /// complete months before this one.
        #[arg(long)]
        period: Option<String>,
        /// html (one self-contained file: styles inline, no external asset), md or json
        /// (default: from --out's extension, else html).
        #[arg(long, value_parser = ["html", "md", "json"])]
        format: Option<String>,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
        /// The mljobs server the report's links open (where `mljobs serve` listens).
        #[arg(long = "base-url", default_value = "http://127.0.0.1:8080")]
        base_url: String,
        /// Print the figures as JSON (= --format json).
        #[arg(long)]
        json: bool,
    },
    /// Saved searches and alerts: one digest of a search's new postings at a time, by email or
    /// signed webhook, never a posting twice (SMTP: MLJOBS_SMTP_URL, MLJOBS_SMTP_FROM; links:
    /// MLJOBS_BASE_URL).
    Alerts {
        #[command(subcommand)]
        command: AlertsCommand,
    },
    /// Rebuild the search index from the store.
    Reindex {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Salary data.
    Salary {
        /// What to do.
        #[command(subcommand)]
        command: SalaryCommand,
    },
    /// Public job boards to crawl (`greenhouse:acme`, a board URL, …): add, import, list, remove.
    Sources {
        #[command(subcommand)]
        command: SourcesCommand,
    },
    /// Fetch the public boards of the stored sources (or those named) and ingest their postings.
    Crawl {
        /// Sources to crawl: specs or board URLs, added to the store when new (repeatable).
        /// Default: every enabled source.
        #[arg(long = "source")]
        sources: Vec<String>,
        /// Add the bundled starter set of ML/AI employers' boards (data/ats-boards/starter-ml.csv,
        /// about 190 boards on Greenhouse, Lever, Ashby and Workable) and crawl them.
        #[arg(long)]
        starter: bool,
        /// Store only ML and data roles (`ml`) or every posting (`all`); the rest are counted.
        #[arg(long, value_enum, default_value = "ml")]
        keep: Keep,
        /// Boards fetched at once (across hosts; each host also gets at most 2 at once).
        #[arg(long, default_value_t = 16)]
        concurrency: usize,
        /// Only sources that are due (never crawled, or their next crawl time has come): for cron
        /// and systemd timers.
        #[arg(long)]
        due: bool,
        /// Requests in flight to one host at most (politeness: many boards share one API host).
        #[arg(long = "per-host", env = "MLJOBS_CRAWL_PER_HOST", default_value_t = 2)]
        per_host: usize,
        /// Time between the starts of two requests to one host (`250ms`, `1s`; `0ms` for a mirror
        /// of your own).
        #[arg(long = "host-interval", env = "MLJOBS_CRAWL_HOST_INTERVAL", default_value = "250ms", value_parser = parse_interval)]
        host_interval: std::time::Duration,
        /// How often a source is crawled when it works (`30m`, `6h`, `1d`); the next crawl of each
        /// is set this far ahead, ±10 % so that sources spread over the interval. A failing source
        /// backs off instead: 30 min, doubled per failure, at most a day.
        #[arg(long, default_value = "6h", value_parser = parse_duration)]
        every: std::time::Duration,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Serve the web site and the JSON API (explorer at /api/docs/) until Ctrl-C or SIGTERM.
    Serve {
        /// Serve the bundled demo data (sample postings, SkillSpan postings, the salary survey)
        /// from a data directory of its own (`--data-dir`, else `mljobs-demo` beside the default),
        /// loading it first when that store is empty.
        #[arg(long)]
        demo: bool,
        /// Address to listen on (port 0 picks a free port).
        #[arg(long, env = "MLJOBS_BIND", default_value = "127.0.0.1:8080")]
        bind: std::net::SocketAddr,
        /// Worker threads (default: one per core, plus one kept free for health checks and static
        /// files: requests that search or read the store run on at most threads − 1 at a time).
        #[arg(long)]
        threads: Option<usize>,
        /// Open connections at most (default: the open-file limit, raised as far as the system
        /// allows, less 256); more clients wait until one closes.
        #[arg(long)]
        max_connections: Option<usize>,
        /// Seconds a client has to send a request's headers (also closes idle kept-alive
        /// connections).
        #[arg(long, default_value_t = 10)]
        header_timeout: u64,
        /// Search answers kept in memory until the next ingest (0 turns the cache off).
        #[arg(long, env = "MLJOBS_CACHE", default_value_t = 10_000)]
        cache: usize,
        /// Keep the store fresh while serving: crawl the sources as they come due, each this
        /// often when it works (`30m`, `6h`, `1d`; ±10 % so they spread), a failing one backing
        /// off up to a day — as `mljobs crawl --due --every` would from a timer.
        #[arg(long = "crawl-every", env = "MLJOBS_CRAWL_EVERY", value_parser = parse_duration)]
        crawl_every: Option<std::time::Duration>,
    },
    /// Print the taxonomy.
    Taxonomy {
        /// Which part.
        #[arg(value_enum, default_value = "roles")]
        kind: TaxonomyKind,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `mljobs salary eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Survey CSV to train on (with --test; default: the bundled survey split by year).
    #[arg(long, requires = "test")]
    pub train: Option<PathBuf>,
    /// Survey CSV to test on.
    #[arg(long, requires = "train")]
    pub test: Option<PathBuf>,
    /// Without --train/--test: train on work_year ≤ this, test on the year after.
    #[arg(long, default_value_t = 2023, conflicts_with = "train")]
    pub train_until: u16,
    /// Without --train/--test: the survey CSV to split (default: the bundled one).
    #[arg(long, conflicts_with = "train")]
    pub data: Option<PathBuf>,
    /// Write p10,p50,p90 per test row here (for scripts/salary-peers.py --ours).
    #[arg(long)]
    pub predictions: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Which crawled postings are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Keep {
    /// Postings whose role is an ML or data role.
    Ml,
    /// Every posting.
    All,
}

/// Parts of the taxonomy.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TaxonomyKind {
    /// Roles with their responsibilities and codes.
    Roles,
    /// Skills with category and aliases.
    Skills,
    /// Industries.
    Industries,
    /// Application and emerging areas.
    Areas,
    /// Seniority levels.
    Levels,
}

/// A short interval as `250ms`, `1s` or `0ms`.
pub fn parse_interval(s: &str) -> Result<std::time::Duration, String> {
    let t = s.trim();
    match t.strip_suffix("ms") {
        Some(ms) => ms.parse().map(std::time::Duration::from_millis).map_err(|_| format!("{s:?}: an interval is e.g. 250ms or 1s")),
        None if t == "0" => Ok(std::time::Duration::ZERO),
        None => parse_duration(t).map_err(|_| format!("{s:?}: an interval is e.g. 250ms or 1s")),
    }
}

/// A duration as `90s`, `30m`, `6h` or `1d`.
pub fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let t = s.trim();
    let (n, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
    let n: u64 = n.parse().map_err(|_| format!("{s:?}: a duration is a number and a unit, e.g. 30m, 6h, 1d"))?;
    let secs = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("{s:?}: the unit must be s, m, h or d")),
    };
    if n == 0 {
        return Err(format!("{s:?}: must be more than zero"));
    }
    Ok(std::time::Duration::from_secs(n * secs))
}

fn parse_format(s: &str) -> Result<ingest::Format, String> {
    ingest::Format::parse(s).ok_or_else(|| {
        format!("unknown format {s:?}; one of auto, csv, jsonl, jsonld, greenhouse, lever, ashby, workable, smartrecruiters, workday, rippling, feed")
    })
}

fn parse_map(s: &str) -> Result<ingest::ColumnMap, String> {
    ingest::ColumnMap::parse(s).map_err(|e| e.to_string())
}

impl Cli {
    /// The search index directory (inside the data directory).
    pub fn index_dir(&self) -> PathBuf {
        self.data_dir().join("index")
    }

    /// The data directory to use.
    pub fn data_dir(&self) -> PathBuf {
        if let Some(d) = &self.data_dir {
            return d.clone();
        }
        if let Some(x) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
            return PathBuf::from(x).join("mljobs");
        }
        match std::env::var_os("HOME") {
            Some(h) => PathBuf::from(h).join(".local/share/mljobs"),
            None => PathBuf::from(".mljobs"),
        }
    }

    /// Loads the taxonomy: built in, with files from `--taxonomy DIR` replacing their namesakes.
    pub fn load_taxonomy(&self) -> Result<(Taxonomy, String)> {
        let mut files = TaxonomyFiles::embedded();
        if let Some(dir) = &self.taxonomy {
            let mut found = 0;
            for name in FILE_NAMES {
                let path = dir.join(name);
                if path.exists() {
                    let text = std::fs::read_to_string(&path).with_context(|| format!("reading taxonomy file {}", path.display()))?;
                    files.set(name, text);
                    found += 1;
                }
            }
            anyhow::ensure!(found > 0, "--taxonomy {}: no taxonomy files there (expected any of {})", dir.display(), FILE_NAMES.join(", "));
        }
        let fingerprint = mljobs_core::PostingId::from_parts(&[
            &files.roles,
            &files.seniority,
            &files.skills,
            &files.industries,
            &files.areas,
            &files.countries,
            &files.regions,
            &files.cities,
            &files.fx,
            &files.us_places,
        ])
        .to_string();
        Ok((Taxonomy::from_files(&files)?, fingerprint))
    }
}

/// The filters of a search, shared by `search` and `trends` (the API's parameters, as flags).
#[derive(Args, Debug, Clone)]
pub struct SearchFilters {
    /// Role id (repeatable; OR).
    #[arg(long)]
    pub role: Vec<String>,
    /// Seniority id (repeatable).
    #[arg(long)]
    pub seniority: Vec<String>,
    /// Skill id (repeatable).
    #[arg(long)]
    pub skill: Vec<String>,
    /// Industry id (repeatable).
    #[arg(long)]
    pub industry: Vec<String>,
    /// ISO country code (repeatable).
    #[arg(long)]
    pub country: Vec<String>,
    /// Region as CC-RR, e.g. US-CA (repeatable).
    #[arg(long)]
    pub region: Vec<String>,
    /// City name, e.g. "San Francisco" (repeatable).
    #[arg(long)]
    pub city: Vec<String>,
    /// Work mode: onsite, hybrid, remote (repeatable).
    #[arg(long = "work-mode")]
    pub work_mode: Vec<String>,
    /// Shorthand for --work-mode remote.
    #[arg(long)]
    pub remote: bool,
    /// Employment type, e.g. FULL_TIME (repeatable).
    #[arg(long = "employment-type")]
    pub employment_type: Vec<String>,
    /// Application or emerging area id (repeatable).
    #[arg(long)]
    pub area: Vec<String>,
    /// Employer, as named in postings ("Acme AI"; a legal form such as "Inc." is ignored; repeatable).
    #[arg(long)]
    pub company: Vec<String>,
    /// The lowest degree a posting's degree requirement names: bachelor, master, phd (repeatable).
    #[arg(long)]
    pub degree: Vec<String>,
    /// Any degree a posting's degree requirement names ("MS or PhD" names both; repeatable).
    #[arg(long = "degree-named")]
    pub degree_named: Vec<String>,
    /// Minimum annual salary in USD (postings without a salary still match unless --with-salary).
    #[arg(long = "salary-min")]
    pub salary_min: Option<f64>,
    /// Only postings that state a salary.
    #[arg(long = "with-salary")]
    pub with_salary: bool,
    /// Posted on or after this date (YYYY-MM-DD).
    #[arg(long = "posted-after")]
    pub posted_after: Option<chrono::NaiveDate>,
    /// First seen by mljobs on or after this date (YYYY-MM-DD): what is new since.
    #[arg(long = "first-seen-after")]
    pub first_seen_after: Option<chrono::NaiveDate>,
    /// Open postings (default), closed ones, or all.
    #[arg(long, default_value = "open", value_parser = ["open", "closed", "all"])]
    pub status: String,
}

/// `mljobs alerts …`.
#[derive(Subcommand, Debug)]
pub enum AlertsCommand {
    /// Save a search as an alert.
    Add {
        /// The search: the query string of /jobs (`q=pytorch&remote=true&country=DE`) or words.
        #[arg(long)]
        query: String,
        /// Send digests to this email address (by the SMTP server in MLJOBS_SMTP_URL).
        #[arg(long, conflicts_with = "webhook")]
        email: Option<String>,
        /// POST digests as JSON to this URL, signed: `X-Mljobs-Signature: sha256=<HMAC-SHA256 of
        /// the body with the alert's secret>` (the secret is printed once, here).
        #[arg(long)]
        webhook: Option<String>,
        /// At most one digest this often.
        #[arg(long, default_value = "day", value_parser = ["hour", "day", "week"])]
        every: String,
        /// Print JSON (with the secret).
        #[arg(long)]
        json: bool,
    },
    /// The alerts, with what each has sent and whether it is failing.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Remove alerts.
    Remove {
        /// Alert ids.
        #[arg(required = true)]
        ids: Vec<i64>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Send one alert a sample digest now (its five newest matches; nothing recorded as sent).
    Test {
        /// Alert id.
        id: i64,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Send every due alert its digest of new postings (ingest and crawl do this after storing).
    Run {
        /// Every alert not unsubscribed, whatever its schedule or retry time.
        #[arg(long)]
        now: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}
