//! `billctl serve`: service tokens, the routes (verify, usage events, a customer's usage,
//! health, readiness, metrics), exact limits under concurrency and across two processes on
//! one store, a store that is down, TLS, and attacks.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as its customers are subscribed through the simulator's test cards.

use crate::common;

use common::http::{self, Answer};
use common::tests3::pick;
use common::{Env, Run};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// A running `billctl serve`: its base URL, and its stderr as it comes.
pub struct Serve {
    child: Child,
    pub url: String,
    /// The first line on stdout: `{"listening": URL, "config": {"path", "catalog"}}`.
    pub first: Value,
    /// Stderr so far, and a condition the reader thread signals at each chunk.
    stderr: Arc<(Mutex<String>, Condvar)>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Serve {
    pub fn start(env: &Env, extra: &[&str]) -> Serve {
        Serve::start_with(env, extra, &[])
    }

    /// With `vars` set (an empty value removes the variable).
    pub fn start_with(env: &Env, extra: &[&str], vars: &[(&str, &str)]) -> Serve {
        let mut args = vec!["serve", "--json"];
        if !extra.contains(&"--listen") {
            args.extend(["--listen", "127.0.0.1:0"]);
        }
        args.extend_from_slice(extra);
        Serve::spawn(env, &args, vars)
    }

    /// Any billctl server (`serve`, `webhooks listen`) run with `args`, whose first line on
    /// stdout is `{"listening": URL}`; with `vars` set (an empty value removes the variable).
    pub fn spawn(env: &Env, args: &[&str], vars: &[(&str, &str)]) -> Serve {
        let mut command = env.command();
        for (name, _) in vars.iter().filter(|(_, v)| v.is_empty()) {
            command.env_remove(name);
        }
        let mut child = command
            .args(args)
            .envs(vars.iter().copied().filter(|(_, v)| !v.is_empty()))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("billctl serve starts");
        let stderr = Arc::new((Mutex::new(String::new()), Condvar::new()));
        let (sink, mut err) = (stderr.clone(), child.stderr.take().unwrap());
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.0.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
                sink.1.notify_all();
            }
        });
        let mut first = String::new();
        BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut first).unwrap();
        let first = serde_json::from_str::<Value>(&first).unwrap_or_else(|_| Value::String(first));
        let Some(url) = first["listening"].as_str().map(String::from) else {
            let _ = child.wait();
            let _ = reader.join();
            panic!("serve did not start: {first:?}\nstderr:\n{}", stderr.0.lock().unwrap());
        };
        Serve { child, url, first, stderr, reader: Some(reader) }
    }

    pub fn post(&self, path: &str, token: &str, body: &Value) -> Answer {
        http::request(&self.url, "POST", path, Some(token), Some(body.to_string().as_bytes()))
    }

    /// POSTs `body` as it is (JSON or not) to `path`, with `token` if there is one.
    pub fn post_raw(&self, path: &str, token: Option<&str>, body: &[u8]) -> Answer {
        http::request(&self.url, "POST", path, token, Some(body))
    }

    pub fn get(&self, path: &str, token: &str) -> Answer {
        http::request(&self.url, "GET", path, Some(token), None)
    }

    pub fn verify(&self, token: &str, key: &str, record: Option<i64>) -> Answer {
        let mut body = json!({ "key": key });
        if let Some(q) = record {
            body["record"] = q.into();
        }
        self.post("/v1/keys/verify", token, &body)
    }

    pub fn stderr(&self) -> String {
        self.stderr.0.lock().unwrap().clone()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits until stderr holds `text`: woken by each chunk the reader thread takes in (the
    /// minute is only there so that a broken build fails instead of hanging).
    pub fn wait_for_stderr(&self, text: &str) {
        let (lock, more) = &*self.stderr;
        let seen = more
            .wait_timeout_while(lock.lock().unwrap(), Duration::from_secs(60), |s| {
                !s.contains(text)
            })
            .unwrap()
            .0;
        assert!(seen.contains(text), "serve never said {text:?}:\n{}", *seen);
    }

    /// How many times stderr holds `text` so far.
    pub fn count_in_stderr(&self, text: &str) -> usize {
        self.stderr.0.lock().unwrap().matches(text).count()
    }

    /// Waits until stderr holds `text` at least `n` times (see [`Serve::wait_for_stderr`]).
    pub fn wait_for_stderr_times(&self, text: &str, n: usize) {
        let (lock, more) = &*self.stderr;
        let seen = more
            .wait_timeout_while(lock.lock().unwrap(), Duration::from_secs(60), |s| {
                s.matches(text).count() < n
            })
            .unwrap()
            .0;
        assert!(seen.matches(text).count() >= n, "serve never said {text:?} {n} times:\n{}", *seen);
    }

    /// Whether the process is still running.
    pub fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Sends `signal` to the process.
    pub fn signal(&self, signal: &str) {
        assert!(std::process::Command::new("kill")
            .args([&format!("-{signal}"), &self.pid().to_string()])
            .status()
            .unwrap()
            .success());
    }

    /// Stops it with SIGTERM and returns its exit and output.
    pub fn stop(mut self) -> Run {
        self.signal("TERM");
        let mut out = String::new();
        let _ = self.child.stdout.take().unwrap().read_to_string(&mut out);
        let status = self.child.wait().unwrap();
        if let Some(r) = self.reader.take() {
            r.join().unwrap();
        }
        Run { code: status.code().unwrap_or(-1), stdout: out, stderr: self.stderr() }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Issues a service token with `scopes` (comma-separated).
pub fn token(env: &Env, name: &str, scopes: &str) -> String {
    let r = env.cmd(format!("serve tokens issue --name {name} --scope {scopes}")).ok();
    let t = r.stdout.trim().to_string();
    assert!(billctl::domain::keys::parse_token(&t).is_some(), "a token: {t:?}");
    t
}

/// Issues an API key for `customer`.
pub fn key(env: &Env, customer: &str) -> String {
    let r = env.cmd(format!("keys issue --customer {customer}")).ok();
    r.stdout.trim().to_string()
}

/// A customer with a paid subscription on `tier` and a key of theirs.
pub fn paid(env: &Env, email: &str, tier: &str) -> (String, String) {
    let customer = env.subscribed(email, tier);
    let k = key(env, &customer);
    (customer, k)
}

/// Recorded usage events of a key in the store.
fn rows(env: &Env, key: &str) -> i64 {
    let id = billctl::domain::keys::parse(key).unwrap().id;
    env.count(&format!("SELECT count(*) FROM usage_events WHERE key_id = '{id}'"), false)
}

/// A counter's value in a Prometheus exposition (`name{labels}` exactly as written).
pub fn metric(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("no {series} in the metrics:\n{text}"))
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn tokens_are_shown_once_stored_as_hashes_and_checked_for_scope_and_revocation() {
    let env = Env::new();
    let r = env.cmd("serve tokens issue --name gateway --scope verify --scope read --json").ok();
    let issued = r.json();
    let t = issued["token"].as_str().unwrap().to_string();
    assert!(t.starts_with("bks_"), "{t}");
    assert_eq!(issued["scopes"], json!(["verify", "read"]));
    // The store keeps the hash only; the list never shows the token.
    let hash = billctl::domain::keys::hash(&t);
    let literal = match common::on_postgres() {
        true => format!("'\\x{}'::bytea", hex(&hash)),
        false => format!("x'{}'", hex(&hash)),
    };
    let stored =
        env.count(&format!("SELECT count(*) FROM service_tokens WHERE hash = {literal}"), false);
    assert_eq!(stored, 1);
    let list = env.cmd("serve tokens list --json").ok();
    assert!(!list.stdout.contains(&t));
    assert_eq!(list.json()[0]["status"], "active");
    // A second token of the same name is refused while the first is in use; a bad scope too.
    let dup = env.cmd("serve tokens issue --name gateway --scope verify").code(2);
    assert!(dup.stderr.contains("already in use"), "{}", dup.stderr);
    let bad = env.cmd("serve tokens issue --name x --scope admin").code(2);
    assert!(bad.stderr.contains("unknown scope"), "{}", bad.stderr);
    let usage_only = token(&env, "ingest", "usage");

    let serve = Serve::start(&env, &["--refresh", "200ms"]);
    let ok = serve.get("/healthz", &t);
    assert_eq!((ok.status, ok.json()["status"].clone()), (200, json!("ok")));
    for (presented, status, code) in [
        (None, 401, "TOKEN_MISSING"),
        (Some("bks_nonsense"), 401, "TOKEN_MALFORMED"),
        (Some(&billctl::domain::keys::generate_token().unwrap().1[..]), 401, "TOKEN_UNKNOWN"),
        (Some(&usage_only[..]), 403, "TOKEN_SCOPE"),
    ] {
        let a = serve.post_raw("/v1/keys/verify", presented, b"{\"key\":\"x\"}");
        assert_eq!((a.status, a.json()["code"].as_str()), (status, Some(code)), "{}", a.body);
    }
    // Revoked (by id) through the CLI: refused within the refresh interval.
    let id = billctl::domain::keys::parse_token(&t).unwrap();
    env.cmd(format!("serve tokens revoke {id} --yes")).ok();
    eventually("the revoked token is refused", || {
        serve.verify(&t, "x", None).body.contains("TOKEN_REVOKED")
    });
    // Failures are counted, and the log names the token's id, never the token.
    let reader = token(&env, "metrics", "read");
    eventually("the new token is taken", || serve.get("/metrics", &reader).status == 200);
    let m = serve.get("/metrics", &reader).body;
    assert!(metric(&m, "billctl_serve_auth_failures_total{code=\"TOKEN_SCOPE\"}") >= 1.0);
    assert!(metric(&m, "billctl_serve_auth_failures_total{code=\"TOKEN_REVOKED\"}") >= 1.0);
    let run = serve.stop();
    assert_eq!(run.code, 0, "{}", run.stderr);
    for secret in [&t, &usage_only, &reader] {
        assert!(!run.stderr.contains(secret.as_str()) && !run.stdout.contains(secret.as_str()));
        assert!(!m.contains(secret.as_str()));
    }
    // Passing a whole token to revoke is refused without echoing it.
    let whole = env.cmd(format!("serve tokens revoke {reader} --yes")).code(2);
    assert!(!whole.stderr.contains(&reader), "{}", whole.stderr);
}

/// Asks until `cond` holds: each call of `cond` is a request to a serve process, whose answer
/// is the observation (a change made elsewhere is seen within serve's refresh interval); the
/// deadline is only there so that a broken build fails instead of hanging.
pub fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !cond() {
        assert!(Instant::now() < deadline, "never happened: {what}");
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn verify_usage_events_and_a_customers_usage_over_http() {
    let env = Env::with_catalog();
    let (customer, k) = paid(&env, "api@example.com", "pro");
    let t = token(&env, "app", "verify,usage,read");
    let serve = Serve::start(&env, &["--max-events", "5"]);
    // A plain verify: what `keys verify --json` prints, plus the status to answer.
    let cli = env.cmd_stdin("keys verify --json", &format!("{k}\n")).ok().json();
    let a = serve.verify(&t, &k, None);
    assert_eq!(a.status, 200);
    let v = a.json();
    assert_eq!(pick(&v, &["valid", "code", "status"]), json!([true, "VALID", 200]));
    for field in ["key_id", "customer_id", "tier", "quota"] {
        assert_eq!(v[field], cli[field], "{field}: {v} vs {cli}");
    }
    assert_eq!(v["rate_limit"]["limit"], 60);
    assert_eq!(rows(&env, &k), 0, "a plain verify records nothing");
    // Recorded: in the store when answered.
    let r = serve.verify(&t, &k, Some(3)).json();
    assert_eq!(r["code"], "VALID", "{r}");
    assert_eq!(r["quota"]["used"], 3);
    assert_eq!(r["quota"]["remaining"], 10_000 - 3);
    assert_eq!(rows(&env, &k), 1);
    assert_eq!(env.count("SELECT sum(quantity) FROM usage_events", false), 3);
    // Bad verify bodies: 400 naming the field, nothing recorded.
    // A body that is not the request's shape is BAD_JSON; a field of the right type with a
    // value not taken is INVALID_FIELD.
    for (body, needle, code) in [
        (&b"{\"key\": 5}"[..], "key", "BAD_JSON"),
        (b"{\"key\": \"x\", \"record\": 0}", "record", "INVALID_FIELD"),
        (b"{\"key\": \"x\", \"recrod\": 1}", "recrod", "BAD_JSON"),
        (b"{\"key\":", "EOF", "BAD_JSON"),
        (b"[]", "malformed JSON", "BAD_JSON"),
    ] {
        let a = serve.post_raw("/v1/keys/verify", Some(&t), body);
        assert_eq!((a.status, a.json()["code"].as_str()), (400, Some(code)), "{}", a.body);
        assert!(a.json()["error"].as_str().unwrap().contains(needle), "{}", a.body);
    }
    // Usage events: an array and NDJSON, deduplicated by id, durable when answered.
    let key_id = billctl::domain::keys::parse(&k).unwrap().id.to_string();
    let now = common::now();
    let ev = |id: &str, q: i64| json!({"id": id, "key": key_id, "quantity": q, "timestamp": now});
    let a = serve.post("/v1/usage/events", &t, &json!([ev("e1", 10), ev("e2", 20)]));
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(pick(&a.json(), &["inserted", "duplicates"]), json!([2, 0]));
    let nd = format!("{}\n{}\n", ev("e2", 20), ev("e3", 5));
    let a = serve.post_raw("/v1/usage/events", Some(&t), nd.as_bytes());
    assert_eq!(pick(&a.json(), &["inserted", "duplicates"]), json!([1, 1]), "{}", a.body);
    assert_eq!(env.count("SELECT sum(quantity) FROM usage_events", false), 3 + 35);
    // One invalid line: 400 naming it, nothing written; with skip_invalid the rest goes in.
    let mixed = json!([ev("e4", 1), {"id": "e5", "key": key_id, "quantity": -2, "timestamp": now}, ev("e6", 1)]);
    let a = serve.post("/v1/usage/events", &t, &mixed);
    assert_eq!(a.said(), "400 INVALID_EVENTS", "{}", a.body);
    assert_eq!(a.json()["rejects"][0]["line"], 2, "{}", a.body);
    let written =
        env.count("SELECT count(*) FROM usage_events WHERE event_id IN ('e4','e6')", false);
    assert_eq!(written, 0);
    let a = serve.post("/v1/usage/events?skip_invalid=true", &t, &mixed);
    let counts = (a.status, pick(&a.json(), &["inserted", "rejected"]));
    assert_eq!(counts, (200, json!([2, 1])), "{}", a.body);
    // Over the configured bound (5): 413, nothing written.
    let many: Vec<Value> = (0..6).map(|i| ev(&format!("m{i}"), 1)).collect();
    let a = serve.post("/v1/usage/events", &t, &Value::Array(many));
    assert_eq!(a.said(), "413 TOO_MANY_EVENTS");
    assert_eq!(env.count("SELECT count(*) FROM usage_events WHERE event_id LIKE 'm%'", false), 0);
    // The customer's usage: the period, used, quota, remaining and the days.
    let u = serve.get(&format!("/v1/customers/{customer}/usage"), &t);
    assert_eq!(u.status, 200, "{}", u.body);
    let u = u.json();
    let used = 3 + 35 + 2;
    assert_eq!(pick(&u, &["used", "quota", "remaining"]), json!([used, 10_000, 10_000 - used]));
    assert_eq!(u["tier"], "pro");
    let days = u["days"].as_array().unwrap();
    assert_eq!(days.iter().map(|d| d["used"].as_i64().unwrap()).sum::<i64>(), used);
    assert!(u["period_start"].as_i64().unwrap() <= now && now < u["period_end"].as_i64().unwrap());
    let missing = serve.get("/v1/customers/cus_nobody/usage", &t);
    assert_eq!(missing.said(), "404 CUSTOMER_NOT_FOUND");
    let odd = serve.get("/v1/customers/a%20b/usage", &t);
    assert_eq!(odd.status, 400);
    // Readiness, routes and methods.
    let ready = serve.get("/readyz", &t).json();
    // The store's own version (the merge renumbers migrations; each backend has its list).
    assert_eq!(ready["schema_version"], env.store().schema_version().unwrap());
    assert_eq!(serve.get("/v1/keys/verify", &t).status, 405);
    assert_eq!(serve.get("/nope", &t).status, 404);
    // The metrics count what happened.
    let m = serve.get("/metrics", &t).body;
    let n = |series: &str| metric(&m, &format!("billctl_serve_{series}"));
    assert_eq!(n("verdicts_total{code=\"VALID\"}"), 2.0);
    assert!(n("requests_total{route=\"/v1/usage/events\",status=\"200\"}") >= 3.0);
    assert_eq!(n("usage_events_total"), 5.0);
    assert!(n("cache_hits_total") + n("cache_misses_total") >= 2.0);
    assert_eq!(n("group_commit_size_count"), 1.0);
    assert!(n("open_connections") >= 1.0);
    let run = serve.stop();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("1 call recorded"), "{}", run.stderr);
}

/// Sends `n` recorded verifies of `key` (quantity `q`) at once, spread over `servers`; returns
/// the answers.
/// `n` recorded verifies at once, spread over the servers and keys in turn.
fn burst(servers: &[&Serve], t: &str, keys: &[&str], n: usize, q: i64) -> Vec<Value> {
    let gate = Arc::new(std::sync::Barrier::new(n));
    let threads: Vec<_> = (0..n)
        .map(|i| {
            let (url, key) =
                (servers[i % servers.len()].url.clone(), keys[(i / servers.len()) % keys.len()]);
            let (t, key, gate) = (t.to_string(), key.to_string(), gate.clone());
            std::thread::spawn(move || {
                let body = json!({"key": key, "record": q}).to_string();
                let req = http::raw("POST", "/v1/keys/verify", Some(&t), Some(body.as_bytes()));
                gate.wait();
                http::exchange(&url, &req).expect("an answer").json()
            })
        })
        .collect();
    threads.into_iter().map(|t| t.join().unwrap()).collect()
}

fn codes(answers: &[Value]) -> std::collections::BTreeMap<String, usize> {
    let mut m = std::collections::BTreeMap::new();
    for a in answers {
        *m.entry(a["code"].as_str().unwrap_or("?").to_string()).or_default() += 1;
    }
    m
}

#[test]
fn concurrent_recorded_verifies_keep_rate_and_quota_exact_across_two_processes() {
    let env = Env::with_catalog();
    let (_, pro) = paid(&env, "rate@example.com", "pro");
    let (_, team) = paid(&env, "quota@example.com", "team");
    let t = token(&env, "app", "verify,read");
    let one = Serve::start(&env, &["--refresh", "100ms"]);
    // 120 at once on a 60-per-minute key, one process: exactly 60 pass, and the others say
    // when to retry.
    let answers = burst(&[&one], &t, &[&pro], 120, 1);
    let c = codes(&answers);
    assert_eq!((c.get("VALID"), c.get("RATE_LIMITED")), (Some(&60), Some(&60)), "{c:?}");
    assert_eq!(rows(&env, &pro), 60);
    for a in answers.iter().filter(|a| a["code"] == "RATE_LIMITED") {
        assert_eq!(a["status"], 429);
        let r = a["retry_after"].as_u64().unwrap();
        assert!((1..=61).contains(&r), "{a}");
    }
    // Group commit: the 120 calls took fewer transactions than calls, each group exact.
    let m = one.get("/metrics", &t).body;
    assert_eq!(metric(&m, "billctl_serve_group_commit_size_sum"), 120.0);
    // Two processes on one store: quotas hold exactly across them (team: 100,000 a month;
    // 120 calls of 1,000 units each leave room for 100).
    let two = Serve::start(&env, &["--refresh", "100ms"]);
    let answers = burst(&[&one, &two], &t, &[&team], 120, 1000);
    let c = codes(&answers);
    assert_eq!((c.get("VALID"), c.get("QUOTA_EXCEEDED")), (Some(&100), Some(&20)), "{c:?}");
    assert_eq!(rows(&env, &team), 100);
    assert!(answers
        .iter()
        .filter(|a| a["code"] == "QUOTA_EXCEEDED")
        .all(|a| a["status"] == 429 && a["retry_after"].as_u64().unwrap() > 60));
    // ...and rate limits too: a fresh pro key, 120 calls over both, 60 pass.
    let (_, pro2) = paid(&env, "rate2@example.com", "pro");
    let c = codes(&burst(&[&one, &two], &t, &[&pro2], 120, 1));
    assert_eq!((c.get("VALID"), c.get("RATE_LIMITED")), (Some(&60), Some(&60)), "{c:?}");
    assert_eq!(rows(&env, &pro2), 60);
    // More keys never buy more rate: two keys of one Pro customer share its 60 a minute.
    let (c3, pro3) = paid(&env, "rate3@example.com", "pro");
    let pro4 = key(&env, &c3);
    let answers = burst(&[&one, &two], &t, &[&pro3, &pro4], 120, 1);
    let c = codes(&answers);
    assert_eq!((c.get("VALID"), c.get("RATE_LIMITED")), (Some(&60), Some(&60)), "{c:?}");
    assert_eq!(rows(&env, &pro3) + rows(&env, &pro4), 60);
    assert!(rows(&env, &pro3) > 0 && rows(&env, &pro4) > 0);
    // A revocation made elsewhere is seen by both within their refresh interval.
    assert_eq!(one.verify(&t, &team, None).json()["code"], "QUOTA_EXCEEDED");
    let id = billctl::domain::keys::parse(&team).unwrap().id;
    env.cmd(format!("keys revoke {id} --yes")).ok();
    for s in [&one, &two] {
        eventually("the revocation is seen", || {
            s.verify(&t, &team, None).json()["code"] == "REVOKED"
        });
    }
    assert_eq!(one.stop().code, 0);
    assert_eq!(two.stop().code, 0);
}

#[test]
fn an_incomplete_subscription_is_402_and_unknown_keys_are_cached_as_unknown() {
    let env = Env::with_catalog();
    let cus = env.customer_without_card("nocard@example.com");
    env.sub(&cus, "pro").run().code(1);
    let k = key(&env, &cus);
    let t = token(&env, "app", "verify,read");
    let serve = Serve::start(&env, &[]);
    let v = serve.verify(&t, &k, Some(1)).json();
    assert_eq!(pick(&v, &["code", "status"]), json!(["PAYMENT_REQUIRED", 402]), "{v}");
    assert!(v["reason"].as_str().unwrap().contains("incomplete"), "{v}");
    assert_eq!(rows(&env, &k), 0);
    // A flood of one well-formed unknown key reads the store once per refresh interval, not
    // once per call (the negative cache): 200 calls, at most a handful of misses.
    let (_, unknown) = billctl::domain::keys::generate(billctl::domain::mode::Mode::Test).unwrap();
    let before = metric(&serve.get("/metrics", &t).body, "billctl_serve_cache_misses_total");
    for _ in 0..200 {
        assert_eq!(serve.verify(&t, &unknown, None).json()["code"], "NOT_FOUND");
    }
    let m = serve.get("/metrics", &t).body;
    let misses = metric(&m, "billctl_serve_cache_misses_total") - before;
    assert!(misses < 200.0 / 4.0, "{misses} store reads for 200 calls with one unknown key");
    assert_eq!(metric(&m, "billctl_serve_verdicts_total{code=\"NOT_FOUND\"}"), 200.0);
}

/// The database name at the end of a Postgres URL.
pub(crate) fn db_name(url: &str) -> String {
    url.rsplit('/').next().unwrap().split('?').next().unwrap().to_string()
}

/// Postgres as down for `db`: new connections refused and the open ones ended, until
/// [`reopen`].
pub(crate) fn cut_off(admin: &mut postgres::Client, db: &str) {
    let end = format!("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{db}' AND pid <> pg_backend_pid();");
    admin.batch_execute(&format!("ALTER DATABASE {db} ALLOW_CONNECTIONS false; {end}")).unwrap();
}

/// `db` takes connections again after [`cut_off`].
pub(crate) fn reopen(admin: &mut postgres::Client, db: &str) {
    admin.batch_execute(&format!("ALTER DATABASE {db} ALLOW_CONNECTIONS true")).unwrap();
}

#[test]
fn a_store_that_is_down_gets_503_store_unavailable_never_a_pass() {
    let env = Env::with_catalog();
    let (_, k) = paid(&env, "down@example.com", "pro");
    let (_, fresh) = paid(&env, "down2@example.com", "pro");
    let t = token(&env, "app", "verify,read");
    let serve = Serve::start(&env, &["--refresh", "100ms"]);
    assert_eq!(serve.verify(&t, &k, Some(1)).json()["code"], "VALID");
    if let Some(url) = env.database_url.clone() {
        // Postgres: the database refuses connections and serve's are ended.
        let cluster = common::pg::cluster().unwrap();
        let mut admin = cluster.client(&cluster.url("postgres"));
        let db = db_name(&url);
        cut_off(&mut admin, &db);
        for (key, record) in [(&k, Some(1)), (&fresh, None), (&fresh, Some(1))] {
            let a = serve.verify(&t, key, record);
            assert_eq!(a.said(), "503 STORE_UNAVAILABLE", "{}", a.body);
        }
        let ready = serve.get("/readyz", &t);
        assert_eq!(ready.said(), "503 STORE_UNAVAILABLE");
        reopen(&mut admin, &db);
    } else {
        // SQLite: another process holds the write lock past the busy timeout.
        let lock = rusqlite::Connection::open(env.data_dir().join("billctl.db")).unwrap();
        lock.execute_batch("BEGIN EXCLUSIVE").unwrap();
        let a = serve.verify(&t, &k, Some(1));
        assert_eq!(a.said(), "503 STORE_UNAVAILABLE", "{}", a.body);
        assert_eq!(a.header("retry-after"), Some("1"));
        lock.execute_batch("COMMIT").unwrap();
    }
    assert_eq!(rows(&env, &k), 1, "nothing was recorded while the store was down");
    assert_eq!(rows(&env, &fresh), 0);
    // Back: answers again (Postgres reconnects).
    eventually("the store is back", || serve.verify(&t, &k, Some(1)).body.contains("\"VALID\""));
    assert_eq!(rows(&env, &k), 2);
    let m = serve.get("/metrics", &t).body;
    assert!(metric(&m, "billctl_serve_store_errors_total") >= 1.0);
    assert_eq!(serve.stop().code, 0);
}

#[test]
fn oversized_slow_and_hostile_requests_are_bounded_and_logs_hold_no_secret() {
    let env = Env::with_catalog();
    let (customer, k) = paid(&env, "hostile@example.com", "pro");
    let t = token(&env, "app", "verify,usage,read");
    let sock = env.path("serve.sock");
    let listen = format!("unix:{}", sock.display());
    let serve = Serve::start(
        &env,
        &["-vvv", "--listen", &listen, "--max-body", "65536", "--header-timeout", "1s"],
    );
    assert_eq!(serve.url, listen);
    // A body over the limit: 413, as soon as its length is declared.
    let head = format!("POST /v1/usage/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {t}\r\nContent-Length: 70000\r\n\r\n");
    let a = http::exchange(&serve.url, head.as_bytes()).unwrap();
    assert_eq!(a.said(), "413 BODY_TOO_LARGE", "{}", a.body);
    // A key of 1 MB (under a server that takes 4 MiB bodies): refused before it is hashed,
    // no verdict counted.
    let tcp = Serve::start(&env, &[]);
    let huge = json!({"key": "k".repeat(1 << 20)});
    let a = tcp.post("/v1/keys/verify", &t, &huge);
    assert_eq!(a.said(), "413 BODY_TOO_LARGE");
    let m = tcp.get("/metrics", &t).body;
    let lookups = metric(&m, "billctl_serve_cache_hits_total")
        + metric(&m, "billctl_serve_cache_misses_total");
    assert_eq!(lookups, 0.0);
    assert!(!m.contains("verdicts_total{code=\"MALFORMED\"} 1"));
    tcp.stop();
    // A socket that sends nothing is closed at the header timeout (a new connection has it for
    // its first head).
    let mut idle = std::os::unix::net::UnixStream::connect(&sock).unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    assert_eq!(idle.read(&mut [0u8; 16]).unwrap_or(0), 0, "closed without an answer");
    // Slow headers: the connection is closed at the header timeout, the server keeps serving.
    let mut slow = std::os::unix::net::UnixStream::connect(&sock).unwrap();
    slow.write_all(b"POST /v1/keys/verify HTTP/1.1\r\nHost: x\r\n").unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut rest = Vec::new();
    let _ = slow.read_to_end(&mut rest);
    assert!(!String::from_utf8_lossy(&rest).contains("200 OK"));
    // Secrets in requests: a valid key, a bad token, a key in an event line.
    assert_eq!(serve.verify(&t, &k, Some(1)).json()["code"], "VALID");
    let (_, stranger) = billctl::domain::keys::generate_token().unwrap();
    assert_eq!(serve.verify(&stranger, &k, None).status, 401);
    let line = json!([{"id": "s1", "key": k, "quantity": 1, "timestamp": common::now()}]);
    let a = serve.post("/v1/usage/events", &t, &line);
    assert_eq!(a.status, 400, "{}", a.body);
    assert!(!a.body.contains(&k), "{}", a.body);
    let u = serve.get(&format!("/v1/customers/{customer}/usage"), &t);
    assert_eq!(u.json()["used"], 1);
    let m = serve.get("/metrics", &t).body;
    let run = serve.stop();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("POST /v1/keys/verify 200"), "-vvv logs requests: {}", run.stderr);
    for secret in [&k, &t, &stranger] {
        for (what, text) in [("stdout", &run.stdout), ("stderr", &run.stderr), ("metrics", &m)] {
            assert!(!text.contains(secret.as_str()), "a secret in {what}:\n{text}");
        }
    }
    assert!(!sock.exists(), "the socket is removed on exit");
}

#[test]
fn sigterm_under_load_loses_no_recorded_call() {
    let env = Env::with_catalog();
    let (_, k) = paid(&env, "load@example.com", "enterprise");
    let t = token(&env, "app", "verify");
    let serve = Serve::start(&env, &[]);
    let answered = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let (url, t, k, answered) = (serve.url.clone(), t.clone(), k.clone(), answered.clone());
            std::thread::spawn(move || {
                let body = json!({"key": k, "record": 1}).to_string();
                let req = http::raw("POST", "/v1/keys/verify", Some(&t), Some(body.as_bytes()));
                let mut valid = 0usize;
                // Until the server stops taking connections.
                while let Ok(a) = http::exchange(&url, &req) {
                    if a.status == 200 && a.body.contains("\"VALID\"") {
                        valid += 1;
                        answered.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    } else {
                        break;
                    }
                }
                valid
            })
        })
        .collect();
    // Stop it once calls are flowing (an observed point, not a delay).
    while answered.load(std::sync::atomic::Ordering::SeqCst) < 100 {
        std::thread::yield_now();
    }
    let run = serve.stop();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let valid: usize = threads.into_iter().map(|h| h.join().unwrap()).sum();
    let stored = rows(&env, &k) as usize;
    assert!(valid >= 100);
    // Every VALID that was answered is in the store; at most one per client was recorded as
    // its connection closed.
    assert!(stored >= valid && stored <= valid + 4, "{stored} stored, {valid} answered VALID");
}

