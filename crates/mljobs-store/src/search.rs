//! The search index: tantivy, derived from the SQLite store and rebuildable (`mljobs reindex`).
//!
//! One document per posting. Text fields (title, company, description) use tantivy's English
//! stemming analyser and are not stored (the store has the text; snippets are cut from it).
//! Facets are `STRING | FAST` fields so they can be filtered (term queries) and counted (terms
//! aggregation). Salary (annual USD) and date are fast numeric fields for ranges and sorting.
//! The index records in its commit payload the store revision it has caught up to, so a crash
//! between a store commit and an index commit is repaired by catching up on the next ingest.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::path::Path;

use chrono::NaiveDate;
use mljobs_core::{Enrichment, JobPosting, Taxonomy};
use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery};
use tantivy::schema::{FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value};
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, TantivyDocument, Term};

/// Facets a search can filter on and count, with their index field names.
pub const FACETS: [&str; 8] = ["role", "seniority", "skill", "industry", "country", "work_mode", "employment_type", "area"];

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

/// A search.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    /// Free text: words (all must match), "quoted phrases", -exclusions.
    pub q: String,
    /// Facet filters: facet name (one of [`FACETS`]) → accepted values (OR within a facet, AND across).
    pub filters: BTreeMap<String, Vec<String>>,
    /// Annual USD the posting's range must reach (its maximum, or minimum when no maximum).
    pub salary_min: Option<f64>,
    /// Exclude postings without a salary (otherwise they pass salary filters).
    pub require_salary: bool,
    /// Posted on or after.
    pub posted_after: Option<NaiveDate>,
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
}

/// One hit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// Posting id.
    pub id: String,
    /// Relevance score (0 for date/salary sorts).
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
}

/// Errors of the index.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// tantivy failed.
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// A request names an unknown facet.
    #[error("unknown filter {0:?}; filters are: role, seniority, skill, industry, country, work_mode, employment_type, area")]
    UnknownFacet(String),
    /// Reading the store failed.
    #[error(transparent)]
    Store(#[from] crate::StoreError),
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
    is_canonical: Field,
    title: Field,
    company: Field,
    description: Field,
    role: Field,
    seniority: Field,
    skill: Field,
    industry: Field,
    country: Field,
    work_mode: Field,
    employment_type: Field,
    area: Field,
    salary: Field,
    has_salary: Field,
    date: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(TextFieldIndexing::default().set_tokenizer("en_stem").set_index_option(IndexRecordOption::WithFreqsAndPositions));
    let f = Fields {
        id: b.add_text_field("id", STRING | STORED),
        canonical: b.add_text_field("canonical", STRING | FAST),
        is_canonical: b.add_u64_field("is_canonical", INDEXED),
        title: b.add_text_field("title", text.clone()),
        company: b.add_text_field("company", text.clone()),
        description: b.add_text_field("description", text),
        role: b.add_text_field("role", STRING | FAST),
        seniority: b.add_text_field("seniority", STRING | FAST),
        skill: b.add_text_field("skill", STRING | FAST),
        industry: b.add_text_field("industry", STRING | FAST),
        country: b.add_text_field("country", STRING | FAST),
        work_mode: b.add_text_field("work_mode", STRING | FAST),
        employment_type: b.add_text_field("employment_type", STRING | FAST),
        area: b.add_text_field("area", STRING | FAST),
        salary: b.add_f64_field("salary", INDEXED | FAST),
        has_salary: b.add_u64_field("has_salary", INDEXED),
        date: b.add_u64_field("date", INDEXED | FAST),
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
            "work_mode" => self.work_mode,
            "employment_type" => self.employment_type,
            "area" => self.area,
            _ => return None,
        })
    }
}

/// Days since 1970-01-01, the date field's unit.
fn day_number(d: NaiveDate) -> u64 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date")).num_days().max(0) as u64
}

/// A posting as indexed.
pub struct IndexEntry<'a> {
    /// The posting.
    pub posting: &'a JobPosting,
    /// Its enrichment.
    pub enrichment: &'a Enrichment,
    /// Its near-duplicate group's canonical id.
    pub canonical_id: &'a str,
}

