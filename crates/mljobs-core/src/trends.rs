//! Time series of the market (issue 17 item 1), the pure part: the periods a series is counted in,
//! shares, and growth with a minimum-support rule. The counting is the store's
//! (`mljobs_store::SearchIndex::trends`); the surfaces (`mljobs trends`, the API) print what this
//! module computes.
//!
//! Decisions:
//! - A posting counts in the period of its **date posted**, else the day mljobs first saw it. (A
//!   store filled from files or a backfill sees every posting on one day; the date a board gives is
//!   when the job reached the market. Crawled postings without a date count from when they were
//!   first seen.)
//! - Weeks are ISO weeks (Monday first, labelled `2026-W48`); months are calendar months
//!   (`2026-11`). The current period is partial and labelled so by the callers.
//! - **Share** = a value's postings / all postings of the period (of the same search), so growth of
//!   the whole market does not read as growth of a skill.
//! - **Growth** compares the share in the last `window` periods with the `window` periods before;
//!   it is reported only when both windows hold at least `min_support` postings of the value —
//!   tiny counts are not trends. "Emerging" = the largest growth among the values that qualify.

use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

/// How long a period is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Interval {
    /// ISO weeks, Monday to Sunday.
    Week,
    /// Calendar months.
    Month,
}

impl Interval {
    /// `week` or `month`.
    pub fn parse(s: &str) -> Option<Interval> {
        match s {
            "week" | "weekly" => Some(Interval::Week),
            "month" | "monthly" => Some(Interval::Month),
            _ => None,
        }
    }
}

/// One period: its label and its days, `start` included, `end` excluded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    /// `2026-W48` or `2026-11`.
    pub label: String,
    /// First day.
    pub start: NaiveDate,
    /// The day after the last.
    pub end: NaiveDate,
}

/// The periods from the one holding `since` to the one holding `until`, oldest first.
pub fn periods(interval: Interval, since: NaiveDate, until: NaiveDate) -> Vec<Period> {
    let mut out = Vec::new();
    let mut start = match interval {
        Interval::Week => since - Duration::days(i64::from(since.weekday().num_days_from_monday())),
        Interval::Month => since.with_day(1).expect("day 1 exists"),
    };
    while start <= until {
        let end = match interval {
            Interval::Week => start + Duration::days(7),
            Interval::Month => {
                let (y, m) = if start.month() == 12 { (start.year() + 1, 1) } else { (start.year(), start.month() + 1) };
                NaiveDate::from_ymd_opt(y, m, 1).expect("day 1 exists")
            }
        };
        let label = match interval {
            Interval::Week => {
                let w = start.iso_week();
                format!("{}-W{:02}", w.year(), w.week())
            }
            Interval::Month => format!("{}-{:02}", start.year(), start.month()),
        };
        out.push(Period { label, start, end });
        start = end;
    }
    out
}

/// The 12 complete calendar months before the one holding `today` (a month under way would read
/// as a fall), and the last day they cover.
pub fn last_complete_months(today: NaiveDate) -> (Vec<Period>, NaiveDate) {
    let last_day = today.with_day(1).and_then(|d| d.pred_opt()).unwrap_or(today);
    (periods(Interval::Month, default_since(Interval::Month, last_day), last_day), last_day)
}

/// The period a market report covers: `2026-Q3`, `2026` or `2026-11`; none for the 12 complete
/// months before the one holding `today` (labelled "2025-12 to 2026-11"). A period not over yet is
/// refused (its figures would change under the reader), as is one before 2000.
pub fn report_period(spec: Option<&str>, today: NaiveDate) -> Result<Period, String> {
    let month_start = |y: i32, m: u32| NaiveDate::from_ymd_opt(y, m, 1);
    let (label, start, end) = match spec.map(str::trim).filter(|s| !s.is_empty()) {
        None => {
            let (months, _) = last_complete_months(today);
            let (first, last) = (months.first().expect("12 months"), months.last().expect("12 months"));
            return Ok(Period { label: format!("{} to {}", first.label, last.label), start: first.start, end: last.end });
        }
        Some(s) => {
            let bad = || format!("period {s:?}: expected a quarter (2026-Q3), a year (2026) or a month (2026-11)");
            let (y, rest) = s.split_once('-').map_or((s, None), |(y, r)| (y, Some(r)));
            let year: i32 = y.parse().map_err(|_| bad())?;
            match rest {
                None => (format!("{year}"), month_start(year, 1), month_start(year + 1, 1)),
                Some(q) if q.len() == 2 && (q.starts_with('Q') || q.starts_with('q')) => {
                    let n: u32 = q[1..].parse().ok().filter(|n| (1..=4).contains(n)).ok_or_else(bad)?;
                    let start = month_start(year, 3 * n - 2);
                    let end = if n == 4 { month_start(year + 1, 1) } else { month_start(year, 3 * n + 1) };
                    (format!("{year}-Q{n}"), start, end)
                }
                Some(m) => {
                    let m: u32 = m.parse().ok().filter(|m| (1..=12).contains(m)).ok_or_else(bad)?;
                    let end = if m == 12 { month_start(year + 1, 1) } else { month_start(year, m + 1) };
                    (format!("{year}-{m:02}"), month_start(year, m), end)
                }
            }
        }
    };
    let (Some(start), Some(end)) = (start, end) else {
        return Err(format!("period {label}: not a date"));
    };
    if start.year() < 2000 {
        return Err(format!("period {label}: before 2000"));
    }
    if end > today {
        return Err(format!("period {label} is not over yet (today is {today}): its figures would still change"));
    }
    Ok(Period { label, start, end })
}

