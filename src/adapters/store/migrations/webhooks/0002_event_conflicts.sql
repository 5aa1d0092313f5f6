-- One event id that came with two bodies (issue 39): never a silent merge. The body that is not
-- the stored event's is kept here, with when and from where it came. `resolution` says which
-- copy won: `kept_apart` (this body came second and did not outrank the stored one, which
-- stayed) or `replaced` (this body was the stored event until a copy that outranks it, Stripe's
-- own from backfill or a signed delivery over an unverified ingest, took its place and was
-- applied). The same body again only raises `received`.
CREATE TABLE event_conflicts (
    seq              INTEGER PRIMARY KEY,
    event_id         TEXT NOT NULL,
    type             TEXT NOT NULL,        -- the type this body names
    created          INTEGER NOT NULL,     -- this body's created, unix seconds, UTC
    body             BLOB NOT NULL,        -- exactly as it came
    digest           TEXT NOT NULL,        -- sha256 of its canonical JSON
    source           TEXT NOT NULL,        -- where this body came from: listen | ingest | backfill
    received_at      INTEGER NOT NULL,     -- when it first came, unix milliseconds, UTC
    received         INTEGER NOT NULL DEFAULT 1,
    stored_type      TEXT NOT NULL,        -- the type of the stored event it conflicts with
    stored_source    TEXT NOT NULL,        -- and where that one came from
    reason           TEXT NOT NULL,        -- type (another event type) | body (same type, other content)
    resolution       TEXT NOT NULL,        -- kept_apart | replaced
    found_at         INTEGER NOT NULL,     -- unix milliseconds, UTC
    found_by         TEXT NOT NULL,        -- the path that found it: listen | ingest | backfill
    UNIQUE (event_id, digest)
) STRICT;

CREATE INDEX event_conflicts_by_created ON event_conflicts(created);
