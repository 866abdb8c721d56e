//! Phrase searches against tantivy's own parser: the pair fields (`common_pairs.rs`,
//! `pair_phrase.rs`, `query_build.rs`) change how fast a phrase is answered, never what it finds
//! or how it scores.

use crate::search::schema::TITLE_BOOST;
use crate::search::{Filters, SearchIndex, Sort};
use crate::store::IndexedItem;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::QueryParser;

const TEXTS: &[(&str, &str)] = &[
    (
        "The state of the art",
        "It is in the garden of the house, and the rest is out of the way.",
    ),
    ("Out of the blue", "Nothing of note. The of the of."),
    ("Garden notes", "the the the of of of — a garden in a city"),
    (
        "Of The People",
        "Of, the people: by the people. It is what it is.",
    ),
    (
        "On the road",
        "The road is long; of the many roads, this one is the road.",
    ),
    (
        "State of art",
        "Art of the state, state of the art again, and of the art.",
    ),
    ("缓存 of the 算法", "推荐算法 of the 系统 is in a box"),
    // The long token is dropped by the analyzer but keeps its position: no "of the" here.
    (
        "Long words",
        "of xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx the end",
    ),
];

fn index() -> SearchIndex {
    let mut index = SearchIndex::create_in_ram().unwrap_or_else(|e| panic!("{e}"));
    for (i, (title, content)) in TEXTS.iter().enumerate() {
        let item = IndexedItem {
            id: i as i64 + 1,
            feed_id: 1,
            title: (*title).to_owned(),
            content: (*content).to_owned(),
            author: None,
            tags: Vec::new(),
            published: 1_700_000_000 + i as i64,
        };
        index.add_new(&item).unwrap_or_else(|e| panic!("{e}"));
    }
    index.commit().unwrap_or_else(|e| panic!("{e}"));
    index
}

/// (total, [(id, score)]) of `text` parsed as before pairs existed: tantivy's own parser.
fn without_pairs(index: &SearchIndex, text: &str, lenient: bool) -> (usize, Vec<(i64, f32)>) {
    let f = index.fields();
    let mut parser = QueryParser::for_index(index.tantivy_index(), vec![f.title, f.content]);
    parser.set_field_boost(f.title, TITLE_BOOST);
    parser.set_conjunction_by_default();
    let query = if lenient {
        parser.parse_query_lenient(text).0
    } else {
        parser.parse_query(text).unwrap_or_else(|e| panic!("{e}"))
    };
    let searcher = index.searcher();
    let (total, top) = searcher
        .search(&query, &(Count, TopDocs::with_limit(100).order_by_score()))
        .unwrap_or_else(|e| panic!("{e}"));
    let ids = index.doc_map().unwrap_or_else(|e| panic!("{e}"));
    let mut hits: Vec<(i64, f32)> = top
        .into_iter()
        .map(|(score, address)| {
            let id = ids
                .by_item
                .iter()
                .find(|(_, e)| e.address == address)
                .map(|(id, _)| *id)
                .unwrap_or_else(|| panic!("no id for {address:?}"));
            (id, score)
        })
        .collect();
    hits.sort_by_key(|h| h.0);
    (total, hits)
}

fn with_pairs(index: &SearchIndex, text: &str, lenient: bool) -> (usize, Vec<(i64, f32)>) {
    let found = index
        .search(text, lenient, &Filters::default(), Sort::Relevance, 100)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut hits: Vec<(i64, f32)> = found
        .hits
        .iter()
        .map(|h| (h.id, h.score.unwrap_or(f32::NAN)))
        .collect();
    hits.sort_by_key(|h| h.0);
    (found.total, hits)
}

fn assert_same(index: &SearchIndex, text: &str, lenient: bool) {
    let (total, hits) = with_pairs(index, text, lenient);
    let (want_total, want) = without_pairs(index, text, lenient);
    assert_eq!(total, want_total, "{text}");
    assert_eq!(hits.len(), want.len(), "{text}");
    for ((id, score), (want_id, want_score)) in hits.iter().zip(&want) {
        assert_eq!(id, want_id, "{text}");
        assert!(
            (score - want_score).abs() < 1e-4,
            "{text}: {score} vs {want_score}"
        );
    }
}

