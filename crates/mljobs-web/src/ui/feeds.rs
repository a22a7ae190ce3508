//! Feeds of a search (issue 17 item 4): `/jobs.atom` (Atom, RFC 4287) and `/jobs.feed.json`
//! (JSON Feed 1.1) take the parameters of `/jobs` (and of `GET /api/v1/jobs`) and give the search's
//! 50 newest open postings, newest first, so a feed reader follows a saved search.
//!
//! Decisions: "newest" is the date posted, else the day mljobs first saw the posting (the entry's
//! `updated`); paging, sorting, facet and highlight parameters are ignored; tracking parameters are
//! dropped as on `/jobs`; a parameter with a bad value is a 400 naming it. An entry's id is
//! `urn:mljobs:job:<posting id>` and never changes; the feed's id is a hash of the search's
//! parameters in a canonical order, so the same search has the same id on every host. Each entry
//! links to the job's page and summarises the description (the first 400 characters, plain text).

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::St;
use super::state::UrlState;
use crate::search::search_jobs;
use crate::{ApiError, AppState};

/// Entries in a feed.
const ENTRIES: usize = 50;
/// Characters of the description in an entry's summary.
const SUMMARY_CHARS: usize = 400;

/// A feed of one search, as both formats write it.
struct Feed {
    id: String,
    title: String,
    self_atom: String,
    self_json: String,
    html: String,
    updated: String,
    entries: Vec<Entry>,
}

struct Entry {
    id: String,
    url: String,
    title: String,
    summary: String,
    updated: String,
    published: Option<String>,
    company: Option<String>,
    tags: Vec<String>,
}

