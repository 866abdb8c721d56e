//! Fetching against a real HTTP server on 127.0.0.1 started by each test: status codes,
//! conditional GET, redirects, limits, encodings and discovery — each ending in the stored
//! state a user relies on.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{TimeZone, Utc};
use focusfeed::clock::{ManualClock, SharedClock};
use focusfeed::engine::Engine;
use focusfeed::engine::feeds::{FeedOutcome, FeedsError, RefreshScope};
use focusfeed::feeds::fetch::{FetchConfig, FetchError};
use focusfeed::store::feeds::FeedRow;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A request as the server saw it.
#[derive(Debug, Clone)]
struct Request {
    path: String,
    headers: HashMap<String, String>,
}

/// What the server sends back.
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// Hold the answer until the test opens this gate (the slow-server case).
    hold: Option<Gate>,
}

/// A gate the server waits at before answering, opened by the test: a stalled server without
/// a guessed sleep on either side.
#[derive(Clone, Default)]
struct Gate(Arc<(Mutex<bool>, std::sync::Condvar)>);

impl Gate {
    fn open(&self) {
        let (open, cv) = &*self.0;
        *open.lock().unwrap() = true;
        cv.notify_all();
    }
    fn wait(&self) {
        let (open, cv) = &*self.0;
        let mut guard = open.lock().unwrap();
        while !*guard {
            guard = cv.wait(guard).unwrap();
        }
    }
}

impl Reply {
    fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: body.into(),
            hold: None,
        }
    }
    fn header(mut self, k: &str, v: &str) -> Self {
        self.headers.push((k.into(), v.into()));
        self
    }
}

type Handler = dyn Fn(&Request) -> Reply + Send + Sync;

struct Server {
    base: String,
    log: Arc<Mutex<Vec<Request>>>,
}

impl Server {
    fn start(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let log = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let log2 = Arc::clone(&log);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (handler, log) = (Arc::clone(&handler), Arc::clone(&log2));
                std::thread::spawn(move || serve(stream, &*handler, &log));
            }
        });
        Self { base, log }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn requests(&self, path: &str) -> Vec<Request> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.path == path)
            .cloned()
            .collect()
    }
}

fn serve(stream: TcpStream, handler: &Handler, log: &Mutex<Vec<Request>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let req = Request { path, headers };
    log.lock().unwrap().push(req.clone());
    let reply = handler(&req);
    if let Some(gate) = &reply.hold {
        gate.wait();
    }
    let mut out = stream;
    let mut head = format!(
        "HTTP/1.1 {} X\r\nContent-Length: {}\r\nConnection: close\r\n",
        reply.status,
        reply.body.len()
    );
    for (k, v) in &reply.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = out.write_all(head.as_bytes());
    let _ = out.write_all(&reply.body);
    let _ = out.flush();
}

fn rss(title: &str, items: usize) -> String {
    let mut s = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{title}</title><link>https://site.test/</link>"
    );
    for i in 0..items {
        s.push_str(&format!(
            "<item><title>Item {i}</title><guid>{title}-{i}</guid><link>/posts/{i}</link>\
             <description>&lt;p&gt;Body {i}&lt;/p&gt;</description><pubDate>0{} Nov 2026 10:00:00 GMT</pubDate></item>",
            1 + i % 9
        ));
    }
    s.push_str("</channel></rss>");
    s
}

const NOW: i64 = 1_795_000_000;

/// An engine whose fetches have the usual deadlines: a loaded CI machine can stall a loopback
/// answer for longer than a short deadline, and only the stalled-server test wants one.
fn engine() -> (tempfile::TempDir, Engine, ManualClock) {
    engine_with_deadline(Duration::from_secs(30))
}

fn engine_with_deadline(total: Duration) -> (tempfile::TempDir, Engine, ManualClock) {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(Utc.timestamp_opt(NOW, 0).unwrap());
    let shared: SharedClock = Arc::new(clock.clone());
    let mut engine = Engine::open(dir.path(), shared).unwrap();
    engine.set_fetch_config(FetchConfig {
        connect_timeout: Duration::from_secs(10),
        total_timeout: total,
        max_bytes: 64 * 1024,
        ..FetchConfig::default()
    });
    (dir, engine, clock)
}

fn only_feed(engine: &Engine) -> FeedRow {
    let feeds = engine.store().feeds().unwrap();
    assert_eq!(feeds.len(), 1, "{feeds:?}");
    feeds.into_iter().next().unwrap()
}

