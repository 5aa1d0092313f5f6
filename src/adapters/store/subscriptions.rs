//! The customer/subscription mirror.

use super::db::{Db, R};
use super::Store;
use crate::domain::billing::{diff, Counts, Customer, Held, MirrorRow, Verdict};
use anyhow::Result;

fn customer_row(r: &R) -> Result<Customer> {
    Ok(Customer {
        id: r.text(0)?,
        email: r.opt_text(1)?,
        name: r.opt_text(2)?,
        created: r.i64(3)?,
    })
}

fn sub_row(r: &R) -> Result<MirrorRow> {
    Ok(MirrorRow {
        id: r.text(0)?,
        customer_id: r.text(1)?,
        status: r.text(2)?,
        tier: r.text(3)?,
        price_id: r.text(4)?,
        item_id: r.text(5)?,
        current_period_start: r.i64(6)?,
        current_period_end: r.i64(7)?,
        cancel_at_period_end: r.i64(8)? != 0,
        cancel_at: r.opt_i64(9)?,
        canceled_at: r.opt_i64(10)?,
        ended_at: r.opt_i64(11)?,
        created: r.i64(12)?,
        quantity: r.i64(13)?,
    })
}

macro_rules! sub_columns {
    () => {
        "id, customer_id, status, tier, price_id, item_id, current_period_start, current_period_end, cancel_at_period_end, cancel_at, canceled_at, ended_at, created, quantity"
    };
}

fn put_customer(db: &Db, c: &Customer, at: i64) -> Result<()> {
    db.execute(
        "INSERT INTO customers (id, email, name, created, synced_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(id) DO UPDATE SET email = excluded.email, name = excluded.name, created = excluded.created, synced_at = excluded.synced_at",
        crate::ps![&c.id, &c.email, &c.name, c.created, at],
    )?;
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

/// An invoice event, as it bears on a subscription's payment state.
pub struct PaymentEvent<'a> {
    pub invoice: &'a str,
    /// The event's `created`.
    pub at: i64,
    /// `invoice.paid`; else a failure (`invoice.payment_failed` or `..._action_required`).
    pub paid: bool,
    /// The invoice in the event is paid (`status` "paid").
    pub invoice_paid: bool,
    /// The invoice is void (`invoice.voided`, or `status` "void").
    pub invoice_void: bool,
    pub attempts: i64,
    pub next_attempt: Option<i64>,
}

/// What [`Store::apply_payment_event`] did.
pub struct PaymentApplied {
    /// Whether the payment state changed.
    pub recorded: bool,
    /// The status change (from, to), or why there was none.
    pub status: Result<(String, String), String>,
}

/// A customer's current subscription and its payment state.
#[derive(Debug, Clone, PartialEq)]
pub struct Current {
    pub row: crate::domain::billing::MirrorRow,
    pub payment: PaymentState,
}

/// What the mirror holds of a subscription, with its two clocks (`synced_at`: the object's
/// time; `payment_state_at`: the last invoice event's). Postgres: the row stays locked to the
/// end of the transaction.
fn held_of(db: &Db, id: &str) -> Result<Option<Held>> {
    db.lock(&format!("subscription:{id}"))?;
    db.query_opt(
        concat!(
            "SELECT ",
            sub_columns!(),
            ", synced_at, payment_state_at, unpaid_invoice_id FROM subscriptions WHERE id = ?1"
        ),
        crate::ps![id],
        |r| {
            Ok(Held {
                row: sub_row(r)?,
                as_of: r.i64(14)?,
                payment_at: r.opt_i64(15)?,
                unpaid_invoice: r.opt_text(16)?,
            })
        },
    )
}

/// The final status (`paid`, `void`) the mirror knows invoice `id` in.
fn invoice_final(db: &Db, id: &str) -> Result<Option<String>> {
    db.query_opt(
        "SELECT status FROM invoice_finals WHERE invoice_id = ?1",
        crate::ps![id],
        |r| r.text(0),
    )
}

/// Records that invoice `ev` is final, when the event shows it is (the first record stays:
/// Stripe never moves an invoice out of `paid` or `void`).
fn note_final(db: &Db, sub: &str, ev: &PaymentEvent) -> Result<()> {
    if ev.invoice.is_empty() {
        return Ok(()); // an event without an invoice id says nothing of any invoice
    }
    let status = if ev.paid || ev.invoice_paid {
        "paid"
    } else if ev.invoice_void {
        "void"
    } else {
        return Ok(());
    };
    db.execute(
        "INSERT INTO invoice_finals (invoice_id, subscription_id, status, at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (invoice_id) DO NOTHING",
        crate::ps![ev.invoice, sub, status, ev.at],
    )?;
    Ok(())
}

