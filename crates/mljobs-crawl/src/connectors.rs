//! One connector per system: the public endpoint of a board (the system's own request path, on a
//! base URL that tests, mirrors and proxies can replace) and the decoding of its answer into raw
//! postings by the same decoders `mljobs ingest` uses for board files.
//!
//! Every kind of [`SourceKind`] is connected: Greenhouse, Lever, Ashby and Workable (one request
//! each, pay fields included: Greenhouse `pay_input_ranges`, Lever `salaryRange`, Ashby
//! compensation, Workable `salary`); SmartRecruiters, Workday and Rippling (a paged list, then one
//! detail call per posting — Rippling's `payRangeDetails` are in its detail); career-site sitemaps
//! (pages' JSON-LD) and RSS/Atom/JSON feeds.

use mljobs_core::ingest::{DecodeOptions, Format, Item, decode_document};
use mljobs_core::sources::{SourceKind, SourceSpec};

use crate::fetch::{FetchError, Fetched, Fetcher, Validators};

/// The base URL of each system's API; `Bases::from_env` reads `MLJOBS_<SYSTEM>_URL`
/// (`MLJOBS_GREENHOUSE_URL=http://127.0.0.1:8099`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bases {
    /// `https://api.smartrecruiters.com`
    pub smartrecruiters: String,
    /// Workday: none — each tenant has its own host (`https://{tenant}.{dc}.myworkdayjobs.com`);
    /// set, every tenant is asked there (`MLJOBS_WORKDAY_URL`).
    pub workday: Option<String>,
    /// `https://boards-api.greenhouse.io`
    pub greenhouse: String,
    /// `https://api.lever.co`
    pub lever: String,
    /// `https://api.ashbyhq.com`
    pub ashby: String,
    /// `https://apply.workable.com`
    pub workable: String,
    /// `https://api.rippling.com`
    pub rippling: String,
}

impl Default for Bases {
    fn default() -> Self {
        Bases {
            smartrecruiters: "https://api.smartrecruiters.com".into(),
            workday: None,
            greenhouse: "https://boards-api.greenhouse.io".into(),
            lever: "https://api.lever.co".into(),
            ashby: "https://api.ashbyhq.com".into(),
            workable: "https://apply.workable.com".into(),
            rippling: "https://api.rippling.com".into(),
        }
    }
}

impl Bases {
    /// The defaults, each replaced by its environment variable when set and not empty.
    pub fn from_env() -> Bases {
        Bases::from_lookup(|k| std::env::var(k).ok())
    }

    /// [`Bases::from_env`] over any lookup (the config file's keys, tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Bases {
        let d = Bases::default();
        let pick = |key: &str, default: String| lookup(key).map(|v| v.trim().trim_end_matches('/').to_string()).filter(|v| !v.is_empty()).unwrap_or(default);
        Bases {
            smartrecruiters: pick("MLJOBS_SMARTRECRUITERS_URL", d.smartrecruiters),
            workday: lookup("MLJOBS_WORKDAY_URL").map(|v| v.trim().trim_end_matches('/').to_string()).filter(|v| !v.is_empty()),
            greenhouse: pick("MLJOBS_GREENHOUSE_URL", d.greenhouse),
            lever: pick("MLJOBS_LEVER_URL", d.lever),
            ashby: pick("MLJOBS_ASHBY_URL", d.ashby),
            workable: pick("MLJOBS_WORKABLE_URL", d.workable),
            rippling: pick("MLJOBS_RIPPLING_URL", d.rippling),
        }
    }
}

/// Why a board could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BoardError {
    /// The request failed (status, timeout, size, network).
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// The answer is not the system's JSON (an HTML error page with status 200, a cut-off body):
    /// never read as an empty board.
    #[error("{url}: the answer is not {system} board JSON: {reason}")]
    NotABoard {
        /// The URL.
        url: String,
        /// The system.
        system: &'static str,
        /// What was wrong.
        reason: String,
    },
    /// No connector for this kind yet.
    #[error("{0}: no connector for this kind of source yet")]
    Unsupported(String),
}

