//! The web site's pages in process (no browser): status, headers, what each page says, escaping of
//! hostile postings, errors as pages. The browser tests (`mljobs-cli/tests/browser.rs`) drive the
//! same pages in Chromium.

use std::sync::LazyLock;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

mod common;
use common::TestApp;

static APP: LazyLock<TestApp> = LazyLock::new(|| {
    let mut files = common::FIXTURES.to_vec();
    files.push("web/xss-postings.jsonl");
    files.push("web/pay-zones.jsonl");
    common::build(&files)
});

struct Page {
    status: StatusCode,
    content_type: String,
    csp: Option<String>,
    html: String,
}

async fn page(uri: &str) -> Page {
    let r = APP.router.clone().oneshot(Request::builder().uri(uri).body(Body::empty()).unwrap()).await.unwrap();
    let status = r.status();
    let content_type = r.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let csp = r.headers().get(header::CONTENT_SECURITY_POLICY).map(|v| v.to_str().unwrap().to_string());
    let html = String::from_utf8(r.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    Page { status, content_type, csp, html }
}

fn h1(html: &str) -> String {
    let start = html.find("<h1").expect("an h1");
    let open_end = html[start..].find('>').unwrap() + start + 1;
    let end = html[open_end..].find("</h1>").unwrap() + open_end;
    html[open_end..end].to_string()
}

/// The id of the first result on a /jobs page.
fn first_hit(html: &str) -> String {
    let i = html.find("<li class=\"hit\">").expect("a result");
    let href = html[i..].find("href=\"/jobs/").unwrap() + i + "href=\"/jobs/".len();
    html[href..href + 16].to_string()
}

#[tokio::test]
async fn every_page_renders_with_its_heading_and_security_headers() {
    for (uri, heading) in [
        ("/", "Machine-learning jobs, what they pay, and what they ask for"),
        ("/jobs", "jobs"),
        ("/roles", "Roles in machine learning"),
        ("/roles/data-scientist", "Data Scientist"),
        ("/salaries", "ML salaries"),
        ("/skills", "Skills in demand"),
        ("/insights", "The ML job market"),
        ("/about", "About mljobs and its data"),
    ] {
        let p = page(uri).await;
        assert_eq!(p.status, StatusCode::OK, "{uri}");
        assert_eq!(p.content_type, "text/html; charset=utf-8", "{uri}");
        assert!(p.csp.as_deref().is_some_and(|c| c.contains("script-src 'self'") && !c.contains("unsafe-inline")), "{uri}: {:?}", p.csp);
        assert!(h1(&p.html).contains(heading), "{uri}: {}", h1(&p.html));
        assert!(p.html.contains("<html lang=\"en\">") && p.html.contains("href=\"#main\""), "{uri}: language and skip link");
        assert!(!p.html.contains("style=\""), "{uri}: no inline styles (the CSP would block them)");
    }
    assert!(page("/").await.html.contains("<h3><a href=\"/roles/machine-learning-engineer\">"), "role cards under the home page's h2");
    assert!(page("/roles").await.html.contains("<h2><a href=\"/roles/machine-learning-engineer\">"), "role cards under the roles page's h1");
    let css = page("/static/app.css").await;
    assert!(css.content_type.starts_with("text/css") && css.html.contains(".hit"));
}

#[tokio::test]
async fn the_results_page_keeps_its_state_in_the_url_and_counts_like_the_api() {
    let p = page("/jobs?q=python&role=data-scientist&sort=date").await;
    assert_eq!(p.status, StatusCode::OK);
    let api = APP.router.clone().oneshot(Request::builder().uri("/api/v1/jobs?q=python&role=data-scientist").body(Body::empty()).unwrap()).await.unwrap();
    let api: Value = serde_json::from_slice(&api.into_body().collect().await.unwrap().to_bytes()).unwrap();
    let total = api["total"].as_u64().unwrap();
    assert!(total > 0);
    assert!(p.html.contains(&format!("<span id=\"total\">{total}</span>")), "the page says the API's total {total}");
    assert!(p.html.contains("name=\"role\" value=\"data-scientist\" checked"), "the chosen facet value is ticked");
    assert!(p.html.contains("<option value=\"date\" selected>"), "the sort is kept");
    assert!(p.html.contains("value=\"python\""), "the words are kept in the box");
    // The chip removing the role keeps the rest of the state.
    assert!(p.html.contains("href=\"/jobs?q=python&#38;sort=date\""), "a removable chip for the role");
    // Every result of the filtered search is a data scientist.
    assert_eq!(p.html.matches("<li class=\"hit\">").count() as u64, total.min(20));
    // Only postings that state a salary: fewer, and the box stays ticked.
    let count = |html: &str| -> u64 { html.split("<span id=\"total\">").nth(1).unwrap().split('<').next().unwrap().replace(',', "").parse().unwrap() };
    let (all, paid) = (page("/jobs").await, page("/jobs?with_salary=true").await);
    assert!(paid.html.contains("name=\"with_salary\" value=\"true\" checked"));
    assert!(0 < count(&paid.html) && count(&paid.html) < count(&all.html), "{} of {} state a salary", count(&paid.html), count(&all.html));
    // A bad filter is an error on the page naming what was wrong.
    let bad = page("/jobs?role=wizard").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.html.contains("role") && bad.html.contains("wizard"), "{}", bad.html);
}

