//! Keeps the index a projection of SQLite: drains the outbox of changed items (batched
//! commits), rebuilds from scratch, opens-or-rebuilds a missing or damaged index, and compares
//! the two (`focusfeed check`).

use super::SearchError;
use super::index::{SearchIndex, UNFINISHED_FILE, legacy_stamp, stamp};
use crate::model::ItemId;
use crate::store::Store;
use serde::Serialize;
use std::collections::HashSet;
use std::ops::ControlFlow;
use std::path::Path;

/// Items per commit when the window drains the outbox between commands: small enough that a
/// search or a refresh waits at most a moment behind it.
pub const BATCH: usize = 2_000;
/// Items per commit when draining a backlog in one go (CLI, rebuild): fewer, larger segments.
pub const BULK_BATCH: usize = 20_000;
/// Text (titles, bodies, authors, tags) one commit of the outbox takes at most, past the item
/// that crosses it. Tantivy queues up to 10,000 documents for its indexing thread and keeps a
/// batch's postings until the commit: with full-text articles of tens of kilobytes, 10,000 of
/// them would hold hundreds of megabytes. Feeds of summaries (under a kilobyte an item) never
/// reach it, so their batches stay as large as asked.
pub const MAX_BATCH_TEXT_BYTES: usize = 8 * 1024 * 1024;
/// How many example ids a check report lists per kind of difference.
const EXAMPLES: usize = 20;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DrainReport {
    /// Documents written (new or changed items).
    pub indexed: usize,
    /// Documents removed (deleted items).
    pub deleted: usize,
    /// Outbox entries still waiting (when `max_batches` stopped early).
    pub remaining: u64,
    /// Commits made.
    pub commits: usize,
}

/// Applies pending outbox entries to the index, `batch` items per commit (fewer when their text
/// passes [`MAX_BATCH_TEXT_BYTES`]), at most `max_batches` commits (`None`: until empty). Each
/// entry is acknowledged only after its commit, so a crash replays it (re-indexing is
/// idempotent).
pub fn drain_outbox(
    index: &mut SearchIndex,
    store: &Store,
    batch: usize,
    max_batches: Option<usize>,
) -> Result<DrainReport, SearchError> {
    drain_outbox_within(index, store, batch, max_batches, MAX_BATCH_TEXT_BYTES)
}

/// [`drain_outbox`] with a commit's text bounded by `text_cap` bytes rather than
/// [`MAX_BATCH_TEXT_BYTES`] (tests use a small one).
pub fn drain_outbox_within(
    index: &mut SearchIndex,
    store: &Store,
    batch: usize,
    max_batches: Option<usize>,
    text_cap: usize,
) -> Result<DrainReport, SearchError> {
    let mut report = DrainReport::default();
    let mut batches = 0;
    loop {
        if max_batches.is_some_and(|m| batches >= m) {
            report.remaining = store.index_outbox_len()?;
            return Ok(report);
        }
        let mut text = 0;
        let last = store.each_outbox_item(batch.max(1), |item_id, item| {
            match item {
                Some(item) => {
                    index.upsert(&item)?;
                    report.indexed += 1;
                    text += text_bytes(&item);
                }
                None => {
                    index.delete(item_id)?;
                    report.deleted += 1;
                }
            }
            Ok::<_, SearchError>(if text >= text_cap {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            })
        })?;
        let Some(last) = last else {
            return Ok(report);
        };
        index.commit()?;
        store.ack_index_outbox(last)?;
        batches += 1;
        report.commits += 1;
    }
}

/// The text a document carries into the index (what the writer holds until the commit).
fn text_bytes(item: &crate::store::IndexedItem) -> usize {
    item.title.len()
        + item.content.len()
        + item.author.as_ref().map_or(0, String::len)
        + item.tags.iter().map(String::len).sum::<usize>()
}

