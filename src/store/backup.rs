//! Copies of the database made with SQLite's online backup API, which copies a consistent
//! snapshot while other connections keep reading and writing: one a day (the last 7 kept),
//! and one before each migration and each board import that replaces the board (the last 3
//! of each kept). They sit in `backups/` beside the database; `focusfeed restore` puts one back.

use super::migrations::SCHEMA_VERSION;
use super::{Result, StoreError};
use chrono::NaiveDate;
use rusqlite::backup::Backup;
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The folder beside the database that holds the copies.
pub const BACKUP_DIR: &str = "backups";
/// Daily copies kept.
pub const DAILY_KEPT: usize = 7;
/// Copies kept before each kind of risky change.
pub const BEFORE_KEPT: usize = 3;

/// Where the backups of the database at `db_path` go.
pub fn backup_dir(db_path: &Path) -> PathBuf {
    db_path
        .parent()
        .unwrap_or_else(|| Path::new("."))
        .join(BACKUP_DIR)
}

/// Copies the database behind `conn` to `dest`, through a partial file renamed into place, so
/// a crash never leaves a half copy under a backup's name.
pub fn backup_to(conn: &Connection, dest: &Path) -> Result<()> {
    let io = |e: std::io::Error| StoreError::Backup(format!("{}: {e}", dest.display()));
    if let Some(dir) = dest.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let partial = dest.with_extension("db.partial");
    let _ = std::fs::remove_file(&partial);
    {
        let mut out = Connection::open(&partial)?;
        let backup = Backup::new(conn, &mut out)?;
        // Pages in steps, so a writer elsewhere is held up for one step at a time.
        backup.run_to_completion(1_024, Duration::ZERO, None)?;
    }
    std::fs::rename(&partial, dest).map_err(io)?;
    Ok(())
}

/// A connection of its own to copy from, so a copy never holds the writer's.
fn source(db_path: &Path) -> Result<Connection> {
    Ok(Connection::open_with_flags(
        db_path,
        OpenFlags::SQLITE_OPEN_READ_ONLY,
    )?)
}

/// Today's copy of the database at `db_path`, unless there is one:
/// `backups/daily-YYYY-MM-DD.db`, the oldest beyond [`DAILY_KEPT`] removed. Returns the new
/// file, if one was made.
pub fn daily(db_path: &Path, today: NaiveDate) -> Result<Option<PathBuf>> {
    let dir = backup_dir(db_path);
    let dest = dir.join(format!("daily-{}.db", today.format("%Y-%m-%d")));
    if dest.exists() {
        return Ok(None);
    }
    backup_to(&source(db_path)?, &dest)?;
    prune(&dir, "daily-", DAILY_KEPT);
    Ok(Some(dest))
}

/// A copy before a risky change (`what`: "migration", "board-import", "restore"), named with
/// the time so the newest sorts last; the oldest beyond [`BEFORE_KEPT`] removed.
pub fn before(conn: &Connection, db_path: &Path, what: &str, now: i64) -> Result<PathBuf> {
    let dir = backup_dir(db_path);
    let prefix = format!("before-{what}-");
    let dest = dir.join(format!("{prefix}{now:012}.db"));
    backup_to(conn, &dest)?;
    prune(&dir, &prefix, BEFORE_KEPT);
    Ok(dest)
}

/// A copy made now, on request (`focusfeed backup`, "Back up now"); kept with the daily ones'
/// neighbours but never pruned.
pub fn now(db_path: &Path, stamp: &str) -> Result<PathBuf> {
    let dest = backup_dir(db_path).join(format!("manual-{stamp}.db"));
    backup_to(&source(db_path)?, &dest)?;
    Ok(dest)
}

/// Removes the oldest files named `prefix…​.db` beyond `keep` (names sort by time).
fn prune(dir: &Path, prefix: &str, keep: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut names: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(prefix) && n.ends_with(".db"))
        })
        .collect();
    names.sort();
    let extra = names.len().saturating_sub(keep);
    for old in names.into_iter().take(extra) {
        let _ = std::fs::remove_file(old);
    }
}

