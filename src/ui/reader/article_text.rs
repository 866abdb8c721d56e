//! The article's text as the pane draws it: headings, paragraphs, quotes, list items and code,
//! with links that open (or say why not) and images (the picture, a spinner, why it failed, or
//! the alt text until images are asked for).

use super::article::ArticleAction;
use super::html_text::{Block, BlockKind, Inline};
use super::images::{ImageState, Images, MAX_PER_ARTICLE};
use crate::ui::links;
use crate::ui::theme;
use egui::{RichText, TextStyle};
use rust_i18n::t;

/// Draws a block; a link clicked (or copied) in it.
pub(super) fn block_ui(
    ui: &mut egui::Ui,
    block: &Block,
    images: Option<&Images>,
) -> Option<ArticleAction> {
    match block.kind {
        BlockKind::Heading(level) => {
            let style = if level <= 2 {
                TextStyle::Heading
            } else {
                TextStyle::Body
            };
            let text = RichText::new(block.plain_text()).text_style(style).strong();
            ui.add(egui::Label::new(text).wrap());
            None
        }
        BlockKind::Preformatted => {
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.add(
                    egui::Label::new(RichText::new(block.plain_text()).monospace())
                        .wrap_mode(egui::TextWrapMode::Extend),
                );
            });
            None
        }
        BlockKind::Quote => {
            ui.horizontal(|ui| {
                ui.add_space(theme::GAP);
                ui.separator();
                inlines_ui(ui, &block.inlines, true, images)
            })
            .inner
        }
        BlockKind::ListItem { depth } => {
            ui.horizontal_wrapped(|ui| {
                ui.add_space(theme::GAP * 2.0 * f32::from(depth));
                ui.label(block.marker.as_deref().unwrap_or("•"));
                inlines_row(ui, &block.inlines, false, images)
            })
            .inner
        }
        BlockKind::Paragraph => inlines_ui(ui, &block.inlines, false, images),
    }
}

fn inlines_ui(
    ui: &mut egui::Ui,
    inlines: &[Inline],
    italic: bool,
    images: Option<&Images>,
) -> Option<ArticleAction> {
    ui.horizontal_wrapped(|ui| inlines_row(ui, inlines, italic, images))
        .inner
}

/// Inline runs in a wrapping row: each label continues where the previous one ended.
fn inlines_row(
    ui: &mut egui::Ui,
    inlines: &[Inline],
    italic: bool,
    images: Option<&Images>,
) -> Option<ArticleAction> {
    ui.spacing_mut().item_spacing.x = 0.0;
    let mut action = None;
    for inline in inlines {
        match inline {
            Inline::Text { text, style } => {
                let mut t = RichText::new(text);
                if style.bold {
                    t = t.strong();
                }
                if style.italic || italic {
                    t = t.italics();
                }
                if style.code {
                    t = t.code();
                }
                ui.add(egui::Label::new(t).wrap());
            }
            Inline::Link { text, url } => {
                // Every click goes through the one scheme check (`links::open`): a link that
                // may not open (javascript:, file:, a relative link left unresolved) looks
                // plainer, and clicking it says why nothing opened.
                let response = if links::openable(url).is_ok() {
                    ui.add(egui::Link::new(text.as_str())).on_hover_text(url)
                } else {
                    ui.add(
                        egui::Label::new(RichText::new(text).underline())
                            .sense(egui::Sense::click()),
                    )
                    .on_hover_text(t!("article.link_not_opened", url = url))
                };
                if response.clicked() {
                    action = Some(ArticleAction::OpenLink(url.clone()));
                }
                response.context_menu(|ui| {
                    if ui.button(t!("article.copy_link")).clicked() {
                        action = Some(ArticleAction::CopyLink(url.clone()));
                        ui.close();
                    }
                });
            }
            Inline::Image { alt, src } => {
                let state = src.as_deref().zip(images).and_then(|(u, i)| i.state(u));
                image_inline(ui, alt, state);
            }
        }
    }
    action
}

/// An image in the text: the picture once loaded (as wide as the column at most), a spinner
/// while it loads, why it failed, or (images not asked for) its alt text.
fn image_inline(ui: &mut egui::Ui, alt: &str, state: Option<&ImageState>) {
    let weak = theme::weak_colour(ui.visuals());
    let note = |ui: &mut egui::Ui, text: String| {
        ui.add(egui::Label::new(RichText::new(text).italics().color(weak)).wrap());
    };
    match state {
        Some(ImageState::Ready(texture)) => {
            let image = egui::Image::new(texture)
                .max_width(ui.available_width().max(64.0))
                .alt_text(alt);
            let response = ui.add(image);
            if !alt.is_empty() {
                response.on_hover_text(alt);
            }
        }
        Some(ImageState::Loading) => {
            crate::ui::quiet_spinner::show(ui);
            if !alt.is_empty() {
                note(ui, format!(" {alt}"));
            }
        }
        Some(ImageState::Failed(why)) => {
            note(
                ui,
                t!("article.image_failed", alt = alt, why = why).into_owned(),
            );
        }
        None if !alt.is_empty() => note(ui, t!("article.image", alt = alt).into_owned()),
        None => {}
    }
}

/// The addresses of the article's first images (at most [`MAX_PER_ARTICLE`]).
pub(super) fn image_sources(blocks: &[Block]) -> Vec<String> {
    blocks
        .iter()
        .flat_map(|b| &b.inlines)
        .filter_map(|i| match i {
            Inline::Image { src: Some(u), .. } => Some(u.clone()),
            _ => None,
        })
        .take(MAX_PER_ARTICLE)
        .collect()
}
