//! The reading ledger behind the daily budget: seconds read per local day and minutes granted
//! beyond the budget, added to (never overwritten) so the window and the CLI can both write.

use super::{Result, Store};
use crate::model::reading::{BUDGET_KEY, ReadingDay, parse_budget};
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};

fn day_key(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

impl Store {
    /// Adds to `day`'s row: seconds read and seconds granted beyond the budget.
    pub fn add_reading(&self, day: NaiveDate, add: ReadingDay) -> Result<()> {
        self.conn().execute(
            "INSERT INTO reading_log(day, seconds, extra_seconds) VALUES (?1, ?2, ?3)
             ON CONFLICT(day) DO UPDATE SET seconds = seconds + excluded.seconds,
                 extra_seconds = extra_seconds + excluded.extra_seconds",
            params![day_key(day), add.seconds.max(0), add.extra_seconds.max(0)],
        )?;
        Ok(())
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
        let mut stmt = self.conn().prepare_cached(
            "SELECT day, seconds FROM reading_log WHERE day BETWEEN ?1 AND ?2 ORDER BY day",
        )?;
        let rows = stmt.query_map([day_key(first), day_key(last)], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (day, secs) = row?;
            // A row this build cannot read as a date was not written by it; skip it.
            if let Ok(d) = NaiveDate::parse_from_str(&day, "%Y-%m-%d") {
                out.push((d, secs));
            }
        }
        Ok(out)
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
