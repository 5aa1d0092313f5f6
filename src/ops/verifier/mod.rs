//! [`Verifier`]: checks presented API keys for an API service, in-process.
//!
//! It opens the store, caches key records and customers' tier and usage, enforces each key's
//! per-minute rate limit, checks the customer's quota for the current billing period, and
//! records usage.
//!
//! **The embeddable door.** Domain modules do no I/O, and `store/` is the only door to the
//! database; the `Verifier` is the one domain type that owns a [`Store`], because it is what an
//! API service embeds: one value that answers "may this key make this call" on the hot path,
//! without a workflow layer between the service and the store.
//!
//! **Recorded calls are atomic.** [`Verifier::verify_and_record`] counts the customer's calls (or the key's,
//! with `[keys] rate_limit = "key"`) in the
//! last minute and the customer's usage in the period, and records the call, in one immediate
//! store transaction ([`Store::record_within_many`]): rate limits and quotas hold across processes
//! and threads, and a recorded call is in the store when the answer is returned. A plain
//! [`Verifier::verify`] records nothing; its rate limit is a token bucket in this process,
//! charged at first sight with the key's recorded calls of the last minute.
//!
//! **Ended periods roll forward once.** When the mirrored billing period has ended (the renewal
//! webhook was missed and no sync ran), the quota is counted in the next period, one interval of
//! the subscription's price later, and the answer's reason says so. A subscription set to cancel
//! at the period end has no access after it, and neither has one whose mirror is more than one
//! interval behind (`NO_ACTIVE_SUBSCRIPTION`, with a reason that names the stale mirror).
//!
//! **Freshness bound.** Cached keys and customers are re-read from the store once the store
//! snapshot they came from is older than the refresh interval ([`DEFAULT_REFRESH`], 1 second,
//! see [`Verifier::with_refresh`]); so a revocation, rotation, expiry change or tier change made
//! by another process is seen within that interval. Consecutive cache misses share one read
//! snapshot (for at most half the interval), so a burst of first-seen keys costs one set of
//! locks; the snapshot ends at the first call served from the cache, on
//! [`Verifier::end_snapshot`] and on drop.
//!
//! ```no_run
//! use billctl::domain::keys::Code;
//! use billctl::ops::verifier::Verifier;
//! # fn main() -> anyhow::Result<()> {
//! let config = billctl::domain::config::load(None)?;
//! let mut verifier = Verifier::open(std::path::Path::new("/var/lib/billctl"), &config)?;
//! // In a request handler, with the key from the Authorization header:
//! let v = verifier.verify_and_record("bk_test_...", 1);
//! match v.code {
//!     Code::Valid => { /* serve the request */ }
//!     Code::RateLimited | Code::QuotaExceeded => { /* 429 */ }
//!     _ => { /* 401 */ }
//! }
//! # Ok(()) }
//! ```

mod cache;
mod limits;
mod verdict;

pub use verdict::{CacheStats, QuotaView, RateView, Verification};

use crate::adapters::store::KeyState;
use crate::adapters::store::{CallLimits, KeyRecord, Store, UsageEvent};
use crate::domain::clock::Clock;
use crate::domain::config::Config;
use crate::domain::keys::{ct_eq, hash, parse, Code};
use crate::domain::mode::Mode;
use anyhow::Result;
use cache::{Cached, CustomerState};
use limits::{Bucket, Pending};
use std::collections::HashMap;

/// The verifier's maps: foldhash (randomly seeded per map) instead of SipHash, which was a
/// tenth of a cached verify; the maps only ever hold ids the store knows.
type Map<V> = HashMap<String, V, foldhash::fast::RandomState>;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How stale a cached key or customer may be.
pub const DEFAULT_REFRESH: Duration = Duration::from_secs(1);

/// The most unknown key ids remembered (about 5 MB); past it, the expired ones are dropped,
/// and if all are fresh, all of them.
pub const MAX_UNKNOWN: usize = 65_536;

/// Why [`Verifier::verify_cached`] gave up: the answer needs the store.
#[derive(Debug)]
struct NeedStore;

