//! Managing subscriptions from the window: the "Add feed" dialog (a URL or a path, OPML import and
//! export) and the feed editor (rename, move to a folder, unsubscribe). Both only send
//! `FeedsCommand`s; results come back as worker events.

use crate::engine::feeds::FeedsCommand;
use crate::model::FeedId;
use crate::ui::commands::escape_pressed;
use rust_i18n::t;
use std::path::PathBuf;

/// The "Add feed" dialog.
#[derive(Debug, Default)]
pub struct SubscribeDialog {
    open: bool,
    address: String,
    folder: String,
    opml_path: String,
    focus_address: bool,
}

impl SubscribeDialog {
    pub fn open(&mut self) {
        self.open = true;
        self.focus_address = true;
        if self.opml_path.is_empty() {
            self.opml_path = default_opml_path();
        }
    }

    pub fn is_open(&self) -> bool {
        self.open
    }

    pub fn ui(&mut self, ctx: &egui::Context, folders: &[Vec<String>]) -> Option<FeedsCommand> {
        if !self.open {
            return None;
        }
        let mut command = None;
        let mut open = true;
        egui::Window::new(t!("subscribe.title"))
            .id(egui::Id::unique("add_feed_window"))
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 80.0))
            .show(ctx, |ui| {
                ui.label(t!("subscribe.address"));
                let edit = ui.add(
                    egui::TextEdit::singleline(&mut self.address)
                        .hint_text(t!("subscribe.address_hint"))
                        .desired_width(420.0),
                );
                if std::mem::take(&mut self.focus_address) {
                    edit.request_focus();
                }
                let folder = folder_picker(ui, "add_feed_folder", &mut self.folder, folders);
                let ready = !self.address.trim().is_empty();
                // Enter subscribes from either field: the folder is often typed last.
                let enter = enter_in(ui, &[&edit, &folder]);
                if ui
                    .add_enabled(ready, egui::Button::new(t!("subscribe.subscribe")))
                    .clicked()
                    || (ready && enter)
                {
                    command = Some(FeedsCommand::Subscribe {
                        source: expand_home(self.address.trim())
                            .to_string_lossy()
                            .into_owned(),
                        folder: folder_path(&self.folder),
                    });
                    self.address.clear();
                }
                ui.separator();
                ui.label(t!("subscribe.opml"));
                ui.add(egui::TextEdit::singleline(&mut self.opml_path).desired_width(420.0));
                ui.horizontal(|ui| {
                    let has_path = !self.opml_path.trim().is_empty();
                    if ui
                        .add_enabled(has_path, egui::Button::new(t!("subscribe.import_opml")))
                        .clicked()
                    {
                        command =
                            Some(FeedsCommand::ImportOpml(expand_home(self.opml_path.trim())));
                    }
                    if ui
                        .add_enabled(has_path, egui::Button::new(t!("subscribe.export_opml")))
                        .clicked()
                    {
                        command =
                            Some(FeedsCommand::ExportOpml(expand_home(self.opml_path.trim())));
                    }
                });
            });
        if !open || command.is_some() || escape_pressed(ctx) {
            self.open = false;
        }
        command
    }
}

/// The feed editor: rename, move, unsubscribe.
#[derive(Debug, Default)]
pub struct FeedEditor {
    feed: Option<FeedId>,
    url: String,
    error: Option<String>,
    title: String,
    folder: String,
    confirm_unsubscribe: bool,
}

impl FeedEditor {
    pub fn edit(
        &mut self,
        feed: FeedId,
        title: &str,
        url: &str,
        folder: &[String],
        error: Option<&str>,
    ) {
        self.feed = Some(feed);
        self.title = title.to_string();
        self.url = url.to_string();
        self.folder = folder.join(" / ");
        self.error = error.map(str::to_string);
        self.confirm_unsubscribe = false;
    }

    pub fn is_open(&self) -> bool {
        self.feed.is_some()
    }

