//! `/jobs`: results with highlighted snippets, the facet sidebar, chips of active filters, pages.

use super::*;

/// One facet in the sidebar.
struct FacetView {
    key: String,
    label: &'static str,
    values: Vec<FacetValue>,
}

struct FacetValue {
    value: String,
    label: String,
    count: String,
    checked: bool,
}

struct ActiveFilter {
    label: String,
    href: String,
}

struct PageLink {
    label: String,
    href: Option<String>,
    current: bool,
}

#[derive(Template)]
#[template(path = "jobs.html")]
struct JobsPage {
    page: Chrome,
    q: String,
    total: String,
    took_ms: String,
    typos: bool,
    hits: Vec<HitView>,
    facets: Vec<FacetView>,
    active: Vec<ActiveFilter>,
    salary_min: String,
    with_salary: bool,
    posted_after: String,
    status: String,
    sort: String,
    pages: Vec<PageLink>,
    /// Set when the page asked for is past the last one: says so and links the last page.
    past_end: Option<PageLink>,
    error: Option<String>,
    clear_href: String,
    /// This search's Atom feed (paging and sorting left out).
    atom_href: String,
    /// This search's JSON Feed.
    json_feed_href: String,
    /// This search as an email alert's query string, when the site sends email.
    alert_query: Option<String>,
}

/// Facets in the sidebar, with how many values each shows.
const SIDEBAR: [(&str, &str, usize); 8] = [
    ("role", "Role", 12),
    ("seniority", "Seniority", 10),
    ("skill", "Skills", 15),
    ("industry", "Industry", 12),
    ("country", "Country", 12),
    ("work_mode", "Work mode", 3),
    ("employment_type", "Employment type", 6),
    ("area", "Area", 12),
];