impl std::fmt::Display for NeedStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the answer needs the store")
    }
}

impl std::error::Error for NeedStore {}

/// Why a subscription gives no access: its status, and for `past_due` when the grace ended.
fn payment_required_reason(
    c: &CustomerState,
    policy: &crate::domain::config::AccessPolicy,
) -> String {
    if c.status == "past_due" && policy.past_due_grace_secs > 0 {
        let since = c.failed_at.unwrap_or(c.period.0);
        return format!(
            "subscription {} is past_due since {}; the grace of {} ended at {}",
            c.subscription,
            crate::domain::time::utc_datetime(since),
            crate::domain::time::human_span(policy.past_due_grace_secs),
            crate::domain::time::utc_datetime(since.saturating_add(policy.past_due_grace_secs))
        );
    }
    format!("subscription {} is {}", c.subscription, c.status)
}

/// What a key's customer is entitled to: its state, and its tier's quota and rate per minute.
struct Entitled {
    cust: Arc<CustomerState>,
    quota: Option<u64>,
    rate: u32,
}

/// Checks presented API keys; see the module docs for the freshness bound. It owns its
/// store (it is the embeddable door; see the module docs).
pub struct Verifier {
    store: Store,
    limits: Map<(Option<u64>, u32)>,
    access: crate::domain::config::AccessPolicy,
    refresh: Duration,
    /// The store's mode, read lazily inside the first snapshot.
    mode: Option<Cached<Option<Mode>>>,
    keys: Map<Cached<Arc<KeyRecord>>>,
    /// Ids the store did not know, and when it said so (the negative cache, bounded by
    /// [`MAX_UNKNOWN`]): a flood of well-formed unknown keys costs one store read per id and
    /// refresh interval, not one per call.
    unknown: Map<Instant>,
    /// Answering only from the cache ([`Verifier::verify_cached`]): a store read is refused.
    cache_only: bool,
    stats: CacheStats,
    customers: Map<Cached<Arc<CustomerState>>>,
    /// Token buckets, by key id, or by customer id when the rate is the customer's.
    buckets: Map<Bucket>,
    /// `[keys] rate_limit = "customer"`: all of a customer's keys share the tier's rate.
    per_customer: bool,
    bounds: crate::domain::usage::Bounds,
    /// When the open read transaction (shared by cache misses) began.
    snapshot: Option<Instant>,
    /// Whether the current call read the store.
    missed: bool,
    seq: u64,
    /// Random per verifier (drawn at the first recorded call): with `seq`, makes recorded event
    /// ids unique across processes even when their clocks read the same.
    origin: Option<u64>,
    clock: Clock,
    /// When each key was last forgotten ([`Verifier::forget`]), and all of them
    /// ([`Verifier::forget_all`]): what a loader read before then is not adopted.
    forgotten: Map<Instant>,
    forgot_all: Option<Instant>,
    /// Recent calls counted by a loader, for buckets seen for the first time
    /// ([`Verifier::verify_loaded`]).
    seeds: Map<i64>,
}

impl Verifier {
    /// Opens the store in `data_dir` (creating or migrating it if needed). In an API service
    /// (the README's "Embedding the Verifier", compiled here as a doctest):
    ///
    /// ```no_run
    /// # fn handler(presented_key: &str) -> anyhow::Result<()> {
    /// let config = billctl::domain::config::load_default()?; // BILLCTL_CONFIG, else XDG, else built-in
    /// let data_dir = std::path::Path::new("/var/lib/billctl"); // the store billctl uses
    /// let mut verifier = billctl::ops::verifier::Verifier::open(data_dir, &config)?;
    /// let v = verifier.verify_and_record(presented_key, 1); // in each request
    /// if !v.is_valid() { /* answer 401, 402 or 429 by v.code */ }
    /// # Ok(()) }
    /// ```
    pub fn open(data_dir: &Path, config: &Config) -> Result<Verifier> {
        Verifier::from_store(Store::open(data_dir)?, config)
    }

