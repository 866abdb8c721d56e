//! The Kanban board: columns side by side with their WIP counts, cards you can select, drag
//! (between and within columns), edit, archive, restore and start a pomodoro on. Keyboard
//! commands come from `UiCommand`; every change goes to the worker as a `FocusCommand`.

use super::board_card::{CardFocus, card_source, card_ui};
use super::card_editor::{CardEditor, EditorOutcome};
use super::column_editor::{ColumnEditor, ColumnOutcome};
use super::commands::UiCommand;
use super::context::{AppAction, ViewContext};
use super::theme;
use crate::engine::focus::FocusCommand;
use crate::engine::worker::{Command, Event};
use crate::model::board::{Board, Card, ColumnCards};
use crate::model::{CardId, ColumnId, Topic};
use chrono::NaiveDate;
use rust_i18n::t;

#[derive(Default)]
pub struct BoardView {
    board: Board,
    archived: Vec<Card>,
    selected: Option<CardId>,
    editor: Option<CardEditor>,
    column_editor: Option<ColumnEditor>,
    show_archived: bool,
    load_error: Option<String>,
    /// A card was just added: the next read of the board selects the first card with an id
    /// above this one (ids only grow), so N, a title and Enter leave it ready to move or start.
    select_added_after: Option<CardId>,
}

/// What the user did while the board was drawn; applied once the drawing borrow ends.
pub(super) enum BoardAction {
    Select(CardId),
    Edit(CardId),
    Start(CardId),
    /// The card's link: its article in the Reader, or the browser.
    OpenLink(CardId),
    Archive(CardId),
    Restore(CardId),
    /// Dropped at `index` counted with the card still in its old place.
    Drop {
        id: CardId,
        column: ColumnId,
        index: usize,
    },
    EditColumn(ColumnId),
    MoveColumn {
        id: ColumnId,
        index: usize,
    },
    DeleteColumn(ColumnId),
    NewCardIn(ColumnId),
}

fn send(ctx: &ViewContext, cmd: FocusCommand) {
    ctx.send(Command::Focus(cmd));
}

/// A button text from the command table: "New card (N)".
fn with_shortcut(cmd: UiCommand) -> String {
    match cmd.shortcuts().first() {
        Some(s) => format!("{} ({})", cmd.label(), s.describe()),
        None => cmd.label(),
    }
}

impl BoardView {
    fn reload(&mut self, ctx: &ViewContext) {
        let loaded = ctx
            .store
            .board()
            .and_then(|b| Ok((b, ctx.store.archived_cards()?)));
        match loaded {
            Ok((board, archived)) => {
                self.board = board;
                self.archived = archived;
                self.load_error = None;
                if let Some(before) = self.select_added_after
                    && let Some(added) = self.newest_card().filter(|&id| id > before)
                {
                    self.selected = Some(added);
                    self.select_added_after = None;
                }
                if self
                    .selected
                    .is_some_and(|id| self.board.find(id).is_none())
                {
                    self.selected = None;
                }
            }
            Err(e) => self.load_error = Some(t!("board.read_error", error = e).into_owned()),
        }
    }

    /// The highest card id on the board or in the archive.
    fn newest_card(&self) -> Option<CardId> {
        let on_board = self.board.columns.iter().flat_map(|c| &c.cards);
        on_board.chain(&self.archived).map(|c| c.id).max()
    }

    /// The card currently selected, if it is still on the board.
    pub fn selected(&self) -> Option<CardId> {
        self.selected
    }

    /// Selects a card by id, as kept from the last run.
    pub fn select(&mut self, card: Option<CardId>) {
        self.selected = card;
    }

    /// The selected card's id and title.
    pub fn selected_card(&self) -> Option<(CardId, &str)> {
        let card = self.board.card(self.selected?)?;
        Some((card.id, card.title.as_str()))
    }

