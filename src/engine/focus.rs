//! Engine operations and background commands for the focus area.

use super::Engine;
use super::worker::EventSink;

/// Work the GUI hands to the worker for this area.
#[derive(Debug)]
pub enum FocusCommand {}

pub(super) fn handle(_engine: &mut Engine, cmd: FocusCommand, _events: &EventSink) {
    match cmd {}
}
