//! The reading ledger as stored: a day's seconds read and granted, and the budget setting. The
//! meter and the budget's arithmetic are `focus::reading`.

use serde::{Deserialize, Serialize};

/// The setting that holds the budget in minutes; missing or 0 means no budget.
pub const BUDGET_KEY: &str = "reader.daily_budget_minutes";

/// One day's reading as stored: seconds read and seconds granted beyond the budget.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadingDay {
    pub seconds: i64,
    pub extra_seconds: i64,
}

/// Parses the stored budget; anything unreadable or negative is no budget.
pub fn parse_budget(value: Option<&str>) -> i64 {
    value
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|m| *m > 0)
        .unwrap_or(0)
}
