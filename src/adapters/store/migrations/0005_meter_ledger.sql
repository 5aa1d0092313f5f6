-- What `usage sync` sent to Stripe's meter: one row per meter event, so a sync is resumable and
-- a re-run sends only usage not yet sent (the delta per customer and hour), whatever Stripe's
-- 24-hour identifier window.
CREATE TABLE meter_ledger (
    event_name  TEXT NOT NULL,     -- the meter's event name
    customer_id TEXT NOT NULL,
    window      INTEGER NOT NULL,  -- start of the UTC hour the usage is in, unix seconds
    seq         INTEGER NOT NULL,  -- 1, 2, ... per customer and hour
    identifier  TEXT NOT NULL UNIQUE,
    quantity    INTEGER NOT NULL CHECK (quantity > 0),
    status      TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    created_at  INTEGER NOT NULL,
    sent_at     INTEGER,
    error       TEXT,
    PRIMARY KEY (event_name, customer_id, window, seq)
) STRICT, WITHOUT ROWID;

-- Settings used by usage compaction: the horizon before which raw events were dropped.
-- (Stored in the existing settings table; nothing to create.)
