//! Kanban board types and the rules for what a user may type into a card or a column.

use crate::model::{CardId, ColumnId, UnixTime};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub const DEFAULT_COLUMNS: [&str; 4] = ["Backlog", "Today", "Doing", "Done"];
const MAX_TITLE_CHARS: usize = 500;
const MAX_NOTES_CHARS: usize = 100_000;
const MAX_LABEL_CHARS: usize = 50;
const MAX_ESTIMATE: u32 = 1000;
const MAX_LINK_CHARS: usize = 4_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub id: ColumnId,
    pub name: String,
    pub position: i64,
    /// Work-in-progress limit: shown as `3/2` and highlighted when exceeded, never enforced.
    pub wip_limit: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Card {
    pub id: CardId,
    pub column_id: ColumnId,
    pub position: i64,
    pub title: String,
    pub notes: String,
    pub labels: Vec<String>,
    pub due: Option<NaiveDate>,
    /// Estimate in pomodoros.
    pub estimate: Option<u32>,
    pub created_at: UnixTime,
    pub updated_at: UnixTime,
    pub archived_at: Option<UnixTime>,
    /// From the time log: completed focus sessions on this card.
    #[serde(default)]
    pub pomodoros: u32,
    /// From the time log: focused seconds on this card.
    #[serde(default)]
    pub seconds_spent: i64,
    /// The article the card was made from: its link, and its item while it is stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_id: Option<i64>,
}

impl Card {
    pub fn minutes_spent(&self) -> i64 {
        self.seconds_spent / 60
    }

    /// "1/3 pomodoros" against an estimate, else "1 pomodoro" or "2 pomodoros": as the board
    /// and `tasks list` both say it.
    pub fn pomodoros_text(&self) -> String {
        match self.estimate {
            Some(e) => format!("{}/{e} pomodoros", self.pomodoros),
            None if self.pomodoros == 1 => "1 pomodoro".to_string(),
            None => format!("{} pomodoros", self.pomodoros),
        }
    }
}

/// A column with its live (not archived) cards in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnCards {
    pub column: Column,
    pub cards: Vec<Card>,
}

impl ColumnCards {
    pub fn over_wip(&self) -> bool {
        self.column
            .wip_limit
            .is_some_and(|l| self.cards.len() > l as usize)
    }

    /// `3/2` with a limit, `3` without.
    pub fn count_text(&self) -> String {
        match self.column.wip_limit {
            Some(l) => format!("{}/{l}", self.cards.len()),
            None => self.cards.len().to_string(),
        }
    }
}

/// The whole live board.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Board {
    pub columns: Vec<ColumnCards>,
}

impl Board {
    pub fn find(&self, card: CardId) -> Option<(usize, usize)> {
        self.columns
            .iter()
            .enumerate()
            .find_map(|(ci, c)| c.cards.iter().position(|k| k.id == card).map(|ri| (ci, ri)))
    }

    pub fn card(&self, card: CardId) -> Option<&Card> {
        self.find(card)
            .and_then(|(c, r)| self.columns.get(c).and_then(|col| col.cards.get(r)))
    }
}

/// What the user typed for a card, checked before it reaches the database.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardDraft {
    pub title: String,
    pub notes: String,
    pub labels: Vec<String>,
    pub due: Option<NaiveDate>,
    pub estimate: Option<u32>,
    /// Set when the card is made from an article ("Send to board").
    #[serde(default)]
    pub link: Option<String>,
    #[serde(default)]
    pub item_id: Option<i64>,
}

impl CardDraft {
    pub fn titled(title: &str) -> Self {
        Self {
            title: title.to_owned(),
            ..Self::default()
        }
    }

    /// Trims and checks every field; the error names the field.
    pub fn validated(mut self) -> Result<Self, String> {
        self.title = self.title.trim().to_owned();
        if self.title.is_empty() {
            return Err("a card needs a title".into());
        }
        if self.title.chars().count() > MAX_TITLE_CHARS {
            return Err(format!(
                "the title is longer than {MAX_TITLE_CHARS} characters"
            ));
        }
        if self.notes.chars().count() > MAX_NOTES_CHARS {
            return Err(format!(
                "the notes are longer than {MAX_NOTES_CHARS} characters"
            ));
        }
        self.labels = normalise_labels(self.labels.iter().map(String::as_str))?;
        self.link = self
            .link
            .map(|l| l.trim().to_owned())
            .filter(|l| !l.is_empty());
        if self
            .link
            .as_ref()
            .is_some_and(|l| l.chars().count() > MAX_LINK_CHARS)
        {
            return Err(format!(
                "the link is longer than {MAX_LINK_CHARS} characters"
            ));
        }
        if let Some(e) = self.estimate
            && e > MAX_ESTIMATE
        {
            return Err(format!(
                "the estimate must be at most {MAX_ESTIMATE} pomodoros"
            ));
        }
        Ok(self)
    }
}

