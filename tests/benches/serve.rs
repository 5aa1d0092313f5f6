//! Benchmarks of `billctl serve` (release build): `cargo bench --bench serve`.
//!
//! Every figure sits beside its anchor, measured in the same run, with the same load
//! generator (a client in this benchmark: keep-alive connections on a runtime of their own)
//! at the same concurrency, taking turns. The anchor is the same server core
//! (`billctl::adapters::server`) answering a fixed 200 with no work.
//!
//! 1. Plain verifies of 1,000 cached keys at 32 connections: requests/s and p99, beside the
//!    anchor, which gets the same requests.
//! 2. Recorded verifies at 32 connections on SQLite, beside `Verifier::verify_and_record` with
//!    one transaction per call (in-process, the same store); then the same on Postgres when
//!    its server binaries are installed (a throwaway cluster, as the tests start).
//! 3. Several hosts on one Postgres (when its server binaries are installed): 1, 2 and 4
//!    `billctl serve` processes recording verifies on one store, the 32 connections split
//!    across them, with the CPU the serve processes and the Postgres server each spent, beside
//!    one transaction per call in-process on the same store; and a 60-a-minute rate limit exact
//!    across the processes (120 calls at once: 60 valid, 60 stored).
//! 4. Usage events over HTTP (NDJSON, 10,000 a request) beside `billctl usage import` of the
//!    same events into a store with the same keys.
//! 5. Plain verifies through serve beside `billctl keys verify` as a process per request.
//! 6. The RSS of a `billctl serve` process after first sight of 100,000 keys.
//! 7. What a group of 32 recorded calls writes (rows and pages a call, round trips a group on
//!    Postgres), for one key's calls and for 32 customers' (`written.rs`): counts, not times.
//!
//! BENCHMARKS.md records the figures with this command. BILLCTL_BENCH_ONLY=plain|recorded|
//! hosts|events|process|rss|written runs one part.

#[path = "bare.rs"]
mod bare;
#[path = "hosts.rs"]
mod hosts;
#[path = "../common/pg.rs"]
#[allow(dead_code)]
mod pg;
#[path = "seed.rs"]
mod seed;
#[path = "written.rs"]
mod written;

use billctl::adapters::server::{self, Handler, Request, Response};
use billctl::adapters::store::{KeyRecord, Store};
use billctl::api::{self as serve, metrics::Metrics};
use billctl::domain::keys::{self};
use billctl::ops::serve::tokens;
use billctl::ops::verifier::Verifier;
use std::io::Write as _;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const KEYS: usize = 100_000;
const CUSTOMERS: usize = 1_000;
const CONNECTIONS: usize = 32;
const SLICE: Duration = Duration::from_secs(2);
const ROUNDS: usize = 3;
const EVENTS: usize = 200_000;

const CONFIG: &str = r#"
[tiers.bench]
name = "Bench"
quota = "unlimited"
rate_limit_per_minute = 4000000000
[tiers.bench.price]
lookup_key = "bench_monthly"
amount = 0
currency = "usd"
interval = "month"
"#;

fn now() -> i64 {
    billctl::domain::clock::now()
}

/// A store with `CUSTOMERS` customers on the bench tier and `n` keys; returns the keys.
fn seed(store: &mut Store, n: usize) -> anyhow::Result<Vec<String>> {
    let now = now();
    store.claim_mode(billctl::domain::mode::Mode::Test)?;
    seed::customers(store, CUSTOMERS, now)?;
    let mut seen = std::collections::HashSet::new();
    let (mut plain, mut records) = (Vec::with_capacity(n), Vec::with_capacity(n));
    while records.len() < n {
        let (id, key) =
            keys::generate(billctl::domain::mode::Mode::Test).map_err(|e| anyhow::anyhow!(e))?;
        if !seen.insert(id.clone()) {
            continue;
        }
        let customer = format!("cus_bench{}", records.len() % CUSTOMERS);
        records.push(seed::key_record(id, &key, &customer, now));
        plain.push(key);
    }
    store.issue_keys(&records, &seed::AUDIT, now)?;
    Ok(plain)
}

