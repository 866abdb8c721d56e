//! A linear pre-check of untrusted XML before a recursive parser sees it: feed-rs recurses once
//! per nesting level, and a stack overflow (50,000 nested `<media:group>` in 1.3 MB) aborts the
//! process, which `catch_unwind` cannot stop. Documents nested too deep, or with absurd
//! attribute or element counts, are refused with a readable error on that feed instead, and so
//! are documents whose parse would take more memory than a feed may use: the estimate counts the
//! items and the elements that become structs. Items past `MAX_ITEMS` are cut off first.

/// Real feeds nest about ten levels (twenty or thirty with XHTML content).
pub const MAX_DEPTH: usize = 256;
/// Attributes on one element.
pub const MAX_ATTRIBUTES: usize = 1_000;
/// Elements in one document: a 10 MiB feed of empty elements stays under it.
pub const MAX_ELEMENTS: usize = 2_000_000;
/// Items (RSS `<item>`, Atom `<entry>`, JSON Feed `items`) read from one document: the rest
/// are cut off before parsing. The largest per-feed cap Settings offers keeps no more.
pub const MAX_ITEMS: usize = 50_000;
/// The memory one parse may take, estimated before parsing from what the document holds.
pub const MEMORY_BUDGET: usize = 128 * 1024 * 1024;

/// What each thing costs once parsed, measured with the release build (`docs/hostile.md`):
/// feed-rs builds a model struct per item, link, category, person or media element, and keeps
/// copies of the text; everything else it reads past.
mod cost {
    pub const ITEM: usize = 1_280;
    pub const MODEL_ELEMENT: usize = 384;
    pub const OTHER_ELEMENT: usize = 16;
    pub const BYTE: usize = 3;
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BoundsError {
    #[error("its elements nest more than {MAX_DEPTH} deep, which no real feed does")]
    TooDeep,
    #[error("an element has more than {MAX_ATTRIBUTES} attributes, which no real feed has")]
    TooManyAttributes,
    #[error("it has more than {MAX_ELEMENTS} elements, which no real feed has")]
    TooManyElements,
    #[error(
        "reading it would take about {} MiB, more than the {} MiB a feed may use ({elements} links, tags, people or media in {items} item(s))",
        estimate / (1024 * 1024),
        MEMORY_BUDGET / (1024 * 1024)
    )]
    OverMemoryBudget {
        estimate: usize,
        items: usize,
        elements: usize,
    },
}

/// A document that passed the check: whole, or cut after its first `MAX_ITEMS` items.
#[derive(Debug, PartialEq, Eq)]
pub enum Checked {
    Whole,
    /// The document up to the item past `MAX_ITEMS`, with its open elements closed.
    Cut(Vec<u8>),
}

/// What a parse of the document will hold, counted on the way.
#[derive(Default)]
struct Tally {
    items: usize,
    model_elements: usize,
    other_elements: usize,
}

impl Tally {
    fn check(&self, bytes: usize) -> Result<(), BoundsError> {
        let estimate = self.items * cost::ITEM
            + self.model_elements * cost::MODEL_ELEMENT
            + self.other_elements * cost::OTHER_ELEMENT
            + bytes * cost::BYTE;
        if estimate > MEMORY_BUDGET {
            return Err(BoundsError::OverMemoryBudget {
                estimate,
                items: self.items,
                elements: self.model_elements,
            });
        }
        Ok(())
    }
}

/// Elements feed-rs turns into a struct of their own (besides items).
fn is_model_element(local: &[u8]) -> bool {
    const NAMES: [&[u8]; 11] = [
        b"link",
        b"category",
        b"author",
        b"contributor",
        b"enclosure",
        b"content",
        b"thumbnail",
        b"group",
        b"credit",
        b"person",
        b"subject",
    ];
    NAMES.iter().any(|n| local.eq_ignore_ascii_case(n))
}

fn is_item(local: &[u8]) -> bool {
    local.eq_ignore_ascii_case(b"item") || local.eq_ignore_ascii_case(b"entry")
}

