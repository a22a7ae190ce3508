//! A polite HTTP GET: bounded concurrency per host and a minimum gap between request starts to one
//! host, timeouts, a cap on the body's size, retries with exponential backoff and jitter on 429,
//! 5xx and timeouts (a `Retry-After` is honoured), and conditional requests (ETag /
//! Last-Modified) so an unchanged board costs one small answer.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Semaphore;
use tokio::time::Instant;

/// How the fetcher behaves. Defaults: ≤ 2 requests in flight per host, ≥ 250 ms between request
/// starts to a host, 30 s per request, 20 MB per body, 3 retries from 1 s.
#[derive(Debug, Clone)]
pub struct FetchConfig {
    /// `User-Agent`, with a contact URL.
    pub user_agent: String,
    /// Whole-request timeout (connect, headers and body).
    pub timeout: Duration,
    /// Largest body read; a longer one is an error, not a truncated board.
    pub max_body_bytes: usize,
    /// Requests in flight to one host at most.
    pub per_host_in_flight: usize,
    /// Minimum time between the starts of two requests to one host.
    pub per_host_interval: Duration,
    /// Retries after the first attempt (429, 5xx, timeouts, connection errors).
    pub retries: u32,
    /// First backoff; doubled each retry, with ±50 % jitter.
    pub backoff: Duration,
    /// A `Retry-After` longer than this is not waited for: the fetch fails and the source's own
    /// schedule backs off.
    pub max_retry_after: Duration,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            user_agent: concat!("mljobs/", env!("CARGO_PKG_VERSION"), " (job-board crawler)").to_string(),
            timeout: Duration::from_secs(30),
            max_body_bytes: 20 << 20,
            per_host_in_flight: 2,
            per_host_interval: Duration::from_millis(250),
            retries: 3,
            backoff: Duration::from_secs(1),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

/// The validators of a previous complete fetch, sent back so an unchanged resource answers 304.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    /// `ETag` it answered.
    pub etag: Option<String>,
    /// `Last-Modified` it answered.
    pub last_modified: Option<String>,
    /// Hash of the body (set by the connectors): the same body again is an unchanged board even
    /// when the server sends no validators.
    pub content_hash: Option<u64>,
}

/// A successful fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// 2xx with its body and validators.
    Body {
        /// HTTP status.
        status: u16,
        /// The body (decompressed).
        body: Vec<u8>,
        /// Validators to send next time.
        validators: Validators,
        /// Attempts it took.
        attempts: u32,
    },
    /// 304: unchanged since the validators sent.
    NotModified {
        /// Attempts it took.
        attempts: u32,
    },
}

/// Why a fetch failed, with the URL and the attempts made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("GET {url}: {kind} (after {attempts} attempt{s})", s = if *attempts == 1 { "" } else { "s" })]
pub struct FetchError {
    /// The URL.
    pub url: String,
    /// What went wrong the last time.
    pub kind: FetchErrorKind,
    /// Attempts made.
    pub attempts: u32,
}

/// What went wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchErrorKind {
    /// An HTTP status that is not success (404 board gone, 429 / 5xx after the retries).
    #[error("HTTP {status}{}", retry_after.map(|s| format!(" (Retry-After {s} s)")).unwrap_or_default())]
    Status {
        /// The status.
        status: u16,
        /// Seconds the server asked to wait, when it did.
        retry_after: Option<u64>,
    },
    /// No complete answer within the timeout.
    #[error("timed out")]
    Timeout,
    /// The body was larger than the cap.
    #[error("body larger than {limit} bytes")]
    TooLarge {
        /// The cap.
        limit: usize,
    },
    /// Connection, TLS, redirect loop or a broken body.
    #[error("{0}")]
    Network(String),
    /// A stop was asked for ([`Fetcher::with_stop`]) before the request was sent: not an
    /// answer about the resource.
    #[error("stopped before the request was sent")]
    Stopped,
}

