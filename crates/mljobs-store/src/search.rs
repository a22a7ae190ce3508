//! The search index: tantivy, derived from the SQLite store and rebuildable (`mljobs reindex`).
//!
//! One document per posting. The words of title (×3), company (×2) and description go into one
//! analysed `text` field — Xapian's within-document-frequency weighting: a title word counts three
//! times in BM25 — with positions (phrases, snippets) and without stored text (the store has it).
//! Facets are `STRING | FAST` fields so they can be filtered (term queries) and counted (terms
//! aggregation). Salary (annual USD min and max) and date are fast numeric fields for ranges and
//! sorting; the posting id is a fast column, so hits need no stored-document reads.
//! The index records in its commit payload the store revision it has caught up to, so a crash
//! between a store commit and an index commit is repaired by catching up on the next ingest; an
//! index written with another schema is rebuilt (it is derived data).

use std::collections::BTreeMap;
use std::ops::Bound;
use std::path::Path;

use chrono::NaiveDate;
use mljobs_core::{Enrichment, JobPosting};
use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{FAST, Field, INDEXED, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions};
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, TantivyDocument, Term};

use crate::query::{ANALYZER, Synonyms, TextQueryBuilder};

/// Facets a search can filter on and count, with their index field names.
/// `region` values are `CC-RR` (country and region code: `US-CA`), `city` values the city name.
pub const FACETS: [&str; 10] = ["role", "seniority", "skill", "industry", "country", "region", "city", "work_mode", "employment_type", "area"];

/// Sort orders.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// BM25 with the title weighted 3× and the company 2×.
    #[default]
    Relevance,
    /// Newest first.
    Date,
    /// Highest annual USD maximum first (postings without a salary last).
    Salary,
}

/// Which postings a search looks at by their lifecycle.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Still listed by their board and not past their closing date.
    #[default]
    Open,
    /// Closed postings only.
    Closed,
    /// Both.
    All,
}

impl Status {
    /// `open`, `closed` or `all`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Closed => "closed",
            Status::All => "all",
        }
    }
}

impl std::str::FromStr for Status {
    type Err = String;
    fn from_str(s: &str) -> Result<Status, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "open" | "" => Ok(Status::Open),
            "closed" => Ok(Status::Closed),
            "all" | "any" => Ok(Status::All),
            other => Err(format!("status {other:?}: expected open, closed or all")),
        }
    }
}

/// A search.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    /// Free text: words (all must match), "quoted phrases", -exclusions.
    pub q: String,
    /// Facet filters: facet name (one of [`FACETS`]) → accepted values (OR within a facet, AND across).
    pub filters: BTreeMap<String, Vec<String>>,
    /// Annual USD the posting's range must reach (its maximum, or minimum when no maximum): "can
    /// pay at least". Postings without a salary pass unless `require_salary`.
    pub salary_min: Option<f64>,
    /// Annual USD the posting's *minimum* must reach: "pays at least, guaranteed". Postings
    /// without a salary never pass (the benchmark kit's `salary_min_usd`).
    pub salary_floor: Option<f64>,
    /// Exclude postings without a salary (otherwise they pass `salary_min`).
    pub require_salary: bool,
    /// Posted on or after.
    pub posted_after: Option<NaiveDate>,
    /// Posted before (that day excluded).
    pub posted_before: Option<NaiveDate>,
    /// First seen by mljobs on or after.
    pub first_seen_after: Option<NaiveDate>,
    /// Open postings (the default), closed ones, or both.
    pub status: Status,
    /// Order.
    pub sort: Sort,
    /// Hits to skip.
    pub offset: usize,
    /// Hits to return.
    pub limit: usize,
    /// Show near-duplicate groups once (their canonical posting), with the group size.
    pub collapse: bool,
    /// Forgive typos (1 edit in words of ≥ 5 letters, 2 in words of ≥ 9).
    pub typos: bool,
    /// Count facet values for the current query.
    pub facets: bool,
    /// Which facets to count (each of [`FACETS`]); empty: all of them.
    pub facet_names: Vec<&'static str>,
}

/// One hit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// Posting id.
    pub id: String,
    /// Relevance score (0 for date/salary sorts and searches without words).
    pub score: f32,
    /// Other postings of its near-duplicate group (with `collapse`).
    pub similar: u64,
}

/// A highlighted extract of a posting's description.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Snippet {
    /// HTML-escaped extract with `<b>` around matched words.
    pub html: String,
    /// Plain extract with matched words in «».
    pub text: String,
}

/// Results of a search.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SearchResults {
    /// Exact number of matching postings (groups when collapsed).
    pub total: u64,
    /// The requested page.
    pub hits: Vec<Hit>,
    /// Facet → (value, count), most frequent first. A facet's counts ignore that facet's own
    /// selection (disjunctive), so the user can widen it.
    pub facets: BTreeMap<String, Vec<(String, u64)>>,
    /// True when the exact words found nothing and these are the results for close spellings
    /// (typo tolerance applies only then, like a "did you mean" that answers at once).
    pub typos_applied: bool,
}

/// Errors of the index.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// tantivy failed.
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// A request names an unknown facet.
    #[error("unknown filter {0:?}; filters are: role, seniority, skill, industry, country, region, city, work_mode, employment_type, area")]
    UnknownFacet(String),
    /// Reading the store failed.
    #[error(transparent)]
    Store(#[from] crate::StoreError),
    /// Another process holds the index's writer lock.
    #[error("the search index at {path} is being written by another mljobs process (an ingest or a reindex); wait for it to finish and try again")]
    Busy {
        /// Index directory.
        path: String,
    },
    /// The index cannot be read (files missing or damaged); it is derived data.
    #[error("the search index at {path} is damaged ({message}); `mljobs reindex` rebuilds it from the store")]
    Damaged {
        /// Index directory.
        path: String,
        /// What tantivy said.
        message: String,
    },
    /// Directory problems.
    #[error("search index directory {path}: {message}")]
    Dir {
        /// Directory.
        path: String,
        /// What is wrong.
        message: String,
    },
}

