//! The writer thread: the one place the window's commands are carried out and the fetch pool's
//! results stored, each in a short transaction. It never waits on the network or the index:
//! fetching happens on the pool, indexing and ranking on the index thread. It also notices
//! what another process (the CLI beside the window) changed, topic by topic.

use super::Engine;
use super::feeds::runs::Outstanding;
use super::worker::{Command, EventSink};
use crate::store::changes::ChangeCounts;
use crossbeam_channel::{Receiver, select_biased};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

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
        select_biased! {
            recv(commands) -> cmd => {
                let Ok(cmd) = cmd else { break };
                announce_external(&engine, &mut seen, events);
                dispatch(&mut engine, &mut outstanding, cmd, events);
                super::search::announce_index_changes(&engine, events, &mut index_seen);
            },
            recv(results) -> message => {
                if let Ok(message) = message {
                    announce_external(&engine, &mut seen, events);
                    outstanding.on_message(&mut engine, message, events);
                }
            },
            default(EXTERNAL_CHANGE_POLL) => announce_external(&engine, &mut seen, events),
        }
        // What this thread just wrote was told by the handler that wrote it.
        seen = engine.store().change_counts().unwrap_or(seen);
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
