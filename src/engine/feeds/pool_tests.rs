//! How the pool groups requests by host, and the pool against one real host on 127.0.0.1: a
//! feed that does not answer leaves the host's other feeds a connection, and no more than two
//! requests are ever out to it.

use super::*;
use crate::feeds::fetch::FetchConfig;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

/// Connections open, the most seen at once, and whether `/slow.xml` may answer.
#[derive(Default)]
struct Seen {
    open: usize,
    most: usize,
    released: bool,
}

/// A server answering `/slow.xml` only once released, anything else at once; returns its
/// address.
fn serve(seen: Arc<(Mutex<Seen>, Condvar)>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    let address = format!(
        "http://{}",
        listener.local_addr().unwrap_or_else(|e| panic!("{e}"))
    );
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            let seen = Arc::clone(&seen);
            std::thread::spawn(move || {
                let mut request = [0u8; 2048];
                let n = conn.read(&mut request).unwrap_or(0);
                let slow = String::from_utf8_lossy(&request[..n]).contains("/slow.xml");
                let (lock, changed) = &*seen;
                let mut s = lock.lock().unwrap_or_else(PoisonError::into_inner);
                s.open += 1;
                s.most = s.most.max(s.open);
                while slow && !s.released {
                    s = changed.wait(s).unwrap_or_else(PoisonError::into_inner);
                }
                // Counted closed before the answer, so the pool's own count is never lower.
                s.open -= 1;
                drop(s);
                let body = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title>\
                            <item><title>a</title><guid>a</guid></item></channel></rss>";
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
    address
}

fn state(url: String) -> FetchState {
    FetchState {
        id: 0,
        url,
        etag: None,
        last_modified: None,
        error_count: 0,
        body_hash: None,
    }
}

#[test]
fn a_feed_that_does_not_answer_leaves_its_hosts_other_feeds_a_connection() {
    let seen = Arc::new((Mutex::new(Seen::default()), Condvar::new()));
    let host = serve(Arc::clone(&seen));
    let mut states = vec![state(format!("{host}/slow.xml"))];
    states.extend((0..6).map(|n| state(format!("{host}/fast-{n}.xml"))));
    let (out, results) = crossbeam_channel::unbounded();
    let fetcher = Arc::new(Fetcher::new(FetchConfig::default()));
    let cancel = Arc::new(AtomicBool::new(false));
    start(fetcher, 4, Arc::new(states), 7, cancel, out);
    let mut done = Vec::new();
    while done.len() < 6 {
        // A bound on a failure, not a wait for time: with one connection per host the fast
        // feeds never come while the slow one is held.
        match results.recv_timeout(Duration::from_secs(60)) {
            Ok(PoolMessage::Done { index, fetch, .. }) => {
                assert_ne!(
                    index, 0,
                    "the slow feed ended first (its deadline?): the rest waited"
                );
                assert!(matches!(fetch, Fetch::Fresh { .. }), "feed {index}");
                done.push(index);
            }
            Ok(_) => {}
            Err(e) => panic!("{e}: the host's other feeds waited for the slow one ({done:?})"),
        }
    }
    let (lock, changed) = &*seen;
    lock.lock().unwrap_or_else(PoisonError::into_inner).released = true;
    changed.notify_all();
    let slow = loop {
        match results.recv_timeout(Duration::from_secs(60)) {
            Ok(PoolMessage::Done { index, fetch, .. }) => break (index, fetch),
            Ok(_) => {}
            Err(e) => panic!("{e}: the slow feed never ended"),
        }
    };
    assert_eq!(slow.0, 0);
    assert!(matches!(slow.1, Fetch::Fresh { .. }));
    let most = lock.lock().unwrap_or_else(PoisonError::into_inner).most;
    assert!(most <= PER_HOST, "{most} requests out to one host at once");
    assert_eq!(
        most, PER_HOST,
        "the fast feeds shared the second connection"
    );
}

#[test]
fn requests_are_grouped_by_host_and_port_and_files_by_nothing() {
    assert_eq!(
        host_of("https://example.org/a.xml").as_deref(),
        Some("example.org:443")
    );
    assert_eq!(
        host_of("http://example.org:8080/b").as_deref(),
        Some("example.org:8080")
    );
    assert_eq!(host_of("file:///tmp/a.xml"), None);
    assert_eq!(host_of("/tmp/a.xml"), None);
}
