//! `budget`: today's reading against the daily reading budget, and setting that budget.

use super::CliContext;
use crate::focus::reading::{BudgetStatus, local_day};
use chrono::Days;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum ReadingCommand {
    /// Today's reading time and the daily reading budget; `budget 30` sets it, `budget off`
    /// removes it.
    Budget {
        /// Minutes a day, or `off`.
        minutes: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(serde::Serialize)]
struct BudgetReport {
    day: chrono::NaiveDate,
    /// `null` when no budget is set.
    budget_minutes: Option<i64>,
    read_seconds: i64,
    /// Granted beyond the budget today ("5 more minutes").
    extra_seconds: i64,
    /// `null` when no budget is set.
    remaining_seconds: Option<i64>,
    /// Minutes read on each of the last 7 days, oldest first.
    last_days: Vec<(chrono::NaiveDate, i64)>,
}

fn parse_minutes(s: &str) -> anyhow::Result<i64> {
    if s.eq_ignore_ascii_case("off") {
        return Ok(0);
    }
    match s.parse::<i64>() {
        Ok(m) if (0..=24 * 60).contains(&m) => Ok(m),
        _ => anyhow::bail!("the budget is minutes a day (0 to 1440) or `off`, not {s:?}"),
    }
}

pub fn run(ctx: &CliContext, cmd: ReadingCommand) -> anyhow::Result<()> {
    let ReadingCommand::Budget { minutes, json } = cmd;
    let engine = ctx.open_engine()?;
    let store = engine.store();
    if let Some(m) = minutes.as_deref() {
        store.set_reading_budget_minutes(parse_minutes(m)?)?;
    }
    let day = local_day(ctx.clock.now().timestamp());
    let today = store.reading_day(day)?;
    let status = BudgetStatus::new(store.reading_budget_minutes()?, today);
    let first = day.checked_sub_days(Days::new(6)).unwrap_or(day);
    let rows = store.reading_days(first, day)?;
    let last_days = first
        .iter_days()
        .take_while(|d| *d <= day)
        .map(|d| {
            let secs: i64 = rows.iter().filter(|(rd, _)| *rd == d).map(|(_, s)| s).sum();
            (d, secs / 60)
        })
        .collect();
    let report = BudgetReport {
        day,
        budget_minutes: status.budget_secs.map(|s| s / 60),
        read_seconds: today.seconds,
        extra_seconds: today.extra_seconds,
        remaining_seconds: status.remaining_secs(),
        last_days,
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    match (status.summary(), status.remaining_secs()) {
        (Some(summary), Some(left)) => println!(
            "Reading budget: {} min a day. {summary}; {} min left.",
            report.budget_minutes.unwrap_or(0),
            left / 60
        ),
        _ => println!(
            "No reading budget (set one with `focusfeed budget 30`). {} min read today.",
            status.read_minutes()
        ),
    }
    println!("Last 7 days:");
    for (d, m) in &report.last_days {
        println!("  {d}  {m:>4} min  {}", "#".repeat((*m / 5) as usize));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_minutes;

    #[test]
    fn minutes_or_off() {
        assert_eq!(parse_minutes("30").ok(), Some(30));
        assert_eq!(parse_minutes("OFF").ok(), Some(0));
        assert!(parse_minutes("-3").is_err());
        assert!(parse_minutes("half an hour").is_err());
        assert!(parse_minutes("2000").is_err());
    }
}