/// A self-signed certificate for `localhost` (and 127.0.0.1) with `openssl`, written to
/// `cert` and `key`; `None` without openssl (CI installs it).
pub fn self_signed(cert: &std::path::Path, key: &std::path::Path, cn: &str) -> Option<Vec<u8>> {
    let ok = std::process::Command::new("openssl")
        .args(common::words("req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2"))
        .args([
            "-subj",
            &format!("/CN={cn}"),
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ])
        .args(["-addext", "basicConstraints=critical,CA:FALSE", "-keyout"])
        .arg(key)
        .arg("-out")
        .arg(cert)
        .stderr(Stdio::null())
        .status()
        .ok()?
        .success();
    assert!(ok, "openssl made a certificate");
    use rustls_pki_types::pem::PemObject;
    Some(rustls_pki_types::CertificateDer::from_pem_file(cert).unwrap().to_vec())
}

/// GET `path` over TLS, trusting only `ca` (DER); the answer and the certificate the server
/// presented.
fn tls_get(url: &str, ca: &[u8], path: &str, token: &str) -> (Answer, Vec<u8>) {
    tls_exchange(url.trim_start_matches("https://"), ca, &http::raw("GET", path, Some(token), None))
        .expect("a TLS answer")
}

/// A TLS connection to `authority` (ADDR:PORT) for `localhost`, trusting only `ca` (DER); the
/// handshake happens at the first write.
pub fn tls_stream(
    authority: &str,
    ca: &[u8],
) -> rustls::StreamOwned<rustls::ClientConnection, std::net::TcpStream> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(rustls_pki_types::CertificateDer::from(ca.to_vec())).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = rustls_pki_types::ServerName::try_from("localhost").unwrap();
    let conn = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
    let tcp = std::net::TcpStream::connect(authority).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    rustls::StreamOwned::new(conn, tcp)
}

