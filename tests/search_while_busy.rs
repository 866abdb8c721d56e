//! A search typed while the worker is busy (here: held on a feed server that does not answer)
//! is still answered: searches run on their own thread.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::{TimeZone, Utc};
use common::{new_item, store_items};
use focusfeed::clock::ManualClock;
use focusfeed::engine::Engine;
use focusfeed::engine::feeds::{FeedsCommand, RefreshScope};
use focusfeed::engine::search::SearchCommand;
use focusfeed::engine::worker::{Command, Event, WorkerHandle};
use focusfeed::search::SearchRequest;
use std::io::Read;
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

const NOW: i64 = 1_764_000_000;

#[test]
fn a_search_is_answered_while_the_worker_waits_on_a_feed() {
    // A server that accepts the feed request and then says nothing until the test is done.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/feed.xml", listener.local_addr().unwrap());
    let (accepted_tx, accepted) = mpsc::channel::<()>();
    let (release_tx, release) = mpsc::channel::<()>();
    let server = std::thread::spawn(move || {
        if let Ok((mut conn, _)) = listener.accept() {
            let mut buf = [0u8; 1024];
            let _ = conn.read(&mut buf);
            let _ = accepted_tx.send(());
            let _ = release.recv();
        }
    });

    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(Utc.timestamp_opt(NOW, 0).unwrap());
    let mut engine = Engine::open(dir.path(), Arc::new(clock)).unwrap();
    let (feed_id, _) = engine
        .store_mut()
        .insert_feed(&url, "Slow Harbour News", None, None, NOW - 7_200)
        .unwrap();
    let item = new_item(
        "ferry",
        "Ferry timetable changes for winter",
        "The winter ferry timetable starts on Monday.",
        None,
        NOW - 3_600,
    );
    store_items(
        engine.store_mut(),
        feed_id,
        "Slow Harbour News",
        &[item],
        NOW - 7_200,
        NOW - 60,
    );
    engine.sync_index(None).unwrap();

    let mut worker = WorkerHandle::spawn(engine, || {});
    worker
        .send(Command::Feeds(FeedsCommand::Refresh(RefreshScope::All)))
        .unwrap();
    // The worker is now inside the refresh, waiting on the server.
    accepted.recv_timeout(Duration::from_secs(20)).unwrap();
    worker
        .send(Command::Search(SearchCommand::Query {
            request_id: 7,
            request: SearchRequest {
                text: "ferry".into(),
                ..SearchRequest::default()
            },
        }))
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let outcome = loop {
        let answer = worker.drain().into_iter().find_map(|e| match e {
            Event::SearchResults {
                request_id: 7,
                outcome,
            } => Some(outcome),
            _ => None,
        });
        if let Some(o) = answer {
            break o;
        }
        assert!(
            Instant::now() < deadline,
            "no answer while the worker is busy"
        );
        std::thread::yield_now();
    };
    let hits = outcome.unwrap().hits;
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].title, "Ferry timetable changes for winter");
    assert_eq!(hits[0].feed_title, "Slow Harbour News");

    // Let the server go; the worker ends its refresh and stops.
    release_tx.send(()).unwrap();
    server.join().unwrap();
    worker.shutdown();
}
