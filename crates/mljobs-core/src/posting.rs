//! Postings: what a source said ([`RawPosting`]) and the validated, normalised form the rest of
//! mljobs trusts ([`JobPosting`]), modelled on schema.org `JobPosting` plus provenance.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::text;

/// Where a record came from inside its input: file and line (CSV, JSON Lines) or record number
/// (entries of a JSON array / board file). Used in every rejection message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordRef {
    /// The input file as the user named it.
    pub file: String,
    /// 1-based line of the record's start, when the format has lines that matter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// 1-based record number within the file.
    pub record: u64,
}

impl std::fmt::Display for RecordRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{} (record {})", self.file, line, self.record),
            None => write!(f, "{} (record {})", self.file, self.record),
        }
    }
}

/// A posting as a source stated it: strings as found, nothing trusted yet.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RawPosting {
    /// Source kind, e.g. `csv`, `jsonl`, `jsonld`, `greenhouse`, `lever`, `ashby`.
    pub source: String,
    /// The source's own id of the posting (ATS id, CSV `id` column, JSON-LD identifier).
    pub source_id: Option<String>,
    /// Several ATS posts of one job share this (Greenhouse `internal_job_id`).
    pub source_group_id: Option<String>,
    /// Posting / apply URL.
    pub url: Option<String>,
    /// Job title.
    pub title: Option<String>,
    /// Description, HTML or plain text.
    pub description: Option<String>,
    /// Hiring organisation.
    pub company: Option<String>,
    /// Free-text location(s), e.g. "San Francisco, CA" or "Remote (US)".
    pub locations: Vec<String>,
    /// Structured city.
    pub city: Option<String>,
    /// Structured region / state.
    pub region: Option<String>,
    /// Structured country (name or code).
    pub country: Option<String>,
    /// Work mode as stated ("remote", "hybrid", "on-site", "TELECOMMUTE").
    pub work_mode: Option<String>,
    /// Employment type as stated ("FULL_TIME", "Full-time", "Contract").
    pub employment_type: Option<String>,
    /// Level field as stated ("Mid-Senior level", "SE").
    pub seniority: Option<String>,
    /// Industry field as stated.
    pub industry: Option<String>,
    /// Date posted as stated (ISO 8601 date or date-time, or epoch milliseconds).
    pub date_posted: Option<String>,
    /// Valid-through date as stated.
    pub valid_through: Option<String>,
    /// Salary as free text ("$120k–150k", "£45/hour").
    pub salary_text: Option<String>,
    /// Structured salary minimum.
    pub salary_min: Option<f64>,
    /// Structured salary maximum.
    pub salary_max: Option<f64>,
    /// Structured salary currency as stated.
    pub salary_currency: Option<String>,
    /// Structured salary period as stated ("YEAR", "1 HOUR", "per-month").
    pub salary_period: Option<String>,
    /// Where in the input this record was.
    pub record: RecordRef,
    /// Fields the decoder could not read (wrong type, bad number); the record is kept without them.
    pub warnings: Vec<String>,
}

/// A stable posting id: 16 hex digits of a 64-bit hash (FNV-1a, then mixed) of the posting's identity (source
/// and source id, else canonical URL, else company + title + description). Stable across runs and
/// machines, so ingesting the same file twice finds the same ids.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PostingId(String);

impl PostingId {
    /// Derives the id from identity parts.
    pub fn from_parts(parts: &[&str]) -> Self {
        PostingId(format!("{:016x}", hash64(parts)))
    }

