//! Bytes → a feed we can store: feed-rs does RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed;
//! this module picks the stable key of each item, makes titles plain text, sanitizes content,
//! resolves links against the document's base and keeps dates, authors, tags and enclosures.

use super::jsonfeed;
use super::recovery;
pub use super::repair::charset_of;
use super::repair::{normalize, with_charset_declaration};
use super::sanitize::{html_to_text, safe_url, sanitize_html, title_text};
use feed_rs::model::{Entry, Feed, FeedType, Link, Text};
use std::borrow::Cow;
use url::Url;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ParseError {
    #[error(
        "the address returned a web page, not a feed: try `focusfeed discover {0}` to find its feeds"
    )]
    Html(String),
    #[error("the response was empty: there is no feed in it")]
    Empty,
    #[error("not a readable feed: {0}")]
    Invalid(String),
}

pub use crate::store::items::{Enclosure, NewItem as ParsedItem};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedFeed {
    pub title: String,
    pub site_url: Option<String>,
    /// RSS `<ttl>`, in minutes.
    pub ttl_minutes: Option<u32>,
    pub items: Vec<ParsedItem>,
}

/// Parses `body` fetched from `doc_url` (used to resolve relative links and in messages).
pub fn parse_feed(body: &[u8], doc_url: &str) -> Result<ParsedFeed, ParseError> {
    parse_feed_as(body, doc_url, None)
}

/// Like `parse_feed`, with the charset the server named in `Content-Type`: it applies when the
/// document does not declare its own encoding (HTTP says ISO-8859-1, the XML says nothing).
pub fn parse_feed_as(
    body: &[u8],
    doc_url: &str,
    http_charset: Option<&str>,
) -> Result<ParsedFeed, ParseError> {
    let declared = http_charset.and_then(|c| with_charset_declaration(body, c));
    let body = declared.as_deref().unwrap_or(body);
    parse_with_budget(body, doc_url, PARSE_BUDGET)
}

/// The most time one document may take to parse. The bounds above make a parse linear, so a
/// 10 MiB feed takes well under a second; the budget is for what they did not foresee.
pub const PARSE_BUDGET: std::time::Duration = std::time::Duration::from_secs(10);
/// Parses on a thread of its own and gives up after `budget`, so a parser that runs away costs
/// one feed an error instead of holding a fetch worker (the thread is left to finish alone).
pub fn parse_with_budget(
    body: &[u8],
    doc_url: &str,
    budget: std::time::Duration,
) -> Result<ParsedFeed, ParseError> {
    let (owned, url) = (body.to_vec(), doc_url.to_owned());
    match super::budget::within(budget, move || parse_guarded(&owned, &url)) {
        Ok(result) => result,
        Err(super::budget::Over::TimedOut) => Err(ParseError::Invalid(format!(
            "reading it took longer than {} s, far more than any real feed",
            budget.as_secs_f32()
        ))),
        Err(super::budget::Over::Failed) => Err(ParseError::Invalid(format!(
            "{PARSER_CRASHED} (please report this feed)"
        ))),
    }
}

fn parse_guarded(body: &[u8], doc_url: &str) -> Result<ParsedFeed, ParseError> {
    // A parser bug on hostile input must cost one feed, not the app; one known bug (an
    // address beside a wide character) is worked around and the parse tried again.
    let attempt = |b: &[u8]| std::panic::catch_unwind(|| parse_unguarded(b, doc_url));
    let crashed = || {
        Err(ParseError::Invalid(format!(
            "{PARSER_CRASHED} (please report this feed)"
        )))
    };
    match attempt(body) {
        Ok(result) => result,
        Err(_) => match super::repair::space_around_emails(body).map(|b| attempt(&b)) {
            Some(Ok(result)) => result,
            _ => crashed(),
        },
    }
}

/// Message of the error returned when parsing panicked.
pub const PARSER_CRASHED: &str = "the feed parser failed on this input";

fn parse_unguarded(body: &[u8], doc_url: &str) -> Result<ParsedFeed, ParseError> {
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF);
    let Some(start) = start else {
        return Err(ParseError::Empty);
    };
    let body = normalize(body);
    let body = body.as_ref();
    let checked = if jsonfeed::looks_like_json(body) {
        super::bounds::check_json(body)
    } else {
        super::bounds::check_xml(body)
    };
    let cut = match checked.map_err(|e| ParseError::Invalid(e.to_string()))? {
        super::bounds::Checked::Whole => None,
        super::bounds::Checked::Cut(doc) => Some(doc),
    };
    let body = cut.as_deref().unwrap_or(body);
    let feed = match run_feed_rs(body, doc_url) {
        Ok(feed) => feed,
        Err(_) if jsonfeed::looks_like_json(body) => {
            let fixed = jsonfeed::repair(body).map_err(|e| ParseError::Invalid(e.to_string()))?;
            run_feed_rs(&fixed, doc_url).map_err(ParseError::Invalid)?
        }
        Err(first) => {
            if looks_like_html_page(body.get(start..).unwrap_or(body)) {
                return Err(ParseError::Html(doc_url.to_string()));
            }
            run_mended(body, first, doc_url)?
        }
    };
    Ok(convert(feed, doc_url))
}

