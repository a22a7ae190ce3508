//! The SQLite store.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use mljobs_core::dedupe::{self, NEAR_DUPLICATE_BITS};
use mljobs_core::ingest::Rejection;
use mljobs_core::posting::hash64;
use mljobs_core::{Enrichment, JobPosting, PostingId};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::migrations;

/// Errors of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite failed.
    #[error("store {path}: {source}")]
    Sqlite {
        /// Database file.
        path: String,
        /// Cause.
        #[source]
        source: rusqlite::Error,
    },
    /// The data directory cannot be used.
    #[error("data directory {path}: {message}")]
    DataDir {
        /// Directory.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// Stored JSON no longer reads (a format change without a migration).
    #[error("posting {id}: stored {what} is unreadable: {message}")]
    Corrupt {
        /// Posting id.
        id: String,
        /// Which part.
        what: &'static str,
        /// Parser message.
        message: String,
    },
}

/// A posting read back with its enrichment and group.
#[derive(Debug, Clone, Serialize)]
pub struct StoredPosting {
    /// The posting.
    pub posting: JobPosting,
    /// Its enrichment.
    pub enrichment: Enrichment,
    /// Canonical posting of its near-duplicate group (itself when canonical).
    pub canonical_id: String,
    /// Other postings in its group.
    pub similar: Vec<String>,
    /// Other sources that carried the same posting (same canonical URL).
    pub aliases: Vec<String>,
    /// When it was first and last seen, and whether it closed.
    pub lifecycle: crate::Lifecycle,
}

/// A posting as a result list shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Card {
    /// Posting id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Company.
    pub company: Option<String>,
    /// Role id.
    pub role: String,
    /// Seniority id.
    pub seniority: Option<String>,
    /// City.
    pub city: Option<String>,
    /// ISO country code.
    pub country: Option<String>,
    /// `onsite`, `hybrid` or `remote`.
    pub work_mode: Option<String>,
    /// Employment type.
    pub employment_type: Option<String>,
    /// Annual minimum in US dollars.
    pub salary_usd_min: Option<f64>,
    /// Annual maximum in US dollars.
    pub salary_usd_max: Option<f64>,
    /// Date posted (YYYY-MM-DD).
    pub date_posted: Option<String>,
    /// When mljobs first saw it (YYYY-MM-DD).
    pub first_seen: String,
    /// When it closed (YYYY-MM-DD); none while open.
    pub closed_on: Option<String>,
}

impl Card {
    /// Whether it was first seen within `days` days before `today` (a "new" badge).
    pub fn is_new(&self, today: chrono::NaiveDate, days: i64) -> bool {
        self.closed_on.is_none() && chrono::NaiveDate::parse_from_str(&self.first_seen, "%Y-%m-%d").is_ok_and(|d| (today - d).num_days() < days && d <= today)
    }
}

/// A posting changed since some store revision, as the search index reads it.
#[derive(Debug, Clone)]
pub struct Changed {
    /// The posting.
    pub posting: JobPosting,
    /// Its enrichment.
    pub enrichment: Enrichment,
    /// Its group's canonical posting.
    pub canonical_id: String,
    /// The store revision of the change.
    pub rev: i64,
    /// When it was first seen.
    pub first_seen: Option<chrono::NaiveDate>,
    /// Whether it is closed.
    pub closed: bool,
}

/// What one batch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct BatchOutcome {
    /// New postings.
    pub new: u64,
    /// Existing postings whose content changed.
    pub updated: u64,
    /// Existing postings seen again unchanged.
    pub unchanged: u64,
    /// Records that are a stored posting under another identity (same canonical URL).
    pub duplicates: u64,
    /// New postings linked to an existing near-duplicate group.
    pub grouped: u64,
}

impl BatchOutcome {
    fn add(&mut self, o: BatchOutcome) {
        self.new += o.new;
        self.updated += o.updated;
        self.unchanged += o.unchanged;
        self.duplicates += o.duplicates;
        self.grouped += o.grouped;
    }
}

/// Summary of an ingest run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IngestSummary {
    /// Records read (good and bad).
    pub read: u64,
    /// Outcome of the good ones.
    #[serde(flatten)]
    pub outcome: BatchOutcome,
    /// Records rejected.
    pub rejected: u64,
    /// Postings kept with warnings (fields left unknown).
    pub warnings: u64,
    /// Postings read but not stored because their role is not an ML or data role (`crawl --keep ml`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub not_ml: u64,
    /// Postings closed by this run: gone from a complete fetch of their board, or past their closing date.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub closed: u64,
    /// Closed postings listed again by their board, now open.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub reopened: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl IngestSummary {
    /// Adds a batch outcome.
    pub fn add(&mut self, o: BatchOutcome) {
        self.outcome.add(o);
    }
}

