//! billctl's one HTTP client: hyper's pooled client over a connector that follows the proxy
//! rules ([`super::proxy`]): https targets through a CONNECT tunnel (TLS to the target inside
//! it), http targets in absolute form to the proxy, as curl does (`Proxy-Authorization` on
//! each request), and everything the proxy sends bounded in size and time. Every failure a
//! proxy causes is a [`ProxyError`] naming the proxy (never its credentials) and what failed,
//! one [`Failure`] each (a test runs every one).

use super::proxy::{Proxies, Proxy, Route};
use bytes::Bytes;
use http_body_util::Full;
use hyper::header::PROXY_AUTHORIZATION;
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The TLS layer over the proxy-aware connector.
pub type Https = hyper_rustls::HttpsConnector<ProxyConnector>;

/// The most of a proxy's answer to CONNECT read before giving up on it.
pub const MAX_CONNECT_ANSWER: usize = 16 * 1024;

/// A pooled keep-alive HTTP/1.1 client for http:// and https:// URLs (webpki roots) that
/// follows the proxy variables: the Stripe transport's and `webhooks replay`'s. `timeout`
/// bounds reaching a proxy and its answer to CONNECT.
pub fn https_client(timeout: Duration) -> HttpClient {
    let tls = hyper_rustls::HttpsConnectorBuilder::new().with_webpki_roots();
    client(tls, Proxies::from_env(), timeout)
}

/// The client over `tls` (its roots chosen), following `proxies`.
fn client(
    tls: hyper_rustls::HttpsConnectorBuilder<hyper_rustls::builderstates::WantsSchemes>,
    proxies: Proxies,
    timeout: Duration,
) -> HttpClient {
    let proxies = Arc::new(proxies);
    let mut http = HttpConnector::new();
    // The TLS layer hands https:// targets down to connect to (directly or to the proxy).
    http.enforce_http(false);
    let connector = ProxyConnector {
        http,
        proxies: proxies.clone(),
        timeout,
    };
    let https = tls.https_or_http().enable_http1().wrap_connector(connector);
    HttpClient {
        inner: Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(60))
            .build(https),
        proxies,
    }
}

/// hyper's client and the proxy rules it connects by.
#[derive(Clone)]
pub struct HttpClient {
    inner: Client<Https, Full<Bytes>>,
    proxies: Arc<Proxies>,
}

impl HttpClient {
    /// Sends `req`: through the proxy its URL's rules name, if any. A 407 from a proxy that
    /// relays plain http is an error naming the proxy, not the target's answer.
    pub async fn request(
        &self,
        mut req: hyper::Request<Full<Bytes>>,
    ) -> Result<hyper::Response<hyper::body::Incoming>, BoxError> {
        let via = match self.proxies.route(req.uri()) {
            Route::Via(p) if req.uri().scheme_str() == Some("http") => Some(p.clone()),
            _ => None,
        };
        if let Some(auth) = via.as_ref().and_then(|p| p.auth.clone()) {
            req.headers_mut().insert(PROXY_AUTHORIZATION, auth);
        }
        let target = format!("{} {}", req.method(), req.uri());
        let resp = self.inner.request(req).await?;
        match via {
            Some(p) if resp.status() == hyper::StatusCode::PROXY_AUTHENTICATION_REQUIRED => {
                Err(Box::new(ProxyError {
                    proxy: p.shown(),
                    target,
                    failure: Failure::Refused(407, status_text(resp.status())),
                }))
            }
            _ => Ok(resp),
        }
    }

    /// The proxy a request to `uri` goes through, as messages show it (`http://host:port`).
    pub fn proxy_for(&self, uri: &hyper::Uri) -> Option<String> {
        match self.proxies.route(uri) {
            Route::Via(p) => Some(p.shown()),
            _ => None,
        }
    }
}

fn status_text(s: hyper::StatusCode) -> String {
    format!("{} {}", s.as_u16(), s.canonical_reason().unwrap_or(""))
        .trim_end()
        .to_string()
}

