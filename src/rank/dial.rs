//! The diversity dial: five steps from "more of what I like" to "show me more outside it". Each
//! step sets the MMR weight, how many exploration slots the list gets, and how many of the top
//! 20 one feed may fill; [`diversify`] orders a scored list by them. The eval measures every
//! step (`docs/recommender.md`), and the default is chosen from that table.

use super::corpus::Slot;
use super::embed::dot;
use super::model::World;

/// The list's head, where the per-feed cap applies: what a reader sees without scrolling far.
pub const CAPPED_TOP: usize = 20;

/// One step of the dial.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DialStep {
    /// MMR trade-off: 1 = pure score, lower = more weight on being unlike what is above.
    pub mmr_lambda: f32,
    /// Positions (0-based) given to exploration, when the list is long enough.
    pub explore_positions: &'static [usize],
    /// Most items one feed may hold in the top [`CAPPED_TOP`] (unless nothing else is left).
    pub feed_cap: usize,
}

/// The steps, least diverse first.
pub const STEPS: [DialStep; 5] = [
    DialStep {
        mmr_lambda: 1.0,
        explore_positions: &[],
        feed_cap: CAPPED_TOP,
    },
    DialStep {
        mmr_lambda: 0.9,
        explore_positions: &[9],
        feed_cap: 6,
    },
    DialStep {
        mmr_lambda: 0.75,
        explore_positions: &[4, 11],
        feed_cap: 5,
    },
    DialStep {
        mmr_lambda: 0.6,
        explore_positions: &[4, 8, 13],
        feed_cap: 4,
    },
    DialStep {
        mmr_lambda: 0.45,
        explore_positions: &[3, 6, 9, 14],
        feed_cap: 3,
    },
];

/// The step a new user gets: the most diverse one whose AUC on mind-bbc is within 0.01 of the
/// least diverse step's (see the table in `docs/recommender.md`).
pub const DEFAULT_STEP: usize = 1;

/// A stored step number, clamped to the dial (a bad or missing value is the default).
pub fn step_from_setting(value: Option<&str>) -> usize {
    value
        .and_then(|v| v.trim().parse::<usize>().ok())
        .map_or(DEFAULT_STEP, |s| s.min(STEPS.len() - 1))
}

/// One place in a diversified list: an index into the pool, and whether exploration put it
/// there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pick {
    pub index: usize,
    pub explored: bool,
}

