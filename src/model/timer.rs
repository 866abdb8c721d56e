//! The Pomodoro timer's state and settings as stored (JSON in SQLite) and exported; the state
//! machine that moves them is `focus::timer`.

use crate::model::{CardId, UnixTime};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    #[default]
    Focus,
    ShortBreak,
    LongBreak,
}

/// Lengths and behaviour of the timer; persisted as one settings value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TimerConfig {
    pub focus_minutes: u32,
    pub short_break_minutes: u32,
    pub long_break_minutes: u32,
    /// A long break after this many completed focus sessions.
    pub long_break_every: u32,
    pub auto_start_breaks: bool,
    pub auto_start_focus: bool,
    /// Desktop notification at each transition.
    pub notify: bool,
    /// A short sound at each transition.
    pub sound: bool,
}

impl Default for TimerConfig {
    fn default() -> Self {
        Self {
            focus_minutes: 25,
            short_break_minutes: 5,
            long_break_minutes: 15,
            long_break_every: 4,
            auto_start_breaks: false,
            auto_start_focus: false,
            notify: true,
            sound: true,
        }
    }
}

/// Whether the current phase is counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Run {
    #[default]
    Idle,
    /// Counting since `segment_start` (the last start or resume), done at `ends_at`.
    Running {
        segment_start: UnixTime,
        ends_at: UnixTime,
    },
    Paused {
        remaining: i64,
    },
}

/// A focus session to write into the time log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FocusSession {
    pub task: Option<CardId>,
    pub started_at: UnixTime,
    pub ended_at: UnixTime,
    /// Focused seconds, pauses excluded.
    pub seconds: i64,
    /// Ran to the end (counts as a pomodoro) rather than skipped or reset.
    pub completed: bool,
}

/// The whole timer; serialised as JSON into SQLite after every change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Timer {
    pub phase: Phase,
    pub run: Run,
    /// Focus sessions completed since the last long break.
    pub completed_in_cycle: u32,
    /// The task the focus session runs on (kept across breaks as the next session's task).
    pub task: Option<CardId>,
    /// When the current focus session began (for the time log).
    pub session_start: Option<UnixTime>,
    /// Focused seconds of the current session before its last pause.
    pub banked: i64,
    /// The latest `now` seen. A smaller `now` later means the clock went backwards.
    pub last_seen: UnixTime,
}
