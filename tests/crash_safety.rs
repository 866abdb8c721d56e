//! Crash safety, the hard way: the real binary is killed with SIGKILL at random points during
//! a refresh (items being stored), an index rebuild (the index being committed) and a board
//! import that replaces the board, and after each kill SQLite finds the database whole,
//! nothing committed before the kill is gone, a board import happened wholly or not at all,
//! and `focusfeed check` finds the index and the database in agreement.
//!
//! The kill point is chosen by what the process has done (a number of items seen committed
//! by a reader beside it, or a number of polls), never by sleeping. CI makes 21 kills; a longer
//! run: `FOCUSFEED_KILLS=200 cargo test --release --test crash_safety`.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

mod common;

use common::page_server::PageServer;
use focusfeed::engine::Engine;
use focusfeed::model::board::CardDraft;
use focusfeed::paths::DB_FILE;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

const FEEDS: usize = 10;
const ITEMS: usize = 100;

struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

fn focusfeed(dir: &Path, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_focusfeed"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn reader(dir: &Path) -> Connection {
    let c =
        Connection::open_with_flags(dir.join(DB_FILE), OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    c.busy_timeout(std::time::Duration::from_secs(10)).unwrap();
    c
}

fn count(c: &Connection, sql: &str) -> i64 {
    c.query_row(sql, [], |r| r.get(0)).unwrap_or(0)
}

/// Kills `child` once `done(polls)` says so (or lets it finish); true if it was killed.
fn kill_when(mut child: Child, mut done: impl FnMut(u64) -> bool) -> bool {
    let mut polls = 0;
    loop {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        if done(polls) {
            child.kill().unwrap();
            child.wait().unwrap();
            return true;
        }
        polls += 1;
        std::thread::yield_now();
    }
}

/// How many polls a run takes when left alone: the range random kill points are drawn from,
/// so they fall anywhere in its life (start-up, reading, writing, committing), on any machine.
fn polls_to_finish(mut child: Child) -> u64 {
    let mut polls = 0;
    while child.try_wait().unwrap().is_none() {
        polls += 1;
        std::thread::yield_now();
    }
    polls
}

/// After a kill: SQLite finds the file whole and `check` (which brings the index up to date
/// from the database, as every open does) finds the two in agreement.
fn consistent(dir: &Path) {
    let c = Connection::open(dir.join(DB_FILE)).unwrap();
    let check: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    drop(c);
    let status = Command::new(env!("CARGO_BIN_EXE_focusfeed"))
        .arg("--data-dir")
        .arg(dir)
        .arg("check")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "the index and the database disagree");
}

fn feed(round: usize, f: usize) -> String {
    let items: String = (0..ITEMS)
        .map(|i| {
            format!(
                "<item><title>Round {round} feed {f} item {i}</title><guid>{round}-{f}-{i}</guid>\
                 <description>Words about harbours, ferries and timetables {i}.</description></item>"
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Feed {f}</title>{items}</channel></rss>"
    )
}

#[test]
fn sigkill_during_refresh_index_and_board_import_loses_nothing_committed() {
    let kills: usize = std::env::var("FOCUSFEED_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(21);
    let server = PageServer::start();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let board = data.join("board.json");
    {
        let clock = common::start_clock();
        let mut e = Engine::open(data, Arc::new(clock.clone())).unwrap();
        for f in 0..FEEDS {
            let path = format!("/f{f}.xml");
            server.put(&path, "application/rss+xml", feed(0, f));
            e.subscribe(&server.url(&path), &[]).unwrap();
        }
        for i in 0..1_500 {
            e.add_card(None, CardDraft::titled(&format!("Card {i}")))
                .unwrap();
        }
        let export = e.export_board().unwrap();
        std::fs::write(&board, serde_json::to_string(&export).unwrap()).unwrap();
    }
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let repair_polls = polls_to_finish(focusfeed(data, &["check", "--repair"]));
    let import_polls = polls_to_finish(focusfeed(
        data,
        &["board", "import", "--replace", board.to_str().unwrap()],
    ));
    let mut killed = 0;
    for round in 1..=kills {
        match round % 3 {
            // A refresh storing new items: killed after a random number are seen committed.
            0 => {
                for f in 0..FEEDS {
                    server.put(&format!("/f{f}.xml"), "application/rss+xml", feed(round, f));
                }
                let r = reader(data);
                let before = count(&r, "SELECT count(*) FROM items");
                let target = before + 1 + rng.below((FEEDS * ITEMS) as u64) as i64;
                let mut seen = before;
                let child = focusfeed(data, &["refresh", "--all"]);
                killed += usize::from(kill_when(child, |_| {
                    seen = seen.max(count(&r, "SELECT count(*) FROM items"));
                    seen >= target
                }));
                drop(r);
                let after = count(&reader(data), "SELECT count(*) FROM items");
                assert!(
                    after >= seen,
                    "round {round}: {seen} items were committed, {after} remain"
                );
            }
            // The index rebuilt from the database: killed after a random number of polls.
            1 => {
                let polls = rng.below(repair_polls);
                let child = focusfeed(data, &["check", "--repair"]);
                killed += usize::from(kill_when(child, |n| n >= polls));
            }
            // A board import that replaces the board: all of it or none of it.
            _ => {
                let r = reader(data);
                let cards_before = count(&r, "SELECT count(*) FROM cards");
                drop(r);
                let polls = rng.below(import_polls);
                let child = focusfeed(
                    data,
                    &["board", "import", "--replace", board.to_str().unwrap()],
                );
                killed += usize::from(kill_when(child, |n| n >= polls));
                let cards = count(&reader(data), "SELECT count(*) FROM cards");
                assert!(
                    cards == cards_before || cards == 1_500,
                    "round {round}: a partial import ({cards} cards)"
                );
            }
        }
        consistent(data);
    }
    println!(
        "crash safety: {killed} of {kills} runs were killed mid-way \
         (a rebuild takes {repair_polls} polls, an import {import_polls})"
    );
    assert!(
        killed * 2 >= kills,
        "only {killed} of {kills} runs were killed mid-way"
    );
}