/// A board as fetched.
#[derive(Debug)]
pub enum BoardFetch {
    /// Every posting of the board, decoded (rejections included, each naming its record).
    Complete {
        /// Postings and rejected records.
        items: Vec<Item>,
        /// Validators for the next conditional request.
        validators: Validators,
        /// HTTP status.
        status: u16,
        /// Attempts it took.
        attempts: u32,
        /// Why the listing may miss postings (a paged board that changed while it was read, a
        /// page that failed): then nothing may be closed. `None` for a whole board.
        incomplete: Option<String>,
    },
    /// Unchanged since the last complete fetch: a 304 to the validators sent, or the same body
    /// (by hash) as then.
    NotModified {
        /// HTTP status (304, or 200 with the same body).
        status: u16,
        /// Attempts it took.
        attempts: u32,
    },
}

/// The URL of a board's public JSON endpoint, on `bases`.
pub fn board_url(spec: &SourceSpec, bases: &Bases) -> Result<String, BoardError> {
    let key = &spec.key;
    Ok(match spec.kind {
        SourceKind::Greenhouse => format!("{}/v1/boards/{key}/jobs?content=true", bases.greenhouse),
        SourceKind::Lever => format!("{}/v0/postings/{key}?mode=json", bases.lever),
        SourceKind::Ashby => format!("{}/posting-api/job-board/{key}?includeCompensation=true", bases.ashby),
        SourceKind::Workable => format!("{}/api/v1/widget/accounts/{key}?details=true", bases.workable),
        SourceKind::SmartRecruiters => format!("{}/v1/companies/{key}/postings?limit={SR_PAGE}&offset=0", bases.smartrecruiters),
        SourceKind::Workday => {
            let (base, tenant, site) = workday_site(spec, bases)?;
            format!("{base}/wday/cxs/{tenant}/{site}/jobs")
        }
        SourceKind::Rippling => format!("{}/platform/api/ats/v2/board/{key}/jobs?page=0&pageSize={RP_PAGE}", bases.rippling),
        // The key is the URL itself.
        SourceKind::Feed | SourceKind::Sitemap => key.clone(),
    })
}

/// Fetches one board and decodes it. A body that is not the system's JSON is an error, so a
/// failed fetch can never look like an empty (all closed) board. `company` names the employer of
/// postings that carry none (Lever and Ashby boards do not).
pub async fn fetch_board(
    fetcher: &Fetcher,
    spec: &SourceSpec,
    bases: &Bases,
    previous: Option<&Validators>,
    company: Option<&str>,
) -> Result<BoardFetch, BoardError> {
    let url = board_url(spec, bases)?;
    match spec.kind {
        SourceKind::SmartRecruiters => return smartrecruiters(fetcher, spec, bases, previous, company).await,
        SourceKind::Workday => return workday(fetcher, spec, bases, previous, company).await,
        SourceKind::Sitemap => return sitemap(fetcher, spec, previous, company).await,
        SourceKind::Rippling => return rippling(fetcher, spec, bases, previous, company).await,
        _ => {}
    }
    let (format, system) = match spec.kind {
        SourceKind::Feed => (Format::Feed, "RSS/Atom"),
        SourceKind::Greenhouse => (Format::Greenhouse, "Greenhouse"),
        SourceKind::Lever => (Format::Lever, "Lever"),
        SourceKind::Workable => (Format::Workable, "Workable"),
        _ => (Format::Ashby, "Ashby"),
    };
    let (body, validators, status, attempts) = match fetcher.get(&url, previous).await? {
        Fetched::NotModified { attempts } => return Ok(BoardFetch::NotModified { status: 304, attempts }),
        Fetched::Body { status, body, validators, attempts } => (body, validators, status, attempts),
    };
    let not_a_board = |reason: String| BoardError::NotABoard { url: url.clone(), system, reason };
    let text = String::from_utf8(body).map_err(|e| not_a_board(format!("not UTF-8 ({e})")))?;
    let hash = mljobs_core::posting::hash64(&[&text]);
    if previous.is_some_and(|p| p.content_hash == Some(hash)) {
        return Ok(BoardFetch::NotModified { status, attempts });
    }
    let validators = Validators { content_hash: Some(hash), ..validators };
    let options = DecodeOptions { company: company.map(str::to_string), ..DecodeOptions::default() };
    let items = decode_document(&text, &spec.to_string(), format, &options);
    // The decoder rejects a document that is not the board's JSON (an HTML page with status 200,
    // a cut-off body, another shape) as a whole — record 0 — and single jobs by their number: the
    // first is a failed fetch, never an empty board.
    if let Some(Err(whole)) = items.iter().find(|i| i.as_ref().is_err_and(|r| r.record.record == 0)) {
        return Err(not_a_board(whole.reason.clone()));
    }
    Ok(BoardFetch::Complete { items, validators, status, attempts, incomplete: None })
}

