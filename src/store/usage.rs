//! Usage events and their rollups: recording (counted once per identity, source and id; a
//! repeat that says something else is a conflict, stored apart), exact sums over any period
//! from the rollups, and compaction of old raw events behind a horizon.
//!
//! Key order: the events' time index and the rollups are keyed by time first (the hour, then
//! the customer or key), so an import of many customers' events writes near the end of each
//! B-tree and keeps its speed as the store grows (BENCHMARKS.md, *Usage at scale*).
//!
//! Lock order (Postgres, several hosts on one store): every writer takes its locks in one
//! order, the usage ids (by bytes), then the rollup rows, then the keys; a recorded call counts,
//! checks and inserts under its customer's advisory lock, and a group of recorded calls takes
//! its customers' locks in sorted order before any count. So overlapping imports, recorded
//! calls and two hosts' groups wait on each other instead of deadlocking.

use super::Store;
pub use crate::usage::Route;
use anyhow::Result;
use serde::Serialize;

/// One usage event. Its identity is `(source, event_id)` (CloudEvents 1.0, as OpenMeter
/// deduplicates); `source` is empty where the route names none.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UsageEvent {
    pub source: String,
    pub event_id: String,
    pub customer_id: String,
    pub key_id: Option<String>,
    pub quantity: i64,
    pub ts: i64,
    pub endpoint: Option<String>,
    pub meta: Option<String>,
    /// The meter it counts for: a CloudEvent's `type`; `None` where the route names none.
    pub event_type: Option<String>,
}

/// What an event says, the content two events with one identity are compared on: whose
/// (customer and key: the subject), how many, when (the second), and for which meter (type).
/// The same content is a duplicate; any difference is a conflict. The endpoint and meta are
/// notes, not content.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Side {
    pub customer_id: String,
    pub key_id: Option<String>,
    pub quantity: i64,
    pub ts: i64,
    pub event_type: Option<String>,
}

impl Side {
    fn of(e: &UsageEvent) -> Side {
        Side {
            customer_id: e.customer_id.clone(),
            key_id: e.key_id.clone(),
            quantity: e.quantity,
            ts: e.ts,
            event_type: e.event_type.clone(),
        }
    }
}

/// An event whose identity (source and id) is taken by a stored event with other content
/// (see [`Side`]): the first stays (what makes re-imports safe), this one is refused, recorded
/// in `usage_conflicts` and reported.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Conflict {
    pub source: String,
    pub event_id: String,
    /// The event kept (stored first).
    pub kept: Side,
    /// The event dropped.
    pub dropped: Side,
}

/// What a batch of usage did to the store.
#[derive(Debug, Default)]
pub struct Written {
    /// Events new to the store.
    pub inserted: usize,
    /// Repeated ids that said something else than the stored event (a plain repeat is not one).
    pub conflicts: Vec<Conflict>,
}

/// The repeats among `candidates` (events whose identity was already stored, or repeated in
/// the batch) that differ from the event stored under it; each is recorded in
/// `usage_conflicts` under `route`, seen at `at`. Only repeats are read (one query each), so
/// a batch of new events costs nothing here.
fn conflicts_among(
    db: &super::db::Db,
    candidates: &[&UsageEvent],
    route: Route,
    at: i64,
) -> Result<Vec<Conflict>> {
    let mut out = Vec::new();
    if candidates.is_empty() {
        return Ok(out);
    }
    for e in candidates {
        let sql = "SELECT customer_id, key_id, quantity, ts, event_type FROM usage_events WHERE source = ?1 AND event_id = ?2";
        let kept = db.query_opt(sql, crate::ps![&e.source, &e.event_id], |r| {
            Ok(Side {
                customer_id: r.text(0)?,
                key_id: r.opt_text(1)?,
                quantity: r.i64(2)?,
                ts: r.i64(3)?,
                event_type: r.opt_text(4)?,
            })
        })?;
        let dropped = Side::of(e);
        if let Some(kept) = kept.filter(|k| *k != dropped) {
            out.push(Conflict {
                source: e.source.clone(),
                event_id: e.event_id.clone(),
                kept,
                dropped,
            });
        }
    }
    super::usage_conflicts::log(db, &out, route, at)?;
    Ok(out)
}

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
    used: std::collections::HashMap<(String, i64, i64), i64>,
    windows: std::collections::HashMap<String, std::collections::BTreeMap<i64, i64>>,
}

/// The most customers and keys whose counts are kept between groups.
const MAX_CHARGES: usize = 100_000;

