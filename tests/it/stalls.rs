//! Nothing stalls serve's runtime thread: a store read held up (Postgres: `LOCK TABLE
//! subscriptions`; SQLite: an exclusive transaction, which holds up writes), a stderr nobody
//! reads, and a FIFO put where the certificate was. Each bound is an order, not a speed:
//! what must not wait is answered while the stall is still held.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as its customers are subscribed through the simulator's test cards.

use crate::common::{self, http, Env};
use crate::serve::{metric, paid, token, Serve};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

/// How long the test holds the store at most: the stall that must delay nothing else.
const STALL: Duration = Duration::from_secs(10);

/// The store held up by another client until [`Held::release`], or [`STALL`] at most.
pub(crate) struct Held {
    release: mpsc::Sender<()>,
    released: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<()>,
}

impl Held {
    /// Postgres: `LOCK TABLE subscriptions` in an open transaction (every read of a customer's
    /// subscription waits); SQLite: `BEGIN EXCLUSIVE` (every write waits).
    fn take(env: &Env) -> Held {
        Held::take_table(env, "subscriptions")
    }

    /// [`Held::take`] with Postgres's lock on `table`.
    pub(crate) fn take_table(env: &Env, table: &'static str) -> Held {
        let (release, told) = mpsc::channel::<()>();
        let (held_tx, held) = mpsc::channel::<()>();
        let released = Arc::new(AtomicBool::new(false));
        let flag = released.clone();
        let (url, db) = (env.database_url.clone(), env.data_dir().join("billctl.db"));
        let thread = std::thread::spawn(move || {
            let done = |flag: &AtomicBool| flag.store(true, Ordering::SeqCst);
            match url {
                Some(url) => {
                    let mut c = common::pg::cluster().unwrap().client(&url);
                    let lock = format!("SET lock_timeout = '60s'; BEGIN; LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE");
                    c.batch_execute(&lock).unwrap();
                    held_tx.send(()).unwrap();
                    let _ = told.recv_timeout(STALL);
                    done(&flag);
                    c.batch_execute("COMMIT").unwrap();
                }
                None => {
                    let c = rusqlite::Connection::open(db).unwrap();
                    c.execute_batch("BEGIN EXCLUSIVE").unwrap();
                    held_tx.send(()).unwrap();
                    let _ = told.recv_timeout(STALL);
                    done(&flag);
                    c.execute_batch("COMMIT").unwrap();
                }
            }
        });
        held.recv().unwrap();
        Held { release, released, thread }
    }

    /// Panics if the stall was over before `what` was answered.
    fn still_held(&self, what: &str) {
        let held = !self.released.load(Ordering::SeqCst);
        assert!(held, "{what} was answered only once the store was released");
    }

    pub(crate) fn release(self) {
        let _ = self.release.send(());
        self.thread.join().unwrap();
    }
}

/// Whether a Postgres backend of `url`'s database waits on a lock (a stalled read).
fn lock_waits(c: &mut postgres::Client, url: &str) -> bool {
    let waiting =
        "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'";
    c.query_one(waiting, &[&crate::serve::db_name(url)]).unwrap().get::<_, i64>(0) > 0
}

/// Waits until a Postgres backend of `url`'s database waits on a lock (the stalled read).
fn wait_for_lock_wait(url: &str) {
    let mut c = common::pg::cluster().unwrap().client(url);
    common::wait_for("a store read waiting on the lock", || lock_waits(&mut c, url).then_some(()));
}

/// The answer of `call` on another thread, for a request that is to stall.
fn in_background(
    call: impl FnOnce() -> http::Answer + Send + 'static,
) -> mpsc::Receiver<http::Answer> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(call());
    });
    rx
}

