//! Decoders: source records → [`RawPosting`]s. Formats: CSV and JSON Lines with a column mapping,
//! schema.org `JobPosting` JSON-LD (in HTML pages or JSON), and Greenhouse, Lever and Ashby
//! job-board JSON. CSV and JSON Lines stream record by record (constant memory); JSON documents are
//! read whole (a board file is one document).
//!
//! Every bad record becomes a [`Rejection`] naming file, line or record and reason; the good ones
//! are kept. Decoders take readers and strings; opening files is the caller's job.

mod ats;
mod columns;
mod feed;
mod jsonld;

use std::io::{BufRead, Read};

use serde_json::Value;

use crate::posting::{RawPosting, RecordRef};
pub use columns::{ColumnMap, MapError, PostingField};

/// Input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Decide from the file name and first bytes.
    Auto,
    /// Comma-separated values with a header row.
    Csv,
    /// One JSON object per line.
    Jsonl,
    /// schema.org JobPosting JSON-LD in HTML or JSON.
    Jsonld,
    /// Greenhouse job board JSON.
    Greenhouse,
    /// Lever postings JSON.
    Lever,
    /// Ashby job board JSON.
    Ashby,
    /// Workable account widget JSON (`/api/v1/widget/accounts/{slug}?details=true`).
    Workable,
    /// SmartRecruiters postings (`/v1/companies/{id}/postings`, each posting with its detail's
    /// `jobAd`): `{"totalFound", "content": [...]}`.
    SmartRecruiters,
    /// Workday career-site JSON (`/wday/cxs/{tenant}/{site}/jobs`, each posting with its detail's
    /// `jobPostingInfo`): `{"total", "jobPostings": [...]}`.
    Workday,
    /// Rippling job-board JSON (`/platform/api/ats/v2/board/{slug}/jobs`, each job with its
    /// detail's `description` and `payRangeDetails`): `{"items": [...]}`.
    Rippling,
    /// RSS or Atom job feeds (and JSON Feed): one posting per item or entry.
    Feed,
}

impl Format {
    /// Parses a `--format` value.
    pub fn parse(s: &str) -> Option<Format> {
        Some(match s.to_ascii_lowercase().as_str() {
            "auto" => Format::Auto,
            "csv" => Format::Csv,
            "jsonl" | "ndjson" => Format::Jsonl,
            "jsonld" | "json-ld" | "html" => Format::Jsonld,
            "greenhouse" => Format::Greenhouse,
            "lever" => Format::Lever,
            "ashby" => Format::Ashby,
            "workable" => Format::Workable,
            "smartrecruiters" => Format::SmartRecruiters,
            "workday" => Format::Workday,
            "rippling" => Format::Rippling,
            "feed" | "rss" | "atom" => Format::Feed,
            _ => return None,
        })
    }

    /// Name used in provenance.
    pub fn name(self) -> &'static str {
        match self {
            Format::Auto => "auto",
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
            Format::Jsonld => "jsonld",
            Format::Greenhouse => "greenhouse",
            Format::Lever => "lever",
            Format::Ashby => "ashby",
            Format::Workable => "workable",
            Format::SmartRecruiters => "smartrecruiters",
            Format::Workday => "workday",
            Format::Rippling => "rippling",
            Format::Feed => "feed",
        }
    }
}

/// A record that could not be read as a posting.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Rejection {
    /// Where.
    pub record: RecordRef,
    /// Why, naming the field and value.
    pub reason: String,
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.record, self.reason)
    }
}

/// One decoded record.
pub type Item = Result<RawPosting, Rejection>;

/// Options shared by decoders.
#[derive(Debug, Clone, Default)]
pub struct DecodeOptions {
    /// Column mapping for CSV / JSON Lines (explicit entries win over well-known names).
    pub map: ColumnMap,
    /// Company to use when the format has none (Lever and Ashby boards name no company).
    pub company: Option<String>,
}

