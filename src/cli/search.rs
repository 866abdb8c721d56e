//! `search` and `check`: the full-text index from the command line.

use super::CliContext;
use crate::engine::Engine;
use crate::model::{FeedId, UnixTime};
use crate::search::{CheckReport, SearchRequest, Sort};
use anyhow::Context as _;
use chrono::{DateTime, NaiveDate, Utc};
use clap::{Subcommand, ValueEnum};
use std::io::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortArg {
    Relevance,
    Date,
}

#[derive(Debug, Subcommand)]
pub enum SearchCommand {
    /// Full-text search over all items.
    ///
    /// Query syntax (tantivy): words must all match; "a phrase"; title:word; -word excludes;
    /// a OR b; author:name; tag:name; feed:ID. Words are stemmed ("running" finds "run").
    Search {
        /// The query; quote it in the shell when it has spaces or quotes.
        query: String,
        /// Only items of this feed (its id, see `focusfeed feeds`).
        #[arg(long, value_name = "ID")]
        feed: Option<FeedId>,
        /// Only unread items.
        #[arg(long)]
        unread: bool,
        /// Only items published since DATE: 2026-11-01, an RFC 3339 time, or 7d / 12h ago.
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        /// How many hits to print.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Order by BM25 relevance (title counts double) or newest first.
        #[arg(long, value_enum, default_value_t = SortArg::Relevance)]
        sort: SortArg,
        /// Print JSON ({total, hits: [...]}) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Compare the index with the database (`--repair` rebuilds it).
    Check {
        #[arg(long)]
        repair: bool,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ctx: &CliContext, cmd: SearchCommand) -> anyhow::Result<()> {
    match cmd {
        SearchCommand::Search {
            query,
            feed,
            unread,
            since,
            limit,
            sort,
            json,
        } => {
            let since = since
                .map(|s| parse_since(&s, ctx.clock.now()))
                .transpose()?;
            let request = SearchRequest {
                text: query,
                feed,
                since,
                unread,
                limit,
                sort: match sort {
                    SortArg::Relevance => Sort::Relevance,
                    SortArg::Date => Sort::Date,
                },
                lenient: false,
            };
            let mut engine = open_index(ctx)?;
            let results = engine.search(&request)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&results)?);
            } else {
                let mut out = std::io::stdout().lock();
                writeln!(out, "{} matching item(s)", results.total)?;
                for hit in &results.hits {
                    let date = DateTime::from_timestamp(hit.published, 0)
                        .map(|d| d.format("%Y-%m-%d").to_string())
                        .unwrap_or_default();
                    let title = crate::search::HitSnippet {
                        text: hit.title.clone(),
                        highlights: hit.title_highlights.clone(),
                    };
                    let state = if hit.read { "" } else { " · unread" };
                    let link = hit.url.as_deref().map(|u| format!(" · {u}"));
                    writeln!(
                        out,
                        "\n[{}] {}\n    {} · {date}{state}{}",
                        hit.id,
                        title.marked("**", "**"),
                        hit.feed_title,
                        link.unwrap_or_default()
                    )?;
                    if !hit.snippet.text.is_empty() {
                        writeln!(out, "    {}", hit.snippet.marked("**", "**"))?;
                    }
                }
            }
            Ok(())
        }
        SearchCommand::Check { repair, json } => {
            let mut engine = open_index(ctx)?;
            if repair {
                eprintln!("rebuilding the search index from the database…");
                engine.rebuild_index(&mut progress_on_stderr())?;
            }
            let report = engine.check_index()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print_report(&report);
            }
            if !report.is_consistent() {
                anyhow::bail!(
                    "the index differs from the database: run `focusfeed check --repair`"
                );
            }
            Ok(())
        }
    }
}

