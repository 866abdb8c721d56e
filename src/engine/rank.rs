//! Engine operations and background commands for the rank area: the recommender loaded once and
//! kept (learning new events as they come), the For you list computed on the worker and stored
//! in `rank_list` for the reader to show, rules, reset and the personalization switch.

use super::rank_build::Build;
use super::worker::{Event, EventSink};
use super::{Engine, EngineError, Result};
use crate::model::{ItemId, Topic};
use crate::paths::DB_FILE;
use crate::rank::learned::{LearnedKey, LearnedRow};
use crate::rank::recommender::{self, ForYouItem, RankError, Recommender};
use crate::rank::rules::{self, RuleAction, RuleKind};
use crate::store::Store;

/// Work the GUI hands to the worker for this area.
#[derive(Debug)]
pub enum RankCommand {
    /// Learn new events and recompute For you (stored in `rank_list`, then `Changed(Ranking)`).
    Refresh {
        limit: usize,
    },
    AddRule {
        kind: RuleKind,
        action: RuleAction,
        pattern: String,
    },
    RemoveRule {
        id: i64,
    },
    /// Forget what was learned.
    Reset,
    SetPersonalization(bool),
    /// Turn the diversity dial to this step (`rank::dial::STEPS`).
    SetDial(usize),
    /// Forget one learned weight (a feed, author, site or word), and only that.
    Forget(LearnedKey),
}

/// The engine's recommender slot: built on first use, dropped when the corpus must be rebuilt.
pub struct RankState {
    recommender: Option<Recommender>,
    /// Item count the recommender was built with; a big change rebuilds the embedding.
    built_with: usize,
    /// How long a list the reader last asked for (a rule change re-ranks that many).
    last_limit: usize,
    /// The worker's build running on its own thread (the CLI builds in place).
    build: Option<Build>,
    /// A refresh that waits for that build: the length of list it asked for.
    waiting: Option<usize>,
    /// Counts resets, so a build started before one forgets what it restored when it lands.
    resets: u64,
}

impl Default for RankState {
    fn default() -> Self {
        Self {
            recommender: None,
            built_with: 0,
            last_limit: 1_000,
            build: None,
            waiting: None,
            resets: 0,
        }
    }
}

/// Whether the worker's recommender can rank now.
enum Readiness {
    Ready,
    /// Being built on its own thread; the refresh runs when it lands.
    Building,
}

impl std::fmt::Debug for RankState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RankState")
            .field("built_with", &self.built_with)
            .finish_non_exhaustive()
    }
}

const TASK: &str = "Ranking For you";

/// A rebuild in place makes the caller wait: only after the items grew by a tenth.
const REBUILD_IN_PLACE: usize = 10;
/// A rebuild beside the worker costs no one a wait, so new words are learned sooner: after a
/// fiftieth.
const REBUILD_BESIDE: usize = 50;

impl From<RankError> for EngineError {
    fn from(e: RankError) -> Self {
        match e {
            RankError::Store(s) => EngineError::Store(s),
            RankError::Search(s) => EngineError::Other(s.to_string()),
        }
    }
}

impl Engine {
    fn read_store(&self) -> Result<Store> {
        Ok(Store::open(&self.data_dir.join(DB_FILE))?)
    }

    /// The recommender, (re)built when missing or when the number of items moved by a tenth
    /// (new items need embedding vectors), else brought up to date with new events.
    fn recommender(&mut self) -> Result<&mut Recommender> {
        let now = self.now().timestamp();
        let _ = self.sync_index(None)?;
        let read = self.read_store()?;
        let count = item_count(&read)?;
        // With a rebuild under way on the worker's build thread, the old one serves meanwhile.
        let stale = self.rank.recommender.is_none()
            || (self.rank.build.is_none() && self.needs_rebuild(count, REBUILD_IN_PLACE));
        if stale {
            let index = self.search_index()?;
            let r = Recommender::load(&read, index, now)?;
            self.rank.recommender = Some(r);
            self.rank.built_with = count;
        } else if let Some(mut r) = self.rank.recommender.take() {
            // Items that arrived since the build are folded in before the events that name them.
            let updated = (|| {
                let index = self.search_index()?;
                r.add_new_items(&read, index)?;
                r.learn_new_events(&read)?;
                Ok::<_, EngineError>(())
            })();
            self.rank.recommender = Some(r);
            updated?;
        }
        self.rank
            .recommender
            .as_mut()
            .ok_or_else(|| EngineError::Other("the recommender is not loaded".into()))
    }

    /// Whether the item count moved by more than `1/share` since the build: folded-in items
    /// reuse the built vocabulary, so their new words count only after a rebuild.
    fn needs_rebuild(&self, count: usize, share: usize) -> bool {
        count.abs_diff(self.rank.built_with) * share > self.rank.built_with.max(share)
    }

