//! Ingest: formats, rejections, dedupe, idempotence, crash safety.

use std::io::Write;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::{ingest_json, mljobs, ok, repo};

fn n(v: &Value, key: &str) -> u64 {
    v[key].as_u64().unwrap_or_else(|| panic!("no {key} in {v}"))
}

#[test]
fn every_format_ingests_and_bad_records_are_reported_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, u64, u64); 12] = [
        // file, records read, rejected
        ("testdata/formats/postings.csv", 12, 2),
        ("testdata/formats/postings.jsonl", 7, 3),
        ("testdata/formats/jobposting.html", 2, 0),
        ("testdata/formats/jobposting.json", 2, 1),
        ("testdata/formats/greenhouse.json", 3, 0),
        ("testdata/formats/lever.json", 2, 0),
        ("testdata/formats/ashby.json", 2, 0),
        ("testdata/formats/workable.json", 3, 1),
        // The third posting has no detail (no jobAd): no description.
        ("testdata/formats/smartrecruiters.json", 3, 1),
        // Likewise the third Workday posting (the list's fields only).
        ("testdata/formats/workday.json", 3, 1),
        // And the third Rippling job (the list's id, name and places only).
        ("testdata/formats/rippling.json", 3, 1),
        ("testdata/formats/soup.html", 1, 0),
    ];
    for (file, read, rejected) in cases {
        let v = ingest_json(dir.path(), &[file]);
        assert_eq!((n(&v, "read"), n(&v, "rejected")), (read, rejected), "{file}: {v:#}");
    }
    let v = ingest_json(tempfile::tempdir().unwrap().path(), &["testdata/formats/postings.csv", "testdata/formats/postings.jsonl"]);
    let rejections: Vec<&str> = v["rejections"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect();
    assert_eq!(
        rejections,
        [
            "testdata/formats/postings.csv:7 (record 3): field `title` is missing or empty",
            "testdata/formats/postings.csv:16 (record 12): row has 12 fields, the header has 11",
            "testdata/formats/postings.jsonl:3 (record 3): field `description` is missing or empty (title \"Data Engineer\")",
            "testdata/formats/postings.jsonl:4 (record 4): invalid JSON: expected ident at line 1 column 2",
            "testdata/formats/postings.jsonl:5 (record 5): expected a JSON object, found an array",
        ]
    );
    let warnings: Vec<&str> = v["warnings"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect();
    assert!(
        warnings.contains(&"testdata/formats/postings.jsonl:6 (record 6): field `salary_min` (column \"salary.min\"): \"lots\" is not a number; left empty"),
        "{warnings:?}"
    );
    assert!(
        warnings.contains(&"testdata/formats/postings.csv:8 (record 4): field `date_posted`: cannot read \"2026-02-30\" as a date; left empty"),
        "{warnings:?}"
    );
}

#[test]
fn ingesting_the_same_files_twice_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let files = ["testdata/formats/postings.csv", "testdata/formats/greenhouse.json", "testdata/formats/lever.json", "testdata/formats/reposts.jsonl"];
    let first = ingest_json(dir.path(), &files);
    let stats1 = ok(&mljobs(dir.path(), &["stats", "--json"]));
    let second = ingest_json(dir.path(), &files);
    assert_eq!(n(&second, "new"), 0, "{second:#}");
    assert_eq!(n(&second, "updated"), 0);
    assert_eq!(n(&second, "unchanged"), n(&first, "new") + n(&first, "unchanged"));
    assert_eq!(ok(&mljobs(dir.path(), &["stats", "--json"])), stats1, "stats changed after re-ingest");
}

#[test]
fn dedupe_tiers_update_alias_and_group() {
    let dir = tempfile::tempdir().unwrap();
    let v = ingest_json(dir.path(), &["testdata/formats/reposts.jsonl", "testdata/formats/greenhouse.json", "testdata/formats/postings.csv"]);
    // reposts: K-1 new, K-2 near-duplicate of K-1 (grouped), board-998 same URL as K-1 (duplicate), K-3 new.
    // greenhouse: two posts of internal job 2001 (grouped). CSV: SAMPLE-001 appears twice (unchanged).
    assert_eq!(n(&v, "duplicates"), 1, "{v:#}");
    assert_eq!(n(&v, "grouped"), 2, "{v:#}");
    assert_eq!(n(&v, "unchanged"), 1, "{v:#}");
    let stats: Value = serde_json::from_str(&ok(&mljobs(dir.path(), &["stats", "--json"]))).unwrap();
    assert_eq!(n(&stats, "postings") - n(&stats, "canonical_postings"), 2);

    // An edited record with the same source id is an update in place.
    let edited = dir.path().join("reposts.jsonl");
    let text = std::fs::read_to_string(repo().join("testdata/formats/reposts.jsonl")).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    lines[3] = lines[3].replace("3+ years", "5+ years");
    std::fs::write(&edited, lines.join("\n")).unwrap();
    // Same file name, so the same source ("jsonl:reposts.jsonl").
    let v = ingest_json(dir.path(), &[edited.to_str().unwrap()]);
    assert_eq!((n(&v, "updated"), n(&v, "new")), (1, 0), "{v:#}");
}

