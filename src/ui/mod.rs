//! The window: drawing, input and view state only. Data comes from a read connection and the
//! worker's events; everything the user does goes back as commands.

pub mod app;
pub mod board;
mod board_card;
pub mod board_data;
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
pub mod links;
pub mod palette;
pub mod reader;
pub mod reading_budget;
pub mod selection;
pub mod settings;
pub mod stats;
pub mod status;
pub mod theme;
pub mod time_text;
pub mod timer;
pub mod timer_settings;

use crate::clock::SharedClock;
use crate::paths::WindowLock;
use anyhow::Context as _;
use std::path::Path;

/// Opens the window on `data_dir`. Refused, with a message, when another window already has it.
pub fn run_window(data_dir: &Path, clock: SharedClock) -> anyhow::Result<()> {
    let _lock = WindowLock::acquire(data_dir)?;
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
            let app = app::FocusFeedApp::open(cc, &data_dir, clock)?;
            fonts::install_system_in_background(&cc.egui_ctx, language::Language::font_locale());
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| anyhow::anyhow!("{e}"))
    .context("the window could not be opened (is a display available?)")
}
