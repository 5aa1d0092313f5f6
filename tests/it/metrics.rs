//! The Prometheus exposition of `serve` and `webhooks listen`, as one table: every metric name
//! and type, every refusal reason, against what the services expose and what the README
//! documents; and label values from outside escaped so Prometheus's own parser reads them back.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it talks to no Stripe at all; the default run covers it.

use billctl::api::listen_metrics::ListenMetrics;
use billctl::api::metrics::Metrics;
use billctl::ops::serve::tokens::Refusal;
use billctl::ops::webhooks::listen::Refused;
use std::io::Write;
use std::process::Stdio;

/// (service, metric name as exposed, type). The names are the documented ones: the client
/// library adds `_total` to a counter's name itself, and billctl registers them without it.
const METRICS: &[(&str, &str, &str)] = &[
    ("serve", "billctl_serve_requests_total", "counter"),
    ("serve", "billctl_serve_request_seconds", "histogram"),
    ("serve", "billctl_serve_verdicts_total", "counter"),
    ("serve", "billctl_serve_auth_failures_total", "counter"),
    ("serve", "billctl_serve_cache_hits_total", "counter"),
    ("serve", "billctl_serve_cache_misses_total", "counter"),
    ("serve", "billctl_serve_store_errors_total", "counter"),
    ("serve", "billctl_serve_token_lookups_total", "counter"),
    ("serve", "billctl_serve_usage_events_total", "counter"),
    ("serve", "billctl_usage_conflicts_total", "counter"),
    ("serve", "billctl_serve_timeouts_total", "counter"),
    ("serve", "billctl_log_lines_dropped_total", "counter"),
    ("serve", "billctl_serve_open_connections", "gauge"),
    ("serve", "billctl_serve_group_commit_size", "histogram"),
    ("listen", "billctl_webhooks_deliveries_total", "counter"),
    ("listen", "billctl_webhooks_conflicts_total", "counter"),
    ("listen", "billctl_webhooks_refused_total", "counter"),
    ("listen", "billctl_webhooks_signature_failures_total", "counter"),
    ("listen", "billctl_webhooks_applied_total", "counter"),
    ("listen", "billctl_webhooks_refetches_total", "counter"),
    ("listen", "billctl_webhooks_apply_lag_seconds", "histogram"),
    ("listen", "billctl_webhooks_not_stored_total", "counter"),
    ("listen", "billctl_log_lines_dropped_total", "counter"),
    ("listen", "billctl_webhooks_metrics_auth_failures_total", "counter"),
    ("listen", "billctl_webhooks_open_connections", "gauge"),
    ("listen", "billctl_webhooks_group_commit_size", "histogram"),
];

/// (service, refusal reason label): `listen`'s `reason` of `billctl_webhooks_refused_total`,
/// `serve`'s `code` of `billctl_serve_auth_failures_total`.
const REASONS: &[(&str, &str)] = &[
    ("listen", "signature"),
    ("listen", "timestamp"),
    ("listen", "missing_signature"),
    ("listen", "too_large"),
    ("listen", "path"),
    ("listen", "method"),
    ("listen", "malformed"),
    ("serve", "TOKEN_MISSING"),
    ("serve", "TOKEN_MALFORMED"),
    ("serve", "TOKEN_UNKNOWN"),
    ("serve", "TOKEN_REVOKED"),
    ("serve", "TOKEN_SCOPE"),
];

fn table(service: &str) -> Vec<(&'static str, &'static str)> {
    let mut t: Vec<_> =
        METRICS.iter().filter(|(s, _, _)| *s == service).map(|(_, n, k)| (*n, *k)).collect();
    t.sort();
    t
}

/// Every metric each service exposes is a row, and every row is exposed under that name and
/// type (a metric added, renamed or retyped fails here); every refusal reason is a row; and
/// the README lists each name and each reason.
#[test]
fn every_metric_and_refusal_reason_is_in_the_table_and_the_readme() {
    let serve = Metrics::default();
    let listen = ListenMetrics::new();
    for (service, scrape, text) in
        [("serve", serve.scrape(), serve.render()), ("listen", listen.scrape(), listen.render())]
    {
        let mut names = scrape.names();
        names.sort();
        assert_eq!(names, table(service), "{service}'s metrics against the table");
        for (name, kind) in table(service) {
            let line = format!("# TYPE {name} {kind}\n");
            assert!(text.contains(&line), "{service} writes {line:?}:\n{text}");
        }
    }
    let mut reasons: Vec<(&str, &str)> = Refused::ALL
        .iter()
        .map(|r| ("listen", r.as_str()))
        .chain(Refusal::ALL.iter().map(|r| ("serve", billctl::api::error::refusal(*r).1.as_str())))
        .collect();
    reasons.sort();
    let mut want = REASONS.to_vec();
    want.sort();
    assert_eq!(reasons, want, "refusal reasons against the table");

    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let undocumented: Vec<&str> = METRICS
        .iter()
        .map(|(_, n, _)| *n)
        .chain(REASONS.iter().map(|(_, r)| *r))
        .filter(|n| !readme.contains(&format!("`{n}`")))
        .collect();
    assert!(undocumented.is_empty(), "the README's metrics table lacks {undocumented:?}");
}

/// A label value from outside (an event type from a delivery) with a quote, a backslash and
/// a newline is escaped: Prometheus's own Python parser reads the exposition and gets the
/// value back whole, and the other series stay intact.
#[test]
fn hostile_label_values_are_escaped_and_parse_back() {
    let Some(python) = crate::serve::python_with("prometheus_client", "BILLCTL_REQUIRE_FASTAPI")
    else {
        return;
    };
    let hostile = "evil\"} 99\nbillctl_webhooks_not_stored_total 7\\";
    let m = ListenMetrics::new();
    m.delivery("stored", Some(hostile), None);
    m.delivery("rejected", None, Some(Refused::Signature));
    let text = m.render();
    let script = "import sys, json\nfrom prometheus_client.parser import text_string_to_metric_families as p\nout = []\nfor f in p(sys.stdin.read()):\n    for s in f.samples:\n        out.append([s.name, s.labels, s.value])\nprint(json.dumps(out))\n";
    let mut parse = std::process::Command::new(&python)
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    parse.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = parse.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "prometheus_client parses:\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let samples: Vec<(String, serde_json::Value, f64)> =
        serde_json::from_slice(&out.stdout).unwrap();
    let value = |name: &str, label: &str, v: &str| {
        samples
            .iter()
            .filter(|(n, l, _)| n == name && (label.is_empty() || l[label] == v))
            .map(|(_, _, x)| *x)
            .collect::<Vec<f64>>()
    };
    assert_eq!(value("billctl_webhooks_deliveries_total", "type", hostile), vec![1.0], "{text}");
    assert_eq!(value("billctl_webhooks_not_stored_total", "", ""), vec![0.0]);
    assert_eq!(value("billctl_webhooks_refused_total", "reason", "signature"), vec![1.0]);
    assert_eq!(value("billctl_webhooks_signature_failures_total", "", ""), vec![1.0]);
}
