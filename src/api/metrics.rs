//! `serve`'s counters, and their Prometheus text exposition (format 0.0.4): requests by route
//! and status with a latency histogram, verdicts by code, cache hits and misses, refused
//! callers by reason, store errors, usage events and usage conflicts by route, open
//! connections and group-commit sizes. Never a key or a
//! token: labels are fixed words, status numbers and codes.

use crate::domain::keys::Code;

use crate::ops::lock;
use crate::ops::serve::tokens::Refusal;
use crate::ops::verifier::CacheStats;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use super::routes::labels;
use crate::adapters::server::Timeout;
use crate::domain::usage::Route;

/// The routes serve takes usage events on, each counted apart.
pub const USAGE_ROUTES: [Route; 2] = [Route::Events, Route::CloudEvents];

/// The HTTP status codes counted apart (hyper's range).
const STATUSES: std::ops::RangeInclusive<u16> = 100..=999;

/// Upper bounds of the latency buckets, in seconds.
const LATENCY: [f64; 14] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

use crate::adapters::server::metrics::{Histogram, Labels, Scrape, GROUPS};

/// Everything `/metrics` shows.
pub struct Metrics {
    /// Requests by route (an index into [`labels`]) and status (an index from 100, the HTTP
    /// status codes 100 to 999): an atomic increment per request, no lock.
    requests: Vec<Vec<AtomicU64>>,
    latency: Vec<Histogram>,
    verdicts: [AtomicU64; Code::ALL.len()],
    refused: [AtomicU64; Refusal::ALL.len()],
    /// The plain verifier's and the recorder's cache counts, as last seen.
    cache: Mutex<[CacheStats; 2]>,
    store_errors: AtomicU64,
    /// Store lookups of token ids the token list lacks.
    token_lookups: AtomicU64,
    events: AtomicU64,
    /// Usage conflicts by the routes serve takes usage on ([`USAGE_ROUTES`]).
    conflicts: [AtomicU64; USAGE_ROUTES.len()],
    groups: Histogram,
    /// Timers that ran out, by [`TimeoutKind::ALL`].
    timeouts: [AtomicU64; TimeoutKind::ALL.len()],
    /// Open connections, kept by the server core.
    pub open: Arc<AtomicUsize>,
    /// Log lines dropped because the log's queue was full (a stalled stderr).
    log_dropped: Arc<AtomicU64>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            requests: labels()
                .iter()
                .map(|_| (STATUSES).map(|_| AtomicU64::new(0)).collect())
                .collect(),
            latency: labels()
                .iter()
                .map(|_| Histogram::new(LATENCY.len()))
                .collect(),
            verdicts: Default::default(),
            refused: Default::default(),
            cache: Mutex::new([CacheStats::default(); 2]),
            store_errors: AtomicU64::new(0),
            token_lookups: AtomicU64::new(0),
            events: AtomicU64::new(0),
            conflicts: Default::default(),
            groups: Histogram::new(GROUPS.len()),
            timeouts: Default::default(),
            open: Arc::new(AtomicUsize::new(0)),
            log_dropped: Arc::default(),
        }
    }
}

/// A timer that ran out: one of the server core's, or the time serve gives Stripe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutKind {
    Core(Timeout),
    /// Stripe did not answer in the part of the request timeout left for it (504).
    Stripe,
}

impl TimeoutKind {
    pub const ALL: [TimeoutKind; 5] = [
        TimeoutKind::Core(Timeout::ALL[0]),
        TimeoutKind::Core(Timeout::ALL[1]),
        TimeoutKind::Core(Timeout::ALL[2]),
        TimeoutKind::Core(Timeout::ALL[3]),
        TimeoutKind::Stripe,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TimeoutKind::Core(t) => t.as_str(),
            TimeoutKind::Stripe => "stripe",
        }
    }
}

pub use crate::ops::serve::Side;

