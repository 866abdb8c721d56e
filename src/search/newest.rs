//! Newest-first searches. Sorting every match by date read the date of each of them: "the" at a
//! million items took 8–10 ms. The newest matches lie among the most recent items, so they are
//! looked for among the items published after a cutoff, moved back until enough are found. Any
//! match before the cutoff is older than all those found, so the answer is exactly the one a
//! full sort gives.

use super::SearchError;
use super::query::collect;
use crate::model::ItemSet;
use std::ops::Bound;
use std::sync::Arc;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, RangeQuery};
use tantivy::schema::Field;
use tantivy::{DocAddress, Order, Searcher, Term};

/// The date field's name in the schema (a fast field).
const PUBLISHED: &str = "published";
/// Below this many matches one full sort is as quick as any cutoff.
const SORT_ALL_BELOW: usize = 5_000;
/// The first window is meant to hold this many times the matches asked for.
const FIRST_WINDOW_SPARE: f64 = 4.0;
/// Each retry widens the window this many times.
const WIDEN: f64 = 4.0;
/// After this many windows the rest is sorted whole (dates far from uniform: a feed from 1970
/// beside this week's).
const MAX_WINDOWS: usize = 6;

/// The number of matches of `query` (kept to `only` when given) and the newest `limit` of
/// them, newest first; equal dates in index order, as a full sort gives them.
pub(super) fn newest_first(
    searcher: &Searcher,
    query: &dyn Query,
    published: Field,
    only: Option<&Arc<ItemSet>>,
    limit: usize,
) -> Result<(usize, Vec<DocAddress>), SearchError> {
    // TopDocs panics on 0; ask for one and let the caller drop it.
    let limit = limit.max(1);
    let by_date = || TopDocs::with_limit(limit).order_by_fast_field::<i64>(PUBLISHED, Order::Desc);
    let addresses =
        |found: Vec<(Option<i64>, DocAddress)>| found.into_iter().map(|(_, a)| a).collect();
    let total = collect(searcher, query, only, Count)?;
    let Some((oldest, newest)) = date_range(searcher)? else {
        return Ok((total, Vec::new()));
    };
    if total < SORT_ALL_BELOW {
        return Ok((total, addresses(collect(searcher, query, only, by_date())?)));
    }
    // As if dates were spread evenly: the share of the time span that holds the matches wanted.
    let span = (newest as f64 - oldest as f64).max(1.0);
    let mut window = span * (limit as f64 * FIRST_WINDOW_SPARE / total as f64);
    let wanted = limit.min(total);
    for _ in 0..MAX_WINDOWS {
        if window >= span {
            break;
        }
        // Saturating float-to-int conversion: a window wider than i64 is the whole span anyway.
        let cutoff = newest.saturating_sub(window.ceil() as i64);
        let recent = RangeQuery::new(
            Bound::Included(Term::from_field_i64(published, cutoff)),
            Bound::Unbounded,
        );
        let within: Vec<(Occur, Box<dyn Query>)> = vec![
            (Occur::Must, query.box_clone()),
            (
                Occur::Must,
                Box::new(ConstScoreQuery::new(Box::new(recent), 0.0)),
            ),
        ];
        let found = collect(searcher, &BooleanQuery::new(within), only, by_date())?;
        if found.len() >= wanted {
            return Ok((total, addresses(found)));
        }
        window *= WIDEN;
    }
    Ok((total, addresses(collect(searcher, query, only, by_date())?)))
}

