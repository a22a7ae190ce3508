//! Facet counts: a tantivy collector that counts the values of several string fast fields over
//! the documents a query matches. Each segment's facet column is copied once per index generation
//! into flat arrays (per document, its distinct value ordinals: [`FlatColumn`], kept in the
//! [`crate::fast::FastCache`]), so counting is an array walk and one increment per value;
//! ordinals become strings once per segment at the end. Tantivy's terms aggregation, which this
//! replaced, gathers, sorts and deduplicates (doc, value) pairs through the columnar index for
//! every block of matches: at 100k postings it made a faceted search over a broad match 20–35 ms.

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use crate::fast::FastCache;

/// A segment's string fast field as flat arrays: document `d`'s distinct value ordinals are
/// `ords[offsets[d]..offsets[d + 1]]`.
pub(crate) struct FlatColumn {
    column: StrColumn,
    offsets: Vec<u32>,
    ords: Vec<u32>,
    /// Each value's documents as a bitset, so that a large match set (the fast path's bitset) is
    /// counted by AND and popcount, a few hundred words per value, instead of a look-up per
    /// matching document and value. Only for fields where that pays for match sets of half the
    /// documents or fewer ([`FlatColumn::counts_by_bitsets`]): not cities or regions (hundreds
    /// of values, one per document), but roles, countries and skills (eight a posting).
    value_bits: Vec<Vec<u64>>,
}

impl FlatColumn {
    /// The field's column in the segment; `None` when the segment has no value of it.
    pub(crate) fn of(reader: &SegmentReader, field: &str) -> tantivy::Result<Option<FlatColumn>> {
        let Some(column) = reader.fast_fields().str(field)? else {
            return Ok(None);
        };
        let max_doc = reader.max_doc();
        let mut offsets = Vec::with_capacity(max_doc as usize + 1);
        let mut ords: Vec<u32> = Vec::with_capacity(max_doc as usize);
        offsets.push(0);
        for doc in 0..max_doc {
            let start = ords.len();
            ords.extend(column.term_ords(doc).map(|o| o as u32));
            if ords.len() - start > 1 {
                ords[start..].sort_unstable();
                let mut kept = start + 1;
                for i in start + 1..ords.len() {
                    if ords[i] != ords[kept - 1] {
                        ords[kept] = ords[i];
                        kept += 1;
                    }
                }
                ords.truncate(kept);
            }
            offsets.push(ords.len() as u32);
        }
        let mut value_bits = Vec::new();
        let per_doc = ords.len() as f64 / f64::from(max_doc.max(1));
        if (column.num_terms() as f64) <= 128.0 * per_doc.max(1.0) {
            value_bits = vec![vec![0u64; (max_doc as usize).div_ceil(64)]; column.num_terms()];
            for doc in 0..max_doc {
                for &ord in &ords[offsets[doc as usize] as usize..offsets[doc as usize + 1] as usize] {
                    value_bits[ord as usize][(doc / 64) as usize] |= 1 << (doc % 64);
                }
            }
        }
        Ok(Some(FlatColumn { column, offsets, ords, value_bits }))
    }

    /// Memory held, for the cache's budget.
    pub(crate) fn bytes(&self) -> usize {
        (self.offsets.len() + self.ords.len()) * 4 + self.value_bits.iter().map(|b| b.len() * 8).sum::<usize>()
    }

    /// Whether counting `matches` documents of a match bitset is cheaper by AND and popcount over
    /// each value's bitset than by a look-up per document: a word op costs about a quarter of a
    /// per-document look-up and its values.
    fn counts_by_bitsets(&self, matches: usize) -> bool {
        let words = self.offsets.len().div_ceil(64);
        let per_doc = (self.ords.len() as f64 / (self.offsets.len() - 1).max(1) as f64).max(1.0);
        !self.value_bits.is_empty() && (self.value_bits.len() * words) < (matches as f64 * per_doc * 4.0) as usize
    }
}

/// Counts of each named field's values; the fruit is, per field in the order given, every value
/// with its count (in no particular order). A document counts once per distinct value.
pub(crate) struct FacetCounts<'a> {
    pub fields: &'a [&'static str],
    pub cache: &'a FastCache,
    pub generation: u64,
}

pub(crate) struct SegmentFacetCounts {
    columns: Vec<(Arc<Option<FlatColumn>>, Vec<u32>)>,
}

