//! The one door to the core for both the GUI and the CLI. `Engine` is the synchronous façade
//! (the CLI calls it directly); `worker` runs one on a background thread for the GUI, taking
//! commands in and posting events out. Each area adds its operations in its own file.

mod backups;
pub mod feeds;
pub mod focus;
mod indexer;
pub mod rank;
mod rank_build;
pub mod reader;
pub mod samples;
pub mod search;
pub mod search_thread;
pub mod worker;
mod writer;

use crate::clock::SharedClock;
use crate::paths::DB_FILE;
use crate::store::{Store, StoreError};
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Search(#[from] crate::search::SearchError),
    #[error("{0}")]
    Other(String),
}

pub type Result<T, E = EngineError> = std::result::Result<T, E>;

/// Owns the writing database connection (and, as areas land, the index writer and the model).
pub struct Engine {
    data_dir: PathBuf,
    store: Store,
    clock: SharedClock,
    /// The full-text index, opened (or rebuilt) on first use; see `engine/search.rs`.
    search: search::SearchState,
    /// The reader's undo step (see `engine/reader.rs`).
    reader: reader::ReaderState,
    /// The recommender, built on first use; see `engine/rank.rs`.
    rank: rank::RankState,
    /// Fetch limits and the refresh thread count (see `engine/feeds.rs`).
    feeds: feeds::FeedsRuntime,
}

impl Engine {
    pub fn open(data_dir: &Path, clock: SharedClock) -> Result<Self> {
        let store = Store::open(&data_dir.join(DB_FILE))?;
        store.size_for_writing()?;
        Ok(Self {
            data_dir: data_dir.to_path_buf(),
            store,
            clock,
            search: search::SearchState::default(),
            reader: reader::ReaderState::default(),
            rank: rank::RankState::default(),
            feeds: feeds::FeedsRuntime::default(),
        })
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn clock(&self) -> &SharedClock {
        &self.clock
    }

    /// A second engine on the same data directory, with a connection of its own, that takes
    /// over this one's search index and recommender: the window's index thread runs it, so
    /// that this one (the writer) never waits on an index commit or a ranking.
    pub fn split_indexer(&mut self) -> Result<Self> {
        let mut other = Self::open(&self.data_dir, self.clock.clone())?;
        other.search = std::mem::take(&mut self.search);
        other.rank = std::mem::take(&mut self.rank);
        Ok(other)
    }
}