    /// Wraps an id read back from storage or a user; checks the shape.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        (s.len() == 16 && s.bytes().all(|b| b.is_ascii_hexdigit())).then(|| PostingId(s.to_ascii_lowercase()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A stable 64-bit hash of a sequence of strings (FNV-1a with a separator between parts, finished
/// with the splitmix64 mixer so every input bit affects every output bit). Stable across runs,
/// machines and versions: ids and stored keys are derived from it.
pub fn hash64(parts: &[&str]) -> u64 {
    {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for (idx, part) in parts.iter().enumerate() {
            if idx > 0 {
                hash ^= 0x1f;
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
            for b in part.bytes() {
                hash ^= u64::from(b);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        }
        // FNV-1a alone barely changes the high bits when only the last bytes differ; finish with
        // the splitmix64 mixer so every input bit affects every output bit.
        hash ^= hash >> 30;
        hash = hash.wrapping_mul(0xbf58_476d_1ce4_e5b9);
        hash ^= hash >> 27;
        hash = hash.wrapping_mul(0x94d0_49bb_1331_11eb);
        hash ^= hash >> 31;
        hash
    }
}

impl std::fmt::Display for PostingId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a posting came from and when we read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// Source kind (`csv`, `greenhouse`, ...).
    pub source: String,
    /// The source's id of the posting.
    pub source_id: Option<String>,
    /// The source's id of the job several posts share.
    pub source_group_id: Option<String>,
    /// The posting URL as given.
    pub url: Option<String>,
    /// When it was ingested (passed in; the core has no clock).
    pub ingested_at: DateTime<Utc>,
    /// File and record it was read from.
    pub record: RecordRef,
}

/// The file name the demo's invented postings are read from ([`Provenance::is_sample`]).
pub const SAMPLE_FILE: &str = "mljobs-demo-sample-postings.jsonl";

impl Provenance {
    /// Whether this posting is invented sample data (read from the demo's [`SAMPLE_FILE`]), which
    /// pages must say.
    pub fn is_sample(&self) -> bool {
        self.record.file.rsplit(['/', '\\']).next() == Some(SAMPLE_FILE)
    }
}

/// A posting's salary exactly as the structured fields stated it (text salaries stay in
/// `salary_text`); read by enrichment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatedSalary {
    /// Minimum as stated.
    pub min: Option<f64>,
    /// Maximum as stated.
    pub max: Option<f64>,
    /// Currency as stated.
    pub currency: Option<String>,
    /// Period as stated.
    pub period: Option<String>,
}

/// A validated job posting (schema.org `JobPosting` fields plus provenance).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobPosting {
    /// Stable id.
    pub id: PostingId,
    /// Title, cleaned.
    pub title: String,
    /// Description HTML as received (kept for display after sanitising), if it was HTML.
    pub description_html: Option<String>,
    /// Description as plain text; enrichment offsets point into this.
    pub description: String,
    /// Hiring organisation, cleaned.
    pub company: Option<String>,
    /// Free-text locations as stated, cleaned.
    pub locations: Vec<String>,
    /// Structured city as stated.
    pub city: Option<String>,
    /// Structured region as stated.
    pub region: Option<String>,
    /// Structured country as stated.
    pub country: Option<String>,
    /// Work mode as stated.
    pub work_mode: Option<String>,
    /// Employment type as stated.
    pub employment_type: Option<String>,
    /// Level as stated.
    pub seniority: Option<String>,
    /// Industry as stated.
    pub industry: Option<String>,
    /// Date posted.
    pub date_posted: Option<NaiveDate>,
    /// Valid through.
    pub valid_through: Option<NaiveDate>,
    /// Structured salary as stated.
    pub base_salary: Option<StatedSalary>,
    /// Salary free text as stated.
    pub salary_text: Option<String>,
    /// Where it came from.
    pub provenance: Provenance,
    /// Problems found while validating that did not reject the posting (bad date, ...).
    pub warnings: Vec<String>,
}

/// Why a raw record could not become a posting.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PostingError {
    /// No usable title.
    #[error("{record}: field `title` is missing or empty")]
    MissingTitle {
        /// Where.
        record: RecordRef,
    },
    /// A required field holds something that is not one (a number for a title).
    #[error("{record}: {message}")]
    Invalid {
        /// Where.
        record: RecordRef,
        /// What is wrong, naming the field and what was found.
        message: String,
    },
    /// Neither a description nor a company: nothing to go on.
    #[error("{record}: field `description` is missing or empty (title {title:?})")]
    MissingDescription {
        /// Where.
        record: RecordRef,
        /// The title, to find the row.
        title: String,
    },
    /// A field is far too large to be a posting (a broken file glued many rows into one).
    #[error("{record}: field `{field}` is {len} bytes, over the {limit}-byte limit")]
    TooLarge {
        /// Where.
        record: RecordRef,
        /// Which field.
        field: &'static str,
        /// Its size.
        len: usize,
        /// The limit.
        limit: usize,
    },
}

