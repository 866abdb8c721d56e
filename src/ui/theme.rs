//! Colours and spacing in one place; panels never hard-code them.

use egui::{Color32, Visuals};

pub const GAP: f32 = 8.0;
pub const COLUMN_WIDTH: f32 = 240.0;
pub const NAV_WIDTH: f32 = 150.0;
pub const TIMER_TEXT_SIZE: f32 = 20.0;
pub const CARD_GAP: f32 = 4.0;
pub const COLUMN_MIN_HEIGHT: f32 = 160.0;
pub const CHART_HEIGHT: f32 = 220.0;
/// Reader panes: feeds sidebar, item list (when the article is beside it), article text column.
pub const READER_SIDEBAR_WIDTH: f32 = 230.0;
pub const READER_LIST_WIDTH: f32 = 380.0;
/// The narrowest the list gets beside the article, and the narrowest article beside it that
/// still reads as text; a window with less room than both puts the article below the list.
pub const READER_LIST_MIN_WIDTH: f32 = 260.0;
pub const ARTICLE_MIN_WIDTH: f32 = 340.0;
pub const ARTICLE_MAX_WIDTH: f32 = 720.0;

/// Accent for the running focus session.
pub fn focus_colour(v: &Visuals) -> Color32 {
    if v.dark_mode {
        Color32::from_rgb(0xE0, 0x6C, 0x5A)
    } else {
        Color32::from_rgb(0xC0, 0x39, 0x2B)
    }
}

/// Accent for breaks.
pub fn break_colour(v: &Visuals) -> Color32 {
    if v.dark_mode {
        Color32::from_rgb(0x6C, 0xC0, 0x8A)
    } else {
        Color32::from_rgb(0x1E, 0x84, 0x49)
    }
}

/// A limit exceeded (WIP), an error on a feed.
pub fn warning_colour(v: &Visuals) -> Color32 {
    v.warn_fg_color
}

pub fn error_colour(v: &Visuals) -> Color32 {
    v.error_fg_color
}

/// Secondary text: dates, counts, hints.
pub fn weak_colour(v: &Visuals) -> Color32 {
    v.weak_text_color()
}

/// The dot on unread items.
pub fn unread_colour(v: &Visuals) -> Color32 {
    if v.dark_mode {
        Color32::from_rgb(0x5A, 0x9B, 0xE0)
    } else {
        Color32::from_rgb(0x1F, 0x6F, 0xC0)
    }
}

/// Behind the words a search matched in a list row's title.
pub fn match_colour(v: &Visuals) -> Color32 {
    if v.dark_mode {
        Color32::from_rgba_unmultiplied(0xF0, 0xC0, 0x40, 0x50)
    } else {
        Color32::from_rgba_unmultiplied(0xF0, 0xC0, 0x40, 0x70)
    }
}

/// A starred item's star.
pub fn star_colour(v: &Visuals) -> Color32 {
    if v.dark_mode {
        Color32::from_rgb(0xF0, 0xC0, 0x40)
    } else {
        Color32::from_rgb(0xC8, 0x8A, 0x00)
    }
}
