//! One card on the board as it is drawn: its title, labels, when it is due and the time spent
//! on it, in the words a person would use.

use super::board::BoardAction;
use super::commands::UiCommand;
use super::theme;
use super::time_text;
use crate::focus::checklist;
use crate::model::CardId;
use crate::model::board::Card;
use chrono::{Datelike, NaiveDate};
use rust_i18n::t;

/// "1/3 pomodoros · 25 min", or nothing for a card with no time and no estimate.
pub fn spent_text(card: &Card) -> Option<String> {
    if card.pomodoros == 0 && card.seconds_spent == 0 && card.estimate.is_none() {
        return None;
    }
    let count = match card.estimate {
        Some(e) => t!("card.pomodoros_of", done = card.pomodoros, estimate = e),
        None if card.pomodoros == 1 => t!("card.pomodoros_one"),
        None => t!("card.pomodoros_other", n = card.pomodoros),
    };
    Some(match card.seconds_spent {
        0 => count.into_owned(),
        // A skipped session logs seconds: "0 min" would read as nothing.
        1..60 => format!("{count} · {}", t!("time.under_a_minute")),
        _ => format!("{count} · {}", time_text::minutes(card.minutes_spent())),
    })
}

/// When a card is due, as a person says it ("due tomorrow", "due Friday", "due 20 Mar"), and
/// whether that has passed.
pub fn due_text(due: NaiveDate, today: NaiveDate) -> (String, bool) {
    let day = |d: NaiveDate| {
        if d.year() == today.year() {
            time_text::day(d, "card.day_this_year")
        } else {
            time_text::day(d, "card.day_other_year")
        }
    };
    let (text, overdue) = match (due - today).num_days() {
        ..0 => (t!("card.overdue_since", day = day(due)), true),
        0 => (t!("card.due_today"), false),
        1 => (t!("card.due_tomorrow"), false),
        2..7 => {
            let weekday = t!(format!("weekday.{}", due.format("%A")));
            (t!("card.due_on", day = weekday), false)
        }
        _ => (t!("card.due_on", day = day(due)), false),
    };
    (text.into_owned(), overdue)
}

/// Whether the timer's focus session is on this card, and how, as the card shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardFocus {
    Running,
    Paused,
}

impl CardFocus {
    pub fn text(self) -> String {
        match self {
            Self::Running => t!("card.in_focus"),
            Self::Paused => t!("card.focus_paused"),
        }
        .into_owned()
    }
}

/// A card you can click (select), double-click (edit), right-click (its menu) and drag: one
/// sensor under its contents, so the Focus button on it keeps its own clicks. egui's
/// `dnd_drag_source` lays a drag sensor over the contents; in the real window that sensor took
/// the title's quick clicks, and a card was selected only by a press long enough to drag it.
pub(super) fn card_source(
    ui: &mut egui::Ui,
    id: egui::Id,
    card: CardId,
    add_contents: impl FnOnce(&mut egui::Ui),
    actions: &mut Vec<BoardAction>,
) -> egui::Response {
    if ui.ctx().is_being_dragged(id) {
        egui::DragAndDrop::set_payload(ui.ctx(), card);
        // Drawn where the pointer is, above everything, while its place in the column stays.
        let layer = egui::LayerId::new(egui::Order::Tooltip, id);
        let r = ui
            .scope_builder(egui::UiBuilder::new().layer_id(layer), add_contents)
            .response;
        if let Some(pointer) = ui.ctx().pointer_interact_pos() {
            let delta = pointer - r.rect.center();
            ui.ctx()
                .transform_layer_shapes(layer, egui::emath::TSTransform::from_translation(delta));
        }
        return r;
    }
    let r = ui
        .scope_builder(
            egui::UiBuilder::new()
                .scope_id(id)
                .sense(egui::Sense::click_and_drag()),
            add_contents,
        )
        .response
        .on_hover_cursor(egui::CursorIcon::Grab);
    if r.clicked() {
        actions.push(BoardAction::Select(card));
    }
    if r.double_clicked() {
        actions.push(BoardAction::Edit(card));
    }
    r.context_menu(|ui| {
        if ui.button(t!("card.start_pomodoro")).clicked() {
            actions.push(BoardAction::Start(card));
        }
        if ui.button(t!("card.edit")).clicked() {
            actions.push(BoardAction::Edit(card));
        }
        if ui.button(t!("card.archive")).clicked() {
            actions.push(BoardAction::Archive(card));
        }
    });
    r
}

/// Width the selected card's "Focus" button needs beside the due date and time spent.
const FOCUS_BUTTON_ROOM: f32 = 56.0;

