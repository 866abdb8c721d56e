//! Issue 26 as a person uses it, through egui_kittest: "What For you learned" in Settings after
//! a few opens (the feed read is there with its bar's evidence), a rule made from its row, a
//! row forgotten (gone after a restart too), and the diversity dial in For you's header.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{click_row, reader_harness, rows_shown, step_until};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use focusfeed::clock::{Clock, ManualClock};
use focusfeed::model::ItemId;
use focusfeed::rank::learned::LearnedKind;
use focusfeed::rank::recommender;
use focusfeed::rank::rules::{RuleAction, RuleKind};
use focusfeed::store::Store;
use focusfeed::store::rank::SETTING_DIAL;
use focusfeed::ui::app::FocusFeedApp;

const FEED: &str = "Night Sky Bulletin";

use common::reenter_for_you;
use common::with_samples_ranked as with_samples;

/// Clicks a button of the Settings page, scrolled into view first: the page is longer than
/// the window, and a click lands where the button is drawn.
fn click_on_page(h: &mut Harness<'_, FocusFeedApp>, label: &str) {
    h.get_by_role_and_label(Role::Button, label).scroll_to_me();
    h.run_steps(3);
    h.get_by_role_and_label(Role::Button, label).click();
}

fn has_label(h: &Harness<'_, FocusFeedApp>, part: &str) -> bool {
    h.query_all_by_label_contains(part).next().is_some()
}

/// The rows on screen are seen, then three items of the night-sky feed are opened and read;
/// For you is entered again, so the stored model has learned them.
fn read_night_sky(clock: &ManualClock, h: &mut Harness<'_, FocusFeedApp>, db: &Store) {
    clock.advance(chrono::Duration::seconds(2));
    h.run_steps(3);
    step_until(h, "the rows on screen", rows_shown);
    let opened: Vec<(ItemId, String)> = {
        let mut stmt = db
            .conn()
            .prepare("SELECT i.id, i.title FROM items i JOIN feeds f ON f.id = i.feed_id WHERE f.title = ?1")
            .unwrap();
        let night: Vec<(ItemId, String)> = stmt
            .query_map([FEED], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        h.state()
            .reader_list()
            .iter()
            .filter_map(|id| night.iter().find(|(i, _)| i == id))
            .filter(|(_, t)| h.query_by_role_and_label(Role::Button, t).is_some())
            .take(3)
            .cloned()
            .collect()
    };
    assert_eq!(opened.len(), 3, "three night-sky rows on screen");
    for (_, title) in &opened {
        click_row(h, title);
        h.run_steps(2);
        clock.advance(chrono::Duration::seconds(40));
        h.run_steps(2);
    }
    // The writer stores the opens; a ranking asked for before the last is stored would learn
    // from two.
    step_until(h, "the opens recorded", |_| {
        opened.iter().all(|(id, _)| {
            db.events_for_item(*id)
                .unwrap()
                .iter()
                .any(|e| e.kind == Some(focusfeed::store::events::EventKind::Open))
        })
    });
    clock.advance(chrono::Duration::minutes(30));
    let before = db.rank_model().unwrap().map(|m| m.last_event);
    reenter_for_you(h);
    step_until(h, "the model saved after the opens", |_| {
        let stored = db.rank_model().unwrap();
        stored.as_ref().map(|m| m.last_event) != before
            && recommender::stored_learned(stored.as_ref())
                .iter()
                .any(|r| r.kind == LearnedKind::Feed && r.label == FEED && r.weight > 0.0)
    });
}

#[test]
fn the_page_shows_what_was_learned_a_row_becomes_a_rule_and_forget_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (clock, mut h, db) = with_samples(dir.path());
    read_night_sky(&clock, &mut h, &db);

    // Settings: the page lists the feed with its evidence, as the stored model holds it.
    h.key_press(egui::Key::Num4);
    step_until(&mut h, "the learned page", |h| {
        has_label(h, "What For you learned") && has_label(h, &format!("Forget {FEED}"))
    });
    let row = recommender::stored_learned(db.rank_model().unwrap().as_ref())
        .into_iter()
        .find(|r| r.kind == LearnedKind::Feed && r.label == FEED)
        .unwrap();
    let evidence = format!("opened {:.0} of {:.0} shown", row.opened, row.shown);
    assert!(row.opened >= 3.0, "{row:?}");
    assert!(has_label(&h, &evidence), "{evidence}");

    // Its row becomes a rule: like the feed.
    click_on_page(&mut h, &format!("Make it a rule: Like {FEED}"));
    step_until(&mut h, "the rule stored", |_| {
        db.rank_rules()
            .unwrap()
            .iter()
            .any(|r| r.kind == RuleKind::Feed && r.action == RuleAction::Like && r.pattern == FEED)
    });
    step_until(&mut h, "the rule listed", |h| {
        has_label(h, &format!("like feed \u{201c}{FEED}\u{201d}"))
    });

    // Forget the feed's weight: gone from the page at once, and from the stored model.
    click_on_page(&mut h, &format!("Forget {FEED}"));
    h.run_steps(2);
    assert!(!has_label(&h, &format!("Forget {FEED}")));
    step_until(&mut h, "the model saved without it", |_| {
        let rows = recommender::stored_learned(db.rank_model().unwrap().as_ref());
        !rows.is_empty()
            && !rows
                .iter()
                .any(|r| r.kind == LearnedKind::Feed && r.key == row.key)
    });
    let others = recommender::stored_learned(db.rank_model().unwrap().as_ref());
    drop(h);

    // A restart: the page still shows everything else it learned, and not the forgotten feed.
    let mut h = reader_harness(dir.path(), &clock);
    h.key_press(egui::Key::Num4);
    let other = others.first().unwrap().label.clone();
    step_until(&mut h, "the learned page after a restart", |h| {
        has_label(h, &format!("Forget {other}"))
    });
    assert!(!has_label(&h, &format!("Forget {FEED}")));
    // A ranking after the restart saves the model at the clock's time: a later time than any
    // save before it tells its save apart.
    clock.advance(chrono::Duration::minutes(5));
    let ranked_at = clock.now().timestamp();
    h.key_press(egui::Key::Num2);
    h.key_press(egui::Key::G);
    h.key_press(egui::Key::F);
    step_until(&mut h, "a ranking after the restart", |_| {
        db.conn()
            .query_row("SELECT saved_at FROM rank_model WHERE id = 1", [], |r| {
                r.get::<_, i64>(0)
            })
            .is_ok_and(|at| at >= ranked_at)
    });
    assert!(
        !recommender::stored_learned(db.rank_model().unwrap().as_ref())
            .iter()
            .any(|r| r.kind == LearnedKind::Feed && r.key == row.key),
        "relearning from the events did not bring it back"
    );
}

