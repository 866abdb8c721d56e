//! `recommend` and `eval`: the "For you" list and the offline evaluation.

use super::CliContext;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum RankCommand {
    /// Print the For you list.
    Recommend {
        #[arg(long)]
        json: bool,
    },
}

pub fn run(_ctx: &CliContext, cmd: RankCommand) -> anyhow::Result<()> {
    match cmd {
        RankCommand::Recommend { .. } => anyhow::bail!("recommend: not built yet"),
    }
}
