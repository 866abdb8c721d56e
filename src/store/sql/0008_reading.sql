-- The daily reading budget's ledger: seconds the reader was in use on each local day, and the
-- minutes granted beyond the budget that day ("5 more minutes"). One row a day.
CREATE TABLE reading_log (
    day TEXT PRIMARY KEY,               -- YYYY-MM-DD, local
    seconds INTEGER NOT NULL DEFAULT 0,
    extra_seconds INTEGER NOT NULL DEFAULT 0
);
