//! Engine operations and background commands for the focus area: the timer, the board, stats,
//! export/import. The CLI calls the methods directly; the window sends `FocusCommand`s.

use super::worker::{Event, EventSink};
use super::{Engine, EngineError, Result};
use crate::focus::alert;
use crate::focus::export::{BoardExport, parse_export, time_log_csv};
use crate::focus::stats::{FocusStats, local_offset};
use crate::focus::timer::{Outcome, PhaseEnd, Timer, TimerConfig};
use crate::model::board::{Board, CardDraft};
use crate::model::{CardId, ColumnId, Topic, UnixTime};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What the user can do to the timer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimerAction {
    /// Space: start, pause or resume.
    Toggle,
    /// Start (or resume); with a task, focus on that task.
    Start(Option<CardId>),
    Pause,
    Resume,
    Skip,
    Reset,
    /// Settle phases that have run out (the UI sends this when the countdown reaches zero).
    Tick,
}

/// Work the GUI hands to the worker for this area.
#[derive(Debug)]
pub enum FocusCommand {
    /// A timer action at the engine's clock (the CLI).
    Timer(TimerAction),
    /// A timer action at the moment the user took it: the window has already shown its outcome,
    /// so the stored timer must match it even when the writer gets to it a moment later.
    TimerAt(TimerAction, UnixTime),
    SetTimerConfig(TimerConfig),
    /// `None` column: the first column.
    AddCard {
        column: Option<ColumnId>,
        draft: CardDraft,
    },
    UpdateCard {
        id: CardId,
        draft: CardDraft,
    },
    MoveCard {
        id: CardId,
        column: ColumnId,
        index: usize,
    },
    ArchiveCard(CardId),
    RestoreCard(CardId),
    AddColumn(String),
    RenameColumn {
        id: ColumnId,
        name: String,
    },
    SetWipLimit {
        id: ColumnId,
        limit: Option<u32>,
    },
    MoveColumn {
        id: ColumnId,
        index: usize,
    },
    DeleteColumn(ColumnId),
    /// Writes the JSON export (or the time log as CSV) to a file.
    ExportBoard {
        path: PathBuf,
        csv: bool,
    },
    /// Reads a JSON export; `replace` allows replacing a board that has data.
    ImportBoard {
        path: PathBuf,
        replace: bool,
    },
}

impl Engine {
    fn now_secs(&self) -> i64 {
        self.now().timestamp()
    }

    /// Applies a timer action at the engine's `now`, saving the state and any finished sessions
    /// together. Returns the phases that ran out on their own (for alerts).
    pub fn timer_action(&mut self, action: TimerAction) -> Result<Outcome> {
        let now = self.now_secs();
        self.timer_action_at(action, now)
    }

    /// Applies a timer action as of `now` (see [`FocusCommand::TimerAt`]).
    pub fn timer_action_at(&mut self, action: TimerAction, now: UnixTime) -> Result<Outcome> {
        let cfg = self.store().timer_config()?;
        let mut timer = self.store().timer()?;
        let before = timer.clone();
        let out = match action {
            TimerAction::Toggle => timer.toggle(&cfg, now),
            TimerAction::Start(task) => timer.start(&cfg, now, task),
            TimerAction::Pause => timer.pause(&cfg, now),
            TimerAction::Resume => timer.resume(&cfg, now),
            TimerAction::Skip => timer.skip(&cfg, now),
            TimerAction::Reset => timer.reset(&cfg, now),
            TimerAction::Tick => timer.tick(&cfg, now),
        };
        // A tick that changed nothing is not worth a write (the UI may send several).
        if timer != before || !out.logged.is_empty() {
            self.store_mut().save_timer(&timer, &out.logged)?;
        }
        Ok(out)
    }

    /// The timer settled at `now` (a session that ended while nothing was running is logged).
    pub fn timer_status(&mut self) -> Result<(Timer, TimerConfig)> {
        self.timer_action(TimerAction::Tick)?;
        Ok((self.store().timer()?, self.store().timer_config()?))
    }

