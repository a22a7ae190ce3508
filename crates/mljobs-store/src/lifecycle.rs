//! The posting lifecycle: when a posting was first and last seen, and when it closed.
//!
//! A posting belongs to the board (source) whose fetches last held it. Only a *complete* fetch of
//! a board — every posting it lists read, none lost to an error — closes the board's postings it
//! no longer lists (`closed_reason = 'gone'`); a failed, partial or unchanged fetch closes
//! nothing. A closed posting that a later fetch lists again is reopened. A posting whose
//! `valid_through` day has passed is closed as `expired` (on ingest and by [`Store::close_expired`]).
//! Every close and reopen takes a new store revision, so the search index (which filters on
//! open/closed) catches up with it like with any other change.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::{Store, StoreError};

/// What applying one board fetch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct BoardLifecycle {
    /// Stored postings the fetch listed.
    pub seen: u64,
    /// Open postings of the board it no longer lists, now closed.
    pub closed: u64,
    /// Closed postings it lists again, now open.
    pub reopened: u64,
}

/// Open and closed postings of one source.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct BoardCounts {
    /// Open postings.
    pub open: u64,
    /// Closed postings.
    pub closed: u64,
}

fn next_rev(tx: &rusqlite::Transaction<'_>) -> Result<i64, rusqlite::Error> {
    tx.prepare_cached("UPDATE meta SET value = value + 1 WHERE key = 'rev' RETURNING value")?.query_row([], |r| r.get(0))
}

