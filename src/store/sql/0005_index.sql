-- Outbox of items whose tantivy documents must be (re)written or deleted (owned by search/).
SELECT 1;
