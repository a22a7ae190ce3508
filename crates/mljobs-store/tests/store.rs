//! Store behaviour on its own: schema versions, dedupe tiers, updates, consistency checks.

use chrono::{DateTime, Utc};
use mljobs_core::{JobPosting, RawPosting, RecordRef, Taxonomy, enrich};
use mljobs_store::Store;

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_780_000_000, 0).unwrap()
}

fn posting(source_id: &str, title: &str, company: &str, url: &str, description: &str) -> JobPosting {
    let raw = RawPosting {
        source: "jsonl:test.jsonl".into(),
        source_id: Some(source_id.into()),
        title: Some(title.into()),
        company: Some(company.into()),
        url: Some(url.into()),
        description: Some(description.into()),
        record: RecordRef { file: "test.jsonl".into(), line: Some(1), record: 1 },
        ..Default::default()
    };
    JobPosting::from_raw(raw, now()).unwrap()
}

fn write(store: &mut Store, postings: &[JobPosting]) -> mljobs_store::BatchOutcome {
    let t = Taxonomy::embedded();
    let batch: Vec<_> = postings.iter().map(|p| (p.clone(), enrich(p, &t))).collect();
    let run = store.begin_run(&["test.jsonl".into()], now()).unwrap();
    store.write_batch(run, &batch, &[], "tax", now()).unwrap()
}

const TEXT: &str = "We build demand forecasting models for retailers with Python, LightGBM and Spark. You will own feature pipelines, train and deploy models, and work with product teams on experiments. We offer a learning budget, health insurance and flexible hours, and we value clear writing and careful code review.";

#[test]
fn reopening_a_store_keeps_its_data_and_schema() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    write(&mut store, &[posting("1", "Data Scientist", "Acme", "https://acme.example/jobs/1", TEXT)]);
    drop(store);
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.count().unwrap(), 1);
    assert!(store.check().unwrap().is_empty());
}

#[test]
fn a_store_from_a_newer_version_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    drop(Store::open(dir.path()).unwrap());
    let conn = rusqlite::Connection::open(dir.path().join("mljobs.sqlite3")).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let err = Store::open(dir.path()).err().expect("refused").to_string();
    assert!(err.contains(&format!("schema version 99, newer than this build's {}", mljobs_store::SCHEMA_VERSION)), "{err}");
}

#[test]
fn dedupe_tiers() {
    let mut store = Store::open_in_memory().unwrap();
    let first = posting("1", "Data Scientist", "Acme", "https://acme.example/jobs/1", TEXT);
    let o = write(&mut store, std::slice::from_ref(&first));
    assert_eq!((o.new, o.grouped), (1, 0));

    // Same source id again, same content: unchanged; edited: updated in place.
    assert_eq!(write(&mut store, std::slice::from_ref(&first)).unchanged, 1);
    let edited = posting("1", "Data Scientist", "Acme", "https://acme.example/jobs/1", &TEXT.replace("Spark", "Spark and dbt"));
    assert_eq!(write(&mut store, &[edited]).updated, 1);
    assert_eq!(store.count().unwrap(), 1);

    // Another source id, same canonical URL (tracking parameters, www, case): a duplicate.
    let same_url = posting("board-9", "Data Scientist", "Acme", "https://WWW.acme.example/jobs/1/?utm_source=x", TEXT);
    assert_eq!(write(&mut store, std::slice::from_ref(&same_url)).duplicates, 1);
    assert_eq!(store.count().unwrap(), 1);
    let stored = store.get(&first.id).unwrap().unwrap();
    assert_eq!(stored.aliases, ["jsonl:test.jsonl:board-9"]);

    // A repost with a sentence changed: kept and grouped under the first.
    let stored_text = TEXT.replace("Spark", "Spark and dbt");
    let repost = posting(
        "2",
        "Data Scientist",
        "ACME",
        "https://acme.example/jobs/2",
        &stored_text.replace("flexible hours", "flexible hours and a home-office stipend"),
    );
    let o = write(&mut store, std::slice::from_ref(&repost));
    assert_eq!((o.new, o.grouped), (1, 1));
    let group = store.get(&repost.id).unwrap().unwrap();
    assert_eq!(group.canonical_id, first.id.as_str());
    assert_eq!(group.similar, [first.id.to_string()]);
    assert_eq!(store.get(&first.id).unwrap().unwrap().similar, [repost.id.to_string()]);

    // Same company and title, different job: not grouped.
    let other = posting(
        "3",
        "Data Scientist",
        "Acme",
        "https://acme.example/jobs/3",
        "Computer vision on shelf images with PyTorch and ONNX; edge devices in stores; C++ inference services and camera calibration.",
    );
    assert_eq!(write(&mut store, &[other]).grouped, 0);
    assert_eq!(store.count().unwrap(), 3);
    let stats = store.stats(10).unwrap();
    assert_eq!((stats.postings, stats.canonical_postings), (3, 2));
    assert!(store.check().unwrap().is_empty());
}

