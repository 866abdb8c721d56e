//! The eframe app: top bar with the timer, left navigation, the active view, the `?` overlay and
//! in-app notices. Views draw; actions they request are applied once at the end of the frame.

use super::board::BoardView;
use super::break_digest::BreakWatch;
use super::commands::{Scope, ShortcutMatcher, UiCommand};
use super::context::{AppAction, ViewContext};
use super::guard::AttentionGuard;
use super::language::Language;
use super::palette::{Choice, CommandPalette, Entry};
use super::reader::ReaderView;
use super::settings::SettingsView;
use super::stats::StatsView;
use super::status::StatusBar;
use super::theme;
use super::timer::TimerView;
use crate::clock::SharedClock;
use crate::engine::Engine;
use crate::engine::feeds::{FeedsCommand, RefreshScope};
use crate::engine::worker::{Command, Event, WorkerHandle};
use crate::paths::DB_FILE;
use crate::store::ReadStore;
use rust_i18n::t;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum View {
    #[default]
    Board,
    Reader,
    Stats,
    Settings,
}

impl View {
    pub const ALL: [View; 4] = [View::Board, View::Reader, View::Stats, View::Settings];

    /// Its name in the navigation, in the UI's language.
    pub fn label(self) -> String {
        match self {
            View::Board => t!("nav.board"),
            View::Reader => t!("nav.reader"),
            View::Stats => t!("nav.stats"),
            View::Settings => t!("nav.settings"),
        }
        .into_owned()
    }

    fn scope(self) -> Scope {
        match self {
            View::Board => Scope::Board,
            View::Reader => Scope::Reader,
            View::Stats | View::Settings => Scope::Global,
        }
    }
}

/// What survives a restart of the window (not data: that lives in SQLite).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UiState {
    pub view: View,
    /// The card selected on the board: after a restart, Space and Enter start on it again.
    pub board_selected: Option<crate::model::CardId>,
}

const UI_STATE_KEY: &str = "focusfeed-ui";

/// The worker, a read connection and the clock: what views borrow through `ViewContext`.
struct Core {
    worker: WorkerHandle,
    reader_store: ReadStore,
    clock: SharedClock,
    data_dir: std::path::PathBuf,
}

impl Core {
    fn context(&self) -> ViewContext<'_> {
        ViewContext {
            store: &self.reader_store,
            worker: &self.worker,
            clock: &self.clock,
            data_dir: &self.data_dir,
            now: self.clock.now(),
            actions: RefCell::new(Vec::new()),
        }
    }
}

/// The panels' own state.
#[derive(Default)]
struct Views {
    timer: TimerView,
    board: BoardView,
    reader: ReaderView,
    stats: StatsView,
    settings: SettingsView,
    guard: AttentionGuard,
}

impl Views {
    fn route_command(&mut self, cmd: UiCommand, view: View, ctx: &ViewContext) {
        match cmd {
            UiCommand::ShowBoard => ctx.act(AppAction::SwitchView(View::Board)),
            UiCommand::ShowReader => ctx.act(AppAction::SwitchView(View::Reader)),
            UiCommand::ShowStats => ctx.act(AppAction::SwitchView(View::Stats)),
            UiCommand::ShowSettings => ctx.act(AppAction::SwitchView(View::Settings)),
            UiCommand::ToggleHelp => ctx.act(AppAction::ToggleHelp),
            UiCommand::CommandPalette => ctx.act(AppAction::OpenPalette),
            UiCommand::TimerStartPause => {
                let card = card_in_view(&self.board, view);
                self.timer.command(cmd, ctx, card);
            }
            _ => match cmd.scope() {
                Scope::Board => self.board.command(cmd, ctx),
                Scope::Reader if self.guard.blocks(&self.timer, ctx) => {}
                Scope::Reader => self.reader.command(cmd, ctx),
                Scope::Global => {}
            },
        }
    }

