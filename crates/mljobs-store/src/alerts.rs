//! Saved searches and alerts in the store (issue 17 item 4): each alert is a search (the query
//! string of `/jobs`), a channel (an email address or a webhook URL), how often it may send, and
//! a secret (the webhook's HMAC key and the seed of its unsubscribe token). What an alert has
//! delivered is recorded per posting, so **a posting is never sent twice to the same alert**; a
//! posting is news to an alert only when mljobs first saw it after the alert was made. Every
//! delivery attempt is recorded; a failed one sets when to retry, and the postings it held stay
//! unsent until one succeeds. Sending is the CLI's (`mljobs alerts run`).

use chrono::{DateTime, Duration, Utc};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::{Store, StoreError};

/// HMAC-SHA256 of `message` under the key `secret` (hex), as lower-case hex: a webhook body's
/// signature (`X-Mljobs-Signature: sha256=…`) and the seed of unsubscribe tokens.
pub fn sign(secret: &str, message: &[u8]) -> String {
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(message);
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

/// The token of an alert's unsubscribe link: `sign(secret, "unsubscribe:<id>")`.
pub fn unsubscribe_token(alert: &Alert) -> String {
    sign(&alert.secret, format!("unsubscribe:{}", alert.id).as_bytes())
}

/// Whether `token` is the alert's unsubscribe token (compared in constant time).
pub fn verify_unsubscribe(alert: &Alert, token: &str) -> bool {
    same(&unsubscribe_token(alert), token)
}

/// How often an alert may send a digest.
pub const EVERY: [&str; 3] = ["hour", "day", "week"];

/// One alert.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    /// Id.
    pub id: i64,
    /// The search: `/jobs` query-string parameters (`q=pytorch&remote=true`).
    pub query: String,
    /// `email` or `webhook`.
    pub channel: String,
    /// The address or URL.
    pub target: String,
    /// `hour`, `day` or `week`.
    pub every: String,
    /// The webhook's HMAC-SHA256 key (hex); not shown in lists.
    #[serde(skip)]
    pub secret: String,
    /// When it was made (RFC 3339).
    pub created_at: String,
    /// Postings first seen after this are news to it.
    pub since: String,
    /// Confirmed by its owner (alerts made on the site wait for the emailed link; the CLI's
    /// are confirmed when made). Unconfirmed alerts send nothing.
    pub confirmed_at: Option<String>,
    /// Unsubscribed (no more digests).
    pub unsubscribed_at: Option<String>,
    /// Its last delivered digest.
    pub last_sent_at: Option<String>,
    /// A failed delivery is retried from then.
    pub retry_at: Option<String>,
    /// Postings delivered so far.
    pub sent: u64,
}

impl Alert {
    /// Whether a digest may go out at `now`: confirmed and not unsubscribed; a failed delivery's retry time
    /// reached; else its period since the last digest over.
    pub fn due(&self, now: DateTime<Utc>) -> bool {
        let at = |s: &Option<String>| s.as_deref().and_then(|t| DateTime::parse_from_rfc3339(t).ok()).map(|t| t.to_utc());
        if self.unsubscribed_at.is_some() || self.confirmed_at.is_none() {
            return false;
        }
        if let Some(retry) = at(&self.retry_at) {
            return retry <= now;
        }
        let period = match self.every.as_str() {
            "hour" => Duration::hours(1),
            "week" => Duration::weeks(1),
            _ => Duration::days(1),
        };
        // A little slack, so a daily job run at the same time each day is not a minute early.
        at(&self.last_sent_at).is_none_or(|last| now - last >= period - Duration::minutes(5))
    }
}

/// An alert to add.
#[derive(Debug, Clone)]
pub struct NewAlert<'a> {
    /// The search's query string.
    pub query: &'a str,
    /// `email` or `webhook`.
    pub channel: &'a str,
    /// Address or URL.
    pub target: &'a str,
    /// `hour`, `day` or `week`.
    pub every: &'a str,
    /// Its key (hex).
    pub secret: &'a str,
    /// Confirmed now (made by the owner of the store); otherwise it waits for the emailed link.
    pub confirmed: bool,
}

/// The token of an alert's confirmation link: `sign(secret, "confirm:<id>")`.
pub fn confirm_token(alert: &Alert) -> String {
    sign(&alert.secret, format!("confirm:{}", alert.id).as_bytes())
}

/// Whether `token` is the alert's confirmation token.
pub fn verify_confirm(alert: &Alert, token: &str) -> bool {
    same(&confirm_token(alert), token)
}

/// Equal strings, compared in constant time.
fn same(want: &str, got: &str) -> bool {
    want.len() == got.len() && want.bytes().zip(got.bytes()).fold(0u8, |d, (a, b)| d | (a ^ b)) == 0
}

