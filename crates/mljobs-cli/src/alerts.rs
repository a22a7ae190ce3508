//! `mljobs alerts add|list|remove|test|run` (issue 17 item 4): saved searches that send one
//! digest of their new matching postings — by email (SMTP through lettre: a plain-text and an
//! HTML part, an unsubscribe link with a signed token) or by webhook (a JSON POST signed with
//! HMAC-SHA256 in `X-Mljobs-Signature`). `run` sends the digests that are due; `ingest` and
//! `crawl` run it after they store postings. The rules (what is news, never twice, retries) are
//! the store's (`mljobs_store::alerts`); this module finds the matches and delivers.
//!
//! Settings from the environment: `MLJOBS_SMTP_URL` (`smtp://host:2525`,
//! `smtps://user:pass@host`, `smtp://host:587?tls=required`), `MLJOBS_SMTP_FROM` (default
//! `mljobs <alerts@localhost>`), `MLJOBS_BASE_URL` (the site the links open; default
//! `http://127.0.0.1:8080`).

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Result, bail};
use chrono::{DateTime, Utc};
use mljobs_store::alerts::{Alert, sign, unsubscribe_token};
use mljobs_store::{Card, SearchIndex, Store};
use rand::RngCore;
use serde::Serialize;

use crate::config::{AlertsCommand, Cli, Command};

/// Matches of an alert's search looked at, newest first.
const MATCHES: usize = 500;
/// Postings listed in one digest (the rest wait for the next).
const PER_DIGEST: usize = 50;
/// Tries of one delivery within a run, with the waits between them.
const BACKOFF: [Duration; 2] = [Duration::from_millis(500), Duration::from_millis(1500)];
/// After a run's tries fail, the next run retries from this long after.
const RETRY_AFTER: chrono::Duration = chrono::Duration::minutes(15);

