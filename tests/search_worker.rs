//! Searches through the window's worker: one typed while the worker is busy (here: held on a
//! feed server that does not answer) is still answered, since searches run on their own thread;
//! items stored before the worker starts are indexed in the background; and a search sent
//! after an index sync sees what the sync indexed.
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
use focusfeed::store::items::NewItem;
use std::io::Read;
use std::net::TcpListener;
use std::path::Path;
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

fn open(dir: &Path) -> Engine {
    let clock = ManualClock::new(Utc.timestamp_opt(NOW, 0).unwrap());
    Engine::open(dir, Arc::new(clock)).unwrap()
}

/// An engine at NOW on `dir` with one feed holding `items`, and that feed's id.
fn engine_with(dir: &Path, items: &[NewItem]) -> (Engine, i64) {
    let mut engine = open(dir);
    let (feed_id, _) = engine
        .store_mut()
        .insert_feed(
            "http://127.0.0.1:9/feed.xml",
            "Harbour News",
            None,
            None,
            NOW - 7_200,
        )
        .unwrap();
    store_items(
        engine.store_mut(),
        feed_id,
        "Harbour News",
        items,
        NOW - 7_200,
        NOW + 3_600,
    );
    (engine, feed_id)
}

fn search(request_id: u64, text: &str) -> Command {
    Command::Search(SearchCommand::Query {
        request_id,
        request: SearchRequest {
            text: text.into(),
            lenient: true,
            ..SearchRequest::default()
        },
    })
}

/// The titles of the hits in the answer to `request_id`, once the worker has stopped.
fn answer_titles(mut worker: WorkerHandle, request_id: u64) -> Vec<String> {
    worker.shutdown();
    let answer = worker.drain().into_iter().find_map(|e| match e {
        Event::SearchResults {
            request_id: id,
            outcome,
        } if id == request_id => Some(outcome),
        _ => None,
    });
    match answer {
        Some(Ok(results)) => results.hits.into_iter().map(|h| h.title).collect(),
        Some(Err(e)) => panic!("search failed: {e}"),
        None => panic!("no SearchResults event"),
    }
}

#[test]
fn the_worker_indexes_in_the_background_and_answers_searches() {
    let dir = tempfile::tempdir().unwrap();
    let items = [
        new_item(
            "gull",
            "Gulls over the quay",
            "Gulls nest on the old quay.",
            None,
            NOW - 60,
        ),
        new_item(
            "race",
            "Running a marathon",
            "Runners train for months.",
            None,
            NOW - 30,
        ),
    ];
    // Never indexed: the worker builds the index itself.
    let (engine, _) = engine_with(dir.path(), &items);
    let worker = WorkerHandle::spawn(engine, || {});
    worker.send(Command::Search(SearchCommand::Sync)).unwrap();
    worker.send(search(7, "marathon")).unwrap();
    assert_eq!(answer_titles(worker, 7), vec!["Running a marathon"]);
}

#[test]
fn a_search_sent_after_a_sync_sees_what_the_sync_indexed() {
    // The index already exists, so the search thread could answer at once from the old commit;
    // a backlog of thousands of items keeps the sync busy long enough for that race to show.
    let dir = tempfile::tempdir().unwrap();
    let first = [new_item(
        "gull",
        "Gulls over the quay",
        "Gulls nest here.",
        None,
        NOW - 60,
    )];
    let (mut engine, feed_id) = engine_with(dir.path(), &first);
    engine.sync_index(None).unwrap();
    let mut backlog: Vec<_> = (0..3000)
        .map(|n| {
            new_item(
                &format!("f{n}"),
                &format!("Filler {n}"),
                "Nothing to see.",
                None,
                NOW - 50,
            )
        })
        .collect();
    backlog.push(new_item(
        "quokka",
        "Quokka sightings",
        "Seen on Rottnest.",
        None,
        NOW - 40,
    ));
    store_items(
        engine.store_mut(),
        feed_id,
        "Harbour News",
        &backlog,
        NOW - 30,
        NOW + 3_600,
    );
    drop(engine);

    let worker = WorkerHandle::spawn(open(dir.path()), || {});
    worker.send(Command::Search(SearchCommand::Sync)).unwrap();
    worker.send(search(1, "quokka")).unwrap();
    assert_eq!(answer_titles(worker, 1), vec!["Quokka sightings"]);
}
