-- One counter per topic the window shows, raised by triggers on every write to that topic's
-- tables, whoever writes (the window's writer, its index and ranking thread, the CLI). The
-- window polls these few rows to tell which views another connection changed: `PRAGMA
-- data_version` says only that something changed, and the window's own index and ranking
-- commits would then reload every view after each batch.
CREATE TABLE change_counts (
    topic TEXT PRIMARY KEY,
    n     INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

INSERT INTO change_counts(topic, n) VALUES ('Board', 0);
INSERT INTO change_counts(topic, n) VALUES ('TimeLog', 0);
INSERT INTO change_counts(topic, n) VALUES ('Timer', 0);
INSERT INTO change_counts(topic, n) VALUES ('Feeds', 0);
INSERT INTO change_counts(topic, n) VALUES ('Items', 0);
INSERT INTO change_counts(topic, n) VALUES ('Settings', 0);
INSERT INTO change_counts(topic, n) VALUES ('Reading', 0);
INSERT INTO change_counts(topic, n) VALUES ('ItemStates', 0);

CREATE TRIGGER board_columns_count_insert AFTER INSERT ON board_columns
BEGIN
    UPDATE change_counts SET n = n + 1 WHERE topic = 'Board';
END;
CREATE TRIGGER board_columns_count_update AFTER UPDATE ON board_columns
BEGIN
    UPDATE change_counts SET n = n + 1 WHERE topic = 'Board';
END;
CREATE TRIGGER board_columns_count_delete AFTER DELETE ON board_columns
BEGIN
    UPDATE change_counts SET n = n + 1 WHERE topic = 'Board';
END;
CREATE TRIGGER cards_count_insert AFTER INSERT ON cards
BEGIN
    UPDATE change_counts SET n = n + 1 WHERE topic = 'Board';
END;
CREATE TRIGGER cards_count_update AFTER UPDATE ON cards
BEGIN
    UPDATE change_counts SET n = n + 1 WHERE topic = 'Board';
END;
CREATE TRIGGER cards_count_delete AFTER DELETE ON cards
BEGIN
    UPDATE change_counts SET n = n + 1 WHERE topic = 'Board';
END;
CREATE TRIGGER time_log_count_insert AFTER INSERT ON time_log
BEGIN
    UPDATE change_counts SET n = n + 1 WHERE topic = 'TimeLog';
END;
CREATE TRIGGER time_log_count_update AFTER UPDATE ON time_log
BEGIN
    UPDATE change_counts SET n = n + 1 WHERE topic = 'TimeLog';
END;
CREATE TRIGGER time_log_count_delete AFTER DELETE ON time_log
BEGIN
    UPDATE change_counts SET n = n + 1 WHERE topic = 'TimeLog';
END;
CREATE TRIGGER focus_timer_count_insert AFTER INSERT ON focus_timer
BEGIN
    UPDATE change_counts SET n = n + 1 WHERE topic = 'Timer';
END;
CREATE TRIGGER focus_timer_count_update AFTER UPDATE ON focus_timer
BEGIN
    UPDATE change_counts SET n = n + 1 WHERE topic = 'Timer';
END;
CREATE TRIGGER focus_timer_count_delete AFTER DELETE ON focus_timer
BEGIN
    UPDATE change_counts SET n = n + 1 WHERE topic = 'Timer';
END;
CREATE TRIGGER feeds_count_insert AFTER INSERT ON feeds
BEGIN
    UPDATE change_counts SET n = n + 1 WHERE topic = 'Feeds';
END;
CREATE TRIGGER feeds_count_update AFTER UPDATE ON feeds
BEGIN
    UPDATE change_counts SET n = n + 1 WHERE topic = 'Feeds';
END;
CREATE TRIGGER feeds_count_delete AFTER DELETE ON feeds
BEGIN
    UPDATE change_counts SET n = n + 1 WHERE topic = 'Feeds';
END;
CREATE TRIGGER folders_count_insert AFTER INSERT ON folders
BEGIN
    UPDATE change_counts SET n = n + 1 WHERE topic = 'Feeds';
END;
CREATE TRIGGER folders_count_update AFTER UPDATE ON folders
BEGIN
    UPDATE change_counts SET n = n + 1 WHERE topic = 'Feeds';
END;
CREATE TRIGGER folders_count_delete AFTER DELETE ON folders
BEGIN
    UPDATE change_counts SET n = n + 1 WHERE topic = 'Feeds';
END;
CREATE TRIGGER items_count_insert AFTER INSERT ON items
BEGIN
    UPDATE change_counts SET n = n + 1 WHERE topic = 'Items';
END;
-- A mark or a star changes one flag: the lists repaint their rows, nothing is read again.
CREATE TRIGGER items_count_update AFTER UPDATE ON items
BEGIN
    UPDATE change_counts SET n = n + 1
    WHERE topic = CASE
        WHEN old.read_at IS NOT new.read_at OR old.starred_at IS NOT new.starred_at THEN 'ItemStates'
        ELSE 'Items' END;
END;
CREATE TRIGGER items_count_delete AFTER DELETE ON items
BEGIN
    UPDATE change_counts SET n = n + 1 WHERE topic = 'Items';
END;
CREATE TRIGGER settings_count_insert AFTER INSERT ON settings
BEGIN
    UPDATE change_counts SET n = n + 1 WHERE topic = 'Settings';
END;
CREATE TRIGGER settings_count_update AFTER UPDATE ON settings
BEGIN
    UPDATE change_counts SET n = n + 1 WHERE topic = 'Settings';
END;
CREATE TRIGGER settings_count_delete AFTER DELETE ON settings
BEGIN
    UPDATE change_counts SET n = n + 1 WHERE topic = 'Settings';
END;
CREATE TRIGGER rank_rules_count_insert AFTER INSERT ON rank_rules
BEGIN
    UPDATE change_counts SET n = n + 1 WHERE topic = 'Settings';
END;
CREATE TRIGGER rank_rules_count_update AFTER UPDATE ON rank_rules
BEGIN
    UPDATE change_counts SET n = n + 1 WHERE topic = 'Settings';
END;
CREATE TRIGGER rank_rules_count_delete AFTER DELETE ON rank_rules
BEGIN
    UPDATE change_counts SET n = n + 1 WHERE topic = 'Settings';
END;
CREATE TRIGGER reading_log_count_insert AFTER INSERT ON reading_log
BEGIN
    UPDATE change_counts SET n = n + 1 WHERE topic = 'Reading';
END;
CREATE TRIGGER reading_log_count_update AFTER UPDATE ON reading_log
BEGIN
    UPDATE change_counts SET n = n + 1 WHERE topic = 'Reading';
END;
CREATE TRIGGER reading_log_count_delete AFTER DELETE ON reading_log
BEGIN
    UPDATE change_counts SET n = n + 1 WHERE topic = 'Reading';
END;
