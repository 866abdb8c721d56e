//! The full-text index as a user and the other areas rely on it: query syntax, filters, date
//! sort, highlighted snippets, the SQLite outbox keeping the index in step, check/repair, and
//! a damaged index rebuilt on start-up.
#![allow(clippy::unwrap_used)]

use chrono::{TimeZone, Utc};
use focusfeed::clock::{ManualClock, SharedClock};
use focusfeed::engine::Engine;
use focusfeed::search::{self, Filters, SearchIndex, SearchRequest, Sort};
use focusfeed::store::Store;
use std::path::Path;
use std::sync::Arc;

const DAY: i64 = 86_400;
const T0: i64 = 1_750_000_000;

fn clock() -> SharedClock {
    Arc::new(ManualClock::new(
        Utc.timestamp_opt(T0 + 30 * DAY, 0).unwrap(),
    ))
}

fn add_feed(store: &Store, id: i64) {
    store
        .conn()
        .execute(
            "INSERT INTO feeds(id, url, title, created_at) VALUES (?1, ?2, 'Feed', 0)",
            rusqlite::params![id, format!("http://127.0.0.1/{id}.xml")],
        )
        .unwrap();
}

/// Inserts an item and queues it for the index, as `Store::store_feed_update` does.
fn add_item(store: &Store, feed: i64, title: &str, content: &str, published: i64) -> i64 {
    let id = add_item_unqueued(store, feed, title, content, published);
    store
        .conn()
        .execute("INSERT INTO index_outbox(item_id) VALUES (?1)", [id])
        .unwrap();
    id
}

/// Inserts an item without telling the index (an old build or a hand edit).
fn add_item_unqueued(store: &Store, feed: i64, title: &str, content: &str, published: i64) -> i64 {
    store
        .conn()
        .execute(
            "INSERT INTO items(feed_id, key, title, author, content_text, categories, \
             published_at, fetched_at) VALUES (?1, ?2, ?3, 'Ada Lovelace', ?4, '[\"Rust\"]', ?5, ?5)",
            rusqlite::params![feed, format!("{title}-{published}"), title, content, published],
        )
        .unwrap();
    store.conn().last_insert_rowid()
}

/// Six items in two feeds, one day apart; the newest is the last.
fn fixture(store: &Store) -> Vec<i64> {
    add_feed(store, 1);
    add_feed(store, 2);
    vec![
        add_item(
            store,
            1,
            "Rust 2.0 released",
            "The compiler got faster and the borrow checker smarter.",
            T0,
        ),
        add_item(
            store,
            1,
            "Gardening in winter",
            "Protect the roots of your roses from frost. Rust spots on leaves are a fungus.",
            T0 + DAY,
        ),
        add_item(
            store,
            2,
            "Running a marathon",
            "Runners train for months; the race itself is 42 km.",
            T0 + 2 * DAY,
        ),
        add_item(
            store,
            2,
            "Python or Rust for data work",
            "A comparison of two languages for data pipelines.",
            T0 + 3 * DAY,
        ),
        add_item(
            store,
            1,
            "Compiler internals",
            "How the Rust compiler lowers code to MIR and then to LLVM.",
            T0 + 4 * DAY,
        ),
        add_item(
            store,
            2,
            "Weekend recipes",
            "Bread, soup and a cake for a slow Sunday.",
            T0 + 5 * DAY,
        ),
    ]
}

fn engine(dir: &Path) -> Engine {
    Engine::open(dir, clock()).unwrap()
}

fn ids(engine: &mut Engine, text: &str) -> Vec<i64> {
    let req = SearchRequest {
        text: text.into(),
        ..SearchRequest::default()
    };
    engine
        .search(&req)
        .unwrap()
        .hits
        .iter()
        .map(|h| h.id)
        .collect()
}

fn sorted(mut v: Vec<i64>) -> Vec<i64> {
    v.sort_unstable();
    v
}

