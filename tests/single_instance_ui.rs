//! A second start of focusfeed on the same data directory brings the open window to the front.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::board::{app, data_dir, start_time};
use common::step_until_sent;
use egui::ViewportCommand;
use focusfeed::clock::ManualClock;
use focusfeed::ui::single_instance::{ask_open_window_to_raise, listen};

#[test]
fn a_second_start_brings_the_open_window_to_the_front() {
    let dir = data_dir();
    let clock = ManualClock::new(start_time());
    let mut h = app(dir.path(), &clock);
    h.state_mut().listen_for_raise(listen(dir.path(), || {}));
    h.step();
    assert!(ask_open_window_to_raise(dir.path()));
    // The request crosses a socket and a thread: step until it lands.
    step_until_sent(
        &mut h,
        "the window to come forward",
        &ViewportCommand::Focus,
    );
}
