//! Runs an `Engine` on a background thread for the GUI: bounded command channel in, events out,
//! and a repaint request on every event so the UI never polls or waits.

use super::Engine;
use super::feeds::FeedsCommand;
use super::focus::FocusCommand;
use super::rank::RankCommand;
use super::reader::ReaderCommand;
use super::search::SearchCommand;
use super::search_thread::SearchThread;
use crate::model::Topic;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::thread::JoinHandle;
use std::time::Duration;

/// How often the worker looks for commits made by other processes (the CLI beside the window).
const EXTERNAL_CHANGE_POLL: Duration = Duration::from_millis(750);
/// How often the worker looks whether For you's build (on its own thread) has finished.
const RANK_BUILD_POLL: Duration = Duration::from_millis(15);

#[derive(Debug)]
pub enum Command {
    Focus(FocusCommand),
    Feeds(FeedsCommand),
    Search(SearchCommand),
    Rank(RankCommand),
    Reader(ReaderCommand),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Stored state changed; views showing this topic reload.
    Changed(Topic),
    /// A named long task advanced ("Refreshing feeds", 12 of 40; a total of 0: it cannot count).
    Progress {
        task: String,
        done: usize,
        total: usize,
    },
    /// A named task finished.
    Finished { task: String },
    /// Something failed; the message is meant for the user.
    Failed { task: String, message: String },
    /// A notice for the in-app notice area that stays until dismissed (no notification daemon,
    /// no audio, …).
    Notice(String),
    /// Word that something the user asked for was done ("Subscribed to …"); it goes by itself.
    Confirmation(String),
    /// The answer to `SearchCommand::Query` with the same `request_id` (older ids are stale).
    SearchResults {
        request_id: u64,
        outcome: Result<crate::search::SearchResults, String>,
    },
}

/// Where handlers post events; wakes the UI on each.
#[derive(Clone)]
pub struct EventSink {
    tx: mpsc::Sender<Event>,
    wake: std::sync::Arc<dyn Fn() + Send + Sync>,
}

impl EventSink {
    pub fn send(&self, event: Event) {
        // The receiver is gone only when the window is closing; nothing left to tell.
        let _ = self.tx.send(event);
        (self.wake)();
    }

    pub fn changed(&self, topic: Topic) {
        self.send(Event::Changed(topic));
    }

    /// A sink whose events a test reads from the returned receiver.
    #[cfg(test)]
    pub(crate) fn for_test() -> (Self, Receiver<Event>) {
        let (tx, rx) = mpsc::channel();
        let wake = std::sync::Arc::new(|| {});
        (Self { tx, wake }, rx)
    }
}

pub struct WorkerHandle {
    commands: Option<SyncSender<Command>>,
    events: Receiver<Event>,
    thread: Option<JoinHandle<()>>,
    /// Answers searches beside the worker (see `search_thread.rs`).
    search: Option<SearchThread>,
    /// Index commands (sync, rebuild) handed to the worker, and how many it has carried out.
    /// While one is outstanding, a search goes to the worker behind it, so that it sees the
    /// index that command leaves rather than racing it on the search thread.
    index_commands_sent: AtomicU64,
    index_commands_done: Arc<AtomicU64>,
}

impl WorkerHandle {
    /// Starts the worker thread; `wake` is called after every event (the GUI passes
    /// `ctx.request_repaint`).
    pub fn spawn(engine: Engine, wake: impl Fn() + Send + Sync + 'static) -> Self {
        let (cmd_tx, cmd_rx) = mpsc::sync_channel::<Command>(256);
        let (ev_tx, ev_rx) = mpsc::channel::<Event>();
        let sink = EventSink {
            tx: ev_tx,
            wake: std::sync::Arc::new(wake),
        };
        let search = SearchThread::spawn(engine.data_dir(), sink.clone(), cmd_tx.clone());
        let done = Arc::new(AtomicU64::new(0));
        let worker_done = Arc::clone(&done);
        let thread = std::thread::Builder::new()
            .name("focusfeed-worker".into())
            .spawn(move || run(engine, cmd_rx, sink, &worker_done))
            .ok();
        Self {
            commands: Some(cmd_tx),
            events: ev_rx,
            thread,
            search: Some(search),
            index_commands_sent: AtomicU64::new(0),
            index_commands_done: done,
        }
    }