#[test]
fn show_prints_a_posting_with_its_group_and_json() {
    let dir = tempfile::tempdir().unwrap();
    ingest_json(dir.path(), &["testdata/formats/greenhouse.json"]);
    let stats: Value = serde_json::from_str(&ok(&mljobs(dir.path(), &["stats", "--json"]))).unwrap();
    assert_eq!(n(&stats, "postings"), 3);
    let store_ids = {
        let v: Value = serde_json::from_str(ok(&mljobs(dir.path(), &["enrich", "testdata/formats/greenhouse.json"])).lines().next().unwrap()).unwrap();
        v["id"].as_str().unwrap().to_string()
    };
    let text = ok(&mljobs(dir.path(), &["show", &store_ids[..6]]));
    assert!(text.contains("role        machine-learning-engineer"), "{text}");
    assert!(text.contains("similar     "), "{text}");
    let json: Value = serde_json::from_str(&ok(&mljobs(dir.path(), &["show", &store_ids, "--json"]))).unwrap();
    assert_eq!(json["enrichment"]["salary"]["annual_usd_max"], 215000.0);
    assert_eq!(json["similar"].as_array().unwrap().len(), 1);
    let missing = mljobs(dir.path(), &["show", "ffffffffffffffff"]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no posting with id \"ffffffffffffffff\""));
}

/// Issue 14: several ranges are kept and shown by `enrich` and `show`; "Costa Mesa, CA" is in
/// California.
#[test]
fn enrich_and_show_give_every_range_a_posting_states() {
    let dir = tempfile::tempdir().unwrap();
    let e: Value = serde_json::from_str(ok(&mljobs(dir.path(), &["enrich", "testdata/web/pay-zones.jsonl"])).lines().next().unwrap()).unwrap();
    let salary = &e["salary"];
    assert_eq!((salary["min"].as_f64(), salary["max"].as_f64(), salary["currency"].as_str()), (Some(150000.0), Some(220000.0), Some("USD")));
    assert_eq!(salary["ranges"][1]["label"], "Zone 2 (all other US locations)", "{salary}");
    assert_eq!(
        (e["location"]["city"].as_str(), e["location"]["region"].as_str(), e["location"]["country"].as_str()),
        (Some("Costa Mesa"), Some("CA"), Some("US"))
    );
    ingest_json(dir.path(), &["testdata/web/pay-zones.jsonl"]);
    let text = ok(&mljobs(dir.path(), &["show", e["id"].as_str().unwrap()]));
    assert!(text.contains("location    Costa Mesa, CA, US"), "{text}");
    assert!(text.contains("  range     Zone 1 (San Francisco Bay Area, New York City): 180000–220000 USD per year"), "{text}");
    assert!(text.contains("  range     Zone 2 (all other US locations): 150000–190000 USD per year"), "{text}");
}

#[test]
fn stats_and_taxonomy_print_text_and_json() {
    let dir = tempfile::tempdir().unwrap();
    ingest_json(dir.path(), &["testdata/formats/postings.csv"]);
    let text = ok(&mljobs(dir.path(), &["stats"]));
    assert!(text.starts_with("postings 9 (9 after grouping near-duplicates)"), "{text}");
    let v: Value = serde_json::from_str(&ok(&mljobs(dir.path(), &["stats", "--json"]))).unwrap();
    assert_eq!(v["by_role"]["machine-learning-engineer"], 1);
    assert_eq!(v["by_country"]["US"], 4);
    for kind in ["roles", "skills", "industries", "areas", "levels"] {
        let j: Value = serde_json::from_str(&ok(&mljobs(dir.path(), &["taxonomy", kind, "--json"]))).unwrap();
        assert!(!j.as_array().unwrap().is_empty(), "{kind}");
    }
    let skills: Value = serde_json::from_str(&ok(&mljobs(dir.path(), &["taxonomy", "skills", "--json"]))).unwrap();
    assert!(skills.as_array().unwrap().len() >= 400);
}

