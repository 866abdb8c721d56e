//! The recommender's view of the local corpus: every item's tf-idf term vector (from the search
//! index's own analyzer and statistics), feed, author and link domain, interned into dense ids
//! so scoring touches only flat arrays.

use crate::model::{ItemId, UnixTime};
use std::collections::HashMap;

/// One item as the recommender sees it, before interning.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemDoc {
    pub id: ItemId,
    /// Feed (source) key: the feed id as text, or a category name in the offline evaluation.
    pub feed: String,
    /// The feed's title, for explanations (empty: the key is the title). Not the key, so two
    /// feeds of one title stay apart and a renamed feed keeps what was learned about it.
    pub feed_name: String,
    pub author: Option<String>,
    /// Host of the item's link, `www.` stripped.
    pub domain: Option<String>,
    pub published: UnixTime,
    /// L2-normalized tf-idf weights by analyzed term (as `SearchIndex::term_vectors` returns).
    pub terms: Vec<(String, f32)>,
    /// Title, kept for explanations ("like <item>").
    pub title: String,
}

#[cfg(test)]
impl ItemDoc {
    /// Item `id` of feed "f", published at `id`, whose only word is "w" (tests' filler).
    pub(crate) fn one_word(id: ItemId) -> Self {
        Self {
            id,
            feed: "f".into(),
            feed_name: String::new(),
            author: None,
            domain: None,
            published: id,
            terms: vec![("w".into(), 1.0)],
            title: String::new(),
        }
    }
}

/// Dense position of an item inside a [`Corpus`].
pub type Slot = usize;

/// The interned corpus: sparse tf-idf rows plus categorical ids per item.
#[derive(Debug, Default, Clone)]
pub struct Corpus {
    pub ids: Vec<ItemId>,
    pub slot_of: HashMap<ItemId, Slot>,
    pub titles: Vec<String>,
    pub published: Vec<UnixTime>,
    /// Sparse rows: (term id, weight), sorted by term id, L2-normalized.
    pub rows: Vec<Vec<(u32, f32)>>,
    pub terms: Vec<String>,
    pub term_of: HashMap<String, u32>,
    pub feed: Vec<u32>,
    pub feeds: Vec<String>,
    /// Each feed's title, for explanations (the latest one seen).
    pub feed_names: Vec<String>,
    pub author: Vec<Option<u32>>,
    /// Authors by interned id, lowercased so "Ann Lee" and "ann lee" are one (the key).
    pub authors: Vec<String>,
    /// Each author as first spelled, for explanations.
    pub author_names: Vec<String>,
    pub domain: Vec<Option<u32>>,
    pub domains: Vec<String>,
    feed_of: HashMap<String, u32>,
    author_of: HashMap<String, u32>,
    domain_of: HashMap<String, u32>,
}

fn intern(table: &mut Vec<String>, index: &mut HashMap<String, u32>, key: &str) -> u32 {
    if let Some(&i) = index.get(key) {
        return i;
    }
    let i = table.len() as u32;
    table.push(key.to_owned());
    index.insert(key.to_owned(), i);
    i
}

impl Corpus {
    /// Interns the items; a repeated item id keeps its first occurrence.
    pub fn build(docs: &[ItemDoc]) -> Self {
        let mut c = Corpus::default();
        for d in docs {
            c.push(d);
        }
        c
    }

    /// Adds one item (an item that arrived after the corpus was built); its slot, or `None` when
    /// the item is already in.
    pub fn push(&mut self, d: &ItemDoc) -> Option<Slot> {
        if self.slot_of.contains_key(&d.id) {
            return None;
        }
        let slot = self.ids.len();
        self.slot_of.insert(d.id, slot);
        self.ids.push(d.id);
        self.titles.push(d.title.clone());
        self.published.push(d.published);
        let mut row: Vec<(u32, f32)> = d
            .terms
            .iter()
            .filter(|(_, w)| w.is_finite() && *w > 0.0)
            .map(|(t, w)| (intern(&mut self.terms, &mut self.term_of, t), *w))
            .collect();
        row.sort_unstable_by_key(|(t, _)| *t);
        row.dedup_by_key(|(t, _)| *t);
        normalize_sparse(&mut row);
        self.rows.push(row);
        let feed = intern(&mut self.feeds, &mut self.feed_of, &d.feed);
        let name = if d.feed_name.is_empty() {
            &d.feed
        } else {
            &d.feed_name
        };
        if self.feed_names.len() < self.feeds.len() {
            self.feed_names.push(name.clone());
        } else if let Some(n) = self.feed_names.get_mut(feed as usize) {
            name.clone_into(n);
        }
        self.feed.push(feed);
        let author = d.author.as_deref().map(str::trim).filter(|a| !a.is_empty());
        let author = author.map(|a| {
            let id = intern(&mut self.authors, &mut self.author_of, &a.to_lowercase());
            if self.author_names.len() < self.authors.len() {
                self.author_names.push(a.to_owned());
            }
            id
        });
        self.author.push(author);
        let domain = d
            .domain
            .as_deref()
            .filter(|a| !a.is_empty())
            .map(|a| intern(&mut self.domains, &mut self.domain_of, a));
        self.domain.push(domain);
        Some(slot)
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn slot(&self, id: ItemId) -> Option<Slot> {
        self.slot_of.get(&id).copied()
    }
}

/// Scales a sparse vector to unit length (left alone when empty or zero).
pub fn normalize_sparse(row: &mut [(u32, f32)]) {
    let n = row.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    if n > 0.0 {
        for (_, w) in row.iter_mut() {
            *w /= n;
        }
    }
}

/// Dot product of two sparse vectors sorted by term id.
pub fn sparse_dot(a: &[(u32, f32)], b: &[(u32, f32)]) -> f32 {
    let (mut i, mut j, mut s) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    s
}

/// The host of an http(s) link without `www.`, for the "link domain" feature.
pub fn link_domain(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let host = parsed.host_str()?.to_lowercase();
    Some(host.strip_prefix("www.").unwrap_or(&host).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: ItemId, feed: &str, terms: &[(&str, f32)]) -> ItemDoc {
        ItemDoc {
            id,
            feed: feed.into(),
            feed_name: String::new(),
            author: None,
            domain: link_domain("https://www.Example.org/a"),
            published: 0,
            terms: terms.iter().map(|(t, w)| ((*t).to_owned(), *w)).collect(),
            title: format!("item {id}"),
        }
    }

    #[test]
    fn interning_shares_ids_and_normalizes_rows() {
        let c = Corpus::build(&[
            doc(10, "a", &[("x", 3.0), ("y", 4.0)]),
            doc(11, "a", &[("y", 1.0)]),
            doc(10, "b", &[("z", 1.0)]),
        ]);
        assert_eq!(c.len(), 2);
        assert_eq!(c.feed, vec![0, 0]);
        assert_eq!(c.domains, vec!["example.org".to_owned()]);
        let dot = sparse_dot(&c.rows[0], &c.rows[1]);
        assert!((dot - 0.8).abs() < 1e-6, "{dot}");
    }

    #[test]
    fn authors_match_whatever_their_case_and_keep_their_spelling_for_display() {
        let mut a = doc(1, "f", &[("x", 1.0)]);
        a.author = Some("Ann Lee".into());
        let mut b = doc(2, "f", &[("x", 1.0)]);
        b.author = Some(" ann lee ".into());
        let c = Corpus::build(&[a, b]);
        assert_eq!(c.author, vec![Some(0), Some(0)]);
        assert_eq!(c.authors, vec!["ann lee".to_owned()]);
        assert_eq!(c.author_names, vec!["Ann Lee".to_owned()]);
    }
}
