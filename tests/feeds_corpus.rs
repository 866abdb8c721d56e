//! Every file of the feedparser and feed-rs test corpora (in ../shared) goes through the same
//! path as a fetched feed — fetch (from disk), parse, sanitize, store. None may panic; each
//! yields items or leaves a readable error; where feedparser's `Expect:` line checks a feed or
//! entry title, link or guid by equality on a well-formed feed, we compare and report the share
//! that agrees. Skipped, with a notice, when the corpora are absent.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use chrono::{TimeZone, Utc};
use focusfeed::clock::{ManualClock, SharedClock};
use focusfeed::engine::Engine;
use focusfeed::engine::feeds::untitled_feed_name;
use focusfeed::feeds::parse::PARSER_CRASHED;
use focusfeed::feeds::sanitize::{looks_like_html, title_text};
use rusqlite::OptionalExtension;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The share of checkable feedparser expectations we agree with must not fall below this.
const MIN_AGREEMENT: f64 = 0.77;

/// `../shared/corpora` beside the checkout; `FOCUSFEED_SHARED` overrides it (for worktrees
/// that live elsewhere).
fn corpora() -> PathBuf {
    std::env::var_os("FOCUSFEED_SHARED")
        .map_or_else(
            || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared")),
            PathBuf::from,
        )
        .join("corpora")
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_under(&p, out);
        } else if p
            .extension()
            .is_some_and(|e| e == "xml" || e == "json" || e == "rss" || e == "atom")
        {
            out.push(p);
        }
    }
}

/// One `X['field'] == 'literal'` check from an Expect line.
#[derive(Debug)]
struct Check {
    entry: bool,
    field: String,
    expected: String,
}

/// Reads a Python string literal (optionally u-prefixed, single or double quoted).
fn python_str(s: &str) -> Option<String> {
    let s = s.trim();
    let s = s.strip_prefix('u').unwrap_or(s);
    let q = s.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let body = s.strip_prefix(q)?.strip_suffix(q)?;
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c == q {
            return None; // concatenation or something else we do not evaluate
        }
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'u' => out.push(char::from_u32(
                u32::from_str_radix(&chars.by_ref().take(4).collect::<String>(), 16).ok()?,
            )?),
            'x' => out.push(char::from_u32(
                u32::from_str_radix(&chars.by_ref().take(2).collect::<String>(), 16).ok()?,
            )?),
            other => out.push(other),
        }
    }
    Some(out)
}

/// The title/link/id/guid equality checks of a well-formed (`not bozo`) expectation.
fn checks(text: &str) -> Vec<Check> {
    let Some(line) = text
        .lines()
        .take(20)
        .find_map(|l| l.trim().strip_prefix("Expect:"))
    else {
        return Vec::new();
    };
    let line = line.trim();
    let Some(rest) = line.strip_prefix("not bozo and ") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for clause in rest.split(" and ") {
        let Some((lhs, rhs)) = clause.split_once(" == ") else {
            continue;
        };
        let (entry, field) = match lhs.trim() {
            l if l.starts_with("feed['") => (false, &l[6..]),
            l if l.starts_with("entries[0]['") => (true, &l[12..]),
            _ => continue,
        };
        let Some(field) = field.strip_suffix("']") else {
            continue;
        };
        if !matches!(field, "title" | "link" | "id" | "guid") {
            continue;
        }
        if let Some(expected) = python_str(rhs) {
            out.push(Check {
                entry,
                field: field.to_string(),
                expected,
            });
        }
    }
    out
}

fn norm_url(s: &str) -> String {
    url::Url::parse(s.trim()).map_or_else(|_| s.trim().to_string(), |u| u.to_string())
}

