//! "What For you learned", in Settings → For you: the feeds, authors, sites and words that
//! count most for and against an item, each with its weight as a bar and the evidence, read
//! from the stored model (the one that ranks). Each row can become a rule (like or mute) or be
//! forgotten; both go to the worker, which re-ranks and saves the model.

use super::context::ViewContext;
use super::theme;
use crate::engine::rank::RankCommand;
use crate::engine::worker::Command;
use crate::rank::learned::{LearnedKind, LearnedRow};
use crate::rank::recommender;
use crate::rank::rules::{RuleAction, RuleKind};
use egui::{Color32, Sense, Vec2};
use rust_i18n::t;

/// The widest bar, for the strongest weight on the page.
const BAR_WIDTH: f32 = 90.0;

/// The rows as last read (again when the worker says the ranking or the settings changed).
#[derive(Default)]
pub struct LearnedPage {
    rows: Option<Vec<LearnedRow>>,
}

/// The rule a row becomes: sites have no rule kind (rules match feeds, authors and text).
fn rule_kind(kind: LearnedKind) -> Option<RuleKind> {
    match kind {
        LearnedKind::Feed => Some(RuleKind::Feed),
        LearnedKind::Author => Some(RuleKind::Author),
        LearnedKind::Word => Some(RuleKind::Keyword),
        LearnedKind::Site => None,
    }
}

/// A small button shown as `text` whose accessible name says which row it acts on, so that
/// the many "Like" buttons on the page can be told apart (by a screen reader, and by tests).
fn row_button(ui: &mut egui::Ui, text: &str, name: String) -> bool {
    let r = ui.small_button(text);
    r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &name));
    r.clicked()
}

impl LearnedPage {
    pub fn reread(&mut self) {
        self.rows = None;
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &ViewContext) {
        ui.add_space(theme::GAP);
        ui.strong(t!("learned.title"));
        ui.weak(t!("learned.note"));
        let rows = self.rows.get_or_insert_with(|| {
            let stored = ctx.store.rank_model().ok().flatten();
            recommender::stored_learned(stored.as_ref())
        });
        if rows.is_empty() {
            ui.weak(t!("learned.nothing"));
            return;
        }
        let max = rows.iter().map(|r| r.weight.abs()).fold(0.0f32, f32::max);
        let mut gone = None;
        for kind in LearnedKind::ALL {
            let mine: Vec<&LearnedRow> = rows.iter().filter(|r| r.kind == kind).collect();
            if mine.is_empty() {
                continue;
            }
            ui.label(egui::RichText::new(t!(format!("learned.kind_{}", kind.as_str()))).strong());
            egui::Grid::new(("learned", kind.as_str()))
                .num_columns(4)
                .spacing([theme::GAP, theme::GAP / 3.0])
                .show(ui, |ui| {
                    for row in mine {
                        bar(ui, row.weight, max);
                        ui.label(&row.label);
                        ui.weak(t!(
                            "learned.evidence",
                            opened = format!("{:.0}", row.opened),
                            shown = format!("{:.0}", row.shown)
                        ));
                        ui.horizontal(|ui| {
                            if let Some(rule) = rule_kind(row.kind) {
                                for (action, text) in [
                                    (RuleAction::Like, t!("learned.like")),
                                    (RuleAction::Mute, t!("learned.mute")),
                                ] {
                                    let name =
                                        t!("learned.rule_name", action = text, label = row.label)
                                            .into_owned();
                                    if row_button(ui, &text, name) {
                                        ctx.send(Command::Rank(RankCommand::AddRule {
                                            kind: rule,
                                            action,
                                            pattern: row.label.clone(),
                                        }));
                                    }
                                }
                            }
                            let name = t!("learned.forget_name", label = row.label).into_owned();
                            if row_button(ui, &t!("learned.forget"), name) {
                                ctx.send(Command::Rank(RankCommand::Forget(row.key())));
                                gone = Some(row.key());
                            }
                        });
                        ui.end_row();
                    }
                });
        }
        // Gone at once; the worker saves the model without it and says so.
        if let Some(key) = gone {
            rows.retain(|r| r.key() != key);
        }
    }
}

/// The weight as a bar from a centre line: right and green for, left and red against, its
/// length the weight's share of the strongest on the page; the number on hover.
fn bar(ui: &mut egui::Ui, weight: f32, max: f32) {
    let (rect, r) = ui.allocate_exact_size(Vec2::new(BAR_WIDTH * 2.0, 12.0), Sense::hover());
    let share = if max > 0.0 { weight.abs() / max } else { 0.0 };
    let mid = rect.center().x;
    let len = share * BAR_WIDTH;
    let (from, to, colour) = if weight >= 0.0 {
        (mid, mid + len, Color32::from_rgb(0x3f, 0xa3, 0x5b))
    } else {
        (mid - len, mid, theme::error_colour(ui.visuals()))
    };
    let painter = ui.painter();
    painter.rect_filled(
        egui::Rect::from_x_y_ranges(from..=to, rect.y_range()),
        2.0,
        colour,
    );
    painter.vline(
        mid,
        rect.y_range(),
        egui::Stroke::new(1.0, theme::weak_colour(ui.visuals())),
    );
    r.on_hover_text(format!("{weight:+.2}"));
}
