//! Email alerts on the site (issue 17 item 4). `POST /alerts` (the search page's "Email me new
//! jobs" form, shown only when the site has an SMTP server) makes an unconfirmed alert and emails
//! a confirmation link — double opt-in: nothing is sent to an address until its owner follows the
//! link (`/alerts/confirm`). `/alerts/unsubscribe?alert=ID&token=…` is the link every digest
//! carries. Tokens are the alert's HMACs (`mljobs_store::alerts`), so a link works for its own
//! alert only; following it again says it is already done. A GET unsubscribes, as mail clients'
//! one-click links expect (RFC 8058's POST is answered the same).

use super::*;

#[derive(Template)]
#[template(path = "alert_notice.html")]
struct Notice {
    page: Chrome,
    message: String,
    query: String,
}

/// Pending confirmations an address may have at once (a form that emails any address must not
/// become a way to flood one).
const MAX_PENDING: usize = 3;

fn notice(title: &str, message: String, query: String) -> Response {
    page(StatusCode::OK, &Notice { page: chrome(title, "", ""), message, query })
}

/// The id and token of a link's query string.
fn link_params(q: Option<&str>) -> (Option<i64>, String) {
    let (mut id, mut token) = (None, String::new());
    for (k, v) in url::form_urlencoded::parse(q.unwrap_or("").as_bytes()) {
        match k.as_ref() {
            "alert" => id = v.parse::<i64>().ok(),
            "token" => token = v.into_owned(),
            _ => {}
        }
    }
    (id, token)
}

