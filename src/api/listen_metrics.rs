//! `webhooks listen`'s counters and their Prometheus text exposition, with `serve`'s names
//! and conventions (`billctl_webhooks_*`): deliveries by outcome and event type, refused
//! requests by reason, apply outcomes, the lag from receipt to apply, group-commit sizes and
//! open connections. Labels are fixed words and Stripe's event types of signed deliveries
//! (at most [`MAX_TYPES`] distinct, then `other`), never a body, header or secret.

use crate::adapters::server::metrics::{Histogram, Labels, Scrape, GROUPS};
#[cfg(test)]
use crate::domain::webhooks::SignatureError;
use crate::ops::lock;
use crate::ops::webhooks::listen::{Observe, Refused};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// The most event types kept as labels.
pub const MAX_TYPES: usize = 256;
/// Upper bounds of the apply-lag buckets, in seconds.
const LAG: [f64; 12] = [
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0, 30.0, 300.0,
];

#[derive(Default)]
pub struct ListenMetrics {
    deliveries: Mutex<BTreeMap<(&'static str, String), u64>>,
    refused: Mutex<BTreeMap<Refused, u64>>,
    applied: Mutex<BTreeMap<&'static str, u64>>,
    conflicts: Mutex<BTreeMap<(&'static str, &'static str), u64>>,
    lag: Histogram,
    groups: Histogram,
    not_stored: AtomicU64,
    metrics_refused: AtomicU64,
    /// Open connections, kept by the server core.
    pub open: Arc<AtomicUsize>,
    /// The applier's refetches from Stripe (issue 39).
    refetches: Mutex<Option<Arc<crate::ops::webhooks::Refetches>>>,
    /// Log lines dropped because stderr did not keep up (kept by the log's queue).
    log_dropped: Mutex<Option<Arc<AtomicU64>>>,
}

impl ListenMetrics {
    pub fn new() -> ListenMetrics {
        ListenMetrics {
            lag: Histogram::new(LAG.len()),
            groups: Histogram::new(GROUPS.len()),
            ..ListenMetrics::default()
        }
    }

    /// A request answered: `stored`, `duplicate`, `conflict` or `rejected` (with why), and the
    /// event type of a signed delivery.
    pub fn delivery(&self, outcome: &'static str, kind: Option<&str>, refused: Option<Refused>) {
        if let Some(why) = refused {
            *lock(&self.refused).entry(why).or_default() += 1;
        }
        let mut d = lock(&self.deliveries);
        let types = d.len();
        let label = match kind {
            Some(k) if types < MAX_TYPES || d.contains_key(&(outcome, k.to_string())) => k,
            Some(_) => "other",
            None => "",
        };
        *d.entry((outcome, label.to_string())).or_default() += 1;
    }

    /// An event applied (`applied`, `ignored`, `failed`) `lag` seconds after it was received.
    pub fn applied(&self, outcome: &'static str, lag: f64) {
        *lock(&self.applied).entry(outcome).or_default() += 1;
        self.lag.observe_in(&LAG, lag.max(0.0));
    }

    /// A delivery of an id stored with another body: `reason` is `type` or `body`; whether the
    /// delivery replaced the stored body (`replaced`) or was kept apart (`kept_apart`).
    pub fn conflict(&self, reason: &'static str, replaced: bool) {
        let resolution = if replaced { "replaced" } else { "kept_apart" };
        *lock(&self.conflicts)
            .entry((reason, resolution))
            .or_default() += 1;
    }

    /// Shows the applier's refetch counters.
    pub fn count_refetches(&self, refetches: Arc<crate::ops::webhooks::Refetches>) {
        *lock(&self.refetches) = Some(refetches);
    }

    /// Shows `dropped` (kept by the log's queue) as `billctl_log_lines_dropped_total`.
    pub fn count_log_dropped(&self, dropped: Arc<AtomicU64>) {
        *lock(&self.log_dropped) = Some(dropped);
    }

    /// One store transaction of `n` requests.
    pub fn group(&self, n: usize) {
        let bounds: Vec<f64> = GROUPS.iter().map(|g| *g as f64).collect();
        self.groups.observe_in(&bounds, n as f64);
    }

    /// Requests answered 503 because the store failed.
    pub fn not_stored(&self, n: u64) {
        self.not_stored.fetch_add(n, Ordering::Relaxed);
    }

    /// A `/metrics` caller refused (no or a bad token).
    pub fn metrics_refused(&self) {
        self.metrics_refused.fetch_add(1, Ordering::Relaxed);
    }

    /// The exposition.
    pub fn render(&self) -> String {
        self.scrape().render()
    }