fn refresh_one(engine: &mut Engine, id: i64) -> FeedOutcome {
    let mut last = None;
    engine
        .refresh(RefreshScope::Feed(id), |p| last = Some(p.outcome.clone()))
        .unwrap();
    last.unwrap()
}

/// A feed that works at first and then answers with `later` on every further request.
fn switching_server(later: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Server {
    let served = Arc::new(Mutex::new(0usize));
    Server::start(move |r| {
        let mut n = served.lock().unwrap();
        *n += 1;
        if *n == 1 {
            Reply::new(200, rss("Switch", 3))
        } else {
            later(r)
        }
    })
}

#[test]
fn ok_then_304_by_etag_changes_nothing() {
    let server = Server::start(|r| {
        if r.headers.get("if-none-match").map(String::as_str) == Some("\"v1\"") {
            Reply::new(304, "")
        } else {
            Reply::new(200, rss("Etag", 3))
                .header("ETag", "\"v1\"")
                .header("Content-Type", "application/rss+xml")
        }
    });
    let (_d, mut engine, clock) = engine();
    let s = engine.subscribe(&server.url("/feed"), &[]).unwrap();
    assert!(s.created);
    assert_eq!(s.items.added, 3);
    let ua = server.requests("/feed")[0]
        .headers
        .get("user-agent")
        .cloned()
        .unwrap_or_default();
    assert!(ua.starts_with("focusfeed/"), "{ua}");
    clock.advance(chrono::Duration::hours(3));
    assert_eq!(
        refresh_one(&mut engine, s.feed_id),
        FeedOutcome::NotModified { removed: 0 }
    );
    let feed = only_feed(&engine);
    assert_eq!((feed.item_count, feed.error.clone()), (3, None));
    assert_eq!(feed.last_fetch_at, Some(NOW + 3 * 3600));
    assert_eq!(
        server.requests("/feed")[1]
            .headers
            .get("if-none-match")
            .map(String::as_str),
        Some("\"v1\"")
    );
}

/// A server without validators: the body's hash, taken when subscribing and on each refresh,
/// tells an identical body (not parsed again) from a changed one, directly and behind a page.
#[test]
fn an_identical_body_without_validators_counts_as_not_modified_and_a_changed_one_updates() {
    let served = Arc::new(Mutex::new(2usize));
    let items = Arc::clone(&served);
    let server = Server::start(move |r| match r.path.as_str() {
        "/page" => Reply::new(
            200,
            "<html><head><link rel=\"alternate\" type=\"application/rss+xml\" href=\"/same\"></head></html>",
        ),
        _ => Reply::new(200, rss("Same", *items.lock().unwrap())),
    });
    for address in ["/same", "/page"] {
        let (_d, mut engine, _c) = engine();
        let s = engine.subscribe(&server.url(address), &[]).unwrap();
        assert_eq!(
            refresh_one(&mut engine, s.feed_id),
            FeedOutcome::NotModified { removed: 0 },
            "{address}"
        );
        *served.lock().unwrap() = 3;
        assert_eq!(
            refresh_one(&mut engine, s.feed_id),
            FeedOutcome::Updated {
                added: 1,
                updated: 0,
                removed: 0
            },
            "{address}"
        );
        assert_eq!(
            refresh_one(&mut engine, s.feed_id),
            FeedOutcome::NotModified { removed: 0 },
            "{address}"
        );
        *served.lock().unwrap() = 2;
    }
}

#[test]
fn ok_then_304_by_last_modified() {
    const LM: &str = "Sat, 28 Nov 2026 10:00:00 GMT";
    let server = Server::start(|r| {
        if r.headers.get("if-modified-since").map(String::as_str) == Some(LM) {
            Reply::new(304, "")
        } else {
            Reply::new(200, rss("LM", 2)).header("Last-Modified", LM)
        }
    });
    let (_d, mut engine, _c) = engine();
    let s = engine.subscribe(&server.url("/lm"), &[]).unwrap();
    assert_eq!(
        refresh_one(&mut engine, s.feed_id),
        FeedOutcome::NotModified { removed: 0 }
    );
    assert_eq!(only_feed(&engine).item_count, 2);
}

#[test]
fn permanent_redirect_chain_updates_the_url_and_temporary_does_not() {
    let server = Server::start(|r| match r.path.as_str() {
        "/a" => Reply::new(301, "").header("Location", "/b"),
        "/b" => Reply::new(308, "").header("Location", "/feed"),
        "/t" => Reply::new(301, "").header("Location", "/u"),
        "/u" => Reply::new(302, "").header("Location", "/feed"),
        _ => Reply::new(200, rss("Moved", 2)),
    });
    let (_d, mut engine, _c) = engine();
    let s = engine.subscribe(&server.url("/a"), &[]).unwrap();
    assert_eq!(s.url, server.url("/feed"));
    let t = engine.subscribe(&server.url("/t"), &[]).unwrap();
    assert_eq!(t.url, server.url("/t"));
    assert_eq!(t.items.added, 2);
}

#[test]
fn refresh_follows_a_301_and_stores_the_new_address() {
    let server = switching_server(|r| match r.path.as_str() {
        "/old" => Reply::new(301, "").header("Location", "/new"),
        _ => Reply::new(200, rss("Switch", 4)),
    });
    let (_d, mut engine, _c) = engine();
    let s = engine.subscribe(&server.url("/old"), &[]).unwrap();
    let outcome = refresh_one(&mut engine, s.feed_id);
    assert!(
        matches!(outcome, FeedOutcome::Updated { added: 1, .. }),
        "{outcome:?}"
    );
    assert_eq!(only_feed(&engine).url, server.url("/new"));
}

#[test]
fn a_redirect_to_a_local_file_is_refused() {
    let server = Server::start(|r| match r.path.as_str() {
        "/sneaky" => Reply::new(301, "").header("Location", "file:///etc/passwd"),
        _ => Reply::new(404, ""),
    });
    let (_d, mut engine, _c) = engine();
    let e = engine.subscribe(&server.url("/sneaky"), &[]).unwrap_err();
    assert!(e.to_string().contains("non-web address"), "{e}");
    assert!(engine.store().feeds().unwrap().is_empty());
}

#[test]
fn redirect_loop_and_too_many_redirects_store_nothing() {
    let server = Server::start(|r| match r.path.as_str() {
        "/loop1" => Reply::new(302, "").header("Location", "/loop2"),
        "/loop2" => Reply::new(302, "").header("Location", "/loop1"),
        p => {
            let n: u32 = p.trim_start_matches("/hop").parse().unwrap_or(0);
            Reply::new(301, "").header("Location", &format!("/hop{}", n + 1))
        }
    });
    let (_d, mut engine, _c) = engine();
    let e = engine.subscribe(&server.url("/loop1"), &[]).unwrap_err();
    assert!(
        matches!(e, FeedsError::Fetch(FetchError::RedirectLoop { .. })),
        "{e}"
    );
    let e = engine.subscribe(&server.url("/hop0"), &[]).unwrap_err();
    assert!(
        matches!(
            e,
            FeedsError::Fetch(FetchError::TooManyRedirects { max: 5, .. })
        ),
        "{e}"
    );
    assert!(
        server.requests("/hop6").is_empty(),
        "stopped after 5 redirects"
    );
    assert!(engine.store().feeds().unwrap().is_empty());
}

#[test]
fn not_found_keeps_items_records_the_error_and_backs_off() {
    let server = switching_server(|_| Reply::new(404, "nope"));
    let (_d, mut engine, _c) = engine();
    let s = engine.subscribe(&server.url("/f"), &[]).unwrap();
    let outcome = refresh_one(&mut engine, s.feed_id);
    assert!(
        matches!(&outcome, FeedOutcome::Failed { message } if message.contains("404")),
        "{outcome:?}"
    );
    let feed = only_feed(&engine);
    assert_eq!(feed.item_count, 3);
    assert_eq!(feed.error_count, 1);
    assert!(!feed.disabled);
    assert_eq!(feed.next_fetch_at, Some(NOW + 15 * 60));
    refresh_one(&mut engine, s.feed_id);
    assert_eq!(only_feed(&engine).next_fetch_at, Some(NOW + 30 * 60));
}

#[test]
fn gone_disables_the_feed_with_a_message() {
    let server = switching_server(|_| Reply::new(410, ""));
    let (_d, mut engine, clock) = engine();
    let s = engine.subscribe(&server.url("/f"), &[]).unwrap();
    refresh_one(&mut engine, s.feed_id);
    let feed = only_feed(&engine);
    assert!(feed.disabled);
    assert!(feed.error.unwrap_or_default().contains("gone"));
    assert_eq!(feed.item_count, 3);
    clock.advance(chrono::Duration::days(30));
    let r = engine.refresh(RefreshScope::Due, |_| {}).unwrap();
    assert_eq!(r.feeds, 0, "a gone feed is not fetched again");
}

#[test]
fn too_many_requests_and_unavailable_honour_retry_after() {
    let server = Server::start(|r| match r.path.as_str() {
        "/429" => Reply::new(429, "").header("Retry-After", "7200"),
        "/503" => Reply::new(503, "").header("Retry-After", "Thu, 19 Nov 2026 12:00:00 GMT"),
        _ => Reply::new(200, rss("ok", 1)),
    });
    let (_d, mut engine, _c) = engine();
    for (path, expected) in [("/429", NOW + 7200), ("/503", 1_795_089_600)] {
        let id = engine
            .store()
            .insert_feed(&server.url(path), "t", None, None, NOW)
            .unwrap()
            .0;
        let outcome = refresh_one(&mut engine, id);
        assert!(matches!(outcome, FeedOutcome::Failed { .. }));
        let feed = engine.store().feed(id).unwrap();
        assert_eq!(feed.next_fetch_at, Some(expected), "{path}");
        assert!(!feed.disabled);
    }
}

#[test]
fn a_stalled_server_times_out() {
    // The server never answers until the test has its result, so only the client's own
    // deadline can end the fetch: no timing assertion, no sleep.
    let gate = Gate::default();
    let held = gate.clone();
    let server = Server::start(move |_| {
        let mut r = Reply::new(200, rss("slow", 1));
        r.hold = Some(held.clone());
        r
    });
    let (_d, mut engine, _c) = engine_with_deadline(Duration::from_millis(400));
    let e = engine.subscribe(&server.url("/slow"), &[]).unwrap_err();
    gate.open();
    assert!(
        matches!(e, FeedsError::Fetch(FetchError::Timeout { .. })),
        "{e}"
    );
    assert!(engine.store().feeds().unwrap().is_empty());
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

#[test]
fn bodies_over_the_cap_are_refused_even_compressed() {
    let big = format!("{}{}", rss("Big", 1), " ".repeat(100 * 1024));
    let bomb = gzip(big.as_bytes());
    let server = Server::start(move |r| match r.path.as_str() {
        "/big" => Reply::new(200, big.clone()),
        _ => Reply::new(200, bomb.clone()).header("Content-Encoding", "gzip"),
    });
    let (_d, mut engine, _c) = engine();
    for path in ["/big", "/bomb"] {
        let e = engine.subscribe(&server.url(path), &[]).unwrap_err();
        assert!(
            matches!(e, FeedsError::Fetch(FetchError::TooLarge { .. })),
            "{path}: {e}"
        );
    }
    assert!(engine.store().feeds().unwrap().is_empty());
}

#[test]
fn gzip_and_deflate_bodies_are_decoded() {
    let server = Server::start(|r| match r.path.as_str() {
        "/gz" => Reply::new(200, gzip(rss("Gz", 2).as_bytes())).header("Content-Encoding", "gzip"),
        _ => {
            let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
            e.write_all(rss("Deflate", 3).as_bytes()).unwrap();
            Reply::new(200, e.finish().unwrap()).header("Content-Encoding", "deflate")
        }
    });
    let (_d, mut engine, _c) = engine();
    assert_eq!(
        engine
            .subscribe(&server.url("/gz"), &[])
            .unwrap()
            .items
            .added,
        2
    );
    assert_eq!(
        engine
            .subscribe(&server.url("/deflate"), &[])
            .unwrap()
            .items
            .added,
        3
    );
    let accept = server.requests("/gz")[0]
        .headers
        .get("accept-encoding")
        .cloned()
        .unwrap_or_default();
    assert!(accept.contains("gzip") && accept.contains("br"), "{accept}");
}

#[test]
fn the_charset_in_content_type_is_honoured() {
    let server = Server::start(|_| {
        let mut body = b"<rss version=\"2.0\"><channel><title>Caf".to_vec();
        body.push(0xE9); // é in ISO-8859-1
        body.extend_from_slice(
            b"</title><item><guid>1</guid><title>na\xEFve</title></item></channel></rss>",
        );
        Reply::new(200, body).header("Content-Type", "application/rss+xml; charset=ISO-8859-1")
    });
    let (_d, mut engine, _c) = engine();
    let s = engine.subscribe(&server.url("/latin1"), &[]).unwrap();
    assert_eq!(s.title, "Café");
    assert_eq!(
        engine.store().items(&Default::default()).unwrap()[0].title,
        "naïve"
    );
}

#[test]
fn a_gone_feed_that_returns_is_enabled_again_by_an_explicit_refresh() {
    let served = Arc::new(Mutex::new(0usize));
    let server = Server::start(move |_| {
        let mut n = served.lock().unwrap();
        *n += 1;
        if *n == 2 {
            Reply::new(410, "")
        } else {
            Reply::new(200, rss("Back", 2))
        }
    });
    let (_d, mut engine, _c) = engine();
    let s = engine.subscribe(&server.url("/f"), &[]).unwrap();
    refresh_one(&mut engine, s.feed_id);
    assert!(only_feed(&engine).disabled);
    let back = refresh_one(&mut engine, s.feed_id);
    assert!(!matches!(back, FeedOutcome::Failed { .. }), "{back:?}");
    let feed = only_feed(&engine);
    assert!(!feed.disabled && feed.error.is_none());
}

#[test]
fn wrong_or_missing_content_type_is_sniffed() {
    let server = Server::start(|r| match r.path.as_str() {
        "/wrong" => {
            Reply::new(200, rss("Wrong", 1)).header("Content-Type", "text/html; charset=utf-8")
        }
        "/plain" => Reply::new(200, rss("Plain", 1)).header("Content-Type", "text/plain"),
        _ => Reply::new(200, rss("None", 1)),
    });
    let (_d, mut engine, _c) = engine();
    for p in ["/wrong", "/plain", "/none"] {
        assert_eq!(
            engine.subscribe(&server.url(p), &[]).unwrap().items.added,
            1,
            "{p}"
        );
    }
}

#[test]
fn html_pages_lead_to_their_feeds() {
    let server = Server::start(|r| {
        match r.path.as_str() {
        "/blog" => Reply::new(200, r#"<!DOCTYPE html><html><head><title>Blog</title>
            <link rel="alternate" type="application/atom+xml" title="Blog feed" href="/blog/atom.xml"></head><body>hi</body></html>"#)
            .header("Content-Type", "text/html"),
        "/blog/atom.xml" => Reply::new(200, r#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom blog</title>
            <entry><id>urn:1</id><title>First</title><link href="/blog/1"/><updated>2026-11-01T00:00:00Z</updated></entry></feed>"#),
        "/bare" => Reply::new(200, "<html><body>no links here</body></html>"),
        "/rss.xml" => Reply::new(200, rss("Common path", 2)),
        _ => Reply::new(404, ""),
    }
    });
    let (_d, mut engine, _c) = engine();
    let found = engine.discover(&server.url("/blog")).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].url, server.url("/blog/atom.xml"));
    let s = engine.subscribe(&server.url("/blog"), &[]).unwrap();
    assert_eq!(
        (s.url.as_str(), s.title.as_str(), s.items.added),
        (server.url("/blog/atom.xml").as_str(), "Atom blog", 1)
    );
    assert_eq!(s.discovered_from, Some(server.url("/blog")));
    let item = &engine.store().items(&Default::default()).unwrap()[0];
    assert_eq!(item.url.as_deref(), Some(server.url("/blog/1").as_str()));
    let s = engine.subscribe(&server.url("/bare"), &[]).unwrap();
    assert_eq!(s.url, server.url("/rss.xml"));
    assert_eq!(engine.store().feeds().unwrap().len(), 2);
}

#[test]
fn several_feeds_refresh_at_once_and_one_failure_stops_nothing() {
    let server = Server::start(|r| match r.path.as_str() {
        "/broken" => Reply::new(200, "this is not a feed at all"),
        p => Reply::new(200, rss(p, 5)),
    });
    let (_d, mut engine, _c) = engine();
    for i in 0..6 {
        engine
            .store()
            .insert_feed(&server.url(&format!("/f{i}")), "", None, None, NOW)
            .unwrap();
    }
    engine
        .store()
        .insert_feed(&server.url("/broken"), "", None, None, NOW)
        .unwrap();
    let mut seen = Vec::new();
    let r = engine
        .refresh(RefreshScope::Due, |p| seen.push(p.done))
        .unwrap();
    assert_eq!((r.feeds, r.updated, r.failed, r.items_added), (7, 6, 1, 30));
    assert_eq!(seen, (1..=7).collect::<Vec<_>>());
    let broken = engine
        .store()
        .feeds()
        .unwrap()
        .into_iter()
        .find(|f| f.url.ends_with("/broken"))
        .unwrap();
    assert!(broken.error.is_some());
    // Nothing is due again right away.
    assert_eq!(engine.refresh(RefreshScope::Due, |_| {}).unwrap().feeds, 0);
}