    fn dispatch_event(&mut self, event: &Event, ctx: &ViewContext) {
        self.timer.on_event(event, ctx);
        self.board.on_event(event, ctx);
        self.reader.on_event(event, ctx);
        self.stats.on_event(event, ctx);
        self.settings.on_event(event, ctx);
        self.guard.on_event(event, ctx);
    }
}

pub struct FocusFeedApp {
    state: UiState,
    core: Core,
    views: Views,
    shortcuts: ShortcutMatcher,
    palette: CommandPalette,
    show_help: bool,
    status: StatusBar,
    title: String,
    /// When to next ask the worker to fetch the feeds that are due (their own schedules decide).
    next_due_refresh: Option<i64>,
    /// Asks before the window closes on a running focus session.
    close_guard: super::close_guard::CloseGuard,
    /// A second start asking this window to come to the front.
    raise: Option<super::single_instance::RaiseRequests>,
    /// `--quit-after-first-list`: close once the Reader's list is drawn, saying when.
    quit_after_first_list: bool,
    /// Opens the break's digest when a break starts, and closes the Reader when it ends.
    break_watch: BreakWatch,
}

impl FocusFeedApp {
    /// Opens the data directory: the worker gets the writing engine, the UI a read connection.
    pub fn open(
        cc: &eframe::CreationContext<'_>,
        data_dir: &Path,
        clock: SharedClock,
    ) -> anyhow::Result<Self> {
        let state = cc
            .storage
            .and_then(|s| eframe::get_value::<UiState>(s, UI_STATE_KEY))
            .unwrap_or_default();
        let mut app = Self::new(cc.egui_ctx.clone(), data_dir, clock)?;
        // Only the real start-up asks the system: without a stored choice, tests stay English.
        Language::stored(&app.core.reader_store)
            .unwrap_or_else(Language::system)
            .apply();
        app.restore(state);
        Ok(app)
    }

    /// Puts back what a restart kept: the view, and the card selected on the board (dropped
    /// if it is gone by the time the board is read).
    pub fn restore(&mut self, state: UiState) {
        self.views.board.select(state.board_selected);
        self.state = state;
    }

    /// What a restart keeps.
    pub fn ui_state(&mut self) -> &UiState {
        self.state.board_selected = self.views.board.selected();
        &self.state
    }

    /// The app without eframe's storage (tests build it this way).
    pub fn new(ctx: egui::Context, data_dir: &Path, clock: SharedClock) -> anyhow::Result<Self> {
        Self::with_engine(ctx, Engine::open(data_dir, clock)?)
    }

    /// Opens on the Reader and quits once its list is drawn (timing the window from outside).
    pub fn quit_after_first_list(&mut self) {
        self.state.view = View::Reader;
        self.quit_after_first_list = true;
    }

    /// Comes to the front when a second start asks (see `single_instance`).
    pub fn listen_for_raise(&mut self, requests: Option<super::single_instance::RaiseRequests>) {
        self.raise = requests;
    }

    /// The app on an engine set up by the caller (tests change its fetch limits).
    pub fn with_engine(ctx: egui::Context, engine: Engine) -> anyhow::Result<Self> {
        let data_dir = &engine.data_dir().to_path_buf();
        let clock = engine.clock().clone();
        let reader_store = ReadStore::open(&data_dir.join(DB_FILE))?;
        Language::stored(&reader_store).unwrap_or_default().apply();
        super::selection::install(&ctx);
        let repaint = ctx.clone();
        let worker = WorkerHandle::spawn_paced(engine, move |within| {
            if within.is_zero() {
                repaint.request_repaint();
            } else {
                repaint.request_repaint_after(within);
            }
        });
        let mut app = Self {
            state: UiState::default(),
            core: Core {
                worker,
                reader_store,
                clock,
                data_dir: data_dir.to_path_buf(),
            },
            views: Views::default(),
            shortcuts: ShortcutMatcher::default(),
            palette: CommandPalette::default(),
            show_help: false,
            status: StatusBar::default(),
            title: String::new(),
            next_due_refresh: None,
            close_guard: Default::default(),
            raise: None,
            quit_after_first_list: false,
            break_watch: Default::default(),
        };
        // Views load what they show on their first `Changed`.
        let ctx = app.core.context();
        for topic in [
            crate::model::Topic::Board,
            crate::model::Topic::TimeLog,
            crate::model::Topic::Timer,
            crate::model::Topic::Feeds,
            crate::model::Topic::Items,
        ] {
            app.views.dispatch_event(&Event::Changed(topic), &ctx);
        }
        let actions = ctx.actions.take();
        drop(ctx);
        for a in actions {
            app.apply(a);
        }
        Ok(app)
    }

