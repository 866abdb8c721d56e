//! The recommender inside the app: For you from stored items, mute rules obeyed, explanations
//! naming real features, learning from clicks, reset and personalization off.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::{TimeZone, Utc};
use common::{new_item, store_items};
use focusfeed::clock::ManualClock;
use focusfeed::engine::Engine;
use focusfeed::engine::rank::RankCommand;
use focusfeed::engine::reader::ReaderCommand;
use focusfeed::engine::worker::{Command, Event, WorkerHandle};
use focusfeed::model::Topic;
use focusfeed::paths::DB_FILE;
use focusfeed::rank::rules::{RuleAction, RuleKind};
use focusfeed::store::Store;
use focusfeed::store::items::NewItem;
use std::sync::Arc;

const NOW: i64 = 1_764_000_000;

/// The engine on `dir` at `NOW` (a restart when `dir` already holds data).
fn open_engine(dir: &std::path::Path) -> Engine {
    let clock = ManualClock::new(Utc.timestamp_opt(NOW, 0).unwrap());
    Engine::open(dir, Arc::new(clock)).unwrap()
}

/// Two feeds: football news and cooking news, twelve items each.
fn engine_with_items() -> (tempfile::TempDir, Engine) {
    let dir = tempfile::tempdir().unwrap();
    let mut engine = open_engine(dir.path());
    let sport_words = [
        "goal striker match league",
        "keeper penalty cup final",
        "coach transfer season squad",
    ];
    let food_words = [
        "recipe bake oven flour",
        "soup garlic onion simmer",
        "pasta sauce basil tomato",
    ];
    for (feed, words, author) in [
        ("Football Daily", sport_words, "Ann Kick"),
        ("Kitchen Notes", food_words, "Bo Cook"),
    ] {
        let store = engine.store_mut();
        let (feed_id, _) = store
            .insert_feed(
                &format!("https://example.org/{feed}.xml"),
                feed,
                None,
                None,
                NOW,
            )
            .unwrap();
        let items: Vec<NewItem> = (0..12)
            .map(|i| {
                let w = words[i % 3];
                new_item(
                    &format!("{feed}-{i}"),
                    &format!("{feed} story {i}: {w}"),
                    &format!("{w} {w} and more about {w}"),
                    Some(author),
                    NOW - 3600 * (i as i64 + 1),
                )
            })
            .collect();
        store_items(store, feed_id, feed, &items, NOW, NOW + 3600);
    }
    (dir, engine)
}

