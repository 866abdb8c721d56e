//! Storing feeds: dedup and update in place, retention, OPML round trips with nested folders,
//! user edits that survive refreshes, and the worker's events for the GUI.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{TimeZone, Utc};
use focusfeed::clock::{ManualClock, SharedClock};
use focusfeed::engine::Engine;
use focusfeed::engine::feeds::{FeedsCommand, RefreshScope};
use focusfeed::engine::worker::{Command, Event, WorkerHandle};
use focusfeed::feeds::retention::SETTING_MAX_AGE_DAYS;
use focusfeed::model::Topic;
use focusfeed::store::events::{EventKind, NewEvent};
use focusfeed::store::items::ItemQuery;
use std::path::{Path, PathBuf};
use std::sync::Arc;

const NOW: i64 = 1_795_000_000;
const DAY: i64 = 86_400;

fn engine_at(dir: &Path) -> (Engine, ManualClock) {
    std::fs::create_dir_all(dir).unwrap();
    let clock = ManualClock::new(Utc.timestamp_opt(NOW, 0).unwrap());
    let shared: SharedClock = Arc::new(clock.clone());
    (Engine::open(dir, shared).unwrap(), clock)
}

/// (guid, link, title, body, published) → an RSS document; empty guid/link are left out.
fn rss(items: &[(&str, &str, &str, &str, i64)]) -> String {
    let mut s = String::from(
        "<rss version=\"2.0\"><channel><title>Local</title><link>https://local.test/</link>",
    );
    for (guid, link, title, body, published) in items {
        s.push_str("<item>");
        if !guid.is_empty() {
            s.push_str(&format!("<guid>{guid}</guid>"));
        }
        if !link.is_empty() {
            s.push_str(&format!("<link>{link}</link>"));
        }
        let date = Utc.timestamp_opt(*published, 0).unwrap().to_rfc2822();
        s.push_str(&format!("<title>{title}</title><description>{body}</description><pubDate>{date}</pubDate></item>"));
    }
    s.push_str("</channel></rss>");
    s
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
}

fn item_titles(engine: &Engine) -> Vec<String> {
    let mut t: Vec<String> = engine
        .store()
        .items(&ItemQuery::default())
        .unwrap()
        .into_iter()
        .map(|i| i.title)
        .collect();
    t.sort();
    t
}

#[test]
fn items_are_deduplicated_and_updated_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("feed.xml");
    write(
        &feed,
        &rss(&[
            ("g1", "https://local.test/1", "One", "first", NOW - DAY),
            ("", "https://local.test/2", "Two", "second", NOW - 2 * DAY),
            ("", "", "Three", "third", NOW - 3 * DAY),
        ]),
    );
    let (mut engine, _c) = engine_at(&dir.path().join("data"));
    let s = engine.subscribe(feed.to_str().unwrap(), &[]).unwrap();
    assert_eq!(s.items.added, 3);
    // The same bytes again: counted as not modified, not parsed or stored again.
    let r = engine.refresh(RefreshScope::All, |_| {}).unwrap();
    assert_eq!((r.not_modified, r.items_added, r.items_updated), (1, 0, 0));
    let one = engine
        .store()
        .items(&ItemQuery::default())
        .unwrap()
        .into_iter()
        .find(|i| i.title == "One")
        .unwrap();
    engine.store().set_read(&[one.id], Some(NOW)).unwrap();
    engine.store().set_starred(one.id, Some(NOW)).unwrap();

    // Same keys: guid g1 (retitled), link /2 (unchanged), hash (unchanged); plus a new one.
    write(
        &feed,
        &rss(&[
            (
                "g1",
                "https://local.test/1",
                "One, corrected",
                "first, fixed",
                NOW - DAY,
            ),
            ("", "https://local.test/2", "Two", "second", NOW - 2 * DAY),
            ("", "", "Three", "third", NOW - 3 * DAY),
            ("g4", "", "Four", "fourth", NOW),
        ]),
    );
    let r = engine.refresh(RefreshScope::All, |_| {}).unwrap();
    assert_eq!((r.items_added, r.items_updated), (1, 1));
    assert_eq!(
        item_titles(&engine),
        ["Four", "One, corrected", "Three", "Two"]
    );
    let again = engine.store().item(one.id).unwrap();
    assert_eq!(again.summary.title, "One, corrected");
    assert_eq!(again.summary.read_at, Some(NOW), "marks survive an update");
    assert_eq!(again.summary.starred_at, Some(NOW));
    assert_eq!(again.content_text, "first, fixed");
    // An item dropped from the feed stays stored.
    write(&feed, &rss(&[("g4", "", "Four", "fourth", NOW)]));
    engine.refresh(RefreshScope::All, |_| {}).unwrap();
    assert_eq!(item_titles(&engine).len(), 4);
}

