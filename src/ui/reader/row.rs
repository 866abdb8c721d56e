//! One row of the item list, painted rather than laid out: the unread dot, the title, and a
//! second line with feed · author · age and For you's reason, or the search snippet with its
//! matched words marked.

use crate::model::UnixTime;
use crate::search::HitSnippet;
use crate::store::reader::ListRow;
use crate::ui::theme;
use egui::{Align2, Color32, FontId, Rect, Stroke, pos2, vec2};
use rust_i18n::t;

/// What a row says besides its item: a search hit's marks, or For you's first reason.
pub struct RowText<'a> {
    pub search: Option<&'a SearchMarks>,
    pub reason: Option<&'a str>,
}

/// What a search hit marks in its row: the words of the title that matched, and the snippet
/// of the content with its own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchMarks {
    /// The title the ranges were found in; they are used only on that same title.
    pub title: String,
    pub title_ranges: Vec<(usize, usize)>,
    pub snippet: HitSnippet,
}

/// Characters of the snippet kept before its first match: enough to read the match in its
/// sentence, few enough that the match is on the row's one line.
const SNIPPET_LEAD_CHARS: usize = 30;

/// Paints one row: an unread dot, the title (strong when unread), then feed · author · age
/// (or the search snippet) on the second line, with For you's first reason after it, and a star
/// when starred.
pub fn paint_row(
    ui: &egui::Ui,
    rect: Rect,
    row: Option<&ListRow>,
    shown: RowText<'_>,
    selected: bool,
    hovered: bool,
    now: UnixTime,
) {
    let visuals = ui.visuals();
    let painter = ui.painter_at(rect);
    if selected {
        painter.rect_filled(rect, 3.0, visuals.selection.bg_fill);
    } else if hovered {
        painter.rect_filled(rect, 3.0, visuals.widgets.hovered.weak_bg_fill);
    }
    let Some(row) = row else {
        painter.text(
            rect.left_center() + vec2(18.0, 0.0),
            Align2::LEFT_CENTER,
            "…",
            FontId::proportional(14.0),
            theme::weak_colour(visuals),
        );
        return;
    };
    let strong = if selected {
        visuals.selection.stroke.color
    } else {
        visuals.strong_text_color()
    };
    let text = if selected {
        visuals.selection.stroke.color
    } else {
        visuals.text_color()
    };
    if !row.read {
        painter.circle(
            pos2(rect.left() + 8.0, rect.top() + 12.0),
            3.5,
            theme::unread_colour(visuals),
            Stroke::NONE,
        );
    }
    let star_w = if row.starred { 18.0 } else { 0.0 };
    let left = rect.left() + 18.0;
    let width = (rect.width() - 22.0 - star_w).max(10.0);
    let title_colour = if row.read { text } else { strong };
    let untitled = t!("row.untitled");
    let title = if row.title.trim().is_empty() {
        untitled.as_ref()
    } else {
        row.title.as_str()
    };
    let title_pieces = match shown.search {
        Some(m) if m.title == row.title => marked_pieces(title, &m.title_ranges),
        _ => vec![(title, false)],
    };
    paint_sections(
        &painter,
        pos2(left, rect.top() + 3.0),
        width,
        &title_pieces,
        FontId::proportional(14.5),
        [title_colour, title_colour],
        Some(theme::match_colour(visuals)),
    );
    let meta_colour = if selected {
        // Weak grey is unreadable on the selection colour.
        visuals.selection.stroke.color.gamma_multiply(0.8)
    } else {
        theme::weak_colour(visuals)
    };
    let meta_pos = pos2(left, rect.top() + 22.0);
    let meta_font = FontId::proportional(12.0);
    match shown
        .search
        .map(|m| &m.snippet)
        .filter(|s| !s.text.is_empty())
    {
        // The words that matched stand out, as in any search results page.
        Some(s) => paint_sections(
            &painter,
            meta_pos,
            width,
            &snippet_sections(s),
            meta_font,
            [meta_colour, strong],
            None,
        ),
        None => {
            let mut parts = vec![row.feed_title.clone()];
            if let Some(a) = row.author.as_deref().filter(|a| !a.trim().is_empty()) {
                parts.push(a.to_string());
            }
            if let Some(t) = row.published_at {
                parts.push(relative_age(now, t));
            }
            // The age is already on the line: the recency reason ("published 5 h ago") adds
            // nothing.
            let first = shown.reason.and_then(|r| {
                let recency = crate::rank::explain::recency_prefix();
                r.split("; ").find(|x| !x.starts_with(&recency))
            });
            if let Some(first) = first {
                parts.push(first.to_string());
            }
            let meta = parts.join(" · ");
            paint_sections(
                &painter,
                meta_pos,
                width,
                &[(meta.as_str(), false)],
                meta_font,
                [meta_colour, strong],
                None,
            );
        }
    }
    if row.starred {
        paint_star(
            &painter,
            pos2(rect.right() - 11.0, rect.top() + 12.0),
            6.5,
            theme::star_colour(visuals),
        );
    }
}

