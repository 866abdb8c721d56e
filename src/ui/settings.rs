//! The settings view.

use super::commands::UiCommand;
use super::context::ViewContext;
use crate::engine::worker::Event;

#[derive(Default)]
pub struct SettingsView {}

impl SettingsView {
    pub fn ui(&mut self, ui: &mut egui::Ui, _ctx: &ViewContext) {
        ui.heading("Settings");
        super::timer_settings::show(ui, _ctx);
        super::board_data::show(ui, _ctx);
    }

    /// A keyboard command for this view (see `commands.rs`).
    pub fn command(&mut self, _cmd: UiCommand, _ctx: &ViewContext) {}

    /// An event from the worker (reload on `Changed`).
    pub fn on_event(&mut self, _event: &Event, _ctx: &ViewContext) {}
}
