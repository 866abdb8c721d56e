//! The item list's rows as the background reader sends them: a bounded cache around the view,
//! and the requests that fill it. The frame never reads SQLite; a row not here yet is drawn as a
//! placeholder and asked for.

use crate::model::ItemId;
use crate::store::reader::ListRow;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

/// Rows asked for above and below the visible ones, so that scrolling a little finds them read.
pub const ROW_MARGIN: usize = 100;
/// Rows kept at most; the ones farthest from the view go first. A row is a few hundred bytes.
pub const ROW_CACHE_MAX: usize = 3_000;
/// Eviction goes this far below the bound, so that it does not run again on the next answer.
const EVICT_TO: usize = ROW_CACHE_MAX * 3 / 4;

/// Rows the list wants read. A newer request supersedes an older one: it names every row still
/// missing around the view, including those the older one asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowsRequest {
    pub seq: u64,
    /// The cache's generation when asked: an answer from before an invalidation carries old
    /// read/star flags and is dropped.
    pub generation: u64,
    pub ids: Vec<ItemId>,
}

#[derive(Debug)]
struct Cached {
    row: ListRow,
    /// Rows of an older generation are still drawn (no flicker) but asked for again.
    generation: u64,
}

#[derive(Debug, Default)]
pub struct RowCache {
    rows: HashMap<ItemId, Cached>,
    generation: u64,
    /// The rows of the latest request, until it is answered.
    asked: HashSet<ItemId>,
    asked_seq: u64,
    /// Rows the database did not return (deleted) or failed to read in this generation: asking
    /// again every frame would spin, so they wait for the next invalidation.
    unavailable: HashSet<ItemId>,
    /// Rows whose flags the user just changed: an answer already on its way predates the change.
    patched: HashSet<ItemId>,
    outbox: Option<RowsRequest>,
    error: Option<String>,
}

