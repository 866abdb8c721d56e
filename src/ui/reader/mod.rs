//! The reader view: feeds on the left, the item list in the middle, the article on the right (or
//! below). It reads what it shows from the read connection when the worker says something changed,
//! and sends every change (marks, stars, subscriptions, reading signals) to the worker.

pub mod article;
mod article_text;
pub mod background;
pub mod bench;
mod dial;
pub mod first_run;
pub mod for_you;
mod header;
pub mod html_text;
pub mod images;
pub mod impressions;
pub mod list;
mod marks;
mod reading;
mod reads;
pub mod row;
pub mod row_cache;
pub mod search_box;
pub mod send_to_board;
pub mod settings;
pub mod sidebar;
pub mod subscribe;
mod take_over;

use super::commands::UiCommand;
use super::context::ViewContext;
use super::theme;
use crate::engine::feeds::{FeedsCommand, RefreshScope};
use crate::engine::reader::ReaderCommand;
use crate::engine::search::SearchCommand;
use crate::engine::worker::{Command, Event};
use crate::model::Topic;
use crate::rank::rules::{RuleAction, RuleKind};
use article::ArticlePane;
use background::{ArticleFor, BackgroundReads};
use impressions::{DwellTimer, ImpressionTracker};
use list::{ItemList, ListAction, ListKind};
use search_box::{SearchBox, SearchBoxChange};
use settings::ReaderSettings;
use sidebar::{Sidebar, SidebarAction};
use subscribe::{FeedEditor, SubscribeDialog};

/// The task name the feeds worker reports refresh progress under.
const REFRESH_TASK: &str = crate::engine::feeds::runs::REFRESH_TASK;

/// An item being opened, its article on the way from the background reader.
#[derive(Debug, Clone)]
struct Opening {
    id: crate::model::ItemId,
    /// The open asked the worker to mark it read.
    mark_read: bool,
    /// Opened from a card: where to go when the item is gone (the browser).
    fallback_link: Option<String>,
}

/// What must be re-read before drawing, set by worker events and read once per frame.
#[derive(Debug, Clone, Copy)]
struct Stale {
    sidebar: bool,
    list: bool,
    rows: bool,
    settings: bool,
}

impl Default for Stale {
    fn default() -> Self {
        Self {
            sidebar: true,
            list: true,
            rows: true,
            settings: true,
        }
    }
}

#[derive(Default)]
pub struct ReaderView {
    kind: ListKind,
    /// Where to go back to when a search is cleared.
    before_search: ListKind,
    /// Feed and folder lists: hide read items.
    unread_only: bool,
    /// When the current list was entered: items read since then stay in unread lists.
    entered_at: i64,
    settings: ReaderSettings,
    sidebar: Sidebar,
    list: ItemList,
    article: ArticlePane,
    search: SearchBox,
    subscribe: SubscribeDialog,
    editor: FeedEditor,
    impressions: ImpressionTracker,
    dwell: DwellTimer,
    refreshing: Option<sidebar::RefreshStatus>,
    stale: Stale,
    /// After a bulk mark, re-read the list (not only its rows) when the worker confirms.
    reload_list_on_states: bool,
    /// `v` was pressed: open the selected item's original in the next frame.
    open_original_pending: bool,
    /// A card's article is gone: its link opens in the browser in the next frame.
    open_link_pending: Option<String>,
    /// `b` was pressed: ask for the column in the next frame.
    send_to_board_pending: bool,
    /// "Send to board" is asking which column.
    send_to_board: Option<send_to_board::SendToBoard>,
    /// The first run's sample feeds are being loaded.
    loading_samples: bool,
    /// For you has asked the worker for a fresh ranking since it was entered or new items came.
    rank_requested: bool,
    /// The next ranking only adds its new items below the list: it was asked for because items
    /// arrived while For you was being read, not on entering it.
    merge_next_ranking: bool,
    /// The frame number and time the reader was last drawn: a gap in frame numbers means another
    /// view was shown, and reading stopped when the reader was last seen.
    last_drawn: Option<(u64, i64)>,
    /// The next list read replaces the list instead of keeping what is on screen in place.
    take_over_list: bool,
    /// Reads the list, its rows, the sidebar and articles off the UI thread (started with the
    /// first frame).
    reads: Option<BackgroundReads>,
    /// Article reads asked for before the first frame started the reader.
    queued_articles: Vec<(crate::model::ItemId, ArticleFor)>,
    /// The item whose article is being read to open it.
    opening: Option<Opening>,
    /// The article is set beside the list, but the window leaves it too little room this
    /// frame: it is drawn below instead (the setting stays).
    too_narrow_beside: bool,
    /// Seconds left in the break while its digest is shown (the app sets it each frame).
    break_left: Option<i64>,
    /// For you's diversity dial and its "Outside your usual" shelf.
    dial: dial::DialState,
}

