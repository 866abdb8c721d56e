//! Bytes → a feed we can store: feed-rs does RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed;
//! this module picks the stable key of each item, makes titles plain text, sanitizes content,
//! resolves links against the document's base and keeps dates, authors, tags and enclosures.

use super::sanitize::{html_to_text, safe_url, sanitize_html, title_text};
use feed_rs::model::{Entry, Feed, Text};
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
    // A parser bug on hostile input must cost one feed, not the app.
    std::panic::catch_unwind(|| parse_unguarded(body, doc_url)).unwrap_or_else(|_| {
        Err(ParseError::Invalid(format!(
            "{PARSER_CRASHED} (please report this feed)"
        )))
    })
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
    let feed = match run_feed_rs(body, doc_url) {
        Ok(feed) => feed,
        Err(first) => {
            if looks_like_html_page(body.get(start..).unwrap_or(body)) {
                return Err(ParseError::Html(doc_url.to_string()));
            }
            // feed-rs wants a version on <rss>; many real feeds omit it or write "2.00".
            match with_rss_version(body).map(|fixed| run_feed_rs(&fixed, doc_url)) {
                Some(Ok(feed)) => feed,
                _ => {
                    match without_odd_types(body, &first).map(|fixed| run_feed_rs(&fixed, doc_url))
                    {
                        Some(Ok(feed)) => feed,
                        _ => return Err(ParseError::Invalid(first)),
                    }
                }
            }
        }
    };
    Ok(convert(feed, doc_url))
}

/// Namespaces feed-rs does not know, mapped to the ones it does that name the same elements.
const NAMESPACE_ALIASES: &[(&str, &str)] = &[
    ("http://purl.org/atom/ns#", "http://www.w3.org/2005/Atom"),
    (
        "http://my.netscape.com/rdf/simple/0.9/",
        "http://purl.org/rss/1.0/",
    ),
    (
        "http://backend.userland.com/rss2",
        "http://purl.org/rss/1.0/",
    ),
    (
        "http://backend.userland.com/rss",
        "http://purl.org/rss/1.0/",
    ),
    (
        "http://www.itunes.com/DTDs/Podcast-1.0.dtd",
        "http://www.itunes.com/dtds/podcast-1.0.dtd",
    ),
];

/// Fixes input feed-rs cannot take as it is: UTF-16 becomes UTF-8 (its XML reader panics on
/// some UTF-16 documents), and old or variant namespaces (Atom 0.3, RSS 0.90, Userland RSS 2)
/// become the ones it knows. Bytes are replaced as bytes, so other encodings survive.
fn normalize(body: &[u8]) -> Cow<'_, [u8]> {
    let mut out: Cow<'_, [u8]> = match utf16_to_utf8(body) {
        Some(v) => Cow::Owned(v),
        None => Cow::Borrowed(body),
    };
    for (from, to) in NAMESPACE_ALIASES {
        // The closing quote keeps "…/rss" from matching inside "…/rss2".
        for q in ['"', '\''] {
            let from = format!("{from}{q}");
            if find_bytes(&out, from.as_bytes()).is_some() {
                out = Cow::Owned(replace_bytes(
                    &out,
                    from.as_bytes(),
                    format!("{to}{q}").as_bytes(),
                ));
            }
        }
    }
    // Atom 0.3 named text constructs by MIME type; Atom 1.0 (and feed-rs) by keyword.
    if find_bytes(&out, b"version=\"0.3\"").is_some() {
        for (from, to) in [
            (&b"type=\"text/plain\""[..], &b"type=\"text\""[..]),
            (b"type=\"application/xhtml+xml\"", b"type=\"xhtml\""),
        ] {
            if find_bytes(&out, from).is_some() {
                out = Cow::Owned(replace_bytes(&out, from, to));
            }
        }
    }
    out
}

fn find_bytes(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

fn replace_bytes(hay: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(hay.len() + 16);
    let mut rest = hay;
    while let Some(p) = find_bytes(rest, from) {
        out.extend_from_slice(&rest[..p]);
        out.extend_from_slice(to);
        rest = &rest[p + from.len()..];
    }
    out.extend_from_slice(rest);
    out
}

/// The charset parameter of a `Content-Type` header value.
pub fn charset_of(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches('"'))
            .filter(|v| !v.is_empty())
    })
}

/// The XML body with an encoding declaration naming `charset`, when it is not UTF-8, the body
/// has no byte order mark and declares no encoding of its own. None when nothing needs doing.
fn with_charset_declaration(body: &[u8], charset: &str) -> Option<Vec<u8>> {
    let utf8 = ["utf-8", "utf8", "us-ascii", "ascii"];
    if utf8.iter().any(|u| charset.eq_ignore_ascii_case(u))
        || !charset
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        || matches!(
            body,
            [0xEF, 0xBB, 0xBF, ..] | [0xFE, 0xFF, ..] | [0xFF, 0xFE, ..]
        )
    {
        return None;
    }
    let start = body.iter().position(|b| !b.is_ascii_whitespace())?;
    let rest = &body[start..];
    if rest.starts_with(b"<?xml") {
        let end = find_bytes(rest, b"?>")?;
        if find_bytes(&rest[..end], b"encoding").is_some() {
            return None;
        }
        let mut out = rest[..end].to_vec();
        out.extend_from_slice(format!(" encoding=\"{charset}\"").as_bytes());
        out.extend_from_slice(&rest[end..]);
        return Some(out);
    }
    if !rest.starts_with(b"<") {
        return None; // JSON is UTF-8 by definition
    }
    let mut out = format!("<?xml version=\"1.0\" encoding=\"{charset}\"?>").into_bytes();
    out.extend_from_slice(rest);
    Some(out)
}

