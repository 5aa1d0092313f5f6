//! billctl's HTTP transport for the async-stripe request types.
//!
//! async-stripe's bundled client opens a new connection per request, sends no idempotency key
//! on its retry strategies and makes one attempt with a key of your own, and drops error
//! detail (see shared/crate-notes.md). This transport implements its `StripeClient` trait
//! instead: pooled keep-alive connections, a retry loop that re-sends the caller's
//! `Idempotency-Key` and honours `Stripe-Should-Retry`, backoff on network errors, 429 and
//! 5xx, a per-attempt timeout, and errors that keep status, code and request id.
//! See <https://docs.stripe.com/error-low-level#idempotency>.

use super::error::Error;
use crate::adapters::secrets::Secret;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use rand::RngExt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};
/// The HTTP method of a raw request.
pub use stripe_client_core::StripeMethod as Method;
use stripe_client_core::{CustomizedStripeRequest, StripeClient, StripeMethod};

pub(crate) use super::connect::cause_chain;
pub use super::connect::{describe, https_client, HttpClient};

/// An HTTP date (`Sun, 06 Dec 2026 01:02:03 GMT`, RFC 9110's IMF-fixdate, which RFC 2822
/// parsing takes) as unix seconds.
fn http_date(text: &str) -> Option<i64> {
    let t = jiff::fmt::rfc2822::parse(text.trim()).ok()?;
    Some(t.timestamp().as_second())
}

/// Connection settings for [`Transport`].
#[derive(Debug, Clone)]
pub struct Settings {
    /// API base, ending in `/` (`https://api.stripe.com/`).
    pub base: String,
    pub timeout: Duration,
    /// Attempts per request, counting the first.
    pub max_attempts: u32,
    /// First backoff delay; doubles per retry, capped at 8 s, with jitter.
    pub backoff: Duration,
    /// Where each attempt is logged (method, path, status, request id, time), if anywhere:
    /// the caller's output, so that this module prints nothing itself.
    pub log: Option<Log>,
    /// At most this many attempts per second from this process (every request and retry
    /// waits for its slot); `None`: unpaced.
    pub max_rps: Option<u32>,
}

/// Evenly spaced slots for requests: one every `1 / rate` seconds.
struct Pacer {
    interval: Duration,
    next: std::sync::Mutex<tokio::time::Instant>,
}

impl Pacer {
    fn new(rate: u32) -> Pacer {
        Pacer {
            interval: Duration::from_secs(1) / rate.max(1),
            next: std::sync::Mutex::new(tokio::time::Instant::now()),
        }
    }

