-- "Fetch full article": the readable part of an item's web page, kept beside the feed's summary
-- (which stays as received), or why it could not be had. Both are NULL until asked for.
ALTER TABLE items ADD COLUMN full_html TEXT;
ALTER TABLE items ADD COLUMN full_text TEXT;
ALTER TABLE items ADD COLUMN full_text_error TEXT;

-- Fetch the full article of every new item of this feed, as it arrives.
ALTER TABLE feeds ADD COLUMN full_text_always INTEGER NOT NULL DEFAULT 0;

-- The index holds the full text where there is one (search and For you read it): a change to it
-- queues the item as any indexed column does.
CREATE TRIGGER items_index_full_text AFTER UPDATE OF full_text ON items
WHEN old.full_text IS NOT new.full_text
BEGIN
    INSERT OR REPLACE INTO index_outbox(item_id) VALUES (new.id);
END;
