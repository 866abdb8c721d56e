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
    if let Some(tamed) = tame_declaration(&out) {
        out = Cow::Owned(tamed);
    }
    if let Some(dropped) = drop_late_declarations(&out) {
        out = Cow::Owned(dropped);
    }
    out
}

/// An XML declaration anywhere but at the start is not XML, and one naming an encoding makes
/// quick-xml panic (found by fuzzing: two feeds pasted together). Later ones are removed.
fn drop_late_declarations(body: &[u8]) -> Option<Vec<u8>> {
    let first = body.iter().position(|b| !b.is_ascii_whitespace())?;
    let after_first = if body[first..].starts_with(b"<?xml") {
        first + find_bytes(&body[first..], b"?>").map_or(body.len() - first, |p| p + 2)
    } else {
        first
    };
    let is_declaration = |at: usize| {
        body[at..].starts_with(b"<?xml")
            && body
                .get(at + 5)
                .is_some_and(|c| c.is_ascii_whitespace() || *c == b'?')
    };
    // Nearly every feed has none: find that out without copying it.
    find_bytes(&body[after_first..], b"<?xml")?;
    // Text inside CDATA (a code sample showing a declaration) is left alone.
    let mut out = Vec::with_capacity(body.len());
    let mut i = after_first;
    let mut changed = false;
    out.extend_from_slice(&body[..i]);
    while i < body.len() {
        if body[i..].starts_with(b"<![CDATA[") {
            let end = i + find_bytes(&body[i..], b"]]>").map_or(body.len() - i, |p| p + 3);
            out.extend_from_slice(&body[i..end]);
            i = end;
        } else if body[i] == b'<' && is_declaration(i) {
            i += find_bytes(&body[i..], b"?>").map_or(body.len() - i, |p| p + 2);
            changed = true;
        } else {
            out.push(body[i]);
            i += 1;
        }
    }
    changed.then_some(out)
}

/// Real XML declarations are under a hundred bytes.
const MAX_DECLARATION: usize = 256;

/// Whether `d` (from `<?xml` to `?>`) is a well-formed declaration: `version`, then maybe
/// `encoding` and `standalone`, each `name="value"` with a plain value.
fn well_formed_declaration(d: &[u8]) -> bool {
    let Some(mut rest) = d.strip_prefix(b"<?xml").and_then(|r| r.strip_suffix(b"?>")) else {
        return false;
    };
    let mut names: Vec<&[u8]> = Vec::new();
    loop {
        let trimmed = rest.trim_ascii_start();
        if trimmed.is_empty() {
            break;
        }
        if trimmed.len() == rest.len() {
            return false; // attributes are separated by white space
        }
        let name_len = trimmed
            .iter()
            .take_while(|c| c.is_ascii_alphabetic())
            .count();
        let (name, after) = trimmed.split_at(name_len);
        let Some(after) = after.trim_ascii_start().strip_prefix(b"=") else {
            return false;
        };
        let after = after.trim_ascii_start();
        let Some(&quote) = after.first().filter(|q| matches!(q, b'"' | b'\'')) else {
            return false;
        };
        let value_len = after[1..].iter().take_while(|&&c| c != quote).count();
        let value = &after[1..1 + value_len];
        let plain = !value.is_empty()
            && value
                .iter()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b':'));
        let expected: &[u8] = match names.len() {
            0 => b"version",
            _ if name == b"encoding" && names.len() == 1 => b"encoding",
            _ if name == b"standalone" && !names.contains(&&b"standalone"[..]) => b"standalone",
            _ => return false,
        };
        if name != expected || !plain || after.len() < value_len + 2 {
            return false;
        }
        names.push(name);
        rest = &after[value_len + 2..];
    }
    !names.is_empty()
}

/// A malformed declaration (found by fuzzing: `<?xml ve2sion<![CDATA[…`, or `versio"n="…`,
/// with an `encoding=` after it) makes quick-xml panic when it switches encoding after its
/// prefix buffer is spent. Such a declaration is replaced by a plain one that keeps its
/// encoding.
fn tame_declaration(body: &[u8]) -> Option<Vec<u8>> {
    let start = body.iter().position(|b| !b.is_ascii_whitespace())?;
    let rest = &body[start..];
    if !rest.starts_with(b"<?xml") {
        return None;
    }
    let end = find_bytes(rest, b"?>").map_or(rest.len(), |p| p + 2);
    if end <= MAX_DECLARATION && well_formed_declaration(&rest[..end]) {
        return None;
    }
    let declaration = &rest[..end];
    let encoding = find_bytes(declaration, b"encoding=").and_then(|p| {
        let value = declaration.get(p + 9..)?;
        let quote = *value.first()?;
        let name: Vec<u8> = value[1..]
            .iter()
            .take_while(|&&c| c != quote)
            .copied()
            .collect();
        let ok = matches!(quote, b'"' | b'\'')
            && !name.is_empty()
            && name.len() < 40
            && name
                .iter()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b':'));
        ok.then_some(name)
    });
    let mut out = b"<?xml version=\"1.0\"".to_vec();
    if let Some(name) = encoding {
        out.extend_from_slice(b" encoding=\"");
        out.extend_from_slice(&name);
        out.push(b'"');
    }
    out.extend_from_slice(b"?>");
    out.extend_from_slice(&rest[end..]);
    Some(out)
}

