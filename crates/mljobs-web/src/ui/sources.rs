//! `/sources`: the operator's view of crawling — every board's health and postings (failing ones
//! first), the latest runs and the latest errors.

use super::*;

struct SourceLine {
    spec: String,
    name: String,
    state: &'static str,
    state_label: String,
    open: String,
    closed: String,
    last_success: String,
    last_attempt: String,
    next_due: String,
    status: String,
}

struct RunLine {
    started: String,
    inputs: String,
    result: String,
}

struct ErrorLine {
    when: String,
    spec: String,
    error: String,
}

struct KindLink {
    label: &'static str,
    href: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "sources.html")]
struct SourcesPage {
    page: Chrome,
    total: String,
    enabled: String,
    failing: u64,
    never: String,
    open: String,
    closed: String,
    matching: String,
    lines: Vec<SourceLine>,
    runs: Vec<RunLine>,
    errors: Vec<ErrorLine>,
    kinds: Vec<KindLink>,
    failing_only: bool,
    failing_href: String,
    prev: Option<String>,
    next: Option<String>,
    error: Option<String>,
}

/// "2026-12-01 14:05" from RFC 3339; "never" for none.
fn minute(t: Option<&str>) -> String {
    t.map_or_else(|| "never".to_string(), |t| t.get(..16).unwrap_or(t).replace('T', " "))
}

pub(super) async fn sources(State(s): St, RawQuery(q): RawQuery) -> Response {
    let state = UrlState::parse(q.as_deref()).only(|k| matches!(k, "kind" | "failing" | "page"));
    let (overview, error) = match crate::sources::sources_overview(&s, Some(&state.query())) {
        Ok(o) => (Some(o), None),
        Err(e) => (None, Some(e.message)),
    };
    let mut kinds = vec![KindLink { label: "All", href: state.without("kind").without("page").href("/sources"), current: state.get("kind").is_none() }];
    for k in mljobs_core::sources::SourceKind::ALL {
        kinds.push(KindLink {
            label: k.name(),
            href: state.with("kind", k.name()).without("page").href("/sources"),
            current: state.get("kind") == Some(k.name()),
        });
    }
    let failing_only = state.get("failing").is_some_and(|v| matches!(v, "true" | "1" | "yes" | "on"));
    let failing_href = if failing_only { state.without("failing") } else { state.with("failing", "true") }.without("page").href("/sources");
    let Some(o) = overview else {
        return page(
            StatusCode::BAD_REQUEST,
            &SourcesPage {
                page: chrome("Sources", "about", "The public job boards this instance crawls, and their health."),
                total: "0".into(),
                enabled: "0".into(),
                failing: 0,
                never: "0".into(),
                open: "0".into(),
                closed: "0".into(),
                matching: "0".into(),
                lines: Vec::new(),
                runs: Vec::new(),
                errors: Vec::new(),
                kinds,
                failing_only,
                failing_href,
                prev: None,
                next: None,
                error,
            },
        );
    };
    let lines = o
        .sources
        .iter()
        .map(|r| {
            let (state, state_label) = match (r.enabled, r.failing, r.consecutive_failures, &r.last_attempt_at) {
                (false, ..) => ("disabled", "Disabled".to_string()),
                (true, true, n, _) => ("failing", format!("Failing ({n} in a row)")),
                (true, false, n, _) if n > 0 => ("failed", format!("Failed ({n})")),
                (true, false, _, None) => ("new", "Not crawled yet".to_string()),
                _ => ("ok", "OK".to_string()),
            };
            SourceLine {
                spec: r.spec.clone(),
                name: r.name.clone().unwrap_or_default(),
                state,
                state_label,
                open: thousands(r.open),
                closed: thousands(r.closed),
                last_success: minute(r.last_success_at.as_deref()),
                last_attempt: minute(r.last_attempt_at.as_deref()),
                next_due: r.next_due_at.as_deref().map_or_else(|| "next run".to_string(), |t| minute(Some(t))),
                status: match (&r.last_error, r.last_http_status) {
                    (Some(e), _) => e.clone(),
                    (None, Some(code)) => format!("HTTP {code}"),
                    (None, None) => String::new(),
                },
            }
        })
        .collect();
    let runs = o
        .runs
        .iter()
        .map(|r| {
            let n = |k: &str| r.summary.as_ref().and_then(|s| s.get(k)).and_then(serde_json::Value::as_u64).unwrap_or(0);
            let inputs = match r.inputs.len() {
                0 => "nothing".to_string(),
                1 => r.inputs[0].clone(),
                k => format!("{} and {} more", r.inputs[0], k - 1),
            };
            let result = if r.summary.is_some() {
                format!(
                    "{} read · {} new · {} updated · {} closed · {} reopened · {} rejected",
                    thousands(n("read")),
                    thousands(n("new")),
                    thousands(n("updated")),
                    thousands(n("closed")),
                    thousands(n("reopened")),
                    thousands(n("rejected"))
                )
            } else if r.finished_at.is_none() {
                "running, or stopped before it finished".to_string()
            } else {
                String::new()
            };
            RunLine { started: minute(Some(&r.started_at)), inputs, result }
        })
        .collect();
    let errors = o
        .errors
        .iter()
        .map(|a| ErrorLine { when: minute(Some(&a.started_at)), spec: a.spec.clone(), error: a.error.clone().unwrap_or_else(|| "failed".into()) })
        .collect();
    let last_page = (o.matching as usize).div_ceil(o.per_page).max(1);
    let link = |p: usize| state.with("page", &p.to_string()).href("/sources");
    page(
        StatusCode::OK,
        &SourcesPage {
            page: chrome("Sources", "about", "The public job boards this instance crawls, and their health."),
            total: thousands(o.summary.total),
            enabled: thousands(o.summary.enabled),
            failing: o.summary.failing,
            never: thousands(o.summary.never_crawled),
            open: thousands(o.summary.open_postings),
            closed: thousands(o.summary.closed_postings),
            matching: thousands(o.matching),
            lines,
            runs,
            errors,
            kinds,
            failing_only,
            failing_href,
            prev: (o.page > 1).then(|| link(o.page - 1)),
            next: (o.page < last_page).then(|| link(o.page + 1)),
            error,
        },
    )
}
