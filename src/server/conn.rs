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
use hyper::body::Body;
use hyper::StatusCode;
use hyper_util::rt::TokioIo;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Instant;

/// The memory budget of all bodies in flight, in KiB (a semaphore's permits).
pub(super) struct Budget(Arc<tokio::sync::Semaphore>);

/// A body's share of the budget, given back when dropped.
pub(super) type Share = Option<tokio::sync::OwnedSemaphorePermit>;

impl Budget {
    pub(super) fn new(bytes: usize) -> Budget {
        let kib = (bytes / 1024).clamp(1, tokio::sync::Semaphore::MAX_PERMITS);
        Budget(Arc::new(tokio::sync::Semaphore::new(kib)))
    }

    /// A share for a body of `bytes`, or `Err` when it does not fit now.
    fn take(&self, bytes: u64) -> Result<Share, ()> {
        if bytes == 0 {
            return Ok(None);
        }
        let kib = u32::try_from(bytes.div_ceil(1024)).map_err(|_| ())?;
        self.0
            .clone()
            .try_acquire_many_owned(kib)
            .map(Some)
            .map_err(|_| ())
    }
}

/// When a connection's bytes first came since it was last idle (for the header timer), and a
/// wake-up for the connection's task when they do.
struct Activity {
    start: Instant,
    /// Nanoseconds after `start` (0: none since armed).
    first: AtomicU64,
    wake: tokio::sync::Notify,
}

impl Activity {
    fn saw_bytes(&self) {
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
    }

    fn first(&self) -> Option<Instant> {
        match self.first.load(Ordering::Relaxed) {
            0 => None,
            ns => Some(self.start + std::time::Duration::from_nanos(ns)),
        }
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
            self.activity.saw_bytes();
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
                    ended(handler, r);
                    return true;
                }
                _ = stop.changed() => return false,
                _ = touch.changed() => idle_since = Some(*touch.borrow_and_update()),
                () = self.activity.wake.notified() => {}
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
        let activity = Arc::new(Activity {
            start: Instant::now(),
            first: AtomicU64::new(0),
            wake: tokio::sync::Notify::new(),
        });
        let (touch_tx, touch_rx) = tokio::sync::watch::channel(Instant::now());
        let busy = Arc::new(AtomicUsize::new(0));
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
            .keep_alive(true)
            .serve_connection(TokioIo::new(watched), service);
        tokio::pin!(conn);
        let timers = Timers {
            limits,
            activity,
            busy,
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
        let at_ms = crate::clock::now_ms();
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
                path: crate::keys::redact_path(&path).chars().take(256).collect(),
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
            received_at_ms: crate::clock::now_ms(),
            request_id,
            extensions: hyper::http::Extensions::new(),
        };
        (head, body)
    }

    /// The handler's admission; then the body, if the budget holds it, and the handler's
    /// answer. The answer, the body's size, and whether the core answered on its own.
    async fn admit_and_handle(
        &self,
        mut head: Head,
        body: hyper::body::Incoming,
    ) -> (Response, usize, bool) {
        if let Admission::Answer(r) = self.handler.admit(&mut head).await {
            // The body is dropped unpolled: hyper sends no 100 and reads none of it.
            return (r, 0, false);
        }
        // A body of unknown length may grow to the limit: that much is set aside. One
        // declared over the limit is refused unread (413): nothing to set aside.
        let max = self.limits.max_body as u64;
        let size = match body.size_hint().exact() {
            Some(n) if n > max => 0,
            Some(n) => n,
            None => max,
        };
        let Ok(share) = self.budget.take(size) else {
            let r = self.handler.core_answer(super::CoreAnswer {
                method: &head.method,
                path: &head.path,
                request_id: &head.request_id,
                status: StatusCode::SERVICE_UNAVAILABLE,
                code: "BUSY",
                message: "too many request bodies in memory at once (--max-body-memory); nothing was recorded, retry later",
                retry_after: Some(1),
            });
            return (r, 0, true);
        };
        let req = self.read(head, body).await;
        let bytes_in = req.body.as_ref().map_or(0, Bytes::len);
        let answer = self.handler.handle(req).await;
        drop(share);
        (answer, bytes_in, false)
    }

    /// The request with its body, read within the body timeout and size limit.
    async fn read(&self, head: Head, body: hyper::body::Incoming) -> Request {
        let max = self.limits.max_body;
        let too_large = |n: &str| Refused {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            reason: format!("body too large: {n} bytes, over the {max} byte limit"),
        };
        let declared = head
            .headers
            .get(hyper::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        let body = match declared.filter(|n| *n > max as u64) {
            Some(n) => Err(too_large(&n.to_string())),
            None => match tokio::time::timeout(self.limits.body, Limited::new(body, max).collect())
                .await
            {
                Err(_) => {
                    self.handler.timed_out(Timeout::Body);
                    Err(Refused {
                        status: StatusCode::REQUEST_TIMEOUT,
                        reason: format!(
                            "the body took over {} s to arrive",
                            self.limits.body.as_secs()
                        ),
                    })
                }
                Ok(Ok(b)) => Ok(b.to_bytes()),
                Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => {
                    Err(too_large("more than that"))
                }
                Ok(Err(e)) => Err(Refused {
                    status: StatusCode::BAD_REQUEST,
                    reason: format!("failed to read the body: {e}"),
                }),
            },
        };
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
}

/// A connection ended: hyper's own answer to a head it could not read (400, 414, 431) is
/// told to the handler.
fn ended<H: Handler>(handler: &H, r: Result<(), hyper::Error>) {
    let Err(e) = r else { return };
    let status = if e.is_parse_too_large() {
        if e.to_string().contains("URI too long") {
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
