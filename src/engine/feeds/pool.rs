//! The fetch pool: feeds fetched and parsed on threads of their own, a bounded number at once
//! and one request per host at a time (two when the first stalls), each result handed over a
//! channel to whoever stores it (the window's writer, or the CLI's own thread). Nothing here
//! touches the database.

use super::{Fetch, fetch_and_parse};
use crate::feeds::fetch::{Fetcher, Validators};
use crate::store::feeds::FetchState;
use crossbeam_channel::Sender;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// What the pool tells the one storing its results.
pub enum PoolMessage {
    /// The fetch of `states[index]` of run `run` has begun (the sidebar names the slow ones).
    Started { run: u64, index: usize },
    /// It has ended, with its result.
    Done {
        run: u64,
        index: usize,
        fetch: Fetch,
    },
    /// An item's full article has been fetched and extracted, or could not be (see
    /// `articles.rs`).
    FullText {
        item: crate::model::ItemId,
        user_asked: bool,
        result: Result<crate::feeds::full_text::FullText, String>,
    },
    /// A subscription's address has been read (see `runs.rs`), to be stored in `folder`.
    Resolved {
        folder: Vec<String>,
        result: Result<super::subscribe::Resolved, super::FeedsError>,
    },
}

/// Feeds waiting for a thread, and the hosts a request is out to.
struct Queue {
    waiting: VecDeque<usize>,
    /// Each feed's host, read from its address once: every thread that wakes looks through
    /// the waiting feeds for one whose host is free, and parsing their addresses each time
    /// was most of the fetch threads' work in a refresh of 200 feeds on one host.
    hosts: Vec<Option<String>>,
    /// When each request out to a host began.
    busy_hosts: HashMap<String, Vec<Instant>>,
}

/// Requests out to one host at most. One as a rule, so a refresh of forty feeds on one site
/// does not hit it forty times at once; a second once the first has been out for the
/// fetcher's `host_patience`: a feed whose server trickles (a byte a second until the
/// deadline) held every other feed of its host for as long. Not two from the start: that
/// let more parsed feeds wait for the window's writer in a refresh of 200 feeds on one host
/// (its peak went from 190-201 to 204-220 MiB).
const PER_HOST: usize = 2;

/// Whether a request may go to a host whose requests out began at `out`.
fn host_free(out: &[Instant], now: Instant, patience: Duration) -> bool {
    let stalled = || {
        out.iter()
            .min()
            .is_some_and(|first| now.saturating_duration_since(*first) >= patience)
    };
    out.is_empty() || (out.len() < PER_HOST && stalled())
}

/// The host a request goes to; local files have none and never wait for each other.
fn host_of(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    match parsed.scheme() {
        "http" | "https" => Some(format!(
            "{}:{}",
            parsed.host_str()?,
            parsed.port_or_known_default()?
        )),
        _ => None,
    }
}

/// Starts fetching `states` on at most `threads` threads and returns at once. Results (and
/// starts) arrive on `out`; the channel closes when every thread has ended. Setting `cancel`
/// stops the pool from starting further fetches; those under way end by their deadline.
pub fn start(
    fetcher: Arc<Fetcher>,
    threads: usize,
    states: Arc<Vec<FetchState>>,
    run: u64,
    cancel: Arc<AtomicBool>,
    out: Sender<PoolMessage>,
) {
    let queue = Arc::new((
        Mutex::new(Queue {
            waiting: (0..states.len()).collect(),
            hosts: states.iter().map(|s| host_of(&s.url)).collect(),
            busy_hosts: HashMap::new(),
        }),
        Condvar::new(),
    ));
    for n in 0..threads.clamp(1, states.len().max(1)) {
        let (fetcher, thread_states, cancel, thread_out, queue) = (
            Arc::clone(&fetcher),
            Arc::clone(&states),
            Arc::clone(&cancel),
            out.clone(),
            Arc::clone(&queue),
        );
        let spawned = std::thread::Builder::new()
            .name(format!("focusfeed-fetch-{n}"))
            .spawn(move || {
                fetch_loop(&fetcher, &thread_states, run, &cancel, &thread_out, &queue);
            });
        if spawned.is_err() && n == 0 {
            // Not even one thread: every feed fails with the reason, rather than hanging.
            for (index, state) in states.iter().enumerate() {
                let fetch = Fetch::Failed(super::FeedsError::Io {
                    path: state.url.clone(),
                    message: "could not start a fetch thread".into(),
                });
                let _ = out.send(PoolMessage::Done { run, index, fetch });
            }
        }
    }
}

fn fetch_loop(
    fetcher: &Fetcher,
    states: &[FetchState],
    run: u64,
    cancel: &AtomicBool,
    out: &Sender<PoolMessage>,
    queue: &(Mutex<Queue>, Condvar),
) {
    let (lock, wakeup) = queue;
    let patience = fetcher.config().host_patience;
    loop {
        let (index, host) = {
            let mut q = lock.lock().unwrap_or_else(PoisonError::into_inner);
            loop {
                if cancel.load(Ordering::Relaxed) || q.waiting.is_empty() {
                    return;
                }
                // The first feed whose host has a connection free.
                let now = Instant::now();
                let free = q.waiting.iter().position(|&i| {
                    q.hosts.get(i).and_then(Option::as_ref).is_none_or(|h| {
                        host_free(
                            q.busy_hosts.get(h).map_or(&[], Vec::as_slice),
                            now,
                            patience,
                        )
                    })
                });
                if let Some(pos) = free
                    && let Some(index) = q.waiting.remove(pos)
                {
                    let host = q.hosts.get(index).cloned().flatten();
                    if let Some(h) = &host {
                        q.busy_hosts.entry(h.clone()).or_default().push(now);
                    }
                    break (index, host.map(|h| (h, now)));
                }
                // Woken when a request ends, or once a request out may have stalled.
                q = wakeup
                    .wait_timeout(q, patience.max(Duration::from_millis(50)))
                    .unwrap_or_else(PoisonError::into_inner)
                    .0;
            }
        };
        if out.send(PoolMessage::Started { run, index }).is_err() {
            return;
        }
        let state = &states[index];
        let validators = Validators {
            etag: state.etag.clone(),
            last_modified: state.last_modified.clone(),
        };
        let fetch = fetch_and_parse(fetcher, &state.url, &validators, state.body_hash.as_deref());
        if let Some((h, began)) = host {
            let mut q = lock.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(out) = q.busy_hosts.get_mut(&h) {
                if let Some(at) = out.iter().position(|t| *t == began) {
                    out.swap_remove(at);
                }
                if out.is_empty() {
                    q.busy_hosts.remove(&h);
                }
            }
            wakeup.notify_all();
        }
        if out.send(PoolMessage::Done { run, index, fetch }).is_err() {
            return;
        }
    }
}

#[cfg(test)]
#[path = "pool_tests.rs"]
mod tests;