#[test]
fn updates_replace_skills_and_areas() {
    let mut store = Store::open_in_memory().unwrap();
    write(&mut store, &[posting("1", "Data Scientist", "Acme", "https://acme.example/jobs/1", TEXT)]);
    let before = store.stats(50).unwrap();
    assert!(before.by_skill.iter().any(|(s, _)| s == "spark"));
    write(&mut store, &[posting("1", "Data Scientist", "Acme", "https://acme.example/jobs/1", &TEXT.replace("Spark", "Snowflake"))]);
    let after = store.stats(50).unwrap();
    assert!(!after.by_skill.iter().any(|(s, _)| s == "spark"), "{:?}", after.by_skill);
    assert!(after.by_skill.iter().any(|(s, _)| s == "snowflake"));
}

#[test]
fn an_index_written_with_another_schema_is_rebuilt_from_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let index_dir = dir.path().join("index");
    {
        // An index as an older mljobs might have left it: another schema, some documents.
        std::fs::create_dir_all(&index_dir).unwrap();
        let mut b = tantivy::schema::Schema::builder();
        let title = b.add_text_field("title", tantivy::schema::TEXT);
        let index = tantivy::Index::create_in_dir(&index_dir, b.build()).unwrap();
        let mut w: tantivy::IndexWriter = index.writer(15_000_000).unwrap();
        w.add_document(tantivy::doc!(title => "old")).unwrap();
        w.commit().unwrap();
    }
    let mut store = Store::open(dir.path()).unwrap();
    write(&mut store, &[posting("1", "Data Scientist", "Acme", "https://acme.example/jobs/1", TEXT)]);
    let index = mljobs_store::SearchIndex::open(&index_dir).expect("an old index does not stop mljobs");
    assert_eq!((index.len(), index.indexed_revision().unwrap()), (0, 0), "recreated empty, to be refilled from the store");
    assert_eq!(mljobs_store::sync(&store, &index).unwrap(), 1);
    let found = index.search(&mljobs_store::SearchRequest { q: "forecasting".into(), limit: 5, ..Default::default() }, None).unwrap();
    assert_eq!(found.total, 1);
}

#[test]
fn a_version_1_store_is_upgraded_with_cities_the_card_and_pay_indexes_and_sources() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let raw = RawPosting {
        source: "jsonl:test.jsonl".into(),
        source_id: Some("1".into()),
        title: Some("Data Scientist".into()),
        company: Some("Acme".into()),
        description: Some(TEXT.into()),
        locations: vec!["Berlin, Germany".into()],
        record: RecordRef { file: "test.jsonl".into(), line: Some(1), record: 1 },
        ..Default::default()
    };
    let p = JobPosting::from_raw(raw, now()).unwrap();
    write(&mut store, std::slice::from_ref(&p));
    let city = store.get(&p.id).unwrap().unwrap().enrichment.location.city;
    assert!(city.is_some(), "the fixture has a city");
    drop(store);
    // Back to what version 1 had: no city column, no card or pay index, no sources.
    let conn = rusqlite::Connection::open(dir.path().join("mljobs.sqlite3")).unwrap();
    conn.execute_batch(
        "DROP INDEX postings_card; DROP INDEX postings_pay; ALTER TABLE postings DROP COLUMN city; DROP TABLE crawl_attempts; DROP TABLE sources;
         DROP INDEX postings_board; DROP INDEX postings_expiring; ALTER TABLE postings DROP COLUMN last_seen_at; ALTER TABLE postings DROP COLUMN closed_at;
         ALTER TABLE postings DROP COLUMN closed_reason; ALTER TABLE postings DROP COLUMN board; ALTER TABLE postings DROP COLUMN valid_through;
         DROP TABLE alert_deliveries; DROP TABLE alert_sent; DROP TABLE alerts;
         PRAGMA user_version = 1;",
    )
    .unwrap();
    drop(conn);
    let store = Store::open(dir.path()).unwrap();
    let cards = store.cards(&[p.id.as_str()]).unwrap();
    assert_eq!((cards.len(), cards[0].city.clone()), (1, city));
    let conn = rusqlite::Connection::open(dir.path().join("mljobs.sqlite3")).unwrap();
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, mljobs_store::SCHEMA_VERSION);
    assert!(store.industry_salaries().is_ok(), "the pay index is there again");
    assert_eq!(store.sources().unwrap(), [], "the sources table is there, empty");
    assert_eq!(store.alerts().unwrap(), [], "the alerts table is there, empty");
    let life = store.lifecycle(p.id.as_str()).unwrap().unwrap();
    assert_eq!((life.last_seen.as_str(), life.closed_at), (life.first_seen.as_str(), None), "last seen starts as the last change, open");
}