/// `count / total`, none for an empty period.
pub fn share(count: u64, total: u64) -> Option<f64> {
    (total > 0).then(|| count as f64 / total as f64)
}

/// How a value's share moved between two windows of periods.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Growth {
    /// Postings with the value in the earlier window.
    pub before: u64,
    /// Postings with the value in the recent window.
    pub recent: u64,
    /// Its share of all postings in the earlier window.
    pub share_before: f64,
    /// Its share in the recent window.
    pub share_recent: f64,
    /// `share_recent / share_before - 1` (0.5 = half as common again).
    pub change: f64,
}

/// The growth of a series (`counts[i]` of `totals[i]`, one per period, oldest first) between its
/// last `window` periods and the `window` before them; none unless both windows hold at least
/// `min_support` postings of the value (and the series is long enough).
pub fn growth(counts: &[u64], totals: &[u64], window: usize, min_support: u64) -> Option<Growth> {
    let n = counts.len().min(totals.len());
    if window == 0 || n < 2 * window {
        return None;
    }
    let sum = |v: &[u64], from: usize| -> u64 { v[from..from + window].iter().sum() };
    let (recent_from, before_from) = (n - window, n - 2 * window);
    let (recent, before) = (sum(counts, recent_from), sum(counts, before_from));
    if recent < min_support || before < min_support {
        return None;
    }
    let share_recent = share(recent, sum(totals, recent_from))?;
    let share_before = share(before, sum(totals, before_from))?;
    Some(Growth { before, recent, share_before, share_recent, change: share_recent / share_before - 1.0 })
}

/// The periods a search of `since ..= until` is counted in, with the usual defaults: the last 12
/// months or 26 weeks up to today.
pub fn default_since(interval: Interval, today: NaiveDate) -> NaiveDate {
    match interval {
        Interval::Week => today - Duration::weeks(25),
        Interval::Month => {
            let (y, m) = if today.month() == 12 { (today.year(), 1) } else { (today.year() - 1, today.month() + 1) };
            NaiveDate::from_ymd_opt(y, m, 1).expect("day 1 exists")
        }
    }
}

/// One value's series in a [`Report`].
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    /// The facet value (an id or code).
    pub value: String,
    /// Its name.
    pub label: String,
    /// Its postings in all periods.
    pub total: u64,
    /// Its postings per period.
    pub counts: Vec<u64>,
    /// Its share of each period's postings (null for an empty period).
    pub shares: Vec<Option<f64>>,
    /// Its share of all postings of the periods.
    pub share: Option<f64>,
    /// The growth of its share ([`growth`]), when it has the support.
    pub growth: Option<Growth>,
}

/// The market over time for one facet, as `mljobs trends --json` and `GET /api/v1/trends` give it.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The facet.
    pub by: String,
    /// Period length.
    pub interval: Interval,
    /// First day of the first period.
    pub since: NaiveDate,
    /// The day the report was made.
    pub until: NaiveDate,
    /// The last period is still running: its counts are partial.
    pub last_period_partial: bool,
    /// Period labels, oldest first.
    pub periods: Vec<String>,
    /// All postings of the search per period.
    pub totals: Vec<u64>,
    /// All postings of the periods.
    pub total: u64,
    /// Periods per growth window.
    pub window: usize,
    /// Postings a value needs in each window for its growth to be reported.
    pub min_support: u64,
    /// The values with most postings (at most `top`), most first.
    pub values: Vec<Series>,
    /// The values whose share grows most, with the support, fastest first (at most 10).
    pub emerging: Vec<Series>,
    /// The posted-pay trend, when asked ([`with_pay`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pay: Option<PayTrend>,
}

