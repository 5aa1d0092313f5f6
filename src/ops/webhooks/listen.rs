//! `webhooks listen`'s workflow: one writer thread stores whole groups of concurrent
//! deliveries in one transaction (group commit: one fsync for many deliveries) and tells each
//! its outcome only once its group is durable; rejected requests are recorded too, with the
//! reason. After answering, the writer applies the newly stored events to the local state and
//! records each outcome, so a slow apply never delays Stripe's acknowledgement. The HTTP
//! receiver that checks each delivery and answers is `api/listen.rs`.

use crate::adapters::store::webhooks::{Envelope, EventStore, Fate, Incoming, Outcome, Receipt};
use crate::domain::clock::now_ms;
use crate::domain::webhooks::SignatureError;
use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use tokio::sync::oneshot;

/// Why a request to the receiver was refused: the `reason` label of
/// `billctl_webhooks_refused_total`, decided where the request is refused (never read back
/// from an error message).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Refused {
    /// A v1 signature, but none matches the body under any secret (or only other schemes).
    Signature,
    /// Signed outside the tolerance: a replay, or a clock off.
    Timestamp,
    /// No `Stripe-Signature` header, or one that cannot be parsed.
    MissingSignature,
    /// A body over `--max-body`.
    TooLarge,
    /// Not the receiver's path.
    Path,
    /// Not a POST.
    Method,
    /// A body that could not be read, or is not an event.
    Malformed,
}

impl Refused {
    pub const ALL: [Refused; 7] = [
        Refused::Signature,
        Refused::Timestamp,
        Refused::MissingSignature,
        Refused::TooLarge,
        Refused::Path,
        Refused::Method,
        Refused::Malformed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Refused::Signature => "signature",
            Refused::Timestamp => "timestamp",
            Refused::MissingSignature => "missing_signature",
            Refused::TooLarge => "too_large",
            Refused::Path => "path",
            Refused::Method => "method",
            Refused::Malformed => "malformed",
        }
    }

    /// Whether it counts in `billctl_webhooks_signature_failures_total`.
    pub fn is_signature(self) -> bool {
        matches!(
            self,
            Refused::Signature | Refused::Timestamp | Refused::MissingSignature
        )
    }
}

impl From<&SignatureError> for Refused {
    fn from(e: &SignatureError) -> Refused {
        match e {
            SignatureError::NoV1 | SignatureError::NoMatch => Refused::Signature,
            SignatureError::Stale { .. } => Refused::Timestamp,
            SignatureError::NoHeader | SignatureError::Malformed(_) => Refused::MissingSignature,
        }
    }
}

