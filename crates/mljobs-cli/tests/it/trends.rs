//! `mljobs trends` (issue 17 item 1) on a store of the relevance set's bench sample (1,200
//! generated postings dated 2022–2025, rising over the years) and the demo (2026): the monthly
//! totals against a count of the input files' dates, shares, the minimum-support rule, filters.

use super::{mljobs, ok};

fn trends(dir: &std::path::Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["trends", "--json"];
    all.extend_from_slice(args);
    serde_json::from_str(&ok(&mljobs(dir, &all))).unwrap()
}

#[test]
fn trends_count_postings_per_month_with_shares_and_supported_growth() {
    let dir = tempfile::tempdir().unwrap();
    ok(&mljobs(dir.path(), &["ingest", "data/relevance/bench-sample.jsonl"]));
    // Postings per month as the file says (every posting of the sample has a date posted).
    let mut by_month = std::collections::BTreeMap::<String, u64>::new();
    for line in std::fs::read_to_string(super::repo().join("data/relevance/bench-sample.jsonl")).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        *by_month.entry(v["date_posted"].as_str().unwrap()[..7].to_string()).or_default() += 1;
    }
    let t = trends(dir.path(), &["--by", "role", "--since", "2022-01-01", "--status", "all", "--top", "50"]);
    let periods: Vec<&str> = t["periods"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
    assert_eq!(periods[0], "2022-01");
    let totals: Vec<u64> = t["totals"].as_array().unwrap().iter().map(|n| n.as_u64().unwrap()).collect();
    for (p, n) in periods.iter().zip(&totals) {
        assert_eq!(*n, by_month.get(*p).copied().unwrap_or(0), "{p}");
    }
    // Each role's counts add up to the totals (one role a posting); shares are of the period.
    let values = t["values"].as_array().unwrap();
    for (i, total) in totals.iter().enumerate() {
        let sum: u64 = values.iter().map(|v| v["counts"][i].as_u64().unwrap()).sum();
        assert_eq!(sum, *total, "{}", periods[i]);
        if *total > 0 {
            let shares: f64 = values.iter().map(|v| v["shares"][i].as_f64().unwrap()).sum();
            assert!(shares <= 1.0 + 1e-9, "{shares}");
        }
    }
    // Growth only where both windows hold enough postings; by month in the windows of late 2025
    // and 2026 the sample has none: nothing is called a trend.
    assert!(values.iter().all(|v| v["growth"].is_null()), "no postings in the last 6 months of the periods");
    let yearly = trends(dir.path(), &["--by", "skill", "--since", "2022-01-01", "--window", "24", "--min-support", "30", "--status", "all"]);
    let with_growth: Vec<&serde_json::Value> = yearly["values"].as_array().unwrap().iter().filter(|v| !v["growth"].is_null()).collect();
    assert!(!with_growth.is_empty(), "{yearly}");
    for v in &with_growth {
        let g = &v["growth"];
        assert!(g["before"].as_u64().unwrap() >= 30 && g["recent"].as_u64().unwrap() >= 30, "{v}");
        let change = g["share_recent"].as_f64().unwrap() / g["share_before"].as_f64().unwrap() - 1.0;
        assert!((change - g["change"].as_f64().unwrap()).abs() < 1e-9);
    }
    // A filter narrows every count; the table prints.
    let us = trends(dir.path(), &["--by", "role", "--since", "2022-01-01", "--status", "all", "--country", "US"]);
    assert!(us["total"].as_u64().unwrap() < t["total"].as_u64().unwrap());
    let table = ok(&mljobs(dir.path(), &["trends", "--by", "skill", "--since", "2024-01-01", "--status", "all", "--interval", "month"]));
    assert!(table.contains("postings, 2024-01 to") && table.contains("all postings"), "{table}");
    // The posted-pay trend: medians where 10 postings or more state pay, in a plausible range.
    let pay = trends(dir.path(), &["--by", "seniority", "--since", "2022-01-01", "--status", "all", "--pay"]);
    let medians: Vec<f64> = pay["pay"]["all"].as_array().unwrap().iter().filter_map(|m| m.as_f64()).collect();
    assert!(medians.len() >= 12 && medians.iter().all(|m| (20_000.0..1_000_000.0).contains(m)), "{}", pay["pay"]);
    let levels: Vec<&str> = pay["pay"]["values"].as_array().unwrap().iter().map(|v| v["value"].as_str().unwrap()).collect();
    assert!(levels.contains(&"senior"), "{levels:?}");
    let table = ok(&mljobs(dir.path(), &["trends", "--by", "seniority", "--since", "2025-01-01", "--status", "all", "--pay"]));
    assert!(table.contains("Median posted pay, USD a year"), "{table}");
    // The top hiring employers: each employer's postings as the file names them (legal form
    // dropped), and `--company` narrowing a search to one of them.
    let mut by_company = std::collections::BTreeMap::<String, u64>::new();
    for line in std::fs::read_to_string(super::repo().join("data/relevance/bench-sample.jsonl")).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        if let Some(name) = v["company"].as_str().and_then(mljobs_core::posting::company_name) {
            *by_company.entry(name).or_default() += 1;
        }
    }
    let companies = trends(dir.path(), &["--by", "company", "--since", "2022-01-01", "--status", "all", "--top", "5"]);
    let top = &companies["values"][0];
    let name = top["value"].as_str().unwrap();
    assert_eq!(top["total"].as_u64().unwrap(), by_company[name], "{name}");
    assert_eq!(top["total"].as_u64().unwrap(), *by_company.values().max().unwrap(), "the most hiring first");
    let one = trends(dir.path(), &["--by", "role", "--since", "2022-01-01", "--status", "all", "--company", name]);
    assert_eq!(one["total"], top["total"], "--company {name}");
    let bad = mljobs(dir.path(), &["trends", "--role", "wizard"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--role: \"wizard\" is not valid"), "{}", String::from_utf8_lossy(&bad.stderr));
}

