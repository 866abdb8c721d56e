//! The command line's refresh: feeds are stored on this thread while a second one indexes what
//! is stored, so that on two cores the index keeps pace with the storing instead of starting
//! once it ends (the window's index thread does the same beside its writer).

use super::{FeedsError, RefreshProgress, RefreshReport, RefreshScope};
use crate::engine::Engine;

/// Items the indexing thread lets gather before a commit while feeds are still coming: a commit
/// makes a segment, and fewer, larger ones merge less.
const INDEX_COMMIT_ITEMS: usize = 10_000;

/// How the index caught up with a refresh.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexCatchUp {
    /// False when the index was busy (the window holds it and indexes itself) or failed; the
    /// message says which, for the CLI to note.
    pub done: bool,
    pub note: Option<String>,
}

impl Engine {
    /// [`Engine::refresh`], with the search index brought up to date beside it. A failure of
    /// the index never fails the refresh: the outbox keeps every change for the next sync.
    pub fn refresh_indexed(
        &mut self,
        scope: RefreshScope,
        mut progress: impl FnMut(&RefreshProgress),
    ) -> Result<(RefreshReport, IndexCatchUp), FeedsError> {
        let mut indexer = match self.split_indexer() {
            Ok(indexer) => indexer,
            Err(e) => {
                let report = self.refresh(scope, progress)?;
                let note = Some(format!("the search index was not updated: {e}"));
                return Ok((
                    report,
                    IndexCatchUp {
                        note,
                        ..IndexCatchUp::default()
                    },
                ));
            }
        };
        let (stored, wake) = crossbeam_channel::unbounded::<()>();
        let (report, catch_up) = std::thread::scope(|s| {
            let indexing = std::thread::Builder::new()
                .name("focusfeed-cli-index".into())
                .spawn_scoped(s, || index_while_storing(&mut indexer, &wake));
            let report = self.refresh(scope, |p| {
                let _ = stored.send(());
                progress(p);
            });
            drop(stored);
            let catch_up = match indexing {
                Ok(handle) => handle.join().unwrap_or_else(|_| IndexCatchUp {
                    note: Some("the indexing thread stopped".into()),
                    ..IndexCatchUp::default()
                }),
                Err(e) => IndexCatchUp {
                    note: Some(format!("no indexing thread: {e}")),
                    ..IndexCatchUp::default()
                },
            };
            (report, catch_up)
        });
        // The index and the recommender go back to this engine, as if it had indexed itself.
        self.search = std::mem::take(&mut indexer.search);
        self.rank = std::mem::take(&mut indexer.rank);
        Ok((report?, catch_up))
    }
}

/// Commits the outbox in large batches as feeds are stored, and all of it once they are.
fn index_while_storing(
    indexer: &mut Engine,
    wake: &crossbeam_channel::Receiver<()>,
) -> IndexCatchUp {
    let mut catch_up = IndexCatchUp::default();
    let busy = |catch_up: &mut IndexCatchUp| {
        catch_up.note =
            Some("the window holds the search index and indexes the new items itself".into());
    };
    // Each stored feed wakes this thread; it drains once a commit's worth has gathered.
    while wake.recv().is_ok() {
        let pending = match indexer.store().index_outbox_len() {
            Ok(n) => n,
            Err(e) => {
                catch_up.note = Some(format!("the search index was not updated: {e}"));
                return catch_up;
            }
        };
        if pending < INDEX_COMMIT_ITEMS as u64 {
            continue;
        }
        match indexer.sync_index_in(INDEX_COMMIT_ITEMS, Some(1)) {
            Ok(Some(_)) => {}
            Ok(None) => {
                busy(&mut catch_up);
                return catch_up;
            }
            Err(e) => {
                catch_up.note = Some(format!("the search index was not updated: {e}"));
                return catch_up;
            }
        }
    }
    match indexer.sync_index(None) {
        Ok(Some(_)) => catch_up.done = true,
        Ok(None) => busy(&mut catch_up),
        Err(e) => catch_up.note = Some(format!("the search index was not updated: {e}")),
    }
    catch_up
}
