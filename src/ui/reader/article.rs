//! The article pane: title, feed, author and date, the content as readable text (links clickable,
//! images as their alt text), and buttons to star, toggle read, open the original in the browser
//! or copy its link, and tell For you to like or mute the item's feed or author.

use super::article_text::{block_ui, image_sources};
use super::html_text::{Block, html_blocks, text_blocks};
use super::images::Images;
use crate::model::ItemId;
use crate::rank::rules::{RuleAction, RuleKind};
use crate::store::reader::Article;
use crate::ui::commands::UiCommand;
use crate::ui::links;
use crate::ui::theme;
use egui::RichText;
use rust_i18n::t;

/// What the user asked for from the article pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArticleAction {
    OpenOriginal,
    /// A link in the article was clicked (opened only if its scheme is allowed).
    OpenLink(String),
    /// "Copy link" on the original or on a link in the article.
    CopyLink(String),
    ToggleStar,
    ToggleRead,
    /// "Fetch full article": the item's page, read for its article.
    FetchFullText,
    /// "Load images" on this article.
    LoadImages,
    /// "Send to board": a card from this article.
    SendToBoard,
    /// A For you rule about this item's feed or author.
    Rule(RuleAction, RuleKind),
}

#[derive(Debug, Default)]
pub struct ArticlePane {
    article: Option<Article>,
    /// The item being opened: the background reader is reading it.
    loading: Option<ItemId>,
    /// Parsed once when the article is shown, not every frame.
    blocks: Vec<Block>,
    scroll_to_top: bool,
    /// Why For you ranked the shown item (its reasons), when it was opened from For you.
    why: Option<String>,
    /// The item whose full article was asked for and has not come back yet.
    fetching: Option<ItemId>,
    /// The item whose images the user asked for ("Load images").
    images_for: Option<ItemId>,
    /// The image loader, started the first time images are asked for.
    images: Option<Images>,
}

impl ArticlePane {
    pub fn set_why(&mut self, why: Option<&str>) {
        if self.why.as_deref() != why {
            self.why = why.map(str::to_owned);
        }
    }

    pub fn show(&mut self, article: Option<Article>) {
        self.blocks = article.as_ref().map(content_blocks).unwrap_or_default();
        if self.fetching != article.as_ref().map(|a| a.id) {
            self.fetching = None;
        }
        self.article = article;
        self.loading = None;
        self.scroll_to_top = true;
    }

    /// The open article read again (its full text came): same item, so the reader keeps their
    /// place; the content is replaced only if it changed.
    pub fn refresh(&mut self, article: Article) {
        if self.item_id() != Some(article.id) {
            return;
        }
        let came = article.full_text.is_some() || article.full_text_error.is_some();
        let changed = self.article.as_ref().is_none_or(|old| {
            old.full_html != article.full_html
                || old.full_text != article.full_text
                || old.full_text_error != article.full_text_error
        });
        if came && changed {
            self.fetching = None;
        }
        if changed {
            self.blocks = content_blocks(&article);
        }
        self.article = Some(article);
    }

    /// "Load images": this article's images are fetched and shown.
    pub fn load_images(&mut self) {
        self.images_for = self.item_id();
    }

    /// Whether the open article's images are to be shown: asked for, or always for its feed.
    fn images_wanted(&self) -> bool {
        self.article
            .as_ref()
            .is_some_and(|a| a.images_always || self.images_for == Some(a.id))
    }

    /// Shows "Fetching the full article…" until it (or why not) arrives.
    pub fn set_fetching(&mut self, id: ItemId) {
        self.fetching = Some(id);
    }

    pub fn clear(&mut self) {
        self.show(None);
    }

    /// Shows "Loading…" until [`ArticlePane::show`] brings the article `id`.
    pub fn set_loading(&mut self, id: ItemId) {
        self.show(None);
        self.loading = Some(id);
    }

    /// The item being read for the pane, if any.
    pub fn loading_id(&self) -> Option<ItemId> {
        self.loading
    }

    pub fn article(&self) -> Option<&Article> {
        self.article.as_ref()
    }

    /// Whether `text` (a selection) is part of this article's text, so a selection made
    /// elsewhere (the list, another article) is never quoted from it.
    pub fn shows_text(&self, text: &str) -> bool {
        let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let wanted = words(text);
        let mut all: Vec<String> = self.blocks.iter().map(Block::plain_text).collect();
        if let Some(a) = &self.article {
            all.push(a.title.clone());
        }
        !wanted.is_empty() && words(&all.join(" ")).contains(&wanted)
    }

    pub fn item_id(&self) -> Option<ItemId> {
        self.article.as_ref().map(|a| a.id)
    }

    /// Keeps the shown flags in step with a change the user just made.
    pub fn patch(&mut self, f: impl FnOnce(&mut Article)) {
        if let Some(a) = &mut self.article {
            f(a);
        }
    }

