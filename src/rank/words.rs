//! Which words of an item's title to name as a reason: the words this user opens more than
//! they skip ([`WordTaste`]), spelled as the title spells them, CJK words included (joined back
//! from the analyzer's bigrams).

use super::corpus::{Corpus, Slot};
use super::model::UserModel;
use super::plain_words::is_plain;
use crate::search::is_cjk;
use std::collections::HashMap;

/// Which words this user opens more than they skip, counted once per list over the remembered
/// opened and skipped items (the same memory the neighbour part scores with).
pub struct WordTaste {
    /// Term id → (opened items holding it, skipped items holding it).
    counts: std::collections::HashMap<u32, (f32, f32)>,
    /// Share of remembered items that were opened; `None` with no skips to compare against.
    base: Option<f32>,
    /// Fallback without skips: the profile's strongest weight.
    strongest: f32,
}

/// A word must be in this many opened items before it is offered as a reason.
const MIN_OPENED_WITH_WORD: f32 = 2.0;
/// … and its items opened at least this many times as often as the user's items overall.
const MIN_LIFT: f32 = 1.5;
/// Pseudo-items pulling a word's open rate toward the user's overall rate.
const WORD_PRIOR: f32 = 2.0;

impl WordTaste {
    pub fn new(corpus: &Corpus, model: &UserModel) -> Self {
        let mut counts = std::collections::HashMap::new();
        for (slots, opened) in [(&model.clicks, true), (&model.skips, false)] {
            for &s in slots.iter() {
                for &(t, _) in &corpus.rows[s] {
                    // A word the user told the model to forget is no reason for anything.
                    let skip = &model.forgotten.terms;
                    if !skip.is_empty() && skip.contains(&t) {
                        continue;
                    }
                    let e = counts.entry(t).or_insert((0.0f32, 0.0f32));
                    if opened {
                        e.0 += 1.0;
                    } else {
                        e.1 += 1.0;
                    }
                }
            }
        }
        let (o, k) = (model.clicks.len() as f32, model.skips.len() as f32);
        Self {
            counts,
            base: (k > 0.0).then(|| o / (o + k)),
            strongest: model.profile.values().fold(0.0f32, |a, &b| a.max(b)),
        }
    }

    /// Term id → (remembered opened items holding it, skipped ones holding it).
    pub fn counts(&self) -> &std::collections::HashMap<u32, (f32, f32)> {
        &self.counts
    }

    /// Share of remembered items that were opened; `None` with nothing skipped yet.
    pub fn base(&self) -> Option<f32> {
        self.base
    }

    /// How the word reason reads: it says which evidence chose the words.
    pub fn label(&self) -> String {
        if self.base.is_some() {
            rust_i18n::t!("reason.words_open").into_owned()
        } else {
            rust_i18n::t!("reason.words_read").into_owned()
        }
    }

    /// How strongly term `t` marks what this user opens (0: not at all), and whether it counts.
    fn lift(&self, model: &UserModel, t: u32) -> f32 {
        let (opened, skipped) = self.counts.get(&t).copied().unwrap_or((0.0, 0.0));
        if opened < MIN_OPENED_WITH_WORD {
            return 0.0;
        }
        match self.base {
            // Opened more than skipped: "show" or "week" turn up in both and are no reason.
            Some(base) => {
                let rate = (opened + WORD_PRIOR * base) / (opened + skipped + WORD_PRIOR);
                let lift = rate / base.max(1e-6);
                if lift >= MIN_LIFT { lift.ln() } else { 0.0 }
            }
            // Nothing skipped yet (opens from search or another device): words the profile
            // holds strongly, at least a quarter of its strongest.
            None => {
                let p = model.profile.get(&t).copied().unwrap_or(0.0);
                if p >= 0.25 * self.strongest { p } else { 0.0 }
            }
        }
    }
}

