//! The fetcher and the board connectors against a fake ATS on 127.0.0.1 that serves the systems'
//! real shapes (the recorded boards in `testdata/formats/`) and their faults on demand: a gone
//! board, 429 with Retry-After, 500s, a slow answer, a body over the cap, an HTML page with status
//! 200, a cut-off body, a redirect loop, conditional requests — and per-host politeness.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use mljobs_core::sources::SourceSpec;
use mljobs_crawl::connectors::BoardError;
use mljobs_crawl::{Bases, BoardFetch, FetchConfig, FetchErrorKind, Fetcher, Validators, fetch_board};

#[derive(Default)]
struct Fake {
    /// Requests per board token.
    hits: Mutex<HashMap<String, u32>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    starts: Mutex<Vec<Instant>>,
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/formats/").to_string() + name).unwrap()
}

async fn greenhouse(State(fake): State<Arc<Fake>>, Path(token): Path<String>, headers: HeaderMap) -> Response {
    let n = {
        let mut hits = fake.hits.lock().unwrap();
        let n = hits.entry(token.clone()).or_default();
        *n += 1;
        *n
    };
    let board = fixture("greenhouse.json");
    let json = |body: String| ([(header::CONTENT_TYPE, "application/json"), (header::ETAG, "\"v1\"")], body).into_response();
    match token.as_str() {
        "acme" if headers.get(header::IF_NONE_MATCH).is_some_and(|v| v == "\"v1\"") => StatusCode::NOT_MODIFIED.into_response(),
        "acme" => json(board),
        "gone" => (StatusCode::NOT_FOUND, "{\"status\":404,\"error\":\"Job board not found\"}").into_response(),
        "busy" if n == 1 => (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, "1")], "slow down").into_response(),
        "busy" => json(board),
        "flaky" if n <= 2 => (StatusCode::INTERNAL_SERVER_ERROR, "oops").into_response(),
        "flaky" => json(board),
        "down" => (StatusCode::SERVICE_UNAVAILABLE, "maintenance").into_response(),
        "patient" => (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, "3600")], "come back in an hour").into_response(),
        "slow" => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            json(board)
        }
        "huge" => json(format!("{{\"jobs\": [], \"padding\": \"{}\"}}", "x".repeat(3 << 20))),
        "html" => ([(header::CONTENT_TYPE, "text/html")], "<html><body><h1>We'll be right back</h1></body></html>").into_response(),
        "truncated" => json(board[..board.len() / 2].to_string()),
        "loop" => (StatusCode::FOUND, [(header::LOCATION, "/v1/boards/loop/jobs?content=true")]).into_response(),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

/// A SmartRecruiters company of 150 postings in pages of at most `limit` (100): `acme` whole;
/// `shifty` counts one more posting on its second page (the board changed mid-crawl); `broken`
/// fails its second page; posting 7 of every company has no detail (404).
async fn sr_list(
    State(fake): State<Arc<Fake>>,
    Path(company): Path<String>,
    axum::extract::Query(q): axum::extract::Query<HashMap<String, usize>>,
) -> Response {
    *fake.hits.lock().unwrap().entry(format!("sr-list-{company}")).or_default() += 1;
    let (offset, limit) = (q.get("offset").copied().unwrap_or(0), q.get("limit").copied().unwrap_or(10).min(100));
    if company == "broken" && offset > 0 {
        return (StatusCode::INTERNAL_SERVER_ERROR, "oops").into_response();
    }
    let total = if company == "shifty" && offset > 0 { 151 } else { 150 };
    let content: Vec<serde_json::Value> = (offset..(offset + limit).min(150))
        .map(|i| {
            serde_json::json!({
                "id": format!("7440000000{i:05}"), "name": format!("Machine Learning Engineer {i}"), "releasedDate": "2026-03-18T09:12:44.000Z",
                "company": {"identifier": company, "name": "Nordlicht Mobility"},
                "location": {"city": "Berlin", "country": "de", "remote": false}, "typeOfEmployment": {"label": "Full-time"},
            })
        })
        .collect();
    ([(header::CONTENT_TYPE, "application/json")], serde_json::json!({"offset": offset, "limit": limit, "totalFound": total, "content": content}).to_string())
        .into_response()
}

