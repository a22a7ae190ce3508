//! Text repair and reading: HTML to text, mojibake repair, NFKC, field cleaning, dates.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mljobs_core::text;

fuzz_target!(|s: &str| {
    let plain = text::html_to_text(s);
    let _ = text::html_to_text(&plain);
    let repaired = text::repair_mojibake(s);
    let _ = text::nfkc(&repaired);
    let _ = text::clean_field(s);
    let _ = text::looks_like_html(s);
    let _ = mljobs_core::posting::parse_date(s);
});
