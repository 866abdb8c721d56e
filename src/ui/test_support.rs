//! What the UI's unit tests share: a worker that takes a view's commands without touching the
//! data under test, and a press and release that can be split across frames.

use crate::clock::SharedClock;
use crate::engine::Engine;
use crate::engine::worker::WorkerHandle;
use std::path::Path;

/// A worker on an engine of its own in `dir/worker`: a view under test may send it commands,
/// and nothing it does reaches the database the test reads.
pub fn worker_elsewhere(dir: &Path, clock: &SharedClock) -> WorkerHandle {
    let worker_dir = dir.join("worker");
    std::fs::create_dir_all(&worker_dir).unwrap_or_else(|e| panic!("{e}"));
    let engine = Engine::open(&worker_dir, clock.clone()).unwrap_or_else(|e| panic!("{e}"));
    WorkerHandle::spawn(engine, || {})
}

/// The primary button pressed (`true`) or let go at `pos`: a test presses, changes what is
/// drawn, and lets go a frame later, as a person's click spans frames.
pub fn primary_button(pos: egui::Pos2, pressed: bool) -> egui::Event {
    egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: egui::Modifiers::default(),
    }
}