fn add_customer_if_missing(db: &Db, c: &Customer, at: i64) -> Result<bool> {
    let n = db.execute(
        "INSERT INTO customers (id, email, name, created, synced_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(id) DO NOTHING",
        crate::ps![&c.id, &c.email, &c.name, c.created, at],
    )?;
    Ok(n == 1)
}

/// Where a change to a subscription was learned.
#[derive(Clone, Copy)]
pub enum Source {
    /// A lifecycle command (`subscriptions create/change/cancel`, `customers ...`).
    Command,
    /// `subscriptions sync`.
    Sync,
    /// An applied webhook event.
    Webhook,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Command => "command",
            Source::Sync => "sync",
            Source::Webhook => "webhook",
        }
    }
}

/// Appends a history row when the subscription's status, tier or price differs from its last
/// one (or it has none): the changes that move revenue, dated `at`.
fn note_change(db: &Db, s: &MirrorRow, status: &str, at: i64, source: Source) -> Result<()> {
    let last = db.query_opt(
        "SELECT status, tier, price_id, quantity FROM subscription_history WHERE subscription_id = ?1 ORDER BY at DESC, seq DESC LIMIT 1",
        crate::ps![&s.id],
        |r| Ok((r.text(0)?, r.text(1)?, r.text(2)?, r.i64(3)?)),
    )?;
    let same = last.as_ref().is_some_and(|(st, t, p, q)| {
        st == status && *t == s.tier && *p == s.price_id && *q == s.quantity
    });
    if !same {
        insert_history(db, s, status, at, source.as_str())?;
    }
    Ok(())
}

/// One history row, with the price as the catalog mirror knows it now.
fn insert_history(db: &Db, s: &MirrorRow, status: &str, at: i64, source: &str) -> Result<()> {
    db.execute(
        r#"INSERT INTO subscription_history (subscription_id, customer_id, at, status, tier, price_id, amount, currency, "interval", interval_count, source, quantity)
           SELECT ?1, ?2, ?3, ?4, ?5, ?6, p.amount, p.currency, p."interval", p.interval_count, ?7, ?8
           FROM (SELECT 1) AS one LEFT JOIN catalog_prices p ON p.price_id = ?6
           ORDER BY p.lookup_key LIMIT 1"#,
        crate::ps![&s.id, &s.customer_id, at, status, &s.tier, &s.price_id, source, s.quantity],
    )?;
    Ok(())
}

/// A subscription row followed by its payment state (`sub_columns!()`, then
/// `payment_failed_at, failed_attempts, next_payment_attempt, unpaid_invoice_id`).
fn current_row(r: &R) -> Result<Current> {
    Ok(Current {
        row: sub_row(r)?,
        payment: PaymentState {
            failed_at: r.opt_i64(14)?,
            failed_attempts: r.i64(15)?,
            next_attempt: r.opt_i64(16)?,
            invoice_id: r.opt_text(17)?,
        },
    })
}

fn subscription_in(db: &Db, id: &str) -> Result<Option<MirrorRow>> {
    db.query_opt(
        concat!(
            "SELECT ",
            sub_columns!(),
            " FROM subscriptions WHERE id = ?1"
        ),
        crate::ps![id],
        sub_row,
    )
}