/// Checks nesting depth, attributes per element, the element count and the estimated memory
/// in one pass, tolerant of ill-formed markup (it counts what a parser would see, it does not
/// validate). Past `MAX_ITEMS` items the rest is cut off.
pub fn check_xml(b: &[u8]) -> Result<Checked, BoundsError> {
    let find = |from: usize, pat: &[u8]| -> usize {
        b.get(from..)
            .and_then(|rest| memchr::memmem::find(rest, pat))
            .map_or(b.len(), |p| from + p + pat.len())
    };
    let (mut i, mut elements) = (0usize, 0usize);
    // Names of the open elements, to close them when the document is cut.
    let mut open: Vec<&[u8]> = Vec::new();
    // The depth of the item we are inside: an `<entry>` inside an item is not another item.
    let mut in_item: Option<usize> = None;
    let mut tally = Tally::default();
    while let Some(p) = b.get(i..).and_then(|rest| memchr::memchr(b'<', rest)) {
        i += p;
        let rest = &b[i..];
        if rest.starts_with(b"<!--") {
            i = find(i + 4, b"-->");
        } else if rest.starts_with(b"<![CDATA[") {
            i = find(i + 9, b"]]>");
        } else if rest.starts_with(b"<!") || rest.starts_with(b"<?") {
            i = find(i + 2, b">");
        } else if rest.starts_with(b"</") {
            open.pop();
            if in_item.is_some_and(|d| open.len() <= d) {
                in_item = None;
            }
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
            let name = tag_name(b, i + 1, end);
            let local = name.rsplit(|&c| c == b':').next().unwrap_or(name);
            if in_item.is_none() && is_item(local) {
                if tally.items == MAX_ITEMS {
                    tally.check(i)?;
                    return Ok(Checked::Cut(closed(&b[..i], &open)));
                }
                tally.items += 1;
                in_item = Some(open.len());
            } else if is_model_element(local) {
                tally.model_elements += 1;
            } else {
                tally.other_elements += 1;
            }
            let self_closing = end > 0 && b.get(end - 1) == Some(&b'/');
            if !self_closing {
                open.push(name);
                if open.len() > MAX_DEPTH {
                    return Err(BoundsError::TooDeep);
                }
            } else if in_item == Some(open.len()) {
                in_item = None;
            }
            i = end + 1;
        } else {
            i += 1;
        }
    }
    tally.check(b.len())?;
    Ok(Checked::Whole)
}

/// The element name of the start tag whose name begins at `from` (the tag ends at `end`).
fn tag_name(b: &[u8], from: usize, end: usize) -> &[u8] {
    let tag = b.get(from..end.min(b.len())).unwrap_or_default();
    let len = tag
        .iter()
        .position(|c| c.is_ascii_whitespace() || *c == b'/' || *c == b'>')
        .unwrap_or(tag.len());
    &tag[..len]
}

