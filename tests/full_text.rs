//! "Fetch full article" against a web server on 127.0.0.1: the page's article is stored beside
//! the summary and indexed (search finds a word only the page has); a 10 MiB page and a page
//! with no article keep the summary and say why; "always for this feed" fetches new items'
//! articles as a refresh brings them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::page_server::PageServer;
use focusfeed::clock::ManualClock;
use focusfeed::engine::Engine;
use focusfeed::engine::feeds::articles::FULL_TEXT_TASK;
use focusfeed::engine::feeds::{FeedsCommand, RefreshScope};
use focusfeed::engine::worker::{Command, Event, WorkerHandle};
use focusfeed::search::SearchRequest;
use focusfeed::store::Store;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

const ARTICLE: &str = include_str!("data/fulltext/article.html");
const NO_ARTICLE: &str = include_str!("data/fulltext/no_article.html");
const SUMMARY: &str = "The morning crossing now leaves at seven thirty.";

/// An RSS feed whose items link to `pages` on `server`, each with the same one-line summary.
fn rss(server: &PageServer, pages: &[&str]) -> String {
    let items: String = pages
        .iter()
        .map(|p| {
            format!(
                "<item><title>Story {p}</title><link>{}</link><guid>{p}</guid>\
                 <description>{SUMMARY}</description></item>",
                server.url(p)
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Harbour News</title>\
         <link>{}</link>{items}</channel></rss>",
        server.base
    )
}

fn clock() -> ManualClock {
    use chrono::TimeZone;
    ManualClock::new(chrono::Utc.timestamp_opt(1_764_000_000, 0).unwrap())
}

/// A data directory subscribed to the server's feed, and the worker that runs on it.
fn subscribed(
    server: &PageServer,
    pages: &[&str],
) -> (tempfile::TempDir, WorkerHandle, ManualClock) {
    server.put("/feed.xml", "application/rss+xml", rss(server, pages));
    let dir = tempfile::tempdir().unwrap();
    let clock = clock();
    let mut engine = Engine::open(dir.path(), Arc::new(clock.clone())).unwrap();
    engine.subscribe(&server.url("/feed.xml"), &[]).unwrap();
    let worker = WorkerHandle::spawn(engine, || {});
    (dir, worker, clock)
}

fn item_id(dir: &Path, page: &str) -> i64 {
    let store = Store::open(&dir.join(focusfeed::paths::DB_FILE)).unwrap();
    store
        .conn()
        .query_row("SELECT id FROM items WHERE guid = ?1", [page], |r| r.get(0))
        .unwrap()
}

/// (full text, error, summary) of the item.
fn stored(dir: &Path, id: i64) -> (Option<String>, Option<String>, String) {
    let store = Store::open(&dir.join(focusfeed::paths::DB_FILE)).unwrap();
    let a = store.article(id).unwrap().unwrap();
    (a.full_text, a.full_text_error, a.content_text)
}

/// Collects events until the article fetches are over (bounded; only a failing test waits).
fn until_fetched(worker: &WorkerHandle, seen: &mut Vec<Event>) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let fresh = worker.drain();
        let done = fresh
            .iter()
            .any(|e| matches!(e, Event::Finished { task } if task == FULL_TEXT_TASK));
        seen.extend(fresh);
        if done {
            return;
        }
        assert!(Instant::now() < deadline, "no article came; saw {seen:?}");
        std::thread::yield_now();
    }
}

#[test]
fn the_full_article_is_stored_beside_the_summary_and_searchable() {
    let server = PageServer::start();
    server.put("/ferry.html", "text/html; charset=utf-8", ARTICLE);
    let (dir, worker, _) = subscribed(&server, &["/ferry.html"]);
    let id = item_id(dir.path(), "/ferry.html");
    let mut seen = Vec::new();
    worker
        .send(Command::Feeds(FeedsCommand::FetchFullText(id)))
        .unwrap();
    until_fetched(&worker, &mut seen);
    drop(worker);

    let (full, error, summary) = stored(dir.path(), id);
    let full = full.expect("the full article");
    assert!(full.contains("island's two bakeries"), "{full}");
    assert!(!full.contains("Subscribe to our newsletter"));
    assert_eq!(error, None);
    assert_eq!(summary, SUMMARY, "the summary stays as the feed sent it");
    assert!(
        !seen.iter().any(|e| matches!(e, Event::Notice(_))),
        "{seen:?}"
    );

    // Search finds a word that only the page has.
    let mut engine = Engine::open(dir.path(), Arc::new(clock())).unwrap();
    engine.sync_index(None).unwrap();
    let found = engine
        .search(&SearchRequest {
            text: "bakeries".into(),
            limit: 10,
            ..SearchRequest::default()
        })
        .unwrap();
    assert_eq!(
        found.hits.iter().map(|h| h.id).collect::<Vec<_>>(),
        vec![id]
    );
}