/// Orders `pool` (slots best first by score) into at most `limit` picks. Items with `lead[i]`
/// (a rule likes them) come first whatever the dial says. The rest are picked by MMR on the
/// score's rank against embedding similarity to what is already picked, a feed holding at most
/// `feed_cap` of the top [`CAPPED_TOP`] while another feed has an item left. Then each
/// exploration position takes the best-placed item, among those below it, from the feeds the
/// user was shown least (`shows` of a slot's feed).
pub fn diversify(
    world: World<'_>,
    pool: &[Slot],
    lead: &[bool],
    step: &DialStep,
    limit: usize,
    shows: &dyn Fn(Slot) -> f32,
) -> Vec<Pick> {
    let n = pool.len();
    let want = limit.min(n);
    let rel: Vec<f32> = (0..n).map(|i| 1.0 - i as f32 / n.max(1) as f32).collect();
    let mut picked: Vec<usize> = Vec::with_capacity(want);
    let mut used = vec![false; n];
    let mut max_sim = vec![0.0f32; n];
    let mut per_feed: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
    let lambda = step.mmr_lambda;
    let feed = |i: usize| world.corpus.feed[pool[i]];
    while picked.len() < want {
        let capped = picked.len() < CAPPED_TOP;
        let open = |i: usize| {
            !used[i] && (!capped || per_feed.get(&feed(i)).copied().unwrap_or(0) < step.feed_cap)
        };
        let mmr = |i: usize| lambda * rel[i] - (1.0 - lambda) * max_sim[i];
        let best_of = |ok: &dyn Fn(usize) -> bool| {
            (0..n)
                .filter(|&i| ok(i))
                .max_by(|&a, &b| mmr(a).total_cmp(&mmr(b)).then(b.cmp(&a)))
        };
        // Rule-liked items keep their lead; the cap and diversity apply among the rest.
        let Some(best) = (0..n)
            .find(|&i| !used[i] && lead.get(i).copied().unwrap_or(false))
            .or_else(|| best_of(&open))
            .or_else(|| best_of(&|i| !used[i]))
        else {
            break;
        };
        used[best] = true;
        picked.push(best);
        *per_feed.entry(feed(best)).or_insert(0) += 1;
        if lambda < 1.0 {
            let v = world.emb.vector(pool[best]);
            for i in 0..n {
                if !used[i] {
                    max_sim[i] = max_sim[i].max(dot(v, world.emb.vector(pool[i])));
                }
            }
        }
    }
    let mut out: Vec<Pick> = picked
        .into_iter()
        .map(|index| Pick {
            index,
            explored: false,
        })
        .collect();
    // Exploration: an item from the feeds the user was shown least, from below the slot (or
    // beyond the list), moved up to it. A feed already explored in this list counts as shown a
    // lot, so the slots reach different feeds while there are any.
    let mut explored_feeds: Vec<u32> = Vec::new();
    let rarity = |i: usize, explored_feeds: &[u32]| {
        let again = if explored_feeds.contains(&feed(i)) {
            1e6
        } else {
            0.0
        };
        shows(pool[i]) + again
    };
    for &pos in step.explore_positions {
        if pos >= out.len() || pos + 1 >= limit {
            continue;
        }
        let below: Vec<usize> = out[pos..]
            .iter()
            .filter(|p| !p.explored && !lead.get(p.index).copied().unwrap_or(false))
            .map(|p| p.index)
            .chain((0..n).filter(|&i| !used[i]))
            .collect();
        let least = below
            .iter()
            .map(|&i| rarity(i, &explored_feeds))
            .fold(f32::MAX, f32::min);
        let fresh: Vec<usize> = below
            .into_iter()
            .filter(|&i| rarity(i, &explored_feeds) <= least + 1.0)
            .collect();
        if fresh.is_empty() {
            break;
        }
        // The best-placed of them: exploring need not mean the worst item of a rare feed.
        let choice = fresh[0];
        explored_feeds.push(feed(choice));
        out.retain(|p| p.index != choice);
        used[choice] = true;
        out.insert(
            pos,
            Pick {
                index: choice,
                explored: true,
            },
        );
        out.truncate(limit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rank::corpus::{Corpus, ItemDoc};
    use crate::rank::embed::embed;
    use std::collections::HashSet;

    /// 60 items in six feeds; feed 0's items (slots 0..30) all score above the rest, as they
    /// would for a reader who only opens feed 0.
    fn corpus() -> Corpus {
        let docs: Vec<ItemDoc> = (0..60)
            .map(|i| {
                let feed = if i < 30 { 0 } else { 1 + i % 5 };
                ItemDoc {
                    id: i,
                    feed: format!("feed{feed}"),
                    feed_name: String::new(),
                    author: None,
                    domain: None,
                    published: i,
                    terms: vec![
                        (format!("topic{}", feed), 1.0),
                        (format!("word{}", i % 7), 0.5),
                    ],
                    title: String::new(),
                }
            })
            .collect();
        Corpus::build(&docs)
    }

    /// [`corpus`] with its item vectors.
    fn corpus_and_vectors() -> (Corpus, crate::rank::embed::Embeddings) {
        let c = corpus();
        let e = embed(&c, 6, 1);
        (c, e)
    }

    #[test]
    fn the_dial_changes_how_many_feeds_fill_the_top_ten() {
        let (c, e) = corpus_and_vectors();
        let world = World {
            corpus: &c,
            emb: &e,
        };
        let pool: Vec<Slot> = (0..c.len()).collect();
        let shows = |s: Slot| if c.feed[s] == c.feed[0] { 50.0 } else { 0.0 };
        let feeds_in_top_ten = |step: &DialStep| {
            let picks = diversify(world, &pool, &[], step, 20, &shows);
            assert_eq!(picks.len(), 20);
            let distinct: HashSet<Slot> = picks.iter().map(|p| pool[p.index]).collect();
            assert_eq!(distinct.len(), 20, "no item twice");
            picks[..10]
                .iter()
                .map(|p| c.feed[pool[p.index]])
                .collect::<HashSet<_>>()
                .len()
        };
        let counts: Vec<usize> = STEPS.iter().map(feeds_in_top_ten).collect();
        assert_eq!(counts[0], 1, "pure score: feed 0 fills the top ten");
        assert!(counts.windows(2).all(|w| w[0] <= w[1]), "{counts:?}");
        assert!(counts[4] >= 4, "{counts:?}");
    }

    #[test]
    fn exploration_slots_reach_different_rarely_shown_feeds() {
        let (c, e) = corpus_and_vectors();
        let world = World {
            corpus: &c,
            emb: &e,
        };
        let pool: Vec<Slot> = (0..c.len()).collect();
        let shows = |s: Slot| if c.feed[s] == c.feed[0] { 50.0 } else { 0.0 };
        let widest = &STEPS[STEPS.len() - 1];
        let picks = diversify(world, &pool, &[], widest, 20, &shows);
        let explored: Vec<u32> = picks
            .iter()
            .filter(|p| p.explored)
            .map(|p| c.feed[pool[p.index]])
            .collect();
        assert_eq!(explored.len(), widest.explore_positions.len());
        let distinct: HashSet<u32> = explored.iter().copied().collect();
        assert_eq!(distinct.len(), explored.len(), "{explored:?}");
        assert!(!distinct.contains(&c.feed[0]), "not the feed shown most");
    }

    #[test]
    fn a_liked_item_leads_at_every_step() {
        let (c, e) = corpus_and_vectors();
        let world = World {
            corpus: &c,
            emb: &e,
        };
        let pool: Vec<Slot> = (0..c.len()).collect();
        let mut lead = vec![false; 60];
        lead[45] = true;
        for step in &STEPS {
            let picks = diversify(world, &pool, &lead, step, 10, &|_| 0.0);
            assert_eq!(pool[picks[0].index], 45);
            assert!(!picks[0].explored);
        }
    }

    #[test]
    fn a_stored_step_is_read_within_the_dial() {
        assert_eq!(step_from_setting(None), DEFAULT_STEP);
        assert_eq!(step_from_setting(Some("x")), DEFAULT_STEP);
        assert_eq!(step_from_setting(Some("3")), 3);
        assert_eq!(step_from_setting(Some("99")), STEPS.len() - 1);
    }
}
