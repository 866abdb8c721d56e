//! Subscribing (with discovery from web pages) and discovering without subscribing.

use super::{FeedsError, Fetch, Subscribed, fetch_and_parse, parse_fetched};
use crate::engine::Engine;
use crate::feeds::discover::{Discovered, common_candidates, feeds_in_page};
use crate::feeds::fetch::{Body, FetchError, Fetched, Fetcher, Source, Validators};
use crate::feeds::parse::{ParseError, ParsedFeed, body_hash};
use crate::feeds::schedule::{self, Hints};
use crate::model::{FeedId, UnixTime};
use crate::store::items::{FeedUpdate, StoreOutcome};
use std::sync::Arc;

/// A subscription's feed found and read, not yet stored: what the network part hands to the
/// part that writes.
pub struct Resolved {
    /// The address to store (after permanent redirects, or the feed a page led to).
    pub url: String,
    fetched: Fetched,
    parsed: ParsedFeed,
    body_hash: String,
    /// The page the feed was discovered from, when the address was not a feed itself.
    discovered_from: Option<String>,
}

/// Reads `address` (already canonical, see `Source::to_url_string`): the feed itself, or the
/// first feed its page leads to. Network only; nothing is stored.
pub fn resolve(fetcher: &Fetcher, address: &str) -> Result<Resolved, FeedsError> {
    let fetched = fetcher.fetch(address, &Validators::default())?;
    let Body::Fresh { bytes, .. } = &fetched.body else {
        return Err(FeedsError::NoFeedFound {
            address: address.to_string(),
            tried: "a fresh copy".into(),
        });
    };
    match parse_fetched(&fetched).unwrap_or(Err(ParseError::Empty)) {
        Ok(parsed) => Ok(Resolved {
            url: fetched
                .moved_to
                .clone()
                .unwrap_or_else(|| address.to_string()),
            body_hash: body_hash(bytes),
            fetched,
            parsed,
            discovered_from: None,
        }),
        Err(ParseError::Html(_)) => {
            let page = String::from_utf8_lossy(bytes).into_owned();
            let mut found = first_feed_of_page(fetcher, &fetched.final_url, &page)?;
            found.discovered_from = Some(address.to_string());
            Ok(found)
        }
        Err(e) => Err(e.into()),
    }
}

/// Fetches and parses the first feed a page leads to: its declared links, then the common
/// paths.
fn first_feed_of_page(
    fetcher: &Fetcher,
    page_url: &str,
    page: &str,
) -> Result<Resolved, FeedsError> {
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
        if let Fetch::Fresh {
            fetched,
            parsed,
            body_hash,
        } = fetch_and_parse(fetcher, candidate, &Validators::default(), None)
        {
            let url = fetched
                .moved_to
                .clone()
                .unwrap_or_else(|| candidate.clone());
            return Ok(Resolved {
                url,
                fetched,
                parsed,
                body_hash,
                discovered_from: None,
            });
        }
    }
    Err(FeedsError::NoFeedFound {
        address: page_url.to_string(),
        tried: common.join(", "),
    })
}

impl Engine {
    /// Subscribes to a feed address, or to the first feed an HTML page points to. An address
    /// already subscribed is merged (reported with `created: false`). Nothing is stored when
    /// no feed can be read there.
    pub fn subscribe(&mut self, source: &str, folder: &[String]) -> Result<Subscribed, FeedsError> {
        let address = match self.subscription_address(source, folder)? {
            Ok(address) => address,
            Err(existing) => return Ok(existing),
        };
        let resolved = resolve(&self.feeds.fetcher, &address)?;
        self.add_resolved(resolved, folder)
    }

    /// The canonical address to read for `source`, or, when it is subscribed already, that
    /// subscription (moved into `folder` if it had none). Reads only the database.
    pub(crate) fn subscription_address(
        &mut self,
        source: &str,
        folder: &[String],
    ) -> Result<Result<String, Subscribed>, FeedsError> {
        let address = Source::parse(source)?.to_url_string();
        Ok(match self.store().feed_id_by_url(&address)? {
            Some(id) => Err(self.already_subscribed(id, folder)?),
            None => Ok(address),
        })
    }