/// The proxy's failure in `e` or its causes, if one is there, also inside an `io::Error`
/// (whose `source` skips the error it carries; hyper-rustls wraps the tunnel's hang-up in a
/// second one).
fn proxy_error<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a ProxyError> {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if let Some(p) = err.downcast_ref::<ProxyError>() {
            return Some(p);
        }
        let carried = err
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref());
        cur = match carried {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => err.source(),
        };
    }
    None
}

/// What a failed request says: a proxy's failure as it is (it names the proxy and what
/// failed), else the chain of causes.
pub fn describe(e: &(dyn std::error::Error + 'static)) -> String {
    match proxy_error(e) {
        Some(p) => p.to_string(),
        None => cause_chain(e),
    }
}

/// Whether `e` (or a cause of it) is a proxy's refusal (4xx: credentials, a policy) or a proxy
/// setting billctl cannot use: trying again sends the same thing to the same answer. A 5xx
/// (the proxy could not reach the target) is retried as any network error.
pub fn is_final(e: &(dyn std::error::Error + 'static)) -> bool {
    proxy_error(e).is_some_and(|p| match p.failure {
        Failure::Refused(code, _) => (400..500).contains(&code),
        Failure::Setting => true,
        _ => false,
    })
}

/// "client error (Connect): tcp connect error: Connection refused (os error 111)".
pub(crate) fn cause_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(s) = cur {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = s.source();
    }
    parts.join(": ")
}

/// What went wrong with a proxy. Its text names the proxy without credentials.
#[derive(Debug)]
pub struct ProxyError {
    /// `http://host:port`, or the variable for a setting billctl cannot use.
    proxy: String,
    /// `api.stripe.com:443` (CONNECT) or `GET http://…` (a relayed request).
    target: String,
    failure: Failure,
}

/// What failed; the text of each is in [`ProxyError`]'s `Display`.
#[derive(Debug)]
enum Failure {
    /// A setting billctl refuses (its message quotes the setting through `proxy::redacted`).
    Setting,
    Connect(String),
    /// The proxy's status code, and `code reason` as it sent them.
    Refused(u16, String),
    Closed,
    TooLong,
    Garbled,
    EarlyData,
    /// The connection's bound (the connector's own: an attempt's, as long and started
    /// first, ends a request sooner, naming the proxy through `stripe::Error::Timeout`).
    TimedOut(u64),
    Io(String),
    /// The proxy closed the tunnel (`tunnel`) or the relaying connection before the target's
    /// first byte came back; the I/O error, if it was one.
    HungUp {
        tunnel: bool,
        detail: Option<String>,
    },
}

impl std::fmt::Display for ProxyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (p, t) = (&self.proxy, &self.target);
        match &self.failure {
            Failure::Setting => write!(f, "proxy setting {p}"),
            Failure::Connect(e) => write!(f, "cannot connect to proxy {p}: {e}"),
            Failure::Refused(_, s) if t.contains(' ') => write!(f, "proxy {p} refused {t}: {s}"),
            Failure::Refused(_, s) => write!(f, "proxy {p} refused CONNECT {t}: {s}"),
            Failure::Closed => write!(
                f,
                "proxy {p} closed the connection before answering CONNECT {t}"
            ),
            Failure::TooLong => write!(
                f,
                "proxy {p} answered CONNECT {t} with a head over {} KiB",
                MAX_CONNECT_ANSWER / 1024
            ),
            Failure::Garbled => write!(f, "proxy {p} answered CONNECT {t} with no HTTP status"),
            Failure::EarlyData => {
                write!(f, "proxy {p} sent data before the tunnel to {t} was used")
            }
            Failure::TimedOut(s) => write!(f, "proxy {p} did not answer CONNECT {t} within {s} s"),
            Failure::Io(e) => write!(f, "proxy {p}: CONNECT {t} failed: {e}"),
            Failure::HungUp { tunnel, detail } => {
                if *tunnel {
                    write!(
                        f,
                        "proxy {p} closed the tunnel to {t} during the TLS handshake"
                    )?;
                } else {
                    write!(
                        f,
                        "proxy {p} closed the connection before answering a request to {t}"
                    )?;
                }
                match detail {
                    Some(d) => write!(f, ": {d}"),
                    None => Ok(()),
                }
            }
        }
    }
}