    pub fn from_store(store: Store, config: &Config) -> Result<Verifier> {
        let limits = config
            .tiers
            .iter()
            .map(|t| (t.id.clone(), (t.quota, t.rate_limit_per_minute)))
            .collect();
        Ok(Verifier {
            store,
            limits,
            access: config.access.clone(),
            refresh: DEFAULT_REFRESH,
            mode: None,
            keys: Map::default(),
            unknown: Map::default(),
            cache_only: false,
            stats: CacheStats::default(),
            customers: Map::default(),
            buckets: Map::default(),
            per_customer: config.keys.rate_per == crate::domain::config::RatePer::Customer,
            bounds: crate::domain::usage::Bounds::of(&config.usage),
            snapshot: None,
            missed: false,
            seq: 0,
            origin: None,
            clock: crate::domain::clock::process().clone(),
            forgotten: Map::default(),
            forgot_all: None,
            seeds: Map::default(),
        })
    }

    /// Sets how stale cached data may be (the bound on seeing revocations and tier changes).
    pub fn with_refresh(mut self, refresh: Duration) -> Verifier {
        self.refresh = refresh;
        self
    }

    /// Reads the time from `clock` instead of the process clock (expiry, rate-limit windows,
    /// billing-period edges and the freshness bound all follow it).
    pub fn with_clock(mut self, clock: Clock) -> Verifier {
        self.clock = clock;
        self
    }

    /// Checks a key for one call without recording usage.
    pub fn verify(&mut self, key: &str) -> Verification {
        self.check(key, 1, false)
    }

    /// Checks a key for a call of `quantity` units (at least 1) and, when valid, records it
    /// in the same store transaction that checked the limits. A quantity above
    /// `usage.max_quantity` is refused as `QUOTA_EXCEEDED`, with a reason.
    pub fn verify_and_record(&mut self, key: &str, quantity: i64) -> Verification {
        self.verify_and_record_many(&[(key, quantity)])
            .pop()
            .expect("one answer per call")
    }

    /// Checks and records many calls (key, quantity) with one store transaction for all of
    /// them (group commit: one sync for many requests). Inside it the calls are charged one
    /// after another, in the order given, so quotas and rate limits stay exact; a call that
    /// fails a check records nothing. If the transaction fails, every call that was to be
    /// recorded is answered `STORE_UNAVAILABLE` and none is recorded.
    pub fn verify_and_record_many(&mut self, calls: &[(&str, i64)]) -> Vec<Verification> {
        let mut out = Vec::with_capacity(calls.len());
        let mut pending = Vec::new();
        for (at, &(key, quantity)) in calls.iter().enumerate() {
            match self.attempt(key, quantity.max(1), true) {
                Ok(Step::Done(v)) => out.push(v),
                Ok(Step::Record(mut p)) => {
                    p.at = at;
                    out.push(p.v.clone());
                    pending.push(p);
                }
                Err(e) => out.push(self.unavailable(&e)),
            }
        }
        if pending.is_empty() {
            return out;
        }
        self.end_snapshot();
        let now = self.clock.now();
        let batch: Vec<(UsageEvent, CallLimits)> = pending
            .iter()
            .map(|p| (p.event.clone(), p.limits))
            .collect();
        match self.store.record_within_many(&batch, now) {
            Ok(charges) => {
                for (p, charge) in pending.into_iter().zip(charges) {
                    let at = p.at;
                    out[at] = self.charged(p, charge);
                }
            }
            Err(e) => {
                for p in pending {
                    let at = p.at;
                    out[at] = self.unavailable(&e);
                }
            }
        }
        out
    }

    /// Answers a plain verify from the cache alone, or `None` when the answer needs the store
    /// (a key, customer or mode not cached or older than the refresh interval): the caller
    /// then asks [`Verifier::verify`] where a store read may block. Nothing is read or
    /// changed by a `None`.
    pub fn verify_cached(&mut self, key: &str) -> Option<Verification> {
        self.cache_only = true;
        let r = self.attempt(key, 1, false);
        self.cache_only = false;
        match r {
            Ok(Step::Done(v)) => Some(v),
            Ok(Step::Record(p)) => Some(p.v),
            Err(e) if e.is::<NeedStore>() => None,
            Err(e) => Some(self.unavailable(&e)),
        }
    }

