//! Turns untrusted HTML from feeds into (a) sanitized HTML — an allowlist of tags and attributes,
//! links made absolute, no script, style, frames, forms or tracking pixels — and (b) readable
//! plain text for display and indexing.
//!
//! Why our own code rather than a crate such as ammonia: the output is never handed to a web
//! engine (egui draws it), so the threat is content leaking into the UI, not mutation XSS; an
//! allowlist re-serializer over our tolerant tokenizer covers that, and keeps html5ever's large
//! dependency tree out of a build that CI must finish on two cores.

use super::html::{Token, escape, tokenize};
use std::collections::HashMap;
use url::Url;

/// Tags kept (without their disallowed attributes). A `match`, not a list searched: it is
/// asked for every tag of every item a refresh brings.
fn is_allowed(tag: &str) -> bool {
    is_heading(tag)
        || matches!(
            tag,
            "a" | "abbr"
                | "b"
                | "blockquote"
                | "br"
                | "caption"
                | "cite"
                | "code"
                | "dd"
                | "del"
                | "details"
                | "dfn"
                | "div"
                | "dl"
                | "dt"
                | "em"
                | "figcaption"
                | "figure"
                | "hr"
                | "i"
                | "img"
                | "ins"
                | "kbd"
                | "li"
                | "mark"
                | "ol"
                | "p"
                | "pre"
                | "q"
                | "s"
                | "samp"
                | "small"
                | "span"
                | "strike"
                | "strong"
                | "sub"
                | "summary"
                | "sup"
                | "table"
                | "tbody"
                | "td"
                | "tfoot"
                | "th"
                | "thead"
                | "time"
                | "tr"
                | "tt"
                | "u"
                | "ul"
                | "var"
        )
}

fn is_heading(tag: &str) -> bool {
    matches!(tag, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}

/// Tags dropped together with everything inside them.
fn drops_with_content(tag: &str) -> bool {
    matches!(
        tag,
        "script"
            | "style"
            | "iframe"
            | "object"
            | "embed"
            | "noscript"
            | "template"
            | "svg"
            | "math"
            | "textarea"
            | "select"
            | "title"
            | "head"
            | "applet"
            | "frameset"
            | "frame"
            | "noembed"
            | "noframes"
            | "xmp"
            | "button"
            | "canvas"
    )
}

/// Open elements kept at most; hostile input may nest thousands.
const MAX_DEPTH: usize = 64;

/// Elements that never have content.
fn is_void(tag: &str) -> bool {
    matches!(tag, "br" | "hr" | "img")
}

/// Attributes allowed per tag; URL-valued ones are checked and made absolute.
fn allowed_attr(tag: &str, attr: &str) -> bool {
    matches!(
        (tag, attr),
        ("a", "href" | "title")
            | ("img", "src" | "alt" | "title" | "width" | "height")
            | ("abbr" | "dfn", "title")
            | ("blockquote" | "q" | "del" | "ins", "cite")
            | ("td" | "th", "colspan" | "rowspan")
            | ("time", "datetime")
            | ("ol", "start")
    )
}

fn is_url_attr(attr: &str) -> bool {
    matches!(attr, "href" | "src" | "cite")
}

/// Resolves `raw` against `base` and keeps it only if the scheme is safe to open.
pub fn safe_url(raw: &str, base: Option<&Url>, is_image: bool) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let url = match Url::parse(raw) {
        Ok(u) => u,
        Err(url::ParseError::RelativeUrlWithoutBase) => base?.join(raw).ok()?,
        Err(_) => return None,
    };
    let ok = match url.scheme() {
        "http" | "https" => true,
        "mailto" => !is_image,
        _ => false,
    };
    ok.then(|| url.to_string())
}

/// Known hosts and paths of feed tracking beacons.
const TRACKERS: &[&str] = &[
    "feeds.feedburner.com/~r/",
    "feeds.feedburner.com/~ff/",
    "pixel.wp.com",
    "stats.wordpress.com",
    "feedsportal.com",
    "doubleclick.net",
    "google-analytics.com",
    "pixel.quantserve.com",
    "/open.aspx",
    "/track/open",
];