/// Sends `request` over TLS to `authority` (ADDR:PORT), trusting only `ca` (DER) for
/// `localhost`; the answer and the certificate the server presented, or the handshake's error.
pub fn tls_exchange(
    authority: &str,
    ca: &[u8],
    request: &[u8],
) -> Result<(Answer, Vec<u8>), String> {
    let mut tls = tls_stream(authority, ca);
    tls.write_all(request).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    let _ = tls.read_to_end(&mut bytes);
    let presented = tls.conn.peer_certificates().ok_or("no certificate presented")?[0].to_vec();
    Ok((http::parse(&bytes).map_err(|e| e.to_string())?, presented))
}

#[test]
fn outside_loopback_needs_tls_and_certificates_are_re_read_on_sighup() {
    let env = Env::new();
    let t = token(&env, "app", "read");
    // No TLS outside loopback: refused, naming the flags.
    let r = env.cmd("serve --listen 0.0.0.0:0").code(2);
    assert!(r.stderr.contains("--tls-cert") && r.stderr.contains("--plain-http"), "{}", r.stderr);
    let plain = Serve::start(&env, &["--listen", "0.0.0.0:0", "--plain-http"]);
    assert!(plain.url.starts_with("http://0.0.0.0:"), "{}", plain.url);
    assert_eq!(plain.stop().code, 0);
    let (cert, key) = (env.path("cert.pem"), env.path("key.pem"));
    let Some(first) = self_signed(&cert, &key, "first") else {
        eprintln!("note: skipped the TLS half: no openssl");
        return;
    };
    // A key that does not match the certificate: refused at start.
    let (cert2, key2) = (env.path("cert2.pem"), env.path("key2.pem"));
    let second = self_signed(&cert2, &key2, "second").unwrap();
    let (c, k2) = (cert.to_str().unwrap(), key2.to_str().unwrap());
    let r = env.cmd(format!("serve --tls-cert {c} --tls-key {k2}")).code(2);
    assert!(r.stderr.contains("do not make a usable pair"), "{}", r.stderr);
    let serve = Serve::start(&env, &["--tls-cert", c, "--tls-key", key.to_str().unwrap()]);
    assert!(serve.url.starts_with("https://127.0.0.1:"), "{}", serve.url);
    let (a, presented) = tls_get(&serve.url, &first, "/healthz", &t);
    assert_eq!((a.status, presented == first), (200, true), "{}", a.body);
    // Renewed files, then SIGHUP: new connections get the new certificate.
    std::fs::copy(&cert2, &cert).unwrap();
    std::fs::copy(&key2, &key).unwrap();
    serve.signal("HUP");
    serve.wait_for_stderr("re-read the certificate");
    let (a, presented) = tls_get(&serve.url, &second, "/healthz", &t);
    assert_eq!((a.status, presented == second), (200, true));
    // A broken file on SIGHUP: the certificate in use stays, with a warning.
    std::fs::write(&key, "not a key").unwrap();
    serve.signal("HUP");
    serve.wait_for_stderr("kept the certificate in use");
    assert_eq!(tls_get(&serve.url, &second, "/healthz", &t).0.status, 200);
    // Plain HTTP to the TLS port gets no answer.
    let plain = http::exchange(
        &serve.url.replace("https://", "http://"),
        &http::raw("GET", "/healthz", Some(&t), None),
    );
    assert!(plain.is_err());
    assert_eq!(serve.stop().code, 0);
}