/// Counts for `mljobs stats`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    /// Postings stored.
    pub postings: u64,
    /// Canonical postings (near-duplicate groups counted once).
    pub canonical_postings: u64,
    /// Postings with a salary in annual USD.
    pub with_salary: u64,
    /// By role.
    pub by_role: BTreeMap<String, u64>,
    /// By seniority (`unknown` when none).
    pub by_seniority: BTreeMap<String, u64>,
    /// Top skills (postings mentioning each), most common first.
    pub by_skill: Vec<(String, u64)>,
    /// By industry.
    pub by_industry: BTreeMap<String, u64>,
    /// By country.
    pub by_country: BTreeMap<String, u64>,
    /// By work mode.
    pub by_work_mode: BTreeMap<String, u64>,
    /// By area.
    pub by_area: BTreeMap<String, u64>,
}

/// Postings per year, and per skill and year ([`Store::skill_years`]).
#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub struct SkillYears {
    /// Year (YYYY) → canonical postings posted that year.
    pub postings: BTreeMap<String, u64>,
    /// Skill id → year → canonical postings naming the skill.
    pub by_skill: BTreeMap<String, BTreeMap<String, u64>>,
}

impl SkillYears {
    /// The years with at least `min_postings` postings, and for each of `skills` the share of
    /// each such year's postings that name it (0–1).
    pub fn shares(&self, skills: &[String], min_postings: u64) -> (Vec<String>, Vec<Vec<f64>>) {
        let years: Vec<String> = self.postings.iter().filter(|(_, n)| **n >= min_postings.max(1)).map(|(y, _)| y.clone()).collect();
        let shares = skills
            .iter()
            .map(|skill| {
                let per = self.by_skill.get(skill);
                years.iter().map(|y| per.and_then(|m| m.get(y)).copied().unwrap_or(0) as f64 / self.postings[y] as f64).collect()
            })
            .collect();
        (years, shares)
    }
}

/// The store: one SQLite database in the data directory.
pub struct Store {
    pub(crate) conn: Connection,
    pub(crate) path: String,
}

const DB_FILE: &str = "mljobs.sqlite3";

impl Store {
    /// Whether `data_dir` holds a store.
    pub fn exists(data_dir: &Path) -> bool {
        data_dir.join(DB_FILE).is_file()
    }

