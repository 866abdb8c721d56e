//! The window: drawing, input and view state only. Data comes from a read connection and the
//! worker's events; everything the user does goes back as commands.

pub mod app;
pub mod board;
mod board_card;
pub mod board_data;
mod break_digest;
pub mod card_editor;
mod close_guard;
pub mod column_editor;
pub mod commands;
pub mod context;
pub mod desktop;
pub mod fonts;
pub mod for_you_settings;
pub mod guard;
pub mod help;
pub mod language;
pub mod learned_settings;
pub mod links;
pub mod palette;
mod quiet_spinner;
pub mod reader;
pub mod reading_budget;
pub mod selection;
pub mod settings;
pub mod single_instance;
pub mod stats;
mod stats_month;
pub mod status;
#[cfg(test)]
mod test_support;
pub mod theme;
pub mod time_text;
pub mod timer;
pub mod timer_settings;

use crate::clock::SharedClock;
use crate::paths::WindowLock;
use anyhow::Context as _;
use std::path::Path;

static PROCESS_START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// Notes when the process started (the first thing `main` does), for `--quit-after-first-list`.
pub fn mark_process_start() {
    let _ = PROCESS_START.set(std::time::Instant::now());
}

/// Time since [`mark_process_start`] (or since the first call, if it was never marked).
pub fn since_process_start() -> std::time::Duration {
    PROCESS_START.get_or_init(std::time::Instant::now).elapsed()
}

/// Opens the window on `data_dir`. Refused, with a message, when another window already has it.
/// With `quit_after_first_list`, it opens the Reader and quits once the list is drawn, printing
/// how long that took.
pub fn run_window(
    data_dir: &Path,
    clock: SharedClock,
    quit_after_first_list: bool,
) -> anyhow::Result<()> {
    let _lock = match WindowLock::acquire(data_dir) {
        Err(crate::paths::PathsError::AlreadyOpen(dir)) => {
            if single_instance::ask_open_window_to_raise(&dir) {
                eprintln!(
                    "focusfeed is already open on {}: brought it to the front",
                    dir.display()
                );
                return Ok(());
            }
            eprintln!("{}", crate::paths::PathsError::AlreadyOpen(dir.clone()));
            // Said in the language the user chose, read from the database beside the window.
            if let Ok(store) = crate::store::ReadStore::open(&dir.join(crate::paths::DB_FILE)) {
                language::Language::stored(&store)
                    .unwrap_or_default()
                    .apply();
            }
            return single_instance::tell_already_open(&dir);
        }
        other => other?,
    };
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("focusfeed")
            .with_app_id(desktop::APP_ID)
            .with_icon(std::sync::Arc::new(desktop::window_icon()))
            .with_inner_size([1200.0, 780.0])
            .with_min_inner_size([640.0, 420.0]),
        persistence_path: Some(data_dir.join("window-state.ron")),
        // `fonts` adds the system's CJK and symbol fonts itself, chosen by the UI's language.
        system_font_fallback: false,
        ..Default::default()
    };
    let data_dir = data_dir.to_path_buf();
    eframe::run_native(
        "focusfeed",
        options,
        Box::new(move |cc| {
            // Opened first: the stored language decides which CJK font the fallbacks prefer.
            let mut app = app::FocusFeedApp::open(cc, &data_dir, clock)?;
            if quit_after_first_list {
                app.quit_after_first_list();
            }
            let repaint = cc.egui_ctx.clone();
            app.listen_for_raise(single_instance::listen(&data_dir, move || {
                repaint.request_repaint()
            }));
            let locale = language::Language::font_locale();
            let cjk = fonts::Cjk::for_locale(&locale);
            fonts::install_system_in_background(&cc.egui_ctx, locale, cjk);
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| anyhow::anyhow!("{e}"))
    .context("the window could not be opened (is a display available?)")
}