/// `BILLCTL_TEST_PYTHON` if it imports `modules` (`.ci/run` makes the virtualenv), or `None`
/// with a note; the variable `require` makes their absence a failure.
pub fn python_with(modules: &str, require: &str) -> Option<std::ffi::OsString> {
    let python = std::env::var_os("BILLCTL_TEST_PYTHON");
    let usable = python.as_ref().is_some_and(|p| {
        std::process::Command::new(p)
            .args(["-c", &format!("import {modules}")])
            .status()
            .is_ok_and(|s| s.success())
    });
    if usable {
        return python;
    }
    let optional = std::env::var_os(require).is_none();
    assert!(optional, "{require} is set, and BILLCTL_TEST_PYTHON cannot import {modules}");
    eprintln!("note: skipped: set BILLCTL_TEST_PYTHON to a Python that imports {modules} (.ci/run makes a virtualenv)");
    None
}

/// Runs `tests/examples/<script>` with `python`, `args`, and `input` on stdin (tokens and
/// keys never in argv); its output.
pub fn run_python(
    python: &std::ffi::OsStr,
    script: &str,
    args: &[&str],
    input: &[u8],
) -> std::process::Output {
    let path = format!("{}/tests/examples/{script}", env!("CARGO_MANIFEST_DIR"));
    let mut child = piped(std::process::Command::new(python).arg(path).args(args)).spawn().unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

/// `c` with its stdin, stdout and stderr piped.
pub fn piped(c: &mut std::process::Command) -> &mut std::process::Command {
    c.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped())
}

