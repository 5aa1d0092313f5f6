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
//! locks; the snapshot ends at the first call served from the cache, or on flush and drop.
//!
//! ```no_run
//! use billctl::keys::{Code, Verifier};
//! # fn main() -> anyhow::Result<()> {
//! let config = billctl::config::load(None)?;
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

use super::{ct_eq, hash, parse, Code};
use crate::clock::Clock;
use crate::config::Config;
use crate::secrets::Mode;
use crate::store::{CallLimits, Charge, KeyRecord, KeyState, Store, UsageEvent};
use anyhow::Result;
use serde::Serialize;
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

/// Calls answered from the cache alone (hits) and calls that read the store (misses).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CacheStats {
    pub hits: u64,
    pub misses: u64,
}

/// Why [`Verifier::verify_cached`] gave up: the answer needs the store.
#[derive(Debug)]
struct NeedStore;

impl std::fmt::Display for NeedStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the answer needs the store")
    }
}

impl std::error::Error for NeedStore {}

/// A recorded call that passed every check but the limits, waiting for its transaction.
struct Pending {
    at: usize,
    v: Verification,
    event: UsageEvent,
    limits: CallLimits,
}

/// Quota for the current billing period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuotaView {
    pub used: i64,
    /// `None`: unlimited.
    pub limit: Option<u64>,
    pub remaining: Option<u64>,
    pub period_start: i64,
    pub period_end: i64,
}

/// Rate limit of the key, per minute.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RateView {
    pub limit: u32,
    pub remaining: u32,
}

/// The answer for one presented key.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verification {
    pub valid: bool,
    pub code: Code,
    /// Why, for codes that need it (mode mismatch, tier outside the catalog...).
    pub reason: Option<String>,
    pub key_id: Option<String>,
    #[serde(rename = "customer_id")]
    pub customer: Option<String>,
    pub tier: Option<String>,
    pub quota: Option<QuotaView>,
    pub rate_limit: Option<RateView>,
    /// Seconds until a call may pass again: for `RATE_LIMITED`, until the rate window lets one
    /// through; for `QUOTA_EXCEEDED`, until the billing period ends (absent when waiting does
    /// not help, as for a quantity over the bound).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

impl Verification {
    /// The answer for a key that fails the offline format or checksum check.
    pub fn malformed() -> Verification {
        Verification::fail(Code::Malformed)
    }

    /// The answer when the store could not be read or written: the call is refused, never
    /// let through, and `reason` says why.
    pub fn store_unavailable(reason: String) -> Verification {
        let mut v = Verification::fail(Code::StoreUnavailable);
        v.reason = Some(reason);
        v
    }

    fn fail(code: Code) -> Verification {
        Verification {
            valid: false,
            code,
            reason: None,
            key_id: None,
            customer: None,
            tier: None,
            quota: None,
            rate_limit: None,
            retry_after: None,
        }
    }
}

/// Why a subscription gives no access: its status, and for `past_due` when the grace ended.
fn payment_required_reason(c: &CustomerState, policy: &crate::config::AccessPolicy) -> String {
    if c.status == "past_due" && policy.past_due_grace_secs > 0 {
        let since = c.failed_at.unwrap_or(c.period.0);
        return format!(
            "subscription {} is past_due since {}; the grace of {} ended at {}",
            c.subscription,
            crate::time::utc_datetime(since),
            crate::time::human_span(policy.past_due_grace_secs),
            crate::time::utc_datetime(since.saturating_add(policy.past_due_grace_secs))
        );
    }
    format!("subscription {} is {}", c.subscription, c.status)
}

struct Cached<T> {
    value: T,
    /// When the store snapshot this came from was taken.
    loaded: Instant,
}