#[test]
fn query_syntax_words_phrases_fields_negation_or_and_stemming() {
    let dir = tempfile::tempdir().unwrap();
    let mut e = engine(dir.path());
    let it = fixture(e.store());
    e.sync_index(None).unwrap();

    // Words must all match; title matches rank first (title boost).
    let both = sorted(ids(&mut e, "rust compiler"));
    assert_eq!(both, sorted(vec![it[0], it[4]]));
    let ranked = ids(&mut e, "compiler");
    assert_eq!(
        ranked.first(),
        Some(&it[4]),
        "title match first: {ranked:?}"
    );
    // A phrase matches the words in order only.
    assert_eq!(ids(&mut e, "\"borrow checker\""), vec![it[0]]);
    assert!(ids(&mut e, "\"checker borrow\"").is_empty());
    // Field syntax.
    assert_eq!(
        sorted(ids(&mut e, "title:rust")),
        sorted(vec![it[0], it[3]])
    );
    // Negation.
    assert_eq!(
        sorted(ids(&mut e, "rust -compiler")),
        sorted(vec![it[1], it[3]])
    );
    // OR.
    assert_eq!(
        sorted(ids(&mut e, "marathon OR recipes")),
        sorted(vec![it[2], it[5]])
    );
    // Stemming: "runner" finds "Runners" and "Running".
    assert_eq!(ids(&mut e, "runner"), vec![it[2]]);
    // Tags and authors.
    assert_eq!(ids(&mut e, "tag:rust").len(), 6);
    assert_eq!(ids(&mut e, "author:lovelace").len(), 6);
    // Bad syntax is a clear error, not a panic; lenient mode (as you type) still answers.
    let bad = SearchRequest {
        text: "title:(rust".into(),
        ..SearchRequest::default()
    };
    let err = e.search(&bad).unwrap_err().to_string();
    assert!(err.contains("invalid search query"), "{err}");
    let lenient = SearchRequest {
        lenient: true,
        ..bad
    };
    assert!(e.search(&lenient).is_ok());
}

#[test]
fn filters_by_feed_date_and_unread_with_exact_counts() {
    let dir = tempfile::tempdir().unwrap();
    let mut e = engine(dir.path());
    let it = fixture(e.store());
    e.sync_index(None).unwrap();
    let req = |f: &dyn Fn(&mut SearchRequest)| {
        let mut r = SearchRequest {
            text: "rust".into(),
            ..SearchRequest::default()
        };
        f(&mut r);
        r
    };
    let by_feed = e.search(&req(&|r| r.feed = Some(1))).unwrap();
    assert_eq!(by_feed.total, 3);
    assert!(by_feed.hits.iter().all(|h| h.feed_id == 1));

    let since = e.search(&req(&|r| r.since = Some(T0 + 3 * DAY))).unwrap();
    assert_eq!(
        sorted(since.hits.iter().map(|h| h.id).collect()),
        sorted(vec![it[3], it[4]])
    );

    // Marking read is a SQLite change only; it does not queue index work.
    e.store()
        .conn()
        .execute(
            "UPDATE items SET read_at = ?1 WHERE id IN (?2, ?3)",
            rusqlite::params![T0, it[0], it[4]],
        )
        .unwrap();
    assert_eq!(e.store().index_outbox_len().unwrap(), 0);
    // Limit 1 of the unread: the count still covers all unread matches.
    let unread = e
        .search(&req(&|r| {
            r.unread = true;
            r.limit = 1;
        }))
        .unwrap();
    assert_eq!(unread.total, 2);
    assert_eq!(unread.hits.len(), 1);
    assert!([it[1], it[3]].contains(&unread.hits[0].id));
    // Hits carry SQLite's read state, feed title and link.
    let all = e.search(&req(&|_| {})).unwrap();
    for hit in &all.hits {
        assert_eq!(hit.read, hit.id == it[0] || hit.id == it[4], "{hit:?}");
        assert_eq!(hit.feed_title, "Feed");
    }
    let zero = e.search(&req(&|r| r.limit = 0)).unwrap();
    assert_eq!((zero.total, zero.hits.len()), (4, 0));
}

