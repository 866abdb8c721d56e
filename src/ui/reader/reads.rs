//! Asking the background reader for what the worker said changed, and taking its answers into
//! the view once per frame: the list, its rows, the sidebar, and articles being opened.

use super::background::{Answers, ArticleFor, ArticleRead, ListRequest};
use super::list::{self, ListKind};
use super::settings::ReaderSettings;
use super::{ReaderView, Stale, sidebar};
use crate::model::ItemId;
use crate::ui::context::{AppAction, ViewContext};
use rust_i18n::t;

impl ReaderView {
    /// Re-reads what the worker said changed and takes the answers that came; failures become
    /// notices, the old data stays.
    pub(super) fn reload(&mut self, egui_ctx: &egui::Context, ctx: &ViewContext) {
        let stale = std::mem::replace(
            &mut self.stale,
            Stale {
                sidebar: false,
                list: false,
                rows: false,
                settings: false,
            },
        );
        let fail_text = |what: &str, e: &str| {
            let what = t!(what);
            ctx.act(AppAction::Notice(
                t!("reader.read_error", what = what, error = e).into_owned(),
            ));
        };
        if stale.settings {
            self.settings = ReaderSettings::load(ctx.store);
        }
        let list_request = (stale.list && self.kind != ListKind::Search).then(|| {
            // Stays set until a take-over answer is shown: a newer request supersedes the one
            // that asked for it, and must take over in its place.
            let take_over = self.take_over_list;
            ListRequest {
                kind: self.kind,
                unread_only: self.unread_only,
                entered_at: self.entered_at,
                shown: if take_over {
                    Vec::new()
                } else {
                    self.list.ids().to_vec()
                },
                take_over,
            }
        });
        if !stale.list && stale.rows {
            self.list.invalidate_rows();
        }
        if (stale.rows || stale.list)
            && let Some(id) = self.article.item_id()
        {
            // Only the flags: re-parsing would also reset the reading position.
            self.ask_article(id, ArticleFor::Flags);
        }
        let answers = match self.reads.as_mut() {
            Some(reads) => {
                if stale.sidebar {
                    reads.ask_sidebar();
                }
                if let Some(r) = list_request {
                    reads.ask_list(r);
                }
                reads.take_answers()
            }
            // Before the first frame (benchmarks drive the view directly): read in place.
            None => Answers {
                sidebar: stale
                    .sidebar
                    .then(|| sidebar::read_sidebar(ctx.store).map_err(|e| e.to_string())),
                list: list_request.map(|r| {
                    list::read_list(ctx.store, r.kind, r.unread_only, r.entered_at, &r.shown)
                        .map(|l| (r.take_over, l))
                        .map_err(|e| e.to_string())
                }),
                ..Answers::default()
            },
        };
        match answers.sidebar {
            Some(Ok(data)) => self.sidebar.show_loaded(data),
            Some(Err(e)) => fail_text("reader.what_feeds", &e),
            None => {}
        }
        match answers.list {
            // A row picked since a take-over was asked for: the list is being read and must not
            // reshuffle, so read it again keeping what is on screen in place.
            Some(Ok((true, _))) if self.list.selected_id().is_some() => {
                self.take_over_list = false;
                self.stale.list = true;
            }
            Some(Ok((take_over, loaded))) => {
                if take_over {
                    self.take_over_list = false;
                    self.list.reset();
                }
                self.list.show_loaded(loaded);
            }
            Some(Err(e)) => fail_text("reader.what_list", &e),
            None => {}
        }
        for (request, rows) in answers.rows {
            self.list.accept_rows(&request, rows);
        }
        for (purpose, id, read) in answers.articles {
            match purpose {
                ArticleFor::Show => self.show_opened(id, read, ctx),
                ArticleFor::Flags => self.patch_flags(id, read, ctx),
                ArticleFor::Original => open_original_of(read, egui_ctx, ctx),
            }
        }
    }

    /// Asks the background reader for an article (queued until the first frame starts it).
    pub(super) fn ask_article(&mut self, id: ItemId, purpose: ArticleFor) {
        match self.reads.as_mut() {
            Some(reads) => reads.ask_article(id, purpose),
            None => self.queued_articles.push((id, purpose)),
        }
    }

    /// Drops any article read for opening still out: the pane was closed or another item opened.
    pub(super) fn cancel_opening(&mut self) {
        self.opening = None;
        self.queued_articles.retain(|(_, p)| *p != ArticleFor::Show);
        if let Some(reads) = self.reads.as_mut() {
            reads.cancel_article(ArticleFor::Show);
        }
    }

    /// The open article as read again after the worker changed it (flags, full text).
    fn patch_flags(&mut self, id: ItemId, read: ArticleRead, ctx: &ViewContext) {
        if self.article.item_id() != Some(id) {
            return;
        }
        match read {
            // Flags, and a full article that came, replace what is shown; the place is kept.
            Ok(Some(a)) => self.article.refresh(a),
            Ok(None) => self.article.clear(),
            Err(e) => {
                let what = t!("reader.what_article");
                ctx.act(AppAction::Notice(
                    t!("reader.read_error", what = what, error = e).into_owned(),
                ));
            }
        }
    }
}

/// Opens an item's original in the browser once its address has been read.
fn open_original_of(read: ArticleRead, egui_ctx: &egui::Context, ctx: &ViewContext) {
    match read {
        Ok(Some(a)) => match a.url.filter(|u| !u.trim().is_empty()) {
            Some(u) => crate::ui::links::open(egui_ctx, ctx, &u),
            None => ctx.act(AppAction::Notice(t!("reading.no_link").into_owned())),
        },
        Ok(None) => ctx.act(AppAction::Notice(t!("reading.gone").into_owned())),
        Err(e) => ctx.act(AppAction::Notice(
            t!("reading.read_item_error", error = e).into_owned(),
        )),
    }
}
