-- The catalog as last synced by setup-products: tier -> product, and each price.
CREATE TABLE catalog_tiers (
    tier                  TEXT PRIMARY KEY,
    product_id            TEXT NOT NULL,
    name                  TEXT NOT NULL,
    quota                 INTEGER,          -- API calls per period; NULL = unlimited
    rate_limit_per_minute INTEGER NOT NULL,
    state_hash            TEXT NOT NULL,    -- hash of the desired state that was applied
    synced_at             INTEGER NOT NULL  -- unix seconds, UTC
) STRICT;

CREATE TABLE catalog_prices (
    lookup_key     TEXT PRIMARY KEY,
    tier           TEXT NOT NULL REFERENCES catalog_tiers(tier) ON DELETE CASCADE,
    price_id       TEXT NOT NULL,
    env            TEXT NOT NULL,
    is_primary     INTEGER NOT NULL,
    amount         INTEGER NOT NULL,        -- minor units
    currency       TEXT NOT NULL,
    interval       TEXT NOT NULL,
    interval_count INTEGER NOT NULL,
    synced_at      INTEGER NOT NULL
) STRICT;

CREATE INDEX catalog_prices_by_price ON catalog_prices(price_id);