#[test]
fn sorts_by_date_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut e = engine(dir.path());
    let it = fixture(e.store());
    e.sync_index(None).unwrap();
    let res = e
        .search(&SearchRequest {
            text: "rust".into(),
            sort: Sort::Date,
            ..SearchRequest::default()
        })
        .unwrap();
    let got: Vec<i64> = res.hits.iter().map(|h| h.id).collect();
    assert_eq!(got, vec![it[4], it[3], it[1], it[0]]);
    assert!(
        res.hits
            .windows(2)
            .all(|w| w[0].published >= w[1].published)
    );
    assert!(res.hits.iter().all(|h| h.score.is_none()));
    // An empty query lists everything, newest first.
    let all = e
        .search(&SearchRequest {
            sort: Sort::Date,
            ..SearchRequest::default()
        })
        .unwrap();
    assert_eq!(all.total, 6);
    assert_eq!(all.hits[0].id, it[5]);
}

#[test]
fn snippets_highlight_the_matched_words() {
    let dir = tempfile::tempdir().unwrap();
    let mut e = engine(dir.path());
    let it = fixture(e.store());
    e.sync_index(None).unwrap();
    let res = e
        .search(&SearchRequest {
            text: "fungus".into(),
            ..SearchRequest::default()
        })
        .unwrap();
    assert_eq!(res.hits.len(), 1);
    let hit = &res.hits[0];
    assert_eq!(hit.id, it[1]);
    let marked: Vec<&str> = hit
        .snippet
        .highlights
        .iter()
        .map(|&(s, e)| &hit.snippet.text[s..e])
        .collect();
    assert_eq!(marked, vec!["fungus"]);
    assert!(hit.snippet.to_html().contains("<b>fungus</b>"));

    // A stemmed title match is highlighted in the title, and the snippet still shows text.
    let res = e
        .search(&SearchRequest {
            text: "gardens".into(),
            ..SearchRequest::default()
        })
        .unwrap();
    let hit = &res.hits[0];
    let (s, end) = hit.title_highlights[0];
    assert_eq!(&hit.title[s..end], "Gardening");
    assert!(hit.snippet.text.starts_with("Protect the roots"));
}

#[test]
fn outbox_follows_inserts_updates_and_deletes() {
    let dir = tempfile::tempdir().unwrap();
    let mut e = engine(dir.path());
    // Open (create) the index first, so the items below reach it through the outbox.
    e.search_index().unwrap();
    let it = fixture(e.store());
    assert_eq!(e.store().index_outbox_len().unwrap(), 6);
    let report = e.sync_index(None).unwrap().unwrap();
    assert_eq!((report.indexed, report.deleted), (6, 0));
    assert_eq!(e.store().index_outbox_len().unwrap(), 0);

    // Update of an indexed column.
    e.store()
        .conn()
        .execute(
            "UPDATE items SET title = 'Sourdough weekend' WHERE id = ?1",
            [it[5]],
        )
        .unwrap();
    // Rewriting a row with the same values queues nothing.
    e.store()
        .conn()
        .execute(
            "UPDATE items SET title = title, content_text = content_text WHERE id = ?1",
            [it[0]],
        )
        .unwrap();
    assert_eq!(e.store().index_outbox_len().unwrap(), 1);
    e.sync_index(None).unwrap();
    assert_eq!(ids(&mut e, "sourdough"), vec![it[5]]);
    assert!(ids(&mut e, "recipes").is_empty());

    // An item deleted but not yet synced is not offered as a hit.
    e.store()
        .conn()
        .execute("DELETE FROM items WHERE id = ?1", [it[3]])
        .unwrap();
    let res = e
        .search(&SearchRequest {
            text: "python".into(),
            ..SearchRequest::default()
        })
        .unwrap();
    assert_eq!((res.total, res.hits.len()), (0, 0));
    e.sync_index(None).unwrap();

    // Delete one item, then a whole feed (cascade).
    e.store()
        .conn()
        .execute("DELETE FROM items WHERE id = ?1", [it[2]])
        .unwrap();
    e.store()
        .conn()
        .execute("DELETE FROM feeds WHERE id = 1", [])
        .unwrap();
    let report = e.sync_index(None).unwrap().unwrap();
    assert_eq!(report.deleted, 4);
    assert!(ids(&mut e, "marathon").is_empty());
    assert_eq!(ids(&mut e, ""), vec![it[5]]);
    assert!(e.check_index().unwrap().is_consistent());
}