pub(super) fn find_bytes(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    memchr::memmem::find(hay, needle)
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
    let pos = memchr::memmem::find(body, b"<rss")?;
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

/// feed-rs splits "name (email)" by cutting one byte before and after the address, which
/// panics when that byte is inside a multi-byte character, as in `张三（zhang@example.com）`
/// with full-width parentheses (found by fuzzing). Retried after a panic: a space goes
/// between an address and a non-ASCII neighbour. `None` when nothing needed it.
pub(super) fn space_around_emails(body: &[u8]) -> Option<Vec<u8>> {
    static EMAIL: std::sync::OnceLock<Option<regex::bytes::Regex>> = std::sync::OnceLock::new();
    let email = EMAIL
        .get_or_init(|| {
            regex::bytes::Regex::new(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}").ok()
        })
        .as_ref()?;
    let mut out = Vec::with_capacity(body.len() + 16);
    let mut last = 0;
    let mut changed = false;
    for m in email.find_iter(body) {
        out.extend_from_slice(&body[last..m.start()]);
        let before = m.start().checked_sub(1).and_then(|i| body.get(i));
        if before.is_some_and(|b| *b >= 0x80) {
            out.push(b' ');
            changed = true;
        }
        out.extend_from_slice(m.as_bytes());
        if body.get(m.end()).is_some_and(|b| *b >= 0x80) {
            out.push(b' ');
            changed = true;
        }
        last = m.end();
    }
    out.extend_from_slice(&body[last..]);
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_after_the_start_are_dropped() {
        let doc = b"<?xml version=\"1.0\"?><rss><title>a <?xml version=\"1.0\" encoding=\"iso-8859-1\"?>b</title><?xml-stylesheet href=\"x\"?></rss>";
        let fixed = drop_late_declarations(doc).unwrap_or_default();
        assert_eq!(
            String::from_utf8_lossy(&fixed),
            "<?xml version=\"1.0\"?><rss><title>a b</title><?xml-stylesheet href=\"x\"?></rss>"
        );
        assert_eq!(
            drop_late_declarations(b"<?xml version=\"1.0\"?><rss/>"),
            None
        );
        let sample = b"<rss><![CDATA[<?xml version=\"1.0\" encoding=\"utf-8\"?>]]></rss>";
        assert_eq!(drop_late_declarations(sample), None, "a code sample stays");
    }

    #[test]
    fn addresses_next_to_wide_characters_get_a_space() {
        let fixed = space_around_emails("张三（zhang@example.com）".as_bytes()).unwrap_or_default();
        assert_eq!(
            String::from_utf8_lossy(&fixed),
            "张三（ zhang@example.com ）"
        );
        assert_eq!(space_around_emails(b"Ann (ann@example.com)"), None);
    }

    #[test]
    fn a_declaration_too_long_to_be_one_is_replaced_keeping_its_encoding() {
        let mut doc = b"<?xml ve2sion".to_vec();
        doc.extend(b"<![CDATA[".repeat(100));
        doc.extend(
            b"=\"1.0\" encoding=\"iso-8859-1\"?>\n<rss><channel><title>T</title></channel></rss>",
        );
        let fixed = tame_declaration(&doc).unwrap_or_default();
        assert!(fixed.starts_with(b"<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>\n<rss>"));
        assert_eq!(tame_declaration(b"<?xml version=\"1.0\"?><rss/>"), None);
        assert_eq!(
            tame_declaration(b"<?xml version='1.0' encoding='utf-8' standalone='yes' ?><rss/>"),
            None
        );
        let odd = b"<?xml versio\"n=\"xml versio\"n=\"1.0\" encoding=\"iso-8859-1\"?><rss/>";
        assert_eq!(
            tame_declaration(odd).unwrap_or_default(),
            b"<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><rss/>".to_vec()
        );
        assert_eq!(tame_declaration(b"<rss/>"), None);
    }
}
