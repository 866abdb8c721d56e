//! Engine operations and background commands for the rank area.

use super::Engine;
use super::worker::EventSink;

/// Work the GUI hands to the worker for this area.
#[derive(Debug)]
pub enum RankCommand {}

pub(super) fn handle(_engine: &mut Engine, cmd: RankCommand, _events: &EventSink) {
    match cmd {}
}
