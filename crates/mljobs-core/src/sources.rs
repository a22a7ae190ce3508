//! Sources: one public job board on one applicant-tracking system, written as a spec
//! (`greenhouse:acme`, `workday:acme/wd5/External`, `sitemap:https://…`), and the board URLs people
//! copy from their browser, read into specs. Pure: no I/O (the crawler that fetches a source lives
//! outside `mljobs-core`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The system a board lives on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// Greenhouse job board (board token).
    Greenhouse,
    /// Lever postings site.
    Lever,
    /// Ashby job board.
    Ashby,
    /// Workable account.
    Workable,
    /// SmartRecruiters company.
    SmartRecruiters,
    /// Workday career site (tenant, data centre, site).
    Workday,
    /// Rippling ATS board.
    Rippling,
    /// A career site's sitemap: pages with schema.org `JobPosting` JSON-LD.
    Sitemap,
    /// An RSS or Atom job feed.
    Feed,
}

impl SourceKind {
    /// Every kind, in the order `sources list` groups them.
    pub const ALL: [SourceKind; 9] = [
        SourceKind::Greenhouse,
        SourceKind::Lever,
        SourceKind::Ashby,
        SourceKind::Workable,
        SourceKind::SmartRecruiters,
        SourceKind::Workday,
        SourceKind::Rippling,
        SourceKind::Sitemap,
        SourceKind::Feed,
    ];

    /// Whether a complete read of a board of this kind lists every open job, so that a posting it
    /// no longer lists has closed. True for the ATS boards and for sitemaps (a career site lists
    /// its job pages); false for feeds, which commonly carry only the latest items.
    pub fn lists_every_open_job(self) -> bool {
        self != SourceKind::Feed
    }

    /// The spec prefix (`greenhouse`, `smartrecruiters`, …).
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Greenhouse => "greenhouse",
            SourceKind::Lever => "lever",
            SourceKind::Ashby => "ashby",
            SourceKind::Workable => "workable",
            SourceKind::SmartRecruiters => "smartrecruiters",
            SourceKind::Workday => "workday",
            SourceKind::Rippling => "rippling",
            SourceKind::Sitemap => "sitemap",
            SourceKind::Feed => "feed",
        }
    }

    /// What the key after the colon is, for error messages.
    fn key_shape(self) -> &'static str {
        match self {
            SourceKind::Greenhouse => "a board token (letters, digits, - and _)",
            SourceKind::Lever => "a site name (letters, digits, ., - and _)",
            SourceKind::Ashby => "a job board name (letters, digits, ., -, _ and %)",
            SourceKind::Workable => "an account slug (letters, digits, - and _)",
            SourceKind::SmartRecruiters => "a company identifier (letters, digits, - and _)",
            SourceKind::Workday => "tenant/data-centre/site, e.g. acme/wd5/External",
            SourceKind::Rippling => "a board slug (letters, digits, - and _)",
            SourceKind::Sitemap | SourceKind::Feed => "an http(s) URL",
        }
    }
}

impl FromStr for SourceKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let lower = s.trim().to_ascii_lowercase();
        SourceKind::ALL.into_iter().find(|k| k.name() == lower).ok_or_else(|| {
            let names: Vec<&str> = SourceKind::ALL.iter().map(|k| k.name()).collect();
            format!("unknown source kind {s:?}; one of {}", names.join(", "))
        })
    }
}

/// One board: a kind and its key. Displayed and parsed as `kind:key`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceSpec {
    /// The system.
    pub kind: SourceKind,
    /// Board token, site, slug, `tenant/wdN/site`, or URL, as the system spells it.
    pub key: String,
}

impl fmt::Display for SourceSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind.name(), self.key)
    }
}

impl Serialize for SourceSpec {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for SourceSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

fn is_slug(s: &str, extra: &[u8]) -> bool {
    !s.is_empty() && s.len() <= 200 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || extra.contains(&b))
}

