//! `billctl serve`: the per-request checks of an API service over HTTP, a set of routes on the
//! server core (`server/`).
//!
//! - `POST /v1/keys/verify` (scope `verify`): a key's verdict, as `keys verify --json` prints
//!   it, with the status the API should answer and `retry_after`. Every verdict is HTTP 200
//!   but `STORE_UNAVAILABLE`, which is 503: it never fails open.
//!   - A plain verify is answered from the [`Verifier`]'s cache on the server's thread when
//!     everything it needs is fresh, else on a blocking thread that reads the store.
//!   - A recorded verify (`"record": N`) goes to the recorder thread, which takes every call
//!     waiting and charges them one after another in one store transaction (group commit),
//!     and answers each once that transaction is committed.
//! - `POST /v1/usage/events` (scope `usage`): a batch recorded as `usage import` records it.
//! - `GET /v1/customers/{id}/usage` (scope `read`): the current period's usage by day.
//! - `GET /healthz`, `GET /readyz` (any token), `GET /metrics` (scope `read`).
//!
//! Callers authenticate with a service token (`Authorization: Bearer bks_...`), checked
//! against the token list read from the store, re-read once older than the refresh interval.

pub mod cloudevents;
pub mod error;
pub mod events;
pub mod metrics;
pub mod openapi;
pub mod routes;
mod selfserve;
pub mod tokens;
pub mod unkey;

use crate::config::Config;
use crate::keys::{Code, Verification, Verifier};
use crate::ops::lock;
use crate::server::{self, Request, Response};
use crate::store::Store;
use anyhow::Result;
use error::{ErrorCode as E, Fail, Outcome};
use hyper::StatusCode;
use metrics::{Metrics, Side};
use routes::{Dialect, Kind, Route};
use serde::{Deserialize, Serialize};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};
use tokens::{Refusal, Tokens};

/// How long `/readyz` waits for the store before it says not ready.
const READY_WITHIN: Duration = Duration::from_secs(2);

/// `GET /healthz`: 200 while the process runs; no token, no store.
fn healthz() -> Response {
    server::json(StatusCode::OK, &serde_json::json!({"status": "ok"}))
}

/// The largest body of a verify request: a key is 51 bytes, so a larger body is not one, and
/// is refused before any key in it is hashed.
pub const MAX_VERIFY_BODY: usize = 8 * 1024;
/// The longest customer id in a path.
pub(crate) const MAX_CUSTOMER_ID: usize = 255;
/// Most recorded verifies charged in one transaction.
const GROUP: usize = 1024;

/// How `serve` runs.
#[derive(Debug, Clone)]
pub struct Settings {
    pub limits: server::Limits,
    /// How stale cached keys, customers and tokens may be.
    pub refresh: Duration,
    /// Most events in one `POST /v1/usage/events`.
    pub max_events: usize,
}

/// The first line `serve` prints: where it listens (and, in JSON, the config it runs on).
#[derive(Debug, Serialize)]
pub struct Listening {
    pub listening: String,
    pub config: crate::config::ConfigSource,
}

/// What `serve` did, for its last line.
#[derive(Debug, Serialize)]
pub struct Summary {
    pub requests: u64,
    pub recorded: u64,
}

/// A recorded verify waiting for the recorder.
struct RecordJob {
    key: String,
    quantity: i64,
    reply: tokio::sync::oneshot::Sender<Verification>,
}

/// A store shared by blocking tasks.
type Shared<T> = Arc<Mutex<T>>;

/// Keys a verifier must drop before its next verify, each with when the change was committed
/// (by then); and since when all of them (SIGHUP). Kept apart from the verifier, so that a
/// change never waits for a verifier that a blocking thread holds during a store read.
#[derive(Default)]
struct Forgets {
    ids: Vec<(String, Instant)>,
    all: Option<Instant>,
}

/// Drops from `verifier` what `changed` lists.
fn catch_up(verifier: &mut Verifier, changed: &Mutex<Forgets>) {
    let Forgets { ids, all } = std::mem::take(&mut *lock(changed));
    if let Some(at) = all {
        verifier.forget_all(at);
    }
    for (id, at) in ids {
        verifier.forget_at(&id, at);
    }
}

/// The routes' state.
struct Service {
    settings: Settings,
    config: Arc<Config>,
    tokens: Shared<Tokens>,
    /// The token list's own connection: a refresh never waits behind another route's read.
    tokens_store: Shared<Store>,
    /// A token list refresh is under way: the other requests check against the list in hand
    /// instead of waiting for a store that may be stalled.
    refreshing: Arc<std::sync::atomic::AtomicBool>,
    /// Store lookups of token ids the list lacks: coalesced per id, a few at once.
    lookups: Arc<tokens::Lookups>,
    reader: Shared<Store>,
    writer: Shared<Store>,
    /// Plain verifies from the cache: never held while the store is read, so a cached verify
    /// never waits behind a slow one.
    plain: Shared<Verifier>,
    /// Reads what a plain verify missing from the cache needs, on a blocking thread, for
    /// `plain` to take.
    loader: Shared<Verifier>,
    /// Plain verifies waiting for the loader: the last one ends its read snapshot, so a burst
    /// of misses shares one and an idle serve holds no transaction open (which would hold up
    /// `LOCK TABLE`, migrations and vacuum).
    loading: Arc<std::sync::atomic::AtomicUsize>,
    recorder: mpsc::Sender<RecordJob>,
    /// Keys changed here (or all of them, on SIGHUP), for each verifier to drop before its
    /// next verify: plain, loader, recorder.
    changed: [Shared<Forgets>; 3],
    metrics: Arc<Metrics>,
    /// Called with each refused caller (never the token): for the log.
    notice: Arc<dyn Fn(String) + Send + Sync>,
    /// For the self-service routes: the client, or why serve has none.
    stripe: Result<crate::stripe::Writer, String>,
    /// The mode of serve's Stripe key (`live`, `test`), for keys made before the store has one.
    key_mode: Option<String>,
}

