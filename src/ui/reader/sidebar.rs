//! The left pane: the fixed views (For you, Latest, Unread, Starred) with counts, then folders and
//! feeds with unread counts; a feed whose last fetch failed shows its error.

use super::list::ListKind;
use crate::model::FeedId;
use crate::store::reader::{FolderId, SidebarFeed, SidebarFolder, Totals};
use crate::store::{ReadStore, StoreError};
use crate::ui::commands::UiCommand;
use crate::ui::theme;
use egui::{AtomExt as _, RichText};
use rust_i18n::t;
use std::collections::HashMap;

/// What the user picked in the sidebar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SidebarAction {
    Show(ListKind),
    AddFeed,
    RefreshAll,
    StopRefresh,
    RefreshFeed(FeedId),
    EditFeed(FeedId),
    /// Fetch (or stop fetching) every new item's full article for this feed.
    FullTextAlways(FeedId, bool),
    /// Load (or stop loading) this feed's article images without asking each time.
    ImagesAlways(FeedId, bool),
}

/// A refresh under way, as the writer last told it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RefreshStatus {
    pub done: usize,
    /// 0 until the writer has said how many feeds it fetches.
    pub total: usize,
    /// The feeds still being fetched, the longest waited-for first.
    pub waiting: Vec<String>,
}

#[derive(Debug, Default)]
pub struct Sidebar {
    feeds: Vec<SidebarFeed>,
    folders: Vec<SidebarFolder>,
    totals: Totals,
    /// Unread items in each folder, its subfolders included.
    folder_unread: HashMap<FolderId, i64>,
    loaded: bool,
}

/// The sidebar's contents as read from the database (per-feed unread counts take about ten
/// milliseconds at 100,000 items: the window reads them on the background reader).
#[derive(Debug, Default)]
pub struct SidebarData {
    pub feeds: Vec<SidebarFeed>,
    pub folders: Vec<SidebarFolder>,
    pub totals: Totals,
}

pub fn read_sidebar(store: &ReadStore) -> Result<SidebarData, StoreError> {
    Ok(SidebarData {
        feeds: store.sidebar_feeds()?,
        folders: store.sidebar_folders()?,
        totals: store.item_totals()?,
    })
}

impl Sidebar {
    pub fn reload(&mut self, store: &ReadStore) -> Result<(), StoreError> {
        self.show_loaded(read_sidebar(store)?);
        Ok(())
    }

    /// Shows what [`read_sidebar`] read, with each folder's unread total summed up its tree.
    pub fn show_loaded(&mut self, data: SidebarData) {
        let SidebarData {
            feeds,
            folders,
            totals,
        } = data;
        self.feeds = feeds;
        self.folders = folders;
        self.totals = totals;
        self.loaded = true;
        self.folder_unread.clear();
        let parents: HashMap<FolderId, Option<FolderId>> =
            self.folders.iter().map(|f| (f.id, f.parent_id)).collect();
        for feed in &self.feeds {
            let mut folder = feed.folder_id;
            // Bounded walk up the tree: a corrupt parent loop must not hang the window.
            for _ in 0..32 {
                let Some(f) = folder else { break };
                *self.folder_unread.entry(f).or_default() += feed.unread;
                folder = parents.get(&f).copied().flatten();
            }
        }
    }

    /// Whether the feeds were read at least once (before that, "no feeds" is not known).
    pub fn is_loaded(&self) -> bool {
        self.loaded
    }

    pub fn has_feeds(&self) -> bool {
        !self.feeds.is_empty()
    }

    pub fn feed(&self, id: FeedId) -> Option<&SidebarFeed> {
        self.feeds.iter().find(|f| f.id == id)
    }

    pub fn folder(&self, id: FolderId) -> Option<&SidebarFolder> {
        self.folders.iter().find(|f| f.id == id)
    }

    pub fn totals(&self) -> Totals {
        self.totals
    }

    /// The title a list of this kind shows.
    pub fn title_of(&self, kind: ListKind) -> String {
        match kind {
            ListKind::ForYou => t!("list.for_you").into_owned(),
            ListKind::Latest => t!("list.latest").into_owned(),
            ListKind::Unread => t!("list.unread").into_owned(),
            ListKind::Starred => t!("list.starred").into_owned(),
            ListKind::Search => t!("list.search").into_owned(),
            ListKind::Digest(_) => t!("list.digest").into_owned(),
            ListKind::Feed(id) => self.feed(id).map_or_else(
                || t!("list.feed").into_owned(),
                |f| feed_title(f).to_string(),
            ),
            ListKind::Folder(id) => self
                .folder(id)
                .map_or_else(|| t!("list.folder").into_owned(), |f| f.name.clone()),
        }
    }

