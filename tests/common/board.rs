//! Helpers for the board and focus tests: a window on a data directory with alerts off, its
//! clock, and cards made through the UI.

use super::step_until;
use chrono::{DateTime, Utc};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use focusfeed::clock::ManualClock;
use focusfeed::focus::timer::TimerConfig;
use focusfeed::store::Store;
use focusfeed::ui::app::FocusFeedApp;
use std::path::Path;
use std::sync::Arc;

/// The board tests' clock starts at 2026-03-10 09:00 UTC, moved only by the test.
pub fn start_time() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-10T09:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// A data directory with alerts off, so tests neither pop notifications nor play sounds.
pub fn data_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join(focusfeed::paths::DB_FILE)).unwrap();
    store
        .set_timer_config(&TimerConfig {
            notify: false,
            sound: false,
            ..TimerConfig::default()
        })
        .unwrap();
    dir
}

pub fn app(dir: &Path, clock: &ManualClock) -> Harness<'static, FocusFeedApp> {
    app_stepping(dir, clock, 0.25)
}

/// The window with frames `step_dt` seconds apart. kittest runs a frame per input event, so at
/// the default 1/4 s two clicks are too far apart to make a double-click.
pub fn app_stepping(
    dir: &Path,
    clock: &ManualClock,
    step_dt: f32,
) -> Harness<'static, FocusFeedApp> {
    let dir = dir.to_path_buf();
    let clock = Arc::new(clock.clone());
    Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .with_step_dt(step_dt)
        .build_eframe(move |cc| FocusFeedApp::new(cc.egui_ctx.clone(), &dir, clock).unwrap())
}

/// `n` primary clicks at `pos`, each press and release queued together (a frame each).
pub fn click_at(h: &mut Harness<'_, FocusFeedApp>, pos: egui::Pos2, n: usize) {
    h.event(egui::Event::PointerMoved(pos));
    h.step();
    for _ in 0..n {
        for pressed in [true, false] {
            h.event(egui::Event::PointerButton {
                pos,
                button: egui::PointerButton::Primary,
                pressed,
                modifiers: egui::Modifiers::NONE,
            });
        }
        h.step();
    }
}

/// Whether the open card editor's title field holds `title`.
pub fn editor_holds(h: &Harness<'_, FocusFeedApp>, title: &str) -> bool {
    h.query_all_by_role(Role::TextInput)
        .any(|n| n.value().as_deref() == Some(title))
}

pub fn has_label(h: &Harness<'_, FocusFeedApp>, label: &str) -> bool {
    h.query_all_by_label(label).next().is_some()
}

pub fn has_label_containing(h: &Harness<'_, FocusFeedApp>, part: &str) -> bool {
    h.query_all_by_label_contains(part).next().is_some()
}

pub fn create_card(h: &mut Harness<'_, FocusFeedApp>, title: &str) {
    h.get_by_role_and_label(Role::Button, "New card (N)")
        .click();
    step_until(h, "the card dialog", |h| has_label(h, "Save"));
    // The title field has focus when the dialog opens.
    h.event(egui::Event::Text(title.to_owned()));
    h.step();
    h.get_by_role_and_label(Role::Button, "Save").click();
    let t = title.to_owned();
    step_until(h, "the new card", move |h| has_label(h, &t));
}

/// The column whose header is closest to the left of the card's title.
pub fn column_of(h: &Harness<'_, FocusFeedApp>, card: &str) -> String {
    let x = h.get_by_label(card).rect().center().x;
    ["Backlog", "Today", "Doing", "Done"]
        .into_iter()
        .filter(|c| h.get_by_label(c).rect().left() <= x)
        .max_by(|a, b| {
            let (ra, rb) = (
                h.get_by_label(a).rect().left(),
                h.get_by_label(b).rect().left(),
            );
            ra.total_cmp(&rb)
        })
        .unwrap()
        .to_owned()
}
