//! Versioned schema migrations, applied in order inside one transaction each; `user_version`
//! records how far a database has come. Append new steps; never edit one that has shipped.

use super::{Result, StoreError};
use rusqlite::Connection;

/// (version, SQL). Each area owns its own file under `sql/`.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("sql/0001_core.sql")),
    (2, include_str!("sql/0002_focus.sql")),
    (3, include_str!("sql/0003_feeds.sql")),
    (4, include_str!("sql/0004_events.sql")),
    (5, include_str!("sql/0005_index.sql")),
    (6, include_str!("sql/0006_rank.sql")),
    (7, include_str!("sql/0007_item_age.sql")),
    (8, include_str!("sql/0008_reading.sql")),
    (9, include_str!("sql/0009_change_counts.sql")),
    (10, include_str!("sql/0010_full_text.sql")),
    (11, include_str!("sql/0011_images.sql")),
    (12, include_str!("sql/0012_item_cap.sql")),
    (13, include_str!("sql/0013_card_link.sql")),
    (14, include_str!("sql/0014_attention_record.sql")),
    (15, include_str!("sql/0015_list_order_by_age.sql")),
    (16, include_str!("sql/0016_inserts_enqueue_themselves.sql")),
];

pub const SCHEMA_VERSION: i64 = MIGRATIONS[MIGRATIONS.len() - 1].0;

pub(super) fn migrate(conn: &mut Connection) -> Result<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            found: current,
            known: SCHEMA_VERSION,
        });
    }
    // A copy of a database that has data, before its schema changes: a migration that goes
    // wrong (or a build that turns out bad) must not cost the user their data.
    if current > 0
        && current < SCHEMA_VERSION
        && let Some(path) = conn
            .path()
            .filter(|p| !p.is_empty())
            .map(std::path::PathBuf::from)
    {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        super::backup::before(conn, &path, &format!("migration-v{current}"), now)?;
    }
    for &(version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
    }
    Ok(())
}
