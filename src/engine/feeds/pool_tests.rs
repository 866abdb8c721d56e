//! How the pool groups requests by host, and the pool against one real host on 127.0.0.1: one
//! request at a time as a rule, a second connection for the host's other feeds when a feed does
//! not answer, never more than two.

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

/// Runs the pool over `states` on 4 threads with `patience`; its messages come on the receiver.
fn run_pool(
    states: Vec<FetchState>,
    patience: Duration,
) -> crossbeam_channel::Receiver<PoolMessage> {
    let (out, results) = crossbeam_channel::unbounded();
    let fetcher = Arc::new(Fetcher::new(FetchConfig {
        host_patience: patience,
        ..FetchConfig::default()
    }));
    let cancel = Arc::new(AtomicBool::new(false));
    start(fetcher, 4, Arc::new(states), 7, cancel, out);
    results
}

/// The next result, or the test fails with `why` (a bound on a failure, not a wait for time).
fn next_done(results: &crossbeam_channel::Receiver<PoolMessage>, why: &str) -> (usize, Fetch) {
    loop {
        match results.recv_timeout(Duration::from_secs(60)) {
            Ok(PoolMessage::Done { index, fetch, .. }) => return (index, fetch),
            Ok(_) => {}
            Err(e) => panic!("{e}: {why}"),
        }
    }
}

#[test]
fn a_feed_that_does_not_answer_leaves_its_hosts_other_feeds_a_connection() {
    let seen = Arc::new((Mutex::new(Seen::default()), Condvar::new()));
    let host = serve(Arc::clone(&seen));
    let mut states = vec![state(format!("{host}/slow.xml"))];
    states.extend((0..6).map(|n| state(format!("{host}/fast-{n}.xml"))));
    // No patience: the second connection opens as soon as the first request is out.
    let results = run_pool(states, Duration::ZERO);
    for _ in 0..6 {
        let (index, fetch) = next_done(&results, "the host's other feeds waited for the slow one");
        assert_ne!(
            index, 0,
            "the slow feed ended first (its deadline?): the rest waited"
        );
        assert!(matches!(fetch, Fetch::Fresh { .. }), "feed {index}");
    }
    let (lock, changed) = &*seen;
    lock.lock().unwrap_or_else(PoisonError::into_inner).released = true;
    changed.notify_all();
    let (index, fetch) = next_done(&results, "the slow feed never ended");
    assert_eq!(index, 0);
    assert!(matches!(fetch, Fetch::Fresh { .. }));
    let most = lock.lock().unwrap_or_else(PoisonError::into_inner).most;
    assert_eq!(most, PER_HOST, "requests out to one host at once");
}

#[test]
fn a_host_whose_answers_come_gets_one_request_at_a_time() {
    let seen = Arc::new((Mutex::new(Seen::default()), Condvar::new()));
    let host = serve(Arc::clone(&seen));
    let states = (0..8)
        .map(|n| state(format!("{host}/fast-{n}.xml")))
        .collect();
    // An hour of patience: no request here is out that long.
    let results = run_pool(states, Duration::from_secs(3_600));
    for _ in 0..8 {
        let (index, fetch) = next_done(&results, "a feed never ended");
        assert!(matches!(fetch, Fetch::Fresh { .. }), "feed {index}");
    }
    let most = seen.0.lock().unwrap_or_else(PoisonError::into_inner).most;
    assert_eq!(most, 1, "requests out to one host at once");
}

#[test]
fn a_second_request_waits_until_the_first_has_been_out_for_the_patience() {
    let patience = Duration::from_secs(3);
    let began = Instant::now();
    let after = |secs| began + Duration::from_secs(secs);
    assert!(host_free(&[], began, patience));
    assert!(!host_free(&[began], after(2), patience));
    assert!(host_free(&[began], after(3), patience));
    // Never a third, however long the two have been out.
    assert!(!host_free(&[began, after(1)], after(60), patience));
    // A clock read before a request's start (another thread's `now`) is not a stall.
    assert!(!host_free(&[after(5)], after(4), patience));
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
