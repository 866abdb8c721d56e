//! The recommender's raw signal: what the user saw (impressions), opened, read for how long,
//! starred, and marked read without opening. Written by the worker for the reader UI; read by rank/.

use super::{Result, Store};
use crate::model::{ItemId, UnixTime};
use rusqlite::{Connection, OptionalExtension, params};
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
        let stored = insert_events(&tx, events)?;
        tx.commit()?;
        Ok(stored)
    }

    /// Records an open and, with `mark_read`, marks the item read if it was not, in one
    /// transaction: the flag and the event that explains it are never seen (or lost) apart.
    pub fn record_open(&mut self, open: &NewEvent, mark_read: bool) -> Result<()> {
        let tx = self.conn.transaction()?;
        insert_events(&tx, std::slice::from_ref(open))?;
        if mark_read {
            tx.execute(
                "UPDATE items SET read_at = ?2 WHERE id = ?1 AND read_at IS NULL",
                params![open.item_id, open.at],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Stars (`Some(at)`) or unstars an item and records `event` in one transaction; false
    /// (and no event) when the item is gone.
    pub fn star_item_recording(
        &mut self,
        id: ItemId,
        starred_at: Option<UnixTime>,
        event: &NewEvent,
    ) -> Result<bool> {
        let tx = self.conn.transaction()?;
        let found = tx.execute(
            "UPDATE items SET starred_at = ?2 WHERE id = ?1",
            params![id, starred_at],
        )? > 0;
        if found {
            insert_events(&tx, std::slice::from_ref(event))?;
        }
        tx.commit()?;
        Ok(found)
    }

    /// Marks items read at `at` as [`Store::mark_items`] does and, in the same transaction,
    /// records `skip(id)` for up to `max_skips` of those that changed and were never opened.
    /// Returns the previous states of the items that changed (what an undo restores).
    pub fn mark_read_noting_skips(
        &mut self,
        ids: &[ItemId],
        at: UnixTime,
        max_skips: usize,
        skip: impl Fn(ItemId) -> NewEvent,
    ) -> Result<Vec<(ItemId, Option<UnixTime>)>> {
        self.mark_items_recording(ids, Some(at), |conn, changed| {
            let mut skips = Vec::new();
            for (id, _) in changed.iter().take(max_skips) {
                if !was_opened(conn, *id)? {
                    skips.push(skip(*id));
                }
            }
            Ok(skips)
        })
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
        was_opened(&self.conn, item)
    }
}

fn was_opened(conn: &Connection, item: ItemId) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM events WHERE item_id = ?1 AND kind = 'open' LIMIT 1",
            [item],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Inserts events on `conn`, inside the caller's transaction; events about items that no
/// longer exist are dropped. Returns how many were stored.
pub(super) fn insert_events(conn: &Connection, events: &[NewEvent]) -> Result<usize> {
    let mut insert = conn.prepare_cached(
        "INSERT INTO events(item_id, kind, view, position, value, at)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM items WHERE id = ?1)",
    )?;
    let mut stored = 0;
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
    Ok(stored)
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

    fn read_at(store: &Store, item: ItemId) -> Option<UnixTime> {
        store
            .read_states(&[item])
            .unwrap_or_else(|e| panic!("{e}"))
            .first()
            .and_then(|(_, at)| *at)
    }

    #[test]
    fn a_flag_and_its_event_are_written_together() {
        let (mut store, item) = store_with_item();
        // An open that marks read; a second one leaves the first read time alone.
        store
            .record_open(&NewEvent::new(item, EventKind::Open, 20), true)
            .unwrap_or_else(|e| panic!("{e}"));
        store
            .record_open(&NewEvent::new(item, EventKind::Open, 30), true)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read_at(&store, item), Some(20));

        // A star with its event; a gone item stores neither.
        let star = NewEvent::new(item, EventKind::Star, 40);
        assert!(
            store
                .star_item_recording(item, Some(40), &star)
                .unwrap_or_else(|e| panic!("{e}"))
        );
        let gone = NewEvent::new(999, EventKind::Star, 40);
        assert!(
            !store
                .star_item_recording(999, Some(40), &gone)
                .unwrap_or_else(|e| panic!("{e}"))
        );
        assert_eq!(
            store
                .count_events(EventKind::Star)
                .unwrap_or_else(|e| panic!("{e}")),
            1
        );

        // If the event cannot be written, the flag is not either: the transaction is one.
        store
            .conn()
            .execute_batch(
                "CREATE TRIGGER no_unstar BEFORE INSERT ON events WHEN new.kind = 'unstar'
                 BEGIN SELECT RAISE(ABORT, 'refused'); END;",
            )
            .unwrap_or_else(|e| panic!("{e}"));
        let unstar = NewEvent::new(item, EventKind::Unstar, 50);
        assert!(store.star_item_recording(item, None, &unstar).is_err());
        let starred: Option<i64> = store
            .conn()
            .query_row("SELECT starred_at FROM items WHERE id = ?1", [item], |r| {
                r.get(0)
            })
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(starred, Some(40), "the star stays as it was");
    }

    #[test]
    fn marking_read_notes_a_skip_for_items_never_opened() {
        let (mut store, opened) = store_with_item();
        store
            .conn()
            .execute_batch(
                "INSERT INTO items(id, feed_id, key, fetched_at) VALUES (8, 1, 'k8', 0), (9, 1, 'k9', 0);",
            )
            .unwrap_or_else(|e| panic!("{e}"));
        store
            .record_events(&[NewEvent::new(opened, EventKind::Open, 5)])
            .unwrap_or_else(|e| panic!("{e}"));
        let skip = |id| NewEvent::new(id, EventKind::ReadWithoutOpen, 60);
        let changed = store
            .mark_read_noting_skips(&[opened, 8, 9], 60, 10, skip)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(changed.len(), 3);
        assert_eq!(read_at(&store, 9), Some(60));
        let skipped: Vec<ItemId> = [opened, 8, 9]
            .into_iter()
            .filter(|id| {
                store
                    .events_for_item(*id)
                    .unwrap_or_else(|e| panic!("{e}"))
                    .iter()
                    .any(|e| e.kind == Some(EventKind::ReadWithoutOpen))
            })
            .collect();
        assert_eq!(skipped, [8, 9]);
        // Already read: nothing changes and nothing more is noted.
        let again = store
            .mark_read_noting_skips(&[8], 70, 10, skip)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(again.is_empty());
        assert_eq!(read_at(&store, 8), Some(60));
    }
}
