//! The phrase read from both words' postings against tantivy's phrase query, over segments,
//! deleted documents, every filter, and documents long enough that a word's positions cross
//! blocks.

use super::*;
use crate::search::analyzer::pairs_analyzer;
use crate::search::dense_fixture::{
    assert_same_under_every_filter, assert_search_is_tantivys, index,
};
use crate::search::{SearchIndex, text_analyzer};
use crate::store::IndexedItem;
use tantivy::query_grammar::parse_query;

fn phrase(text: &str) -> TwoWordPhrase {
    let ast = parse_query(text).unwrap_or_else(|e| panic!("{e:?}"));
    TwoWordPhrase::of(&ast, &mut text_analyzer(), &mut pairs_analyzer())
        .unwrap_or_else(|| panic!("{text}: not a two-word phrase"))
}

/// The fixture's items, then a few long ones: both words many times in one document (listed
/// and merged rather than compared one by one), a word more than a block (128) of times.
fn index_with_long_items(n: i64) -> SearchIndex {
    let mut index = index(n);
    let patterns: [&[&str]; 4] = [
        &["the", "river", "the", "garden", "river", "river", "the"],
        &["river", "the", "city", "the", "the", "river"],
        &["garden", "city", "garden", "city", "city", "market"],
        &["the", "of", "and", "the"],
    ];
    for (i, pattern) in patterns.iter().enumerate() {
        let id = n + 1 + i as i64;
        let words: Vec<&str> = pattern.iter().copied().cycle().take(300 + i * 77).collect();
        let item = IndexedItem {
            id,
            feed_id: id % 4,
            title: format!("{} river", pattern.join(" ")),
            content: words.join(" "),
            author: None,
            tags: Vec::new(),
            published: 1_700_000_000 + id * 60,
        };
        index.add_new(&item).unwrap_or_else(|e| panic!("{e}"));
    }
    index.commit().unwrap_or_else(|e| panic!("{e}"));
    index
}

#[test]
fn counts_and_ranks_as_tantivy_does() {
    let index = index_with_long_items(3_000);
    let searcher = index.searcher();
    assert!(searcher.segment_readers().len() > 2);
    for text in [
        "\"the river\"",
        "\"river the\"",
        "\"garden city\"",
        "\"city garden\"",
        "\"market rust\"",
        "\"and river\"",
        "\"Rivers, the\"",
        "\"the nowhere\"",
    ] {
        let query = phrase(text);
        assert_same_under_every_filter(&index, 3_000, text, |filters, limit| {
            search(&searcher, index.fields(), &query, filters, limit)
        });
    }
}

#[test]
fn the_search_takes_this_way_for_dense_phrases_and_finds_the_same() {
    let index = index_with_long_items(2_000);
    let searcher = index.searcher();
    let f = index.fields();
    assert!(
        phrase("\"the river\"")
            .is_dense(&searcher, f)
            .unwrap_or(false)
    );
    assert!(
        !phrase("\"the nowhere\"")
            .is_dense(&searcher, f)
            .unwrap_or(true)
    );
    let total = assert_search_is_tantivys(&index, "\"garden city\"", 10);
    assert!(total > 10, "the fixture has the phrase often");
}

#[test]
fn only_one_exact_phrase_of_two_different_words_is_taken() {
    assert_eq!(phrase("\"Rivers the\"").words, ["river", "the"]);
    assert_eq!(phrase("+\"river the\"").words, ["river", "the"]);
    let of = |text: &str| {
        TwoWordPhrase::of(
            &parse_query(text).unwrap_or_else(|e| panic!("{e:?}")),
            &mut text_analyzer(),
            &mut pairs_analyzer(),
        )
    };
    for other in [
        // Two common words: answered from their pair token.
        "\"of the\"",
        "\"river\"",
        "\"the river garden\"",
        "\"the the\"",
        "title:\"the river\"",
        "\"the river\"~1",
        "\"the river\"*",
        "\"the river\"^2",
        "\"the river\" garden",
        "-\"the river\"",
        "\"the river\" OR garden",
        "the river",
    ] {
        assert_eq!(of(other), None, "{other}");
    }
}
