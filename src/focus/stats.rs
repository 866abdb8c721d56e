//! Focus figures: minutes per day over the last 14 days, today's pomodoros, the streak and
//! minutes per task. The store aggregates rows; the calendar arithmetic, and counting in a
//! session that is still running, live here.

use crate::model::stats::FocusLog;
use crate::model::{CardId, UnixTime};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// How many days the chart shows.
pub const CHART_DAYS: u64 = 14;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayMinutes {
    pub date: NaiveDate,
    pub minutes: i64,
    /// Whole minutes are `seconds / 60`; kept so that a running session adds up exactly.
    pub seconds: i64,
    pub pomodoros: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskMinutes {
    /// `None` for focus sessions run without a task.
    pub card_id: Option<CardId>,
    pub title: String,
    pub minutes: i64,
    pub seconds: i64,
    pub pomodoros: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FocusStats {
    pub today: NaiveDate,
    /// The last 14 days, oldest first, today last; days without focus are zero.
    pub days: Vec<DayMinutes>,
    pub today_pomodoros: u32,
    pub today_minutes: i64,
    /// Consecutive days with at least one completed pomodoro, ending today (or yesterday when
    /// today has none yet: the streak is not broken before the day is over).
    pub streak_days: u32,
    /// All time, most minutes first.
    pub per_task: Vec<TaskMinutes>,
}

/// A focus session not yet in the time log (running or paused): what it has focused so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiveSession<'a> {
    pub task: Option<CardId>,
    /// The task's title, as the per-task list names it when the task has no row yet.
    pub title: &'a str,
    pub seconds: i64,
}

/// The title the per-task list gives focus sessions run without a task.
pub const NO_TASK: &str = "(no task)";

impl FocusStats {
    /// These figures with `live` counted in: today's minutes and its task's grow while the
    /// session runs, instead of jumping when it ends. Pomodoros count only once completed.
    pub fn with_live(&self, live: &LiveSession<'_>) -> FocusStats {
        let mut s = self.clone();
        if live.seconds <= 0 {
            return s;
        }
        if let Some(day) = s.days.last_mut().filter(|d| d.date == s.today) {
            day.seconds += live.seconds;
            day.minutes = day.seconds / 60;
            s.today_minutes = day.minutes;
        }
        match s.per_task.iter_mut().find(|t| t.card_id == live.task) {
            Some(t) => {
                t.seconds += live.seconds;
                t.minutes = t.seconds / 60;
            }
            None => s.per_task.push(TaskMinutes {
                card_id: live.task,
                title: live.title.to_owned(),
                minutes: live.seconds / 60,
                seconds: live.seconds,
                pomodoros: 0,
            }),
        }
        // Most time first, as the store orders them; ties keep the store's order.
        s.per_task.sort_by_key(|t| std::cmp::Reverse(t.seconds));
        s
    }
}

/// The calendar day of `t` at `utc_offset` seconds east of UTC.
pub fn day_of(t: crate::model::UnixTime, utc_offset: i64) -> NaiveDate {
    chrono::DateTime::from_timestamp(t + utc_offset, 0)
        .map(|d| d.date_naive())
        .unwrap_or_default()
}

/// The user's offset from UTC at `t`, in seconds (what `day_of` takes).
pub fn local_offset(t: crate::model::UnixTime) -> i64 {
    use chrono::{Offset, TimeZone};
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| {
            i64::from(
                chrono::Local
                    .offset_from_utc_datetime(&d.naive_utc())
                    .fix()
                    .local_minus_utc(),
            )
        })
        .unwrap_or(0)
}

/// The earliest session end `focus_stats` needs at `now`: a day more than the chart, and 14
/// hours for the furthest time zone.
pub fn log_since(now: UnixTime) -> UnixTime {
    now - (CHART_DAYS as i64 + 1) * 86_400 - 14 * 3_600
}

/// Focus figures at `now` from the time log read since [`log_since`] (a session still running
/// is not in it). `utc_offset(t)` is the user's offset from UTC at instant `t`: each session
/// counts on the calendar day it ended on *then*, so a daylight-saving change inside the 14
/// days moves no session to a neighbouring day.
pub fn focus_stats(
    log: &FocusLog,
    now: UnixTime,
    utc_offset: &dyn Fn(UnixTime) -> i64,
) -> FocusStats {
    let day = |t: UnixTime| day_of(t, utc_offset(t));
    let today = day(now);
    let rows: Vec<DayRow> = log
        .recent
        .iter()
        .map(|&(t, secs, done)| (day(t), secs, done))
        .collect();
    let days = last_days(today, &rows);
    let (today_minutes, today_pomodoros) = days
        .last()
        .map(|d| (d.minutes, d.pomodoros))
        .unwrap_or_default();
    let mut pomodoro_days: Vec<NaiveDate> = log.pomodoro_ends.iter().map(|&t| day(t)).collect();
    pomodoro_days.sort_unstable();
    pomodoro_days.dedup();
    let per_task = log
        .per_task
        .iter()
        .map(|t| TaskMinutes {
            card_id: t.card_id,
            title: t.title.clone().unwrap_or_else(|| NO_TASK.to_owned()),
            minutes: t.seconds / 60,
            seconds: t.seconds,
            pomodoros: t.pomodoros,
        })
        .collect();
    FocusStats {
        today,
        streak_days: streak(today, &pomodoro_days),
        days,
        today_pomodoros,
        today_minutes,
        per_task,
    }
}

