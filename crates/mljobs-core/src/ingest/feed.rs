//! RSS (0.9x, 1.0, 2.0), Atom and JSON Feed job feeds, read by `feed-rs` into one model: each
//! item or entry is a posting — its id (RSS `guid`, Atom `id`; `feed-rs` derives a stable one
//! from the link and title when there is none), title, link, content or summary, and date. The
//! employer is the source's name (`--company`, or the name a board list gives): a feed's title
//! ("Acme — open positions") is not a company name.

use super::{DecodeOptions, Item, Rejection};
use crate::posting::{RawPosting, RecordRef};

/// Decodes a feed document.
pub(crate) fn decode(text: &str, file: &str, options: &DecodeOptions) -> Vec<Item> {
    let feed = match feed_rs::parser::parse(text.trim_start_matches('\u{feff}').as_bytes()) {
        Ok(f) => f,
        Err(e) => {
            return vec![Err(Rejection {
                record: RecordRef { file: file.into(), line: None, record: 0 },
                reason: format!("not an RSS, Atom or JSON feed: {e}"),
            })];
        }
    };
    feed.entries
        .into_iter()
        .enumerate()
        .map(|(i, entry)| {
            let record = RecordRef { file: file.into(), line: None, record: i as u64 + 1 };
            let description = entry.content.and_then(|c| c.body).or_else(|| entry.summary.map(|s| s.content)).filter(|d| !d.trim().is_empty());
            let url = entry.links.iter().find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate")).or(entry.links.first()).map(|l| l.href.clone());
            let date = entry.published.or(entry.updated).map(|d| d.to_rfc3339());
            Ok(RawPosting {
                source: "feed".into(),
                source_id: Some(entry.id).filter(|id| !id.trim().is_empty()),
                url,
                title: entry.title.map(|t| t.content).filter(|t| !t.trim().is_empty()),
                description,
                company: options.company.clone(),
                date_posted: date,
                record,
                ..Default::default()
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rss_and_atom_items_are_postings_and_a_non_feed_is_one_rejection() {
        let rss = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Acme careers</title><link>https://acme.example/careers</link><description>Open roles</description>
<item><title>Machine Learning Engineer &#8211; Berlin</title><link>https://acme.example/jobs/42</link><guid isPermaLink="false">acme-42</guid>
<pubDate>Tue, 17 Mar 2026 09:00:00 +0100</pubDate><description><![CDATA[<p>Train ranking models in <b>PyTorch</b>. €80,000–€95,000 per year.</p>]]></description></item>
<item><title>Data Analyst</title><link>https://acme.example/jobs/43</link><description>SQL and dashboards.</description></item>
</channel></rss>"#;
        let options = DecodeOptions { company: Some("Acme".into()), ..DecodeOptions::default() };
        let items: Vec<RawPosting> = decode(rss, "acme.rss", &options).into_iter().map(Result::unwrap).collect();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].title.as_deref(), Some("Machine Learning Engineer – Berlin"));
        assert_eq!((items[0].source_id.as_deref(), items[0].url.as_deref()), (Some("acme-42"), Some("https://acme.example/jobs/42")));
        assert!(items[0].description.as_deref().unwrap().contains("<b>PyTorch</b>"));
        assert_eq!(items[0].date_posted.as_deref(), Some("2026-03-17T08:00:00+00:00"));
        assert_eq!(items[0].company.as_deref(), Some("Acme"));
        let again: Vec<Item> = decode(rss, "acme.rss", &options);
        assert_eq!(again[1].as_ref().unwrap().source_id, items[1].source_id, "an item without a guid keeps a stable id");
        assert!(items[1].source_id.is_some());

        let atom = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Jobs</title><id>urn:acme:jobs</id><updated>2026-03-20T10:00:00Z</updated>
<entry><title>MLOps Engineer</title><id>urn:acme:job:7</id><link rel="alternate" href="https://acme.example/jobs/7"/>
<updated>2026-03-20T10:00:00Z</updated><content type="html">&lt;p&gt;Kubernetes, MLflow, Python.&lt;/p&gt;</content></entry></feed>"#;
        let items = decode(atom, "acme.atom", &DecodeOptions::default());
        let p = items[0].as_ref().unwrap();
        assert_eq!(
            (p.source_id.as_deref(), p.title.as_deref(), p.url.as_deref()),
            (Some("urn:acme:job:7"), Some("MLOps Engineer"), Some("https://acme.example/jobs/7"))
        );
        assert!(p.description.as_deref().unwrap().contains("MLflow"));

        let html = decode("<html><body>We'll be right back</body></html>", "down.rss", &DecodeOptions::default());
        assert_eq!(html.len(), 1);
        let e = html[0].as_ref().unwrap_err();
        assert!(e.record.record == 0 && e.reason.starts_with("not an RSS, Atom or JSON feed"), "{e}");
    }
}