#[test]
fn check_reports_differences_and_repair_rebuilds() {
    let dir = tempfile::tempdir().unwrap();
    let mut e = engine(dir.path());
    let it = fixture(e.store());
    e.sync_index(None).unwrap();
    let ok = e.check_index().unwrap();
    assert!(ok.is_consistent(), "{ok:?}");
    assert_eq!((ok.sqlite_items, ok.index_docs), (6, 6));

    // Changes that bypass the outbox (say, an old build or a hand edit) make the index differ.
    let conn = e.store().conn();
    conn.execute_batch("DROP TRIGGER items_index_update; DROP TRIGGER items_index_delete;")
        .unwrap();
    let new = add_item_unqueued(e.store(), 2, "Unindexed", "Nobody told the index.", T0);
    e.store()
        .conn()
        .execute("UPDATE items SET title = 'Changed' WHERE id = ?1", [it[0]])
        .unwrap();
    e.store()
        .conn()
        .execute("DELETE FROM items WHERE id = ?1", [it[1]])
        .unwrap();
    let bad = e.check_index().unwrap();
    assert!(!bad.is_consistent());
    assert_eq!((bad.missing, bad.stale, bad.extra), (1, 1, 1));
    assert_eq!(bad.examples_missing, vec![new]);
    assert_eq!(bad.examples_stale, vec![it[0]]);
    assert_eq!(bad.examples_extra, vec![it[1]]);

    let mut steps = Vec::new();
    let n = e
        .rebuild_index(&mut |done, total| steps.push((done, total)))
        .unwrap();
    assert_eq!(n, 6);
    assert_eq!(steps.last(), Some(&(6, 6)));
    assert!(e.check_index().unwrap().is_consistent());
    assert_eq!(ids(&mut e, "unindexed"), vec![new]);
}

fn corrupt_and_reopen(damage: impl Fn(&Path)) {
    let dir = tempfile::tempdir().unwrap();
    let it;
    {
        let mut e = engine(dir.path());
        it = fixture(e.store());
        e.sync_index(None).unwrap();
    }
    damage(&dir.path().join("index"));
    let mut e = engine(dir.path());
    let (_, outcome) = e.search_index_with_progress(&mut |_, _| {}).unwrap();
    assert!(
        matches!(
            outcome,
            search::OpenOutcome::Rebuilt(_) | search::OpenOutcome::Created
        ),
        "{outcome:?}"
    );
    assert_eq!(
        sorted(ids(&mut e, "rust")),
        sorted(vec![it[0], it[1], it[3], it[4]])
    );
    assert!(e.check_index().unwrap().is_consistent());
}

#[test]
fn a_missing_index_is_rebuilt_on_start_up() {
    corrupt_and_reopen(|index| std::fs::remove_dir_all(index).unwrap());
}

#[test]
fn a_garbled_meta_file_is_rebuilt_on_start_up() {
    corrupt_and_reopen(|index| std::fs::write(index.join("meta.json"), b"{ not json").unwrap());
}

#[test]
fn truncated_segment_files_are_rebuilt_on_start_up() {
    corrupt_and_reopen(|index| {
        for entry in std::fs::read_dir(index).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if !name.ends_with(".json") && !name.starts_with('.') {
                std::fs::write(&path, b"garbage").unwrap();
            }
        }
    });
}

