//! Health is health: `/healthz` answers 200 with no token and no store, `/readyz` says ready
//! or not without a token (and nothing more), and no answer of serve's, for any error code it
//! has, carries the store's URL, user, host, port or database name, a file path, the config
//! path or Stripe's URL: callers get a code, a plain message and the request id.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it injects Stripe faults and a customer only the mirror knows through the simulator.

use crate::common::{self, http, Env};
use crate::serve::{eventually, paid, token, Serve};
use serde_json::json;
use std::collections::BTreeSet;

/// The error codes serve's answers can carry, as its sources spell them.
fn codes_in_src() -> BTreeSet<String> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src/");
    let mut out = BTreeSet::new();
    for dir in ["api", "adapters/server"] {
        for entry in std::fs::read_dir(format!("{root}{dir}")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // Every quoted word of capitals and underscores (escaped quotes included).
            let text = text.replace("\\\"", "\"");
            for (i, _) in text.match_indices('"') {
                let word: String = text[i + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_uppercase() || *c == '_')
                    .collect();
                let closed = text[i + 1 + word.len()..].starts_with('"');
                if closed && word.len() >= 4 && (word.contains('_') || word == "BUSY") {
                    out.insert(word);
                }
            }
        }
    }
    out
}

/// Codes that are no error of serve's, or that no test can provoke, and why.
const NOT_PROVOKED: &[(&str, &str)] = &[
    ("NOTIFY_SOCKET", "systemd's variable (server/notify.rs), not an error code"),
    (
        "INTERNAL_ERROR",
        "an answer that could not be serialized (server::json): no request provokes one; server/tests.rs does",
    ),
    ("WATCHDOG_USEC", "systemd's variable (server/notify.rs), not an error code"),
    ("WATCHDOG_PID", "systemd's variable (server/notify.rs), not an error code"),
    ("USAGE_EXCEEDED", "a verdict in Unkey's envelope (200), not an error"),
    ("RATE_LIMITED", "a verdict in Unkey's envelope (200), not an error"),
    ("INSUFFICIENT_PERMISSIONS", "a verdict in Unkey's envelope (200), not an error"),
    ("STRIPE_NOT_APPLIED", "needs a Stripe that answers 200 without making the change; its message is built from ids"),
    ("NOT_LIVE", "needs the subscription to stop being live between two of serve's Stripe reads; its message is built from ids"),
    ("BODY_TIMEOUT", "the core's 408 for a body too slow, a fixed text (provoked in serve_core::a_body_slower_than_the_floor_is_cut_408_body_timeout_before_the_body_timeout)"),
    ("REQUEST_TIMEOUT", "the core's own 408, a fixed text (provoked in serve_core::every_answer_of_the_core_is_counted_by_route_and_status)"),
    ("STRIPE_TIMEOUT", "needs a Stripe that accepts and never answers; a fixed text (provoked in serve_core::a_stripe_that_hangs_is_504_stripe_timeout_before_the_request_timeout_and_counted)"),
];

/// What no answer may carry: the data dir, the config file, the store's URL and its parts,
/// and Stripe's URL.
fn secrets(env: &Env, config: &std::path::Path) -> Vec<String> {
    let mut out = vec![
        env.data_dir().display().to_string(),
        config.display().to_string(),
        "billctl.db".to_string(),
        env.path("").display().to_string(),
        env.sim.base_url().to_string(),
        env.sim.base_url().trim_start_matches("http://").to_string(),
    ];
    if let Some(url) = &env.database_url {
        out.push(url.clone());
        let rest = url.split("://").nth(1).unwrap();
        let (auth, rest) = rest.split_once('@').unwrap_or(("", rest));
        let user = auth.split(':').next().unwrap();
        if !user.is_empty() {
            out.push(format!("user {user}"));
            out.push(format!("\"{user}\""));
        }
        let (hostport, db) = rest.split_once('/').unwrap_or((rest, ""));
        let db = db.split('?').next().unwrap();
        out.push(db.to_string());
        if !hostport.is_empty() {
            out.push(hostport.to_string());
        }
        for part in url.split(['?', '&']).skip(1) {
            if let Some((_, v)) = part.split_once('=') {
                out.push(v.to_string());
            }
        }
    }
    out.retain(|s| s.len() >= 4);
    out
}

