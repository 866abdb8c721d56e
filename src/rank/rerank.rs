//! The For you list from candidates: rules first (muted items never show, liked ones lead), the
//! model's score (with BM25 and recency carrying the cold start), near-duplicates across feeds
//! collapsed, the top diversified by MMR, and one or two exploration slots so the list does not
//! close in on itself.

use super::corpus::{Slot, sparse_dot};
use super::embed::dot;
use super::model::{Parts, UserModel, World};
use super::rng::SplitMix;
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
    /// Positions (0-based) given to exploration when the list is long enough.
    pub explore_positions: [usize; 2],
    /// MMR trade-off: 1 = pure score, 0 = pure novelty.
    pub mmr_lambda: f32,
    /// tf-idf cosine above which two items are the same story (Feedly uses 85% overlap).
    pub duplicate_cosine: f32,
    /// Recency: an item loses this much score per day of age.
    pub age_penalty_per_day: f32,
    pub w_bm25: f32,
    pub personalized: bool,
    pub seed: u64,
}

impl Default for RerankOptions {
    fn default() -> Self {
        Self {
            limit: 50,
            explore_positions: [4, 11],
            mmr_lambda: 0.75,
            duplicate_cosine: 0.85,
            age_penalty_per_day: 0.15,
            w_bm25: 1.0,
            personalized: true,
            seed: 0,
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

    // MMR on score rank-normalized to [0, 1] against embedding similarity to what is picked.
    let n = pool.len();
    let rel: Vec<f32> = (0..n).map(|i| 1.0 - i as f32 / n.max(1) as f32).collect();
    let mut picked: Vec<usize> = Vec::with_capacity(opts.limit.min(n));
    let mut used = vec![false; n];
    let mut max_sim = vec![0.0f32; n];
    let lambda = if opts.personalized {
        opts.mmr_lambda
    } else {
        1.0
    };
    while picked.len() < opts.limit.min(n) {
        let Some(best) = (0..n).filter(|&i| !used[i]).max_by(|&a, &b| {
            let fa = lambda * rel[a] - (1.0 - lambda) * max_sim[a];
            let fb = lambda * rel[b] - (1.0 - lambda) * max_sim[b];
            fa.total_cmp(&fb).then(b.cmp(&a))
        }) else {
            break;
        };
        // Rule-liked items keep their lead; diversity applies among the rest.
        let best = (0..n)
            .find(|&i| !used[i] && !pool[i].liked_by.is_empty())
            .unwrap_or(best);
        used[best] = true;
        picked.push(best);
        let v = world.emb.vector(pool[best].slot);
        for i in 0..n {
            if !used[i] {
                max_sim[i] = max_sim[i].max(dot(v, world.emb.vector(pool[i].slot)));
            }
        }
    }

    // Exploration: items from feeds the user has seen least, drawn at random among them.
    if opts.personalized {
        let mut rng = SplitMix::new(opts.seed ^ now as u64);
        for &pos in &opts.explore_positions {
            if pos >= picked.len() || pos + 1 >= opts.limit {
                continue;
            }
            let rest: Vec<usize> = (0..n).filter(|&i| !used[i]).collect();
            if rest.is_empty() {
                break;
            }
            let shows = |i: usize| {
                model
                    .feeds
                    .get(&world.corpus.feed[pool[i].slot])
                    .map_or(0.0, |c| c.shows)
            };
            let least = rest.iter().map(|&i| shows(i)).fold(f32::MAX, f32::min);
            let fresh: Vec<usize> = rest
                .into_iter()
                .filter(|&i| shows(i) <= least + 1.0)
                .collect();
            let choice = fresh[rng.below(fresh.len())];
            used[choice] = true;
            pool[choice].explored = true;
            picked.insert(pos, choice);
            picked.truncate(opts.limit);
        }
    }
    picked.into_iter().map(|i| pool[i].clone()).collect()
}