impl Charges {
    /// Keeps the counts if nothing but this connection has written the store since they were
    /// read (SQLite's `data_version`, read inside the write transaction); else drops them.
    /// On Postgres they last one group.
    fn keep_if_alone(&mut self, db: &super::db::Db) -> Result<()> {
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
            // Postgres: the customers' locks serialise the counts and inserts across hosts
            // (SQLite's write lock already does).
            let customers: std::collections::BTreeSet<&str> =
                calls.iter().map(|(e, _)| e.customer_id.as_str()).collect();
            for c in customers {
                db.lock(&format!("usage:{c}"))?;
            }
            charges.keep_if_alone(db)?;
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
    fn charge_one(
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
                let u = self.usage_in("customer", &event.customer_id, from, to)?;
                charges.used.insert(period.clone(), u);
                u
            }
        };
        if !crate::billing::fits(used, event.quantity, limits.quota) {
            return Ok(Charge::QuotaExceeded { used });
        }
        let window_end = now
            .checked_add(limits.max_future_skew)
            .and_then(|t| t.checked_add(1))
            .unwrap_or(i64::MAX);
        let since = now.saturating_sub(60);
        let subject = if limits.rate_per_customer {
            format!("c:{}", event.customer_id)
        } else {
            format!("k:{key}")
        };
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

    /// Records usage events that came by `route` (a repeated identity is not recorded again),
    /// their rollups and the keys' last use, all in one transaction; returns how many were new.
    pub fn record_usage(&mut self, events: &[UsageEvent], at: i64, route: Route) -> Result<usize> {
        Ok(self.record_usage_checked(events, at, route)?.inserted)
    }

    /// As [`Store::record_usage`], with the repeats whose event differs from the stored one
    /// (conflicts), found and recorded in `usage_conflicts` in the same transaction.
    /// The time of the stored usage event `(source, id)`, if it is stored (raw, not compacted).
    pub fn usage_event_time(&self, source: &str, id: &str) -> Result<Option<i64>> {
        self.db.query_opt(
            "SELECT ts FROM usage_events WHERE source = ?1 AND event_id = ?2",
            crate::ps![source, id],
            |r| r.i64(0),
        )
    }

    pub fn record_usage_checked(
        &mut self,
        events: &[UsageEvent],
        at: i64,
        route: Route,
    ) -> Result<Written> {
        // This connection's own writes do not move `data_version`: recorded calls' counts
        // kept across groups are read again.
        self.charges = Charges::default();
        self.db.tx(true, |db| {
            // Postgres takes a batch through COPY into a staging table and one statement that
            // inserts the new events and adds them to the rollups; row by row it is a round trip
            // per event.
            let inserted = if db.is_pg() && events.len() > 8 {
                copy_usage(db, events, at, route)?
            } else {
                insert_usage(db, events, at, route)?
            };
            crate::faults::point("usage.commit");
            Ok(inserted)
        })
    }

    /// Exact quantity of `scope` (`customer`/`key`) `subject` with `from <= ts < to`, read from
    /// rollups: whole UTC days from the daily ones, whole hours at the edges from the hourly
    /// ones, and only the partial hours at both ends from raw events.
    ///
    /// Where raw events were compacted away (before `compacted_before`), an edge inside an hour
    /// resolves to the hour's start: each compacted hour counts in the period holding its start,
    /// so consecutive periods still add up exactly.
    pub fn usage_in(&self, scope: &str, subject: &str, from: i64, to: i64) -> Result<i64> {
        self.usage_in_span(scope, subject, span(from, to, self.compacted_before()?))
    }

    fn usage_in_span(&self, scope: &str, subject: &str, span: Span) -> Result<i64> {
        match span {
            Span::Empty => Ok(0),
            Span::Raw(from, to) => self.raw_in(scope, subject, from, to),
            Span::Hours { from, h0, h1, to } => checked_sum([
                self.raw_in(scope, subject, from, h0)?,
                self.raw_in(scope, subject, h1, to)?,
                self.rollup_sum(scope, subject, "hour", h0, h1)?,
            ]),
            Span::Days {
                from,
                h0,
                d0,
                d1,
                h1,
                to,
            } => checked_sum([
                self.raw_in(scope, subject, from, h0)?,
                self.raw_in(scope, subject, h1, to)?,
                self.rollup_sum(scope, subject, "day", d0, d1)?,
                self.rollup_sum(scope, subject, "hour", h0, d0)?,
                self.rollup_sum(scope, subject, "hour", d1, h1)?,
            ]),
        }
    }

