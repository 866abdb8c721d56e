//! Feed items: storing a fetch (dedup by stable key, update in place, one transaction per
//! feed, retention), and the queries lists and the reader use (by feed, folder, unread, starred).

use super::{Result, Store, StoreError};
use crate::model::{FeedId, ItemId, UnixTime};
use rusqlite::{OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};

/// A media file attached to an item (podcast audio, images, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enclosure {
    pub url: String,
    pub mime: Option<String>,
    pub length: Option<u64>,
}

/// An item as parsed from a feed, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewItem {
    /// Dedup key within the feed: guid/id, else link, else a hash of title and content.
    pub key: String,
    pub guid: Option<String>,
    pub url: Option<String>,
    /// Plain, one-line text.
    pub title: String,
    pub author: Option<String>,
    /// Sanitized HTML with absolute links.
    pub content_html: Option<String>,
    pub content_text: String,
    pub categories: Vec<String>,
    pub enclosures: Vec<Enclosure>,
    pub published_at: Option<UnixTime>,
    pub updated_at: Option<UnixTime>,
    /// Hash of what is shown, so an unchanged item is not rewritten.
    pub content_hash: String,
}

/// A successful fetch of one feed, stored in one transaction.
#[derive(Debug, Clone)]
pub struct FeedUpdate<'a> {
    pub feed_id: FeedId,
    pub title: &'a str,
    pub site_url: Option<&'a str>,
    pub etag: Option<&'a str>,
    pub last_modified: Option<&'a str>,
    pub body_hash: Option<&'a str>,
    pub items: &'a [NewItem],
    pub now: UnixTime,
    pub next_fetch_at: UnixTime,
    /// Read items older than this may go…
    pub retention_cutoff: UnixTime,
    /// …but each feed keeps at least this many newest items.
    pub retention_keep: u32,
    /// And at most this many (starred ones always stay): a feed that renames every item on
    /// each fetch must not grow the database without bound.
    pub item_cap: u32,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StoreOutcome {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Old read items dropped by retention.
    pub removed: usize,
}

/// An item as lists show it (no content).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemSummary {
    pub id: ItemId,
    pub feed_id: FeedId,
    pub feed_title: String,
    pub url: Option<String>,
    pub title: String,
    pub author: Option<String>,
    pub published_at: Option<UnixTime>,
    pub fetched_at: UnixTime,
    pub read_at: Option<UnixTime>,
    pub starred_at: Option<UnixTime>,
}

/// An item with everything the reader shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemDetail {
    #[serde(flatten)]
    pub summary: ItemSummary,
    pub guid: Option<String>,
    pub content_html: Option<String>,
    pub content_text: String,
    pub categories: Vec<String>,
    pub enclosures: Vec<Enclosure>,
    pub updated_at: Option<UnixTime>,
}

/// Which items to list, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemQuery {
    pub feed: Option<FeedId>,
    /// Items of feeds in this folder (not its subfolders).
    pub folder: Option<i64>,
    pub unread_only: bool,
    pub starred_only: bool,
    pub limit: Option<usize>,
    pub offset: usize,
}

const ITEM_COLUMNS: &str = "i.id, i.feed_id, f.title, i.url, i.title, i.author, i.published_at,
    i.fetched_at, i.read_at, i.starred_at, i.guid, i.content_html, i.content_text, i.categories,
    i.enclosures, i.updated_at";

fn summary(r: &Row<'_>) -> rusqlite::Result<ItemSummary> {
    Ok(ItemSummary {
        id: r.get(0)?,
        feed_id: r.get(1)?,
        feed_title: r.get(2)?,
        url: r.get(3)?,
        title: r.get(4)?,
        author: r.get(5)?,
        published_at: r.get(6)?,
        fetched_at: r.get(7)?,
        read_at: r.get(8)?,
        starred_at: r.get(9)?,
    })
}

fn detail(r: &Row<'_>) -> rusqlite::Result<ItemDetail> {
    let categories: String = r.get(13)?;
    let enclosures: String = r.get(14)?;
    Ok(ItemDetail {
        summary: summary(r)?,
        guid: r.get(10)?,
        content_html: r.get(11)?,
        content_text: r.get(12)?,
        // Written by us as JSON; a damaged value shows as none rather than failing the list.
        categories: serde_json::from_str(&categories).unwrap_or_default(),
        enclosures: serde_json::from_str(&enclosures).unwrap_or_default(),
        updated_at: r.get(15)?,
    })
}

