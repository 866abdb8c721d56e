//! A web server on 127.0.0.1 for tests: fixed pages by path, which the test may swap while it
//! runs (a feed that gains an item). Each connection gets one answer and is closed.
#![allow(dead_code, clippy::expect_used)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// `(content type, body)` by path.
type Pages = Arc<Mutex<HashMap<String, (String, Vec<u8>)>>>;

pub struct PageServer {
    pub base: String,
    pages: Pages,
    asked: Arc<Mutex<Vec<String>>>,
}

impl PageServer {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let base = format!("http://{}", listener.local_addr().expect("local address"));
        let pages: Pages = Arc::default();
        let asked: Arc<Mutex<Vec<String>>> = Arc::default();
        let (served, log) = (Arc::clone(&pages), Arc::clone(&asked));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (pages, log) = (Arc::clone(&served), Arc::clone(&log));
                std::thread::spawn(move || serve(stream, &pages, &log));
            }
        });
        Self { base, pages, asked }
    }

    /// How many times `path` was asked for.
    pub fn asked(&self, path: &str) -> usize {
        self.asked
            .lock()
            .expect("log")
            .iter()
            .filter(|p| *p == path)
            .count()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn put(&self, path: &str, content_type: &str, body: impl Into<Vec<u8>>) {
        self.pages
            .lock()
            .expect("pages")
            .insert(path.to_owned(), (content_type.to_owned(), body.into()));
    }
}

fn serve(
    stream: TcpStream,
    pages: &Mutex<HashMap<String, (String, Vec<u8>)>>,
    asked: &Mutex<Vec<String>>,
) {
    let mut reader = BufReader::new(&stream);
    let mut first = String::new();
    if reader.read_line(&mut first).is_err() {
        return;
    }
    // The headers are read and ignored.
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    let path = first.split_whitespace().nth(1).unwrap_or("/").to_owned();
    asked.lock().expect("log").push(path.clone());
    let page = pages.lock().expect("pages").get(&path).cloned();
    let (status, content_type, body) = match page {
        Some((ct, body)) => ("200 OK", ct, body),
        None => (
            "404 Not Found",
            "text/plain".to_owned(),
            b"not found".to_vec(),
        ),
    };
    let mut out = &stream;
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = out.write_all(head.as_bytes());
    let _ = out.write_all(&body);
}

/// A fresh data directory subscribed to the feed at `path` on `server`, and the Reader open on
/// it (the directory lives as long as the returned guard).
pub fn reader_on(
    server: &PageServer,
    path: &str,
) -> (
    tempfile::TempDir,
    focusfeed::clock::ManualClock,
    egui_kittest::Harness<'static, focusfeed::ui::app::FocusFeedApp>,
) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let clock = super::start_clock();
    focusfeed::engine::Engine::open(dir.path(), std::sync::Arc::new(clock.clone()))
        .expect("engine")
        .subscribe(&server.url(path), &[])
        .expect("subscribe");
    let h = super::reader_harness(dir.path(), &clock);
    (dir, clock, h)
}
