//! The market report's figures (issue 17 item 3): the article this product grew from, computed
//! from the index every time — the main roles with their share, skills and stated pay; the
//! languages, maths and frameworks asked for (PyTorch against TensorFlow by year); the industries
//! hiring; pay by experience, location, industry, specialisation and company size (posted and
//! survey pay, each labelled); the emerging areas and skills; what entry-level postings ask; and
//! FAQs answered with numbers (PhD, remote).
//!
//! Every figure carries its base (the postings it is a share of, the period) and the search that
//! finds its postings (a query string of `/jobs`); groups under [`MIN_BASE`] postings (shares) or
//! [`MIN_PAY`] postings stating pay are left out, and an empty section says why. The counting rule
//! is the trends' (a posting counts in the period of its date posted, else of the day mljobs
//! first saw it); closed postings count (a quarter's market includes the jobs filled since), near-
//! duplicates once. Rendering (HTML, Markdown) is the web crate's (`mljobs_web::report`).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use mljobs_core::Taxonomy;
use mljobs_core::survey::{Distribution, GroupBy, SurveyRow};
use mljobs_core::trends::{self, Interval, Period, ReportOptions};
use serde::Serialize;

use crate::search::{SearchError, SearchIndex, SearchRequest, Status};

/// Postings a share needs under it before it is printed.
pub const MIN_BASE: u64 = 20;
/// Postings stating pay (or survey answers) a pay figure needs.
pub const MIN_PAY: usize = 10;

/// The report's figures.
#[derive(Debug, Clone, Serialize)]
pub struct MarketReport {
    /// The period covered.
    pub period: Period,
    /// The day it was computed.
    pub generated: NaiveDate,
    /// Postings of the period (open and closed, near-duplicates once).
    pub postings: u64,
    /// Of those, postings stating pay.
    pub with_pay: u64,
    /// The search of all of them.
    pub search: String,
    /// The main roles, most postings first.
    pub roles: Vec<RoleFigures>,
    /// Languages, maths, frameworks: the skills of each group asked most.
    pub skill_groups: Vec<SkillGroup>,
    /// Frameworks by year (PyTorch, TensorFlow, JAX, Keras): share of each year's postings.
    pub frameworks_by_year: YearShares,
    /// The industries hiring, most postings first.
    pub industries: Vec<Count>,
    /// Postings naming an industry.
    pub with_industry: u64,
    /// Pay by each of the five factors, posted and survey.
    pub pay: Vec<PayFactor>,
    /// Areas and skills whose share grew most (the 3 months up to the period's end against the 3
    /// before, 20 postings or more in each).
    pub emerging: Vec<Emerging>,
    /// What entry-level postings ask.
    pub entry: EntryLevel,
    /// Questions answered with numbers.
    pub faq: Faq,
}

/// A value's postings and share of a base.
#[derive(Debug, Clone, Serialize)]
pub struct Count {
    /// Id (role, skill, country…).
    pub value: String,
    /// Its name.
    pub label: String,
    /// Postings with it.
    pub postings: u64,
    /// Of these postings (the base).
    pub base: u64,
    /// `postings / base` (none under [`MIN_BASE`]).
    pub share: Option<f64>,
    /// The search finding them (`/jobs?` query string).
    pub search: String,
}

/// A role's figures.
#[derive(Debug, Clone, Serialize)]
pub struct RoleFigures {
    /// The role and its share of all postings.
    pub count: Count,
    /// Stated pay of its postings (annual USD, the middle of each range), with [`MIN_PAY`] or more.
    pub pay: Option<Distribution>,
    /// The skills its postings ask most, as shares of its postings.
    pub skills: Vec<Count>,
}

/// The skills of one category asked most.
#[derive(Debug, Clone, Serialize)]
pub struct SkillGroup {
    /// Taxonomy category (`programming`, `mathematics`, `ml_frameworks`).
    pub category: String,
    /// Shares of all postings.
    pub skills: Vec<Count>,
}

/// Shares of several values per year.
#[derive(Debug, Clone, Serialize)]
pub struct YearShares {
    /// Year labels (`2025`, `2026 (to 11)` for a part year).
    pub years: Vec<String>,
    /// Postings per year.
    pub totals: Vec<u64>,
    /// Each value's postings and shares per year.
    pub series: Vec<YearSeries>,
}

