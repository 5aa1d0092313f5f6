//! The one HTTP/1.1 server core (hyper) that billctl's services are routes on: the accept loop
//! and the connection cap, the header, body, request and idle timeouts, the body limit,
//! graceful shutdown (SIGTERM or Ctrl-C, then a drain deadline), JSON error answers and the
//! access log line. A service gives it a [`Handler`]; the core first shows the handler the
//! request's head ([`Handler::admit`]: a caller without a token is answered before any of its
//! body is read, and an `Expect: 100-continue` client gets no 100), then reads the body within
//! its limits and the memory budget of all bodies in flight, and hands the handler the whole
//! request, or the reason it could not be read, so that the service can record a refused
//! request as well as a good one. What the core answers or closes on its own, it tells the
//! handler ([`Handler::answered`], [`Handler::timed_out`]) for the service's metrics.
//!
//! When accept fails (out of file descriptors, say), the accept loop backs off, 10 ms doubling
//! up to 1 s and back to 10 ms after the next accept, instead of spinning.

use bytes::Bytes;
use http_body_util::Full;
use hyper::{HeaderMap, Method, StatusCode};
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;

mod conn;
pub mod metrics;
pub mod notify;
pub mod reload;
mod slots;
pub mod tls;

use conn::Conn;

/// Where a server accepts connections: a TCP port, or a Unix socket (`unix:PATH`) for callers
/// on the same host.
pub enum Listener {
    Tcp(TcpListener),
    Unix(tokio::net::UnixListener),
}

impl From<TcpListener> for Listener {
    fn from(l: TcpListener) -> Listener {
        Listener::Tcp(l)
    }
}

/// A connection as accepted, before any TLS.
enum Accepted {
    Tcp(tokio::net::TcpStream),
    Unix(tokio::net::UnixStream),
}

impl Listener {
    /// The next connection and its peer's name (`ADDR:PORT`; for a Unix socket `unix pid N`
    /// from its credentials, so that each local process is its own caller of the body budget,
    /// or `unix` when they cannot be read).
    async fn accept(&self) -> std::io::Result<(Accepted, String)> {
        match self {
            Listener::Tcp(l) => {
                let (s, peer) = l.accept().await?;
                let _ = s.set_nodelay(true);
                Ok((Accepted::Tcp(s), peer.to_string()))
            }
            Listener::Unix(l) => {
                let (s, _) = l.accept().await?;
                let peer = match s.peer_cred().ok().and_then(|c| c.pid()) {
                    Some(pid) => format!("unix pid {pid}"),
                    None => "unix".to_string(),
                };
                Ok((Accepted::Unix(s), peer))
            }
        }
    }
}

/// Where a server is told to listen (`ADDR:PORT`, or `unix:PATH`).
#[derive(Debug, Clone)]
pub enum Address {
    Tcp(std::net::SocketAddr),
    Unix(std::path::PathBuf),
}

impl Address {
    /// Reads `--listen`'s value.
    pub fn parse(listen: &str) -> anyhow::Result<Address> {
        use anyhow::Context;
        if let Some(path) = listen.strip_prefix("unix:") {
            anyhow::ensure!(
                !path.is_empty(),
                "invalid --listen {listen:?}: unix: needs a socket path"
            );
            return Ok(Address::Unix(path.into()));
        }
        use std::net::ToSocketAddrs;
        listen
            .to_socket_addrs()
            .with_context(|| {
                format!("invalid --listen {listen:?}: expected ADDR:PORT or unix:PATH")
            })?
            .next()
            .map(Address::Tcp)
            .with_context(|| format!("invalid --listen {listen:?}: no address"))
    }

    /// Whether only this host can reach it: loopback, or a unix socket.
    pub fn is_local(&self) -> bool {
        match self {
            Address::Tcp(a) => a.ip().is_loopback(),
            Address::Unix(_) => true,
        }
    }