impl ReaderView {
    /// Whether the reader shows feeds to read, not the first-run page or the subscribe dialog:
    /// what the reading budget counts.
    pub fn shows_feeds(&self) -> bool {
        self.sidebar.is_loaded() && self.sidebar.has_feeds() && !self.subscribe.is_open()
    }

    /// The feeds and folders one can go to, for the command palette.
    pub fn places(&self) -> Vec<(String, ListKind, i64)> {
        self.sidebar.places()
    }

    /// Opens the break's digest of `n` For you items (see `rank::digest`).
    pub fn show_digest(&mut self, n: usize, ctx: &ViewContext) {
        let n = u8::try_from(n).unwrap_or(u8::MAX);
        self.set_kind(ListKind::Digest(n), ctx);
    }

    /// The reason the list gives for `item` (For you and the digest give one).
    pub fn reason(&self, item: crate::model::ItemId) -> Option<&str> {
        self.list.reason(item)
    }

    /// Whether the list is a break's digest.
    pub fn showing_digest(&self) -> bool {
        matches!(self.kind, ListKind::Digest(_))
    }

    /// The break's countdown above its digest; `None` outside a break.
    pub fn set_break_left(&mut self, seconds: Option<i64>) {
        self.break_left = seconds;
    }

    /// Shows a feed's or a folder's list, as a click in the sidebar does.
    pub fn show_list(&mut self, kind: ListKind, ctx: &ViewContext) {
        self.set_kind(kind, ctx);
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &ViewContext) {
        let now = ctx.now.timestamp();
        let now_ms = ctx.now.timestamp_millis();
        if self.reads.is_none() {
            let repaint = ui.ctx().clone();
            let mut reads =
                BackgroundReads::spawn(&ctx.data_dir.join(crate::paths::DB_FILE), move || {
                    repaint.request_repaint()
                });
            for (id, purpose) in std::mem::take(&mut self.queued_articles) {
                reads.ask_article(id, purpose);
            }
            self.reads = Some(reads);
            // The reader opens on its first list without entering it through `set_kind`: the
            // impressions of that list belong to it too (they were recorded under no list).
            if self.impressions.view().is_empty() {
                self.impressions.reset(self.kind.event_name());
            }
        }
        self.reload(ui.ctx(), ctx);
        if self.stale.list {
            // `reload` asked to read the list again (a take-over that came after a pick).
            ui.ctx().request_repaint();
        }
        self.request_ranking(ctx);
        self.note_return(ui.ctx().cumulative_frame_nr(), now_ms, ctx);
        if let Some((request_id, request)) = self.search.due_request(now_ms) {
            ctx.send(Command::Search(SearchCommand::Query {
                request_id,
                request,
            }));
        }
        if let Some(wait) = self.search.wait_ms(now_ms) {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(wait as u64));
        }

        if std::mem::take(&mut self.open_original_pending) {
            self.open_original(ui.ctx(), ctx);
        }
        if let Some(url) = self.open_link_pending.take() {
            crate::ui::links::open(ui.ctx(), ctx, &url);
        }
        self.send_to_board_ui(ui.ctx(), ctx);
        let folders = self.sidebar.folder_paths();
        if let Some(cmd) = self.subscribe.ui(ui.ctx(), &folders) {
            ctx.send(Command::Feeds(cmd));
        }
        for cmd in self.editor.ui(ui.ctx(), &folders) {
            ctx.send(Command::Feeds(cmd));
        }

