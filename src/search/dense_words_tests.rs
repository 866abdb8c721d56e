//! The window-at-a-time answer against tantivy's own, over segments, deleted documents and
//! every filter.

use super::*;
use crate::search::dense_fixture::{
    assert_same_under_every_filter, assert_search_is_tantivys, index,
};
use crate::search::text_analyzer;
use tantivy::query_grammar::parse_query;

fn words(text: &str) -> WordQuery {
    let ast = parse_query(text).unwrap_or_else(|e| panic!("{e:?}"));
    WordQuery::of(&ast, &mut text_analyzer()).unwrap_or_else(|| panic!("{text}: not words"))
}

#[test]
fn counts_and_ranks_as_tantivy_does() {
    let index = index(3_000);
    let searcher = index.searcher();
    assert!(searcher.segment_readers().len() > 2);
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
        assert_same_under_every_filter(&index, 3_000, text, |filters, limit| {
            search(&searcher, index.fields(), &query, filters, limit)
        });
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
    assert!(assert_search_is_tantivys(&index, "the of", 10) > 10);
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
        "猫 the",
    ] {
        assert_eq!(of(other, &mut analyzer), None, "{other}");
    }
}