impl std::error::Error for ProxyError {}

/// Connects to the target, or to the proxy its rules name.
#[derive(Clone)]
pub struct ProxyConnector {
    http: HttpConnector,
    proxies: Arc<Proxies>,
    timeout: Duration,
}

type Connecting = Pin<Box<dyn Future<Output = Result<TokioIo<Conn>, BoxError>> + Send>>;

impl tower_service::Service<hyper::Uri> for ProxyConnector {
    type Response = TokioIo<Conn>;
    type Error = BoxError;
    type Future = Connecting;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.http.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, dst: hyper::Uri) -> Connecting {
        let mut http = self.http.clone();
        let timeout = self.timeout;
        let route = match self.proxies.route(&dst) {
            Route::Direct => None,
            Route::Via(p) => Some(Ok(p.clone())),
            Route::Refused(why) => Some(Err(why.to_string())),
        };
        Box::pin(async move {
            let proxy = match route {
                None => return Ok(Conn::direct(http.call(dst).await?.into_inner())),
                Some(Err(why)) => return Err(setting(why)),
                Some(Ok(p)) => p,
            };
            let target = authority(&dst);
            if dst.scheme_str() == Some("https") {
                let tunnel = tokio::time::timeout(timeout, tunnel(http, &proxy, &target)).await;
                let tcp = tunnel.unwrap_or_else(|_| {
                    Err(fail(&proxy, &target, Failure::TimedOut(timeout.as_secs())))
                })?;
                return Ok(Conn::via(tcp, &proxy, target, true));
            }
            let io = tokio::time::timeout(timeout, http.call(proxy.uri()))
                .await
                .map_err(|_| "timed out".to_string())
                .and_then(|r| r.map_err(|e| cause_chain(&e)))
                .map_err(|e| fail(&proxy, &target, Failure::Connect(e)))?;
            Ok(Conn::via(io.into_inner(), &proxy, target, false))
        })
    }
}

fn setting(why: String) -> BoxError {
    Box::new(ProxyError {
        proxy: why,
        target: String::new(),
        failure: Failure::Setting,
    })
}

fn fail(proxy: &Proxy, target: &str, failure: Failure) -> ProxyError {
    ProxyError {
        proxy: proxy.shown(),
        target: target.to_string(),
        failure,
    }
}

/// `host:port` of a URL, the port filled in from its scheme.
fn authority(uri: &hyper::Uri) -> String {
    let host = uri.host().unwrap_or_default();
    let port = uri
        .port_u16()
        .unwrap_or(if uri.scheme_str() == Some("https") {
            443
        } else {
            80
        });
    format!("{host}:{port}")
}

/// Opens a tunnel to `target` through `proxy`: the TCP connection, ready for TLS.
async fn tunnel(
    mut http: HttpConnector,
    proxy: &Proxy,
    target: &str,
) -> Result<TcpStream, ProxyError> {
    let io = tower_service::Service::call(&mut http, proxy.uri())
        .await
        .map_err(|e| fail(proxy, target, Failure::Connect(cause_chain(&e))))?;
    let mut tcp = io.into_inner();
    let mut head = format!(
        "CONNECT {target} HTTP/1.1\r\nHost: {target}\r\nUser-Agent: billctl/{}\r\n",
        env!("CARGO_PKG_VERSION")
    )
    .into_bytes();
    if let Some(auth) = &proxy.auth {
        head.extend_from_slice(b"Proxy-Authorization: ");
        head.extend_from_slice(auth.as_bytes());
        head.extend_from_slice(b"\r\n");
    }
    head.extend_from_slice(b"\r\n");
    let io_fail = |e: std::io::Error| fail(proxy, target, Failure::Io(e.to_string()));
    tcp.write_all(&head).await.map_err(io_fail)?;
    read_answer(&mut tcp)
        .await
        .map_err(|f| fail(proxy, target, f))?;
    Ok(tcp)
}

