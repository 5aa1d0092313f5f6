//! The server core's unit tests: answers, limits, addresses.

use super::*;
use std::io::{Read, Write};
use std::net::SocketAddr;
use std::sync::Mutex;

struct Echo;

impl Handler for Echo {
    async fn handle(&self, req: Request) -> Response {
        match req.body {
            Ok(b) => json(
                StatusCode::OK,
                &serde_json::json!({"path": req.path, "len": b.len()}),
            ),
            Err(r) => error(r.status, &r.reason),
        }
    }
}

/// A running test server: its address, the access lines, the sender that stops it, and
/// its thread.
type Running = (
    SocketAddr,
    Arc<Mutex<Vec<Access>>>,
    tokio::sync::oneshot::Sender<()>,
    std::thread::JoinHandle<()>,
);

/// Starts a server on a runtime thread.
fn start(limits: Limits) -> Running {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let addr = listener.local_addr().expect("addr");
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = lines.clone();
    let log: AccessLog = Some(Arc::new(move |a: &Access| {
        sink.lock().expect("lock").push(a.clone());
    }));
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let t = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let l = TcpListener::from_std(listener).expect("listener");
            serve(l, limits, Arc::new(Echo), log, async {
                let _ = stop_rx.await;
            })
            .await;
        });
    });
    (addr, lines, stop_tx, t)
}

fn exchange(addr: SocketAddr, request: &str) -> String {
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    s.write_all(request.as_bytes()).expect("write");
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out
}

#[test]
fn the_handler_gets_the_body_and_every_request_is_logged() {
    let (addr, lines, stop, t) = start(Limits::default());
    let ok = exchange(
        addr,
        "POST /a?x=1 HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc",
    );
    assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
    let body: serde_json::Value =
        serde_json::from_str(ok.split("\r\n\r\n").nth(1).expect("a body")).expect("JSON");
    assert_eq!(body, serde_json::json!({"path": "/a", "len": 3}));
    stop.send(()).expect("stop");
    t.join().expect("server thread");
    let lines = lines.lock().expect("lock");
    assert_eq!(lines.len(), 1);
    assert_eq!(
        (
            lines[0].method.as_str(),
            lines[0].path.as_str(),
            lines[0].status,
            lines[0].bytes_in
        ),
        ("POST", "/a", 200, 3)
    );
    assert!(
        lines[0].line().contains(" POST /a 200 3B "),
        "{}",
        lines[0].line()
    );
}

#[test]
fn a_body_over_the_limit_is_refused_with_a_json_413_before_it_is_read() {
    let limits = Limits {
        max_body: 8,
        ..Limits::default()
    };
    let (addr, lines, stop, t) = start(limits);
    let big = exchange(
        addr,
        "POST /b HTTP/1.1\r\nHost: t\r\nContent-Length: 9\r\nConnection: close\r\n\r\n123456789",
    );
    assert!(big.starts_with("HTTP/1.1 413"), "{big}");
    assert!(
        big.contains("{\"error\":\"body too large: 9 bytes, over the 8 byte limit\"}"),
        "{big}"
    );
    let chunked = exchange(
        addr,
        "POST /b HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n9\r\n123456789\r\n0\r\n\r\n",
    );
    assert!(chunked.starts_with("HTTP/1.1 413"), "{chunked}");
    stop.send(()).expect("stop");
    t.join().expect("server thread");
    assert_eq!(lines.lock().expect("lock").len(), 2);
}

#[test]
fn over_the_connection_cap_a_caller_gets_503() {
    let limits = Limits {
        max_connections: 1,
        ..Limits::default()
    };
    let (addr, _lines, stop, t) = start(limits);
    // The first connection holds the only slot: its request is still being sent.
    let mut first = std::net::TcpStream::connect(addr).expect("connect");
    first
        .write_all(b"POST /c HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n")
        .expect("write");
    // Observed, not timed: a second connection is refused once the first is accepted,
    // so try until it is.
    let refused = (0..10_000)
        .map(|_| {
            exchange(
                addr,
                "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
            )
        })
        .find(|a| a.starts_with("HTTP/1.1 503"))
        .expect("a 503 once the slot is taken");
    assert!(refused.contains("too many connections"), "{refused}");
    first.write_all(b"ok").expect("write");
    let mut answer = [0u8; 12];
    first.read_exact(&mut answer).expect("read");
    assert_eq!(&answer, b"HTTP/1.1 200");
    drop(first);
    stop.send(()).expect("stop");
    t.join().expect("server thread");
}

