//! The For you list from candidates: rules first (muted items never show, liked ones lead), the
//! model's score (with BM25 and recency carrying the cold start), near-duplicates across feeds
//! collapsed, then ordered by the diversity dial's step (MMR, a per-feed cap in the top 20, and
//! exploration slots so the list does not close in on itself).

use super::corpus::{Slot, sparse_dot};
use super::dial::{DEFAULT_STEP, STEPS, diversify};
use super::model::{Parts, UserModel, World};
use super::rules::{Rule, Verdict};
use crate::model::UnixTime;

/// Lift of an item a rule likes: above anything the model can score.
pub const LIKE_BOOST: f32 = 100.0;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    pub slot: Slot,
    /// BM25 of the item against the user's interest profile (0 when retrieved by recency).
    pub bm25: f32,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RerankOptions {
    pub limit: usize,
    /// The diversity dial's step (see `dial::STEPS`): MMR weight, exploration slots, feed cap.
    pub dial: usize,
    /// tf-idf cosine above which two items are the same story (Feedly uses 85% overlap).
    pub duplicate_cosine: f32,
    /// Recency: an item loses this much score per day of age.
    pub age_penalty_per_day: f32,
    pub w_bm25: f32,
    pub personalized: bool,
}

impl Default for RerankOptions {
    fn default() -> Self {
        Self {
            limit: 50,
            dial: DEFAULT_STEP,
            duplicate_cosine: 0.85,
            age_penalty_per_day: 0.15,
            w_bm25: 1.0,
            personalized: true,
        }
    }
}

/// One row of For you.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    pub slot: Slot,
    pub score: f32,
    pub parts: Parts,
    pub bm25: f32,
    pub age_days: f32,
    /// Put here by an exploration slot, not by its score.
    pub explored: bool,
    pub liked_by: Vec<Rule>,
    /// The same story from other feeds, collapsed into this row.
    pub duplicates: Vec<Slot>,
}

/// Ranks candidates; `verdicts[i]` is the rules' verdict on `candidates[i]`.
pub fn rerank(
    world: World<'_>,
    model: &UserModel,
    candidates: &[Candidate],
    verdicts: &[Verdict],
    now: UnixTime,
    opts: &RerankOptions,
) -> Vec<Ranked> {
    let max_bm25 = candidates.iter().map(|c| c.bm25).fold(0.0f32, f32::max);
    let no_verdict = Verdict::default();
    let shown: Vec<(&Candidate, &Verdict)> = candidates
        .iter()
        .zip(verdicts.iter().chain(std::iter::repeat(&no_verdict)))
        .filter(|(_, v)| v.muted_by.is_none())
        .collect();
    let slots: Vec<Slot> = shown.iter().map(|(c, _)| c.slot).collect();
    let all_parts = if opts.personalized {
        model.scorer(world).parts_all(&slots)
    } else {
        vec![Parts::default(); slots.len()]
    };
    let mut scored: Vec<Ranked> = shown
        .into_iter()
        .zip(all_parts)
        .map(|((c, v), parts)| {
            let age_days = ((now - world.corpus.published[c.slot]).max(0) as f32) / 86_400.0;
            let bm25 = if max_bm25 > 0.0 {
                c.bm25 / max_bm25
            } else {
                0.0
            };
            let mut score = -opts.age_penalty_per_day * age_days;
            if opts.personalized {
                score += parts.total() + model.profile_weight() * opts.w_bm25 * bm25;
            }
            if !v.liked_by.is_empty() {
                score += LIKE_BOOST;
            }
            Ranked {
                slot: c.slot,
                score,
                parts,
                bm25: c.bm25,
                age_days,
                explored: false,
                liked_by: v.liked_by.clone(),
                duplicates: Vec::new(),
            }
        })
        .collect();
    scored.sort_by(|a, b| b.score.total_cmp(&a.score));

    // Collapse near-duplicates into the better-scored copy, over a pool a few times the limit.
    let pool_size = (opts.limit * 3).max(opts.limit + 10);
    let mut pool: Vec<Ranked> = Vec::with_capacity(pool_size);
    for r in scored.iter() {
        if pool.len() >= pool_size {
            break;
        }
        let row = &world.corpus.rows[r.slot];
        match pool
            .iter_mut()
            .find(|k| sparse_dot(&world.corpus.rows[k.slot], row) >= opts.duplicate_cosine)
        {
            Some(k) => k.duplicates.push(r.slot),
            None => pool.push(r.clone()),
        }
    }

    // MMR, the per-feed cap and exploration, as the dial's step sets them; without
    // personalization, the score's order as it is.
    let step = if opts.personalized {
        STEPS[opts.dial.min(STEPS.len() - 1)]
    } else {
        STEPS[0]
    };
    let slots: Vec<Slot> = pool.iter().map(|r| r.slot).collect();
    let lead: Vec<bool> = pool.iter().map(|r| !r.liked_by.is_empty()).collect();
    let shows = |s: Slot| {
        model
            .feeds
            .get(&world.corpus.feed[s])
            .map_or(0.0, |c| c.shows)
    };
    diversify(world, &slots, &lead, &step, opts.limit, &shows)
        .into_iter()
        .map(|p| Ranked {
            explored: p.explored,
            ..pool[p.index].clone()
        })
        .collect()
}
