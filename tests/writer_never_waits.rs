//! The engine never makes the user wait on the network: while sixteen feeds hang on servers
//! that hold their answers, the timer starts, pauses and skips, a mark and a star are stored,
//! and a search is answered; when the servers let go, the refresh ends and its items are there.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::{TimeZone, Utc};
use common::held_server::HeldServers;
use common::{new_item, store_items};
use focusfeed::clock::ManualClock;
use focusfeed::engine::Engine;
use focusfeed::engine::feeds::runs::REFRESH_TASK;
use focusfeed::engine::feeds::{FeedsCommand, RefreshScope};
use focusfeed::engine::focus::{FocusCommand, TimerAction};
use focusfeed::engine::reader::ReaderCommand;
use focusfeed::engine::search::SearchCommand;
use focusfeed::engine::worker::{Command, Event, WorkerHandle};
use focusfeed::feeds::fetch::FetchConfig;
use focusfeed::focus::timer::Phase;
use focusfeed::model::Topic;
use focusfeed::search::SearchRequest;
use focusfeed::store::Store;
use std::sync::Arc;
use std::time::{Duration, Instant};

const NOW: i64 = 1_764_000_000;
const FEEDS: usize = 16;

/// Collects events until `want` matches one (bounded); returns everything seen on the way.
fn until(worker: &WorkerHandle, seen: &mut Vec<Event>, what: &str, want: impl Fn(&Event) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    let start = seen.len();
    loop {
        seen.extend(worker.drain());
        if seen[start..].iter().any(&want) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "no {what}; saw {:?}",
            &seen[start..]
        );
        std::thread::yield_now();
    }
}

fn refresh_finished(e: &Event) -> bool {
    matches!(e, Event::Finished { task } if task == REFRESH_TASK)
}