    pub fn set_timer_config(&mut self, cfg: &TimerConfig) -> Result<()> {
        cfg.validate().map_err(EngineError::Other)?;
        Ok(self.store().set_timer_config(cfg)?)
    }

    /// Adds a card; `None` column means the first one.
    pub fn add_card(&mut self, column: Option<ColumnId>, draft: CardDraft) -> Result<CardId> {
        let column = match column {
            Some(c) => c,
            None => self
                .store()
                .columns()?
                .first()
                .map(|c| c.id)
                .ok_or_else(|| EngineError::Other("the board has no column".into()))?,
        };
        let now = self.now_secs();
        Ok(self.store_mut().add_card(column, draft, now)?)
    }

    pub fn move_card(&mut self, id: CardId, column: ColumnId, index: usize) -> Result<()> {
        let now = self.now_secs();
        Ok(self.store_mut().move_card(id, column, index, now)?)
    }

    /// Moves a card to the bottom of the last column ("Done").
    pub fn complete_card(&mut self, id: CardId) -> Result<ColumnId> {
        let done = self
            .store()
            .columns()?
            .last()
            .map(|c| c.id)
            .ok_or_else(|| EngineError::Other("the board has no column".into()))?;
        self.move_card(id, done, usize::MAX)?;
        Ok(done)
    }

    pub fn archive_card(&mut self, id: CardId) -> Result<()> {
        let now = self.now_secs();
        Ok(self.store_mut().archive_card(id, now)?)
    }

    pub fn restore_card(&mut self, id: CardId) -> Result<()> {
        let now = self.now_secs();
        Ok(self.store_mut().restore_card(id, now)?)
    }

    pub fn board(&mut self) -> Result<Board> {
        Ok(self.store().board()?)
    }

    /// Stats as of now, in the user's time zone; settles the timer first so a session that
    /// ended while the app was closed counts, and counts in the one still running.
    pub fn focus_stats(&mut self) -> Result<FocusStats> {
        self.timer_action(TimerAction::Tick)?;
        let now = self.now_secs();
        let log = self
            .store()
            .focus_log(crate::focus::stats::log_since(now))?;
        let logged = crate::focus::stats::focus_stats(&log, now, &local_offset);
        let timer = self.store().timer()?;
        // A card deleted mid-session still has its minutes, as the log keeps them.
        let title = timer
            .task
            .and_then(|id| self.store().card(id).ok())
            .map_or_else(|| crate::focus::stats::NO_TASK.to_owned(), |c| c.title);
        Ok(logged.with_live(&crate::focus::stats::LiveSession {
            task: timer.task,
            title: &title,
            seconds: timer.focused_so_far(now),
        }))
    }

    /// The last 28 days of focus beside reading, list uptake and "Read anyway" (see
    /// `focus::attention`), with a session still running counted in.
    pub fn attention_stats(&mut self) -> Result<crate::focus::attention::AttentionStats> {
        use crate::focus::attention::{self, AttentionRows};
        self.timer_action(TimerAction::Tick)?;
        let now = self.now_secs();
        let since = attention::since(now);
        let store = self.store();
        let focus = store.focus_log(since)?;
        let reading = store.reading_log(attention::first_day(now, &local_offset), {
            crate::focus::stats::day_of(now, local_offset(now))
        })?;
        let uptake = store.list_uptake(since)?;
        let rows = AttentionRows {
            focus: &focus,
            reading: &reading,
            uptake: &uptake,
            overrides: store.overrides_since(since)?,
            live_focus_seconds: store.timer()?.focused_so_far(now),
        };
        Ok(attention::attention_stats(rows, now, &local_offset))
    }

    pub fn export_board(&mut self) -> Result<BoardExport> {
        self.timer_action(TimerAction::Tick)?;
        Ok(self.store().export_board()?)
    }

