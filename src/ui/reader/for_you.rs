//! The order of the "For you" list: the recommender's last ranking (computed on the worker and
//! stored in `rank_list`), then items that arrived after it, and a rule that keeps the list
//! still while it is being read.

use crate::model::{ItemId, UnixTime};
use crate::store::{ReadStore, StoreError};
use std::collections::HashSet;

/// For you is a reading list, not an archive: a bounded number of items.
pub const FOR_YOU_LIMIT: usize = 1_000;

/// The items of "For you", best first. Before the first ranking exists it is the unread items,
/// newest first. Items read since `keep_read_since` (when the user entered the list) stay.
///
/// `shown` is the list on screen when this is a reload inside For you (new items fetched, an
/// item read): those items keep their places, so nothing moves under the cursor, and items new
/// to the list follow them in ranked order. A new ranking reorders the list only when the list
/// is entered afresh (`shown` empty).
pub fn for_you_ids(
    store: &ReadStore,
    keep_read_since: UnixTime,
    shown: &[ItemId],
) -> Result<Vec<ItemId>, StoreError> {
    let ranked = match store.ranked_for_you_ids(keep_read_since, FOR_YOU_LIMIT)? {
        Some(ids) => ids,
        None => store.unread_ids_by_recency(FOR_YOU_LIMIT, keep_read_since)?,
    };
    if shown.is_empty() {
        return Ok(ranked);
    }
    // A newer ranking leaves out what was read meanwhile; it stays on screen all the same.
    let just_read = store.read_since(shown, keep_read_since)?;
    Ok(keep_places(shown, &just_read, ranked))
}

/// `shown` items keep their order while they are still ranked, or were read since the list was
/// entered; the rest of `ranked` follows. An unread item the new ranking left out (a rule now
/// mutes it) goes.
fn keep_places(shown: &[ItemId], just_read: &HashSet<ItemId>, ranked: Vec<ItemId>) -> Vec<ItemId> {
    let in_ranking: HashSet<ItemId> = ranked.iter().copied().collect();
    let mut out: Vec<ItemId> = shown
        .iter()
        .copied()
        .filter(|id| in_ranking.contains(id) || just_read.contains(id))
        .collect();
    let kept: HashSet<ItemId> = out.iter().copied().collect();
    out.extend(ranked.into_iter().filter(|id| !kept.contains(id)));
    out.truncate(FOR_YOU_LIMIT);
    out
}

#[cfg(test)]
mod tests {
    use super::keep_places;

    #[test]
    fn a_reload_keeps_what_is_shown_in_place_and_adds_new_items_after() {
        // On screen: 3, 1, 4, 2, 6. The new ranking is 5, 2, 1: 4 was read since entering, so it
        // stays where it was; 3 was marked read before (gone); 6 is unread but left out, muted.
        let just_read = [4].into_iter().collect();
        assert_eq!(
            keep_places(&[3, 1, 4, 2, 6], &just_read, vec![5, 2, 1]),
            vec![1, 4, 2, 5]
        );
    }
}
