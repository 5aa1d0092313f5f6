-- Issue 39: invoices known to be final (paid or void); see SQLite's 0011.
CREATE TABLE invoice_finals (
    invoice_id      TEXT PRIMARY KEY,
    subscription_id TEXT NOT NULL,
    status          TEXT NOT NULL,
    at              BIGINT NOT NULL
);
CREATE INDEX invoice_finals_by_subscription ON invoice_finals (subscription_id);
