//! The index thread: keeps the search index in step with SQLite (opening or rebuilding it at
//! start, then applying the outbox in batches), answers the searches that must see an index
//! command's outcome, and keeps For you (its build runs on a thread of its own). It has its
//! own database connection, so the writer never waits for an index commit or a ranking.

use super::Engine;
use super::rank::RankCommand;
use super::worker::{Command, EventSink};
use crossbeam_channel::{Receiver, RecvTimeoutError};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How often the index thread looks for items the writer (or the CLI) stored.
const OUTBOX_POLL: Duration = Duration::from_millis(250);
/// How often it looks whether For you's build has finished.
const RANK_BUILD_POLL: Duration = Duration::from_millis(15);

pub(super) fn run(
    mut engine: Engine,
    commands: &Receiver<Command>,
    events: &EventSink,
    done: &AtomicU64,
) {
    // The index is opened (built, the first time) before any command is served: a command
    // that opened it on the way (For you drains the outbox first) would do so without progress
    // shown, and a search typed meanwhile would read the empty index being built.
    let mut index_work_pending = super::search::tick(&mut engine, events);
    let mut generation_seen = 0;
    super::search::announce_index_changes(&engine, events, &mut generation_seen);
    // For you asked for while the index has a backlog waits for the index to catch up: a
    // ranking first indexes everything stored, and a refresh storing faster than the index
    // keeps up asks for one at every batch of new items (twice a second), each then ranked
    // over a library already outdated, beside the indexing it slows.
    let mut deferred_ranking: Option<usize> = None;
    loop {
        // While the index has a backlog, come straight back to it between commands; while For
        // you is built on its own thread, look for it often.
        let wait = if index_work_pending {
            Duration::ZERO
        } else if engine.rank_building() {
            RANK_BUILD_POLL
        } else {
            OUTBOX_POLL
        };
        match commands.recv_timeout(wait) {
            Ok(cmd) => {
                let is_index_command =
                    matches!(cmd, Command::Search(super::search::SearchCommand::Sync));
                match cmd {
                    Command::Search(c) => super::search::handle(&mut engine, c, events),
                    Command::Rank(RankCommand::Refresh { limit }) if index_work_pending => {
                        deferred_ranking = Some(limit);
                    }
                    Command::Rank(c) => super::rank::handle(&mut engine, c, events),
                    // The handle never sends these here.
                    Command::Focus(_) | Command::Feeds(_) | Command::Reader(_) => {}
                }
                if is_index_command {
                    done.fetch_add(1, Ordering::Release);
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                // A ranking asked for is delivered before the thread stops.
                if let Some(limit) = deferred_ranking.take() {
                    super::rank::handle(&mut engine, RankCommand::Refresh { limit }, events);
                }
                super::rank::poll_build(&mut engine, events, true);
                break;
            }
        }
        super::rank::poll_build(&mut engine, events, false);
        // Keeps the search index in step with items written by any thread or process.
        index_work_pending = super::search::tick(&mut engine, events);
        super::search::announce_index_changes(&engine, events, &mut generation_seen);
        if !index_work_pending && let Some(limit) = deferred_ranking.take() {
            super::rank::handle(&mut engine, RankCommand::Refresh { limit }, events);
        }
    }
}
