//! The daily reading budget: time with the reader in use counts (an unattended reader stops
//! counting), the reader closes once the budget is spent, "5 more minutes" opens it for five
//! more, the spent time survives a restart, and midnight opens the reader again.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::Duration;
use egui::accesskit::Role;
mod common;

use common::{reader_harness, start_clock, step_until};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use focusfeed::clock::ManualClock;
use focusfeed::focus::reading::local_day;
use focusfeed::store::Store;
use focusfeed::ui::app::FocusFeedApp;
use std::path::Path;

const DONE: &str = "Today's reading is done";

fn has(h: &Harness<'_, FocusFeedApp>, label: &str) -> bool {
    h.query_all_by_label_contains(label).next().is_some()
}

/// A data directory with one feed of two items and a budget of `minutes` a day.
fn setup(dir: &Path, minutes: i64) {
    let store = Store::open(&dir.join(focusfeed::paths::DB_FILE)).unwrap();
    common::insert_feed_x(&store, &["First story", "Second story"]);
    store.set_reading_budget_minutes(minutes).unwrap();
}

/// Reads for `minutes`: a minute passes, then the reader moves the pointer, once a minute.
fn read_for(h: &mut Harness<'_, FocusFeedApp>, clock: &ManualClock, minutes: i64) {
    for i in 0..minutes {
        clock.advance(Duration::minutes(1));
        let x = 700.0 + (i % 2) as f32 * 10.0;
        h.event(egui::Event::PointerMoved(egui::pos2(x, 400.0)));
        h.step();
    }
}

/// The window switched to the Reader, without waiting for the feed (which a lock hides).
fn reader_window(dir: &Path, clock: &ManualClock) -> Harness<'static, FocusFeedApp> {
    let dir = dir.to_path_buf();
    let clock = std::sync::Arc::new(clock.clone());
    let mut h = Harness::builder()
        .with_size([1400.0, 900.0])
        .build_eframe(move |cc| FocusFeedApp::new(cc.egui_ctx.clone(), &dir, clock).unwrap());
    h.key_press(egui::Key::Num2);
    h.step();
    h
}

fn stored_seconds(dir: &Path, clock: &ManualClock) -> i64 {
    let store = Store::open(&dir.join(focusfeed::paths::DB_FILE)).unwrap();
    let day = local_day(focusfeed::clock::Clock::now(clock).timestamp());
    store.reading_day(day).unwrap().seconds
}

#[test]
fn the_reader_closes_when_the_budget_is_spent_and_five_more_minutes_reopen_it() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path(), 15);
    let clock = start_clock();
    let mut h = reader_harness(dir.path(), &clock);
    step_until(&mut h, "the feed", |h| has(h, "Second story"));
    assert!(has(&h, "0 of 15 min read today"));

    read_for(&mut h, &clock, 10);
    step_until(&mut h, "ten minutes counted", |h| {
        has(h, "10 of 15 min read today")
    });
    assert!(!has(&h, DONE));

    read_for(&mut h, &clock, 5);
    step_until(&mut h, "the budget lock", |h| has(h, DONE));
    assert!(!has(&h, "Second story"), "the feed stays hidden");
    assert!(has(&h, "2 unread items are waiting"));
    // Reader shortcuts do nothing while it is closed.
    h.key_press(egui::Key::J);
    h.run_steps(2);
    assert!(has(&h, DONE));

    h.get_by_role_and_label(Role::Button, "5 more minutes")
        .click();
    step_until(&mut h, "the feed again", |h| has(h, "Second story"));
    assert!(has(&h, "15 of 20 min read today"));
    // Stats shows the same, the grant included.
    h.key_press(egui::Key::Num3);
    step_until(&mut h, "today's reading in Stats", |h| {
        has(h, "Reading: 15 of 20 min")
    });
    h.key_press(egui::Key::Num2);
    step_until(&mut h, "the feed once more", |h| has(h, "Second story"));
    read_for(&mut h, &clock, 5);
    step_until(&mut h, "the lock again", |h| has(h, DONE));
    assert!(has(&h, "the 5 min you added"));

    // Restarting changes nothing: the spent time is in the ledger.
    drop(h);
    assert_eq!(stored_seconds(dir.path(), &clock), 20 * 60);
    let mut h = reader_window(dir.path(), &clock);
    step_until(&mut h, "the lock after restart", |h| has(h, DONE));

    // A new day, a new budget.
    clock.advance(Duration::days(1));
    h.event(egui::Event::PointerMoved(egui::pos2(650.0, 400.0)));
    step_until(&mut h, "the feed the next day", |h| has(h, "Second story"));
    assert!(has(&h, "0 of 15 min read today"));
}