/// A delivery attempt to record.
#[derive(Debug, Clone, Copy)]
pub struct Attempt<'a> {
    /// Alert id.
    pub alert_id: i64,
    /// The postings of the digest.
    pub postings: &'a [&'a str],
    /// Tries it took.
    pub tries: u32,
    /// Why it failed, if it did.
    pub error: Option<&'a str>,
    /// When to retry a failure.
    pub retry_at: Option<DateTime<Utc>>,
}

/// A recorded delivery attempt.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Delivery {
    /// Alert id.
    pub alert_id: i64,
    /// When.
    pub at: String,
    /// Postings in the digest.
    pub postings: u64,
    /// Tries within the attempt.
    pub attempts: u32,
    /// Delivered.
    pub ok: bool,
    /// Why not.
    pub error: Option<String>,
}

const ALERT_COLUMNS: &str = "id, query, channel, target, every, secret, created_at, since, confirmed_at, unsubscribed_at, last_sent_at, retry_at, \
     (SELECT COUNT(*) FROM alert_sent s WHERE s.alert_id = alerts.id)";

fn alert_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Alert> {
    Ok(Alert {
        id: r.get(0)?,
        query: r.get(1)?,
        channel: r.get(2)?,
        target: r.get(3)?,
        every: r.get(4)?,
        secret: r.get(5)?,
        created_at: r.get(6)?,
        since: r.get(7)?,
        confirmed_at: r.get(8)?,
        unsubscribed_at: r.get(9)?,
        last_sent_at: r.get(10)?,
        retry_at: r.get(11)?,
        sent: r.get::<_, i64>(12)? as u64,
    })
}

/// The alert queries on a connection (the [`Store`] methods map their errors).
mod q {
    use super::*;
    use rusqlite::Connection;

    pub fn add_alert(conn: &Connection, new: &NewAlert<'_>, now: DateTime<Utc>) -> rusqlite::Result<Alert> {
        let t = now.to_rfc3339();
        conn.execute(
            "INSERT INTO alerts (query, channel, target, every, secret, created_at, since, confirmed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7)",
            params![new.query, new.channel, new.target, new.every, new.secret, t, new.confirmed.then_some(&t)],
        )?;
        let id = conn.last_insert_rowid();
        Ok(alert(conn, id)?.expect("just added"))
    }

