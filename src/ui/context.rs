//! What every view gets each frame: a read connection, the worker, the time, and a place to put
//! actions that the app applies once at the end of the frame.

use crate::clock::SharedClock;
use crate::engine::worker::{Command, WorkerHandle};
use crate::store::ReadStore;
use chrono::{DateTime, Utc};
use std::cell::RefCell;

use super::app::View;

/// Something a view asks the app to do; applied after all panels have drawn.
#[derive(Debug)]
pub enum AppAction {
    SwitchView(View),
    ToggleHelp,
    OpenPalette,
    Notice(String),
    /// Word that what the user asked for was done; it goes by itself after a few seconds.
    Confirm(String),
    /// Start a focus session on this card (the board asks; the timer in the top bar does it).
    StartFocus {
        card: crate::model::CardId,
        title: String,
    },
    /// A card's link: its article in the Reader (the browser when it is gone, or not stored).
    OpenCardLink {
        item: Option<crate::model::ItemId>,
        link: Option<String>,
    },
}

pub struct ViewContext<'a> {
    /// A read connection: views query what they show (small, indexed queries) on `Changed` events.
    pub store: &'a ReadStore,
    pub worker: &'a WorkerHandle,
    pub clock: &'a SharedClock,
    /// Where the data lives (shown in Settings; files the user picks are resolved against nothing else).
    pub data_dir: &'a std::path::Path,
    /// The frame's time, the same for every panel.
    pub now: DateTime<Utc>,
    pub(super) actions: RefCell<Vec<AppAction>>,
}

impl ViewContext<'_> {
    pub fn act(&self, action: AppAction) {
        self.actions.borrow_mut().push(action);
    }

    /// Sends work to the background worker; a refusal becomes an in-app notice.
    pub fn send(&self, cmd: Command) {
        if let Err(message) = self.worker.send(cmd) {
            self.act(AppAction::Notice(message));
        }
    }
}
