//! For you on the worker: when it ranks at once, when it waits for a build, and what a landed build keeps.

use super::*;
use crate::clock::ManualClock;
use std::sync::Arc;

fn engine(dir: &std::path::Path) -> Engine {
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-29T08:00:00Z")
        .unwrap_or_else(|e| panic!("{e}"))
        .with_timezone(&chrono::Utc);
    Engine::open(dir, Arc::new(ManualClock::new(at))).unwrap_or_else(|e| panic!("{e}"))
}

/// An engine on `dir` subscribed to the English sample feeds (30 items): the build thresholds
/// below are counted on them, so the Chinese sample is left out.
fn with_samples(dir: &std::path::Path) -> Engine {
    let mut e = engine(dir);
    let paths = super::super::samples::write_sample_files(&e).unwrap_or_else(|e| panic!("{e}"));
    let english = paths.iter().filter(|p| {
        p.file_name()
            .is_some_and(|n| n != super::super::samples::CHINESE_SAMPLE)
    });
    for p in english {
        e.subscribe(&p.to_string_lossy(), &[])
            .unwrap_or_else(|e| panic!("{e}"));
    }
    e
}

/// Stores `n` new items about quasars (words the sample feeds do not have) in the first feed.
fn store_quasar_items(e: &mut Engine, n: usize) {
    let now = e.now().timestamp();
    let feed = e.store().feeds().unwrap_or_else(|e| panic!("{e}"))[0].clone();
    let items: Vec<crate::store::items::NewItem> = (0..n)
        .map(|i| crate::store::items::NewItem {
            key: format!("quasar-{i}"),
            guid: None,
            url: None,
            title: format!("Quasar survey {i}"),
            author: None,
            content_html: None,
            content_text: "quasar redshift survey".into(),
            categories: Vec::new(),
            enclosures: Vec::new(),
            published_at: Some(now),
            updated_at: None,
            content_hash: format!("quasar-{i}"),
        })
        .collect();
    e.store_mut()
        .store_feed_update(&crate::store::items::FeedUpdate {
            feed_id: feed.id,
            title: &feed.title,
            site_url: None,
            etag: None,
            last_modified: None,
            body_hash: None,
            items: &items,
            now,
            next_fetch_at: now + 3_600,
            retention_cutoff: 0,
            retention_keep: 1_000,
            item_cap: u32::MAX,
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

/// Waits for the build under way and puts it in place.
fn land_build(e: &mut Engine) {
    let build = e.rank.build.take().unwrap_or_else(|| panic!("no build"));
    let built = build.wait().unwrap_or_else(|e| panic!("{e}"));
    e.install(&build, built).unwrap_or_else(|e| panic!("{e}"));
}

/// [`with_samples`] with the worker's first build (of the 30 items) in place.
fn with_samples_built(dir: &std::path::Path) -> Engine {
    let mut e = with_samples(dir);
    assert!(matches!(e.prepare_in_background(), Ok(Readiness::Building)));
    land_build(&mut e);
    assert_eq!(e.rank.built_with, 30);
    e
}

#[test]
fn the_worker_rebuilds_beside_for_new_words_while_the_old_recommender_ranks() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut e = with_samples_built(dir.path());
    let built = e.rank.built_with;
    // Two items more: too few to make anyone wait for a rebuild, enough for one beside.
    store_quasar_items(&mut e, 2);
    assert!(!e.needs_rebuild(built + 2, REBUILD_IN_PLACE));
    assert!(matches!(e.prepare_in_background(), Ok(Readiness::Ready)));
    assert!(e.rank_building(), "a rebuild runs beside");
    land_build(&mut e);
    assert_eq!(e.rank.built_with, built + 2);
    let r = e
        .rank
        .recommender
        .as_ref()
        .unwrap_or_else(|| panic!("none"));
    assert!(r.corpus().terms.iter().any(|t| t.starts_with("quasar")));
}

#[test]
fn a_recommender_that_misses_a_tenth_of_the_items_waits_for_its_rebuild() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut e = with_samples_built(dir.path());
    // Four more on thirty: it would not know their words, so For you waits for the build.
    store_quasar_items(&mut e, 4);
    assert!(matches!(e.prepare_in_background(), Ok(Readiness::Building)));
    assert!(
        e.rank.recommender.is_some(),
        "the old one stays until the new one lands"
    );
    land_build(&mut e);
    assert_eq!(e.rank.built_with, 34);
    assert!(matches!(e.prepare_in_background(), Ok(Readiness::Ready)));
}

#[test]
fn a_recommender_ranks_at_once_when_items_were_only_removed() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut e = with_samples_built(dir.path());
    // Unsubscribing from a feed takes its 7 or 8 items: nothing new to learn, no wait.
    let feed = e.store().feeds().unwrap_or_else(|e| panic!("{e}"))[0].id;
    e.store()
        .delete_feed(feed)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(e.prepare_in_background(), Ok(Readiness::Ready)));
    assert!(
        e.rank_building(),
        "the corpus is embedded again beside the worker"
    );
}

