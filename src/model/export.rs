//! The board export's file format: what the store writes out and reads back, and what
//! `focus::export` checks.

use crate::model::board::{Card, Column};
use crate::model::timer::TimerConfig;
use crate::model::{CardId, UnixTime};
use serde::{Deserialize, Serialize};

pub const EXPORT_FORMAT: &str = "focusfeed-board";
pub const EXPORT_VERSION: u32 = 1;

/// One row of the time log: a focus session (or the part of one spent on a task).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeEntry {
    pub id: i64,
    pub card_id: Option<CardId>,
    pub started_at: UnixTime,
    pub ended_at: UnixTime,
    pub seconds: i64,
    pub completed: bool,
}

/// Everything the Focus side stores, archived cards included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardExport {
    pub format: String,
    pub version: u32,
    pub columns: Vec<Column>,
    pub cards: Vec<Card>,
    pub time_log: Vec<TimeEntry>,
    #[serde(default)]
    pub timer: Option<TimerConfig>,
}
