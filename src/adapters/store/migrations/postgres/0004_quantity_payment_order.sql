-- Issue 29: a subscription's quantity, and the time of its last payment-state event; see
-- SQLite's 0009.
ALTER TABLE subscriptions ADD COLUMN quantity BIGINT NOT NULL DEFAULT 1;
ALTER TABLE subscriptions ADD COLUMN payment_state_at BIGINT;
ALTER TABLE subscription_history ADD COLUMN quantity BIGINT NOT NULL DEFAULT 1;
