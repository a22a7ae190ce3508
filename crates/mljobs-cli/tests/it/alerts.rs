//! `mljobs alerts` end to end (issue 17 item 4), against a real SMTP server and a webhook receiver
//! on loopback, both in this test: the SMTP sink speaks the protocol (greeting, EHLO, MAIL,
//! RCPT, DATA, QUIT) and keeps each message; the receiver answers scripted statuses and keeps
//! each request. Checked: a digest holds only postings first seen after the alert was made; one
//! digest per run; never a posting twice; nothing sent when nothing is new; a failing receiver is
//! retried with backoff, the failure recorded, and its postings delivered by a later run; the
//! webhook signature verifies; email has a text and an HTML part and a working unsubscribe token.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use super::ok;

/// Messages received by the SMTP sink: (MAIL FROM, RCPT TO, data).
type Inbox = Arc<Mutex<Vec<(String, String, String)>>>;

/// A minimal SMTP server on 127.0.0.1; its port and inbox.
fn smtp_sink() -> (u16, Inbox) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let inbox: Inbox = Arc::default();
    let keep = inbox.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            let inbox = keep.clone();
            std::thread::spawn(move || {
                let mut w = conn.try_clone().unwrap();
                let mut r = BufReader::new(conn);
                let (mut from, mut to) = (String::new(), String::new());
                let _ = w.write_all(b"220 sink ESMTP\r\n");
                let mut line = String::new();
                while r.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
                    let cmd = line.trim_end().to_string();
                    line.clear();
                    let upper = cmd.to_ascii_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                        b"250-sink\r\n250 8BITMIME\r\n"
                    } else if upper.starts_with("MAIL FROM:") {
                        from = cmd[10..].trim().to_string();
                        b"250 OK\r\n"
                    } else if upper.starts_with("RCPT TO:") {
                        to = cmd[8..].trim().to_string();
                        b"250 OK\r\n"
                    } else if upper == "DATA" {
                        let _ = w.write_all(b"354 go ahead\r\n");
                        let mut data = String::new();
                        loop {
                            let mut l = String::new();
                            if r.read_line(&mut l).unwrap_or(0) == 0 || l == ".\r\n" {
                                break;
                            }
                            data.push_str(&l);
                        }
                        inbox.lock().unwrap().push((from.clone(), to.clone(), data));
                        b"250 queued\r\n"
                    } else if upper == "QUIT" {
                        let _ = w.write_all(b"221 bye\r\n");
                        break;
                    } else {
                        b"250 OK\r\n"
                    };
                    let _ = w.write_all(reply);
                }
            });
        }
    });
    (port, inbox)
}

/// Requests received by the webhook receiver: (headers lower-cased, body).
type Requests = Arc<Mutex<Vec<(Vec<(String, String)>, Vec<u8>)>>>;

/// An HTTP receiver on 127.0.0.1 answering each request with the next status of `script` (then
/// 200); its port, the requests it got, and the script (tests change it).
fn receiver(script: Vec<u16>) -> (u16, Requests, Arc<Mutex<Vec<u16>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let got: Requests = Arc::default();
    let script = Arc::new(Mutex::new(script));
    let (keep, next) = (got.clone(), script.clone());
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            let mut w = conn.try_clone().unwrap();
            let mut r = BufReader::new(conn);
            let mut headers = Vec::new();
            let mut line = String::new();
            let _ = r.read_line(&mut line);
            loop {
                line.clear();
                if r.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some((k, v)) = line.trim_end().split_once(':') {
                    headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
                }
            }
            let len: usize = headers.iter().find(|(k, _)| k == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
            let mut body = vec![0; len];
            let _ = r.read_exact(&mut body);
            keep.lock().unwrap().push((headers, body));
            let status = {
                let mut s = next.lock().unwrap();
                if s.is_empty() { 200 } else { s.remove(0) }
            };
            let _ = write!(w, "HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        }
    });
    (port, got, script)
}

