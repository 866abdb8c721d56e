-- An item's age as For you reads it (published, or fetched when the feed gives no date): the
-- recommender takes the newest items of its window, and reaches back to the 200th newest unread
-- item when the window holds fewer. Without these, both sorted every item.
CREATE INDEX items_age ON items(coalesce(published_at, fetched_at));
CREATE INDEX items_unread_age ON items(coalesce(published_at, fetched_at)) WHERE read_at IS NULL;
