//! What the verifier caches of the store (keys, customers, the mode), how fresh it is, and
//! what a loader reads for another verifier to adopt.

use super::{ct_eq, hash, parse, NeedStore, Verification, Verifier, MAX_UNKNOWN};
use crate::adapters::store::KeyRecord;
use crate::adapters::store::KeyState;
use crate::domain::mode::Mode;
use anyhow::Result;
use std::sync::Arc;
use std::time::Instant;

/// A value read from the store, and when.
pub(super) struct Cached<T> {
    pub(super) value: T,
    /// When the store snapshot this came from was taken.
    pub(super) loaded: Instant,
}

/// A customer's subscription as the verifier needs it.
#[derive(Clone)]
pub(super) struct CustomerState {
    /// `None` without any subscription.
    pub(super) tier: Option<String>,
    /// The current subscription, its status and when its payments began failing.
    pub(super) subscription: String,
    pub(super) status: String,
    pub(super) failed_at: Option<i64>,
    /// The access policy's verdict, decided once at load: access until this time (`i64::MAX`:
    /// for good, `i64::MIN`: none); only a `past_due` grace ends in between.
    pub(super) access_until: i64,
    pub(super) period: (i64, i64),
    pub(super) used: i64,
    /// Why the period differs from the mirror's (rolled forward), or why access ended with it.
    pub(super) note: Option<String>,
    /// The mirrored period ended and with it the subscription (set to cancel at its end, or a
    /// mirror too stale to roll forward).
    pub(super) ended: bool,
}

impl<T: Clone> Clone for Cached<T> {
    fn clone(&self) -> Self {
        Cached {
            value: self.value.clone(),
            loaded: self.loaded,
        }
    }
}

/// The billing period a customer's quota counts in ([`Verifier::period_at`]).
pub(super) struct Period {
    /// `[from, to)`.
    span: (i64, i64),
    /// Why it differs from the mirror's (rolled forward), or why access ended with it.
    note: Option<String>,
    /// The mirrored period ended and with it the subscription.
    ended: bool,
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

    pub(super) fn load_into(
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

    pub(super) fn adopt(&mut self, l: Loaded) {
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

    /// The read snapshot to load from: the open one while it is younger than half the refresh
    /// interval, else a new one. Returns when it was taken.
    pub(super) fn snapshot(&mut self, t: Instant) -> Result<Instant> {
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

    pub(super) fn fresh(&self, loaded: Instant, t: Instant) -> bool {
        t.saturating_duration_since(loaded) < self.refresh
    }

    pub(super) fn key_record(&mut self, id: &str, t: Instant) -> Result<Option<Arc<KeyRecord>>> {
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
    pub(super) fn remember_unknown(&mut self, id: &str, loaded: Instant) {
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

    pub(super) fn customer(
        &mut self,
        id: &str,
        now: i64,
        t: Instant,
    ) -> Result<Arc<CustomerState>> {
        if let Some(c) = self.customers.get(id) {
            if self.fresh(c.loaded, t) && now < c.value.period.1 {
                return Ok(c.value.clone());
            }
        }
        let loaded = self.snapshot(t)?;
        let state = Arc::new(self.load_customer(id, now)?);
        self.customers.insert(
            id.to_string(),
            Cached {
                value: state.clone(),
                loaded,
            },
        );
        Ok(state)
    }

    /// A customer's state as the store has it now: the subscription, its period at `now`,
    /// until when it grants access, and the period's usage so far.
    fn load_customer(&mut self, id: &str, now: i64) -> Result<CustomerState> {
        Ok(match self.store.current_subscription(id)? {
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
            Some(crate::adapters::store::Current { row: sub, payment }) => {
                let Period { span, note, ended } = self.period_at(&sub, now)?;
                let (from, to) = span;
                // Decided as at the dawn of time: what remains is when (if ever) it ends.
                let access_until = crate::domain::billing::access(
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
                    used: self.store.usage_in(
                        crate::domain::usage::Scope::Customer,
                        id,
                        from,
                        to,
                    )?,
                    note,
                    ended,
                }
            }
        })
    }

    /// The billing period that holds `now`: the mirror's, or, once it has ended, the next one
    /// (one interval of the price later), with a note that says so; or the note that access
    /// ended with it (see the module docs).
    pub(super) fn period_at(
        &self,
        sub: &crate::domain::billing::MirrorRow,
        now: i64,
    ) -> Result<Period> {
        let (from, to) = (sub.current_period_start, sub.current_period_end);
        let period = |span, note, ended| Ok(Period { span, note, ended });
        if now < to || !crate::domain::billing::LIVE_STATUSES.contains(&sub.status.as_str()) {
            return period((from, to), None, false);
        }
        let ended_at = crate::domain::time::utc_datetime(to);
        if sub.cancel_at_period_end || sub.cancel_at.is_some_and(|c| c <= to) {
            let note = format!(
                "subscription {} was set to cancel at the end of its period, {ended_at}, which has passed (the mirror has not seen it end: run 'billctl subscriptions sync')",
                sub.id
            );
            return period((from, to), Some(note), true);
        }
        let next = self
            .store
            .price_interval(&sub.price_id)?
            .and_then(|(unit, count)| crate::domain::time::add_interval(to, &unit, count));
        match next {
            Some(next) if now < next => {
                let note = format!(
                    "billing period rolled forward: the mirrored period of subscription {} ended {ended_at}; counting {} to {} (one interval of its price) until the mirror catches up ('billctl subscriptions sync')",
                    sub.id,
                    ended_at,
                    crate::domain::time::utc_datetime(next)
                );
                period((to, next), Some(note), false)
            }
            _ => {
                let note = format!(
                    "the subscription mirror is stale: subscription {}'s period ended {ended_at}, more than one interval ago; run 'billctl subscriptions sync'",
                    sub.id
                );
                period((from, to), Some(note), true)
            }
        }
    }

    pub(super) fn store_mode(&mut self, t: Instant) -> Result<Option<Mode>> {
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
}