/// The board `greenhouse:acme` listing `postings` at `at`, written and applied as a crawl does.
fn board_fetch(store: &mut Store, postings: &[JobPosting], complete: bool, at: DateTime<Utc>) -> (mljobs_store::BatchOutcome, mljobs_store::BoardLifecycle) {
    let t = Taxonomy::embedded();
    let batch: Vec<_> = postings.iter().map(|p| (p.clone(), enrich(p, &t))).collect();
    let run = store.begin_run(&["greenhouse:acme".into()], at).unwrap();
    let written = store.write_batch(run, &batch, &[], "tax", at).unwrap();
    let seen: Vec<String> = postings.iter().map(|p| p.id.to_string()).collect();
    (written, store.apply_board("greenhouse:acme", &seen, complete, at).unwrap())
}

fn open_ids(store: &Store, index: &mljobs_store::SearchIndex, status: mljobs_store::Status) -> Vec<String> {
    mljobs_store::sync(store, index).unwrap();
    let req = mljobs_store::SearchRequest { status, limit: 100, ..Default::default() };
    let mut ids: Vec<String> = index.search(&req, None).unwrap().hits.into_iter().map(|h| h.id).collect();
    ids.sort();
    ids
}

#[test]
fn a_posting_appears_changes_disappears_and_reappears() {
    use mljobs_store::{BoardLifecycle, Status};
    let mut store = Store::open_in_memory().unwrap();
    let index = mljobs_store::SearchIndex::in_memory().unwrap();
    let day = |d: i64| now() + chrono::Duration::days(d);
    let a = posting("1", "Machine Learning Engineer", "Acme", "https://acme.example/jobs/1", TEXT);
    let b = posting("2", "Data Scientist", "Acme", "https://acme.example/jobs/2", &TEXT.replace("retailers", "banks"));
    let mut ids = vec![a.id.to_string(), b.id.to_string()];
    ids.sort();

    // Appear.
    let (w, l) = board_fetch(&mut store, &[a.clone(), b.clone()], true, day(0));
    assert_eq!((w.new, l), (2, BoardLifecycle { seen: 2, closed: 0, reopened: 0 }));
    assert_eq!(open_ids(&store, &index, Status::Open), ids);
    // Change: updated in place, not doubled; first seen stays, last seen moves.
    let mut a2 = a.clone();
    a2.description.push_str(" Visa sponsorship is available.");
    let (w, l) = board_fetch(&mut store, &[a2.clone(), b.clone()], true, day(1));
    assert_eq!((w.new, w.updated, w.unchanged, l.closed), (0, 1, 1, 0));
    assert_eq!(store.count().unwrap(), 2);
    let life = store.lifecycle(a.id.as_str()).unwrap().unwrap();
    assert_eq!((life.first_seen, life.last_seen, life.source.as_deref()), (day(0).to_rfc3339(), day(1).to_rfc3339(), Some("greenhouse:acme")));
    // A failed fetch never reaches the store; a partial one closes nothing.
    let (_, l) = board_fetch(&mut store, std::slice::from_ref(&b), false, day(2));
    assert_eq!(l, BoardLifecycle { seen: 1, closed: 0, reopened: 0 });
    assert_eq!(open_ids(&store, &index, Status::Open), ids, "a partial fetch closes nothing");
    // Disappear from a complete fetch: closed, kept, searchable as closed.
    let (_, l) = board_fetch(&mut store, std::slice::from_ref(&b), true, day(3));
    assert_eq!(l, BoardLifecycle { seen: 1, closed: 1, reopened: 0 });
    assert_eq!(open_ids(&store, &index, Status::Open), [b.id.to_string()]);
    assert_eq!(open_ids(&store, &index, Status::Closed), [a.id.to_string()]);
    assert_eq!(open_ids(&store, &index, Status::All), ids);
    let life = store.lifecycle(a.id.as_str()).unwrap().unwrap();
    assert_eq!((life.closed_at, life.closed_reason.as_deref()), (Some(day(3).to_rfc3339()), Some("gone")));
    assert_eq!(store.cards(&[a.id.as_str()]).unwrap()[0].closed_on.as_deref(), Some(&day(3).to_rfc3339()[..10]));
    assert!(store.get(&a.id).unwrap().is_some(), "a closed posting is kept");
    let counts = store.board_counts().unwrap();
    assert_eq!(counts["greenhouse:acme"], mljobs_store::BoardCounts { open: 1, closed: 1 });
    // Reappear: reopened, not a new posting.
    let (w, l) = board_fetch(&mut store, &[a2.clone(), b.clone()], true, day(4));
    assert_eq!((w.new, w.unchanged, l), (0, 2, BoardLifecycle { seen: 2, closed: 0, reopened: 1 }));
    assert_eq!(open_ids(&store, &index, Status::Open), ids);
    assert_eq!(store.lifecycle(a.id.as_str()).unwrap().unwrap().closed_at, None);
    // An unchanged board (304) touches its open postings.
    assert_eq!(store.touch_board("greenhouse:acme", day(5)).unwrap(), 2);
    assert_eq!(store.lifecycle(b.id.as_str()).unwrap().unwrap().last_seen, day(5).to_rfc3339());
}

