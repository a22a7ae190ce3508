//! The fast path for the searches that dominate job-board traffic: words that are all frequent
//! ("machine learning engineer", "data scientist"), facet filters, and browsing by filters alone —
//! with exact totals. Those match half the index; tantivy's general path walks and scores every
//! match through its posting iterators (~20 ms at 1M postings). Here, per segment and per index
//! generation, each frequent word is kept as a bitset plus its BM25 contribution per document
//! (computed once with the same `Bm25Weight` the general path uses, so scores are identical), and
//! each filter term as a bitset. A search is then word-wise AND/OR/AND-NOT over bitsets, a
//! popcount for the exact total, and one pass over the matches adding up to three floats each for
//! the top k (or a walk down a date/salary ordering of the segment's documents).
//!
//! Anything else — a rare word (its posting list is short, the general path is already fast),
//! phrases, synonyms, typos, an index with no fast-path data — goes the general way, and the tests
//! check that both ways give the same totals and scores.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};
use std::sync::{Arc, Mutex};

use tantivy::fieldnorm::FieldNormReader;
use tantivy::query::Bm25Weight;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, Searcher, SegmentReader, TERMINATED, Term};

/// A word is "frequent" when it occurs in at least 1/`DENSE_DIVISOR` of a segment's documents.
const DENSE_DIVISOR: u32 = 64;
/// Memory the per-word entries (bitsets, score columns) may take before they are shed; entries
/// per segment and field ([`Key::pinned`]) are not counted. At 1M postings the words a site's
/// traffic asks for fill it; 384 MB served the load mix no faster than 256 (docs/benchmarks.md).
const CACHE_BYTES: usize = 256 << 20;

