//! Full articles fetched from items' pages: stored beside the summary, or why they could not be.

use super::{Result, Store};
use crate::model::{FeedId, ItemId, UnixTime};
use rusqlite::OptionalExtension;

impl Store {
    /// The item's web address, `None` when it has none (or the item is gone).
    pub fn item_url(&self, id: ItemId) -> Result<Option<String>> {
        Ok(self
            .conn()
            .query_row("SELECT url FROM items WHERE id = ?1", [id], |r| r.get(0))
            .optional()?
            .flatten())
    }

    /// Stores the full article (it replaces an earlier one and clears an earlier failure).
    pub fn set_full_text(&self, id: ItemId, html: &str, text: &str) -> Result<()> {
        self.conn().execute(
            "UPDATE items SET full_html = ?2, full_text = ?3, full_text_error = NULL WHERE id = ?1",
            rusqlite::params![id, html, text],
        )?;
        Ok(())
    }

    /// Records why the full article could not be had; what was fetched before stays.
    pub fn set_full_text_error(&self, id: ItemId, message: &str) -> Result<()> {
        self.conn().execute(
            "UPDATE items SET full_text_error = ?2 WHERE id = ?1",
            rusqlite::params![id, message],
        )?;
        Ok(())
    }

    pub fn set_full_text_always(&self, feed: FeedId, on: bool) -> Result<()> {
        self.conn().execute(
            "UPDATE feeds SET full_text_always = ?2 WHERE id = ?1",
            rusqlite::params![feed, on],
        )?;
        Ok(())
    }

    /// Items of a "full text always" feed stored at `fetched_at` (one refresh's new items) that
    /// have no full article and no failure yet, newest first, at most `limit`: `(id, url)`.
    pub fn items_wanting_full_text(
        &self,
        feed: FeedId,
        fetched_at: UnixTime,
        limit: usize,
    ) -> Result<Vec<(ItemId, Option<String>)>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT i.id, i.url FROM items i JOIN feeds f ON f.id = i.feed_id
             WHERE i.feed_id = ?1 AND f.full_text_always = 1 AND i.fetched_at = ?2
               AND i.full_text IS NULL AND i.full_text_error IS NULL
             ORDER BY coalesce(i.published_at, i.fetched_at) DESC, i.id DESC LIMIT ?3",
        )?;
        let rows = stmt.query_map(rusqlite::params![feed, fetched_at, limit as i64], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
