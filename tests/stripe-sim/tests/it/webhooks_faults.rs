//! Signed webhook delivery and its recorded outcomes, every fault kind, the rate limit, and the
//! request log.

use crate::common;

use common::{Api, Receiver};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::Value;
use sha2::Sha256;
use std::time::{Duration, Instant};
use stripe_sim::{Fault, StripeSim};

const WAIT: Duration = Duration::from_secs(20);

fn endpoint(api: &Api, url: &str, events: &[&str]) -> Value {
    let mut form = vec![("url", url)];
    form.extend(events.iter().map(|e| ("enabled_events[]", *e)));
    api.ok("/v1/webhook_endpoints", &form)
}

/// Verifies a `Stripe-Signature` header independently of the simulator's own signing code.
fn verify(header: &str, secret: &str, body: &[u8]) -> bool {
    let mut t = "";
    let mut sigs = Vec::new();
    for part in header.split(',') {
        match part.split_once('=') {
            Some(("t", v)) => t = v,
            Some(("v1", v)) => sigs.push(v.to_string()),
            _ => {}
        }
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.").as_bytes());
    mac.update(body);
    let want: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    sigs.contains(&want)
}

#[test]
fn events_are_delivered_signed_to_matching_endpoints_only() {
    let sim = StripeSim::start();
    let api = Api::new(&sim);
    let hook = Receiver::start(200);
    let quiet = Receiver::start(200);
    let we = endpoint(&api, &hook.url, &["customer.created"]);
    let secret = we["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_"));
    let off = endpoint(&api, &quiet.url, &["*"]);
    api.ok(
        &format!("/v1/webhook_endpoints/{}", off["id"].as_str().unwrap()),
        &[("disabled", "true")],
    );
    assert_eq!(
        api.get(&format!("/v1/webhook_endpoints/{}", we["id"].as_str().unwrap()), &[])
            .body
            .get("secret"),
        None,
        "the secret is shown only at creation"
    );

    api.ok("/v1/products", &[("name", "not subscribed")]);
    let cus = api.ok("/v1/customers", &[("email", "hook@example.com")]);
    assert!(sim.wait_for_webhooks(WAIT));
    let got = hook.received();
    assert_eq!(got.len(), 1, "only customer.created is subscribed");
    assert!(quiet.received().is_empty(), "a disabled endpoint gets nothing");
    let r = &got[0];
    assert!(verify(&r.signature, &secret, &r.body), "signature {} verifies", r.signature);
    assert!(!verify(&r.signature, "whsec_wrong", &r.body));
    let event: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(event["type"], "customer.created");
    assert_eq!(event["data"]["object"]["id"], cus["id"]);
    let t: i64 = r.signature.split(',').next().unwrap().trim_start_matches("t=").parse().unwrap();
    assert!((stripe_sim::util::now() - t).abs() < 60);
    let evt_id = event["id"].as_str().unwrap();
    assert_eq!(api.get(&format!("/v1/events/{evt_id}"), &[]).body["pending_webhooks"], 0);
    let d = sim.state().deliveries.clone();
    assert_eq!(d.len(), 1);
    assert_eq!((d[0].status, d[0].ok), (Some(200), true));
}

