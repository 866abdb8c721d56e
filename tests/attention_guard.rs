//! The feed waits while you focus: during a running focus session the Reader shows how much is
//! waiting instead of the feed, reader shortcuts do nothing, "Read anyway" opens it for this
//! session only, and the break opens it by itself.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::Duration;
use egui::accesskit::Role;
mod common;

use common::board::{app, data_dir, start_time};
use common::step_until;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use focusfeed::clock::ManualClock;
use focusfeed::store::Store;
use focusfeed::ui::app::{FocusFeedApp, View};

fn store_of(dir: &std::path::Path) -> Store {
    Store::open(&dir.join(focusfeed::paths::DB_FILE)).unwrap()
}

const LOCKED: &str = "The feed waits while you focus";

fn has(h: &Harness<'_, FocusFeedApp>, label: &str) -> bool {
    h.query_all_by_label_contains(label).next().is_some()
}

#[test]
fn reader_is_closed_during_focus_and_opens_in_the_break() {
    let dir = data_dir();
    common::insert_feed_x(&store_of(dir.path()), &["First", "Second"]);
    let clock = ManualClock::new(start_time());
    let mut h = app(dir.path(), &clock);
    h.run_steps(2);

    h.get_by_role_and_label(Role::Button, "Start").click();
    step_until(&mut h, "the timer to run", |h| has(h, "Pause"));
    h.key_press(egui::Key::Num2);
    step_until(&mut h, "the guard", |h| has(h, LOCKED));
    assert_eq!(h.state().view(), View::Reader);
    assert!(has(&h, "2 unread items are waiting"));
    assert!(!has(&h, "Second"), "the feed's items must stay hidden");

    h.get_by_role_and_label(Role::Button, "Read anyway").click();
    step_until(&mut h, "the reader", |h| has(h, "Second"));
    assert!(!has(&h, LOCKED));

    // The next focus session closes it again; the break in between leaves it open.
    clock.advance(Duration::minutes(25) + Duration::seconds(1));
    step_until(&mut h, "the break", |h| has(h, "Short break"));
    assert!(!has(&h, LOCKED));
    h.get_by_role_and_label(Role::Button, "Skip").click();
    step_until(&mut h, "the next focus phase", |h| !has(h, "Short break"));
    h.get_by_role_and_label(Role::Button, "Start").click();
    step_until(&mut h, "the guard again", |h| has(h, LOCKED));
}
