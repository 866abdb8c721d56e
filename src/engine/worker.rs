//! The GUI's door to the engine: commands in over bounded channels, events out, and a repaint
//! request on every event so the UI never polls or waits. Behind it run two engine threads
//! (see ARCHITECTURE.md): the writer (`writer.rs`), which takes the user's commands and stores
//! what the fetch pool brings, and the index thread (`indexer.rs`), which keeps the search
//! index and For you; neither ever waits on the other.

use super::Engine;
use super::feeds::FeedsCommand;
use super::focus::FocusCommand;
use super::rank::RankCommand;
use super::reader::ReaderCommand;
use super::search::SearchCommand;
use super::search_thread::SearchThread;
use crate::model::Topic;
use crossbeam_channel::{Sender, TrySendError};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::thread::JoinHandle;
use std::time::Duration;

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
    /// The feeds a refresh is still waiting for, the longest waited-for first (the sidebar
    /// names them on hover); empty when none.
    RefreshWaiting(Vec<String>),
    /// The answer to `SearchCommand::Query` with the same `request_id` (older ids are stale).
    SearchResults {
        request_id: u64,
        outcome: Result<crate::search::SearchResults, String>,
    },
}

/// Wakes the UI: at once (zero), or within the given time.
pub type Wake = std::sync::Arc<dyn Fn(Duration) + Send + Sync>;

/// How soon the UI hears of a refresh's progress: the pool tells it feed by feed, and a frame
/// for each of a hundred feeds a second is work taken from the refresh (drawn in software, a
/// frame of this window cost about 15 ms under Xvfb here).
pub const REFRESH_PACE: Duration = Duration::from_millis(500);

/// Where handlers post events; wakes the UI on each.
#[derive(Clone)]
pub struct EventSink {
    tx: mpsc::Sender<Event>,
    wake: Wake,
    /// Zero: wake at once; else the UI may wait this long (see [`EventSink::paced`]).
    pace: Duration,
    /// The topics told through this sink, when it was made by [`EventSink::recording`].
    told: Option<std::sync::Arc<std::sync::Mutex<Vec<Topic>>>>,
}

impl EventSink {
    pub fn send(&self, event: Event) {
        if let (Event::Changed(topic), Some(told)) = (&event, &self.told)
            && let Ok(mut told) = told.lock()
        {
            told.push(*topic);
        }
        // The receiver is gone only when the window is closing; nothing left to tell.
        let _ = self.tx.send(event);
        (self.wake)(self.pace);
    }

    /// A sink to the same receiver whose events may wait up to `pace` for the UI's next frame:
    /// for work in bulk that nobody is waiting on event by event (a refresh's stored feeds).
    pub fn paced(&self, pace: Duration) -> Self {
        Self {
            pace,
            ..self.clone()
        }
    }

    /// A sink to the same receiver that also notes each `Changed` topic told through it (or
    /// a clone of it): the writer learns which of the topics its handler moved were told.
    pub(crate) fn recording(&self) -> (Self, std::sync::Arc<std::sync::Mutex<Vec<Topic>>>) {
        let told = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = Self {
            tx: self.tx.clone(),
            wake: self.wake.clone(),
            pace: self.pace,
            told: Some(told.clone()),
        };
        (sink, told)
    }

    pub fn changed(&self, topic: Topic) {
        self.send(Event::Changed(topic));
    }

    /// A sink whose events a test reads from the returned receiver.
    #[cfg(test)]
    pub(crate) fn for_test() -> (Self, Receiver<Event>) {
        let (tx, rx) = mpsc::channel();
        let wake: Wake = std::sync::Arc::new(|_| {});
        (
            Self {
                tx,
                wake,
                pace: Duration::ZERO,
                told: None,
            },
            rx,
        )
    }
}

/// How many commands may wait for each engine thread before `send` says it is busy.
const QUEUE: usize = 256;

