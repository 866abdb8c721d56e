-- The user's explicit ranking rules and recommender bookkeeping (owned by rank/).
SELECT 1;
