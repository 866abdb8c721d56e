//! Candidate retrieval for the recommender: items scored by BM25 against a weighted term
//! profile, with the same filters as search (term vectors are in `vectors.rs`).

use super::SearchError;
use super::index::SearchIndex;
use super::query::{Filters, collect};
use super::schema::TITLE_BOOST;
use crate::model::{ItemId, UnixTime};
use std::collections::HashMap;
use tantivy::Order;
use tantivy::collector::TopDocs;
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, Occur, Query, TermQuery};

/// A candidate from [`SearchIndex::query_by_profile`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProfileHit {
    pub item: ItemId,
    /// Sum over profile terms of weight × BM25 (title matches count [`TITLE_BOOST`] times).
    pub score: f32,
    /// `published_at` (else `fetched_at`), for the recency part of the ranking.
    pub published: UnixTime,
}

impl SearchIndex {
    /// The `limit` items that best match a weighted term profile, best first.
    ///
    /// Terms must be analyzed as the index does ([`super::Analyzer`]/[`super::tokenize`], e.g.
    /// from [`Self::term_vectors`]); terms with weight ≤ 0 or not finite are
    /// ignored. Each term matches title and content. With no usable term this returns the
    /// newest matching items with score 0, so a cold start still gets candidates.
    ///
    /// Filters: `feed`, `since` (newer than) and `only` (e.g. [`Filters::unread_in`]).
    pub fn query_by_profile<S: AsRef<str>>(
        &self,
        profile: &[(S, f32)],
        filters: &Filters,
        limit: usize,
    ) -> Result<Vec<ProfileHit>, SearchError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::with_capacity(profile.len() * 2);
        for (term, weight) in profile {
            let (term, weight) = (term.as_ref(), *weight);
            if term.is_empty() || !weight.is_finite() || weight <= 0.0 {
                continue;
            }
            for (title, boost) in [(false, weight), (true, weight * TITLE_BOOST)] {
                let q = TermQuery::new(self.text_term(title, term), Self::postings_option());
                clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(q), boost))));
            }
        }
        let searcher = self.searcher();
        let top = TopDocs::with_limit(limit);
        let only = filters.only.as_ref();
        let addresses: Vec<(f32, tantivy::DocAddress)> = if clauses.is_empty() {
            let query = self.filtered(Box::new(AllQuery), filters);
            let by_date = top.order_by_fast_field::<i64>("published", Order::Desc);
            collect(&searcher, &*query, only, by_date)?
                .into_iter()
                .map(|(_, a)| (0.0, a))
                .collect()
        } else {
            let query = self.filtered(Box::new(BooleanQuery::new(clauses)), filters);
            collect(&searcher, &*query, only, top.order_by_score())?
        };
        let mut columns = HashMap::new();
        let mut hits = Vec::with_capacity(addresses.len());
        for (score, a) in addresses {
            let seg = a.segment_ord;
            let (ids, published) = match columns.entry(seg) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    let ff = searcher.segment_reader(seg).fast_fields();
                    e.insert((ff.i64("id")?, ff.i64("published")?))
                }
            };
            let Some(item) = ids.first(a.doc_id) else {
                continue;
            };
            hits.push(ProfileHit {
                item,
                score,
                published: published.first(a.doc_id).unwrap_or(0),
            });
        }
        Ok(hits)
    }
}