/// Condition shared by the retention tombstone insert and delete. Items among the user's last
/// 1,000 opens stay: they are what the recommender learned from, and deleting an item
/// deletes its events.
const RETENTION_WHERE: &str = "feed_id = ?1 AND read_at IS NOT NULL AND starred_at IS NULL
    AND coalesce(published_at, fetched_at) < ?2
    AND id NOT IN (SELECT id FROM items WHERE feed_id = ?1
                   ORDER BY coalesce(published_at, fetched_at) DESC, id DESC LIMIT ?3)
    AND id NOT IN (SELECT item_id FROM events WHERE kind = 'open' ORDER BY at DESC LIMIT 1000)";

/// Whether `stored` is the hash an earlier build gave `item` (see
/// [`crate::model::hash::legacy_content_hash`]): the item is unchanged, and only its hash is
/// brought up to date.
fn is_legacy_hash_of(stored: &str, item: &NewItem) -> bool {
    !stored.starts_with('x')
        && stored
            == crate::model::hash::legacy_content_hash(
                &item.title,
                item.content_html.as_deref().unwrap_or(""),
                item.url.as_deref().unwrap_or(""),
            )
}

/// Queues newly inserted items for the search index and counts the change to items: what a
/// trigger on every insert did, done once per transaction (see `sql/0016_*.sql`).
fn enqueue_inserted(tx: &rusqlite::Connection, ids: &[ItemId]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut queue =
        tx.prepare_cached("INSERT OR REPLACE INTO index_outbox(item_id) VALUES (?1)")?;
    for id in ids {
        queue.execute([id])?;
    }
    tx.execute(
        "UPDATE change_counts SET n = n + 1 WHERE topic = 'Items'",
        [],
    )?;
    Ok(())
}

