//! The time log as read for the focus figures; `focus::stats` turns it into days, a streak and
//! minutes per task.

use crate::model::{CardId, UnixTime};

/// What the store reads for the figures, in stored terms (instants, not local days).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FocusLog {
    /// `(ended_at, seconds, completed)` of each session that ended in the window asked for.
    pub recent: Vec<(UnixTime, i64, u32)>,
    /// When each completed session ended, over the whole log.
    pub pomodoro_ends: Vec<UnixTime>,
    /// Totals per task, most time first; `title` is `None` for no task or a deleted card.
    pub per_task: Vec<TaskTotal>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskTotal {
    pub card_id: Option<CardId>,
    pub title: Option<String>,
    pub seconds: i64,
    pub pomodoros: u32,
}

/// One day of the reading ledger, with the budget that stood that day (`None` before it was
/// noted, or without a budget: 0).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadingLogDay {
    pub date: chrono::NaiveDate,
    pub seconds: i64,
    /// Seconds granted beyond the budget ("a few more minutes").
    pub extra_seconds: i64,
    pub budget_minutes: Option<i64>,
}

/// The focus lock lifted: "Read anyway" during a focus session.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LockOverride {
    pub at: UnixTime,
    /// When the session it was lifted for began.
    pub session_start: Option<UnixTime>,
}

/// Items shown in one list (`view` as events name it) and how many of them were opened there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListUptake {
    pub view: String,
    pub shown: i64,
    pub opened: i64,
}
