//! What For you learned, in the open: the feeds, authors, sites and words that count most for
//! and against an item, each with its weight and the evidence behind it, read from the model
//! itself (and stored with it, so Settings and `focusfeed model` show what ranks). And "forget
//! this": one learned weight removed, and kept from being learned again, nothing else.

use super::corpus::{Corpus, Slot};
use super::model::{Counts, UserModel};
use super::plain_words::is_plain;
use super::words::{WordTaste, nameable};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap, HashSet};

/// Rows shown per kind and direction: enough to see a pattern, few enough to read.
pub const ROWS_PER_SIDE: usize = 6;
/// Strongest rows tried per side, so that spelling words stays cheap when few can be spelled.
const MAX_TRIED: usize = 10 * ROWS_PER_SIDE;
/// A weight this small is no reason for or against anything.
const MIN_WEIGHT: f32 = 0.05;
/// A word needs this many remembered items (opened or skipped) holding it to be a row.
const MIN_WORD_ITEMS: f32 = 3.0;
/// Pseudo-items pulling a word's open rate toward the user's overall rate (as `WordTaste`).
const WORD_PRIOR: f32 = 2.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LearnedKind {
    Feed,
    Author,
    Site,
    Word,
}

impl LearnedKind {
    pub const ALL: [LearnedKind; 4] = [Self::Feed, Self::Author, Self::Site, Self::Word];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Feed => "feed",
            Self::Author => "author",
            Self::Site => "site",
            Self::Word => "word",
        }
    }
}

/// One learned weight by what it is about, keyed as the stored model keys it: a feed by its id
/// (as text), an author lowercased, a site by its host, a word by its analyzed term.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LearnedKey {
    pub kind: LearnedKind,
    pub key: String,
}

/// One row of "What For you learned".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LearnedRow {
    pub kind: LearnedKind,
    pub key: String,
    /// As the reader knows it: the feed's title, the author as spelled, the host, the word as
    /// a title spells it.
    pub label: String,
    /// Log-odds it adds to an item's score (negative: against).
    pub weight: f32,
    pub opened: f32,
    pub shown: f32,
}

impl LearnedRow {
    pub fn key(&self) -> LearnedKey {
        LearnedKey {
            kind: self.kind,
            key: self.key.clone(),
        }
    }
}

/// What the user told the model to forget, stored as a setting so it outlives the model (a
/// rebuild from events forgets them again).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Forgotten(pub BTreeSet<LearnedKey>);

impl Forgotten {
    /// Reads the stored form; an unreadable one forgets nothing rather than failing For you.
    pub fn parse(value: Option<&str>) -> Self {
        value
            .and_then(|v| serde_json::from_str(v).ok())
            .unwrap_or_default()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "[]".into())
    }
}

/// The forgotten keys as corpus ids, which the model checks as it learns.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ForgottenIds {
    pub feeds: HashSet<u32>,
    pub authors: HashSet<u32>,
    pub domains: HashSet<u32>,
    pub terms: HashSet<u32>,
}

fn position(table: &[String], key: &str) -> Option<u32> {
    table.iter().position(|k| k == key).map(|i| i as u32)
}

impl UserModel {
    /// Forgets one learned weight: its counts, its feed bias or its profile term, and keeps it
    /// from being learned again. Everything else the model holds stays as it is.
    pub fn forget_one(&mut self, corpus: &Corpus, key: &LearnedKey) {
        let k = key.key.as_str();
        match key.kind {
            LearnedKind::Feed => {
                if let Some(id) = position(&corpus.feeds, k) {
                    self.feeds.remove(&id);
                    self.feed_bias.remove(&id);
                    self.forgotten.feeds.insert(id);
                }
            }
            LearnedKind::Author => {
                if let Some(id) = position(&corpus.authors, k) {
                    self.authors.remove(&id);
                    self.forgotten.authors.insert(id);
                }
            }
            LearnedKind::Site => {
                if let Some(id) = position(&corpus.domains, k) {
                    self.domains.remove(&id);
                    self.forgotten.domains.insert(id);
                }
            }
            LearnedKind::Word => {
                if let Some(&id) = corpus.term_of.get(k) {
                    self.profile.remove(&id);
                    self.forgotten.terms.insert(id);
                }
            }
        }
    }

    /// Applies every stored forget (at load, and after items with new feeds arrived).
    pub fn forget_all(&mut self, corpus: &Corpus, forgotten: &Forgotten) {
        for key in &forgotten.0 {
            self.forget_one(corpus, key);
        }
    }
}

/// The smoothed open rate's log-odds over the user's overall rate: what the group adds to the
/// score on its own (the scorer's part when it is an item's broadest group).
fn lift(c: Counts, base: f32, prior_shows: f32) -> f32 {
    let logit = |p: f32| {
        let p = p.clamp(1e-4, 1.0 - 1e-4);
        (p / (1.0 - p)).ln()
    };
    logit((c.clicks + prior_shows * base) / (c.shows + prior_shows)) - logit(base)
}