/// The oldest and newest date in the index; `None` when it is empty.
fn date_range(searcher: &Searcher) -> Result<Option<(i64, i64)>, SearchError> {
    let mut range: Option<(i64, i64)> = None;
    for reader in searcher.segment_readers() {
        if reader.num_docs() == 0 {
            continue;
        }
        let column = reader.fast_fields().i64(PUBLISHED)?;
        let (lo, hi) = (column.min_value(), column.max_value());
        range = Some(match range {
            Some((a, b)) => (a.min(lo), b.max(hi)),
            None => (lo, hi),
        });
    }
    Ok(range)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::{Filters, SearchIndex};
    use crate::store::IndexedItem;

    const YEAR_9000: i64 = 221_845_392_000;

    /// Three items a minute from 2023 on, ids `1..=n`. All say "common"; every third of the
    /// older half says "rare"; the newest 50 say "late". With `outliers`, items 97, 194, … are
    /// from 1970 and item 98 from the year 9000, as feeds with broken dates give.
    fn index(n: i64, outliers: bool) -> SearchIndex {
        let mut index = SearchIndex::create_in_ram().unwrap_or_else(|e| panic!("{e}"));
        for id in 1..=n {
            let published = match id {
                98 if outliers => YEAR_9000,
                _ if outliers && id % 97 == 0 => id,
                _ => 1_700_000_000 + (id / 3) * 60,
            };
            let mut content = String::from("common");
            if id % 3 == 0 && id <= n / 2 {
                content.push_str(" rare");
            }
            if id > n - 50 {
                content.push_str(" late");
            }
            let item = IndexedItem {
                id,
                feed_id: id % 5,
                title: format!("item {id}"),
                content,
                author: None,
                tags: Vec::new(),
                published,
            };
            index.add_new(&item).unwrap_or_else(|e| panic!("{e}"));
            // Several segments, as a grown index has.
            if id % 9_000 == 0 {
                index.commit().unwrap_or_else(|e| panic!("{e}"));
            }
        }
        index.commit().unwrap_or_else(|e| panic!("{e}"));
        index
    }

    /// What a full sort gives: every match's date read.
    fn sorted_whole(
        index: &SearchIndex,
        query: &dyn Query,
        only: Option<&Arc<ItemSet>>,
        limit: usize,
    ) -> (usize, Vec<DocAddress>) {
        let top = TopDocs::with_limit(limit).order_by_fast_field::<i64>(PUBLISHED, Order::Desc);
        let (n, found) =
            collect(&index.searcher(), query, only, (Count, top)).unwrap_or_else(|e| panic!("{e}"));
        (n, found.into_iter().map(|(_, a)| a).collect())
    }

    #[test]
    fn finds_what_a_full_sort_finds() {
        for outliers in [false, true] {
            let index = index(40_000, outliers);
            let searcher = index.searcher();
            let published = index.fields().published;
            let odd: Arc<ItemSet> = Arc::new((1..=40_000).filter(|i| i % 2 == 1).collect());
            for text in ["common", "rare", "late", "common -rare", "item", "nothing"] {
                let query = index
                    .parse_user_query(text, false)
                    .unwrap_or_else(|e| panic!("{e}"));
                for limit in [1, 20, 60, 7_000] {
                    for only in [None, Some(&odd)] {
                        let fast = newest_first(&searcher, &*query, published, only, limit)
                            .unwrap_or_else(|e| panic!("{e}"));
                        let whole = sorted_whole(&index, &*query, only, limit);
                        assert_eq!(
                            fast,
                            whole,
                            "{text:?}, limit {limit}, only odd {}, outliers {outliers}",
                            only.is_some()
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn the_far_future_and_the_distant_past_are_in_place() {
        let index = index(10_000, true);
        let found = index
            .search(
                "common",
                false,
                &Filters::default(),
                crate::search::Sort::Date,
                3,
            )
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(found.total, 10_000);
        let dates: Vec<i64> = found.hits.iter().map(|h| h.published).collect();
        let newest_regular = 1_700_000_000 + (10_000 / 3) * 60;
        assert_eq!(dates, [YEAR_9000, newest_regular, newest_regular]);
    }

    #[test]
    fn an_empty_index_finds_nothing() {
        let index = SearchIndex::create_in_ram().unwrap_or_else(|e| panic!("{e}"));
        let query = index
            .parse_user_query("anything", false)
            .unwrap_or_else(|e| panic!("{e}"));
        let found = newest_first(
            &index.searcher(),
            &*query,
            index.fields().published,
            None,
            20,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(found, (0, Vec::new()));
    }
}