    /// Every value `/metrics` shows, read now.
    pub fn scrape(&self) -> Scrape {
        let mut out = Scrape::default();
        self.scrape_requests(&mut out);
        let applied: Vec<(Labels, u64)> = lock(&self.applied)
            .iter()
            .map(|(o, n)| (vec![("outcome", o.to_string())], *n))
            .collect();
        out.counters(
            "billctl_webhooks_applied_total",
            "Stored events applied, by outcome.",
            applied,
        );
        let (fetched, deferred) = lock(&self.refetches)
            .as_ref()
            .map_or((0, 0), |r| r.counts());
        out.counters("billctl_webhooks_refetches_total", "Objects read again from Stripe where an event alone could not decide the mirror's state (fetched), and events that needed a refetch billctl could not make and that changed nothing (deferred).", [(vec![("result", "fetched".to_string())], fetched), (vec![("result", "deferred".to_string())], deferred)]);
        let lag: Vec<f64> = LAG.to_vec();
        out.histograms(
            "billctl_webhooks_apply_lag_seconds",
            "From receipt to the event applied.",
            &lag,
            [(Labels::new(), &self.lag)],
        );
        out.counter(
            "billctl_webhooks_not_stored_total",
            "Requests answered 503 because the store failed (Stripe retries them).",
            self.not_stored.load(Ordering::Relaxed),
        );
        let dropped = lock(&self.log_dropped)
            .as_ref()
            .map_or(0, |d| d.load(Ordering::Relaxed));
        out.counter(
            "billctl_log_lines_dropped_total",
            "Log lines dropped because stderr did not keep up (the log's queue was full).",
            dropped,
        );
        out.counter(
            "billctl_webhooks_metrics_auth_failures_total",
            "Callers of /metrics refused (never the token).",
            self.metrics_refused.load(Ordering::Relaxed),
        );
        out.gauge(
            "billctl_webhooks_open_connections",
            "Connections open now.",
            self.open.load(Ordering::Relaxed) as u64,
        );
        let bounds: Vec<f64> = GROUPS.iter().map(|g| *g as f64).collect();
        out.histograms(
            "billctl_webhooks_group_commit_size",
            "Requests per store transaction.",
            &bounds,
            [(Labels::new(), &self.groups)],
        );
        out
    }

    /// Deliveries by outcome and type, conflicts, refusals by reason, signature failures.
    fn scrape_requests(&self, out: &mut Scrape) {
        let deliveries: Vec<(Labels, u64)> = lock(&self.deliveries)
            .iter()
            .map(|((outcome, kind), n)| {
                let labels = vec![("outcome", outcome.to_string()), ("type", kind.clone())];
                (labels, *n)
            })
            .collect();
        out.counters("billctl_webhooks_deliveries_total", "Requests to the receiver by outcome (stored, duplicate, conflict, rejected) and event type.", deliveries);
        let conflicts: Vec<(Labels, u64)> = lock(&self.conflicts)
            .iter()
            .map(|((why, resolution), n)| {
                let labels = vec![
                    ("reason", why.to_string()),
                    ("resolution", resolution.to_string()),
                ];
                (labels, *n)
            })
            .collect();
        out.counters("billctl_webhooks_conflicts_total", "Deliveries of an event id stored with another body, by reason (type, body) and resolution (kept_apart, replaced).", conflicts);
        let refused = lock(&self.refused).clone();
        let by_reason = refused
            .iter()
            .map(|(why, n)| (vec![("reason", why.as_str().to_string())], *n));
        out.counters("billctl_webhooks_refused_total", "Requests refused, by reason (signature, timestamp, missing_signature, too_large, path, method, malformed).", by_reason.collect::<Vec<_>>());
        let signature = refused
            .iter()
            .filter(|(why, _)| why.is_signature())
            .map(|(_, n)| n)
            .sum();
        out.counter(
            "billctl_webhooks_signature_failures_total",
            "Requests whose Stripe-Signature was missing, wrong or outside the tolerance.",
            signature,
        );
    }
}

impl Observe for ListenMetrics {
    fn delivery(&self, outcome: &'static str, kind: Option<&str>, refused: Option<Refused>) {
        ListenMetrics::delivery(self, outcome, kind, refused);
    }
    fn applied(&self, outcome: &'static str, lag: f64) {
        ListenMetrics::applied(self, outcome, lag);
    }
    fn conflict(&self, reason: &'static str, replaced: bool) {
        ListenMetrics::conflict(self, reason, replaced);
    }
    fn group(&self, n: usize) {
        ListenMetrics::group(self, n);
    }
    fn not_stored(&self, n: u64) {
        ListenMetrics::not_stored(self, n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_classed_and_types_are_bounded() {
        let stale = SignatureError::Stale {
            age: 900,
            tolerance: 300,
        };
        for (e, want) in [
            (SignatureError::NoMatch, Refused::Signature),
            (SignatureError::NoV1, Refused::Signature),
            (stale, Refused::Timestamp),
            (SignatureError::NoHeader, Refused::MissingSignature),
            (
                SignatureError::Malformed("t=".into()),
                Refused::MissingSignature,
            ),
        ] {
            assert_eq!(Refused::from(&e), want, "{e}");
        }
        let m = ListenMetrics::new();
        for i in 0..MAX_TYPES + 10 {
            m.delivery("stored", Some(&format!("t.{i}")), None);
        }
        let text = m.render();
        assert!(text.contains("type=\"other\"} 10"), "{text}");
    }

    #[test]
    fn the_appliers_refetches_are_counted() {
        let m = ListenMetrics::new();
        assert!(m
            .render()
            .contains("billctl_webhooks_refetches_total{result=\"fetched\"} 0"));
        let r = Arc::new(crate::ops::webhooks::Refetches::default());
        m.count_refetches(r.clone());
        r.fetched.fetch_add(2, Ordering::Relaxed);
        r.deferred.fetch_add(1, Ordering::Relaxed);
        let text = m.render();
        assert!(
            text.contains("billctl_webhooks_refetches_total{result=\"fetched\"} 2"),
            "{text}"
        );
        assert!(
            text.contains("billctl_webhooks_refetches_total{result=\"deferred\"} 1"),
            "{text}"
        );
    }
}