#[test]
fn failed_deliveries_stay_pending_until_a_retry_succeeds() {
    let sim = StripeSim::start();
    let api = Api::new(&sim);
    let hook = Receiver::start(500);
    endpoint(&api, &hook.url, &["*"]);
    let cus = api.ok("/v1/customers", &[("email", "fail@example.com")]);
    assert!(sim.wait_for_webhooks(WAIT));
    assert_eq!(hook.received().len(), 1);
    let pending = api.get("/v1/events", &[("delivery_success", "false")]).body;
    assert_eq!(pending["data"].as_array().unwrap().len(), 1);
    assert_eq!(pending["data"][0]["data"]["object"]["id"], cus["id"]);
    assert_eq!(pending["data"][0]["pending_webhooks"], 1);
    assert_eq!(
        api.get("/v1/events", &[("delivery_success", "true")]).body["data"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(sim.state().deliveries[0].status, Some(500));

    *hook.status.lock().unwrap() = 200;
    assert_eq!(sim.retry_webhooks(), 1);
    assert!(sim.wait_for_webhooks(WAIT));
    assert_eq!(hook.received().len(), 2);
    assert_eq!(
        api.get("/v1/events", &[("delivery_success", "true")]).body["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        api.get("/v1/events", &[("delivery_success", "false")]).body["data"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(sim.retry_webhooks(), 0, "nothing left to retry");
}

#[test]
fn unreachable_endpoints_are_recorded_as_failed() {
    let sim = StripeSim::start();
    let api = Api::new(&sim);
    // A port that was free a moment ago: connection refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    endpoint(&api, &format!("http://127.0.0.1:{port}/x"), &["*"]);
    api.ok("/v1/customers", &[("email", "x@example.com")]);
    assert!(sim.wait_for_webhooks(WAIT));
    let d = sim.state().deliveries.clone();
    assert_eq!((d.len(), d[0].status, d[0].ok), (1, None, false));
}

#[test]
fn injected_500_fails_without_processing() {
    let sim = StripeSim::start();
    let api = Api::new(&sim);
    sim.inject(Fault::server_error().on("POST", "/v1/customers"));
    assert_eq!(api.get("/v1/customers", &[]).status, 200, "other methods pass");
    let r = api.post("/v1/customers", &[("email", "a@example.com")]);
    assert_eq!(r.status, 500);
    assert_eq!(r.body["error"]["type"], "api_error");
    assert!(sim.state().customers.is_empty());
    assert_eq!(
        api.post("/v1/customers", &[("email", "a@example.com")]).status,
        200,
        "only the next one"
    );
    let log = sim.requests();
    assert_eq!(log.iter().map(|r| r.status).collect::<Vec<_>>(), [200, 500, 200]);
    assert_eq!(log[1].fault.as_deref(), Some("ServerError"));
}

#[test]
fn injected_429_carries_stripe_should_retry() {
    let sim = StripeSim::start();
    let api = Api::new(&sim);
    sim.inject(Fault::rate_limited(Some(true)).times(2));
    for _ in 0..2 {
        let r = api.get("/v1/products", &[]);
        assert_eq!((r.status, r.error_code()), (429, "rate_limit"));
        assert_eq!(r.header("stripe-should-retry"), Some("true"));
    }
    sim.inject(Fault::rate_limited(Some(false)));
    assert_eq!(api.get("/v1/products", &[]).header("stripe-should-retry"), Some("false"));
    assert_eq!(api.get("/v1/products", &[]).status, 200);
}

#[test]
fn dropped_connection_before_processing_changes_nothing() {
    let sim = StripeSim::start();
    let api = Api::new(&sim);
    sim.inject(Fault::drop_connection().on("POST", "/v1/subscriptions*"));
    sim.inject(Fault::drop_connection().on("POST", "/v1/customers"));
    let err = api
        .send("POST", "/v1/customers", &[("email", "a@example.com")], &[])
        .err()
        .expect("connection dropped");
    assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof);
    assert!(sim.state().customers.is_empty());
    assert_eq!(sim.requests()[0].status, 0);
    assert_eq!(sim.requests()[0].fault.as_deref(), Some("DropConnection"));
}

#[test]
fn dropped_response_after_processing_is_recovered_by_the_idempotency_key() {
    let sim = StripeSim::start();
    let api = Api::new(&sim);
    sim.inject(Fault::drop_after_processing());
    let lost = api.send(
        "POST",
        "/v1/customers",
        &[("email", "once@example.com")],
        &[("Idempotency-Key", "retry-me")],
    );
    assert!(lost.is_err(), "the response was lost");
    assert_eq!(sim.state().customers.len(), 1, "but the customer was created");
    let retry = api.post_idem("/v1/customers", &[("email", "once@example.com")], "retry-me");
    assert_eq!(retry.status, 200);
    assert_eq!(retry.header("idempotent-replayed"), Some("true"));
    assert_eq!(sim.state().customers.len(), 1, "the retry made no second customer");
    assert_eq!(retry.body["id"].as_str(), sim.state().customers.keys().next().map(String::as_str));
}

#[test]
fn delay_holds_the_answer_back() {
    let sim = StripeSim::start();
    let api = Api::new(&sim);
    sim.inject(Fault::delay(Duration::from_millis(300)));
    let t = Instant::now();
    let r = api.post("/v1/customers", &[("email", "slow@example.com")]);
    assert!(t.elapsed() >= Duration::from_millis(300), "answered after the delay");
    assert_eq!(r.status, 200);
    assert_eq!(sim.state().customers.len(), 1);
}

#[test]
fn rate_limit_answers_429_past_the_limit() {
    let sim = StripeSim::start();
    let api = Api::new(&sim);
    sim.set_rate_limit(Some(5));
    let statuses: Vec<u16> = (0..8).map(|_| api.get("/v1/products", &[]).status).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 5, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 3, "{statuses:?}");
    sim.set_rate_limit(None);
    assert_eq!(api.get("/v1/products", &[]).status, 200);
}

#[test]
fn control_endpoints_arm_faults_over_http() {
    let sim = StripeSim::start();
    let api = Api::new(&sim);
    let ctl = Api { base: api.base.clone(), key: None };
    let body = r#"{"kind":"server_error","times":1,"method":"GET","path":"/v1/prices"}"#;
    let armed = ctl_json(&ctl, "POST", "/_sim/faults", body);
    assert_eq!(armed["kind"], "server_error");
    assert_eq!(api.get("/v1/products", &[]).status, 200);
    assert_eq!(api.get("/v1/prices", &[]).status, 500);
    assert_eq!(api.get("/v1/prices", &[]).status, 200);
    ctl_json(&ctl, "POST", "/_sim/rate_limit", r#"{"per_second":1}"#);
    api.get("/v1/products", &[]);
    assert_eq!(api.get("/v1/products", &[]).status, 429);
    ctl_json(&ctl, "POST", "/_sim/rate_limit", r#"{"per_second":null}"#);
    let log = ctl_json(&ctl, "GET", "/_sim/requests", "");
    assert_eq!(log.as_array().unwrap().len(), 5);
    let bad = ctl_json(&ctl, "POST", "/_sim/faults", "{nope");
    assert!(bad["error"]["message"].as_str().unwrap().contains("invalid fault JSON"));
}

fn ctl_json(ctl: &Api, method: &str, path: &str, body: &str) -> Value {
    use std::io::{Read, Write};
    let addr = ctl.base.trim_start_matches("http://").trim_end_matches('/');
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(s, "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len()).unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    serde_json::from_str(raw.split("\r\n\r\n").nth(1).unwrap_or("null")).unwrap_or(Value::Null)
}

#[test]
fn the_request_log_shows_a_read_only_run() {
    let sim = StripeSim::start();
    let api = Api::new(&sim);
    api.ok("/v1/products", &[("id", "pro"), ("name", "Pro")]);
    sim.clear_requests();
    api.get("/v1/products/pro", &[]);
    api.get("/v1/prices", &[("lookup_keys[]", "pro_monthly")]);
    let log = sim.requests();
    assert_eq!(log.len(), 2);
    assert_eq!(log.iter().filter(|r| r.method == "POST").count(), 0);
    assert_eq!(log[1].params["lookup_keys"][0], "pro_monthly");
}
