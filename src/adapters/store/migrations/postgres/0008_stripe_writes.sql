-- Issue 39: the write journal; see SQLite's 0013.
CREATE TABLE stripe_writes (
    object     TEXT PRIMARY KEY,
    seq        BIGINT NOT NULL,
    last_key   TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
