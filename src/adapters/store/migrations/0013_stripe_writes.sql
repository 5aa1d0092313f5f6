-- Issue 39. The write journal: per Stripe object, how many changes billctl applied to it. The
-- sequence is part of every derived idempotency key, so a change repeated later (A, B, then A
-- again) is a new request in Stripe's eyes, while a retry of one not yet recorded reuses its key.
CREATE TABLE stripe_writes (
    object     TEXT PRIMARY KEY,                -- the Stripe object written (sub_..., cus_..., pm_...)
    seq        INTEGER NOT NULL,                -- changes applied and recorded so far
    last_key   TEXT NOT NULL,                   -- the idempotency key of the last one
    updated_at INTEGER NOT NULL                 -- unix seconds, UTC
) STRICT, WITHOUT ROWID;