impl RowCache {
    pub fn get(&self, id: ItemId) -> Option<&ListRow> {
        self.rows.get(&id).map(|c| &c.row)
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The last failed read, for the list to show.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Forgets every row (another view).
    pub fn clear(&mut self) {
        self.rows.clear();
        self.invalidate();
    }

    /// Marks every row out of date: they stay drawn, and the ones in view are read again.
    pub fn invalidate(&mut self) {
        self.generation += 1;
        self.asked.clear();
        self.unavailable.clear();
        self.patched.clear();
        self.outbox = None;
        self.error = None;
    }

    /// Changes a cached row at once, ahead of the worker's confirmation.
    pub fn patch(&mut self, id: ItemId, f: impl FnOnce(&mut ListRow)) {
        if let Some(c) = self.rows.get_mut(&id) {
            f(&mut c.row);
            self.patched.insert(id);
        }
    }

    fn needed(&self, id: ItemId) -> bool {
        !self.unavailable.contains(&id)
            && self
                .rows
                .get(&id)
                .is_none_or(|c| c.generation != self.generation)
    }

    /// The list shows `visible` of `ids`: when one of those rows is neither cached nor asked
    /// for, asks for every missing row within [`ROW_MARGIN`] of them.
    pub fn want(&mut self, ids: &[ItemId], visible: Range<usize>) {
        let clamp = |i: usize| i.min(ids.len());
        let shown = &ids[clamp(visible.start)..clamp(visible.end).max(clamp(visible.start))];
        if !shown
            .iter()
            .any(|&id| self.needed(id) && !self.asked.contains(&id))
        {
            return;
        }
        let from = clamp(visible.start.saturating_sub(ROW_MARGIN));
        let to = clamp(visible.end.saturating_add(ROW_MARGIN)).max(from);
        let mut seen = HashSet::new();
        let wanted: Vec<ItemId> = ids[from..to]
            .iter()
            .copied()
            .filter(|&id| self.needed(id) && seen.insert(id))
            .collect();
        self.asked_seq += 1;
        self.asked = seen;
        self.outbox = Some(RowsRequest {
            seq: self.asked_seq,
            generation: self.generation,
            ids: wanted,
        });
    }

    /// The request made since the last call, to send to the background reader.
    pub fn take_request(&mut self) -> Option<RowsRequest> {
        self.outbox.take()
    }

    /// Takes an answer. `ids` is the list and `center` the row in the middle of the view: when
    /// the cache is over its bound, the rows farthest from it go.
    pub fn accept(
        &mut self,
        request: &RowsRequest,
        rows: Result<Vec<ListRow>, String>,
        ids: &[ItemId],
        center: usize,
    ) {
        if request.generation != self.generation {
            return;
        }
        if request.seq == self.asked_seq {
            self.asked.clear();
        }
        match rows {
            Ok(rows) => {
                self.error = None;
                let mut missing: HashSet<ItemId> = request.ids.iter().copied().collect();
                for row in rows {
                    missing.remove(&row.id);
                    if self.patched.contains(&row.id) && self.rows.contains_key(&row.id) {
                        // Keep the user's change; the row counts as fresh.
                        if let Some(c) = self.rows.get_mut(&row.id) {
                            c.generation = self.generation;
                        }
                        continue;
                    }
                    let generation = self.generation;
                    self.rows.insert(row.id, Cached { row, generation });
                }
                self.unavailable.extend(missing);
            }
            Err(e) => {
                self.error = Some(e);
                self.unavailable.extend(request.ids.iter().copied());
            }
        }
        self.evict(ids, center);
    }

    /// Keeps the cache under its bound by dropping the rows farthest from `center` (rows no
    /// longer in the list first).
    fn evict(&mut self, ids: &[ItemId], center: usize) {
        if self.rows.len() <= ROW_CACHE_MAX {
            return;
        }
        let mut by_distance: Vec<(usize, ItemId)> = Vec::with_capacity(self.rows.len());
        let mut placed = HashSet::with_capacity(self.rows.len());
        for (i, &id) in ids.iter().enumerate() {
            if self.rows.contains_key(&id) && placed.insert(id) {
                by_distance.push((i.abs_diff(center), id));
            }
        }
        by_distance.sort_unstable();
        let keep: HashSet<ItemId> = by_distance
            .into_iter()
            .take(EVICT_TO)
            .map(|(_, id)| id)
            .collect();
        self.rows.retain(|id, _| keep.contains(id));
        self.patched.retain(|id| keep.contains(id));
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A plain unread row for item `id` (the list's tests use it too).
    pub(in crate::ui::reader) fn row(id: ItemId) -> ListRow {
        ListRow {
            id,
            feed_id: 1,
            feed_title: "Feed".into(),
            title: format!("Item {id}"),
            author: None,
            published_at: None,
            read: false,
            starred: false,
        }
    }

    /// Answers `request` as the database would, with every row it asked for.
    fn answer(cache: &mut RowCache, request: &RowsRequest, ids: &[ItemId], center: usize) {
        let rows = request.ids.iter().map(|&id| row(id)).collect();
        cache.accept(request, Ok(rows), ids, center);
    }

    fn take(cache: &mut RowCache) -> RowsRequest {
        cache.take_request().unwrap_or_else(|| panic!("no request"))
    }

    #[test]
    fn missing_rows_are_asked_for_once_with_a_margin() {
        let ids: Vec<ItemId> = (0..1_000).collect();
        let mut c = RowCache::default();
        c.want(&ids, 500..520);
        let r = take(&mut c);
        assert_eq!(r.ids, (400..620).collect::<Vec<_>>());
        // The same view next frame, the answer not in yet: no second request.
        c.want(&ids, 500..520);
        assert_eq!(c.take_request(), None);
        // A few rows down stays inside what was asked for.
        c.want(&ids, 550..570);
        assert_eq!(c.take_request(), None);
        answer(&mut c, &r, &ids, 510);
        assert_eq!(c.get(505).map(|r| r.id), Some(505));
        c.want(&ids, 500..520);
        assert_eq!(c.take_request(), None, "all cached");
        // Farther down: only what is missing around there.
        c.want(&ids, 700..720);
        let r2 = take(&mut c);
        assert_eq!(r2.ids, (620..820).collect::<Vec<_>>());
    }

    #[test]
    fn a_newer_request_names_the_rows_an_older_one_asked_for() {
        let ids: Vec<ItemId> = (0..2_000).collect();
        let mut c = RowCache::default();
        c.want(&ids, 0..10);
        let first = take(&mut c);
        c.want(&ids, 1_000..1_010);
        let second = take(&mut c);
        // Back at the top before either answer: the first request may have been superseded on
        // the reader's thread, so the top is asked for again.
        c.want(&ids, 0..10);
        let third = take(&mut c);
        assert_eq!(third.ids, first.ids);
        // The older answers still fill the cache (same generation)...
        answer(&mut c, &second, &ids, 5);
        assert!(c.get(1_005).is_some());
        // ...and only the latest one ends the wait.
        c.want(&ids, 0..10);
        assert_eq!(c.take_request(), None);
        answer(&mut c, &third, &ids, 5);
        assert!(c.get(5).is_some());
    }

    #[test]
    fn invalidated_rows_stay_drawn_and_are_asked_again_and_old_answers_drop() {
        let ids: Vec<ItemId> = (0..50).collect();
        let mut c = RowCache::default();
        c.want(&ids, 0..10);
        let r = take(&mut c);
        answer(&mut c, &r, &ids, 5);
        c.want(&ids, 0..10);
        let late = c.take_request();
        assert_eq!(late, None);
        // Read/star flags changed elsewhere.
        c.invalidate();
        assert!(c.get(3).is_some(), "still drawn meanwhile");
        c.want(&ids, 0..10);
        let again = take(&mut c);
        assert_eq!(again.ids, ids);
        // An answer to a request from before the change is dropped.
        let mut stale = row(3);
        stale.read = true;
        c.accept(&r, Ok(vec![stale]), &ids, 5);
        assert_eq!(c.get(3).map(|r| r.read), Some(false));
    }

    #[test]
    fn a_patched_row_keeps_the_users_change_over_an_answer_already_out() {
        let ids: Vec<ItemId> = (0..10).collect();
        let mut c = RowCache::default();
        c.want(&ids, 0..10);
        let r = take(&mut c);
        answer(&mut c, &r, &ids, 0);
        c.invalidate();
        c.want(&ids, 0..10);
        let out = take(&mut c);
        c.patch(2, |r| r.read = true);
        answer(&mut c, &out, &ids, 0);
        assert_eq!(c.get(2).map(|r| r.read), Some(true));
        c.want(&ids, 0..10);
        assert_eq!(c.take_request(), None, "the patched row counts as read");
    }

    #[test]
    fn rows_the_database_lacks_or_fails_on_are_not_asked_for_every_frame() {
        let ids: Vec<ItemId> = (0..10).collect();
        let mut c = RowCache::default();
        c.want(&ids, 0..10);
        let r = take(&mut c);
        // Item 4 was deleted meanwhile.
        let rows = r
            .ids
            .iter()
            .filter(|&&id| id != 4)
            .map(|&id| row(id))
            .collect();
        c.accept(&r, Ok(rows), &ids, 0);
        c.want(&ids, 0..10);
        assert_eq!(c.take_request(), None);
        c.invalidate();
        c.want(&ids, 0..10);
        let r = take(&mut c);
        c.accept(&r, Err("disk I/O error".into()), &ids, 0);
        assert_eq!(c.error(), Some("disk I/O error"));
        c.want(&ids, 0..10);
        assert_eq!(c.take_request(), None);
    }

    #[test]
    fn the_cache_is_bounded_and_keeps_the_rows_nearest_the_view() {
        let ids: Vec<ItemId> = (0..100_000).collect();
        let mut c = RowCache::default();
        // Jumps through the list, each answered: far more rows than the bound pass through.
        for start in (0..100_000).step_by(5_000) {
            c.want(&ids, start..start + 20);
            let r = take(&mut c);
            answer(&mut c, &r, &ids, start + 10);
            assert!(c.len() <= ROW_CACHE_MAX, "{} rows cached", c.len());
        }
        // The view's rows survived the last eviction; the first ones went.
        assert!(c.get(95_010).is_some());
        assert!(c.get(10).is_none());
        // Rows no longer in the list go before any row of it.
        let mut c = RowCache::default();
        let old: Vec<ItemId> = (1_000_000..1_000_000 + ROW_CACHE_MAX as ItemId).collect();
        c.want(&old, 0..old.len() - ROW_MARGIN);
        let r = take(&mut c);
        answer(&mut c, &r, &old, 0);
        assert_eq!(c.len(), ROW_CACHE_MAX);
        c.want(&ids, 0..20);
        let r = take(&mut c);
        answer(&mut c, &r, &ids, 10);
        assert!(c.len() <= ROW_CACHE_MAX);
        assert!((0..120).all(|id| c.get(id).is_some()));
    }
}
