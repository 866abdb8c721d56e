//! Feed servers on 127.0.0.1 that take a request and hold the answer until the test releases
//! them: a refresh that hangs for exactly as long as the test wants, with no sleep on either
//! side. Each server has its own port, so the fetch pool (one request per host at a time)
//! fetches them all at once.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

#[derive(Default)]
struct State {
    accepted: usize,
    released: bool,
}

/// `count` servers, each answering `/feed.xml` with a feed of `items` items once released.
pub struct HeldServers {
    pub urls: Vec<String>,
    state: Arc<(Mutex<State>, Condvar)>,
}

impl HeldServers {
    pub fn start(count: usize, items: usize) -> Self {
        let state = Arc::new((Mutex::new(State::default()), Condvar::new()));
        let mut urls = Vec::new();
        for n in 0..count {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            urls.push(format!(
                "http://{}/feed.xml",
                listener.local_addr().unwrap()
            ));
            let state = Arc::clone(&state);
            std::thread::spawn(move || {
                for conn in listener.incoming() {
                    let Ok(mut conn) = conn else { continue };
                    let state = Arc::clone(&state);
                    std::thread::spawn(move || {
                        let mut buf = [0u8; 4096];
                        let _ = conn.read(&mut buf);
                        let (lock, cv) = &*state;
                        let mut s = lock.lock().unwrap();
                        s.accepted += 1;
                        cv.notify_all();
                        while !s.released {
                            s = cv.wait(s).unwrap();
                        }
                        drop(s);
                        let body = feed(n, items);
                        let head = format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n\
                             Content-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        );
                        let _ = conn.write_all(head.as_bytes());
                        let _ = conn.write_all(body.as_bytes());
                    });
                }
            });
        }
        Self { urls, state }
    }

    /// Waits until `n` requests are being held (bounded: a failing test ends, it does not hang).
    pub fn wait_accepted(&self, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(60);
        let (lock, cv) = &*self.state;
        let mut s = lock.lock().unwrap();
        while s.accepted < n {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "only {} of {n} requests came", s.accepted);
            s = cv.wait_timeout(s, left).unwrap().0;
        }
    }

    /// Lets every held request (and any later one) be answered.
    pub fn release(&self) {
        let (lock, cv) = &*self.state;
        lock.lock().unwrap().released = true;
        cv.notify_all();
    }
}

impl Drop for HeldServers {
    fn drop(&mut self) {
        self.release();
    }
}

/// Feed `n`: "Slow feed n" with `items` items.
pub fn feed(n: usize, items: usize) -> String {
    let mut s = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Slow feed {n}</title>\
         <link>https://slow{n}.test/</link>"
    );
    for i in 0..items {
        s.push_str(&format!(
            "<item><title>Slow story {n}-{i}</title><guid>slow-{n}-{i}</guid>\
             <link>https://slow{n}.test/{i}</link><description>Held back {n} {i}</description>\
             <pubDate>Mon, 23 Nov 2026 10:00:00 GMT</pubDate></item>"
        ));
    }
    s.push_str("</channel></rss>");
    s
}
