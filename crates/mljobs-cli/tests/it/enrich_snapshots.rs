//! `mljobs enrich` output pinned with insta snapshots, checked by eye when accepted: every fixture
//! format in full, and a one-line summary per SkillSpan dev posting.

use serde_json::Value;

use crate::{mljobs, ok};

fn enrich(file: &str, extra: &[&str]) -> Vec<Value> {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["enrich", file];
    args.extend_from_slice(extra);
    ok(&mljobs(dir.path(), &args)).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn fixtures_in_every_format() {
    for file in [
        "postings.csv",
        "postings.jsonl",
        "jobposting.html",
        "jobposting.json",
        "greenhouse.json",
        "lever.json",
        "ashby.json",
        "workable.json",
        "smartrecruiters.json",
        "workday.json",
        "rippling.json",
        "reposts.jsonl",
        "soup.html",
    ] {
        let company: &[&str] = if file == "lever.json" {
            &["--company", "Polyglot"]
        } else if file == "ashby.json" {
            &["--company", "Tern"]
        } else {
            &[]
        };
        let records = enrich(&format!("testdata/formats/{file}"), company);
        insta::assert_json_snapshot!(file.replace('.', "_"), records);
    }
}

/// One line per posting: role, confidence, seniority, skills — small enough to review as a whole.
#[test]
fn skillspan_dev_postings() {
    let records = enrich("testdata/skillspan/dev-postings.jsonl", &[]);
    assert_eq!(records.len(), 58);
    let lines: Vec<String> = records
        .iter()
        .map(|r| {
            let skills: Vec<&str> = r["skills"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
            format!(
                "{} | {} {:.2} | {} | {} | {}",
                r["title"].as_str().unwrap().chars().take(50).collect::<String>(),
                r["role"].as_str().unwrap(),
                r["role_confidence"].as_f64().unwrap(),
                r["seniority"].as_str().unwrap_or("-"),
                r["industry"].as_str().unwrap_or("-"),
                skills.join(",")
            )
        })
        .collect();
    insta::assert_snapshot!(lines.join("\n"));
}
