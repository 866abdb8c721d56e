//! Turns an item's (already sanitized) HTML into readable blocks for the article pane: paragraphs,
//! headings, list items, quotes and code, with links kept as links and images as their address
//! and alt text (the pane loads them only when asked).
//! Not a browser: it reads structure and text, and never fails on malformed markup.

/// Inline text attributes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Style {
    pub bold: bool,
    pub italic: bool,
    pub code: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    Text {
        text: String,
        style: Style,
    },
    Link {
        text: String,
        url: String,
    },
    /// An image: its alt text, and its address (already made absolute and safe by the
    /// sanitizer), which is fetched only when the user asks for images.
    Image {
        alt: String,
        src: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Paragraph,
    Heading(u8),
    /// `marker` is "•" or "3.", `depth` from 1.
    ListItem {
        depth: u8,
    },
    Quote,
    Preformatted,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    /// For list items: "•" or "3.".
    pub marker: Option<String>,
    pub inlines: Vec<Inline>,
}

impl Block {
    /// The block's text without markup (tests, and the copy button).
    pub fn plain_text(&self) -> String {
        let mut s = String::new();
        for i in &self.inlines {
            match i {
                Inline::Text { text, .. } | Inline::Link { text, .. } => s.push_str(text),
                Inline::Image { alt, .. } => s.push_str(alt),
            }
        }
        s
    }
}

/// Plain text (no HTML) as paragraphs split on blank lines.
pub fn text_blocks(text: &str) -> Vec<Block> {
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| Block {
            kind: BlockKind::Paragraph,
            marker: None,
            inlines: vec![Inline::Text {
                text: p.to_string(),
                style: Style::default(),
            }],
        })
        .collect()
}

/// Parses HTML into blocks.
pub fn html_blocks(html: &str) -> Vec<Block> {
    let mut b = Builder::default();
    let mut rest = html;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |i| &after[i + 3..]);
        } else if starts_tag(rest) {
            let end = tag_end(rest);
            let inner = &rest[1..end];
            b.tag(inner.strip_suffix('>').unwrap_or(inner));
            rest = &rest[end..];
        } else {
            // A `<` that opens no tag ("a < b") is text.
            let first = rest.chars().next().map_or(1, char::len_utf8);
            let end = rest[first..].find('<').map_or(rest.len(), |i| i + first);
            b.text(&decode_entities(&rest[..end]));
            rest = &rest[end..];
        }
    }
    b.finish_block();
    b.blocks
}

/// Whether `s` starts with a tag (`<p`, `</p`, `<!DOCTYPE`), not a lone `<`.
fn starts_tag(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next() == Some('<')
        && chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!')
}

/// Index just past the `>` closing the tag that starts `s`, minding quoted attribute values.
fn tag_end(s: &str) -> usize {
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return i + 1,
            (None, _) => {}
        }
    }
    s.len()
}

#[derive(Default)]
struct Builder {
    blocks: Vec<Block>,
    kind: Option<BlockKind>,
    marker: Option<String>,
    inlines: Vec<Inline>,
    bold: u32,
    italic: u32,
    code: u32,
    pre: u32,
    quote: u32,
    /// Ordered lists hold their next number; unordered lists hold `None`.
    lists: Vec<Option<u32>>,
    link: Option<(String, String)>,
    /// Inside script, style, head or title: text is not content.
    hidden: u32,
}

impl Builder {
    fn style(&self) -> Style {
        Style {
            bold: self.bold > 0,
            italic: self.italic > 0,
            code: self.code > 0 || self.pre > 0,
        }
    }

    fn default_kind(&self) -> BlockKind {
        if self.pre > 0 {
            BlockKind::Preformatted
        } else if self.quote > 0 {
            BlockKind::Quote
        } else {
            BlockKind::Paragraph
        }
    }

    fn finish_block(&mut self) {
        self.close_link();
        let inlines = std::mem::take(&mut self.inlines);
        let kind = self.kind.take().unwrap_or_else(|| self.default_kind());
        let marker = self.marker.take();
        let inlines = trim_inlines(inlines, kind == BlockKind::Preformatted);
        if !inlines.is_empty() {
            self.blocks.push(Block {
                kind,
                marker,
                inlines,
            });
        }
    }

    fn close_link(&mut self) {
        if let Some((url, text)) = self.link.take() {
            let text = collapse(&text);
            let text = if text.trim().is_empty() {
                url.clone()
            } else {
                text
            };
            self.inlines.push(Inline::Link { text, url });
        }
    }

    fn text(&mut self, raw: &str) {
        if self.hidden > 0 {
            return;
        }
        let text = if self.pre > 0 {
            raw.to_string()
        } else {
            collapse(raw)
        };
        if text.is_empty() {
            return;
        }
        if let Some((_, t)) = &mut self.link {
            t.push_str(&text);
            return;
        }
        let style = self.style();
        match self.inlines.last_mut() {
            Some(Inline::Text { text: t, style: s }) if *s == style => t.push_str(&text),
            _ => self.inlines.push(Inline::Text { text, style }),
        }
    }