    /// [`Store::usage_in`] for many `(subject, from, to)` at once, in order. On Postgres one
    /// statement answers them all (the same decomposition: raw partial hours at the edges,
    /// hourly rollups to the day boundaries, daily rollups between), where one by one each would
    /// be a dozen round trips; periods too short for that shape are asked one by one.
    pub fn usage_in_many(&self, scope: &str, items: &[(String, i64, i64)]) -> Result<Vec<i64>> {
        if !self.db.is_pg() {
            return items
                .iter()
                .map(|(s, f, t)| self.usage_in(scope, s, *f, *t))
                .collect();
        }
        let horizon = self.compacted_before()?;
        let floor = |t: i64, u: i64| t.div_euclid(u) * u;
        let mut out = vec![0i64; items.len()];
        // Columns of the batch: subject, the two raw edges (hour, from, to), the two hourly
        // edges (day, from, to), the daily span (from, to).
        let mut cols: Vec<Vec<i64>> = vec![Vec::new(); 14];
        let (mut subjects, mut index) = (Vec::new(), Vec::new());
        for (n, (subject, from, to)) in items.iter().enumerate() {
            let sp = span(*from, *to, horizon);
            let Span::Days {
                from,
                h0,
                d0,
                d1,
                h1,
                to,
            } = sp
            else {
                // Shorter periods (or none) have another shape: asked one by one.
                out[n] = self.usage_in_span(scope, subject, sp)?;
                continue;
            };
            let row = [
                from / 3600,
                from,
                h0,
                h1 / 3600,
                h1,
                to,
                floor(h0, 86_400),
                h0,
                d0,
                d1,
                d1,
                h1,
                d0,
                d1,
            ];
            for (c, v) in cols.iter_mut().zip(row) {
                c.push(v);
            }
            subjects.push(subject.clone());
            index.push(n);
        }
        if subjects.is_empty() {
            return Ok(out);
        }
        let sql = usage_many_sql(scope);
        let sums = self.db.query_arrays(&sql, &subjects, scope, &cols)?;
        for (n, v) in index.into_iter().zip(sums) {
            out[n] = v;
        }
        Ok(out)
    }

    /// Daily totals (day start, quantity) of a subject with days in `[from, to)`.
    pub fn daily(&self, scope: &str, subject: &str, from: i64, to: i64) -> Result<Vec<(i64, i64)>> {
        self.db.query(
            "SELECT day, quantity FROM usage_daily WHERE scope = ?1 AND subject = ?2 AND day >= ?3 AND day < ?4 ORDER BY day",
            crate::ps![scope, subject, from, to],
            |r| Ok((r.i64(0)?, r.i64(1)?)),
        )
    }

    /// Quantity of the raw events of `scope` (`customer`/`key`) `subject` with
    /// `from <= ts < to`. The index is by hour first, so the first hours of the range are one
    /// seek each and any later hours one scan of every event in them; the callers ask for short
    /// ranges (a period's partial-hour edges, the last minute's calls).
    fn raw_in(&self, scope: &str, subject: &str, from: i64, to: i64) -> Result<i64> {
        const SEEK_HOURS: i64 = 4;
        if to <= from {
            return Ok(0);
        }
        let (seek, scan) = if scope == "key" {
            (
                "SELECT CAST(coalesce(sum(quantity), 0) AS BIGINT) FROM usage_events WHERE ts / 3600 = ?1 AND customer_id = (SELECT customer_id FROM api_keys WHERE id = ?2) AND key_id = ?2 AND ts >= ?3 AND ts < ?4",
                "SELECT CAST(coalesce(sum(quantity), 0) AS BIGINT) FROM usage_events WHERE ts / 3600 > ?1 AND ts / 3600 <= ?2 AND customer_id = (SELECT customer_id FROM api_keys WHERE id = ?3) AND key_id = ?3 AND ts >= ?4 AND ts < ?5",
            )
        } else {
            (
                "SELECT CAST(coalesce(sum(quantity), 0) AS BIGINT) FROM usage_events WHERE ts / 3600 = ?1 AND customer_id = ?2 AND ts >= ?3 AND ts < ?4",
                "SELECT CAST(coalesce(sum(quantity), 0) AS BIGINT) FROM usage_events WHERE ts / 3600 > ?1 AND ts / 3600 <= ?2 AND customer_id = ?3 AND ts >= ?4 AND ts < ?5",
            )
        };
        // The index's own hour, `ts / 3600` (SQLite, like Rust, truncates toward zero).
        let (first, last) = (from / 3600, (to - 1) / 3600);
        let seek_last = last.min(first.saturating_add(SEEK_HOURS - 1));
        let mut parts = Vec::with_capacity(SEEK_HOURS as usize + 1);
        for hour in first..=seek_last {
            parts.push(self.db.int(seek, crate::ps![hour, subject, from, to])?);
        }
        if last > seek_last {
            parts.push(
                self.db
                    .int(scan, crate::ps![seek_last, last, subject, from, to])?,
            );
        }
        checked_sum(parts)
    }

