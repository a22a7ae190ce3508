//! Feeds of a search (issue 17 item 4): `/jobs.atom` and `/jobs.feed.json` in process, checked
//! against the Atom rules (RFC 4287: the feed's and each entry's id, title and updated; an author;
//! RFC 3339 dates) and read back by a feed reader (feed-rs), hostile postings included.

use std::sync::LazyLock;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

mod common;
use common::TestApp;

static APP: LazyLock<TestApp> = LazyLock::new(|| {
    let mut files = common::FIXTURES.to_vec();
    files.push("web/xss-postings.jsonl");
    common::build(&files)
});

async fn fetch(uri: &str, host: &str) -> (StatusCode, String, String) {
    let r = APP.router.clone().oneshot(Request::builder().uri(uri).header(header::HOST, host).body(Body::empty()).unwrap()).await.unwrap();
    let status = r.status();
    let ct = r.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    (status, ct, String::from_utf8(r.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap())
}

/// The text of every `<tag>…</tag>` directly in `xml` (no nesting of the same tag in Atom).
fn all<'a>(xml: &'a str, tag: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    xml.match_indices(&open).filter_map(|(i, _)| xml[i + open.len()..].find(&close).map(|j| &xml[i + open.len()..i + open.len() + j])).collect()
}

#[tokio::test]
async fn a_search_has_a_valid_atom_feed_newest_first_with_stable_ids() {
    let (status, ct, xml) = fetch("/jobs.atom?q=machine+learning&utm_source=newsletter&page=3", "jobs.example:8080").await;
    assert_eq!(status, StatusCode::OK, "{xml}");
    assert!(ct.starts_with("application/atom+xml"), "{ct}");

    // A feed reader reads it.
    let feed = feed_rs::parser::parse(xml.as_bytes()).expect("feed-rs parses the Atom");
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom);
    assert!(!feed.entries.is_empty() && feed.entries.len() <= 50, "{}", feed.entries.len());
    assert!(feed.id.starts_with("urn:mljobs:search:"), "{}", feed.id);
    assert!(feed.title.as_ref().unwrap().content.contains("machine learning"), "{:?}", feed.title);
    assert!(feed.links.iter().any(|l| l.rel.as_deref() == Some("self") && l.href.starts_with("http://jobs.example:8080/jobs.atom?q=machine+learning")));
    assert!(feed.links.iter().all(|l| !l.href.contains("utm_source") && !l.href.contains("page=")), "tracking and paging are not the search");

    // RFC 4287: the feed has id, title, updated and an author; so has every entry (id, title,
    // updated) — the feed's author covers entries without their own.
    let head = &xml[..xml.find("<entry>").unwrap()];
    for tag in ["id", "title", "updated"] {
        assert_eq!(all(head, tag).len(), 1, "feed <{tag}>");
    }
    assert!(head.contains("<author><name>"));
    let entries: Vec<&str> = xml.split("<entry>").skip(1).collect();
    assert_eq!(entries.len(), feed.entries.len());
    for e in &entries {
        for tag in ["id", "title", "updated"] {
            assert_eq!(all(e, tag).len(), 1, "entry <{tag}> in {e}");
        }
        let updated = all(e, "updated")[0];
        assert!(chrono::DateTime::parse_from_rfc3339(updated).is_ok(), "{updated}");
    }

    // Newest first, unique ids that name the posting, links to the job pages.
    let dates: Vec<_> = feed.entries.iter().map(|e| e.updated.unwrap()).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    let ids: std::collections::BTreeSet<&str> = feed.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), feed.entries.len());
    for e in &feed.entries {
        let posting = e.id.strip_prefix("urn:mljobs:job:").expect("urn:mljobs:job:<id>");
        assert_eq!(e.links[0].href, format!("http://jobs.example:8080/jobs/{posting}"));
        let (status, _, _) = fetch(&format!("/jobs/{posting}"), "jobs.example:8080").await;
        assert_eq!(status, StatusCode::OK);
        assert!(e.summary.as_ref().is_some_and(|s| !s.content.is_empty()));
    }

    // The same search is the same feed, from another host and with its parameters in another order.
    let (_, _, again) = fetch("/jobs.atom?q=machine+learning", "localhost").await;
    let again = feed_rs::parser::parse(again.as_bytes()).unwrap();
    assert_eq!(again.id, feed.id);
    assert_eq!(again.entries.iter().map(|e| &e.id).collect::<Vec<_>>(), feed.entries.iter().map(|e| &e.id).collect::<Vec<_>>());
    let (_, _, a) = fetch("/jobs.atom?q=python&remote=true", "localhost").await;
    let (_, _, b) = fetch("/jobs.atom?remote=true&q=python", "localhost").await;
    assert_eq!(feed_rs::parser::parse(a.as_bytes()).unwrap().id, feed_rs::parser::parse(b.as_bytes()).unwrap().id);
    assert_ne!(feed_rs::parser::parse(a.as_bytes()).unwrap().id, feed.id);
}

