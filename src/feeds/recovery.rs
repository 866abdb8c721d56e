//! Second chances for XML feeds feed-rs refused whole: its error names what to mend (one element
//! it cannot read, a bare `&`, a bad character reference, a document cut short, a missing
//! `<channel>`), and the mended document is tried again.

use super::repair::{find_bytes, replace_bytes, strip_attr, with_rss_version};
use std::ops::Range;

/// One repair: the mended body, or None when it does not apply.
type Repair = fn(&[u8]) -> Option<Vec<u8>>;

/// Open elements a truncated document may leave; deeper than this is not a feed.
const MAX_OPEN: usize = 256;

/// `body` mended for the error feed-rs gave on it; None when no repair applies or it would
/// change nothing.
pub(super) fn mended(body: &[u8], error: &str) -> Option<Vec<u8>> {
    let fixed = if let Some(rest) = error.split("unsupported content type ").nth(1) {
        // An element typed with a MIME type feed-rs does not take reads as the default type.
        // Atom's own keywords are refused only where Media RSS reads them, so only there.
        let mime = rest.rsplit_once(" at position").map_or(rest, |(m, _)| m);
        Some(without_type(body, mime))
            .filter(|f| f.as_slice() != body && !matches!(mime, "text" | "html" | "xhtml"))
            .or_else(|| position(error).and_then(|p| without_type_at(body, p)))
    } else if let Some(rest) = error.split("unknown enum variant ").nth(1) {
        // A podcast:person whose role or group is not in the taxonomy reads as one without.
        let value = rest.rsplit_once(" at position").map_or(rest, |(v, _)| v);
        Some(without_attr_values(body, &["role", "group"], value))
            .filter(|f| f.as_slice() != body)
            .or_else(|| position(error).and_then(|p| without_element_at(body, p)))
    } else if error.contains("unable to parse feed: missing ") {
        // One element feed-rs cannot read (an empty media:title, an Atom content with both
        // `src` and a body) costs that element, not the feed.
        position(error).and_then(|p| without_element_at(body, p))
    } else if error.contains("no root element") || error.contains("cannot decode") {
        // feed-rs says only "no root element" when the root start tag fails to read.
        let repairs: [Repair; 4] = [
            with_lossy_utf8,
            with_rss_version,
            with_channel,
            without_bad_bases,
        ];
        repairs
            .into_iter()
            .find_map(|repair| repair(body).filter(|f| f.as_slice() != body))
    } else if error.contains("reference") {
        Some(with_references_mended(body))
    } else if error.contains("end of input") {
        complete_part(body)
    } else if error.contains("Url error") {
        without_bad_bases(body)
    } else {
        None
    };
    fixed.filter(|f| f.as_slice() != body)
}

/// The byte offset feed-rs reported ("… at position 190").
fn position(error: &str) -> Option<usize> {
    error.rsplit("at position ").next()?.trim().parse().ok()
}

/// The start tag that ends just before `pos` (feed-rs reports the offset after it).
fn start_tag_before(body: &[u8], pos: usize) -> Option<Range<usize>> {
    let end = pos.checked_sub(1)?;
    if body.get(end) != Some(&b'>') {
        return None;
    }
    let start = body.get(..end)?.iter().rposition(|b| *b == b'<')?;
    (body.get(start + 1) != Some(&b'/')).then_some(start..pos)
}

fn tag_name(tag: &[u8]) -> &[u8] {
    let rest = tag.strip_prefix(b"<").unwrap_or(tag);
    let rest = rest.strip_prefix(b"/").unwrap_or(rest);
    let end = rest
        .iter()
        .position(|b| b.is_ascii_whitespace() || *b == b'>' || *b == b'/')
        .unwrap_or(rest.len());
    &rest[..end]
}

fn without_type_at(body: &[u8], pos: usize) -> Option<Vec<u8>> {
    let tag = start_tag_before(body, pos)?;
    let text = String::from_utf8_lossy(&body[tag.clone()]).into_owned();
    let fixed = strip_attr(&text, "type");
    let mut out = body[..tag.start].to_vec();
    out.extend_from_slice(fixed.as_bytes());
    out.extend_from_slice(&body[tag.end..]);
    Some(out)
}