/// The word as a title spells it: the first word of a remembered item's title (opened ones
/// first) that starts with the stem, CJK bigrams included (found inside a run of characters).
fn spelled(corpus: &Corpus, slots: &[Slot], term: &str) -> Option<String> {
    let cjk = term.starts_with(crate::search::is_cjk);
    slots.iter().find_map(|&s| {
        let title = &corpus.titles[s];
        if cjk {
            return title.contains(term).then(|| term.to_owned());
        }
        title
            .split(|c: char| !c.is_alphanumeric())
            .map(str::to_lowercase)
            .find(|w| w.starts_with(term))
    })
}

/// The strongest rows for and against, per kind, strongest first within each kind.
pub fn learned_rows(corpus: &Corpus, model: &UserModel) -> Vec<LearnedRow> {
    let base = model.base_rate();
    let cfg = &model.cfg;
    let mut rows: Vec<LearnedRow> = Vec::new();
    for (&id, &c) in &model.feeds {
        let bias = model.feed_bias.get(&id).copied().unwrap_or(0.0);
        let Some(key) = corpus.feeds.get(id as usize) else {
            continue;
        };
        rows.push(LearnedRow {
            kind: LearnedKind::Feed,
            key: key.clone(),
            label: corpus.feed_names.get(id as usize).unwrap_or(key).clone(),
            weight: cfg.w_feed * lift(c, base, cfg.prior_shows) + cfg.w_linear * bias,
            opened: c.clicks,
            shown: c.shows,
        });
    }
    for (&id, &c) in &model.authors {
        let Some(key) = corpus.authors.get(id as usize) else {
            continue;
        };
        rows.push(LearnedRow {
            kind: LearnedKind::Author,
            key: key.clone(),
            label: corpus.author_names.get(id as usize).unwrap_or(key).clone(),
            weight: cfg.w_author * lift(c, base, cfg.prior_shows),
            opened: c.clicks,
            shown: c.shows,
        });
    }
    for (&id, &c) in &model.domains {
        let Some(key) = corpus.domains.get(id as usize) else {
            continue;
        };
        rows.push(LearnedRow {
            kind: LearnedKind::Site,
            key: key.clone(),
            label: key.clone(),
            weight: cfg.w_domain * lift(c, base, cfg.prior_shows),
            opened: c.clicks,
            shown: c.shows,
        });
    }
    rows.extend(word_rows(corpus, model));
    let remembered: Vec<Slot> = model.clicks.iter().chain(&model.skips).copied().collect();
    let mut out = Vec::new();
    for kind in LearnedKind::ALL {
        let mut mine: Vec<&LearnedRow> = rows
            .iter()
            .filter(|r| r.kind == kind && r.weight.abs() >= MIN_WEIGHT)
            .collect();
        mine.sort_by(|a, b| b.weight.total_cmp(&a.weight).then(a.key.cmp(&b.key)));
        // A word is shown as a title spells it, or not at all: a stem ("everi") means nothing
        // to a reader, and a plain word ("every") says nothing. Spelled only for the rows
        // tried, not for every word of the remembered items.
        let shown = |r: &LearnedRow| -> Option<LearnedRow> {
            if r.kind != LearnedKind::Word {
                return Some(r.clone());
            }
            let word = spelled(corpus, &remembered, &r.key)?;
            (!is_plain(&word)).then(|| LearnedRow {
                label: word,
                ..r.clone()
            })
        };
        let for_it: Vec<LearnedRow> = mine
            .iter()
            .filter(|r| r.weight > 0.0)
            .take(MAX_TRIED)
            .filter_map(|r| shown(r))
            .take(ROWS_PER_SIDE)
            .collect();
        let mut against: Vec<LearnedRow> = mine
            .iter()
            .rev()
            .filter(|r| r.weight < 0.0)
            .take(MAX_TRIED)
            .filter_map(|r| shown(r))
            .take(ROWS_PER_SIDE)
            .collect();
        against.reverse();
        out.extend(for_it);
        out.extend(against);
    }
    out
}