    /// Total quantity of the raw events of a customer (all time; a full scan, for checks).
    pub fn usage_total(&self, customer: &str) -> Result<i64> {
        self.db.int(
            "SELECT CAST(coalesce(sum(quantity), 0) AS BIGINT) FROM usage_events WHERE customer_id = ?1",
            crate::ps![customer],
        )
    }

    /// Rolled-up quantity of `scope` (`customer`/`key`) `subject` at `grain` (`hour`/`day`)
    /// for buckets starting in `from <= bucket < to`.
    pub fn rollup_sum(
        &self,
        scope: &str,
        subject: &str,
        grain: &str,
        from: i64,
        to: i64,
    ) -> Result<i64> {
        if to <= from {
            return Ok(0);
        }
        let one = |sql: &str, p: &[super::db::P]| self.db.int(sql, p);
        if grain == "day" {
            return one(
                "SELECT CAST(coalesce(sum(quantity), 0) AS BIGINT) FROM usage_daily WHERE scope = ?1 AND subject = ?2 AND day >= ?3 AND day < ?4",
                crate::ps![scope, subject, from, to],
            );
        }
        // Hours are clustered by day: one seek per day for a short range (a period's edges).
        let day = |t: i64| t.div_euclid(86_400).saturating_mul(86_400);
        let (first, last) = (day(from), day(to - 1));
        if last.saturating_sub(first) <= 3 * 86_400 {
            let mut total = 0i64;
            for d in (first..=last).step_by(86_400) {
                total = add(total, one(
                    "SELECT CAST(coalesce(sum(quantity), 0) AS BIGINT) FROM usage_hourly WHERE day = ?1 AND scope = ?2 AND subject = ?3 AND hour >= ?4 AND hour < ?5",
                    crate::ps![d, scope, subject, from, to],
                )?)?;
            }
            return Ok(total);
        }
        one(
            "SELECT CAST(coalesce(sum(quantity), 0) AS BIGINT) FROM usage_hourly WHERE day >= ?1 AND day <= ?2 AND scope = ?3 AND subject = ?4 AND hour >= ?5 AND hour < ?6",
            crate::ps![first, last, scope, subject, from, to],
        )
    }

    /// Calls (sum of quantities) of a customer with `from <= ts < to`, from the raw events.
    pub fn usage_sum(&self, customer: &str, from: i64, to: i64) -> Result<i64> {
        self.raw_in("customer", customer, from, to)
    }

    /// Calls made with a key since `since`.
    pub fn key_uses_since(&self, key: &str, since: i64) -> Result<i64> {
        self.key_usage(key, since, i64::MAX)
    }

    /// Calls (sum of quantities) made with a key with `from <= ts < to`, from the raw events.
    pub fn key_usage(&self, key: &str, from: i64, to: i64) -> Result<i64> {
        self.raw_in("key", key, from, to)
    }
}

/// The one Postgres statement that sums usage over many long periods at once: per row, the
/// raw events of the two edge hours, the hourly rollups of the two edge days, and the daily
/// rollups between.
fn usage_many_sql(scope: &str) -> String {
    // Raw events are indexed by hour, customer, key: a key's are found under its customer.
    let raw_subject = if scope == "key" {
        "e.customer_id = (SELECT k.customer_id FROM api_keys k WHERE k.id = x.s) AND e.key_id = x.s"
    } else {
        "e.customer_id = x.s"
    };
    let raw = |h: &str, f: &str, t: &str| {
        format!("coalesce((SELECT sum(e.quantity) FROM usage_events e WHERE e.ts / 3600 = x.{h} AND {raw_subject} AND e.ts >= x.{f} AND e.ts < x.{t}), 0)")
    };
    let hourly = |d: &str, f: &str, t: &str| {
        format!("coalesce((SELECT sum(u.quantity) FROM usage_hourly u WHERE u.day = x.{d} AND u.scope = $2 AND u.subject = x.s AND u.hour >= x.{f} AND u.hour < x.{t}), 0)")
    };
    format!(
        "SELECT CAST({} + {} + {} + {} + coalesce((SELECT sum(d.quantity) FROM usage_daily d WHERE d.scope = $2 AND d.subject = x.s AND d.day >= x.df AND d.day < x.dt), 0) AS BIGINT)
         FROM unnest($1::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[], $14::bigint[], $15::bigint[], $16::bigint[])
           WITH ORDINALITY AS x(s, r1h, r1f, r1t, r2h, r2f, r2t, h1d, h1f, h1t, h2d, h2f, h2t, df, dt, n)
         ORDER BY x.n",
        raw("r1h", "r1f", "r1t"),
        raw("r2h", "r2f", "r2t"),
        hourly("h1d", "h1f", "h1t"),
        hourly("h2d", "h2f", "h2t"),
    )
}

