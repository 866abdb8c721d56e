//! Phrases of two frequent words that have no pair token: "the new", "model the". Both words
//! are in a third of the items, so the phrase is checked in every item that has both, and
//! tantivy's phrase scorer spent 20–25 ms on it at a million items, most of it finding where
//! each document's positions start (it sums the block's counts up to the document on every
//! call). Here both words' postings are read in order, block by block, keeping a running count
//! of the positions passed, so each document's positions are one read further along; the
//! positions of the documents with both words are compared, and the phrase's count is scored as
//! tantivy scores it (BM25 over the field, the two words' idf summed, the title boosted). Only
//! a query that is that one phrase comes here (`query.rs`); the results are the parser's.

use super::SearchError;
use super::common_pairs::{is_exact_text_phrase, two_word_pair};
use super::position_stream::PositionStream;
use super::query::Filters;
use super::schema::{Fields, TITLE_BOOST};
use super::windows::{
    Bm25, MASK_WORDS, Postings, SegmentFilters, Top, WINDOW, all_dense, for_each_bit,
    merge_segments,
};
use tantivy::directory::CompositeFile;
use tantivy::index::SegmentComponent;
use tantivy::postings::BlockSegmentPostings;
use tantivy::query::{Bm25Weight, Occur};
use tantivy::query_grammar::{UserInputAst, UserInputLeaf};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentReader, TERMINATED, Term};

/// A quoted phrase of two different words, as analyzed terms, that is not a pair of common
/// words (those are answered from their pair token, `pair_phrase.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct TwoWordPhrase {
    pub words: [String; 2],
}

impl TwoWordPhrase {
    /// The phrase when `ast` is one exact phrase over title and content (no field named, no
    /// slop, no prefix) of two different words, one after the other; `None` otherwise.
    pub(super) fn of(
        ast: &UserInputAst,
        text: &mut TextAnalyzer,
        pairs: &mut TextAnalyzer,
    ) -> Option<Self> {
        let leaf = match ast {
            UserInputAst::Leaf(leaf) => leaf,
            UserInputAst::Clause(clauses) => match clauses.as_slice() {
                [(None | Some(Occur::Must), UserInputAst::Leaf(leaf))] => leaf,
                _ => return None,
            },
            UserInputAst::Boost(..) => return None,
        };
        let UserInputLeaf::Literal(literal) = &**leaf else {
            return None;
        };
        if literal.field_name.is_some() || !is_exact_text_phrase(literal) {
            return None;
        }
        if two_word_pair(text, pairs, &literal.phrase).is_some() {
            return None;
        }
        let mut words = Vec::with_capacity(2);
        let mut stream = text.token_stream(&literal.phrase);
        while stream.advance() {
            if words.len() == 2 {
                return None;
            }
            words.push((stream.token().text.clone(), stream.token().position));
        }
        let [(first, at), (second, next)] = <[_; 2]>::try_from(words).ok()?;
        (at + 1 == next && first != second).then_some(Self {
            words: [first, second],
        })
    }

    /// Whether both words are in at least 1/16 (`windows::DENSE_SHARE`) of the documents (in title or
    /// content), where reading both postings whole beats tantivy's seeks.
    pub(super) fn is_dense(
        &self,
        searcher: &Searcher,
        fields: Fields,
    ) -> Result<bool, SearchError> {
        Ok(all_dense(searcher, fields, &self.words)?)
    }
}

/// The number of matches of `phrase` under `filters` and the best `limit`, best first (equal
/// scores in index order).
pub(super) fn search(
    searcher: &Searcher,
    fields: Fields,
    phrase: &TwoWordPhrase,
    filters: &Filters,
    limit: usize,
) -> Result<(usize, Vec<(Score, DocAddress)>), SearchError> {
    let limit = limit.max(1);
    // Statistics over the whole index, as tantivy's phrase query takes them.
    let mut weights = Vec::with_capacity(2);
    for (field, boost) in [(fields.title, TITLE_BOOST), (fields.content, 1.0)] {
        let terms = phrase
            .words
            .clone()
            .map(|word| Term::from_field_text(field, &word));
        weights.push((
            field,
            terms.clone(),
            Bm25Weight::for_terms(searcher, &terms)?,
            boost,
        ));
    }
    let segment = |(ord, reader): (usize, &SegmentReader)| {
        let positions = CompositeFile::open(&reader.open_read(SegmentComponent::Positions)?)?;
        let mut in_fields = Vec::with_capacity(2);
        for (field, terms, weight, boost) in &weights {
            let phrase = FieldPhrase::open(reader, &positions, *field, terms, weight, *boost)?;
            in_fields.extend(phrase);
        }
        let filters = SegmentFilters::open(reader, filters)?;
        tantivy::Result::Ok(run(reader, in_fields, &filters, limit, ord as u32))
    };
    let per_segment = searcher
        .index()
        .search_executor()
        .map(segment, searcher.segment_readers().iter().enumerate())?;
    Ok(merge_segments(per_segment, limit))
}

