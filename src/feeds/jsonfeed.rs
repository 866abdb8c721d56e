//! Lenient JSON Feed: turns what publishers really serve (no `version` or an http one, a string
//! where the spec wants a list, numbers where it wants strings, raw control characters, a document
//! cut off mid-item) into a document feed-rs accepts.

use serde_json::error::Category;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// The version written when a feed names none or one feed-rs refuses; it reads every 1.x field.
const VERSION: &str = "https://jsonfeed.org/version/1.1";

/// Attachments must carry a type for feed-rs; this one claims nothing about the bytes.
const UNKNOWN_MIME: &str = "application/octet-stream";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub(super) enum JsonFeedError {
    #[error(
        "the JSON is broken at line {line}, column {column} ({reason}) before any complete item"
    )]
    Broken {
        line: usize,
        column: usize,
        reason: String,
    },
    #[error("this JSON is not a JSON Feed: it has no `items` and no jsonfeed.org `version`")]
    NotAFeed,
}

/// Whether the body is a JSON object (after a byte order mark and whitespace).
pub(super) fn looks_like_json(body: &[u8]) -> bool {
    strip_bom(body)
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'{')
}

/// `body` rebuilt as a JSON Feed feed-rs takes, keeping every field it can read.
pub(super) fn repair(body: &[u8]) -> Result<Vec<u8>, JsonFeedError> {
    let text = String::from_utf8_lossy(strip_bom(body));
    let text = without_raw_controls(&text);
    let value = match serde_json::from_str::<Value>(&text) {
        Ok(v) => v,
        Err(e) if matches!(e.classify(), Category::Eof | Category::Syntax) => {
            let at = offset_of(&text, e.line(), e.column());
            let broken = || JsonFeedError::Broken {
                line: e.line(),
                column: e.column(),
                reason: reason(&e),
            };
            let salvaged = complete_items_before(&text, at).ok_or_else(broken)?;
            serde_json::from_str(&salvaged).map_err(|_| broken())?
        }
        Err(e) => {
            return Err(JsonFeedError::Broken {
                line: e.line(),
                column: e.column(),
                reason: reason(&e),
            });
        }
    };
    Ok(as_feed(value)?.to_string().into_bytes())
}

fn strip_bom(body: &[u8]) -> &[u8] {
    body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body)
}

/// serde_json's message without its " at line … column …" tail, which the error repeats.
fn reason(e: &serde_json::Error) -> String {
    let full = e.to_string();
    match full.rfind(" at line ") {
        Some(p) => full[..p].to_string(),
        None => full,
    }
}

/// Raw control characters inside strings are invalid JSON yet common (a pasted tab, a stray
/// form feed). Newlines and tabs become escapes; the rest carry nothing readable and are
/// dropped, which also keeps the document from growing. An escape JSON does not have (PHP's
/// `\'`) loses its backslash.
fn without_raw_controls(text: &str) -> Cow<'_, str> {
    let needs_work = text.bytes().any(|b| b < 0x20) || text.contains("\\'");
    if !needs_work {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 64);
    let (mut in_string, mut escaped) = (false, false);
    for c in text.chars() {
        if !in_string {
            if c == '"' {
                in_string = true;
            } else if c.is_control() && !matches!(c, '\n' | '\r' | '\t') {
                continue;
            }
            out.push(c);
            continue;
        }
        if escaped {
            escaped = false;
            if !matches!(c, '"' | '\\' | '/' | 'b' | 'f' | 'n' | 'r' | 't' | 'u') {
                out.pop();
            }
        } else if c == '\\' {
            escaped = true;
        } else if c == '"' {
            in_string = false;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// The byte offset of serde_json's 1-based line and column.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start = match line.checked_sub(2) {
        None => 0,
        Some(n) => text
            .match_indices('\n')
            .nth(n)
            .map_or(text.len(), |(p, _)| p + 1),
    };
    (start + column).min(text.len())
}

