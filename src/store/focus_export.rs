//! Export and import of the whole Focus side (board, archived cards, time log, timer settings).

use super::{Result, Store, StoreError};
use crate::model::export::{BoardExport, EXPORT_FORMAT, EXPORT_VERSION};
use rusqlite::params;

impl Store {
    pub fn export_board(&self) -> Result<BoardExport> {
        Ok(BoardExport {
            format: EXPORT_FORMAT.to_owned(),
            version: EXPORT_VERSION,
            columns: self.columns()?,
            cards: self.all_cards()?,
            time_log: self.time_log()?,
            timer: Some(self.timer_config()?),
        })
    }

    /// True when there is no card and no logged time (default columns do not count).
    pub fn board_is_empty(&self) -> Result<bool> {
        let n: i64 = self.conn().query_row(
            "SELECT (SELECT COUNT(*) FROM cards) + (SELECT COUNT(*) FROM time_log)",
            [],
            |r| r.get(0),
        )?;
        Ok(n == 0)
    }

    /// Replaces the board and time log with `data`, ids kept, in one transaction. Refused when
    /// there is something to lose, unless `replace` says the user means it.
    pub fn import_board(&mut self, data: &BoardExport, replace: bool) -> Result<()> {
        if !replace && !self.board_is_empty()? {
            return Err(StoreError::Invalid(
                "the board already has cards or logged time; importing would replace them \
                 (pass --replace to do so, after exporting what is there)"
                    .into(),
            ));
        }
        let tx = self.conn_mut().transaction()?;
        tx.execute_batch("DELETE FROM time_log; DELETE FROM cards; DELETE FROM board_columns;")?;
        {
            let mut col = tx.prepare_cached(
                "INSERT INTO board_columns(id, name, position, wip_limit) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for c in &data.columns {
                col.execute(params![
                    c.id,
                    c.name,
                    c.position,
                    c.wip_limit.filter(|l| *l > 0)
                ])?;
            }
            let mut card = tx.prepare_cached(
                "INSERT INTO cards(id, column_id, position, title, notes, labels, due_date, estimate,
                                   created_at, updated_at, archived_at, link, item_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )?;
            for c in &data.cards {
                card.execute(params![
                    c.id,
                    c.column_id,
                    c.position,
                    c.title,
                    c.notes,
                    serde_json::to_string(&c.labels).unwrap_or_else(|_| "[]".into()),
                    c.due.map(|d| d.format("%Y-%m-%d").to_string()),
                    c.estimate,
                    c.created_at,
                    c.updated_at,
                    c.archived_at,
                    c.link,
                    c.item_id
                ])?;
            }
            let mut entry = tx.prepare_cached(
                "INSERT INTO time_log(id, card_id, started_at, ended_at, seconds, completed)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for e in &data.time_log {
                entry.execute(params![
                    e.id,
                    e.card_id,
                    e.started_at,
                    e.ended_at,
                    e.seconds,
                    e.completed
                ])?;
            }
        }
        if let Some(cfg) = &data.timer {
            let json =
                serde_json::to_string(cfg).map_err(|e| StoreError::Invalid(e.to_string()))?;
            tx.execute(
                "INSERT INTO settings(key, value) VALUES ('focus.timer', ?1)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [json],
            )?;
        }
        tx.commit()?;
        Ok(())
    }
}
