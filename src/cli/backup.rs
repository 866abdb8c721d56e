//! `backup` and `restore`: a copy of the database now, and putting one back (checked first,
//! and never under an open window, which would go on writing to the database it replaced).

use super::CliContext;
use crate::paths::{DB_FILE, INDEX_DIR, PathsError, WindowLock};
use crate::store::backup;
use anyhow::Context as _;
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum BackupCommand {
    /// Copy the database now (SQLite's online backup) into `backups/` in the data directory;
    /// a copy is also made each day the window is open (the last 7 kept) and before each
    /// migration and `board import --replace`.
    Backup,
    /// Put a backup back: the file is checked first, the current database is copied aside,
    /// and the search index is rebuilt on the next start. Refused while the window is open.
    Restore {
        /// A backup file (say, from `backups/` in the data directory).
        file: PathBuf,
    },
}

pub fn run(ctx: &CliContext, cmd: BackupCommand) -> anyhow::Result<()> {
    match cmd {
        BackupCommand::Backup => {
            let engine = ctx.open_engine()?;
            let path = engine.backup_now().map_err(anyhow::Error::msg)?;
            println!("backed up to {}", path.display());
        }
        BackupCommand::Restore { file } => {
            let version = backup::check(&file)?;
            let _lock = match WindowLock::acquire(&ctx.data_dir) {
                Err(PathsError::AlreadyOpen(_)) => anyhow::bail!(
                    "focusfeed's window is open on {}: close it, then restore",
                    ctx.data_dir.display()
                ),
                other => other?,
            };
            let db = ctx.data_dir.join(DB_FILE);
            let saved = backup::restore(&file, &db, ctx.clock.now().timestamp())
                .with_context(|| format!("restoring {}", file.display()))?;
            // The index describes the database that was replaced; it is rebuilt on next open.
            let index = ctx.data_dir.join(INDEX_DIR);
            if index.exists() {
                std::fs::remove_dir_all(&index)
                    .with_context(|| format!("removing the old index {}", index.display()))?;
            }
            println!(
                "restored {} (schema {version}); the database it replaced is kept as {}",
                file.display(),
                saved.display()
            );
        }
    }
    Ok(())
}