    /// Binds it (inside the runtime); the listener and the URL it answers on. A unix socket
    /// left by a process that is gone is replaced; any other file there is kept.
    pub fn bind(&self, tls: bool) -> std::io::Result<(Listener, String)> {
        match self {
            Address::Tcp(a) => {
                let l = std::net::TcpListener::bind(a)?;
                l.set_nonblocking(true)?;
                let scheme = if tls { "https" } else { "http" };
                let url = format!("{scheme}://{}", l.local_addr()?);
                Ok((TcpListener::from_std(l)?.into(), url))
            }
            Address::Unix(path) => {
                if std::os::unix::net::UnixStream::connect(path).is_err() {
                    use std::os::unix::fs::FileTypeExt;
                    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_socket()) {
                        let _ = std::fs::remove_file(path);
                    }
                }
                let l = tokio::net::UnixListener::bind(path)?;
                Ok((Listener::Unix(l), format!("unix:{}", path.display())))
            }
        }
    }

    /// Removes the socket file of a unix address (once the server has stopped).
    pub fn remove_socket(&self) {
        if let Address::Unix(path) = self {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// How a server runs besides its limits: the access log, TLS, and a gauge of open connections.
#[derive(Clone, Default)]
pub struct Options {
    pub access: AccessLog,
    /// Connections are TLS (rustls) when set; the handshake must end within the header timeout.
    pub tls: Option<tokio_rustls::TlsAcceptor>,
    /// Kept at the number of connections open (for metrics).
    pub open: Option<Arc<AtomicUsize>>,
    /// What SIGHUP re-reads (its handler installed before the server says where it listens).
    pub reload: Option<Arc<reload::Reload>>,
    /// The status systemd shows once the server is ready (`READY=1`, [`notify`]).
    pub status: String,
}

/// An answer.
pub type Response = hyper::Response<Full<Bytes>>;

/// Time, size and connection limits of a server.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Connections at once; past it, the connection idle longest (or in its TLS handshake) is
    /// closed to make room, else the unfinished head begun longest ago (never a request in
    /// flight), and else a new one gets 503 without its request being read (a few slots
    /// beyond it answer only the probes, [`Handler::is_probe`]; 503 to all on a server
    /// without them). A connection costs 10 to 40 KB (measured: 8 KB with nothing sent, 38 KB
    /// with a byte of a head; hyper's first read and write buffers are 8 KiB each, not
    /// settable), up to about 90 KB with an unfinished head of 64 KiB.
    pub max_connections: usize,
    /// To read a request's headers.
    pub header: Duration,
    /// To read a request's body.
    pub body: Duration,
    /// For a whole request, answer included.
    pub request: Duration,
    /// A keep-alive connection without a request is closed after this.
    pub idle: Duration,
    /// The largest body read, in bytes.
    pub max_body: usize,
    /// The bytes of all bodies in memory at once, across connections, counted as they come
    /// past each body's first 64 KiB (its connection's own, so at most `max_connections` ×
    /// 64 KiB more in all): a body whose bytes do not fit, or past its caller's share (a
    /// quarter of it, or `max_body` if more), is answered 503 with `Retry-After` and not
    /// handled.
    pub body_memory: usize,
    /// How long a stopping server waits for requests in flight.
    pub drain: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: 1024,
            header: Duration::from_secs(10),
            body: Duration::from_secs(30),
            request: Duration::from_secs(60),
            idle: Duration::from_secs(60),
            max_body: 1024 * 1024,
            body_memory: DEFAULT_BODY_MEMORY,
            drain: Duration::from_secs(10),
        }
    }
}

/// The default memory budget of bodies in flight (`--max-body-memory`): 64 MiB.
pub const DEFAULT_BODY_MEMORY: usize = 64 * 1024 * 1024;

impl Limits {
    /// Whether the limits make sense together: a body as large as `max_body` must fit in the
    /// memory budget, or it would be refused forever.
    pub fn check(&self) -> anyhow::Result<()> {
        anyhow::ensure!(
            self.body_memory >= self.max_body,
            "--max-body-memory {} is below --max-body {}: a body of the largest size could never be read",
            self.body_memory,
            self.max_body
        );
        Ok(())
    }
}