/// Picks a format from the file name and its first bytes.
pub fn detect_format(file_name: &str, head: &[u8]) -> Format {
    let lower = file_name.to_ascii_lowercase();
    if lower.ends_with(".csv") || lower.ends_with(".tsv") {
        return Format::Csv;
    }
    if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") {
        return Format::Jsonl;
    }
    if lower.ends_with(".html") || lower.ends_with(".htm") {
        return Format::Jsonld;
    }
    let text = String::from_utf8_lossy(head);
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with('<') {
        // An RSS or Atom feed is XML whose root is <rss>, <rdf:RDF> or <feed>.
        let root = t.trim_start_matches(|c| c != '>').get(1..).unwrap_or("");
        let is_feed = |s: &str| s.contains("<rss") || s.contains("<feed") || s.contains("<rdf:RDF");
        if lower.ends_with(".rss") || lower.ends_with(".atom") || (t.starts_with("<?xml") && is_feed(root)) || t.starts_with("<rss") || t.starts_with("<feed") {
            return Format::Feed;
        }
        return Format::Jsonld;
    }
    if t.contains("\"@context\"") || t.contains("\"@type\"") || t.contains("\"@graph\"") {
        return Format::Jsonld;
    }
    if t.contains("\"internal_job_id\"") || t.contains("\"absolute_url\"") {
        return Format::Greenhouse;
    }
    if t.contains("\"hostedUrl\"") || t.contains("\"descriptionPlain\"") && t.contains("\"categories\"") {
        return Format::Lever;
    }
    if t.contains("\"payRangeDetails\"") || t.contains("\"workLocations\"") || t.contains("\"items\"") && t.contains("\"totalPages\"") {
        return Format::Rippling;
    }
    if t.contains("\"jobUrl\"") || t.contains("\"descriptionHtml\"") || t.contains("\"isRemote\"") {
        return Format::Ashby;
    }
    if t.contains("\"shortcode\"") && t.contains("\"telecommuting\"") {
        return Format::Workable;
    }
    if t.contains("\"jobPostings\"") || t.contains("\"jobPostingInfo\"") {
        return Format::Workday;
    }
    if t.contains("\"totalFound\"") || t.contains("\"typeOfEmployment\"") || t.contains("\"jobAd\"") {
        return Format::SmartRecruiters;
    }
    if t.starts_with('{') {
        // One object per line, or one document.
        let first_line = t.lines().next().unwrap_or("");
        if serde_json::from_str::<Value>(first_line).is_ok() {
            return Format::Jsonl;
        }
    }
    if lower.ends_with(".json") { Format::Jsonld } else { Format::Csv }
}

/// Base name of a path, for provenance (`csv:jobs.csv`).
fn base_name(file: &str) -> &str {
    file.rsplit(['/', '\\']).next().unwrap_or(file)
}