    /// Opens (creating if needed) the store in `data_dir`, in WAL mode, migrated to the current schema.
    pub fn open(data_dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|e| StoreError::DataDir { path: data_dir.display().to_string(), message: e.to_string() })?;
        let path: PathBuf = data_dir.join(DB_FILE);
        let path_str = path.display().to_string();
        let conn = Connection::open(&path).map_err(|source| StoreError::Sqlite { path: path_str.clone(), source })?;
        Store::init(conn, path_str)
    }

    /// Opens the store for a long-running reader (the API server, several connections): no
    /// writes (`query_only`), a 16 MB page cache and no memory-mapped window, so a server's memory
    /// does not grow with the database file (the index answers searches; the store is read for
    /// one page of results at a time).
    pub fn open_reader(data_dir: &Path) -> Result<Store, StoreError> {
        let store = Store::open(data_dir)?;
        let sq = |source| StoreError::Sqlite { path: store.path.clone(), source };
        store.conn.pragma_update(None, "mmap_size", 0).map_err(sq)?;
        store.conn.pragma_update(None, "cache_size", -16384).map_err(sq)?;
        store.conn.pragma_update(None, "query_only", "ON").map_err(sq)?;
        Ok(store)
    }

    /// An in-memory store for tests.
    pub fn open_in_memory() -> Result<Store, StoreError> {
        let conn = Connection::open_in_memory().map_err(|source| StoreError::Sqlite { path: ":memory:".into(), source })?;
        Store::init(conn, ":memory:".into())
    }

    fn init(mut conn: Connection, path: String) -> Result<Store, StoreError> {
        let sq = |source| StoreError::Sqlite { path: path.clone(), source };
        conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(sq)?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(sq)?;
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(sq)?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(sq)?;
        // A 64 MB page cache and 64 MB of memory-mapped reads: dedupe lookups during a large ingest
        // read index pages constantly, and with the 2 MB default each one became a read() syscall.
        // The map was 256 MB until the crawl benchmark (issue 15): mapped pages count in a
        // process's RSS, and at 100k postings 64 MB (or none) ingested as fast (32.4 s vs 32.5 s).
        conn.pragma_update(None, "cache_size", -65536).map_err(sq)?;
        conn.pragma_update(None, "mmap_size", 67_108_864i64).map_err(sq)?;
        conn.pragma_update(None, "temp_store", "MEMORY").map_err(sq)?;
        migrations::migrate(&mut conn).map_err(|message| StoreError::DataDir { path: path.clone(), message })?;
        Ok(Store { conn, path })
    }

    pub(crate) fn sq(&self) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
        move |source| StoreError::Sqlite { path: self.path.clone(), source }
    }

    /// Records the start of an ingest run; returns its id.
    pub fn begin_run(&mut self, files: &[String], now: DateTime<Utc>) -> Result<i64, StoreError> {
        self.conn
            .execute("INSERT INTO ingest_runs(started_at, files) VALUES (?1, ?2)", params![now.to_rfc3339(), serde_json::to_string(files).unwrap_or_default()])
            .map_err(self.sq())?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Records the end of a run with its summary.
    pub fn finish_run(&mut self, run: i64, summary: &IngestSummary, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.conn
            .execute(
                "UPDATE ingest_runs SET finished_at = ?1, summary = ?2 WHERE id = ?3",
                params![now.to_rfc3339(), serde_json::to_string(summary).unwrap_or_default(), run],
            )
            .map_err(self.sq())?;
        Ok(())
    }

    /// Writes a batch in one transaction: postings (deduped) and the run's rejections.
    pub fn write_batch(
        &mut self,
        run: i64,
        batch: &[(JobPosting, Enrichment)],
        rejections: &[Rejection],
        taxonomy_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<BatchOutcome, StoreError> {
        let path = self.path.clone();
        let sq = |source| StoreError::Sqlite { path: path.clone(), source };
        let tx = self.conn.transaction().map_err(sq)?;
        let mut outcome = BatchOutcome::default();
        for (posting, enrichment) in batch {
            let o = write_one(&tx, posting, enrichment, taxonomy_hash, now).map_err(sq)?;
            outcome.add(o);
        }
        {
            let mut stmt = tx.prepare_cached("INSERT INTO rejections(run_id, file, line, record, reason) VALUES (?1, ?2, ?3, ?4, ?5)").map_err(sq)?;
            for r in rejections {
                stmt.execute(params![run, r.record.file, r.record.line.map(|l| l as i64), r.record.record as i64, r.reason]).map_err(sq)?;
            }
        }
        tx.commit().map_err(sq)?;
        Ok(outcome)
    }

    /// Number of postings stored.
    pub fn count(&self) -> Result<u64, StoreError> {
        self.conn.query_row("SELECT count(*) FROM postings", [], |r| r.get::<_, i64>(0)).map(|n| n as u64).map_err(self.sq())
    }

    /// Reads one posting.
    pub fn get(&self, id: &PostingId) -> Result<Option<StoredPosting>, StoreError> {
        let row: Option<(String, String, String, crate::Lifecycle)> = self
            .conn
            .query_row(
                "SELECT posting_json, enrichment_json, canonical_id, first_seen_at, COALESCE(last_seen_at, updated_at), closed_at, closed_reason, board
                 FROM postings WHERE id = ?1",
                [id.as_str()],
                |r| {
                    let lifecycle =
                        crate::Lifecycle { first_seen: r.get(3)?, last_seen: r.get(4)?, closed_at: r.get(5)?, closed_reason: r.get(6)?, source: r.get(7)? };
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, lifecycle))
                },
            )
            .optional()
            .map_err(self.sq())?;
        let Some((pj, ej, canonical_id, lifecycle)) = row else { return Ok(None) };
        let posting: JobPosting = serde_json::from_str(&pj).map_err(|e| StoreError::Corrupt { id: id.to_string(), what: "posting", message: e.to_string() })?;
        let enrichment: Enrichment =
            serde_json::from_str(&ej).map_err(|e| StoreError::Corrupt { id: id.to_string(), what: "enrichment", message: e.to_string() })?;
        // Members of the group (the partial index holds only postings whose canonical is another),
        // plus the canonical posting itself when this one is a member.
        let mut stmt =
            self.conn.prepare_cached("SELECT id FROM postings WHERE canonical_id = ?1 AND canonical_id != id AND id != ?2 ORDER BY id").map_err(self.sq())?;
        let mut similar =
            stmt.query_map(params![canonical_id, id.as_str()], |r| r.get(0)).map_err(self.sq())?.collect::<Result<Vec<String>, _>>().map_err(self.sq())?;
        if canonical_id != id.as_str() {
            similar.insert(0, canonical_id.clone());
        }
        let mut stmt = self
            .conn
            .prepare_cached("SELECT source || COALESCE(':' || source_id, '') FROM posting_aliases WHERE posting_id = ?1 ORDER BY alias_id")
            .map_err(self.sq())?;
        let aliases = stmt.query_map([id.as_str()], |r| r.get(0)).map_err(self.sq())?.collect::<Result<Vec<String>, _>>().map_err(self.sq())?;
        Ok(Some(StoredPosting { posting, enrichment, canonical_id, similar, aliases, lifecycle }))
    }

    /// Ids and last-change dates (`YYYY-MM-DD`) of the canonical postings (one per near-duplicate
    /// group), newest change first, at most `limit`: the job pages of a sitemap.
    pub fn canonical_pages(&self, limit: usize) -> Result<Vec<(String, String)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, substr(updated_at, 1, 10) FROM postings WHERE canonical_id = id ORDER BY updated_at DESC, seq DESC LIMIT ?1")
            .map_err(self.sq())?;
        stmt.query_map(params![i64::try_from(limit).unwrap_or(i64::MAX)], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(self.sq())?
            .collect::<Result<Vec<_>, _>>()
            .map_err(self.sq())
    }

    /// What a result list shows of each posting, in the order asked (unknown ids are skipped):
    /// read from the facet columns, so no posting JSON is parsed.
    pub fn cards(&self, ids: &[&str]) -> Result<Vec<Card>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, title, company, role, seniority, city, country, work_mode, \
                 employment_type, salary_usd_min, salary_usd_max, date_posted, substr(first_seen_at, 1, 10), substr(closed_at, 1, 10)
                 FROM postings INDEXED BY postings_card WHERE id = ?1",
            )
            .map_err(self.sq())?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let card = stmt
                .query_row([id], |r| {
                    Ok(Card {
                        id: r.get(0)?,
                        title: r.get(1)?,
                        company: r.get(2)?,
                        role: r.get(3)?,
                        seniority: r.get(4)?,
                        city: r.get(5)?,
                        country: r.get(6)?,
                        work_mode: r.get(7)?,
                        employment_type: r.get(8)?,
                        salary_usd_min: r.get(9)?,
                        salary_usd_max: r.get(10)?,
                        date_posted: r.get(11)?,
                        first_seen: r.get(12)?,
                        closed_on: r.get(13)?,
                    })
                })
                .optional()
                .map_err(self.sq())?;
            out.extend(card);
        }
        Ok(out)
    }

    /// The plain-text description of a posting (for snippets).
    pub fn description(&self, id: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .prepare_cached("SELECT json_extract(posting_json, '$.description') FROM postings WHERE id = ?1")
            .map_err(self.sq())?
            .query_row([id], |r| r.get(0))
            .optional()
            .map_err(self.sq())
    }

    /// Finds a posting by a unique id prefix (at least 4 hex digits), for the CLI.
    pub fn resolve_prefix(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        let p = prefix.trim().to_ascii_lowercase();
        if p.len() < 4 || !p.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(Vec::new());
        }
        let mut stmt = self.conn.prepare("SELECT id FROM postings WHERE id >= ?1 AND id < ?2 ORDER BY id LIMIT 10").map_err(self.sq())?;
        let upper = format!("{p}g");
        stmt.query_map(params![p, upper], |r| r.get(0)).map_err(self.sq())?.collect::<Result<Vec<String>, _>>().map_err(self.sq())
    }

    /// The current store revision (increases with every insert or update).
    pub fn revision(&self) -> Result<i64, StoreError> {
        self.conn.query_row("SELECT value FROM meta WHERE key = 'rev'", [], |r| r.get(0)).map_err(self.sq())
    }

    /// Calls `f` with chunks (up to `chunk` postings) of every posting changed after revision
    /// `since`, in revision order, with its enrichment, canonical id, revision and lifecycle.
    pub fn for_each_changed_since(&self, since: i64, chunk: usize, mut f: impl FnMut(&[Changed]) -> Result<(), StoreError>) -> Result<(), StoreError> {
        let mut last = since;
        loop {
            let mut stmt = self
                .conn
                .prepare_cached(
                    "SELECT id, posting_json, enrichment_json, canonical_id, rev, substr(first_seen_at, 1, 10), closed_at IS NOT NULL
                     FROM postings WHERE rev > ?1 ORDER BY rev LIMIT ?2",
                )
                .map_err(self.sq())?;
            let rows = stmt
                .query_map(params![last, chunk as i64], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, i64>(4)?,
                        r.get::<_, Option<String>>(5)?,
                        r.get::<_, bool>(6)?,
                    ))
                })
                .map_err(self.sq())?;
            let mut batch = Vec::with_capacity(chunk);
            for row in rows {
                let (id, pj, ej, canonical_id, rev, first_seen, closed) = row.map_err(self.sq())?;
                let posting: JobPosting =
                    serde_json::from_str(&pj).map_err(|e| StoreError::Corrupt { id: id.clone(), what: "posting", message: e.to_string() })?;
                let enrichment: Enrichment = serde_json::from_str(&ej).map_err(|e| StoreError::Corrupt { id, what: "enrichment", message: e.to_string() })?;
                let first_seen = first_seen.and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok());
                batch.push(Changed { posting, enrichment, canonical_id, rev, first_seen, closed });
            }
            let Some(max_rev) = batch.last().map(|c| c.rev) else { return Ok(()) };
            f(&batch)?;
            last = max_rev;
        }
    }

    /// Postings (one per near-duplicate group) that state both ends of an annual USD salary, as
    /// labelled salaries for the estimator.
    pub fn salaries(&self, taxonomy: &mljobs_core::Taxonomy) -> Result<Vec<mljobs_core::salary_model::Labelled>, StoreError> {
        self.stated_salaries(taxonomy, true)
    }

    /// Annual USD salaries by industry of the postings (one per near-duplicate group) that state
    /// both ends of a range and have an industry: the midpoint ([`posted_salary_usd`]), as
    /// [`Store::salaries`] gives them, read from the `postings_pay` index alone.
    ///
    /// [`posted_salary_usd`]: mljobs_core::salary_model::posted_salary_usd
    pub fn industry_salaries(&self) -> Result<Vec<(String, f64)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT industry, salary_usd_min, salary_usd_max FROM postings INDEXED BY postings_pay
                 WHERE canonical_id = id AND salary_usd_min IS NOT NULL AND salary_usd_max IS NOT NULL AND industry IS NOT NULL",
            )
            .map_err(self.sq())?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, f64>(1)?, r.get::<_, f64>(2)?))).map_err(self.sq())?;
        let mut out = Vec::new();
        for row in rows {
            let (industry, min, max) = row.map_err(self.sq())?;
            out.extend(mljobs_core::salary_model::posted_salary_usd(min, max).map(|usd| (industry, usd)));
        }
        Ok(out)
    }

    /// The salaries the estimator learns from: [`Store::salaries`] without the demo's sample
    /// postings, whose pay is invented (`Provenance::is_sample`).
    pub fn training_salaries(&self, taxonomy: &mljobs_core::Taxonomy) -> Result<Vec<mljobs_core::salary_model::Labelled>, StoreError> {
        self.stated_salaries(taxonomy, false)
    }

    fn stated_salaries(&self, taxonomy: &mljobs_core::Taxonomy, samples: bool) -> Result<Vec<mljobs_core::salary_model::Labelled>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, posting_json, enrichment_json FROM postings WHERE canonical_id = id AND salary_usd_min IS NOT NULL AND salary_usd_max IS NOT NULL ORDER BY seq")
            .map_err(self.sq())?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))).map_err(self.sq())?;
        let mut out = Vec::new();
        for row in rows {
            let (id, pj, ej) = row.map_err(self.sq())?;
            let posting: JobPosting = serde_json::from_str(&pj).map_err(|e| StoreError::Corrupt { id: id.clone(), what: "posting", message: e.to_string() })?;
            let enrichment: Enrichment = serde_json::from_str(&ej).map_err(|e| StoreError::Corrupt { id, what: "enrichment", message: e.to_string() })?;
            if samples || !posting.provenance.is_sample() {
                out.extend(mljobs_core::salary_model::Labelled::from_posting(&posting, &enrichment, taxonomy));
            }
        }
        Ok(out)
    }

    /// Counts by every facet.
    pub fn stats(&self, top_skills: usize) -> Result<Stats, StoreError> {
        let mut s = Stats { postings: self.count()?, ..Default::default() };
        s.canonical_postings =
            self.conn.query_row("SELECT count(*) FROM postings WHERE canonical_id = id", [], |r| r.get::<_, i64>(0)).map_err(self.sq())? as u64;
        s.with_salary = self
            .conn
            .query_row("SELECT count(*) FROM postings WHERE salary_usd_min IS NOT NULL OR salary_usd_max IS NOT NULL", [], |r| r.get::<_, i64>(0))
            .map_err(self.sq())? as u64;
        let group = |col: &str| -> Result<BTreeMap<String, u64>, StoreError> {
            let sql = format!("SELECT COALESCE({col}, 'unknown'), count(*) FROM postings GROUP BY 1");
            let mut stmt = self.conn.prepare(&sql).map_err(self.sq())?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))).map_err(self.sq())?;
            rows.collect::<Result<BTreeMap<_, _>, _>>().map_err(self.sq())
        };
        s.by_role = group("role")?;
        s.by_seniority = group("seniority")?;
        s.by_industry = group("industry")?;
        s.by_country = group("country")?;
        s.by_work_mode = group("work_mode")?;
        let mut stmt =
            self.conn.prepare("SELECT skill_id, count(*) AS n FROM posting_skills GROUP BY skill_id ORDER BY n DESC, skill_id LIMIT ?1").map_err(self.sq())?;
        s.by_skill = stmt
            .query_map([top_skills as i64], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))
            .map_err(self.sq())?
            .collect::<Result<_, _>>()
            .map_err(self.sq())?;
        let mut stmt = self.conn.prepare("SELECT area_id, count(*) FROM posting_areas GROUP BY area_id").map_err(self.sq())?;
        s.by_area = stmt.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64))).map_err(self.sq())?.collect::<Result<_, _>>().map_err(self.sq())?;
        Ok(s)
    }

    /// Demand over time: canonical postings (a near-duplicate group once) per year posted, and per
    /// skill and year. Postings without a date are left out.
    pub fn skill_years(&self) -> Result<SkillYears, StoreError> {
        let mut out = SkillYears::default();
        let mut stmt = self
            .conn
            .prepare("SELECT substr(date_posted, 1, 4), count(*) FROM postings WHERE canonical_id = id AND date_posted IS NOT NULL GROUP BY 1")
            .map_err(self.sq())?;
        out.postings = stmt.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64))).map_err(self.sq())?.collect::<Result<_, _>>().map_err(self.sq())?;
        let mut stmt = self
            .conn
            .prepare(
                "SELECT ps.skill_id, substr(p.date_posted, 1, 4), count(*) FROM posting_skills ps JOIN postings p ON p.seq = ps.seq \
                 WHERE p.canonical_id = p.id AND p.date_posted IS NOT NULL GROUP BY 1, 2",
            )
            .map_err(self.sq())?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)? as u64))).map_err(self.sq())?;
        for row in rows {
            let (skill, year, n) = row.map_err(self.sq())?;
            out.by_skill.entry(skill).or_default().insert(year, n);
        }
        Ok(out)
    }

    /// Runs `PRAGMA integrity_check` and the store's own invariants; returns problems found.
    pub fn check(&self) -> Result<Vec<String>, StoreError> {
        let mut problems = Vec::new();
        let ic: String = self.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(self.sq())?;
        if ic != "ok" {
            problems.push(format!("integrity_check: {ic}"));
        }
        let orphans: i64 = self
            .conn
            .query_row("SELECT count(*) FROM postings p WHERE NOT EXISTS (SELECT 1 FROM postings c WHERE c.id = p.canonical_id)", [], |r| r.get(0))
            .map_err(self.sq())?;
        if orphans > 0 {
            problems.push(format!("{orphans} postings point at a missing canonical posting"));
        }
        Ok(problems)
    }
}

