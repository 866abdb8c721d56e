//! `bench`: speed figures for the README and closing notes (never asserted in tests).

use super::CliContext;
use clap::{Args, ValueEnum};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchTarget {
    All,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Which benchmark to run.
    #[arg(value_enum, default_value_t = BenchTarget::All)]
    pub target: BenchTarget,
}

pub fn run(_ctx: &CliContext, _args: BenchArgs) -> anyhow::Result<()> {
    anyhow::bail!("bench: nothing to measure yet")
}