/// UTF-16 (by byte order mark, or by the `<` of the first tag) as UTF-8 with its XML
/// declaration saying so; None for anything else.
fn utf16_to_utf8(body: &[u8]) -> Option<Vec<u8>> {
    let (big_endian, skip) = match body {
        [0xFE, 0xFF, ..] => (true, 2),
        [0xFF, 0xFE, ..] => (false, 2),
        [0x00, b'<', 0x00, _, ..] => (true, 0),
        [b'<', 0x00, _, 0x00, ..] => (false, 0),
        _ => return None,
    };
    let units = body[skip..].chunks_exact(2).map(|c| {
        if big_endian {
            u16::from_be_bytes([c[0], c[1]])
        } else {
            u16::from_le_bytes([c[0], c[1]])
        }
    });
    let text: String = char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    let text = match text
        .strip_prefix("<?xml")
        .and_then(|rest| rest.find("?>").map(|e| &rest[e + 2..]))
    {
        Some(after_decl) => format!("<?xml version=\"1.0\" encoding=\"utf-8\"?>{after_decl}"),
        None => text,
    };
    Some(text.into_bytes())
}

fn run_feed_rs(body: &[u8], doc_url: &str) -> Result<Feed, String> {
    feed_rs::parser::Builder::new()
        .base_uri(Some(doc_url))
        // An empty id tells us the feed gave none, so we choose the dedup key ourselves.
        .id_generator(|_, _, _| String::new())
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

/// feed-rs rejects a whole feed over one text element typed with a MIME type it does not
/// take (`type="application/octet-stream"`, …); read such elements as plain text instead.
fn without_odd_types(body: &[u8], error: &str) -> Option<Vec<u8>> {
    let mut fixed = body.to_vec();
    let mut message = error.to_string();
    // Each pass fixes the type the last error named; a few passes cover real feeds.
    for _ in 0..4 {
        let mime = message
            .split("unsupported content type ")
            .nth(1)?
            .split_whitespace()
            .next()?
            .to_string();
        let from = format!("type=\"{mime}\"");
        find_bytes(&fixed, from.as_bytes())?;
        fixed = replace_bytes(&fixed, from.as_bytes(), b"type=\"text\"");
        match feed_rs::parser::parse(fixed.as_slice()) {
            Err(e) => message = e.to_string(),
            Ok(_) => return Some(fixed),
        }
    }
    None
}

/// The body with its `<rss …>` tag's version set to 2.0, if it has an `<rss` root.
fn with_rss_version(body: &[u8]) -> Option<Vec<u8>> {
    let pos = body.windows(4).position(|w| w == b"<rss")?;
    let after = *body.get(pos + 4)?;
    if !(after.is_ascii_whitespace() || after == b'>') {
        return None;
    }
    let end = pos + body[pos..].iter().position(|b| *b == b'>')?;
    let tag = String::from_utf8_lossy(&body[pos + 4..end]).into_owned();
    let tag = strip_attr(&tag, "version");
    let mut out = Vec::with_capacity(body.len() + 16);
    out.extend_from_slice(&body[..pos]);
    out.extend_from_slice(b"<rss version=\"2.0\"");
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&body[end..]);
    Some(out)
}

fn strip_attr(tag: &str, name: &str) -> String {
    let Some(p) = tag.find(&format!("{name}=")) else {
        return tag.to_string();
    };
    let value_start = p + name.len() + 1;
    let quote = tag[value_start..].chars().next();
    let end = match quote {
        Some(q @ ('"' | '\'')) => tag[value_start + 1..]
            .find(q)
            .map_or(tag.len(), |e| value_start + 2 + e),
        _ => tag[value_start..]
            .find(char::is_whitespace)
            .map_or(tag.len(), |e| value_start + e),
    };
    format!("{}{}", &tag[..p], &tag[end..])
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
    let items = feed
        .entries
        .into_iter()
        .map(|e| convert_entry(e, doc_base.as_ref()))
        .collect();
    ParsedFeed {
        title,
        site_url,
        ttl_minutes: feed.ttl,
        items,
    }
}

fn convert_entry(e: Entry, doc_base: Option<&Url>) -> ParsedItem {
    let entry_base = e.base.as_deref().and_then(|b| match doc_base {
        Some(d) => d.join(b).ok(),
        None => Url::parse(b).ok(),
    });
    let base = entry_base.as_ref().or(doc_base);
    let url = e
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .or_else(|| e.links.first())
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
                    .map(|n| title_text(n, false))
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
        .filter(|l| l.rel.as_deref() == Some("enclosure"))
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
    let content_hash = stable_hash(&[
        title.as_str(),
        content_html.as_deref().unwrap_or(""),
        url.as_deref().unwrap_or(""),
    ]);
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

/// FNV-1a (64 bit) over the parts with a separator: stable across builds and platforms, unlike
/// std's hasher, so keys and hashes stored today still match tomorrow.
pub fn stable_hash(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain(std::iter::once(0xFF)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01B3);
        }
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

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
