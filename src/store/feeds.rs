//! Subscriptions and folders: listing with unread counts, subscribing (merging duplicates),
//! fetch bookkeeping (validators, schedule, errors), rename, move and unsubscribe.

use super::{Result, Store, StoreError};
use crate::model::{FeedId, UnixTime};
use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;

pub type FolderId = i64;

/// A subscription as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeedRow {
    pub id: FeedId,
    pub url: String,
    pub title: String,
    pub site_url: Option<String>,
    pub folder_id: Option<FolderId>,
    /// The folder's path joined with " / ", for display.
    pub folder: Option<String>,
    pub last_fetch_at: Option<UnixTime>,
    pub next_fetch_at: Option<UnixTime>,
    /// The last fetch's error, meant for the user; None once a fetch succeeds.
    pub error: Option<String>,
    pub error_count: i64,
    /// Set when the feed is gone (410); it is no longer fetched.
    pub disabled: bool,
    pub item_count: i64,
    pub unread_count: i64,
    pub created_at: UnixTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FolderRow {
    pub id: FolderId,
    pub name: String,
    pub parent_id: Option<FolderId>,
    /// Names from the top folder down to this one.
    pub path: Vec<String>,
}

/// What a fetch needs to know about a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchState {
    pub id: FeedId,
    pub url: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub error_count: i64,
    /// Hash of the last body stored (see `feeds::parse::body_hash`).
    pub body_hash: Option<String>,
}

const FEED_SELECT: &str = "
    SELECT f.id, f.url, f.title, f.site_url, f.folder_id, f.last_fetch_at, f.next_fetch_at,
           f.error, f.error_count, f.disabled, f.created_at,
           ifnull(c.n, 0), ifnull(c.unread, 0)
    FROM feeds f
    LEFT JOIN (SELECT feed_id, count(*) AS n, sum(read_at IS NULL) AS unread
               FROM items GROUP BY feed_id) c ON c.feed_id = f.id";

fn feed_row(r: &Row<'_>) -> rusqlite::Result<FeedRow> {
    Ok(FeedRow {
        id: r.get(0)?,
        url: r.get(1)?,
        title: r.get(2)?,
        site_url: r.get(3)?,
        folder_id: r.get(4)?,
        folder: None,
        last_fetch_at: r.get(5)?,
        next_fetch_at: r.get(6)?,
        error: r.get(7)?,
        error_count: r.get(8)?,
        disabled: r.get::<_, i64>(9)? != 0,
        created_at: r.get(10)?,
        item_count: r.get(11)?,
        unread_count: r.get(12)?,
    })
}

