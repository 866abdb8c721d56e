//! "Send to board" (`b`): a card from the open article, with its title, a link back to it and
//! the selected text as a quote in the notes, in a column the user picks (the first, Backlog,
//! unless they choose another). A found idea waits on the board for the next focus session.

use crate::model::board::{CardDraft, Column};
use crate::model::{ColumnId, ItemId};
use crate::store::reader::Article;
use rust_i18n::t;

/// The dialog's state while it asks which column.
#[derive(Debug, Clone)]
pub struct SendToBoard {
    item: ItemId,
    title: String,
    link: Option<String>,
    quote: Option<String>,
    columns: Vec<(ColumnId, String)>,
    column: Option<ColumnId>,
}

pub enum SendOutcome {
    Open,
    Cancel,
    Send(ColumnId, CardDraft),
}

impl SendToBoard {
    pub fn new(a: &Article, quote: Option<String>, mut columns: Vec<Column>) -> Self {
        columns.sort_by_key(|c| (c.position, c.id));
        let title = if a.title.trim().is_empty() {
            t!("row.untitled").into_owned()
        } else {
            a.title.trim().to_owned()
        };
        Self {
            item: a.id,
            title,
            link: a.url.clone().filter(|u| !u.trim().is_empty()),
            quote,
            column: columns.first().map(|c| c.id),
            columns: columns.into_iter().map(|c| (c.id, c.name)).collect(),
        }
    }

    /// The card: the article's title, the quote (each line marked `> `) and the link in the
    /// notes, and the link and item kept on the card.
    pub fn draft(&self) -> CardDraft {
        let mut notes = String::new();
        if let Some(q) = &self.quote {
            for line in q.trim().lines() {
                notes.push_str("> ");
                notes.push_str(line.trim_end());
                notes.push('\n');
            }
        }
        if let Some(link) = &self.link {
            if !notes.is_empty() {
                notes.push('\n');
            }
            notes.push_str(link);
        }
        CardDraft {
            title: self.title.chars().take(500).collect(),
            notes,
            link: self.link.clone(),
            item_id: Some(self.item),
            ..CardDraft::default()
        }
    }

    pub fn show(&mut self, ctx: &egui::Context) -> SendOutcome {
        let mut outcome = SendOutcome::Open;
        let modal = egui::Modal::new(egui::Id::unique("send_to_board")).show(ctx, |ui| {
            ui.set_width(420.0);
            ui.heading(t!("send_to_board.title"));
            ui.label(egui::RichText::new(&self.title).strong());
            if let Some(q) = &self.quote {
                ui.label(
                    egui::RichText::new(format!("“{}”", q.trim()))
                        .italics()
                        .color(crate::ui::theme::weak_colour(ui.visuals())),
                );
            }
            ui.horizontal(|ui| {
                let label = ui.label(t!("send_to_board.column"));
                let current = self
                    .columns
                    .iter()
                    .find(|(id, _)| Some(*id) == self.column)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default();
                egui::ComboBox::from_id_salt("send_to_board_column")
                    .selected_text(current)
                    .show_ui(ui, |ui| {
                        for (id, name) in &self.columns {
                            ui.selectable_value(&mut self.column, Some(*id), name);
                        }
                    })
                    .response
                    .labelled_by(label.id);
            });
            ui.horizontal(|ui| {
                let add = ui.button(t!("send_to_board.add")).clicked()
                    || ui.input(|i| i.key_pressed(egui::Key::Enter));
                if add && let Some(column) = self.column {
                    outcome = SendOutcome::Send(column, self.draft());
                }
                if ui.button(t!("dialog.cancel")).clicked() {
                    outcome = SendOutcome::Cancel;
                }
            });
        });
        if matches!(outcome, SendOutcome::Open) && modal.should_close() {
            outcome = SendOutcome::Cancel;
        }
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_card_quotes_the_selection_and_links_back() {
        let a = Article {
            id: 7,
            title: "Ferry timetable changes".into(),
            url: Some("https://news.example/ferry".into()),
            ..Article::default()
        };
        let columns = vec![
            Column {
                id: 2,
                name: "Today".into(),
                position: 1,
                wip_limit: None,
            },
            Column {
                id: 1,
                name: "Backlog".into(),
                position: 0,
                wip_limit: None,
            },
        ];
        let s = SendToBoard::new(
            &a,
            Some("Evening sailings are cut.\nFrom April.".into()),
            columns,
        );
        assert_eq!(s.column, Some(1), "Backlog, the first column, by default");
        let d = s.draft();
        assert_eq!(d.title, "Ferry timetable changes");
        assert_eq!(
            d.notes,
            "> Evening sailings are cut.\n> From April.\n\nhttps://news.example/ferry"
        );
        assert_eq!(d.link.as_deref(), Some("https://news.example/ferry"));
        assert_eq!(d.item_id, Some(7));
    }
}