/// Every `type="mime"` removed: a feed that types one element so usually types them all.
fn without_type(body: &[u8], mime: &str) -> Vec<u8> {
    without_attr_values(body, &["type"], mime)
}

/// Every attribute named in `names` whose value is `value`, removed.
fn without_attr_values(body: &[u8], names: &[&str], value: &str) -> Vec<u8> {
    let mut out = body.to_vec();
    for name in names {
        for q in ['"', '\''] {
            out = replace_bytes(&out, format!(" {name}={q}{value}{q}").as_bytes(), b"");
        }
    }
    out
}

/// The element whose start tag ends at `pos`, removed with its content; when it is empty, every
/// empty element of its name goes too, as a feed that writes one usually writes one per item.
fn without_element_at(body: &[u8], pos: usize) -> Option<Vec<u8>> {
    let tag = start_tag_before(body, pos)?;
    let name = tag_name(&body[tag.clone()]).to_vec();
    let end = if body[..tag.end].ends_with(b"/>") {
        tag.end
    } else {
        end_of_element(body, tag.end, &name)?
    };
    if is_empty_element(&body[tag.start..end], &name) {
        return Some(without_empty(body, &name));
    }
    let mut out = body[..tag.start].to_vec();
    out.extend_from_slice(&body[end..]);
    Some(out)
}

/// Whether `element` (start tag to end tag) holds nothing but whitespace.
fn is_empty_element(element: &[u8], name: &[u8]) -> bool {
    if element.ends_with(b"/>") && find_bytes(element, b"</").is_none() {
        return true;
    }
    let Some(gt) = find_bytes(element, b">") else {
        return false;
    };
    let inner_end = element.len().saturating_sub(name.len() + 3);
    element
        .get(gt + 1..inner_end)
        .is_some_and(|inner| inner.iter().all(u8::is_ascii_whitespace))
}

/// Every empty `name` element removed.
fn without_empty(body: &[u8], name: &[u8]) -> Vec<u8> {
    let mut open = b"<".to_vec();
    open.extend_from_slice(name);
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while let Some(p) = find_bytes(&body[i..], &open).map(|p| p + i) {
        let removed = find_bytes(&body[p..], b">")
            .map(|gt| p + gt + 1)
            .filter(|tag_end| tag_name(&body[p..*tag_end]) == name)
            .and_then(|tag_end| {
                let end = if body[..tag_end].ends_with(b"/>") {
                    tag_end
                } else {
                    end_of_element(body, tag_end, name)?
                };
                is_empty_element(&body[p..end], name).then_some(end)
            });
        out.extend_from_slice(&body[i..p]);
        match removed {
            Some(end) => i = end,
            None => {
                out.extend_from_slice(&open);
                i = p + open.len();
            }
        }
    }
    out.extend_from_slice(&body[i..]);
    out
}

/// The offset after the end tag that closes `name` opened before `from`.
fn end_of_element(body: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let mut depth = 1usize;
    let mut i = from;
    while let Some(lt) = find_bytes(&body[i..], b"<").map(|p| p + i) {
        let gt = lt + find_bytes(&body[lt..], b">")?;
        let tag = &body[lt..=gt];
        if tag_name(tag) == name {
            if tag.starts_with(b"</") {
                depth -= 1;
                if depth == 0 {
                    return Some(gt + 1);
                }
            } else if !tag.ends_with(b"/>") {
                depth += 1;
            }
        }
        i = gt + 1;
    }
    None
}

/// A document that says it is UTF-8 (or says nothing) but holds other bytes: a stray Latin-1
/// byte should cost one character, not the feed.
fn with_lossy_utf8(body: &[u8]) -> Option<Vec<u8>> {
    if std::str::from_utf8(body).is_ok() {
        return None;
    }
    let head = String::from_utf8_lossy(&body[..body.len().min(200)]).to_ascii_lowercase();
    let declared = head
        .strip_prefix("\u{feff}")
        .unwrap_or(&head)
        .starts_with("<?xml")
        && head
            .split("?>")
            .next()
            .is_some_and(|d| d.contains("encoding"));
    let utf8 = head.contains("encoding=\"utf-8\"") || head.contains("encoding='utf-8'");
    (!declared || utf8).then(|| String::from_utf8_lossy(body).into_owned().into_bytes())
}

