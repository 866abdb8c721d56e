//! Progressive validation, as recommender.md prescribes: each user starts from a fresh ranker,
//! learns the opens in their history first (negatives sampled from items published before), then
//! walks their impressions in time order — score the list, record the ranks, and only then learn
//! from its labels. Nothing is scored after it was learned from.

use super::metrics::{Figures, Mean, impression_figures, ranks_from_scores};
use super::rankers::Ranker;
use crate::rank::corpus::Slot;
use crate::rank::model::World;
use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

/// One impression with items resolved to corpus slots.
#[derive(Debug, Clone)]
pub struct Impression {
    /// Row in behaviors.tsv (0-based), so predictions keep the file's order.
    pub row: usize,
    pub id: String,
    pub user: String,
    pub time: i64,
    pub history: Vec<Slot>,
    pub candidates: Vec<Slot>,
    /// 1 for each clicked candidate, 0 for each shown and not clicked; empty in an unlabelled
    /// (test) log, whose impressions are scored but neither counted nor learned from.
    pub labels: Vec<u8>,
}

impl Impression {
    pub fn is_labelled(&self) -> bool {
        self.labels.len() == self.candidates.len()
    }
}

/// Learning-curve buckets: a user's impressions 1–5, 6–20 and 21+.
pub const BUCKETS: [&str; 3] = ["1-5", "6-20", "21+"];

pub fn bucket_of(k: usize) -> usize {
    match k {
        0..=4 => 0,
        5..=19 => 1,
        _ => 2,
    }
}

/// Result of running one ranker over the whole log.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// Ranks per impression, indexed like the input slice.
    pub ranks: Vec<Vec<usize>>,
    pub all: Mean,
    pub buckets: [Mean; 3],
    /// Time spent scoring and learning (not ingesting).
    pub busy: Duration,
}

impl RunResult {
    pub fn figures(&self) -> Figures {
        self.all.mean()
    }
}

/// The history opens of `imp` not learned yet (later histories repeat the clicks already
/// learned), with the items published by then, from which negatives are sampled: `None` when
/// there is nothing new.
pub(super) fn unlearned_history<'a>(
    learned: &mut HashSet<Slot>,
    imp: &Impression,
    by_time: &'a [Slot],
    world: World<'_>,
) -> Option<(Vec<Slot>, &'a [Slot])> {
    let new: Vec<Slot> = imp
        .history
        .iter()
        .copied()
        .filter(|s| learned.insert(*s))
        .collect();
    if new.is_empty() {
        return None;
    }
    let cut = by_time.partition_point(|&s| world.corpus.published[s] <= imp.time);
    Some((new, &by_time[..cut]))
}

/// Each user's impressions (indices), users in order of first appearance and each user's in
/// time order (stable); and the corpus's slots by publication time, for sampling the negatives
/// of history opens.
pub fn users_in_order(
    world: World<'_>,
    impressions: &[Impression],
) -> (Vec<Vec<usize>>, Vec<Slot>) {
    let mut users: BTreeMap<(usize, &str), Vec<usize>> = BTreeMap::new();
    let mut first_seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, imp) in impressions.iter().enumerate() {
        let first = *first_seen.entry(imp.user.as_str()).or_insert(i);
        users.entry((first, imp.user.as_str())).or_default().push(i);
    }
    let mut lists: Vec<Vec<usize>> = users.into_values().collect();
    for list in &mut lists {
        list.sort_by_key(|&i| impressions[i].time);
    }
    let mut by_time: Vec<Slot> = (0..world.corpus.len()).collect();
    by_time.sort_by_key(|&s| world.corpus.published[s]);
    (lists, by_time)
}

