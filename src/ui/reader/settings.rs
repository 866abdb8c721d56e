//! The reader's settings (auto-mark read on open, article beside or below the list, the guards):
//! stored as `settings` rows, read by the reader view, edited in a section of the Settings view.

use crate::engine::reader::ReaderCommand;
use crate::engine::worker::Command;
use crate::feeds::retention::{Retention, SETTING_MAX_ITEMS};
use crate::rank::digest;
use crate::store::{ReadSetting, ReadStore};
use crate::ui::context::ViewContext;
use rust_i18n::t;

pub const AUTO_MARK_READ_KEY: &str = "reader.auto_mark_read";
pub const ARTICLE_BELOW_KEY: &str = "reader.article_below";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReaderSettings {
    /// Opening an item marks it read.
    pub auto_mark_read: bool,
    /// The article goes below the list instead of to its right.
    pub article_below: bool,
}

impl Default for ReaderSettings {
    fn default() -> Self {
        Self {
            auto_mark_read: true,
            article_below: false,
        }
    }
}

fn flag(store: &impl ReadSetting, key: &str, default: bool) -> bool {
    match store.setting(key) {
        Ok(Some(v)) => v == "true",
        // A missing or unreadable setting falls back to the default; it is not worth an error.
        _ => default,
    }
}

impl ReaderSettings {
    pub fn load(store: &impl ReadSetting) -> Self {
        let d = Self::default();
        Self {
            auto_mark_read: flag(store, AUTO_MARK_READ_KEY, d.auto_mark_read),
            article_below: flag(store, ARTICLE_BELOW_KEY, d.article_below),
        }
    }
}

/// Asks the worker to store one flag.
pub fn save_flag(ctx: &ViewContext, key: &str, value: bool) {
    ctx.send(Command::Reader(ReaderCommand::SaveSetting {
        key: key.to_string(),
        value: value.to_string(),
    }));
}

/// What the section shows, read from the store when it comes on screen.
#[derive(Clone, Copy, PartialEq)]
struct SectionState {
    reader: ReaderSettings,
    /// The reader stays closed during focus sessions.
    guard: bool,
    budget_minutes: i64,
    /// The most items one feed keeps.
    max_items: u32,
    /// Minutes of break per digest item, in tenths (0: no digest).
    digest_tenths: u32,
}

impl SectionState {
    fn load(store: &ReadStore) -> Self {
        Self {
            reader: ReaderSettings::load(store),
            guard: crate::ui::guard::guard_enabled(store),
            budget_minutes: store.reading_budget_minutes().unwrap_or(0),
            max_items: {
                let cap = store.setting(SETTING_MAX_ITEMS).ok().flatten();
                Retention::from_settings(None, cap.as_deref()).max_items
            },
            digest_tenths: {
                let pace = store
                    .setting(digest::SETTING_TENTHS_PER_ITEM)
                    .ok()
                    .flatten();
                digest::tenths_per_item(pace.as_deref()).unwrap_or(0)
            },
        }
    }
}