impl SourceSpec {
    /// A spec from its parts, checking the key's shape for the kind.
    pub fn new(kind: SourceKind, key: &str) -> Result<SourceSpec, String> {
        let key = key.trim();
        let ok = match kind {
            SourceKind::Greenhouse | SourceKind::Workable | SourceKind::SmartRecruiters | SourceKind::Rippling => is_slug(key, b""),
            SourceKind::Lever => is_slug(key, b"."),
            SourceKind::Ashby => is_slug(key, b".%"),
            SourceKind::Workday => {
                let parts: Vec<&str> = key.split('/').collect();
                parts.len() == 3
                    && is_slug(parts[0], b"")
                    && parts[1].strip_prefix("wd").is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
                    && is_slug(parts[2], b"")
            }
            SourceKind::Sitemap | SourceKind::Feed => url::Url::parse(key).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some()),
        };
        if !ok {
            return Err(format!("{}:{key:?}: the key must be {}", kind.name(), kind.key_shape()));
        }
        Ok(SourceSpec { kind, key: key.to_string() })
    }

    /// Reads a board URL as people copy it from a browser or a list: the board pages and the
    /// public API endpoints of each system, with or without a scheme, a trailing slash, a query,
    /// a locale or a posting after the board. A URL of another host is an error naming it; a
    /// Workday URL with a locale but no career site is an error (the site cannot be guessed).
    pub fn from_board_url(input: &str) -> Result<SourceSpec, String> {
        let raw = input.trim();
        let with_scheme = if raw.contains("://") { raw.to_string() } else { format!("https://{raw}") };
        let url = url::Url::parse(&with_scheme).map_err(|e| format!("{raw:?} is not a URL: {e}"))?;
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        let segs: Vec<String> = url.path_segments().map(|s| s.filter(|p| !p.is_empty()).map(|p| p.to_string()).collect()).unwrap_or_default();
        let seg = |i: usize| segs.get(i).map(String::as_str);
        let missing = |what: &str| format!("{raw:?}: no {what} in the URL");
        let (kind, key): (SourceKind, String) = match host.as_str() {
            // job-boards.greenhouse.io/acme, boards.greenhouse.io/acme/jobs/123,
            // job-boards.eu.greenhouse.io/acme, boards-api.greenhouse.io/v1/boards/acme/jobs,
            // boards.greenhouse.io/embed/job_board?for=acme
            h if h.ends_with("greenhouse.io") => {
                let token = if h.starts_with("boards-api.") {
                    (seg(0) == Some("v1") && seg(1) == Some("boards")).then(|| seg(2)).flatten().map(str::to_string)
                } else if seg(0) == Some("embed") {
                    url.query_pairs().find(|(k, _)| k == "for").map(|(_, v)| v.into_owned())
                } else {
                    seg(0).map(str::to_string)
                };
                (SourceKind::Greenhouse, token.ok_or_else(|| missing("board token"))?)
            }
            // jobs.lever.co/acme[/id], jobs.eu.lever.co/acme, api.lever.co/v0/postings/acme
            h if h.ends_with("lever.co") => {
                let site = if h.starts_with("api.") { (seg(0) == Some("v0") && seg(1) == Some("postings")).then(|| seg(2)).flatten() } else { seg(0) };
                (SourceKind::Lever, site.ok_or_else(|| missing("site"))?.to_string())
            }
            // jobs.ashbyhq.com/acme[/id], api.ashbyhq.com/posting-api/job-board/acme
            h if h.ends_with("ashbyhq.com") => {
                let board =
                    if h.starts_with("api.") { (seg(0) == Some("posting-api") && seg(1) == Some("job-board")).then(|| seg(2)).flatten() } else { seg(0) };
                (SourceKind::Ashby, board.ok_or_else(|| missing("job board"))?.to_string())
            }
            // apply.workable.com/acme[/j/ID], acme.workable.com, apply.workable.com/api/v1/widget/accounts/acme
            h if h.ends_with("workable.com") => {
                let slug = match h.strip_suffix(".workable.com") {
                    Some(sub) if !matches!(sub, "apply" | "www" | "jobs") => Some(sub.to_string()),
                    _ if seg(0) == Some("api") => segs.iter().position(|s| s == "accounts").and_then(|i| segs.get(i + 1)).cloned(),
                    _ => seg(0).map(str::to_string),
                };
                (SourceKind::Workable, slug.ok_or_else(|| missing("account"))?)
            }
            // jobs.smartrecruiters.com/Acme[/posting], careers.smartrecruiters.com/Acme,
            // api.smartrecruiters.com/v1/companies/acme/postings
            h if h.ends_with("smartrecruiters.com") => {
                let company = if h.starts_with("api.") { (seg(0) == Some("v1") && seg(1) == Some("companies")).then(|| seg(2)).flatten() } else { seg(0) };
                (SourceKind::SmartRecruiters, company.ok_or_else(|| missing("company"))?.to_string())
            }
            // acme.wd5.myworkdayjobs.com/[en-US/]External[/job/…],
            // acme.wd5.myworkdayjobs.com/wday/cxs/acme/External/jobs
            h if h.ends_with(".myworkdayjobs.com") => {
                let mut labels = h.split('.');
                let (tenant, dc) = (labels.next().unwrap_or_default(), labels.next().unwrap_or_default());
                let site = if seg(0) == Some("wday") && seg(1) == Some("cxs") {
                    seg(3)
                } else {
                    // A locale first ("en-US", "fr-FR", "en") is not the site.
                    let is_locale = |s: &str| {
                        let b = s.as_bytes();
                        (b.len() == 2 && s.bytes().all(|c| c.is_ascii_alphabetic()))
                            || (b.len() == 5
                                && b[2] == b'-'
                                && s[..2].bytes().all(|c| c.is_ascii_alphabetic())
                                && s[3..].bytes().all(|c| c.is_ascii_alphabetic()))
                    };
                    segs.iter().map(String::as_str).find(|s| !is_locale(s))
                };
                let site = site.filter(|s| !matches!(*s, "job" | "details" | "login")).ok_or_else(|| missing("career site (only a locale)"))?;
                (SourceKind::Workday, format!("{tenant}/{dc}/{site}"))
            }
            // ats.rippling.com/acme/jobs[/id], ats.rippling.com/en-GB/acme/jobs
            h if h.ends_with("rippling.com") => {
                let slug = segs.iter().map(String::as_str).find(|s| !(s.len() == 5 && s.as_bytes()[2] == b'-'));
                (SourceKind::Rippling, slug.ok_or_else(|| missing("board"))?.to_string())
            }
            "" => return Err(format!("{raw:?} has no host")),
            other => return Err(format!("{raw:?}: {other} is not a known job-board host (use sitemap:URL or feed:URL for a career site)")),
        };
        SourceSpec::new(kind, &key).map_err(|e| format!("{raw:?}: {e}"))
    }

    /// Reads a spec (`kind:key`) or, when the text is not one, a board URL.
    pub fn parse_or_url(input: &str) -> Result<SourceSpec, String> {
        let s = input.trim();
        match s.split_once(':') {
            Some((kind, key)) if !key.starts_with("//") => SourceSpec::new(kind.parse()?, key),
            Some((kind, key)) if matches!(kind.to_ascii_lowercase().as_str(), "sitemap" | "feed") => SourceSpec::new(kind.parse()?, key),
            _ => SourceSpec::from_board_url(s),
        }
    }
}

