//! The board through egui_kittest: cards are created, moved (keys and drag and drop), selected,
//! edited (dialog, double-click, menu), archived and restored; columns are added, renamed and
//! limited.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::board::{
    app, app_stepping, click_at, column_of, create_card, data_dir, editor_holds, has_label,
    has_label_containing, start_time,
};
use common::step_until;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use focusfeed::clock::ManualClock;
use focusfeed::store::Store;
use focusfeed::ui::app::FocusFeedApp;

#[test]
fn cards_drag_between_and_within_columns_and_archive_restore() {
    let dir = data_dir();
    let clock = ManualClock::new(start_time());
    let mut h = app(dir.path(), &clock);
    h.run_steps(2);
    create_card(&mut h, "First");
    create_card(&mut h, "Second");

    // Drag "Second" onto the Today column.
    let from = h.get_by_label("Second").rect().center();
    let to = h.get_by_label("Today").rect().center() + egui::vec2(0.0, 60.0);
    h.hover_at(from);
    h.step();
    h.drag_at(from);
    h.step();
    for i in 1..=10 {
        h.hover_at(from + (to - from) * (i as f32 / 10.0));
        h.step();
    }
    // Released over the column (not `drop_at`, which also removes the pointer in the same frame).
    h.event(egui::Event::PointerButton {
        pos: to,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: egui::Modifiers::NONE,
    });
    step_until(&mut h, "the dropped card", |h| {
        column_of(h, "Second") == "Today"
    });
    assert_eq!(column_of(&h, "First"), "Backlog");

    // Within a column: bring it back, then move it above "First" with the keyboard.
    h.get_by_label("Second").click();
    h.step();
    h.key_press_modifiers(egui::Modifiers::SHIFT, egui::Key::ArrowLeft);
    step_until(&mut h, "back in Backlog", |h| {
        column_of(h, "Second") == "Backlog"
    });
    let order = |h: &Harness<'_, FocusFeedApp>| {
        h.get_by_label("Second").rect().top() < h.get_by_label("First").rect().top()
    };
    if !order(&h) {
        h.key_press_modifiers(egui::Modifiers::SHIFT, egui::Key::ArrowUp);
        step_until(&mut h, "Second above First", order);
    }

    // Delete archives; the archive lists it and Restore brings it back.
    h.key_press(egui::Key::Delete);
    step_until(&mut h, "the card gone", |h| !has_label(h, "Second"));
    h.get_by_label("Show archived").click();
    step_until(&mut h, "the archive", |h| has_label(h, "Second"));
    h.get_by_role_and_label(Role::Button, "Restore").click();
    step_until(&mut h, "the card back", |h| {
        has_label(h, "Second") && has_label_containing(h, "Nothing archived")
    });
    assert_eq!(column_of(&h, "Second"), "Backlog");
}

/// Focuses the `i`th single-line field of the open dialog (title, labels, due, estimate).
fn focus_field(h: &mut Harness<'_, FocusFeedApp>, i: usize) {
    {
        let fields: Vec<_> = h.get_all_by_role(Role::TextInput).collect();
        assert_eq!(
            fields.len(),
            4,
            "title, labels, due, estimate (notes are multi-line)"
        );
        fields[i].focus();
    }
    h.step();
}

#[test]
fn a_card_is_edited_with_labels_due_date_and_estimate() {
    let dir = data_dir();
    let clock = ManualClock::new(start_time());
    let mut h = app(dir.path(), &clock);
    h.run_steps(2);
    create_card(&mut h, "Plan");
    h.get_by_label("Plan").click();
    h.step();
    h.key_press(egui::Key::E);
    step_until(&mut h, "the edit dialog", |h| has_label(h, "Edit card"));
    focus_field(&mut h, 1);
    h.event(egui::Event::Text("work, deep".into()));
    focus_field(&mut h, 2);
    h.event(egui::Event::Text("not a date".into()));
    h.step();
    h.get_by_role_and_label(Role::Button, "Save").click();
    step_until(&mut h, "the error", |h| {
        has_label_containing(h, "is not a date like")
    });
    focus_field(&mut h, 2);
    for _ in 0.."not a date".len() {
        h.key_press(egui::Key::Backspace);
    }
    h.event(egui::Event::Text("2026-03-12".into()));
    focus_field(&mut h, 3);
    h.event(egui::Event::Text("4".into()));
    h.step();
    h.get_by_role_and_label(Role::Button, "Save").click();
    step_until(&mut h, "the edited card", |h| {
        has_label(h, "#work") && has_label(h, "#deep")
    });
    assert!(has_label(&h, "due Thursday"));
    assert!(has_label(&h, "0/4 pomodoros"));
    // The selected card's Focus button sits clear of what the card says.
    let focus = h.get_by_role_and_label(Role::Button, "Focus").rect();
    for text in ["due Thursday", "0/4 pomodoros"] {
        let r = h.get_by_label(text).rect();
        assert!(!r.intersects(focus), "{text} at {r:?}, Focus at {focus:?}");
    }
    // Every line starts where the title's text does (inside the title's padding).
    let title_text = h.get_by_label("Plan").rect().left();
    for text in ["#work", "due Thursday"] {
        let left = h.get_by_label(text).rect().left();
        assert!(
            (left - title_text).abs() <= 1.0,
            "{text} at x = {left}, title text at {title_text}"
        );
    }
}

