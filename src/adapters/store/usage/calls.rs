//! Recorded calls checked against their limits in the transaction that records them: a key's
//! (or customer's) calls per minute and the customer's quota, counted once and followed.

use super::write::insert_usage;
use super::{Route, UsageEvent};
use crate::adapters::store::Store;
use anyhow::Result;

/// The limits one recorded call is checked against (see [`Store::record_within_many`]).
#[derive(Debug, Clone, Copy)]
pub struct CallLimits {
    /// Calls the key (or, with `rate_per_customer`, all the customer's keys together) may
    /// make in a sliding minute.
    pub rate_per_minute: u32,
    /// The rate counts every call made with any of the customer's keys, not only this key's.
    pub rate_per_customer: bool,
    /// The customer's quota for `period`; `None`: unlimited.
    pub quota: Option<u64>,
    pub period: (i64, i64),
    /// How far ahead of now a stored event may lie (it counts in the minute from now too).
    pub max_future_skew: i64,
}

/// What recorded calls counted (see [`Store::record_within_many`]): a customer's usage in a
/// period, and a key's (or a customer's) calls per second from a minute ago on.
#[derive(Default)]
pub struct Charges {
    /// The store's `data_version` the counts go with (SQLite); `None`: not to be kept.
    version: Option<i64>,
    pub(super) used: std::collections::HashMap<(String, i64, i64), i64>,
    pub(super) windows: std::collections::HashMap<String, std::collections::BTreeMap<i64, i64>>,
}

/// The most customers and keys whose counts are kept between groups.
const MAX_CHARGES: usize = 100_000;

impl Charges {
    /// Keeps the counts if nothing but this connection has written the store since they were
    /// read (SQLite's `data_version`, read inside the write transaction); else drops them.
    /// On Postgres they last one group.
    fn keep_if_alone(&mut self, db: &crate::adapters::store::db::Db) -> Result<()> {
        let version = match db.sqlite() {
            Some(c) => Some(c.query_row("PRAGMA data_version", [], |r| r.get::<_, i64>(0))?),
            None => None,
        };
        if version.is_none() || version != self.version {
            self.used.clear();
            self.windows.clear();
        }
        self.version = version;
        Ok(())
    }

    fn bound(&mut self) {
        if self.used.len() + self.windows.len() > MAX_CHARGES {
            self.used.clear();
            self.windows.clear();
        }
    }
}

/// What [`Store::record_within_many`] did with one call: recorded the call, or refused it and wrote nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charge {
    /// Recorded. `used`: the customer's usage in the period before it; `calls`: the calls in
    /// the minute before it that count against its rate (the key's, or the customer's).
    Recorded {
        used: i64,
        calls: i64,
    },
    QuotaExceeded {
        used: i64,
    },
    RateLimited {
        used: i64,
        calls: i64,
        /// When the oldest call in the window leaves it (a call may pass from then on).
        free_at: i64,
    },
}

/// What a call's rate counts against, as the counts name it (`k:<key>`, or `c:<customer>` when
/// the rate is the customer's), and its window `[a minute ago, the allowed skew ahead]`.
pub(super) fn subject_of(
    event: &UsageEvent,
    limits: &CallLimits,
    now: i64,
) -> (String, (i64, i64)) {
    let end = now
        .checked_add(limits.max_future_skew)
        .and_then(|t| t.checked_add(1))
        .unwrap_or(i64::MAX);
    let subject = if limits.rate_per_customer {
        format!("c:{}", event.customer_id)
    } else {
        format!("k:{}", event.key_id.as_deref().unwrap_or_default())
    };
    (subject, (now.saturating_sub(60), end))
}

impl Store {
    /// Records calls of keys if they keep to their limits, many in one transaction (group
    /// commit): each call's rate window and its customer's usage are counted and checked, and
    /// the call recorded, as one atomic step, after the calls before it, so limits hold across
    /// processes and threads as exactly as with one call per transaction (120 parallel calls on
    /// a 60-per-minute key record exactly 60); the calls that keep to them are inserted together at the end. On Postgres
    /// the customers' locks are taken in sorted order before any count, so two hosts' groups
    /// never wait on each other in a cycle.
    ///
    /// The counts (a customer's usage in a period, a key's calls per second in the last
    /// minute) are read once and then followed in memory, within the group and, on SQLite,
    /// across groups for as long as no other connection has written the store (its
    /// `data_version` is unchanged; any write elsewhere, an import or a compaction, drops
    /// them). A failed transaction drops them too.
    pub fn record_within_many(
        &mut self,
        calls: &[(UsageEvent, CallLimits)],
        now: i64,
    ) -> Result<Vec<Charge>> {
        if calls.iter().any(|(e, _)| e.key_id.is_none()) {
            anyhow::bail!("a call is recorded against a key");
        }
        // Read inside the lock: another process may have compacted since.
        self.horizon = std::cell::OnceCell::new();
        let mut charges = std::mem::take(&mut self.charges);
        let this = &*self;
        let done = this.db.tx(true, |db| {
            charges.keep_if_alone(db)?;
            if db.is_pg() {
                // The customers' locks serialise the counts and inserts across hosts, and
                // each step is one statement for the whole group (see `group.rs`).
                return this.record_group_pg(db, &mut charges, calls, now);
            }
            // SQLite's write lock serialises the group; its statements run in-process.
            let mut out = Vec::with_capacity(calls.len());
            let mut recorded = Vec::with_capacity(calls.len());
            for (event, limits) in calls {
                let charge = this.charge_one(&mut charges, event, limits, now)?;
                if let Charge::Recorded { .. } = charge {
                    recorded.push(event.clone());
                }
                out.push(charge);
            }
            insert_usage(db, &recorded, now, Route::Verify)?;
            Ok(out)
        });
        if done.is_err() {
            charges = Charges::default();
        }
        self.charges = charges;
        done
    }