    /// `focus`: the card the timer's focus session is on, if one is running or paused.
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &ViewContext, focus: Option<(CardId, CardFocus)>) {
        let today = ctx.now.with_timezone(&chrono::Local).date_naive();
        let mut actions = Vec::new();
        ui.horizontal(|ui| {
            if ui
                .button(with_shortcut(UiCommand::NewCard))
                .on_hover_text(UiCommand::NewCard.label())
                .clicked()
            {
                let column = self.selected_column();
                self.editor = Some(CardEditor::new_card(column));
            }
            if ui.button(t!("board.add_column")).clicked() {
                self.column_editor = Some(ColumnEditor::new_column());
            }
            ui.checkbox(&mut self.show_archived, t!("board.show_archived"));
            if let Some(e) = &self.load_error {
                ui.colored_label(theme::error_colour(ui.visuals()), e);
            }
        });
        ui.separator();
        let ncols = self.board.columns.len();
        egui::ScrollArea::both()
            .id_salt("board_scroll")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                ui.horizontal_top(|ui| {
                    for (ci, col) in self.board.columns.iter().enumerate() {
                        let cards = CardsShown {
                            selected: self.selected,
                            focus,
                            today,
                        };
                        column_ui(ui, ci, ncols, col, &cards, &mut actions);
                    }
                    if self.show_archived {
                        archived_ui(ui, &self.archived, &mut actions);
                    }
                });
            });
        for a in actions {
            self.apply(a, ctx);
        }
        self.dialogs(ui, ctx);
    }

    fn dialogs(&mut self, ui: &egui::Ui, ctx: &ViewContext) {
        // Read before the editor's borrow, and only while it is open: it walks every card.
        let newest = self
            .editor
            .is_some()
            .then(|| self.newest_card().unwrap_or(0));
        if let Some(editor) = &mut self.editor {
            match editor.show(ui.ctx()) {
                EditorOutcome::Open => {}
                EditorOutcome::Cancel => self.editor = None,
                EditorOutcome::Save(draft) => {
                    let cmd = match editor.id {
                        Some(id) => FocusCommand::UpdateCard { id, draft },
                        None => {
                            self.select_added_after = newest;
                            FocusCommand::AddCard {
                                column: editor.column,
                                draft,
                            }
                        }
                    };
                    send(ctx, cmd);
                    self.editor = None;
                }
            }
        }
        if let Some(editor) = &mut self.column_editor {
            match editor.show(ui.ctx()) {
                ColumnOutcome::Open => {}
                ColumnOutcome::Cancel => self.column_editor = None,
                ColumnOutcome::Save { name, wip } => {
                    match editor.id {
                        Some(id) => {
                            send(ctx, FocusCommand::RenameColumn { id, name });
                            send(ctx, FocusCommand::SetWipLimit { id, limit: wip });
                        }
                        // The limit of a new column is set from its header afterwards.
                        None => send(ctx, FocusCommand::AddColumn(name)),
                    }
                    self.column_editor = None;
                }
            }
        }
    }

    fn selected_column(&self) -> Option<ColumnId> {
        self.selected
            .and_then(|id| self.board.card(id))
            .map(|c| c.column_id)
    }

    fn apply(&mut self, action: BoardAction, ctx: &ViewContext) {
        match action {
            BoardAction::Select(id) => self.selected = Some(id),
            BoardAction::Edit(id) => {
                self.selected = Some(id);
                if let Some(card) = self.board.card(id) {
                    self.editor = Some(CardEditor::edit(card));
                }
            }
            BoardAction::Start(id) => {
                self.selected = Some(id);
                let title = self
                    .board
                    .card(id)
                    .map(|c| c.title.clone())
                    .unwrap_or_default();
                ctx.act(AppAction::StartFocus { card: id, title });
            }
            BoardAction::OpenLink(id) => {
                if let Some(card) = self.board.card(id) {
                    ctx.act(AppAction::OpenCardLink {
                        item: card.item_id,
                        link: card.link.clone(),
                    });
                }
            }
            BoardAction::Archive(id) => self.archive(id, ctx),
            BoardAction::Restore(id) => send(ctx, FocusCommand::RestoreCard(id)),
            BoardAction::Drop { id, column, index } => {
                self.selected = Some(id);
                let Some((ci, row)) = self.board.find(id) else {
                    return;
                };
                let same = self
                    .board
                    .columns
                    .get(ci)
                    .is_some_and(|c| c.column.id == column);
                // The drop index counts the dragged card where it was; the store counts without it.
                let index = if same && row < index {
                    index - 1
                } else {
                    index
                };
                if !(same && row == index) {
                    send(ctx, FocusCommand::MoveCard { id, column, index });
                }
            }
            BoardAction::EditColumn(id) => {
                if let Some(c) = self.board.columns.iter().find(|c| c.column.id == id) {
                    self.column_editor =
                        Some(ColumnEditor::edit(id, &c.column.name, c.column.wip_limit));
                }
            }
            BoardAction::MoveColumn { id, index } => {
                send(ctx, FocusCommand::MoveColumn { id, index });
            }
            BoardAction::DeleteColumn(id) => send(ctx, FocusCommand::DeleteColumn(id)),
            BoardAction::NewCardIn(column) => {
                self.editor = Some(CardEditor::new_card(Some(column)));
            }
        }
    }

    /// Archives and moves the selection to a neighbour, so Delete can be pressed again.
    fn archive(&mut self, id: CardId, ctx: &ViewContext) {
        if let Some((ci, row)) = self.board.find(id)
            && let Some(col) = self.board.columns.get(ci)
        {
            self.selected = col
                .cards
                .get(row + 1)
                .or_else(|| row.checked_sub(1).and_then(|r| col.cards.get(r)))
                .map(|c| c.id);
        }
        send(ctx, FocusCommand::ArchiveCard(id));
    }

    /// Selection by keyboard: up/down in the column, left/right to the nearest non-empty column.
    fn select_step(&mut self, dc: isize, dr: isize) {
        let cols = &self.board.columns;
        let Some((ci, row)) = self.selected.and_then(|id| self.board.find(id)) else {
            self.selected = cols.iter().find_map(|c| c.cards.first()).map(|c| c.id);
            return;
        };
        if dc == 0 {
            let col = &cols[ci];
            let r = row
                .saturating_add_signed(dr)
                .min(col.cards.len().saturating_sub(1));
            self.selected = col.cards.get(r).map(|c| c.id);
            return;
        }
        let mut c = ci as isize + dc;
        while c >= 0 && (c as usize) < cols.len() {
            let col = &cols[c as usize];
            if !col.cards.is_empty() {
                self.selected = col.cards.get(row.min(col.cards.len() - 1)).map(|k| k.id);
                return;
            }
            c += dc;
        }
    }

    /// Moves the selected card by keyboard: to the neighbouring column (same row) or up/down.
    fn move_step(&mut self, dc: isize, dr: isize, ctx: &ViewContext) {
        let Some(id) = self.selected else { return };
        let Some((ci, row)) = self.board.find(id) else {
            return;
        };
        let target = ci as isize + dc;
        if target < 0 || target as usize >= self.board.columns.len() {
            return;
        }
        let col = &self.board.columns[target as usize];
        let index = if dc == 0 {
            match row.checked_add_signed(dr) {
                Some(r) if r < col.cards.len() => r,
                _ => return,
            }
        } else {
            row.min(col.cards.len())
        };
        send(
            ctx,
            FocusCommand::MoveCard {
                id,
                column: col.column.id,
                index,
            },
        );
    }

    /// A keyboard command for this view (see `commands.rs`).
    pub fn command(&mut self, cmd: UiCommand, ctx: &ViewContext) {
        if self.editor.is_some() || self.column_editor.is_some() {
            return;
        }
        match cmd {
            UiCommand::NewCard => {
                self.editor = Some(CardEditor::new_card(self.selected_column()));
            }
            UiCommand::SelectLeft => self.select_step(-1, 0),
            UiCommand::SelectRight => self.select_step(1, 0),
            UiCommand::SelectUp => self.select_step(0, -1),
            UiCommand::SelectDown => self.select_step(0, 1),
            UiCommand::MoveCardLeft => self.move_step(-1, 0, ctx),
            UiCommand::MoveCardRight => self.move_step(1, 0, ctx),
            UiCommand::MoveCardUp => self.move_step(0, -1, ctx),
            UiCommand::MoveCardDown => self.move_step(0, 1, ctx),
            UiCommand::StartPomodoroOnCard => {
                if let Some(id) = self.selected {
                    self.apply(BoardAction::Start(id), ctx);
                }
            }
            UiCommand::EditCard => {
                if let Some(id) = self.selected {
                    self.apply(BoardAction::Edit(id), ctx);
                }
            }
            UiCommand::ArchiveCard => {
                if let Some(id) = self.selected {
                    self.archive(id, ctx);
                }
            }
            _ => {}
        }
    }

    /// An event from the worker (reload on `Changed`).
    pub fn on_event(&mut self, event: &Event, ctx: &ViewContext) {
        if let Event::Changed(Topic::Board | Topic::TimeLog) = event {
            self.reload(ctx);
        }
    }
}

