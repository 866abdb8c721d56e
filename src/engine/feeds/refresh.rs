//! Refreshing: feeds fetched on the fetch pool, each result stored (one transaction per feed) by
//! the engine's thread as it arrives; a feed's failure becomes its error state.

use super::pool::{self, PoolMessage};
use super::{FeedOutcome, FeedsError, Fetch, RefreshProgress, RefreshReport, RefreshScope};
use crate::engine::Engine;
use crate::feeds::fetch::FetchError;
use crate::feeds::schedule::{self, Hints};
use crate::model::{FeedId, UnixTime};
use crate::store::feeds::FetchState;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// Fetched and parsed feeds a CLI refresh lets wait for the storing thread. Eight, not the
/// window's two (`runs.rs`): with two, `bench ingest` ran at 22,100-22,900 items/s against
/// 23,700-24,100, and its peak (117-121 MiB) hardly moved.
const RESULTS_IN_FLIGHT: usize = 8;

impl Engine {
    /// The feeds a refresh of `scope` fetches, in the order they are due.
    pub fn refresh_states(&self, scope: RefreshScope) -> Result<Vec<FetchState>, FeedsError> {
        let now = self.now_unix();
        Ok(match scope {
            RefreshScope::All => self.store().fetch_states(None)?,
            RefreshScope::Due => self.store().fetch_states(Some(now))?,
            RefreshScope::Feed(id) => vec![self.store().fetch_state(id)?],
        })
    }

    /// Starts fetching `states` on the fetch pool and returns at once; results arrive on `out`
    /// for [`Self::store_refreshed`].
    pub(crate) fn start_fetches(
        &self,
        states: Arc<Vec<FetchState>>,
        run: u64,
        cancel: Arc<AtomicBool>,
        out: crossbeam_channel::Sender<PoolMessage>,
    ) {
        pool::start(
            Arc::clone(&self.feeds.fetcher),
            self.feeds.threads,
            states,
            run,
            cancel,
            out,
        );
    }

    /// Fetches the chosen feeds on the fetch pool and stores each result (one short
    /// transaction per feed) as it arrives, reporting through `progress`. A feed's failure
    /// becomes its error state and never stops the others. The CLI's way; the window's writer
    /// takes the results between the user's commands instead (`engine/worker.rs`).
    pub fn refresh(
        &mut self,
        scope: RefreshScope,
        mut progress: impl FnMut(&RefreshProgress),
    ) -> Result<RefreshReport, FeedsError> {
        let now = self.now_unix();
        let states = Arc::new(self.refresh_states(scope)?);
        let total = states.len();
        let mut report = RefreshReport {
            feeds: total,
            ..RefreshReport::default()
        };
        // Bounded: when storing falls behind, the pool waits instead of piling parsed feeds up
        // (a whole refresh of 100,000 items queued held 100 MiB more than storing needs).
        let (tx, rx) = crossbeam_channel::bounded(RESULTS_IN_FLIGHT);
        self.start_fetches(Arc::clone(&states), 0, Arc::new(AtomicBool::new(false)), tx);
        let mut done = 0;
        for message in rx {
            let PoolMessage::Done { index, fetch, .. } = message else {
                continue;
            };
            let Some(state) = states.get(index) else {
                continue;
            };
            done += 1;
            let outcome = self.store_refreshed(state, now, fetch)?;
            report.count(&outcome);
            progress(&RefreshProgress {
                done,
                total,
                feed_id: state.id,
                url: state.url.clone(),
                outcome,
            });
        }
        Ok(report)
    }

    /// Stores one feed's fetched result, in its own transaction.
    pub(crate) fn store_refreshed(
        &mut self,
        state: &FetchState,
        now: UnixTime,
        fetch: Fetch,
    ) -> Result<FeedOutcome, FeedsError> {
        self.apply_fetch(state.id, state.error_count, now, fetch)
    }

    /// Stores one feed's fetch result. Only a database failure is an `Err`; a feed's own
    /// failure is recorded on it and returned as `FeedOutcome::Failed`.
    pub(crate) fn apply_fetch(
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
            Fetch::Fresh {
                fetched,
                parsed,
                body_hash,
            } => {
                let o = self.store_fresh(id, now, &fetched, &parsed, &body_hash)?;
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
                // Read items age out even while the feed stays the same.
                let retention = self.retention();
                let removed = self.store_mut().apply_retention(
                    id,
                    retention.cutoff(now),
                    retention.keep_per_feed,
                    retention.max_items,
                    now,
                )?;
                Ok(FeedOutcome::NotModified { removed })
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
}
