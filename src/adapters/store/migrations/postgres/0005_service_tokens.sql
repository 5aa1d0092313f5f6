-- Issue 32: the callers of `billctl serve`; see SQLite's 0010.
CREATE TABLE service_tokens (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    scopes     TEXT NOT NULL,
    hash       BYTEA NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    revoked_at BIGINT,
    revoked_by TEXT
);
CREATE UNIQUE INDEX service_tokens_in_use ON service_tokens(name) WHERE revoked_at IS NULL;
