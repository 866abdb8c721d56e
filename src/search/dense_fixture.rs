//! The index and the comparison the window-at-a-time searches (`dense_words.rs`,
//! `dense_phrase.rs`) are tested with: their answer against tantivy's own, over segments,
//! deleted documents and every filter.

use super::query::{Filters, collect};
use super::{SearchError, SearchIndex, Sort};
use crate::model::ItemSet;
use crate::store::IndexedItem;
use std::collections::HashSet;
use std::sync::Arc;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::Query;
use tantivy::{DocAddress, Score};

const WORDS: &[&str] = &[
    "the", "of", "and", "river", "garden", "city", "rust", "market", "the", "of", "and", "the",
];

/// `n` items of words drawn from a few (the common ones often), titles short, bodies long;
/// committed in several segments, then a tenth rewritten so that segments hold deleted
/// documents.
pub(super) fn index(n: i64) -> SearchIndex {
    let mut index = SearchIndex::create_in_ram().unwrap_or_else(|e| panic!("{e}"));
    let mut state = 7u64;
    let mut word = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        WORDS[(state >> 33) as usize % WORDS.len()]
    };
    let item = |id: i64, word: &mut dyn FnMut() -> &'static str| {
        let title: Vec<&str> = (0..2 + id % 5).map(|_| word()).collect();
        let content: Vec<&str> = (0..5 + id % 37).map(|_| word()).collect();
        IndexedItem {
            id,
            feed_id: id % 4,
            title: title.join(" "),
            content: content.join(" "),
            author: None,
            tags: Vec::new(),
            published: 1_700_000_000 + id * 60,
        }
    };
    for id in 1..=n {
        index
            .add_new(&item(id, &mut word))
            .unwrap_or_else(|e| panic!("{e}"));
        if id % 700 == 0 {
            index.commit().unwrap_or_else(|e| panic!("{e}"));
        }
    }
    index.commit().unwrap_or_else(|e| panic!("{e}"));
    for id in (1..=n).step_by(10) {
        index
            .upsert(&item(id, &mut word))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    index.commit().unwrap_or_else(|e| panic!("{e}"));
    index
}

/// No filter, a feed, a date, and all of them with an id set (the unread filter's kind).
pub(super) fn filter_sets(items: i64) -> [Filters; 4] {
    let odd: Arc<ItemSet> = Arc::new((1..=items).filter(|i| i % 2 == 1).collect());
    [
        Filters::default(),
        Filters {
            feed: Some(2),
            ..Filters::default()
        },
        Filters {
            since: Some(1_700_000_000 + items / 2 * 60),
            ..Filters::default()
        },
        Filters {
            only: Some(odd),
            feed: Some(1),
            since: Some(1_700_000_000 + 100 * 60),
        },
    ]
}

/// tantivy's count and best `limit` for `text` under `filters`, as `query.rs` asks it.
pub(super) fn tantivy_answer(
    index: &SearchIndex,
    text: &str,
    filters: &Filters,
    limit: usize,
) -> (usize, Vec<(Score, DocAddress)>) {
    let query = index
        .parse_user_query(text, false)
        .unwrap_or_else(|e| panic!("{e}"));
    collected(index, &*index.filtered(query, filters), filters, limit)
}

/// `ours(filters, limit)` against tantivy's answer to `text` under every filter set of an
/// index of `items` and limits from 1 to 5,000.
pub(super) fn assert_same_under_every_filter(
    index: &SearchIndex,
    items: i64,
    text: &str,
    ours: impl Fn(&Filters, usize) -> Result<(usize, Vec<(Score, DocAddress)>), SearchError>,
) {
    for filters in &filter_sets(items) {
        for limit in [1, 7, 20, 5_000] {
            let ours = ours(filters, limit).unwrap_or_else(|e| panic!("{e}"));
            let theirs = tantivy_answer(index, text, filters, limit);
            assert_same(text, &ours, &theirs);
        }
    }
}

/// The count and best `limit` of `query`, already restricted by the feed and date filters,
/// with the unread one applied while collecting.
pub(super) fn collected(
    index: &SearchIndex,
    query: &dyn Query,
    filters: &Filters,
    limit: usize,
) -> (usize, Vec<(Score, DocAddress)>) {
    let top = TopDocs::with_limit(limit).order_by_score();
    collect(
        &index.searcher(),
        query,
        filters.only.as_ref(),
        (Count, top),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// `SearchIndex::search` of `text` (the path a user's search takes) against tantivy's answer:
/// the same count and scores, and every hit highlighted. Returns tantivy's count.
pub(super) fn assert_search_is_tantivys(index: &SearchIndex, text: &str, limit: usize) -> usize {
    let found = index
        .search(text, false, &Filters::default(), Sort::Relevance, limit)
        .unwrap_or_else(|e| panic!("{e}"));
    let theirs = tantivy_answer(index, text, &Filters::default(), limit);
    assert_eq!(found.total, theirs.0, "{text}");
    let scores: Vec<Score> = found.hits.iter().filter_map(|h| h.score).collect();
    let want: Vec<Score> = theirs.1.iter().map(|h| h.0).collect();
    assert_eq!(scores.len(), want.len(), "{text}");
    for (a, b) in scores.iter().zip(&want) {
        assert!((a - b).abs() < 1e-5, "{text}: {a} vs {b}");
    }
    // Highlights come from the snippets, as for any search.
    assert!(
        found
            .hits
            .iter()
            .all(|h| !h.title_highlights.is_empty() || !h.snippet.highlights.is_empty()),
        "{text}"
    );
    theirs.0
}

pub(super) fn assert_same(
    text: &str,
    ours: &(usize, Vec<(Score, DocAddress)>),
    theirs: &(usize, Vec<(Score, DocAddress)>),
) {
    assert_eq!(ours.0, theirs.0, "{text}: count");
    assert_eq!(ours.1.len(), theirs.1.len(), "{text}: hits");
    let close = |a: Score, b: Score| (a - b).abs() <= 1e-5 * a.abs().max(1.0);
    for (i, ((a, _), (b, _))) in ours.1.iter().zip(&theirs.1).enumerate() {
        assert!(close(*a, *b), "{text}: score {i}: {a} vs {b}");
    }
    // The same documents, but for ones tied (within rounding) with the last score kept.
    let last = theirs.1.last().map_or(0.0, |h| h.0);
    let clear = |hits: &[(Score, DocAddress)]| -> HashSet<DocAddress> {
        hits.iter()
            .filter(|(s, _)| !close(*s, last))
            .map(|h| h.1)
            .collect()
    };
    assert_eq!(clear(&ours.1), clear(&theirs.1), "{text}: documents");
}
