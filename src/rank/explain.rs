//! Why an item is in For you, in words that name the real features that scored it: the feed's
//! click rate, the words it shares with what the user opened, the opened item it is most like,
//! a rule, or an exploration slot.

use super::corpus::{Corpus, Slot};
use super::model::{Parts, UserModel};
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

/// Function words: they score in a small corpus's tf-idf but explain nothing to a reader.
const FUNCTION_WORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "an", "and", "are", "as", "at", "be", "been", "befor",
    "before", "but", "by", "can", "do", "for", "from", "had", "has", "have", "he", "her", "his",
    "how", "i", "if", "in", "into", "is", "it", "its", "more", "new", "no", "not", "of", "on",
    "one", "or", "our", "out", "over", "she", "so", "than", "that", "the", "their", "them",
    "there", "they", "thi", "this", "to", "up", "was", "we", "were", "what", "when", "which",
    "who", "will", "with", "you", "your",
];

/// Shared words between a candidate's title and the user's profile, strongest first, as the
/// title spells them. Only words the user
/// reads about count: a profile weight of at least a quarter of its strongest word's, so a word
/// that turned up once in one opened item ("show", "two") is not offered as a reason.
pub fn shared_words(corpus: &Corpus, model: &UserModel, slot: Slot, n: usize) -> Vec<String> {
    let strongest = model.profile.values().fold(0.0f32, |a, &b| a.max(b));
    let mut w: Vec<(f32, u32)> = corpus.rows[slot]
        .iter()
        .filter(|(t, _)| {
            let word = corpus.terms[*t as usize].as_str();
            word.chars().count() > 2 && !FUNCTION_WORDS.contains(&word)
        })
        .filter_map(|(t, x)| model.profile.get(t).map(|p| (x, *p, *t)))
        .filter(|(_, p, _)| *p >= 0.25 * strongest)
        .map(|(x, p, t)| (x * p, t))
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

/// Reasons from the model's parts, most important first; only parts that pushed the item up.
pub fn explain(corpus: &Corpus, model: &UserModel, slot: Slot, parts: &Parts) -> Vec<Reason> {
    let mut out = Vec::new();
    let feed = &corpus.feeds[corpus.feed[slot] as usize];
    if parts.feed > 0.05 {
        let c = model
            .feeds
            .get(&corpus.feed[slot])
            .copied()
            .unwrap_or_default();
        out.push(Reason {
            feature: "feed".into(),
            text: format!(
                "feed {feed} you open often ({:.0} of {:.0} shown)",
                c.clicks, c.shows
            ),
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
        out.push(Reason {
            feature: "domain".into(),
            text: format!("from {} you open often", corpus.domains[d as usize]),
            weight: parts.domain,
        });
    }
    let words = shared_words(corpus, model, slot, 3);
    if !words.is_empty() && (parts.profile > 0.0 || parts.neighbours > 0.0) {
        out.push(Reason {
            feature: "words".into(),
            text: format!("words {}", words.join(", ")),
            weight: parts.profile.max(0.01),
        });
    }
    if let Some(near) = parts.nearest_click
        && parts.neighbours > 0.0
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