fn is_tracking_pixel(attrs: &[(String, String)]) -> bool {
    let get = |k: &str| attrs.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim());
    let tiny = |v: Option<&str>| {
        v.and_then(|v| v.trim_end_matches("px").parse::<u32>().ok())
            .is_some_and(|n| n <= 1)
    };
    if tiny(get("width")) || tiny(get("height")) {
        return true;
    }
    let src = get("src").unwrap_or("").to_ascii_lowercase();
    TRACKERS.iter().any(|t| src.contains(t))
}

/// Where each element's last end tag is, so that an unclosed `<object>` or `<embed>` (void in
/// HTML) drops only itself, not the rest of the document.
fn last_end_tags(tokens: &[Token]) -> HashMap<&str, usize> {
    let mut last = HashMap::new();
    for (i, t) in tokens.iter().enumerate() {
        if let Token::End { name } = t {
            last.insert(name.as_str(), i);
        }
    }
    last
}

/// Whether a dropped element starting at `i` has content to drop with it.
fn drops_content(
    last_end: &HashMap<&str, usize>,
    name: &str,
    i: usize,
    self_closing: bool,
) -> bool {
    !self_closing && last_end.get(name).is_some_and(|&e| e > i)
}

/// The allowlisted, balanced, absolute-linked version of `html`.
pub fn sanitize_html(html: &str, base: Option<&Url>) -> String {
    let mut out = String::with_capacity(html.len());
    let tokens = tokenize(html);
    let last_end = last_end_tags(&tokens);
    let mut open: Vec<&str> = Vec::new();
    let mut skip_depth: Vec<&str> = Vec::new();
    let mut tag = String::new();
    for (i, token) in tokens.iter().enumerate() {
        if let Some(&skipping) = skip_depth.last() {
            if let Token::End { name } = token
                && name == skipping
            {
                skip_depth.pop();
            } else if let Token::Start {
                name,
                self_closing: false,
                ..
            } = token
                && drops_with_content(name)
                && drops_content(&last_end, name, i, false)
            {
                skip_depth.push(name);
            }
            continue;
        }
        match token {
            Token::Text(t) => escape(t, &mut out),
            Token::Raw(_) => {}
            Token::Start {
                name,
                attrs,
                self_closing,
            } => {
                let name = name.as_str();
                if drops_with_content(name) {
                    if drops_content(&last_end, name, i, *self_closing) {
                        skip_depth.push(name);
                    }
                    continue;
                }
                if !is_allowed(name) {
                    continue;
                }
                if name == "img" && is_tracking_pixel(attrs) {
                    continue;
                }
                tag.clear();
                tag.push('<');
                tag.push_str(name);
                let mut has_src = false;
                for (k, v) in attrs {
                    if !allowed_attr(name, k) {
                        continue;
                    }
                    tag.push(' ');
                    tag.push_str(k);
                    tag.push_str("=\"");
                    if is_url_attr(k) {
                        match safe_url(v, base, name == "img") {
                            Some(u) => escape(&u, &mut tag),
                            None => {
                                tag.truncate(tag.len() - k.len() - 3);
                                continue;
                            }
                        }
                    } else {
                        escape(v, &mut tag);
                    }
                    has_src |= k == "src";
                    tag.push('"');
                }
                if name == "img" && !has_src {
                    // An image we cannot show safely: keep its alt text, if any.
                    if let Some((_, alt)) = attrs.iter().find(|(k, _)| k == "alt") {
                        escape(alt, &mut out);
                    }
                    continue;
                }
                if is_void(name) {
                    tag.push_str(" />");
                    out.push_str(&tag);
                } else if open.len() >= MAX_DEPTH {
                    // Deeper nesting adds nothing readable and would make closing tags costly.
                    continue;
                } else {
                    tag.push('>');
                    out.push_str(&tag);
                    open.push(name);
                }
            }
            Token::End { name } => {
                if let Some(pos) = open.iter().rposition(|n| n == name) {
                    for n in open.drain(pos..).rev() {
                        out.push_str("</");
                        out.push_str(n);
                        out.push('>');
                    }
                }
            }
        }
    }
    for n in open.into_iter().rev() {
        out.push_str("</");
        out.push_str(n);
        out.push('>');
    }
    out
}

