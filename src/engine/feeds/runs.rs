//! Refreshes and subscriptions the writer has out on the fetch pool: a command starts them and
//! returns at once; each feed's result is stored (one short transaction) when it comes back,
//! between the user's own commands, so no key press ever waits on the network.

use super::pool::PoolMessage;
use super::subscribe::{Resolved, resolve};
use super::{FeedOutcome, FeedsError, Fetch, RefreshReport, RefreshScope, refresh_failures_text};
use crate::engine::Engine;
use crate::engine::worker::{Event, EventSink};
use crate::model::{FeedId, Topic, UnixTime};
use crate::store::feeds::FetchState;
use crossbeam_channel::{Receiver, Sender};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// The task name the status bar and the sidebar show for refreshes.
pub const REFRESH_TASK: &str = "Refreshing feeds";
/// The task name of a subscription being read.
pub const SUBSCRIBE_TASK: &str = "Subscribing";
/// How many of the feeds still being fetched the sidebar names.
const NAMED_WAITING: usize = 5;
/// New items are announced at most this often while a refresh runs (each announcement reloads
/// the lists and re-ranks For you), and always when it ends.
const ITEMS_ANNOUNCE_EVERY: Duration = Duration::from_secs(3);

/// One refresh out on the pool.
struct Run {
    id: u64,
    states: Arc<Vec<FetchState>>,
    /// Titles by index, for naming the feeds still being fetched.
    titles: Vec<String>,
    now: UnixTime,
    /// A refresh the user asked for (not the scheduled pass) reports failures in a notice.
    user_asked: bool,
    cancel: Arc<AtomicBool>,
    done: usize,
    /// Fetches under way, in the order they began: the first is the slowest so far.
    in_flight: Vec<usize>,
    failed: Vec<(FeedId, String)>,
    report: RefreshReport,
}

/// What the writer has out on the fetch pool.
pub struct Outstanding {
    runs: Vec<Run>,
    next_run: u64,
    subscribing: usize,
    /// Full articles asked for and not yet come back.
    articles: usize,
    tx: Sender<PoolMessage>,
    rx: Receiver<PoolMessage>,
    /// Items stored since they were last announced, and when that was.
    unannounced_items: bool,
    announced_at: Option<Instant>,
}

/// Results the fetch pool, the subscriber and the article fetcher may leave waiting for the
/// writer. Bounded, so a refresh of many large feeds cannot pile its parsed items up in memory
/// while the writer stores; every sender is a thread of its own, never the writer, so a full
/// queue only makes them wait. Two keep the writer fed: against eight, the window's 100,000-item
/// refresh peaked at 207-211 MiB rather than 214-232 at the same rate. (The CLI's refresh keeps
/// eight, `refresh.rs`: it has memory to spare, and two cost it about 5% of its rate.)
const RESULTS_IN_FLIGHT: usize = 2;

impl Default for Outstanding {
    fn default() -> Self {
        let (tx, rx) = crossbeam_channel::bounded(RESULTS_IN_FLIGHT);
        Self {
            runs: Vec::new(),
            next_run: 1,
            subscribing: 0,
            articles: 0,
            tx,
            rx,
            unannounced_items: false,
            announced_at: None,
        }
    }
}

impl Outstanding {
    /// Where the pool's results arrive (the writer waits on it beside its commands).
    pub fn results(&self) -> &Receiver<PoolMessage> {
        &self.rx
    }

    /// Whether nothing is out on the pool.
    pub fn is_idle(&self) -> bool {
        self.runs.is_empty() && self.subscribing == 0 && self.articles == 0
    }

    /// Starts a refresh of `scope`: the feeds a running refresh is already fetching are left to
    /// it. Says "0 of N" at once.
    pub fn start_refresh(&mut self, engine: &mut Engine, scope: RefreshScope, events: &EventSink) {
        let states = match engine.refresh_states(scope) {
            Ok(s) => s,
            Err(e) => {
                events.send(Event::Failed {
                    task: REFRESH_TASK.into(),
                    message: format!("{REFRESH_TASK} failed: {e}"),
                });
                return;
            }
        };
        let states: Vec<FetchState> = states
            .into_iter()
            .filter(|s| {
                !self
                    .runs
                    .iter()
                    .any(|r| r.states.iter().any(|t| t.id == s.id))
            })
            .collect();
        if states.is_empty() {
            if self.runs.is_empty() {
                events.send(Event::Finished {
                    task: REFRESH_TASK.into(),
                });
            }
            return;
        }
        let names: HashMap<FeedId, String> = engine
            .store()
            .feeds()
            .map(|feeds| feeds.into_iter().map(|f| (f.id, f.title)).collect())
            .unwrap_or_default();
        let titles = states
            .iter()
            .map(|s| names.get(&s.id).cloned().unwrap_or_else(|| s.url.clone()))
            .collect();
        let run = Run {
            id: self.next_run,
            states: Arc::new(states),
            titles,
            now: engine.now().timestamp(),
            user_asked: scope != RefreshScope::Due,
            cancel: Arc::new(AtomicBool::new(false)),
            done: 0,
            in_flight: Vec::new(),
            failed: Vec::new(),
            report: RefreshReport::default(),
        };
        self.next_run += 1;
        engine.start_fetches(
            Arc::clone(&run.states),
            run.id,
            Arc::clone(&run.cancel),
            self.tx.clone(),
        );
        self.runs.push(run);
        self.tell_progress(events);
    }

