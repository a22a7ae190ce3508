//! JSON Lines, with the default mapping and with a `--map` from the first line.
#![no_main]
mod common;
use libfuzzer_sys::fuzz_target;
use mljobs_core::ingest::{ColumnMap, DecodeOptions, decode_jsonl};

fuzz_target!(|data: &[u8]| {
    common::ingest(decode_jsonl(data, "fuzz.jsonl", &DecodeOptions::default()));
    if let Some(i) = data.iter().position(|&b| b == b'\n')
        && let Ok(map) = ColumnMap::parse(&String::from_utf8_lossy(&data[..i]))
    {
        let options = DecodeOptions { map, ..DecodeOptions::default() };
        common::ingest(decode_jsonl(&data[i + 1..], "fuzz.jsonl", &options));
    }
});
