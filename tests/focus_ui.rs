//! Drives the real window with egui_kittest: a pomodoro runs on a card with time injected, its
//! minutes show on the card and in Stats (while it runs too), the card in focus says so, and
//! everything is still there after the app is rebuilt on the same data directory.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::Duration;
use common::board::{
    app, column_of, create_card, data_dir, has_label, has_label_containing, start_time,
};
use common::step_until;
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use focusfeed::clock::ManualClock;

#[test]
fn a_pomodoro_on_a_card_shows_on_the_card_in_stats_and_after_restart() {
    let dir = data_dir();
    let clock = ManualClock::new(start_time());
    let mut h = app(dir.path(), &clock);
    h.run_steps(2);
    assert!(has_label(&h, "Backlog") && has_label(&h, "Done"));
    let hint = "No cards here. Press N for a new one.";
    assert!(has_label(&h, hint), "an empty board says how to start");

    create_card(&mut h, "Write report");
    assert_eq!(column_of(&h, "Write report"), "Backlog");
    assert!(!has_label(&h, hint));

    // Select it and move it two columns right with Shift+→.
    h.get_by_label("Write report").click();
    h.step();
    h.key_press_modifiers(egui::Modifiers::SHIFT, egui::Key::ArrowRight);
    step_until(&mut h, "the card in Today", |h| {
        column_of(h, "Write report") == "Today"
    });
    h.key_press_modifiers(egui::Modifiers::SHIFT, egui::Key::ArrowRight);
    step_until(&mut h, "the card in Doing", |h| {
        column_of(h, "Write report") == "Doing"
    });

    // Enter starts a pomodoro on the selected card.
    h.key_press(egui::Key::Enter);
    step_until(&mut h, "the running timer", |h| has_label(h, "Pause"));
    assert!(has_label(&h, "on Write report"));
    assert!(has_label(&h, "25:00"));

    clock.advance(Duration::minutes(10));
    step_until(&mut h, "the countdown", |h| has_label(h, "15:00"));

    clock.advance(Duration::minutes(15));
    step_until(&mut h, "the break", |h| has_label(h, "Short break"));
    step_until(&mut h, "minutes on the card", |h| {
        has_label(h, "1 pomodoro · 25 min")
    });
    assert!(
        has_label(&h, "Start"),
        "breaks wait for the user by default"
    );

    h.key_press(egui::Key::Num3);
    step_until(&mut h, "today's figures", |h| {
        has_label(h, "Today: 1 pomodoro, 25 min")
    });
    assert!(has_label(&h, "Streak: 1 day"));
    assert!(has_label(&h, "25 min"), "minutes per task");
    assert!(has_label(&h, "1 pomodoro"), "pomodoros per task, singular");
    drop(h);

    // A new app on the same directory finds everything.
    let mut h = app(dir.path(), &clock);
    h.run_steps(2);
    step_until(&mut h, "the card after restart", |h| {
        has_label(h, "Write report")
    });
    assert_eq!(column_of(&h, "Write report"), "Doing");
    assert!(has_label(&h, "1 pomodoro · 25 min"));
    assert!(has_label(&h, "Short break"));
    h.key_press(egui::Key::Num3);
    step_until(&mut h, "stats after restart", |h| {
        has_label(h, "Today: 1 pomodoro, 25 min")
    });
}

#[test]
fn restarting_mid_session_keeps_the_remaining_time() {
    let dir = data_dir();
    let clock = ManualClock::new(start_time());
    let mut h = app(dir.path(), &clock);
    h.run_steps(2);
    h.key_press(egui::Key::Space);
    step_until(&mut h, "the running timer", |h| has_label(h, "Pause"));
    clock.advance(Duration::minutes(7));
    drop(h);
    // Closed for three minutes.
    clock.advance(Duration::minutes(3));
    let mut h = app(dir.path(), &clock);
    step_until(&mut h, "the remaining time", |h| has_label(h, "15:00"));
    assert!(has_label(&h, "Pause"), "still running");
    // It ended while the app was closed again: logged, not lost.
    drop(h);
    clock.advance(Duration::minutes(40));
    let mut h = app(dir.path(), &clock);
    step_until(&mut h, "the settled timer", |h| has_label(h, "Short break"));
    h.key_press(egui::Key::Num3);
    step_until(&mut h, "the logged session", |h| {
        has_label(h, "Today: 1 pomodoro, 25 min")
    });
}

#[test]
fn the_top_bar_start_focuses_on_the_card_selected_on_the_board() {
    let dir = data_dir();
    let clock = ManualClock::new(start_time());
    let mut h = app(dir.path(), &clock);
    h.run_steps(2);
    create_card(&mut h, "Plan the week");
    create_card(&mut h, "Answer mail");
    h.get_by_label("Plan the week").click();
    h.step();
    h.get_by_role_and_label(Role::Button, "Start").hover();
    step_until(&mut h, "the Start button's tooltip", |h| {
        has_label(h, "Start focusing on Plan the week (Space)")
    });
    h.get_by_role_and_label(Role::Button, "Start").click();
    step_until(&mut h, "the running timer", |h| has_label(h, "Pause"));
    assert!(has_label(&h, "on Plan the week"));

    // Once the session has a task, selecting another card and pausing/resuming keeps it.
    h.get_by_label("Answer mail").click();
    h.step();
    h.key_press(egui::Key::Space);
    step_until(&mut h, "the paused timer", |h| has_label(h, "Resume"));
    h.key_press(egui::Key::Space);
    step_until(&mut h, "the resumed timer", |h| has_label(h, "Pause"));
    assert!(has_label(&h, "on Plan the week"));
}

