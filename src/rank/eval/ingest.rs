//! Puts MIND news through the app's own ingestion path — one feed per category in SQLite, items
//! stored as a fetch would store them, the tantivy index rebuilt from SQLite — and reads the
//! items back as the recommender sees them (the index's tf-idf term vectors).

use super::EvalError;
use super::mind::News;
use crate::model::{ItemId, UnixTime};
use crate::rank::corpus::{ItemDoc, link_domain};
use crate::search::SearchIndex;
use crate::store::Store;
use crate::store::items::{FeedUpdate, NewItem};
use std::collections::{BTreeMap, HashMap};

/// The ingested corpus: the recommender's items and the MIND id of each.
pub struct Ingested {
    pub docs: Vec<ItemDoc>,
    pub item_of: HashMap<String, ItemId>,
}

/// `published[news id]` is when the item appeared (MIND has no dates: the first impression
/// that shows or mentions it); items never shown get `fallback`.
pub fn ingest(
    news: &[News],
    published: &HashMap<String, UnixTime>,
    fallback: UnixTime,
) -> Result<Ingested, EvalError> {
    let mut store = Store::open_in_memory()?;
    let mut by_feed: BTreeMap<&str, Vec<NewItem>> = BTreeMap::new();
    for n in news {
        let at = published.get(&n.id).copied().unwrap_or(fallback);
        by_feed
            .entry(n.category.as_str())
            .or_default()
            .push(NewItem {
                key: n.id.clone(),
                guid: Some(n.id.clone()),
                url: Some(n.url.clone()).filter(|u| !u.is_empty()),
                title: n.title.clone(),
                author: None,
                content_html: None,
                content_text: n.abstract_text.clone(),
                categories: Vec::new(),
                enclosures: Vec::new(),
                published_at: Some(at),
                updated_at: None,
                content_hash: format!("{}:{}", n.id, n.title.len() + n.abstract_text.len()),
            });
    }
    for (category, items) in &by_feed {
        let (feed_id, _) =
            store.insert_feed(&format!("mind:{category}"), category, None, None, fallback)?;
        store.store_feed_update(&FeedUpdate {
            feed_id,
            title: category,
            site_url: None,
            etag: None,
            last_modified: None,
            body_hash: None,
            items,
            now: fallback,
            next_fetch_at: fallback,
            retention_cutoff: i64::MIN,
            retention_keep: u32::MAX,
            item_cap: u32::MAX,
        })?;
    }
    let mut index = SearchIndex::create_in_ram()?;
    crate::search::rebuild(&mut index, &store, &mut |_, _| {})?;
    index.reload()?;
    let rows = store_items(&store)?;
    let ids: Vec<ItemId> = rows.iter().map(|r| r.0).collect();
    let vectors: HashMap<ItemId, Vec<(String, f32)>> =
        index.term_vectors(&ids)?.into_iter().collect();
    let mut docs = Vec::with_capacity(rows.len());
    let mut item_of = HashMap::with_capacity(rows.len());
    for (id, key, feed, title, url, at) in rows {
        item_of.insert(key, id);
        // The category is the feed: its name is its key.
        docs.push(ItemDoc {
            id,
            feed,
            feed_name: String::new(),
            author: None,
            domain: url.as_deref().and_then(link_domain),
            published: at,
            terms: vectors.get(&id).cloned().unwrap_or_default(),
            title,
        });
    }
    Ok(Ingested { docs, item_of })
}

type Row = (ItemId, String, String, String, Option<String>, UnixTime);

/// Reads back what was stored (id, key, feed title, title, url, published).
fn store_items(store: &Store) -> Result<Vec<Row>, EvalError> {
    let mut stmt = store.conn().prepare(
        "SELECT i.id, i.key, f.title, i.title, i.url, coalesce(i.published_at, i.fetched_at)
         FROM items i JOIN feeds f ON f.id = i.feed_id ORDER BY i.id",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}
