//! Required / preferred / mentioned on the hand-labelled postings (`testdata/needs`):
//! `mljobs-needs eval` enriches them as ingest does and compares each skill's need with its label.

use std::process::Command;

/// Issue 16 item 2. Measured (docs/quality.md): dev 0.964, test 0.914, test2 0.856, test3 0.960,
/// test4 0.908, test5 0.970 and test6 0.932 after the fixes they guided; their first runs, before
/// any tuning on them, were the held-out figures (test 0.868, test2 0.718, test3 0.847, test4
/// 0.823, test5 0.797, test6 0.635). The real Glassdoor postings of `testdata/needs/external`
/// (first runs 0.916, 0.922 and 0.907; now 0.963, 0.981 and 0.953) are not in the repository, so not here. The
/// test holds today's figures so a regression fails.
#[test]
fn required_and_preferred_are_read_as_labelled() {
    let out = Command::new(env!("CARGO_BIN_EXE_mljobs-needs")).current_dir(super::repo()).args(["eval", "--json"]).output().expect("mljobs-needs runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\nstderr:\n{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(v["postings"].as_u64().unwrap() >= 90, "{v}");
    assert_eq!(v["unlabelled_skills"], 0, "label the skills extraction now finds: mljobs-needs sheet");
    let acc = |set: &str| v["sets"][set]["accuracy"].as_f64().unwrap();
    assert!(acc("dev") >= 0.96, "dev {}", acc("dev"));
    assert!(acc("test") >= 0.91, "test {}", acc("test"));
    assert!(acc("test2") >= 0.85, "test2 {}", acc("test2"));
    assert!(acc("test3") >= 0.95, "test3 {}", acc("test3"));
    assert!(acc("test4") >= 0.90, "test4 {}", acc("test4"));
    assert!(acc("test5") >= 0.97, "test5 {}", acc("test5"));
    assert!(acc("test6") >= 0.93, "test6 {}", acc("test6"));
}
