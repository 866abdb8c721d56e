//! The head of the reader's list: the search box and the article layout, then the list's title
//! and length with its controls (unread only, mark all read).

use super::{ListKind, ReaderView, SearchBoxChange};
use crate::ui::commands::UiCommand;
use crate::ui::context::ViewContext;
use crate::ui::theme;
use rust_i18n::t;

impl ReaderView {
    /// The search box, then the list's title and length and its controls, above the list.
    pub(super) fn list_header(&mut self, ui: &mut egui::Ui, ctx: &ViewContext, now_ms: i64) {
        ui.horizontal(|ui| {
            if self.search.ui(ui, now_ms) == SearchBoxChange::Cleared
                && self.kind == ListKind::Search
            {
                let back = self.before_search;
                self.set_kind(back, ctx);
            }
            // The layout is the reader's, not the list's: it sits by the search box, which
            // leaves the list's row room for a long feed title.
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let (layout, hover) = if self.settings.article_below {
                    (
                        t!("reader.article_below"),
                        UiCommand::ToggleArticleLayout.label(),
                    )
                } else if self.too_narrow_beside {
                    (
                        t!("reader.article_below"),
                        t!("reader.too_narrow").into_owned(),
                    )
                } else {
                    (
                        t!("reader.article_beside"),
                        UiCommand::ToggleArticleLayout.label(),
                    )
                };
                if ui.small_button(layout).on_hover_text(hover).clicked() {
                    self.toggle_layout(ctx);
                }
            });
        });
        if matches!(self.kind, ListKind::Digest(_)) {
            self.digest_header(ui);
        }
        // Controls first, from the right, so a long feed title is cut short (with an ellipsis
        // and the whole title on hover) instead of running under them.
        ui.horizontal(|ui| {
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui
                    .small_button(t!("reader.mark_all_read"))
                    .on_hover_text(UiCommand::MarkAllRead.label())
                    .clicked()
                {
                    self.mark_all_read(ctx);
                }
                if matches!(self.kind, ListKind::Feed(_) | ListKind::Folder(_))
                    && ui
                        .checkbox(&mut self.unread_only, t!("reader.unread_only"))
                        .changed()
                {
                    self.stale.list = true;
                }
                let title = list_title(ui, &self.sidebar.title_of(self.kind), self.list.len());
                ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                    ui.add(egui::Label::new(title).truncate());
                });
            });
        });
    }

    /// "Break · 04:12 left · 3 picked for you", above the digest.
    fn digest_header(&self, ui: &mut egui::Ui) {
        let left = self
            .break_left
            .map(|s| t!("digest.left", left = crate::ui::timer::format_clock(s)).into_owned())
            .unwrap_or_else(|| t!("digest.over").into_owned());
        let picked = match self.list.len() {
            0 => t!("digest.none_picked"),
            1 => t!("digest.one_picked"),
            n => t!("digest.n_picked", n = n),
        };
        ui.label(
            egui::RichText::new(format!("{left} · {picked}"))
                .color(theme::break_colour(ui.visuals()))
                .strong(),
        );
    }

    pub(super) fn empty_list_text(&self) -> String {
        match self.kind {
            ListKind::ForYou | ListKind::Unread => t!("reader.empty_unread"),
            ListKind::Starred => t!("reader.empty_starred"),
            ListKind::Search => t!("reader.empty_search"),
            ListKind::Digest(_) => t!("digest.nothing_new"),
            _ => t!("reader.empty"),
        }
        .into_owned()
    }
}

/// "Night Sky Bulletin  7": the list's title in bold and its length in the weak colour, as one
/// text so that both are cut short together.
fn list_title(ui: &egui::Ui, title: &str, len: usize) -> egui::text::LayoutJob {
    let style = ui.style();
    let mut job = egui::text::LayoutJob::default();
    egui::RichText::new(title).strong().append_to(
        &mut job,
        style,
        egui::FontSelection::Default,
        egui::Align::Center,
    );
    egui::RichText::new(format!("  {len}"))
        .color(theme::weak_colour(ui.visuals()))
        .append_to(
            &mut job,
            style,
            egui::FontSelection::Default,
            egui::Align::Center,
        );
    job
}