/// Elements that start a new line in plain text.
fn is_block(tag: &str) -> bool {
    is_heading(tag)
        || matches!(
            tag,
            "p" | "div"
                | "br"
                | "li"
                | "ul"
                | "ol"
                | "blockquote"
                | "pre"
                | "tr"
                | "table"
                | "hr"
                | "dl"
                | "dt"
                | "dd"
                | "figure"
                | "figcaption"
                | "section"
                | "article"
                | "header"
                | "footer"
                | "aside"
                | "nav"
                | "details"
                | "summary"
                | "address"
                | "main"
                | "caption"
        )
}

/// Readable plain text: blocks on their own lines, list items bulleted, images as their alt
/// text, scripts and styles gone, whitespace collapsed (except inside `pre`).
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut skip: Vec<&str> = Vec::new();
    let mut pre = 0usize;
    let tokens = tokenize(html);
    let last_end = last_end_tags(&tokens);
    let newline = |out: &mut String, n: usize| {
        let trailing = out.bytes().rev().take_while(|c| *c == b'\n').count();
        if !out.is_empty() {
            for _ in trailing..n {
                out.push('\n');
            }
        }
    };
    for (i, token) in tokens.iter().enumerate() {
        if let Some(&s) = skip.last() {
            if matches!(token, Token::End { name } if name == s) {
                skip.pop();
            }
            continue;
        }
        match token {
            Token::Text(t) => push_text(&mut out, t, pre > 0),
            Token::Raw(_) => {}
            Token::Start {
                name,
                attrs,
                self_closing,
            } => {
                let n = name.as_str();
                if drops_with_content(n) {
                    if drops_content(&last_end, n, i, *self_closing) {
                        skip.push(n);
                    }
                    continue;
                }
                match n {
                    "br" => out.push('\n'),
                    "li" => {
                        newline(&mut out, 1);
                        out.push_str("• ");
                    }
                    "p" | "blockquote" | "pre" | "table" => newline(&mut out, 2),
                    n if is_heading(n) => newline(&mut out, 2),
                    "img" => {
                        let alt = attrs
                            .iter()
                            .find(|(k, _)| k == "alt")
                            .map(|(_, v)| v.trim())
                            .unwrap_or("");
                        if !alt.is_empty() && !is_tracking_pixel(attrs) {
                            push_text(&mut out, &format!("[{alt}]"), false);
                        }
                    }
                    "td" | "th" => push_text(&mut out, " ", false),
                    n if is_block(n) => newline(&mut out, 1),
                    _ => {}
                }
                if n == "pre" && !self_closing {
                    pre += 1;
                }
            }
            Token::End { name } => {
                let n = name.as_str();
                if n == "pre" {
                    pre = pre.saturating_sub(1);
                }
                match n {
                    "p" | "blockquote" | "pre" | "table" => newline(&mut out, 2),
                    n if is_heading(n) => newline(&mut out, 2),
                    n if is_block(n) => newline(&mut out, 1),
                    _ => {}
                }
            }
        }
    }
    tidy_lines(&out)
}

/// Appends text, collapsing runs of whitespace to one space unless `keep` (inside `pre`). A
/// space goes in only where the text does not already end in a space or a line break. What
/// needs no change (words and the single spaces between them) is copied a stretch at a time:
/// this is the inner loop of every item a refresh stores.
fn push_text(out: &mut String, t: &str, keep: bool) {
    if keep {
        out.push_str(t);
        return;
    }
    // ' ' and '\n' are ASCII, so the last byte tells whether the last character is one.
    let mut at_break = matches!(out.as_bytes().last(), None | Some(b' ' | b'\n'));
    let mut from = 0;
    for (i, c) in t.char_indices() {
        if !c.is_whitespace() {
            at_break = false;
            continue;
        }
        if c == ' ' && !at_break {
            at_break = true;
            continue;
        }
        out.push_str(&t[from..i]);
        if !at_break {
            out.push(' ');
            at_break = true;
        }
        from = i + c.len_utf8();
    }
    out.push_str(&t[from..]);
}

