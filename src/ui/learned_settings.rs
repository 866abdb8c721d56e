//! "What For you learned", in Settings → For you: the feeds, authors, sites and words that
//! count most for and against an item, each with its weight as a bar and the evidence, read
//! from the stored model (the one that ranks). Each row can become a rule (like or mute) or be
//! forgotten; both go to the worker, which re-ranks and saves the model.

use super::context::ViewContext;
use super::theme;
use crate::engine::rank::RankCommand;
use crate::engine::worker::Command;
use crate::rank::learned::{Forgotten, LearnedKey, LearnedKind, LearnedRow};
use crate::rank::recommender;
use crate::rank::rules::{RuleAction, RuleKind};
use egui::{Color32, Sense, Vec2};
use rust_i18n::t;
use std::collections::BTreeSet;

/// The widest bar, for the strongest weight on the page.
const BAR_WIDTH: f32 = 90.0;

/// The rows as last read (again when the worker says the ranking or the settings changed).
#[derive(Default)]
pub struct LearnedPage {
    rows: Option<Vec<LearnedRow>>,
    /// Rows forgotten here that the store may not list as forgotten yet: the worker takes the
    /// command in turn, and a ranking that began before it can save a model still holding the
    /// row. Kept out of every reread until the stored list names them.
    pending: BTreeSet<LearnedKey>,
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

    /// The user asked to forget everything: a row forgotten before may be learned afresh.
    pub fn forget_all(&mut self) {
        self.pending.clear();
        self.rows = None;
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &ViewContext) {
        ui.add_space(theme::GAP);
        ui.strong(t!("learned.title"));
        ui.weak(t!("learned.note"));
        let pending = &mut self.pending;
        let rows = self.rows.get_or_insert_with(|| {
            let stored = ctx.store.rank_model().ok().flatten();
            let forgotten = recommender::forgotten(ctx.store).unwrap_or_default();
            shown_rows(
                recommender::stored_learned(stored.as_ref()),
                &forgotten,
                pending,
            )
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
                        if row_actions(ui, ctx, row) {
                            gone = Some(row.key());
                        }
                        ui.end_row();
                    }
                });
        }
        // Gone at once; the worker saves the model without it and says so.
        if let Some(key) = gone {
            rows.retain(|r| r.key() != key);
            self.pending.insert(key);
        }
    }
}

/// The stored rows less those forgotten, in the store or only here so far; a pending key the
/// store now lists needs no keeping (a later reset clears the stored list, and with it the row
/// may be learned again).
fn shown_rows(
    stored: Vec<LearnedRow>,
    forgotten: &Forgotten,
    pending: &mut BTreeSet<LearnedKey>,
) -> Vec<LearnedRow> {
    pending.retain(|k| !forgotten.0.contains(k));
    stored
        .into_iter()
        .filter(|r| {
            let key = r.key();
            !forgotten.0.contains(&key) && !pending.contains(&key)
        })
        .collect()
}

/// A row's rule and forget buttons; true when forget was clicked. Their ids go by the row's
/// key, not by place: a reread between two frames can reorder the rows, and a click must act
/// on the row it was aimed at.
fn row_actions(ui: &mut egui::Ui, ctx: &ViewContext, row: &LearnedRow) -> bool {
    let mut forget = false;
    // `push_id` would not do: a child's ids still count its place among its siblings.
    let scope = egui::UiBuilder::new().scope_id(egui::Id::unique(("learned_row", row.key())));
    ui.scope_builder(scope, |ui| {
        ui.horizontal(|ui| {
            if let Some(rule) = rule_kind(row.kind) {
                for (action, text) in [
                    (RuleAction::Like, t!("learned.like")),
                    (RuleAction::Mute, t!("learned.mute")),
                ] {
                    let name = t!("learned.rule_name", action = text, label = row.label);
                    if row_button(ui, &text, name.into_owned()) {
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
                forget = true;
            }
        });
    });
    forget
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

#[cfg(test)]
#[path = "learned_settings_tests.rs"]
mod page_tests;

#[cfg(test)]
mod tests {
    use super::*;

    fn row(kind: LearnedKind, key: &str) -> LearnedRow {
        LearnedRow {
            kind,
            key: key.into(),
            label: key.into(),
            weight: 1.0,
            opened: 3.0,
            shown: 9.0,
        }
    }

    fn keys(rows: &[LearnedRow]) -> Vec<&str> {
        rows.iter().map(|r| r.key.as_str()).collect()
    }

    #[test]
    fn a_row_forgotten_here_stays_gone_when_a_stale_model_is_reread() {
        let stored = vec![row(LearnedKind::Feed, "7"), row(LearnedKind::Word, "comet")];
        let feed = stored[0].key();
        let mut pending = BTreeSet::from([feed.clone()]);

        // A ranking that began before the forget saved the model with the row; the store does
        // not list it as forgotten yet.
        let shown = shown_rows(stored.clone(), &Forgotten::default(), &mut pending);
        assert_eq!(keys(&shown), ["comet"]);
        assert!(pending.contains(&feed));

        // The worker stored the forget: the store's list keeps it out from now on.
        let forgotten = Forgotten(BTreeSet::from([feed.clone()]));
        let shown = shown_rows(stored.clone(), &forgotten, &mut pending);
        assert_eq!(keys(&shown), ["comet"]);
        assert!(pending.is_empty());

        // After a reset the stored list is empty, and the row may be learned again.
        let shown = shown_rows(stored, &Forgotten::default(), &mut pending);
        assert_eq!(keys(&shown), ["7", "comet"]);
    }

    #[test]
    fn a_key_is_matched_by_kind_as_well_as_by_name() {
        let stored = vec![
            row(LearnedKind::Author, "ada"),
            row(LearnedKind::Word, "ada"),
        ];
        let mut pending = BTreeSet::new();
        let forgotten = Forgotten(BTreeSet::from([stored[1].key()]));
        let shown = shown_rows(stored, &forgotten, &mut pending);
        assert_eq!(shown.len(), 1);
        assert_eq!(shown[0].kind, LearnedKind::Author);
    }
}