/// Inserts events inside the caller's transaction and adds the newly inserted ones to the
/// hourly and daily rollups of their customer and key; returns how many were new.
pub(crate) fn insert_usage(
    db: &super::db::Db,
    events: &[UsageEvent],
    at: i64,
    route: Route,
) -> Result<Written> {
    // Read inside the write transaction, so a compaction cannot slip in between the check and
    // the insert: ids before the horizon can no longer be checked for duplicates.
    refuse_before_horizon(db, events)?;
    // Identities in byte order, as every batch insert takes them: two writers with overlapping
    // ids then wait on each other in one order instead of deadlocking.
    let mut sorted: Vec<&UsageEvent> = events.iter().collect();
    sorted.sort_by(|a, b| identity(a).cmp(&identity(b)));
    let mut new = Vec::with_capacity(events.len());
    let mut repeats = Vec::new();
    {
        let mut ins = db.prepare(
            "INSERT INTO usage_events (source, event_id, customer_id, key_id, quantity, ts, endpoint, meta, recorded_at, event_type) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT DO NOTHING",
        )?;
        for e in sorted {
            if ins.execute(crate::ps![
                &e.source,
                &e.event_id,
                &e.customer_id,
                &e.key_id,
                e.quantity,
                e.ts,
                &e.endpoint,
                &e.meta,
                at,
                &e.event_type
            ])? > 0
            {
                new.push(e);
            } else {
                repeats.push(e);
            }
        }
    }
    add_to_rollups(db, &new)?;
    Ok(Written {
        inserted: new.len(),
        conflicts: conflicts_among(db, &repeats, route, at)?,
    })
}

/// An event's identity, the pair that is unique in the store.
fn identity(e: &UsageEvent) -> (&str, &str) {
    (&e.source, &e.event_id)
}

/// Adds events just inserted to the hourly and daily rollups of their customer and key, and
/// moves the keys' last use, inside the caller's transaction.
fn add_to_rollups(db: &super::db::Db, events: &[&UsageEvent]) -> Result<()> {
    use std::collections::HashMap;
    /// Scope, subject, grain, bucket start.
    type Row<'a> = (&'static str, &'a str, &'static str, i64);
    let mut sums: HashMap<Row, (i64, i64), Fx> = HashMap::default();
    let mut last_use: HashMap<&str, i64, Fx> = HashMap::default();
    for e in events {
        let hour = e.ts.div_euclid(3600) * 3600;
        let day = e.ts.div_euclid(86_400) * 86_400;
        let customer = [("customer", e.customer_id.as_str())];
        let key = e.key_id.as_deref().map(|k| ("key", k));
        for (scope, subject) in customer.into_iter().chain(key) {
            for (grain, bucket) in [("hour", hour), ("day", day)] {
                let s = sums.entry((scope, subject, grain, bucket)).or_default();
                s.0 = add(s.0, e.quantity)?;
                s.1 += 1;
            }
        }
        if let Some(k) = &e.key_id {
            let t = last_use.entry(k.as_str()).or_insert(e.ts);
            *t = (*t).max(e.ts);
        }
    }
    // In key order, so consecutive upserts land on the same pages (and concurrent writers on
    // Postgres take row locks in one order).
    let mut sums: Vec<_> = sums.into_iter().collect();
    sums.sort_unstable_by_key(|&((scope, subject, grain, bucket), _)| {
        (grain, bucket.div_euclid(86_400), scope, subject, bucket)
    });
    let mut hourly = db.prepare(
        "INSERT INTO usage_hourly (day, scope, subject, hour, quantity, events) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (day, scope, subject, hour) DO UPDATE SET quantity = usage_hourly.quantity + excluded.quantity, events = usage_hourly.events + excluded.events",
    )?;
    let mut daily = db.prepare(
        "INSERT INTO usage_daily (scope, subject, day, quantity, events) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (scope, subject, day) DO UPDATE SET quantity = usage_daily.quantity + excluded.quantity, events = usage_daily.events + excluded.events",
    )?;
    for ((scope, subject, grain, bucket), (q, n)) in &sums {
        if *grain == "hour" {
            let day = bucket.div_euclid(86_400) * 86_400;
            hourly.execute(crate::ps![day, *scope, *subject, *bucket, *q, *n])?;
        } else {
            daily.execute(crate::ps![*scope, *subject, *bucket, *q, *n])?;
        }
    }
    let mut last_use: Vec<_> = last_use.into_iter().collect();
    last_use.sort_unstable();
    let mut used = db.prepare(
        "UPDATE api_keys SET last_used_at = CASE WHEN coalesce(last_used_at, 0) > ?2 THEN last_used_at ELSE ?2 END WHERE id = ?1",
    )?;
    for (k, t) in &last_use {
        used.execute(crate::ps![*k, *t])?;
    }
    Ok(())
}

