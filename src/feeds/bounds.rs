//! A linear pre-check of untrusted XML before a recursive parser sees it: feed-rs recurses once
//! per nesting level, and a stack overflow (50,000 nested `<media:group>` in 1.3 MB) aborts the
//! process, which `catch_unwind` cannot stop. Documents nested too deep, or with absurd
//! attribute or element counts, are refused with a readable error on that feed instead.

/// Real feeds nest about ten levels (twenty or thirty with XHTML content).
pub const MAX_DEPTH: usize = 256;
/// Attributes on one element.
pub const MAX_ATTRIBUTES: usize = 1_000;
/// Elements in one document: a 10 MiB feed of empty elements stays under it.
pub const MAX_ELEMENTS: usize = 2_000_000;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BoundsError {
    #[error("its elements nest more than {MAX_DEPTH} deep, which no real feed does")]
    TooDeep,
    #[error("an element has more than {MAX_ATTRIBUTES} attributes, which no real feed has")]
    TooManyAttributes,
    #[error("it has more than {MAX_ELEMENTS} elements, which no real feed has")]
    TooManyElements,
}

/// Checks nesting depth, attributes per element and the element count in one pass, tolerant
/// of ill-formed markup (it counts what a parser would see, it does not validate).
pub fn check_xml(b: &[u8]) -> Result<(), BoundsError> {
    let find = |from: usize, pat: &[u8]| -> usize {
        b.get(from..)
            .and_then(|rest| rest.windows(pat.len()).position(|w| w == pat))
            .map_or(b.len(), |p| from + p + pat.len())
    };
    let (mut i, mut depth, mut elements) = (0usize, 0usize, 0usize);
    while let Some(p) = b
        .get(i..)
        .and_then(|rest| rest.iter().position(|&c| c == b'<'))
    {
        i += p;
        let rest = &b[i..];
        if rest.starts_with(b"<!--") {
            i = find(i + 4, b"-->");
        } else if rest.starts_with(b"<![CDATA[") {
            i = find(i + 9, b"]]>");
        } else if rest.starts_with(b"<!") || rest.starts_with(b"<?") {
            i = find(i + 2, b">");
        } else if rest.starts_with(b"</") {
            depth = depth.saturating_sub(1);
            i = find(i + 2, b">");
        } else if rest
            .get(1)
            .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
        {
            let (end, attributes) = start_tag_end(b, i + 1);
            if attributes > MAX_ATTRIBUTES {
                return Err(BoundsError::TooManyAttributes);
            }
            elements += 1;
            if elements > MAX_ELEMENTS {
                return Err(BoundsError::TooManyElements);
            }
            let self_closing = end > 0 && b.get(end - 1) == Some(&b'/');
            if !self_closing {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(BoundsError::TooDeep);
                }
            }
            i = end + 1;
        } else {
            i += 1;
        }
    }
    Ok(())
}

/// Where the start tag beginning at `i` ends (its `>`, or the end of input), minding quoted
/// values, and how many attributes (`=` outside quotes) it has.
fn start_tag_end(b: &[u8], mut i: usize) -> (usize, usize) {
    let mut quote = None;
    let mut attributes = 0;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                b'"' | b'\'' => quote = Some(c),
                b'=' => attributes += 1,
                b'>' => return (i, attributes),
                _ => {}
            },
        }
        i += 1;
    }
    (b.len(), attributes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(levels: usize) -> Vec<u8> {
        let mut s = String::from("<?xml version=\"1.0\"?><rss><channel>");
        s.push_str(&"<media:group>".repeat(levels));
        s.push_str(&"</media:group>".repeat(levels));
        s.push_str("</channel></rss>");
        s.into_bytes()
    }

    #[test]
    fn ordinary_nesting_passes_and_hostile_nesting_is_refused() {
        assert_eq!(check_xml(&nested(100)), Ok(()));
        assert_eq!(check_xml(&nested(50_000)), Err(BoundsError::TooDeep));
    }

    #[test]
    fn siblings_comments_cdata_and_self_closing_tags_do_not_add_depth() {
        let mut s = String::from("<rss><channel>");
        for _ in 0..10_000 {
            s.push_str(
                "<item><title>a</title><!-- <x> --><![CDATA[<y><z>]]><br/><e a='>'/></item>",
            );
        }
        s.push_str("</channel></rss>");
        assert_eq!(check_xml(s.as_bytes()), Ok(()));
    }

    #[test]
    fn a_tag_with_absurdly_many_attributes_is_refused() {
        let attrs: String = (0..5_000).map(|i| format!(" a{i}=\"1\"")).collect();
        let doc = format!("<rss><channel{attrs}></channel></rss>");
        assert_eq!(
            check_xml(doc.as_bytes()),
            Err(BoundsError::TooManyAttributes)
        );
    }
}
