//! The order of the "For you" list. This one function is what the recommender replaces: until it
//! lands, For you is the unread items by recency.

use crate::model::{ItemId, UnixTime};
use crate::store::{Store, StoreError};

/// For you is a reading list, not an archive: a bounded number of items.
pub const FOR_YOU_LIMIT: usize = 1_000;

/// The items of "For you", best first. Items read since `keep_read_since` (when the user entered
/// the list) stay, so what was just read does not vanish under the cursor.
pub fn for_you_ids(
    store: &Store,
    _now: UnixTime,
    keep_read_since: UnixTime,
) -> Result<Vec<ItemId>, StoreError> {
    store.unread_ids_by_recency(FOR_YOU_LIMIT, keep_read_since)
}