#[test]
fn a_posting_past_its_closing_date_closes_and_the_new_ones_are_found_by_first_seen() {
    let mut store = Store::open_in_memory().unwrap();
    let index = mljobs_store::SearchIndex::in_memory().unwrap();
    let mut old = posting("1", "Machine Learning Engineer", "Acme", "https://acme.example/jobs/1", TEXT);
    old.valid_through = Some(now().date_naive() - chrono::Days::new(3));
    let mut later = posting("2", "Data Scientist", "Acme", "https://acme.example/jobs/2", &TEXT.replace("retailers", "banks"));
    later.valid_through = Some(now().date_naive() + chrono::Days::new(2));
    write(&mut store, &[old.clone(), later.clone()]);
    let life = store.lifecycle(old.id.as_str()).unwrap().unwrap();
    assert_eq!((life.closed_reason.as_deref(), life.closed_at.as_deref().map(|t| &t[..10])), (Some("expired"), Some(&*old.valid_through.unwrap().to_string())));
    assert_eq!(open_ids(&store, &index, mljobs_store::Status::Open), [later.id.to_string()]);
    // Three days on, the other one has passed its date too.
    assert_eq!(store.close_expired(now() + chrono::Duration::days(3)).unwrap(), 1);
    assert_eq!(open_ids(&store, &index, mljobs_store::Status::Open), Vec::<String>::new());
    // first_seen_after: what is new since a day.
    let fresh = posting("3", "MLOps Engineer", "Beta", "https://beta.example/jobs/3", &TEXT.replace("retailers", "insurers"));
    let t = Taxonomy::embedded();
    let run = store.begin_run(&["b.jsonl".into()], now()).unwrap();
    store.write_batch(run, &[(fresh.clone(), enrich(&fresh, &t))], &[], "tax", now() + chrono::Duration::days(10)).unwrap();
    mljobs_store::sync(&store, &index).unwrap();
    let since = |d: i64| mljobs_store::SearchRequest {
        first_seen_after: Some(now().date_naive() + chrono::Days::new(d as u64)),
        status: mljobs_store::Status::All,
        limit: 10,
        ..Default::default()
    };
    assert_eq!(index.search(&since(5), None).unwrap().hits.iter().map(|h| h.id.clone()).collect::<Vec<_>>(), [fresh.id.to_string()]);
    assert_eq!(index.search(&since(0), None).unwrap().total, 3);
    let card = &store.cards(&[fresh.id.as_str()]).unwrap()[0];
    assert!(card.is_new((now() + chrono::Duration::days(12)).date_naive(), 7));
    assert!(!card.is_new((now() + chrono::Duration::days(17)).date_naive(), 7));
}