#[test]
fn a_refresh_that_waited_waits_again_when_the_landed_build_is_already_behind() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut e = with_samples(dir.path());
    let (events, seen) = super::super::worker::EventSink::for_test();
    assert!(matches!(e.prepare_in_background(), Ok(Readiness::Building)));
    e.rank.waiting = Some(10);
    // Items keep arriving while the first build (of 30) runs.
    store_quasar_items(&mut e, 4);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let land = |e: &mut Engine| {
        let built_with = e.rank.built_with;
        while e.rank.built_with == built_with {
            assert!(
                std::time::Instant::now() < deadline,
                "the build never landed"
            );
            poll_build(e, &events, false);
            std::thread::yield_now();
        }
    };
    land(&mut e);
    // Ranking now would rebuild in place on the worker (34 is a tenth past 30) and keep
    // marks and opens waiting; a second build beside it runs instead.
    assert_eq!(e.rank.built_with, 30);
    assert!(e.rank_building(), "a second build, of 34, runs");
    assert_eq!(e.rank.waiting, Some(10), "the refresh still waits");
    assert!(
        seen.try_iter()
            .all(|ev| ev != Event::Changed(Topic::Ranking))
    );
    land(&mut e);
    assert_eq!(e.rank.built_with, 34);
    assert_eq!(e.rank.waiting, None);
    let told: Vec<Event> = seen.try_iter().collect();
    assert!(told.contains(&Event::Changed(Topic::Ranking)), "{told:?}");
    let ranked = e.store().rank_list().unwrap_or_else(|e| panic!("{e}"));
    assert!(!ranked.is_empty());
}

#[test]
fn a_build_that_read_the_model_before_a_reset_forgets_it_when_it_lands() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut e = with_samples(dir.path());
    let night: Vec<ItemId> = {
        let mut stmt = e
            .store()
            .conn()
            .prepare("SELECT i.id FROM items i JOIN feeds f ON f.id = i.feed_id WHERE f.title = 'Night Sky Bulletin'")
            .unwrap_or_else(|e| panic!("{e}"));
        stmt.query_map([], |r| r.get(0))
            .and_then(|rows| rows.collect())
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let now = e.now().timestamp();
    for id in night.iter().take(3) {
        e.store()
            .record_event(*id, "open", None, None, None, now - 60)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let mentions_night = |list: &[ForYouItem]| {
        list.iter()
            .flat_map(|i| &i.reasons)
            .any(|r| r.text.contains("Night Sky Bulletin"))
    };
    let learned = e.recommend(10, true).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        mentions_night(&learned),
        "the stored model learned the feed"
    );

    // A fresh worker engine starts a build, which reads the stored model; the reset comes
    // after the build has read it, before it lands.
    let mut e = engine(dir.path());
    assert!(matches!(e.prepare_in_background(), Ok(Readiness::Building)));
    let built = e
        .rank
        .build
        .as_ref()
        .map(|b| b.wait())
        .unwrap_or_else(|| panic!("no build"))
        .unwrap_or_else(|e| panic!("{e}"));
    e.reset_rank_model().unwrap_or_else(|e| panic!("{e}"));
    let build = e.rank.build.take().unwrap_or_else(|| panic!("no build"));
    e.install(&build, built).unwrap_or_else(|e| panic!("{e}"));
    let after = e.recommend(10, true).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        !mentions_night(&after),
        "reset, yet it still names the feed"
    );
}

#[test]
fn only_items_stored_after_the_build_are_folded_in_not_older_ones_with_higher_ids() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut e = with_samples(dir.path());
    // An item from three years ago, stored last (the highest id), read without an event: older
    // than anything For you looks at, so the build leaves it out.
    let c = e.store().conn();
    let feed: i64 = c
        .query_row("SELECT min(id) FROM feeds", [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"));
    c.execute(
        "INSERT INTO items(feed_id, key, title, content_text, published_at, fetched_at, read_at)
         VALUES (?1, 'ancient', 'An ancient post', 'old words', 1700000000, 1700000000, 1700000000)",
        [feed],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let ancient = c.last_insert_rowid();
    assert!(matches!(e.prepare_in_background(), Ok(Readiness::Building)));
    land_build(&mut e);
    let in_corpus = |e: &mut Engine, id| {
        e.recommender()
            .unwrap_or_else(|e| panic!("{e}"))
            .corpus()
            .slot(id)
            .is_some()
    };
    assert!(
        !in_corpus(&mut e, ancient),
        "an old item is not new because of its id"
    );
    store_quasar_items(&mut e, 1);
    let fresh: i64 = e
        .store()
        .conn()
        .query_row("SELECT id FROM items WHERE key = 'quasar-0'", [], |r| {
            r.get(0)
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        in_corpus(&mut e, fresh),
        "an item stored after the build is folded in"
    );
    assert!(!in_corpus(&mut e, ancient));
}
