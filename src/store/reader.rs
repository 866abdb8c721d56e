//! What the reader window shows and changes: the ids of a list in order, the few rows on screen,
//! one article, the sidebar's counts, and read/star flags (with the states needed to undo).

use super::{Result, Store};
use crate::model::{FeedId, ItemId, UnixTime};
use rusqlite::{Row, params, params_from_iter};

pub type FolderId = i64;

/// Which items a list holds, newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListScope {
    All,
    Starred,
    Feed(FeedId),
    /// A folder and every folder inside it.
    Folder(FolderId),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListQuery {
    pub scope: ListScope,
    pub unread_only: bool,
    /// With `unread_only`: also keep items read at or after this time, so what the user just
    /// read does not vanish under the cursor.
    pub keep_read_since: Option<UnixTime>,
}

impl ListQuery {
    pub fn new(scope: ListScope) -> Self {
        Self {
            scope,
            unread_only: false,
            keep_read_since: None,
        }
    }
}

/// One row of the item list: small, fetched only for rows on screen.
#[derive(Debug, Clone, PartialEq)]
pub struct ListRow {
    pub id: ItemId,
    pub feed_id: FeedId,
    pub feed_title: String,
    pub title: String,
    pub author: Option<String>,
    pub published_at: Option<UnixTime>,
    pub read: bool,
    pub starred: bool,
}

/// Everything the article pane shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Article {
    pub id: ItemId,
    pub feed_id: FeedId,
    pub feed_title: String,
    pub title: String,
    pub url: Option<String>,
    pub author: Option<String>,
    pub published_at: Option<UnixTime>,
    pub content_html: Option<String>,
    pub content_text: String,
    pub read_at: Option<UnixTime>,
    pub starred_at: Option<UnixTime>,
    /// The full article fetched from the item's page (sanitized), when the user asked for it.
    pub full_html: Option<String>,
    pub full_text: Option<String>,
    /// Why the last try to fetch the full article failed (the summary stays).
    pub full_text_error: Option<String>,
    /// The feed's images are shown without "Load images".
    pub images_always: bool,
}

/// A subscription in the sidebar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SidebarFeed {
    pub id: FeedId,
    pub title: String,
    pub url: String,
    pub folder_id: Option<FolderId>,
    pub unread: i64,
    pub error: Option<String>,
    pub disabled: bool,
    /// Every new item's full article is fetched as it arrives.
    pub full_text_always: bool,
    /// Article images are shown without asking.
    pub images_always: bool,
    /// When the feed last went over its item cap, and how many old items that dropped.
    pub capped: Option<(UnixTime, i64)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SidebarFolder {
    pub id: FolderId,
    pub name: String,
    pub parent_id: Option<FolderId>,
}

/// Counts for the fixed views at the top of the sidebar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub all: i64,
    pub unread: i64,
    pub starred: i64,
}

/// SQLite's default limit on host parameters is 32,766; stay well under it.
const CHUNK: usize = 500;

/// Items in folder `?` and its subfolders.
const FOLDER_FEEDS: &str = "feed_id IN (
    WITH RECURSIVE sub(id) AS (SELECT ?1 UNION ALL SELECT f.id FROM folders f JOIN sub ON f.parent_id = sub.id)
    SELECT feeds.id FROM feeds JOIN sub ON feeds.folder_id = sub.id)";

fn list_row(r: &Row<'_>) -> rusqlite::Result<ListRow> {
    Ok(ListRow {
        id: r.get(0)?,
        feed_id: r.get(1)?,
        feed_title: r.get(2)?,
        title: r.get(3)?,
        author: r.get(4)?,
        published_at: r.get(5)?,
        read: r.get::<_, Option<i64>>(6)?.is_some(),
        starred: r.get::<_, Option<i64>>(7)?.is_some(),
    })
}

fn placeholders(n: usize) -> String {
    let mut s = String::with_capacity(n * 2);
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        s.push('?');
    }
    s
}

