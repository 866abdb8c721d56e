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
    /// `refresh --all` over 200 local feeds of 50 items (feeds area).
    Refresh,
    /// End to end: feeds served from loopback fetched, parsed, stored and indexed, against
    /// bare feed-rs + tantivy on the same bytes (`--feeds`, `--items`).
    Ingest,
    /// The whole app at `--items` items (a million, say): ingest, every query kind, the list,
    /// For you, check, rebuild and the window's cold start.
    Scale,
    /// The reader's item list: frame time with 100,000 items.
    List,
    /// Recommender: scoring 1,000 candidates, one online update, For you end to end.
    Rank,
    /// Round trips of timer commands, marks and searches while 200 slow feeds refresh and an
    /// index of 100,000 items is rebuilt.
    Latency,
    /// Fonts: the system scan for CJK and symbol fallbacks, and a first frame of Chinese text.
    Fonts,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Which benchmark to run.
    #[arg(value_enum, default_value_t = BenchTarget::All)]
    pub target: BenchTarget,
    /// `ingest`: how many feeds to serve.
    #[arg(long, default_value_t = 200)]
    pub feeds: usize,
    /// `ingest`: items in each feed; `scale`: items in all (default 1,000,000); `search`:
    /// items in the corpus (default 100,000).
    #[arg(long)]
    pub items: Option<usize>,
    /// `search`: keep the generated corpus in this folder and reuse it on the next run, so a
    /// million-item corpus is built once while queries are profiled.
    #[arg(long)]
    pub corpus: Option<std::path::PathBuf>,
}

pub fn run(ctx: &CliContext, args: BenchArgs) -> anyhow::Result<()> {
    let all = args.target == BenchTarget::All;
    if all || args.target == BenchTarget::Refresh {
        super::feeds::bench_refresh(ctx)?;
    }
    if all || args.target == BenchTarget::Ingest {
        super::ingest_bench::run(args.feeds, args.items.unwrap_or(500))?;
    }
    // A million items take minutes and gigabytes of disk: only when asked for by name.
    if args.target == BenchTarget::Scale {
        super::scale_bench::run(args.items.unwrap_or(1_000_000), ctx.clock.clone())?;
    }
    if all || args.target == BenchTarget::Index {
        super::search_bench::run_index()?;
    }
    if all || args.target == BenchTarget::Search {
        super::search_bench::run_search(args.items, args.corpus.as_deref())?;
    }
    if all || args.target == BenchTarget::List {
        bench_list()?;
    }
    if all || args.target == BenchTarget::Rank {
        super::rank::bench(ctx)?;
        super::for_you_bench::run(ctx.clock.clone())?;
    }
    if all || args.target == BenchTarget::Latency {
        super::latency_bench::run()?;
    }
    if all || args.target == BenchTarget::Fonts {
        bench_fonts();
    }
    Ok(())
}

/// What the window's font thread costs, and what the frame after it (which parses the fonts
/// and draws the first Chinese glyphs) costs, against the bundled fonts alone.
fn bench_fonts() {
    use crate::ui::fonts;
    use std::time::Instant;
    const TEXT: &str =
        "番茄工作法：每次专注二十五分钟，然后休息五分钟。看板上的每张卡片都是一项任务。";
    let locale = fonts::system_locale();
    let with = egui::Context::default();
    let report = fonts::install_system(&with, &locale, fonts::Cjk::Now);
    println!(
        "fonts: scanned {} faces in {:.1} ms; chose and read {:?} in {:.1} ms (locale {locale:?})",
        report.faces_scanned,
        report.scan.as_secs_f64() * 1e3,
        report.installed,
        report.load.as_secs_f64() * 1e3,
    );
    for (what, ctx) in [
        ("bundled fonts only", egui::Context::default()),
        ("with the fallbacks", with),
    ] {
        let started = Instant::now();
        let _ = ctx.run_ui(egui::RawInput::default(), |ui| {
            ui.label(TEXT);
        });
        println!(
            "fonts: first frame of Chinese text, {what}: {:.1} ms",
            started.elapsed().as_secs_f64() * 1e3
        );
    }
}

fn bench_list() -> anyhow::Result<()> {
    let report = crate::ui::reader::bench::run(100_000, 600)?;
    println!("{report}");
    Ok(())
}
