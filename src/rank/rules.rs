//! The user's explicit rules — like or mute a feed, an author, a keyword or a regex — which win
//! over the model: a muted item never reaches For you, a liked one is lifted above the rest.

pub use crate::model::rules::{Rule, RuleAction, RuleKind};

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum RuleError {
    #[error("the rule's pattern is empty")]
    Empty,
    #[error("invalid regular expression {pattern:?}: {reason}")]
    Regex { pattern: String, reason: String },
}

/// What a rule matches against.
#[derive(Debug, Clone, Copy)]
pub struct RuleTarget<'a> {
    pub feed_id: i64,
    pub feed_title: &'a str,
    pub author: Option<&'a str>,
    pub title: &'a str,
    pub text: &'a str,
}

/// The verdict of all rules on one item.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Verdict {
    pub muted_by: Option<Rule>,
    pub liked_by: Vec<Rule>,
}

enum Matcher {
    Feed(String),
    Author(String),
    Regex(regex::Regex),
}

/// Rules compiled once per request.
pub struct RuleSet {
    rules: Vec<(Rule, Matcher)>,
}

/// Checks a pattern before it is stored, so a bad regex is refused with a clear message.
pub fn validate(kind: RuleKind, pattern: &str) -> Result<(), RuleError> {
    compile(kind, pattern).map(|_| ())
}

fn compile(kind: RuleKind, pattern: &str) -> Result<Matcher, RuleError> {
    let p = pattern.trim();
    if p.is_empty() {
        return Err(RuleError::Empty);
    }
    let regex = |src: &str| {
        regex::RegexBuilder::new(src)
            .case_insensitive(true)
            .size_limit(1 << 20)
            .build()
            .map_err(|e| RuleError::Regex {
                pattern: p.to_owned(),
                reason: e.to_string(),
            })
    };
    Ok(match kind {
        RuleKind::Feed => Matcher::Feed(p.to_lowercase()),
        RuleKind::Author => Matcher::Author(p.to_lowercase()),
        RuleKind::Keyword => Matcher::Regex(regex(&format!(r"\b{}\b", regex::escape(p)))?),
        RuleKind::Regex => Matcher::Regex(regex(p)?),
    })
}

impl RuleSet {
    /// Compiles stored rules; a rule that no longer compiles is skipped, not fatal.
    pub fn new(rules: &[Rule]) -> Self {
        Self {
            rules: rules
                .iter()
                .filter_map(|r| compile(r.kind, &r.pattern).ok().map(|m| (r.clone(), m)))
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Whether a rule reads an item's body (keywords and patterns do; feeds and authors not).
    pub fn reads_text(&self) -> bool {
        self.rules
            .iter()
            .any(|(_, m)| matches!(m, Matcher::Regex(_)))
    }

    pub fn judge(&self, t: &RuleTarget<'_>) -> Verdict {
        let mut v = Verdict::default();
        for (rule, m) in &self.rules {
            let hit = match m {
                Matcher::Feed(p) => {
                    *p == t.feed_id.to_string() || *p == t.feed_title.to_lowercase()
                }
                Matcher::Author(p) => t.author.is_some_and(|a| a.trim().to_lowercase() == *p),
                Matcher::Regex(re) => re.is_match(t.title) || re.is_match(t.text),
            };
            if !hit {
                continue;
            }
            match rule.action {
                RuleAction::Mute => {
                    if v.muted_by.is_none() {
                        v.muted_by = Some(rule.clone());
                    }
                }
                RuleAction::Like => v.liked_by.push(rule.clone()),
            }
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(id: i64, kind: RuleKind, action: RuleAction, p: &str) -> Rule {
        Rule {
            id,
            kind,
            action,
            pattern: p.into(),
        }
    }

    fn target<'a>(title: &'a str, author: Option<&'a str>) -> RuleTarget<'a> {
        RuleTarget {
            feed_id: 3,
            feed_title: "BBC Sport",
            author,
            title,
            text: "",
        }
    }

    #[test]
    fn mute_and_like_match_feed_author_keyword_and_regex() {
        let set = RuleSet::new(&[
            rule(1, RuleKind::Keyword, RuleAction::Mute, "Election"),
            rule(2, RuleKind::Feed, RuleAction::Like, "bbc sport"),
            rule(3, RuleKind::Author, RuleAction::Mute, "Jane Doe"),
            rule(4, RuleKind::Regex, RuleAction::Like, r"rust(acean)?s?\b"),
        ]);
        let v = set.judge(&target("The election result", None));
        assert_eq!(v.muted_by.map(|r| r.id), Some(1));
        // Keywords match whole words only.
        assert!(
            set.judge(&target("Electioneering", None))
                .muted_by
                .is_none()
        );
        assert_eq!(
            set.judge(&target("x", Some(" jane doe")))
                .muted_by
                .map(|r| r.id),
            Some(3)
        );
        let liked: Vec<i64> = set
            .judge(&target("Rustaceans gather", None))
            .liked_by
            .iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(liked, vec![2, 4]);
    }

    #[test]
    fn bad_regex_is_refused_with_a_message() {
        let e = validate(RuleKind::Regex, "(unclosed");
        assert!(matches!(e, Err(RuleError::Regex { .. })));
        assert_eq!(validate(RuleKind::Keyword, "  "), Err(RuleError::Empty));
        assert!(
            validate(RuleKind::Keyword, "a+b (c)").is_ok(),
            "keywords are literal"
        );
    }
}