/// Counts the `"` bytes read through it: in a well-formed CSV file quotes come in pairs (open and
/// close, or `""` inside a field), so an odd count at the end means a quote was never closed.
struct QuoteCount<R> {
    inner: R,
    quotes: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl<R: Read> Read for QuoteCount<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let q = memchr::memchr_iter(b'"', &buf[..n]).count() as u64;
        self.quotes.fetch_add(q, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

/// Streams CSV records. The header row names the columns; `options.map` says which is which.
/// A quoted field that is never closed runs to the end of the file and swallows the rows after
/// it into one field: that last record is rejected, saying how many lines it swallowed, instead of
/// being stored with the other rows inside its description.
pub fn decode_csv<'a, R: Read + 'a>(reader: R, file: &'a str, options: &'a DecodeOptions) -> Box<dyn Iterator<Item = Item> + 'a> {
    let delimiter = if file.to_ascii_lowercase().ends_with(".tsv") { b'\t' } else { b',' };
    let quotes = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let counted = QuoteCount { inner: reader, quotes: quotes.clone() };
    let mut rdr = csv::ReaderBuilder::new().flexible(true).delimiter(delimiter).from_reader(counted);
    let headers = match rdr.headers() {
        Ok(h) => h.iter().map(|s| s.trim_start_matches('\u{feff}').to_string()).collect::<Vec<_>>(),
        Err(e) => {
            let rejection = Rejection { record: RecordRef { file: file.into(), line: Some(1), record: 0 }, reason: format!("cannot read the header row: {e}") };
            return Box::new(std::iter::once(Err(rejection)));
        }
    };
    let resolved = match options.map.resolve(&headers, true) {
        Ok(r) => r,
        Err(e) => {
            let rejection = Rejection { record: RecordRef { file: file.into(), line: Some(1), record: 0 }, reason: e.to_string() };
            return Box::new(std::iter::once(Err(rejection)));
        }
    };
    let source = format!("csv:{}", base_name(file));
    let mut n = 0u64;
    let mut records = rdr.into_records().peekable();
    Box::new(std::iter::from_fn(move || {
        let rec = records.next()?;
        n += 1;
        Some(match rec {
            Ok(rec) => {
                let line = rec.position().map(|p| p.line());
                let record = RecordRef { file: file.into(), line, record: n };
                // Peeking reads to the end of the file after the last record: the count is final.
                let last = records.peek().is_none();
                let unclosed = last && quotes.load(std::sync::atomic::Ordering::Relaxed) % 2 == 1;
                if let Some(swallowed) = rec.iter().map(|f| f.trim_end_matches(['\n', '\r']).matches('\n').count()).max().filter(|&k| unclosed && k > 0) {
                    return Some(Err(Rejection {
                        record,
                        reason: format!(
                            "a quoted field is never closed: it runs to the end of the file and holds the {swallowed} lines after this row (rows that were swallowed); close the quote and read the file again"
                        ),
                    }));
                }
                if rec.len() != headers.len() {
                    return Some(Err(Rejection { record, reason: format!("row has {} fields, the header has {}", rec.len(), headers.len()) }));
                }
                let values = rec.iter().map(|v| Some(Value::String(v.to_string())));
                Ok(resolved.build(values, &source, record, options.company.as_deref()))
            }
            Err(e) => {
                let line = e.position().map(|p| p.line());
                Err(Rejection { record: RecordRef { file: file.into(), line, record: n }, reason: format!("malformed CSV: {e}") })
            }
        })
    }))
}

/// Streams JSON Lines: one object per line; nested objects are flattened to dotted keys
/// (`location.city`, `salary.min`) before the column mapping applies.
pub fn decode_jsonl<'a, R: BufRead + 'a>(reader: R, file: &'a str, options: &'a DecodeOptions) -> Box<dyn Iterator<Item = Item> + 'a> {
    let source = format!("jsonl:{}", base_name(file));
    let mut n = 0u64;
    let mut line_no = 0u64;
    // Records usually share a few key sets (e.g. with and without a nested `salary` object):
    // keep the mappings of the last few.
    let mut cached: Vec<columns::Resolved> = Vec::new();
    Box::new(reader.split(b'\n').filter_map(move |line| {
        line_no += 1;
        let record = |n| RecordRef { file: file.into(), line: Some(line_no), record: n };
        let bytes = match line {
            Ok(b) => b,
            Err(e) => {
                n += 1;
                return Some(Err(Rejection { record: record(n), reason: format!("read error: {e}") }));
            }
        };
        let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes).trim_ascii();
        if text.is_empty() {
            return None;
        }
        n += 1;
        let value: Value = match serde_json::from_slice(text) {
            Ok(v) => v,
            Err(e) => return Some(Err(Rejection { record: record(n), reason: format!("invalid JSON: {e}") })),
        };
        if !value.is_object() {
            return Some(Err(Rejection { record: record(n), reason: format!("expected a JSON object, found {}", json_kind(&value)) }));
        }
        // A board document whose list of jobs is not a list: say so, not "title is missing".
        if let Some((key, list)) = ["jobs", "postings", "results"].iter().find_map(|k| value.get(*k).map(|v| (*k, v)))
            && value.get("title").is_none()
            && (list.is_object() || list.is_array())
        {
            let reason = if list.is_object() {
                format!("field `{key}`: expected an array of job objects, found an object (a board file is {{\"{key}\": [{{…}}, …]}})")
            } else {
                format!(
                    "field `{key}`: a board document of {} jobs in a JSON Lines file; give it a .json name (or one posting per line)",
                    list.as_array().map_or(0, Vec::len)
                )
            };
            return Some(Err(Rejection { record: record(n), reason }));
        }
        let mut flat = Vec::new();
        columns::flatten("", value, &mut flat);
        let hit = cached.iter().position(|r| r.is_for(flat.iter().map(|(k, _)| k.as_str())));
        let slot = match hit {
            Some(i) => i,
            None => {
                let keys: Vec<String> = flat.iter().map(|(k, _)| k.clone()).collect();
                // A record without a title key is rejected by validation as a missing title.
                match options.map.resolve(&keys, false) {
                    Ok(r) => {
                        if cached.len() == 8 {
                            cached.remove(0);
                        }
                        cached.push(r);
                        cached.len() - 1
                    }
                    Err(e) => return Some(Err(Rejection { record: record(n), reason: e.to_string() })),
                }
            }
        };
        let resolved = &cached[slot];
        Some(Ok(resolved.build(flat.into_iter().map(|(_, v)| Some(v)), &source, record(n), options.company.as_deref())))
    }))
}