/// A request as the core shows it to [`Handler::admit`]: its head, before any of its body is
/// read. What the handler puts in `extensions` comes back in [`Request::extensions`].
#[derive(Debug)]
pub struct Head {
    pub method: Method,
    /// The URI's path, without the query.
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    /// `ADDR:PORT`, or `unix pid N` (`unix` when the peer's credentials cannot be read).
    pub peer: String,
    /// When its headers were read (UTC, milliseconds).
    pub received_at_ms: i64,
    /// This request's id: the answer's `X-Request-Id` and the access log's `request_id`.
    pub request_id: String,
    /// What the handler decided at admission, for `handle`.
    pub extensions: hyper::http::Extensions,
}

/// What a handler decides from a request's head.
pub enum Admission {
    /// Read the body (within the limits and the memory budget), then call `handle`.
    Read,
    /// Call `handle` with an empty body, never reading the request's (a route that takes
    /// none): none of the memory budget is taken.
    NoBody,
    /// Answer this without reading the body (the body is never polled, so a client that
    /// asked `Expect: 100-continue` gets no 100 and sends nothing).
    Answer(Response),
}

/// A timer of the core that ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timeout {
    /// The request's headers (or the TLS handshake) did not come in time: closed, unanswered.
    Header,
    /// The body did not come in time: the handler was told (408).
    Body,
    /// The whole request took too long: the core answered 408.
    Request,
    /// A kept-alive connection had no request for the idle timeout: closed.
    Idle,
}

impl Timeout {
    pub const ALL: [Timeout; 4] = [
        Timeout::Header,
        Timeout::Body,
        Timeout::Request,
        Timeout::Idle,
    ];

    /// Its name in the metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            Timeout::Header => "header",
            Timeout::Body => "body",
            Timeout::Request => "request",
            Timeout::Idle => "idle",
        }
    }
}

/// One request, its body read (or the reason it was not).
#[derive(Debug)]
pub struct Request {
    pub method: Method,
    /// The URI's path, without the query.
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    /// `ADDR:PORT`, or `unix pid N` (`unix` when the peer's credentials cannot be read).
    pub peer: String,
    /// When its headers were read (UTC, milliseconds).
    pub received_at_ms: i64,
    /// This request's id: the answer's `X-Request-Id` and the access log's `request_id`.
    pub request_id: String,
    pub body: Result<Bytes, Refused>,
    /// What the handler put there at admission ([`Head::extensions`]).
    pub extensions: hyper::http::Extensions,
}

/// Why a body was not read: too large (413), too slow (408) or broken (400).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub status: StatusCode,
    pub reason: String,
}

/// A service: answers each request. The core bounds the time it may take.
pub trait Handler: Send + Sync + 'static {
    /// Looks at a request's head before any of its body is read: a caller that must be
    /// refused (no token) is answered here, so its body is never read nor buffered. The
    /// handler counts and logs what it answers here, as it does in `handle`.
    fn admit(&self, head: &mut Head) -> impl Future<Output = Admission> + Send {
        let _ = head;
        std::future::ready(Admission::Read)
    }

    fn handle(&self, req: Request) -> impl Future<Output = Response> + Send;

    /// Whether a head is a probe's (liveness, readiness): the only requests answered on the
    /// few slots kept beyond the connection cap, so that a full cap never fails a probe.
    fn is_probe(&self, head: &Head) -> bool {
        let _ = head;
        false
    }

    /// The core answered `status` on its own after `secs` (a 503 over the connection cap or
    /// the body memory budget, a 408 past the request timeout, hyper's 400, 414 or 431 to a
    /// head it could not read): `head` is the request's method and path, when they were read.
    fn answered(&self, head: Option<(&Method, &str)>, status: StatusCode, secs: f64) {
        let _ = (head, status, secs);
    }

    /// One of the core's timers ran out.
    fn timed_out(&self, which: Timeout) {
        let _ = which;
    }

    /// Words an answer the core gives on its own to a request whose head it read (see
    /// [`CoreAnswer`]); by default billctl's `{"error", "code"}` with `Retry-After` when set.
    fn core_answer(&self, a: CoreAnswer<'_>) -> Response {
        a.billctl()
    }
}

