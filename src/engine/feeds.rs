//! Engine operations and background commands for the feeds area: subscribe (with discovery),
//! refresh (several feeds fetched at once, stored one transaction per feed), OPML import and
//! export, rename, move and unsubscribe. The CLI calls the methods; the GUI sends `FeedsCommand`s.

use super::Engine;
use super::worker::{Event, EventSink};
use crate::feeds::discover::{Discovered, common_candidates, feeds_in_page};
use crate::feeds::fetch::{Body, FetchConfig, FetchError, Fetched, Fetcher, Source, Validators};
use crate::feeds::opml::{OpmlError, OpmlFeed, parse_opml, write_opml};
use crate::feeds::parse::{ParseError, ParsedFeed, charset_of, parse_feed_as};
use crate::feeds::retention::{Retention, SETTING_MAX_AGE_DAYS};
use crate::feeds::schedule::{self, Hints};
use crate::model::{FeedId, Topic, UnixTime};
use crate::store::StoreError;
use crate::store::items::{FeedUpdate, StoreOutcome};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

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

/// How one feed's refresh went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum FeedOutcome {
    Updated {
        added: usize,
        updated: usize,
        removed: usize,
    },
    NotModified,
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
enum Fetch {
    Fresh {
        fetched: Fetched,
        parsed: ParsedFeed,
    },
    NotModified(Fetched),
    Failed(FeedsError),
}