/// Reads the proxy's answer to CONNECT up to its blank line: `Ok` on a 2xx with nothing
/// after it (the client speaks first in TLS, so a proxy has nothing to send yet).
async fn read_answer(tcp: &mut TcpStream) -> Result<(), Failure> {
    let mut buf = Vec::with_capacity(512);
    let mut chunk = [0u8; 1024];
    loop {
        let n = tcp
            .read(&mut chunk)
            .await
            .map_err(|e| Failure::Io(e.to_string()))?;
        if n == 0 {
            return Err(Failure::Closed);
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let (code, text) = status_line(&buf[..end]).ok_or(Failure::Garbled)?;
            if !(200..300).contains(&code) {
                return Err(Failure::Refused(code, text));
            }
            return if buf.len() == end + 4 {
                Ok(())
            } else {
                Err(Failure::EarlyData)
            };
        }
        if buf.len() > MAX_CONNECT_ANSWER {
            return Err(Failure::TooLong);
        }
    }
}

/// The status code and `code reason` of `HTTP/1.x code reason` (the reason kept to printable
/// ASCII, at most 100 characters: it comes from the proxy).
fn status_line(head: &[u8]) -> Option<(u16, String)> {
    let line = head.split(|b| *b == b'\n').next()?;
    let line = String::from_utf8_lossy(line);
    let mut parts = line.trim_end().splitn(3, ' ');
    if !parts.next()?.starts_with("HTTP/1.") {
        return None;
    }
    let code_text = parts.next()?;
    let code: u16 = code_text.parse().ok().filter(|c| (100..600).contains(c))?;
    let reason: String = parts
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .take(100)
        .collect();
    Some((code, format!("{code} {reason}").trim_end().to_string()))
}

/// A TCP connection to the target or a proxy. Through a proxy (`via`), the proxy closing it
/// before the target's first byte came back is a [`ProxyError`] naming both (carried in the
/// `io::Error`), not a bare reset; after that, errors are the target's as they come.
pub struct Conn {
    tcp: TcpStream,
    via: Option<Via>,
}

/// The proxy a connection goes through, and whether anything came back through it yet.
struct Via {
    proxy: String,
    target: String,
    /// A CONNECT tunnel (TLS to the target inside it); else a proxy relaying plain http,
    /// to which hyper writes requests in absolute form.
    tunnel: bool,
    answered: bool,
}

impl Conn {
    fn direct(tcp: TcpStream) -> TokioIo<Conn> {
        TokioIo::new(Conn { tcp, via: None })
    }

    fn via(tcp: TcpStream, proxy: &Proxy, target: String, tunnel: bool) -> TokioIo<Conn> {
        let via = Via {
            proxy: proxy.shown(),
            target,
            tunnel,
            answered: false,
        };
        TokioIo::new(Conn {
            tcp,
            via: Some(via),
        })
    }

    /// `e` (or, `None`, the end of the stream) as the proxy's hang-up, while nothing has come
    /// back through it; else as it is.
    fn hang_up(&self, e: Option<std::io::Error>) -> Result<(), std::io::Error> {
        let Some(via) = self.via.as_ref().filter(|v| !v.answered) else {
            return e.map_or(Ok(()), Err);
        };
        let kind = e
            .as_ref()
            .map_or(std::io::ErrorKind::UnexpectedEof, |e| e.kind());
        let failure = Failure::HungUp {
            tunnel: via.tunnel,
            detail: e.map(|e| e.to_string()),
        };
        let err = ProxyError {
            proxy: via.proxy.clone(),
            target: via.target.clone(),
            failure,
        };
        Err(std::io::Error::new(kind, err))
    }
}

impl Connection for Conn {
    fn connected(&self) -> Connected {
        let relayed = self.via.as_ref().is_some_and(|v| !v.tunnel);
        self.tcp.connected().proxy(relayed)
    }
}