    pub fn export_time_log_csv(&mut self) -> Result<String> {
        self.timer_action(TimerAction::Tick)?;
        let titles: HashMap<CardId, String> = self
            .store()
            .all_cards()?
            .into_iter()
            .map(|c| (c.id, c.title))
            .collect();
        Ok(time_log_csv(&self.store().time_log()?, &titles))
    }

    /// Checks the whole file before touching anything, then replaces the board in one transaction.
    pub fn import_board(&mut self, json: &str, replace: bool) -> Result<()> {
        let data = parse_export(json).map_err(EngineError::Other)?;
        if replace {
            // Replacing throws the current board away: keep a copy to come back to.
            let now = self.now().timestamp();
            crate::store::backup::before(
                self.store().conn(),
                &self.db_path(),
                "board-import",
                now,
            )?;
        }
        Ok(self.store_mut().import_board(&data, replace)?)
    }

    /// Writes the export to `path` (via a temporary file, so a failed write leaves no half file).
    pub fn export_board_to(&mut self, path: &Path, csv: bool) -> Result<()> {
        let text = if csv {
            self.export_time_log_csv()?
        } else {
            serde_json::to_string_pretty(&self.export_board()?)
                .map_err(|e| EngineError::Other(e.to_string()))?
                + "\n"
        };
        let tmp = path.with_extension("tmp-export");
        std::fs::write(&tmp, text)
            .and_then(|()| std::fs::rename(&tmp, path))
            .map_err(|e| EngineError::Other(format!("cannot write {}: {e}", path.display())))
    }

    pub fn import_board_from(&mut self, path: &Path, replace: bool) -> Result<()> {
        let json = std::fs::read_to_string(path)
            .map_err(|e| EngineError::Other(format!("cannot read {}: {e}", path.display())))?;
        self.import_board(&json, replace)
    }

    fn apply_focus(&mut self, cmd: FocusCommand) -> Result<(Vec<Topic>, Outcome)> {
        use FocusCommand as C;
        let board = vec![Topic::Board];
        let none = Outcome::default();
        Ok(match cmd {
            C::Timer(_) | C::TimerAt(..) => {
                let out = match cmd {
                    C::TimerAt(action, at) => self.timer_action_at(action, at)?,
                    C::Timer(action) => self.timer_action(action)?,
                    _ => none.clone(),
                };
                let mut topics = vec![Topic::Timer];
                if !out.logged.is_empty() {
                    topics.extend([Topic::TimeLog, Topic::Board]);
                }
                (topics, out)
            }
            C::SetTimerConfig(cfg) => {
                self.set_timer_config(&cfg)?;
                (vec![Topic::Timer, Topic::Settings], none)
            }
            C::AddCard { column, draft } => {
                self.add_card(column, draft)?;
                (board, none)
            }
            C::UpdateCard { id, draft } => {
                let now = self.now_secs();
                self.store_mut().update_card(id, draft, now)?;
                (vec![Topic::Board, Topic::Timer, Topic::TimeLog], none)
            }
            C::MoveCard { id, column, index } => {
                self.move_card(id, column, index)?;
                (board, none)
            }
            C::ArchiveCard(id) => {
                self.archive_card(id)?;
                (board, none)
            }
            C::RestoreCard(id) => {
                self.restore_card(id)?;
                (board, none)
            }
            C::AddColumn(name) => {
                self.store_mut().add_column(&name)?;
                (board, none)
            }
            C::RenameColumn { id, name } => {
                self.store_mut().rename_column(id, &name)?;
                (board, none)
            }
            C::SetWipLimit { id, limit } => {
                self.store_mut().set_wip_limit(id, limit)?;
                (board, none)
            }
            C::MoveColumn { id, index } => {
                self.store_mut().move_column(id, index)?;
                (board, none)
            }
            C::DeleteColumn(id) => {
                self.store_mut().delete_column(id)?;
                (board, none)
            }
            C::ExportBoard { path, csv } => {
                self.export_board_to(&path, csv)?;
                (vec![], none)
            }
            C::ImportBoard { path, replace } => {
                self.import_board_from(&path, replace)?;
                (
                    vec![Topic::Board, Topic::TimeLog, Topic::Timer, Topic::Settings],
                    none,
                )
            }
        })
    }
}