#[test]
fn a_column_mapping_reads_unusual_headers_and_bad_mappings_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("export.csv");
    std::fs::write(&csv, "Req,Role Name,Org,Where,Body,Pay\nR1,Data Engineer,Acme,\"Austin, TX\",\"Airflow, dbt and Snowflake pipelines.\",\"$140k-$160k\"\n")
        .unwrap();
    let out =
        ok(&mljobs(dir.path(), &["enrich", csv.to_str().unwrap(), "--map", "id=Req,title=Role Name,company=Org,location=Where,description=Body,salary=Pay"]));
    let v: Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(v["role"], "data-engineer");
    assert_eq!(v["location"]["region"], "TX");
    assert_eq!(v["salary"]["annual_usd_min"], 140000.0);
    let bad = mljobs(dir.path(), &["enrich", csv.to_str().unwrap(), "--map", "title=Job Title"]);
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("column \"Job Title\" (for field `title`) is not in the input; columns are: Req, Role Name, Org, Where, Body, Pay"), "{err}");
    let bad = mljobs(dir.path(), &["enrich", csv.to_str().unwrap(), "--map", "titel=Role Name"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown field \"titel\""));
}

#[test]
fn huge_and_hostile_records_are_rejected_or_kept_without_losing_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nasty.jsonl");
    let mut f = std::fs::File::create(&path).unwrap();
    let huge = "x ".repeat(600_000);
    writeln!(f, "{}", serde_json::json!({"id": 1, "title": "Data Scientist", "description": huge})).unwrap();
    writeln!(f, "{}", serde_json::json!({"id": 2, "title": 42, "description": "A title that is a number is a broken record (issue 13).", "salary_min": true}))
        .unwrap();
    writeln!(
        f,
        "{}",
        serde_json::json!({"id": 3, "title": "<script>alert(1)</script>ML Engineer", "description": "<img src=x onerror=alert(1)><p>PyTorch</p>"})
    )
    .unwrap();
    writeln!(f, "{}", serde_json::json!({"id": 4, "title": "Ｍａｃｈｉｎｅ Ｌｅａｒｎｉｎｇ Ｅｎｇｉｎｅｅｒ", "description": "Ｐｙｔｈｏｎ and SQL"}))
        .unwrap();
    writeln!(f, "{}", serde_json::json!({"id": 5})).unwrap();
    drop(f);
    let v = ingest_json(dir.path(), &[path.to_str().unwrap()]);
    assert_eq!((n(&v, "read"), n(&v, "new"), n(&v, "rejected")), (5, 2, 3), "{v:#}");
    let rejections = v["rejections"].to_string();
    assert!(rejections.contains("nasty.jsonl:1 (record 1): field `description` is 1200000 bytes, over the 1048576-byte limit"), "{rejections}");
    assert!(rejections.contains("nasty.jsonl:2 (record 2): field `title` (column \\\"title\\\"): expected text, found a number 42"), "{rejections}");
    assert!(rejections.contains("nasty.jsonl:5 (record 5): field `title` is missing or empty"), "{rejections}");
    let out = ok(&mljobs(dir.path(), &["enrich", path.to_str().unwrap()]));
    let recs: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(recs[0]["title"], "<script>alert(1)</script>ML Engineer", "titles are kept as text; escaping is the renderer's job");
    assert_eq!(recs[1]["role"], "machine-learning-engineer", "full-width letters are folded");

    // HTML soup (Word markup, unclosed tags, a table, a script, entities) becomes clean text.
    let soup: Value = serde_json::from_str(ok(&mljobs(dir.path(), &["enrich", "testdata/formats/soup.html"])).trim()).unwrap();
    assert_eq!(soup["title"], "Sr. Data Scientist – Forecasting (m/f/d)");
    assert_eq!(soup["salary"]["raw"], "Salary: 70.000 € – 90.000 € brutto/Jahr");
    assert_eq!(soup["work_mode"], "hybrid");
    let store = tempfile::tempdir().unwrap();
    ingest_json(store.path(), &["testdata/formats/soup.html"]);
    let shown: Value = serde_json::from_str(&ok(&mljobs(store.path(), &["show", soup["id"].as_str().unwrap(), "--json"]))).unwrap();
    let text = shown["posting"]["description"].as_str().unwrap();
    assert!(
        text.starts_with("Who we are\nGannet Labs builds demand forecasting for grocery retailers & wholesalers.\nWhat you'll do\n- Build time series"),
        "{text}"
    );
    assert!(text.contains("Nice Airflow <3"), "a literal < in text is kept: {text}");
    assert!(!text.contains("alert("), "script content is dropped: {text}");
    let ids: Vec<&str> = recs[1]["skills"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["machine-learning", "python", "sql"]);
}