/// Runs the protocol with a fresh ranker per user from `make`. `published` gives each slot's
/// publication time, for sampling the negatives of history opens.
pub fn run(
    world: World<'_>,
    impressions: &[Impression],
    make: &mut dyn FnMut() -> Box<dyn Ranker>,
) -> RunResult {
    let (users, by_time) = users_in_order(world, impressions);
    let mut result = RunResult {
        ranks: vec![Vec::new(); impressions.len()],
        all: Mean::default(),
        buckets: [Mean::default(); 3],
        busy: Duration::ZERO,
    };
    for list in users {
        let started = Instant::now();
        let mut ranker = make();
        let mut learned: HashSet<Slot> = HashSet::new();
        for (k, &i) in list.iter().enumerate() {
            let imp = &impressions[i];
            if let Some((new, earlier)) = unlearned_history(&mut learned, imp, &by_time, world) {
                ranker.learn_opens(world, &new, earlier);
            }
            let scores = ranker.score(world, &imp.candidates);
            let ranks = ranks_from_scores(&scores);
            if let Some(f) = impression_figures(&imp.labels, &ranks) {
                result.all.add(f);
                result.buckets[bucket_of(k)].add(f);
            }
            result.ranks[i] = ranks;
            if !imp.is_labelled() {
                continue;
            }
            let clicked: Vec<bool> = imp.labels.iter().map(|&y| y == 1).collect();
            ranker.learn_impression(world, &imp.candidates, &clicked);
            for (&s, &c) in imp.candidates.iter().zip(&clicked) {
                if c {
                    learned.insert(s);
                }
            }
        }
        result.busy += started.elapsed();
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rank::corpus::{Corpus, ItemDoc};
    use crate::rank::embed::Embeddings;
    use std::cell::RefCell;
    use std::rc::Rc;

    /// Records every call so the test can check the order the protocol makes them in.
    #[derive(Debug, Clone, PartialEq)]
    enum Call {
        Opens(Vec<Slot>),
        Score(Vec<Slot>),
        Learn(Vec<Slot>, Vec<bool>),
    }

    struct Spy(Rc<RefCell<Vec<(String, Call)>>>, String);

    impl Ranker for Spy {
        fn learn_opens(&mut self, _: World<'_>, opened: &[Slot], earlier: &[Slot]) {
            assert!(!earlier.is_empty());
            self.0
                .borrow_mut()
                .push((self.1.clone(), Call::Opens(opened.to_vec())));
        }
        fn score(&mut self, _: World<'_>, c: &[Slot]) -> Vec<f32> {
            self.0
                .borrow_mut()
                .push((self.1.clone(), Call::Score(c.to_vec())));
            c.iter().map(|&s| s as f32).collect()
        }
        fn learn_impression(&mut self, _: World<'_>, c: &[Slot], y: &[bool]) {
            self.0
                .borrow_mut()
                .push((self.1.clone(), Call::Learn(c.to_vec(), y.to_vec())));
        }
    }

    fn imp(
        row: usize,
        user: &str,
        time: i64,
        history: &[Slot],
        cands: &[(Slot, u8)],
    ) -> Impression {
        Impression {
            row,
            id: (row + 1).to_string(),
            user: user.into(),
            time,
            history: history.to_vec(),
            candidates: cands.iter().map(|c| c.0).collect(),
            labels: cands.iter().map(|c| c.1).collect(),
        }
    }

    #[test]
    fn every_list_is_scored_before_its_labels_are_learned_and_users_start_fresh() {
        let docs: Vec<ItemDoc> = (0..8).map(ItemDoc::one_word).collect();
        let corpus = Corpus::build(&docs);
        let emb = Embeddings::from_vectors(1, vec![1.0; 8]);
        let world = World {
            corpus: &corpus,
            emb: &emb,
        };
        // U1's second impression comes first in the file but later in time.
        let imps = vec![
            imp(0, "U1", 20, &[0, 3], &[(5, 0), (6, 1)]),
            imp(1, "U2", 5, &[1], &[(3, 1), (4, 0)]),
            imp(2, "U1", 10, &[0], &[(3, 1), (4, 0)]),
        ];
        let log = Rc::new(RefCell::new(Vec::new()));
        let mut n = 0;
        let mut make = || -> Box<dyn Ranker> {
            n += 1;
            Box::new(Spy(log.clone(), format!("ranker{n}")))
        };
        let r = run(world, &imps, &mut make);
        assert_eq!(n, 2, "one fresh ranker per user");
        let calls: Vec<Call> = log.borrow().iter().map(|(_, c)| c.clone()).collect();
        assert_eq!(
            calls,
            vec![
                Call::Opens(vec![0]),
                Call::Score(vec![3, 4]),
                Call::Learn(vec![3, 4], vec![true, false]),
                // Item 3 reached the history by a click already learned: not learned twice.
                Call::Score(vec![5, 6]),
                Call::Learn(vec![5, 6], vec![false, true]),
                Call::Opens(vec![1]),
                Call::Score(vec![3, 4]),
                Call::Learn(vec![3, 4], vec![true, false]),
            ]
        );
        // No list's labels were available when it was scored: every Score precedes its Learn.
        for (i, c) in calls.iter().enumerate() {
            if let Call::Learn(s, _) = c {
                assert_eq!(calls[i - 1], Call::Score(s.clone()));
            }
        }
        assert_eq!(r.ranks[0], vec![2, 1]);
        assert_eq!(r.all.count, 3);
    }
}
