//! Helpers shared by the UI test files.
#![allow(dead_code)]

use egui_kittest::Harness;
use focusfeed::ui::app::FocusFeedApp;
use std::time::Instant;

/// Steps frames until `cond` holds. The worker answers on its own thread, so this polls
/// (bounded by a deadline) instead of sleeping for a guessed time.
pub fn step_until(
    h: &mut Harness<'_, FocusFeedApp>,
    what: &str,
    cond: impl Fn(&Harness<'_, FocusFeedApp>) -> bool,
) {
    let deadline = Instant::now() + std::time::Duration::from_secs(20);
    loop {
        h.step();
        if cond(h) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}; list {:?}; notices {:?}",
            h.state().reader_list(),
            h.state().notices()
        );
        std::thread::yield_now();
    }
}