/// Kills `mljobs ingest` (SIGKILL) part-way through a large file, checks the store is consistent,
/// re-runs, and checks that every posting is stored exactly once.
#[test]
fn killing_ingest_midway_loses_and_doubles_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.jsonl");
    let total = 30_000u64;
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        for i in 0..total {
            let title = ["Machine Learning Engineer", "Data Scientist", "Data Engineer", "AI Engineer"][(i % 4) as usize];
            let desc = format!(
                "Posting {i}: we use Python, SQL and PyTorch on AWS. Team {} builds models for customers in {} markets. {}",
                i % 97,
                i % 13,
                "Benefits and a learning budget. ".repeat(10)
            );
            writeln!(
                f,
                "{}",
                serde_json::json!({"id": i, "title": title, "company": format!("Company {}", i % 500), "description": desc, "location": "Berlin, Germany"})
            )
            .unwrap();
        }
    }
    let data = dir.path().join("data");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mljobs"))
        .args(["--data-dir", data.to_str().unwrap(), "ingest", "--batch-size", "200", path.to_str().unwrap()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until some batches are committed, then kill without warning.
    let db = data.join("mljobs.sqlite3");
    let start = Instant::now();
    let stored_before_kill = loop {
        std::thread::sleep(Duration::from_millis(20));
        if let Ok(store) = mljobs_store::Store::open(&data)
            && let Ok(n) = store.count()
            && n >= 1_000
        {
            break n;
        }
        assert!(start.elapsed() < Duration::from_secs(120), "ingest made no progress");
        assert!(child.try_wait().unwrap().is_none(), "ingest finished before it could be killed; make the file bigger");
    };
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(db.exists());
    let store = mljobs_store::Store::open(&data).unwrap();
    assert_eq!(store.check().unwrap(), Vec::<String>::new(), "store inconsistent after kill");
    let after_kill = store.count().unwrap();
    assert!(after_kill >= stored_before_kill && after_kill < total, "killed too late: {after_kill} of {total}");
    assert_eq!(after_kill % 200, 0, "only whole batches are committed");
    drop(store);
    let v = ingest_json(&data, &[path.to_str().unwrap()]);
    assert_eq!(n(&v, "unchanged"), after_kill, "{v:#}");
    assert_eq!(n(&v, "new"), total - after_kill, "{v:#}");
    let store = mljobs_store::Store::open(&data).unwrap();
    assert_eq!(store.count().unwrap(), total);
    assert!(store.check().unwrap().is_empty());
    // The search index caught up too: every posting is findable exactly once.
    let found: Value = serde_json::from_str(&ok(&mljobs(&data, &["search", "", "--no-collapse", "--json", "--limit", "1"]))).unwrap();
    assert_eq!(found["total"], total);

    // Issue 13: the index's life around that store. A reindex killed part-way leaves the old
    // index whole (it used to commit an empty index first: total 0 until the next run).
    let total_found = |data: &std::path::Path| -> u64 {
        let found: Value = serde_json::from_str(&ok(&mljobs(data, &["search", "", "--no-collapse", "--json", "--limit", "1"]))).unwrap();
        found["total"].as_u64().unwrap()
    };
    let index_dir = data.join("index");
    let files_before = std::fs::read_dir(&index_dir).unwrap().count();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mljobs"))
        .args(["--data-dir", data.to_str().unwrap(), "reindex"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the rebuild has written segment files of its own, then kill it.
    let start = Instant::now();
    while std::fs::read_dir(&index_dir).unwrap().count() <= files_before + 2 {
        std::thread::sleep(Duration::from_millis(5));
        assert!(child.try_wait().unwrap().is_none(), "reindex finished before it could be killed");
        assert!(start.elapsed() < Duration::from_secs(120), "reindex wrote nothing");
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(total_found(&data), total, "a killed reindex leaves the old index");
    let v: Value = serde_json::from_str(&ok(&mljobs(&data, &["reindex", "--json"]))).unwrap();
    assert_eq!(v["indexed"], total);
    assert_eq!(total_found(&data), total);

    // A damaged index (a segment file deleted): reading commands say what to do; reindex repairs it.
    let segment_file = std::fs::read_dir(&index_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "idx"))
        .expect("a segment's term index file");
    std::fs::remove_file(&segment_file).unwrap();
    let out = mljobs(&data, &["search", "engineer"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("is damaged") && err.contains("`mljobs reindex` rebuilds it from the store"), "{err}");
    let out = mljobs(&data, &["reindex"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("could not be read"), "the repair is said");
    ok(&out);
    assert_eq!(total_found(&data), total);
    // meta.json emptied: the same.
    std::fs::write(index_dir.join("meta.json"), "").unwrap();
    ok(&mljobs(&data, &["reindex"]));
    assert_eq!(total_found(&data), total);
}

#[test]
fn a_taxonomy_directory_overrides_the_built_in_files() {
    let dir = tempfile::tempdir().unwrap();
    let tax = dir.path().join("taxonomy");
    std::fs::create_dir(&tax).unwrap();
    let skills = std::fs::read_to_string(repo().join("taxonomy/skills.csv")).unwrap();
    std::fs::write(tax.join("skills.csv"), format!("{skills}quokkaflow,QuokkaFlow,ml_frameworks,tool,quokka flow,,\n")).unwrap();
    let jsonl = dir.path().join("one.jsonl");
    std::fs::write(&jsonl, r#"{"id": 1, "title": "ML Engineer", "description": "We train models with QuokkaFlow and PyTorch."}"#).unwrap();
    let out = ok(&mljobs(dir.path(), &["--taxonomy", tax.to_str().unwrap(), "enrich", jsonl.to_str().unwrap()]));
    let v: Value = serde_json::from_str(out.trim()).unwrap();
    let ids: Vec<&str> = v["skills"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"quokkaflow"), "{ids:?}");

    std::fs::write(tax.join("skills.csv"), format!("{skills}broken,Broken,data,gadget,,,\n")).unwrap();
    let bad = mljobs(dir.path(), &["--taxonomy", tax.to_str().unwrap(), "enrich", jsonl.to_str().unwrap()]);
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("taxonomy file skills.csv: row") && err.contains("field `kind`: \"gadget\" is not tool or concept"), "{err}");
}

#[test]
fn enrich_reads_json_lines_from_standard_input() {
    use std::io::Write as _;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mljobs"))
        .args(["enrich", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(br#"{"title": "Data Engineer", "description": "Airflow and dbt."}"#).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["role"], "data-engineer");
}

#[test]
fn search_finds_ingested_postings_with_filters_and_json() {
    let dir = tempfile::tempdir().unwrap();
    ingest_json(dir.path(), &["testdata/formats/postings.csv", "testdata/formats/greenhouse.json", "testdata/formats/reposts.jsonl"]);
    let text = ok(&mljobs(dir.path(), &["search", "machine learning", "--country", "us"]));
    assert!(text.lines().next().unwrap().ends_with("ms)"), "{text}");
    assert!(text.contains("Machine Learning Engineer, Recommendations — Otterstream · New York, US · $215k · 1 similar"), "{text}");
    let v: Value = serde_json::from_str(&ok(&mljobs(dir.path(), &["search", "", "--role", "data-analyst", "--json"]))).unwrap();
    assert!(v["total"].as_u64().unwrap() >= 2, "{v}");
    assert!(v["hits"].as_array().unwrap().iter().all(|h| h["role"] == "data-analyst"));
    // Disjunctive counts: the role facet still shows the other roles.
    assert!(v["facets"]["role"].as_array().unwrap().len() > 3, "{}", v["facets"]["role"]);
    // reindex rebuilds the same index.
    let r: Value = serde_json::from_str(&ok(&mljobs(dir.path(), &["reindex", "--json"]))).unwrap();
    assert_eq!(r["indexed"], n(&serde_json::from_str::<Value>(&ok(&mljobs(dir.path(), &["stats", "--json"]))).unwrap(), "postings"));
    let again: Value = serde_json::from_str(&ok(&mljobs(dir.path(), &["search", "", "--role", "data-analyst", "--json"]))).unwrap();
    assert_eq!(again["total"], v["total"]);
    // A misspelling is answered with close spellings, and says so.
    let typo = ok(&mljobs(dir.path(), &["search", "recomendations"]));
    assert!(typo.lines().next().unwrap().contains("close spellings"), "{typo}");
    assert!(typo.contains("Recommendations"), "{typo}");
    let exact: Value = serde_json::from_str(&ok(&mljobs(dir.path(), &["search", "recomendations", "--exact", "--json"]))).unwrap();
    assert_eq!((exact["total"].as_u64(), exact["typos_applied"].as_bool()), (Some(0), Some(false)));
}

#[test]
fn salary_stats_from_the_bundled_survey() {
    let dir = tempfile::tempdir().unwrap();
    let text = ok(&mljobs(dir.path(), &["salary", "stats", "--by", "level"]));
    assert!(text.starts_with("annual salary in USD by level — aijobs.net salary survey 2020-2024 (CC0), 72704 salaries"), "{text}");
    let v: Value = serde_json::from_str(&ok(&mljobs(dir.path(), &["salary", "stats", "--by", "company_size", "--json"]))).unwrap();
    let keys: Vec<&str> = v["groups"].as_array().unwrap().iter().map(|g| g["key"].as_str().unwrap()).collect();
    assert_eq!(keys[0], "M", "{keys:?}");
    let bad = mljobs(dir.path(), &["salary", "stats", "--by", "shoe_size"]);
    assert!(!bad.status.success() && String::from_utf8_lossy(&bad.stderr).contains("shoe_size"));
}

#[test]
fn salary_eval_trains_on_the_past_and_scores_the_next_year() {
    let dir = tempfile::tempdir().unwrap();
    let preds = dir.path().join("preds.csv");
    let v: Value = serde_json::from_str(&ok(&mljobs(dir.path(), &["salary", "eval", "--json", "--predictions", preds.to_str().unwrap()]))).unwrap();
    assert_eq!((v["train_rows"].as_u64(), v["test_rows"].as_u64()), (Some(10_475), Some(62_229)));
    let m = &v["metrics"];
    // Sanity bounds around the recorded figures (docs/quality.md): a broken model lands far outside.
    assert!((30_000.0..60_000.0).contains(&m["mae"].as_f64().unwrap()), "{m}");
    assert!((0.5..0.95).contains(&m["coverage_p10_p90"].as_f64().unwrap()), "{m}");
    let lines = std::fs::read_to_string(&preds).unwrap().lines().count();
    assert_eq!(lines, 62_229 + 1);
    let bad = mljobs(dir.path(), &["salary", "eval", "--train-until", "2030"]);
    assert!(!bad.status.success() && String::from_utf8_lossy(&bad.stderr).contains("no salaries of 2031"));
}

#[test]
fn salary_train_estimate_and_eval_on_files() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        "testdata/formats/postings.csv",
        "testdata/formats/postings.jsonl",
        "testdata/formats/greenhouse.json",
        "testdata/formats/lever.json",
        "testdata/formats/ashby.json",
        "testdata/formats/jobposting.json",
    ];
    ingest_json(dir.path(), &files);
    // Before any `salary train`: the first estimate trains and saves the model.
    let first =
        mljobs(dir.path(), &["salary", "estimate", "--title", "Senior ML Engineer", "--country", "US", "--years", "6", "--remote", "--skills", "pytorch,AWS"]);
    let text = ok(&first);
    assert!(String::from_utf8_lossy(&first.stderr).contains("no salary model"), "{}", String::from_utf8_lossy(&first.stderr));
    assert!(dir.path().join("models/salary.json").exists());
    assert!(text.lines().nth(1).unwrap().trim_start().starts_with("median $"), "{text}");
    for factor in ["experience", "location", "industry", "specialisation", "company_size"] {
        assert!(text.contains(factor), "{factor} missing:\n{text}");
    }
    assert!(text.contains("assumed: level SE (senior) read from the title"), "{text}");
    assert!(text.contains("comparables"), "{text}");

    let trained: Value = serde_json::from_str(&ok(&mljobs(dir.path(), &["salary", "train", "--json"]))).unwrap();
    assert_eq!(trained["model"]["survey_rows"], 72_704);
    assert!(trained["model"]["posting_rows"].as_u64().unwrap() >= 3, "the fixtures state salary ranges: {trained}");
    assert_eq!(trained["model"]["estimate_year"], 2024, "a handful of postings does not make a year");
    let by_industry: Value = serde_json::from_str(&ok(&mljobs(dir.path(), &["salary", "stats", "--by", "industry", "--min-count", "1", "--json"]))).unwrap();
    let groups = by_industry["groups"].as_array().unwrap();
    assert!(by_industry["source"].as_str().unwrap().starts_with("postings in the store"), "{by_industry}");
    assert!(groups.iter().any(|g| g["key"] == "finance" && g["count"].as_u64() >= Some(1)), "{by_industry}");
    assert_eq!(groups.iter().map(|g| g["count"].as_u64().unwrap()).sum::<u64>(), by_industry["salaries"].as_u64().unwrap());

    let levels: Vec<f64> = ["junior", "mid", "senior"]
        .iter()
        .map(|l| {
            let v: Value = serde_json::from_str(&ok(&mljobs(
                dir.path(),
                &["salary", "estimate", "--title", "Data Engineer", "--country", "Canada", "--level", l, "--json"],
            )))
            .unwrap();
            let e = &v["estimate"];
            assert!(e["p10"].as_f64() < e["p50"].as_f64() && e["p50"].as_f64() < e["p90"].as_f64(), "{e}");
            e["p50"].as_f64().unwrap()
        })
        .collect();
    assert!(levels[0] <= levels[1] && levels[1] <= levels[2] && levels[0] < levels[2], "{levels:?}");

    for (args, needle) in [
        (&["--country", "XX"][..], "--country: \"XX\" is not a known country"),
        (&["--country", "US", "--industry", "alchemy"][..], "--industry: \"alchemy\" is not an industry"),
        (&["--country", "US", "--level", "wizard"][..], "--level: \"wizard\""),
        (&["--country", "US", "--company-size", "XL"][..], "--company-size: \"XL\""),
    ] {
        let mut all = vec!["salary", "estimate", "--title", "Data Engineer"];
        all.extend_from_slice(args);
        let bad = mljobs(dir.path(), &all);
        assert!(!bad.status.success() && String::from_utf8_lossy(&bad.stderr).contains(needle), "{args:?}: {}", String::from_utf8_lossy(&bad.stderr));
    }

    // eval on two files: the survey's ≤ 2023 rows and a slice of 2024.
    let survey = std::fs::read_to_string(repo().join("data/salaries/aijobs-salaries-2020-2024.csv")).unwrap();
    let mut lines = survey.lines();
    let header = lines.next().unwrap();
    let (mut train, mut test) = (format!("{header}\n"), format!("{header}\n"));
    for (i, l) in lines.enumerate() {
        if l.starts_with("2024") {
            if i % 10 == 0 {
                test.push_str(l);
                test.push('\n');
            }
        } else {
            train.push_str(l);
            train.push('\n');
        }
    }
    let (a, b) = (dir.path().join("train.csv"), dir.path().join("test.csv"));
    std::fs::write(&a, train).unwrap();
    std::fs::write(&b, &test).unwrap();
    let v: Value =
        serde_json::from_str(&ok(&mljobs(dir.path(), &["salary", "eval", "--train", a.to_str().unwrap(), "--test", b.to_str().unwrap(), "--json"]))).unwrap();
    assert_eq!(v["train_rows"], 10_475);
    assert_eq!(v["test_rows"].as_u64().unwrap() as usize, test.lines().count() - 1);
    assert!((30_000.0..60_000.0).contains(&v["metrics"]["mae"].as_f64().unwrap()), "{v}");
    std::fs::write(&b, format!("{header}\n2024,SE,FT,Data Scientist,abc,USD,abc,US,0,US,M\n")).unwrap();
    let bad = mljobs(dir.path(), &["salary", "eval", "--train", a.to_str().unwrap(), "--test", b.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(!bad.status.success() && err.contains("test.csv:2: field `salary_in_usd`: \"abc\""), "{err}");
    let bad = mljobs(dir.path(), &["salary", "train", "--data", b.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(!bad.status.success() && err.starts_with(&format!("error: {}:2: field `salary_in_usd`", b.display())), "{err}");
    assert!(dir.path().join("models/salary.json").exists(), "the saved model stays");
}

#[test]
fn reading_commands_name_a_missing_store_and_reject_unknown_filter_values_with_the_one_meant() {
    let dir = tempfile::tempdir().unwrap();
    let nowhere = dir.path().join("typo");
    for args in [&["search", "pytorch"][..], &["stats"], &["show", "0dbc69af"]] {
        let out = mljobs(&nowhere, args);
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("there is no mljobs store in") && err.contains("typo"), "{args:?}: {err}");
    }
    assert!(!nowhere.exists(), "no empty store was created where the mistyped directory points");

    ingest_json(dir.path(), &["testdata/formats/postings.jsonl"]);
    for (flag, value, meant) in [
        ("--role", "mle", "machine-learning-engineer"),
        ("--country", "Germany", "DE"),
        ("--skill", "pytroch", "pytorch"),
        ("--seniority", "snr", "senior"),
        ("--industry", "Finanse", "finance"),
    ] {
        let out = mljobs(dir.path(), &["search", "pytorch", flag, value]);
        assert!(!out.status.success(), "{flag} {value}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&format!("{flag}: {value:?} is not valid")) && err.contains(&format!("did you mean {meant}?")), "{err}");
    }
    assert!(ok(&mljobs(dir.path(), &["search", "", "--country", "no"])).contains("Fjord Robotics"), "a code in any case is fine");

    let out = mljobs(dir.path(), &["show", "0a"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("a prefix of one needs at least 4"), "{}", String::from_utf8_lossy(&out.stderr));
    let listed = ok(&mljobs(dir.path(), &["search", "Fjord"]));
    let id = listed.lines().nth(1).unwrap().split_whitespace().next().unwrap().to_string();
    let shown = ok(&mljobs(dir.path(), &["show", &id]));
    assert!(shown.lines().any(|l| l.starts_with("url ") && l.contains("http")), "{shown}");
    let help = ok(&mljobs(dir.path(), &["--help"]));
    assert!(help.lines().next().unwrap().contains("search") && help.contains("serve"), "{help}");
}

/// Issue 13: two different postings under one id in one file used to overwrite each other
/// silently; the later one is rejected naming the first. An exact repeat is not an error.
#[test]
fn different_postings_under_one_id_in_a_file_are_not_merged_silently() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("jobs.jsonl");
    std::fs::write(
        &file,
        [
            r#"{"id": "a1", "title": "ML Engineer", "company": "Acme", "description": "PyTorch and Kubernetes."}"#,
            r#"{"id": "b2", "title": "Data Analyst", "company": "Acme", "description": "SQL and Tableau."}"#,
            r#"{"id": "a1", "title": "Office Manager", "company": "Acme", "description": "Run the office."}"#,
            r#"{"id": "b2", "title": "Data Analyst", "company": "Acme", "description": "SQL and Tableau."}"#,
        ]
        .join("\n"),
    )
    .unwrap();
    let v = ingest_json(dir.path(), &[file.to_str().unwrap()]);
    assert_eq!((n(&v, "read"), n(&v, "new"), n(&v, "rejected")), (4, 2, 1), "{v:#}");
    let rejections = v["rejections"].to_string();
    assert!(rejections.contains("jobs.jsonl:3 (record 3): same id as record 1 (line 1) of this file, with different content (title \\\"ML Engineer\\\", this one \\\"Office Manager\\\"); the first is kept"), "{rejections}");
    let shown = ok(&mljobs(dir.path(), &["search", "engineer", "--json"]));
    assert!(shown.contains("ML Engineer") && !shown.contains("Office Manager"), "{shown}");
}

/// Issue 13: readers never need the index writer, and a busy writer gets a sentence. While
/// another process holds the writer (an ingest), `search` answers from the last commit, and a
/// second ingest stops before recording a run, saying why (it used to fail with tantivy's raw
/// `LockBusy` and leave an unfinished run behind).
#[test]
fn a_busy_index_writer_stops_writers_with_a_sentence_and_never_readers() {
    let dir = tempfile::tempdir().unwrap();
    ingest_json(dir.path(), &["testdata/formats/postings.jsonl"]);
    let index = mljobs_store::SearchIndex::open(&dir.path().join("index")).unwrap();
    let writer = index.writer().unwrap();
    let found = ok(&mljobs(dir.path(), &["search", "engineer", "--json"]));
    assert!(serde_json::from_str::<Value>(&found).unwrap()["total"].as_u64().unwrap() > 0, "{found}");
    let out = mljobs(dir.path(), &["ingest", "testdata/formats/postings.csv"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("is being written by another mljobs process (an ingest or a reindex); wait for it to finish"), "{err}");
    assert!(!err.contains("LockBusy"), "{err}");
    let db = rusqlite::Connection::open(dir.path().join("mljobs.sqlite3")).unwrap();
    let unfinished: i64 = db.query_row("SELECT count(*) FROM ingest_runs WHERE finished_at IS NULL", [], |r| r.get(0)).unwrap();
    assert_eq!(unfinished, 0, "a refused ingest leaves no run behind");
    drop(writer);
    ok(&mljobs(dir.path(), &["ingest", "testdata/formats/postings.csv"]));
}
