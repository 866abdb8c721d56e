//! The timer in the top bar, always visible: phase, countdown, task, start/pause/skip/reset.
//! It reads the persisted timer on `Changed(Timer)` and counts down from `ctx.now`; when the
//! countdown reaches zero it asks the worker to settle the phase (so transitions happen in
//! every view, and tests drive them with a `ManualClock`).

use super::board_card::CardFocus;
use super::commands::UiCommand;
use super::context::ViewContext;
use super::theme;
use crate::engine::focus::{FocusCommand, TimerAction};
use crate::engine::worker::{Command, Event};
use crate::focus::stats::{LiveSession, NO_TASK};
use crate::focus::timer::{Timer, TimerConfig};
use crate::model::{CardId, Topic, UnixTime};
use rust_i18n::t;
use std::time::Duration;

#[derive(Default)]
pub struct TimerView {
    timer: Timer,
    cfg: TimerConfig,
    task_title: Option<String>,
    /// The first unticked item of the task's checklist: what the session is for, in a word.
    next_step: Option<String>,
    /// The deadline we already asked the worker to settle, so we ask once per phase.
    tick_sent_for: Option<UnixTime>,
    title: String,
    /// Timer actions applied here and sent, whose `Changed(Timer)` has not come back yet. Until
    /// it has, the stored timer is behind what the window shows: reading it then flipped the
    /// window back for a frame (and a click meant for "Start" landed on the old "Pause").
    unconfirmed: u32,
    /// A reload skipped while actions were unconfirmed, to make once they are.
    reload_due: bool,
}

/// `mm:ss` (or `h:mm:ss` for long phases).
pub fn format_clock(secs: i64) -> String {
    let s = secs.max(0);
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
    } else {
        format!("{:02}:{:02}", s / 60, s % 60)
    }
}

impl TimerView {
    fn reload(&mut self, ctx: &ViewContext) {
        match (ctx.store.timer(), ctx.store.timer_config()) {
            (Ok(t), Ok(c)) => {
                self.timer = t;
                self.cfg = c;
            }
            (Err(e), _) | (_, Err(e)) => {
                ctx.act(super::context::AppAction::Notice(
                    t!("timer.read_error", error = e).into_owned(),
                ));
            }
        }
        let card = self.timer.task.and_then(|id| ctx.store.card(id).ok());
        self.next_step = card.as_ref().and_then(|c| {
            crate::focus::checklist::items(&c.notes)
                .into_iter()
                .find(|i| !i.done)
                .map(|i| i.text)
        });
        self.task_title = card.map(|c| c.title);
        self.tick_sent_for = None;
    }

    /// Carries out `action` here at once, so the window shows its outcome in this frame, and
    /// sends it, with the moment it was taken, to the writer, which applies it to the stored
    /// timer (and logs what it ends); the stored state comes back on `Changed(Timer)`. `task`
    /// names the card a start goes to, so the top bar can say so before the board is read.
    fn act(&mut self, ctx: &ViewContext, action: TimerAction, task: Option<(CardId, &str)>) {
        let now = ctx.now.timestamp();
        let cfg = &self.cfg;
        let before = self.timer.task;
        let _ = match action {
            TimerAction::Toggle => self.timer.toggle(cfg, now),
            TimerAction::Start(task) => self.timer.start(cfg, now, task),
            TimerAction::Pause => self.timer.pause(cfg, now),
            TimerAction::Resume => self.timer.resume(cfg, now),
            TimerAction::Skip => self.timer.skip(cfg, now),
            TimerAction::Reset => self.timer.reset(cfg, now),
            TimerAction::Tick => self.timer.tick(cfg, now),
        };
        if self.timer.task != before {
            self.task_title = match (self.timer.task, task) {
                (Some(id), Some((card, title))) if id == card => Some(title.to_owned()),
                _ => None,
            };
            self.next_step = None;
        }
        self.unconfirmed += 1;
        ctx.send(Command::Focus(FocusCommand::TimerAt(action, now)));
    }

