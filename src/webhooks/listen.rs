//! `webhooks listen`: an HTTP/1.1 receiver for Stripe webhook deliveries.
//!
//! Each request is checked (path, method, size, `Stripe-Signature`, event envelope) and then
//! handed to one writer thread, which stores whole groups of concurrent deliveries in one
//! transaction (group commit: one fsync for many deliveries) and answers each only after its
//! group is durable. Rejected requests are recorded too, with the reason, before the 4xx goes
//! out. After answering, the writer applies the newly stored events to the local state and
//! records each outcome, so a slow apply never delays Stripe's acknowledgement.

use crate::clock::now_ms;
use crate::store::webhooks::{Envelope, EventStore, Incoming, Outcome, Receipt};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming as Body;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// How `listen` checks requests.
#[derive(Debug, Clone)]
pub struct Settings {
    pub path: String,
    pub secrets: Vec<String>,
    pub tolerance: i64,
    pub max_body: usize,
    /// Refused requests kept at most (the oldest go first).
    pub max_rejected: u64,
    /// Refused requests are kept this long at most (milliseconds).
    pub rejected_retention_ms: i64,
    pub limits: Limits,
}

/// Time and connection limits of the receiver.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Connections at once; past it, new ones get 503.
    pub max_connections: usize,
    /// To read a request's headers.
    pub header: Duration,
    /// To read a request's body.
    pub body: Duration,
    /// For a whole request, answer included.
    pub request: Duration,
    /// A keep-alive connection without a request is closed after this.
    pub idle: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: 1024,
            header: Duration::from_secs(10),
            body: Duration::from_secs(30),
            request: Duration::from_secs(60),
            idle: Duration::from_secs(60),
        }
    }
}

/// Headers never stored (a proxy in front may add credentials).
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

/// What the writer reports for each request.
#[derive(Debug, Clone, Serialize)]
pub struct Logged {
    pub received_at_ms: i64,
    pub http_status: u16,
    /// stored | duplicate | rejected
    pub outcome: &'static str,
    pub event_id: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub reason: Option<String>,
    /// applied | ignored | failed, once applied
    pub applied: Option<Outcome>,
}

/// Counters for the summary.
#[derive(Debug, Default)]
pub struct Stats {
    pub stored: AtomicU64,
    pub duplicates: AtomicU64,
    pub rejected: AtomicU64,
    pub failed_to_store: AtomicU64,
}

