//! Repairs applied to feed bytes before and after feed-rs sees them: UTF-16 and HTTP charsets
//! made explicit, old namespaces mapped to ones it knows and a missing `<rss version>` added.
//! Each one turns a real feed that would fail into one that reads; `recovery` chooses among the
//! repairs made after an error.

use std::borrow::Cow;

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
pub(super) fn normalize(body: &[u8]) -> Cow<'_, [u8]> {
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

pub(super) fn find_bytes(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

pub(super) fn replace_bytes(hay: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
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
pub(super) fn with_charset_declaration(body: &[u8], charset: &str) -> Option<Vec<u8>> {
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

/// The body with its `<rss …>` tag's version set to 2.0, if it has an `<rss` root with another.
pub(super) fn with_rss_version(body: &[u8]) -> Option<Vec<u8>> {
    let pos = body.windows(4).position(|w| w == b"<rss")?;
    let after = *body.get(pos + 4)?;
    if !(after.is_ascii_whitespace() || after == b'>') {
        return None;
    }
    let end = pos + body[pos..].iter().position(|b| *b == b'>')?;
    let tag = String::from_utf8_lossy(&body[pos + 4..end]).into_owned();
    if tag.contains("version=\"2.0\"") {
        return None;
    }
    let tag = strip_attr(&tag, "version");
    let mut out = Vec::with_capacity(body.len() + 16);
    out.extend_from_slice(&body[..pos]);
    out.extend_from_slice(b"<rss version=\"2.0\"");
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&body[end..]);
    Some(out)
}

pub(super) fn strip_attr(tag: &str, name: &str) -> String {
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
