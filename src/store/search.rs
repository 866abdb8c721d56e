//! Queries the search index needs from SQLite: the outbox of changed items (filled by the
//! update and delete triggers of `sql/0005_index.sql` and by the inserts themselves, see
//! `sql/0016_*.sql`), the rows to index, and read state for filtering.

use super::{Result, Store};
use crate::model::{FeedId, ItemId, ItemSet, UnixTime};
use rusqlite::{OptionalExtension, params};
use std::ops::ControlFlow;

/// One item as the index sees it: the indexed columns only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedItem {
    pub id: ItemId,
    pub feed_id: FeedId,
    pub title: String,
    pub content: String,
    pub author: Option<String>,
    pub tags: Vec<String>,
    /// `published_at`, else `fetched_at`.
    pub published: UnixTime,
}

/// What a search hit shows beside the indexed text: where it links and its read/star state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HitContext {
    pub feed_title: String,
    pub url: Option<String>,
    pub read: bool,
    pub starred: bool,
}

// The full article, once fetched, holds the summary's text and more: it is what is indexed.
const ITEM_COLUMNS: &str = "id, feed_id, title, coalesce(full_text, content_text), author, categories, \
                            coalesce(published_at, fetched_at)";

/// The outbox in order with each entry's item as [`ITEM_COLUMNS`] reads it (NULLs when the
/// item is gone).
const OUTBOX_WITH_ITEMS: &str = "SELECT o.seq, o.item_id, i.id, i.feed_id, i.title, \
     coalesce(i.full_text, i.content_text), i.author, i.categories, \
     coalesce(i.published_at, i.fetched_at) \
     FROM index_outbox o LEFT JOIN items i ON i.id = o.item_id ORDER BY o.seq LIMIT ?1";

fn row_to_item(r: &rusqlite::Row<'_>) -> rusqlite::Result<IndexedItem> {
    item_at(r, 0)
}

