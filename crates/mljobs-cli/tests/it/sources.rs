//! `mljobs sources`: specs and board URLs in, the bundled board lists imported with their bad rows
//! named, list / disable / enable / remove.

use super::{mljobs, ok};

#[test]
fn sources_are_added_imported_listed_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();

    // Specs and URLs as people paste them; all land as specs.
    let out = ok(&mljobs(
        data,
        &["sources", "add", "--json", "greenhouse:acme", "https://jobs.lever.co/beta/1234-abcd", "acme.wd5.myworkdayjobs.com/en-US/External"],
    ));
    let added: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(added["added"], 3);
    assert_eq!(added["sources"], serde_json::json!(["greenhouse:acme", "lever:beta", "workday:acme/wd5/External"]));

    // A bad argument is named and nothing of that command is added.
    let bad = mljobs(data, &["sources", "add", "ashby:fine", "https://3m.wd1.myworkdayjobs.com/en-us"]);
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("3m.wd1.myworkdayjobs.com/en-us") && err.contains("no career site"), "{err}");

    // The bundled Workday list: good rows kept, each bad row named with its line.
    let out = mljobs(data, &["sources", "import", "data/ats-boards/workday.csv", "--json"]);
    let imported: serde_json::Value = serde_json::from_str(&ok(&out)).unwrap();
    assert_eq!(imported["added"].as_u64().unwrap() + imported["already"].as_u64().unwrap(), 957, "{}", &imported["added"]);
    let rejected = imported["rejected"].as_array().unwrap();
    assert_eq!(rejected.len(), 1171);
    assert_eq!(rejected[0]["field"], "url");
    assert!(rejected[0]["line"].as_u64().unwrap() >= 2);
    assert!(rejected[0]["value"].as_str().unwrap().contains("myworkdayjobs.com"));
    // Text mode says the same on stderr, a line per row up to a limit.
    let again = mljobs(data, &["sources", "import", "data/ats-boards/workday.csv"]);
    let summary = ok(&again);
    assert!(summary.contains("added 0 sources (957 already present; 1171 rows skipped)"), "{summary}");
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(err.lines().next().unwrap().starts_with("data/ats-boards/workday.csv:"), "{err}");
    assert!(err.contains("… and 1151 more rows skipped"), "{err}");

    // List, filtered by kind; disable and enable; remove.
    let list: serde_json::Value = serde_json::from_str(&ok(&mljobs(data, &["sources", "list", "--kind", "lever", "--json"]))).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!((list[0]["spec"].as_str(), list[0]["enabled"].as_bool(), list[0]["attempts"].as_u64()), (Some("lever:beta"), Some(true), Some(0)));
    assert!(ok(&mljobs(data, &["sources", "disable", "lever:beta"])).contains("1 source disabled"));
    let text = ok(&mljobs(data, &["sources", "list", "--kind", "lever"]));
    assert!(text.contains("lever:beta") && text.contains("disabled") && text.contains("never"), "{text}");
    let missing = mljobs(data, &["sources", "remove", "lever:beta", "ashby:nobody"]);
    assert_eq!(missing.status.code(), Some(1), "an unknown source is an error");
    assert!(String::from_utf8_lossy(&missing.stderr).contains("ashby:nobody: not a source"));
    let list: serde_json::Value = serde_json::from_str(&ok(&mljobs(data, &["sources", "list", "--json"]))).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 959, "greenhouse:acme + workday:acme/wd5/External + 957 imported");
    assert!(list.as_array().unwrap().iter().all(|s| s["spec"] != "lever:beta"));
}

#[test]
fn every_bundled_board_list_is_read() {
    // What data/ats-boards/README.md states, file by file: (rows read, rows skipped).
    for (file, read, skipped) in [
        ("ashby", 1590, 0),
        ("greenhouse", 2540, 2),
        ("lever", 1787, 4),
        ("rippling", 1317, 0),
        ("smartrecruiters", 1248, 0),
        ("workable", 3547, 0),
        ("workday", 957, 1171),
        ("gem", 0, 507),
    ] {
        let text = std::fs::read_to_string(super::repo().join(format!("data/ats-boards/{file}.csv"))).unwrap();
        let (boards, errors) = mljobs_core::sources::read_board_list(&text).unwrap();
        assert_eq!((boards.len(), errors.len()), (read, skipped), "{file}");
    }
}