#[derive(Clone)]
struct CustomerState {
    /// `None` without any subscription.
    tier: Option<String>,
    /// The current subscription, its status and when its payments began failing.
    subscription: String,
    status: String,
    failed_at: Option<i64>,
    /// The access policy's verdict, decided once at load: access until this time (`i64::MAX`:
    /// for good, `i64::MIN`: none); only a `past_due` grace ends in between.
    access_until: i64,
    period: (i64, i64),
    used: i64,
    /// Why the period differs from the mirror's (rolled forward), or why access ended with it.
    note: Option<String>,
    /// The mirrored period ended and with it the subscription (set to cancel at its end, or a
    /// mirror too stale to roll forward).
    ended: bool,
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

/// What a key's customer is entitled to: its state, and its tier's quota and rate per minute.
type Entitled = (Arc<CustomerState>, Option<u64>, u32);

/// Checks presented API keys; see the module docs for the freshness bound. It owns its
/// store (it is the embeddable door; see the module docs).
pub struct Verifier {
    store: Store,
    limits: Map<(Option<u64>, u32)>,
    access: crate::config::AccessPolicy,
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
    bounds: crate::usage::Bounds,
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

impl<T: Clone> Clone for Cached<T> {
    fn clone(&self) -> Self {
        Cached {
            value: self.value.clone(),
            loaded: self.loaded,
        }
    }
}

/// What a plain verify of one key needs from the store, read by another verifier (a loader,
/// on a thread that may wait on the store) for this one to take without reading the store
/// itself: see [`Verifier::load`] and [`Verifier::verify_loaded`].
#[derive(Default)]
pub struct Loaded {
    mode: Option<Cached<Option<Mode>>>,
    key: Option<(String, KeyLoad)>,
    customer: Option<(String, Cached<Arc<CustomerState>>)>,
    /// The calls of the last minute charged to a bucket, by bucket id.
    recent: Option<(String, i64)>,
}

/// A key as a loader found it: its record, or unknown to the store (and when it said so).
enum KeyLoad {
    Record(Cached<Arc<KeyRecord>>),
    Unknown(Instant),
}

impl Verifier {
    /// Opens the store in `data_dir` (creating or migrating it if needed). In an API service
    /// (the README's "Embedding the Verifier", compiled here as a doctest):
    ///
    /// ```no_run
    /// # fn handler(presented_key: &str) -> anyhow::Result<()> {
    /// let config = billctl::config::load_default()?; // BILLCTL_CONFIG, else XDG, else built-in
    /// let data_dir = std::path::Path::new("/var/lib/billctl"); // the store billctl uses
    /// let mut verifier = billctl::keys::Verifier::open(data_dir, &config)?;
    /// let v = verifier.verify_and_record(presented_key, 1); // in each request
    /// if !v.valid { /* answer 401, 402 or 429 by v.code */ }
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
            per_customer: config.keys.rate_per == crate::config::RatePer::Customer,
            bounds: crate::usage::Bounds::of(&config.usage),
            snapshot: None,
            missed: false,
            seq: 0,
            origin: None,
            clock: crate::clock::process().clone(),
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

    /// Reads what a plain verify of `key` needs from the store, for another verifier to take
    /// ([`Verifier::verify_loaded`]); that one then never waits on the store while it holds
    /// its cache. An error is the store's.
    pub fn load(&mut self, key: &str) -> Result<Loaded> {
        let mut out = Loaded::default();
        let key = key.trim();
        let Some(parsed) = parse(key) else {
            return Ok(out);
        };
        let t = self.clock.instant();
        self.missed = false;
        let r = self.load_into(key, (parsed.id, parsed.mode), t, &mut out);
        if !self.missed || r.is_err() {
            self.end_snapshot();
        }
        r.map(|()| out)
    }

    fn load_into(
        &mut self,
        key: &str,
        (id, key_mode): (&str, Mode),
        t: Instant,
        out: &mut Loaded,
    ) -> Result<()> {
        let now = self.clock.now();
        let mode = self.store_mode(t)?;
        out.mode = self.mode.clone();
        if mode != Some(key_mode) {
            return Ok(());
        }
        let Some(rec) = self.key_record(id, t)? else {
            let at = self.unknown.get(id).copied().unwrap_or(t);
            out.key = Some((id.to_string(), KeyLoad::Unknown(at)));
            return Ok(());
        };
        if let Some(c) = self.keys.get(id) {
            out.key = Some((id.to_string(), KeyLoad::Record(c.clone())));
        }
        let usable = ct_eq(&hash(key), &rec.hash) && rec.mode == key_mode;
        if !usable || rec.status(now) != KeyState::Active {
            return Ok(());
        }
        self.customer(&rec.customer_id, now, t)?;
        if let Some(c) = self.customers.get(&rec.customer_id) {
            out.customer = Some((rec.customer_id.clone(), c.clone()));
        }
        let recent = self.recent_calls(&rec, now, t)?;
        out.recent = Some((self.bucket_id(&rec).to_string(), recent));
        Ok(())
    }

