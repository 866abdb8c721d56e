//! `bench`: speed figures for the README and closing notes (never asserted in tests).

use super::CliContext;
use clap::{Args, ValueEnum};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchTarget {
    All,
    /// Recommender: scoring 1,000 candidates and one online update.
    Rank,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Which benchmark to run.
    #[arg(value_enum, default_value_t = BenchTarget::All)]
    pub target: BenchTarget,
}

pub fn run(ctx: &CliContext, args: BenchArgs) -> anyhow::Result<()> {
    match args.target {
        BenchTarget::Rank => super::rank::bench(ctx),
        BenchTarget::All => super::rank::bench(ctx),
    }
}
