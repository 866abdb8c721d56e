//! `bench ingest`: end-to-end ingest as a user's machine runs it. Feeds are served from a
//! loopback HTTP server, then fetched, parsed, sanitized, stored and indexed by the engine
//! (`refresh --all`, the index kept up beside it), and the same bytes go through bare feed-rs
//! parsing plus bare tantivy indexing in the same run: the ratio says what our layers cost.

use crate::engine::Engine;
use crate::engine::feeds::RefreshScope;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Instant;

/// Words the generated items draw from, so the index sees a vocabulary rather than one phrase.
#[rustfmt::skip]
const WORDS: [&str; 48] = [
    "attention", "focus", "reader", "garden", "compiler", "river", "orbit", "kernel", "harvest",
    "signal", "window", "memory", "autumn", "ledger", "market", "bridge", "thread", "lantern",
    "meteor", "archive", "pattern", "engine", "forest", "canvas", "puzzle", "harbour", "vector",
    "summit", "pocket", "rhythm", "mirror", "island", "cursor", "meadow", "socket", "glacier",
    "planet", "parcel", "violin", "tunnel", "beacon", "saddle", "marble", "domain", "candle",
    "silver", "ripple", "stanza",
];

/// One generated RSS document of `items` items, about 1.2 KB each (HTML bodies with links,
/// images, a script and a tracking pixel for the sanitizer).
fn feed_xml(f: usize, items: usize) -> String {
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\
         <title>Ingest feed {f}</title><link>https://ingest{f}.example/</link>\n"
    );
    for i in 0..items {
        let word = |k: usize| WORDS[(f * 7919 + i * 104_729 + k * 31) % WORDS.len()];
        let sentence: Vec<&str> = (0..60).map(word).collect();
        xml.push_str(&format!(
            "<item><title>{} {} and the {} of {} ({f}-{i})</title>\
             <link>https://ingest{f}.example/posts/{i}</link><guid>ingest-{f}-{i}</guid>\
             <pubDate>{:02} Oct 2026 {:02}:{:02}:00 GMT</pubDate><category>{}</category>\
             <description><![CDATA[<p>{} <a href=\"/rel/{i}\">a relative link</a>, <b>bold</b> \
             and <img src=\"/i/{i}.png\" alt=\"picture {i}\">.</p><p>{}</p>\
             <script>track({i})</script><img src=\"https://pixel.wp.com/{i}.gif\" width=\"1\" \
             height=\"1\">]]></description></item>\n",
            word(1),
            word(2),
            word(3),
            word(4),
            1 + i % 28,
            i % 24,
            i % 60,
            word(5),
            sentence[..20].join(" "),
            sentence[20..].join(" "),
        ));
    }
    xml.push_str("</channel></rss>\n");
    xml
}

/// Serves `docs[n]` (a file) at `/feed-n.xml` on 127.0.0.1 until the process ends; its base
/// address. The documents stay on disk, read per request, so the peak memory measured is the
/// engine's and not the server's.
fn serve(docs: Arc<Vec<std::path::PathBuf>>) -> anyhow::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let base = format!("http://{}", listener.local_addr()?);
    std::thread::Builder::new()
        .name("ingest-bench-server".into())
        .spawn(move || {
            for conn in listener.incoming().flatten() {
                let docs = Arc::clone(&docs);
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(&conn);
                    let mut line = String::new();
                    if reader.read_line(&mut line).is_err() {
                        return;
                    }
                    let n = line
                        .split_whitespace()
                        .nth(1)
                        .and_then(|p| p.strip_prefix("/feed-"))
                        .and_then(|p| p.strip_suffix(".xml"))
                        .and_then(|n| n.parse::<usize>().ok());
                    // The request's headers, up to the blank line.
                    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                        line.clear();
                    }
                    let mut out = &conn;
                    let body = n.and_then(|n| docs.get(n)).and_then(|p| std::fs::read(p).ok());
                    let _ = match body {
                        Some(body) => out
                            .write_all(
                                format!(
                                    "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n\
                                     Content-Length: {}\r\nConnection: close\r\n\r\n",
                                    body.len()
                                )
                                .as_bytes(),
                            )
                            .and_then(|()| out.write_all(&body)),
                        None => out.write_all(
                            b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                        ),
                    };
                });
            }
        })?;
    Ok(base)
}

/// The process's peak resident memory so far, in MiB (Linux; None elsewhere).
pub fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

/// Starts counting the peak afresh (Linux: writing 5 to `clear_refs` resets VmHWM).
pub fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn mib(v: Option<f64>) -> String {
    v.map_or_else(|| "n/a".into(), |m| format!("{m:.0} MiB"))
}