impl Collector for FacetCounts<'_> {
    type Fruit = Vec<HashMap<String, u64>>;
    type Child = SegmentFacetCounts;

    fn for_segment(&self, segment: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<SegmentFacetCounts> {
        let columns = self
            .fields
            .iter()
            .map(|f| {
                let flat = self.cache.facet(self.generation, segment, reader, f)?;
                let terms = flat.as_ref().as_ref().map_or(0, |c| c.column.num_terms());
                Ok((flat, vec![0u32; terms]))
            })
            .collect::<tantivy::Result<_>>()?;
        Ok(SegmentFacetCounts { columns })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<Vec<HashMap<String, u64>>>) -> tantivy::Result<Self::Fruit> {
        let mut out: Vec<HashMap<String, u64>> = vec![HashMap::new(); self.fields.len()];
        for segment in segments {
            for (total, counts) in out.iter_mut().zip(segment) {
                if total.is_empty() {
                    *total = counts;
                } else {
                    for (value, n) in counts {
                        *total.entry(value).or_default() += n;
                    }
                }
            }
        }
        Ok(out)
    }
}

impl SegmentCollector for SegmentFacetCounts {
    type Fruit = Vec<HashMap<String, u64>>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.collect_block(&[doc]);
    }

    /// A block of matches, counted one facet at a time.
    fn collect_block(&mut self, docs: &[DocId]) {
        for (flat, counts) in &mut self.columns {
            if let Some(c) = flat.as_ref() {
                for &doc in docs {
                    let (start, end) = (c.offsets[doc as usize] as usize, c.offsets[doc as usize + 1] as usize);
                    for &ord in &c.ords[start..end] {
                        counts[ord as usize] += 1;
                    }
                }
            }
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.harvest_counts()
    }
}

impl SegmentFacetCounts {
    /// Counts the documents of a match bitset holding `matches` documents: per facet, by its
    /// values' bitsets or per document, whichever is cheaper ([`FlatColumn::counts_by_bitsets`]).
    pub(crate) fn collect_bits(&mut self, m: &[u64], matches: usize) {
        for (flat, counts) in &mut self.columns {
            let Some(c) = flat.as_ref() else { continue };
            if c.counts_by_bitsets(matches) {
                for (count, bits) in counts.iter_mut().zip(&c.value_bits) {
                    *count += m.iter().zip(bits).map(|(a, b)| (a & b).count_ones()).sum::<u32>();
                }
                continue;
            }
            for doc in crate::fast::ones(m) {
                for &ord in &c.ords[c.offsets[doc as usize] as usize..c.offsets[doc as usize + 1] as usize] {
                    counts[ord as usize] += 1;
                }
            }
        }
    }

    fn harvest_counts(self) -> Vec<HashMap<String, u64>> {
        self.columns
            .into_iter()
            .map(|(flat, counts)| {
                let mut values = HashMap::new();
                if let Some(c) = flat.as_ref() {
                    let ords: Vec<u64> = (0..counts.len() as u64).filter(|&o| counts[o as usize] > 0).collect();
                    let mut found = ords.iter();
                    // Ordinals in order: one pass over the term dictionary's blocks.
                    let _ = c.column.dictionary().sorted_ords_to_term_cb(&ords, |term| {
                        if let Some(&ord) = found.next() {
                            values.insert(String::from_utf8_lossy(term).into_owned(), u64::from(counts[ord as usize]));
                        }
                    });
                }
                values
            })
            .collect()
    }
}

/// Postings per period, in all and per value of one string fast field (issue 17's trends): a
/// document counts in the period holding its `date` (date posted), else its `first_seen` day;
/// periods are `starts[i]..starts[i + 1]` in day numbers (the last start is the end). One walk over
/// the matches with the flat column of [`FacetCounts`], instead of tantivy's range-under-terms
/// aggregation (110 ms for skills by month at 100k postings).
pub(crate) struct PeriodCounts<'a> {
    pub field: &'static str,
    /// Period boundaries in day numbers, ascending: `periods + 1` of them.
    pub bounds: &'a [u64],
    pub cache: &'a FastCache,
    pub generation: u64,
    /// Also gather the annual USD pay (midpoint of the stated range) of postings that state it.
    pub pay: bool,
}

/// One segment's counts: `totals[p]`, and `counts[ord * periods + p]`; with pay, the pays of
/// each period (`pay_all[p]`) and of each value and period (`pay[ord * periods + p]`).
pub(crate) struct SegmentPeriodCounts {
    flat: Arc<Option<FlatColumn>>,
    date: tantivy::columnar::Column<u64>,
    first_seen: tantivy::columnar::Column<u64>,
    salary: Option<(tantivy::columnar::Column<f64>, tantivy::columnar::Column<f64>)>,
    bounds: Vec<u64>,
    totals: Vec<u64>,
    counts: Vec<u32>,
    pay_all: Vec<Vec<f32>>,
    /// Indexed like `counts` (empty without pay).
    pay: Vec<Vec<f32>>,
}

/// What [`PeriodCounts`] gives: all postings per period and each value's; with pay, the stated
/// pays per period, in all and per value.
#[derive(Default)]
pub(crate) struct PeriodFruit {
    pub totals: Vec<u64>,
    pub values: HashMap<String, Vec<u64>>,
    pub pay_all: Vec<Vec<f32>>,
    pub pay: HashMap<String, Vec<Vec<f32>>>,
}