/// Words of a candidate's title that mark what the user opens (see [`WordTaste`]), strongest
/// first, as the title spells them.
pub fn shared_words(
    corpus: &Corpus,
    model: &UserModel,
    taste: &WordTaste,
    slot: Slot,
    n: usize,
) -> Vec<String> {
    let mut w: Vec<(f32, u32)> = corpus.rows[slot]
        .iter()
        .filter(|(t, _)| nameable(corpus.terms[*t as usize].as_str()))
        .map(|&(t, x)| (x * taste.lift(model, t), t))
        .filter(|(s, _)| *s > 0.0)
        .collect();
    w.sort_by(|a, b| b.0.total_cmp(&a.0));
    let title = corpus.titles[slot].as_str();
    let (cjk, latin): (Vec<_>, Vec<_>) = w
        .into_iter()
        .partition(|&(_, t)| corpus.terms[t as usize].starts_with(is_cjk));
    // Terms are stems ("tini", "befor"): name the word as the title spells it, and leave out
    // stems the title does not show — a reason should point at something the reader can see.
    let title_words: Vec<String> = title
        .split(|c: char| !c.is_alphanumeric() || is_cjk(c))
        .filter(|x| !x.is_empty())
        .map(str::to_lowercase)
        .collect();
    let mut named: Vec<(f32, String)> = Vec::new();
    for (score, t) in latin {
        let stem = corpus.terms[t as usize].as_str();
        if let Some(word) = title_words.iter().find(|x| x.starts_with(stem))
            && !is_plain(word)
            && !named.iter().any(|(_, x)| x == word)
        {
            named.push((score, word.clone()));
        }
        if named.len() == n {
            break;
        }
    }
    let bigrams: HashMap<&str, f32> = cjk
        .iter()
        .map(|&(s, t)| (corpus.terms[t as usize].as_str(), s))
        .collect();
    named.extend(cjk_words(title, &bigrams));
    // Stable: among equal scores, Latin words keep the order they had before CJK was named.
    named.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut out: Vec<String> = Vec::new();
    for (_, word) in named {
        if !out.contains(&word) {
            out.push(word);
        }
        if out.len() == n {
            break;
        }
    }
    out
}

/// Whether an analyzed term may be named at all: a Latin stem of three letters or more, or a
/// CJK bigram that is not all Hiragana (kana endings and particles: "ます", "して"); plain
/// words never.
pub(super) fn nameable(term: &str) -> bool {
    let long_enough = if term.starts_with(is_cjk) {
        term.chars().count() >= 2 && !term.chars().all(|c| matches!(c, '\u{3041}'..='\u{309F}'))
    } else {
        term.chars().count() > 2
    };
    long_enough && !is_plain(term)
}

/// The CJK words of `title` that the given bigrams (with their scores) cover: the analyzer cut
/// "番茄工作法" into 番茄, 茄工, 工作, 作法, so when all of them mark the user's taste the reader
/// should see "番茄工作法", and when only 番茄 does, "番茄". A run of covered characters is
/// one word, scored as its strongest bigram.
fn cjk_words(title: &str, bigrams: &HashMap<&str, f32>) -> Vec<(f32, String)> {
    let mut out = Vec::new();
    if bigrams.is_empty() {
        return out;
    }
    // The current word: its start, its end, its score.
    let mut word: Option<(usize, usize, f32)> = None;
    let mut prev: Option<usize> = None;
    for (at, c) in title.char_indices() {
        let end = at + c.len_utf8();
        let cjk = c.is_alphanumeric() && is_cjk(c);
        let score = match (prev, cjk) {
            (Some(p), true) => title.get(p..end).and_then(|b| bigrams.get(b)).copied(),
            _ => None,
        };
        match (score, word.as_mut(), prev) {
            (Some(s), Some(w), _) if w.1 == at => {
                w.1 = end;
                w.2 = w.2.max(s);
            }
            (Some(s), _, Some(p)) => {
                out.extend(word.take().and_then(|w| span(title, w)));
                word = Some((p, end, s));
            }
            _ => {}
        }
        prev = cjk.then_some(at);
    }
    out.extend(word.and_then(|w| span(title, w)));
    out
}

