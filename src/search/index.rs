//! `SearchIndex`: one tantivy index (on disk in `<data_dir>/index/`, or in RAM for tests and the
//! evaluation), its reader, and a writer opened only when something must be written.

use super::SearchError;
use super::analyzer::ANALYZER_VERSION;
use super::merge_policy::BoundedMergePolicy;
use super::schema::{Fields, build_schema, register_tokenizers};
use crate::model::{ItemId, UnixTime};
use crate::store::IndexedItem;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tantivy::indexer::{MergePolicy, NoMergePolicy};
use tantivy::schema::IndexRecordOption;
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument,
    TantivyError, Term,
};

/// Memory the writer may buffer before it flushes a segment. Kept modest: the machine also runs
/// the window and the recommender.
const WRITER_HEAP_BYTES: usize = 64 * 1024 * 1024;

/// File beside tantivy's own in the index directory: the [`ANALYZER_VERSION`] the index was
/// built with. Tantivy leaves files it did not write alone.
const VERSION_FILE: &str = "analyzer-version";

/// File present while an index made afresh is being filled from SQLite. Tantivy writes an
/// empty but valid index as soon as one is made; an app closed or killed before the first
/// commit left it so, and the next start opened it as it was: nothing to search, and nothing
/// queued to fill it. An index found with this file is made again.
pub(super) const UNFINISHED_FILE: &str = "unfinished";

/// Most threads one search uses: tantivy searches segments in parallel, and an index of a
/// million items has eight or so. Beyond four the window and the writer would starve.
const MAX_SEARCH_THREADS: usize = 4;

/// Where each live item sits in the current searcher, with its published time and stamp.
#[derive(Debug, Default)]
pub struct DocMap {
    pub by_item: HashMap<ItemId, DocEntry>,
    /// Items found more than once (should never happen; `check` reports it).
    pub duplicates: Vec<ItemId>,
}

#[derive(Debug, Clone, Copy)]
pub struct DocEntry {
    pub address: DocAddress,
    pub published: UnixTime,
    pub stamp: u64,
}

/// A full-text index of feed items. Cheap to query from one thread; writes go through `&mut`.
pub struct SearchIndex {
    index: Index,
    fields: Fields,
    reader: IndexReader,
    writer: Option<IndexWriter>,
    /// While this index holds the writer: no document has an item id above this, so a new
    /// item (ids grow) is added without the delete-by-id an update needs. A delete queued per
    /// new item cost each commit of a refresh's backlog a term query per document and ~4 MiB.
    highest_id: Option<i64>,
    /// Whether segments are merged as commits make them (see [`Self::set_merging`]).
    merging: bool,
    dir: Option<PathBuf>,
    /// Built lazily per searcher generation; term vectors and `check` look items up in it.
    doc_map: Mutex<Option<(u64, Arc<DocMap>)>>,
    vectors: super::vectors::VectorCache,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("dir", &self.dir)
            .field("docs", &self.num_docs())
            .finish_non_exhaustive()
    }
}

/// Bounded merges while `merging`, none while a backlog is indexed (see
/// [`SearchIndex::set_merging`]).
fn merge_policy(merging: bool) -> Box<dyn MergePolicy> {
    if merging {
        Box::new(BoundedMergePolicy::default())
    } else {
        Box::new(NoMergePolicy)
    }
}

impl SearchIndex {
    /// A new, empty index held in memory.
    pub fn create_in_ram() -> Result<Self, SearchError> {
        Self::wrap(Index::create_in_ram(build_schema()), None)
    }