impl Metrics {
    /// Shows `dropped` (kept by the log's queue) as `billctl_log_lines_dropped_total`.
    pub fn with_log_dropped(self, dropped: Arc<AtomicU64>) -> Metrics {
        Metrics {
            log_dropped: dropped,
            ..self
        }
    }

    /// A request on `route` (an index into [`labels`]) answered `status` after `secs`.
    pub fn request(&self, route: usize, status: u16, secs: f64) {
        let status = usize::from(status.clamp(*STATUSES.start(), *STATUSES.end()));
        if let Some(n) = self.requests.get(route) {
            n[status - *STATUSES.start() as usize].fetch_add(1, Ordering::Relaxed);
        }
        let bucket = LATENCY
            .iter()
            .position(|b| secs <= *b)
            .unwrap_or(LATENCY.len());
        self.latency[route].observe(bucket, secs);
    }

    pub fn verdict(&self, code: Code) {
        let i = Code::ALL.iter().position(|c| *c == code).unwrap_or(0);
        self.verdicts[i].fetch_add(1, Ordering::Relaxed);
        if code == Code::StoreUnavailable {
            self.store_error();
        }
    }

    pub fn refused(&self, r: Refusal) {
        let i = Refusal::ALL.iter().position(|c| *c == r).unwrap_or(0);
        self.refused[i].fetch_add(1, Ordering::Relaxed);
    }

    pub fn cache(&self, side: Side, stats: CacheStats) {
        lock(&self.cache)[side as usize] = stats;
    }

    /// A token id the list lacks was looked for in the store.
    pub fn token_lookup(&self) {
        self.token_lookups.fetch_add(1, Ordering::Relaxed);
    }

    pub fn store_error(&self) {
        self.store_errors.fetch_add(1, Ordering::Relaxed);
    }