#[tokio::test]
async fn filters_apply_and_hostile_postings_stay_text() {
    // Only the role asked for.
    let (status, _, xml) = fetch("/jobs.atom?role=data-scientist", "localhost").await;
    assert_eq!(status, StatusCode::OK);
    let feed = feed_rs::parser::parse(xml.as_bytes()).unwrap();
    assert!(!feed.entries.is_empty());
    for e in &feed.entries {
        assert!(e.categories.iter().any(|c| c.term == "Data Scientist"), "{:?}", e.categories);
    }
    // A posting whose title and company hold markup: escaped, so the feed parses and says it as text.
    let (_, _, xml) = fetch("/jobs.atom?q=xsscanary", "localhost").await;
    assert!(!xml.contains("<script>") && !xml.contains("<b onmouseover"), "{xml}");
    let feed = feed_rs::parser::parse(xml.as_bytes()).expect("hostile text does not break the XML");
    assert!(feed.entries.iter().any(|e| e.title.as_ref().unwrap().content.contains("<script>")), "the title is shown as written, as text");
}

#[tokio::test]
async fn the_json_feed_has_the_same_entries_and_bad_parameters_are_refused() {
    let (status, ct, atom) = fetch("/jobs.atom?q=python", "localhost").await;
    assert_eq!(status, StatusCode::OK);
    let (status, ct_json, json) = fetch("/jobs.feed.json?q=python", "localhost").await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert!(ct.starts_with("application/atom+xml") && ct_json.starts_with("application/feed+json"));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(v["feed_url"], "http://localhost/jobs.feed.json?q=python");
    let items = v["items"].as_array().unwrap();
    let atom = feed_rs::parser::parse(atom.as_bytes()).unwrap();
    assert_eq!(items.iter().map(|i| i["id"].as_str().unwrap()).collect::<Vec<_>>(), atom.entries.iter().map(|e| e.id.as_str()).collect::<Vec<_>>());
    for i in items {
        for key in ["id", "url", "title", "date_published"] {
            assert!(i[key].as_str().is_some_and(|s| !s.is_empty()), "{key} in {i}");
        }
    }
    // feed-rs reads JSON Feed too.
    assert_eq!(feed_rs::parser::parse(json.as_bytes()).unwrap().entries.len(), items.len());

    // The search page links its feeds (for readers that discover them, and for people).
    let (_, _, html) = fetch("/jobs?q=python&page=2&sort=salary&utm_source=x", "localhost").await;
    assert!(html.contains(r#"<link rel="alternate" type="application/atom+xml" title="This search (Atom)" href="/jobs.atom?q=python">"#), "{html}");
    assert!(html.contains(r#"href="/jobs.feed.json?q=python""#));

    let (status, _, body) = fetch("/jobs.atom?salary_min=lots", "localhost").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("salary_min"), "{body}");
}
