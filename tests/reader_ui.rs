//! The reader as a person uses it, through egui_kittest: first run with the sample feeds,
//! subscribing to a local feed, opening (events stored), starring, marking and undoing, keyboard
//! navigation and search. Worker results are awaited by stepping frames (bounded), time is a
//! `ManualClock`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{
    click_row, flags, reader_harness as harness, start_clock, step_until, step_until_ranked,
};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use focusfeed::clock::ManualClock;
use focusfeed::paths::DB_FILE;
use focusfeed::store::Store;
use focusfeed::store::events::EventKind;
use focusfeed::ui::app::{FocusFeedApp, View};
use std::path::Path;

const FEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/reader_ui_feed.xml");

fn has_label(h: &Harness<'_, FocusFeedApp>, label: &str) -> bool {
    h.query_all_by_label_contains(label).next().is_some()
}

fn store(dir: &Path) -> Store {
    Store::open(&dir.join(DB_FILE)).unwrap()
}

fn item_id(store: &Store, title: &str) -> i64 {
    store
        .conn()
        .query_row("SELECT id FROM items WHERE title = ?1", [title], |r| {
            r.get(0)
        })
        .unwrap()
}

fn count_events(store: &Store, item: i64, kind: EventKind) -> usize {
    store
        .events_for_item(item)
        .unwrap()
        .iter()
        .filter(|e| e.kind == Some(kind))
        .count()
}

/// Subscribes to the test feed through the "Add feed" dialog of the first run.
fn subscribe_to_test_feed(h: &mut Harness<'_, FocusFeedApp>, dir: &Path) {
    assert!(has_label(h, "Your reader is empty"));
    h.get_by_label("Add a feed or import OPML…").click();
    step_until(h, "the Add feed dialog", |h| {
        h.query_all_by_role(Role::TextInput).next().is_some()
    });
    h.get_all_by_role(Role::TextInput).next().unwrap().focus();
    h.step();
    h.get_all_by_role(Role::TextInput)
        .next()
        .unwrap()
        .type_text(FEED);
    h.step();
    h.get_by_role_and_label(Role::Button, "Subscribe").click();
    step_until(h, "the feed's items in the list", |h| {
        has_label(h, "Lighthouse keeper retires after forty years")
    });
    step_until_ranked(h, &store(dir), 4);
}

#[test]
fn first_run_loads_the_sample_feeds() {
    let dir = tempfile::tempdir().unwrap();
    let clock = start_clock();
    let mut h = harness(dir.path(), &clock);
    assert!(has_label(&h, "Your reader is empty"));
    h.get_by_label("Load sample feeds").click();
    step_until(&mut h, "the sample feeds", |h| {
        has_label(h, "Field Notes on Attention")
            && has_label(h, "Night Sky Bulletin")
            && has_label(h, "Small Garden Journal")
            && has_label(h, "Rust & Systems Notebook")
    });
    let totals = store(dir.path()).item_totals().unwrap();
    assert!(
        totals.all >= 25,
        "a few dozen sample items, got {}",
        totals.all
    );
    step_until(&mut h, "the sample items in the list", |h| {
        has_label(h, "Geminids peak in two weeks: plan a clear night")
    });
}