impl Store {
    /// The ids of a list, newest first by age (published, or fetched when undated: an undated
    /// item sits among the items that came with it); ties in the index's order, which spares a
    /// sort of the whole list. Only ids: 100,000 of them are under a megabyte, and rows
    /// are fetched for the visible window only.
    pub fn list_item_ids(&self, q: &ListQuery) -> Result<Vec<ItemId>> {
        let mut conds: Vec<String> = Vec::new();
        let mut args: Vec<i64> = Vec::new();
        match q.scope {
            ListScope::All => {}
            ListScope::Starred => conds.push("starred_at IS NOT NULL".into()),
            ListScope::Feed(f) => {
                conds.push(format!("feed_id = ?{}", args.len() + 1));
                args.push(f);
            }
            ListScope::Folder(f) => {
                conds.push(FOLDER_FEEDS.replace("?1", &format!("?{}", args.len() + 1)));
                args.push(f);
            }
        }
        if q.unread_only {
            match q.keep_read_since {
                Some(t) => {
                    conds.push(format!(
                        "(read_at IS NULL OR read_at >= ?{})",
                        args.len() + 1
                    ));
                    args.push(t);
                }
                None => conds.push("read_at IS NULL".into()),
            }
        }
        let mut sql = String::from("SELECT id FROM items");
        if !conds.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&conds.join(" AND "));
        }
        sql.push_str(" ORDER BY coalesce(published_at, fetched_at) DESC");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let ids = stmt.query_map(params_from_iter(args.iter()), |r| r.get(0))?;
        Ok(ids.collect::<rusqlite::Result<_>>()?)
    }

    /// Unread items (and those read at or after `keep_read_since`), newest first: the recency
    /// order "For you" uses until the recommender ranks it.
    pub fn unread_ids_by_recency(
        &self,
        limit: usize,
        keep_read_since: UnixTime,
    ) -> Result<Vec<ItemId>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id FROM items WHERE read_at IS NULL OR read_at >= ?2
             ORDER BY coalesce(published_at, fetched_at) DESC LIMIT ?1",
        )?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let ids = stmt.query_map(params![limit, keep_read_since], |r| r.get(0))?;
        Ok(ids.collect::<rusqlite::Result<_>>()?)
    }

    /// Which of `ids` were read at or after `since` (what a list keeps while it is being read).
    pub fn read_since(
        &self,
        ids: &[ItemId],
        since: UnixTime,
    ) -> Result<std::collections::HashSet<ItemId>> {
        let mut out = std::collections::HashSet::new();
        for chunk in ids.chunks(CHUNK) {
            let sql = format!(
                "SELECT id FROM items WHERE id IN ({}) AND read_at >= ?",
                placeholders(chunk.len())
            );
            let mut stmt = self.conn.prepare(&sql)?;
            let params = chunk.iter().copied().chain(std::iter::once(since));
            let rows = stmt.query_map(params_from_iter(params), |r| r.get::<_, ItemId>(0))?;
            for r in rows {
                out.insert(r?);
            }
        }
        Ok(out)
    }

    /// The rows for these ids (any order; missing ids are skipped).
    pub fn list_rows(&self, ids: &[ItemId]) -> Result<Vec<ListRow>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(CHUNK) {
            let sql = format!(
                "SELECT i.id, i.feed_id, f.title, i.title, i.author, i.published_at, i.read_at,
                        i.starred_at
                 FROM items i JOIN feeds f ON f.id = i.feed_id
                 WHERE i.id IN ({})",
                placeholders(chunk.len())
            );
            let mut stmt = self.conn.prepare(&sql)?;
            let rows = stmt.query_map(params_from_iter(chunk.iter()), list_row)?;
            for r in rows {
                out.push(r?);
            }
        }
        Ok(out)
    }

    /// One article, or `None` when it is gone.
    pub fn article(&self, id: ItemId) -> Result<Option<Article>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row(
                "SELECT i.id, i.feed_id, f.title, i.title, i.url, i.author, i.published_at,
                        i.content_html, i.content_text, i.read_at, i.starred_at,
                        i.full_html, i.full_text, i.full_text_error, f.images_always
                 FROM items i JOIN feeds f ON f.id = i.feed_id WHERE i.id = ?1",
                [id],
                |r| {
                    Ok(Article {
                        id: r.get(0)?,
                        feed_id: r.get(1)?,
                        feed_title: r.get(2)?,
                        title: r.get(3)?,
                        url: r.get(4)?,
                        author: r.get(5)?,
                        published_at: r.get(6)?,
                        content_html: r.get(7)?,
                        content_text: r.get(8)?,
                        read_at: r.get(9)?,
                        starred_at: r.get(10)?,
                        full_html: r.get(11)?,
                        full_text: r.get(12)?,
                        full_text_error: r.get(13)?,
                        images_always: r.get::<_, i64>(14)? != 0,
                    })
                },
            )
            .optional()?)
    }

    /// Subscriptions with their unread counts and errors, by title as a person orders them
    /// ("Feed 2" before "Feed 10"; the address for a feed without a title).
    pub fn sidebar_feeds(&self) -> Result<Vec<SidebarFeed>> {
        let mut stmt = self.conn.prepare_cached(
            // One count per feed on the partial index `items_unread_feed`: a GROUP BY over all
            // unread items made SQLite fetch every row for its feed (4x slower at 100,000).
            "SELECT f.id, f.title, f.url, f.folder_id,
                    (SELECT count(*) FROM items i WHERE i.feed_id = f.id AND i.read_at IS NULL),
                    f.error, f.disabled, f.full_text_always, f.images_always,
                    f.capped_at, f.capped_count
             FROM feeds f
             ORDER BY lower(CASE WHEN f.title = '' THEN f.url ELSE f.title END), f.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(SidebarFeed {
                id: r.get(0)?,
                title: r.get(1)?,
                url: r.get(2)?,
                folder_id: r.get(3)?,
                unread: r.get(4)?,
                error: r.get(5)?,
                disabled: r.get::<_, i64>(6)? != 0,
                full_text_always: r.get::<_, i64>(7)? != 0,
                images_always: r.get::<_, i64>(8)? != 0,
                capped: r
                    .get::<_, Option<UnixTime>>(9)?
                    .map(|at| (at, r.get::<_, i64>(10).unwrap_or(0))),
            })
        })?;
        let mut feeds: Vec<SidebarFeed> = rows.collect::<rusqlite::Result<_>>()?;
        // Stable after SQL's order by lowercased title and id, which settles ties.
        feeds.sort_by_cached_key(|f| {
            natural_key(if f.title.is_empty() { &f.url } else { &f.title })
        });
        Ok(feeds)
    }

    /// Folders, by position then name.
    pub fn sidebar_folders(&self) -> Result<Vec<SidebarFolder>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, name, parent_id FROM folders ORDER BY position, lower(name), id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(SidebarFolder {
                id: r.get(0)?,
                name: r.get(1)?,
                parent_id: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn item_totals(&self) -> Result<Totals> {
        Ok(self.conn.query_row(
            // Three counts, each answered by an index (the partial ones for unread and starred),
            // rather than one scan of every item.
            "SELECT (SELECT count(*) FROM items),
                    (SELECT count(*) FROM items WHERE read_at IS NULL),
                    (SELECT count(*) FROM items WHERE starred_at IS NOT NULL)",
            [],
            |r| {
                Ok(Totals {
                    all: r.get(0)?,
                    unread: r.get(1)?,
                    starred: r.get(2)?,
                })
            },
        )?)
    }

    /// The read state of each of these items (missing ones are skipped).
    pub fn read_states(&self, ids: &[ItemId]) -> Result<Vec<(ItemId, Option<UnixTime>)>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(CHUNK) {
            let sql = format!(
                "SELECT id, read_at FROM items WHERE id IN ({})",
                placeholders(chunk.len())
            );
            let mut stmt = self.conn.prepare(&sql)?;
            let rows = stmt.query_map(params_from_iter(chunk.iter()), |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
            for r in rows {
                out.push(r?);
            }
        }
        Ok(out)
    }

    /// Marks items read (`Some(at)`) or unread (`None`) in one transaction. Returns the previous
    /// state of the items that changed, which is exactly what an undo restores.
    pub fn mark_items(
        &mut self,
        ids: &[ItemId],
        read_at: Option<UnixTime>,
    ) -> Result<Vec<(ItemId, Option<UnixTime>)>> {
        self.mark_items_recording(ids, read_at, |_, _| Ok(Vec::new()))
    }

    /// [`Store::mark_items`], recording in the same transaction the events `events` makes of
    /// the items that changed (it reads through the transaction's connection).
    pub(super) fn mark_items_recording(
        &mut self,
        ids: &[ItemId],
        read_at: Option<UnixTime>,
        events: impl FnOnce(
            &rusqlite::Connection,
            &[(ItemId, Option<UnixTime>)],
        ) -> Result<Vec<super::events::NewEvent>>,
    ) -> Result<Vec<(ItemId, Option<UnixTime>)>> {
        let before = self.read_states(ids)?;
        let changed: Vec<(ItemId, Option<UnixTime>)> = before
            .into_iter()
            .filter(|(_, was)| was.is_some() != read_at.is_some())
            .collect();
        let tx = self.conn.transaction()?;
        {
            let mut update = tx.prepare_cached("UPDATE items SET read_at = ?2 WHERE id = ?1")?;
            for (id, _) in &changed {
                update.execute(params![id, read_at])?;
            }
        }
        let recorded = events(&tx, &changed)?;
        super::events::insert_events(&tx, &recorded)?;
        tx.commit()?;
        Ok(changed)
    }

    /// Puts read states back as they were (an undo).
    pub fn restore_read_states(&mut self, states: &[(ItemId, Option<UnixTime>)]) -> Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut update = tx.prepare_cached("UPDATE items SET read_at = ?2 WHERE id = ?1")?;
            for (id, at) in states {
                update.execute(params![id, at])?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}

/// One run of a title as people compare it: numbers by value, words without case.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum TitlePart {
    Number(u128),
    Text(String),
}

/// `title` cut into runs of digits and of everything else, so "Feed 2" sorts before "Feed 10".
fn natural_key(title: &str) -> Vec<TitlePart> {
    let mut parts = Vec::new();
    let mut run = String::new();
    let mut digits = false;
    let flush = |run: &mut String, digits: bool, parts: &mut Vec<TitlePart>| {
        if run.is_empty() {
            return;
        }
        parts.push(match run.parse::<u128>() {
            Ok(n) if digits => TitlePart::Number(n),
            _ => TitlePart::Text(run.to_lowercase()),
        });
        run.clear();
    };
    for c in title.chars() {
        if c.is_ascii_digit() != digits {
            flush(&mut run, digits, &mut parts);
            digits = c.is_ascii_digit();
        }
        run.push(c);
    }
    flush(&mut run, digits, &mut parts);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_sort_as_people_read_them() {
        let mut titles = vec![
            "Win 10",
            "win 2",
            "Win 1",
            "Alpha",
            "Win 2a",
            "10 things",
            "2 things",
        ];
        titles.sort_by_cached_key(|t| natural_key(t));
        assert_eq!(
            titles,
            vec![
                "2 things",
                "10 things",
                "Alpha",
                "Win 1",
                "win 2",
                "Win 2a",
                "Win 10"
            ]
        );
    }

    fn store() -> Store {
        let store = Store::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        store
            .conn()
            .execute_batch(
                "INSERT INTO folders(id, name) VALUES (1, 'Tech');
                 INSERT INTO folders(id, name, parent_id) VALUES (2, 'Rust', 1);
                 INSERT INTO feeds(id, url, title, folder_id, created_at) VALUES (1, 'a', 'A', 2, 0);
                 INSERT INTO feeds(id, url, title, created_at, error) VALUES (2, 'b', 'B', 0, 'HTTP 404');
                 INSERT INTO items(id, feed_id, key, title, published_at, fetched_at) VALUES
                    (1, 1, 'a1', 'one', 100, 0), (2, 1, 'a2', 'two', 300, 0),
                    (3, 2, 'b1', 'three', 200, 0), (4, 2, 'b2', 'undated', NULL, 0);",
            )
            .unwrap_or_else(|e| panic!("{e}"));
        store
    }

    fn ids(store: &Store, q: ListQuery) -> Vec<ItemId> {
        store.list_item_ids(&q).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn lists_are_newest_first_and_scoped() {
        let store = store();
        assert_eq!(
            ids(&store, ListQuery::new(ListScope::All)),
            vec![2, 3, 1, 4]
        );
        assert_eq!(ids(&store, ListQuery::new(ListScope::Feed(2))), vec![3, 4]);
        // Folder 1 holds folder 2, which holds feed 1.
        assert_eq!(
            ids(&store, ListQuery::new(ListScope::Folder(1))),
            vec![2, 1]
        );
        let rows = store.list_rows(&[3]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(rows[0].feed_title, "B");
        let feeds = store.sidebar_feeds().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(feeds[1].error.as_deref(), Some("HTTP 404"));
        assert_eq!(feeds[0].unread, 2);
    }

    #[test]
    fn an_undated_item_is_listed_at_the_time_it_came() {
        let store = store();
        store
            .conn()
            .execute("UPDATE items SET fetched_at = 250 WHERE id = 4", [])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            ids(&store, ListQuery::new(ListScope::All)),
            vec![2, 4, 3, 1]
        );
        let mut unread = ListQuery::new(ListScope::All);
        unread.unread_only = true;
        assert_eq!(ids(&store, unread), vec![2, 4, 3, 1]);
        assert_eq!(ids(&store, ListQuery::new(ListScope::Feed(2))), vec![4, 3]);
        assert_eq!(
            store
                .unread_ids_by_recency(10, UnixTime::MAX)
                .unwrap_or_else(|e| panic!("{e}")),
            vec![2, 4, 3, 1]
        );
    }

    #[test]
    fn marking_returns_what_undo_needs_and_unread_lists_keep_fresh_reads() {
        let mut store = store();
        let changed = store
            .mark_items(&[1, 2], Some(500))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(changed, vec![(1, None), (2, None)]);
        // Marking again changes nothing, so there is nothing to undo.
        let again = store
            .mark_items(&[1, 2], Some(600))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(again.is_empty());
        let mut q = ListQuery::new(ListScope::All);
        q.unread_only = true;
        assert_eq!(ids(&store, q), vec![3, 4]);
        q.keep_read_since = Some(500);
        assert_eq!(ids(&store, q), vec![2, 3, 1, 4]);
        store
            .restore_read_states(&changed)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            store.item_totals().unwrap_or_else(|e| panic!("{e}")).unread,
            4
        );
        assert!(
            store
                .star_item_recording(
                    3,
                    Some(9),
                    &crate::store::events::NewEvent::new(
                        3,
                        crate::store::events::EventKind::Star,
                        9
                    )
                )
                .unwrap_or_else(|e| panic!("{e}"))
        );
        assert_eq!(ids(&store, ListQuery::new(ListScope::Starred)), vec![3]);
    }
}