    /// Reads a subscription's address on a thread of its own; the writer stores it when it
    /// comes back. An address already subscribed is answered at once.
    pub fn start_subscribe(
        &mut self,
        engine: &mut Engine,
        source: String,
        folder: Vec<String>,
        events: &EventSink,
    ) {
        events.send(Event::Progress {
            task: SUBSCRIBE_TASK.into(),
            done: 0,
            total: 1,
        });
        let address = match engine.subscription_address(&source, &folder) {
            Ok(Ok(address)) => address,
            Ok(Err(existing)) => {
                tell_subscribed(Ok(existing), events);
                return;
            }
            Err(e) => {
                tell_subscribed(Err(e), events);
                return;
            }
        };
        let fetcher = engine.fetcher();
        let tx = self.tx.clone();
        let spawned = std::thread::Builder::new()
            .name("focusfeed-subscribe".into())
            .spawn(move || {
                let result = resolve(&fetcher, &address);
                let _ = tx.send(PoolMessage::Resolved { folder, result });
            });
        match spawned {
            Ok(_) => self.subscribing += 1,
            Err(e) => tell_subscribed(
                Err(FeedsError::Io {
                    path: source,
                    message: format!("could not start reading it: {e}"),
                }),
                events,
            ),
        }
    }

    /// Fetches the full articles of `items` (`(id, address)`) on a thread of their own; each is
    /// stored as it comes back.
    pub fn start_full_text(
        &mut self,
        engine: &Engine,
        items: Vec<(crate::model::ItemId, Option<String>)>,
        user_asked: bool,
        events: &EventSink,
    ) {
        if items.is_empty() {
            return;
        }
        let n = items.len();
        match super::articles::spawn(engine, items, user_asked, self.tx.clone()) {
            Ok(()) => {
                self.articles += n;
                self.tell_articles(events);
            }
            Err(e) => events.send(Event::Notice(format!(
                "Could not start fetching the full article: {e}"
            ))),
        }
    }

    fn tell_articles(&self, events: &EventSink) {
        if self.articles == 0 {
            events.send(Event::Finished {
                task: super::articles::FULL_TEXT_TASK.into(),
            });
        } else {
            events.send(Event::Progress {
                task: super::articles::FULL_TEXT_TASK.into(),
                done: 0,
                total: 0,
            });
        }
    }

    /// Stops every refresh: no further feed is fetched, and what the fetches under way bring
    /// is dropped. What was stored stays.
    pub fn cancel(&mut self, events: &EventSink) {
        if self.runs.is_empty() {
            return;
        }
        let (mut done, mut total) = (0, 0);
        for run in self.runs.drain(..) {
            run.cancel.store(true, Ordering::Relaxed);
            done += run.done;
            total += run.states.len();
        }
        self.announce_items(events);
        events.changed(Topic::Feeds);
        events.send(Event::RefreshWaiting(Vec::new()));
        events.send(Event::Confirmation(format!(
            "Refresh stopped: {done} of {total} feeds were refreshed"
        )));
        events.send(Event::Finished {
            task: REFRESH_TASK.into(),
        });
    }

    /// Takes one result from the pool: stores it (a fetched feed, a subscription) and says how
    /// far the refresh has come.
    pub fn on_message(&mut self, engine: &mut Engine, message: PoolMessage, events: &EventSink) {
        match message {
            PoolMessage::Started { run, index } => {
                if let Some(r) = self.runs.iter_mut().find(|r| r.id == run) {
                    r.in_flight.push(index);
                    self.tell_waiting(events);
                }
            }
            PoolMessage::Done { run, index, fetch } => {
                let outcomes = self.store_done(engine, vec![(run, index, fetch)]);
                for ((run, index), outcome) in outcomes {
                    self.on_stored(engine, run, index, outcome, events);
                }
            }
            PoolMessage::FullText {
                item,
                user_asked,
                result,
            } => {
                self.articles = self.articles.saturating_sub(1);
                super::articles::store(engine, item, user_asked, result, events);
                self.tell_articles(events);
            }
            PoolMessage::Resolved { folder, result } => {
                self.subscribing = self.subscribing.saturating_sub(1);
                let stored = result.and_then(|r: Resolved| engine.add_resolved(r, &folder));
                tell_subscribed(stored, events);
            }
        }
    }

