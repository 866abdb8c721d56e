//! For you as a person uses it, through egui_kittest: the sample feeds are loaded, the reader
//! opens a few items of one feed from For you, comes back later, and finds that feed's other
//! items ranked higher than before. The ranking runs on the worker thread from the events the
//! reader recorded; time is a `ManualClock`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{click_row, new_item, rows_shown, step_until, store_items};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use focusfeed::model::ItemId;
use focusfeed::rank::rules::{RuleAction, RuleKind};
use focusfeed::store::Store;
use focusfeed::ui::app::FocusFeedApp;
use std::collections::HashSet;

const FEED: &str = "Night Sky Bulletin";

use common::reenter_for_you;
use common::with_samples_ranked as with_samples;

/// Ids and titles of the items of one feed.
fn feed_items(store: &Store, feed: &str) -> Vec<(ItemId, String)> {
    let mut stmt = store
        .conn()
        .prepare(
            "SELECT i.id, i.title FROM items i JOIN feeds f ON f.id = i.feed_id WHERE f.title = ?1",
        )
        .unwrap();
    stmt.query_map([feed], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Of `items`, those with a row on screen, in the list's order: what a person could click.
fn on_screen(h: &Harness<'_, FocusFeedApp>, items: &[(ItemId, String)]) -> Vec<(ItemId, String)> {
    h.state()
        .reader_list()
        .iter()
        .filter_map(|id| items.iter().find(|(i, _)| i == id))
        .filter(|(_, title)| {
            h.query_by_role_and_label(Role::Button, title.as_str())
                .is_some()
        })
        .cloned()
        .collect()
}

/// How many of the first `n` items in For you belong to `ids`.
fn in_top(h: &Harness<'_, FocusFeedApp>, ids: &HashSet<ItemId>, n: usize) -> usize {
    h.state()
        .reader_list()
        .iter()
        .take(n)
        .filter(|id| ids.contains(id))
        .count()
}

#[test]
fn for_you_moves_up_the_feed_the_reader_opens() {
    let dir = tempfile::tempdir().unwrap();
    let (clock, mut h, db) = with_samples(dir.path());
    let night: Vec<(ItemId, String)> = feed_items(&db, FEED);
    assert!(
        night.len() >= 6,
        "the sample feed has {} items",
        night.len()
    );

    // With nothing learned, For you mixes the feeds: the night-sky feed does not own the top.
    reenter_for_you(&mut h);
    let ids: HashSet<ItemId> = night.iter().map(|(id, _)| *id).collect();
    let before: Vec<ItemId> = h.state().reader_list().to_vec();
    let top_before = in_top(&h, &ids, 5);
    assert!(
        top_before <= 3,
        "before any click: {top_before} of the top 5 are {FEED}"
    );

    // The rows on screen stay there long enough to count as seen; then three night-sky items
    // are opened from the list, each read for a while.
    clock.advance(chrono::Duration::seconds(2));
    h.run_steps(3);
    // A ranking that lands meanwhile reloads the list, and its rows come a frame or more later
    // from the background reader: wait for them rather than for a guessed number of frames.
    step_until(&mut h, "the rows on screen", rows_shown);
    let shown = on_screen(&h, &night);
    assert!(shown.len() >= 3, "{} night-sky rows on screen", shown.len());
    let opened: Vec<&(ItemId, String)> = shown.iter().take(3).collect();
    for (_, title) in &opened {
        click_row(&mut h, title);
        h.run_steps(2);
        clock.advance(chrono::Duration::seconds(40));
        h.run_steps(2);
    }
    let opened_ids: HashSet<ItemId> = opened.iter().map(|(id, _)| *id).collect();
    step_until(&mut h, "the opens recorded", |_| {
        opened_ids.iter().all(|id| {
            db.events_for_item(*id)
                .unwrap()
                .iter()
                .any(|e| e.kind == Some(focusfeed::store::events::EventKind::Open))
        })
    });

    // Back later: For you now leads with the feed that was read, and the list changed.
    clock.advance(chrono::Duration::minutes(30));
    reenter_for_you(&mut h);
    let rest: HashSet<ItemId> = ids.difference(&opened_ids).copied().collect();
    step_until(&mut h, "For you to rank the night-sky feed first", |h| {
        in_top(h, &rest, 3) == 3 && rows_shown(h)
    });
    let after = h.state().reader_list().to_vec();
    assert_ne!(before, after);
    assert!(
        after.iter().all(|id| !opened_ids.contains(id)),
        "what was read before entering is not listed again"
    );

    // Every item says why it is there, naming what it learned: the feed, or an item opened.
    let top = night.iter().find(|(id, _)| *id == after[0]).unwrap();
    h.get_by_role_and_label(Role::Button, &top.1).click();
    step_until(&mut h, "the article with its reasons", |h| {
        h.query_all_by_label_contains("In For you because:")
            .next()
            .is_some()
    });
    let why = h
        .query_all_by_label_contains("In For you because:")
        .next()
        .and_then(|n| n.accesskit_node().label().or_else(|| n.value()))
        .unwrap_or_default();
    let opened_titles: Vec<&str> = opened.iter().map(|(_, t)| t.as_str()).collect();
    assert!(
        why.contains(&format!("feed {FEED} you open often"))
            || opened_titles.iter().any(|t| why.contains(t)),
        "{why}"
    );
}

#[test]
fn a_mute_rule_added_in_settings_takes_its_items_out_of_for_you() {
    let dir = tempfile::tempdir().unwrap();
    let (_clock, mut h, db) = with_samples(dir.path());
    // The items that say "moon" as a word ("moons" is another word, as the rule matches).
    let word = regex::Regex::new(r"(?i)\bmoon\b").unwrap();
    let moon: HashSet<ItemId> = {
        let mut stmt = db
            .conn()
            .prepare("SELECT id, title || ' ' || content_text FROM items")
            .unwrap();
        let rows: Vec<(ItemId, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        rows.into_iter()
            .filter(|(_, text)| word.is_match(text))
            .map(|(id, _)| id)
            .collect()
    };
    assert!(!moon.is_empty());
    reenter_for_you(&mut h);
    step_until(&mut h, "For you with the moon items", |h| {
        h.state().reader_list().iter().any(|id| moon.contains(id))
    });

    // Settings, For you: mute the keyword "moon".
    h.key_press(egui::Key::Num4);
    h.run_steps(2);
    let field = h.get_by_role_and_label(Role::TextInput, "Pattern:");
    field.focus();
    h.step();
    h.get_by_role_and_label(Role::TextInput, "Pattern:")
        .type_text("moon");
    h.step();
    h.get_by_role_and_label(Role::Button, "Add rule").click();
    step_until(&mut h, "the rule stored", |_| {
        db.rank_rules().unwrap().len() == 1
    });
    step_until(&mut h, "the rule listed in Settings", |h| {
        h.query_all_by_label_contains("mute keyword")
            .next()
            .is_some()
    });

    // Back in the reader, without leaving For you: the muted items are gone, the rest stay.
    h.key_press(egui::Key::Num2);
    step_until(&mut h, "the muted items out of For you", |h| {
        let list = h.state().reader_list();
        !list.is_empty() && list.iter().all(|id| !moon.contains(id))
    });
}

#[test]
fn muting_a_feed_from_its_article_takes_the_feed_out_of_for_you() {
    let dir = tempfile::tempdir().unwrap();
    let (_clock, mut h, db) = with_samples(dir.path());
    let night: Vec<(ItemId, String)> = feed_items(&db, FEED);
    let ids: HashSet<ItemId> = night.iter().map(|(id, _)| *id).collect();
    let (opened, title) = on_screen(&h, &night)[0].clone();
    h.get_by_role_and_label(Role::Button, &title).click();
    // The article's buttons move once it is open and marked read ("Mark read" becomes "Mark
    // unread"), so the menu is clicked only after that, and its entry once it is there.
    step_until(&mut h, "the article open and marked read", |h| {
        h.query_by_role_and_label(Role::Button, "Mark unread")
            .is_some()
    });
    h.get_by_role_and_label(Role::Button, "Like or mute")
        .click();
    let mute = format!("Mute {FEED}");
    step_until(&mut h, "the Like or mute menu", |h| {
        h.query_by_role_and_label(Role::Button, &mute).is_some()
    });
    h.get_by_role_and_label(Role::Button, &mute).click();
    step_until(&mut h, "the rule stored", |_| {
        db.rank_rules().unwrap().len() == 1
    });
    // The item being read stays where it is; the feed's other items leave For you.
    step_until(&mut h, "the feed out of For you", |h| {
        let list = h.state().reader_list();
        list.contains(&opened) && list.iter().all(|id| *id == opened || !ids.contains(id))
    });
    assert!(
        h.state()
            .notices()
            .iter()
            .any(|n| n.contains("hides feed") && n.contains(FEED))
    );
}

#[test]
fn an_item_that_arrives_while_the_window_is_open_is_ranked_in_for_you() {
    let dir = tempfile::tempdir().unwrap();
    let (_clock, mut h, mut db) = with_samples(dir.path());
    // The first ranking has built the recommender; a new night-sky item arrives after it (as
    // another process's refresh would store it).
    let feed_id: i64 = db
        .conn()
        .query_row("SELECT id FROM feeds WHERE title = ?1", [FEED], |r| {
            r.get(0)
        })
        .unwrap();
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-29T07:30:00Z")
        .unwrap()
        .timestamp();
    let item = focusfeed::store::items::NewItem {
        url: Some("https://nightsky.example.org/late-comet".into()),
        ..new_item(
            "late-comet",
            "A comet brightens low in the west after sunset",
            "Binoculars show the comet's tail; the Moon sets early this week.",
            None,
            now,
        )
    };
    store_items(&mut db, feed_id, FEED, &[item], now, now + 3_600);
    let late: ItemId = db
        .conn()
        .query_row("SELECT id FROM items WHERE guid = 'late-comet'", [], |r| {
            r.get(0)
        })
        .unwrap();
    // Seen in For you while it is open, below what is on screen...
    step_until(&mut h, "the new item in For you", |h| {
        h.state().reader_list().contains(&late)
    });
    // ...and ranked once For you is entered again: it is part of the stored ranking, not an
    // item the ranking left out (which would drop it from the list).
    reenter_for_you(&mut h);
    step_until(&mut h, "the new item ranked", |h| {
        let ranked = db.rank_list().unwrap();
        ranked.iter().any(|r| r.item_id == late) && h.state().reader_list().contains(&late)
    });
}

#[test]
fn minus_mutes_the_open_items_feed_and_equals_likes_it() {
    let dir = tempfile::tempdir().unwrap();
    let (_clock, mut h, db) = with_samples(dir.path());
    let night: Vec<(ItemId, String)> = feed_items(&db, FEED);
    let title = on_screen(&h, &night)[0].1.clone();
    h.get_by_role_and_label(Role::Button, &title).click();
    step_until(&mut h, "the article open", |h| {
        h.query_all_by_label_contains("Like or mute")
            .next()
            .is_some()
    });
    h.key_press(egui::Key::Minus);
    step_until(&mut h, "the feed muted", |_| {
        db.rank_rules()
            .unwrap()
            .iter()
            .any(|r| r.action == RuleAction::Mute && r.kind == RuleKind::Feed && r.pattern == FEED)
    });
    h.key_press(egui::Key::Equals);
    step_until(&mut h, "the feed liked", |_| {
        db.rank_rules()
            .unwrap()
            .iter()
            .any(|r| r.action == RuleAction::Like && r.pattern == FEED)
    });
}

#[test]
fn undoing_mark_all_read_brings_for_you_and_unread_back() {
    let dir = tempfile::tempdir().unwrap();
    let (_clock, mut h, db) = with_samples(dir.path());
    let before = h.state().reader_list().len();
    h.key_press_modifiers(egui::Modifiers::SHIFT, egui::Key::A);
    step_until(&mut h, "every item read", |_| {
        db.conn()
            .query_row(
                "SELECT COUNT(*) FROM items WHERE read_at IS NULL",
                [],
                |r| r.get::<_, i64>(0),
            )
            .unwrap()
            == 0
    });
    // The list empties once the worker has ranked what is left (nothing).
    step_until(&mut h, "For you empty", |h| {
        h.state().reader_list().is_empty()
    });
    h.key_press(egui::Key::Z);
    step_until(&mut h, "For you back after the undo", |h| {
        h.state().reader_list().len() == before
    });

    // Unread, which shows only unread items too.
    h.key_press(egui::Key::G);
    h.key_press(egui::Key::U);
    step_until(&mut h, "the Unread list", |h| {
        h.state().reader_list().len() >= before
    });
    let unread = h.state().reader_list().len();
    h.key_press_modifiers(egui::Modifiers::SHIFT, egui::Key::A);
    step_until(&mut h, "Unread empty", |h| {
        h.state().reader_list().is_empty()
    });
    h.key_press(egui::Key::Z);
    step_until(&mut h, "Unread back after the undo", |h| {
        h.state().reader_list().len() == unread
    });
}

#[test]
fn the_list_the_reader_opens_on_records_its_impressions_as_for_yous() {
    let dir = tempfile::tempdir().unwrap();
    let (clock, mut h, db) = with_samples(dir.path());
    // Rows on screen for a second count as shown.
    clock.advance(chrono::Duration::seconds(2));
    let shown = |view: &str| -> i64 {
        db.conn()
            .query_row(
                "SELECT count(*) FROM events WHERE kind = 'impression' AND ifnull(view, '') = ?1",
                [view],
                |r| r.get(0),
            )
            .unwrap()
    };
    step_until(&mut h, "For you's impressions", |_| shown("for_you") > 0);
    assert_eq!(shown(""), 0, "no impression is recorded under no list");
}
