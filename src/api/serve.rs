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

use super::error::{ErrorCode as E, Fail, Outcome};
use super::metrics::Metrics;
use super::routes::{self, Kind, Route};
use super::{openapi, selfserve};
use crate::adapters::server::{self, Request, Response};
use crate::adapters::store::Store;
use crate::domain::config::Config;
use crate::ops::lock;
use crate::ops::serve::tokens::Refusal;
use crate::ops::serve::{blocking, Recorder, Shared, Summary, TokenGate, Verifiers};
use anyhow::Result;
use hyper::StatusCode;
use serde::Serialize;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long `/readyz` waits for the store before it says not ready.
const READY_WITHIN: Duration = Duration::from_secs(2);

/// `GET /healthz`: 200 while the process runs; no token, no store.
fn healthz() -> Response {
    server::json(StatusCode::OK, &serde_json::json!({"status": "ok"}))
}

/// The longest customer id in a path.
pub(crate) const MAX_CUSTOMER_ID: usize = 255;

/// How `serve` runs.
#[derive(Debug, Clone)]
pub struct Settings {
    pub limits: server::Limits,
    /// How stale cached keys, customers and tokens may be.
    pub refresh: Duration,
    /// Most events in one `POST /v1/usage/events`.
    pub max_events: usize,
}

/// The routes' state.
pub(super) struct Service {
    pub(super) settings: Settings,
    pub(super) config: Arc<Config>,
    /// The service tokens callers are checked against.
    pub(super) gate: TokenGate,
    pub(super) verifiers: Verifiers,
    reader: Shared<Store>,
    pub(super) writer: Shared<Store>,
    pub(super) metrics: Arc<Metrics>,
    /// Called with each refused caller (never the token): for the log.
    notice: Arc<dyn Fn(String) + Send + Sync>,
    /// For the self-service routes: the client, or why serve has none.
    pub(super) stripe: Result<crate::adapters::stripe::Writer, String>,
    /// The mode of serve's Stripe key (`live`, `test`), for keys made before the store has one.
    pub(super) key_mode: Option<crate::domain::mode::Mode>,
}

/// What the self-service routes reach Stripe with: the write handle, or why there is none; and the
/// mode of its key.
pub struct StripeAccess {
    pub client: Result<crate::adapters::stripe::Writer, String>,
    pub mode: Option<crate::domain::mode::Mode>,
}

/// Where notices of refused callers go (never the token): the log.
pub type Notice = Arc<dyn Fn(String) + Send + Sync>;

/// What `serve` runs with: where it listens, the core's options, its settings, config and
/// store; what it reports to (its metrics, where notices of refused callers go) and Stripe.
pub struct Serve<'a> {
    pub listener: server::Listener,
    pub options: server::Options,
    pub settings: Settings,
    pub config: &'a Config,
    /// The first connection; the others are opened from it.
    pub store: Store,
    pub metrics: Arc<Metrics>,
    /// Called with each refused caller (never the token): for the log.
    pub notice: Notice,
    pub stripe: StripeAccess,
}

/// Serves until `shutdown` resolves, then drains the requests in flight, lets the recorder
/// commit what it holds, and returns. The store's other connections (one each for plain
/// verifies, their loader, the recorder, the token list, reads and usage batches) are opened
/// from the first.
pub fn run(
    rt: &tokio::runtime::Runtime,
    serve: Serve<'_>,
    shutdown: impl std::future::Future<Output = ()>,
) -> Result<Summary> {
    let Serve {
        listener,
        options,
        settings,
        config,
        store,
        metrics,
        notice,
        stripe,
    } = serve;
    let (service, recorder) =
        Service::start(&settings, config, store, metrics.clone(), notice, stripe)?;
    let service = Arc::new(service);
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
    let recorded = recorder.finish();
    Ok(Summary {
        requests: metrics.requests(),
        recorded,
    })
}