#[tokio::test]
async fn script_payloads_in_a_posting_are_shown_as_text() {
    let results = page("/jobs?q=xsscanary").await;
    assert!(!results.html.contains("<script>window"), "the title is escaped in the results");
    assert!(results.html.contains("&#60;script&#62;window.__xss"));
    let id = first_hit(&results.html);
    let p = page(&format!("/jobs/{id}")).await;
    assert_eq!(p.status, StatusCode::OK);
    let doc = scraper::Html::parse_document(&p.html);
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    let live: Vec<String> = doc
        .select(&sel("body script, iframe, .prose form, img, svg, [onerror], [onclick], [onload], [onfocus], [onmouseover], main [style]"))
        .map(|e| e.html())
        .collect();
    assert!(live.is_empty(), "payloads survive as markup: {live:?}");
    // The one form is the page's own "how well do I fit?", posting to /match.
    let forms: Vec<Option<&str>> = doc.select(&sel("form")).map(|f| f.value().attr("action")).collect();
    assert_eq!(forms, [Some("/match")], "forms on the page");
    assert!(doc.select(&sel("a[href]")).all(|a| !a.value().attr("href").unwrap().trim().to_lowercase().starts_with("javascript:")));
    assert!(h1(&p.html).contains("&#60;script&#62;window.__xss="), "the title shows its text");
    assert!(p.html.contains("Requirements: 3+ years of deep learning"), "the text stays");
    assert!(p.html.contains("href=\"https://careers.evil.example/apply\" rel=\"noopener noreferrer nofollow\""), "safe links stay, with rel");
    // The JSON-LD cannot close its script element, and still parses to the posting.
    let start = p.html.find("<script type=\"application/ld+json\">").unwrap() + "<script type=\"application/ld+json\">".len();
    let end = p.html[start..].find("</script>").unwrap() + start;
    let ld: Value = serde_json::from_str(&p.html[start..end]).unwrap();
    assert!(ld["title"].as_str().unwrap().contains("<script>window.__xss='title'</script>"));
    assert!(!p.html[start..end].contains('<'));
}

#[tokio::test]
async fn a_job_page_shows_chips_stated_pay_our_estimate_and_similar_jobs() {
    let results = page("/jobs?q=xsscanary").await;
    let p = page(&format!("/jobs/{}", first_hit(&results.html))).await;
    for chip in ["chip role\" href=\"/roles/machine-learning-engineer\"", "chip level", "chip mode", "chip skill\" href=\"/jobs?skill=pytorch\""] {
        assert!(p.html.contains(chip), "{chip}");
    }
    assert!(p.html.contains("$150k–$190k"), "the stated range in annual USD");
    assert!(p.html.contains("mljobs estimate") && p.html.contains("80% range"), "our estimate, labelled");
    assert!(p.html.contains("Similar jobs"));
    assert!(!p.html.contains("Sample data."), "a fixture posting is not demo sample data");
}