/// `<rss>` with its items straight inside it, as early feeds wrote it.
fn with_channel(body: &[u8]) -> Option<Vec<u8>> {
    if find_bytes(body, b"<channel").is_some() {
        return None;
    }
    let open = find_bytes(body, b"<rss")?;
    let open_end = open + find_bytes(&body[open..], b">")? + 1;
    if body[..open_end].ends_with(b"/>") {
        return None;
    }
    let close = find_bytes(body, b"</rss")?;
    let mut out = body[..open_end].to_vec();
    out.extend_from_slice(b"<channel>");
    out.extend_from_slice(body.get(open_end..close)?);
    out.extend_from_slice(b"</channel>");
    out.extend_from_slice(&body[close..]);
    Some(out)
}

/// Bare `&` (in a link's query, mostly) escaped, `&#X41;` read as `&#x41;`, and character
/// references to characters XML forbids replaced by U+FFFD. CDATA and comments are left alone.
fn with_references_mended(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 64);
    let mut i = 0;
    while let Some(&b) = body.get(i) {
        let rest = &body[i..];
        if let Some(len) = verbatim_len(rest) {
            out.extend_from_slice(&rest[..len]);
            i += len;
            continue;
        }
        if b != b'&' {
            out.push(b);
            i += 1;
            continue;
        }
        let reference = rest[1..]
            .iter()
            .take(32)
            .position(|c| *c == b';')
            .map(|e| &rest[1..1 + e]);
        match reference {
            Some([b'#', digits @ ..]) => {
                let c = match digits {
                    [b'x' | b'X', hex @ ..] => std::str::from_utf8(hex)
                        .ok()
                        .and_then(|h| u32::from_str_radix(h, 16).ok()),
                    _ => std::str::from_utf8(digits)
                        .ok()
                        .and_then(|d| d.parse().ok()),
                };
                let c = c.filter(|c| is_xml_char(*c)).unwrap_or(0xFFFD);
                out.extend_from_slice(format!("&#x{c:X};").as_bytes());
                i += digits.len() + 3;
            }
            Some(name) if is_name(name) => {
                out.push(b'&');
                i += 1;
            }
            _ => {
                out.extend_from_slice(b"&amp;");
                i += 1;
            }
        }
    }
    out
}

/// The length of the CDATA section or comment `rest` starts with, where `&` means itself.
fn verbatim_len(rest: &[u8]) -> Option<usize> {
    [(&b"<![CDATA["[..], &b"]]>"[..]), (b"<!--", b"-->")]
        .into_iter()
        .find(|(open, _)| rest.starts_with(open))
        .map(|(_, close)| find_bytes(rest, close).map_or(rest.len(), |e| e + close.len()))
}

fn is_name(name: &[u8]) -> bool {
    name.first().is_some_and(u8::is_ascii_alphabetic)
        && name
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b':'))
}

fn is_xml_char(c: u32) -> bool {
    matches!(c, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x1_0000..=0x10_FFFF)
}

/// A document cut short: everything before the first item or entry left open (or before the
/// last complete tag, when none is), with the elements still open closed after it. None unless
/// an item is complete or the cut fell in the closing tags: a feed that stops before anything
/// worth reading is an error, not an empty feed.
fn complete_part(body: &[u8]) -> Option<Vec<u8>> {
    let is_item = |n: &[u8]| {
        let local = n.rsplit(|b| *b == b':').next().unwrap_or(n);
        local == b"item" || local == b"entry"
    };
    let mut open: Vec<(&[u8], usize)> = Vec::new();
    let mut items_closed = 0usize;
    let mut last_complete = 0;
    let mut i = 0;
    while let Some(lt) = find_bytes(&body[i..], b"<").map(|p| p + i) {
        let rest = &body[lt..];
        let close: &[u8] = if rest.starts_with(b"<!--") {
            b"-->"
        } else if rest.starts_with(b"<![CDATA[") {
            b"]]>"
        } else {
            b">"
        };
        let Some(end) = find_bytes(rest, close).map(|e| lt + e + close.len()) else {
            break;
        };
        let tag = &body[lt..end];
        if tag.starts_with(b"</") {
            let name = tag_name(tag);
            if let Some(k) = open.iter().rposition(|(n, _)| *n == name) {
                open.truncate(k);
                items_closed += usize::from(k > 0 && is_item(name));
            }
        } else if !(tag.ends_with(b"/>") || tag.starts_with(b"<!") || tag.starts_with(b"<?")) {
            if open.len() >= MAX_OPEN {
                return None;
            }
            open.push((tag_name(tag), lt));
        }
        last_complete = end;
        i = end;
    }
    let in_closing_tags = body[last_complete..].trim_ascii().starts_with(b"</");
    if items_closed == 0 && !in_closing_tags {
        return None;
    }
    let (cut, open) = match open.iter().skip(1).position(|(n, _)| is_item(n)) {
        Some(k) => (open[k + 1].1, &open[..=k]),
        None => (last_complete, &open[..]),
    };
    if open.is_empty() {
        return None;
    }
    let mut out = body[..cut].to_vec();
    for (name, _) in open.iter().rev() {
        out.extend_from_slice(b"</");
        out.extend_from_slice(name);
        out.push(b'>');
    }
    Some(out)
}