/// Hash of what the posting says (provenance timestamps and record position excluded), to tell an
/// unchanged re-ingest from an update.
fn content_hash(p: &JobPosting) -> i64 {
    let salary = p.base_salary.as_ref().map(|s| format!("{:?}|{:?}|{:?}|{:?}", s.min, s.max, s.currency, s.period)).unwrap_or_default();
    let dates = format!("{:?}|{:?}", p.date_posted, p.valid_through);
    let o = |v: &Option<String>| v.as_deref().unwrap_or("\u{0}").to_string();
    let locations = p.locations.join("\u{1}");
    let fields = [
        p.title.as_str(),
        &p.description,
        p.description_html.as_deref().unwrap_or(""),
        &o(&p.company),
        &locations,
        &o(&p.city),
        &o(&p.region),
        &o(&p.country),
        &o(&p.work_mode),
        &o(&p.employment_type),
        &o(&p.seniority),
        &o(&p.industry),
        &dates,
        &salary,
        &o(&p.salary_text),
        &o(&p.provenance.url),
        &o(&p.provenance.source_group_id),
        &p.warnings.join("\u{1}"),
    ];
    hash64(&fields) as i64
}

/// When a posting whose `valid_through` is before `now`'s day closed: the end of that day (UTC).
pub(crate) fn expired_at(valid_through: Option<chrono::NaiveDate>, now: DateTime<Utc>) -> Option<String> {
    let v = valid_through?;
    (v < now.date_naive()).then(|| format!("{v}T23:59:59+00:00"))
}