    /// Whether a tenth or more of the items came after the build: words that only they use
    /// mean nothing to the recommender. Items removed since (a purge, an unsubscribe) leave
    /// nothing it does not know.
    fn misses_new_items(&self, count: usize) -> bool {
        count.saturating_sub(self.rank.built_with) * REBUILD_IN_PLACE
            > self.rank.built_with.max(REBUILD_IN_PLACE)
    }

    /// The worker's way to the recommender: a missing or stale one is built on its own thread
    /// (see `rank_build.rs`). A slightly stale one ranks until the new one lands; one that
    /// misses a tenth of the items or more (the first run's samples arriving feed by feed) does
    /// not, because the words only those items use mean nothing to it: the refresh waits for
    /// the build, as the CLI would wait for a build in place.
    fn prepare_in_background(&mut self) -> Result<Readiness> {
        let _ = self.sync_index(None)?;
        let count = item_count(&self.read_store()?)?;
        let stale = self.rank.recommender.is_none() || self.needs_rebuild(count, REBUILD_BESIDE);
        if stale && self.rank.build.is_none() {
            let now = self.now().timestamp();
            self.rank.build = Some(Build::start(&self.data_dir, now, count, self.rank.resets));
        }
        let usable = self.rank.recommender.is_some() && !self.misses_new_items(count);
        Ok(if usable {
            Readiness::Ready
        } else {
            Readiness::Building
        })
    }

    /// Whether a build is running on its own thread.
    pub fn rank_building(&self) -> bool {
        self.rank.build.is_some()
    }

    /// Puts a finished build in place, told of any reset or switch since it started.
    fn install(&mut self, build: &Build, mut r: Recommender) -> Result<()> {
        // The switch is one stored flag; read it again whatever happened.
        r.reread_personalization(&self.store)?;
        r.reread_forgotten(&self.store)?;
        if build.resets != self.rank.resets {
            // Reset while it was built: the model it restored is what the user wiped.
            r.forget(&self.store)?;
        }
        self.rank.recommender = Some(r);
        self.rank.built_with = build.count;
        Ok(())
    }

    /// The For you list (learning any new events first), and the model saved.
    pub fn recommend(&mut self, limit: usize, explain: bool) -> Result<Vec<ForYouItem>> {
        let now = self.now().timestamp();
        self.recommender()?;
        let read = self.read_store()?;
        let Some(r) = self.rank.recommender.take() else {
            return Err(EngineError::Other("the recommender is not loaded".into()));
        };
        let out = (|| {
            let index = self.search_index()?;
            let list = r.recommend(&read, index, now, limit, explain)?;
            r.save(&self.store, now)?;
            Ok(list)
        })();
        self.rank.recommender = Some(r);
        out
    }

    /// Ranks For you and stores it for the reader, with the newest item id the ranking saw, so the
    /// reader can tell items that arrived afterwards (shown after the ranked ones) from items the
    /// ranking left out on purpose (muted, duplicates).
    pub fn refresh_for_you(&mut self, limit: usize) -> Result<()> {
        self.rank.last_limit = limit;
        let through: ItemId = self
            .store
            .conn()
            .query_row("SELECT coalesce(max(id), 0) FROM items", [], |r| r.get(0))
            .map_err(crate::store::StoreError::from)?;
        let list = self.recommend(limit, true)?;
        self.store_list(&list, through)
    }

    /// Stores a For you list for the reader.
    fn store_list(&mut self, list: &[ForYouItem], through: ItemId) -> Result<()> {
        let rows: Vec<(ItemId, f32, bool, String)> = list
            .iter()
            .map(|i| {
                let reasons: Vec<&str> = i.reasons.iter().map(|r| r.text.as_str()).collect();
                (i.id, i.score, i.explored, reasons.join("; "))
            })
            .collect();
        self.store.replace_rank_list(&rows, through)?;
        Ok(())
    }

    pub fn add_rank_rule(
        &mut self,
        kind: RuleKind,
        action: RuleAction,
        pattern: &str,
    ) -> Result<i64> {
        rules::validate(kind, pattern).map_err(|e| EngineError::Other(e.to_string()))?;
        Ok(self
            .store
            .add_rank_rule(kind, action, pattern, self.now().timestamp())?)
    }

    pub fn remove_rank_rule(&mut self, id: i64) -> Result<()> {
        Ok(self.store.delete_rank_rule(id)?)
    }

    pub fn reset_rank_model(&mut self) -> Result<()> {
        recommender::reset(&self.store)?;
        self.rank.resets += 1;
        if let Some(r) = self.rank.recommender.as_mut() {
            r.forget(&self.store)?;
        }
        Ok(())
    }

    /// "Forget this": stored (so a restart or a rebuild forgets it too), applied to the loaded
    /// model, and the model saved so the page stops showing it before the re-rank lands.
    pub fn forget_learned(&mut self, key: &LearnedKey) -> Result<()> {
        recommender::forget_learned(&self.store, key)?;
        let now = self.now().timestamp();
        if let Some(r) = self.rank.recommender.as_mut() {
            r.forget_one(key);
            r.save(&self.store, now)?;
        }
        Ok(())
    }

