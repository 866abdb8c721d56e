//! Searches as you type, answered on their own thread with their own read connection and index
//! reader, so that a long command on the index thread (an index batch, For you being ranked)
//! does not hold them up. Only the newest query waiting is answered. Until the index thread has
//! opened (or built) the index, queries go to it, and it answers them once it has; so do
//! queries sent while an index sync or rebuild is outstanding (`WorkerHandle::send`).

use super::search::{SearchCommand, run_search};
use super::worker::{Command, Event, EventSink};
use crate::paths::{DB_FILE, INDEX_DIR};
use crate::search::{SearchIndex, SearchRequest};
use crate::store::Store;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;

/// A query and the id its answer carries.
pub type Query = (u64, SearchRequest);

pub struct SearchThread {
    queries: Option<Sender<Query>>,
    thread: Option<JoinHandle<()>>,
}

impl SearchThread {
    /// Starts the thread on `data_dir`; `worker` takes the queries it cannot answer yet.
    pub fn spawn(
        data_dir: &Path,
        events: EventSink,
        worker: crossbeam_channel::Sender<Command>,
    ) -> Self {
        let (tx, rx) = mpsc::channel::<Query>();
        let dir = data_dir.to_path_buf();
        let thread = std::thread::Builder::new()
            .name("focusfeed-search".into())
            .spawn(move || serve(&dir, &rx, &events, &worker))
            .ok();
        Self {
            queries: Some(tx),
            thread,
        }
    }

    /// Hands a query over; gives it back when the thread is gone (the caller asks the worker).
    pub fn ask(&self, request_id: u64, request: SearchRequest) -> Result<(), Query> {
        match &self.queries {
            Some(tx) => tx.send((request_id, request)).map_err(|e| e.0),
            None => Err((request_id, request)),
        }
    }
}

impl Drop for SearchThread {
    fn drop(&mut self) {
        self.queries.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The index as this thread reads it: opened when the worker has made it, re-read before each
/// query so it sees the worker's latest commit.
struct Reader {
    dir: PathBuf,
    index: Option<SearchIndex>,
}

impl Reader {
    fn index(&mut self) -> Option<&SearchIndex> {
        if let Some(index) = &self.index
            && index.reload().is_err()
        {
            // Rebuilt or damaged under us: open it afresh below.
            self.index = None;
        }
        if self.index.is_none() {
            self.index = SearchIndex::open_in_dir(&self.dir).ok();
        }
        self.index.as_ref()
    }
}

fn serve(
    data_dir: &Path,
    queries: &Receiver<Query>,
    events: &EventSink,
    worker: &crossbeam_channel::Sender<Command>,
) {
    let store = Store::open(&data_dir.join(DB_FILE));
    let mut reader = Reader {
        dir: data_dir.join(INDEX_DIR),
        index: None,
    };
    while let Ok(first) = queries.recv() {
        // Typing queues a query per pause; only the last one still matters.
        let Some((request_id, request)) = std::iter::once(first).chain(queries.try_iter()).last()
        else {
            continue;
        };
        match (&store, reader.index()) {
            (Ok(store), Some(index)) => {
                let outcome = run_search(index, store, &request).map_err(|e| e.to_string());
                events.send(Event::SearchResults {
                    request_id,
                    outcome,
                });
            }
            // No index yet (the worker builds it on first start) or no database connection:
            // the worker answers, as it did before this thread existed.
            _ => {
                let cmd = Command::Search(SearchCommand::Query {
                    request_id,
                    request,
                });
                if worker.try_send(cmd).is_err() {
                    events.send(Event::SearchResults {
                        request_id,
                        outcome: Err("the search is busy; type again in a moment".into()),
                    });
                }
            }
        }
    }
}