fn company_key(p: &JobPosting) -> Option<String> {
    p.company.as_deref().map(dedupe::title_key).filter(|k| !k.is_empty())
}

fn write_one(
    tx: &rusqlite::Transaction<'_>,
    posting: &JobPosting,
    enrichment: &Enrichment,
    taxonomy_hash: &str,
    now: DateTime<Utc>,
) -> Result<BatchOutcome, rusqlite::Error> {
    let id = posting.id.as_str();
    let hash = content_hash(posting);
    let canonical_url = posting.provenance.url.as_deref().and_then(dedupe::canonical_url);
    let url_hash = canonical_url.as_deref().map(|u| hash64(&[u]) as i64);
    let company = company_key(posting);
    let title_key = dedupe::title_key(&posting.title);
    let dup_key = company.as_deref().map(|c| hash64(&[c, &title_key]) as i64);
    let existing: Option<(i64, i64, String)> = tx
        .prepare_cached("SELECT seq, content_hash, canonical_id FROM postings WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let now_text = now.to_rfc3339();
    let mut outcome = BatchOutcome::default();
    let simhash = |p: &JobPosting| dedupe::simhash(&p.description);
    let (canonical_id, fingerprint) = match &existing {
        Some((_, old_hash, canonical)) => {
            if *old_hash == hash {
                tx.prepare_cached("UPDATE postings SET last_seen_at = ?2 WHERE seq = ?1")?.execute(params![existing.as_ref().map(|e| e.0), now_text])?;
                outcome.unchanged = 1;
                return Ok(outcome);
            }
            outcome.updated = 1;
            (canonical.clone(), simhash(posting))
        }
        None => {
            // Tier 2: the same canonical URL under another identity is the same posting.
            if let (Some(url), Some(url_hash)) = (&canonical_url, url_hash) {
                let same: Option<String> = tx
                    .prepare_cached("SELECT id FROM postings WHERE url_hash = ?1 AND canonical_url = ?2 AND id != ?3 LIMIT 1")?
                    .query_row(params![url_hash, url, id], |r| r.get(0))
                    .optional()?;
                if let Some(stored) = same {
                    tx.prepare_cached("INSERT OR IGNORE INTO posting_aliases(alias_id, posting_id, source, source_id, url) VALUES (?1, ?2, ?3, ?4, ?5)")?
                        .execute(params![id, stored, posting.provenance.source, posting.provenance.source_id, posting.provenance.url])?;
                    outcome.duplicates = 1;
                    return Ok(outcome);
                }
            }
            outcome.new = 1;
            let fingerprint = simhash(posting);
            match near_duplicate_of(tx, posting, dup_key, company.as_deref(), &title_key, fingerprint)? {
                Some(canonical) => {
                    outcome.grouped = 1;
                    (canonical, fingerprint)
                }
                None => (id.to_string(), fingerprint),
            }
        }
    };
    // Every insert or update gets the next store revision; the search index catches up by it.
    let rev: i64 = tx.prepare_cached("UPDATE meta SET value = value + 1 WHERE key = 'rev' RETURNING value")?.query_row([], |r| r.get(0))?;
    let posting_json = serde_json::to_string(posting).expect("postings serialise");
    let enrichment_json = serde_json::to_string(enrichment).expect("enrichments serialise");
    let salary = enrichment.salary.as_ref();
    let seq: i64 = tx
        .prepare_cached(
            "INSERT INTO postings(id, source, source_id, source_group_id, canonical_url, url_hash, company_key, title_key, dup_key, simhash, content_hash,
            canonical_id, posting_json, enrichment_json, taxonomy_hash, title, company, role, seniority, country, work_mode, employment_type, industry,
            salary_usd_min, salary_usd_max, date_posted, first_seen_at, updated_at, rev, city, last_seen_at, valid_through, closed_at, closed_reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?27, ?28, ?29,
            ?27, ?30, ?31, CASE WHEN ?31 IS NULL THEN NULL ELSE 'expired' END)
         ON CONFLICT(id) DO UPDATE SET source_group_id = excluded.source_group_id, canonical_url = excluded.canonical_url, url_hash = excluded.url_hash,
            company_key = excluded.company_key, title_key = excluded.title_key, dup_key = excluded.dup_key, simhash = excluded.simhash,
            content_hash = excluded.content_hash, posting_json = excluded.posting_json, enrichment_json = excluded.enrichment_json,
            taxonomy_hash = excluded.taxonomy_hash, title = excluded.title, company = excluded.company, role = excluded.role,
            seniority = excluded.seniority, country = excluded.country, work_mode = excluded.work_mode, employment_type = excluded.employment_type,
            industry = excluded.industry, salary_usd_min = excluded.salary_usd_min, salary_usd_max = excluded.salary_usd_max,
            date_posted = excluded.date_posted, updated_at = excluded.updated_at, rev = excluded.rev, city = excluded.city,
            last_seen_at = excluded.last_seen_at, valid_through = excluded.valid_through,
            closed_reason = CASE WHEN closed_at IS NULL AND excluded.closed_at IS NOT NULL THEN 'expired' ELSE closed_reason END,
            closed_at = COALESCE(closed_at, excluded.closed_at)
         RETURNING seq",
        )?
        .query_row(
            params![
                id,
                posting.provenance.source,
                posting.provenance.source_id,
                posting.provenance.source_group_id,
                canonical_url,
                url_hash,
                company,
                title_key,
                dup_key,
                fingerprint as i64,
                hash,
                canonical_id,
                posting_json,
                enrichment_json,
                taxonomy_hash,
                posting.title,
                posting.company,
                enrichment.role.id,
                enrichment.seniority.as_ref().map(|s| s.id.as_str()),
                enrichment.location.country,
                enrichment.work_mode.map(|m| m.as_str()),
                enrichment.employment_type,
                enrichment.industry.as_ref().map(|i| i.id.as_str()),
                salary.and_then(|s| s.annual_usd_min),
                salary.and_then(|s| s.annual_usd_max),
                posting.date_posted.map(|d| d.to_string()),
                now_text,
                rev,
                enrichment.location.city,
                posting.valid_through.map(|d| d.to_string()),
                expired_at(posting.valid_through, now),
            ],
            |r| r.get(0),
        )?;
    if existing.is_some() {
        tx.prepare_cached("DELETE FROM posting_skills WHERE seq = ?1")?.execute([seq])?;
        tx.prepare_cached("DELETE FROM posting_areas WHERE seq = ?1")?.execute([seq])?;
    }
    let mut ins_skill = tx.prepare_cached("INSERT INTO posting_skills(seq, skill_id) VALUES (?1, ?2)")?;
    for s in enrichment.asked_skills() {
        ins_skill.execute(params![seq, &*s.id])?;
    }
    let mut ins_area = tx.prepare_cached("INSERT INTO posting_areas(seq, area_id) VALUES (?1, ?2)")?;
    for a in &enrichment.areas {
        ins_area.execute(params![seq, a])?;
    }
    Ok(outcome)
}

