//! The timer's persisted state, its settings, the time log and the figures computed from it.

use super::{Result, Store};
use crate::focus::export::TimeEntry;
use crate::focus::stats::{self, DayRow, FocusStats, TaskMinutes};
use crate::focus::timer::{FocusSession, Timer, TimerConfig};
use crate::model::UnixTime;
use chrono::NaiveDate;
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

    /// Focus figures at `now`, from the time log (a session still running is not in it). `utc_offset(t)` is the user's offset from UTC at instant `t`:
    /// each session counts on the calendar day it ended on *then*, so a daylight-saving change
    /// inside the 14 days moves no session to a neighbouring day.
    pub fn focus_stats(
        &self,
        now: UnixTime,
        utc_offset: &dyn Fn(UnixTime) -> i64,
    ) -> Result<FocusStats> {
        let day = |t: UnixTime| stats::day_of(t, utc_offset(t));
        let today = day(now);
        let mut stmt = self.conn().prepare_cached(
            "SELECT ended_at, seconds, completed FROM time_log WHERE ended_at >= ?1",
        )?;
        // A day more than the chart and 14 hours for the furthest offset.
        let since = now - (stats::CHART_DAYS as i64 + 1) * 86_400 - 14 * 3_600;
        let rows: Vec<DayRow> = stmt
            .query_map([since], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, u32>(2)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter()
            .map(|(t, secs, done)| (day(t), secs, done))
            .collect();
        let days = stats::last_days(today, &rows);
        let (today_minutes, today_pomodoros) = days
            .last()
            .map(|d| (d.minutes, d.pomodoros))
            .unwrap_or_default();

        let mut stmt = self
            .conn()
            .prepare_cached("SELECT DISTINCT ended_at FROM time_log WHERE completed = 1")?;
        let mut pomodoro_days: Vec<NaiveDate> = stmt
            .query_map([], |r| r.get::<_, i64>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter()
            .map(day)
            .collect();
        pomodoro_days.sort_unstable();
        pomodoro_days.dedup();

        let mut stmt = self.conn().prepare_cached(
            "SELECT t.card_id, c.title, SUM(t.seconds), SUM(t.completed)
             FROM time_log t LEFT JOIN cards c ON c.id = t.card_id
             GROUP BY t.card_id ORDER BY SUM(t.seconds) DESC, t.card_id",
        )?;
        let per_task = stmt
            .query_map([], |r| {
                let secs: i64 = r.get(2)?;
                Ok(TaskMinutes {
                    card_id: r.get(0)?,
                    title: r
                        .get::<_, Option<String>>(1)?
                        .unwrap_or_else(|| stats::NO_TASK.to_owned()),
                    minutes: secs / 60,
                    seconds: secs,
                    pomodoros: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;

        Ok(FocusStats {
            today,
            streak_days: stats::streak(today, &pomodoro_days),
            days,
            today_pomodoros,
            today_minutes,
            per_task,
        })
    }
}