fn put_subscription(db: &Db, s: &MirrorRow, at: i64, source: Source) -> Result<()> {
    note_change(db, s, &s.status, at, source)?;
    db.execute(
        concat!("INSERT INTO subscriptions (", sub_columns!(), ", synced_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
         ON CONFLICT(id) DO UPDATE SET customer_id = excluded.customer_id, status = excluded.status, tier = excluded.tier,
           price_id = excluded.price_id, item_id = excluded.item_id, current_period_start = excluded.current_period_start,
           current_period_end = excluded.current_period_end, cancel_at_period_end = excluded.cancel_at_period_end,
           cancel_at = excluded.cancel_at, canceled_at = excluded.canceled_at, ended_at = excluded.ended_at,
           created = excluded.created, quantity = excluded.quantity, synced_at = excluded.synced_at,
           payment_failed_at = CASE WHEN excluded.status IN ('active', 'trialing') THEN NULL
             WHEN excluded.status = 'past_due' THEN COALESCE(subscriptions.payment_failed_at, excluded.current_period_start)
             ELSE subscriptions.payment_failed_at END,
           failed_attempts = CASE WHEN excluded.status IN ('active', 'trialing') THEN 0 ELSE subscriptions.failed_attempts END,
           next_payment_attempt = CASE WHEN excluded.status IN ('active', 'trialing') THEN NULL ELSE subscriptions.next_payment_attempt END,
           unpaid_invoice_id = CASE WHEN excluded.status IN ('active', 'trialing') THEN NULL ELSE subscriptions.unpaid_invoice_id END"),
        crate::ps![
            &s.id, &s.customer_id, &s.status, &s.tier, &s.price_id, &s.item_id, s.current_period_start, s.current_period_end,
            i64::from(s.cancel_at_period_end), s.cancel_at, s.canceled_at, s.ended_at, s.created, s.quantity, at
        ],
    )?;
    Ok(())
}

/// Writes invoice event `ev` to `sub`'s payment state and notes its time; returns whether the
/// run of failures changed.
fn write_payment_state(db: &Db, sub: &str, ev: &PaymentEvent) -> Result<bool> {
    let changed = if ev.invoice_void && !ev.paid {
        0
    } else if ev.paid {
        db.execute(
            "UPDATE subscriptions SET payment_failed_at = NULL, failed_attempts = 0,
               next_payment_attempt = NULL, unpaid_invoice_id = NULL
             WHERE id = ?1 AND (unpaid_invoice_id IS NULL OR unpaid_invoice_id = ?2)",
            crate::ps![sub, ev.invoice],
        )?
    } else {
        db.execute(
            "UPDATE subscriptions SET payment_failed_at = COALESCE(payment_failed_at, ?2),
               failed_attempts = CASE WHEN failed_attempts > ?3 THEN failed_attempts ELSE ?3 END,
               next_payment_attempt = ?4, unpaid_invoice_id = ?5
             WHERE id = ?1",
            crate::ps![sub, ev.at, ev.attempts, ev.next_attempt, ev.invoice],
        )?
    };
    db.execute(
        "UPDATE subscriptions SET payment_state_at = ?2 WHERE id = ?1",
        crate::ps![sub, ev.at],
    )?;
    Ok(changed == 1)
}

/// Deletes the subscriptions (with their invoices' finals) and customers a sync did not see.
fn forget_unseen(db: &Db) -> Result<()> {
    for sql in [
        "DELETE FROM subscriptions WHERE id NOT IN (SELECT id FROM seen)",
        "DELETE FROM invoice_finals WHERE subscription_id NOT IN (SELECT id FROM seen)",
        "DELETE FROM customers WHERE id NOT IN (SELECT id FROM seen)",
    ] {
        db.execute(sql, &[])?;
    }
    Ok(())
}

impl Store {
    /// Records a customer and (optionally) its subscriptions, in one transaction.
    pub fn record(&mut self, customer: &Customer, subs: &[MirrorRow], at: i64) -> Result<()> {
        self.db.tx(true, |db| {
            put_customer(db, customer, at)?;
            for s in subs {
                put_subscription(db, s, at, Source::Command)?;
            }
            Ok(())
        })
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
        self.db.tx(true, |db| {
            db.lock("mirror")?;
            db.execute(
                "CREATE TEMP TABLE IF NOT EXISTS seen (id TEXT PRIMARY KEY)",
                &[],
            )?;
            db.execute("DELETE FROM seen", &[])?;
            for c in customers {
                put_customer(db, c, at)?;
            }
            for s in subs {
                if customers.iter().any(|c| c.id == s.customer_id) {
                    put_subscription(db, s, at, Source::Sync)?;
                }
            }
            let mut seen =
                db.prepare("INSERT INTO seen (id) VALUES (?1) ON CONFLICT DO NOTHING")?;
            for id in customers
                .iter()
                .map(|c| &c.id)
                .chain(subs.iter().map(|s| &s.id))
            {
                seen.execute(crate::ps![id])?;
            }
            drop(seen);
            // Gone from Stripe's listing (deleted): ended, as far as revenue goes.
            for gone in db.query(
                concat!(
                    "SELECT ",
                    sub_columns!(),
                    " FROM subscriptions WHERE id NOT IN (SELECT id FROM seen)"
                ),
                &[],
                sub_row,
            )? {
                note_change(db, &gone, "canceled", at, Source::Sync)?;
            }
            forget_unseen(db)?;
            db.execute("DELETE FROM seen", &[])?;
            Ok(())
        })?;
        Ok((cust_counts, sub_counts))
    }

    pub fn customers(&self) -> Result<Vec<Customer>> {
        self.db.query(
            "SELECT id, email, name, created FROM customers ORDER BY created, id",
            &[],
            customer_row,
        )
    }

    pub fn customer(&self, id: &str) -> Result<Option<Customer>> {
        self.db.query_opt(
            "SELECT id, email, name, created FROM customers WHERE id = ?1",
            crate::ps![id],
            customer_row,
        )
    }

    /// Subscriptions in the mirror, optionally of one customer, newest first. (Two statements,
    /// so that the per-customer one can use the customer index.)
    pub fn subscriptions(&self, customer: Option<&str>) -> Result<Vec<MirrorRow>> {
        match customer {
            Some(c) => self.db.query(
                concat!(
                    "SELECT ",
                    sub_columns!(),
                    " FROM subscriptions WHERE customer_id = ?1 ORDER BY created DESC, id"
                ),
                crate::ps![c],
                sub_row,
            ),
            None => self.db.query(
                concat!(
                    "SELECT ",
                    sub_columns!(),
                    " FROM subscriptions ORDER BY created DESC, id"
                ),
                &[],
                sub_row,
            ),
        }
    }

    pub fn subscription(&self, id: &str) -> Result<Option<MirrorRow>> {
        subscription_in(&self.db, id)
    }

    /// Writes a subscription row if `decide` (given what the mirror holds of it, if
    /// anything) says so, in one transaction, with the row and the time it is as of that
    /// `decide` gives; the customer is added from `customer` when missing. Returns `decide`'s
    /// verdict (the row written, or why not).
    pub fn put_subscription_if(
        &mut self,
        id: &str,
        customer: &Customer,
        decide: impl FnOnce(Option<&Held>) -> Verdict<(MirrorRow, i64)>,
    ) -> Result<Verdict<(MirrorRow, i64)>> {
        self.db.tx(true, |db| {
            let held = held_of(db, id)?;
            let verdict = decide(held.as_ref());
            if let Verdict::Go((row, as_of)) = &verdict {
                add_customer_if_missing(db, customer, *as_of)?;
                put_subscription(db, row, *as_of, Source::Webhook)?;
            }
            Ok(verdict)
        })
    }

    /// Adds a customer that is not yet mirrored (an existing row is left as it is); returns
    /// whether it was added.
    pub fn add_customer(&mut self, customer: &Customer, at: i64) -> Result<bool> {
        self.db
            .tx(true, |db| add_customer_if_missing(db, customer, at))
    }

    /// Writes Stripe's account of subscriptions' past (timelines, oldest first) into the
    /// history, in one transaction: for each, the rows dated before the first change the
    /// history already holds (seeded `mirror` rows are replaced). Returns how many
    /// subscriptions were given rows, and how many rows.
    pub fn backfill_history(
        &mut self,
        timelines: &[(String, Vec<(i64, MirrorRow)>)],
    ) -> Result<(usize, usize)> {
        self.db.tx(true, |db| {
            let (mut subs, mut rows) = (0, 0);
            for (id, timeline) in timelines {
                db.execute(
                    "DELETE FROM subscription_history WHERE subscription_id = ?1 AND source = 'mirror'",
                    crate::ps![id.as_str()],
                )?;
                let first = db.query_opt(
                    "SELECT min(at) FROM subscription_history WHERE subscription_id = ?1",
                    crate::ps![id.as_str()],
                    |r| r.opt_i64(0),
                )?;
                let before = first.flatten().unwrap_or(i64::MAX);
                let mut added = 0;
                for (at, row) in timeline.iter().filter(|(at, _)| *at < before) {
                    insert_history(db, row, &row.status, *at, "backfill")?;
                    added += 1;
                }
                if added > 0 {
                    subs += 1;
                    rows += added;
                }
            }
            Ok((subs, rows))
        })
    }

    /// The subscription history with changes before `before`, in time order (then the order
    /// recorded).
    pub fn subscription_history(&self, before: i64) -> Result<Vec<crate::domain::revenue::Change>> {
        self.db.query(
            r#"SELECT subscription_id, customer_id, at, status, tier, price_id, amount, currency, "interval", interval_count, quantity
               FROM subscription_history WHERE at < ?1 ORDER BY at, seq"#,
            crate::ps![before],
            |r| {
                let price = match (r.opt_i64(6)?, r.opt_text(7)?, r.opt_text(8)?, r.opt_i64(9)?) {
                    (Some(amount), Some(currency), Some(interval), Some(count)) => {
                        Some(crate::domain::revenue::Price {
                            amount,
                            currency,
                            interval,
                            interval_count: u32::try_from(count).unwrap_or(u32::MAX),
                        })
                    }
                    _ => None,
                };
                Ok(crate::domain::revenue::Change {
                    subscription: r.text(0)?,
                    customer: r.text(1)?,
                    at: r.i64(2)?,
                    status: r.text(3)?,
                    tier: r.text(4)?,
                    price_id: r.text(5)?,
                    price,
                    quantity: r.i64(10)?,
                })
            },
        )
    }

    /// API keys issued to a customer.
    pub fn api_key_count(&self, customer: &str) -> Result<i64> {
        self.db.int(
            "SELECT count(*) FROM api_keys WHERE customer_id = ?1",
            crate::ps![customer],
        )
    }
}

/// Subscriptions by the access they give, most first, as `billing::access_rank` ranks
/// statuses: a customer's paid subscription decides over a newer one never paid
/// (`incomplete`) or failing, which Stripe bills apart.
macro_rules! by_access {
    () => {
        "CASE WHEN status IN ('active', 'trialing') THEN 0 WHEN status = 'past_due' THEN 1
           WHEN status IN ('canceled', 'incomplete_expired') THEN 3 ELSE 2 END"
    };
}

impl Store {
    /// The subscription that decides a customer's access: the one giving the most access
    /// (see `by_access`), the newest of those, with its payment state; `None` when the
    /// customer never subscribed.
    pub fn current_subscription(&self, customer: &str) -> Result<Option<Current>> {
        self.db.query_opt(
            concat!(
                "SELECT ",
                sub_columns!(),
                ", payment_failed_at, failed_attempts, next_payment_attempt, unpaid_invoice_id
             FROM subscriptions WHERE customer_id = ?1
             ORDER BY ",
                by_access!(),
                ", created DESC, id LIMIT 1"
            ),
            crate::ps![customer],
            current_row,
        )
    }

    /// [`Store::current_subscription`] of every customer that has one, in one statement.
    pub fn current_subscriptions(&self) -> Result<std::collections::HashMap<String, Current>> {
        let rows = self.db.query(
            concat!(
                "SELECT ",
                sub_columns!(),
                ", payment_failed_at, failed_attempts, next_payment_attempt, unpaid_invoice_id
             FROM subscriptions
             ORDER BY customer_id, ",
                by_access!(),
                ", created DESC, id"
            ),
            &[],
            current_row,
        )?;
        let mut out = std::collections::HashMap::new();
        for c in rows {
            out.entry(c.row.customer_id.clone()).or_insert(c);
        }
        Ok(out)
    }

    /// [`Store::live_subscription`] of every customer that has one, in one statement.
    pub fn live_subscriptions(&self) -> Result<std::collections::HashMap<String, MirrorRow>> {
        Ok(self
            .current_subscriptions()?
            .into_iter()
            .filter(|(_, c)| crate::domain::billing::LIVE_STATUSES.contains(&c.row.status.as_str()))
            .map(|(customer, c)| (customer, c.row))
            .collect())
    }

    /// The payment state of one mirrored subscription.
    pub fn subscription_payment(&self, id: &str) -> Result<Option<PaymentState>> {
        self.db.query_opt(
            "SELECT payment_failed_at, failed_attempts, next_payment_attempt, unpaid_invoice_id
             FROM subscriptions WHERE id = ?1",
            crate::ps![id],
            |r| {
                Ok(PaymentState {
                    failed_at: r.opt_i64(0)?,
                    failed_attempts: r.i64(1)?,
                    next_attempt: r.opt_i64(2)?,
                    invoice_id: r.opt_text(3)?,
                })
            },
        )
    }

    /// Applies an invoice event to subscription `sub`'s payment state and status, in one
    /// transaction: `decide` (given what the mirror holds and the final status it knows the
    /// invoice in) says whether it applies and how the status moves; then a paid invoice ends
    /// the run of failures (if it was about this invoice, or none is recorded), a failed one
    /// starts or continues it, and the event's time becomes the subscription's payment clock.
    /// Whatever `decide` says, an invoice the event shows as paid or void is recorded as
    /// final. `None` when the subscription is not mirrored.
    pub fn apply_payment_event(
        &mut self,
        sub: &str,
        ev: &PaymentEvent,
        decide: impl FnOnce(&Held, Option<&str>) -> Verdict<Result<String, String>>,
    ) -> Result<Option<Verdict<PaymentApplied>>> {
        self.db.tx(true, |db| {
            let known = invoice_final(db, ev.invoice)?;
            note_final(db, sub, ev)?;
            let Some(held) = held_of(db, sub)? else {
                return Ok(None);
            };
            let status_change = match decide(&held, known.as_deref()) {
                Verdict::Go(moved) => moved,
                Verdict::Skip(why) => return Ok(Some(Verdict::Skip(why))),
                Verdict::Refetch(why) => return Ok(Some(Verdict::Refetch(why))),
            };
            let recorded = write_payment_state(db, sub, ev)?;
            if let Ok(new) = &status_change {
                db.execute(
                    "UPDATE subscriptions SET status = ?2 WHERE id = ?1",
                    crate::ps![sub, new],
                )?;
                if let Some(row) = subscription_in(db, sub)? {
                    note_change(db, &row, new, ev.at, Source::Webhook)?;
                }
            }
            Ok(Some(Verdict::Go(PaymentApplied {
                recorded,
                status: status_change.map(|to| (held.row.status.clone(), to)),
            })))
        })
    }

    pub fn live_subscription(
        &self,
        customer: &str,
    ) -> Result<Option<crate::domain::billing::MirrorRow>> {
        // The same ranking as access (`by_access` puts every live status before the ended
        // ones), so the quota shown and the plan a customer changes are the ones that decide
        // their access, not whichever live row came first.
        Ok(self
            .current_subscription(customer)?
            .map(|c| c.row)
            .filter(|r| crate::domain::billing::LIVE_STATUSES.contains(&r.status.as_str())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(status: &str, tier: &str) -> MirrorRow {
        MirrorRow {
            id: "sub_1".into(),
            customer_id: "cus_1".into(),
            status: status.into(),
            tier: tier.into(),
            price_id: format!("price_{tier}"),
            item_id: "si_1".into(),
            current_period_start: 1_000,
            current_period_end: 2_000,
            cancel_at_period_end: false,
            cancel_at: None,
            canceled_at: None,
            ended_at: None,
            created: 1_000,
            quantity: 1,
        }
    }

    fn history(s: &Store) -> Vec<(i64, String, String, String)> {
        s.db.query(
            "SELECT at, status, tier, source FROM subscription_history ORDER BY at, seq",
            &[],
            |r| Ok((r.i64(0)?, r.text(1)?, r.text(2)?, r.text(3)?)),
        )
        .unwrap()
    }

    /// Every door that writes a subscription appends a dated row when its status, tier or
    /// price changes, and only then.
    #[test]
    fn changes_that_move_revenue_are_appended_once_each() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(dir.path()).unwrap();
        let c = Customer {
            id: "cus_1".into(),
            email: None,
            name: None,
            created: 1_000,
        };
        s.record(&c, &[row("active", "pro")], 1_000).unwrap();
        s.record(&c, &[row("active", "pro")], 1_100).unwrap(); // nothing moved
        s.record(&c, &[row("active", "team")], 1_200).unwrap(); // upgrade
        let written = s
            .put_subscription_if("sub_1", &c, |_| {
                Verdict::Go((row("past_due", "team"), 1_300))
            })
            .unwrap();
        assert!(matches!(written, Verdict::Go(_)));
        let paid = PaymentEvent {
            invoice: "in_1",
            at: 1_400,
            paid: true,
            invoice_paid: true,
            invoice_void: false,
            attempts: 1,
            next_attempt: None,
        };
        let applied = s
            .apply_payment_event("sub_1", &paid, |_, _| Verdict::Go(Ok("active".into())))
            .unwrap()
            .unwrap();
        let Verdict::Go(applied) = applied else {
            panic!("applied")
        };
        assert_eq!(applied.status, Ok(("past_due".into(), "active".into())));
        s.replace_mirror(std::slice::from_ref(&c), &[row("active", "team")], 1_500)
            .unwrap(); // a sync that finds nothing new
        s.replace_mirror(std::slice::from_ref(&c), &[], 1_600)
            .unwrap(); // gone from Stripe's listing
        let want: Vec<(i64, String, String, String)> = [
            (1_000, "active", "pro", "command"),
            (1_200, "active", "team", "command"),
            (1_300, "past_due", "team", "webhook"),
            (1_400, "active", "team", "webhook"),
            (1_600, "canceled", "team", "sync"),
        ]
        .iter()
        .map(|(a, b, c, d)| (*a, b.to_string(), c.to_string(), d.to_string()))
        .collect();
        assert_eq!(history(&s), want);
    }
}
