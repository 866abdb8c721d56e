//! Feeds as publishers really serve them, from `tests/data`: JSON Feeds without a version or with
//! an http one, scalars where lists belong, numbers where text belongs, raw control characters,
//! junk items; RSS and Atom with bare `&`, odd text types, empty or unknown elements, a bad
//! `xml:base`, a stray byte; and documents of both kinds cut short. Each is read into the items,
//! titles and links a user sees; a feed that truly cannot be read gives a message saying why.

use focusfeed::feeds::parse::{ParseError, ParsedFeed, parse_feed};
use std::path::PathBuf;

fn data(name: &str) -> Vec<u8> {
    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data")).join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn parsed(name: &str) -> ParsedFeed {
    parse_feed(&data(name), "https://feeds.example.org/feed.json")
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn titles(feed: &ParsedFeed) -> Vec<&str> {
    feed.items.iter().map(|i| i.title.as_str()).collect()
}

fn urls(feed: &ParsedFeed) -> Vec<&str> {
    feed.items.iter().filter_map(|i| i.url.as_deref()).collect()
}

#[test]
fn json_feed_without_version_is_read() {
    let f = parsed("jsonfeed/no_version.json");
    assert_eq!(f.title, "Field Notes");
    assert_eq!(f.site_url.as_deref(), Some("https://notes.example.org/"));
    assert_eq!(titles(&f), ["Reading the tides", "Gulls, counted"]);
    assert_eq!(
        urls(&f),
        [
            "https://notes.example.org/2024/tides",
            "https://feeds.example.org/2024/gulls"
        ]
    );
    assert_eq!(f.items[0].published_at, Some(1_709_370_000));
    assert_eq!(f.items[1].content_text, "Forty-one on the jetty.");
}

#[test]
fn json_feed_with_http_version_is_read() {
    let f = parsed("jsonfeed/http_version.json");
    assert_eq!(f.title, "Daring Example");
    assert_eq!(titles(&f), ["One"]);
    assert_eq!(urls(&f), ["https://daring.example.com/2024/04/one"]);
    assert_eq!(f.items[0].author.as_deref(), Some("J. Gruber-Example"));
}

#[test]
fn json_feed_scalars_where_lists_belong_are_read() {
    let f = parsed("jsonfeed/scalar_lists.json");
    assert_eq!(titles(&f), ["Episode 12", "Episode 11"]);
    assert_eq!(
        urls(&f),
        ["https://pod.example.net/12", "https://pod.example.net/11"]
    );
    assert_eq!(f.items[0].categories, ["audio"]);
    assert_eq!(f.items[1].categories, ["audio", "interview"]);
    assert_eq!(f.items[0].author.as_deref(), Some("Bea Lund"));
    // The feed's single author object stands for items that name none.
    assert_eq!(f.items[1].author.as_deref(), Some("Ada Okafor"));
    let episode = &f.items[0].enclosures;
    assert_eq!(episode.len(), 1);
    assert_eq!(episode[0].url, "https://cdn.example.net/12.mp3");
    assert_eq!(episode[0].mime.as_deref(), Some("audio/mpeg"));
    assert_eq!(episode[0].length, Some(31_457_280));
    assert_eq!(
        f.items[1].enclosures.first().map(|e| e.url.as_str()),
        Some("https://cdn.example.net/11.mp3")
    );
}

#[test]
fn json_feed_with_raw_control_characters_is_read() {
    let f = parsed("jsonfeed/control_chars.json");
    assert_eq!(f.title, "Raw Controls");
    assert_eq!(titles(&f), ["Tab here, bellgone"]);
    assert_eq!(urls(&f), ["https://raw.example.org/c1"]);
    assert_eq!(f.items[0].content_text, "Line one\nline two");
}

#[test]
fn json_feed_numbers_where_text_belongs_are_read() {
    let f = parsed("jsonfeed/numbers.json");
    assert_eq!(f.title, "2024");
    assert_eq!(titles(&f), ["404", "Millis"]);
    let keys: Vec<&str> = f.items.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys, ["1001", "1002.5"]);
    assert_eq!(f.items[0].published_at, Some(1_700_000_000));
    assert_eq!(f.items[1].updated_at, Some(1_700_000_000));
}

#[test]
fn json_feed_junk_items_are_dropped_not_the_feed() {
    let f = parsed("jsonfeed/malformed_items.json");
    assert_eq!(f.title, "Some Items Are Junk");
    assert_eq!(titles(&f), ["Kept", "Also kept"]);
    assert_eq!(
        urls(&f),
        ["https://junk.example.org/1", "https://junk.example.org/2"]
    );
    assert_eq!(f.items[1].content_text, "fallback");
}

#[test]
fn truncated_json_feed_keeps_its_complete_items() {
    let f = parsed("jsonfeed/truncated.json");
    assert_eq!(f.title, "Cut Short");
    assert_eq!(titles(&f), ["Alpha", "Beta"]);
    assert_eq!(
        urls(&f),
        ["https://cut.example.org/a", "https://cut.example.org/b"]
    );
    assert_eq!(
        f.items[0].content_text,
        "complete {with braces} and \"quotes\""
    );
    assert_eq!(f.items[1].categories, ["x", "y"]);
}

