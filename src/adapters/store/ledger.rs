//! The meter ledger: what `usage sync` sent to Stripe, per customer, hour and sequence number.

use super::Store;
use anyhow::Result;

/// One meter event billctl sent or is about to send.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerRow {
    pub customer: String,
    pub window: i64,
    pub seq: i64,
    pub identifier: String,
    pub quantity: i64,
    pub status: String,
    pub created_at: i64,
    pub error: Option<String>,
}

/// Usage of one customer and hour not yet sent (`local` minus sent and pending).
#[derive(Debug, Clone, PartialEq)]
pub struct WindowDelta {
    pub customer: String,
    pub window: i64,
    pub local: i64,
    pub accounted: i64,
}

/// Stripe's identifiers are at most 100 characters; this one is deterministic.
pub fn identifier(event_name: &str, customer: &str, window: i64, seq: i64) -> String {
    let full = format!("billctl-{customer}-{window}-{seq}");
    if full.len() <= 100 {
        full
    } else {
        // Very long customer ids: a digest keeps it deterministic and short.
        crate::domain::idempotency::derived(&[
            event_name,
            customer,
            &window.to_string(),
            &seq.to_string(),
        ])
    }
}

fn ledger_row(r: &super::db::R) -> Result<LedgerRow> {
    Ok(LedgerRow {
        customer: r.text(0)?,
        window: r.i64(1)?,
        seq: r.i64(2)?,
        identifier: r.text(3)?,
        quantity: r.i64(4)?,
        status: r.text(5)?,
        created_at: r.i64(6)?,
        error: r.opt_text(7)?,
    })
}

/// `window` is a reserved word in Postgres: always quoted.
macro_rules! ledger_columns {
    () => {
        "customer_id, \"window\", seq, identifier, quantity, status, created_at, error"
    };
}

impl Store {
    /// Hours from `since` whose local usage (hourly customer rollups) exceeds what the ledger
    /// has sent or is sending for the meter.
    pub fn unsent_windows(&self, event_name: &str, since: i64) -> Result<Vec<WindowDelta>> {
        let rows = self.db.query(
            "SELECT r.subject, r.hour, r.quantity,
                    CAST(COALESCE((SELECT sum(l.quantity) FROM meter_ledger l
                              WHERE l.event_name = ?1 AND l.customer_id = r.subject
                                AND l.\"window\" = r.hour AND l.status IN ('pending', 'sent')), 0) AS BIGINT)
             FROM usage_hourly r
             WHERE r.day >= ?3 AND r.scope = 'customer' AND r.hour >= ?2
             ORDER BY r.subject, r.hour",
            crate::ps![
                event_name,
                since,
                since.div_euclid(86_400).saturating_mul(86_400)
            ],
            |r| {
                Ok(WindowDelta {
                    customer: r.text(0)?,
                    window: r.i64(1)?,
                    local: r.i64(2)?,
                    accounted: r.i64(3)?,
                })
            },
        )?;
        Ok(rows
            .into_iter()
            .filter(|d| d.local != d.accounted)
            .collect())
    }

    /// Adds pending rows for the deltas (next sequence number per customer and hour), in one
    /// transaction, and returns them.
    pub fn plan_meter_events(
        &mut self,
        event_name: &str,
        deltas: &[WindowDelta],
        now: i64,
    ) -> Result<Vec<LedgerRow>> {
        self.db.tx(true, |db| {
            db.lock(&format!("ledger:{event_name}"))?;
            let mut out = Vec::new();
            for d in deltas.iter().filter(|d| d.local > d.accounted) {
                let seq = db.int(
                    "SELECT CAST(COALESCE(max(seq), 0) + 1 AS BIGINT) FROM meter_ledger
                     WHERE event_name = ?1 AND customer_id = ?2 AND \"window\" = ?3",
                    crate::ps![event_name, &d.customer, d.window],
                )?;
                let id = identifier(event_name, &d.customer, d.window, seq);
                let quantity = d.local - d.accounted;
                db.execute(
                    "INSERT INTO meter_ledger (event_name, customer_id, \"window\", seq, identifier,
                         quantity, status, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7)",
                    crate::ps![event_name, &d.customer, d.window, seq, &id, quantity, now],
                )?;
                out.push(LedgerRow {
                    customer: d.customer.clone(),
                    window: d.window,
                    seq,
                    identifier: id,
                    quantity,
                    status: "pending".into(),
                    created_at: now,
                    error: None,
                });
            }
            Ok(out)
        })
    }

    /// Pending rows of the meter, oldest first.
    pub fn pending_meter_events(&self, event_name: &str) -> Result<Vec<LedgerRow>> {
        self.db.query(
            concat!("SELECT ", ledger_columns!(), " FROM meter_ledger
             WHERE event_name = ?1 AND status = 'pending' ORDER BY created_at, customer_id, \"window\", seq"),
            crate::ps![event_name],
            ledger_row,
        )
    }

    /// Records outcomes: `(identifier, Ok(()))` sent, `(identifier, Err(reason))` failed for
    /// good. One transaction.
    pub fn settle_meter_events(
        &mut self,
        outcomes: &[(String, Result<(), String>)],
        now: i64,
    ) -> Result<()> {
        if outcomes.is_empty() {
            return Ok(());
        }
        self.db.tx(true, |db| {
            let mut stmt = db.prepare(
                "UPDATE meter_ledger SET status = ?2, sent_at = ?3, error = ?4
                 WHERE identifier = ?1 AND status = 'pending'",
            )?;
            for (id, outcome) in outcomes {
                match outcome {
                    Ok(()) => stmt.execute(crate::ps![id, "sent", now, None::<&str>])?,
                    Err(e) => stmt.execute(crate::ps![id, "failed", None::<i64>, e])?,
                };
            }
            Ok(())
        })
    }

    /// The quantity sent for one customer and hour.
    pub fn sent_in_window(&self, event_name: &str, customer: &str, window: i64) -> Result<i64> {
        self.db.int(
            "SELECT CAST(COALESCE(sum(quantity), 0) AS BIGINT) FROM meter_ledger
             WHERE event_name = ?1 AND customer_id = ?2 AND \"window\" = ?3 AND status = 'sent'",
            crate::ps![event_name, customer, window],
        )
    }

    /// Every ledger row of one customer (for `usage sync --json` details and tests).
    pub fn ledger(&self, event_name: &str, customer: Option<&str>) -> Result<Vec<LedgerRow>> {
        self.db.query(
            concat!(
                "SELECT ",
                ledger_columns!(),
                " FROM meter_ledger
             WHERE event_name = ?1 AND (CAST(?2 AS TEXT) IS NULL OR customer_id = ?2)
             ORDER BY customer_id, \"window\", seq"
            ),
            crate::ps![event_name, customer],
            ledger_row,
        )
    }

    /// Local per-customer daily totals over [from, to) (day rollups), for reconcile.
    pub fn daily_totals(&self, from: i64, to: i64) -> Result<Vec<(String, i64, i64)>> {
        self.db.query(
            "SELECT subject, day, quantity FROM usage_daily
             WHERE scope = 'customer' AND day >= ?1 AND day < ?2
             ORDER BY subject, day",
            crate::ps![from, to],
            |r| Ok((r.text(0)?, r.i64(1)?, r.i64(2)?)),
        )
    }
}
