//! The market report (issue 17 item 3): `/report` (in the site's frame), `/report.md`, and the
//! self-contained file `mljobs report` writes (one HTML file with its styles inline and charts as
//! inline SVG, no external asset; or Markdown). The figures are `mljobs_store::report`'s; this
//! module only words and formats them: every figure with its base and a link to its search.

use mljobs_store::report::{Count, MarketReport, PayFactor};

use super::*;

/// A row of a table of shares.
pub(crate) struct ShareRow {
    pub name: String,
    pub href: String,
    pub postings: String,
    pub base: String,
    pub share: String,
}

/// A role's row.
pub(crate) struct RoleRow {
    pub row: ShareRow,
    pub pay: String,
    pub skills: Vec<(String, String, String)>,
}

/// A table of shares under a heading.
pub(crate) struct ShareTable {
    pub title: String,
    pub rows: Vec<ShareRow>,
}

/// One factor's pay: a box chart and rows per source.
pub(crate) struct PayView {
    pub factor: String,
    pub source: String,
    pub basis: String,
    pub svg: Option<String>,
    pub rows: Vec<(String, Option<String>, [String; 5], String)>,
    pub note: Option<String>,
}

/// What the templates and the Markdown writer read.
pub(crate) struct ReportView {
    pub title: String,
    pub period: String,
    pub generated: String,
    pub postings: String,
    pub with_pay: String,
    pub all_href: String,
    pub base_note: Option<String>,
    pub roles_svg: Option<String>,
    pub roles: Vec<RoleRow>,
    pub groups: Vec<ShareTable>,
    pub years: Vec<String>,
    pub year_totals: Vec<String>,
    pub frameworks: Vec<(String, Vec<String>)>,
    pub frameworks_svg: Option<String>,
    pub frameworks_note: String,
    pub industries: Vec<ShareRow>,
    pub with_industry: String,
    pub pay: Vec<PayView>,
    pub emerging: Vec<(String, String, String, String, String, String, String)>,
    pub entry: ShareRow,
    pub entry_skills: Vec<(ShareRow, String)>,
    pub entry_degrees: Vec<ShareRow>,
    pub phd: ShareRow,
    pub any_degree: ShareRow,
    pub phd_roles: Vec<(ShareRow, ShareRow)>,
    pub phd_named: ShareRow,
    pub phd_option: String,
    pub remote: ShareRow,
    pub remote_roles: Vec<ShareRow>,
    pub remote_countries: Vec<ShareRow>,
    pub min_base: u64,
    pub min_pay: usize,
}

fn pct(x: Option<f64>) -> String {
    x.map_or("–".to_string(), |v| if v > 0.0 && v < 0.005 { "<1%".to_string() } else { format!("{:.0}%", 100.0 * v) })
}