#[test]
fn columns_are_added_renamed_limited_and_over_limit_is_shown() {
    let dir = data_dir();
    {
        // Three cards in Doing, prepared through the store the app reads.
        let mut store = Store::open(&dir.path().join(focusfeed::paths::DB_FILE)).unwrap();
        let doing = store.find_column("Doing").unwrap().id;
        for t in ["One", "Two", "Three"] {
            store
                .add_card(doing, focusfeed::model::board::CardDraft::titled(t), 0)
                .unwrap();
        }
    }
    let clock = ManualClock::new(start_time());
    let mut h = app(dir.path(), &clock);
    step_until(&mut h, "the cards", |h| has_label(h, "Three"));
    assert!(has_label(&h, "3"), "no limit: just the count");

    h.get_by_role_and_label(Role::Button, "Add column").click();
    step_until(&mut h, "the column dialog", |h| has_label(h, "New column"));
    h.event(egui::Event::Text("Review".into()));
    h.step();
    h.get_by_role_and_label(Role::Button, "Save").click();
    step_until(&mut h, "the new column", |h| has_label(h, "Review"));

    // The Doing column's menu: give it a WIP limit of 2.
    let doing_x = h.get_by_label("Doing").rect().left();
    let menus: Vec<_> = h.get_all_by_label("…").collect();
    let menu = menus
        .into_iter()
        .filter(|m| m.rect().left() > doing_x)
        .min_by(|a, b| a.rect().left().total_cmp(&b.rect().left()))
        .unwrap();
    menu.click();
    step_until(&mut h, "the column menu", |h| {
        has_label(h, "Rename or set WIP limit…")
    });
    h.get_by_role_and_label(Role::Button, "Rename or set WIP limit…")
        .click();
    step_until(&mut h, "the column dialog", |h| has_label(h, "WIP limit"));
    {
        let fields: Vec<_> = h.get_all_by_role(Role::TextInput).collect();
        fields[1].focus();
    }
    h.step();
    h.event(egui::Event::Text("2".into()));
    h.step();
    h.get_by_role_and_label(Role::Button, "Save").click();
    step_until(&mut h, "the WIP count", |h| has_label(h, "3/2"));
    let store = Store::open(&dir.path().join(focusfeed::paths::DB_FILE)).unwrap();
    let board = store.board().unwrap();
    let doing = board
        .columns
        .iter()
        .find(|c| c.column.name == "Doing")
        .unwrap();
    assert!(
        doing.over_wip(),
        "over the limit, and still holding all three cards"
    );
    assert_eq!(board.columns.last().unwrap().column.name, "Review");
}

#[test]
fn a_column_keeps_its_width_when_it_gets_a_card() {
    let dir = data_dir();
    let clock = ManualClock::new(start_time());
    let mut h = app(dir.path(), &clock);
    step_until(&mut h, "the board", |h| has_label(h, "Today"));
    let today_before = h.get_by_label("Today").rect().left();
    create_card(&mut h, "A card in the backlog");
    create_card(
        &mut h,
        "A second card with a title long enough to wrap in its column",
    );
    let today_after = h.get_by_label("Today").rect().left();
    assert_eq!(
        today_before, today_after,
        "cards in Backlog pushed the next column to the right"
    );
}