/// What every card's drawing needs to know beyond the card itself.
struct CardsShown {
    selected: Option<CardId>,
    focus: Option<(CardId, CardFocus)>,
    today: NaiveDate,
}

fn column_ui(
    ui: &mut egui::Ui,
    ci: usize,
    ncols: usize,
    col: &ColumnCards,
    shown: &CardsShown,
    actions: &mut Vec<BoardAction>,
) {
    let column = col.column.id;
    ui.allocate_ui_with_layout(
        egui::vec2(theme::COLUMN_WIDTH, 0.0),
        egui::Layout::top_down(egui::Align::Min),
        |ui| {
            ui.set_width(theme::COLUMN_WIDTH);
            ui.horizontal(|ui| {
                ui.strong(&col.column.name);
                let count = col.count_text();
                if col.over_wip() {
                    ui.colored_label(theme::warning_colour(ui.visuals()), count)
                        .on_hover_text(t!("board.over_wip"));
                } else {
                    ui.colored_label(theme::weak_colour(ui.visuals()), count);
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.menu_button("…", |ui| {
                        if ui.button(t!("board.new_card_here")).clicked() {
                            actions.push(BoardAction::NewCardIn(column));
                        }
                        if ui.button(t!("board.edit_column")).clicked() {
                            actions.push(BoardAction::EditColumn(column));
                        }
                        if ci > 0 && ui.button(t!("board.move_column_left")).clicked() {
                            actions.push(BoardAction::MoveColumn {
                                id: column,
                                index: ci - 1,
                            });
                        }
                        if ci + 1 < ncols && ui.button(t!("board.move_column_right")).clicked() {
                            actions.push(BoardAction::MoveColumn {
                                id: column,
                                index: ci + 1,
                            });
                        }
                        if ncols > 1
                            && ui
                                .button(t!("board.delete_column"))
                                .on_hover_text(t!("board.delete_column_hover"))
                                .clicked()
                        {
                            actions.push(BoardAction::DeleteColumn(column));
                        }
                    });
                });
            });
            let frame = egui::Frame::default()
                .inner_margin(theme::CARD_GAP)
                .corner_radius(theme::CARD_GAP);
            let before = actions.len();
            let (_, dropped) = ui.dnd_drop_zone::<CardId, ()>(frame, |ui| {
                ui.set_min_size(egui::vec2(
                    theme::COLUMN_WIDTH - 2.0 * theme::CARD_GAP,
                    theme::COLUMN_MIN_HEIGHT,
                ));
                if ci == 0 && col.cards.is_empty() {
                    // Where new cards land: a first-time user sees how to start.
                    ui.weak(t!("board.no_cards"));
                }
                for (row, card) in col.cards.iter().enumerate() {
                    let id = egui::Id::unique(("card", card.id));
                    let focus = shown.focus.filter(|(id, _)| *id == card.id).map(|(_, f)| f);
                    let selected = shown.selected == Some(card.id);
                    let mut inner = Vec::new();
                    let r = card_source(
                        ui,
                        id,
                        card.id,
                        |ui| card_ui(ui, card, selected, focus, shown.today, &mut inner),
                        actions,
                    );
                    actions.extend(inner);
                    if let (Some(pointer), Some(_)) = (
                        ui.input(|i| i.pointer.interact_pos()),
                        r.dnd_hover_payload::<CardId>(),
                    ) {
                        let stroke = egui::Stroke::new(2.0, ui.visuals().selection.stroke.color);
                        let index = if pointer.y < r.rect.center().y {
                            ui.painter()
                                .hline(r.rect.x_range(), r.rect.top() - 2.0, stroke);
                            row
                        } else {
                            ui.painter()
                                .hline(r.rect.x_range(), r.rect.bottom() + 2.0, stroke);
                            row + 1
                        };
                        if let Some(dragged) = r.dnd_release_payload::<CardId>() {
                            actions.push(BoardAction::Drop {
                                id: *dragged,
                                column,
                                index,
                            });
                        }
                    }
                    ui.add_space(theme::CARD_GAP);
                }
            });
            if let Some(dragged) = dropped
                && actions.len() == before
            {
                actions.push(BoardAction::Drop {
                    id: *dragged,
                    column,
                    index: col.cards.len(),
                });
            }
        },
    );
}

fn archived_ui(ui: &mut egui::Ui, archived: &[Card], actions: &mut Vec<BoardAction>) {
    ui.allocate_ui_with_layout(
        egui::vec2(theme::COLUMN_WIDTH, 0.0),
        egui::Layout::top_down(egui::Align::Min),
        |ui| {
            ui.set_width(theme::COLUMN_WIDTH);
            ui.horizontal(|ui| {
                ui.strong(t!("board.archived"));
                ui.colored_label(theme::weak_colour(ui.visuals()), archived.len().to_string());
            });
            if archived.is_empty() {
                ui.colored_label(
                    theme::weak_colour(ui.visuals()),
                    t!("board.nothing_archived"),
                );
            }
            for card in archived {
                ui.horizontal(|ui| {
                    if ui.small_button(t!("board.restore")).clicked() {
                        actions.push(BoardAction::Restore(card.id));
                    }
                    ui.label(&card.title);
                });
            }
        },
    );
}
