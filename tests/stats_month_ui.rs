//! A month of attention in Stats: 28 days of focus beside reading, For you's and Latest's items
//! opened against shown, the days the reading budget was kept, and "Read anyway" counted from
//! the click that lifts the focus lock. Driven with the injected clock.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::board::{app, data_dir, start_time};
use common::step_until;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use focusfeed::clock::ManualClock;
use focusfeed::store::Store;
use focusfeed::ui::app::{FocusFeedApp, View};

const DAY: i64 = 86_400;

fn has(h: &Harness<'_, FocusFeedApp>, part: &str) -> bool {
    h.query_all_by_label_contains(part).next().is_some()
}

/// Twenty days ago a 50-minute session, yesterday 25 minutes; reading over the budget
/// yesterday and within it three days ago; For you showed four items and one was opened,
/// Latest showed two.
fn a_month_behind(store: &Store, now: i64) {
    let c = store.conn();
    // Noon, so the day is the same in any time zone the suite runs in.
    let noon = now - now.rem_euclid(DAY) + DAY / 2;
    for (ended, seconds) in [(noon - 20 * DAY, 50 * 60), (noon - DAY, 25 * 60)] {
        c.execute(
            "INSERT INTO time_log(started_at, ended_at, seconds, completed) VALUES (?1, ?2, ?3, 1)",
            (ended - seconds, ended, seconds),
        )
        .unwrap();
    }
    c.execute_batch(
        "INSERT INTO reading_log(day, seconds, extra_seconds, budget_minutes) VALUES
             ('2026-03-09', 2400, 0, 30), ('2026-03-07', 1200, 0, 30);",
    )
    .unwrap();
    common::insert_feed_x(store, &["One", "Two", "Three", "Four"]);
    let at = noon - 2 * DAY;
    for (item, kind, view) in [
        (1, "impression", "for_you"),
        (2, "impression", "for_you"),
        (3, "impression", "for_you"),
        (4, "impression", "for_you"),
        (2, "open", "for_you"),
        (3, "impression", "latest"),
        (4, "impression", "latest"),
    ] {
        c.execute(
            "INSERT INTO events(item_id, kind, view, at) VALUES (?1, ?2, ?3, ?4)",
            (item, kind, view, at),
        )
        .unwrap();
    }
}

#[test]
fn stats_shows_the_month_of_focus_beside_reading_and_counts_read_anyway() {
    let dir = data_dir();
    let clock = ManualClock::new(start_time());
    let store = Store::open(&dir.path().join(focusfeed::paths::DB_FILE)).unwrap();
    a_month_behind(&store, start_time().timestamp());
    let mut h = app(dir.path(), &clock);
    h.run_steps(2);

    // A focus session, and the lock lifted once.
    h.get_by_role_and_label(Role::Button, "Start").click();
    step_until(&mut h, "the focus session", |h| has(h, "Pause"));
    h.key_press(egui::Key::Num2);
    step_until(&mut h, "the focus lock", |h| has(h, "Read anyway"));
    h.get_by_role_and_label(Role::Button, "Read anyway").click();
    step_until(&mut h, "the override stored", |_| {
        store.overrides_since(0).is_ok_and(|o| o.len() == 1)
    });

    h.key_press(egui::Key::Num3);
    step_until(&mut h, "the month", |h| {
        h.state().view() == View::Stats && has(h, "\"Read anyway\" during focus: once")
    });
    assert!(has(&h, "Focus and reading, last 28 days"));
    assert!(has(&h, "For you: 1 of 4 shown opened (25%)"));
    assert!(has(&h, "Latest: 0 of 2 shown opened (0%)"));
    assert!(has(&h, "Reading budget kept on 1 of 2 days with a budget"));

    let month = h.state().stats_month().cloned().unwrap();
    assert_eq!(month.days.len(), 28);
    let today = &month.days[27];
    assert_eq!(today.date.to_string(), "2026-03-10");
    assert_eq!(month.days[27 - 20].focus_minutes, 50);
    assert_eq!(month.days[26].focus_minutes, 25);
    assert_eq!(month.days[26].reading_minutes, 40);
    assert_eq!(month.days[26].budget_kept, Some(false));
    assert_eq!(month.days[24].budget_kept, Some(true));
    assert_eq!(month.read_anyway.len(), 1);
}
