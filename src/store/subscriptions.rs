//! The customer/subscription mirror.

use super::Store;
use crate::billing::{diff, Counts, Customer, MirrorRow};
use anyhow::Result;
use rusqlite::{params, OptionalExtension, Row, Transaction};

fn customer_row(r: &Row) -> rusqlite::Result<Customer> {
    Ok(Customer {
        id: r.get(0)?,
        email: r.get(1)?,
        name: r.get(2)?,
        created: r.get(3)?,
    })
}

fn sub_row(r: &Row) -> rusqlite::Result<MirrorRow> {
    Ok(MirrorRow {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        status: r.get(2)?,
        tier: r.get(3)?,
        price_id: r.get(4)?,
        item_id: r.get(5)?,
        current_period_start: r.get(6)?,
        current_period_end: r.get(7)?,
        cancel_at_period_end: r.get(8)?,
        cancel_at: r.get(9)?,
        canceled_at: r.get(10)?,
        ended_at: r.get(11)?,
        created: r.get(12)?,
    })
}

const SUB_COLUMNS: &str = "id, customer_id, status, tier, price_id, item_id, current_period_start, current_period_end, cancel_at_period_end, cancel_at, canceled_at, ended_at, created";

fn put_customer(tx: &Transaction, c: &Customer, at: i64) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO customers (id, email, name, created, synced_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(id) DO UPDATE SET email = excluded.email, name = excluded.name, created = excluded.created, synced_at = excluded.synced_at",
    )?
    .execute(params![c.id, c.email, c.name, c.created, at])?;
    Ok(())
}

/// What the mirror knows of a subscription's payments.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct PaymentState {
    /// When the current run of failed payments began; `None` when none is failing.
    pub failed_at: Option<i64>,
    pub failed_attempts: i64,
    /// When Stripe retries next.
    pub next_attempt: Option<i64>,
    /// The invoice that failed.
    pub invoice_id: Option<String>,
}

/// A customer's current subscription and its payment state.
#[derive(Debug, Clone, PartialEq)]
pub struct Current {
    pub row: crate::billing::MirrorRow,
    pub payment: PaymentState,
}