/// Median stated pay per period (annual USD, the midpoint of each posting's range), in all and
/// for the values of a [`Report`]; a median only over `min_postings` postings that state pay.
#[derive(Debug, Clone, Serialize)]
pub struct PayTrend {
    /// Postings stating pay a median needs.
    pub min_postings: u64,
    /// All postings' median per period.
    pub all: Vec<Option<f64>>,
    /// Postings stating pay per period.
    pub postings: Vec<u64>,
    /// Each listed value's medians and postings stating pay per period.
    pub values: Vec<PaySeries>,
}

/// One value's pay per period.
#[derive(Debug, Clone, Serialize)]
pub struct PaySeries {
    /// The value.
    pub value: String,
    /// Its name.
    pub label: String,
    /// Median per period.
    pub medians: Vec<Option<f64>>,
    /// Postings stating pay per period.
    pub postings: Vec<u64>,
}

/// The median of `v` (none when empty).
pub fn median(v: &[f32]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let mut s: Vec<f32> = v.to_vec();
    s.sort_by(f32::total_cmp);
    let n = s.len();
    Some(if n % 2 == 1 { f64::from(s[n / 2]) } else { (f64::from(s[n / 2 - 1]) + f64::from(s[n / 2])) / 2.0 })
}

/// `report` with its pay trend: the stated pays per period (`pay_all`) and per value (`pay`), as
/// `SearchIndex::trends_with_pay` gathers them; medians over `min_postings` postings or more.
pub fn with_pay(mut report: Report, pay_all: &[Vec<f32>], pay: &std::collections::BTreeMap<String, Vec<Vec<f32>>>, min_postings: u64) -> Report {
    let medians = |pays: &[Vec<f32>]| -> Vec<Option<f64>> { pays.iter().map(|p| if (p.len() as u64) < min_postings { None } else { median(p) }).collect() };
    let counts = |pays: &[Vec<f32>]| -> Vec<u64> { pays.iter().map(|p| p.len() as u64).collect() };
    let values = report
        .values
        .iter()
        .filter_map(|v| pay.get(&v.value).map(|p| PaySeries { value: v.value.clone(), label: v.label.clone(), medians: medians(p), postings: counts(p) }))
        .collect();
    report.pay = Some(PayTrend { min_postings, all: medians(pay_all), postings: counts(pay_all), values });
    report
}

/// Options of a [`Report`].
#[derive(Debug, Clone, Copy)]
pub struct ReportOptions {
    /// Periods per growth window.
    pub window: usize,
    /// Postings a value needs in each window.
    pub min_support: u64,
    /// Values listed.
    pub top: usize,
    /// The day the report is made (the last period may be partial).
    pub today: NaiveDate,
}

/// The report of a facet's counts (`series`: value → postings per period, most first; `totals`:
/// all postings per period) over `periods`. The value `unknown` is left out.
pub fn report(
    by: &str,
    interval: Interval,
    periods: &[Period],
    totals: Vec<u64>,
    series: &[(String, Vec<u64>)],
    taxonomy: &crate::Taxonomy,
    o: ReportOptions,
) -> Report {
    let total: u64 = totals.iter().sum();
    let make = |(value, counts): &(String, Vec<u64>)| {
        let sum = counts.iter().sum();
        Series {
            label: taxonomy.facet_label(by, value),
            total: sum,
            shares: counts.iter().zip(&totals).map(|(&c, &t)| share(c, t)).collect(),
            share: share(sum, total),
            growth: growth(counts, &totals, o.window, o.min_support),
            counts: counts.clone(),
            value: value.clone(),
        }
    };
    let known = || series.iter().filter(|(v, _)| v != "unknown");
    let values: Vec<Series> = known().take(o.top).map(make).collect();
    let change = |s: &Series| s.growth.as_ref().map_or(0.0, |g| g.change);
    let mut emerging: Vec<Series> = known().map(make).filter(|s| change(s) > 0.0).collect();
    emerging.sort_by(|a, b| change(b).total_cmp(&change(a)));
    emerging.truncate(10);
    let today = o.today;
    Report {
        by: by.to_string(),
        interval,
        since: periods.first().map_or(today, |p| p.start),
        until: today,
        last_period_partial: periods.last().is_some_and(|p| p.end > today + Duration::days(1)),
        periods: periods.iter().map(|p| p.label.clone()).collect(),
        totals: totals.clone(),
        total,
        window: o.window,
        min_support: o.min_support,
        values,
        emerging,
        pay: None,
    }
}