/// The search index in a data directory.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it when missing.
    pub fn open(dir: &Path) -> Result<SearchIndex, SearchError> {
        std::fs::create_dir_all(dir).map_err(|e| SearchError::Dir { path: dir.display().to_string(), message: e.to_string() })?;
        let (schema, fields) = schema();
        let mmap = tantivy::directory::MmapDirectory::open(dir).map_err(|e| SearchError::Dir { path: dir.display().to_string(), message: e.to_string() })?;
        let index = Index::open_or_create(mmap, schema)?;
        Self::with_index(index, fields)
    }

    /// An in-memory index for tests.
    pub fn in_memory() -> Result<SearchIndex, SearchError> {
        let (schema, fields) = schema();
        Self::with_index(Index::create_in_ram(schema), fields)
    }

    fn with_index(index: Index, fields: Fields) -> Result<SearchIndex, SearchError> {
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok(SearchIndex { index, reader, fields })
    }

    /// The store revision the index has caught up to (0 for a new index).
    pub fn indexed_revision(&self) -> Result<i64, SearchError> {
        Ok(self.index.load_metas()?.payload.and_then(|p| p.parse().ok()).unwrap_or(0))
    }

    /// A writer: one indexing thread (ingest already keeps a core busy) with a 200 MB budget, so a
    /// large ingest makes few, large segments.
    pub fn writer(&self) -> Result<IndexWriter<TantivyDocument>, SearchError> {
        Ok(self.index.writer_with_num_threads(1, 200_000_000)?)
    }

    /// Replaces the documents of these postings (by id) in `writer`.
    pub fn upsert(&self, writer: &mut IndexWriter<TantivyDocument>, entries: &[IndexEntry<'_>]) -> Result<(), SearchError> {
        let f = self.fields;
        for e in entries {
            let p = e.posting;
            let en = e.enrichment;
            writer.delete_term(Term::from_field_text(f.id, p.id.as_str()));
            let mut doc = TantivyDocument::default();
            doc.add_text(f.id, p.id.as_str());
            doc.add_text(f.canonical, e.canonical_id);
            doc.add_u64(f.is_canonical, u64::from(e.canonical_id == p.id.as_str()));
            doc.add_text(f.title, &p.title);
            if let Some(c) = &p.company {
                doc.add_text(f.company, c);
            }
            doc.add_text(f.description, &p.description);
            doc.add_text(f.role, &en.role.id);
            if let Some(s) = &en.seniority {
                doc.add_text(f.seniority, &s.id);
            }
            for s in &en.skills {
                doc.add_text(f.skill, &*s.id);
            }
            if let Some(i) = &en.industry {
                doc.add_text(f.industry, &i.id);
            }
            if let Some(c) = &en.location.country {
                doc.add_text(f.country, c);
            }
            if let Some(m) = en.work_mode {
                doc.add_text(f.work_mode, m.as_str());
            }
            if let Some(t) = &en.employment_type {
                doc.add_text(f.employment_type, t);
            }
            for a in &en.areas {
                doc.add_text(f.area, a);
            }
            let salary = en.salary.as_ref().and_then(|s| s.annual_usd_max.or(s.annual_usd_min));
            doc.add_u64(f.has_salary, u64::from(salary.is_some()));
            doc.add_f64(f.salary, salary.unwrap_or(-1.0));
            doc.add_u64(f.date, p.date_posted.map_or(0, day_number));
            writer.add_document(doc)?;
        }
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

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn analyze(&self, field: Field, text: &str) -> Result<Vec<String>, SearchError> {
        let mut analyzer = self.index.tokenizer_for_field(field)?;
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        Ok(out)
    }

    /// The text part of a request: every word must match in title, company or description (or be
    /// the name/alias of a skill the posting is tagged with); phrases must match in one field;
    /// `-word` excludes.
    fn text_query(&self, q: &str, typos: bool, taxonomy: Option<&Taxonomy>) -> Result<Option<Box<dyn Query>>, SearchError> {
        let f = self.fields;
        let weighted = [(f.title, 3.0f32), (f.company, 2.0), (f.description, 1.0)];
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for part in split_query(q) {
            match part {
                QueryPart::Phrase(p) => {
                    let mut per_field: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                    for (field, boost) in weighted {
                        let terms: Vec<Term> = self.analyze(field, &p)?.iter().map(|t| Term::from_field_text(field, t)).collect();
                        let q: Box<dyn Query> = match terms.len() {
                            0 => continue,
                            1 => Box::new(TermQuery::new(terms.into_iter().next().expect("one term"), IndexRecordOption::WithFreqs)),
                            _ => Box::new(PhraseQuery::new(terms)),
                        };
                        per_field.push((Occur::Should, Box::new(BoostQuery::new(q, boost))));
                    }
                    if !per_field.is_empty() {
                        clauses.push((Occur::Must, Box::new(BooleanQuery::new(per_field))));
                    }
                }
                QueryPart::Exclude(w) => {
                    for (field, _) in weighted {
                        for t in self.analyze(field, &w)? {
                            clauses.push((Occur::MustNot, Box::new(TermQuery::new(Term::from_field_text(field, &t), IndexRecordOption::Basic))));
                        }
                    }
                }
                QueryPart::Word(w) => {
                    let mut per_field: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                    let letters = w.chars().filter(|c| c.is_alphanumeric()).count();
                    for (field, boost) in weighted {
                        for t in self.analyze(field, &w)? {
                            let term = Term::from_field_text(field, &t);
                            per_field
                                .push((Occur::Should, Box::new(BoostQuery::new(Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs)), boost))));
                            if typos && letters >= 5 {
                                let distance = if letters >= 9 { 2 } else { 1 };
                                if let Some(fuzzy) = crate::fuzzy::FirstLetterFuzzyQuery::new(field, &t, distance) {
                                    per_field.push((Occur::Should, Box::new(BoostQuery::new(Box::new(fuzzy), boost * 0.5))));
                                }
                            }
                        }
                    }
                    // Taxonomy aliases: "sklearn" finds postings tagged scikit-learn.
                    if let Some(skill) = taxonomy.and_then(|t| skill_for_word(t, &w)) {
                        per_field.push((
                            Occur::Should,
                            Box::new(BoostQuery::new(Box::new(TermQuery::new(Term::from_field_text(f.skill, &skill), IndexRecordOption::Basic)), 2.0)),
                        ));
                    }
                    if !per_field.is_empty() {
                        clauses.push((Occur::Must, Box::new(BooleanQuery::new(per_field))));
                    }
                }
            }
        }
        if clauses.is_empty() {
            return Ok(None);
        }
        if clauses.iter().all(|(o, _)| *o == Occur::MustNot) {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        Ok(Some(Box::new(BooleanQuery::new(clauses))))
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
        if let Some(min) = req.salary_min {
            let reaches: Box<dyn Query> = Box::new(RangeQuery::new(Bound::Included(Term::from_field_f64(f.salary, min)), Bound::Unbounded));
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
        if req.collapse {
            clauses.push((Occur::Must, Box::new(TermQuery::new(Term::from_field_u64(f.is_canonical, 1), IndexRecordOption::Basic))));
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

    /// Runs a search. `taxonomy` (optional) turns skill names and aliases into skill-tag matches.
    pub fn search(&self, req: &SearchRequest, taxonomy: Option<&Taxonomy>) -> Result<SearchResults, SearchError> {
        let searcher = self.reader.searcher();
        let text = self.text_query(&req.q, req.typos, taxonomy)?;
        let query = self.build_query(&text, self.filter_clauses(req, None)?);
        let limit = req.limit.max(1);
        let top = TopDocs::with_limit(limit).and_offset(req.offset);
        let (addresses, total): (Vec<(f32, DocAddress)>, usize) = match req.sort {
            Sort::Relevance => searcher.search(&*query, &(top.order_by_score(), Count))?,
            Sort::Date => {
                let (docs, n) = searcher.search(&*query, &(top.order_by_fast_field::<u64>("date", Order::Desc), Count))?;
                (docs.into_iter().map(|(_, a)| (0.0, a)).collect(), n)
            }
            Sort::Salary => {
                let (docs, n) = searcher.search(&*query, &(top.order_by_fast_field::<f64>("salary", Order::Desc), Count))?;
                (docs.into_iter().map(|(_, a)| (0.0, a)).collect(), n)
            }
        };
        let mut hits = Vec::with_capacity(addresses.len());
        for (score, address) in addresses {
            let doc: TantivyDocument = searcher.doc(address)?;
            let id = doc.get_first(self.fields.id).and_then(|v| v.as_str()).unwrap_or_default().to_string();
            let similar = if req.collapse {
                let members = TermQuery::new(Term::from_field_text(self.fields.canonical, &id), IndexRecordOption::Basic);
                (searcher.search(&members, &Count)? as u64).saturating_sub(1)
            } else {
                0
            };
            hits.push(Hit { id, score, similar });
        }
        let mut facets = BTreeMap::new();
        if req.facets {
            for facet in FACETS {
                let q = if req.filters.get(facet).is_some_and(|v| !v.is_empty()) {
                    self.build_query(&text, self.filter_clauses(req, Some(facet))?)
                } else {
                    query.box_clone()
                };
                facets.insert(facet.to_string(), self.count_values(&*q, facet)?);
            }
        }
        Ok(SearchResults { total: total as u64, hits, facets })
    }

    /// Highlighted snippets of `texts` (posting descriptions, read from the store) for the request's
    /// words and phrases: up to ~200 characters around the best matches. `html` is escaped text
    /// with `<b>` around matches (safe to insert in a page); `text` marks them with «».
    pub fn snippets(&self, req: &SearchRequest, taxonomy: Option<&Taxonomy>, texts: &[&str]) -> Result<Vec<Snippet>, SearchError> {
        let Some(query) = self.text_query(&req.q, false, taxonomy)? else {
            return Ok(texts.iter().map(|_| Snippet::default()).collect());
        };
        let searcher = self.reader.searcher();
        let mut generator = tantivy::snippet::SnippetGenerator::create(&searcher, &*query, self.fields.description)?;
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

    fn count_values(&self, query: &dyn Query, facet: &str) -> Result<Vec<(String, u64)>, SearchError> {
        use tantivy::aggregation::agg_req::Aggregations;
        use tantivy::aggregation::{AggContextParams, AggregationCollector, AggregationLimitsGuard};
        let req: Aggregations =
            serde_json::from_value(serde_json::json!({"v": {"terms": {"field": facet, "size": 1000}}})).expect("static aggregation request");
        let collector = AggregationCollector::from_aggs(req, AggContextParams::new(AggregationLimitsGuard::default(), self.index.tokenizers().clone()));
        let result = self.reader.searcher().search(query, &collector)?;
        let json = serde_json::to_value(&result).unwrap_or_default();
        let mut out: Vec<(String, u64)> = json["v"]["buckets"]
            .as_array()
            .map(|b| b.iter().filter_map(|x| Some((x["key"].as_str()?.to_string(), x["doc_count"].as_u64()?))).collect())
            .unwrap_or_default();
        out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Ok(out)
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
            let entries: Vec<IndexEntry<'_>> = chunk.iter().map(|(p, e, c, _)| IndexEntry { posting: p, enrichment: e, canonical_id: c }).collect();
            if let Err(e) = index.upsert(writer, &entries) {
                error = Some(e);
            }
            revision = chunk.last().map_or(revision, |c| c.3);
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

/// Rebuilds the index from the store (`mljobs reindex`).
pub fn rebuild(store: &crate::Store, index: &SearchIndex) -> Result<u64, SearchError> {
    let mut writer = index.writer()?;
    index.clear(&mut writer)?;
    index.commit(&mut writer, 0)?;
    drop(writer);
    sync(store, index)
}

/// A skill id whose name or alias is this word (lower case, whole), if any.
fn skill_for_word(taxonomy: &Taxonomy, word: &str) -> Option<String> {
    let w = word.to_lowercase();
    taxonomy.skills.iter().find(|s| s.name.to_lowercase() == w || s.aliases.iter().any(|a| a.to_lowercase() == w)).map(|s| s.id.to_string())
}

#[derive(Debug, PartialEq)]
enum QueryPart {
    Word(String),
    Phrase(String),
    Exclude(String),
}

/// Splits user input into words, "phrases" and -exclusions; an unclosed quote runs to the end.
fn split_query(q: &str) -> Vec<QueryPart> {
    let mut out = Vec::new();
    let mut rest = q.trim();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('"') {
            let end = r.find('"').unwrap_or(r.len());
            let phrase = r[..end].trim();
            if !phrase.is_empty() {
                out.push(QueryPart::Phrase(phrase.to_string()));
            }
            rest = r.get(end + 1..).unwrap_or("").trim_start();
            continue;
        }
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let token = &rest[..end];
        match token.strip_prefix('-') {
            Some(x) if !x.is_empty() => out.push(QueryPart::Exclude(x.to_string())),
            _ => out.push(QueryPart::Word(token.to_string())),
        }
        rest = rest[end..].trim_start();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_syntax() {
        assert_eq!(
            split_query(r#"ml "computer vision" -intern pytorch "unclosed"#),
            [
                QueryPart::Word("ml".into()),
                QueryPart::Phrase("computer vision".into()),
                QueryPart::Exclude("intern".into()),
                QueryPart::Word("pytorch".into()),
                QueryPart::Phrase("unclosed".into())
            ]
        );
        assert_eq!(split_query("   "), []);
    }
}
