//! Focus figures: minutes per day over the last 14 days, today's pomodoros, the streak and
//! minutes per task. The store aggregates rows; the calendar arithmetic lives here.

use crate::model::CardId;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// How many days the chart shows.
pub const CHART_DAYS: u64 = 14;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayMinutes {
    pub date: NaiveDate,
    pub minutes: i64,
    pub pomodoros: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskMinutes {
    /// `None` for focus sessions run without a task.
    pub card_id: Option<CardId>,
    pub title: String,
    pub minutes: i64,
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