    /// Shows the editor; returns the commands to send (a rename and a move may come together).
    pub fn ui(&mut self, ctx: &egui::Context, folders: &[Vec<String>]) -> Vec<FeedsCommand> {
        let Some(feed) = self.feed else {
            return Vec::new();
        };
        let mut commands = Vec::new();
        let mut open = true;
        let mut close = false;
        egui::Window::new(t!("edit_feed.title"))
            .id(egui::Id::unique("edit_feed_window"))
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 80.0))
            .show(ctx, |ui| {
                ui.weak(&self.url);
                if let Some(e) = &self.error {
                    ui.colored_label(
                        crate::ui::theme::error_colour(ui.visuals()),
                        t!("sidebar.fetch_failed", error = e),
                    );
                }
                let title = ui
                    .horizontal(|ui| {
                        ui.label(t!("edit_feed.name"));
                        ui.add(egui::TextEdit::singleline(&mut self.title).desired_width(320.0))
                    })
                    .inner;
                let folder = folder_picker(ui, "edit_feed_folder", &mut self.folder, folders);
                let enter = enter_in(ui, &[&title, &folder]);
                ui.horizontal(|ui| {
                    if ui.button(t!("dialog.save")).clicked() || enter {
                        if !self.title.trim().is_empty() {
                            commands.push(FeedsCommand::Rename {
                                feed,
                                title: self.title.trim().to_string(),
                            });
                        }
                        commands.push(FeedsCommand::MoveToFolder {
                            feed,
                            folder: folder_path(&self.folder),
                        });
                        close = true;
                    }
                    if ui.button(t!("edit_feed.refresh_now")).clicked() {
                        commands.push(FeedsCommand::Refresh(
                            crate::engine::feeds::RefreshScope::Feed(feed),
                        ));
                    }
                });
                ui.separator();
                if self.confirm_unsubscribe {
                    ui.label(t!("edit_feed.confirm"));
                    ui.horizontal(|ui| {
                        if ui.button(t!("edit_feed.yes")).clicked() {
                            commands.push(FeedsCommand::Unsubscribe(feed));
                            close = true;
                        }
                        if ui.button(t!("edit_feed.keep")).clicked() {
                            self.confirm_unsubscribe = false;
                        }
                    });
                } else if ui.button(t!("edit_feed.unsubscribe")).clicked() {
                    self.confirm_unsubscribe = true;
                }
            });
        if !open || close || escape_pressed(ctx) {
            self.feed = None;
        }
        commands
    }
}

/// A folder text field ("Tech / Rust") with the existing folders one click away; returns the
/// text field's response.
fn folder_picker(
    ui: &mut egui::Ui,
    id: &str,
    folder: &mut String,
    folders: &[Vec<String>],
) -> egui::Response {
    ui.horizontal(|ui| {
        ui.label(t!("folder.label"));
        let edit = ui.add(
            egui::TextEdit::singleline(folder)
                .hint_text(t!("folder.hint"))
                .desired_width(220.0),
        );
        if !folders.is_empty() {
            egui::ComboBox::from_id_salt(id)
                .selected_text(t!("folder.existing"))
                .show_ui(ui, |ui| {
                    if ui
                        .selectable_label(folder.is_empty(), t!("folder.none"))
                        .clicked()
                    {
                        folder.clear();
                    }
                    for path in folders {
                        let joined = path.join(" / ");
                        if ui.selectable_label(*folder == joined, &joined).clicked() {
                            *folder = joined;
                        }
                    }
                });
        }
        edit
    })
    .inner
}

/// Whether Enter was pressed in one of these single-line fields (it leaves the field).
fn enter_in(ui: &egui::Ui, fields: &[&egui::Response]) -> bool {
    fields.iter().any(|f| f.lost_focus()) && ui.input(|i| i.key_pressed(egui::Key::Enter))
}

/// "Tech / Rust" → ["Tech", "Rust"]; empty parts are dropped.
pub fn folder_path(text: &str) -> Vec<String> {
    text.split('/')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// `~/x` → the home directory's `x`; anything else as typed.
fn expand_home(path: &str) -> PathBuf {
    if let Some(rest) = path.strip_prefix("~/")
        && let Some(home) = directories::UserDirs::new().map(|u| u.home_dir().to_path_buf())
    {
        return home.join(rest);
    }
    PathBuf::from(path)
}

fn default_opml_path() -> String {
    directories::UserDirs::new()
        .map(|u| {
            u.home_dir()
                .join("focusfeed-subscriptions.opml")
                .to_string_lossy()
                .into_owned()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_paths_split_on_slashes() {
        assert_eq!(folder_path(" Tech / Rust "), vec!["Tech", "Rust"]);
        assert!(folder_path("  ").is_empty());
        assert_eq!(folder_path("a//b/"), vec!["a", "b"]);
    }
}
