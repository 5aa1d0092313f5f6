//! Webhook benchmarks (release build): `cargo bench --bench webhooks`.
//!
//! 1. In-process `Stripe-Signature` verification of 2 KB payloads (one v1 value, one secret).
//! 2. `billctl webhooks listen` (the release binary as a process) storing deliveries durably:
//!    32 concurrent clients over keep-alive connections POST distinct signed events (2 KB
//!    each, a type billctl stores but does not act on) and wait for each 200, which listen
//!    sends only after the event is committed (WAL, synchronous = FULL).
//! 3. `billctl webhooks replay` of those 20,000 stored events at concurrency 32 to a loopback
//!    receiver (keep-alive, answers 200), each re-signed, every delivery recorded; timed as a
//!    whole process, from start to summary.

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
    c.env_clear()
        .env("BILLCTL_DATA_DIR", data)
        .env("BILLCTL_CONFIG", cfg)
        .env("WHSEC", SECRET);
    c
}

fn main() -> anyhow::Result<()> {
    // 1. In-process verification.
    let body = payload(0);
    assert_eq!(body.len(), 2048);
    let secrets = vec![SECRET.to_string()];
    let t = billctl::clock::now();
    let header = billctl::webhooks::header(SECRET, t, &body);
    let start = Instant::now();
    for _ in 0..VERIFY_ROUNDS {
        let v = billctl::webhooks::verify(
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
        "in-process verify of 2 KB payloads: {per_sec:.0} verifies/s ({:.2} us each)",
        1e6 / per_sec
    );

    // 2. listen, durable.
    let dir = tempfile::tempdir()?;
    let cfg = dir.path().join("bench.toml");
    std::fs::write(
        &cfg,
        "[tiers.bench]\nname = \"Bench\"\nquota = \"unlimited\"\nrate_limit_per_minute = 1000\n[tiers.bench.price]\nlookup_key = \"bench_monthly\"\namount = 0\ncurrency = \"usd\"\ninterval = \"month\"\n",
    )?;
    let mut child = billctl(dir.path(), &cfg)
        .args([
            "webhooks",
            "listen",
            "--bind",
            "127.0.0.1:0",
            "--secret-env",
            "WHSEC",
            "-q",
        ])
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
    let start = Instant::now();
    let handles: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let bodies = bodies.clone();
            let (authority, path) = (authority.clone(), path.clone());
            std::thread::spawn(move || -> anyhow::Result<usize> {
                let mut s = TcpStream::connect(&authority)?;
                s.set_nodelay(true)?;
                s.set_read_timeout(Some(Duration::from_secs(30)))?;
                let mut r = BufReader::new(s.try_clone()?);
                let mut ok = 0;
                for i in (c..bodies.len()).step_by(CLIENTS) {
                    let body = &bodies[i];
                    let sig = billctl::webhooks::header(SECRET, billctl::clock::now(), body);
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
    let elapsed = start.elapsed();
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    child.wait()?;
    let events = billctl::webhooks::store::EventStore::open(dir.path())?;
    let stored = events.events(&Default::default(), None)?.len();
    assert_eq!(
        (ok, stored),
        (DELIVERIES, DELIVERIES),
        "every delivery answered 200 and stored"
    );
    println!(
        "listen, durable: {DELIVERIES} deliveries of 2 KB from {CLIENTS} clients in {:.2} s: {:.0} deliveries/s",
        elapsed.as_secs_f64(),
        DELIVERIES as f64 / elapsed.as_secs_f64()
    );

    // 3. replay to a loopback receiver.
    let recv = receiver::Receiver::start(false);
    let start = Instant::now();
    let out = billctl(dir.path(), &cfg)
        .args([
            "webhooks",
            "replay",
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
    let recorded = billctl::webhooks::store::EventStore::open(dir.path())?
        .delivered(&run)?
        .len();
    assert_eq!(
        (recv.count(), recorded),
        (DELIVERIES, DELIVERIES),
        "every event delivered once and recorded: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    println!(
        "replay: {DELIVERIES} events of 2 KB at concurrency {CLIENTS} to a loopback receiver in {:.2} s (whole process): {:.0} events/s",
        elapsed.as_secs_f64(),
        DELIVERIES as f64 / elapsed.as_secs_f64()
    );
    Ok(())
}
