//! Posting HTML made safe to show and to hand on: the description shown on a job page and the one
//! in its schema.org JSON-LD (read by aggregators) go through the same sanitiser.

use mljobs_core::{Enrichment, JobPosting, Taxonomy};

/// A posting's HTML, made safe: no scripts, event handlers, styles, frames or `javascript:` URLs;
/// links open with `rel="noopener noreferrer nofollow"`. Images are dropped too: a posting's
/// remote images would tell its owner who reads it (and the page's CSP loads none from elsewhere).
pub fn sanitise(html: &str) -> String {
    ammonia::Builder::default().rm_tags(["img"]).link_rel(Some("noopener noreferrer nofollow")).clean(html).to_string()
}

/// The posting's schema.org `JobPosting` JSON-LD with its description sanitised (the raw HTML of a
/// posting may carry scripts an aggregator would render).
pub fn json_ld(p: &JobPosting, e: &Enrichment, taxonomy: &Taxonomy) -> serde_json::Value {
    let mut ld = mljobs_core::export::job_posting_json_ld(p, e, taxonomy);
    if let Some(d) = ld.get_mut("description")
        && let Some(text) = d.as_str()
    {
        *d = serde_json::Value::String(sanitise(text));
    }
    ld
}
