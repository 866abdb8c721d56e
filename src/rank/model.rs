//! The per-user model: what one person's clicks and skips taught it. A nonparametric part (the
//! click rate among the items nearest a candidate in the learned embedding space, opened and
//! skipped alike, shrunk toward the user's overall rate), smoothed click rates per feed, author and
//! domain, and a linear part (a user vector over the item embedding plus per-feed biases) trained
//! online by logistic SGD with a small replay buffer. An update costs O(buffer × dims).

use super::corpus::{Corpus, Slot};
use super::embed::{Embeddings, dot};
use super::learned::ForgottenIds;
use super::rng::SplitMix;
pub use super::scorer::Scorer;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet, VecDeque};

/// Knobs with defaults chosen for the method, not for one data set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModelConfig {
    /// Neighbour weights are cos^(2^k) for positive cosines: k squarings give a kernel about as
    /// sharp as exp((cos − 1)/τ) with τ = 2^-k, without an `exp` per pair.
    pub kernel_squarings: u32,
    /// Pseudo-weight pulling the neighbours' click rate toward the user's overall rate.
    pub neighbour_prior: f32,
    pub w_neighbours: f32,
    pub w_feed: f32,
    pub w_author: f32,
    pub w_domain: f32,
    pub w_linear: f32,
    /// Weight of the tf-idf profile (BM25 in the app): leads at cold start, fades with evidence.
    pub w_profile: f32,
    /// Pseudo-counts pulling a feed's click rate toward the user's overall rate.
    pub prior_shows: f32,
    pub learning_rate: f32,
    pub l2: f32,
    pub replay: usize,
    /// Random earlier items used as negatives for each click that came without a list.
    pub sampled_negatives: usize,
    /// Clicks after which the profile has handed over fully to the learned parts.
    pub handover_clicks: f32,
    /// Most recent clicks and skips kept for the similarity parts (bounds scoring cost).
    pub max_clicks: usize,
    pub max_skips: usize,
    /// How far the user's opens and skips reshape the item space for the neighbour part
    /// (0 = the corpus embedding as is).
    pub refine: f32,
}

impl Default for ModelConfig {
    fn default() -> Self {
        Self {
            kernel_squarings: 3,
            neighbour_prior: 0.5,
            w_neighbours: 1.0,
            w_feed: 1.0,
            w_author: 0.5,
            w_domain: 0.3,
            w_linear: 1.0,
            w_profile: 2.0,
            prior_shows: 5.0,
            learning_rate: 0.05,
            l2: 0.01,
            replay: 600,
            sampled_negatives: 4,
            handover_clicks: 20.0,
            max_clicks: 80,
            max_skips: 160,
            refine: 1.0,
        }
    }
}

/// Click/show counts for one categorical value (feed, author or domain).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq)]
pub struct Counts {
    pub clicks: f32,
    pub shows: f32,
}

/// One training example kept for replay.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub(super) struct Example {
    pub(super) slot: Slot,
    pub(super) label: f32,
    pub(super) weight: f32,
}

/// What a candidate scored, part by part, so explanations can name the real reasons.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Parts {
    /// Log-odds of the click rate among the nearest opened and skipped items, over the base rate.
    pub neighbours: f32,
    pub feed: f32,
    pub author: f32,
    pub domain: f32,
    pub linear: f32,
    pub profile: f32,
    /// The clicked item most similar to this candidate, if any.
    pub nearest_click: Option<Slot>,
    /// Its cosine to the candidate (in the user's refined space).
    pub nearest_cosine: f32,
}

impl Parts {
    pub fn total(&self) -> f32 {
        self.neighbours + self.feed + self.author + self.domain + self.linear + self.profile
    }
}

/// One user's learned state, in corpus slots (see [`Snapshot`] for the stored form).
#[derive(Debug, Clone)]
pub struct UserModel {
    pub cfg: ModelConfig,
    pub clicks: Vec<Slot>,
    pub skips: Vec<Slot>,
    pub feeds: HashMap<u32, Counts>,
    pub authors: HashMap<u32, Counts>,
    pub domains: HashMap<u32, Counts>,
    pub total: Counts,
    pub(super) w: Vec<f32>,
    pub(super) feed_bias: HashMap<u32, f32>,
    pub(super) bias: f32,
    pub(super) replay: VecDeque<Example>,
    /// Rocchio profile: sum of clicked items' tf-idf vectors.
    pub profile: HashMap<u32, f32>,
    /// What the user told it to forget ("forget this"): never learned again.
    pub forgotten: ForgottenIds,
    rng: SplitMix,
}

/// Read-only context the model scores against.
#[derive(Clone, Copy)]
pub struct World<'a> {
    pub corpus: &'a Corpus,
    pub emb: &'a Embeddings,
}