/// Largest description accepted (bytes of HTML or text). Real postings stay far below; larger
/// values come from broken quoting that swallowed a file.
pub const MAX_DESCRIPTION_BYTES: usize = 1 << 20;
/// Largest title accepted.
pub const MAX_TITLE_BYTES: usize = 1000;

impl JobPosting {
    /// Validates and normalises a raw posting. `ingested_at` is passed in (the core has no clock).
    pub fn from_raw(raw: RawPosting, ingested_at: DateTime<Utc>) -> Result<JobPosting, PostingError> {
        let record = raw.record.clone();
        let title = raw.title.as_deref().and_then(text::clean_field).ok_or_else(|| {
            // A title of the wrong type was left empty by the decoder with a warning: that is the reason.
            match raw.warnings.iter().find(|w| w.starts_with("field `title`")) {
                Some(w) => PostingError::Invalid { record: record.clone(), message: w.clone() },
                None => PostingError::MissingTitle { record: record.clone() },
            }
        })?;
        if title.len() > MAX_TITLE_BYTES {
            return Err(PostingError::TooLarge { record, field: "title", len: title.len(), limit: MAX_TITLE_BYTES });
        }
        let raw_description = raw.description.unwrap_or_default();
        if raw_description.len() > MAX_DESCRIPTION_BYTES {
            return Err(PostingError::TooLarge { record, field: "description", len: raw_description.len(), limit: MAX_DESCRIPTION_BYTES });
        }
        let repaired = text::repair_mojibake(&raw_description);
        let description = text::html_to_text(&text::nfkc(&repaired));
        if description.is_empty() {
            return Err(PostingError::MissingDescription { record, title });
        }
        let looks_html = text::looks_like_html(&raw_description);
        // Keep the HTML for display; Greenhouse sends it entity-escaped, store it as real markup.
        let description_html = looks_html.then(|| {
            if raw_description.contains("&lt;") && !raw_description.contains('<') {
                html_escape::decode_html_entities(&raw_description).into_owned()
            } else {
                raw_description.clone()
            }
        });
        let mut warnings = raw.warnings.clone();
        let date_posted = parse_date_field("date_posted", raw.date_posted.as_deref(), &mut warnings).filter(|d| {
            // A posting is not posted after it is read (a day of slack for time zones), nor before
            // job boards existed: such a date is a typo, and it would sort first or last.
            let plausible = *d <= ingested_at.date_naive() + chrono::Days::new(1) && chrono::Datelike::year(d) >= 1995;
            if !plausible {
                warnings.push(format!("field `date_posted`: {d} is not a plausible posting date (after it was read, or before 1995); left empty"));
            }
            plausible
        });
        let valid_through = parse_date_field("valid_through", raw.valid_through.as_deref(), &mut warnings);
        let base_salary = (raw.salary_min.is_some() || raw.salary_max.is_some()).then(|| StatedSalary {
            min: raw.salary_min,
            max: raw.salary_max,
            currency: raw.salary_currency.as_deref().and_then(text::clean_field),
            period: raw.salary_period.as_deref().and_then(text::clean_field),
        });
        let company = raw.company.as_deref().and_then(text::clean_field);
        let url = raw.url.as_deref().and_then(text::clean_field);
        let source_id = raw.source_id.as_deref().and_then(text::clean_field);
        let id = identity(&raw.source, source_id.as_deref(), url.as_deref(), company.as_deref(), &title, &description);
        Ok(JobPosting {
            id,
            title,
            description_html,
            description,
            company,
            locations: raw.locations.iter().filter_map(|l| text::clean_field(l)).collect(),
            city: raw.city.as_deref().and_then(text::clean_field),
            region: raw.region.as_deref().and_then(text::clean_field),
            country: raw.country.as_deref().and_then(text::clean_field),
            work_mode: raw.work_mode.as_deref().and_then(text::clean_field),
            employment_type: raw.employment_type.as_deref().and_then(text::clean_field),
            seniority: raw.seniority.as_deref().and_then(text::clean_field),
            industry: raw.industry.as_deref().and_then(text::clean_field),
            date_posted,
            valid_through,
            base_salary,
            salary_text: raw.salary_text.as_deref().and_then(text::clean_field),
            provenance: Provenance {
                source: raw.source,
                source_id,
                source_group_id: raw.source_group_id.as_deref().and_then(text::clean_field),
                url,
                ingested_at,
                record,
            },
            warnings,
        })
    }
}