/// A paged board assembled from its list and details, decoded as the system's board document.
#[allow(clippy::too_many_arguments)]
fn assembled(
    doc: serde_json::Value,
    spec: &SourceSpec,
    format: Format,
    company: Option<&str>,
    hash: u64,
    status: u16,
    attempts: u32,
    incomplete: Option<String>,
) -> BoardFetch {
    let options = DecodeOptions { company: company.map(str::to_string), ..DecodeOptions::default() };
    let items = mljobs_core::ingest::ats_items(&doc, &spec.to_string(), format, &options);
    BoardFetch::Complete { items, validators: Validators { etag: None, last_modified: None, content_hash: Some(hash) }, status, attempts, incomplete }
}

/// Each listed posting with its detail, a few calls at a time: `detail_url` says where (none: the
/// posting stays as listed); `merge` makes the posting of the detail's JSON and the listed item,
/// or says `None` when the answer is not a detail. A failed call keeps the listed item, so the
/// posting stays known by its id.
async fn with_details(
    fetcher: &Fetcher,
    listed: Vec<serde_json::Value>,
    detail_url: impl Fn(&serde_json::Value) -> Option<String>,
    merge: impl Fn(serde_json::Value, &serde_json::Value) -> Option<serde_json::Value>,
) -> Vec<serde_json::Value> {
    use futures_util::StreamExt;
    let (detail_url, merge) = (&detail_url, &merge);
    futures_util::stream::iter(listed)
        .map(|item| async move {
            let Some(url) = detail_url(&item) else { return item };
            match fetcher.get(&url, None).await {
                Ok(Fetched::Body { body, .. }) => serde_json::from_slice::<serde_json::Value>(&body).ok().and_then(|d| merge(d, &item)).unwrap_or(item),
                _ => item,
            }
        })
        .buffered(SR_DETAILS_IN_FLIGHT)
        .collect()
        .await
}

/// A Workday board's host (or the replaced base), tenant and career site.
fn workday_site(spec: &SourceSpec, bases: &Bases) -> Result<(String, String, String), BoardError> {
    let parts: Vec<&str> = spec.key.split('/').collect();
    let [tenant, dc, site] = parts[..] else { return Err(BoardError::Unsupported(spec.to_string())) };
    let base = bases.workday.clone().unwrap_or_else(|| format!("https://{tenant}.{dc}.myworkdayjobs.com"));
    Ok((base, tenant.to_string(), site.to_string()))
}

/// Postings per Workday list page (the career sites' maximum).
const WD_PAGE: usize = 20;
/// Workday list pages read at most (5,000 postings).
const WD_MAX_PAGES: usize = 250;