/// Detects the format of a whole file held in memory and decodes it (tests, small uploads; the
/// CLI streams large files instead).
pub fn decode_text(text: &str, file: &str, options: &DecodeOptions) -> Vec<Item> {
    match detect_format(file, text.as_bytes()) {
        Format::Csv => decode_csv(text.as_bytes(), file, options).collect(),
        Format::Jsonl | Format::Auto => decode_jsonl(text.as_bytes(), file, options).collect(),
        other => decode_document(text, file, other, options),
    }
}

/// Decodes an already parsed board document (the crawler assembles SmartRecruiters' pages and
/// details into one).
pub fn ats_items(doc: &Value, file: &str, format: Format, options: &DecodeOptions) -> Vec<Item> {
    ats::decode(doc, file, format, options)
}

/// Decodes a whole JSON or HTML document in a board or JSON-LD format.
pub fn decode_document(text: &str, file: &str, format: Format, options: &DecodeOptions) -> Vec<Item> {
    match format {
        Format::Jsonld => jsonld::decode(text, file, options),
        Format::Feed => feed::decode(text, file, options),
        Format::Greenhouse | Format::Lever | Format::Ashby | Format::Workable | Format::SmartRecruiters | Format::Workday | Format::Rippling => {
            let value: Value = match serde_json::from_str(text.trim_start_matches('\u{feff}')) {
                Ok(v) => v,
                Err(e) => {
                    return vec![Err(Rejection {
                        record: RecordRef { file: file.into(), line: Some(e.line() as u64), record: 0 },
                        reason: format!("invalid JSON: {e}"),
                    })];
                }
            };
            ats::decode(&value, file, format, options)
        }
        _ => Vec::new(),
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A JSON value as text: strings as they are, numbers and booleans printed, arrays of strings
/// joined with ", "; objects and nulls give nothing.
pub(crate) fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().filter_map(value_text).collect();
            (!parts.is_empty()).then(|| parts.join(", "))
        }
        _ => None,
    }
}

/// A non-blank text value of `v[key]`.
pub(crate) fn field_text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(value_text).filter(|t| !t.trim().is_empty())
}

/// Reads a number from a JSON number or a string such as "120,000" or "120000.50". Not a
/// number: "Infinity", "NaN" (which Rust's parser would take) and magnitudes of 10^15 and more —
/// no pay in any currency and period is that large; such a value is a broken cell.
pub(crate) fn value_number(v: &Value) -> Result<Option<f64>, String> {
    let n = match v {
        Value::Null => return Ok(None),
        Value::Number(n) => n.as_f64(),
        Value::String(s) if s.trim().is_empty() => return Ok(None),
        Value::String(s) => {
            let cleaned: String = s.trim().chars().filter(|c| !matches!(c, ',' | '_' | ' ' | '\'')).collect();
            let n = cleaned.parse::<f64>().map_err(|_| format!("{s:?} is not a number"))?;
            if !n.is_finite() {
                return Err(format!("{s:?} is not a number"));
            }
            Some(n)
        }
        other => return Err(format!("expected a number, found {}", json_kind(other))),
    };
    match n {
        Some(x) if x.abs() >= 1e15 => Err(format!("{x:e} is not a plausible amount")),
        n => Ok(n),
    }
}