/// Whether `file` is a focusfeed database this version can use: SQLite finds it whole, its
/// schema is one we know, and it has our tables. Returns its schema version.
pub fn check(file: &Path) -> Result<i64> {
    let bad = |why: String| StoreError::Backup(format!("{}: {why}", file.display()));
    if !file.is_file() {
        return Err(bad("not a file".into()));
    }
    let conn = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| bad(e.to_string()))?;
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| bad(format!("not a database ({e})")))?;
    if integrity != "ok" {
        return Err(bad(format!("damaged: {integrity}")));
    }
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if !(1..=SCHEMA_VERSION).contains(&version) {
        return Err(bad(format!(
            "schema version {version}; this focusfeed reads 1 to {SCHEMA_VERSION}"
        )));
    }
    let ours: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table'
         AND name IN ('settings', 'cards', 'items', 'feeds')",
        [],
        |r| r.get(0),
    )?;
    if ours < 4 {
        return Err(bad("not a focusfeed database".into()));
    }
    Ok(version)
}

/// Puts `file` back as the database at `db_path` (after [`check`] passed and with no window
/// open: the caller holds the window lock). The current database is copied first, so a wrong
/// restore can itself be undone; the copy goes in through the backup API, which keeps the
/// live file's WAL consistent. The database is brought up to date by the next open.
pub fn restore(file: &Path, db_path: &Path, now: i64) -> Result<PathBuf> {
    check(file)?;
    let mut live = Connection::open(db_path)?;
    live.busy_timeout(Duration::from_secs(10))?;
    let saved = before(&live, db_path, "restore", now)?;
    let copy = source(file)?;
    {
        let backup = Backup::new(&copy, &mut live)?;
        backup.run_to_completion(1_024, Duration::ZERO, None)?;
    }
    Ok(saved)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap_or_else(|| panic!("date"))
    }

    #[test]
    fn one_copy_a_day_and_only_the_last_seven_kept() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let db = dir.path().join("focusfeed.db");
        // Opened (and kept open) so the database exists and is in use while it is copied.
        let _store = Store::open(&db).unwrap_or_else(|e| panic!("{e}"));
        for d in 1..=10 {
            let made = daily(&db, day(d)).unwrap_or_else(|e| panic!("{e}"));
            assert!(made.is_some());
            assert!(
                daily(&db, day(d))
                    .unwrap_or_else(|e| panic!("{e}"))
                    .is_none()
            );
        }
        let mut names: Vec<String> = std::fs::read_dir(backup_dir(&db))
            .unwrap_or_else(|e| panic!("{e}"))
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names.len(), DAILY_KEPT);
        assert_eq!(names[0], "daily-2026-12-04.db");
        assert_eq!(
            check(&backup_dir(&db).join("daily-2026-12-10.db")).ok(),
            Some(SCHEMA_VERSION)
        );
    }

    #[test]
    fn a_restore_puts_back_what_was_saved_and_keeps_what_it_replaced() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let db = dir.path().join("focusfeed.db");
        let store = Store::open(&db).unwrap_or_else(|e| panic!("{e}"));
        store
            .set_setting("mark", "saved")
            .unwrap_or_else(|e| panic!("{e}"));
        let copy = now(&db, "test").unwrap_or_else(|e| panic!("{e}"));
        store
            .set_setting("mark", "later")
            .unwrap_or_else(|e| panic!("{e}"));
        drop(store);
        let kept = restore(&copy, &db, 5).unwrap_or_else(|e| panic!("{e}"));
        let store = Store::open(&db).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            store.setting("mark").ok().flatten().as_deref(),
            Some("saved")
        );
        let before = Store::open(&kept).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            before.setting("mark").ok().flatten().as_deref(),
            Some("later")
        );
    }

    #[test]
    fn a_file_that_is_not_our_database_is_refused() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let junk = dir.path().join("junk.db");
        std::fs::write(&junk, b"not sqlite at all, just words").unwrap_or_else(|e| panic!("{e}"));
        assert!(check(&junk).is_err());
        let other = dir.path().join("other.db");
        let conn = Connection::open(&other).unwrap_or_else(|e| panic!("{e}"));
        conn.execute_batch("CREATE TABLE t(x); PRAGMA user_version = 3;")
            .unwrap_or_else(|e| panic!("{e}"));
        drop(conn);
        let why = check(&other)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(why.contains("not a focusfeed database"), "{why}");
        assert!(check(&dir.path().join("missing.db")).is_err());
    }
}