#[test]
fn skill_demand_by_year_counts_dated_canonical_postings() {
    let mut store = Store::open_in_memory().unwrap();
    let dated = |id: &str, date: &str, text: &str| {
        let mut p = posting(id, &format!("Data Scientist {id}"), &format!("Company {id}"), &format!("https://c{id}.example/jobs/{id}"), text);
        p.date_posted = Some(chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap());
        p
    };
    let other = "We build recommendation models for a streaming service in Rust and Kafka. You will own ranking experiments and offline evaluation, and work with product teams. Health insurance and flexible hours, clear writing and careful code review.";
    write(
        &mut store,
        &[
            dated("1", "2024-03-01", TEXT),
            dated("2", "2024-07-01", other),
            dated("3", "2025-01-10", TEXT),
            posting("4", "Undated Scientist", "Nodate", "https://n.example/4", TEXT),
        ],
    );
    let years = store.skill_years().unwrap();
    assert_eq!(years.postings.iter().map(|(y, n)| (y.as_str(), *n)).collect::<Vec<_>>(), [("2024", 2), ("2025", 1)], "the undated posting is left out");
    let (ys, shares) = years.shares(&["spark".to_string(), "kafka".to_string(), "cobol".to_string()], 1);
    assert_eq!(ys, ["2024", "2025"]);
    assert_eq!(shares, [vec![0.5, 1.0], vec![0.5, 0.0], vec![0.0, 0.0]]);
    let (ys, _) = years.shares(&[], 2);
    assert_eq!(ys, ["2024"], "years with fewer postings than asked are left out");
}

#[test]
fn invented_sample_pay_never_trains_the_estimator_but_shows_as_stated_pay() {
    let t = Taxonomy::embedded();
    let pay = format!("{TEXT}\n\nSalary: $150,000 - $190,000 per year.");
    let real = posting("r1", "Data Scientist", "Acme", "https://acme.example/r1", &pay);
    let mut sample = posting("s1", "Data Scientist", "Sample Co", "https://sample.example/s1", &pay);
    sample.provenance.record.file = format!("/tmp/demo-input/{}", mljobs_core::posting::SAMPLE_FILE);
    let mut store = Store::open_in_memory().unwrap();
    write(&mut store, &[real, sample]);
    assert_eq!(store.salaries(&t).unwrap().len(), 2, "both state pay");
    let training = store.training_salaries(&t).unwrap();
    assert_eq!(training.len(), 1, "only the real posting's pay trains the model");
    assert_eq!(training[0].salary_usd, 170_000.0);
}

#[test]
fn pay_by_industry_is_the_stated_pay_of_canonical_postings_with_an_industry() {
    let t = Taxonomy::embedded();
    let bank = "We are a retail bank. You will build credit risk and fraud detection models in Python for our lending and payments teams.";
    let hospital = "Our hospital network builds clinical models on patient records and medical imaging with PyTorch.";
    let pay = |text: &str, range: &str| format!("{text}\n\nSalary: {range} per year.");
    let mut store = Store::open_in_memory().unwrap();
    write(
        &mut store,
        &[
            posting("b1", "Data Scientist", "Bank A", "https://a.example/1", &pay(bank, "$150,000 - $190,000")),
            posting("b2", "ML Engineer", "Bank B", "https://b.example/2", &pay(bank, "$120,000 - $140,000")),
            posting("h1", "ML Engineer", "Clinic C", "https://c.example/3", &pay(hospital, "$100,000 - $120,000")),
            posting("h2", "ML Engineer", "Clinic D", "https://d.example/4", &pay(hospital, "up to $200,000")),
            posting("n1", "ML Engineer", "Clinic E", "https://e.example/5", hospital),
        ],
    );
    let mut got = store.industry_salaries().unwrap();
    got.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mut want: Vec<(String, f64)> = store.salaries(&t).unwrap().into_iter().filter_map(|l| Some((l.profile.industry?, l.salary_usd))).collect();
    want.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    assert_eq!(got, want, "the index gives what the postings give");
    assert_eq!(got.len(), 3, "one bound only (h2) and no pay (n1) are left out: {got:?}");
    let (groups, n) = mljobs_core::salary_model::by_industry(got, 1);
    assert_eq!(n, 3);
    assert_eq!(groups.len(), 2, "{groups:?}");
}