#[test]
fn retention_drops_old_read_items_but_keeps_unread_starred_opened_and_the_newest_50() {
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("feed.xml");
    let items: Vec<(String, i64)> = (0..70)
        .map(|i| (format!("g{i}"), NOW - 200 * DAY - i * 3600))
        .collect();
    let rows: Vec<(&str, &str, &str, &str, i64)> = items
        .iter()
        .map(|(g, t)| (g.as_str(), "", g.as_str(), "x", *t))
        .collect();
    write(&feed, &rss(&rows));
    let (mut engine, _c) = engine_at(&dir.path().join("data"));
    engine
        .store()
        .set_setting(SETTING_MAX_AGE_DAYS, "30")
        .unwrap();
    engine.subscribe(feed.to_str().unwrap(), &[]).unwrap();
    let all = engine.store().items(&ItemQuery::default()).unwrap();
    assert_eq!(all.len(), 70, "nothing is read yet, so nothing goes");
    // Read all but the oldest (g69, kept unread); star g60.
    let ids: Vec<i64> = all
        .iter()
        .filter(|i| i.title != "g69")
        .map(|i| i.id)
        .collect();
    engine.store().set_read(&ids, Some(NOW)).unwrap();
    let g60 = all.iter().find(|i| i.title == "g60").unwrap().id;
    engine.store().set_starred(g60, Some(NOW)).unwrap();
    // g65 was opened: the recommender learned from it, so it and its events stay.
    let g65 = all.iter().find(|i| i.title == "g65").unwrap().id;
    focusfeed::store::Store::open(&dir.path().join("data").join(focusfeed::paths::DB_FILE))
        .unwrap()
        .record_events(&[NewEvent {
            item_id: g65,
            kind: EventKind::Open,
            view: Some("for_you".into()),
            position: Some(0),
            value: None,
            at: NOW,
        }])
        .unwrap();

    let r = engine.refresh(RefreshScope::All, |_| {}).unwrap();
    assert_eq!(r.items_removed, 70 - 50 - 3);
    let titles = item_titles(&engine);
    assert_eq!(titles.len(), 53);
    assert!(titles.contains(&"g69".to_string()) && titles.contains(&"g60".to_string()));
    assert!(titles.contains(&"g65".to_string()));
    assert_eq!(engine.store().events_for_item(g65).unwrap().len(), 1);
    assert!(titles.contains(&"g0".to_string()) && !titles.contains(&"g55".to_string()));
    // Dropped items still in the feed do not come back as new.
    let r = engine.refresh(RefreshScope::All, |_| {}).unwrap();
    assert_eq!((r.items_added, item_titles(&engine).len()), (0, 53));
}

/// (url, title, folder) of every feed, and every folder path, sorted.
type Subscriptions = (Vec<(String, String, Option<String>)>, Vec<Vec<String>>);

fn feeds_and_folders(engine: &Engine) -> Subscriptions {
    let mut feeds: Vec<_> = engine
        .store()
        .feeds()
        .unwrap()
        .into_iter()
        .map(|f| (f.url, f.title, f.folder))
        .collect();
    feeds.sort();
    let mut folders: Vec<_> = engine
        .store()
        .folders()
        .unwrap()
        .into_iter()
        .map(|f| f.path)
        .collect();
    folders.sort();
    (feeds, folders)
}

#[test]
fn opml_round_trip_keeps_every_feed_and_nested_folder_and_merges_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let opml = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/subscriptions.opml"
    ));
    let (mut a, _c) = engine_at(&dir.path().join("a"));
    let r = a.import_opml(&opml).unwrap();
    assert_eq!(
        (r.feeds_added, r.feeds_existing, r.skipped.len()),
        (5, 1, 1)
    );
    let (feeds, folders) = feeds_and_folders(&a);
    assert_eq!(
        folders,
        vec![
            vec!["News".to_string()],
            vec!["Tech".to_string()],
            vec!["Tech".to_string(), "Empty folder".to_string()],
            vec!["Tech".to_string(), "Rust & friends".to_string()],
        ]
    );
    assert!(feeds.contains(&(
        "https://news.example/rss?a=1&b=2".to_string(),
        "A \"quoted\" <title>".to_string(),
        Some("News".to_string())
    )));
    assert!(feeds.contains(&(
        "https://blog.rust-lang.org/inside-rust/feed.xml".to_string(),
        "Inside Rust".to_string(),
        Some("Tech / Rust & friends".to_string())
    )));
    // Importing again adds nothing.
    assert_eq!(a.import_opml(&opml).unwrap().feeds_added, 0);

    let exported = dir.path().join("out.opml");
    assert_eq!(a.export_opml(&exported).unwrap(), 5);
    let (mut b, _c) = engine_at(&dir.path().join("b"));
    b.import_opml(&exported).unwrap();
    assert_eq!(feeds_and_folders(&b), (feeds, folders));
}

