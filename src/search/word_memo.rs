//! Folding, lowercasing and stemming, remembered word by word. Text repeats its words (a few
//! hundred make up half of any page), and stemming each occurrence anew was the analyzer's
//! largest cost when indexing; a word seen before now costs a lookup. The output is exactly
//! that of tantivy's `AsciiFoldingFilter`, `LowerCaser` and English `Stemmer` in a row.

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, Stemmer, TextAnalyzer, Token,
    TokenFilter, TokenStream, Tokenizer,
};

/// Words remembered at most: a few MB. When full, the memo starts over (the common words come
/// back at once, and a long tail of rare words cannot grow it without bound).
pub(super) const MEMO_WORDS: usize = 50_000;

/// The token filter: folds, lowercases and stems each token, remembering what each word became.
#[derive(Clone, Copy, Debug, Default)]
pub struct FoldLowerStem;

impl TokenFilter for FoldLowerStem {
    type Tokenizer<T: Tokenizer> = FoldLowerStemFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> FoldLowerStemFilter<T> {
        FoldLowerStemFilter {
            tokenizer,
            memo: Memo::default(),
        }
    }
}

pub struct FoldLowerStemFilter<T> {
    tokenizer: T,
    memo: Memo,
}

/// A copy starts with an empty memo: tantivy clones an analyzer for every query it parses,
/// and copying the remembered words each time would cost more than it saves.
impl<T: Clone> Clone for FoldLowerStemFilter<T> {
    fn clone(&self) -> Self {
        Self {
            tokenizer: self.tokenizer.clone(),
            memo: Memo::default(),
        }
    }
}

impl<T: Tokenizer> Tokenizer for FoldLowerStemFilter<T> {
    type TokenStream<'a> = FoldLowerStemStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        FoldLowerStemStream {
            tail: self.tokenizer.token_stream(text),
            memo: &mut self.memo,
        }
    }
}

pub struct FoldLowerStemStream<'a, S> {
    tail: S,
    memo: &'a mut Memo,
}

impl<S: TokenStream> TokenStream for FoldLowerStemStream<'_, S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        self.memo.normalize(&mut self.tail.token_mut().text);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

pub(super) struct Memo {
    words: foldhash::HashMap<String, String>,
    /// The three filters, over one token at a time (a raw tokenizer passes it whole).
    filters: TextAnalyzer,
}

impl Default for Memo {
    fn default() -> Self {
        Self {
            words: foldhash::HashMap::default(),
            filters: TextAnalyzer::builder(RawTokenizer::default())
                .filter(AsciiFoldingFilter)
                .filter(LowerCaser)
                .filter(Stemmer::new(Language::English))
                .build(),
        }
    }
}

impl Memo {
    /// What the three filters make of `word`, not remembered (for callers with a memo of
    /// their own).
    pub(super) fn normal_form(&mut self, word: &str) -> String {
        let mut stream = self.filters.token_stream(word);
        if stream.advance() {
            std::mem::take(&mut stream.token_mut().text)
        } else {
            String::new()
        }
    }

    fn normalize(&mut self, word: &mut String) {
        if let Some(known) = self.words.get(word.as_str()) {
            word.clone_from(known);
            return;
        }
        let mut normal = String::new();
        {
            let mut stream = self.filters.token_stream(word);
            if stream.advance() {
                normal.clone_from(&stream.token().text);
            }
        }
        if self.words.len() >= MEMO_WORDS {
            self.words.clear();
        }
        let original = std::mem::replace(word, normal);
        self.words.insert(original, word.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::cjk::CjkBigramTokenizer;

    fn chain() -> TextAnalyzer {
        TextAnalyzer::builder(CjkBigramTokenizer::default())
            .filter(AsciiFoldingFilter)
            .filter(LowerCaser)
            .filter(Stemmer::new(Language::English))
            .build()
    }

    fn memoized() -> TextAnalyzer {
        TextAnalyzer::builder(CjkBigramTokenizer::default())
            .filter(FoldLowerStem)
            .build()
    }

    fn tokens(a: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut out = Vec::new();
        let mut s = a.token_stream(text);
        while s.advance() {
            let t = s.token();
            out.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
        }
        out
    }

    #[test]
    fn makes_what_the_three_filters_make_the_first_time_and_every_time_after() {
        let texts = [
            "The Runners were RUNNING to the café; runners RUN, ran, running.",
            "Ærøskøbing's naïve coöperation — Straße, ĲSSEL, ﬁnancial",
            "TF-IDF是常见的推荐算法 Running番茄Cafés ありがとうございます 한국어",
            "generalizations generalization general generally GENERALIZATIONS",
            "",
        ];
        let (mut plain, mut memo) = (chain(), memoized());
        for round in 0..3 {
            for text in texts {
                assert_eq!(
                    tokens(&mut memo, text),
                    tokens(&mut plain, text),
                    "round {round}: {text:?}"
                );
            }
        }
    }

    #[test]
    fn the_memo_starts_over_when_full_and_stays_right() {
        let mut memo = Memo::default();
        for i in 0..MEMO_WORDS + 10 {
            let mut w = format!("Running{i}s");
            memo.normalize(&mut w);
            assert!(memo.words.len() <= MEMO_WORDS);
        }
        let mut w = "Connections".to_owned();
        memo.normalize(&mut w);
        assert_eq!(w, "connect");
        let mut again = "Connections".to_owned();
        memo.normalize(&mut again);
        assert_eq!(again, "connect");
    }
}