impl ReportView {
    /// The view of `r`, its links under `base` (`""` on the site; the server's address in a file).
    pub(crate) fn new(r: &MarketReport, base: &str) -> ReportView {
        let href = |q: &str| if q.is_empty() { format!("{base}/jobs") } else { format!("{base}/jobs?{q}") };
        let row = |c: &Count| ShareRow {
            name: c.label.clone(),
            href: href(&c.search),
            postings: thousands(c.postings),
            base: thousands(c.base),
            share: pct(c.share),
        };
        let roles: Vec<RoleRow> = r
            .roles
            .iter()
            .map(|f| RoleRow {
                row: row(&f.count),
                pay: f.pay.as_ref().map_or("–".into(), |d| format!("{} (n = {})", usd_k(d.median), thousands(d.count as u64))),
                skills: f.skills.iter().map(|s| (s.label.clone(), href(&s.search), pct(s.share))).collect(),
            })
            .collect();
        let roles_svg = (!r.roles.is_empty() && r.postings >= mljobs_store::report::MIN_BASE).then(|| {
            let items: Vec<(String, f64)> = r.roles.iter().filter_map(|f| Some((f.count.label.clone(), f.count.share?))).collect();
            charts::share_bars("report-roles", &format!("Share of the {} postings of {} by role", thousands(r.postings), r.period.label), "postings", &items)
        });
        let groups = r.skill_groups.iter().map(|g| ShareTable { title: category_name(&g.category), rows: g.skills.iter().map(row).collect() }).collect();
        let y = &r.frameworks_by_year;
        let kept: Vec<usize> = (0..y.years.len()).filter(|&i| y.totals[i] >= mljobs_store::report::MIN_BASE).collect();
        let frameworks: Vec<(String, Vec<String>)> = y.series.iter().map(|f| (f.label.clone(), kept.iter().map(|&i| pct(f.shares[i])).collect())).collect();
        let frameworks_svg = (kept.len() >= 2 && !y.series.is_empty()).then(|| {
            let xs: Vec<String> = kept.iter().map(|&i| y.years[i].clone()).collect();
            let series: Vec<(String, Vec<f64>)> =
                y.series.iter().map(|f| (f.label.clone(), kept.iter().map(|&i| f.shares[i].unwrap_or(0.0)).collect())).collect();
            charts::share_lines("report-frameworks", "Share of each year's postings naming each framework", &xs, &series)
        });
        let dropped = y.years.len() - kept.len();
        let frameworks_note = if dropped > 0 {
            format!("{dropped} of the {} years have fewer than {} postings and are left out.", y.years.len(), mljobs_store::report::MIN_BASE)
        } else {
            String::new()
        };
        let pay = r.pay.iter().enumerate().map(|(i, p)| pay_view(p, i, &href)).collect();
        let emerging = r
            .emerging
            .iter()
            .map(|e| {
                (
                    if e.by == "area" { "Area".to_string() } else { "Skill".to_string() },
                    e.label.clone(),
                    href(&e.search),
                    pct(Some(e.share_before)),
                    pct(Some(e.share_recent)),
                    format!("{:+.0}%", 100.0 * e.change),
                    format!("{} → {}", thousands(e.before), thousands(e.recent)),
                )
            })
            .collect();
        ReportView {
            title: format!("The ML job market, {}", r.period.label),
            period: r.period.label.clone(),
            generated: r.generated.to_string(),
            postings: thousands(r.postings),
            with_pay: thousands(r.with_pay),
            all_href: href(&r.search),
            base_note: (!base.is_empty()).then(|| format!("Links open the searches on the mljobs server at {base}.")),
            roles_svg,
            roles,
            groups,
            years: kept.iter().map(|&i| y.years[i].clone()).collect(),
            year_totals: kept.iter().map(|&i| thousands(y.totals[i])).collect(),
            frameworks,
            frameworks_svg,
            frameworks_note,
            industries: r.industries.iter().map(row).collect(),
            with_industry: thousands(r.with_industry),
            pay,
            emerging,
            entry: row(&r.entry.count),
            entry_skills: r.entry.skills.iter().map(|(c, all)| (row(c), pct(*all))).collect(),
            entry_degrees: r.entry.degrees.iter().map(row).collect(),
            phd: row(&r.faq.phd),
            any_degree: row(&r.faq.any_degree),
            phd_roles: r.faq.phd_by_role.iter().zip(&r.faq.phd_named_by_role).map(|(a, b)| (row(a), row(b))).collect(),
            phd_named: row(&r.faq.phd_named),
            phd_option: thousands(r.faq.phd_named.postings.saturating_sub(r.faq.phd.postings)),
            remote: row(&r.faq.remote),
            remote_roles: r.faq.remote_by_role.iter().map(row).collect(),
            remote_countries: r.faq.remote_by_country.iter().map(row).collect(),
            min_base: mljobs_store::report::MIN_BASE,
            min_pay: mljobs_store::report::MIN_PAY,
        }
    }
}

