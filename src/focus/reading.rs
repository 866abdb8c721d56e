//! The daily reading budget: how much reading time a day allows, and a meter that counts the
//! time the reader is actually in use (on screen, window focused, not idle). Time is passed in.

use crate::model::UnixTime;
pub use crate::model::reading::{BUDGET_KEY, ReadingDay, parse_budget};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The budgets Settings offers, in minutes (0 = none).
pub const BUDGET_CHOICES: [i64; 7] = [0, 15, 30, 45, 60, 90, 120];

/// What one "more minutes" grant adds once the budget is spent.
pub const EXTENSION_SECS: i64 = 5 * 60;

/// Reading an article with no input for this long still counts; past it the reader is taken
/// to be left open and unattended, and the meter stops until the next input.
pub const IDLE_AFTER_SECS: i64 = 3 * 60;

/// Today's standing against the budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetStatus {
    /// `None` when no budget is set.
    pub budget_secs: Option<i64>,
    pub spent_secs: i64,
    pub extra_secs: i64,
}

impl BudgetStatus {
    pub fn new(budget_minutes: i64, day: ReadingDay) -> Self {
        Self {
            budget_secs: (budget_minutes > 0).then_some(budget_minutes * 60),
            spent_secs: day.seconds,
            extra_secs: day.extra_seconds,
        }
    }

    /// Seconds left today, counting what was granted beyond the budget; `None` without a budget.
    pub fn remaining_secs(&self) -> Option<i64> {
        self.budget_secs
            .map(|b| (b + self.extra_secs - self.spent_secs).max(0))
    }

    pub fn is_spent(&self) -> bool {
        self.remaining_secs() == Some(0)
    }

    /// Whole minutes read (rounded down, as a person counts minutes they have used).
    pub fn read_minutes(&self) -> i64 {
        self.spent_secs / 60
    }

    /// Whole minutes today allows, the budget and what was granted beyond it; `None` without a
    /// budget.
    pub fn allowed_minutes(&self) -> Option<i64> {
        self.budget_secs.map(|b| (b + self.extra_secs) / 60)
    }

    /// "12 of 30 min read today".
    pub fn summary(&self) -> Option<String> {
        let allowed = self.allowed_minutes()?;
        Some(format!(
            "{} of {allowed} min read today",
            self.read_minutes()
        ))
    }
}

/// Counts reading time from frames. A frame says whether the reader was in use and whether the
/// user gave any input; the time between frames counts when the reader was in use and the last
/// input is at most `IDLE_AFTER_SECS` old. Frames may be far apart (egui draws on input only),
/// so the idle limit is applied to the interval, not per frame.
#[derive(Debug, Default, Clone)]
pub struct ReadingMeter {
    /// The last frame's time in milliseconds, when the reader was in use then.
    last_frame_ms: Option<i64>,
    last_input_ms: i64,
    /// Counted milliseconds not yet handed out as whole seconds.
    carry_ms: i64,
}

impl ReadingMeter {
    /// Accounts for the time since the last frame; returns the whole seconds read meanwhile.
    pub fn frame(&mut self, now_ms: i64, in_use: bool, had_input: bool) -> i64 {
        let mut counted = 0;
        if let Some(last) = self.last_frame_ms {
            let attended_until = (self.last_input_ms + IDLE_AFTER_SECS * 1000).min(now_ms);
            counted = (attended_until - last).max(0);
        }
        if had_input {
            self.last_input_ms = now_ms;
        }
        if in_use {
            // Coming back to the reader counts as attention: the user just chose to look.
            if self.last_frame_ms.is_none() {
                self.last_input_ms = self.last_input_ms.max(now_ms);
            }
            self.last_frame_ms = Some(now_ms);
        } else {
            self.last_frame_ms = None;
        }
        self.carry_ms += counted;
        let secs = self.carry_ms / 1000;
        self.carry_ms %= 1000;
        secs
    }

    /// Milliseconds until the meter stops counting for want of input, from `now_ms`.
    pub fn attended_for_ms(&self, now_ms: i64) -> i64 {
        (self.last_input_ms + IDLE_AFTER_SECS * 1000 - now_ms).max(0)
    }
}

/// The local calendar day at `t` (the budget resets at local midnight).
pub fn local_day(t: UnixTime) -> NaiveDate {
    super::stats::day_of(t, super::stats::local_offset(t))
}

/// Seconds from `t` to the next local midnight, when the budget starts again; at least one.
pub fn secs_to_next_local_day(t: UnixTime) -> i64 {
    secs_to_next_day(t, super::stats::local_offset(t))
}

