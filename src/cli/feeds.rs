//! `add`, `discover`, `import`, `export`, `feeds`, `refresh`, `items`: subscriptions from the command line.

use super::CliContext;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum FeedsCommand {
    /// List subscriptions.
    Feeds {
        #[arg(long)]
        json: bool,
    },
}

pub fn run(_ctx: &CliContext, cmd: FeedsCommand) -> anyhow::Result<()> {
    match cmd {
        FeedsCommand::Feeds { .. } => anyhow::bail!("feeds: not built yet"),
    }
}