    /// A new, empty index in `dir` (created; must not already hold an index).
    pub fn create_in_dir(dir: &Path) -> Result<Self, SearchError> {
        std::fs::create_dir_all(dir).map_err(|source| SearchError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let index = Index::create_in_dir(dir, build_schema())?;
        let version = dir.join(VERSION_FILE);
        std::fs::write(&version, format!("{ANALYZER_VERSION}\n")).map_err(|source| {
            SearchError::Io {
                path: version,
                source,
            }
        })?;
        Self::wrap(index, Some(dir.to_path_buf()))
    }

    /// The analyzer version the index in `dir` was built with: 1 when it records none (indexes
    /// from before the version was recorded), 0 when the record is unreadable.
    pub fn analyzer_version_in(dir: &Path) -> u32 {
        match std::fs::read_to_string(dir.join(VERSION_FILE)) {
            Ok(text) => text.trim().parse().unwrap_or(0),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => 1,
            Err(_) => 0,
        }
    }

    /// Opens the index in `dir`. Fails with [`SearchError::Missing`] when there is none and
    /// [`SearchError::Corrupt`] when it cannot be read, is not ours or was analyzed by another
    /// [`ANALYZER_VERSION`]; callers rebuild then.
    pub fn open_in_dir(dir: &Path) -> Result<Self, SearchError> {
        if !dir.join("meta.json").exists() {
            return Err(SearchError::Missing(dir.to_path_buf()));
        }
        let corrupt = |e: &dyn std::fmt::Display| SearchError::Corrupt {
            path: dir.to_path_buf(),
            reason: e.to_string(),
        };
        if dir.join(UNFINISHED_FILE).exists() {
            return Err(corrupt(
                &"it was being built from the database and not finished",
            ));
        }
        let outdated = |reason: String| SearchError::Outdated {
            path: dir.to_path_buf(),
            reason,
        };
        let version = Self::analyzer_version_in(dir);
        if version == 0 {
            return Err(corrupt(&"its record of the analyzer version is unreadable"));
        }
        if version != ANALYZER_VERSION {
            return Err(outdated(format!(
                "its text was analyzed by version {version} of the analyzer, this build uses \
                 version {ANALYZER_VERSION}"
            )));
        }
        // Index files are outside input: tantivy trusts them and may panic on a damaged one, so
        // verify their checksums first and contain any panic while opening.
        let opened = std::panic::catch_unwind(|| -> Result<Self, SearchError> {
            let index = Index::open_in_dir(dir).map_err(|e| corrupt(&e))?;
            if index.schema() != build_schema() {
                return Err(outdated("its fields were laid out by another build".into()));
            }
            let damaged = index.validate_checksum().map_err(|e| corrupt(&e))?;
            if let Some(file) = damaged.iter().next() {
                return Err(corrupt(&format!("{} fails its checksum", file.display())));
            }
            Self::wrap(index, Some(dir.to_path_buf())).map_err(|e| match e {
                SearchError::Tantivy(e) => corrupt(&e),
                other => other,
            })
        });
        opened.unwrap_or_else(|_| Err(corrupt(&"reading it failed")))
    }

    fn wrap(mut index: Index, dir: Option<PathBuf>) -> Result<Self, SearchError> {
        register_tokenizers(&index);
        let threads = std::thread::available_parallelism()
            .map_or(1, std::num::NonZero::get)
            .min(MAX_SEARCH_THREADS);
        if threads > 1 {
            index.set_multithread_executor(threads)?;
        }
        let fields = Fields::resolve(&index.schema()).ok_or_else(|| SearchError::Corrupt {
            path: dir.clone().unwrap_or_default(),
            reason: "fields are missing".into(),
        })?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let this = Self {
            index,
            fields,
            reader,
            writer: None,
            highest_id: None,
            merging: true,
            dir,
            doc_map: Mutex::new(None),
            vectors: Default::default(),
        };
        // Touch every segment once so a damaged one shows up now, not in the middle of a query.
        this.doc_map()?;
        Ok(this)
    }

    /// The directory, or `None` for a RAM index.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    pub fn fields(&self) -> Fields {
        self.fields
    }

    pub fn tantivy_index(&self) -> &Index {
        &self.index
    }

    /// A searcher on the last commit this index saw.
    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// Live documents in the last commit.
    pub fn num_docs(&self) -> u64 {
        self.searcher().num_docs()
    }

    /// Picks up commits made by another process (the window's worker, when the CLI reads).
    pub fn reload(&self) -> Result<(), SearchError> {
        self.reader.reload()?;
        Ok(())
    }

