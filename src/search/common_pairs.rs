//! Pairs of common words, indexed beside the text so a phrase of common words is fast. A phrase
//! such as "of the" matches few documents, yet each of its words is in nearly all of them, and
//! tantivy checks word positions in every document that has both. A field of pair tokens
//! ("of the", "in a": adjacent words that are both on the list below), holding document ids
//! and counts, no positions, answers which documents have the pair and how often. A phrase of
//! exactly two common words is answered from its pair alone (`pair_phrase.rs`); a longer one
//! requires its pairs too, so positions are checked only where the pairs are (see
//! [`require_pairs`]). The idea is Lucene's CommonGramsFilter, narrowed to pairs of two common
//! words, which keeps the extra tokens to about a fifth of English prose.

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

/// The analyzed words of `phrase` and their pair token when the phrase is exactly two adjacent
/// common words: the pair field then answers it alone, frequency and all (`pair_phrase.rs`).
/// `text` is the text analyzer, `pairs` the pairs analyzer.
pub fn two_word_pair(
    text: &mut TextAnalyzer,
    pairs: &mut TextAnalyzer,
    phrase: &str,
) -> Option<([String; 2], String)> {
    let mut words: Vec<(String, usize)> = Vec::with_capacity(2);
    let mut stream = text.token_stream(phrase);
    while stream.advance() {
        if words.len() == 2 {
            return None;
        }
        words.push((stream.token().text.clone(), stream.token().position));
    }
    let [(first, at), (second, next)] = <[_; 2]>::try_from(words).ok()?;
    let mut stream = pairs.token_stream(phrase);
    let pair = stream.advance().then(|| stream.token().text.clone())?;
    let only_pair = !stream.advance();
    let covers = pair.strip_prefix(first.as_str()) == Some(&format!(" {second}"));
    (at + 1 == next && only_pair && covers).then_some(([first, second], pair))
}

/// Whether `literal` is an exact phrase over title or content (or both, with no field named).
pub fn is_exact_text_phrase(literal: &UserInputLiteral) -> bool {
    let over_text = literal
        .field_name
        .as_deref()
        .is_none_or(|f| PAIR_FIELDS.iter().any(|(field, _)| *field == f));
    over_text
        && literal.delimiter == Delimiter::DoubleQuotes
        && literal.slop == 0
        && !literal.prefix
}

/// What [`require_pairs`] made of a query.
pub struct Rewritten {
    pub ast: UserInputAst,
    /// Some phrase in it is two common words, left for the caller to answer from its pair.
    pub has_two_word_pairs: bool,
}

/// `ast` with every longer exact phrase over title or content made to require its pairs too:
/// `"out of the"` becomes `((title:"out of the" AND title_pairs:"out of" AND title_pairs:"of
/// the") OR (content:… AND content_pairs:…))`. A phrase match always has its pairs in the same
/// field, so the matches are the same; the pair fields are boosted by 0 (see
/// `parse_user_query`), so the scores are too. Each field gets its own conjunction because
/// tantivy's union seeks a phrase to its next match (checking positions all the way), while a
/// conjunction led by the short pair list asks the phrase only about the documents that have
/// the pair. A phrase of exactly two common words is left as it is and flagged: its pair
/// answers it alone. Other leaves are left as they are.
pub fn require_pairs(
    ast: UserInputAst,
    text: &mut TextAnalyzer,
    pairs: &mut TextAnalyzer,
) -> Rewritten {
    let mut has_two_word_pairs = false;
    let ast = rewrite(ast, text, pairs, &mut has_two_word_pairs);
    Rewritten {
        ast,
        has_two_word_pairs,
    }
}

fn rewrite(
    ast: UserInputAst,
    text: &mut TextAnalyzer,
    pairs: &mut TextAnalyzer,
    two_word: &mut bool,
) -> UserInputAst {
    match ast {
        UserInputAst::Clause(clauses) => UserInputAst::Clause(
            clauses
                .into_iter()
                .map(|(occur, clause)| (occur, rewrite(clause, text, pairs, two_word)))
                .collect(),
        ),
        UserInputAst::Boost(inner, boost) => {
            UserInputAst::Boost(Box::new(rewrite(*inner, text, pairs, two_word)), boost)
        }
        UserInputAst::Leaf(leaf) => match *leaf {
            UserInputLeaf::Literal(literal)
                if is_exact_text_phrase(&literal)
                    && two_word_pair(text, pairs, &literal.phrase).is_some() =>
            {
                *two_word = true;
                UserInputAst::Leaf(Box::new(UserInputLeaf::Literal(literal)))
            }
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
    let ranges = if is_exact_text_phrase(&phrase) {
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