/// Boolean query clauses.
type Clauses = Vec<(Occur, Box<dyn Query>)>;

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    canonical: Field,
    duplicate: Field,
    text: Field,
    title: Field,
    role: Field,
    seniority: Field,
    skill: Field,
    industry: Field,
    country: Field,
    region: Field,
    city: Field,
    work_mode: Field,
    employment_type: Field,
    area: Field,
    company: Field,
    degree: Field,
    degree_named: Field,
    salary_min: Field,
    salary_max: Field,
    has_salary: Field,
    date: Field,
    first_seen: Field,
    closed: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(TextFieldIndexing::default().set_tokenizer(ANALYZER).set_index_option(IndexRecordOption::WithFreqsAndPositions));
    let f = Fields {
        id: b.add_text_field("id", STRING | FAST),
        canonical: b.add_text_field("canonical", STRING),
        duplicate: b.add_u64_field("duplicate", INDEXED),
        text: b.add_text_field("text", text),
        // The title once more, alone, for the title score (`query::TITLE_BOOST`); no positions.
        title: b.add_text_field(
            "title",
            TextOptions::default().set_indexing_options(TextFieldIndexing::default().set_tokenizer(ANALYZER).set_index_option(IndexRecordOption::WithFreqs)),
        ),
        role: b.add_text_field("role", STRING | FAST),
        seniority: b.add_text_field("seniority", STRING | FAST),
        skill: b.add_text_field("skill", STRING | FAST),
        industry: b.add_text_field("industry", STRING | FAST),
        country: b.add_text_field("country", STRING | FAST),
        region: b.add_text_field("region", STRING | FAST),
        city: b.add_text_field("city", STRING | FAST),
        work_mode: b.add_text_field("work_mode", STRING | FAST),
        employment_type: b.add_text_field("employment_type", STRING | FAST),
        area: b.add_text_field("area", STRING | FAST),
        company: b.add_text_field("company", STRING | FAST),
        degree: b.add_text_field("degree", STRING | FAST),
        degree_named: b.add_text_field("degree_named", STRING | FAST),
        salary_min: b.add_f64_field("salary_min", INDEXED | FAST),
        salary_max: b.add_f64_field("salary_max", INDEXED | FAST),
        has_salary: b.add_u64_field("has_salary", INDEXED),
        date: b.add_u64_field("date", INDEXED | FAST),
        first_seen: b.add_u64_field("first_seen", INDEXED | FAST),
        // Only closed postings carry the term (1), as only duplicates carry `duplicate`: the
        // default "open" search excludes a short posting list instead of intersecting a long one.
        closed: b.add_u64_field("closed", INDEXED),
    };
    (b.build(), f)
}

impl Fields {
    fn facet(&self, name: &str) -> Option<Field> {
        Some(match name {
            "role" => self.role,
            "seniority" => self.seniority,
            "skill" => self.skill,
            "industry" => self.industry,
            "country" => self.country,
            "region" => self.region,
            "city" => self.city,
            "work_mode" => self.work_mode,
            "employment_type" => self.employment_type,
            "area" => self.area,
            "company" => self.company,
            "degree" => self.degree,
            "degree_named" => self.degree_named,
            _ => return None,
        })
    }
}

/// The indexed region value: `CC-RR` (a region code alone is ambiguous across countries).
pub fn region_key(country: Option<&str>, region: Option<&str>) -> Option<String> {
    Some(format!("{}-{}", country?, region?))
}

/// Days since 1970-01-01, the date field's unit.
fn day_number(d: NaiveDate) -> u64 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date")).num_days().max(0) as u64
}

/// A posting as indexed: what search reads, borrowed from a posting and its enrichment
/// ([`IndexDoc::new`]) or from another source (the benchmark builds these from its corpus).
#[derive(Debug, Clone, Default)]
pub struct IndexDoc<'a> {
    /// Posting id.
    pub id: &'a str,
    /// Id of its near-duplicate group's canonical posting (itself when canonical).
    pub canonical_id: &'a str,
    /// Title (weighted 3×).
    pub title: &'a str,
    /// Company (weighted 2×).
    pub company: Option<&'a str>,
    /// Description text.
    pub description: &'a str,
    /// Role id.
    pub role: Option<&'a str>,
    /// Seniority id.
    pub seniority: Option<&'a str>,
    /// Skill ids.
    pub skills: Vec<&'a str>,
    /// Industry id.
    pub industry: Option<&'a str>,
    /// ISO country code.
    pub country: Option<&'a str>,
    /// Region as `CC-RR` (`US-CA`).
    pub region: Option<String>,
    /// City name.
    pub city: Option<&'a str>,
    /// `onsite`, `hybrid` or `remote`.
    pub work_mode: Option<&'a str>,
    /// Employment type (`FULL_TIME`, ...).
    pub employment_type: Option<&'a str>,
    /// Application / emerging area ids.
    pub areas: Vec<&'a str>,
    /// The lowest degree its degree requirement names (`bachelor`, `master`, `phd`): "MS or PhD"
    /// asks for a master's.
    pub degree: Option<&'a str>,
    /// Every degree it names.
    pub degrees_named: Vec<&'a str>,
    /// Annual USD minimum of the salary range.
    pub salary_min: Option<f64>,
    /// Annual USD maximum of the salary range.
    pub salary_max: Option<f64>,
    /// Date posted.
    pub date_posted: Option<NaiveDate>,
    /// When mljobs first saw it.
    pub first_seen: Option<NaiveDate>,
    /// Closed (gone from its board, or past its closing date).
    pub closed: bool,
}

impl<'a> IndexDoc<'a> {
    /// The document of a stored posting.
    pub fn new(p: &'a JobPosting, en: &'a Enrichment, canonical_id: &'a str) -> IndexDoc<'a> {
        let salary = en.salary.as_ref();
        let min = salary.and_then(|s| s.annual_usd_min.or(s.annual_usd_max));
        let max = salary.and_then(|s| s.annual_usd_max.or(s.annual_usd_min));
        IndexDoc {
            id: p.id.as_str(),
            canonical_id,
            title: &p.title,
            company: p.company.as_deref(),
            description: &p.description,
            role: Some(&en.role.id),
            seniority: en.seniority.as_ref().map(|s| s.id.as_str()),
            skills: en.asked_skills().map(|s| &*s.id).collect(),
            industry: en.industry.as_ref().map(|i| i.id.as_str()),
            country: en.location.country.as_deref(),
            region: region_key(en.location.country.as_deref(), en.location.region.as_deref()),
            city: en.location.city.as_deref(),
            work_mode: en.work_mode.map(|m| m.as_str()),
            employment_type: en.employment_type.as_deref(),
            areas: en.areas.iter().map(String::as_str).collect(),
            degree: en.education.degrees.first().map(String::as_str),
            degrees_named: en.education.degrees.iter().map(String::as_str).collect(),
            salary_min: min,
            salary_max: max,
            date_posted: p.date_posted,
            first_seen: None,
            closed: false,
        }
    }
}

/// The search index in a data directory.
pub struct SearchIndex {
    index: Index,
    /// Where it lives (`None` in memory), for messages.
    dir: Option<std::path::PathBuf>,
    reader: IndexReader,
    fields: Fields,
    fast: crate::fast::FastCache,
    fast_on: std::sync::atomic::AtomicBool,
    title_on: std::sync::atomic::AtomicBool,
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it when missing. An index written with another schema
    /// (an older mljobs) is deleted and recreated empty: it is derived data, and `sync` refills it
    /// from the store (its recorded revision starts again at 0).
    pub fn open(dir: &Path) -> Result<SearchIndex, SearchError> {
        Self::open_with(dir, ReloadPolicy::Manual)
    }

    /// Opens the index for a long-running reader (the server): searches see new commits (an
    /// ingest running in another process) shortly after they happen.
    pub fn open_following(dir: &Path) -> Result<SearchIndex, SearchError> {
        Self::open_with(dir, ReloadPolicy::OnCommitWithDelay)
    }