/// Repairs tried one after another, each chosen by the error the last attempt gave: a feed with
/// several kinds of bad field needs several.
const MAX_REPAIRS: usize = 12;

/// feed-rs on `body` mended for each error it gives in turn; the first error when none helps,
/// since it describes the document as served.
fn run_mended(body: &[u8], first: String, doc_url: &str) -> Result<Feed, ParseError> {
    let mut fixed = Cow::Borrowed(body);
    let mut error = first.clone();
    for _ in 0..MAX_REPAIRS {
        let Some(next) = recovery::mended(&fixed, &error) else {
            break;
        };
        match run_feed_rs(&next, doc_url) {
            Ok(feed) => return Ok(feed),
            Err(e) => {
                error = e;
                fixed = Cow::Owned(next);
            }
        }
    }
    if first.contains("end of input") {
        // What quick-xml says ("`>` not found before end of input") hides what happened.
        return Err(ParseError::Invalid(format!(
            "the document breaks off before its first complete item ({first})"
        )));
    }
    Err(ParseError::Invalid(first))
}

fn run_feed_rs(body: &[u8], doc_url: &str) -> Result<Feed, String> {
    feed_rs::parser::Builder::new()
        .base_uri(Some(doc_url))
        // An empty id tells us the feed gave none, so we choose the dedup key ourselves.
        .id_generator(|_, _, _| String::new())
        .timestamp_parser(super::timestamps::parse)
        .build()
        .parse(body)
        .map_err(|e| e.to_string())
}

fn looks_like_html_page(b: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&b[..b.len().min(512)]).to_ascii_lowercase();
    head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || head.contains("<html") && !head.contains("<rss") && !head.contains("<feed")
}

fn is_html(t: &Text) -> bool {
    t.content_type
        .subty()
        .to_string()
        .to_ascii_lowercase()
        .contains("html")
}

fn convert(feed: Feed, doc_url: &str) -> ParsedFeed {
    let doc_base = Url::parse(doc_url).ok();
    let site_url = feed
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .and_then(|l| safe_url(&l.href, doc_base.as_ref(), false));
    let title = feed
        .title
        .as_ref()
        .map(|t| title_text(&t.content, is_html(t)))
        .unwrap_or_default();
    let json = feed.feed_type == FeedType::JSON;
    let items = feed
        .entries
        .into_iter()
        .map(|e| convert_entry(e, doc_base.as_ref(), json))
        .collect();
    ParsedFeed {
        title,
        site_url,
        ttl_minutes: feed.ttl,
        items,
    }
}