    /// Every feed and folder the sidebar lists, as (title, list, unread), for the palette.
    pub fn places(&self) -> Vec<(String, ListKind, i64)> {
        let folders = self.folders.iter().map(|f| {
            let unread = self.folder_unread.get(&f.id).copied().unwrap_or(0);
            (f.name.clone(), ListKind::Folder(f.id), unread)
        });
        let feeds = self
            .feeds
            .iter()
            .map(|f| (feed_title(f).to_string(), ListKind::Feed(f.id), f.unread));
        folders.chain(feeds).collect()
    }

    /// Folder paths, for the "move to folder" picker.
    pub fn folder_paths(&self) -> Vec<Vec<String>> {
        let by_id: HashMap<FolderId, &SidebarFolder> =
            self.folders.iter().map(|f| (f.id, f)).collect();
        let mut paths: Vec<Vec<String>> = self
            .folders
            .iter()
            .map(|f| {
                let mut path = vec![f.name.clone()];
                let mut parent = f.parent_id;
                for _ in 0..32 {
                    let Some(p) = parent.and_then(|p| by_id.get(&p)) else {
                        break;
                    };
                    path.insert(0, p.name.clone());
                    parent = p.parent_id;
                }
                path
            })
            .collect();
        paths.sort();
        paths
    }

    pub fn ui(
        &self,
        ui: &mut egui::Ui,
        current: ListKind,
        refreshing: Option<&RefreshStatus>,
    ) -> Option<SidebarAction> {
        let mut action = None;
        ui.horizontal(|ui| {
            if ui
                .button(t!("sidebar.add_feed"))
                .on_hover_text(UiCommand::AddFeed.label())
                .clicked()
            {
                action = Some(SidebarAction::AddFeed);
            }
            let refresh = ui.add_enabled(
                refreshing.is_none(),
                egui::Button::new(t!("sidebar.refresh")),
            );
            if refresh.on_hover_text(UiCommand::Refresh.label()).clicked() {
                action = Some(SidebarAction::RefreshAll);
            }
        });
        if let Some(status) = refreshing {
            ui.horizontal(|ui| {
                let text = match status.total {
                    0 => t!("sidebar.starting"),
                    total => t!("sidebar.refreshing", done = status.done, total = total),
                };
                let stop = ui
                    .button(t!("sidebar.stop"))
                    .on_hover_text(UiCommand::StopRefresh.label());
                if stop.clicked() {
                    action = Some(SidebarAction::StopRefresh);
                }
                let bar = ui.add(
                    egui::ProgressBar::new(status.done as f32 / status.total.max(1) as f32)
                        .text(text),
                );
                if !status.waiting.is_empty() {
                    let feeds = status.waiting.join(", ");
                    bar.on_hover_text(t!("sidebar.waiting", feeds = feeds));
                }
            });
        }
        ui.separator();
        let t = self.totals;
        for (kind, label, count) in [
            (ListKind::ForYou, t!("list.for_you"), None),
            (ListKind::Latest, t!("list.latest"), Some(t.all)),
            (ListKind::Unread, t!("list.unread"), Some(t.unread)),
            (ListKind::Starred, t!("list.starred"), Some(t.starred)),
        ] {
            let count = count.unwrap_or(0);
            if entry(ui, current == kind, RichText::new(label), count).clicked() {
                action = Some(SidebarAction::Show(kind));
            }
        }
        ui.separator();
        egui::ScrollArea::vertical()
            .id_salt("reader_sidebar")
            .auto_shrink([false, true])
            .show(ui, |ui| {
                self.folder_children(ui, None, current, &mut action, 0);
            });
        action
    }

