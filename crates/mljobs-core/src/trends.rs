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
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
