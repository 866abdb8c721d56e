//! The daily reading budget in the window: meters the reader's use every frame, hands the time
//! to the worker for the ledger, and once today's budget is spent shows why the feed is closed
//! and lets the user grant themselves a few more minutes.

use super::context::ViewContext;
use super::theme;
use crate::engine::reader::ReaderCommand;
use crate::engine::worker::{Command, Event};
use crate::focus::reading::{
    BudgetStatus, EXTENSION_SECS, ReadingDay, ReadingMeter, local_day, secs_to_next_local_day,
};
use crate::model::Topic;
use chrono::NaiveDate;
use rust_i18n::t;

/// Counted time goes to the worker in pieces this large (and whenever the reader is left), so a
/// crash loses at most this much of the day's reading.
const SEND_EVERY_SECS: i64 = 30;

#[derive(Debug, Default)]
pub struct ReadingBudget {
    meter: ReadingMeter,
    /// The day `today` counts; `None` until the first frame reads it.
    day: Option<NaiveDate>,
    /// The ledger's row for `day`, plus everything counted or granted here since it was read.
    today: ReadingDay,
    /// Seconds counted on `day` that the worker has not been sent yet.
    unsent_secs: i64,
    budget_minutes: i64,
    budget_loaded: bool,
}

impl ReadingBudget {
    pub fn on_event(&mut self, event: &Event) {
        if let Event::Changed(Topic::Settings) = event {
            self.budget_loaded = false;
        }
    }

    pub fn status(&self) -> BudgetStatus {
        BudgetStatus::new(self.budget_minutes, self.today)
    }

    /// Accounts for this frame: `in_use` when the reader's feed is on screen (not a lock).
    pub fn frame(&mut self, egui_ctx: &egui::Context, ctx: &ViewContext, in_use: bool) {
        if !self.budget_loaded {
            // Unreadable means no budget: a lock the user cannot explain is worse than none.
            self.budget_minutes = ctx.store.reading_budget_minutes().unwrap_or(0);
            self.budget_loaded = true;
        }
        let now_ms = ctx.now.timestamp_millis();
        let day = local_day(ctx.now.timestamp());
        if self.day != Some(day) {
            self.send(ctx);
            self.today = ctx.store.reading_day(day).unwrap_or_default();
            self.day = Some(day);
        }
        let (focused, had_input) = egui_ctx.input(|i| (i.focused, !i.events.is_empty()));
        let secs = self
            .meter
            .frame(now_ms, in_use && focused, had_input && focused);
        self.today.seconds += secs;
        self.unsent_secs += secs;
        let status = self.status();
        if self.unsent_secs >= SEND_EVERY_SECS
            || (self.unsent_secs > 0 && (!in_use || status.is_spent()))
        {
            self.send(ctx);
        }
        // egui draws on input only: a frame is asked for when the budget runs out, so the feed
        // closes on time under a reader who reads without touching anything. A reader who goes
        // idle first needs none; their next input brings a frame.
        if in_use
            && let Some(left_ms) = status.remaining_secs().map(|s| s * 1000)
            && left_ms > 0
            && self.meter.attended_for_ms(now_ms) >= left_ms
        {
            egui_ctx
                .request_repaint_after(std::time::Duration::from_millis(left_ms.unsigned_abs()));
        }
        // A spent budget lifts at midnight even for a window nobody touches.
        if status.is_spent() {
            let wait = secs_to_next_local_day(ctx.now.timestamp());
            egui_ctx.request_repaint_after(std::time::Duration::from_secs(wait.unsigned_abs()));
        }
    }

    /// Hands the counted seconds to the worker (also when the window closes).
    pub fn send(&mut self, ctx: &ViewContext) {
        if let Some(day) = self.day
            && self.unsent_secs > 0
        {
            ctx.send(Command::Reader(ReaderCommand::AddReading {
                day,
                add: ReadingDay {
                    seconds: self.unsent_secs,
                    extra_seconds: 0,
                },
            }));
        }
        self.unsent_secs = 0;
    }

    fn grant(&mut self, ctx: &ViewContext) {
        let Some(day) = self.day else { return };
        self.today.extra_seconds += EXTENSION_SECS;
        ctx.send(Command::Reader(ReaderCommand::AddReading {
            day,
            add: ReadingDay {
                seconds: 0,
                extra_seconds: EXTENSION_SECS,
            },
        }));
    }

    /// What the reader shows once today's budget is spent.
    pub fn locked_ui(&mut self, ui: &mut egui::Ui, ctx: &ViewContext, waiting: &str) {
        let s = self.status();
        ui.vertical_centered(|ui| {
            ui.add_space(ui.available_height() * 0.25);
            ui.heading(t!("budget.done_title"));
            ui.add_space(theme::GAP);
            let budget = s.budget_secs.unwrap_or(0) / 60;
            let granted = match s.extra_secs / 60 {
                0 => String::new(),
                m => t!("budget.granted", m = m).into_owned(),
            };
            ui.label(t!(
                "budget.done",
                budget = budget,
                granted = granted,
                waiting = waiting
            ));
            ui.add_space(theme::GAP * 2.0);
            if ui
                .button(t!("budget.more"))
                .on_hover_text(t!("budget.more_hover"))
                .clicked()
            {
                self.grant(ctx);
            }
            ui.add_space(theme::GAP);
            ui.colored_label(theme::weak_colour(ui.visuals()), t!("budget.midnight"));
        });
    }
}
