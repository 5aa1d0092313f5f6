//! The peers' published SDKs, unchanged but for the server URL and the token, against a real
//! `billctl serve`: Unkey's `unkey-py` on `POST /v2/keys.verifyKey` and OpenMeter's
//! `openmeter` on `POST /api/v1/events` (CloudEvents). `.ci/run` installs both from PyPI and
//! sets `BILLCTL_REQUIRE_PEER_SDKS`, so their absence fails there.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as its customers pay with the simulator's test cards.

use crate::common::tests3::pick;
use crate::common::{self, key_id, Env};
use crate::serve::{key, paid, python_with, run_python, token, Serve};
use serde_json::{json, Value};

const REQUIRE: &str = "BILLCTL_REQUIRE_PEER_SDKS";

/// Runs one of `tests/examples/peers/` with `input` on stdin; its JSON output.
fn run_client(python: &std::ffi::OsStr, script: &str, input: &Value) -> Value {
    let out = run_python(python, &format!("peers/{script}"), &[], input.to_string().as_bytes());
    assert!(out.status.success(), "{script} failed:\n{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The quantity recorded under `key`.
fn used(env: &Env, key: &str) -> i64 {
    let id = key_id(key);
    env.count(
        &format!("SELECT coalesce(sum(quantity), 0) FROM usage_events WHERE key_id = '{id}'"),
        false,
    )
}

#[test]
fn unkeys_python_sdk_verifies_valid_revoked_over_quota_and_rate_limited_keys() {
    let Some(python) = python_with("unkey.py", REQUIRE) else {
        return;
    };
    let env = Env::with_catalog();
    let (customer, valid) = paid(&env, "unkey-valid@example.com", "pro");
    let (_, revoked) = paid(&env, "unkey-revoked@example.com", "pro");
    env.cmd(format!("keys revoke {} --yes", key_id(&revoked))).ok();
    let (_, team) = paid(&env, "unkey-quota@example.com", "team");
    let (_, busy) = paid(&env, "unkey-rate@example.com", "pro");
    let t = token(&env, "unkey-app", "verify");
    let serve = Serve::start(&env, &[]);
    let mut calls = vec![
        json!({"name": "valid", "key": valid}),
        json!({"name": "check-only", "key": valid, "cost": 0}),
        json!({"name": "revoked", "key": revoked}),
        json!({"name": "all-credits", "key": team, "cost": 100_000}),
        json!({"name": "over-quota", "key": team}),
        json!({"name": "unknown", "key": "bk_test_not_a_key"}),
    ];
    for i in 0..60 {
        calls.push(json!({"name": format!("busy-{i}"), "key": busy}));
    }
    calls.push(json!({"name": "rate-limited", "key": busy}));
    let out = run_client(
        &python,
        "unkey_verify.py",
        &json!({"url": serve.url, "token": t, "calls": calls}),
    );
    let by = |name: &str| {
        out.as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("no {name} in {out}"))
            .clone()
    };
    let v = by("valid");
    assert_eq!(pick(&v, &["valid", "code"]), json!([true, "VALID"]));
    assert_eq!(v["key_id"], key_id(&valid));
    assert_eq!(v["identity"], customer);
    assert_eq!(v["billctl_code"], "VALID");
    assert_eq!(v["credits"], 9_999, "Pro's 10,000 less the call");
    assert!(v["request_id"].as_str().unwrap().starts_with("req_"));
    assert_eq!(by("check-only")["credits"], 9_999, "cost 0 records nothing");
    let r = by("revoked");
    assert_eq!(pick(&r, &["valid", "code"]), json!([false, "DISABLED"]));
    assert_eq!(pick(&r, &["billctl_code", "enabled"]), json!(["REVOKED", false]));
    assert_eq!(by("all-credits")["credits"], 0);
    let q = by("over-quota");
    assert_eq!(pick(&q, &["code", "billctl_code"]), json!(["USAGE_EXCEEDED", "QUOTA_EXCEEDED"]));
    assert_eq!(by("unknown")["code"], "NOT_FOUND");
    assert!((0..60).all(|i| by(&format!("busy-{i}"))["code"] == "VALID"));
    let l = by("rate-limited");
    assert_eq!(pick(&l, &["valid", "code"]), json!([false, "RATE_LIMITED"]));
    assert_eq!(l["ratelimits"][0]["exceeded"], true);
    assert_eq!(l["ratelimits"][0]["limit"], 60);
    assert!(l["ratelimits"][0]["reset"].as_u64().unwrap() >= 1000);
    // Credits were recorded as usage: one call, 100,000 units, 60 calls.
    let sum = |k: &str| used(&env, k);
    assert_eq!((sum(&valid), sum(&team), sum(&busy)), (1, 100_000, 60));
    // Refusals come in Unkey's error envelope: a bad token, and a field billctl lacks.
    let a = serve.post("/v2/keys.verifyKey", "bks_nope", &json!({"key": valid}));
    assert_eq!(a.status, 401);
    let e = a.json();
    assert_eq!(e["error"]["status"], 401);
    assert!(e["error"]["title"].is_string());
    // One id per request: Unkey's requestId is the server's X-Request-Id, prefixed as Unkey's.
    let id = a.header("x-request-id").unwrap();
    assert_eq!(e["meta"]["requestId"], format!("req_{id}"));
    let a = serve.post("/v2/keys.verifyKey", &t, &json!({"key": valid, "permissions": "a.b"}));
    assert_eq!(a.status, 400);
    assert!(a.json()["error"]["detail"].as_str().unwrap().starts_with("permissions"));
}

#[test]
fn openmeters_python_sdk_ingests_cloudevents_through_serve() {
    let Some(python) = python_with("openmeter", REQUIRE) else {
        return;
    };
    let env = Env::with_catalog();
    let cfg = env.config(&format!(
        "{}\n[usage]\nvalue_property = \"$.tokens\"\n",
        billctl::domain::config::DEFAULT_CONFIG
    ));
    let customer = env.subscribed("om@example.com", "pro");
    let k = key(&env, &customer);
    let t = token(&env, "meter", "usage");
    let serve = Serve::start_with(&env, &[], &[("BILLCTL_CONFIG", cfg.to_str().unwrap())]);
    let at = common::now() - 120;
    let time = billctl::domain::time::rfc3339(at);
    let ev = |id: &str, subject: &str, data: Value| json!({"specversion": "1.0", "id": id, "source": "api-gateway", "type": "request", "subject": subject, "time": time, "data": data});
    let input = json!({
        "url": serve.url,
        "token": t,
        "stranger": billctl::domain::keys::generate_token().unwrap().1,
        "single": ev("om-1", &customer, json!({"tokens": 5})),
        "batch": [ev("om-2", &key_id(&k), json!({"tokens": "7"})), ev("om-3", &customer, json!({"tokens": 3}))],
        "invalid": [
            ev("om-4", &customer, json!({"tokens": 1})),
            {"specversion": "1.0", "id": "om-5", "source": "s", "type": "request", "data": {"tokens": 1}},
        ],
        // With value_property set, an event without the property has no quantity: invalid, as
        // OpenMeter's SUM meter holds it (it stores such an event as invalid and counts
        // nothing); billctl refuses the batch, as for any invalid event (issue 42: the README
        // said "1 per event without it").
        "unvalued": [
            ev("om-6", &customer, json!({"tokens": 2})),
            ev("om-7", &customer, json!({"words": 9})),
        ],
    });
    let out = run_client(&python, "openmeter_ingest.py", &input);
    assert_eq!(out["single"]["ok"], true, "{out}");
    assert_eq!(out["batch"]["ok"], true, "{out}");
    assert_eq!(out["again"]["ok"], true, "a repeated id is a duplicate, not an error");
    assert_eq!(out["invalid"]["status"], 400, "{out}");
    // The SDK's own types: a 400 is its HttpResponseError with the problem details parsed
    // into its model (the generated code keeps UnexpectedProblemResponse for any 400: its
    // second if-chain overwrites the first), a 401 its authentication error.
    let invalid = pick(&out["invalid"], &["error", "model"]);
    assert_eq!(invalid, json!(["HttpResponseError", "UnexpectedProblemResponse"]), "{out}");
    let stranger = pick(&out["stranger"], &["status", "error"]);
    assert_eq!(stranger, json!([401, "ClientAuthenticationError"]), "{out}");
    assert_eq!(out["stranger"]["model"], "UnauthorizedProblemResponse", "{out}");
    let problem: Value = serde_json::from_str(out["invalid"]["body"].as_str().unwrap()).unwrap();
    // Problem details name the occurrence (OpenMeter's model requires `instance`).
    let request_id = problem["instance"].as_str().unwrap();
    assert!(request_id.starts_with("urn:billctl:request:"), "{problem}");
    assert_eq!(problem["rejects"][0]["line"], 2);
    assert!(problem["rejects"][0]["reason"].as_str().unwrap().starts_with("subject"));
    assert_eq!(out["unvalued"]["status"], 400, "{out}");
    let unvalued: Value = serde_json::from_str(out["unvalued"]["body"].as_str().unwrap()).unwrap();
    assert_eq!(unvalued["rejects"][0]["line"], 2, "{unvalued}");
    let reason = unvalued["rejects"][0]["reason"].as_str().unwrap();
    assert!(reason.starts_with("data.tokens: required"), "{unvalued}");
    // What was recorded: ids, subjects (customer or key), quantities and times.
    let q = |id: &str, col: &str| {
        env.count(
            &format!("SELECT coalesce(max({col}), -1) FROM usage_events WHERE event_id = '{id}'"),
            false,
        )
    };
    assert_eq!((q("om-1", "quantity"), q("om-2", "quantity"), q("om-3", "quantity")), (5, 7, 3));
    assert_eq!(q("om-1", "ts"), at);
    let invalid = (q("om-4", "quantity"), q("om-6", "quantity"));
    assert_eq!(invalid, (-1, -1), "nothing of an invalid batch is recorded");
    assert_eq!(env.count("SELECT count(*) FROM usage_events WHERE event_id LIKE 'om-%'", false), 3);
    let om2 = format!("SELECT count(*) FROM usage_events WHERE event_id = 'om-2' AND key_id = '{}' AND customer_id = '{customer}'", key_id(&k));
    assert_eq!(env.count(&om2, false), 1);
    // Only CloudEvents types are taken.
    let raw = String::from_utf8(common::http::raw("POST", "/api/v1/events", Some(&t), Some(b"{}")))
        .unwrap()
        .replace("application/json", "text/plain");
    let a = common::http::exchange(&serve.url, raw.as_bytes()).unwrap();
    assert_eq!(a.status, 415);
    assert_eq!(a.header("content-type"), Some("application/problem+json"));
}

/// OpenMeter's identity is source plus id (CloudEvents 1.0): two producers that both send id
/// `evt-1` through the SDK are two events, a resend of either is a duplicate, and a resend with
/// other content is a conflict, answered 204 as OpenMeter does but counted and listed.
#[test]
fn openmeters_python_sdk_two_sources_with_one_id_are_two_events() {
    let Some(python) = python_with("openmeter", REQUIRE) else {
        return;
    };
    let env = Env::with_catalog();
    let cfg = env.config(&format!(
        "{}\n[usage]\nvalue_property = \"$.tokens\"\n",
        billctl::domain::config::DEFAULT_CONFIG
    ));
    let customer = env.subscribed("om-sources@example.com", "pro");
    let k = key(&env, &customer);
    let t = token(&env, "meter", "usage,read");
    let serve = Serve::start_with(&env, &[], &[("BILLCTL_CONFIG", cfg.to_str().unwrap())]);
    let time = billctl::domain::time::rfc3339(common::now() - 120);
    let ev = |source: &str, subject: &str, tokens: i64| json!({"specversion": "1.0", "id": "evt-1", "source": source, "type": "request", "subject": subject, "time": time, "data": {"tokens": tokens}});
    let input = json!({
        "url": serve.url,
        "token": t,
        "events": [
            ev("api-eu", &customer, 5),
            ev("api-us", &key_id(&k), 7),
            ev("api-eu", &customer, 5),
            ev("api-us", &key_id(&k), 9),
        ],
    });
    let out = run_client(&python, "openmeter_sources.py", &input);
    for (i, r) in out.as_array().unwrap().iter().enumerate() {
        assert_eq!(r["ok"], true, "event {i}: {out}");
    }
    let q = |source: &str| {
        env.count(&format!("SELECT CAST(coalesce(sum(quantity), -1) AS BIGINT) FROM usage_events WHERE event_id = 'evt-1' AND source = '{source}'"), false)
    };
    assert_eq!((q("api-eu"), q("api-us")), (5, 7), "two events, the first of each source kept");
    assert_eq!(env.usage_total(&customer), 12);
    let m = serve.get("/metrics", &t).body;
    let conflicts =
        crate::serve::metric(&m, "billctl_usage_conflicts_total{route=\"/api/v1/events\"}");
    assert_eq!(conflicts, 1.0);
    let j = env.cmd("usage conflicts --source api-us --json").code(1).json();
    assert_eq!(j["total"], 1, "{j}");
    assert_eq!(j["conflicts"][0]["offered"]["quantity"], 9, "{j}");
    assert_eq!(j["conflicts"][0]["kept"]["quantity"], 7, "{j}");
}

/// A key that passes the offline checks and names a real key's id, with another secret.
fn forged(key: &str) -> String {
    let body = &key[..key.len() - billctl::domain::keys::CHECKSUM_LEN];
    let last = body.chars().last().unwrap();
    let other = if last == 'A' { 'B' } else { 'A' };
    let body = format!("{}{other}", &body[..body.len() - 1]);
    let sum = billctl::domain::keys::checksum(&body);
    body + &sum
}

/// unkey-py raises its own typed errors for billctl's refusals (a 400 carries Unkey's
/// `error.errors[]`, which the SDK requires, also for billctl's deliberate refusals), a key
/// that is not found names no key id (Unkey's rule), and the JSON log's `outcome` holds each
/// verdict.
#[test]
fn unkeys_python_sdk_raises_its_typed_errors_and_no_key_id_for_a_key_not_found() {
    let Some(python) = python_with("unkey.py", REQUIRE) else {
        return;
    };
    let env = Env::with_catalog();
    let (_, valid) = paid(&env, "unkey-typed@example.com", "pro");
    let fake = forged(&valid);
    assert!(billctl::domain::keys::parse(&fake).is_some(), "the forgery passes the offline checks");
    let t = token(&env, "unkey-app", "verify");
    let serve = Serve::start(&env, &["--log-format", "json"]);
    let calls = json!([
        {"name": "valid", "key": valid},
        {"name": "forged", "key": fake},
        {"name": "permissions", "key": valid, "permissions": "documents.read"},
        {"name": "negative-cost", "key": valid, "cost": -1},
    ]);
    let out = run_client(
        &python,
        "unkey_verify.py",
        &json!({"url": serve.url, "token": t, "calls": calls}),
    );
    let by = |name: &str| {
        out.as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("no {name} in {out}"))
            .clone()
    };
    assert_eq!(by("valid")["key_id"], key_id(&valid));
    let f = by("forged");
    assert_eq!(pick(&f, &["code", "key_id"]), json!(["NOT_FOUND", null]), "{f}");
    for (name, location) in
        [("permissions", "body.permissions"), ("negative-cost", "body.credits.cost")]
    {
        let e = by(name);
        assert_eq!(
            pick(&e, &["error", "status"]),
            json!(["BadRequestErrorResponse", 400]),
            "{name}: {e}"
        );
        assert_eq!(e["errors"][0]["location"], location, "{name}: {e}");
        assert_eq!(e["errors"][0]["message"], e["detail"], "{name}: {e}");
    }
    // A token serve does not know: the SDK's typed 401.
    let stranger = billctl::domain::keys::generate_token().unwrap().1;
    let refused = run_client(
        &python,
        "unkey_verify.py",
        &json!({"url": serve.url, "token": stranger, "calls": [{"name": "x", "key": valid}]}),
    );
    assert_eq!(refused[0]["error"], "UnauthorizedErrorResponse", "{refused}");
    // Only the valid call was recorded (a 400 records nothing).
    assert_eq!(used(&env, &valid), 1);
    let run = serve.stop();
    let lines: Vec<Value> =
        run.stderr.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    let outcome = |name: &str| {
        let id = by(name)["request_id"].as_str().unwrap().trim_start_matches("req_").to_string();
        lines
            .iter()
            .find(|l| l["request_id"] == id.as_str())
            .unwrap_or_else(|| panic!("no log line for {name}: {}", run.stderr))["outcome"]
            .clone()
    };
    assert_eq!(outcome("valid"), "VALID");
    assert_eq!(outcome("forged"), "NOT_FOUND");
    assert_eq!(outcome("permissions"), "BAD_REQUEST");
    assert_eq!(outcome("negative-cost"), "BAD_REQUEST");
    assert!(!run.stderr.contains(&fake[fake.len() - 20..]), "the forged key in the log");
}

