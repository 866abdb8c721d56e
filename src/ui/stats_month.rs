//! The month of attention in the Stats view: 28 days of focus minutes beside reading minutes
//! (two series), how many of For you's and Latest's items were opened against shown, the days
//! the reading budget was kept, and each "Read anyway" during a focus session.

use super::theme;
use super::time_text;
use crate::focus::attention::{AttentionStats, Uptake};
use rust_i18n::t;

pub fn ui(ui: &mut egui::Ui, a: &AttentionStats) {
    ui.strong(t!("stats.month_title"));
    chart(ui, a);
    ui.add_space(theme::GAP);
    ui.label(uptake_line(&t!("list.for_you"), &a.for_you));
    ui.label(uptake_line(&t!("list.latest"), &a.latest));
    if a.break_digest.shown > 0 {
        ui.label(uptake_line(&t!("list.digest"), &a.break_digest));
    }
    ui.label(if a.budget_days == 0 {
        t!("stats.budget_none")
    } else {
        t!(
            "stats.budget_kept",
            kept = a.budget_kept_days,
            days = a.budget_days
        )
    });
    let n = a.read_anyway.len();
    ui.label(match n {
        0 => t!("stats.read_anyway_none"),
        1 => t!("stats.read_anyway_one"),
        _ => t!("stats.read_anyway_n", n = n),
    });
    for o in a.read_anyway.iter().rev() {
        if let Some(at) = chrono::DateTime::from_timestamp(o.at, 0) {
            let when = time_text::moment(&at.with_timezone(&chrono::Local), "date.long");
            ui.colored_label(theme::weak_colour(ui.visuals()), format!("  {when}"));
        }
    }
}

/// "For you: 14 of 40 shown opened (35%)".
fn uptake_line(list: &str, u: &Uptake) -> String {
    match u.percent() {
        Some(percent) => t!(
            "stats.uptake",
            list = list,
            opened = u.opened,
            shown = u.shown,
            percent = percent
        ),
        None => t!("stats.uptake_none", list = list),
    }
    .into_owned()
}

fn chart(ui: &mut egui::Ui, a: &AttentionStats) {
    use egui_plot::{Bar, BarChart, GridMark, Legend};
    let bars = |minutes: &dyn Fn(usize) -> i64, offset: f64, what: &str| -> Vec<Bar> {
        a.days
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let m = minutes(i);
                Bar::new(i as f64 + offset, m as f64)
                    .width(0.4)
                    .name(format!(
                        "{} · {what} {}",
                        time_text::day(d.date, "date.chart_bar"),
                        time_text::minutes(m)
                    ))
            })
            .collect()
    };
    let (focus_name, reading_name) = (t!("stats.series_focus"), t!("stats.series_reading"));
    let focus = bars(&|i| a.days[i].focus_minutes, -0.2, &focus_name);
    let reading = bars(&|i| a.days[i].reading_minutes, 0.2, &reading_name);
    let dates: Vec<String> = a
        .days
        .iter()
        .map(|d| time_text::day(d.date, "date.chart_axis"))
        .collect();
    let last_day = a.days.len() as i64 - 1;
    let (focus_colour, reading_colour) = (
        theme::focus_colour(ui.visuals()),
        theme::break_colour(ui.visuals()),
    );
    super::stats::minutes_plot("attention_month")
        .legend(Legend::default())
        .show_grid([false, true])
        // A mark a week counting back from today: the default spacer labelled every tenth
        // day, which no calendar does, and a mark a day leaves too little room for labels.
        .x_grid_spacer(move |input| {
            let (lo, hi) = (input.bounds.0.ceil() as i64, input.bounds.1.floor() as i64);
            (lo.max(0)..=hi.min(last_day))
                .filter(|i| (last_day - i) % 7 == 0)
                .map(|i| GridMark {
                    value: i as f64,
                    step_size: 7.0,
                })
                .collect()
        })
        .x_axis_formatter(super::stats::day_labels(dates))
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new(focus_name.clone(), focus).color(focus_colour));
            plot.bar_chart(BarChart::new(reading_name.clone(), reading).color(reading_colour));
        });
}