pub fn run(feeds: usize, items: usize) -> anyhow::Result<()> {
    let scratch =
        std::env::temp_dir().join(format!("focusfeed-bench-ingest-{}", std::process::id()));
    std::fs::create_dir_all(scratch.join("feeds"))?;
    let mut docs = Vec::with_capacity(feeds);
    let mut bytes = 0;
    for f in 0..feeds {
        let xml = feed_xml(f, items);
        bytes += xml.len();
        let path = scratch.join("feeds").join(format!("feed-{f}.xml"));
        std::fs::write(&path, xml)?;
        docs.push(path);
    }
    let total = feeds * items;
    let docs = Arc::new(docs);
    let base = serve(Arc::clone(&docs))?;
    println!(
        "ingest: {feeds} feeds × {items} items = {total} items, {:.0} MB of RSS from 127.0.0.1",
        bytes as f64 / 1e6
    );
    let result = (|| -> anyhow::Result<()> {
        let ours = ingest_ours(&scratch.join("data"), &base, feeds)?;
        let bare = ingest_bare(&scratch.join("bare-index"), &docs)?;
        let rate = |secs: f64| total as f64 / secs;
        println!(
            "  focusfeed: fetch+parse+store and index beside it: the last feed stored at {:.2} s, every item indexed at {:.2} s = {:.0} items/s (peak {})",
            ours.store_secs,
            ours.all_secs,
            rate(ours.all_secs),
            mib(ours.peak_mib),
        );
        println!(
            "  bare feed-rs + tantivy, same bytes: parse {:.2} s, index {:.2} s; {:.2} s = {:.0} items/s, peak {}",
            bare.parse_secs,
            bare.index_secs,
            bare.parse_secs + bare.index_secs,
            rate(bare.parse_secs + bare.index_secs),
            mib(bare.peak_mib)
        );
        println!(
            "  ratio (focusfeed time / bare time): {:.2}",
            ours.all_secs / (bare.parse_secs + bare.index_secs)
        );
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

struct Ours {
    /// From the first fetch until the index holds every item.
    all_secs: f64,
    /// Until the last feed was stored; the index runs beside it and finishes after.
    store_secs: f64,
    peak_mib: Option<f64>,
}

fn ingest_ours(data_dir: &std::path::Path, base: &str, feeds: usize) -> anyhow::Result<Ours> {
    std::fs::create_dir_all(data_dir)?;
    let clock: crate::clock::SharedClock = Arc::new(crate::clock::SystemClock);
    let mut engine = Engine::open(data_dir, clock)?;
    let opml_feeds: Vec<crate::feeds::opml::OpmlFeed> = (0..feeds)
        .map(|f| crate::feeds::opml::OpmlFeed {
            url: format!("{base}/feed-{f}.xml"),
            title: String::new(),
            html_url: None,
            folder: Vec::new(),
        })
        .collect();
    let opml = data_dir.join("ingest.opml");
    std::fs::write(
        &opml,
        crate::feeds::opml::write_opml("ingest", &[], &opml_feeds, ""),
    )?;
    engine.import_opml(&opml)?;
    let measured = reset_peak_rss();
    let started = Instant::now();
    let mut last_stored = started;
    let (report, index) = engine.refresh_indexed(RefreshScope::All, |_| {
        last_stored = Instant::now();
    })?;
    let all_secs = started.elapsed().as_secs_f64();
    anyhow::ensure!(
        report.failed == 0,
        "{} feeds failed in the ingest bench",
        report.failed
    );
    anyhow::ensure!(
        index.done,
        "the index did not catch up: {}",
        index.note.unwrap_or_default()
    );
    Ok(Ours {
        all_secs,
        store_secs: last_stored.duration_since(started).as_secs_f64(),
        peak_mib: peak_rss_mib().filter(|_| measured),
    })
}

struct Bare {
    parse_secs: f64,
    index_secs: f64,
    peak_mib: Option<f64>,
}

/// feed-rs on each document (read from disk, as the server does), then tantivy with a plain
/// schema (id, title, the summary as given), one writer thread and the same heap as ours,
/// committed once: a document at a time, each phase timed on its own.
fn ingest_bare(dir: &std::path::Path, docs: &[std::path::PathBuf]) -> anyhow::Result<Bare> {
    use tantivy::schema::{INDEXED, STORED, Schema, TEXT};
    std::fs::create_dir_all(dir)?;
    let measured = reset_peak_rss();
    let mut b = Schema::builder();
    let id = b.add_i64_field("id", INDEXED | STORED);
    let title = b.add_text_field("title", TEXT);
    let content = b.add_text_field("content", TEXT);
    let index = tantivy::Index::create_in_dir(dir, b.build())?;
    let mut writer: tantivy::IndexWriter = index.writer_with_num_threads(1, 64 * 1024 * 1024)?;
    let (mut parse_secs, mut index_secs, mut n) = (0.0, 0.0, 0i64);
    for path in docs {
        let started = Instant::now();
        let bytes = std::fs::read(path)?;
        let feed = feed_rs::parser::parse(bytes.as_slice())?;
        parse_secs += started.elapsed().as_secs_f64();
        let started = Instant::now();
        for e in &feed.entries {
            let mut d = tantivy::TantivyDocument::default();
            d.add_i64(id, n);
            n += 1;
            if let Some(t) = &e.title {
                d.add_text(title, &t.content);
            }
            if let Some(s) = &e.summary {
                d.add_text(content, &s.content);
            }
            writer.add_document(d)?;
        }
        index_secs += started.elapsed().as_secs_f64();
    }
    let started = Instant::now();
    writer.commit()?;
    index_secs += started.elapsed().as_secs_f64();
    Ok(Bare {
        parse_secs,
        index_secs,
        peak_mib: peak_rss_mib().filter(|_| measured),
    })
}
