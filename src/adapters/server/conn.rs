//! One connection of the server core: requests one after another, the header and idle timers
//! (apart: an idle kept-alive connection waits `idle`, a started head gets `header`), the
//! admission of a request from its head, the memory budget of bodies in flight, the body and
//! request timeouts, and what the core answers on its own.

use super::{
    Access, AccessLog, Admission, Handler, Head, Limits, Logged, Refused, Request, Response,
    Timeout,
};
use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::StatusCode;
use hyper_util::rt::TokioIo;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Instant;

/// The largest head a connection buffers (hyper's read buffer): 64 KiB.
pub(super) const MAX_HEAD: usize = 64 * 1024;
/// The most header fields in a head.
const MAX_HEADERS: usize = 100;
/// The first bytes of each body are its connection's own, outside `--max-body-memory`: a
/// verify, a usage batch or a Stripe delivery of up to this size is never refused `BUSY`
/// because others' uploads hold the budget. What they hold in all is bounded by the
/// connection cap (`--max-connections` × 64 KiB: 64 MiB at the default 1024).
pub(super) const OWN_BYTES: u64 = 64 * 1024;
/// The slowest a body may arrive, on average since it began to be read, once it has taken
/// [`SLOW_GRACE`]: 16 KiB/s (128 kbit/s). A server-to-server caller is far above it, and a
/// body under 32 KiB is never cut by it (it has 2 s); an upload that holds budget must send
/// at least this, so holding 1 MiB for the 30 s body timeout costs the bytes of a real upload
/// instead of one byte per 29 s.
pub(super) const MIN_BODY_RATE: u64 = 16 * 1024;
/// How long a body may take before [`MIN_BODY_RATE`] applies.
pub(super) const SLOW_GRACE: std::time::Duration = std::time::Duration::from_secs(2);

/// The memory budget of all bodies in flight, in KiB, and each caller's share of it: a body's
/// bytes past its first [`OWN_BYTES`] are counted as they come (not as declared), and given
/// back once it is answered.
pub(super) struct Budget {
    /// KiB free, across callers.
    free: tokio::sync::Semaphore,
    /// The most KiB one caller (a peer address; on a Unix socket, a peer process) may hold.
    share: u32,
    /// KiB held by each caller now.
    held: std::sync::Mutex<std::collections::HashMap<String, u32>>,
}

impl Budget {
    /// A budget of `bytes`; one caller may hold a quarter of it, or `max_body` if that is more.
    pub(super) fn new(bytes: usize, max_body: usize) -> Budget {
        let max = u32::try_from(tokio::sync::Semaphore::MAX_PERMITS).unwrap_or(u32::MAX);
        let kib = |b: usize| u32::try_from(b / 1024).unwrap_or(max).clamp(1, max);
        let total = kib(bytes);
        Budget {
            free: tokio::sync::Semaphore::new(total as usize),
            share: (total / 4).max(kib(max_body)).min(total),
            held: std::sync::Mutex::default(),
        }
    }

