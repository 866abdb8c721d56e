//! Why an item is in For you, in words that name the real features that scored it: the feed's
//! click rate, the words it shares with what the user opened, the opened item it is most like,
//! a rule, or an exploration slot.

use super::corpus::{Corpus, Slot};
use super::model::{Counts, Parts, UserModel};
use serde::Serialize;

/// One reason, with the feature it comes from and how much it added to the score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    /// `feed`, `author`, `domain`, `words`, `similar`, `unlike`, `taste`, `profile`, `rule`,
    /// `explore`, `recency`.
    pub feature: String,
    pub text: String,
    pub weight: f32,
}

/// Plain words: function words, numbers and words of time. They score in a small corpus's
/// tf-idf ("two" can be in every item a user opened) but explain nothing to a reader. Sorted,
/// for `binary_search`; some are the stems the analyzer makes ("thi", "befor").
const PLAIN_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "befor",
    "before",
    "being",
    "below",
    "between",
    "billion",
    "both",
    "but",
    "by",
    "can",
    "could",
    "day",
    "days",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "eight",
    "eighty",
    "eleven",
    "even",
    "every",
    "few",
    "fifty",
    "first",
    "five",
    "for",
    "forty",
    "four",
    "from",
    "further",
    "had",
    "half",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "him",
    "his",
    "how",
    "hundred",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "just",
    "last",
    "least",
    "less",
    "made",
    "make",
    "many",
    "may",
    "me",
    "might",
    "million",
    "month",
    "months",
    "more",
    "most",
    "much",
    "must",
    "my",
    "near",
    "never",
    "new",
    "next",
    "nine",
    "ninety",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "our",
    "out",
    "over",
    "own",
    "per",
    "said",
    "same",
    "say",
    "says",
    "second",
    "see",
    "seven",
    "she",
    "should",
    "since",
    "six",
    "sixty",
    "so",
    "some",
    "still",
    "such",
    "ten",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "thi",
    "third",
    "thirty",
    "this",
    "those",
    "thousand",
    "three",
    "through",
    "time",
    "times",
    "to",
    "today",
    "tomorrow",
    "too",
    "twelve",
    "twenty",
    "two",
    "under",
    "until",
    "up",
    "us",
    "very",
    "was",
    "way",
    "we",
    "week",
    "weeks",
    "well",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "within",
    "without",
    "would",
    "year",
    "years",
    "yesterday",
    "yet",
    "you",
    "your",
];

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
/// "Like <an opened item>" only names an item this close (cosine of the item vectors): a
/// faintly similar one would mislead more than explain.
const MIN_LIKE_COSINE: f32 = 0.5;
/// Pseudo-items pulling a word's open rate toward the user's overall rate.
const WORD_PRIOR: f32 = 2.0;

