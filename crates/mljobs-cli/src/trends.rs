//! `mljobs trends`: the market over time (issue 17 item 1) — postings per week or month of a
//! search, in all and per value of one facet, each value's share of the period's postings, the
//! growth of its share between the last `window` periods and the `window` before (reported only
//! with `min_support` postings in both), and the values that grow fastest. The counting is
//! `SearchIndex::trends`; the rules are `mljobs_core::trends`.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Result, bail};
use mljobs_core::trends::{self, Interval, Report};

use crate::config::{Cli, Command};

/// Postings stating pay a median needs.
const PAY_MIN_POSTINGS: u64 = 10;

/// `mljobs trends …`.
pub fn run(cli: &Cli) -> Result<ExitCode> {
    let Command::Trends { q, by, interval, since, window, min_support, top, pay, filters, json } = &cli.command else { unreachable!("called for trends only") };
    let Some(interval) = Interval::parse(interval) else { bail!("--interval {interval:?}: week or month") };
    let (taxonomy, _) = cli.load_taxonomy()?;
    let store = crate::commands::open_existing(cli)?;
    let index = crate::commands::synced_reader(cli, &store)?;
    let today = chrono::Utc::now().date_naive();
    let since = since.unwrap_or_else(|| trends::default_since(interval, today));
    if since > today {
        bail!("--since {since}: after today");
    }
    let periods = trends::periods(interval, since, today);
    let spans: Vec<_> = periods.iter().map(|p| (p.start, p.end)).collect();
    let req = mljobs_store::SearchRequest { q: q.clone(), ..filters.request(&taxonomy)? };
    let synonyms = mljobs_store::Synonyms::new(&taxonomy);
    let trend = if *pay { index.trends_with_pay(&req, by, &spans, Some(&synonyms))? } else { index.trends(&req, by, &spans, Some(&synonyms))? };
    let options = trends::ReportOptions { window: *window, min_support: *min_support, top: *top, today };
    let mut report = trends::report(by, interval, &periods, trend.totals, &trend.series, &taxonomy, options);
    if *pay {
        report = trends::with_pay(report, &trend.pay_all, &trend.pay, PAY_MIN_POSTINGS);
    }
    let mut out = std::io::stdout().lock();
    if *json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    print_table(&mut out, &report)?;
    Ok(ExitCode::SUCCESS)
}

fn pct(x: Option<f64>) -> String {
    x.map_or("–".into(), |v| format!("{:.1}%", 100.0 * v))
}

fn print_table(out: &mut impl Write, r: &Report) -> Result<()> {
    let unit = if r.interval == Interval::Week { "week" } else { "month" };
    writeln!(
        out,
        "{} postings, {} to {}, by {unit}{}",
        mljobs_core::text::thousands(r.total as f64),
        r.periods.first().map_or("", String::as_str),
        r.periods.last().map_or("", String::as_str),
        if r.last_period_partial { " (the last one so far)" } else { "" }
    )?;
    let shown: Vec<usize> = (r.periods.len().saturating_sub(6)..r.periods.len()).collect();
    write!(out, "\n{:<28} {:>7} {:>7}", r.by.replace('_', " "), "total", "share")?;
    for &i in &shown {
        write!(out, " {:>8}", r.periods[i])?;
    }
    writeln!(out, "  growth (last {} vs {} before)", r.window, r.window)?;
    write!(out, "{:<28} {:>7} {:>7}", "all postings", r.total, "")?;
    for &i in &shown {
        write!(out, " {:>8}", r.totals[i])?;
    }
    writeln!(out)?;
    for s in &r.values {
        let label: String = s.label.chars().take(28).collect();
        write!(out, "{label:<28} {:>7} {:>7}", s.total, pct(s.share))?;
        for &i in &shown {
            write!(out, " {:>8}", pct(s.shares[i]))?;
        }
        let growth = s.growth.as_ref().map_or(format!("too few (< {} a window)", r.min_support), |g| format!("{:+.0}%", 100.0 * g.change));
        writeln!(out, "  {growth}")?;
    }
    if let Some(p) = &r.pay {
        writeln!(out, "\nMedian posted pay, USD a year (periods with {} postings or more stating pay):", p.min_postings)?;
        let usd = |x: &Option<f64>| x.map_or("–".to_string(), |v| format!("{:.0}k", v / 1000.0));
        write!(out, "{:<28}", "all postings")?;
        for &i in &shown {
            write!(out, " {:>8}", usd(&p.all[i]))?;
        }
        writeln!(out)?;
        for v in &p.values {
            let label: String = v.label.chars().take(28).collect();
            write!(out, "{label:<28}")?;
            for &i in &shown {
                write!(out, " {:>8}", usd(&v.medians[i]))?;
            }
            writeln!(out)?;
        }
    }
    if !r.emerging.is_empty() {
        writeln!(out, "\nGrowing fastest (share of postings, last {} {unit}s vs the {} before; ≥ {} postings in each):", r.window, r.window, r.min_support)?;
        for s in &r.emerging {
            if let Some(g) = &s.growth {
                writeln!(
                    out,
                    "  {:<28} {:>+6.0}%  {} → {} ({} → {} postings)",
                    s.label,
                    100.0 * g.change,
                    pct(Some(g.share_before)),
                    pct(Some(g.share_recent)),
                    g.before,
                    g.recent
                )?;
            }
        }
    }
    Ok(())
}
