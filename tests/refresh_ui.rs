//! The window while a refresh hangs on sixteen slow feeds: Space starts the timer in the very
//! frame it is pressed, pause and skip follow, a mark, a star and a search are answered, the
//! sidebar counts the feeds and names the slow ones, and when the servers let go the new items
//! appear in the list.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::held_server::HeldServers;
use common::{click_row, flags, start_clock, step_until};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use focusfeed::engine::Engine;
use focusfeed::feeds::fetch::FetchConfig;
use focusfeed::paths::DB_FILE;
use focusfeed::store::Store;
use focusfeed::ui::app::FocusFeedApp;
use std::sync::Arc;
use std::time::Duration;

const FEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/reader_ui_feed.xml");
const SLOW: usize = 16;

fn clock_now(clock: &focusfeed::clock::ManualClock) -> i64 {
    use focusfeed::clock::Clock;
    clock.now().timestamp()
}

#[test]
fn the_window_answers_while_sixteen_feeds_hang() {
    let servers = HeldServers::start(SLOW, 2);
    let dir = tempfile::tempdir().unwrap();
    let clock = start_clock();
    {
        let mut engine = Engine::open(dir.path(), Arc::new(clock.clone())).unwrap();
        engine.subscribe(FEED, &[]).unwrap();
        let at = clock_now(&clock);
        for (n, url) in servers.urls.iter().enumerate() {
            engine
                .store_mut()
                .insert_feed(url, &format!("Slow feed {n}"), None, None, at)
                .unwrap();
        }
    }
    let db = Store::open(&dir.path().join(DB_FILE)).unwrap();
    // The held fetches must outlast however long a loaded machine takes over the steps below.
    let mut engine = Engine::open(dir.path(), Arc::new(clock.clone())).unwrap();
    engine.set_fetch_config(FetchConfig {
        total_timeout: Duration::from_secs(3_600),
        ..FetchConfig::default()
    });
    let engine = std::sync::Mutex::new(Some(engine));
    let mut h = Harness::builder()
        .with_size([1400.0, 900.0])
        .build_eframe(move |cc| {
            let engine = engine.lock().unwrap().take().unwrap();
            FocusFeedApp::with_engine(cc.egui_ctx.clone(), engine).unwrap()
        });
    h.key_press(egui::Key::Num2);
    step_until(&mut h, "the reader's sidebar", |h| {
        h.query_all_by_label_contains("Starred").next().is_some()
    });

    h.key_press(egui::Key::R);
    h.step();
    // The window fetches 8 at a time: 8 requests hang, the other 8 feeds wait their turn.
    servers.wait_accepted(8);
    step_until(&mut h, "the refresh counted", |h| {
        h.query_all_by_label_contains(&format!("of {}", SLOW + 1))
            .next()
            .is_some()
    });

    // While the refresh waits, the window rests between frames: the status bar's spinner
    // (shown once a task has run a moment) asks for a frame a few times a second, not every
    // frame (egui's kept a software renderer busy).
    clock.advance(chrono::Duration::seconds(2));
    step_until(&mut h, "the task in the status bar", |h| {
        h.query_all_by_label_contains("Refreshing feeds")
            .next()
            .is_some()
    });
    step_until(&mut h, "a frame that lets the window rest", |h| {
        let delay = h
            .output()
            .viewport_output
            .get(&egui::ViewportId::ROOT)
            .map(|v| v.repaint_delay);
        delay.is_some_and(|d| d >= Duration::from_millis(100))
            && h.query_all_by_label_contains("Refreshing feeds")
                .next()
                .is_some()
    });

    // Space: the timer runs in the frame that handled the key, whatever the refresh does.
    h.key_press(egui::Key::Space);
    h.step();
    assert!(h.query_by_role_and_label(Role::Button, "Pause").is_some());
    step_until(&mut h, "the timer stored", |_| {
        db.timer().unwrap().is_running()
    });
    h.key_press(egui::Key::Space);
    h.step();
    assert!(h.query_by_role_and_label(Role::Button, "Resume").is_some());
    step_until(&mut h, "the pause stored", |_| {
        db.timer().unwrap().is_paused()
    });
    h.get_by_role_and_label(Role::Button, "Skip").click();
    h.step();
    assert!(
        h.query_all_by_label_contains("Short break")
            .next()
            .is_some()
    );
    step_until(&mut h, "the skip stored", |_| {
        db.timer().unwrap().phase.is_break()
    });

    // Opening an item marks it read; m marks it unread again, s stars it.
    let ferry = "Ferry timetable changes for winter";
    click_row(&mut h, ferry);
    step_until(&mut h, "the open marked read", |_| flags(&db, ferry).0);
    h.key_press(egui::Key::M);
    step_until(&mut h, "the mark stored", |_| !flags(&db, ferry).0);
    h.key_press(egui::Key::S);
    step_until(&mut h, "the star stored", |_| flags(&db, ferry).1);

    // A search is answered.
    h.key_press(egui::Key::Slash);
    h.step();
    h.event(egui::Event::Text("accordion".into()));
    h.step();
    clock.advance(chrono::Duration::milliseconds(300));
    step_until(&mut h, "the search results", |h| {
        h.query_all_by_label_contains("1 found").next().is_some()
    });
    assert!(
        h.query_all_by_label_contains("Refreshing ")
            .next()
            .is_some(),
        "all of that while the refresh still hung"
    );
    h.get_all_by_role(Role::TextInput).next().unwrap().focus();
    h.step();
    h.key_press(egui::Key::Escape);
    h.step();

    // The servers let go: the refresh ends and the slow feeds' items are in the list.
    let latest = h
        .get_all_by_role(Role::Button)
        .find(|n| {
            n.accesskit_node()
                .label()
                .is_some_and(|l| l.starts_with("Latest"))
        })
        .unwrap();
    latest.click();
    h.step();
    servers.release();
    step_until(&mut h, "the end of the refresh", |h| {
        h.query_all_by_label_contains("Refreshing ")
            .next()
            .is_none()
    });
    // All 32 are in the list; which of them fit on screen depends on how rows of one date sort.
    let slow: Vec<i64> = {
        let mut stmt = db
            .conn()
            .prepare("SELECT id FROM items WHERE title LIKE 'Slow story %'")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    step_until(&mut h, "the slow feeds' items in the window", |h| {
        let list = h.state().reader_list();
        slow.len() == SLOW * 2
            && slow.iter().all(|id| list.contains(id))
            && h.query_all_by_label_contains("Slow story").next().is_some()
    });
}