/// Workday career sites: the list by `POST …/jobs` (`{"limit": 20, "offset": N}`) until `total`
/// (which only the first page reliably carries), then `GET …{externalPath}` per posting for its
/// `jobPostingInfo`. As for SmartRecruiters: the list (paths and titles — the "Posted 3 Days
/// Ago" texts change daily) hashed stands for the board, a list that does not add up to its
/// total is `incomplete`, a failing page fails the fetch, a failed detail keeps the posting
/// listed by its id.
async fn workday(fetcher: &Fetcher, spec: &SourceSpec, bases: &Bases, previous: Option<&Validators>, company: Option<&str>) -> Result<BoardFetch, BoardError> {
    let (base, tenant, site) = workday_site(spec, bases)?;
    let list_url = format!("{base}/wday/cxs/{tenant}/{site}/jobs");
    let public = format!("https://{tenant}.{}.myworkdayjobs.com/en-US/{site}", spec.key.split('/').nth(1).unwrap_or("wd1"));
    let mut listed: Vec<serde_json::Value> = Vec::new();
    let mut paths = std::collections::HashSet::new();
    let mut total: Option<u64> = None;
    let (mut status, mut attempts) = (200, 0);
    let not_a_board = |reason: String| BoardError::NotABoard { url: list_url.clone(), system: "Workday", reason };
    for page in 0..WD_MAX_PAGES {
        let body = serde_json::json!({"appliedFacets": {}, "limit": WD_PAGE, "offset": page * WD_PAGE, "searchText": ""});
        let (bytes, st, tries) = match fetcher.post_json(&list_url, &body).await? {
            Fetched::Body { status, body, attempts, .. } => (body, status, attempts),
            Fetched::NotModified { .. } => return Err(not_a_board("a 304 to a search".into())),
        };
        (status, attempts) = (st, attempts + tries);
        let doc: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| not_a_board(format!("invalid JSON: {e}")))?;
        let Some(postings) = doc.get("jobPostings").and_then(|p| p.as_array()) else {
            return Err(not_a_board("expected an object with a \"jobPostings\" array".into()));
        };
        if total.is_none() {
            total = doc.get("total").and_then(|t| t.as_u64());
        }
        for item in postings {
            let Some(path) = item.get("externalPath").and_then(|p| p.as_str()) else { continue };
            if paths.insert(path.to_string()) {
                let mut item = item.clone();
                item["externalUrl"] = serde_json::Value::from(format!("{public}{path}"));
                listed.push(item);
            }
        }
        if postings.len() < WD_PAGE || total.is_some_and(|t| listed.len() as u64 >= t) {
            break;
        }
    }
    let total = total.unwrap_or(listed.len() as u64);
    let incomplete = ((listed.len() as u64) < total).then(|| format!("{} of the {total} postings it counts were listed", listed.len()));
    let mut keys: Vec<String> = listed
        .iter()
        .map(|i| format!("{}\u{1}{}", i.get("externalPath").and_then(|v| v.as_str()).unwrap_or(""), i.get("title").and_then(|v| v.as_str()).unwrap_or("")))
        .collect();
    keys.sort();
    let hash = mljobs_core::posting::hash64(&[&keys.join("\u{2}")]);
    if incomplete.is_none() && previous.is_some_and(|p| p.content_hash == Some(hash)) {
        return Ok(BoardFetch::NotModified { status, attempts });
    }
    let (base, tenant, site) = (&base, &tenant, &site);
    let details = with_details(
        fetcher,
        listed,
        |item| item.get("externalPath").and_then(|p| p.as_str()).map(|path| format!("{base}/wday/cxs/{tenant}/{site}{path}")),
        |mut detail, item| {
            if !detail.get("jobPostingInfo").is_some_and(|i| i.is_object()) {
                return None;
            }
            detail["externalPath"] = item["externalPath"].clone();
            if detail["jobPostingInfo"].get("externalUrl").is_none() {
                detail["externalUrl"] = item["externalUrl"].clone();
            }
            Some(detail)
        },
    )
    .await;
    let doc = serde_json::json!({ "total": total, "jobPostings": details });
    Ok(assembled(doc, spec, Format::Workday, company, hash, status, attempts, incomplete))
}

/// Pages of a sitemap read at most; child sitemaps of an index followed at most.
const SITEMAP_MAX_PAGES: usize = 2_000;
const SITEMAP_MAX_CHILDREN: usize = 20;