/// Issue 17 item 3: `mljobs report` on the bench sample (2022–2025) and the demo (2026): its
/// figures against `mljobs trends` over the same months (postings, roles, skills, remote, degrees),
/// and the files it writes — one self-contained HTML file and Markdown.
#[test]
fn the_market_report_counts_what_trends_count_and_writes_self_contained_files() {
    let dir = tempfile::tempdir().unwrap();
    ok(&mljobs(dir.path(), &["ingest", "data/relevance/bench-sample.jsonl", "data/demo/mljobs-demo-sample-postings.jsonl"]));
    let r: serde_json::Value = serde_json::from_str(&ok(&mljobs(dir.path(), &["report", "--period", "2025", "--json"]))).unwrap();
    assert_eq!(r["period"]["label"], "2025");
    // The months of 2025 as trends counts them (all statuses, near-duplicates once).
    let sum_2025 = |t: &serde_json::Value, counts: &serde_json::Value| -> u64 {
        t["periods"]
            .as_array()
            .unwrap()
            .iter()
            .zip(counts.as_array().unwrap())
            .filter(|(p, _)| p.as_str().unwrap().starts_with("2025-"))
            .map(|(_, n)| n.as_u64().unwrap())
            .sum()
    };
    let value_2025 = |t: &serde_json::Value, v: &str| t["values"].as_array().unwrap().iter().find(|x| x["value"] == v).map_or(0, |x| sum_2025(t, &x["counts"]));
    let by = |facet: &str, extra: &[&str]| {
        let mut args = vec!["--by", facet, "--since", "2025-01-01", "--status", "all", "--top", "500"];
        args.extend_from_slice(extra);
        trends(dir.path(), &args)
    };
    let roles = by("role", &[]);
    let total = sum_2025(&roles, &roles["totals"]);
    assert!(total >= 300, "{total} postings in 2025");
    assert_eq!(r["postings"].as_u64().unwrap(), total);
    assert!(r["roles"].as_array().unwrap().len() >= 5, "{}", r["roles"]);
    assert!(r["skill_groups"].as_array().unwrap().iter().all(|g| g["skills"].as_array().unwrap().len() >= 3), "{}", r["skill_groups"]);
    for role in r["roles"].as_array().unwrap() {
        let c = &role["count"];
        assert_eq!(c["postings"].as_u64().unwrap(), value_2025(&roles, c["value"].as_str().unwrap()), "{c}");
        assert_eq!(c["base"].as_u64().unwrap(), total);
        assert!(c["search"].as_str().unwrap().contains("posted_after=2025-01-01&posted_before=2026-01-01"), "{c}");
    }
    let skills = by("skill", &[]);
    for g in r["skill_groups"].as_array().unwrap() {
        for s in g["skills"].as_array().unwrap() {
            assert_eq!(s["postings"].as_u64().unwrap(), value_2025(&skills, s["value"].as_str().unwrap()), "{s}");
        }
    }
    let modes = by("work_mode", &[]);
    assert_eq!(r["faq"]["remote"]["postings"].as_u64().unwrap(), value_2025(&modes, "remote"));
    let named = by("degree_named", &[]);
    assert_eq!(r["faq"]["phd_named"]["postings"].as_u64().unwrap(), value_2025(&named, "phd"));
    let lowest = by("degree", &[]);
    assert_eq!(r["faq"]["phd"]["postings"].as_u64().unwrap(), value_2025(&lowest, "phd"));
    // Entry level: interns and juniors.
    let levels = by("seniority", &[]);
    assert_eq!(r["entry"]["count"]["postings"].as_u64().unwrap(), value_2025(&levels, "intern") + value_2025(&levels, "junior"));
    // Pay: posted and survey, each labelled; company size only from the survey.
    let pay = r["pay"].as_array().unwrap();
    assert_eq!(pay.len(), 10, "five factors, two sources");
    let size_posted = pay.iter().find(|p| p["factor"] == "company size" && p["source"] == "posted").unwrap();
    assert!(size_posted["note"].as_str().unwrap().contains("do not state"), "{size_posted}");
    let level_survey = pay.iter().find(|p| p["factor"] == "experience" && p["source"] == "survey").unwrap();
    let medians: Vec<f64> = level_survey["groups"].as_array().unwrap().iter().map(|g| g[2]["median"].as_f64().unwrap()).collect();
    assert!(medians.len() == 4 && medians.windows(2).all(|w| w[0] < w[1]), "survey pay rises with each level: {medians:?}");
    // The files: one self-contained HTML file, and Markdown.
    let html = dir.path().join("report.html");
    let out = mljobs(dir.path(), &["report", "--period", "2025", "--out", html.to_str().unwrap(), "--base-url", "https://jobs.example.org"]);
    ok(&out);
    let html = std::fs::read_to_string(html).unwrap();
    assert!(html.starts_with("<!doctype html>") && html.contains("<h1>The ML job market, 2025</h1>"));
    assert!(html.contains("<style>") && html.contains("<svg class=\"chart\""), "styles and charts inline");
    for external in ["<link", "<script", "src=", "@import", "url("] {
        assert!(!html.contains(external), "no external asset: {external}");
    }
    assert!(html.contains("href=\"https://jobs.example.org/jobs?role="), "links to the searches on the server");
    let md = dir.path().join("report.md");
    ok(&mljobs(dir.path(), &["report", "--period", "2025", "--out", md.to_str().unwrap()]));
    let md = std::fs::read_to_string(md).unwrap();
    assert!(md.starts_with("# The ML job market, 2025\n"));
    assert!(md.contains("## Questions") && md.contains("| Role | Postings | Share | Median stated pay |"), "{}", &md[..400]);
    // A period not over yet, or not a period, is refused with the flag named.
    let bad = mljobs(dir.path(), &["report", "--period", "2999"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--period: period 2999 is not over yet"), "{}", String::from_utf8_lossy(&bad.stderr));
    let bad = mljobs(dir.path(), &["report", "--period", "last year"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("expected a quarter (2026-Q3)"));
}
