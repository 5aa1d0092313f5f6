//! The write journal: per Stripe object, how many changes billctl applied to it. Its sequence
//! is a part of every derived idempotency key (see `crate::domain::idempotency`), and a change is
//! recorded with its audit entry in one transaction.

use super::audit::{append_audit, Audit};
use super::Store;
use anyhow::Result;

impl Store {
    /// The changes billctl applied to `object` and recorded so far (0: none).
    pub fn write_seq(&self, object: &str) -> Result<i64> {
        Ok(self
            .db
            .query_opt(
                "SELECT seq FROM stripe_writes WHERE object = ?1",
                crate::ps![object],
                |r| r.i64(0),
            )?
            .unwrap_or(0))
    }

    /// Spends `key` without a change: the journal's sequence advances, so that the next
    /// attempt at a change Stripe did not make is a new request rather than the same replay.
    pub fn spend_key(&mut self, object: &str, key: &str, at: i64) -> Result<()> {
        self.db.execute(
            "INSERT INTO stripe_writes (object, seq, last_key, updated_at) VALUES (?1, 1, ?2, ?3) \
             ON CONFLICT (object) DO UPDATE SET seq = stripe_writes.seq + 1, last_key = excluded.last_key, updated_at = excluded.updated_at",
            crate::ps![object, key, at],
        )?;
        Ok(())
    }

    /// Records a change applied to `object` under `key`: its sequence advances, and `audit`
    /// is appended, together.
    pub fn record_write(&mut self, object: &str, key: &str, audit: &Audit, at: i64) -> Result<()> {
        self.db.tx(true, |db| {
            db.execute(
                "INSERT INTO stripe_writes (object, seq, last_key, updated_at) VALUES (?1, 1, ?2, ?3) \
                 ON CONFLICT (object) DO UPDATE SET seq = stripe_writes.seq + 1, last_key = excluded.last_key, updated_at = excluded.updated_at",
                crate::ps![object, key, at],
            )?;
            append_audit(db, at, audit)
        })
    }
}