    /// Waits for this request's slot.
    async fn wait(&self) {
        let slot = {
            let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
            let slot = (*next).max(tokio::time::Instant::now());
            *next = slot + self.interval;
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

/// A sink for request log lines. Never given a secret.
#[derive(Clone)]
pub struct Log(Arc<dyn Fn(&str) + Send + Sync>);

impl Log {
    pub fn new(f: impl Fn(&str) + Send + Sync + 'static) -> Log {
        Log(Arc::new(f))
    }

    fn line(&self, text: &str) {
        (self.0)(text)
    }
}

impl std::fmt::Debug for Log {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Log")
    }
}

/// A cheap-to-clone handle on one pooled HTTP client. A read-only handle (the read client's,
/// see [`Transport::read_only`]) refuses POST and DELETE before anything is sent.
#[derive(Clone)]
pub struct Transport {
    inner: Arc<Inner>,
    writes: bool,
    /// The longest a call may take, retries and backoff included (`None`: as the attempts and
    /// their timeout allow).
    deadline: Option<Duration>,
}

struct Inner {
    http: HttpClient,
    settings: Settings,
    auth: HeaderValue,
    pacer: Option<Pacer>,
    /// Attempts sent so far.
    sent: std::sync::atomic::AtomicU64,
    /// The last answer's `Date` and this process's clock when it came (unix seconds).
    date: std::sync::Mutex<Option<(i64, i64)>>,
    /// The same of the first answer: the skew when the process began talking to Stripe, which
    /// a later step of either clock does not move.
    first_date: std::sync::Mutex<Option<(i64, i64)>>,
    /// The idempotency keys (the latest few) Stripe answered with a stored reply
    /// (`Idempotent-Replayed: true`): the answer tells what an earlier request did, not now.
    replayed: std::sync::Mutex<std::collections::VecDeque<String>>,
    /// Writes answered with a stored reply so far.
    replays: std::sync::atomic::AtomicU64,
    /// The idempotency keys of the writes sent (the latest [`WRITTEN_KEPT`]): Stripe names
    /// the key in the events a write causes (`request.idempotency_key`), so billctl can tell
    /// its own writes' events from changes made elsewhere.
    written: std::sync::Mutex<std::collections::VecDeque<String>>,
}

/// How many written keys a transport remembers (a catalog apply sends a few dozen writes).
const WRITTEN_KEPT: usize = 4096;

/// How many replayed keys a transport remembers (a workflow asks right after its write).
const REPLAYED_KEPT: usize = 256;

impl Transport {
    pub fn new(key: &Secret, settings: Settings) -> Result<Transport, Error> {
        let http = https_client(settings.timeout);
        let mut auth =
            HeaderValue::from_str(&format!("Bearer {}", key.expose())).map_err(|_| {
                Error::Decode("the Stripe key contains characters that cannot be sent".into())
            })?;
        auth.set_sensitive(true);
        let pacer = settings.max_rps.map(Pacer::new);
        Ok(Transport {
            inner: Arc::new(Inner {
                http,
                settings,
                auth,
                pacer,
                sent: std::sync::atomic::AtomicU64::new(0),
                date: std::sync::Mutex::new(None),
                first_date: std::sync::Mutex::new(None),
                replayed: std::sync::Mutex::new(std::collections::VecDeque::new()),
                replays: std::sync::atomic::AtomicU64::new(0),
                written: std::sync::Mutex::new(std::collections::VecDeque::new()),
            }),
            writes: true,
            deadline: None,
        })
    }

    /// The same client, with calls cut at `deadline` ([`Error::Deadline`]).
    pub(super) fn with_deadline(&self, deadline: Duration) -> Transport {
        Transport {
            deadline: Some(deadline),
            ..self.clone()
        }
    }

    /// The same pooled client, for reads only: a POST or DELETE through it is refused
    /// without reaching Stripe (the read client's transport; writes go through `Writer`).
    pub(super) fn read_only(&self) -> Transport {
        Transport {
            inner: self.inner.clone(),
            writes: false,
            deadline: self.deadline,
        }
    }

    /// A write through a read-only handle: refused here, whatever the caller's type allowed.
    fn refuse(writes: bool, method: &StripeMethod, path: &str) -> Result<(), Error> {
        match (writes, method) {
            (false, StripeMethod::Post | StripeMethod::Delete) => Err(Error::ReadOnly(format!(
                "{} /v1{path}",
                if matches!(method, StripeMethod::Post) {
                    "POST"
                } else {
                    "DELETE"
                }
            ))),
            _ => Ok(()),
        }
    }

    pub fn base(&self) -> &str {
        &self.inner.settings.base
    }

    /// This process's clock minus Stripe's, in seconds, from the `Date` of the last answer
    /// (whole seconds: a skew of a second or less reads as 0 or ±1).
    pub fn clock_skew(&self) -> Option<i64> {
        let d = *self.inner.date.lock().unwrap_or_else(|p| p.into_inner());
        d.map(|(server, local)| local.saturating_sub(server))
    }

    /// As [`Transport::clock_skew`], from the first answer's `Date`: what the clocks were when
    /// this process began talking to Stripe, whatever either did after.
    pub fn first_clock_skew(&self) -> Option<i64> {
        let d = *self
            .inner
            .first_date
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        d.map(|(server, local)| local.saturating_sub(server))
    }

    /// Whether Stripe answered the write under `key` with its stored reply of an earlier
    /// request (`Idempotent-Replayed: true`).
    pub fn replayed(&self, key: &str) -> bool {
        let kept = self
            .inner
            .replayed
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        kept.iter().any(|k| k == key)
    }

    /// Writes answered with a stored reply so far (see [`Transport::replayed`]).
    pub fn replays(&self) -> u64 {
        self.inner
            .replays
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The idempotency keys of the writes this client sent, oldest first (whatever Stripe
    /// answered: a write whose answer was lost may still have happened).
    pub fn written_keys(&self) -> Vec<String> {
        let kept = self.inner.written.lock().unwrap_or_else(|p| p.into_inner());
        kept.iter().cloned().collect()
    }

    /// Attempts sent so far (retries included).
    pub fn requests_sent(&self) -> u64 {
        self.inner.sent.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Sends a request that has no async-stripe type billctl uses (raw event JSON, webhook
    /// endpoints), with the same pooling, retries and errors; returns the body.
    pub async fn raw(
        &self,
        method: StripeMethod,
        path: &str,
        query: Option<String>,
        form: Option<String>,
        idempotency_key: Option<&str>,
    ) -> Result<Bytes, Error> {
        Transport::refuse(self.writes, &method, path)?;
        let key = idempotency_key.map(str::to_string);
        cut(
            self.deadline,
            self.inner.send(method, path, query, form, key),
        )
        .await
    }
}

/// A call cut at `deadline`, if there is one, with [`Error::Deadline`].
async fn cut(
    deadline: Option<Duration>,
    call: impl Future<Output = Result<Bytes, Error>>,
) -> Result<Bytes, Error> {
    match deadline {
        None => call.await,
        Some(d) => tokio::time::timeout(d, call)
            .await
            .unwrap_or(Err(Error::Deadline {
                secs: d.as_secs().max(1),
            })),
    }
}

impl StripeClient for Transport {
    type Err = Error;

    fn execute(
        &self,
        req: CustomizedStripeRequest,
    ) -> impl Future<Output = Result<Bytes, Error>> + Send {
        let (inner, writes, deadline) = (self.inner.clone(), self.writes, self.deadline);
        async move {
            let (rb, config) = req.into_pieces();
            Transport::refuse(writes, &rb.method, &rb.path)?;
            cut(deadline, inner.execute(rb, config)).await
        }
    }
}

enum Attempt {
    Done(Result<Bytes, Error>),
    Retry(Error),
}

impl Inner {
    async fn execute(
        &self,
        rb: stripe_client_core::RequestBuilder,
        config: stripe_client_core::ConfigOverride,
    ) -> Result<Bytes, Error> {
        let key = config
            .request_strategy
            .as_ref()
            .and_then(|s| s.get_key())
            .map(|k| k.as_str().to_string());
        self.send(rb.method, &rb.path, rb.query, rb.body, key).await
    }

    async fn send(
        &self,
        method: StripeMethod,
        path: &str,
        query: Option<String>,
        form: Option<String>,
        key: Option<String>,
    ) -> Result<Bytes, Error> {
        let method = match method {
            StripeMethod::Get => hyper::Method::GET,
            StripeMethod::Post => hyper::Method::POST,
            StripeMethod::Delete => hyper::Method::DELETE,
        };
        // Only requests that cannot take effect twice are retried: reads, and writes that
        // carry an idempotency key.
        let retryable = method == hyper::Method::GET || key.is_some();
        if let (false, Some(k)) = (method == hyper::Method::GET, key.as_deref()) {
            self.remember_write(k);
        }
        let mut url = format!("{}v1{}", self.settings.base, path);
        if let Some(q) = query.as_deref().filter(|q| !q.is_empty()) {
            url.push('?');
            url.push_str(q);
        }
        let body = Bytes::from(form.unwrap_or_default());
        let mut attempt = 1;
        loop {
            let outcome = self
                .attempt(&method, &url, path, body.clone(), key.as_deref(), attempt)
                .await;
            match outcome {
                Attempt::Done(r) => return r,
                Attempt::Retry(err) if retryable && attempt < self.settings.max_attempts => {
                    let delay = self.backoff(attempt);
                    if let Some(log) = &self.settings.log {
                        log.line(&format!(
                            "retrying {method} /v1{} in {} ms: {err}",
                            path,
                            delay.as_millis()
                        ));
                    }
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                Attempt::Retry(err) => return Err(err),
            }
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let base = self.settings.backoff.as_millis() as u64;
        let exp = base.saturating_mul(1 << (attempt - 1).min(10)).min(8_000);
        Duration::from_millis(rand::rng().random_range(exp / 2..=exp.max(1)))
    }

    async fn attempt(
        &self,
        method: &hyper::Method,
        url: &str,
        path: &str,
        body: Bytes,
        key: Option<&str>,
        n: u32,
    ) -> Attempt {
        if let Some(p) = &self.pacer {
            p.wait().await;
        }
        self.sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let request = match self.request(method, url, body, key) {
            Ok(r) => r,
            Err(e) => return Attempt::Done(Err(e)),
        };
        let started = Instant::now();
        let sent = tokio::time::timeout(self.settings.timeout, async {
            let resp = self.http.request(request).await?;
            let (parts, body) = resp.into_parts();
            let bytes = body.collect().await?.to_bytes();
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>((parts, bytes))
        })
        .await;
        let (parts, bytes) = match sent {
            Err(_) => return Attempt::Retry(self.timed_out(url)),
            Ok(Err(e)) => return self.unsent(e.as_ref()),
            Ok(Ok(x)) => x,
        };
        let status = parts.status.as_u16();
        let header = |name: &str| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(String::from)
        };
        let request_id = header("request-id");
        if let Some(server) = header("date").and_then(|d| http_date(&d)) {
            let seen = (server, crate::domain::clock::now());
            *self.date.lock().unwrap_or_else(|p| p.into_inner()) = Some(seen);
            self.first_date
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .get_or_insert(seen);
        }
        crate::util::faults::point("stripe.answer");
        if let Some(log) = &self.settings.log {
            log.line(&format!(
                "{method} /v1{path} -> {status} {} ({} ms, attempt {n})",
                request_id.as_deref().unwrap_or("-"),
                started.elapsed().as_millis()
            ));
        }
        if (200..300).contains(&status) {
            if let (Some(k), Some("true")) = (key, header("idempotent-replayed").as_deref()) {
                self.remember_replay(k);
            }
            return Attempt::Done(Ok(bytes));
        }
        let err =
            Error::from_response(status, &bytes, request_id).through(self.proxy_for(url, false));
        if should_retry(status, header("stripe-should-retry").as_deref()) {
            Attempt::Retry(err)
        } else {
            Attempt::Done(Err(err))
        }
    }

    /// An attempt that got no answer: retried, unless a proxy refused it or cannot be used
    /// (a retry sends the same thing to the same answer).
    fn unsent(&self, e: &(dyn std::error::Error + 'static)) -> Attempt {
        let err = Error::Network {
            base: self.settings.base.clone(),
            detail: describe(e),
        };
        if super::connect::is_final(e) {
            Attempt::Done(Err(err))
        } else {
            Attempt::Retry(err)
        }
    }

    /// An attempt at `url` that got no answer in time, naming the proxy it went through.
    fn timed_out(&self, url: &str) -> Error {
        let secs = self.settings.timeout.as_secs();
        Error::Timeout { secs, proxy: None }.through(self.proxy_for(url, true))
    }

    /// The proxy a request to `url` goes through (`tunnelled`: also a CONNECT tunnel), as
    /// messages show it. An error answer through a tunnel is Stripe's (TLS to Stripe inside
    /// it); a proxy relaying plain http may answer itself.
    fn proxy_for(&self, url: &str, tunnelled: bool) -> Option<String> {
        let uri = url.parse::<hyper::Uri>().ok()?;
        (tunnelled || uri.scheme_str() == Some("http"))
            .then(|| self.http.proxy_for(&uri))
            .flatten()
    }

    /// Notes a write's key before it is sent.
    fn remember_write(&self, key: &str) {
        let mut kept = self.written.lock().unwrap_or_else(|p| p.into_inner());
        if kept.back().is_some_and(|k| k == key) {
            return;
        }
        if kept.len() >= WRITTEN_KEPT {
            kept.pop_front();
        }
        kept.push_back(key.to_string());
    }

    /// Notes that Stripe answered the write under `key` with its stored reply.
    fn remember_replay(&self, key: &str) {
        self.replays
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut kept = self.replayed.lock().unwrap_or_else(|p| p.into_inner());
        if kept.len() >= REPLAYED_KEPT {
            kept.pop_front();
        }
        kept.push_back(key.to_string());
    }

    /// One request: the key, the version billctl's types are built for, the idempotency key.
    fn request(
        &self,
        method: &hyper::Method,
        url: &str,
        body: Bytes,
        key: Option<&str>,
    ) -> Result<hyper::Request<Full<Bytes>>, Error> {
        let mut builder = hyper::Request::builder()
            .method(method.clone())
            .uri(url)
            .header(AUTHORIZATION, self.auth.clone())
            .header(USER_AGENT, concat!("billctl/", env!("CARGO_PKG_VERSION")))
            .header("stripe-version", stripe_client_core::VERSION.as_str());
        if !body.is_empty() {
            builder = builder.header(CONTENT_TYPE, "application/x-www-form-urlencoded");
        }
        if let Some(k) = key {
            builder = builder.header("idempotency-key", k);
        }
        builder
            .body(Full::new(body))
            .map_err(|e| Error::Decode(format!("cannot build request for {url}: {e}")))
    }
}

/// Whether an error answer is worth retrying: as `Stripe-Should-Retry` says, else a 429, a
/// 409 (a concurrent request with the same idempotency key) or a 5xx.
fn should_retry(status: u16, header: Option<&str>) -> bool {
    match header {
        Some("true") => true,
        Some("false") => false,
        _ => status == 429 || status == 409 || status >= 500,
    }
}