/// One value's postings and share per year.
#[derive(Debug, Clone, Serialize)]
pub struct YearSeries {
    /// Id.
    pub value: String,
    /// Name.
    pub label: String,
    /// Postings per year.
    pub counts: Vec<u64>,
    /// Share of each year's postings (none for a year under [`MIN_BASE`]).
    pub shares: Vec<Option<f64>>,
}

/// Pay by one factor from one source.
#[derive(Debug, Clone, Serialize)]
pub struct PayFactor {
    /// `experience`, `location`, `industry`, `specialisation`, `company size`.
    pub factor: String,
    /// `posted` (the postings' stated pay) or `survey` (the aijobs.net salary survey).
    pub source: String,
    /// What the figures are of, in words.
    pub basis: String,
    /// Groups with [`MIN_PAY`] or more: id, name, distribution, the search of its postings.
    pub groups: Vec<(String, String, Distribution, Option<String>)>,
    /// Why there are no groups, when there are none.
    pub note: Option<String>,
}

/// A value whose share grew.
#[derive(Debug, Clone, Serialize)]
pub struct Emerging {
    /// `area` or `skill`.
    pub by: String,
    /// Id.
    pub value: String,
    /// Name.
    pub label: String,
    /// Postings in the earlier and the recent window.
    pub before: u64,
    /// Recent window.
    pub recent: u64,
    /// Shares in the two windows.
    pub share_before: f64,
    /// Recent.
    pub share_recent: f64,
    /// Relative change of the share.
    pub change: f64,
    /// The search of its postings.
    pub search: String,
}

/// Entry-level postings (intern and junior).
#[derive(Debug, Clone, Serialize)]
pub struct EntryLevel {
    /// Their postings and share of all.
    pub count: Count,
    /// The skills they ask most (shares of entry-level postings), with the share among all
    /// postings beside each.
    pub skills: Vec<(Count, Option<f64>)>,
    /// The lowest degree their degree requirement names (shares of entry-level postings).
    pub degrees: Vec<Count>,
}

/// Questions answered with numbers.
#[derive(Debug, Clone, Serialize)]
pub struct Faq {
    /// Postings whose degree requirement names a PhD as the lowest degree, of all.
    pub phd: Count,
    /// The same per role.
    pub phd_by_role: Vec<Count>,
    /// Postings whose degree requirement names a PhD at all (often as one option: "MS or PhD").
    pub phd_named: Count,
    /// The same per role.
    pub phd_named_by_role: Vec<Count>,
    /// Postings naming any degree requirement, of all.
    pub any_degree: Count,
    /// Remote postings, of all.
    pub remote: Count,
    /// Remote share per role.
    pub remote_by_role: Vec<Count>,
    /// Remote share per country (of postings placed in a country).
    pub remote_by_country: Vec<Count>,
}

