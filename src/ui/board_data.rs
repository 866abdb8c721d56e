//! The "Board data" section of Settings: export the board and time log (JSON or CSV) and import
//! a JSON export. The worker does the file I/O and reports back with a notice.

use super::context::ViewContext;
use super::theme;
use crate::engine::focus::FocusCommand;
use crate::engine::worker::Command;
use rust_i18n::t;
use std::path::PathBuf;

#[derive(Clone)]
struct Draft {
    path: String,
    replace: bool,
}

fn default_path() -> String {
    directories::UserDirs::new()
        .map(|u| u.document_dir().unwrap_or(u.home_dir()).to_path_buf())
        .unwrap_or_default()
        .join("focusfeed-board.json")
        .display()
        .to_string()
}

pub fn show(ui: &mut egui::Ui, ctx: &ViewContext) {
    let id = egui::Id::unique("board_data_draft");
    let mut d: Draft = ui.data(|m| m.get_temp(id)).unwrap_or_else(|| Draft {
        path: default_path(),
        replace: false,
    });
    ui.strong(t!("board_data.title"));
    ui.horizontal(|ui| {
        ui.label(t!("board_data.file"));
        ui.add(egui::TextEdit::singleline(&mut d.path).desired_width(420.0));
    });
    let path = PathBuf::from(d.path.trim());
    let has_path = !d.path.trim().is_empty();
    ui.horizontal(|ui| {
        if ui
            .add_enabled(has_path, egui::Button::new(t!("board_data.export_json")))
            .on_hover_text(t!("board_data.export_json_hover"))
            .clicked()
        {
            ctx.send(Command::Focus(FocusCommand::ExportBoard {
                path: path.clone(),
                csv: false,
            }));
        }
        if ui
            .add_enabled(has_path, egui::Button::new(t!("board_data.export_csv")))
            .clicked()
        {
            ctx.send(Command::Focus(FocusCommand::ExportBoard {
                path: path.with_extension("csv"),
                csv: true,
            }));
        }
        if ui
            .add_enabled(has_path, egui::Button::new(t!("board_data.import_json")))
            .clicked()
        {
            ctx.send(Command::Focus(FocusCommand::ImportBoard {
                path: path.clone(),
                replace: d.replace,
            }));
        }
        ui.checkbox(&mut d.replace, t!("board_data.replace"));
    });
    ui.colored_label(
        theme::weak_colour(ui.visuals()),
        t!("board_data.import_note"),
    );
    ui.data_mut(|m| m.insert_temp(id, d));
}
