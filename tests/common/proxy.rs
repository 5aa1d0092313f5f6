//! A local HTTP proxy for the tests: CONNECT tunnels and absolute-form requests relayed to
//! their target, or refused, or hung up on, or answered with what a broken proxy sends; it
//! records the head of every request it got.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// What the proxy does with each request.
#[derive(Clone, Copy, Debug)]
pub enum Mode {
    /// Relays it (CONNECT: a tunnel; absolute form: the request as it came, then both ways).
    Relay,
    /// Answers with this status line and closes.
    Refuse(u16, &'static str),
    /// Closes the connection without answering.
    HangUp,
    /// Sends these bytes and closes (a 200 to CONNECT, then a hang-up; a 502 of its own).
    AnswerClose(&'static [u8]),
    /// Sends these bytes and holds the connection until the client closes it.
    AnswerHold(&'static [u8]),
    /// Sends a 200 status line and `n` bytes of one header, never ending the head.
    Flood(usize),
    /// Never answers; holds the connection until the client closes it.
    Silent,
    /// Reads one byte of the request and closes with the rest unread: the kernel answers
    /// the client with a reset (RST), not an orderly close.
    Reset,
}

/// One request the proxy got.
#[derive(Clone, Debug)]
pub struct Seen {
    /// The request line: `CONNECT host:port HTTP/1.1` or `GET http://… HTTP/1.1`.
    pub line: String,
    /// Its `Proxy-Authorization` header, if any.
    pub auth: Option<String>,
    /// The first bytes the client sent into a tunnel (a TLS record starts `16 03`).
    pub tunnelled: Vec<u8>,
}

pub struct TestProxy {
    pub url: String,
    pub port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl TestProxy {
    pub fn start(mode: Mode) -> TestProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let log = log.clone();
                std::thread::spawn(move || serve(conn, mode, &log));
            }
        });
        TestProxy { url: format!("http://127.0.0.1:{port}"), port, seen }
    }

    /// What the proxy got so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// Reads a request head, byte by byte so that nothing after it is taken.
fn head(conn: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::new();
    let mut b = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        if conn.read(&mut b).ok()? == 0 || buf.len() > 64 * 1024 {
            return None;
        }
        buf.push(b[0]);
    }
    String::from_utf8(buf).ok()
}

/// Reads until the client closes the connection.
fn hold(conn: &mut TcpStream) {
    let mut sink = [0u8; 1024];
    while matches!(conn.read(&mut sink), Ok(n) if n > 0) {}
}

fn serve(mut conn: TcpStream, mode: Mode, log: &Mutex<Vec<Seen>>) {
    if let Mode::Reset = mode {
        let mut one = [0u8; 1];
        let _ = conn.read(&mut one);
        log.lock().unwrap().push(Seen { line: String::new(), auth: None, tunnelled: Vec::new() });
        return;
    }
    let Some(head) = head(&mut conn) else { return };
    let line = head.lines().next().unwrap_or_default().to_string();
    let auth = head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case("proxy-authorization").then(|| v.trim().to_string())
    });
    let mut seen = Seen { line: line.clone(), auth, tunnelled: Vec::new() };
    match mode {
        Mode::HangUp | Mode::Reset => {
            log.lock().unwrap().push(seen);
        }
        Mode::AnswerClose(bytes) => {
            log.lock().unwrap().push(seen);
            let _ = conn.write_all(bytes);
        }
        Mode::AnswerHold(bytes) => {
            log.lock().unwrap().push(seen);
            let _ = conn.write_all(bytes);
            hold(&mut conn);
        }
        Mode::Flood(n) => {
            log.lock().unwrap().push(seen);
            let _ = conn.write_all(b"HTTP/1.1 200 OK\r\nX-Flood: ");
            let _ = conn.write_all(&vec![b'a'; n]);
            hold(&mut conn);
        }
        Mode::Silent => {
            log.lock().unwrap().push(seen);
            hold(&mut conn);
        }
        Mode::Refuse(code, reason) => {
            log.lock().unwrap().push(seen);
            let _ = write!(
                conn,
                "HTTP/1.1 {code} {reason}\r\nProxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
        Mode::Relay => {
            let mut parts = line.split(' ');
            let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            let authority = if method == "CONNECT" {
                target.to_string()
            } else {
                let rest = target.strip_prefix("http://").unwrap_or(target);
                rest.split('/').next().unwrap_or("").to_string()
            };
            let Ok(mut up) = TcpStream::connect(&authority) else {
                log.lock().unwrap().push(seen);
                let _ = conn.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
                return;
            };
            if method == "CONNECT" {
                let _ = conn.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
                let mut first = [0u8; 5];
                let n = conn.read(&mut first).unwrap_or(0);
                seen.tunnelled = first[..n].to_vec();
                let _ = up.write_all(&first[..n]);
            } else {
                let _ = up.write_all(head.as_bytes());
            }
            log.lock().unwrap().push(seen);
            splice(conn, up);
        }
    }
}

/// Copies both ways until either side closes.
fn splice(a: TcpStream, b: TcpStream) {
    let (mut a2, mut b2) = (a.try_clone().unwrap(), b.try_clone().unwrap());
    let (mut a, mut b) = (a, b);
    let t = std::thread::spawn(move || {
        let _ = std::io::copy(&mut a2, &mut b2);
        let _ = b2.shutdown(Shutdown::Write);
    });
    let _ = std::io::copy(&mut b, &mut a);
    let _ = a.shutdown(Shutdown::Write);
    let _ = t.join();
}