    fn tag(&mut self, inner: &str) {
        let inner = inner.trim();
        let closing = inner.starts_with('/');
        let body = inner.trim_start_matches('/');
        let name_end = body
            .find(|c: char| c.is_whitespace() || c == '/')
            .unwrap_or(body.len());
        let name = body[..name_end].to_ascii_lowercase();
        let attrs = &body[name_end..];
        match (name.as_str(), closing) {
            ("script" | "style" | "head" | "title" | "noscript", false) => self.hidden += 1,
            ("script" | "style" | "head" | "title" | "noscript", true) => {
                self.hidden = self.hidden.saturating_sub(1)
            }
            (_, _) if self.hidden > 0 => {}
            ("br", _) => self.text_raw("\n"),
            (
                "p" | "div" | "section" | "article" | "header" | "footer" | "figure" | "figcaption"
                | "table" | "tr" | "dl" | "dt" | "dd" | "hr",
                _,
            ) => self.finish_block(),
            ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", false) => {
                self.finish_block();
                let level = name[1..].parse().unwrap_or(3);
                self.kind = Some(BlockKind::Heading(level));
            }
            ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", true) => self.finish_block(),
            ("ul", false) => {
                self.finish_block();
                self.lists.push(None);
            }
            ("ol", false) => {
                self.finish_block();
                let start = attr(attrs, "start").and_then(|s| s.trim().parse().ok());
                self.lists.push(Some(start.unwrap_or(1)));
            }
            ("ul" | "ol", true) => {
                self.finish_block();
                self.lists.pop();
            }
            ("li", false) => {
                self.finish_block();
                let depth = self.lists.len().clamp(1, 8) as u8;
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let m = format!("{n}.");
                        // `start` comes from a stranger: u32::MAX must not overflow.
                        *n = n.saturating_add(1);
                        m
                    }
                    _ => "•".to_string(),
                };
                self.kind = Some(BlockKind::ListItem { depth });
                self.marker = Some(marker);
            }
            ("li", true) => self.finish_block(),
            ("blockquote", false) => {
                self.finish_block();
                self.quote += 1;
            }
            ("blockquote", true) => {
                self.finish_block();
                self.quote = self.quote.saturating_sub(1);
            }
            ("pre", false) => {
                self.finish_block();
                self.pre += 1;
            }
            ("pre", true) => {
                self.finish_block();
                self.pre = self.pre.saturating_sub(1);
            }
            ("b" | "strong", false) => self.bold += 1,
            ("b" | "strong", true) => self.bold = self.bold.saturating_sub(1),
            ("i" | "em" | "cite", false) => self.italic += 1,
            ("i" | "em" | "cite", true) => self.italic = self.italic.saturating_sub(1),
            ("code" | "kbd" | "samp" | "tt", false) => self.code += 1,
            ("code" | "kbd" | "samp" | "tt", true) => self.code = self.code.saturating_sub(1),
            ("td" | "th", false) => self.text_raw(" "),
            ("a", false) => {
                self.close_link();
                if let Some(href) = attr(attrs, "href") {
                    self.link = Some((decode_entities(href.trim()), String::new()));
                }
            }
            ("a", true) => self.close_link(),
            ("img", _) => {
                let alt = attr(attrs, "alt")
                    .map(|a| collapse(&decode_entities(a)))
                    .unwrap_or_default();
                let src = attr(attrs, "src")
                    .map(|s| decode_entities(s.trim()))
                    .filter(|s| s.starts_with("https://") || s.starts_with("http://"))
                    .filter(|s| !super::images::is_known_tracker(s));
                // Tracking pixels and spacers: never shown, never fetched.
                let tiny = ["width", "height"]
                    .iter()
                    .any(|k| attr(attrs, k).is_some_and(|v| v.trim() == "1" || v.trim() == "0"));
                if (!alt.trim().is_empty() || src.is_some()) && !tiny {
                    self.close_link();
                    self.inlines.push(Inline::Image {
                        alt: alt.trim().to_string(),
                        src,
                    });
                }
            }
            _ => {}
        }
    }

    /// Text that keeps its whitespace (line breaks, cell gaps).
    fn text_raw(&mut self, s: &str) {
        if let Some((_, t)) = &mut self.link {
            t.push_str(s);
            return;
        }
        let style = self.style();
        match self.inlines.last_mut() {
            Some(Inline::Text { text, style: st }) if *st == style => text.push_str(s),
            _ => self.inlines.push(Inline::Text {
                text: s.to_string(),
                style,
            }),
        }
    }
}

/// Collapses runs of whitespace to one space (HTML's rendering rule outside `<pre>`).
fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    if space {
        out.push(' ');
    }
    out
}

/// Drops empty inlines and trims the block's leading and trailing spaces.
fn trim_inlines(mut inlines: Vec<Inline>, pre: bool) -> Vec<Inline> {
    inlines.retain(|i| match i {
        Inline::Text { text, .. } => !text.is_empty(),
        _ => true,
    });
    if !pre {
        if let Some(Inline::Text { text, .. }) = inlines.first_mut() {
            *text = text.trim_start().to_string();
        }
        if let Some(Inline::Text { text, .. }) = inlines.last_mut() {
            *text = text.trim_end().to_string();
        }
        inlines.retain(|i| !matches!(i, Inline::Text { text, .. } if text.is_empty()));
    }
    inlines
}