/// Trims each line's trailing spaces and the text's ends; at most one blank line in a row.
fn tidy_lines(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank = 0;
    for line in s.lines() {
        let line = line.trim_end();
        let line = line.strip_prefix(' ').unwrap_or(line);
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line);
    }
    out
}

/// A one-line title from text that may hold markup or entities.
pub fn title_text(raw: &str, is_html: bool) -> String {
    let text = if is_html || looks_like_html(raw) {
        html_to_text(raw)
    } else {
        raw.to_string()
    };
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// True when `s` holds a tag or an entity reference, i.e. a text field that is really HTML.
pub fn looks_like_html(s: &str) -> bool {
    let b = s.as_bytes();
    b.windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'))
        || (s.contains('&') && s.contains(';'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://example.org/blog/post/").unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn scripts_styles_handlers_and_pixels_are_removed() {
        let html = r#"<p onclick="evil()" style="color:red">Hi<script>alert(1)</script><style>p{}</style>
            <img src="https://feeds.feedburner.com/~r/x/~4/abc" width="1" height="1">
            <iframe src="https://evil.test">inner</iframe><a href="javascript:alert(1)">x</a></p>"#;
        let clean = sanitize_html(html, Some(&base()));
        for bad in [
            "script",
            "alert",
            "style",
            "onclick",
            "iframe",
            "inner",
            "feedburner",
            "javascript",
        ] {
            assert!(!clean.contains(bad), "{bad} survived in {clean}");
        }
        assert!(clean.starts_with("<p>Hi"));
        assert!(clean.ends_with("</p>"));
    }

    #[test]
    fn relative_links_are_resolved_and_tags_balanced() {
        let clean = sanitize_html(
            r#"<div><a href="../other">o</a><img src="/i.png" alt="pic"><b>open"#,
            Some(&base()),
        );
        assert_eq!(
            clean,
            r#"<div><a href="https://example.org/blog/other">o</a><img src="https://example.org/i.png" alt="pic" /><b>open</b></div>"#
        );
    }

    #[test]
    fn unclosed_embeds_drop_only_themselves() {
        assert_eq!(
            html_to_text("safe<object classid=x> description"),
            "safe description"
        );
        assert_eq!(
            sanitize_html("safe<embed src=x> description", None),
            "safe description"
        );
        assert_eq!(html_to_text("a<object>b</object>c"), "ac");
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let html = format!("{}x{}", "<div>".repeat(10_000), "</i>".repeat(10_000));
        let clean = sanitize_html(&html, None);
        assert_eq!(clean.matches("<div>").count(), MAX_DEPTH);
        assert_eq!(clean.matches("</div>").count(), MAX_DEPTH);
    }

    #[test]
    fn text_is_readable() {
        let text = html_to_text(
            "<h1>Title</h1><p>One &amp; two\n   three</p><ul><li>a</li><li>b</li></ul><img alt=\"cat\" src=x><script>x()</script>",
        );
        assert_eq!(text, "Title\n\nOne & two three\n\n• a\n• b\n[cat]");
        assert_eq!(title_text("A &lt;b&gt; &amp; <i>C</i>", false), "A <b> & C");
        assert_eq!(title_text("Plain  title", false), "Plain title");
        // Every kind of whitespace, alone or in runs, becomes one space; none leads.
        assert_eq!(
            html_to_text(" \t a \t b\u{a0}\u{a0}c\u{3000}d  \n e<p> f</p>"),
            "a b c d e\n\nf"
        );
    }
}
