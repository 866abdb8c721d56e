//! Refreshing: feeds fetched on the fetch pool, their results stored by the engine's thread as
//! they arrive (those that wait together in one transaction, a savepoint per feed); a feed's
//! failure becomes its error state.

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

    /// Fetches the chosen feeds on the fetch pool and stores the results as they arrive, reporting through `progress`. A feed's failure
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
        while let Ok(first) = rx.recv() {
            // The results waiting are stored together (see `store_refreshed_together`).
            let batch: Vec<(&FetchState, UnixTime, Fetch)> = std::iter::once(first)
                .chain(rx.try_iter().take(RESULTS_IN_FLIGHT))
                .filter_map(|message| match message {
                    PoolMessage::Done { index, fetch, .. } => {
                        states.get(index).map(|state| (state, now, fetch))
                    }
                    _ => None,
                })
                .collect();
            let stored: Vec<&FetchState> = batch.iter().map(|(state, ..)| *state).collect();
            for (state, outcome) in stored.into_iter().zip(self.store_refreshed_together(batch)) {
                done += 1;
                let outcome = outcome?;
                report.count(&outcome);
                progress(&RefreshProgress {
                    done,
                    total,
                    feed_id: state.id,
                    url: state.url.clone(),
                    outcome,
                });
            }
        }
        Ok(report)
    }

    /// Stores fetched results that came together in one transaction: pages the feeds share
    /// (index leaves, the outbox) reach the WAL once, not once per feed. If any feed fails, or
    /// the batch cannot commit, the batch is rolled back and each feed stored in a transaction
    /// of its own, so one feed's failure costs no other feed anything. (Not a savepoint per
    /// feed: inside one, every statement's own journal cost SQLite far more, and storing
    /// 100,000 items took 60% longer than one transaction per feed.) Outcomes are in `batch`'s
    /// order.
    pub(crate) fn store_refreshed_together(
        &mut self,
        batch: Vec<(&FetchState, UnixTime, Fetch)>,
    ) -> Vec<Result<FeedOutcome, FeedsError>> {
        if batch.len() > 1 && self.store().begin_batch().is_ok() {
            let mut outcomes = Vec::with_capacity(batch.len());
            for (state, now, fetch) in &batch {
                match self.apply_fetch(state.id, state.error_count, *now, fetch) {
                    Ok(outcome) => outcomes.push(Ok(outcome)),
                    Err(_) => break,
                }
            }
            if outcomes.len() == batch.len() && self.store().end_batch().is_ok() {
                return outcomes;
            }
            self.store().abandon_batch();
        }
        batch
            .into_iter()
            .map(|(state, now, fetch)| self.store_refreshed(state, now, fetch))
            .collect()
    }

    /// Stores one feed's fetched result, in its own transaction.
    pub(crate) fn store_refreshed(
        &mut self,
        state: &FetchState,
        now: UnixTime,
        fetch: Fetch,
    ) -> Result<FeedOutcome, FeedsError> {
        self.apply_fetch(state.id, state.error_count, now, &fetch)
    }

    /// Stores one feed's fetch result. Only a database failure is an `Err`; a feed's own
    /// failure is recorded on it and returned as `FeedOutcome::Failed`.
    pub(crate) fn apply_fetch(
        &mut self,
        id: FeedId,
        error_count: i64,
        now: UnixTime,
        fetch: &Fetch,
    ) -> Result<FeedOutcome, FeedsError> {
        let moved = match fetch {
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
                let o = self.store_fresh(id, now, fetched, parsed, body_hash)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use crate::feeds::fetch::Validators;

    fn rss(guids: &[&str]) -> String {
        let items: String = guids
            .iter()
            .map(|g| format!("<item><guid>{g}</guid><title>{g}</title></item>"))
            .collect();
        format!("<rss version=\"2.0\"><channel><title>F</title>{items}</channel></rss>")
    }

    fn titles(engine: &Engine) -> Vec<String> {
        let mut stmt = engine
            .store()
            .conn()
            .prepare("SELECT title FROM items ORDER BY title")
            .unwrap_or_else(|e| panic!("{e}"));
        stmt.query_map([], |r| r.get(0))
            .and_then(|rows| rows.collect())
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Three subscribed feeds, each then given new items, fetched and parsed but not stored.
    fn three_feeds_fetched(
        second: &[&str],
    ) -> (tempfile::TempDir, Engine, Vec<(FetchState, Fetch)>) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let at = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let mut engine = Engine::open(dir.path(), Arc::new(ManualClock::new(at)))
            .unwrap_or_else(|e| panic!("{e}"));
        let names = ["a", "b", "c"];
        for name in names {
            let path = dir.path().join(format!("{name}.xml"));
            std::fs::write(&path, rss(&[&format!("{name}1")])).unwrap_or_else(|e| panic!("{e}"));
            engine
                .subscribe(&path.to_string_lossy(), &[])
                .unwrap_or_else(|e| panic!("{e}"));
        }
        let mut fetched = Vec::new();
        for state in engine
            .refresh_states(RefreshScope::All)
            .unwrap_or_else(|e| panic!("{e}"))
        {
            let name = names
                .into_iter()
                .find(|n| state.url.ends_with(&format!("{n}.xml")))
                .unwrap_or_else(|| panic!("{}", state.url));
            let guids: Vec<String> = if name == "b" {
                second.iter().map(|g| g.to_string()).collect()
            } else {
                vec![format!("{name}1"), format!("{name}2")]
            };
            let guids: Vec<&str> = guids.iter().map(String::as_str).collect();
            std::fs::write(dir.path().join(format!("{name}.xml")), rss(&guids))
                .unwrap_or_else(|e| panic!("{e}"));
            let fetch = super::super::fetch_and_parse(
                &engine.fetcher(),
                &state.url,
                &Validators::default(),
                None,
            );
            fetched.push((state, fetch));
        }
        (dir, engine, fetched)
    }

    fn store_together(engine: &mut Engine, fetched: Vec<(FetchState, Fetch)>) -> Vec<bool> {
        let now = engine.now_unix();
        let (states, fetches): (Vec<_>, Vec<_>) = fetched.into_iter().unzip();
        let batch = states
            .iter()
            .zip(fetches)
            .map(|(s, f)| (s, now, f))
            .collect();
        engine
            .store_refreshed_together(batch)
            .iter()
            .map(Result::is_ok)
            .collect()
    }

    #[test]
    fn feeds_stored_together_are_all_kept() {
        let (_dir, mut engine, fetched) = three_feeds_fetched(&["b1", "b2"]);
        assert_eq!(store_together(&mut engine, fetched), vec![true; 3]);
        assert_eq!(titles(&engine), ["a1", "a2", "b1", "b2", "c1", "c2"]);
        assert!(!engine.store().in_batch());
    }

    #[test]
    fn a_feed_that_fails_among_others_costs_them_nothing_and_keeps_none_of_its_own() {
        let (_dir, mut engine, fetched) = three_feeds_fetched(&["b1", "b2", "poison"]);
        let feed_b = fetched
            .iter()
            .find(|(s, _)| s.url.ends_with("b.xml"))
            .map(|(s, _)| s.id)
            .unwrap_or_else(|| panic!("no b"));
        let fetched_at = |engine: &Engine| -> Option<i64> {
            engine
                .store()
                .conn()
                .query_row(
                    "SELECT last_fetch_at FROM feeds WHERE id = ?1",
                    [feed_b],
                    |r| r.get(0),
                )
                .unwrap_or_else(|e| panic!("{e}"))
        };
        let before = fetched_at(&engine);
        // A database failure on one item of feed b, after its first new item was written.
        engine
            .store()
            .conn()
            .execute_batch(
                "CREATE TEMP TRIGGER refuse BEFORE INSERT ON items WHEN new.title = 'poison'
                 BEGIN SELECT RAISE(ABORT, 'refused'); END;",
            )
            .unwrap_or_else(|e| panic!("{e}"));
        let ok = store_together(&mut engine, fetched);
        let b = fetched_at(&engine);
        assert_eq!(
            (ok.iter().filter(|o| **o).count(), titles(&engine), b),
            (
                2,
                ["a1", "a2", "b1", "c1", "c2"].map(String::from).to_vec(),
                before
            ),
            "feed b is as it was: b2 came before the failure and went with it"
        );
        assert!(!engine.store().in_batch());
    }
}