/// The Python with FastAPI, uvicorn, httpx and prometheus_client; `BILLCTL_REQUIRE_FASTAPI`
/// makes its absence a failure.
fn fastapi_python() -> Option<std::ffi::OsString> {
    python_with("fastapi, uvicorn, httpx, prometheus_client", "BILLCTL_REQUIRE_FASTAPI")
}

#[test]
fn the_fastapi_example_answers_401_402_429_through_serve_and_records_each_call_once() {
    let Some(python) = fastapi_python() else {
        return;
    };
    let env = Env::with_catalog();
    let (customer, paid_key) = paid(&env, "fastapi@example.com", "pro");
    let unpaid = env.customer_without_card("unpaid@example.com");
    env.sub(&unpaid, "pro").run().code(1);
    let unpaid_key = key(&env, &unpaid);
    let t = token(&env, "fastapi", "verify");
    let serve = Serve::start(&env, &[]);
    let sock = env.path("app.sock");
    let app_dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/examples/fastapi");
    let mut app = std::process::Command::new(&python)
        .args(["-m", "uvicorn", "app:app", "--app-dir", app_dir, "--log-level", "info", "--uds"])
        .arg(&sock)
        .env("BILLCTL_SERVE_URL", &serve.url)
        .env("BILLCTL_SERVE_TOKEN", &t)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("uvicorn starts");
    let base = format!("unix:{}", sock.display());
    let call = |key: &str| http::request(&base, "GET", "/v1/forecast", Some(key), None);
    // uvicorn says on stderr when it listens: a thread reads its log and tells when that line
    // has come (then drains the rest, so a full pipe never stalls it).
    let (listening_tx, listening) = std::sync::mpsc::channel();
    let mut log = BufReader::new(app.stderr.take().unwrap());
    std::thread::spawn(move || {
        let mut line = String::new();
        while log.read_line(&mut line).is_ok_and(|n| n > 0) {
            if line.contains("Uvicorn running on") {
                let _ = listening_tx.send(());
            }
            line.clear();
        }
    });
    assert!(
        listening.recv_timeout(Duration::from_secs(60)).is_ok(),
        "uvicorn did not say it listens"
    );
    // A paid key passes, 60 times in the minute; the 61st gets 429 with Retry-After.
    let first = call(&paid_key);
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.json()["customer"], customer.as_str());
    assert_eq!(first.header("x-ratelimit-remaining"), Some("59"));
    for i in 2..=60 {
        let a = call(&paid_key);
        assert_eq!(a.status, 200, "call {i}: {}", a.body);
    }
    let over = call(&paid_key);
    let said =
        |a: &Answer| format!("{} {}", a.status, a.json()["error"].as_str().unwrap_or_default());
    assert_eq!(said(&over), "429 RATE_LIMITED", "{}", over.body);
    let retry: u64 = over.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=61).contains(&retry));
    // An incomplete customer's key: 402. No key, or a bad one: 401.
    let a = call(&unpaid_key);
    assert_eq!(said(&a), "402 PAYMENT_REQUIRED", "{}", a.body);
    assert!(a.json()["reason"].as_str().unwrap().contains("incomplete"));
    let (_, stranger) = billctl::domain::keys::generate(billctl::domain::mode::Mode::Test).unwrap();
    assert_eq!(call(&stranger).status, 401);
    assert_eq!(http::request(&base, "GET", "/v1/forecast", None, None).status, 401);
    // Each call that passed is recorded exactly once; refused ones never.
    assert_eq!(rows(&env, &paid_key), 60);
    assert_eq!(rows(&env, &unpaid_key), 0);
    let _ = app.kill();
    let _ = app.wait();
    // And the metrics parse with Prometheus's own Python client.
    let reader = token(&env, "prometheus", "read");
    eventually("the new token is taken", || serve.get("/metrics", &reader).status == 200);
    let m = serve.get("/metrics", &reader).body;
    let script = "import sys\nfrom prometheus_client.parser import text_string_to_metric_families as p\nfor f in p(sys.stdin.read()):\n    for s in f.samples:\n        if s.name == 'billctl_serve_verdicts_total' and s.labels['code'] == 'VALID': print(int(s.value))\n";
    let mut parse =
        piped(std::process::Command::new(&python).args(["-c", script])).spawn().unwrap();
    parse.stdin.take().unwrap().write_all(m.as_bytes()).unwrap();
    let out = parse.wait_with_output().unwrap();
    assert!(out.status.success(), "prometheus_client parses the metrics");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "60");
    assert_eq!(serve.stop().code, 0);
}