    /// Opens the index in `dir` for a process that writes it (ingest, reindex, serve's start-up
    /// catch-up): an index that cannot be read — a segment file deleted, `meta.json` emptied or
    /// cut short — is derived data, so it is deleted and recreated empty, and the returned note
    /// says why; the caller's `sync` then refills it from the store.
    pub fn open_repairing(dir: &Path) -> Result<(SearchIndex, Option<String>), SearchError> {
        match Self::open_with(dir, ReloadPolicy::Manual) {
            Ok(index) => Ok((index, None)),
            Err(SearchError::Damaged { message, .. }) => {
                let dir_err = |e: &dyn std::fmt::Display| SearchError::Dir { path: dir.display().to_string(), message: e.to_string() };
                std::fs::remove_dir_all(dir).map_err(|e| dir_err(&e))?;
                let index = Self::open_with(dir, ReloadPolicy::Manual)?;
                Ok((
                    index,
                    Some(format!("the search index at {} could not be read ({message}); it was recreated and is rebuilt from the store", dir.display())),
                ))
            }
            Err(e) => Err(e),
        }
    }

    fn open_with(dir: &Path, policy: ReloadPolicy) -> Result<SearchIndex, SearchError> {
        let dir_err = |e: &dyn std::fmt::Display| SearchError::Dir { path: dir.display().to_string(), message: e.to_string() };
        let damaged = |e: &dyn std::fmt::Display| SearchError::Damaged { path: dir.display().to_string(), message: e.to_string() };
        std::fs::create_dir_all(dir).map_err(|e| dir_err(&e))?;
        let (schema, fields) = schema();
        let mmap = tantivy::directory::MmapDirectory::open(dir).map_err(|e| dir_err(&e))?;
        let index = match Index::open_or_create(mmap, schema.clone()) {
            Ok(index) => index,
            Err(tantivy::TantivyError::SchemaError(_)) => {
                std::fs::remove_dir_all(dir).map_err(|e| dir_err(&e))?;
                std::fs::create_dir_all(dir).map_err(|e| dir_err(&e))?;
                let mmap = tantivy::directory::MmapDirectory::open(dir).map_err(|e| dir_err(&e))?;
                Index::create(mmap, schema, tantivy::IndexSettings::default())?
            }
            // An unreadable meta.json or a missing file: the index is damaged, not the disk.
            Err(e @ (tantivy::TantivyError::DataCorruption(_) | tantivy::TantivyError::OpenReadError(_) | tantivy::TantivyError::OpenDirectoryError(_))) => {
                return Err(damaged(&e));
            }
            Err(e) => return Err(e.into()),
        };
        // Opening the reader opens every segment's files: a missing one shows here.
        match Self::with_index(index, fields, policy) {
            Ok(mut i) => {
                i.dir = Some(dir.to_path_buf());
                Ok(i)
            }
            Err(SearchError::Tantivy(
                t @ (tantivy::TantivyError::DataCorruption(_) | tantivy::TantivyError::OpenReadError(_) | tantivy::TantivyError::IoError(_)),
            )) => Err(damaged(&t)),
            Err(other) => Err(other),
        }
    }

    /// An in-memory index for tests.
    pub fn in_memory() -> Result<SearchIndex, SearchError> {
        let (schema, fields) = schema();
        Self::with_index(Index::create_in_ram(schema), fields, ReloadPolicy::Manual)
    }

    fn with_index(index: Index, fields: Fields, policy: ReloadPolicy) -> Result<SearchIndex, SearchError> {
        index.tokenizers().register(ANALYZER, crate::query::analyzer());
        let reader = index.reader_builder().reload_policy(policy).try_into()?;
        Ok(SearchIndex {
            index,
            dir: None,
            reader,
            fields,
            fast: crate::fast::FastCache::default(),
            fast_on: std::sync::atomic::AtomicBool::new(true),
            title_on: std::sync::atomic::AtomicBool::new(true),
        })
    }

    /// The store revision the index has caught up to (0 for a new index).
    pub fn indexed_revision(&self) -> Result<i64, SearchError> {
        Ok(self.index.load_metas()?.payload.and_then(|p| p.parse().ok()).unwrap_or(0))
    }

    /// A writer: one indexing thread (ingest already keeps a core busy) with a 100 MB budget. It
    /// was 200 MB; the crawl benchmark (issue 15) measured 100 MB as fast at 100k postings (31.3 s
    /// vs 32.4 s: commits every 20k postings flush the segment before the budget fills anyway) and
    /// 110 MB less resident memory.
    pub fn writer(&self) -> Result<IndexWriter<TantivyDocument>, SearchError> {
        self.writer_with_threads(1)
    }

    /// A writer with `threads` indexing threads (100 MB of budget each).
    pub fn writer_with_threads(&self, threads: usize) -> Result<IndexWriter<TantivyDocument>, SearchError> {
        let threads = threads.max(1);
        self.index.writer_with_num_threads(threads, threads * 100_000_000).map_err(|e| match e {
            tantivy::TantivyError::LockFailure(..) => SearchError::Busy { path: self.dir.as_ref().map_or("(memory)".into(), |d| d.display().to_string()) },
            other => other.into(),
        })
    }

    /// Replaces the documents of these postings (by id) in `writer`.
    pub fn upsert(&self, writer: &mut IndexWriter<TantivyDocument>, docs: &[IndexDoc<'_>]) -> Result<(), SearchError> {
        for d in docs {
            writer.delete_term(Term::from_field_text(self.fields.id, d.id));
            self.add(writer, d)?;
        }
        Ok(())
    }

    /// Adds a document without deleting an older version (bulk loads into an empty index).
    pub fn add(&self, writer: &IndexWriter<TantivyDocument>, d: &IndexDoc<'_>) -> Result<(), SearchError> {
        let f = self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.id, d.id);
        doc.add_text(f.canonical, d.canonical_id);
        if d.canonical_id != d.id {
            doc.add_u64(f.duplicate, 1);
        }
        for _ in 0..3 {
            doc.add_text(f.text, d.title);
        }
        doc.add_text(f.title, d.title);
        if let Some(c) = d.company {
            doc.add_text(f.text, c);
            doc.add_text(f.text, c);
            if let Some(name) = mljobs_core::posting::company_name(c) {
                doc.add_text(f.company, &name);
            }
        }
        doc.add_text(f.text, d.description);
        let facets = [
            (f.role, d.role),
            (f.seniority, d.seniority),
            (f.industry, d.industry),
            (f.country, d.country),
            (f.region, d.region.as_deref()),
            (f.city, d.city),
            (f.work_mode, d.work_mode),
            (f.employment_type, d.employment_type),
        ];
        for (field, value) in facets {
            if let Some(v) = value {
                doc.add_text(field, v);
            }
        }
        for s in &d.skills {
            doc.add_text(f.skill, s);
        }
        for a in &d.areas {
            doc.add_text(f.area, a);
        }
        if let Some(degree) = d.degree {
            doc.add_text(f.degree, degree);
        }
        for degree in &d.degrees_named {
            doc.add_text(f.degree_named, degree);
        }
        doc.add_u64(f.has_salary, u64::from(d.salary_min.is_some() || d.salary_max.is_some()));
        // Without a salary: -1, below every filter, last in salary order.
        doc.add_f64(f.salary_min, d.salary_min.unwrap_or(-1.0));
        doc.add_f64(f.salary_max, d.salary_max.unwrap_or(-1.0));
        doc.add_u64(f.date, d.date_posted.map_or(0, day_number));
        doc.add_u64(f.first_seen, d.first_seen.map_or(0, day_number));
        if d.closed {
            doc.add_u64(f.closed, 1);
        }
        writer.add_document(doc)?;
        Ok(())
    }

