//! Every transition of the timer, restarts mid-session and clocks that jump.

use super::*;

const T0: UnixTime = 1_780_000_000;
const MIN: i64 = 60;

fn cfg() -> TimerConfig {
    TimerConfig::default()
}

/// A persisted round trip, as a restart does it.
fn restart(t: &Timer) -> Timer {
    let json = serde_json::to_string(t).unwrap_or_else(|e| panic!("{e}"));
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn idle_shows_full_length_and_start_counts_down() {
    let c = cfg();
    let mut t = Timer::default();
    assert_eq!(t.remaining(&c, T0), 25 * MIN);
    t.toggle(&c, T0);
    assert!(t.is_running());
    assert_eq!(t.remaining(&c, T0 + 60), 24 * MIN);
    assert!(!t.is_due(T0 + 25 * MIN - 1));
    assert!(t.is_due(T0 + 25 * MIN));
}

#[test]
fn focus_completes_into_short_break_and_logs_a_pomodoro() {
    let c = cfg();
    let mut t = Timer::default();
    t.start(&c, T0, Some(7));
    let out = t.tick(&c, T0 + 25 * MIN);
    assert_eq!(
        out.logged,
        vec![FocusSession {
            task: Some(7),
            started_at: T0,
            ended_at: T0 + 25 * MIN,
            seconds: 25 * MIN,
            completed: true,
        }]
    );
    assert_eq!(out.ended.len(), 1);
    assert_eq!(out.ended[0].next, Phase::ShortBreak);
    assert_eq!(t.phase, Phase::ShortBreak);
    assert_eq!(t.run, Run::Idle, "breaks do not auto-start by default");
    assert_eq!(t.task, Some(7), "the task stays for the next session");
}

#[test]
fn break_ends_into_focus() {
    let c = cfg();
    let mut t = Timer::default();
    t.toggle(&c, T0);
    t.tick(&c, T0 + 25 * MIN);
    t.toggle(&c, T0 + 26 * MIN);
    assert_eq!(t.phase, Phase::ShortBreak);
    let out = t.tick(&c, T0 + 31 * MIN);
    assert!(out.logged.is_empty(), "breaks are not logged");
    assert_eq!(out.ended[0].phase, Phase::ShortBreak);
    assert_eq!(t.phase, Phase::Focus);
    assert_eq!(t.run, Run::Idle);
}

#[test]
fn every_fourth_completed_focus_gets_a_long_break() {
    let mut c = cfg();
    c.auto_start_breaks = true;
    c.auto_start_focus = true;
    let mut t = Timer::default();
    let mut now = T0;
    t.toggle(&c, now);
    let mut breaks = Vec::new();
    for _ in 0..8 {
        now += 25 * MIN;
        t.tick(&c, now);
        breaks.push(t.phase);
        now += c.seconds(t.phase);
        t.tick(&c, now);
        assert_eq!(t.phase, Phase::Focus);
        assert!(t.is_running(), "focus auto-starts right after the break");
    }
    use Phase::*;
    assert_eq!(
        breaks,
        vec![
            ShortBreak, ShortBreak, ShortBreak, LongBreak, ShortBreak, ShortBreak, ShortBreak,
            LongBreak
        ]
    );
}

#[test]
fn long_break_interval_is_configurable() {
    let mut c = cfg();
    c.long_break_every = 2;
    let mut t = Timer::default();
    let mut now = T0;
    let mut breaks = Vec::new();
    for _ in 0..2 {
        t.toggle(&c, now);
        now += 25 * MIN;
        t.tick(&c, now);
        breaks.push(t.phase);
        t.skip(&c, now);
    }
    assert_eq!(breaks, vec![Phase::ShortBreak, Phase::LongBreak]);
}

#[test]
fn custom_lengths_are_used() {
    let mut c = cfg();
    c.focus_minutes = 50;
    c.short_break_minutes = 10;
    let mut t = Timer::default();
    t.toggle(&c, T0);
    assert!(!t.is_due(T0 + 49 * MIN));
    t.tick(&c, T0 + 50 * MIN);
    assert_eq!(t.remaining(&c, T0 + 50 * MIN), 10 * MIN);
}

#[test]
fn pause_and_resume_keep_remaining_and_exclude_paused_time_from_the_log() {
    let c = cfg();
    let mut t = Timer::default();
    t.toggle(&c, T0);
    t.toggle(&c, T0 + 10 * MIN); // pause
    assert!(t.is_paused());
    assert_eq!(
        t.remaining(&c, T0 + 40 * MIN),
        15 * MIN,
        "paused time does not count"
    );
    t.toggle(&c, T0 + 40 * MIN); // resume
    assert!(t.is_running());
    assert!(!t.is_due(T0 + 55 * MIN - 1));
    let out = t.tick(&c, T0 + 55 * MIN);
    assert_eq!(out.logged[0].seconds, 25 * MIN);
    assert_eq!(out.logged[0].started_at, T0);
    assert_eq!(out.logged[0].ended_at, T0 + 55 * MIN);
}

#[test]
fn explicit_pause_and_resume() {
    let c = cfg();
    let mut t = Timer::default();
    t.start(&c, T0, None);
    t.pause(&c, T0 + MIN);
    assert!(t.is_paused());
    t.pause(&c, T0 + 2 * MIN);
    assert_eq!(
        t.remaining(&c, T0 + 3 * MIN),
        24 * MIN,
        "pausing twice changes nothing"
    );
    t.resume(&c, T0 + 3 * MIN);
    assert_eq!(t.remaining(&c, T0 + 3 * MIN), 24 * MIN);
}

#[test]
fn skipping_focus_logs_minutes_but_no_pomodoro() {
    let c = cfg();
    let mut t = Timer::default();
    t.start(&c, T0, Some(3));
    let out = t.skip(&c, T0 + 10 * MIN);
    assert_eq!(out.logged.len(), 1);
    assert_eq!(out.logged[0].seconds, 10 * MIN);
    assert!(!out.logged[0].completed);
    assert!(out.ended.is_empty(), "a skip is the user's doing: no alert");
    assert_eq!(t.phase, Phase::ShortBreak);
    assert_eq!(t.completed_in_cycle, 0);
}

#[test]
fn skipping_an_idle_phase_moves_on_without_logging() {
    let c = cfg();
    let mut t = Timer::default();
    let out = t.skip(&c, T0);
    assert!(out.logged.is_empty());
    assert_eq!(t.phase, Phase::ShortBreak);
    t.skip(&c, T0);
    assert_eq!(t.phase, Phase::Focus);
}

#[test]
fn skip_honours_auto_start() {
    let mut c = cfg();
    c.auto_start_breaks = true;
    let mut t = Timer::default();
    t.toggle(&c, T0);
    t.skip(&c, T0 + MIN);
    assert_eq!(t.phase, Phase::ShortBreak);
    assert!(t.is_running());
}

#[test]
fn reset_logs_spent_minutes_and_returns_to_idle_focus() {
    let c = cfg();
    let mut t = Timer::default();
    t.toggle(&c, T0);
    t.tick(&c, T0 + 25 * MIN);
    t.skip(&c, T0 + 25 * MIN);
    t.toggle(&c, T0 + 30 * MIN);
    let out = t.reset(&c, T0 + 42 * MIN);
    assert_eq!(out.logged.len(), 1);
    assert_eq!(out.logged[0].seconds, 12 * MIN);
    assert_eq!(t.phase, Phase::Focus);
    assert_eq!(t.run, Run::Idle);
    assert_eq!(t.completed_in_cycle, 0);
    assert_eq!(t.remaining(&c, T0 + 50 * MIN), 25 * MIN);
}

#[test]
fn reset_during_a_break_logs_nothing() {
    let c = cfg();
    let mut t = Timer::default();
    t.skip(&c, T0);
    t.toggle(&c, T0);
    let out = t.reset(&c, T0 + MIN);
    assert!(out.logged.is_empty());
    assert_eq!(t.phase, Phase::Focus);
}

#[test]
fn auto_start_breaks_chains_into_the_break() {
    let mut c = cfg();
    c.auto_start_breaks = true;
    let mut t = Timer::default();
    t.toggle(&c, T0);
    t.tick(&c, T0 + 25 * MIN);
    assert_eq!(t.phase, Phase::ShortBreak);
    assert!(t.is_running());
    assert_eq!(
        t.remaining(&c, T0 + 26 * MIN),
        4 * MIN,
        "the break began when focus ended"
    );
}

#[test]
fn restart_mid_session_keeps_the_remaining_time() {
    let c = cfg();
    let mut t = Timer::default();
    t.start(&c, T0, Some(1));
    let saved = restart(&t);
    // The app was closed for ten minutes.
    let mut back = saved;
    assert_eq!(back.remaining(&c, T0 + 10 * MIN), 15 * MIN);
    assert!(back.tick(&c, T0 + 10 * MIN).logged.is_empty());
    let out = back.tick(&c, T0 + 25 * MIN);
    assert_eq!(out.logged[0].seconds, 25 * MIN);
}

#[test]
fn restart_while_paused_stays_paused() {
    let c = cfg();
    let mut t = Timer::default();
    t.toggle(&c, T0);
    t.toggle(&c, T0 + 5 * MIN);
    let mut back = restart(&t);
    assert!(back.tick(&c, T0 + 300 * MIN).logged.is_empty());
    assert_eq!(back.remaining(&c, T0 + 300 * MIN), 20 * MIN);
}

#[test]
fn a_session_that_ended_while_closed_is_logged_at_its_end() {
    let mut c = cfg();
    c.auto_start_breaks = true;
    c.auto_start_focus = true;
    let mut t = Timer::default();
    t.start(&c, T0, Some(9));
    let mut back = restart(&t);
    // Reopened three hours later.
    let out = back.tick(&c, T0 + 180 * MIN);
    assert_eq!(out.logged.len(), 1, "exactly the session that was running");
    assert_eq!(out.logged[0].ended_at, T0 + 25 * MIN);
    assert!(out.logged[0].completed);
    // The break ran out too, but no focus session started behind the user's back.
    assert_eq!(t.phase, Phase::Focus);
    assert_eq!(back.phase, Phase::Focus);
    assert_eq!(back.run, Run::Idle);
}

#[test]
fn clock_jumping_backwards_does_not_stretch_or_lose_the_session() {
    let c = cfg();
    let mut t = Timer::default();
    t.toggle(&c, T0);
    t.tick(&c, T0 + 10 * MIN);
    // The clock is set back by an hour.
    let now = T0 + 10 * MIN - 60 * MIN;
    assert_eq!(t.remaining(&c, now), 15 * MIN);
    t.tick(&c, now);
    assert!(!t.is_due(now + 15 * MIN - 1));
    let out = t.tick(&c, now + 15 * MIN);
    assert_eq!(out.logged.len(), 1);
    assert_eq!(out.logged[0].seconds, 25 * MIN);
    assert!(out.logged[0].started_at <= out.logged[0].ended_at);
}

#[test]
fn clock_jumping_backwards_while_paused_changes_nothing() {
    let c = cfg();
    let mut t = Timer::default();
    t.toggle(&c, T0);
    t.toggle(&c, T0 + 5 * MIN);
    t.tick(&c, T0 - 100 * MIN);
    assert_eq!(t.remaining(&c, T0 - 100 * MIN), 20 * MIN);
    t.toggle(&c, T0 - 100 * MIN);
    assert_eq!(t.remaining(&c, T0 - 99 * MIN), 19 * MIN);
}

#[test]
fn starting_on_another_task_splits_the_session() {
    let c = cfg();
    let mut t = Timer::default();
    t.start(&c, T0, Some(1));
    let out = t.start(&c, T0 + 10 * MIN, Some(2));
    assert_eq!(out.logged.len(), 1);
    assert_eq!(out.logged[0].task, Some(1));
    assert_eq!(out.logged[0].seconds, 10 * MIN);
    assert_eq!(t.task, Some(2));
    let out = t.tick(&c, T0 + 25 * MIN);
    assert_eq!(out.logged[0].task, Some(2));
    assert_eq!(out.logged[0].seconds, 15 * MIN);
    assert!(out.logged[0].completed);
}

#[test]
fn starting_on_a_task_during_a_break_ends_the_break() {
    let c = cfg();
    let mut t = Timer::default();
    t.skip(&c, T0);
    t.toggle(&c, T0);
    assert_eq!(t.phase, Phase::ShortBreak);
    t.start(&c, T0 + MIN, Some(4));
    assert_eq!(t.phase, Phase::Focus);
    assert!(t.is_running());
    assert_eq!(t.remaining(&c, T0 + MIN), 25 * MIN);
}

#[test]
fn config_validation_names_the_bad_value() {
    let mut c = cfg();
    assert!(c.validate().is_ok());
    c.short_break_minutes = 0;
    assert!(
        c.validate()
            .err()
            .unwrap_or_default()
            .contains("short break")
    );
    c = cfg();
    c.long_break_every = 0;
    assert!(
        c.validate()
            .err()
            .unwrap_or_default()
            .contains("long break interval")
    );
}