    /// The fetcher the fetch pool and a subscription's reading share.
    pub(crate) fn fetcher(&self) -> Arc<Fetcher> {
        Arc::clone(&self.feeds.fetcher)
    }

    /// Stores what [`resolve`] read: a new feed with its items, or the existing subscription
    /// when a page led to a feed already subscribed.
    pub(crate) fn add_resolved(
        &mut self,
        resolved: Resolved,
        folder: &[String],
    ) -> Result<Subscribed, FeedsError> {
        if resolved.discovered_from.is_some()
            && let Some(id) = self.store().feed_id_by_url(&resolved.url)?
        {
            return self.already_subscribed(id, folder);
        }
        self.add_parsed(resolved, folder)
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

    fn add_parsed(
        &mut self,
        resolved: Resolved,
        folder: &[String],
    ) -> Result<Subscribed, FeedsError> {
        let Resolved {
            url,
            fetched,
            parsed,
            body_hash,
            discovered_from,
        } = resolved;
        let url = url.as_str();
        let now = self.now_unix();
        let folder_id = self.store().ensure_folder_path(folder)?;
        let title = if parsed.title.trim().is_empty() {
            untitled_feed_name(url, parsed.site_url.as_deref())
        } else {
            parsed.title.clone()
        };
        let (feed_id, created) =
            self.store()
                .insert_feed(url, &title, parsed.site_url.as_deref(), folder_id, now)?;
        let items = self.store_fresh(feed_id, now, &fetched, &parsed, &body_hash)?;
        Ok(Subscribed {
            feed_id,
            url: url.to_string(),
            title,
            created,
            discovered_from,
            items,
        })
    }

    pub(super) fn store_fresh(
        &mut self,
        feed_id: FeedId,
        now: UnixTime,
        fetched: &Fetched,
        parsed: &ParsedFeed,
        body_hash: &str,
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
            body_hash: Some(body_hash),
            items: &parsed.items,
            now,
            next_fetch_at: schedule::after_success(now, &published, hints),
            retention_cutoff: retention.cutoff(now),
            retention_keep: retention.keep_per_feed,
            item_cap: retention.max_items,
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
                    if let Fetch::Fresh { parsed, .. } = fetch_and_parse(
                        &self.feeds.fetcher,
                        &candidate,
                        &Validators::default(),
                        None,
                    ) {
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
}

/// A name for a feed that gives none: its site's host ("blog.example.org"), else the feed's
/// host, else its file name; the whole address only when none of these is there. The sidebar
/// showed the whole address, which wrapped over two lines and said less than the host.
pub fn untitled_feed_name(url: &str, site_url: Option<&str>) -> String {
    let host = |u: &str| {
        let u = url::Url::parse(u).ok()?;
        let host = u
            .host_str()
            .filter(|h| !h.is_empty())?
            .trim_start_matches("www.");
        Some(match u.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_string(),
        })
    };
    let file_name = || {
        let u = url::Url::parse(url).ok()?;
        let name = u.path_segments()?.rfind(|s| !s.is_empty())?;
        Some(name.to_string())
    };
    site_url
        .and_then(host)
        .or_else(|| host(url))
        .or_else(file_name)
        .unwrap_or_else(|| url.to_string())
}

#[cfg(test)]
mod tests {
    use super::untitled_feed_name;

    #[test]
    fn an_untitled_feed_is_named_by_its_site_then_its_host_then_its_file() {
        assert_eq!(
            untitled_feed_name(
                "https://feeds.example.net/x.xml",
                Some("https://www.example.org/blog")
            ),
            "example.org"
        );
        assert_eq!(
            untitled_feed_name("http://127.0.0.1:8800/rss.xml", None),
            "127.0.0.1:8800"
        );
        assert_eq!(
            untitled_feed_name("file:///home/me/feeds/news.xml", None),
            "news.xml"
        );
        assert_eq!(untitled_feed_name("not a url", None), "not a url");
    }
}
