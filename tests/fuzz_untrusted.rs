//! Fuzzing the whole untrusted path on stable Rust: bytes from a stranger go through the
//! lenient feed parse (XML, JSON Feed, repairs), the sanitizer, HTML to text, the article's
//! block layout, OPML and feed discovery. Inputs are mutations of seeds (our fixtures, and the
//! shared feedparser and feed-rs corpora when present): bit flips, cut and repeated runs,
//! splices of two seeds, and deep nesting. A case fails on a panic (the parser's guard turns
//! one into `PARSER_CRASHED`, which counts as a failure here too).
//!
//! CI runs `FUZZ_CASES` (default 3,000) cases from a fixed seed; a longer run:
//! `FOCUSFEED_FUZZ_CASES=200000 FOCUSFEED_FUZZ_SEED=7 cargo test --release --test fuzz_untrusted`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use focusfeed::feeds::discover::feeds_in_page;
use focusfeed::feeds::opml::parse_opml;
use focusfeed::feeds::parse::{PARSER_CRASHED, parse_feed};
use focusfeed::feeds::sanitize::{html_to_text, sanitize_html};
use focusfeed::ui::reader::html_text::html_blocks;
use std::path::Path;

const FUZZ_CASES: u64 = 3_000;

/// xorshift64*: small, seedable, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn seeds() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut add_dir =
        |dir: &Path, limit: usize| {
            let mut stack = vec![dir.to_path_buf()];
            let mut files = Vec::new();
            while let Some(d) = stack.pop() {
                for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                    let p = e.path();
                    if p.is_dir() {
                        stack.push(p);
                    } else if p.extension().and_then(|x| x.to_str()).is_some_and(|x| {
                        ["xml", "rss", "atom", "json", "opml", "html"].contains(&x)
                    }) {
                        files.push(p);
                    }
                }
            }
            files.sort();
            for f in files.into_iter().take(limit) {
                if let Ok(bytes) = std::fs::read(&f)
                    && bytes.len() < 256 * 1024
                {
                    out.push(bytes);
                }
            }
        };
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    add_dir(&here.join("tests/data"), usize::MAX);
    add_dir(&here.join("assets/samples"), usize::MAX);
    let shared = here.join("../shared/corpora");
    if shared.is_dir() {
        add_dir(&shared.join("feedparser"), 2_200);
        add_dir(&shared.join("feed-rs"), 200);
    } else {
        println!("fuzz: ../shared/corpora is absent; seeding from tests/data only");
    }
    out
}

fn mutate(rng: &mut Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut b = seeds[rng.below(seeds.len())].clone();
    for _ in 0..=rng.below(4) {
        let len = b.len().max(1);
        match rng.below(7) {
            0 => {
                for _ in 0..=rng.below(16) {
                    let i = rng.below(len);
                    if let Some(x) = b.get_mut(i) {
                        *x ^= 1 << rng.below(8);
                    }
                }
            }
            1 => {
                let (i, n) = (rng.below(len), rng.below(64));
                let end = (i + n).min(b.len());
                if i < end {
                    b.drain(i..end);
                }
            }
            2 => {
                let i = rng.below(len).min(b.len());
                let end = (i + rng.below(32)).min(b.len());
                let run: Vec<u8> = b[i..end].repeat(rng.below(200) + 1);
                b.splice(i..i, run);
            }
            3 => {
                let other = &seeds[rng.below(seeds.len())];
                let cut = rng.below(b.len().max(1)).min(b.len());
                let from = rng.below(other.len().max(1)).min(other.len());
                b.truncate(cut);
                b.extend_from_slice(&other[from..]);
            }
            4 => {
                let tag = [
                    "<div>",
                    "<ol start=\"4294967295\"><li>",
                    "<a href=\"javascript:x\">",
                    "<![CDATA[",
                    "<item>",
                    "{\"items\":[",
                ][rng.below(6)];
                let i = rng.below(len).min(b.len());
                let deep = tag.as_bytes().repeat(rng.below(2_000) + 1);
                b.splice(i..i, deep);
            }
            5 => {
                let bytes = [0u8, 0xFF, b'<', b'>', b'&', b'"', b'\'', 0xC3, 0xE4, b'\n'];
                let i = rng.below(len).min(b.len());
                b.insert(i, bytes[rng.below(bytes.len())]);
            }
            _ => {
                let cut = rng.below(len).min(b.len());
                b.truncate(cut);
            }
        }
    }
    b
}

fn run_one(bytes: &[u8]) {
    if let Err(e) = parse_feed(bytes, "https://example.com/feed.xml") {
        assert!(
            !e.to_string().contains(PARSER_CRASHED),
            "the feed parser panicked"
        );
    }
    let text = String::from_utf8_lossy(bytes);
    let base = url::Url::parse("https://example.com/a/").unwrap();
    let clean = sanitize_html(&text, Some(&base));
    let _ = html_to_text(&clean);
    let _ = html_to_text(&text);
    let _ = html_blocks(&clean);
    let _ = html_blocks(&text);
    let _ = parse_opml(&text);
    let _ = feeds_in_page(&text, &base);
}

#[test]
fn the_untrusted_path_survives_mutated_feeds_pages_and_lists() {
    let cases: u64 = std::env::var("FOCUSFEED_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(FUZZ_CASES);
    let seed: u64 = std::env::var("FOCUSFEED_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5EED);
    let seeds = seeds();
    assert!(!seeds.is_empty());
    let mut rng = Rng(seed | 1);
    for case in 0..cases {
        let input = mutate(&mut rng, &seeds);
        let outcome = std::panic::catch_unwind(|| run_one(&input));
        if outcome.is_err() {
            let path = std::env::temp_dir().join(format!("focusfeed-fuzz-{seed}-{case}.bin"));
            let _ = std::fs::write(&path, &input);
            panic!(
                "case {case} (seed {seed}) panicked; its input is in {}",
                path.display()
            );
        }
    }
}

/// What earlier runs found stays found: each kept input goes through the whole path.
#[test]
fn the_inputs_fuzzing_found_no_longer_break_anything() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        if entry.path().extension().and_then(|x| x.to_str()) == Some("xml") {
            run_one(&std::fs::read(entry.path()).unwrap());
            n += 1;
        }
    }
    assert!(n >= 4);
}
