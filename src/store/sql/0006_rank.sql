-- The user's explicit ranking rules and recommender bookkeeping (owned by rank/).
-- Rules win over the model: action 'mute' hides matching items from For you, 'like' lifts them.
CREATE TABLE rank_rules (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('feed', 'author', 'keyword', 'regex')),
    action     TEXT NOT NULL CHECK (action IN ('like', 'mute')),
    pattern    TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (kind, action, pattern)
);

-- The learned model (JSON snapshot by item id, so it survives re-embedding) and the last event
-- it has seen; a missing or unreadable row is rebuilt by replaying the events table.
CREATE TABLE rank_model (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    format      INTEGER NOT NULL,
    last_event  INTEGER NOT NULL,
    state       TEXT NOT NULL,
    saved_at    INTEGER NOT NULL
);

-- The last For you list the worker computed, for the reader to show without ranking itself.
CREATE TABLE rank_list (
    position INTEGER PRIMARY KEY,
    item_id  INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    score    REAL NOT NULL,
    explored INTEGER NOT NULL DEFAULT 0,
    reasons  TEXT NOT NULL DEFAULT ''
);
