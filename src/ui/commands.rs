//! Every user action in one enum: its label, where it applies, and its shortcuts. Menus, buttons,
//! the `?` overlay and key handling all read this, so they never disagree. The only place a key is bound.

use egui::{Key, KeyboardShortcut, Modifiers};
use rust_i18n::t;

/// Where a command applies: everywhere, or only while that view is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    Global,
    Board,
    Reader,
}

impl Scope {
    /// The view a command of this scope works in, as the navigation names it.
    pub fn view_name(self) -> String {
        match self {
            Self::Global => t!("scope.everywhere"),
            Self::Board => t!("nav.board"),
            Self::Reader => t!("nav.reader"),
        }
        .into_owned()
    }
}

/// A key press, or two keys one after the other (vim-style `g` then `f`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shortcut {
    Key(KeyboardShortcut),
    Sequence(Key, Key),
}

impl Shortcut {
    const fn key(key: Key) -> Self {
        Self::Key(KeyboardShortcut::new(Modifiers::NONE, key))
    }

    const fn ctrl(key: Key) -> Self {
        Self::Key(KeyboardShortcut::new(Modifiers::COMMAND, key))
    }

    const fn shift(key: Key) -> Self {
        Self::Key(KeyboardShortcut::new(Modifiers::SHIFT, key))
    }

    /// How the overlay shows it: "Shift+A", "g f", "Space".
    pub fn describe(&self) -> String {
        match self {
            Self::Key(k) => {
                let mut s = String::new();
                if k.modifiers.ctrl || k.modifiers.command {
                    s.push_str("Ctrl+");
                }
                if k.modifiers.alt {
                    s.push_str("Alt+");
                }
                if k.modifiers.shift {
                    s.push_str("Shift+");
                }
                s.push_str(key_name(k.logical_key));
                s
            }
            Self::Sequence(a, b) => format!("{} {}", key_name(*a), key_name(*b)),
        }
    }
}

fn key_name(key: Key) -> &'static str {
    match key {
        Key::Space => "Space",
        Key::Enter => "Enter",
        Key::Delete => "Delete",
        Key::ArrowLeft => "←",
        Key::ArrowRight => "→",
        Key::ArrowUp => "↑",
        Key::ArrowDown => "↓",
        Key::Questionmark => "?",
        Key::Slash => "/",
        Key::Escape => "Esc",
        other => other.name(),
    }
}

macro_rules! commands {
    ($($variant:ident => ($scope:ident, $label:expr, [$($shortcut:expr),* $(,)?])),* $(,)?) => {
        /// Every action a user can take from the keyboard or a menu.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum UiCommand { $($variant),* }

        impl UiCommand {
            pub const ALL: &'static [UiCommand] = &[$(UiCommand::$variant),*];

            /// Its label in the UI's language (`$label` is the key in `locales/`).
            pub fn label(self) -> String {
                match self { $(UiCommand::$variant => t!($label).into_owned()),* }
            }

            pub fn scope(self) -> Scope {
                match self { $(UiCommand::$variant => Scope::$scope),* }
            }

            pub fn shortcuts(self) -> &'static [Shortcut] {
                match self { $(UiCommand::$variant => const { &[$($shortcut),*] }),* }
            }

            /// All its shortcuts as the overlay and the palette show them: "J  or  ↓".
            pub fn shortcuts_text(self) -> String {
                let keys: Vec<String> = self.shortcuts().iter().map(Shortcut::describe).collect();
                keys.join(&t!("shortcut.or"))
            }
        }
    };
}

use Shortcut as S;

