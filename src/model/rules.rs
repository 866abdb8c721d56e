//! For you's rules as stored: like or mute a feed, an author, a keyword or a regex. How they
//! match is `rank::rules`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum RuleKind {
    /// A feed, by its id or exact title.
    Feed,
    /// An author, case-insensitive exact match.
    Author,
    /// A word or phrase in the title or text, case-insensitive, on word boundaries.
    Keyword,
    /// A regular expression over title and text.
    Regex,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum RuleAction {
    Like,
    Mute,
}

impl RuleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Feed => "feed",
            Self::Author => "author",
            Self::Keyword => "keyword",
            Self::Regex => "regex",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "feed" => Self::Feed,
            "author" => Self::Author,
            "keyword" => Self::Keyword,
            "regex" => Self::Regex,
            _ => return None,
        })
    }
}

impl RuleAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Like => "like",
            Self::Mute => "mute",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "like" => Self::Like,
            "mute" => Self::Mute,
            _ => return None,
        })
    }
}

/// A stored rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub id: i64,
    pub kind: RuleKind,
    pub action: RuleAction,
    pub pattern: String,
}