fn fetch_and_parse(fetcher: &Fetcher, url: &str, validators: &Validators) -> Fetch {
    match fetcher.fetch(url, validators) {
        Ok(fetched) => match parse_fetched(&fetched) {
            None => Fetch::NotModified(fetched),
            Some(Ok(parsed)) => Fetch::Fresh { fetched, parsed },
            Some(Err(e)) => Fetch::Failed(e.into()),
        },
        Err(e) => Fetch::Failed(e.into()),
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

fn read_capped(path: &Path) -> Result<String, FeedsError> {
    use std::io::Read;
    let err = |message: String| FeedsError::Io {
        path: path.display().to_string(),
        message,
    };
    let file = std::fs::File::open(path).map_err(|e| err(e.to_string()))?;
    let mut bytes = Vec::new();
    file.take(FetchConfig::default().max_bytes)
        .read_to_end(&mut bytes)
        .map_err(|e| err(e.to_string()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
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
        let setting = self.store().setting(SETTING_MAX_AGE_DAYS).ok().flatten();
        Retention::from_setting(setting.as_deref())
    }

    /// Subscribes to a feed address, or to the first feed an HTML page points to. An address
    /// already subscribed is merged (reported with `created: false`). Nothing is stored when
    /// no feed can be read there.
    pub fn subscribe(&mut self, source: &str, folder: &[String]) -> Result<Subscribed, FeedsError> {
        let address = Source::parse(source)?.to_url_string();
        if let Some(id) = self.store().feed_id_by_url(&address)? {
            return self.already_subscribed(id, folder);
        }
        let fetcher = Arc::clone(&self.feeds.fetcher);
        let fetched = fetcher.fetch(&address, &Validators::default())?;
        let Body::Fresh { bytes, .. } = &fetched.body else {
            return Err(FeedsError::NoFeedFound {
                address,
                tried: "a fresh copy".into(),
            });
        };
        match parse_fetched(&fetched).unwrap_or(Err(ParseError::Empty)) {
            Ok(parsed) => {
                let url = fetched.moved_to.clone().unwrap_or(address);
                self.add_parsed(&url, folder, fetched, parsed, None)
            }
            Err(ParseError::Html(_)) => {
                let page = String::from_utf8_lossy(bytes).into_owned();
                let (url, fetched, parsed) = self.first_feed_of_page(&fetched.final_url, &page)?;
                if let Some(id) = self.store().feed_id_by_url(&url)? {
                    return self.already_subscribed(id, folder);
                }
                self.add_parsed(&url, folder, fetched, parsed, Some(address))
            }
            Err(e) => Err(e.into()),
        }
    }

    fn already_subscribed(
        &mut self,
        id: FeedId,
        folder: &[String],
    ) -> Result<Subscribed, FeedsError> {
        let folder_id = self.store().ensure_folder_path(folder)?;
        let feed = self.store().feed(id)?;
        if folder_id.is_some() && feed.folder_id.is_none() {
            self.store().move_feed(id, folder_id)?;
        }
        Ok(Subscribed {
            feed_id: id,
            url: feed.url,
            title: feed.title,
            created: false,
            discovered_from: None,
            items: StoreOutcome::default(),
        })
    }

    /// Fetches and parses the first feed a page leads to: its declared links, then the
    /// common paths.
    fn first_feed_of_page(
        &self,
        page_url: &str,
        page: &str,
    ) -> Result<(String, Fetched, ParsedFeed), FeedsError> {
        let base = url::Url::parse(page_url).map_err(|e| FetchError::InvalidAddress {
            address: page_url.to_string(),
            reason: e.to_string(),
        })?;
        let declared: Vec<String> = feeds_in_page(page, &base)
            .into_iter()
            .map(|d| d.url)
            .collect();
        let common = common_candidates(&base);
        for candidate in declared.iter().chain(common.iter()) {
            if let Fetch::Fresh { fetched, parsed } =
                fetch_and_parse(&self.feeds.fetcher, candidate, &Validators::default())
            {
                let url = fetched
                    .moved_to
                    .clone()
                    .unwrap_or_else(|| candidate.clone());
                return Ok((url, fetched, parsed));
            }
        }
        Err(FeedsError::NoFeedFound {
            address: page_url.to_string(),
            tried: common.join(", "),
        })
    }

    fn add_parsed(
        &mut self,
        url: &str,
        folder: &[String],
        fetched: Fetched,
        parsed: ParsedFeed,
        discovered_from: Option<String>,
    ) -> Result<Subscribed, FeedsError> {
        let now = self.now_unix();
        let folder_id = self.store().ensure_folder_path(folder)?;
        let title = if parsed.title.is_empty() {
            url.to_string()
        } else {
            parsed.title.clone()
        };
        let (feed_id, created) =
            self.store()
                .insert_feed(url, &title, parsed.site_url.as_deref(), folder_id, now)?;
        let items = self.store_fresh(feed_id, now, &fetched, &parsed)?;
        Ok(Subscribed {
            feed_id,
            url: url.to_string(),
            title,
            created,
            discovered_from,
            items,
        })
    }

    fn store_fresh(
        &mut self,
        feed_id: FeedId,
        now: UnixTime,
        fetched: &Fetched,
        parsed: &ParsedFeed,
    ) -> Result<StoreOutcome, FeedsError> {
        let validators = match &fetched.body {
            Body::Fresh { validators, .. } => validators.clone(),
            Body::NotModified => Validators::default(),
        };
        let published: Vec<UnixTime> = parsed.items.iter().filter_map(|i| i.published_at).collect();
        let hints = Hints {
            ttl_minutes: parsed.ttl_minutes,
            max_age: fetched.max_age,
        };
        let retention = self.retention();
        let update = FeedUpdate {
            feed_id,
            title: &parsed.title,
            site_url: parsed.site_url.as_deref(),
            etag: validators.etag.as_deref(),
            last_modified: validators.last_modified.as_deref(),
            items: &parsed.items,
            now,
            next_fetch_at: schedule::after_success(now, &published, hints),
            retention_cutoff: retention.cutoff(now),
            retention_keep: retention.keep_per_feed,
        };
        Ok(self.store_mut().store_feed_update(&update)?)
    }

    /// What `address` offers: itself if it is a feed, else the feeds its page declares, else
    /// those found at the common paths.
    pub fn discover(&self, source: &str) -> Result<Vec<Discovered>, FeedsError> {
        let address = Source::parse(source)?.to_url_string();
        let fetched = self.feeds.fetcher.fetch(&address, &Validators::default())?;
        let Body::Fresh { bytes, .. } = &fetched.body else {
            return Ok(Vec::new());
        };
        match parse_fetched(&fetched).unwrap_or(Err(ParseError::Empty)) {
            Ok(parsed) => Ok(vec![Discovered {
                url: fetched.moved_to.unwrap_or(address),
                title: Some(parsed.title).filter(|t| !t.is_empty()),
                kind: "feed".into(),
            }]),
            Err(ParseError::Html(_)) => {
                let base = url::Url::parse(&fetched.final_url).map_err(|e| {
                    FetchError::InvalidAddress {
                        address: fetched.final_url.clone(),
                        reason: e.to_string(),
                    }
                })?;
                let declared = feeds_in_page(&String::from_utf8_lossy(bytes), &base);
                if !declared.is_empty() {
                    return Ok(declared);
                }
                let mut found = Vec::new();
                for candidate in common_candidates(&base) {
                    if let Fetch::Fresh { parsed, .. } =
                        fetch_and_parse(&self.feeds.fetcher, &candidate, &Validators::default())
                    {
                        found.push(Discovered {
                            url: candidate,
                            title: Some(parsed.title).filter(|t| !t.is_empty()),
                            kind: "feed".into(),
                        });
                    }
                }
                Ok(found)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Fetches the chosen feeds, `threads` at a time; each result is stored (one transaction
    /// per feed) as it arrives, and reported through `progress`. A feed's failure becomes its
    /// error state and never stops the others.
    pub fn refresh(
        &mut self,
        scope: RefreshScope,
        mut progress: impl FnMut(&RefreshProgress),
    ) -> Result<RefreshReport, FeedsError> {
        let now = self.now_unix();
        let states = match scope {
            RefreshScope::All => self.store().fetch_states(None)?,
            RefreshScope::Due => self.store().fetch_states(Some(now))?,
            RefreshScope::Feed(id) => vec![self.store().fetch_state(id)?],
        };
        let total = states.len();
        let mut report = RefreshReport {
            feeds: total,
            ..RefreshReport::default()
        };
        if total == 0 {
            return Ok(report);
        }
        let fetcher = Arc::clone(&self.feeds.fetcher);
        let threads = self.feeds.threads.min(total);
        let next = AtomicUsize::new(0);
        let (tx, rx) = std::sync::mpsc::channel::<(usize, Fetch)>();
        std::thread::scope(|threads_scope| -> Result<(), FeedsError> {
            for _ in 0..threads {
                let tx = tx.clone();
                let (states, next, fetcher) = (&states, &next, &fetcher);
                threads_scope.spawn(move || {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(s) = states.get(i) else { break };
                        let validators = Validators {
                            etag: s.etag.clone(),
                            last_modified: s.last_modified.clone(),
                        };
                        if tx
                            .send((i, fetch_and_parse(fetcher, &s.url, &validators)))
                            .is_err()
                        {
                            break;
                        }
                    }
                });
            }
            drop(tx);
            for (done, (i, fetch)) in rx.iter().enumerate() {
                let Some(state) = states.get(i) else { continue };
                let outcome = self.apply_fetch(state.id, state.error_count, now, fetch)?;
                match &outcome {
                    FeedOutcome::Updated {
                        added,
                        updated,
                        removed,
                    } => {
                        report.updated += 1;
                        report.items_added += added;
                        report.items_updated += updated;
                        report.items_removed += removed;
                    }
                    FeedOutcome::NotModified => report.not_modified += 1,
                    FeedOutcome::Failed { .. } => report.failed += 1,
                }
                progress(&RefreshProgress {
                    done: done + 1,
                    total,
                    feed_id: state.id,
                    url: state.url.clone(),
                    outcome,
                });
            }
            Ok(())
        })?;
        Ok(report)
    }

    /// Stores one feed's fetch result. Only a database failure is an `Err`; a feed's own
    /// failure is recorded on it and returned as `FeedOutcome::Failed`.
    fn apply_fetch(
        &mut self,
        id: FeedId,
        error_count: i64,
        now: UnixTime,
        fetch: Fetch,
    ) -> Result<FeedOutcome, FeedsError> {
        let moved = match &fetch {
            Fetch::Fresh { fetched, .. } | Fetch::NotModified(fetched) => fetched.moved_to.clone(),
            Fetch::Failed(_) => None,
        };
        if let Some(url) = moved {
            self.store().set_feed_url(id, &url)?;
        }
        match fetch {
            Fetch::Fresh { fetched, parsed } => {
                let o = self.store_fresh(id, now, &fetched, &parsed)?;
                Ok(FeedOutcome::Updated {
                    added: o.added,
                    updated: o.updated,
                    removed: o.removed,
                })
            }
            Fetch::NotModified(fetched) => {
                let published = self.store().recent_published(id, 10)?;
                let hints = Hints {
                    ttl_minutes: None,
                    max_age: fetched.max_age,
                };
                self.store().record_not_modified(
                    id,
                    now,
                    schedule::after_success(now, &published, hints),
                )?;
                Ok(FeedOutcome::NotModified)
            }
            Fetch::Failed(e) => {
                let count = u32::try_from(error_count + 1).unwrap_or(u32::MAX);
                let retry = match &e {
                    FeedsError::Fetch(f) => f.retry_after().map(|r| r.not_before(now)),
                    _ => None,
                };
                let gone = matches!(e, FeedsError::Fetch(FetchError::Gone { .. }));
                let message = e.to_string();
                self.store().record_fetch_error(
                    id,
                    &message,
                    now,
                    schedule::after_error(now, count, retry),
                    gone,
                )?;
                Ok(FeedOutcome::Failed { message })
            }
        }
    }

    /// Adds every feed of an OPML file, recreating its folders; existing subscriptions are
    /// merged. Feeds are fetched by the next refresh, not here.
    pub fn import_opml(&mut self, path: &Path) -> Result<ImportReport, FeedsError> {
        let text = read_capped(path)?;
        let opml = parse_opml(&text).map_err(|source| FeedsError::Opml {
            path: path.display().to_string(),
            source,
        })?;
        let now = self.now_unix();
        let mut report = ImportReport::default();
        let tx_store = self.store();
        tx_store.conn().execute_batch("BEGIN")?;
        let result = (|| -> Result<(), FeedsError> {
            for folder in &opml.folders {
                tx_store.ensure_folder_path(folder)?;
            }
            report.folders = opml.folders.len();
            for feed in &opml.feeds {
                let url = match Source::parse(&feed.url) {
                    Ok(s) => s.to_url_string(),
                    Err(e) => {
                        report.skipped.push(e.to_string());
                        continue;
                    }
                };
                let folder_id = tx_store.ensure_folder_path(&feed.folder)?;
                let title = if feed.title.is_empty() {
                    url.as_str()
                } else {
                    feed.title.as_str()
                };
                let (_, created) =
                    tx_store.insert_feed(&url, title, feed.html_url.as_deref(), folder_id, now)?;
                if created {
                    report.feeds_added += 1;
                } else {
                    report.feeds_existing += 1;
                }
            }
            Ok(())
        })();
        match result {
            Ok(()) => {
                tx_store.conn().execute_batch("COMMIT")?;
                Ok(report)
            }
            Err(e) => {
                // Keep the database as it was; the first error is what the user needs.
                let _ = tx_store.conn().execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// Writes every subscription and folder as OPML 2.0 (written beside, then moved into place).
    pub fn export_opml(&self, path: &Path) -> Result<usize, FeedsError> {
        let folders = self.store().folders()?;
        let feeds: Vec<OpmlFeed> = self
            .store()
            .feeds()?
            .into_iter()
            .map(|f| OpmlFeed {
                folder: f
                    .folder_id
                    .and_then(|id| folders.iter().find(|d| d.id == id))
                    .map(|d| d.path.clone())
                    .unwrap_or_default(),
                url: f.url,
                title: f.title,
                html_url: f.site_url,
            })
            .collect();
        let paths: Vec<Vec<String>> = folders.into_iter().map(|f| f.path).collect();
        let text = write_opml(
            "focusfeed subscriptions",
            &paths,
            &feeds,
            &self.now().to_rfc2822(),
        );
        let err = |message: String| FeedsError::Io {
            path: path.display().to_string(),
            message,
        };
        let tmp = path.with_extension("opml.partial");
        std::fs::write(&tmp, text).map_err(|e| err(e.to_string()))?;
        std::fs::rename(&tmp, path).map_err(|e| err(e.to_string()))?;
        Ok(feeds.len())
    }

    pub fn rename_feed(&mut self, feed: FeedId, title: &str) -> Result<(), FeedsError> {
        Ok(self.store().rename_feed(feed, title)?)
    }

    pub fn move_feed_to_folder(
        &mut self,
        feed: FeedId,
        folder: &[String],
    ) -> Result<(), FeedsError> {
        let folder_id = self.store().ensure_folder_path(folder)?;
        Ok(self.store().move_feed(feed, folder_id)?)
    }

    pub fn unsubscribe(&mut self, feed: FeedId) -> Result<(), FeedsError> {
        Ok(self.store().delete_feed(feed)?)
    }
}

/// Runs one command on the worker thread, reporting through events.
pub(super) fn handle(engine: &mut Engine, cmd: FeedsCommand, events: &EventSink) {
    let fail = |task: &str, e: FeedsError| {
        events.send(Event::Failed {
            task: task.to_string(),
            message: e.to_string(),
        });
    };
    match cmd {
        FeedsCommand::Subscribe { source, folder } => {
            let task = "Subscribing";
            events.send(Event::Progress {
                task: task.into(),
                done: 0,
                total: 1,
            });
            match engine.subscribe(&source, &folder) {
                Ok(s) => {
                    events.send(Event::Notice(if s.created {
                        format!("Subscribed to {} ({} items)", s.title, s.items.added)
                    } else {
                        format!("Already subscribed to {}", s.title)
                    }));
                    events.changed(Topic::Feeds);
                    events.changed(Topic::Items);
                    events.send(Event::Finished { task: task.into() });
                }
                Err(e) => fail(task, e),
            }
        }
        FeedsCommand::Refresh(scope) => {
            let task = "Refreshing feeds";
            let result = engine.refresh(scope, |p| {
                events.send(Event::Progress {
                    task: task.into(),
                    done: p.done,
                    total: p.total,
                });
                if let FeedOutcome::Failed { message } = &p.outcome {
                    events.send(Event::Failed {
                        task: format!("Refreshing {}", p.url),
                        message: message.clone(),
                    });
                }
            });
            events.changed(Topic::Feeds);
            events.changed(Topic::Items);
            match result {
                Ok(_) => events.send(Event::Finished { task: task.into() }),
                Err(e) => fail(task, e),
            }
        }
        FeedsCommand::ImportOpml(path) => {
            let task = "Importing OPML";
            match engine.import_opml(&path) {
                Ok(r) => {
                    events.send(Event::Notice(format!(
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
                    events.send(Event::Notice(format!(
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
