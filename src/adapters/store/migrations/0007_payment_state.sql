-- The payment state of each mirrored subscription (issue 16), learned from invoice webhooks:
-- when the current run of failed payments began (the past_due grace counts from it), how many
-- attempts failed, when Stripe retries next, and the invoice concerned. Cleared when an
-- invoice is paid or the subscription is active again.
ALTER TABLE subscriptions ADD COLUMN payment_failed_at INTEGER;
ALTER TABLE subscriptions ADD COLUMN failed_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE subscriptions ADD COLUMN next_payment_attempt INTEGER;
ALTER TABLE subscriptions ADD COLUMN unpaid_invoice_id TEXT;
