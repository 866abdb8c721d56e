//! Feeds and lists written by a hostile publisher, generated here (not committed) and served
//! from a loopback server: each ends with an error on that feed or a bounded result, the
//! process lives, and the data directory still opens. (Times and memory are measured by the
//! commands in docs/performance.md, never asserted here.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::page_server::PageServer;
use focusfeed::clock::ManualClock;
use focusfeed::engine::Engine;
use focusfeed::engine::feeds::RefreshScope;
use focusfeed::feeds::retention::SETTING_MAX_ITEMS;
use focusfeed::paths::DB_FILE;
use focusfeed::store::Store;
use std::sync::Arc;

fn engine(dir: &std::path::Path, clock: &ManualClock) -> Engine {
    Engine::open(dir, Arc::new(clock.clone())).unwrap()
}

fn rss(title: &str, items: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\" xmlns:media=\"http://search.yahoo.com/mrss/\">\
         <channel><title>{title}</title>{items}</channel></rss>"
    )
}

fn item(guid: &str, title: &str, extra: &str) -> String {
    format!("<item><title>{title}</title><guid>{guid}</guid>{extra}</item>")
}

/// The data directory opens again and SQLite finds it whole.
fn still_opens(dir: &std::path::Path) {
    let store = Store::open(&dir.join(DB_FILE)).unwrap();
    let check: String = store
        .conn()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
}

#[test]
fn fifty_thousand_nested_elements_are_an_error_on_that_feed_not_a_crash() {
    let server = PageServer::start();
    server.put(
        "/calm.xml",
        "application/rss+xml",
        rss("Calm", &item("1", "Fine", "")),
    );
    server.put(
        "/deep.xml",
        "application/rss+xml",
        rss("Deep", &item("1", "First", "")),
    );
    let dir = tempfile::tempdir().unwrap();
    let clock = common::start_clock();
    let mut e = engine(dir.path(), &clock);
    e.subscribe(&server.url("/calm.xml"), &[]).unwrap();
    let deep = e.subscribe(&server.url("/deep.xml"), &[]).unwrap().feed_id;

    // The publisher turns hostile: 50,000 nested <media:group> (1.3 MB).
    let levels = 50_000;
    let nested = format!(
        "{}{}",
        "<media:group>".repeat(levels),
        "</media:group>".repeat(levels)
    );
    server.put(
        "/deep.xml",
        "application/rss+xml",
        rss("Deep", &item("2", "Second", &nested)),
    );
    let report = e.refresh(RefreshScope::All, |_| {}).unwrap();
    assert_eq!(report.feeds, 2);
    let feeds = e.store().feeds().unwrap();
    let hostile = feeds.iter().find(|f| f.id == deep).unwrap();
    let error = hostile.error.as_deref().unwrap_or_default();
    assert!(error.contains("nest more than"), "{error}");
    assert_eq!(hostile.item_count, 1, "what it had stays");
    assert!(feeds.iter().all(|f| f.id == deep || f.error.is_none()));

    // Subscribing to it fresh is refused the same way.
    server.put(
        "/deeper.xml",
        "application/rss+xml",
        rss("Deeper", &item("1", "x", &nested)),
    );
    let refused = e.subscribe(&server.url("/deeper.xml"), &[]).unwrap_err();
    assert!(refused.to_string().contains("nest more than"), "{refused}");
    drop(e);
    still_opens(dir.path());
}