/// Opens the engine and its index (rebuilding a missing/damaged one with progress) and applies
/// pending item changes, so the CLI sees what the database holds.
fn open_index(ctx: &CliContext) -> anyhow::Result<Engine> {
    let mut engine = ctx.open_engine()?;
    let (_, outcome) = engine
        .search_index_with_progress(&mut progress_on_stderr())
        .context("opening the search index")?;
    match outcome {
        crate::search::OpenOutcome::Rebuilt(reason) => {
            eprintln!("rebuilt the search index from the database: {reason}");
        }
        crate::search::OpenOutcome::Upgraded(reason) => {
            eprintln!("rebuilt the search index for this version of focusfeed: {reason}");
        }
        crate::search::OpenOutcome::Opened | crate::search::OpenOutcome::Created => {}
    }
    if engine.sync_index(None)?.is_none() {
        eprintln!("note: the window is indexing; results may miss the newest items");
    }
    Ok(engine)
}

/// Applies pending item changes after a command that wrote items (`refresh`, `import`, …).
/// Best effort: the command itself succeeded, and the index catches up on its next open (or the
/// window, when it holds the index, does it itself).
pub fn sync_after_write(ctx: &CliContext) {
    let synced = ctx
        .open_engine()
        .and_then(|mut engine| Ok(engine.sync_index(None)?));
    if let Err(e) = synced {
        eprintln!("note: the search index was not updated ({e:#}); it will catch up later");
    }
}

fn progress_on_stderr() -> impl FnMut(u64, u64) {
    let mut last_percent = None;
    move |done, total| {
        if total == 0 {
            return;
        }
        let percent = done * 100 / total;
        if last_percent != Some(percent) {
            last_percent = Some(percent);
            eprint!("\rindexing {done}/{total} items ({percent}%)");
            if done >= total {
                eprintln!();
            }
        }
    }
}

fn print_report(r: &CheckReport) {
    println!("items in the database: {}", r.sqlite_items);
    println!("documents in the index: {}", r.index_docs);
    let kinds = [
        ("missing from the index", r.missing, &r.examples_missing),
        ("in the index but deleted", r.extra, &r.examples_extra),
        ("stale in the index", r.stale, &r.examples_stale),
    ];
    for (what, n, examples) in kinds {
        if n > 0 {
            println!("{what}: {n} (e.g. item ids {examples:?})");
        }
    }
    if r.duplicates > 0 {
        println!("indexed more than once: {}", r.duplicates);
    }
    if r.pending > 0 {
        println!("changes waiting to be indexed: {}", r.pending);
    }
    for f in &r.corrupt_files {
        println!("damaged index file: {f}");
    }
    if r.is_consistent() {
        println!("ok: the index matches the database");
    }
}

/// `--since`: a date (UTC midnight), an RFC 3339 time, or an age like `7d`, `12h`, `30m`.
pub fn parse_since(s: &str, now: DateTime<Utc>) -> anyhow::Result<UnixTime> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.timestamp());
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(d.and_time(chrono::NaiveTime::MIN).and_utc().timestamp());
    }
    let unit_secs = match s.chars().last() {
        Some('d') => 86_400,
        Some('h') => 3_600,
        Some('m') => 60,
        Some('w') => 7 * 86_400,
        _ => 0,
    };
    if unit_secs > 0
        && let Ok(n) = s[..s.len() - 1].parse::<i64>()
        && n >= 0
    {
        return Ok(now.timestamp() - n.saturating_mul(unit_secs));
    }
    anyhow::bail!("--since {s:?}: use a date (2026-11-01), an RFC 3339 time, or an age (7d, 12h)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_accepts_dates_times_and_ages() {
        let now = DateTime::from_timestamp(1_000_000, 0).unwrap_or_default();
        assert_eq!(parse_since("7d", now).ok(), Some(1_000_000 - 7 * 86_400));
        assert_eq!(parse_since("1970-01-02", now).ok(), Some(86_400));
        assert_eq!(parse_since("1970-01-01T00:01:00Z", now).ok(), Some(60));
        assert!(parse_since("yesterday", now).is_err());
        assert!(parse_since("-3d", now).is_err());
    }
}
