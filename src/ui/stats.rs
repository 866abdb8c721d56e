//! The stats view: focus minutes per day over the last 14 days (bar chart), today's pomodoros,
//! the streak, today's reading against its budget, the month of attention (`stats_month`) and
//! minutes per task. Loaded on `Changed(TimeLog)` or `Changed(Reading)` and when the day turns;
//! a session still running counts in as it goes (from the timer, not the log).

use super::commands::UiCommand;
use super::context::ViewContext;
use super::theme;
use super::time_text;
use crate::engine::worker::Event;
use crate::focus::attention;
use crate::focus::reading::BudgetStatus;
use crate::focus::stats::{self, FocusStats, LiveSession, day_of, local_offset};
use crate::model::Topic;
use crate::model::stats::{FocusLog, ListUptake, LockOverride, ReadingLogDay};
use rust_i18n::t;

#[derive(Default)]
pub struct StatsView {
    stats: Option<FocusStats>,
    /// The focus log and the reading rows behind the month, kept to count a running session in.
    month: Option<MonthRows>,
    /// The month as last drawn (tests read it).
    shown_month: Option<attention::AttentionStats>,
    reading: Option<BudgetStatus>,
    error: Option<String>,
}

struct MonthRows {
    focus: FocusLog,
    reading: Vec<ReadingLogDay>,
    uptake: Vec<ListUptake>,
    overrides: Vec<LockOverride>,
}

impl StatsView {
    fn reload(&mut self, ctx: &ViewContext) {
        let now = ctx.now.timestamp();
        // The month's window holds the 14 days' too: one read of the log serves both.
        match ctx.store.focus_log(attention::since(now)) {
            Ok(log) => {
                self.stats = Some(stats::focus_stats(&log, now, &local_offset));
                self.error = None;
                self.month = Some(MonthRows {
                    focus: log,
                    reading: Vec::new(),
                    uptake: Vec::new(),
                    overrides: Vec::new(),
                });
            }
            Err(e) => self.error = Some(t!("stats.read_error", error = e).into_owned()),
        }
        self.reload_reading(ctx);
    }

    /// Today's reading only: it changes every 30 s of reading, the time log does not.
    fn reload_reading(&mut self, ctx: &ViewContext) {
        let now = ctx.now.timestamp();
        if let Some(m) = self.month.as_mut() {
            let today = day_of(now, local_offset(now));
            let read = ctx
                .store
                .reading_log(attention::first_day(now, &local_offset), today)
                .and_then(|r| {
                    let since = attention::since(now);
                    Ok((
                        r,
                        ctx.store.list_uptake(since)?,
                        ctx.store.overrides_since(since)?,
                    ))
                });
            match read {
                Ok((reading, uptake, overrides)) => {
                    m.reading = reading;
                    m.uptake = uptake;
                    m.overrides = overrides;
                }
                Err(e) => self.error = Some(t!("stats.read_error", error = e).into_owned()),
            }
        }
        let day = crate::focus::reading::local_day(ctx.now.timestamp());
        self.reading = ctx
            .store
            .reading_day(day)
            .and_then(|d| Ok(BudgetStatus::new(ctx.store.reading_budget_minutes()?, d)))
            .ok();
    }

    /// `live`: the focus session still running or paused, counted in as it goes.
    pub fn ui(&mut self, ui: &mut egui::Ui, ctx: &ViewContext, live: Option<LiveSession<'_>>) {
        let now = ctx.now.timestamp();
        let today = day_of(now, local_offset(now));
        if self.stats.as_ref().is_none_or(|s| s.today != today) {
            self.reload(ctx);
        }
        ui.heading(t!("stats.title"));
        if let Some(e) = &self.error {
            ui.colored_label(theme::error_colour(ui.visuals()), e);
        }
        let Some(logged) = &self.stats else { return };
        let live_seconds = live.as_ref().map_or(0, |l| l.seconds);
        let with_live = live.map(|l| logged.with_live(&l));
        let s = with_live.as_ref().unwrap_or(logged);
        ui.horizontal(|ui| {
            let (n, minutes) = (s.today_pomodoros, time_text::minutes(s.today_minutes));
            ui.label(if n == 1 {
                t!("stats.today_one", n = n, minutes = minutes)
            } else {
                t!("stats.today_other", n = n, minutes = minutes)
            });
            ui.separator();
            ui.label(if s.streak_days == 1 {
                t!("stats.streak_one", n = s.streak_days)
            } else {
                t!("stats.streak_other", n = s.streak_days)
            });
            if let Some(r) = &self.reading {
                ui.separator();
                ui.label(reading_line(r));
            }
        });
        let month = self.month.as_ref().map(|m| {
            let rows = attention::AttentionRows {
                focus: &m.focus,
                reading: &m.reading,
                uptake: &m.uptake,
                overrides: m.overrides.clone(),
                live_focus_seconds: live_seconds,
            };
            attention::attention_stats(rows, now, &local_offset)
        });
        egui::ScrollArea::vertical()
            .id_salt("stats_scroll")
            .show(ui, |ui| {
                ui.add_space(theme::GAP);
                ui.strong(t!("stats.chart_title"));
                chart(ui, s);
                if let Some(month) = &month {
                    ui.add_space(theme::GAP);
                    super::stats_month::ui(ui, month);
                }
                self.shown_month = month;
                ui.add_space(theme::GAP);
                ui.strong(t!("stats.per_task"));
                if s.per_task.is_empty() {
                    ui.colored_label(theme::weak_colour(ui.visuals()), t!("stats.empty"));
                }
                egui::Grid::new("per_task_grid")
                    .num_columns(3)
                    .striped(true)
                    .show(ui, |ui| {
                        for t in &s.per_task {
                            // Sessions without a task (or whose card is gone) are named in
                            // the UI's language, not the log's placeholder.
                            if t.title == stats::NO_TASK {
                                ui.label(t!("stats.no_task"));
                            } else {
                                ui.label(&t.title);
                            }
                            // A skipped session logs seconds: "0 min" would read as nothing.
                            ui.label(if t.minutes == 0 {
                                t!("time.under_a_minute").into_owned()
                            } else {
                                time_text::minutes(t.minutes)
                            });
                            ui.label(if t.pomodoros == 1 {
                                t!("stats.pomodoros_one", n = t.pomodoros)
                            } else {
                                t!("stats.pomodoros_other", n = t.pomodoros)
                            });
                            ui.end_row();
                        }
                    });
            });
    }

