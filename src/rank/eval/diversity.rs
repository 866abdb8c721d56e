//! Homogenisation, measured: the model run under the protocol once, each list ordered at every
//! step of the diversity dial (scores are the same at every step: the dial only reorders), with
//! beside AUC and nDCG the intra-list diversity of each top 10 (mean pairwise cosine distance of
//! the item vectors), its number of distinct feeds, and how the share of the user's most-opened
//! feed in the top 10 moves from their first impressions to their last (narrowing).

use super::metrics::{Mean, impression_figures};
use super::protocol::{Impression, bucket_of, unlearned_history, users_in_order};
use crate::rank::corpus::Slot;
use crate::rank::dial::{STEPS, diversify};
use crate::rank::embed::dot;
use crate::rank::model::{ModelConfig, UserModel, World};
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

/// The head of the list the diversity figures look at.
pub const TOP: usize = 10;
/// Impressions at each end of a user's log compared by the narrowing figure.
pub const SPAN: usize = 5;

/// One dial step's results over the whole log.
#[derive(Debug, Clone, Default)]
pub struct StepRun {
    /// Ranks per impression, indexed like the input slice.
    pub ranks: Vec<Vec<usize>>,
    pub all: Mean,
    pub buckets: [Mean; 3],
    /// Sums over the lists measured, and their number.
    ild: f64,
    feeds: f64,
    lists: usize,
    /// Per user with at least `2 × SPAN` labelled impressions: the most-opened feed's mean share
    /// of the top 10 in the first and the last `SPAN`.
    shares: Vec<(f64, f64)>,
}

impl StepRun {
    /// Mean intra-list diversity of the top 10s.
    pub fn ild(&self) -> f64 {
        self.ild / self.lists.max(1) as f64
    }

    /// Mean number of distinct feeds in the top 10s.
    pub fn feeds(&self) -> f64 {
        self.feeds / self.lists.max(1) as f64
    }

    /// The most-opened feed's share of the top 10, first impressions and last, over users.
    pub fn shares(&self) -> (f64, f64) {
        let n = self.shares.len().max(1) as f64;
        let first = self.shares.iter().map(|s| s.0).sum::<f64>() / n;
        let last = self.shares.iter().map(|s| s.1).sum::<f64>() / n;
        (first, last)
    }

    /// How much that share grew from the first impressions to the last (negative: it shrank).
    pub fn narrowing(&self) -> f64 {
        let (first, last) = self.shares();
        last - first
    }

    pub fn users_measured(&self) -> usize {
        self.shares.len()
    }
}

/// Mean pairwise cosine distance of the items' (L2-normalized) vectors.
pub fn intra_list_diversity(world: World<'_>, items: &[Slot]) -> f64 {
    let mut sum = 0.0f64;
    let mut pairs = 0usize;
    for (i, &a) in items.iter().enumerate() {
        for &b in &items[i + 1..] {
            sum += f64::from(1.0 - dot(world.emb.vector(a), world.emb.vector(b)));
            pairs += 1;
        }
    }
    if pairs == 0 { 0.0 } else { sum / pairs as f64 }
}

/// The feed of each user's clicks that they opened most (history and labelled clicks), ties to
/// the lower feed id: what the narrowing figure follows. Read from the whole log, since it
/// describes the reader, not what a ranker knew at the time.
fn top_feeds<'a>(world: World<'_>, impressions: &'a [Impression]) -> HashMap<&'a str, u32> {
    let mut clicks: HashMap<&str, HashMap<Slot, ()>> = HashMap::new();
    for imp in impressions {
        let mine = clicks.entry(imp.user.as_str()).or_default();
        mine.extend(imp.history.iter().map(|&s| (s, ())));
        for (&s, &y) in imp.candidates.iter().zip(&imp.labels) {
            if y == 1 {
                mine.insert(s, ());
            }
        }
    }
    clicks
        .into_iter()
        .filter_map(|(user, slots)| {
            let mut per_feed: HashMap<u32, usize> = HashMap::new();
            for s in slots.keys() {
                *per_feed.entry(world.corpus.feed[*s]).or_insert(0) += 1;
            }
            per_feed
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
                .map(|(f, _)| (user, f))
        })
        .collect()
}

