//! The writer thread: the one place the window's commands are carried out and the fetch pool's
//! results stored, in short transactions. It never waits on the network or the index:
//! fetching happens on the pool, indexing and ranking on the index thread. It also notices
//! what another process (the CLI beside the window) changed, topic by topic.

use super::Engine;
use super::feeds::runs::Outstanding;
use super::worker::{Command, EventSink, REFRESH_PACE};
use crate::model::Topic;
use crate::store::changes::ChangeCounts;
use crossbeam_channel::{Receiver, select_biased};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// The most pool results the writer takes at once (all that wait, as the pool lets few wait).
const TAKEN_TOGETHER: usize = 8;

/// How often the writer looks for commits made by other processes.
const EXTERNAL_CHANGE_POLL: Duration = Duration::from_millis(750);

pub(super) fn run(
    mut engine: Engine,
    commands: &Receiver<Command>,
    events: &EventSink,
    abandon: &AtomicBool,
) {
    let mut outstanding = Outstanding::default();
    let results = outstanding.results().clone();
    let mut seen = engine.store().change_counts().unwrap_or_default();
    let mut index_seen = 0;
    loop {
        // The user's commands first: a key press never waits behind a stored feed.
        let (sink, told) = events.recording();
        select_biased! {
            recv(commands) -> cmd => {
                let Ok(cmd) = cmd else { break };
                announce_external(&engine, &mut seen, events);
                dispatch(&mut engine, &mut outstanding, cmd, &sink);
                super::search::announce_index_changes(&engine, events, &mut index_seen);
            },
            recv(results) -> message => {
                if let Ok(message) = message {
                    announce_external(&engine, &mut seen, events);
                    // Those waiting behind it are taken too: fetched feeds that came together
                    // are stored in one transaction. Stored feeds are told at the UI's pace,
                    // not a frame each.
                    let mut messages = vec![message];
                    messages.extend(results.try_iter().take(TAKEN_TOGETHER - 1));
                    outstanding.on_messages(&mut engine, messages, &sink.paced(REFRESH_PACE));
                }
            },
            default(EXTERNAL_CHANGE_POLL) => announce_external(&engine, &mut seen, events),
        }
        outstanding.announce_if_due(&sink, std::time::Instant::now());
        announce_untold(
            &engine,
            &mut seen,
            &told,
            outstanding.deferred_topics(),
            events,
        );
    }
    if abandon.load(Ordering::Relaxed) {
        outstanding.cancel(events);
    } else {
        outstanding.run_to_end(&mut engine, events);
    }
}

/// Tells the views whose topics another connection wrote since `seen` (the CLI, or this
/// window's index thread changing a setting).
fn announce_external(engine: &Engine, seen: &mut ChangeCounts, events: &EventSink) {
    if let Ok(now) = engine.store().change_counts() {
        for topic in now.moved_since(seen) {
            events.changed(topic);
        }
        *seen = now;
    }
}

/// After a handler ran: tells the topics that moved since `seen` and that the handler did not
/// tell. The counters cannot say whose write moved them, and another process may commit while
/// a handler runs; taking the new counts as seen lost that commit (the window stayed on "your
/// reader is empty" with a feed stored). A topic the handler told is not told twice (the timer
/// counts its `Changed(Timer)` answers), nor one it `deferred` (a refresh paces its items'
/// announcements, and the one it makes later covers another process's write too).
fn announce_untold(
    engine: &Engine,
    seen: &mut ChangeCounts,
    told: &std::sync::Mutex<Vec<Topic>>,
    deferred: &[Topic],
    events: &EventSink,
) {
    let Ok(now) = engine.store().change_counts() else {
        return;
    };
    let told = told.lock().map(|t| t.clone()).unwrap_or_default();
    for topic in now.moved_since(seen) {
        if !told.contains(&topic) && !deferred.contains(&topic) {
            events.changed(topic);
        }
    }
    *seen = now;
}

fn dispatch(engine: &mut Engine, outstanding: &mut Outstanding, cmd: Command, events: &EventSink) {
    match cmd {
        Command::Focus(c) => super::focus::handle(engine, c, events),
        Command::Feeds(c) => super::feeds::handle(engine, outstanding, c, events),
        Command::Reader(c) => super::reader::handle(engine, c, events),
        // The handle sends these to the index thread; one that arrives here is still served.
        Command::Search(c) => super::search::handle(engine, c, events),
        Command::Rank(c) => super::rank::handle(engine, c, events),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use crate::engine::worker::Event;
    use crate::store::Store;
    use std::sync::Arc;

    #[test]
    fn a_commit_by_another_process_while_a_handler_runs_is_told_and_the_handlers_once() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let engine = Engine::open(dir.path(), Arc::new(ManualClock::new(chrono::Utc::now())))
            .unwrap_or_else(|e| panic!("{e}"));
        let other =
            Store::open(&dir.path().join(crate::paths::DB_FILE)).unwrap_or_else(|e| panic!("{e}"));
        let (events, received) = EventSink::for_test();
        let mut seen = engine.store().change_counts().unwrap_or_default();

        // A handler writes a setting and tells it; meanwhile another process adds a feed.
        let (sink, told) = events.recording();
        engine
            .store()
            .set_setting("focus_guard", "off")
            .unwrap_or_else(|e| panic!("{e}"));
        sink.changed(Topic::Settings);
        other
            .conn()
            .execute(
                "INSERT INTO feeds(url, title, created_at) VALUES ('file:///x.xml', 'X', 0)",
                [],
            )
            .unwrap_or_else(|e| panic!("{e}"));
        announce_untold(&engine, &mut seen, &told, &[], &events);

        let got: Vec<Event> = received.try_iter().collect();
        assert_eq!(
            got,
            vec![
                Event::Changed(Topic::Settings),
                Event::Changed(Topic::Feeds)
            ]
        );
        // Nothing moved since: nothing more is told.
        announce_untold(&engine, &mut seen, &told, &[], &events);
        assert_eq!(received.try_iter().count(), 0);
        // A write the handler defers telling (a refresh paces its items) is left to it.
        let (_, told) = events.recording();
        engine
            .store()
            .set_setting("focus_guard", "on")
            .unwrap_or_else(|e| panic!("{e}"));
        announce_untold(&engine, &mut seen, &told, &[Topic::Settings], &events);
        assert_eq!(received.try_iter().count(), 0);
    }
}
