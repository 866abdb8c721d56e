//! `bench`: speed figures for the README and closing notes (never asserted in tests).

use super::CliContext;
use clap::{Args, ValueEnum};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchTarget {
    All,
    /// The reader's item list: frame time with 100,000 items.
    List,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Which benchmark to run.
    #[arg(value_enum, default_value_t = BenchTarget::All)]
    pub target: BenchTarget,
}

pub fn run(_ctx: &CliContext, args: BenchArgs) -> anyhow::Result<()> {
    match args.target {
        BenchTarget::List => bench_list(),
        BenchTarget::All => bench_list(),
    }
}

fn bench_list() -> anyhow::Result<()> {
    let report = crate::ui::reader::bench::run(100_000, 600)?;
    println!("{report}");
    Ok(())
}