/// The value of attribute `name` in a tag's attribute text.
fn attr<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let lower = attrs.to_ascii_lowercase();
    let mut from = 0;
    while let Some(pos) = lower[from..].find(name) {
        let start = from + pos;
        from = start + name.len();
        let before_ok = start == 0
            || lower[..start]
                .chars()
                .next_back()
                .is_some_and(char::is_whitespace);
        let rest = lower[from..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let value_start = attrs.len() - rest.len() + 1;
        let value = attrs[value_start..].trim_start();
        let offset = attrs.len() - value.len();
        return match value.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let body = &attrs[offset + 1..];
                Some(&body[..body.find(q).unwrap_or(body.len())])
            }
            Some(_) => {
                let end = value.find(char::is_whitespace).unwrap_or(value.len());
                Some(&value[..end])
            }
            None => Some(""),
        };
    }
    None
}

/// Decodes the entities feeds actually use: the XML five, `&nbsp;`, a few typographic ones,
/// and numeric references. Unknown ones stay as written.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        // Entity names are short; a `;` further on belongs to the text.
        let end = rest
            .char_indices()
            .take_while(|(i, _)| *i < 12)
            .find(|(_, c)| *c == ';')
            .map(|(i, _)| i);
        let decoded = end.and_then(|e| entity(&rest[1..e]).map(|c| (c, e)));
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code).filter(|c| *c != '\0');
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "mdash" => '—',
        "ndash" => '–',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "copy" => '©',
        "middot" => '·',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_starting_at_the_largest_number_does_not_overflow() {
        let blocks = html_blocks(r#"<ol start="4294967295"><li>a</li><li>b</li><li>c</li></ol>"#);
        let texts: Vec<String> = blocks.iter().map(Block::plain_text).collect();
        assert_eq!(texts, vec!["a", "b", "c"]);
    }

    #[test]
    fn tracker_images_lose_their_address_and_pixels_vanish() {
        let html = r#"<p><img src="https://pixel.wp.com/g.gif?x=1"><img src="https://feeds.feedburner.com/~r/a/~4/b" alt="counter"><img src="https://example.com/spacer.gif" width="1" height="1"><img src="https://example.com/cat.png" alt="a cat"></p>"#;
        let images: Vec<(String, Option<String>)> = html_blocks(html)
            .into_iter()
            .flat_map(|b| b.inlines)
            .filter_map(|i| match i {
                Inline::Image { alt, src } => Some((alt, src)),
                _ => None,
            })
            .collect();
        assert_eq!(
            images,
            vec![
                ("counter".to_string(), None),
                (
                    "a cat".to_string(),
                    Some("https://example.com/cat.png".to_string())
                ),
            ]
        );
    }

    #[test]
    fn paragraphs_links_lists_and_images_become_blocks() {
        let html = r#"<p>Hello <strong>bold</strong> &amp; <a href="https://x.org/a?b=1&amp;c=2">a link</a>.</p>
            <ul><li>one</li><li>two</li></ul><ol start="3"><li>three</li></ol>
            <p><img src="x.png" alt="A chart of &quot;things&quot;"><img src="t.gif" width="1" height="1" alt="pixel"></p>
            <script>alert(1)</script><h2>Title</h2><blockquote>quoted</blockquote>"#;
        let blocks = html_blocks(html);
        let texts: Vec<String> = blocks.iter().map(Block::plain_text).collect();
        assert_eq!(
            texts,
            vec![
                "Hello bold & a link.",
                "one",
                "two",
                "three",
                "A chart of \"things\"",
                "Title",
                "quoted"
            ]
        );
        assert!(blocks[0].inlines.contains(&Inline::Link {
            text: "a link".into(),
            url: "https://x.org/a?b=1&c=2".into()
        }));
        assert_eq!(blocks[1].marker.as_deref(), Some("•"));
        assert_eq!(blocks[3].marker.as_deref(), Some("3."));
        assert_eq!(blocks[5].kind, BlockKind::Heading(2));
        assert_eq!(blocks[6].kind, BlockKind::Quote);
    }

    #[test]
    fn malformed_markup_never_panics_and_keeps_text() {
        for html in [
            "<p>unclosed <b>bold",
            "<a href='x",
            "text < 5 and > 3",
            "<!-- open comment",
            "&#xFFFFFFFF; &#0; &bogus; &",
            "<img alt=\"é\u{301}\">",
            "<<>><</p>",
        ] {
            let _ = html_blocks(html);
        }
        assert_eq!(
            html_blocks("<p>unclosed <b>bold")[0].plain_text(),
            "unclosed bold"
        );
        assert_eq!(decode_entities("&#233;t&eacute; &#x41;"), "ét&eacute; A");
    }
}