/// One aggregated day from the time log: (day, focused seconds, completed pomodoros).
pub type DayRow = (NaiveDate, i64, u32);

/// Fills the chart's days, zeros included.
pub fn last_days(today: NaiveDate, rows: &[DayRow]) -> Vec<DayMinutes> {
    (0..CHART_DAYS)
        .rev()
        .filter_map(|back| today.checked_sub_days(Days::new(back)))
        .map(|date| {
            let (secs, pomos) = rows
                .iter()
                .filter(|(d, _, _)| *d == date)
                .fold((0, 0), |(s, p), (_, rs, rp)| (s + rs, p + rp));
            DayMinutes {
                date,
                minutes: secs / 60,
                seconds: secs,
                pomodoros: pomos,
            }
        })
        .collect()
}

/// The streak from the days that had a completed pomodoro (any order, duplicates allowed).
pub fn streak(today: NaiveDate, pomodoro_days: &[NaiveDate]) -> u32 {
    let has = |d: NaiveDate| pomodoro_days.contains(&d);
    let mut day = if has(today) {
        today
    } else {
        match today.pred_opt() {
            Some(d) => d,
            None => return 0,
        }
    };
    let mut n = 0;
    while has(day) {
        n += 1;
        match day.pred_opt() {
            Some(d) => day = d,
            None => break,
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn fourteen_days_with_zeros_today_last() {
        let days = last_days(
            d("2026-03-14"),
            &[
                (d("2026-03-14"), 3000, 2),
                (d("2026-03-01"), 600, 0),
                (d("2026-02-01"), 60, 1),
            ],
        );
        assert_eq!(days.len(), 14);
        assert_eq!(days[0].date, d("2026-03-01"));
        assert_eq!(days[0].minutes, 10);
        assert_eq!(days[13].minutes, 50);
        assert_eq!(days[13].pomodoros, 2);
        assert_eq!(days.iter().map(|x| x.minutes).sum::<i64>(), 60);
    }

    fn task(card_id: Option<CardId>, title: &str, seconds: i64, pomodoros: u32) -> TaskMinutes {
        TaskMinutes {
            card_id,
            title: title.to_owned(),
            minutes: seconds / 60,
            seconds,
            pomodoros,
        }
    }

    #[test]
    fn a_running_session_counts_today_and_for_its_task_to_the_second() {
        let today = d("2026-03-14");
        let stats = FocusStats {
            today,
            days: last_days(today, &[(today, 25 * 60 + 50, 1)]),
            today_pomodoros: 1,
            today_minutes: 25,
            streak_days: 1,
            per_task: vec![
                task(Some(1), "Report", 25 * 60 + 50, 1),
                task(Some(2), "Mail", 20 * 60, 0),
            ],
        };
        // 50 s logged and 20 s running make a 26th minute: per-part rounding would lose it.
        let live = stats.with_live(&LiveSession {
            task: Some(1),
            title: "Report",
            seconds: 20,
        });
        assert_eq!(live.today_minutes, 26);
        assert_eq!(live.days[13].minutes, 26);
        assert_eq!(
            live.today_pomodoros, 1,
            "a running session is no pomodoro yet"
        );
        assert_eq!(live.per_task[0], task(Some(1), "Report", 26 * 60 + 10, 1));

        // A task with no time logged yet gets a row, in its place by time.
        let live = stats.with_live(&LiveSession {
            task: Some(3),
            title: "Slides",
            seconds: 22 * 60,
        });
        let order: Vec<&str> = live.per_task.iter().map(|t| t.title.as_str()).collect();
        assert_eq!(order, ["Report", "Slides", "Mail"]);
        assert_eq!(live.today_minutes, 25 + 22);

        let idle = LiveSession {
            task: None,
            title: NO_TASK,
            seconds: 0,
        };
        assert_eq!(stats.with_live(&idle), stats);
    }

    #[test]
    fn streak_counts_back_from_today_or_yesterday() {
        let today = d("2026-03-10");
        assert_eq!(streak(today, &[]), 0);
        assert_eq!(
            streak(today, &[d("2026-03-10"), d("2026-03-09"), d("2026-03-07")]),
            2
        );
        assert_eq!(
            streak(today, &[d("2026-03-09"), d("2026-03-08")]),
            2,
            "today not over yet"
        );
        assert_eq!(streak(today, &[d("2026-03-08")]), 0);
    }
}