    /// Takes the results that came together: fetched feeds are stored in one transaction
    /// (see `Engine::store_refreshed_together`), the rest one by one, in order otherwise.
    pub fn on_messages(
        &mut self,
        engine: &mut Engine,
        messages: Vec<PoolMessage>,
        events: &EventSink,
    ) {
        let mut done = Vec::new();
        for message in messages {
            match message {
                PoolMessage::Done { run, index, fetch } => done.push((run, index, fetch)),
                other => self.on_message(engine, other, events),
            }
        }
        for ((run, index), outcome) in self.store_done(engine, done) {
            self.on_stored(engine, run, index, outcome, events);
        }
    }

    /// Stores fetched feeds of runs still going (a cancelled run's late results are dropped).
    fn store_done(
        &mut self,
        engine: &mut Engine,
        done: Vec<(u64, usize, Fetch)>,
    ) -> Vec<((u64, usize), Result<FeedOutcome, FeedsError>)> {
        let mut keys = Vec::with_capacity(done.len());
        let mut states = Vec::with_capacity(done.len());
        let mut fetches = Vec::with_capacity(done.len());
        for (run, index, fetch) in done {
            let Some(r) = self.runs.iter().find(|r| r.id == run) else {
                continue;
            };
            let Some(state) = r.states.get(index) else {
                continue;
            };
            keys.push((run, index));
            states.push((state.clone(), r.now));
            fetches.push(fetch);
        }
        let batch = states
            .iter()
            .zip(fetches)
            .map(|((state, now), fetch)| (state, *now, fetch))
            .collect();
        keys.into_iter()
            .zip(engine.store_refreshed_together(batch))
            .collect()
    }

    /// After a feed of `run` was stored (or failed to be): counts it, says how far the refresh
    /// has come, asks for full articles its new items want, and finishes the run at its end.
    fn on_stored(
        &mut self,
        engine: &mut Engine,
        run: u64,
        index: usize,
        stored: Result<FeedOutcome, FeedsError>,
        events: &EventSink,
    ) {
        let Some(pos) = self.runs.iter().position(|r| r.id == run) else {
            return;
        };
        let r = &mut self.runs[pos];
        r.in_flight.retain(|&i| i != index);
        r.done += 1;
        let mut wanting = Vec::new();
        let states = Arc::clone(&r.states);
        let Some(state) = states.get(index) else {
            return;
        };
        match stored {
            Ok(outcome) => {
                if let FeedOutcome::Failed { message } = &outcome {
                    r.failed.push((state.id, message.clone()));
                }
                r.report.count(&outcome);
                let items_moved = match &outcome {
                    FeedOutcome::Updated {
                        added,
                        updated,
                        removed,
                    } => added + updated + removed > 0,
                    FeedOutcome::NotModified { removed } => *removed > 0,
                    FeedOutcome::Failed { .. } => false,
                };
                self.unannounced_items |= items_moved;
                if let FeedOutcome::Updated { added, .. } = &outcome
                    && *added > 0
                {
                    wanting = engine
                        .store()
                        .items_wanting_full_text(
                            state.id,
                            r.now,
                            super::articles::ALWAYS_PER_REFRESH,
                        )
                        .unwrap_or_default();
                }
            }
            Err(e) => events.send(Event::Failed {
                task: REFRESH_TASK.into(),
                message: format!("{REFRESH_TASK} failed: {e}"),
            }),
        }
        self.tell_progress(events);
        self.start_full_text(engine, wanting, false, events);
        let finished = self.runs[pos].done >= self.runs[pos].states.len();
        if finished {
            let run = self.runs.remove(pos);
            self.finish(engine, &run, events);
        } else {
            self.announce_if_due(events, Instant::now());
        }
    }

    /// Stores results as they come until nothing is out (tests, and a window closing).
    pub fn run_to_end(&mut self, engine: &mut Engine, events: &EventSink) {
        while !self.is_idle() {
            match self.rx.recv() {
                Ok(message) => self.on_message(engine, message, events),
                Err(_) => return,
            }
        }
    }

