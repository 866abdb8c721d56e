//! Full articles on request ("Fetch full article", or always for a feed): each page is fetched
//! and extracted on a thread of its own with the feeds' fetcher and a page-sized limit, and the
//! writer stores what comes back in one short transaction, as it does a fetched feed.

use super::pool::PoolMessage;
use crate::engine::Engine;
use crate::engine::worker::{Event, EventSink};
use crate::feeds::fetch::Fetcher;
use crate::feeds::full_text::{fetch_full_text, page_config};
use crate::model::{ItemId, Topic};
use crossbeam_channel::Sender;

/// The task name the status bar shows while articles are fetched.
pub const FULL_TEXT_TASK: &str = "Fetching full articles";
/// At most this many new items of one "always" feed are fetched per refresh: a feed that
/// floods does not turn a refresh into a crawl.
pub const ALWAYS_PER_REFRESH: usize = 20;

/// Starts fetching `items` (`(id, address)`) one after another on a new thread; each result
/// comes back to the writer as [`PoolMessage::FullText`]. Fails when no thread can start.
pub(super) fn spawn(
    engine: &Engine,
    items: Vec<(ItemId, Option<String>)>,
    user_asked: bool,
    tx: Sender<PoolMessage>,
) -> std::io::Result<()> {
    let fetcher = Fetcher::new(page_config(engine.fetcher().config()));
    std::thread::Builder::new()
        .name("focusfeed-article".into())
        .spawn(move || {
            for (item, address) in items {
                let result =
                    fetch_full_text(&fetcher, address.as_deref()).map_err(|e| e.to_string());
                let message = PoolMessage::FullText {
                    item,
                    user_asked,
                    result,
                };
                if tx.send(message).is_err() {
                    return;
                }
            }
        })
        .map(|_| ())
}

/// Stores one article's outcome. A failure keeps the summary and records why, which the article
/// pane shows; the user who asked also gets a notice.
pub(super) fn store(
    engine: &Engine,
    item: ItemId,
    user_asked: bool,
    result: Result<crate::feeds::full_text::FullText, String>,
    events: &EventSink,
) {
    let stored = match &result {
        Ok(full) => engine.store().set_full_text(item, &full.html, &full.text),
        Err(why) => engine.store().set_full_text_error(item, why),
    };
    if let Err(e) = stored {
        events.send(Event::Notice(format!(
            "Could not store the full article: {e}"
        )));
        return;
    }
    events.changed(Topic::Items);
    if user_asked && let Err(why) = result {
        events.send(Event::Notice(format!(
            "Could not fetch the full article: {why}. The summary stays."
        )));
    }
}