impl FetchErrorKind {
    fn retryable(&self) -> bool {
        match self {
            FetchErrorKind::Status { status, .. } => *status == 429 || *status >= 500,
            FetchErrorKind::Timeout | FetchErrorKind::Network(_) => true,
            FetchErrorKind::TooLarge { .. } | FetchErrorKind::Stopped => false,
        }
    }

    /// The HTTP status, if the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            FetchErrorKind::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// Per host: a semaphore for requests in flight and the earliest start of the next request.
struct HostGate {
    in_flight: Semaphore,
    next_start: Mutex<Instant>,
}

/// The polite client. Cheap to share (`Arc` inside); one per crawl.
#[derive(Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    config: Arc<FetchConfig>,
    hosts: Arc<Mutex<HashMap<String, Arc<HostGate>>>>,
    stop: Option<Arc<std::sync::atomic::AtomicBool>>,
}

impl Fetcher {
    /// A fetcher with `config`. Redirects are followed up to 5 (a loop is an error).
    pub fn new(config: FetchConfig) -> Result<Fetcher, String> {
        let client = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .timeout(config.timeout)
            .redirect(reqwest::redirect::Policy::limited(5))
            .gzip(true)
            .brotli(true)
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        Ok(Fetcher { client, config: Arc::new(config), hosts: Arc::default(), stop: None })
    }

    /// Once `stop` is set, requests not yet sent (waiting for their host's turn, or for a retry)
    /// end with [`FetchErrorKind::Stopped`]; those in flight finish.
    pub fn with_stop(mut self, stop: Arc<std::sync::atomic::AtomicBool>) -> Fetcher {
        self.stop = Some(stop);
        self
    }

    fn stopped(&self) -> bool {
        self.stop.as_ref().is_some_and(|s| s.load(std::sync::atomic::Ordering::SeqCst))
    }

    /// The configuration in use.
    pub fn config(&self) -> &FetchConfig {
        &self.config
    }

    fn gate(&self, host: &str) -> Arc<HostGate> {
        let mut hosts = self.hosts.lock().expect("host table");
        hosts
            .entry(host.to_string())
            .or_insert_with(|| Arc::new(HostGate { in_flight: Semaphore::new(self.config.per_host_in_flight.max(1)), next_start: Mutex::new(Instant::now()) }))
            .clone()
    }

    /// GET `url`, politely, retrying what is worth retrying. `validators` from the last complete
    /// fetch make an unchanged resource answer [`Fetched::NotModified`].
    pub async fn get(&self, url: &str, validators: Option<&Validators>) -> Result<Fetched, FetchError> {
        self.request(url, validators, None).await
    }

    /// POST `body` as JSON to `url` (an API that searches by POST, as Workday's career sites do),
    /// with the same politeness and retries as [`Fetcher::get`].
    pub async fn post_json(&self, url: &str, body: &serde_json::Value) -> Result<Fetched, FetchError> {
        self.request(url, None, Some(body)).await
    }

    async fn request(&self, url: &str, validators: Option<&Validators>, json: Option<&serde_json::Value>) -> Result<Fetched, FetchError> {
        let parsed = url::Url::parse(url).map_err(|e| FetchError { url: url.into(), kind: FetchErrorKind::Network(format!("bad URL: {e}")), attempts: 0 })?;
        let gate = self.gate(&format!("{}:{}", parsed.host_str().unwrap_or_default(), parsed.port_or_known_default().unwrap_or(0)));
        let mut attempt = 0;
        loop {
            attempt += 1;
            let outcome = {
                let _permit = gate.in_flight.acquire().await.expect("semaphore never closed");
                // Take the next start slot for this host, then wait for it.
                let start = {
                    let mut next = gate.next_start.lock().expect("host gate");
                    let start = (*next).max(Instant::now());
                    *next = start + self.config.per_host_interval;
                    start
                };
                tokio::time::sleep_until(start).await;
                if self.stopped() {
                    return Err(FetchError { url: url.into(), kind: FetchErrorKind::Stopped, attempts: attempt - 1 });
                }
                self.once(url, validators, json).await
            };
            let (kind, retry_after) = match outcome {
                Ok(Attempt::Body { status, body, validators }) => return Ok(Fetched::Body { status, body, validators, attempts: attempt }),
                Ok(Attempt::NotModified) => return Ok(Fetched::NotModified { attempts: attempt }),
                Err((kind, retry_after)) => (kind, retry_after),
            };
            let wait = match retry_after {
                Some(d) if d > self.config.max_retry_after => None,
                Some(d) => Some(d),
                None => Some(self.backoff(attempt)),
            };
            match wait {
                Some(wait) if kind.retryable() && attempt <= self.config.retries => {
                    tracing::debug!(url, attempt, ?kind, ?wait, "retrying");
                    tokio::time::sleep(wait).await;
                }
                _ => return Err(FetchError { url: url.into(), kind, attempts: attempt }),
            }
        }
    }