/// An answer the core gives on its own to a request whose head it read (503 BUSY over the
/// body memory budget, 408 REQUEST_TIMEOUT), for the handler to word in the route's dialect.
///
/// The core's other answers stay billctl's `{"error", "code"}` ([`coded`]) or hyper's own, as
/// no route is known for them: the 503 past the connection cap is written before any head is
/// read, and hyper's 400, 414 and 431 answer a head it could not read.
pub struct CoreAnswer<'a> {
    pub method: &'a Method,
    pub path: &'a str,
    pub request_id: &'a str,
    pub status: StatusCode,
    pub code: &'static str,
    pub message: &'static str,
    pub retry_after: Option<u32>,
}

impl CoreAnswer<'_> {
    /// The answer in billctl's words: `{"error": message, "code": code}`, and `Retry-After`.
    pub fn billctl(&self) -> Response {
        let mut r = coded(self.status, self.code, self.message);
        if let Some(s) = self.retry_after {
            r.headers_mut().insert(
                hyper::header::RETRY_AFTER,
                hyper::header::HeaderValue::from(s),
            );
        }
        r
    }
}

/// One line of the access log: who asked what, the answer, and how long it took.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Access {
    /// When the request came (UTC, milliseconds).
    pub at_ms: i64,
    /// This request's id, also in the answer's `X-Request-Id`.
    pub request_id: String,
    pub peer: String,
    pub method: String,
    pub path: String,
    /// The route's name, when the handler said it ([`Logged`]).
    pub route: Option<&'static str>,
    pub status: u16,
    /// What the request came to (a verdict code, `stored`...), when the handler said it.
    pub outcome: Option<String>,
    /// Bytes of the request body read.
    pub bytes_in: usize,
    pub millis: u64,
    /// What went wrong behind an error answer ([`Detail`]): for the log, never the caller.
    pub detail: Option<String>,
}

/// Why an error answer was given, in full (a store's error names its host, database or file):
/// an extension of the answer that the core moves into the access log and never sends.
#[derive(Debug, Clone)]
pub struct Detail(pub String);

/// What a handler tells the access log about a request, as an extension of its answer:
/// the route's name and what the request came to. Never a key, token or body.
#[derive(Debug, Clone)]
pub struct Logged {
    pub route: &'static str,
    pub outcome: Option<String>,
}

/// Attaches `route` and `outcome` to an answer for the access log.
pub fn logged(mut r: Response, route: &'static str, outcome: Option<String>) -> Response {
    r.extensions_mut().insert(Logged { route, outcome });
    r
}

impl Access {
    /// The line as a text log prints it: `peer METHOD /path status bytes ms`.
    pub fn line(&self) -> String {
        format!(
            "{} {} {} {} {}B {}ms",
            self.peer, self.method, self.path, self.status, self.bytes_in, self.millis
        )
    }
}

/// Where access lines go (`None`: nowhere).
pub type AccessLog = Option<Arc<dyn Fn(&Access) + Send + Sync>>;

/// An answer with `body` of `content_type`.
pub fn body(status: StatusCode, content_type: &'static str, body: impl Into<Bytes>) -> Response {
    let mut r = Response::new(Full::new(body.into()));
    *r.status_mut() = status;
    r.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static(content_type),
    );
    r
}

/// A JSON answer; a document that cannot be serialized is the core's 500 (never a `null` or
/// empty body), its cause in the access log.
pub fn json<T: serde::Serialize + ?Sized>(status: StatusCode, doc: &T) -> Response {
    // The one writer: controls and bidi characters escaped, so a body is safe on a terminal.
    match crate::util::text::json_text(doc, false) {
        Ok(text) => body(status, "application/json", text),
        Err(e) => unwritable(&e),
    }
}

/// The code of [`unwritable`]'s answer.
pub const INTERNAL: &str = "INTERNAL_ERROR";

/// 500: an answer could not be written. The caller gets the core's `{"error", "code"}`; the
/// cause goes to the access log.
fn unwritable(e: &serde_json::Error) -> Response {
    let mut r = coded(
        StatusCode::INTERNAL_SERVER_ERROR,
        INTERNAL,
        "the answer could not be written; the log has the details under this answer's X-Request-Id",
    );
    r.extensions_mut()
        .insert(Detail(format!("failed to serialize the answer: {e}")));
    r
}

