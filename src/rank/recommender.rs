//! The recommender inside the app: builds the corpus from SQLite and the tantivy index (recent
//! items plus everything the user touched), restores the stored model or rebuilds it from the
//! events table, learns new events, and produces the explained For you list.

use super::corpus::{Corpus, ItemDoc, Slot, link_domain};
use super::embed::{DEFAULT_DIMS, Embeddings, embed};
use super::explain::{Reason, WordTaste, explain};
use super::learned::{Forgotten, LearnedKey};
use super::model::{ModelConfig, UserModel, World};
use super::persist::{FORMAT, Snapshot};
use super::rerank::{Candidate, RerankOptions, rerank};
use super::rules::{RuleSet, RuleTarget};
use crate::model::{ItemId, UnixTime};
use crate::search::{Filters, SearchIndex};
use crate::store::Store;
use crate::store::rank::{
    EventRow, ModelRow, RankItem, SETTING_DIAL, SETTING_FORGOTTEN, SETTING_PERSONALIZATION,
    SETTING_RESET_AFTER_EVENT,
};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Items older than this are neither candidates nor part of the embedding corpus (except those
/// the user acted on), unless fewer than [`MIN_CANDIDATES`] unread items are newer.
pub const WINDOW_DAYS: i64 = 30;
/// Unread items For you reaches back for when the window holds fewer (see
/// `Store::for_you_since`).
pub const MIN_CANDIDATES: usize = 200;
/// Newest items in the window that get embedded (plus every item the user acted on): building
/// the corpus took 15 s at 100,000 items and blocks the worker; 20,000 take about 2 s, and a
/// For you list of 1,000 rarely reaches further back.
pub const MAX_CORPUS: usize = 20_000;
/// Candidates fetched from the index per request: by profile and by recency.
const CANDIDATES: usize = 1000;
/// Opens that came within this long after an impression count as clicks on that list.
const LIST_WINDOW_SECS: i64 = 30 * 60;
/// Dwell that makes an open a strong signal.
const LONG_DWELL_SECS: f64 = 30.0;
const SEED: u64 = 0x5EED;

#[derive(Debug, thiserror::Error)]
pub enum RankError {
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Search(#[from] crate::search::SearchError),
}

/// One row of For you as the CLI and the reader show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForYouItem {
    pub id: ItemId,
    pub title: String,
    pub feed: String,
    pub url: Option<String>,
    pub published: UnixTime,
    pub score: f32,
    pub explored: bool,
    pub reasons: Vec<Reason>,
    /// The same story in other feeds, collapsed into this row.
    pub duplicates: Vec<ItemId>,
}

/// Items whose term vectors are read and interned together while the corpus is built.
const DOCS_PER_CHUNK: usize = 2_000;

pub struct Recommender {
    corpus: Corpus,
    emb: Embeddings,
    model: UserModel,
    meta: HashMap<ItemId, RankItem>,
    last_event: i64,
    personalized: bool,
    /// The newest item id stored when the corpus was read (or last folded in): items after it
    /// are new. Not the corpus's own newest id, since a feed stores its newest item first and
    /// every older item of the database then looked new (80,000 folded in at each start).
    seen_through: ItemId,
}

impl Recommender {
    /// Builds the corpus, restores the model (or rebuilds it from events) and learns any events
    /// newer than the stored model.
    pub fn load(store: &Store, index: &SearchIndex, now: UnixTime) -> Result<Self, RankError> {
        let reset_after: i64 = setting_i64(store, SETTING_RESET_AFTER_EVENT)?;
        let events = store.events_after(reset_after)?;
        let touched: Vec<ItemId> = events
            .iter()
            .map(|e| e.item_id)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let since = store.for_you_since(now - WINDOW_DAYS * 86_400, MIN_CANDIDATES)?;
        let seen_through = store.newest_item_id()?;
        let items = store.rank_items(since, MAX_CORPUS, &touched)?;
        // A chunk at a time: every item's term vector as text at once was 60 MB of the
        // window's peak at 100,000 items, for a corpus that keeps them as interned ids.
        let mut corpus = Corpus::default();
        for chunk in items.chunks(DOCS_PER_CHUNK) {
            for doc in item_docs(index, chunk)? {
                corpus.push(&doc);
            }
        }
        let emb = embed(&corpus, DEFAULT_DIMS, SEED);
        let cfg = ModelConfig::default();
        let world = World {
            corpus: &corpus,
            emb: &emb,
        };
        let stored = store
            .rank_model()?
            .filter(|r| r.format == FORMAT && r.last_event >= reset_after);
        let snapshot = stored.as_ref().and_then(|r| {
            serde_json::from_str::<Snapshot>(&r.state)
                .ok()
                .map(|s| (s, r.last_event))
        });
        let (mut model, mut last_event) = match snapshot {
            Some((s, last)) => (UserModel::restore(&s, cfg, world, SEED), last),
            None => (UserModel::new(cfg, emb.dims, SEED), reset_after),
        };
        let fresh: Vec<EventRow> = events.into_iter().filter(|e| e.id > last_event).collect();
        if let Some(last) = fresh.last() {
            last_event = last.id;
        }
        apply_events(&mut model, world, &fresh);
        model.forget_all(&corpus, &forgotten(store)?);
        let personalized = personalization(store)?;
        Ok(Self {
            meta: items.into_iter().map(|i| (i.id, i)).collect(),
            corpus,
            emb,
            model,
            last_event,
            personalized,
            seen_through,
        })
    }

    fn world(&self) -> World<'_> {
        World {
            corpus: &self.corpus,
            emb: &self.emb,
        }
    }

    pub fn model(&self) -> &UserModel {
        &self.model
    }

    pub fn corpus(&self) -> &Corpus {
        &self.corpus
    }

    pub fn personalized(&self) -> bool {
        self.personalized
    }

    /// Starts the model afresh after [`reset`], keeping the corpus and its embedding: forgetting
    /// should not cost a rebuild of what was never learned from the user.
    pub fn forget(&mut self, store: &Store) -> Result<(), RankError> {
        self.model = UserModel::new(self.model.cfg, self.emb.dims, SEED);
        self.last_event = setting_i64(store, SETTING_RESET_AFTER_EVENT)?;
        Ok(())
    }

    /// Forgets one learned weight (stored first with [`forget_learned`]).
    pub fn forget_one(&mut self, key: &LearnedKey) {
        self.model.forget_one(&self.corpus, key);
    }

    /// Applies every stored forget again (a build that started before one was stored).
    pub fn reread_forgotten(&mut self, store: &Store) -> Result<(), RankError> {
        self.model.forget_all(&self.corpus, &forgotten(store)?);
        Ok(())
    }

    /// Follows the personalization switch as stored (see [`set_personalization`]).
    pub fn reread_personalization(&mut self, store: &Store) -> Result<(), RankError> {
        self.personalized = personalization(store)?;
        Ok(())
    }

    /// Adds the items stored since the corpus was built, their vectors folded into the learned
    /// space (no new SVD): without them a new item could not be ranked, and For you would leave
    /// it out until the next rebuild. Returns how many were added.
    pub fn add_new_items(
        &mut self,
        store: &Store,
        index: &SearchIndex,
    ) -> Result<usize, RankError> {
        let items = store.rank_items_after(self.seen_through)?;
        let Some(newest) = items.iter().map(|i| i.id).max() else {
            return Ok(0);
        };
        self.seen_through = newest;
        let mut added = 0;
        for chunk in items.chunks(DOCS_PER_CHUNK) {
            for doc in item_docs(index, chunk)? {
                if let Some(slot) = self.corpus.push(&doc) {
                    self.emb.push_folded(&self.corpus.rows[slot]);
                    added += 1;
                }
            }
        }
        self.meta.extend(items.into_iter().map(|i| (i.id, i)));
        // A forgotten feed or word may only now have come into the corpus.
        self.model.forget_all(&self.corpus, &forgotten(store)?);
        Ok(added)
    }

    /// Learns events recorded since the last call (or load).
    pub fn learn_new_events(&mut self, store: &Store) -> Result<usize, RankError> {
        let events = store.events_after(self.last_event)?;
        if let Some(last) = events.last() {
            self.last_event = last.id;
        }
        let world = World {
            corpus: &self.corpus,
            emb: &self.emb,
        };
        apply_events(&mut self.model, world, &events);
        Ok(events.len())
    }

    /// Stores the model so the next start need not replay the events.
    pub fn save(&self, store: &Store, now: UnixTime) -> Result<(), RankError> {
        let state = serde_json::to_string(&self.model.snapshot(&self.corpus))
            .map_err(|e| crate::store::StoreError::Invalid(e.to_string()))?;
        store.save_rank_model(
            &ModelRow {
                format: FORMAT,
                last_event: self.last_event,
                state,
            },
            now,
        )?;
        Ok(())
    }

    /// The For you list: unread candidates from the index (by the interest profile, and the
    /// newest), reranked. `explain` fills in the reasons.
    pub fn recommend(
        &self,
        store: &Store,
        index: &SearchIndex,
        now: UnixTime,
        limit: usize,
        with_reasons: bool,
    ) -> Result<Vec<ForYouItem>, RankError> {
        let filters = Filters {
            since: Some(store.for_you_since(now - WINDOW_DAYS * 86_400, MIN_CANDIDATES)?),
            ..Filters::default()
        }
        .unread_since_in(store)?;
        let mut profile: Vec<(String, f32)> = self
            .model
            .profile
            .iter()
            .filter_map(|(t, w)| self.corpus.terms.get(*t as usize).map(|s| (s.clone(), *w)))
            .collect();
        profile.sort_by(|a, b| b.1.total_cmp(&a.1));
        profile.truncate(if self.personalized { 40 } else { 0 });
        let mut bm25: HashMap<ItemId, f32> = HashMap::new();
        for hit in index.query_by_profile(&profile, &filters, CANDIDATES)? {
            bm25.insert(hit.item, hit.score);
        }
        let no_terms: [(&str, f32); 0] = [];
        for hit in index.query_by_profile(&no_terms, &filters, CANDIDATES / 2)? {
            bm25.entry(hit.item).or_insert(0.0);
        }
        let rules = RuleSet::new(&store.rank_rules()?);
        let mut candidates = Vec::new();
        let mut verdicts = Vec::new();
        let mut ids: Vec<(&ItemId, &f32)> = bm25.iter().collect();
        ids.sort_by_key(|(id, _)| **id);
        // Bodies only for the candidates, and only when a rule reads them.
        let texts = if rules.reads_text() {
            let wanted: Vec<ItemId> = ids.iter().map(|(id, _)| **id).collect();
            store.item_texts(&wanted)?
        } else {
            HashMap::new()
        };
        for (id, score) in ids {
            let (Some(slot), Some(meta)) = (self.corpus.slot(*id), self.meta.get(id)) else {
                continue;
            };
            verdicts.push(rules.judge(&RuleTarget {
                feed_id: meta.feed_id,
                feed_title: &meta.feed_title,
                author: meta.author.as_deref(),
                title: &meta.title,
                text: texts.get(id).map_or("", String::as_str),
            }));
            candidates.push(Candidate { slot, bm25: *score });
        }
        let opts = RerankOptions {
            limit,
            dial: dial_step(store)?,
            personalized: self.personalized,
            ..RerankOptions::default()
        };
        let ranked = rerank(
            self.world(),
            &self.model,
            &candidates,
            &verdicts,
            now,
            &opts,
        );
        let taste = WordTaste::new(&self.corpus, &self.model);
        Ok(ranked
            .into_iter()
            .map(|r| {
                let id = self.corpus.ids[r.slot];
                let meta = self.meta.get(&id);
                let mut reasons = Vec::new();
                if with_reasons {
                    for rule in &r.liked_by {
                        reasons.push(Reason {
                            feature: "rule".into(),
                            text: rust_i18n::t!(
                                "reason.rule",
                                kind = rust_i18n::t!(format!("rule_kind.{}", rule.kind.as_str())),
                                pattern = rule.pattern
                            )
                            .into_owned(),
                            weight: super::rerank::LIKE_BOOST,
                        });
                    }
                    if r.explored {
                        reasons.push(Reason {
                            feature: "explore".into(),
                            text: super::explain::explore_reason(&self.corpus, &self.model, r.slot),
                            weight: 0.0,
                        });
                    }
                    if self.personalized {
                        reasons.extend(explain(
                            &self.corpus,
                            &self.model,
                            &taste,
                            r.slot,
                            &r.parts,
                        ));
                    }
                    if reasons.is_empty() {
                        reasons.push(Reason {
                            feature: "recency".into(),
                            text: super::explain::age_reason(r.age_days),
                            weight: 0.0,
                        });
                    }
                }
                ForYouItem {
                    id,
                    title: self.corpus.titles[r.slot].clone(),
                    feed: meta.map(|m| m.feed_title.clone()).unwrap_or_default(),
                    url: meta.and_then(|m| m.url.clone()),
                    published: self.corpus.published[r.slot],
                    score: r.score,
                    explored: r.explored,
                    reasons,
                    duplicates: r.duplicates.iter().map(|&s| self.corpus.ids[s]).collect(),
                }
            })
            .collect())
    }
}

