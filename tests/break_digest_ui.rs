//! The break is for reading: starting a break opens the Reader on a digest of For you sized to
//! the break, from different feeds, each item with its reason and the break's countdown above;
//! the end of the break closes it. Driven with the injected clock.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::Duration;
use common::step_until;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use focusfeed::focus::timer::TimerConfig;
use focusfeed::model::ItemId;
use focusfeed::paths::DB_FILE;
use focusfeed::store::Store;
use focusfeed::ui::app::{FocusFeedApp, View};
use std::collections::HashSet;

fn has(h: &Harness<'_, FocusFeedApp>, part: &str) -> bool {
    h.query_all_by_label_contains(part).next().is_some()
}

/// The sample feeds loaded and ranked, alerts off, and a focus session run to its end: the
/// short break (5 minutes) waits to be started.
fn at_the_break(
    dir: &std::path::Path,
) -> (
    focusfeed::clock::ManualClock,
    Harness<'static, FocusFeedApp>,
    Store,
) {
    let db = Store::open(&dir.join(DB_FILE)).unwrap();
    db.set_timer_config(&TimerConfig {
        notify: false,
        sound: false,
        ..TimerConfig::default()
    })
    .unwrap();
    let (clock, mut h, db) = common::with_samples_ranked(dir);
    h.key_press(egui::Key::Num1);
    h.get_by_role_and_label(Role::Button, "Start").click();
    step_until(&mut h, "the focus session", |h| has(h, "Pause"));
    clock.advance(Duration::minutes(25) + Duration::seconds(1));
    step_until(&mut h, "the break", |h| has(h, "Short break"));
    assert_eq!(
        h.state().view(),
        View::Board,
        "a break that has not started opens nothing"
    );
    (clock, h, db)
}

fn feed_of(db: &Store, item: ItemId) -> i64 {
    db.conn()
        .query_row("SELECT feed_id FROM items WHERE id = ?1", [item], |r| {
            r.get(0)
        })
        .unwrap()
}

fn unread(db: &Store, item: ItemId) -> bool {
    db.conn()
        .query_row(
            "SELECT read_at IS NULL FROM items WHERE id = ?1",
            [item],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn a_break_opens_a_digest_of_three_reasons_from_three_feeds_and_its_end_closes_it() {
    let dir = common::board::data_dir();
    let (clock, mut h, db) = at_the_break(dir.path());

    h.get_by_role_and_label(Role::Button, "Start").click();
    step_until(&mut h, "the digest", |h| {
        h.state().view() == View::Reader && h.state().reader_list().len() == 3
    });
    step_until(&mut h, "the digest's header", |h| {
        has(h, "3 picked for you")
    });
    assert!(has(&h, "Break: 05:00 left"));
    let digest = h.state().reader_list().to_vec();
    let feeds: HashSet<i64> = digest.iter().map(|id| feed_of(&db, *id)).collect();
    assert_eq!(
        feeds.len(),
        3,
        "no two from one feed at the top: {digest:?}"
    );
    for id in &digest {
        let reason = h.state().reader_reason(*id).unwrap_or_default().to_owned();
        assert!(!reason.is_empty(), "item {id} is listed without a reason");
    }
    // The ranking put these first among their feeds: the digest follows For you's order.
    let ranked: Vec<ItemId> = db.rank_list().unwrap().iter().map(|r| r.item_id).collect();
    assert_eq!(digest[0], ranked[0], "the best item leads the digest");

    // The countdown runs with the clock; the rows on screen count as shown (skips teach For
    // you as in the list).
    clock.advance(Duration::minutes(1));
    step_until(&mut h, "the countdown", |h| has(h, "Break: 04:00 left"));
    let shown = |db: &Store| -> i64 {
        db.conn()
            .query_row(
                "SELECT count(DISTINCT item_id) FROM events
                 WHERE kind = 'impression' AND view = 'break_digest'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    step_until(&mut h, "the digest's impressions", |_| shown(&db) == 3);

    // One is read; the break ends and the Reader closes, back to the board.
    let title: String = db
        .conn()
        .query_row("SELECT title FROM items WHERE id = ?1", [digest[1]], |r| {
            r.get(0)
        })
        .unwrap();
    common::click_row(&mut h, &title);
    step_until(&mut h, "the item read", |_| !unread(&db, digest[1]));
    clock.advance(Duration::minutes(4) + Duration::seconds(1));
    step_until(&mut h, "the board after the break", |h| {
        h.state().view() == View::Board
    });
    assert!(
        h.state()
            .notices()
            .iter()
            .any(|n| n.contains("The break is over"))
    );
    assert!(
        unread(&db, digest[0]) && unread(&db, digest[2]),
        "the others stay in For you"
    );
}

#[test]
fn a_break_with_nothing_new_says_so_and_suggests_standing_up() {
    let dir = common::board::data_dir();
    let (_clock, mut h, db) = at_the_break(dir.path());
    db.conn()
        .execute("UPDATE items SET read_at = 1", [])
        .unwrap();
    h.get_by_role_and_label(Role::Button, "Start").click();
    step_until(&mut h, "the empty digest", |h| {
        h.state().view() == View::Reader && has(h, "Nothing new since you last read")
    });
    assert!(has(&h, "Stand up"));
    assert!(h.state().reader_list().is_empty());
}

#[test]
fn with_the_digest_off_a_break_leaves_the_view_alone() {
    let dir = common::board::data_dir();
    let (_clock, mut h, db) = at_the_break(dir.path());
    db.set_setting(focusfeed::rank::digest::SETTING_TENTHS_PER_ITEM, "0")
        .unwrap();
    h.get_by_role_and_label(Role::Button, "Start").click();
    step_until(&mut h, "the break counting", |h| has(h, "Pause"));
    h.run_steps(3);
    assert_eq!(h.state().view(), View::Board);
}