impl Collector for PeriodCounts<'_> {
    type Fruit = PeriodFruit;
    type Child = SegmentPeriodCounts;

    fn for_segment(&self, segment: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<SegmentPeriodCounts> {
        let flat = self.cache.facet(self.generation, segment, reader, self.field)?;
        let periods = self.bounds.len().saturating_sub(1);
        let terms = flat.as_ref().as_ref().map_or(0, |c| c.column.num_terms());
        let u64_column = |name: &str| -> tantivy::Result<tantivy::columnar::Column<u64>> { reader.fast_fields().u64(name) };
        let salary = if self.pay { Some((reader.fast_fields().f64("salary_min")?, reader.fast_fields().f64("salary_max")?)) } else { None };
        Ok(SegmentPeriodCounts {
            flat,
            date: u64_column("date")?,
            first_seen: u64_column("first_seen")?,
            salary,
            bounds: self.bounds.to_vec(),
            totals: vec![0; periods],
            counts: vec![0; terms * periods],
            pay_all: vec![Vec::new(); if self.pay { periods } else { 0 }],
            pay: if self.pay { vec![Vec::new(); terms * periods] } else { Vec::new() },
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<PeriodFruit>) -> tantivy::Result<PeriodFruit> {
        let periods = self.bounds.len().saturating_sub(1);
        let mut out = PeriodFruit { totals: vec![0; periods], pay_all: vec![Vec::new(); if self.pay { periods } else { 0 }], ..PeriodFruit::default() };
        for f in segments {
            out.totals.iter_mut().zip(f.totals).for_each(|(a, b)| *a += b);
            for (value, counts) in f.values {
                let into = out.values.entry(value).or_insert_with(|| vec![0; periods]);
                into.iter_mut().zip(counts).for_each(|(a, b)| *a += b);
            }
            out.pay_all.iter_mut().zip(f.pay_all).for_each(|(a, b)| a.extend(b));
            for (value, pays) in f.pay {
                let into = out.pay.entry(value).or_insert_with(|| vec![Vec::new(); periods]);
                into.iter_mut().zip(pays).for_each(|(a, b)| a.extend(b));
            }
        }
        Ok(out)
    }
}

impl SegmentCollector for SegmentPeriodCounts {
    type Fruit = PeriodFruit;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.collect_block(&[doc]);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        let periods = self.totals.len();
        let (Some(&lo), Some(&hi)) = (self.bounds.first(), self.bounds.last()) else { return };
        for &doc in docs {
            let day = match self.date.first(doc) {
                Some(d) if d > 0 => d,
                _ => self.first_seen.first(doc).unwrap_or(0),
            };
            if day < lo || day >= hi {
                continue;
            }
            let p = self.bounds.partition_point(|&b| b <= day) - 1;
            self.totals[p] += 1;
            // Stated pay: the range's midpoint (−1 marks a missing end).
            let pay = self.salary.as_ref().and_then(|(lo, hi)| match (lo.first(doc).filter(|v| *v >= 0.0), hi.first(doc).filter(|v| *v >= 0.0)) {
                (Some(a), Some(b)) => Some(((a + b) / 2.0) as f32),
                (a, b) => a.or(b).map(|v| v as f32),
            });
            if let Some(v) = pay {
                self.pay_all[p].push(v);
            }
            if let Some(c) = self.flat.as_ref() {
                for &ord in &c.ords[c.offsets[doc as usize] as usize..c.offsets[doc as usize + 1] as usize] {
                    self.counts[ord as usize * periods + p] += 1;
                    if let Some(v) = pay {
                        self.pay[ord as usize * periods + p].push(v);
                    }
                }
            }
        }
    }

    fn harvest(mut self) -> PeriodFruit {
        let periods = self.totals.len();
        let mut values = HashMap::new();
        let mut pay_by_value: HashMap<String, Vec<Vec<f32>>> = HashMap::new();
        if let Some(c) = self.flat.as_ref()
            && periods > 0
        {
            let ords: Vec<u64> =
                (0..c.column.num_terms() as u64).filter(|&o| self.counts[o as usize * periods..(o as usize + 1) * periods].iter().any(|&n| n > 0)).collect();
            let mut found = ords.iter();
            let _ = c.column.dictionary().sorted_ords_to_term_cb(&ords, |term| {
                if let Some(&ord) = found.next() {
                    let row = &self.counts[ord as usize * periods..(ord as usize + 1) * periods];
                    let value = String::from_utf8_lossy(term).into_owned();
                    if !self.pay.is_empty() {
                        let pays = (0..periods).map(|p| std::mem::take(&mut self.pay[ord as usize * periods + p])).collect();
                        pay_by_value.insert(value.clone(), pays);
                    }
                    values.insert(value, row.iter().map(|&n| u64::from(n)).collect());
                }
            });
        }
        PeriodFruit { totals: self.totals, values, pay_all: self.pay_all, pay: pay_by_value }
    }
}