impl UserModel {
    pub fn new(cfg: ModelConfig, dims: usize, seed: u64) -> Self {
        Self {
            cfg,
            clicks: Vec::new(),
            skips: Vec::new(),
            feeds: HashMap::new(),
            authors: HashMap::new(),
            domains: HashMap::new(),
            total: Counts::default(),
            w: vec![0.0; dims],
            feed_bias: HashMap::new(),
            bias: 0.0,
            replay: VecDeque::new(),
            profile: HashMap::new(),
            forgotten: ForgottenIds::default(),
            rng: SplitMix::new(seed),
        }
    }

    pub fn events(&self) -> usize {
        self.clicks.len() + self.skips.len()
    }

    fn linear(&self, world: World<'_>, slot: Slot) -> f32 {
        let f = world.corpus.feed[slot];
        dot(&self.w, world.emb.vector(slot))
            + self.feed_bias.get(&f).copied().unwrap_or(0.0)
            + self.bias
    }

    /// Weight of the cold-start profile: full with no clicks, fading as clicks accumulate.
    pub fn profile_weight(&self) -> f32 {
        let n = self.clicks.len() as f32;
        self.cfg.w_profile * (self.cfg.handover_clicks / (self.cfg.handover_clicks + n))
    }

    /// The user's overall click rate, smoothed so that a new user starts near one in ten.
    pub(super) fn base_rate(&self) -> f32 {
        (self.total.clicks + 1.0) / (self.total.shows + 10.0)
    }

    /// Everything scoring needs that does not depend on the candidate, computed once per list.
    pub fn scorer<'a>(&'a self, world: World<'a>) -> Scorer<'a> {
        Scorer::new(self, world)
    }

    /// Scores one candidate, part by part.
    pub fn parts(&self, world: World<'_>, slot: Slot) -> Parts {
        self.scorer(world).parts(slot)
    }

    pub fn score(&self, world: World<'_>, slot: Slot) -> f32 {
        self.parts(world, slot).total()
    }

    /// Scores many candidates.
    pub fn score_all(&self, world: World<'_>, slots: &[Slot]) -> Vec<f32> {
        self.scorer(world)
            .parts_all(slots)
            .iter()
            .map(Parts::total)
            .collect()
    }

    fn count(&mut self, world: World<'_>, slot: Slot, clicked: bool, weight: f32) {
        let c = world.corpus;
        let add = |m: &mut HashMap<u32, Counts>, k: u32, skip: &HashSet<u32>| {
            if !skip.is_empty() && skip.contains(&k) {
                return;
            }
            let e = m.entry(k).or_default();
            e.shows += weight;
            if clicked {
                e.clicks += weight;
            }
        };
        let f = &self.forgotten;
        add(&mut self.feeds, c.feed[slot], &f.feeds);
        if let Some(a) = c.author[slot] {
            add(&mut self.authors, a, &f.authors);
        }
        if let Some(d) = c.domain[slot] {
            add(&mut self.domains, d, &f.domains);
        }
        self.total.shows += weight;
        if clicked {
            self.total.clicks += weight;
        }
    }

    fn remember_click(&mut self, world: World<'_>, slot: Slot) {
        if self.clicks.len() >= self.cfg.max_clicks.max(1) {
            self.clicks.remove(0);
        }
        self.clicks.push(slot);
        let skip = &self.forgotten.terms;
        for &(t, w) in &world.corpus.rows[slot] {
            if skip.is_empty() || !skip.contains(&t) {
                *self.profile.entry(t).or_insert(0.0) += w;
            }
        }
    }

    /// Learns from opens that came without the list they were picked from (the MIND history, or
    /// an item opened from search): positives, with random earlier items as negatives for the
    /// linear part. `earlier` are the items that existed when they were opened.
    pub fn learn_opens(&mut self, world: World<'_>, opened: &[Slot], earlier: &[Slot]) {
        for &s in opened {
            self.remember_click(world, s);
            self.count(world, s, true, 1.0);
            self.push(Example {
                slot: s,
                label: 1.0,
                weight: 1.0,
            });
            if !earlier.is_empty() {
                let k = self.cfg.sampled_negatives;
                for _ in 0..k {
                    let n = earlier[self.rng.below(earlier.len())];
                    if n != s {
                        self.push(Example {
                            slot: n,
                            label: 0.0,
                            weight: 1.0 / k as f32,
                        });
                    }
                }
            }
        }
        self.train(world);
    }

    /// Learns from one shown list: `clicked[i]` says whether `shown[i]` was opened. Clicked vs.
    /// shown-not-clicked from the same list is the signal; an unclicked row also counts as a skip.
    pub fn learn_impression(&mut self, world: World<'_>, shown: &[Slot], clicked: &[bool]) {
        for (&s, &c) in shown.iter().zip(clicked) {
            if c {
                self.remember_click(world, s);
            } else {
                if self.skips.len() >= self.cfg.max_skips.max(1) {
                    self.skips.remove(0);
                }
                self.skips.push(s);
            }
            self.count(world, s, c, 1.0);
            self.push(Example {
                slot: s,
                label: if c { 1.0 } else { 0.0 },
                weight: 1.0,
            });
        }
        self.train(world);
    }

