-- Every change to a mirrored subscription that moves revenue (issue 20): its status, tier or
-- price, dated when it took effect (an applied webhook's `created`, a lifecycle command's or a
-- sync's time, a backfilled Stripe timestamp). Appended, never rewritten: `billctl revenue`
-- rebuilds any past month from it.
CREATE TABLE subscription_history (
    seq             INTEGER PRIMARY KEY,
    subscription_id TEXT NOT NULL,
    customer_id     TEXT NOT NULL,
    at              INTEGER NOT NULL,   -- unix seconds, UTC
    status          TEXT NOT NULL,
    tier            TEXT NOT NULL,
    price_id        TEXT NOT NULL,
    -- The price as the catalog mirror knew it then (NULL when it did not): revenue of past
    -- months keeps the amounts of their time.
    amount          INTEGER,            -- minor units
    currency        TEXT,
    interval        TEXT,
    interval_count  INTEGER,
    source          TEXT NOT NULL       -- command | sync | webhook | backfill | mirror
) STRICT;
CREATE INDEX subscription_history_by_subscription ON subscription_history(subscription_id, at);
CREATE INDEX subscription_history_by_at ON subscription_history(at);

-- What the mirror holds now, as of when it learned it: months before this have no history
-- until `subscriptions sync --backfill-history` builds it from Stripe.
INSERT INTO subscription_history (subscription_id, customer_id, at, status, tier, price_id, amount, currency, interval, interval_count, source)
    SELECT s.id, s.customer_id, s.synced_at, s.status, s.tier, s.price_id, p.amount, p.currency, p.interval, p.interval_count, 'mirror'
    FROM subscriptions s LEFT JOIN catalog_prices p ON p.lookup_key = (SELECT min(lookup_key) FROM catalog_prices WHERE price_id = s.price_id);