pub(super) async fn jobs(State(s): St, RawQuery(q): RawQuery) -> Response {
    // Tracking parameters of shared links (utm_*, fbclid, gclid, ref…) are not the page's state.
    let state = UrlState::parse(q.as_deref()).only(crate::params::is_search_param);
    let l = Labels(&s.taxonomy);
    // Only the sidebar's facets are counted (not region and city: thousands of values).
    let sidebar: Vec<&str> = SIDEBAR.iter().map(|f| f.0).collect();
    let query = state.without("facets").without("highlight").with("facets", &sidebar.join(",")).with("highlight", "true");
    let (answer, error) = match search_jobs(&s, Some(&query.query())) {
        Ok(a) => (Some(a), None),
        Err(e) => (None, Some(e.message)),
    };
    let mut facets = Vec::new();
    let mut active = Vec::new();
    for (key, label, n) in SIDEBAR {
        let counts = answer.as_ref().and_then(|a| a.facets.as_ref()).and_then(|f| f.get(key));
        let mut values: Vec<FacetValue> = counts
            .map(|c| {
                c.iter()
                    .filter(|fc| fc.value != "unknown")
                    .take(n)
                    .map(|fc| FacetValue {
                        label: l.facet(key, &fc.value),
                        count: thousands(fc.count),
                        checked: state.has(key, &fc.value),
                        value: fc.value.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        // A selected value stays visible (with 0) even when the other filters leave none of it.
        for (k, v) in state.pairs() {
            if k == key {
                for v in v.split(',').map(str::trim) {
                    active.push(ActiveFilter { label: format!("{label}: {}", l.facet(key, v)), href: state.toggled(key, v).href("/jobs") });
                    if !values.iter().any(|x| x.value.eq_ignore_ascii_case(v)) {
                        values.push(FacetValue { value: v.to_string(), label: l.facet(key, v), count: "0".into(), checked: true });
                    }
                }
            }
        }
        if !values.is_empty() {
            facets.push(FacetView { key: key.to_string(), label, values });
        }
    }
    // An employer (from the market pages' "who is hiring") or a degree (from the report): one
    // chip a value.
    for (k, v) in state.pairs() {
        let label = match k.as_str() {
            "company" => format!("Employer: {v}"),
            "degree" => format!("Lowest degree asked: {}", l.facet("degree", v)),
            "degree_named" => format!("Degree named: {}", l.facet("degree", v)),
            _ => continue,
        };
        active.push(ActiveFilter { label, href: state.without_pair(k, v).href("/jobs") });
    }
    for key in ["salary_min", "with_salary", "posted_after", "posted_before", "first_seen_after", "status", "q"] {
        if key == "status" && state.get(key).is_none_or(|v| v == "open" || v.is_empty()) {
            continue;
        }
        if let Some(v) = state.get(key) {
            let label = match key {
                "salary_min" => match v.parse::<f64>() {
                    Ok(x) => format!("Can pay {} or more (or no salary stated)", charts::usd_k(x)),
                    Err(_) => format!("Salary: {v}"),
                },
                "with_salary" => "Only jobs that state a salary".to_string(),
                "posted_after" => format!("Posted on or after {v}"),
                "posted_before" => format!("Posted before {v}"),
                "first_seen_after" => format!("New since {v}"),
                "status" if v == "closed" => "Closed jobs".to_string(),
                "status" => "Open and closed jobs".to_string(),
                _ => format!("Words: {v}"),
            };
            active.push(ActiveFilter { label, href: state.without(key).without("page").href("/jobs") });
        }
    }
    let mut past_end = None;
    let (total, took_ms, typos, hits, pages) = match &answer {
        Some(a) => {
            let last = (a.total as usize).div_ceil(a.per_page).clamp(1, crate::params::MAX_RESULT_WINDOW / a.per_page);
            if a.hits.is_empty() && a.total > 0 && a.page > last {
                past_end = Some(PageLink {
                    label: format!("Page {} is past the last page of results ({last}).", a.page),
                    href: Some(state.with("page", &last.to_string()).href("/jobs")),
                    current: false,
                });
            }
            let mut pages = Vec::new();
            let link = |p: usize| state.with("page", &p.to_string()).href("/jobs");
            pages.push(PageLink { label: "‹ Previous".into(), href: (a.page > 1).then(|| link(a.page - 1)), current: false });
            for p in (1..=last).filter(|p| *p == 1 || *p == last || p.abs_diff(a.page) <= 2) {
                pages.push(PageLink { label: p.to_string(), href: Some(link(p)), current: p == a.page });
            }
            pages.push(PageLink { label: "Next ›".into(), href: (a.page < last).then(|| link(a.page + 1)), current: false });
            (thousands(a.total), format!("{:.1}", a.took_ms), a.typos_applied, hit_views(a, &l), if last > 1 { pages } else { Vec::new() })
        }
        None => ("0".into(), "0".into(), false, Vec::new(), Vec::new()),
    };
    let q_text = state.get("q").unwrap_or("").to_string();
    let title = if q_text.is_empty() { "Machine-learning jobs".to_string() } else { format!("“{q_text}” — jobs") };
    let status = if error.is_some() { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    let feed_state = state.without_all(&crate::params::ANSWER_PARAMS);
    page(
        status,
        &JobsPage {
            page: chrome(title, "jobs", "Search machine-learning jobs by role, seniority, skills, industry, country, work mode and salary."),
            q: q_text,
            total,
            took_ms,
            typos,
            hits,
            facets,
            active,
            salary_min: state.get("salary_min").unwrap_or("").to_string(),
            with_salary: state.get("with_salary").is_some_and(|v| matches!(v, "true" | "1" | "on" | "yes")),
            posted_after: state.get("posted_after").unwrap_or("").to_string(),
            status: state.get("status").unwrap_or("open").to_string(),
            sort: state.get("sort").unwrap_or("relevance").to_string(),
            pages,
            past_end,
            error,
            clear_href: "/jobs".into(),
            atom_href: feed_state.href("/jobs.atom"),
            json_feed_href: feed_state.href("/jobs.feed.json"),
            alert_query: s.mailer.is_some().then(|| feed_state.query()),
        },
    )
}