/// A value found together with another ("jobs that ask for PyTorch also ask for …").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Related {
    /// The value (a skill id).
    pub value: String,
    /// Its name.
    pub label: String,
    /// Postings with both.
    pub together: u64,
    /// Share of the first value's postings that have it too: P(it | first).
    pub share_with: f64,
    /// Its share of all postings: P(it).
    pub share_all: f64,
    /// `share_with / share_all`: how much more often it comes with the first value than at large.
    pub lift: f64,
}

/// Counts for [`related`]: over all `n` postings, each value's (`all`); over the `n_with`
/// postings of the first value, each value's (`with`).
#[derive(Debug, Clone, Copy)]
pub struct CoCounts<'a> {
    /// All postings.
    pub n: u64,
    /// (value, postings) over all postings.
    pub all: &'a [(String, u64)],
    /// Postings of the first value.
    pub n_with: u64,
    /// (value, postings with both).
    pub with: &'a [(String, u64)],
}

/// The values that come with a first one (`first`, left out of the answer), by lift, with
/// support: a value needs `min_support` postings together. Most lift first, at most `top`.
pub fn related(first: &str, c: CoCounts<'_>, min_support: u64, top: usize, label: impl Fn(&str) -> String) -> Vec<Related> {
    let (n_first, n, with, all) = (c.n_with, c.n, c.with, c.all);
    if n_first == 0 || n == 0 {
        return Vec::new();
    }
    let overall: std::collections::HashMap<&str, u64> = all.iter().map(|(v, c)| (v.as_str(), *c)).collect();
    let mut out: Vec<Related> = with
        .iter()
        .filter(|(v, together)| v != first && v != "unknown" && *together >= min_support.max(1))
        .filter_map(|(v, together)| {
            let n_v = *overall.get(v.as_str())?;
            let (share_with, share_all) = (*together as f64 / n_first as f64, n_v as f64 / n as f64);
            Some(Related { value: v.clone(), label: label(v), together: *together, share_with, share_all, lift: share_with / share_all })
        })
        .collect();
    out.sort_by(|a, b| b.lift.total_cmp(&a.lift).then_with(|| b.together.cmp(&a.together)));
    out.truncate(top);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_periods() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let p = |s: Option<&str>| report_period(s, today).map(|p| (p.label, p.start.to_string(), p.end.to_string()));
        assert_eq!(p(None), Ok(("2025-12 to 2026-11".into(), "2025-12-01".into(), "2026-12-01".into())));
        assert_eq!(p(Some("2026-Q3")), Ok(("2026-Q3".into(), "2026-07-01".into(), "2026-10-01".into())));
        assert_eq!(p(Some("2025-q4")), Ok(("2025-Q4".into(), "2025-10-01".into(), "2026-01-01".into())));
        assert_eq!(p(Some("2025")), Ok(("2025".into(), "2025-01-01".into(), "2026-01-01".into())));
        assert_eq!(p(Some("2026-11")), Ok(("2026-11".into(), "2026-11-01".into(), "2026-12-01".into())));
        assert!(p(Some("2026-Q4")).unwrap_err().contains("not over yet"));
        assert!(p(Some("2026")).unwrap_err().contains("not over yet"));
        for bad in ["2026-Q5", "26-13", "last year", "2026-00"] {
            assert!(p(Some(bad)).unwrap_err().contains("expected a quarter"), "{bad}");
        }
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn weeks_are_iso_weeks_and_months_calendar_months() {
        let w = periods(Interval::Week, d("2026-11-25"), d("2026-12-08"));
        assert_eq!(w.iter().map(|p| p.label.as_str()).collect::<Vec<_>>(), ["2026-W48", "2026-W49", "2026-W50"]);
        assert_eq!((w[0].start, w[0].end), (d("2026-11-23"), d("2026-11-30")), "Monday to the next Monday");
        // ISO week-years: 2027-01-01 is a Friday of 2026-W53.
        assert_eq!(periods(Interval::Week, d("2027-01-01"), d("2027-01-01"))[0].label, "2026-W53");
        let m = periods(Interval::Month, d("2025-11-15"), d("2026-02-01"));
        assert_eq!(m.iter().map(|p| p.label.as_str()).collect::<Vec<_>>(), ["2025-11", "2025-12", "2026-01", "2026-02"]);
        assert_eq!((m[1].start, m[1].end), (d("2025-12-01"), d("2026-01-01")));
        assert!(periods(Interval::Month, d("2026-03-01"), d("2026-02-01")).is_empty());
        assert_eq!(default_since(Interval::Month, d("2026-12-01")), d("2026-01-01"));
        assert_eq!(periods(Interval::Month, default_since(Interval::Month, d("2026-07-15")), d("2026-07-15")).len(), 12);
        let (complete, last) = last_complete_months(d("2026-12-01"));
        assert_eq!((complete.len(), complete[0].label.as_str(), complete[11].label.as_str(), last), (12, "2025-12", "2026-11", d("2026-11-30")));
    }

    #[test]
    fn growth_compares_shares_and_ignores_tiny_counts() {
        // The market doubles; the skill goes from 10 % to 20 % of it: +100 %, not +300 %.
        let totals = [100, 100, 200, 200];
        let g = growth(&[10, 10, 40, 40], &totals, 2, 5).unwrap();
        assert_eq!((g.before, g.recent), (20, 80));
        assert!((g.share_before - 0.10).abs() < 1e-9 && (g.share_recent - 0.20).abs() < 1e-9);
        assert!((g.change - 1.0).abs() < 1e-9, "{g:?}");
        // A skill that grows with the market has not grown.
        assert!(growth(&[10, 10, 20, 20], &totals, 2, 5).unwrap().change.abs() < 1e-9);
        // 1 → 3 postings is not a trend.
        assert_eq!(growth(&[1, 0, 2, 1], &totals, 2, 5), None);
        // Too short a series for two windows.
        assert_eq!(growth(&[10, 10, 10], &totals, 2, 1), None);
        assert_eq!(share(0, 0), None);
    }

    #[test]
    fn pay_medians_need_enough_postings() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        let t = crate::taxonomy::test_taxonomy();
        let periods = periods(Interval::Month, "2026-01-01".parse().unwrap(), "2026-02-15".parse().unwrap());
        let o = ReportOptions { window: 1, min_support: 1, top: 5, today: "2026-02-15".parse().unwrap() };
        let r = report("role", Interval::Month, &periods, vec![10, 10], &[("data-scientist".to_string(), vec![4, 6])], t, o);
        let mut pay = std::collections::BTreeMap::new();
        pay.insert("data-scientist".to_string(), vec![vec![100_000.0, 120_000.0], vec![150_000.0; 3]]);
        let r = with_pay(r, &[vec![90_000.0, 100_000.0, 120_000.0], vec![150_000.0; 3]], &pay, 3);
        let p = r.pay.unwrap();
        assert_eq!((p.all.clone(), p.postings.clone()), (vec![Some(100_000.0), Some(150_000.0)], vec![3, 3]));
        assert_eq!(p.values[0].medians, vec![None, Some(150_000.0)], "two postings stating pay make no median");
    }

    #[test]
    fn related_values_rank_by_lift_with_support() {
        // 1,000 postings; 100 ask for PyTorch. CUDA: 50 of those, 60 in all (lift 50/100 / 60/1000
        // = 8.3). Python: 90 of those, 600 in all (lift 1.5). Triton: 3 together (under support).
        let with = [("pytorch", 100), ("cuda", 50), ("python", 90), ("triton", 3)].map(|(v, n)| (v.to_string(), n));
        let all = [("pytorch", 100), ("cuda", 60), ("python", 600), ("triton", 4)].map(|(v, n)| (v.to_string(), n));
        let c = CoCounts { n: 1000, all: &all, n_with: 100, with: &with };
        let r = related("pytorch", c, 5, 10, |v| v.to_uppercase());
        assert_eq!(r.iter().map(|x| x.value.as_str()).collect::<Vec<_>>(), ["cuda", "python"]);
        assert!((r[0].lift - 0.5 / 0.06).abs() < 1e-9 && (r[1].lift - 1.5).abs() < 1e-9, "{r:?}");
        assert_eq!((r[0].label.as_str(), r[0].together), ("CUDA", 50));
        assert!(related("x", CoCounts { n_with: 0, ..c }, 1, 10, |v| v.into()).is_empty());
    }
}