/// `head` with end tags for the elements still open, innermost first.
fn closed(head: &[u8], open: &[&[u8]]) -> Vec<u8> {
    let mut doc = head.to_vec();
    for name in open.iter().rev() {
        doc.extend_from_slice(b"</");
        doc.extend_from_slice(name);
        doc.push(b'>');
    }
    doc
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

/// The JSON Feed counterpart of `check_xml`: past `MAX_ITEMS` entries of the top-level
/// `items` array the rest of that array is cut off, and the estimated memory is checked.
pub fn check_json(b: &[u8]) -> Result<Checked, BoundsError> {
    let mut tally = Tally::default();
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    // The last string closed at depth 1 (a key, once a `:` follows) and the key being read.
    let (mut last_string, mut string_start, mut key): (&[u8], usize, &[u8]) = (b"", 0, b"");
    // The depth inside the `items` array, and where the array's kept part ends.
    let (mut items_depth, mut cut): (Option<usize>, Option<usize>) = (None, None);
    for (i, &c) in b.iter().enumerate() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => {
                    in_string = false;
                    last_string = &b[string_start..i];
                    if items_depth.is_some() && cut.is_none() {
                        tally.other_elements += 1;
                    }
                }
                _ => {}
            }
            continue;
        }
        match c {
            b'"' => {
                in_string = true;
                string_start = i + 1;
            }
            b':' if depth == 1 => key = last_string,
            b',' if depth == 1 => key = b"",
            b'{' | b'[' => {
                depth += 1;
                if c == b'[' && depth == 2 && key == b"items" {
                    items_depth = Some(depth);
                } else if c == b'{' && items_depth == Some(depth - 1) {
                    if tally.items == MAX_ITEMS && cut.is_none() {
                        cut = Some(i);
                    }
                    tally.items += 1;
                } else if c == b'{' && items_depth.is_some() && cut.is_none() {
                    tally.model_elements += 1;
                }
            }
            b'}' | b']' => {
                if c == b']' && items_depth == Some(depth) {
                    items_depth = None;
                    if let Some(at) = cut {
                        // Drop the comma before the first item cut off, and keep what follows
                        // the array (fields after `items` are still the feed's).
                        let head = b[..at].trim_ascii_end();
                        let head = head.strip_suffix(b",").unwrap_or(head);
                        let mut doc = head.to_vec();
                        doc.extend_from_slice(&b[i..]);
                        tally.items = MAX_ITEMS;
                        tally.check(doc.len())?;
                        return Ok(Checked::Cut(doc));
                    }
                }
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
    }
    tally.check(b.len())?;
    Ok(Checked::Whole)
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
        assert_eq!(check_xml(&nested(100)), Ok(Checked::Whole));
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
        assert_eq!(check_xml(s.as_bytes()), Ok(Checked::Whole));
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

    fn rss_items(n: usize) -> String {
        let items: String = (0..n)
            .map(|i| format!("<item><title>t</title><guid>{i}</guid></item>"))
            .collect();
        format!("<?xml version=\"1.0\"?><rss><channel><title>T</title>{items}</channel></rss>")
    }

    #[test]
    fn items_past_the_limit_are_cut_off_and_the_document_closed() {
        assert_eq!(
            check_xml(rss_items(MAX_ITEMS).as_bytes()),
            Ok(Checked::Whole)
        );
        let Ok(Checked::Cut(doc)) = check_xml(rss_items(MAX_ITEMS + 7).as_bytes()) else {
            panic!("a document with more items than the limit is cut");
        };
        let doc = String::from_utf8(doc).unwrap_or_default();
        assert_eq!(doc.matches("<item>").count(), MAX_ITEMS);
        assert!(doc.ends_with(&format!(
            "<guid>{}</guid></item></channel></rss>",
            MAX_ITEMS - 1
        )));
    }

    #[test]
    fn an_entry_inside_an_item_is_not_another_item() {
        let doc = "<feed><entry><content><entry/><entry>x</entry></content></entry></feed>";
        assert_eq!(check_xml(doc.as_bytes()), Ok(Checked::Whole));
    }

    #[test]
    fn a_document_whose_parse_would_exceed_the_memory_budget_is_refused() {
        // 600,000 links in one entry would take about 180 MB in feed-rs.
        let links = "<link href=\"a\"/>".repeat(600_000);
        let doc = format!("<feed><title>T</title><entry><id>1</id>{links}</entry></feed>");
        let refused = check_xml(doc.as_bytes());
        assert!(
            matches!(
                refused,
                Err(BoundsError::OverMemoryBudget {
                    items: 1,
                    elements: 600_000,
                    ..
                })
            ),
            "{refused:?}"
        );
        let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains("more than the 128 MiB"), "{message}");
        // A large real feed stays well inside: 5,000 items with links, tags and media.
        let item = "<item><title>t</title><link>https://e.com/a</link><category>a</category>\
                    <category>b</category><media:content url=\"x\"/><description>&lt;p&gt;text\
                    &lt;/p&gt;</description></item>";
        let real = format!("<rss><channel>{}</channel></rss>", item.repeat(5_000));
        assert_eq!(check_xml(real.as_bytes()), Ok(Checked::Whole));
    }

    fn json_items(n: usize) -> String {
        let items: Vec<String> = (0..n)
            .map(|i| {
                format!("{{\"id\": \"{i}\", \"tags\": [\"a\"], \"author\": {{\"name\": \"x\"}}}}")
            })
            .collect();
        format!(
            "{{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": [{}], \"title\": \"T, [x]\"}}",
            items.join(", ")
        )
    }

    #[test]
    fn json_items_past_the_limit_are_cut_off_and_later_fields_kept() {
        assert_eq!(check_json(json_items(10).as_bytes()), Ok(Checked::Whole));
        let Ok(Checked::Cut(doc)) = check_json(json_items(MAX_ITEMS + 3).as_bytes()) else {
            panic!("a JSON Feed with more items than the limit is cut");
        };
        let value: serde_json::Value = serde_json::from_slice(&doc).unwrap_or_default();
        assert_eq!(value["items"].as_array().map(Vec::len), Some(MAX_ITEMS));
        assert_eq!(value["title"], "T, [x]");
        assert_eq!(
            value["items"][MAX_ITEMS - 1]["id"],
            (MAX_ITEMS - 1).to_string()
        );
    }

    #[test]
    fn a_json_feed_whose_parse_would_exceed_the_memory_budget_is_refused() {
        let attachments = "{\"url\": \"a\"},".repeat(400_000);
        let doc =
            format!("{{\"items\": [{{\"id\": \"1\", \"attachments\": [{attachments}{{}}]}}]}}");
        assert!(matches!(
            check_json(doc.as_bytes()),
            Err(BoundsError::OverMemoryBudget { .. })
        ));
    }
}