/// What `serve` reports to and reaches out with: its metrics, where notices go, and Stripe.
pub type Around = (
    Arc<Metrics>,
    Arc<dyn Fn(String) + Send + Sync>,
    StripeAccess,
);

/// What the self-service routes reach Stripe with: the write handle, or why there is none; and the
/// mode of its key.
pub struct StripeAccess {
    pub client: Result<crate::stripe::Writer, String>,
    pub mode: Option<String>,
}

/// Serves until `shutdown` resolves, then drains the requests in flight, lets the recorder
/// commit what it holds, and returns. `store` is the first connection; the others are opened
/// from it (one each for plain verifies, their loader, the recorder, the token list, reads and
/// usage batches).
#[allow(clippy::too_many_arguments)]
pub fn run(
    rt: &tokio::runtime::Runtime,
    listener: server::Listener,
    options: server::Options,
    settings: Settings,
    config: &Config,
    store: Store,
    (metrics, notice, stripe): Around,
    shutdown: impl std::future::Future<Output = ()>,
) -> Result<Summary> {
    let verifier =
        |s: Store| Verifier::from_store(s, config).map(|v| v.with_refresh(settings.refresh));
    let plain = verifier(store.reopen()?)?;
    let loader = verifier(store.reopen()?)?;
    let recorder = verifier(store.reopen()?)?;
    let writer = store.reopen()?;
    let (tx, rx) = mpsc::channel::<RecordJob>();
    let recorded = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let changed: [Shared<Forgets>; 3] = Default::default();
    let thread = {
        let (metrics, recorded, changed) = (metrics.clone(), recorded.clone(), changed[2].clone());
        std::thread::Builder::new()
            .name("billctl-recorder".into())
            .spawn(move || record_loop(recorder, &rx, &changed, (&metrics, &recorded)))?
    };
    let service = Arc::new(Service {
        tokens: Arc::new(Mutex::new(Tokens::new(settings.refresh))),
        tokens_store: Arc::new(Mutex::new(store.reopen()?)),
        refreshing: Arc::default(),
        lookups: Arc::default(),
        settings: settings.clone(),
        config: Arc::new(config.clone()),
        reader: Arc::new(Mutex::new(store)),
        writer: Arc::new(Mutex::new(writer)),
        plain: Arc::new(Mutex::new(plain)),
        loader: Arc::new(Mutex::new(loader)),
        loading: Arc::default(),
        recorder: tx,
        changed,
        metrics: metrics.clone(),
        notice,
        stripe: stripe
            .client
            .map(|w| w.with_deadline(stripe_deadline(settings.limits.request))),
        key_mode: stripe.mode,
    });
    if let Some(reload) = &options.reload {
        reload.add("the caches", service.reloader());
    }
    let options = server::Options {
        open: Some(metrics.open.clone()),
        ..options
    };
    rt.block_on(server::serve_on(
        listener,
        settings.limits,
        options,
        service.clone(),
        shutdown,
    ));
    // Every connection is gone: the recorder ends once its channel is closed and it has
    // committed and answered what it holds.
    drop(service);
    let _ = thread.join();
    Ok(Summary {
        requests: metrics.requests(),
        recorded: recorded.load(std::sync::atomic::Ordering::Relaxed),
    })
}

/// How long a request may wait on Stripe: its request timeout less a quarter (at least 2 s
/// less, at least 1 s in all), so that a Stripe that hangs is answered 504 `STRIPE_TIMEOUT`
/// before the request timeout's 408.
pub fn stripe_deadline(request: Duration) -> Duration {
    let reserve = (request / 4).max(Duration::from_secs(2));
    request.saturating_sub(reserve).max(Duration::from_secs(1))
}

/// Where to listen (`--listen`) and the TLS pair (`--tls-cert`, `--tls-key`), if they make a
/// safe combination: an address outside loopback needs TLS, or `plain_http` said outright.
pub fn address_and_tls(
    listen: &str,
    (cert, key): (Option<&std::path::Path>, Option<&std::path::Path>),
    plain_http: bool,
) -> Result<(server::Address, Option<Arc<server::tls::Certs>>)> {
    let addr = server::Address::parse(listen)?;
    let certs = server::tls::load_pair((cert, key))?;
    if !addr.is_local() && certs.is_none() && !plain_http {
        anyhow::bail!("--listen {listen}: an address outside loopback needs TLS (--tls-cert and --tls-key), so that API keys and tokens never cross a network in clear; pass --plain-http only behind a TLS-terminating proxy");
    }
    Ok((addr, certs))
}

