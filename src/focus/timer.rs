//! The Pomodoro state machine: pure, with `now` passed in. It stores wall-clock deadlines rather
//! than counting down, so a restart (or a sleeping laptop) still gives the right remaining time.

pub use crate::model::timer::{FocusSession, Phase, Run, Timer, TimerConfig};
use crate::model::{CardId, UnixTime};

/// How long after a break ended a focus session may still auto-start "back then". Beyond this
/// the user was not there (app closed, machine asleep): we do not log focus work nobody did.
pub const AUTO_START_GRACE_SECS: i64 = 60;

impl Phase {
    pub fn label(self) -> &'static str {
        match self {
            Phase::Focus => "Focus",
            Phase::ShortBreak => "Short break",
            Phase::LongBreak => "Long break",
        }
    }

    pub fn is_break(self) -> bool {
        self != Phase::Focus
    }
}

/// Upper bound for any phase: a day. Longer is a typo, not a pomodoro.
pub const MAX_PHASE_MINUTES: u32 = 24 * 60;

impl TimerConfig {
    /// Checks the values a user typed; the message says which one is wrong.
    pub fn validate(&self) -> Result<(), String> {
        for (name, v) in [
            ("focus length", self.focus_minutes),
            ("short break length", self.short_break_minutes),
            ("long break length", self.long_break_minutes),
        ] {
            if !(1..=MAX_PHASE_MINUTES).contains(&v) {
                return Err(format!(
                    "{name} must be between 1 and {MAX_PHASE_MINUTES} minutes (got {v})"
                ));
            }
        }
        if !(1..=100).contains(&self.long_break_every) {
            return Err(format!(
                "long break interval must be between 1 and 100 sessions (got {})",
                self.long_break_every
            ));
        }
        Ok(())
    }

    /// Seconds of a phase; out-of-range stored values are clamped rather than trusted.
    pub fn seconds(&self, phase: Phase) -> i64 {
        let minutes = match phase {
            Phase::Focus => self.focus_minutes,
            Phase::ShortBreak => self.short_break_minutes,
            Phase::LongBreak => self.long_break_minutes,
        };
        i64::from(minutes.clamp(1, MAX_PHASE_MINUTES)) * 60
    }

    fn long_every(&self) -> u32 {
        self.long_break_every.clamp(1, 100)
    }
}

/// A phase that ran out on its own: the moment for a notification and a sound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhaseEnd {
    pub phase: Phase,
    pub at: UnixTime,
    pub next: Phase,
}

/// What an operation produced besides the new state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    pub logged: Vec<FocusSession>,
    pub ended: Vec<PhaseEnd>,
}

impl Outcome {
    fn merge(&mut self, other: Outcome) {
        self.logged.extend(other.logged);
        self.ended.extend(other.ended);
    }
}

impl Timer {
    pub fn is_running(&self) -> bool {
        matches!(self.run, Run::Running { .. })
    }

    pub fn is_paused(&self) -> bool {
        matches!(self.run, Run::Paused { .. })
    }

    /// Seconds left in the current phase as the user should see them at `now`.
    pub fn remaining(&self, cfg: &TimerConfig, now: UnixTime) -> i64 {
        let mut t = self.clone();
        t.observe(now);
        match t.run {
            Run::Idle => cfg.seconds(t.phase),
            Run::Running { ends_at, .. } => (ends_at - now).max(0),
            Run::Paused { remaining } => remaining.max(0),
        }
    }

    /// True when the running phase has run out and `tick` would move on.
    pub fn is_due(&self, now: UnixTime) -> bool {
        let mut t = self.clone();
        t.observe(now);
        matches!(t.run, Run::Running { ends_at, .. } if now >= ends_at)
    }

    /// Focused seconds so far in the current focus session.
    pub fn focused_so_far(&self, now: UnixTime) -> i64 {
        if self.phase != Phase::Focus {
            return 0;
        }
        let mut t = self.clone();
        t.observe(now);
        match t.run {
            Run::Running {
                segment_start,
                ends_at,
            } => t.banked + (now.min(ends_at) - segment_start).max(0),
            _ => t.banked,
        }
    }

    /// Moves past every phase that has run out by `now`, logging finished focus sessions at the
    /// time they ended (not at `now`), so a session that ended while the app was closed counts.
    pub fn tick(&mut self, cfg: &TimerConfig, now: UnixTime) -> Outcome {
        self.observe(now);
        let mut out = Outcome::default();
        // Bounded: focus only auto-starts within the grace window, so at most a few steps.
        for _ in 0..8 {
            let Run::Running { ends_at, .. } = self.run else {
                break;
            };
            if now < ends_at {
                break;
            }
            let ended = self.phase;
            if let Some(s) = self.finish(cfg, ends_at, true) {
                out.logged.push(s);
            }
            out.ended.push(PhaseEnd {
                phase: ended,
                at: ends_at,
                next: self.phase,
            });
            let auto = match self.phase {
                Phase::Focus => cfg.auto_start_focus && now - ends_at <= AUTO_START_GRACE_SECS,
                Phase::ShortBreak | Phase::LongBreak => cfg.auto_start_breaks,
            };
            if auto {
                self.begin(cfg, ends_at);
            }
        }
        out
    }

    /// Space: start when idle, pause when running, resume when paused.
    pub fn toggle(&mut self, cfg: &TimerConfig, now: UnixTime) -> Outcome {
        let out = self.tick(cfg, now);
        match self.run {
            Run::Idle => self.begin(cfg, now),
            Run::Running { .. } => self.pause_now(now),
            Run::Paused { .. } => self.resume_now(now),
        }
        out
    }

