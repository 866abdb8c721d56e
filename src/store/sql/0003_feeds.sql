-- Subscriptions and their items (owned by feeds/ and store/feeds.rs, store/items.rs).
-- All times are Unix seconds, UTC.
CREATE TABLE folders (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL,
    parent_id INTEGER REFERENCES folders(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX folders_name ON folders(ifnull(parent_id, 0), name);

CREATE TABLE feeds (
    id            INTEGER PRIMARY KEY,
    url           TEXT NOT NULL UNIQUE,
    title         TEXT NOT NULL DEFAULT '',
    site_url      TEXT,
    folder_id     INTEGER REFERENCES folders(id) ON DELETE SET NULL,
    etag          TEXT,
    last_modified TEXT,
    body_hash     TEXT,                       -- of the last body stored: an identical body is not parsed again
    last_fetch_at INTEGER,
    next_fetch_at INTEGER,
    error         TEXT,
    error_count   INTEGER NOT NULL DEFAULT 0,
    disabled      INTEGER NOT NULL DEFAULT 0,
    custom_title  INTEGER NOT NULL DEFAULT 0, -- 1 once the user renamed it: fetches keep their title
    created_at    INTEGER NOT NULL
);
CREATE INDEX feeds_next_fetch ON feeds(next_fetch_at) WHERE disabled = 0;

CREATE TABLE items (
    id            INTEGER PRIMARY KEY,
    feed_id       INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    key           TEXT NOT NULL,              -- stable dedup key: guid/id, else link, else content hash
    guid          TEXT,
    url           TEXT,
    title         TEXT NOT NULL DEFAULT '',   -- plain, safe text
    author        TEXT,
    content_html  TEXT,                       -- sanitized HTML as received (links absolute)
    content_text  TEXT NOT NULL DEFAULT '',   -- readable plain text for display and indexing
    categories    TEXT NOT NULL DEFAULT '[]', -- JSON array of strings
    enclosures    TEXT NOT NULL DEFAULT '[]', -- JSON array of {url, mime, length}
    published_at  INTEGER,
    updated_at    INTEGER,
    fetched_at    INTEGER NOT NULL,
    read_at       INTEGER,
    starred_at    INTEGER,
    content_hash  TEXT,
    UNIQUE(feed_id, key)
);
CREATE INDEX items_feed_published ON items(feed_id, published_at DESC);
CREATE INDEX items_published ON items(published_at DESC);
CREATE INDEX items_unread ON items(read_at) WHERE read_at IS NULL;
CREATE INDEX items_starred ON items(starred_at) WHERE starred_at IS NOT NULL;

-- Keys of items dropped by retention, so a feed that still lists them does not bring them
-- back as new unread items.
CREATE TABLE removed_items (
    feed_id    INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    key        TEXT NOT NULL,
    removed_at INTEGER NOT NULL,
    PRIMARY KEY (feed_id, key)
) WITHOUT ROWID;