/// One word's postings in one field of a segment, with where each document's positions are.
struct Positional {
    postings: Postings,
    positions: PositionStream,
    starts: BlockStarts,
}

/// Where the positions of the current block's documents start.
struct BlockStarts {
    /// Positions of the blocks before the current one.
    before_block: u64,
    /// Positions in the current block before each of its documents (and after the last).
    in_block: Vec<u32>,
}

impl BlockStarts {
    fn new(block: &BlockSegmentPostings) -> Self {
        let mut starts = Self {
            before_block: 0,
            in_block: Vec::with_capacity(129),
        };
        starts.count(block);
        starts
    }

    /// Moves on to `block`, the one after the block counted last.
    fn next(&mut self, block: &BlockSegmentPostings) {
        self.before_block += u64::from(self.in_block.last().copied().unwrap_or(0));
        self.count(block);
    }

    fn count(&mut self, block: &BlockSegmentPostings) {
        self.in_block.clear();
        let mut sum = 0;
        self.in_block.push(0);
        for &freq in block.freqs() {
            sum += freq;
            self.in_block.push(sum);
        }
    }

    fn of(&self, i: usize) -> u64 {
        self.before_block + u64::from(self.in_block.get(i).copied().unwrap_or(0))
    }
}

impl Positional {
    fn open(
        reader: &SegmentReader,
        positions: &CompositeFile,
        term: &Term,
    ) -> tantivy::Result<Option<Self>> {
        let inverted = reader.inverted_index(term.field())?;
        let Some(info) = inverted.get_term_info(term)? else {
            return Ok(None);
        };
        let block =
            inverted.read_block_postings_from_terminfo(&info, IndexRecordOption::WithFreqs)?;
        let Some(field_positions) = positions.open_read(term.field()) else {
            return Ok(None);
        };
        let bytes = field_positions.read_bytes_slice(info.positions_range.clone())?;
        Ok(Some(Self {
            starts: BlockStarts::new(&block),
            postings: Postings { block, at: 0 },
            positions: PositionStream::open(bytes)?,
        }))
    }

    fn doc(&self) -> DocId {
        self.postings.doc()
    }

    /// Moves to the first document at or after `target`, counting the positions passed.
    fn advance_to(&mut self, target: DocId) {
        self.postings
            .drain_indexed(target, &mut self.starts, |_, _, _| {}, BlockStarts::next);
    }

    /// Records the documents before `end` in `into` (which holds the window from `base`),
    /// moving past them.
    fn drain(&mut self, base: DocId, end: DocId, into: &mut TermWindow) {
        into.docs = [0; MASK_WORDS];
        let record = |starts: &mut BlockStarts, block: &BlockSegmentPostings, i: usize| {
            let offset = block.docs()[i].wrapping_sub(base) as usize % WINDOW as usize;
            into.docs[offset / 64] |= 1 << (offset % 64);
            into.start[offset] = starts.of(i);
            into.freq[offset] = block.freqs().get(i).copied().unwrap_or(0);
        };
        self.postings
            .drain_indexed(end, &mut self.starts, record, BlockStarts::next);
    }
}

/// One word's documents in a window of one field: which, and where each one's positions
/// start and how many there are.
struct TermWindow {
    docs: [u64; MASK_WORDS],
    start: Vec<u64>,
    freq: Vec<u32>,
}

impl TermWindow {
    fn new() -> Self {
        Self {
            docs: [0; MASK_WORDS],
            start: vec![0; WINDOW as usize],
            freq: vec![0; WINDOW as usize],
        }
    }
}

/// A word's positions in one document: where they start among the term's, how many.
#[derive(Clone, Copy)]
struct Span {
    start: u64,
    freq: u32,
}

impl TermWindow {
    fn span(&self, offset: usize) -> Span {
        Span {
            start: self.start[offset],
            freq: self.freq[offset],
        }
    }
}

/// Calls `each` with the positions of `span`, in order.
fn each_position(stream: &mut PositionStream, span: Span, mut each: impl FnMut(u32)) {
    // Stored as gaps from the previous position, the first from 0.
    let mut position = 0u32;
    stream.gaps(span.start, span.freq, |gap| {
        position = position.wrapping_add(gap);
        each(position);
    });
}

fn list_positions(stream: &mut PositionStream, span: Span, out: &mut Vec<u32>) {
    out.clear();
    each_position(stream, span, |p| out.push(p));
}

/// The phrase in one field of a segment.
struct FieldPhrase {
    first: Positional,
    second: Positional,
    bm25: Bm25,
    /// Applied after BM25, as tantivy's boost query applies the title's boost.
    boost: Score,
}

impl FieldPhrase {
    /// `None` when either word is not in the field in this segment.
    fn open(
        reader: &SegmentReader,
        positions: &CompositeFile,
        field: Field,
        terms: &[Term; 2],
        weight: &Bm25Weight,
        boost: Score,
    ) -> tantivy::Result<Option<Self>> {
        let [first, second] = terms;
        let (Some(first), Some(second)) = (
            Positional::open(reader, positions, first)?,
            Positional::open(reader, positions, second)?,
        ) else {
            return Ok(None);
        };
        let norms = reader.get_fieldnorms_reader(field)?;
        Ok(Some(Self {
            first,
            second,
            bm25: Bm25::new(norms, weight.clone()),
            boost,
        }))
    }