    /// Hands a command to the worker without waiting. Fails only when the queue is full or the
    /// worker is gone; the message says so.
    pub fn send(&self, cmd: Command) -> Result<(), String> {
        let index_busy = self.index_commands_done.load(Ordering::Acquire)
            < self.index_commands_sent.load(Ordering::Relaxed);
        let is_index_command = changes_index(&cmd);
        let cmd = match (cmd, &self.search) {
            (
                Command::Search(SearchCommand::Query {
                    request_id,
                    request,
                }),
                Some(search),
            ) if !index_busy => match search.ask(request_id, request) {
                Ok(()) => return Ok(()),
                Err((request_id, request)) => Command::Search(SearchCommand::Query {
                    request_id,
                    request,
                }),
            },
            (cmd, _) => cmd,
        };
        let Some(tx) = &self.commands else {
            return Err("the background worker has stopped".into());
        };
        tx.try_send(cmd).map_err(|e| match e {
            TrySendError::Full(_) => "the background worker is busy; try again in a moment",
            TrySendError::Disconnected(_) => "the background worker has stopped",
        })?;
        if is_index_command {
            self.index_commands_sent.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }

    /// Events posted since the last call.
    pub fn drain(&self) -> Vec<Event> {
        self.events.try_iter().collect()
    }

    /// Blocks until the worker has handled everything sent so far (tests and shutdown only).
    pub fn shutdown(&mut self) {
        // The search thread holds a sender to the worker: it goes first, or the worker would
        // wait for commands forever.
        self.search.take();
        self.commands.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for WorkerHandle {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn run(mut engine: Engine, commands: Receiver<Command>, events: EventSink, done: &AtomicU64) {
    let mut seen_version = engine.store().data_version().ok();
    let mut index_work_pending = true;
    loop {
        // While the index has a backlog, come straight back to it between commands; while For
        // you is built on its own thread, look for it often.
        let wait = if index_work_pending {
            Duration::ZERO
        } else if engine.rank_building() {
            RANK_BUILD_POLL
        } else {
            EXTERNAL_CHANGE_POLL
        };
        match commands.recv_timeout(wait) {
            Ok(cmd) => {
                let is_index_command = changes_index(&cmd);
                dispatch(&mut engine, cmd, &events);
                if is_index_command {
                    done.fetch_add(1, Ordering::Release);
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                // A ranking asked for is delivered before the worker stops.
                super::rank::poll_build(&mut engine, &events, true);
                break;
            }
        }
        super::rank::poll_build(&mut engine, &events, false);
        let version = engine.store().data_version().ok();
        if version != seen_version {
            seen_version = version;
            for topic in [
                Topic::Board,
                Topic::TimeLog,
                Topic::Timer,
                Topic::Feeds,
                Topic::Items,
                // `focusfeed budget 30`, `personalization off` and the like.
                Topic::Settings,
            ] {
                events.changed(topic);
            }
        }
        // Keeps the search index in step with items written by any command or process.
        index_work_pending = super::search::tick(&mut engine, &events);
    }
}

/// Commands a search sent after them must see the outcome of.
fn changes_index(cmd: &Command) -> bool {
    matches!(
        cmd,
        Command::Search(SearchCommand::Sync | SearchCommand::Rebuild)
    )
}

fn dispatch(engine: &mut Engine, cmd: Command, events: &EventSink) {
    match cmd {
        Command::Focus(c) => super::focus::handle(engine, c, events),
        Command::Feeds(c) => super::feeds::handle(engine, c, events),
        Command::Search(c) => super::search::handle(engine, c, events),
        Command::Rank(c) => super::rank::handle(engine, c, events),
        Command::Reader(c) => super::reader::handle(engine, c, events),
    }
}
