//! The reader with no subscriptions: a welcome that offers to add a feed, import OPML, or load the
//! sample feeds, so a newcomer sees a working reader without going online.

use crate::ui::theme;
use rust_i18n::t;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstRunChoice {
    /// Paste an address or path, or import OPML (the same dialog).
    AddFeed,
    LoadSamples,
}

/// `loading`: the samples are on their way; say so instead of offering them again.
pub fn ui(ui: &mut egui::Ui, loading: bool) -> Option<FirstRunChoice> {
    let mut choice = None;
    ui.vertical_centered(|ui| {
        ui.add_space(ui.available_height() * 0.2);
        ui.heading(t!("first_run.title"));
        ui.add_space(theme::GAP);
        ui.label(t!("first_run.intro"));
        ui.add_space(theme::GAP * 2.0);
        if ui.button(t!("first_run.add")).clicked() {
            choice = Some(FirstRunChoice::AddFeed);
        }
        ui.add_space(theme::GAP);
        if loading {
            ui.horizontal(|ui| {
                crate::ui::quiet_spinner::show(ui);
                ui.label(t!("first_run.loading"));
            });
        } else if ui.button(t!("first_run.samples")).clicked() {
            choice = Some(FirstRunChoice::LoadSamples);
        }
        ui.add_space(theme::GAP * 2.0);
        ui.weak(t!("first_run.private"));
    });
    choice
}
