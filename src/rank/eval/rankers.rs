//! The rankers the evaluation compares behind one small trait: the model, and the baselines
//! random, recency and the TF-IDF Rocchio profile (sum of clicked items' tf-idf vectors from the
//! index's own term statistics).

use crate::rank::corpus::{Slot, sparse_dot};
use crate::rank::model::{ModelConfig, UserModel, World};
use crate::rank::rng::SplitMix;
use std::collections::HashMap;

/// One fresh ranker per user: learn from opens, score a list, learn from that list's labels.
pub trait Ranker {
    fn learn_opens(&mut self, world: World<'_>, opened: &[Slot], earlier: &[Slot]);
    fn score(&mut self, world: World<'_>, candidates: &[Slot]) -> Vec<f32>;
    fn learn_impression(&mut self, world: World<'_>, shown: &[Slot], clicked: &[bool]);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RankerKind {
    Model,
    Random,
    Recency,
    Rocchio,
}

impl RankerKind {
    pub const ALL: [RankerKind; 4] = [Self::Model, Self::Random, Self::Recency, Self::Rocchio];

    pub fn name(self) -> &'static str {
        match self {
            Self::Model => "focusfeed model",
            Self::Random => "random",
            Self::Recency => "recency",
            Self::Rocchio => "TF-IDF Rocchio profile",
        }
    }

    pub fn make(self, dims: usize, seed: u64, cfg: ModelConfig) -> Box<dyn Ranker> {
        match self {
            Self::Model => Box::new(UserModel::new(cfg, dims, seed)),
            Self::Random => Box::new(RandomRanker(SplitMix::new(seed))),
            Self::Recency => Box::new(RecencyRanker),
            Self::Rocchio => Box::new(RocchioRanker::default()),
        }
    }
}

impl Ranker for UserModel {
    fn learn_opens(&mut self, world: World<'_>, opened: &[Slot], earlier: &[Slot]) {
        UserModel::learn_opens(self, world, opened, earlier);
    }
    fn score(&mut self, world: World<'_>, candidates: &[Slot]) -> Vec<f32> {
        self.score_all(world, candidates)
    }
    fn learn_impression(&mut self, world: World<'_>, shown: &[Slot], clicked: &[bool]) {
        UserModel::learn_impression(self, world, shown, clicked);
    }
}

struct RandomRanker(SplitMix);

impl Ranker for RandomRanker {
    fn learn_opens(&mut self, _: World<'_>, _: &[Slot], _: &[Slot]) {}
    fn score(&mut self, _: World<'_>, candidates: &[Slot]) -> Vec<f32> {
        candidates.iter().map(|_| self.0.unit()).collect()
    }
    fn learn_impression(&mut self, _: World<'_>, _: &[Slot], _: &[bool]) {}
}

struct RecencyRanker;

impl Ranker for RecencyRanker {
    fn learn_opens(&mut self, _: World<'_>, _: &[Slot], _: &[Slot]) {}
    fn score(&mut self, world: World<'_>, candidates: &[Slot]) -> Vec<f32> {
        candidates
            .iter()
            .map(|&s| world.corpus.published[s] as f32)
            .collect()
    }
    fn learn_impression(&mut self, _: World<'_>, _: &[Slot], _: &[bool]) {}
}

#[derive(Default)]
struct RocchioRanker {
    profile: HashMap<u32, f32>,
}

impl RocchioRanker {
    fn add(&mut self, world: World<'_>, slot: Slot) {
        for &(t, w) in &world.corpus.rows[slot] {
            *self.profile.entry(t).or_insert(0.0) += w;
        }
    }
}

impl Ranker for RocchioRanker {
    fn learn_opens(&mut self, world: World<'_>, opened: &[Slot], _: &[Slot]) {
        for &s in opened {
            self.add(world, s);
        }
    }
    fn score(&mut self, world: World<'_>, candidates: &[Slot]) -> Vec<f32> {
        let mut profile: Vec<(u32, f32)> = self.profile.iter().map(|(&t, &w)| (t, w)).collect();
        profile.sort_unstable_by_key(|(t, _)| *t);
        candidates
            .iter()
            .map(|&s| sparse_dot(&profile, &world.corpus.rows[s]))
            .collect()
    }
    fn learn_impression(&mut self, world: World<'_>, shown: &[Slot], clicked: &[bool]) {
        for (&s, &c) in shown.iter().zip(clicked) {
            if c {
                self.add(world, s);
            }
        }
    }
}