/// A JSON error answer: `{"error": message}`.
pub fn error(status: StatusCode, message: &str) -> Response {
    json(status, &serde_json::json!({ "error": message }))
}

/// A JSON error answer of the core's own: `{"error": message, "code": code}`.
pub fn coded(status: StatusCode, code: &str, message: &str) -> Response {
    let doc = serde_json::json!({ "error": message, "code": code });
    // A `Value` of strings always serializes.
    body(
        status,
        "application/json",
        crate::util::text::json_text(&doc, false).unwrap_or_default(),
    )
}

/// Ctrl-C or SIGTERM. The handlers are installed by this call, not when the future is first
/// polled, so a signal that comes right after a server said where it listens is never lost
/// (nor left to kill the process). Call it inside the runtime.
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    use tokio::signal::unix::{signal, SignalKind};
    let term = signal(SignalKind::terminate()).ok();
    let int = signal(SignalKind::interrupt()).ok();
    async move {
        let wait = |s: Option<tokio::signal::unix::Signal>| async move {
            match s {
                Some(mut s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            () = wait(term) => {}
            () = wait(int) => {}
        }
    }
}

/// Serves `handler` on `listener` until `shutdown` resolves; then every connection finishes
/// its request in flight and closes, and one that takes longer than the drain deadline is
/// dropped. Returns once every connection is gone.
pub async fn serve<H: Handler>(
    listener: TcpListener,
    limits: Limits,
    handler: Arc<H>,
    access: AccessLog,
    shutdown: impl Future<Output = ()>,
) {
    let options = Options {
        access,
        ..Options::default()
    };
    serve_on(listener.into(), limits, options, handler, shutdown).await;
}

/// [`serve`] on a TCP port or a Unix socket, with TLS and a gauge of open connections.
pub async fn serve_on<H: Handler>(
    listener: Listener,
    limits: Limits,
    options: Options,
    handler: Arc<H>,
    shutdown: impl Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    // Ready before any reload can say RELOADING=1: systemd reads them in this order.
    notify::ready(&options.status);
    let mut watchdog = notify::Watchdog::start();
    let reloading = options
        .reload
        .clone()
        .map(|r| AbortOnDrop(tokio::spawn(r.run())));
    let mut conns = tokio::task::JoinSet::new();
    // Tells every connection to finish its request in flight and close.
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let shared = Arc::new(Shared {
        limits,
        options,
        handler,
        budget: Arc::new(conn::Budget::new(limits.body_memory, limits.max_body)),
        slots: slots::Slots::new(limits.max_connections),
        stop: stop_rx,
    });
    let mut backoff = Duration::from_millis(10);
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            () = &mut shutdown => break,
            () = watchdog.tick() => continue,
        };
        let Ok((stream, peer)) = accepted else {
            // Out of file descriptors (or another accept error): back off instead of
            // spinning, up to a second, so connections in flight can finish.
            tokio::select! {
                () = tokio::time::sleep(backoff) => {}
                () = &mut shutdown => break,
            }
            backoff = (backoff * 2).min(Duration::from_secs(1));
            continue;
        };
        backoff = Duration::from_millis(10);
        conns.spawn(connection(shared.clone(), stream, peer));
        // Reap finished connections so the set does not grow without bound.
        while conns.try_join_next().is_some() {}
    }
    // No reload once stopping (a SIGHUP now is ignored: the handler stays installed).
    drop(reloading);
    notify::stopping();
    let _ = stop_tx.send(true);
    drain(conns, limits.drain, &mut watchdog).await;
}

/// What the connections of a server share.
struct Shared<H> {
    limits: Limits,
    options: Options,
    handler: Arc<H>,
    budget: Arc<conn::Budget>,
    slots: Arc<slots::Slots>,
    stop: tokio::sync::watch::Receiver<bool>,
}

