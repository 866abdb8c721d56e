//! The learned page as the window draws it, with the stored model changed under it between
//! frames, as the worker changes it while the person clicks.

use super::LearnedPage;
use crate::clock::{ManualClock, SharedClock};
use crate::engine::worker::WorkerHandle;
use crate::rank::learned::{LearnedKind, LearnedRow};
use crate::rank::persist::{FORMAT, Snapshot};
use crate::store::rank::ModelRow;
use crate::store::{ReadStore, Store};
use crate::ui::context::ViewContext;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::cell::RefCell;
use std::sync::Arc;

struct Lab {
    _dir: tempfile::TempDir,
    store: Store,
    read: ReadStore,
    worker: WorkerHandle,
    clock: SharedClock,
    data_dir: std::path::PathBuf,
    page: LearnedPage,
}

fn feed(id: &str, label: &str) -> LearnedRow {
    LearnedRow {
        kind: LearnedKind::Feed,
        key: id.into(),
        label: label.into(),
        weight: 1.0,
        opened: 3.0,
        shown: 9.0,
    }
}

/// Saves a model whose learned rows are `rows`, in that order, as a ranking does.
fn save_model(store: &Store, rows: Vec<LearnedRow>) {
    let snapshot = Snapshot {
        learned: rows,
        ..Snapshot::default()
    };
    let state = serde_json::to_string(&snapshot).unwrap_or_else(|e| panic!("{e}"));
    let row = ModelRow {
        format: FORMAT,
        last_event: 1,
        state,
    };
    store
        .save_rank_model(&row, 0)
        .unwrap_or_else(|e| panic!("{e}"));
}

fn lab() -> Lab {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let at = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
    let clock: SharedClock = Arc::new(ManualClock::new(at));
    // The worker only receives the page's commands here.
    let worker = crate::ui::test_support::worker_elsewhere(dir.path(), &clock);
    let db = dir.path().join(crate::paths::DB_FILE);
    let store = Store::open(&db).unwrap_or_else(|e| panic!("{e}"));
    let read = ReadStore::open(&db).unwrap_or_else(|e| panic!("{e}"));
    Lab {
        data_dir: dir.path().to_path_buf(),
        _dir: dir,
        store,
        read,
        worker,
        clock,
        page: LearnedPage::default(),
    }
}

fn harness(lab: Lab) -> Harness<'static, Lab> {
    Harness::new_ui_state(
        |ui, lab: &mut Lab| {
            let ctx = ViewContext {
                store: &lab.read,
                worker: &lab.worker,
                clock: &lab.clock,
                data_dir: &lab.data_dir,
                now: lab.clock.now(),
                actions: RefCell::new(Vec::new()),
            };
            lab.page.ui(ui, &ctx);
        },
        lab,
    )
}

fn shows(h: &Harness<'_, Lab>, name: &str) -> bool {
    h.query_by_role_and_label(Role::Button, name).is_some()
}

#[test]
fn forget_acts_on_the_row_pressed_even_when_a_reread_reorders_the_rows() {
    let lab = lab();
    save_model(&lab.store, vec![feed("1", "Alpha"), feed("2", "Beta")]);
    let mut h = harness(lab);
    h.run();
    assert!(shows(&h, "Forget Alpha") && shows(&h, "Forget Beta"));

    // The person presses Forget on Alpha. Before they let go, a ranking saves the model with
    // Beta first, so Beta's row is now where Alpha's was.
    let pos = h
        .get_by_role_and_label(Role::Button, "Forget Alpha")
        .rect()
        .center();
    let button = |pressed| crate::ui::test_support::primary_button(pos, pressed);
    h.event(egui::Event::PointerMoved(pos));
    h.event(button(true));
    h.step();
    save_model(
        &h.state().store,
        vec![feed("2", "Beta"), feed("1", "Alpha")],
    );
    h.state_mut().page.reread();
    h.step();
    h.event(button(false));
    h.run();
    assert!(
        !shows(&h, "Forget Alpha"),
        "Alpha, the row pressed, is gone"
    );
    assert!(
        shows(&h, "Forget Beta"),
        "Beta, now under the pointer, stays"
    );
}

#[test]
fn a_forgotten_row_stays_gone_when_a_ranking_begun_before_the_forget_saves_it_again() {
    let lab = lab();
    save_model(&lab.store, vec![feed("1", "Alpha"), feed("2", "Beta")]);
    let mut h = harness(lab);
    h.run();
    h.get_by_role_and_label(Role::Button, "Forget Alpha")
        .click();
    h.run();
    assert!(!shows(&h, "Forget Alpha"));

    // The worker (of another directory here) never stores the forget; a ranking that read the
    // model before it saves the model with the row, and the page is told to read again.
    save_model(
        &h.state().store,
        vec![feed("1", "Alpha"), feed("2", "Beta")],
    );
    h.state_mut().page.reread();
    h.run();
    assert!(!shows(&h, "Forget Alpha"), "the stale row is kept out");
    assert!(shows(&h, "Forget Beta"));

    // Forget everything: a row learned afresh after it is shown again.
    h.state_mut().page.forget_all();
    h.run();
    assert!(shows(&h, "Forget Alpha"));
}
