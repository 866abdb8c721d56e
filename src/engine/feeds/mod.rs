//! Engine operations and background commands for the feeds area: subscribe (with discovery),
//! refresh (several feeds fetched at once, stored one transaction per feed), OPML import and
//! export, rename, move and unsubscribe. The CLI calls the methods; the GUI sends `FeedsCommand`s.
//! Types and the worker's `handle` live here; the operations in `subscribe`, `refresh` and
//! `subscriptions`.

use super::Engine;
use super::worker::{Event, EventSink};
use crate::feeds::fetch::{Body, FetchConfig, FetchError, Fetched, Fetcher, Validators};
use crate::feeds::opml::OpmlError;
use crate::feeds::parse::{ParseError, ParsedFeed, body_hash, charset_of, parse_feed_as};
use crate::feeds::retention::{Retention, SETTING_MAX_AGE_DAYS, SETTING_MAX_ITEMS};
use crate::model::{FeedId, Topic, UnixTime};
use crate::store::StoreError;
use crate::store::items::StoreOutcome;
use serde::Serialize;
use std::path::PathBuf;
use std::sync::Arc;

pub mod articles;
pub(crate) mod pool;
mod refresh;
mod refresh_indexed;
pub mod runs;
mod subscribe;
mod subscriptions;

pub use refresh_indexed::IndexCatchUp;
pub use subscribe::untitled_feed_name;

/// Work the GUI hands to the worker for this area.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedsCommand {
    /// A URL, `file://` URL or path; an HTML page is searched for its feeds.
    Subscribe {
        source: String,
        /// Folder path from the top; empty for none.
        folder: Vec<String>,
    },
    Refresh(RefreshScope),
    /// Stops the refreshes under way (what was stored stays).
    CancelRefresh,
    ImportOpml(PathBuf),
    ExportOpml(PathBuf),
    Rename {
        feed: FeedId,
        title: String,
    },
    /// Empty path: out of any folder.
    MoveToFolder {
        feed: FeedId,
        folder: Vec<String>,
    },
    Unsubscribe(FeedId),
    /// Fetches the item's web page and keeps its readable article beside the summary.
    FetchFullText(crate::model::ItemId),
    /// Fetch the full article of every new item of this feed as it arrives.
    SetFullTextAlways {
        feed: FeedId,
        on: bool,
    },
    /// Show this feed's article images without asking.
    SetImagesAlways {
        feed: FeedId,
        on: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshScope {
    /// Every enabled feed, due or not.
    All,
    /// Feeds whose next fetch time has come.
    Due,
    /// One feed, even a disabled one (the user asked).
    Feed(FeedId),
}

#[derive(Debug, thiserror::Error)]
pub enum FeedsError {
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error(transparent)]
    Parse(#[from] ParseError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{path}: {source}")]
    Opml { path: String, source: OpmlError },
    #[error("no feed found at {address} (looked for feed links in the page and at {tried})")]
    NoFeedFound { address: String, tried: String },
    #[error("{path}: {message}")]
    Io { path: String, message: String },
}

impl From<rusqlite::Error> for FeedsError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Store(StoreError::Sqlite(e))
    }
}

/// Fetch machinery kept on the `Engine` (tests shorten the timeouts).
pub struct FeedsRuntime {
    fetcher: Arc<Fetcher>,
    threads: usize,
}