    pub fn timeout(&self, kind: TimeoutKind) {
        if let Some(i) = TimeoutKind::ALL.iter().position(|k| *k == kind) {
            self.timeouts[i].fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn events(&self, n: usize) {
        self.events.fetch_add(n as u64, Ordering::Relaxed);
    }

    /// `n` usage events refused as conflicts on `route`.
    pub fn conflicts(&self, route: Route, n: usize) {
        if let Some(i) = USAGE_ROUTES.iter().position(|r| *r == route) {
            self.conflicts[i].fetch_add(n as u64, Ordering::Relaxed);
        }
    }

    /// One group commit of `n` recorded calls.
    pub fn group(&self, n: usize) {
        let bucket = GROUPS
            .iter()
            .position(|b| n as u64 <= *b)
            .unwrap_or(GROUPS.len());
        self.groups.observe(bucket, n as f64);
    }

    /// Requests answered so far.
    pub fn requests(&self) -> u64 {
        let load = |n: &AtomicU64| n.load(Ordering::Relaxed);
        self.requests.iter().flatten().map(load).sum()
    }

    /// The exposition.
    pub fn render(&self) -> String {
        self.scrape().render()
    }

    /// Every value `/metrics` shows, read now.
    pub fn scrape(&self) -> Scrape {
        let mut out = Scrape::default();
        self.scrape_requests(&mut out);
        self.scrape_codes(&mut out);
        self.scrape_counts(&mut out);
        let routes = USAGE_ROUTES.iter().map(|r| r.as_str());
        labelled(&mut out, ("billctl_usage_conflicts_total", "Usage events refused because their source and id were taken by an event with other content, by route (listed by 'billctl usage conflicts').", "route"), routes.zip(&self.conflicts));
        let kinds = TimeoutKind::ALL.iter().map(|k| k.as_str());
        labelled(&mut out, ("billctl_serve_timeouts_total", "Timers that ran out, by kind: header (closed unanswered), body (408), request (408), idle (a kept-alive connection closed), stripe (504 STRIPE_TIMEOUT).", "kind"), kinds.zip(&self.timeouts));
        out.counter(
            "billctl_log_lines_dropped_total",
            "Log lines dropped because stderr did not keep up (the log's queue was full).",
            self.log_dropped.load(Ordering::Relaxed),
        );
        let open = self.open.load(Ordering::Relaxed) as u64;
        out.gauge(
            "billctl_serve_open_connections",
            "Connections open now.",
            open,
        );
        let bounds: Vec<f64> = GROUPS.iter().map(|g| *g as f64).collect();
        out.histograms(
            "billctl_serve_group_commit_size",
            "Recorded verifies per store transaction.",
            &bounds,
            [(Labels::new(), &self.groups)],
        );
        out
    }

    /// Verdicts by code, refused callers by reason.
    fn scrape_codes(&self, out: &mut Scrape) {
        let verdicts = Code::ALL.iter().map(|c| c.as_str());
        labelled(
            out,
            (
                "billctl_serve_verdicts_total",
                "Key verifications by verdict code.",
                "code",
            ),
            verdicts.zip(&self.verdicts),
        );
        let refused = Refusal::ALL
            .iter()
            .map(|r| super::error::refusal(*r).1.as_str());
        labelled(
            out,
            (
                "billctl_serve_auth_failures_total",
                "Callers refused, by reason (never the token).",
                "code",
            ),
            refused.zip(&self.refused),
        );
    }

    /// The cache's hits and misses, store errors, token lookups, usage events.
    fn scrape_counts(&self, out: &mut Scrape) {
        let cache = *lock(&self.cache);
        let (hits, misses) = cache
            .iter()
            .fold((0, 0), |(h, m), s| (h + s.hits, m + s.misses));
        let load = |n: &AtomicU64| n.load(Ordering::Relaxed);
        for (name, help, n) in [
            (
                "billctl_serve_cache_hits_total",
                "Verifications answered from the cache.",
                hits,
            ),
            (
                "billctl_serve_cache_misses_total",
                "Verifications that read the store.",
                misses,
            ),
            (
                "billctl_serve_store_errors_total",
                "Requests the store failed.",
                load(&self.store_errors),
            ),
            (
                "billctl_serve_token_lookups_total",
                "Store lookups of well-formed token ids the token list lacks (one per id per refresh interval, a few at once).",
                load(&self.token_lookups),
            ),
            (
                "billctl_serve_usage_events_total",
                "Usage events accepted over HTTP.",
                load(&self.events),
            ),
        ] {
            out.counter(name, help, n);
        }
    }

    fn scrape_requests(&self, out: &mut Scrape) {
        let mut requests: Vec<(Labels, u64)> = Vec::new();
        for (route, counts) in labels().iter().zip(&self.requests) {
            for (status, n) in STATUSES.zip(counts) {
                let n = n.load(Ordering::Relaxed);
                if n > 0 {
                    let labels = vec![("route", route.to_string()), ("status", status.to_string())];
                    requests.push((labels, n));
                }
            }
        }
        out.counters(
            "billctl_serve_requests_total",
            "Requests by route and status.",
            requests,
        );
        let series = labels()
            .iter()
            .zip(&self.latency)
            .filter(|(_, h)| h.count.load(Ordering::Relaxed) > 0)
            .map(|(route, h)| (vec![("route", route.to_string())], h));
        out.histograms(
            "billctl_serve_request_seconds",
            "Time to answer, by route.",
            &LATENCY,
            series,
        );
    }
}

/// A counter with one label: one series per value of the label.
fn labelled<'a>(
    out: &mut Scrape,
    (name, help, label): (&'static str, &'static str, &'static str),
    series: impl Iterator<Item = (&'a str, &'a AtomicU64)>,
) {
    let series =
        series.map(|(value, n)| (vec![(label, value.to_string())], n.load(Ordering::Relaxed)));
    out.counters(name, help, series);
}

impl crate::ops::serve::Observe for Metrics {
    fn cache(&self, side: crate::ops::serve::Side, stats: CacheStats) {
        Metrics::cache(self, side, stats);
    }
    fn group(&self, n: usize) {
        Metrics::group(self, n);
    }
    fn token_lookup(&self) {
        Metrics::token_lookup(self);
    }
}