    /// Exponential backoff for the retry after `attempt`, with ±50 % jitter so that many
    /// sources failing together do not retry together.
    fn backoff(&self, attempt: u32) -> Duration {
        let base = self.config.backoff.saturating_mul(1 << (attempt - 1).min(10));
        base.mul_f64(rand::random_range(0.5..1.5))
    }

    async fn once(&self, url: &str, validators: Option<&Validators>, json: Option<&serde_json::Value>) -> Result<Attempt, (FetchErrorKind, Option<Duration>)> {
        let mut req = match json {
            Some(body) => self.client.post(url).header(reqwest::header::CONTENT_TYPE, "application/json").body(body.to_string()),
            None => self.client.get(url),
        };
        if let Some(v) = validators {
            if let Some(etag) = &v.etag {
                req = req.header(reqwest::header::IF_NONE_MATCH, etag);
            }
            if let Some(lm) = &v.last_modified {
                req = req.header(reqwest::header::IF_MODIFIED_SINCE, lm);
            }
        }
        let mut resp = req.send().await.map_err(|e| (classify(&e), None))?;
        let status = resp.status().as_u16();
        if status == 304 {
            return Ok(Attempt::NotModified);
        }
        if !resp.status().is_success() {
            let retry_after = resp.headers().get(reqwest::header::RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(parse_retry_after);
            return Err((FetchErrorKind::Status { status, retry_after: retry_after.map(|d| d.as_secs()) }, retry_after));
        }
        let header = |name: reqwest::header::HeaderName| resp.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        let validators = Validators { etag: header(reqwest::header::ETAG), last_modified: header(reqwest::header::LAST_MODIFIED), content_hash: None };
        let limit = self.config.max_body_bytes;
        if resp.content_length().is_some_and(|n| n as usize > limit) {
            return Err((FetchErrorKind::TooLarge { limit }, None));
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| (classify(&e), None))? {
            if body.len() + chunk.len() > limit {
                return Err((FetchErrorKind::TooLarge { limit }, None));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Attempt::Body { status, body, validators })
    }
}

enum Attempt {
    Body { status: u16, body: Vec<u8>, validators: Validators },
    NotModified,
}

fn classify(e: &reqwest::Error) -> FetchErrorKind {
    if e.is_timeout() {
        FetchErrorKind::Timeout
    } else if e.is_redirect() {
        FetchErrorKind::Network("too many redirects (a redirect loop?)".into())
    } else {
        // The whole chain: "error sending request" alone says nothing.
        let mut msg = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            msg.push_str(": ");
            msg.push_str(&s.to_string());
            source = s.source();
        }
        FetchErrorKind::Network(msg)
    }
}

/// `Retry-After` as seconds ("120") or an HTTP date ("Wed, 21 Oct 2026 07:28:00 GMT").
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let secs = (when.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_seconds();
    Some(Duration::from_secs(secs.max(0) as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        assert_eq!(parse_retry_after("120"), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(Duration::ZERO), "a date in the past: no wait");
        let soon = (chrono::Utc::now() + chrono::Duration::seconds(30)).to_rfc2822();
        assert!(parse_retry_after(&soon).is_some_and(|d| d.as_secs() >= 28 && d.as_secs() <= 30));
        assert_eq!(parse_retry_after("soon"), None);
    }
}