#[test]
fn a_reader_left_open_stops_counting_and_other_views_never_count() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path(), 30);
    let clock = start_clock();
    let mut h = reader_harness(dir.path(), &clock);
    step_until(&mut h, "the feed", |h| has(h, "Second story"));

    read_for(&mut h, &clock, 2);
    // An hour on the reader without a touch: only the idle allowance (3 min) counts.
    clock.advance(Duration::hours(1));
    h.step();
    h.event(egui::Event::PointerMoved(egui::pos2(640.0, 420.0)));
    step_until(&mut h, "the idle hour left out", |h| {
        has(h, "5 of 30 min read today")
    });
    assert!(!has(&h, DONE));

    // An hour on the board with input all along counts nothing.
    h.key_press(egui::Key::Num1);
    h.step();
    read_for(&mut h, &clock, 60);
    h.key_press(egui::Key::Num2);
    step_until(&mut h, "the reader after the board", |h| {
        has(h, "5 of 30 min read today")
    });
    drop(h);
    assert_eq!(stored_seconds(dir.path(), &clock), 5 * 60);
}

#[test]
fn the_first_run_page_and_the_add_feed_dialog_are_not_reading() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join(focusfeed::paths::DB_FILE)).unwrap();
    store.set_reading_budget_minutes(30).unwrap();
    let clock = start_clock();
    let mut h = reader_harness(dir.path(), &clock);
    assert!(has(&h, "Your reader is empty"));
    read_for(&mut h, &clock, 10);
    let read_today = |h: &Harness<'_, FocusFeedApp>, text: &str| h.query_by_label(text).is_some();
    assert!(
        read_today(&h, "0 of 30 min read today"),
        "the first-run page"
    );

    common::insert_feed_x(&store, &["First story", "Second story"]);
    h.key_press(egui::Key::N);
    step_until(&mut h, "the feed behind the dialog", |h| {
        has(h, "Second story") && has(h, "A feed or web page address")
    });
    read_for(&mut h, &clock, 10);
    assert!(
        read_today(&h, "0 of 30 min read today"),
        "the add-feed dialog"
    );
    h.key_press(egui::Key::Escape);
    step_until(&mut h, "the dialog closed", |h| {
        !has(h, "A feed or web page address")
    });
    read_for(&mut h, &clock, 2);
    step_until(&mut h, "the feed read", |h| {
        read_today(h, "2 of 30 min read today")
    });
}

#[test]
fn the_budget_is_chosen_in_settings_or_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path(), 0);
    let clock = start_clock();
    let mut h = reader_harness(dir.path(), &clock);
    assert!(!has(&h, "min read today"), "no budget, no figure");
    h.key_press(egui::Key::Num4);
    step_until(&mut h, "the budget setting", |h| {
        has(h, "Daily reading budget")
    });
    let combo = h.get_by_role_and_label(Role::ComboBox, "Daily reading budget:");
    assert_eq!(combo.value().as_deref(), Some("no limit"));
    combo.click();
    step_until(&mut h, "the choices", |h| has(h, "45 min a day"));
    h.get_by_label("45 min a day").click();
    let store = Store::open(&dir.path().join(focusfeed::paths::DB_FILE)).unwrap();
    step_until(&mut h, "the budget stored", |_| {
        store.reading_budget_minutes().unwrap() == 45
    });
    h.key_press(egui::Key::Num2);
    step_until(&mut h, "the figure in the reader", |h| {
        has(h, "0 of 45 min read today")
    });

    // The command line beside the open window (`focusfeed budget 20`) changes it too.
    store.set_reading_budget_minutes(20).unwrap();
    step_until(&mut h, "the budget from outside", |h| {
        has(h, "0 of 20 min read today")
    });
    // Settings, shown again, reads it afresh.
    h.key_press(egui::Key::Num4);
    step_until(&mut h, "Settings again", |h| has(h, "Daily reading budget"));
    let combo = h.get_by_role_and_label(Role::ComboBox, "Daily reading budget:");
    assert_eq!(combo.value().as_deref(), Some("20 min a day"));
}

#[test]
fn the_focus_guard_is_switched_in_settings_and_stays_as_clicked() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path(), 0);
    let clock = start_clock();
    let mut h = reader_harness(dir.path(), &clock);
    h.key_press(egui::Key::Num4);
    let label = "Keep the reader closed during focus sessions";
    step_until(&mut h, "the guard setting", |h| has(h, label));
    let checked = |h: &Harness<'_, FocusFeedApp>| {
        h.get_by_role_and_label(Role::CheckBox, label)
            .accesskit_node()
            .toggled()
    };
    assert_eq!(checked(&h), Some(egui::accesskit::Toggled::True));
    h.get_by_role_and_label(Role::CheckBox, label).click();
    h.run_steps(3);
    assert_eq!(checked(&h), Some(egui::accesskit::Toggled::False));
    let store = Store::open(&dir.path().join(focusfeed::paths::DB_FILE)).unwrap();
    step_until(&mut h, "the guard stored as off", |_| {
        store
            .setting(focusfeed::ui::guard::GUARD_KEY)
            .unwrap()
            .as_deref()
            == Some("false")
    });
    assert_eq!(checked(&h), Some(egui::accesskit::Toggled::False));
}
