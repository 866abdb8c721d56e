//! The "Timer" section of Settings: lengths, long-break interval, auto-start, alerts.
//! Its draft lives in egui's memory so `settings.rs` only needs one line to show it.

use super::context::ViewContext;
use super::theme;
use crate::engine::focus::FocusCommand;
use crate::engine::worker::Command;
use crate::focus::timer::{MAX_PHASE_MINUTES, TimerConfig};

#[derive(Clone, Default)]
struct Draft {
    cfg: Option<TimerConfig>,
    saved: Option<TimerConfig>,
    error: Option<String>,
}

/// Draws the section; reads the stored settings the first time and after each save or revert.
pub fn show(ui: &mut egui::Ui, ctx: &ViewContext) {
    let id = egui::Id::unique("timer_settings_draft");
    let mut d: Draft = ui.data(|m| m.get_temp(id)).unwrap_or_default();
    if d.cfg.is_none() {
        match ctx.store.timer_config() {
            Ok(c) => {
                d.cfg = Some(c.clone());
                d.saved = Some(c);
            }
            Err(e) => d.error = Some(format!("could not read the timer settings: {e}")),
        }
    }
    ui.strong("Timer");
    if let Some(cfg) = &mut d.cfg {
        egui::Grid::new("timer_settings_grid")
            .num_columns(2)
            .spacing([theme::GAP, theme::GAP])
            .show(ui, |ui| {
                for (label, v) in [
                    ("Focus (minutes)", &mut cfg.focus_minutes),
                    ("Short break (minutes)", &mut cfg.short_break_minutes),
                    ("Long break (minutes)", &mut cfg.long_break_minutes),
                ] {
                    ui.label(label);
                    ui.add(egui::DragValue::new(v).range(1..=MAX_PHASE_MINUTES));
                    ui.end_row();
                }
                ui.label("Long break every");
                ui.add(
                    egui::DragValue::new(&mut cfg.long_break_every)
                        .range(1..=100)
                        .suffix(" focus sessions"),
                );
                ui.end_row();
            });
        ui.checkbox(&mut cfg.auto_start_breaks, "Start breaks automatically");
        ui.checkbox(
            &mut cfg.auto_start_focus,
            "Start the next focus session automatically",
        );
        ui.checkbox(&mut cfg.notify, "Desktop notification when a phase ends");
        ui.checkbox(&mut cfg.sound, "Sound when a phase ends");
        let dirty = d.saved.as_ref() != Some(&*cfg);
        let (mut save, mut revert) = (false, false);
        ui.horizontal(|ui| {
            save = ui
                .add_enabled(dirty, egui::Button::new("Save timer settings"))
                .clicked();
            revert = ui.add_enabled(dirty, egui::Button::new("Revert")).clicked();
        });
        ui.colored_label(
            theme::weak_colour(ui.visuals()),
            "A running phase keeps its length; new lengths apply from the next one.",
        );
        if save {
            match cfg.validate() {
                Ok(()) => {
                    ctx.send(Command::Focus(FocusCommand::SetTimerConfig(cfg.clone())));
                    d.saved = Some(cfg.clone());
                    d.error = None;
                }
                Err(e) => d.error = Some(e),
            }
        }
        if revert {
            d.cfg = None;
        }
    }
    if let Some(e) = &d.error {
        ui.colored_label(theme::error_colour(ui.visuals()), e);
    }
    ui.data_mut(|m| m.insert_temp(id, d));
}