/// The posting's identity: source + source id when the source gives one; else the canonical URL;
/// else the content. Two records with the same identity are the same posting (an update).
impl RawPosting {
    /// The id its posting has whatever its text says: from the source and source id, or else its
    /// canonical URL. `None` when the id would depend on the text (a record without either), so a
    /// record that cannot be read can still be recognised as a posting already stored.
    pub fn stable_id(&self) -> Option<PostingId> {
        let source_id = self.source_id.as_deref().and_then(text::clean_field);
        let url = self.url.as_deref().and_then(text::clean_field);
        if source_id.is_none() && url.as_deref().and_then(crate::dedupe::canonical_url).is_none() {
            return None;
        }
        Some(identity(&self.source, source_id.as_deref(), url.as_deref(), None, "", ""))
    }
}

fn identity(source: &str, source_id: Option<&str>, url: Option<&str>, company: Option<&str>, title: &str, description: &str) -> PostingId {
    if let Some(sid) = source_id {
        return PostingId::from_parts(&["sid", source, sid]);
    }
    if let Some(canonical) = url.and_then(crate::dedupe::canonical_url) {
        return PostingId::from_parts(&["url", &canonical]);
    }
    PostingId::from_parts(&["text", company.unwrap_or(""), title, description])
}

fn parse_date_field(field: &str, value: Option<&str>, warnings: &mut Vec<String>) -> Option<NaiveDate> {
    let value = value?.trim();
    if value.is_empty() {
        return None;
    }
    match parse_date(value) {
        Some(d) => Some(d),
        None => {
            warnings.push(format!("field `{field}`: cannot read {value:?} as a date; left empty"));
            None
        }
    }
}

/// Reads the date forms postings use: `2026-05-01`, `2026-05-01T09:00:00Z` (any offset),
/// `2026-05-01 09:00`, `2026/05/01`, epoch milliseconds (Lever) or seconds.
pub fn parse_date(value: &str) -> Option<NaiveDate> {
    let v = value.trim();
    if let Ok(d) = NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        return Some(d);
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(v) {
        return Some(dt.date_naive());
    }
    if v.len() >= 10 && v.is_char_boundary(10) {
        let head = &v[..10];
        if let Ok(d) = NaiveDate::parse_from_str(head, "%Y-%m-%d") {
            let rest = &v[10..];
            if rest.starts_with('T') || rest.starts_with(' ') {
                return Some(d);
            }
        }
        if let Ok(d) = NaiveDate::parse_from_str(head, "%Y/%m/%d") {
            return Some(d);
        }
    }
    if v.bytes().all(|b| b.is_ascii_digit()) && (9..=13).contains(&v.len()) {
        let n: i64 = v.parse().ok()?;
        let secs = if v.len() >= 12 { n / 1000 } else { n };
        return DateTime::from_timestamp(secs, 0).map(|d| d.date_naive());
    }
    None
}

