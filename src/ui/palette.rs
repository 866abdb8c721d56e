//! The command palette (Ctrl+K): every command, those of this view first, and in the reader
//! every feed and folder, found by typing a few letters of its name. A command shows its
//! shortcut beside it, so the palette also teaches the keys; one of another view says which,
//! and choosing it goes there.

use super::commands::{Scope, UiCommand, escape_pressed};
use super::reader::list::ListKind;
use egui::{Key, Modifiers};
use rust_i18n::t;

/// Height of the list before it scrolls: about a dozen rows.
const LIST_HEIGHT: f32 = 300.0;

/// What a row of the palette does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Command(UiCommand),
    /// Show this feed's or folder's list in the reader.
    Show(ListKind),
}

/// One row: its name, and what stands to its right (the shortcut, or what kind of place it is).
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub label: String,
    pub hint: String,
    pub choice: Choice,
}

impl Entry {
    /// Every command (the palette's own left out): those that apply in `scope` first, then
    /// those of the other views, their hint led by the view they go to ("Reader · Shift+A").
    pub fn commands(scope: Scope) -> impl Iterator<Item = Entry> {
        let all = || {
            UiCommand::ALL
                .iter()
                .copied()
                .filter(|c| *c != UiCommand::CommandPalette)
        };
        let here = all().filter(move |c| c.applies_in(scope));
        let elsewhere = all().filter(move |c| !c.applies_in(scope));
        here.chain(elsewhere).map(move |c| Entry {
            label: c.label(),
            hint: if c.applies_in(scope) {
                c.shortcuts_text()
            } else {
                format!("{} · {}", c.scope().view_name(), c.shortcuts_text())
            },
            choice: Choice::Command(c),
        })
    }

    /// A feed or folder of the reader, with its unread count.
    pub fn place(title: String, kind: ListKind, unread: i64) -> Entry {
        let what = if matches!(kind, ListKind::Folder(_)) {
            t!("palette.folder")
        } else {
            t!("palette.feed")
        };
        let hint = match unread {
            0 => what.into_owned(),
            n => t!("palette.unread", what = what, n = n).into_owned(),
        };
        Entry {
            label: title,
            hint,
            choice: Choice::Show(kind),
        }
    }
}

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

    pub fn is_open(&self) -> bool {
        self.open
    }

    /// Draws the palette when open over `entries`; returns what was picked (Enter or a click).
    pub fn ui(&mut self, ctx: &egui::Context, entries: &[Entry]) -> Option<Choice> {
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
                    .hint_text(t!("palette.hint"))
                    .desired_width(f32::INFINITY),
            );
            // A fresh palette, or a new query, starts at the top of its list: a scroll kept
            // from the last list would slide the first rows under the field.
            let from_top = std::mem::take(&mut self.focus_query) || edit.changed();
            if from_top {
                edit.request_focus();
            }
            if edit.changed() {
                self.selected = 0;
            }
            let found = matching(&self.query, entries);
            if found.is_empty() {
                ui.weak(t!("palette.nothing"));
                return;
            }
            let n = found.len();
            // Keys pressed faster than frames arrive in one frame: each one moves a row.
            self.selected = (self.selected.min(n - 1) + down % n + n - up % n) % n;
            ui.add_space(super::theme::GAP * 0.5);
            let mut list = egui::ScrollArea::vertical().max_height(LIST_HEIGHT);
            if from_top {
                list = list.vertical_scroll_offset(0.0);
            }
            list.show(ui, |ui| {
                for (i, entry) in found.iter().enumerate() {
                    let row = ui
                        .horizontal(|ui| {
                            let r = ui.selectable_label(i == self.selected, &entry.label);
                            ui.with_layout(
                                egui::Layout::right_to_left(egui::Align::Center),
                                |ui| {
                                    // Monospace, as in the `?` overlay: it has the arrows.
                                    ui.label(egui::RichText::new(&entry.hint).monospace().weak());
                                },
                            );
                            r
                        })
                        .inner;
                    if i == self.selected && up + down > 0 {
                        row.scroll_to_me(None);
                    }
                    if row.clicked() {
                        picked = Some(entry.choice);
                    }
                }
            });
            if enter {
                picked = Some(found[self.selected].choice);
            }
        });
        if picked.is_some() || modal.should_close() || escape_pressed(ctx) {
            self.open = false;
        }
        picked
    }
}