/// The recorder thread: takes every call waiting (up to [`GROUP`]) and charges them in one
/// transaction, then answers each.
fn record_loop(
    mut verifier: Verifier,
    rx: &mpsc::Receiver<RecordJob>,
    changed: &Mutex<Forgets>,
    (metrics, recorded): (&Metrics, &std::sync::atomic::AtomicU64),
) {
    while let Ok(first) = rx.recv() {
        catch_up(&mut verifier, changed);
        let mut jobs = vec![first];
        while jobs.len() < GROUP {
            match rx.try_recv() {
                Ok(j) => jobs.push(j),
                Err(_) => break,
            }
        }
        let calls: Vec<(&str, i64)> = jobs.iter().map(|j| (j.key.as_str(), j.quantity)).collect();
        let verdicts = verifier.verify_and_record_many(&calls);
        metrics.group(jobs.len());
        metrics.cache(Side::Recorder, verifier.cache_stats());
        let valid = verdicts.iter().filter(|v| v.is_valid()).count() as u64;
        recorded.fetch_add(valid, std::sync::atomic::Ordering::Relaxed);
        for (job, v) in jobs.into_iter().zip(verdicts) {
            let _ = job.reply.send(v);
        }
    }
}

/// An answer, or the error a route writes in its dialect.
type Answer = Result<Response, Fail>;

/// A refused batch of usage events (nothing was recorded), in the route's words:
/// `POST /v1/usage/events` names `?skip_invalid` and counts, OpenMeter's route lists the rejects.
fn events_refused(dialect: Dialect, refused: events::Refused) -> Fail {
    match refused {
        events::Refused::Malformed(m) => Fail::bad_json(m),
        events::Refused::TooMany { count, max } => Fail::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            E::TooManyEvents,
            format!(
                "{} in one request; at most {max} (--max-events)",
                crate::plural::count(count, "event", "events")
            ),
        ),
        events::Refused::Invalid {
            read,
            rejected,
            rejects,
        } => {
            let said = format!(
                "{rejected} of {} {} invalid; nothing was recorded",
                crate::plural::count(read, "event", "events"),
                crate::plural::word(rejected, "is", "are")
            );
            let rejects = serde_json::to_value(rejects).unwrap_or_default();
            match dialect {
                Dialect::Problem => Fail::new(StatusCode::BAD_REQUEST, E::InvalidEvents, said)
                    .with("rejects", rejects),
                _ => Fail::new(
                    StatusCode::BAD_REQUEST,
                    E::InvalidEvents,
                    format!("{said} (add ?skip_invalid=true to record the valid ones)"),
                )
                .with("read", read.into())
                .with("rejected", rejected.into())
                .with("rejects", rejects),
            }
        }
    }
}

/// What a caller is told when the store failed: never the store's own words, which name its
/// host, port, user, database or file (those go to the log, with the request id).
pub(crate) const STORE_DOWN: &str =
    "the store could not be reached; serve's log has the details under this answer's X-Request-Id";

/// 503 `STORE_UNAVAILABLE` with `Retry-After`: never a pass. The store's words go to the log.
pub(super) fn store_unavailable(e: &anyhow::Error) -> Fail {
    store_down(format!("{e:#}"))
}

/// [`store_unavailable`] with `detail` for the log.
fn store_down(detail: String) -> Fail {
    Fail::new(
        StatusCode::SERVICE_UNAVAILABLE,
        E::StoreUnavailable,
        STORE_DOWN,
    )
    .retry_after(1)
    .detail(detail)
}

/// `r` with `detail` for the access log (the caller never sees it).
pub(super) fn with_detail(mut r: Response, detail: String) -> Response {
    r.extensions_mut().insert(server::Detail(detail));
    r
}

/// `Retry-After: 1` on an answer the caller may ask again soon (the store was unavailable).
fn retry_soon(r: &mut Response) {
    r.headers_mut().insert(
        hyper::header::RETRY_AFTER,
        hyper::header::HeaderValue::from_static("1"),
    );
}

/// The bearer token of a request, if it has one of a sane length. Two `Authorization`
/// headers are ambiguous credentials: malformed, whichever is valid.
pub(crate) fn bearer(headers: &hyper::HeaderMap) -> Option<&str> {
    let mut all = headers.get_all(hyper::header::AUTHORIZATION).iter();
    let v = all.next()?.to_str().ok()?;
    if v.len() > 512 || all.next().is_some() {
        return Some("");
    }
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Runs `f` on a blocking thread (store work), as an error if the thread died.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| anyhow::anyhow!("a store task failed: {e}"))
}

/// A request the token check let in: its route and the token's name, from admission to
/// `handle`.
#[derive(Clone)]
struct Admitted {
    route: Route,
    actor: String,
}

/// An error answer with every key- or token-shaped word in its body redacted
/// ([`crate::keys::redact`]): whatever a route repeats of its path or input, a secret put there
/// is not sent back. A success is sent as it is (a new key is its body).
async fn redacted(answer: Response) -> Response {
    use http_body_util::BodyExt;
    if answer.status().as_u16() < 400 {
        return answer;
    }
    let (parts, body) = answer.into_parts();
    let bytes = match body.collect().await {
        Ok(b) => b.to_bytes(),
        Err(never) => match never {},
    };
    let text = String::from_utf8_lossy(&bytes);
    let bytes = match crate::keys::redact(&text) {
        std::borrow::Cow::Owned(r) => bytes::Bytes::from(r),
        std::borrow::Cow::Borrowed(_) => bytes,
    };
    Response::from_parts(parts, http_body_util::Full::new(bytes))
}

