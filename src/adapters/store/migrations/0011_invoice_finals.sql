-- Issue 39. Invoices the mirror knows to be final (`paid` or `void`): Stripe never moves an
-- invoice out of either, so a failure of one of them that arrives later (even in the same
-- second as the `invoice.paid`) changes nothing. Recorded from the events' own objects.
CREATE TABLE invoice_finals (
    invoice_id      TEXT PRIMARY KEY,
    subscription_id TEXT NOT NULL,
    status          TEXT NOT NULL,   -- paid | void
    at              INTEGER NOT NULL -- the event's created, unix seconds, UTC
) STRICT, WITHOUT ROWID;
CREATE INDEX invoice_finals_by_subscription ON invoice_finals (subscription_id);
