//! Sources in the store: the boards to crawl, their health, and every crawl attempt.

use chrono::{DateTime, Utc};
use mljobs_core::sources::{ListedBoard, SourceSpec};
use rusqlite::params;
use serde::Serialize;

use crate::{Store, StoreError};

/// One source as `sources list` shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceRow {
    /// `kind:key`.
    pub spec: String,
    /// Kind (`greenhouse`, …).
    pub kind: String,
    /// Company name from the list it came from.
    pub name: Option<String>,
    /// Crawled by `crawl` and the schedule.
    pub enabled: bool,
    /// When it was added (RFC 3339).
    pub added_at: String,
    /// Last crawl attempt.
    pub last_attempt_at: Option<String>,
    /// Last complete, successful fetch.
    pub last_success_at: Option<String>,
    /// HTTP status of the last attempt.
    pub last_http_status: Option<u16>,
    /// Error of the last attempt, if it failed.
    pub last_error: Option<String>,
    /// Failed attempts since the last success.
    pub consecutive_failures: u32,
    /// When the schedule crawls it next (none: at the next run).
    pub next_due_at: Option<String>,
    /// Crawl attempts recorded.
    pub attempts: u64,
    /// Its postings still open.
    pub open: u64,
    /// Its postings closed.
    pub closed: u64,
    /// Failing: [`FAILING_AFTER`] or more failed attempts in a row (backing off).
    pub failing: bool,
}

/// Failed attempts in a row after which a source is flagged as failing.
pub const FAILING_AFTER: u32 = 3;

/// What adding a list of boards did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SourcesAdded {
    /// New sources.
    pub added: usize,
    /// Already in the store (unchanged; a name is filled in where it had none).
    pub already: usize,
}

impl Store {
    /// Adds boards as enabled sources, in one transaction. A board already present keeps its
    /// state (health, schedule, enabled flag); only a missing name is filled in.
    pub fn add_sources(&mut self, boards: &[ListedBoard], now: DateTime<Utc>) -> Result<SourcesAdded, StoreError> {
        let path = self.path.clone();
        let sq = |source| StoreError::Sqlite { path: path.clone(), source };
        let tx = self.conn.transaction().map_err(sq)?;
        let mut out = SourcesAdded::default();
        {
            let mut insert = tx.prepare_cached("INSERT OR IGNORE INTO sources(spec, kind, name, added_at) VALUES (?1, ?2, ?3, ?4)").map_err(sq)?;
            let mut name = tx.prepare_cached("UPDATE sources SET name = ?2 WHERE spec = ?1 AND name IS NULL").map_err(sq)?;
            let added_at = now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            for b in boards {
                let spec = b.spec.to_string();
                if insert.execute(params![spec, b.spec.kind.name(), b.name, added_at]).map_err(sq)? == 1 {
                    out.added += 1;
                } else {
                    out.already += 1;
                    if b.name.is_some() {
                        name.execute(params![spec, b.name]).map_err(sq)?;
                    }
                }
            }
        }
        tx.commit().map_err(sq)?;
        Ok(out)
    }

    /// Every source, by spec.
    pub fn sources(&self) -> Result<Vec<SourceRow>, StoreError> {
        self.query_sources(None)
    }

    /// One source, if present.
    pub fn source(&self, spec: &SourceSpec) -> Result<Option<SourceRow>, StoreError> {
        Ok(self.query_sources(Some(&spec.to_string()))?.pop())
    }