async fn sr_detail(State(fake): State<Arc<Fake>>, Path((company, id)): Path<(String, String)>) -> Response {
    *fake.hits.lock().unwrap().entry(format!("sr-detail-{company}")).or_default() += 1;
    if id.ends_with("00007") {
        return (StatusCode::NOT_FOUND, "{\"message\":\"posting not found\"}").into_response();
    }
    let i: usize = id[id.len() - 5..].parse().unwrap();
    let detail = serde_json::json!({
        "id": id, "name": format!("Machine Learning Engineer {i}"), "releasedDate": "2026-03-18T09:12:44.000Z",
        "company": {"identifier": company, "name": "Nordlicht Mobility"},
        "location": {"city": "Berlin", "country": "de", "remote": false, "fullLocation": "Berlin, Germany"},
        "typeOfEmployment": {"label": "Full-time"}, "experienceLevel": {"label": "Mid-Senior Level"},
        "postingUrl": format!("https://jobs.smartrecruiters.com/{company}/{id}-machine-learning-engineer"),
        "jobAd": {"sections": {
            "jobDescription": {"title": "Job Description", "text": format!("<p>Train forecasting models in PyTorch (team {i}).</p>")},
            "additionalInformation": {"title": "Additional Information", "text": "<p>Salary: €80,000 – €95,000 per year.</p>"}
        }}
    });
    ([(header::CONTENT_TYPE, "application/json")], detail.to_string()).into_response()
}

/// A Workday career site of 45 postings, 20 a page (POSTed search), `total` on the first page only
/// (as real sites do); `short` counts 50 but lists 45; the detail of posting 3 fails (500).
async fn wd_list(State(fake): State<Arc<Fake>>, Path((tenant, _site)): Path<(String, String)>, body: String) -> Response {
    *fake.hits.lock().unwrap().entry(format!("wd-list-{tenant}")).or_default() += 1;
    let q: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
    let (offset, limit) = (q["offset"].as_u64().unwrap_or(0) as usize, q["limit"].as_u64().unwrap_or(20) as usize);
    let postings: Vec<serde_json::Value> = (offset..(offset + limit).min(45))
        .map(|i| serde_json::json!({"title": format!("ML Engineer {i}"), "externalPath": format!("/job/Berlin/ML-Engineer-{i}_JR{i:04}"), "locationsText": "Berlin", "postedOn": "Posted Today", "bulletFields": [format!("JR{i:04}")]}))
        .collect();
    let total = if offset == 0 { if tenant == "short" { 50 } else { 45 } } else { 0 };
    ([(header::CONTENT_TYPE, "application/json")], serde_json::json!({"total": total, "jobPostings": postings, "facets": []}).to_string()).into_response()
}

async fn wd_detail(State(fake): State<Arc<Fake>>, Path((tenant, _site, rest)): Path<(String, String, String)>) -> Response {
    *fake.hits.lock().unwrap().entry(format!("wd-detail-{tenant}")).or_default() += 1;
    let id = rest.rsplit('/').next().unwrap_or_default().to_string();
    if id.ends_with("_JR0003") {
        return (StatusCode::INTERNAL_SERVER_ERROR, "error").into_response();
    }
    let info = serde_json::json!({"jobPostingInfo": {
        "title": id.split('_').next().unwrap().replace('-', " "), "jobPostingId": id, "startDate": "2026-03-20", "timeType": "Full time",
        "location": "Germany, Berlin", "country": {"descriptor": "Germany"},
        "jobDescription": "<p>Ship ranking models with PyTorch. Salary range: EUR 70,000 - 90,000 per year.</p>"
    }, "hiringOrganization": {"name": "Halcyon Chips"}});
    ([(header::CONTENT_TYPE, "application/json")], info.to_string()).into_response()
}

