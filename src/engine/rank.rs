//! Engine operations and background commands for the rank area: the recommender loaded once and
//! kept (learning new events as they come), the For you list computed on the worker and stored
//! in `rank_list` for the reader to show, rules, reset and the personalization switch.

use super::worker::{Event, EventSink};
use super::{Engine, EngineError, Result};
use crate::model::{ItemId, Topic};
use crate::paths::DB_FILE;
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
}

/// The engine's recommender slot: built on first use, dropped when the corpus must be rebuilt.
pub struct RankState {
    recommender: Option<Recommender>,
    /// Item count the recommender was built with; a big change rebuilds the embedding.
    built_with: usize,
    /// How long a list the reader last asked for (a rule change re-ranks that many).
    last_limit: usize,
}

impl Default for RankState {
    fn default() -> Self {
        Self {
            recommender: None,
            built_with: 0,
            last_limit: 1_000,
        }
    }
}

impl std::fmt::Debug for RankState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RankState")
            .field("built_with", &self.built_with)
            .finish_non_exhaustive()
    }
}

const TASK: &str = "Ranking For you";

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
        let count: usize = read
            .conn()
            .query_row("SELECT count(*) FROM items", [], |r| r.get::<_, i64>(0))
            .map_err(crate::store::StoreError::from)? as usize;
        let stale = self.rank.recommender.is_none()
            || count.abs_diff(self.rank.built_with) * 10 > self.rank.built_with.max(10);
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
        if let Some(r) = self.rank.recommender.as_mut() {
            r.forget(&self.store)?;
        }
        Ok(())
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
    };
    // Settings lists the rules: tell it before the re-rank, which can take a second.
    if let Some(Ok(())) = changed {
        events.changed(Topic::Settings);
    }
    let changed = changed.unwrap_or(Ok(()));
    match changed.and_then(|()| refresh_for_you(engine, limit, events)) {
        Ok(()) => events.changed(Topic::Ranking),
        Err(e) => events.send(Event::Failed {
            task: TASK.into(),
            message: e.to_string(),
        }),
    }
}

/// Re-ranks For you. Building the recommender (index sync, embedding, replaying events) takes
/// seconds on a big corpus: the status bar says so. Once built, a refresh takes milliseconds and
/// would only flash a spinner.
fn refresh_for_you(engine: &mut Engine, limit: usize, events: &EventSink) -> Result<()> {
    let building = engine.rank.recommender.is_none();
    if building {
        events.send(Event::Progress {
            task: TASK.into(),
            done: 0,
            total: 0,
        });
    }
    let r = engine.refresh_for_you(limit);
    if building && r.is_ok() {
        events.send(Event::Finished { task: TASK.into() });
    }
    r
}
