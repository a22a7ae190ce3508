//! What a browser or an API client sends: search query strings, a page's URL state, estimate
//! bodies.
#![no_main]
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use mljobs_core::Taxonomy;

static TAXONOMY: LazyLock<Taxonomy> = LazyLock::new(Taxonomy::embedded);

fuzz_target!(|data: &[u8]| {
    mljobs_web::fuzzing::estimate_body(data);
    if let Ok(q) = std::str::from_utf8(data) {
        mljobs_web::fuzzing::search_query(q, &TAXONOMY);
        mljobs_web::fuzzing::url_state(q);
    }
});
