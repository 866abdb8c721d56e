-- Kanban board, cards, pomodoro time log and the persisted timer (owned by focus/ and store/focus*.rs).

CREATE TABLE board_columns (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL,
    position  INTEGER NOT NULL,
    -- Work-in-progress limit: shown, highlighted when exceeded, never enforced.
    wip_limit INTEGER CHECK (wip_limit IS NULL OR wip_limit > 0)
);

CREATE TABLE cards (
    id          INTEGER PRIMARY KEY,
    column_id   INTEGER NOT NULL REFERENCES board_columns(id),
    position    INTEGER NOT NULL,
    title       TEXT NOT NULL,
    notes       TEXT NOT NULL DEFAULT '',
    labels      TEXT NOT NULL DEFAULT '[]',  -- JSON array of strings
    due_date    TEXT,                        -- YYYY-MM-DD, a calendar day (no time zone)
    estimate    INTEGER,                     -- pomodoros
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    archived_at INTEGER                      -- NULL while on the board
);
CREATE INDEX cards_by_column ON cards(column_id, archived_at, position);

-- One row per focus session (or the part of one spent on a task). Pomodoros and minutes on a
-- card, per day and per task are all computed from here, so nothing can drift apart.
CREATE TABLE time_log (
    id         INTEGER PRIMARY KEY,
    card_id    INTEGER REFERENCES cards(id) ON DELETE SET NULL,
    started_at INTEGER NOT NULL,
    ended_at   INTEGER NOT NULL,
    seconds    INTEGER NOT NULL CHECK (seconds >= 0),
    completed  INTEGER NOT NULL DEFAULT 0    -- 1: ran to the end, counts as a pomodoro
);
CREATE INDEX time_log_by_end ON time_log(ended_at);
CREATE INDEX time_log_by_card ON time_log(card_id);

-- The timer (focus::timer::Timer as JSON): a single row, rewritten on every transition.
CREATE TABLE focus_timer (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    state TEXT NOT NULL
);

INSERT INTO board_columns(name, position) VALUES
    ('Backlog', 0), ('Today', 1), ('Doing', 2), ('Done', 3);