fn pay_view(p: &PayFactor, i: usize, href: &dyn Fn(&str) -> String) -> PayView {
    let boxes: Vec<BoxRow> = p.groups.iter().map(|(_, name, d, _)| BoxRow::of(name.clone(), d)).collect();
    let source = if p.source == "posted" { "Stated in postings" } else { "Survey" };
    PayView {
        factor: capitalised(&p.factor),
        source: source.to_string(),
        basis: capitalised(&p.basis),
        svg: (!boxes.is_empty()).then(|| {
            charts::salary_boxes(&format!("report-pay-{i}"), &format!("{}: {} pay by {}, annual USD", source, capitalised(&p.factor), p.factor), &boxes)
        }),
        rows: p
            .groups
            .iter()
            .zip(&boxes)
            .map(|((_, name, d, search), b)| (name.clone(), search.as_deref().map(href), b.cells(), thousands(d.count as u64)))
            .collect(),
        note: p.note.clone(),
    }
}

/// `/report` in the site's frame.
#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    page: Chrome,
    r: ReportView,
}

/// The self-contained file: the site's styles inline, no external asset, no script.
#[derive(Template)]
#[template(path = "report_file.html")]
struct ReportFile<'a> {
    r: &'a ReportView,
    css: &'static str,
}

/// The report as one self-contained HTML file, its links under `base` (the server's address).
pub fn report_file(r: &MarketReport, base: &str) -> String {
    let view = ReportView::new(r, base.trim_end_matches('/'));
    ReportFile { r: &view, css: include_str!("../../static/app.css") }.render().unwrap_or_else(|e| format!("<!doctype html><title>report</title><p>{e}</p>"))
}

/// The report as Markdown, its links under `base`.
pub fn report_markdown(r: &MarketReport, base: &str) -> String {
    markdown(&ReportView::new(r, base.trim_end_matches('/')))
}