fn span(title: &str, (from, to, score): (usize, usize, f32)) -> Option<(f32, String)> {
    title.get(from..to).map(|s| (score, s.to_owned()))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::rank::corpus::ItemDoc;
    use crate::rank::embed::embed;
    use crate::rank::model::{ModelConfig, World};

    pub(crate) fn doc(id: i64, title: &str) -> ItemDoc {
        let words: Vec<&str> = title.split(' ').collect();
        let w = 1.0 / (words.len() as f32).sqrt();
        ItemDoc {
            id,
            feed: "Sky".into(),
            feed_name: String::new(),
            author: None,
            domain: None,
            published: id,
            terms: words.iter().map(|x| (x.to_lowercase(), w)).collect(),
            title: title.into(),
        }
    }

    /// Twelve items, every third titled `opened` and opened, the rest `skipped` and skipped,
    /// in one list; then the label and the words named for a new item titled `candidate`.
    fn words_named(opened: &str, skipped: &str, candidate: &str) -> (String, Vec<String>) {
        words_named_as(doc, opened, skipped, candidate)
    }

    /// [`words_named`] with the items' terms made by `make` (split on spaces, or analyzed).
    fn words_named_as(
        make: fn(i64, &str) -> ItemDoc,
        opened: &str,
        skipped: &str,
        candidate: &str,
    ) -> (String, Vec<String>) {
        let docs: Vec<ItemDoc> = (0..12)
            .map(|i| match i % 3 {
                0 => make(i, opened),
                _ => make(i, skipped),
            })
            .chain([make(100, candidate)])
            .collect();
        let corpus = Corpus::build(&docs);
        let emb = embed(&corpus, 2, 1);
        let world = World {
            corpus: &corpus,
            emb: &emb,
        };
        let mut model = UserModel::new(ModelConfig::default(), emb.dims, 1);
        let shown: Vec<Slot> = (0..12).collect();
        let clicked: Vec<bool> = shown.iter().map(|s| s % 3 == 0).collect();
        model.learn_impression(world, &shown, &clicked);
        let taste = WordTaste::new(&corpus, &model);
        let slot = corpus.slot(100).unwrap_or_else(|| panic!("slot"));
        (
            taste.label(),
            shared_words(&corpus, &model, &taste, slot, 3),
        )
    }

    #[test]
    fn words_named_are_the_ones_opened_more_than_skipped() {
        // "week" is in every item, opened or not; "telescope" only in the opened ones.
        let (label, words) = words_named(
            "Telescope week comet",
            "Election week vote",
            "Telescope week mirror",
        );
        assert_eq!(label, "words you open:");
        assert_eq!(words, vec!["telescope".to_string()]);
    }

    #[test]
    fn number_and_time_words_are_never_named() {
        assert!(
            crate::rank::plain_words::PLAIN_WORDS
                .windows(2)
                .all(|w| w[0] < w[1]),
            "sorted, no repeats"
        );
        // "two" and "weeks" are in every opened item and no skipped one: they still explain
        // nothing, "comet" does.
        let (_, words) = words_named("Two weeks comet", "Election vote", "Two weeks comet tail");
        assert_eq!(words, vec!["comet".to_string()]);
    }

    #[test]
    fn without_skips_the_profile_picks_the_words() {
        let docs = vec![
            doc(1, "Telescope comet"),
            doc(2, "Telescope mirror"),
            doc(3, "Telescope lens"),
        ];
        let corpus = Corpus::build(&docs);
        let emb = embed(&corpus, 2, 1);
        let world = World {
            corpus: &corpus,
            emb: &emb,
        };
        let mut model = UserModel::new(ModelConfig::default(), emb.dims, 1);
        model.learn_opens(world, &[0, 1], &[]);
        let taste = WordTaste::new(&corpus, &model);
        assert_eq!(taste.label(), "words you read about:");
        assert_eq!(
            shared_words(&corpus, &model, &taste, 2, 3),
            vec!["telescope".to_string()]
        );
    }

    /// An item whose terms are the analyzer's own (bigrams for CJK), each weighted alike.
    fn analyzed_doc(id: i64, title: &str) -> ItemDoc {
        let terms = crate::search::tokenize(title);
        let w = 1.0 / (terms.len() as f32).sqrt();
        ItemDoc {
            terms: terms.into_iter().map(|t| (t, w)).collect(),
            ..doc(id, title)
        }
    }

    #[test]
    fn chinese_words_are_named_as_the_title_spells_them() {
        let (_, mut words) = words_named_as(
            analyzed_doc,
            "番茄工作法与看板",
            "选举投票结果",
            "看板和番茄钟",
        );
        words.sort();
        assert_eq!(words, vec!["番茄".to_string(), "看板".to_string()]);
    }

    #[test]
    fn covered_bigrams_join_into_the_words_of_the_title() {
        let words = |title: &str, bigrams: &[&str]| -> Vec<String> {
            let map: HashMap<&str, f32> = bigrams.iter().map(|b| (*b, 1.0)).collect();
            cjk_words(title, &map).into_iter().map(|(_, w)| w).collect()
        };
        assert_eq!(
            words("番茄工作法", &["番茄", "茄工", "工作", "作法"]),
            vec!["番茄工作法"]
        );
        assert_eq!(words("番茄工作法", &["番茄", "作法"]), vec!["番茄", "作法"]);
        assert_eq!(words("番茄工作法", &["番茄", "工作"]), vec!["番茄", "工作"]);
        assert_eq!(
            words("用Rust写看板，看板好", &["看板"]),
            vec!["看板", "看板"]
        );
        assert!(words("番茄", &[]).is_empty());
        assert!(words("番 茄", &["番茄"]).is_empty(), "not across a space");
    }

    #[test]
    fn kana_endings_and_lone_characters_are_not_named() {
        assert!(!nameable("ます"));
        assert!(!nameable("猫"));
        assert!(!nameable("我们"));
        assert!(nameable("番茄"));
        assert!(nameable("タワ"));
        assert!(nameable("telescop"));
        assert!(!nameable("two"));
    }
}