#[test]
fn subscribe_open_star_mark_undo_and_keyboard() {
    let dir = tempfile::tempdir().unwrap();
    let clock = start_clock();
    let mut h = harness(dir.path(), &clock);
    subscribe_to_test_feed(&mut h, dir.path());
    let db = store(dir.path());
    assert_eq!(db.item_totals().unwrap().all, 4);

    // Rows on screen for a second are impressions.
    clock.advance(chrono::Duration::milliseconds(1_500));
    h.step();
    let lighthouse = item_id(&db, "Lighthouse keeper retires after forty years");
    step_until(&mut h, "an impression", |_| {
        count_events(&db, lighthouse, EventKind::Impression) == 1
    });

    // Clicking a row opens it: the article shows, the open is recorded, the item is read.
    let ferry_title = "Ferry timetable changes for winter";
    let ferry = item_id(&db, ferry_title);
    click_row(&mut h, ferry_title);
    // The article is read off the UI thread: it shows a frame or so after the click.
    step_until(&mut h, "the open event and the article", |h| {
        count_events(&db, ferry, EventKind::Open) == 1
            && has_label(h, "The morning crossing now leaves at seven thirty")
    });
    step_until(&mut h, "auto-mark read", |_| flags(&db, ferry_title).0);

    // s stars the selected item.
    h.key_press(egui::Key::S);
    step_until(&mut h, "the star", |_| flags(&db, ferry_title).1);
    assert_eq!(count_events(&db, ferry, EventKind::Star), 1);

    // j moves to the next item, o opens it; the time spent on the first is its dwell.
    clock.advance(chrono::Duration::seconds(20));
    h.key_press(egui::Key::J);
    h.step();
    h.key_press(egui::Key::O);
    let choir_title = "Fishermen's choir wins regional prize";
    let choir = item_id(&db, choir_title);
    step_until(&mut h, "the second open", |_| {
        count_events(&db, choir, EventKind::Open) == 1
    });
    let dwell: Vec<f64> = db
        .events_for_item(ferry)
        .unwrap()
        .iter()
        .filter(|e| e.kind == Some(EventKind::Dwell))
        .filter_map(|e| e.value)
        .collect();
    assert!(dwell.len() == 1 && dwell[0] >= 20.0, "dwell: {dwell:?}");

    // Shift+A marks the whole list read; z undoes exactly that.
    h.key_press_modifiers(egui::Modifiers::SHIFT, egui::Key::A);
    step_until(&mut h, "all read", |_| {
        db.item_totals().unwrap().unread == 0
    });
    let wall = item_id(&db, "Harbour wall repairs begin in March");
    assert_eq!(
        count_events(&db, wall, EventKind::ReadWithoutOpen),
        1,
        "marking an unopened item read is a skip"
    );
    h.key_press(egui::Key::Z);
    step_until(&mut h, "the undo", |_| {
        db.item_totals().unwrap().unread == 2
    });
    assert!(
        flags(&db, ferry_title).0,
        "items read before the mark stay read"
    );

    // g then s goes to Starred: only the starred item is listed.
    h.key_press(egui::Key::G);
    h.step();
    h.key_press(egui::Key::S);
    step_until(&mut h, "the starred list", |h| {
        h.query_by_role_and_label(Role::Button, ferry_title)
            .is_some()
    });
    assert!(
        h.query_by_role_and_label(Role::Button, "Harbour wall repairs begin in March")
            .is_none()
    );
}

#[test]
fn search_as_you_type_lists_the_hits() {
    let dir = tempfile::tempdir().unwrap();
    let clock = start_clock();
    let mut h = harness(dir.path(), &clock);
    subscribe_to_test_feed(&mut h, dir.path());
    let ferry = "Ferry timetable changes for winter";
    assert!(h.query_by_role_and_label(Role::Button, ferry).is_some());

    // `/` focuses the search box; results come once typing pauses (the clock says when).
    h.key_press(egui::Key::Slash);
    h.step();
    h.event(egui::Event::Text("accordion".into()));
    h.step();
    clock.advance(chrono::Duration::milliseconds(300));
    let choir = "Fishermen's choir wins regional prize";
    step_until(&mut h, "the search results", |h| {
        h.query_by_role_and_label(Role::Button, ferry).is_none()
            && h.query_by_role_and_label(Role::Button, choir).is_some()
    });
    assert!(has_label(&h, "1 found"));

    // Opening a hit records the open under the "search" view.
    click_row(&mut h, choir);
    let db = store(dir.path());
    let id = item_id(&db, choir);
    step_until(&mut h, "the open from search", |_| {
        db.events_for_item(id)
            .unwrap()
            .iter()
            .any(|e| e.kind == Some(EventKind::Open) && e.view.as_deref() == Some("search"))
    });

    // Esc in the box clears the search and brings the list back.
    h.get_all_by_role(Role::TextInput).next().unwrap().focus();
    h.step();
    h.key_press(egui::Key::Escape);
    step_until(&mut h, "the list back", |h| {
        h.query_by_role_and_label(Role::Button, ferry).is_some()
    });
}