fn md_table(out: &mut String, head: &[&str], rows: impl IntoIterator<Item = Vec<String>>) {
    use std::fmt::Write;
    let esc = |s: &str| s.replace('|', "\\|");
    let _ = writeln!(out, "| {} |", head.join(" | "));
    let _ = writeln!(out, "|{}|", head.iter().enumerate().map(|(i, _)| if i == 0 { "---" } else { "---:" }).collect::<Vec<_>>().join("|"));
    for r in rows {
        let _ = writeln!(out, "| {} |", r.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | "));
    }
    out.push('\n');
}

fn link(name: &str, href: &str) -> String {
    format!("[{}]({})", name.replace('[', "\\[").replace(']', "\\]"), href.replace(' ', "%20").replace(')', "%29"))
}

fn markdown(v: &ReportView) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let _ = writeln!(o, "# {}\n", v.title);
    let _ = writeln!(
        o,
        "From the {} postings of {} ({} state pay), open and closed, near-duplicates once; a posting counts in the period of its date posted, else of the day mljobs first saw it. Computed {}. Shares under {} postings and pay groups under {} postings are left out. {}\n",
        link(&v.postings, &v.all_href),
        v.period,
        v.with_pay,
        v.generated,
        v.min_base,
        v.min_pay,
        v.base_note.clone().unwrap_or_default()
    );
    let _ = writeln!(o, "## The main roles\n");
    if v.roles.is_empty() {
        let _ = writeln!(o, "Too few postings in the period.\n");
    } else {
        md_table(
            &mut o,
            &["Role", "Postings", "Share", "Median stated pay"],
            v.roles.iter().map(|r| vec![link(&r.row.name, &r.row.href), r.row.postings.clone(), r.row.share.clone(), r.pay.clone()]),
        );
        let _ = writeln!(o, "### The skills each role asks most\n\nShare of the role's postings naming each.\n");
        for r in &v.roles {
            let skills: Vec<String> = r.skills.iter().map(|(n, h, s)| format!("{} {s}", link(n, h))).collect();
            let _ = writeln!(o, "- **{}**: {}", r.row.name, skills.join(", "));
        }
        o.push('\n');
    }
    let _ = writeln!(o, "## What employers ask for\n");
    for g in &v.groups {
        let _ = writeln!(o, "### {}\n", g.title);
        if g.rows.is_empty() {
            let _ = writeln!(o, "None asked in the period.\n");
        } else {
            md_table(&mut o, &["Skill", "Postings", "Share of all"], g.rows.iter().map(|r| vec![link(&r.name, &r.href), r.postings.clone(), r.share.clone()]));
        }
    }
    let _ = writeln!(o, "### Frameworks by year\n");
    if v.years.is_empty() || v.frameworks.is_empty() {
        let _ = writeln!(o, "Too few postings per year to compare. {}\n", v.frameworks_note);
    } else {
        let mut head = vec!["Framework"];
        head.extend(v.years.iter().map(String::as_str));
        let mut rows: Vec<Vec<String>> = v.frameworks.iter().map(|(n, s)| std::iter::once(n.clone()).chain(s.iter().cloned()).collect()).collect();
        rows.push(std::iter::once("Postings".to_string()).chain(v.year_totals.iter().cloned()).collect());
        md_table(&mut o, &head, rows);
        if !v.frameworks_note.is_empty() {
            let _ = writeln!(o, "{}\n", v.frameworks_note);
        }
    }
    let _ = writeln!(o, "## The industries hiring\n");
    if v.industries.is_empty() {
        let _ = writeln!(o, "No posting of the period names an industry.\n");
    } else {
        let _ = writeln!(o, "{} postings name an industry; shares are of all postings.\n", v.with_industry);
        md_table(&mut o, &["Industry", "Postings", "Share"], v.industries.iter().map(|r| vec![link(&r.name, &r.href), r.postings.clone(), r.share.clone()]));
    }
    let _ = writeln!(o, "## What ML jobs pay\n");
    for p in &v.pay {
        let _ = writeln!(o, "### {} — {}\n\n{}.\n", p.factor, p.source, capitalised(&p.basis));
        match &p.note {
            Some(n) => {
                let _ = writeln!(o, "No figures: {n}.\n");
            }
            None => md_table(
                &mut o,
                &["Group", "P10", "P25", "Median", "P75", "P90", "n"],
                p.rows.iter().map(|(name, href, c, n)| {
                    let mut row = vec![href.as_ref().map_or(name.clone(), |h| link(name, h))];
                    row.extend(c.iter().cloned());
                    row.push(n.clone());
                    row
                }),
            ),
        }
    }
    let _ = writeln!(o, "## Emerging areas and skills\n");
    if !v.emerging.is_empty() {
        let _ = writeln!(o, "Share of postings, the 3 months up to the period's end against the 3 before ({} postings or more in each).\n", v.min_base);
    }
    if v.emerging.is_empty() {
        let _ = writeln!(
            o,
            "No area or skill has {} postings or more in both of the two 3-month windows up to the period's end with a growing share: nothing to call a trend.\n",
            v.min_base
        );
    } else {
        md_table(
            &mut o,
            &["", "Name", "Share before", "Share recent", "Change", "Postings"],
            v.emerging.iter().map(|e| vec![e.0.clone(), link(&e.1, &e.2), e.3.clone(), e.4.clone(), e.5.clone(), e.6.clone()]),
        );
    }
    let _ = writeln!(o, "## Getting started: what entry-level postings ask\n");
    let _ = writeln!(o, "{} of the period's postings are for interns and juniors ({}).\n", link(&v.entry.postings, &v.entry.href), v.entry.share);
    if !v.entry_skills.is_empty() {
        md_table(
            &mut o,
            &["Skill", "Entry-level postings", "Share of them", "Share of all postings"],
            v.entry_skills.iter().map(|(r, all)| vec![link(&r.name, &r.href), r.postings.clone(), r.share.clone(), all.clone()]),
        );
        md_table(
            &mut o,
            &["Lowest degree named", "Entry-level postings", "Share of them"],
            v.entry_degrees.iter().map(|r| vec![link(&r.name, &r.href), r.postings.clone(), r.share.clone()]),
        );
    }
    let _ = writeln!(o, "## Questions\n\n### Do ML jobs need a PhD?\n");
    let _ = writeln!(
        o,
        "{} of the postings ({} of {}) require a PhD — it is the lowest degree they name; {} name a PhD at all ({}), {} of them as one option (\"MS or PhD\"). {} name a degree requirement of any kind ({}).\n",
        v.phd.share,
        link(&v.phd.postings, &v.phd.href),
        v.phd.base,
        v.phd_named.share,
        link(&v.phd_named.postings, &v.phd_named.href),
        v.phd_option,
        v.any_degree.share,
        v.any_degree.postings
    );
    md_table(
        &mut o,
        &["Role", "Postings", "Require a PhD", "Share", "Name a PhD", "Share"],
        v.phd_roles
            .iter()
            .map(|(a, b)| vec![a.name.clone(), a.base.clone(), link(&a.postings, &a.href), a.share.clone(), link(&b.postings, &b.href), b.share.clone()]),
    );
    let _ = writeln!(
        o,
        "### Can I work remotely?\n\n{} of the postings are remote ({} of {}).\n",
        v.remote.share,
        link(&v.remote.postings, &v.remote.href),
        v.remote.base
    );
    md_table(
        &mut o,
        &["Role", "Remote postings", "Of", "Share"],
        v.remote_roles.iter().map(|r| vec![link(&r.name, &r.href), r.postings.clone(), r.base.clone(), r.share.clone()]),
    );
    if !v.remote_countries.is_empty() {
        md_table(
            &mut o,
            &["Country", "Remote postings", "Of", "Share"],
            v.remote_countries.iter().map(|r| vec![link(&r.name, &r.href), r.postings.clone(), r.base.clone(), r.share.clone()]),
        );
    }
    let _ =
        writeln!(o, "---\n\nPostings: those in this mljobs store. Survey: the aijobs.net salary survey (CC0). Written by `mljobs report` on {}.", v.generated);
    o
}