/// Labels from "a, b ,c": trimmed, empty ones dropped, duplicates removed (first spelling kept).
pub fn parse_labels(text: &str) -> Result<Vec<String>, String> {
    normalise_labels(text.split(','))
}

fn normalise_labels<'a>(labels: impl Iterator<Item = &'a str>) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for l in labels.map(str::trim).filter(|l| !l.is_empty()) {
        if l.chars().count() > MAX_LABEL_CHARS {
            return Err(format!(
                "the label {l:?} is longer than {MAX_LABEL_CHARS} characters"
            ));
        }
        if !out.iter().any(|o| o.eq_ignore_ascii_case(l)) {
            out.push(l.to_owned());
        }
    }
    Ok(out)
}

/// A due date as typed: empty means none; otherwise `YYYY-MM-DD`.
pub fn parse_due(text: &str) -> Result<Option<NaiveDate>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| format!("the due date {t:?} is not a date like 2026-12-31"))
}

/// An estimate as typed: empty means none; otherwise a whole number of pomodoros.
pub fn parse_estimate(text: &str) -> Result<Option<u32>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<u32>() {
        Ok(n) if n <= MAX_ESTIMATE => Ok(Some(n)),
        _ => Err(format!(
            "the estimate {t:?} is not a number of pomodoros between 0 and {MAX_ESTIMATE}"
        )),
    }
}

/// A column name: trimmed, not empty, not absurdly long.
pub fn validate_column_name(name: &str) -> Result<String, String> {
    let n = name.trim();
    if n.is_empty() {
        return Err("a column needs a name".into());
    }
    if n.chars().count() > 100 {
        return Err("a column name is at most 100 characters".into());
    }
    Ok(n.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_trimmed_and_deduplicated() {
        assert_eq!(
            parse_labels(" work, home ,,Work, x ").ok(),
            Some(vec!["work".to_owned(), "home".to_owned(), "x".to_owned()])
        );
        assert!(parse_labels(&"a".repeat(51)).is_err());
    }

    #[test]
    fn due_and_estimate_parse_or_explain() {
        assert_eq!(parse_due("").ok(), Some(None));
        assert_eq!(
            parse_due("2026-12-31").ok().flatten(),
            NaiveDate::from_ymd_opt(2026, 12, 31)
        );
        assert!(parse_due("31/12/2026").is_err_and(|e| e.contains("2026-12-31")));
        assert_eq!(parse_estimate(" 3 ").ok(), Some(Some(3)));
        assert!(parse_estimate("-1").is_err());
        assert!(parse_estimate("lots").is_err());
    }

    #[test]
    fn drafts_need_a_title() {
        assert!(CardDraft::titled("   ").validated().is_err());
        let d = CardDraft::titled("  Write report ").validated();
        assert_eq!(d.map(|d| d.title).ok().as_deref(), Some("Write report"));
    }

    #[test]
    fn wip_is_exceeded_only_past_the_limit() {
        let card = |id| Card {
            id,
            column_id: 1,
            position: id,
            title: "t".into(),
            notes: String::new(),
            labels: vec![],
            due: None,
            estimate: None,
            created_at: 0,
            updated_at: 0,
            archived_at: None,
            pomodoros: 0,
            seconds_spent: 0,
            link: None,
            item_id: None,
        };
        let mut col = ColumnCards {
            column: Column {
                id: 1,
                name: "Doing".into(),
                position: 0,
                wip_limit: Some(2),
            },
            cards: vec![card(1), card(2)],
        };
        assert!(!col.over_wip());
        assert_eq!(col.count_text(), "2/2");
        col.cards.push(card(3));
        assert!(col.over_wip());
        assert_eq!(col.count_text(), "3/2");
    }
}
