//! Queries of the rank area: rules, the persisted model, the events it learns from, and the
//! items it ranks.

use super::{Result, Store, StoreError};
use crate::model::rules::{Rule, RuleAction, RuleKind};
use crate::model::{FeedId, ItemId, UnixTime};
use rusqlite::{OptionalExtension, params};
use std::collections::HashMap;

/// Settings keys owned by the rank area.
pub const SETTING_PERSONALIZATION: &str = "rank.personalization";
/// The diversity dial's step (`rank::dial`), as a number; missing means the default step.
pub const SETTING_DIAL: &str = "rank.dial";
/// What the user told the model to forget (`rank::learned::Forgotten`, as JSON).
pub const SETTING_FORGOTTEN: &str = "rank.forgotten";
/// Events at or before this id are ignored by rebuilds ("reset what it learned").
pub const SETTING_RESET_AFTER_EVENT: &str = "rank.reset_after_event";

/// One row of the events table.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRow {
    pub id: i64,
    pub item_id: ItemId,
    pub kind: String,
    pub view: Option<String>,
    pub position: Option<i64>,
    pub value: Option<f64>,
    pub at: UnixTime,
}

/// An item as the recommender reads it from SQLite.
#[derive(Debug, Clone, PartialEq)]
pub struct RankItem {
    pub id: ItemId,
    pub feed_id: i64,
    pub feed_title: String,
    pub title: String,
    pub author: Option<String>,
    pub url: Option<String>,
    pub published: UnixTime,
}

/// The stored model row.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelRow {
    pub format: i64,
    pub last_event: i64,
    pub state: String,
}

fn rule_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, String, String, String)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
}