fn convert_entry(e: Entry, doc_base: Option<&Url>, json: bool) -> ParsedItem {
    let entry_base = e.base.as_deref().and_then(|b| match doc_base {
        Some(d) => d.join(b).ok(),
        None => Url::parse(b).ok(),
    });
    let base = entry_base.as_ref().or(doc_base);
    // feed-rs hands JSON Feed attachments over as plain links that carry a MIME type: they are
    // the item's enclosures, not its page.
    let attachment = |l: &Link| json && l.media_type.is_some();
    let url = e
        .links
        .iter()
        .filter(|l| !attachment(l))
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .or_else(|| e.links.iter().find(|l| !attachment(l)))
        .and_then(|l| safe_url(&l.href, base, false));
    let title = e
        .title
        .as_ref()
        .map(|t| title_text(&t.content, is_html(t)))
        .filter(|t| !t.is_empty())
        // Media RSS items often carry their title only on the media element.
        .or_else(|| {
            e.media
                .iter()
                .find_map(|m| m.title.as_ref())
                .map(|t| title_text(&t.content, is_html(t)))
        })
        .unwrap_or_default();
    let (body, body_is_html) = match (&e.content, &e.summary) {
        (Some(c), _) if c.body.as_deref().is_some_and(|b| !b.trim().is_empty()) => {
            let html = c
                .content_type
                .subty()
                .to_string()
                .to_ascii_lowercase()
                .contains("html")
                || c.content_type.ty() != "text";
            (c.body.clone(), html)
        }
        (_, Some(s)) => (
            Some(s.content.clone()),
            is_html(s) || looks_like_markup(&s.content),
        ),
        _ => (None, false),
    };
    let (content_html, content_text) = match body {
        Some(b) if body_is_html => {
            let clean = sanitize_html(&b, base);
            let text = html_to_text(&clean);
            (Some(clean), text)
        }
        Some(b) => {
            let mut html = String::from("<p>");
            super::html::escape(&b, &mut html);
            html.push_str("</p>");
            (Some(html.replace('\n', "<br />")), b.trim().to_string())
        }
        None => (None, String::new()),
    };
    let author = {
        let names: Vec<String> = e
            .authors
            .iter()
            .filter_map(|p| {
                p.name
                    .as_deref()
                    .map(|n| display_name(&title_text(n, false)))
                    .filter(|n| !n.is_empty())
                    .or_else(|| p.email.clone())
            })
            .collect();
        (!names.is_empty()).then(|| names.join(", "))
    };
    let categories = e
        .categories
        .iter()
        .map(|c| c.label.clone().unwrap_or_else(|| c.term.clone()))
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
    let mut enclosures: Vec<Enclosure> = Vec::new();
    for m in &e.media {
        for c in &m.content {
            if let Some(u) = c
                .url
                .as_ref()
                .and_then(|u| safe_url(u.as_str(), base, false))
            {
                enclosures.push(Enclosure {
                    url: u,
                    mime: c.content_type.as_ref().map(|t| t.to_string()),
                    length: c.size,
                });
            }
        }
    }
    for l in e
        .links
        .iter()
        .filter(|l| l.rel.as_deref() == Some("enclosure") || attachment(l))
    {
        if let Some(u) = safe_url(&l.href, base, false)
            && !enclosures.iter().any(|x| x.url == u)
        {
            enclosures.push(Enclosure {
                url: u,
                mime: l.media_type.clone(),
                length: l.length,
            });
        }
    }
    let guid = Some(e.id.trim().to_string()).filter(|g| !g.is_empty());
    // RSS permalinks: a guid that is a web address is the item's link when it has no other.
    let url = url.or_else(|| {
        guid.as_deref()
            .filter(|g| g.starts_with("http://") || g.starts_with("https://"))
            .and_then(|g| safe_url(g, None, false))
    });
    let content_hash = crate::model::hash::content_hash(
        &title,
        content_html.as_deref().unwrap_or(""),
        url.as_deref().unwrap_or(""),
    );
    let key = match (&guid, &url) {
        (Some(g), _) => g.clone(),
        (None, Some(u)) => u.clone(),
        (None, None) => format!(
            "hash:{}",
            stable_hash(&[title.as_str(), content_html.as_deref().unwrap_or("")])
        ),
    };
    ParsedItem {
        key,
        guid,
        url,
        title,
        author,
        content_html,
        content_text,
        categories,
        enclosures,
        published_at: e.published.or(e.updated).map(|d| d.timestamp()),
        updated_at: e.updated.map(|d| d.timestamp()),
        content_hash,
    }
}

/// RSS descriptions are HTML by convention even when typed as text.
fn looks_like_markup(s: &str) -> bool {
    super::sanitize::looks_like_html(s)
}

/// Hash of a fetched body: an identical body need not be parsed again, which spares servers
/// without validators (and local files) a full parse on every refresh. XXH64, tagged: hashes
/// stored by earlier builds (FNV-1a, byte by byte, a tenth of the fetch thread's time) never
/// match one of these, so each feed is parsed once more after an upgrade and no more.
pub fn body_hash(bytes: &[u8]) -> String {
    format!("x{:016x}-{}", crate::model::hash::xxh64(bytes), bytes.len())
}

/// FNV-1a over the parts, as hex: the key of an item with neither id nor link. Stored keys must
/// match tomorrow's, so this stays FNV-1a.
pub fn stable_hash(parts: &[&str]) -> String {
    format!("{:016x}", crate::model::hash::fnv1a(parts))
}

/// RSS `<author>` is "email (Name)" by the spec, and feed-rs leaves "(Name)" or the whole string
/// as the name: show the name alone.
fn display_name(raw: &str) -> String {
    let raw = raw.trim();
    if let Some(open) = raw.find('(')
        && raw.ends_with(')')
    {
        let inner = raw[open + 1..raw.len() - 1].trim();
        if !inner.is_empty() {
            return inner.to_string();
        }
    }
    raw.to_string()
}

#[cfg(test)]
mod tests {