    /// A plain verify of `key` with what a loader read ([`Verifier::load`]): taken into this
    /// verifier's cache unless a change made here since makes it stale, then answered from
    /// the cache (or, if the cache still lacks something, from the store).
    pub fn verify_loaded(&mut self, key: &str, loaded: Loaded) -> Verification {
        self.adopt(loaded);
        let hits = self.stats.hits;
        let v = self.check(key, 1, false);
        // The loader read the store for this call: a miss, not a hit.
        if self.stats.hits > hits {
            self.stats.hits -= 1;
            self.stats.misses += 1;
        }
        self.seeds.clear();
        self.end_snapshot();
        v
    }

    fn adopt(&mut self, l: Loaded) {
        let current = |v: &Verifier, id: Option<&str>, at: Instant| {
            v.forgot_all.is_none_or(|f| at >= f)
                && id.is_none_or(|id| v.forgotten.get(id).is_none_or(|f| at >= *f))
        };
        if let Some(m) = l.mode.filter(|m| current(self, None, m.loaded)) {
            if self.mode.as_ref().is_none_or(|c| c.loaded <= m.loaded) {
                self.mode = Some(m);
            }
        }
        match l.key {
            Some((id, KeyLoad::Record(c))) if current(self, Some(&id), c.loaded) => {
                self.unknown.remove(&id);
                self.keys.insert(id, c);
            }
            Some((id, KeyLoad::Unknown(at))) if current(self, Some(&id), at) => {
                self.keys.remove(&id);
                self.remember_unknown(&id, at);
            }
            _ => {}
        }
        if let Some((id, c)) = l.customer.filter(|(_, c)| current(self, None, c.loaded)) {
            let newer = self.customers.get(&id).is_none_or(|o| o.loaded <= c.loaded);
            if newer {
                self.customers.insert(id, c);
            }
        }
        if let Some((id, n)) = l.recent {
            self.seeds.insert(id, n);
        }
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

    /// Ends a shared read snapshot. Recorded calls are written as they are verified, so
    /// nothing is ever buffered: this returns 0 (kept for callers that flush before exit).
    pub fn flush(&mut self) -> Result<usize> {
        self.end_snapshot();
        Ok(0)
    }

    fn end_snapshot(&mut self) {
        if self.snapshot.take().is_some() {
            let _ = self.store.end_read();
        }
    }

    /// The read snapshot to load from: the open one while it is younger than half the refresh
    /// interval, else a new one. Returns when it was taken.
    fn snapshot(&mut self, t: Instant) -> Result<Instant> {
        if self.cache_only {
            return Err(NeedStore.into());
        }
        self.missed = true;
        if let Some(s) = self.snapshot {
            if t.duration_since(s) < self.refresh / 2 {
                return Ok(s);
            }
            self.end_snapshot();
        }
        self.store.begin_read()?;
        self.snapshot = Some(t);
        Ok(t)
    }

    fn fresh(&self, loaded: Instant, t: Instant) -> bool {
        t.saturating_duration_since(loaded) < self.refresh
    }

    fn key_record(&mut self, id: &str, t: Instant) -> Result<Option<Arc<KeyRecord>>> {
        if let Some(c) = self.keys.get(id) {
            if self.fresh(c.loaded, t) {
                return Ok(Some(c.value.clone()));
            }
        }
        if self.unknown.get(id).is_some_and(|&at| self.fresh(at, t)) {
            return Ok(None);
        }
        let loaded = self.snapshot(t)?;
        match self.store.key(id)? {
            Some(r) => {
                let r = Arc::new(r);
                self.keys.insert(
                    id.to_string(),
                    Cached {
                        value: r.clone(),
                        loaded,
                    },
                );
                Ok(Some(r))
            }
            None => {
                self.keys.remove(id);
                self.remember_unknown(id, loaded);
                Ok(None)
            }
        }
    }

    /// Remembers that the store does not know `id`, within [`MAX_UNKNOWN`] ids.
    fn remember_unknown(&mut self, id: &str, loaded: Instant) {
        if self.unknown.len() >= MAX_UNKNOWN {
            let refresh = self.refresh;
            self.unknown
                .retain(|_, at| loaded.saturating_duration_since(*at) < refresh);
            if self.unknown.len() >= MAX_UNKNOWN {
                self.unknown.clear();
            }
        }
        self.unknown.insert(id.to_string(), loaded);
    }

    fn customer(&mut self, id: &str, now: i64, t: Instant) -> Result<Arc<CustomerState>> {
        if let Some(c) = self.customers.get(id) {
            if self.fresh(c.loaded, t) && now < c.value.period.1 {
                return Ok(c.value.clone());
            }
        }
        let loaded = self.snapshot(t)?;
        let state = Arc::new(match self.store.current_subscription(id)? {
            None => CustomerState {
                tier: None,
                subscription: String::new(),
                status: String::new(),
                failed_at: None,
                access_until: i64::MIN,
                period: (0, 0),
                used: 0,
                note: None,
                ended: false,
            },
            Some(crate::store::Current { row: sub, payment }) => {
                let (period, note, ended) = self.period_at(&sub, now)?;
                let (from, to) = period;
                // Decided as at the dawn of time: what remains is when (if ever) it ends.
                let access_until = crate::billing::access(
                    &self.access,
                    &sub.status,
                    payment.failed_at,
                    from,
                    i64::MIN,
                )
                .until();
                CustomerState {
                    tier: Some(sub.tier),
                    subscription: sub.id,
                    status: sub.status,
                    failed_at: payment.failed_at,
                    access_until,
                    period: (from, to),
                    // From the rollups: the cost does not grow with the customer's calls.
                    used: self.store.usage_in("customer", id, from, to)?,
                    note,
                    ended,
                }
            }
        });
        self.customers.insert(
            id.to_string(),
            Cached {
                value: state.clone(),
                loaded,
            },
        );
        Ok(state)
    }

    /// The billing period that holds `now`: the mirror's, or, once it has ended, the next one
    /// (one interval of the price later), with a note that says so; or the note that access
    /// ended with it (see the module docs).
    #[allow(clippy::type_complexity)]
    fn period_at(
        &self,
        sub: &crate::billing::MirrorRow,
        now: i64,
    ) -> Result<((i64, i64), Option<String>, bool)> {
        let (from, to) = (sub.current_period_start, sub.current_period_end);
        if now < to || !crate::billing::LIVE_STATUSES.contains(&sub.status.as_str()) {
            return Ok(((from, to), None, false));
        }
        let ended_at = crate::time::utc_datetime(to);
        if sub.cancel_at_period_end || sub.cancel_at.is_some_and(|c| c <= to) {
            let note = format!(
                "subscription {} was set to cancel at the end of its period, {ended_at}, which has passed (the mirror has not seen it end: run 'billctl subscriptions sync')",
                sub.id
            );
            return Ok(((from, to), Some(note), true));
        }
        let next = self
            .store
            .price_interval(&sub.price_id)?
            .and_then(|(unit, count)| crate::time::add_interval(to, &unit, count));
        match next {
            Some(next) if now < next => {
                let note = format!(
                    "billing period rolled forward: the mirrored period of subscription {} ended {ended_at}; counting {} to {} (one interval of its price) until the mirror catches up ('billctl subscriptions sync')",
                    sub.id,
                    ended_at,
                    crate::time::utc_datetime(next)
                );
                Ok(((to, next), Some(note), false))
            }
            _ => {
                let note = format!(
                    "the subscription mirror is stale: subscription {}'s period ended {ended_at}, more than one interval ago; run 'billctl subscriptions sync'",
                    sub.id
                );
                Ok(((from, to), Some(note), true))
            }
        }
    }

    fn store_mode(&mut self, t: Instant) -> Result<Option<Mode>> {
        let stale = self.mode.as_ref().is_none_or(|m| !self.fresh(m.loaded, t));
        if stale {
            let loaded = self.snapshot(t)?;
            self.mode = Some(Cached {
                value: self.store.key_mode()?,
                loaded,
            });
        }
        Ok(self.mode.as_ref().and_then(|m| m.value))
    }

    /// Which bucket a key's calls draw from: its own, or its customer's.
    fn bucket_id<'r>(&self, rec: &'r KeyRecord) -> &'r str {
        if self.per_customer {
            &rec.customer_id
        } else {
            &rec.id
        }
    }

