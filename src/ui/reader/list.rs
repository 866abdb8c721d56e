//! The middle pane: the item list of the current view, virtualized. It holds only the ordered ids
//! (100,000 are under a megabyte) and the rows around the view, which the background reader reads
//! when the list asks (see `row_cache`): drawing never waits on SQLite.

use super::for_you::for_you_ids;
use super::row::{RowText, SearchMarks, paint_row};
use super::row_cache::{RowCache, RowsRequest};
use crate::model::{FeedId, ItemId, UnixTime};
use crate::store::reader::{FolderId, ListQuery, ListRow, ListScope};
use crate::store::{ReadStore, StoreError};
use crate::ui::theme;
use egui::{Role, Sense, WidgetInfo, vec2};
use rust_i18n::t;
use std::collections::HashMap;
use std::ops::Range;

/// Which list is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ListKind {
    #[default]
    ForYou,
    Latest,
    Unread,
    Starred,
    Feed(FeedId),
    Folder(FolderId),
    Search,
    /// A break's digest of this many For you items (see `rank::digest`).
    Digest(u8),
}

impl ListKind {
    /// The view name recorded with events.
    pub fn event_name(self) -> &'static str {
        match self {
            ListKind::ForYou => "for_you",
            ListKind::Latest => "latest",
            ListKind::Unread => "unread",
            ListKind::Starred => "starred",
            ListKind::Feed(_) => "feed",
            ListKind::Folder(_) => "folder",
            ListKind::Search => "search",
            ListKind::Digest(_) => "break_digest",
        }
    }
}

/// Row height: two lines of text and a little air.
pub const ROW_HEIGHT: f32 = 40.0;

/// What the user did in the list this frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListAction {
    /// Clicked a row: select and open it.
    Open(usize),
    MarkAboveRead(usize),
    MarkBelowRead(usize),
    ToggleRead(usize),
    ToggleStar(usize),
}

#[derive(Debug, Default)]
pub struct ItemList {
    ids: Vec<ItemId>,
    rows: RowCache,
    selected: Option<usize>,
    /// Bring this row into view on the next frame (keyboard navigation).
    scroll_to: Option<usize>,
    /// Last frame's scroll offset and viewport height, to tell what is on screen.
    offset: f32,
    viewport: f32,
    /// Rows visible last frame, as `(item, position)`, for impressions.
    visible: Vec<(ItemId, usize)>,
    /// The rows drawn last frame, and how many of them were placeholders (not read yet).
    drawn: Range<usize>,
    placeholders: usize,
    /// What a search marks in each hit's row (title words, snippet), by item.
    search_marks: HashMap<ItemId, SearchMarks>,
    /// Why For you ranked an item where it is (the recommender's reasons), by item.
    reasons: HashMap<ItemId, String>,
    /// For you's items placed by exploration (see [`LoadedList::explored`]).
    explored: Vec<ItemId>,
    /// For you: the list shown holds a ranking (see [`LoadedList::ranked`]).
    ranked: bool,
}

impl ItemList {
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn ids(&self) -> &[ItemId] {
        &self.ids
    }

    pub fn selected(&self) -> Option<usize> {
        self.selected
    }

    pub fn selected_id(&self) -> Option<ItemId> {
        self.selected.and_then(|i| self.ids.get(i).copied())
    }

    pub fn id_at(&self, i: usize) -> Option<ItemId> {
        self.ids.get(i).copied()
    }

    pub fn row(&self, id: ItemId) -> Option<&ListRow> {
        self.rows.get(id)
    }

    /// Rows drawn as placeholders last frame, their read still on its way.
    pub fn placeholders(&self) -> usize {
        self.placeholders
    }

    /// The rows the last draw asked for, to send to the background reader.
    pub fn take_row_request(&mut self) -> Option<RowsRequest> {
        self.rows.take_request()
    }

