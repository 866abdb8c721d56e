//! Highlighted snippets for hits: the best-matching fragment of the content (tantivy's
//! SnippetGenerator) and the matched ranges of the title, as byte ranges the UI can style.

use super::SearchError;
use super::schema::Fields;
use serde::{Deserialize, Serialize};
use tantivy::Searcher;
use tantivy::query::Query;
use tantivy::snippet::{Snippet, SnippetGenerator, collapse_overlapped_ranges};

/// Longest content snippet, in characters.
pub const SNIPPET_CHARS: usize = 200;
/// Titles are shown whole; this only bounds pathological ones.
const TITLE_CHARS: usize = 1000;

/// A piece of an item's text with the ranges that matched the query.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct HitSnippet {
    pub text: String,
    /// Byte ranges of `text` to highlight, in order, not overlapping.
    pub highlights: Vec<(usize, usize)>,
}

impl HitSnippet {
    /// The snippet as HTML: text escaped, matches in `<b>`.
    pub fn to_html(&self) -> String {
        self.render("<b>", "</b>", html_escape)
    }

    /// The snippet with matches wrapped in `open`/`close` (say `**` for a terminal).
    pub fn marked(&self, open: &str, close: &str) -> String {
        self.render(open, close, str::to_owned)
    }

    fn render(&self, open: &str, close: &str, esc: impl Fn(&str) -> String) -> String {
        let mut out = String::with_capacity(self.text.len() + 16);
        let mut at = 0;
        for &(s, e) in &self.highlights {
            let (Some(before), Some(hit)) = (self.text.get(at..s), self.text.get(s..e)) else {
                continue;
            };
            out.push_str(&esc(before));
            out.push_str(open);
            out.push_str(&esc(hit));
            out.push_str(close);
            at = e;
        }
        out.push_str(&esc(self.text.get(at..).unwrap_or_default()));
        out
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Snippet generators for one query on one searcher.
pub(super) struct Snippets {
    title: SnippetGenerator,
    content: SnippetGenerator,
}

impl Snippets {
    pub(super) fn new(
        searcher: &Searcher,
        query: &dyn Query,
        fields: Fields,
    ) -> Result<Self, SearchError> {
        let mut title = SnippetGenerator::create(searcher, query, fields.title)?;
        title.set_max_num_chars(TITLE_CHARS);
        let mut content = SnippetGenerator::create(searcher, query, fields.content)?;
        content.set_max_num_chars(SNIPPET_CHARS);
        Ok(Self { title, content })
    }

    /// Matched byte ranges of the whole title.
    pub(super) fn title_highlights(&self, title: &str) -> Vec<(usize, usize)> {
        let s = self.title.snippet(title);
        let offset = s.fragment_range().start;
        highlights(&s)
            .into_iter()
            .map(|(start, end)| (start + offset, end + offset))
            .collect()
    }

    /// The best fragment of the content; its opening when no query word occurs in it (a title
    /// match, or a match-all query).
    pub(super) fn content(&self, content: &str) -> HitSnippet {
        let s = self.content.snippet(content);
        if !s.highlighted().is_empty() {
            return HitSnippet {
                text: s.fragment().to_owned(),
                highlights: highlights(&s),
            };
        }
        HitSnippet {
            text: leading_text(content, SNIPPET_CHARS),
            highlights: Vec::new(),
        }
    }
}

/// The matched ranges of a tantivy snippet, in order and merged where they overlap: the
/// bigrams of a CJK word overlap (`推荐算法` matches `推荐`, `荐算`, `算法`), and the UI
/// cuts the text at these ranges, so they must not.
fn highlights(s: &Snippet) -> Vec<(usize, usize)> {
    collapse_overlapped_ranges(s.highlighted())
        .into_iter()
        .map(|r| (r.start, r.end))
        .collect()
}

/// At most `max_chars` characters from the start of `text`, cut at a word boundary when one is
/// near, with an ellipsis when cut.
pub(super) fn leading_text(text: &str, max_chars: usize) -> String {
    let text = text.trim();
    let Some((cut, _)) = text.char_indices().nth(max_chars) else {
        return text.to_owned();
    };
    let head = &text[..cut];
    let head = match head.rfind(char::is_whitespace) {
        Some(ws) if ws > cut / 2 => &head[..ws],
        _ => head,
    };
    format!("{}…", head.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_marks_and_escapes() {
        let s = HitSnippet {
            text: "a <rust> b".into(),
            highlights: vec![(3, 7)],
        };
        assert_eq!(s.to_html(), "a &lt;<b>rust</b>&gt; b");
        assert_eq!(s.marked("[", "]"), "a <[rust]> b");
    }

    #[test]
    fn leading_text_cuts_at_words() {
        assert_eq!(leading_text("short", 10), "short");
        assert_eq!(
            leading_text("hello wonderful world", 18),
            "hello wonderful…"
        );
        assert_eq!(leading_text("ééééé", 3), "ééé…");
    }
}