/// The anchor: the server core answering a fixed 200 with no work.
struct Fixed;

impl Handler for Fixed {
    async fn handle(&self, _req: Request) -> Response {
        server::json(hyper::StatusCode::OK, &serde_json::json!({"status": "ok"}))
    }
}

/// A server on a thread with its own current-thread runtime (as `billctl serve` runs);
/// dropping it stops the server.
struct Running {
    addr: String,
    metrics: Option<Arc<Metrics>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime")
}

fn bind() -> anyhow::Result<(std::net::TcpListener, String)> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    l.set_nonblocking(true)?;
    let addr = l.local_addr()?.to_string();
    Ok((l, addr))
}

fn start_anchor() -> anyhow::Result<Running> {
    let (l, addr) = bind()?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let rt = runtime();
        rt.block_on(async move {
            let l = tokio::net::TcpListener::from_std(l).expect("listener");
            server::serve(l, server::Limits::default(), Arc::new(Fixed), None, async {
                let _ = rx.await;
            })
            .await;
        });
    });
    Ok(Running { addr, metrics: None, stop: Some(tx), thread: Some(thread) })
}

/// `billctl serve`'s service on `store`, in this process.
fn start_serve(store: Store) -> anyhow::Result<Running> {
    let (l, addr) = bind()?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let config =
        billctl::domain::config::parse(CONFIG, "bench.toml").map_err(|e| anyhow::anyhow!(e))?;
    let metrics = Arc::new(Metrics::default());
    let m = metrics.clone();
    let thread = std::thread::spawn(move || {
        let rt = runtime();
        let listener = {
            let _in = rt.enter();
            tokio::net::TcpListener::from_std(l).expect("listener").into()
        };
        let settings = serve::Settings {
            limits: server::Limits { max_body: 8 << 20, ..server::Limits::default() },
            refresh: Duration::from_secs(3600),
            max_events: 10_000,
        };
        let run = serve::serve::Serve {
            listener,
            options: server::Options::default(),
            settings,
            config: &config,
            store,
            metrics: m,
            notice: Arc::new(|_| {}),
            stripe: serve::StripeAccess {
                client: Err("the benchmark reaches no Stripe".into()),
                mode: None,
            },
        };
        serve::run(&rt, run, async {
            let _ = rx.await;
        })
        .expect("serve runs");
    });
    Ok(Running { addr, metrics: Some(metrics), stop: Some(tx), thread: Some(thread) })
}

/// The mean group-commit size so far, from the service's metrics.
fn mean_group(svc: &Running) -> f64 {
    let text = svc.metrics.as_ref().map(|m| m.render()).unwrap_or_default();
    let get = |name: &str| -> f64 {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
            .unwrap_or(0.0)
    };
    get("billctl_serve_group_commit_size_sum")
        / get("billctl_serve_group_commit_size_count").max(1.0)
}

/// A service token for `store`.
fn token(store: &mut Store) -> anyhow::Result<String> {
    use billctl::domain::keys::Scope;
    let t = tokens::issue(store, "bench", &Scope::ALL, "bench", now())?;
    Ok(t.token)
}

/// What a load run measured.
struct Load {
    requests: usize,
    elapsed: Duration,
    /// Per-request latencies, microseconds.
    latencies: Vec<u32>,
}

