//! What the recommender asks of the index: candidates scored by BM25 against a weighted term
//! profile (with the same filters as search), and per-item tf-idf term vectors computed with
//! the index's own analyzer and document frequencies.

use super::SearchError;
use super::analyzer::Analyzer;
use super::index::SearchIndex;
use super::query::Filters;
use super::schema::TITLE_BOOST;
use crate::model::{ItemId, UnixTime};
use std::collections::HashMap;
use tantivy::collector::{FilterCollector, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::Value;
use tantivy::{Order, Searcher, TantivyDocument};

/// A candidate from [`SearchIndex::query_by_profile`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProfileHit {
    pub item: ItemId,
    /// Sum over profile terms of weight × BM25 (title matches count [`TITLE_BOOST`] times).
    pub score: f32,
    /// `published_at` (else `fetched_at`), for the recency part of the ranking.
    pub published: UnixTime,
}

/// Sparse tf-idf weights of one item: `(analyzed term, weight)`, sorted by term, L2-normalized
/// (an empty item has an empty vector).
pub type TermVector = Vec<(String, f32)>;

impl SearchIndex {
    /// The `limit` items that best match a weighted term profile, best first.
    ///
    /// Terms must be analyzed as the index does ([`super::Analyzer`]/[`super::tokenize`], e.g.
    /// from [`term_vectors`](Self::term_vectors)); terms with weight ≤ 0 or not finite are
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
        let only = filters.only.clone();
        let keep = move |id: i64| only.as_ref().is_none_or(|s| s.contains(&id));
        let top = TopDocs::with_limit(limit);
        let addresses: Vec<(f32, tantivy::DocAddress)> = if clauses.is_empty() {
            let query = self.filtered(Box::new(AllQuery), filters);
            let c = FilterCollector::new(
                "id".into(),
                keep,
                top.order_by_fast_field::<i64>("published", Order::Desc),
            );
            searcher
                .search(&*query, &c)?
                .into_iter()
                .map(|(_, a)| (0.0, a))
                .collect()
        } else {
            let query = self.filtered(Box::new(BooleanQuery::new(clauses)), filters);
            let c = FilterCollector::new("id".into(), keep, top.order_by_score());
            searcher.search(&*query, &c)?
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

    /// tf-idf term vectors of the given items, in the order given; items not in the index are
    /// left out. Weight = (1 + ln tf) × idf, where tf counts a title occurrence
    /// [`TITLE_BOOST`] times and idf = ln(1 + (N − df + ½)/(df + ½)) uses the index's document
    /// frequencies (the larger of title and content), as BM25 does.
    pub fn term_vectors(&self, items: &[ItemId]) -> Result<Vec<(ItemId, TermVector)>, SearchError> {
        let searcher = self.searcher();
        let map = self.doc_map()?;
        let mut analyzer = Analyzer::new();
        let mut idf = IdfCache::new(&searcher);
        let f = self.fields();
        let mut out = Vec::with_capacity(items.len());
        let mut tf: HashMap<String, f32> = HashMap::new();
        for &item in items {
            let Some(entry) = map.by_item.get(&item) else {
                continue;
            };
            let doc: TantivyDocument = searcher.doc(entry.address)?;
            tf.clear();
            for (field, weight) in [(f.title, TITLE_BOOST), (f.content, 1.0)] {
                for value in doc.get_all(field) {
                    if let Some(text) = value.as_str() {
                        analyzer.for_each_token(text, |t| {
                            if let Some(w) = tf.get_mut(t) {
                                *w += weight;
                            } else {
                                tf.insert(t.to_owned(), weight);
                            }
                        });
                    }
                }
            }
            let mut vector: TermVector = Vec::with_capacity(tf.len());
            for (term, count) in tf.drain() {
                let w = (1.0 + count.ln()) * idf.get(self, &term)?;
                vector.push((term, w));
            }
            let norm = vector.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
            if norm > 0.0 {
                for (_, w) in &mut vector {
                    *w /= norm;
                }
            }
            vector.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            out.push((item, vector));
        }
        Ok(out)
    }

    /// The inverse document frequency of an analyzed term, as used in [`Self::term_vectors`].
    pub fn idf(&self, term: &str) -> Result<f32, SearchError> {
        IdfCache::new(&self.searcher()).get(self, term)
    }
}

/// Document frequencies looked up once per term for a batch of term vectors.
struct IdfCache<'a> {
    searcher: &'a Searcher,
    n: f32,
    cache: HashMap<String, f32>,
}

impl<'a> IdfCache<'a> {
    fn new(searcher: &'a Searcher) -> Self {
        Self {
            searcher,
            n: searcher.num_docs() as f32,
            cache: HashMap::new(),
        }
    }

    fn get(&mut self, index: &SearchIndex, term: &str) -> Result<f32, SearchError> {
        if let Some(v) = self.cache.get(term) {
            return Ok(*v);
        }
        let df_content = self.searcher.doc_freq(&index.text_term(false, term))?;
        let df_title = self.searcher.doc_freq(&index.text_term(true, term))?;
        // Counts include deleted-but-unmerged documents; clamp so idf stays positive.
        let df = (df_content.max(df_title) as f32).min(self.n);
        let v = (1.0 + (self.n - df + 0.5) / (df + 0.5)).ln();
        self.cache.insert(term.to_owned(), v);
        Ok(v)
    }
}