fn id_of(engine: &Engine, title_prefix: &str) -> Vec<i64> {
    let mut stmt = engine
        .store()
        .conn()
        .prepare("SELECT id FROM items WHERE title LIKE ?1 || '%' ORDER BY id")
        .unwrap();
    stmt.query_map([title_prefix], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

/// Records an open (without a list) of the first four items of `feed` at `at`.
fn open_four(engine: &Engine, feed: &str, at: i64) {
    for id in id_of(engine, feed).iter().take(4) {
        engine
            .store()
            .record_event(*id, "open", None, None, None, at)
            .unwrap();
    }
}

#[test]
fn clicks_move_the_clicked_topic_up_and_explanations_name_real_features() {
    let (_dir, mut engine) = engine_with_items();
    let cooking = id_of(&engine, "Kitchen Notes");
    let football = id_of(&engine, "Football Daily");
    // The user is shown a mixed list and opens only cooking stories, three times over.
    let store = engine.store();
    for round in 0..3i64 {
        for (pos, id) in football
            .iter()
            .take(3)
            .chain(cooking.iter().take(3))
            .enumerate()
        {
            store
                .record_event(
                    *id,
                    "impression",
                    Some("for_you"),
                    Some(pos as i64),
                    None,
                    NOW - 9000 + round * 2000,
                )
                .unwrap();
        }
        store
            .record_event(
                cooking[round as usize],
                "open",
                Some("for_you"),
                None,
                None,
                NOW - 8990 + round * 2000,
            )
            .unwrap();
    }
    let list = engine.recommend(6, true).unwrap();
    assert!(!list.is_empty());
    let top: Vec<&str> = list.iter().take(3).map(|i| i.feed.as_str()).collect();
    assert!(
        top.iter().filter(|f| **f == "Kitchen Notes").count() >= 2,
        "top {top:?}"
    );
    // Read items are not recommended again.
    let first = &list[0];
    assert_eq!(first.feed, "Kitchen Notes");
    let texts: Vec<String> = first.reasons.iter().map(|r| r.text.clone()).collect();
    let features: Vec<&str> = first.reasons.iter().map(|r| r.feature.as_str()).collect();
    assert!(features.contains(&"feed"), "{texts:?}");
    assert!(
        texts.iter().any(|t| t.contains("Kitchen Notes")),
        "names the feed: {texts:?}"
    );
    // The words named are words of the item that the user opened more than skipped, spelled as
    // the item's title spells them (not as stems).
    let words = first
        .reasons
        .iter()
        .find(|r| r.feature == "words")
        .map(|r| r.text.clone())
        .unwrap_or_default();
    let title = first.title.to_lowercase();
    let title_words: Vec<&str> = title.split(|c: char| !c.is_alphanumeric()).collect();
    // "words you open: a, b"
    let named: Vec<&str> = words
        .split_once(": ")
        .map_or("", |(_, w)| w)
        .split(", ")
        .collect();
    assert!(
        !words.is_empty() && named.iter().all(|w| title_words.contains(w)),
        "{words} vs {title}"
    );
}

#[test]
fn muted_items_never_show_and_liked_ones_lead() {
    let (_dir, mut engine) = engine_with_items();
    engine
        .add_rank_rule(RuleKind::Keyword, RuleAction::Mute, "penalty")
        .unwrap();
    engine
        .add_rank_rule(RuleKind::Author, RuleAction::Mute, "bo cook")
        .unwrap();
    engine
        .add_rank_rule(RuleKind::Keyword, RuleAction::Like, "coach")
        .unwrap();
    assert!(
        engine
            .add_rank_rule(RuleKind::Regex, RuleAction::Mute, "(oops")
            .is_err()
    );
    let list = engine.recommend(50, true).unwrap();
    assert!(!list.is_empty());
    assert!(
        list.iter().all(|i| !i.title.contains("penalty")),
        "keyword mute"
    );
    assert!(
        list.iter().all(|i| i.feed != "Kitchen Notes"),
        "author mute"
    );
    assert!(
        list[0].title.contains("coach"),
        "liked first: {}",
        list[0].title
    );
    assert!(
        list[0]
            .reasons
            .iter()
            .any(|r| r.feature == "rule" && r.text.contains("coach"))
    );
}

#[test]
fn reset_forgets_and_personalization_off_orders_by_recency() {
    let (_dir, mut engine) = engine_with_items();
    open_four(&engine, "Kitchen Notes", NOW - 100);
    let learned = engine.recommend(10, true).unwrap();
    assert!(learned.iter().take(3).all(|i| i.feed == "Kitchen Notes"));
    assert!(
        engine.store().rank_model().unwrap().is_some(),
        "model saved"
    );

    engine.reset_rank_model().unwrap();
    assert!(engine.store().rank_model().unwrap().is_none());
    let fresh = engine.recommend(10, true).unwrap();
    assert!(fresh.iter().all(|i| {
        i.reasons
            .iter()
            .all(|r| r.feature != "feed" && r.feature != "similar")
    }));
    // What comes after the reset is learned: the kept recommender starts from nothing.
    open_four(&engine, "Football Daily", NOW - 50);
    let relearned = engine.recommend(10, true).unwrap();
    assert!(
        relearned.iter().take(3).all(|i| i.feed == "Football Daily"),
        "{:?}",
        relearned.iter().map(|i| &i.feed).collect::<Vec<_>>()
    );

    engine.set_personalization(false).unwrap();
    let plain = engine.recommend(10, false).unwrap();
    let times: Vec<i64> = plain.iter().map(|i| i.published).collect();
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted, "newest first");
    engine.set_personalization(true).unwrap();
    let back = engine.recommend(10, false).unwrap();
    assert!(back.iter().take(3).all(|i| i.feed == "Football Daily"));
}

#[test]
fn the_stored_model_is_rebuilt_from_events_when_missing() {
    let (dir, mut engine) = engine_with_items();
    open_four(&engine, "Kitchen Notes", NOW - 100);
    let before = engine.recommend(5, false).unwrap();
    engine.store().delete_rank_model().unwrap();
    drop(engine);
    let mut engine = open_engine(dir.path());
    let after = engine.recommend(5, false).unwrap();
    let ids =
        |l: &[focusfeed::rank::recommender::ForYouItem]| l.iter().map(|i| i.id).collect::<Vec<_>>();
    assert_eq!(ids(&before), ids(&after));
}

#[test]
fn with_few_unread_items_for_you_reaches_past_its_30_days() {
    let (_dir, mut engine) = engine_with_items();
    let store = engine.store_mut();
    let (feed_id, _) = store
        .insert_feed(
            "https://example.org/old.xml",
            "Old Letters",
            None,
            None,
            NOW,
        )
        .unwrap();
    let old: Vec<NewItem> = (0..3)
        .map(|i| {
            let key = format!("old-{i}");
            let at = NOW - 60 * 86_400 - i * 3600;
            new_item(&key, &format!("Old letter {i}"), "ink and paper", None, at)
        })
        .collect();
    store_items(store, feed_id, "Old Letters", &old, NOW, NOW + 3600);
    // 27 unread items in all, fewer than For you's minimum: the two-month-old ones come too.
    // (The football and cooking stories repeat three texts, so their near-duplicates collapse.)
    let list = engine.recommend(100, false).unwrap();
    let titles: Vec<&String> = list.iter().map(|i| &i.title).collect();
    let old_listed = list.iter().filter(|i| i.feed == "Old Letters").count();
    assert_eq!(old_listed, 3, "{titles:?}");
}

#[test]
fn the_recommender_embeds_the_newest_items_and_everything_the_user_touched() {
    let (_dir, engine) = engine_with_items();
    let store = engine.store();
    let kitchen = id_of(&engine, "Kitchen Notes story 11");
    // Each feed's story i was published i+1 hours ago: the four newest are both feeds' 0 and 1.
    let items = store.rank_items(0, 4, &kitchen).unwrap();
    let mut titles: Vec<String> = items.iter().map(|i| i.title.clone()).collect();
    titles.sort();
    assert_eq!(titles.len(), 5, "{titles:?}");
    assert!(
        titles
            .iter()
            .any(|t| t.starts_with("Kitchen Notes story 11"))
    );
    for prefix in [
        "Football Daily story 0",
        "Football Daily story 1",
        "Kitchen Notes story 0",
    ] {
        assert!(titles.iter().any(|t| t.starts_with(prefix)), "{titles:?}");
    }
}

#[test]
fn an_item_that_arrives_after_the_recommender_was_built_is_ranked() {
    let (_dir, mut engine) = engine_with_items();
    // The score is under test, not the diversity dial's per-feed cap: the first step.
    focusfeed::rank::recommender::set_dial_step(engine.store(), 0).unwrap();
    open_four(&engine, "Kitchen Notes", NOW - 100);
    engine.refresh_for_you(50).unwrap();
    // One new cooking item: far fewer than would rebuild the whole corpus.
    let feed_id: i64 = engine
        .store()
        .conn()
        .query_row(
            "SELECT id FROM feeds WHERE title = 'Kitchen Notes'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let fresh = [new_item(
        "late-bake",
        "Late news: bake a flour loaf in the oven",
        "recipe bake oven flour for a simple loaf",
        Some("Bo Cook"),
        NOW - 60,
    )];
    store_items(
        engine.store_mut(),
        feed_id,
        "Kitchen Notes",
        &fresh,
        NOW,
        NOW + 3600,
    );
    let late = id_of(&engine, "Late news")[0];
    engine.refresh_for_you(50).unwrap();
    let ranked: Vec<i64> = engine
        .store()
        .rank_list()
        .unwrap()
        .iter()
        .map(|r| r.item_id)
        .collect();
    // Ranked among the cooking items the user reads, above every football item.
    let at = ranked.iter().position(|id| *id == late);
    let football = id_of(&engine, "Football Daily");
    let first_football = ranked.iter().position(|id| football.contains(id));
    assert!(
        at.is_some() && at < first_football,
        "the new cooking item at {at:?}, the first football item at {first_football:?}"
    );
}

