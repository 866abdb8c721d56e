//! OPML 1.0/2.0 subscription lists: reading (nested folders, titles, html links; tolerant of
//! sloppy files) and writing, so that a round trip keeps every feed and folder.

use super::html::{Token, escape, tokenize};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpmlFeed {
    pub url: String,
    pub title: String,
    pub html_url: Option<String>,
    /// Folder path from the top, empty for feeds outside any folder.
    pub folder: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Opml {
    pub title: Option<String>,
    /// Every folder path, parents before children, empty ones included.
    pub folders: Vec<Vec<String>>,
    pub feeds: Vec<OpmlFeed>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OpmlError {
    #[error("this is not an OPML file (no <opml> element)")]
    NotOpml,
}

/// Folders nest at most this deep; outlines below it belong to their ancestor at this depth.
/// Bounds the work per outline (its folder path is copied), so a file of 20,000 nested
/// outlines imports in linear time.
pub const MAX_FOLDER_DEPTH: usize = 16;

/// Reads an OPML document. Outlines with `xmlUrl` are feeds; other outlines with children are
/// folders (named by `text`, else `title`).
pub fn parse_opml(text: &str) -> Result<Opml, OpmlError> {
    let tokens = tokenize(text);
    if !tokens
        .iter()
        .any(|t| matches!(t, Token::Start { name, .. } if name == "opml"))
    {
        return Err(OpmlError::NotOpml);
    }
    let mut opml = Opml::default();
    // One entry per open <outline>: whether it opened a folder (pushed onto `path`).
    let mut stack: Vec<bool> = Vec::new();
    // The folders open now, outermost first (at most MAX_FOLDER_DEPTH).
    let mut path: Vec<String> = Vec::new();
    let mut in_title = false;
    let mut known_folders: std::collections::HashSet<Vec<String>> =
        std::collections::HashSet::new();
    for t in &tokens {
        match t {
            Token::Start {
                name, self_closing, ..
            } if name == "outline" => {
                let label = t
                    .attr("text")
                    .filter(|s| !s.trim().is_empty())
                    .or_else(|| t.attr("title"))
                    .map(|s| s.trim().to_string())
                    .unwrap_or_default();
                let feed_url = t.attr("xmlurl").map(str::trim).filter(|u| !u.is_empty());
                if let Some(url) = feed_url {
                    let title = t
                        .attr("title")
                        .filter(|s| !s.trim().is_empty())
                        .map_or(label.clone(), |s| s.trim().to_string());
                    opml.feeds.push(OpmlFeed {
                        url: url.to_string(),
                        title,
                        html_url: t
                            .attr("htmlurl")
                            .map(str::trim)
                            .filter(|u| !u.is_empty())
                            .map(String::from),
                        folder: path.clone(),
                    });
                    if !self_closing {
                        stack.push(false);
                    }
                } else if !self_closing {
                    let name = if label.is_empty() {
                        "Untitled".to_string()
                    } else {
                        label
                    };
                    if path.len() < MAX_FOLDER_DEPTH {
                        path.push(name);
                        if known_folders.insert(path.clone()) {
                            opml.folders.push(path.clone());
                        }
                        stack.push(true);
                    } else {
                        // Too deep to be a folder of its own: its feeds go to its ancestor.
                        stack.push(false);
                    }
                }
            }
            // The guard pops the outline either way; only a folder's end leaves the path.
            Token::End { name } if name == "outline" && stack.pop() == Some(true) => {
                path.pop();
            }
            Token::End { name } if name == "outline" => {}
            Token::Start { name, .. } if name == "title" && stack.is_empty() => in_title = true,
            Token::Raw(s) | Token::Text(s) if in_title => {
                let s = super::html::decode_entities(s.trim());
                opml.title = Some(s).filter(|s| !s.is_empty());
                in_title = false;
            }
            Token::End { name } if name == "title" => in_title = false,
            _ => {}
        }
    }
    Ok(opml)
}

/// Writes OPML 2.0 with folders as nested outlines. `folders` may omit parents of a path.
pub fn write_opml(
    title: &str,
    folders: &[Vec<String>],
    feeds: &[OpmlFeed],
    created: &str,
) -> String {
    let mut all: Vec<Vec<String>> = Vec::new();
    for path in folders.iter().chain(feeds.iter().map(|f| &f.folder)) {
        for n in 1..=path.len() {
            let p = path[..n].to_vec();
            if !all.contains(&p) {
                all.push(p);
            }
        }
    }
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head>\n    <title>",
    );
    escape(title, &mut out);
    out.push_str("</title>\n    <dateCreated>");
    escape(created, &mut out);
    out.push_str("</dateCreated>\n  </head>\n  <body>\n");
    write_level(&mut out, &[], &all, feeds, 2);
    out.push_str("  </body>\n</opml>\n");
    out
}

fn write_level(
    out: &mut String,
    prefix: &[String],
    all: &[Vec<String>],
    feeds: &[OpmlFeed],
    depth: usize,
) {
    let pad = "  ".repeat(depth);
    for f in feeds.iter().filter(|f| f.folder == prefix) {
        out.push_str(&pad);
        out.push_str("<outline type=\"rss\" text=\"");
        escape(&f.title, out);
        out.push_str("\" title=\"");
        escape(&f.title, out);
        out.push_str("\" xmlUrl=\"");
        escape(&f.url, out);
        out.push('"');
        if let Some(h) = &f.html_url {
            out.push_str(" htmlUrl=\"");
            escape(h, out);
            out.push('"');
        }
        out.push_str("/>\n");
    }
    for child in all
        .iter()
        .filter(|p| p.len() == prefix.len() + 1 && p.starts_with(prefix))
    {
        let name = child.last().map_or("", String::as_str);
        out.push_str(&pad);
        out.push_str("<outline text=\"");
        escape(name, out);
        out.push_str("\" title=\"");
        escape(name, out);
        out.push_str("\">\n");
        write_level(out, child, all, feeds, depth + 1);
        out.push_str(&pad);
        out.push_str("</outline>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_folders_round_trip() {
        let src = r#"<?xml version="1.0"?><opml version="1.0"><head><title>Mine &amp; yours</title></head><body>
            <outline text="Top" title="Top"><outline text="Inner">
              <outline text="A" xmlUrl="https://a.test/feed" htmlUrl="https://a.test/"/>
            </outline><outline text="Empty"></outline></outline>
            <outline title="B only title" xmlUrl="https://b.test/rss?x=1&amp;y=2" type="rss"></outline>
            </body></opml>"#;
        let o = parse_opml(src).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(o.title.as_deref(), Some("Mine & yours"));
        assert_eq!(o.feeds.len(), 2);
        assert_eq!(
            o.feeds[0].folder,
            vec!["Top".to_string(), "Inner".to_string()]
        );
        assert_eq!(o.feeds[1].url, "https://b.test/rss?x=1&y=2");
        assert_eq!(o.feeds[1].title, "B only title");
        assert!(
            o.folders
                .contains(&vec!["Top".to_string(), "Empty".to_string()])
        );
        let written = write_opml("t", &o.folders, &o.feeds, "now");
        let again = parse_opml(&written).unwrap_or_else(|e| panic!("{e}"));
        let (mut x, mut y) = (again.feeds.clone(), o.feeds.clone());
        x.sort_by(|a, b| a.url.cmp(&b.url));
        y.sort_by(|a, b| a.url.cmp(&b.url));
        assert_eq!(x, y);
        let mut a = again.folders.clone();
        let mut b = o.folders.clone();
        a.sort();
        b.sort();
        assert_eq!(a, b);
    }

    #[test]
    fn not_opml_is_an_error() {
        assert_eq!(parse_opml("<html></html>"), Err(OpmlError::NotOpml));
    }
}