/// The batch insert on Postgres, through COPY, in event id order (so that two hosts copying
/// overlapping batches wait on each other's ids in one order instead of deadlocking).
///
/// A batch is most often all new: it is copied straight into `usage_events` and added to the
/// rollups. When any of its ids is already there (or being inserted by another host), that
/// copy is undone and the batch goes through a temporary staging table instead, from which one
/// statement inserts the new events (a repeated id is skipped by the unique constraint, also
/// within the batch) and returns them, to be added to the rollups like any other batch.
/// Every path takes its locks in one order (ids by bytes, then the rollup rows as
/// `add_to_rollups` sorts them, then the keys), so concurrent writers never deadlock.
/// Returns how many were new.
fn copy_usage(db: &super::db::Db, events: &[UsageEvent], at: i64, route: Route) -> Result<Written> {
    refuse_before_horizon(db, events)?;
    // Sums are checked here as in `insert_usage`: Postgres errors on a bigint overflow too.
    events.iter().try_fold(0i64, |a, e| add(a, e.quantity))?;
    let mut sorted: Vec<&UsageEvent> = events.iter().collect();
    sorted.sort_unstable_by(|a, b| identity(a).cmp(&identity(b)));
    let text = copy_text(&sorted, at);
    if db
        .copy_in_unless_duplicate(
            "COPY usage_events (source, event_id, customer_id, key_id, quantity, ts, endpoint, meta, recorded_at, event_type) FROM STDIN",
            &text,
        )?
        .is_some()
    {
        add_to_rollups(db, &sorted)?;
        return Ok(Written {
            inserted: sorted.len(),
            conflicts: Vec::new(),
        });
    }
    db.execute(
        "CREATE TEMP TABLE IF NOT EXISTS usage_stage (source TEXT NOT NULL, event_id TEXT NOT NULL, customer_id TEXT NOT NULL, key_id TEXT, quantity BIGINT NOT NULL, ts BIGINT NOT NULL, endpoint TEXT, meta TEXT, recorded_at BIGINT NOT NULL, event_type TEXT) ON COMMIT DELETE ROWS",
        &[],
    )?;
    db.copy_in(
        "COPY usage_stage (source, event_id, customer_id, key_id, quantity, ts, endpoint, meta, recorded_at, event_type) FROM STDIN",
        &text,
    )?;
    // In the same (byte) order as the copy above; the rows actually inserted come back (of an
    // id repeated within the batch, the one that went in) and go to the rollups as above.
    let new: Vec<UsageEvent> = db.query(
        r#"INSERT INTO usage_events (source, event_id, customer_id, key_id, quantity, ts, endpoint, meta, recorded_at, event_type)
           SELECT source, event_id, customer_id, key_id, quantity, ts, endpoint, meta, recorded_at, event_type FROM usage_stage
           ORDER BY source COLLATE "C", event_id COLLATE "C"
           ON CONFLICT DO NOTHING
           RETURNING source, event_id, customer_id, key_id, quantity, ts, event_type"#,
        &[],
        |r| {
            Ok(UsageEvent {
                source: r.text(0)?,
                event_id: r.text(1)?,
                customer_id: r.text(2)?,
                key_id: r.opt_text(3)?,
                quantity: r.i64(4)?,
                ts: r.i64(5)?,
                endpoint: None,
                meta: None,
                event_type: r.opt_text(6)?,
            })
        },
    )?;
    db.execute("DELETE FROM usage_stage", &[])?;
    add_to_rollups(db, &new.iter().collect::<Vec<_>>())?;
    let candidates = repeat_candidates(&sorted, &new);
    Ok(Written {
        inserted: new.len(),
        conflicts: conflicts_among(db, &candidates, route, at)?,
    })
}

