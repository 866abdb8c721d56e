//! Headless subcommands over the same engine as the window; no subcommand opens the window.
#![allow(clippy::print_stdout)]

mod backup;
mod bench;
mod feeds;
mod focus;
mod for_you_bench;
mod ingest_bench;
mod latency_bench;
mod rank;
mod reading;
mod scale_bench;
mod search;
mod search_bench;

use crate::clock::{ManualClock, SharedClock, SystemClock};
use crate::engine::Engine;
use anyhow::Context as _;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Debug, Parser)]
#[command(
    name = "focusfeed",
    version,
    about = "Focus sessions, a Kanban board, and a feed that waits while you work."
)]
pub struct Cli {
    /// Data directory (default: the platform's data folder, or $FOCUSFEED_DATA_DIR).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Time the window from outside: open the Reader, and quit once its list is drawn,
    /// printing how long that took since the process started (for `bench`-style scripts).
    #[arg(long)]
    pub quit_after_first_list: bool,
    /// Pretend the time is this (RFC 3339); for scripted tests and demos.
    #[arg(long, global = true, hide = true, value_name = "RFC3339")]
    pub now: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    #[command(flatten)]
    Focus(focus::FocusCommand),
    #[command(flatten)]
    Feeds(feeds::FeedsCommand),
    #[command(flatten)]
    Search(search::SearchCommand),
    #[command(flatten)]
    Rank(rank::RankCommand),
    #[command(flatten)]
    Reading(reading::ReadingCommand),
    #[command(flatten)]
    Backup(backup::BackupCommand),
    /// Measure speed: indexing, search, ranking, refresh, the item list.
    Bench(bench::BenchArgs),
    /// Add focusfeed to the desktop's applications (a freedesktop entry and its icon, in your
    /// data folder, starting this executable); `--uninstall` removes them.
    InstallDesktop {
        #[arg(long)]
        uninstall: bool,
    },
}

/// What every subcommand needs: where the data lives and what time it is.
pub struct CliContext {
    pub data_dir: PathBuf,
    pub clock: SharedClock,
}

impl CliContext {
    pub fn open_engine(&self) -> anyhow::Result<Engine> {
        Engine::open(&self.data_dir, self.clock.clone())
            .with_context(|| format!("opening the data in {}", self.data_dir.display()))
    }
}

pub fn main() -> ExitCode {
    crate::ui::mark_process_start();
    quiet_on_closed_pipe();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("focusfeed: {e:#}");
            ExitCode::FAILURE
        }
    }
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    // Needs no data directory: do not create one.
    if let Some(Command::InstallDesktop { uninstall }) = cli.command {
        return install_desktop(uninstall);
    }
    let data_dir = crate::paths::resolve_data_dir(cli.data_dir.as_deref())?;
    let clock: SharedClock = match &cli.now {
        Some(s) => {
            let t = chrono::DateTime::parse_from_rfc3339(s)
                .with_context(|| format!("--now {s:?} is not an RFC 3339 time"))?;
            Arc::new(ManualClock::new(t.with_timezone(&chrono::Utc)))
        }
        None => Arc::new(SystemClock),
    };
    let ctx = CliContext { data_dir, clock };
    match cli.command {
        None => crate::ui::run_window(&ctx.data_dir, ctx.clock.clone(), cli.quit_after_first_list),
        Some(Command::Focus(c)) => focus::run(&ctx, c),
        Some(Command::Feeds(c)) => {
            feeds::run(&ctx, c)?;
            // Items written by refresh/import reach the search index now, not on next open.
            search::sync_after_write(&ctx);
            Ok(())
        }
        Some(Command::Search(c)) => search::run(&ctx, c),
        Some(Command::Rank(c)) => rank::run(&ctx, c),
        Some(Command::Reading(c)) => reading::run(&ctx, c),
        Some(Command::Backup(c)) => backup::run(&ctx, c),
        Some(Command::Bench(a)) => bench::run(&ctx, a),
        Some(Command::InstallDesktop { .. }) => Ok(()),
    }
}

fn install_desktop(uninstall: bool) -> anyhow::Result<()> {
    use crate::ui::desktop;
    let dirs = directories::BaseDirs::new().context("no home directory found")?;
    let data_home = dirs.data_dir();
    if uninstall {
        let removed = desktop::uninstall(data_home);
        println!(
            "removed {} files from {}",
            removed.len(),
            data_home.display()
        );
        return Ok(());
    }
    let exe = std::env::current_exe().context("finding this executable")?;
    let files = desktop::install(data_home, &exe)?;
    println!(
        "installed {} (starts {}) and its icon in {}",
        files[0].display(),
        exe.display(),
        data_home.join("icons/hicolor").display()
    );
    Ok(())
}

/// `focusfeed items | head` closes our stdout early; Rust's `println!` then panics ("failed
/// printing to stdout: Broken pipe"). A command-line tool stops quietly instead, as the shell's
/// own tools do. Every other panic keeps the default report.
fn quiet_on_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let text = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if text.contains("failed printing to stdout") && text.contains("Broken pipe") {
            std::process::exit(0);
        }
        default(info);
    }));
}