/// A career site's sitemap: every page it lists is fetched and its schema.org `JobPosting`
/// JSON-LD read (pages without one are not job pages and are passed over; a page answering 404 or
/// 410 is gone). A sitemap index is followed one level. The pages and their `lastmod` hashed
/// stand for the board, and the sitemap's own ETag / Last-Modified are sent back. Pages that fail
/// otherwise (5xx, timeouts), or more pages than are read, make the fetch `incomplete`.
async fn sitemap(fetcher: &Fetcher, spec: &SourceSpec, previous: Option<&Validators>, company: Option<&str>) -> Result<BoardFetch, BoardError> {
    use futures_util::StreamExt;
    let url = spec.key.clone();
    let not_a_board = |url: &str, reason: String| BoardError::NotABoard { url: url.to_string(), system: "sitemap", reason };
    let (body, mut validators, status, mut attempts) = match fetcher.get(&url, previous).await? {
        Fetched::NotModified { attempts } => return Ok(BoardFetch::NotModified { status: 304, attempts }),
        Fetched::Body { body, validators, status, attempts } => (body, validators, status, attempts),
    };
    let text = String::from_utf8(body).map_err(|e| not_a_board(&url, format!("not UTF-8 ({e})")))?;
    let map = crate::sitemap::parse(&text).map_err(|e| not_a_board(&url, e))?;
    let mut pages = Vec::new();
    let mut incomplete = None;
    if map.index {
        for (child, _) in map.entries.iter().take(SITEMAP_MAX_CHILDREN) {
            match fetcher.get(child, None).await? {
                Fetched::Body { body, attempts: a, .. } => {
                    attempts += a;
                    let text = String::from_utf8_lossy(&body);
                    pages.extend(crate::sitemap::parse(&text).map_err(|e| not_a_board(child, e))?.entries);
                }
                Fetched::NotModified { .. } => {}
            }
        }
        if map.entries.len() > SITEMAP_MAX_CHILDREN {
            incomplete = Some(format!("the index lists {} sitemaps; the first {SITEMAP_MAX_CHILDREN} were read", map.entries.len()));
        }
    } else {
        pages = map.entries;
    }
    if pages.len() > SITEMAP_MAX_PAGES {
        incomplete.get_or_insert(format!("{} pages listed; the first {SITEMAP_MAX_PAGES} were read", pages.len()));
        pages.truncate(SITEMAP_MAX_PAGES);
    }
    let mut keys: Vec<String> = pages.iter().map(|(l, m)| format!("{l}\u{1}{}", m.as_deref().unwrap_or(""))).collect();
    keys.sort();
    let hash = mljobs_core::posting::hash64(&[&keys.join("\u{2}")]);
    if incomplete.is_none() && previous.is_some_and(|p| p.content_hash == Some(hash)) {
        return Ok(BoardFetch::NotModified { status, attempts });
    }
    validators.content_hash = Some(hash);
    let options = DecodeOptions { company: company.map(str::to_string), ..DecodeOptions::default() };
    let options = &options;
    // Per page: its postings, or `None` when it could not be read.
    let read: Vec<Option<Vec<Item>>> = futures_util::stream::iter(pages)
        .map(|(page, _)| async move {
            match fetcher.get(&page, None).await {
                Ok(Fetched::Body { body, .. }) => {
                    let html = String::from_utf8_lossy(&body);
                    let items = decode_document(&html, &page, Format::Jsonld, options);
                    // No JobPosting on the page (record 0): not a job page.
                    let postings: Vec<Item> = items
                        .into_iter()
                        .filter(|i| i.as_ref().is_ok() || i.as_ref().is_err_and(|r| r.record.record != 0))
                        .map(|i| {
                            i.map(|mut raw| {
                                raw.url.get_or_insert_with(|| page.clone());
                                raw
                            })
                        })
                        .collect();
                    Some(postings)
                }
                Ok(Fetched::NotModified { .. }) => Some(Vec::new()),
                Err(e) if matches!(e.kind.status(), Some(404 | 410)) => Some(Vec::new()),
                Err(_) => None,
            }
        })
        .buffered(SR_DETAILS_IN_FLIGHT)
        .collect()
        .await;
    let failed = read.iter().filter(|r| r.is_none()).count();
    if failed > 0 {
        incomplete.get_or_insert(format!("{failed} of {} pages could not be read", read.len()));
    }
    let items = read.into_iter().flatten().flatten().collect();
    Ok(BoardFetch::Complete { items, validators, status, attempts, incomplete })
}

