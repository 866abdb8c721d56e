-- What the user did with items, for the recommender (written by the reader UI through the worker,
-- read by rank/). Times are Unix seconds, UTC.
-- kind: impression | open | dwell | star | unstar | read_without_open | skip
CREATE TABLE events (
    id       INTEGER PRIMARY KEY,
    item_id  INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    kind     TEXT NOT NULL,
    view     TEXT,          -- list the item was shown in ("for_you", "unread", "feed", ...)
    position INTEGER,       -- row in that list, 0-based
    value    REAL,          -- dwell seconds, when kind = 'dwell'
    at       INTEGER NOT NULL
);
CREATE INDEX events_item ON events(item_id);
CREATE INDEX events_at ON events(at);
-- The recommender replays events of one kind in time order (opens since T, impressions since T).
CREATE INDEX events_kind_at ON events(kind, at);

-- The reader's sidebar counts unread items per feed on every change: an index holding exactly
-- those rows makes that an index-only count instead of a scan of every item.
CREATE INDEX items_unread_feed ON items(feed_id) WHERE read_at IS NULL;