/// A five-pointed star outline, drawn rather than typed: the default fonts have no star glyph.
fn paint_star(painter: &egui::Painter, centre: egui::Pos2, radius: f32, colour: Color32) {
    let points: Vec<egui::Pos2> = (0..10)
        .map(|k| {
            let r = if k % 2 == 0 { radius } else { radius * 0.45 };
            let angle = -std::f32::consts::FRAC_PI_2 + k as f32 * std::f32::consts::PI / 5.0;
            centre + vec2(angle.cos(), angle.sin()) * r
        })
        .collect();
    painter.add(egui::epaint::PathShape::closed_line(
        points,
        Stroke::new(1.5, colour),
    ));
}

/// One line of text in pieces, each plain (`false`) or marked (`true`), cut to `width` with an
/// ellipsis; `colours` are the plain and the marked colour, `mark_background` a highlight
/// behind the marked pieces.
fn paint_sections(
    painter: &egui::Painter,
    pos: egui::Pos2,
    width: f32,
    pieces: &[(&str, bool)],
    font: FontId,
    colours: [Color32; 2],
    mark_background: Option<Color32>,
) {
    let mut job = egui::text::LayoutJob::default();
    for &(text, marked) in pieces {
        let mut format = egui::TextFormat::simple(font.clone(), colours[usize::from(marked)]);
        if marked && let Some(bg) = mark_background {
            format.background = bg;
        }
        job.append(&text.replace('\n', " "), 0.0, format);
    }
    job.wrap.max_width = width;
    job.wrap.max_rows = 1;
    job.wrap.break_anywhere = true;
    job.wrap.overflow_character = Some('…');
    let galley = painter.layout_job(job);
    painter.galley(pos, galley, colours[0]);
}

/// A snippet cut at its highlights: plain and matched pieces in order, starting a few words
/// before the first match (after an ellipsis) when it lies further in, so that the match is
/// on the row's one line: the content's best fragment often opened well before it.
fn snippet_sections(s: &HitSnippet) -> Vec<(&str, bool)> {
    let start = s
        .highlights
        .first()
        .map_or(0, |&(first, _)| lead_start(&s.text, first));
    let Some(text) = s.text.get(start..) else {
        return marked_pieces(&s.text, &s.highlights);
    };
    let ranges: Vec<(usize, usize)> = s
        .highlights
        .iter()
        .filter(|&&(a, _)| a >= start)
        .map(|&(a, b)| (a - start, b - start))
        .collect();
    let mut out = marked_pieces(text, &ranges);
    if start > 0 {
        out.insert(0, ("…", false));
    }
    out
}

/// Where to start showing `text` so that about `SNIPPET_LEAD_CHARS` come before byte `first`:
/// at the start of a word, or 0 when the match is near the start anyway.
fn lead_start(text: &str, first: usize) -> usize {
    let Some(before) = text.get(..first) else {
        return 0;
    };
    if before.chars().count() <= SNIPPET_LEAD_CHARS {
        return 0;
    }
    let earliest = before
        .char_indices()
        .rev()
        .nth(SNIPPET_LEAD_CHARS - 1)
        .map_or(0, |(i, _)| i);
    let mut rest = &before[earliest..];
    // In the middle of a word: on to the next one. CJK text has no spaces to find, and any
    // character of it may start a line, so it is cut where it is.
    if !before[..earliest].ends_with(char::is_whitespace)
        && !rest.starts_with(crate::search::is_cjk)
    {
        rest = rest.trim_start_matches(|c: char| !c.is_whitespace());
    }
    first - rest.trim_start().len()
}

/// `text` cut at `ranges` (byte ranges, in order): plain and marked pieces in order. Ranges
/// that do not fall on character boundaries are left plain rather than dropped.
fn marked_pieces<'t>(text: &'t str, ranges: &[(usize, usize)]) -> Vec<(&'t str, bool)> {
    let mut out = Vec::new();
    let mut at = 0;
    for &(start, end) in ranges {
        let (Some(before), Some(hit)) = (text.get(at..start), text.get(start..end)) else {
            continue;
        };
        if !before.is_empty() {
            out.push((before, false));
        }
        out.push((hit, true));
        at = end;
    }
    if let Some(rest) = text.get(at..)
        && !rest.is_empty()
    {
        out.push((rest, false));
    }
    out
}