    /// Starts a focus session on `card` (the board's Focus button, Enter on a card).
    pub fn start_on(&mut self, ctx: &ViewContext, card: CardId, title: &str) {
        self.act(ctx, TimerAction::Start(Some(card)), Some((card, title)));
    }

    /// The focus session not yet logged, as the stats count it live (None when there is none).
    pub fn live_session(&self, now: UnixTime) -> Option<LiveSession<'_>> {
        let seconds = self.timer.focused_so_far(now);
        (seconds > 0).then(|| LiveSession {
            task: self.timer.task,
            title: self.task_title.as_deref().unwrap_or(NO_TASK),
            seconds,
        })
    }

    /// The card a focus session is running or paused on (not a break's next task).
    pub fn focus_card(&self) -> Option<(CardId, CardFocus)> {
        let t = &self.timer;
        let how = if t.phase.is_break() {
            None
        } else if t.is_running() {
            Some(CardFocus::Running)
        } else if t.is_paused() {
            Some(CardFocus::Paused)
        } else {
            None
        };
        Some((t.task?, how?))
    }

    /// What Start (the button or Space) does. A focus session that has no task yet goes to
    /// `selected`, the card selected on the board in view: that is the task the user is looking at.
    fn start_action(&self, selected: Option<CardId>) -> TimerAction {
        let t = &self.timer;
        if t.is_running() {
            TimerAction::Pause
        } else if t.is_paused() {
            TimerAction::Resume
        } else if t.task.is_none() && !t.phase.is_break() {
            TimerAction::Start(selected)
        } else {
            TimerAction::Start(None)
        }
    }

    /// `selected`: the card (id and title) selected on the board when the board is in view.
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &ViewContext, selected: Option<(CardId, &str)>) {
        let now = ctx.now.timestamp();
        if self.timer.is_running() {
            if let crate::focus::timer::Run::Running { ends_at, .. } = self.timer.run
                && self.timer.is_due(now)
                && self.tick_sent_for != Some(ends_at)
            {
                self.tick_sent_for = Some(ends_at);
                self.act(ctx, TimerAction::Tick, None);
            }
            ui.ctx().request_repaint_after(Duration::from_secs(1));
        }
        let t = &self.timer;
        let remaining = t.remaining(&self.cfg, now);
        let colour = if t.phase.is_break() {
            theme::break_colour(ui.visuals())
        } else {
            theme::focus_colour(ui.visuals())
        };
        ui.colored_label(colour, super::time_text::phase(t.phase));
        ui.label(
            egui::RichText::new(format_clock(remaining))
                .monospace()
                .size(theme::TIMER_TEXT_SIZE)
                .color(colour),
        );
        let action = self.start_action(selected.map(|(id, _)| id));
        let (label, hover) = match (action, selected) {
            (TimerAction::Pause, _) => (t!("timer.pause"), UiCommand::TimerStartPause.label()),
            (TimerAction::Resume, _) => (t!("timer.resume"), UiCommand::TimerStartPause.label()),
            (TimerAction::Start(Some(_)), Some((_, title))) => (
                t!("timer.start"),
                t!("timer.start_on", title = title).into_owned(),
            ),
            _ => (t!("timer.start"), UiCommand::TimerStartPause.label()),
        };
        let mut clicked = None;
        if ui.button(label).on_hover_text(hover).clicked() {
            clicked = Some(action);
        }
        if ui
            .button(t!("timer.skip"))
            .on_hover_text(t!("timer.skip_hover"))
            .clicked()
        {
            clicked = Some(TimerAction::Skip);
        }
        if ui
            .button(t!("timer.reset"))
            .on_hover_text(t!("timer.reset_hover"))
            .clicked()
        {
            clicked = Some(TimerAction::Reset);
        }
        if let Some(action) = clicked {
            self.act(ctx, action, selected);
            // The phase and countdown left of the buttons were drawn before the click: draw
            // this frame again, so the one that handled the click shows its outcome.
            ui.ctx().request_discard("a timer button changed the timer");
        }
        let t = &self.timer;
        ui.label(format!(
            "{}/{}",
            t.completed_in_cycle,
            self.cfg.long_break_every.max(1)
        ))
        .on_hover_text(t!("timer.cycle_hover"));
        match &self.task_title {
            Some(title) => {
                ui.label(egui::RichText::new(t!("timer.on_task", title = title)).strong());
                if let Some(step) = &self.next_step {
                    ui.colored_label(
                        theme::weak_colour(ui.visuals()),
                        t!("timer.next_step", step = step),
                    )
                    .on_hover_text(t!("timer.next_step_hover"));
                }
            }
            None => {
                ui.colored_label(theme::weak_colour(ui.visuals()), t!("timer.no_task"));
            }
        }
        self.title = self.compute_title(now);
    }

    fn compute_title(&self, now: UnixTime) -> String {
        let t = &self.timer;
        if t.run == crate::focus::timer::Run::Idle {
            return "focusfeed".to_owned();
        }
        let state = if t.is_paused() {
            t!("timer.paused")
        } else {
            "".into()
        };
        let task = self
            .task_title
            .as_deref()
            .filter(|_| !t.phase.is_break())
            .map(|s| format!(" · {s}"))
            .unwrap_or_default();
        format!(
            "{} {}{state}{task} — focusfeed",
            format_clock(t.remaining(&self.cfg, now)),
            super::time_text::phase(t.phase)
        )
    }

    /// The start of the focus session that is counting now, if one is (paused or on a break: None).
    pub fn focus_session(&self) -> Option<UnixTime> {
        let t = &self.timer;
        (t.phase == crate::focus::timer::Phase::Focus && t.is_running())
            .then(|| t.session_start.unwrap_or(0))
    }

    /// In a break: whether it is counting, and its whole length in seconds.
    pub fn break_phase(&self) -> Option<(bool, i64)> {
        let t = &self.timer;
        t.phase
            .is_break()
            .then(|| (t.is_running(), self.cfg.seconds(t.phase)))
    }

    /// Seconds left in the current phase.
    pub fn remaining(&self, now: UnixTime) -> i64 {
        self.timer.remaining(&self.cfg, now)
    }

    /// The window title: the running timer and its task, or just the app's name.
    pub fn window_title(&self) -> String {
        if self.title.is_empty() {
            "focusfeed".to_owned()
        } else {
            self.title.clone()
        }
    }

    /// A keyboard command for this view (see `commands.rs`).
    pub fn command(&mut self, cmd: UiCommand, ctx: &ViewContext, selected: Option<(CardId, &str)>) {
        if cmd == UiCommand::TimerStartPause {
            let action = match self.start_action(selected.map(|(id, _)| id)) {
                start @ TimerAction::Start(Some(_)) => start,
                _ => TimerAction::Toggle,
            };
            self.act(ctx, action, selected);
        }
    }

    /// An event from the worker (reload on `Changed`).
    pub fn on_event(&mut self, event: &Event, ctx: &ViewContext) {
        match event {
            // Each timer action the writer carries out (or fails) answers with one of these.
            Event::Changed(Topic::Timer) => {
                self.unconfirmed = self.unconfirmed.saturating_sub(1);
                self.reload_due = true;
            }
            Event::Failed { task, .. } if task == "Timer" => {
                self.unconfirmed = self.unconfirmed.saturating_sub(1);
                self.reload_due = true;
            }
            Event::Changed(Topic::Board | Topic::Settings) => self.reload_due = true,
            _ => {}
        }
        if self.reload_due && self.unconfirmed == 0 {
            self.reload_due = false;
            self.reload(ctx);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::format_clock;

    #[test]
    fn clock_format() {
        assert_eq!(format_clock(25 * 60), "25:00");
        assert_eq!(format_clock(61), "01:01");
        assert_eq!(format_clock(-5), "00:00");
        assert_eq!(format_clock(3600 + 62), "1:01:02");
    }
}
