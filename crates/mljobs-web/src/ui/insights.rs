//! `/insights` (issue 17 item 2): the market over the last 12 months from the postings here —
//! demand by role, the skills and areas growing fastest, the remote share, skills that go
//! together, who is hiring, and what the postings that state pay offer by role and level. Every figure comes from the calls behind `GET /api/v1/trends` and
//! `GET /api/v1/skills/{id}/related` (core's rules: shares, support, lift) and links to the
//! searches and the API answers that produced it. Months with fewer than [`MIN_SHARE_BASE`]
//! postings are left out of the charts (their shares would be noise) and the page says so.

use mljobs_core::trends::{self, CoCounts, Interval, Report, ReportOptions};

use super::*;

/// A row of a growth table.
struct GrowthRow {
    name: String,
    href: String,
    before: String,
    recent: String,
    change: String,
    support: String,
}

/// A skill and the skills found with it most, by lift.
struct Together {
    name: String,
    href: String,
    with: Vec<(String, String, String)>,
}

/// An employer with its postings.
struct Employer {
    name: String,
    href: String,
    postings: String,
    share: String,
    recent: String,
}

/// Stated pay of one month.
struct MonthPay {
    month: String,
    median: String,
    postings: String,
}

#[derive(Template)]
#[template(path = "insights.html")]
struct InsightsPage {
    page: Chrome,
    postings: String,
    months: Vec<String>,
    left_out: usize,
    window: usize,
    roles_svg: Option<String>,
    role_rows: Vec<(String, String, Vec<String>)>,
    skills: Vec<GrowthRow>,
    areas: Vec<GrowthRow>,
    remote_svg: Option<String>,
    remote_now: Option<String>,
    together: Vec<Together>,
    employers: Vec<Employer>,
    with_company: String,
    pay_roles_svg: Option<String>,
    pay_levels_svg: Option<String>,
    pay_months: Vec<MonthPay>,
    pay_postings: String,
}

/// Growth with at least this many postings in each window.
const MIN_SUPPORT: u64 = 20;