/// Runs the model under progressive validation, each list ordered at every dial step; one
/// result per step of [`STEPS`], and the time spent.
pub fn run(
    world: World<'_>,
    impressions: &[Impression],
    cfg: ModelConfig,
    dims: usize,
    seed: u64,
) -> (Vec<StepRun>, Duration) {
    let started = Instant::now();
    let mut steps: Vec<StepRun> = STEPS
        .iter()
        .map(|_| StepRun {
            ranks: vec![Vec::new(); impressions.len()],
            ..StepRun::default()
        })
        .collect();
    let top_feed = top_feeds(world, impressions);
    let (users, by_time) = users_in_order(world, impressions);
    for (n, list) in users.into_iter().enumerate() {
        let mut model = UserModel::new(cfg, dims, seed ^ (n as u64 + 1));
        let mut learned: HashSet<Slot> = HashSet::new();
        // Per step, this user's top-feed share in each labelled list, in time order.
        let mut shares: Vec<Vec<f64>> = vec![Vec::new(); STEPS.len()];
        for (k, &i) in list.iter().enumerate() {
            let imp = &impressions[i];
            if let Some((new, earlier)) = unlearned_history(&mut learned, imp, &by_time, world) {
                model.learn_opens(world, &new, earlier);
            }
            let scores = model.score_all(world, &imp.candidates);
            // Best score first, ties in listed order: step 0 is the plain score order.
            let mut order: Vec<usize> = (0..scores.len()).collect();
            order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
            let pool: Vec<Slot> = order.iter().map(|&c| imp.candidates[c]).collect();
            let shows = |s: Slot| {
                model
                    .feeds
                    .get(&world.corpus.feed[s])
                    .map_or(0.0, |c| c.shows)
            };
            for (step, run) in STEPS.iter().zip(steps.iter_mut().zip(&mut shares)) {
                let (run, shares) = run;
                let picks = diversify(world, &pool, &[], step, pool.len(), &shows);
                let mut ranks = vec![0; pool.len()];
                for (r, p) in picks.iter().enumerate() {
                    ranks[order[p.index]] = r + 1;
                }
                if let Some(f) = impression_figures(&imp.labels, &ranks) {
                    run.all.add(f);
                    run.buckets[bucket_of(k)].add(f);
                }
                if imp.is_labelled() {
                    let top: Vec<Slot> = picks.iter().take(TOP).map(|p| pool[p.index]).collect();
                    run.ild += intra_list_diversity(world, &top);
                    let feeds: HashSet<u32> = top.iter().map(|&s| world.corpus.feed[s]).collect();
                    run.feeds += feeds.len() as f64;
                    run.lists += 1;
                    if let Some(&f) = top_feed.get(imp.user.as_str()) {
                        let hits = top.iter().filter(|&&s| world.corpus.feed[s] == f).count();
                        shares.push(hits as f64 / top.len().max(1) as f64);
                    }
                }
                run.ranks[i] = ranks;
            }
            if !imp.is_labelled() {
                continue;
            }
            let clicked: Vec<bool> = imp.labels.iter().map(|&y| y == 1).collect();
            model.learn_impression(world, &imp.candidates, &clicked);
            for (&s, &c) in imp.candidates.iter().zip(&clicked) {
                if c {
                    learned.insert(s);
                }
            }
        }
        for (run, shares) in steps.iter_mut().zip(shares) {
            if shares.len() >= 2 * SPAN {
                let mean = |s: &[f64]| s.iter().sum::<f64>() / s.len() as f64;
                run.shares
                    .push((mean(&shares[..SPAN]), mean(&shares[shares.len() - SPAN..])));
            }
        }
    }
    (steps, started.elapsed())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rank::corpus::{Corpus, ItemDoc};
    use crate::rank::embed::embed;

    /// 400 items in two feeds with words of their own; one reader shown 20 lists of 20 fresh
    /// items (10 from each feed, b's listed first), who opens only feed "a"'s: two of them in
    /// each list.
    fn log() -> (Corpus, Vec<Impression>) {
        let docs: Vec<ItemDoc> = (0..400)
            .map(|i| {
                let feed = if i % 2 == 0 { "a" } else { "b" };
                ItemDoc {
                    id: i,
                    feed: feed.into(),
                    feed_name: String::new(),
                    author: None,
                    domain: None,
                    published: i,
                    terms: vec![
                        (format!("topic{feed}"), 1.0),
                        (format!("common{}", i % 5), 0.7),
                    ],
                    title: String::new(),
                }
            })
            .collect();
        let corpus = Corpus::build(&docs);
        let impressions = (0..20)
            .map(|k| {
                // Feed b's items listed first: a cold ranker's top 10 holds none of feed a.
                let mut candidates: Vec<Slot> = (k * 20..k * 20 + 20).collect();
                candidates.sort_by_key(|s| s % 2 == 0);
                let labels = candidates
                    .iter()
                    .map(|&s| u8::from(s % 2 == 0 && s % 10 < 4))
                    .collect();
                Impression {
                    row: k,
                    id: k.to_string(),
                    user: "U1".into(),
                    time: 1000 + k as i64,
                    history: Vec::new(),
                    candidates,
                    labels,
                }
            })
            .collect();
        (corpus, impressions)
    }

    #[test]
    fn a_reader_who_opens_one_feed_narrows_the_list_and_the_dial_holds_it_open() {
        let (corpus, impressions) = log();
        let emb = embed(&corpus, 8, 1);
        let world = World {
            corpus: &corpus,
            emb: &emb,
        };
        let (steps, _) = run(world, &impressions, ModelConfig::default(), emb.dims, 3);
        assert_eq!(steps.len(), STEPS.len());
        let plain = &steps[0];
        assert_eq!(plain.users_measured(), 1);
        let (first, last) = plain.shares();
        assert!(
            last >= 0.9,
            "the top 10 ends up all feed a: {first} → {last}"
        );
        assert!(plain.narrowing() >= 0.15, "{first} → {last}");
        let widest = &steps[STEPS.len() - 1];
        let (_, widest_last) = widest.shares();
        // With two feeds the cap of three runs out of other items: b's best still get in.
        assert!(
            widest_last <= last - 0.2,
            "the dial keeps feed b in view: {widest_last}"
        );
        assert!(
            widest.narrowing() < plain.narrowing() - 0.1,
            "{} vs {}",
            widest.narrowing(),
            plain.narrowing()
        );
        assert!(widest.feeds() > plain.feeds());
        assert!(widest.ild() > plain.ild());
    }

    #[test]
    fn diversity_is_the_mean_pairwise_cosine_distance() {
        let docs: Vec<ItemDoc> = (0..3).map(ItemDoc::one_word).collect();
        let corpus = Corpus::build(&docs);
        // Two equal vectors and one orthogonal: distances 0, 1, 1.
        let emb =
            crate::rank::embed::Embeddings::from_vectors(2, vec![1.0, 0.0, 1.0, 0.0, 0.0, 1.0]);
        let world = World {
            corpus: &corpus,
            emb: &emb,
        };
        assert!((intra_list_diversity(world, &[0, 1, 2]) - 2.0 / 3.0).abs() < 1e-6);
        assert_eq!(intra_list_diversity(world, &[0]), 0.0);
    }
}
