//! Board queries: columns and cards, with the pomodoros and minutes each card got from the time log.

use super::{Result, Store, StoreError};
use crate::model::board::{Board, Card, CardDraft, Column, ColumnCards};
use crate::model::{CardId, ColumnId, UnixTime};
use rusqlite::{OptionalExtension, Row, Transaction, params};

const CARD_SELECT: &str = "SELECT c.id, c.column_id, c.position, c.title, c.notes, c.labels, \
     c.due_date, c.estimate, c.created_at, c.updated_at, c.archived_at, \
     COALESCE(t.pomodoros, 0), COALESCE(t.seconds, 0), c.link, c.item_id \
     FROM cards c LEFT JOIN (SELECT card_id, SUM(completed) AS pomodoros, SUM(seconds) AS seconds \
     FROM time_log WHERE card_id IS NOT NULL GROUP BY card_id) t ON t.card_id = c.id";

fn card_from_row(r: &Row<'_>) -> rusqlite::Result<Card> {
    let labels: String = r.get(5)?;
    let due: Option<String> = r.get(6)?;
    Ok(Card {
        id: r.get(0)?,
        column_id: r.get(1)?,
        position: r.get(2)?,
        title: r.get(3)?,
        notes: r.get(4)?,
        // Written by us as JSON; should it ever be hand-edited into something else, keep the text.
        labels: serde_json::from_str(&labels).unwrap_or_else(|_| vec![labels]),
        due: due.and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
        estimate: r.get(7)?,
        created_at: r.get(8)?,
        updated_at: r.get(9)?,
        archived_at: r.get(10)?,
        pomodoros: r.get(11)?,
        seconds_spent: r.get(12)?,
        link: r.get(13)?,
        item_id: r.get(14)?,
    })
}

fn column_from_row(r: &Row<'_>) -> rusqlite::Result<Column> {
    Ok(Column {
        id: r.get(0)?,
        name: r.get(1)?,
        position: r.get(2)?,
        wip_limit: r.get(3)?,
    })
}

fn labels_json(labels: &[String]) -> String {
    serde_json::to_string(labels).unwrap_or_else(|_| "[]".into())
}

/// Renumbers a column's live cards 0, 1, 2… in the given order.
fn write_order(tx: &Transaction<'_>, column: ColumnId, ids: &[CardId]) -> Result<()> {
    let mut stmt =
        tx.prepare_cached("UPDATE cards SET position = ?1, column_id = ?2 WHERE id = ?3")?;
    for (i, id) in ids.iter().enumerate() {
        stmt.execute(params![i as i64, column, id])?;
    }
    Ok(())
}