#[test]
fn for_you_keeps_what_was_just_read_and_marks_below() {
    let dir = tempfile::tempdir().unwrap();
    let clock = start_clock();
    let mut h = harness(dir.path(), &clock);
    subscribe_to_test_feed(&mut h, dir.path());
    let db = store(dir.path());
    let lighthouse = "Lighthouse keeper retires after forty years";
    click_row(&mut h, lighthouse);
    step_until(&mut h, "the open marks it read", |_| {
        flags(&db, lighthouse).0
    });

    // A refresh reloads the list; the item read a moment ago stays in For you.
    clock.advance(chrono::Duration::hours(1));
    let fetched_at = focusfeed::clock::Clock::now(&clock).timestamp();
    h.key_press(egui::Key::R);
    step_until(&mut h, "the refresh", |_| {
        db.conn()
            .query_row("SELECT last_fetch_at FROM feeds", [], |r| {
                r.get::<_, i64>(0)
            })
            .unwrap()
            == fetched_at
    });
    h.run_steps(3);
    assert!(
        h.query_by_role_and_label(Role::Button, lighthouse)
            .is_some()
    );

    // Shift+J marks everything below the selected item read; z brings them back.
    h.key_press_modifiers(egui::Modifiers::SHIFT, egui::Key::J);
    step_until(&mut h, "the items below read", |_| {
        db.item_totals().unwrap().unread == 0
    });
    h.key_press(egui::Key::Z);
    step_until(&mut h, "the undo", |_| {
        db.item_totals().unwrap().unread == 3
    });
}

/// The test feed subscribed and one of its items opened (the open recorded): the start of the
/// dwell tests.
fn reading_harbour_wall(
    dir: &Path,
    clock: &ManualClock,
) -> (Harness<'static, FocusFeedApp>, Store, i64) {
    let mut h = harness(dir, clock);
    subscribe_to_test_feed(&mut h, dir);
    let db = store(dir);
    let title = "Harbour wall repairs begin in March";
    let id = item_id(&db, title);
    click_row(&mut h, title);
    step_until(&mut h, "the open and the article", |h| {
        count_events(&db, id, EventKind::Open) == 1 && has_label(h, "Open original")
    });
    (h, db, id)
}

#[test]
fn dwell_ends_when_the_reader_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let clock = start_clock();
    let (mut h, db, id) = reading_harbour_wall(dir.path(), &clock);

    // Twelve seconds of reading, then the Board for ten minutes, then back.
    clock.advance(chrono::Duration::seconds(12));
    h.step();
    h.key_press(egui::Key::Num1);
    h.run_steps(3);
    assert_eq!(h.state().view(), View::Board);
    clock.advance(chrono::Duration::minutes(10));
    h.key_press(egui::Key::Num2);
    let dwell = |db: &Store| -> Vec<f64> {
        db.events_for_item(id)
            .unwrap()
            .iter()
            .filter(|e| e.kind == Some(EventKind::Dwell))
            .filter_map(|e| e.value)
            .collect()
    };
    step_until(&mut h, "the dwell", |_| !dwell(&db).is_empty());
    assert_eq!(
        dwell(&db),
        vec![12.0],
        "time on the Board is not reading time"
    );
}

