//! The meter ledger: what `usage sync` sent to Stripe, per customer, hour and sequence number.

use super::Store;
use anyhow::Result;
use rusqlite::params;

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
        crate::idempotency::derived(&[event_name, customer, &window.to_string(), &seq.to_string()])
    }
}

fn ledger_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<LedgerRow> {
    Ok(LedgerRow {
        customer: r.get(0)?,
        window: r.get(1)?,
        seq: r.get(2)?,
        identifier: r.get(3)?,
        quantity: r.get(4)?,
        status: r.get(5)?,
        created_at: r.get(6)?,
        error: r.get(7)?,
    })
}

const LEDGER_COLUMNS: &str =
    "customer_id, window, seq, identifier, quantity, status, created_at, error";

impl Store {
    /// Hours from `since` whose local usage (hourly customer rollups) exceeds what the ledger
    /// has sent or is sending for the meter.
    pub fn unsent_windows(&self, event_name: &str, since: i64) -> Result<Vec<WindowDelta>> {
        let mut stmt = self.sq()?.prepare(
            "SELECT r.subject, r.hour, r.quantity,
                    COALESCE((SELECT sum(l.quantity) FROM meter_ledger l
                              WHERE l.event_name = ?1 AND l.customer_id = r.subject
                                AND l.window = r.hour AND l.status IN ('pending', 'sent')), 0)
             FROM usage_hourly r
             WHERE r.day >= ?3 AND r.scope = 'customer' AND r.hour >= ?2
             ORDER BY r.subject, r.hour",
        )?;
        let rows = stmt
            .query_map(
                params![
                    event_name,
                    since,
                    since.div_euclid(86_400).saturating_mul(86_400)
                ],
                |r| {
                    Ok(WindowDelta {
                        customer: r.get(0)?,
                        window: r.get(1)?,
                        local: r.get(2)?,
                        accounted: r.get(3)?,
                    })
                },
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
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
        let tx = self
            .sq_mut()?
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut out = Vec::new();
        {
            let mut next = tx.prepare(
                "SELECT COALESCE(max(seq), 0) + 1 FROM meter_ledger
                 WHERE event_name = ?1 AND customer_id = ?2 AND window = ?3",
            )?;
            let mut insert = tx.prepare(
                "INSERT INTO meter_ledger (event_name, customer_id, window, seq, identifier,
                     quantity, status, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7)",
            )?;
            for d in deltas.iter().filter(|d| d.local > d.accounted) {
                let seq: i64 =
                    next.query_row(params![event_name, d.customer, d.window], |r| r.get(0))?;
                let id = identifier(event_name, &d.customer, d.window, seq);
                let quantity = d.local - d.accounted;
                insert.execute(params![
                    event_name, d.customer, d.window, seq, id, quantity, now
                ])?;
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
        }
        tx.commit()?;
        Ok(out)
    }

    /// Pending rows of the meter, oldest first.
    pub fn pending_meter_events(&self, event_name: &str) -> Result<Vec<LedgerRow>> {
        let mut stmt = self.sq()?.prepare(&format!(
            "SELECT {LEDGER_COLUMNS} FROM meter_ledger
             WHERE event_name = ?1 AND status = 'pending' ORDER BY created_at, customer_id, window, seq"
        ))?;
        let rows = stmt
            .query_map([event_name], ledger_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
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
        let tx = self
            .sq_mut()?
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        {
            let mut stmt = tx.prepare(
                "UPDATE meter_ledger SET status = ?2, sent_at = ?3, error = ?4
                 WHERE identifier = ?1 AND status = 'pending'",
            )?;
            for (id, outcome) in outcomes {
                match outcome {
                    Ok(()) => stmt.execute(params![id, "sent", now, None::<String>])?,
                    Err(e) => stmt.execute(params![id, "failed", None::<i64>, e])?,
                };
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The quantity sent for one customer and hour.
    pub fn sent_in_window(&self, event_name: &str, customer: &str, window: i64) -> Result<i64> {
        Ok(self.sq()?.query_row(
            "SELECT COALESCE(sum(quantity), 0) FROM meter_ledger
             WHERE event_name = ?1 AND customer_id = ?2 AND window = ?3 AND status = 'sent'",
            params![event_name, customer, window],
            |r| r.get(0),
        )?)
    }

    /// Every ledger row of one customer (for `usage sync --json` details and tests).
    pub fn ledger(&self, event_name: &str, customer: Option<&str>) -> Result<Vec<LedgerRow>> {
        let mut stmt = self.sq()?.prepare(&format!(
            "SELECT {LEDGER_COLUMNS} FROM meter_ledger
             WHERE event_name = ?1 AND (?2 IS NULL OR customer_id = ?2)
             ORDER BY customer_id, window, seq"
        ))?;
        let rows = stmt
            .query_map(params![event_name, customer], ledger_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Local per-customer daily totals over [from, to) (day rollups), for reconcile.
    pub fn daily_totals(&self, from: i64, to: i64) -> Result<Vec<(String, i64, i64)>> {
        let mut stmt = self.sq()?.prepare(
            "SELECT subject, day, quantity FROM usage_daily
             WHERE scope = 'customer' AND day >= ?1 AND day < ?2
             ORDER BY subject, day",
        )?;
        let rows = stmt
            .query_map(params![from, to], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}
