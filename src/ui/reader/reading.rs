//! Reading: opening an item (events, auto-mark read, dwell), the article pane's actions, opening
//! the original or a link in the browser, and ending the dwell when the reader is hidden or the window
//! closes.

use super::article::ArticleAction;
use super::background::{ArticleFor, ArticleRead};
use super::{Opening, ReaderView};
use crate::engine::feeds::FeedsCommand;
use crate::engine::rank::RankCommand;
use crate::engine::reader::ReaderCommand;
use crate::engine::worker::Command;
use crate::model::ItemId;
use crate::rank::rules::{RuleAction, RuleKind};
use crate::ui::context::{AppAction, ViewContext};
use crate::ui::links;
use rust_i18n::t;

impl ReaderView {
    /// The window is closing: the open article's reading time ends when the reader was last
    /// drawn (now, if it is on screen), and is recorded before the worker stops.
    pub fn on_exit(&mut self, ctx: &ViewContext) {
        if let Some((_, last_ms)) = self.last_drawn
            && let Some(dwell) = self.dwell.stop(last_ms)
        {
            ctx.send(Command::Reader(ReaderCommand::Record(vec![dwell])));
        }
    }

    /// Ends the dwell of the open article when the reader was hidden (another view shown) since
    /// the last frame it drew, and starts timing it afresh now that it is back.
    pub(super) fn note_return(&mut self, frame: u64, now_ms: i64, ctx: &ViewContext) {
        if let Some((last_frame, last_ms)) = self.last_drawn
            && last_frame + 1 < frame
            && let Some(dwell) = self.dwell.stop(last_ms)
        {
            ctx.send(Command::Reader(ReaderCommand::Record(vec![dwell])));
            if let Some(id) = self.article.item_id().or(self.article.loading_id()) {
                self.dwell.start(id, self.kind.event_name(), now_ms);
            }
        }
        self.last_drawn = Some((frame, now_ms));
    }

    /// Closes the article pane, recording how long the article was read.
    pub(super) fn close_article(&mut self, ctx: &ViewContext) {
        if let Some(dwell) = self.dwell.stop(ctx.now.timestamp_millis()) {
            ctx.send(Command::Reader(ReaderCommand::Record(vec![dwell])));
        }
        self.cancel_opening();
        self.article.clear();
    }

    /// A button or link of the article pane: star, read, open the original or a link, copy a
    /// link.
    pub(super) fn article_action(
        &mut self,
        a: ArticleAction,
        egui_ctx: &egui::Context,
        ctx: &ViewContext,
    ) {
        match a {
            ArticleAction::OpenOriginal => self.open_original(egui_ctx, ctx),
            ArticleAction::FetchFullText => self.fetch_full_text(ctx),
            ArticleAction::LoadImages => self.article.load_images(),
            ArticleAction::SendToBoard => self.start_send_to_board(egui_ctx, ctx),
            ArticleAction::OpenLink(url) => links::open(egui_ctx, ctx, &url),
            ArticleAction::CopyLink(url) => links::copy(egui_ctx, ctx, &url),
            ArticleAction::Rule(action, kind) => self.add_rule_for_article(action, kind, ctx),
            ArticleAction::ToggleStar | ArticleAction::ToggleRead => {
                let Some(id) = self.article.item_id() else {
                    return;
                };
                let position = self.list.ids().iter().position(|x| *x == id);
                match (&a, position) {
                    (ArticleAction::ToggleStar, Some(i)) => self.toggle_star(i, ctx),
                    (ArticleAction::ToggleRead, Some(i)) => self.toggle_read(i, ctx),
                    // The article's item left the list (a search changed): act on it directly.
                    (ArticleAction::ToggleStar, None) => {
                        let on = self
                            .article
                            .article()
                            .is_some_and(|x| x.starred_at.is_none());
                        self.send_star(id, on, None, ctx);
                    }
                    (_, None) => {
                        let read = self.article.article().is_some_and(|x| x.read_at.is_none());
                        self.send_mark(vec![id], read, ctx);
                    }
                    _ => {}
                }
            }
        }
    }

    /// Opens row `i` in the article pane: the open is recorded and reading time starts now; the
    /// article shows when the background reader has read it (see [`ReaderView::show_opened`]).
    pub(super) fn open(&mut self, i: usize, ctx: &ViewContext) {
        let Some(id) = self.list.id_at(i) else {
            return;
        };
        self.list.select(i);
        self.open_id(id, Some(i), None, ctx);
    }

    /// Opens the item a card was made from; when it is gone, `link` goes to the browser.
    pub fn open_from_card(&mut self, id: ItemId, link: Option<String>, ctx: &ViewContext) {
        let position = self.list.ids().iter().position(|x| *x == id);
        if let Some(i) = position {
            self.list.select(i);
        }
        self.open_id(id, position, link, ctx);
    }

    fn open_id(
        &mut self,
        id: ItemId,
        position: Option<usize>,
        fallback_link: Option<String>,
        ctx: &ViewContext,
    ) {
        let now_ms = ctx.now.timestamp_millis();
        let view = self.kind.event_name();
        if let Some(dwell) = self.dwell.start(id, view, now_ms) {
            ctx.send(Command::Reader(ReaderCommand::Record(vec![dwell])));
        }
        // Sent now, not when the article has been read: a quick j/o/j/o must record every open.
        // A row not read yet counts as unread; marking a read item read changes nothing.
        let mark_read = self.settings.auto_mark_read && !self.is_read(id).unwrap_or(false);
        ctx.send(Command::Reader(ReaderCommand::Open {
            item: id,
            view: view.to_string(),
            position,
            mark_read,
        }));
        if mark_read {
            self.list.patch_row(id, |r| r.read = true);
        }
        self.cancel_opening();
        self.opening = Some(Opening {
            id,
            mark_read,
            fallback_link,
        });
        self.article.set_loading(id);
        self.ask_article(id, ArticleFor::Show);
    }

