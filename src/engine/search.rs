//! Engine operations and background commands for the search area: the index opened lazily
//! (rebuilt when missing or damaged), the outbox kept drained, searches for the CLI and the
//! reader's search-as-you-type.

use super::worker::{Event, EventSink};
use super::{Engine, Result};
use crate::model::Topic;
use crate::paths::INDEX_DIR;
use crate::search::{
    self, CheckReport, DrainReport, Filters, OpenOutcome, SearchError, SearchIndex, SearchRequest,
    SearchResults,
};

/// Work the GUI hands to the worker for this area.
#[derive(Debug)]
pub enum SearchCommand {
    /// A search (as you type); answered by `Event::SearchResults` with the same `request_id`.
    Query {
        request_id: u64,
        request: SearchRequest,
    },
    /// Apply pending item changes to the index now (the worker also does it between commands).
    /// A search sent after it is answered once it is done.
    Sync,
    /// Rebuild the index from SQLite, with progress. Searches meanwhile see the old content
    /// (it is replaced in one commit), then `Changed(Index)` runs them again.
    Rebuild,
}

/// The engine's index slot: opened on first use.
#[derive(Debug, Default)]
pub struct SearchState {
    index: Option<SearchIndex>,
    /// The last background failure told to the user, so a persistent one is told once.
    last_error: Option<String>,
    /// Counts commits that changed what a search finds (a build, a rebuild, a batch indexed),
    /// whichever path made them: a For you build drains the outbox too, and the window must
    /// rerun its search after that as after any other (see [`announce_index_changes`]).
    generation: u64,
    /// Outbox entries left after the last batch: a backlog (a refresh storing thousands of
    /// items) is indexed in larger commits, which make fewer segments to merge.
    backlog: u64,
}

/// Items per commit while the outbox holds a backlog of at least as many.
const BACKLOG_BATCH: usize = 10_000;

const TASK_BUILD: &str = "Building the search index";
const TASK_SYNC: &str = "Indexing new items";