impl Default for FeedsRuntime {
    fn default() -> Self {
        Self {
            fetcher: Arc::new(Fetcher::new(FetchConfig::default())),
            // Fetching waits on the network far more than on the CPU.
            threads: 8,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subscribed {
    pub feed_id: FeedId,
    pub url: String,
    pub title: String,
    /// False when the feed was already subscribed (nothing was added twice).
    pub created: bool,
    /// The page the feed was discovered from, when the address was not a feed itself.
    pub discovered_from: Option<String>,
    pub items: StoreOutcome,
}

impl Subscribed {
    /// "1 item", "12 items": what the subscription stored.
    pub fn items_text(&self) -> String {
        let kept = self.items.added.saturating_sub(self.items.removed);
        let mut text = match kept {
            1 => "1 item".to_string(),
            n => format!("{n} items"),
        };
        if self.items.removed > 0 {
            // The per-feed cap applied at once: say so rather than count what was dropped.
            text.push_str(&format!(
                " (the newest kept; {} more were over the feed's cap)",
                self.items.removed
            ));
        }
        text
    }
}

/// How one feed's refresh went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum FeedOutcome {
    Updated {
        added: usize,
        updated: usize,
        removed: usize,
    },
    /// 304, or a body identical to the last one; `removed` counts read items aged out.
    NotModified {
        removed: usize,
    },
    Failed {
        message: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefreshProgress {
    pub done: usize,
    pub total: usize,
    pub feed_id: FeedId,
    pub url: String,
    pub outcome: FeedOutcome,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RefreshReport {
    pub feeds: usize,
    pub updated: usize,
    pub not_modified: usize,
    pub failed: usize,
    pub items_added: usize,
    pub items_updated: usize,
    pub items_removed: usize,
}

impl RefreshReport {
    /// Adds one feed's outcome.
    pub fn count(&mut self, outcome: &FeedOutcome) {
        match outcome {
            FeedOutcome::Updated {
                added,
                updated,
                removed,
            } => {
                self.updated += 1;
                self.items_added += added;
                self.items_updated += updated;
                self.items_removed += removed;
            }
            FeedOutcome::NotModified { removed } => {
                self.not_modified += 1;
                self.items_removed += removed;
            }
            FeedOutcome::Failed { .. } => self.failed += 1,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub feeds_added: usize,
    /// Already subscribed: merged, not repeated.
    pub feeds_existing: usize,
    pub folders: usize,
    /// Outlines whose address could not be used, with the reason.
    pub skipped: Vec<String>,
}

/// What a fetch thread hands back for one feed.
pub enum Fetch {
    /// `fetched` without its body's bytes, which are parsed into `parsed`; `body_hash` is
    /// theirs (taken here, on the fetch thread, not on the writer's).
    Fresh {
        fetched: Fetched,
        parsed: ParsedFeed,
        body_hash: String,
    },
    NotModified(Fetched),
    Failed(FeedsError),
}

/// Fetches and parses one feed; a body identical to the last one stored (`last_body`) counts
/// as not modified and is not parsed.
fn fetch_and_parse(
    fetcher: &Fetcher,
    url: &str,
    validators: &Validators,
    last_body: Option<&str>,
) -> Fetch {
    let mut fetched = match fetcher.fetch(url, validators) {
        Ok(fetched) => fetched,
        Err(e) => return Fetch::Failed(e.into()),
    };
    let Body::Fresh { bytes, .. } = &fetched.body else {
        return Fetch::NotModified(fetched);
    };
    let hash = body_hash(bytes);
    if last_body == Some(hash.as_str()) {
        return Fetch::NotModified(fetched);
    }
    match parse_fetched(&fetched) {
        None => Fetch::NotModified(fetched),
        Some(Ok(parsed)) => {
            fetched.drop_body_bytes();
            Fetch::Fresh {
                fetched,
                parsed,
                body_hash: hash,
            }
        }
        Some(Err(e)) => Fetch::Failed(e.into()),
    }
}

/// Parses a fresh body (with the server's charset); None for a 304.
fn parse_fetched(fetched: &Fetched) -> Option<Result<ParsedFeed, ParseError>> {
    match &fetched.body {
        Body::NotModified => None,
        Body::Fresh {
            bytes,
            content_type,
            ..
        } => {
            let charset = content_type.as_deref().and_then(charset_of);
            Some(parse_feed_as(bytes, &fetched.final_url, charset))
        }
    }
}

impl Engine {
    /// Replaces the fetch limits (tests use short timeouts and small caps).
    pub fn set_fetch_config(&mut self, config: FetchConfig) {
        self.feeds.fetcher = Arc::new(Fetcher::new(config));
    }

    /// How many feeds a refresh fetches at once.
    pub fn set_fetch_threads(&mut self, threads: usize) {
        self.feeds.threads = threads.max(1);
    }

    fn now_unix(&self) -> UnixTime {
        self.now().timestamp()
    }

    fn retention(&self) -> Retention {
        let days = self.store().setting(SETTING_MAX_AGE_DAYS).ok().flatten();
        let cap = self.store().setting(SETTING_MAX_ITEMS).ok().flatten();
        Retention::from_settings(days.as_deref(), cap.as_deref())
    }
}

/// Runs one command on the writer thread, reporting through events. Subscribing and
/// refreshing go out to the fetch pool and come back through `outstanding`.
pub(super) fn handle(
    engine: &mut Engine,
    outstanding: &mut runs::Outstanding,
    cmd: FeedsCommand,
    events: &EventSink,
) {
    // The notice says what was being done: a bare "No such file or directory" does not.
    let fail = |task: &str, e: FeedsError| {
        events.send(Event::Failed {
            task: task.to_string(),
            message: format!("{task} failed: {e}"),
        });
    };
    match cmd {
        FeedsCommand::Subscribe { source, folder } => {
            outstanding.start_subscribe(engine, source, folder, events);
        }
        FeedsCommand::Refresh(scope) => outstanding.start_refresh(engine, scope, events),
        FeedsCommand::CancelRefresh => outstanding.cancel(events),
        FeedsCommand::FetchFullText(item) => match engine.store().item_url(item) {
            Ok(url) => outstanding.start_full_text(engine, vec![(item, url)], true, events),
            Err(e) => events.send(Event::Notice(format!(
                "Could not fetch the full article: {e}"
            ))),
        },
        FeedsCommand::SetImagesAlways { feed, on } => {
            match engine.store().set_images_always(feed, on) {
                Ok(()) => events.changed(Topic::Feeds),
                Err(e) => events.send(Event::Notice(format!("Could not save the setting: {e}"))),
            }
        }
        FeedsCommand::SetFullTextAlways { feed, on } => {
            match engine.store().set_full_text_always(feed, on) {
                Ok(()) => events.changed(Topic::Feeds),
                Err(e) => events.send(Event::Notice(format!("Could not save the setting: {e}"))),
            }
        }
        FeedsCommand::ImportOpml(path) => {
            let task = "Importing OPML";
            match engine.import_opml(&path) {
                Ok(r) => {
                    events.send(Event::Confirmation(format!(
                        "Imported {} feeds ({} already subscribed)",
                        r.feeds_added, r.feeds_existing
                    )));
                    events.changed(Topic::Feeds);
                    events.send(Event::Finished { task: task.into() });
                }
                Err(e) => fail(task, e),
            }
        }
        FeedsCommand::ExportOpml(path) => {
            let task = "Exporting OPML";
            match engine.export_opml(&path) {
                Ok(n) => {
                    events.send(Event::Confirmation(format!(
                        "Exported {n} feeds to {}",
                        path.display()
                    )));
                    events.send(Event::Finished { task: task.into() });
                }
                Err(e) => fail(task, e),
            }
        }
        FeedsCommand::Rename { feed, title } => match engine.rename_feed(feed, &title) {
            Ok(()) => events.changed(Topic::Feeds),
            Err(e) => fail("Renaming feed", e),
        },
        FeedsCommand::MoveToFolder { feed, folder } => {
            match engine.move_feed_to_folder(feed, &folder) {
                Ok(()) => events.changed(Topic::Feeds),
                Err(e) => fail("Moving feed", e),
            }
        }
        FeedsCommand::Unsubscribe(feed) => match engine.unsubscribe(feed) {
            Ok(()) => {
                events.changed(Topic::Feeds);
                events.changed(Topic::Items);
            }
            Err(e) => fail("Unsubscribing", e),
        },
    }
}

/// One line for the feeds a refresh could not fetch: the feed and its error when it is one,
/// else how many, where they are marked, and the error of the first in subscription order.
fn refresh_failures_text(
    engine: &Engine,
    failed: &[(FeedId, String)],
    total: usize,
) -> Option<String> {
    // Feeds finish in whatever order the network gives; the one named is the earliest
    // subscribed, so the same failures always read the same.
    let (first_id, first_message) = failed.iter().min_by_key(|(id, _)| *id)?;
    let name = engine
        .store()
        .feed(*first_id)
        .map(|f| f.title)
        .unwrap_or_else(|_| format!("feed {first_id}"));
    Some(match failed.len() {
        1 => format!("Could not refresh {name}: {first_message}"),
        n => format!(
            "Could not refresh {n} of {} feeds; they are marked with ! in the sidebar (hover \
             for why). {name}: {first_message}",
            total.max(n)
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use crate::engine::worker::EventSink;
    use std::sync::Arc;

    fn changed(events: &std::sync::mpsc::Receiver<Event>) -> Vec<Topic> {
        events
            .try_iter()
            .filter_map(|e| match e {
                Event::Changed(t) => Some(t),
                _ => None,
            })
            .collect()
    }

    fn rss(titles: &[&str]) -> String {
        let items: String = titles
            .iter()
            .map(|t| format!("<item><guid>{t}</guid><title>{t}</title></item>"))
            .collect();
        format!("<rss version=\"2.0\"><channel><title>F</title>{items}</channel></rss>")
    }

    #[test]
    fn a_refresh_that_brings_nothing_new_leaves_the_item_lists_alone() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let feed = dir.path().join("feed.xml");
        std::fs::write(&feed, rss(&["one"])).unwrap_or_else(|e| panic!("{e}"));
        let at = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let mut engine = Engine::open(dir.path(), Arc::new(ManualClock::new(at)))
            .unwrap_or_else(|e| panic!("{e}"));
        engine
            .subscribe(&feed.to_string_lossy(), &[])
            .unwrap_or_else(|e| panic!("{e}"));
        let (sink, events) = EventSink::for_test();
        let mut out = runs::Outstanding::default();
        let mut handle = |engine: &mut Engine, cmd| {
            handle(engine, &mut out, cmd, &sink);
            out.run_to_end(engine, &sink);
        };

        handle(&mut engine, FeedsCommand::Refresh(RefreshScope::All));
        let topics = changed(&events);
        assert!(
            topics.contains(&Topic::Feeds),
            "the fetch time changed: {topics:?}"
        );
        assert!(!topics.contains(&Topic::Items), "nothing new: {topics:?}");

        std::fs::write(&feed, rss(&["one", "two"])).unwrap_or_else(|e| panic!("{e}"));
        handle(&mut engine, FeedsCommand::Refresh(RefreshScope::All));
        assert!(changed(&events).contains(&Topic::Items));
    }

    fn notices(events: &std::sync::mpsc::Receiver<Event>) -> Vec<String> {
        events
            .try_iter()
            .filter_map(|e| match e {
                Event::Notice(n) | Event::Failed { message: n, .. } => Some(n),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn feeds_that_fail_a_refresh_make_one_notice_and_a_scheduled_pass_none() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let at = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let clock = Arc::new(ManualClock::new(at));
        let mut engine = Engine::open(dir.path(), clock.clone()).unwrap_or_else(|e| panic!("{e}"));
        let mut ids = Vec::new();
        for name in ["a.xml", "b.xml", "c.xml"] {
            let feed = dir.path().join(name);
            std::fs::write(&feed, rss(&["one"])).unwrap_or_else(|e| panic!("{e}"));
            let s = engine
                .subscribe(&feed.to_string_lossy(), &[])
                .unwrap_or_else(|e| panic!("{e}"));
            ids.push(s.feed_id);
        }
        std::fs::remove_file(dir.path().join("a.xml")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::remove_file(dir.path().join("b.xml")).unwrap_or_else(|e| panic!("{e}"));
        let (sink, events) = EventSink::for_test();
        let mut out = runs::Outstanding::default();
        let mut handle = |engine: &mut Engine, cmd| {
            handle(engine, &mut out, cmd, &sink);
            out.run_to_end(engine, &sink);
        };

        handle(&mut engine, FeedsCommand::Refresh(RefreshScope::All));
        let got = notices(&events);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(
            got[0].starts_with("Could not refresh 2 of 3 feeds"),
            "{got:?}"
        );
        // a.xml was subscribed first, so it is named whichever fetch finished first.
        assert!(
            got[0].contains("a.xml") && !got[0].contains("b.xml"),
            "names the first subscribed: {got:?}"
        );

        // The pass the app runs by itself every few minutes: the sidebar shows the errors.
        clock.advance(chrono::Duration::days(2));
        handle(&mut engine, FeedsCommand::Refresh(RefreshScope::Due));
        assert_eq!(notices(&events), Vec::<String>::new());
        assert!(
            engine
                .store()
                .feed(ids[1])
                .unwrap_or_else(|e| panic!("{e}"))
                .error
                .is_some(),
            "the feed carries its error"
        );

        handle(
            &mut engine,
            FeedsCommand::Refresh(RefreshScope::Feed(ids[1])),
        );
        let got = notices(&events);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(
            got[0].starts_with("Could not refresh F: ") && got[0].contains("b.xml"),
            "the feed by its title, then its error: {got:?}"
        );
    }
}