/// `mljobs alerts …`.
pub fn run(cli: &Cli) -> Result<ExitCode> {
    let Command::Alerts { command } = &cli.command else { unreachable!("called for alerts only") };
    let mut store = crate::commands::open_existing(cli)?;
    let mut out = std::io::stdout().lock();
    match command {
        AlertsCommand::Add { query, email, webhook, every, json } => {
            let (taxonomy, _) = cli.load_taxonomy()?;
            let query = saved_query(query);
            mljobs_web::search_request(&query, &taxonomy).map_err(|e| anyhow::anyhow!("--query {query:?}: {e}"))?;
            let (channel, target) = match (email, webhook) {
                (Some(e), None) => {
                    if !mljobs_web::mail::is_address(e) {
                        bail!("--email {e:?}: not an email address");
                    }
                    ("email", e.clone())
                }
                (None, Some(w)) => {
                    let u = url::Url::parse(w).map_err(|err| anyhow::anyhow!("--webhook {w:?}: not a URL ({err})"))?;
                    if !matches!(u.scheme(), "http" | "https") {
                        bail!("--webhook {w:?}: an http or https URL");
                    }
                    ("webhook", w.clone())
                }
                _ => bail!("give --email ADDRESS or --webhook URL"),
            };
            let mut key = [0u8; 32];
            rand::rng().fill_bytes(&mut key);
            let secret: String = key.iter().map(|b| format!("{b:02x}")).collect();
            let new = mljobs_store::alerts::NewAlert { query: &query, channel, target: &target, every, secret: &secret, confirmed: true };
            let alert = store.add_alert(&new, Utc::now())?;
            if *json {
                // The secret is shown once, here: the webhook receiver needs it to check signatures.
                serde_json::to_writer_pretty(&mut out, &serde_json::json!({"alert": alert, "secret": secret}))?;
                writeln!(out)?;
            } else {
                writeln!(out, "alert {}: {} → {} {}, at most every {}", alert.id, alert.query, alert.channel, alert.target, alert.every)?;
                if channel == "webhook" {
                    writeln!(out, "signing secret (X-Mljobs-Signature: sha256=HMAC-SHA256 of the body): {secret}")?;
                }
                writeln!(out, "postings first seen from now on are news to it; `mljobs alerts test {}` sends a sample now", alert.id)?;
            }
        }
        AlertsCommand::List { json } => {
            let alerts = store.alerts()?;
            if *json {
                serde_json::to_writer_pretty(&mut out, &alerts)?;
                writeln!(out)?;
            } else if alerts.is_empty() {
                writeln!(out, "no alerts: mljobs alerts add --query 'q=pytorch&remote=true' --email you@example.org")?;
            } else {
                for a in alerts {
                    let state = if a.unsubscribed_at.is_some() {
                        "unsubscribed".to_string()
                    } else if let Some(r) = &a.retry_at {
                        format!("failing, retry at {r}")
                    } else {
                        a.last_sent_at.as_ref().map_or("nothing sent yet".into(), |t| format!("last sent {t}"))
                    };
                    writeln!(out, "{:>4}  {:<7} {:<32} every {:<4}  {:>5} sent  {:<28}  {}", a.id, a.channel, a.target, a.every, a.sent, state, a.query)?;
                }
            }
        }
        AlertsCommand::Remove { ids, json } => {
            let removed = store.remove_alerts(ids)?;
            let missing: Vec<i64> = ids.iter().copied().filter(|i| !removed.contains(i)).collect();
            if *json {
                serde_json::to_writer_pretty(&mut out, &serde_json::json!({"removed": removed, "not_found": missing}))?;
                writeln!(out)?;
            } else {
                writeln!(out, "removed {} alert(s){}", removed.len(), if missing.is_empty() { String::new() } else { format!("; no alert {missing:?}") })?;
            }
            if !missing.is_empty() {
                return Ok(ExitCode::from(1));
            }
        }
        AlertsCommand::Test { id, json } => {
            let Some(alert) = store.alert(*id)? else { bail!("no alert {id}: mljobs alerts list") };
            let index = crate::commands::synced_reader(cli, &store)?;
            let (taxonomy, _) = cli.load_taxonomy()?;
            let ids = matches(&index, &taxonomy, &mljobs_store::Synonyms::new(&taxonomy), &alert)?;
            let refs: Vec<&str> = ids.iter().take(5).map(String::as_str).collect();
            let cards = store.cards(&refs)?;
            let result = deliver(&alert, &cards, &Settings::from_env(), true);
            let report = serde_json::json!({"alert": alert.id, "postings": cards.len(), "ok": result.is_ok(), "error": result.as_ref().err().map(|e| &e.1)});
            if *json {
                serde_json::to_writer_pretty(&mut out, &report)?;
                writeln!(out)?;
            } else {
                match &result {
                    Ok(tries) => {
                        let retried = if *tries > 1 { format!(" ({tries} tries)") } else { String::new() };
                        writeln!(out, "sent a test digest of {} posting(s) to {}{retried}; nothing is recorded as sent", cards.len(), alert.target)?
                    }
                    Err((tries, e)) => writeln!(out, "the test digest to {} failed after {tries} tries: {e}", alert.target)?,
                }
            }
            if result.is_err() {
                return Ok(ExitCode::from(1));
            }
        }
        AlertsCommand::Run { now, json } => {
            let index = crate::commands::synced_reader(cli, &store)?;
            let (taxonomy, _) = cli.load_taxonomy()?;
            let done = run_due(&mut store, &index, &taxonomy, &Settings::from_env(), Utc::now(), *now)?;
            if *json {
                serde_json::to_writer_pretty(&mut out, &done)?;
                writeln!(out)?;
            } else {
                print_run(&mut out, &done)?;
            }
            if done.iter().any(|d| !d.ok) {
                return Ok(ExitCode::from(1));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A search as saved: a query string of `/jobs` as given, else words (`q=…`).
fn saved_query(q: &str) -> String {
    let q = q.trim().trim_start_matches('?');
    if q.contains('=') { q.to_string() } else { url::form_urlencoded::Serializer::new(String::new()).append_pair("q", q).finish() }
}

/// Where digests go and what their links open.
pub(crate) struct Settings {
    mailer: Option<mljobs_web::mail::Mailer>,
    base_url: String,
}

impl Settings {
    pub(crate) fn from_env() -> Settings {
        Settings { mailer: mljobs_web::mail::Mailer::from_env(), base_url: mljobs_web::mail::base_url().unwrap_or_else(|| "http://127.0.0.1:8080".into()) }
    }
}

/// What one alert's turn in a run did.
#[derive(Debug, Serialize)]
pub(crate) struct Sent {
    alert: i64,
    target: String,
    postings: usize,
    ok: bool,
    tries: u32,
    error: Option<String>,
}

/// The ids of the open postings matching the alert's search, newest first.
fn matches(index: &SearchIndex, taxonomy: &mljobs_core::Taxonomy, synonyms: &mljobs_store::Synonyms, alert: &Alert) -> Result<Vec<String>> {
    let mut req = mljobs_web::search_request(&alert.query, taxonomy).map_err(|e| anyhow::anyhow!("alert {}: its search {:?}: {e}", alert.id, alert.query))?;
    req.sort = mljobs_store::Sort::Date;
    req.offset = 0;
    req.limit = MATCHES;
    req.facets = false;
    Ok(index.search(&req, Some(synonyms))?.hits.into_iter().map(|h| h.id).collect())
}

/// Sends every due alert its digest of news (nothing for an alert without news), records each
/// delivery, and returns what was done.
/// With `all`, every alert not unsubscribed, whatever its schedule.
pub(crate) fn run_due(
    store: &mut Store,
    index: &SearchIndex,
    taxonomy: &mljobs_core::Taxonomy,
    settings: &Settings,
    now: DateTime<Utc>,
    all: bool,
) -> Result<Vec<Sent>> {
    let mut done = Vec::new();
    // Built once for every alert's search.
    let synonyms = mljobs_store::Synonyms::new(taxonomy);
    for alert in store.alerts()?.into_iter().filter(|a| a.unsubscribed_at.is_none() && a.confirmed_at.is_some() && (all || a.due(now))) {
        let ids = matches(index, taxonomy, &synonyms, &alert)?;
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let news: Vec<&str> = store.alert_news(&alert, &refs)?.into_iter().take(PER_DIGEST).collect();
        if news.is_empty() {
            continue;
        }
        let cards = store.cards(&news)?;
        let result = deliver(&alert, &cards, settings, false);
        let (tries, error) = match &result {
            Ok(t) => (*t, None),
            Err((t, e)) => (*t, Some(e.clone())),
        };
        let attempt = mljobs_store::alerts::Attempt {
            alert_id: alert.id,
            postings: &news,
            tries,
            error: error.as_deref(),
            retry_at: error.as_ref().map(|_| now + RETRY_AFTER),
        };
        store.record_alert_delivery(&attempt, now)?;
        done.push(Sent { alert: alert.id, target: alert.target.clone(), postings: news.len(), ok: error.is_none(), tries, error });
    }
    Ok(done)
}

/// After an ingest or crawl stored postings: the due alerts' digests, reported on stderr (a
/// failure to deliver is recorded and retried; it does not fail the ingest).
pub(crate) fn after_store(cli: &Cli) {
    let result = (|| -> Result<Vec<Sent>> {
        let mut store = Store::open(&cli.data_dir())?;
        let now = Utc::now();
        if !store.alerts()?.iter().any(|a| a.due(now)) {
            return Ok(Vec::new());
        }
        let index = crate::commands::synced_reader(cli, &store)?;
        let (taxonomy, _) = cli.load_taxonomy()?;
        run_due(&mut store, &index, &taxonomy, &Settings::from_env(), now, false)
    })();
    match result {
        Ok(done) if done.is_empty() => {}
        Ok(done) => {
            let mut err = std::io::stderr().lock();
            let _ = print_run(&mut err, &done);
        }
        Err(e) => eprintln!("warning: alerts were not run: {e:#}"),
    }
}

pub(crate) fn print_run(out: &mut impl Write, done: &[Sent]) -> Result<()> {
    if done.is_empty() {
        writeln!(out, "alerts: nothing new for any alert that is due")?;
    }
    for d in done {
        match &d.error {
            None => writeln!(out, "alert {}: sent {} new posting(s) to {}", d.alert, d.postings, d.target)?,
            Some(e) => writeln!(
                out,
                "alert {}: delivery to {} failed after {} tries ({e}); retried in {} minutes",
                d.alert,
                d.target,
                d.tries,
                RETRY_AFTER.num_minutes()
            )?,
        }
    }
    Ok(())
}

/// One digest's postings as the message lists them.
#[derive(Serialize)]
struct Item {
    id: String,
    title: String,
    company: Option<String>,
    place: String,
    salary: Option<String>,
    date_posted: Option<String>,
    url: String,
}

fn items(cards: &[Card], base: &str) -> Vec<Item> {
    cards
        .iter()
        .map(|c| Item {
            id: c.id.clone(),
            title: c.title.clone(),
            company: c.company.clone(),
            place: [c.city.as_deref(), c.country.as_deref(), c.work_mode.as_deref().filter(|m| *m == "remote")]
                .iter()
                .flatten()
                .cloned()
                .collect::<Vec<_>>()
                .join(", "),
            salary: mljobs_web::ui::salary_range(c.salary_usd_min, c.salary_usd_max).map(|r| format!("{r} a year")),
            date_posted: c.date_posted.clone(),
            url: format!("{base}/jobs/{}", c.id),
        })
        .collect()
}

/// Delivers one digest, trying up to three times with backoff; the tries it took, or the tries
/// and the last error.
fn deliver(alert: &Alert, cards: &[Card], settings: &Settings, test: bool) -> Result<u32, (u32, String)> {
    let list = items(cards, &settings.base_url);
    let mut tries = 0;
    loop {
        tries += 1;
        let result = match alert.channel.as_str() {
            "email" => send_email(alert, &list, settings, test),
            _ => send_webhook(alert, &list, settings, test),
        };
        match result {
            Ok(()) => return Ok(tries),
            Err(e) => match BACKOFF.get(tries as usize - 1) {
                Some(wait) => std::thread::sleep(*wait),
                None => return Err((tries, e.to_string())),
            },
        }
    }
}

fn subject(alert: &Alert, n: usize, test: bool) -> String {
    let what: Vec<String> = url::form_urlencoded::parse(alert.query.as_bytes())
        .map(|(k, v)| match (k.as_ref(), v.as_ref()) {
            ("q", _) => v.into_owned(),
            (_, "true") => k.replace('_', " "),
            _ => format!("{}: {v}", k.replace('_', " ")),
        })
        .collect();
    format!("{}{} new job{} for {}", if test { "[test] " } else { "" }, n, if n == 1 { "" } else { "s" }, what.join(", "))
}

fn send_email(alert: &Alert, list: &[Item], settings: &Settings, test: bool) -> Result<()> {
    let Some(mailer) = &settings.mailer else { bail!("no SMTP server: set MLJOBS_SMTP_URL (e.g. smtp://127.0.0.1:25)") };
    let unsubscribe = format!("{}/alerts/unsubscribe?alert={}&token={}", settings.base_url, alert.id, unsubscribe_token(alert));
    let search = format!("{}/jobs?{}", settings.base_url, alert.query);
    let mut text = String::new();
    let mut html = String::from("<!doctype html><html><body style=\"font-family:system-ui,sans-serif\">");
    let esc = |s: &str| html_escape::encode_text(s).into_owned();
    let attr = |s: &str| html_escape::encode_double_quoted_attribute(s).into_owned();
    html.push_str(&format!("<p>New postings for your search <a href=\"{}\">{}</a>:</p><ul>", attr(&search), esc(&alert.query)));
    for i in list {
        let line = [Some(i.title.clone()), i.company.clone(), (!i.place.is_empty()).then(|| i.place.clone()), i.salary.clone()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · ");
        text.push_str(&format!("- {line}\n  {}\n", i.url));
        html.push_str(&format!("<li><a href=\"{}\">{}</a> {}</li>", attr(&i.url), esc(&i.title), esc(line.strip_prefix(i.title.as_str()).unwrap_or(&line))));
    }
    text.push_str(&format!("\nThe search: {search}\nUnsubscribe: {unsubscribe}\n"));
    html.push_str(&format!(
        "</ul><p style=\"color:#666\">You get this because of an mljobs alert. <a href=\"{}\">Unsubscribe</a>.</p></body></html>",
        attr(&unsubscribe)
    ));
    mailer.send(&alert.target, &subject(alert, list.len(), test), text, html).map_err(anyhow::Error::msg)
}

fn send_webhook(alert: &Alert, list: &[Item], settings: &Settings, test: bool) -> Result<()> {
    let body = serde_json::to_vec(&serde_json::json!({
        "alert": alert.id,
        "query": alert.query,
        "search": format!("{}/jobs?{}", settings.base_url, alert.query),
        "test": test,
        "sent_at": Utc::now().to_rfc3339(),
        "postings": list,
    }))?;
    let signature = format!("sha256={}", sign(&alert.secret, &body));
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    rt.block_on(async {
        let client = reqwest::Client::builder().timeout(Duration::from_secs(20)).user_agent(concat!("mljobs/", env!("CARGO_PKG_VERSION"))).build()?;
        let r = client
            .post(&alert.target)
            .header("content-type", "application/json")
            .header("x-mljobs-signature", &signature)
            .header("x-mljobs-alert", alert.id.to_string())
            .body(body)
            .send()
            .await
            .map_err(|e| anyhow::anyhow!("POST {}: {e}", alert.target))?;
        if !r.status().is_success() {
            bail!("POST {}: HTTP {}", alert.target, r.status());
        }
        Ok(())
    })
}
