//! The bottom status bar: named background tasks with their progress ("Refreshing feeds 12/40"),
//! notices the user should see (no audio device, a failed refresh) until dismissed, and
//! confirmations ("Subscribed to …") that go by themselves a few seconds after they show.

use super::theme;
use crate::engine::worker::Event;
use rust_i18n::t;

#[derive(Debug, Clone, PartialEq, Eq)]
struct TaskProgress {
    task: String,
    done: usize,
    total: usize,
    /// When the task was first reported, on the app's clock.
    since_ms: i64,
}

/// A task shows once it has run this long: quicker ones would only flash a bar that moves the
/// whole window's layout up and back.
const SHOW_AFTER_MS: i64 = 400;

/// How long a confirmation stays once shown: long enough to read a line, short enough that a
/// window open all day does not pile them up.
const CONFIRMATION_MS: i64 = 6_000;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Notice {
    text: String,
    /// `None`: stays until dismissed. `Some`: a confirmation, with when it was first drawn
    /// (`None` inside until then, so one that came while the window was hidden is still seen).
    confirmation: Option<Option<i64>>,
}

#[derive(Debug, Default)]
pub struct StatusBar {
    tasks: Vec<TaskProgress>,
    notices: Vec<Notice>,
}

impl StatusBar {
    /// The texts in the notice area, lasting notices and confirmations alike, oldest first.
    pub fn notices(&self) -> Vec<String> {
        self.notices.iter().map(|n| n.text.clone()).collect()
    }

    /// A notice that stays until the user dismisses it.
    pub fn push_notice(&mut self, text: String) {
        self.push(text, None);
    }

    /// A confirmation that goes by itself a few seconds after it is shown.
    pub fn push_confirmation(&mut self, text: String) {
        self.push(text, Some(None));
    }

    fn push(&mut self, text: String, confirmation: Option<Option<i64>>) {
        match self.notices.iter_mut().find(|n| n.text == text) {
            // The same words again: a confirmation counts its time afresh; a lasting notice
            // stays lasting.
            Some(n) => {
                if n.confirmation.is_some() {
                    n.confirmation = confirmation;
                }
            }
            None => self.notices.push(Notice { text, confirmation }),
        }
    }

    /// Starts the clock of confirmations shown for the first time, drops those shown long
    /// enough, and says when the next one is due to go.
    fn expire(&mut self, now_ms: i64) -> Option<i64> {
        for n in &mut self.notices {
            if let Some(since @ None) = &mut n.confirmation {
                *since = Some(now_ms);
            }
        }
        self.notices.retain(|n| match n.confirmation {
            Some(Some(since)) => now_ms - since < CONFIRMATION_MS,
            _ => true,
        });
        self.notices
            .iter()
            .filter_map(|n| n.confirmation.flatten())
            .map(|since| since + CONFIRMATION_MS - now_ms)
            .min()
    }

    pub fn on_event(&mut self, event: &Event, now_ms: i64) {
        match event {
            Event::Progress { task, done, total } => {
                match self.tasks.iter_mut().find(|t| &t.task == task) {
                    Some(t) => {
                        t.done = *done;
                        t.total = *total;
                    }
                    None => self.tasks.push(TaskProgress {
                        task: task.clone(),
                        done: *done,
                        total: *total,
                        since_ms: now_ms,
                    }),
                }
            }
            Event::Finished { task } => self.tasks.retain(|t| &t.task != task),
            Event::Failed { task, message } => {
                // A failed task is over as much as a finished one: its spinner goes.
                self.tasks.retain(|t| &t.task != task);
                self.push_notice(message.clone());
            }
            Event::Notice(message) => self.push_notice(message.clone()),
            Event::Confirmation(message) => self.push_confirmation(message.clone()),
            Event::Changed(_) | Event::SearchResults { .. } | Event::RefreshWaiting(_) => {}
        }
    }

    /// Tasks that have run long enough to be shown.
    fn shown_tasks(&self, now_ms: i64) -> Vec<&TaskProgress> {
        self.tasks
            .iter()
            .filter(|t| now_ms - t.since_ms >= SHOW_AFTER_MS)
            .collect()
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, now_ms: i64) {
        let next_expiry = self.expire(now_ms);
        let shown = self.shown_tasks(now_ms);
        if let Some(wait) = self
            .tasks
            .iter()
            .map(|t| SHOW_AFTER_MS - (now_ms - t.since_ms))
            .filter(|w| *w > 0)
            .chain(next_expiry)
            .min()
        {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(wait as u64));
        }
        let mut dismiss = None;
        // The bar is always there and its bottom row is one line high whatever runs, so a task
        // or a confirmation that comes or goes never moves the window's layout under the
        // pointer (a click aimed at a button that moved lands nowhere). Only lasting notices,
        // which wait for the user, add rows.
        egui::Panel::bottom("status_bar")
            .resizable(false)
            .show(ui, |ui| {
                for (i, n) in self.notices.iter().enumerate() {
                    if n.confirmation.is_some() {
                        continue;
                    }
                    ui.horizontal(|ui| {
                        if ui.small_button(t!("status.dismiss")).clicked() {
                            dismiss = Some(i);
                        }
                        let text =
                            egui::RichText::new(&n.text).color(theme::warning_colour(ui.visuals()));
                        // Wrapped: an error with two addresses in it ran off the window's edge.
                        ui.add(egui::Label::new(text).wrap());
                    });
                }
                let lasting = self.notices.iter().filter(|n| n.confirmation.is_none());
                if lasting.count() > 1 && ui.small_button(t!("status.dismiss_all")).clicked() {
                    dismiss = Some(usize::MAX);
                }
                ui.horizontal(|ui| {
                    ui.set_min_height(ui.spacing().interact_size.y);
                    for t in &shown {
                        task_ui(ui, t);
                    }
                    for n in self.notices.iter().filter(|n| n.confirmation.is_some()) {
                        ui.label(&n.text);
                    }
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        ui.colored_label(theme::weak_colour(ui.visuals()), t!("status.shortcuts"));
                    });
                });
            });
        match dismiss {
            Some(usize::MAX) => self.notices.retain(|n| n.confirmation.is_some()),
            Some(i) => {
                self.notices.remove(i);
            }
            None => {}
        }
    }
}

