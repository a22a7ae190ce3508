//! The search call shared by the JSON API and the web pages: a query string in, a page of result
//! cards (with facet counts and snippets when asked) out. `api` and `ui` both depend on it; neither
//! depends on the other for it.

use std::collections::BTreeMap;
use std::time::Instant;

use serde::Serialize;
use utoipa::ToSchema;

use crate::params::parse_search;
use crate::{ApiError, AppState};

/// A posting first seen this many days ago or less is "new".
pub const NEW_DAYS: i64 = 7;

/// One search hit.
#[derive(Serialize, ToSchema)]
pub struct JobHit {
    /// Posting id (16 hex digits).
    pub(crate) id: String,
    /// Title.
    pub(crate) title: String,
    /// Company.
    pub(crate) company: Option<String>,
    /// Role id.
    pub(crate) role: String,
    /// Seniority level id.
    pub(crate) seniority: Option<String>,
    /// City.
    pub(crate) city: Option<String>,
    /// ISO country code.
    pub(crate) country: Option<String>,
    /// `onsite`, `hybrid` or `remote`.
    pub(crate) work_mode: Option<String>,
    /// schema.org employment type.
    pub(crate) employment_type: Option<String>,
    /// Annual salary minimum in US dollars.
    pub(crate) salary_usd_min: Option<f64>,
    /// Annual salary maximum in US dollars.
    pub(crate) salary_usd_max: Option<f64>,
    /// Date posted, YYYY-MM-DD.
    pub(crate) date_posted: Option<String>,
    /// When mljobs first saw it, YYYY-MM-DD.
    pub(crate) first_seen: String,
    /// First seen in the last 7 days and still open.
    pub(crate) new: bool,
    /// When it closed (gone from its board or past its closing date), YYYY-MM-DD; absent while open.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) closed_on: Option<String>,
    /// Relevance score (0 when sorted by date or salary).
    pub(crate) score: f32,
    /// Other postings of its near-duplicate group (when collapsed).
    pub(crate) similar: u64,
    /// HTML extract of the description with `<b>` around matched words (with `highlight=true`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) snippet: Option<String>,
    /// This posting in full.
    pub(crate) href: String,
}

/// A facet value and how many postings of the current search have it.
#[derive(Serialize, ToSchema)]
pub struct FacetCount {
    /// Value (an id or code).
    pub(crate) value: String,
    /// Matching postings.
    pub(crate) count: u64,
}

/// Search results.
#[derive(Serialize, ToSchema)]
pub struct JobsResponse {
    /// Exact number of matching postings (near-duplicate groups once when collapsed).
    pub(crate) total: u64,
    /// Page number (from 1).
    pub(crate) page: usize,
    /// Results per page.
    pub(crate) per_page: usize,
    /// Search time in milliseconds (when the answer was computed; `x-cache: hit` answers come from memory).
    pub(crate) took_ms: f64,
    /// True when the exact words found nothing and these are results for close spellings.
    pub(crate) typos_applied: bool,
    /// This page.
    pub(crate) hits: Vec<JobHit>,
    /// Facet → counts (with `facets=true`); each facet ignores its own selection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) facets: Option<BTreeMap<String, Vec<FacetCount>>>,
}

/// Facet counts of a search.
#[derive(Serialize, ToSchema)]
pub struct FacetsResponse {
    /// Exact number of matching postings.
    pub(crate) total: u64,
    /// Facet → counts, most frequent first; each facet ignores its own selection (disjunctive).
    pub(crate) facets: BTreeMap<String, Vec<FacetCount>>,
}

pub(crate) fn facet_counts(f: BTreeMap<String, Vec<(String, u64)>>) -> BTreeMap<String, Vec<FacetCount>> {
    f.into_iter().map(|(k, v)| (k, v.into_iter().map(|(value, count)| FacetCount { value, count }).collect())).collect()
}

/// Parses the query string strictly (as `GET /api/v1/jobs` does), searches, reads the cards and,
/// with `highlight=true`, the snippets.
pub(crate) fn search_jobs(s: &AppState, q: Option<&str>) -> Result<JobsResponse, ApiError> {
    let search = parse_search(q, &s.taxonomy, false)?;
    let started = Instant::now();
    let results = s.index.search(&search.request, Some(&s.synonyms))?;
    let ids: Vec<&str> = results.hits.iter().map(|h| h.id.as_str()).collect();
    let (cards, descriptions) = {
        let store = s.store();
        let cards = store.cards(&ids)?;
        let descriptions = if search.highlight { cards.iter().map(|c| store.description(&c.id)).collect::<Result<Vec<_>, _>>()? } else { Vec::new() };
        (cards, descriptions)
    };
    let snippets = if search.highlight {
        let texts: Vec<&str> = descriptions.iter().map(|d| d.as_deref().unwrap_or("")).collect();
        s.index.snippets(&search.request, Some(&s.synonyms), &texts)?.into_iter().map(|x| Some(x.html)).collect()
    } else {
        vec![None; cards.len()]
    };
    let by_id: BTreeMap<&str, &mljobs_store::Hit> = results.hits.iter().map(|h| (h.id.as_str(), h)).collect();
    let today = chrono::Utc::now().date_naive();
    let hits = cards
        .into_iter()
        .zip(snippets)
        .map(|(c, snippet)| {
            let hit = by_id.get(c.id.as_str());
            JobHit {
                new: c.is_new(today, NEW_DAYS),
                href: format!("/api/v1/jobs/{}", c.id),
                score: hit.map_or(0.0, |h| h.score),
                similar: hit.map_or(0, |h| h.similar),
                snippet,
                id: c.id,
                title: c.title,
                company: c.company,
                role: c.role,
                seniority: c.seniority,
                city: c.city,
                country: c.country,
                work_mode: c.work_mode,
                employment_type: c.employment_type,
                salary_usd_min: c.salary_usd_min,
                salary_usd_max: c.salary_usd_max,
                date_posted: c.date_posted,
                first_seen: c.first_seen,
                closed_on: c.closed_on,
            }
        })
        .collect();
    let facets = search.request.facets.then(|| facet_counts(results.facets));
    Ok(JobsResponse {
        total: results.total,
        page: search.page,
        per_page: search.per_page,
        took_ms: started.elapsed().as_secs_f64() * 1000.0,
        typos_applied: results.typos_applied,
        hits,
        facets,
    })
}