impl server::Handler for Service {
    /// The token is checked from the headers, before any of the body is read: a caller
    /// without a valid token is answered here and its body is never read.
    async fn admit(&self, head: &mut server::Head) -> server::Admission {
        let started = Instant::now();
        let route = Route::of(&head.method, &head.path);
        // Probes: liveness needs nothing; readiness says ready or not without a token.
        let checked = match route.access() {
            routes::Access::Open => Ok(String::new()),
            routes::Access::Token(_) => self.authenticate(head, &route).await,
        };
        match checked {
            Ok(actor) => {
                // A route without a body never reads one (nor takes any of the budget).
                let read = route.has_body();
                head.extensions.insert(Admitted { route, actor });
                if read {
                    server::Admission::Read
                } else {
                    server::Admission::NoBody
                }
            }
            Err(f) => {
                let r = redacted(f.render(route.dialect(), &head.request_id)).await;
                server::Admission::Answer(self.finish(&route, r, started))
            }
        }
    }

    async fn handle(&self, mut req: Request) -> Response {
        let started = Instant::now();
        let Some(Admitted { route, actor }) = req.extensions.remove::<Admitted>() else {
            let route = Route::of(&req.method, &req.path);
            let f = Fail::new(StatusCode::UNAUTHORIZED, E::TokenMissing, "not admitted");
            return self.finish(&route, f.render(route.dialect(), &req.request_id), started);
        };
        let (dialect, request_id) = (route.dialect(), req.request_id.clone());
        let answer = match self.route(&route, req, actor).await {
            Ok(r) => r,
            Err(f) => f.render(dialect, &request_id),
        };
        let answer = redacted(answer).await;
        self.finish(&route, answer, started)
    }

    fn is_probe(&self, head: &server::Head) -> bool {
        Route::of(&head.method, &head.path).access() == routes::Access::Open
    }

    fn answered(&self, head: Option<(&hyper::Method, &str)>, status: StatusCode, secs: f64) {
        let label = head.map_or(routes::labels().len() - 1, |(m, p)| Route::of(m, p).label());
        self.metrics.request(label, status.as_u16(), secs);
    }

    fn timed_out(&self, which: server::Timeout) {
        self.metrics.timeout(metrics::TimeoutKind::Core(which));
    }

    /// The core's own answer in the route's dialect (Unkey's envelope on `/v2/keys.verifyKey`,
    /// problem details on `/api/v1/events`), its code as the log's outcome.
    fn core_answer(&self, a: server::CoreAnswer<'_>) -> Response {
        let route = Route::of(a.method, a.path);
        let Some(code) = E::of(a.code) else {
            return server::CoreAnswer::billctl(&a);
        };
        let mut fail = Fail::new(a.status, code, a.message);
        fail.retry_after = a.retry_after;
        let r = fail.render(route.dialect(), a.request_id);
        let label = routes::labels()[route.label()];
        server::logged(r, label, Some(code.as_str().to_string()))
    }
}

impl Service {
    /// Counts an answer of `route` in the metrics and labels it for the access log.
    fn finish(&self, route: &Route, answer: Response, started: Instant) -> Response {
        let secs = started.elapsed().as_secs_f64();
        self.metrics
            .request(route.label(), answer.status().as_u16(), secs);
        let outcome = answer.extensions().get::<Outcome>().map(|o| o.0);
        if outcome == Some(E::StripeTimeout.as_str()) {
            self.metrics.timeout(metrics::TimeoutKind::Stripe);
        }
        let outcome = outcome.map(str::to_string);
        server::logged(answer, routes::labels()[route.label()], outcome)
    }

    /// Checks the caller's token for the route; the refusal otherwise (logged without the
    /// token, counted in the metrics).
    /// The token's name when it passes.
    async fn authenticate(&self, req: &server::Head, route: &Route) -> Result<String, Fail> {
        let now = Instant::now();
        let store_down = |e: anyhow::Error| {
            self.metrics.store_error();
            store_unavailable(&e)
        };
        self.refresh_tokens().await.map_err(store_down)?;
        let presented = bearer(&req.headers);
        let mut checked = lock(&self.tokens).check(presented, route.scopes());
        if checked == Err(Refusal::Unknown) {
            self.look_for_token(presented, now)
                .await
                .map_err(store_down)?;
            checked = lock(&self.tokens).check(presented, route.scopes());
        }
        checked.map_err(|r| self.refused(req, presented, r))
    }

    /// A refused caller's answer, its notice in the log (never the token) and its count.
    fn refused(&self, req: &server::Head, presented: Option<&str>, r: Refusal) -> Fail {
        self.metrics.refused(r);
        let id = presented
            .and_then(crate::keys::parse_token)
            .map_or(String::new(), |id| format!(" (token id {id})"));
        (self.notice)(format!(
            "refused {} {} {}: {}{id}",
            req.peer,
            req.method,
            crate::keys::redact_path(&req.path)
                .chars()
                .take(128)
                .collect::<String>(),
            r.code().as_str()
        ));
        let status = StatusCode::from_u16(r.status()).unwrap_or(StatusCode::UNAUTHORIZED);
        let message = match r {
            Refusal::Missing => "this route needs Authorization: Bearer <service token>",
            Refusal::Scope => "the service token lacks the scope this route needs",
            _ => "the service token is not valid",
        };
        let mut fail = Fail::new(status, r.code(), message);
        fail.challenge = status == StatusCode::UNAUTHORIZED;
        fail
    }

