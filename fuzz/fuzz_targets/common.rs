//! Shared by the targets: the taxonomy once, and the path every decoded record takes in ingest
//! (validation, then enrichment) — a record may be rejected, never crash.
use std::sync::LazyLock;

use mljobs_core::ingest::Item;
use mljobs_core::{JobPosting, Taxonomy, enrich};

pub static TAXONOMY: LazyLock<Taxonomy> = LazyLock::new(Taxonomy::embedded);

pub fn ingest(items: impl IntoIterator<Item = Item>) {
    let now = chrono::DateTime::from_timestamp(1_780_000_000, 0).expect("valid time");
    for raw in items.into_iter().flatten() {
        if let Ok(p) = JobPosting::from_raw(raw, now) {
            let _ = enrich(&p, &TAXONOMY);
        }
    }
}