/// A mirrored subscription's status and the time its state is from (`synced_at`: the listing
/// time of a sync or lifecycle command, or the `created` of the last event applied to it).
fn state_of(tx: &Transaction, id: &str) -> Result<Option<(String, i64)>> {
    Ok(tx
        .prepare_cached("SELECT status, synced_at FROM subscriptions WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

fn add_customer_if_missing(tx: &Transaction, c: &Customer, at: i64) -> Result<bool> {
    let n = tx
        .prepare_cached(
            "INSERT INTO customers (id, email, name, created, synced_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(id) DO NOTHING",
        )?
        .execute(params![c.id, c.email, c.name, c.created, at])?;
    Ok(n == 1)
}

fn put_subscription(tx: &Transaction, s: &MirrorRow, at: i64) -> Result<()> {
    tx.prepare_cached(&format!(
        "INSERT INTO subscriptions ({SUB_COLUMNS}, synced_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
         ON CONFLICT(id) DO UPDATE SET customer_id = excluded.customer_id, status = excluded.status, tier = excluded.tier,
           price_id = excluded.price_id, item_id = excluded.item_id, current_period_start = excluded.current_period_start,
           current_period_end = excluded.current_period_end, cancel_at_period_end = excluded.cancel_at_period_end,
           cancel_at = excluded.cancel_at, canceled_at = excluded.canceled_at, ended_at = excluded.ended_at,
           created = excluded.created, synced_at = excluded.synced_at,
           payment_failed_at = CASE WHEN excluded.status IN ('active', 'trialing') THEN NULL
             WHEN excluded.status = 'past_due' THEN COALESCE(payment_failed_at, excluded.current_period_start)
             ELSE payment_failed_at END,
           failed_attempts = CASE WHEN excluded.status IN ('active', 'trialing') THEN 0 ELSE failed_attempts END,
           next_payment_attempt = CASE WHEN excluded.status IN ('active', 'trialing') THEN NULL ELSE next_payment_attempt END,
           unpaid_invoice_id = CASE WHEN excluded.status IN ('active', 'trialing') THEN NULL ELSE unpaid_invoice_id END"
    ))?
    .execute(params![
        s.id, s.customer_id, s.status, s.tier, s.price_id, s.item_id, s.current_period_start, s.current_period_end,
        s.cancel_at_period_end, s.cancel_at, s.canceled_at, s.ended_at, s.created, at
    ])?;
    Ok(())
}

impl Store {
    /// Records a customer and (optionally) its subscriptions, in one transaction.
    pub fn record(&mut self, customer: &Customer, subs: &[MirrorRow], at: i64) -> Result<()> {
        let tx = self
            .sq_mut()?
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        put_customer(&tx, customer, at)?;
        for s in subs {
            put_subscription(&tx, s, at)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Makes the mirror equal to a full listing from Stripe; returns what changed.
    pub fn replace_mirror(
        &mut self,
        customers: &[Customer],
        subs: &[MirrorRow],
        at: i64,
    ) -> Result<(Counts, Counts)> {
        let (have_c, have_s) = (self.customers()?, self.subscriptions(None)?);
        let cust_counts = diff(&have_c, customers, |c| &c.id);
        let sub_counts = diff(&have_s, subs, |s| &s.id);
        let tx = self
            .sq_mut()?
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "CREATE TEMP TABLE IF NOT EXISTS seen (id TEXT PRIMARY KEY)",
            [],
        )?;
        tx.execute("DELETE FROM seen", [])?;
        for c in customers {
            put_customer(&tx, c, at)?;
        }
        for s in subs {
            if customers.iter().any(|c| c.id == s.customer_id) {
                put_subscription(&tx, s, at)?;
            }
        }
        {
            let mut seen = tx.prepare_cached("INSERT OR IGNORE INTO seen (id) VALUES (?1)")?;
            for id in customers
                .iter()
                .map(|c| &c.id)
                .chain(subs.iter().map(|s| &s.id))
            {
                seen.execute([id])?;
            }
        }
        tx.execute(
            "DELETE FROM subscriptions WHERE id NOT IN (SELECT id FROM seen)",
            [],
        )?;
        tx.execute(
            "DELETE FROM customers WHERE id NOT IN (SELECT id FROM seen)",
            [],
        )?;
        tx.execute("DELETE FROM seen", [])?;
        tx.commit()?;
        Ok((cust_counts, sub_counts))
    }

    pub fn customers(&self) -> Result<Vec<Customer>> {
        let mut stmt = self.sq()?.prepare_cached(
            "SELECT id, email, name, created FROM customers ORDER BY created, id",
        )?;
        let rows = stmt
            .query_map([], customer_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    pub fn customer(&self, id: &str) -> Result<Option<Customer>> {
        let mut stmt = self
            .sq()?
            .prepare_cached("SELECT id, email, name, created FROM customers WHERE id = ?1")?;
        let mut rows = stmt.query_map([id], customer_row)?;
        Ok(rows.next().transpose()?)
    }

    /// Subscriptions in the mirror, optionally of one customer, newest first. (Two statements,
    /// so that the per-customer one can use the customer index.)
    pub fn subscriptions(&self, customer: Option<&str>) -> Result<Vec<MirrorRow>> {
        let rows = match customer {
            Some(c) => self
                .sq()?
                .prepare_cached(&format!("SELECT {SUB_COLUMNS} FROM subscriptions WHERE customer_id = ?1 ORDER BY created DESC, id"))?
                .query_map([c], sub_row)?
                .collect::<rusqlite::Result<_>>()?,
            None => self
                .sq()?
                .prepare_cached(&format!("SELECT {SUB_COLUMNS} FROM subscriptions ORDER BY created DESC, id"))?
                .query_map([], sub_row)?
                .collect::<rusqlite::Result<_>>()?,
        };
        Ok(rows)
    }

    pub fn subscription(&self, id: &str) -> Result<Option<MirrorRow>> {
        let mut stmt = self.sq()?.prepare_cached(&format!(
            "SELECT {SUB_COLUMNS} FROM subscriptions WHERE id = ?1"
        ))?;
        let mut rows = stmt.query_map([id], sub_row)?;
        Ok(rows.next().transpose()?)
    }

    /// Writes `row` as of `as_of` if `decide` (given the current status and as-of time, if
    /// any) agrees, in one transaction; the customer is added from `customer` when missing.
    /// Returns `decide`'s refusal.
    pub fn put_subscription_if(
        &mut self,
        row: &MirrorRow,
        customer: &Customer,
        as_of: i64,
        decide: impl FnOnce(Option<(&str, i64)>) -> Result<(), String>,
    ) -> Result<Result<(), String>> {
        let tx = self
            .sq_mut()?
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let current = state_of(&tx, &row.id)?;
        if let Err(why) = decide(current.as_ref().map(|(s, t)| (s.as_str(), *t))) {
            return Ok(Err(why));
        }
        add_customer_if_missing(&tx, customer, as_of)?;
        put_subscription(&tx, row, as_of)?;
        tx.commit()?;
        Ok(Ok(()))
    }

    /// Sets a subscription's status as of `as_of` when `decide` (given the current status
    /// and as-of time) returns a new one; `None` when the subscription is not mirrored.
    pub fn set_subscription_status_if(
        &mut self,
        id: &str,
        as_of: i64,
        decide: impl FnOnce(&str, i64) -> Result<String, String>,
    ) -> Result<Option<Result<(String, String), String>>> {
        let tx = self
            .sq_mut()?
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let current = state_of(&tx, id)?;
        let Some((status, at)) = current else {
            return Ok(None);
        };
        let new = match decide(&status, at) {
            Ok(s) => s,
            Err(why) => return Ok(Some(Err(why))),
        };
        tx.execute(
            "UPDATE subscriptions SET status = ?2, synced_at = ?3 WHERE id = ?1",
            params![id, new, as_of],
        )?;
        tx.commit()?;
        Ok(Some(Ok((status, new))))
    }

    /// Adds a customer that is not yet mirrored (an existing row is left as it is); returns
    /// whether it was added.
    pub fn add_customer(&mut self, customer: &Customer, at: i64) -> Result<bool> {
        let tx = self
            .sq_mut()?
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let added = add_customer_if_missing(&tx, customer, at)?;
        tx.commit()?;
        Ok(added)
    }

    /// API keys issued to a customer (0 until keys exist in this store).
    pub fn api_key_count(&self, customer: &str) -> Result<i64> {
        let has_table: bool = self.sq()?.query_row(
            "SELECT count(*) > 0 FROM sqlite_schema WHERE type = 'table' AND name = 'api_keys'",
            [],
            |r| r.get(0),
        )?;
        if !has_table {
            return Ok(0);
        }
        Ok(self.sq()?.query_row(
            "SELECT count(*) FROM api_keys WHERE customer_id = ?1",
            [customer],
            |r| r.get(0),
        )?)
    }
}

impl Store {
    /// The customer's live subscription in the mirror (the newest, if several).
    /// The subscription that decides a customer's access: the live one, else the latest one
    /// (any status), with its payment state; `None` when the customer never subscribed.
    pub fn current_subscription(&self, customer: &str) -> Result<Option<Current>> {
        let mut stmt = self.sq()?.prepare_cached(&format!(
            "SELECT {SUB_COLUMNS}, payment_failed_at, failed_attempts, next_payment_attempt, unpaid_invoice_id
             FROM subscriptions WHERE customer_id = ?1
             ORDER BY status IN ('active', 'trialing', 'past_due', 'unpaid', 'incomplete', 'paused') DESC, created DESC, id"
        ))?;
        let mut rows = stmt.query_map([customer], |r| {
            Ok(Current {
                row: sub_row(r)?,
                payment: PaymentState {
                    failed_at: r.get(13)?,
                    failed_attempts: r.get(14)?,
                    next_attempt: r.get(15)?,
                    invoice_id: r.get(16)?,
                },
            })
        })?;
        Ok(rows.next().transpose()?)
    }

    /// The payment state of one mirrored subscription.
    pub fn subscription_payment(&self, id: &str) -> Result<Option<PaymentState>> {
        let mut stmt = self.sq()?.prepare_cached(
            "SELECT payment_failed_at, failed_attempts, next_payment_attempt, unpaid_invoice_id
             FROM subscriptions WHERE id = ?1",
        )?;
        let mut rows = stmt.query_map([id], |r| {
            Ok(PaymentState {
                failed_at: r.get(0)?,
                failed_attempts: r.get(1)?,
                next_attempt: r.get(2)?,
                invoice_id: r.get(3)?,
            })
        })?;
        Ok(rows.next().transpose()?)
    }

    /// Records a failed payment of `invoice` for subscription `sub`: the run of failures
    /// starts at `at` unless it already started; attempts and the next retry as Stripe says.
    /// `false` when the subscription is not in the mirror.
    pub fn record_payment_failed(
        &mut self,
        sub: &str,
        invoice: &str,
        at: i64,
        attempts: i64,
        next_attempt: Option<i64>,
    ) -> Result<bool> {
        let n = self.sq()?.prepare_cached(
            "UPDATE subscriptions SET payment_failed_at = COALESCE(payment_failed_at, ?2),
               failed_attempts = MAX(failed_attempts, ?3), next_payment_attempt = ?4, unpaid_invoice_id = ?5
             WHERE id = ?1",
        )?
        .execute(params![sub, at, attempts, next_attempt, invoice])?;
        Ok(n == 1)
    }

    /// Records that `invoice` of subscription `sub` was paid: the run of failures (if it was
    /// about this invoice, or none is recorded) ends.
    pub fn record_invoice_paid(&mut self, sub: &str, invoice: &str) -> Result<bool> {
        let n = self
            .sq()?
            .prepare_cached(
                "UPDATE subscriptions SET payment_failed_at = NULL, failed_attempts = 0,
               next_payment_attempt = NULL, unpaid_invoice_id = NULL
             WHERE id = ?1 AND (unpaid_invoice_id IS NULL OR unpaid_invoice_id = ?2)",
            )?
            .execute(params![sub, invoice])?;
        Ok(n == 1)
    }

    pub fn live_subscription(&self, customer: &str) -> Result<Option<crate::billing::MirrorRow>> {
        Ok(self
            .subscriptions(Some(customer))?
            .into_iter()
            .find(|s| crate::billing::LIVE_STATUSES.contains(&s.status.as_str())))
    }
}
