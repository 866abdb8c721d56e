//! The `?` overlay: every command and its shortcuts, read from `UiCommand`.

use super::commands::{Scope, UiCommand};

pub fn show(ctx: &egui::Context, open: &mut bool) {
    if super::commands::escape_pressed(ctx) {
        *open = false;
        return;
    }
    egui::Window::new("Keyboard shortcuts")
        .open(open)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::vec2(0.0, 0.0))
        .show(ctx, |ui| {
            // A floating bar would sit over the ends of the longest labels.
            ui.spacing_mut().scroll = egui::style::ScrollStyle::solid();
            egui::ScrollArea::vertical()
                .max_height(520.0)
                .show(ui, |ui| {
                    // One grid for every scope, so the key column has one width throughout.
                    egui::Grid::new("shortcuts")
                        .num_columns(2)
                        .striped(true)
                        .show(ui, |ui| {
                            for scope in [Scope::Global, Scope::Board, Scope::Reader] {
                                ui.strong(scope.view_name());
                                ui.end_row();
                                for cmd in UiCommand::ALL.iter().filter(|c| c.scope() == scope) {
                                    ui.monospace(cmd.shortcuts_text());
                                    ui.label(cmd.label());
                                    ui.end_row();
                                }
                            }
                        });
                });
            ui.add_space(super::theme::GAP * 0.5);
            ui.weak("Esc closes this window and the feed dialogs.");
        });
}
