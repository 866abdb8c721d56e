//! Durations, timer phases and dates as the UI's language writes them ("3 min" / "3 分钟",
//! "14 Nov 2023" / "2023年11月14日"); the formats live in the locale files.

use crate::focus::timer::Phase;
use chrono::{DateTime, NaiveDate, TimeZone};
use rust_i18n::t;

/// "25 min" / "25 分钟".
pub fn minutes(n: i64) -> String {
    t!("time.minutes", n = n).into_owned()
}

/// "3 h" / "3 小时", for ages.
pub fn hours(n: i64) -> String {
    t!("time.hours", n = n).into_owned()
}

/// "2 d" / "2 天", for ages.
pub fn days(n: i64) -> String {
    t!("time.days", n = n).into_owned()
}

/// A timer phase's name: "Focus", "Short break", "Long break".
pub fn phase(p: Phase) -> String {
    match p {
        Phase::Focus => t!("phase.focus"),
        Phase::ShortBreak => t!("phase.short_break"),
        Phase::LongBreak => t!("phase.long_break"),
    }
    .into_owned()
}

/// A calendar day with the locale's format under `key` ("date.day", "date.day_short", …).
pub fn day(date: NaiveDate, key: &str) -> String {
    date.format(&t!(key)).to_string()
}

/// A moment in `zone` with the locale's format under `key`.
pub fn moment<Z: TimeZone>(at: &DateTime<Z>, key: &str) -> String
where
    Z::Offset: std::fmt::Display,
{
    at.format(&t!(key)).to_string()
}