    /// Takes the background reader's answer to a [`RowsRequest`].
    pub fn accept_rows(&mut self, request: &RowsRequest, rows: Result<Vec<ListRow>, String>) {
        let center = self.drawn.start + self.drawn.len() / 2;
        self.rows.accept(request, rows, &self.ids, center);
    }

    pub fn visible(&self) -> &[(ItemId, usize)] {
        &self.visible
    }

    /// For you: whether what is shown was ranked, rather than listed newest first for want of
    /// a ranking of any of it.
    pub fn shows_ranking(&self) -> bool {
        self.ranked
    }

    /// Reads the ids of `kind` (not `Search`, whose ids come from the index) and shows them.
    /// Keeps the selected item selected when it is still in the list.
    pub fn load(
        &mut self,
        store: &ReadStore,
        kind: ListKind,
        unread_only: bool,
        entered_at: UnixTime,
    ) -> Result<(), StoreError> {
        let loaded = read_list(store, kind, unread_only, entered_at, &self.ids)?;
        self.show_loaded(loaded);
        Ok(())
    }

    /// Shows a list read by [`read_list`] (on the background reader, or just now).
    pub fn show_loaded(&mut self, loaded: LoadedList) {
        let LoadedList {
            ids,
            mut reasons,
            explored,
            ranked,
        } = loaded;
        self.explored = explored;
        // An item read since entering For you stays listed but leaves the next ranking: it
        // keeps the reason it was shown for.
        for id in ids.iter().flatten() {
            if !reasons.contains_key(id)
                && let Some(r) = self.reasons.remove(id)
            {
                reasons.insert(*id, r);
            }
        }
        self.reasons = reasons;
        if let Some(ids) = ids {
            self.ranked = ranked;
            self.set_ids(ids);
        }
    }

    /// Replaces the list (a new view, or search results), keeping the selected item if present.
    pub fn set_ids(&mut self, ids: Vec<ItemId>) {
        let keep = self.selected_id();
        self.ids = ids;
        self.selected = keep.and_then(|id| self.ids.iter().position(|x| *x == id));
        // Mostly the same items again: their rows stay drawn until read afresh.
        self.rows.invalidate();
    }

    /// A fresh list for another view: selection and scroll start at the top.
    pub fn reset(&mut self) {
        self.ids.clear();
        self.rows.clear();
        self.search_marks.clear();
        self.reasons.clear();
        self.explored.clear();
        self.ranked = false;
        self.selected = None;
        self.scroll_to = Some(0);
        self.visible.clear();
        self.drawn = 0..0;
    }

    pub fn set_search_marks(&mut self, marks: HashMap<ItemId, SearchMarks>) {
        self.search_marks = marks;
    }

    /// For you's items placed there by exploration, in ranked order.
    pub fn explored(&self) -> &[ItemId] {
        &self.explored
    }

    /// Where `id` is in the list.
    pub fn position(&self, id: ItemId) -> Option<usize> {
        self.ids.iter().position(|x| *x == id)
    }

    /// Why For you placed `id` where it is, when it says.
    pub fn reason(&self, id: ItemId) -> Option<&str> {
        self.reasons.get(&id).map(String::as_str)
    }

    /// Has the rows in view read again (the worker changed read/star flags); until then they
    /// are drawn as they were.
    pub fn invalidate_rows(&mut self) {
        self.rows.invalidate();
    }

    /// Updates a cached row at once, before the worker's change arrives.
    pub fn patch_row(&mut self, id: ItemId, f: impl FnOnce(&mut ListRow)) {
        self.rows.patch(id, f);
    }

    pub fn select(&mut self, i: usize) {
        if i < self.ids.len() {
            self.selected = Some(i);
            self.scroll_to = Some(i);
        }
    }

    /// Moves the selection by `delta` rows; returns the new index.
    pub fn step(&mut self, delta: isize) -> Option<usize> {
        if self.ids.is_empty() {
            return None;
        }
        let next = match self.selected {
            None => 0,
            Some(i) => i
                .saturating_add_signed(delta)
                .min(self.ids.len().saturating_sub(1)),
        };
        self.select(next);
        Some(next)
    }

