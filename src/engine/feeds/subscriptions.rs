//! Managing subscriptions: OPML import and export, rename, move to folder, unsubscribe.

use super::{FeedsError, ImportReport};
use crate::engine::Engine;
use crate::feeds::fetch::{FetchConfig, Source};
use crate::feeds::opml::{OpmlFeed, parse_opml, write_opml};
use crate::model::FeedId;
use std::path::Path;

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
    /// Adds every feed of an OPML file, recreating its folders; existing subscriptions are
    /// merged. Feeds are fetched by the next refresh, not here.
    pub fn import_opml(&mut self, path: &Path) -> Result<ImportReport, FeedsError> {
        let text = read_capped(path)?;
        // A list exported elsewhere is read under the same budget as a feed.
        let budget = crate::feeds::parse::PARSE_BUDGET;
        let opml = crate::feeds::budget::within(budget, move || parse_opml(&text))
            .map_err(|_| FeedsError::Io {
                path: path.display().to_string(),
                message: format!(
                    "reading it took longer than {} s, far more than any real list",
                    budget.as_secs()
                ),
            })?
            .map_err(|source| FeedsError::Opml {
                path: path.display().to_string(),
                source,
            })?;
        let now = self.now_unix();
        let mut report = ImportReport::default();
        let tx_store = self.store();
        // IMMEDIATE, as every write here: a deferred transaction that reads first fails to
        // upgrade under WAL when another connection wrote meanwhile.
        tx_store.conn().execute_batch("BEGIN IMMEDIATE")?;
        let result = (|| -> Result<(), FeedsError> {
            for folder in &opml.folders {
                tx_store.ensure_folder_path(folder)?;
            }
            report.folders = opml.folders.len();
            for feed in &opml.feeds {
                let url = match Source::parse(&feed.url) {
                    // An OPML file is written by others: it may list web feeds only, never
                    // make the app read a local file (those are typed in by the user).
                    Ok(Source::File(_)) => {
                        report.skipped.push(format!(
                            "{}: not a web address (a list may only name http or https feeds)",
                            feed.url.trim()
                        ));
                        continue;
                    }
                    Ok(s) => s.to_url_string(),
                    Err(e) => {
                        report.skipped.push(e.to_string());
                        continue;
                    }
                };
                let folder_id = tx_store.ensure_folder_path(&feed.folder)?;
                // Until its first fetch brings the feed's own title.
                let title = if feed.title.trim().is_empty() {
                    super::untitled_feed_name(&url, feed.html_url.as_deref())
                } else {
                    feed.title.clone()
                };
                let (_, created) =
                    tx_store.insert_feed(&url, &title, feed.html_url.as_deref(), folder_id, now)?;
                if created {
                    report.feeds_added += 1;
                } else {
                    report.feeds_existing += 1;
                }
            }
            Ok(())
        })();
        match result {
            Ok(()) => match tx_store.conn().execute_batch("COMMIT") {
                Ok(()) => Ok(report),
                Err(e) => {
                    // A failed COMMIT leaves the transaction open: end it, or the next write
                    // on this connection would run inside it.
                    let _ = tx_store.conn().execute_batch("ROLLBACK");
                    Err(e.into())
                }
            },
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
