-- Issue 32. The callers of `billctl serve`: service tokens, stored only as the SHA-256 of the
-- whole token, each with its scopes (verify, usage, read: a comma-separated list, sorted).
CREATE TABLE service_tokens (
    id         TEXT PRIMARY KEY,                -- the public id inside the token
    name       TEXT NOT NULL,
    scopes     TEXT NOT NULL,
    hash       BLOB NOT NULL,
    created_at INTEGER NOT NULL,                -- unix seconds, UTC
    created_by TEXT NOT NULL,                   -- OS user
    revoked_at INTEGER,
    revoked_by TEXT
) STRICT, WITHOUT ROWID;

-- A name names one token in use (a revoked token's name may be used again).
CREATE UNIQUE INDEX service_tokens_in_use ON service_tokens(name) WHERE revoked_at IS NULL;
