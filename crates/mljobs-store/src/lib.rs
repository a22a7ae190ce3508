//! mljobs-store: the only crate that touches disk. SQLite (through rusqlite, bundled) is the ground
//! truth: postings with their enrichment, near-duplicate groups, ingest runs and rejected records.
//! The schema is versioned (`PRAGMA user_version`) and upgraded by code in [`migrations`].
//!
//! Dedupe is decided here, because only the store sees every posting:
//! 1. same source + source id → the same posting, updated in place when its content changed;
//! 2. same canonical URL under another identity → a duplicate of the stored posting (recorded as an
//!    alias, not stored twice);
//! 3. near-identical text (SimHash) with the same company and title, or the same ATS job id → both
//!    kept and linked under one canonical posting; never merged.
//!
//! The search index (`search`, tantivy) is derived: `sync` catches it up with the store by the
//! store's revision counter, `rebuild` recreates it.
//!
//! Writes happen in batches, one transaction each, so a killed process leaves the store at a batch
//! boundary; ids are derived from content identity, so re-running finishes the work without doubles.

pub mod alerts;
mod facets;
mod fast;
mod fuzzy;
mod lifecycle;
pub mod matching;
mod migrations;
pub use migrations::SCHEMA_VERSION;
pub mod query;
pub mod report;
pub mod salary;
pub mod search;
mod sources;
mod store;

pub use lifecycle::{BoardCounts, BoardLifecycle, Lifecycle};
pub use query::Synonyms;
pub use search::{CoOccurrence, Hit, IndexDoc, IndexSync, SearchError, SearchIndex, SearchRequest, SearchResults, Snippet, Sort, Status, Trend, rebuild, sync};
pub use sources::{AttemptOutcome, AttemptRow, CrawlAttempt, FAILING_AFTER, RunRow, SourceRow, SourceValidators, SourcesAdded};
pub use store::{BatchOutcome, Card, Changed, IngestSummary, SkillYears, Stats, Store, StoreError, StoredPosting};