    /// One call's limits checked against the counts (read once, then followed), and the
    /// counts moved if it keeps to them; the caller inserts the recorded calls.
    pub(super) fn charge_one(
        &self,
        charges: &mut Charges,
        event: &UsageEvent,
        limits: &CallLimits,
        now: i64,
    ) -> Result<Charge> {
        let key = event.key_id.as_deref().unwrap_or_default();
        let (from, to) = limits.period;
        let period = (event.customer_id.clone(), from, to);
        let used = match charges.used.get(&period) {
            Some(u) => *u,
            None => {
                let u = self.usage_in(
                    crate::domain::usage::Scope::Customer,
                    &event.customer_id,
                    from,
                    to,
                )?;
                charges.used.insert(period.clone(), u);
                u
            }
        };
        if !crate::domain::billing::fits(used, event.quantity, limits.quota) {
            return Ok(Charge::QuotaExceeded { used });
        }
        let (subject, (since, window_end)) = subject_of(event, limits, now);
        if !charges.windows.contains_key(&subject) {
            let seconds = if limits.rate_per_customer {
                self.customer_seconds(&event.customer_id, since, window_end)?
            } else {
                self.key_seconds(key, since, window_end)?
            };
            charges.windows.insert(subject.clone(), seconds);
        }
        let window = charges.windows.get_mut(&subject).expect("filled above");
        // Seconds before the window are gone for good (time only moves on).
        while window.first_key_value().is_some_and(|(t, _)| *t < since) {
            window.pop_first();
        }
        let calls: i64 = window.range(since..window_end).map(|(_, n)| n).sum();
        if calls >= i64::from(limits.rate_per_minute) {
            let oldest = window
                .range(since..window_end)
                .next()
                .map_or(now, |(t, _)| *t);
            let free_at = oldest.saturating_add(60).max(now.saturating_add(1));
            return Ok(Charge::RateLimited {
                used,
                calls,
                free_at,
            });
        }
        *window.entry(event.ts).or_default() += 1;
        let total = used
            .checked_add(event.quantity)
            .ok_or_else(|| anyhow::anyhow!("usage overflows"))?;
        charges.used.insert(period, total);
        charges.bound();
        Ok(Charge::Recorded { used, calls })
    }

    /// A key's calls per second with `from <= ts < to` (see [`Store::calls_per_second`]).
    fn key_seconds(
        &self,
        key: &str,
        from: i64,
        to: i64,
    ) -> Result<std::collections::BTreeMap<i64, i64>> {
        self.calls_per_second(
            "SELECT ts, count(*) FROM usage_events WHERE ts / 3600 = ?1 AND customer_id = (SELECT customer_id FROM api_keys WHERE id = ?2) AND key_id = ?2 AND ts >= ?3 AND ts < ?4 GROUP BY ts",
            key,
            (from, to),
        )
    }

    /// Calls per second made with any of a customer's keys with `from <= ts < to` (usage
    /// imported without a key is not a call).
    fn customer_seconds(
        &self,
        customer: &str,
        from: i64,
        to: i64,
    ) -> Result<std::collections::BTreeMap<i64, i64>> {
        self.calls_per_second(
            "SELECT ts, count(*) FROM usage_events WHERE ts / 3600 = ?1 AND customer_id = ?2 AND key_id IS NOT NULL AND ts >= ?3 AND ts < ?4 GROUP BY ts",
            customer,
            (from, to),
        )
    }

    /// Calls per second of `subject` by `sql` (hour, subject, from, to), one seek per hour of
    /// the range (the rate window is a minute plus the allowed skew).
    fn calls_per_second(
        &self,
        sql: &str,
        subject: &str,
        (from, to): (i64, i64),
    ) -> Result<std::collections::BTreeMap<i64, i64>> {
        let mut out = std::collections::BTreeMap::new();
        if to <= from {
            return Ok(out);
        }
        for hour in from / 3600..=(to - 1) / 3600 {
            let rows = self
                .db
                .query(sql, crate::ps![hour, subject, from, to], |r| {
                    Ok((r.i64(0)?, r.i64(1)?))
                })?;
            out.extend(rows);
        }
        Ok(out)
    }

    /// Calls made with any of a customer's keys with `from <= ts < to`.
    pub fn customer_calls(&self, customer: &str, from: i64, to: i64) -> Result<i64> {
        self.customer_seconds(customer, from, to)?
            .values()
            .try_fold(0i64, |t, n| t.checked_add(*n))
            .ok_or_else(|| anyhow::anyhow!("call count overflows"))
    }

    /// Calls (events, whatever their quantity) made with a key with `from <= ts < to`.
    pub fn key_calls(&self, key: &str, from: i64, to: i64) -> Result<i64> {
        self.key_seconds(key, from, to)?
            .values()
            .try_fold(0i64, |t, n| t.checked_add(*n))
            .ok_or_else(|| anyhow::anyhow!("call count overflows"))
    }
}
