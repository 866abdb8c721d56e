//! Pairs of common words, indexed beside the text so a phrase of common words is fast. A phrase
//! such as "of the" matches few documents, yet each of its words is in nearly all of them, and
//! tantivy checks word positions in every document that has both. A field of pair tokens
//! ("of the", "in a": adjacent words that are both on the list below), holding document ids
//! only, answers which documents have the pair at all; a phrase query requires its pairs
//! there too, so positions are checked only where the pair is (see `query.rs`). The idea is
//! Lucene's CommonGramsFilter, narrowed to pairs of two common words, which keeps the extra
//! tokens to about a fifth of English prose.

use super::word_memo::{MEMO_WORDS, Memo};
use std::sync::LazyLock;
use tantivy::query_grammar::{Delimiter, Occur, UserInputAst, UserInputLeaf, UserInputLiteral};
use tantivy::tokenizer::{TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer};

/// The pair field of each text field, by name.
const PAIR_FIELDS: [(&str, &str); 2] = [("title", "title_pairs"), ("content", "content_pairs")];

/// The most frequent English function words. A phrase of two of them costs the most to check
/// and is what the pairs are for; a phrase with a rarer word is fast without them.
const COMMON_WORDS: &[&str] = &[
    "the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "was", "with", "on",
    "by", "this", "are", "from", "at", "be", "or", "an", "not", "have", "has", "had", "but", "his",
    "her", "they", "we", "you", "he", "she", "i", "which", "their", "will", "can", "been", "were",
    "its", "all", "one", "there", "so", "if", "no", "do", "what", "who", "would", "about", "out",
    "up", "into", "than", "more", "our", "my", "me", "them",
];

/// The common words as the text analyzer leaves them (folded, lowercased, stemmed).
static COMMON: LazyLock<Vec<String>> = LazyLock::new(|| {
    let mut memo = Memo::default();
    let mut stems: Vec<String> = COMMON_WORDS.iter().map(|w| memo.normal_form(w)).collect();
    stems.sort();
    stems.dedup();
    stems
});

/// The filter, over the words as the tokenizer cuts them: emits one token per pair of
/// adjacent words whose analyzed forms are both common, "first second" in those forms, at
/// the first word's position and spanning both; nothing else. Each word's verdict is
/// remembered, so most words cost one lookup (no copy, no stemming).
#[derive(Clone, Copy, Debug, Default)]
pub struct CommonPairs;

impl TokenFilter for CommonPairs {
    type Tokenizer<T: Tokenizer> = CommonPairsFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CommonPairsFilter<T> {
        CommonPairsFilter {
            tokenizer,
            verdicts: Verdicts::default(),
        }
    }
}

pub struct CommonPairsFilter<T> {
    tokenizer: T,
    verdicts: Verdicts,
}

/// A copy starts with nothing remembered (tantivy copies an analyzer per parsed query).
impl<T: Clone> Clone for CommonPairsFilter<T> {
    fn clone(&self) -> Self {
        Self {
            tokenizer: self.tokenizer.clone(),
            verdicts: Verdicts::default(),
        }
    }
}

impl<T: Tokenizer> Tokenizer for CommonPairsFilter<T> {
    type TokenStream<'a> = CommonPairsStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CommonPairsStream {
            tail: self.tokenizer.token_stream(text),
            verdicts: &mut self.verdicts,
            previous: Previous::default(),
            pair: Token::default(),
        }
    }
}

/// Which common word (its index in `COMMON`) each word seen analyzes to, if any.
#[derive(Default)]
struct Verdicts {
    words: foldhash::HashMap<String, Option<u8>>,
    memo: Option<Memo>,
}

impl Verdicts {
    fn of(&mut self, word: &str) -> Option<u8> {
        if let Some(known) = self.words.get(word) {
            return *known;
        }
        let normal = self
            .memo
            .get_or_insert_with(Memo::default)
            .normal_form(word);
        let verdict = COMMON
            .binary_search(&normal)
            .ok()
            .and_then(|i| u8::try_from(i).ok());
        if self.words.len() >= MEMO_WORDS {
            self.words.clear();
        }
        self.words.insert(word.to_owned(), verdict);
        verdict
    }
}

