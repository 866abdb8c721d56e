//! When a new ranking takes For you over and when it only adds below: events fed to the view in
//! the orders the worker can send them, with the list read in place (no background reader).

use super::super::*;
use crate::clock::{ManualClock, SharedClock};
use crate::engine::worker::WorkerHandle;
use crate::model::ItemId;
use crate::store::Store;
use std::cell::RefCell;
use std::sync::Arc;

struct Fixture {
    _dir: tempfile::TempDir,
    store: Store,
    /// What the view reads through, as in the window.
    read: crate::store::ReadStore,
    worker: WorkerHandle,
    clock: SharedClock,
    data_dir: std::path::PathBuf,
    view: ReaderView,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let at = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let clock: SharedClock = Arc::new(ManualClock::new(at));
        // The worker only receives the view's ranking requests here.
        let worker = crate::ui::test_support::worker_elsewhere(dir.path(), &clock);
        let store =
            Store::open(&dir.path().join(crate::paths::DB_FILE)).unwrap_or_else(|e| panic!("{e}"));
        store
            .conn()
            .execute(
                "INSERT INTO feeds(id, url, title, created_at) VALUES (1, 'f', 'F', 0)",
                [],
            )
            .unwrap_or_else(|e| panic!("{e}"));
        let read = crate::store::ReadStore::open(&dir.path().join(crate::paths::DB_FILE))
            .unwrap_or_else(|e| panic!("{e}"));
        let mut f = Self {
            read,
            data_dir: dir.path().to_path_buf(),
            _dir: dir,
            store,
            worker,
            clock,
            view: ReaderView::default(),
        };
        f.with_ctx(|view, ctx| view.set_kind(ListKind::ForYou, ctx));
        f.read();
        f
    }

    fn with_ctx(&mut self, act: impl FnOnce(&mut ReaderView, &ViewContext)) {
        let ctx = ViewContext {
            store: &self.read,
            worker: &self.worker,
            clock: &self.clock,
            data_dir: &self.data_dir,
            now: self.clock.now(),
            actions: RefCell::new(Vec::new()),
        };
        act(&mut self.view, &ctx);
    }

    /// Items `ids` arrive (published in id order, so newest first is highest id first).
    fn store_items(&self, ids: &[ItemId]) {
        for id in ids {
            self.store
                .conn()
                .execute(
                    "INSERT INTO items(id, feed_id, key, title, published_at, fetched_at)
                     VALUES (?1, 1, ?1, 'item', 1799990000 + ?1, 0)",
                    [id],
                )
                .unwrap_or_else(|e| panic!("{e}"));
        }
    }

    /// The worker stores a ranking of `ids`, made when `through` was the newest item.
    fn store_ranking(&mut self, ids: &[ItemId], through: ItemId) {
        let rows: Vec<(ItemId, f32, bool, String)> = ids
            .iter()
            .map(|id| (*id, 1.0, false, format!("reason {id}")))
            .collect();
        self.store
            .replace_rank_list(&rows, through)
            .unwrap_or_else(|e| panic!("{e}"));
    }

    fn event(&mut self, topic: Topic) {
        self.with_ctx(|view, ctx| view.on_event(&Event::Changed(topic), ctx));
    }

    /// The next frame's read of what changed.
    fn read(&mut self) {
        let egui_ctx = egui::Context::default();
        self.with_ctx(|view, ctx| view.reload(&egui_ctx, ctx));
    }

    fn shown(&self) -> Vec<ItemId> {
        self.view.list.ids().to_vec()
    }
}

#[test]
fn the_first_run_is_taken_over_after_an_empty_ranking_made_before_the_items_came() {
    let mut f = Fixture::new();
    // The ranking asked for on entering an empty For you is made before any item exists.
    f.store_ranking(&[], 0);
    f.event(Topic::Ranking);
    // Its read comes while the first sample feed is being stored: those items show, unranked.
    f.store_items(&[1, 2, 3]);
    f.read();
    assert_eq!(f.shown(), vec![3, 2, 1]);
    assert!(!f.view.list.shows_ranking());
    // The rest arrive, then the first real ranking: it takes the whole list over.
    f.store_items(&[4, 5]);
    f.event(Topic::Items);
    f.read();
    f.store_ranking(&[2, 5, 1, 4, 3], 5);
    f.event(Topic::Ranking);
    f.read();
    assert_eq!(f.shown(), vec![2, 5, 1, 4, 3]);
    assert!(f.view.list.shows_ranking());
}

#[test]
fn a_refresh_with_nothing_new_does_not_keep_the_ranking_asked_for_on_entering_out() {
    let mut f = Fixture::new();
    f.store_items(&[1, 2, 3]);
    f.store_ranking(&[1, 2, 3], 3);
    f.event(Topic::Ranking);
    f.read();
    assert_eq!(f.shown(), vec![1, 2, 3]);
    // Back to For you later: the old ranking shows while the fresh one is made, and a feed
    // refresh that brought nothing says Items changed meanwhile.
    f.with_ctx(|view, ctx| view.set_kind(ListKind::ForYou, ctx));
    f.read();
    f.event(Topic::Items);
    f.read();
    f.store_ranking(&[3, 1, 2], 3);
    f.event(Topic::Ranking);
    f.read();
    assert_eq!(f.shown(), vec![3, 1, 2], "the fresh ranking takes over");
}

#[test]
fn a_ranked_list_being_read_keeps_its_order_and_new_items_join_below() {
    let mut f = Fixture::new();
    f.store_items(&[1, 2, 3]);
    f.store_ranking(&[1, 2, 3], 3);
    f.event(Topic::Ranking);
    f.read();
    // New items while the list is read: the ranking asked for then only adds them below.
    f.store_items(&[4]);
    f.event(Topic::Items);
    f.read();
    f.store_ranking(&[4, 3, 2, 1], 4);
    f.event(Topic::Ranking);
    f.read();
    assert_eq!(f.shown(), vec![1, 2, 3, 4]);
}