    /// The month of attention as last drawn.
    pub fn month(&self) -> Option<&attention::AttentionStats> {
        self.shown_month.as_ref()
    }

    /// A keyboard command for this view (see `commands.rs`).
    pub fn command(&mut self, _cmd: UiCommand, _ctx: &ViewContext) {}

    /// An event from the worker (reload on `Changed`).
    pub fn on_event(&mut self, event: &Event, ctx: &ViewContext) {
        match event {
            Event::Changed(Topic::TimeLog | Topic::Board) => self.reload(ctx),
            Event::Changed(Topic::Reading | Topic::Settings) => self.reload_reading(ctx),
            _ => {}
        }
    }
}

/// A chart of minutes per day that holds still: a bar chart to read, not a plot to explore.
pub(super) fn minutes_plot(id: &str) -> egui_plot::Plot<'static> {
    egui_plot::Plot::new(id)
        .height(theme::CHART_HEIGHT)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .include_y(0.0)
        .include_y(30.0)
        .y_axis_label(t!("stats.axis_minutes"))
}

/// Labels the marks at whole days with `dates` (one a day, the first at 0).
pub(super) fn day_labels(
    dates: Vec<String>,
) -> impl Fn(egui_plot::GridMark, &std::ops::RangeInclusive<f64>) -> String {
    move |mark, _| {
        let i = mark.value.round();
        if (mark.value - i).abs() > 1e-6 || i < 0.0 {
            return String::new();
        }
        dates.get(i as usize).cloned().unwrap_or_default()
    }
}

fn chart(ui: &mut egui::Ui, s: &FocusStats) {
    use egui_plot::{Bar, BarChart, GridMark};
    let colour = theme::focus_colour(ui.visuals());
    let bars: Vec<Bar> = s
        .days
        .iter()
        .enumerate()
        .map(|(i, d)| {
            Bar::new(i as f64, d.minutes as f64)
                .width(0.7)
                .name(format!(
                    "{} · {}",
                    time_text::day(d.date, "date.chart_bar"),
                    time_text::minutes(d.minutes)
                ))
        })
        .collect();
    let dates: Vec<String> = s
        .days
        .iter()
        .map(|d| time_text::day(d.date, "date.chart_axis"))
        .collect();
    minutes_plot("focus_minutes")
        // One mark per day, all alike: the default spacer drew every tenth day as a heavier
        // line and label, which meant nothing here.
        .x_grid_spacer(|input| {
            let (lo, hi) = (input.bounds.0.ceil() as i64, input.bounds.1.floor() as i64);
            (lo.max(0)..=hi)
                .map(|i| GridMark {
                    value: i as f64,
                    step_size: 1.0,
                })
                .collect()
        })
        .show_grid([false, true])
        .x_axis_formatter(day_labels(dates))
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new(t!("stats.series"), bars).color(colour));
        });
}

/// "Reading: 12 of 30 min" with a budget, "Reading: 12 min" without.
fn reading_line(r: &BudgetStatus) -> String {
    match r.allowed_minutes() {
        Some(allowed) => t!(
            "stats.reading_budget",
            read = r.read_minutes(),
            allowed = allowed
        ),
        None => t!("stats.reading", read = r.read_minutes()),
    }
    .into_owned()
}
