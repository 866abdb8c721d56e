//! Several write units in one transaction: a refresh stores the feeds that wait for it
//! together, so the pages the feeds share (index leaves, the outbox) reach the WAL once per
//! batch, not once per feed. A unit inside a batch is not atomic by itself: whoever opens a
//! batch abandons it when a unit fails and does the units again one by one.

use super::{Result, Store};
use rusqlite::{Connection, Transaction};
use std::ops::Deref;

/// A write that is all or nothing in its own (immediate) transaction, or part of the batch a
/// caller opened with [`Store::begin_batch`].
pub(crate) enum WriteUnit<'c> {
    Own(Transaction<'c>),
    InBatch(&'c Connection),
}

impl Deref for WriteUnit<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        match self {
            Self::Own(t) => t,
            Self::InBatch(c) => c,
        }
    }
}

impl WriteUnit<'_> {
    pub(crate) fn commit(self) -> rusqlite::Result<()> {
        match self {
            Self::Own(t) => t.commit(),
            // The batch commits it.
            Self::InBatch(_) => Ok(()),
        }
    }
}

impl Store {
    /// Starts a write unit: part of the open batch, else a transaction of its own.
    pub(crate) fn write_unit(&mut self) -> rusqlite::Result<WriteUnit<'_>> {
        if self.in_batch() {
            Ok(WriteUnit::InBatch(self.conn()))
        } else {
            self.conn_mut().transaction().map(WriteUnit::Own)
        }
    }

    /// Opens a batch: the writes until [`Store::end_batch`] commit together.
    pub fn begin_batch(&self) -> Result<()> {
        self.conn().execute_batch("BEGIN IMMEDIATE")?;
        Ok(())
    }

    /// Whether a batch is open (SQLite itself rolls one back on some failures: a full disk,
    /// an I/O error).
    pub fn in_batch(&self) -> bool {
        !self.conn().is_autocommit()
    }

    /// Commits the batch. On failure it stays open, for [`Store::abandon_batch`].
    pub fn end_batch(&self) -> Result<()> {
        self.conn().execute_batch("COMMIT")?;
        Ok(())
    }

    /// Rolls the batch back, if SQLite has not already: none of its writes are kept.
    pub fn abandon_batch(&self) {
        if self.in_batch() {
            // A rollback that fails leaves SQLite's own recovery to the next transaction.
            let _ = self.conn().execute_batch("ROLLBACK");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> Store {
        let store = Store::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        store
            .conn()
            .execute_batch("CREATE TABLE t(x INTEGER NOT NULL UNIQUE);")
            .unwrap_or_else(|e| panic!("{e}"));
        store
    }

    fn put(store: &mut Store, xs: &[i64]) -> rusqlite::Result<()> {
        let unit = store.write_unit()?;
        for x in xs {
            unit.execute("INSERT INTO t(x) VALUES (?1)", [x])?;
        }
        unit.commit()
    }

    fn rows(store: &Store) -> Vec<i64> {
        let mut stmt = store
            .conn()
            .prepare("SELECT x FROM t ORDER BY x")
            .unwrap_or_else(|e| panic!("{e}"));
        stmt.query_map([], |r| r.get(0))
            .and_then(|r| r.collect())
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn units_in_a_batch_are_kept_together_or_not_at_all() {
        let mut store = store();
        store.begin_batch().unwrap_or_else(|e| panic!("{e}"));
        put(&mut store, &[1, 2]).unwrap_or_else(|e| panic!("{e}"));
        put(&mut store, &[3]).unwrap_or_else(|e| panic!("{e}"));
        assert!(store.in_batch());
        store.end_batch().unwrap_or_else(|e| panic!("{e}"));
        assert!(!store.in_batch());
        assert_eq!(rows(&store), vec![1, 2, 3]);

        store.begin_batch().unwrap_or_else(|e| panic!("{e}"));
        put(&mut store, &[4]).unwrap_or_else(|e| panic!("{e}"));
        // Inside a batch a failed unit keeps what it wrote before failing: the batch's owner
        // abandons the whole batch.
        assert!(put(&mut store, &[5, 1]).is_err());
        store.abandon_batch();
        assert!(!store.in_batch());
        assert_eq!(rows(&store), vec![1, 2, 3]);
    }

    #[test]
    fn outside_a_batch_a_unit_is_its_own_transaction() {
        let mut store = store();
        assert!(put(&mut store, &[5, 5]).is_err());
        put(&mut store, &[6]).unwrap_or_else(|e| panic!("{e}"));
        assert!(!store.in_batch());
        assert_eq!(rows(&store), vec![6]);
    }

    #[test]
    fn a_batch_that_cannot_commit_is_abandoned_whole() {
        let mut store = store();
        store
            .conn()
            .execute_batch(
                "CREATE TABLE parent(id INTEGER PRIMARY KEY);
                 CREATE TABLE child(p INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);",
            )
            .unwrap_or_else(|e| panic!("{e}"));
        store.begin_batch().unwrap_or_else(|e| panic!("{e}"));
        put(&mut store, &[7]).unwrap_or_else(|e| panic!("{e}"));
        // A deferred foreign key is checked at the commit, which then fails.
        store
            .conn()
            .execute("INSERT INTO child(p) VALUES (99)", [])
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(store.end_batch().is_err());
        store.abandon_batch();
        assert!(!store.in_batch());
        assert_eq!(rows(&store), Vec::<i64>::new());
    }
}