#[test]
fn a_card_is_selected_by_a_click_and_edited_by_a_double_click_or_from_its_menu() {
    let dir = data_dir();
    let clock = ManualClock::new(start_time());
    let mut h = app_stepping(dir.path(), &clock, 0.02);
    h.run_steps(2);
    create_card(&mut h, "Call the bank");
    create_card(&mut h, "Sort receipts");
    // Anywhere on the card selects it, not only its title: below the title is the card too.
    let title = h.get_by_label("Call the bank").rect();
    click_at(
        &mut h,
        egui::pos2(title.center().x, title.bottom() + 8.0),
        1,
    );
    h.run_steps(2);
    let focus = h.get_by_role_and_label(Role::Button, "Focus").rect();
    assert!(
        focus.top() < h.get_by_label("Sort receipts").rect().top(),
        "the first card is selected: its Focus button is above the second card"
    );

    // Its Focus button starts a pomodoro on it.
    h.get_by_role_and_label(Role::Button, "Focus").click();
    step_until(&mut h, "the running timer", |h| has_label(h, "Pause"));
    assert!(has_label(&h, "on Call the bank"));

    // Double-click: the editor, on the card clicked. Frames are 20 ms apart here: wait out the
    // double-click window first, or the Focus click above makes this one a triple click.
    h.run_steps(20);
    let p = h.get_by_label("Sort receipts").rect().center();
    click_at(&mut h, p, 2);
    step_until(&mut h, "the editor from a double-click", |h| {
        has_label(h, "Save")
    });
    assert!(
        editor_holds(&h, "Sort receipts"),
        "the editor holds the card double-clicked"
    );
    h.key_press(egui::Key::Escape);
    step_until(&mut h, "the editor closed", |h| !has_label(h, "Save"));

    // Right-click: the card's menu.
    h.get_by_label("Call the bank").click_secondary();
    step_until(&mut h, "the card's menu", |h| has_label(h, "Archive"));
    h.get_by_role_and_label(Role::Button, "Edit").click();
    step_until(&mut h, "the editor from the menu", |h| has_label(h, "Save"));
    assert!(
        editor_holds(&h, "Call the bank"),
        "the editor holds the card right-clicked"
    );
}

#[test]
fn the_selected_card_is_selected_again_after_a_restart() {
    let dir = data_dir();
    let clock = ManualClock::new(start_time());
    let mut h = app(dir.path(), &clock);
    h.run_steps(2);
    create_card(&mut h, "Renew passport");
    create_card(&mut h, "Water plants");
    h.get_by_label("Renew passport").click();
    h.run_steps(2);
    let kept = h.state_mut().ui_state().clone();
    // What eframe writes to window-state.ron, read back.
    let kept: focusfeed::ui::app::UiState =
        serde_json::from_str(&serde_json::to_string(&kept).unwrap()).unwrap();
    drop(h);

    let mut h = app(dir.path(), &clock);
    h.state_mut().restore(kept);
    step_until(&mut h, "the cards", |h| has_label(h, "Water plants"));
    h.run_steps(2);
    let focus = h.get_by_role_and_label(Role::Button, "Focus").rect();
    assert!(
        focus.bottom() < h.get_by_label("Water plants").rect().top(),
        "the first card is selected again"
    );
    // Enter starts on it, with no click after the restart.
    h.key_press(egui::Key::Enter);
    step_until(&mut h, "the running timer", |h| has_label(h, "Pause"));
    assert!(has_label(&h, "on Renew passport"));
}

#[test]
fn a_checklist_in_the_notes_shows_its_progress_and_is_ticked_in_the_editor() {
    let dir = data_dir();
    let clock = ManualClock::new(start_time());
    let mut h = app(dir.path(), &clock);
    h.run_steps(2);
    create_card(&mut h, "Pack");
    h.get_by_label("Pack").click();
    h.step();
    h.key_press(egui::Key::E);
    step_until(&mut h, "the edit dialog", |h| has_label(h, "Edit card"));
    h.get_by_role(Role::MultilineTextInput).focus();
    h.step();
    h.event(egui::Event::Text("Check the forecast.".into()));
    h.key_press(egui::Key::Enter);
    h.event(egui::Event::Text("- [x] tent".into()));
    h.key_press(egui::Key::Enter);
    h.event(egui::Event::Text("- [ ] stove".into()));
    h.key_press(egui::Key::Enter);
    h.event(egui::Event::Text("- [ ] map".into()));
    h.step();
    // The task lines become boxes under the notes; ticking one writes the notes.
    step_until(&mut h, "the checklist", |h| has_label(h, "stove"));
    h.get_by_role_and_label(Role::CheckBox, "stove").click();
    h.step();
    h.get_by_role_and_label(Role::Button, "Save").click();
    step_until(&mut h, "the card's progress", |h| {
        has_label(h, "checklist 2/3")
    });
    let db = Store::open(&dir.path().join(focusfeed::paths::DB_FILE)).unwrap();
    let notes: String = db
        .conn()
        .query_row("SELECT notes FROM cards WHERE title = 'Pack'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(
        notes,
        "Check the forecast.\n- [x] tent\n- [x] stove\n- [ ] map"
    );

    // A focus session on the card names, beside the task, the first item left.
    h.key_press(egui::Key::Enter);
    step_until(&mut h, "the session on the card", |h| {
        has_label(h, "on Pack") && has_label(h, "next: map")
    });
}