#[test]
fn corpus_never_panics_and_agrees_with_feedparser() {
    let root = corpora();
    if !root.exists() {
        println!("NOTICE: {} is absent; corpus test skipped", root.display());
        return;
    }
    let mut files = Vec::new();
    files_under(&root.join("feedparser"), &mut files);
    files_under(&root.join("feed-rs"), &mut files);
    assert!(
        files.len() > 1000,
        "corpora look incomplete: {} files",
        files.len()
    );

    let dir = tempfile::tempdir().unwrap();
    let clock: SharedClock = Arc::new(ManualClock::new(
        Utc.timestamp_opt(1_795_000_000, 0).unwrap(),
    ));
    let mut engine = Engine::open(dir.path(), clock).unwrap();
    let (mut with_items, mut errors, mut empty) = (0, 0, 0);
    // Feeds read (with or without items) per corpus, by its top directory.
    let mut read_by_corpus: std::collections::BTreeMap<String, (usize, usize)> =
        std::collections::BTreeMap::new();
    let (mut checkable, mut agree) = (0, 0);
    let mut disagreements: Vec<String> = Vec::new();
    let mut crashes: Vec<String> = Vec::new();
    for file in &files {
        let text = String::from_utf8_lossy(&std::fs::read(file).unwrap()).into_owned();
        let expect = checks(&text);
        let name = file
            .strip_prefix(&root)
            .unwrap_or(file)
            .display()
            .to_string();
        let result = engine.subscribe(file.to_str().unwrap(), &[]);
        let corpus = name.split('/').next().unwrap_or_default().to_string();
        let tally = read_by_corpus.entry(corpus).or_default();
        tally.1 += 1;
        tally.0 += usize::from(result.is_ok());
        let sub = match result {
            Ok(s) => s,
            Err(e) => {
                let msg = e.to_string();
                if msg.trim().is_empty() || msg.contains(PARSER_CRASHED) {
                    crashes.push(format!("{name}: {msg}"));
                }
                errors += 1;
                if !expect.is_empty() {
                    checkable += 1;
                    disagreements.push(format!("{name}: parse error: {msg}"));
                }
                continue;
            }
        };
        if sub.items.added > 0 {
            with_items += 1
        } else {
            empty += 1
        }
        if expect.is_empty() {
            continue;
        }
        checkable += 1;
        let feed = engine.store().feed(sub.feed_id).unwrap();
        let first: Option<(String, Option<String>, Option<String>)> = engine
            .store()
            .conn()
            .query_row(
                "SELECT title, url, guid FROM items WHERE feed_id = ?1 ORDER BY id LIMIT 1",
                [sub.feed_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .unwrap();
        let mut ok = true;
        for c in &expect {
            let got: Option<String> = match (c.entry, c.field.as_str()) {
                // An untitled feed is listed under a name made from its address.
                (false, "title") => Some(feed.title.clone())
                    .filter(|t| *t != untitled_feed_name(&feed.url, feed.site_url.as_deref())),
                (false, "link") => feed.site_url.clone(),
                (false, _) => None,
                (true, "title") => first.as_ref().map(|f| f.0.clone()),
                (true, "link") => first.as_ref().and_then(|f| f.1.clone()),
                (true, _) => first.as_ref().and_then(|f| f.2.clone()),
            };
            let got = got.unwrap_or_default();
            let same = match c.field.as_str() {
                "title" => title_text(&c.expected, looks_like_html(&c.expected)) == got,
                "link" => norm_url(&c.expected) == norm_url(&got),
                _ => c.expected.trim() == got,
            };
            if !same {
                ok = false;
                let who = if c.entry { "entries[0]" } else { "feed" };
                disagreements.push(format!(
                    "{name}: {who}.{} expected {:?} got {got:?}",
                    c.field, c.expected
                ));
            }
        }
        if ok {
            agree += 1;
        }
    }
    let share = agree as f64 / checkable.max(1) as f64;
    for d in &disagreements {
        println!("DISAGREE {d}");
    }
    println!(
        "corpus: {} files, {with_items} with items, {empty} parsed without items, {errors} readable errors; \
         feedparser title/link/guid expectations: {agree}/{checkable} agree ({:.1}%)",
        files.len(),
        share * 100.0
    );
    for (corpus, (read, total)) in &read_by_corpus {
        println!("corpus {corpus}: {read} of {total} files read as feeds");
    }
    assert!(
        crashes.is_empty(),
        "the parser panicked or gave no message on:\n{}",
        crashes.join("\n")
    );
    assert!(
        share >= MIN_AGREEMENT,
        "agreement fell to {:.1}%",
        share * 100.0
    );
}
