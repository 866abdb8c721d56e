//! A spinner that moves four times a second. egui's own asks for a frame every frame; on a
//! machine drawing in software that was a core's worth of work for as long as a refresh or an
//! index build ran, taken from the refresh itself.

use egui::{Pos2, Sense, Shape, Stroke, emath::lerp, vec2};
use std::time::Duration;

/// Steps per second: enough to read as motion, few enough to cost nothing.
const STEPS_PER_SECOND: f64 = 4.0;

/// Draws the spinner where the next widget goes.
pub fn show(ui: &mut egui::Ui) -> egui::Response {
    let size = ui.style().spacing.interact_size.y;
    let (rect, response) = ui.allocate_exact_size(vec2(size, size), Sense::hover());
    response.widget_info(|| egui::WidgetInfo::new(egui::accesskit::Role::ProgressIndicator));
    if !ui.is_rect_visible(rect) {
        return response;
    }
    let time = (ui.input(|i| i.time) * STEPS_PER_SECOND).floor() / STEPS_PER_SECOND;
    let until_next = (1.0 / STEPS_PER_SECOND) - ui.input(|i| i.time) % (1.0 / STEPS_PER_SECOND);
    ui.ctx()
        .request_repaint_after(Duration::from_secs_f64(until_next.max(0.01)));
    let color = ui.visuals().strong_text_color();
    let radius = rect.height().min(rect.width()) * 0.5 - 2.0;
    let n_points = (radius.round() as u32).clamp(8, 128);
    let start = time * std::f64::consts::TAU;
    let end = start + 240f64.to_radians() * time.sin();
    let points: Vec<Pos2> = (0..n_points)
        .map(|i| {
            let angle = lerp(start..=end, f64::from(i) / f64::from(n_points));
            let (sin, cos) = angle.sin_cos();
            rect.center() + radius * vec2(cos as f32, sin as f32)
        })
        .collect();
    ui.painter()
        .add(Shape::line(points, Stroke::new(3.0, color)));
    response
}