impl Service {
    /// The routes' state over `store` (and connections opened from it), the recorder started.
    fn start(
        settings: &Settings,
        config: &Config,
        store: Store,
        metrics: Arc<Metrics>,
        notice: Notice,
        stripe: StripeAccess,
    ) -> Result<(Service, Recorder)> {
        let observe: Arc<dyn crate::ops::serve::Observe> = metrics.clone();
        let (verifiers, recorder) =
            Verifiers::start(&store, config, settings.refresh, observe.clone())?;
        let service = Service {
            gate: TokenGate::new(store.reopen()?, settings.refresh, observe),
            verifiers,
            settings: settings.clone(),
            config: Arc::new(config.clone()),
            writer: Arc::new(Mutex::new(store.reopen()?)),
            reader: Arc::new(Mutex::new(store)),
            metrics,
            notice,
            stripe: stripe
                .client
                .map(|w| w.with_deadline(stripe_deadline(settings.limits.request))),
            key_mode: stripe.mode,
        };
        Ok((service, recorder))
    }
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

/// An answer, or the error a route writes in its dialect.
pub(super) type Answer = Result<Response, Fail>;

/// What a caller is told when the store failed: never the store's own words, which name its
/// host, port, user, database or file (those go to the log, with the request id).
pub(crate) const STORE_DOWN: &str =
    "the store could not be reached; serve's log has the details under this answer's X-Request-Id";

/// 503 `STORE_UNAVAILABLE` with `Retry-After`: never a pass. The store's words go to the log.
pub(super) fn store_unavailable(e: &anyhow::Error) -> Fail {
    store_down(format!("{e:#}"))
}

/// [`store_unavailable`] with `detail` for the log.
pub(super) fn store_down(detail: String) -> Fail {
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
pub(super) fn retry_soon(r: &mut Response) {
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

/// A request the token check let in: its route and the token's name, from admission to
/// `handle`.
#[derive(Clone)]
struct Admitted {
    route: Route,
    actor: String,
}

/// An error answer with every key- or token-shaped word in its body redacted
/// ([`crate::domain::keys::redact`]): whatever a route repeats of its path or input, a secret put there
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
    let bytes = match crate::domain::keys::redact(&text) {
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
        self.metrics
            .timeout(super::metrics::TimeoutKind::Core(which));
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
            self.metrics.timeout(super::metrics::TimeoutKind::Stripe);
        }
        let outcome = outcome.map(str::to_string);
        server::logged(answer, routes::labels()[route.label()], outcome)
    }

    /// Checks the caller's token for the route; the refusal otherwise (logged without the
    /// token, counted in the metrics).
    /// The token's name when it passes.
    async fn authenticate(&self, req: &server::Head, route: &Route) -> Result<String, Fail> {
        let presented = bearer(&req.headers);
        let checked = self.gate.check(presented, route.scopes()).await;
        let checked = checked.map_err(|e| {
            self.metrics.store_error();
            store_unavailable(&e)
        })?;
        checked.map_err(|r| self.refused(req, presented, r))
    }

    /// A refused caller's answer, its notice in the log (never the token) and its count.
    fn refused(&self, req: &server::Head, presented: Option<&str>, r: Refusal) -> Fail {
        self.metrics.refused(r);
        let id = presented
            .and_then(crate::domain::keys::parse_token)
            .map_or(String::new(), |id| format!(" (token id {id})"));
        (self.notice)(format!(
            "refused {} {} {}: {}{id}",
            req.peer,
            req.method,
            crate::domain::keys::redact_path(&req.path)
                .chars()
                .take(128)
                .collect::<String>(),
            super::error::refusal(r).1.as_str()
        ));
        let (status, code) = super::error::refusal(r);
        let message = match r {
            Refusal::Missing => "this route needs Authorization: Bearer <service token>",
            Refusal::Scope => "the service token lacks the scope this route needs",
            _ => "the service token is not valid",
        };
        let mut fail = Fail::new(status, code, message);
        fail.challenge = status == StatusCode::UNAUTHORIZED;
        fail
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
                crate::adapters::server::metrics::CONTENT_TYPE,
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
/// A JSON body read into `T`, or why not, naming the field.
pub(super) fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, String> {
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
pub(super) fn parse_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Fail> {
    parse_json(body).map_err(Fail::bad_json)
}

/// `GET /v1/customers/{id}/usage`'s body: the customer's row of `usage report` without the
/// key and day columns, `remaining` before `percent`, and the days (the shape the route has
/// always answered).
#[derive(Serialize)]
struct CustomerUsageBody<'a> {
    customer_id: &'a str,
    tier: &'a str,
    period_start: i64,
    period_end: i64,
    used: i64,
    /// `None`: unlimited.
    quota: Option<u64>,
    remaining: Option<u64>,
    percent: Option<f64>,
    overage: i64,
    /// What the access policy gives the customer's keys now.
    access: crate::domain::billing::AccessState,
    days: &'a [crate::ops::usage::report::Day],
}

impl<'a> CustomerUsageBody<'a> {
    fn of(view: &'a crate::ops::usage::report::CustomerUsage) -> Self {
        let u = &view.usage;
        CustomerUsageBody {
            customer_id: &u.customer,
            tier: &u.tier,
            period_start: u.period_start,
            period_end: u.period_end,
            used: u.used,
            quota: u.quota,
            remaining: u.remaining,
            percent: u.percent,
            overage: u.overage,
            access: u.access,
            days: &view.days,
        }
    }
}

impl Service {
    async fn customer_usage(&self, id: String) -> Answer {
        let config = self.config.clone();
        let shown = id.clone();
        let found = self
            .with_store(false, move |s| {
                crate::ops::usage::report::customer_usage(
                    s,
                    &config,
                    &id,
                    crate::domain::clock::now(),
                )
            })
            .await?;
        match found {
            Some(view) => Ok(server::json(StatusCode::OK, &CustomerUsageBody::of(&view))),
            None => Err(selfserve::customer_not_found(&shown)),
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

    /// Whether a probe's caller presents a valid token (any scope), within [`READY_WITHIN`]
    /// (see [`TokenGate::trusts`]). Never refused or counted.
    async fn trusts(&self, headers: &hyper::HeaderMap) -> bool {
        match bearer(headers) {
            Some(presented) => self.gate.trusts(presented, READY_WITHIN).await,
            None => false,
        }
    }

    /// Runs `f` on the reader (`write`: the writer) on a blocking thread; a store failure is
    /// the 503.
    pub(super) async fn with_store<T: Send + 'static>(
        &self,
        write: bool,
        f: impl FnOnce(&mut crate::adapters::store::Store) -> anyhow::Result<T> + Send + 'static,
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

    /// What SIGHUP re-reads of serve's own: the service tokens, and every verifier's cached
    /// keys, customers and mode, at the next request.
    fn reloader(&self) -> server::reload::Part {
        let (tokens, keys) = (self.gate.expire(), self.verifiers.forget_all());
        Arc::new(move || {
            tokens();
            keys();
            Ok("the service tokens and the cached keys and customers will be re-read at the next request".into())
        })
    }
}
