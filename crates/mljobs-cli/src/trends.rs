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

/// `mljobs report …`: the market report of a period ([`mljobs_store::report`]) as one
/// self-contained HTML file, Markdown or JSON.
pub fn report(cli: &Cli) -> Result<ExitCode> {
    let Command::Report { period, format, out, base_url, json } = &cli.command else { unreachable!("called for report only") };
    let today = chrono::Utc::now().date_naive();
    let period = trends::report_period(period.as_deref(), today).map_err(|e| anyhow::anyhow!("--period: {e}"))?;
    let format = match (json, format.as_deref(), out.as_ref().and_then(|o| o.extension()).and_then(|e| e.to_str())) {
        (true, _, _) => "json",
        (_, Some(f), _) => f,
        (_, None, Some("md" | "markdown")) => "md",
        (_, None, Some("json")) => "json",
        _ => "html",
    };
    let (taxonomy, _) = cli.load_taxonomy()?;
    let store = crate::commands::open_existing(cli)?;
    let index = crate::commands::synced_reader(cli, &store)?;
    let survey = mljobs_core::survey::parse(mljobs_core::survey::EMBEDDED, "survey")?;
    let started = std::time::Instant::now();
    let r = mljobs_store::report::market_report(&index, &taxonomy, &survey, &period, today)?;
    let text = match format {
        "json" => serde_json::to_string_pretty(&r)? + "\n",
        "md" => mljobs_web::ui::report::report_markdown(&r, base_url),
        _ => mljobs_web::ui::report::report_file(&r, base_url),
    };
    match out {
        Some(path) => {
            std::fs::write(path, &text).map_err(|e| anyhow::anyhow!("writing {}: {e}", path.display()))?;
            eprintln!(
                "mljobs: wrote the market report of {} ({} postings) to {} in {:.2} s",
                period.label,
                mljobs_core::text::thousands(r.postings as f64),
                path.display(),
                started.elapsed().as_secs_f64()
            );
        }
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}
