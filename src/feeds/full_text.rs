//! "Fetch full article": the readable part of an item's web page, found by a port of
//! readability.js, then sent through the same sanitizer as feed content, so what the reader
//! shows and the index holds is as safe as any summary.

use super::fetch::{Body, FetchConfig, FetchError, Fetcher, Validators};
use super::sanitize::{html_to_text, sanitize_html};
use std::time::Duration;
use url::Url;

/// The largest page read: real articles are far smaller; a larger answer is not an article.
pub const MAX_PAGE_BYTES: u64 = 5 * 1024 * 1024;
/// Pages with more elements than this are refused rather than parsed for seconds.
const MAX_ELEMENTS: usize = 50_000;
/// Less readable text than this is no article (a cookie wall, a login page, an image page).
const MIN_TEXT_CHARS: usize = 200;

/// The article found on a page: sanitized HTML (links absolute) and its plain text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FullText {
    pub html: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FullTextError {
    #[error("the item has no web address")]
    NoAddress,
    #[error("{0:?} is not a web page address (http or https)")]
    NotWeb(String),
    #[error("the page is larger than {} MiB", MAX_PAGE_BYTES / (1024 * 1024))]
    TooLarge,
    #[error("the page is not HTML ({0})")]
    NotHtml(String),
    #[error("no article was found on the page")]
    NoArticle,
    #[error("{0}")]
    Fetch(String),
}

/// The fetch limits for article pages: the feeds' own, with a smaller body cap.
pub fn page_config(feeds: &FetchConfig) -> FetchConfig {
    FetchConfig {
        max_bytes: MAX_PAGE_BYTES,
        total_timeout: feeds.total_timeout.min(Duration::from_secs(30)),
        ..feeds.clone()
    }
}

/// Fetches `address` with `fetcher` (made from [`page_config`]) and extracts its article.
pub fn fetch_full_text(
    fetcher: &Fetcher,
    address: Option<&str>,
) -> Result<FullText, FullTextError> {
    let address = address
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .ok_or(FullTextError::NoAddress)?;
    match Url::parse(address) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => {}
        _ => return Err(FullTextError::NotWeb(address.to_owned())),
    }
    let fetched = fetcher
        .fetch(address, &Validators::default())
        .map_err(|e| match e {
            FetchError::TooLarge { .. } => FullTextError::TooLarge,
            other => FullTextError::Fetch(other.to_string()),
        })?;
    let Body::Fresh {
        bytes,
        content_type,
        ..
    } = fetched.body
    else {
        // No validators were sent, so a 304 is the server's mistake; nothing to read.
        return Err(FullTextError::NoArticle);
    };
    if let Some(ct) = &content_type {
        let ct = ct.to_ascii_lowercase();
        if !(ct.contains("html") || ct.contains("xml") || ct.starts_with("text/plain")) {
            return Err(FullTextError::NotHtml(ct));
        }
    }
    let html = String::from_utf8_lossy(&bytes).into_owned();
    let page = fetched.final_url.clone();
    // A page is a stranger's document too: its reading gets the same budget as a feed's.
    super::budget::within(super::parse::PARSE_BUDGET, move || extract(&html, &page))
        .unwrap_or(Err(FullTextError::NoArticle))
}

/// The readable part of `html`, a page that came from `page_url`.
pub fn extract(html: &str, page_url: &str) -> Result<FullText, FullTextError> {
    let config = dom_smoothie::Config {
        max_elements_to_parse: MAX_ELEMENTS,
        ..Default::default()
    };
    let base = Url::parse(page_url).ok();
    let mut readability =
        dom_smoothie::Readability::new(html, base.as_ref().map(Url::as_str), Some(config))
            .map_err(|_| FullTextError::NoArticle)?;
    let article = readability.parse().map_err(|e| match e {
        dom_smoothie::ReadabilityError::TooManyElements(..) => FullTextError::TooLarge,
        _ => FullTextError::NoArticle,
    })?;
    let html = sanitize_html(&article.content, base.as_ref());
    let text = html_to_text(&html);
    if text.chars().filter(|c| !c.is_whitespace()).count() < MIN_TEXT_CHARS {
        return Err(FullTextError::NoArticle);
    }
    Ok(FullText { html, text })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = include_str!("../../tests/data/fulltext/article.html");
    const NO_ARTICLE: &str = include_str!("../../tests/data/fulltext/no_article.html");

    #[test]
    fn the_article_is_kept_and_the_page_around_it_dropped() {
        let got =
            extract(PAGE, "https://example.org/news/ferry.html").unwrap_or_else(|e| panic!("{e}"));
        assert!(got.text.contains("The harbour authority confirmed"));
        assert!(got.text.contains("timetable printed at the terminal"));
        assert!(
            !got.text.contains("Subscribe to our newsletter"),
            "{}",
            got.text
        );
        assert!(!got.text.contains("Cookie settings"));
        assert!(!got.html.contains("<script"), "sanitized: {}", got.html);
        assert!(
            got.html.contains("https://example.org/news/timetable.pdf"),
            "links made absolute: {}",
            got.html
        );
    }

    #[test]
    fn a_page_with_no_article_says_so() {
        assert_eq!(
            extract(NO_ARTICLE, "https://example.org/"),
            Err(FullTextError::NoArticle)
        );
        assert_eq!(
            extract("", "https://example.org/"),
            Err(FullTextError::NoArticle)
        );
    }

    #[test]
    fn only_web_addresses_are_fetched() {
        let fetcher = Fetcher::new(page_config(&FetchConfig::default()));
        assert_eq!(
            fetch_full_text(&fetcher, None),
            Err(FullTextError::NoAddress)
        );
        assert!(matches!(
            fetch_full_text(&fetcher, Some("file:///etc/passwd")),
            Err(FullTextError::NotWeb(_))
        ));
    }
}