/// `/report?period=2026-Q3` (default: the 12 complete months before this one), cached per index
/// generation; `/report.md` the same as Markdown.
pub(super) async fn report(State(s): St, RawQuery(q): RawQuery) -> Response {
    let period = match period_param(q.as_deref()) {
        Ok(p) => p,
        Err(e) => return error_page(StatusCode::BAD_REQUEST, &e),
    };
    cached_page(&s, &format!("/report?{}", period.label), || -> Result<ReportPage, crate::ApiError> {
        let r = compute(&s, &period)?;
        let view = ReportView::new(&r, "");
        Ok(ReportPage {
            page: chrome(
                view.title.clone(),
                "insights",
                format!(
                    "The ML job market of {}, written from the postings here: roles, skills, industries, pay by five factors, emerging areas, what entry-level jobs ask, and questions answered with numbers.",
                    period.label
                ),
            ),
            r: view,
        })
    })
}

pub(super) async fn report_md(State(s): St, RawQuery(q): RawQuery) -> Response {
    let period = match period_param(q.as_deref()) {
        Ok(p) => p,
        Err(e) => return (StatusCode::BAD_REQUEST, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], e).into_response(),
    };
    match compute(&s, &period) {
        Ok(r) => ([(header::CONTENT_TYPE, "text/markdown; charset=utf-8")], report_markdown(&r, "")).into_response(),
        Err(e) => e.into_response(),
    }
}

fn period_param(q: Option<&str>) -> Result<mljobs_core::trends::Period, String> {
    let mut spec = None;
    for (k, v) in url::form_urlencoded::parse(q.unwrap_or("").as_bytes()) {
        match k.as_ref() {
            "period" => spec = Some(v.into_owned()),
            other => return Err(format!("unknown parameter {other:?}: /report takes period (2026-Q3, 2026 or 2026-11)")),
        }
    }
    mljobs_core::trends::report_period(spec.as_deref(), chrono::Utc::now().date_naive())
}

fn compute(s: &AppState, period: &mljobs_core::trends::Period) -> Result<MarketReport, crate::ApiError> {
    Ok(mljobs_store::report::market_report(&s.index, &s.taxonomy, s.survey(), period, chrono::Utc::now().date_naive())?)
}