#[test]
fn the_body_budget_counts_bytes_as_they_come_with_a_share_per_caller() {
    // 1 MiB in all; a caller's share is a quarter of it, or the largest body (256 KiB);
    // each body's first 64 KiB are its own (A counts 192 KiB, B 131 KiB).
    let limits = Limits {
        max_body: 256 * 1024,
        body_memory: 1024 * 1024,
        ..Limits::default()
    };
    let (addr, _lines, stop, t) = start(limits);
    let mut a = std::net::TcpStream::connect(addr).expect("connect");
    a.write_all(b"POST /a HTTP/1.1\r\nHost: t\r\nContent-Length: 262144\r\n\r\n")
        .expect("write");
    a.write_all(&[b'x'; 262_143]).expect("write");
    // Asked with Expect: 100-continue (and closed at the 100, nothing sent, so that it
    // takes nothing meanwhile) until A's bytes are counted: then B's 200 kB are past the
    // caller's share, refused before its body.
    (0..100_000)
        .map(|_| {
            let mut s = std::net::TcpStream::connect(addr).expect("connect");
            s.write_all(b"POST /b HTTP/1.1\r\nHost: t\r\nContent-Length: 200000\r\nExpect: 100-continue\r\n\r\n")
                .expect("write");
            let mut status = [0u8; 12];
            let _ = s.read_exact(&mut status);
            status
        })
        .find(|s| s == b"HTTP/1.1 503")
        .expect("a 503 once A's bytes are counted");
    let b = exchange(
        addr,
        &format!(
            "POST /b HTTP/1.1\r\nHost: t\r\nContent-Length: 200000\r\nConnection: close\r\n\r\n{}",
            "y".repeat(200_000)
        ),
    );
    assert!(b.starts_with("HTTP/1.1 503"), "{b}");
    assert!(b.contains("\"code\":\"BUSY\""), "{b}");
    a.write_all(b"x").expect("write");
    let mut answer = [0u8; 12];
    a.read_exact(&mut answer).expect("read");
    assert_eq!(&answer, b"HTTP/1.1 200");
    stop.send(()).expect("stop");
    t.join().expect("server thread");
}

/// A document that cannot be serialized is the core's 500 with its code, the cause in the
/// log's detail: never a `null` or empty 200 (issue 44).
#[test]
fn json_that_cannot_be_serialized_is_a_500_never_null() {
    struct Broken;
    impl serde::Serialize for Broken {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("no such number"))
        }
    }
    let r = json(StatusCode::OK, &Broken);
    assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let detail = r.extensions().get::<Detail>().map(|d| d.0.clone());
    assert!(
        detail
            .as_deref()
            .is_some_and(|d| d.contains("no such number")),
        "{detail:?}"
    );
    let body = futures_body(r);
    let doc: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(doc["code"], INTERNAL, "{doc}");
    assert!(
        doc["error"]
            .as_str()
            .is_some_and(|e| e.contains("could not be written")),
        "{doc}"
    );
    // A document that serializes is written as it is.
    let ok = json(StatusCode::CREATED, &serde_json::json!({"a": 1}));
    assert_eq!(ok.status(), StatusCode::CREATED);
    assert_eq!(futures_body(ok), br#"{"a":1}"#.to_vec());
}

/// The bytes of an answer's body.
fn futures_body(r: Response) -> Vec<u8> {
    use http_body_util::BodyExt;
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(r.into_body().collect())
        .unwrap()
        .to_bytes()
        .to_vec()
}
