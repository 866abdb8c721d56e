//! The window-at-a-time answer against tantivy's own, over segments, deleted documents and
//! every filter.

use super::*;
use crate::model::ItemId;
use crate::search::query::collect;
use crate::search::{SearchIndex, Sort, text_analyzer};
use crate::store::IndexedItem;
use std::collections::HashSet;
use std::sync::Arc;
use tantivy::collector::{Count, TopDocs};
use tantivy::query_grammar::parse_query;

const WORDS: &[&str] = &[
    "the", "of", "and", "river", "garden", "city", "rust", "market", "the", "of", "and", "the",
];

/// `n` items of words drawn from a few (the common ones often), titles short, bodies long;
/// committed in several segments, then a tenth rewritten so that segments hold deleted
/// documents.
fn index(n: i64) -> SearchIndex {
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

fn words(text: &str) -> WordQuery {
    let ast = parse_query(text).unwrap_or_else(|e| panic!("{e:?}"));
    WordQuery::of(&ast, &mut text_analyzer()).unwrap_or_else(|| panic!("{text}: not words"))
}

/// tantivy's count and best `limit` for `text` under `filters`, as `query.rs` asks it.
fn tantivy_answer(
    index: &SearchIndex,
    text: &str,
    filters: &Filters,
    limit: usize,
) -> (usize, Vec<(Score, DocAddress)>) {
    let query = index
        .parse_user_query(text, false)
        .unwrap_or_else(|e| panic!("{e}"));
    let query = index.filtered(query, filters);
    let top = TopDocs::with_limit(limit).order_by_score();
    collect(
        &index.searcher(),
        &*query,
        filters.only.as_ref(),
        (Count, top),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn assert_same(
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

#[test]
fn counts_and_ranks_as_tantivy_does() {
    let index = index(3_000);
    let searcher = index.searcher();
    assert!(searcher.segment_readers().len() > 2);
    let odd: Arc<HashSet<ItemId>> = Arc::new((1..=3_000).filter(|i| i % 2 == 1).collect());
    let filters = [
        Filters::default(),
        Filters {
            feed: Some(2),
            ..Filters::default()
        },
        Filters {
            since: Some(1_700_000_000 + 1_500 * 60),
            ..Filters::default()
        },
        Filters {
            only: Some(odd),
            feed: Some(1),
            since: Some(1_700_000_000 + 100 * 60),
        },
    ];
    for text in [
        "the of",
        "and the",
        "the river",
        "river garden city",
        "the -river",
        "of -the -and",
        "garden -garden",
        "rust market the of and",
        "nowhere the",
    ] {
        let query = words(text);
        for filters in &filters {
            for limit in [1, 7, 20, 5_000] {
                let ours = search(&searcher, index.fields(), &query, filters, limit)
                    .unwrap_or_else(|e| panic!("{e}"));
                let theirs = tantivy_answer(&index, text, filters, limit);
                assert_same(text, &ours, &theirs);
            }
        }
    }
}

#[test]
fn the_search_takes_this_way_only_for_dense_words_and_finds_the_same() {
    let index = index(2_000);
    let searcher = index.searcher();
    let f = index.fields();
    assert!(words("the of").is_dense(&searcher, f).unwrap_or(false));
    // A made-up word is in no document: tantivy seeks the others only where it is.
    assert!(!words("the nowhere").is_dense(&searcher, f).unwrap_or(true));
    let found = index
        .search("the of", false, &Filters::default(), Sort::Relevance, 10)
        .unwrap_or_else(|e| panic!("{e}"));
    let theirs = tantivy_answer(&index, "the of", &Filters::default(), 10);
    assert_eq!(found.total, theirs.0);
    let scores: Vec<Score> = found.hits.iter().filter_map(|h| h.score).collect();
    let want: Vec<Score> = theirs.1.iter().map(|h| h.0).collect();
    assert_eq!(scores.len(), want.len());
    for (a, b) in scores.iter().zip(&want) {
        assert!((a - b).abs() < 1e-5, "{a} vs {b}");
    }
    // Highlights come from the snippets, as for any search.
    assert!(
        found
            .hits
            .iter()
            .all(|h| !h.title_highlights.is_empty() || !h.snippet.highlights.is_empty())
    );
}

#[test]
fn only_conjunctions_of_plain_words_are_taken() {
    let mut analyzer = text_analyzer();
    let of = |text: &str, analyzer: &mut TextAnalyzer| {
        WordQuery::of(
            &parse_query(text).unwrap_or_else(|e| panic!("{e:?}")),
            analyzer,
        )
    };
    assert_eq!(
        of("Rivers -the of", &mut analyzer),
        Some(WordQuery {
            required: vec!["river".into(), "of".into()],
            excluded: vec!["the".into()],
        })
    );
    for other in [
        "river",
        "-river -the",
        "river OR the",
        "title:river the",
        "\"river the\"",
        "river^2 the",
        "tf-idf the",
        "(river the) of",
    ] {
        assert_eq!(of(other, &mut analyzer), None, "{other}");
    }
}
