//! A set of item ids as a search filter holds it (the unread items). SQLite hands out item ids
//! in order, so the ids of a million items span about a million numbers and fit a bitmap of
//! 125 KB that stays in the processor's cache; a hash set of them is 16 MB, and each lookup was
//! a cache miss: the unread filter took more time than the search it filtered (for "the" in
//! one feed at a million items, 20,000 lookups). Ids spread too thinly for a bitmap are kept
//! sorted instead.

use super::ItemId;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemSet {
    len: usize,
    kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    /// Bit `i` is set when `first + i` is in the set.
    Bits {
        first: ItemId,
        words: Vec<u64>,
    },
    Sorted(Vec<ItemId>),
}

impl Default for Kind {
    fn default() -> Self {
        Kind::Sorted(Vec::new())
    }
}

impl ItemSet {
    pub fn contains(&self, id: ItemId) -> bool {
        match &self.kind {
            Kind::Bits { first, words } => {
                let Some(at) = id.checked_sub(*first).and_then(|d| u64::try_from(d).ok()) else {
                    return false;
                };
                usize::try_from(at / 64)
                    .ok()
                    .and_then(|w| words.get(w))
                    .is_some_and(|word| word & (1 << (at % 64)) != 0)
            }
            Kind::Sorted(ids) => ids.binary_search(&id).is_ok(),
        }
    }

    /// The ids, smallest first.
    pub fn iter(&self) -> Box<dyn Iterator<Item = ItemId> + '_> {
        match &self.kind {
            Kind::Bits { first, words } => {
                Box::new(words.iter().enumerate().flat_map(move |(w, &word)| {
                    let base = first.saturating_add(w as ItemId * 64);
                    (0..64)
                        .filter(move |bit| word & (1 << bit) != 0)
                        .map(move |bit| base.saturating_add(bit))
                }))
            }
            Kind::Sorted(ids) => Box::new(ids.iter().copied()),
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl FromIterator<ItemId> for ItemSet {
    fn from_iter<I: IntoIterator<Item = ItemId>>(ids: I) -> Self {
        let mut ids: Vec<ItemId> = ids.into_iter().collect();
        ids.sort_unstable();
        ids.dedup();
        let len = ids.len();
        let (Some(&first), Some(&last)) = (ids.first(), ids.last()) else {
            return Self::default();
        };
        // A bitmap when it is no bigger than the sorted ids would be (64 bits each).
        let span = u64::try_from(i128::from(last) - i128::from(first) + 1).unwrap_or(u64::MAX);
        if span / 64 > len as u64 {
            return Self {
                len,
                kind: Kind::Sorted(ids),
            };
        }
        let mut words = vec![0u64; usize::try_from(span.div_ceil(64)).unwrap_or(0)];
        for id in ids {
            let at = id.abs_diff(first);
            if let Some(word) = usize::try_from(at / 64).ok().and_then(|w| words.get_mut(w)) {
                *word |= 1 << (at % 64);
            }
        }
        Self {
            len,
            kind: Kind::Bits { first, words },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn agrees_with_a_hash_set(ids: &[ItemId], probes: impl Iterator<Item = ItemId>) {
        let set: ItemSet = ids.iter().copied().collect();
        let want: HashSet<ItemId> = ids.iter().copied().collect();
        assert_eq!(set.len(), want.len());
        let mut sorted: Vec<ItemId> = want.iter().copied().collect();
        sorted.sort_unstable();
        assert_eq!(set.iter().collect::<Vec<_>>(), sorted);
        for id in probes {
            assert_eq!(set.contains(id), want.contains(&id), "{id}");
        }
    }

    #[test]
    fn dense_ids_are_a_bitmap_and_answer_as_a_hash_set_does() {
        let ids: Vec<ItemId> = (1..=10_000).filter(|i| i % 3 != 0).collect();
        let set: ItemSet = ids.iter().copied().collect();
        assert!(matches!(set.kind, Kind::Bits { .. }));
        agrees_with_a_hash_set(&ids, -70..10_100);
        // Unordered, repeated and negative ids.
        agrees_with_a_hash_set(&[5, -3, 5, 64, 63, 0, -3, 127, 128], -200..300);
    }

    #[test]
    fn sparse_ids_are_kept_sorted_and_extremes_do_not_overflow() {
        let ids = [1, 1_000_000_000, ItemId::MAX, ItemId::MIN, 42];
        let set: ItemSet = ids.iter().copied().collect();
        assert!(matches!(set.kind, Kind::Sorted(_)));
        agrees_with_a_hash_set(
            &ids,
            [
                0,
                1,
                2,
                41,
                42,
                999_999_999,
                1_000_000_000,
                ItemId::MAX,
                ItemId::MIN,
                -1,
            ]
            .into_iter(),
        );
    }

    #[test]
    fn an_empty_set_holds_nothing() {
        let set: ItemSet = std::iter::empty().collect();
        assert!(set.is_empty());
        assert!(!set.contains(0));
        assert!(!set.contains(ItemId::MIN));
    }
}