    pub fn alert(conn: &Connection, id: i64) -> rusqlite::Result<Option<Alert>> {
        conn.query_row(&format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE id = ?1"), [id], alert_row).optional()
    }

    pub fn alerts(conn: &Connection) -> rusqlite::Result<Vec<Alert>> {
        let mut stmt = conn.prepare(&format!("SELECT {ALERT_COLUMNS} FROM alerts ORDER BY id"))?;
        let rows = stmt.query_map([], alert_row)?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub fn remove_alerts(conn: &mut Connection, ids: &[i64]) -> rusqlite::Result<Vec<i64>> {
        let tx = conn.transaction()?;
        let mut removed = Vec::new();
        for id in ids {
            tx.execute("DELETE FROM alert_sent WHERE alert_id = ?1", [id])?;
            tx.execute("DELETE FROM alert_deliveries WHERE alert_id = ?1", [id])?;
            if tx.execute("DELETE FROM alerts WHERE id = ?1", [id])? > 0 {
                removed.push(*id);
            }
        }
        tx.commit()?;
        Ok(removed)
    }

    pub fn confirm_alert(conn: &Connection, id: i64, now: DateTime<Utc>) -> rusqlite::Result<bool> {
        let n = conn.execute("UPDATE alerts SET confirmed_at = COALESCE(confirmed_at, ?2) WHERE id = ?1", params![id, now.to_rfc3339()])?;
        Ok(n > 0)
    }

    pub fn unsubscribe_alert(conn: &Connection, id: i64, now: DateTime<Utc>) -> rusqlite::Result<bool> {
        let n = conn.execute("UPDATE alerts SET unsubscribed_at = COALESCE(unsubscribed_at, ?2) WHERE id = ?1", params![id, now.to_rfc3339()])?;
        Ok(n > 0)
    }

    pub fn alert_news<'a>(conn: &Connection, alert: &Alert, ids: &[&'a str]) -> rusqlite::Result<Vec<&'a str>> {
        let mut seen = conn.prepare_cached("SELECT first_seen_at FROM postings WHERE id = ?1")?;
        let mut sent = conn.prepare_cached("SELECT 1 FROM alert_sent WHERE alert_id = ?1 AND posting_id = ?2")?;
        let since = DateTime::parse_from_rfc3339(&alert.since).map(|t| t.to_utc()).ok();
        let mut out = Vec::new();
        for id in ids {
            let first: Option<String> = seen.query_row([id], |r| r.get(0)).optional()?;
            let first = first.and_then(|f| DateTime::parse_from_rfc3339(&f).ok()).map(|t| t.to_utc());
            let news = match (first, since) {
                (Some(f), Some(s)) => f > s,
                _ => false,
            };
            if news && sent.query_row(params![alert.id, id], |_| Ok(())).optional()?.is_none() {
                out.push(*id);
            }
        }
        Ok(out)
    }

    pub fn record_alert_delivery(conn: &mut Connection, a: &Attempt<'_>, now: DateTime<Utc>) -> rusqlite::Result<()> {
        let Attempt { alert_id, postings, tries: attempts, error, retry_at } = *a;
        let t = now.to_rfc3339();
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO alert_deliveries (alert_id, at, postings, attempts, ok, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![alert_id, t, postings.len() as i64, attempts, error.is_none(), error],
        )?;
        match error {
            None => {
                for p in postings {
                    tx.execute("INSERT OR IGNORE INTO alert_sent (alert_id, posting_id, sent_at) VALUES (?1, ?2, ?3)", params![alert_id, p, t])?;
                }
                tx.execute("UPDATE alerts SET last_sent_at = ?2, retry_at = NULL WHERE id = ?1", params![alert_id, t])?;
            }
            Some(_) => {
                tx.execute("UPDATE alerts SET retry_at = ?2 WHERE id = ?1", params![alert_id, retry_at.map(|r| r.to_rfc3339())])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    pub fn alert_deliveries(conn: &Connection, alert_id: i64, limit: usize) -> rusqlite::Result<Vec<Delivery>> {
        let mut stmt =
            conn.prepare("SELECT alert_id, at, postings, attempts, ok, error FROM alert_deliveries WHERE alert_id = ?1 ORDER BY id DESC LIMIT ?2")?;
        let rows = stmt
            .query_map(params![alert_id, limit as i64], |r| {
                Ok(Delivery {
                    alert_id: r.get(0)?,
                    at: r.get(1)?,
                    postings: r.get::<_, i64>(2)? as u64,
                    attempts: r.get::<_, i64>(3)? as u32,
                    ok: r.get(4)?,
                    error: r.get(5)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}

impl Store {
    /// Adds an alert. Returns it.
    pub fn add_alert(&mut self, new: &NewAlert<'_>, now: DateTime<Utc>) -> Result<Alert, StoreError> {
        q::add_alert(&self.conn, new, now).map_err(self.sq())
    }

    /// Marks an alert confirmed (idempotent); false when there is no such alert.
    pub fn confirm_alert(&mut self, id: i64, now: DateTime<Utc>) -> Result<bool, StoreError> {
        q::confirm_alert(&self.conn, id, now).map_err(self.sq())
    }

    /// Alerts made for `target` and not confirmed yet (a site form's limit per address).
    pub fn pending_alerts(&self, target: &str) -> Result<usize, StoreError> {
        Ok(self.alerts()?.iter().filter(|a| a.target == target && a.confirmed_at.is_none()).count())
    }

    /// One alert.
    pub fn alert(&self, id: i64) -> Result<Option<Alert>, StoreError> {
        q::alert(&self.conn, id).map_err(self.sq())
    }

    /// Every alert, oldest first.
    pub fn alerts(&self) -> Result<Vec<Alert>, StoreError> {
        q::alerts(&self.conn).map_err(self.sq())
    }

    /// Removes alerts with what they sent; returns the ids that were there.
    pub fn remove_alerts(&mut self, ids: &[i64]) -> Result<Vec<i64>, StoreError> {
        let path = self.path.clone();
        q::remove_alerts(&mut self.conn, ids).map_err(|source| StoreError::Sqlite { path, source })
    }

    /// Marks an alert unsubscribed (idempotent); false when there is no such alert.
    pub fn unsubscribe_alert(&mut self, id: i64, now: DateTime<Utc>) -> Result<bool, StoreError> {
        q::unsubscribe_alert(&self.conn, id, now).map_err(self.sq())
    }

    /// Of `ids` (matches of the alert's search), those that are news to it: first seen after
    /// its `since` and never delivered to it, in the order given.
    pub fn alert_news<'a>(&self, alert: &Alert, ids: &[&'a str]) -> Result<Vec<&'a str>, StoreError> {
        q::alert_news(&self.conn, alert, ids).map_err(self.sq())
    }

    /// Records a delivery attempt: on success the postings as sent to the alert (never again)
    /// and its last digest time; on failure when to retry.
    pub fn record_alert_delivery(&mut self, attempt: &Attempt<'_>, now: DateTime<Utc>) -> Result<(), StoreError> {
        let path = self.path.clone();
        q::record_alert_delivery(&mut self.conn, attempt, now).map_err(|source| StoreError::Sqlite { path, source })
    }

    /// An alert's delivery attempts, newest first.
    pub fn alert_deliveries(&self, alert_id: i64, limit: usize) -> Result<Vec<Delivery>, StoreError> {
        q::alert_deliveries(&self.conn, alert_id, limit).map_err(self.sq())
    }
}
