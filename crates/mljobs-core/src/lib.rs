//! mljobs-core: the domain of mljobs and its pure logic.
//!
//! What it is: posting types ([`RawPosting`] → [`JobPosting`]), the [`Taxonomy`] (roles, seniority,
//! skills, industries, areas, places, FX) loaded from data, enrichment ([`enrich()`]) and the
//! decoders that turn source records (CSV rows, JSON Lines, JSON-LD, ATS board JSON) into
//! [`RawPosting`]s.
//!
//! What it is not: it opens no files, reads no environment, looks at no clock, talks to no network
//! or database and starts no runtime. Everything it needs (taxonomy text, "now", readers) is passed
//! in; its errors are about bad input only.

pub mod dedupe;
pub mod enrich;
pub mod export;
pub mod ingest;
pub mod matching;
pub mod posting;
pub mod profile;
pub mod salary_model;
pub mod sources;
pub mod survey;
pub mod taxonomy;
pub mod text;
pub mod trends;

pub use enrich::{Enrichment, enrich};
pub use posting::{JobPosting, PostingError, PostingId, Provenance, RawPosting, RecordRef};
pub use taxonomy::{Taxonomy, TaxonomyError};