    /// A well-formed token the list lacks: its id is looked for in the store (once per refresh
    /// interval per id), so a token issued since the list was read works at once.
    async fn look_for_token(&self, presented: Option<&str>, now: Instant) -> Result<()> {
        let Some(id) = lock(&self.tokens).worth_a_look(presented, now) else {
            return Ok(());
        };
        let look = async {
            // Its turn may come after another caller's lookup answered it.
            if lock(&self.tokens).worth_a_look(presented, now).is_none() {
                return Ok(());
            }
            self.metrics.token_lookup();
            let (store, wanted) = (self.tokens_store.clone(), id.clone());
            let found = blocking(move || lock(&store).token(&wanted)).await??;
            lock(&self.tokens).looked_up(id.clone(), found, Instant::now());
            Ok(())
        };
        self.lookups.once(&id, look).await
    }

    /// Reads the token list again once it is older than the refresh interval. One request
    /// reads it; the others meanwhile check against the list in hand (a stalled store holds
    /// up no caller whose token it already knows), or wait when there is none yet.
    async fn refresh_tokens(&self) -> Result<()> {
        use std::sync::atomic::Ordering::SeqCst;
        let now = Instant::now();
        let (stale, have) = {
            let t = lock(&self.tokens);
            (t.stale(now), t.has_list())
        };
        if !stale {
            return Ok(());
        }
        let mine = !self.refreshing.swap(true, SeqCst);
        if !mine && have {
            return Ok(());
        }
        let (tokens, store) = (self.tokens.clone(), self.tokens_store.clone());
        let flag = self.refreshing.clone();
        // The flag is cleared by the read itself, which runs to its end even if this request
        // is dropped (its timeout), so a refresh is never left marked under way.
        blocking(move || -> Result<()> {
            let read = (|| {
                let store = lock(&store);
                if lock(&tokens).stale(now) {
                    let list = store.tokens()?;
                    lock(&tokens).set(list, now);
                }
                Ok(())
            })();
            if mine {
                flag.store(false, SeqCst);
            }
            read
        })
        .await
        .and_then(|r| r)
    }

    async fn route(&self, route: &Route, mut req: Request, actor: String) -> Answer {
        let read = std::mem::replace(&mut req.body, Ok(bytes::Bytes::new()));
        let body = match (route.has_body(), read) {
            (true, Err(r)) => {
                let code = match r.status {
                    StatusCode::PAYLOAD_TOO_LARGE => E::BodyTooLarge,
                    // The body timeout, or a body slower than the core's floor.
                    StatusCode::REQUEST_TIMEOUT => E::BodyTimeout,
                    _ => E::BadBody,
                };
                return Err(Fail::new(r.status, code, r.reason));
            }
            (_, b) => b.unwrap_or_default(),
        };
        let (spec, routes::Captures { id, key }) = match route {
            Route::Served(spec, captures) => (*spec, captures.clone()),
            Route::NotFound => {
                return Err(Fail::new(
                    StatusCode::NOT_FOUND,
                    E::NotFound,
                    "no such route",
                ))
            }
            Route::Method(allow, _) => return Err(method_not_allowed(allow)),
        };
        selfserve::path_ids(id.as_deref(), key.as_deref())?;
        let (id, key) = (id.unwrap_or_default(), key.unwrap_or_default());
        let content_type = req
            .headers
            .get(hyper::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok());
        match spec.kind {
            Kind::Verify => self.verify(&body).await,
            Kind::Events => self.events(body, req.query.as_deref()).await,
            Kind::UnkeyVerify => self.unkey_verify(&body, &req.request_id).await,
            Kind::CloudEvents => self.cloud_events(body, content_type).await,
            Kind::OpenApi => Ok(server::body(
                StatusCode::OK,
                "application/json",
                openapi::DOCUMENT.as_bytes(),
            )),
            Kind::CustomerUsage => self.customer_usage(id).await,
            Kind::Customer => self.customer(id).await,
            Kind::Keys => self.keys(id).await,
            Kind::KeyCreate => self.key_create(id, &body, actor).await,
            Kind::Key(action) => {
                let customer = spec.path.contains("{id}").then_some(id);
                self.key_change((customer, key, action), &body, actor).await
            }
            Kind::Portal => self.portal(id, &body, actor).await,
            Kind::Checkout => self.checkout(id, &body, actor).await,
            Kind::Plan(action) => self.plan(id, action, &body, actor).await,
            Kind::Healthz => Ok(healthz()),
            Kind::Readyz => self.readyz(&req).await,
            Kind::Metrics => Ok(server::body(
                StatusCode::OK,
                crate::server::metrics::CONTENT_TYPE,
                self.metrics.render(),
            )),
        }
    }
}

/// 405 with `Allow`: every method the path's route takes (see [`routes::allowed`]).
fn method_not_allowed(allow: &[&'static str]) -> Fail {
    let m = allow.join(", ");
    let mut f = Fail::new(
        StatusCode::METHOD_NOT_ALLOWED,
        E::MethodNotAllowed,
        format!("this route takes {m}"),
    );
    f.allow = allow.to_vec();
    f
}
/// The body of `POST /v1/keys/verify`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VerifyBody {
    key: String,
    /// A quantity to record with the call (at least 1); absent: a plain verify.
    #[serde(default)]
    record: Option<i64>,
}