/// "5 min", "3 h", "2 d", or the date (in the local time zone) for older items.
pub fn relative_age(now: UnixTime, t: UnixTime) -> String {
    relative_age_in(now, t, &chrono::Local)
}

/// `relative_age` with the date taken in `zone`: a late-evening item is dated as its reader's
/// calendar has it, not as UTC's.
fn relative_age_in<Z: chrono::TimeZone>(now: UnixTime, t: UnixTime, zone: &Z) -> String
where
    Z::Offset: std::fmt::Display,
{
    let d = now - t;
    use crate::ui::time_text;
    if d < 60 {
        t!("time.just_now").into_owned()
    } else if d < 3_600 {
        time_text::minutes(d / 60)
    } else if d < 86_400 {
        time_text::hours(d / 3_600)
    } else if d < 7 * 86_400 {
        time_text::days(d / 86_400)
    } else {
        chrono::DateTime::from_timestamp(t, 0)
            .map(|d| time_text::moment(&d.with_timezone(zone), "date.day"))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_naturally() {
        assert_eq!(relative_age(1_000, 990), "just now");
        assert_eq!(relative_age(10_000, 10_000 - 7_200), "2 h");
        // 22:13 UTC on the 14th is already the 15th two hours east.
        assert_eq!(
            relative_age_in(1_800_000_000, 1_700_000_000, &chrono::Utc),
            "14 Nov 2023"
        );
        let east = chrono::FixedOffset::east_opt(2 * 3_600).unwrap_or_else(|| panic!("offset"));
        assert_eq!(
            relative_age_in(1_800_000_000, 1_700_000_000, &east),
            "15 Nov 2023"
        );
    }

    #[test]
    fn a_snippet_is_cut_at_its_matches() {
        let s = HitSnippet {
            text: "The full Moon is the worst time for the Moon".into(),
            highlights: vec![(9, 13), (40, 44)],
        };
        assert_eq!(
            snippet_sections(&s),
            vec![
                ("The full ", false),
                ("Moon", true),
                (" is the worst time for the ", false),
                ("Moon", true),
            ]
        );
    }

    #[test]
    fn a_snippet_starts_a_few_words_before_a_match_far_into_it() {
        let text = "A pair of 7x50 or 10x50 binoculars shows the Andromeda galaxy, the Pleiades \
                    and the craters of the Moon, costs little, and goes everywhere. Buy a \
                    telescope once you know what you want to see";
        let at = text.find("telescope").unwrap_or_default();
        let s = HitSnippet {
            text: text.into(),
            highlights: vec![(at, at + "telescope".len())],
        };
        assert_eq!(
            snippet_sections(&s),
            vec![
                ("…", false),
                ("and goes everywhere. Buy a ", false),
                ("telescope", true),
                (" once you know what you want to see", false),
            ]
        );
        // A match near the start keeps the whole snippet.
        let s = HitSnippet {
            text: "The full Moon rises".into(),
            highlights: vec![(9, 13)],
        };
        assert_eq!(snippet_sections(&s)[0], ("The full ", false));
    }

    #[test]
    fn a_cjk_snippet_starts_a_few_characters_before_a_match_far_into_it() {
        let text = "今天天气很好我们去公园散步".repeat(4) + "最后谈到番茄工作法的用处";
        let at = text.find("番茄").unwrap_or_default();
        let s = HitSnippet {
            text: text.clone(),
            highlights: vec![(at, at + "番茄".len())],
        };
        let sections = snippet_sections(&s);
        assert_eq!(sections[0], ("…", false));
        assert_eq!(sections[1].0.chars().count(), SNIPPET_LEAD_CHARS);
        assert!(sections[1].0.ends_with("最后谈到"), "{sections:?}");
        assert_eq!(sections[2], ("番茄", true));
    }

    #[test]
    fn a_match_off_a_character_boundary_stays_plain_text() {
        // "é" is two bytes: a range ending inside it cannot be cut, so it is not marked.
        let s = HitSnippet {
            text: "café au lait".into(),
            highlights: vec![(0, 4), (6, 8)],
        };
        assert_eq!(
            snippet_sections(&s),
            vec![("café ", false), ("au", true), (" lait", false)]
        );
    }
}