/// Jobs per Rippling list page (the API takes up to 1,000; the answer's `totalPages` leads).
const RP_PAGE: usize = 100;
/// Rippling list pages read at most (10,000 rows).
const RP_MAX_PAGES: usize = 100;

/// Rippling job boards: the list page by page (`page` from 0 until `totalPages`), where a job
/// open in several places is one row per place (rows merged by id, their locations kept), then
/// one detail call per job for its description and `payRangeDetails`. As for SmartRecruiters:
/// the list's pages hashed stand for the board, a board whose counts move while it is read or
/// that has more pages than are read is `incomplete`, a failing page fails the fetch, a failed
/// detail keeps the job listed by its id.
async fn rippling(fetcher: &Fetcher, spec: &SourceSpec, bases: &Bases, previous: Option<&Validators>, company: Option<&str>) -> Result<BoardFetch, BoardError> {
    let (key, base) = (&spec.key, &bases.rippling);
    let mut listed: Vec<serde_json::Value> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let (mut counts, mut incomplete, mut pages_text) = (None::<(u64, u64)>, None, String::new());
    let mut status: u16;
    let mut attempts = 0;
    let id_of = |v: &serde_json::Value| {
        v.get("id").or_else(|| v.get("uuid")).and_then(|v| v.as_str().map(str::to_string).or_else(|| v.as_u64().map(|n| n.to_string())))
    };
    let mut page = 0;
    loop {
        let url = format!("{base}/platform/api/ats/v2/board/{key}/jobs?page={page}&pageSize={RP_PAGE}");
        let not_a_board = |reason: String| BoardError::NotABoard { url: url.clone(), system: "Rippling", reason };
        let (body, st, tries) = match fetcher.get(&url, None).await? {
            Fetched::Body { status, body, attempts, .. } => (body, status, attempts),
            Fetched::NotModified { .. } => return Err(not_a_board("a 304 to a request without validators".into())),
        };
        (status, attempts) = (st, attempts + tries);
        let text = String::from_utf8(body).map_err(|e| not_a_board(format!("not UTF-8 ({e})")))?;
        let doc: serde_json::Value = serde_json::from_str(&text).map_err(|e| not_a_board(format!("invalid JSON: {e}")))?;
        // One page of the list, or (older boards) the whole list as an array.
        let (rows, pages, items) = match &doc {
            serde_json::Value::Array(rows) => (rows, 1, rows.len() as u64),
            _ => match (doc.get("items").and_then(|i| i.as_array()), doc.get("totalPages").and_then(|t| t.as_u64())) {
                (Some(rows), Some(pages)) => (rows, pages, doc.get("totalItems").and_then(|t| t.as_u64()).unwrap_or(rows.len() as u64)),
                _ => return Err(not_a_board("expected an object with an \"items\" array and \"totalPages\"".into())),
            },
        };
        pages_text.push_str(&text);
        match counts {
            Some(was) if was != (pages, items) => {
                incomplete.get_or_insert(format!("the board changed while it was read ({} jobs, then {items})", was.1));
            }
            _ => counts = Some((pages, items)),
        }
        for row in rows {
            let Some(id) = id_of(row) else { continue };
            match index.get(&id) {
                // The same job in another place: its locations join the first row's.
                Some(&i) => {
                    let more = row.get("locations").and_then(|l| l.as_array()).cloned().unwrap_or_default();
                    if let Some(locations) = listed[i].get_mut("locations").and_then(|l| l.as_array_mut()) {
                        locations.extend(more.into_iter().filter(|l| l.is_object()));
                    }
                }
                None => {
                    index.insert(id, listed.len());
                    listed.push(row.clone());
                }
            }
        }
        page += 1;
        if rows.is_empty() || page as u64 >= pages {
            break;
        }
        if page >= RP_MAX_PAGES {
            incomplete.get_or_insert(format!("{pages} pages listed; the first {RP_MAX_PAGES} were read"));
            break;
        }
    }
    let hash = mljobs_core::posting::hash64(&[&pages_text]);
    if incomplete.is_none() && previous.is_some_and(|p| p.content_hash == Some(hash)) {
        return Ok(BoardFetch::NotModified { status, attempts });
    }
    // A job's page on the board, when the list names none.
    let listed: Vec<serde_json::Value> = listed
        .into_iter()
        .map(|mut item| {
            if let Some(id) = id_of(&item).filter(|_| item.get("url").is_none_or(|u| !u.is_string())) {
                item["url"] = serde_json::Value::from(format!("https://ats.rippling.com/{key}/jobs/{id}"));
            }
            item
        })
        .collect();
    let details = with_details(
        fetcher,
        listed,
        |item| id_of(item).map(|id| format!("{base}/platform/api/ats/v2/board/{key}/jobs/{id}")),
        |mut detail, item| {
            if !detail.is_object() || detail.get("name").is_none() {
                return None;
            }
            // The list knows the job's id, page and every place; the detail may not.
            for field in ["id", "url", "locations"] {
                if detail.get(field).is_none_or(|v| v.is_null()) {
                    detail[field] = item[field].clone();
                }
            }
            Some(detail)
        },
    )
    .await;
    Ok(assembled(serde_json::json!({ "items": details }), spec, Format::Rippling, company, hash, status, attempts, incomplete))
}