    /// The caller of a peer (`ADDR:PORT`, or `unix pid N`): its address, or its process.
    fn caller(peer: &str) -> String {
        match peer.rsplit_once(':') {
            Some((addr, port)) if port.bytes().all(|b| b.is_ascii_digit()) => addr.to_string(),
            _ => peer.to_string(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, u32>> {
        self.held.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// What one body holds of the budget, given back when dropped.
pub(super) struct Share {
    budget: Arc<Budget>,
    caller: String,
    bytes: u64,
    kib: u32,
}

impl Share {
    pub(super) fn new(budget: Arc<Budget>, peer: &str) -> Share {
        Share {
            caller: Budget::caller(peer),
            budget,
            bytes: 0,
            kib: 0,
        }
    }

    /// The KiB of the budget that a body of `bytes` takes: those past its own [`OWN_BYTES`].
    fn counted(bytes: u64) -> Result<u32, ()> {
        u32::try_from(bytes.saturating_sub(OWN_BYTES).div_ceil(1024)).map_err(|_| ())
    }

    /// Whether `n` more bytes would fit now (a declared length, checked before any is read;
    /// nothing is taken nor allocated for it).
    fn fits(&self, n: u64) -> bool {
        let Ok(kib) = Share::counted(self.bytes + n) else {
            return false;
        };
        let more = kib.saturating_sub(self.kib);
        let mine = self.budget.lock().get(&self.caller).copied().unwrap_or(0);
        mine.saturating_add(more) <= self.budget.share
            && self.budget.free.available_permits() >= more as usize
    }

    /// Counts `n` more bytes of the body: `Err` when the caller's share or the budget is
    /// spent (nothing more is taken).
    fn grow(&mut self, n: usize) -> Result<(), ()> {
        let bytes = self.bytes + n as u64;
        let kib = Share::counted(bytes)?;
        let more = kib - self.kib;
        if more > 0 {
            let mut held = self.budget.lock();
            let mine = held.get(&self.caller).copied().unwrap_or(0);
            if mine.saturating_add(more) > self.budget.share {
                return Err(());
            }
            self.budget
                .free
                .try_acquire_many(more)
                .map_err(|_| ())?
                .forget();
            held.insert(self.caller.clone(), mine + more);
        }
        (self.bytes, self.kib) = (bytes, kib);
        Ok(())
    }
}

impl Drop for Share {
    fn drop(&mut self) {
        if self.kib == 0 {
            return;
        }
        let mut held = self.budget.lock();
        if let Some(mine) = held.get_mut(&self.caller) {
            *mine = mine.saturating_sub(self.kib);
            if *mine == 0 {
                held.remove(&self.caller);
            }
        }
        self.budget.free.add_permits(self.kib as usize);
    }
}

/// When a connection's bytes first came since it was last idle (for the header timer), and a
/// wake-up for the connection's task when they do.
struct Activity {
    start: Instant,
    /// Nanoseconds after `start` (0: none since armed).
    first: AtomicU64,
    /// Whether the request line has ended (a `\n` came) since armed: a head too large for
    /// the buffer without one is a URI too long (414), else its headers are (431).
    line_ended: AtomicBool,
    wake: tokio::sync::Notify,
}

impl Activity {
    fn saw_bytes(&self, bytes: &[u8]) {
        if !self.line_ended.load(Ordering::Relaxed) && bytes.contains(&b'\n') {
            self.line_ended.store(true, Ordering::Relaxed);
        }
        if self.first.load(Ordering::Relaxed) == 0 {
            let ns = u64::try_from(self.start.elapsed().as_nanos()).unwrap_or(u64::MAX);
            if self
                .first
                .compare_exchange(0, ns.max(1), Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
            {
                self.wake.notify_one();
            }
        }
    }

    /// Forgets bytes seen so far: the connection is idle from now.
    fn arm(&self) {
        self.first.store(0, Ordering::Relaxed);
        self.line_ended.store(false, Ordering::Relaxed);
    }

    fn first(&self) -> Option<Instant> {
        match self.first.load(Ordering::Relaxed) {
            0 => None,
            ns => Some(self.start + std::time::Duration::from_nanos(ns)),
        }
    }
}

/// One open connection as the slots see it ([`super::slots`]): whether it is idle (no request
/// in flight, no byte of a head) and since when, whether it holds a slot of the probes'
/// reserve, and the signal that closes it to make room for another.
pub(super) struct Entry {
    /// Holds a slot of the reserve beyond the cap: answers only the probes.
    pub(super) reserve: bool,
    pub(super) opened: Instant,
    activity: Arc<Activity>,
    /// Requests in flight.
    busy: Arc<AtomicUsize>,
    /// When its last answer was sent (or it was accepted).
    quiet_since: std::sync::Mutex<Instant>,
    /// Chosen to be closed to make room.
    evicted: AtomicBool,
    evict: tokio::sync::Notify,
}

impl Entry {
    pub(super) fn new(reserve: bool) -> Entry {
        let now = Instant::now();
        Entry {
            reserve,
            opened: now,
            activity: Arc::new(Activity {
                start: now,
                first: AtomicU64::new(0),
                line_ended: AtomicBool::new(false),
                wake: tokio::sync::Notify::new(),
            }),
            busy: Arc::new(AtomicUsize::new(0)),
            quiet_since: std::sync::Mutex::new(now),
            evicted: AtomicBool::new(false),
            evict: tokio::sync::Notify::new(),
        }
    }

    /// No request in flight.
    pub(super) fn at_rest(&self) -> bool {
        self.busy.load(Ordering::SeqCst) == 0
    }

    /// Since when it has been idle (no request in flight, no byte of a head), if it is and
    /// was not chosen to be closed already.
    pub(super) fn idle_since(&self) -> Option<Instant> {
        let idle = self.at_rest() && self.activity.first().is_none();
        let quiet = *self.quiet_since.lock().unwrap_or_else(|p| p.into_inner());
        (idle && !self.evicted.load(Ordering::SeqCst)).then_some(quiet)
    }

    /// Since when its unfinished head began, if it has one (bytes came, no request in flight)
    /// and was not chosen to be closed already: the next to close, after the idle ones, as a
    /// legitimate client sends its head at once.
    pub(super) fn head_since(&self) -> Option<Instant> {
        let begun = self.activity.first().filter(|_| self.at_rest());
        begun.filter(|_| !self.evicted.load(Ordering::SeqCst))
    }

    /// Until it is chosen to be closed to make room (at once if it was already): raced with
    /// its TLS handshake, so a handshake never finished is closed as an idle connection is.
    pub(super) async fn evicted(&self) {
        self.evict.notified().await;
    }

    /// Whether it was chosen to be closed already.
    pub(super) fn is_evicted(&self) -> bool {
        self.evicted.load(Ordering::SeqCst)
    }

    /// Closes it to make room, once it has no request in flight.
    pub(super) fn evict(&self) {
        self.evicted.store(true, Ordering::SeqCst);
        self.evict.notify_one();
    }

    fn quiet(&self) {
        *self.quiet_since.lock().unwrap_or_else(|p| p.into_inner()) = Instant::now();
    }
}

/// A connection's stream, telling [`Activity`] when bytes come.
struct Watched<T> {
    inner: T,
    activity: Arc<Activity>,
}

impl<T: AsyncRead + Unpin> AsyncRead for Watched<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.saw_bytes(&buf.filled()[before..]);
        }
        r
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Watched<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// One accepted connection.
pub(super) struct Conn<H> {
    pub(super) peer: String,
    pub(super) entry: Arc<Entry>,
    pub(super) limits: Limits,
    pub(super) handler: Arc<H>,
    pub(super) access: AccessLog,
    pub(super) budget: Arc<Budget>,
}

/// What a connection is waiting for when no request is in flight.
#[derive(Clone, Copy)]
enum Wait {
    /// Nothing came since the last answer: closed at the idle timeout.
    Idle(Instant),
    /// A new connection, or a request's first bytes came: its head must be read within the
    /// header timeout.
    Head(Instant),
}

/// A connection's timers without a request in flight.
struct Timers {
    limits: Limits,
    activity: Arc<Activity>,
    /// Requests in flight.
    busy: Arc<AtomicUsize>,
    entry: Arc<Entry>,
}

impl Timers {
    /// Runs `conn` until it ends (`true`), or until it must be closed (`false`): the server
    /// stops, or the idle timeout passes. A head not read within the header timeout ends it
    /// here, unanswered (`true`).
    async fn watch<H: Handler>(
        &self,
        mut conn: Pin<&mut impl Future<Output = Result<(), hyper::Error>>>,
        handler: &H,
        mut touch: tokio::sync::watch::Receiver<Instant>,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) -> bool {
        // A new connection has the header timeout for its first head, from accept (as
        // nginx's client_header_timeout), so one that sends nothing is not kept for the idle
        // timeout; after an answer, the idle timeout runs until the next request's first byte.
        let started = Instant::now();
        let mut idle_since = None;
        loop {
            let wait = match (idle_since, self.activity.first()) {
                (None, _) => Wait::Head(started),
                (Some(_), Some(at)) => Wait::Head(at),
                (Some(at), None) => Wait::Idle(at),
            };
            let until = match wait {
                Wait::Head(at) => at + self.limits.header,
                Wait::Idle(at) => at + self.limits.idle,
            };
            let idle = || self.busy.load(Ordering::SeqCst) == 0;
            tokio::select! {
                r = conn.as_mut() => {
                    ended(handler, r, &self.activity);
                    return true;
                }
                _ = stop.changed() => return false,
                _ = touch.changed() => idle_since = Some(*touch.borrow_and_update()),
                () = self.activity.wake.notified() => {}
                // Chosen to make room (idle, or an unfinished head): dropped at once, as
                // long as no request is in flight.
                () = self.entry.evict.notified(), if idle() => return true,
                () = tokio::time::sleep_until(until), if idle() => match wait {
                    _ if !idle() => {}
                    Wait::Head(_) => {
                        handler.timed_out(Timeout::Header);
                        return true;
                    }
                    Wait::Idle(_) => {
                        handler.timed_out(Timeout::Idle);
                        return false;
                    }
                },
            }
        }
    }
}

impl<H: Handler> Conn<H> {
    /// Requests one after another (keep-alive): each request answered within the request
    /// timeout; the first head read within the header timeout from accept; after an answer,
    /// the connection closed after the idle timeout when nothing comes, or after the header
    /// timeout once a request's first bytes came; and closed when the server stops.
    pub(super) async fn serve(
        self,
        stream: impl AsyncRead + AsyncWrite + Unpin + Send + 'static,
        stop: tokio::sync::watch::Receiver<bool>,
    ) {
        let entry = self.entry.clone();
        let (activity, busy) = (entry.activity.clone(), entry.busy.clone());
        let (touch_tx, touch_rx) = tokio::sync::watch::channel(Instant::now());
        let (limits, handler) = (self.limits, self.handler.clone());
        let in_flight = (busy.clone(), Arc::new(touch_tx), activity.clone());
        let service = Arc::new(self).service(in_flight);
        let watched = Watched {
            inner: stream,
            activity: activity.clone(),
        };
        // hyper's own header timer also runs while a kept-alive connection is idle, so it
        // would close it at the header timeout: the timers are kept here instead.
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(hyper_util::rt::TokioTimer::new())
            .header_read_timeout(None)
            // A legitimate head (a Stripe webhook's, a 512-byte token's) is far below this;
            // hyper's default (~400 KB) let 1,000 unfinished heads take 400 MB. Past it: 431
            // (or 414 for a request line that never ended).
            .max_buf_size(MAX_HEAD)
            .max_headers(MAX_HEADERS)
            .keep_alive(true)
            .serve_connection(TokioIo::new(watched), service);
        tokio::pin!(conn);
        let timers = Timers {
            limits,
            activity,
            busy,
            entry,
        };
        if timers.watch(conn.as_mut(), &*handler, touch_rx, stop).await {
            return;
        }
        // Stopping (or idle): answer the request in flight, then close.
        conn.as_mut().graceful_shutdown();
        let _ = tokio::time::timeout(limits.drain, conn).await;
    }

    /// The hyper service of the connection: each request answered, counted in flight, and
    /// the connection touched when it starts and ends.
    fn service(
        self: Arc<Self>,
        (busy, touch, seen): (
            Arc<AtomicUsize>,
            Arc<tokio::sync::watch::Sender<Instant>>,
            Arc<Activity>,
        ),
    ) -> impl hyper::service::Service<
        hyper::Request<hyper::body::Incoming>,
        Response = Response,
        Error = std::convert::Infallible,
        Future = impl Future<Output = Result<Response, std::convert::Infallible>> + Send,
    > {
        hyper::service::service_fn(move |req| {
            let (this, busy, touch, seen) =
                (self.clone(), busy.clone(), touch.clone(), seen.clone());
            async move {
                busy.fetch_add(1, Ordering::SeqCst);
                let _ = touch.send(Instant::now());
                let answer = this.answer(req).await;
                seen.arm();
                this.entry.quiet();
                busy.fetch_sub(1, Ordering::SeqCst);
                let _ = touch.send(Instant::now());
                Ok::<_, std::convert::Infallible>(answer)
            }
        })
    }

    /// Shows the handler the head, reads the body within its limits and the budget, asks the
    /// handler (all within the request timeout) and logs the access line.
    async fn answer(&self, req: hyper::Request<hyper::body::Incoming>) -> Response {
        let started = Instant::now();
        let at_ms = crate::domain::clock::now_ms();
        let request_id = format!("{:016x}", rand::random::<u64>());
        let (method, path) = (req.method().clone(), req.uri().path().to_string());
        let within = tokio::time::timeout(self.limits.request, async {
            let (head, body) = self.head(req, request_id.clone());
            self.admit_and_handle(head, body).await
        })
        .await;
        let (mut answer, bytes_in, core) = within.unwrap_or_else(|_| {
            self.handler.timed_out(Timeout::Request);
            let r = self.handler.core_answer(super::CoreAnswer {
                method: &method,
                path: &path,
                request_id: &request_id,
                status: StatusCode::REQUEST_TIMEOUT,
                code: "REQUEST_TIMEOUT",
                message: "the request took too long",
                retry_after: None,
            });
            (r, 0, true)
        });
        if core {
            let secs = started.elapsed().as_secs_f64();
            self.handler
                .answered(Some((&method, &path)), answer.status(), secs);
        }
        if let Ok(v) = hyper::header::HeaderValue::from_str(&request_id) {
            answer.headers_mut().insert("x-request-id", v);
        }
        let said = answer.extensions_mut().remove::<Logged>();
        let detail = answer
            .extensions_mut()
            .remove::<super::Detail>()
            .map(|d| d.0);
        if let Some(log) = &self.access {
            log(&Access {
                at_ms,
                request_id,
                peer: self.peer.clone(),
                method: method.to_string(),
                // Never a key or token that a caller put in the path.
                path: crate::domain::keys::redact_path(&path)
                    .chars()
                    .take(256)
                    .collect(),
                route: said.as_ref().map(|l| l.route),
                status: answer.status().as_u16(),
                outcome: said.and_then(|l| l.outcome),
                bytes_in,
                millis: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
                detail,
            });
        }
        answer
    }

    /// The request's head, and its body unread.
    fn head(
        &self,
        req: hyper::Request<hyper::body::Incoming>,
        request_id: String,
    ) -> (Head, hyper::body::Incoming) {
        let (parts, body) = req.into_parts();
        let head = Head {
            method: parts.method,
            path: parts.uri.path().to_string(),
            query: parts.uri.query().map(String::from),
            headers: parts.headers,
            peer: self.peer.clone(),
            received_at_ms: crate::domain::clock::now_ms(),
            request_id,
            extensions: hyper::http::Extensions::new(),
        };
        (head, body)
    }

    /// 503 `BUSY` with `Retry-After: 1`, in the route's dialect ([`Handler::core_answer`]).
    fn busy(&self, head: &Head, message: &'static str) -> Response {
        self.handler.core_answer(super::CoreAnswer {
            method: &head.method,
            path: &head.path,
            request_id: &head.request_id,
            status: StatusCode::SERVICE_UNAVAILABLE,
            code: "BUSY",
            message,
            retry_after: Some(1),
        })
    }

    /// The handler's admission; then the body, counted in the budget as it comes (unless the
    /// handler said the route has none), and the handler's answer. The answer, the body's
    /// size, and whether the core answered on its own. An answer given without reading a
    /// body the request has closes the connection (`Connection: close`): hyper would close
    /// it anyway, and a client told so does not race that close with its next request.
    async fn admit_and_handle(
        &self,
        mut head: Head,
        body: hyper::body::Incoming,
    ) -> (Response, usize, bool) {
        let has_body = !hyper::body::Body::is_end_stream(&body);
        if self.entry.reserve && !self.handler.is_probe(&head) {
            // A slot of the probes' reserve, beyond the cap: nothing else is served there.
            let busy = self.busy(&head, "too many connections; retry later");
            return (closing(busy, has_body), 0, true);
        }
        let mut share = Share::new(self.budget.clone(), &self.peer);
        let (req, unread) = match self.handler.admit(&mut head).await {
            // The body is dropped unpolled: hyper sends no 100 and reads none of it.
            Admission::Answer(r) => return (closing(r, has_body), 0, false),
            Admission::NoBody => (request(head, Ok(Bytes::new())), has_body),
            Admission::Read => match self.read(&head, body, &mut share).await {
                Some(body) => {
                    // Refused (413, 408, 400): not read whole.
                    let unread = has_body && body.is_err();
                    (request(head, body), unread)
                }
                None => {
                    let why = "too many request bodies in memory at once (--max-body-memory); nothing was recorded, retry later";
                    return (closing(self.busy(&head, why), has_body), 0, true);
                }
            },
        };
        let bytes_in = req.body.as_ref().map_or(0, Bytes::len);
        let answer = self.handler.handle(req).await;
        drop(share);
        (closing(answer, unread), bytes_in, false)
    }

    /// The body, read within the body timeout and size limit (or why not); `None` when its
    /// bytes do not fit in the caller's share of the budget or in the budget.
    async fn read(
        &self,
        head: &Head,
        body: hyper::body::Incoming,
        share: &mut Share,
    ) -> Option<Result<Bytes, Refused>> {
        let max = self.limits.max_body;
        let declared = head
            .headers
            .get(hyper::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if let Some(n) = declared.filter(|n| *n > max as u64) {
            return Some(Err(too_large(max, Some(n))));
        }
        let started = Instant::now();
        let mut body = Limited::new(body, max);
        // A declared length that does not fit now is refused: unread when the caller waits for
        // a 100 (none is sent), else read and dropped (see `drop_rest`).
        if declared.is_some_and(|n| !share.fits(n)) {
            if !expects_continue(&head.headers) {
                self.drop_rest(&mut body, started).await;
            }
            return None;
        }
        let collect = collect(&mut body, share, started);
        match tokio::time::timeout(self.limits.body, collect).await {
            Err(_) => {
                let secs = self.limits.body.as_secs();
                Some(Err(
                    self.too_slow(format!("the body took over {secs} s to arrive"))
                ))
            }
            Ok(Err(Over::Slow)) => Some(Err(self.too_slow(format!(
                "the body came slower than {} KiB/s after {} s",
                MIN_BODY_RATE / 1024,
                SLOW_GRACE.as_secs()
            )))),
            Ok(Err(Over::Budget)) => {
                self.drop_rest(&mut body, started).await;
                None
            }
            Ok(Ok(b)) => Some(Ok(b)),
            Ok(Err(Over::Limit)) => Some(Err(too_large(max, None))),
            Ok(Err(Over::Broken(e))) => Some(Err(Refused {
                status: StatusCode::BAD_REQUEST,
                reason: format!("failed to read the body: {e}"),
            })),
        }
    }

    /// A body cut for time (408, counted as a body timeout): the body timeout passed, or it
    /// came slower than [`MIN_BODY_RATE`].
    fn too_slow(&self, reason: String) -> Refused {
        self.handler.timed_out(Timeout::Body);
        Refused {
            status: StatusCode::REQUEST_TIMEOUT,
            reason,
        }
    }

    /// Reads the rest of a refused body and drops it (within the body timeout and size
    /// limit, holding none of it), so the caller gets its 503 on a connection that is not
    /// reset under it while it still sends.
    async fn drop_rest(&self, body: &mut Limited<hyper::body::Incoming>, started: Instant) {
        let rest = async { while let Some(Ok(_)) = body.frame().await {} };
        let _ = tokio::time::timeout_at(started + self.limits.body, rest).await;
    }
}

/// A body over the limit (413): `n` bytes when its length was declared.
fn too_large(max: usize, n: Option<u64>) -> Refused {
    let size = n.map_or(String::new(), |n| {
        format!("{}, ", crate::util::plural::count(n, "byte", "bytes"))
    });
    Refused {
        status: StatusCode::PAYLOAD_TOO_LARGE,
        reason: format!("body too large: {size}over the {max} byte limit"),
    }
}

/// Whether a request waits for `100 Continue` before it sends its body.
fn expects_continue(headers: &hyper::HeaderMap) -> bool {
    headers
        .get(hyper::header::EXPECT)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"))
}

/// The core's 503 `BUSY`, with `Retry-After`.
/// Why a body was not read whole.
enum Over {
    /// Past the caller's share of the memory budget, or the budget.
    Budget,
    /// Past `--max-body`.
    Limit,
    /// Slower than [`MIN_BODY_RATE`] after [`SLOW_GRACE`].
    Slow,
    Broken(Box<dyn std::error::Error + Send + Sync>),
}

/// A body's bytes, each counted in `share` before it is kept. The buffer grows with the
/// bytes that came, never ahead of them to a declared length (a caller that declares 4 MiB
/// and sends a byte makes it hold a byte). Once it has taken [`SLOW_GRACE`] since `started`,
/// the body must keep coming at [`MIN_BODY_RATE`] on average, or it is cut (`Over::Slow`).
async fn collect(
    body: &mut Limited<hyper::body::Incoming>,
    share: &mut Share,
    started: Instant,
) -> Result<Bytes, Over> {
    let mut buf = Vec::new();
    loop {
        let due = started + SLOW_GRACE.max(at_rate(buf.len()));
        let frame = match tokio::time::timeout_at(due, body.frame()).await {
            Err(_) => return Err(Over::Slow),
            Ok(None) => break,
            Ok(Some(frame)) => frame,
        };
        let frame = frame.map_err(|e| {
            if e.is::<http_body_util::LengthLimitError>() {
                Over::Limit
            } else {
                Over::Broken(e)
            }
        })?;
        if let Ok(data) = frame.into_data() {
            share.grow(data.len()).map_err(|()| Over::Budget)?;
            buf.extend_from_slice(&data);
        }
    }
    Ok(Bytes::from(buf))
}

/// How long `bytes` take at [`MIN_BODY_RATE`].
fn at_rate(bytes: usize) -> std::time::Duration {
    std::time::Duration::from_secs_f64(bytes as f64 / MIN_BODY_RATE as f64)
}

/// `answer`, with `Connection: close` when `close` (a body was left unread).
fn closing(mut answer: Response, close: bool) -> Response {
    if close {
        answer.headers_mut().insert(
            hyper::header::CONNECTION,
            hyper::header::HeaderValue::from_static("close"),
        );
    }
    answer
}

/// The request of `head`, with its body (or why it was not read).
fn request(head: Head, body: Result<Bytes, Refused>) -> Request {
    Request {
        method: head.method,
        path: head.path,
        query: head.query,
        headers: head.headers,
        peer: head.peer,
        received_at_ms: head.received_at_ms,
        request_id: head.request_id,
        body,
        extensions: head.extensions,
    }
}

/// A connection ended: hyper's own answer to a head it could not read (400, 414, 431) is
/// told to the handler. A head too large for the buffer whose request line had not ended is
/// a URI too long (hyper says only "too large").
fn ended<H: Handler>(handler: &H, r: Result<(), hyper::Error>, activity: &Activity) {
    let Err(e) = r else { return };
    let status = if e.is_parse_too_large() {
        let line_ended = activity.line_ended.load(Ordering::Relaxed);
        if !line_ended || e.to_string().contains("URI too long") {
            StatusCode::URI_TOO_LONG
        } else {
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE
        }
    } else if e.is_parse() && !e.is_parse_version_h2() {
        StatusCode::BAD_REQUEST
    } else {
        return;
    };
    handler.answered(None, status, 0.0);
}
