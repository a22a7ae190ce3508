//! Sitemaps (sitemaps.org): a `<urlset>` of pages (`<loc>`, `<lastmod>`) or a `<sitemapindex>` of
//! further sitemaps. Read with quick-xml; entity and character references in `<loc>` resolved.

use quick_xml::events::Event;

/// What a sitemap document lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sitemap {
    /// `true` for a `<sitemapindex>` (its entries are sitemaps), `false` for a `<urlset>`.
    pub index: bool,
    /// `(loc, lastmod)` of each entry, in document order.
    pub entries: Vec<(String, Option<String>)>,
}

/// Parses a sitemap or sitemap index. An XML document of another kind, or not XML, is an error
/// that says so (an HTML error page must not read as an empty sitemap).
pub fn parse(xml: &str) -> Result<Sitemap, String> {
    let mut reader = quick_xml::Reader::from_str(xml.trim_start_matches('\u{feff}'));
    let mut out = Sitemap::default();
    let mut root: Option<String> = None;
    // The element whose text is being collected (`loc` or `lastmod`), and that text, escaped.
    let mut field: Option<&'static str> = None;
    let mut text = String::new();
    let (mut loc, mut lastmod): (Option<String>, Option<String>) = (None, None);
    loop {
        match reader.read_event().map_err(|e| format!("not XML: {e}"))? {
            Event::Start(e) => {
                let name = e.local_name().as_ref().to_ascii_lowercase();
                if root.is_none() {
                    if name != "urlset" && name != "sitemapindex" {
                        return Err(format!("not a sitemap: the document is <{name}>, not <urlset> or <sitemapindex>"));
                    }
                    out.index = name == "sitemapindex";
                    root = Some(name);
                    continue;
                }
                field = match name.as_str() {
                    "loc" => Some("loc"),
                    "lastmod" => Some("lastmod"),
                    _ => None,
                };
                text.clear();
            }
            Event::Text(t) if field.is_some() => text.push_str(&t.into_inner()),
            Event::GeneralRef(r) if field.is_some() => {
                text.push('&');
                text.push_str(&r);
                text.push(';');
            }
            Event::CData(c) if field.is_some() => text.push_str(&quick_xml::escape::escape(c.into_inner().as_ref())),
            Event::End(e) => {
                let name = e.local_name().as_ref().to_ascii_lowercase();
                if let Some(f) = field.take() {
                    let value = quick_xml::escape::unescape(text.trim()).map_or_else(|_| text.trim().to_string(), |v| v.into_owned());
                    if f == "loc" {
                        loc = Some(value);
                    } else {
                        lastmod = Some(value);
                    }
                } else if name == "url" || name == "sitemap" {
                    if let Some(l) = loc.take().filter(|l| !l.is_empty()) {
                        out.entries.push((l, lastmod.take()));
                    }
                    lastmod = None;
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if root.is_none() {
        return Err("not a sitemap: no <urlset> or <sitemapindex>".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urlsets_and_indexes_are_read_and_other_documents_are_errors() {
        let set = r#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://careers.acme.example/jobs/42-ml-engineer?src=sitemap&amp;lang=en</loc><lastmod>2026-03-20</lastmod></url>
  <url><loc><![CDATA[https://careers.acme.example/jobs/43?a=1&b=2]]></loc></url>
  <url><loc>https://careers.acme.example/about</loc><changefreq>monthly</changefreq></url>
</urlset>"#;
        let s = parse(set).unwrap();
        assert!(!s.index);
        assert_eq!(
            s.entries,
            [
                ("https://careers.acme.example/jobs/42-ml-engineer?src=sitemap&lang=en".to_string(), Some("2026-03-20".to_string())),
                ("https://careers.acme.example/jobs/43?a=1&b=2".to_string(), None),
                ("https://careers.acme.example/about".to_string(), None),
            ]
        );
        let index = r#"<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://acme.example/sitemap-jobs.xml</loc></sitemap></sitemapindex>"#;
        let s = parse(index).unwrap();
        assert!(s.index);
        assert_eq!(s.entries, [("https://acme.example/sitemap-jobs.xml".to_string(), None)]);
        assert!(parse("<html><body>Not found</body></html>").unwrap_err().contains("not a sitemap"));
        assert!(parse("{\"jobs\": []}").is_err());
    }
}