/// A JSON body read into `T`, or why not, naming the field.
fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, String> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path.is_empty() || path == "." {
            format!("malformed JSON body: {inner}")
        } else {
            format!("{path}: {inner}")
        }
    })?;
    de.end().map_err(|e| format!("malformed JSON body: {e}"))?;
    Ok(value)
}

/// A JSON body read into `T`, or a 400 that names the field.
fn parse_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Fail> {
    parse_json(body).map_err(Fail::bad_json)
}

impl Service {
    /// `POST /v2/keys.verifyKey` (see [`unkey`]): a verdict in Unkey's envelope; `credits.cost`
    /// is recorded as `record` is on `/v1/keys/verify`.
    async fn unkey_verify(&self, body: &[u8], request_id: &str) -> Answer {
        if body.len() > MAX_VERIFY_BODY {
            return Err(Fail::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                E::BodyTooLarge,
                format!("a verify body is at most {MAX_VERIFY_BODY} bytes"),
            ));
        }
        let parsed =
            parse_json::<unkey::Request>(body).and_then(|r| r.quantity().map(|q| (r.key, q)));
        let (key, quantity) =
            parsed.map_err(|m| Fail::new(StatusCode::BAD_REQUEST, E::BadRequest, m))?;
        let v = match quantity {
            Some(q) => self.verify_recorded(key, q).await,
            None => self.verify_plain(key).await,
        };
        self.metrics.verdict(v.code);
        if v.code == Code::StoreUnavailable {
            return Err(store_down(v.reason.clone().unwrap_or_default()));
        }
        let id = format!("req_{request_id}");
        let mut r = server::json(StatusCode::OK, &unkey::answer(&v, &id));
        r.extensions_mut().insert(Outcome(v.code.as_str()));
        Ok(r)
    }

    /// `POST /api/v1/events` (see [`cloudevents`]): 204 once the events are committed.
    async fn cloud_events(&self, body: bytes::Bytes, content_type: Option<&str>) -> Answer {
        let Some(layout) = cloudevents::Layout::of(content_type) else {
            return Err(Fail::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                E::UnsupportedMediaType,
                "send application/cloudevents+json (one event) or application/cloudevents-batch+json (an array)",
            ));
        };
        let (writer, max) = (self.writer.clone(), self.settings.max_events);
        let bounds = crate::usage::Bounds::of(&self.config.usage);
        let path = self.config.usage.value_property.clone();
        let done = blocking(move || {
            cloudevents::record(
                &mut lock(&writer),
                &body,
                layout,
                path.as_deref(),
                (max, bounds),
                crate::clock::now(),
            )
        })
        .await
        .and_then(|r| r);
        match done {
            Ok(Ok(accepted)) => {
                self.metrics.events(accepted.inserted);
                let route = crate::usage::Route::CloudEvents;
                self.metrics.conflicts(route, accepted.conflicts);
                Ok(server::body(
                    StatusCode::NO_CONTENT,
                    "application/json",
                    bytes::Bytes::new(),
                ))
            }
            Ok(Err(refused)) => Err(events_refused(Dialect::Problem, refused)),
            Err(e) => {
                self.metrics.store_error();
                Err(store_unavailable(&e))
            }
        }
    }
}

impl Service {
    async fn verify(&self, body: &[u8]) -> Answer {
        if body.len() > MAX_VERIFY_BODY {
            return Err(Fail::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                E::BodyTooLarge,
                format!(
                    "a verify body is at most {MAX_VERIFY_BODY} bytes (a key is {})",
                    crate::keys::KEY_LEN
                ),
            ));
        }
        // The fast parse; only a body it refuses is parsed again to name the field.
        let req: VerifyBody = match serde_json::from_slice(body) {
            Ok(r) => r,
            Err(_) => parse_body(body)?,
        };
        let v = match req.record {
            Some(q) if q < 1 => {
                return Err(Fail::new(StatusCode::BAD_REQUEST, E::InvalidField, "record: must be a whole number of at least 1 (the quantity to record); leave it out for a plain verify"));
            }
            Some(q) => self.verify_recorded(req.key, q).await,
            None => self.verify_plain(req.key).await,
        };
        self.metrics.verdict(v.code);
        Ok(verdict_answer(&v))
    }

    async fn verify_plain(&self, key: String) -> Verification {
        // The cache alone, on this thread, when nothing needs the store. `plain` is never
        // held during a store read, so this only fails for a moment.
        if let Ok(mut verifier) = self.plain.try_lock() {
            catch_up(&mut verifier, &self.changed[0]);
            if let Some(v) = verifier.verify_cached(&key) {
                self.metrics.cache(Side::Plain, verifier.cache_stats());
                return v;
            }
        }
        // Else the loader reads what it needs on a blocking thread, and `plain` takes it.
        let (plain, loader, metrics) = (
            self.plain.clone(),
            self.loader.clone(),
            self.metrics.clone(),
        );
        let changed = [self.changed[0].clone(), self.changed[1].clone()];
        let loading = self.loading.clone();
        loading.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        blocking(move || {
            let loaded = {
                let mut loader = lock(&loader);
                catch_up(&mut loader, &changed[1]);
                let loaded = loader.load(&key);
                if loading.fetch_sub(1, std::sync::atomic::Ordering::SeqCst) == 1 {
                    loader.end_snapshot();
                }
                loaded
            };
            let loaded = match loaded {
                Ok(l) => l,
                Err(e) => return unavailable_verdict(&e),
            };
            let mut verifier = lock(&plain);
            catch_up(&mut verifier, &changed[0]);
            let v = verifier.verify_loaded(&key, loaded);
            metrics.cache(Side::Plain, verifier.cache_stats());
            v
        })
        .await
        .unwrap_or_else(|e| unavailable_verdict(&e))
    }

    async fn verify_recorded(&self, key: String, quantity: i64) -> Verification {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job = RecordJob {
            key,
            quantity,
            reply,
        };
        if self.recorder.send(job).is_err() {
            return unavailable_verdict(&anyhow::anyhow!("the recorder has stopped"));
        }
        answer
            .await
            .unwrap_or_else(|_| unavailable_verdict(&anyhow::anyhow!("the recorder has stopped")))
    }
}

