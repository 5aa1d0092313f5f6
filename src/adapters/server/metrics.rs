//! Prometheus exposition shared by the services on the server core (`serve`, `webhooks
//! listen`): histograms kept in atomics on the request path, and a [`Scrape`] of their values
//! written in the text format (0.0.4) by the official client, `prometheus-client`, which
//! escapes help texts and label values.

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, NoLabelSet};
use prometheus_client::metrics::MetricType;
use prometheus_client::registry::Registry;
use std::sync::atomic::{AtomicU64, Ordering};

/// The `Content-Type` of the exposition.
pub const CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

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

    /// Its buckets (upper bound, count in that bucket alone), sum and count, as now.
    fn values(&self, bounds: &[f64]) -> Value {
        let buckets = bounds
            .iter()
            .copied()
            .chain(std::iter::once(f64::INFINITY))
            .zip(&self.counts)
            .map(|(le, n)| (le, n.load(Ordering::Relaxed)))
            .collect();
        Value::Histogram {
            sum: self.sum.load(Ordering::Relaxed) as f64 / 1e6,
            count: self.count.load(Ordering::Relaxed),
            buckets,
        }
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

/// Label names and values of one series.
pub type Labels = Vec<(&'static str, String)>;

/// One series' value.
#[derive(Debug)]
enum Value {
    Counter(u64),
    Gauge(u64),
    Histogram {
        sum: f64,
        count: u64,
        buckets: Vec<(f64, u64)>,
    },
}

/// One metric: its name as exposed, help, type and series.
#[derive(Debug)]
struct Family {
    name: &'static str,
    help: &'static str,
    kind: MetricType,
    series: Vec<(Labels, Value)>,
}

/// The values of one scrape, read from the atomics off the request path, then written by
/// `prometheus-client`.
#[derive(Debug, Default)]
pub struct Scrape {
    families: Vec<Family>,
}

impl Scrape {
    /// A counter without labels. `name` is the name exposed, `_total` included.
    pub fn counter(&mut self, name: &'static str, help: &'static str, value: u64) {
        self.counters(name, help, [(Labels::new(), value)]);
    }

    /// A counter with one series per label set (none is fine: HELP and TYPE only).
    pub fn counters(
        &mut self,
        name: &'static str,
        help: &'static str,
        series: impl IntoIterator<Item = (Labels, u64)>,
    ) {
        let series = series.into_iter().map(|(l, n)| (l, Value::Counter(n)));
        self.push(name, help, MetricType::Counter, series.collect());
    }

    pub fn gauge(&mut self, name: &'static str, help: &'static str, value: u64) {
        let series = vec![(Labels::new(), Value::Gauge(value))];
        self.push(name, help, MetricType::Gauge, series);
    }

    /// A histogram with one series per label set, each with the same `bounds`.
    pub fn histograms<'a>(
        &mut self,
        name: &'static str,
        help: &'static str,
        bounds: &[f64],
        series: impl IntoIterator<Item = (Labels, &'a Histogram)>,
    ) {
        let series = series.into_iter().map(|(l, h)| (l, h.values(bounds)));
        self.push(name, help, MetricType::Histogram, series.collect());
    }

    fn push(
        &mut self,
        name: &'static str,
        help: &'static str,
        kind: MetricType,
        series: Vec<(Labels, Value)>,
    ) {
        self.families.push(Family {
            name,
            help,
            kind,
            series,
        });
    }

    /// The exposition, in the Prometheus text format (0.0.4).
    pub fn render(self) -> String {
        let mut registry = Registry::default();
        registry.register_collector(Box::new(self));
        let mut out = String::with_capacity(8192);
        // Writing to a String cannot fail, and every value here is encodable.
        let _ = prometheus_client::encoding::prometheus_text::encode(&mut out, &registry);
        out
    }

    /// The metric names and types exposed, in order (for the tests that pin them).
    pub fn names(&self) -> Vec<(&'static str, &'static str)> {
        let kind = |k: &MetricType| match k {
            MetricType::Counter => "counter",
            MetricType::Gauge => "gauge",
            MetricType::Histogram => "histogram",
            _ => "other",
        };
        self.families
            .iter()
            .map(|f| (f.name, kind(&f.kind)))
            .collect()
    }
}

impl Collector for Scrape {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        for f in &self.families {
            // The client adds `_total` to a counter's name itself.
            let name = match f.kind {
                MetricType::Counter => f.name.strip_suffix("_total").unwrap_or(f.name),
                _ => f.name,
            };
            let mut metric = encoder.encode_descriptor(name, f.help, None, f.kind)?;
            for (labels, value) in &f.series {
                let mut series = metric.encode_family(labels)?;
                match value {
                    Value::Counter(n) => series.encode_counter::<NoLabelSet, _, u64>(n, None)?,
                    Value::Gauge(n) => series.encode_gauge(n)?,
                    Value::Histogram {
                        sum,
                        count,
                        buckets,
                    } => series.encode_histogram::<NoLabelSet>(*sum, *count, buckets, None)?,
                }
            }
        }
        Ok(())
    }
}