impl FromStr for SourceSpec {
    type Err = String;

    /// `kind:key` (`greenhouse:acme`, `feed:https://example.com/jobs.rss`).
    fn from_str(s: &str) -> Result<Self, String> {
        let (kind, key) = s.trim().split_once(':').ok_or_else(|| format!("{s:?}: a source is kind:key, e.g. greenhouse:acme"))?;
        SourceSpec::new(kind.parse()?, key)
    }
}

/// A row of a board list (`name,url`) that could not be read, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BoardListError {
    /// Line number in the file (1 = the header).
    pub line: u64,
    /// The column that was wrong.
    pub field: String,
    /// Its value.
    pub value: String,
    /// Why.
    pub reason: String,
}

/// A board read from a list: its spec and the name given for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListedBoard {
    /// The board.
    pub spec: SourceSpec,
    /// The company name in the list, if any.
    pub name: Option<String>,
}

/// Reads a board list: CSV with a header naming a `url` column (and optionally `name`; a
/// `spec` column is read as specs). Every good row is kept; every bad one is reported with its
/// line, column and value. An unreadable file or a header without a url/spec column is an error.
pub fn read_board_list(csv_text: &str) -> Result<(Vec<ListedBoard>, Vec<BoardListError>), String> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(csv_text.as_bytes());
    let headers = reader.headers().map_err(|e| format!("header: {e}"))?.clone();
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (url_col, spec_col, name_col) = (col("url"), col("spec"), col("name"));
    if url_col.is_none() && spec_col.is_none() {
        return Err(format!("header {:?}: no `url` or `spec` column", headers.iter().collect::<Vec<_>>()));
    }
    let (mut boards, mut errors) = (Vec::new(), Vec::new());
    for (i, record) in reader.records().enumerate() {
        let line = i as u64 + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(BoardListError { line, field: "row".into(), value: String::new(), reason: e.to_string() });
                continue;
            }
        };
        let (field, value) = match (spec_col.and_then(|c| record.get(c)).filter(|v| !v.is_empty()), url_col.and_then(|c| record.get(c))) {
            (Some(spec), _) => ("spec", spec),
            (None, Some(url)) => ("url", url),
            (None, None) => ("url", ""),
        };
        if value.is_empty() {
            errors.push(BoardListError { line, field: field.into(), value: String::new(), reason: "empty".into() });
            continue;
        }
        let parsed = if field == "spec" { value.parse::<SourceSpec>() } else { SourceSpec::from_board_url(value) };
        match parsed {
            Ok(spec) => {
                let name = name_col.and_then(|c| record.get(c)).filter(|n| !n.is_empty()).map(str::to_string);
                boards.push(ListedBoard { spec, name });
            }
            Err(reason) => errors.push(BoardListError { line, field: field.into(), value: value.to_string(), reason }),
        }
    }
    Ok((boards, errors))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(url: &str) -> String {
        SourceSpec::from_board_url(url).unwrap_or_else(|e| panic!("{url}: {e}")).to_string()
    }

    #[test]
    fn board_urls_of_every_system_become_specs() {
        for (url, expected) in [
            ("https://job-boards.greenhouse.io/10alabs", "greenhouse:10alabs"),
            ("https://boards.greenhouse.io/acme/jobs/4012345?gh_src=x", "greenhouse:acme"),
            ("job-boards.eu.greenhouse.io/acme/", "greenhouse:acme"),
            ("https://boards-api.greenhouse.io/v1/boards/acme/jobs?content=true", "greenhouse:acme"),
            ("https://boards.greenhouse.io/embed/job_board?for=acme", "greenhouse:acme"),
            ("https://jobs.lever.co/100ms", "lever:100ms"),
            ("https://jobs.eu.lever.co/acme/6f1c2b7e-1111", "lever:acme"),
            ("https://api.lever.co/v0/postings/acme?mode=json", "lever:acme"),
            ("https://jobs.ashbyhq.com/01c", "ashby:01c"),
            ("https://api.ashbyhq.com/posting-api/job-board/acme?includeCompensation=true", "ashby:acme"),
            ("https://apply.workable.com/-our-home", "workable:-our-home"),
            ("https://apply.workable.com/acme/j/ABC123/", "workable:acme"),
            ("https://acme.workable.com", "workable:acme"),
            ("https://jobs.smartrecruiters.com/WSHGroup/744000091624446-bartender", "smartrecruiters:WSHGroup"),
            ("https://api.smartrecruiters.com/v1/companies/acme/postings", "smartrecruiters:acme"),
            ("https://3m.wd1.myworkdayjobs.com/search", "workday:3m/wd1/search"),
            ("https://acme.wd5.myworkdayjobs.com/en-US/External/job/Remote/ML-Engineer_R123", "workday:acme/wd5/External"),
            ("https://acme.wd5.myworkdayjobs.com/wday/cxs/acme/External/jobs", "workday:acme/wd5/External"),
            ("https://ats.rippling.com/15-lightyears-careers/jobs", "rippling:15-lightyears-careers"),
            ("https://ats.rippling.com/en-GB/acme/jobs/123", "rippling:acme"),
        ] {
            assert_eq!(spec(url), expected, "{url}");
        }
    }

    #[test]
    fn urls_that_name_no_board_are_errors_that_say_why() {
        let err = |u: &str| SourceSpec::from_board_url(u).unwrap_err();
        assert!(err("https://3m.wd1.myworkdayjobs.com/en-us").contains("career site"), "{}", err("https://3m.wd1.myworkdayjobs.com/en-us"));
        assert!(err("https://jobs.lever.co/").contains("no site"));
        assert!(err("https://jobs.gem.com/11x-ai").contains("jobs.gem.com is not a known job-board host"));
        assert!(err("https://boards.greenhouse.io/acme%20corp").contains("board token"));
        assert!(err("not a url at all").contains("not a URL") || err("not a url at all").contains("not a known"));
    }

    #[test]
    fn specs_round_trip_and_keys_are_checked() {
        for s in ["greenhouse:acme", "workday:acme/wd12/Careers_Site", "sitemap:https://careers.example.com/sitemap.xml", "feed:https://example.com/jobs.rss"] {
            assert_eq!(s.parse::<SourceSpec>().unwrap().to_string(), s);
            assert_eq!(SourceSpec::parse_or_url(s).unwrap().to_string(), s);
        }
        assert_eq!(SourceSpec::parse_or_url("https://jobs.lever.co/acme").unwrap().to_string(), "lever:acme");
        assert!("greenhouse:".parse::<SourceSpec>().unwrap_err().contains("board token"));
        assert!("workday:acme/External".parse::<SourceSpec>().unwrap_err().contains("tenant/data-centre/site"));
        assert!("monster:acme".parse::<SourceSpec>().unwrap_err().contains("unknown source kind"));
        assert!("sitemap:ftp://example.com/s.xml".parse::<SourceSpec>().unwrap_err().contains("http(s) URL"));
        assert_eq!(serde_json::to_string(&"lever:acme".parse::<SourceSpec>().unwrap()).unwrap(), "\"lever:acme\"");
    }

    #[test]
    fn a_board_list_keeps_good_rows_and_names_bad_ones() {
        let csv =
            "name,url\nAcme,https://jobs.lever.co/acme\nBad,https://3m.wd1.myworkdayjobs.com/en-us\nEmpty,\n\"Quoted, Inc\",https://jobs.ashbyhq.com/quoted\n";
        let (boards, errors) = read_board_list(csv).unwrap();
        assert_eq!(boards.iter().map(|b| b.spec.to_string()).collect::<Vec<_>>(), ["lever:acme", "ashby:quoted"]);
        assert_eq!(boards[1].name.as_deref(), Some("Quoted, Inc"));
        assert_eq!(errors.len(), 2);
        assert_eq!((errors[0].line, errors[0].field.as_str(), errors[0].value.as_str()), (3, "url", "https://3m.wd1.myworkdayjobs.com/en-us"));
        assert_eq!((errors[1].line, errors[1].reason.as_str()), (4, "empty"));
        assert!(read_board_list("company,link\nA,b\n").unwrap_err().contains("no `url` or `spec` column"));
    }
}
