//! `webhooks listen`'s counters and their Prometheus text exposition, with `serve`'s names
//! and conventions (`billctl_webhooks_*`): deliveries by outcome and event type, refused
//! requests by reason, apply outcomes, the lag from receipt to apply, group-commit sizes and
//! open connections. Labels are fixed words and Stripe's event types of signed deliveries
//! (at most [`MAX_TYPES`] distinct, then `other`), never a body, header or secret.

use crate::ops::lock;
use crate::server::metrics::{counter, Histogram, GROUPS};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// The most event types kept as labels.
pub const MAX_TYPES: usize = 256;
/// Upper bounds of the apply-lag buckets, in seconds.
const LAG: [f64; 12] = [
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0, 30.0, 300.0,
];

/// Why a request was refused, as a label.
pub fn refusal_kind(reason: &str) -> &'static str {
    if reason.contains("no v1 signature matches") || reason.contains("no v1 signature") {
        "signature"
    } else if reason.contains("tolerance") {
        "timestamp"
    } else if reason.contains("Stripe-Signature") {
        "missing_signature"
    } else if reason.contains("--max-body") {
        "too_large"
    } else if reason.starts_with("not found") {
        "path"
    } else if reason.contains("not allowed") {
        "method"
    } else {
        "malformed"
    }
}

#[derive(Default)]
pub struct ListenMetrics {
    deliveries: Mutex<BTreeMap<(&'static str, String), u64>>,
    refused: Mutex<BTreeMap<&'static str, u64>>,
    applied: Mutex<BTreeMap<&'static str, u64>>,
    conflicts: Mutex<BTreeMap<(&'static str, &'static str), u64>>,
    lag: Histogram,
    groups: Histogram,
    not_stored: AtomicU64,
    metrics_refused: AtomicU64,
    /// Open connections, kept by the server core.
    pub open: Arc<AtomicUsize>,
    /// The applier's refetches from Stripe (issue 39).
    refetches: Mutex<Option<Arc<super::Refetches>>>,
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

    /// A request answered: `stored`, `duplicate`, `conflict` or `rejected` (with why), and the event type
    /// of a signed delivery.
    pub fn delivery(&self, outcome: &'static str, kind: Option<&str>, reason: Option<&str>) {
        if outcome == "rejected" {
            *lock(&self.refused)
                .entry(refusal_kind(reason.unwrap_or_default()))
                .or_default() += 1;
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
    pub fn count_refetches(&self, refetches: Arc<super::Refetches>) {
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

    /// `billctl_webhooks_conflicts_total` by reason and resolution.
    fn render_conflicts(&self, out: &mut String) {
        let _ = writeln!(out, "# HELP billctl_webhooks_conflicts_total Deliveries of an event id stored with another body, by reason (type, body) and resolution (kept_apart, replaced).\n# TYPE billctl_webhooks_conflicts_total counter");
        for ((why, resolution), n) in lock(&self.conflicts).iter() {
            let _ = writeln!(
                out,
                "billctl_webhooks_conflicts_total{{reason=\"{why}\",resolution=\"{resolution}\"}} {n}"
            );
        }
    }

    /// The exposition.
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(4096);
        let _ = writeln!(out, "# HELP billctl_webhooks_deliveries_total Requests to the receiver by outcome (stored, duplicate, conflict, rejected) and event type.\n# TYPE billctl_webhooks_deliveries_total counter");
        for ((outcome, kind), n) in lock(&self.deliveries).iter() {
            let _ = writeln!(
                out,
                "billctl_webhooks_deliveries_total{{outcome=\"{outcome}\",type=\"{kind}\"}} {n}"
            );
        }
        self.render_conflicts(&mut out);
        let _ = writeln!(out, "# HELP billctl_webhooks_refused_total Requests refused, by reason (signature, timestamp, missing_signature, too_large, path, method, malformed).\n# TYPE billctl_webhooks_refused_total counter");
        for (why, n) in lock(&self.refused).iter() {
            let _ = writeln!(
                out,
                "billctl_webhooks_refused_total{{reason=\"{why}\"}} {n}"
            );
        }
        let signature: u64 = lock(&self.refused)
            .iter()
            .filter(|(k, _)| matches!(**k, "signature" | "timestamp" | "missing_signature"))
            .map(|(_, n)| n)
            .sum();
        counter(
            &mut out,
            "billctl_webhooks_signature_failures_total",
            "Requests whose Stripe-Signature was missing, wrong or outside the tolerance.",
            signature,
        );
        let _ = writeln!(out, "# HELP billctl_webhooks_applied_total Stored events applied, by outcome.\n# TYPE billctl_webhooks_applied_total counter");
        for (o, n) in lock(&self.applied).iter() {
            let _ = writeln!(out, "billctl_webhooks_applied_total{{outcome=\"{o}\"}} {n}");
        }
        let (fetched, deferred) = lock(&self.refetches)
            .as_ref()
            .map_or((0, 0), |r| r.counts());
        let _ = writeln!(out, "# HELP billctl_webhooks_refetches_total Objects read again from Stripe where an event alone could not decide the mirror's state (fetched), and events that needed a refetch billctl could not make and that changed nothing (deferred).\n# TYPE billctl_webhooks_refetches_total counter\nbillctl_webhooks_refetches_total{{result=\"fetched\"}} {fetched}\nbillctl_webhooks_refetches_total{{result=\"deferred\"}} {deferred}");
        let _ = writeln!(out, "# HELP billctl_webhooks_apply_lag_seconds From receipt to the event applied.\n# TYPE billctl_webhooks_apply_lag_seconds histogram");
        let bounds: Vec<String> = LAG.iter().map(f64::to_string).collect();
        self.lag
            .write(&mut out, "billctl_webhooks_apply_lag_seconds", "", &bounds);
        counter(
            &mut out,
            "billctl_webhooks_not_stored_total",
            "Requests answered 503 because the store failed (Stripe retries them).",
            self.not_stored.load(Ordering::Relaxed),
        );
        let dropped = lock(&self.log_dropped)
            .as_ref()
            .map_or(0, |d| d.load(Ordering::Relaxed));
        counter(
            &mut out,
            "billctl_log_lines_dropped_total",
            "Log lines dropped because stderr did not keep up (the log's queue was full).",
            dropped,
        );
        counter(
            &mut out,
            "billctl_webhooks_metrics_auth_failures_total",
            "Callers of /metrics refused (never the token).",
            self.metrics_refused.load(Ordering::Relaxed),
        );
        let _ = writeln!(out, "# HELP billctl_webhooks_open_connections Connections open now.\n# TYPE billctl_webhooks_open_connections gauge\nbillctl_webhooks_open_connections {}", self.open.load(Ordering::Relaxed));
        let _ = writeln!(out, "# HELP billctl_webhooks_group_commit_size Requests per store transaction.\n# TYPE billctl_webhooks_group_commit_size histogram");
        let bounds: Vec<String> = GROUPS.iter().map(u64::to_string).collect();
        self.groups
            .write(&mut out, "billctl_webhooks_group_commit_size", "", &bounds);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_classed_and_types_are_bounded() {
        assert_eq!(
            refusal_kind("no v1 signature matches (body 2 bytes, sha256 ab)"),
            "signature"
        );
        assert_eq!(
            refusal_kind("the timestamp is outside the 300 s tolerance"),
            "timestamp"
        );
        assert_eq!(
            refusal_kind("no Stripe-Signature header"),
            "missing_signature"
        );
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