#[test]
fn turning_the_dial_stores_the_step_and_reranks_for_you() {
    let dir = tempfile::tempdir().unwrap();
    let (clock, mut h, db) = with_samples(dir.path());
    read_night_sky(&clock, &mut h, &db);
    assert!(has_label(&h, "More of what I like") && has_label(&h, "Show me more outside it"));
    let ranked_before: Vec<ItemId> = db.rank_list().unwrap().iter().map(|r| r.item_id).collect();

    h.get_by_role_and_label(Role::RadioButton, "Diversity 5 of 5")
        .click();
    step_until(&mut h, "the step stored", |_| {
        db.setting(SETTING_DIAL).unwrap().as_deref() == Some("4")
    });
    step_until(
        &mut h,
        "a new ranking on screen, with its exploring items",
        |h| {
            let ranked: Vec<ItemId> = db.rank_list().unwrap().iter().map(|r| r.item_id).collect();
            ranked != ranked_before
                && h.state().reader_list().starts_with(&ranked)
                && db
                    .rank_list()
                    .unwrap()
                    .iter()
                    .filter(|r| r.explored)
                    .count()
                    >= 3
        },
    );
    // The shelf shows them, each saying why.
    step_until(&mut h, "the shelf", |h| has_label(h, "Outside your usual"));
    assert!(has_label(&h, "exploring: "), "an explored item says why");

    // Back to the first step: no exploration at all.
    h.get_by_role_and_label(Role::RadioButton, "Diversity 1 of 5")
        .click();
    step_until(&mut h, "the first step's ranking", |_| {
        db.setting(SETTING_DIAL).unwrap().as_deref() == Some("0")
            && !db.rank_list().unwrap().is_empty()
            && db.rank_list().unwrap().iter().all(|r| !r.explored)
    });
}
