//! The timer view.

use super::commands::UiCommand;
use super::context::ViewContext;
use crate::engine::worker::Event;

#[derive(Default)]
pub struct TimerView {}

impl TimerView {
    pub fn ui(&mut self, ui: &mut egui::Ui, _ctx: &ViewContext) {
        ui.heading("Timer");
    }

    /// The window title: the running timer and its task, or just the app's name.
    pub fn window_title(&self) -> String {
        "focusfeed".to_owned()
    }

    /// A keyboard command for this view (see `commands.rs`).
    pub fn command(&mut self, _cmd: UiCommand, _ctx: &ViewContext) {}

    /// An event from the worker (reload on `Changed`).
    pub fn on_event(&mut self, _event: &Event, _ctx: &ViewContext) {}
}