impl Load {
    fn rps(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    fn p99_us(&mut self) -> u32 {
        self.latencies.sort_unstable();
        let i = (self.latencies.len() * 99 / 100).min(self.latencies.len().saturating_sub(1));
        self.latencies.get(i).copied().unwrap_or(0)
    }
}

/// Reads one answer (headers, then Content-Length bytes) from `s`; returns its status.
async fn read_answer(s: &mut tokio::net::TcpStream, buf: &mut Vec<u8>) -> anyhow::Result<u16> {
    buf.clear();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let status: u16 = head[9..12].parse()?;
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map_or(Ok(0), |v| v.trim().parse())?;
            while buf.len() < end + 4 + len {
                let n = s.read(&mut chunk).await?;
                anyhow::ensure!(n > 0, "closed");
                buf.extend_from_slice(&chunk[..n]);
            }
            return Ok(status);
        }
        let n = s.read(&mut chunk).await?;
        anyhow::ensure!(n > 0, "closed");
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// `connections` keep-alive connections, each sending the requests `make(i)` one after another
/// (i counts up across all connections) for `duration`, or `total` requests when given.
fn load(
    addr: &str,
    connections: usize,
    duration: Duration,
    total: Option<usize>,
    make: Arc<dyn Fn(usize) -> Vec<u8> + Send + Sync>,
) -> anyhow::Result<Load> {
    let mut one = load_over(&[addr], connections, duration, total, make)?;
    Ok(one.remove(0))
}

/// One load run as [`load`]'s, its connections split evenly across `addrs` (connection c to
/// `addrs[c % addrs.len()]`), all driven at once; what each address answered, in order.
fn load_over(
    addrs: &[&str],
    connections: usize,
    duration: Duration,
    total: Option<usize>,
    make: Arc<dyn Fn(usize) -> Vec<u8> + Send + Sync>,
) -> anyhow::Result<Vec<Load>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let rt = runtime();
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let results = rt.block_on(async {
        let mut tasks = tokio::task::JoinSet::new();
        for c in 0..connections {
            let at = c % addrs.len();
            let (addr, next, make) = (addrs[at].to_string(), next.clone(), make.clone());
            tasks.spawn(async move {
                let mut s = tokio::net::TcpStream::connect(&addr).await?;
                s.set_nodelay(true)?;
                let (mut lat, mut buf) = (Vec::new(), Vec::with_capacity(4096));
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if total.map_or(start.elapsed() >= duration, |t| i >= t) {
                        break;
                    }
                    let req = make(i);
                    let t = Instant::now();
                    s.write_all(&req).await?;
                    let status = read_answer(&mut s, &mut buf).await?;
                    anyhow::ensure!(
                        status == 200,
                        "status {status}: {}",
                        String::from_utf8_lossy(&buf)
                    );
                    lat.push(u32::try_from(t.elapsed().as_micros()).unwrap_or(u32::MAX));
                }
                anyhow::Ok((at, lat))
            });
        }
        let mut per = vec![Vec::new(); addrs.len()];
        while let Some(r) = tasks.join_next().await {
            let (at, lat) = r??;
            per[at].extend(lat);
        }
        anyhow::Ok(per)
    })?;
    let elapsed = start.elapsed();
    Ok(results.into_iter().map(|l| Load { requests: l.len(), elapsed, latencies: l }).collect())
}

fn post(path: &str, token: &str, body: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "POST {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    r.extend_from_slice(body);
    r
}

fn verify_request(token: &str, key: &str, record: bool) -> Vec<u8> {
    let body = if record {
        format!("{{\"key\":\"{key}\",\"record\":1}}")
    } else {
        format!("{{\"key\":\"{key}\"}}")
    };
    post("/v1/keys/verify", token, body.as_bytes())
}

fn main() -> anyhow::Result<()> {
    let only = std::env::var("BILLCTL_BENCH_ONLY").ok();
    let part = |p: &str| only.as_deref().is_none_or(|o| o == p);
    if only.as_deref() == Some("written") {
        // Its stores are its own: the 100,000-key seed below is not needed.
        let dir = tempfile::tempdir()?;
        std::fs::set_permissions(dir.path(), std::os::unix::fs::PermissionsExt::from_mode(0o700))?;
        return write_costs(dir.path());
    }
    if only.as_deref() == Some("hosts") {
        // Its own Postgres store: the SQLite seed below is not needed.
        return hosts::run();
    }
    let dir = tempfile::tempdir()?;
    // A private data dir, as billctl makes its own (else every process warns about its mode).
    std::fs::set_permissions(dir.path(), std::os::unix::fs::PermissionsExt::from_mode(0o700))?;
    let mut store = Store::open(dir.path())?;
    let keys = seed(&mut store, KEYS)?;
    let token = token(&mut store)?;
    println!("store: {} keys, {CUSTOMERS} customers; {CONNECTIONS} connections, {ROUNDS} rounds of {} s each side", keys.len(), SLICE.as_secs());
    if part("plain") {
        plain(&store, &keys, &token)?;
    }
    if part("recorded") {
        recorded(&store, &keys, &token, dir.path())?;
    }
    if part("hosts") {
        hosts::run()?;
    }
    if part("events") {
        events(&keys, dir.path())?;
    }
    if part("process") {
        process(&store, &keys, &token, dir.path())?;
    }
    if part("rss") {
        rss(&keys, &token, dir.path())?;
    }
    if part("written") {
        write_costs(dir.path())?;
    }
    Ok(())
}

