//! mljobs-crawl: fetching public job boards. [`fetch`] is a polite HTTP client (per-host limits,
//! retries with backoff, conditional requests, size and time caps); [`connectors`] turns a
//! [`mljobs_core::sources::SourceSpec`] into the system's public endpoint and its answer into raw
//! postings through the same decoders as files. `mljobs-core` stays free of I/O: everything that
//! touches the network is here.

pub mod connectors;
pub mod fetch;
pub mod sitemap;

pub use connectors::{Bases, BoardFetch, fetch_board};
pub use fetch::{FetchConfig, FetchError, FetchErrorKind, Fetched, Fetcher, Validators};
