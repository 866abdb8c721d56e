//! Closing the window while a focus session runs asks first ("Keep working" or "Close"); with
//! no session running it closes at once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::board::{app, data_dir, has_label_containing, start_time};
use common::sent;
use egui::accesskit::Role;
use egui::{ViewportCommand, ViewportEvent, ViewportId};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use focusfeed::clock::ManualClock;
use focusfeed::ui::app::FocusFeedApp;

/// What the window's close button does: a close request for the root viewport.
fn request_close(h: &mut Harness<'_, FocusFeedApp>) {
    h.input_mut()
        .viewports
        .entry(ViewportId::ROOT)
        .or_default()
        .events
        .push(ViewportEvent::Close);
    h.step();
}

#[test]
fn closing_during_focus_asks_first_and_closes_only_when_told() {
    let dir = data_dir();
    let clock = ManualClock::new(start_time());
    let mut h = app(dir.path(), &clock);
    h.step();

    // No session: the window closes at once.
    request_close(&mut h);
    assert!(!sent(&h, &ViewportCommand::CancelClose));
    assert!(!has_label_containing(&h, "A focus session is running"));

    h.get_by_role_and_label(Role::Button, "Start").click();
    h.run_steps(3);
    assert!(h.query_by_role_and_label(Role::Button, "Pause").is_some());

    request_close(&mut h);
    assert!(
        sent(&h, &ViewportCommand::CancelClose),
        "the close was held"
    );
    h.run_steps(2);
    assert!(has_label_containing(
        &h,
        "of focus left. Close the window anyway?"
    ));
    h.get_by_role_and_label(Role::Button, "Keep working")
        .click();
    h.run_steps(2);
    assert!(!has_label_containing(&h, "Close the window anyway?"));
    assert!(
        h.query_by_role_and_label(Role::Button, "Pause").is_some(),
        "still running"
    );

    request_close(&mut h);
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, "Close").click();
    h.step();
    assert!(sent(&h, &ViewportCommand::Close), "closing when told");
}