impl Store {
    /// Every subscription with its folder path and counts, by folder path then title.
    pub fn feeds(&self) -> Result<Vec<FeedRow>> {
        let folders = self.folders()?;
        let mut stmt = self.conn().prepare_cached(FEED_SELECT)?;
        let mut rows = stmt
            .query_map([], feed_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for row in &mut rows {
            row.folder = row
                .folder_id
                .and_then(|id| folders.iter().find(|f| f.id == id))
                .map(|f| f.path.join(" / "));
        }
        rows.sort_by(|a, b| {
            (
                a.folder.as_deref().unwrap_or(""),
                a.title.to_lowercase(),
                a.id,
            )
                .cmp(&(
                    b.folder.as_deref().unwrap_or(""),
                    b.title.to_lowercase(),
                    b.id,
                ))
        });
        Ok(rows)
    }

    pub fn feed(&self, id: FeedId) -> Result<FeedRow> {
        let mut row = self
            .conn()
            .query_row(&format!("{FEED_SELECT} WHERE f.id = ?1"), [id], feed_row)
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("feed {id}")))?;
        if let Some(fid) = row.folder_id {
            row.folder = Some(self.folder_path(fid)?.join(" / "));
        }
        Ok(row)
    }

    pub fn feed_id_by_url(&self, url: &str) -> Result<Option<FeedId>> {
        Ok(self
            .conn()
            .query_row("SELECT id FROM feeds WHERE url = ?1", [url], |r| r.get(0))
            .optional()?)
    }

    /// Subscribes to `url`; an existing subscription is returned instead (with `false`), its
    /// folder set if it had none.
    pub fn insert_feed(
        &self,
        url: &str,
        title: &str,
        site_url: Option<&str>,
        folder_id: Option<FolderId>,
        now: UnixTime,
    ) -> Result<(FeedId, bool)> {
        if let Some(id) = self.feed_id_by_url(url)? {
            if folder_id.is_some() {
                self.conn().execute(
                    "UPDATE feeds SET folder_id = ?2 WHERE id = ?1 AND folder_id IS NULL",
                    params![id, folder_id],
                )?;
            }
            return Ok((id, false));
        }
        self.conn().execute(
            "INSERT INTO feeds(url, title, site_url, folder_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![url, title, site_url, folder_id, now],
        )?;
        Ok((self.conn().last_insert_rowid(), true))
    }

    /// Feeds to fetch: all enabled ones, or only those whose time has come.
    pub fn fetch_states(&self, due_at: Option<UnixTime>) -> Result<Vec<FetchState>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, url, etag, last_modified, error_count, body_hash FROM feeds
             WHERE disabled = 0 AND (?1 IS NULL OR next_fetch_at IS NULL OR next_fetch_at <= ?1)
             ORDER BY ifnull(next_fetch_at, 0), id",
        )?;
        let rows = stmt
            .query_map([due_at], |r| {
                Ok(FetchState {
                    id: r.get(0)?,
                    url: r.get(1)?,
                    etag: r.get(2)?,
                    last_modified: r.get(3)?,
                    error_count: r.get(4)?,
                    body_hash: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    pub fn fetch_state(&self, id: FeedId) -> Result<FetchState> {
        self.conn()
            .query_row(
                "SELECT id, url, etag, last_modified, error_count, body_hash FROM feeds WHERE id = ?1",
                [id],
                |r| {
                    Ok(FetchState {
                        id: r.get(0)?,
                        url: r.get(1)?,
                        etag: r.get(2)?,
                        last_modified: r.get(3)?,
                        error_count: r.get(4)?,
                        body_hash: r.get(5)?,
                    })
                },
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("feed {id}")))
    }

    /// A failed fetch: the message is kept for the user; stored items are untouched.
    pub fn record_fetch_error(
        &self,
        id: FeedId,
        message: &str,
        now: UnixTime,
        next_fetch_at: UnixTime,
        disable: bool,
    ) -> Result<()> {
        self.conn().execute(
            "UPDATE feeds SET error = ?2, error_count = error_count + 1, last_fetch_at = ?3,
                 next_fetch_at = ?4, disabled = max(disabled, ?5) WHERE id = ?1",
            params![id, message, now, next_fetch_at, i64::from(disable)],
        )?;
        Ok(())
    }

    /// A 304: nothing changed but the schedule.
    pub fn record_not_modified(
        &self,
        id: FeedId,
        now: UnixTime,
        next_fetch_at: UnixTime,
    ) -> Result<()> {
        self.conn().execute(
            "UPDATE feeds SET error = NULL, error_count = 0, disabled = 0, last_fetch_at = ?2,
                 next_fetch_at = ?3
             WHERE id = ?1",
            params![id, now, next_fetch_at],
        )?;
        Ok(())
    }

    /// Follows a permanent redirect. When another subscription already has the new address,
    /// the old one keeps its own (merging would need the user's say).
    pub fn set_feed_url(&self, id: FeedId, url: &str) -> Result<bool> {
        if self.feed_id_by_url(url)?.is_some_and(|other| other != id) {
            return Ok(false);
        }
        let n = self
            .conn()
            .execute("UPDATE feeds SET url = ?2 WHERE id = ?1", params![id, url])?;
        Ok(n > 0)
    }

    /// The user's own title, kept over the feed's from now on.
    pub fn rename_feed(&self, id: FeedId, title: &str) -> Result<()> {
        let title = title.trim();
        if title.is_empty() {
            return Err(StoreError::Invalid("a feed title cannot be empty".into()));
        }
        let n = self.conn().execute(
            "UPDATE feeds SET title = ?2, custom_title = 1 WHERE id = ?1",
            params![id, title],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("feed {id}")));
        }
        Ok(())
    }

    pub fn move_feed(&self, id: FeedId, folder_id: Option<FolderId>) -> Result<()> {
        let n = self.conn().execute(
            "UPDATE feeds SET folder_id = ?2 WHERE id = ?1",
            params![id, folder_id],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("feed {id}")));
        }
        Ok(())
    }

    /// Unsubscribes; the feed's items go with it.
    pub fn delete_feed(&self, id: FeedId) -> Result<()> {
        let n = self
            .conn()
            .execute("DELETE FROM feeds WHERE id = ?1", [id])?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("feed {id}")));
        }
        Ok(())
    }

    /// Every folder with its path, parents first.
    pub fn folders(&self) -> Result<Vec<FolderRow>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT id, name, parent_id FROM folders ORDER BY position, id")?;
        let raw = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, FolderId>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<FolderId>>(2)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let path_of = |mut id: FolderId| {
            let mut path = Vec::new();
            // Bounded walk: a cycle in hand-edited data must not hang us.
            for _ in 0..64 {
                let Some((_, name, parent)) = raw.iter().find(|(i, _, _)| *i == id) else {
                    break;
                };
                path.push(name.clone());
                match parent {
                    Some(p) => id = *p,
                    None => break,
                }
            }
            path.reverse();
            path
        };
        let mut rows: Vec<FolderRow> = raw
            .iter()
            .map(|(id, name, parent)| FolderRow {
                id: *id,
                name: name.clone(),
                parent_id: *parent,
                path: path_of(*id),
            })
            .collect();
        rows.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(rows)
    }

    pub fn folder_path(&self, id: FolderId) -> Result<Vec<String>> {
        Ok(self
            .folders()?
            .into_iter()
            .find(|f| f.id == id)
            .map(|f| f.path)
            .unwrap_or_default())
    }

    /// The folder at `path` (top first), creating any missing level. None for an empty path.
    pub fn ensure_folder_path(&self, path: &[String]) -> Result<Option<FolderId>> {
        let mut parent: Option<FolderId> = None;
        for name in path.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
            let existing: Option<FolderId> = self
                .conn()
                .query_row(
                    "SELECT id FROM folders WHERE ifnull(parent_id, 0) = ifnull(?1, 0) AND name = ?2",
                    params![parent, name],
                    |r| r.get(0),
                )
                .optional()?;
            parent = Some(match existing {
                Some(id) => id,
                None => {
                    self.conn().execute(
                        "INSERT INTO folders(name, parent_id, position)
                         VALUES (?1, ?2, (SELECT ifnull(max(position), 0) + 1 FROM folders))",
                        params![name, parent],
                    )?;
                    self.conn().last_insert_rowid()
                }
            });
        }
        Ok(parent)
    }
}