/// An employer's name as postings are counted by (the `company` filter and trends dimension):
/// spaces collapsed and a trailing legal form dropped, so "Acme AI, Inc." and "Acme AI" are one
/// employer ("Acme AI"). The case is kept as written. `None` for an empty name; at most 200
/// characters.
pub fn company_name(raw: &str) -> Option<String> {
    const FORMS: &[&str] = &[
        "inc",
        "incorporated",
        "llc",
        "l.l.c",
        "ltd",
        "limited",
        "gmbh",
        "ag",
        "se",
        "sa",
        "s.a",
        "sas",
        "sarl",
        "bv",
        "b.v",
        "nv",
        "n.v",
        "plc",
        "corp",
        "corporation",
        "co",
        "pty ltd",
        "pty",
        "oy",
        "ab",
        "as",
        "a/s",
        "aps",
        "srl",
        "s.r.l",
        "spa",
        "s.p.a",
        "kk",
        "gmbh & co. kg",
        "kg",
        "ug",
        "lp",
        "llp",
        "pvt ltd",
        "private limited",
        "pte ltd",
    ];
    let mut name: String = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    // One legal form at the end, after a space or a comma ("Acme, Inc.", "Acme GmbH").
    let trimmed = name.trim_end_matches('.');
    let lower = trimmed.to_lowercase();
    if let Some(form) = FORMS.iter().filter(|f| lower.ends_with(*f)).max_by_key(|f| f.len()) {
        let cut = trimmed.len() - form.len();
        if cut > 0 && lower.is_char_boundary(cut) && trimmed.is_char_boundary(cut) && matches!(trimmed.as_bytes()[cut - 1], b' ' | b',') {
            let kept = trimmed[..cut].trim_end_matches([' ', ',']);
            if !kept.is_empty() {
                name = kept.to_string();
            }
        }
    }
    let name: String = name.chars().take(200).collect();
    (!name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn company_names_drop_their_legal_form() {
        for (raw, want) in [
            ("Acme AI, Inc.", Some("Acme AI")),
            ("  Acme   AI ", Some("Acme AI")),
            ("Deep Mind Technologies Limited", Some("Deep Mind Technologies")),
            ("Müller GmbH", Some("Müller")),
            ("Foo GmbH & Co. KG", Some("Foo")),
            ("Inc", Some("Inc")),
            ("Cohere", Some("Cohere")),
            ("Abco", Some("Abco")),
            ("Bank of America Corporation", Some("Bank of America")),
            ("", None),
            ("   ", None),
        ] {
            assert_eq!(company_name(raw).as_deref(), want, "{raw:?}");
        }
    }

    fn raw(title: &str, description: &str) -> RawPosting {
        RawPosting {
            source: "csv".into(),
            title: Some(title.into()),
            description: Some(description.into()),
            record: RecordRef { file: "jobs.csv".into(), line: Some(7), record: 6 },
            ..Default::default()
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_780_000_000, 0).unwrap()
    }

    #[test]
    fn missing_title_names_file_line_and_field() {
        let err = JobPosting::from_raw(raw("  ", "text"), now()).unwrap_err();
        assert_eq!(err.to_string(), "jobs.csv:7 (record 6): field `title` is missing or empty");
    }

    #[test]
    fn bad_date_is_a_warning_not_a_rejection() {
        let mut r = raw("Data Scientist", "Do data science.");
        r.date_posted = Some("last Tuesday".into());
        let p = JobPosting::from_raw(r, now()).unwrap();
        assert_eq!(p.date_posted, None);
        assert!(p.warnings[0].contains("\"last Tuesday\""), "{:?}", p.warnings);
    }

    #[test]
    fn a_posting_date_after_reading_or_before_job_boards_is_dropped_with_a_warning() {
        for (v, kept) in [("2099-01-01", false), ("1970-01-01", false), ("2026-05-01", true)] {
            let mut r = raw("Data Scientist", "Do data science.");
            r.date_posted = Some(v.into());
            let p = JobPosting::from_raw(r, now()).unwrap();
            assert_eq!(p.date_posted.is_some(), kept, "{v}");
            assert_eq!(p.warnings.iter().any(|w| w.contains("date_posted") && w.contains(v) && w.contains("not a plausible")), !kept, "{v}: {:?}", p.warnings);
        }
    }

    #[test]
    fn dates_in_many_forms() {
        let d = NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
        for v in ["2026-05-01", "2026-05-01T09:00:00Z", "2026-05-01T09:00:00+02:00", "2026-05-01 09:00", "2026/05/01", "2026-05-01T00:00"] {
            assert_eq!(parse_date(v), Some(d), "{v}");
        }
        assert_eq!(parse_date("1777636800000"), Some(NaiveDate::from_ymd_opt(2026, 5, 1).unwrap()));
        assert_eq!(parse_date("May 1st"), None);
    }

    #[test]
    fn id_is_stable_and_follows_identity() {
        let mut a = raw("ML Engineer", "Build models.");
        a.source_id = Some("123".into());
        let p1 = JobPosting::from_raw(a.clone(), now()).unwrap();
        a.description = Some("Build models, updated.".into());
        let p2 = JobPosting::from_raw(a, now()).unwrap();
        assert_eq!(p1.id, p2.id, "same source id = same posting");
        assert_eq!(PostingId::parse(p1.id.as_str()), Some(p1.id.clone()));
    }
}
