//! What the window-at-a-time searches share (`dense_words.rs`, `dense_phrase.rs`): documents
//! are taken 4,096 at a time as bit masks, scored with BM25 from a table, filtered by the
//! columns of the feed, date and id filters, and the best few kept as tantivy keeps them.

use super::query::Filters;
use super::schema::Fields;
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use tantivy::columnar::Column;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::BlockSegmentPostings;
use tantivy::query::Bm25Weight;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentReader, TERMINATED, Term};

/// Whether each of `words` is in at least 1/[`DENSE_SHARE`] of the documents, in title or
/// content.
pub(super) fn all_dense(
    searcher: &Searcher,
    fields: Fields,
    words: &[String],
) -> tantivy::Result<bool> {
    let docs = searcher.num_docs();
    for word in words {
        let mut freq = 0;
        for field in [fields.title, fields.content] {
            freq += searcher.doc_freq(&Term::from_field_text(field, word))?;
        }
        if freq * DENSE_SHARE < docs || docs == 0 {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Documents per window: 64 words of bits per mask.
pub(super) const WINDOW: u32 = 4096;
pub(super) const MASK_WORDS: usize = WINDOW as usize / 64;
/// A query is dense when its rarest word is in at least this share of the documents; below it
/// tantivy's intersection, which seeks the common words only where the rare one is, wins.
pub(super) const DENSE_SHARE: u64 = 16;

/// Term counts up to which a word's scores are looked up rather than computed.
pub(super) const TABLE_FREQS: u32 = 8;

/// BM25 of one term in one field of a segment.
pub(super) struct Bm25 {
    norms: FieldNormReader,
    weight: Bm25Weight,
    /// `weight.score(norm, freq)` at `(freq - 1) * 256 + norm` for counts up to
    /// [`TABLE_FREQS`]: the same floats, without a division per document.
    table: Vec<Score>,
}

impl Bm25 {
    pub(super) fn new(norms: FieldNormReader, weight: Bm25Weight) -> Self {
        let table = (1..=TABLE_FREQS)
            .flat_map(|freq| (0..=255u8).map(move |norm| (freq, norm)))
            .map(|(freq, norm)| weight.score(norm, freq))
            .collect();
        Self {
            norms,
            weight,
            table,
        }
    }

    pub(super) fn score(&self, doc: DocId, freq: u32) -> Score {
        let norm = self.norms.fieldnorm_id(doc);
        match freq {
            1..=TABLE_FREQS => self.table[((freq - 1) * 256 + u32::from(norm)) as usize],
            _ => self.weight.score(norm, freq),
        }
    }
}

/// One term's postings in a segment, read block by block.
pub(super) struct Postings {
    pub block: BlockSegmentPostings,
    pub at: usize,
}

impl Postings {
    pub(super) fn open(
        reader: &SegmentReader,
        term: &Term,
        freqs: bool,
    ) -> tantivy::Result<Option<Self>> {
        let option = if freqs {
            IndexRecordOption::WithFreqs
        } else {
            IndexRecordOption::Basic
        };
        let block = reader
            .inverted_index(term.field())?
            .read_block_postings(term, option)?;
        Ok(block.map(|block| Self { block, at: 0 }))
    }

    pub(super) fn doc(&self) -> DocId {
        self.block
            .docs()
            .get(self.at)
            .copied()
            .unwrap_or(TERMINATED)
    }

    /// Moves to the first document at or after `target`, skipping whole blocks unread.
    pub(super) fn seek(&mut self, target: DocId) {
        let docs = self.block.docs();
        match docs.last() {
            Some(&last) if last >= target => {
                while docs.get(self.at).is_some_and(|&d| d < target) {
                    self.at += 1;
                }
            }
            Some(_) => self.at = self.block.seek(target),
            None => {}
        }
    }

    /// Calls `each(doc, term count)` for the documents before `end`, moving past them (the
    /// count is 1 for postings opened without counts).
    pub(super) fn drain(&mut self, end: DocId, mut each: impl FnMut(DocId, u32)) {
        let each = |_: &mut (), block: &BlockSegmentPostings, i: usize| {
            each(block.docs()[i], block.freqs().get(i).copied().unwrap_or(1));
        };
        self.drain_indexed(end, &mut (), each, |_, _| {});
    }

    /// Calls `each(state, block, i)` for the documents before `end`, each by its index in
    /// its block, and `next_block(state, block)` when a new block is loaded; moves past them.
    /// Blocks are read, never skipped: what is kept per block (where positions start) needs
    /// every one.
    pub(super) fn drain_indexed<S>(
        &mut self,
        end: DocId,
        state: &mut S,
        mut each: impl FnMut(&mut S, &BlockSegmentPostings, usize),
        mut next_block: impl FnMut(&mut S, &BlockSegmentPostings),
    ) {
        loop {
            let docs = self.block.docs();
            if docs.is_empty() {
                return;
            }
            let from = self.at.min(docs.len());
            let upto = from + docs[from..].partition_point(|&d| d < end);
            for i in from..upto {
                each(state, &self.block, i);
            }
            self.at = upto;
            if upto < docs.len() {
                return;
            }
            self.block.advance();
            self.at = 0;
            next_block(state, &self.block);
        }
    }
}

/// The filters as columns of one segment.
pub(super) struct SegmentFilters<'a> {
    filters: &'a Filters,
    feed: Option<Column<i64>>,
    published: Option<Column<i64>>,
    id: Option<Column<i64>>,
}

impl<'a> SegmentFilters<'a> {
    /// The columns `filters` need in the segment of `reader`.
    pub(super) fn open(reader: &SegmentReader, filters: &'a Filters) -> tantivy::Result<Self> {
        let ff = reader.fast_fields();
        let column = |on: bool, name: &str| on.then(|| ff.i64(name)).transpose();
        Ok(Self {
            filters,
            feed: column(filters.feed.is_some(), "feed")?,
            published: column(filters.since.is_some(), "published")?,
            id: column(filters.only.is_some(), "id")?,
        })
    }

    pub(super) fn keeps(&self, doc: DocId) -> bool {
        let f = self.filters;
        if let (Some(feed), Some(column)) = (f.feed, &self.feed)
            && column.first(doc) != Some(feed)
        {
            return false;
        }
        if let (Some(since), Some(column)) = (f.since, &self.published)
            && column.first(doc).is_none_or(|p| p < since)
        {
            return false;
        }
        if let (Some(only), Some(column)) = (&f.only, &self.id)
            && column.first(doc).is_none_or(|id| !only.contains(id))
        {
            return false;
        }
        true
    }

    pub(super) fn any(&self) -> bool {
        self.filters.feed.is_some() || self.filters.since.is_some() || self.filters.only.is_some()
    }
}

/// Calls `keep(offset)` for each set bit of `mask` in order, clearing the bits it refuses.
pub(super) fn for_each_bit(mask: &mut [u64; MASK_WORDS], mut keep: impl FnMut(u32) -> bool) {
    for (i, word) in mask.iter_mut().enumerate() {
        let mut bits = *word;
        while bits != 0 {
            let bit = bits.trailing_zeros();
            bits &= bits - 1;
            if !keep(i as u32 * 64 + bit) {
                *word &= !(1 << bit);
            }
        }
    }
}

/// Clears the bits at and after `from`.
pub(super) fn clear_from(mask: &mut [u64; MASK_WORDS], from: u32) {
    for (i, word) in mask.iter_mut().enumerate() {
        let start = i as u32 * 64;
        if start >= from {
            *word = 0;
        } else if from - start < 64 {
            *word &= (1u64 << (from - start)) - 1;
        }
    }
}

/// The best `limit` (score, document) seen, a higher score first and, as in tantivy, the
/// earlier document first among equal scores (a later one never displaces an equal one).
pub(super) struct Top {
    limit: usize,
    heap: BinaryHeap<Reverse<Entry>>,
}

#[derive(PartialEq)]
struct Entry(Score, Reverse<DocId>);

impl Eq for Entry {}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0).then(self.1.cmp(&other.1))
    }
}

