//! The reading ledger behind the daily budget: seconds read per local day and minutes granted
//! beyond the budget, added to (never overwritten) so the window and the CLI can both write.

use super::{Result, Store};
use crate::model::UnixTime;
use crate::model::reading::{BUDGET_KEY, ReadingDay, parse_budget};
use crate::model::stats::{ListUptake, LockOverride, ReadingLogDay};
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};

fn day_key(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

impl Store {
    /// Adds to `day`'s row: seconds read and seconds granted beyond the budget.
    /// The day's budget is noted as it stands, so Stats can tell later whether it was kept.
    pub fn add_reading(&self, day: NaiveDate, add: ReadingDay) -> Result<()> {
        let budget = self.reading_budget_minutes()?;
        self.conn().execute(
            "INSERT INTO reading_log(day, seconds, extra_seconds, budget_minutes)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(day) DO UPDATE SET seconds = seconds + excluded.seconds,
                 extra_seconds = extra_seconds + excluded.extra_seconds,
                 budget_minutes = excluded.budget_minutes",
            params![
                day_key(day),
                add.seconds.max(0),
                add.extra_seconds.max(0),
                budget
            ],
        )?;
        Ok(())
    }

    /// The ledger's rows from `first` to `last`, both included, oldest first.
    pub fn reading_log(&self, first: NaiveDate, last: NaiveDate) -> Result<Vec<ReadingLogDay>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT day, seconds, extra_seconds, budget_minutes FROM reading_log
             WHERE day BETWEEN ?1 AND ?2 ORDER BY day",
        )?;
        let rows = stmt.query_map([day_key(first), day_key(last)], |r| {
            Ok((
                r.get::<_, String>(0)?,
                ReadingLogDay {
                    date: NaiveDate::default(),
                    seconds: r.get(1)?,
                    extra_seconds: r.get(2)?,
                    budget_minutes: r.get(3)?,
                },
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (day, mut d) = row?;
            // A row this build cannot read as a date was not written by it; skip it.
            if let Ok(date) = NaiveDate::parse_from_str(&day, "%Y-%m-%d") {
                d.date = date;
                out.push(d);
            }
        }
        Ok(out)
    }

    /// Notes that the focus lock was lifted at `at` ("Read anyway") during the session that
    /// began at `session_start`.
    pub fn record_override(&self, at: UnixTime, session_start: Option<UnixTime>) -> Result<()> {
        self.conn().execute(
            "INSERT INTO attention_overrides(at, session_start) VALUES (?1, ?2)",
            params![at, session_start],
        )?;
        Ok(())
    }

    /// When the focus lock was lifted since `since`, oldest first.
    pub fn overrides_since(&self, since: UnixTime) -> Result<Vec<LockOverride>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT at, session_start FROM attention_overrides WHERE at >= ?1 ORDER BY at",
        )?;
        let rows = stmt.query_map([since], |r| {
            Ok(LockOverride {
                at: r.get(0)?,
                session_start: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// For each list, the items shown in it since `since` (seen for a second, or opened) and
    /// those opened from it.
    pub fn list_uptake(&self, since: UnixTime) -> Result<Vec<ListUptake>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT view,
                    count(DISTINCT item_id),
                    count(DISTINCT CASE WHEN kind = 'open' THEN item_id END)
             FROM events
             WHERE at >= ?1 AND view IS NOT NULL AND kind IN ('impression', 'open')
             GROUP BY view ORDER BY view",
        )?;
        let rows = stmt.query_map([since], |r| {
            Ok(ListUptake {
                view: r.get(0)?,
                shown: r.get(1)?,
                opened: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn reading_day(&self, day: NaiveDate) -> Result<ReadingDay> {
        Ok(self
            .conn()
            .query_row(
                "SELECT seconds, extra_seconds FROM reading_log WHERE day = ?1",
                [day_key(day)],
                |r| {
                    Ok(ReadingDay {
                        seconds: r.get(0)?,
                        extra_seconds: r.get(1)?,
                    })
                },
            )
            .optional()?
            .unwrap_or_default())
    }

    /// Seconds read on each day from `first` to `last`, both included, oldest first; days
    /// without reading are left out.
    pub fn reading_days(&self, first: NaiveDate, last: NaiveDate) -> Result<Vec<(NaiveDate, i64)>> {
        Ok(self
            .reading_log(first, last)?
            .into_iter()
            .map(|d| (d.date, d.seconds))
            .collect())
    }

    /// The daily reading budget in minutes (0: none).
    pub fn reading_budget_minutes(&self) -> Result<i64> {
        Ok(parse_budget(self.setting(BUDGET_KEY)?.as_deref()))
    }

    pub fn set_reading_budget_minutes(&self, minutes: i64) -> Result<()> {
        self.set_setting(BUDGET_KEY, &minutes.max(0).to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn reading_adds_up_per_day_and_grants_apart() -> Result<()> {
        let s = Store::open_in_memory()?;
        let d1 = day("2026-12-01");
        let d2 = day("2026-12-02");
        assert_eq!(s.reading_day(d1)?, ReadingDay::default());
        let read = |seconds| ReadingDay {
            seconds,
            extra_seconds: 0,
        };
        s.add_reading(d1, read(30))?;
        s.add_reading(d1, read(45))?;
        s.add_reading(
            d1,
            ReadingDay {
                seconds: 0,
                extra_seconds: 300,
            },
        )?;
        s.add_reading(d2, read(10))?;
        assert_eq!(
            s.reading_day(d1)?,
            ReadingDay {
                seconds: 75,
                extra_seconds: 300
            }
        );
        assert_eq!(s.reading_days(d1, d2)?, vec![(d1, 75), (d2, 10)]);
        assert_eq!(s.reading_days(d2, d2)?, vec![(d2, 10)]);
        Ok(())
    }

    #[test]
    fn the_budget_setting_round_trips_and_defaults_to_none() -> Result<()> {
        let s = Store::open_in_memory()?;
        assert_eq!(s.reading_budget_minutes()?, 0);
        s.set_reading_budget_minutes(30)?;
        assert_eq!(s.reading_budget_minutes()?, 30);
        s.set_setting(BUDGET_KEY, "garbage")?;
        assert_eq!(s.reading_budget_minutes()?, 0);
        Ok(())
    }
}
