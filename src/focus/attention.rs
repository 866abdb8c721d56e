//! A month of attention, for Stats: each day's focus minutes beside its reading minutes and
//! whether the reading budget was kept, how many of For you's and Latest's items were opened
//! against those shown, and each time the focus lock was lifted ("Read anyway"). The store
//! reads rows; the calendar arithmetic lives here, with time passed in.

use super::stats::day_of;
use crate::model::UnixTime;
use crate::model::stats::{FocusLog, ListUptake, LockOverride, ReadingLogDay};
use chrono::{Days, NaiveDate};
use serde::Serialize;

/// How many days Stats' attention chart covers.
pub const DAYS: u64 = 28;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttentionDay {
    pub date: NaiveDate,
    pub focus_minutes: i64,
    pub reading_minutes: i64,
    /// The reading budget that day (None: none set, or not noted yet).
    pub budget_minutes: Option<i64>,
    /// Read within the budget without granting more (None without a budget).
    pub budget_kept: Option<bool>,
}

/// Items shown in a list and opened from it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Uptake {
    pub shown: i64,
    pub opened: i64,
}

impl Uptake {
    /// Opened per shown, in percent (None before anything was shown).
    pub fn percent(&self) -> Option<i64> {
        (self.shown > 0).then(|| (self.opened * 100 + self.shown / 2) / self.shown)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttentionStats {
    /// The last 28 days, oldest first, today last; days without either are zero.
    pub days: Vec<AttentionDay>,
    pub for_you: Uptake,
    pub latest: Uptake,
    pub break_digest: Uptake,
    /// Each "Read anyway" in the 28 days, oldest first.
    pub read_anyway: Vec<LockOverride>,
    /// Days that had a budget, and those of them on which it was kept.
    pub budget_days: u32,
    pub budget_kept_days: u32,
}

/// The earliest instant the figures at `now` need: a day more than the chart, and 14 hours
/// for the furthest time zone.
pub fn since(now: UnixTime) -> UnixTime {
    now - (DAYS as i64 + 1) * 86_400 - 14 * 3_600
}

/// The first day of the chart at `now`.
pub fn first_day(now: UnixTime, utc_offset: &dyn Fn(UnixTime) -> i64) -> NaiveDate {
    let today = day_of(now, utc_offset(now));
    today.checked_sub_days(Days::new(DAYS - 1)).unwrap_or(today)
}

/// What the store read since [`since`].
pub struct AttentionRows<'a> {
    pub focus: &'a FocusLog,
    pub reading: &'a [ReadingLogDay],
    pub uptake: &'a [ListUptake],
    pub overrides: Vec<LockOverride>,
    /// Focused seconds of a session not yet in the log (running or paused).
    pub live_focus_seconds: i64,
}

pub fn attention_stats(
    rows: AttentionRows<'_>,
    now: UnixTime,
    utc_offset: &dyn Fn(UnixTime) -> i64,
) -> AttentionStats {
    let day = |t: UnixTime| day_of(t, utc_offset(t));
    let today = day(now);
    let mut focus_seconds = std::collections::HashMap::<NaiveDate, i64>::new();
    for &(ended, seconds, _) in &rows.focus.recent {
        *focus_seconds.entry(day(ended)).or_default() += seconds;
    }
    *focus_seconds.entry(today).or_default() += rows.live_focus_seconds.max(0);
    let days: Vec<AttentionDay> = (0..DAYS)
        .rev()
        .filter_map(|back| today.checked_sub_days(Days::new(back)))
        .map(|date| {
            let read = rows.reading.iter().find(|r| r.date == date);
            let budget = read.and_then(|r| r.budget_minutes).filter(|b| *b > 0);
            AttentionDay {
                date,
                focus_minutes: focus_seconds.get(&date).copied().unwrap_or(0) / 60,
                reading_minutes: read.map_or(0, |r| r.seconds / 60),
                budget_minutes: budget,
                budget_kept: budget
                    .zip(read)
                    .map(|(b, r)| r.seconds <= b * 60 && r.extra_seconds == 0),
            }
        })
        .collect();
    let uptake = |view: &str| {
        rows.uptake
            .iter()
            .find(|u| u.view == view)
            .map(|u| Uptake {
                shown: u.shown,
                opened: u.opened,
            })
            .unwrap_or_default()
    };
    let first = days.first().map_or(today, |d| d.date);
    let read_anyway = rows
        .overrides
        .into_iter()
        .filter(|o| day(o.at) >= first)
        .collect();
    AttentionStats {
        budget_days: days.iter().filter(|d| d.budget_kept.is_some()).count() as u32,
        budget_kept_days: days.iter().filter(|d| d.budget_kept == Some(true)).count() as u32,
        days,
        for_you: uptake("for_you"),
        latest: uptake("latest"),
        break_digest: uptake("break_digest"),
        read_anyway,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn twenty_eight_days_of_focus_beside_reading_with_the_budget_kept_or_not() {
        // 2026-03-28 12:00 UTC, in UTC.
        let now = 1_774_699_200;
        let utc = |_| 0;
        let focus = FocusLog {
            recent: vec![
                (now - 2 * 3_600, 25 * 60, 1),
                (now - DAY, 50 * 60, 2),
                // Outside the 28 days: left out.
                (now - 40 * DAY, 25 * 60, 1),
            ],
            ..FocusLog::default()
        };
        let reading = [
            ReadingLogDay {
                date: date("2026-03-27"),
                seconds: 40 * 60,
                extra_seconds: 0,
                budget_minutes: Some(30),
            },
            ReadingLogDay {
                date: date("2026-03-26"),
                seconds: 20 * 60,
                extra_seconds: 0,
                budget_minutes: Some(30),
            },
            ReadingLogDay {
                date: date("2026-03-25"),
                seconds: 25 * 60,
                extra_seconds: 5 * 60,
                budget_minutes: Some(30),
            },
            ReadingLogDay {
                date: date("2026-03-24"),
                seconds: 90 * 60,
                extra_seconds: 0,
                budget_minutes: None,
            },
        ];
        let uptake = [
            ListUptake {
                view: "for_you".into(),
                shown: 40,
                opened: 14,
            },
            ListUptake {
                view: "latest".into(),
                shown: 100,
                opened: 5,
            },
        ];
        let overrides = vec![
            LockOverride {
                at: now - 30 * DAY,
                session_start: None,
            },
            LockOverride {
                at: now - 3_600,
                session_start: Some(now - 4_000),
            },
        ];
        let s = attention_stats(
            AttentionRows {
                focus: &focus,
                reading: &reading,
                uptake: &uptake,
                overrides,
                live_focus_seconds: 10 * 60,
            },
            now,
            &utc,
        );
        assert_eq!(s.days.len(), 28);
        assert_eq!(s.days[0].date, date("2026-03-01"));
        let today = &s.days[27];
        assert_eq!((today.focus_minutes, today.reading_minutes), (35, 0));
        let yesterday = &s.days[26];
        assert_eq!(
            (yesterday.focus_minutes, yesterday.reading_minutes),
            (50, 40)
        );
        assert_eq!(yesterday.budget_kept, Some(false), "40 of 30 min");
        assert_eq!(s.days[25].budget_kept, Some(true));
        assert_eq!(
            s.days[24].budget_kept,
            Some(false),
            "more minutes were granted"
        );
        assert_eq!(s.days[23].budget_kept, None, "no budget that day");
        assert_eq!((s.budget_days, s.budget_kept_days), (3, 1));
        assert_eq!(
            s.for_you,
            Uptake {
                shown: 40,
                opened: 14
            }
        );
        assert_eq!(s.for_you.percent(), Some(35));
        assert_eq!(s.latest.percent(), Some(5));
        assert_eq!(s.break_digest.percent(), None);
        assert_eq!(s.read_anyway.len(), 1, "the one 30 days ago is outside");
        assert_eq!(since(now), now - 29 * DAY - 14 * 3_600);
        assert_eq!(first_day(now, &utc), date("2026-03-01"));
    }
}