    /// A star is a stronger click; a dwell longer than a glance is one too.
    pub fn learn_strong_click(&mut self, world: World<'_>, slot: Slot) {
        self.remember_click(world, slot);
        self.push(Example {
            slot,
            label: 1.0,
            weight: 2.0,
        });
        self.train(world);
    }

    fn push(&mut self, e: Example) {
        if self.replay.len() >= self.cfg.replay {
            self.replay.pop_front();
        }
        self.replay.push_back(e);
    }

    /// One SGD pass of L2-regularized logistic regression over the replay buffer.
    pub(super) fn train(&mut self, world: World<'_>) {
        let lr = self.cfg.learning_rate;
        let l2 = self.cfg.l2;
        for i in 0..self.replay.len() {
            let e = self.replay[i];
            let z = self.linear(world, e.slot);
            let p = 1.0 / (1.0 + (-z).exp());
            let g = (p - e.label) * e.weight;
            let v = world.emb.vector(e.slot);
            for (w, x) in self.w.iter_mut().zip(v) {
                *w -= lr * (g * x + l2 * *w);
            }
            let feed = world.corpus.feed[e.slot];
            let skip = &self.forgotten.feeds;
            if skip.is_empty() || !skip.contains(&feed) {
                let fb = self.feed_bias.entry(feed).or_insert(0.0);
                *fb -= lr * (g + l2 * *fb);
            }
            self.bias -= lr * g;
        }
    }
}

/// A fresh model taught from the slots `slots`, shown in lists of four, where `opened` says
/// which were opened: the setup the model's and the scorer's tests share.
#[cfg(test)]
pub(super) fn learned_from_lists(
    world: World<'_>,
    slots: std::ops::Range<Slot>,
    opened: impl Fn(Slot) -> bool,
) -> UserModel {
    let mut m = UserModel::new(ModelConfig::default(), world.emb.dims, 1);
    for start in slots.step_by(4) {
        let shown: Vec<Slot> = (start..start + 4).collect();
        let clicked: Vec<bool> = shown.iter().map(|&s| opened(s)).collect();
        m.learn_impression(world, &shown, &clicked);
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rank::corpus::ItemDoc;
    use crate::rank::embed::embed;

    fn corpus() -> Corpus {
        let topics = [
            ["goal", "match", "striker", "keeper"],
            ["bank", "loan", "rate", "market"],
        ];
        let docs: Vec<ItemDoc> = (0..40)
            .map(|i| {
                let t = &topics[(i % 2) as usize];
                ItemDoc {
                    id: i,
                    feed: format!("feed{}", i % 4),
                    feed_name: String::new(),
                    author: None,
                    domain: None,
                    published: i,
                    terms: t
                        .iter()
                        .enumerate()
                        .map(|(k, w)| ((*w).to_owned(), 1.0 + ((i as usize + k) % 3) as f32))
                        .collect(),
                    title: String::new(),
                }
            })
            .collect();
        Corpus::build(&docs)
    }

    #[test]
    fn clicks_on_one_topic_lift_unseen_items_of_that_topic() {
        let c = corpus();
        let e = embed(&c, 4, 1);
        let world = World {
            corpus: &c,
            emb: &e,
        };
        // Lists of four: the sport items (even slots) are opened, finance ones are not.
        let m = learned_from_lists(world, 0..20, |s| s % 2 == 0);
        let unseen_sport = m.score(world, 30);
        let unseen_finance = m.score(world, 31);
        assert!(
            unseen_sport > unseen_finance,
            "{unseen_sport} vs {unseen_finance}"
        );
        let parts = m.parts(world, 30);
        assert!(parts.neighbours > 0.0 && parts.nearest_click.is_some_and(|s| s % 2 == 0));
        assert!(
            m.parts(world, 31).neighbours < 0.0,
            "near skipped items scores below the base"
        );
    }

    #[test]
    fn snapshot_round_trips_through_item_ids() {
        let c = corpus();
        let e = embed(&c, 4, 1);
        let world = World {
            corpus: &c,
            emb: &e,
        };
        let mut m = UserModel::new(ModelConfig::default(), e.dims, 1);
        m.learn_impression(world, &[0, 1, 2], &[true, false, false]);
        let snap = m.snapshot(&c);
        let json = serde_json::to_string(&snap).unwrap_or_else(|e| panic!("{e}"));
        let back: crate::rank::persist::Snapshot =
            serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
        let r = UserModel::restore(&back, ModelConfig::default(), world, 1);
        assert_eq!(r.clicks, m.clicks);
        assert_eq!(r.skips, m.skips);
        assert_eq!(r.feeds, m.feeds);
        assert!((r.score(world, 4) - m.score(world, 4)).abs() < 0.5);
    }
}