struct Job {
    incoming: Option<Incoming>,
    receipt: Receipt,
    reply: oneshot::Sender<Result<bool, String>>,
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
        let applier = std::thread::spawn(move || -> anyhow::Result<()> {
            while let Ok(mut fresh) = apply_rx.recv() {
                fresh.sort_by_key(|(i, _)| i.envelope.created);
                let mut outcomes = Vec::with_capacity(fresh.len());
                for (i, mut line) in fresh {
                    let o = apply(&i.envelope, &i.body);
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
                if refused || groups % 1024 == 0 {
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
    for j in jobs {
        incoming.extend(j.incoming);
        receipts.push(j.receipt);
        replies.push(j.reply);
    }
    let fresh = match events.store(&incoming, &mut receipts) {
        Ok(fresh) => fresh,
        Err(e) => {
            let msg = format!("{e:#}");
            for reply in replies {
                stats.failed_to_store.fetch_add(1, Ordering::Relaxed);
                let _ = reply.send(Err(msg.clone()));
            }
            return Ok(Vec::new());
        }
    };
    // Accepted requests brought the events, in order; rejected ones brought none.
    let mut accepted = incoming.into_iter().zip(fresh);
    let mut fresh_events = Vec::new();
    for (r, reply) in receipts.iter().zip(replies) {
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
            stats.rejected.fetch_add(1, Ordering::Relaxed);
            log(&line);
            let _ = reply.send(Ok(false));
            continue;
        }
        let Some((i, is_new)) = accepted.next() else {
            anyhow::bail!("an accepted request without its event");
        };
        line.kind = Some(i.envelope.kind.clone());
        if is_new {
            stats.stored.fetch_add(1, Ordering::Relaxed);
            fresh_events.push((i, line));
        } else {
            stats.duplicates.fetch_add(1, Ordering::Relaxed);
            log(&line);
        }
        let _ = reply.send(Ok(is_new));
    }
    Ok(fresh_events)
}

/// Serves until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    settings: Arc<Settings>,
    writer: &Writer,
    shutdown: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    let mut conns = tokio::task::JoinSet::new();
    // Tells every connection to finish its request in flight and close.
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let slots = Arc::new(tokio::sync::Semaphore::new(settings.limits.max_connections));
    let mut backoff = Duration::from_millis(10);
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            () = &mut shutdown => break,
        };
        let stream = match accepted {
            Ok((stream, peer)) => (stream, peer),
            Err(_) => {
                // Out of file descriptors (or another accept error): back off instead of
                // spinning, up to a second, so connections in flight can finish.
                tokio::select! {
                    () = tokio::time::sleep(backoff) => {}
                    () = &mut shutdown => break,
                }
                backoff = (backoff * 2).min(Duration::from_secs(1));
                continue;
            }
        };
        backoff = Duration::from_millis(10);
        let (stream, peer) = stream;
        let _ = stream.set_nodelay(true);
        let Ok(permit) = slots.clone().try_acquire_owned() else {
            // Over --max-connections: a short 503 and close, without reading the request.
            conns.spawn(refuse_busy(stream));
            continue;
        };
        let settings = settings.clone();
        let tx = writer.tx.clone();
        let stop = stop_rx.clone();
        conns.spawn(async move {
            serve_connection(stream, peer, settings, tx, stop).await;
            drop(permit);
        });
        // Reap finished connections so the set does not grow without bound.
        while conns.try_join_next().is_some() {}
    }
    // Requests in flight are answered; a connection that does not finish within the drain
    // time is dropped. Either way every task (and its handle on the writer) is gone after.
    let _ = stop_tx.send(true);
    let drained =
        tokio::time::timeout(DRAIN, async { while conns.join_next().await.is_some() {} }).await;
    if drained.is_err() {
        conns.shutdown().await;
    }
}

/// Answers 503 to a connection over the limit and closes it.
async fn refuse_busy(mut stream: tokio::net::TcpStream) {
    use tokio::io::AsyncWriteExt;
    let body = "{\"error\":\"too many connections; retry later\"}";
    let resp = format!(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: {}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = tokio::time::timeout(Duration::from_secs(1), stream.write_all(resp.as_bytes())).await;
    let _ = stream.shutdown().await;
}

/// One connection: requests one after another (keep-alive), headers read within the header
/// timeout, each request within the request timeout, and closed after the idle timeout
/// without a request in flight.
async fn serve_connection(
    stream: tokio::net::TcpStream,
    peer: std::net::SocketAddr,
    settings: Arc<Settings>,
    tx: mpsc::Sender<Job>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let limits = settings.limits;
    let (touch_tx, mut touch_rx) = tokio::sync::watch::channel(tokio::time::Instant::now());
    let busy = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (svc_busy, svc_touch) = (busy.clone(), Arc::new(touch_tx));
    let service = hyper::service::service_fn(move |req| {
        let (settings, tx, busy, touch) = (
            settings.clone(),
            tx.clone(),
            svc_busy.clone(),
            svc_touch.clone(),
        );
        async move {
            busy.fetch_add(1, Ordering::SeqCst);
            let _ = touch.send(tokio::time::Instant::now());
            let answer =
                tokio::time::timeout(limits.request, handle(req, peer, &settings, &tx)).await;
            busy.fetch_sub(1, Ordering::SeqCst);
            let _ = touch.send(tokio::time::Instant::now());
            Ok::<_, std::convert::Infallible>(answer.unwrap_or_else(|_| {
                answer_status(StatusCode::REQUEST_TIMEOUT, "the request took too long")
            }))
        }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(limits.header)
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    loop {
        let idle_until = *touch_rx.borrow() + limits.idle;
        tokio::select! {
            _ = conn.as_mut() => return,
            _ = stop.changed() => break,
            _ = touch_rx.changed() => continue,
            () = tokio::time::sleep_until(idle_until) => {
                if busy.load(Ordering::SeqCst) == 0 {
                    break;
                }
            }
        }
    }
    // Shutting down (or idle): answer the request in flight, then close.
    conn.as_mut().graceful_shutdown();
    let _ = tokio::time::timeout(DRAIN, conn).await;
}

fn answer_status(status: StatusCode, message: &str) -> Response<Full<Bytes>> {
    answer(status, serde_json::json!({ "error": message }))
}

/// How long a stopping receiver waits for requests in flight.
const DRAIN: std::time::Duration = std::time::Duration::from_secs(10);

fn answer(status: StatusCode, body: serde_json::Value) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(body.to_string())));
    *r.status_mut() = status;
    r.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    r
}

/// The request's metadata as kept with its receipt: `:peer` and `:path`, and the
/// allow-listed headers.
fn headers_json(req: &Request<Body>, peer: std::net::SocketAddr) -> String {
    let mut map = serde_json::Map::new();
    map.insert(":peer".into(), serde_json::Value::String(peer.to_string()));
    let path: String = req.uri().path().chars().take(MAX_HEADER_VALUE).collect();
    map.insert(":path".into(), serde_json::Value::String(path));
    for (name, value) in req.headers() {
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

async fn handle(
    req: Request<Body>,
    peer: std::net::SocketAddr,
    settings: &Settings,
    tx: &mpsc::Sender<Job>,
) -> Response<Full<Bytes>> {
    let received_at_ms = now_ms();
    let headers = headers_json(&req, peer);
    // Every request is recorded, as the help says: a wrong path or method too.
    let refused = if req.uri().path() != settings.path {
        Some((
            StatusCode::NOT_FOUND,
            format!("not found; deliveries go to {}", settings.path),
        ))
    } else if req.method() != hyper::Method::POST {
        Some((
            StatusCode::METHOD_NOT_ALLOWED,
            format!(
                "{} is not allowed: webhook deliveries are POSTs",
                req.method()
            ),
        ))
    } else {
        None
    };
    if let Some((status, reason)) = refused {
        let receipt = Receipt {
            received_at_ms,
            event_id: None,
            http_status: status.as_u16(),
            outcome: "rejected",
            reason: Some(reason),
            headers,
            body: None,
        };
        return record(tx, None, receipt).await;
    }
    let signature = req
        .headers()
        .get("stripe-signature")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default();
    let declared = req
        .headers()
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let reject = |status: StatusCode,
                  reason: String,
                  event_id: Option<String>,
                  body: Option<Vec<u8>>| Receipt {
        received_at_ms,
        event_id,
        http_status: status.as_u16(),
        outcome: "rejected",
        reason: Some(reason),
        headers: headers.clone(),
        body,
    };
    let too_large = |n: String| {
        format!(
            "body too large: {n} bytes, over the {} byte limit (--max-body)",
            settings.max_body
        )
    };
    if let Some(n) = declared.filter(|n| *n > settings.max_body as u64) {
        let r = reject(
            StatusCode::PAYLOAD_TOO_LARGE,
            too_large(n.to_string()),
            None,
            None,
        );
        return record(tx, None, r).await;
    }
    let read = tokio::time::timeout(
        settings.limits.body,
        Limited::new(req.into_body(), settings.max_body).collect(),
    )
    .await;
    let Ok(read) = read else {
        let reason = format!(
            "the body took over {} s to arrive",
            settings.limits.body.as_secs()
        );
        return record(
            tx,
            None,
            reject(StatusCode::REQUEST_TIMEOUT, reason, None, None),
        )
        .await;
    };
    let body = match read {
        Ok(b) => b.to_bytes(),
        Err(e) => {
            let (status, reason) = if e.is::<http_body_util::LengthLimitError>() {
                (
                    StatusCode::PAYLOAD_TOO_LARGE,
                    too_large("more than that".into()),
                )
            } else {
                (
                    StatusCode::BAD_REQUEST,
                    format!("failed to read the body: {e}"),
                )
            };
            return record(tx, None, reject(status, reason, None, None)).await;
        }
    };
    if let Err(e) = super::verify(
        &signature,
        &body,
        &settings.secrets,
        received_at_ms / 1000,
        settings.tolerance,
    ) {
        // Unverified: never parsed, its body never kept; only its length and digest.
        let digest = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&body));
        let reason = format!("{e} (body {} bytes, sha256 {digest})", body.len());
        let r = reject(StatusCode::BAD_REQUEST, reason, None, None);
        return record(tx, None, r).await;
    }
    let envelope = match Envelope::parse(&body) {
        Ok(e) => e,
        Err(why) => {
            let r = reject(StatusCode::BAD_REQUEST, why, None, Some(body.to_vec()));
            return record(tx, None, r).await;
        }
    };
    let receipt = Receipt {
        received_at_ms,
        event_id: Some(envelope.id.clone()),
        http_status: 200,
        outcome: "stored",
        reason: None,
        headers,
        body: None,
    };
    let incoming = Incoming {
        envelope,
        body: body.to_vec(),
        source: "listen",
    };
    record(tx, Some(incoming), receipt).await
}

/// Hands a request to the writer and answers once it is durable.
async fn record(
    tx: &mpsc::Sender<Job>,
    incoming: Option<Incoming>,
    receipt: Receipt,
) -> Response<Full<Bytes>> {
    let status = StatusCode::from_u16(receipt.http_status).unwrap_or(StatusCode::BAD_REQUEST);
    let reason = receipt.reason.clone();
    let (reply, rx) = oneshot::channel();
    let id = incoming.as_ref().map(|i| i.envelope.id.clone());
    if tx
        .send(Job {
            incoming,
            receipt,
            reply,
        })
        .is_err()
    {
        return answer(
            StatusCode::SERVICE_UNAVAILABLE,
            serde_json::json!({"error": "shutting down"}),
        );
    }
    match rx.await {
        Ok(Ok(fresh)) if status.is_success() => answer(
            StatusCode::OK,
            serde_json::json!({"received": true, "id": id, "duplicate": !fresh}),
        ),
        Ok(Ok(_)) => answer(status, serde_json::json!({"error": reason})),
        // Not stored: a 5xx makes Stripe retry later.
        Ok(Err(e)) => answer(
            StatusCode::SERVICE_UNAVAILABLE,
            serde_json::json!({"error": format!("failed to store the event: {e}")}),
        ),
        Err(_) => answer(
            StatusCode::SERVICE_UNAVAILABLE,
            serde_json::json!({"error": "the store writer stopped"}),
        ),
    }
}