pub(super) async fn insights(State(s): St) -> Response {
    cached_page(&s, "/insights", || -> Result<InsightsPage, crate::ApiError> {
        let (periods, last_day) = trends::last_complete_months(chrono::Utc::now().date_naive());
        let spans: Vec<_> = periods.iter().map(|p| (p.start, p.end)).collect();
        let open = mljobs_store::SearchRequest { collapse: true, ..mljobs_store::SearchRequest::default() };
        let count = |by: &str| s.index.trends(&open, by, &spans, None);
        // Roles and levels with the stated pay of their postings, in the same walk as the counts.
        let role_counts = s.index.trends_with_pay(&open, "role", &spans, None)?;
        let level_pay = s.index.trends_with_pay(&open, "seniority", &spans, None)?;
        // The months with enough postings for shares.
        let kept: Vec<usize> = (0..periods.len()).filter(|&i| role_counts.totals[i] >= MIN_SHARE_BASE).collect();
        let months: Vec<String> = kept.iter().map(|&i| periods[i].label.clone()).collect();
        let window = (kept.len() / 2).clamp(1, 3);
        let pick = |v: &[u64]| -> Vec<u64> { kept.iter().map(|&i| v[i]).collect() };
        let kept_periods: Vec<trends::Period> = kept.iter().map(|&i| periods[i].clone()).collect();
        let report = |by: &str, t: &mljobs_store::Trend, top: usize| -> Report {
            let series: Vec<(String, Vec<u64>)> = t.series.iter().map(|(v, c)| (v.clone(), pick(c))).collect();
            trends::report(
                by,
                Interval::Month,
                &kept_periods,
                pick(&t.totals),
                &series,
                &s.taxonomy,
                ReportOptions { window, min_support: MIN_SUPPORT, top, today: last_day },
            )
        };
        let pct = |x: Option<f64>| x.map_or("–".to_string(), |v| format!("{:.0}%", 100.0 * v));
        let roles = report("role", &role_counts, 6);
        let line = |r: &trends::Series| -> Vec<f64> { r.shares.iter().map(|x| x.unwrap_or(0.0)).collect() };
        let roles_svg = (months.len() >= 2).then(|| {
            let series: Vec<(String, Vec<f64>)> = roles.values.iter().map(|r| (r.label.clone(), line(r))).collect();
            charts::share_lines("roles-trend", "Share of each month's postings by role", &months, &series)
        });
        let role_rows = roles.values.iter().map(|r| (r.label.clone(), format!("/jobs?role={}", r.value), r.shares.iter().map(|x| pct(*x)).collect())).collect();
        let growth_rows = |by: &str, r: &Report| -> Vec<GrowthRow> {
            r.emerging
                .iter()
                .take(8)
                .filter_map(|e| {
                    let g = e.growth.as_ref()?;
                    Some(GrowthRow {
                        name: e.label.clone(),
                        href: format!("/jobs?{by}={}", e.value),
                        before: pct(Some(g.share_before)),
                        recent: pct(Some(g.share_recent)),
                        change: format!("{:+.0}%", 100.0 * g.change),
                        support: format!("{} → {}", g.before, g.recent),
                    })
                })
                .collect()
        };
        let skills = growth_rows("skill", &report("skill", &count("skill")?, 10));
        let areas = growth_rows("area", &report("area", &count("area")?, 10));
        let modes = report("work_mode", &count("work_mode")?, 10);
        let remote = modes.values.iter().find(|v| v.value == "remote");
        let remote_svg = remote
            .filter(|_| months.len() >= 2)
            .map(|r| charts::share_lines("remote-trend", "Share of each month's postings that are remote", &months, &[("Remote".to_string(), line(r))]));
        let remote_now = remote.and_then(|r| r.shares.last().copied().flatten()).map(|x| pct(Some(x)));
        // Skills that go together: the four most asked skills, five companions each by lift.
        let stats = s.index.stats(4)?;
        let mut together = Vec::new();
        for (skill, _) in stats.by_skill.iter().take(4) {
            let c = s.index.co_occurrence(&open, "skill", skill, None)?;
            let counts = CoCounts { n: c.n, all: &c.all, n_with: c.n_with, with: &c.with };
            let with = trends::related(skill, counts, 10, 5, |v| s.taxonomy.facet_label("skill", v))
                .into_iter()
                .map(|r| (r.label, format!("/jobs?skill={}", r.value), format!("×{:.1}", r.lift)))
                .collect::<Vec<_>>();
            if !with.is_empty() {
                together.push(Together { name: s.taxonomy.facet_label("skill", skill), href: format!("/skills/{skill}"), with });
            }
        }
        // Who is hiring: the employers with most postings over the 12 months.
        let companies = count("company")?;
        let all: u64 = role_counts.totals.iter().sum();
        let last3 = periods.len().saturating_sub(3);
        let employers = companies
            .series
            .iter()
            .take(10)
            .map(|(name, counts)| Employer {
                name: name.clone(),
                href: format!("/jobs?company={}", url::form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>()),
                postings: thousands(counts.iter().sum()),
                share: pct(trends::share(counts.iter().sum(), all)),
                recent: thousands(counts[last3..].iter().sum()),
            })
            .collect();
        let with_company = thousands(companies.totals.iter().sum());
        // Stated pay: by role (the roles of the demand chart first), by level (the taxonomy's
        // order), and the median of each month with enough postings stating it.
        let role_order: Vec<String> = role_counts.series.iter().map(|(v, _)| v.clone()).collect();
        let roles_pay = charts::pay_rows(&role_counts.pay, &role_order, 8, |v| s.taxonomy.facet_label("role", v));
        let level_order: Vec<String> = s.taxonomy.levels.iter().map(|l| l.id.clone()).collect();
        let levels_pay = charts::pay_rows(&level_pay.pay, &level_order, 8, |v| s.taxonomy.facet_label("seniority", v));
        let pay_roles_svg = (!roles_pay.is_empty()).then(|| charts::salary_boxes("pay-roles", "Stated pay by role, annual USD", &roles_pay));
        let pay_levels_svg = (!levels_pay.is_empty()).then(|| charts::salary_boxes("pay-levels", "Stated pay by level, annual USD", &levels_pay));
        let pay_months = periods
            .iter()
            .zip(&role_counts.pay_all)
            .filter(|(_, v)| v.len() >= charts::MIN_PAY)
            .map(|(p, v)| MonthPay {
                month: p.label.clone(), median: trends::median(v).map_or("–".into(), charts::usd_k), postings: thousands(v.len() as u64)
            })
            .collect();
        let pay_postings = thousands(role_counts.pay_all.iter().map(|v| v.len() as u64).sum());
        Ok(InsightsPage {
            page: chrome(
                "The ML job market",
                "insights",
                "Demand by role over the last 12 months, the skills and areas growing fastest, the remote share, skills that go together, who is hiring and what the postings pay, from the postings here.",
            ),
            postings: thousands(role_counts.totals.iter().sum()),
            left_out: periods.len() - kept.len(),
            months,
            window,
            roles_svg,
            role_rows,
            skills,
            areas,
            remote_svg,
            remote_now,
            together,
            employers,
            with_company,
            pay_roles_svg,
            pay_levels_svg,
            pay_months,
            pay_postings,
        })
    })
}