#[test]
fn a_huge_page_and_a_page_without_an_article_keep_the_summary_and_say_why() {
    let server = PageServer::start();
    // 10 MiB of paragraphs: twice the page limit.
    let huge = format!(
        "<html><body><article>{}</article></body></html>",
        "<p>Harbour news, again and again, to fill the page.</p>".repeat(200_000)
    );
    assert!(huge.len() > 10 * 1024 * 1024);
    server.put("/huge.html", "text/html", huge);
    server.put("/login.html", "text/html", NO_ARTICLE);
    server.put("/photo.jpg", "image/jpeg", vec![0xFF, 0xD8, 0xFF, 0xE0]);
    let (dir, worker, _) = subscribed(&server, &["/huge.html", "/login.html", "/photo.jpg"]);
    let cases = [
        ("/huge.html", "the page is larger than 5 MiB"),
        ("/login.html", "no article was found on the page"),
        ("/photo.jpg", "the page is not HTML (image/jpeg)"),
    ];
    for (page, why) in cases {
        let id = item_id(dir.path(), page);
        let mut seen = Vec::new();
        worker
            .send(Command::Feeds(FeedsCommand::FetchFullText(id)))
            .unwrap();
        until_fetched(&worker, &mut seen);
        let (full, error, summary) = stored(dir.path(), id);
        assert_eq!(full, None, "{page}");
        assert_eq!(error.as_deref(), Some(why), "{page}");
        assert_eq!(summary, SUMMARY, "{page}");
        let notice = format!("Could not fetch the full article: {why}. The summary stays.");
        assert!(
            seen.iter().any(|e| *e == Event::Notice(notice.clone())),
            "{page}: {seen:?}"
        );
    }
}

#[test]
fn always_for_this_feed_fetches_the_articles_a_refresh_brings() {
    let server = PageServer::start();
    server.put("/ferry.html", "text/html", ARTICLE);
    server.put(
        "/second.html",
        "text/html",
        ARTICLE.replace("Ferry", "Second ferry"),
    );
    let (dir, worker, clock) = subscribed(&server, &["/ferry.html"]);
    let first = item_id(dir.path(), "/ferry.html");
    let feed: i64 = Store::open(&dir.path().join(focusfeed::paths::DB_FILE))
        .unwrap()
        .conn()
        .query_row("SELECT id FROM feeds", [], |r| r.get(0))
        .unwrap();
    worker
        .send(Command::Feeds(FeedsCommand::SetFullTextAlways {
            feed,
            on: true,
        }))
        .unwrap();
    server.put(
        "/feed.xml",
        "application/rss+xml",
        rss(&server, &["/ferry.html", "/second.html"]),
    );
    clock.advance(chrono::Duration::hours(1));
    worker
        .send(Command::Feeds(FeedsCommand::Refresh(RefreshScope::Feed(
            feed,
        ))))
        .unwrap();
    let mut seen = Vec::new();
    until_fetched(&worker, &mut seen);
    drop(worker);
    let second = item_id(dir.path(), "/second.html");
    let (full, _, _) = stored(dir.path(), second);
    assert!(full.is_some_and(|t| t.contains("island's two bakeries")));
    // Only what the refresh brought: the item from before was not fetched behind the user's back.
    assert_eq!(stored(dir.path(), first).0, None);
    assert!(
        !seen.iter().any(|e| matches!(e, Event::Notice(_))),
        "{seen:?}"
    );
}