/// One call of `core_answers.py`: the SDK, what it sends, and with which method (`None`: its own).
fn core_call(
    name: &str,
    sdk: &str,
    (t, k, ev): (&str, &str, &Value),
    method: Option<&str>,
) -> Value {
    let mut c = json!({"name": name, "sdk": sdk, "token": t, "key": k, "event": ev});
    if let Some(m) = method {
        c["method"] = json!(m);
    }
    c
}

/// What the SDK made of an answer it was meant to get: `status`, and the body as the SDK's own
/// error model parsed it, of type `code` (unkey-py's verifyKey has no typed class for 405, 408
/// or 503, so it raises `APIError`; the body must still be Unkey's envelope, which before this
/// change it was not).
fn sdk_saw(out: &Value, name: &str, status: u16, code: &str) {
    let c = &out[name];
    assert_eq!(pick(c, &["ok", "status"]), json!([false, status]), "{name}: {c}");
    let p = &c["parsed"];
    assert!(p.is_object(), "{name}: the SDK's model did not parse the body: {c}");
    assert_eq!(p["type"], format!("urn:billctl:error:{code}"), "{name}: {c}");
    assert_eq!(p["status"], status, "{name}: {c}");
    assert!(p["title"].is_string() && p["detail"].is_string(), "{name}: {c}");
    if name.starts_with("unkey") {
        assert_eq!(c["error"], "APIError", "{name}: {c}");
        assert!(p["request_id"].as_str().unwrap().starts_with("req_"), "{name}: {c}");
    } else {
        assert_eq!(c["content_type"], "application/problem+json", "{name}: {c}");
        let model = if status == 503 {
            "ServiceUnavailableProblemResponse"
        } else {
            "UnexpectedProblemResponse"
        };
        assert_eq!(c["model"], model, "{name}: {c}");
        assert!(p["instance"].as_str().unwrap().starts_with("urn:billctl:request:"), "{name}: {c}");
    }
}