/// `--log-format json`: one JSON object per request (time, level, request id, route, status,
/// duration, outcome) and per notice on stderr, control characters escaped, no key or token;
/// the request id is the answer's `X-Request-Id`.
#[test]
fn json_logs_hold_one_object_per_request_and_no_secret() {
    let env = Env::with_catalog();
    let (_, k) = paid(&env, "jsonlog@example.com", "pro");
    let t = token(&env, "app", "verify");
    let serve = Serve::start(&env, &["--log-format", "json"]);
    let a = serve.verify(&t, &k, Some(1));
    assert_eq!(a.json()["code"], "VALID");
    let id = a.header("x-request-id").unwrap().to_string();
    let red = b"GET /v1/\x1b[31mred HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer bks_nope\r\nConnection: close\r\n\r\n";
    let _ = http::exchange(&serve.url, red);
    assert_eq!(serve.verify("bks_wrong_token_entirely", &k, None).status, 401);
    let out = serve.stop();
    let json =
        |l: &str| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l:?}"));
    let lines: Vec<Value> = out.stderr.lines().filter(|l| !l.trim().is_empty()).map(json).collect();
    let verify = lines
        .iter()
        .find(|l| l["request_id"] == id.as_str())
        .unwrap_or_else(|| panic!("no line for {id}: {lines:?}"));
    assert_eq!(verify["route"], "/v1/keys/verify");
    assert_eq!(pick(verify, &["status", "outcome"]), json!([200, "VALID"]));
    assert_eq!(verify["level"], "info");
    assert!(verify["time"].as_str().unwrap().ends_with('Z') && verify["duration_ms"].is_u64());
    let refused = lines
        .iter()
        .find(|l| l["status"] == 401)
        .unwrap_or_else(|| panic!("no 401 line: {lines:?}"));
    assert_eq!(pick(refused, &["level", "outcome"]), json!(["warn", "TOKEN_MALFORMED"]));
    assert!(!out.stderr.contains(&k) && !out.stderr.contains(&t), "a secret in the log");
    assert!(!out.stderr.contains('\x1b'), "a raw control character in the log");
}