/// The engine names its tasks in English; the ones it has are shown in the UI's language (a
/// new one shows as the engine named it until it is added here and to the locale files).
fn task_name(task: &str) -> String {
    const KEYS: [(&str, &str); 8] = [
        (
            crate::engine::feeds::articles::FULL_TEXT_TASK,
            "task.full_text",
        ),
        (
            crate::engine::feeds::runs::REFRESH_TASK,
            "task.refreshing_feeds",
        ),
        (
            crate::engine::feeds::runs::SUBSCRIBE_TASK,
            "task.subscribing",
        ),
        (crate::engine::samples::TASK, "task.loading_samples"),
        ("Building the search index", "task.building_index"),
        ("Indexing new items", "task.indexing"),
        ("Ranking For you", "task.ranking"),
        ("Opening the search index", "task.opening_index"),
    ];
    KEYS.iter()
        .find(|(name, _)| *name == task)
        .map_or_else(|| task.to_owned(), |(_, key)| t!(*key).into_owned())
}

/// "⟳ Refreshing feeds 12/40 ▬▬▭": a task that cannot count its steps (a total of 0) shows
/// its name alone.
fn task_ui(ui: &mut egui::Ui, t: &TaskProgress) {
    let name = task_name(&t.task);
    if t.total == 0 {
        crate::ui::quiet_spinner::show(ui);
        ui.label(format!("{name}…"));
    } else {
        crate::ui::quiet_spinner::show_beside_count(ui);
        ui.label(format!("{name} {}/{}", t.done, t.total));
        ui.add(egui::ProgressBar::new(t.done as f32 / t.total as f32).desired_width(160.0));
    }
    ui.separator();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_is_replaced_then_cleared_and_notices_are_not_repeated() {
        let mut bar = StatusBar::default();
        for done in [1, 2] {
            bar.on_event(
                &Event::Progress {
                    task: "Refreshing feeds".into(),
                    done,
                    total: 3,
                },
                done as i64 * 1_000,
            );
        }
        assert_eq!(bar.tasks.len(), 1);
        assert_eq!(bar.tasks[0].done, 2);
        assert_eq!(bar.tasks[0].since_ms, 1_000, "a task keeps its start");
        assert!(
            bar.shown_tasks(1_100).is_empty(),
            "a task that just began is not shown yet"
        );
        assert_eq!(bar.shown_tasks(2_000).len(), 1);
        bar.on_event(
            &Event::Finished {
                task: "Refreshing feeds".into(),
            },
            3_000,
        );
        assert!(bar.tasks.is_empty());
        bar.on_event(&Event::Notice("no audio".into()), 0);
        bar.on_event(&Event::Notice("no audio".into()), 0);
        assert_eq!(bar.notices(), vec!["no audio".to_string()]);
        bar.on_event(
            &Event::Progress {
                task: "Indexing".into(),
                done: 1,
                total: 9,
            },
            0,
        );
        bar.on_event(
            &Event::Failed {
                task: "Indexing".into(),
                message: "disk full".into(),
            },
            0,
        );
        assert!(bar.tasks.is_empty(), "a failure clears its spinner");
        assert_eq!(bar.notices().last(), Some(&"disk full".to_string()));
    }

    #[test]
    fn a_confirmation_goes_six_seconds_after_it_is_first_shown_and_a_notice_stays() {
        let mut bar = StatusBar::default();
        bar.on_event(&Event::Notice("no audio".into()), 0);
        bar.on_event(&Event::Confirmation("Subscribed to X".into()), 0);
        // Not drawn yet (the window was hidden): its time has not started.
        assert_eq!(bar.expire(100_000), Some(CONFIRMATION_MS));
        assert_eq!(bar.expire(105_000), Some(1_000), "due to go in a second");
        assert_eq!(bar.notices().len(), 2);
        bar.push_confirmation("Subscribed to X".into());
        assert_eq!(
            bar.expire(105_500),
            Some(CONFIRMATION_MS),
            "the same words again start afresh"
        );
        assert_eq!(bar.expire(111_499), Some(1));
        assert_eq!(bar.expire(111_500), None);
        assert_eq!(bar.notices(), vec!["no audio".to_string()]);
        bar.push_confirmation("no audio".into());
        assert_eq!(bar.expire(500_000), None, "a lasting notice stays lasting");
        assert_eq!(bar.notices(), vec!["no audio".to_string()]);
    }

    #[test]
    fn the_engines_task_names_have_keys_and_unknown_ones_pass_through() {
        assert_eq!(task_name("Refreshing feeds"), "Refreshing feeds");
        assert_eq!(task_name("Ranking For you"), "Ranking For you");
        assert_eq!(task_name("Something new"), "Something new");
        assert_eq!(
            rust_i18n::t!("task.refreshing_feeds", locale = "zh-CN"),
            "正在刷新订阅源"
        );
    }
}
