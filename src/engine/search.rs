//! Engine operations and background commands for the search area.

use super::Engine;
use super::worker::EventSink;

/// Work the GUI hands to the worker for this area.
#[derive(Debug)]
pub enum SearchCommand {}

pub(super) fn handle(_engine: &mut Engine, cmd: SearchCommand, _events: &EventSink) {
    match cmd {}
}