fn secs_to_next_day(t: UnixTime, utc_offset: i64) -> i64 {
    const DAY: i64 = 86_400;
    DAY - (t + utc_offset).rem_euclid(DAY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_day_starts_at_local_midnight() {
        // 2026-11-30 22:30 UTC.
        let t = 1_796_077_800;
        assert_eq!(secs_to_next_day(t, 0), 90 * 60);
        // UTC+2: it is already 00:30 on the 1st, so the next midnight is 23.5 h away.
        assert_eq!(secs_to_next_day(t, 2 * 3600), 23 * 3600 + 30 * 60);
        // UTC-5: 17:30, six and a half hours to go.
        assert_eq!(secs_to_next_day(t, -5 * 3600), 6 * 3600 + 30 * 60);
        // At midnight itself the next one is a whole day away.
        assert_eq!(secs_to_next_day(t + 90 * 60, 0), 86_400);
    }

    const S: i64 = 1000;

    #[test]
    fn time_in_use_counts_between_frames() {
        let mut m = ReadingMeter::default();
        assert_eq!(m.frame(0, true, true), 0);
        assert_eq!(m.frame(10 * S, true, false), 10);
        assert_eq!(m.frame(25 * S, true, true), 15);
    }

    #[test]
    fn fractions_of_a_second_add_up() {
        let mut m = ReadingMeter::default();
        m.frame(0, true, true);
        let total: i64 = (1..=10).map(|i| m.frame(i * 300, true, false)).sum();
        assert_eq!(total, 3);
    }

    #[test]
    fn time_away_from_the_reader_does_not_count() {
        let mut m = ReadingMeter::default();
        m.frame(0, true, true);
        assert_eq!(
            m.frame(5 * S, false, true),
            5,
            "up to the frame it was left"
        );
        assert_eq!(m.frame(60 * S, false, true), 0);
        assert_eq!(
            m.frame(100 * S, true, false),
            0,
            "coming back starts afresh"
        );
        assert_eq!(m.frame(130 * S, true, false), 30);
    }

    #[test]
    fn an_unattended_reader_stops_counting_until_the_next_input() {
        let mut m = ReadingMeter::default();
        m.frame(0, true, true);
        // One frame an hour later: only the idle allowance after the last input counts.
        assert_eq!(m.frame(3600 * S, true, false), IDLE_AFTER_SECS);
        assert_eq!(m.frame(3700 * S, true, false), 0);
        // Input wakes it; the hour in between stays uncounted.
        assert_eq!(m.frame(3800 * S, true, true), 0);
        assert_eq!(m.frame(3810 * S, true, false), 10);
    }

    #[test]
    fn a_clock_that_jumps_back_counts_nothing() {
        let mut m = ReadingMeter::default();
        m.frame(100 * S, true, true);
        assert_eq!(m.frame(40 * S, true, true), 0);
        assert_eq!(m.frame(50 * S, true, false), 10);
    }

    #[test]
    fn the_budget_counts_grants_and_never_goes_below_zero() {
        let day = ReadingDay {
            seconds: 29 * 60,
            extra_seconds: 0,
        };
        let s = BudgetStatus::new(30, day);
        assert_eq!(s.remaining_secs(), Some(60));
        assert!(!s.is_spent());
        assert_eq!(s.summary().as_deref(), Some("29 of 30 min read today"));
        let spent = BudgetStatus::new(
            30,
            ReadingDay {
                seconds: 40 * 60,
                extra_seconds: 0,
            },
        );
        assert_eq!(spent.remaining_secs(), Some(0));
        assert!(spent.is_spent());
        let granted = BudgetStatus::new(
            30,
            ReadingDay {
                seconds: 31 * 60,
                extra_seconds: EXTENSION_SECS,
            },
        );
        assert_eq!(granted.remaining_secs(), Some(4 * 60));
        assert_eq!(
            granted.summary().as_deref(),
            Some("31 of 35 min read today")
        );
    }

    #[test]
    fn no_budget_is_never_spent() {
        let s = BudgetStatus::new(0, ReadingDay::default());
        assert_eq!(s.remaining_secs(), None);
        assert!(!s.is_spent());
        assert_eq!(s.summary(), None);
        assert_eq!(parse_budget(Some("45")), 45);
        assert_eq!(parse_budget(Some("-5")), 0);
        assert_eq!(parse_budget(Some("soon")), 0);
        assert_eq!(parse_budget(None), 0);
    }
}