    fn writer(&mut self) -> Result<&mut IndexWriter, SearchError> {
        if self.writer.is_none() {
            let writer = self
                .index
                .writer_with_num_threads(1, WRITER_HEAP_BYTES)
                .map_err(|e| match e {
                    TantivyError::LockFailure(..) => SearchError::Busy,
                    other => SearchError::Tantivy(other),
                })?;
            writer.set_merge_policy(merge_policy(self.merging));
            // Holding the writer, the last commit is final until this index commits: another
            // process (the CLI) may have added items since this one last looked.
            self.reader.reload()?;
            self.highest_id = Some(self.highest_committed_id()?);
            self.writer = Some(writer);
        }
        self.writer.as_mut().ok_or(SearchError::Busy)
    }

    /// Pauses merging segments while a backlog is indexed in a run of commits (merging
    /// segments that the next commits outgrow is work done twice, on a machine the refresh
    /// keeps busy), or resumes it: tantivy's log policy with merges bounded in size
    /// ([`BoundedMergePolicy`]), looked at once with a commit.
    pub fn set_merging(&mut self, on: bool) -> Result<(), SearchError> {
        if self.merging == on {
            return Ok(());
        }
        self.merging = on;
        let Some(writer) = self.writer.as_mut() else {
            return Ok(());
        };
        writer.set_merge_policy(merge_policy(on));
        if on { self.commit() } else { Ok(()) }
    }

    /// Whether this process may write (takes the writer lock if free).
    pub fn ensure_writable(&mut self) -> Result<(), SearchError> {
        self.writer().map(|_| ())
    }

    /// Queues (re)indexing `item`; visible after [`commit`](Self::commit).
    pub fn upsert(&mut self, item: &IndexedItem) -> Result<(), SearchError> {
        let doc = self.document(item);
        let id_term = Term::from_field_i64(self.fields.id, item.id);
        // Taking the writer first learns the highest id the index holds.
        self.writer()?;
        let new = self.highest_id.is_some_and(|h| item.id > h);
        let writer = self.writer()?;
        if !new {
            writer.delete_term(id_term);
        }
        writer.add_document(doc)?;
        self.note_added(item.id);
        Ok(())
    }

    fn note_added(&mut self, id: ItemId) {
        if let Some(h) = self.highest_id.as_mut() {
            *h = (*h).max(id);
        }
    }

    /// The highest item id any committed document has (every segment's largest, deleted
    /// documents included: it only has to be no lower than the truth).
    fn highest_committed_id(&self) -> Result<i64, SearchError> {
        let mut highest = i64::MIN;
        for segment in self.searcher().segment_readers() {
            highest = highest.max(segment.fast_fields().i64("id")?.max_value());
        }
        Ok(highest)
    }

    /// Queues adding `item`, known not to be in the index (a rebuild after `clear`): skips the
    /// delete-by-id that [`upsert`](Self::upsert) pays for.
    pub fn add_new(&mut self, item: &IndexedItem) -> Result<(), SearchError> {
        let doc = self.document(item);
        self.writer()?.add_document(doc)?;
        self.note_added(item.id);
        Ok(())
    }

    /// Queues removing `id`; visible after [`commit`](Self::commit).
    pub fn delete(&mut self, id: ItemId) -> Result<(), SearchError> {
        let id_term = Term::from_field_i64(self.fields.id, id);
        self.writer()?.delete_term(id_term);
        Ok(())
    }

    /// Queues removing every document (a rebuild fills it again before committing).
    pub fn clear(&mut self) -> Result<(), SearchError> {
        self.writer()?.delete_all_documents()?;
        Ok(())
    }

    /// Makes queued changes durable and visible to this index's searches.
    pub fn commit(&mut self) -> Result<(), SearchError> {
        if let Some(w) = self.writer.as_mut() {
            w.commit()?;
            self.reader.reload()?;
        }
        Ok(())
    }