    /// The original's address, as the feed gave it (whether it may be opened is decided when
    /// it is, so a refusal can say why).
    pub fn original_url(&self) -> Option<&str> {
        self.article
            .as_ref()
            .and_then(|a| a.url.as_deref())
            .filter(|u| !u.trim().is_empty())
    }

    /// Draws the pane; `data_dir` holds the image cache.
    pub fn ui(&mut self, ui: &mut egui::Ui, data_dir: &std::path::Path) -> Option<ArticleAction> {
        if self.images_wanted() {
            let images = self.images.get_or_insert_with(|| {
                Images::new(data_dir.join(super::images::CACHE_DIR), ui.ctx().clone())
            });
            for src in image_sources(&self.blocks) {
                images.request(&src);
            }
            images.poll(ui.ctx());
        }
        let images = self.images.as_ref().filter(|_| self.images_wanted());
        let has_images = !image_sources(&self.blocks).is_empty();
        let Some(a) = &self.article else {
            ui.centered_and_justified(|ui| {
                if self.loading.is_some() {
                    ui.weak(t!("article.loading"));
                } else {
                    ui.weak(t!("article.select"));
                }
            });
            return None;
        };
        let mut action = None;
        let mut area = egui::ScrollArea::vertical()
            .id_salt("reader_article")
            .auto_shrink(false);
        if std::mem::take(&mut self.scroll_to_top) {
            area = area.vertical_scroll_offset(0.0);
        }
        let can_open = a.url.as_deref().is_some_and(|u| links::openable(u).is_ok());
        area.show(ui, |ui| {
            ui.set_max_width(theme::ARTICLE_MAX_WIDTH.min(ui.available_width()));
            let untitled = t!("row.untitled");
            let title = if a.title.trim().is_empty() {
                untitled.as_ref()
            } else {
                a.title.as_str()
            };
            ui.add(egui::Label::new(RichText::new(title).heading().strong()).wrap());
            let mut meta = vec![a.feed_title.clone()];
            if let Some(author) = a.author.as_deref().filter(|s| !s.trim().is_empty()) {
                meta.push(author.to_string());
            }
            if let Some(d) = a
                .published_at
                .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
            {
                // The reader's own clock time, as a mail client shows it (UTC before).
                let local = d.with_timezone(&chrono::Local);
                meta.push(crate::ui::time_text::moment(&local, "date.long"));
            }
            ui.label(RichText::new(meta.join(" · ")).color(theme::weak_colour(ui.visuals())));
            if let Some(why) = &self.why {
                ui.add(
                    egui::Label::new(
                        RichText::new(t!("article.because", why = why))
                            .italics()
                            .color(theme::weak_colour(ui.visuals())),
                    )
                    .wrap(),
                );
            }
            // An explicit scope, so the buttons keep their ids (and the menu its open state,
            // which egui keeps by id) when the "because" line above appears after the article:
            // auto ids count the widgets before them, and a named child (`push_id`) still does.
            let scope = egui::UiBuilder::new().scope_id(ui.scope_id().with("article_actions"));
            action = ui
                .scope_builder(scope, |ui| {
                    ui.horizontal_wrapped(|ui| {
                        action_row(ui, a, can_open, has_images && images.is_none())
                    })
                    .inner
                })
                .inner;
            ui.separator();
            full_text_note(ui, a, self.fetching == Some(a.id));
            if self.blocks.is_empty() {
                ui.weak(t!("article.no_text"));
            }
            for block in &self.blocks {
                if let Some(a) = block_ui(ui, block, images) {
                    action = Some(a);
                }
                ui.add_space(theme::GAP * 0.75);
            }
        });
        action
    }
}

/// The full article when one was fetched, else the feed's own content.
fn content_blocks(a: &Article) -> Vec<Block> {
    if let Some(html) = a.full_html.as_deref().filter(|h| !h.trim().is_empty()) {
        return html_blocks(html);
    }
    match a.content_html.as_deref().filter(|h| !h.trim().is_empty()) {
        Some(html) => html_blocks(html),
        None => text_blocks(&a.content_text),
    }
}

/// Where the text below comes from: the page (fetched on request), or why it could not be had,
/// or that it is on its way.
fn full_text_note(ui: &mut egui::Ui, a: &Article, fetching: bool) {
    let weak = theme::weak_colour(ui.visuals());
    if fetching {
        ui.horizontal(|ui| {
            crate::ui::quiet_spinner::show(ui);
            ui.label(RichText::new(t!("article.fetching")).color(weak));
        });
    } else if a.full_html.is_some() {
        ui.label(RichText::new(t!("article.fetched")).color(weak));
    } else if let Some(why) = &a.full_text_error {
        ui.add(
            egui::Label::new(
                RichText::new(t!("article.fetch_failed", why = why))
                    .color(theme::warning_colour(ui.visuals())),
            )
            .wrap(),
        );
    }
}

