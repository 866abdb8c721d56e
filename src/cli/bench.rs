//! `bench`: speed figures for the README and closing notes (never asserted in tests).

use super::CliContext;
use clap::{Args, ValueEnum};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchTarget {
    All,
    /// Index 100,000 generated items through the outbox (time, items/s).
    Index,
    /// Search p50/p99 over 100,000 generated items; the recommender's profile queries.
    Search,
    /// `refresh --all` over 200 local feeds of 50 items (feeds area).
    Refresh,
    /// The reader's item list: frame time with 100,000 items.
    List,
    /// Recommender: scoring 1,000 candidates, one online update, For you end to end.
    Rank,
    /// Round trips of timer commands, marks and searches while 200 slow feeds refresh and an
    /// index of 100,000 items is rebuilt.
    Latency,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Which benchmark to run.
    #[arg(value_enum, default_value_t = BenchTarget::All)]
    pub target: BenchTarget,
}

pub fn run(ctx: &CliContext, args: BenchArgs) -> anyhow::Result<()> {
    let all = args.target == BenchTarget::All;
    if all || args.target == BenchTarget::Refresh {
        super::feeds::bench_refresh(ctx)?;
    }
    if all || args.target == BenchTarget::Index {
        super::search_bench::run_index()?;
    }
    if all || args.target == BenchTarget::Search {
        super::search_bench::run_search()?;
    }
    if all || args.target == BenchTarget::List {
        bench_list()?;
    }
    if all || args.target == BenchTarget::Rank {
        super::rank::bench(ctx)?;
        super::for_you_bench::run(ctx.clock.clone())?;
    }
    if all || args.target == BenchTarget::Latency {
        super::latency_bench::run()?;
    }
    Ok(())
}

fn bench_list() -> anyhow::Result<()> {
    let report = crate::ui::reader::bench::run(100_000, 600)?;
    println!("{report}");
    Ok(())
}