impl AsyncRead for Conn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let (before, room) = (buf.filled().len(), buf.remaining());
        let read = match Pin::new(&mut this.tcp).poll_read(cx, buf) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(r) => r,
        };
        Poll::Ready(match read {
            Err(e) => this.hang_up(Some(e)),
            Ok(()) if room > 0 && buf.filled().len() == before => this.hang_up(None),
            Ok(()) => {
                if let Some(v) = this.via.as_mut() {
                    v.answered |= buf.filled().len() > before;
                }
                Ok(())
            }
        })
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.tcp).poll_write(cx, buf) {
            Poll::Ready(Err(e)) => Poll::Ready(this.hang_up(Some(e)).map(|()| 0)),
            other => other,
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.tcp.is_write_vectored()
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.tcp).poll_write_vectored(cx, bufs) {
            Poll::Ready(Err(e)) => Poll::Ready(this.hang_up(Some(e)).map(|()| 0)),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The proxy's answer to CONNECT, read as the tunnel reads it.
    async fn answer(bytes: &'static [u8], close: bool) -> Result<(), Failure> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            let _ = s.write_all(bytes).await;
            if !close {
                // Hold the connection open until the client is done.
                let mut sink = [0u8; 16];
                let _ = s.read(&mut sink).await;
            }
        });
        let mut tcp = TcpStream::connect(addr).await.unwrap();
        let r = read_answer(&mut tcp).await;
        drop(tcp);
        server.await.unwrap();
        r
    }

    #[tokio::test(flavor = "current_thread")]
    async fn connect_answers_are_read_within_bounds() {
        let big: &'static [u8] = Box::leak(
            [b"HTTP/1.1 200 OK\r\nX: ".as_slice(), &[b'a'; 20_000]]
                .concat()
                .into_boxed_slice(),
        );
        let table: &[(&'static [u8], bool, &str)] = &[
            (b"HTTP/1.1 200 Connection established\r\n\r\n", false, "ok"),
            (b"HTTP/1.0 200 OK\r\nVia: x\r\n\r\n", false, "ok"),
            (
                b"HTTP/1.1 407 Proxy Authentication Required\r\n\r\n",
                false,
                "refused 407 Proxy Authentication Required",
            ),
            (
                b"HTTP/1.1 403 \x1b[31mForbidden\r\n\r\n",
                false,
                "refused 403 [31mForbidden",
            ),
            (b"HTTP/1.1 200 OK\r\n\r\nhello", false, "early"),
            (b"HTTP/1.1 200 OK\r\n", true, "closed"),
            (b"", true, "closed"),
            (b"SSH-2.0-OpenSSH\r\n\r\n", false, "garbled"),
            (big, false, "too long"),
        ];
        for (bytes, close, want) in table {
            let got = match answer(bytes, *close).await {
                Ok(()) => "ok".to_string(),
                Err(Failure::Refused(_, s)) => format!("refused {s}"),
                Err(Failure::EarlyData) => "early".into(),
                Err(Failure::Closed) => "closed".into(),
                Err(Failure::Garbled) => "garbled".into(),
                Err(Failure::TooLong) => "too long".into(),
                Err(other) => format!("{other:?}"),
            };
            assert_eq!(
                got,
                *want,
                "{:?}",
                String::from_utf8_lossy(&bytes[..bytes.len().min(40)])
            );
        }
    }

    #[test]
    fn messages_name_the_proxy_and_what_failed() {
        let p = Proxy::parse("http://user:secret@proxy:3128").unwrap();
        let e = fail(
            &p,
            "api.stripe.com:443",
            Failure::Refused(407, "407 Proxy Authentication Required".into()),
        );
        assert_eq!(
            e.to_string(),
            "proxy http://proxy:3128 refused CONNECT api.stripe.com:443: 407 Proxy Authentication Required"
        );
        assert!(is_final(&e));
        let unreachable = fail(
            &p,
            "api.stripe.com:443",
            Failure::Refused(502, "502".into()),
        );
        assert!(!is_final(&unreachable), "a 5xx is retried");
        let closed = fail(&p, "api.stripe.com:443", Failure::Closed);
        assert!(!is_final(&closed));
        assert!(!closed.to_string().contains("secret"));
    }

    /// A self-signed certificate and key for `localhost` (PEM files) by openssl; `None`
    /// without it (CI installs it).
    fn certificate(dir: &std::path::Path) -> Option<(std::path::PathBuf, std::path::PathBuf)> {
        let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
        let made = std::process::Command::new("openssl")
            .args([
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
            ])
            .args(["-nodes", "-days", "2", "-subj", "/CN=localhost"])
            .args(["-addext", "subjectAltName=DNS:localhost"])
            .args(["-addext", "basicConstraints=critical,CA:FALSE"])
            .arg("-keyout")
            .arg(&key)
            .arg("-out")
            .arg(&cert)
            .stderr(std::process::Stdio::null())
            .status()
            .ok()?;
        assert!(made.success(), "openssl made a certificate");
        Some((cert, key))
    }

    /// A TLS server for `localhost` answering one request with `hello`.
    async fn tls_server(cert: &std::path::Path, key: &std::path::Path) -> u16 {
        use rustls_pki_types::pem::PemObject;
        let certs = vec![rustls_pki_types::CertificateDer::from_pem_file(cert).unwrap()];
        let key = rustls_pki_types::PrivateKeyDer::from_pem_file(key).unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            let (tcp, _) = listener.accept().await.unwrap();
            let mut tls = acceptor.accept(tcp).await.unwrap();
            let mut head = Vec::new();
            while !head.ends_with(b"\r\n\r\n") {
                let mut b = [0u8; 1];
                if tls.read(&mut b).await.unwrap() == 0 {
                    return;
                }
                head.push(b[0]);
            }
            let answer = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello";
            tls.write_all(answer).await.unwrap();
            tls.shutdown().await.unwrap();
        });
        port
    }

    /// A CONNECT proxy for one tunnel; what it got (request line, Proxy-Authorization).
    async fn connect_proxy() -> (u16, tokio::sync::oneshot::Receiver<String>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (tx, rx) = tokio::sync::oneshot::channel();
        tokio::spawn(async move {
            let (mut c, _) = listener.accept().await.unwrap();
            let mut head = Vec::new();
            while !head.ends_with(b"\r\n\r\n") {
                let mut b = [0u8; 1];
                c.read_exact(&mut b).await.unwrap();
                head.push(b[0]);
            }
            let head = String::from_utf8(head).unwrap();
            let target = head.split(' ').nth(1).unwrap().to_string();
            let _ = tx.send(head);
            let mut up = TcpStream::connect(target).await.unwrap();
            c.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                .await
                .unwrap();
            let _ = tokio::io::copy_bidirectional(&mut c, &mut up).await;
        });
        (port, rx)
    }

    /// The whole https path: CONNECT with the proxy's credentials, then TLS to the target
    /// inside the tunnel (its certificate checked for the target's name), then the request.
    #[tokio::test(flavor = "current_thread")]
    async fn https_goes_through_the_tunnel_with_tls_to_the_target() {
        use http_body_util::BodyExt;
        use rustls_pki_types::pem::PemObject;
        let dir = tempfile::tempdir().unwrap();
        let Some((cert, key)) = certificate(dir.path()) else {
            eprintln!("note: skipped: no openssl");
            return;
        };
        let target = tls_server(&cert, &key).await;
        let (proxy, got) = connect_proxy().await;
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(rustls_pki_types::CertificateDer::from_pem_file(&cert).unwrap())
            .unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        let proxies = Proxies::from_vars(|name| {
            (name == "https_proxy").then(|| format!("http://al:open%20sesame@127.0.0.1:{proxy}"))
        });
        let builder = hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(tls);
        let client = client(builder, proxies, Duration::from_secs(30));
        let req = hyper::Request::get(format!("https://localhost:{target}/v1/ping"))
            .body(Full::new(Bytes::new()))
            .unwrap();
        let resp = client
            .request(req)
            .await
            .expect("an answer through the tunnel");
        assert_eq!(resp.status(), 200);
        let body = resp.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(&body[..], b"hello");
        let head = got.await.unwrap();
        assert!(
            head.starts_with(&format!("CONNECT localhost:{target} HTTP/1.1\r\n")),
            "{head}"
        );
        // base64("al:open sesame")
        assert!(
            head.contains("\r\nProxy-Authorization: Basic YWw6b3BlbiBzZXNhbWU=\r\n"),
            "{head}"
        );
    }
}
