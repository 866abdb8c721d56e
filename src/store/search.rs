//! Queries the search index needs from SQLite: the outbox the item triggers fill, the rows to
//! index, and read state for filtering (see `sql/0005_index.sql`).

use super::{Result, Store};
use crate::model::{FeedId, ItemId, UnixTime};
use rusqlite::{OptionalExtension, params};
use std::collections::HashSet;

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

/// A pending outbox entry: `seq` orders and acknowledges, `item_id` says what to re-read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboxEntry {
    pub seq: i64,
    pub item_id: ItemId,
}

// The full article, once fetched, holds the summary's text and more: it is what is indexed.
const ITEM_COLUMNS: &str = "id, feed_id, title, coalesce(full_text, content_text), author, categories, \
                            coalesce(published_at, fetched_at)";

fn row_to_item(r: &rusqlite::Row<'_>) -> rusqlite::Result<IndexedItem> {
    let categories: String = r.get(5)?;
    Ok(IndexedItem {
        id: r.get(0)?,
        feed_id: r.get(1)?,
        title: r.get(2)?,
        content: r.get(3)?,
        author: r
            .get::<_, Option<String>>(4)?
            .filter(|a| !a.trim().is_empty()),
        tags: parse_categories(&categories),
        published: r.get(6)?,
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
    /// The oldest `limit` pending outbox entries.
    pub fn index_outbox_batch(&self, limit: usize) -> Result<Vec<OutboxEntry>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT seq, item_id FROM index_outbox ORDER BY seq LIMIT ?1")?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok(OutboxEntry {
                seq: r.get(0)?,
                item_id: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
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

    /// The indexed columns of one item, `None` when it no longer exists.
    pub fn indexed_item(&self, id: ItemId) -> Result<Option<IndexedItem>> {
        let mut stmt = self
            .conn()
            .prepare_cached(&format!("SELECT {ITEM_COLUMNS} FROM items WHERE id = ?1"))?;
        Ok(stmt.query_row([id], row_to_item).optional()?)
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
    pub fn unread_item_ids_since(&self, since: UnixTime) -> Result<HashSet<ItemId>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id FROM items INDEXED BY items_unread_age
             WHERE read_at IS NULL AND coalesce(published_at, fetched_at) >= ?1",
        )?;
        let rows = stmt.query_map([since], |r| r.get::<_, ItemId>(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Ids of every unread item (for the index's `unread` filter; uses the partial index).
    pub fn unread_item_ids(&self) -> Result<HashSet<ItemId>> {
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

    #[test]
    fn an_item_requeued_during_a_batch_survives_its_acknowledgement() {
        let store = Store::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        let conn = store.conn();
        conn.execute_batch(
            "INSERT INTO feeds(id, url, created_at) VALUES (1, 'u', 0);
             INSERT INTO items(id, feed_id, key, fetched_at) VALUES (10, 1, 'a', 0), (11, 1, 'b', 0);",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let batch = store
            .index_outbox_batch(100)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            batch.iter().map(|e| e.item_id).collect::<Vec<_>>(),
            vec![10, 11]
        );
        // While the batch is being indexed, item 10 changes again.
        conn.execute("UPDATE items SET title = 'new' WHERE id = 10", [])
            .unwrap_or_else(|e| panic!("{e}"));
        let last = batch.last().map(|e| e.seq).unwrap_or_default();
        store
            .ack_index_outbox(last)
            .unwrap_or_else(|e| panic!("{e}"));
        let left = store
            .index_outbox_batch(100)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(left.iter().map(|e| e.item_id).collect::<Vec<_>>(), vec![10]);
        let item = store.indexed_item(10).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            item.map(|i| (i.title, i.published)),
            Some(("new".into(), 0))
        );
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
            let mut v: Vec<ItemId> = store
                .unread_item_ids_since(since)
                .unwrap_or_else(|e| panic!("{e}"))
                .into_iter()
                .collect();
            v.sort_unstable();
            v
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