#[test]
fn space_on_the_board_focuses_on_the_selected_card_but_not_from_the_reader() {
    let dir = data_dir();
    let clock = ManualClock::new(start_time());
    let mut h = app(dir.path(), &clock);
    h.run_steps(2);
    create_card(&mut h, "Fix the build");
    h.get_by_label("Fix the build").click();
    h.step();
    // From the reader the selected card is out of sight: the session has no task.
    h.key_press(egui::Key::Num2);
    h.step();
    h.key_press(egui::Key::Space);
    step_until(&mut h, "the running timer", |h| has_label(h, "Pause"));
    assert!(has_label(&h, "no task"));
    h.get_by_role_and_label(Role::Button, "Reset").click();
    step_until(&mut h, "the idle timer", |h| has_label(h, "Start"));

    h.key_press(egui::Key::Num1);
    h.step();
    h.key_press(egui::Key::Space);
    step_until(&mut h, "the running timer", |h| has_label(h, "Pause"));
    assert!(has_label(&h, "on Fix the build"));
}

#[test]
fn a_new_card_is_selected_so_enter_starts_a_pomodoro_on_it() {
    let dir = data_dir();
    let clock = ManualClock::new(start_time());
    let mut h = app(dir.path(), &clock);
    h.run_steps(2);
    create_card(&mut h, "First task");
    create_card(&mut h, "Second task");
    // No click on the card: the one just added is the selected one.
    h.key_press(egui::Key::Enter);
    step_until(&mut h, "the running timer", |h| has_label(h, "Pause"));
    assert!(has_label(&h, "on Second task"));
}

#[test]
fn the_card_in_focus_says_so_until_the_break() {
    let dir = data_dir();
    let clock = ManualClock::new(start_time());
    let mut h = app(dir.path(), &clock);
    h.run_steps(2);
    create_card(&mut h, "Draft the talk");
    create_card(&mut h, "Pay the invoice");
    assert!(!has_label(&h, "in focus now"), "no session, no marker");
    h.get_by_label("Draft the talk").click();
    h.step();
    h.key_press(egui::Key::Enter);
    step_until(&mut h, "the marker", |h| has_label(h, "in focus now"));
    // On that card, below its title; the other card has none.
    let title = h.get_by_label("Draft the talk").rect();
    let marker = h.get_by_label("in focus now").rect();
    assert!(marker.top() >= title.bottom() && (marker.left() - title.left()).abs() < 40.0);
    assert_eq!(h.query_all_by_label("in focus now").count(), 1);
    assert!(
        h.query_by_role_and_label(Role::Button, "Focus").is_none(),
        "the selected card is already in focus: no button to start it"
    );

    h.key_press(egui::Key::Space);
    step_until(&mut h, "the paused marker", |h| {
        has_label(h, "focus paused")
    });
    assert!(!has_label(&h, "in focus now"));
    h.key_press(egui::Key::Space);
    step_until(&mut h, "the marker again", |h| has_label(h, "in focus now"));

    clock.advance(Duration::minutes(25));
    step_until(&mut h, "the break", |h| has_label(h, "Short break"));
    step_until(&mut h, "no marker in the break", |h| {
        !has_label(h, "in focus now") && !has_label(h, "focus paused")
    });
}

#[test]
fn stats_count_the_running_session_as_it_goes() {
    let dir = data_dir();
    let clock = ManualClock::new(start_time());
    let mut h = app(dir.path(), &clock);
    h.run_steps(2);
    create_card(&mut h, "Write report");
    h.key_press(egui::Key::Enter);
    step_until(&mut h, "the running timer", |h| has_label(h, "Pause"));
    h.key_press(egui::Key::Num3);
    step_until(&mut h, "stats at the start", |h| {
        has_label(h, "Today: 0 pomodoros, 0 min")
    });

    clock.advance(Duration::minutes(12));
    step_until(&mut h, "twelve minutes in", |h| {
        has_label(h, "Today: 0 pomodoros, 12 min")
    });
    assert!(
        has_label(&h, "Write report") && has_label(&h, "12 min"),
        "the task's row"
    );
    assert!(!has_label_containing(&h, "No focus sessions yet"));

    // Paused, the minutes hold; once the session completes, the log has them.
    h.key_press(egui::Key::Space);
    step_until(&mut h, "the paused timer", |h| has_label(h, "Resume"));
    clock.advance(Duration::minutes(30));
    h.run_steps(2);
    assert!(has_label(&h, "Today: 0 pomodoros, 12 min"));
    h.key_press(egui::Key::Space);
    step_until(&mut h, "the resumed timer", |h| has_label(h, "Pause"));
    clock.advance(Duration::minutes(13));
    step_until(&mut h, "the completed pomodoro", |h| {
        has_label(h, "Today: 1 pomodoro, 25 min")
    });
}