#[test]
fn a_stalled_store_read_delays_no_probe_no_cached_verify_and_no_other_customers_key_change() {
    let env = Env::with_catalog();
    let (_a, uncached) = paid(&env, "stalled@example.com", "pro");
    let (b, b_key) = paid(&env, "other@example.com", "pro");
    let (_c, cached) = paid(&env, "cached@example.com", "pro");
    let t = token(&env, "app", "verify,read,self-service");
    // Caches stay fresh through the test: a cached verify needs no store.
    let serve = Serve::start(&env, &["--refresh", "60s"]);
    // Twice: the second, from the cache, ends any read snapshot the first left open.
    for _ in 0..2 {
        assert_eq!(serve.verify(&t, &cached, None).json()["code"], "VALID");
    }
    assert_eq!(serve.get("/metrics", &t).status, 200);
    let b_id = billctl::domain::keys::parse(&b_key).unwrap().id.to_string();
    let held = Held::take(&env);
    let (url, token_) = (serve.url.clone(), t.clone());
    // The store read that stalls: Postgres, a verify of a key never seen (its customer's
    // subscription is read); SQLite, a key change (a write).
    let stalled = match &env.database_url {
        Some(db) => {
            let key = uncached.clone();
            let rx = in_background(move || {
                let body = json!({ "key": key }).to_string();
                http::request(&url, "POST", "/v1/keys/verify", Some(&token_), Some(body.as_bytes()))
            });
            wait_for_lock_wait(db);
            rx
        }
        None => {
            let (a, id) =
                (_a.clone(), billctl::domain::keys::parse(&uncached).unwrap().id.to_string());
            in_background(move || {
                let path = format!("/v1/customers/{a}/keys/{id}/rotate");
                http::request(&url, "POST", &path, Some(&token_), Some(b"{}"))
            })
        }
    };
    // Postgres: another customer's key change is answered (SQLite has one writer at a time).
    if env.database_url.is_some() {
        let path = format!("/v1/customers/{b}/keys/{b_id}/revoke");
        let a = serve.post(&path, &t, &json!({"reason": "stall test"}));
        assert_eq!(a.status, 200, "{}", a.body);
        held.still_held("another customer's key change");
    }
    let health = http::request(&serve.url, "GET", "/healthz", None, None);
    assert_eq!(health.status, 200, "{}", health.body);
    held.still_held("/healthz");
    let m = serve.get("/metrics", &t);
    assert_eq!(m.status, 200, "{}", m.body);
    held.still_held("/metrics");
    let v = serve.verify(&t, &cached, None).json();
    assert_eq!(v["code"], "VALID", "{v}");
    held.still_held("a cached verify");
    held.release();
    let a = stalled.recv().unwrap();
    if env.database_url.is_some() {
        assert_eq!(a.json()["code"], "VALID", "{}", a.body);
        // The revocation made during the stall holds at once.
        assert_eq!(serve.verify(&t, &b_key, None).json()["code"], "REVOKED");
    } else {
        assert!(matches!(a.status, 201 | 503), "{}", a.body);
    }
    assert_eq!(serve.stop().code, 0);
}

#[test]
fn a_stalled_token_list_read_holds_up_no_caller_whose_token_is_known() {
    let env = Env::with_catalog();
    let Some(db) = env.database_url.clone() else {
        eprintln!("note: Postgres only (a SQLite read never waits on a lock)");
        return;
    };
    let (_, cached) = paid(&env, "tokens@example.com", "pro");
    let t = token(&env, "app", "verify,read");
    let serve = Serve::start(&env, &["--refresh", "200ms"]);
    for _ in 0..2 {
        assert_eq!(serve.verify(&t, &cached, None).json()["code"], "VALID");
    }
    let held = Held::take_table(&env, "service_tokens");
    // Requests until one of them reads the (stale) token list and waits on the lock.
    let mut waiting = Vec::new();
    let mut c = common::pg::cluster().unwrap().client(&db);
    common::wait_for("a token list read waiting on the lock", || {
        let (url, t) = (serve.url.clone(), t.clone());
        waiting.push(in_background(move || http::request(&url, "GET", "/metrics", Some(&t), None)));
        lock_waits(&mut c, &db).then_some(())
    });
    let m = serve.get("/metrics", &t);
    assert_eq!(m.status, 200, "{}", m.body);
    held.still_held("/metrics with a known token");
    assert_eq!(serve.verify(&t, &cached, None).json()["code"], "VALID");
    held.still_held("a cached verify with a known token");
    held.release();
    for rx in waiting {
        assert_eq!(rx.recv().unwrap().status, 200);
    }
    assert_eq!(serve.stop().code, 0);
}