    /// Commits `writer`, recording the store revision now indexed, and makes it searchable.
    pub fn commit(&self, writer: &mut IndexWriter<TantivyDocument>, revision: i64) -> Result<(), SearchError> {
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&revision.to_string());
        prepared.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    /// Deletes every document (before a rebuild).
    pub fn clear(&self, writer: &mut IndexWriter<TantivyDocument>) -> Result<(), SearchError> {
        writer.delete_all_documents()?;
        Ok(())
    }

    /// Number of documents.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Turns the fast path for frequent words and filters (`fast.rs`) on or off; results are the
    /// same either way (tested), so this exists for tests and measurements.
    #[doc(hidden)]
    pub fn set_fast_path(&self, on: bool) {
        self.fast_on.store(on, std::sync::atomic::Ordering::Relaxed);
    }

    /// Turns the title score (`query::TITLE_BOOST`) on or off. Off, and searched without synonyms,
    /// the ranking is plain BM25 over the text field (title ×3, company ×2, description): the
    /// baseline `mljobs-relevance` compares with.
    #[doc(hidden)]
    pub fn set_title_score(&self, on: bool) {
        self.title_on.store(on, std::sync::atomic::Ordering::Relaxed);
    }

    fn title_score(&self) -> bool {
        self.title_on.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The fast path's plan for a request, when it can run it.
    fn fast_plan(&self, req: &SearchRequest, synonyms: Option<&Synonyms>, typos: bool) -> Option<crate::fast::Plan> {
        use crate::fast::{Filter, Plan};
        if typos || !self.fast_on.load(std::sync::atomic::Ordering::Relaxed) {
            return None;
        }
        let mut analyzer = self.index.tokenizers().get(ANALYZER).unwrap_or_else(crate::query::analyzer);
        let f = self.fields;
        let mut plan = Plan::default();
        let text = |t: &str| Term::from_field_text(f.text, t);
        let clauses = crate::query::parse(&req.q, &mut analyzer, synonyms);
        for clause in &clauses {
            match clause {
                crate::query::Clause::Word { token, .. } => plan.words.push(text(token)),
                crate::query::Clause::Exclude(token) => plan.excluded_words.push(text(token)),
                crate::query::Clause::Concept { tokens, skill, name, .. } => plan.concepts.push(crate::fast::Concept {
                    words: tokens.iter().map(|t| text(t)).collect(),
                    name: name.iter().map(|t| text(t)).collect(),
                    tag: Term::from_field_text(f.skill, skill),
                    tag_score: crate::query::CONCEPT_TAG_SCORE,
                }),
                crate::query::Clause::Phrase(_) => return None,
            }
        }
        if self.title_score() {
            plan.title_groups = crate::query::title_groups(&clauses).iter().map(|g| g.iter().map(|t| Term::from_field_text(f.title, t)).collect()).collect();
            plan.title_boost = crate::query::TITLE_BOOST;
        }
        plan.words.sort();
        plan.words.dedup();
        for (facet, values) in &req.filters {
            let field = f.facet(facet)?;
            if !values.is_empty() {
                plan.filters.push(Filter::Any(values.iter().map(|v| Filter::Term(Term::from_field_text(field, v))).collect()));
            }
        }
        if let Some(floor) = req.salary_floor {
            plan.filters.push(Filter::AtLeastF64("salary_min", floor));
        }
        let has_salary = |v: u64| Filter::Term(Term::from_field_u64(f.has_salary, v));
        match (req.salary_min, req.require_salary) {
            (Some(min), true) => plan.filters.push(Filter::AtLeastF64("salary_max", min)),
            (Some(min), false) => plan.filters.push(Filter::Any(vec![Filter::AtLeastF64("salary_max", min), has_salary(0)])),
            (None, true) => plan.filters.push(has_salary(1)),
            (None, false) => {}
        }
        if let Some(after) = req.posted_after {
            plan.filters.push(Filter::AtLeastU64("date", day_number(after)));
        }
        if req.posted_before.is_some() {
            // A date range's upper end: the general path (rare: the market report's links).
            return None;
        }
        if let Some(after) = req.first_seen_after {
            plan.filters.push(Filter::AtLeastU64("first_seen", day_number(after)));
        }
        if req.collapse {
            plan.excluded.push(Filter::Term(Term::from_field_u64(f.duplicate, 1)));
        }
        match req.status {
            Status::Open => plan.excluded.push(Filter::Term(Term::from_field_u64(f.closed, 1))),
            Status::Closed => plan.filters.push(Filter::Term(Term::from_field_u64(f.closed, 1))),
            Status::All => {}
        }
        Some(plan)
    }

    /// Changes whenever the searchable index changes (a commit was loaded): caches of results
    /// key on it.
    pub fn generation(&self) -> u64 {
        self.reader.searcher().generation().generation_id()
    }

    /// Bytes the search's cache holds: (per segment and field: facet columns, orderings, range
    /// indexes — kept for the index generation; per word: bitsets and score columns — bounded,
    /// shed when full).
    pub fn cache_bytes(&self) -> (usize, usize) {
        self.fast.bytes()
    }

    /// Number of segments (a freshly merged index has few).
    pub fn segments(&self) -> usize {
        self.reader.searcher().segment_readers().len()
    }

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The text part of a request (see [`crate::query`]).
    fn text_query(&self, q: &str, typos: bool, synonyms: Option<&Synonyms>) -> Option<Box<dyn Query>> {
        // The registered analyser, cloned: its stop list is shared, not rebuilt per query.
        let analyzer = self.index.tokenizers().get(ANALYZER).unwrap_or_else(crate::query::analyzer);
        let searcher = self.reader.searcher();
        let known = |t: &Term| searcher.doc_freq(t).map_or(true, |n| n > 0);
        TextQueryBuilder {
            text: self.fields.text,
            title: self.title_score().then_some(self.fields.title),
            skill: self.fields.skill,
            analyzer,
            synonyms,
            typos,
            known: Some(&known),
        }
        .build(q)
    }

    /// Whether the query has a word of five or more letters that the index does not know (the
    /// only words close spellings are tried for).
    fn has_unknown_word(&self, q: &str, synonyms: Option<&Synonyms>) -> bool {
        let mut analyzer = self.index.tokenizers().get(ANALYZER).unwrap_or_else(crate::query::analyzer);
        let searcher = self.reader.searcher();
        let unknown = |token: &str, letters: usize| letters >= 5 && searcher.doc_freq(&Term::from_field_text(self.fields.text, token)).is_ok_and(|n| n == 0);
        crate::query::parse(q, &mut analyzer, synonyms).iter().any(|c| match c {
            crate::query::Clause::Word { token, letters } => unknown(token, *letters),
            crate::query::Clause::Concept { tokens, letters, .. } => tokens.len() == 1 && unknown(&tokens[0], *letters),
            _ => false,
        })
    }

    /// Filters as query clauses, leaving out the facet named `except` (for disjunctive counts).
    fn filter_clauses(&self, req: &SearchRequest, except: Option<&str>) -> Result<Clauses, SearchError> {
        let f = self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (facet, values) in &req.filters {
            let field = f.facet(facet).ok_or_else(|| SearchError::UnknownFacet(facet.clone()))?;
            if Some(facet.as_str()) == except || values.is_empty() {
                continue;
            }
            let any: Vec<(Occur, Box<dyn Query>)> = values
                .iter()
                .map(|v| (Occur::Should, Box::new(TermQuery::new(Term::from_field_text(field, v), IndexRecordOption::Basic)) as Box<dyn Query>))
                .collect();
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        if let Some(floor) = req.salary_floor {
            clauses.push((Occur::Must, Box::new(RangeQuery::new(Bound::Included(Term::from_field_f64(f.salary_min, floor)), Bound::Unbounded))));
        }
        if let Some(min) = req.salary_min {
            let reaches: Box<dyn Query> = Box::new(RangeQuery::new(Bound::Included(Term::from_field_f64(f.salary_max, min)), Bound::Unbounded));
            if req.require_salary {
                clauses.push((Occur::Must, reaches));
            } else {
                let no_salary: Box<dyn Query> = Box::new(TermQuery::new(Term::from_field_u64(f.has_salary, 0), IndexRecordOption::Basic));
                clauses.push((Occur::Must, Box::new(BooleanQuery::new(vec![(Occur::Should, reaches), (Occur::Should, no_salary)]))));
            }
        } else if req.require_salary {
            clauses.push((Occur::Must, Box::new(TermQuery::new(Term::from_field_u64(f.has_salary, 1), IndexRecordOption::Basic))));
        }
        if let Some(after) = req.posted_after {
            clauses.push((Occur::Must, Box::new(RangeQuery::new(Bound::Included(Term::from_field_u64(f.date, day_number(after))), Bound::Unbounded))));
        }
        if let Some(before) = req.posted_before {
            // Undated postings (day 0) are not "posted before" any day.
            clauses.push((
                Occur::Must,
                Box::new(RangeQuery::new(Bound::Included(Term::from_field_u64(f.date, 1)), Bound::Excluded(Term::from_field_u64(f.date, day_number(before))))),
            ));
        }
        if let Some(before) = req.posted_before {
            // Undated postings (day 0) are not "posted before" any day.
            clauses.push((
                Occur::Must,
                Box::new(RangeQuery::new(Bound::Included(Term::from_field_u64(f.date, 1)), Bound::Excluded(Term::from_field_u64(f.date, day_number(before))))),
            ));
        }
        if let Some(after) = req.first_seen_after {
            clauses.push((Occur::Must, Box::new(RangeQuery::new(Bound::Included(Term::from_field_u64(f.first_seen, day_number(after))), Bound::Unbounded))));
        }
        if req.collapse {
            clauses.push((Occur::MustNot, Box::new(TermQuery::new(Term::from_field_u64(f.duplicate, 1), IndexRecordOption::Basic))));
        }
        let closed = || Box::new(TermQuery::new(Term::from_field_u64(f.closed, 1), IndexRecordOption::Basic));
        match req.status {
            Status::Open => clauses.push((Occur::MustNot, closed())),
            Status::Closed => clauses.push((Occur::Must, closed())),
            Status::All => {}
        }
        Ok(clauses)
    }

    fn build_query(&self, text: &Option<Box<dyn Query>>, filters: Clauses) -> Box<dyn Query> {
        // Filters must not change scores: only the text clause scores.
        let mut clauses: Vec<(Occur, Box<dyn Query>)> =
            filters.into_iter().map(|(o, q)| (o, Box::new(ConstScoreQuery::new(q, 0.0)) as Box<dyn Query>)).collect();
        match text {
            Some(t) => clauses.push((Occur::Must, t.box_clone())),
            None if clauses.is_empty() => return Box::new(AllQuery),
            None => clauses.push((Occur::Must, Box::new(AllQuery))),
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// The postings to rank for a candidate: open, canonical postings (no duplicates) scored by
    /// the summed weights of the skills and roles they are tagged with (`(id, weight)`), the best
    /// `limit` first. No skills and no roles: none.
    pub fn candidates(&self, skills: &[(String, f32)], roles: &[(String, f32)], limit: usize) -> Result<Vec<(String, f32)>, SearchError> {
        let f = &self.fields;
        let tag = |field: Field, v: &str, w: f32| -> (Occur, Box<dyn Query>) {
            let term: Box<dyn Query> = Box::new(TermQuery::new(Term::from_field_text(field, v), IndexRecordOption::Basic));
            (Occur::Should, Box::new(tantivy::query::BoostQuery::new(Box::new(ConstScoreQuery::new(term, 1.0)), w)))
        };
        let wanted: Vec<(Occur, Box<dyn Query>)> =
            skills.iter().map(|(s, w)| tag(f.skill, s, *w)).chain(roles.iter().map(|(r, w)| tag(f.role, r, *w))).collect();
        if wanted.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let not =
            |field: Field| -> (Occur, Box<dyn Query>) { (Occur::MustNot, Box::new(TermQuery::new(Term::from_field_u64(field, 1), IndexRecordOption::Basic))) };
        let query = BooleanQuery::new(vec![(Occur::Must, Box::new(BooleanQuery::new(wanted)) as Box<dyn Query>), not(f.closed), not(f.duplicate)]);
        let searcher = self.reader.searcher();
        let top = searcher.search(&query, &TopDocs::with_limit(limit).order_by_score())?;
        let mut ids = IdColumns::default();
        top.into_iter().map(|(score, address)| Ok((ids.id(&searcher, address)?, score))).collect()
    }

    /// How many open postings ask for each skill, and how many open postings there are: the
    /// document frequencies behind matching's skill weights.
    pub fn skill_frequencies(&self) -> Result<(Vec<(String, u64)>, u64), SearchError> {
        let open = BooleanQuery::new(vec![
            (Occur::Must, Box::new(AllQuery) as Box<dyn Query>),
            (Occur::MustNot, Box::new(TermQuery::new(Term::from_field_u64(self.fields.closed, 1), IndexRecordOption::Basic))),
        ]);
        let total = open.count(&self.reader.searcher())? as u64;
        let counts = self.count_many(&open, &["skill"])?.into_iter().next().map(|(_, v)| v).unwrap_or_default();
        Ok((counts, total))
    }

    /// Co-occurrence in a search (issue 17): the postings of `req` (`n`), the values of `facet`
    /// over them (`all`), the postings that also have `value` (`n_with`) and the values of `facet`
    /// over those (`with`). Counts are not disjunctive: the value's own filter applies.
    pub fn co_occurrence(&self, req: &SearchRequest, facet: &'static str, value: &str, synonyms: Option<&Synonyms>) -> Result<CoOccurrence, SearchError> {
        let field = self.fields.facet(facet).ok_or_else(|| SearchError::UnknownFacet(facet.to_string()))?;
        let text = self.text_query(&req.q, req.typos, synonyms);
        let base = self.build_query(&text, self.filter_clauses(req, None)?);
        let mut with_clauses = self.filter_clauses(req, None)?;
        with_clauses.push((Occur::Must, Box::new(TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic))));
        let with_value = self.build_query(&text, with_clauses);
        let searcher = self.reader.searcher();
        Ok(CoOccurrence {
            n: base.count(&searcher)? as u64,
            all: self.count_values(&*base, facet)?,
            n_with: with_value.count(&searcher)? as u64,
            with: self.count_values(&*with_value, facet)?,
        })
    }

    /// Runs a search. `synonyms` (from the taxonomy; optional) makes skill names and aliases
    /// interchangeable and matches the skill tags.
    pub fn search(&self, req: &SearchRequest, synonyms: Option<&Synonyms>) -> Result<SearchResults, SearchError> {
        // Exact words first; close spellings only when they find nothing. Expanding every long
        // word to its Levenshtein neighbours on every search cost more than the search itself,
        // and exact matches are what a user who spelled right wants.
        let exact = self.search_once(req, synonyms, false)?;
        if !req.typos || exact.total > 0 || req.q.trim().is_empty() || !self.has_unknown_word(&req.q, synonyms) {
            return Ok(exact);
        }
        let mut fuzzy = self.search_once(req, synonyms, true)?;
        fuzzy.typos_applied = fuzzy.total > 0;
        Ok(if fuzzy.total > 0 { fuzzy } else { exact })
    }

    fn search_once(&self, req: &SearchRequest, synonyms: Option<&Synonyms>, typos: bool) -> Result<SearchResults, SearchError> {
        let searcher = self.reader.searcher();
        let limit = req.limit.max(1);
        let plan = match self.fast_plan(req, synonyms, typos) {
            Some(plan) if crate::fast::applies(&searcher, &plan)? => Some(plan),
            _ => None,
        };
        let fast = match &plan {
            Some(plan) => {
                let by = match req.sort {
                    Sort::Relevance => crate::fast::By::Score,
                    Sort::Date => crate::fast::By::DescU64("date"),
                    Sort::Salary => crate::fast::By::DescF64("salary_max"),
                };
                let (mut docs, total) = crate::fast::run(&searcher, &self.fast, plan, by, req.offset + limit)?;
                Some((docs.drain(req.offset.min(docs.len())..).collect(), total))
            }
            None => None,
        };
        // The tantivy query is built only when the general path runs (facets too follow the fast
        // path when the search does).
        let on_fast_path = fast.is_some();
        let text = if on_fast_path { None } else { self.text_query(&req.q, typos, synonyms) };
        let (addresses, total): (Vec<(f32, DocAddress)>, usize) = if let Some(found) = fast {
            found
        } else {
            let query = self.build_query(&text, self.filter_clauses(req, None)?);
            let top = TopDocs::with_limit(limit).and_offset(req.offset);
            let (addresses, total) = match req.sort {
                Sort::Relevance => searcher.search(&*query, &(top.order_by_score(), Count))?,
                Sort::Date => {
                    let (docs, n) = searcher.search(&*query, &(top.order_by_fast_field::<u64>("date", Order::Desc), Count))?;
                    (docs.into_iter().map(|(_, a)| (0.0, a)).collect(), n)
                }
                Sort::Salary => {
                    let (docs, n) = searcher.search(&*query, &(top.order_by_fast_field::<f64>("salary_max", Order::Desc), Count))?;
                    (docs.into_iter().map(|(_, a)| (0.0, a)).collect(), n)
                }
            };
            // Without words there is nothing to rank by: every hit scores 0 (as on the fast path).
            (if text.is_none() { addresses.into_iter().map(|(_, a)| (0.0, a)).collect() } else { addresses }, total)
        };
        let mut hits = Vec::with_capacity(addresses.len());
        let mut ids = IdColumns::default();
        for (score, address) in addresses {
            let id = ids.id(&searcher, address)?;
            let similar = if req.collapse {
                let members = TermQuery::new(Term::from_field_text(self.fields.canonical, &id), IndexRecordOption::Basic);
                (members.count(&searcher)? as u64).saturating_sub(1)
            } else {
                0
            };
            hits.push(Hit { id, score, similar });
        }
        let mut facets = BTreeMap::new();
        if req.facets {
            // Disjunctive: a facet's own selection is left out of its counts. The facets without a
            // selection all count over the same query: one pass over the matches for all of them
            // (ten passes cost 45 ms on a broad query at 100k postings).
            let wanted = FACETS.iter().filter(|f| req.facet_names.is_empty() || req.facet_names.contains(f));
            let (selected, plain): (Vec<&'static str>, Vec<&'static str>) = wanted.partition(|f| req.filters.get(**f).is_some_and(|v| !v.is_empty()));
            // On the fast path, over the same match bitsets (a selected facet's: the plan of the
            // request without that filter); else with a collector over the tantivy query.
            // The general way needs the text query, which the fast path did not build: built on
            // first need (the fast path can be switched off while a search runs).
            let general_text = std::cell::OnceCell::new();
            if !on_fast_path {
                let _ = general_text.set(text);
            }
            let text = || general_text.get_or_init(|| self.text_query(&req.q, typos, synonyms));
            let fast_counts = |r: &SearchRequest, fields: &[&'static str]| -> Result<Option<Vec<(String, ValueCounts)>>, SearchError> {
                let Some(plan) = plan.as_ref().and_then(|_| self.fast_plan(r, synonyms, typos)) else {
                    return Ok(None);
                };
                let counts = crate::fast::count_facets(&searcher, &self.fast, &plan, fields)?;
                Ok(Some(fields.iter().zip(counts).map(|(f, c)| (f.to_string(), value_counts(c))).collect()))
            };
            if !plain.is_empty() {
                let counts = match fast_counts(req, &plain)? {
                    Some(c) => c,
                    None => self.count_many(&*self.build_query(text(), self.filter_clauses(req, None)?), &plain)?,
                };
                facets.extend(counts);
            }
            for facet in selected {
                let mut without = req.clone();
                without.filters.remove(facet);
                let counts = match fast_counts(&without, &[facet])? {
                    Some(mut c) => c.pop().map(|(_, v)| v).unwrap_or_default(),
                    None => self.count_values(&*self.build_query(text(), self.filter_clauses(req, Some(facet))?), facet)?,
                };
                facets.insert(facet.to_string(), counts);
            }
        }
        Ok(SearchResults { total: total as u64, hits, facets, typos_applied: false })
    }

    /// Highlighted snippets of `texts` (posting descriptions, read from the store) for the request's
    /// words and phrases: up to ~200 characters around the best matches. `html` is escaped text
    /// with `<b>` around matches (safe to insert in a page); `text` marks them with «».
    pub fn snippets(&self, req: &SearchRequest, synonyms: Option<&Synonyms>, texts: &[&str]) -> Result<Vec<Snippet>, SearchError> {
        let Some(query) = self.text_query(&req.q, false, synonyms) else {
            return Ok(texts.iter().map(|_| Snippet::default()).collect());
        };
        let searcher = self.reader.searcher();
        let mut generator = tantivy::snippet::SnippetGenerator::create(&searcher, &*query, self.fields.text)?;
        generator.set_max_num_chars(200);
        Ok(texts
            .iter()
            .map(|t| {
                let sn = generator.snippet(t);
                let fragment = sn.fragment();
                let mut text = String::with_capacity(fragment.len() + 8);
                let mut at = 0;
                for r in sn.highlighted() {
                    if r.start < at {
                        continue;
                    }
                    text.push_str(&fragment[at..r.start]);
                    text.push('«');
                    text.push_str(&fragment[r.clone()]);
                    text.push('»');
                    at = r.end;
                }
                text.push_str(&fragment[at..]);
                Snippet { html: sn.to_html(), text }
            })
            .collect())
    }

    /// Counts by every facet, as [`crate::Store::stats`] computes them, from the index's fast
    /// columns: terms aggregations over every document (milliseconds at 100k postings, where the
    /// store's `GROUP BY`s read every row's JSON — seconds). The index's view: what was committed.
    pub fn stats(&self, top_skills: usize) -> Result<crate::Stats, SearchError> {
        let searcher = self.reader.searcher();
        let postings = searcher.num_docs();
        let count_term = |term: Term| TermQuery::new(term, IndexRecordOption::Basic).count(&searcher).map(|n| n as u64);
        let duplicates = count_term(Term::from_field_u64(self.fields.duplicate, 1))?;
        let with_salary = count_term(Term::from_field_u64(self.fields.has_salary, 1))?;
        // Every facet in one pass over the postings.
        let mut counts: BTreeMap<String, Vec<(String, u64)>> =
            self.count_many(&AllQuery, &["role", "seniority", "industry", "country", "work_mode", "skill", "area"])?.into_iter().collect();
        let mut take = |facet: &str| counts.remove(facet).unwrap_or_default();
        // One value per posting: the postings without one are `unknown`, as the store's COALESCE.
        let single = |values: Vec<(String, u64)>| -> BTreeMap<String, u64> {
            let mut out: BTreeMap<String, u64> = values.into_iter().collect();
            let unknown = postings.saturating_sub(out.values().sum());
            if unknown > 0 {
                out.insert("unknown".into(), unknown);
            }
            out
        };
        let mut by_skill = take("skill");
        by_skill.truncate(top_skills);
        Ok(crate::Stats {
            postings,
            canonical_postings: postings - duplicates,
            with_salary,
            by_role: single(take("role")),
            by_seniority: single(take("seniority")),
            by_skill,
            by_industry: single(take("industry")),
            by_country: single(take("country")),
            by_work_mode: single(take("work_mode")),
            by_area: take("area").into_iter().collect(),
        })
    }

    /// Demand over time, as [`crate::Store::skill_years`] computes it, from the index: canonical
    /// postings with a date, per year and per skill and year (one terms aggregation with a range
    /// sub-aggregation of years).
    pub fn skill_years(&self) -> Result<crate::SkillYears, SearchError> {
        use chrono::Datelike;
        use tantivy::aggregation::agg_req::Aggregations;
        use tantivy::aggregation::{AggContextParams, AggregationCollector, AggregationLimitsGuard};
        let last = chrono::Utc::now().year() + 1;
        let ranges: Vec<serde_json::Value> = (1995..=last)
            .map(|y| {
                let from = day_number(NaiveDate::from_ymd_opt(y, 1, 1).expect("valid date"));
                let to = day_number(NaiveDate::from_ymd_opt(y + 1, 1, 1).expect("valid date"));
                serde_json::json!({"key": y.to_string(), "from": from as f64, "to": to as f64})
            })
            .collect();
        let years = serde_json::json!({"range": {"field": "date", "ranges": ranges}});
        let req: Aggregations = serde_json::from_value(serde_json::json!({
            "years": years,
            "skills": {"terms": {"field": "skill", "size": 10_000}, "aggs": {"years": years}},
        }))
        .expect("static aggregation request");
        let query = BooleanQuery::new(vec![
            (Occur::Must, Box::new(RangeQuery::new(Bound::Included(Term::from_field_u64(self.fields.date, 1)), Bound::Unbounded)) as Box<dyn Query>),
            (Occur::MustNot, Box::new(TermQuery::new(Term::from_field_u64(self.fields.duplicate, 1), IndexRecordOption::Basic))),
        ]);
        let collector = AggregationCollector::from_aggs(req, AggContextParams::new(AggregationLimitsGuard::default(), self.index.tokenizers().clone()));
        let json = serde_json::to_value(self.reader.searcher().search(&query, &collector)?).unwrap_or_default();
        let year_counts = |v: &serde_json::Value| -> BTreeMap<String, u64> {
            let buckets: Vec<&serde_json::Value> = match &v["buckets"] {
                serde_json::Value::Array(a) => a.iter().collect(),
                serde_json::Value::Object(o) => o.values().collect(),
                _ => Vec::new(),
            };
            buckets.into_iter().filter_map(|b| Some((b["key"].as_str()?.to_string(), b["doc_count"].as_u64()?))).filter(|(_, n)| *n > 0).collect()
        };
        let mut out = crate::SkillYears { postings: year_counts(&json["years"]), ..Default::default() };
        for b in json["skills"]["buckets"].as_array().into_iter().flatten() {
            if let Some(skill) = b["key"].as_str() {
                let years = year_counts(&b["years"]);
                if !years.is_empty() {
                    out.by_skill.insert(skill.to_string(), years);
                }
            }
        }
        Ok(out)
    }

    /// Postings of a search per period, in all and per value of the facet `by` (issue 17): each
    /// posting in the period of its date posted, else of the day it was first seen
    /// ([`mljobs_core::trends`]). The search's words and filters apply (its paging and sorting do
    /// not); `periods` are `(start, end)` days, end excluded, oldest first. Values are those with
    /// at least one posting in the periods, most postings first. Periods follow each other (each
    /// ends where the next starts), as [`mljobs_core::trends::periods`] makes them.
    pub fn trends(&self, req: &SearchRequest, by: &str, periods: &[(NaiveDate, NaiveDate)], synonyms: Option<&Synonyms>) -> Result<Trend, SearchError> {
        self.trends_of(req, by, periods, synonyms, false)
    }

    /// [`SearchIndex::trends`] with the stated pay of the postings (annual USD, the midpoint of
    /// the range) per period, in all and per value ([`Trend::pay_all`], [`Trend::pay`]).
    pub fn trends_with_pay(
        &self,
        req: &SearchRequest,
        by: &str,
        periods: &[(NaiveDate, NaiveDate)],
        synonyms: Option<&Synonyms>,
    ) -> Result<Trend, SearchError> {
        self.trends_of(req, by, periods, synonyms, true)
    }

    fn trends_of(
        &self,
        req: &SearchRequest,
        by: &str,
        periods: &[(NaiveDate, NaiveDate)],
        synonyms: Option<&Synonyms>,
        pay: bool,
    ) -> Result<Trend, SearchError> {
        let Some(field) = mljobs_core::taxonomy::FILTERS.iter().copied().find(|f| *f == by) else {
            return Err(SearchError::UnknownFacet(by.to_string()));
        };
        // Contiguous periods: their starts and the last end.
        let mut bounds: Vec<u64> = periods.iter().map(|(from, _)| day_number(*from)).collect();
        bounds.extend(periods.last().map(|(_, to)| day_number(*to)));
        let text = self.text_query(&req.q, req.typos, synonyms);
        let query = self.build_query(&text, self.filter_clauses(req, None)?);
        let searcher = self.reader.searcher();
        let generation = searcher.generation().generation_id();
        let f = searcher.search(&*query, &crate::facets::PeriodCounts { field, bounds: &bounds, cache: &self.fast, generation, pay })?;
        let mut series: Vec<(String, Vec<u64>)> = f.values.into_iter().filter(|(_, c)| c.iter().any(|&n| n > 0)).collect();
        series.sort_by(|a, b| b.1.iter().sum::<u64>().cmp(&a.1.iter().sum::<u64>()).then_with(|| a.0.cmp(&b.0)));
        Ok(Trend { totals: f.totals, series, pay_all: f.pay_all, pay: f.pay.into_iter().collect() })
    }

    /// Value counts of several facets over one query, in one pass ([`crate::facets`]); each as
    /// [`SearchIndex::count_values`] returns it.
    fn count_many(&self, query: &dyn Query, facets: &[&'static str]) -> Result<Vec<(String, ValueCounts)>, SearchError> {
        let searcher = self.reader.searcher();
        let generation = searcher.generation().generation_id();
        let counts = searcher.search(query, &crate::facets::FacetCounts { fields: facets, cache: &self.fast, generation })?;
        Ok(facets.iter().zip(counts).map(|(f, c)| (f.to_string(), value_counts(c))).collect())
    }

    /// Value counts of a facet over a query, most frequent first (ties by value).
    fn count_values(&self, query: &dyn Query, facet: &'static str) -> Result<Vec<(String, u64)>, SearchError> {
        Ok(self.count_many(query, &[facet])?.pop().map(|(_, v)| v).unwrap_or_default())
    }
}

/// Counts of a facet's values in a search and in its postings that have one value
/// ([`SearchIndex::co_occurrence`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CoOccurrence {
    /// Postings of the search.
    pub n: u64,
    /// Each value's postings in the search, most first.
    pub all: Vec<(String, u64)>,
    /// Postings of the search with the value.
    pub n_with: u64,
    /// Each value's postings among those, most first.
    pub with: Vec<(String, u64)>,
}

/// Postings per period of a search, in all and per value of a facet ([`SearchIndex::trends`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Trend {
    /// All postings of the search, per period.
    pub totals: Vec<u64>,
    /// Each value with its postings per period, most postings first.
    pub series: Vec<(String, Vec<u64>)>,
    /// With pay ([`SearchIndex::trends_with_pay`]): the stated annual USD pays of each period.
    pub pay_all: Vec<Vec<f32>>,
    /// With pay: each value's stated pays per period.
    pub pay: BTreeMap<String, Vec<Vec<f32>>>,
}

/// A facet's values with their counts, most frequent first.
type ValueCounts = Vec<(String, u64)>;

/// The most values of one facet counted.
const FACET_VALUES: usize = 1000;

/// Counts as a facet's answer: most frequent first (ties by value), at most [`FACET_VALUES`].
fn value_counts(counts: std::collections::HashMap<String, u64>) -> ValueCounts {
    let mut values: ValueCounts = counts.into_iter().collect();
    values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    values.truncate(FACET_VALUES);
    values
}

/// Posting ids of search results from the `id` fast column, one column per segment read once.
#[derive(Default)]
struct IdColumns(BTreeMap<u32, tantivy::columnar::StrColumn>);

impl IdColumns {
    fn id(&mut self, searcher: &tantivy::Searcher, address: DocAddress) -> Result<String, SearchError> {
        let column = match self.0.entry(address.segment_ord) {
            std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::btree_map::Entry::Vacant(v) => {
                let c = searcher.segment_reader(address.segment_ord).fast_fields().str("id")?;
                v.insert(c.ok_or_else(|| tantivy::TantivyError::SchemaError("id is not a fast field".into()))?)
            }
        };
        let mut id = String::new();
        if let Some(ord) = column.term_ords(address.doc_id).next() {
            column.ord_to_str(ord, &mut id).map_err(tantivy::TantivyError::from)?;
        }
        Ok(id)
    }
}

/// An open index writer that follows the store: `catch_up` adds every posting changed since the
/// last one it saw, `commit` makes them durable and searchable (recording the revision reached).
/// Ingest keeps one open for the whole run and commits every [`IndexSync::COMMIT_EVERY`] postings
/// and at the end: tantivy commits are costly (segments, merges), so one per store batch of 500
/// made a 100k ingest 8x slower.
pub struct IndexSync<'a> {
    index: &'a SearchIndex,
    writer: IndexWriter<TantivyDocument>,
    revision: i64,
    pending: u64,
}

impl<'a> IndexSync<'a> {
    /// Postings indexed between commits during a long ingest.
    pub const COMMIT_EVERY: u64 = 20_000;