    fn query_sources(&self, spec: Option<&str>) -> Result<Vec<SourceRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT s.spec, s.kind, s.name, s.enabled, s.added_at, s.last_attempt_at, s.last_success_at, s.last_http_status, s.last_error,
                        s.consecutive_failures, s.next_due_at, (SELECT count(*) FROM crawl_attempts a WHERE a.spec = s.spec),
                        (SELECT count(*) FROM postings p WHERE p.board = s.spec AND p.closed_at IS NULL),
                        (SELECT count(*) FROM postings p WHERE p.board = s.spec AND p.closed_at IS NOT NULL)
                 FROM sources s WHERE ?1 IS NULL OR s.spec = ?1 ORDER BY s.spec",
            )
            .map_err(self.sq())?;
        let rows = stmt
            .query_map([spec], |r| {
                Ok(SourceRow {
                    spec: r.get(0)?,
                    kind: r.get(1)?,
                    name: r.get(2)?,
                    enabled: r.get(3)?,
                    added_at: r.get(4)?,
                    last_attempt_at: r.get(5)?,
                    last_success_at: r.get(6)?,
                    last_http_status: r.get(7)?,
                    last_error: r.get(8)?,
                    consecutive_failures: r.get(9)?,
                    next_due_at: r.get(10)?,
                    attempts: r.get::<_, i64>(11)? as u64,
                    open: r.get::<_, i64>(12)? as u64,
                    closed: r.get::<_, i64>(13)? as u64,
                    failing: r.get::<_, u32>(9)? >= FAILING_AFTER,
                })
            })
            .map_err(self.sq())?;
        rows.collect::<Result<_, _>>().map_err(self.sq())
    }

    /// Removes sources (with their attempts; postings crawled from them stay). Returns the
    /// specs that were not in the store.
    pub fn remove_sources(&mut self, specs: &[SourceSpec]) -> Result<Vec<SourceSpec>, StoreError> {
        self.each_source(specs, "DELETE FROM sources WHERE spec = ?1", None)
    }

    /// Enables or disables sources. Returns the specs that were not in the store.
    pub fn set_sources_enabled(&mut self, specs: &[SourceSpec], enabled: bool) -> Result<Vec<SourceSpec>, StoreError> {
        self.each_source(specs, "UPDATE sources SET enabled = ?2 WHERE spec = ?1", Some(enabled))
    }

    fn each_source(&mut self, specs: &[SourceSpec], sql: &str, flag: Option<bool>) -> Result<Vec<SourceSpec>, StoreError> {
        let path = self.path.clone();
        let sq = |source| StoreError::Sqlite { path: path.clone(), source };
        let tx = self.conn.transaction().map_err(sq)?;
        let mut missing = Vec::new();
        {
            let mut stmt = tx.prepare(sql).map_err(sq)?;
            for spec in specs {
                let n = match flag {
                    Some(f) => stmt.execute(params![spec.to_string(), f]),
                    None => stmt.execute(params![spec.to_string()]),
                }
                .map_err(sq)?;
                if n == 0 {
                    missing.push(spec.clone());
                }
            }
        }
        tx.commit().map_err(sq)?;
        Ok(missing)
    }
}

/// One crawl attempt of a source, as the crawler reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct CrawlAttempt {
    /// `kind:key`.
    pub spec: String,
    /// When the fetch started.
    pub started_at: DateTime<Utc>,
    /// When it ended.
    pub finished_at: DateTime<Utc>,
    /// `ok` (a complete board), `unchanged` (304) or `failed`.
    pub outcome: AttemptOutcome,
    /// HTTP status, when the server answered.
    pub http_status: Option<u16>,
    /// Postings in the board (complete fetches).
    pub postings_seen: Option<u64>,
    /// What went wrong (failed attempts).
    pub error: Option<String>,
    /// ETag and Last-Modified of a complete fetch, for the next conditional request.
    pub etag: Option<String>,
    /// See `etag`.
    pub last_modified: Option<String>,
    /// Hash of the body of a complete fetch: the same body next time is an unchanged board.
    pub content_hash: Option<u64>,
    /// When the schedule should crawl it next.
    pub next_due_at: Option<DateTime<Utc>>,
}

/// What the last complete fetch of a source left for the next one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceValidators {
    /// Its `ETag`.
    pub etag: Option<String>,
    /// Its `Last-Modified`.
    pub last_modified: Option<String>,
    /// The hash of its body.
    pub content_hash: Option<u64>,
}

impl SourceValidators {
    /// Whether there is anything to compare with.
    pub fn is_empty(&self) -> bool {
        self.etag.is_none() && self.last_modified.is_none() && self.content_hash.is_none()
    }
}