impl Store {
    /// Stores one successful fetch: items added or updated in place by key (read and starred
    /// marks kept), the feed's title, validators and schedule, then retention — all in one
    /// transaction, so a failure leaves the feed exactly as it was.
    pub fn store_feed_update(&mut self, u: &FeedUpdate<'_>) -> Result<StoreOutcome> {
        let tx = self.write_unit()?;
        let mut out = StoreOutcome::default();
        {
            let mut find = tx.prepare_cached(
                "SELECT id, content_hash FROM items WHERE feed_id = ?1 AND key = ?2",
            )?;
            let mut removed =
                tx.prepare_cached("SELECT 1 FROM removed_items WHERE feed_id = ?1 AND key = ?2")?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO items(feed_id, key, guid, url, title, author, content_html, content_text,
                     categories, enclosures, published_at, updated_at, fetched_at, content_hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            )?;
            let mut update = tx.prepare_cached(
                "UPDATE items SET guid = ?2, url = ?3, title = ?4, author = ?5, content_html = ?6,
                     content_text = ?7, categories = ?8, enclosures = ?9,
                     published_at = ifnull(?10, published_at), updated_at = ?11, content_hash = ?12
                 WHERE id = ?1",
            )?;
            let mut rehash =
                tx.prepare_cached("UPDATE items SET content_hash = ?2 WHERE id = ?1")?;
            let mut inserted = Vec::new();
            for item in u.items {
                let categories = serde_json::to_string(&item.categories)
                    .map_err(|e| StoreError::Invalid(e.to_string()))?;
                let enclosures = serde_json::to_string(&item.enclosures)
                    .map_err(|e| StoreError::Invalid(e.to_string()))?;
                let existing: Option<(ItemId, Option<String>)> = find
                    .query_row(params![u.feed_id, item.key], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?;
                match existing {
                    Some((_, hash)) if hash.as_deref() == Some(item.content_hash.as_str()) => {
                        out.unchanged += 1;
                    }
                    Some((id, Some(hash))) if is_legacy_hash_of(&hash, item) => {
                        rehash.execute(params![id, item.content_hash])?;
                        out.unchanged += 1;
                    }
                    Some((id, _)) => {
                        update.execute(params![
                            id,
                            item.guid,
                            item.url,
                            item.title,
                            item.author,
                            item.content_html,
                            item.content_text,
                            categories,
                            enclosures,
                            item.published_at,
                            item.updated_at,
                            item.content_hash
                        ])?;
                        out.updated += 1;
                    }
                    None if removed.exists(params![u.feed_id, item.key])? => out.unchanged += 1,
                    None => {
                        inserted.push(insert.insert(params![
                            u.feed_id,
                            item.key,
                            item.guid,
                            item.url,
                            item.title,
                            item.author,
                            item.content_html,
                            item.content_text,
                            categories,
                            enclosures,
                            item.published_at,
                            item.updated_at,
                            u.now,
                            item.content_hash
                        ])?);
                        out.added += 1;
                    }
                }
            }
            enqueue_inserted(&tx, &inserted)?;
            tx.execute(
                "UPDATE feeds SET
                     title = CASE WHEN custom_title = 1 OR ?2 = '' THEN title ELSE ?2 END,
                     site_url = ifnull(?3, site_url), etag = ?4, last_modified = ?5, body_hash = ?8,
                     last_fetch_at = ?6, next_fetch_at = ?7, error = NULL, error_count = 0,
                     disabled = 0
                 WHERE id = ?1",
                params![
                    u.feed_id,
                    u.title,
                    u.site_url,
                    u.etag,
                    u.last_modified,
                    u.now,
                    u.next_fetch_at,
                    u.body_hash
                ],
            )?;
            out.removed =
                apply_retention(&tx, u.feed_id, u.retention_cutoff, u.retention_keep, u.now)?;
            out.removed += apply_item_cap(&tx, u.feed_id, u.item_cap, u.now)?;
        }
        tx.commit()?;
        Ok(out)
    }

    /// Drops old read items of one feed now (outside a fetch), returning how many went.
    pub fn apply_retention(
        &mut self,
        feed_id: FeedId,
        cutoff: UnixTime,
        keep: u32,
        cap: u32,
        now: UnixTime,
    ) -> Result<usize> {
        let tx = self.write_unit()?;
        let n = apply_retention(&tx, feed_id, cutoff, keep, now)?
            + apply_item_cap(&tx, feed_id, cap, now)?;
        tx.commit()?;
        Ok(n)
    }

    /// Publication times of a feed's newest items, for its update frequency.
    pub fn recent_published(&self, feed_id: FeedId, n: usize) -> Result<Vec<UnixTime>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT published_at FROM items WHERE feed_id = ?1 AND published_at IS NOT NULL
             ORDER BY published_at DESC LIMIT ?2",
        )?;
        let rows = stmt
            .query_map(params![feed_id, n as i64], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Items for a list, newest first.
    pub fn items(&self, q: &ItemQuery) -> Result<Vec<ItemSummary>> {
        let (sql, limit) = item_query_sql(q);
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt
            .query_map(params![q.feed, q.folder, limit, q.offset as i64], summary)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Items with their content, newest first (CLI `items --json`, export).
    pub fn item_details(&self, q: &ItemQuery) -> Result<Vec<ItemDetail>> {
        let (sql, limit) = item_query_sql(q);
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt
            .query_map(params![q.feed, q.folder, limit, q.offset as i64], detail)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    pub fn item(&self, id: ItemId) -> Result<ItemDetail> {
        self.conn()
            .query_row(
                &format!("SELECT {ITEM_COLUMNS} FROM items i JOIN feeds f ON f.id = i.feed_id WHERE i.id = ?1"),
                [id],
                detail,
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("item {id}")))
    }

    /// Marks items read (`Some(now)`) or unread (`None`); returns how many changed.
    pub fn set_read(&self, ids: &[ItemId], at: Option<UnixTime>) -> Result<usize> {
        let mut stmt = self.conn().prepare_cached(
            "UPDATE items SET read_at = ?2 WHERE id = ?1 AND (read_at IS NULL) = (?2 IS NOT NULL)",
        )?;
        let mut n = 0;
        for id in ids {
            n += stmt.execute(params![id, at])?;
        }
        Ok(n)
    }

    /// Stars (`Some(now)`) or unstars (`None`) an item.
    pub fn set_starred(&self, id: ItemId, at: Option<UnixTime>) -> Result<()> {
        let n = self.conn().execute(
            "UPDATE items SET starred_at = ?2 WHERE id = ?1",
            params![id, at],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("item {id}")));
        }
        Ok(())
    }
}

