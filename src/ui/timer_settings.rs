//! The "Timer" section of Settings: lengths, long-break interval, auto-start, alerts.
//! Its draft lives in egui's memory so `settings.rs` only needs one line to show it.

use super::context::ViewContext;
use super::theme;
use crate::engine::focus::FocusCommand;
use crate::engine::worker::Command;
use crate::focus::timer::{MAX_PHASE_MINUTES, TimerConfig};
use rust_i18n::t;

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
            Err(e) => d.error = Some(t!("timer_settings.read_error", error = e).into_owned()),
        }
    }
    ui.strong(t!("timer_settings.title"));
    if let Some(cfg) = &mut d.cfg {
        egui::Grid::new("timer_settings_grid")
            .num_columns(2)
            .spacing([theme::GAP, theme::GAP])
            .show(ui, |ui| {
                for (label, v) in [
                    (t!("timer_settings.focus"), &mut cfg.focus_minutes),
                    (
                        t!("timer_settings.short_break"),
                        &mut cfg.short_break_minutes,
                    ),
                    (t!("timer_settings.long_break"), &mut cfg.long_break_minutes),
                ] {
                    ui.label(label);
                    ui.add(egui::DragValue::new(v).range(1..=MAX_PHASE_MINUTES));
                    ui.end_row();
                }
                ui.label(t!("timer_settings.long_break_every"));
                ui.add(
                    egui::DragValue::new(&mut cfg.long_break_every)
                        .range(1..=100)
                        .suffix(t!("timer_settings.sessions_suffix")),
                );
                ui.end_row();
            });
        ui.checkbox(&mut cfg.auto_start_breaks, t!("timer_settings.auto_breaks"));
        ui.checkbox(&mut cfg.auto_start_focus, t!("timer_settings.auto_focus"));
        ui.checkbox(&mut cfg.notify, t!("timer_settings.notify"));
        ui.checkbox(&mut cfg.sound, t!("timer_settings.sound"));
        let dirty = d.saved.as_ref() != Some(&*cfg);
        let (mut save, mut revert) = (false, false);
        ui.horizontal(|ui| {
            save = ui
                .add_enabled(dirty, egui::Button::new(t!("timer_settings.save")))
                .clicked();
            revert = ui
                .add_enabled(dirty, egui::Button::new(t!("timer_settings.revert")))
                .clicked();
        });
        ui.colored_label(
            theme::weak_colour(ui.visuals()),
            t!("timer_settings.applies_next"),
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
