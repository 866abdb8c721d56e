//! Refreshing: several feeds fetched at once on threads, each result stored (one transaction
//! per feed) on the engine's thread as it arrives; a feed's failure becomes its error state.

use super::{
    FeedOutcome, FeedsError, Fetch, RefreshProgress, RefreshReport, RefreshScope, fetch_and_parse,
};
use crate::engine::Engine;
use crate::feeds::fetch::{FetchError, Validators};
use crate::feeds::schedule::{self, Hints};
use crate::model::{FeedId, UnixTime};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

impl Engine {
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
                            .send((
                                i,
                                fetch_and_parse(
                                    fetcher,
                                    &s.url,
                                    &validators,
                                    s.body_hash.as_deref(),
                                ),
                            ))
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
                    FeedOutcome::NotModified { removed } => {
                        report.not_modified += 1;
                        report.items_removed += removed;
                    }
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
                // Read items age out even while the feed stays the same.
                let retention = self.retention();
                let removed = self.store_mut().apply_retention(
                    id,
                    retention.cutoff(now),
                    retention.keep_per_feed,
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