/// Of a batch (`sorted` by identity) and the events of it that went in (`new`), the ones to
/// compare with the stored event: which of a repeated identity went in is the server's choice,
/// so every event of an identity that was not inserted, or came more than once, is a candidate.
fn repeat_candidates<'e>(sorted: &[&'e UsageEvent], new: &[UsageEvent]) -> Vec<&'e UsageEvent> {
    let inserted: std::collections::HashSet<(&str, &str)> = new.iter().map(identity).collect();
    let repeated = |i: usize| {
        let id = identity(sorted[i]);
        (i > 0 && identity(sorted[i - 1]) == id)
            || sorted.get(i + 1).is_some_and(|n| identity(n) == id)
    };
    (0..sorted.len())
        .filter(|&i| !inserted.contains(&identity(sorted[i])) || repeated(i))
        .map(|i| sorted[i])
        .collect()
}

/// The events as the text format of `COPY … (source, event_id, customer_id, key_id, quantity,
/// ts, endpoint, meta, recorded_at, event_type)`.
fn copy_text(events: &[&UsageEvent], at: i64) -> Vec<u8> {
    use rusqlite::types::ValueRef as V;
    fn text(s: &Option<String>) -> V<'_> {
        s.as_deref().map_or(V::Null, |k| V::Text(k.as_bytes()))
    }
    let mut out = Vec::with_capacity(events.len() * 116);
    for e in events {
        let fields = [
            V::Text(e.source.as_bytes()),
            V::Text(e.event_id.as_bytes()),
            V::Text(e.customer_id.as_bytes()),
            text(&e.key_id),
            V::Integer(e.quantity),
            V::Integer(e.ts),
            text(&e.endpoint),
            text(&e.meta),
            V::Integer(at),
            text(&e.event_type),
        ];
        for (i, f) in fields.into_iter().enumerate() {
            if i > 0 {
                out.push(b'\t');
            }
            super::copy::copy_text(&mut out, f);
        }
        out.push(b'\n');
    }
    out
}

/// Refuses a batch with an event before the compaction horizon (read inside the caller's write
/// transaction, so a compaction cannot slip in between): ids before it can no longer be checked
/// for duplicates.
fn refuse_before_horizon(db: &super::db::Db, events: &[UsageEvent]) -> Result<()> {
    if let Some(h) = horizon(db)? {
        if let Some(e) = events.iter().find(|e| e.ts < h) {
            anyhow::bail!(
                "event {} at {} is before the compacted horizon {}: raw events (and their ids) before it were dropped by 'usage compact', so it cannot be checked for duplicates",
                e.event_id,
                crate::time::utc_datetime(e.ts),
                crate::time::utc_date(h)
            );
        }
    }
    Ok(())
}

/// How `usage_in` reads `[from, to)`: raw events for the partial hours at both ends, hourly
/// rollups for whole hours, daily rollups for whole days.
#[derive(Clone, Copy)]
enum Span {
    Empty,
    /// Within one stretch of raw events (no whole hour inside).
    Raw(i64, i64),
    /// Raw `[from, h0)` and `[h1, to)`, hourly `[h0, h1)` when there is no whole day.
    Hours {
        from: i64,
        h0: i64,
        h1: i64,
        to: i64,
    },
    /// Raw edges, hourly `[h0, d0)` and `[d1, h1)`, daily `[d0, d1)`.
    Days {
        from: i64,
        h0: i64,
        d0: i64,
        d1: i64,
        h1: i64,
        to: i64,
    },
}

