-- Usage events are identified by their source and id (issue 39), as OpenMeter deduplicates them
-- and as CloudEvents 1.0 makes only the pair unique: two producers may both send id `evt-1`.
-- `source` is '' for events that name none (`usage record`, `keys verify`, import lines without
-- one). `event_type` is a CloudEvent's `type` (the meter it counts for), NULL where none was
-- given; with customer, key, quantity and time it is what makes two events with one identity the
-- same event (a duplicate) or not (a conflict).
--
-- The UNIQUE constraint moves from `event_id` to `(source, event_id)`, so the table is rebuilt.
-- Events that came through `POST /api/v1/events` kept their source and type in `meta`, as exactly
-- `{"type": ..., "source": ...}`: they take them as columns, so a CloudEvent sent again after the
-- upgrade is still a duplicate of the one stored before it.
CREATE TABLE usage_events_new (
    seq         INTEGER PRIMARY KEY,
    source      TEXT NOT NULL DEFAULT '',
    event_id    TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    key_id      TEXT,
    quantity    INTEGER NOT NULL,
    ts          INTEGER NOT NULL,
    endpoint    TEXT,
    meta        TEXT,
    recorded_at INTEGER NOT NULL,
    event_type  TEXT,
    UNIQUE (source, event_id)
) STRICT;

INSERT INTO usage_events_new (seq, source, event_id, customer_id, key_id, quantity, ts, endpoint, meta, recorded_at, event_type)
SELECT seq,
       CASE WHEN c.cloud THEN json_extract(meta, '$.source') ELSE '' END,
       event_id, customer_id, key_id, quantity, ts, endpoint, meta, recorded_at,
       CASE WHEN c.cloud THEN json_extract(meta, '$.type') END
FROM (
    SELECT e.*,
           CASE
               WHEN meta IS NULL OR meta NOT LIKE '{"type":%' THEN 0
               WHEN NOT json_valid(meta) THEN 0
               WHEN json_type(meta) <> 'object' THEN 0
               WHEN coalesce(json_type(meta, '$.type'), '') <> 'text' THEN 0
               WHEN coalesce(json_type(meta, '$.source'), '') <> 'text' THEN 0
               WHEN (SELECT count(*) FROM json_each(meta)) <> 2 THEN 0
               ELSE 1
           END AS cloud
    FROM usage_events e
) c
ORDER BY seq;

DROP TABLE usage_events;
ALTER TABLE usage_events_new RENAME TO usage_events;
CREATE INDEX usage_by_hour_customer ON usage_events(ts / 3600, customer_id, ts, quantity);
CREATE INDEX usage_by_hour_key ON usage_events(ts / 3600, key_id, ts, quantity)
    WHERE key_id IS NOT NULL;

-- An event refused because its identity was taken by an event that says something else: the
-- event as offered, the one kept, the route it came by, when first and last seen, and how often
-- (a producer that retries it is one row). Listed by `billctl usage conflicts`.
CREATE TABLE usage_conflicts (
    id               INTEGER PRIMARY KEY,
    route            TEXT NOT NULL,
    source           TEXT NOT NULL,
    event_id         TEXT NOT NULL,
    customer_id      TEXT NOT NULL,
    key_id           TEXT NOT NULL,    -- '' for none, so the row is unique with it
    quantity         INTEGER NOT NULL,
    ts               INTEGER NOT NULL,
    event_type       TEXT NOT NULL,    -- '' for none
    kept_customer_id TEXT NOT NULL,
    kept_key_id      TEXT NOT NULL,
    kept_quantity    INTEGER NOT NULL,
    kept_ts          INTEGER NOT NULL,
    kept_event_type  TEXT NOT NULL,
    first_seen       INTEGER NOT NULL,
    last_seen        INTEGER NOT NULL,
    seen             INTEGER NOT NULL,
    UNIQUE (route, source, event_id, customer_id, key_id, quantity, ts, event_type)
) STRICT;
CREATE INDEX usage_conflicts_by_seen ON usage_conflicts(last_seen);
