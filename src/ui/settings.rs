//! The Settings view: general options here; each area adds its own section from its own file.

use super::commands::UiCommand;
use super::context::ViewContext;
use super::language::{LANGUAGE_KEY, Language};
use super::theme;
use crate::engine::reader::ReaderCommand;
use crate::engine::worker::{Command, Event};
use rust_i18n::t;

#[derive(Default)]
pub struct SettingsView {
    for_you: super::for_you_settings::ForYouSettings,
}

impl SettingsView {
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &ViewContext) {
        egui::ScrollArea::vertical().show(ui, |ui| {
            ui.heading(t!("settings.title"));
            ui.add_space(theme::GAP);
            // The gap between sections is kept here, once, so every heading stands alike.
            general_section(ui, ctx);
            ui.add_space(theme::GAP);
            super::timer_settings::show(ui, ctx);
            ui.add_space(theme::GAP);
            super::board_data::show(ui, ctx);
            ui.add_space(theme::GAP);
            super::reader::settings::section(ui, ctx);
            ui.add_space(theme::GAP);
            self.for_you.ui(ui, ctx);
            ui.add_space(theme::GAP);
        });
    }

    /// Settings has no view-specific shortcuts; the global ones still apply.
    pub fn command(&mut self, _cmd: UiCommand, _ctx: &ViewContext) {}

    pub fn on_event(&mut self, event: &Event, _ctx: &ViewContext) {
        if let Event::Changed(topic) = event {
            self.for_you.on_changed(*topic);
        }
    }
}

fn general_section(ui: &mut egui::Ui, ctx: &ViewContext) {
    ui.strong(t!("settings.general"));
    egui::Grid::new("settings_general")
        .num_columns(2)
        .spacing([theme::GAP * 2.0, theme::GAP])
        .show(ui, |ui| {
            ui.label(t!("settings.language"));
            language_choice(ui, ctx);
            ui.end_row();
            ui.label(t!("settings.appearance"));
            appearance_choice(ui);
            ui.end_row();
            ui.label(t!("settings.data_dir"));
            ui.horizontal(|ui| {
                let dir = ctx.data_dir.display().to_string();
                ui.monospace(&dir);
                if ui.small_button(t!("settings.copy")).clicked() {
                    ui.ctx().copy_text(dir);
                }
            });
            ui.end_row();
            ui.label(t!("settings.backups"));
            ui.horizontal(|ui| {
                if ui
                    .button(t!("settings.backup_now"))
                    .on_hover_text(t!("settings.backup_hover"))
                    .clicked()
                {
                    ctx.send(Command::Reader(
                        crate::engine::reader::ReaderCommand::BackupNow,
                    ));
                }
            });
            ui.end_row();
        });
}

/// Text-only choices: egui's own theme buttons use emoji the bundled fonts lack.
fn appearance_choice(ui: &mut egui::Ui) {
    let mut pref = ui.ctx().options(|o| o.theme_preference);
    ui.horizontal(|ui| {
        ui.selectable_value(
            &mut pref,
            egui::ThemePreference::System,
            t!("settings.follow_system"),
        );
        ui.selectable_value(
            &mut pref,
            egui::ThemePreference::Light,
            t!("settings.light"),
        );
        ui.selectable_value(&mut pref, egui::ThemePreference::Dark, t!("settings.dark"));
    });
    ui.ctx().set_theme(pref);
}

/// Each language named in itself. A choice applies from this frame on (every label is read
/// through `t!` as it is drawn) and is stored for the next start.
fn language_choice(ui: &mut egui::Ui, ctx: &ViewContext) {
    let before = Language::current();
    let mut chosen = before;
    ui.horizontal(|ui| {
        for language in Language::ALL {
            let label = language.choice_label(ui.ctx());
            ui.selectable_value(&mut chosen, language, label);
        }
    });
    if chosen != before {
        chosen.apply();
        ctx.send(Command::Reader(ReaderCommand::SaveSetting {
            key: LANGUAGE_KEY.to_string(),
            value: chosen.code().to_string(),
        }));
        // For you's reasons are worded when it is ranked: rank again so they follow.
        ctx.send(Command::Rank(crate::engine::rank::RankCommand::Refresh {
            limit: crate::ui::reader::for_you::FOR_YOU_LIMIT,
        }));
        // The rest of this frame was laid out in the old language.
        ui.ctx().request_discard("the UI language changed");
    }
}
