//! The reader with no subscriptions: a welcome that offers to add a feed, import OPML, or load the
//! sample feeds, so a newcomer sees a working reader without going online.

use crate::ui::theme;

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
        ui.heading("Your reader is empty");
        ui.add_space(theme::GAP);
        ui.label(
            "Subscribe to a site's feed, bring your subscriptions from another reader, \
             or look around with a few sample feeds that work offline.",
        );
        ui.add_space(theme::GAP * 2.0);
        if ui.button("Add a feed or import OPML…").clicked() {
            choice = Some(FirstRunChoice::AddFeed);
        }
        ui.add_space(theme::GAP);
        if loading {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Loading the sample feeds…");
            });
        } else if ui.button("Load sample feeds").clicked() {
            choice = Some(FirstRunChoice::LoadSamples);
        }
        ui.add_space(theme::GAP * 2.0);
        ui.weak("Nothing you read leaves this computer.");
    });
    choice
}