/// 7. Rows and pages a recorded call writes, and round trips a group, on both stores.
fn write_costs(dir: &std::path::Path) -> anyhow::Result<()> {
    let config =
        billctl::domain::config::parse(CONFIG, "bench.toml").map_err(|e| anyhow::anyhow!(e))?;
    // A store of its own with a month of history (the other parts' store stays as it was).
    let own = dir.join("written");
    let mut sqlite = Store::open(&own)?;
    let sqlite_keys = seed(&mut sqlite, 2_000)?;
    let n = written::history(&mut sqlite, &sqlite_keys, now())?;
    println!("written: stores of 1,000 customers with {n} events of history (a month)");
    let side = written::Side::sqlite(&own.join("billctl.db"))?;
    written::report("SQLite", sqlite, side, &sqlite_keys, &config)?;
    let Some(cluster) = pg::cluster() else {
        println!("written on Postgres: skipped (no PostgreSQL server binaries)");
        return Ok(());
    };
    let url = cluster.fresh_db();
    let parsed =
        billctl::adapters::store::pg::PgUrl::parse(&url, true).map_err(|e| anyhow::anyhow!(e))?;
    let mut pg_store = Store::open_pg(&parsed)?;
    let pg_keys = seed(&mut pg_store, 2_000)?;
    written::history(&mut pg_store, &pg_keys, now())?;
    written::report("Postgres", pg_store, written::Side::pg(&url)?, &pg_keys, &config)
}

/// 1. Plain verifies of cached keys against the anchor.
fn plain(store: &Store, keys: &[String], token: &str) -> anyhow::Result<()> {
    let hot: Arc<Vec<Vec<u8>>> =
        Arc::new(keys[..1_000].iter().map(|k| verify_request(token, k, false)).collect());
    let anchor = start_anchor()?;
    let svc = start_serve(store.reopen()?)?;
    // Warm the cache: every hot key once.
    let h = hot.clone();
    load(&svc.addr, 4, SLICE, Some(hot.len()), Arc::new(move |i| h[i].clone()))?;
    // The anchor gets the very requests the service gets (the core reads each body alike).
    for round in 1..=ROUNDS {
        let h = hot.clone();
        let mut a = load(
            &anchor.addr,
            CONNECTIONS,
            SLICE,
            None,
            Arc::new(move |i| h[i % h.len()].clone()),
        )?;
        let h = hot.clone();
        let mut s =
            load(&svc.addr, CONNECTIONS, SLICE, None, Arc::new(move |i| h[i % h.len()].clone()))?;
        let (ap, sp) = (a.p99_us(), s.p99_us());
        println!(
            "plain verify round {round}: anchor {:.0} req/s p99 {ap} us; serve {:.0} req/s p99 {sp} us; ratio {:.2}x throughput, {:.2}x p99 (load {})",
            a.rps(), s.rps(), s.rps() / a.rps(), f64::from(sp) / f64::from(ap.max(1)), seed::load()
        );
    }
    // Every request after the warm-up should have been a hit: a miss sends a request to the
    // loader's thread, which this figure is not about.
    let text = svc.metrics.as_ref().map(|m| m.render()).unwrap_or_default();
    let count = |name: &str| -> String {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
            .unwrap_or("?")
            .trim()
            .to_string()
    };
    println!(
        "plain verify cache: {} hits, {} misses (the warm-up's {} first sights among them)",
        count("billctl_serve_cache_hits_total"),
        count("billctl_serve_cache_misses_total"),
        hot.len()
    );
    Ok(())
}

