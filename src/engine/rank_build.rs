//! Builds the recommender off the worker thread. At 100,000 items the corpus and its embedding
//! take over a second, and the worker must go on storing the marks, opens and stars the reader
//! sends meanwhile. The build reads through its own database connection and index reader.

use crate::model::UnixTime;
use crate::paths::{DB_FILE, INDEX_DIR};
use crate::rank::recommender::Recommender;
use crate::search::SearchIndex;
use crate::store::Store;
use std::path::Path;
use std::sync::mpsc::{self, Receiver, TryRecvError};

/// A build under way.
pub struct Build {
    answer: Receiver<Result<Recommender, String>>,
    /// The item count it was started with (the next rebuild is measured from it).
    pub count: usize,
    /// The engine's reset count when it started: a reset since then must be applied to what
    /// it built.
    pub resets: u64,
}

impl Build {
    /// Starts building from what `data_dir` holds now; the index must be up to date already.
    pub fn start(data_dir: &Path, now: UnixTime, count: usize, resets: u64) -> Self {
        let (tx, rx) = mpsc::channel();
        let failed = tx.clone();
        let dir = data_dir.to_path_buf();
        let spawned = std::thread::Builder::new()
            .name("focusfeed-rank-build".into())
            .spawn(move || {
                let built = (|| {
                    let store = Store::open(&dir.join(DB_FILE)).map_err(|e| e.to_string())?;
                    let index = SearchIndex::open_in_dir(&dir.join(INDEX_DIR))
                        .map_err(|e| e.to_string())?;
                    Recommender::load(&store, &index, now).map_err(|e| e.to_string())
                })();
                // The worker stopped waiting only when it is gone; nothing to tell then.
                let _ = tx.send(built);
            });
        if let Err(e) = spawned {
            let _ = failed.send(Err(format!("could not start building For you: {e}")));
        }
        Self {
            answer: rx,
            count,
            resets,
        }
    }

    /// The result, once the build has finished; `None` while it runs.
    pub fn try_take(&self) -> Option<Result<Recommender, String>> {
        match self.answer.try_recv() {
            Ok(r) => Some(r),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err("building For you stopped".into())),
        }
    }

    /// Waits for the result (the worker is shutting down).
    pub fn wait(&self) -> Result<Recommender, String> {
        self.answer
            .recv()
            .unwrap_or_else(|_| Err("building For you stopped".into()))
    }
}