pub(super) fn card_ui(
    ui: &mut egui::Ui,
    card: &Card,
    selected: bool,
    focus: Option<CardFocus>,
    today: NaiveDate,
    actions: &mut Vec<BoardAction>,
) {
    let visuals = ui.visuals().clone();
    let mut frame = egui::Frame::group(ui.style()).fill(visuals.extreme_bg_color);
    if selected {
        frame = frame.stroke(visuals.selection.stroke);
    } else if focus == Some(CardFocus::Running) {
        // The task in hand stands out on the board, as the top bar names it.
        frame = frame.stroke(egui::Stroke::new(1.0, theme::focus_colour(&visuals)));
    }
    // The card fills the drop zone's inside exactly: any wider and its column grows by the
    // difference the moment it holds a card, shifting every column to its right.
    let width = theme::COLUMN_WIDTH - 2.0 * theme::CARD_GAP - frame.total_margin().sum().x;
    frame.show(ui, |ui| {
        ui.set_width(width);
        // Drawn, not a widget of its own: the whole card takes the clicks and drags (see
        // `card_source`). Selected, it is filled like a selected button.
        let mut title = egui::RichText::new(&card.title).strong();
        let mut pill = egui::Frame::new()
            .inner_margin(ui.spacing().button_padding)
            .corner_radius(visuals.widgets.inactive.corner_radius);
        if selected {
            title = title.color(visuals.selection.stroke.color);
            pill = pill.fill(visuals.selection.bg_fill);
        }
        pill.show(ui, |ui| {
            ui.add(egui::Label::new(title).wrap().selectable(false));
        });
        // The lines below start where the title's text does, inside its button padding.
        let indent = egui::Margin {
            left: ui.spacing().button_padding.x.round() as i8,
            ..egui::Margin::ZERO
        };
        egui::Frame::NONE.inner_margin(indent).show(ui, |ui| {
            details_ui(ui, card, selected, focus, today, actions)
        });
    });
}

/// A card's labels, the focus session on it, due date, time spent, checklist progress and (when
/// selected) its Focus button.
fn details_ui(
    ui: &mut egui::Ui,
    card: &Card,
    selected: bool,
    focus: Option<CardFocus>,
    today: NaiveDate,
    actions: &mut Vec<BoardAction>,
) {
    let visuals = ui.visuals().clone();
    if !card.labels.is_empty() {
        ui.horizontal_wrapped(|ui| {
            for l in &card.labels {
                ui.small(format!("#{l}"));
            }
        });
    }
    // Each part moves to the next line whole rather than breaking inside ("0 / min").
    let part = |ui: &mut egui::Ui, text: String, colour: egui::Color32| {
        ui.add(
            egui::Label::new(egui::RichText::new(text).color(colour))
                .wrap_mode(egui::TextWrapMode::Extend),
        )
    };
    ui.horizontal_wrapped(|ui| {
        if let Some(focus) = focus {
            let colour = match focus {
                CardFocus::Running => theme::focus_colour(&visuals),
                CardFocus::Paused => theme::weak_colour(&visuals),
            };
            part(ui, focus.text(), colour);
        }
        if let Some(due) = card.due {
            let (text, overdue) = due_text(due, today);
            let colour = if overdue {
                theme::error_colour(&visuals)
            } else {
                theme::weak_colour(&visuals)
            };
            part(ui, text, colour).on_hover_text(t!("card.due_on", day = due));
        }
        if let Some(spent) = spent_text(card) {
            part(ui, spent, theme::weak_colour(&visuals));
        }
        if let Some((done, total)) = checklist::progress(&card.notes) {
            // A finished checklist in the break colour: the card is ready to move on.
            let colour = if done == total {
                theme::break_colour(&visuals)
            } else {
                theme::weak_colour(&visuals)
            };
            part(
                ui,
                t!("card.checklist", done = done, total = total).into_owned(),
                colour,
            );
        }
        if let Some(link) = &card.link {
            // Where the idea came from: its article in the Reader (the browser once it is gone).
            if ui
                .small_button(t!("card.open_article"))
                .on_hover_text(link)
                .clicked()
            {
                actions.push(BoardAction::OpenLink(card.id));
            }
        }
        // A card already in focus needs no button to start it.
        if selected && focus != Some(CardFocus::Running) {
            // Right-aligned where it fits; on a line of its own where the due date and time
            // spent leave no room (it would cover them).
            if ui.available_size_before_wrap().x < FOCUS_BUTTON_ROOM {
                ui.end_row();
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui
                    .small_button(t!("card.focus"))
                    .on_hover_text(UiCommand::StartPomodoroOnCard.label())
                    .clicked()
                {
                    actions.push(BoardAction::Start(card.id));
                }
            });
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn due_dates_read_as_a_person_says_them() {
        // Tuesday 10 March 2026.
        let today = date("2026-03-10");
        let said = |d: &str| due_text(date(d), today);
        assert_eq!(said("2026-03-09"), ("overdue since 9 Mar".into(), true));
        assert_eq!(said("2026-03-10"), ("due today".into(), false));
        assert_eq!(said("2026-03-11"), ("due tomorrow".into(), false));
        assert_eq!(said("2026-03-13"), ("due Friday".into(), false));
        assert_eq!(said("2026-03-20"), ("due 20 Mar".into(), false));
        assert_eq!(said("2027-01-04"), ("due 4 Jan 2027".into(), false));
    }

    #[test]
    fn time_spent_is_left_out_until_there_is_some() {
        let mut card = Card {
            id: 1,
            column_id: 1,
            position: 0,
            title: "Report".into(),
            notes: String::new(),
            labels: Vec::new(),
            due: None,
            estimate: Some(3),
            created_at: 0,
            updated_at: 0,
            archived_at: None,
            pomodoros: 0,
            seconds_spent: 0,
            link: None,
            item_id: None,
        };
        assert_eq!(spent_text(&card).as_deref(), Some("0/3 pomodoros"));
        card.seconds_spent = 20;
        assert_eq!(
            spent_text(&card).as_deref(),
            Some("0/3 pomodoros · under 1 min")
        );
        card.pomodoros = 1;
        card.seconds_spent = 25 * 60;
        assert_eq!(spent_text(&card).as_deref(), Some("1/3 pomodoros · 25 min"));
    }
}
