//! For you's rankings on screen: asking the worker for a fresh one, and whether a new one takes
//! the list over or only adds its new items below what is being read.

use super::ReaderView;
use super::for_you::FOR_YOU_LIMIT;
use crate::engine::rank::RankCommand;
use crate::engine::worker::Command;
use crate::ui::context::ViewContext;
use crate::ui::reader::list::ListKind;

impl ReaderView {
    /// For you reads the ranking the worker stored; entering it (or new items arriving while it
    /// is shown) asks for a fresh one, learned from every event so far.
    pub(super) fn request_ranking(&mut self, ctx: &ViewContext) {
        if self.kind == ListKind::ForYou && !self.rank_requested {
            self.rank_requested = true;
            ctx.send(Command::Rank(RankCommand::Refresh {
                limit: FOR_YOU_LIMIT,
            }));
        }
    }

    /// New items: For you asks again. Items shown with no ranking of any of them (the first
    /// run's samples, newest first, or after an empty ranking made before they came) have no
    /// order to keep, so the next ranking takes the list over. A ranked list keeps what it is:
    /// one being read merges the next ranking below; one just entered is still taken over by
    /// the ranking asked for on entering, if nothing was picked.
    pub(super) fn items_arrived_for_you(&mut self) {
        self.rank_requested = false;
        if !self.list.shows_ranking() {
            self.merge_next_ranking = false;
        }
    }

    /// A new ranking: the one asked for on entering takes over a list nobody has picked from
    /// yet; any other only adds its new items below what is on screen. The list on screen stays
    /// until the new one is read, so a click meanwhile still lands on a row.
    pub(super) fn ranking_arrived(&mut self) {
        // The dial was turned: the user asked for a new order, so it replaces the list.
        let turned = std::mem::take(&mut self.dial.turned);
        if turned
            || !std::mem::replace(&mut self.merge_next_ranking, true)
                && self.list.selected_id().is_none()
        {
            self.take_over_list = true;
        }
        self.stale.list = true;
    }
}

#[cfg(test)]
#[path = "take_over_tests.rs"]
mod tests;
