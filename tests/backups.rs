//! Backups as a user meets them: one a day once the window is open, "Back up now" in
//! Settings, a copy before a migration and before `board import --replace`, and `restore`,
//! which checks the file and is refused while a window is open.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use clap::Parser;
use common::{reader_harness, start_clock, step_until};
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use focusfeed::cli::{Cli, run};
use focusfeed::engine::Engine;
use focusfeed::paths::{DB_FILE, WindowLock};
use focusfeed::store::Store;
use focusfeed::store::backup::backup_dir;
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn backups(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(backup_dir(&dir.join(DB_FILE)))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    found.retain(|p| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with(prefix) && n.ends_with(".db"))
    });
    found.sort();
    found
}

fn cli(dir: &Path, args: &[&str]) -> anyhow::Result<()> {
    let mut all = vec!["focusfeed", "--data-dir", dir.to_str().unwrap()];
    all.extend_from_slice(args);
    run(Cli::try_parse_from(all)?)
}

#[test]
fn the_window_makes_todays_backup_and_back_up_now_makes_another() {
    let dir = tempfile::tempdir().unwrap();
    let clock = start_clock();
    let mut h = reader_harness(dir.path(), &clock);
    step_until(&mut h, "today's backup", |_| {
        backups(dir.path(), "daily-").len() == 1
    });
    h.key_press(egui::Key::Num4);
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, "Back up now").click();
    step_until(&mut h, "the copy, confirmed", |h| {
        h.query_all_by_label_contains("Backed up to")
            .next()
            .is_some()
    });
    let manual = backups(dir.path(), "manual-");
    assert_eq!(manual.len(), 1);
    assert!(focusfeed::store::backup::check(&manual[0]).is_ok());
}

#[test]
fn a_migration_and_a_replacing_board_import_are_preceded_by_a_copy() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join(DB_FILE);
    {
        // A database from the previous version: the last migration undone.
        let store = Store::open(&db).unwrap();
        store
            .conn()
            .execute_batch(
                "CREATE TRIGGER items_index_insert AFTER INSERT ON items
                 BEGIN
                     INSERT OR REPLACE INTO index_outbox(item_id) VALUES (new.id);
                 END;
                 CREATE TRIGGER items_count_insert AFTER INSERT ON items
                 BEGIN
                     UPDATE change_counts SET n = n + 1 WHERE topic = 'Items';
                 END;
                 PRAGMA user_version = 15;",
            )
            .unwrap();
    }
    let clock = start_clock();
    let mut engine = Engine::open(dir.path(), Arc::new(clock.clone())).unwrap();
    let before_migration = backups(dir.path(), "before-migration-v15-");
    assert_eq!(before_migration.len(), 1);
    assert_eq!(
        focusfeed::store::backup::check(&before_migration[0]).unwrap(),
        15
    );

    let export = serde_json::to_string(&engine.export_board().unwrap()).unwrap();
    engine.import_board(&export, true).unwrap();
    assert_eq!(backups(dir.path(), "before-board-import-").len(), 1);
}

#[test]
fn restore_checks_the_file_refuses_an_open_window_and_puts_the_copy_back() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let clock = start_clock();
    {
        let engine = Engine::open(data, Arc::new(clock.clone())).unwrap();
        engine.store().set_setting("note", "before").unwrap();
    }
    cli(data, &["backup"]).unwrap();
    let copy = backups(data, "manual-").pop().unwrap();
    Store::open(&data.join(DB_FILE))
        .unwrap()
        .set_setting("note", "after")
        .unwrap();

    let junk = data.join("junk.db");
    std::fs::write(&junk, "hello").unwrap();
    assert!(cli(data, &["restore", junk.to_str().unwrap()]).is_err());

    let window = WindowLock::acquire(data).unwrap();
    let refused = cli(data, &["restore", copy.to_str().unwrap()]).unwrap_err();
    assert!(refused.to_string().contains("window is open"), "{refused}");
    drop(window);

    cli(data, &["restore", copy.to_str().unwrap()]).unwrap();
    let store = Store::open(&data.join(DB_FILE)).unwrap();
    assert_eq!(store.setting("note").unwrap().as_deref(), Some("before"));
    assert_eq!(
        backups(data, "before-restore-").len(),
        1,
        "what it replaced is kept"
    );
}
