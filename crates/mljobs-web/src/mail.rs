//! Email out (issue 17 item 4): alert digests (`mljobs alerts`) and the site's confirmation mails
//! for alerts made on the search page, through one SMTP server given by the environment —
//! `MLJOBS_SMTP_URL` (`smtp://host:25`, `smtps://user:pass@host`, `smtp://host:587?tls=required`)
//! and `MLJOBS_SMTP_FROM` (default `mljobs <alerts@localhost>`). Without `MLJOBS_SMTP_URL` no
//! email is sent and the site offers no email alerts.

use std::time::Duration;

/// An SMTP server and sender.
#[derive(Debug, Clone)]
pub struct Mailer {
    url: String,
    from: String,
}

impl Mailer {
    /// The mailer the environment configures; none without `MLJOBS_SMTP_URL`.
    pub fn from_env() -> Option<Mailer> {
        let url = std::env::var("MLJOBS_SMTP_URL").ok().filter(|s| !s.trim().is_empty())?;
        let from = std::env::var("MLJOBS_SMTP_FROM").ok().filter(|s| !s.trim().is_empty()).unwrap_or_else(|| "mljobs <alerts@localhost>".into());
        Some(Mailer { url, from })
    }

    /// Sends one message with a plain-text and an HTML part.
    pub fn send(&self, to: &str, subject: &str, text: String, html: String) -> Result<(), String> {
        use lettre::Transport;
        let message = lettre::Message::builder()
            .from(self.from.parse().map_err(|e| format!("MLJOBS_SMTP_FROM {:?}: {e}", self.from))?)
            .to(to.parse().map_err(|e| format!("address {to:?}: {e}"))?)
            .subject(subject)
            .multipart(lettre::message::MultiPart::alternative_plain_html(text, html))
            .map_err(|e| e.to_string())?;
        let mailer = lettre::SmtpTransport::from_url(&self.url)
            .map_err(|e| format!("MLJOBS_SMTP_URL {:?}: {e}", self.url))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        mailer.send(&message).map(|_| ()).map_err(|e| format!("SMTP {}: {e}", self.url))
    }
}

/// The site address emailed links open (`MLJOBS_BASE_URL`, without a trailing slash), if set.
pub fn base_url() -> Option<String> {
    std::env::var("MLJOBS_BASE_URL").ok().map(|b| b.trim().trim_end_matches('/').to_string()).filter(|b| !b.is_empty())
}

/// Whether `s` reads as one email address ("Ada <ada@example.org>" or "ada@example.org").
pub fn is_address(s: &str) -> bool {
    s.parse::<lettre::message::Mailbox>().is_ok()
}
