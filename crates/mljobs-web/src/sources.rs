//! The crawled sources as the operator sees them (`GET /api/v1/sources` and `/sources`): each
//! board's health and postings, the latest runs, attempts and errors. `api` and `ui` both use it.

use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use crate::params::{boolean, number};
use crate::{ApiError, AppState};

/// The parameters of `GET /api/v1/sources` (and the `/sources` page).
#[derive(Debug, Default, serde::Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documents the query string, which `parse` reads
pub struct SourcesParams {
    /// Only sources of this system: greenhouse, lever, ashby, workable, smartrecruiters, workday, rippling, sitemap, feed.
    kind: Option<String>,
    /// Only failing sources (3 or more failed attempts in a row).
    failing: Option<bool>,
    /// Page of sources, from 1.
    page: Option<usize>,
    /// Sources per page (1–1000, default 100).
    per_page: Option<usize>,
}

/// How many sources are in which state.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct SourcesSummary {
    /// Sources.
    pub total: u64,
    /// Enabled (crawled by `crawl` and the schedule).
    pub enabled: u64,
    /// Failing: 3+ failed attempts in a row (they back off, up to a day between attempts).
    pub failing: u64,
    /// Never attempted yet.
    pub never_crawled: u64,
    /// Open postings from sources.
    pub open_postings: u64,
    /// Closed postings from sources.
    pub closed_postings: u64,
}

/// Sources with their health, and the latest crawl activity.
#[derive(Debug, Serialize, ToSchema)]
pub struct SourcesResponse {
    /// Counts over every source (not only this page).
    pub summary: SourcesSummary,
    /// Sources matching the filters.
    pub matching: u64,
    /// Page (from 1).
    pub page: usize,
    /// Per page.
    pub per_page: usize,
    /// This page of sources: spec, kind, name, enabled, added_at, last_attempt_at, last_success_at,
    /// last_http_status, last_error, consecutive_failures, failing, next_due_at, attempts, open, closed.
    #[schema(value_type = Vec<Object>)]
    pub sources: Vec<mljobs_store::SourceRow>,
    /// The latest ingest and crawl runs (inputs and what they did), newest first.
    #[schema(value_type = Vec<Object>)]
    pub runs: Vec<mljobs_store::RunRow>,
    /// The latest failed attempts, newest first.
    #[schema(value_type = Vec<Object>)]
    pub errors: Vec<mljobs_store::AttemptRow>,
}

/// Parses the query (strictly: an unknown parameter is an error) and reads the overview.
pub fn sources_overview(s: &AppState, query: Option<&str>) -> Result<SourcesResponse, ApiError> {
    let (mut kind, mut failing, mut page, mut per_page) = (None, false, 1usize, 100usize);
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        let (key, value) = (key.as_ref(), value.as_ref());
        match key {
            "kind" if value.is_empty() => {}
            "kind" => {
                let k: mljobs_core::sources::SourceKind = value.parse().map_err(|e: String| ApiError::invalid(key, value, e))?;
                kind = Some(k.name());
            }
            "failing" => failing = boolean(key, value)?,
            "page" => page = number(key, value, 1, 100_000)?,
            "per_page" => per_page = number(key, value, 1, 1000)?,
            other => return Err(ApiError::unknown_parameter(other, Some(value), "kind, failing, page, per_page")),
        }
    }
    let store = s.store();
    let all = store.sources()?;
    let mut summary = SourcesSummary { total: all.len() as u64, ..SourcesSummary::default() };
    for r in &all {
        summary.enabled += u64::from(r.enabled);
        summary.failing += u64::from(r.failing);
        summary.never_crawled += u64::from(r.last_attempt_at.is_none());
        summary.open_postings += r.open;
        summary.closed_postings += r.closed;
    }
    // Failing ones first, then by spec: the operator's first question is what is broken.
    let mut matching: Vec<mljobs_store::SourceRow> = all.into_iter().filter(|r| kind.is_none_or(|k| r.kind == k) && (!failing || r.failing)).collect();
    matching.sort_by(|a, b| b.failing.cmp(&a.failing).then(b.consecutive_failures.cmp(&a.consecutive_failures)).then(a.spec.cmp(&b.spec)));
    let total = matching.len() as u64;
    let sources: Vec<_> = matching.into_iter().skip((page - 1) * per_page).take(per_page).collect();
    Ok(SourcesResponse { summary, matching: total, page, per_page, sources, runs: store.recent_runs(10)?, errors: store.recent_attempts(20, true)? })
}
