//! The index's schema: which item fields are searchable, stored for snippets, or fast for
//! sorting and filtering. An index whose schema differs from [`build_schema`] is rebuilt on open,
//! and so is one built with another `ANALYZER_VERSION` (a change to what an analyzer outputs
//! must bump it; see `analyzer.rs`).

use super::analyzer::{
    PAIRS_TOKENIZER, TAG_TOKENIZER, TEXT_TOKENIZER, pairs_analyzer, tag_analyzer, text_analyzer,
};
use tantivy::Index;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions,
};

/// How much more a query term counts in the title than in the body.
pub const TITLE_BOOST: f32 = 2.0;

/// Field handles, resolved once per index.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Item row id. One i64 field (indexed, fast, stored) serves delete-by-term, filtering by
    /// id sets and reading ids of thousands of hits without touching the doc store.
    pub id: Field,
    pub feed: Field,
    pub title: Field,
    pub content: Field,
    pub author: Field,
    pub tag: Field,
    /// Pairs of adjacent common words of the title and of the content (`common_pairs.rs`):
    /// document ids and counts, no positions. A pair's count is the count of its two-word
    /// phrase (`pair_phrase.rs`); longer phrases are narrowed down by their pairs before their
    /// positions are checked.
    pub title_pairs: Field,
    pub content_pairs: Field,
    /// `published_at`, else `fetched_at`: Unix seconds, fast for date sort and `--since`.
    pub published: Field,
    /// Hash of the indexed columns, so `check` can tell a stale document from a current one.
    pub stamp: Field,
}

impl Fields {
    /// Resolves the handles in `schema`; `None` when it is not our schema.
    pub fn resolve(schema: &Schema) -> Option<Self> {
        Some(Self {
            id: schema.get_field("id").ok()?,
            feed: schema.get_field("feed").ok()?,
            title: schema.get_field("title").ok()?,
            content: schema.get_field("content").ok()?,
            author: schema.get_field("author").ok()?,
            tag: schema.get_field("tag").ok()?,
            title_pairs: schema.get_field("title_pairs").ok()?,
            content_pairs: schema.get_field("content_pairs").ok()?,
            published: schema.get_field("published").ok()?,
            stamp: schema.get_field("stamp").ok()?,
        })
    }
}

fn text(tokenizer: &str) -> TextOptions {
    TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored()
}

/// The schema every focusfeed index has.
pub fn build_schema() -> Schema {
    let mut b = Schema::builder();
    b.add_i64_field("id", INDEXED | FAST | STORED);
    b.add_i64_field("feed", INDEXED | FAST | STORED);
    b.add_text_field("title", text(TEXT_TOKENIZER));
    b.add_text_field("content", text(TEXT_TOKENIZER));
    b.add_text_field("author", text("default"));
    b.add_text_field("tag", text(TAG_TOKENIZER));
    let pairs = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(PAIRS_TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    b.add_text_field("title_pairs", pairs.clone());
    b.add_text_field("content_pairs", pairs);
    b.add_i64_field("published", INDEXED | FAST | STORED);
    b.add_u64_field("stamp", FAST | STORED);
    b.build()
}

/// Registers our analyzers; tantivy does not persist tokenizers, so every opened index needs it.
pub fn register_tokenizers(index: &Index) {
    index.tokenizers().register(TEXT_TOKENIZER, text_analyzer());
    index.tokenizers().register(TAG_TOKENIZER, tag_analyzer());
    index
        .tokenizers()
        .register(PAIRS_TOKENIZER, pairs_analyzer());
}
