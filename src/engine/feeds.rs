//! Engine operations and background commands for the feeds area.

use super::Engine;
use super::worker::EventSink;

/// Work the GUI hands to the worker for this area.
#[derive(Debug)]
pub enum FeedsCommand {}

pub(super) fn handle(_engine: &mut Engine, cmd: FeedsCommand, _events: &EventSink) {
    match cmd {}
}
