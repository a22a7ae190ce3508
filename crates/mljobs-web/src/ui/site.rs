//! What crawlers and browsers ask a site for besides its pages: `/robots.txt`, `/sitemap.xml`
//! (the site's pages and every canonical job page) and the favicon.

use super::*;

/// Job pages a sitemap lists at most (the sitemap protocol's limit per file is 50,000 URLs).
const SITEMAP_JOBS: usize = 45_000;

/// `scheme://host` of the request, for the absolute URLs robots.txt and sitemaps need. A `Host`
/// header that is not a plain host name (and port) is not echoed: `localhost` stands in.
pub(super) fn origin(headers: &axum::http::HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| !h.is_empty() && h.len() <= 255 && h.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b)))
        .unwrap_or("localhost");
    let https = headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()).is_some_and(|p| p.eq_ignore_ascii_case("https"));
    format!("{}://{host}", if https { "https" } else { "http" })
}

pub(super) async fn robots(headers: axum::http::HeaderMap) -> Response {
    let body = format!("User-agent: *\nAllow: /\nDisallow: /api/\nDisallow: /jobs?\n\nSitemap: {}/sitemap.xml\n", origin(&headers));
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], body).into_response()
}

/// The sitemap is built once per index generation and origin (45,000 job pages take ~0.7 s to
/// read and write on a 100k-posting store) and kept in the answer cache.
pub(super) async fn sitemap(State(s): St, headers: axum::http::HeaderMap) -> Response {
    let base = origin(&headers);
    let key = format!("sitemap:{base}");
    let generation = s.index.generation();
    let xml = match s.cache.get(&key, generation) {
        Some(xml) => xml,
        None => match sitemap_xml(&s, &base) {
            Ok(xml) => {
                let bytes = axum::body::Bytes::from(xml);
                s.cache.put(&key, generation, bytes.clone());
                bytes
            }
            Err(e) => return error_page(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
        },
    };
    ([(header::CONTENT_TYPE, "application/xml; charset=utf-8")], xml).into_response()
}

fn sitemap_xml(s: &crate::AppState, base: &str) -> Result<String, mljobs_store::StoreError> {
    let pages = s.store().canonical_pages(SITEMAP_JOBS)?;
    let mut xml = String::with_capacity(200 + pages.len() * 110);
    xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    let mut url = |path: &str, lastmod: Option<&str>| {
        xml.push_str(&format!("<url><loc>{base}{path}</loc>"));
        if let Some(d) = lastmod.filter(|d| d.len() == 10 && d.bytes().all(|b| b.is_ascii_digit() || b == b'-')) {
            xml.push_str(&format!("<lastmod>{d}</lastmod>"));
        }
        xml.push_str("</url>\n");
    };
    for path in ["/", "/jobs", "/roles", "/salaries", "/skills", "/about"] {
        url(path, None);
    }
    for r in &s.taxonomy.roles {
        url(&format!("/roles/{}", r.id), None);
    }
    for (id, day) in &pages {
        url(&format!("/jobs/{id}"), Some(day));
    }
    xml.push_str("</urlset>\n");
    Ok(xml)
}

pub(super) async fn favicon() -> Response {
    ([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "public, max-age=86400")], include_str!("../../static/favicon.svg")).into_response()
}