/// Words by how much more (or less) often the remembered items holding them were opened than
/// the user's items overall, as the explanations count them.
fn word_rows(corpus: &Corpus, model: &UserModel) -> Vec<LearnedRow> {
    let taste = WordTaste::new(corpus, model);
    let Some(base) = taste.base() else {
        return Vec::new();
    };
    let mut by_term: HashMap<u32, (f32, f32)> = HashMap::new();
    for (&t, &c) in taste.counts() {
        by_term.insert(t, c);
    }
    let mut out = Vec::new();
    for (t, (opened, skipped)) in by_term {
        let Some(term) = corpus.terms.get(t as usize) else {
            continue;
        };
        if opened + skipped < MIN_WORD_ITEMS || !nameable(term) {
            continue;
        }
        let rate = (opened + WORD_PRIOR * base) / (opened + skipped + WORD_PRIOR);
        let weight = (rate / base.max(1e-6)).ln();
        out.push(LearnedRow {
            kind: LearnedKind::Word,
            key: term.clone(),
            label: term.clone(),
            weight,
            opened,
            shown: opened + skipped,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rank::corpus::ItemDoc;
    use crate::rank::embed::embed;
    use crate::rank::model::{ModelConfig, World, learned_from_lists};

    /// 48 items in three feeds on three sites, each feed with an author and words of its own.
    fn corpus() -> Corpus {
        let topics = [
            ["comet", "telescope"],
            ["election", "vote"],
            ["garden", "seed"],
        ];
        let docs: Vec<ItemDoc> = (0..48)
            .map(|i| {
                let f = (i % 3) as usize;
                ItemDoc {
                    id: i,
                    feed: format!("{f}"),
                    feed_name: format!("Feed {f}"),
                    author: Some(format!("Author {f}")),
                    domain: Some(format!("site{f}.example")),
                    published: i,
                    terms: topics[f]
                        .iter()
                        .map(|w| ((*w).to_owned(), 1.0))
                        .chain([(format!("common{}", i % 4), 0.5)])
                        .collect(),
                    title: format!("{} {} news", topics[f][0], topics[f][1]),
                }
            })
            .collect();
        Corpus::build(&docs)
    }

    #[test]
    fn forget_this_removes_exactly_one_learned_weight() {
        let c = corpus();
        let e = embed(&c, 4, 1);
        let world = World {
            corpus: &c,
            emb: &e,
        };
        // Feed 0's items are opened, feed 1's skipped, feed 2's opened now and then.
        let mut m = learned_from_lists(world, 0..48, |s| s % 3 == 0 || s % 12 == 2);
        let before = learned_rows(&c, &m);
        let kinds: HashSet<LearnedKind> = before.iter().map(|r| r.kind).collect();
        assert_eq!(
            kinds.len(),
            4,
            "feeds, authors, sites and words: {before:?}"
        );
        let feed1 = before
            .iter()
            .find(|r| r.kind == LearnedKind::Feed && r.label == "Feed 1")
            .unwrap_or_else(|| panic!("feed 1 counts against: {before:?}"));
        assert!(feed1.weight < 0.0 && feed1.opened == 0.0 && feed1.shown == 16.0);
        let score_before = m.score(world, 4);
        m.forget_one(&c, &feed1.key());
        let after = learned_rows(&c, &m);
        let removed: Vec<&LearnedRow> = before.iter().filter(|r| !after.contains(r)).collect();
        assert_eq!(removed, vec![feed1], "only that row went");
        assert_eq!(after.len(), before.len() - 1, "no row came or changed");
        assert!(
            m.score(world, 4) > score_before,
            "feed 1 no longer counts against"
        );
        // Learning more of feed 1 does not bring it back.
        m.learn_impression(world, &[1, 4, 7], &[false, false, false]);
        assert!(
            !learned_rows(&c, &m)
                .iter()
                .any(|r| r.kind == LearnedKind::Feed && r.key == feed1.key)
        );
    }

    #[test]
    fn a_forgotten_word_leaves_the_profile_and_the_page() {
        let c = corpus();
        let e = embed(&c, 4, 1);
        let world = World {
            corpus: &c,
            emb: &e,
        };
        let mut m = learned_from_lists(world, 0..48, |s| s % 3 == 0);
        let comet = LearnedKey {
            kind: LearnedKind::Word,
            key: "comet".into(),
        };
        assert!(learned_rows(&c, &m).iter().any(|r| r.key() == comet));
        let term = c.term_of["comet"];
        assert!(m.profile.contains_key(&term));
        m.forget_one(&c, &comet);
        assert!(!m.profile.contains_key(&term));
        assert!(!learned_rows(&c, &m).iter().any(|r| r.key() == comet));
        assert!(learned_rows(&c, &m).iter().any(|r| r.key == "telescope"));
    }

    #[test]
    fn the_forgotten_list_round_trips_and_survives_a_bad_value() {
        let mut f = Forgotten::default();
        f.0.insert(LearnedKey {
            kind: LearnedKind::Site,
            key: "example.org".into(),
        });
        assert_eq!(Forgotten::parse(Some(&f.to_json())), f);
        assert_eq!(Forgotten::parse(Some("not json")), Forgotten::default());
        assert_eq!(Forgotten::parse(None), Forgotten::default());
        let _ = ModelConfig::default();
    }
}
