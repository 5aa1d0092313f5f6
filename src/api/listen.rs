//! `webhooks listen`'s receiver: a route on the server core (`server/`) that receives Stripe
//! webhook deliveries.
//!
//! Each request is checked (path, method, size, `Stripe-Signature`, event envelope) and then
//! handed to the writer of [`crate::ops::webhooks::listen`], which stores it with its group and
//! says what it came to once durable; this answers then. Rejected requests are recorded too,
//! with the reason, before the 4xx goes out.

use super::listen_metrics::ListenMetrics;
use crate::adapters::server::{self, Response};
use crate::adapters::store::webhooks::{Envelope, EventStore, Incoming, Receipt};
use crate::adapters::store::Store;
use crate::ops::lock;
use crate::ops::webhooks::listen::{Durable, Inbox, Logged, Refused, Stats, Writer};
use crate::ops::webhooks::ApplySide;
use anyhow::Result;
use hyper::StatusCode;
use std::sync::{Arc, Mutex};

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
    inbox: Inbox,
    metrics: Option<MetricsRoute>,
}

/// `GET <metrics path>`: the metrics, for a service token with the `read` scope (the tokens
/// of `serve tokens issue`, from the same store).
pub struct MetricsRoute {
    pub path: String,
    pub metrics: Arc<ListenMetrics>,
    pub tokens: Arc<Mutex<crate::ops::serve::tokens::Tokens>>,
    pub store: Arc<Mutex<crate::adapters::store::Store>>,
}

impl Route {
    pub fn new(settings: Settings, writer: &Writer, metrics: Option<MetricsRoute>) -> Route {
        Route {
            settings,
            inbox: writer.inbox(),
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
            crate::domain::webhooks::verify(&signature, body, &s.secrets, at / 1000, s.tolerance)
        {
            // Unverified: never parsed, its body never kept; only its length and digest.
            let digest = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(body));
            let size = crate::util::plural::count(body.len(), "byte", "bytes");
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
struct Unsigned(crate::domain::webhooks::SignatureError);

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
        match crate::domain::webhooks::precheck(&signature, now, self.settings.tolerance) {
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
            let r = record(&self.inbox, Err(why), r).await;
            let outcome = format!("rejected: {}", why.as_str());
            return server::logged(r, "webhooks", Some(outcome));
        }
        let body = req.body.clone().unwrap_or_default();
        let (receipt, incoming) = self.check(&req, &body);
        let outcome = match &incoming {
            Err(why) => format!("rejected: {}", why.as_str()),
            Ok(i) => format!("received {}", i.envelope.kind),
        };
        let r = record(&self.inbox, incoming, receipt).await;
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
async fn record(inbox: &Inbox, incoming: Result<Incoming, Refused>, receipt: Receipt) -> Response {
    let status = StatusCode::from_u16(receipt.http_status).unwrap_or(StatusCode::BAD_REQUEST);
    let reason = receipt.reason.clone();
    let id = incoming.as_ref().ok().map(|i| i.envelope.id.clone());
    let durable: Option<Durable> = inbox.hand(incoming, receipt).await;
    match durable {
        // A conflicting body is answered 200 too, once it is durably kept apart: Stripe
        // retries a non-2xx with the same body for up to three days
        // (<https://docs.stripe.com/webhooks#retries>), which can only conflict again, and
        // an endpoint failing for days is disabled, good deliveries and all. The conflict is
        // in the log, the metrics and `webhooks list --status conflict` instead.
        Some(Ok(outcome)) if status.is_success() => server::json(
            StatusCode::OK,
            &serde_json::json!({"received": true, "id": id, "duplicate": outcome == "duplicate",
                "conflict": outcome == "conflict"}),
        ),
        Some(Ok(_)) => server::json(status, &serde_json::json!({"error": reason})),
        // Not stored: a 5xx makes Stripe retry later.
        Some(Err(e)) => {
            let mut r = server::json(
                StatusCode::SERVICE_UNAVAILABLE,
                &serde_json::json!({"error": "failed to store the event; retry later"}),
            );
            // The store's own words name its host or file: the log's, not the caller's.
            r.extensions_mut()
                .insert(server::Detail(format!("failed to store the event: {e}")));
            r
        }
        None => server::json(
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
        let presented = super::serve::bearer(&req.headers);
        match lock(&self.tokens).check(presented, &[crate::domain::keys::Scope::Read]) {
            Ok(_) => server::body(
                StatusCode::OK,
                crate::adapters::server::metrics::CONTENT_TYPE,
                self.metrics.render(),
            ),
            Err(r) => {
                self.metrics.metrics_refused();
                let (status, code) = super::error::refusal(r);
                server::json(
                    status,
                    &serde_json::json!({"error": "the metrics need Authorization: Bearer <service token with the read scope>", "code": code.as_str()}),
                )
            }
        }
    }
}

/// What `webhooks listen` runs with.
pub struct Listen<L> {
    pub listener: std::net::TcpListener,
    pub settings: Settings,
    /// The webhook store, for the writer.
    pub events: EventStore,
    /// What applying an event needs.
    pub side: ApplySide,
    /// Hears of every request.
    pub log: L,
    /// The access log and TLS.
    pub options: server::Options,
    /// `GET <path>` for the metrics, checked against the service tokens of this store.
    pub metrics: Option<(String, Store)>,
}

/// `webhooks listen`: receives on `listener` until `stop` resolves (then lets requests in
/// flight finish), storing each event once and applying it on the writer thread; `log` hears
/// of every request; `options` carry the access log and TLS. Returns the counters.
pub fn listen<L: Fn(&Logged) + Send + Sync + 'static>(
    rt: &tokio::runtime::Runtime,
    run: Listen<L>,
    stop: impl std::future::Future<Output = ()>,
) -> Result<Arc<Stats>> {
    let Listen {
        listener,
        settings,
        events,
        mut side,
        log,
        options,
        metrics,
    } = run;
    let counts = Arc::new(ListenMetrics::new());
    let stats = Arc::new(Stats::new(counts.clone()));
    counts.count_refetches(side.refetches());
    if let Some(d) = settings.log_dropped.clone() {
        counts.count_log_dropped(d);
    }
    let options = crate::adapters::server::Options {
        open: Some(counts.open.clone()),
        ..options
    };
    let metrics = metrics.map(|(path, store)| MetricsRoute {
        path,
        metrics: counts.clone(),
        tokens: Arc::new(std::sync::Mutex::new(
            crate::ops::serve::tokens::Tokens::new(std::time::Duration::from_secs(1)),
        )),
        store: Arc::new(std::sync::Mutex::new(store)),
    });
    if let (Some(reload), Some(m)) = (&options.reload, &metrics) {
        let tokens = m.tokens.clone();
        reload.add(
            "the service tokens",
            Arc::new(move || {
                lock(&tokens).expire();
                Ok("the service tokens will be re-read at the next request".into())
            }),
        );
    }
    let retention = (settings.max_rejected, settings.rejected_retention_ms);
    let apply = move |e: &Envelope, b: &[u8]| side.apply(e, b);
    let writer = Writer::start(events, apply, log, stats.clone(), retention)?;
    let limits = settings.limits;
    let route = Arc::new(Route::new(settings, &writer, metrics));
    let served = route.clone();
    rt.block_on(async {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        crate::adapters::server::serve_on(listener.into(), limits, options, served, stop).await;
        Ok::<_, anyhow::Error>(())
    })?;
    // The route's store connection (Postgres: a client with a runtime of its own) is closed
    // here, outside the runtime.
    drop(route);
    writer.finish()?;
    Ok(stats)
}