    pub fn view(&self) -> View {
        self.state.view
    }

    /// The reader's item list, in the order shown (tests read For you's order from it).
    pub fn reader_list(&self) -> &[crate::model::ItemId] {
        self.views.reader.list_ids()
    }

    /// Why the Reader lists `item` where it is (For you's or the digest's reason), if it says.
    pub fn reader_reason(&self, item: crate::model::ItemId) -> Option<&str> {
        self.views.reader.reason(item)
    }

    /// The Stats view's month of attention, as last drawn.
    pub fn stats_month(&self) -> Option<&crate::focus::attention::AttentionStats> {
        self.views.stats.month()
    }

    /// Notices shown at the bottom of the window.
    pub fn notices(&self) -> Vec<String> {
        self.status.notices()
    }

    fn apply(&mut self, action: AppAction) {
        match action {
            AppAction::SwitchView(v) => self.state.view = v,
            AppAction::ToggleHelp => self.show_help = !self.show_help,
            AppAction::OpenPalette => self.palette.open(),
            AppAction::Notice(n) => self.status.push_notice(n),
            AppAction::Confirm(n) => self.status.push_confirmation(n),
            AppAction::StartFocus { card, title } => {
                let ctx = self.core.context();
                self.views.timer.start_on(&ctx, card, &title);
            }
            AppAction::OpenCardLink { item, link } => {
                let ctx = self.core.context();
                match item {
                    Some(id) => {
                        self.state.view = View::Reader;
                        self.views.reader.open_from_card(id, link, &ctx);
                    }
                    None => {
                        if let Some(url) = link {
                            self.views.reader.open_link_later(url);
                        }
                    }
                }
            }
        }
    }
}

/// A break that starts opens the Reader on its digest (unless the digest is switched off);
/// when it ends, the Reader it opened closes, back to the board. Items not opened stay in
/// For you.
fn follow_break(watch: &mut BreakWatch, views: &mut Views, view: View, ctx: &ViewContext) {
    use super::break_digest::BreakChange;
    use crate::rank::digest;
    let now = ctx.now.timestamp();
    match watch.frame(&views.timer) {
        Some(BreakChange::Started { seconds }) => {
            let pace = ctx.store.setting(digest::SETTING_TENTHS_PER_ITEM);
            if let Some(tenths) = digest::tenths_per_item(pace.ok().flatten().as_deref()) {
                views.reader.show_digest(digest::size(seconds, tenths), ctx);
                watch.digest_opened();
                ctx.act(AppAction::SwitchView(View::Reader));
            }
        }
        Some(BreakChange::Ended) => {
            if views.reader.showing_digest() {
                views
                    .reader
                    .show_list(super::reader::list::ListKind::ForYou, ctx);
            }
            if view == View::Reader {
                ctx.act(AppAction::SwitchView(View::Board));
                ctx.act(AppAction::Confirm(t!("digest.break_over").into_owned()));
            }
        }
        None => {}
    }
    let left = views
        .timer
        .break_phase()
        .map(|_| views.timer.remaining(now));
    views.reader.set_break_left(left);
}