/// `GET /jobs.atom?…`.
pub(super) async fn atom(State(s): St, RawQuery(q): RawQuery, headers: HeaderMap) -> Response {
    match feed(&s, q.as_deref(), &super::site::origin(&headers)) {
        Ok(f) => ([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")], atom_xml(&f)).into_response(),
        Err(e) => bad_request(e),
    }
}

/// `GET /jobs.feed.json?…`.
pub(super) async fn json_feed(State(s): St, RawQuery(q): RawQuery, headers: HeaderMap) -> Response {
    match feed(&s, q.as_deref(), &super::site::origin(&headers)) {
        Ok(f) => {
            ([(header::CONTENT_TYPE, "application/feed+json; charset=utf-8")], serde_json::to_string_pretty(&json_doc(&f)).unwrap_or_default()).into_response()
        }
        Err(e) => bad_request(e),
    }
}

fn bad_request(e: ApiError) -> Response {
    (e.status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], format!("{}\n", e.message)).into_response()
}

/// The search's feed: its newest postings and what names it.
fn feed(s: &AppState, q: Option<&str>, base: &str) -> Result<Feed, ApiError> {
    let state = UrlState::parse(q).only(crate::params::is_search_param).without_all(&crate::params::ANSWER_PARAMS);
    let search = state.with("sort", "date").with("per_page", &ENTRIES.to_string());
    let answer = search_jobs(s, Some(&search.query()))?;
    let store = s.store();
    let labels = super::Labels(&s.taxonomy);
    let mut entries = Vec::with_capacity(answer.hits.len());
    for h in &answer.hits {
        let description = store.description(&h.id).map_err(|e| ApiError::internal(&e))?.unwrap_or_default();
        let day = h.date_posted.clone().unwrap_or_else(|| h.first_seen.clone());
        let place = [h.city.as_deref(), h.country.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(", ");
        let mut title = h.title.clone();
        if let Some(c) = &h.company {
            title.push_str(&format!(" — {c}"));
        }
        if !place.is_empty() {
            title.push_str(&format!(" ({place})"));
        }
        let mut tags = vec![labels.facet("role", &h.role)];
        tags.extend(h.seniority.as_deref().map(|l| labels.facet("seniority", l)));
        tags.extend(h.work_mode.as_deref().map(|m| labels.facet("work_mode", m)));
        entries.push(Entry {
            id: format!("urn:mljobs:job:{}", h.id),
            url: format!("{base}/jobs/{}", h.id),
            title,
            summary: summary(&description),
            updated: format!("{day}T00:00:00Z"),
            published: h.date_posted.as_ref().map(|d| format!("{d}T00:00:00Z")),
            company: h.company.clone(),
            tags,
        });
    }
    // Newest first by the entry's own date (the index orders by date posted; undated postings last).
    entries.sort_by(|a, b| b.updated.cmp(&a.updated));
    let updated = entries.first().map_or_else(|| format!("{}T00:00:00Z", chrono::Utc::now().date_naive()), |e| e.updated.clone());
    let mut canonical: Vec<(String, String)> = state.pairs().to_vec();
    canonical.sort();
    let key = canonical.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&");
    let described: Vec<String> = canonical
        .iter()
        .map(|(k, v)| match k.as_str() {
            "q" => format!("“{v}”"),
            "company" => v.clone(),
            facet if mljobs_core::taxonomy::FACETS.contains(&facet) => v.split(',').map(|x| labels.facet(facet, x.trim())).collect::<Vec<_>>().join(" or "),
            other => format!("{other}: {v}"),
        })
        .collect();
    Ok(Feed {
        id: format!("urn:mljobs:search:{:016x}", fnv1a(key.as_bytes())),
        title: if described.is_empty() { "mljobs — newest jobs".into() } else { format!("mljobs — {}", described.join(", ")) },
        self_atom: format!("{base}{}", state.href("/jobs.atom")),
        self_json: format!("{base}{}", state.href("/jobs.feed.json")),
        html: format!("{base}{}", state.href("/jobs")),
        updated,
        entries,
    })
}

/// 64-bit FNV-1a: a stable hash (the standard library's is seeded per process).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// The first characters of a description as one plain line.
fn summary(description: &str) -> String {
    let flat = description.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(SUMMARY_CHARS) {
        Some((cut, _)) => format!("{}…", flat[..cut].trim_end()),
        None => flat,
    }
}

/// Text for XML: escaped, and without the characters XML 1.0 forbids (control characters a
/// scraped description may carry).
fn xml(s: &str) -> String {
    let clean: String = s.chars().filter(|&c| matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{fffe}' && c != '\u{ffff}')).collect();
    html_escape::encode_double_quoted_attribute(&clean).into_owned()
}

fn atom_xml(f: &Feed) -> String {
    let mut x = String::with_capacity(1024 + f.entries.len() * 900);
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    x.push_str(&format!("  <id>{}</id>\n  <title>{}</title>\n  <updated>{}</updated>\n", xml(&f.id), xml(&f.title), f.updated));
    x.push_str(&format!("  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n", xml(&f.self_atom)));
    x.push_str(&format!("  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n", xml(&f.html)));
    x.push_str("  <author><name>mljobs</name></author>\n  <generator>mljobs</generator>\n");
    for e in &f.entries {
        x.push_str("  <entry>\n");
        x.push_str(&format!("    <id>{}</id>\n    <title>{}</title>\n    <updated>{}</updated>\n", xml(&e.id), xml(&e.title), e.updated));
        if let Some(p) = &e.published {
            x.push_str(&format!("    <published>{p}</published>\n"));
        }
        x.push_str(&format!("    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n", xml(&e.url)));
        if let Some(c) = &e.company {
            x.push_str(&format!("    <author><name>{}</name></author>\n", xml(c)));
        }
        for t in &e.tags {
            x.push_str(&format!("    <category term=\"{}\"/>\n", xml(t)));
        }
        x.push_str(&format!("    <summary type=\"text\">{}</summary>\n", xml(&e.summary)));
        x.push_str("  </entry>\n");
    }
    x.push_str("</feed>\n");
    x
}

#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: &'a str,
    feed_url: &'a str,
    items: Vec<JsonItem<'a>>,
}

#[derive(Serialize)]
struct JsonItem<'a> {
    id: &'a str,
    url: &'a str,
    title: &'a str,
    summary: &'a str,
    content_text: &'a str,
    date_published: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<JsonAuthor<'a>>,
    tags: &'a [String],
}

#[derive(Serialize)]
struct JsonAuthor<'a> {
    name: &'a str,
}

fn json_doc(f: &Feed) -> JsonFeed<'_> {
    JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: &f.title,
        home_page_url: &f.html,
        feed_url: &f.self_json,
        items: f
            .entries
            .iter()
            .map(|e| JsonItem {
                id: &e.id,
                url: &e.url,
                title: &e.title,
                summary: &e.summary,
                content_text: &e.summary,
                date_published: e.published.as_deref().unwrap_or(&e.updated),
                authors: e.company.iter().map(|c| JsonAuthor { name: c }).collect(),
                tags: &e.tags,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_is_escaped_and_stripped_of_forbidden_characters() {
        assert_eq!(xml("R&D <team> \"quoted\"\u{0}\u{8}ok"), "R&amp;D &lt;team&gt; &quot;quoted&quot;ok");
    }

    #[test]
    fn a_summary_is_the_start_of_the_description_on_one_line() {
        assert_eq!(summary("We build\n\n  models."), "We build models.");
        let long = "word ".repeat(200);
        let s = summary(&long);
        assert!(s.ends_with('…') && s.chars().count() <= SUMMARY_CHARS + 1, "{s}");
    }

    #[test]
    fn the_feed_id_hash_is_stable() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"q=pytorch"), fnv1a(b"q=pytorch"));
        assert_ne!(fnv1a(b"q=pytorch"), fnv1a(b"q=pytorc"));
    }
}