/// Replaces the index's content with every item in SQLite in one commit (searches see the old
/// content until then). `progress(done, total)` is called after each batch.
pub fn rebuild(
    index: &mut SearchIndex,
    store: &Store,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<u64, SearchError> {
    // Everything queued so far is covered by reading all items below.
    let covered = store.index_outbox_max_seq()?;
    let total = store.item_count()?;
    index.clear()?;
    let mut done = 0u64;
    let mut after: ItemId = i64::MIN;
    progress(0, total);
    loop {
        let items = store.indexed_items_after(after, BATCH)?;
        let Some(last) = items.last().map(|i| i.id) else {
            break;
        };
        for item in &items {
            index.add_new(item)?;
        }
        done += items.len() as u64;
        after = last;
        progress(done, total.max(done));
    }
    index.commit()?;
    store.ack_index_outbox(covered)?;
    Ok(done)
}

/// How [`open_or_rebuild`] found the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenOutcome {
    /// Opened as it was.
    Opened,
    /// There was none; built from SQLite.
    Created,
    /// It could not be used (the reason); rebuilt from SQLite.
    Rebuilt(String),
    /// Another version of focusfeed made it (the reason); rebuilt from SQLite.
    Upgraded(String),
}

/// Opens the index in `dir`; a missing, damaged or outdated one is rebuilt from `store` instead
/// of failing (it is only a projection of SQLite).
pub fn open_or_rebuild(
    dir: &Path,
    store: &Store,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<(SearchIndex, OpenOutcome), SearchError> {
    let outcome = match SearchIndex::open_in_dir(dir) {
        Ok(index) => return Ok((index, OpenOutcome::Opened)),
        Err(SearchError::Missing(_)) => OpenOutcome::Created,
        Err(e @ (SearchError::Corrupt { .. } | SearchError::Tantivy(_))) => {
            OpenOutcome::Rebuilt(e.to_string())
        }
        Err(SearchError::Outdated { reason, .. }) => OpenOutcome::Upgraded(reason),
        Err(e) => return Err(e),
    };
    // Another process writing the index (the window) can make it look damaged for a moment
    // (a merge removing files we were about to read): never delete an index in use.
    if writer_lock_held_elsewhere(dir) {
        return Err(SearchError::Busy);
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|source| SearchError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SearchError::Io { path, source }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let unfinished = dir.join(UNFINISHED_FILE);
    std::fs::write(&unfinished, b"").map_err(io(&unfinished))?;
    let mut index = SearchIndex::create_in_dir(dir)?;
    rebuild(&mut index, store, progress)?;
    std::fs::remove_file(&unfinished).map_err(io(&unfinished))?;
    Ok((index, outcome))
}

/// Whether some process holds tantivy's writer lock on `dir` (a `flock`, as tantivy takes it).
fn writer_lock_held_elsewhere(dir: &Path) -> bool {
    let path = dir.join(".tantivy-writer.lock");
    let Ok(file) = std::fs::OpenOptions::new().write(true).open(&path) else {
        return false;
    };
    matches!(file.try_lock(), Err(std::fs::TryLockError::WouldBlock))
}

/// How the index differs from SQLite.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CheckReport {
    pub sqlite_items: u64,
    pub index_docs: u64,
    /// Items in SQLite with no document.
    pub missing: u64,
    /// Documents whose item is gone from SQLite.
    pub extra: u64,
    /// Documents older than their item.
    pub stale: u64,
    /// Items indexed more than once.
    pub duplicates: u64,
    /// Outbox entries not yet applied (they explain differences until drained).
    pub pending: u64,
    /// Index files whose checksum does not match.
    pub corrupt_files: Vec<String>,
    /// A few ids of each kind, to look at.
    pub examples_missing: Vec<ItemId>,
    pub examples_extra: Vec<ItemId>,
    pub examples_stale: Vec<ItemId>,
}

impl CheckReport {
    pub fn is_consistent(&self) -> bool {
        self.missing == 0
            && self.extra == 0
            && self.stale == 0
            && self.duplicates == 0
            && self.corrupt_files.is_empty()
    }
}

/// Compares every item in SQLite with its document (presence and stamp of indexed columns),
/// and verifies the index files' checksums.
pub fn check(index: &SearchIndex, store: &Store) -> Result<CheckReport, SearchError> {
    let map = index.doc_map()?;
    let mut report = CheckReport {
        index_docs: map.by_item.len() as u64,
        duplicates: map.duplicates.len() as u64,
        pending: store.index_outbox_len()?,
        ..CheckReport::default()
    };
    let mut corrupt: Vec<String> = index
        .tantivy_index()
        .validate_checksum()?
        .into_iter()
        .map(|p| p.display().to_string())
        .collect();
    corrupt.sort();
    report.corrupt_files = corrupt;
    let mut seen: HashSet<ItemId> = HashSet::with_capacity(map.by_item.len());
    let mut after = i64::MIN;
    loop {
        let items = store.indexed_items_after(after, BATCH)?;
        let Some(last) = items.last().map(|i| i.id) else {
            break;
        };
        for item in &items {
            report.sqlite_items += 1;
            match map.by_item.get(&item.id) {
                None => {
                    report.missing += 1;
                    push_example(&mut report.examples_missing, item.id);
                }
                Some(doc) => {
                    seen.insert(item.id);
                    if doc.stamp != stamp(item) && doc.stamp != legacy_stamp(item) {
                        report.stale += 1;
                        push_example(&mut report.examples_stale, item.id);
                    }
                }
            }
        }
        after = last;
    }
    let mut extra: Vec<ItemId> = map
        .by_item
        .keys()
        .filter(|id| !seen.contains(id))
        .copied()
        .collect();
    extra.sort_unstable();
    report.extra = extra.len() as u64;
    report.examples_extra = extra.into_iter().take(EXAMPLES).collect();
    Ok(report)
}

fn push_example(list: &mut Vec<ItemId>, id: ItemId) {
    if list.len() < EXAMPLES {
        list.push(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An index of an earlier build's fields (the pair fields once recorded no counts) is
    /// rebuilt as an upgrade, not reported as damage.
    #[test]
    fn an_index_with_another_schema_is_rebuilt_as_an_upgrade() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("index");
        drop(SearchIndex::create_in_dir(&path).unwrap_or_else(|e| panic!("{e}")));
        let version =
            std::fs::read(path.join("analyzer-version")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::remove_dir_all(&path).unwrap_or_else(|e| panic!("{e}"));
        std::fs::create_dir_all(&path).unwrap_or_else(|e| panic!("{e}"));
        let mut older = tantivy::schema::Schema::builder();
        older.add_text_field("title", tantivy::schema::TEXT);
        tantivy::Index::create_in_dir(&path, older.build()).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(path.join("analyzer-version"), version).unwrap_or_else(|e| panic!("{e}"));
        let store = Store::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        let (index, outcome) =
            open_or_rebuild(&path, &store, &mut |_, _| {}).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(outcome, OpenOutcome::Upgraded(_)), "{outcome:?}");
        assert_eq!(index.tantivy_index().schema(), super::super::build_schema());
    }

    /// The app closed (or was killed) while it built the index afresh: the next start builds
    /// it again rather than opening what the first commit had not yet filled.
    #[test]
    fn an_index_left_half_built_is_built_again() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("index");
        let store = Store::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        store
            .conn()
            .execute_batch(
                "INSERT INTO feeds(id, url, created_at) VALUES (1, 'u', 0);
                 INSERT INTO items(id, feed_id, key, title, fetched_at) VALUES (1, 1, 'a', 'A', 0);",
            )
            .unwrap_or_else(|e| panic!("{e}"));
        // What a build cut short leaves: the marker, and tantivy's empty index beside it.
        std::fs::create_dir_all(&path).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(path.join(UNFINISHED_FILE), b"").unwrap_or_else(|e| panic!("{e}"));
        drop(SearchIndex::create_in_dir(&path).unwrap_or_else(|e| panic!("{e}")));
        assert!(matches!(
            SearchIndex::open_in_dir(&path),
            Err(SearchError::Corrupt { .. })
        ));
        let (index, outcome) =
            open_or_rebuild(&path, &store, &mut |_, _| {}).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(outcome, OpenOutcome::Rebuilt(_)), "{outcome:?}");
        assert_eq!(index.num_docs(), 1);
        assert!(!path.join(UNFINISHED_FILE).exists());
        drop(index);
        let (_, again) =
            open_or_rebuild(&path, &store, &mut |_, _| {}).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again, OpenOutcome::Opened);
    }

    #[test]
    fn a_damaged_index_in_use_by_a_writer_is_left_alone() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("index");
        let store = Store::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        let mut writer = SearchIndex::create_in_dir(&path).unwrap_or_else(|e| panic!("{e}"));
        writer.ensure_writable().unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(path.join("meta.json"), b"garbage").unwrap_or_else(|e| panic!("{e}"));
        let got = open_or_rebuild(&path, &store, &mut |_, _| {});
        assert!(matches!(got, Err(SearchError::Busy)), "{got:?}");
        assert!(path.join("meta.json").exists());
        drop(writer);
        let (_, outcome) =
            open_or_rebuild(&path, &store, &mut |_, _| {}).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(outcome, OpenOutcome::Rebuilt(_)), "{outcome:?}");
    }
}
