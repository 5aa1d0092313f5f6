-- Store-wide settings; 'mode' (test|live) is fixed by the first API key issued.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- API keys, stored only as SHA-256 hashes.
CREATE TABLE api_keys (
    id             TEXT PRIMARY KEY,         -- the public id inside the key
    hash           BLOB NOT NULL,            -- SHA-256 of the whole key
    mode           TEXT NOT NULL,            -- test | live
    customer_id    TEXT NOT NULL,
    name           TEXT,
    created_at     INTEGER NOT NULL,         -- unix seconds, UTC
    created_by     TEXT NOT NULL,            -- OS user
    expires_at     INTEGER,
    ttl_secs       INTEGER,                  -- the expiry policy, copied by rotation
    revoked_at     INTEGER,
    revoked_reason TEXT,
    last_used_at   INTEGER,
    replaces       TEXT,                     -- the key this one rotated
    replaced_by    TEXT
) STRICT, WITHOUT ROWID;                     -- one B-tree search per verify

CREATE INDEX api_keys_by_customer ON api_keys(customer_id);

-- Usage events; a repeated event_id is counted once.
CREATE TABLE usage_events (
    seq         INTEGER PRIMARY KEY,
    event_id    TEXT NOT NULL UNIQUE,
    customer_id TEXT NOT NULL,
    key_id      TEXT,
    quantity    INTEGER NOT NULL,
    ts          INTEGER NOT NULL,           -- when the call happened, unix seconds UTC
    endpoint    TEXT,
    meta        TEXT,
    recorded_at INTEGER NOT NULL
) STRICT;

-- Covering index for "calls of a customer in a period".
CREATE INDEX usage_by_customer_ts ON usage_events(customer_id, ts, quantity);
CREATE INDEX usage_by_key_ts ON usage_events(key_id, ts);

-- Append-only record of administrative actions.
CREATE TABLE audit (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,               -- key.issue, key.rotate, key.revoke, catalog.apply...
    key_id      TEXT,
    customer_id TEXT,
    reason      TEXT,
    detail      TEXT                         -- JSON
) STRICT;

CREATE INDEX audit_by_at ON audit(at);