/// The decomposition of `[from, to)` under the compaction horizon: where raw events were
/// compacted away, an edge inside an hour resolves to the hour's start.
fn span(from: i64, to: i64, horizon: Option<i64>) -> Span {
    if to <= from {
        return Span::Empty;
    }
    let (from, to) = match horizon {
        Some(h) => {
            let snap = |t: i64| if t < h { t.div_euclid(3600) * 3600 } else { t };
            (snap(from), snap(to))
        }
        None => (from, to),
    };
    if to <= from {
        return Span::Empty;
    }
    let ceil = |t: i64, u: i64| t.div_euclid(u) * u + if t.rem_euclid(u) == 0 { 0 } else { u };
    let floor = |t: i64, u: i64| t.div_euclid(u) * u;
    let (h0, h1) = (ceil(from, 3600), floor(to, 3600));
    if h0 >= h1 {
        return Span::Raw(from, to);
    }
    let (d0, d1) = (ceil(h0, 86_400), floor(h1, 86_400));
    if d0 < d1 {
        Span::Days {
            from,
            h0,
            d0,
            d1,
            h1,
            to,
        }
    } else {
        Span::Hours { from, h0, h1, to }
    }
}

/// `a + b`, or an error instead of a wrap: a usage sum never overflows silently (quantities
/// are bounded, so this takes billions of the largest events).
fn add(a: i64, b: i64) -> Result<i64> {
    a.checked_add(b)
        .ok_or_else(|| anyhow::anyhow!("usage total overflows a 64-bit integer ({a} + {b})"))
}

fn checked_sum(parts: impl IntoIterator<Item = i64>) -> Result<i64> {
    parts.into_iter().try_fold(0, add)
}

/// The Fx hash (rustc's own, from rustc-hash): a few instructions per word where SipHash costs
/// tens. The rollup maps are keyed by customer and key ids already checked against the store,
/// so there is no flooding to defend against, and an import hashes several keys per event.
type Fx = rustc_hash::FxBuildHasher;

/// The setting that records `usage compact`'s horizon.
pub(crate) const HORIZON_KEY: &str = "usage.compacted_before";

fn horizon(db: &super::db::Db) -> Result<Option<i64>> {
    Ok(db
        .query_opt(
            "SELECT value FROM settings WHERE key = ?1",
            crate::ps![HORIZON_KEY],
            |r| r.text(0),
        )?
        .and_then(|v| v.parse().ok()))
}

impl Store {
    /// Raw events before this time were dropped by `usage compact` (rollups are kept).
    pub fn compacted_before(&self) -> Result<Option<i64>> {
        if let Some(h) = self.horizon.get() {
            return Ok(*h);
        }
        let h = horizon(&self.db)?;
        let _ = self.horizon.set(h);
        Ok(h)
    }

    /// Moves the horizon to `before` (never back); from then on, events before it are refused.
    pub fn set_compaction_horizon(&mut self, before: i64) -> Result<i64> {
        self.charges = Charges::default();
        let h = self.db.tx(true, |db| {
            db.lock(HORIZON_KEY)?;
            let h = horizon(db)?.map_or(before, |h| h.max(before));
            db.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                crate::ps![HORIZON_KEY, h.to_string().as_str()],
            )?;
            Ok(h)
        })?;
        self.horizon = std::cell::OnceCell::new();
        Ok(h)
    }

    /// Raw events before `before`.
    pub fn raw_events_before(&self, before: i64) -> Result<i64> {
        self.db.int(
            "SELECT count(*) FROM usage_events WHERE ts < ?1",
            crate::ps![before],
        )
    }

    /// Deletes up to `limit` raw events before `before` from hour `from_hour` (`ts / 3600`)
    /// on, in one transaction; returns how many and the hour to go on from (for the next
    /// call), or `None` when done. Walks the hour index both backends keep.
    pub fn delete_raw_before(
        &mut self,
        before: i64,
        from_hour: i64,
        limit: usize,
    ) -> Result<(usize, Option<i64>)> {
        self.charges = Charges::default();
        let limit_i = i64::try_from(limit).unwrap_or(i64::MAX);
        let (deleted, rows) = self.db.tx(true, |db| {
            let rows: Vec<(i64, String, String)> = db.query(
                "SELECT ts / 3600, source, event_id FROM usage_events WHERE ts / 3600 >= ?1 AND ts < ?2 ORDER BY ts / 3600 LIMIT ?3",
                crate::ps![from_hour, before, limit_i],
                |r| Ok((r.i64(0)?, r.text(1)?, r.text(2)?)),
            )?;
            let mut deleted = 0;
            let mut del =
                db.prepare("DELETE FROM usage_events WHERE source = ?1 AND event_id = ?2")?;
            for (_, source, id) in &rows {
                deleted += del.execute(crate::ps![source.as_str(), id.as_str()])?;
            }
            Ok((deleted, rows))
        })?;
        Ok((
            deleted,
            (rows.len() == limit).then(|| rows.last().map_or(from_hour, |r| r.0)),
        ))
    }
}
