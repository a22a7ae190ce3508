//! One connector per system: the public endpoint of a board (the system's own request path, on a
//! base URL that tests, mirrors and proxies can replace) and the decoding of its answer into raw
//! postings by the same decoders `mljobs ingest` uses for board files.
//!
//! Connected so far: Greenhouse, Lever, Ashby and Workable (one request each, pay fields included:
//! Greenhouse `pay_input_ranges`, Lever `salaryRange`, Ashby compensation, Workable `salary`). The other kinds of
//! [`SourceKind`] answer [`BoardError::Unsupported`] until their connectors land.

use mljobs_core::ingest::{DecodeOptions, Format, Item, decode_document};
use mljobs_core::sources::{SourceKind, SourceSpec};

use crate::fetch::{FetchError, Fetched, Fetcher, Validators};

/// The base URL of each system's API; `Bases::from_env` reads `MLJOBS_<SYSTEM>_URL`
/// (`MLJOBS_GREENHOUSE_URL=http://127.0.0.1:8099`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bases {
    /// `https://boards-api.greenhouse.io`
    pub greenhouse: String,
    /// `https://api.lever.co`
    pub lever: String,
    /// `https://api.ashbyhq.com`
    pub ashby: String,
    /// `https://apply.workable.com`
    pub workable: String,
}

impl Default for Bases {
    fn default() -> Self {
        Bases {
            greenhouse: "https://boards-api.greenhouse.io".into(),
            lever: "https://api.lever.co".into(),
            ashby: "https://api.ashbyhq.com".into(),
            workable: "https://apply.workable.com".into(),
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
            greenhouse: pick("MLJOBS_GREENHOUSE_URL", d.greenhouse),
            lever: pick("MLJOBS_LEVER_URL", d.lever),
            ashby: pick("MLJOBS_ASHBY_URL", d.ashby),
            workable: pick("MLJOBS_WORKABLE_URL", d.workable),
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
        _ => return Err(BoardError::Unsupported(spec.to_string())),
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
    let (format, system) = match spec.kind {
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
    Ok(BoardFetch::Complete { items, validators, status, attempts })
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
        assert!(matches!(board_url(&spec("rippling:acme"), &d), Err(BoardError::Unsupported(_))));
    }
}