/// The query string of a search: the period's dates, all statuses, and `pairs`.
fn search_of(period: &Period, pairs: &[(&str, &str)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.append_pair("posted_after", &period.start.to_string());
    s.append_pair("posted_before", &period.end.to_string());
    s.append_pair("status", "all");
    s.finish()
}

fn share(postings: u64, base: u64) -> Option<f64> {
    (base >= MIN_BASE).then(|| trends::share(postings, base)).flatten()
}

/// `req` with `facet` filtered to `values`.
fn with(req: &SearchRequest, facet: &str, values: &[&str]) -> SearchRequest {
    let mut r = req.clone();
    r.filters.insert(facet.to_string(), values.iter().map(|v| v.to_string()).collect());
    r
}

fn distribution(pays: &[f32]) -> Option<Distribution> {
    (pays.len() >= MIN_PAY).then(|| Distribution::of(pays.iter().map(|&x| f64::from(x)).collect())).flatten()
}

/// Computes the report for `period` (see [`trends::report_period`]) on `today`.
pub fn market_report(index: &SearchIndex, taxonomy: &Taxonomy, survey: &[SurveyRow], period: &Period, today: NaiveDate) -> Result<MarketReport, SearchError> {
    let base = SearchRequest { status: Status::All, collapse: true, ..SearchRequest::default() };
    let span = [(period.start, period.end)];
    let label = |facet: &str, v: &str| taxonomy.facet_label(facet, v);
    let count = |facet: &str, value: &str, postings: u64, base_n: u64, pairs: &[(&str, &str)]| Count {
        value: value.to_string(),
        label: label(facet, value),
        postings,
        base: base_n,
        share: share(postings, base_n),
        search: search_of(period, pairs),
    };
    // One period: (total, each value's postings), most first.
    let once = |req: &SearchRequest, by: &str| -> Result<(u64, Vec<(String, u64)>), SearchError> {
        let t = index.trends(req, by, &span, None)?;
        Ok((t.totals[0], t.series.into_iter().map(|(v, c)| (v, c[0])).filter(|(_, n)| *n > 0).collect()))
    };

    // Roles, with their pay and skills.
    let by_role = index.trends_with_pay(&base, "role", &span, None)?;
    let total = by_role.totals[0];
    let with_pay = by_role.pay_all[0].len() as u64;
    let mut roles = Vec::new();
    for (role, counts) in by_role.series.iter().filter(|(r, c)| r != "other" && c[0] > 0).take(8) {
        let n = counts[0];
        let (_, skills) = once(&with(&base, "role", &[role]), "skill")?;
        roles.push(RoleFigures {
            count: count("role", role, n, total, &[("role", role)]),
            pay: by_role.pay.get(role).and_then(|p| distribution(&p[0])),
            skills: skills.iter().take(6).map(|(s, k)| count("skill", s, *k, n, &[("role", role), ("skill", s)])).collect(),
        });
    }

    // Skills by group.
    let (_, skills) = once(&base, "skill")?;
    let skill_share: BTreeMap<&str, u64> = skills.iter().map(|(s, n)| (s.as_str(), *n)).collect();
    let skill_groups = ["programming", "mathematics", "ml_frameworks"]
        .iter()
        .map(|cat| SkillGroup {
            category: cat.to_string(),
            skills: skills
                .iter()
                .filter(|(s, _)| taxonomy.skill(s).is_some_and(|k| &*k.category == *cat))
                .take(8)
                .map(|(s, n)| count("skill", s, *n, total, &[("skill", s)]))
                .collect(),
        })
        .collect();

    // Frameworks by year: the five years up to the period's end (the last one may be a part).
    let last = period.end.pred_opt().unwrap_or(period.end);
    let mut year_spans = Vec::new();
    let mut years = Vec::new();
    for y in last.year() - 4..=last.year() {
        let start = NaiveDate::from_ymd_opt(y, 1, 1).expect("a year");
        let end = NaiveDate::from_ymd_opt(y + 1, 1, 1).expect("a year").min(period.end);
        years.push(if end < NaiveDate::from_ymd_opt(y + 1, 1, 1).expect("a year") { format!("{y} (to {:02})", last.month()) } else { y.to_string() });
        year_spans.push((start, end));
    }
    let by_year = index.trends(&base, "skill", &year_spans, None)?;
    let frameworks_by_year = YearShares {
        years,
        totals: by_year.totals.clone(),
        series: ["pytorch", "tensorflow", "jax", "keras"]
            .iter()
            .filter_map(|f| {
                let counts = by_year.series.iter().find(|(v, _)| v == f)?.1.clone();
                let shares = counts.iter().zip(&by_year.totals).map(|(n, t)| share(*n, *t)).collect();
                Some(YearSeries { value: f.to_string(), label: label("skill", f), counts, shares })
            })
            .collect(),
    };

    // Industries.
    let (_, industries) = once(&base, "industry")?;
    let with_industry = industries.iter().map(|(_, n)| n).sum();
    let industries = industries.iter().take(10).map(|(i, n)| count("industry", i, *n, total, &[("industry", i)])).collect();

    // Pay by the five factors.
    let posted_basis = format!(
        "pay stated by the {} postings of {} that state it (annual USD, the middle of each range)",
        mljobs_core::text::thousands(with_pay as f64),
        period.label
    );
    let posted = |factor: &str, by: &str, t: &crate::search::Trend, order: &[String], top: usize| -> PayFactor {
        let mut groups: Vec<(usize, String, String, Distribution, Option<String>)> = t
            .pay
            .iter()
            .filter_map(|(v, p)| {
                let d = distribution(&p[0])?;
                let rank = order.iter().position(|o| o == v).unwrap_or(usize::MAX);
                Some((rank, v.clone(), label(by, v), d, Some(search_of(period, &[(by, v), ("with_salary", "true")]))))
            })
            .collect();
        groups.sort_by(|a, b| a.0.cmp(&b.0).then(b.3.count.cmp(&a.3.count)));
        let groups: Vec<_> = groups.into_iter().take(top).map(|g| (g.1, g.2, g.3, g.4)).collect();
        let note = groups.is_empty().then(|| format!("fewer than {MIN_PAY} postings state pay in every group"));
        PayFactor { factor: factor.into(), source: "posted".into(), basis: posted_basis.clone(), groups, note }
    };
    let by_level = index.trends_with_pay(&base, "seniority", &span, None)?;
    let by_country = index.trends_with_pay(&base, "country", &span, None)?;
    let by_industry = index.trends_with_pay(&base, "industry", &span, None)?;
    let level_order: Vec<String> = taxonomy.levels.iter().map(|l| l.id.clone()).collect();
    let by_count = |t: &crate::search::Trend| -> Vec<String> { t.series.iter().map(|(v, _)| v.clone()).collect() };
    let survey_year = survey.iter().map(|r| r.year).max();
    let survey_rows: Vec<SurveyRow> = survey.iter().filter(|r| Some(r.year) == survey_year).cloned().collect();
    let survey_basis = survey_year.map_or("no survey".into(), |y| {
        format!("the aijobs.net salary survey, its {} answers of {y} (annual USD)", mljobs_core::text::thousands(survey_rows.len() as f64))
    });
    let surveyed = |factor: &str, by: GroupBy, name: &dyn Fn(&str) -> String, order: &[&str], top: usize| -> PayFactor {
        let mut groups = mljobs_core::survey::stats_by(&survey_rows, by, MIN_PAY, taxonomy);
        if !order.is_empty() {
            groups.sort_by_key(|(k, _)| order.iter().position(|o| o == k).unwrap_or(usize::MAX));
        }
        let groups: Vec<_> = groups.into_iter().filter(|(k, _)| k != "other").take(top).map(|(k, d)| (k.clone(), name(&k), d, None)).collect();
        let note = groups.is_empty().then(|| "the survey has too few answers".to_string());
        PayFactor { factor: factor.into(), source: "survey".into(), basis: survey_basis.clone(), groups, note }
    };
    let country_name = |c: &str| label("country", c);
    let pay = vec![
        posted("experience", "seniority", &by_level, &level_order, 9),
        surveyed("experience", GroupBy::Level, &mljobs_core::survey::level_label, &mljobs_core::salary_model::LEVELS, 4),
        posted("location", "country", &by_country, &by_count(&by_country), 8),
        surveyed("location", GroupBy::Country, &country_name, &[], 8),
        posted("industry", "industry", &by_industry, &by_count(&by_industry), 8),
        PayFactor {
            factor: "industry".into(),
            source: "survey".into(),
            basis: survey_basis.clone(),
            groups: Vec::new(),
            note: Some("the survey does not ask for the industry".into()),
        },
        posted("specialisation", "role", &by_role, &by_count(&by_role), 8),
        surveyed("specialisation", GroupBy::Role, &|r: &str| label("role", r), &[], 8),
        PayFactor {
            factor: "company size".into(),
            source: "posted".into(),
            basis: posted_basis.clone(),
            groups: Vec::new(),
            note: Some("postings do not state their company's size".into()),
        },
        surveyed("company size", GroupBy::CompanySize, &mljobs_core::survey::company_size_label, &["S", "M", "L"], 3),
    ];

    // Emerging areas and skills: the 3 months up to the period's end against the 3 before.
    let months = trends::periods(Interval::Month, period.end - chrono::Months::new(6), last);
    let month_spans: Vec<_> = months.iter().map(|p| (p.start, p.end)).collect();
    let mut emerging = Vec::new();
    for by in ["area", "skill"] {
        let t = index.trends(&base, by, &month_spans, None)?;
        let r = trends::report(
            by,
            Interval::Month,
            &months,
            t.totals.clone(),
            &t.series,
            taxonomy,
            ReportOptions { window: 3, min_support: MIN_BASE, top: 6, today },
        );
        for e in r.emerging.iter().take(6) {
            let Some(g) = &e.growth else { continue };
            emerging.push(Emerging {
                by: by.into(),
                value: e.value.clone(),
                label: e.label.clone(),
                before: g.before,
                recent: g.recent,
                share_before: g.share_before,
                share_recent: g.share_recent,
                change: g.change,
                search: search_of(period, &[(by, &e.value)]),
            });
        }
    }

    // Entry level: interns and juniors.
    let entry_levels = ["intern", "junior"];
    let entry_req = with(&base, "seniority", &entry_levels);
    let (entry_n, entry_skills) = once(&entry_req, "skill")?;
    let (_, entry_degrees) = once(&entry_req, "degree")?;
    let entry_pairs = [("seniority", "intern,junior")];
    let mut entry = EntryLevel {
        count: count("seniority", "intern,junior", entry_n, total, &entry_pairs),
        skills: entry_skills
            .iter()
            .take(10)
            .map(|(s, n)| {
                (
                    count("skill", s, *n, entry_n, &[("seniority", "intern,junior"), ("skill", s)]),
                    share(skill_share.get(s.as_str()).copied().unwrap_or(0), total),
                )
            })
            .collect(),
        degrees: mljobs_core::taxonomy::DEGREES
            .iter()
            .map(|d| {
                count("degree", d, entry_degrees.iter().find(|(v, _)| v == d).map_or(0, |x| x.1), entry_n, &[("seniority", "intern,junior"), ("degree", d)])
            })
            .collect(),
    };
    entry.count.label = "Entry level (intern, junior)".into();

    // FAQ: PhD and remote.
    let (_, degrees) = once(&base, "degree")?;
    let phd_n = degrees.iter().find(|(v, _)| v == "phd").map_or(0, |x| x.1);
    let any_n = degrees.iter().map(|(_, n)| n).sum();
    let role_n: BTreeMap<&str, u64> = by_role.series.iter().map(|(r, c)| (r.as_str(), c[0])).collect();
    // Each main role's postings that also have `facet=value`, as a share of the role's.
    let by_main_role = |facet: &str, value: &str| -> Result<(u64, Vec<Count>), SearchError> {
        let (n, found) = once(&with(&base, facet, &[value]), "role")?;
        let rows = roles
            .iter()
            .map(|r| {
                let role = r.count.value.as_str();
                let k = found.iter().find(|(v, _)| v == role).map_or(0, |x| x.1);
                count("role", role, k, role_n[role], &[("role", role), (facet, value)])
            })
            .collect();
        Ok((n, rows))
    };
    let (_, phd_by_role) = by_main_role("degree", "phd")?;
    let (phd_named_n, phd_named_by_role) = by_main_role("degree_named", "phd")?;
    let (remote_n, remote_by_role) = by_main_role("work_mode", "remote")?;
    let remote_req = with(&base, "work_mode", &["remote"]);
    let (_, countries) = once(&base, "country")?;
    let (_, remote_countries) = once(&remote_req, "country")?;
    let remote_by_country = countries
        .iter()
        .filter(|(_, n)| *n >= MIN_BASE)
        .take(8)
        .map(|(c, n)| {
            let r = remote_countries.iter().find(|(v, _)| v == c).map_or(0, |x| x.1);
            count("country", c, r, *n, &[("country", c), ("work_mode", "remote")])
        })
        .collect();
    let faq = Faq {
        phd: count("degree", "phd", phd_n, total, &[("degree", "phd")]),
        phd_by_role,
        phd_named: count("degree", "phd", phd_named_n, total, &[("degree_named", "phd")]),
        phd_named_by_role,
        any_degree: Count { label: "Any degree named".into(), ..count("degree", "any", any_n, total, &[]) },
        remote: count("work_mode", "remote", remote_n, total, &[("work_mode", "remote")]),
        remote_by_role,
        remote_by_country,
    };

    Ok(MarketReport {
        period: period.clone(),
        generated: today,
        postings: total,
        with_pay,
        search: search_of(period, &[]),
        roles,
        skill_groups,
        frameworks_by_year,
        industries,
        with_industry,
        pay,
        emerging,
        entry,
        faq,
    })
}
