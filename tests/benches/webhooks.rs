//! Webhook benchmarks (release build): `cargo bench --bench webhooks`. Each prints its anchor
//! from the same run, and its ratio to it:
//!
//! 1. In-process `Stripe-Signature` verification of 2 KB payloads (one v1 value, one secret).
//!    Anchor: a bare HMAC-SHA256 of the same signed payload (`t.` + body), alternating.
//! 2. `billctl webhooks listen` (the release binary as a process) storing deliveries durably:
//!    32 concurrent clients over keep-alive connections POST distinct signed events (2 KB
//!    each, a type billctl stores but does not act on) and wait for each 200, which listen
//!    sends only after the event is committed (WAL, synchronous = FULL). Anchor: the same
//!    clients against the same HTTP server (hyper HTTP/1.1, keep-alive, a current-thread tokio
//!    runtime) doing no work: it reads each body and answers 200.
//! 3. `billctl webhooks replay` of those 20,000 stored events at concurrency 32 to a loopback
//!    receiver (keep-alive, answers 200), each re-signed, every delivery recorded; timed as a
//!    whole process, from start to summary. Anchor: the same HTTP client
//!    (`billctl::adapters::stripe::transport::https_client`) POSTing the same bodies at the same
//!    concurrency to the same receiver, doing no work (no store, no signing, no records).

#[path = "../common/receiver.rs"]
mod receiver;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SECRET: &str = "whsec_benchmark_secret_0123456789abcdef";
const VERIFY_ROUNDS: usize = 1_000_000;
const DELIVERIES: usize = 20_000;
const CLIENTS: usize = 32;
const ROUNDS: usize = 3;

