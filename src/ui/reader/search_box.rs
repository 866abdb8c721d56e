//! The search box: results as you type, debounced (a query goes to the index once typing pauses),
//! and only the answer to the latest query is shown.

use crate::search::{SearchRequest, SearchResults};
use crate::ui::commands::UiCommand;
use rust_i18n::t;

/// Typing pause before a query is sent.
pub const DEBOUNCE_MS: i64 = 200;
/// Hits asked for per query.
pub const SEARCH_LIMIT: usize = 500;

#[derive(Debug, Default)]
pub struct SearchBox {
    text: String,
    /// When the text last changed, while a query for it is still to be sent.
    edited_at: Option<i64>,
    next_id: u64,
    /// The request whose answer we wait for; older answers are dropped.
    awaiting: Option<u64>,
    focus: bool,
    total: Option<usize>,
    error: Option<String>,
}

/// What the box did this frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchBoxChange {
    None,
    /// The text was emptied (Esc or deleted): leave the results.
    Cleared,
}

impl SearchBox {
    pub fn focus(&mut self) {
        self.focus = true;
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn is_active(&self) -> bool {
        !self.text.trim().is_empty()
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.edited_at = None;
        self.awaiting = None;
        self.total = None;
        self.error = None;
    }

    /// Asks for the current text again (the index changed under the results).
    pub fn rerun(&mut self, now_ms: i64) {
        if self.is_active() {
            self.edited_at = Some(now_ms - DEBOUNCE_MS);
        }
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, now_ms: i64) -> SearchBoxChange {
        let response = ui.add(
            egui::TextEdit::singleline(&mut self.text)
                .id_salt("reader_search")
                .hint_text(t!("search.hint"))
                .desired_width(ui.available_width().min(260.0)),
        );
        let response =
            response.on_hover_text(t!("search.hover", label = UiCommand::Search.label()));
        if std::mem::take(&mut self.focus) {
            response.request_focus();
        }
        let escaped = response.has_focus() && ui.input(|i| i.key_pressed(egui::Key::Escape))
            || response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Escape));
        if escaped && self.is_active() {
            self.clear();
            response.surrender_focus();
            return SearchBoxChange::Cleared;
        }
        if response.changed() {
            if self.is_active() {
                self.edited_at = Some(now_ms);
            } else {
                self.clear();
                return SearchBoxChange::Cleared;
            }
        }
        if let Some(e) = &self.error {
            ui.colored_label(crate::ui::theme::error_colour(ui.visuals()), e);
        } else if let Some(n) = self.total {
            ui.weak(t!("search.found", n = n));
        }
        SearchBoxChange::None
    }

    /// The query to send once typing has paused, with its request id.
    pub fn due_request(&mut self, now_ms: i64) -> Option<(u64, SearchRequest)> {
        let edited = self.edited_at?;
        if now_ms - edited < DEBOUNCE_MS {
            return None;
        }
        self.edited_at = None;
        self.next_id += 1;
        self.awaiting = Some(self.next_id);
        Some((
            self.next_id,
            SearchRequest {
                text: self.text.trim().to_string(),
                limit: SEARCH_LIMIT,
                lenient: true,
                ..SearchRequest::default()
            },
        ))
    }

    /// How long until a pending query is due (to schedule a repaint).
    pub fn wait_ms(&self, now_ms: i64) -> Option<i64> {
        self.edited_at.map(|t| (t + DEBOUNCE_MS - now_ms).max(0))
    }

    /// Takes an answer; returns the results when it answers the latest query.
    pub fn accept(
        &mut self,
        request_id: u64,
        outcome: &Result<SearchResults, String>,
    ) -> Option<SearchResults> {
        if self.awaiting != Some(request_id) || !self.is_active() {
            return None;
        }
        self.awaiting = None;
        match outcome {
            Ok(r) => {
                self.total = Some(r.total);
                self.error = None;
                Some(r.clone())
            }
            Err(e) => {
                self.error = Some(e.clone());
                self.total = None;
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_wait_for_a_pause_and_old_answers_are_dropped() {
        let mut b = SearchBox {
            text: "rust".into(),
            edited_at: Some(1_000),
            ..SearchBox::default()
        };
        assert!(b.due_request(1_100).is_none());
        assert_eq!(b.wait_ms(1_100), Some(100));
        let (first, req) = b.due_request(1_200).unwrap_or_else(|| panic!("due"));
        assert_eq!(req.text, "rust");
        b.text = "rust gui".into();
        b.edited_at = Some(1_300);
        let (second, _) = b.due_request(1_500).unwrap_or_else(|| panic!("due"));
        let stale = b.accept(first, &Ok(SearchResults::default()));
        assert!(stale.is_none());
        assert!(b.accept(second, &Ok(SearchResults::default())).is_some());
    }
}