/// How an attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// The whole board was read.
    Ok,
    /// Part of the board was read (a page failed, records without an id could not be read):
    /// what was read is stored, nothing is closed, and the next fetch is a full one.
    Partial,
    /// 304: unchanged since the last complete fetch.
    Unchanged,
    /// No board: error, timeout, not the system's JSON.
    Failed,
}

impl AttemptOutcome {
    fn name(self) -> &'static str {
        match self {
            AttemptOutcome::Ok => "ok",
            AttemptOutcome::Partial => "partial",
            AttemptOutcome::Unchanged => "unchanged",
            AttemptOutcome::Failed => "failed",
        }
    }
}

impl Store {
    /// Records an attempt and updates the source's health: a success (ok or unchanged) resets
    /// the failure count and sets the last success (validators only from a complete fetch); a
    /// failure counts up and keeps the last good validators.
    pub fn record_crawl_attempt(&mut self, a: &CrawlAttempt) -> Result<(), StoreError> {
        let path = self.path.clone();
        let sq = |source| StoreError::Sqlite { path: path.clone(), source };
        let secs = |t: &DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let tx = self.conn.transaction().map_err(sq)?;
        tx.execute(
            "INSERT INTO crawl_attempts(spec, started_at, finished_at, outcome, http_status, postings_seen, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![a.spec, secs(&a.started_at), secs(&a.finished_at), a.outcome.name(), a.http_status, a.postings_seen.map(|n| n as i64), a.error],
        )
        .map_err(sq)?;
        let next_due = a.next_due_at.as_ref().map(secs);
        match a.outcome {
            AttemptOutcome::Failed => tx.execute(
                "UPDATE sources SET last_attempt_at = ?2, last_http_status = ?3, last_error = ?4, consecutive_failures = consecutive_failures + 1,
                 next_due_at = ?5 WHERE spec = ?1",
                params![a.spec, secs(&a.started_at), a.http_status, a.error, next_due],
            ),
            AttemptOutcome::Unchanged => tx.execute(
                "UPDATE sources SET last_attempt_at = ?2, last_success_at = ?2, last_http_status = ?3, last_error = NULL, consecutive_failures = 0,
                 next_due_at = ?4 WHERE spec = ?1",
                params![a.spec, secs(&a.started_at), a.http_status, next_due],
            ),
            AttemptOutcome::Ok => tx.execute(
                "UPDATE sources SET last_attempt_at = ?2, last_success_at = ?2, last_http_status = ?3, last_error = NULL, consecutive_failures = 0,
                 next_due_at = ?4, etag = ?5, last_modified = ?6, content_hash = ?7 WHERE spec = ?1",
                params![a.spec, secs(&a.started_at), a.http_status, next_due, a.etag, a.last_modified, a.content_hash.map(|h| h as i64)],
            ),
            // Read in part: not a failure (no back-off), but the error says what was missed, and
            // the validators are dropped so the next fetch reads the whole board again.
            AttemptOutcome::Partial => tx.execute(
                "UPDATE sources SET last_attempt_at = ?2, last_http_status = ?3, last_error = ?4, consecutive_failures = 0,
                 next_due_at = ?5, etag = NULL, last_modified = NULL, content_hash = NULL WHERE spec = ?1",
                params![a.spec, secs(&a.started_at), a.http_status, a.error, next_due],
            ),
        }
        .map_err(sq)?;
        tx.commit().map_err(sq)
    }

    /// The ETag, Last-Modified and body hash of a source's last complete fetch.
    pub fn source_validators(&self, spec: &str) -> Result<SourceValidators, StoreError> {
        self.conn
            .query_row("SELECT etag, last_modified, content_hash FROM sources WHERE spec = ?1", [spec], |r| {
                Ok(SourceValidators { etag: r.get(0)?, last_modified: r.get(1)?, content_hash: r.get::<_, Option<i64>>(2)?.map(|h| h as u64) })
            })
            .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(SourceValidators::default()) } else { Err(e) })
            .map_err(self.sq())
    }
}