    /// The next document that may hold the phrase (it has both words at or after it).
    fn next_candidate(&self) -> DocId {
        self.first.doc().max(self.second.doc())
    }
}

/// How often the second word comes right after the first in one document. The positions of
/// the word with fewer are listed and the other's compared with them as they are read (most
/// documents: a common word a few times, the other once or twice); when both are many, both
/// are listed and merged.
fn phrase_count(
    (first, first_span): (&mut PositionStream, Span),
    (second, second_span): (&mut PositionStream, Span),
    listed: &mut Vec<u32>,
) -> u32 {
    const FEW: u32 = 8;
    let mut count = 0;
    if first_span.freq <= FEW && first_span.freq <= second_span.freq {
        list_positions(first, first_span, listed);
        each_position(second, second_span, |b| {
            count += listed
                .iter()
                .map(|&a| u32::from(a.wrapping_add(1) == b))
                .sum::<u32>();
        });
    } else if second_span.freq <= FEW {
        list_positions(second, second_span, listed);
        each_position(first, first_span, |a| {
            let b = a.wrapping_add(1);
            count += listed.iter().map(|&p| u32::from(p == b)).sum::<u32>();
        });
    } else {
        let mut seconds = Vec::with_capacity(second_span.freq as usize);
        list_positions(first, first_span, listed);
        list_positions(second, second_span, &mut seconds);
        count = merged_count(listed, &seconds);
    }
    count
}

/// How often a position of `second` is one after a position of `first`, both in order.
fn merged_count(first: &[u32], second: &[u32]) -> u32 {
    let (mut i, mut j, mut count) = (0, 0, 0);
    while let (Some(&a), Some(&b)) = (first.get(i), second.get(j)) {
        match a.wrapping_add(1).cmp(&b) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                count += 1;
                i += 1;
                j += 1;
            }
        }
    }
    count
}

/// The segment's number of matches and its best `limit`.
fn run(
    reader: &SegmentReader,
    mut fields: Vec<FieldPhrase>,
    filters: &SegmentFilters,
    limit: usize,
    segment: u32,
) -> (usize, Vec<(Score, DocAddress)>) {
    let max_doc = reader.max_doc();
    let alive = reader.alive_bitset();
    let filtered = alive.is_some() || filters.any();
    let mut top = Top::new(limit);
    let mut count = 0;
    let mut scores = [0.0 as Score; WINDOW as usize];
    let mut listed = Vec::new();
    let mut windows: Vec<[TermWindow; 2]> = fields
        .iter()
        .map(|_| [TermWindow::new(), TermWindow::new()])
        .collect();
    let mut both = vec![[0u64; MASK_WORDS]; fields.len()];
    let mut base = 0;
    while base < max_doc {
        let next = fields
            .iter()
            .map(FieldPhrase::next_candidate)
            .min()
            .unwrap_or(TERMINATED);
        if next >= max_doc {
            break;
        }
        base = base.max(next - next % WINDOW);
        let end = base.saturating_add(WINDOW);
        // Which documents have both words, in each field, then in either.
        let mut any = [0u64; MASK_WORDS];
        for ((field, [first, second]), both) in fields.iter_mut().zip(&mut windows).zip(&mut both) {
            for (postings, window) in [(&mut field.first, &mut *first), (&mut field.second, second)]
            {
                postings.advance_to(base);
                postings.drain(base, end, window);
            }
            for ((b, f), (s, a)) in both
                .iter_mut()
                .zip(&first.docs)
                .zip(second.docs.iter().zip(&mut any))
            {
                *b = f & s;
                *a |= *b;
            }
        }
        if filtered {
            for_each_bit(&mut any, |offset| {
                let doc = base + offset;
                alive.is_none_or(|a| a.is_alive(doc)) && filters.keeps(doc)
            });
        }
        // Title first, then content: the order tantivy's union adds the two scores in.
        let mut matches = [0u64; MASK_WORDS];
        for ((field, [first, second]), both) in fields.iter_mut().zip(&windows).zip(&mut both) {
            for (b, a) in both.iter_mut().zip(&any) {
                *b &= a;
            }
            for_each_bit(both, |offset| {
                let o = offset as usize;
                let phrases = phrase_count(
                    (&mut field.first.positions, first.span(o)),
                    (&mut field.second.positions, second.span(o)),
                    &mut listed,
                );
                if phrases > 0 {
                    matches[o / 64] |= 1 << (o % 64);
                    scores[o] += field.bm25.score(base + offset, phrases) * field.boost;
                }
                true
            });
        }
        for_each_bit(&mut matches, |offset| {
            count += 1;
            top.offer(scores[offset as usize], base + offset);
            true
        });
        scores.fill(0.0);
        base = end;
    }
    (count, top.into_addresses(segment))
}

#[cfg(test)]
#[path = "dense_phrase_tests.rs"]
mod tests;
