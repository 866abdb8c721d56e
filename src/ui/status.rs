//! The bottom status bar: named background tasks with their progress ("Refreshing feeds 12/40")
//! and notices the user should see (no audio device, a failed refresh) until dismissed.

use super::theme;
use crate::engine::worker::Event;

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

#[derive(Debug, Default)]
pub struct StatusBar {
    tasks: Vec<TaskProgress>,
    notices: Vec<String>,
}

impl StatusBar {
    pub fn notices(&self) -> &[String] {
        &self.notices
    }

    pub fn push_notice(&mut self, notice: String) {
        if !self.notices.contains(&notice) {
            self.notices.push(notice);
        }
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
            Event::Changed(_) | Event::SearchResults { .. } => {}
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
        let shown = self.shown_tasks(now_ms);
        if let Some(wait) = self
            .tasks
            .iter()
            .map(|t| SHOW_AFTER_MS - (now_ms - t.since_ms))
            .filter(|w| *w > 0)
            .min()
        {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(wait as u64));
        }
        if self.notices.is_empty() && shown.is_empty() {
            return;
        }
        let mut dismiss = None;
        egui::Panel::bottom("status_bar").show(ui, |ui| {
            for t in shown {
                ui.horizontal(|ui| {
                    ui.spinner();
                    // A total of 0 is a task that cannot count its steps: the name alone.
                    if t.total == 0 {
                        ui.label(format!("{}…", t.task));
                    } else {
                        ui.label(format!("{} {}/{}", t.task, t.done, t.total));
                    }
                    if t.total > 0 {
                        ui.add(
                            egui::ProgressBar::new(t.done as f32 / t.total as f32)
                                .desired_width(160.0),
                        );
                    }
                });
            }
            for (i, n) in self.notices.iter().enumerate() {
                ui.horizontal(|ui| {
                    if ui.small_button("Dismiss").clicked() {
                        dismiss = Some(i);
                    }
                    ui.colored_label(theme::warning_colour(ui.visuals()), n);
                });
            }
            if self.notices.len() > 1 && ui.small_button("Dismiss all").clicked() {
                dismiss = Some(usize::MAX);
            }
        });
        match dismiss {
            Some(usize::MAX) => self.notices.clear(),
            Some(i) => {
                self.notices.remove(i);
            }
            None => {}
        }
    }
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
        assert_eq!(bar.notices(), ["no audio".to_string()]);
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
}