/// One recorded crawl attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttemptRow {
    /// `kind:key`.
    pub spec: String,
    /// Started (RFC 3339).
    pub started_at: String,
    /// Ended (RFC 3339).
    pub finished_at: Option<String>,
    /// `ok`, `partial`, `unchanged` or `failed`.
    pub outcome: Option<String>,
    /// HTTP status, when the server answered.
    pub http_status: Option<u16>,
    /// Postings the board listed.
    pub postings_seen: Option<u64>,
    /// What went wrong.
    pub error: Option<String>,
}

/// One ingest or crawl run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunRow {
    /// Run id.
    pub id: i64,
    /// Started (RFC 3339).
    pub started_at: String,
    /// Ended (RFC 3339); none if it is running or died.
    pub finished_at: Option<String>,
    /// Inputs: files, or the sources crawled.
    pub inputs: Vec<String>,
    /// What it did (`IngestSummary` as JSON), once finished.
    pub summary: Option<serde_json::Value>,
}

impl Store {
    /// The latest crawl attempts, newest first; with `failed_only`, only failed ones.
    pub fn recent_attempts(&self, limit: usize, failed_only: bool) -> Result<Vec<AttemptRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT spec, started_at, finished_at, outcome, http_status, postings_seen, error FROM crawl_attempts
                 WHERE ?2 = 0 OR outcome = 'failed' ORDER BY id DESC LIMIT ?1",
            )
            .map_err(self.sq())?;
        let rows = stmt
            .query_map(params![i64::try_from(limit).unwrap_or(i64::MAX), failed_only], |r| {
                Ok(AttemptRow {
                    spec: r.get(0)?,
                    started_at: r.get(1)?,
                    finished_at: r.get(2)?,
                    outcome: r.get(3)?,
                    http_status: r.get(4)?,
                    postings_seen: r.get::<_, Option<i64>>(5)?.map(|n| n as u64),
                    error: r.get(6)?,
                })
            })
            .map_err(self.sq())?;
        rows.collect::<Result<_, _>>().map_err(self.sq())
    }

    /// Sources, enabled ones, and failing ones ([`FAILING_AFTER`]+ failures in a row, enabled).
    pub fn source_health(&self) -> Result<(u64, u64, u64), StoreError> {
        self.conn
            .query_row(
                "SELECT count(*), COALESCE(sum(enabled), 0), COALESCE(sum(enabled AND consecutive_failures >= ?1), 0) FROM sources",
                [FAILING_AFTER],
                |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64, r.get::<_, i64>(2)? as u64)),
            )
            .map_err(self.sq())
    }

    /// When the next enabled source is due (none: no enabled source; a source never crawled is due now).
    pub fn next_due(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let next: Option<String> =
            self.conn.query_row("SELECT min(COALESCE(next_due_at, '0000')) FROM sources WHERE enabled", [], |r| r.get(0)).map_err(self.sq())?;
        Ok(next.map(|t| DateTime::parse_from_rfc3339(&t).map_or_else(|_| Utc::now(), |t| t.with_timezone(&Utc))))
    }

    /// The latest ingest and crawl runs, newest first.
    pub fn recent_runs(&self, limit: usize) -> Result<Vec<RunRow>, StoreError> {
        let mut stmt =
            self.conn.prepare_cached("SELECT id, started_at, finished_at, files, summary FROM ingest_runs ORDER BY id DESC LIMIT ?1").map_err(self.sq())?;
        let rows = stmt
            .query_map([i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
                Ok(RunRow {
                    id: r.get(0)?,
                    started_at: r.get(1)?,
                    finished_at: r.get(2)?,
                    inputs: serde_json::from_str(&r.get::<_, String>(3)?).unwrap_or_default(),
                    summary: r.get::<_, Option<String>>(4)?.and_then(|s| serde_json::from_str(&s).ok()),
                })
            })
            .map_err(self.sq())?;
        rows.collect::<Result<_, _>>().map_err(self.sq())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boards(list: &[(&str, Option<&str>)]) -> Vec<ListedBoard> {
        list.iter().map(|(s, n)| ListedBoard { spec: s.parse().unwrap(), name: n.map(str::to_string) }).collect()
    }

    #[test]
    fn sources_are_added_once_listed_disabled_and_removed() {
        let mut store = Store::open_in_memory().unwrap();
        let now = chrono::DateTime::parse_from_rfc3339("2026-12-01T10:00:00Z").unwrap().with_timezone(&Utc);
        let added = store.add_sources(&boards(&[("greenhouse:acme", Some("Acme")), ("lever:beta", None)]), now).unwrap();
        assert_eq!(added, SourcesAdded { added: 2, already: 0 });
        // Again, with a name for the unnamed one: nothing doubles, the name fills in.
        let again = store.add_sources(&boards(&[("lever:beta", Some("Beta AI")), ("greenhouse:acme", Some("Other"))]), now).unwrap();
        assert_eq!(again, SourcesAdded { added: 0, already: 2 });
        let list = store.sources().unwrap();
        assert_eq!(
            list.iter().map(|s| (s.spec.as_str(), s.name.as_deref(), s.enabled)).collect::<Vec<_>>(),
            [("greenhouse:acme", Some("Acme"), true), ("lever:beta", Some("Beta AI"), true)]
        );
        assert_eq!(
            (list[0].kind.as_str(), list[0].added_at.as_str(), list[0].attempts, list[0].last_attempt_at.as_deref()),
            ("greenhouse", "2026-12-01T10:00:00Z", 0, None)
        );

        let specs: Vec<SourceSpec> = ["lever:beta", "ashby:nobody"].iter().map(|s| s.parse().unwrap()).collect();
        assert_eq!(store.set_sources_enabled(&specs, false).unwrap(), [specs[1].clone()], "the unknown one is named");
        assert!(!store.source(&specs[0]).unwrap().unwrap().enabled);
        assert_eq!(store.remove_sources(&specs).unwrap(), [specs[1].clone()]);
        assert_eq!(store.sources().unwrap().len(), 1);
        assert_eq!(store.source(&specs[0]).unwrap(), None);

        // Attempts: a failure counts up, a success resets and keeps the validators.
        let attempt = |outcome, status: Option<u16>, error: Option<&str>, etag: Option<&str>| CrawlAttempt {
            spec: "greenhouse:acme".into(),
            started_at: now,
            finished_at: now,
            outcome,
            http_status: status,
            postings_seen: (outcome == AttemptOutcome::Ok).then_some(12),
            error: error.map(str::to_string),
            etag: etag.map(str::to_string),
            last_modified: None,
            content_hash: None,
            next_due_at: None,
        };
        store.record_crawl_attempt(&attempt(AttemptOutcome::Ok, Some(200), None, Some("\"v1\""))).unwrap();
        store.record_crawl_attempt(&attempt(AttemptOutcome::Failed, Some(503), Some("HTTP 503"), None)).unwrap();
        store.record_crawl_attempt(&attempt(AttemptOutcome::Failed, None, Some("timed out"), None)).unwrap();
        let s = store.source(&"greenhouse:acme".parse().unwrap()).unwrap().unwrap();
        assert_eq!((s.consecutive_failures, s.attempts, s.last_error.as_deref(), s.last_success_at.is_some()), (2, 3, Some("timed out"), true));
        assert_eq!(store.source_validators("greenhouse:acme").unwrap().etag.as_deref(), Some("\"v1\""), "a failure keeps the last good validators");
        store.record_crawl_attempt(&attempt(AttemptOutcome::Unchanged, Some(304), None, None)).unwrap();
        let s = store.source(&"greenhouse:acme".parse().unwrap()).unwrap().unwrap();
        assert_eq!((s.consecutive_failures, s.last_error, s.last_http_status), (0, None, Some(304)));
        assert_eq!(store.source_validators("greenhouse:acme").unwrap().etag.as_deref(), Some("\"v1\""));
    }
}
