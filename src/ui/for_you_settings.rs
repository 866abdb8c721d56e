//! The "For you" section of Settings: the user's rules (like or mute a feed, an author, a keyword
//! or a regex), which win over the model; personalization on or off; and forgetting what the
//! recommender learned. Changes go to the worker, which re-ranks For you at once.

use super::context::{AppAction, ViewContext};
use super::theme;
use crate::engine::rank::RankCommand;
use crate::engine::worker::Command;
use crate::model::Topic;
use crate::rank::recommender;
use crate::rank::rules::{self, Rule, RuleAction, RuleKind};
use rust_i18n::t;

const KINDS: [(RuleKind, &str); 4] = [
    (RuleKind::Keyword, "rule_kind.keyword"),
    (RuleKind::Feed, "rule_kind.feed"),
    (RuleKind::Author, "rule_kind.author"),
    (RuleKind::Regex, "rule_kind.regex"),
];

/// The rule being typed, whether "Forget" waits for a second click, and the stored state as
/// last read.
pub struct ForYouSettings {
    action: RuleAction,
    kind: RuleKind,
    pattern: String,
    error: Option<String>,
    confirm_reset: bool,
    /// Read once, then again when the worker says rules or the ranking changed (not per frame).
    stored: Option<Stored>,
    learned: super::learned_settings::LearnedPage,
}

struct Stored {
    personalized: bool,
    rules: Result<Vec<Rule>, String>,
}

impl Stored {
    fn read(ctx: &ViewContext) -> Self {
        Self {
            personalized: recommender::personalization(ctx.store).unwrap_or(true),
            rules: ctx.store.rank_rules().map_err(|e| e.to_string()),
        }
    }
}

impl Default for ForYouSettings {
    fn default() -> Self {
        Self {
            action: RuleAction::Mute,
            kind: RuleKind::Keyword,
            pattern: String::new(),
            error: None,
            confirm_reset: false,
            stored: None,
            learned: super::learned_settings::LearnedPage::default(),
        }
    }
}

impl ForYouSettings {
    /// Rules and the switch live in SQLite; the worker says when they (or the ranking) changed.
    pub fn on_changed(&mut self, topic: Topic) {
        if matches!(topic, Topic::Settings | Topic::Ranking) {
            self.stored = None;
            self.learned.reread();
        }
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &ViewContext) {
        ui.strong(t!("for_you.title"));
        let stored = self.stored.get_or_insert_with(|| Stored::read(ctx));
        let personalized = stored.personalized;
        let mut on = personalized;
        ui.checkbox(&mut on, t!("for_you.learn"));
        if on != personalized {
            // Shown at once; the worker stores it and re-ranks.
            stored.personalized = on;
            ctx.send(Command::Rank(RankCommand::SetPersonalization(on)));
        }
        self.rules_ui(ui, ctx);
        self.learned.ui(ui, ctx);
        ui.add_space(theme::GAP);
        ui.horizontal(|ui| {
            if !self.confirm_reset {
                if ui.button(t!("for_you.forget")).clicked() {
                    self.confirm_reset = true;
                }
            } else {
                ui.label(t!("for_you.forget_confirm"));
                if ui.button(t!("for_you.forget_yes")).clicked() {
                    ctx.send(Command::Rank(RankCommand::Reset));
                    self.learned.forget_all();
                    ctx.act(AppAction::Confirm(t!("for_you.forgot").into_owned()));
                    self.confirm_reset = false;
                }
                if ui.button(t!("dialog.cancel")).clicked() {
                    self.confirm_reset = false;
                }
            }
        });
    }

    fn rules_ui(&mut self, ui: &mut egui::Ui, ctx: &ViewContext) {
        ui.label(t!("for_you.rules_note"));
        let stored = self.stored.get_or_insert_with(|| Stored::read(ctx));
        let mut removed = None;
        match &stored.rules {
            Ok(list) if list.is_empty() => {
                ui.weak(t!("for_you.no_rules"));
            }
            Ok(list) => {
                egui::Grid::new("for_you_rules")
                    .num_columns(2)
                    .spacing([theme::GAP * 2.0, theme::GAP / 2.0])
                    .show(ui, |ui| {
                        for rule in list {
                            ui.label(format!(
                                "{} {} \u{201c}{}\u{201d}",
                                t!(format!("rule_action.{}", rule.action.as_str())),
                                t!(format!("rule_kind.{}", rule.kind.as_str())),
                                rule.pattern
                            ));
                            // Keyed by the rule, not by place: a reread can move the rows.
                            let scope = egui::UiBuilder::new()
                                .scope_id(egui::Id::unique(("for_you_rule", rule.id)));
                            let remove = ui.scope_builder(scope, |ui| {
                                ui.small_button(t!("for_you.remove")).clicked()
                            });
                            if remove.inner {
                                ctx.send(Command::Rank(RankCommand::RemoveRule { id: rule.id }));
                                removed = Some(rule.id);
                            }
                            ui.end_row();
                        }
                    });
            }
            Err(e) => {
                ui.colored_label(
                    theme::warning_colour(ui.visuals()),
                    t!("for_you.rules_error", error = e),
                );
            }
        }
        // Gone from the list at once; the worker confirms with `Changed(Settings)`.
        if let (Some(id), Ok(list)) = (removed, &mut stored.rules) {
            list.retain(|r| r.id != id);
        }
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.action, RuleAction::Mute, t!("rule_action.Mute"));
            ui.selectable_value(&mut self.action, RuleAction::Like, t!("rule_action.Like"));
            egui::ComboBox::from_id_salt("for_you_rule_kind")
                .selected_text(t!(KINDS
                    .iter()
                    .find(|(k, _)| *k == self.kind)
                    .map_or("rule_kind.keyword", |(_, name)| *name)))
                .show_ui(ui, |ui| {
                    for (kind, name) in KINDS {
                        ui.selectable_value(&mut self.kind, kind, t!(name));
                    }
                });
            let label = ui.label(t!("for_you.pattern"));
            let field = ui
                .add(
                    egui::TextEdit::singleline(&mut self.pattern)
                        .hint_text(hint(self.kind))
                        .desired_width(220.0),
                )
                .labelled_by(label.id);
            let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if ui.button(t!("for_you.add_rule")).clicked() || enter {
                self.add(ctx);
            }
        });
        if let Some(e) = &self.error {
            ui.colored_label(theme::warning_colour(ui.visuals()), e);
        }
    }

    /// Checks the pattern here, so a bad regex is an inline error rather than a notice.
    fn add(&mut self, ctx: &ViewContext) {
        let pattern = self.pattern.trim().to_owned();
        match rules::validate(self.kind, &pattern) {
            Ok(()) => {
                ctx.send(Command::Rank(RankCommand::AddRule {
                    kind: self.kind,
                    action: self.action,
                    pattern,
                }));
                self.pattern.clear();
                self.error = None;
            }
            Err(e) => self.error = Some(e.to_string()),
        }
    }
}

fn hint(kind: RuleKind) -> String {
    match kind {
        RuleKind::Keyword => t!("for_you.hint_keyword"),
        RuleKind::Feed => t!("for_you.hint_feed"),
        RuleKind::Author => t!("for_you.hint_author"),
        RuleKind::Regex => t!("for_you.hint_regex"),
    }
    .into_owned()
}