    #[test]
    fn rss_author_email_and_name_shows_the_name() {
        assert_eq!(super::display_name("(Ada Okafor)"), "Ada Okafor");
        assert_eq!(
            super::display_name("ada@example.org (Ada Okafor)"),
            "Ada Okafor"
        );
        assert_eq!(super::display_name("Ada Okafor"), "Ada Okafor");
        assert_eq!(super::display_name("()"), "()");
    }

    use super::*;

    #[test]
    fn a_parse_over_its_budget_is_an_error_on_the_feed() {
        let items: String = (0..20_000)
            .map(|i| format!("<item><title>Item {i}</title><guid>{i}</guid></item>"))
            .collect();
        let doc =
            format!("<rss version=\"2.0\"><channel><title>Big</title>{items}</channel></rss>");
        let late = parse_with_budget(
            doc.as_bytes(),
            "https://example.com/",
            std::time::Duration::from_micros(1),
        );
        let why = late.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(why.contains("took longer than"), "{why}");
        let on_time = parse_with_budget(doc.as_bytes(), "https://example.com/", PARSE_BUDGET);
        assert_eq!(on_time.map(|f| f.items.len()).ok(), Some(20_000));
    }

    #[test]
    fn rss_items_get_keys_text_and_absolute_links() {
        let xml = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>T &amp; co</title>
          <link>https://ex.org/</link><ttl>90</ttl>
          <item><title>With guid</title><guid>g-1</guid><link>/a</link>
            <description>&lt;p&gt;Hi &lt;script&gt;x()&lt;/script&gt;&lt;a href="/b"&gt;b&lt;/a&gt;&lt;/p&gt;</description>
            <pubDate>Tue, 10 Jun 2003 04:00:00 GMT</pubDate></item>
          <item><title>Link only</title><link>https://ex.org/c</link></item>
          <item><title>Nothing</title><description>text</description></item>
        </channel></rss>"#;
        let f = parse_feed(xml, "https://ex.org/feed.xml").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(f.title, "T & co");
        assert_eq!(f.ttl_minutes, Some(90));
        assert_eq!(f.items[0].key, "g-1");
        assert_eq!(f.items[0].url.as_deref(), Some("https://ex.org/a"));
        assert_eq!(f.items[0].content_text, "Hi b");
        assert!(
            f.items[0]
                .content_html
                .as_deref()
                .is_some_and(|h| h.contains(r#"href="https://ex.org/b""#) && !h.contains("script"))
        );
        assert_eq!(f.items[0].published_at, Some(1_055_217_600));
        assert_eq!(f.items[1].key, "https://ex.org/c");
        assert!(f.items[2].key.starts_with("hash:"));
    }

    #[test]
    fn html_pages_and_garbage_are_readable_errors() {
        let page = b"<!DOCTYPE html><html><head><title>x</title></head></html>";
        assert_eq!(
            parse_feed(page, "https://ex.org/"),
            Err(ParseError::Html("https://ex.org/".into()))
        );
        assert_eq!(parse_feed(b"  \n", "u"), Err(ParseError::Empty));
        assert!(matches!(
            parse_feed(b"\x00\x01garbage", "u"),
            Err(ParseError::Invalid(_))
        ));
    }

    #[test]
    fn utf16_and_atom03_are_read() {
        let xml = "<?xml version=\"1.0\" encoding=\"utf-16\"?><feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\"><title>Zoë</title></feed>";
        let mut be = vec![0xFE, 0xFF];
        be.extend(xml.encode_utf16().flat_map(u16::to_be_bytes));
        let le: Vec<u8> = xml.encode_utf16().flat_map(u16::to_le_bytes).collect();
        for body in [be, le] {
            let f = parse_feed(&body, "https://ex.org/").unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(f.title, "Zoë");
        }
    }

    #[test]
    fn the_http_charset_applies_when_the_document_names_none() {
        let mut latin1 = b"<rss version=\"2.0\"><channel><title>Caf".to_vec();
        latin1.push(0xE9);
        latin1.extend_from_slice(b"</title></channel></rss>");
        let f = parse_feed_as(&latin1, "https://ex.org/", Some("ISO-8859-1"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(f.title, "Café");
        assert_eq!(
            charset_of("application/rss+xml; charset=\"iso-8859-1\""),
            Some("iso-8859-1")
        );
        assert_eq!(charset_of("text/xml"), None);
    }

    #[test]
    fn rss_without_version_is_read() {
        let xml =
            b"<rss><channel><title>No version</title><item><title>a</title></item></channel></rss>";
        let f = parse_feed(xml, "https://ex.org/").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(f.title, "No version");
        assert_eq!(f.items.len(), 1);
    }
}