    /// Draws the list; returns what the user did. Rows not read yet are drawn as placeholders
    /// and asked for (see [`ItemList::take_row_request`]).
    pub fn ui(&mut self, ui: &mut egui::Ui, now: UnixTime) -> Option<ListAction> {
        if let Some(e) = self.rows.error() {
            ui.colored_label(theme::error_colour(ui.visuals()), e);
        }
        let row_with_gap = ROW_HEIGHT + ui.spacing().item_spacing.y;
        let mut area = egui::ScrollArea::vertical()
            .id_salt("reader_item_list")
            .auto_shrink(false);
        if let Some(i) = self.scroll_to.take() {
            let top = i as f32 * row_with_gap;
            let bottom = top + row_with_gap;
            // Before the list's first draw its viewport is unknown (0): any row would look
            // below it, and the list would open scrolled down by a row.
            if top < self.offset || self.viewport <= 0.0 {
                area = area.vertical_scroll_offset(top);
            } else if bottom > self.offset + self.viewport {
                area = area.vertical_scroll_offset((bottom - self.viewport).max(0.0));
            }
        }
        let mut action = None;
        let mut visible = Vec::new();
        let mut placeholders = 0;
        let total = self.ids.len();
        let out = area.show_rows(ui, ROW_HEIGHT, total, |ui, range| {
            self.rows.want(&self.ids, range.clone());
            self.drawn = range.clone();
            let clip = ui.clip_rect();
            for i in range {
                let Some(&id) = self.ids.get(i) else { break };
                let row = self.rows.get(id);
                placeholders += usize::from(row.is_none());
                let selected = self.selected == Some(i);
                let search = self.search_marks.get(&id);
                let reason = self.reasons.get(&id).map(String::as_str);
                // Keyed by item, not by place: egui gives a click to the widget id the press
                // landed on, so when the list changes between press and release the click still
                // opens the item that was pressed, not whatever moved under the pointer.
                let rect = ui
                    .allocate_exact_size(vec2(ui.available_width(), ROW_HEIGHT), Sense::hover())
                    .0;
                let response = ui.interact(rect, ui.scope_id().with(("row", id)), Sense::click());
                // Half a row on screen counts as visible (impressions). A placeholder counts
                // too: its row comes a frame later, and the impression's second runs meanwhile.
                if clip.intersect(rect).height() >= ROW_HEIGHT * 0.5 {
                    visible.push((id, i));
                }
                let shown = RowText { search, reason };
                paint_row(ui, rect, row, shown, selected, response.hovered(), now);
                let label = row.map_or_else(|| "…".to_string(), |r| r.title.clone());
                response.widget_info(|| WidgetInfo::selected(Role::Button, true, selected, &label));
                if response.clicked() {
                    action = Some(ListAction::Open(i));
                }
                response.context_menu(|ui| {
                    let read = row.is_some_and(|r| r.read);
                    let starred = row.is_some_and(|r| r.starred);
                    let mut pick = |ui: &mut egui::Ui, text: &str, a: ListAction| {
                        if ui.button(text).clicked() {
                            action = Some(a);
                            ui.close();
                        }
                    };
                    pick(
                        ui,
                        &if read {
                            t!("list_menu.mark_unread")
                        } else {
                            t!("list_menu.mark_read")
                        },
                        ListAction::ToggleRead(i),
                    );
                    pick(
                        ui,
                        &if starred {
                            t!("list_menu.unstar")
                        } else {
                            t!("list_menu.star")
                        },
                        ListAction::ToggleStar(i),
                    );
                    pick(
                        ui,
                        &t!("list_menu.mark_above"),
                        ListAction::MarkAboveRead(i),
                    );
                    pick(
                        ui,
                        &t!("list_menu.mark_below"),
                        ListAction::MarkBelowRead(i),
                    );
                });
            }
        });
        self.offset = out.state.clamped_offset().y;
        self.viewport = out.inner_rect.height();
        self.visible = visible;
        self.placeholders = placeholders;
        action
    }
}