    /// Takes a token from the key's bucket, or its customer's (capacity = the per-minute
    /// limit, refilled continuously); on first sight the bucket is charged with the calls
    /// made in the last minute, so the limit holds across processes too.
    fn take_token(
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
    fn recent_calls(&mut self, rec: &KeyRecord, now: i64, t: Instant) -> Result<i64> {
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
    fn refill_secs(&self, id: &str, rate: u32) -> Option<u64> {
        let b = self.buckets.get(id)?;
        let per_token = 60.0 / f64::from(rate.max(1));
        Some(((1.0 - b.tokens).max(0.0) * per_token).ceil().max(1.0) as u64)
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
        let Some((cust, quota, rate)) = self.entitled(&rec, now, t, &mut v)? else {
            return Ok(Step::Done(v));
        };
        v.reason = cust.note.clone();
        let (p0, p1) = cust.period;
        v.quota = Some(QuotaView {
            used: cust.used,
            limit: quota,
            remaining: crate::billing::standing(cust.used, quota).remaining,
            period_start: p0,
            period_end: p1,
        });
        if let Err(e) = self.bounds.quantity(quantity) {
            v.code = Code::QuotaExceeded;
            v.reason = Some(e);
            return Ok(Step::Done(v));
        }
        if record {
            return Ok(Step::Record(self.pending(
                v,
                &rec,
                quota,
                rate,
                (p0, p1),
                quantity,
                now,
            )));
        }
        if !crate::billing::fits(cust.used, quantity, quota) {
            v.code = Code::QuotaExceeded;
            v.retry_after = until(now, p1);
            let remaining = self
                .buckets
                .get(self.bucket_id(&rec))
                .map_or(rate, |b| b.tokens.floor() as u32);
            v.rate_limit = Some(RateView {
                limit: rate,
                remaining,
            });
            return Ok(Step::Done(v));
        }
        let left = self.take_token(&rec, rate, now, t)?;
        v.rate_limit = Some(RateView {
            limit: rate,
            remaining: left.unwrap_or(0),
        });
        match left {
            Some(_) => {
                v.code = Code::Valid;
                v.valid = true;
            }
            None => {
                v.code = Code::RateLimited;
                v.retry_after = self.refill_secs(self.bucket_id(&rec), rate);
            }
        }
        Ok(Step::Done(v))
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
        Ok(Some((cust, quota, rate)))
    }

    /// The recording of a call that passed every check but the limits, which the store checks
    /// in the transaction that records it (see the module docs).
    #[allow(clippy::too_many_arguments)]
    fn pending(
        &mut self,
        v: Verification,
        rec: &KeyRecord,
        quota: Option<u64>,
        rate: u32,
        period: (i64, i64),
        quantity: i64,
        now: i64,
    ) -> Pending {
        self.seq += 1;
        let event = UsageEvent {
            source: String::new(),
            event_id: format!(
                "v-{}-{:016x}-{}",
                rec.id,
                *self.origin.get_or_insert_with(rand::random),
                self.seq
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
            rate_per_minute: rate,
            rate_per_customer: self.per_customer,
            quota,
            period,
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
    fn charged(&mut self, p: Pending, charge: Charge) -> Verification {
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
            remaining: crate::billing::standing(used, q.limit).remaining,
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
        v.valid = v.code == Code::Valid;
        v
    }
}

/// Whole seconds from `now` to `at`, at least 1.
fn until(now: i64, at: i64) -> Option<u64> {
    Some(u64::try_from(at.saturating_sub(now)).unwrap_or(0).max(1))
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
        let _ = self.flush();
    }
}
