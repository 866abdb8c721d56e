//! `tasks …` and `stats`: the board and time log from the command line.

use super::CliContext;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum FocusCommand {
    /// Focus figures: minutes per day, today's pomodoros, streak, minutes per task.
    Stats {
        #[arg(long)]
        json: bool,
    },
}

pub fn run(_ctx: &CliContext, cmd: FocusCommand) -> anyhow::Result<()> {
    match cmd {
        FocusCommand::Stats { .. } => anyhow::bail!("stats: not built yet"),
    }
}
