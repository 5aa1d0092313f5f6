//! API keys, usage events, the audit log and store settings.

use super::Store;
use anyhow::{bail, Result};
use rusqlite::{params, OptionalExtension, Row, Transaction};
use serde::Serialize;

/// An API key as stored: everything but the key itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyRecord {
    pub id: String,
    #[serde(skip)]
    pub hash: Vec<u8>,
    pub mode: String,
    pub customer_id: String,
    pub name: Option<String>,
    pub created_at: i64,
    pub created_by: String,
    pub expires_at: Option<i64>,
    pub ttl_secs: Option<i64>,
    pub revoked_at: Option<i64>,
    pub revoked_reason: Option<String>,
    pub last_used_at: Option<i64>,
    pub replaces: Option<String>,
    pub replaced_by: Option<String>,
}

impl KeyRecord {
    /// `revoked`, `expired` or `active` at `now`.
    pub fn status(&self, now: i64) -> &'static str {
        if self.revoked_at.is_some_and(|t| t <= now) {
            "revoked"
        } else if self.expires_at.is_some_and(|t| t <= now) {
            "expired"
        } else {
            "active"
        }
    }
}

/// One usage event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UsageEvent {
    pub event_id: String,
    pub customer_id: String,
    pub key_id: Option<String>,
    pub quantity: i64,
    pub ts: i64,
    pub endpoint: Option<String>,
    pub meta: Option<String>,
}

/// One audit entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditRow {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub key_id: Option<String>,
    pub customer_id: Option<String>,
    pub reason: Option<String>,
    pub detail: Option<serde_json::Value>,
}

/// An action to append to the audit log.
pub struct Audit<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub key_id: Option<&'a str>,
    pub customer_id: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub detail: Option<serde_json::Value>,
}

macro_rules! key_columns {
    () => {
        "id, hash, mode, customer_id, name, created_at, created_by, expires_at, ttl_secs, revoked_at, revoked_reason, last_used_at, replaces, replaced_by"
    };
}
const KEY_COLUMNS: &str = key_columns!();
/// The verify hot path: a constant statement, found in the statement cache without formatting.
const KEY_BY_ID: &str = concat!("SELECT ", key_columns!(), " FROM api_keys WHERE id = ?1");

fn key_row(r: &Row) -> rusqlite::Result<KeyRecord> {
    Ok(KeyRecord {
        id: r.get(0)?,
        hash: r.get(1)?,
        mode: r.get(2)?,
        customer_id: r.get(3)?,
        name: r.get(4)?,
        created_at: r.get(5)?,
        created_by: r.get(6)?,
        expires_at: r.get(7)?,
        ttl_secs: r.get(8)?,
        revoked_at: r.get(9)?,
        revoked_reason: r.get(10)?,
        last_used_at: r.get(11)?,
        replaces: r.get(12)?,
        replaced_by: r.get(13)?,
    })
}

fn append_audit(tx: &Transaction, at: i64, a: &Audit) -> Result<()> {
    tx.prepare_cached("INSERT INTO audit (at, actor, action, key_id, customer_id, reason, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")?
        .execute(params![at, a.actor, a.action, a.key_id, a.customer_id, a.reason, a.detail.as_ref().map(|d| d.to_string())])?;
    Ok(())
}

fn insert_key(tx: &Transaction, k: &KeyRecord) -> Result<()> {
    tx.prepare_cached(&format!("INSERT INTO api_keys ({KEY_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"))?.execute(params![
        k.id,
        k.hash,
        k.mode,
        k.customer_id,
        k.name,
        k.created_at,
        k.created_by,
        k.expires_at,
        k.ttl_secs,
        k.revoked_at,
        k.revoked_reason,
        k.last_used_at,
        k.replaces,
        k.replaced_by
    ])?;
    Ok(())
}