fn mljobs_env(data_dir: &Path, smtp: u16, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mljobs"))
        .current_dir(super::repo())
        .env("MLJOBS_DATA_DIR", data_dir)
        .env("MLJOBS_SMTP_URL", format!("smtp://127.0.0.1:{smtp}"))
        .env("MLJOBS_SMTP_FROM", "mljobs <alerts@example.test>")
        .env("MLJOBS_BASE_URL", "https://jobs.example.test")
        .env_remove("MLJOBS_TAXONOMY")
        .args(args)
        .output()
        .expect("mljobs runs")
}

/// A JSON Lines file of `n` Python postings whose source ids start with `tag`.
fn postings(dir: &Path, tag: &str, n: usize) -> String {
    let path = dir.join(format!("{tag}.jsonl"));
    let lines: Vec<String> = (0..n)
        .map(|i| {
            serde_json::json!({
                "source": "test", "source_id": format!("{tag}-{i}"), "title": format!("Python Data Engineer {tag} {i}"),
                "company": format!("Acme {tag}"), "description": "Build pipelines in Python and SQL.", "locations": ["Berlin, Germany"],
                "date_posted": "2026-11-20",
            })
            .to_string()
        })
        .collect();
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path.to_str().unwrap().to_string()
}

fn hmac_hex(key: &str, body: &[u8]) -> String {
    mljobs_store::alerts::sign(key, body)
}