#[test]
fn a_stderr_nobody_reads_never_stops_serve_or_listen_and_dropped_lines_are_counted() {
    let env = Env::new();
    let t = token(&env, "metrics", "read");
    let serve = ["serve", "--json", "--listen", "127.0.0.1:0"];
    let listen = ["webhooks", "listen", "--json", "--bind", "127.0.0.1:0", "--secret-env", "WH"];
    // Each server, and the route asked thousands of times (each answer is a JSON log line).
    for (args, route) in [(&serve[..], "/healthz"), (&listen[..], "/metrics")] {
        stalled_stderr(&env, args, route, &t);
    }
}

/// Runs a server with a stderr nobody reads: it answers thousands of requests, counts the
/// lines it dropped, and still exits 0 on SIGTERM.
fn stalled_stderr(env: &Env, args: &[&str], route: &str, t: &str) {
    let mut child = env.command();
    child.args(args).args(["--log-format", "json"]).env("WH", "whsec_stalled_stderr_secret");
    let mut child = child.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    // The pipe is kept open and never read: once its buffer is full, every write would wait.
    let stderr = child.stderr.take().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    let url = serde_json::from_str::<Value>(&first).unwrap()["listening"].clone();
    let authority = url.as_str().unwrap().split("://").nth(1).unwrap().split('/').next().unwrap();
    let base = format!("http://{authority}");
    // About 250 bytes a line: thousands fill the pipe and the log's queue many times over.
    for i in 0..6000 {
        let a = http::request(&base, "GET", route, Some(t), None);
        assert_eq!(a.status, 200, "{} request {i}: {}", args[0], a.body);
    }
    let m = http::request(&base, "GET", "/metrics", Some(t), None);
    assert_eq!(m.status, 200, "{}", m.body);
    let dropped = metric(&m.body, "billctl_log_lines_dropped_total");
    assert!(dropped > 0.0, "{}: no line counted as dropped:\n{}", args[0], m.body);
    // SIGTERM still ends it with 0, though its stderr never drains.
    let pid = child.id().to_string();
    assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let mut rest = String::new();
    let _ = out.read_to_string(&mut rest);
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{}", args[0]);
    // What was written is whole JSON lines.
    let mut text = String::new();
    BufReader::new(stderr).read_to_string(&mut text).unwrap();
    for line in text.lines().filter(|l| !l.is_empty()) {
        serde_json::from_str::<Value>(line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
    }
}

#[test]
fn a_fifo_as_the_certificate_on_sighup_stalls_no_handshake() {
    let env = Env::new();
    let t = token(&env, "probe", "read");
    let (cert, key) = (env.path("cert.pem"), env.path("key.pem"));
    let Some(ca) = crate::serve::self_signed(&cert, &key, "fifo") else {
        eprintln!("note: skipped: no openssl");
        return;
    };
    let (c, k) = (cert.to_str().unwrap(), key.to_str().unwrap());
    let serve = Serve::start(&env, &["--tls-cert", c, "--tls-key", k]);
    let authority = serve.url.trim_start_matches("https://").to_string();
    let get = || {
        let req = http::raw("GET", "/metrics", Some(&t), None);
        crate::serve::tls_exchange(&authority, &ca, &req).expect("a TLS answer")
    };
    assert_eq!(get().0.status, 200);
    // A FIFO nobody writes to, where the certificate was: opening it to read would wait.
    std::fs::remove_file(&cert).unwrap();
    let made = std::process::Command::new("mkfifo").arg(&cert).status().unwrap();
    assert!(made.success());
    serve.signal("HUP");
    let (a, presented) = get();
    assert_eq!((a.status, presented == ca), (200, true), "{}", a.body);
    serve.wait_for_stderr("not a regular file");
    serve.wait_for_stderr("kept the certificate in use");
    // And again, once the reload has said so.
    let (a, presented) = get();
    assert_eq!((a.status, presented == ca), (200, true), "{}", a.body);
    assert_eq!(serve.stop().code, 0);
}