/// The last word seen, when it was a common one.
#[derive(Default)]
struct Previous {
    common: Option<u8>,
    position: usize,
    offset_from: usize,
}

pub struct CommonPairsStream<'a, S> {
    tail: S,
    verdicts: &'a mut Verdicts,
    previous: Previous,
    pair: Token,
}

impl<S: TokenStream> TokenStream for CommonPairsStream<'_, S> {
    fn advance(&mut self) -> bool {
        while self.tail.advance() {
            let word = self.tail.token();
            let Some(common) = self.verdicts.of(&word.text) else {
                self.previous.common = None;
                continue;
            };
            let p = &mut self.previous;
            let first = p.common.filter(|_| p.position + 1 == word.position);
            if let Some(first) = first {
                self.pair.text.clear();
                self.pair.text.push_str(&COMMON[usize::from(first)]);
                self.pair.text.push(' ');
                self.pair.text.push_str(&COMMON[usize::from(common)]);
                self.pair.position = p.position;
                self.pair.offset_from = p.offset_from;
                self.pair.offset_to = word.offset_to;
                self.pair.position_length = 1;
            }
            p.common = Some(common);
            p.position = word.position;
            p.offset_from = word.offset_from;
            if first.is_some() {
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        &self.pair
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.pair
    }
}

/// The parts of `phrase` (byte ranges of its text) that make pair tokens, in order; empty when
/// no two adjacent words of it are common. `pairs` is the pairs analyzer.
pub fn phrase_pairs(pairs: &mut TextAnalyzer, phrase: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut stream = pairs.token_stream(phrase);
    while stream.advance() {
        let t = stream.token();
        out.push((t.offset_from, t.offset_to));
    }
    out
}

/// `ast` with every exact phrase over title or content made to require its pairs too: `"of
/// the"` becomes `((title:"of the" AND title_pairs:"of the") OR (content:"of the" AND
/// content_pairs:"of the"))`. A phrase match always has its pairs in the same field, so the
/// matches are the same; the pair fields are boosted by 0 (see `parse_user_query`), so the
/// scores are too. Each field gets its own conjunction because tantivy's union seeks a phrase
/// to its next match (checking positions all the way), while a conjunction led by the short
/// pair list asks the phrase only about the documents that have the pair. Other leaves are
/// left as they are.
pub fn require_pairs(ast: UserInputAst, pairs: &mut TextAnalyzer) -> UserInputAst {
    match ast {
        UserInputAst::Clause(clauses) => UserInputAst::Clause(
            clauses
                .into_iter()
                .map(|(occur, clause)| (occur, require_pairs(clause, pairs)))
                .collect(),
        ),
        UserInputAst::Boost(inner, boost) => {
            UserInputAst::Boost(Box::new(require_pairs(*inner, pairs)), boost)
        }
        UserInputAst::Leaf(leaf) => match *leaf {
            UserInputLeaf::Literal(literal) => phrase_with_pairs(literal, pairs),
            other => UserInputAst::Leaf(Box::new(other)),
        },
    }
}

fn literal(field: &str, phrase: &str) -> UserInputAst {
    UserInputAst::Leaf(Box::new(UserInputLeaf::Literal(UserInputLiteral {
        field_name: Some(field.to_owned()),
        phrase: phrase.to_owned(),
        delimiter: Delimiter::DoubleQuotes,
        slop: 0,
        prefix: false,
    })))
}

fn phrase_with_pairs(phrase: UserInputLiteral, pairs: &mut TextAnalyzer) -> UserInputAst {
    let fields: Vec<(&str, &str)> = PAIR_FIELDS
        .iter()
        .filter(|(field, _)| phrase.field_name.as_deref().is_none_or(|f| f == *field))
        .copied()
        .collect();
    let exact = phrase.delimiter == Delimiter::DoubleQuotes && phrase.slop == 0 && !phrase.prefix;
    let ranges = if exact && !fields.is_empty() {
        phrase_pairs(pairs, &phrase.phrase)
    } else {
        Vec::new()
    };
    if ranges.is_empty() {
        return UserInputAst::Leaf(Box::new(UserInputLeaf::Literal(phrase)));
    }
    let per_field: Vec<(Option<Occur>, UserInputAst)> = fields
        .iter()
        .map(|(field, pair_field)| {
            let mut all = vec![(Some(Occur::Must), literal(field, &phrase.phrase))];
            all.extend(ranges.iter().map(|&(from, to)| {
                let pair = &phrase.phrase[from..to];
                (Some(Occur::Must), literal(pair_field, pair))
            }));
            (Some(Occur::Should), UserInputAst::Clause(all))
        })
        .collect();
    match <[_; 1]>::try_from(per_field) {
        Ok([(_, only)]) => only,
        Err(both) => UserInputAst::Clause(both),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::analyzer::pairs_analyzer;

    fn pairs(text: &str) -> Vec<(String, usize)> {
        let mut a = pairs_analyzer();
        let mut s = a.token_stream(text);
        let mut out = Vec::new();
        while s.advance() {
            out.push((s.token().text.clone(), s.token().position));
        }
        out
    }

    #[test]
    fn only_adjacent_common_words_pair_up_at_the_first_ones_position() {
        let pair = |t: &str, p: usize| (t.to_owned(), p);
        assert_eq!(
            pairs("The state of the art is in a garden, of THE people."),
            vec![
                pair("of the", 2),
                pair("is in", 5),
                pair("in a", 6),
                pair("of the", 9)
            ]
        );
        assert!(pairs("garden river meadow").is_empty());
        assert!(pairs("").is_empty());
        // CJK bigrams are never common words.
        assert!(pairs("推荐算法 of 的").is_empty());
    }

    #[test]
    fn a_phrase_gives_the_text_of_each_pair_and_one_pair_analyzes_to_itself() {
        let mut a = pairs_analyzer();
        let phrase = "Out of, the blue";
        let ranges = phrase_pairs(&mut a, phrase);
        let parts: Vec<&str> = ranges.iter().map(|&(f, t)| &phrase[f..t]).collect();
        assert_eq!(parts, vec!["Out of", "of, the"]);
        for part in parts {
            assert_eq!(phrase_pairs(&mut a, part).len(), 1, "{part}");
        }
        assert!(phrase_pairs(&mut a, "blue garden").is_empty());
    }
}

#[cfg(test)]
mod phrase_tests {
    use crate::search::schema::TITLE_BOOST;
    use crate::search::{Filters, SearchIndex, Sort};
    use crate::store::IndexedItem;
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::QueryParser;

    const TEXTS: &[(&str, &str)] = &[
        (
            "The state of the art",
            "It is in the garden of the house, and the rest is out of the way.",
        ),
        ("Out of the blue", "Nothing of note. The of the of."),
        ("Garden notes", "the the the of of of — a garden in a city"),
        (
            "Of The People",
            "Of, the people: by the people. It is what it is.",
        ),
        (
            "On the road",
            "The road is long; of the many roads, this one is the road.",
        ),
        (
            "State of art",
            "Art of the state, state of the art again, and of the art.",
        ),
        ("缓存 of the 算法", "推荐算法 of the 系统 is in a box"),
    ];

    fn index() -> SearchIndex {
        let mut index = SearchIndex::create_in_ram().unwrap_or_else(|e| panic!("{e}"));
        for (i, (title, content)) in TEXTS.iter().enumerate() {
            let item = IndexedItem {
                id: i as i64 + 1,
                feed_id: 1,
                title: (*title).to_owned(),
                content: (*content).to_owned(),
                author: None,
                tags: Vec::new(),
                published: 1_700_000_000 + i as i64,
            };
            index.add_new(&item).unwrap_or_else(|e| panic!("{e}"));
        }
        index.commit().unwrap_or_else(|e| panic!("{e}"));
        index
    }

    /// (total, [(id, score)]) of `text` parsed as before pairs existed: tantivy's own parser.
    fn without_pairs(index: &SearchIndex, text: &str) -> (usize, Vec<(i64, f32)>) {
        let f = index.fields();
        let mut parser = QueryParser::for_index(index.tantivy_index(), vec![f.title, f.content]);
        parser.set_field_boost(f.title, TITLE_BOOST);
        parser.set_conjunction_by_default();
        let query = parser.parse_query(text).unwrap_or_else(|e| panic!("{e}"));
        let searcher = index.searcher();
        let (total, top) = searcher
            .search(&query, &(Count, TopDocs::with_limit(100).order_by_score()))
            .unwrap_or_else(|e| panic!("{e}"));
        let ids = index.doc_map().unwrap_or_else(|e| panic!("{e}"));
        let mut hits: Vec<(i64, f32)> = top
            .into_iter()
            .map(|(score, address)| {
                let id = ids
                    .by_item
                    .iter()
                    .find(|(_, e)| e.address == address)
                    .map(|(id, _)| *id)
                    .unwrap_or_else(|| panic!("no id for {address:?}"));
                (id, score)
            })
            .collect();
        hits.sort_by_key(|h| h.0);
        (total, hits)
    }

    fn with_pairs(index: &SearchIndex, text: &str) -> (usize, Vec<(i64, f32)>) {
        let found = index
            .search(text, false, &Filters::default(), Sort::Relevance, 100)
            .unwrap_or_else(|e| panic!("{e}"));
        let mut hits: Vec<(i64, f32)> = found
            .hits
            .iter()
            .map(|h| (h.id, h.score.unwrap_or(f32::NAN)))
            .collect();
        hits.sort_by_key(|h| h.0);
        (found.total, hits)
    }

    #[test]
    fn phrases_find_and_score_exactly_what_they_did_without_pairs() {
        let index = index();
        for text in [
            "\"of the\"",
            "\"the of\"",
            "\"the the\"",
            "\"it is\"",
            "\"is in the\"",
            "\"out of the\"",
            "\"of the art\"",
            "\"state of the art\"",
            "title:\"of the\"",
            "content:\"of the\"",
            "\"of the\" garden",
            "garden -\"of the\"",
            "\"of the\" OR road",
            "\"of the\"^3 art",
            "\"of the\"~1",
            "\"by the people\"",
            "\"garden notes\"",
            "\"the road is\"",
            "\"算法 of the\"",
        ] {
            let (total, hits) = with_pairs(&index, text);
            let (want_total, want) = without_pairs(&index, text);
            assert_eq!(total, want_total, "{text}");
            assert_eq!(hits.len(), want.len(), "{text}");
            for ((id, score), (want_id, want_score)) in hits.iter().zip(&want) {
                assert_eq!(id, want_id, "{text}");
                assert!(
                    (score - want_score).abs() < 1e-4,
                    "{text}: {score} vs {want_score}"
                );
            }
        }
        // The test texts do hold the phrases it asks about.
        assert_eq!(with_pairs(&index, "\"of the\"").0, 6);
    }

    #[test]
    fn a_phrase_of_common_words_requires_its_pairs_and_others_stay_as_they_are() {
        let index = index();
        let f = index.fields();
        let fields_of = |text: &str| {
            let query = index
                .parse_user_query(text, false)
                .unwrap_or_else(|e| panic!("{e}"));
            let mut fields = Vec::new();
            query.query_terms(&mut |term, _| fields.push(term.field()));
            fields
        };
        let common = fields_of("\"of the\"");
        assert!(common.contains(&f.title_pairs) && common.contains(&f.content_pairs));
        assert_eq!(
            fields_of("title:\"of the\"")
                .iter()
                .filter(|x| **x == f.content_pairs)
                .count(),
            0
        );
        for text in [
            "\"garden notes\"",
            "\"the garden\"",
            "of the",
            "\"of the\"~1",
        ] {
            let fields = fields_of(text);
            assert!(
                !fields.contains(&f.title_pairs) && !fields.contains(&f.content_pairs),
                "{text}"
            );
        }
        // Half-typed syntax still answers, pairs and all.
        let lenient = index
            .parse_user_query("\"of the", true)
            .unwrap_or_else(|e| panic!("{e}"));
        let mut fields = Vec::new();
        lenient.query_terms(&mut |term, _| fields.push(term.field()));
        assert!(!fields.is_empty());
    }
}