#[test]
fn json_broken_before_any_item_is_a_readable_error() {
    let err = parse_feed(&data("jsonfeed/broken.json"), "https://ex.org/feed.json")
        .err()
        .unwrap_or_else(|| panic!("a feed with no complete item parsed"));
    let ParseError::Invalid(message) = &err else {
        panic!("unexpected error {err:?}");
    };
    assert!(
        message.contains("line 1") && message.contains("before any complete item"),
        "{err}"
    );
}

#[test]
fn rss_with_bare_ampersands_and_bad_references_is_read() {
    let f = parsed("xml/bare_ampersand.rss");
    assert_eq!(f.title, "Tom & Jerry's Links");
    assert_eq!(
        f.site_url.as_deref(),
        Some("https://links.example.com/?from=feed&lang=en")
    );
    assert_eq!(titles(&f), ["Search & rescue"]);
    assert_eq!(urls(&f), ["https://links.example.com/go?id=1&ref=rss"]);
    assert!(
        f.items[0]
            .content_text
            .starts_with("Cats & mice, A\u{FFFD} and"),
        "{}",
        f.items[0].content_text
    );
}

#[test]
fn truncated_rss_keeps_its_complete_items() {
    let f = parsed("xml/truncated.rss");
    assert_eq!(f.title, "Cut Off News");
    assert_eq!(titles(&f), ["First story", "Second story"]);
    assert_eq!(
        urls(&f),
        ["https://cut.example.com/1", "https://cut.example.com/2"]
    );
}

#[test]
fn rss_with_empty_media_titles_is_read() {
    let f = parsed("xml/empty_media_title.rss");
    assert_eq!(titles(&f), ["Harbour at dawn", "Cliffs"]);
    assert_eq!(
        urls(&f),
        [
            "https://photos.example.net/harbour",
            "https://photos.example.net/cliffs"
        ]
    );
    assert_eq!(
        f.items[0].enclosures.first().map(|e| e.url.as_str()),
        Some("https://photos.example.net/harbour.jpg")
    );
}

#[test]
fn podcast_with_a_person_role_outside_the_taxonomy_is_read() {
    let f = parsed("xml/podcast_person.rss");
    assert_eq!(titles(&f), ["Chapter One"]);
    assert_eq!(
        f.items[0].enclosures.first().map(|e| e.url.as_str()),
        Some("https://story.example.org/1.mp3")
    );
}

#[test]
fn atom_with_odd_text_types_and_content_src_is_read() {
    let f = parsed("xml/odd_types.atom");
    assert_eq!(f.title, "Odd Types");
    assert_eq!(titles(&f), ["Shouting type", "Content with src and body"]);
    assert_eq!(
        urls(&f),
        ["https://odd.example.org/1", "https://odd.example.org/2"]
    );
    assert_eq!(f.items[0].content_text, "Plain enough.");
}

#[test]
fn atom_with_an_unparsable_xml_base_is_read() {
    let f = parsed("xml/bad_base.atom");
    assert_eq!(titles(&f), ["Relative link"]);
    assert_eq!(urls(&f), ["https://base.example.org/posts/one.html"]);
}

#[test]
fn rss_items_outside_a_channel_are_read() {
    let f = parsed("xml/no_channel.rss");
    assert_eq!(titles(&f), ["Early days"]);
    assert_eq!(urls(&f), ["https://early.example.com/1"]);
}

#[test]
fn a_stray_latin1_byte_costs_one_character() {
    let f = parsed("xml/stray_latin1.rss");
    assert_eq!(f.title, "Caf\u{FFFD} Society");
    assert_eq!(titles(&f), ["Crème brûlée"]);
}

#[test]
fn rss_broken_before_any_item_is_a_readable_error() {
    let err = parse_feed(&data("xml/unreadable.rss"), "https://ex.org/feed.xml")
        .err()
        .unwrap_or_else(|| panic!("a feed with no complete item parsed"));
    assert!(
        err.to_string()
            .contains("breaks off before its first complete item"),
        "{err}"
    );
}

/// Each fixture above is one feed-rs alone refuses whole, so each test measures the leniency.
#[test]
fn every_fixture_is_refused_by_feed_rs_alone() {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data"));
    for sub in ["jsonfeed", "xml"] {
        let mut names: Vec<_> = std::fs::read_dir(dir.join(sub))
            .unwrap_or_else(|e| panic!("{e}"))
            .flatten()
            .map(|e| format!("{sub}/{}", e.file_name().to_string_lossy()))
            .collect();
        names.sort();
        for name in names {
            assert!(
                feed_rs::parser::parse(data(&name).as_slice()).is_err(),
                "{name} needs no leniency"
            );
        }
    }
}

#[test]
fn a_chinese_author_with_full_width_parentheses_around_the_address_is_read() {
    let doc = "<?xml version=\"1.0\"?><rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\
        <channel><title>札记</title><item><title>番茄钟</title><guid>1</guid>\
        <dc:creator>张三（zhang@example.com）</dc:creator></item></channel></rss>";
    let f = focusfeed::feeds::parse::parse_feed(doc.as_bytes(), "https://example.com/feed.xml")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(f.items.len(), 1);
    assert!(
        f.items[0]
            .author
            .as_deref()
            .unwrap_or_default()
            .contains("张三")
    );
}