/// One-transaction-per-call recorded verifies in-process on `store`, over `n` keys, for SLICE.
fn one_per_call(store: Store, keys: &[String]) -> anyhow::Result<f64> {
    let config =
        billctl::domain::config::parse(CONFIG, "bench.toml").map_err(|e| anyhow::anyhow!(e))?;
    let mut v = Verifier::from_store(store, &config)?.with_refresh(Duration::from_secs(3600));
    let (start, mut n) = (Instant::now(), 0usize);
    while start.elapsed() < SLICE {
        let r = v.verify_and_record(&keys[n % keys.len()], 1);
        anyhow::ensure!(r.is_valid(), "{:?}", r.code);
        n += 1;
    }
    Ok(n as f64 / start.elapsed().as_secs_f64())
}

/// Groups of 32 recorded calls in-process (32 distinct keys, then one key 32 times): the
/// recorder's cost per group, without HTTP.
fn groups_in_process(store: Store, keys: &[String]) -> anyhow::Result<(f64, f64)> {
    let config =
        billctl::domain::config::parse(CONFIG, "bench.toml").map_err(|e| anyhow::anyhow!(e))?;
    let mut v = Verifier::from_store(store, &config)?.with_refresh(Duration::from_secs(3600));
    // Every key seen once first: the figure is the groups', not the first sight of keys.
    for k in keys {
        anyhow::ensure!(v.verify(k).is_valid(), "a bench key is not valid");
    }
    let mut per_group = |pick: &dyn Fn(usize) -> usize| -> anyhow::Result<f64> {
        let (start, mut groups) = (Instant::now(), 0usize);
        while start.elapsed() < SLICE / 2 {
            let calls: Vec<(&str, i64)> =
                (0..32).map(|i| (keys[pick(groups * 32 + i) % keys.len()].as_str(), 1)).collect();
            let out = v.verify_and_record_many(&calls);
            anyhow::ensure!(out.iter().all(|x| x.is_valid()), "{:?}", out[0].code);
            groups += 1;
        }
        Ok(start.elapsed().as_secs_f64() * 1e6 / groups as f64)
    };
    let distinct = per_group(&|i| i)?;
    let same = per_group(&|_| 0)?;
    Ok((distinct, same))
}

fn recorded_rounds(
    label: &str,
    store: &Store,
    keys: &[String],
    token: &str,
    at: &bare::Bare,
) -> anyhow::Result<()> {
    let (distinct, same) = groups_in_process(store.reopen()?, &keys[..1_000])?;
    println!("recorded verify on {label}, in-process groups of 32: {distinct:.0} us a group of 32 keys ({:.0} calls/s), {same:.0} us a group of one key 32 times ({:.0} calls/s)", 32e6 / distinct, 32e6 / same);
    // The anchor of the in-process figure: the bare writes of the same groups.
    let ids: Vec<String> =
        keys[..1_000].iter().map(|k| keys::parse(k).unwrap().id.to_string()).collect();
    let calls = |g: usize| -> Vec<(String, String)> {
        (0..32)
            .map(|i| (g * 32 + i) % 1_000)
            .map(|n| (format!("cus_bench{n}"), ids[n].clone()))
            .collect()
    };
    let floor = bare::group_us(at, SLICE / 2, now(), &calls)?;
    let trips = match at {
        bare::Bare::Pg(url) => format!(
            "; eight round trips doing nothing {:.0} us",
            bare::round_trips_us(url, SLICE / 2)?
        ),
        bare::Bare::Sqlite(_) => String::new(),
    };
    println!("recorded verify on {label}, anchor: the bare writes of a group of 32 customers' calls (32 events, 128 rollup upserts, one commit) {floor:.0} us{trips}; billctl's group {:.2}x of it", distinct / floor);
    let svc = start_serve(store.reopen()?)?;
    // Every call a different customer (1,000 keys of 1,000 customers, in turn: the worst case
    // for the store's writes), then the calls of 10 customers (a few large ones).
    for (what, n) in [("1,000 customers", 1_000), ("10 customers", 10)] {
        let reqs: Arc<Vec<Vec<u8>>> =
            Arc::new(keys[..n].iter().map(|k| verify_request(token, k, true)).collect());
        for round in 1..=ROUNDS {
            let base = one_per_call(store.reopen()?, &keys[..n])?;
            let r = reqs.clone();
            let s = load(
                &svc.addr,
                CONNECTIONS,
                SLICE,
                None,
                Arc::new(move |i| r[i % r.len()].clone()),
            )?;
            println!(
                "recorded verify on {label}, {what}, round {round}: verify_and_record one transaction per call {base:.0}/s; serve at {CONNECTIONS} connections {:.0} req/s; ratio {:.2}x (mean group so far {:.1})",
                s.rps(),
                s.rps() / base,
                mean_group(&svc)
            );
        }
    }
    Ok(())
}