/// What the writer counts, for the metrics (the receiver's `/metrics` shows them).
pub trait Observe: Send + Sync {
    /// A delivery's outcome (`stored`, `duplicate`, `conflict`, `rejected` and why).
    fn delivery(&self, outcome: &'static str, kind: Option<&str>, refused: Option<Refused>);
    /// An event applied, `lag` seconds after it was received.
    fn applied(&self, outcome: &'static str, lag: f64);
    /// One event id delivered with another body.
    fn conflict(&self, reason: &'static str, replaced: bool);
    /// A group of `n` deliveries stored in one transaction.
    fn group(&self, n: usize);
    /// `n` deliveries the store failed to keep.
    fn not_stored(&self, n: u64);
}

/// Most deliveries stored in one transaction.
const GROUP: usize = 512;

/// The first line of `listen`'s stream: where it receives (and, in JSON, the config it runs on).
#[derive(Debug, Serialize)]
pub struct Listening {
    pub listening: String,
    pub config: crate::domain::config::ConfigSource,
}

/// What the writer reports for each request.
#[derive(Debug, Clone, Serialize)]
pub struct Logged {
    pub received_at_ms: i64,
    pub http_status: u16,
    /// stored | duplicate | conflict | rejected
    pub outcome: &'static str,
    pub event_id: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub reason: Option<String>,
    /// applied | ignored | failed, once applied
    pub applied: Option<Outcome>,
}

/// Counters for the summary, and the metrics `/metrics` shows.
pub struct Stats {
    pub stored: AtomicU64,
    pub duplicates: AtomicU64,
    /// Deliveries of an id already stored with another body.
    pub conflicts: AtomicU64,
    pub rejected: AtomicU64,
    pub failed_to_store: AtomicU64,
    /// Where the counts of the metrics go.
    pub metrics: Arc<dyn Observe>,
}

impl Stats {
    /// Counters at zero, reporting to `metrics`.
    pub fn new(metrics: Arc<dyn Observe>) -> Self {
        Stats {
            stored: AtomicU64::new(0),
            duplicates: AtomicU64::new(0),
            conflicts: AtomicU64::new(0),
            rejected: AtomicU64::new(0),
            failed_to_store: AtomicU64::new(0),
            metrics,
        }
    }
}

impl Stats {
    /// The line `listen` ends with.
    pub fn summary(&self) -> String {
        format!(
            "stopped: {} stored, {}, {}, {} rejected, {} not stored (answered 503)",
            self.stored.load(Ordering::Relaxed),
            crate::util::plural::count(
                self.duplicates.load(Ordering::Relaxed),
                "duplicate",
                "duplicates"
            ),
            crate::util::plural::count(
                self.conflicts.load(Ordering::Relaxed),
                "conflict",
                "conflicts"
            ),
            self.rejected.load(Ordering::Relaxed),
            self.failed_to_store.load(Ordering::Relaxed)
        )
    }
}

/// Where a request's outcome goes once durable, and why it was refused (if it was).
type Reply = (
    oneshot::Sender<Result<&'static str, String>>,
    Option<Refused>,
);

struct Job {
    incoming: Option<Incoming>,
    receipt: Receipt,
    /// Why it was refused, for the metrics (with `receipt.outcome` `rejected`).
    refused: Option<Refused>,
    /// The outcome once durable (`stored`, `duplicate`, `conflict`, `rejected`), or why not.
    reply: oneshot::Sender<Result<&'static str, String>>,
}

/// What a delivery came to once the writer is done with it: its outcome once durable
/// (`stored`, `duplicate`, `conflict`, `rejected`), or why it was not stored.
pub type Durable = Result<&'static str, String>;

/// Where the receiver hands deliveries to the writer.
#[derive(Clone)]
pub struct Inbox(mpsc::Sender<Job>);

impl Inbox {
    /// Hands a delivery (the event, or why it was refused) with its receipt to the writer, and
    /// waits until it is durable; `None` once the writer has stopped.
    pub async fn hand(
        &self,
        incoming: Result<Incoming, Refused>,
        receipt: Receipt,
    ) -> Option<Durable> {
        let (reply, rx) = oneshot::channel();
        let (incoming, refused) = match incoming {
            Ok(i) => (Some(i), None),
            Err(why) => (None, Some(why)),
        };
        let job = Job {
            incoming,
            receipt,
            refused,
            reply,
        };
        self.0.send(job).ok()?;
        rx.await.ok()
    }
}

/// The writer side: the webhook store plus what to do with each newly stored event.
pub struct Writer {
    tx: mpsc::Sender<Job>,
    handle: std::thread::JoinHandle<anyhow::Result<()>>,
}

impl Writer {
    /// Starts the writer thread, which stores each group of requests and answers them once
    /// committed, and the applier thread, which applies the newly stored events in order of
    /// `created` (on a connection of its own, so a slow apply never holds up an answer).
    /// `log` gets one line per request (an accepted new event's line once it is applied).
    pub fn start(
        mut events: EventStore,
        mut apply: impl FnMut(&Envelope, &[u8]) -> Outcome + Send + 'static,
        log: impl Fn(&Logged) + Send + Sync + 'static,
        stats: Arc<Stats>,
        retention: (u64, i64),
    ) -> anyhow::Result<Writer> {
        let mut applied_store = EventStore::open_at(events.location())?;
        let log = Arc::new(log);
        let (apply_tx, apply_rx) = mpsc::channel::<Vec<(Incoming, Logged)>>();
        let apply_log = log.clone();
        let apply_stats = stats.clone();
        let applier = std::thread::spawn(move || -> anyhow::Result<()> {
            while let Ok(mut fresh) = apply_rx.recv() {
                fresh.sort_by_key(|(i, _)| i.envelope.created);
                let mut outcomes = Vec::with_capacity(fresh.len());
                for (i, mut line) in fresh {
                    let o = apply(&i.envelope, &i.body);
                    let lag = now_ms().saturating_sub(line.received_at_ms) as f64 / 1000.0;
                    apply_stats.metrics.applied(o.status(), lag);
                    line.applied = Some(o.clone());
                    apply_log(&line);
                    outcomes.push((i.envelope.id, o));
                }
                applied_store.set_outcomes(&outcomes)?;
            }
            Ok(())
        });
        let (tx, rx) = mpsc::channel::<Job>();
        let handle = std::thread::spawn(move || -> anyhow::Result<()> {
            let mut groups: u64 = 0;
            while let Ok(first) = rx.recv() {
                let mut jobs = vec![first];
                while jobs.len() < GROUP {
                    match rx.try_recv() {
                        Ok(j) => jobs.push(j),
                        Err(_) => break,
                    }
                }
                let refused = jobs.iter().any(|j| j.receipt.outcome == "rejected");
                let fresh = store_group(&mut events, jobs, &*log, &stats)?;
                if !fresh.is_empty() && apply_tx.send(fresh).is_err() {
                    anyhow::bail!("the webhook applier stopped");
                }
                // Refused receipts are pruned when new ones arrive (by count), and at least
                // every 1,024 groups (by age).
                groups = groups.wrapping_add(1);
                if refused || groups.is_multiple_of(1024) {
                    let _ = events.prune_rejected(retention.0, retention.1, now_ms());
                }
            }
            drop(apply_tx);
            applier
                .join()
                .map_err(|_| anyhow::anyhow!("the webhook applier thread panicked"))?
        });
        Ok(Writer { tx, handle })
    }

    /// Where the receiver hands its deliveries.
    pub fn inbox(&self) -> Inbox {
        Inbox(self.tx.clone())
    }

    /// Waits until every request handed over is stored and applied.
    pub fn finish(self) -> anyhow::Result<()> {
        drop(self.tx);
        self.handle
            .join()
            .map_err(|_| anyhow::anyhow!("the webhook writer thread panicked"))?
    }
}

/// Stores one group of requests in one transaction, answers each, and returns the newly
/// stored events with their log lines (to apply).
fn store_group(
    events: &mut EventStore,
    jobs: Vec<Job>,
    log: &dyn Fn(&Logged),
    stats: &Stats,
) -> anyhow::Result<Vec<(Incoming, Logged)>> {
    let mut incoming = Vec::new();
    let mut receipts = Vec::with_capacity(jobs.len());
    let mut replies = Vec::with_capacity(jobs.len());
    stats.metrics.group(jobs.len());
    for j in jobs {
        incoming.extend(j.incoming);
        receipts.push(j.receipt);
        replies.push((j.reply, j.refused));
    }
    let fates = match events.store(&incoming, &mut receipts) {
        Ok(fates) => fates,
        Err(e) => {
            let msg = format!("{e:#}");
            stats.metrics.not_stored(replies.len() as u64);
            for (reply, _) in replies {
                stats.failed_to_store.fetch_add(1, Ordering::Relaxed);
                let _ = reply.send(Err(msg.clone()));
            }
            return Ok(Vec::new());
        }
    };
    answer_group(receipts, replies, incoming, fates, log, stats)
}

/// Answers each request of a stored group and counts it; returns the events to apply (new
/// ones, and signed copies that replaced an unverified body) with their log lines.
fn answer_group(
    receipts: Vec<Receipt>,
    replies: Vec<Reply>,
    incoming: Vec<Incoming>,
    fates: Vec<Fate>,
    log: &dyn Fn(&Logged),
    stats: &Stats,
) -> anyhow::Result<Vec<(Incoming, Logged)>> {
    // Accepted requests brought the events, in order; rejected ones brought none.
    let mut accepted = incoming.into_iter().zip(fates);
    let mut fresh_events = Vec::new();
    for (r, (reply, refused)) in receipts.iter().zip(replies) {
        let mut line = Logged {
            received_at_ms: r.received_at_ms,
            http_status: r.http_status,
            outcome: r.outcome,
            event_id: r.event_id.clone(),
            kind: None,
            reason: r.reason.clone(),
            applied: None,
        };
        if r.outcome == "rejected" {
            let why = refused.unwrap_or(Refused::Malformed);
            stats.metrics.delivery("rejected", None, Some(why));
            stats.rejected.fetch_add(1, Ordering::Relaxed);
            log(&line);
            let _ = reply.send(Ok("rejected"));
            continue;
        }
        let Some((i, fate)) = accepted.next() else {
            anyhow::bail!("an accepted request without its event");
        };
        line.kind = Some(i.envelope.kind.clone());
        line.outcome = fate.receipt_outcome();
        stats
            .metrics
            .delivery(line.outcome, line.kind.as_deref(), None);
        match &fate {
            Fate::New => stats.stored.fetch_add(1, Ordering::Relaxed),
            Fate::Duplicate => stats.duplicates.fetch_add(1, Ordering::Relaxed),
            Fate::Conflict(c) => {
                stats.metrics.conflict(c.reason, c.replaced);
                line.reason = Some(conflict_note(&i, c));
                stats.conflicts.fetch_add(1, Ordering::Relaxed)
            }
        };
        let outcome = line.outcome;
        if fate.to_apply() {
            fresh_events.push((i, line));
        } else {
            log(&line);
        }
        let _ = reply.send(Ok(outcome));
    }
    Ok(fresh_events)
}

/// What the log says of a conflicting delivery.
fn conflict_note(i: &Incoming, c: &crate::adapters::store::webhooks::Clash) -> String {
    let what = if c.replaced {
        "this signed copy replaced it (to be applied); the earlier body is kept apart"
    } else {
        "this body is kept apart, the stored event stays"
    };
    format!(
        "conflict: {} is stored with another body ({} from {}, this one {}): {what}; see 'webhooks list --status conflict'",
        i.envelope.id, c.stored_type, c.stored_source, i.envelope.kind
    )
}
