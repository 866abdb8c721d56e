//! Which views' data another connection changed: per-topic counters that triggers raise on
//! every write (see `sql/0009_change_counts.sql`; item inserts raise theirs once per
//! transaction, `sql/0016_*.sql`), read in one small query.

use super::{Result, Store};
use crate::model::Topic;

/// The counters as read at one moment; compare two readings to see which topics moved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeCounts(Vec<(Topic, i64)>);

impl ChangeCounts {
    /// Topics whose counter differs from `earlier` (all of them when `earlier` is empty).
    pub fn moved_since(&self, earlier: &ChangeCounts) -> Vec<Topic> {
        self.0
            .iter()
            .filter(|(topic, n)| !earlier.0.iter().any(|(t, m)| t == topic && m == n))
            .map(|(topic, _)| *topic)
            .collect()
    }
}

fn topic_named(name: &str) -> Option<Topic> {
    Some(match name {
        "Board" => Topic::Board,
        "TimeLog" => Topic::TimeLog,
        "Timer" => Topic::Timer,
        "Feeds" => Topic::Feeds,
        "Items" => Topic::Items,
        "ItemStates" => Topic::ItemStates,
        "Settings" => Topic::Settings,
        "Reading" => Topic::Reading,
        _ => return None,
    })
}

impl Store {
    /// The per-topic write counters now.
    pub fn change_counts(&self) -> Result<ChangeCounts> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT topic, n FROM change_counts ORDER BY topic")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        let mut counts = Vec::new();
        for row in rows {
            let (name, n) = row?;
            if let Some(topic) = topic_named(&name) {
                counts.push((topic, n));
            }
        }
        Ok(ChangeCounts(counts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_moves_its_topic_and_no_other() {
        let store = Store::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        let before = store.change_counts().unwrap_or_else(|e| panic!("{e}"));
        assert!(!before.0.is_empty());
        store
            .set_setting("focus_guard", "off")
            .unwrap_or_else(|e| panic!("{e}"));
        let after = store.change_counts().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(after.moved_since(&before), vec![Topic::Settings]);
        assert_eq!(after.moved_since(&after), Vec::<Topic>::new());
    }
}