/// The entries whose label holds every word of `query` (any case). Those with the first word
/// typed as a word lead, then those with a word starting with it; within each, the given order.
pub fn matching<'a>(query: &str, entries: &'a [Entry]) -> Vec<&'a Entry> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    let mut found: Vec<(u8, &Entry)> = entries
        .iter()
        .filter_map(|e| {
            let label = e.label.to_lowercase();
            if !words.iter().all(|w| label.contains(w.as_str())) {
                return None;
            }
            let label_words = || label.split(|ch: char| !ch.is_alphanumeric());
            // 0: a word of the label is the first word typed; 1: one starts with it; 2: neither.
            let rank = words.first().map_or(0, |first| {
                if label_words().any(|w| w == first) {
                    0
                } else if label_words().any(|w| w.starts_with(first.as_str())) {
                    1
                } else {
                    2
                }
            });
            Some((rank, e))
        })
        .collect();
    found.sort_by_key(|(rank, _)| *rank);
    found.into_iter().map(|(_, e)| e).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commands_found(query: &str, scope: Scope) -> Vec<UiCommand> {
        let entries: Vec<Entry> = Entry::commands(scope).collect();
        matching(query, &entries)
            .into_iter()
            .filter_map(|e| match e.choice {
                Choice::Command(c) => Some(c),
                Choice::Show(_) => None,
            })
            .collect()
    }

    #[test]
    fn every_word_must_appear_and_whole_words_lead() {
        let found = commands_found("star", Scope::Reader);
        assert_eq!(found[0], UiCommand::ToggleStar, "{found:?}");
        // "Start … the timer" has a word starting with "star" too; "Go to Starred" as well.
        assert!(found.contains(&UiCommand::TimerStartPause));
        assert!(found.contains(&UiCommand::GoStarred));
        assert!(
            commands_found("mark read", Scope::Reader)
                .iter()
                .all(|c| c.label().to_lowercase().contains("mark"))
        );
        assert_eq!(
            commands_found("MARK ALL IN", Scope::Reader),
            vec![UiCommand::MarkAllRead]
        );
        assert!(commands_found("zzz", Scope::Reader).is_empty());
    }

    #[test]
    fn the_commands_of_this_view_come_first_and_the_others_name_their_view() {
        let board = commands_found("", Scope::Board);
        assert!(!board.contains(&UiCommand::CommandPalette));
        let at = |c| board.iter().position(|x| *x == c).unwrap_or(usize::MAX);
        assert!(at(UiCommand::NewCard) < at(UiCommand::ToggleStar));
        assert!(at(UiCommand::ShowReader) < at(UiCommand::ToggleStar));
        assert_eq!(
            board.len(),
            UiCommand::ALL.len() - 1,
            "every command is offered"
        );
        let entries: Vec<Entry> = Entry::commands(Scope::Global).collect();
        let mark = matching("mark all", &entries);
        assert_eq!(mark[0].choice, Choice::Command(UiCommand::MarkAllRead));
        assert_eq!(mark[0].hint, "Reader · Shift+A");
        let new_card = matching("new card", &entries);
        assert_eq!(new_card[0].hint, "Board · N");
        let help = matching("keyboard shortcuts", &entries);
        assert_eq!(help[0].hint, "?", "a command of every view says no view");
    }

    #[test]
    fn feeds_and_folders_are_found_by_name_with_their_unread_count() {
        let mut entries: Vec<Entry> = Entry::commands(Scope::Reader).collect();
        entries.push(Entry::place(
            "Night Sky Bulletin".into(),
            ListKind::Feed(7),
            3,
        ));
        entries.push(Entry::place("Science".into(), ListKind::Folder(2), 0));
        let found = matching("night", &entries);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].choice, Choice::Show(ListKind::Feed(7)));
        assert_eq!(found[0].hint, "feed · 3 unread");
        let found = matching("sci", &entries);
        assert_eq!(found[0].choice, Choice::Show(ListKind::Folder(2)));
        assert_eq!(found[0].hint, "folder");
    }
}
