//! Why an item is in For you, in words that name the real features that scored it: the feed's
//! click rate, the words it shares with what the user opened, the opened item it is most like,
//! a rule, or an exploration slot.

use super::corpus::{Corpus, Slot};
use super::model::{Counts, Parts, UserModel};
pub use super::words::{WordTaste, shared_words};
use rust_i18n::t;
use serde::Serialize;

/// "Like <an opened item>" only names an item this close (cosine of the item vectors): a
/// faintly similar one would mislead more than explain.
const MIN_LIKE_COSINE: f32 = 0.5;

/// One reason, with the feature it comes from and how much it added to the score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    /// `feed`, `author`, `domain`, `words`, `similar`, `unlike`, `taste`, `profile`, `rule`,
    /// `explore`, `recency`.
    pub feature: String,
    pub text: String,
    pub weight: f32,
}

/// What the list says when nothing personal explains an item: its age, counted the way the
/// item list counts it (whole hours, whole days), so the two never disagree.
///
/// Reasons are worded in the UI's language (`rust_i18n`'s locale, English unless the window
/// chose another) when the ranking is made, since they are stored with it.
pub fn age_reason(age_days: f32) -> String {
    let minutes = (age_days.max(0.0) * 1440.0) as u64;
    let age = match minutes {
        0..60 => t!("reason.minutes", n = minutes),
        60..1440 => t!("reason.hours", n = minutes / 60),
        _ => t!("reason.days", n = minutes / 1440),
    };
    format!("{}{}", recency_prefix(), t!("reason.ago", age = age))
}

/// How [`age_reason`] starts, so a list that already shows the age can leave it out.
pub fn recency_prefix() -> String {
    t!("reason.published").into_owned()
}

/// The open rate from which a feed or site is said to be opened "often": one in five.
const OFTEN_RATE: f32 = 0.2;

/// "feed X you open often (4 of 11 shown)"; with a single open, or one in twenty, "often" would
/// overstate it, so the count is given with what makes it a reason (only a feed or site opened
/// more than the user's overall rate is named): "feed X: you opened 2 of 48 shown, above your
/// usual rate".
fn opened_text(subject: &str, c: Counts) -> String {
    let (clicks, shows) = (format!("{:.0}", c.clicks), format!("{:.0}", c.shows));
    if c.clicks >= 1.5 && c.clicks >= OFTEN_RATE * c.shows {
        t!(
            "reason.often",
            subject = subject,
            clicks = clicks,
            shows = shows
        )
        .into_owned()
    } else {
        t!(
            "reason.above_usual",
            subject = subject,
            clicks = clicks,
            shows = shows
        )
        .into_owned()
    }
}

/// Why an exploration slot holds this item: its feed is one the user was shown little of, or
/// opens little of, with the counts that make it so.
pub fn explore_reason(corpus: &Corpus, model: &UserModel, slot: Slot) -> String {
    let feed = &corpus.feed_names[corpus.feed[slot] as usize];
    match model.feeds.get(&corpus.feed[slot]) {
        Some(c) if c.shows >= 0.5 => t!(
            "learned.explore_rarely",
            feed = feed,
            clicks = format!("{:.0}", c.clicks),
            shows = format!("{:.0}", c.shows)
        )
        .into_owned(),
        _ => t!("learned.explore_new", feed = feed).into_owned(),
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
            text: opened_text(&t!("reason.feed", feed = feed), c),
            weight: parts.feed,
        });
    }
    if parts.author > 0.05
        && let Some(a) = corpus.author[slot]
    {
        out.push(Reason {
            feature: "author".into(),
            text: t!("reason.author", author = corpus.author_names[a as usize]).into_owned(),
            weight: parts.author,
        });
    }
    if parts.domain > 0.05
        && let Some(d) = corpus.domain[slot]
    {
        let c = model.domains.get(&d).copied().unwrap_or_default();
        out.push(Reason {
            feature: "domain".into(),
            text: opened_text(&t!("reason.domain", site = corpus.domains[d as usize]), c),
            weight: parts.domain,
        });
    }
    let words = shared_words(corpus, model, taste, slot, 3);
    if !words.is_empty() && (parts.profile > 0.0 || parts.neighbours > 0.0) {
        out.push(Reason {
            feature: "words".into(),
            text: format!(
                "{} {}",
                taste.label(),
                words.join(&t!("reason.word_separator"))
            ),
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
            text: t!("reason.like", title = corpus.titles[near]).into_owned(),
            weight: parts.neighbours,
        });
    }
    if parts.linear > 0.05 {
        out.push(Reason {
            feature: "taste".into(),
            text: t!("reason.taste").into_owned(),
            weight: parts.linear,
        });
    }
    out.sort_by(|a, b| b.weight.total_cmp(&a.weight));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rank::model::ModelConfig;
    use crate::rank::words::tests::doc;

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
        assert!(age_reason(-1.0).starts_with(&recency_prefix()));
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