/// One accepted connection, served in a slot ([`slots::Slots::take`]), or refused 503 when
/// none is free.
async fn connection<H: Handler>(shared: Arc<Shared<H>>, stream: Accepted, peer: String) {
    let (limits, tls) = (shared.limits, shared.options.tls.clone());
    let Some(held) = shared.slots.take().await else {
        return refuse_busy(stream, tls, limits.header, shared.handler.clone()).await;
    };
    let _open = Gauge::up(shared.options.open.clone());
    let conn = Conn {
        peer,
        entry: held.entry.clone(),
        limits,
        handler: shared.handler.clone(),
        access: shared.options.access.clone(),
        budget: shared.budget.clone(),
    };
    // A handshake never finished is closed when its slot is taken for another.
    let opened = tokio::select! {
        s = open_stream(stream, tls, limits.header) => s,
        () = held.entry.evicted() => Err(None),
    };
    match opened {
        Ok(io) => conn.serve(io, shared.stop.clone()).await,
        Err(Some(t)) => conn.handler.timed_out(t),
        Err(None) => {}
    }
    drop(held);
}

/// Waits for every connection to finish, up to `within`; then drops the rest. The watchdog
/// goes on ticking meanwhile.
async fn drain(
    mut conns: tokio::task::JoinSet<()>,
    within: Duration,
    watchdog: &mut notify::Watchdog,
) {
    let drained = tokio::time::timeout(within, async {
        loop {
            tokio::select! {
                next = conns.join_next() => if next.is_none() { break },
                () = watchdog.tick() => {}
            }
        }
    })
    .await;
    if drained.is_err() {
        conns.shutdown().await;
    }
}

/// A task that ends with its owner (the SIGHUP loop with the server).
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// One open connection on the gauge while it lives.
struct Gauge(Option<Arc<AtomicUsize>>);

impl Gauge {
    fn up(g: Option<Arc<AtomicUsize>>) -> Gauge {
        if let Some(g) = &g {
            g.fetch_add(1, Ordering::Relaxed);
        }
        Gauge(g)
    }
}

impl Drop for Gauge {
    fn drop(&mut self) {
        if let Some(g) = &self.0 {
            g.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

/// A connection's byte stream: a TCP or unix stream, or TLS over one.
pub(crate) trait Io: AsyncRead + AsyncWrite + Unpin + Send {}

impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// The stream of an accepted connection: as it came, or after a TLS handshake that must end
/// within `within` (else the timeout, or `None` when the handshake failed).
async fn open_stream(
    stream: Accepted,
    tls: Option<tokio_rustls::TlsAcceptor>,
    within: Duration,
) -> Result<Box<dyn Io>, Option<Timeout>> {
    let plain: Box<dyn Io> = match stream {
        Accepted::Tcp(s) => Box::new(s),
        Accepted::Unix(s) => Box::new(s),
    };
    match tls {
        None => Ok(plain),
        Some(t) => match tokio::time::timeout(within, t.accept(plain)).await {
            Ok(Ok(s)) => Ok(Box::new(s)),
            Ok(Err(_)) => Err(None),
            Err(_) => Err(Some(Timeout::Header)),
        },
    }
}

/// Answers 503 to a connection over the cap and closes it (after the TLS handshake, within
/// the header timeout, on a TLS server); the handler is told, for its metrics.
async fn refuse_busy<H: Handler>(
    stream: Accepted,
    tls: Option<tokio_rustls::TlsAcceptor>,
    within: Duration,
    handler: Arc<H>,
) {
    let started = tokio::time::Instant::now();
    let _ = tokio::time::timeout(within, async move {
        if let Ok(io) = open_stream(stream, tls, within).await {
            // Counted before it is sent: a caller that reads the 503 sees it counted.
            let secs = started.elapsed().as_secs_f64();
            handler.answered(None, StatusCode::SERVICE_UNAVAILABLE, secs);
            write_busy(io).await;
        }
    })
    .await;
}

async fn write_busy(mut stream: impl AsyncWrite + Unpin) {
    use tokio::io::AsyncWriteExt;
    let body = "{\"error\":\"too many connections; retry later\",\"code\":\"BUSY\"}";
    let resp = format!(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: {}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = tokio::time::timeout(Duration::from_secs(1), stream.write_all(resp.as_bytes())).await;
    let _ = stream.shutdown().await;
}

#[cfg(test)]
mod tests;
