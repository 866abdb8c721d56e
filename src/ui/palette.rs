//! The command palette (Ctrl+K): every command that applies here, found by typing a few letters
//! of its name, with its shortcut beside it so the palette also teaches the keys.

use super::commands::{Scope, UiCommand, escape_pressed};
use egui::{Key, Modifiers};

/// Height of the list before it scrolls: about a dozen rows.
const LIST_HEIGHT: f32 = 300.0;

#[derive(Debug, Default)]
pub struct CommandPalette {
    open: bool,
    query: String,
    selected: usize,
    focus_query: bool,
}

impl CommandPalette {
    pub fn open(&mut self) {
        self.open = true;
        self.query.clear();
        self.selected = 0;
        self.focus_query = true;
    }

    /// Draws the palette when open; returns the command picked (Enter or a click).
    pub fn ui(&mut self, ctx: &egui::Context, scope: Scope) -> Option<UiCommand> {
        if !self.open {
            return None;
        }
        // Taken before the text field sees them: in a one-line field they would move the cursor
        // or end the edit.
        let (up, down, enter) = ctx.input_mut(|i| {
            (
                i.count_and_consume_key(Modifiers::NONE, Key::ArrowUp),
                i.count_and_consume_key(Modifiers::NONE, Key::ArrowDown),
                i.consume_key(Modifiers::NONE, Key::Enter),
            )
        });
        let mut picked = None;
        let id = egui::Id::unique("command_palette");
        // Pinned near the top, so the field stays put while the list below it shrinks.
        let area = egui::Modal::default_area(id).anchor(egui::Align2::CENTER_TOP, [0.0, 80.0]);
        let modal = egui::Modal::new(id).area(area).show(ctx, |ui| {
            ui.set_width(460.0);
            let edit = ui.add(
                egui::TextEdit::singleline(&mut self.query)
                    .hint_text("Find a command")
                    .desired_width(f32::INFINITY),
            );
            if std::mem::take(&mut self.focus_query) {
                edit.request_focus();
            }
            if edit.changed() {
                self.selected = 0;
            }
            let found = matching(&self.query, scope);
            if found.is_empty() {
                ui.weak("No command has those words.");
                return;
            }
            let n = found.len();
            // Keys pressed faster than frames arrive in one frame: each one moves a row.
            self.selected = (self.selected.min(n - 1) + down % n + n - up % n) % n;
            ui.add_space(super::theme::GAP * 0.5);
            egui::ScrollArea::vertical()
                .max_height(LIST_HEIGHT)
                .show(ui, |ui| {
                    for (i, cmd) in found.iter().enumerate() {
                        let row = ui
                            .horizontal(|ui| {
                                let r = ui.selectable_label(i == self.selected, cmd.label());
                                ui.with_layout(
                                    egui::Layout::right_to_left(egui::Align::Center),
                                    |ui| {
                                        // Monospace, as in the `?` overlay: it has the arrows.
                                        ui.label(
                                            egui::RichText::new(cmd.shortcuts_text())
                                                .monospace()
                                                .weak(),
                                        );
                                    },
                                );
                                r
                            })
                            .inner;
                        if i == self.selected && up + down > 0 {
                            row.scroll_to_me(None);
                        }
                        if row.clicked() {
                            picked = Some(*cmd);
                        }
                    }
                });
            if enter {
                picked = Some(found[self.selected]);
            }
        });
        if picked.is_some() || modal.should_close() || escape_pressed(ctx) {
            self.open = false;
        }
        picked
    }
}

/// The commands that apply in `scope` whose label holds every word of `query` (any case). Those
/// with the first word typed as a word lead, then those with a word starting with it; within
/// each, the usual order.
pub fn matching(query: &str, scope: Scope) -> Vec<UiCommand> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    let mut found: Vec<(u8, UiCommand)> = UiCommand::ALL
        .iter()
        .copied()
        .filter(|c| *c != UiCommand::CommandPalette)
        .filter(|c| c.scope() == Scope::Global || c.scope() == scope)
        .filter_map(|c| {
            let label = c.label().to_lowercase();
            if !words.iter().all(|w| label.contains(w.as_str())) {
                return None;
            }
            // 0: a word of the label is the first word typed; 1: one starts with it; 2: neither.
            let rank = words.first().map_or(0, |first| {
                let mut label_words = label.split(|ch: char| !ch.is_alphanumeric());
                if label
                    .split(|ch: char| !ch.is_alphanumeric())
                    .any(|w| w == first)
                {
                    0
                } else if label_words.any(|w| w.starts_with(first.as_str())) {
                    1
                } else {
                    2
                }
            });
            Some((rank, c))
        })
        .collect();
    found.sort_by_key(|(rank, _)| *rank);
    found.into_iter().map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_must_appear_and_word_starts_lead() {
        let found = matching("star", Scope::Reader);
        assert_eq!(found[0], UiCommand::ToggleStar, "{found:?}");
        // "Start … the timer" has a word starting with "star" too; "Go to Starred" as well.
        assert!(found.contains(&UiCommand::TimerStartPause));
        assert!(found.contains(&UiCommand::GoStarred));
        assert!(
            matching("mark read", Scope::Reader)
                .iter()
                .all(|c| c.label().to_lowercase().contains("mark"))
        );
        assert_eq!(
            matching("MARK ALL IN", Scope::Reader),
            vec![UiCommand::MarkAllRead]
        );
        assert!(matching("zzz", Scope::Reader).is_empty());
    }

    #[test]
    fn only_the_commands_that_apply_here_are_offered() {
        let board = matching("", Scope::Board);
        assert!(board.contains(&UiCommand::NewCard));
        assert!(board.contains(&UiCommand::ShowReader));
        assert!(!board.contains(&UiCommand::ToggleStar));
        assert!(!board.contains(&UiCommand::CommandPalette));
        let reader = matching("", Scope::Reader);
        assert!(reader.contains(&UiCommand::ToggleStar));
        assert!(!reader.contains(&UiCommand::NewCard));
    }
}
