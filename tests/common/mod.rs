//! Helpers shared by the test files: the reader window and its clock, and stored items; the
//! board and focus window in `board`.
#![allow(dead_code)]

pub mod board;
pub mod held_server;
pub mod page_server;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use focusfeed::clock::ManualClock;
use focusfeed::store::Store;
use focusfeed::store::items::{FeedUpdate, NewItem};
use focusfeed::ui::app::{FocusFeedApp, View};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

/// The reader tests' clock: 2026-11-29 08:00 UTC, moved only by the test.
pub fn start_clock() -> ManualClock {
    let t = chrono::DateTime::parse_from_rfc3339("2026-11-29T08:00:00Z").unwrap();
    ManualClock::new(t.with_timezone(&chrono::Utc))
}

/// A subset of Noto Sans CJK SC with every character of the 简体中文 UI and the Chinese sample
/// feed, so a window can draw them without a system font (the harness panics on a missing glyph).
pub const UI_FONTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/fonts-ui");

/// Adds the test CJK font as the app adds a system one; call before the first frame.
pub fn install_cjk_test_font(ctx: &egui::Context) {
    let report = focusfeed::ui::fonts::install_from_dirs(ctx, &[Path::new(UI_FONTS)], "zh_CN");
    assert_eq!(report.installed.len(), 1, "{report:?}");
}

/// The window on `dir`, switched to the Reader. It has the test CJK font: the first run's
/// samples include a Chinese feed.
pub fn reader_harness(dir: &Path, clock: &ManualClock) -> Harness<'static, FocusFeedApp> {
    let dir = dir.to_path_buf();
    let clock = Arc::new(clock.clone());
    let mut h = Harness::builder()
        .with_size([1400.0, 900.0])
        .build_eframe(move |cc| {
            install_cjk_test_font(&cc.egui_ctx);
            FocusFeedApp::new(cc.egui_ctx.clone(), &dir, clock).unwrap()
        });
    h.key_press(egui::Key::Num2);
    h.step();
    assert_eq!(h.state().view(), View::Reader);
    // The feeds are read off the UI thread: wait for the first answer (the first run's page or
    // the sidebar) before the test looks at either.
    step_until(&mut h, "the reader's first read", |h| {
        h.query_all_by_label_contains("Your reader is empty")
            .next()
            .is_some()
            || h.query_all_by_label_contains("Starred").next().is_some()
    });
    h
}

/// A fresh window on `dir` with the sample feeds loaded from its first-run page and For you
/// ranked (at least 25 items), its clock, and the store.
pub fn with_samples_ranked(dir: &Path) -> (ManualClock, Harness<'static, FocusFeedApp>, Store) {
    let clock = start_clock();
    let mut h = reader_harness(dir, &clock);
    h.get_by_label("Load sample feeds").click();
    let db = Store::open(&dir.join(focusfeed::paths::DB_FILE)).unwrap();
    step_until_ranked(&mut h, &db, 25);
    (clock, h, db)
}

/// Leaves For you and enters it again: entering asks the worker for a fresh ranking (which
/// learns every event so far and saves the model). The list is read off the UI thread: this
/// waits for it.
pub fn reenter_for_you(h: &mut Harness<'_, FocusFeedApp>) {
    h.key_press(egui::Key::G);
    h.key_press(egui::Key::U);
    h.step();
    h.key_press(egui::Key::G);
    h.key_press(egui::Key::F);
    step_until(h, "For you's list", |h| {
        !h.state().reader_list().is_empty() && rows_shown(h)
    });
}

/// Steps frames until `cond` holds. The worker answers on its own thread, so this polls
/// (bounded by a deadline) instead of sleeping for a guessed time.
pub fn step_until(
    h: &mut Harness<'_, FocusFeedApp>,
    what: &str,
    cond: impl Fn(&Harness<'_, FocusFeedApp>) -> bool,
) {
    // Generous: only a failing test waits it out, and a loaded 2-core CI machine is slow.
    let deadline = Instant::now() + std::time::Duration::from_secs(60);
    loop {
        h.step();
        if cond(h) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}; list {:?}; notices {:?}; focus {:?}; on screen {:?}",
            h.state().reader_list(),
            h.state().notices(),
            h.ctx.memory(|m| m.focused()),
            labels(h)
        );
        std::thread::yield_now();
    }
}

/// Every label in the window's accessibility tree, for a failure to say what was on screen.
pub fn labels(h: &Harness<'_, FocusFeedApp>) -> Vec<String> {
    use egui_kittest::kittest::NodeT;
    h.root()
        .children_recursive()
        .filter_map(|n| n.accesskit_node().label())
        .filter(|l| !l.is_empty())
        .collect()
}

