//! The reader's feed side as a person uses it, through egui_kittest: subscribing from the Add
//! feed dialog with the keyboard, the confirmation that follows (and goes by itself), and the
//! sidebar's rows for feeds whose titles do not fit.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{reader_harness as harness, start_clock, step_until};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use focusfeed::paths::DB_FILE;
use focusfeed::store::Store;
use focusfeed::ui::app::FocusFeedApp;

const FEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/reader_ui_feed.xml");

fn has_label(h: &Harness<'_, FocusFeedApp>, label: &str) -> bool {
    h.query_all_by_label_contains(label).next().is_some()
}

#[test]
fn enter_in_the_folder_field_subscribes_and_the_confirmation_goes_by_itself() {
    let dir = tempfile::tempdir().unwrap();
    let clock = start_clock();
    let mut h = harness(dir.path(), &clock);
    h.get_by_label("Add a feed or import OPML…").click();
    step_until(&mut h, "the Add feed dialog", |h| {
        h.query_all_by_role(Role::TextInput).count() >= 2
    });
    // The address first, then the folder, and Enter in the folder field: the order a person
    // fills the form in.
    h.get_all_by_role(Role::TextInput)
        .next()
        .unwrap()
        .type_text(FEED);
    h.step();
    let folder = h.get_all_by_role(Role::TextInput).nth(1).unwrap();
    folder.focus();
    h.step();
    h.get_all_by_role(Role::TextInput)
        .nth(1)
        .unwrap()
        .type_text("News / Local");
    h.step();
    h.key_press(egui::Key::Enter);
    step_until(&mut h, "the feed in its folder", |h| {
        has_label(h, "Harbour Town Gazette  4") && has_label(h, "Local  4")
    });
    assert!(
        h.query_by_role_and_label(Role::Button, "Subscribe")
            .is_none(),
        "the dialog closed"
    );
    let db = Store::open(&dir.path().join(DB_FILE)).unwrap();
    let folder: String = db
        .conn()
        .query_row(
            "SELECT fo.name FROM feeds f JOIN folders fo ON fo.id = f.folder_id",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(folder, "Local");

    // The confirmation counts its items in good English, and leaves on its own a few seconds
    // after it was shown; a notice that needs the user stays.
    step_until(&mut h, "the confirmation", |h| {
        h.state()
            .notices()
            .contains(&"Subscribed to Harbour Town Gazette (4 items)".to_string())
    });
    h.run_steps(2);
    clock.advance(chrono::Duration::seconds(3));
    h.run_steps(2);
    assert!(has_label(&h, "Subscribed to Harbour Town Gazette"));
    clock.advance(chrono::Duration::seconds(4));
    h.run_steps(2);
    assert!(
        !has_label(&h, "Subscribed to Harbour Town Gazette"),
        "{:?}",
        h.state().notices()
    );
}

#[test]
fn a_long_feed_title_is_cut_short_on_one_row_with_its_count() {
    let dir = tempfile::tempdir().unwrap();
    let db = Store::open(&dir.path().join(DB_FILE)).unwrap();
    let long = "Azure Friday (HD) and the Extremely Long Title of a Regional Evening Paper";
    common::insert_feed_titled(&db, long, &["First story", "Second story"]);
    let clock = start_clock();
    let mut h = harness(dir.path(), &clock);
    step_until(&mut h, "the feed", |h| has_label(h, "First story"));

    // One button holds name and count, still labelled "Name  2" for screen readers.
    let entry = h.get_by_label(&format!("{long}  2")).rect();
    let latest = h.get_by_label("Latest  2").rect();
    assert!(
        (entry.height() - latest.height()).abs() < 1.0,
        "the long title's row {entry:?} is one line, as Latest's {latest:?}"
    );
    let list_row = h.get_by_label("First story").rect();
    assert!(
        entry.right() <= list_row.left(),
        "the row {entry:?} stays in the sidebar, left of the list {list_row:?}"
    );
    assert!(
        (entry.right() - latest.right()).abs() < 1.0,
        "rows are as wide as the pane, so counts line up at its right edge"
    );

    // Clicking the cut-short row shows the feed.
    h.get_by_label(&format!("{long}  2")).click();
    step_until(&mut h, "the feed's list", |h| has_label(h, "Unread only"));
}
