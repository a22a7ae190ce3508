//! Reading files into postings: open, detect the format, decode (streaming where the format
//! allows), validate. Shared by `ingest` and `enrich`.

use std::fs::File;
use std::io::{BufReader, IsTerminal, Read};
use std::path::Path;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use mljobs_core::ingest::{self, DecodeOptions, Format, Item, Rejection};
use mljobs_core::{JobPosting, RawPosting};

/// What a record became.
pub enum Record {
    /// A valid posting.
    Posting(Box<JobPosting>),
    /// A rejected record.
    Rejected(Rejection),
}

fn progress(len: u64, label: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() || len < 1 << 20 {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new(len);
    pb.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    pb.set_message(label.to_string());
    pb
}

/// Decodes one file and hands every record, validated, to `sink`. `now` stamps provenance.
pub fn read_file(
    path: &Path,
    format: Format,
    options: &DecodeOptions,
    now: chrono::DateTime<chrono::Utc>,
    mut sink: impl FnMut(Record) -> Result<()>,
) -> Result<()> {
    let name = path.display().to_string();
    let is_stdin = name == "-";
    let mut head = Vec::new();
    let (reader, len): (Box<dyn Read>, u64) = if is_stdin {
        (Box::new(std::io::stdin().lock()), 0)
    } else {
        let file = File::open(path).with_context(|| format!("cannot open {name}"))?;
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        file.take(4096).read_to_end(&mut head).with_context(|| format!("cannot read {name}"))?;
        (Box::new(File::open(path).with_context(|| format!("cannot open {name}"))?), len)
    };
    // Standard input cannot be sniffed without consuming it: JSON Lines unless --format says otherwise.
    let format = match format {
        Format::Auto if is_stdin => Format::Jsonl,
        Format::Auto => ingest::detect_format(&name, &head),
        other => other,
    };
    let format = if format == Format::Auto { Format::Jsonl } else { format };
    let pb = progress(len, &name);
    let reader = pb.wrap_read(reader);
    let mut emit = |item: Item| -> Result<()> {
        match item {
            Ok(raw) => sink(validate(raw, now)),
            Err(r) => sink(Record::Rejected(r)),
        }
    };
    match format {
        Format::Csv => {
            for item in ingest::decode_csv(reader, &name, options) {
                emit(item)?;
            }
        }
        Format::Jsonl | Format::Auto => {
            for item in ingest::decode_jsonl(BufReader::with_capacity(1 << 16, reader), &name, options) {
                emit(item)?;
            }
        }
        _ => {
            let mut bytes = Vec::new();
            BufReader::new(reader).read_to_end(&mut bytes).with_context(|| format!("cannot read {name}"))?;
            let text = match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
            };
            for item in ingest::decode_document(&text, &name, format, options) {
                emit(item)?;
            }
        }
    }
    pb.finish_and_clear();
    Ok(())
}

pub(crate) fn validate(raw: RawPosting, now: chrono::DateTime<chrono::Utc>) -> Record {
    let record = raw.record.clone();
    match JobPosting::from_raw(raw, now) {
        Ok(p) => Record::Posting(Box::new(p)),
        Err(e) => {
            let full = e.to_string();
            let prefix = format!("{record}: ");
            let reason = full.strip_prefix(&prefix).unwrap_or(&full).to_string();
            Record::Rejected(Rejection { record, reason })
        }
    }
}