fn live_ids(tx: &Transaction<'_>, column: ColumnId) -> Result<Vec<CardId>> {
    let mut stmt = tx.prepare_cached(
        "SELECT id FROM cards WHERE column_id = ?1 AND archived_at IS NULL ORDER BY position, id",
    )?;
    let ids = stmt
        .query_map([column], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<CardId>>>()?;
    Ok(ids)
}

fn column_ids(tx: &Transaction<'_>) -> Result<Vec<ColumnId>> {
    let mut stmt = tx.prepare_cached("SELECT id FROM board_columns ORDER BY position, id")?;
    let ids = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<ColumnId>>>()?;
    Ok(ids)
}

impl Store {
    pub fn columns(&self) -> Result<Vec<Column>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, name, position, wip_limit FROM board_columns ORDER BY position, id",
        )?;
        let cols = stmt
            .query_map([], column_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(cols)
    }

    /// A column by id, or by name ignoring case (what the CLI takes).
    pub fn find_column(&self, name_or_id: &str) -> Result<Column> {
        let cols = self.columns()?;
        let want = name_or_id.trim();
        cols.iter()
            .find(|c| c.name.eq_ignore_ascii_case(want))
            .or_else(|| cols.iter().find(|c| c.id.to_string() == want))
            .cloned()
            .ok_or_else(|| {
                let names: Vec<&str> = cols.iter().map(|c| c.name.as_str()).collect();
                StoreError::NotFound(format!("column {want:?} (columns: {})", names.join(", ")))
            })
    }

    /// The live board: every column with its non-archived cards in order.
    pub fn board(&self) -> Result<Board> {
        let cols = self.columns()?;
        let mut stmt = self.conn().prepare_cached(&format!(
            "{CARD_SELECT} WHERE c.archived_at IS NULL ORDER BY c.column_id, c.position, c.id"
        ))?;
        let cards = stmt
            .query_map([], card_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let columns = cols
            .into_iter()
            .map(|column| ColumnCards {
                cards: cards
                    .iter()
                    .filter(|c| c.column_id == column.id)
                    .cloned()
                    .collect(),
                column,
            })
            .collect();
        Ok(Board { columns })
    }

    /// Archived cards, most recently archived first.
    pub fn archived_cards(&self) -> Result<Vec<Card>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "{CARD_SELECT} WHERE c.archived_at IS NOT NULL ORDER BY c.archived_at DESC, c.id DESC"
        ))?;
        let cards = stmt
            .query_map([], card_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(cards)
    }

    /// Every card, archived included, by id.
    pub fn all_cards(&self) -> Result<Vec<Card>> {
        let mut stmt = self
            .conn()
            .prepare_cached(&format!("{CARD_SELECT} ORDER BY c.id"))?;
        let cards = stmt
            .query_map([], card_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(cards)
    }

    pub fn card(&self, id: CardId) -> Result<Card> {
        self.conn()
            .query_row(
                &format!("{CARD_SELECT} WHERE c.id = ?1"),
                [id],
                card_from_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("card {id}")))
    }

    /// Adds a card at the bottom of `column`.
    pub fn add_card(
        &mut self,
        column: ColumnId,
        draft: CardDraft,
        now: UnixTime,
    ) -> Result<CardId> {
        let d = draft.validated().map_err(StoreError::Invalid)?;
        let tx = self.conn_mut().transaction()?;
        let exists: Option<i64> = tx
            .query_row(
                "SELECT id FROM board_columns WHERE id = ?1",
                [column],
                |r| r.get(0),
            )
            .optional()?;
        if exists.is_none() {
            return Err(StoreError::NotFound(format!("column {column}")));
        }
        let position: i64 = tx.query_row(
            "SELECT COALESCE(MAX(position) + 1, 0) FROM cards WHERE column_id = ?1 AND archived_at IS NULL",
            [column],
            |r| r.get(0),
        )?;
        tx.execute(
            "INSERT INTO cards(column_id, position, title, notes, labels, due_date, estimate,
                               created_at, updated_at, link, item_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, ?10)",
            params![
                column,
                position,
                d.title,
                d.notes,
                labels_json(&d.labels),
                d.due.map(|x| x.format("%Y-%m-%d").to_string()),
                d.estimate,
                now,
                d.link,
                d.item_id
            ],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(id)
    }

    pub fn update_card(&mut self, id: CardId, draft: CardDraft, now: UnixTime) -> Result<()> {
        let d = draft.validated().map_err(StoreError::Invalid)?;
        let n = self.conn().execute(
            "UPDATE cards SET title = ?2, notes = ?3, labels = ?4, due_date = ?5, estimate = ?6, updated_at = ?7
             WHERE id = ?1",
            params![
                id,
                d.title,
                d.notes,
                labels_json(&d.labels),
                d.due.map(|x| x.format("%Y-%m-%d").to_string()),
                d.estimate,
                now
            ],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("card {id}")));
        }
        Ok(())
    }

    /// Puts a live card at `index` (clamped) in `column`, renumbering both columns.
    pub fn move_card(
        &mut self,
        id: CardId,
        column: ColumnId,
        index: usize,
        now: UnixTime,
    ) -> Result<()> {
        let tx = self.conn_mut().transaction()?;
        let from: Option<(ColumnId, Option<UnixTime>)> = tx
            .query_row(
                "SELECT column_id, archived_at FROM cards WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((from, archived)) = from else {
            return Err(StoreError::NotFound(format!("card {id}")));
        };
        if archived.is_some() {
            return Err(StoreError::Invalid(format!(
                "card {id} is archived: restore it before moving it"
            )));
        }
        if !column_ids(&tx)?.contains(&column) {
            return Err(StoreError::NotFound(format!("column {column}")));
        }
        let mut source = live_ids(&tx, from)?;
        source.retain(|c| *c != id);
        if from != column {
            write_order(&tx, from, &source)?;
            source = live_ids(&tx, column)?;
            source.retain(|c| *c != id);
        }
        source.insert(index.min(source.len()), id);
        write_order(&tx, column, &source)?;
        tx.execute(
            "UPDATE cards SET updated_at = ?2 WHERE id = ?1",
            params![id, now],
        )?;
        tx.commit()?;
        Ok(())
    }

    pub fn archive_card(&mut self, id: CardId, now: UnixTime) -> Result<()> {
        let tx = self.conn_mut().transaction()?;
        let column: Option<ColumnId> = tx
            .query_row(
                "SELECT column_id FROM cards WHERE id = ?1 AND archived_at IS NULL",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        let Some(column) = column else {
            return Err(StoreError::NotFound(format!("card {id} on the board")));
        };
        tx.execute(
            "UPDATE cards SET archived_at = ?2, updated_at = ?2 WHERE id = ?1",
            params![id, now],
        )?;
        let ids = live_ids(&tx, column)?;
        write_order(&tx, column, &ids)?;
        tx.commit()?;
        Ok(())
    }

    /// Brings an archived card back at the bottom of the column it was in.
    pub fn restore_card(&mut self, id: CardId, now: UnixTime) -> Result<()> {
        let tx = self.conn_mut().transaction()?;
        let column: Option<ColumnId> = tx
            .query_row(
                "SELECT column_id FROM cards WHERE id = ?1 AND archived_at IS NOT NULL",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        let Some(column) = column else {
            return Err(StoreError::NotFound(format!("archived card {id}")));
        };
        let mut ids = live_ids(&tx, column)?;
        ids.push(id);
        tx.execute(
            "UPDATE cards SET archived_at = NULL, updated_at = ?2 WHERE id = ?1",
            params![id, now],
        )?;
        write_order(&tx, column, &ids)?;
        tx.commit()?;
        Ok(())
    }

    pub fn add_column(&mut self, name: &str) -> Result<ColumnId> {
        let name = crate::model::board::validate_column_name(name).map_err(StoreError::Invalid)?;
        self.conn().execute(
            "INSERT INTO board_columns(name, position)
             VALUES (?1, (SELECT COALESCE(MAX(position) + 1, 0) FROM board_columns))",
            [name],
        )?;
        Ok(self.conn().last_insert_rowid())
    }

    pub fn rename_column(&mut self, id: ColumnId, name: &str) -> Result<()> {
        let name = crate::model::board::validate_column_name(name).map_err(StoreError::Invalid)?;
        let n = self.conn().execute(
            "UPDATE board_columns SET name = ?2 WHERE id = ?1",
            params![id, name],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("column {id}")));
        }
        Ok(())
    }

    /// `None` or `Some(0)` removes the limit.
    pub fn set_wip_limit(&mut self, id: ColumnId, limit: Option<u32>) -> Result<()> {
        let limit = limit.filter(|l| *l > 0);
        let n = self.conn().execute(
            "UPDATE board_columns SET wip_limit = ?2 WHERE id = ?1",
            params![id, limit],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("column {id}")));
        }
        Ok(())
    }

    /// Moves a column to `index` (clamped) among the columns.
    pub fn move_column(&mut self, id: ColumnId, index: usize) -> Result<()> {
        let tx = self.conn_mut().transaction()?;
        let mut ids = column_ids(&tx)?;
        let Some(at) = ids.iter().position(|c| *c == id) else {
            return Err(StoreError::NotFound(format!("column {id}")));
        };
        ids.remove(at);
        ids.insert(index.min(ids.len()), id);
        for (i, c) in ids.iter().enumerate() {
            tx.execute(
                "UPDATE board_columns SET position = ?1 WHERE id = ?2",
                params![i as i64, c],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Deletes a column; its cards (archived ones too) move to the end of the neighbouring
    /// column, so nothing is lost. The last column cannot be deleted.
    pub fn delete_column(&mut self, id: ColumnId) -> Result<ColumnId> {
        let tx = self.conn_mut().transaction()?;
        let ids = column_ids(&tx)?;
        let Some(at) = ids.iter().position(|c| *c == id) else {
            return Err(StoreError::NotFound(format!("column {id}")));
        };
        let Some(&heir) = (if at > 0 { ids.get(at - 1) } else { ids.get(1) }) else {
            return Err(StoreError::Invalid(
                "the board needs at least one column".into(),
            ));
        };
        let mut heir_cards = live_ids(&tx, heir)?;
        heir_cards.extend(live_ids(&tx, id)?);
        tx.execute(
            "UPDATE cards SET column_id = ?2 WHERE column_id = ?1",
            params![id, heir],
        )?;
        write_order(&tx, heir, &heir_cards)?;
        tx.execute("DELETE FROM board_columns WHERE id = ?1", [id])?;
        tx.commit()?;
        Ok(heir)
    }
}

#[cfg(test)]
#[path = "board_tests.rs"]
mod tests;