impl Store {
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?)
    }

    /// The store's mode (`test`/`live`), fixed by the first key issued; a key of the other
    /// mode is refused.
    pub fn claim_mode(&mut self, mode: &str) -> Result<()> {
        match self.setting("mode")? {
            Some(m) if m == mode => Ok(()),
            Some(m) => bail!("this store holds {m}-mode API keys; the Stripe key in use is {mode}-mode\nhint: use a separate --data-dir for each mode"),
            None => {
                self.conn.execute("INSERT INTO settings (key, value) VALUES ('mode', ?1)", [mode])?;
                Ok(())
            }
        }
    }

    /// Stores a new key and its audit entry together.
    pub fn issue_key(&mut self, k: &KeyRecord, audit: &Audit, at: i64) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        insert_key(&tx, k)?;
        append_audit(&tx, at, audit)?;
        tx.commit()?;
        Ok(())
    }

    /// Stores many new keys and one audit entry in a single transaction.
    pub fn issue_keys(&mut self, keys: &[KeyRecord], audit: &Audit, at: i64) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for k in keys {
            insert_key(&tx, k)?;
        }
        append_audit(&tx, at, audit)?;
        tx.commit()?;
        Ok(())
    }

    /// Stores the replacement, ends the old key at `old_until`, and audits, in one transaction.
    pub fn rotate_key(
        &mut self,
        old: &str,
        new: &KeyRecord,
        old_until: i64,
        audit: &Audit,
        at: i64,
    ) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        insert_key(&tx, new)?;
        tx.execute(
            "UPDATE api_keys SET expires_at = min(coalesce(expires_at, ?2), ?2), replaced_by = ?3 WHERE id = ?1",
            params![old, old_until, new.id],
        )?;
        append_audit(&tx, at, audit)?;
        tx.commit()?;
        Ok(())
    }

    /// Revokes keys (effective at `at`) with one audit entry each, all or none.
    pub fn revoke_keys(
        &mut self,
        ids: &[String],
        reason: Option<&str>,
        actor: &str,
        at: i64,
    ) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for id in ids {
            let customer: Option<String> = tx
                .query_row(
                    "SELECT customer_id FROM api_keys WHERE id = ?1",
                    [id],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(customer) = customer else {
                bail!("no API key with id {id}")
            };
            tx.execute("UPDATE api_keys SET revoked_at = ?2, revoked_reason = ?3 WHERE id = ?1 AND revoked_at IS NULL", params![id, at, reason])?;
            append_audit(
                &tx,
                at,
                &Audit {
                    actor,
                    action: "key.revoke",
                    key_id: Some(id),
                    customer_id: Some(&customer),
                    reason,
                    detail: None,
                },
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn key(&self, id: &str) -> Result<Option<KeyRecord>> {
        Ok(self
            .conn
            .prepare_cached(KEY_BY_ID)?
            .query_row([id], key_row)
            .optional()?)
    }

    /// Keys, optionally of one customer, newest first.
    pub fn keys(&self, customer: Option<&str>) -> Result<Vec<KeyRecord>> {
        let rows = match customer {
            Some(c) => self
                .conn
                .prepare_cached(&format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE customer_id = ?1 ORDER BY created_at DESC, id"))?
                .query_map([c], key_row)?
                .collect::<rusqlite::Result<_>>()?,
            None => self
                .conn
                .prepare_cached(&format!("SELECT {KEY_COLUMNS} FROM api_keys ORDER BY created_at DESC, id"))?
                .query_map([], key_row)?
                .collect::<rusqlite::Result<_>>()?,
        };
        Ok(rows)
    }

    /// Records usage events (a repeated event id is ignored), their rollups and the keys'
    /// last use, all in one transaction; returns how many were new.
    pub fn record_usage(&mut self, events: &[UsageEvent], at: i64) -> Result<usize> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let inserted = insert_usage(&tx, events, at)?;
        crate::faults::point("usage.commit");
        tx.commit()?;
        Ok(inserted)
    }

    /// Exact quantity of `scope` (`customer`/`key`) `subject` with `from <= ts < to`, read from
    /// rollups: whole UTC days from the daily ones, whole hours at the edges from the hourly
    /// ones, and only the partial hours at both ends from raw events.
    ///
    /// Where raw events were compacted away (before `compacted_before`), an edge inside an hour
    /// resolves to the hour's start: each compacted hour counts in the period holding its start,
    /// so consecutive periods still add up exactly.
    pub fn usage_in(&self, scope: &str, subject: &str, from: i64, to: i64) -> Result<i64> {
        if to <= from {
            return Ok(0);
        }
        let (from, to) = match self.compacted_before()? {
            Some(h) => {
                let snap = |t: i64| if t < h { t.div_euclid(3600) * 3600 } else { t };
                (snap(from), snap(to))
            }
            None => (from, to),
        };
        if to <= from {
            return Ok(0);
        }
        let ceil = |t: i64, u: i64| t.div_euclid(u) * u + if t.rem_euclid(u) == 0 { 0 } else { u };
        let floor = |t: i64, u: i64| t.div_euclid(u) * u;
        let (h0, h1) = (ceil(from, 3600), floor(to, 3600));
        if h0 >= h1 {
            return self.raw_in(scope, subject, from, to);
        }
        let (d0, d1) = (ceil(h0, 86_400), floor(h1, 86_400));
        let mut total =
            self.raw_in(scope, subject, from, h0)? + self.raw_in(scope, subject, h1, to)?;
        if d0 < d1 {
            total += self.rollup_sum(scope, subject, "day", d0, d1)?;
            total += self.rollup_sum(scope, subject, "hour", h0, d0)?;
            total += self.rollup_sum(scope, subject, "hour", d1, h1)?;
        } else {
            total += self.rollup_sum(scope, subject, "hour", h0, h1)?;
        }
        Ok(total)
    }

    /// Daily totals (day start, quantity) of a subject with days in `[from, to)`.
    pub fn daily(&self, scope: &str, subject: &str, from: i64, to: i64) -> Result<Vec<(i64, i64)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT day, quantity FROM usage_daily WHERE scope = ?1 AND subject = ?2 AND day >= ?3 AND day < ?4 ORDER BY day",
        )?;
        let rows = stmt
            .query_map(params![scope, subject, from, to], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
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
                "SELECT coalesce(sum(quantity), 0) FROM usage_events WHERE ts / 3600 = ?1 AND key_id = ?2 AND ts >= ?3 AND ts < ?4",
                "SELECT coalesce(sum(quantity), 0) FROM usage_events WHERE ts / 3600 > ?1 AND ts / 3600 <= ?2 AND key_id = ?3 AND ts >= ?4 AND ts < ?5",
            )
        } else {
            (
                "SELECT coalesce(sum(quantity), 0) FROM usage_events WHERE ts / 3600 = ?1 AND customer_id = ?2 AND ts >= ?3 AND ts < ?4",
                "SELECT coalesce(sum(quantity), 0) FROM usage_events WHERE ts / 3600 > ?1 AND ts / 3600 <= ?2 AND customer_id = ?3 AND ts >= ?4 AND ts < ?5",
            )
        };
        // The index's own hour, `ts / 3600` (SQLite, like Rust, truncates toward zero).
        let (first, last) = (from / 3600, (to - 1) / 3600);
        let seek_last = last.min(first.saturating_add(SEEK_HOURS - 1));
        let mut total = 0i64;
        let mut stmt = self.conn.prepare_cached(seek)?;
        for hour in first..=seek_last {
            total += stmt.query_row(params![hour, subject, from, to], |r| r.get::<_, i64>(0))?;
        }
        if last > seek_last {
            total += self
                .conn
                .prepare_cached(scan)?
                .query_row(params![seek_last, last, subject, from, to], |r| {
                    r.get::<_, i64>(0)
                })?;
        }
        Ok(total)
    }

    /// `PRAGMA integrity_check`: `ok`, or what is wrong.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    /// Total quantity of the raw events of a customer (all time; a full scan, for checks).
    pub fn usage_total(&self, customer: &str) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT coalesce(sum(quantity), 0) FROM usage_events WHERE customer_id = ?1",
            )?
            .query_row([customer], |r| r.get(0))?)
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
        let one = |sql: &str, p: &[&dyn rusqlite::ToSql]| -> Result<i64> {
            Ok(self.conn.prepare_cached(sql)?.query_row(p, |r| r.get(0))?)
        };
        if grain == "day" {
            return one(
                "SELECT coalesce(sum(quantity), 0) FROM usage_daily WHERE scope = ?1 AND subject = ?2 AND day >= ?3 AND day < ?4",
                params![scope, subject, from, to],
            );
        }
        // Hours are clustered by day: one seek per day for a short range (a period's edges).
        let day = |t: i64| t.div_euclid(86_400).saturating_mul(86_400);
        let (first, last) = (day(from), day(to - 1));
        if last.saturating_sub(first) <= 3 * 86_400 {
            let mut total = 0;
            for d in (first..=last).step_by(86_400) {
                total += one(
                    "SELECT coalesce(sum(quantity), 0) FROM usage_hourly WHERE day = ?1 AND scope = ?2 AND subject = ?3 AND hour >= ?4 AND hour < ?5",
                    params![d, scope, subject, from, to],
                )?;
            }
            return Ok(total);
        }
        one(
            "SELECT coalesce(sum(quantity), 0) FROM usage_hourly WHERE day >= ?1 AND day <= ?2 AND scope = ?3 AND subject = ?4 AND hour >= ?5 AND hour < ?6",
            params![first, last, scope, subject, from, to],
        )
    }

    /// Starts a read transaction, so that several lookups share one snapshot and one set of
    /// locks (the verify path); end it with [`Store::end_read`].
    pub fn begin_read(&self) -> Result<()> {
        self.conn.execute_batch("BEGIN")?;
        Ok(())
    }

    pub fn end_read(&self) -> Result<()> {
        if !self.conn.is_autocommit() {
            self.conn.execute_batch("COMMIT")?;
        }
        Ok(())
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

    /// The customer's live subscription in the mirror (the newest, if several).
    pub fn live_subscription(&self, customer: &str) -> Result<Option<crate::billing::MirrorRow>> {
        Ok(self
            .subscriptions(Some(customer))?
            .into_iter()
            .find(|s| crate::billing::LIVE_STATUSES.contains(&s.status.as_str())))
    }

    pub fn append_audit(&mut self, audit: &Audit, at: i64) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        append_audit(&tx, at, audit)?;
        tx.commit()?;
        Ok(())
    }

    /// Audit entries at or after `since`, optionally of one action, oldest first.
    pub fn audit(&self, since: Option<i64>, action: Option<&str>) -> Result<Vec<AuditRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, at, actor, action, key_id, customer_id, reason, detail FROM audit WHERE at >= ?1 AND (?2 IS NULL OR action = ?2) ORDER BY id",
        )?;
        let rows = stmt
            .query_map(params![since.unwrap_or(i64::MIN), action], |r| {
                let detail: Option<String> = r.get(7)?;
                Ok(AuditRow {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    actor: r.get(2)?,
                    action: r.get(3)?,
                    key_id: r.get(4)?,
                    customer_id: r.get(5)?,
                    reason: r.get(6)?,
                    detail: detail.and_then(|d| serde_json::from_str(&d).ok()),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}

/// Inserts events inside the caller's transaction and adds the newly inserted ones to the
/// hourly and daily rollups of their customer and key; returns how many were new.
pub(crate) fn insert_usage<'a>(
    tx: &Transaction,
    events: &'a [UsageEvent],
    at: i64,
) -> Result<usize> {
    use std::collections::HashMap;
    // Read inside the write transaction, so a compaction cannot slip in between the check and
    // the insert: ids before the horizon can no longer be checked for duplicates.
    if let Some(h) = horizon(tx)? {
        if let Some(e) = events.iter().find(|e| e.ts < h) {
            anyhow::bail!(
                "event {} at {} is before the compacted horizon {}: raw events (and their ids) before it were dropped by 'usage compact', so it cannot be checked for duplicates",
                e.event_id,
                crate::time::utc_datetime(e.ts),
                crate::time::utc_date(h)
            );
        }
    }
    let mut inserted = 0;
    let mut sums: HashMap<(&'static str, &'a str, &'static str, i64), (i64, i64), Fx> =
        HashMap::default();
    let mut last_use: HashMap<&'a str, i64, Fx> = HashMap::default();
    {
        let mut ins = tx.prepare_cached(
            "INSERT OR IGNORE INTO usage_events (event_id, customer_id, key_id, quantity, ts, endpoint, meta, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        for e in events {
            if ins.execute(params![
                e.event_id,
                e.customer_id,
                e.key_id,
                e.quantity,
                e.ts,
                e.endpoint,
                e.meta,
                at
            ])? == 0
            {
                continue;
            }
            inserted += 1;
            let hour = e.ts.div_euclid(3600) * 3600;
            let day = e.ts.div_euclid(86_400) * 86_400;
            let mut subjects: Vec<(&'static str, &'a str)> =
                vec![("customer", e.customer_id.as_str())];
            if let Some(k) = &e.key_id {
                subjects.push(("key", k.as_str()));
            }
            for (scope, subject) in subjects {
                for (grain, bucket) in [("hour", hour), ("day", day)] {
                    let s = sums.entry((scope, subject, grain, bucket)).or_default();
                    s.0 += e.quantity;
                    s.1 += 1;
                }
            }
            if let Some(k) = &e.key_id {
                let t = last_use.entry(k.as_str()).or_insert(e.ts);
                *t = (*t).max(e.ts);
            }
        }
    }
    // In key order, so consecutive upserts land on the same pages.
    let mut sums: Vec<_> = sums.into_iter().collect();
    sums.sort_unstable_by_key(|&((scope, subject, grain, bucket), _)| {
        (grain, bucket.div_euclid(86_400), scope, subject, bucket)
    });
    let mut hourly = tx.prepare_cached(
        "INSERT INTO usage_hourly (day, scope, subject, hour, quantity, events) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (day, scope, subject, hour) DO UPDATE SET quantity = quantity + excluded.quantity, events = events + excluded.events",
    )?;
    let mut daily = tx.prepare_cached(
        "INSERT INTO usage_daily (scope, subject, day, quantity, events) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (scope, subject, day) DO UPDATE SET quantity = quantity + excluded.quantity, events = events + excluded.events",
    )?;
    for ((scope, subject, grain, bucket), (q, n)) in &sums {
        if *grain == "hour" {
            let day = bucket.div_euclid(86_400) * 86_400;
            hourly.execute(params![day, scope, subject, bucket, q, n])?;
        } else {
            daily.execute(params![scope, subject, bucket, q, n])?;
        }
    }
    let mut used = tx.prepare_cached(
        "UPDATE api_keys SET last_used_at = max(coalesce(last_used_at, 0), ?2) WHERE id = ?1",
    )?;
    for (k, t) in &last_use {
        used.execute(params![k, t])?;
    }
    Ok(inserted)
}

/// The Fx hash (rustc's own, from rustc-hash): a few instructions per word where SipHash costs
/// tens. The rollup maps are keyed by customer and key ids already checked against the store,
/// so there is no flooding to defend against, and an import hashes several keys per event.
type Fx = rustc_hash::FxBuildHasher;

/// The setting that records `usage compact`'s horizon.
pub(crate) const HORIZON_KEY: &str = "usage.compacted_before";

fn horizon(conn: &rusqlite::Connection) -> Result<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT value FROM settings WHERE key = ?1",
            [HORIZON_KEY],
            |r| r.get::<_, String>(0),
        )
        .optional()?
        .and_then(|v| v.parse().ok()))
}

