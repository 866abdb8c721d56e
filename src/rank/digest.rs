//! The break digest: how many For you items fit a break, and which of them, so that a short
//! break offers a few good reads from different feeds instead of the head of one feed.

use crate::model::{FeedId, ItemId};
use std::collections::HashSet;

/// Setting key: minutes of break per digest item, in tenths ("25" = 2.5 min); "0" turns the
/// digest off.
pub const SETTING_TENTHS_PER_ITEM: &str = "digest.tenths_of_minute_per_item";
/// About one item per 2½ minutes, plus one: a 5-minute break gets 3, a 15-minute one 7.
pub const DEFAULT_TENTHS_PER_ITEM: u32 = 25;
/// The choices Settings offers (0 = no digest).
pub const TENTHS_CHOICES: [u32; 4] = [0, 15, 25, 40];
/// Even a long break is a break: a digest never lists more.
pub const MAX_ITEMS: usize = 12;
/// How far down For you the digest looks for feeds it has not picked yet.
pub const CANDIDATES: usize = 200;

/// The stored pace: `None` when the digest is off; a missing or unreadable value is the default.
pub fn tenths_per_item(setting: Option<&str>) -> Option<u32> {
    let tenths = setting
        .and_then(|v| v.trim().parse::<u32>().ok())
        .unwrap_or(DEFAULT_TENTHS_PER_ITEM);
    (tenths > 0).then_some(tenths)
}

/// How many items a break of `break_seconds` gets at `tenths` tenths of a minute an item: the
/// first always fits, then one per pace.
pub fn size(break_seconds: i64, tenths: u32) -> usize {
    let minutes = break_seconds.max(0) as f64 / 60.0;
    let pace = f64::from(tenths.max(1)) / 10.0;
    let n = 1 + (minutes / pace).round() as usize;
    n.clamp(1, MAX_ITEMS)
}

/// The digest from For you's order (`ranked`, best first, each with its feed): the best item
/// of each feed first, in rank order, so no two from one feed lead; then, when there are fewer
/// feeds than places, the next best items whatever their feed.
pub fn pick(ranked: &[(ItemId, FeedId)], n: usize) -> Vec<ItemId> {
    let mut feeds = HashSet::new();
    let mut out: Vec<ItemId> = ranked
        .iter()
        .filter(|(_, feed)| feeds.insert(*feed))
        .map(|(id, _)| *id)
        .take(n)
        .collect();
    if out.len() < n {
        let chosen: HashSet<ItemId> = out.iter().copied().collect();
        let rest = ranked
            .iter()
            .map(|(id, _)| *id)
            .filter(|id| !chosen.contains(id));
        out.extend(rest.take(n - out.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_five_minute_break_gets_three_items_and_a_fifteen_minute_one_seven() {
        assert_eq!(size(5 * 60, DEFAULT_TENTHS_PER_ITEM), 3);
        assert_eq!(size(15 * 60, DEFAULT_TENTHS_PER_ITEM), 7);
        assert_eq!(size(10 * 60, DEFAULT_TENTHS_PER_ITEM), 5);
        assert_eq!(size(60, DEFAULT_TENTHS_PER_ITEM), 1);
        assert_eq!(size(90 * 60, DEFAULT_TENTHS_PER_ITEM), MAX_ITEMS);
        // A faster pace gives more, a slower one fewer.
        assert_eq!(size(15 * 60, 15), 11);
        assert_eq!(size(15 * 60, 40), 5);
    }

    #[test]
    fn the_setting_is_read_tolerantly_and_zero_turns_the_digest_off() {
        assert_eq!(tenths_per_item(None), Some(DEFAULT_TENTHS_PER_ITEM));
        assert_eq!(
            tenths_per_item(Some("nonsense")),
            Some(DEFAULT_TENTHS_PER_ITEM)
        );
        assert_eq!(tenths_per_item(Some("40")), Some(40));
        assert_eq!(tenths_per_item(Some("0")), None);
    }

    #[test]
    fn no_two_from_one_feed_lead_and_the_rest_fill_in_rank_order() {
        // Feed 1 holds the three best; feeds 2 and 3 one each further down.
        let ranked = [(10, 1), (11, 1), (12, 1), (20, 2), (13, 1), (30, 3)];
        assert_eq!(pick(&ranked, 3), vec![10, 20, 30]);
        assert_eq!(pick(&ranked, 5), vec![10, 20, 30, 11, 12]);
        assert_eq!(pick(&ranked, 10).len(), 6);
        assert!(pick(&[], 3).is_empty());
    }
}
