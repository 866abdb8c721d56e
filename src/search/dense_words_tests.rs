//! The window-at-a-time answer against tantivy's own, over segments, deleted documents and
//! every filter.

use super::*;
use crate::search::dense_fixture::{assert_same, filter_sets, index, tantivy_answer};
use crate::search::{Sort, text_analyzer};
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
    let filters = filter_sets(3_000);
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
        "猫 the",
    ] {
        assert_eq!(of(other, &mut analyzer), None, "{other}");
    }
}