/// The item whose [`ITEM_COLUMNS`] start at column `at`.
fn item_at(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<IndexedItem> {
    let categories: String = r.get(at + 5)?;
    Ok(IndexedItem {
        id: r.get(at)?,
        feed_id: r.get(at + 1)?,
        title: r.get(at + 2)?,
        content: r.get(at + 3)?,
        author: r
            .get::<_, Option<String>>(at + 4)?
            .filter(|a| !a.trim().is_empty()),
        tags: parse_categories(&categories),
        published: r.get(at + 6)?,
    })
}

/// `categories` is a JSON array of strings; anything else (a hand-edited row) indexes no tags
/// rather than failing the batch.
fn parse_categories(json: &str) -> Vec<String> {
    serde_json::from_str::<Vec<String>>(json)
        .map(|v| v.into_iter().filter(|t| !t.trim().is_empty()).collect())
        .unwrap_or_default()
}

impl Store {
    /// The oldest `limit` outbox entries, each handed to `each` with its item as it is now
    /// (`None`: deleted) as the rows are read: one query rather than one per item, and never the
    /// whole batch in memory. `each` may stop the batch early. Returns the seq of the last entry
    /// handed over; `None` when the outbox is empty.
    pub fn each_outbox_item<E: From<super::StoreError>>(
        &self,
        limit: usize,
        mut each: impl FnMut(ItemId, Option<IndexedItem>) -> std::result::Result<ControlFlow<()>, E>,
    ) -> std::result::Result<Option<i64>, E> {
        let mut stmt = self
            .conn()
            .prepare_cached(OUTBOX_WITH_ITEMS)
            .map_err(super::StoreError::from)?;
        let mut rows = stmt
            .query([limit as i64])
            .map_err(super::StoreError::from)?;
        let mut last = None;
        while let Some(r) = rows.next().map_err(super::StoreError::from)? {
            let read = || -> rusqlite::Result<(i64, ItemId, Option<IndexedItem>)> {
                let present: Option<ItemId> = r.get(2)?;
                let item = match present {
                    Some(_) => Some(item_at(r, 2)?),
                    None => None,
                };
                Ok((r.get(0)?, r.get(1)?, item))
            };
            let (seq, item_id, item) = read().map_err(super::StoreError::from)?;
            let flow = each(item_id, item)?;
            last = Some(seq);
            if flow.is_break() {
                break;
            }
        }
        Ok(last)
    }

    /// Forgets outbox entries up to `seq` once their documents are committed. Entries re-queued
    /// meanwhile have a larger seq and stay.
    pub fn ack_index_outbox(&self, up_to_seq: i64) -> Result<()> {
        self.conn()
            .execute("DELETE FROM index_outbox WHERE seq <= ?1", [up_to_seq])?;
        Ok(())
    }

    /// How many items wait to be indexed.
    pub fn index_outbox_len(&self) -> Result<u64> {
        let n: i64 = self
            .conn()
            .query_row("SELECT count(*) FROM index_outbox", [], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }

    /// The largest pending seq (0 when empty); a rebuild acknowledges up to it, since it reads
    /// every item anyway.
    pub fn index_outbox_max_seq(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT coalesce(max(seq), 0) FROM index_outbox", [], |r| {
                r.get(0)
            })?)
    }

    /// Up to `limit` items with id greater than `after`, in id order: pages through every item
    /// for a rebuild or a check without holding them all in memory.
    pub fn indexed_items_after(&self, after: ItemId, limit: usize) -> Result<Vec<IndexedItem>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {ITEM_COLUMNS} FROM items WHERE id > ?1 ORDER BY id LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![after, limit as i64], row_to_item)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Number of items in the database.
    pub fn item_count(&self) -> Result<u64> {
        let n: i64 = self
            .conn()
            .query_row("SELECT count(*) FROM items", [], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }

    /// Link, feed title and read/star state of one item; `None` when it no longer exists.
    pub fn hit_context(&self, id: ItemId) -> Result<Option<HitContext>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT f.title, i.url, i.read_at IS NOT NULL, i.starred_at IS NOT NULL
             FROM items i JOIN feeds f ON f.id = i.feed_id WHERE i.id = ?1",
        )?;
        Ok(stmt
            .query_row([id], |r| {
                Ok(HitContext {
                    feed_title: r.get(0)?,
                    url: r.get(1)?,
                    read: r.get(2)?,
                    starred: r.get(3)?,
                })
            })
            .optional()?)
    }

    /// Ids of the unread items published (or, undated, fetched) at or after `since`: For you
    /// looks only that far back, and reading every unread id instead cost 150 ms a ranking at
    /// 1,000,000 items. Walks the partial index of unread items by age.
    pub fn unread_item_ids_since(&self, since: UnixTime) -> Result<ItemSet> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id FROM items INDEXED BY items_unread_age
             WHERE read_at IS NULL AND coalesce(published_at, fetched_at) >= ?1",
        )?;
        let rows = stmt.query_map([since], |r| r.get::<_, ItemId>(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Ids of every unread item (for the index's `unread` filter; uses the partial index).
    pub fn unread_item_ids(&self) -> Result<ItemSet> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT id FROM items WHERE read_at IS NULL")?;
        let rows = stmt.query_map([], |r| r.get::<_, ItemId>(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The outbox's entries as the index thread reads them, with the last seq read.
    fn outbox_items(store: &Store) -> (Vec<(ItemId, Option<IndexedItem>)>, Option<i64>) {
        let mut seen = Vec::new();
        let last = store
            .each_outbox_item(100, |id, item| {
                seen.push((id, item));
                Ok::<_, crate::store::StoreError>(ControlFlow::Continue(()))
            })
            .unwrap_or_else(|e| panic!("{e}"));
        (seen, last)
    }

    /// (item id, title if the item exists) of each entry, with the last seq read.
    fn outbox(store: &Store) -> (Vec<(ItemId, Option<String>)>, Option<i64>) {
        let (seen, last) = outbox_items(store);
        let titles = seen
            .into_iter()
            .map(|(id, item)| (id, item.map(|i| i.title)))
            .collect();
        (titles, last)
    }

    #[test]
    fn an_item_requeued_during_a_batch_survives_its_acknowledgement() {
        let store = Store::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        let conn = store.conn();
        conn.execute_batch(
            "INSERT INTO feeds(id, url, created_at) VALUES (1, 'u', 0);
             INSERT INTO items(id, feed_id, key, title, fetched_at) VALUES (10, 1, 'a', 'A', 0), (11, 1, 'b', 'B', 0);
             INSERT INTO index_outbox(item_id) VALUES (10), (11);",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let (batch, last) = outbox(&store);
        assert_eq!(batch, vec![(10, Some("A".into())), (11, Some("B".into()))]);
        // While the batch is being indexed, item 10 changes again.
        conn.execute("UPDATE items SET title = 'new' WHERE id = 10", [])
            .unwrap_or_else(|e| panic!("{e}"));
        store
            .ack_index_outbox(last.unwrap_or_default())
            .unwrap_or_else(|e| panic!("{e}"));
        let (left, _) = outbox(&store);
        assert_eq!(left, vec![(10, Some("new".into()))]);
    }

    #[test]
    fn the_outbox_reads_items_as_the_rebuild_does_and_a_deleted_one_as_none() {
        let store = Store::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        store
            .conn()
            .execute_batch(
                "INSERT INTO feeds(id, url, created_at) VALUES (1, 'u', 0);
                 INSERT INTO items(id, feed_id, key, title, author, content_text, full_text,
                     categories, published_at, fetched_at)
                 VALUES (10, 1, 'a', 'A', ' ', 'summary', NULL, '[\"x\", \" \"]', NULL, 7),
                        (11, 1, 'b', 'B', 'Ann', 'summary', 'the full article', '[]', 5, 7),
                        (12, 1, 'c', 'C', NULL, '', NULL, 'not json', 6, 7);
                 INSERT INTO index_outbox(item_id) VALUES (10), (11), (12);
                 DELETE FROM items WHERE id = 12;",
            )
            .unwrap_or_else(|e| panic!("{e}"));
        let (seen, _) = outbox_items(&store);
        // The rebuild's reader (ITEM_COLUMNS, by itself) is the reference.
        let stored = store
            .indexed_items_after(0, 100)
            .unwrap_or_else(|e| panic!("{e}"));
        let expected: Vec<(ItemId, Option<IndexedItem>)> = seen
            .iter()
            .map(|(id, _)| (*id, stored.iter().find(|i| i.id == *id).cloned()))
            .collect();
        assert_eq!(seen, expected);
        assert_eq!(
            seen.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
            [10, 11, 12]
        );
        let full = seen[1]
            .1
            .as_ref()
            .map(|i| (i.content.as_str(), i.author.as_deref(), i.published));
        assert_eq!(full, Some(("the full article", Some("Ann"), 5)));
        let first = seen[0]
            .1
            .as_ref()
            .map(|i| (i.author.clone(), i.tags.clone(), i.published));
        assert_eq!(first, Some((None, vec!["x".to_string()], 7)));
        assert!(seen[2].1.is_none(), "deleted: indexed as a removal");
    }

    #[test]
    fn unread_ids_since_a_time_leave_out_read_and_older_items() {
        let store = Store::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        store
            .conn()
            .execute_batch(
                "INSERT INTO feeds(id, url, created_at) VALUES (1, 'u', 0);
                 INSERT INTO items(id, feed_id, key, published_at, fetched_at, read_at) VALUES
                     (1, 1, 'old', 100, 900, NULL), (2, 1, 'new', 500, 900, NULL),
                     (3, 1, 'read', 600, 900, 950), (4, 1, 'undated', NULL, 700, NULL);",
            )
            .unwrap_or_else(|e| panic!("{e}"));
        let ids = |since| {
            let set = store
                .unread_item_ids_since(since)
                .unwrap_or_else(|e| panic!("{e}"));
            set.iter().collect::<Vec<ItemId>>()
        };
        assert_eq!(
            ids(400),
            vec![2, 4],
            "an undated item counts from its fetch"
        );
        assert_eq!(ids(0), vec![1, 2, 4]);
        assert_eq!(ids(800), Vec::<ItemId>::new());
    }

    #[test]
    fn categories_parse_leniently() {
        assert_eq!(parse_categories(r#"["a"," ","b"]"#), vec!["a", "b"]);
        assert!(parse_categories("not json").is_empty());
    }
}