    /// Folders and feeds under `parent` (the top level when `None`).
    fn folder_children(
        &self,
        ui: &mut egui::Ui,
        parent: Option<FolderId>,
        current: ListKind,
        action: &mut Option<SidebarAction>,
        depth: usize,
    ) {
        if depth > 16 {
            return;
        }
        for folder in self.folders.iter().filter(|f| f.parent_id == parent) {
            let id = ui.make_persistent_id(("reader_folder", folder.id));
            let unread = self.folder_unread.get(&folder.id).copied().unwrap_or(0);
            egui::collapsing_header::CollapsingState::load_with_default_open(ui.ctx(), id, true)
                .show_header(ui, |ui| {
                    let name = RichText::new(&folder.name).strong();
                    if entry(ui, current == ListKind::Folder(folder.id), name, unread).clicked() {
                        *action = Some(SidebarAction::Show(ListKind::Folder(folder.id)));
                    }
                })
                .body(|ui| self.folder_children(ui, Some(folder.id), current, action, depth + 1));
        }
        for feed in self.feeds.iter().filter(|f| f.folder_id == parent) {
            self.feed_row(ui, feed, current, action);
        }
    }

    fn feed_row(
        &self,
        ui: &mut egui::Ui,
        feed: &SidebarFeed,
        current: ListKind,
        action: &mut Option<SidebarAction>,
    ) {
        let selected = current == ListKind::Feed(feed.id);
        let title = feed_title(feed);
        let mut name = RichText::new(title);
        if feed.error.is_some() || feed.disabled {
            name = RichText::new(format!("! {title}")).color(theme::error_colour(ui.visuals()));
        }
        let response = entry(ui, selected, name, feed.unread);
        // The whole title first: the row may have cut it short.
        let mut hover = if let Some(e) = &feed.error {
            format!("{title}\n{}", t!("sidebar.fetch_failed", error = e))
        } else if feed.disabled {
            format!("{title}\n{}", t!("sidebar.disabled"))
        } else {
            format!("{title}\n{}", feed.url)
        };
        // A cap that applied silently would look like lost items.
        if let Some((at, count)) = feed.capped {
            let when = chrono::DateTime::from_timestamp(at, 0)
                .map(|d| {
                    crate::ui::time_text::moment(&d.with_timezone(&chrono::Local), "date.long")
                })
                .unwrap_or_default();
            hover.push('\n');
            hover.push_str(&t!("sidebar.capped", count = count, when = when));
        }
        let response = response.on_hover_text(hover);
        if response.clicked() {
            *action = Some(SidebarAction::Show(ListKind::Feed(feed.id)));
        }
        response.context_menu(|ui| {
            if ui.button(t!("sidebar.refresh")).clicked() {
                *action = Some(SidebarAction::RefreshFeed(feed.id));
                ui.close();
            }
            let mut always = feed.full_text_always;
            if ui
                .checkbox(&mut always, t!("sidebar.always_full"))
                .on_hover_text(t!("sidebar.always_full_hover"))
                .changed()
            {
                *action = Some(SidebarAction::FullTextAlways(feed.id, always));
                ui.close();
            }
            let mut images = feed.images_always;
            if ui
                .checkbox(&mut images, t!("sidebar.always_images"))
                .on_hover_text(t!("sidebar.always_images_hover"))
                .changed()
            {
                *action = Some(SidebarAction::ImagesAlways(feed.id, images));
                ui.close();
            }
            if ui.button(t!("sidebar.edit_feed")).clicked() {
                *action = Some(SidebarAction::EditFeed(feed.id));
                ui.close();
            }
        });
    }
}

pub fn feed_title(feed: &SidebarFeed) -> &str {
    if feed.title.trim().is_empty() {
        &feed.url
    } else {
        &feed.title
    }
}

/// One row of the sidebar, as wide as the pane: the name at the left, cut short with an
/// ellipsis when it does not fit, and the count (when there is one) at the right in the weak
/// colour. A long feed title used to wrap, leaving its count alone on the next line. Its
/// accessible label stays "Name  12".
fn entry(ui: &mut egui::Ui, selected: bool, name: RichText, count: i64) -> egui::Response {
    let mut atoms = egui::Atoms::new(name.atom_shrink(true));
    atoms.push_right(egui::Atom::grow());
    if count > 0 {
        // The leading space makes the label "Name  12", as the rows said before.
        atoms
            .push_right(RichText::new(format!(" {count}")).color(theme::weak_colour(ui.visuals())));
    }
    ui.add(
        egui::Button::selectable(selected, atoms)
            .truncate()
            .min_size(egui::vec2(ui.available_width(), 0.0)),
    )
}