impl Store {
    pub fn rank_rules(&self) -> Result<Vec<Rule>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT id, kind, action, pattern FROM rank_rules ORDER BY id")?;
        let rows = stmt
            .query_map([], rule_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, k, a, pattern)| {
                Some(Rule {
                    id,
                    kind: RuleKind::parse(&k)?,
                    action: RuleAction::parse(&a)?,
                    pattern,
                })
            })
            .collect())
    }

    /// Adds a rule (validated by the caller); an identical rule is returned instead.
    pub fn add_rank_rule(
        &self,
        kind: RuleKind,
        action: RuleAction,
        pattern: &str,
        now: UnixTime,
    ) -> Result<i64> {
        self.conn().execute(
            "INSERT INTO rank_rules(kind, action, pattern, created_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(kind, action, pattern) DO NOTHING",
            params![kind.as_str(), action.as_str(), pattern.trim(), now],
        )?;
        Ok(self.conn().query_row(
            "SELECT id FROM rank_rules WHERE kind = ?1 AND action = ?2 AND pattern = ?3",
            params![kind.as_str(), action.as_str(), pattern.trim()],
            |r| r.get(0),
        )?)
    }

    pub fn delete_rank_rule(&self, id: i64) -> Result<()> {
        let n = self
            .conn()
            .execute("DELETE FROM rank_rules WHERE id = ?1", [id])?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("rule {id}")));
        }
        Ok(())
    }

    pub fn rank_model(&self) -> Result<Option<ModelRow>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT format, last_event, state FROM rank_model WHERE id = 1",
                [],
                |r| {
                    Ok(ModelRow {
                        format: r.get(0)?,
                        last_event: r.get(1)?,
                        state: r.get(2)?,
                    })
                },
            )
            .optional()?)
    }

    pub fn save_rank_model(&self, row: &ModelRow, now: UnixTime) -> Result<()> {
        self.conn().execute(
            "INSERT INTO rank_model(id, format, last_event, state, saved_at) VALUES (1, ?1, ?2, ?3, ?4)
             ON CONFLICT(id) DO UPDATE SET format = excluded.format, last_event = excluded.last_event,
                 state = excluded.state, saved_at = excluded.saved_at",
            params![row.format, row.last_event, row.state, now],
        )?;
        Ok(())
    }

    pub fn delete_rank_model(&self) -> Result<()> {
        self.conn().execute("DELETE FROM rank_model", [])?;
        Ok(())
    }

    /// Events with id greater than `after`, oldest first.
    pub fn events_after(&self, after: i64) -> Result<Vec<EventRow>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, item_id, kind, view, position, value, at FROM events WHERE id > ?1 ORDER BY id",
        )?;
        let rows = stmt
            .query_map([after], |r| {
                Ok(EventRow {
                    id: r.get(0)?,
                    item_id: r.get(1)?,
                    kind: r.get(2)?,
                    view: r.get(3)?,
                    position: r.get(4)?,
                    value: r.get(5)?,
                    at: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    pub fn last_event_id(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT ifnull(max(id), 0) FROM events", [], |r| r.get(0))?)
    }

    /// Records one event (the CLI and tests; the reader records its own).
    pub fn record_event(
        &self,
        item_id: ItemId,
        kind: &str,
        view: Option<&str>,
        position: Option<i64>,
        value: Option<f64>,
        at: UnixTime,
    ) -> Result<i64> {
        self.conn().execute(
            "INSERT INTO events(item_id, kind, view, position, value, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![item_id, kind, view, position, value, at],
        )?;
        Ok(self.conn().last_insert_rowid())
    }

    /// Items the recommender may need: every item newer than `since`, plus the given ones.
    /// Where For you's candidates start: `window_start`, or earlier if that leaves fewer than
    /// `min_unread` unread items — then far enough back to take the `min_unread` newest unread
    /// ones. Someone back from a month away, or the bundled samples once they have aged, still
    /// get a For you list.
    pub fn for_you_since(&self, window_start: UnixTime, min_unread: usize) -> Result<UnixTime> {
        let offset = i64::try_from(min_unread.max(1) - 1).unwrap_or(i64::MAX);
        let nth: Option<UnixTime> = self
            .conn()
            .query_row(
                // INDEXED BY: walking this index takes under 1 ms; a plan that sorted every
                // unread item instead (SQLite chose one while `items_unread` existed) takes
                // 70-130 ms at 100,000.
                "SELECT coalesce(published_at, fetched_at) FROM items INDEXED BY items_unread_age
                 WHERE read_at IS NULL
                 ORDER BY coalesce(published_at, fetched_at) DESC LIMIT 1 OFFSET ?1",
                [offset],
                |r| r.get(0),
            )
            .optional()?;
        let oldest_unread: Option<UnixTime> = self.conn().query_row(
            "SELECT min(coalesce(published_at, fetched_at)) FROM items INDEXED BY items_unread_age
             WHERE read_at IS NULL",
            [],
            |r| r.get(0),
        )?;
        Ok(match nth.or(oldest_unread) {
            Some(t) => t.min(window_start),
            None => window_start,
        })
    }

    /// The recommender's corpus: the `newest` items published since `since`, and the items in
    /// `also` (those the user acted on) whatever their age.
    pub fn rank_items(
        &self,
        since: UnixTime,
        newest: usize,
        also: &[ItemId],
    ) -> Result<Vec<RankItem>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "{RANK_ITEM_SELECT}
             WHERE i.id IN (SELECT id FROM items
                            WHERE coalesce(published_at, fetched_at) >= ?1
                            ORDER BY coalesce(published_at, fetched_at) DESC LIMIT ?3)
                OR i.id IN (SELECT value FROM json_each(?2))
             ORDER BY i.id"
        ))?;
        let also = serde_json::to_string(also).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let newest = i64::try_from(newest).unwrap_or(i64::MAX);
        let rows = stmt
            .query_map(params![since, also, newest], rank_item)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// The bodies (the full article when fetched) of `ids`, for the rules that match text; ids
    /// no longer stored are left out.
    pub fn item_texts(&self, ids: &[ItemId]) -> Result<HashMap<ItemId, String>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, coalesce(full_text, content_text) FROM items
             WHERE id IN (SELECT value FROM json_each(?1))",
        )?;
        let ids = serde_json::to_string(ids).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let rows = stmt.query_map([ids], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The id of the item stored last (0 when there is none).
    pub fn newest_item_id(&self) -> Result<ItemId> {
        Ok(self
            .conn()
            .query_row("SELECT ifnull(max(id), 0) FROM items", [], |r| r.get(0))?)
    }

    /// Items stored after item `after` (ids only grow): what arrived since the corpus was built.
    pub fn rank_items_after(&self, after: ItemId) -> Result<Vec<RankItem>> {
        let mut stmt = self
            .conn()
            .prepare_cached(&format!("{RANK_ITEM_SELECT} WHERE i.id > ?1 ORDER BY i.id"))?;
        let rows = stmt
            .query_map([after], rank_item)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

/// The recommender's item queries select these columns, read by [`rank_item`].
/// Not the body: the recommender keeps these for every item it can rank (tens of megabytes of
/// text at 100,000 items), and only text rules read bodies, a few hundred at a time
/// ([`Store::item_texts`]).
const RANK_ITEM_SELECT: &str = "SELECT i.id, i.feed_id, f.title, i.title, i.author, i.url,
        coalesce(i.published_at, i.fetched_at)
    FROM items i JOIN feeds f ON f.id = i.feed_id";

/// One row of the recommender's item queries, in their column order.
fn rank_item(r: &rusqlite::Row<'_>) -> rusqlite::Result<RankItem> {
    Ok(RankItem {
        id: r.get(0)?,
        feed_id: r.get(1)?,
        feed_title: r.get(2)?,
        title: r.get(3)?,
        author: r.get(4)?,
        url: r.get(5)?,
        published: r.get(6)?,
    })
}

/// A row of the stored For you list.
#[derive(Debug, Clone, PartialEq)]
pub struct RankListRow {
    pub item_id: ItemId,
    pub score: f32,
    pub explored: bool,
    pub reasons: String,
}

/// Settings key: the highest item id that existed when the stored For you list was computed.
/// Items above it arrived later and have not been ranked yet.
pub const RANK_LIST_THROUGH_KEY: &str = "rank.list_through_item";

impl Store {
    /// Replaces the stored For you list in one transaction, with the highest item id that the
    /// ranking considered (`through`).
    pub fn replace_rank_list(
        &mut self,
        rows: &[(ItemId, f32, bool, String)],
        through: ItemId,
    ) -> Result<()> {
        let tx = self.conn_mut().transaction()?;
        tx.execute("DELETE FROM rank_list", [])?;
        tx.execute(
            "INSERT INTO settings(key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![RANK_LIST_THROUGH_KEY, through.to_string()],
        )?;
        {
            let mut ins = tx.prepare_cached(
                "INSERT INTO rank_list(position, item_id, score, explored, reasons) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for (i, (id, score, explored, reasons)) in rows.iter().enumerate() {
                ins.execute(params![i as i64, id, f64::from(*score), explored, reasons])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The stored For you list as the reader shows it: ranked items still unread (or read since
    /// `keep_read_since`), in rank order, then the unread items that arrived after the ranking,
    /// newest first. `None` when no ranking was ever stored.
    pub fn ranked_for_you_ids(
        &self,
        keep_read_since: UnixTime,
        limit: usize,
    ) -> Result<Option<Vec<ItemId>>> {
        let Some(through) = self
            .setting(RANK_LIST_THROUGH_KEY)?
            .and_then(|v| v.parse::<ItemId>().ok())
        else {
            return Ok(None);
        };
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut ranked = self.conn().prepare_cached(
            "SELECT i.id FROM rank_list r JOIN items i ON i.id = r.item_id
             WHERE i.read_at IS NULL OR i.read_at >= ?1 ORDER BY r.position LIMIT ?2",
        )?;
        let mut ids: Vec<ItemId> = ranked
            .query_map(params![keep_read_since, limit], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut newer = self.conn().prepare_cached(
            "SELECT id FROM items WHERE id > ?1 AND (read_at IS NULL OR read_at >= ?2)
             ORDER BY coalesce(published_at, fetched_at) DESC LIMIT ?3",
        )?;
        let fresh = newer.query_map(params![through, keep_read_since, limit], |r| r.get(0))?;
        for id in fresh {
            ids.push(id?);
        }
        ids.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        Ok(Some(ids))
    }

    /// Unread items in For you's order (the last ranking, then newer items; unread by
    /// recency before any ranking), each with its feed: what a break digest picks from.
    pub fn digest_candidates(&self, limit: usize) -> Result<Vec<(ItemId, FeedId)>> {
        // No item was read at or after the end of time: only unread ones are kept.
        let ids = match self.ranked_for_you_ids(UnixTime::MAX, limit)? {
            Some(ids) => ids,
            None => self.unread_ids_by_recency(limit, UnixTime::MAX)?,
        };
        let mut feed_of = self
            .conn()
            .prepare_cached("SELECT feed_id FROM items WHERE id = ?1")?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(feed) = feed_of.query_row([id], |r| r.get(0)).optional()? {
                out.push((id, feed));
            }
        }
        Ok(out)
    }

    pub fn rank_list(&self) -> Result<Vec<RankListRow>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT item_id, score, explored, reasons FROM rank_list ORDER BY position",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(RankListRow {
                    item_id: r.get(0)?,
                    score: r.get::<_, f64>(1)? as f32,
                    explored: r.get(2)?,
                    reasons: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}