/// Issue 14: a posting stating pay by zone lists every zone's range on its page and in the API,
/// and its figure is their span; "Costa Mesa, CA" is in California.
#[tokio::test]
async fn a_job_page_lists_every_range_a_posting_states() {
    let results = page("/jobs?q=zonecanary").await;
    let id = first_hit(&results.html);
    let p = page(&format!("/jobs/{id}")).await;
    assert!(p.html.contains("$150k–$220k"), "the span of the zones in annual USD");
    assert!(p.html.contains("Several ranges"), "the ranges are listed");
    assert!(p.html.contains("<li>Zone 1 (San Francisco Bay Area, New York City): USD 180,000–220,000 per year</li>"), "{}", p.html);
    assert!(p.html.contains("<li>Zone 2 (all other US locations): USD 150,000–190,000 per year</li>"));
    let api = page(&format!("/api/v1/jobs/{id}")).await;
    let v: Value = serde_json::from_str(&api.html).unwrap();
    let salary = &v["enrichment"]["salary"];
    assert_eq!((salary["min"].as_f64(), salary["max"].as_f64()), (Some(150000.0), Some(220000.0)), "{v}");
    assert_eq!(salary["ranges"].as_array().map(Vec::len), Some(2), "{salary}");
    assert_eq!(salary["ranges"][0]["label"], "Zone 1 (San Francisco Bay Area, New York City)");
    assert_eq!(v["enrichment"]["location"]["region"], "CA");
    assert_eq!(v["enrichment"]["location"]["country"], "US");
}

#[tokio::test]
async fn role_guides_salaries_and_skills_show_their_charts_with_the_numbers() {
    let role = page("/roles/machine-learning-engineer").await;
    // The fixtures hold a handful of ML engineer postings: too few for shares ("AWS 100 %" of 3),
    // so the skills are counts with the base said up front, and only the salary chart is drawn.
    let thin = role.html.find("id=\"thin-base\"").expect("the base is said up front");
    assert!(role.html[thin..thin + 200].contains("too few for shares"), "{}", &role.html[thin..thin + 200]);
    assert_eq!(role.html.matches("<svg class=\"chart\"").count(), 1, "salary by level only");
    let table = &role.html[thin..role.html[thin..].find("</table>").unwrap() + thin];
    assert!(!table.contains('%') && table.contains("<td>–</td>"), "{table}");
    assert_eq!(role.html.matches("<li><strong>").count(), 5, "five learning-path steps");
    for level in ["Entry", "Mid", "Senior", "Executive"] {
        assert!(role.html.contains(&format!("<td>{level}</td>")), "{level} row in the salary table");
    }
    assert_eq!(page("/roles/wizard").await.status, StatusCode::NOT_FOUND);

    let salaries = page("/salaries").await;
    assert!(salaries.html.matches("<svg class=\"chart\"").count() >= 5, "a chart per factor");
    let estimate = page("/salaries?title=Senior+ML+Engineer&country=US&level=SE&skills=pytorch").await;
    assert_eq!(estimate.status, StatusCode::OK);
    assert!(estimate.html.contains("id=\"estimate-range\"") && estimate.html.contains("Comparable salaries"));
    let ai = page("/salaries?title=AI+Engineer&country=US").await;
    assert!(ai.html.contains("a year for an AI Engineer role in"), "the article agrees with the role");
    let bad = page("/salaries?title=Data+Scientist&country=Atlantis").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.html.contains("Atlantis") && bad.html.contains("field invalid"), "the bad field is named and marked");
    let missing = page("/salaries?title=Data+Scientist").await;
    assert!(missing.html.contains("Country is required."));

    let skills = page("/skills").await;
    let all: u64 = {
        let r = APP.router.clone().oneshot(Request::builder().uri("/api/v1/stats").body(Body::empty()).unwrap()).await.unwrap();
        let v: Value = serde_json::from_slice(&r.into_body().collect().await.unwrap().to_bytes()).unwrap();
        v["postings"].as_u64().unwrap()
    };
    assert!(skills.html.contains(&format!("Which skills the {all} postings here name")), "shares are of every posting, as the skill counts are");
    assert!(skills.html.contains("Programming languages") && skills.html.contains("ML frameworks &#38; libraries"));
}