#[test]
fn a_bad_opml_file_is_a_clear_error_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.opml");
    write(&bad, "<html><body>not a subscription list</body></html>");
    let (mut engine, _c) = engine_at(&dir.path().join("data"));
    let e = engine.import_opml(&bad).unwrap_err().to_string();
    assert!(e.contains("not an OPML file"), "{e}");
    let e = engine
        .import_opml(&dir.path().join("missing.opml"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("missing.opml"), "{e}");
    assert!(engine.store().feeds().unwrap().is_empty());
}

#[test]
fn rename_move_and_unsubscribe() {
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("feed.xml");
    write(&feed, &rss(&[("g1", "", "One", "x", NOW)]));
    let (mut engine, _c) = engine_at(&dir.path().join("data"));
    let id = engine
        .subscribe(feed.to_str().unwrap(), &[])
        .unwrap()
        .feed_id;
    engine.rename_feed(id, "My name").unwrap();
    engine
        .move_feed_to_folder(id, &["A".into(), "B".into()])
        .unwrap();
    engine.refresh(RefreshScope::All, |_| {}).unwrap();
    let f = engine.store().feed(id).unwrap();
    assert_eq!(
        (f.title.as_str(), f.folder.as_deref()),
        ("My name", Some("A / B"))
    );
    assert!(engine.rename_feed(id, "  ").is_err());
    // Subscribing again merges, whatever the spelling of the path.
    let again = engine
        .subscribe(&format!("file://{}", feed.display()), &[])
        .unwrap();
    assert_eq!((again.feed_id, again.created), (id, false));
    engine.unsubscribe(id).unwrap();
    assert!(engine.store().feeds().unwrap().is_empty());
    assert!(
        engine
            .store()
            .items(&ItemQuery::default())
            .unwrap()
            .is_empty()
    );
}

#[test]
fn worker_reports_progress_changes_and_per_feed_failures() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.xml");
    write(&good, &rss(&[("g1", "", "One", "x", NOW)]));
    let (engine, _c) = engine_at(&dir.path().join("data"));
    let missing = dir.path().join("missing.xml");
    engine
        .store()
        .insert_feed(
            &format!("file://{}", missing.display()),
            "Missing",
            None,
            None,
            NOW,
        )
        .unwrap();
    let mut worker = WorkerHandle::spawn(engine, || {});
    let subscribe = FeedsCommand::Subscribe {
        source: good.display().to_string(),
        folder: vec!["F".into()],
    };
    worker.send(Command::Feeds(subscribe)).unwrap();
    // The subscription is read on a thread of its own: the refresh after it waits for it to be
    // stored, as a person who saw "Subscribed to …" would.
    let mut events = Vec::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !events.contains(&Event::Finished {
        task: "Subscribing".into(),
    }) {
        assert!(std::time::Instant::now() < deadline, "{events:?}");
        events.extend(worker.drain());
        std::thread::yield_now();
    }
    worker
        .send(Command::Feeds(FeedsCommand::Refresh(RefreshScope::All)))
        .unwrap();
    worker.shutdown();
    events.extend(worker.drain());
    assert!(events.contains(&Event::Changed(Topic::Feeds)));
    assert!(events.contains(&Event::Changed(Topic::Items)));
    assert!(events.contains(&Event::Progress {
        task: "Refreshing feeds".into(),
        done: 2,
        total: 2
    }));
    assert!(events.contains(&Event::Finished {
        task: "Refreshing feeds".into()
    }));
    // The feed that failed is named in one notice (and marked in the sidebar).
    let failed: Vec<_> = events
        .iter()
        .filter(|e| matches!(e, Event::Failed { .. } | Event::Notice(_)))
        .collect();
    assert_eq!(failed.len(), 1, "{events:?}");
    assert!(
        matches!(failed[0], Event::Notice(n) if n.starts_with("Could not refresh") && n.contains("missing.xml")),
        "{failed:?}"
    );

    // A failed import says what failed, not only the operating system's words.
    let (engine, _c) = engine_at(&dir.path().join("data"));
    let mut worker = WorkerHandle::spawn(engine, || {});
    let missing = dir.path().join("subscriptions.opml");
    worker
        .send(Command::Feeds(FeedsCommand::ImportOpml(missing)))
        .unwrap();
    worker.shutdown();
    let events = worker.drain();
    let message = events
        .iter()
        .find_map(|e| match e {
            Event::Failed { message, .. } => Some(message.clone()),
            _ => None,
        })
        .unwrap_or_default();
    assert!(
        message.starts_with("Importing OPML failed: ") && message.contains("subscriptions.opml"),
        "{message}"
    );
}
