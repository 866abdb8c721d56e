//! The model's stored form: everything keyed by item id, feed id and author/domain name rather
//! than corpus slots, so it survives a re-embedding of a changed corpus. The linear part is
//! retrained from the stored replay buffer on load (cheap), since its weights live in embedding
//! space.

use super::corpus::Corpus;
use super::learned::{LearnedRow, learned_rows};
use super::model::{Counts, Example, ModelConfig, UserModel, World};
use crate::model::ItemId;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Bump when the snapshot's meaning changes; an older snapshot is rebuilt from events.
/// 2: feeds are keyed by feed id, no longer by title.
pub const FORMAT: i64 = 2;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Snapshot {
    pub clicks: Vec<ItemId>,
    pub skips: Vec<ItemId>,
    pub feeds: HashMap<String, Counts>,
    pub authors: HashMap<String, Counts>,
    pub domains: HashMap<String, Counts>,
    pub total: Counts,
    /// (item, label, weight) of the replay buffer.
    pub replay: Vec<(ItemId, f32, f32)>,
    /// Terms of the Rocchio profile.
    pub profile: HashMap<String, f32>,
    /// What it learned, as "What For you learned" shows it: computed when the model is saved,
    /// so the page reads exactly the model that ranks (not restored: it is derived).
    #[serde(default)]
    pub learned: Vec<LearnedRow>,
}

fn by_name(m: &HashMap<u32, Counts>, names: &[String]) -> HashMap<String, Counts> {
    m.iter()
        .filter_map(|(k, v)| names.get(*k as usize).map(|n| (n.clone(), *v)))
        .collect()
}

fn by_id(m: &HashMap<String, Counts>, names: &[String]) -> HashMap<u32, Counts> {
    let index: HashMap<&str, u32> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i as u32))
        .collect();
    m.iter()
        .filter_map(|(k, v)| index.get(k.as_str()).map(|i| (*i, *v)))
        .collect()
}

impl UserModel {
    pub fn snapshot(&self, corpus: &Corpus) -> Snapshot {
        Snapshot {
            clicks: self.clicks.iter().map(|&s| corpus.ids[s]).collect(),
            skips: self.skips.iter().map(|&s| corpus.ids[s]).collect(),
            feeds: by_name(&self.feeds, &corpus.feeds),
            authors: by_name(&self.authors, &corpus.authors),
            domains: by_name(&self.domains, &corpus.domains),
            total: self.total,
            replay: self
                .replay
                .iter()
                .map(|e| (corpus.ids[e.slot], e.label, e.weight))
                .collect(),
            profile: self
                .profile
                .iter()
                .filter_map(|(t, w)| corpus.terms.get(*t as usize).map(|n| (n.clone(), *w)))
                .collect(),
            learned: learned_rows(corpus, self),
        }
    }

    /// Rebuilds a model from a snapshot against the current corpus; items no longer in it are
    /// dropped (their counts by feed, author and domain stay).
    pub fn restore(snap: &Snapshot, cfg: ModelConfig, world: World<'_>, seed: u64) -> Self {
        let c = world.corpus;
        let mut m = UserModel::new(cfg, world.emb.dims, seed);
        m.clicks = snap.clicks.iter().filter_map(|id| c.slot(*id)).collect();
        m.skips = snap.skips.iter().filter_map(|id| c.slot(*id)).collect();
        m.feeds = by_id(&snap.feeds, &c.feeds);
        m.authors = by_id(&snap.authors, &c.authors);
        m.domains = by_id(&snap.domains, &c.domains);
        m.total = snap.total;
        m.profile = snap
            .profile
            .iter()
            .filter_map(|(t, w)| c.term_of.get(t).map(|i| (*i, *w)))
            .collect();
        m.replay = snap
            .replay
            .iter()
            .filter_map(|(id, label, weight)| {
                c.slot(*id).map(|slot| Example {
                    slot,
                    label: *label,
                    weight: *weight,
                })
            })
            .collect();
        for _ in 0..3 {
            m.train(world);
        }
        m
    }
}