#[test]
fn another_list_closes_the_article_and_ends_its_reading_time() {
    let dir = tempfile::tempdir().unwrap();
    let clock = start_clock();
    let (mut h, db, id) = reading_harbour_wall(dir.path(), &clock);
    assert!(has_label(&h, "Open original"));

    // A search, and leaving it, keep the article: one types while reading.
    h.key_press(egui::Key::Slash);
    h.step();
    h.event(egui::Event::Text("ferry".into()));
    h.step();
    clock.advance(chrono::Duration::milliseconds(300));
    step_until(&mut h, "the search's one hit", |h| {
        h.state().reader_list().len() == 1
    });
    assert!(has_label(&h, "Open original"));
    h.key_press(egui::Key::Escape);
    h.run_steps(3);
    assert!(
        has_label(&h, "Open original"),
        "the search left, the article stays"
    );

    clock.advance(chrono::Duration::seconds(9));
    h.step();
    h.key_press(egui::Key::G);
    h.key_press(egui::Key::S);
    step_until(&mut h, "Starred, with no article open", |h| {
        has_label(h, "Select an item to read it")
    });
    assert!(!has_label(&h, "Open original"));
    step_until(&mut h, "the dwell", |_| {
        count_events(&db, id, EventKind::Dwell) == 1
    });
}

#[test]
fn dwell_is_kept_when_the_window_closes() {
    use eframe::App as _;
    let dir = tempfile::tempdir().unwrap();
    let clock = start_clock();
    let (mut h, db, id) = reading_harbour_wall(dir.path(), &clock);
    clock.advance(chrono::Duration::seconds(25));
    h.step();
    h.state_mut().on_exit(None);
    step_until(&mut h, "the dwell recorded on close", |_| {
        count_events(&db, id, EventKind::Dwell) == 1
    });
    let dwell = db
        .events_for_item(id)
        .unwrap()
        .into_iter()
        .find(|e| e.kind == Some(EventKind::Dwell))
        .and_then(|e| e.value);
    assert_eq!(dwell, Some(25.0));
}

#[test]
fn rename_and_unsubscribe_from_the_sidebar() {
    let dir = tempfile::tempdir().unwrap();
    let clock = start_clock();
    let mut h = harness(dir.path(), &clock);
    subscribe_to_test_feed(&mut h, dir.path());
    let db = store(dir.path());
    h.get_by_label_contains("Harbour Town Gazette  4")
        .click_secondary();
    step_until(&mut h, "the feed's menu", |h| {
        has_label(h, "Rename, move or unsubscribe…")
    });
    h.get_by_label("Rename, move or unsubscribe…").click();
    step_until(&mut h, "the feed editor", |h| has_label(h, "Unsubscribe…"));
    let title = h
        .get_all_by_role(Role::TextInput)
        .find(|n| n.value().as_deref() == Some("Harbour Town Gazette"))
        .unwrap();
    title.focus();
    h.step();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.event(egui::Event::Text("Island News".into()));
    h.step();
    h.get_by_role_and_label(Role::Button, "Save").click();
    step_until(&mut h, "the rename", |h| has_label(h, "Island News  4"));

    let open_editor = |h: &mut Harness<'_, FocusFeedApp>| {
        h.get_by_label_contains("Island News  4").click_secondary();
        step_until(h, "the feed's menu", |h| {
            has_label(h, "Rename, move or unsubscribe…")
        });
        h.get_by_label("Rename, move or unsubscribe…").click();
        step_until(h, "the feed editor", |h| has_label(h, "Unsubscribe…"));
    };
    // Esc closes the editor and changes nothing.
    open_editor(&mut h);
    h.key_press(egui::Key::Escape);
    step_until(&mut h, "the editor closed", |h| {
        !has_label(h, "Unsubscribe…")
    });
    assert!(has_label(&h, "Island News  4"));

    open_editor(&mut h);
    h.get_by_role_and_label(Role::Button, "Unsubscribe…")
        .click();
    step_until(&mut h, "the confirmation", |h| {
        has_label(h, "Yes, unsubscribe")
    });
    h.get_by_role_and_label(Role::Button, "Yes, unsubscribe")
        .click();
    step_until(&mut h, "the first run again", |h| {
        has_label(h, "Your reader is empty")
    });
    assert_eq!(db.item_totals().unwrap().all, 0);
}

