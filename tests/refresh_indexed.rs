//! `focusfeed refresh` indexes beside the storing: once it returns, every stored item is in
//! the search index and the outbox is empty (the index is first built mid-refresh, once
//! 10,000 items wait, and the rest goes in at its end).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::page_server::PageServer;
use focusfeed::clock::SystemClock;
use focusfeed::engine::Engine;
use focusfeed::engine::feeds::RefreshScope;
use focusfeed::search::SearchRequest;
use std::sync::Arc;

/// An RSS document of `items` items whose titles all hold `word`, one feed `f` apart.
fn feed(f: usize, items: usize, word: &str) -> String {
    let mut xml = format!("<rss version=\"2.0\"><channel><title>Feed {f}</title>");
    for i in 0..items {
        xml.push_str(&format!(
            "<item><title>{word} {f}-{i}</title><guid>g-{f}-{i}</guid>\
             <description>Body of item {i} in feed {f}.</description></item>"
        ));
    }
    xml.push_str("</channel></rss>");
    xml
}

#[test]
fn every_item_is_searchable_when_the_refresh_returns() {
    let server = PageServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut engine = Engine::open(dir.path(), Arc::new(SystemClock)).unwrap();
    // 24 feeds of 500: past the 10,000 items that make the indexing thread commit mid-refresh.
    let (feeds, items) = (24, 500);
    for f in 0..feeds {
        let path = format!("/f{f}.xml");
        server.put(&path, "application/rss+xml", feed(f, items, "lighthouse"));
        engine
            .store()
            .insert_feed(&server.url(&path), "", None, None, 0)
            .unwrap();
    }
    let mut stored = 0;
    let (report, index) = engine
        .refresh_indexed(RefreshScope::All, |_| stored += 1)
        .unwrap();
    assert_eq!((report.failed, report.items_added), (0, feeds * items));
    assert_eq!(stored, feeds);
    assert!(index.done, "{index:?}");
    assert_eq!(engine.store().index_outbox_len().unwrap(), 0);
    let found = engine
        .search(&SearchRequest {
            text: "lighthouse".into(),
            limit: 5,
            ..SearchRequest::default()
        })
        .unwrap();
    assert_eq!(found.total, feeds * items);
}