    /// Lets go of the writer lock (so another process can write) after finishing merges.
    pub fn release_writer(&mut self) -> Result<(), SearchError> {
        self.highest_id = None;
        if let Some(w) = self.writer.take() {
            w.wait_merging_threads()?;
        }
        Ok(())
    }

    fn document(&self, item: &IndexedItem) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::new();
        doc.add_i64(f.id, item.id);
        doc.add_i64(f.feed, item.feed_id);
        doc.add_text(f.title, &item.title);
        doc.add_text(f.content, &item.content);
        doc.add_text(f.title_pairs, &item.title);
        doc.add_text(f.content_pairs, &item.content);
        if let Some(a) = &item.author {
            doc.add_text(f.author, a);
        }
        for t in &item.tags {
            doc.add_text(f.tag, t);
        }
        doc.add_i64(f.published, item.published);
        doc.add_u64(f.stamp, stamp(item));
        doc
    }

    /// Every live document by item id, for the current searcher (cached per commit).
    pub fn doc_map(&self) -> Result<Arc<DocMap>, SearchError> {
        let searcher = self.searcher();
        let generation = searcher.generation().generation_id();
        let mut slot = self.doc_map.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((g, map)) = slot.as_ref()
            && *g == generation
        {
            return Ok(map.clone());
        }
        let mut map = DocMap::default();
        for (ord, seg) in searcher.segment_readers().iter().enumerate() {
            let ff = seg.fast_fields();
            let ids = ff.i64("id")?;
            let published = ff.i64("published")?;
            let stamps = ff.u64("stamp")?;
            for doc in seg.doc_ids_alive() {
                let Some(id) = ids.first(doc) else { continue };
                let entry = DocEntry {
                    address: DocAddress::new(ord as u32, doc),
                    published: published.first(doc).unwrap_or(0),
                    stamp: stamps.first(doc).unwrap_or(0),
                };
                if map.by_item.insert(id, entry).is_some() {
                    map.duplicates.push(id);
                }
            }
        }
        let map = Arc::new(map);
        *slot = Some((generation, map.clone()));
        Ok(map)
    }

    pub(super) fn vector_cache(&self) -> &super::vectors::VectorCache {
        &self.vectors
    }

    /// Term for `text` (already analyzed) in the title or content field.
    pub(super) fn text_term(&self, title: bool, text: &str) -> Term {
        let field = if title {
            self.fields.title
        } else {
            self.fields.content
        };
        Term::from_field_text(field, text)
    }

    pub(super) fn postings_option() -> IndexRecordOption {
        IndexRecordOption::WithFreqs
    }
}

/// A fingerprint of the indexed columns: equal stamps mean the document is current. XXH64
/// (stable across builds and platforms, unlike std's hasher) over the columns in order.
pub fn stamp(item: &IndexedItem) -> u64 {
    with_stamped_parts(item, crate::model::hash::xxh64_parts)
}

/// The stamp earlier builds gave a document (FNV-1a of the same parts; it took a quarter of
/// the index thread's time in a refresh). `check` still takes it as current, so an index
/// built by an earlier build is not reported stale, nor rebuilt, for it.
pub fn legacy_stamp(item: &IndexedItem) -> u64 {
    with_stamped_parts(item, crate::model::hash::fnv1a_bytes)
}