impl Store {
    /// Raw events before this time were dropped by `usage compact` (rollups are kept).
    pub fn compacted_before(&self) -> Result<Option<i64>> {
        if let Some(h) = self.horizon.get() {
            return Ok(*h);
        }
        let h = horizon(&self.conn)?;
        let _ = self.horizon.set(h);
        Ok(h)
    }

    /// Moves the horizon to `before` (never back); from then on, events before it are refused.
    pub fn set_compaction_horizon(&mut self, before: i64) -> Result<i64> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let h = horizon(&tx)?.map_or(before, |h| h.max(before));
        tx.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![HORIZON_KEY, h.to_string()],
        )?;
        tx.commit()?;
        self.horizon = std::cell::OnceCell::new();
        Ok(h)
    }

    /// Raw events before `before`.
    pub fn raw_events_before(&self, before: i64) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM usage_events WHERE ts < ?1",
            [before],
            |r| r.get(0),
        )?)
    }

    /// Deletes up to `limit` raw events before `before` with `seq > after`, in one transaction;
    /// returns how many and the last seq looked at (for the next call), or `None` when done.
    pub fn delete_raw_before(
        &mut self,
        before: i64,
        after: i64,
        limit: usize,
    ) -> Result<(usize, Option<i64>)> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let seqs: Vec<i64> = {
            let mut stmt = tx.prepare(
                "SELECT seq FROM usage_events WHERE seq > ?1 AND ts < ?2 ORDER BY seq LIMIT ?3",
            )?;
            let rows = stmt
                .query_map(params![after, before, limit as i64], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            rows
        };
        let mut deleted = 0;
        {
            let mut del = tx.prepare("DELETE FROM usage_events WHERE seq = ?1")?;
            for s in &seqs {
                deleted += del.execute([s])?;
            }
        }
        tx.commit()?;
        Ok((
            deleted,
            (seqs.len() == limit).then(|| *seqs.last().unwrap_or(&after)),
        ))
    }
}