/// 2. Recorded verifies: group commit against one transaction per call, SQLite then Postgres.
fn recorded(
    store: &Store,
    keys: &[String],
    token: &str,
    dir: &std::path::Path,
) -> anyhow::Result<()> {
    recorded_rounds("SQLite", store, keys, token, &bare::Bare::Sqlite(dir.join("billctl.db")))?;
    let Some(cluster) = pg::cluster() else {
        println!("recorded verify on Postgres: skipped (no PostgreSQL server binaries)");
        return Ok(());
    };
    let raw = cluster.fresh_db();
    let url =
        billctl::adapters::store::pg::PgUrl::parse(&raw, true).map_err(|e| anyhow::anyhow!(e))?;
    let mut pg_store = Store::open_pg(&url)?;
    let pg_keys = seed(&mut pg_store, 10_000)?;
    let pg_token = crate::token(&mut pg_store)?;
    recorded_rounds("Postgres", &pg_store, &pg_keys, &pg_token, &bare::Bare::Pg(raw))
}

/// 4. Usage events over HTTP against `billctl usage import` of the same events.
fn events(keys: &[String], dir: &std::path::Path) -> anyhow::Result<()> {
    let bin = env!("CARGO_BIN_EXE_billctl");
    let now = now();
    let ids: Vec<&str> = keys.iter().map(|k| keys::parse(k).unwrap().id).collect();
    for round in 1..=ROUNDS {
        let lines: Vec<String> = (0..EVENTS)
            .map(|i| {
                format!(
                    "{{\"id\":\"r{round}-e{i}\",\"key\":\"{}\",\"quantity\":1,\"timestamp\":{}}}",
                    ids[i % ids.len()],
                    now - (i % 3600) as i64
                )
            })
            .collect();
        let file = dir.join(format!("events-{round}.ndjson"));
        std::fs::write(&file, lines.join("\n") + "\n")?;
        // Two fresh stores with the same keys: one for the import, one for serve.
        let (a, b) = (dir.join(format!("import-{round}")), dir.join(format!("http-{round}")));
        for d in [&a, &b] {
            let mut s = Store::open(d)?;
            seed_keys_from(&mut s, keys)?;
        }
        let cfg = dir.join("bench.toml");
        std::fs::write(&cfg, CONFIG)?;
        let t = Instant::now();
        let st = Command::new(bin)
            .args(["usage", "import", "-q"])
            .arg(&file)
            .env("BILLCTL_DATA_DIR", &a)
            .env("BILLCTL_CONFIG", &cfg)
            .stdout(Stdio::null())
            .status()?;
        anyhow::ensure!(st.success(), "usage import failed");
        let import = EVENTS as f64 / t.elapsed().as_secs_f64();
        let mut sb = Store::open(&b)?;
        let tok = token(&mut sb)?;
        let svc = start_serve(sb)?;
        let batches: Arc<Vec<Vec<u8>>> = Arc::new(
            lines
                .chunks(10_000)
                .map(|c| post("/v1/usage/events", &tok, (c.join("\n") + "\n").as_bytes()))
                .collect(),
        );
        let n = batches.len();
        let bt = batches.clone();
        let l = load(&svc.addr, 2, SLICE, Some(n), Arc::new(move |i| bt[i].clone()))?;
        let http = EVENTS as f64 / l.elapsed.as_secs_f64();
        drop(svc);
        let stored: i64 = rusqlite::Connection::open(b.join("billctl.db"))?.query_row(
            "SELECT count(*) FROM usage_events",
            [],
            |r| r.get(0),
        )?;
        anyhow::ensure!(stored as usize == EVENTS, "{stored} stored");
        println!("usage events round {round}: usage import {import:.0} events/s; over HTTP (10,000 a request, 2 connections) {http:.0} events/s; ratio {:.2}x", http / import);
    }
    Ok(())
}