/// Calls `hash` with the indexed columns in order (numbers as little-endian bytes).
fn with_stamped_parts(item: &IndexedItem, hash: impl FnOnce(&[&[u8]]) -> u64) -> u64 {
    let (id, feed, published) = (
        item.id.to_le_bytes(),
        item.feed_id.to_le_bytes(),
        item.published.to_le_bytes(),
    );
    let mut parts: Vec<&[u8]> = Vec::with_capacity(6 + item.tags.len());
    parts.extend([
        &id[..],
        &feed[..],
        item.title.as_bytes(),
        item.content.as_bytes(),
        item.author.as_deref().unwrap_or("").as_bytes(),
    ]);
    parts.extend(item.tags.iter().map(|t| t.as_bytes()));
    parts.push(&published[..]);
    hash(&parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: i64) -> IndexedItem {
        IndexedItem {
            id,
            feed_id: 1,
            title: format!("Item {id}"),
            content: "tides and harbours".into(),
            author: None,
            tags: Vec::new(),
            published: 1_700_000_000 + id,
        }
    }

    #[test]
    fn the_legacy_stamp_is_what_earlier_builds_stored_and_differs_from_the_stamp() {
        let mut it = item(7);
        it.author = Some("Ada".into());
        it.tags = vec!["sea".into(), "tide".into()];
        // Earlier builds' stamp, as it was written.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut eat = |bytes: &[u8]| {
            for b in bytes {
                h ^= u64::from(*b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
            h ^= 0xff;
            h = h.wrapping_mul(0x0100_0000_01b3);
        };
        eat(&it.id.to_le_bytes());
        eat(&it.feed_id.to_le_bytes());
        eat(it.title.as_bytes());
        eat(it.content.as_bytes());
        eat(b"Ada");
        eat(b"sea");
        eat(b"tide");
        eat(&it.published.to_le_bytes());
        assert_eq!(legacy_stamp(&it), h);
        assert_ne!(stamp(&it), h);
        let mut changed = it.clone();
        changed.tags = vec!["seatide".into()];
        assert_ne!(stamp(&changed), stamp(&it));
    }

    #[test]
    fn merges_wait_while_paused_and_resume_with_a_commit() {
        let mut index = SearchIndex::create_in_ram().unwrap_or_else(|e| panic!("{e}"));
        let segments = |index: &SearchIndex| index.searcher().segment_readers().len();
        index.set_merging(false).unwrap_or_else(|e| panic!("{e}"));
        // Tantivy's policy merges eight segments of a size; twelve commits make twelve.
        for id in 1..=12 {
            index.add_new(&item(id)).unwrap_or_else(|e| panic!("{e}"));
            index.commit().unwrap_or_else(|e| panic!("{e}"));
        }
        assert_eq!(segments(&index), 12);
        index.set_merging(true).unwrap_or_else(|e| panic!("{e}"));
        index.release_writer().unwrap_or_else(|e| panic!("{e}"));
        index.reload().unwrap_or_else(|e| panic!("{e}"));
        assert!(segments(&index) < 12, "{} segments", segments(&index));
        assert_eq!(index.num_docs(), 12);
    }

    fn docs_of(index: &SearchIndex, id: i64) -> usize {
        index
            .searcher()
            .search(
                &tantivy::query::TermQuery::new(
                    Term::from_field_i64(index.fields.id, id),
                    tantivy::schema::IndexRecordOption::Basic,
                ),
                &tantivy::collector::Count,
            )
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn an_update_replaces_its_document_whoever_indexed_it_first() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut window = SearchIndex::create_in_dir(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        window.upsert(&item(5)).unwrap_or_else(|e| panic!("{e}"));
        window.commit().unwrap_or_else(|e| panic!("{e}"));
        window.upsert(&item(5)).unwrap_or_else(|e| panic!("{e}"));
        window.commit().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(docs_of(&window, 5), 1);
        window.release_writer().unwrap_or_else(|e| panic!("{e}"));

        // Another process (the CLI) adds items while the window holds no writer...
        let mut cli = SearchIndex::open_in_dir(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        for id in [7, 9] {
            cli.upsert(&item(id)).unwrap_or_else(|e| panic!("{e}"));
        }
        cli.commit().unwrap_or_else(|e| panic!("{e}"));
        cli.release_writer().unwrap_or_else(|e| panic!("{e}"));

        // ...and one of them, edited, comes back to the window: above what the window last
        // saw, yet not new.
        window.upsert(&item(9)).unwrap_or_else(|e| panic!("{e}"));
        window.upsert(&item(11)).unwrap_or_else(|e| panic!("{e}"));
        window.upsert(&item(11)).unwrap_or_else(|e| panic!("{e}"));
        window.commit().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!([5, 7, 9, 11].map(|id| docs_of(&window, id)), [1, 1, 1, 1]);
    }
}