#[test]
fn an_item_marked_unread_again_comes_back_to_for_you() {
    let (_dir, mut engine) = engine_with_items();
    let soup = id_of(&engine, "Kitchen Notes story 1:")[0];
    engine.store().set_read(&[soup], Some(NOW - 10)).unwrap();
    let listed = |engine: &mut Engine| {
        engine
            .recommend(50, false)
            .unwrap()
            .iter()
            .any(|i| i.id == soup)
    };
    assert!(!listed(&mut engine), "read items are not recommended");
    // "Mark unread" after the recommender was built (it kept the item's state from then).
    engine.store().set_read(&[soup], None).unwrap();
    assert!(listed(&mut engine), "unread again, so back in For you");
}

/// The GUI's worker on `dir`, a fresh engine (no recommender built yet).
fn worker_on(dir: &std::path::Path) -> WorkerHandle {
    let clock = ManualClock::new(Utc.timestamp_opt(NOW, 0).unwrap());
    WorkerHandle::spawn(Engine::open(dir, Arc::new(clock)).unwrap(), || {})
}

#[test]
fn the_worker_stores_a_mark_while_for_you_is_being_built() {
    let (dir, engine) = engine_with_items();
    open_four(&engine, "Kitchen Notes", NOW - 100);
    let football = id_of(&engine, "Football Daily")[0];
    drop(engine);
    let mut worker = worker_on(dir.path());
    worker
        .send(Command::Rank(RankCommand::Refresh { limit: 10 }))
        .unwrap();
    worker
        .send(Command::Reader(ReaderCommand::Mark {
            ids: vec![football],
            read: true,
            view: None,
        }))
        .unwrap();
    // The mark goes to the writer and the ranking to the index thread, so neither waits for
    // the other: which ends first is not part of the contract, only that both do.
    let mut events = Vec::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !events.contains(&Event::Changed(Topic::ItemStates)) {
        assert!(std::time::Instant::now() < deadline, "{events:?}");
        events.extend(worker.drain());
        std::thread::yield_now();
    }
    // A ranking asked for once the mark is stored leaves the read item out.
    worker
        .send(Command::Rank(RankCommand::Refresh { limit: 10 }))
        .unwrap();
    worker.shutdown();
    events.extend(worker.drain());
    let task = "Ranking For you".to_string();
    assert!(
        events.contains(&Event::Progress {
            task: task.clone(),
            done: 0,
            total: 0,
        }),
        "the status bar is told the build started: {events:?}"
    );
    assert!(events.contains(&Event::Changed(Topic::Ranking)));
    assert!(events.contains(&Event::Finished { task }));
    let store = Store::open(&dir.path().join(DB_FILE)).unwrap();
    let list = store.rank_list().unwrap();
    assert!(!list.is_empty());
    assert!(
        list.iter().all(|r| r.item_id != football),
        "read: not ranked"
    );
}

