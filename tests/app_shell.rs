//! The window shell as a person uses it: number keys switch views, `?` lists every shortcut,
//! the navigation buttons work, and a second window on the same data is refused.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use focusfeed::clock::{ManualClock, SharedClock};
use focusfeed::ui::app::{FocusFeedApp, View};
use focusfeed::ui::commands::UiCommand;
use std::path::Path;
use std::sync::Arc;

fn harness(dir: &Path) -> Harness<'static, FocusFeedApp> {
    let clock: SharedClock = Arc::new(ManualClock::new(
        chrono::DateTime::parse_from_rfc3339("2026-11-02T09:00:00Z")
            .unwrap()
            .to_utc(),
    ));
    let dir = dir.to_path_buf();
    Harness::builder()
        .with_size(egui::vec2(1200.0, 800.0))
        .build_eframe(move |cc| FocusFeedApp::new(cc.egui_ctx.clone(), &dir, clock).unwrap())
}

#[test]
fn number_keys_and_navigation_switch_views() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(dir.path());
    h.run_steps(2);
    assert_eq!(h.state().view(), View::Board);
    for (key, view) in [
        (egui::Key::Num2, View::Reader),
        (egui::Key::Num3, View::Stats),
        (egui::Key::Num4, View::Settings),
        (egui::Key::Num1, View::Board),
    ] {
        h.key_press(key);
        h.run_steps(2);
        assert_eq!(h.state().view(), view, "after pressing {key:?}");
    }
    h.get_by_label("4  Settings").click();
    h.run_steps(2);
    assert_eq!(h.state().view(), View::Settings);
    h.get_by_label("Data directory");
}

#[test]
fn question_mark_lists_every_shortcut() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(dir.path());
    h.run_steps(2);
    assert!(h.query_by_label("Keyboard shortcuts").is_none());
    h.key_press(egui::Key::Questionmark);
    h.run_steps(3);
    h.get_by_label("Keyboard shortcuts");
    for cmd in UiCommand::ALL {
        assert!(
            h.query_by_label(&cmd.label()).is_some(),
            "{:?} ({}) is missing from the overlay",
            cmd,
            cmd.label()
        );
    }
    h.key_press(egui::Key::Questionmark);
    h.run_steps(3);
    assert!(h.query_by_label("Keyboard shortcuts").is_none());
    // Esc closes it too.
    h.key_press(egui::Key::Questionmark);
    h.run_steps(3);
    h.get_by_label("Keyboard shortcuts");
    h.key_press(egui::Key::Escape);
    h.run_steps(3);
    assert!(h.query_by_label("Keyboard shortcuts").is_none());

    // Opened in the Reader, the Reader's keys come before the Board's.
    h.key_press(egui::Key::Num2);
    h.run_steps(2);
    h.key_press(egui::Key::Questionmark);
    h.run_steps(3);
    let reader = h.get_by_label("Reader").rect();
    let board = h.get_by_label("Board").rect();
    assert!(reader.top() < board.top(), "{reader:?} below {board:?}");
}

#[test]
fn a_second_window_on_the_same_data_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let _first = focusfeed::paths::WindowLock::acquire(dir.path()).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_focusfeed"))
        .arg("--data-dir")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("already open"), "stderr: {err}");
}

#[test]
fn ctrl_k_finds_a_command_by_name_and_runs_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(dir.path());
    h.run_steps(2);
    // The palette's field, empty, shows its hint as the placeholder.
    let palette_open = |h: &Harness<'_, FocusFeedApp>| {
        h.query_all_by_role(egui::accesskit::Role::TextInput)
            .any(|n| {
                n.accesskit_node().placeholder() == Some("Find a command")
                    || n.value().is_some_and(|v| !v.is_empty())
            })
    };
    let open = |h: &mut Harness<'_, FocusFeedApp>| {
        h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::K);
        h.run_steps(2);
    };

    // Typed words narrow the list; Enter runs the first match.
    open(&mut h);
    assert!(palette_open(&h));
    assert!(
        h.query_by_label("New card").is_some(),
        "board commands here"
    );
    h.event(egui::Event::Text("stats".into()));
    h.run_steps(2);
    assert!(h.query_by_label("New card").is_none());
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    assert_eq!(h.state().view(), View::Stats);
    assert!(!palette_open(&h));

    // The arrows move the selection: the second "go to" command is the Reader.
    open(&mut h);
    h.event(egui::Event::Text("go to".into()));
    h.run_steps(2);
    h.key_press(egui::Key::ArrowDown);
    h.run_steps(1);
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    assert_eq!(h.state().view(), View::Reader);

    // Keys faster than frames: three presses in one frame move three rows.
    open(&mut h);
    h.event(egui::Event::Text("go to".into()));
    h.run_steps(2);
    for _ in 0..3 {
        h.key_press(egui::Key::ArrowDown);
    }
    h.run_steps(1);
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    assert_eq!(h.state().view(), View::Settings);

    // A click runs a row; each row shows its shortcut.
    open(&mut h);
    h.event(egui::Event::Text("board".into()));
    h.run_steps(2);
    assert!(h.query_by_label("1").is_some(), "the shortcut beside it");
    h.get_by_label("Go to Board").click();
    h.run_steps(2);
    assert_eq!(h.state().view(), View::Board);

    // Esc closes it and changes nothing; the keys work again at once.
    open(&mut h);
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    assert!(!palette_open(&h));
    assert_eq!(h.state().view(), View::Board);
    h.key_press(egui::Key::Num3);
    h.run_steps(2);
    assert_eq!(h.state().view(), View::Stats);

    // A command of another view is offered too, with its view named; choosing it goes there.
    open(&mut h);
    h.event(egui::Event::Text("new card".into()));
    h.run_steps(2);
    assert!(
        h.query_by_label("Board · N").is_some(),
        "the view beside it"
    );
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    assert_eq!(h.state().view(), View::Board);
    assert!(
        h.query_by_label("New card").is_some(),
        "the new card's editor is open"
    );
}