#[test]
fn profile_queries_and_term_vectors_for_the_recommender() {
    let mut index = SearchIndex::create_in_ram().unwrap();
    let store = Store::open_in_memory().unwrap();
    let it = fixture(&store);
    search::drain_outbox(&mut index, &store, search::BATCH, None).unwrap();

    let profile = [("compil".to_owned(), 1.0f32), ("rust".to_owned(), 0.5)];
    let hits = index
        .query_by_profile(&profile, &Filters::default(), 10)
        .unwrap();
    assert_eq!(hits[0].item, it[4], "{hits:?}");
    assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
    assert_eq!(
        sorted(hits.iter().map(|h| h.item).collect()),
        sorted(vec![it[0], it[1], it[3], it[4]])
    );
    let newer = Filters {
        since: Some(T0 + 2 * DAY),
        ..Filters::default()
    };
    let hits = index.query_by_profile(&profile, &newer, 10).unwrap();
    assert_eq!(
        sorted(hits.iter().map(|h| h.item).collect()),
        sorted(vec![it[3], it[4]])
    );
    // Unread filter from SQLite.
    store
        .conn()
        .execute("UPDATE items SET read_at = 1 WHERE id = ?1", [it[4]])
        .unwrap();
    let unread = Filters::default().unread_in(&store).unwrap();
    let hits = index.query_by_profile(&profile, &unread, 10).unwrap();
    assert!(!hits.iter().any(|h| h.item == it[4]));
    // An empty profile still yields candidates, newest first.
    let empty: [(&str, f32); 0] = [];
    let hits = index
        .query_by_profile(&empty, &Filters::default(), 2)
        .unwrap();
    assert_eq!(
        hits.iter().map(|h| h.item).collect::<Vec<_>>(),
        vec![it[5], it[4]]
    );

    let vectors = index.term_vectors(&[it[4], 999_999, it[0]]).unwrap();
    assert_eq!(vectors.len(), 2, "unknown ids are left out");
    let (id, v) = &vectors[0];
    assert_eq!(*id, it[4]);
    let norm: f32 = v.iter().map(|(_, w)| w * w).sum();
    assert!((norm - 1.0).abs() < 1e-4);
    let weight = |t: &str| {
        v.iter()
            .find(|(x, _)| x == t)
            .map(|(_, w)| *w)
            .unwrap_or(0.0)
    };
    // Terms come out analyzed as the index does (stemmed), and rare terms outweigh common ones.
    assert!(weight("internal") > 0.0 && weight("compil") > 0.0, "{v:?}");
    assert!(weight("llvm") > weight("the"), "{v:?}");
    assert_eq!(search::tokenize("Compilers"), vec!["compil"]);
    // Cached counts give the same answer; an edited item is counted again.
    assert_eq!(index.term_vectors(&[it[4], it[0]]).unwrap(), vectors);
    store
        .conn()
        .execute(
            "UPDATE items SET content_text = 'Zebras only.' WHERE id = ?1",
            [it[4]],
        )
        .unwrap();
    search::drain_outbox(&mut index, &store, search::BATCH, None).unwrap();
    let again = index.term_vectors(&[it[4]]).unwrap();
    let terms: Vec<&str> = again[0].1.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(terms, vec!["compil", "internal", "onli", "zebra"]);
}

#[test]
fn a_commit_of_the_outbox_is_bounded_by_its_text_as_well_as_its_count() {
    let mut index = SearchIndex::create_in_ram().unwrap();
    let store = Store::open_in_memory().unwrap();
    add_feed(&store, 1);
    // Seven long articles (1,000 bytes of body each) and five short ones, in that order.
    let long = "lighthouse ".repeat(90);
    let mut ids = Vec::new();
    for i in 0..7 {
        ids.push(add_item(&store, 1, &format!("Long {i}"), &long, T0 + i));
    }
    for i in 7..12 {
        ids.push(add_item(&store, 1, &format!("Short {i}"), "a note", T0 + i));
    }
    // A cap of 2,500 bytes: each commit stops at the item that crosses it (the third long
    // one), and the short ones fit in one commit with the last long one.
    let report = search::drain_outbox_within(&mut index, &store, 100, None, 2_500).unwrap();
    assert_eq!((report.indexed, report.deleted, report.commits), (12, 0, 3));
    assert_eq!(store.index_outbox_len().unwrap(), 0);
    assert_eq!(index.num_docs(), 12);

    // The count still bounds a commit, and a stop by count or text leaves the rest queued.
    for i in 12..17 {
        ids.push(add_item(&store, 1, &format!("Short {i}"), "a note", T0 + i));
    }
    let report = search::drain_outbox_within(&mut index, &store, 2, Some(1), 2_500).unwrap();
    assert_eq!(
        (report.indexed, report.commits, report.remaining),
        (2, 1, 3)
    );
    // Summaries never reach the real cap: one commit of the rest.
    let report = search::drain_outbox(&mut index, &store, 100, None).unwrap();
    assert_eq!((report.indexed, report.commits), (3, 1));
    assert_eq!(index.num_docs(), 17);
}