/// The bench customers and the same keys (ids and hashes) in another store.
fn seed_keys_from(store: &mut Store, keys: &[String]) -> anyhow::Result<()> {
    let now = now();
    seed(store, 0)?;
    let records: Vec<KeyRecord> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let id = keys::parse(k).unwrap().id.to_string();
            seed::key_record(id, k, &format!("cus_bench{}", i % CUSTOMERS), now)
        })
        .collect();
    store.issue_keys(&records, &seed::AUDIT, now)?;
    Ok(())
}

/// 5. Plain verifies through serve against `billctl keys verify` as a process per request.
fn process(
    store: &Store,
    keys: &[String],
    token: &str,
    dir: &std::path::Path,
) -> anyhow::Result<()> {
    let bin = env!("CARGO_BIN_EXE_billctl");
    let cfg = dir.join("bench.toml");
    std::fs::write(&cfg, CONFIG)?;
    let key_file = dir.join("key.txt");
    std::fs::write(&key_file, format!("{}\n", keys[0]))?;
    let svc = start_serve(store.reopen()?)?;
    let req = Arc::new(verify_request(token, &keys[0], false));
    for round in 1..=ROUNDS {
        let (t, runs) = (Instant::now(), 100);
        for _ in 0..runs {
            let st = Command::new(bin)
                .args(["keys", "verify"])
                .env("BILLCTL_DATA_DIR", dir)
                .env("BILLCTL_CONFIG", &cfg)
                .stdin(std::fs::File::open(&key_file)?)
                .stdout(Stdio::null())
                .status()?;
            anyhow::ensure!(st.success(), "keys verify failed");
        }
        let per_process = f64::from(runs) / t.elapsed().as_secs_f64();
        let r = req.clone();
        let one = load(&svc.addr, 1, SLICE, None, Arc::new(move |_| r.as_ref().clone()))?;
        println!("against a process per request round {round}: keys verify {per_process:.0}/s; serve, one connection, {:.0} req/s; ratio {:.0}x", one.rps(), one.rps() / per_process);
    }
    Ok(())
}

fn vm_rss_kb(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| anyhow::anyhow!("no VmRSS"))
}

/// 6. The RSS of a `billctl serve` process with every key cached.
fn rss(keys: &[String], token: &str, dir: &std::path::Path) -> anyhow::Result<()> {
    let bin = env!("CARGO_BIN_EXE_billctl");
    let cfg = dir.join("bench.toml");
    std::fs::write(&cfg, CONFIG)?;
    let mut child = Command::new(bin)
        .args(["serve", "--listen", "127.0.0.1:0", "--refresh", "1h", "--json"])
        .env("BILLCTL_DATA_DIR", dir)
        .env("BILLCTL_CONFIG", &cfg)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let mut first = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.as_mut().unwrap()),
        &mut first,
    )?;
    let url: serde_json::Value = serde_json::from_str(&first)?;
    let addr = url["listening"].as_str().unwrap().trim_start_matches("http://").to_string();
    let before = vm_rss_kb(child.id())?;
    let reqs: Arc<Vec<Vec<u8>>> =
        Arc::new(keys.iter().map(|k| verify_request(token, k, false)).collect());
    let n = reqs.len();
    let r = reqs.clone();
    let l = load(&addr, CONNECTIONS, SLICE, Some(n), Arc::new(move |i| r[i].clone()))?;
    let after = vm_rss_kb(child.id())?;
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let _ = child.wait();
    println!(
        "RSS: billctl serve {} MB at start, {} MB after first sight of {} keys ({:.0} req/s); anchor: the process at start",
        before / 1024,
        after / 1024,
        l.requests,
        l.rps()
    );
    std::io::stdout().flush()?;
    Ok(())
}
