//! Searches for common words: "and the", "the -price". Each word is in most items, in the title
//! or the content, so tantivy's way (an intersection of one union per word, each match sought
//! and scored one at a time) spent 12 ms on "and the" at a million items, half of it seeking.
//! Here the postings are read a window of documents at a time: each word's bits are set and its
//! BM25 scores added up as its postings are read (most documents of dense words match), the
//! bits are combined with the exclusions, the deleted documents and the filters, and what is
//! left is ranked. Scores are tantivy's BM25, title boosted, summed per document as its scorers
//! sum them, so the results are the parser's (`query.rs` keeps that path for every other
//! query).

use super::SearchError;
use super::cjk::is_cjk;
use super::query::Filters;
use super::schema::{Fields, TITLE_BOOST};
use super::windows::{
    Bm25, MASK_WORDS, Postings, SegmentFilters, Top, WINDOW, all_dense, clear_from, for_each_bit,
    merge_segments,
};
use tantivy::query::{Bm25Weight, Occur};
use tantivy::query_grammar::{Delimiter, UserInputAst, UserInputLeaf};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, Score, Searcher, SegmentReader, TERMINATED, Term};

/// A query of plain words, each required or excluded, as analyzed terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct WordQuery {
    pub required: Vec<String>,
    pub excluded: Vec<String>,
}

impl WordQuery {
    /// The query when `ast` is a conjunction of plain words (no field, quotes, boost, `OR` or
    /// prefix), each one token when analyzed, at least one required and two words in all;
    /// `None` otherwise.
    pub(super) fn of(ast: &UserInputAst, analyzer: &mut TextAnalyzer) -> Option<Self> {
        let clauses: Vec<(Option<Occur>, &UserInputAst)> = match ast {
            UserInputAst::Clause(clauses) => clauses.iter().map(|(o, c)| (*o, c)).collect(),
            leaf @ UserInputAst::Leaf(_) => vec![(None, leaf)],
            UserInputAst::Boost(..) => return None,
        };
        let mut query = Self {
            required: Vec::new(),
            excluded: Vec::new(),
        };
        for (occur, clause) in clauses {
            let UserInputAst::Leaf(leaf) = clause else {
                return None;
            };
            let UserInputLeaf::Literal(literal) = &**leaf else {
                return None;
            };
            if literal.field_name.is_some()
                || literal.delimiter != Delimiter::None
                || literal.prefix
                || literal.slop != 0
            {
                return None;
            }
            let term = one_token(&literal.phrase, analyzer)?;
            match occur {
                None | Some(Occur::Must) => query.required.push(term),
                Some(Occur::MustNot) => query.excluded.push(term),
                Some(Occur::Should) => return None,
            }
        }
        // One word alone is ranked by tantivy's block-max WAND, quicker than reading it all.
        let worth_it = query.required.len() > 1 || !query.excluded.is_empty();
        (!query.required.is_empty() && worth_it).then_some(query)
    }

    /// Whether every required word is in at least 1/16 (`windows::DENSE_SHARE`) of the documents (in
    /// title or content), where reading whole postings beats seeking in them.
    pub(super) fn is_dense(
        &self,
        searcher: &Searcher,
        fields: Fields,
    ) -> Result<bool, SearchError> {
        Ok(all_dense(searcher, fields, &self.required)?)
    }
}

/// The one token `text` analyzes to, unless it is a lone CJK character, which the parser
/// widens to the bigrams that hold it (`cjk_expand.rs`).
fn one_token(text: &str, analyzer: &mut TextAnalyzer) -> Option<String> {
    let mut stream = analyzer.token_stream(text);
    if !stream.advance() {
        return None;
    }
    let token = stream.token().text.clone();
    let mut chars = token.chars();
    let lone_cjk = chars.next().is_some_and(is_cjk) && chars.next().is_none();
    (!stream.advance() && !lone_cjk).then_some(token)
}

/// The number of matches of `query` under `filters` and the best `limit`, best first (equal
/// scores in index order).
pub(super) fn search(
    searcher: &Searcher,
    fields: Fields,
    query: &WordQuery,
    filters: &Filters,
    limit: usize,
) -> Result<(usize, Vec<(Score, DocAddress)>), SearchError> {
    let limit = limit.max(1);
    // Statistics over the whole index, as tantivy's term queries take them.
    let mut weights = Vec::with_capacity(query.required.len());
    for word in &query.required {
        let mut per_field = Vec::with_capacity(2);
        for (field, boost) in [(fields.title, TITLE_BOOST), (fields.content, 1.0)] {
            let term = Term::from_field_text(field, word);
            per_field.push(Bm25Weight::for_terms(searcher, &[term])?.boost_by(boost));
        }
        weights.push(per_field);
    }
    let segment = |(ord, reader): (usize, &SegmentReader)| {
        let job = SegmentJob::open(reader, fields, query, &weights, filters)?;
        Ok(job.map(|job| job.run(limit, ord as u32)))
    };
    let per_segment = searcher
        .index()
        .search_executor()
        .map(segment, searcher.segment_readers().iter().enumerate())?;
    Ok(merge_segments(per_segment.into_iter().flatten(), limit))
}