/// Postings per SmartRecruiters list page (the API's maximum).
const SR_PAGE: usize = 100;
/// List pages read at most (10,000 postings).
const SR_MAX_PAGES: usize = 100;
/// Detail calls in flight per board (the host's politeness gate still applies).
const SR_DETAILS_IN_FLIGHT: usize = 4;

/// SmartRecruiters: the list, page by page (`limit`/`offset` until `totalFound`), then one detail
/// call per posting for its description (`jobAd`). The list's pages hashed together stand for the
/// board: the same list as last time is `NotModified` and costs no detail call. A board whose
/// `totalFound` changes while it is read, or whose pages do not add up to it, is `incomplete`
/// (its postings are stored, none is closed). A detail that fails leaves that posting listed
/// without a description: rejected, but known by its id, so it is not closed either.
async fn smartrecruiters(
    fetcher: &Fetcher,
    spec: &SourceSpec,
    bases: &Bases,
    previous: Option<&Validators>,
    company: Option<&str>,
) -> Result<BoardFetch, BoardError> {
    let key = &spec.key;
    let base = &bases.smartrecruiters;
    let mut listed: Vec<serde_json::Value> = Vec::new();
    let mut seen_ids = std::collections::HashSet::new();
    let mut total: Option<u64> = None;
    let mut incomplete = None;
    let mut pages_text = String::new();
    let (mut status, mut attempts) = (200, 0);
    for page in 0..SR_MAX_PAGES {
        let url = format!("{base}/v1/companies/{key}/postings?limit={SR_PAGE}&offset={}", page * SR_PAGE);
        let not_a_board = |reason: String| BoardError::NotABoard { url: url.clone(), system: "SmartRecruiters", reason };
        let (body, st, tries) = match fetcher.get(&url, None).await? {
            Fetched::Body { status, body, attempts, .. } => (body, status, attempts),
            Fetched::NotModified { .. } => return Err(not_a_board("a 304 to a request without validators".into())),
        };
        (status, attempts) = (st, attempts + tries);
        let text = String::from_utf8(body).map_err(|e| not_a_board(format!("not UTF-8 ({e})")))?;
        let doc: serde_json::Value = serde_json::from_str(&text).map_err(|e| not_a_board(format!("invalid JSON: {e}")))?;
        let (Some(content), Some(found)) = (doc.get("content").and_then(|c| c.as_array()), doc.get("totalFound").and_then(|t| t.as_u64())) else {
            return Err(not_a_board("expected an object with \"totalFound\" and a \"content\" array".into()));
        };
        pages_text.push_str(&text);
        match total {
            Some(t) if t != found => {
                incomplete.get_or_insert(format!("the board changed while it was read (totalFound {t}, then {found})"));
            }
            _ => total = Some(found),
        }
        for item in content {
            let id = item.get("id").map(|v| v.to_string()).unwrap_or_default();
            if seen_ids.insert(id) {
                listed.push(item.clone());
            }
        }
        if content.is_empty() || listed.len() as u64 >= found || content.len() < SR_PAGE {
            break;
        }
    }
    let total = total.unwrap_or(0);
    if (listed.len() as u64) < total {
        incomplete.get_or_insert(format!("{} of the {total} postings it counts were listed", listed.len()));
    }
    let hash = mljobs_core::posting::hash64(&[&pages_text]);
    if incomplete.is_none() && previous.is_some_and(|p| p.content_hash == Some(hash)) {
        return Ok(BoardFetch::NotModified { status, attempts });
    }
    // The details, a few at a time; a failed one keeps the list's fields.
    let details = with_details(
        fetcher,
        listed,
        |item| {
            let id = item.get("id").and_then(|v| v.as_str().map(str::to_string).or_else(|| v.as_u64().map(|n| n.to_string())))?;
            Some(format!("{base}/v1/companies/{key}/postings/{id}"))
        },
        |detail, _| (detail.is_object() && detail.get("id").is_some()).then_some(detail),
    )
    .await;
    Ok(assembled(serde_json::json!({ "totalFound": total, "content": details }), spec, Format::SmartRecruiters, company, hash, status, attempts, incomplete))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn board_urls_use_the_systems_paths_on_replaceable_bases() {
        let spec = |s: &str| s.parse::<SourceSpec>().unwrap();
        let d = Bases::default();
        assert_eq!(board_url(&spec("greenhouse:acme"), &d).unwrap(), "https://boards-api.greenhouse.io/v1/boards/acme/jobs?content=true");
        assert_eq!(board_url(&spec("lever:acme"), &d).unwrap(), "https://api.lever.co/v0/postings/acme?mode=json");
        assert_eq!(board_url(&spec("ashby:acme"), &d).unwrap(), "https://api.ashbyhq.com/posting-api/job-board/acme?includeCompensation=true");
        let local = Bases::from_lookup(|k| (k == "MLJOBS_GREENHOUSE_URL").then(|| "http://127.0.0.1:8099/".to_string()));
        assert_eq!(board_url(&spec("greenhouse:acme"), &local).unwrap(), "http://127.0.0.1:8099/v1/boards/acme/jobs?content=true");
        assert_eq!(local.lever, d.lever);
        assert_eq!(board_url(&spec("workable:acme"), &d).unwrap(), "https://apply.workable.com/api/v1/widget/accounts/acme?details=true");
        assert_eq!(board_url(&spec("smartrecruiters:Acme"), &d).unwrap(), "https://api.smartrecruiters.com/v1/companies/Acme/postings?limit=100&offset=0");
        assert_eq!(
            board_url(&spec("workday:nvidia/wd5/NVIDIAExternalCareerSite"), &d).unwrap(),
            "https://nvidia.wd5.myworkdayjobs.com/wday/cxs/nvidia/NVIDIAExternalCareerSite/jobs"
        );
        let mirror = Bases::from_lookup(|k| (k == "MLJOBS_WORKDAY_URL").then(|| "http://127.0.0.1:9000".to_string()));
        assert_eq!(board_url(&spec("workday:nvidia/wd5/Site"), &mirror).unwrap(), "http://127.0.0.1:9000/wday/cxs/nvidia/Site/jobs");
        assert_eq!(board_url(&spec("rippling:acme-ai"), &d).unwrap(), "https://api.rippling.com/platform/api/ats/v2/board/acme-ai/jobs?page=0&pageSize=100");
    }
}
