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
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Which benchmark to run.
    #[arg(value_enum, default_value_t = BenchTarget::All)]
    pub target: BenchTarget,
}

pub fn run(_ctx: &CliContext, args: BenchArgs) -> anyhow::Result<()> {
    match args.target {
        BenchTarget::Index => super::search_bench::run_index(),
        BenchTarget::Search => super::search_bench::run_search(),
        BenchTarget::All => {
            super::search_bench::run_index()?;
            super::search_bench::run_search()
        }
    }
}
