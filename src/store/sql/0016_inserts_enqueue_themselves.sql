-- A refresh stores tens of thousands of items; the two row triggers on every insert cost it
-- half of its time in SQLite (a trigger makes each insert a multi-row statement, so SQLite
-- keeps a statement journal of every page the insert touches, and runs the trigger's program
-- per row). The code that inserts items (`Store::store_feed_update`) now queues them for the
-- index and counts the change itself, once per transaction. Updates and deletes keep theirs.
DROP TRIGGER items_index_insert;
DROP TRIGGER items_count_insert;
