//! For you's header: the diversity dial (five steps from "more of what I like" to "show me more
//! outside it", stored by the worker, which re-ranks at once) and the "Outside your usual"
//! shelf, the items exploration placed in the list, each with why.

use super::ReaderView;
use crate::engine::rank::RankCommand;
use crate::engine::worker::Command;
use crate::model::ItemId;
use crate::rank::dial::STEPS;
use crate::rank::recommender;
use crate::store::reader::ListRow;
use crate::ui::context::ViewContext;
use crate::ui::theme;
use rust_i18n::t;

/// The dial as last read or set, and the shelf's rows for the explored items they were read
/// for (read once per new set of items, not per frame).
#[derive(Default)]
pub(super) struct DialState {
    step: Option<usize>,
    /// Turned: the ranking it asks for takes the list over, even with an item picked.
    pub(super) turned: bool,
    shelf_for: Vec<ItemId>,
    shelf: Vec<ListRow>,
}

impl DialState {
    /// The stored step changed elsewhere (Settings, the CLI): read it again.
    pub(super) fn reread(&mut self) {
        self.step = None;
    }
}

impl ReaderView {
    /// The dial and the shelf, under the list's title while For you is shown.
    pub(super) fn for_you_header(&mut self, ui: &mut egui::Ui, ctx: &ViewContext) {
        let stored = *self
            .dial
            .step
            .get_or_insert_with(|| recommender::dial_step(ctx.store).unwrap_or_default());
        // The two ends named above the steps, which share the row evenly: the list is narrow
        // beside the article, and a wrapped row read as two controls.
        ui.horizontal(|ui| {
            ui.label(egui::RichText::new(t!("dial.familiar")).small().weak());
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.label(egui::RichText::new(t!("dial.outside")).small().weak());
            });
        });
        ui.horizontal(|ui| {
            let gap = ui.spacing().item_spacing.x;
            let width =
                (ui.available_width() - gap * (STEPS.len() - 1) as f32) / STEPS.len() as f32;
            for step in 0..STEPS.len() {
                let name = t!("dial.step", n = step + 1, of = STEPS.len()).into_owned();
                let button = egui::Button::selectable(step == stored, (step + 1).to_string());
                let r = ui
                    .add_sized([width.max(16.0), 18.0], button)
                    .on_hover_text(t!(format!("dial.hover{step}")));
                r.widget_info(|| {
                    egui::WidgetInfo::selected(egui::Role::RadioButton, true, step == stored, &name)
                });
                if r.clicked() && step != stored {
                    self.dial.step = Some(step);
                    self.dial.turned = true;
                    self.rank_requested = true;
                    ctx.send(Command::Rank(RankCommand::SetDial(step)));
                }
            }
        });
        self.shelf_ui(ui, ctx);
    }

    fn shelf_ui(&mut self, ui: &mut egui::Ui, ctx: &ViewContext) {
        let explored = self.list.explored();
        if explored.is_empty() {
            return;
        }
        if self.dial.shelf_for != explored {
            self.dial.shelf_for = explored.to_vec();
            self.dial.shelf = ctx.store.list_rows(explored).unwrap_or_default();
        }
        let mut open = None;
        egui::CollapsingHeader::new(t!("dial.shelf", n = self.dial.shelf.len()))
            .id_salt("for_you_shelf")
            .default_open(true)
            .show(ui, |ui| {
                for row in &self.dial.shelf {
                    let title = ui.add(egui::Button::new(&row.title).frame(false).truncate());
                    if title.clicked() {
                        open = Some(row.id);
                    }
                    // Its reason starts "exploring:", in the accent colour: the mark and the why.
                    let why = self
                        .list
                        .reason(row.id)
                        .map_or_else(|| t!("dial.exploring").into_owned(), str::to_owned);
                    ui.label(
                        egui::RichText::new(why)
                            .small()
                            .color(theme::focus_colour(ui.visuals())),
                    );
                }
            });
        if let Some(i) = open.and_then(|id| self.list.position(id)) {
            self.open(i, ctx);
        }
    }
}
