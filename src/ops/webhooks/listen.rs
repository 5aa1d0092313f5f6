//! `webhooks listen`: a route on the server core (`server/`) that receives Stripe webhook
//! deliveries.
//!
//! Each request is checked (path, method, size, `Stripe-Signature`, event envelope) and then
//! handed to one writer thread, which stores whole groups of concurrent deliveries in one
//! transaction (group commit: one fsync for many deliveries) and answers each only after its
//! group is durable. Rejected requests are recorded too, with the reason, before the 4xx goes
//! out. After answering, the writer applies the newly stored events to the local state and
//! records each outcome, so a slow apply never delays Stripe's acknowledgement.

use super::metrics::Refused;
use crate::clock::now_ms;
use crate::ops::lock;
use crate::server::{self, Response};
use crate::store::webhooks::{Envelope, EventStore, Fate, Incoming, Outcome, Receipt};
use hyper::StatusCode;
use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use tokio::sync::oneshot;

/// How `listen` checks requests.
#[derive(Debug, Clone)]
pub struct Settings {
    pub path: String,
    pub secrets: Vec<String>,
    pub tolerance: i64,
    /// Refused requests kept at most (the oldest go first).
    pub max_rejected: u64,
    /// Refused requests are kept this long at most (milliseconds).
    pub rejected_retention_ms: i64,
    /// The server's limits (body size included).
    pub limits: server::Limits,
    /// Log lines dropped by the log's queue, for the metrics.
    pub log_dropped: Option<Arc<std::sync::atomic::AtomicU64>>,
}

/// Headers kept with a receipt (an allow-list: anything else, credentials a proxy may add
/// included, is dropped). `stripe-signature` is kept only as present, never its value.
const KEPT_HEADERS: &[&str] = &[
    "content-type",
    "content-length",
    "user-agent",
    "stripe-signature",
    "x-forwarded-for",
    "x-request-id",
];

/// The longest header value kept (a longer one is cut).
const MAX_HEADER_VALUE: usize = 256;

/// Most deliveries stored in one transaction.
const GROUP: usize = 512;

/// The first line of `listen`'s stream: where it receives (and, in JSON, the config it runs on).
#[derive(Debug, Serialize)]
pub struct Listening {
    pub listening: String,
    pub config: crate::config::ConfigSource,
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
    pub metrics: super::metrics::ListenMetrics,
}

impl Default for Stats {
    fn default() -> Self {
        Stats {
            stored: AtomicU64::new(0),
            duplicates: AtomicU64::new(0),
            conflicts: AtomicU64::new(0),
            rejected: AtomicU64::new(0),
            failed_to_store: AtomicU64::new(0),
            metrics: super::metrics::ListenMetrics::new(),
        }
    }
}