#[test]
fn ctrl_k_goes_to_a_feed_by_typing_part_of_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let db = store(dir.path());
    common::insert_feed_x(&db, &["First story", "Second story"]);
    db.conn()
        .execute(
            "INSERT INTO feeds(id, url, title, created_at) VALUES (2, 'file:///h.xml', 'Harbour News', 0)",
            [],
        )
        .unwrap();
    db.conn()
        .execute(
            "INSERT INTO items(feed_id, key, title, fetched_at) VALUES (2, 'h-1', 'Ferry timetable changes', 0)",
            [],
        )
        .unwrap();
    let harbour_item = db.conn().last_insert_rowid();
    let clock = start_clock();
    let mut h = harness(dir.path(), &clock);
    step_until(&mut h, "both feeds", |h| {
        has_label(h, "Ferry timetable changes")
    });

    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::K);
    h.run_steps(2);
    h.event(egui::Event::Text("harb".into()));
    h.run_steps(2);
    assert!(
        has_label(&h, "feed · 1 unread"),
        "the place, with what waits in it"
    );
    h.key_press(egui::Key::Enter);
    step_until(&mut h, "the feed's list", |h| {
        h.state().reader_list() == [harbour_item]
    });
    assert!(!has_label(&h, "feed · 1 unread"), "the palette closed");
}

#[test]
fn a_long_feed_title_stays_clear_of_the_lists_buttons() {
    let dir = tempfile::tempdir().unwrap();
    let db = store(dir.path());
    let long = "The Extremely Long Title Of A Regional Evening Newspaper";
    common::insert_feed_titled(&db, long, &["First story"]);
    let clock = start_clock();
    let mut h = harness(dir.path(), &clock);
    step_until(&mut h, "the feed", |h| has_label(h, "First story"));
    // The feed's entry in the sidebar: the leftmost of the labels naming it.
    let entry = h
        .query_all_by_label_contains(long)
        .min_by(|a, b| a.rect().left().total_cmp(&b.rect().left()))
        .unwrap();
    let sidebar = entry.rect();
    entry.click();
    step_until(&mut h, "the feed's list", |h| has_label(h, "Unread only"));
    let title = h
        .query_all_by_label_contains(long)
        .map(|n| n.rect())
        .find(|r| r.left() > sidebar.right())
        .expect("the list's title");
    let unread_only = h.get_by_label("Unread only").rect();
    assert!(
        title.right() <= unread_only.left(),
        "title {title:?} runs under the checkbox {unread_only:?}"
    );
}

#[test]
fn a_narrow_window_puts_the_article_below_the_list_and_wide_again_beside() {
    let dir = tempfile::tempdir().unwrap();
    common::insert_feed_x(&store(dir.path()), &["First story", "Second story"]);
    let clock = start_clock();
    let mut h = harness(dir.path(), &clock);
    step_until(&mut h, "the feed", |h| has_label(h, "First story"));
    h.get_by_label("First story").click();
    step_until(&mut h, "the article", |h| has_label(h, "Open original"));
    let beside = h
        .get_by_role_and_label(Role::Button, "Open original")
        .rect();
    let row = h.get_by_label("Second story").rect();
    assert!(
        beside.left() > row.right(),
        "wide: the article is beside the list"
    );

    // 820 px leaves the article 40 px beside the list: a letter a line. It goes below instead.
    h.set_size(egui::vec2(820.0, 600.0));
    h.run_steps(3);
    let below = h
        .get_by_role_and_label(Role::Button, "Open original")
        .rect();
    let row = h.get_by_label("Second story").rect();
    assert!(
        below.top() > row.bottom(),
        "narrow: the article is below the list"
    );
    let title = h
        .query_all_by_label("First story")
        .map(|n| n.rect())
        .max_by(|a, b| a.top().total_cmp(&b.top()))
        .unwrap();
    assert!(
        title.height() < 40.0 && title.bottom() < 600.0,
        "the title reads on one line, in the window: {title:?}"
    );
    assert!(has_label(&h, "Article: below"));

    h.set_size(egui::vec2(1400.0, 900.0));
    h.run_steps(3);
    let again = h
        .get_by_role_and_label(Role::Button, "Open original")
        .rect();
    assert!(again.left() > h.get_by_label("Second story").rect().right());
    assert!(
        has_label(&h, "Article: beside"),
        "the setting was never changed"
    );
}
