//! Plain serde types shared across layers. Area-specific types live in their own modules;
//! only what several layers pass around belongs here.

use serde::{Deserialize, Serialize};

/// Row id of a feed in SQLite.
pub type FeedId = i64;
/// Row id of a feed item in SQLite.
pub type ItemId = i64;
/// Row id of a Kanban card (task) in SQLite.
pub type CardId = i64;
/// Row id of a Kanban column in SQLite.
pub type ColumnId = i64;

/// Seconds since the Unix epoch, UTC: how every time is stored in SQLite.
pub type UnixTime = i64;

/// What part of the stored state changed, so views reload only what they show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Topic {
    Board,
    TimeLog,
    Timer,
    Feeds,
    Items,
    /// Read or starred flags of items changed; no item was added or removed.
    ItemStates,
    Index,
    Ranking,
    Settings,
    /// The reading ledger (time read today, minutes granted beyond the budget).
    Reading,
}
