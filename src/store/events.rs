//! The recommender's raw signal: what the user saw (impressions), opened, read for how long,
//! starred, and marked read without opening. Written by the worker for the reader UI; read by rank/.

use super::{Result, Store};
use crate::model::{ItemId, UnixTime};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

/// What happened to an item. Stored as its `as_str` text so SQL stays readable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The item's row was visible in a list for at least a second.
    Impression,
    /// The article was opened.
    Open,
    /// Seconds spent on the opened article (`value`).
    Dwell,
    Star,
    Unstar,
    /// Marked read (by hand or in bulk) without having been opened: a skip.
    ReadWithoutOpen,
}

impl EventKind {
    pub const ALL: [EventKind; 6] = [
        EventKind::Impression,
        EventKind::Open,
        EventKind::Dwell,
        EventKind::Star,
        EventKind::Unstar,
        EventKind::ReadWithoutOpen,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Impression => "impression",
            EventKind::Open => "open",
            EventKind::Dwell => "dwell",
            EventKind::Star => "star",
            EventKind::Unstar => "unstar",
            EventKind::ReadWithoutOpen => "read_without_open",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// An event to record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewEvent {
    pub item_id: ItemId,
    pub kind: EventKind,
    /// The list the item was shown in ("for_you", "unread", "feed", …).
    pub view: Option<String>,
    /// Its row in that list, from 0.
    pub position: Option<i64>,
    /// Dwell seconds.
    pub value: Option<f64>,
    pub at: UnixTime,
}

impl NewEvent {
    pub fn new(item_id: ItemId, kind: EventKind, at: UnixTime) -> Self {
        Self {
            item_id,
            kind,
            view: None,
            position: None,
            value: None,
            at,
        }
    }

    pub fn in_list(mut self, view: &str, position: Option<usize>) -> Self {
        self.view = Some(view.to_string());
        self.position = position.map(|p| p as i64);
        self
    }

    pub fn with_value(mut self, value: f64) -> Self {
        self.value = Some(value);
        self
    }
}

/// A stored event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventRow {
    pub id: i64,
    pub item_id: ItemId,
    /// `None` for a kind this build does not know (written by a newer one).
    pub kind: Option<EventKind>,
    pub view: Option<String>,
    pub position: Option<i64>,
    pub value: Option<f64>,
    pub at: UnixTime,
}

fn event_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<EventRow> {
    let kind: String = r.get(2)?;
    Ok(EventRow {
        id: r.get(0)?,
        item_id: r.get(1)?,
        kind: EventKind::parse(&kind),
        view: r.get(3)?,
        position: r.get(4)?,
        value: r.get(5)?,
        at: r.get(6)?,
    })
}

const EVENT_SELECT: &str = "SELECT id, item_id, kind, view, position, value, at FROM events";

impl Store {
    /// Records events in one transaction. Events about items that no longer exist (deleted by
    /// retention or an unsubscribe meanwhile) are dropped rather than failing the batch.
    /// Returns how many were stored.
    pub fn record_events(&mut self, events: &[NewEvent]) -> Result<usize> {
        let tx = self.conn.transaction()?;
        let mut stored = 0;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO events(item_id, kind, view, position, value, at)
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM items WHERE id = ?1)",
            )?;
            for e in events {
                stored += insert.execute(params![
                    e.item_id,
                    e.kind.as_str(),
                    e.view,
                    e.position,
                    e.value,
                    e.at
                ])?;
            }
        }
        tx.commit()?;
        Ok(stored)
    }

    /// Every event about one item, oldest first.
    pub fn events_for_item(&self, item: ItemId) -> Result<Vec<EventRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{EVENT_SELECT} WHERE item_id = ?1 ORDER BY at, id"
        ))?;
        let rows = stmt.query_map([item], event_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Events at or after `since`, oldest first, at most `limit` (the recommender's replay).
    pub fn events_since(&self, since: UnixTime, limit: usize) -> Result<Vec<EventRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{EVENT_SELECT} WHERE at >= ?1 ORDER BY at, id LIMIT ?2"
        ))?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt.query_map(params![since, limit], event_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many events of a kind are stored.
    pub fn count_events(&self, kind: EventKind) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM events WHERE kind = ?1",
            [kind.as_str()],
            |r| r.get(0),
        )?)
    }

    /// Whether the item was ever opened (a later "mark read" is then not a skip).
    pub fn was_opened(&self, item: ItemId) -> Result<bool> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM events WHERE item_id = ?1 AND kind = 'open' LIMIT 1",
                [item],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_with_item() -> (Store, ItemId) {
        let store = Store::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        store
            .conn()
            .execute_batch(
                "INSERT INTO feeds(id, url, created_at) VALUES (1, 'file:///f.xml', 0);
                 INSERT INTO items(id, feed_id, key, fetched_at) VALUES (7, 1, 'k', 0);",
            )
            .unwrap_or_else(|e| panic!("{e}"));
        (store, 7)
    }

    #[test]
    fn events_round_trip_and_missing_items_are_dropped() {
        let (mut store, item) = store_with_item();
        let stored = store
            .record_events(&[
                NewEvent::new(item, EventKind::Impression, 10).in_list("unread", Some(3)),
                NewEvent::new(item, EventKind::Open, 12).in_list("unread", Some(3)),
                NewEvent::new(item, EventKind::Dwell, 40).with_value(28.0),
                NewEvent::new(999, EventKind::Open, 41),
            ])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(stored, 3);
        let events = store
            .events_for_item(item)
            .unwrap_or_else(|e| panic!("{e}"));
        let kinds: Vec<_> = events.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            vec![
                Some(EventKind::Impression),
                Some(EventKind::Open),
                Some(EventKind::Dwell)
            ]
        );
        assert_eq!(events[0].view.as_deref(), Some("unread"));
        assert_eq!(events[0].position, Some(3));
        assert_eq!(events[2].value, Some(28.0));
        assert!(store.was_opened(item).unwrap_or_else(|e| panic!("{e}")));
        assert_eq!(
            store
                .count_events(EventKind::Open)
                .unwrap_or_else(|e| panic!("{e}")),
            1
        );
        assert_eq!(
            store
                .events_since(11, 10)
                .unwrap_or_else(|e| panic!("{e}"))
                .len(),
            2
        );
    }
}
