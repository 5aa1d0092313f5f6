-- The webhook store (webhooks.db beside billctl.db): every Stripe event billctl has, every
-- request `webhooks listen` answered, and every replay delivery. A file of its own so that
-- webhook traffic neither grows the schema every `keys verify` parses nor contends with usage
-- imports for the write lock.

-- One row per event id: received by `listen`, read by `ingest`, or fetched by `backfill`.
CREATE TABLE events (
    id          TEXT PRIMARY KEY,           -- evt_...
    type        TEXT NOT NULL,
    created     INTEGER NOT NULL,           -- the event's created, unix seconds, UTC
    livemode    INTEGER NOT NULL,
    object_id   TEXT,                       -- data.object.id
    body        BLOB NOT NULL,              -- the JSON exactly as first received
    source      TEXT NOT NULL,              -- listen | ingest | backfill
    received_at INTEGER NOT NULL,           -- unix milliseconds, UTC
    received    INTEGER NOT NULL DEFAULT 1, -- how many times it arrived (duplicates are counted)
    status      TEXT NOT NULL DEFAULT 'pending', -- pending | applied | ignored | failed
    detail      TEXT,                       -- what applying did, why it was ignored, or the error
    applied_at  INTEGER                     -- unix milliseconds, UTC
) STRICT;

CREATE INDEX events_by_created ON events(created);
CREATE INDEX events_by_status ON events(status, created);

-- One row per HTTP request `listen` answered, accepted or not.
CREATE TABLE receipts (
    seq         INTEGER PRIMARY KEY,
    received_at INTEGER NOT NULL,           -- unix milliseconds, UTC
    event_id    TEXT,                       -- when the body had one
    http_status INTEGER NOT NULL,           -- what listen answered
    outcome     TEXT NOT NULL,              -- stored | duplicate | rejected
    reason      TEXT,                       -- why it was rejected
    headers     TEXT NOT NULL,              -- the request headers as a JSON object
    body        BLOB                        -- rejected requests only; stored events keep theirs
) STRICT;

CREATE INDEX receipts_by_event ON receipts(event_id);
CREATE INDEX receipts_by_outcome ON receipts(outcome, received_at);

-- `webhooks replay` runs and each delivery they made.
CREATE TABLE replay_runs (
    id          TEXT PRIMARY KEY,           -- rpl_...
    target      TEXT NOT NULL,              -- the URL
    selection   TEXT NOT NULL,              -- the filters as JSON
    actor       TEXT NOT NULL,
    started_at  INTEGER NOT NULL,           -- unix milliseconds, UTC
    finished_at INTEGER
) STRICT;

CREATE TABLE replay_deliveries (
    run_id       TEXT NOT NULL REFERENCES replay_runs(id),
    event_id     TEXT NOT NULL,
    attempted_at INTEGER NOT NULL,          -- unix milliseconds, UTC
    http_status  INTEGER,                   -- NULL: no answer
    latency_ms   INTEGER NOT NULL,
    ok           INTEGER NOT NULL,
    excerpt      TEXT                       -- the start of the answer, or the error
) STRICT;

CREATE INDEX replay_deliveries_by_run ON replay_deliveries(run_id, event_id);
