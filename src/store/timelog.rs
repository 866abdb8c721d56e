//! The timer's persisted state, its settings, the time log and the figures computed from it.

use super::{Result, Store};
use crate::model::UnixTime;
use crate::model::export::TimeEntry;
use crate::model::stats::{FocusLog, TaskTotal};
use crate::model::timer::{FocusSession, Timer, TimerConfig};
use rusqlite::{OptionalExtension, params};

const TIMER_CONFIG_KEY: &str = "focus.timer";

impl Store {
    /// The timer settings; unreadable or missing values fall back to the defaults.
    pub fn timer_config(&self) -> Result<TimerConfig> {
        Ok(self
            .setting(TIMER_CONFIG_KEY)?
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default())
    }

    pub fn set_timer_config(&self, cfg: &TimerConfig) -> Result<()> {
        cfg.validate().map_err(super::StoreError::Invalid)?;
        let json =
            serde_json::to_string(cfg).map_err(|e| super::StoreError::Invalid(e.to_string()))?;
        self.set_setting(TIMER_CONFIG_KEY, &json)
    }

    /// The timer as last saved. An unreadable row means an idle timer: the time log, not this
    /// row, is the record of work done, so nothing that matters is lost.
    pub fn timer(&self) -> Result<Timer> {
        let json: Option<String> = self
            .conn()
            .query_row("SELECT state FROM focus_timer WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()?;
        Ok(json
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default())
    }

    /// Saves the timer and logs finished sessions in one transaction, so a crash can neither
    /// log a session twice nor lose it.
    pub fn save_timer(&mut self, timer: &Timer, logged: &[FocusSession]) -> Result<()> {
        let json =
            serde_json::to_string(timer).map_err(|e| super::StoreError::Invalid(e.to_string()))?;
        let tx = self.conn_mut().transaction()?;
        {
            // A task that no longer exists (replaced by an import) logs as "no task".
            let mut insert = tx.prepare_cached(
                "INSERT INTO time_log(card_id, started_at, ended_at, seconds, completed)
                 VALUES ((SELECT id FROM cards WHERE id = ?1), ?2, ?3, ?4, ?5)",
            )?;
            for s in logged {
                insert.execute(params![
                    s.task,
                    s.started_at,
                    s.ended_at,
                    s.seconds,
                    s.completed
                ])?;
            }
        }
        tx.execute(
            "INSERT INTO focus_timer(id, state) VALUES (1, ?1)
             ON CONFLICT(id) DO UPDATE SET state = excluded.state",
            [json],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The whole time log, oldest first.
    pub fn time_log(&self) -> Result<Vec<TimeEntry>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, card_id, started_at, ended_at, seconds, completed FROM time_log ORDER BY ended_at, id",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(TimeEntry {
                    id: r.get(0)?,
                    card_id: r.get(1)?,
                    started_at: r.get(2)?,
                    ended_at: r.get(3)?,
                    seconds: r.get(4)?,
                    completed: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// The time log as the focus figures need it (`focus::stats::focus_stats` does the
    /// arithmetic): sessions that ended at or after `since`, the end of every completed
    /// session, and the totals per task.
    pub fn focus_log(&self, since: UnixTime) -> Result<FocusLog> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT ended_at, seconds, completed FROM time_log WHERE ended_at >= ?1",
        )?;
        let recent = stmt
            .query_map([since], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT DISTINCT ended_at FROM time_log WHERE completed = 1")?;
        let pomodoro_ends = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT t.card_id, c.title, SUM(t.seconds), SUM(t.completed)
             FROM time_log t LEFT JOIN cards c ON c.id = t.card_id
             GROUP BY t.card_id ORDER BY SUM(t.seconds) DESC, t.card_id",
        )?;
        let per_task = stmt
            .query_map([], |r| {
                Ok(TaskTotal {
                    card_id: r.get(0)?,
                    title: r.get(1)?,
                    seconds: r.get(2)?,
                    pomodoros: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(FocusLog {
            recent,
            pomodoro_ends,
            per_task,
        })
    }
}