fn item_query_sql(q: &ItemQuery) -> (String, i64) {
    let mut sql = format!(
        "SELECT {ITEM_COLUMNS} FROM items i JOIN feeds f ON f.id = i.feed_id
         WHERE (?1 IS NULL OR i.feed_id = ?1) AND (?2 IS NULL OR f.folder_id = ?2)"
    );
    if q.unread_only {
        sql.push_str(" AND i.read_at IS NULL");
    }
    if q.starred_only {
        sql.push_str(" AND i.starred_at IS NOT NULL");
    }
    sql.push_str(
        " ORDER BY coalesce(i.published_at, i.fetched_at) DESC, i.id DESC LIMIT ?3 OFFSET ?4",
    );
    let limit = q.limit.map_or(-1, |l| i64::try_from(l).unwrap_or(i64::MAX));
    (sql, limit)
}

/// Items of one feed beyond its cap: all but the newest `?2`, starred ones excepted.
const CAP_WHERE: &str = "feed_id = ?1 AND starred_at IS NULL
    AND id NOT IN (SELECT id FROM items WHERE feed_id = ?1
                   ORDER BY coalesce(published_at, fetched_at) DESC, id DESC LIMIT ?2)";

/// Tombstones kept a feed: enough to cover what any feed still lists, bounded so a feed that
/// renames its items on every fetch cannot grow them without end.
pub const TOMBSTONES_PER_FEED: i64 = 10_000;

/// Drops a feed's oldest unstarred items beyond `cap`, recording when and how many on the
/// feed; returns how many went.
fn apply_item_cap(
    tx: &rusqlite::Connection,
    feed_id: FeedId,
    cap: u32,
    now: UnixTime,
) -> Result<usize> {
    let count: i64 = tx.query_row(
        "SELECT count(*) FROM items WHERE feed_id = ?1",
        params![feed_id],
        |r| r.get(0),
    )?;
    if count <= i64::from(cap) {
        return Ok(0);
    }
    tx.execute(
        &format!(
            "INSERT OR REPLACE INTO removed_items(feed_id, key, removed_at)
             SELECT feed_id, key, ?3 FROM items WHERE {CAP_WHERE}"
        ),
        params![feed_id, cap, now],
    )?;
    let n = tx.execute(
        &format!("DELETE FROM items WHERE {CAP_WHERE}"),
        params![feed_id, cap],
    )?;
    if n > 0 {
        tx.execute(
            "UPDATE feeds SET capped_at = ?2, capped_count = ?3 WHERE id = ?1",
            params![feed_id, now, n as i64],
        )?;
    }
    bound_tombstones(tx, feed_id)?;
    Ok(n)
}

/// Keeps only the feed's newest [`TOMBSTONES_PER_FEED`] tombstones.
fn bound_tombstones(tx: &rusqlite::Connection, feed_id: FeedId) -> Result<()> {
    tx.execute(
        "DELETE FROM removed_items WHERE feed_id = ?1 AND key NOT IN
           (SELECT key FROM removed_items WHERE feed_id = ?1
            ORDER BY removed_at DESC LIMIT ?2)",
        params![feed_id, TOMBSTONES_PER_FEED],
    )?;
    Ok(())
}

