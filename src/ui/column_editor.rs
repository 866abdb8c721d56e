//! The dialog for adding a column or changing its name and WIP limit.

use crate::model::ColumnId;
use rust_i18n::t;

#[derive(Debug, Clone, Default)]
pub struct ColumnEditor {
    /// `None`: a new column.
    pub id: Option<ColumnId>,
    pub name: String,
    pub wip: String,
    pub error: Option<String>,
    focus_name: bool,
}

pub enum ColumnOutcome {
    Open,
    Cancel,
    Save { name: String, wip: Option<u32> },
}

impl ColumnEditor {
    pub fn new_column() -> Self {
        Self {
            focus_name: true,
            ..Self::default()
        }
    }

    pub fn edit(id: ColumnId, name: &str, wip: Option<u32>) -> Self {
        Self {
            id: Some(id),
            name: name.to_owned(),
            wip: wip.map(|w| w.to_string()).unwrap_or_default(),
            error: None,
            focus_name: true,
        }
    }

    fn parsed(&self) -> Result<(String, Option<u32>), String> {
        let name = crate::model::board::validate_column_name(&self.name)?;
        let w = self.wip.trim();
        let wip = if w.is_empty() {
            None
        } else {
            match w.parse::<u32>() {
                Ok(0) => None,
                Ok(n) => Some(n),
                Err(_) => {
                    let value = format!("{w:?}");
                    return Err(t!("column_editor.wip_error", value = value).into_owned());
                }
            }
        };
        Ok((name, wip))
    }

    pub fn show(&mut self, ctx: &egui::Context) -> ColumnOutcome {
        let mut outcome = ColumnOutcome::Open;
        let heading = if self.id.is_some() {
            t!("column_editor.edit")
        } else {
            t!("column_editor.new")
        };
        let modal = egui::Modal::new(egui::Id::unique("column_editor")).show(ctx, |ui| {
            ui.set_width(320.0);
            ui.heading(heading);
            egui::Grid::new("column_editor_grid")
                .num_columns(2)
                .show(ui, |ui| {
                    ui.label(t!("column_editor.name"));
                    let r = ui.text_edit_singleline(&mut self.name);
                    if std::mem::take(&mut self.focus_name) {
                        r.request_focus();
                    }
                    ui.end_row();
                    ui.label(t!("column_editor.wip"));
                    ui.add(
                        egui::TextEdit::singleline(&mut self.wip)
                            .hint_text(t!("column_editor.wip_hint")),
                    );
                    ui.end_row();
                });
            if let Some(e) = &self.error {
                ui.colored_label(super::theme::error_colour(ui.visuals()), e);
            }
            ui.horizontal(|ui| {
                if ui.button(t!("dialog.save")).clicked() {
                    match self.parsed() {
                        Ok((name, wip)) => outcome = ColumnOutcome::Save { name, wip },
                        Err(e) => self.error = Some(e),
                    }
                }
                if ui.button(t!("dialog.cancel")).clicked() {
                    outcome = ColumnOutcome::Cancel;
                }
            });
        });
        if matches!(outcome, ColumnOutcome::Open) && modal.should_close() {
            outcome = ColumnOutcome::Cancel;
        }
        outcome
    }
}
