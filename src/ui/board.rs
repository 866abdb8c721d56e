//! The board view.

use super::commands::UiCommand;
use super::context::ViewContext;
use crate::engine::worker::Event;

#[derive(Default)]
pub struct BoardView {}

impl BoardView {
    pub fn ui(&mut self, ui: &mut egui::Ui, _ctx: &ViewContext) {
        ui.heading("Board");
    }

    /// A keyboard command for this view (see `commands.rs`).
    pub fn command(&mut self, _cmd: UiCommand, _ctx: &ViewContext) {}

    /// An event from the worker (reload on `Changed`).
    pub fn on_event(&mut self, _event: &Event, _ctx: &ViewContext) {}
}