    /// Calls answered from the cache and calls that read the store, so far.
    pub fn cache_stats(&self) -> CacheStats {
        self.stats
    }

    /// The store this verifier reads (readiness checks read its schema version).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Drops what this verifier holds of a key changed elsewhere in this process (rotated,
    /// revoked, issued), so its next verify reads the store.
    pub fn forget(&mut self, id: &str) {
        self.forget_at(id, self.clock.instant());
    }

    /// [`Verifier::forget`], for a change committed before `at`: what a loader read before
    /// `at` is not adopted, and the shared read snapshot (which may predate it) ends.
    pub fn forget_at(&mut self, id: &str, at: Instant) {
        self.keys.remove(id);
        self.unknown.remove(id);
        self.end_snapshot();
        if self.forgotten.len() >= MAX_UNKNOWN {
            let refresh = self.refresh;
            self.forgotten
                .retain(|_, f| at.saturating_duration_since(*f) < refresh);
        }
        self.forgotten.insert(id.to_string(), at);
    }

    /// Drops every cached key, customer and the store's mode (a SIGHUP): all are read again.
    pub fn forget_all(&mut self, at: Instant) {
        self.keys.clear();
        self.unknown.clear();
        self.customers.clear();
        self.mode = None;
        self.forgotten.clear();
        self.forgot_all = Some(at);
        self.end_snapshot();
    }

    /// Revokes keys through this verifier: the very next verify of them fails here, and other
    /// processes see it within their refresh interval.
    pub fn revoke(&mut self, ids: &[String], reason: Option<&str>, actor: &str) -> Result<()> {
        self.end_snapshot();
        self.store
            .revoke_keys(ids, reason, actor, self.clock.now())?;
        for id in ids {
            self.keys.remove(id);
        }
        Ok(())
    }

    /// Ends the read snapshot that consecutive store reads share (see the module docs): a
    /// loader ([`Verifier::load`]) keeps it open between loads and ends it once idle, so the
    /// store can checkpoint. Recorded calls are committed as they are verified: there is
    /// never anything to flush, and dropping a verifier ends its snapshot too.
    pub fn end_snapshot(&mut self) {
        if self.snapshot.take().is_some() {
            let _ = self.store.end_read();
        }
    }

    fn check(&mut self, key: &str, quantity: i64, record: bool) -> Verification {
        match self.attempt(key, quantity, record) {
            Ok(Step::Done(v)) => v,
            Ok(Step::Record(p)) => p.v,
            Err(e) => self.unavailable(&e),
        }
    }

    /// The answer when the store failed: the call is refused, never let through.
    fn unavailable(&mut self, e: &anyhow::Error) -> Verification {
        self.end_snapshot();
        Verification::store_unavailable(format!("the store could not be read: {e:#}"))
    }

    /// One call's checks up to its recording: its verdict, or the recording it waits for.
    fn attempt(&mut self, key: &str, quantity: i64, record: bool) -> Result<Step> {
        let key = key.trim();
        // Offline checks first: a malformed key or a bad checksum never reaches the store.
        let Some(parsed) = parse(key) else {
            return Ok(Step::Done(Verification::fail(Code::Malformed)));
        };
        let t = self.clock.instant();
        self.missed = false;
        let result = self.try_check(key, parsed.id, parsed.mode, quantity, record, t);
        // A call served from the cache ends a shared read snapshot: it is only kept while
        // cache misses follow each other, never while the verifier is busy with hot keys.
        if !self.missed {
            self.end_snapshot();
        }
        if result.as_ref().is_err_and(|e| e.is::<NeedStore>()) {
            return result;
        }
        if self.missed {
            self.stats.misses += 1;
        } else {
            self.stats.hits += 1;
        }
        if result.is_err() {
            self.end_snapshot();
        }
        result
    }

