//! `bench latency`: how long the window waits for its commands while the engine is at its
//! busiest: the round trip (command sent, its event back) of timer commands, marks and searches
//! while 200 slow feeds are being refreshed and an index of 100,000 items is being rebuilt.

use crate::clock::SystemClock;
use crate::engine::Engine;
use crate::engine::feeds::{FeedsCommand, RefreshScope};
use crate::engine::focus::{FocusCommand, TimerAction};
use crate::engine::reader::ReaderCommand;
use crate::engine::search::SearchCommand;
use crate::engine::worker::{Command, Event, WorkerHandle};
use crate::model::Topic;
use crate::paths::DB_FILE;
use crate::search::SearchRequest;
use crate::store::Store;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

const ITEMS: usize = 100_000;
const SLOW_FEEDS: usize = 200;
const ROUNDS: usize = 100;

/// Feed servers that send their headers, then a byte a second until stopped.
fn slow_servers(stop: &Arc<AtomicBool>) -> anyhow::Result<Vec<String>> {
    let mut urls = Vec::new();
    for _ in 0..SLOW_FEEDS {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        urls.push(format!("http://{}/feed.xml", listener.local_addr()?));
        let stop = Arc::clone(stop);
        std::thread::spawn(move || {
            if let Ok((mut conn, _)) = listener.accept() {
                let mut buf = [0u8; 2048];
                let _ = conn.read(&mut buf);
                let _ = conn.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n\
                      Content-Length: 100000\r\n\r\n<rss version=\"2.0\"><channel>",
                );
                while !stop.load(Ordering::Relaxed) && conn.write_all(b" ").is_ok() {
                    std::thread::sleep(Duration::from_secs(1));
                }
            }
        });
    }
    Ok(urls)
}

/// Sends `cmd` and waits for the first event `answered` accepts; the round trip.
fn round_trip(
    worker: &WorkerHandle,
    wakes: &Receiver<()>,
    cmd: Command,
    answered: impl Fn(&Event) -> bool,
    busy: &mut Busy,
) -> anyhow::Result<Duration> {
    let t = Instant::now();
    worker.send(cmd).map_err(|e| anyhow::anyhow!(e))?;
    while t.elapsed() < Duration::from_secs(60) {
        let _ = wakes.recv_timeout(Duration::from_millis(50));
        let mut hit = false;
        for e in worker.drain() {
            busy.see(&e);
            hit |= answered(&e);
        }
        if hit {
            return Ok(t.elapsed());
        }
    }
    anyhow::bail!("no answer within 60 s")
}

/// Whether the refresh and the rebuild were still running when a sample was taken.
#[derive(Default)]
struct Busy {
    refresh_done: bool,
    rebuild_done: bool,
    samples_while_both: usize,
}

impl Busy {
    fn see(&mut self, e: &Event) {
        if let Event::Finished { task } | Event::Failed { task, .. } = e {
            if task == crate::engine::feeds::runs::REFRESH_TASK {
                self.refresh_done = true;
            }
            if task.starts_with("Building the search index") {
                self.rebuild_done = true;
            }
        }
    }
}

pub fn run() -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("focusfeed-bench-latency-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let result = measure(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn measure(dir: &std::path::Path) -> anyhow::Result<()> {
    let now = chrono::Utc::now().timestamp();
    crate::ui::reader::bench::fill(dir, ITEMS, now)?;
    let stop = Arc::new(AtomicBool::new(false));
    let urls = slow_servers(&stop)?;
    {
        let store = Store::open(&dir.join(DB_FILE))?;
        for (n, url) in urls.iter().enumerate() {
            store.insert_feed(url, &format!("Slow {n}"), None, None, now)?;
        }
    }
    let engine = Engine::open(dir, Arc::new(SystemClock))?;
    let (woke, wakes) = channel::<()>();
    let woke = std::sync::Mutex::new(woke);
    let worker = WorkerHandle::spawn(engine, move || {
        if let Ok(w) = woke.lock() {
            let _ = w.send(());
        }
    });
    // No index on disk yet: the index thread builds it as it starts. Then the rebuild a user
    // asks for (the old index answers searches meanwhile) and the refresh run together.
    let mut busy = Busy::default();
    let t = Instant::now();
    while !busy.rebuild_done && t.elapsed() < Duration::from_secs(600) {
        let _ = wakes.recv_timeout(Duration::from_millis(100));
        for e in worker.drain() {
            busy.see(&e);
        }
    }
    println!(
        "latency: first index build of {ITEMS} items took {:.1} s",
        t.elapsed().as_secs_f64()
    );
    busy.rebuild_done = false;
    let send = |cmd| worker.send(cmd).map_err(|e| anyhow::anyhow!(e));
    send(Command::Feeds(FeedsCommand::Refresh(RefreshScope::All)))?;
    send(Command::Search(SearchCommand::Rebuild))?;
    let (mut timer, mut marks, mut searches) = (Vec::new(), Vec::new(), Vec::new());
    let focus = |a| Command::Focus(FocusCommand::Timer(a));
    for round in 0..ROUNDS {
        let both = !busy.refresh_done && !busy.rebuild_done;
        let is_timer = |e: &Event| *e == Event::Changed(Topic::Timer);
        for action in [
            TimerAction::Start(None),
            TimerAction::Pause,
            TimerAction::Reset,
        ] {
            timer.push(round_trip(
                &worker,
                &wakes,
                focus(action),
                is_timer,
                &mut busy,
            )?);
        }
        let mark = Command::Reader(ReaderCommand::Mark {
            ids: vec![i64::try_from(round + 1)?],
            read: round % 2 == 0,
            view: None,
        });
        let is_mark = |e: &Event| *e == Event::Changed(Topic::ItemStates);
        marks.push(round_trip(&worker, &wakes, mark, is_mark, &mut busy)?);
        let id = u64::try_from(round)? + 1;
        let search = Command::Search(SearchCommand::Query {
            request_id: id,
            request: SearchRequest {
                text: "headline attention".into(),
                ..SearchRequest::default()
            },
        });
        let is_answer =
            |e: &Event| matches!(e, Event::SearchResults { request_id, .. } if *request_id == id);
        searches.push(round_trip(&worker, &wakes, search, is_answer, &mut busy)?);
        if both && !busy.refresh_done && !busy.rebuild_done {
            busy.samples_while_both += 1;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    println!(
        "latency: round trips while {SLOW_FEEDS} slow feeds refresh and {ITEMS} items are indexed \
         ({} of {ROUNDS} rounds with both still running; refresh ended: {}, index build ended: {})",
        busy.samples_while_both, busy.refresh_done, busy.rebuild_done
    );
    super::search_bench::report("timer (start, pause, reset)", timer);
    super::search_bench::report("mark read/unread", marks);
    super::search_bench::report("search", searches);
    stop.store(true, Ordering::Relaxed);
    // The slow feeds are left to their deadline: the window would drop them the same way.
    drop(worker);
    Ok(())
}
