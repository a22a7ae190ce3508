//! The API in process (a `TestApp` over the router, no socket) on a store built from the fixture
//! files, plus one test over a real TCP socket. Every endpoint, the error cases and the OpenAPI
//! document (snapshot).

use std::sync::LazyLock;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

mod common;
use common::TestApp;

static APP: LazyLock<TestApp> = LazyLock::new(|| common::build(&common::FIXTURES));

/// GET (or another method) in process: status and JSON body (Null when not JSON).
async fn call(method: &str, uri: &str) -> (StatusCode, Value) {
    let response = APP.router.clone().oneshot(Request::builder().method(method).uri(uri).body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

async fn get(uri: &str) -> (StatusCode, Value) {
    call("GET", uri).await
}

fn titles(v: &Value) -> Vec<String> {
    v["hits"].as_array().unwrap().iter().map(|h| h["title"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn healthz_reports_what_is_loaded() {
    let (status, v) = get("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["status"], "ok");
    assert!(v["postings"].as_u64().unwrap() > 50, "{v}");
    assert_eq!(v["postings"], v["indexed"]);
    assert_eq!(v["index_revision"], v["store_revision"]);
}

/// Issue 13: `/healthz` said ok while the index was empty (a reindex had committed an empty index)
/// or behind the store; now it says which, and an empty index is a 503 a load balancer acts on.
#[tokio::test]
async fn healthz_reports_an_index_behind_or_empty() {
    for (state, status, code) in
        [(common::IndexState::Behind, "index_behind", StatusCode::OK), (common::IndexState::Empty, "index_empty", StatusCode::SERVICE_UNAVAILABLE)]
    {
        let app = common::build_in(&["formats/postings.jsonl"], state);
        let response = app.router.clone().oneshot(Request::builder().uri("/healthz").body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(response.status(), code);
        let v: Value = serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
        assert_eq!(v["status"], status, "{v}");
        assert!(v["index_revision"].as_i64().unwrap() < v["store_revision"].as_i64().unwrap(), "{v}");
    }
}

#[tokio::test]
async fn repeated_searches_are_answered_from_the_cache() {
    let uri = "/api/v1/jobs?q=kubernetes&per_page=3&sort=date";
    let first = APP.router.clone().oneshot(Request::builder().uri(uri).body(Body::empty()).unwrap()).await.unwrap();
    let second = APP.router.clone().oneshot(Request::builder().uri(uri).body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(first.headers()["x-cache"], "miss");
    assert_eq!(second.headers()["x-cache"], "hit");
    let a = first.into_body().collect().await.unwrap().to_bytes();
    let b = second.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(a, b);
    let (_, health) = get("/healthz").await;
    assert!(health["cache"]["hits"].as_u64().unwrap() >= 1);
}

#[tokio::test]
async fn search_finds_ranks_filters_and_pages() {
    let (status, v) = get("/api/v1/jobs?q=computer+vision&per_page=5").await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert!(v["total"].as_u64().unwrap() >= 2);
    let t = titles(&v);
    assert!(t.len() <= 5 && t[0].contains("Computer Vision"), "{t:?}");
    let first = &v["hits"][0];
    assert_eq!(first["href"], format!("/api/v1/jobs/{}", first["id"].as_str().unwrap()));
    assert!(v.get("facets").is_none());

    // Filters: every hit satisfies them.
    let (_, v) = get("/api/v1/jobs?remote=true&per_page=100").await;
    assert!(v["total"].as_u64().unwrap() > 0);
    assert!(v["hits"].as_array().unwrap().iter().all(|h| h["work_mode"] == "remote"), "{v}");
    let (_, v) = get("/api/v1/jobs?country=us&salary_min=150000&with_salary=true&per_page=100").await;
    assert!(v["hits"].as_array().unwrap().iter().all(|h| h["country"] == "US" && h["salary_usd_max"].as_f64().unwrap() >= 150_000.0), "{v}");

    // Region and city facets.
    let (_, v) = get("/api/v1/jobs?country=US&per_page=100").await;
    let city = v["hits"].as_array().unwrap().iter().find_map(|h| h["city"].as_str()).unwrap().to_string();
    let (_, by_city) = get(&format!("/api/v1/jobs?city={}&per_page=100", city.replace(' ', "+"))).await;
    assert!(by_city["total"].as_u64().unwrap() > 0 && by_city["hits"].as_array().unwrap().iter().all(|h| h["city"] == city.as_str()), "{by_city}");
    let (status, e) = get("/api/v1/jobs?region=California").await;
    assert_eq!((status, e["error"]["parameter"].as_str()), (StatusCode::BAD_REQUEST, Some("region")));

    // Sorting by date: newest first.
    let (_, v) = get("/api/v1/jobs?sort=date&per_page=20").await;
    let dates: Vec<&str> = v["hits"].as_array().unwrap().iter().filter_map(|h| h["date_posted"].as_str()).collect();
    assert!(dates.len() > 3 && dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");

    // Pages do not overlap and add up.
    let (_, all) = get("/api/v1/jobs?q=engineer&per_page=10").await;
    let (_, p2) = get("/api/v1/jobs?q=engineer&per_page=5&page=2").await;
    assert_eq!(p2["page"], 2);
    assert_eq!(titles(&p2), titles(&all)[5..10]);

    // Highlighting and facets on request.
    let (_, v) = get("/api/v1/jobs?q=pytorch&highlight=true&facets=true&per_page=3").await;
    assert!(v["hits"][0]["snippet"].as_str().unwrap().to_lowercase().contains("<b>pytorch"), "{v}");
    assert!(v["facets"]["role"].as_array().unwrap().iter().all(|c| c["count"].as_u64().unwrap() > 0));
    // Only the facets asked for, with the same counts; an unknown one is named.
    let (_, some) = get("/api/v1/jobs?q=pytorch&facets=role,skill&per_page=3").await;
    let names: Vec<&String> = some["facets"].as_object().unwrap().keys().collect();
    assert_eq!(names, ["role", "skill"]);
    assert_eq!((&some["facets"]["role"], &some["facets"]["skill"]), (&v["facets"]["role"], &v["facets"]["skill"]));
    let (status, e) = get("/api/v1/jobs?q=pytorch&facets=role,colour").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(e["error"]["message"].as_str().unwrap().contains("colour"), "{e}");

    // A misspelt word finds the right postings, and the answer says so.
    let (_, exact) = get("/api/v1/jobs?q=pytorch").await;
    let (_, typo) = get("/api/v1/jobs?q=pytroch").await;
    assert_eq!(
        (typo["total"].clone(), typo["typos_applied"].clone(), exact["typos_applied"].clone()),
        (exact["total"].clone(), Value::Bool(true), Value::Bool(false))
    );
    let (_, off) = get("/api/v1/jobs?q=pytroch&typos=false").await;
    assert_eq!(off["total"], 0);

    // Synonyms: "ml engineer" finds machine learning engineers.
    let (_, v) = get("/api/v1/jobs?q=ml+engineer&per_page=50").await;
    assert!(titles(&v).iter().any(|t| t.contains("Machine Learning Engineer")), "{:?}", titles(&v));
}

#[tokio::test]
async fn near_duplicates_are_collapsed_with_a_count() {
    let (_, collapsed) = get("/api/v1/jobs?q=kestrel&per_page=50").await;
    let (_, all) = get("/api/v1/jobs?q=kestrel&per_page=50&collapse=false").await;
    let similar: u64 = collapsed["hits"].as_array().unwrap().iter().map(|h| h["similar"].as_u64().unwrap()).sum();
    assert_eq!(collapsed["total"].as_u64().unwrap() + similar, all["total"].as_u64().unwrap(), "{collapsed}\n{all}");
}

#[tokio::test]
async fn facet_counts_are_disjunctive() {
    let (_, all) = get("/api/v1/facets").await;
    let roles = all["facets"]["role"].as_array().unwrap();
    assert!(roles.len() >= 3);
    let total: u64 = all["total"].as_u64().unwrap();
    assert_eq!(roles.iter().map(|r| r["count"].as_u64().unwrap()).sum::<u64>(), total);
    // Selecting a role keeps the other roles' counts (to widen the selection) but narrows the rest.
    let role = roles[0]["value"].as_str().unwrap();
    let (_, one) = get(&format!("/api/v1/facets?role={role}")).await;
    assert_eq!(one["facets"]["role"], all["facets"]["role"]);
    assert_eq!(one["total"], roles[0]["count"]);
    let (_, jobs) = get(&format!("/api/v1/jobs?role={role}")).await;
    assert_eq!(jobs["total"], one["total"]);
}

#[tokio::test]
async fn a_posting_in_full_with_json_ld() {
    let (_, v) = get("/api/v1/jobs?q=computer+vision&per_page=1").await;
    let id = v["hits"][0]["id"].as_str().unwrap();
    let (status, job) = get(&format!("/api/v1/jobs/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(job["id"], id);
    assert_eq!(job["posting"]["title"], v["hits"][0]["title"]);
    assert!(job["enrichment"]["role"]["id"].is_string());
    assert_eq!(job["json_ld"]["@type"], "JobPosting");
    assert_eq!(job["json_ld"]["title"], v["hits"][0]["title"]);

    let (status, e) = get("/api/v1/jobs/0000000000000000").await;
    assert_eq!((status, e["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
    let (status, e) = get("/api/v1/jobs/not-an-id").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!((e["error"]["parameter"].as_str(), e["error"]["value"].as_str()), (Some("id"), Some("not-an-id")));
}

#[tokio::test]
async fn taxonomy_and_stats() {
    let (status, roles) = get("/api/v1/taxonomy/roles").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(roles.as_array().unwrap().len(), 9);
    let (_, skills) = get("/api/v1/taxonomy/skills").await;
    assert!(skills.as_array().unwrap().len() > 500);
    let (status, e) = get("/api/v1/taxonomy/colours").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(e["error"]["message"].as_str().unwrap().contains("colours"));
    let (status, stats) = get("/api/v1/stats").await;
    assert_eq!(status, StatusCode::OK);
    let (_, health) = get("/healthz").await;
    assert_eq!(stats["postings"], health["postings"]);
}

#[tokio::test]
async fn salary_distributions_by_level_and_role() {
    let (status, v) = get("/api/v1/salary/stats?by=level").await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["salaries"], 72_704);
    let median = |k: &str| v["groups"].as_array().unwrap().iter().find(|g| g["key"] == k).unwrap()["median"].as_f64().unwrap();
    assert!(median("EN") < median("MI") && median("MI") < median("SE"));
    let (_, roles) = get("/api/v1/salary/stats?by=role&min_count=100").await;
    assert!(roles["groups"].as_array().unwrap().iter().all(|g| g["count"].as_u64().unwrap() >= 100));
    let (status, e) = get("/api/v1/salary/stats?by=shoe_size").await;
    assert_eq!((status, e["error"]["parameter"].as_str(), e["error"]["value"].as_str()), (StatusCode::BAD_REQUEST, Some("by"), Some("shoe_size")));
}

#[tokio::test]
async fn bad_requests_are_json_errors_naming_parameter_and_value() {
    for (uri, status, code, parameter, value) in [
        ("/api/v1/jobs?contry=US", 400, "unknown_parameter", Some("contry"), Some("US")),
        ("/api/v1/jobs?sort=newest", 400, "invalid_parameter", Some("sort"), Some("newest")),
        ("/api/v1/jobs?role=wizard", 400, "invalid_parameter", Some("role"), Some("wizard")),
        ("/api/v1/jobs?country=Narnia", 400, "invalid_parameter", Some("country"), Some("Narnia")),
        ("/api/v1/jobs?per_page=1000", 400, "invalid_parameter", Some("per_page"), Some("1000")),
        ("/api/v1/jobs?posted_after=yesterday", 400, "invalid_parameter", Some("posted_after"), Some("yesterday")),
        ("/api/v1/facets?salary_min=-5", 400, "invalid_parameter", Some("salary_min"), Some("-5")),
        ("/api/v2/jobs", 404, "not_found", None, None),
    ] {
        let (got, e) = get(uri).await;
        assert_eq!(got.as_u16(), status, "{uri}: {e}");
        assert_eq!(e["error"]["code"], code, "{uri}: {e}");
        assert_eq!(e["error"]["parameter"].as_str(), parameter, "{uri}: {e}");
        assert_eq!(e["error"]["value"].as_str(), value, "{uri}: {e}");
        assert!(!e["error"]["message"].as_str().unwrap().is_empty());
    }
    let long = format!("/api/v1/jobs?q={}", "a".repeat(5000));
    let (status, e) = get(&long).await;
    assert_eq!((status, e["error"]["code"].as_str()), (StatusCode::URI_TOO_LONG, Some("query_too_long")));
    let (status, e) = call("POST", "/api/v1/jobs").await;
    assert_eq!((status, e["error"]["code"].as_str()), (StatusCode::METHOD_NOT_ALLOWED, Some("method_not_allowed")));
}

#[tokio::test]
async fn openapi_document_and_explorer() {
    let (status, doc) = get("/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in ["/api/v1/jobs", "/api/v1/jobs/{id}", "/api/v1/facets", "/api/v1/taxonomy/{kind}", "/api/v1/stats", "/api/v1/salary/stats", "/healthz"] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing");
    }
    insta::assert_json_snapshot!("openapi", doc);
    let response = APP.router.clone().oneshot(Request::builder().uri("/api/docs/").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.into_body().collect().await.unwrap().to_bytes();
    assert!(String::from_utf8_lossy(&html).contains("swagger"), "explorer page");
}

#[test]
fn over_a_real_socket_and_shut_down_gracefully() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async {
        let (addr_tx, addr_rx) = tokio::sync::oneshot::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(mljobs_web::serve_until(
            "127.0.0.1:0".parse().unwrap(),
            APP.router.clone(),
            mljobs_web::ServeOptions::default(),
            move |addr| {
                let _ = addr_tx.send(addr);
            },
            async move {
                let _ = stop_rx.await;
            },
        ));
        let addr = addr_rx.await.unwrap();
        let body = tokio::task::spawn_blocking(move || {
            use std::io::{Read, Write};
            let mut s = std::net::TcpStream::connect(addr).unwrap();
            s.write_all(b"GET /api/v1/jobs?q=python&per_page=2 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
            let mut out = String::new();
            s.read_to_string(&mut out).unwrap();
            out
        })
        .await
        .unwrap();
        assert!(body.starts_with("HTTP/1.1 200"), "{body}");
        assert!(body.contains("content-type: application/json"), "{body}");
        let json: Value = serde_json::from_str(body.split("\r\n\r\n").nth(1).unwrap()).unwrap();
        assert!(json["total"].as_u64().unwrap() > 0);
        stop_tx.send(()).unwrap();
        server.await.unwrap().unwrap();
    });
}

async fn post(uri: &str, body: &str) -> (StatusCode, Value) {
    let request = Request::builder().method("POST").uri(uri).header("content-type", "application/json").body(Body::from(body.to_string())).unwrap();
    let response = APP.router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

#[tokio::test]
async fn salary_estimate_gives_a_range_its_factors_and_comparables() {
    let (status, v) = post(
        "/api/v1/salary/estimate",
        r#"{"title": "Senior ML Engineer", "country": "United States", "years": 6, "industry": "finance", "company_size": "L", "remote": true, "skills": ["PyTorch", "aws"]}"#,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let e = &v["estimate"];
    let (p10, p50, p90) = (e["p10"].as_f64().unwrap(), e["p50"].as_f64().unwrap(), e["p90"].as_f64().unwrap());
    assert!(p10 < p50 && p50 < p90, "{e}");
    assert!((120_000.0..320_000.0).contains(&p50), "a senior ML engineer in the US: {p50}");
    assert_eq!(e["profile"]["country"], "US");
    assert_eq!(e["profile"]["level"], "SE", "the title (and 6 years) make a senior");
    // Skills no training salary names are left out of the estimate, and said so.
    let kept: Vec<&str> = e["profile"]["skills"].as_array().map(|a| a.iter().filter_map(|x| x.as_str()).collect()).unwrap_or_default();
    assert!(kept.iter().all(|k| ["pytorch", "aws"].contains(k)), "{kept:?}");
    if kept.len() < 2 {
        assert!(e["caveats"].as_array().unwrap().iter().any(|c| c.as_str().unwrap().contains("does not use")), "{}", e["caveats"]);
    }
    assert_eq!(e["role"], "machine-learning-engineer");
    let parts = e["contributions"].as_array().unwrap();
    let factors: Vec<&str> = parts.iter().map(|c| c["factor"].as_str().unwrap()).collect();
    for f in ["experience", "location", "industry", "specialisation", "company_size"] {
        assert!(factors.contains(&f), "{factors:?}");
    }
    let sum: f64 = parts.iter().map(|c| c["usd"].as_f64().unwrap()).sum();
    let baseline = e["baseline"].as_f64().unwrap();
    assert!((baseline + sum - p50).abs() <= 400.0, "the parts add up to the median: {baseline} + {sum} vs {p50}");
    assert!(e["assumed"].as_array().unwrap().iter().any(|a| a.as_str().unwrap().contains("read from the title")), "{}", e["assumed"]);
    let examples = e["comparables"]["examples"].as_array().unwrap();
    assert_eq!(examples.len(), 5);
    assert!(examples.iter().all(|x| x["profile"]["country"] == "US" && x["salary_usd"].as_f64().unwrap() > 0.0), "{examples:?}");
    assert!(e["comparables"]["distribution"]["count"].as_u64().unwrap() >= 10);
    assert_eq!(v["model"]["format"], mljobs_core::salary_model::FORMAT);
    let (status, by_industry) = get("/api/v1/salary/stats?by=industry&min_count=1").await;
    assert_eq!(status, StatusCode::OK, "{by_industry}");
    assert!(
        by_industry["groups"].as_array().unwrap().iter().all(|g| g["count"].as_u64() >= Some(1) && g["p10"].as_f64() <= g["p90"].as_f64()),
        "{by_industry}"
    );
    assert!(by_industry["salaries"].as_u64().unwrap() >= 1, "the fixtures state salaries with industries: {by_industry}");
}

#[tokio::test]
async fn salary_estimates_rise_with_the_level() {
    let mut medians = Vec::new();
    for level in ["EN", "MI", "SE", "EX"] {
        let (status, v) = post("/api/v1/salary/estimate", &format!(r#"{{"title": "Data Scientist", "country": "GB", "level": "{level}"}}"#)).await;
        assert_eq!(status, StatusCode::OK, "{v}");
        medians.push(v["estimate"]["p50"].as_f64().unwrap());
    }
    assert!(medians.windows(2).all(|w| w[0] <= w[1]), "{medians:?}");
    assert!(medians[0] < medians[2], "{medians:?}");
}

#[tokio::test]
async fn salary_estimate_names_the_bad_field_and_value() {
    for (body, parameter, value) in [
        (r#"{"title": "Data Scientist", "country": "XX"}"#, "country", "XX"),
        (r#"{"title": "Data Scientist", "country": "US", "level": "guru"}"#, "level", "guru"),
        (r#"{"title": "Data Scientist", "country": "US", "industry": "alchemy"}"#, "industry", "alchemy"),
        (r#"{"title": "Data Scientist", "country": "US", "company_size": "XL"}"#, "company_size", "XL"),
        (r#"{"title": "Data Scientist", "country": "US", "skills": ["pytorch", "telepathy"]}"#, "skills", "telepathy"),
        (r#"{"title": "", "country": "US"}"#, "title", ""),
    ] {
        let (status, v) = post("/api/v1/salary/estimate", body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {v}");
        assert_eq!(v["error"]["code"], "invalid_parameter", "{v}");
        assert_eq!(v["error"]["parameter"], parameter, "{v}");
        assert_eq!(v["error"]["value"], value, "{v}");
    }
    let (status, v) = post("/api/v1/salary/estimate", r#"{"title": "Data Scientist", "country": "US", "colour": "blue"}"#).await;
    assert_eq!((status, v["error"]["code"].as_str(), v["error"]["parameter"].as_str()), (StatusCode::BAD_REQUEST, Some("unknown_parameter"), Some("colour")));
    let (status, v) = post("/api/v1/salary/estimate", r#"{"title": "Data Scientist""#).await;
    assert_eq!((status, v["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_body")), "{v}");
    let (status, v) = post("/api/v1/salary/estimate", r#"{"country": "US"}"#).await;
    assert_eq!(
        (status, v["error"]["code"].as_str(), v["error"]["parameter"].as_str()),
        (StatusCode::BAD_REQUEST, Some("missing_parameter"), Some("title")),
        "a missing title: {v}"
    );
    let (status, _) = get("/api/v1/salary/estimate").await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn every_error_has_one_shape_naming_the_field_and_suggesting_the_value_meant() {
    // Body errors of the estimate: the field and its value, never Rust types.
    for (body, code, parameter, value) in [
        (r#"{"country": "US"}"#, "missing_parameter", Some("title"), None),
        (r#"{"title": "Data Scientist", "country": "US", "years": "six"}"#, "invalid_parameter", Some("years"), Some("\"six\"")),
        (r#"{"title": "Data Scientist", "country": "US", "remote": "yes"}"#, "invalid_parameter", Some("remote"), Some("\"yes\"")),
        (r#"{"title": "Data Scientist", "country": "US", "skills": ["python", 3]}"#, "invalid_parameter", Some("skills"), Some("[\"python\",3]")),
        (r#"{"title": "Data Scientist", "country": "US", "shoe": 42}"#, "unknown_parameter", Some("shoe"), None),
        ("[]", "invalid_body", None, None),
        ("{", "invalid_body", None, None),
    ] {
        let (status, e) = post("/api/v1/salary/estimate", body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {e}");
        assert_eq!(e["error"]["code"], code, "{body}: {e}");
        assert_eq!(e["error"]["parameter"].as_str(), parameter, "{body}: {e}");
        assert_eq!(e["error"]["value"].as_str(), value, "{body}: {e}");
        let message = e["error"]["message"].as_str().unwrap();
        assert!(!message.contains("struct") && !message.contains("EstimateRequest") && !message.contains("f64"), "{message}");
    }
    // A body that is not declared JSON.
    let request = Request::builder()
        .method("POST")
        .uri("/api/v1/salary/estimate")
        .header("content-type", "text/plain")
        .body(Body::from(r#"{"title":"x","country":"US"}"#))
        .unwrap();
    let response = APP.router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // The 405 says what the route takes.
    let (status, e) = get("/api/v1/salary/estimate").await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(e["error"]["message"].as_str().unwrap().contains("it takes POST"), "{e}");
    // Effects print without float noise.
    let (_, v) = post("/api/v1/salary/estimate", r#"{"title": "Senior Data Scientist", "country": "DE", "company_size": "L"}"#).await;
    for c in v["estimate"]["contributions"].as_array().unwrap() {
        let text = c["effect_pct"].to_string();
        assert!(text.len() <= 6, "{text}");
    }
    // An unknown filter value suggests the one meant, as the CLI does.
    let (status, e) = get("/api/v1/jobs?role=mle").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(e["error"]["message"].as_str().unwrap().contains("did you mean machine-learning-engineer?"), "{e}");
    let (_, e) = get("/api/v1/jobs?country=Germany").await;
    assert!(e["error"]["message"].as_str().unwrap().contains("did you mean DE?"), "{e}");
}

/// Issue 13: the body limit holds for bodies that declare no length (chunked transfer): a 1 MB
/// body streamed in 8 KB chunks is refused with 413 in the API's error shape, not buffered and
/// parsed; a small streamed body still works.
#[tokio::test]
async fn a_chunked_body_over_the_limit_is_refused() {
    let streamed = |chunks: Vec<Vec<u8>>| {
        let stream = futures_util::stream::iter(chunks.into_iter().map(Ok::<_, std::io::Error>));
        Request::builder().method("POST").uri("/api/v1/salary/estimate").header("content-type", "application/json").body(Body::from_stream(stream)).unwrap()
    };
    let mut big = vec![b"{\"title\": \"".to_vec()];
    big.extend(std::iter::repeat_n(vec![b'a'; 8192], 128));
    big.push(b"\"}".to_vec());
    let request = streamed(big);
    assert!(request.headers().get("content-length").is_none());
    let response = APP.router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let v: Value = serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!((status, v["error"]["code"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("body_too_large")), "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("65536"), "{v}");

    let small = streamed(vec![br#"{"title": "Data Scientist", "#.to_vec(), br#""country": "US"}"#.to_vec()]);
    let response = APP.router.clone().oneshot(small).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

/// Issue 13: idle and half-sent connections used to stay open forever (~1,100 of them exhausted a
/// 1,024 file limit and the server stopped answering). Now a client must send its headers within
/// the header-read timeout (closed otherwise, kept-alive idle ones too), and connections beyond
/// the cap wait in the backlog instead of taking file descriptors — a normal request is answered
/// as soon as a slot frees.
#[test]
fn silent_and_half_sent_connections_are_closed_and_the_rest_wait_for_a_slot() {
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::time::Duration;
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async {
        let (addr_tx, addr_rx) = tokio::sync::oneshot::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let options = mljobs_web::ServeOptions { header_read_timeout: Duration::from_millis(300), max_connections: Some(3) };
        let server = tokio::spawn(mljobs_web::serve_until(
            "127.0.0.1:0".parse().unwrap(),
            APP.router.clone(),
            options,
            move |addr| {
                let _ = addr_tx.send(addr);
            },
            async move {
                let _ = stop_rx.await;
            },
        ));
        let addr = addr_rx.await.unwrap();
        tokio::task::spawn_blocking(move || {
            // Three connections take every slot: one silent, one half-sent, one kept alive after
            // an answer.
            let silent = TcpStream::connect(addr).unwrap();
            let mut half = TcpStream::connect(addr).unwrap();
            half.write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\n").unwrap();
            let mut kept = TcpStream::connect(addr).unwrap();
            kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n").unwrap();
            let mut buf = [0u8; 4096];
            kept.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let n = kept.read(&mut buf).unwrap();
            assert!(buf[..n].starts_with(b"HTTP/1.1 200"), "{}", String::from_utf8_lossy(&buf[..n]));
            // A fourth client is answered once the idle ones are closed.
            let started = std::time::Instant::now();
            let mut fourth = TcpStream::connect(addr).unwrap();
            fourth.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            fourth.write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").unwrap();
            let mut answer = String::new();
            fourth.read_to_string(&mut answer).unwrap();
            assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
            let waited = started.elapsed();
            assert!(waited >= Duration::from_millis(200), "the cap held the fourth connection until a slot freed: {waited:?}");
            // The three were closed by the server (end of stream, or a reset).
            for (name, mut s) in [("silent", silent), ("half-sent", half), ("kept-alive", kept)] {
                s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                let mut rest = Vec::new();
                let closed = match s.read_to_end(&mut rest) {
                    Ok(_) => true,
                    Err(e) => e.kind() != std::io::ErrorKind::WouldBlock && e.kind() != std::io::ErrorKind::TimedOut,
                };
                assert!(closed, "{name} connection still open");
            }
        })
        .await
        .unwrap();
        stop_tx.send(()).unwrap();
        server.await.unwrap().unwrap();
    });
}

/// Issue 13: store and index work used to run on every async worker at once with no admission,
/// so eight slow requests stalled `/healthz` for 21 s. Now such requests take turns (a bounded
/// number at a time); one that cannot get a turn within 2 s is answered 503 with `Retry-After`,
/// and `/healthz` never waits for a turn.
#[tokio::test]
async fn when_every_turn_is_taken_searches_shed_and_health_checks_answer() {
    let app = common::build(&["formats/postings.jsonl"]);
    let held = app.turns.clone().acquire_many_owned(app.turns.available_permits() as u32).await.unwrap();
    let started = std::time::Instant::now();
    let health = app.router.clone().oneshot(Request::builder().uri("/healthz").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    assert!(started.elapsed() < std::time::Duration::from_secs(1), "health checks wait for no turn");
    let search = app.router.clone().oneshot(Request::builder().uri("/api/v1/jobs?q=engineer").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(search.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(search.headers().get("retry-after").unwrap(), "1");
    let v: Value = serde_json::from_slice(&search.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!(v["error"]["code"], "busy");
    let page = app.router.clone().oneshot(Request::builder().uri("/jobs?q=engineer").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE, "pages shed too, as a page");
    drop(held);
    let search = app.router.clone().oneshot(Request::builder().uri("/api/v1/jobs?q=engineer").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(search.status(), StatusCode::OK);
}

/// Issue 13: the first rendering of `/skills` after an index commit took 8 s at 100k postings.
/// The server renders the market pages again whenever the index changes, before anyone asks:
/// without a single request, the answer cache fills with them.
#[test]
fn the_market_pages_are_rendered_ahead_of_visitors() {
    let app = common::build(&["formats/postings.jsonl"]);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async {
        let (addr_tx, addr_rx) = tokio::sync::oneshot::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let router = app.router.clone();
        let server = tokio::spawn(mljobs_web::serve_until(
            "127.0.0.1:0".parse().unwrap(),
            router.clone(),
            mljobs_web::ServeOptions::default(),
            move |addr| {
                let _ = addr_tx.send(addr);
            },
            async move {
                let _ = stop_rx.await;
            },
        ));
        addr_rx.await.unwrap();
        let started = std::time::Instant::now();
        loop {
            let response = router.clone().oneshot(Request::builder().uri("/healthz").body(Body::empty()).unwrap()).await.unwrap();
            let v: Value = serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
            // `/`, `/skills`, `/roles` and `/api/v1/stats` are cached answers; `/salaries` (a form)
            // keeps its distributions in a memo of its own.
            if v["cache"]["entries"].as_u64().unwrap() >= 4 {
                break;
            }
            assert!(started.elapsed() < std::time::Duration::from_secs(20), "pages not rendered ahead: {v}");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        stop_tx.send(()).unwrap();
        server.await.unwrap().unwrap();
    });
}

/// A multipart form with one file field, as a browser sends it.
async fn upload(uri: &str, file_name: &str, bytes: &[u8], extra: &[(&str, &str)]) -> (StatusCode, Value) {
    let boundary = "----mljobs-test-boundary";
    let mut body = Vec::new();
    for (k, v) in extra {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes());
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let request =
        Request::builder().method("POST").uri(uri).header("content-type", format!("multipart/form-data; boundary={boundary}")).body(Body::from(body)).unwrap();
    let response = APP.router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

fn resume(name: &str) -> Vec<u8> {
    std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/resumes/").to_string() + name).unwrap()
}

#[tokio::test]
async fn a_resume_becomes_a_profile_and_bad_files_say_why() {
    let (status, v) = upload("/api/v1/profile", "ml-engineer.pdf", &resume("ml-engineer.pdf"), &[]).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!((v["profile"]["role"].as_str(), v["profile"]["name"].as_str()), (Some("machine-learning-engineer"), Some("Jonas Weber")));
    assert!(v["chars"].as_u64().unwrap() > 500);
    let (status, v) = post("/api/v1/profile", r#"{"text": "Data Scientist, Acme | 2019 - 2024\nPython, SQL and scikit-learn"}"#).await;
    assert_eq!((status, v["profile"]["role"].as_str()), (StatusCode::OK, Some("data-scientist")), "{v}");
    let (status, v) = post("/api/v1/profile", &String::from_utf8(resume("student.json")).unwrap()).await;
    assert_eq!((status, v["profile"]["name"].as_str()), (StatusCode::OK, Some("Lin Chen")), "a JSON Resume as the body");
    for (name, bytes, code, says) in [
        ("scan.pdf", resume("scan.pdf"), StatusCode::UNPROCESSABLE_ENTITY, "no text layer"),
        ("cv.doc", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 old".to_vec(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "old Word (.doc)"),
        ("locked.pdf", b"%PDF-1.7\ntrailer << /Encrypt 1 0 R >>".to_vec(), StatusCode::UNPROCESSABLE_ENTITY, "encrypted"),
        ("empty.txt", b"   ".to_vec(), StatusCode::UNPROCESSABLE_ENTITY, "empty"),
    ] {
        let (status, v) = upload("/api/v1/profile", name, &bytes, &[]).await;
        assert_eq!(status, code, "{name}: {v}");
        assert!(v["error"]["message"].as_str().unwrap().contains(says), "{name}: {v}");
    }
    let too_big = vec![b'a'; 6 << 20];
    let (status, v) = upload("/api/v1/profile", "big.txt", &too_big, &[]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    let (status, _) = call("POST", "/api/v1/profile").await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn a_profile_is_matched_with_explanations() {
    let (_, v) = upload("/api/v1/profile", "ml-engineer.md", &resume("ml-engineer.md"), &[]).await;
    let profile = v["profile"].to_string();
    let (status, m) = post("/api/v1/match", &format!(r#"{{"profile": {profile}, "limit": 5}}"#)).await;
    assert_eq!(status, StatusCode::OK, "{m}");
    let matches = m["matches"].as_array().unwrap();
    assert!(!matches.is_empty() && matches.len() <= 5);
    assert_eq!(m["target_role"], "machine-learning-engineer");
    assert!(matches[0]["explanation"]["parts"].as_array().unwrap().len() == 5);
    assert!(m["gap"].is_array() && m["path"].is_array());
    // The salary outlook: the profile lives in Germany, is senior: now and one level up.
    let pay = &m["pay"];
    assert_eq!((pay["level"].as_str(), pay["next_level"].as_str()), (Some("SE"), Some("EX")), "{pay}");
    assert!(pay["now"]["p50"].as_f64().unwrap() > 20_000.0 && pay["next"]["p50"].as_f64().unwrap() > pay["now"]["p50"].as_f64().unwrap(), "{pay}");
    for (body, param) in [
        (format!(r#"{{"profile": {profile}, "role": "wizard"}}"#), "role"),
        (format!(r#"{{"profile": {profile}, "country": "Germany"}}"#), "country"),
        (format!(r#"{{"profile": {profile}, "limit": 0}}"#), "limit"),
        (format!(r#"{{"profile": {profile}, "colour": "blue"}}"#), "colour"),
    ] {
        let (status, v) = post("/api/v1/match", &body).await;
        assert_eq!((status, v["error"]["parameter"].as_str()), (StatusCode::BAD_REQUEST, Some(param)), "{v}");
    }
}

/// Issue 17: the market over time. Every posting of a search falls in one period (its date
/// posted, else first seen), so the periods add up to the search's total; values' counts are
/// theirs; bad parameters name themselves.
#[tokio::test]
async fn trends_add_up_to_the_search_and_name_bad_parameters() {
    let (status, jobs) = get("/api/v1/jobs?status=all&per_page=1").await;
    assert_eq!(status, StatusCode::OK);
    let (status, t) = get("/api/v1/trends?by=role&since=1995-01-01&interval=month&status=all&top=50").await;
    assert_eq!(status, StatusCode::OK, "{t}");
    let totals: u64 = t["totals"].as_array().unwrap().iter().map(|n| n.as_u64().unwrap()).sum();
    assert_eq!(totals, jobs["total"].as_u64().unwrap(), "{t}");
    assert_eq!(t["total"].as_u64().unwrap(), totals);
    // Each role's total is what the search finds for that role.
    for v in t["values"].as_array().unwrap().iter().take(3) {
        let (_, role) = get(&format!("/api/v1/jobs?status=all&per_page=1&role={}", v["value"].as_str().unwrap())).await;
        assert_eq!(v["total"], role["total"], "{v}");
        assert!(!v["label"].as_str().unwrap().contains('-'), "a name, not an id: {v}");
    }
    // Words and filters narrow it; paging parameters are ignored.
    let (_, narrow) = get("/api/v1/trends?q=kubernetes&since=1995-01-01&status=all&page=3").await;
    let (_, k) = get("/api/v1/jobs?q=kubernetes&status=all&per_page=1").await;
    assert_eq!(narrow["total"], k["total"]);
    // The posted-pay trend, when asked: medians only over 10 postings stating pay or more.
    let (status, p) = get("/api/v1/trends?by=role&since=1995-01-01&status=all&pay=true").await;
    assert_eq!(status, StatusCode::OK, "{p}");
    let pay = &p["pay"];
    assert_eq!(pay["min_postings"], 10);
    for (m, n) in pay["all"].as_array().unwrap().iter().zip(pay["postings"].as_array().unwrap()) {
        assert_eq!(m.is_null(), n.as_u64().unwrap() < 10, "{m} over {n}");
    }
    assert!(t.get("pay").is_none(), "no pay unless asked");
    for (uri, param) in [
        ("/api/v1/trends?pay=maybe", "pay"),
        ("/api/v1/trends?by=colour", "by"),
        ("/api/v1/trends?interval=fortnight", "interval"),
        ("/api/v1/trends?since=yesterday", "since"),
        ("/api/v1/trends?window=0", "window"),
        ("/api/v1/trends?role=wizard", "role"),
        ("/api/v1/trends?since=2999-01-01", "since"),
    ] {
        let (status, v) = get(uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {v}");
        assert_eq!(v["error"]["parameter"], param, "{uri}: {v}");
    }
}

/// Issue 17: skills that go together, by lift with support, checked against the search's counts.
#[tokio::test]
async fn related_skills_rank_by_lift_and_agree_with_search_counts() {
    let (status, v) = get("/api/v1/skills/python/related?min_support=2&top=10").await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let (_, all) = get("/api/v1/jobs?per_page=1").await;
    let (_, python) = get("/api/v1/jobs?per_page=1&skill=python").await;
    assert_eq!((v["of"].clone(), v["postings"].clone()), (all["total"].clone(), python["total"].clone()));
    let related = v["related"].as_array().unwrap();
    assert!(!related.is_empty(), "{v}");
    let lifts: Vec<f64> = related.iter().map(|r| r["lift"].as_f64().unwrap()).collect();
    assert!(lifts.windows(2).all(|w| w[0] >= w[1]), "{lifts:?}");
    for r in related {
        let id = r["value"].as_str().unwrap();
        assert_ne!(id, "python");
        let (_, y) = get(&format!("/api/v1/jobs?per_page=1&skill={id}")).await;
        let (n, n_y, n_x) = (all["total"].as_f64().unwrap(), y["total"].as_f64().unwrap(), python["total"].as_f64().unwrap());
        let together = r["together"].as_f64().unwrap();
        assert!(together >= 2.0 && together <= n_x.min(n_y), "{r}");
        assert!((r["share_all"].as_f64().unwrap() - n_y / n).abs() < 1e-9, "{r}");
        assert!((r["lift"].as_f64().unwrap() - (together / n_x) / (n_y / n)).abs() < 1e-9, "{r}");
    }
    // By name too; unknown skills and bad parameters are named.
    let (status, by_name) = get("/api/v1/skills/Python/related?min_support=2&top=10").await;
    assert_eq!((status, by_name["skill"].as_str()), (StatusCode::OK, Some("python")));
    assert_eq!(get("/api/v1/skills/basket-weaving/related").await.0, StatusCode::NOT_FOUND);
    let (status, e) = get("/api/v1/skills/python/related?top=0").await;
    assert_eq!((status, e["error"]["parameter"].as_str()), (StatusCode::BAD_REQUEST, Some("top")));
}
