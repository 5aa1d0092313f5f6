-- Usage laid out by time (issue 6). An import carries events from many customers at once; with
-- indexes and rollups keyed by customer first, every batch wrote one page per customer in each of
-- them. Keyed by hour or day first, a batch writes near the end of each B-tree instead, while a
-- customer's (or key's) rows within an hour or a day stay together, so a lookup is still a seek.

-- Raw events by hour, then customer (or key): a period's partial-hour edges and the last
-- minute's calls are one seek per hour. Queries must use the same expression, `ts / 3600`.
DROP INDEX usage_by_customer_ts;
DROP INDEX usage_by_key_ts;
CREATE INDEX usage_by_hour_customer ON usage_events(ts / 3600, customer_id, ts, quantity);
CREATE INDEX usage_by_hour_key ON usage_events(ts / 3600, key_id, ts, quantity)
    WHERE key_id IS NOT NULL;

-- Hourly aggregates, clustered by UTC day first: a day's hours of one subject are one range.
CREATE TABLE usage_hourly (
    day      INTEGER NOT NULL,   -- start of the UTC day, unix seconds
    scope    TEXT NOT NULL,      -- customer | key
    subject  TEXT NOT NULL,      -- the customer id or key id
    hour     INTEGER NOT NULL,   -- start of the hour, unix seconds
    quantity INTEGER NOT NULL,
    events   INTEGER NOT NULL,
    PRIMARY KEY (day, scope, subject, hour)
) STRICT, WITHOUT ROWID;

-- Daily aggregates, by subject: a period's whole days are one range.
CREATE TABLE usage_daily (
    scope    TEXT NOT NULL,
    subject  TEXT NOT NULL,
    day      INTEGER NOT NULL,
    quantity INTEGER NOT NULL,
    events   INTEGER NOT NULL,
    PRIMARY KEY (scope, subject, day)
) STRICT, WITHOUT ROWID;

INSERT INTO usage_hourly (day, scope, subject, hour, quantity, events)
    SELECT bucket - ((bucket % 86400) + 86400) % 86400, scope, subject, bucket, quantity, events
    FROM usage_rollups WHERE grain = 'hour';
INSERT INTO usage_daily (scope, subject, day, quantity, events)
    SELECT scope, subject, bucket, quantity, events FROM usage_rollups WHERE grain = 'day';
DROP TABLE usage_rollups;
