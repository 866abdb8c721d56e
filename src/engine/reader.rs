//! Engine operations for the reader window: read/unread with a one-step undo, stars, opens and the
//! other signals the recommender learns from, reader settings, the reading ledger, and the sample
//! feeds of a first run.

use super::worker::{Event, EventSink};
use super::{Engine, Result};
use crate::focus::reading::ReadingDay;
use crate::model::{ItemId, Topic, UnixTime};
use crate::store::events::{EventKind, NewEvent};
use chrono::NaiveDate;

/// Work the reader window hands to the worker.
#[derive(Debug, Clone, PartialEq)]
pub enum ReaderCommand {
    /// The user marked items read or unread. Undoable; reading an unopened item is a skip.
    Mark {
        ids: Vec<ItemId>,
        read: bool,
        view: Option<String>,
    },
    /// The user opened an item: records `open`, and marks it read when asked (not undoable:
    /// undo is for marks the user made on purpose).
    Open {
        item: ItemId,
        view: String,
        position: Option<usize>,
        mark_read: bool,
    },
    Star {
        item: ItemId,
        on: bool,
        view: Option<String>,
        position: Option<usize>,
    },
    /// Signals measured by the window (impressions, dwell).
    Record(Vec<NewEvent>),
    /// Puts back the read states the last `Mark` changed.
    UndoMark,
    SaveSetting {
        key: String,
        value: String,
    },
    /// Subscribes to the sample feeds shipped in `assets/` (first run).
    LoadSamples,
    /// "Back up now": a copy of the database, made off the writer and reported.
    BackupNow,
    /// Adds to a local day's reading ledger: seconds the reader was in use (the daily budget's
    /// meter) and seconds the user granted themselves beyond the budget.
    AddReading {
        day: NaiveDate,
        add: ReadingDay,
    },
    /// "Read anyway": the focus lock was lifted at `at` for the session begun at
    /// `session_start`; Stats counts and lists these.
    LiftFocusLock {
        at: UnixTime,
        session_start: Option<UnixTime>,
    },
}

/// At most this many skip events for one bulk mark: enough signal, without flooding the table
/// when someone marks 100,000 items read.
const MAX_SKIPS_PER_MARK: usize = 1_000;

/// The reader's state on the engine: the last undoable mark.
#[derive(Debug, Default)]
pub struct ReaderState {
    undo: Option<Vec<(ItemId, Option<UnixTime>)>>,
}

impl Engine {
    /// Marks items; returns how many changed. The change becomes the one undo step.
    pub fn mark_items(&mut self, ids: &[ItemId], read: bool, view: Option<&str>) -> Result<usize> {
        let now = self.now().timestamp();
        let changed = if read {
            self.store_mut()
                .mark_read_noting_skips(ids, now, MAX_SKIPS_PER_MARK, |id| {
                    let mut e = NewEvent::new(id, EventKind::ReadWithoutOpen, now);
                    e.view = view.map(str::to_string);
                    e
                })?
        } else {
            self.store_mut().mark_items(ids, None)?
        };
        let n = changed.len();
        if n > 0 {
            self.reader.undo = Some(changed);
        }
        Ok(n)
    }

    /// Undoes the last mark; returns how many items it restored (0 when there was none).
    pub fn undo_mark(&mut self) -> Result<usize> {
        let Some(states) = self.reader.undo.take() else {
            return Ok(0);
        };
        self.store_mut().restore_read_states(&states)?;
        Ok(states.len())
    }

    pub fn open_item(
        &mut self,
        item: ItemId,
        view: &str,
        position: Option<usize>,
        mark_read: bool,
    ) -> Result<()> {
        let now = self.now().timestamp();
        let open = NewEvent::new(item, EventKind::Open, now).in_list(view, position);
        self.store_mut().record_open(&open, mark_read)?;
        Ok(())
    }

    pub fn star(
        &mut self,
        item: ItemId,
        on: bool,
        view: Option<&str>,
        position: Option<usize>,
    ) -> Result<()> {
        let now = self.now().timestamp();
        let kind = if on {
            EventKind::Star
        } else {
            EventKind::Unstar
        };
        let mut e = NewEvent::new(item, kind, now);
        e.view = view.map(str::to_string);
        e.position = position.map(|p| p as i64);
        self.store_mut()
            .star_item_recording(item, on.then_some(now), &e)?;
        Ok(())
    }
}