/// Filters as set algebra over the documents of a segment.
#[derive(Debug, Clone)]
pub(crate) enum Filter {
    /// Documents with this (non-text) term.
    Term(Term),
    /// Documents in any.
    Any(Vec<Filter>),
    /// Documents whose f64 fast field is ≥ the bound.
    AtLeastF64(&'static str, f64),
    /// Documents whose u64 fast field is ≥ the bound.
    AtLeastU64(&'static str, u64),
}

/// Words naming a skill: a document matches with all the typed words, all the words of the
/// skill's name, or the skill tag, and scores the BM25 of each group it has in full plus
/// `tag_score` when it has the tag.
#[derive(Debug, Clone)]
pub(crate) struct Concept {
    pub words: Vec<Term>,
    pub name: Vec<Term>,
    pub tag: Term,
    pub tag_score: f32,
}

/// What the fast path runs: required words and concepts, excluded words, required and excluded
/// filters; title groups only score (`title_boost` × their title-field BM25 where the title has
/// every term of a group, as `query::TextQueryBuilder::build`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Plan {
    pub words: Vec<Term>,
    pub concepts: Vec<Concept>,
    pub title_groups: Vec<Vec<Term>>,
    pub title_boost: f32,
    pub excluded_words: Vec<Term>,
    pub filters: Vec<Filter>,
    pub excluded: Vec<Filter>,
}

/// Order of the hits.
#[derive(Debug, Clone, Copy)]
pub(crate) enum By {
    Score,
    /// A u64 fast field, highest first.
    DescU64(&'static str),
    /// An f64 fast field, highest first.
    DescF64(&'static str),
}

#[derive(Hash, PartialEq, Eq, Clone)]
enum Key {
    Bits(u32, Term),
    Scores(u32, Term),
    Range(u32, &'static str),
    Order(u32, &'static str),
    Facet(u32, &'static str),
}

impl Key {
    /// Whether the entry is one per segment and field (orderings, range indexes, facet columns:
    /// bounded by the schema, and costly to rebuild), kept when the cache overflows; words'
    /// bitsets and score columns, one per word asked for, are what it sheds.
    fn pinned(&self) -> bool {
        matches!(self, Key::Range(..) | Key::Order(..) | Key::Facet(..))
    }
}

/// A cached value: a bitset (`Vec<u64>`), a [`Scores`] column or an ordering (`Vec<DocId>`).
type Entry = Arc<dyn std::any::Any + Send + Sync>;

/// A word's BM25 contribution for each document that has it, in document order, with a rank
/// directory: the score of document `d` is `scores[prefix[d / 64] + popcount(bits[d / 64] below d)]`.
/// Compact (4 bytes per posting, not per document), so many words fit in the cache.
pub(crate) struct Scores {
    bits: Vec<u64>,
    prefix: Vec<u32>,
    scores: Vec<f32>,
}

impl Scores {
    #[inline]
    fn get(&self, d: DocId) -> f32 {
        let w = (d / 64) as usize;
        let below = self.bits[w] & ((1u64 << (d % 64)) - 1);
        self.scores[self.prefix[w] as usize + below.count_ones() as usize]
    }
}

/// Per-generation cache of bitsets, score columns and orderings.
#[derive(Default)]
pub(crate) struct FastCache {
    inner: Mutex<CacheInner>,
}

#[derive(Default)]
struct CacheInner {
    generation: u64,
    /// Bytes of the entries that are not [`Key::pinned`].
    bytes: usize,
    /// Bytes of those that are.
    pinned_bytes: usize,
    map: HashMap<Key, Entry>,
}

impl FastCache {
    /// The cached value for `key` in this generation, made (and counted as `bytes`) when missing.
    fn get_or<T: Send + Sync + 'static>(&self, generation: u64, key: Key, make: impl FnOnce() -> tantivy::Result<(T, usize)>) -> tantivy::Result<Arc<T>> {
        {
            let mut inner = self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if inner.generation != generation {
                inner.map.clear();
                inner.bytes = 0;
                inner.pinned_bytes = 0;
                inner.generation = generation;
            }
            if let Some(e) = inner.map.get(&key)
                && let Ok(v) = e.clone().downcast::<T>()
            {
                return Ok(v);
            }
        }
        let (value, bytes) = make()?;
        let value = Arc::new(value);
        let mut inner = self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if inner.generation == generation {
            // Two searches built the same entry at once: keep the first.
            if let Some(e) = inner.map.get(&key)
                && let Ok(v) = e.clone().downcast::<T>()
            {
                return Ok(v);
            }
            if !key.pinned() {
                if inner.bytes + bytes > CACHE_BYTES {
                    inner.map.retain(|k, _| k.pinned());
                    inner.bytes = 0;
                }
                inner.bytes += bytes;
            } else {
                inner.pinned_bytes += bytes;
            }
            inner.map.insert(key, value.clone());
        }
        Ok(value)
    }

    /// Bytes held: (per segment and field — kept while the generation lasts, per word — shed
    /// when over [`CACHE_BYTES`]).
    pub(crate) fn bytes(&self) -> (usize, usize) {
        let inner = self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        (inner.pinned_bytes, inner.bytes)
    }

    fn bits(&self, generation: u64, ord: u32, reader: &SegmentReader, term: &Term) -> tantivy::Result<Arc<Vec<u64>>> {
        self.get_or(generation, Key::Bits(ord, term.clone()), || {
            term_bits(reader, term).map(|b| {
                let n = b.len() * 8;
                (b, n)
            })
        })
    }

    /// A term's score column; its BM25 weight (index-wide statistics, fixed for a generation) is
    /// computed only when the column is built.
    fn scores(&self, generation: u64, ord: u32, searcher: &Searcher, term: &Term) -> tantivy::Result<Arc<Scores>> {
        let reader = searcher.segment_reader(ord);
        self.get_or(generation, Key::Scores(ord, term.clone()), || {
            let weight = Bm25Weight::for_terms(searcher, std::slice::from_ref(term))?;
            let s = term_scores(reader, term, &weight)?;
            let n = s.scores.len() * 4 + s.prefix.len() * 4 + s.bits.len() * 8;
            Ok((s, n))
        })
    }

    /// Documents whose fast field is at least `min`, from the field's [`RangeIndex`] (bounds are
    /// anything a user types: a bitset per bound filled the cache at 1M postings).
    fn range(&self, generation: u64, ord: u32, reader: &SegmentReader, field: &'static str, min: Bound) -> tantivy::Result<Arc<Vec<u64>>> {
        let index = self.get_or(generation, Key::Range(ord, field), || {
            let index = RangeIndex::of(reader, field, min)?;
            let n = index.bytes();
            Ok((index, n))
        })?;
        Ok(Arc::new(index.at_least(min.key(), reader.max_doc())))
    }

    /// A facet's values per document as flat arrays ([`crate::facets::FlatColumn`]).
    pub(crate) fn facet(
        &self,
        generation: u64,
        ord: u32,
        reader: &SegmentReader,
        field: &'static str,
    ) -> tantivy::Result<Arc<Option<crate::facets::FlatColumn>>> {
        self.get_or(generation, Key::Facet(ord, field), || {
            let column = crate::facets::FlatColumn::of(reader, field)?;
            let n = column.as_ref().map_or(0, crate::facets::FlatColumn::bytes);
            Ok((column, n))
        })
    }

    fn order(&self, generation: u64, ord: u32, reader: &SegmentReader, by: By) -> tantivy::Result<Arc<Vec<DocId>>> {
        let field = match by {
            By::DescU64(f) | By::DescF64(f) => f,
            By::Score => unreachable!("no ordering for scores"),
        };
        self.get_or(generation, Key::Order(ord, field), || {
            doc_order(reader, by).map(|o| {
                let n = o.len() * 4;
                (o, n)
            })
        })
    }
}

#[derive(Clone, Copy)]
enum Bound {
    F64(f64),
    U64(u64),
}

impl Bound {
    /// The value as a u64 in the same order (f64: sign flipped, negatives' bits inverted).
    fn key(self) -> u64 {
        match self {
            Bound::U64(v) => v,
            Bound::F64(v) => {
                let b = v.to_bits();
                if b >> 63 == 1 { !b } else { b | 1 << 63 }
            }
        }
    }
}

/// A segment's documents ordered by a numeric fast field, with the set of documents from every
/// [`RangeIndex::STEP`]-th position on as a bitset: the documents at or above a bound are the
/// bitset of the first such position at or past the bound, plus the fewer than `STEP` documents
/// before it — a copy and a few thousand bit sets, whatever the bound (about 14 bytes a document).
pub(crate) struct RangeIndex {
    /// Value keys ([`Bound::key`]), ascending.
    keys: Vec<u64>,
    /// The documents in that order (ties by document).
    docs: Vec<DocId>,
    /// The documents of `docs[i * step..]` for each i.
    suffixes: Vec<Vec<u64>>,
    step: usize,
}

impl RangeIndex {
    const STEP: usize = 4096;

    /// The field's index; `like` says whether it is an f64 or a u64 field. A document without a
    /// value has none in the index (search.rs gives every document one).
    fn of(reader: &SegmentReader, field: &str, like: Bound) -> tantivy::Result<RangeIndex> {
        let max_doc = reader.max_doc();
        let pairs: Vec<(u64, DocId)> = match like {
            Bound::F64(_) => {
                let col = reader.fast_fields().f64(field)?;
                (0..max_doc).filter_map(|d| col.first(d).map(|v| (Bound::F64(v).key(), d))).collect()
            }
            Bound::U64(_) => {
                let col = reader.fast_fields().u64(field)?;
                (0..max_doc).filter_map(|d| col.first(d).map(|v| (v, d))).collect()
            }
        };
        Ok(Self::from_pairs(pairs, max_doc, Self::STEP))
    }

    /// The index of (value key, document) pairs, a bitset every `step` positions.
    fn from_pairs(mut pairs: Vec<(u64, DocId)>, max_doc: u32, step: usize) -> RangeIndex {
        pairs.sort_unstable();
        let (keys, docs): (Vec<u64>, Vec<DocId>) = pairs.into_iter().unzip();
        let mut suffixes = vec![Vec::new(); docs.len().div_ceil(step)];
        let mut bits = vec![0u64; words_for(max_doc)];
        for (i, &d) in docs.iter().enumerate().rev() {
            bits[(d / 64) as usize] |= 1 << (d % 64);
            if i % step == 0 {
                suffixes[i / step] = bits.clone();
            }
        }
        RangeIndex { keys, docs, suffixes, step }
    }

    fn bytes(&self) -> usize {
        self.keys.len() * 8 + self.docs.len() * 4 + self.suffixes.iter().map(|s| s.len() * 8).sum::<usize>()
    }

    /// The documents whose value key is at least `key`, as a bitset.
    fn at_least(&self, key: u64, max_doc: u32) -> Vec<u64> {
        let from = self.keys.partition_point(|&k| k < key);
        let next = from.div_ceil(self.step);
        let (mut bits, to) = match self.suffixes.get(next) {
            Some(b) => (b.clone(), next * self.step),
            None => (vec![0u64; words_for(max_doc)], self.docs.len()),
        };
        for &d in &self.docs[from..to] {
            bits[(d / 64) as usize] |= 1 << (d % 64);
        }
        bits
    }
}

fn words_for(max_doc: u32) -> usize {
    (max_doc as usize).div_ceil(64)
}

/// The documents of a term as a bitset.
fn term_bits(reader: &SegmentReader, term: &Term) -> tantivy::Result<Vec<u64>> {
    let mut bits = vec![0u64; words_for(reader.max_doc())];
    let inverted = reader.inverted_index(term.field())?;
    if let Some(mut block) = inverted.read_block_postings(term, IndexRecordOption::Basic)? {
        loop {
            let docs = block.docs();
            for &d in docs {
                if d == TERMINATED {
                    break;
                }
                bits[(d / 64) as usize] |= 1 << (d % 64);
            }
            if docs.len() < 128 {
                break;
            }
            block.advance();
        }
    }
    Ok(bits)
}

/// A term's BM25 contribution for each document that has it.
fn term_scores(reader: &SegmentReader, term: &Term, weight: &Bm25Weight) -> tantivy::Result<Scores> {
    let mut bits = vec![0u64; words_for(reader.max_doc())];
    let mut scores = Vec::new();
    let fieldnorms: FieldNormReader = reader.get_fieldnorms_reader(term.field())?;
    let inverted = reader.inverted_index(term.field())?;
    if let Some(mut block) = inverted.read_block_postings(term, IndexRecordOption::WithFreqs)? {
        scores.reserve(block.doc_freq() as usize);
        loop {
            let len = block.block_len();
            for i in 0..len {
                let d = block.doc(i);
                if d == TERMINATED {
                    break;
                }
                bits[(d / 64) as usize] |= 1 << (d % 64);
                scores.push(weight.score(fieldnorms.fieldnorm_id(d), block.freq(i)));
            }
            if len < 128 {
                break;
            }
            block.advance();
        }
    }
    let mut prefix = Vec::with_capacity(bits.len());
    let mut n = 0u32;
    for w in &bits {
        prefix.push(n);
        n += w.count_ones();
    }
    Ok(Scores { bits, prefix, scores })
}

/// The segment's documents ordered by a fast field, highest first (ties by document order).
fn doc_order(reader: &SegmentReader, by: By) -> tantivy::Result<Vec<DocId>> {
    let n = reader.max_doc();
    let mut order: Vec<DocId> = (0..n).collect();
    match by {
        By::DescU64(field) => {
            let col = reader.fast_fields().u64(field)?;
            let keys: Vec<u64> = (0..n).map(|d| col.first(d).unwrap_or(0)).collect();
            order.sort_by(|&a, &b| keys[b as usize].cmp(&keys[a as usize]).then(a.cmp(&b)));
        }
        By::DescF64(field) => {
            let col = reader.fast_fields().f64(field)?;
            let keys: Vec<f64> = (0..n).map(|d| col.first(d).unwrap_or(f64::MIN)).collect();
            order.sort_by(|&a, &b| keys[b as usize].total_cmp(&keys[a as usize]).then(a.cmp(&b)));
        }
        By::Score => {}
    }
    Ok(order)
}

/// Whether every required word is frequent in every segment (and there is at least one segment).
pub(crate) fn applies(searcher: &Searcher, plan: &Plan) -> tantivy::Result<bool> {
    for reader in searcher.segment_readers() {
        let max_doc = reader.max_doc();
        for t in &plan.words {
            let df = reader.inverted_index(t.field())?.doc_freq(t)?;
            if df < max_doc / DENSE_DIVISOR || df == 0 {
                return Ok(false);
            }
        }
    }
    Ok(!searcher.segment_readers().is_empty())
}

#[derive(PartialEq)]
struct Ranked(f32, u32, DocId);

impl Eq for Ranked {}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ranked {
    /// Better first: higher score, then earlier segment and document.
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0).then(other.1.cmp(&self.1)).then(other.2.cmp(&self.2))
    }
}

/// Per concept: the documents that have its typed words in full, and its name's words.
type ConceptGroups = [Vec<u64>; 2];

/// The documents of a segment that `plan` matches (alive ones only), and for each concept who has
/// its typed words and its name's words in full (for scoring).
fn matches(cache: &FastCache, generation: u64, ord: u32, reader: &SegmentReader, plan: &Plan) -> tantivy::Result<(Vec<u64>, Vec<ConceptGroups>)> {
    let max_doc = reader.max_doc();
    let mut m = match plan.words.first() {
        Some(t) => cache.bits(generation, ord, reader, t)?.as_ref().clone(),
        None => all_docs(max_doc),
    };
    for t in plan.words.iter().skip(1) {
        and(&mut m, &cache.bits(generation, ord, reader, t)?);
    }
    // Each concept: (all typed words) OR (all name words) OR its tag. Kept for scoring: who
    // has each group in full.
    let mut concept_words: Vec<ConceptGroups> = Vec::with_capacity(plan.concepts.len());
    for c in &plan.concepts {
        let typed = all_of(&c.words, cache, generation, ord, reader)?;
        let name = all_of(&c.name, cache, generation, ord, reader)?;
        let tag = cache.bits(generation, ord, reader, &c.tag)?;
        let either: Vec<u64> = typed.iter().zip(name.iter()).zip(tag.iter()).map(|((a, b), c)| a | b | c).collect();
        and(&mut m, &either);
        concept_words.push([typed, name]);
    }
    for t in &plan.excluded_words {
        and_not(&mut m, &cache.bits(generation, ord, reader, t)?);
    }
    for f in &plan.filters {
        let b = eval(f, cache, generation, ord, reader)?;
        and(&mut m, &b);
    }
    for f in &plan.excluded {
        let b = eval(f, cache, generation, ord, reader)?;
        and_not(&mut m, &b);
    }
    if let Some(alive) = reader.alive_bitset() {
        for (w, word) in m.iter_mut().enumerate() {
            let mut bits = *word;
            while bits != 0 {
                let b = bits.trailing_zeros();
                let d = (w as u32) * 64 + b;
                if !alive.is_alive(d) {
                    *word &= !(1u64 << b);
                }
                bits &= bits - 1;
            }
        }
    }
    Ok((m, concept_words))
}

/// Facet counts of `fields` over what `plan` matches (as [`crate::facets::FacetCounts`] counts
/// over the same query): the match bitsets are the ones a search computes, so counting is one walk
/// of the set bits per facet — no query to iterate.
pub(crate) fn count_facets(searcher: &Searcher, cache: &FastCache, plan: &Plan, fields: &[&'static str]) -> tantivy::Result<Vec<HashMap<String, u64>>> {
    use tantivy::collector::{Collector, SegmentCollector};
    let generation = searcher.generation().generation_id();
    let counter = crate::facets::FacetCounts { fields, cache, generation };
    let mut fruits = Vec::with_capacity(searcher.segment_readers().len());
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let (m, _) = matches(cache, generation, ord as u32, reader, plan)?;
        let mut segment = counter.for_segment(ord as u32, reader)?;
        segment.collect_bits(&m, m.iter().map(|w| w.count_ones() as usize).sum());
        fruits.push(segment.harvest());
    }
    counter.merge_fruits(fruits)
}

/// Runs `plan` ordered `by`: the best `k` (score, address) and the exact total.
pub(crate) fn run(searcher: &Searcher, cache: &FastCache, plan: &Plan, by: By, k: usize) -> tantivy::Result<(Vec<(f32, DocAddress)>, usize)> {
    let generation = searcher.generation().generation_id();
    let mut total = 0usize;
    // Worst of the best k at the top (a min-heap through Reverse).
    let mut heap: BinaryHeap<std::cmp::Reverse<Ranked>> = BinaryHeap::with_capacity(k + 1);
    // For date / salary order: (value, segment, doc) of each segment's best k.
    let mut by_value: Vec<(f64, u32, DocId)> = Vec::new();
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let ord = ord as u32;
        let (m, concept_words) = matches(cache, generation, ord, reader, plan)?;
        let count: usize = m.iter().map(|w| w.count_ones() as usize).sum();
        total += count;
        if count == 0 || k == 0 {
            continue;
        }
        // Offers a match; returns the score to beat once k are held.
        let mut offer = |score: f32, doc: DocId| -> f32 {
            let r = Ranked(score, ord, doc);
            if heap.len() < k {
                heap.push(std::cmp::Reverse(r));
            } else if heap.peek().is_some_and(|worst| r > worst.0) {
                heap.pop();
                heap.push(std::cmp::Reverse(r));
            }
            if heap.len() == k { heap.peek().map_or(f32::MIN, |w| w.0.0) } else { f32::MIN }
        };
        match by {
            By::Score if plan.words.is_empty() && plan.concepts.is_empty() => {
                // No words to score: every match scores 0, in document order.
                for d in ones(&m).take(k) {
                    offer(0.0, d);
                }
            }
            By::Score => {
                let score_cols =
                    |terms: &[Term]| -> tantivy::Result<Vec<Arc<Scores>>> { terms.iter().map(|t| cache.scores(generation, ord, searcher, t)).collect() };
                let columns = score_cols(&plan.words)?;
                // Per concept: its words' columns, its tag's documents.
                type Cols = Vec<Arc<Scores>>;
                let mut concept_cols: Vec<([Cols; 2], Arc<Vec<u64>>, f32)> = Vec::with_capacity(plan.concepts.len());
                for c in &plan.concepts {
                    let tag = cache.bits(generation, ord, reader, &c.tag)?;
                    concept_cols.push(([score_cols(&c.words)?, score_cols(&c.name)?], tag, c.tag_score));
                }
                // Per title group: who has it in full, and its columns.
                let mut title_cols: Vec<(Vec<u64>, Cols)> = Vec::with_capacity(plan.title_groups.len());
                for g in &plan.title_groups {
                    title_cols.push((all_of(g, cache, generation, ord, reader)?, score_cols(g)?));
                }
                let has = |bits: &[u64], d: DocId| bits[(d / 64) as usize] >> (d % 64) & 1 == 1;
                let mut threshold = f32::MIN;
                for d in ones(&m) {
                    let mut s: f32 = columns.iter().map(|c| c.get(d)).sum();
                    for ((groups, tag, tag_score), alls) in concept_cols.iter().zip(&concept_words) {
                        for (cols, all) in groups.iter().zip(alls) {
                            if has(all, d) {
                                s += cols.iter().map(|c| c.get(d)).sum::<f32>();
                            }
                        }
                        if has(tag, d) {
                            s += tag_score;
                        }
                    }
                    for (all, cols) in &title_cols {
                        if has(all, d) {
                            s += plan.title_boost * cols.iter().map(|c| c.get(d)).sum::<f32>();
                        }
                    }
                    if s >= threshold {
                        threshold = offer(s, d);
                    }
                }
            }
            By::DescU64(_) | By::DescF64(_) => {
                // Walk the segment's documents from the highest value down: its first k matches
                // are its best (ties in document order, like the general path's collector).
                let order = cache.order(generation, ord, reader, by)?;
                let key = |d: DocId| -> tantivy::Result<f64> {
                    Ok(match by {
                        By::DescU64(f) => reader.fast_fields().u64(f)?.first(d).unwrap_or(0) as f64,
                        By::DescF64(f) => reader.fast_fields().f64(f)?.first(d).unwrap_or(f64::MIN),
                        By::Score => 0.0,
                    })
                };
                let mut found = 0;
                for &d in order.iter() {
                    if m[(d / 64) as usize] >> (d % 64) & 1 == 1 {
                        by_value.push((key(d)?, ord, d));
                        found += 1;
                        if found == k {
                            break;
                        }
                    }
                }
            }
        }
    }
    if let By::DescU64(_) | By::DescF64(_) = by {
        by_value.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        by_value.truncate(k);
        return Ok((by_value.into_iter().map(|(_, o, d)| (0.0, DocAddress::new(o, d))).collect(), total));
    }
    let mut best: Vec<Ranked> = heap.into_iter().map(|r| r.0).collect();
    best.sort_by(|a, b| b.cmp(a));
    Ok((best.into_iter().map(|r| (r.0, DocAddress::new(r.1, r.2))).collect(), total))
}

fn eval(f: &Filter, cache: &FastCache, generation: u64, ord: u32, reader: &SegmentReader) -> tantivy::Result<Arc<Vec<u64>>> {
    let max_doc = reader.max_doc();
    Ok(match f {
        Filter::Term(t) => cache.bits(generation, ord, reader, t)?,
        Filter::Any(fs) if fs.len() == 1 => eval(&fs[0], cache, generation, ord, reader)?,
        Filter::Any(fs) => {
            let mut out = vec![0u64; words_for(max_doc)];
            for x in fs {
                let b = eval(x, cache, generation, ord, reader)?;
                out.iter_mut().zip(b.iter()).for_each(|(o, b)| *o |= b);
            }
            Arc::new(out)
        }
        Filter::AtLeastF64(field, min) => cache.range(generation, ord, reader, field, Bound::F64(*min))?,
        Filter::AtLeastU64(field, min) => cache.range(generation, ord, reader, field, Bound::U64(*min))?,
    })
}

/// Documents with every term (none when there are no terms).
fn all_of(terms: &[Term], cache: &FastCache, generation: u64, ord: u32, reader: &SegmentReader) -> tantivy::Result<Vec<u64>> {
    let mut all = match terms.first() {
        Some(t) => cache.bits(generation, ord, reader, t)?.as_ref().clone(),
        None => return Ok(vec![0u64; words_for(reader.max_doc())]),
    };
    for t in terms.iter().skip(1) {
        and(&mut all, &cache.bits(generation, ord, reader, t)?);
    }
    Ok(all)
}

fn all_docs(max_doc: u32) -> Vec<u64> {
    let mut bits = vec![u64::MAX; words_for(max_doc)];
    let tail = max_doc % 64;
    if tail != 0
        && let Some(last) = bits.last_mut()
    {
        *last = (1u64 << tail) - 1;
    }
    bits
}

fn and(m: &mut [u64], b: &[u64]) {
    m.iter_mut().zip(b).for_each(|(x, y)| *x &= y);
}

fn and_not(m: &mut [u64], b: &[u64]) {
    m.iter_mut().zip(b).for_each(|(x, y)| *x &= !y);
}

/// The set bits of `m`, in order.
pub(crate) fn ones(m: &[u64]) -> impl Iterator<Item = DocId> + '_ {
    m.iter().enumerate().flat_map(|(w, &word)| {
        let mut bits = word;
        std::iter::from_fn(move || {
            if bits == 0 {
                return None;
            }
            let b = bits.trailing_zeros();
            bits &= bits - 1;
            Some(w as u32 * 64 + b)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Whatever the bound, the range index gives the documents a scan gives — bounds between
        /// its checkpoints, on them, below and above every value; negative and equal values.
        #[test]
        fn a_range_index_gives_the_documents_at_or_above_a_bound(
            values in proptest::collection::vec(proptest::option::of(-5i32..40), 0..300),
            step in 1usize..20,
            bound in -8i32..45,
        ) {
            let value = |v: i32| f64::from(v) * 1000.5;
            let max_doc = values.len() as u32;
            let pairs = values.iter().enumerate().filter_map(|(d, v)| v.map(|v| (Bound::F64(value(v)).key(), d as DocId))).collect();
            let index = RangeIndex::from_pairs(pairs, max_doc, step);
            let got: Vec<DocId> = ones(&index.at_least(Bound::F64(value(bound)).key(), max_doc)).collect();
            let want: Vec<DocId> = values.iter().enumerate().filter(|(_, v)| v.is_some_and(|v| value(v) >= value(bound))).map(|(d, _)| d as DocId).collect();
            proptest::prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn value_keys_keep_the_order_of_the_values() {
        let values = [f64::MIN, -1e6, -1.0, -0.5, 0.0, 1e-9, 0.5, 1.0, 150_000.0, f64::MAX];
        let keys: Vec<u64> = values.iter().map(|&v| Bound::F64(v).key()).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{keys:?}");
    }
}
