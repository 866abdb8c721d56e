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
