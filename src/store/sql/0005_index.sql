-- Outbox of items whose tantivy documents must be (re)written or deleted (owned by search/).
-- Triggers fill it, so code that writes items never has to know about the index; the indexer
-- drains it in batched commits. One row per item: re-queuing replaces the row and gives it a new
-- seq, so an entry re-queued while a batch is being indexed survives that batch's acknowledgement.
CREATE TABLE index_outbox (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id INTEGER NOT NULL UNIQUE
);

CREATE TRIGGER items_index_insert AFTER INSERT ON items
BEGIN
    INSERT OR REPLACE INTO index_outbox(item_id) VALUES (new.id);
END;

-- Only the columns the index holds, and only when a value really changed: read/star changes
-- and refreshes that rewrite an item unchanged do not touch the index.
CREATE TRIGGER items_index_update
AFTER UPDATE OF id, feed_id, title, author, content_text, categories, published_at, fetched_at
ON items
WHEN old.id IS NOT new.id OR old.feed_id IS NOT new.feed_id OR old.title IS NOT new.title
  OR old.author IS NOT new.author OR old.content_text IS NOT new.content_text
  OR old.categories IS NOT new.categories OR old.published_at IS NOT new.published_at
  OR (new.published_at IS NULL AND old.fetched_at IS NOT new.fetched_at)
BEGIN
    INSERT OR REPLACE INTO index_outbox(item_id) VALUES (old.id);
    INSERT OR REPLACE INTO index_outbox(item_id) VALUES (new.id);
END;

-- Also fires for rows removed by ON DELETE CASCADE (unsubscribing a feed).
CREATE TRIGGER items_index_delete AFTER DELETE ON items
BEGIN
    INSERT OR REPLACE INTO index_outbox(item_id) VALUES (old.id);
END;
