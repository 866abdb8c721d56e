//! The text the user last selected with the mouse (egui reports it when a selection settles),
//! kept in egui's memory so "Send to board" can quote it. Cleared when another article opens.

use egui::{Context, FullOutput, Id, OutputCommand};

fn key() -> Id {
    Id::unique("focusfeed_selected_text")
}

/// Watches each frame's output for a settled selection.
#[derive(Default)]
struct SelectionWatch;

impl egui::Plugin for SelectionWatch {
    fn debug_name(&self) -> &'static str {
        "focusfeed_selection_watch"
    }

    fn output_hook(&mut self, ctx: &Context, output: &mut FullOutput) {
        let settled = output
            .platform_output
            .commands
            .iter()
            .rev()
            .find_map(|c| match c {
                OutputCommand::TextSelectionSettled(text) => Some(text.clone()),
                _ => None,
            });
        if let Some(text) = settled {
            remember(ctx, text);
        }
    }
}

/// Starts watching (once, when the window is made).
pub fn install(ctx: &Context) {
    ctx.add_plugin(SelectionWatch);
}

/// Keeps `text` as the last selection (what a settled selection does; tests call it too).
pub fn remember(ctx: &Context, text: String) {
    ctx.data_mut(|d| d.insert_temp(key(), text));
}

/// The last selection, if any and not blank.
pub fn last(ctx: &Context) -> Option<String> {
    ctx.data(|d| d.get_temp::<String>(key()))
        .filter(|t| !t.trim().is_empty())
}

/// Forgets it (another article was opened).
pub fn forget(ctx: &Context) {
    ctx.data_mut(|d| d.remove::<String>(key()));
}