#[tokio::test]
async fn unknown_pages_are_pages_and_unknown_api_routes_stay_json() {
    let p = page("/no-such-page").await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    assert!(p.content_type.starts_with("text/html") && h1(&p.html) == "Not found");
    let api = page("/api/v1/no-such-route").await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert!(api.content_type.starts_with("application/json"), "{}", api.content_type);
    assert_eq!(page("/jobs/zzzz").await.status, StatusCode::NOT_FOUND);
    assert_eq!(page("/jobs/0000000000000000").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_estimate_says_its_doubts_next_to_the_figure() {
    // A title nothing knows: said up front, never "Other roles" in a sentence.
    let p = page("/salaries?title=asdfgh&country=US").await;
    assert_eq!(p.status, StatusCode::OK);
    let notice = p.html.find("id=\"estimate-notice\"").expect("a notice next to the figure");
    assert!(p.html[notice..].starts_with("id=\"estimate-notice\">The title"), "{}", &p.html[notice..notice + 200]);
    assert!(notice < p.html.find("id=\"estimate-median\"").unwrap(), "before the median");
    assert!(p.html.contains("not one we recognise") && !p.html.contains("Other roles role"));
    // The level read from the title is stated.
    let p = page("/salaries?title=Senior+Machine+Learning+Engineer&country=US").await;
    assert!(p.html.contains("level SE (senior) read from the title"), "assumptions listed");
    // A thin group: how few, next to the figure.
    let p = page("/salaries?title=Data+Scientist&country=India&level=EN").await;
    let i = p.html.find("id=\"estimate-notice\"").expect("a notice");
    assert!(p.html[i..].contains("entry-level Data Scientists in India"), "{}", &p.html[i..i + 200]);
}

#[tokio::test]
async fn shared_links_with_tracking_parameters_work_and_the_links_drop_them() {
    let clean = page("/jobs?q=pytorch").await;
    for extra in ["utm_source=newsletter&utm_medium=email", "fbclid=IwAR0abc", "gclid=Cj0KCQ", "ref=hn"] {
        let p = page(&format!("/jobs?q=pytorch&{extra}")).await;
        assert_eq!(p.status, StatusCode::OK, "{extra}");
        let total = |html: &str| html.split("id=\"total\">").nth(1).and_then(|r| r.split('<').next()).map(str::to_string);
        assert_eq!(total(&p.html), total(&clean.html), "{extra}");
        let key = extra.split('=').next().unwrap();
        assert!(["?", "&amp;", "&"].iter().all(|sep| !p.html.contains(&format!("{sep}{key}="))), "{extra}: links drop it");
    }
    // The JSON API stays strict.
    let r = APP.router.clone().oneshot(Request::builder().uri("/api/v1/jobs?q=pytorch&utm_source=x").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_page_past_the_last_says_so_and_links_the_last_and_long_addresses_get_a_page() {
    let p = page("/jobs?page=40&per_page=20").await;
    assert_eq!(p.status, StatusCode::OK);
    let i = p.html.find("id=\"past-end\"").expect("a past-the-end notice");
    let notice = &p.html[i..i + 300];
    assert!(notice.contains("Page 40 is past the last page"), "{notice}");
    assert!(!p.html.contains("No job matches"));
    let last: usize = notice.split("last page of results (").nth(1).unwrap().split(')').next().unwrap().parse().unwrap();
    assert!(notice.contains(&format!("page={last}")), "{notice}");
    let on_last = page(&format!("/jobs?page={last}&per_page=20")).await;
    assert!(on_last.html.contains("<li class=\"hit\">"), "the linked page has results");
    // A query over the limit, from a browser: an HTML page, not JSON.
    let long = format!("/jobs?q={}", "a".repeat(5000));
    let p = page(&long).await;
    assert_eq!(p.status, StatusCode::URI_TOO_LONG);
    assert!(p.content_type.starts_with("text/html") && p.html.contains("too long"), "{}", p.content_type);
    let r = APP.router.clone().oneshot(Request::builder().uri(format!("/api/v1/jobs?q={}", "a".repeat(5000))).body(Body::empty()).unwrap()).await.unwrap();
    assert!(r.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("application/json"));
}

#[tokio::test]
async fn filter_labels_and_form_errors_speak_plainly() {
    let p = page("/jobs?salary_min=150000&with_salary=true&posted_after=2024-01-01").await;
    for chip in ["Can pay $150k or more (or no salary stated)", "Only jobs that state a salary", "Posted on or after 2024-01-01"] {
        assert!(p.html.contains(chip), "{chip}");
    }
    assert!(!p.html.contains("Salary up to at least") && !p.html.contains("States a salary: true"));
    for (q, says, not) in [
        ("title=Data+Scientist&country=US&years=1e308", "Years of experience: must be 0 to 60.", "1e308"),
        ("title=Data+Scientist&country=US&skills=telepathy", "Skills: “telepathy” is not a skill we know.", "mljobs taxonomy"),
        ("title=&country=US", "Job title is required.", "title:"),
    ] {
        let p = page(&format!("/salaries?{q}")).await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{q}");
        let alert = p.html.split("role=\"alert\">").nth(1).unwrap().split('<').next().unwrap().replace("&#8220;", "“").replace("&#8221;", "”");
        assert_eq!(alert, says, "{q}");
        assert!(!alert.contains(not) && !alert.contains('`'), "{alert}");
    }
}

#[tokio::test]
async fn every_response_carries_security_headers_and_the_site_has_robots_sitemap_icon_and_previews() {
    for uri in ["/api/v1/jobs?q=python", "/api/docs/", "/api/openapi.json", "/healthz", "/robots.txt", "/sitemap.xml", "/favicon.ico", "/static/app.css"] {
        let r = APP.router.clone().oneshot(Request::builder().uri(uri).body(Body::empty()).unwrap()).await.unwrap();
        assert!(r.status().is_success(), "{uri}: {}", r.status());
        let h = r.headers();
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{uri}");
        assert_eq!(h[header::X_FRAME_OPTIONS], "DENY", "{uri}");
        assert!(h[header::CONTENT_SECURITY_POLICY].to_str().unwrap().contains("frame-ancestors 'none'"), "{uri}");
        assert!(h.contains_key("permissions-policy"), "{uri}");
    }
    // Compressed for clients that ask.
    let r = APP.router.clone().oneshot(Request::builder().uri("/jobs").header("accept-encoding", "br, gzip").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(r.headers()[header::CONTENT_ENCODING], "br");
    let robots = page("/robots.txt").await;
    assert!(robots.html.contains("Sitemap: http://") && robots.html.contains("Disallow: /api/"), "{}", robots.html);
    let map = page("/sitemap.xml").await;
    let home = page("/jobs?q=python").await;
    let first = first_hit(&home.html);
    assert!(map.html.contains(&format!("/jobs/{first}</loc>")) && map.html.contains("/roles/data-scientist</loc>"), "the sitemap lists job pages");
    let p = page("/").await;
    assert!(p.html.contains("<meta property=\"og:title\"") && p.html.contains("<link rel=\"icon\""));
    // The JSON-LD handed to aggregators carries the sanitised description and only web URLs.
    let (_, hits) = {
        let r = APP.router.clone().oneshot(Request::builder().uri("/api/v1/jobs?q=xsscanary").body(Body::empty()).unwrap()).await.unwrap();
        ((), serde_json::from_slice::<Value>(&r.into_body().collect().await.unwrap().to_bytes()).unwrap())
    };
    let id = hits["hits"][0]["id"].as_str().unwrap().to_string();
    let r = APP.router.clone().oneshot(Request::builder().uri(format!("/api/v1/jobs/{id}")).body(Body::empty()).unwrap()).await.unwrap();
    let detail: Value = serde_json::from_slice(&r.into_body().collect().await.unwrap().to_bytes()).unwrap();
    let ld = &detail["json_ld"];
    let description = ld["description"].as_str().unwrap().to_lowercase();
    assert!(!description.contains("<script") && !description.contains("onerror") && !description.contains("javascript:"), "{description}");
    assert!(ld["url"].as_str().is_none_or(|u| u.starts_with("http")), "{ld}");
}

#[tokio::test]
async fn an_empty_instance_says_how_to_add_postings_and_the_footer_names_no_demo_source() {
    let empty = common::build(&[]);
    let r = empty.router.clone().oneshot(Request::builder().uri("/").body(Body::empty()).unwrap()).await.unwrap();
    let html = String::from_utf8(r.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    assert!(html.contains("id=\"empty-instance\"") && html.contains("mljobs ingest"), "the empty home page says how to add postings");
    let footer = &html[html.find("<footer").unwrap()..];
    assert!(!footer.contains("SkillSpan"), "{footer}");
    let full = page("/").await;
    assert!(!full.html.contains("id=\"empty-instance\""));
}

#[tokio::test]
async fn closed_jobs_leave_the_results_keep_their_page_and_new_jobs_carry_a_badge() {
    let (app, closed, new) = common::build_lifecycle();
    let get = |uri: String| {
        let router = app.router.clone();
        async move {
            let r = router.oneshot(Request::builder().uri(&uri).body(Body::empty()).unwrap()).await.unwrap();
            let status = r.status();
            (status, String::from_utf8(r.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap())
        }
    };
    // Results: open jobs by default, the new one badged; the closed one only when asked for.
    let (status, open) = get("/jobs?collapse=false".into()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!open.contains(&format!("/jobs/{closed}\"")), "a closed job is not in the default results");
    let card = &open[open.find(&format!("/jobs/{new}\"")).expect("the new job is listed")..];
    assert!(card[..card.find("</h2>").unwrap()].contains("class=\"badge new\""), "{}", &card[..300]);
    let (_, closed_list) = get("/jobs?status=closed&collapse=false".into()).await;
    assert!(closed_list.contains(&format!("/jobs/{closed}\"")));
    assert!(closed_list.contains("class=\"badge closed\"") && closed_list.contains("Closed jobs"), "the badge and the filter chip");
    assert!(!closed_list.contains("class=\"badge new\""));
    // The closed job's page: kept, says when and why, no JobPosting markup.
    let (status, page) = get(format!("/jobs/{closed}")).await;
    assert_eq!(status, StatusCode::OK);
    let day = (chrono::Utc::now() - chrono::Duration::days(2)).date_naive().to_string();
    assert!(page.contains("id=\"closed\"") && page.contains(&format!("This job closed on {day}: it is no longer on the employer")), "closed notice");
    assert!(!page.contains("application/ld+json"), "no JobPosting JSON-LD for a closed job");
    let (_, open_page) = get(format!("/jobs/{new}")).await;
    assert!(!open_page.contains("id=\"closed\"") && open_page.contains("application/ld+json"));
    assert!(open_page.contains(&format!("First seen {}", chrono::Utc::now().date_naive())));

    // The API: status, first_seen_after, and the lifecycle on the job.
    let (_, body) = get("/api/v1/jobs?status=all&collapse=false&per_page=50".into()).await;
    let all: Value = serde_json::from_str(&body).unwrap();
    let (_, body) = get("/api/v1/jobs?collapse=false&per_page=50".into()).await;
    let open: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(open["total"].as_u64().unwrap() + 1, all["total"].as_u64().unwrap());
    let since = (chrono::Utc::now() - chrono::Duration::days(1)).date_naive();
    let (_, body) = get(format!("/api/v1/jobs?first_seen_after={since}&collapse=false&per_page=50")).await;
    let fresh: Value = serde_json::from_str(&body).unwrap();
    let hits = fresh["hits"].as_array().unwrap();
    assert!(!hits.is_empty() && hits.iter().all(|h| h["new"] == true && h["first_seen"].as_str() == Some(&chrono::Utc::now().date_naive().to_string())));
    assert!(hits.iter().any(|h| h["id"] == new.as_str()));
    let (_, body) = get(format!("/api/v1/jobs/{closed}")).await;
    let job: Value = serde_json::from_str(&body).unwrap();
    assert_eq!((job["status"].as_str(), job["closed_reason"].as_str(), job["source"].as_str()), (Some("closed"), Some("gone"), Some("greenhouse:otterstream")));
    let (status, body) = get("/api/v1/jobs?status=shut".into()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("open, closed or all"), "{body}");
}

#[tokio::test]
async fn the_sources_page_and_api_show_each_boards_health_failing_first() {
    let (app, _, _) = common::build_lifecycle();
    let get = |uri: &str| {
        let (router, uri) = (app.router.clone(), uri.to_string());
        async move {
            let r = router.oneshot(Request::builder().uri(&uri).body(Body::empty()).unwrap()).await.unwrap();
            let status = r.status();
            (status, String::from_utf8(r.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap())
        }
    };
    let (status, body) = get("/api/v1/sources").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!((v["summary"]["total"].as_u64(), v["summary"]["failing"].as_u64(), v["summary"]["closed_postings"].as_u64()), (Some(2), Some(1), Some(1)));
    let sources = v["sources"].as_array().unwrap();
    assert_eq!(sources[0]["spec"], "lever:vanished", "failing first");
    assert_eq!((sources[0]["failing"].as_bool(), sources[0]["consecutive_failures"].as_u64()), (Some(true), Some(3)));
    assert_eq!((sources[1]["open"].as_u64(), sources[1]["closed"].as_u64()), (Some(2), Some(1)));
    assert!(v["errors"].as_array().unwrap().iter().all(|e| e["spec"] == "lever:vanished"));
    let (_, body) = get("/api/v1/sources?kind=greenhouse").await;
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!((v["matching"].as_u64(), v["sources"][0]["spec"].as_str()), (Some(1), Some("greenhouse:otterstream")));
    let (status, body) = get("/api/v1/sources?kind=monster").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _) = get("/api/v1/sources?colour=red").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, html) = get("/sources").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h1(&html), "Sources");
    let failing = html.find("lever:vanished").unwrap();
    assert!(failing < html.find("greenhouse:otterstream").unwrap(), "failing first");
    assert!(html.contains("Failing (3 in a row)") && html.contains("HTTP 404 Not Found"), "state and error");
    assert!(html.contains("id=\"failing-count\">1<"));
    let (_, only) = get("/sources?failing=true").await;
    assert!(only.contains("lever:vanished") && !only.contains("<code>greenhouse:otterstream</code>"));
    // /about flags the failing board and links the page.
    let (_, about) = get("/about").await;
    assert!(about.contains("It crawls 2 public job boards") && about.contains("1 is failing") && about.contains("href=\"/sources\""), "about");
}

/// Issue 17: `/insights` says what it can from the postings it has — charts only with two months
/// of 20 postings or more, growth only with support — and links every figure to its data.
#[tokio::test]
async fn the_insights_page_shows_only_supported_figures_and_links_their_data() {
    let p = page("/insights").await;
    assert_eq!(p.status, StatusCode::OK);
    for link in ["/api/v1/trends?by=role", "/api/v1/trends?by=skill", "/api/v1/trends?by=area", "/api/v1/trends?by=work_mode", "/api/v1/skills/python/related"]
    {
        assert!(p.html.contains(&format!("href=\"{link}\"")), "{link}");
    }
    let (_, t) = {
        let r = APP.router.clone().oneshot(Request::builder().uri("/api/v1/trends?by=role").body(Body::empty()).unwrap()).await.unwrap();
        (r.status(), serde_json::from_slice::<Value>(&r.into_body().collect().await.unwrap().to_bytes()).unwrap())
    };
    let months_with_20 = t["totals"].as_array().unwrap().iter().filter(|n| n.as_u64().unwrap() >= 20).count();
    if months_with_20 < 2 {
        assert!(p.html.contains("Too few dated postings for trends"), "the fixtures hold few dated postings: the page says so");
        assert!(!p.html.contains("<svg"), "no chart of noise");
    }
}

/// Issue 17: who is hiring — each employer on /insights links the search of its postings, which
/// shows the employer as a removable filter and finds only its postings; the stated-pay charts
/// show groups of 10 postings or more only.
#[tokio::test]
async fn the_insights_page_names_the_employers_hiring_and_links_their_jobs() {
    let p = page("/insights").await;
    let section = &p.html[p.html.find("id=\"hiring-h\"").expect("a hiring section")..];
    let first = section.find("href=\"/jobs?company=").expect("an employer row: the fixtures' postings are dated within the year");
    let href = &section[first + 6..first + 6 + section[first + 6..].find('"').unwrap()];
    let href = href.replace("&amp;", "&");
    let name_at = section[first..].find('>').unwrap() + first + 1;
    let name = html_unescape(&section[name_at..name_at + section[name_at..].find('<').unwrap()]);
    let jobs = page(&href).await;
    assert_eq!(jobs.status, StatusCode::OK);
    assert!(jobs.html.contains(&format!("Employer: {}", html_escape(&name))), "{href}: the filter is shown");
    let api = href.replacen("/jobs?", "/api/v1/jobs?per_page=100&", 1);
    let r = APP.router.clone().oneshot(Request::builder().uri(&api).body(Body::empty()).unwrap()).await.unwrap();
    let v: Value = serde_json::from_slice(&r.into_body().collect().await.unwrap().to_bytes()).unwrap();
    let hits = v["hits"].as_array().unwrap();
    assert!(!hits.is_empty(), "{api}: {v}");
    for h in hits {
        let company = h["company"].as_str().unwrap();
        assert_eq!(mljobs_core::posting::company_name(company).as_deref(), Some(name.as_str()), "{api}");
    }
    // A bad employer value is a 400 naming the parameter.
    let r = APP.router.clone().oneshot(Request::builder().uri("/api/v1/jobs?company=%20").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "an empty value is no filter");
    let r = APP.router.clone().oneshot(Request::builder().uri("/api/v1/trends?by=company").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(p.html.contains("id=\"pay-h\""), "the pay section is there");
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#x27;")
}

fn html_unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#x27;", "'").replace("&#39;", "'").replace("&amp;", "&")
}

/// Issue 17 item 3: the market report as a page and as Markdown, its total as the trends API
/// counts the same months; a bad or unfinished period is a 400 that says what a period is.
#[tokio::test]
async fn the_report_page_counts_what_the_trends_api_counts() {
    let p = page("/report?period=2026-03").await;
    assert_eq!(p.status, StatusCode::OK);
    assert_eq!(h1(&p.html), "The ML job market, 2026-03");
    let r =
        APP.router.clone().oneshot(Request::builder().uri("/api/v1/trends?by=role&since=2026-03-01&status=all").body(Body::empty()).unwrap()).await.unwrap();
    let t: Value = serde_json::from_slice(&r.into_body().collect().await.unwrap().to_bytes()).unwrap();
    let total: u64 = t["periods"]
        .as_array()
        .unwrap()
        .iter()
        .zip(t["totals"].as_array().unwrap())
        .filter(|(p, _)| p.as_str().unwrap().starts_with("2026-03"))
        .map(|(_, n)| n.as_u64().unwrap())
        .sum();
    assert!(total >= 5, "the fixtures hold postings of 2026-03: {total}");
    let shown = format!("{}", total)
        .chars()
        .rev()
        .collect::<Vec<_>>()
        .chunks(3)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(",")
        .chars()
        .rev()
        .collect::<String>();
    assert!(p.html.contains(&format!(">{shown} postings</a> of 2026-03")), "the report's total is the trends' ({shown})");
    for id in ["roles-h", "ask-h", "industries-h", "pay-h", "emerging-h", "start-h", "faq-h"] {
        assert!(p.html.contains(&format!("id=\"{id}\"")), "{id}");
    }
    let r = APP.router.clone().oneshot(Request::builder().uri("/report.md?period=2026-03").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(r.headers()[header::CONTENT_TYPE], "text/markdown; charset=utf-8");
    let md = String::from_utf8(r.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    assert!(md.starts_with("# The ML job market, 2026-03\n"), "{}", &md[..80]);
    for bad in ["/report?period=2999", "/report?period=soon", "/report?year=2025"] {
        let p = page(bad).await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{bad}");
    }
    assert!(page("/insights").await.html.contains("href=\"/report\""), "the market page links the report");
}

/// Issue 17: a skill's page counts what the search counts and links its companions' pages.
#[tokio::test]
async fn a_skill_page_counts_like_the_search_and_links_related_skills() {
    let p = page("/skills/python").await;
    assert_eq!(p.status, StatusCode::OK);
    assert_eq!(h1(&p.html), "Python");
    let r = APP.router.clone().oneshot(Request::builder().uri("/api/v1/jobs?skill=python&per_page=1").body(Body::empty()).unwrap()).await.unwrap();
    let jobs: Value = serde_json::from_slice(&r.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert!(p.html.contains(&format!("{} open postings here ask for Python", jobs["total"])), "the page's count is the search's");
    assert!(p.html.contains("href=\"/jobs?skill=python\"") && p.html.contains("href=\"/api/v1/skills/python/related\""));
    assert!(
        p.html.contains("id=\"pay-h\"") && p.html.contains("href=\"/api/v1/trends?by=seniority&amp;pay=true&amp;skill=python\""),
        "its pay and the data behind it"
    );
    assert_eq!(page("/skills/Python").await.status, StatusCode::OK, "by name too");
    assert!(page("/skills").await.html.contains("<td><a href=\"/skills/python\">Python</a></td>"), "the skills page links each skill's page");
    let missing = page("/skills/basket-weaving").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.html.contains("basket-weaving"), "the 404 names what was asked");
}

/// Issue 17 item 4: a digest's unsubscribe link works for its own alert only, and once done says
/// so; the alert is marked in the store.
#[tokio::test]
async fn an_alerts_unsubscribe_link_works_once_and_only_for_its_alert() {
    let mut store = mljobs_store::Store::open(APP.data_dir()).unwrap();
    let now = chrono::Utc::now();
    let new = |query, target, secret| mljobs_store::alerts::NewAlert { query, channel: "email", target, every: "day", secret, confirmed: true };
    let alert = store.add_alert(&new("q=python&remote=true", "a@example.org", "00ff"), now).unwrap();
    let other = store.add_alert(&new("q=rust", "b@example.org", "abcd"), now).unwrap();
    let token = mljobs_store::alerts::unsubscribe_token(&alert);
    let wrong = page(&format!("/alerts/unsubscribe?alert={}&token={token}", other.id)).await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND, "another alert's token");
    let p = page(&format!("/alerts/unsubscribe?alert={}&token={token}", alert.id)).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.html.contains("Done: no more digests") && p.html.contains("href=\"/jobs?q=python&#38;remote=true\""), "{}", p.html);
    assert!(store.alert(alert.id).unwrap().unwrap().unsubscribed_at.is_some());
    assert!(store.alert(other.id).unwrap().unwrap().unsubscribed_at.is_none(), "the other alert is untouched");
    let again = page(&format!("/alerts/unsubscribe?alert={}&token={token}", alert.id)).await;
    assert!(again.html.contains("already unsubscribed"));
    assert_eq!(page("/alerts/unsubscribe?token=x").await.status, StatusCode::BAD_REQUEST);
}