fn payload(i: usize) -> Vec<u8> {
    let mut body = format!(
        r#"{{"id":"evt_bench_{i:08}","object":"event","type":"customer.created","created":1795500000,"livemode":false,"data":{{"object":{{"id":"cus_bench_{i}","object":"customer","description":""#
    );
    while body.len() < 2048 - 4 {
        body.push('x');
    }
    body.push_str(r#""}}}"#);
    body.into_bytes()
}

/// The release binary with only the bench's data dir, config and webhook secret.
fn billctl(data: &std::path::Path, cfg: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_billctl"));
    c.env_clear().env("BILLCTL_DATA_DIR", data).env("BILLCTL_CONFIG", cfg).env("WHSEC", SECRET);
    c
}

fn main() -> anyhow::Result<()> {
    // 1. In-process verification, against a bare HMAC of the same payload.
    let body = payload(0);
    assert_eq!(body.len(), 2048);
    let secrets = vec![SECRET.to_string()];
    let t = billctl::domain::clock::now();
    let header = billctl::domain::webhooks::header(SECRET, t, &body);
    for round in 1..=ROUNDS {
        let start = Instant::now();
        for _ in 0..VERIFY_ROUNDS {
            use hmac::{KeyInit, Mac};
            let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes())?;
            mac.update(std::hint::black_box(t.to_string().as_bytes()));
            mac.update(b".");
            mac.update(std::hint::black_box(&body));
            std::hint::black_box(mac.finalize().into_bytes());
        }
        let anchor = VERIFY_ROUNDS as f64 / start.elapsed().as_secs_f64();
        let start = Instant::now();
        for _ in 0..VERIFY_ROUNDS {
            let v = billctl::domain::webhooks::verify(
                std::hint::black_box(&header),
                std::hint::black_box(&body),
                &secrets,
                t,
                300,
            );
            assert!(v.is_ok());
        }
        let per_sec = VERIFY_ROUNDS as f64 / start.elapsed().as_secs_f64();
        println!(
            "round {round}: in-process verify of 2 KB payloads: {per_sec:.0} verifies/s ({:.2} us each); anchor, bare HMAC-SHA256 of the same payload: {anchor:.0}/s ({:.2} us each): {:.2}x the anchor (target >= 0.9x)",
            1e6 / per_sec,
            1e6 / anchor,
            per_sec / anchor
        );
    }

    // 2. listen, durable.
    let dir = tempfile::tempdir()?;
    let cfg = dir.path().join("bench.toml");
    std::fs::write(
        &cfg,
        "[tiers.bench]\nname = \"Bench\"\nquota = \"unlimited\"\nrate_limit_per_minute = 1000\n[tiers.bench.price]\nlookup_key = \"bench_monthly\"\namount = 0\ncurrency = \"usd\"\ninterval = \"month\"\n",
    )?;
    let mut child = billctl(dir.path(), &cfg)
        .args(["webhooks", "listen", "--bind", "127.0.0.1:0", "--secret-env", "WHSEC", "-q"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("piped")).read_line(&mut first)?;
    let url = first.trim().trim_start_matches("listening on ").to_string();
    let rest = url.trim_start_matches("http://");
    let (authority, path) = rest.split_at(rest.find('/').expect("a path"));
    let (authority, path) = (authority.to_string(), path.to_string());
    let bodies: Vec<Vec<u8>> = (0..DELIVERIES).map(payload).collect();
    let bodies = std::sync::Arc::new(bodies);
    let (ok, elapsed) = deliver_all(&authority, &path, &bodies)?;
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    child.wait()?;
    let events = billctl::adapters::store::webhooks::EventStore::open(dir.path())?;
    let stored = events.events(&Default::default(), None)?.len();
    assert_eq!((ok, stored), (DELIVERIES, DELIVERIES), "every delivery answered 200 and stored");
    let listen = DELIVERIES as f64 / elapsed.as_secs_f64();
    // The anchor: the same clients, the same bodies, a server that does no work.
    let no_work = NoWorkServer::start()?;
    let (anchor_ok, anchor_elapsed) = deliver_all(&no_work.authority, "/hooks", &bodies)?;
    assert_eq!(anchor_ok, DELIVERIES, "the no-work server answered every request 200");
    let anchor = DELIVERIES as f64 / anchor_elapsed.as_secs_f64();
    println!(
        "listen, durable: {DELIVERIES} deliveries of 2 KB from {CLIENTS} clients in {:.2} s: {listen:.0} deliveries/s; anchor, the same clients and HTTP server doing no work: {anchor:.0}/s: {:.2}x the anchor",
        elapsed.as_secs_f64(),
        listen / anchor
    );

    // 3. replay to a loopback receiver.
    let recv = receiver::Receiver::start(false);
    let start = Instant::now();
    let out = billctl(dir.path(), &cfg)
        .args([
            "webhooks",
            "replay",
            "--include-unverified",
            "--to",
            &recv.url,
            "--secret-env",
            "WHSEC",
        ])
        .args(["--concurrency", &CLIENTS.to_string(), "-q"])
        .output()?;
    let elapsed = start.elapsed();
    anyhow::ensure!(
        out.status.success(),
        "replay failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let run = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .trim_end_matches(':')
        .to_string();
    let recorded =
        billctl::adapters::store::webhooks::EventStore::open(dir.path())?.delivered(&run)?.len();
    assert_eq!(
        (recv.count(), recorded),
        (DELIVERIES, DELIVERIES),
        "every event delivered once and recorded: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let replay = DELIVERIES as f64 / elapsed.as_secs_f64();
    let anchor_recv = receiver::Receiver::start(false);
    let anchor_elapsed = post_all_no_work(&anchor_recv.url, &bodies)?;
    assert_eq!(anchor_recv.count(), DELIVERIES, "the anchor delivered every body");
    let anchor = DELIVERIES as f64 / anchor_elapsed.as_secs_f64();
    println!(
        "replay: {DELIVERIES} events of 2 KB at concurrency {CLIENTS} to a loopback receiver in {:.2} s (whole process): {replay:.0} events/s; anchor, the same HTTP client and receiver doing no work (in process): {anchor:.0}/s: {:.2}x the anchor",
        elapsed.as_secs_f64(),
        replay / anchor
    );
    Ok(())
}

/// POSTs every body, signed, from `CLIENTS` threads over one keep-alive connection each,
/// waiting for each answer; returns how many were answered 200 and how long it took.
fn deliver_all(
    authority: &str,
    path: &str,
    bodies: &std::sync::Arc<Vec<Vec<u8>>>,
) -> anyhow::Result<(usize, Duration)> {
    let start = Instant::now();
    let handles: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let bodies = bodies.clone();
            let (authority, path) = (authority.to_string(), path.to_string());
            std::thread::spawn(move || -> anyhow::Result<usize> {
                let mut s = TcpStream::connect(&authority)?;
                s.set_nodelay(true)?;
                s.set_read_timeout(Some(Duration::from_secs(30)))?;
                let mut r = BufReader::new(s.try_clone()?);
                let mut ok = 0;
                for i in (c..bodies.len()).step_by(CLIENTS) {
                    let body = &bodies[i];
                    let sig = billctl::domain::webhooks::header(SECRET, billctl::domain::clock::now(), body);
                    let head = format!(
                        "POST {path} HTTP/1.1\r\nHost: {authority}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nStripe-Signature: {sig}\r\n\r\n",
                        body.len()
                    );
                    s.write_all(head.as_bytes())?;
                    s.write_all(body)?;
                    // Status line, headers, then a body of Content-Length bytes.
                    let mut line = String::new();
                    r.read_line(&mut line)?;
                    if line.starts_with("HTTP/1.1 200") {
                        ok += 1;
                    }
                    let mut len = 0;
                    loop {
                        line.clear();
                        r.read_line(&mut line)?;
                        if line == "\r\n" || line.is_empty() {
                            break;
                        }
                        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                            len = v.trim().parse()?;
                        }
                    }
                    let mut buf = vec![0; len];
                    r.read_exact(&mut buf)?;
                }
                Ok(ok)
            })
        })
        .collect();
    let mut ok = 0;
    for h in handles {
        ok += h.join().expect("client thread")?;
    }
    Ok((ok, start.elapsed()))
}