    /// The article being opened has been read: shows it.
    pub(super) fn show_opened(&mut self, id: ItemId, read: ArticleRead, ctx: &ViewContext) {
        let Some(opening) = self.opening.take_if(|o| o.id == id) else {
            return;
        };
        match read {
            Ok(Some(a)) => {
                self.article.show(Some(a));
                if opening.mark_read {
                    // Read before the worker marked it, perhaps.
                    let now = ctx.now.timestamp();
                    self.article
                        .patch(|a| a.read_at = Some(a.read_at.unwrap_or(now)));
                }
            }
            Ok(None) => {
                self.article.clear();
                self.stale.list = true;
                if let Some(url) = opening.fallback_link {
                    self.open_link_pending = Some(url);
                }
            }
            Err(e) => {
                self.article.clear();
                ctx.act(AppAction::Notice(
                    t!("reading.open_error", error = e).into_owned(),
                ));
            }
        }
    }

    /// Asks for the open article's full text (or, with none open, the selected item's: it is
    /// opened to show it).
    pub(super) fn fetch_full_text(&mut self, ctx: &ViewContext) {
        let id = match self.article.item_id() {
            Some(id) => id,
            None => {
                let Some(i) = self.list.selected() else {
                    return;
                };
                let Some(&id) = self.list.ids().get(i) else {
                    return;
                };
                self.open(i, ctx);
                id
            }
        };
        self.article.set_fetching(id);
        ctx.send(Command::Feeds(FeedsCommand::FetchFullText(id)));
    }

    /// Opens the selected item's original (or the open article's) in the browser; an item not
    /// open is read for its address first.
    pub(super) fn open_original(&mut self, egui_ctx: &egui::Context, ctx: &ViewContext) {
        let target = self.list.selected_id().or(self.article.item_id());
        let url = match target {
            Some(id) if Some(id) == self.article.item_id() => {
                self.article.original_url().map(str::to_string)
            }
            Some(id) => {
                self.ask_article(id, ArticleFor::Original);
                return;
            }
            None => None,
        };
        match url {
            Some(u) => links::open(egui_ctx, ctx, &u),
            None => ctx.act(AppAction::Notice(t!("reading.no_link").into_owned())),
        }
    }

    /// Likes or mutes the open article's feed (by title) or author in For you; the worker
    /// re-ranks at once, and Settings lists the rule to take it back.
    pub(super) fn add_rule_for_article(
        &mut self,
        action: RuleAction,
        kind: RuleKind,
        ctx: &ViewContext,
    ) {
        let Some(a) = self.article.article() else {
            return;
        };
        let pattern = match kind {
            RuleKind::Author => a.author.clone().unwrap_or_default(),
            _ => a.feed_title.clone(),
        };
        if pattern.trim().is_empty() {
            return;
        }
        let what = t!(format!("rule_kind.{}", kind.as_str()));
        let pattern_text = pattern.trim();
        let text = match action {
            RuleAction::Like => t!("reading.rule_lifts", kind = what, pattern = pattern_text),
            RuleAction::Mute => t!("reading.rule_hides", kind = what, pattern = pattern_text),
        };
        ctx.act(AppAction::Confirm(text.into_owned()));
        ctx.send(Command::Rank(RankCommand::AddRule {
            kind,
            action,
            pattern,
        }));
    }

    /// "Send to board": asks which column, quoting the selection when it is from this article.
    pub(super) fn start_send_to_board(&mut self, egui_ctx: &egui::Context, ctx: &ViewContext) {
        let Some(a) = self.article.article() else {
            ctx.act(AppAction::Notice(
                t!("send_to_board.nothing_open").into_owned(),
            ));
            return;
        };
        let quote = crate::ui::selection::last(egui_ctx).filter(|q| self.article.shows_text(q));
        match ctx.store.board() {
            Ok(board) => {
                self.send_to_board = Some(super::send_to_board::SendToBoard::new(
                    a,
                    quote,
                    board.columns.into_iter().map(|c| c.column).collect(),
                ));
            }
            Err(e) => ctx.act(AppAction::Notice(e.to_string())),
        }
    }

    /// The column question, while it is up; a card is added when the user says where.
    pub(super) fn send_to_board_ui(&mut self, egui_ctx: &egui::Context, ctx: &ViewContext) {
        if std::mem::take(&mut self.send_to_board_pending) {
            self.start_send_to_board(egui_ctx, ctx);
        }
        let Some(dialog) = self.send_to_board.as_mut() else {
            return;
        };
        match dialog.show(egui_ctx) {
            super::send_to_board::SendOutcome::Open => {}
            super::send_to_board::SendOutcome::Cancel => self.send_to_board = None,
            super::send_to_board::SendOutcome::Send(column, draft) => {
                let title = draft.title.clone();
                ctx.send(Command::Focus(
                    crate::engine::focus::FocusCommand::AddCard {
                        column: Some(column),
                        draft,
                    },
                ));
                ctx.act(AppAction::Confirm(
                    t!("send_to_board.done", title = title).into_owned(),
                ));
                crate::ui::selection::forget(egui_ctx);
                self.send_to_board = None;
            }
        }
    }

    /// A link to open in the browser on the next frame (a card's, when it has no article).
    pub fn open_link_later(&mut self, url: String) {
        self.open_link_pending = Some(url);
    }
}
