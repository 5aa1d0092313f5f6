-- The local mirror of who is on which tier: customers and their subscriptions, as last seen
-- in Stripe by a lifecycle command or 'subscriptions sync'.
CREATE TABLE customers (
    id         TEXT PRIMARY KEY,        -- cus_...
    email      TEXT,
    name       TEXT,
    created    INTEGER NOT NULL,        -- unix seconds, UTC
    synced_at  INTEGER NOT NULL
) STRICT;

CREATE INDEX customers_by_email ON customers(email);

CREATE TABLE subscriptions (
    id                   TEXT PRIMARY KEY,  -- sub_...
    customer_id          TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    status               TEXT NOT NULL,     -- Stripe's status: active, canceled, past_due...
    tier                 TEXT NOT NULL,     -- a configured tier id, or 'unknown'
    price_id             TEXT NOT NULL,
    item_id              TEXT NOT NULL,
    current_period_start INTEGER NOT NULL,
    current_period_end   INTEGER NOT NULL,
    cancel_at_period_end INTEGER NOT NULL,
    cancel_at            INTEGER,
    canceled_at          INTEGER,
    ended_at             INTEGER,
    created              INTEGER NOT NULL,
    synced_at            INTEGER NOT NULL
) STRICT;

CREATE INDEX subscriptions_by_customer ON subscriptions(customer_id, status);
