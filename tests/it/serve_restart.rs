//! `billctl serve` on Postgres across a restart of the database server: a request that begins
//! once the server is back is answered as if nothing had happened (each of serve's
//! connections reconnects and runs again what had not committed); only requests that
//! overlapped the restart may get 503. Runs on a private throwaway cluster (tests/common/pg.rs),
//! as restarting the shared one would end every other test's connections; skipped, with a
//! note, where Postgres is not installed, unless BILLCTL_REQUIRE_POSTGRES is set.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it restarts a database server of its own.

use crate::common::{self, http, pg, Env};
use crate::serve::{key, token, Serve};
use serde_json::json;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Instant;

/// One request as a load thread saw it: what it asked, when it began and ended, the status.
#[derive(Debug, Clone)]
struct Seen {
    what: &'static str,
    began: Instant,
    ended: Instant,
    status: u16,
    body: String,
}

/// The kinds of request, together using each of serve's store connections: the token list
/// (re-read every 100 ms), the plain verifier, the recorder, the writer and the reader.
const KINDS: [&str; 5] = ["verify", "record", "events", "usage", "readyz"];

fn ask(url: &str, what: &str, t: &str, (k, customer): (&str, &str), n: usize) -> (u16, String) {
    let post = |path: &str, body: serde_json::Value| {
        http::request(url, "POST", path, Some(t), Some(body.to_string().as_bytes()))
    };
    let a = match what {
        "verify" => post("/v1/keys/verify", json!({"key": k})),
        "record" => post("/v1/keys/verify", json!({"key": k, "record": 1})),
        "events" => post(
            "/v1/usage/events",
            json!([{"id": format!("restart-{n}"), "customer": customer, "quantity": 1, "timestamp": common::now()}]),
        ),
        "usage" => {
            http::request(url, "GET", &format!("/v1/customers/{customer}/usage"), Some(t), None)
        }
        _ => http::request(url, "GET", "/readyz", Some(t), None),
    };
    (a.status, a.body)
}

/// The load threads' gate: closed, each waits before its next request; `busy` counts the
/// requests in flight.
#[derive(Default)]
struct Gate {
    closed: Mutex<bool>,
    opened: Condvar,
    busy: AtomicUsize,
    stop: AtomicBool,
}

impl Gate {
    fn set(&self, closed: bool) {
        *self.closed.lock().unwrap() = closed;
        self.opened.notify_all();
    }

    /// Waits while closed; false once the load is to stop.
    fn pass(&self) -> bool {
        let mut closed = self.closed.lock().unwrap();
        while *closed && !self.stop.load(Ordering::SeqCst) {
            closed = self.opened.wait(closed).unwrap();
        }
        self.busy.fetch_add(1, Ordering::SeqCst);
        !self.stop.load(Ordering::SeqCst)
    }
}

#[test]
fn a_postgres_restart_costs_at_most_the_requests_that_overlapped_it() {
    let Some(cluster) = pg::Cluster::private() else {
        return;
    };
    let mut env = Env::new();
    env.database_url = Some(cluster.fresh_db());
    env.cmd("setup-products --yes -q").ok();
    let customer = env.subscribed("restart@example.com", "team");
    let k = key(&env, &customer);
    let t = token(&env, "app", "verify,usage,read");
    let serve = Serve::start(&env, &["--refresh", "100ms"]);
    let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let gate = Arc::new(Gate::default());
    let workers: Vec<_> = KINDS
        .iter()
        .enumerate()
        .map(|(w, what)| {
            let (url, t, k, customer) = (serve.url.clone(), t.clone(), k.clone(), customer.clone());
            let (seen, gate) = (seen.clone(), gate.clone());
            std::thread::spawn(move || {
                let mut n = w * 1_000_000;
                while gate.pass() {
                    n += 1;
                    let began = Instant::now();
                    let (status, body) = ask(&url, what, &t, (&k, &customer), n);
                    let ended = Instant::now();
                    seen.lock().unwrap().push(Seen { what, began, ended, status, body });
                    gate.busy.fetch_sub(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    let answered_since = |from: Instant, count: usize| {
        let seen = seen.lock().unwrap();
        KINDS.iter().all(|what| {
            seen.iter().filter(|s| s.what == *what && s.began >= from && s.status == 200).count()
                >= count
        })
    };
    // Observed, not timed: each kind answered a few times, from every connection serve has.
    let start = Instant::now();
    common::wait_for("every kind of request answered", || answered_since(start, 3).then_some(()));
    // 1. The server restarts while serve is idle (the unlucky case: each connection learns
    // that it was ended only at its next use, after the server is back).
    gate.set(true);
    common::wait_for("no request in flight", || {
        (gate.busy.load(Ordering::SeqCst) == 0).then_some(())
    });
    let mut windows = Vec::new();
    let down = Instant::now();
    cluster.restart();
    let back = Instant::now();
    windows.push((down, back));
    gate.set(false);
    common::wait_for("every kind answered after the idle restart", || {
        answered_since(back, 10).then_some(())
    });
    // 2. The server restarts under the load.
    let down = Instant::now();
    cluster.restart();
    let back = Instant::now();
    windows.push((down, back));
    common::wait_for("every kind answered after the restart under load", || {
        answered_since(back, 20).then_some(())
    });
    gate.stop.store(true, Ordering::SeqCst);
    gate.set(false);
    for w in workers {
        w.join().unwrap();
    }
    let seen = seen.lock().unwrap().clone();
    // Nothing but 200, and a 503 only for a request that was in flight while the server was
    // down: none that began after it was back.
    let overlapped =
        |s: &Seen| windows.iter().any(|(down, back)| s.ended >= *down && s.began < *back);
    let failed: Vec<&Seen> =
        seen.iter().filter(|s| s.status != 200 && !(s.status == 503 && overlapped(s))).collect();
    assert!(
        failed.is_empty(),
        "{} of {} requests failed that did not overlap a restart, e.g. {:?}: {}",
        failed.len(),
        seen.len(),
        failed.first(),
        failed.first().map_or("", |s| s.body.as_str())
    );
    // Every recorded call and event answered 200 is in the store, once; one answered 503 may
    // be there or not (its commit may have been under way).
    let count = |what: &str, status: u16| {
        seen.iter().filter(|s| s.what == what && s.status == status).count() as i64
    };
    let id = billctl::domain::keys::parse(&k).unwrap().id;
    let recorded =
        env.count(&format!("SELECT count(*) FROM usage_events WHERE key_id = '{id}'"), false);
    let events =
        env.count("SELECT count(*) FROM usage_events WHERE event_id LIKE 'restart-%'", false);
    for (what, stored) in [("record", recorded), ("events", events)] {
        let (ok, maybe) = (count(what, 200), count(what, 503));
        assert!(
            ok <= stored && stored <= ok + maybe,
            "{what}: {stored} stored, {ok} answered 200, {maybe} 503"
        );
    }
    assert_eq!(serve.stop().code, 0);
}