fn unavailable_verdict(e: &anyhow::Error) -> Verification {
    Verification::store_unavailable(format!("the store could not be reached: {e:#}"))
}

/// A verdict as the route answers it: what `keys verify --json` prints, with the status the
/// API should answer (serialized field by field, without an intermediate document).
#[derive(Serialize)]
struct VerdictBody<'a> {
    valid: bool,
    code: Code,
    reason: &'a Option<String>,
    key_id: &'a Option<String>,
    customer_id: &'a Option<String>,
    tier: &'a Option<String>,
    quota: &'a Option<crate::keys::QuotaView>,
    rate_limit: &'a Option<crate::keys::RateView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    retry_after: Option<u64>,
    status: u16,
}

/// HTTP 200 with the verdict, or 503 when the store could not say (the store's own words go
/// to the log, never to the caller).
fn verdict_answer(v: &Verification) -> Response {
    let down = (v.code == Code::StoreUnavailable).then(|| Some(STORE_DOWN.to_string()));
    let body = VerdictBody {
        valid: v.is_valid(),
        code: v.code,
        reason: down.as_ref().unwrap_or(&v.reason),
        key_id: &v.key_id,
        customer_id: &v.customer,
        tier: &v.tier,
        quota: &v.quota,
        rate_limit: &v.rate_limit,
        retry_after: v.retry_after,
        status: v.code.http_status(),
    };
    let mut r = server::body(
        StatusCode::OK,
        "application/json",
        crate::text::json_text(&body, false).unwrap_or_default(),
    );
    r.extensions_mut().insert(Outcome(v.code.as_str()));
    if v.code == Code::StoreUnavailable {
        *r.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
        retry_soon(&mut r);
        return with_detail(r, v.reason.clone().unwrap_or_default());
    }
    r
}

/// `GET /v1/customers/{id}/usage`: the current period's usage against the quota, by day.
#[derive(Debug, Serialize)]
pub struct CustomerUsage {
    pub customer_id: String,
    pub tier: String,
    pub period_start: i64,
    pub period_end: i64,
    pub used: i64,
    /// `None`: unlimited.
    pub quota: Option<u64>,
    pub remaining: Option<u64>,
    pub percent: Option<f64>,
    pub overage: i64,
    /// What the access policy gives the customer's keys now.
    pub access: &'static str,
    /// Usage per UTC day of the period with any use, in day order.
    pub days: Vec<Day>,
}

#[derive(Debug, Serialize)]
pub struct Day {
    /// Start of the UTC day (unix seconds).
    pub day: i64,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub used: i64,
}

/// A customer's usage view (see [`CustomerUsage`]); `None` for a customer the mirror lacks.
pub fn customer_usage(
    store: &Store,
    config: &Config,
    id: &str,
    now: i64,
) -> Result<Option<CustomerUsage>> {
    use crate::ops::usage::report::{report, Query, ReportBy};
    if store.customer(id)?.is_none() {
        return Ok(None);
    }
    let query = |by| Query {
        customer: Some(id),
        key: None,
        period: "current",
        range: None,
        by,
    };
    let head = report(store, config, &query(ReportBy::Customer), now)?;
    let Some(row) = head.rows.into_iter().next() else {
        return Ok(None);
    };
    let days = report(store, config, &query(ReportBy::Day), now)?
        .rows
        .into_iter()
        .filter_map(|r| {
            let day = r.day?;
            (r.used != 0).then(|| Day {
                day,
                date: crate::time::utc_date(day),
                used: r.used,
            })
        })
        .collect();
    Ok(Some(CustomerUsage {
        customer_id: row.customer,
        tier: row.tier,
        period_start: row.period_start,
        period_end: row.period_end,
        used: row.used,
        quota: row.quota,
        remaining: row.remaining,
        percent: row.percent,
        overage: row.overage,
        access: row.access,
        days,
    }))
}

impl Service {
    async fn customer_usage(&self, id: String) -> Answer {
        let config = self.config.clone();
        let shown = id.clone();
        let found = self
            .with_store(false, move |s| {
                customer_usage(s, &config, &id, crate::clock::now())
            })
            .await?;
        match found {
            Some(view) => Ok(server::json(
                StatusCode::OK,
                &serde_json::to_value(view).unwrap_or_default(),
            )),
            None => Err(selfserve::customer_not_found(&shown)),
        }
    }