#[test]
fn alerts_send_each_new_posting_once_by_email_and_signed_webhook_and_retry_failures() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (smtp, inbox) = smtp_sink();
    let (hook, requests, script) = receiver(vec![500]);
    let run = |args: &[&str]| mljobs_env(&data, smtp, args);
    // Postings stored before the alerts exist are not news to them.
    ok(&run(&["ingest", &postings(dir.path(), "old", 3)]));
    let email: serde_json::Value =
        serde_json::from_str(&ok(&run(&["alerts", "add", "--query", "python", "--email", "ada@example.org", "--every", "hour", "--json"]))).unwrap();
    let webhook: serde_json::Value =
        serde_json::from_str(&ok(&run(&["alerts", "add", "--query", "q=python&country=DE", "--webhook", &format!("http://127.0.0.1:{hook}/hook"), "--json"])))
            .unwrap();
    let secret = webhook["secret"].as_str().unwrap().to_string();
    // Bad alerts are refused with the flag named.
    let bad = run(&["alerts", "add", "--query", "q=python&role=wizard", "--email", "ada@example.org"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--query"), "{}", String::from_utf8_lossy(&bad.stderr));
    let bad = run(&["alerts", "add", "--query", "python", "--email", "not an address"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--email"), "{}", String::from_utf8_lossy(&bad.stderr));

    // An ingest of new postings sends each alert one digest (the webhook after one 500: retried).
    let out = run(&["ingest", &postings(dir.path(), "new", 4)]);
    ok(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("alert {}: sent 4 new posting(s) to ada@example.org", email["alert"]["id"])), "{stderr}");
    let mail = inbox.lock().unwrap().clone();
    assert_eq!(mail.len(), 1, "one digest");
    let (from, to, raw) = &mail[0];
    // Quoted-printable as lettre writes it: soft line breaks and "=" as "=3D".
    let data_text = &raw.replace("=\r\n", "").replace("=3D", "=");
    assert_eq!((from.as_str(), to.as_str()), ("<alerts@example.test>", "<ada@example.org>"));
    assert!(data_text.contains("Subject: 4 new jobs for python"), "{data_text}");
    assert!(data_text.contains("Content-Type: text/plain") && data_text.contains("Content-Type: text/html"), "a text and an HTML part");
    for i in 0..4 {
        assert!(data_text.contains(&format!("Python Data Engineer new {i}")), "posting {i}");
    }
    assert!(!data_text.contains("Data Engineer old"), "postings from before the alert are not news");
    let unsubscribe = data_text.split("https://jobs.example.test/alerts/unsubscribe?").nth(1).expect("an unsubscribe link");
    let token = unsubscribe.split("token=").nth(1).unwrap().chars().take_while(char::is_ascii_hexdigit).collect::<String>();
    assert_eq!(token.len(), 64, "a signed token");
    {
        let got = requests.lock().unwrap();
        assert_eq!(got.len(), 2, "the first POST failed (500), the second delivered");
        let (headers, body) = &got[1];
        let header = |k: &str| headers.iter().find(|(h, _)| h == k).map(|(_, v)| v.clone()).unwrap_or_default();
        assert_eq!(header("x-mljobs-signature"), format!("sha256={}", hmac_hex(&secret, body)), "the signature verifies");
        let v: serde_json::Value = serde_json::from_slice(body).unwrap();
        assert_eq!(v["postings"].as_array().unwrap().len(), 4);
        assert!(v["postings"][0]["url"].as_str().unwrap().starts_with("https://jobs.example.test/jobs/"));
    }

    // Nothing new: nothing sent (and the hourly alert is not due anyway).
    let quiet = ok(&run(&["alerts", "run", "--now"]));
    assert!(quiet.contains("nothing new"), "{quiet}");
    assert_eq!(inbox.lock().unwrap().len(), 1);

    // More postings while the receiver is down: the email goes, the webhook fails after three
    // tries and is recorded; a later run delivers its postings — and none of the earlier ones.
    *script.lock().unwrap() = vec![503, 503, 503];
    ok(&run(&["ingest", &postings(dir.path(), "more", 2)]));
    let failed = run(&["alerts", "run", "--now", "--json"]);
    let failed: serde_json::Value = serde_json::from_slice(&failed.stdout).unwrap();
    let hook_run = failed.as_array().unwrap().iter().find(|d| d["alert"] == webhook["alert"]["id"]).expect("the webhook's turn");
    assert_eq!((hook_run["ok"].as_bool(), hook_run["tries"].as_u64()), (Some(false), Some(3)), "{failed}");
    let listed: serde_json::Value = serde_json::from_str(&ok(&run(&["alerts", "list", "--json"]))).unwrap();
    let hook_alert = listed.as_array().unwrap().iter().find(|a| a["id"] == webhook["alert"]["id"]).unwrap();
    assert!(hook_alert["retry_at"].is_string() && hook_alert["sent"] == 4, "{hook_alert}");
    let before = requests.lock().unwrap().len();
    let retried: serde_json::Value = serde_json::from_slice(&run(&["alerts", "run", "--now", "--json"]).stdout).unwrap();
    assert_eq!(retried.as_array().unwrap().len(), 1, "only the webhook had news left: {retried}");
    let got = requests.lock().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&got[got.len() - 1].1).unwrap();
    let titles: Vec<&str> = v["postings"].as_array().unwrap().iter().map(|p| p["title"].as_str().unwrap()).collect();
    assert_eq!(titles.len(), 2, "{titles:?}");
    assert!(titles.iter().all(|t| t.contains(" more ")), "never a posting twice: {titles:?}");
    assert_eq!(got.len(), before + 1);
    drop(got);
    let mail = inbox.lock().unwrap();
    assert_eq!(mail.len(), 2);
    let second = mail[1].2.replace("=\r\n", "");
    assert!(
        second.contains("Subject: 2 new jobs for python") && !second.contains("Data Engineer new") && second.contains("Data Engineer more"),
        "the email's second digest"
    );
    drop(mail);

    // list, test, remove.
    let table = ok(&run(&["alerts", "list"]));
    assert!(table.contains("ada@example.org") && table.contains("6 sent"), "{table}");
    let test = ok(&run(&["alerts", "test", &email["alert"]["id"].to_string()]));
    assert!(test.contains("sent a test digest of 5 posting(s)"), "{test}");
    assert!(inbox.lock().unwrap()[2].2.contains("Subject: [test] 5 new jobs for python"));
    let removed = ok(&run(&["alerts", "remove", &webhook["alert"]["id"].to_string()]));
    assert!(removed.contains("removed 1"), "{removed}");
    assert_eq!(run(&["alerts", "remove", "999"]).status.code(), Some(1));
    let _ = token;
}

/// A plain HTTP/1.0 request to the server at `host:port`; the answer's status and body.
fn http(site: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    let mut conn = std::net::TcpStream::connect(site).unwrap();
    write!(conn, "{method} {path} HTTP/1.0\r\nHost: {site}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}", body.len())
        .unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).unwrap();
    let status = answer.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, answer.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default())
}