impl Store {
    /// Applies a fetch of board `spec` that listed the postings `seen` (ids; unknown ones are
    /// ignored — not stored, e.g. not ML roles): they belong to the board, were seen `now`, and
    /// are reopened if closed (unless past their `valid_through`). With `complete`, the board's
    /// open postings missing from `seen` are closed. One transaction.
    pub fn apply_board(&mut self, spec: &str, seen: &[String], complete: bool, now: DateTime<Utc>) -> Result<BoardLifecycle, StoreError> {
        let path = self.path.clone();
        let sq = |source| StoreError::Sqlite { path: path.clone(), source };
        let now_text = now.to_rfc3339();
        let today = now.date_naive().to_string();
        let tx = self.conn.transaction().map_err(sq)?;
        let mut out = BoardLifecycle::default();
        {
            let mut lookup =
                tx.prepare_cached("SELECT seq, closed_at IS NOT NULL, COALESCE(valid_through >= ?2, 1) FROM postings WHERE id = ?1").map_err(sq)?;
            let mut touch = tx.prepare_cached("UPDATE postings SET board = ?2, last_seen_at = ?3 WHERE seq = ?1").map_err(sq)?;
            let mut reopen = tx
                .prepare_cached("UPDATE postings SET board = ?2, last_seen_at = ?3, closed_at = NULL, closed_reason = NULL, rev = ?4 WHERE seq = ?1")
                .map_err(sq)?;
            for id in seen {
                let Some((seq, closed, current)) =
                    lookup.query_row(params![id, today], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, bool>(1)?, r.get::<_, bool>(2)?))).optional().map_err(sq)?
                else {
                    continue;
                };
                out.seen += 1;
                if closed && current {
                    let rev = next_rev(&tx).map_err(sq)?;
                    reopen.execute(params![seq, spec, now_text, rev]).map_err(sq)?;
                    out.reopened += 1;
                } else {
                    touch.execute(params![seq, spec, now_text]).map_err(sq)?;
                }
            }
            if complete {
                let listed: HashSet<&str> = seen.iter().map(String::as_str).collect();
                let mut open = tx.prepare_cached("SELECT seq, id FROM postings WHERE board = ?1 AND closed_at IS NULL").map_err(sq)?;
                let gone: Vec<i64> = open
                    .query_map([spec], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
                    .map_err(sq)?
                    .filter_map(|row| match row {
                        Ok((seq, id)) => (!listed.contains(id.as_str())).then_some(Ok(seq)),
                        Err(e) => Some(Err(e)),
                    })
                    .collect::<Result<_, _>>()
                    .map_err(sq)?;
                let mut close = tx.prepare_cached("UPDATE postings SET closed_at = ?2, closed_reason = 'gone', rev = ?3 WHERE seq = ?1").map_err(sq)?;
                for seq in gone {
                    let rev = next_rev(&tx).map_err(sq)?;
                    close.execute(params![seq, now_text, rev]).map_err(sq)?;
                    out.closed += 1;
                }
            }
        }
        tx.commit().map_err(sq)?;
        Ok(out)
    }

    /// A fetch of board `spec` found it unchanged (a 304, or the same body as last time): its
    /// open postings were seen `now`. Returns how many.
    pub fn touch_board(&mut self, spec: &str, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let n = self
            .conn
            .execute("UPDATE postings SET last_seen_at = ?2 WHERE board = ?1 AND closed_at IS NULL", params![spec, now.to_rfc3339()])
            .map_err(self.sq())?;
        Ok(n as u64)
    }

    /// Closes the open postings whose `valid_through` day is before `now`'s; returns how many.
    pub fn close_expired(&mut self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let path = self.path.clone();
        let sq = |source| StoreError::Sqlite { path: path.clone(), source };
        let tx = self.conn.transaction().map_err(sq)?;
        let expired: Vec<(i64, String)> = tx
            .prepare_cached("SELECT seq, valid_through FROM postings INDEXED BY postings_expiring WHERE valid_through IS NOT NULL AND closed_at IS NULL AND valid_through < ?1")
            .map_err(sq)?
            .query_map([now.date_naive().to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(sq)?
            .collect::<Result<_, _>>()
            .map_err(sq)?;
        {
            let mut close = tx.prepare_cached("UPDATE postings SET closed_at = ?2, closed_reason = 'expired', rev = ?3 WHERE seq = ?1").map_err(sq)?;
            for (seq, valid_through) in &expired {
                let rev = next_rev(&tx).map_err(sq)?;
                close.execute(params![seq, format!("{valid_through}T23:59:59+00:00"), rev]).map_err(sq)?;
            }
        }
        tx.commit().map_err(sq)?;
        Ok(expired.len() as u64)
    }

    /// Open and closed postings per source (board spec).
    pub fn board_counts(&self) -> Result<HashMap<String, BoardCounts>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT board, sum(closed_at IS NULL), sum(closed_at IS NOT NULL) FROM postings WHERE board IS NOT NULL GROUP BY board")
            .map_err(self.sq())?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, BoardCounts { open: r.get::<_, i64>(1)? as u64, closed: r.get::<_, i64>(2)? as u64 })))
            .map_err(self.sq())?;
        rows.collect::<Result<_, _>>().map_err(self.sq())
    }

    /// A posting's lifecycle: first seen, last seen, closed (RFC 3339) and why it closed.
    pub fn lifecycle(&self, id: &str) -> Result<Option<Lifecycle>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT first_seen_at, COALESCE(last_seen_at, updated_at), closed_at, closed_reason, board FROM postings WHERE id = ?1")
            .map_err(self.sq())?;
        stmt.query_row([id], |r| {
            Ok(Lifecycle { first_seen: r.get(0)?, last_seen: r.get(1)?, closed_at: r.get(2)?, closed_reason: r.get(3)?, source: r.get(4)? })
        })
        .optional()
        .map_err(self.sq())
    }
}

/// When a posting was seen and whether it is still open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lifecycle {
    /// First ingested or crawled (RFC 3339).
    pub first_seen: String,
    /// Last held by an ingest or a board fetch (RFC 3339).
    pub last_seen: String,
    /// When it closed (RFC 3339); none while open.
    pub closed_at: Option<String>,
    /// `gone` (no longer on its board) or `expired` (past its closing date).
    pub closed_reason: Option<String>,
    /// The board (source spec) whose fetches decide it, when crawled.
    pub source: Option<String>,
}
