//! The `?` overlay: every command and its shortcuts, read from `UiCommand`.

use super::commands::{Scope, UiCommand};
use rust_i18n::t;

/// The overlay's sections in order: the keys that work everywhere, then this view's, then the
/// rest. In the Reader its section came last, below the fold of the overlay's scroll area.
fn sections(here: Scope) -> Vec<Scope> {
    let mut order = vec![Scope::Global];
    for scope in [here, Scope::Board, Scope::Reader] {
        if !order.contains(&scope) {
            order.push(scope);
        }
    }
    order
}

/// Shows the overlay while `open`; `here` is the scope of the view it was opened in.
pub fn show(ctx: &egui::Context, open: &mut bool, here: Scope) {
    if super::commands::escape_pressed(ctx) {
        *open = false;
        return;
    }
    egui::Window::new(t!("help.title"))
        .id(egui::Id::unique("keyboard_shortcuts"))
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
                            for scope in sections(here) {
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
            ui.weak(t!("help.esc"));
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_views_keys_come_right_after_the_global_ones() {
        assert_eq!(
            sections(Scope::Reader),
            [Scope::Global, Scope::Reader, Scope::Board]
        );
        assert_eq!(
            sections(Scope::Board),
            [Scope::Global, Scope::Board, Scope::Reader]
        );
        assert_eq!(
            sections(Scope::Global),
            [Scope::Global, Scope::Board, Scope::Reader]
        );
    }
}
