//! The one text analyzer the index uses, exposed so other areas (the recommender) tokenize exactly
//! as the index does: words split on non-alphanumerics and CJK text cut into bigrams (see
//! `cjk.rs`), long tokens dropped, accents folded, lowercased, English-stemmed.

use super::cjk::CjkBigramTokenizer;
use super::common_pairs::CommonPairs;
use super::word_memo::FoldLowerStem;
use tantivy::tokenizer::{LowerCaser, RawTokenizer, RemoveLongFilter, TextAnalyzer, TokenStream};

/// Version of what [`text_analyzer`] makes of a text. An index records the version it was
/// built with and is rebuilt from SQLite when it differs, so every document and every query
/// are analyzed alike: bump it with any change to the analyzer's output. 1: words only (a CJK
/// run was one token); 2: CJK bigrams; 3: pairs of common words in their own fields.
pub const ANALYZER_VERSION: u32 = 3;

/// Name under which the text analyzer is registered on every index we open. It changed with
/// version 2 (it was `ff_en`) so that an older build rebuilds a newer index rather than mixing
/// its own analysis into it.
pub const TEXT_TOKENIZER: &str = "ff_text";
/// Name of the analyzer of the pair fields (`common_pairs.rs`).
pub const PAIRS_TOKENIZER: &str = "ff_pairs";
/// Name of the analyzer for tags: one lowercased token per tag, so `tag:rust` matches "Rust".
pub const TAG_TOKENIZER: &str = "ff_tag";

/// Longest token kept (in bytes); longer ones are usually base64 or URLs, noise for search.
const MAX_TOKEN_LEN: usize = 40;

/// Builds the analyzer registered as [`TEXT_TOKENIZER`].
pub fn text_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(CjkBigramTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        // Folding, lowercasing and English stemming, each word's outcome remembered.
        .filter(FoldLowerStem)
        .build()
}

/// Builds the analyzer registered as [`PAIRS_TOKENIZER`]: the text analyzer's words, of which
/// only pairs of adjacent common words come out.
pub fn pairs_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(CjkBigramTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .filter(CommonPairs)
        .build()
}

/// Builds the analyzer registered as [`TAG_TOKENIZER`].
pub fn tag_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .build()
}

/// Tokenizes text exactly as the index does for `title` and `content`.
///
/// ```
/// let mut a = focusfeed::search::Analyzer::new();
/// assert_eq!(a.tokens("Running Cafés!"), vec!["run", "cafe"]);
/// ```
#[derive(Clone)]
pub struct Analyzer {
    inner: TextAnalyzer,
}

impl Default for Analyzer {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Analyzer(ff_text)")
    }
}

impl Analyzer {
    pub fn new() -> Self {
        Self {
            inner: text_analyzer(),
        }
    }

    /// The analyzed terms of `text`, in order, duplicates kept.
    pub fn tokens(&mut self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        self.for_each_token(text, |t| out.push(t.to_owned()));
        out
    }

    /// Calls `f` with each analyzed term of `text`, without allocating a vector.
    pub fn for_each_token(&mut self, text: &str, mut f: impl FnMut(&str)) {
        let mut stream = self.inner.token_stream(text);
        while stream.advance() {
            f(&stream.token().text);
        }
    }
}

/// Tokenizes `text` as the index does (convenience for one-off calls; keep an [`Analyzer`] in
/// loops).
pub fn tokenize(text: &str) -> Vec<String> {
    Analyzer::new().tokens(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_folds_and_lowercases() {
        assert_eq!(
            tokenize("The Runners were RUNNING to the café"),
            vec!["the", "runner", "were", "run", "to", "the", "cafe"]
        );
    }

    #[test]
    fn cjk_bigrams_pass_the_filters_unchanged_and_latin_words_split_out() {
        assert_eq!(
            tokenize("TF-IDF是常见的推荐算法"),
            vec![
                "tf", "idf", "是常", "常见", "见的", "的推", "推荐", "荐算", "算法"
            ]
        );
        // The English stemmer and the folding leave kana and Hangul alone.
        assert_eq!(
            tokenize("ありがとうございます 한국어"),
            vec![
                "あり", "りが", "がと", "とう", "うご", "ござ", "ざい", "いま", "ます", "한국",
                "국어"
            ]
        );
        assert_eq!(tokenize("Running番茄Cafés"), vec!["run", "番茄", "cafe"]);
    }

    #[test]
    fn drops_overlong_tokens() {
        let long = "x".repeat(60);
        assert_eq!(
            tokenize(&format!("short {long} word")),
            vec!["short", "word"]
        );
    }
}
