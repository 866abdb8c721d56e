//! Board, time log and export queries against a real (in-memory) SQLite.

use super::*;
use crate::focus::export::parse_export;
use crate::model::timer::{FocusSession, Timer};

/// The figures as the window computes them from the store's log.
fn stats_at(
    s: &Store,
    now: UnixTime,
    offset: &dyn Fn(UnixTime) -> i64,
) -> crate::focus::stats::FocusStats {
    let log = ok(s.focus_log(crate::focus::stats::log_since(now)));
    crate::focus::stats::focus_stats(&log, now, offset)
}
use crate::store::Store;

const NOW: UnixTime = 1_780_000_000;

fn store() -> Store {
    Store::open_in_memory().unwrap_or_else(|e| panic!("{e}"))
}

fn ok<T>(r: Result<T>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

fn titles(s: &Store, col: usize) -> Vec<String> {
    ok(s.board()).columns[col]
        .cards
        .iter()
        .map(|c| c.title.clone())
        .collect()
}

fn col_id(s: &Store, i: usize) -> ColumnId {
    ok(s.columns())[i].id
}

#[test]
fn new_board_has_the_four_default_columns() {
    let s = store();
    let names: Vec<String> = ok(s.columns()).into_iter().map(|c| c.name).collect();
    assert_eq!(names, ["Backlog", "Today", "Doing", "Done"]);
}

#[test]
fn cards_are_added_edited_and_kept_in_order() {
    let mut s = store();
    let backlog = col_id(&s, 0);
    let a = ok(s.add_card(backlog, CardDraft::titled("A"), NOW));
    ok(s.add_card(backlog, CardDraft::titled("B"), NOW));
    let mut d = CardDraft::titled("A2");
    d.labels = vec!["x".into(), " y ".into()];
    d.due = chrono::NaiveDate::from_ymd_opt(2026, 5, 1);
    d.estimate = Some(3);
    d.notes = "notes".into();
    ok(s.update_card(a, d, NOW + 1));
    let card = ok(s.card(a));
    assert_eq!(card.title, "A2");
    assert_eq!(card.labels, ["x", "y"]);
    assert_eq!(card.estimate, Some(3));
    assert_eq!(card.updated_at, NOW + 1);
    assert_eq!(titles(&s, 0), ["A2", "B"]);
    assert!(s.add_card(backlog, CardDraft::titled(" "), NOW).is_err());
    assert!(s.add_card(999, CardDraft::titled("x"), NOW).is_err());
}

#[test]
fn cards_move_within_and_between_columns() {
    let mut s = store();
    let (backlog, today) = (col_id(&s, 0), col_id(&s, 1));
    let a = ok(s.add_card(backlog, CardDraft::titled("A"), NOW));
    let b = ok(s.add_card(backlog, CardDraft::titled("B"), NOW));
    ok(s.add_card(backlog, CardDraft::titled("C"), NOW));
    ok(s.move_card(a, backlog, 2, NOW));
    assert_eq!(titles(&s, 0), ["B", "C", "A"]);
    ok(s.move_card(b, today, 0, NOW));
    assert_eq!(titles(&s, 0), ["C", "A"]);
    assert_eq!(titles(&s, 1), ["B"]);
    ok(s.move_card(a, today, 0, NOW));
    assert_eq!(titles(&s, 1), ["A", "B"]);
    ok(s.move_card(a, today, 99, NOW));
    assert_eq!(titles(&s, 1), ["B", "A"]);
    assert!(s.move_card(a, 999, 0, NOW).is_err());
}

#[test]
fn archive_and_restore() {
    let mut s = store();
    let backlog = col_id(&s, 0);
    let a = ok(s.add_card(backlog, CardDraft::titled("A"), NOW));
    ok(s.add_card(backlog, CardDraft::titled("B"), NOW));
    ok(s.archive_card(a, NOW + 5));
    assert_eq!(titles(&s, 0), ["B"]);
    assert_eq!(ok(s.archived_cards())[0].archived_at, Some(NOW + 5));
    assert!(s.archive_card(a, NOW).is_err(), "already archived");
    assert!(s.move_card(a, backlog, 0, NOW).is_err());
    ok(s.restore_card(a, NOW + 6));
    assert_eq!(titles(&s, 0), ["B", "A"]);
    assert!(ok(s.archived_cards()).is_empty());
}

#[test]
fn columns_are_added_renamed_reordered_limited_and_deleted_without_losing_cards() {
    let mut s = store();
    let x = ok(s.add_column("Review"));
    ok(s.rename_column(x, "Waiting"));
    ok(s.move_column(x, 0));
    let names: Vec<String> = ok(s.columns()).into_iter().map(|c| c.name).collect();
    assert_eq!(names, ["Waiting", "Backlog", "Today", "Doing", "Done"]);
    ok(s.set_wip_limit(x, Some(1)));
    let a = ok(s.add_card(x, CardDraft::titled("A"), NOW));
    ok(s.add_card(x, CardDraft::titled("B"), NOW));
    assert!(ok(s.board()).columns[0].over_wip());
    ok(s.archive_card(a, NOW));
    let backlog = col_id(&s, 1);
    ok(s.add_card(backlog, CardDraft::titled("C"), NOW));
    let heir = ok(s.delete_column(x));
    assert_eq!(heir, backlog);
    assert_eq!(titles(&s, 0), ["C", "B"]);
    assert_eq!(ok(s.card(a)).column_id, backlog, "archived cards move too");
    assert!(s.rename_column(x, "gone").is_err());
    assert!(s.add_column("  ").is_err());
    for c in ok(s.columns()).into_iter().skip(1) {
        ok(s.delete_column(c.id));
    }
    let last = col_id(&s, 0);
    assert!(s.delete_column(last).is_err(), "the last column stays");
}

fn session(
    task: Option<CardId>,
    ended_at: UnixTime,
    minutes: i64,
    completed: bool,
) -> FocusSession {
    FocusSession {
        task,
        started_at: ended_at - minutes * 60,
        ended_at,
        seconds: minutes * 60,
        completed,
    }
}

#[test]
fn time_log_feeds_cards_and_stats() {
    let mut s = store();
    let backlog = col_id(&s, 0);
    let a = ok(s.add_card(backlog, CardDraft::titled("A"), NOW));
    let day = 86_400;
    let logged = vec![
        session(Some(a), NOW, 25, true),
        session(Some(a), NOW - 3600, 10, false),
        session(None, NOW - day, 25, true),
        session(Some(a), NOW - 2 * day, 25, true),
        session(Some(a), NOW - 20 * day, 25, true),
    ];
    ok(s.save_timer(&Timer::default(), &logged));
    let card = ok(s.card(a));
    assert_eq!(card.pomodoros, 3);
    assert_eq!(card.minutes_spent(), 85);
    let st = stats_at(&s, NOW, &|_| 0);
    assert_eq!(st.days.len(), 14);
    assert_eq!(st.today_minutes, 35);
    assert_eq!(st.today_pomodoros, 1);
    assert_eq!(st.days[12].minutes, 25);
    assert_eq!(st.days[11].minutes, 25);
    assert_eq!(st.streak_days, 3);
    assert_eq!(st.per_task[0].title, "A");
    assert_eq!(st.per_task[0].minutes, 85);
    assert_eq!(st.per_task[1].title, "(no task)");
}

#[test]
fn a_session_counts_on_the_local_day_it_ended_even_across_a_clock_change() {
    let mut s = store();
    // Summer time (UTC+2) began five days before NOW; before that the user was at UTC+1. A
    // session that ended at 22:30 UTC eight days ago ended at 23:30 by that evening's clock: it
    // counts on that day, not on the next (where today's offset would put it).
    let switch = NOW - 5 * 86_400;
    let offset = move |t: UnixTime| if t < switch { 3_600 } else { 7_200 };
    let midnight_utc = NOW - NOW.rem_euclid(86_400);
    let ended = midnight_utc - 8 * 86_400 - 5_400;
    ok(s.save_timer(&Timer::default(), &[session(None, ended, 25, true)]));
    let st = stats_at(&s, NOW, &offset);
    let that_evening = crate::focus::stats::day_of(ended, 3_600);
    let counted: Vec<_> = st.days.iter().filter(|d| d.minutes > 0).collect();
    assert_eq!(counted.len(), 1);
    assert_eq!(counted[0].date, that_evening);
    assert_ne!(that_evening, crate::focus::stats::day_of(ended, 7_200));
}

#[test]
fn timer_state_round_trips_and_bad_state_means_idle() {
    let mut s = store();
    let mut t = Timer::default();
    t.toggle(&s.timer_config().unwrap_or_default(), NOW);
    ok(s.save_timer(&t, &[]));
    assert_eq!(ok(s.timer()), t);
    ok(s.conn()
        .execute("UPDATE focus_timer SET state = 'garbage'", [])
        .map_err(StoreError::from));
    assert_eq!(ok(s.timer()), Timer::default());
}

#[test]
fn logging_for_a_card_that_is_gone_logs_without_a_task() {
    let mut s = store();
    ok(s.save_timer(&Timer::default(), &[session(Some(4242), NOW, 25, true)]));
    assert_eq!(ok(s.time_log())[0].card_id, None);
}

#[test]
fn export_import_round_trip_is_lossless() {
    let mut s = store();
    let backlog = col_id(&s, 0);
    let x = ok(s.add_column("Extra"));
    ok(s.set_wip_limit(x, Some(2)));
    let mut d = CardDraft::titled("A, \"quoted\"");
    d.labels = vec!["l1".into()];
    d.due = chrono::NaiveDate::from_ymd_opt(2027, 1, 2);
    d.notes = "line\nline".into();
    let a = ok(s.add_card(backlog, d, NOW));
    let b = ok(s.add_card(x, CardDraft::titled("B"), NOW));
    ok(s.archive_card(b, NOW + 1));
    ok(s.save_timer(
        &Timer::default(),
        &[
            session(Some(a), NOW, 25, true),
            session(None, NOW, 3, false),
        ],
    ));
    let mut cfg = ok(s.timer_config());
    cfg.focus_minutes = 40;
    ok(s.set_timer_config(&cfg));

    let first = ok(s.export_board());
    let json = serde_json::to_string_pretty(&first).unwrap_or_else(|e| panic!("{e}"));
    let parsed = parse_export(&json).unwrap_or_else(|e| panic!("{e}"));

    let mut other = store();
    ok(other.import_board(&parsed, false));
    let second = ok(other.export_board());
    assert_eq!(first, second);
    assert_eq!(ok(other.timer_config()).focus_minutes, 40);

    // Importing over data needs the user's explicit say-so, and keeps the data when refused.
    assert!(other.import_board(&parsed, false).is_err());
    assert_eq!(ok(other.export_board()), first);
    ok(other.import_board(&parsed, true));
    assert_eq!(ok(other.export_board()), first);
}