pub struct WorkerHandle {
    /// The writer: focus, reader and feeds commands.
    writer: Option<Sender<Command>>,
    /// The index thread: search and rank commands.
    indexer: Option<Sender<Command>>,
    events: Receiver<Event>,
    threads: Vec<JoinHandle<()>>,
    /// Answers searches beside both (see `search_thread.rs`).
    search: Option<SearchThread>,
    /// Index commands (sync, rebuild) handed to the index thread, and how many it has carried
    /// out. While one is outstanding, a search goes to the index thread behind it, so that it
    /// sees the index that command leaves rather than racing it on the search thread.
    index_commands_sent: AtomicU64,
    index_commands_done: Arc<AtomicU64>,
    /// Set when the window closes: refreshes under way are dropped, not waited for.
    abandon: Arc<AtomicBool>,
}

impl WorkerHandle {
    /// Starts the engine threads; `wake` is called after every event (the GUI passes
    /// `ctx.request_repaint`). `engine` becomes the writer; the index thread opens its own
    /// connection on the same data directory and takes over the engine's index and model.
    pub fn spawn(engine: Engine, wake: impl Fn() + Send + Sync + 'static) -> Self {
        Self::spawn_paced(engine, move |_| wake())
    }

    /// [`Self::spawn`] with a `wake` that is told how soon the UI must look: zero for an
    /// answer someone waits on, [`REFRESH_PACE`] for a refresh's progress.
    pub fn spawn_paced(
        mut engine: Engine,
        wake: impl Fn(Duration) + Send + Sync + 'static,
    ) -> Self {
        let (writer_tx, writer_rx) = crossbeam_channel::bounded::<Command>(QUEUE);
        let (indexer_tx, indexer_rx) = crossbeam_channel::bounded::<Command>(QUEUE);
        let (ev_tx, ev_rx) = mpsc::channel::<Event>();
        let sink = EventSink {
            tx: ev_tx,
            wake: std::sync::Arc::new(wake),
            pace: Duration::ZERO,
            told: None,
        };
        let search = SearchThread::spawn(engine.data_dir(), sink.clone(), indexer_tx.clone());
        engine.start_daily_backup(Some(sink.clone()));
        let done = Arc::new(AtomicU64::new(0));
        let abandon = Arc::new(AtomicBool::new(false));
        let mut threads = Vec::new();
        match engine.split_indexer() {
            Ok(indexer) => {
                let (sink, done) = (sink.clone(), Arc::clone(&done));
                if let Ok(t) = std::thread::Builder::new()
                    .name("focusfeed-index".into())
                    .spawn(move || super::indexer::run(indexer, &indexer_rx, &sink, &done))
                {
                    threads.push(t);
                }
            }
            Err(e) => sink.send(Event::Failed {
                task: "Opening the search index".into(),
                message: format!("Search and For you are not available: {e}"),
            }),
        }
        let writer_abandon = Arc::clone(&abandon);
        if let Ok(t) = std::thread::Builder::new()
            .name("focusfeed-writer".into())
            .spawn(move || super::writer::run(engine, &writer_rx, &sink, &writer_abandon))
        {
            threads.push(t);
        }
        Self {
            writer: Some(writer_tx),
            indexer: Some(indexer_tx),
            events: ev_rx,
            threads,
            search: Some(search),
            index_commands_sent: AtomicU64::new(0),
            index_commands_done: done,
            abandon,
        }
    }

    /// Hands a command to the thread that owns it, without waiting. Fails only when that
    /// queue is full or the thread is gone; the message says so.
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
        let queue = match &cmd {
            Command::Search(_) | Command::Rank(_) => &self.indexer,
            Command::Focus(_) | Command::Feeds(_) | Command::Reader(_) => &self.writer,
        };
        let Some(tx) = queue else {
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

    /// Blocks until both threads have handled everything sent so far, refreshes and
    /// subscriptions under way included (tests and benchmarks).
    pub fn shutdown(&mut self) {
        // The search thread holds a sender to the index thread: it goes first, or that thread
        // would wait for commands forever.
        self.search.take();
        self.writer.take();
        self.indexer.take();
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

impl Drop for WorkerHandle {
    fn drop(&mut self) {
        // The window is closing: a feed that hangs must not hold it open for its deadline.
        self.abandon.store(true, Ordering::Relaxed);
        self.shutdown();
    }
}

/// Commands a search sent after them must see the outcome of. Not a rebuild: the old content
/// answers until it is replaced, and `Changed(Index)` runs the search again then.
fn changes_index(cmd: &Command) -> bool {
    matches!(cmd, Command::Search(SearchCommand::Sync))
}
