//! `search` and `check`: the full-text index from the command line.

use super::CliContext;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum SearchCommand {
    /// Compare the index with the database (`--repair` rebuilds it).
    Check {
        #[arg(long)]
        repair: bool,
    },
}

pub fn run(_ctx: &CliContext, cmd: SearchCommand) -> anyhow::Result<()> {
    match cmd {
        SearchCommand::Check { .. } => anyhow::bail!("check: not built yet"),
    }
}
