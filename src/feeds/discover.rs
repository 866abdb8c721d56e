//! Finding the feeds of a web page: its `<link rel="alternate">` tags of feed types first,
//! then the paths where sites commonly put them (`/feed`, `/rss.xml`, …).

use super::html::{Token, tokenize};
use super::sanitize::title_text;
use serde::Serialize;
use url::Url;

/// A feed a page points to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Discovered {
    pub url: String,
    pub title: Option<String>,
    /// "rss", "atom", "json" or "feed" (a common path, type unknown until fetched).
    pub kind: String,
}

/// Paths tried, in order, when a page names no feed.
pub const COMMON_PATHS: &[&str] = &[
    "/feed",
    "/rss.xml",
    "/atom.xml",
    "/index.xml",
    "/feed.xml",
    "/rss",
    "/feed.json",
    "/atom",
];

fn kind_of(mime: &str) -> Option<&'static str> {
    match mime
        .trim()
        .to_ascii_lowercase()
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
    {
        "application/rss+xml" | "application/rdf+xml" | "application/x-rss+xml" => Some("rss"),
        "application/atom+xml" | "application/x-atom+xml" => Some("atom"),
        "application/feed+json" | "application/json" => Some("json"),
        _ => None,
    }
}

/// Feeds declared in the page's `<head>` (and body: some sites put them there), absolute,
/// without duplicates, in page order.
pub fn feeds_in_page(html: &str, page_url: &Url) -> Vec<Discovered> {
    let tokens = tokenize(html);
    let base = tokens
        .iter()
        .find(|t| matches!(t, Token::Start { name, .. } if name == "base"))
        .and_then(|t| t.attr("href"))
        .and_then(|h| page_url.join(h).ok())
        .unwrap_or_else(|| page_url.clone());
    let mut found: Vec<Discovered> = Vec::new();
    for t in &tokens {
        let Token::Start { name, .. } = t else {
            continue;
        };
        if name != "link" {
            continue;
        }
        let rel_alternate = t.attr("rel").is_some_and(|r| {
            r.split_ascii_whitespace()
                .any(|w| w.eq_ignore_ascii_case("alternate"))
        });
        let Some(kind) = t.attr("type").and_then(kind_of) else {
            continue;
        };
        if !rel_alternate {
            continue;
        }
        let Some(url) = t.attr("href").and_then(|h| resolve(h, &base, page_url)) else {
            continue;
        };
        if found.iter().any(|d| d.url == url) {
            continue;
        }
        let title = t
            .attr("title")
            .map(|s| title_text(s, false))
            .filter(|s| !s.is_empty());
        found.push(Discovered {
            url,
            title,
            kind: kind.to_string(),
        });
    }
    found
}

/// An absolute feed address for `href`: web pages may point to http(s) only; a local page
/// may also point to local files. Whether the page is local is asked of its own address, not
/// of its `<base>`: a remote page saying `<base href="file:///">` must not reach local files.
fn resolve(href: &str, base: &Url, page_url: &Url) -> Option<String> {
    let url = base.join(href.trim()).ok()?;
    let ok = match url.scheme() {
        "http" | "https" => true,
        "file" => page_url.scheme() == "file",
        _ => false,
    };
    ok.then(|| url.to_string())
}

/// The common feed addresses on the page's site, to try when the page declares none.
pub fn common_candidates(page_url: &Url) -> Vec<String> {
    COMMON_PATHS
        .iter()
        .filter_map(|p| page_url.join(p).ok())
        .map(|u| u.to_string())
        .filter(|u| u != page_url.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remote_page_cannot_point_discovery_at_local_files() {
        let page = r#"<html><head><base href="file:///">
            <link rel="alternate" type="application/rss+xml" href="etc/passwd">
            <link rel="alternate" type="application/atom+xml" href="file:///home/me/notes.xml">
            <link rel="alternate" type="application/rss+xml" href="https://example.com/feed.xml">
            </head></html>"#;
        let found = feeds_in_page(
            page,
            &Url::parse("https://example.com/").unwrap_or_else(|e| panic!("{e}")),
        );
        let urls: Vec<&str> = found.iter().map(|d| d.url.as_str()).collect();
        assert_eq!(urls, vec!["https://example.com/feed.xml"]);
        // A page the user opened from disk may list the files beside it.
        let local = feeds_in_page(
            r#"<link rel="alternate" type="application/rss+xml" href="feed.xml">"#,
            &Url::parse("file:///home/me/site/index.html").unwrap_or_else(|e| panic!("{e}")),
        );
        assert_eq!(local[0].url, "file:///home/me/site/feed.xml");
    }

    #[test]
    fn link_tags_are_found_and_resolved() {
        let page = r#"<html><head><base href="/blog/">
            <link rel="alternate" type="application/rss+xml" title="Posts &amp; more" href="rss.xml">
            <link rel="alternate" type="application/atom+xml" href="https://ex.org/atom">
            <link rel="stylesheet" type="text/css" href="s.css">
            <link rel="alternate" type="application/rss+xml" href="rss.xml">
            </head></html>"#;
        let url = Url::parse("https://ex.org/blog/post/1").unwrap_or_else(|e| panic!("{e}"));
        let found = feeds_in_page(page, &url);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].url, "https://ex.org/blog/rss.xml");
        assert_eq!(found[0].title.as_deref(), Some("Posts & more"));
        assert_eq!(found[1].kind, "atom");
        assert_eq!(common_candidates(&url)[0], "https://ex.org/feed");
    }
}