#[test]
fn a_tag_with_three_hundred_thousand_attributes_is_read_in_linear_time() {
    let server = PageServer::start();
    let attrs: String = (0..300_000)
        .map(|i| format!(" a{i}=&quot;1&quot;"))
        .collect();
    let description = format!("<description>&lt;p{attrs}&gt;Hello there.&lt;/p&gt;</description>");
    server.put(
        "/attrs.xml",
        "application/rss+xml",
        rss("Attributes", &item("1", "Many", &description)),
    );
    let dir = tempfile::tempdir().unwrap();
    let clock = common::start_clock();
    let mut e = engine(dir.path(), &clock);
    let feed = e.subscribe(&server.url("/attrs.xml"), &[]).unwrap().feed_id;
    let text: String = e
        .store()
        .conn()
        .query_row(
            "SELECT content_text FROM items WHERE feed_id = ?1",
            [feed],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(text.trim(), "Hello there.");
}

#[test]
fn twenty_thousand_nested_outlines_import_with_folders_cut_at_a_depth() {
    let depth = 20_000;
    let mut opml = String::from(
        "<?xml version=\"1.0\"?><opml version=\"2.0\"><head><title>t</title></head><body>",
    );
    for i in 0..depth {
        opml.push_str(&format!(
            "<outline text=\"f{i}\"><outline text=\"feed {i}\" xmlUrl=\"https://example.com/{i}.xml\"/>"
        ));
    }
    opml.push_str(&"</outline>".repeat(depth));
    opml.push_str(
        "<outline text=\"local\" xmlUrl=\"file:///etc/passwd\"/>\
         <outline text=\"path\" xmlUrl=\"/home/me/secret.xml\"/></body></opml>",
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested.opml");
    std::fs::write(&path, opml).unwrap();
    let clock = common::start_clock();
    let mut e = engine(dir.path(), &clock);
    let report = e.import_opml(&path).unwrap();
    assert_eq!(report.feeds_added, depth);
    assert_eq!(report.folders, focusfeed::feeds::opml::MAX_FOLDER_DEPTH);
    // A list written by others never makes the app read a local file.
    assert_eq!(report.skipped.len(), 2, "{:?}", report.skipped);
    assert!(
        report
            .skipped
            .iter()
            .all(|s| s.contains("not a web address"))
    );
    let deepest = e
        .store()
        .feeds()
        .unwrap()
        .into_iter()
        .find(|f| f.url == "https://example.com/19999.xml")
        .unwrap();
    let folder = e.store().folder_path(deepest.folder_id.unwrap()).unwrap();
    assert_eq!(folder.len(), focusfeed::feeds::opml::MAX_FOLDER_DEPTH);
    drop(e);
    still_opens(dir.path());
}

#[test]
fn a_feed_renaming_every_item_on_each_fetch_stops_at_its_cap_keeping_starred_ones() {
    let server = PageServer::start();
    let batch = |round: usize| -> String {
        (0..1_500)
            .map(|i| {
                item(
                    &format!("r{round}-{i}"),
                    &format!("Round {round} item {i}"),
                    &format!(
                        "<pubDate>{}</pubDate>",
                        (chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap()
                            + chrono::Duration::minutes((round * 1_500 + i) as i64))
                        .to_rfc2822()
                    ),
                )
            })
            .collect()
    };
    server.put("/churn.xml", "application/rss+xml", rss("Churn", &batch(0)));
    let dir = tempfile::tempdir().unwrap();
    let clock = common::start_clock();
    let mut e = engine(dir.path(), &clock);
    e.store().set_setting(SETTING_MAX_ITEMS, "2000").unwrap();
    let feed = e.subscribe(&server.url("/churn.xml"), &[]).unwrap().feed_id;
    let oldest: i64 = e
        .store()
        .conn()
        .query_row(
            "SELECT id FROM items WHERE feed_id = ?1 AND title = 'Round 0 item 0'",
            [feed],
            |r| r.get(0),
        )
        .unwrap();
    e.store().set_starred(oldest, Some(1)).unwrap();

    for round in 1..6 {
        server.put(
            "/churn.xml",
            "application/rss+xml",
            rss("Churn", &batch(round)),
        );
        e.refresh(RefreshScope::All, |_| {}).unwrap();
    }
    let count = |sql: &str| -> i64 {
        e.store()
            .conn()
            .query_row(sql, [feed], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(
        count("SELECT count(*) FROM items WHERE feed_id = ?1"),
        2_001,
        "the newest 2,000 and the starred one"
    );
    assert_eq!(
        count("SELECT count(*) FROM items WHERE feed_id = ?1 AND starred_at IS NOT NULL"),
        1
    );
    assert_eq!(
        count("SELECT count(*) FROM items WHERE feed_id = ?1 AND title = 'Round 5 item 1499'"),
        1,
        "the newest stay"
    );
    assert!(
        count("SELECT count(*) FROM removed_items WHERE feed_id = ?1")
            <= focusfeed::store::items::TOMBSTONES_PER_FEED
    );
    let sidebar = e.store().sidebar_feeds().unwrap();
    let (_, dropped) = sidebar[0].capped.expect("the cap is shown");
    assert!(dropped > 0);
    drop(e);
    still_opens(dir.path());
}

#[test]
fn an_opml_import_beside_a_busy_writer_waits_its_turn_instead_of_failing() {
    // A deferred transaction reads first; under WAL, a commit by another connection in between
    // makes its first write fail at once with SQLITE_BUSY. The import takes the lock at BEGIN.
    let dir = tempfile::tempdir().unwrap();
    let mut opml = String::from("<opml version=\"2.0\"><body>");
    for f in 0..20 {
        opml.push_str(&format!("<outline text=\"Folder {f}\">"));
        for i in 0..25 {
            opml.push_str(&format!(
                "<outline text=\"feed {f}-{i}\" xmlUrl=\"https://example.com/{f}/{i}.xml\"/>"
            ));
        }
        opml.push_str("</outline>");
    }
    opml.push_str("</body></opml>");
    let path = dir.path().join("list.opml");
    std::fs::write(&path, opml).unwrap();
    let clock = common::start_clock();
    let mut e = engine(dir.path(), &clock);
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (db, stop) = (dir.path().join(DB_FILE), Arc::clone(&stop));
        std::thread::spawn(move || {
            let other = Store::open(&db).unwrap();
            let mut n = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                other.set_setting("busy", &n.to_string()).unwrap();
                n += 1;
            }
            n
        })
    };
    for _ in 0..10 {
        let report = e.import_opml(&path).unwrap();
        assert_eq!(report.feeds_added + report.feeds_existing, 500);
        assert!(e.store().conn().is_autocommit(), "no transaction left open");
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    assert!(writer.join().unwrap() > 0);
}

#[test]
fn a_feed_whose_parse_would_take_too_much_memory_is_an_error_on_that_feed() {
    let server = PageServer::start();
    server.put(
        "/links.xml",
        "application/rss+xml",
        rss("Links", &item("1", "First", "")),
    );
    let dir = tempfile::tempdir().unwrap();
    let clock = common::start_clock();
    let mut e = engine(dir.path(), &clock);
    let feed = e.subscribe(&server.url("/links.xml"), &[]).unwrap().feed_id;
    // 500,000 enclosures in one item (9.5 MB) would take about 190 MB to parse.
    let links = "<enclosure url=\"a\"/>".repeat(500_000);
    server.put(
        "/links.xml",
        "application/rss+xml",
        rss("Links", &item("2", "Second", &links)),
    );
    e.refresh(RefreshScope::All, |_| {}).unwrap();
    let feeds = e.store().feeds().unwrap();
    let hostile = feeds.iter().find(|f| f.id == feed).unwrap();
    let error = hostile.error.as_deref().unwrap_or_default();
    assert!(error.contains("more than the 128 MiB"), "{error}");
    assert_eq!(hostile.item_count, 1, "what it had stays");
    drop(e);
    still_opens(dir.path());
}

#[test]
fn a_json_feed_of_sixty_thousand_items_is_read_up_to_the_limit_and_stored_up_to_the_cap() {
    use focusfeed::feeds::bounds::MAX_ITEMS;
    let server = PageServer::start();
    let items: Vec<String> = (0..MAX_ITEMS + 10_000)
        .map(|i| format!("{{\"id\":\"{i}\",\"title\":\"Item {i}\"}}"))
        .collect();
    server.put(
        "/many.json",
        "application/feed+json",
        format!(
            "{{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"Many\",\"items\":[{}]}}",
            items.join(",")
        ),
    );
    let dir = tempfile::tempdir().unwrap();
    let clock = common::start_clock();
    let mut e = engine(dir.path(), &clock);
    e.store().set_setting(SETTING_MAX_ITEMS, "2000").unwrap();
    let feed = e.subscribe(&server.url("/many.json"), &[]).unwrap().feed_id;
    let feeds = e.store().feeds().unwrap();
    let many = feeds.iter().find(|f| f.id == feed).unwrap();
    assert_eq!(many.title, "Many");
    assert_eq!(many.item_count, 2_000);
    drop(e);
    still_opens(dir.path());
}