/// The palette over every command (this view's first), and in an open reader its feeds and
/// folders.
fn palette_ui(
    palette: &mut CommandPalette,
    views: &mut Views,
    view: View,
    egui_ctx: &egui::Context,
    ctx: &ViewContext,
) {
    let mut entries: Vec<Entry> = Entry::commands(view.scope()).collect();
    if view == View::Reader && !views.guard.blocks(&views.timer, ctx) {
        let places = views.reader.places().into_iter();
        entries.extend(places.map(|(title, kind, unread)| Entry::place(title, kind, unread)));
    }
    match palette.ui(egui_ctx, &entries) {
        Some(Choice::Command(cmd)) if !cmd.applies_in(view.scope()) => {
            // A command of another view: go there, and run it on that view's list or card.
            let target = match cmd.scope() {
                Scope::Reader => View::Reader,
                Scope::Board => View::Board,
                Scope::Global => view,
            };
            ctx.act(AppAction::SwitchView(target));
            views.route_command(cmd, target, ctx);
        }
        Some(Choice::Command(cmd)) => views.route_command(cmd, view, ctx),
        Some(Choice::Show(kind)) => views.reader.show_list(kind, ctx),
        None => {}
    }
}

/// Feeds keep themselves fresh while the window is open: every few minutes the worker fetches
/// whichever are due. The first pass waits a minute so start-up stays quiet.
fn refresh_due_feeds(next_due: &mut Option<i64>, egui_ctx: &egui::Context, ctx: &ViewContext) {
    const FIRST_AFTER_SECS: i64 = 60;
    const EVERY_SECS: i64 = 300;
    let now = ctx.now.timestamp();
    let next = *next_due.get_or_insert(now + FIRST_AFTER_SECS);
    if now >= next {
        ctx.send(Command::Feeds(FeedsCommand::Refresh(RefreshScope::Due)));
        *next_due = Some(now + EVERY_SECS);
    }
    let wait = (next_due.unwrap_or(now) - now).max(1);
    egui_ctx.request_repaint_after(std::time::Duration::from_secs(wait.unsigned_abs()));
}

/// The card a timer start with no task goes to: the one selected on the board, if in view.
fn card_in_view(board: &BoardView, view: View) -> Option<(crate::model::CardId, &str)> {
    (view == View::Board)
        .then(|| board.selected_card())
        .flatten()
}

fn top_bar(
    ui: &mut egui::Ui,
    timer: &mut TimerView,
    ctx: &ViewContext,
    card: Option<(crate::model::CardId, &str)>,
    reading_budget: Option<&str>,
) {
    egui::Panel::top("top_bar").show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.strong("focusfeed");
            ui.separator();
            timer.ui(ui, ctx, card);
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui
                    .button("?")
                    .on_hover_text(UiCommand::ToggleHelp.label())
                    .clicked()
                {
                    ctx.act(AppAction::ToggleHelp);
                }
                if let Some(text) = reading_budget {
                    ui.colored_label(theme::weak_colour(ui.visuals()), text)
                        .on_hover_text(t!("app.budget_hover"));
                }
            });
        });
    });
}

/// "12 of 30 min read today", in the UI's language; `None` without a budget.
fn budget_summary(status: &crate::focus::reading::BudgetStatus) -> Option<String> {
    let allowed = status.allowed_minutes()?;
    Some(
        t!(
            "app.budget_summary",
            read = status.read_minutes(),
            allowed = allowed
        )
        .into_owned(),
    )
}

fn navigation(ui: &mut egui::Ui, current: View, ctx: &ViewContext) {
    egui::Panel::left("navigation")
        .resizable(false)
        .exact_size(theme::NAV_WIDTH)
        .show(ui, |ui| {
            ui.add_space(theme::GAP);
            for (i, view) in View::ALL.into_iter().enumerate() {
                let text = format!("{}  {}", i + 1, view.label());
                if ui.selectable_label(current == view, text).clicked() {
                    ctx.act(AppAction::SwitchView(view));
                }
            }
        });
}

