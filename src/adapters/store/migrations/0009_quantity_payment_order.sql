-- Issue 29. A subscription's quantity (Team is sold with seats): MRR is the unit amount times
-- the quantity, and a change of quantity is expansion or contraction. And the time of the
-- last invoice event applied to a subscription's payment state, so that an old
-- `invoice.payment_failed` delivered late never opens (or restarts) a dunning period after a
-- newer payment event.
ALTER TABLE subscriptions ADD COLUMN quantity INTEGER NOT NULL DEFAULT 1;
ALTER TABLE subscriptions ADD COLUMN payment_state_at INTEGER;
ALTER TABLE subscription_history ADD COLUMN quantity INTEGER NOT NULL DEFAULT 1;
