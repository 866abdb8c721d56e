//! A diagnostic, not a ranker: the model as it would score an impression had it learned from all
//! of that user's *other* impressions, later ones included, but never from the items of the
//! impression it scores. It bounds what more of this user's data could give the same features:
//! if hindsight is barely above the progressive figure, the model is not short of data, its
//! features are short of information.

use super::metrics::{Mean, impression_figures, ranks_from_scores};
use super::protocol::{Impression, bucket_of};
use crate::rank::corpus::Slot;
use crate::rank::model::{ModelConfig, UserModel, World};
use std::collections::{BTreeMap, HashSet};

/// Figures overall and per learning-curve bucket (by the impression's place in the user's log).
pub fn run(
    world: World<'_>,
    impressions: &[Impression],
    cfg: ModelConfig,
    seed: u64,
) -> (Mean, [Mean; 3]) {
    // Remember everything the user did: no memory cap.
    let cfg = ModelConfig {
        max_clicks: usize::MAX / 2,
        max_skips: usize::MAX / 2,
        ..cfg
    };
    let mut users: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, imp) in impressions.iter().enumerate() {
        users.entry(imp.user.as_str()).or_default().push(i);
    }
    let mut all = Mean::default();
    let mut buckets = [Mean::default(); 3];
    for list in users.values_mut() {
        list.sort_by_key(|&i| impressions[i].time);
        for (k, &i) in list.iter().enumerate() {
            let target = &impressions[i];
            let hidden: HashSet<Slot> = target.candidates.iter().copied().collect();
            let model = learn_all_but(world, impressions, list, i, &hidden, cfg, seed);
            let scores = model.score_all(world, &target.candidates);
            if let Some(f) = impression_figures(&target.labels, &ranks_from_scores(&scores)) {
                all.add(f);
                buckets[bucket_of(k)].add(f);
            }
        }
    }
    (all, buckets)
}

/// A fresh model taught the user's opens and every other impression, without `hidden` items.
fn learn_all_but(
    world: World<'_>,
    impressions: &[Impression],
    list: &[usize],
    skip: usize,
    hidden: &HashSet<Slot>,
    cfg: ModelConfig,
    seed: u64,
) -> UserModel {
    let mut m = UserModel::new(cfg, world.emb.dims, seed);
    let mut opened: Vec<Slot> = Vec::new();
    let mut seen = HashSet::new();
    for &j in list {
        for &h in &impressions[j].history {
            if !hidden.contains(&h) && seen.insert(h) {
                opened.push(h);
            }
        }
    }
    let everything: Vec<Slot> = (0..world.corpus.len())
        .filter(|s| !hidden.contains(s))
        .collect();
    m.learn_opens(world, &opened, &everything);
    for &j in list.iter().filter(|&&j| j != skip) {
        let imp = &impressions[j];
        let (shown, clicked): (Vec<Slot>, Vec<bool>) = imp
            .candidates
            .iter()
            .zip(&imp.labels)
            .filter(|(s, _)| !hidden.contains(s))
            .map(|(&s, &y)| (s, y == 1))
            .unzip();
        m.learn_impression(world, &shown, &clicked);
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rank::corpus::{Corpus, ItemDoc};
    use crate::rank::embed::embed;

    #[test]
    fn an_impression_is_never_scored_by_a_model_that_saw_its_items() {
        let docs: Vec<ItemDoc> = (0..12)
            .map(|i| ItemDoc {
                id: i,
                feed: format!("f{}", i % 2),
                feed_name: String::new(),
                author: None,
                domain: None,
                published: 0,
                terms: vec![(format!("w{}", i % 3), 1.0), ("x".into(), 0.5)],
                title: String::new(),
            })
            .collect();
        let corpus = Corpus::build(&docs);
        let emb = embed(&corpus, 2, 1);
        let world = World {
            corpus: &corpus,
            emb: &emb,
        };
        let imp = |row: usize, c: &[Slot], y: &[u8], history: &[Slot]| Impression {
            row,
            id: row.to_string(),
            user: "U".into(),
            time: row as i64,
            history: history.to_vec(),
            candidates: c.to_vec(),
            labels: y.to_vec(),
        };
        // Item 4 is clicked in the second impression and then sits in the history: scoring the
        // second impression must not have learned that click.
        let imps = vec![
            imp(0, &[0, 1, 2], &[1, 0, 0], &[9]),
            imp(1, &[3, 4, 5], &[0, 1, 0], &[9, 0]),
            imp(2, &[6, 7, 8], &[1, 0, 0], &[9, 0, 4]),
        ];
        let list = [0, 1, 2];
        let hidden: HashSet<Slot> = imps[1].candidates.iter().copied().collect();
        let m = learn_all_but(world, &imps, &list, 1, &hidden, ModelConfig::default(), 1);
        assert!(m.clicks.iter().chain(&m.skips).all(|s| !hidden.contains(s)));
        assert!(m.clicks.contains(&6) && m.clicks.contains(&9));
        let (all, _) = run(world, &imps, ModelConfig::default(), 1);
        assert_eq!(all.count, 3);
    }
}