commands! {
    ShowBoard => (Global, "cmd.show_board", [S::key(Key::Num1)]),
    ShowReader => (Global, "cmd.show_reader", [S::key(Key::Num2)]),
    ShowStats => (Global, "cmd.show_stats", [S::key(Key::Num3)]),
    ShowSettings => (Global, "cmd.show_settings", [S::key(Key::Num4)]),
    ToggleHelp => (Global, "cmd.toggle_help", [S::key(Key::Questionmark)]),
    CommandPalette => (Global, "cmd.command_palette", [S::ctrl(Key::K), S::Key(KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::P))]),
    TimerStartPause => (Global, "cmd.timer_start_pause", [S::key(Key::Space)]),

    NewCard => (Board, "cmd.new_card", [S::key(Key::N)]),
    MoveCardLeft => (Board, "cmd.move_card_left", [S::shift(Key::ArrowLeft), S::shift(Key::H)]),
    MoveCardRight => (Board, "cmd.move_card_right", [S::shift(Key::ArrowRight), S::shift(Key::L)]),
    MoveCardUp => (Board, "cmd.move_card_up", [S::shift(Key::ArrowUp), S::shift(Key::K)]),
    MoveCardDown => (Board, "cmd.move_card_down", [S::shift(Key::ArrowDown), S::shift(Key::J)]),
    SelectLeft => (Board, "cmd.select_left", [S::key(Key::ArrowLeft), S::key(Key::H)]),
    SelectRight => (Board, "cmd.select_right", [S::key(Key::ArrowRight), S::key(Key::L)]),
    SelectUp => (Board, "cmd.select_up", [S::key(Key::ArrowUp), S::key(Key::K)]),
    SelectDown => (Board, "cmd.select_down", [S::key(Key::ArrowDown), S::key(Key::J)]),
    StartPomodoroOnCard => (Board, "cmd.start_pomodoro_on_card", [S::key(Key::Enter)]),
    EditCard => (Board, "cmd.edit_card", [S::key(Key::E)]),
    ArchiveCard => (Board, "cmd.archive_card", [S::key(Key::Delete)]),

    MarkAllRead => (Reader, "cmd.mark_all_read", [S::shift(Key::A)]),
    NextItem => (Reader, "cmd.next_item", [S::key(Key::J), S::key(Key::ArrowDown)]),
    PreviousItem => (Reader, "cmd.previous_item", [S::key(Key::K), S::key(Key::ArrowUp)]),
    OpenItem => (Reader, "cmd.open_item", [S::key(Key::O), S::key(Key::Enter)]),
    OpenOriginal => (Reader, "cmd.open_original", [S::key(Key::V)]),
    FetchFullText => (Reader, "cmd.fetch_full_text", [S::key(Key::F)]),
    LoadImages => (Reader, "cmd.load_images", [S::key(Key::I)]),
    SendToBoard => (Reader, "cmd.send_to_board", [S::key(Key::B)]),
    ToggleStar => (Reader, "cmd.toggle_star", [S::key(Key::S)]),
    ToggleRead => (Reader, "cmd.toggle_read", [S::key(Key::M)]),
    Refresh => (Reader, "cmd.refresh", [S::key(Key::R)]),
    StopRefresh => (Reader, "cmd.stop_refresh", [S::shift(Key::R)]),
    Search => (Reader, "cmd.search", [S::key(Key::Slash)]),
    GoForYou => (Reader, "cmd.go_for_you", [S::Sequence(Key::G, Key::F)]),
    GoUnread => (Reader, "cmd.go_unread", [S::Sequence(Key::G, Key::U)]),
    GoStarred => (Reader, "cmd.go_starred", [S::Sequence(Key::G, Key::S)]),
    MarkAboveRead => (Reader, "cmd.mark_above_read", [S::shift(Key::K)]),
    MarkBelowRead => (Reader, "cmd.mark_below_read", [S::shift(Key::J)]),
    UndoMark => (Reader, "cmd.undo_mark", [S::key(Key::Z), S::Key(KeyboardShortcut::new(Modifiers::COMMAND, Key::Z))]),
    AddFeed => (Reader, "cmd.add_feed", [S::key(Key::N)]),
    ToggleArticleLayout => (Reader, "cmd.toggle_article_layout", [S::key(Key::L)]),
    LikeFeed => (Reader, "cmd.like_feed", [S::key(Key::Equals), S::key(Key::Plus)]),
    MuteFeed => (Reader, "cmd.mute_feed", [S::key(Key::Minus)]),
}

impl UiCommand {
    /// Whether the command works while a view of `scope` is shown: its own, or everywhere.
    pub fn applies_in(self, scope: Scope) -> bool {
        self.scope() == Scope::Global || self.scope() == scope
    }
}

/// Turns this frame's key presses into commands for the active scope, in the order they were
/// pressed and once per press: a slow frame that gathers "j j k" moves down twice and up once.
/// Holds the first key of a two-key sequence between frames.
#[derive(Debug, Default)]
pub struct ShortcutMatcher {
    pending: Option<Key>,
}

