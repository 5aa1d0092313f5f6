//! The verifier's rate limits and recorded calls: token buckets, and the charge of a call
//! the store checked in its transaction.

use super::verdict::until;
use super::{Code, Entitled, QuotaView, RateView, Verification, Verifier};
use crate::adapters::store::{CallLimits, Charge, KeyRecord, UsageEvent};
use anyhow::Result;
use std::sync::Arc;
use std::time::Instant;

/// A recorded call that passed every check but the limits, waiting for its transaction.
pub(super) struct Pending {
    pub(super) at: usize,
    pub(super) v: Verification,
    pub(super) event: UsageEvent,
    pub(super) limits: CallLimits,
}

/// A token bucket: the tokens left, as of `at`.
pub(super) struct Bucket {
    pub(super) tokens: f64,
    pub(super) at: Instant,
}

impl Verifier {
    /// Which bucket a key's calls draw from: its own, or its customer's.
    pub(super) fn bucket_id<'r>(&self, rec: &'r KeyRecord) -> &'r str {
        if self.per_customer {
            &rec.customer_id
        } else {
            &rec.id
        }
    }

    /// Takes a token from the key's bucket, or its customer's (capacity = the per-minute
    /// limit, refilled continuously); on first sight the bucket is charged with the calls
    /// made in the last minute, so the limit holds across processes too.
    pub(super) fn take_token(
        &mut self,
        rec: &KeyRecord,
        limit: u32,
        now: i64,
        t: Instant,
    ) -> Result<Option<u32>> {
        let cap = f64::from(limit);
        let id = self.bucket_id(rec);
        if !self.buckets.contains_key(id) {
            let recent = match self.seeds.remove(id) {
                Some(n) => n,
                None => self.recent_calls(rec, now, t)?,
            };
            self.buckets.insert(
                id.to_string(),
                Bucket {
                    tokens: (cap - recent as f64).max(0.0),
                    at: t,
                },
            );
        }
        let b = self.buckets.get_mut(id).expect("inserted above");
        b.tokens =
            (b.tokens + t.saturating_duration_since(b.at).as_secs_f64() * cap / 60.0).min(cap);
        b.at = t;
        if b.tokens < 1.0 {
            return Ok(None);
        }
        b.tokens -= 1.0;
        Ok(Some(b.tokens.floor() as u32))
    }

    /// The calls of the last minute charged to the key's bucket (its own, or its customer's),
    /// to start a bucket seen for the first time with.
    pub(super) fn recent_calls(&mut self, rec: &KeyRecord, now: i64, t: Instant) -> Result<i64> {
        // The window ends where stored events may: at most the allowed skew ahead.
        let (from, end) = (
            now.saturating_sub(60),
            now.saturating_add(self.bounds.max_future_skew)
                .saturating_add(1),
        );
        Ok(if self.per_customer {
            self.snapshot(t)?;
            self.store.customer_calls(&rec.customer_id, from, end)?
        } else if rec.last_used_at.is_some_and(|u| u >= from) {
            self.snapshot(t)?;
            self.store.key_calls(&rec.id, from, end)?
        } else {
            0
        })
    }

    /// Seconds until the bucket holds a whole token again (at least 1).
    pub(super) fn refill_secs(&self, id: &str, rate: u32) -> Option<u64> {
        let b = self.buckets.get(id)?;
        let per_token = 60.0 / f64::from(rate.max(1));
        Some(((1.0 - b.tokens).max(0.0) * per_token).ceil().max(1.0) as u64)
    }

    /// The plain verdict of a call within its quota: valid if the bucket holds a token, else
    /// rate-limited; `at` is the clock's reading (seconds, instant).
    pub(super) fn limited(
        &mut self,
        mut v: Verification,
        rec: &KeyRecord,
        ent: &Entitled,
        quantity: i64,
        (now, t): (i64, Instant),
    ) -> Result<Verification> {
        let rate = ent.rate;
        if !crate::domain::billing::fits(ent.cust.used, quantity, ent.quota) {
            v.code = Code::QuotaExceeded;
            v.retry_after = until(now, ent.cust.period.1);
            let remaining = self
                .buckets
                .get(self.bucket_id(rec))
                .map_or(rate, |b| b.tokens.floor() as u32);
            v.rate_limit = Some(RateView {
                limit: rate,
                remaining,
            });
            return Ok(v);
        }
        let left = self.take_token(rec, rate, now, t)?;
        v.rate_limit = Some(RateView {
            limit: rate,
            remaining: left.unwrap_or(0),
        });
        match left {
            Some(_) => v.code = Code::Valid,
            None => {
                v.code = Code::RateLimited;
                v.retry_after = self.refill_secs(self.bucket_id(rec), rate);
            }
        }
        Ok(v)
    }

    /// The recording of a call that passed every check but the limits, which the store checks
    /// in the transaction that records it (see the module docs).
    pub(super) fn pending(
        &mut self,
        v: Verification,
        rec: &KeyRecord,
        ent: &Entitled,
        quantity: i64,
        now: i64,
    ) -> Pending {
        self.seq += 1;
        let event = UsageEvent {
            source: String::new(),
            // This verifier's origin, then its count: a process's recorded calls take
            // ascending ids, so the unique index on ids grows at one end (one page a group),
            // where ids led by the key wrote a page per key. Then 64 random bits: ids share
            // one space with imported events, and an id someone could foresee could be
            // imported first, leaving the call it names answered but not recorded.
            event_id: format!(
                "v-{:016x}-{:016x}-{:016x}",
                *self.origin.get_or_insert_with(rand::random),
                self.seq,
                rand::random::<u64>()
            ),
            customer_id: rec.customer_id.clone(),
            key_id: Some(rec.id.clone()),
            quantity,
            ts: now,
            endpoint: None,
            meta: None,
            event_type: None,
        };
        let limits = CallLimits {
            rate_per_minute: ent.rate,
            rate_per_customer: self.per_customer,
            quota: ent.quota,
            period: ent.cust.period,
            max_future_skew: self.bounds.max_future_skew,
        };
        Pending {
            at: 0,
            v,
            event,
            limits,
        }
    }

    /// The verdict of a call the store charged (or refused).
    pub(super) fn charged(&mut self, p: Pending, charge: Charge) -> Verification {
        let (mut v, quantity, rate) = (p.v, p.event.quantity, p.limits.rate_per_minute);
        let (used, calls) = match charge {
            Charge::Recorded { used, calls } => {
                (used.checked_add(quantity).unwrap_or(i64::MAX), calls + 1)
            }
            Charge::QuotaExceeded { used } => (used, 0),
            Charge::RateLimited { used, calls, .. } => (used, calls),
        };
        v.retry_after = match charge {
            Charge::QuotaExceeded { .. } => until(p.event.ts, p.limits.period.1),
            Charge::RateLimited { free_at, .. } => until(p.event.ts, free_at),
            Charge::Recorded { .. } => None,
        };
        // The store's count is the freshest: the cached usage follows it.
        if let Some(c) = self.customers.get_mut(&p.event.customer_id) {
            Arc::make_mut(&mut c.value).used = used;
        }
        let q = v.quota.take().map(|q| QuotaView {
            used,
            remaining: crate::domain::billing::standing(used, q.limit).remaining,
            ..q
        });
        v.quota = q;
        let left = u32::try_from(i64::from(rate).saturating_sub(calls).max(0)).unwrap_or(0);
        v.rate_limit = Some(RateView {
            limit: rate,
            remaining: left,
        });
        v.code = match charge {
            Charge::Recorded { .. } => Code::Valid,
            Charge::QuotaExceeded { .. } => Code::QuotaExceeded,
            Charge::RateLimited { .. } => Code::RateLimited,
        };
        v
    }
}
