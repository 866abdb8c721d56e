//! The one text analyzer the index uses, exposed so other areas (the recommender) tokenize exactly
//! as the index does: words split on non-alphanumerics, long tokens dropped, accents folded,
//! lowercased, English-stemmed.

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer,
    Stemmer, TextAnalyzer, TokenStream,
};

/// Name under which the English analyzer is registered on every index we open.
pub const TEXT_TOKENIZER: &str = "ff_en";
/// Name of the analyzer for tags: one lowercased token per tag, so `tag:rust` matches "Rust".
pub const TAG_TOKENIZER: &str = "ff_tag";

/// Longest token kept (in bytes); longer ones are usually base64 or URLs, noise for search.
const MAX_TOKEN_LEN: usize = 40;

/// Builds the analyzer registered as [`TEXT_TOKENIZER`].
pub fn text_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .filter(AsciiFoldingFilter)
        .filter(LowerCaser)
        .filter(Stemmer::new(Language::English))
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
        f.write_str("Analyzer(ff_en)")
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
    fn drops_overlong_tokens() {
        let long = "x".repeat(60);
        assert_eq!(
            tokenize(&format!("short {long} word")),
            vec!["short", "word"]
        );
    }
}
