//! The source of truth on disk: one SQLite database (WAL) with versioned migrations.
//! Each aggregate adds its queries in its own file as `impl Store` blocks.

pub mod backup;
mod batch;
mod board;
pub mod changes;
pub mod events;
pub mod feeds;
mod focus_export;
mod full_text;
pub mod items;
mod migrations;
pub mod rank;
mod read_only;
pub mod reader;
mod reading;
mod search;
mod timelog;

use rusqlite::Connection;
use std::path::Path;
use std::time::Duration;

pub use migrations::SCHEMA_VERSION;
pub use read_only::ReadStore;
pub use search::{HitContext, IndexedItem};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error(
        "the database was written by a newer focusfeed (schema {found}, this build knows {known}); \
         update focusfeed"
    )]
    TooNew { found: i64, known: i64 },
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error("backup: {0}")]
    Backup(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Reading a setting, through a writing store or a view's read-only one (the helpers that
/// interpret a setting serve both).
pub trait ReadSetting {
    fn setting(&self, key: &str) -> Result<Option<String>>;
}

impl ReadSetting for Store {
    fn setting(&self, key: &str) -> Result<Option<String>> {
        Store::setting(self, key)
    }
}

/// The writer connection's page cache at most, in KiB (see [`Store::size_for_writing`]).
const ENGINE_CACHE_KIB: i64 = 4 * 1024;

/// WAL pages after which a commit copies them back into the database (see `init`).
const WAL_CHECKPOINT_PAGES: i64 = 10_000;

/// The size the WAL file is cut back to after a checkpoint.
const WAL_KEEP_BYTES: i64 = 64 * 1024 * 1024;

/// One connection to the database. The GUI's worker owns the writing one; readers open their own.
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self> {
        let conn = Connection::open(path)?;
        Self::init(conn)
    }

    /// A private in-memory database, for tests and the evaluation harness.
    pub fn open_in_memory() -> Result<Self> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(mut conn: Connection) -> Result<Self> {
        conn.busy_timeout(Duration::from_secs(10))?;
        // WAL lets the CLI write while the window reads; NORMAL sync is crash-safe under WAL.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // A statement that changes several rows through triggers (an update of an item, its
        // outbox row, the change counters) keeps a statement journal; SQLite spills it past 64 KiB to a temp
        // file, and writing that file took a fifth of a refresh's whole time. The journal of
        // one statement is small and lives only as long as the statement: memory is the place.
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        // SQLite copies the WAL back into the database once it passes 1,000 pages (4 MB) by
        // default: during a refresh that was every few feeds, each time rewriting the same
        // hot pages (indexes, the outbox, the change counters) and syncing. At 10,000 pages a
        // 100,000-item refresh in the window went from 5.3-5.8 to 4.5-4.8 s. Set on every
        // connection, since whichever commits past the mark runs the checkpoint; the file is
        // cut back to 64 MiB after one if it grew past that while readers held it.
        conn.pragma_update(None, "wal_autocheckpoint", WAL_CHECKPOINT_PAGES)?;
        conn.pragma_update(None, "journal_size_limit", WAL_KEEP_BYTES)?;
        // Every transaction here writes. A deferred one reads first and then asks for the write
        // lock; under WAL, if another connection committed in between, that upgrade fails at
        // once with SQLITE_BUSY ("database is locked") and the busy timeout never applies.
        // Taking the lock at BEGIN makes a writer wait its turn instead.
        conn.set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
        let mut store = Self { conn };
        migrations::migrate(&mut store.conn)?;
        Ok(store)
    }

    /// Sizes this connection for writing feeds in bulk (the engine's writer): a feed's
    /// transaction of 500 items touches more pages than SQLite's default 2 MB cache holds, and
    /// a full cache spills dirty pages to the WAL mid-transaction and reads them back. The
    /// cache grows only as pages are used; `ENGINE_CACHE_KIB` bounds it. 4 MiB rather than
    /// 16: with the larger WAL above, 16 MiB stored a 100,000-item refresh about 5% faster in
    /// the CLI but held 12 MiB more in the window at its peak.
    pub fn size_for_writing(&self) -> Result<()> {
        self.conn
            .pragma_update(None, "cache_size", -ENGINE_CACHE_KIB)?;
        Ok(())
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Changes whenever another connection (say, the CLI beside the window) commits.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO settings(key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_run_once_and_settings_round_trip() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("db.sqlite3");
        {
            let store = Store::open(&path).unwrap_or_else(|e| panic!("{e}"));
            store
                .set_setting("k", "v")
                .unwrap_or_else(|e| panic!("{e}"));
        }
        let store = Store::open(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(store.setting("k").ok().flatten().as_deref(), Some("v"));
        let v: i64 = store
            .conn()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(v, SCHEMA_VERSION);
    }

    #[test]
    fn a_write_transaction_holds_the_write_lock_from_its_start() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("db.sqlite3");
        let mut writer = Store::open(&path).unwrap_or_else(|e| panic!("{e}"));
        let other = Store::open(&path).unwrap_or_else(|e| panic!("{e}"));
        other
            .conn()
            .busy_timeout(Duration::ZERO)
            .unwrap_or_else(|e| panic!("{e}"));
        let tx = writer
            .conn_mut()
            .transaction()
            .unwrap_or_else(|e| panic!("{e}"));
        // Before its first statement, the transaction already keeps other writers out, so it can
        // never find its snapshot stale when it comes to write.
        let blocked = other.conn().execute_batch("BEGIN IMMEDIATE; COMMIT;");
        assert!(
            matches!(
                blocked,
                Err(rusqlite::Error::SqliteFailure(ref e, _))
                    if e.code == rusqlite::ErrorCode::DatabaseBusy
            ),
            "{blocked:?}"
        );
        drop(tx);
        other
            .conn()
            .execute_batch("BEGIN IMMEDIATE; COMMIT;")
            .unwrap_or_else(|e| panic!("{e}"));
    }
}
