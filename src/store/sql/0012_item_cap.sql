-- When a feed last went over its item cap (newest kept, starred never dropped), and how many
-- items that dropped: the sidebar says so, since a cap that applies silently looks like loss.
ALTER TABLE feeds ADD COLUMN capped_at INTEGER;
ALTER TABLE feeds ADD COLUMN capped_count INTEGER NOT NULL DEFAULT 0;
