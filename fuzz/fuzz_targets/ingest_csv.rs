//! CSV with a column mapping: the first line of the input is a `--map` spec, the rest the file.
#![no_main]
mod common;
use libfuzzer_sys::fuzz_target;
use mljobs_core::ingest::{ColumnMap, DecodeOptions, decode_csv};

fuzz_target!(|data: &[u8]| {
    let (spec, file) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (&data[..0], data),
    };
    let mut options = DecodeOptions::default();
    if let Ok(map) = ColumnMap::parse(&String::from_utf8_lossy(spec)) {
        options.map = map;
    }
    common::ingest(decode_csv(file, "fuzz.csv", &options));
    common::ingest(decode_csv(file, "fuzz.tsv", &DecodeOptions::default()));
});