/// A field that must be text (a title): a number, boolean, array or object there is not one — it
/// is left empty with a warning naming what was found, so the record is rejected for it instead
/// of stored under the title "12345".
pub(crate) fn strict_text(v: &Value, key: &str, field: &str, warnings: &mut Vec<String>) -> Option<String> {
    match v.get(key)? {
        Value::String(s) => Some(s.clone()).filter(|t| !t.trim().is_empty()),
        Value::Null => None,
        other => {
            let shown: String = other.to_string().chars().take(60).collect();
            let key_note = if key == field { String::new() } else { format!(" (key {key:?})") };
            warnings.push(format!("field `{field}`{key_note}: expected text, found {} {shown}", json_kind(other)));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::JobPosting;

    fn now() -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::from_timestamp(1_780_000_000, 0).unwrap()
    }

    /// Issue 13: an unterminated quote used to swallow the rows after it into one description,
    /// silently (the summary counted 4 of 5). The rows before it are kept; it is rejected, saying
    /// what happened.
    #[test]
    fn an_unclosed_quote_is_rejected_not_swallowing_rows() {
        let csv = "id,title,description\n1,ML Engineer,PyTorch\n2,Data Scientist,\"SQL and \"\"pandas\"\"\"\n3,Data Engineer,\"Spark, Airflow\n4,MLOps Engineer,Kubernetes\n5,Analyst,Excel\n";
        let items = decode_csv(csv.as_bytes(), "jobs.csv", &DecodeOptions::default()).collect::<Vec<_>>();
        assert_eq!(items.len(), 3, "{items:?}");
        assert_eq!(items[1].as_ref().unwrap().description.as_deref(), Some("SQL and \"pandas\""), "doubled quotes are fine");
        let err = items[2].as_ref().unwrap_err();
        assert_eq!(err.record.line, Some(4));
        assert!(err.reason.contains("never closed") && err.reason.contains("the 2 lines after this row"), "{}", err.reason);
        // A field that legitimately spans lines, with its quotes closed, is kept.
        let ok = "id,title,description\n1,ML Engineer,\"line one\nline two\"\n";
        let items = decode_csv(ok.as_bytes(), "jobs.csv", &DecodeOptions::default()).collect::<Vec<_>>();
        assert_eq!(items[0].as_ref().unwrap().description.as_deref(), Some("line one\nline two"));
    }

    /// A title that is a number is a broken record, not the title "12345"; a board whose jobs are
    /// an object says so instead of "title is missing".
    #[test]
    fn titles_must_be_text_and_job_lists_lists() {
        let gh = r#"{"jobs": [{"id": 1, "title": 12345, "content": "PyTorch", "absolute_url": "https://x.example/1"}]}"#;
        let items = decode_document(gh, "board.json", Format::Greenhouse, &DecodeOptions::default());
        let err = JobPosting::from_raw(items[0].clone().unwrap(), now()).unwrap_err().to_string();
        assert!(err.ends_with("field `title`: expected text, found a number 12345"), "{err}");
        let jsonl = r#"{"id": 1, "title": 12345, "description": "PyTorch"}"#;
        let items = decode_jsonl(jsonl.as_bytes(), "jobs.jsonl", &DecodeOptions::default()).collect::<Vec<_>>();
        let err = JobPosting::from_raw(items[0].clone().unwrap(), now()).unwrap_err().to_string();
        assert!(err.contains("field `title` (column \"title\"): expected text, found a number 12345"), "{err}");
        let board = r#"{"jobs": {"id": 1, "title": "ML Engineer", "content": "PyTorch"}}"#;
        let items = decode_jsonl(board.as_bytes(), "board.jsonl", &DecodeOptions::default()).collect::<Vec<_>>();
        let reason = &items[0].as_ref().unwrap_err().reason;
        assert!(reason.starts_with("field `jobs`: expected an array of job objects, found an object"), "{reason}");
    }

    #[test]
    fn numbers_that_are_no_amount_are_refused() {
        for bad in ["Infinity", "NaN", "-inf", "1e300"] {
            assert!(value_number(&Value::String(bad.into())).is_err(), "{bad}");
        }
        assert!(value_number(&serde_json::json!(1e300)).unwrap_err().contains("1e300 is not a plausible amount"));
        assert_eq!(value_number(&Value::String("120,000".into())), Ok(Some(120_000.0)));
        assert_eq!(value_number(&serde_json::json!(-100)), Ok(Some(-100.0)), "negative amounts are dropped later, by enrichment, with a warning");
    }
}