    fn try_check(
        &mut self,
        key: &str,
        id: &str,
        mode: Mode,
        quantity: i64,
        record: bool,
        t: Instant,
    ) -> Result<Step> {
        // No key id until the hash matched: the id of a forged key is the caller's word.
        let mut v = Verification::fail(Code::NotFound);
        let now = self.clock.now();
        let Some(rec) = self.authenticate(key, (id, mode), now, t, &mut v)? else {
            return Ok(Step::Done(v));
        };
        let Some(ent) = self.entitled(&rec, now, t, &mut v)? else {
            return Ok(Step::Done(v));
        };
        v.reason = ent.cust.note.clone();
        let (p0, p1) = ent.cust.period;
        v.quota = Some(QuotaView {
            used: ent.cust.used,
            limit: ent.quota,
            remaining: crate::domain::billing::standing(ent.cust.used, ent.quota).remaining,
            period_start: p0,
            period_end: p1,
        });
        if let Err(e) = self.bounds.quantity(quantity) {
            v.code = Code::QuotaExceeded;
            v.reason = Some(e);
            return Ok(Step::Done(v));
        }
        if record {
            return Ok(Step::Record(self.pending(v, &rec, &ent, quantity, now)));
        }
        self.limited(v, &rec, &ent, quantity, (now, t))
            .map(Step::Done)
    }

    /// The key's record, if the key is the one stored under `id`, in the store's mode, and
    /// neither revoked nor expired; else `None`, with `v` saying why.
    #[inline]
    fn authenticate(
        &mut self,
        key: &str,
        (id, key_mode): (&str, Mode),
        now: i64,
        t: Instant,
        v: &mut Verification,
    ) -> Result<Option<Arc<KeyRecord>>> {
        match self.store_mode(t)? {
            Some(m) if m != key_mode => {
                v.reason = Some(format!(
                    "a {key_mode}-mode key was presented to a {m}-mode store"
                ));
                return Ok(None);
            }
            None => return Ok(None),
            Some(_) => {}
        }
        let Some(rec) = self.key_record(id, t)? else {
            return Ok(None);
        };
        if !ct_eq(&hash(key), &rec.hash) || rec.mode != key_mode {
            return Ok(None);
        }
        v.key_id = Some(rec.id.clone());
        v.customer = Some(rec.customer_id.clone());
        match rec.status(now) {
            KeyState::Revoked => {
                v.code = Code::Revoked;
                v.reason = rec.revoked_reason.clone();
                Ok(None)
            }
            KeyState::Expired => {
                v.code = Code::Expired;
                Ok(None)
            }
            KeyState::Active => Ok(Some(rec)),
        }
    }

    /// The customer's state and its tier's quota and rate, if its subscription gives access
    /// now; else `None`, with `v` saying why.
    #[inline]
    fn entitled(
        &mut self,
        rec: &KeyRecord,
        now: i64,
        t: Instant,
        v: &mut Verification,
    ) -> Result<Option<Entitled>> {
        let cust = self.customer(&rec.customer_id, now, t)?;
        let Some(tier) = cust.tier.clone() else {
            v.code = Code::NoActiveSubscription;
            return Ok(None);
        };
        v.tier = Some(tier.clone());
        if cust.ended {
            v.code = Code::NoActiveSubscription;
            v.reason = cust.note.clone();
            return Ok(None);
        }
        if now >= cust.access_until {
            v.code = Code::PaymentRequired;
            v.reason = Some(payment_required_reason(&cust, &self.access));
            return Ok(None);
        }
        let Some(&(quota, rate)) = self.limits.get(&tier) else {
            v.code = Code::NoActiveSubscription;
            v.reason = Some(format!(
                "the subscription is on tier {tier}, which is not in the config"
            ));
            return Ok(None);
        };
        Ok(Some(Entitled { cust, quota, rate }))
    }
}

/// Where a call's checks ended: a verdict, or a recording the store must still charge.
// A step lives for one call and is matched at once; boxing the recording would allocate per
// recorded call for nothing (its event grew by the source and type of usage identity).
#[allow(clippy::large_enum_variant)]
enum Step {
    Done(Verification),
    Record(Pending),
}

impl Drop for Verifier {
    fn drop(&mut self) {
        self.end_snapshot();
    }
}