/// `POST /alerts`: the search page's form.
pub(super) async fn create(State(s): St, headers: axum::http::HeaderMap, body: axum::body::Bytes) -> Response {
    let (Some(mailer), Some(dir)) = (s.mailer.clone(), s.data_dir.clone()) else {
        return error_page(StatusCode::NOT_FOUND, "This site does not send email alerts; follow the search's Atom feed instead.");
    };
    let mut fields = std::collections::HashMap::new();
    for (k, v) in url::form_urlencoded::parse(&body) {
        fields.insert(k.into_owned(), v.trim().to_string());
    }
    let get = |k: &str| fields.get(k).cloned().unwrap_or_default();
    let (email, query, every) = (get("email"), get("query"), if get("every") == "week" { "week" } else { "day" });
    if !crate::mail::is_address(&email) || email.contains('<') {
        return error_page(StatusCode::BAD_REQUEST, &format!("{email:?} is not an email address."));
    }
    if let Err(e) = crate::search_request(&query, &s.taxonomy) {
        return error_page(StatusCode::BAD_REQUEST, &format!("This search cannot be saved: {e}"));
    }
    // Links in the email: the configured site address, else the one this request came to.
    let base = std::env::var("MLJOBS_BASE_URL")
        .ok()
        .filter(|b| !b.is_empty())
        .unwrap_or_else(|| format!("http://{}", headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1:8080")));
    let base = base.trim_end_matches('/').to_string();
    let made = tokio::task::spawn_blocking(move || -> Result<Result<(), String>, mljobs_store::StoreError> {
        let mut store = mljobs_store::Store::open(&dir)?;
        if store.pending_alerts(&email)? >= MAX_PENDING {
            return Ok(Err(format!("{email} already has {MAX_PENDING} alerts waiting for confirmation: follow the links in those emails first.")));
        }
        let secret: String = (0..32).map(|_| format!("{:02x}", rand::random::<u8>())).collect();
        let new = mljobs_store::alerts::NewAlert { query: &query, channel: "email", target: &email, every, secret: &secret, confirmed: false };
        let alert = store.add_alert(&new, chrono::Utc::now())?;
        let link = format!("{base}/alerts/confirm?alert={}&token={}", alert.id, mljobs_store::alerts::confirm_token(&alert));
        let search = format!("{base}/jobs?{query}");
        let text = format!("Someone — we hope you — asked mljobs to email this address new jobs for the search\n{search}\nat most once a {every}.\n\nConfirm: {link}\n\nIf it was not you, ignore this email: nothing more will be sent.\n");
        let esc = |s: &str| html_escape::encode_double_quoted_attribute(s).into_owned();
        let html = format!(
            "<p>Someone — we hope you — asked mljobs to email this address new jobs for <a href=\"{}\">this search</a>, at most once a {every}.</p><p><a href=\"{}\">Confirm the alert</a></p><p>If it was not you, ignore this email: nothing more will be sent.</p>",
            esc(&search),
            esc(&link)
        );
        Ok(mailer.send(&email, "Confirm your mljobs alert", text, html).map_err(|e| {
            tracing::warn!("alert {}: the confirmation email did not go: {e}", alert.id);
            "The confirmation email could not be sent just now; try again later.".to_string()
        }))
    })
    .await;
    match made {
        Ok(Ok(Ok(()))) => notice(
            "Check your inbox",
            "We emailed a link to confirm this alert. Nothing is sent until you follow it.".into(),
            fields.get("query").cloned().unwrap_or_default(),
        ),
        Ok(Ok(Err(message))) => error_page(StatusCode::TOO_MANY_REQUESTS, &message),
        failed => {
            let why = match failed {
                Ok(Err(e)) => e.to_string(),
                Err(e) => e.to_string(),
                Ok(Ok(_)) => unreachable!("answered above"),
            };
            tracing::error!("making an alert: {why}");
            error_page(StatusCode::INTERNAL_SERVER_ERROR, "The alert could not be saved just now; try again later.")
        }
    }
}

/// `GET /alerts/confirm?alert=ID&token=…`: the emailed link.
pub(super) async fn confirm(State(s): St, RawQuery(q): RawQuery) -> Response {
    let (id, token) = link_params(q.as_deref());
    changed(
        &s,
        id,
        &token,
        mljobs_store::alerts::verify_confirm,
        |store, id| store.confirm_alert(id, chrono::Utc::now()),
        |a| a.confirmed_at.is_some(),
        |already| {
            if already {
                ("Confirmed", "This alert was already confirmed: new jobs for this search come by email.")
            } else {
                ("Confirmed", "Done: new jobs for this search will come by email. Every digest has a link to stop it.")
            }
        },
    )
}

type Verify = fn(&mljobs_store::alerts::Alert, &str) -> bool;

/// Applies `change` to the alert a signed link names, and answers with the page `words` gives.
fn changed(
    s: &AppState,
    id: Option<i64>,
    token: &str,
    verify: Verify,
    change: impl FnOnce(&mut mljobs_store::Store, i64) -> Result<bool, mljobs_store::StoreError>,
    was: impl Fn(&mljobs_store::alerts::Alert) -> bool,
    words: impl Fn(bool) -> (&'static str, &'static str),
) -> Response {
    let Some(id) = id else {
        return error_page(StatusCode::BAD_REQUEST, "This link is incomplete: it names no alert. Use the link from the email as it is.");
    };
    let Some(dir) = s.data_dir.as_deref() else {
        return error_page(StatusCode::SERVICE_UNAVAILABLE, "Alerts are not managed by this server.");
    };
    let result = (|| -> Result<Option<(String, bool)>, mljobs_store::StoreError> {
        let mut store = mljobs_store::Store::open(dir)?;
        let Some(alert) = store.alert(id)? else { return Ok(None) };
        if !verify(&alert, token) {
            return Ok(None);
        }
        let already = was(&alert);
        change(&mut store, id)?;
        Ok(Some((alert.query, already)))
    })();
    match result {
        Ok(Some((query, already))) => {
            let (title, message) = words(already);
            notice(title, message.into(), query)
        }
        Ok(None) => error_page(StatusCode::NOT_FOUND, "This link does not match any alert: it may have been removed, or the link was changed."),
        Err(e) => {
            tracing::error!("alert {id}: {e}");
            error_page(StatusCode::INTERNAL_SERVER_ERROR, "The alert could not be changed just now; try the link again later.")
        }
    }
}

pub(super) async fn unsubscribe(State(s): St, RawQuery(q): RawQuery) -> Response {
    let (id, token) = link_params(q.as_deref());
    changed(
        &s,
        id,
        &token,
        mljobs_store::alerts::verify_unsubscribe,
        |store, id| store.unsubscribe_alert(id, chrono::Utc::now()),
        |a| a.unsubscribed_at.is_some(),
        |already| {
            if already {
                ("Unsubscribed", "You had already unsubscribed: no more digests are sent for this search.")
            } else {
                ("Unsubscribed", "Done: no more digests will be sent for this search.")
            }
        },
    )
}