    async fn events(&self, body: bytes::Bytes, query: Option<&str>) -> Answer {
        let skip_invalid = query.is_some_and(|q| {
            q.split('&')
                .any(|p| p == "skip_invalid=true" || p == "skip_invalid=1")
        });
        let (writer, max) = (self.writer.clone(), self.settings.max_events);
        let bounds = crate::usage::Bounds::of(&self.config.usage);
        let done = blocking(move || {
            events::record(
                &mut lock(&writer),
                &body,
                (max, skip_invalid),
                bounds,
                crate::clock::now(),
                crate::usage::Route::Events,
            )
        })
        .await
        .and_then(|r| r);
        match done {
            Ok(Ok(accepted)) => {
                self.metrics.events(accepted.inserted);
                let route = crate::usage::Route::Events;
                self.metrics.conflicts(route, accepted.conflicts);
                Ok(server::json(
                    StatusCode::OK,
                    &serde_json::to_value(accepted).unwrap_or_default(),
                ))
            }
            Ok(Err(refused)) => Err(events_refused(Dialect::Billctl, refused)),
            Err(e) => {
                self.metrics.store_error();
                Err(store_unavailable(&e))
            }
        }
    }

    /// `GET /readyz`: the store reachable (within [`READY_WITHIN`]) and its schema current.
    /// Without a valid token, only ready or not; with one (any scope), the schema version, or
    /// billctl's 503 `STORE_UNAVAILABLE`.
    async fn readyz(&self, req: &Request) -> Answer {
        let reader = self.reader.clone();
        let checked =
            tokio::time::timeout(READY_WITHIN, blocking(move || lock(&reader).check_schema()))
                .await;
        let checked = match checked {
            Ok(r) => r.and_then(|r| r),
            Err(_) => Err(anyhow::anyhow!(
                "the store did not answer within {} s",
                READY_WITHIN.as_secs()
            )),
        };
        if checked.is_err() {
            self.metrics.store_error();
        }
        let trusted = self.trusts(&req.headers).await;
        Ok(match (checked, trusted) {
            (Ok(version), true) => server::json(
                StatusCode::OK,
                &serde_json::json!({"status": "ready", "schema_version": version}),
            ),
            (Ok(_), false) => server::json(StatusCode::OK, &serde_json::json!({"status": "ready"})),
            (Err(e), true) => return Err(store_unavailable(&e)),
            (Err(e), false) => {
                let mut r = server::json(
                    StatusCode::SERVICE_UNAVAILABLE,
                    &serde_json::json!({"status": "not_ready"}),
                );
                retry_soon(&mut r);
                with_detail(r, format!("{e:#}"))
            }
        })
    }

    /// Whether a probe's caller presents a valid token (any scope), checked as every route
    /// checks one (the list read again when stale, an unseen id looked up), within
    /// [`READY_WITHIN`]. When the store cannot give the list, the list in hand decides (what
    /// it opens is only the store's error code), and an unseen id is not trusted. Never
    /// refused or counted.
    async fn trusts(&self, headers: &hyper::HeaderMap) -> bool {
        let Some(presented) = bearer(headers) else {
            return false;
        };
        let check = async {
            let listed = self.refresh_tokens().await.is_ok();
            let mut checked = lock(&self.tokens).check(Some(presented), &[]);
            if listed && checked == Err(Refusal::Unknown) {
                let now = Instant::now();
                self.look_for_token(Some(presented), now).await.ok()?;
                checked = lock(&self.tokens).check(Some(presented), &[]);
            }
            checked.ok()
        };
        matches!(tokio::time::timeout(READY_WITHIN, check).await, Ok(Some(_)))
    }

    /// Runs `f` on the reader (`write`: the writer) on a blocking thread; a store failure is
    /// the 503.
    async fn with_store<T: Send + 'static>(
        &self,
        write: bool,
        f: impl FnOnce(&mut crate::store::Store) -> anyhow::Result<T> + Send + 'static,
    ) -> Result<T, Fail> {
        let store = if write {
            self.writer.clone()
        } else {
            self.reader.clone()
        };
        match blocking(move || f(&mut lock(&store))).await.and_then(|r| r) {
            Ok(v) => Ok(v),
            Err(e) => {
                self.metrics.store_error();
                Err(store_unavailable(&e))
            }
        }
    }

    /// Makes every verifier read these keys from the store again: a change made here is seen
    /// by this process's very next verify. Never waits for a verifier (one may be held by a
    /// blocking thread during a store read).
    fn forget_keys(&self, ids: &[&str]) {
        let at = Instant::now();
        for changed in &self.changed {
            lock(changed)
                .ids
                .extend(ids.iter().map(|s| (s.to_string(), at)));
        }
    }

    /// What SIGHUP re-reads of serve's own: the service tokens, and every verifier's cached
    /// keys, customers and mode, at the next request.
    fn reloader(&self) -> server::reload::Part {
        let (tokens, changed) = (self.tokens.clone(), self.changed.clone());
        Arc::new(move || {
            lock(&tokens).expire();
            let at = Instant::now();
            for c in &changed {
                let mut c = lock(c);
                c.ids.clear();
                c.all = Some(at);
            }
            Ok("the service tokens and the cached keys and customers will be re-read at the next request".into())
        })
    }
}
