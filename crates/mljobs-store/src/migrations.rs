//! Schema migrations. Each entry upgrades from version `i` to `i + 1`; the store's version is
//! `PRAGMA user_version`. Never edit a released migration: add one.

use rusqlite::Connection;

const MIGRATIONS: &[&str] = &[
    // 0 → 1: postings, dedupe, runs. Keys that are looked up during ingest are indexed as 64-bit
    // hashes (url_hash, dup_key) and child rows point at the integer `seq`, so an ingest appends
    // rather than inserting into text B-trees at random places.
    r#"
    CREATE TABLE postings (
        seq              INTEGER PRIMARY KEY,
        id               TEXT NOT NULL UNIQUE,
        source           TEXT NOT NULL,
        source_id        TEXT,
        source_group_id  TEXT,
        canonical_url    TEXT,
        url_hash         INTEGER,
        company_key      TEXT,
        title_key        TEXT NOT NULL,
        dup_key          INTEGER,
        simhash          INTEGER NOT NULL,
        content_hash     INTEGER NOT NULL,
        rev              INTEGER NOT NULL,
        canonical_id     TEXT NOT NULL,
        posting_json     TEXT NOT NULL,
        enrichment_json  TEXT NOT NULL,
        taxonomy_hash    TEXT NOT NULL,
        title            TEXT NOT NULL,
        company          TEXT,
        role             TEXT NOT NULL,
        seniority        TEXT,
        country          TEXT,
        work_mode        TEXT,
        employment_type  TEXT,
        industry         TEXT,
        salary_usd_min   REAL,
        salary_usd_max   REAL,
        date_posted      TEXT,
        first_seen_at    TEXT NOT NULL,
        updated_at       TEXT NOT NULL
    );
    CREATE INDEX postings_url ON postings(url_hash) WHERE url_hash IS NOT NULL;
    CREATE INDEX postings_rev ON postings(rev);
    CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
    INSERT INTO meta(key, value) VALUES ('rev', 0);
    CREATE INDEX postings_dup ON postings(dup_key) WHERE dup_key IS NOT NULL;
    CREATE INDEX postings_group ON postings(source, source_group_id) WHERE source_group_id IS NOT NULL;
    CREATE INDEX postings_members ON postings(canonical_id) WHERE canonical_id != id;
    CREATE TABLE posting_skills (
        seq      INTEGER NOT NULL REFERENCES postings(seq) ON DELETE CASCADE,
        skill_id TEXT NOT NULL
    );
    CREATE INDEX posting_skills_seq ON posting_skills(seq);
    CREATE TABLE posting_areas (
        seq     INTEGER NOT NULL REFERENCES postings(seq) ON DELETE CASCADE,
        area_id TEXT NOT NULL
    );
    CREATE INDEX posting_areas_seq ON posting_areas(seq);
    CREATE TABLE posting_aliases (
        alias_id   TEXT PRIMARY KEY,
        posting_id TEXT NOT NULL REFERENCES postings(id) ON DELETE CASCADE,
        source     TEXT NOT NULL,
        source_id  TEXT,
        url        TEXT
    );
    CREATE TABLE ingest_runs (
        id          INTEGER PRIMARY KEY,
        started_at  TEXT NOT NULL,
        finished_at TEXT,
        files       TEXT NOT NULL,
        summary     TEXT
    );
    CREATE TABLE rejections (
        run_id   INTEGER NOT NULL REFERENCES ingest_runs(id),
        file     TEXT NOT NULL,
        line     INTEGER,
        record   INTEGER NOT NULL,
        reason   TEXT NOT NULL
    );
    "#,
    // 1 → 2: the city as a column, so result lists read it without parsing enrichment JSON.
    r#"
    ALTER TABLE postings ADD COLUMN city TEXT;
    UPDATE postings SET city = json_extract(enrichment_json, '$.location.city');
    "#,
    // 2 → 3: a covering index for result cards: a page of results is read from it alone, never
    // from the wide rows (their posting and enrichment JSON spill into overflow pages, and the
    // card columns sit after them).
    r#"
    CREATE INDEX postings_card ON postings(id, title, company, role, seniority, city, country, work_mode,
        employment_type, salary_usd_min, salary_usd_max, date_posted);
    "#,
    // 3 → 4: pay by industry (the salaries page's chart, `salary stats --by industry`) read from a
    // small covering index of the canonical postings that state a range, not from every wide row
    // (at 1M postings: a 9.5 GB scan and a JSON parse per row).
    r#"
    CREATE INDEX postings_pay ON postings(industry, salary_usd_min, salary_usd_max)
        WHERE canonical_id = id AND salary_usd_min IS NOT NULL AND salary_usd_max IS NOT NULL;
    "#,
    // 4 → 5: sources (one public board on one ATS, `kind:key`) and every crawl attempt of one.
    // The conditional-request validators and the body hash of the last complete fetch live on the
    // source, so an unchanged board costs one cheap request.
    r#"
    CREATE TABLE sources (
        spec                 TEXT PRIMARY KEY,
        kind                 TEXT NOT NULL,
        name                 TEXT,
        enabled              INTEGER NOT NULL DEFAULT 1,
        added_at             TEXT NOT NULL,
        last_attempt_at      TEXT,
        last_success_at      TEXT,
        last_http_status     INTEGER,
        last_error           TEXT,
        consecutive_failures INTEGER NOT NULL DEFAULT 0,
        next_due_at          TEXT,
        etag                 TEXT,
        last_modified        TEXT,
        content_hash         INTEGER
    );
    CREATE TABLE crawl_attempts (
        id            INTEGER PRIMARY KEY,
        spec          TEXT NOT NULL REFERENCES sources(spec) ON DELETE CASCADE,
        started_at    TEXT NOT NULL,
        finished_at   TEXT,
        outcome       TEXT,
        http_status   INTEGER,
        postings_seen INTEGER,
        error         TEXT
    );
    CREATE INDEX crawl_attempts_spec ON crawl_attempts(spec, started_at);
    "#,
    // 5 → 6: the posting lifecycle. `last_seen_at` (the last ingest or complete board fetch that
    // held it), `closed_at` and `closed_reason` (`gone`: missing from a complete fetch of its
    // board; `expired`: past `valid_through`),
    // `board` (the source whose fetches decide it); the result-card index carries first seen and
    // closed so a card shows "new" and "closed" without the wide row.
    r#"
    ALTER TABLE postings ADD COLUMN last_seen_at TEXT;
    ALTER TABLE postings ADD COLUMN closed_at TEXT;
    ALTER TABLE postings ADD COLUMN closed_reason TEXT;
    ALTER TABLE postings ADD COLUMN board TEXT;
    ALTER TABLE postings ADD COLUMN valid_through TEXT;
    UPDATE postings SET last_seen_at = updated_at, valid_through = json_extract(posting_json, '$.valid_through');
    CREATE INDEX postings_board ON postings(board) WHERE board IS NOT NULL;
    CREATE INDEX postings_expiring ON postings(valid_through) WHERE valid_through IS NOT NULL AND closed_at IS NULL;
    DROP INDEX postings_card;
    CREATE INDEX postings_card ON postings(id, title, company, role, seniority, city, country, work_mode,
        employment_type, salary_usd_min, salary_usd_max, date_posted, first_seen_at, closed_at);
    "#,
    // 6 → 7: saved searches and alerts (issue 17). `query` is a search's query string (the
    // parameters of /jobs); `since` the instant before which postings are not news to it (its
    // creation); `alert_sent` the postings each alert has delivered (a posting goes to an alert
    // once); `alert_deliveries` every attempt, failed ones with when to retry.
    r#"
    CREATE TABLE alerts (
        id              INTEGER PRIMARY KEY,
        query           TEXT NOT NULL,
        channel         TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
        target          TEXT NOT NULL,
        every           TEXT NOT NULL CHECK (every IN ('hour', 'day', 'week')),
        secret          TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        since           TEXT NOT NULL,
        confirmed_at    TEXT,
        unsubscribed_at TEXT,
        last_sent_at    TEXT,
        retry_at        TEXT
    );
    CREATE TABLE alert_sent (
        alert_id   INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
        posting_id TEXT NOT NULL,
        sent_at    TEXT NOT NULL,
        PRIMARY KEY (alert_id, posting_id)
    ) WITHOUT ROWID;
    CREATE TABLE alert_deliveries (
        id        INTEGER PRIMARY KEY,
        alert_id  INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
        at        TEXT NOT NULL,
        postings  INTEGER NOT NULL,
        attempts  INTEGER NOT NULL,
        ok        INTEGER NOT NULL,
        error     TEXT
    );
    CREATE INDEX alert_deliveries_alert ON alert_deliveries(alert_id, at);
    "#,
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the database to [`SCHEMA_VERSION`]. A database newer than this build is refused.
pub fn migrate(conn: &mut Connection) -> Result<(), String> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| e.to_string())?;
    if version > SCHEMA_VERSION {
        return Err(format!("the store has schema version {version}, newer than this build's {SCHEMA_VERSION}; upgrade mljobs"));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.transaction().map_err(|e| e.to_string())?;
        tx.execute_batch(sql).map_err(|e| format!("migration {} → {}: {e}", i, i + 1))?;
        tx.pragma_update(None, "user_version", (i + 1) as i64).map_err(|e| e.to_string())?;
        tx.commit().map_err(|e| e.to_string())?;
    }
    Ok(())
}
