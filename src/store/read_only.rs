//! A read-only handle on the database for the window's views: the queries they draw from and
//! nothing else, on a connection SQLite itself refuses to write through. Every write goes to the
//! writer thread as a command; this type makes that a rule the compiler keeps.

use super::rank::{ModelRow, RankListRow};
use super::reader::{Article, ListQuery, ListRow, SidebarFeed, SidebarFolder, Totals};
use super::{Result, Store};
use crate::model::board::{Board, Card};
use crate::model::reading::ReadingDay;
use crate::model::rules::Rule;
use crate::model::stats::{FocusLog, ListUptake, LockOverride, ReadingLogDay};
use crate::model::timer::{Timer, TimerConfig};
use crate::model::{CardId, FeedId, ItemId, UnixTime};
use chrono::NaiveDate;
use std::collections::HashSet;
use std::path::Path;

pub struct ReadStore(Store);

/// Forwards each listed query to the store: the list is the whole surface views may use.
macro_rules! reads {
    ($( $(#[$doc:meta])* fn $name:ident(&self $(, $arg:ident: $ty:ty)*) -> $ret:ty; )*) => {
        impl ReadStore {
            $(
                $(#[$doc])*
                pub fn $name(&self $(, $arg: $ty)*) -> Result<$ret> {
                    self.0.$name($($arg),*)
                }
            )*
        }
    };
}

impl ReadStore {
    /// Opens the database (bringing its schema up to date, as any connection does) and then
    /// makes this connection query-only: a write through it fails with an error, never lands.
    pub fn open(path: &Path) -> Result<Self> {
        Self::read_only(Store::open(path)?)
    }

    /// Makes `store`'s connection query-only (tests hand in-memory stores this way).
    pub fn read_only(store: Store) -> Result<Self> {
        store.conn().pragma_update(None, "query_only", "ON")?;
        Ok(Self(store))
    }
}

impl super::ReadSetting for ReadStore {
    fn setting(&self, key: &str) -> Result<Option<String>> {
        self.0.setting(key)
    }
}

reads! {
    fn setting(&self, key: &str) -> Option<String>;
    fn board(&self) -> Board;
    fn card(&self, id: CardId) -> Card;
    fn archived_cards(&self) -> Vec<Card>;
    fn timer(&self) -> Timer;
    fn timer_config(&self) -> TimerConfig;
    fn focus_log(&self, since: UnixTime) -> FocusLog;
    fn reading_day(&self, day: NaiveDate) -> ReadingDay;
    fn reading_budget_minutes(&self) -> i64;
    fn list_item_ids(&self, q: &ListQuery) -> Vec<ItemId>;
    fn list_rows(&self, ids: &[ItemId]) -> Vec<ListRow>;
    fn article(&self, id: ItemId) -> Option<Article>;
    fn unread_ids_by_recency(&self, limit: usize, keep_read_since: UnixTime) -> Vec<ItemId>;
    fn read_since(&self, ids: &[ItemId], since: UnixTime) -> HashSet<ItemId>;
    fn sidebar_feeds(&self) -> Vec<SidebarFeed>;
    fn sidebar_folders(&self) -> Vec<SidebarFolder>;
    fn item_totals(&self) -> Totals;
    fn ranked_for_you_ids(&self, keep_read_since: UnixTime, limit: usize) -> Option<Vec<ItemId>>;
    fn rank_list(&self) -> Vec<RankListRow>;
    fn digest_candidates(&self, limit: usize) -> Vec<(ItemId, FeedId)>;
    fn reading_log(&self, first: NaiveDate, last: NaiveDate) -> Vec<ReadingLogDay>;
    fn overrides_since(&self, since: UnixTime) -> Vec<LockOverride>;
    fn list_uptake(&self, since: UnixTime) -> Vec<ListUptake>;
    fn rank_rules(&self) -> Vec<Rule>;
    fn rank_model(&self) -> Option<ModelRow>;
    fn data_version(&self) -> i64;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_work_and_writes_are_refused() {
        let store = Store::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        store
            .set_setting("k", "v")
            .unwrap_or_else(|e| panic!("{e}"));
        let read = ReadStore::read_only(store).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read.setting("k").ok().flatten().as_deref(), Some("v"));
        // The wrapper has no write method; the connection under it refuses one too.
        assert!(read.0.set_setting("k", "w").is_err());
        assert_eq!(read.setting("k").ok().flatten().as_deref(), Some("v"));
    }
}