/// A request's raw bytes with its own headers.
fn raw(method: &str, path: &str, headers: &[&str], body: &[u8]) -> Vec<u8> {
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    for h in headers {
        head.push_str(h);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(body);
    out
}

#[test]
fn healthz_needs_no_token_and_readyz_says_only_ready_without_one() {
    let env = Env::new();
    let t = token(&env, "probe", "read");
    let serve = Serve::start(&env, &["--refresh", "100ms"]);
    for presented in [None, Some("bks_nonsense")] {
        let a = http::request(&serve.url, "GET", "/healthz", presented, None);
        assert_eq!((a.status, a.json()), (200, json!({"status": "ok"})));
        let a = http::request(&serve.url, "GET", "/readyz", presented, None);
        assert_eq!((a.status, a.json()), (200, json!({"status": "ready"})));
    }
    // With a valid token, readiness adds the schema version: checked as every route checks a
    // token (the list read, an unseen id looked up), also as the first request serve gets and
    // for a token issued after it started.
    let version = env.store().schema_version().unwrap();
    let a = serve.get("/readyz", &t).json();
    assert_eq!(a["schema_version"], version, "{a}");
    let later = token(&env, "later", "verify");
    let a = serve.get("/readyz", &later).json();
    assert_eq!(a["schema_version"], version, "{a}");
    // A well-formed token that is no one's gets no more than ready.
    let forged = billctl::domain::keys::generate_token().unwrap().1;
    let a = serve.get("/readyz", &forged).json();
    assert_eq!(a, json!({"status": "ready"}));
    if let Some(url) = env.database_url.clone() {
        // The store down: liveness holds, readiness says not ready, and nothing more.
        let cluster = common::pg::cluster().unwrap();
        let mut admin = cluster.client(&cluster.url("postgres"));
        let db = crate::serve::db_name(&url);
        crate::serve::cut_off(&mut admin, &db);
        let a = http::request(&serve.url, "GET", "/healthz", None, None);
        assert_eq!(a.status, 200, "{}", a.body);
        let a = http::request(&serve.url, "GET", "/readyz", None, None);
        assert_eq!((a.status, a.json()), (503, json!({"status": "not_ready"})));
        crate::serve::reopen(&mut admin, &db);
        eventually("ready again", || {
            http::request(&serve.url, "GET", "/readyz", None, None).status == 200
        });
    }
    let out = serve.stop();
    assert_eq!(out.code, 0, "{}", out.stderr);
}

/// One provoked error: its code, the answer, and where it came from (for the message).
type Row = (&'static str, http::Answer);

#[test]
fn no_error_answer_carries_a_store_url_host_file_path_or_config_path() {
    let env = Env::with_catalog();
    let config = env.config(&common::tests2::config_with("[keys]\nmax_live_per_customer = 1\n"));
    let cfg = [("BILLCTL_CONFIG", config.to_str().unwrap())];
    let (cust, k) = paid(&env, "leak@example.com", "pro");
    // Never verified: its recorded verify needs the store.
    let (_, unseen) = paid(&env, "unseen@example.com", "pro");
    let fresh = env.customer_without_card("fresh@example.com");
    crate::selfserve::ghost(&env);
    let t = token(&env, "all", "verify,usage,read,self-service");
    let usage_only = token(&env, "ingest", "usage");
    let gone = token(&env, "gone", "read");
    let s = Serve::start_with(&env, &["--refresh", "100ms", "--max-events", "2"], &cfg);
    let bare = Serve::start_with(&env, &[], &[("BILLCTL_STRIPE_API_KEY", ""), cfg[0]]);
    let cut_off =
        Serve::start_with(&env, &[], &[("BILLCTL_STRIPE_API_BASE", "http://127.0.0.1:9"), cfg[0]]);
    let send = |serve: &Serve, bytes: Vec<u8>| http::exchange(&serve.url, &bytes).unwrap();
    let auth = format!("Authorization: Bearer {t}");
    let key_id = common::key_id(&k);
    let urls = json!({"tier": "team", "success_url": "https://example.com/ok", "cancel_url": "https://example.com/no"});
    let mut rows: Vec<Row> = vec![
        ("TOKEN_MISSING", http::request(&s.url, "GET", "/metrics", None, None)),
        ("TOKEN_MALFORMED", s.get("/metrics", "bks_nonsense")),
        ("TOKEN_UNKNOWN", s.get("/metrics", &billctl::domain::keys::generate_token().unwrap().1)),
        ("TOKEN_SCOPE", s.get("/metrics", &usage_only)),
        ("BAD_JSON", send(&s, http::raw("POST", "/v1/keys/verify", Some(&t), Some(b"{")))),
        (
            "BAD_BODY",
            send(
                &s,
                raw(
                    "POST",
                    "/v1/keys/verify",
                    &[&auth, "Transfer-Encoding: chunked"],
                    b"zz\r\n\r\n",
                ),
            ),
        ),
        ("BODY_TOO_LARGE", s.post("/v1/keys/verify", &t, &json!({"key": "k".repeat(9000)}))),
        (
            "TOO_MANY_EVENTS",
            s.post("/v1/usage/events", &t, &json!([{"id": "a"}, {"id": "b"}, {"id": "c"}])),
        ),
        ("INVALID_EVENTS", s.post("/v1/usage/events", &t, &json!([{"id": "a"}]))),
        ("STRIPE_UNAVAILABLE", bare.get(&format!("/v1/customers/{cust}"), &t)),
        ("STRIPE_ERROR", s.post("/v1/customers/cus_GhostOnlyInMirror/portal", &t, &json!({}))),
        ("STRIPE_UNREACHABLE", cut_off.get(&format!("/v1/customers/{cust}"), &t)),
        ("CUSTOMER_NOT_FOUND", s.get("/v1/customers/cus_nobody/usage", &t)),
        (
            "KEY_NOT_FOUND",
            s.post(&format!("/v1/customers/{cust}/keys/nokey000/revoke"), &t, &json!({})),
        ),
        ("KEY_LIMIT", s.post(&format!("/v1/customers/{cust}/keys"), &t, &json!({"name": "two"}))),
        ("HAS_SUBSCRIPTION", s.post(&format!("/v1/customers/{cust}/checkout"), &t, &urls)),
        (
            "NO_SUBSCRIPTION",
            s.post(&format!("/v1/customers/{fresh}/subscription/cancel"), &t, &json!({})),
        ),
        (
            "UNKNOWN_TIER",
            s.post(&format!("/v1/customers/{fresh}/checkout"), &t, &json!({"tier": "nope"})),
        ),
        (
            "INVALID_FIELD",
            s.post(
                &format!("/v1/customers/{fresh}/subscription"),
                &t,
                &json!({"tier": "team", "proration": "sometimes"}),
            ),
        ),
        (
            "BAD_QUANTITY",
            s.post(
                &format!("/v1/customers/{fresh}/checkout"),
                &t,
                &json!({"tier": "team", "quantity": 0}),
            ),
        ),
        ("BAD_CUSTOMER_ID", s.get("/v1/customers/a%20b/usage", &t)),
        ("BAD_KEY_ID", s.post(&format!("/v1/customers/{cust}/keys/{k}/revoke"), &t, &json!({}))),
        ("NOT_FOUND", s.get("/nope", &t)),
        ("METHOD_NOT_ALLOWED", s.get("/v1/keys/verify", &t)),
        (
            "UNSUPPORTED_MEDIA_TYPE",
            send(
                &s,
                raw(
                    "POST",
                    "/api/v1/events",
                    &[&auth, "Content-Type: text/plain", "Content-Length: 2"],
                    b"{}",
                ),
            ),
        ),
        ("BAD_REQUEST", s.post("/v2/keys.verifyKey", &t, &json!({}))),
    ];
    // A revoked key cannot be rotated.
    let revoked = s.post(&format!("/v1/customers/{cust}/keys/{key_id}/revoke"), &t, &json!({}));
    assert_eq!(revoked.status, 200, "{}", revoked.body);
    rows.push((
        "KEY_NOT_ROTATABLE",
        s.post(&format!("/v1/customers/{cust}/keys/{key_id}/rotate"), &t, &json!({})),
    ));
    let id = billctl::domain::keys::parse_token(&gone).unwrap().to_string();
    env.cmd(format!("serve tokens revoke {id} --yes")).ok();
    eventually("the revoked token is refused", || s.get("/metrics", &gone).status == 401);
    rows.push(("TOKEN_REVOKED", s.get("/metrics", &gone)));
    rows.push(("BUSY", busy(&env)));
    rows.push(("STORE_UNAVAILABLE", store_down(&env, &s, &t, &unseen)));
    // Every code in the sources has a row (or a reason it has none)...
    let mut covered: BTreeSet<String> = rows.iter().map(|(c, _)| c.to_string()).collect();
    covered.extend(NOT_PROVOKED.iter().map(|(c, _)| c.to_string()));
    assert_eq!(codes_in_src(), covered, "a code without a row (or a row without a code)");
    // ...and each answer carries its code, and none of the secrets.
    let secrets = secrets(&env, &config);
    for (code, a) in &rows {
        assert!(a.status >= 400, "{code}: {} {}", a.status, a.body);
        assert!(a.body.contains(code), "{code}: {}", a.body);
        assert!(a.header("x-request-id").is_some() || *code == "BUSY", "{code}");
        let whole = format!("{:?} {}", a.headers, a.body);
        for s in &secrets {
            assert!(!whole.contains(s.as_str()), "{code} carries {s:?}: {whole}");
        }
    }
    // What the callers were not told is in the log, with the request id.
    let store_id = rows.last().unwrap().1.header("x-request-id").unwrap().to_string();
    let out = s.stop();
    assert!(
        out.stderr.lines().any(|l| l.contains(&store_id) && l.contains("request")),
        "no detail for {store_id} in the log:\n{}",
        out.stderr
    );
}

/// A 503 BUSY from a serve whose one connection is taken by a slow head: a request other
/// than a probe, on the slots beyond the cap.
fn busy(env: &Env) -> http::Answer {
    use std::io::{Read, Write};
    let t = token(env, "busy", "usage");
    let one = Serve::start(env, &["--max-connections", "1"]);
    let addr = one.url.trim_start_matches("http://").to_string();
    // The one slot held by an upload in flight (its 100 came; its body never ends), which
    // nothing closes to make room: the next connection is refused.
    let mut held = std::net::TcpStream::connect(&addr).unwrap();
    let head = format!("POST /v1/usage/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {t}\r\nContent-Type: application/json\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n");
    held.write_all(head.as_bytes()).unwrap();
    let mut seen = Vec::new();
    let mut byte = [0u8; 1];
    while !seen.ends_with(b"\r\n\r\n") && held.read(&mut byte).unwrap_or(0) == 1 {
        seen.push(byte[0]);
    }
    assert!(seen.starts_with(b"HTTP/1.1 100"), "{seen:?}");
    held.write_all(b"[1").unwrap();
    let a = http::request(&one.url, "GET", "/openapi.json", None, None);
    drop(held);
    a
}

/// A 503 STORE_UNAVAILABLE: Postgres refuses serve's connections; SQLite's write lock is
/// held past the busy timeout (a recorded verify writes).
fn store_down(env: &Env, s: &Serve, t: &str, k: &str) -> http::Answer {
    match &env.database_url {
        Some(url) => {
            let cluster = common::pg::cluster().unwrap();
            let mut admin = cluster.client(&cluster.url("postgres"));
            let db = crate::serve::db_name(url);
            crate::serve::cut_off(&mut admin, &db);
            let a = s.verify(t, k, Some(1));
            crate::serve::reopen(&mut admin, &db);
            a
        }
        None => {
            let lock = rusqlite::Connection::open(env.data_dir().join("billctl.db")).unwrap();
            lock.execute_batch("BEGIN EXCLUSIVE").unwrap();
            let a = s.verify(t, k, Some(1));
            lock.execute_batch("COMMIT").unwrap();
            a
        }
    }
}
