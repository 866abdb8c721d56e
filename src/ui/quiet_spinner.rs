//! A spinner that moves four times a second, or once a second beside a count that moves
//! itself. egui's own asks for a frame every frame; on a machine drawing in software that was
//! a core's worth of work for as long as a refresh or an index build ran, taken from the
//! refresh itself.

use egui::{Pos2, Sense, Shape, Stroke, emath::lerp, vec2};
use std::time::Duration;

/// Steps per second: enough to read as motion, few enough to cost nothing.
const STEPS_PER_SECOND: f64 = 4.0;
/// Steps per second beside a progress count: the count shows the work moving, and the spinner
/// only shows that the app is alive while one slow feed holds the count still. Each frame of a
/// refresh is drawn in software on many machines and takes from the refresh.
const BESIDE_A_COUNT: f64 = 1.0;

/// Draws the spinner where the next widget goes.
pub fn show(ui: &mut egui::Ui) -> egui::Response {
    show_stepping(ui, STEPS_PER_SECOND)
}

/// Draws the spinner beside a progress count, stepping once a second.
pub fn show_beside_count(ui: &mut egui::Ui) -> egui::Response {
    show_stepping(ui, BESIDE_A_COUNT)
}

fn show_stepping(ui: &mut egui::Ui, steps_per_second: f64) -> egui::Response {
    let size = ui.style().spacing.interact_size.y;
    let (rect, response) = ui.allocate_exact_size(vec2(size, size), Sense::hover());
    response.widget_info(|| egui::WidgetInfo::new(egui::accesskit::Role::ProgressIndicator));
    if !ui.is_rect_visible(rect) {
        return response;
    }
    let (time, until_next) = pace(ui.input(|i| i.time), steps_per_second);
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

/// Where the spinner is drawn at `now` (as a time of the 4-step pace, so a slower spinner moves
/// as far per step) and the seconds until its next step.
fn pace(now: f64, steps_per_second: f64) -> (f64, f64) {
    let step = (now * steps_per_second).floor();
    (
        step / STEPS_PER_SECOND,
        (step + 1.0) / steps_per_second - now,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beside_a_count_it_steps_once_a_second_as_far_as_the_fast_one_steps() {
        let fast: Vec<(f64, f64)> = [0.0, 0.1, 0.3, 1.26]
            .map(|t| pace(t, STEPS_PER_SECOND))
            .into();
        let slow: Vec<(f64, f64)> = [0.0, 0.1, 0.3, 1.26]
            .map(|t| pace(t, BESIDE_A_COUNT))
            .into();
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        // The fast one moves four times a second, the slow one once.
        assert!(close(fast[1].0, 0.0) && close(fast[2].0, 0.25) && close(fast[3].0, 1.25));
        assert!(close(slow[1].0, 0.0) && close(slow[2].0, 0.0) && close(slow[3].0, 0.25));
        // Each asks for its next frame at its next step, never sooner.
        assert!(close(fast[1].1, 0.15) && close(slow[1].1, 0.9) && close(slow[3].1, 0.74));
        assert!(slow.iter().all(|(_, wait)| *wait > 0.0 && *wait <= 1.0));
    }
}