impl Stats {
    /// The line `listen` ends with.
    pub fn summary(&self) -> String {
        format!(
            "stopped: {} stored, {}, {}, {} rejected, {} not stored (answered 503)",
            self.stored.load(Ordering::Relaxed),
            crate::plural::count(
                self.duplicates.load(Ordering::Relaxed),
                "duplicate",
                "duplicates"
            ),
            crate::plural::count(
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
fn conflict_note(i: &Incoming, c: &crate::store::webhooks::Clash) -> String {
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

/// The request's metadata as kept with its receipt: `:peer` and `:path`, and the
/// allow-listed headers.
fn headers_json(req: &server::Request) -> String {
    let mut map = serde_json::Map::new();
    map.insert(
        ":peer".into(),
        serde_json::Value::String(req.peer.to_string()),
    );
    let path: String = req.path.chars().take(MAX_HEADER_VALUE).collect();
    map.insert(":path".into(), serde_json::Value::String(path));
    for (name, value) in &req.headers {
        if !KEPT_HEADERS.contains(&name.as_str()) {
            continue;
        }
        let v = if name == "stripe-signature" {
            "[present]".to_string()
        } else {
            let text = String::from_utf8_lossy(value.as_bytes());
            text.chars().take(MAX_HEADER_VALUE).collect()
        };
        map.insert(name.as_str().to_string(), serde_json::Value::String(v));
    }
    serde_json::Value::Object(map).to_string()
}

/// The route: checks each delivery and hands it to the writer.
pub struct Route {
    settings: Settings,
    tx: mpsc::Sender<Job>,
    metrics: Option<MetricsRoute>,
}

/// `GET <metrics path>`: the metrics, for a service token with the `read` scope (the tokens
/// of `serve tokens issue`, from the same store).
pub struct MetricsRoute {
    pub path: String,
    pub stats: Arc<Stats>,
    pub tokens: Arc<Mutex<crate::ops::serve::tokens::Tokens>>,
    pub store: Arc<Mutex<crate::store::Store>>,
}

impl Route {
    pub fn new(settings: Settings, writer: &Writer, metrics: Option<MetricsRoute>) -> Route {
        Route {
            settings,
            tx: writer.tx.clone(),
            metrics,
        }
    }

    /// Why a request is refused before its signature is checked: wrong path or method, or a
    /// body that could not be read.
    fn refusal(&self, req: &server::Request) -> Option<(StatusCode, Refused, String)> {
        if req.path != self.settings.path {
            return Some((
                StatusCode::NOT_FOUND,
                Refused::Path,
                format!("not found; deliveries go to {}", self.settings.path),
            ));
        }
        if req.method != hyper::Method::POST {
            return Some((
                StatusCode::METHOD_NOT_ALLOWED,
                Refused::Method,
                format!(
                    "{} is not allowed: webhook deliveries are POSTs",
                    req.method
                ),
            ));
        }
        match &req.body {
            Err(r) if r.status == StatusCode::PAYLOAD_TOO_LARGE => Some((
                r.status,
                Refused::TooLarge,
                format!("{} (--max-body)", r.reason),
            )),
            Err(r) => Some((r.status, Refused::Malformed, r.reason.clone())),
            Ok(_) => None,
        }
    }

    /// Checks the signature and the envelope: the receipt to keep, and the event if it is one
    /// or why it was refused.
    fn check(&self, req: &server::Request, body: &[u8]) -> (Receipt, Result<Incoming, Refused>) {
        let signature = req
            .headers
            .get("stripe-signature")
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .unwrap_or_default();
        let s = &self.settings;
        let at = req.received_at_ms;
        if let Some(Unsigned(why)) = req.extensions.get::<Unsigned>() {
            let reason = format!("{why} (body not read)");
            let r = rejected(req, StatusCode::BAD_REQUEST, reason, None);
            return (r, Err(Refused::from(why)));
        }
        if let Err(e) =
            crate::webhooks::verify(&signature, body, &s.secrets, at / 1000, s.tolerance)
        {
            // Unverified: never parsed, its body never kept; only its length and digest.
            let digest = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(body));
            let size = crate::plural::count(body.len(), "byte", "bytes");
            let reason = format!("{e} (body {size}, sha256 {digest})");
            let r = rejected(req, StatusCode::BAD_REQUEST, reason, None);
            return (r, Err(Refused::from(&e)));
        }
        match Envelope::parse(body) {
            Err(why) => (
                rejected(req, StatusCode::BAD_REQUEST, why, Some(body.to_vec())),
                Err(Refused::Malformed),
            ),
            Ok(envelope) => {
                let receipt = Receipt {
                    received_at_ms: at,
                    event_id: Some(envelope.id.clone()),
                    http_status: 200,
                    outcome: "stored",
                    reason: None,
                    headers: headers_json(req),
                    body: None,
                };
                let incoming = Incoming {
                    envelope,
                    body: body.to_vec(),
                    source: "listen",
                };
                (receipt, Ok(incoming))
            }
        }
    }
}

/// Why a delivery's body was not read: its `Stripe-Signature` header could not be that of a
/// delivery now (missing, malformed, or its timestamp outside the tolerance).
#[derive(Clone)]
struct Unsigned(crate::webhooks::SignatureError);

impl server::Handler for Route {
    /// Only a POST to the path with a plausible `Stripe-Signature` (present, well-formed, its
    /// timestamp within the tolerance) has its body read, so callers without one take none of
    /// the body memory budget; the others are recorded from their heads.
    async fn admit(&self, head: &mut server::Head) -> server::Admission {
        if head.path != self.settings.path || head.method != hyper::Method::POST {
            return server::Admission::NoBody;
        }
        let signature = head
            .headers
            .get("stripe-signature")
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .unwrap_or_default();
        let now = head.received_at_ms / 1000;
        match crate::webhooks::precheck(&signature, now, self.settings.tolerance) {
            Ok(()) => server::Admission::Read,
            Err(e) => {
                head.extensions.insert(Unsigned(e));
                server::Admission::NoBody
            }
        }
    }

    /// Every request it reads is recorded, as the help says: a wrong path or method too.
    async fn handle(&self, req: server::Request) -> Response {
        if let Some(m) = self.metrics.as_ref().filter(|m| m.path == req.path) {
            return server::logged(m.answer(&req).await, "metrics", None);
        }
        if let Some((status, why, reason)) = self.refusal(&req) {
            let r = rejected(&req, status, reason, None);
            let r = record(&self.tx, Err(why), r).await;
            let outcome = format!("rejected: {}", why.as_str());
            return server::logged(r, "webhooks", Some(outcome));
        }
        let body = req.body.clone().unwrap_or_default();
        let (receipt, incoming) = self.check(&req, &body);
        let outcome = match &incoming {
            Err(why) => format!("rejected: {}", why.as_str()),
            Ok(i) => format!("received {}", i.envelope.kind),
        };
        let r = record(&self.tx, incoming, receipt).await;
        server::logged(r, "webhooks", Some(outcome))
    }
}

/// The receipt of a refused request.
fn rejected(
    req: &server::Request,
    status: StatusCode,
    reason: String,
    body: Option<Vec<u8>>,
) -> Receipt {
    Receipt {
        received_at_ms: req.received_at_ms,
        event_id: None,
        http_status: status.as_u16(),
        outcome: "rejected",
        reason: Some(reason),
        headers: headers_json(req),
        body,
    }
}

/// Hands a request to the writer and answers once it is durable.
async fn record(
    tx: &mpsc::Sender<Job>,
    incoming: Result<Incoming, Refused>,
    receipt: Receipt,
) -> Response {
    let status = StatusCode::from_u16(receipt.http_status).unwrap_or(StatusCode::BAD_REQUEST);
    let reason = receipt.reason.clone();
    let (reply, rx) = oneshot::channel();
    let id = incoming.as_ref().ok().map(|i| i.envelope.id.clone());
    let (incoming, refused) = match incoming {
        Ok(i) => (Some(i), None),
        Err(why) => (None, Some(why)),
    };
    if tx
        .send(Job {
            incoming,
            receipt,
            refused,
            reply,
        })
        .is_err()
    {
        return server::error(StatusCode::SERVICE_UNAVAILABLE, "shutting down");
    }
    match rx.await {
        // A conflicting body is answered 200 too, once it is durably kept apart: Stripe
        // retries a non-2xx with the same body for up to three days
        // (<https://docs.stripe.com/webhooks#retries>), which can only conflict again, and
        // an endpoint failing for days is disabled, good deliveries and all. The conflict is
        // in the log, the metrics and `webhooks list --status conflict` instead.
        Ok(Ok(outcome)) if status.is_success() => server::json(
            StatusCode::OK,
            &serde_json::json!({"received": true, "id": id, "duplicate": outcome == "duplicate",
                "conflict": outcome == "conflict"}),
        ),
        Ok(Ok(_)) => server::json(status, &serde_json::json!({"error": reason})),
        // Not stored: a 5xx makes Stripe retry later.
        Ok(Err(e)) => {
            let mut r = server::json(
                StatusCode::SERVICE_UNAVAILABLE,
                &serde_json::json!({"error": "failed to store the event; retry later"}),
            );
            // The store's own words name its host or file: the log's, not the caller's.
            r.extensions_mut()
                .insert(server::Detail(format!("failed to store the event: {e}")));
            r
        }
        Err(_) => server::json(
            StatusCode::SERVICE_UNAVAILABLE,
            &serde_json::json!({"error": "the store writer stopped"}),
        ),
    }
}

impl MetricsRoute {
    async fn answer(&self, req: &server::Request) -> Response {
        if req.method != hyper::Method::GET {
            return server::error(StatusCode::METHOD_NOT_ALLOWED, "the metrics take GET");
        }
        let now = std::time::Instant::now();
        if lock(&self.tokens).stale(now) {
            let (tokens, store) = (self.tokens.clone(), self.store.clone());
            let loaded = tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
                let list = lock(&store).tokens()?;
                lock(&tokens).set(list, now);
                Ok(())
            })
            .await;
            if !matches!(loaded, Ok(Ok(()))) {
                return server::error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the store could not be read to check the token",
                );
            }
        }
        let presented = crate::ops::serve::bearer(&req.headers);
        match lock(&self.tokens).check(presented, &[crate::keys::Scope::Read]) {
            Ok(_) => server::body(
                StatusCode::OK,
                crate::server::metrics::CONTENT_TYPE,
                self.stats.metrics.render(),
            ),
            Err(r) => {
                self.stats.metrics.metrics_refused();
                let status = StatusCode::from_u16(r.status()).unwrap_or(StatusCode::UNAUTHORIZED);
                server::json(
                    status,
                    &serde_json::json!({"error": "the metrics need Authorization: Bearer <service token with the read scope>", "code": r.code().as_str()}),
                )
            }
        }
    }
}
