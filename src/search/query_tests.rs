//! A search with a feed filter, restricted branch by branch, against the whole query restricted
//! at once: the same matches, scores and order.

use super::*;
use crate::search::dense_fixture::{collected, filter_sets, index};

/// How a query is restricted by the filters: as a whole, or branch by branch.
type Restrict = fn(&SearchIndex, Box<dyn Query>, &Filters) -> Box<dyn Query>;

/// The count and best `limit` of `query` under `filters`, restricted as `restrict` does it.
fn answer(
    index: &SearchIndex,
    query: &dyn Query,
    filters: &Filters,
    limit: usize,
    restrict: Restrict,
) -> (usize, Vec<(f32, DocAddress)>) {
    collected(
        index,
        &*restrict(index, query.box_clone(), filters),
        filters,
        limit,
    )
}

#[test]
fn a_feed_filter_taken_branch_by_branch_changes_no_match_or_score() {
    let index = index(3_000);
    let mut with_feed = 0;
    for filters in filter_sets(3_000) {
        with_feed += usize::from(filters.feed.is_some());
        for text in [
            "the",
            "river",
            "title:garden",
            "the OR river",
            "river OR (garden city)",
            "\"garden city\"",
            "\"garden city\" OR market",
            "river -the",
            "nowhere",
            "nowhere OR rust",
        ] {
            let query = index
                .parse_user_query(text, false)
                .unwrap_or_else(|e| panic!("{e}"));
            for limit in [1, 20, 5_000] {
                let ours = answer(
                    &index,
                    &*query,
                    &filters,
                    limit,
                    SearchIndex::filtered_search,
                );
                let whole = answer(&index, &*query, &filters, limit, SearchIndex::filtered);
                assert_eq!(ours, whole, "{text}, {filters:?}, {limit}");
            }
        }
    }
    assert_eq!(with_feed, 2, "two of the filter sets keep one feed");
}

#[test]
fn only_a_union_with_a_feed_to_keep_is_split() {
    let index = index(200);
    let word = index
        .parse_user_query("river", false)
        .unwrap_or_else(|e| panic!("{e}"));
    let feed = Filters {
        feed: Some(1),
        ..Filters::default()
    };
    let split = index.filtered_search(word.box_clone(), &feed);
    let branches = split
        .downcast_ref::<BooleanQuery>()
        .map(|q| q.clauses().len());
    assert_eq!(
        branches,
        Some(2),
        "title and content, each with the feed: {split:?}"
    );
    // Without a feed, or for a conjunction, the query is restricted as a whole.
    let since = Filters {
        since: Some(1_700_000_000),
        ..Filters::default()
    };
    let whole = format!("{:?}", index.filtered(word.box_clone(), &since));
    assert_eq!(format!("{:?}", index.filtered_search(word, &since)), whole);
    let both = index
        .parse_user_query("river garden", false)
        .unwrap_or_else(|e| panic!("{e}"));
    let whole = format!("{:?}", index.filtered(both.box_clone(), &feed));
    assert_eq!(format!("{:?}", index.filtered_search(both, &feed)), whole);
}