    /// Opens a writer positioned at the index's committed revision.
    pub fn new(index: &'a SearchIndex) -> Result<IndexSync<'a>, SearchError> {
        Ok(IndexSync { index, writer: index.writer()?, revision: index.indexed_revision()?, pending: 0 })
    }

    /// Indexes every posting changed in the store since the last call; returns how many.
    pub fn catch_up(&mut self, store: &crate::Store) -> Result<u64, SearchError> {
        let mut n = 0u64;
        let mut error = None;
        let (index, writer) = (self.index, &mut self.writer);
        let mut revision = self.revision;
        store.for_each_changed_since(self.revision, 2_000, |chunk| {
            let entries: Vec<IndexDoc<'_>> = chunk
                .iter()
                .map(|c| IndexDoc { first_seen: c.first_seen, closed: c.closed, ..IndexDoc::new(&c.posting, &c.enrichment, &c.canonical_id) })
                .collect();
            if let Err(e) = index.upsert(writer, &entries) {
                error = Some(e);
            }
            revision = chunk.last().map_or(revision, |c| c.rev);
            n += chunk.len() as u64;
            Ok(())
        })?;
        if let Some(e) = error {
            return Err(e);
        }
        self.revision = revision;
        self.pending += n;
        Ok(n)
    }

    /// Commits when enough postings are pending.
    pub fn maybe_commit(&mut self) -> Result<(), SearchError> {
        if self.pending >= Self::COMMIT_EVERY { self.commit() } else { Ok(()) }
    }

    /// Commits what is pending (a no-op when nothing is).
    pub fn commit(&mut self) -> Result<(), SearchError> {
        if self.pending > 0 || self.index.indexed_revision()? < self.revision {
            self.index.commit(&mut self.writer, self.revision)?;
            self.pending = 0;
        }
        Ok(())
    }
}

/// Brings the index up to date with the store in one commit. Returns how many were indexed.
pub fn sync(store: &crate::Store, index: &SearchIndex) -> Result<u64, SearchError> {
    if index.indexed_revision()? >= store.revision()? {
        return Ok(0);
    }
    let mut s = IndexSync::new(index)?;
    let n = s.catch_up(store)?;
    s.commit()?;
    Ok(n)
}

/// Rebuilds the index from the store (`mljobs reindex`) in one commit: every document is
/// deleted and every posting added in one writer session, so searchers see the old index until
/// the commit and the new one after it — never an empty or half-built one — and a rebuild killed
/// part-way leaves the old index as it was (its uncommitted segments are cleaned up by the next
/// writer).
pub fn rebuild(store: &crate::Store, index: &SearchIndex) -> Result<u64, SearchError> {
    let mut s = IndexSync::new(index)?;
    index.clear(&mut s.writer)?;
    s.revision = 0;
    let n = s.catch_up(store)?;
    // Commit even when the store is empty: the deletion must land.
    index.commit(&mut s.writer, s.revision)?;
    Ok(n)
}