/// The site's "Email me new jobs for this search": double opt-in — the form makes an alert that
/// sends nothing until the emailed confirmation link is followed; then digests go, each with a
/// working unsubscribe link.
#[test]
fn the_sites_email_alerts_are_double_opt_in() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (smtp, inbox) = smtp_sink();
    ok(&mljobs_env(&data, smtp, &["ingest", &postings(dir.path(), "old", 2)]));
    let super::Served { mut child, site, mut stderr, .. } = super::serve(&data, &[], &[("MLJOBS_SMTP_URL", format!("smtp://127.0.0.1:{smtp}"))]);
    // Keep reading its log: the server must never block on a full pipe.
    std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
    let site = site.trim_start_matches("http://").to_string();
    // The search page offers the form (the site has an SMTP server).
    let (status, page) = http(&site, "GET", "/jobs?q=python", "");
    assert_eq!(status, 200);
    assert!(page.contains("action=\"/alerts\"") && page.contains("name=\"query\" value=\"q=python\""), "the alert form");
    // A bad address is refused; a good one gets a confirmation email and nothing else.
    assert_eq!(http(&site, "POST", "/alerts", "email=nobody&query=q%3Dpython").0, 400);
    let (status, body) = http(&site, "POST", "/alerts", "email=grace%40example.org&query=q%3Dpython&every=day");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Check your inbox"));
    let mail = inbox.lock().unwrap().clone();
    assert_eq!(mail.len(), 1);
    let confirmation = mail[0].2.replace("=\r\n", "").replace("=3D", "=");
    assert!(confirmation.contains("Subject: Confirm your mljobs alert"), "{confirmation}");
    let link = confirmation.split(&format!("http://{site}")).find(|p| p.starts_with("/alerts/confirm?")).expect("a confirmation link");
    let link: String = link.chars().take_while(|c| c.is_ascii_alphanumeric() || "/?=&_-".contains(*c)).collect();
    // Unconfirmed: new postings send nothing.
    let run = |args: &[&str]| mljobs_env(&data, smtp, args);
    ok(&run(&["ingest", &postings(dir.path(), "first", 2)]));
    assert!(ok(&run(&["alerts", "run", "--now"])).contains("nothing new"), "an unconfirmed alert sends nothing");
    assert_eq!(inbox.lock().unwrap().len(), 1);
    // A changed token does not confirm; the link does.
    assert_eq!(http(&site, "GET", &link.replace("token=", "token=0"), "").0, 404);
    let (status, body) = http(&site, "GET", &link, "");
    assert_eq!(status, 200);
    assert!(body.contains("Done: new jobs for this search will come by email"), "{body}");
    ok(&run(&["ingest", &postings(dir.path(), "second", 3)]));
    let mail = inbox.lock().unwrap().clone();
    assert_eq!(mail.len(), 2, "the digest after confirming");
    let digest = mail[1].2.replace("=\r\n", "").replace("=3D", "=");
    // News since the alert was asked for (while it waited for confirmation too), not before.
    assert!(digest.contains("Subject: 5 new jobs for python") && digest.contains("Engineer first") && !digest.contains("Engineer old"), "{digest}");
    // The digest's unsubscribe link (its site's address is MLJOBS_BASE_URL's) stops the alert.
    let unsubscribe = digest.split("https://jobs.example.test").find(|p| p.starts_with("/alerts/unsubscribe?")).expect("an unsubscribe link");
    let unsubscribe: String = unsubscribe.chars().take_while(|c| c.is_ascii_alphanumeric() || "/?=&_-".contains(*c)).collect();
    let (status, body) = http(&site, "GET", &unsubscribe, "");
    assert_eq!(status, 200);
    assert!(body.contains("Done: no more digests"), "{body}");
    ok(&run(&["ingest", &postings(dir.path(), "third", 2)]));
    assert!(ok(&run(&["alerts", "run", "--now"])).contains("nothing new"), "an unsubscribed alert sends nothing");
    assert_eq!(inbox.lock().unwrap().len(), 2);
    let _ = child.kill();
    let _ = child.wait();
}