impl eframe::App for FocusFeedApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let egui_ctx = ui.ctx().clone();
        let ctx = self.core.context();
        for event in self.core.worker.drain() {
            self.status.on_event(&event, ctx.now.timestamp_millis());
            self.views.dispatch_event(&event, &ctx);
        }
        for cmd in self.shortcuts.collect(&egui_ctx, self.state.view.scope()) {
            self.views.route_command(cmd, self.state.view, &ctx);
        }
        follow_break(
            &mut self.break_watch,
            &mut self.views,
            self.state.view,
            &ctx,
        );
        let reading = self.state.view == View::Reader
            && self.views.reader.shows_feeds()
            && !self.views.guard.blocks(&self.views.timer, &ctx);
        self.views.guard.budget.frame(&egui_ctx, &ctx, reading);
        let card = card_in_view(&self.views.board, self.state.view);
        let budget = (self.state.view == View::Reader)
            .then(|| budget_summary(&self.views.guard.budget.status()))
            .flatten();
        top_bar(ui, &mut self.views.timer, &ctx, card, budget.as_deref());
        navigation(ui, self.state.view, &ctx);
        self.status.ui(ui, ctx.now.timestamp_millis());
        let views = &mut self.views;
        egui::CentralPanel::default().show(ui, |ui| match self.state.view {
            View::Board => views.board.ui(ui, &ctx, views.timer.focus_card()),
            View::Reader if views.guard.blocks(&views.timer, &ctx) => {
                views.guard.ui(ui, &views.timer, &ctx);
            }
            View::Reader => views.reader.ui(ui, &ctx),
            View::Stats => {
                let live = views.timer.live_session(ctx.now.timestamp());
                views.stats.ui(ui, &ctx, live);
            }
            View::Settings => views.settings.ui(ui, &ctx),
        });
        let mut open = self.show_help;
        super::help::show(&egui_ctx, &mut open, self.state.view.scope());
        if !open {
            self.show_help = false;
        }
        if self.palette.is_open() {
            palette_ui(
                &mut self.palette,
                &mut self.views,
                self.state.view,
                &egui_ctx,
                &ctx,
            );
        }
        refresh_due_feeds(&mut self.next_due_refresh, &egui_ctx, &ctx);
        let focus_left = self
            .views
            .timer
            .focus_session()
            .map(|_| self.views.timer.remaining(ctx.now.timestamp()));
        self.close_guard.frame(&egui_ctx, focus_left);
        if self.quit_after_first_list && self.views.reader.list_drawn() {
            self.quit_after_first_list = false;
            #[allow(clippy::print_stdout)]
            {
                println!(
                    "first frame with the list drawn: {:.1} ms after start",
                    super::since_process_start().as_secs_f64() * 1000.0
                );
            }
            egui_ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        if self.raise.as_ref().is_some_and(|r| r.asked()) {
            egui_ctx.send_viewport_cmd(egui::ViewportCommand::Minimized(false));
            egui_ctx.send_viewport_cmd(egui::ViewportCommand::Focus);
        }
        let title = self.views.timer.window_title();
        let actions = ctx.actions.take();
        drop(ctx);
        for action in actions {
            if matches!(action, AppAction::StartFocus { .. }) {
                // The top bar was drawn before the board asked: draw the frame again so it
                // shows the running timer.
                egui_ctx.request_discard("a focus session started from the board");
            }
            self.apply(action);
        }
        if title != self.title {
            egui_ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, UI_STATE_KEY, self.ui_state());
    }

    /// Work still in the views reaches the worker, which handles what is queued before it stops.
    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        let ctx = self.core.context();
        self.views.reader.on_exit(&ctx);
        self.views.guard.budget.send(&ctx);
    }
}