/// `xml:base` values the URL parser refuses removed: feed-rs refuses the whole feed over one.
fn without_bad_bases(body: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(body).ok()?;
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(p) = rest.find("xml:base=") {
        let after = &rest[p + 9..];
        let q = after.chars().next().filter(|q| *q == '"' || *q == '\'')?;
        let value_end = after[1..].find(q)? + 2;
        let value = &after[1..value_end - 1];
        let bad = matches!(
            url::Url::parse(value),
            Err(e) if e != url::ParseError::RelativeUrlWithoutBase
        );
        out.push_str(&rest[..p]);
        if !bad {
            out.push_str(&rest[p..p + 9 + value_end]);
        }
        rest = &after[value_end..];
    }
    out.push_str(rest);
    Some(out.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(b: Option<Vec<u8>>) -> String {
        String::from_utf8(b.unwrap_or_else(|| panic!("no repair")))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn references_are_mended() {
        let fixed = with_references_mended(
            b"<a>x?a=1&b=2 &amp; &#X41; &#0; &#65; &nbsp; Tom & Jerry <![CDATA[a&b]]></a>",
        );
        assert_eq!(
            String::from_utf8_lossy(&fixed),
            "<a>x?a=1&amp;b=2 &amp; &#x41; &#xFFFD; &#x41; &nbsp; Tom &amp; Jerry <![CDATA[a&b]]></a>"
        );
    }

    #[test]
    fn a_cut_document_keeps_what_is_complete() {
        let doc = b"<rss><channel><title>T</title><item><title>A</title></item><item><title>B";
        assert_eq!(
            text(complete_part(doc)),
            "<rss><channel><title>T</title><item><title>A</title></item></channel></rss>"
        );
        assert_eq!(
            text(complete_part(b"<feed><title>T</title><!-- x --></feed")),
            "<feed><title>T</title><!-- x --></feed>"
        );
        assert_eq!(complete_part(b"<rss></rss>"), None);
        assert_eq!(complete_part(b"<rss><channel><title>T</title>"), None);
    }

    #[test]
    fn one_element_is_dropped_at_the_reported_position() {
        let doc = b"<i><media:title></media:title><title>K</title></i><i><media:title/></i>";
        let pos = b"<i><media:title>".len();
        assert_eq!(
            text(without_element_at(doc, pos)),
            "<i><title>K</title></i><i></i>"
        );
        assert_eq!(without_element_at(doc, 5), None);
        let doc = b"<i><podcast:person role=\"x\">Ada</podcast:person><podcast:person>Bo</podcast:person></i>";
        let pos = b"<i><podcast:person role=\"x\">".len();
        assert_eq!(
            text(without_element_at(doc, pos)),
            "<i><podcast:person>Bo</podcast:person></i>"
        );
    }

    #[test]
    fn items_outside_a_channel_get_one() {
        assert_eq!(
            text(with_channel(b"<rss version=\"2.0\"><item/></rss>")),
            "<rss version=\"2.0\"><channel><item/></channel></rss>"
        );
    }

    #[test]
    fn bad_bases_are_removed_and_good_ones_kept() {
        assert_eq!(
            text(without_bad_bases(
                b"<feed xml:base=\"http://[::1\"><entry xml:base='/e/'/></feed>"
            )),
            "<feed ><entry xml:base='/e/'/></feed>"
        );
    }
}