/// The items as the corpus takes them: their term vectors from the index (its analyzer and
/// statistics), feed, author and link domain.
fn item_docs(index: &SearchIndex, items: &[RankItem]) -> Result<Vec<ItemDoc>, RankError> {
    let ids: Vec<ItemId> = items.iter().map(|i| i.id).collect();
    // Moved out, not cloned: at 100,000 items a second copy of every term vector was 40 MB of
    // the window's peak.
    let mut vectors: HashMap<ItemId, Vec<(String, f32)>> =
        index.term_vectors(&ids)?.into_iter().collect();
    Ok(items
        .iter()
        .map(|i| ItemDoc {
            id: i.id,
            feed: i.feed_id.to_string(),
            feed_name: i.feed_title.clone(),
            author: i.author.clone(),
            domain: i.url.as_deref().and_then(link_domain),
            published: i.published,
            terms: vectors.remove(&i.id).unwrap_or_default(),
            title: i.title.clone(),
        })
        .collect())
}

fn setting_i64(store: &Store, key: &str) -> Result<i64, RankError> {
    Ok(store
        .setting(key)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}

/// What the user told the model to forget, one weight at a time.
pub fn forgotten(store: &impl crate::store::ReadSetting) -> Result<Forgotten, RankError> {
    Ok(Forgotten::parse(
        store.setting(SETTING_FORGOTTEN)?.as_deref(),
    ))
}

/// Stores one more "forget this" (the model in memory is told by [`Recommender::forget_one`]).
pub fn forget_learned(store: &Store, key: &LearnedKey) -> Result<(), RankError> {
    let mut f = forgotten(store)?;
    f.0.insert(key.clone());
    store.set_setting(SETTING_FORGOTTEN, &f.to_json())?;
    Ok(())
}

/// "What For you learned", from the stored model: the rows saved with it (none before the
/// first ranking saved one).
pub fn stored_learned(row: Option<&ModelRow>) -> Vec<super::learned::LearnedRow> {
    row.filter(|r| r.format == FORMAT)
        .and_then(|r| serde_json::from_str::<Snapshot>(&r.state).ok())
        .map(|s| s.learned)
        .unwrap_or_default()
}

/// Forgets what was learned: the stored model goes, and events so far are ignored by rebuilds.
/// Single forgets go too: a fresh model has nothing of them to forget.
pub fn reset(store: &Store) -> Result<(), RankError> {
    let last = store.last_event_id()?;
    store.set_setting(SETTING_RESET_AFTER_EVENT, &last.to_string())?;
    store.set_setting(SETTING_FORGOTTEN, &Forgotten::default().to_json())?;
    store.delete_rank_model()?;
    Ok(())
}

/// Whether For you is personalized: on unless the user turned it off.
pub fn personalization(
    store: &impl crate::store::ReadSetting,
) -> Result<bool, crate::store::StoreError> {
    Ok(store.setting(SETTING_PERSONALIZATION)?.as_deref() != Some("off"))
}

/// The diversity dial's step as stored (the default when unset).
pub fn dial_step(
    store: &impl crate::store::ReadSetting,
) -> Result<usize, crate::store::StoreError> {
    Ok(super::dial::step_from_setting(
        store.setting(SETTING_DIAL)?.as_deref(),
    ))
}

pub fn set_dial_step(store: &Store, step: usize) -> Result<(), RankError> {
    let step = step.min(super::dial::STEPS.len() - 1);
    store.set_setting(SETTING_DIAL, &step.to_string())?;
    Ok(())
}

pub fn set_personalization(store: &Store, on: bool) -> Result<(), RankError> {
    store.set_setting(SETTING_PERSONALIZATION, if on { "on" } else { "off" })?;
    Ok(())
}

/// A shown list waiting for its clicks.
struct PendingList {
    view: String,
    start: UnixTime,
    shown: Vec<Slot>,
    clicked: Vec<bool>,
}

/// Turns events into training: impressions of one view within a short window form a list;
/// opens mark clicks on it (or, if it was never shown, an open without a list); stars and long
/// dwells are strong clicks; skips and marking read without opening are negatives.
pub fn apply_events(model: &mut UserModel, world: World<'_>, events: &[EventRow]) {
    let mut lists: Vec<PendingList> = Vec::new();
    let all: Arc<Vec<Slot>> = Arc::new((0..world.corpus.len()).collect());
    let flush = |model: &mut UserModel, l: PendingList| {
        model.learn_impression(world, &l.shown, &l.clicked);
    };
    for e in events {
        let Some(slot) = world.corpus.slot(e.item_id) else {
            continue;
        };
        // Lists older than the window are complete: learn them.
        let (done, open): (Vec<_>, Vec<_>) = lists
            .into_iter()
            .partition(|l| e.at - l.start > LIST_WINDOW_SECS);
        lists = open;
        for l in done {
            flush(model, l);
        }
        match e.kind.as_str() {
            "impression" => {
                let view = e.view.clone().unwrap_or_default();
                match lists.iter_mut().find(|l| l.view == view) {
                    Some(l) if !l.shown.contains(&slot) => {
                        l.shown.push(slot);
                        l.clicked.push(false);
                    }
                    Some(_) => {}
                    None => lists.push(PendingList {
                        view,
                        start: e.at,
                        shown: vec![slot],
                        clicked: vec![false],
                    }),
                }
            }
            "open" => {
                let mut found = false;
                for l in lists.iter_mut() {
                    if let Some(i) = l.shown.iter().position(|&s| s == slot) {
                        l.clicked[i] = true;
                        found = true;
                    }
                }
                if !found {
                    let earlier: Vec<Slot> = all
                        .iter()
                        .copied()
                        .filter(|&s| world.corpus.published[s] <= e.at)
                        .collect();
                    model.learn_opens(world, &[slot], &earlier);
                }
            }
            "star" => model.learn_strong_click(world, slot),
            "dwell" if e.value.unwrap_or(0.0) >= LONG_DWELL_SECS => {
                model.learn_strong_click(world, slot)
            }
            "skip" | "read_without_open" => model.learn_impression(world, &[slot], &[false]),
            _ => {}
        }
    }
    for l in lists {
        flush(model, l);
    }
}