/// Tier 3: a stored posting of the same company and title whose text is nearly identical, or the
/// same ATS job (Greenhouse `internal_job_id`). Returns its group's canonical id. Only the first
/// 500 postings of a company and title are compared, which bounds the work per posting.
fn near_duplicate_of(
    tx: &rusqlite::Transaction<'_>,
    posting: &JobPosting,
    dup_key: Option<i64>,
    company: Option<&str>,
    title_key: &str,
    fingerprint: u64,
) -> Result<Option<String>, rusqlite::Error> {
    if let Some(group) = &posting.provenance.source_group_id {
        let hit: Option<String> = tx
            .prepare_cached("SELECT canonical_id FROM postings WHERE source = ?1 AND source_group_id = ?2 ORDER BY seq LIMIT 1")?
            .query_row(params![posting.provenance.source, group], |r| r.get(0))
            .optional()?;
        if hit.is_some() {
            return Ok(hit);
        }
    }
    let (Some(dup_key), Some(company)) = (dup_key, company) else { return Ok(None) };
    let mut stmt =
        tx.prepare_cached("SELECT canonical_id, simhash FROM postings WHERE dup_key = ?1 AND company_key = ?2 AND title_key = ?3 ORDER BY seq LIMIT 500")?;
    let rows = stmt.query_map(params![dup_key, company, title_key], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    for row in rows {
        let (canonical, other) = row?;
        if dedupe::hamming(fingerprint, other as u64) <= NEAR_DUPLICATE_BITS {
            return Ok(Some(canonical));
        }
    }
    Ok(None)
}