pub(super) fn handle(engine: &mut Engine, cmd: FocusCommand, events: &EventSink) {
    let task = describe(&cmd);
    let done = match &cmd {
        FocusCommand::ExportBoard { path, .. } => Some(format!("Exported to {}", path.display())),
        FocusCommand::ImportBoard { path, .. } => Some(format!("Imported {}", path.display())),
        _ => None,
    };
    match engine.apply_focus(cmd) {
        Ok((topics, outcome)) => {
            for t in topics {
                events.changed(t);
            }
            if !outcome.ended.is_empty() {
                announce(engine, &outcome.ended, events);
            }
            if let Some(message) = done {
                events.send(Event::Confirmation(message));
            }
        }
        Err(e) => events.send(Event::Failed {
            task: task.to_owned(),
            message: format!("{task}: {e}"),
        }),
    }
}

fn describe(cmd: &FocusCommand) -> &'static str {
    match cmd {
        FocusCommand::Timer(_) | FocusCommand::TimerAt(..) => "Timer",
        FocusCommand::SetTimerConfig(_) => "Saving timer settings",
        FocusCommand::AddCard { .. } => "Adding the card",
        FocusCommand::UpdateCard { .. } => "Saving the card",
        FocusCommand::MoveCard { .. } => "Moving the card",
        FocusCommand::ArchiveCard(_) => "Archiving the card",
        FocusCommand::RestoreCard(_) => "Restoring the card",
        FocusCommand::AddColumn(_) => "Adding the column",
        FocusCommand::RenameColumn { .. } => "Renaming the column",
        FocusCommand::SetWipLimit { .. } => "Setting the WIP limit",
        FocusCommand::MoveColumn { .. } => "Moving the column",
        FocusCommand::DeleteColumn(_) => "Deleting the column",
        FocusCommand::ExportBoard { .. } => "Exporting the board",
        FocusCommand::ImportBoard { .. } => "Importing the board",
    }
}

/// Notification and chime for the last phase that ran out, on their own thread (D-Bus and the
/// sound player may block); whatever fails becomes one in-app notice so the user still knows.
fn announce(engine: &Engine, ended: &[PhaseEnd], events: &EventSink) {
    let Some(last) = ended.last().copied() else {
        return;
    };
    let cfg = engine.store().timer_config().unwrap_or_default();
    let task = engine
        .store()
        .timer()
        .ok()
        .and_then(|t| t.task)
        .and_then(|id| engine.store().card(id).ok())
        .map(|c| c.title);
    let digest = last
        .next
        .is_break()
        .then(|| digest_size(engine, cfg.seconds(last.next)))
        .flatten();
    let (summary, body) = alert::message(&last, task.as_deref(), digest);
    let sink = events.clone();
    let notice = format!("{summary}. {body}");
    let spawned = std::thread::Builder::new()
        .name("focusfeed-alert".into())
        .spawn(move || {
            let mut problems = Vec::new();
            if cfg.notify
                && let Err(e) = alert::notify(&summary, &body)
            {
                problems.push(e);
            }
            if cfg.sound
                && let Err(e) = alert::chime()
            {
                problems.push(e);
            }
            if !problems.is_empty() {
                sink.send(Event::Notice(format!(
                    "{summary}. {body} ({})",
                    problems.join("; ")
                )));
            }
        });
    if spawned.is_err() {
        // Could not even start the alert thread: the in-app notice is all we have.
        events.send(Event::Notice(notice));
    }
}

