//! The search domain: a tantivy full-text index that is a projection of SQLite's items
//! (see ../shared/docs/design.md). `index` owns the tantivy index, `query` answers user searches
//! with snippets, `profile` and `vectors` serve the recommender (weighted-term retrieval,
//! tf-idf vectors),
//! `sync` keeps the index in step with SQLite (outbox, rebuild, check); `common_pairs`,
//! `pair_phrase` and `query_build` make phrases of common words fast, `dense_words` queries of
//! common words and `dense_phrase` (with `position_stream`) a phrase of two frequent words,
//! both a window of documents at a time (`windows`); `newest` sorts by date without reading
//! every match's date; `merge_policy` keeps segments of a size that parallel searches share out.

mod analyzer;
mod cjk;
mod cjk_expand;
mod common_pairs;
#[cfg(test)]
mod dense_fixture;
mod dense_phrase;
mod dense_words;
mod index;
mod merge_policy;
mod newest;
mod pair_phrase;
#[cfg(test)]
mod phrase_tests;
mod position_stream;
mod profile;
mod query;
mod query_build;
mod schema;
mod snippet;
mod sync;
mod vectors;
mod windows;
mod word_memo;

pub use analyzer::{ANALYZER_VERSION, Analyzer, TEXT_TOKENIZER, text_analyzer, tokenize};
pub use cjk::is_cjk;
pub use index::{DocEntry, DocMap, SearchIndex, stamp};
pub use profile::ProfileHit;
pub use query::{Filters, Hit, SearchRequest, SearchResults, Sort};
pub use schema::{Fields, TITLE_BOOST, build_schema};
pub use snippet::HitSnippet;
pub use sync::{
    BATCH, BULK_BATCH, CheckReport, DrainReport, OpenOutcome, check, drain_outbox,
    drain_outbox_within, open_or_rebuild, rebuild,
};
pub use vectors::TermVector;

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error(
        "the search index is being written by another focusfeed process (the window?); \
         close it or try again when it is idle"
    )]
    Busy,
    #[error("no search index in {0}")]
    Missing(PathBuf),
    #[error("the search index in {path} is damaged ({reason})")]
    Corrupt { path: PathBuf, reason: String },
    /// Made by another build: another analyzer version or schema.
    #[error("the search index in {path} was made by another version of focusfeed ({reason})")]
    Outdated { path: PathBuf, reason: String },
    #[error("invalid search query: {0} (see `focusfeed search --help` for the syntax)")]
    Query(String),
    #[error("cannot use {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}
