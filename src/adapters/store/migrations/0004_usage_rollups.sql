-- Usage aggregates by hour and by day, per customer and per key, maintained in the same
-- transaction as the raw events they count, so reports read these instead of raw events.
CREATE TABLE usage_rollups (
    scope    TEXT NOT NULL,      -- customer | key
    subject  TEXT NOT NULL,      -- the customer id or key id
    grain    TEXT NOT NULL,      -- hour | day
    bucket   INTEGER NOT NULL,   -- start of the hour or UTC day, unix seconds
    quantity INTEGER NOT NULL,
    events   INTEGER NOT NULL,
    PRIMARY KEY (scope, subject, grain, bucket)
) STRICT, WITHOUT ROWID;
