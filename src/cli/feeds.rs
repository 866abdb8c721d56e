//! `add`, `discover`, `import`, `export`, `feeds`, `refresh`, `items`, `feed-rename`,
//! `feed-move`, `unsubscribe`: subscriptions from the command line; `bench refresh`.

use super::CliContext;
use crate::engine::feeds::{FeedOutcome, RefreshScope};
use crate::model::FeedId;
use crate::store::items::ItemQuery;
use anyhow::Context as _;
use clap::Subcommand;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Debug, Subcommand)]
pub enum FeedsCommand {
    /// Subscribe to a feed: an http(s) URL, a file:// URL or a path. A web page is searched
    /// for its feeds and the first one is subscribed.
    Add {
        source: String,
        /// Folder to put it in; nested folders as "Tech/Rust".
        #[arg(long)]
        folder: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Show the feeds an address offers (without subscribing).
    Discover {
        source: String,
        #[arg(long)]
        json: bool,
    },
    /// Subscribe to every feed in an OPML file, keeping its folders.
    Import { opml: PathBuf },
    /// Write every subscription and folder to an OPML file.
    Export { opml: PathBuf },
    /// List subscriptions with folder, last fetch, item counts and errors.
    Feeds {
        #[arg(long)]
        json: bool,
    },
    /// Fetch the feeds that are due (or every feed with --all), several at once.
    Refresh {
        /// Every enabled feed, due or not.
        #[arg(long)]
        all: bool,
        /// Only this feed (even if disabled).
        #[arg(long, value_name = "ID", conflicts_with = "all")]
        feed: Option<FeedId>,
        /// Feeds fetched at once.
        #[arg(long, default_value_t = 8)]
        jobs: usize,
        #[arg(long)]
        json: bool,
    },
    /// List stored items, newest first.
    Items {
        #[arg(long, value_name = "ID")]
        feed: Option<FeedId>,
        #[arg(long)]
        unread: bool,
        #[arg(long)]
        starred: bool,
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Give a feed your own title (kept over the feed's).
    FeedRename { feed: FeedId, title: String },
    /// Move a feed into a folder ("Tech/Rust"); "" takes it out of any folder.
    FeedMove { feed: FeedId, folder: String },
    /// Unsubscribe from a feed and delete its items.
    Unsubscribe { feed: FeedId },
}

fn folder_path(s: &str) -> Vec<String> {
    s.split('/')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(String::from)
        .collect()
}

fn time(t: Option<i64>) -> String {
    t.and_then(|t| chrono::DateTime::from_timestamp(t, 0))
        .map_or_else(
            || "never".into(),
            |d| d.format("%Y-%m-%d %H:%M").to_string(),
        )
}

fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

pub fn run(ctx: &CliContext, cmd: FeedsCommand) -> anyhow::Result<()> {
    let mut engine = ctx.open_engine()?;
    match cmd {
        FeedsCommand::Add {
            source,
            folder,
            json,
        } => {
            let folder = folder.as_deref().map(folder_path).unwrap_or_default();
            let s = engine.subscribe(&source, &folder)?;
            if json {
                return print_json(&s);
            }
            if let Some(page) = &s.discovered_from {
                eprintln!("found a feed in {page}");
            }
            if s.created {
                println!(
                    "subscribed to {} ({}), feed {}: {}",
                    s.title,
                    s.url,
                    s.feed_id,
                    s.items_text()
                );
            } else {
                println!(
                    "already subscribed to {} ({}), feed {}",
                    s.title, s.url, s.feed_id
                );
            }
        }
        FeedsCommand::Discover { source, json } => {
            let found = engine.discover(&source)?;
            if json {
                return print_json(&found);
            }
            if found.is_empty() {
                anyhow::bail!("no feed found at {source}");
            }
            for d in found {
                println!("{}\t{}\t{}", d.url, d.kind, d.title.unwrap_or_default());
            }
        }
        FeedsCommand::Import { opml } => {
            let r = engine.import_opml(&opml)?;
            for s in &r.skipped {
                eprintln!("skipped: {s}");
            }
            println!(
                "imported {} feeds ({} already subscribed) in {} folders; run `focusfeed refresh` to fetch them",
                r.feeds_added, r.feeds_existing, r.folders
            );
        }
        FeedsCommand::Export { opml } => {
            let n = engine.export_opml(&opml)?;
            println!("exported {n} feeds to {}", opml.display());
        }
        FeedsCommand::Feeds { json } => {
            let feeds = engine.store().feeds()?;
            if json {
                return print_json(&feeds);
            }
            for f in feeds {
                println!(
                    "{:>4}  {:<40}  {:>5} items {:>5} unread  fetched {}  {}{}",
                    f.id,
                    f.title,
                    f.item_count,
                    f.unread_count,
                    time(f.last_fetch_at),
                    f.folder.map(|p| format!("[{p}] ")).unwrap_or_default(),
                    f.error.map(|e| format!("ERROR: {e}")).unwrap_or_default(),
                );
            }
        }
        FeedsCommand::Refresh {
            all,
            feed,
            jobs,
            json,
        } => {
            engine.set_fetch_threads(jobs);
            let scope = match (all, feed) {
                (_, Some(id)) => RefreshScope::Feed(id),
                (true, None) => RefreshScope::All,
                (false, None) => RefreshScope::Due,
            };
            let (report, index) = engine.refresh_indexed(scope, |p| {
                let what = match &p.outcome {
                    FeedOutcome::Updated { added, updated, .. } => {
                        format!("ok, {added} new, {updated} updated")
                    }
                    FeedOutcome::NotModified { .. } => "not modified".into(),
                    FeedOutcome::Failed { message } => format!("FAILED: {message}"),
                };
                eprintln!("[{}/{}] {}: {what}", p.done, p.total, p.url);
            })?;
            if let Some(note) = &index.note {
                eprintln!("note: {note}");
            }
            if json {
                return print_json(&report);
            }
            println!(
                "{} feeds: {} updated, {} not modified, {} failed; {} new items, {} updated",
                report.feeds,
                report.updated,
                report.not_modified,
                report.failed,
                report.items_added,
                report.items_updated
            );
        }
        FeedsCommand::Items {
            feed,
            unread,
            starred,
            limit,
            json,
        } => {
            let q = ItemQuery {
                feed,
                unread_only: unread,
                starred_only: starred,
                limit: Some(limit),
                ..ItemQuery::default()
            };
            if json {
                return print_json(&engine.store().item_details(&q)?);
            }
            for i in engine.store().items(&q)? {
                let mark = if i.starred_at.is_some() {
                    '*'
                } else if i.read_at.is_none() {
                    '•'
                } else {
                    ' '
                };
                println!(
                    "{:>6} {mark} {}  {}  — {}",
                    i.id,
                    time(i.published_at),
                    i.title,
                    i.feed_title
                );
            }
        }
        FeedsCommand::FeedRename { feed, title } => engine.rename_feed(feed, &title)?,
        FeedsCommand::FeedMove { feed, folder } => {
            engine.move_feed_to_folder(feed, &folder_path(&folder))?
        }
        FeedsCommand::Unsubscribe { feed } => engine.unsubscribe(feed)?,
    }
    Ok(())
}

const BENCH_FEEDS: usize = 200;
const BENCH_ITEMS: usize = 50;

/// Writes `BENCH_FEEDS` RSS files of `BENCH_ITEMS` items each, with realistic HTML bodies.
fn write_bench_feeds(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut paths = Vec::with_capacity(BENCH_FEEDS);
    for f in 0..BENCH_FEEDS {
        let mut xml = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>Bench feed {f}</title><link>https://bench{f}.example/</link>\n"
        );
        for i in 0..BENCH_ITEMS {
            let day = 1 + (i % 28);
            xml.push_str(&format!(
                "<item><title>Item {i} of feed {f}: a headline of ordinary length</title>\
                 <link>https://bench{f}.example/posts/{i}</link><guid>bench-{f}-{i}</guid>\
                 <pubDate>{day:02} Oct 2026 {:02}:00:00 GMT</pubDate><category>bench</category>\
                 <description><![CDATA[<p>Paragraph one of item {i} with <a href=\"/rel/{i}\">a relative link</a>, <b>bold</b> text and an image <img src=\"/i/{i}.png\" alt=\"picture {i}\">.</p>\
                 <p>{}</p><script>track({i})</script><img src=\"https://pixel.wp.com/{i}.gif\" width=\"1\" height=\"1\"></p>]]></description></item>\n",
                i % 24,
                "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. ".repeat(4)
            ));
        }
        xml.push_str("</channel></rss>\n");
        let path = dir.join(format!("feed-{f:03}.xml"));
        std::fs::write(&path, xml).with_context(|| format!("writing {}", path.display()))?;
        paths.push(path);
    }
    Ok(paths)
}

/// `focusfeed bench refresh`: refresh 200 local feeds of 50 items in a scratch data directory
/// (first fetch stores 10,000 items; the second finds them unchanged).
pub fn bench_refresh(ctx: &CliContext) -> anyhow::Result<()> {
    let scratch =
        std::env::temp_dir().join(format!("focusfeed-bench-refresh-{}", std::process::id()));
    let feeds_dir = scratch.join("feeds");
    let data_dir = scratch.join("data");
    std::fs::create_dir_all(&feeds_dir)?;
    std::fs::create_dir_all(&data_dir)?;
    let result = (|| -> anyhow::Result<()> {
        let paths = write_bench_feeds(&feeds_dir)?;
        let mut engine = crate::engine::Engine::open(&data_dir, ctx.clock.clone())?;
        let opml_feeds: Vec<crate::feeds::opml::OpmlFeed> = paths
            .iter()
            .map(|p| crate::feeds::opml::OpmlFeed {
                url: crate::feeds::fetch::Source::File(p.clone()).to_url_string(),
                title: String::new(),
                html_url: None,
                folder: vec!["Bench".into()],
            })
            .collect();
        let opml = scratch.join("bench.opml");
        std::fs::write(
            &opml,
            crate::feeds::opml::write_opml("bench", &[], &opml_feeds, ""),
        )?;
        engine.import_opml(&opml)?;
        for (label, run) in [
            ("first refresh (stores 10,000 items)", 1),
            ("second refresh (all unchanged)", 2),
        ] {
            let started = Instant::now();
            let r = engine.refresh(RefreshScope::All, |_| {})?;
            let secs = started.elapsed().as_secs_f64();
            println!(
                "refresh {run}: {label}: {} feeds, {} new items, {} failed in {:.2} s ({:.0} items/s)",
                r.feeds,
                r.items_added,
                r.failed,
                secs,
                (BENCH_FEEDS * BENCH_ITEMS) as f64 / secs
            );
        }
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&scratch);
    result
}
