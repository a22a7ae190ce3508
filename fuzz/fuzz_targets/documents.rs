//! Whole documents: format detection, schema.org JSON-LD in HTML, and the Greenhouse, Lever and
//! Ashby board shapes.
#![no_main]
mod common;
use libfuzzer_sys::fuzz_target;
use mljobs_core::ingest::{DecodeOptions, Format, decode_document, detect_format};

fuzz_target!(|data: &[u8]| {
    for name in ["board.json", "page.html", "jobs", "x.jsonl"] {
        let _ = detect_format(name, data);
    }
    let Ok(text) = std::str::from_utf8(data) else { return };
    let options = DecodeOptions::default();
    for format in [Format::Jsonld, Format::Greenhouse, Format::Lever, Format::Ashby, Format::Workable] {
        common::ingest(decode_document(text, "fuzz.json", format, &options));
    }
});