/// Steps frames until For you shows the worker's stored ranking in its order: items that come
/// into an empty For you show newest first until the first ranking takes the list over, and a
/// test that clicks a row must not race that reshuffle.
pub fn step_until_ranked(h: &mut Harness<'_, FocusFeedApp>, store: &Store, min_len: usize) {
    step_until(h, "For you's list, ranked", |h| {
        let list = h.state().reader_list();
        let ranked: Vec<focusfeed::model::ItemId> = store
            .rank_list()
            .unwrap()
            .iter()
            .map(|r| r.item_id)
            .collect();
        list.len() >= min_len && !ranked.is_empty() && list.starts_with(&ranked) && rows_shown(h)
    });
}

/// Whether every row on screen shows its item: none is a placeholder ("…") whose row the
/// background reader is still reading. A test that clicks a row by its title waits for this.
pub fn rows_shown(h: &Harness<'_, FocusFeedApp>) -> bool {
    h.query_all_by_label("…").next().is_none()
}

/// The item titled `title`: (read, starred).
pub fn flags(store: &Store, title: &str) -> (bool, bool) {
    store
        .conn()
        .query_row(
            "SELECT read_at IS NOT NULL, starred_at IS NOT NULL FROM items WHERE title = ?1",
            [title],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
}

/// Clicks the list row titled `title` once it is on screen: a list reloaded by a ranking or new
/// items comes from the background reader a frame or more later.
pub fn click_row(h: &mut Harness<'_, FocusFeedApp>, title: &str) {
    step_until(h, &format!("the row {title:?}"), |h| {
        h.query_by_role_and_label(egui::accesskit::Role::Button, title)
            .is_some()
    });
    h.get_by_role_and_label(egui::accesskit::Role::Button, title)
        .click();
}

/// An item as a fetched feed carries it: `key` is also its guid and content hash, its link is
/// `https://example.org/<key>`.
pub fn new_item(key: &str, title: &str, text: &str, author: Option<&str>, at: i64) -> NewItem {
    NewItem {
        key: key.into(),
        guid: Some(key.into()),
        url: Some(format!("https://example.org/{key}")),
        title: title.into(),
        author: author.map(str::to_owned),
        content_html: None,
        content_text: text.into(),
        categories: Vec::new(),
        enclosures: Vec::new(),
        published_at: Some(at),
        updated_at: None,
        content_hash: key.into(),
    }
}

/// Stores `items` as one fetch of feed `feed_id` (titled `title`) at `now`, due again at
/// `next_fetch_at`; nothing is aged out.
pub fn store_items(
    store: &mut Store,
    feed_id: i64,
    title: &str,
    items: &[NewItem],
    now: i64,
    next_fetch_at: i64,
) {
    store
        .store_feed_update(&FeedUpdate {
            feed_id,
            title,
            site_url: None,
            etag: None,
            last_modified: None,
            body_hash: None,
            items,
            now,
            next_fetch_at,
            retention_cutoff: 0,
            retention_keep: 1000,
            item_cap: u32::MAX,
        })
        .unwrap();
}

/// Feed 1, "X" (a file never fetched here), with one unread item per title.
pub fn insert_feed_x(store: &Store, titles: &[&str]) {
    insert_feed_titled(store, "X", titles);
}

/// Feed 1 under `feed_title` (a file never fetched here), with one unread item per title.
pub fn insert_feed_titled(store: &Store, feed_title: &str, titles: &[&str]) {
    store
        .conn()
        .execute(
            "INSERT INTO feeds(id, url, title, created_at) VALUES (1, 'file:///x.xml', ?1, 0)",
            [feed_title],
        )
        .unwrap();
    for (i, title) in titles.iter().enumerate() {
        store
            .conn()
            .execute(
                "INSERT INTO items(feed_id, key, title, fetched_at) VALUES (1, ?1, ?2, 0)",
                (format!("item-{i}"), title),
            )
            .unwrap();
    }
    // What `Store::store_feed_update` does after its inserts: queue them for the index and
    // count the change, which a running window watches for.
    store
        .conn()
        .execute_batch(
            "INSERT INTO index_outbox(item_id) SELECT id FROM items WHERE feed_id = 1;
             UPDATE change_counts SET n = n + 1 WHERE topic = 'Items';",
        )
        .unwrap();
}

/// Whether the last frame asked the window for `command` (focus, close, …).
pub fn sent(h: &Harness<'_, FocusFeedApp>, command: &egui::ViewportCommand) -> bool {
    h.output()
        .viewport_output
        .get(&egui::ViewportId::ROOT)
        .is_some_and(|v| v.commands.contains(command))
}

/// Steps until a frame asks the window for `command`.
pub fn step_until_sent(
    h: &mut Harness<'_, FocusFeedApp>,
    what: &str,
    command: &egui::ViewportCommand,
) {
    let deadline = Instant::now() + std::time::Duration::from_secs(60);
    loop {
        h.step();
        if sent(h, command) {
            return;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
    }
}

/// Runs the real binary with `args` and without a display (a bench that would open the window
/// skips it), fails the test if it fails, and returns what it printed.
pub fn run_binary(args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_focusfeed"))
        .args(args)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}