impl Engine {
    /// The search index, opened on first use. A missing, damaged or outdated index is rebuilt
    /// from SQLite (reported through `progress(done, total)`) instead of failing.
    pub fn search_index_with_progress(
        &mut self,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<(&mut SearchIndex, OpenOutcome)> {
        let mut outcome = OpenOutcome::Opened;
        if self.search.index.is_none() {
            let dir = self.data_dir.join(INDEX_DIR);
            let (index, o) = search::open_or_rebuild(&dir, &self.store, progress)?;
            self.search.index = Some(index);
            if o != OpenOutcome::Opened {
                self.search.generation += 1;
            }
            outcome = o;
        }
        match self.search.index.as_mut() {
            Some(index) => Ok((index, outcome)),
            None => Err(super::EngineError::Other(
                "the search index is not open".into(),
            )),
        }
    }

    /// The search index, opened on first use (see [`Self::search_index_with_progress`]).
    pub fn search_index(&mut self) -> Result<&mut SearchIndex> {
        Ok(self.search_index_with_progress(&mut |_, _| {})?.0)
    }

    /// Applies pending item changes to the index: `Some(n)` makes at most n commits of up to
    /// 2,000 items (the window, between commands); `None` drains everything in large commits. When another process holds the index writer, returns `None` after picking
    /// up its commits: that process drains the outbox.
    pub fn sync_index(&mut self, max_batches: Option<usize>) -> Result<Option<DrainReport>> {
        let batch = if max_batches.is_some() {
            search::BATCH
        } else {
            search::BULK_BATCH
        };
        self.sync_index_in(batch, max_batches)
    }

    /// [`Self::sync_index`] with `batch` items per commit.
    pub(crate) fn sync_index_in(
        &mut self,
        batch: usize,
        max_batches: Option<usize>,
    ) -> Result<Option<DrainReport>> {
        self.search_index()?;
        let Some(index) = self.search.index.as_mut() else {
            return Ok(None);
        };
        match search::drain_outbox(index, &self.store, batch, max_batches) {
            Ok(report) => {
                if report.indexed + report.deleted > 0 {
                    self.search.generation += 1;
                }
                Ok(Some(report))
            }
            Err(SearchError::Busy) => {
                index.reload()?;
                Ok(None)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Runs a search over the index as it is (call [`Self::sync_index`] first for the newest
    /// items). `unread` is resolved against SQLite.
    pub fn search(&mut self, request: &SearchRequest) -> Result<SearchResults> {
        self.search_index()?;
        let Some(index) = self.search.index.as_ref() else {
            return Err(super::EngineError::Other(
                "the search index is not open".into(),
            ));
        };
        run_search(index, &self.store, request)
    }

    /// Compares the index with SQLite, after applying pending changes when it can.
    pub fn check_index(&mut self) -> Result<CheckReport> {
        self.sync_index(None)?;
        let Some(index) = self.search.index.as_ref() else {
            return Err(super::EngineError::Other(
                "the search index is not open".into(),
            ));
        };
        Ok(search::check(index, &self.store)?)
    }

    /// Builds the index again from SQLite. Fails with a clear message when another process
    /// (the window) is writing it.
    pub fn rebuild_index(&mut self, progress: &mut dyn FnMut(u64, u64)) -> Result<u64> {
        let (index, outcome) = self.search_index_with_progress(progress)?;
        if outcome != OpenOutcome::Opened {
            return Ok(index.num_docs());
        }
        index.ensure_writable()?;
        // In place, in one commit: searches keep the old content until the new one is there,
        // and the old segments (damaged ones too) are dropped with that commit. An index that
        // cannot be opened at all was rebuilt from scratch above.
        let Some(index) = self.search.index.as_mut() else {
            return Err(super::EngineError::Other(
                "the search index is not open".into(),
            ));
        };
        search::rebuild(index, &self.store, progress)?;
        self.search.generation += 1;
        Ok(index.num_docs())
    }
}

/// A search over `index` with what only SQLite knows added (feed title, link, read and star
/// flags); `store` resolves `unread`. Shared by the worker and the search thread.
pub fn run_search(
    index: &SearchIndex,
    store: &crate::store::Store,
    request: &SearchRequest,
) -> Result<SearchResults> {
    let mut filters = Filters {
        feed: request.feed,
        since: request.since,
        only: None,
    };
    if request.unread {
        filters = filters.unread_in(store)?;
    }
    let mut results = index.search(
        &request.text,
        request.lenient,
        &filters,
        request.sort,
        request.limit,
    )?;
    // A hit whose item was deleted a moment ago (its removal not yet indexed) is dropped rather
    // than shown and failing to open.
    let before = results.hits.len();
    let mut hits = Vec::with_capacity(before);
    for mut hit in results.hits {
        if let Some(c) = store.hit_context(hit.id)? {
            hit.feed_title = c.feed_title;
            hit.url = c.url;
            hit.read = c.read;
            hit.starred = c.starred;
            hits.push(hit);
        }
    }
    results.total = results.total.saturating_sub(before - hits.len());
    results.hits = hits;
    Ok(results)
}

pub(super) fn handle(engine: &mut Engine, cmd: SearchCommand, events: &EventSink) {
    match cmd {
        SearchCommand::Query {
            request_id,
            request,
        } => {
            let outcome = engine.search(&request).map_err(|e| e.to_string());
            events.send(Event::SearchResults {
                request_id,
                outcome,
            });
        }
        SearchCommand::Sync => while tick(engine, events) {},
        SearchCommand::Rebuild => {
            let mut progress = |done: u64, total: u64| {
                events.send(Event::Progress {
                    task: TASK_BUILD.into(),
                    done: done as usize,
                    total: total as usize,
                });
            };
            match engine.rebuild_index(&mut progress) {
                Ok(_) => {
                    events.send(Event::Finished {
                        task: TASK_BUILD.into(),
                    });
                }
                Err(e) => events.send(Event::Failed {
                    task: TASK_BUILD.into(),
                    message: e.to_string(),
                }),
            }
        }
    }
}

/// Tells the window when the index finds something new since `seen` (it reruns its search),
/// however the commit came about. Called after every command that may touch the index.
pub(super) fn announce_index_changes(engine: &Engine, events: &EventSink, seen: &mut u64) {
    if engine.search.generation != *seen {
        *seen = engine.search.generation;
        events.changed(Topic::Index);
    }
}

/// Called by the worker between commands: opens the index on first call (rebuilding it with
/// progress when needed) and applies one batch of pending item changes. Returns whether more
/// are waiting, so the worker comes back without idling.
pub(super) fn tick(engine: &mut Engine, events: &EventSink) -> bool {
    if engine.search.index.is_none() {
        let mut progress = |done: u64, total: u64| {
            // A fresh data directory has nothing to build; say nothing then.
            if total > 0 {
                events.send(Event::Progress {
                    task: TASK_BUILD.into(),
                    done: done as usize,
                    total: total as usize,
                });
            }
        };
        match engine.search_index_with_progress(&mut progress) {
            Ok((_, OpenOutcome::Opened)) => {}
            Ok((_, outcome)) => {
                match outcome {
                    OpenOutcome::Rebuilt(reason) => events.send(Event::Notice(format!(
                        "The search index was rebuilt from the database ({reason})."
                    ))),
                    OpenOutcome::Upgraded(_) => events.send(Event::Notice(
                        "The search index was rebuilt for this version of focusfeed.".into(),
                    )),
                    OpenOutcome::Opened | OpenOutcome::Created => {}
                }
                events.send(Event::Finished {
                    task: TASK_BUILD.into(),
                });
            }
            Err(e) => {
                report_failure(engine, events, TASK_BUILD, e.to_string());
                return false;
            }
        }
    }
    // A backlog (a refresh storing faster than the index keeps up) is taken in larger commits,
    // with merges paused while more than one batch waits: tantivy merged the segments of a
    // 100,000-item refresh as they came, work that the next commits outgrew.
    let backlog = usize::try_from(engine.search.backlog).unwrap_or(usize::MAX);
    let batch = if backlog >= BACKLOG_BATCH {
        BACKLOG_BATCH
    } else {
        search::BATCH
    };
    if let Some(index) = engine.search.index.as_mut()
        && let Err(e) = index.set_merging(backlog <= search::BATCH)
    {
        report_failure(engine, events, TASK_SYNC, e.to_string());
        return false;
    }
    match engine.sync_index_in(batch, Some(1)) {
        Ok(Some(report)) => {
            engine.search.last_error = None;
            engine.search.backlog = report.remaining;
            report.remaining > 0
        }
        Ok(None) => false,
        Err(e) => {
            report_failure(engine, events, TASK_SYNC, e.to_string());
            false
        }
    }
}

fn report_failure(engine: &mut Engine, events: &EventSink, task: &str, message: String) {
    if engine.search.last_error.as_deref() != Some(message.as_str()) {
        engine.search.last_error = Some(message.clone());
        events.send(Event::Failed {
            task: task.into(),
            message,
        });
    }
}
