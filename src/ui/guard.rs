//! The attention guard: while a focus session runs, the reader waits, and once the day's reading
//! budget is spent it closes until tomorrow. Either way it shows how much is waiting and lets the
//! user through deliberately: for this focus session, or for a few more minutes.

use super::context::ViewContext;
use super::reading_budget::ReadingBudget;
use super::theme;
use super::timer::{TimerView, format_clock};
use crate::engine::worker::Event;
use crate::model::{Topic, UnixTime};
use rust_i18n::t;

#[derive(Debug, Default)]
pub struct AttentionGuard {
    /// The focus session (by its start) the user chose to read through anyway.
    lifted_for: Option<UnixTime>,
    unread: Option<i64>,
    enabled: bool,
    loaded: bool,
    pub budget: ReadingBudget,
}

/// Why the reader is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    Focus,
    BudgetSpent,
}

pub const GUARD_KEY: &str = "reader.guard_during_focus";

/// Whether the reader stays closed during focus sessions: on unless switched off (an unreadable
/// setting leaves it on).
pub fn guard_enabled(store: &impl crate::store::ReadSetting) -> bool {
    !matches!(store.setting(GUARD_KEY), Ok(Some(v)) if v == "false")
}

impl AttentionGuard {
    fn reload(&mut self, ctx: &ViewContext) {
        self.unread = ctx.store.item_totals().ok().map(|t| t.unread);
        self.enabled = guard_enabled(ctx.store);
        self.loaded = true;
    }

    pub fn on_event(&mut self, event: &Event, ctx: &ViewContext) {
        self.budget.on_event(event);
        if let Event::Changed(Topic::Items | Topic::ItemStates | Topic::Feeds | Topic::Settings) =
            event
        {
            self.reload(ctx);
        }
    }

    /// True while the reader is closed: a focus session runs (and the user has not chosen to
    /// read through it), or today's reading budget is spent.
    pub fn blocks(&mut self, timer: &TimerView, ctx: &ViewContext) -> bool {
        self.lock(timer, ctx).is_some()
    }

    pub fn lock(&mut self, timer: &TimerView, ctx: &ViewContext) -> Option<Lock> {
        if !self.loaded {
            self.reload(ctx);
        }
        let focus = timer
            .focus_session()
            .is_some_and(|started| self.enabled && self.lifted_for != Some(started));
        if focus {
            Some(Lock::Focus)
        } else if self.budget.status().is_spent() {
            Some(Lock::BudgetSpent)
        } else {
            None
        }
    }

    /// "3 unread items are waiting." (empty until the count is read).
    fn waiting(&self) -> String {
        match self.unread {
            Some(0) => t!("guard.nothing_waiting").into_owned(),
            Some(1) => t!("guard.one_waiting").into_owned(),
            Some(n) => t!("guard.n_waiting", n = n).into_owned(),
            None => String::new(),
        }
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, timer: &TimerView, ctx: &ViewContext) {
        match self.lock(timer, ctx) {
            Some(Lock::Focus) => self.focus_ui(ui, timer, ctx),
            Some(Lock::BudgetSpent) => {
                let waiting = self.waiting();
                self.budget.locked_ui(ui, ctx, &waiting);
            }
            None => {}
        }
    }

    fn focus_ui(&mut self, ui: &mut egui::Ui, timer: &TimerView, ctx: &ViewContext) {
        ui.vertical_centered(|ui| {
            ui.add_space(ui.available_height() * 0.25);
            ui.heading(t!("guard.title"));
            ui.add_space(theme::GAP);
            let remaining = format_clock(timer.remaining(ctx.now.timestamp()));
            let waiting = self.waiting();
            ui.label(t!(
                "guard.break_in",
                waiting = waiting,
                remaining = remaining
            ));
            ui.add_space(theme::GAP * 2.0);
            if ui
                .button(t!("guard.read_anyway"))
                .on_hover_text(t!("guard.read_anyway_hover"))
                .clicked()
            {
                self.lifted_for = timer.focus_session();
                ctx.send(crate::engine::worker::Command::Reader(
                    crate::engine::reader::ReaderCommand::LiftFocusLock {
                        at: ctx.now.timestamp(),
                        session_start: self.lifted_for,
                    },
                ));
            }
            ui.add_space(theme::GAP);
            ui.colored_label(theme::weak_colour(ui.visuals()), t!("guard.turn_off"));
        });
    }
}