/// How many items the coming break's digest holds, as the window will pick them (None when
/// the digest is off or For you cannot be read).
fn digest_size(engine: &Engine, break_seconds: i64) -> Option<usize> {
    use crate::rank::digest;
    let pace = engine
        .store()
        .setting(digest::SETTING_TENTHS_PER_ITEM)
        .ok()?;
    let tenths = digest::tenths_per_item(pace.as_deref())?;
    let candidates = engine.store().digest_candidates(digest::CANDIDATES).ok()?;
    Some(digest::pick(&candidates, digest::size(break_seconds, tenths)).len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{ManualClock, SharedClock};
    use std::sync::Arc;

    fn engine() -> (tempfile::TempDir, Engine, ManualClock) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let clock = ManualClock::new(
            chrono::DateTime::parse_from_rfc3339("2026-03-10T09:00:00Z")
                .unwrap_or_else(|e| panic!("{e}"))
                .with_timezone(&chrono::Utc),
        );
        let shared: SharedClock = Arc::new(clock.clone());
        let e = Engine::open(dir.path(), shared).unwrap_or_else(|e| panic!("{e}"));
        (dir, e, clock)
    }

    #[test]
    fn a_pomodoro_on_a_card_lands_on_the_card_and_survives_reopening() {
        let (dir, mut e, clock) = engine();
        let id = e
            .add_card(None, CardDraft::titled("Write"))
            .unwrap_or_else(|e| panic!("{e}"));
        e.timer_action(TimerAction::Start(Some(id)))
            .unwrap_or_else(|e| panic!("{e}"));
        clock.advance(chrono::Duration::minutes(10));
        drop(e);
        // Reopened after the session ended: it is logged at its end.
        clock.advance(chrono::Duration::minutes(100));
        let shared: SharedClock = Arc::new(clock.clone());
        let mut e = Engine::open(dir.path(), shared).unwrap_or_else(|e| panic!("{e}"));
        let (timer, _) = e.timer_status().unwrap_or_else(|e| panic!("{e}"));
        assert!(!timer.is_running());
        let card = e.store().card(id).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((card.pomodoros, card.minutes_spent()), (1, 25));
        let done = e.complete_card(id).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(e.store().card(id).map(|c| c.column_id).ok(), Some(done));
    }

    #[test]
    fn bad_timer_settings_are_refused() {
        let (_dir, mut e, _) = engine();
        let cfg = TimerConfig {
            focus_minutes: 0,
            ..TimerConfig::default()
        };
        assert!(e.set_timer_config(&cfg).is_err());
        assert_eq!(e.store().timer_config().ok(), Some(TimerConfig::default()));
    }

    #[test]
    fn the_break_notification_counts_what_the_digest_will_pick() {
        let (_dir, e, _clock) = engine();
        let ok = |r: rusqlite::Result<usize>| r.unwrap_or_else(|e| panic!("{e}"));
        let c = e.store().conn();
        for (feed, items) in [(1, 4), (2, 1)] {
            ok(c.execute(
                "INSERT INTO feeds(id, url, title, created_at) VALUES (?1, ?2, 'F', 0)",
                rusqlite::params![feed, format!("file:///{feed}.xml")],
            ));
            for i in 0..items {
                ok(c.execute(
                    "INSERT INTO items(feed_id, key, title, fetched_at) VALUES (?1, ?2, 't', 0)",
                    rusqlite::params![feed, format!("{feed}-{i}")],
                ));
            }
        }
        // A 5-minute break picks 3 of the 5 unread items; a 15-minute one all 5.
        assert_eq!(digest_size(&e, 5 * 60), Some(3));
        assert_eq!(digest_size(&e, 15 * 60), Some(5));
        ok(c.execute("UPDATE items SET read_at = 1", []));
        assert_eq!(digest_size(&e, 5 * 60), Some(0), "nothing new");
        let off = e
            .store()
            .set_setting(crate::rank::digest::SETTING_TENTHS_PER_ITEM, "0");
        off.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(digest_size(&e, 5 * 60), None);
    }
}