        if !self.sidebar.is_loaded() {
            // The first read of the feeds is on its way: "your reader is empty" is not known yet.
            return;
        }
        if !self.sidebar.has_feeds() {
            match first_run::ui(ui, self.loading_samples) {
                Some(first_run::FirstRunChoice::AddFeed) => self.subscribe.open(),
                Some(first_run::FirstRunChoice::LoadSamples) => {
                    self.loading_samples = true;
                    ctx.send(Command::Reader(ReaderCommand::LoadSamples));
                }
                None => {}
            }
            return;
        }

        // In a narrow window the feeds give up room first: the list and article need it more.
        let sidebar_action = egui::Panel::left("reader_sidebar")
            .resizable(true)
            .default_size(theme::READER_SIDEBAR_WIDTH)
            .max_size((ui.available_width() * 0.35).max(120.0))
            .show(ui, |ui| {
                self.sidebar.ui(ui, self.kind, self.refreshing.as_ref())
            })
            .inner;
        if let Some(a) = sidebar_action {
            self.sidebar_action(a, ctx);
        }

        let room = ui.available_width();
        self.too_narrow_beside = !self.settings.article_below
            && room < theme::READER_LIST_MIN_WIDTH + theme::ARTICLE_MIN_WIDTH;
        let list_panel = if self.settings.article_below || self.too_narrow_beside {
            // Its own id: a size kept from the side panel (a width) would be taken as a height.
            egui::Panel::top("reader_list_above")
                .resizable(true)
                .default_size(320.0)
        } else {
            egui::Panel::left("reader_list_beside")
                .resizable(true)
                .default_size(theme::READER_LIST_WIDTH)
                .size_range(theme::READER_LIST_MIN_WIDTH..=room - theme::ARTICLE_MIN_WIDTH)
        };
        let list_action = list_panel
            .show(ui, |ui| {
                self.list_header(ui, ctx, now_ms);
                if self.kind == ListKind::ForYou {
                    self.for_you_header(ui, ctx);
                }
                ui.separator();
                if self.list.is_empty() {
                    // Blank while the list is read (a frame or two), not "No items here".
                    if !self
                        .reads
                        .as_ref()
                        .is_some_and(BackgroundReads::list_pending)
                    {
                        ui.weak(self.empty_list_text());
                    }
                    return None;
                }
                self.list.ui(ui, now)
            })
            .inner;
        if let Some(request) = self.list.take_row_request()
            && let Some(reads) = self.reads.as_mut()
        {
            reads.ask_rows(request);
        }
        if let Some(a) = list_action {
            self.list_action(a, ctx);
        }

        let why = match (self.kind, self.article.item_id()) {
            (ListKind::ForYou | ListKind::Digest(_), Some(id)) => self.list.reason(id),
            _ => None,
        };
        self.article.set_why(why);
        let article_action = egui::CentralPanel::default()
            .show(ui, |ui| self.article.ui(ui, ctx.data_dir))
            .inner;
        if let Some(a) = article_action {
            self.article_action(a, ui.ctx(), ctx);
        }