/// A list's ids as read from the database; `ids` is `None` for search, whose ids come from the
/// index.
#[derive(Debug, Default)]
pub struct LoadedList {
    pub ids: Option<Vec<ItemId>>,
    /// For you's reasons by item (empty for other lists).
    pub reasons: HashMap<ItemId, String>,
    /// For you's items placed by exploration, in ranked order ("Outside your usual").
    pub explored: Vec<ItemId>,
    /// For you: a ranking of at least one item was read. False for the newest-first list
    /// shown before any ranking, and for an empty ranking (made before the first items came)
    /// followed by the items that came after it.
    pub ranked: bool,
}

/// Reads the ids of `kind`. `shown` is the list on screen, which For you keeps in place while
/// it is being read (see `for_you_ids`). At 100,000 items this takes tens of milliseconds,
/// which is why the window runs it on the background reader.
pub fn read_list(
    store: &ReadStore,
    kind: ListKind,
    unread_only: bool,
    entered_at: UnixTime,
    shown: &[ItemId],
) -> Result<LoadedList, StoreError> {
    let scoped = |scope| ListQuery {
        scope,
        unread_only,
        keep_read_since: Some(entered_at),
    };
    let mut reasons = HashMap::new();
    let mut explored = Vec::new();
    let mut ranked = false;
    let ids = match kind {
        ListKind::ForYou => {
            let rows = store.rank_list()?;
            ranked = !rows.is_empty();
            explored = rows
                .iter()
                .filter(|r| r.explored)
                .map(|r| r.item_id)
                .collect();
            reasons = rows
                .into_iter()
                .filter(|r| !r.reasons.is_empty())
                .map(|r| (r.item_id, r.reasons))
                .collect();
            for_you_ids(store, entered_at, shown)?
        }
        ListKind::Latest => store.list_item_ids(&ListQuery::new(ListScope::All))?,
        ListKind::Unread => store.list_item_ids(&ListQuery {
            scope: ListScope::All,
            unread_only: true,
            keep_read_since: Some(entered_at),
        })?,
        ListKind::Starred => store.list_item_ids(&ListQuery::new(ListScope::Starred))?,
        ListKind::Feed(f) => store.list_item_ids(&scoped(ListScope::Feed(f)))?,
        ListKind::Folder(f) => store.list_item_ids(&scoped(ListScope::Folder(f)))?,
        ListKind::Search => return Ok(LoadedList::default()),
        ListKind::Digest(n) => {
            reasons = store
                .rank_list()?
                .into_iter()
                .filter(|r| !r.reasons.is_empty())
                .map(|r| (r.item_id, r.reasons))
                .collect();
            if shown.is_empty() {
                let candidates = store.digest_candidates(crate::rank::digest::CANDIDATES)?;
                let picked = crate::rank::digest::pick(&candidates, usize::from(n));
                // Items newer than the last ranking have no reason of their own yet.
                for id in &picked {
                    reasons
                        .entry(*id)
                        .or_insert_with(|| t!("digest.reason_new").into_owned());
                }
                picked
            } else {
                // The digest is chosen once a break: what was read stays, nothing is added.
                shown.to_vec()
            }
        }
    };
    Ok(LoadedList {
        ids: Some(ids),
        reasons,
        explored,
        ranked,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_read_since_entering_keeps_its_reason_when_the_ranking_drops_it() {
        let mut l = ItemList::default();
        let reasons = |pairs: &[(ItemId, &str)]| {
            pairs
                .iter()
                .map(|(id, r)| (*id, (*r).to_string()))
                .collect::<HashMap<_, _>>()
        };
        l.show_loaded(LoadedList {
            ids: Some(vec![1, 2, 3]),
            reasons: reasons(&[(1, "feed A"), (2, "feed B"), (3, "feed C")]),
            ranked: true,
            explored: Vec::new(),
        });
        // Item 1 was read: the new ranking leaves it out, the list keeps it in place.
        l.show_loaded(LoadedList {
            ids: Some(vec![1, 3, 2]),
            reasons: reasons(&[(3, "words x"), (2, "feed B")]),
            ranked: true,
            explored: Vec::new(),
        });
        assert_eq!(l.reason(1), Some("feed A"));
        assert_eq!(l.reason(3), Some("words x"));
        // Another view starts with no reasons.
        l.reset();
        assert_eq!(l.reason(1), None);
    }

    /// What the list test harness holds between frames.
    struct Shown {
        list: ItemList,
        action: Option<ListAction>,
        /// The row requests the draws made, in order.
        requests: Vec<RowsRequest>,
    }

    fn list_harness(ids: Vec<ItemId>) -> egui_kittest::Harness<'static, Shown> {
        let mut list = ItemList::default();
        list.set_ids(ids);
        let shown = Shown {
            list,
            action: None,
            requests: Vec::new(),
        };
        egui_kittest::Harness::new_ui_state(
            |ui, s: &mut Shown| {
                if let Some(a) = s.list.ui(ui, 0) {
                    s.action = Some(a);
                }
                s.requests.extend(s.list.take_row_request());
            },
            shown,
        )
    }

    #[test]
    fn drawing_rows_not_read_yet_asks_for_them_and_shows_placeholders() {
        use egui_kittest::kittest::Queryable;
        let mut h = list_harness((1..=1_000).collect());
        h.run();
        let requests = std::mem::take(&mut h.state_mut().requests);
        assert_eq!(requests.len(), 1, "one request, not one per frame");
        let asked = &requests[0].ids;
        assert_eq!(asked.first(), Some(&1));
        let drawn = h.state().list.placeholders();
        assert!(drawn > 0 && asked.len() > drawn, "{drawn} drawn, {asked:?}");
        assert!(h.query_all_by_label("…").count() > 0);

        // The answer comes: the rows show, nothing more is asked for.
        let request = requests[0].clone();
        let rows = request
            .ids
            .iter()
            .map(|&id| super::super::row_cache::tests::row(id))
            .collect();
        h.state_mut().list.accept_rows(&request, Ok(rows));
        h.run();
        assert_eq!(h.state().list.placeholders(), 0);
        assert!(h.query_by_label("Item 1").is_some());
        assert!(h.state().requests.is_empty());
    }

    #[test]
    fn a_click_opens_the_item_pressed_even_when_the_list_changes_before_the_release() {
        use egui_kittest::kittest::Queryable;
        let mut h = list_harness(vec![1, 2, 3]);
        h.run();
        // The person presses on the second row (item 2). Before they let go, a new ranking
        // puts item 3 on top, so item 2 is now drawn third and item 1 is under the pointer.
        let mut rows: Vec<_> = h.query_all_by_role(Role::Button).collect();
        assert_eq!(rows.len(), 3);
        rows.sort_by(|a, b| a.rect().min.y.total_cmp(&b.rect().min.y));
        let pos = rows[1].rect().center();
        let button = |pressed| crate::ui::test_support::primary_button(pos, pressed);
        h.event(egui::Event::PointerMoved(pos));
        h.event(button(true));
        h.step();
        h.state_mut().list.set_ids(vec![3, 1, 2]);
        h.step();
        h.event(button(false));
        h.run();
        assert_eq!(
            h.state().action,
            Some(ListAction::Open(2)),
            "item 2, not item 1"
        );
    }

    #[test]
    fn steps_stay_inside_the_list() {
        let mut l = ItemList::default();
        assert_eq!(l.step(1), None);
        l.set_ids(vec![10, 11, 12]);
        assert_eq!(l.step(1), Some(0));
        assert_eq!(l.step(5), Some(2));
        assert_eq!(l.step(-9), Some(0));
        l.select(2);
        l.set_ids(vec![12, 13]);
        assert_eq!(l.selected(), Some(0), "the selected item stays selected");
    }
}