/// A required word's postings in title or content, with what scores them.
struct Scored {
    postings: Postings,
    bm25: Bm25,
}

struct SegmentJob<'a> {
    reader: &'a SegmentReader,
    /// Per required word, its postings in title and content (either may be missing).
    words: Vec<Vec<Scored>>,
    excluded: Vec<Postings>,
    filters: SegmentFilters<'a>,
}

impl<'a> SegmentJob<'a> {
    /// `None` when a required word is in no document of the segment.
    fn open(
        reader: &'a SegmentReader,
        fields: Fields,
        query: &WordQuery,
        weights: &[Vec<Bm25Weight>],
        filters: &'a Filters,
    ) -> tantivy::Result<Option<Self>> {
        let mut words = Vec::with_capacity(query.required.len());
        for (word, weights) in query.required.iter().zip(weights) {
            let mut scored = Vec::with_capacity(2);
            for (field, weight) in [fields.title, fields.content].into_iter().zip(weights) {
                let term = Term::from_field_text(field, word);
                if let Some(postings) = Postings::open(reader, &term, true)? {
                    let norms = reader.get_fieldnorms_reader(field)?;
                    let bm25 = Bm25::new(norms, weight.clone());
                    scored.push(Scored { postings, bm25 });
                }
            }
            if scored.is_empty() {
                return Ok(None);
            }
            words.push(scored);
        }
        // The rarest word first: its windows without documents are skipped.
        words.sort_by_key(|w| w.iter().map(|s| s.postings.block.doc_freq()).sum::<u32>());
        let mut excluded = Vec::new();
        for word in &query.excluded {
            for field in [fields.title, fields.content] {
                let term = Term::from_field_text(field, word);
                excluded.extend(Postings::open(reader, &term, false)?);
            }
        }
        let filters = SegmentFilters::open(reader, filters)?;
        Ok(Some(Self {
            reader,
            words,
            excluded,
            filters,
        }))
    }

    /// The segment's number of matches and its best `limit`.
    fn run(mut self, limit: usize, segment: u32) -> (usize, Vec<(Score, DocAddress)>) {
        let max_doc = self.reader.max_doc();
        let alive = self.reader.alive_bitset();
        let mut top = Top::new(limit);
        let mut count = 0;
        let mut word_scores = vec![[0.0 as Score; WINDOW as usize]; self.words.len()];
        let mut base = 0;
        while base < max_doc {
            // Skip to the window of the rarest word's next document.
            let next = self.words[0]
                .iter()
                .map(|s| s.postings.doc())
                .min()
                .unwrap_or(TERMINATED);
            if next == TERMINATED {
                break;
            }
            base = base.max(next - next % WINDOW);
            let end = base.saturating_add(WINDOW);
            let mut matches = [!0u64; MASK_WORDS];
            // Every posting is scored as it is read (most documents of dense words match),
            // a word's title and content first, then added up as tantivy's scorers add them.
            for (w, word) in self.words.iter_mut().enumerate() {
                let mut mask = [0u64; MASK_WORDS];
                let word_scores = &mut word_scores[w];
                for Scored { postings, bm25 } in word.iter_mut() {
                    postings.seek(base);
                    postings.drain(end, |doc, freq| {
                        let offset = (doc - base) as usize;
                        mask[offset / 64] |= 1 << (offset % 64);
                        word_scores[offset] += bm25.score(doc, freq);
                    });
                }
                for (m, w) in matches.iter_mut().zip(mask) {
                    *m &= w;
                }
            }
            for postings in &mut self.excluded {
                postings.seek(base);
                postings.drain(end, |doc, _| {
                    let offset = doc - base;
                    matches[(offset / 64) as usize] &= !(1 << (offset % 64));
                });
            }
            if end > max_doc {
                clear_from(&mut matches, max_doc - base);
            }
            if alive.is_some() || self.filters.any() {
                for_each_bit(&mut matches, |offset| {
                    let doc = base + offset;
                    alive.is_none_or(|a| a.is_alive(doc)) && self.filters.keeps(doc)
                });
            }
            let found: u32 = matches.iter().map(|m| m.count_ones()).sum();
            count += found as usize;
            if found > 0 {
                for_each_bit(&mut matches, |offset| {
                    let o = offset as usize;
                    let mut score = 0.0;
                    for word_scores in &word_scores {
                        score += word_scores[o];
                    }
                    top.offer(score, base + offset);
                    true
                });
            }
            for word_scores in &mut word_scores {
                word_scores.fill(0.0);
            }
            base = end;
        }
        (count, top.into_addresses(segment))
    }
}

#[cfg(test)]
#[path = "dense_words_tests.rs"]
mod tests;