#[test]
fn phrases_find_and_score_exactly_what_they_did_without_pairs() {
    let index = index();
    for text in [
        "\"of the\"",
        "\"the of\"",
        "\"the the\"",
        "\"it is\"",
        "\"Of, THE\"",
        "\"is in the\"",
        "\"out of the\"",
        "\"of the art\"",
        "\"state of the art\"",
        "title:\"of the\"",
        "content:\"of the\"",
        "\"of the\" garden",
        "garden -\"of the\"",
        "\"of the\" OR road",
        "\"of the\"^3 art",
        "\"of the\"^1 art",
        "(\"of the\" OR \"it is\") state",
        "title:\"of the\"^2 OR content:\"in a\"",
        "\"of the\" \"state of the art\" -road",
        "\"of the\" author:nobody",
        "\"of the\"~1",
        "\"by the people\"",
        "\"garden notes\"",
        "\"the road is\"",
        "\"算法 of the\"",
        "\"of xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx the\"",
    ] {
        assert_same(&index, text, false);
        assert_same(&index, text, true);
    }
    // Half-typed and exclusions alone, which only a lenient parse answers.
    for text in [
        "\"of the",
        "\"of the\" (garden",
        "-\"of the\"",
        "-\"of the\" -road",
    ] {
        assert_same(&index, text, true);
    }
    // A strict parse fails where tantivy's does.
    for text in ["-\"of the\"", "\"of the\" nofield:x"] {
        assert!(
            index
                .search(text, false, &Filters::default(), Sort::Relevance, 5)
                .is_err(),
            "{text}"
        );
    }
    // The test texts do hold the phrases it asks about, some more than once in an item.
    assert_eq!(with_pairs(&index, "\"of the\"", false).0, 6);
    assert_eq!(with_pairs(&index, "\"the the\"", false).0, 1);
}

/// How many phrases of `text`'s query are answered from pairs, and how many read positions.
fn phrase_kinds(index: &SearchIndex, text: &str) -> (usize, usize) {
    let query = index
        .parse_user_query(text, false)
        .unwrap_or_else(|e| panic!("{e}"));
    let shown = format!("{query:?}");
    let from_pairs = shown.matches("PairPhraseQuery").count();
    (
        from_pairs,
        shown.matches("PhraseQuery").count() - from_pairs,
    )
}

#[test]
fn a_phrase_of_two_common_words_reads_no_positions_and_a_longer_one_requires_its_pairs() {
    let index = index();
    assert_eq!(phrase_kinds(&index, "\"of the\""), (2, 0));
    assert_eq!(phrase_kinds(&index, "title:\"of the\""), (1, 0));
    assert_eq!(
        phrase_kinds(&index, "\"of the\"^2 -\"in a\" garden"),
        (4, 0)
    );
    assert_eq!(phrase_kinds(&index, "\"out of the\""), (0, 2));
    assert_eq!(phrase_kinds(&index, "\"of the garden\""), (0, 2));
    assert_eq!(phrase_kinds(&index, "\"the garden\""), (0, 2));
    assert_eq!(phrase_kinds(&index, "\"of the\"~1"), (0, 2));
}

#[test]
fn a_phrase_of_common_words_requires_its_pairs_and_others_stay_as_they_are() {
    let index = index();
    let f = index.fields();
    let fields_of = |text: &str| {
        let query = index
            .parse_user_query(text, false)
            .unwrap_or_else(|e| panic!("{e}"));
        let mut fields = Vec::new();
        query.query_terms(&mut |term, _| fields.push(term.field()));
        fields
    };
    let common = fields_of("\"of the\"");
    assert!(common.contains(&f.title_pairs) && common.contains(&f.content_pairs));
    assert_eq!(
        fields_of("title:\"of the\"")
            .iter()
            .filter(|x| **x == f.content_pairs)
            .count(),
        0
    );
    for text in [
        "\"garden notes\"",
        "\"the garden\"",
        "of the",
        "\"of the\"~1",
    ] {
        let fields = fields_of(text);
        assert!(
            !fields.contains(&f.title_pairs) && !fields.contains(&f.content_pairs),
            "{text}"
        );
    }
    // Half-typed syntax still answers, pairs and all.
    let lenient = index
        .parse_user_query("\"of the", true)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut fields = Vec::new();
    lenient.query_terms(&mut |term, _| fields.push(term.field()));
    assert!(!fields.is_empty());
}