/// Star, read, open original, and the like-or-mute menu; what was clicked.
fn action_row(
    ui: &mut egui::Ui,
    a: &Article,
    can_open: bool,
    offer_images: bool,
) -> Option<ArticleAction> {
    let mut action = None;
    if offer_images
        && ui
            .button(t!("article.load_images"))
            .on_hover_text(t!(
                "article.load_images_hover",
                key = UiCommand::LoadImages.shortcuts_text()
            ))
            .clicked()
    {
        action = Some(ArticleAction::LoadImages);
    }
    let star = if a.starred_at.is_some() {
        t!("list_menu.unstar")
    } else {
        t!("list_menu.star")
    };
    if ui
        .button(star)
        .on_hover_text(UiCommand::ToggleStar.label())
        .clicked()
    {
        action = Some(ArticleAction::ToggleStar);
    }
    let read = if a.read_at.is_some() {
        t!("list_menu.mark_unread")
    } else {
        t!("list_menu.mark_read")
    };
    if ui
        .button(read)
        .on_hover_text(UiCommand::ToggleRead.label())
        .clicked()
    {
        action = Some(ArticleAction::ToggleRead);
    }
    let open = ui.add_enabled(can_open, egui::Button::new(t!("article.open_original")));
    let open = match a.url.as_deref() {
        Some(u) if can_open => open.on_hover_text(u),
        Some(u) => open.on_disabled_hover_text(t!("article.not_openable", url = u)),
        None => open.on_disabled_hover_text(t!("article.no_link")),
    };
    if open.clicked() {
        action = Some(ArticleAction::OpenOriginal);
    }
    if let Some(u) = a.url.as_deref().filter(|u| !u.trim().is_empty())
        && ui
            .button(t!("article.copy_link"))
            .on_hover_text(u)
            .clicked()
    {
        action = Some(ArticleAction::CopyLink(u.to_string()));
    }
    let label = if a.full_html.is_some() {
        t!("article.fetch_again")
    } else {
        t!("article.fetch")
    };
    let fetch = ui.add_enabled(can_open, egui::Button::new(label));
    if fetch
        .on_hover_text(format!("{} (f)", UiCommand::FetchFullText.label()))
        .on_disabled_hover_text(t!("article.no_page"))
        .clicked()
    {
        action = Some(ArticleAction::FetchFullText);
    }
    if ui
        .button(t!("article.send_to_board"))
        .on_hover_text(t!(
            "article.send_to_board_hover",
            key = UiCommand::SendToBoard.shortcuts_text()
        ))
        .clicked()
    {
        action = Some(ArticleAction::SendToBoard);
    }
    ui.menu_button(t!("article.like_or_mute"), |ui| {
        let author = a.author.as_deref().filter(|x| !x.trim().is_empty());
        let mut pick = |ui: &mut egui::Ui, label: String, rule: (RuleAction, RuleKind)| {
            if ui.button(label).clicked() {
                action = Some(ArticleAction::Rule(rule.0, rule.1));
                ui.close();
            }
        };
        pick(
            ui,
            t!("article.more_from", feed = a.feed_title).into_owned(),
            (RuleAction::Like, RuleKind::Feed),
        );
        pick(
            ui,
            t!("article.mute_feed", feed = a.feed_title).into_owned(),
            (RuleAction::Mute, RuleKind::Feed),
        );
        if let Some(who) = author {
            pick(
                ui,
                t!("article.more_by", author = who).into_owned(),
                (RuleAction::Like, RuleKind::Author),
            );
            pick(
                ui,
                t!("article.mute_author", author = who).into_owned(),
                (RuleAction::Mute, RuleKind::Author),
            );
        }
    });
    action
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;

    fn article() -> Article {
        Article {
            id: 7,
            feed_id: 1,
            feed_title: "Night Sky Bulletin".into(),
            title: "Jupiter at its best this winter".into(),
            url: Some("https://example.org/jupiter".into()),
            author: None,
            published_at: None,
            content_html: None,
            content_text: "Look east after dusk.".into(),
            read_at: None,
            starred_at: None,
            full_html: None,
            full_text: None,
            full_text_error: None,
            images_always: false,
        }
    }

    #[test]
    fn the_like_or_mute_menu_stays_open_when_the_reason_line_arrives() {
        let mut pane = ArticlePane::default();
        pane.show(Some(article()));
        let mut h = Harness::new_ui_state(
            |ui, pane: &mut ArticlePane| {
                pane.ui(ui, std::path::Path::new("."));
            },
            pane,
        );
        h.run();
        h.get_by_label("Like or mute").click();
        h.run();
        assert!(h.query_by_label("Mute Night Sky Bulletin").is_some());
        // For you's reasons for the item arrive with a later read of the list.
        h.state_mut()
            .set_why(Some("feed Night Sky Bulletin you open often"));
        h.run();
        assert!(h.query_by_label_contains("In For you because").is_some());
        assert!(
            h.query_by_label("Mute Night Sky Bulletin").is_some(),
            "the menu closed when the line above it appeared"
        );
    }
}