/// listen's HTTP server with nothing behind it: hyper HTTP/1.1 with keep-alive on a
/// current-thread tokio runtime (as `webhooks listen` runs), reading each body and answering
/// 200 with a small JSON body.
struct NoWorkServer {
    authority: String,
}

impl NoWorkServer {
    fn start() -> anyhow::Result<NoWorkServer> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let authority = listener.local_addr()?.to_string();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                loop {
                    let Ok((stream, _)) = listener.accept().await else {
                        continue;
                    };
                    let _ = stream.set_nodelay(true);
                    tokio::spawn(async move {
                        let service = hyper::service::service_fn(
                            |req: hyper::Request<hyper::body::Incoming>| async move {
                                use http_body_util::BodyExt;
                                let _ = req.into_body().collect().await;
                                Ok::<_, std::convert::Infallible>(hyper::Response::new(
                                    http_body_util::Full::new(bytes::Bytes::from_static(
                                        b"{\"received\":true}",
                                    )),
                                ))
                            },
                        );
                        let _ = hyper::server::conn::http1::Builder::new()
                            .keep_alive(true)
                            .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                            .await;
                    });
                }
            });
        });
        Ok(NoWorkServer { authority })
    }
}

/// replay's HTTP client with nothing around it: the same pooled client, `CLIENTS` tasks on a
/// current-thread runtime, POSTing the bodies as they are and reading each answer.
fn post_all_no_work(url: &str, bodies: &std::sync::Arc<Vec<Vec<u8>>>) -> anyhow::Result<Duration> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let uri: hyper::Uri = url.parse()?;
    let bodies: std::sync::Arc<Vec<bytes::Bytes>> =
        std::sync::Arc::new(bodies.iter().map(|b| bytes::Bytes::from(b.clone())).collect());
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let start = Instant::now();
    rt.block_on(async move {
        let client = billctl::adapters::stripe::transport::https_client(Duration::from_secs(30));
        let next = std::sync::Arc::new(AtomicUsize::new(0));
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..CLIENTS {
            let (client, next, bodies, uri) =
                (client.clone(), next.clone(), bodies.clone(), uri.clone());
            tasks.spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(body) = bodies.get(i) else { break };
                    let req = hyper::Request::post(uri.clone())
                        .header(hyper::header::CONTENT_TYPE, "application/json; charset=utf-8")
                        .body(http_body_util::Full::new(body.clone()))
                        .expect("request");
                    let resp = client.request(req).await.expect("answer");
                    use http_body_util::BodyExt;
                    let _ = resp.into_body().collect().await;
                }
            });
        }
        while tasks.join_next().await.is_some() {}
    });
    Ok(start.elapsed())
}
