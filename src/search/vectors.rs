//! Per-item tf-idf term vectors for the recommender, computed with the index's own analyzer and
//! document frequencies. Term counts are cached per item (keyed by the document's stamp, so an
//! edited item is re-read) and idf per commit, so asking again for the same candidates is cheap.

use super::SearchError;
use super::analyzer::Analyzer;
use super::index::SearchIndex;
use super::schema::TITLE_BOOST;
use crate::model::ItemId;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tantivy::schema::Value;
use tantivy::{Searcher, TantivyDocument};

/// Sparse tf-idf weights of one item: `(analyzed term, weight)`, sorted by term, L2-normalized
/// (an empty item has an empty vector).
pub type TermVector = Vec<(String, f32)>;

/// How many items' term counts are kept; past it the cache starts over (a For you request
/// touches a few thousand).
const MAX_CACHED_ITEMS: usize = 20_000;

/// Term counts of one item: (term id, title-weighted count), sorted by term text.
type Counts = Arc<[(u32, f32)]>;

#[derive(Default)]
struct Inner {
    /// Interned terms: id → text and text → id.
    terms: Vec<Arc<str>>,
    ids: HashMap<Arc<str>, u32>,
    /// Item → (stamp of the document counted, counts).
    counts: HashMap<ItemId, (u64, Counts)>,
    /// idf by term id, valid for one searcher generation.
    idf_generation: u64,
    idf: HashMap<u32, f32>,
}

impl Inner {
    fn intern(&mut self, term: &str) -> u32 {
        if let Some(id) = self.ids.get(term) {
            return *id;
        }
        let id = self.terms.len() as u32;
        let text: Arc<str> = Arc::from(term);
        self.terms.push(text.clone());
        self.ids.insert(text, id);
        id
    }
}

/// The caches behind [`SearchIndex::term_vectors`].
#[derive(Default)]
pub struct VectorCache {
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for VectorCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VectorCache")
    }
}

impl SearchIndex {
    /// tf-idf term vectors of the given items, in the order given; items not in the index are
    /// left out. Weight = (1 + ln tf) × idf, where tf counts a title occurrence
    /// [`TITLE_BOOST`] times and idf = ln(1 + (N − df + ½)/(df + ½)) uses the index's document
    /// frequencies (the larger of title and content), as BM25 does.
    pub fn term_vectors(&self, items: &[ItemId]) -> Result<Vec<(ItemId, TermVector)>, SearchError> {
        let searcher = self.searcher();
        let map = self.doc_map()?;
        let generation = searcher.generation().generation_id();
        let mut cache = self
            .vector_cache()
            .inner
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if cache.idf_generation != generation {
            cache.idf_generation = generation;
            cache.idf.clear();
        }
        let mut analyzer = Analyzer::new();
        let n = searcher.num_docs() as f32;
        let mut out = Vec::with_capacity(items.len());
        for &item in items {
            let Some(entry) = map.by_item.get(&item) else {
                continue;
            };
            let counts = match cache.counts.get(&item) {
                Some((stamp, counts)) if *stamp == entry.stamp => counts.clone(),
                _ => {
                    let doc: TantivyDocument = searcher.doc(entry.address)?;
                    let counts = self.count_terms(&doc, &mut analyzer, &mut cache);
                    if cache.counts.len() >= MAX_CACHED_ITEMS {
                        cache.counts.clear();
                    }
                    cache.counts.insert(item, (entry.stamp, counts.clone()));
                    counts
                }
            };
            let mut vector: TermVector = Vec::with_capacity(counts.len());
            for &(term, count) in counts.iter() {
                let idf = match cache.idf.get(&term) {
                    Some(v) => *v,
                    None => {
                        let text = cache.terms.get(term as usize).cloned().unwrap_or_default();
                        let v = idf(self, &searcher, n, &text)?;
                        cache.idf.insert(term, v);
                        v
                    }
                };
                let text = cache.terms.get(term as usize).map(|t| t.to_string());
                vector.push((text.unwrap_or_default(), (1.0 + count.ln()) * idf));
            }
            let norm = vector.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
            if norm > 0.0 {
                for (_, w) in &mut vector {
                    *w /= norm;
                }
            }
            out.push((item, vector));
        }
        Ok(out)
    }

    /// The inverse document frequency of an analyzed term, as used in [`Self::term_vectors`].
    pub fn idf(&self, term: &str) -> Result<f32, SearchError> {
        let searcher = self.searcher();
        idf(self, &searcher, searcher.num_docs() as f32, term)
    }

    fn count_terms(
        &self,
        doc: &TantivyDocument,
        analyzer: &mut Analyzer,
        cache: &mut Inner,
    ) -> Counts {
        let f = self.fields();
        let mut tf: HashMap<u32, f32> = HashMap::new();
        for (field, weight) in [(f.title, TITLE_BOOST), (f.content, 1.0)] {
            for value in doc.get_all(field) {
                if let Some(text) = value.as_str() {
                    analyzer.for_each_token(text, |t| {
                        *tf.entry(cache.intern(t)).or_insert(0.0) += weight;
                    });
                }
            }
        }
        let mut counts: Vec<(u32, f32)> = tf.into_iter().collect();
        counts.sort_unstable_by(|a, b| {
            let text = |id: u32| cache.terms.get(id as usize).map(|t| &**t).unwrap_or("");
            text(a.0).cmp(text(b.0))
        });
        counts.into()
    }
}

fn idf(index: &SearchIndex, searcher: &Searcher, n: f32, term: &str) -> Result<f32, SearchError> {
    let df_content = searcher.doc_freq(&index.text_term(false, term))?;
    let df_title = searcher.doc_freq(&index.text_term(true, term))?;
    // Counts include deleted-but-unmerged documents; clamp so idf stays positive.
    let df = (df_content.max(df_title) as f32).min(n);
    Ok((1.0 + (n - df + 0.5) / (df + 0.5)).ln())
}