    /// Starts (or resumes) the current phase; with `task`, starts focusing on that task:
    /// a running break is ended, and a focus session on another task is split so each task
    /// gets the minutes spent on it.
    pub fn start(&mut self, cfg: &TimerConfig, now: UnixTime, task: Option<CardId>) -> Outcome {
        let mut out = self.tick(cfg, now);
        if let Some(task) = task {
            if self.phase.is_break() {
                // Going back to work: the break ends early, without a cycle change.
                self.run = Run::Idle;
                self.phase = Phase::Focus;
            }
            if self.phase == Phase::Focus && self.task != Some(task) && self.run != Run::Idle {
                let seconds = self.focused_so_far(now);
                if seconds > 0 {
                    out.logged.push(FocusSession {
                        task: self.task,
                        started_at: self.session_start.unwrap_or(now - seconds),
                        ended_at: now,
                        seconds,
                        completed: false,
                    });
                }
                self.session_start = Some(now);
                self.banked = 0;
                if let Run::Running { segment_start, .. } = &mut self.run {
                    *segment_start = now;
                }
            }
            self.task = Some(task);
        }
        match self.run {
            Run::Idle => self.begin(cfg, now),
            Run::Paused { .. } => self.resume_now(now),
            Run::Running { .. } => {}
        }
        out
    }

    pub fn pause(&mut self, cfg: &TimerConfig, now: UnixTime) -> Outcome {
        let out = self.tick(cfg, now);
        self.pause_now(now);
        out
    }

    pub fn resume(&mut self, cfg: &TimerConfig, now: UnixTime) -> Outcome {
        let out = self.tick(cfg, now);
        self.resume_now(now);
        out
    }

    /// Ends the current phase now and moves to the next one. A skipped focus session logs the
    /// minutes spent but does not count as a pomodoro.
    pub fn skip(&mut self, cfg: &TimerConfig, now: UnixTime) -> Outcome {
        let mut out = self.tick(cfg, now);
        if let Some(s) = self.finish(cfg, now, false) {
            out.logged.push(s);
        }
        let auto = match self.phase {
            Phase::Focus => cfg.auto_start_focus,
            Phase::ShortBreak | Phase::LongBreak => cfg.auto_start_breaks,
        };
        if auto {
            self.begin(cfg, now);
        }
        out
    }

    /// Stops everything and goes back to an idle focus session and a fresh cycle. Minutes
    /// already focused are logged: they were spent.
    pub fn reset(&mut self, cfg: &TimerConfig, now: UnixTime) -> Outcome {
        let mut out = self.tick(cfg, now);
        if self.phase == Phase::Focus {
            let seconds = self.focused_so_far(now);
            if seconds > 0 {
                out.merge(Outcome {
                    logged: vec![FocusSession {
                        task: self.task,
                        started_at: self.session_start.unwrap_or(now - seconds),
                        ended_at: now,
                        seconds,
                        completed: false,
                    }],
                    ended: Vec::new(),
                });
            }
        }
        self.phase = Phase::Focus;
        self.run = Run::Idle;
        self.completed_in_cycle = 0;
        self.session_start = None;
        self.banked = 0;
        out
    }

    /// Which task the next (or current) focus session is for.
    pub fn set_task(&mut self, task: Option<CardId>) {
        self.task = task;
    }

    /// A clock that went backwards would otherwise stretch the running phase by the jump:
    /// shift the deadline back by the same amount so the remaining time is what it was.
    fn observe(&mut self, now: UnixTime) {
        if now < self.last_seen {
            let back = self.last_seen - now;
            if let Run::Running {
                segment_start,
                ends_at,
            } = &mut self.run
            {
                *segment_start -= back;
                *ends_at -= back;
            }
            if let Some(s) = &mut self.session_start {
                *s -= back;
            }
        }
        self.last_seen = now;
    }

    fn begin(&mut self, cfg: &TimerConfig, at: UnixTime) {
        self.run = Run::Running {
            segment_start: at,
            ends_at: at + cfg.seconds(self.phase),
        };
        if self.phase == Phase::Focus {
            self.session_start = Some(at);
            self.banked = 0;
        }
    }

    fn pause_now(&mut self, now: UnixTime) {
        if let Run::Running {
            segment_start,
            ends_at,
        } = self.run
        {
            if self.phase == Phase::Focus {
                self.banked += (now - segment_start).max(0);
            }
            self.run = Run::Paused {
                remaining: (ends_at - now).max(0),
            };
        }
    }

    fn resume_now(&mut self, now: UnixTime) {
        if let Run::Paused { remaining } = self.run {
            self.run = Run::Running {
                segment_start: now,
                ends_at: now + remaining,
            };
        }
    }

    /// Closes the current phase at `at` and makes the next one current (idle).
    fn finish(&mut self, cfg: &TimerConfig, at: UnixTime, completed: bool) -> Option<FocusSession> {
        let mut logged = None;
        match self.phase {
            Phase::Focus => {
                let running = match self.run {
                    Run::Running { segment_start, .. } => (at - segment_start).max(0),
                    _ => 0,
                };
                let seconds = self.banked + running;
                if seconds > 0 || completed {
                    logged = Some(FocusSession {
                        task: self.task,
                        started_at: self.session_start.unwrap_or(at - seconds),
                        ended_at: at,
                        seconds,
                        completed,
                    });
                }
                if completed {
                    self.completed_in_cycle += 1;
                }
                if completed && self.completed_in_cycle >= cfg.long_every() {
                    self.completed_in_cycle = 0;
                    self.phase = Phase::LongBreak;
                } else {
                    self.phase = Phase::ShortBreak;
                }
            }
            Phase::ShortBreak | Phase::LongBreak => self.phase = Phase::Focus,
        }
        self.run = Run::Idle;
        self.session_start = None;
        self.banked = 0;
        logged
    }
}

#[cfg(test)]
#[path = "timer_tests.rs"]
mod tests;
