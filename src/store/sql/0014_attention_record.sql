-- What Stats' 28 days need that was not kept: each day's reading budget as it stood (NULL on
-- days logged before this migration), and every time the focus lock was lifted ("Read anyway").
ALTER TABLE reading_log ADD COLUMN budget_minutes INTEGER;

CREATE TABLE attention_overrides (
    id            INTEGER PRIMARY KEY,
    at            INTEGER NOT NULL,
    session_start INTEGER          -- the focus session the reader was opened during
);
CREATE INDEX attention_overrides_at ON attention_overrides(at);

CREATE TRIGGER attention_overrides_count_insert AFTER INSERT ON attention_overrides
BEGIN
    UPDATE change_counts SET n = n + 1 WHERE topic = 'Reading';
END;