#[test]
fn a_reset_while_for_you_is_built_is_not_undone_by_the_build() {
    let (dir, mut engine) = engine_with_items();
    open_four(&engine, "Kitchen Notes", NOW - 100);
    // The stored model has learned Kitchen Notes: a build restores it.
    let learned = engine.recommend(10, true).unwrap();
    assert!(learned.iter().take(3).all(|i| i.feed == "Kitchen Notes"));
    drop(engine);
    let mut worker = worker_on(dir.path());
    worker
        .send(Command::Rank(RankCommand::Refresh { limit: 10 }))
        .unwrap();
    worker.send(Command::Rank(RankCommand::Reset)).unwrap();
    worker.shutdown();
    let store = Store::open(&dir.path().join(DB_FILE)).unwrap();
    let list = store.rank_list().unwrap();
    assert!(!list.is_empty());
    // An exploration slot may name the feed (a reset model has shown the user nothing): that is
    // not something learned.
    let learned = |r: &focusfeed::store::rank::RankListRow| {
        r.reasons
            .split("; ")
            .filter(|x| !x.starts_with("exploring:"))
            .any(|x| x.contains("Kitchen Notes") || x.contains("like "))
    };
    assert!(
        list.iter().all(|r| !learned(r)),
        "{:?}",
        list.iter().map(|r| &r.reasons).collect::<Vec<_>>()
    );
}

