-- What the user did with items, for the recommender (owned by the reader UI and rank/).
-- kind: impression | open | dwell | star | unstar | read_without_open | skip
CREATE TABLE events (
    id       INTEGER PRIMARY KEY,
    item_id  INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    kind     TEXT NOT NULL,
    view     TEXT,          -- list the item was shown in ("for_you", "unread", ...)
    position INTEGER,       -- row in that list, 0-based
    value    REAL,          -- dwell seconds, when kind = 'dwell'
    at       INTEGER NOT NULL
);
CREATE INDEX events_item ON events(item_id);
CREATE INDEX events_at ON events(at);