pub(super) fn handle(engine: &mut Engine, cmd: ReaderCommand, events: &EventSink) {
    let fail = |task: &str, e: super::EngineError| {
        events.send(Event::Failed {
            task: task.to_string(),
            message: format!("{task} failed: {e}"),
        });
    };
    match cmd {
        ReaderCommand::Mark { ids, read, view } => {
            match engine.mark_items(&ids, read, view.as_deref()) {
                Ok(_) => events.changed(Topic::ItemStates),
                Err(e) => fail("Marking items", e),
            }
        }
        ReaderCommand::Open {
            item,
            view,
            position,
            mark_read,
        } => match engine.open_item(item, &view, position, mark_read) {
            Ok(()) => {
                if mark_read {
                    events.changed(Topic::ItemStates);
                }
            }
            Err(e) => fail("Opening an item", e),
        },
        ReaderCommand::Star {
            item,
            on,
            view,
            position,
        } => match engine.star(item, on, view.as_deref(), position) {
            Ok(()) => events.changed(Topic::ItemStates),
            Err(e) => fail("Starring an item", e),
        },
        ReaderCommand::Record(list) => {
            if let Err(e) = engine.store_mut().record_events(&list) {
                fail("Recording reading events", e.into());
            }
        }
        ReaderCommand::UndoMark => match engine.undo_mark() {
            Ok(0) => events.send(Event::Confirmation("Nothing to undo.".into())),
            Ok(_) => events.changed(Topic::ItemStates),
            Err(e) => fail("Undoing the last mark", e),
        },
        ReaderCommand::SaveSetting { key, value } => {
            match engine.store().set_setting(&key, &value) {
                Ok(()) => events.changed(Topic::Settings),
                Err(e) => fail("Saving a setting", e.into()),
            }
        }
        ReaderCommand::LoadSamples => super::samples::load(engine, events),
        ReaderCommand::BackupNow => engine.start_backup_now(events.clone()),
        ReaderCommand::AddReading { day, add } => match engine.store().add_reading(day, add) {
            Ok(()) => events.changed(Topic::Reading),
            Err(e) => fail("Recording reading time", e.into()),
        },
        ReaderCommand::LiftFocusLock { at, session_start } => {
            match engine.store().record_override(at, session_start) {
                Ok(()) => events.changed(Topic::Reading),
                Err(e) => fail("Recording \"Read anyway\"", e.into()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use std::sync::Arc;

    fn engine() -> (tempfile::TempDir, Engine) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let clock =
            ManualClock::new(chrono::DateTime::from_timestamp(1_000, 0).unwrap_or_default());
        let engine = Engine::open(dir.path(), Arc::new(clock)).unwrap_or_else(|e| panic!("{e}"));
        engine
            .store()
            .conn()
            .execute_batch(
                "INSERT INTO feeds(id, url, created_at) VALUES (1, 'a', 0);
                 INSERT INTO items(id, feed_id, key, fetched_at) VALUES (1, 1, 'x', 0), (2, 1, 'y', 0);",
            )
            .unwrap_or_else(|e| panic!("{e}"));
        (dir, engine)
    }

    #[test]
    fn mark_records_skips_for_unopened_items_and_undo_restores() {
        let (_dir, mut engine) = engine();
        engine
            .open_item(1, "latest", Some(0), false)
            .unwrap_or_else(|e| panic!("{e}"));
        let n = engine
            .mark_items(&[1, 2], true, Some("latest"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(n, 2);
        let skips = engine
            .store()
            .count_events(EventKind::ReadWithoutOpen)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(skips, 1, "item 1 was opened, so only item 2 is a skip");
        assert_eq!(engine.undo_mark().unwrap_or_else(|e| panic!("{e}")), 2);
        let totals = engine
            .store()
            .item_totals()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(totals.unread, 2);
        assert_eq!(engine.undo_mark().unwrap_or_else(|e| panic!("{e}")), 0);
    }

    #[test]
    fn star_records_an_event() {
        let (_dir, mut engine) = engine();
        engine
            .star(2, true, Some("unread"), Some(4))
            .unwrap_or_else(|e| panic!("{e}"));
        let events = engine
            .store()
            .events_for_item(2)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].kind, Some(EventKind::Star));
        assert_eq!(events[0].position, Some(4));
    }
}