impl ShortcutMatcher {
    /// Consumes matching key presses. Nothing fires while a text field has focus.
    pub fn collect(&mut self, ctx: &egui::Context, active: Scope) -> Vec<UiCommand> {
        if ctx.egui_wants_keyboard_input() {
            self.pending = None;
            return Vec::new();
        }
        let applicable: Vec<UiCommand> = UiCommand::ALL
            .iter()
            .copied()
            .filter(|c| c.applies_in(active))
            .collect();
        // Shift variants first: egui ignores extra Shift when matching.
        let mut keyed: Vec<(UiCommand, KeyboardShortcut)> = applicable
            .iter()
            .flat_map(|c| {
                c.shortcuts().iter().filter_map(move |s| match s {
                    Shortcut::Key(k) => Some((*c, *k)),
                    Shortcut::Sequence(..) => None,
                })
            })
            .collect();
        keyed.sort_by_key(|(_, k)| !k.modifiers.shift);
        let sequences: Vec<(UiCommand, Key, Key)> = applicable
            .iter()
            .flat_map(|c| {
                c.shortcuts().iter().filter_map(move |s| match s {
                    Shortcut::Sequence(a, b) => Some((*c, *a, *b)),
                    Shortcut::Key(_) => None,
                })
            })
            .collect();
        let mut fired = Vec::new();
        ctx.input_mut(|input| {
            input.events.retain(|event| {
                let egui::Event::Key {
                    key,
                    modifiers,
                    pressed: true,
                    ..
                } = event
                else {
                    return true;
                };
                let plain = modifiers.matches_logically(Modifiers::NONE);
                if let Some(first) = self.pending.take()
                    && plain
                    && let Some((cmd, ..)) =
                        sequences.iter().find(|(_, a, b)| *a == first && b == key)
                {
                    fired.push(*cmd);
                    return false;
                }
                if let Some((cmd, _)) = keyed.iter().find(|(_, k)| {
                    k.logical_key == *key && modifiers.matches_logically(k.modifiers)
                }) {
                    fired.push(*cmd);
                    return false;
                }
                if plain && sequences.iter().any(|(_, a, _)| a == key) {
                    self.pending = Some(*key);
                    return false;
                }
                true
            });
        });
        fired
    }
}

/// Esc closes a dialog, as in every desktop app.
pub fn escape_pressed(ctx: &egui::Context) -> bool {
    ctx.input(|i| i.key_pressed(egui::Key::Escape))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn press(key: Key, modifiers: Modifiers) -> egui::Event {
        egui::Event::Key {
            key,
            physical_key: None,
            pressed: true,
            repeat: false,
            modifiers,
        }
    }

    /// What one frame holding `events` fires in the Reader.
    fn fired(
        matcher: &mut ShortcutMatcher,
        ctx: &egui::Context,
        events: Vec<egui::Event>,
    ) -> Vec<UiCommand> {
        let mut out = Vec::new();
        let input = egui::RawInput {
            events,
            ..Default::default()
        };
        ctx.run_pass(input, |ctx| out = matcher.collect(ctx, Scope::Reader))
            .drop_without_applying_deltas();
        out
    }

    #[test]
    fn every_press_of_a_slow_frame_fires_in_the_order_pressed() {
        let ctx = egui::Context::default();
        let mut matcher = ShortcutMatcher::default();
        let none = Modifiers::NONE;
        let got = fired(
            &mut matcher,
            &ctx,
            vec![
                press(Key::J, none),
                press(Key::J, none),
                press(Key::K, none),
                press(Key::J, Modifiers::SHIFT),
            ],
        );
        use UiCommand::*;
        assert_eq!(got, vec![NextItem, NextItem, PreviousItem, MarkBelowRead]);
    }

    #[test]
    fn a_sequence_completes_in_the_same_frame_or_the_next() {
        let ctx = egui::Context::default();
        let mut matcher = ShortcutMatcher::default();
        let none = Modifiers::NONE;
        let same = fired(
            &mut matcher,
            &ctx,
            vec![
                press(Key::G, none),
                press(Key::U, none),
                press(Key::J, none),
            ],
        );
        assert_eq!(same, vec![UiCommand::GoUnread, UiCommand::NextItem]);
        assert!(fired(&mut matcher, &ctx, vec![press(Key::G, none)]).is_empty());
        assert_eq!(
            fired(&mut matcher, &ctx, vec![press(Key::S, none)]),
            vec![UiCommand::GoStarred]
        );
        // A key that completes no sequence cancels it and counts as itself.
        let _ = fired(&mut matcher, &ctx, vec![press(Key::G, none)]);
        assert_eq!(
            fired(&mut matcher, &ctx, vec![press(Key::J, none)]),
            vec![UiCommand::NextItem]
        );
        assert_eq!(
            fired(&mut matcher, &ctx, vec![press(Key::S, none)]),
            vec![UiCommand::ToggleStar]
        );
    }

    #[test]
    fn no_two_commands_in_one_scope_share_a_shortcut() {
        let mut seen = HashSet::new();
        for cmd in UiCommand::ALL {
            for s in cmd.shortcuts() {
                let scopes = match cmd.scope() {
                    Scope::Global => vec![Scope::Board, Scope::Reader],
                    other => vec![other],
                };
                for scope in scopes {
                    assert!(
                        seen.insert((scope, s.describe())),
                        "{cmd:?}: {} is bound twice in {scope:?}",
                        s.describe()
                    );
                }
            }
        }
    }
}
