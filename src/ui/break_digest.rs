//! The break is for reading: when a break starts the Reader opens on a digest of For you sized
//! to the break, and when it ends the Reader closes again, back to the board.

use super::timer::TimerView;

/// What the timer did since the last frame, as far as the digest cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakChange {
    /// A break began counting (its whole length in seconds).
    Started { seconds: i64 },
    /// The break whose digest was opened is over.
    Ended,
}

/// Watches the timer frame by frame; a break opens one digest, however often it is paused.
#[derive(Debug, Default)]
pub struct BreakWatch {
    in_break: bool,
    /// `Started` was reported for the break in progress.
    started: bool,
    /// A digest was opened for it (the digest can be off): only then does its end close.
    digest_open: bool,
}

impl BreakWatch {
    pub fn frame(&mut self, timer: &TimerView) -> Option<BreakChange> {
        match timer.break_phase() {
            Some((running, seconds)) => {
                self.in_break = true;
                (running && !std::mem::replace(&mut self.started, true))
                    .then_some(BreakChange::Started { seconds })
            }
            None if self.in_break => {
                self.in_break = false;
                self.started = false;
                std::mem::take(&mut self.digest_open).then_some(BreakChange::Ended)
            }
            None => None,
        }
    }

    /// The digest of the break that started was opened.
    pub fn digest_opened(&mut self) {
        self.digest_open = true;
    }
}