/// From a document that breaks off (or turns to garbage) at byte `end`: everything up to the
/// last item object that closed, with the brackets closed after it. A flat scan, not a parser,
/// so hostile nesting costs nothing but a counter.
fn complete_items_before(text: &str, end: usize) -> Option<String> {
    let bytes = text.as_bytes().get(..end).unwrap_or(text.as_bytes());
    let mut depth = 0usize;
    let (mut in_string, mut escaped) = (false, false);
    let mut string_start = 0;
    let mut last_string = 0..0;
    let mut key_is_items = false;
    let mut in_items = false;
    let mut cut: Option<(usize, &str)> = None;
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
                last_string = string_start + 1..i;
            }
            continue;
        }
        match b {
            b'"' => {
                in_string = true;
                string_start = i;
            }
            b':' if depth == 1 => key_is_items = text.get(last_string.clone()) == Some("items"),
            b',' if depth == 1 => key_is_items = false,
            b'{' | b'[' => {
                if depth == 0 && b == b'[' {
                    return None; // a JSON Feed is an object
                }
                depth += 1;
                // No cut at the opening bracket: a feed broken before its first item is broken.
                in_items |= depth == 2 && b == b'[' && key_is_items;
            }
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                match depth {
                    2 if in_items => cut = Some((i + 1, "]}")),
                    1 if in_items => {
                        in_items = false;
                        cut = Some((i + 1, "}"));
                    }
                    0 => cut = Some((i + 1, "")),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    let (at, close) = cut?;
    Some(format!("{}{close}", text.get(..at)?))
}

/// The value as a JSON Feed object with the types feed-rs wants, or why it is not one.
fn as_feed(value: Value) -> Result<Value, JsonFeedError> {
    let Value::Object(mut feed) = value else {
        return Err(JsonFeedError::NotAFeed);
    };
    let version = feed.get("version").and_then(Value::as_str).unwrap_or("");
    if !version.contains("jsonfeed.org/version/") && !feed.contains_key("items") {
        return Err(JsonFeedError::NotAFeed);
    }
    let version = match version.strip_prefix("http://") {
        Some(rest) if rest.starts_with("jsonfeed.org/version/1") => format!("https://{rest}"),
        _ if version.starts_with("https://jsonfeed.org/version/1") => version.to_string(),
        _ => VERSION.to_string(),
    };
    feed.insert("version".into(), Value::String(version));
    let title = feed.remove("title").and_then(text_of).unwrap_or_default();
    feed.insert("title".into(), Value::String(title));
    for key in [
        "home_page_url",
        "feed_url",
        "language",
        "description",
        "icon",
        "favicon",
    ] {
        fix_text(&mut feed, key);
    }
    fix_people(&mut feed);
    let items = match feed.remove("items") {
        Some(Value::Array(items)) => items,
        Some(one @ Value::Object(_)) => vec![one],
        _ => Vec::new(),
    };
    // An item that is not an object has nothing to show; the others still do.
    let items = items
        .into_iter()
        .filter_map(|item| match item {
            Value::Object(item) => Some(Value::Object(as_item(item))),
            _ => None,
        })
        .collect();
    feed.insert("items".into(), Value::Array(items));
    Ok(Value::Object(feed))
}

fn as_item(mut item: Map<String, Value>) -> Map<String, Value> {
    for key in [
        "id",
        "url",
        "external_url",
        "title",
        "content_html",
        "content_text",
        "summary",
    ] {
        fix_text(&mut item, key);
    }
    for key in ["date_published", "date_modified"] {
        match item.remove(key) {
            Some(Value::String(s)) => {
                item.insert(key.into(), Value::String(s));
            }
            Some(Value::Number(n)) => {
                if let Some(date) = n.as_f64().and_then(unix_date) {
                    item.insert(key.into(), Value::String(date));
                }
            }
            _ => {}
        }
    }
    fix_people(&mut item);
    let tags: Vec<Value> = list_of(item.remove("tags"))
        .into_iter()
        .filter_map(text_of)
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .map(Value::String)
        .collect();
    if !tags.is_empty() {
        item.insert("tags".into(), Value::Array(tags));
    }
    let attachments: Vec<Value> = list_of(item.remove("attachments"))
        .into_iter()
        .filter_map(attachment)
        .collect();
    if !attachments.is_empty() {
        item.insert("attachments".into(), Value::Array(attachments));
    }
    item
}

/// `author` and `authors`, each a person, a name or a list of either, as one `authors` list
/// (feed-rs reads both into the same place).
fn fix_people(map: &mut Map<String, Value>) {
    let people: Vec<Value> = list_of(map.remove("author"))
        .into_iter()
        .chain(list_of(map.remove("authors")))
        .filter_map(|p| match p {
            Value::Object(mut person) => {
                fix_text(&mut person, "name");
                fix_text(&mut person, "url");
                Some(Value::Object(person))
            }
            other => text_of(other).map(|name| {
                let mut person = Map::new();
                person.insert("name".into(), Value::String(name));
                Value::Object(person)
            }),
        })
        .collect();
    if !people.is_empty() {
        map.insert("authors".into(), Value::Array(people));
    }
}

fn attachment(value: Value) -> Option<Value> {
    let mut a = match value {
        Value::Object(a) => a,
        other => {
            let mut a = Map::new();
            a.insert("url".into(), Value::String(text_of(other)?));
            a
        }
    };
    fix_text(&mut a, "url");
    a.get("url")?;
    fix_text(&mut a, "title");
    let mime = a.remove("mime_type").and_then(text_of);
    let mime = mime.filter(|m| m.contains('/'));
    a.insert(
        "mime_type".into(),
        Value::String(mime.unwrap_or_else(|| UNKNOWN_MIME.into())),
    );
    let size = match a.remove("size_in_bytes") {
        Some(Value::Number(n)) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64)),
        Some(Value::String(s)) => s.trim().parse::<u64>().ok(),
        _ => None,
    };
    if let Some(size) = size {
        a.insert("size_in_bytes".into(), Value::from(size));
    }
    Some(Value::Object(a))
}

