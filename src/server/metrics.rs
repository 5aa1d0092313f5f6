//! Prometheus exposition helpers shared by the services on the server core (`serve`,
//! `webhooks listen`): histograms kept in atomics, and the text format's lines.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

/// Upper bounds of the group-commit size buckets, in calls.
pub const GROUPS: [u64; 11] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

/// A Prometheus histogram kept in atomics.
#[derive(Default)]
pub struct Histogram {
    /// One count per bucket (not cumulative), then the overflow.
    counts: Vec<AtomicU64>,
    /// The sum, in millionths of the unit (microseconds for latencies).
    sum: AtomicU64,
    pub count: AtomicU64,
}

impl Histogram {
    pub fn new(buckets: usize) -> Histogram {
        Histogram {
            counts: (0..=buckets).map(|_| AtomicU64::new(0)).collect(),
            sum: AtomicU64::new(0),
            count: AtomicU64::new(0),
        }
    }

    pub fn observe(&self, bucket: usize, value: f64) {
        self.counts[bucket].fetch_add(1, Ordering::Relaxed);
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum.fetch_add((value * 1e6) as u64, Ordering::Relaxed);
    }

    pub fn write(&self, out: &mut String, name: &str, labels: &str, bounds: &[String]) {
        let mut cumulative = 0u64;
        let sep = if labels.is_empty() { "" } else { "," };
        for (i, le) in bounds
            .iter()
            .chain(std::iter::once(&"+Inf".to_string()))
            .enumerate()
        {
            cumulative += self.counts[i].load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "{name}_bucket{{{labels}{sep}le=\"{le}\"}} {cumulative}"
            );
        }
        let sum = self.sum.load(Ordering::Relaxed) as f64 / 1e6;
        let braces = if labels.is_empty() {
            String::new()
        } else {
            format!("{{{labels}}}")
        };
        let _ = writeln!(out, "{name}_sum{braces} {sum}");
        let _ = writeln!(
            out,
            "{name}_count{braces} {}",
            self.count.load(Ordering::Relaxed)
        );
    }

    /// Observes `value` in the first bucket of `bounds` that holds it (else the overflow).
    pub fn observe_in(&self, bounds: &[f64], value: f64) {
        let bucket = bounds
            .iter()
            .position(|b| value <= *b)
            .unwrap_or(bounds.len());
        self.observe(bucket, value);
    }
}

/// A counter with its HELP and TYPE lines.
pub fn counter(out: &mut String, name: &str, help: &str, value: u64) {
    let _ = writeln!(
        out,
        "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}"
    );
}