#[test]
fn a_renamed_feed_keeps_what_was_learned_and_two_feeds_of_one_title_stay_apart() {
    let (dir, mut engine) = engine_with_items();
    // Both feeds end up with one title: the football feed is renamed to the cooking feed's.
    engine
        .store()
        .conn()
        .execute(
            "UPDATE feeds SET title = 'Kitchen Notes' WHERE title = 'Football Daily'",
            [],
        )
        .unwrap();
    let football = id_of(&engine, "Football Daily");
    open_four(&engine, "Kitchen Notes", NOW - 100);
    let list = engine.recommend(24, true).unwrap();
    let feed_reason = |i: &focusfeed::rank::recommender::ForYouItem| {
        i.reasons.iter().find(|r| r.feature == "feed").cloned()
    };
    let lifted_football: Vec<i64> = list
        .iter()
        .filter(|i| football.contains(&i.id) && feed_reason(i).is_some())
        .map(|i| i.id)
        .collect();
    assert!(
        lifted_football.is_empty(),
        "the cooking feed's opens lift the football feed too: {lifted_football:?}"
    );

    // The cooking feed is renamed; what For you learned about it survives a restart.
    let cooking_feed: i64 = engine
        .store()
        .conn()
        .query_row(
            "SELECT feed_id FROM items WHERE title LIKE 'Kitchen Notes%' LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    engine
        .store()
        .conn()
        .execute(
            "UPDATE feeds SET title = 'Cooking Club' WHERE id = ?1",
            [cooking_feed],
        )
        .unwrap();
    drop(engine);
    let mut engine = open_engine(dir.path());
    let list = engine.recommend(5, true).unwrap();
    let first = &list[0];
    assert_eq!(first.feed, "Cooking Club");
    let reason = feed_reason(first).map(|r| r.text).unwrap_or_default();
    assert!(
        reason.contains("feed Cooking Club"),
        "the feed's opens, under its new name: {:?}",
        first.reasons
    );
}

#[test]
fn a_forgotten_weight_stays_forgotten_after_a_restart_and_a_rebuild_from_events() {
    use focusfeed::rank::learned::{LearnedKind, LearnedRow};
    let (dir, mut engine) = engine_with_items();
    open_four(&engine, "Kitchen Notes", NOW - 100);
    // The opens count against nothing yet: show the football feed a few times, unopened.
    for id in id_of(&engine, "Football Daily").iter().take(6) {
        engine
            .store()
            .record_event(*id, "impression", Some("for_you"), Some(0), None, NOW - 90)
            .unwrap();
    }
    let feed = |rows: &[LearnedRow], title: &str| {
        rows.iter()
            .find(|r| r.kind == LearnedKind::Feed && r.label == title)
            .cloned()
    };
    let before = engine.learned().unwrap();
    let kitchen =
        feed(&before, "Kitchen Notes").unwrap_or_else(|| panic!("not learned: {before:?}"));
    assert!(kitchen.weight > 0.0 && kitchen.opened == 4.0, "{kitchen:?}");
    engine.forget_learned(&kitchen.key()).unwrap();
    let after = engine.learned().unwrap();
    assert!(feed(&after, "Kitchen Notes").is_none());
    assert_eq!(
        after.len(),
        before.len() - 1,
        "only that row went: {after:?}"
    );
    drop(engine);

    // A restart restores the stored model; a missing one is rebuilt from the events: neither
    // learns the feed again.
    let mut engine = open_engine(dir.path());
    assert!(feed(&engine.learned().unwrap(), "Kitchen Notes").is_none());
    engine.store().delete_rank_model().unwrap();
    drop(engine);
    let mut engine = open_engine(dir.path());
    let rebuilt = engine.learned().unwrap();
    assert!(feed(&rebuilt, "Kitchen Notes").is_none(), "{rebuilt:?}");
    assert!(
        rebuilt
            .iter()
            .any(|r| r.kind == LearnedKind::Author && r.label == "Bo Cook"),
        "the author of those opens is still learned: {rebuilt:?}"
    );
}

/// A refresh that stores faster than the index keeps up asks for For you at every batch of new
/// items. While the index thread has a backlog those wait: one ranking comes, once the index has
/// caught up, rather than a ranking over a library already outdated beside each batch.
#[test]
fn for_you_asked_for_during_an_index_backlog_is_ranked_once_the_index_has_caught_up() {
    let (dir, mut engine) = engine_with_items();
    // The index is built now; the items below wait in its outbox, several batches' worth.
    engine.recommend(10, true).unwrap();
    let store = engine.store_mut();
    let (feed_id, _) = store
        .insert_feed(
            "https://example.org/backlog.xml",
            "Backlog",
            None,
            None,
            NOW,
        )
        .unwrap();
    let items: Vec<NewItem> = (0..5_000)
        .map(|i| {
            new_item(
                &format!("backlog-{i}"),
                &format!("Backlog story {i}"),
                "tides and harbours",
                None,
                NOW - i64::from(i),
            )
        })
        .collect();
    store_items(store, feed_id, "Backlog", &items, NOW, NOW + 3600);
    drop(engine);
    let mut worker = worker_on(dir.path());
    for _ in 0..3 {
        worker
            .send(Command::Rank(RankCommand::Refresh { limit: 10 }))
            .unwrap();
    }
    worker.shutdown();
    let events = worker.drain();
    let ranked: Vec<usize> = (0..events.len())
        .filter(|&i| events[i] == Event::Changed(Topic::Ranking))
        .collect();
    assert_eq!(ranked.len(), 1, "{events:?}");
    let indexed: Vec<usize> = (0..events.len())
        .filter(|&i| events[i] == Event::Changed(Topic::Index))
        .collect();
    assert!(
        indexed.len() >= 3,
        "three batches of the backlog: {events:?}"
    );
    assert!(
        indexed.iter().all(|&i| i < ranked[0]),
        "every batch before the ranking: {events:?}"
    );
    let store = Store::open(&dir.path().join(DB_FILE)).unwrap();
    assert!(!store.rank_list().unwrap().is_empty());
}

#[test]
fn a_keyword_found_only_in_the_body_or_the_full_article_mutes_the_item() {
    let (_dir, mut engine) = engine_with_items();
    let all = engine.recommend(50, false).unwrap();
    let (body_only, full_only) = (all[0].id, all[1].id);
    engine
        .store()
        .conn()
        .execute(
            "UPDATE items SET content_text = content_text || ' with a zeppelin' WHERE id = ?1",
            [body_only],
        )
        .unwrap();
    engine
        .store()
        .conn()
        .execute(
            "UPDATE items SET full_text = 'the fetched article names an airship' WHERE id = ?1",
            [full_only],
        )
        .unwrap();
    engine
        .add_rank_rule(RuleKind::Keyword, RuleAction::Mute, "zeppelin")
        .unwrap();
    engine
        .add_rank_rule(RuleKind::Regex, RuleAction::Mute, "air(ship|plane)")
        .unwrap();
    let list = engine.recommend(50, false).unwrap();
    let shown: Vec<i64> = list.iter().map(|i| i.id).collect();
    assert!(!shown.contains(&body_only), "muted by a word of its body");
    assert!(!shown.contains(&full_only), "muted by its full article");
    assert_eq!(shown.len(), all.len() - 2, "nothing else muted");
}