        let (due, next) = self.impressions.observe(self.list.visible(), now_ms);
        if !due.is_empty() {
            ctx.send(Command::Reader(ReaderCommand::Record(due)));
        }
        if let Some(wait) = next {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(wait as u64));
        }
    }

    /// The items in the list, in the order shown.
    pub fn list_ids(&self) -> &[crate::model::ItemId] {
        self.list.ids()
    }

    fn set_kind(&mut self, kind: ListKind, ctx: &ViewContext) {
        if kind != ListKind::Search {
            self.search.clear();
        } else if self.kind != ListKind::Search {
            self.before_search = self.kind;
        }
        // Another list is another place to read: the article of the last one closes (its
        // reading time ends), as in a mail client. A search, and leaving one, keep it: one
        // types while reading.
        if kind != self.kind && kind != ListKind::Search && self.kind != ListKind::Search {
            self.close_article(ctx);
        }
        self.kind = kind;
        self.rank_requested = false;
        self.merge_next_ranking = false;
        self.entered_at = ctx.now.timestamp();
        self.list.reset();
        self.take_over_list = false;
        if let Some(reads) = self.reads.as_mut() {
            reads.cancel_list();
        }
        self.impressions.reset(kind.event_name());
        self.stale.list = true;
    }

    fn sidebar_action(&mut self, a: SidebarAction, ctx: &ViewContext) {
        match a {
            SidebarAction::Show(kind) => self.set_kind(kind, ctx),
            SidebarAction::AddFeed => self.subscribe.open(),
            SidebarAction::RefreshAll => self.refresh(ctx, RefreshScope::All),
            SidebarAction::StopRefresh => ctx.send(Command::Feeds(FeedsCommand::CancelRefresh)),
            SidebarAction::RefreshFeed(f) => self.refresh(ctx, RefreshScope::Feed(f)),
            SidebarAction::EditFeed(f) => self.edit_feed(f, ctx),
            SidebarAction::FullTextAlways(feed, on) => {
                ctx.send(Command::Feeds(FeedsCommand::SetFullTextAlways { feed, on }));
            }
            SidebarAction::ImagesAlways(feed, on) => {
                ctx.send(Command::Feeds(FeedsCommand::SetImagesAlways { feed, on }));
            }
        }
    }

    fn edit_feed(&mut self, feed: crate::model::FeedId, _ctx: &ViewContext) {
        let Some(f) = self.sidebar.feed(feed) else {
            return;
        };
        let folder = f
            .folder_id
            .and_then(|id| {
                let name = self.sidebar.folder(id)?.name.clone();
                self.sidebar
                    .folder_paths()
                    .into_iter()
                    .find(|p| p.last() == Some(&name))
            })
            .unwrap_or_default();
        self.editor.edit(
            feed,
            sidebar::feed_title(f),
            &f.url,
            &folder,
            f.error.as_deref(),
        );
    }

    fn refresh(&mut self, ctx: &ViewContext, scope: RefreshScope) {
        if self.refreshing.is_none() {
            self.refreshing = Some(sidebar::RefreshStatus::default());
        }
        ctx.send(Command::Feeds(FeedsCommand::Refresh(scope)));
    }

    fn list_action(&mut self, a: ListAction, ctx: &ViewContext) {
        match a {
            ListAction::Open(i) => self.open(i, ctx),
            ListAction::ToggleRead(i) => self.toggle_read(i, ctx),
            ListAction::ToggleStar(i) => self.toggle_star(i, ctx),
            ListAction::MarkAboveRead(i) => self.mark_above(i, ctx),
            ListAction::MarkBelowRead(i) => self.mark_below(i, ctx),
        }
    }

    fn toggle_layout(&mut self, ctx: &ViewContext) {
        self.settings.article_below = !self.settings.article_below;
        settings::save_flag(
            ctx,
            settings::ARTICLE_BELOW_KEY,
            self.settings.article_below,
        );
    }

    /// Whether the list is on screen with its rows (none waiting on the background reader).
    pub fn list_drawn(&self) -> bool {
        self.list
            .ids()
            .first()
            .is_some_and(|id| self.list.row(*id).is_some())
            && self.list.placeholders() == 0
    }

    /// A keyboard command for this view (see `commands.rs`).
    pub fn command(&mut self, cmd: UiCommand, ctx: &ViewContext) {
        let selected = self.list.selected();
        match cmd {
            UiCommand::NextItem => {
                self.list.step(1);
            }
            UiCommand::PreviousItem => {
                self.list.step(-1);
            }
            UiCommand::OpenItem => {
                if let Some(i) = selected.or_else(|| self.list.step(1)) {
                    self.open(i, ctx);
                }
            }
            UiCommand::OpenOriginal => {
                // Opened on the next frame, where the egui context is at hand.
                self.open_original_pending = true;
            }
            UiCommand::FetchFullText => self.fetch_full_text(ctx),
            UiCommand::LoadImages => self.article.load_images(),
            // Asked on the next frame, where the egui context (and the selection) is at hand.
            UiCommand::SendToBoard => self.send_to_board_pending = true,
            UiCommand::ToggleStar => {
                if let Some(i) = selected {
                    self.toggle_star(i, ctx);
                }
            }
            UiCommand::ToggleRead => {
                if let Some(i) = selected {
                    self.toggle_read(i, ctx);
                }
            }
            UiCommand::MarkAllRead => self.mark_all_read(ctx),
            UiCommand::MarkAboveRead => {
                if let Some(i) = selected {
                    self.mark_above(i, ctx);
                }
            }
            UiCommand::MarkBelowRead => {
                if let Some(i) = selected {
                    self.mark_below(i, ctx);
                }
            }
            UiCommand::UndoMark => self.undo_mark(ctx),
            UiCommand::Refresh => self.refresh(ctx, RefreshScope::All),
            UiCommand::StopRefresh => ctx.send(Command::Feeds(FeedsCommand::CancelRefresh)),
            UiCommand::Search => self.search.focus(),
            UiCommand::AddFeed => self.subscribe.open(),
            UiCommand::ToggleArticleLayout => self.toggle_layout(ctx),
            UiCommand::GoForYou => self.set_kind(ListKind::ForYou, ctx),
            UiCommand::GoUnread => self.set_kind(ListKind::Unread, ctx),
            UiCommand::GoStarred => self.set_kind(ListKind::Starred, ctx),
            UiCommand::LikeFeed => {
                self.add_rule_for_article(RuleAction::Like, RuleKind::Feed, ctx);
            }
            UiCommand::MuteFeed => {
                self.add_rule_for_article(RuleAction::Mute, RuleKind::Feed, ctx);
            }
            _ => {}
        }
    }

    /// An event from the worker: mark what to re-read; the next frame reads it.
    pub fn on_event(&mut self, event: &Event, ctx: &ViewContext) {
        match event {
            Event::Changed(Topic::Feeds) => self.stale.sidebar = true,
            Event::Changed(Topic::Items) => {
                self.stale.sidebar = true;
                self.stale.list = true;
                // Its full article may have come: read the open item again (it keeps its place).
                if let Some(id) = self.article.item_id() {
                    self.ask_article(id, ArticleFor::Flags);
                }
                self.items_arrived_for_you();
            }
            Event::Changed(Topic::Ranking) if self.kind == ListKind::ForYou => {
                self.ranking_arrived();
            }
            Event::Changed(Topic::ItemStates) => {
                self.stale.sidebar = true;
                self.stale.rows = true;
                if std::mem::take(&mut self.reload_list_on_states) || self.kind == ListKind::Starred
                {
                    self.stale.list = true;
                }
            }
            Event::Changed(Topic::Settings) => {
                self.stale.settings = true;
                self.dial.reread();
            }
            Event::Changed(Topic::Index) => self.search.rerun(ctx.now.timestamp_millis()),
            Event::Progress { task, done, total } if task == REFRESH_TASK => {
                let status = self.refreshing.get_or_insert_default();
                status.done = *done;
                status.total = *total;
            }
            Event::RefreshWaiting(waiting) => {
                if let Some(status) = self.refreshing.as_mut() {
                    status.waiting.clone_from(waiting);
                }
            }
            Event::Finished { task } | Event::Failed { task, .. } if task == REFRESH_TASK => {
                self.refreshing = None;
            }
            Event::Finished { task } | Event::Failed { task, .. }
                if task == crate::engine::samples::TASK =>
            {
                self.loading_samples = false;
            }
            Event::SearchResults {
                request_id,
                outcome,
            } => {
                if let Some(results) = self.search.accept(*request_id, outcome) {
                    if self.kind != ListKind::Search {
                        self.set_kind(ListKind::Search, ctx);
                    }
                    self.list.set_search_marks(
                        results
                            .hits
                            .iter()
                            .map(|h| {
                                let marks = row::SearchMarks {
                                    title: h.title.clone(),
                                    title_ranges: h.title_highlights.clone(),
                                    snippet: h.snippet.clone(),
                                };
                                (h.id, marks)
                            })
                            .collect(),
                    );
                    if let Some(reads) = self.reads.as_mut() {
                        reads.cancel_list();
                    }
                    self.list
                        .set_ids(results.hits.iter().map(|h| h.id).collect());
                    self.impressions.reset(ListKind::Search.event_name());
                }
            }
            _ => {}
        }
    }
}