    fn finish(&mut self, engine: &Engine, run: &Run, events: &EventSink) {
        events.changed(Topic::Feeds);
        // Each failed feed is marked in the sidebar with its error. The notice area gets one
        // line for the whole pass, and only for a refresh the user asked for: a line per feed
        // filled half the window when the network was down, and the scheduled pass every few
        // minutes would raise them again for as long as it stayed down.
        if run.user_asked
            && let Some(notice) = refresh_failures_text(engine, &run.failed, run.states.len())
        {
            events.send(Event::Notice(notice));
        }
        // The due-feeds pass every few minutes mostly brings nothing: then the item lists and
        // For you stay as they are, not read again and re-ranked for nothing.
        self.announce_items(events);
        if self.runs.is_empty() {
            events.send(Event::RefreshWaiting(Vec::new()));
            events.send(Event::Finished {
                task: REFRESH_TASK.into(),
            });
        }
    }

    /// Topics written and not told yet on purpose (a refresh tells its stored items at most
    /// every `ITEMS_ANNOUNCE_EVERY`, and at its end): the writer must not tell them early.
    pub fn deferred_topics(&self) -> &'static [Topic] {
        if self.unannounced_items {
            &[Topic::Feeds, Topic::Items]
        } else {
            &[]
        }
    }

    /// Tells the items stored and not yet told once `ITEMS_ANNOUNCE_EVERY` has passed since the
    /// last time. The writer also calls it when nothing arrives: a refresh whose last feeds are
    /// slow would otherwise keep the items of the fast ones from the lists until the next feed
    /// ends, minutes later.
    pub fn announce_if_due(&mut self, events: &EventSink, now: Instant) {
        let due = self
            .announced_at
            .is_none_or(|t| now.saturating_duration_since(t) >= ITEMS_ANNOUNCE_EVERY);
        if due {
            self.announce_items(events);
        }
    }

    fn announce_items(&mut self, events: &EventSink) {
        if std::mem::take(&mut self.unannounced_items) {
            self.announced_at = Some(Instant::now());
            events.changed(Topic::Feeds);
            events.changed(Topic::Items);
        }
    }

    fn tell_progress(&self, events: &EventSink) {
        let done = self.runs.iter().map(|r| r.done).sum();
        let total = self.runs.iter().map(|r| r.states.len()).sum();
        events.send(Event::Progress {
            task: REFRESH_TASK.into(),
            done,
            total,
        });
    }

    fn tell_waiting(&self, events: &EventSink) {
        let waiting = self
            .runs
            .iter()
            .flat_map(|r| r.in_flight.iter().filter_map(|&i| r.titles.get(i)))
            .take(NAMED_WAITING)
            .cloned()
            .collect();
        events.send(Event::RefreshWaiting(waiting));
    }
}

fn tell_subscribed(result: Result<super::Subscribed, FeedsError>, events: &EventSink) {
    match result {
        Ok(s) => {
            events.send(Event::Confirmation(if s.created {
                format!("Subscribed to {} ({})", s.title, s.items_text())
            } else {
                format!("Already subscribed to {}", s.title)
            }));
            events.changed(Topic::Feeds);
            events.changed(Topic::Items);
            events.send(Event::Finished {
                task: SUBSCRIBE_TASK.into(),
            });
        }
        Err(e) => events.send(Event::Failed {
            task: SUBSCRIBE_TASK.into(),
            message: format!("{SUBSCRIBE_TASK} failed: {e}"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::worker::Event;

    fn topics(rx: &std::sync::mpsc::Receiver<Event>) -> Vec<Topic> {
        rx.try_iter()
            .filter_map(|e| match e {
                Event::Changed(t) => Some(t),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn stored_items_are_told_when_their_time_comes_though_no_feed_ends() {
        let (events, rx) = EventSink::for_test();
        let t0 = Instant::now();
        let mut out = Outstanding {
            unannounced_items: true,
            announced_at: Some(t0),
            ..Outstanding::default()
        };
        out.announce_if_due(&events, t0 + Duration::from_secs(1));
        assert!(topics(&rx).is_empty(), "not before its time");
        assert_eq!(out.deferred_topics(), [Topic::Feeds, Topic::Items]);

        out.announce_if_due(&events, t0 + ITEMS_ANNOUNCE_EVERY);
        assert_eq!(topics(&rx), [Topic::Feeds, Topic::Items]);
        assert!(out.deferred_topics().is_empty());

        // Nothing new stored: nothing told, however long it waits.
        out.announce_if_due(&events, t0 + ITEMS_ANNOUNCE_EVERY * 5);
        assert!(topics(&rx).is_empty());
    }
}
