//! Search relevance on the judged query set (`data/relevance`): `mljobs-relevance eval` builds
//! the product's index from 3,316 postings, runs the 34 judged queries and computes NDCG@10.

use std::process::Command;

/// Issue 12 item 8: NDCG@10 ≥ 0.90 on the judged set. Measured 0.948 (docs/quality.md); the
/// test holds it above 0.94, so losing the title score (0.90) or widening queries by narrower
/// aliases again (0.937) fails here. Plain BM25 on the same index scores 0.875.
#[test]
fn relevance_meets_the_goal() {
    let out = Command::new(env!("CARGO_BIN_EXE_mljobs-relevance"))
        .current_dir(super::repo())
        .args(["eval", "--ranker", "mljobs,bm25", "--min-ndcg", "0.94", "--json"])
        .output()
        .expect("mljobs-relevance runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\nstderr:\n{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["postings"], 3316);
    assert_eq!(v["queries"], 34);
    let rankers = v["rankers"].as_array().unwrap();
    let (ours, bm25) = (&rankers[0], &rankers[1]);
    assert_eq!(ours["ranker"], "mljobs");
    // Every posting in our top 10 is judged: the figure is not inflated or deflated by guesses.
    assert_eq!(ours["unjudged_in_top10"], 0, "judge the new postings: mljobs-relevance pool");
    assert!(ours["ndcg_test"].as_f64().unwrap() >= 0.90, "held-out queries: {}", ours["ndcg_test"]);
    assert!(ours["ndcg_all"].as_f64().unwrap() > bm25["ndcg_all"].as_f64().unwrap() + 0.05, "the taxonomy and title scores must beat plain BM25 clearly");
}
