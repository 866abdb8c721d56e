//! The bottom status bar: named background tasks with their progress ("Refreshing feeds 12/40")
//! and notices the user should see (no audio device, a failed refresh) until dismissed.

use super::theme;
use crate::engine::worker::Event;

#[derive(Debug, Clone, PartialEq, Eq)]
struct TaskProgress {
    task: String,
    done: usize,
    total: usize,
}

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

    pub fn on_event(&mut self, event: &Event) {
        match event {
            Event::Progress { task, done, total } => {
                let progress = TaskProgress {
                    task: task.clone(),
                    done: *done,
                    total: *total,
                };
                match self.tasks.iter_mut().find(|t| &t.task == task) {
                    Some(t) => *t = progress,
                    None => self.tasks.push(progress),
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

    pub fn ui(&mut self, ui: &mut egui::Ui) {
        if self.notices.is_empty() && self.tasks.is_empty() {
            return;
        }
        let mut dismiss = None;
        egui::Panel::bottom("status_bar").show(ui, |ui| {
            for t in &self.tasks {
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
            bar.on_event(&Event::Progress {
                task: "Refreshing feeds".into(),
                done,
                total: 3,
            });
        }
        assert_eq!(bar.tasks.len(), 1);
        assert_eq!(bar.tasks[0].done, 2);
        bar.on_event(&Event::Finished {
            task: "Refreshing feeds".into(),
        });
        assert!(bar.tasks.is_empty());
        bar.on_event(&Event::Notice("no audio".into()));
        bar.on_event(&Event::Notice("no audio".into()));
        assert_eq!(bar.notices(), ["no audio".to_string()]);
        bar.on_event(&Event::Progress {
            task: "Indexing".into(),
            done: 1,
            total: 9,
        });
        bar.on_event(&Event::Failed {
            task: "Indexing".into(),
            message: "disk full".into(),
        });
        assert!(bar.tasks.is_empty(), "a failure clears its spinner");
        assert_eq!(bar.notices().last(), Some(&"disk full".to_string()));
    }
}
