//! Closing the window while a focus session runs asks first: a stray Alt+F4 must not end a
//! session by surprise. The timer's deadline is stored, so a window opened again shows the
//! right time either way; the question only makes sure closing is meant.

use rust_i18n::t;

/// Whether the "close anyway?" question is up, and whether closing was confirmed.
#[derive(Debug, Default)]
pub struct CloseGuard {
    asking: bool,
    confirmed: bool,
}

impl CloseGuard {
    /// Holds a close request while `focus_left` (seconds of a running focus session) is set,
    /// and shows the question; a confirmed close goes through.
    pub fn frame(&mut self, ctx: &egui::Context, focus_left: Option<i64>) {
        let requested = ctx.input(|i| i.viewport().close_requested());
        if requested && !self.confirmed && focus_left.is_some() {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.asking = true;
        }
        if !self.asking {
            return;
        }
        let Some(left) = focus_left else {
            // The session ended while the question was up: nothing left to protect.
            self.asking = false;
            return;
        };
        let mut close = false;
        let mut keep = false;
        let modal = egui::Modal::new(egui::Id::unique("close_guard")).show(ctx, |ui| {
            ui.set_width(380.0);
            ui.heading(t!("close_guard.title"));
            ui.label(t!(
                "close_guard.body",
                left = super::timer::format_clock(left)
            ));
            ui.horizontal(|ui| {
                keep = ui.button(t!("close_guard.keep")).clicked();
                close = ui.button(t!("close_guard.close")).clicked()
                    || ui.input(|i| i.key_pressed(egui::Key::Enter));
            });
        });
        if keep || modal.should_close() {
            self.asking = false;
        } else if close {
            self.asking = false;
            self.confirmed = true;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }
}