#[test]
fn commands_are_answered_while_sixteen_feeds_hang() {
    let servers = HeldServers::start(FEEDS, 3);
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(Utc.timestamp_opt(NOW, 0).unwrap());
    let mut engine = Engine::open(dir.path(), Arc::new(clock)).unwrap();
    // All sixteen at once (the window fetches 8 at a time; the rest would wait their turn),
    // held for however long a loaded machine takes over the steps below.
    engine.set_fetch_threads(FEEDS);
    engine.set_fetch_config(FetchConfig {
        total_timeout: Duration::from_secs(3_600),
        ..FetchConfig::default()
    });
    for (n, url) in servers.urls.iter().enumerate() {
        engine
            .store_mut()
            .insert_feed(url, &format!("Slow feed {n}"), None, None, NOW - 7_200)
            .unwrap();
    }
    let (local, _) = engine
        .store_mut()
        .insert_feed("http://127.0.0.1:9/local.xml", "Harbour", None, None, NOW)
        .unwrap();
    let story = new_item(
        "ferry",
        "Ferry timetable changes for winter",
        "The winter ferry timetable starts on Monday.",
        None,
        NOW - 3_600,
    );
    store_items(
        engine.store_mut(),
        local,
        "Harbour",
        &[story],
        NOW,
        NOW + 86_400,
    );
    engine.sync_index(None).unwrap();
    let item: i64 = engine
        .store()
        .conn()
        .query_row("SELECT id FROM items", [], |r| r.get(0))
        .unwrap();
    let reader = Store::open(&dir.path().join("focusfeed.sqlite3")).unwrap();

    let mut worker = WorkerHandle::spawn(engine, || {});
    let mut seen = Vec::new();
    worker
        .send(Command::Feeds(FeedsCommand::Refresh(RefreshScope::All)))
        .unwrap();
    until(
        &worker,
        &mut seen,
        "progress with the total",
        |e| matches!(e, Event::Progress { task, total, .. } if task == REFRESH_TASK && *total == FEEDS + 1),
    );
    // Every slow feed is now being fetched, and none will answer until released.
    servers.wait_accepted(FEEDS);

    let timer = |action| Command::Focus(FocusCommand::Timer(action));
    worker.send(timer(TimerAction::Start(None))).unwrap();
    until(&worker, &mut seen, "the timer stored", |e| {
        *e == Event::Changed(Topic::Timer)
    });
    assert!(reader.timer().unwrap().is_running());
    worker.send(timer(TimerAction::Pause)).unwrap();
    until(&worker, &mut seen, "the pause stored", |e| {
        *e == Event::Changed(Topic::Timer)
    });
    assert!(reader.timer().unwrap().is_paused());
    worker.send(timer(TimerAction::Skip)).unwrap();
    until(&worker, &mut seen, "the skip stored", |e| {
        *e == Event::Changed(Topic::Timer)
    });
    assert_eq!(reader.timer().unwrap().phase, Phase::ShortBreak);

    worker
        .send(Command::Reader(ReaderCommand::Mark {
            ids: vec![item],
            read: true,
            view: None,
        }))
        .unwrap();
    until(&worker, &mut seen, "the mark stored", |e| {
        *e == Event::Changed(Topic::ItemStates)
    });
    worker
        .send(Command::Reader(ReaderCommand::Star {
            item,
            on: true,
            view: None,
            position: None,
        }))
        .unwrap();
    until(&worker, &mut seen, "the star stored", |e| {
        *e == Event::Changed(Topic::ItemStates)
    });
    let (read, starred): (Option<i64>, Option<i64>) = reader
        .conn()
        .query_row(
            "SELECT read_at, starred_at FROM items WHERE id = ?1",
            [item],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(read.is_some() && starred.is_some());

    worker
        .send(Command::Search(SearchCommand::Query {
            request_id: 7,
            request: SearchRequest {
                text: "ferry".into(),
                ..SearchRequest::default()
            },
        }))
        .unwrap();
    until(
        &worker,
        &mut seen,
        "the search's answer",
        |e| matches!(e, Event::SearchResults { request_id: 7, outcome: Ok(r) } if r.hits.len() == 1),
    );
    assert!(
        !seen.iter().any(refresh_finished),
        "all of that happened while the refresh still hung"
    );

    servers.release();
    until(
        &worker,
        &mut seen,
        "the end of the refresh",
        refresh_finished,
    );
    assert!(seen.contains(&Event::Changed(Topic::Items)));
    worker.shutdown();
    let titles: Vec<String> = reader
        .feeds()
        .unwrap()
        .into_iter()
        .filter(|f| f.title.starts_with("Slow feed"))
        .filter(|f| f.error.is_none())
        .map(|f| f.title)
        .collect();
    assert_eq!(
        titles.len(),
        FEEDS,
        "every slow feed was stored: {titles:?}"
    );
    let stored: i64 = reader
        .conn()
        .query_row(
            "SELECT count(*) FROM items WHERE title LIKE 'Slow story %'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, (FEEDS * 3) as i64);
}

#[test]
fn a_hanging_refresh_can_be_stopped() {
    let servers = HeldServers::start(4, 1);
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(Utc.timestamp_opt(NOW, 0).unwrap());
    let mut engine = Engine::open(dir.path(), Arc::new(clock)).unwrap();
    for (n, url) in servers.urls.iter().enumerate() {
        engine
            .store_mut()
            .insert_feed(url, &format!("Slow feed {n}"), None, None, NOW - 7_200)
            .unwrap();
    }
    let mut worker = WorkerHandle::spawn(engine, || {});
    let mut seen = Vec::new();
    worker
        .send(Command::Feeds(FeedsCommand::Refresh(RefreshScope::All)))
        .unwrap();
    servers.wait_accepted(4);
    until(
        &worker,
        &mut seen,
        "the feeds named as waited for",
        |e| matches!(e, Event::RefreshWaiting(w) if w.len() == 4),
    );
    worker
        .send(Command::Feeds(FeedsCommand::CancelRefresh))
        .unwrap();
    until(
        &worker,
        &mut seen,
        "word that it stopped",
        |e| matches!(e, Event::Confirmation(c) if c.starts_with("Refresh stopped: 0 of 4")),
    );
    if !seen.iter().any(refresh_finished) {
        until(&worker, &mut seen, "the refresh ended", refresh_finished);
    }
    servers.release();
    worker.shutdown();
}
