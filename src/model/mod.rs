//! Plain serde types shared across layers: the lowest layer, importing nothing of the crate.
//! What the store and the domain both need lives here (the board's cards and columns, the
//! timer's state and settings, For you's rules, the reading ledger, the export format), so
//! the store never imports the domain that imports it.

pub mod board;
pub mod export;
pub mod hash;
pub mod item_set;
pub mod reading;
pub mod rules;
pub mod stats;
pub mod timer;

pub use item_set::ItemSet;
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