    /// What For you learned, from the model as stored after learning every event so far.
    pub fn learned(&mut self) -> Result<Vec<LearnedRow>> {
        let now = self.now().timestamp();
        self.recommender()?;
        if let Some(r) = self.rank.recommender.as_ref() {
            r.save(&self.store, now)?;
        }
        Ok(recommender::stored_learned(
            self.store.rank_model()?.as_ref(),
        ))
    }

    pub fn set_personalization(&mut self, on: bool) -> Result<()> {
        recommender::set_personalization(&self.store, on)?;
        if let Some(r) = self.rank.recommender.as_mut() {
            r.reread_personalization(&self.store)?;
        }
        Ok(())
    }
}

pub(super) fn handle(engine: &mut Engine, cmd: RankCommand, events: &EventSink) {
    // A changed rule or model changes the list at once: a muted item must leave For you now,
    // not at the next visit. `changed` is `None` for a plain re-rank.
    let last_limit = engine.rank.last_limit;
    let (limit, changed) = match cmd {
        RankCommand::Refresh { limit } => (limit, None),
        RankCommand::AddRule {
            kind,
            action,
            pattern,
        } => (
            last_limit,
            Some(engine.add_rank_rule(kind, action, &pattern).map(|_| ())),
        ),
        RankCommand::RemoveRule { id } => (last_limit, Some(engine.remove_rank_rule(id))),
        RankCommand::Reset => (last_limit, Some(engine.reset_rank_model())),
        RankCommand::SetPersonalization(on) => (last_limit, Some(engine.set_personalization(on))),
        RankCommand::SetDial(step) => (
            last_limit,
            Some(recommender::set_dial_step(&engine.store, step).map_err(EngineError::from)),
        ),
        RankCommand::Forget(key) => (last_limit, Some(engine.forget_learned(&key))),
    };
    // Settings lists the rules: tell it before the re-rank, which can take a second.
    if let Some(Ok(())) = changed {
        events.changed(Topic::Settings);
    }
    let changed = changed.unwrap_or(Ok(()));
    match changed.and_then(|()| engine.prepare_in_background()) {
        Ok(Readiness::Ready) => {
            rank_and_tell(engine, limit, events);
        }
        Ok(Readiness::Building) => {
            // The status bar says so until it lands (`poll_build`); a later request's list
            // length wins.
            if engine.rank.waiting.replace(limit).is_none() {
                events.send(Event::Progress {
                    task: TASK.into(),
                    done: 0,
                    total: 0,
                });
            }
        }
        Err(e) => fail(events, &e),
    }
}

/// Called by the worker between commands: puts a finished build in place and runs the refresh
/// that waited for it. `block` waits for the build (the worker is stopping).
pub(super) fn poll_build(engine: &mut Engine, events: &EventSink, block: bool) {
    let Some(build) = engine.rank.build.as_ref() else {
        return;
    };
    let answer = if block {
        build.wait()
    } else {
        match build.try_take() {
            Some(a) => a,
            None => return,
        }
    };
    let Some(build) = engine.rank.build.take() else {
        return;
    };
    let waiting = engine.rank.waiting.take();
    let installed = answer
        .map_err(EngineError::Other)
        .and_then(|r| engine.install(&build, r));
    match (installed, waiting) {
        (Ok(()), Some(limit)) => {
            // Items may have kept arriving while it was built: look again before ranking,
            // unless the worker is stopping (then what was asked for is delivered as it is).
            let readiness = if block {
                Ok(Readiness::Ready)
            } else {
                engine.prepare_in_background()
            };
            match readiness {
                Ok(Readiness::Ready) => {
                    if rank_and_tell(engine, limit, events) {
                        events.send(Event::Finished { task: TASK.into() });
                    }
                }
                Ok(Readiness::Building) => engine.rank.waiting = Some(limit),
                Err(e) => fail(events, &e),
            }
        }
        (Ok(()), None) => {}
        (Err(e), _) => fail(events, &e),
    }
}

/// Ranks For you and says so (or why not); whether it worked.
fn rank_and_tell(engine: &mut Engine, limit: usize, events: &EventSink) -> bool {
    match engine.refresh_for_you(limit) {
        Ok(()) => {
            events.changed(Topic::Ranking);
            true
        }
        Err(e) => {
            fail(events, &e);
            false
        }
    }
}

fn fail(events: &EventSink, e: &EngineError) {
    events.send(Event::Failed {
        task: TASK.into(),
        message: e.to_string(),
    });
}

fn item_count(store: &Store) -> Result<usize> {
    let n: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM items", [], |r| r.get(0))
        .map_err(crate::store::StoreError::from)?;
    Ok(usize::try_from(n).unwrap_or(0))
}

#[cfg(test)]
#[path = "rank_tests.rs"]
mod tests;