/// A field the spec wants as a list, given as one value, a list or nothing.
fn list_of(value: Option<Value>) -> Vec<Value> {
    match value {
        Some(Value::Array(values)) => values,
        Some(Value::Null) | None => Vec::new(),
        Some(one) => vec![one],
    }
}

/// Replaces `key` by its text, or removes it when it has none (feed-rs refuses the whole feed
/// over one field of the wrong type).
fn fix_text(map: &mut Map<String, Value>, key: &str) {
    if let Some(text) = map.remove(key).and_then(text_of) {
        map.insert(key.into(), Value::String(text));
    }
}

/// The text of a string, number or one-element list; None for anything else.
fn text_of(value: Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(values) => values.into_iter().next().and_then(|v| match v {
            Value::String(s) => Some(s),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }),
        _ => None,
    }
}

/// A Unix time in seconds (or milliseconds, which publishers also send) as RFC 3339.
fn unix_date(t: f64) -> Option<String> {
    const MILLIS_FROM: f64 = 100_000_000_000.0; // year 5138 in seconds
    let secs = if t >= MILLIS_FROM { t / 1000.0 } else { t };
    if !(0.0..MILLIS_FROM).contains(&secs) {
        return None;
    }
    chrono::DateTime::from_timestamp(secs as i64, 0).map(|d| d.to_rfc3339())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repaired(json: &str) -> Value {
        let out = repair(json.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        serde_json::from_slice(&out).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn version_is_added_or_made_https() {
        assert_eq!(repaired(r#"{"items":[]}"#)["version"], VERSION);
        assert_eq!(
            repaired(r#"{"version":"http://jsonfeed.org/version/1","items":[]}"#)["version"],
            "https://jsonfeed.org/version/1"
        );
    }

    #[test]
    fn raw_controls_in_strings_are_escaped_or_dropped() {
        let v = repaired("{\"items\":[{\"title\":\"a\tb\u{1}c\nd \\'q\\' \\\"z\\\"\"}]}");
        assert_eq!(v["items"][0]["title"], "a\tbc\nd 'q' \"z\"");
    }

    #[test]
    fn scalars_become_lists_and_numbers_text() {
        let v = repaired(
            r#"{"title":7,"author":"Ada","items":[{"id":42,"tags":"rust",
                "attachments":{"url":"a.mp3","size_in_bytes":"12"},"date_published":1700000000},
                "junk", 3]}"#,
        );
        assert_eq!(v["title"], "7");
        assert_eq!(v["authors"][0]["name"], "Ada");
        let items = v["items"].as_array().unwrap_or_else(|| panic!("no items"));
        assert_eq!(items.len(), 1);
        assert_eq!(items[0]["id"], "42");
        assert_eq!(items[0]["tags"][0], "rust");
        assert_eq!(items[0]["attachments"][0]["mime_type"], UNKNOWN_MIME);
        assert_eq!(items[0]["attachments"][0]["size_in_bytes"], 12);
        assert_eq!(items[0]["date_published"], "2023-11-14T22:13:20+00:00");
    }

    #[test]
    fn a_truncated_document_keeps_its_complete_items() {
        let v =
            repaired(r#"{"title":"T","items":[{"id":"1","x":{"y":[1]}},{"id":"2"},{"id":"3","tit"#);
        let ids: Vec<&str> = v["items"]
            .as_array()
            .map(|a| a.iter().filter_map(|i| i["id"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(ids, ["1", "2"]);
        assert_eq!(v["title"], "T");
    }

    #[test]
    fn unreadable_json_says_where_it_broke() {
        let e = repair(br#"{"title":"T","items":"#).err();
        assert!(
            matches!(e, Some(JsonFeedError::Broken { line: 1, .. })),
            "{e:?}"
        );
        assert_eq!(
            repair(br#"{"feed_type":"RSS0","entries":[]}"#).err(),
            Some(JsonFeedError::NotAFeed)
        );
        // Nesting past serde_json's limit is refused, not followed.
        let deep = format!("{{\"items\":{}", "[".repeat(100_000));
        assert!(repair(deep.as_bytes()).is_err());
    }
}