impl Top {
    pub(super) fn new(limit: usize) -> Self {
        Self {
            limit,
            heap: BinaryHeap::with_capacity(limit + 1),
        }
    }

    pub(super) fn offer(&mut self, score: Score, doc: DocId) {
        if self.heap.len() == self.limit
            && self
                .heap
                .peek()
                .is_some_and(|Reverse(worst)| score <= worst.0)
        {
            return;
        }
        self.heap.push(Reverse(Entry(score, Reverse(doc))));
        if self.heap.len() > self.limit {
            self.heap.pop();
        }
    }

    /// The best, best first, as addresses in segment `segment`.
    pub(super) fn into_addresses(self, segment: u32) -> Vec<(Score, DocAddress)> {
        self.into_sorted()
            .into_iter()
            .map(|(score, doc)| (score, DocAddress::new(segment, doc)))
            .collect()
    }

    fn into_sorted(self) -> Vec<(Score, DocId)> {
        let mut all: Vec<(Score, DocId)> = self
            .heap
            .into_iter()
            .map(|Reverse(Entry(score, Reverse(doc)))| (score, doc))
            .collect();
        all.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        all
    }
}

/// The count of matches and the best `limit` over all segments, from each segment's.
pub(super) fn merge_segments(
    per_segment: impl IntoIterator<Item = (usize, Vec<(Score, DocAddress)>)>,
    limit: usize,
) -> (usize, Vec<(Score, DocAddress)>) {
    let mut total = 0;
    let mut best = Vec::new();
    for (count, top) in per_segment {
        total += count;
        best.extend(top);
    }
    best.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    best.truncate(limit);
    (total, best)
}
