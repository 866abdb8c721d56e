-- Key/value settings shared by every part of the app (timer lengths, retention, reader options…).
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