/// The "Reader" section of the Settings view.
pub fn section(ui: &mut egui::Ui, ctx: &ViewContext) {
    // Kept in egui's memory while the section stays on screen, so a change shows at once, before
    // the worker stores it, and the store is not read every frame; read afresh when the section
    // comes back (the reader or the CLI may have changed it).
    let id = ui.scope_id().with("reader_settings_section");
    let frame = ui.ctx().cumulative_frame_nr();
    let mut s = ui
        .data(|d| d.get_temp::<SectionCache>(id))
        .filter(|c| c.1 + 1 >= frame)
        .map_or_else(|| SectionState::load(ctx.store), |c| c.0);
    let before = s;
    ui.strong(t!("reader_settings.title"));
    ui.checkbox(
        &mut s.reader.auto_mark_read,
        t!("reader_settings.auto_mark"),
    );
    ui.horizontal(|ui| {
        ui.label(t!("reader_settings.article"));
        ui.radio_value(
            &mut s.reader.article_below,
            false,
            t!("reader_settings.beside"),
        );
        ui.radio_value(
            &mut s.reader.article_below,
            true,
            t!("reader_settings.below"),
        );
    });
    ui.checkbox(&mut s.guard, t!("reader_settings.guard"));
    budget_row(ui, &mut s.budget_minutes);
    cap_row(ui, &mut s.max_items);
    digest_row(ui, &mut s.digest_tenths);
    ui.add(
        egui::Label::new(
            egui::RichText::new(t!("reader_settings.privacy"))
                .color(crate::ui::theme::weak_colour(ui.visuals())),
        )
        .wrap(),
    );
    if s.reader.auto_mark_read != before.reader.auto_mark_read {
        save_flag(ctx, AUTO_MARK_READ_KEY, s.reader.auto_mark_read);
    }
    if s.reader.article_below != before.reader.article_below {
        save_flag(ctx, ARTICLE_BELOW_KEY, s.reader.article_below);
    }
    if s.guard != before.guard {
        save_flag(ctx, crate::ui::guard::GUARD_KEY, s.guard);
    }
    if s.max_items != before.max_items {
        ctx.send(Command::Reader(ReaderCommand::SaveSetting {
            key: SETTING_MAX_ITEMS.to_string(),
            value: s.max_items.to_string(),
        }));
    }
    if s.digest_tenths != before.digest_tenths {
        ctx.send(Command::Reader(ReaderCommand::SaveSetting {
            key: digest::SETTING_TENTHS_PER_ITEM.to_string(),
            value: s.digest_tenths.to_string(),
        }));
    }
    if s.budget_minutes != before.budget_minutes {
        ctx.send(Command::Reader(ReaderCommand::SaveSetting {
            key: crate::focus::reading::BUDGET_KEY.to_string(),
            value: s.budget_minutes.to_string(),
        }));
    }
    ui.data_mut(|d| d.insert_temp(id, SectionCache(s, frame)));
}

#[derive(Clone, Copy)]
struct SectionCache(SectionState, u64);

fn budget_label(minutes: i64) -> String {
    if minutes == 0 {
        t!("reader_settings.no_limit").into_owned()
    } else {
        t!("reader_settings.per_day", m = minutes).into_owned()
    }
}

fn digest_label(tenths: u32) -> String {
    if tenths == 0 {
        return t!("reader_settings.digest_off").into_owned();
    }
    let minutes = f64::from(tenths) / 10.0;
    t!("reader_settings.digest_pace", m = minutes).into_owned()
}

/// A labelled choice among `choices`, plus the stored value when it is none of them (the CLI
/// or an older build may have set it).
struct ChoiceRow<'a, T> {
    label: String,
    salt: &'a str,
    choices: &'a [T],
    text: fn(T) -> String,
    hover: String,
}

impl<T: Copy + Ord> ChoiceRow<'_, T> {
    fn show(self, ui: &mut egui::Ui, chosen: &mut T) {
        let current = *chosen;
        ui.horizontal(|ui| {
            let label = ui.label(self.label);
            egui::ComboBox::from_id_salt(self.salt)
                .selected_text((self.text)(current))
                .show_ui(ui, |ui| {
                    let mut choices = self.choices.to_vec();
                    if !choices.contains(&current) {
                        choices.push(current);
                        choices.sort_unstable();
                    }
                    for c in choices {
                        ui.selectable_value(chosen, c, (self.text)(c));
                    }
                })
                .response
                .labelled_by(label.id)
                .on_hover_text(self.hover);
        });
    }
}

/// The daily reading budget: a choice of common lengths.
fn budget_row(ui: &mut egui::Ui, chosen: &mut i64) {
    ChoiceRow {
        label: t!("reader_settings.budget").into_owned(),
        salt: "reading_budget",
        choices: &crate::focus::reading::BUDGET_CHOICES,
        text: budget_label,
        hover: t!("reader_settings.budget_hover").into_owned(),
    }
    .show(ui, chosen);
}

/// The per-feed item cap: a choice of sizes.
fn cap_row(ui: &mut egui::Ui, chosen: &mut u32) {
    ChoiceRow {
        label: t!("reader_settings.cap").into_owned(),
        salt: "item_cap",
        choices: &[500, 1_000, 2_000, 5_000, 10_000, 50_000],
        text: |n: u32| n.to_string(),
        hover: t!("reader_settings.cap_hover").into_owned(),
    }
    .show(ui, chosen);
}

/// The break digest's pace: off, or one item per so many minutes of break.
fn digest_row(ui: &mut egui::Ui, chosen: &mut u32) {
    ChoiceRow {
        label: t!("reader_settings.digest").into_owned(),
        salt: "digest_pace",
        choices: &digest::TENTHS_CHOICES,
        text: digest_label,
        hover: t!("reader_settings.digest_hover").into_owned(),
    }
    .show(ui, chosen);
}