fn apply_retention(
    tx: &rusqlite::Connection,
    feed_id: FeedId,
    cutoff: UnixTime,
    keep: u32,
    now: UnixTime,
) -> Result<usize> {
    tx.execute(
        &format!(
            "INSERT OR REPLACE INTO removed_items(feed_id, key, removed_at)
             SELECT feed_id, key, ?4 FROM items WHERE {RETENTION_WHERE}"
        ),
        params![feed_id, cutoff, keep, now],
    )?;
    let n = tx.execute(
        &format!("DELETE FROM items WHERE {RETENTION_WHERE}"),
        params![feed_id, cutoff, keep],
    )?;
    if n > 0 {
        bound_tombstones(tx, feed_id)?;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Topic;

    fn item(key: &str) -> NewItem {
        NewItem {
            key: key.into(),
            guid: None,
            url: None,
            title: format!("Item {key}"),
            author: None,
            content_html: None,
            content_text: "text".into(),
            categories: Vec::new(),
            enclosures: Vec::new(),
            published_at: Some(100),
            updated_at: None,
            content_hash: key.into(),
        }
    }

    fn store(s: &mut Store, feed_id: FeedId, items: &[NewItem]) -> StoreOutcome {
        s.store_feed_update(&FeedUpdate {
            feed_id,
            title: "Feed",
            site_url: None,
            etag: None,
            last_modified: None,
            body_hash: None,
            items,
            now: 200,
            next_fetch_at: 300,
            retention_cutoff: 0,
            retention_keep: 1_000,
            item_cap: u32::MAX,
        })
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn stored_items_are_queued_for_the_index_and_counted_as_a_change_once() {
        let mut s = Store::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        let (feed, _) = s
            .insert_feed("http://127.0.0.1/f.xml", "Feed", None, None, 0)
            .unwrap_or_else(|e| panic!("{e}"));
        let before = s.change_counts().unwrap_or_else(|e| panic!("{e}"));
        let out = store(&mut s, feed, &[item("a"), item("b"), item("c")]);
        assert_eq!(out.added, 3);
        let queued: Vec<ItemId> = s
            .conn()
            .prepare("SELECT item_id FROM index_outbox ORDER BY seq")
            .and_then(|mut q| q.query_map([], |r| r.get(0))?.collect())
            .unwrap_or_else(|e| panic!("{e}"));
        let stored: Vec<ItemId> = s
            .conn()
            .prepare("SELECT id FROM items ORDER BY id")
            .and_then(|mut q| q.query_map([], |r| r.get(0))?.collect())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(queued, stored);
        let after = s.change_counts().unwrap_or_else(|e| panic!("{e}"));
        assert!(after.moved_since(&before).contains(&Topic::Items));

        // The same items again: nothing new to index, and items did not change.
        s.conn()
            .execute("DELETE FROM index_outbox", [])
            .unwrap_or_else(|e| panic!("{e}"));
        let out = store(&mut s, feed, &[item("a"), item("b"), item("c")]);
        assert_eq!((out.added, out.unchanged), (0, 3));
        assert_eq!(s.index_outbox_len().unwrap_or_else(|e| panic!("{e}")), 0);
        let again = s.change_counts().unwrap_or_else(|e| panic!("{e}"));
        assert!(!again.moved_since(&after).contains(&Topic::Items));
    }

    #[test]
    fn an_item_hashed_by_an_earlier_build_is_unchanged_and_rehashed_once() {
        let mut s = Store::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        let (feed, _) = s
            .insert_feed("http://127.0.0.1/f.xml", "Feed", None, None, 0)
            .unwrap_or_else(|e| panic!("{e}"));
        let mut old = item("a");
        old.url = Some("https://x.example/a".into());
        old.content_html = Some("<p>text</p>".into());
        // What earlier builds stored: FNV-1a of title, content and link, untagged.
        old.content_hash = format!(
            "{:016x}",
            crate::model::hash::fnv1a(&["Item a", "<p>text</p>", "https://x.example/a"])
        );
        assert_eq!(
            old.content_hash,
            crate::model::hash::legacy_content_hash("Item a", "<p>text</p>", "https://x.example/a")
        );
        store(&mut s, feed, &[old.clone()]);
        let stored_hash = |s: &Store| -> String {
            s.conn()
                .query_row("SELECT content_hash FROM items", [], |r| r.get(0))
                .unwrap_or_else(|e| panic!("{e}"))
        };

        let mut same = old.clone();
        same.content_hash = "x0123456789abcdef".into();
        let out = store(&mut s, feed, &[same.clone()]);
        assert_eq!((out.unchanged, out.updated), (1, 0));
        assert_eq!(stored_hash(&s), "x0123456789abcdef");

        let mut changed = same;
        changed.content_html = Some("<p>new text</p>".into());
        changed.content_hash = "xfedcba9876543210".into();
        let out = store(&mut s, feed, &[changed]);
        assert_eq!((out.unchanged, out.updated), (0, 1));
    }
}