/// The server core's own answers (503 BUSY over the body memory budget, 408 REQUEST_TIMEOUT)
/// and a 405 reach unkey-py on `/v2/keys.verifyKey` in Unkey's envelope and the openmeter SDK
/// on `/api/v1/events` as problem details, each provoked at an observed point: the budget held
/// by an upload whose `100 Continue` says it is being read, the store held by another client.
#[test]
fn the_cores_own_answers_and_a_405_reach_the_peers_sdks_in_their_own_shape() {
    let Some(python) = python_with("unkey.py, openmeter", REQUIRE) else {
        return;
    };
    let env = Env::with_catalog();
    let (customer, k) = paid(&env, "core-answers@example.com", "pro");
    let t = token(&env, "app", "verify,usage");
    let ev = json!({"specversion": "1.0", "id": "ca-1", "source": "s", "type": "request", "subject": customer, "time": billctl::domain::time::rfc3339(common::now() - 60)});
    let call =
        |name: &str, sdk: &str, method: Option<&str>| core_call(name, sdk, (&t, &k, &ev), method);
    // 503 BUSY: an upload the size of the whole budget holds it once its 100 Continue is sent.
    let serve = Serve::start(
        &env,
        &["--max-body", "1048576", "--max-body-memory", "1048576", "--log-format", "json"],
    );
    let mut held = std::net::TcpStream::connect(serve.url.trim_start_matches("http://")).unwrap();
    let head = format!("POST /v1/usage/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1048576\r\nAuthorization: Bearer {t}\r\nExpect: 100-continue\r\n\r\n");
    std::io::Write::write_all(&mut held, head.as_bytes()).unwrap();
    let mut cont = [0u8; 12];
    std::io::Read::read_exact(&mut held, &mut cont).unwrap();
    assert_eq!(&cont, b"HTTP/1.1 100", "the upload is admitted");
    // The budget is counted as bytes come: all but one byte of it is sent, and a 200 kB verify
    // is asked until it is refused 503, which is when those bytes are held (a body's first
    // 64 KiB are its own, outside the budget: the SDKs' calls are padded past them).
    std::io::Write::write_all(&mut held, &vec![b' '; 1048575]).unwrap();
    let pad = "k".repeat(200_000);
    let probe = json!({"key": pad}).to_string();
    let full = (0..10_000)
        .any(|_| serve.post_raw("/v1/keys/verify", Some(&t), probe.as_bytes()).status == 503);
    assert!(full, "the upload's bytes never held the budget");
    let mut padded = ev.clone();
    padded["data"] = json!({"pad": pad});
    let calls = [
        core_call("unkey-busy", "unkey", (&t, &pad, &ev), None),
        core_call("openmeter-busy", "openmeter", (&t, &k, &padded), None),
    ];
    let out = run_client(&python, "core_answers.py", &json!({"url": serve.url, "calls": calls}));
    drop(held);
    sdk_saw(&out, "unkey-busy", 503, "BUSY");
    sdk_saw(&out, "openmeter-busy", 503, "BUSY");
    // 405: the SDKs' requests sent with PUT.
    let calls =
        [call("unkey-405", "unkey", Some("PUT")), call("openmeter-405", "openmeter", Some("PUT"))];
    let out = run_client(&python, "core_answers.py", &json!({"url": serve.url, "calls": calls}));
    sdk_saw(&out, "unkey-405", 405, "METHOD_NOT_ALLOWED");
    sdk_saw(&out, "openmeter-405", 405, "METHOD_NOT_ALLOWED");
    // The log's outcome of the core's own answer is its code.
    let log = serve.stop().stderr;
    let busy = log.lines().filter_map(|l| serde_json::from_str::<Value>(l).ok());
    let busy: Vec<Value> =
        busy.filter(|l| l["status"] == 503 && l["route"] != "/v1/keys/verify").collect();
    assert_eq!(busy.len(), 2, "{log}");
    assert!(busy.iter().all(|l| l["outcome"] == "BUSY"), "{busy:?}");
    // 408: the store held by another client, so the recorded verify and the ingest wait past
    // the request timeout.
    let serve = Serve::start(&env, &["--request-timeout", "1s"]);
    let store = crate::stalls::Held::take_table(&env, "subscriptions, usage_events");
    let calls = [call("unkey-408", "unkey", None), call("openmeter-408", "openmeter", None)];
    let out = run_client(&python, "core_answers.py", &json!({"url": serve.url, "calls": calls}));
    store.release();
    sdk_saw(&out, "unkey-408", 408, "REQUEST_TIMEOUT");
    sdk_saw(&out, "openmeter-408", 408, "REQUEST_TIMEOUT");
    assert_eq!(serve.stop().code, 0);
}