/// A Rippling board of 120 jobs, 100 rows a page (pages from 0), jobs 0–9 open in two places and
/// so listed twice (130 rows); `shifty` counts one more row on its second page; `broken` fails its
/// second page; `html` answers an HTML page with status 200; the detail of job 7 is gone (404).
async fn rp_list(State(fake): State<Arc<Fake>>, Path(board): Path<String>, axum::extract::Query(q): axum::extract::Query<HashMap<String, usize>>) -> Response {
    *fake.hits.lock().unwrap().entry(format!("rp-list-{board}")).or_default() += 1;
    let (page, size) = (q.get("page").copied().unwrap_or(0), q.get("pageSize").copied().unwrap_or(20).min(100));
    match board.as_str() {
        "broken" if page > 0 => return (StatusCode::INTERNAL_SERVER_ERROR, "oops").into_response(),
        "html" => return ([(header::CONTENT_TYPE, "text/html")], "<html><body>Board unavailable</body></html>").into_response(),
        _ => {}
    }
    let place =
        |city: &str, mode: &str| serde_json::json!({"name": city, "city": city, "country": "United States", "countryCode": "US", "workplaceType": mode});
    let rows: Vec<serde_json::Value> = (0..120)
        .map(|i| (i, place("San Francisco", "HYBRID")))
        .chain((0..10).map(|i| (i, place("Remote (United States)", "REMOTE"))))
        .map(|(i, location)| serde_json::json!({"id": format!("job-{i:03}"), "name": format!("Applied Scientist {i}"), "url": format!("https://ats.rippling.com/{board}/jobs/job-{i:03}"), "locations": [location]}))
        .collect();
    let total: usize = if board == "shifty" && page > 0 { 131 } else { 130 };
    let items: Vec<&serde_json::Value> = rows.iter().skip(page * size).take(size).collect();
    let body = serde_json::json!({"items": items, "page": page, "pageSize": size, "totalItems": total, "totalPages": total.div_ceil(size)});
    ([(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

async fn rp_detail(State(fake): State<Arc<Fake>>, Path((board, id)): Path<(String, String)>) -> Response {
    *fake.hits.lock().unwrap().entry(format!("rp-detail-{board}")).or_default() += 1;
    if id == "job-007" {
        return (StatusCode::NOT_FOUND, "{\"detail\":\"Not found.\"}").into_response();
    }
    let i: usize = id[4..].parse().unwrap();
    let mut pay = vec![
        serde_json::json!({"rangeStart": 160000, "rangeEnd": 200000, "currency": "USD", "frequency": "YEAR", "location": "San Francisco", "isRemote": false}),
    ];
    if i < 10 {
        pay.push(serde_json::json!({"rangeStart": 145000, "rangeEnd": 185000, "currency": "USD", "frequency": "YEAR", "location": "Remote (United States)", "isRemote": true}));
    }
    let detail = serde_json::json!({
        "uuid": id, "name": format!("Applied Scientist {i}"), "companyName": "Quanta Labs", "createdOn": "2026-03-21T10:00:00.000-07:00",
        "employmentType": {"label": "Salaried, full-time", "id": "SALARIED_FT"},
        "workLocations": if i < 10 { serde_json::json!(["San Francisco, CA", "Remote (United States)"]) } else { serde_json::json!(["San Francisco, CA"]) },
        "description": {"company": "<p>Quanta Labs builds retrieval models for science.</p>", "role": format!("<p>Train retrieval models in PyTorch and JAX (team {i}).</p>")},
        "payRangeDetails": pay,
    });
    ([(header::CONTENT_TYPE, "application/json")], detail.to_string()).into_response()
}

const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Acme careers</title><link>https://acme.example/careers</link><description>Open roles</description>
<item><title>Machine Learning Engineer</title><link>https://acme.example/jobs/42</link><guid>acme-42</guid><pubDate>Tue, 17 Mar 2026 09:00:00 +0100</pubDate>
<description><![CDATA[<p>Train ranking models in PyTorch. Salary: $150,000 - $180,000 per year. Remote (US).</p>]]></description></item>
<item><title>Data Scientist</title><link>https://acme.example/jobs/43</link><guid>acme-43</guid><description>Forecasting with Python and SQL.</description></item>
</channel></rss>"#;

async fn feed(headers: HeaderMap) -> Response {
    if headers.get(header::IF_NONE_MATCH).is_some_and(|v| v == "\"f1\"") {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    ([(header::CONTENT_TYPE, "application/rss+xml"), (header::ETAG, "\"f1\"")], RSS).into_response()
}

/// A career site: `/sitemap.xml` is an index of `/sitemap-jobs.xml`, which lists three job
/// pages, an about page, a gone job (404) and — on the `flaky` site — a page that fails.
async fn site(State(fake): State<Arc<Fake>>, Path(path): Path<String>, headers: HeaderMap) -> Response {
    *fake.hits.lock().unwrap().entry(format!("site-{path}")).or_default() += 1;
    let host = format!("http://{}", headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1"));
    let xml = |body: String| ([(header::CONTENT_TYPE, "application/xml")], body.replace("{HOST}", &host)).into_response();
    let html = |body: String| ([(header::CONTENT_TYPE, "text/html")], body).into_response();
    let (site, rest) = path.split_once('/').unwrap_or((&path, ""));
    let base = format!("/{site}");
    match rest {
        "sitemap.xml" => xml(format!(
            r#"<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>{{HOST}}/sites{base}/sitemap-jobs.xml</loc></sitemap></sitemapindex>"#
        )),
        "sitemap-jobs.xml" => {
            let mut urls: Vec<String> = ["jobs/1", "jobs/2", "jobs/3", "about", "jobs/gone"]
                .iter()
                .map(|p| format!("<url><loc>{{HOST}}/sites{base}/{p}</loc><lastmod>2026-03-20</lastmod></url>"))
                .collect();
            if site == "flaky" {
                urls.push(format!("<url><loc>{{HOST}}/sites{base}/jobs/broken</loc></url>"));
            }
            xml(format!(r#"<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{}</urlset>"#, urls.concat()))
        }
        "about" => html("<html><head><title>About us</title></head><body>We build robots.</body></html>".into()),
        "jobs/gone" => StatusCode::NOT_FOUND.into_response(),
        "jobs/broken" => StatusCode::BAD_GATEWAY.into_response(),
        job => {
            let n = job.trim_start_matches("jobs/");
            let ld = serde_json::json!({"@context": "https://schema.org/", "@type": "JobPosting", "title": format!("Computer Vision Engineer {n}"),
                "description": "<p>Perception models in PyTorch for warehouse robots. €70,000 – €85,000 per year.</p>", "datePosted": "2026-03-20",
                "hiringOrganization": {"@type": "Organization", "name": "Gripper Robotics"},
                "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": "Munich", "addressCountry": "DE"}}});
            html(format!(r#"<html><head><script type="application/ld+json">{ld}</script></head><body><h1>Computer Vision Engineer</h1></body></html>"#))
        }
    }
}

async fn polite(State(fake): State<Arc<Fake>>) -> &'static str {
    fake.starts.lock().unwrap().push(Instant::now());
    let now = fake.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    fake.max_in_flight.fetch_max(now, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(150)).await;
    fake.in_flight.fetch_sub(1, Ordering::SeqCst);
    "ok"
}

async fn serve() -> (String, Arc<Fake>) {
    let fake = Arc::new(Fake::default());
    let app = axum::Router::new()
        .route("/v1/boards/{token}/jobs", axum::routing::get(greenhouse))
        .route("/polite/{n}", axum::routing::get(polite))
        .route("/v0/postings/{site}", axum::routing::get(|| async { ([(header::CONTENT_TYPE, "application/json")], fixture("lever.json")) }))
        .route("/api/v1/widget/accounts/{slug}", axum::routing::get(|| async { ([(header::CONTENT_TYPE, "application/json")], fixture("workable.json")) }))
        .route("/v1/companies/{company}/postings", axum::routing::get(sr_list))
        .route("/v1/companies/{company}/postings/{id}", axum::routing::get(sr_detail))
        .route("/wday/cxs/{tenant}/{site}/jobs", axum::routing::post(wd_list))
        .route("/platform/api/ats/v2/board/{board}/jobs", axum::routing::get(rp_list))
        .route("/platform/api/ats/v2/board/{board}/jobs/{id}", axum::routing::get(rp_detail))
        .route("/feeds/acme.rss", axum::routing::get(feed))
        .route("/sites/{*path}", axum::routing::get(site))
        .route("/wday/cxs/{tenant}/{site}/job/{*rest}", axum::routing::get(wd_detail))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), fake)
}

fn quick() -> FetchConfig {
    FetchConfig {
        timeout: Duration::from_millis(700),
        backoff: Duration::from_millis(50),
        per_host_interval: Duration::from_millis(0),
        max_body_bytes: 1 << 20,
        max_retry_after: Duration::from_secs(5),
        ..FetchConfig::default()
    }
}

/// Fetches `spec` (a spec or board URL) from the fake, which stands in for the system named by
/// `env` (`MLJOBS_LEVER_URL`, …).
async fn board_of(base: &str, env: &str, spec: &str, company: Option<&str>, validators: Option<&Validators>) -> Result<BoardFetch, BoardError> {
    let bases = Bases::from_lookup(|k| (k == env).then(|| base.to_string()));
    fetch_board(&Fetcher::new(quick()).unwrap(), &SourceSpec::parse_or_url(spec).unwrap(), &bases, validators, company).await
}

async fn board(base: &str, token: &str, fetcher: &Fetcher, validators: Option<&Validators>) -> Result<BoardFetch, BoardError> {
    let bases = Bases::from_lookup(|k| (k == "MLJOBS_GREENHOUSE_URL").then(|| base.to_string()));
    fetch_board(fetcher, &SourceSpec::parse_or_url(&format!("greenhouse:{token}")).unwrap(), &bases, validators, None).await
}

#[tokio::test]
async fn a_board_is_fetched_decoded_and_then_not_modified() {
    let (base, fake) = serve().await;
    let fetcher = Fetcher::new(quick()).unwrap();
    let BoardFetch::Complete { items, validators, status, attempts, .. } = board(&base, "acme", &fetcher, None).await.unwrap() else { panic!("a body") };
    assert_eq!((status, attempts), (200, 1));
    let postings: Vec<_> = items.iter().filter_map(|i| i.as_ref().ok()).collect();
    assert!(!postings.is_empty(), "the recorded board has postings");
    assert!(postings.iter().all(|p| p.source == "greenhouse" && p.record.file == "greenhouse:acme"), "{:?}", postings[0].record);
    assert!(
        postings.iter().any(|p| p.salary_min == Some(175_000.0) && p.salary_currency.as_deref() == Some("USD")),
        "Greenhouse pay ranges reach the salary fields"
    );
    assert_eq!(validators.etag.as_deref(), Some("\"v1\""));
    // The same board again with its validators: one small 304, nothing to decode.
    assert!(matches!(board(&base, "acme", &fetcher, Some(&validators)).await.unwrap(), BoardFetch::NotModified { status: 304, attempts: 1 }));
    assert_eq!(fake.hits.lock().unwrap()["acme"], 2);
}

#[tokio::test]
async fn a_lever_board_gets_the_company_its_source_names() {
    let (base, _) = serve().await;
    let BoardFetch::Complete { items, .. } =
        board_of(&base, "MLJOBS_LEVER_URL", "https://jobs.lever.co/northwind", Some("Northwind Labs"), None).await.unwrap()
    else {
        panic!("a body")
    };
    let postings: Vec<_> = items.iter().filter_map(|i| i.as_ref().ok()).collect();
    assert!(!postings.is_empty());
    assert!(postings.iter().all(|p| p.company.as_deref() == Some("Northwind Labs") && p.source == "lever"), "{:?}", postings[0].company);
}

#[tokio::test]
async fn a_workable_account_is_read_with_its_company_places_and_pay() {
    let (base, _) = serve().await;
    let BoardFetch::Complete { items, .. } = board_of(&base, "MLJOBS_WORKABLE_URL", "https://apply.workable.com/fjordline/", None, None).await.unwrap() else {
        panic!("a body")
    };
    let postings: Vec<_> = items.iter().filter_map(|i| i.as_ref().ok()).collect();
    assert_eq!(items.len(), 3);
    let ml = postings.iter().find(|p| p.source_id.as_deref() == Some("7F3A2C19B4")).unwrap();
    assert_eq!(ml.company.as_deref(), Some("Fjordline Analytics"), "the account's name");
    assert_eq!((ml.salary_min, ml.salary_max, ml.salary_currency.as_deref()), (Some(850_000.0), Some(1_050_000.0), Some("NOK")));
    assert_eq!(ml.locations, ["Bergen, Vestland, Norway", "Oslo, Norway"]);
    let remote = postings.iter().find(|p| p.source_id.as_deref() == Some("0B19D4E7AA")).unwrap();
    assert_eq!((remote.work_mode.as_deref(), remote.locations.len()), (Some("remote"), 1), "a hidden location is left out");
}

#[tokio::test]
async fn faults_end_as_errors_or_as_the_board_after_retries() {
    let (base, fake) = serve().await;
    let fetcher = Fetcher::new(quick()).unwrap();
    let status = |e: &BoardError| match e {
        BoardError::Fetch(f) => f.kind.status(),
        _ => None,
    };

    // Gone: 404 at once, no retries.
    let e = board(&base, "gone", &fetcher, None).await.unwrap_err();
    assert_eq!(status(&e), Some(404));
    assert_eq!(fake.hits.lock().unwrap()["gone"], 1, "a 404 is not retried");

    // 429 with Retry-After: 1 → waited for, then the board.
    let t = Instant::now();
    assert!(matches!(board(&base, "busy", &fetcher, None).await.unwrap(), BoardFetch::Complete { attempts: 2, .. }));
    assert!(t.elapsed() >= Duration::from_millis(950), "Retry-After honoured: {:?}", t.elapsed());

    // Two 500s, then the board.
    assert!(matches!(board(&base, "flaky", &fetcher, None).await.unwrap(), BoardFetch::Complete { attempts: 3, .. }));

    // Always 503: the retries run out and the error says so.
    let e = board(&base, "down", &fetcher, None).await.unwrap_err();
    assert_eq!(status(&e), Some(503));
    assert!(e.to_string().contains("after 4 attempts"), "{e}");

    // A Retry-After of an hour is not waited for: the source's schedule backs off instead.
    let t = Instant::now();
    let e = board(&base, "patient", &fetcher, None).await.unwrap_err();
    assert!(t.elapsed() < Duration::from_secs(2));
    assert!(e.to_string().contains("HTTP 429 (Retry-After 3600 s)"), "{e}");

    // Slow: timed out on every attempt.
    let e = board(&base, "slow", &fetcher, None).await.unwrap_err();
    assert!(matches!(&e, BoardError::Fetch(f) if f.kind == FetchErrorKind::Timeout), "{e}");

    // Over the size cap: an error, not a truncated board; not retried.
    let e = board(&base, "huge", &fetcher, None).await.unwrap_err();
    assert!(matches!(&e, BoardError::Fetch(f) if matches!(f.kind, FetchErrorKind::TooLarge { .. }) && f.attempts == 1), "{e}");

    // An HTML page with status 200 and a cut-off body are not boards (never "no postings").
    for token in ["html", "truncated"] {
        let e = board(&base, token, &fetcher, None).await.unwrap_err();
        assert!(matches!(&e, BoardError::NotABoard { .. }), "{token}: {e}");
        assert!(e.to_string().contains("not Greenhouse board JSON"), "{e}");
    }

    // A redirect loop.
    let e = board(&base, "loop", &fetcher, None).await.unwrap_err();
    assert!(e.to_string().contains("redirect"), "{e}");
}

#[tokio::test]
async fn one_host_gets_at_most_two_requests_at_once_and_spaced_starts() {
    let (base, fake) = serve().await;
    let fetcher = Fetcher::new(FetchConfig { per_host_in_flight: 2, per_host_interval: Duration::from_millis(100), ..quick() }).unwrap();
    let tasks: Vec<_> = (0..6)
        .map(|i| {
            let (f, url) = (fetcher.clone(), format!("{base}/polite/{i}"));
            tokio::spawn(async move { f.get(&url, None).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(fake.max_in_flight.load(Ordering::SeqCst), 2, "never more than 2 in flight to one host");
    let mut starts = fake.starts.lock().unwrap().clone();
    starts.sort();
    for pair in starts.windows(2) {
        assert!(pair[1] - pair[0] >= Duration::from_millis(90), "starts {:?} apart", pair[1] - pair[0]);
    }
}

#[tokio::test]
async fn smartrecruiters_pages_the_list_reads_each_detail_and_says_when_the_listing_is_incomplete() {
    let (base, fake) = serve().await;
    let env = "MLJOBS_SMARTRECRUITERS_URL";
    let hits = |key: &str| fake.hits.lock().unwrap().get(key).copied().unwrap_or(0);
    // Two pages (100 + 50), a detail call per posting; the posting whose detail is gone stays
    // listed (rejected for its missing description, known by its id), and the board is whole.
    let BoardFetch::Complete { items, validators, incomplete, .. } =
        board_of(&base, env, "https://jobs.smartrecruiters.com/acme/744000000000001-ml-engineer", None, None).await.unwrap()
    else {
        panic!("a board")
    };
    assert_eq!((items.len(), incomplete), (150, None));
    assert_eq!((hits("sr-list-acme"), hits("sr-detail-acme")), (2, 150));
    let postings: Vec<_> = items.iter().filter_map(|i| i.as_ref().ok()).collect();
    assert_eq!(postings.len(), 150);
    let with_text = postings.iter().filter(|p| p.description.as_deref().is_some_and(|d| d.contains("PyTorch"))).count();
    assert_eq!(with_text, 149, "every detail but the gone one");
    let gone = postings.iter().find(|p| p.source_id.as_deref() == Some("744000000000007")).unwrap();
    assert!(gone.description.is_none() && gone.stable_id().is_some(), "listed, known by its id");
    let first = postings.iter().find(|p| p.source_id.as_deref() == Some("744000000000001")).unwrap();
    assert_eq!(
        (first.company.as_deref(), first.country.as_deref(), first.employment_type.as_deref()),
        (Some("Nordlicht Mobility"), Some("DE"), Some("Full-time"))
    );
    assert!(first.description.as_deref().unwrap().contains("Salary: €80,000 – €95,000 per year"), "pay reaches the salary parser");
    assert!(first.url.as_deref().unwrap().starts_with("https://jobs.smartrecruiters.com/acme/744000000000001"));
    // The same list again: unchanged, and no detail is fetched.
    let again = board_of(&base, env, "smartrecruiters:acme", None, Some(&validators)).await.unwrap();
    assert!(matches!(again, BoardFetch::NotModified { status: 200, .. }), "{again:?}");
    assert_eq!(hits("sr-detail-acme"), 150, "no detail calls for an unchanged list");
    // The board changes while it is read: its postings come, but it is not whole.
    let BoardFetch::Complete { items, incomplete, .. } = board_of(&base, env, "smartrecruiters:shifty", None, None).await.unwrap() else { panic!("a board") };
    assert_eq!(items.len(), 150);
    assert_eq!(incomplete.as_deref(), Some("the board changed while it was read (totalFound 150, then 151)"));
    // A page that keeps failing fails the fetch: never a short board.
    let err = board_of(&base, env, "smartrecruiters:broken", None, None).await.unwrap_err();
    assert!(matches!(&err, BoardError::Fetch(f) if f.kind == FetchErrorKind::Status { status: 500, retry_after: None }), "{err}");
}

#[tokio::test]
async fn workday_posts_the_search_page_by_page_then_reads_each_posting() {
    let (base, fake) = serve().await;
    let env = "MLJOBS_WORKDAY_URL";
    let hits = |key: &str| fake.hits.lock().unwrap().get(key).copied().unwrap_or(0);
    let BoardFetch::Complete { items, validators, incomplete, .. } =
        board_of(&base, env, "https://halcyon.wd5.myworkdayjobs.com/en-US/External", Some("Halcyon"), None).await.unwrap()
    else {
        panic!("a board")
    };
    // Three pages (20 + 20 + 5) though only the first says the total; 45 details asked (the one
    // answering 500 four times: the first try and three retries).
    assert_eq!((items.len(), incomplete), (45, None));
    assert_eq!((hits("wd-list-halcyon"), hits("wd-detail-halcyon")), (3, 48));
    let postings: Vec<_> = items.iter().filter_map(|i| i.as_ref().ok()).collect();
    let first = postings.iter().find(|p| p.source_id.as_deref() == Some("ML-Engineer-0_JR0000")).unwrap();
    assert_eq!(
        (first.company.as_deref(), first.country.as_deref(), first.date_posted.as_deref()),
        (Some("Halcyon Chips"), Some("Germany"), Some("2026-03-20"))
    );
    assert!(first.description.as_deref().unwrap().contains("EUR 70,000 - 90,000 per year"));
    assert_eq!(first.url.as_deref(), Some("https://halcyon.wd5.myworkdayjobs.com/en-US/External/job/Berlin/ML-Engineer-0_JR0000"));
    // The posting whose detail failed is listed by the same id, without a description.
    let failed = postings.iter().find(|p| p.source_id.as_deref() == Some("ML-Engineer-3_JR0003")).unwrap();
    assert!(failed.description.is_none() && failed.title.as_deref() == Some("ML Engineer 3"));
    // Unchanged list: no detail calls.
    let again = board_of(&base, env, "workday:halcyon/wd5/External", Some("Halcyon"), Some(&validators)).await.unwrap();
    assert!(matches!(again, BoardFetch::NotModified { .. }), "{again:?}");
    assert_eq!(hits("wd-detail-halcyon"), 48);
    // A site that counts more than it lists is not whole.
    let BoardFetch::Complete { incomplete, .. } = board_of(&base, env, "workday:short/wd1/Careers", None, None).await.unwrap() else { panic!("a board") };
    assert_eq!(incomplete.as_deref(), Some("45 of the 50 postings it counts were listed"));
}

#[tokio::test]
async fn rippling_pages_from_zero_merges_a_job_listed_per_place_and_reads_each_detail_for_its_pay() {
    let (base, fake) = serve().await;
    let env = "MLJOBS_RIPPLING_URL";
    let hits = |key: &str| fake.hits.lock().unwrap().get(key).copied().unwrap_or(0);
    let BoardFetch::Complete { items, validators, incomplete, .. } =
        board_of(&base, env, "https://ats.rippling.com/en-GB/quanta/jobs/job-001", None, None).await.unwrap()
    else {
        panic!("a board")
    };
    // 130 rows over two pages are 120 jobs: one detail call each.
    assert_eq!((items.len(), incomplete), (120, None));
    assert_eq!((hits("rp-list-quanta"), hits("rp-detail-quanta")), (2, 120));
    let postings: Vec<_> = items.iter().filter_map(|i| i.as_ref().ok()).collect();
    let two_places = postings.iter().find(|p| p.source_id.as_deref() == Some("job-003")).unwrap();
    assert_eq!(two_places.locations, ["San Francisco, CA", "Remote (United States)"]);
    assert_eq!(
        (two_places.salary_min, two_places.salary_max, two_places.salary_currency.as_deref(), two_places.salary_period.as_deref()),
        (Some(145000.0), Some(200000.0), Some("USD"), Some("YEAR")),
        "the envelope of the places' ranges"
    );
    assert_eq!((two_places.company.as_deref(), two_places.date_posted.as_deref()), (Some("Quanta Labs"), Some("2026-03-21T10:00:00.000-07:00")));
    assert_eq!(two_places.url.as_deref(), Some("https://ats.rippling.com/quanta/jobs/job-003"), "the list's URL when the detail has none");
    let d = two_places.description.as_deref().unwrap();
    assert!(d.find("retrieval models for science").unwrap() < d.find("PyTorch and JAX").unwrap(), "company, then role: {d}");
    let one_place = postings.iter().find(|p| p.source_id.as_deref() == Some("job-050")).unwrap();
    assert_eq!((one_place.salary_min, one_place.salary_max), (Some(160000.0), Some(200000.0)));
    // The job whose detail is gone: listed by its id and both places, without a description.
    let gone = postings.iter().find(|p| p.source_id.as_deref() == Some("job-007")).unwrap();
    assert!(gone.description.is_none() && gone.stable_id().is_some());
    assert_eq!(gone.locations, ["San Francisco", "Remote (United States)"]);
    assert_eq!(gone.work_mode, None, "hybrid in one place, remote in the other");
    // The same list again: unchanged, no detail call.
    let again = board_of(&base, env, "rippling:quanta", None, Some(&validators)).await.unwrap();
    assert!(matches!(again, BoardFetch::NotModified { status: 200, .. }), "{again:?}");
    assert_eq!(hits("rp-detail-quanta"), 120);
    // Counts that move while the board is read: stored, not whole.
    let BoardFetch::Complete { items, incomplete, .. } = board_of(&base, env, "rippling:shifty", None, None).await.unwrap() else { panic!("a board") };
    assert_eq!(items.len(), 120);
    assert_eq!(incomplete.as_deref(), Some("the board changed while it was read (130 jobs, then 131)"));
    // A failing page fails the fetch; an HTML page is not a board.
    let err = board_of(&base, env, "rippling:broken", None, None).await.unwrap_err();
    assert!(matches!(&err, BoardError::Fetch(f) if f.kind == FetchErrorKind::Status { status: 500, retry_after: None }), "{err}");
    let err = board_of(&base, env, "rippling:html", None, None).await.unwrap_err();
    assert!(matches!(&err, BoardError::NotABoard { system: "Rippling", .. }), "{err}");
}

#[tokio::test]
async fn a_job_feed_is_read_item_by_item_with_conditional_requests() {
    let (base, _) = serve().await;
    let spec = format!("feed:{base}/feeds/acme.rss");
    let BoardFetch::Complete { items, validators, incomplete, .. } = board_of(&base, "", &spec, Some("Acme"), None).await.unwrap() else { panic!("a feed") };
    assert_eq!((items.len(), incomplete), (2, None));
    let p = items[0].as_ref().unwrap();
    assert_eq!((p.title.as_deref(), p.source_id.as_deref(), p.company.as_deref()), (Some("Machine Learning Engineer"), Some("acme-42"), Some("Acme")));
    assert!(p.description.as_deref().unwrap().contains("$150,000 - $180,000 per year"));
    assert!(matches!(board_of(&base, "", &spec, Some("Acme"), Some(&validators)).await.unwrap(), BoardFetch::NotModified { status: 304, .. }));
    // A feed read whole does not list every open job: the crawl closes nothing from it.
    assert!(!SourceSpec::parse_or_url(&spec).unwrap().kind.lists_every_open_job());
}

#[tokio::test]
async fn a_sitemap_is_followed_to_its_job_pages_and_their_json_ld() {
    let (base, fake) = serve().await;
    let hits = |key: &str| fake.hits.lock().unwrap().get(key).copied().unwrap_or(0);
    let spec = format!("sitemap:{base}/sites/acme/sitemap.xml");
    let BoardFetch::Complete { items, validators, incomplete, .. } = board_of(&base, "", &spec, None, None).await.unwrap() else { panic!("a site") };
    // Three job pages; the about page (no JobPosting) and the gone job (404) are not postings
    // and do not make the read incomplete.
    assert_eq!(incomplete, None);
    let postings: Vec<_> = items.iter().map(|i| i.as_ref().unwrap()).collect();
    assert_eq!(postings.len(), 3, "{items:?}");
    let p = postings.iter().find(|p| p.title.as_deref() == Some("Computer Vision Engineer 2")).unwrap();
    assert_eq!(p.url.as_deref(), Some(format!("{base}/sites/acme/jobs/2").as_str()), "the page is the posting's URL");
    assert_eq!(p.company.as_deref(), Some("Gripper Robotics"));
    assert!(p.stable_id().is_some());
    assert_eq!((hits("site-acme/about"), hits("site-acme/jobs/gone")), (1, 1));
    // The same pages and dates again: unchanged, no page fetched.
    let again = board_of(&base, "", &spec, None, Some(&validators)).await.unwrap();
    assert!(matches!(again, BoardFetch::NotModified { .. }), "{again:?}");
    assert_eq!(hits("site-acme/jobs/1"), 1);
    // A page that keeps failing: the postings read are kept, the read is not whole.
    let BoardFetch::Complete { items, incomplete, .. } = board_of(&base, "", &format!("sitemap:{base}/sites/flaky/sitemap.xml"), None, None).await.unwrap()
    else {
        panic!("a site")
    };
    assert_eq!((items.len(), incomplete.as_deref()), (3, Some("1 of 6 pages could not be read")));
    // A sitemap URL that answers an HTML page is an error, never an empty site.
    let err = board_of(&base, "", &format!("sitemap:{base}/sites/acme/about"), None, None).await.unwrap_err();
    assert!(err.to_string().contains("not a sitemap"), "{err}");
}