impl WordTaste {
    pub fn new(corpus: &Corpus, model: &UserModel) -> Self {
        let mut counts = std::collections::HashMap::new();
        for (slots, opened) in [(&model.clicks, true), (&model.skips, false)] {
            for &s in slots.iter() {
                for &(t, _) in &corpus.rows[s] {
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

    /// How the word reason reads: it says which evidence chose the words.
    pub fn label(&self) -> &'static str {
        if self.base.is_some() {
            "words you open:"
        } else {
            "words you read about:"
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
        .filter(|(t, _)| {
            let word = corpus.terms[*t as usize].as_str();
            word.chars().count() > 2 && !is_plain(word)
        })
        .map(|&(t, x)| (x * taste.lift(model, t), t))
        .filter(|(s, _)| *s > 0.0)
        .collect();
    w.sort_by(|a, b| b.0.total_cmp(&a.0));
    // Terms are stems ("tini", "befor"): name the word as the title spells it, and leave out
    // stems the title does not show — a reason should point at something the reader can see.
    let title_words: Vec<String> = corpus.titles[slot]
        .split(|c: char| !c.is_alphanumeric())
        .filter(|x| !x.is_empty())
        .map(str::to_lowercase)
        .collect();
    let mut out: Vec<String> = Vec::new();
    for (_, t) in w {
        let stem = corpus.terms[t as usize].as_str();
        if let Some(word) = title_words.iter().find(|x| x.starts_with(stem))
            && !is_plain(word)
            && !out.contains(word)
        {
            out.push(word.clone());
        }
        if out.len() == n {
            break;
        }
    }
    out
}

fn is_plain(word: &str) -> bool {
    PLAIN_WORDS.binary_search(&word).is_ok()
}

/// What the list says when nothing personal explains an item: its age, counted the way the
/// item list counts it (whole hours, whole days), so the two never disagree.
pub fn age_reason(age_days: f32) -> String {
    let minutes = (age_days.max(0.0) * 1440.0) as u64;
    let age = match minutes {
        0..60 => format!("{minutes} min"),
        60..1440 => format!("{} h", minutes / 60),
        _ => format!("{} d", minutes / 1440),
    };
    format!("{RECENCY_PREFIX}{age} ago")
}

/// How [`age_reason`] starts, so a list that already shows the age can leave it out.
pub const RECENCY_PREFIX: &str = "published ";

/// The open rate from which a feed or site is said to be opened "often": one in five.
const OFTEN_RATE: f32 = 0.2;

/// "feed X you open often (4 of 11 shown)"; with a single open, or one in twenty, "often" would
/// overstate it, so the count is given with what makes it a reason (only a feed or site opened
/// more than the user's overall rate is named): "feed X: you opened 2 of 48 shown, above your
/// usual rate".
fn opened_text(subject: &str, c: Counts) -> String {
    if c.clicks >= 1.5 && c.clicks >= OFTEN_RATE * c.shows {
        format!(
            "{subject} you open often ({:.0} of {:.0} shown)",
            c.clicks, c.shows
        )
    } else {
        format!(
            "{subject}: you opened {:.0} of {:.0} shown, above your usual rate",
            c.clicks, c.shows
        )
    }
}

/// Reasons from the model's parts, most important first; only parts that pushed the item up.
pub fn explain(
    corpus: &Corpus,
    model: &UserModel,
    taste: &WordTaste,
    slot: Slot,
    parts: &Parts,
) -> Vec<Reason> {
    let mut out = Vec::new();
    let feed = &corpus.feed_names[corpus.feed[slot] as usize];
    if parts.feed > 0.05 {
        let c = model
            .feeds
            .get(&corpus.feed[slot])
            .copied()
            .unwrap_or_default();
        out.push(Reason {
            feature: "feed".into(),
            text: opened_text(&format!("feed {feed}"), c),
            weight: parts.feed,
        });
    }
    if parts.author > 0.05
        && let Some(a) = corpus.author[slot]
    {
        out.push(Reason {
            feature: "author".into(),
            text: format!("by {} whom you read", corpus.author_names[a as usize]),
            weight: parts.author,
        });
    }
    if parts.domain > 0.05
        && let Some(d) = corpus.domain[slot]
    {
        let c = model.domains.get(&d).copied().unwrap_or_default();
        out.push(Reason {
            feature: "domain".into(),
            text: opened_text(&format!("from {}", corpus.domains[d as usize]), c),
            weight: parts.domain,
        });
    }
    let words = shared_words(corpus, model, taste, slot, 3);
    if !words.is_empty() && (parts.profile > 0.0 || parts.neighbours > 0.0) {
        out.push(Reason {
            feature: "words".into(),
            text: format!("{} {}", taste.label(), words.join(", ")),
            weight: parts.profile.max(0.01),
        });
    }
    if let Some(near) = parts.nearest_click
        && parts.neighbours > 0.0
        && parts.nearest_cosine >= MIN_LIKE_COSINE
        && near != slot
    {
        out.push(Reason {
            feature: "similar".into(),
            text: format!("like \u{201c}{}\u{201d}", corpus.titles[near]),
            weight: parts.neighbours,
        });
    }
    if parts.linear > 0.05 {
        out.push(Reason {
            feature: "taste".into(),
            text: "close to the topics you open".into(),
            weight: parts.linear,
        });
    }
    out.sort_by(|a, b| b.weight.total_cmp(&a.weight));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rank::corpus::ItemDoc;
    use crate::rank::embed::embed;
    use crate::rank::model::{ModelConfig, World};

    #[test]
    fn a_single_open_or_a_low_rate_is_not_called_often() {
        let once = Counts {
            clicks: 1.0,
            shows: 19.0,
        };
        let four = Counts {
            clicks: 4.0,
            shows: 11.0,
        };
        assert_eq!(
            opened_text("feed G", once),
            "feed G: you opened 1 of 19 shown, above your usual rate"
        );
        assert_eq!(
            opened_text("feed G", four),
            "feed G you open often (4 of 11 shown)"
        );
        let rarely = Counts {
            clicks: 2.0,
            shows: 48.0,
        };
        assert_eq!(
            opened_text("feed G", rarely),
            "feed G: you opened 2 of 48 shown, above your usual rate"
        );
    }

    #[test]
    fn the_age_reason_counts_as_the_item_list_does() {
        // 71.8 hours: the list shows "2 d", so the reason must not say "72 h".
        assert_eq!(age_reason(71.8 / 24.0), "published 2 d ago");
        assert_eq!(age_reason(5.5 / 24.0), "published 5 h ago");
        assert_eq!(age_reason(0.01), "published 14 min ago");
        assert!(age_reason(-1.0).starts_with(RECENCY_PREFIX));
    }

    fn doc(id: i64, title: &str) -> ItemDoc {
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
    fn words_named(opened: &str, skipped: &str, candidate: &str) -> (&'static str, Vec<String>) {
        let docs: Vec<ItemDoc> = (0..12)
            .map(|i| match i % 3 {
                0 => doc(i, opened),
                _ => doc(i, skipped),
            })
            .chain([doc(100, candidate)])
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
            PLAIN_WORDS.windows(2).all(|w| w[0] < w[1]),
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

    #[test]
    fn like_an_opened_item_is_said_only_of_a_close_one() {
        let docs = vec![doc(1, "Telescope comet"), doc(2, "Telescope mirror")];
        let corpus = Corpus::build(&docs);
        let model = UserModel::new(ModelConfig::default(), 2, 1);
        let taste = WordTaste::new(&corpus, &model);
        let similar = |cosine: f32| {
            let parts = Parts {
                neighbours: 1.0,
                nearest_click: Some(0),
                nearest_cosine: cosine,
                ..Parts::default()
            };
            explain(&corpus, &model, &taste, 1, &parts)
                .iter()
                .any(|r| r.feature == "similar")
        };
        assert!(similar(0.8));
        assert!(!similar(0.3), "a faint likeness is not offered as a reason");
    }
}
