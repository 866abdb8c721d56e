//! Read and star marks from the reader: single items, all above/below, the whole list; each goes
//! to the worker as one undoable command.

use super::ReaderView;
use super::list::ListKind;
use crate::engine::reader::ReaderCommand;
use crate::engine::worker::Command;
use crate::model::ItemId;
use crate::ui::context::ViewContext;

impl ReaderView {
    pub(super) fn is_read(&self, id: ItemId) -> Option<bool> {
        if let Some(r) = self.list.row(id) {
            return Some(r.read);
        }
        self.article
            .article()
            .filter(|a| a.id == id)
            .map(|a| a.read_at.is_some())
    }

    pub(super) fn is_starred(&self, id: ItemId) -> Option<bool> {
        if let Some(r) = self.list.row(id) {
            return Some(r.starred);
        }
        self.article
            .article()
            .filter(|a| a.id == id)
            .map(|a| a.starred_at.is_some())
    }

    pub(super) fn toggle_read(&mut self, i: usize, ctx: &ViewContext) {
        let Some(id) = self.list.id_at(i) else {
            return;
        };
        let read = !self.is_read(id).unwrap_or(false);
        self.send_mark(vec![id], read, ctx);
    }

    pub(super) fn toggle_star(&mut self, i: usize, ctx: &ViewContext) {
        let Some(id) = self.list.id_at(i) else {
            return;
        };
        let on = !self.is_starred(id).unwrap_or(false);
        self.send_star(id, on, Some(i), ctx);
    }

    pub(super) fn send_star(
        &mut self,
        id: ItemId,
        on: bool,
        position: Option<usize>,
        ctx: &ViewContext,
    ) {
        let now = ctx.now.timestamp();
        self.list.patch_row(id, |r| r.starred = on);
        if self.article.item_id() == Some(id) {
            self.article.patch(|a| a.starred_at = on.then_some(now));
        }
        ctx.send(Command::Reader(ReaderCommand::Star {
            item: id,
            on,
            view: Some(self.kind.event_name().to_string()),
            position,
        }));
    }

    /// Sends a user's mark (undoable) and shows it at once.
    pub(super) fn send_mark(&mut self, ids: Vec<ItemId>, read: bool, ctx: &ViewContext) {
        if ids.is_empty() {
            return;
        }
        let now = ctx.now.timestamp();
        for id in &ids {
            self.list.patch_row(*id, |r| r.read = read);
        }
        if let Some(open) = self.article.item_id()
            && ids.contains(&open)
        {
            self.article.patch(|a| a.read_at = read.then_some(now));
        }
        ctx.send(Command::Reader(ReaderCommand::Mark {
            ids,
            read,
            view: Some(self.kind.event_name().to_string()),
        }));
    }

    pub(super) fn mark_above(&mut self, i: usize, ctx: &ViewContext) {
        let ids = self.list.ids()[..i.min(self.list.len())].to_vec();
        self.send_mark(ids, true, ctx);
    }

    pub(super) fn mark_below(&mut self, i: usize, ctx: &ViewContext) {
        let from = (i + 1).min(self.list.len());
        let ids = self.list.ids()[from..].to_vec();
        self.send_mark(ids, true, ctx);
    }

    pub(super) fn mark_all_read(&mut self, ctx: &ViewContext) {
        let ids = self.list.ids().to_vec();
        // Unread lists empty out once the worker confirms: "all read" means gone from here.
        if matches!(self.kind, ListKind::Unread | ListKind::ForYou) || self.unread_only {
            self.entered_at = ctx.now.timestamp() + 1;
            self.reload_list_on_states = true;
        }
        self.send_mark(ids, true, ctx);
    }

    /// Asks the worker to undo the last mark. The list is read again once it has: items it
    /// made unread come back to a list that shows only unread ones (Unread, For you).
    pub(super) fn undo_mark(&mut self, ctx: &ViewContext) {
        self.reload_list_on_states = true;
        ctx.send(Command::Reader(ReaderCommand::UndoMark));
    }
}
