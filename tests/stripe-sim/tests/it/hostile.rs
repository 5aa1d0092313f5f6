//! The simulator under hostile and unusual requests (issue 29): bounded nesting, parameter
//! count, value length and body size; a slow body or head cannot hold a connection; arrays
//! where Stripe takes a string are refused; every well-formed API version up to today is
//! accepted (the official SDKs pin versions newer than this simulator's list) and applied to
//! responses; a malformed one is refused.

use crate::common;

use common::Api;
use std::io::{Read, Write};
use std::time::Duration;
use stripe_sim::StripeSim;

/// A raw request; returns everything the server sent before closing.
fn raw(sim: &StripeSim, request: &[u8]) -> String {
    let addr = sim.addr();
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    s.write_all(request).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn deep_many_and_long_parameters_are_refused_and_the_simulator_lives_on() {
    let sim = StripeSim::start();
    let mut anon = Api::new(&sim);
    anon.key = None;
    let deep = format!("metadata{}", "[a]".repeat(10_000));
    // In a body and in a query string, without a key: a 400 or 401, never a crash.
    let r = anon.send("POST", "/v1/customers", &[(deep.as_str(), "x")], &[]).unwrap();
    assert!(r.status == 400 || r.status == 401, "{}", r.body);
    let r = anon.send("GET", "/v1/customers", &[(deep.as_str(), "x")], &[]).unwrap();
    // A 30 KB query string: hyper answers 414 (URI too long) or the decoder 400/401.
    assert!([400, 401, 414, 431].contains(&r.status), "{} {}", r.status, r.body);
    let api = Api::new(&sim);
    let r = api.post("/v1/customers", &[(deep.as_str(), "x")]);
    assert_eq!(r.status, 400, "{}", r.body);
    let nested = format!("metadata{}", "[a]".repeat(20));
    let r = api.post("/v1/customers", &[(nested.as_str(), "x")]);
    assert!(r.body["error"]["message"].as_str().unwrap().contains("nested"), "{}", r.body);
    let r = api.get("/v1/customers", &[(nested.as_str(), "x")]);
    assert_eq!(r.status, 400, "a bad query string is refused too: {}", r.body);
    let names: Vec<String> = (0..1_001).map(|i| format!("metadata[k{i}]")).collect();
    let many: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "v")).collect();
    let r = api.post("/v1/customers", &many);
    assert!(r.body["error"]["message"].as_str().unwrap().contains("Too many"), "{}", r.body);
    let long = "x".repeat(5_001);
    let r = api.post("/v1/customers", &[("description", long.as_str())]);
    assert_eq!(r.status, 400, "{}", r.body);
    let r = api.post("/v1/customers", &[("email[]", "a@example.com")]);
    assert!(r.body["error"]["message"].as_str().unwrap().contains("Invalid string"), "{}", r.body);
    let big = "x".repeat(1 << 20);
    let r = api.post("/v1/customers", &[("description", big.as_str())]);
    assert_eq!(r.status, 413, "{}", r.body);
    assert!(sim.state().customers.is_empty(), "nothing was created");
    // Still serving.
    assert_eq!(api.post("/v1/customers", &[("email", "ok@example.com")]).status, 200);
}

#[test]
fn a_slow_body_or_head_is_cut_off() {
    let sim = StripeSim::builder().read_timeout(Duration::from_millis(200)).start().unwrap();
    // 100 bytes announced, 7 sent: the server answers 408 and closes; it does not wait.
    let head = format!(
        "POST /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nemail=a",
        sim.api_key()
    );
    let out = raw(&sim, head.as_bytes());
    assert!(out.starts_with("HTTP/1.1 408"), "{out}");
    // A head that never ends: the connection is closed.
    let out = raw(&sim, b"GET /v1/customers HTTP/1.1\r\nHost: x\r\n");
    assert!(!out.contains("200 OK"), "{out}");
    assert!(sim.state().customers.is_empty());
}

#[test]
fn api_versions_are_accepted_by_date_and_applied_to_responses() {
    let sim = StripeSim::start();
    let api = Api::new(&sim);
    api.ok("/v1/products", &[("id", "pro"), ("name", "Pro")]);
    let price = api.ok(
        "/v1/prices",
        &[
            ("product", "pro"),
            ("currency", "usd"),
            ("unit_amount", "9900"),
            ("recurring[interval]", "month"),
        ],
    );
    let customer = api.ok(
        "/v1/customers",
        &[
            ("payment_method", "pm_card_visa"),
            ("invoice_settings[default_payment_method]", "pm_card_visa"),
        ],
    );
    let sub = api.ok(
        "/v1/subscriptions",
        &[
            ("customer", customer["id"].as_str().unwrap()),
            ("items[0][price]", price["id"].as_str().unwrap()),
        ],
    );
    let path = format!("/v1/subscriptions/{}", sub["id"].as_str().unwrap());
    let get = |version: &str| api.send("GET", &path, &[], &[("Stripe-Version", version)]).unwrap();
    // stripe-python 16.1.0 pins 2026-10-28.endive, newer than this simulator's list.
    let r = get("2026-10-28.endive");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("stripe-version"), Some("2026-10-28.endive"));
    assert!(r.body.get("current_period_start").is_none(), "the newest shape: {}", r.body);
    assert!(r.body["items"]["data"][0]["current_period_start"].is_i64());
    // An old version sees the period on the subscription, in a list too.
    let r = get("2024-06-20");
    assert!(
        r.body["current_period_start"].is_i64() && r.body["current_period_end"].is_i64(),
        "{}",
        r.body
    );
    assert!(r.body["items"]["data"][0].get("current_period_start").is_none());
    let listed =
        api.send("GET", "/v1/subscriptions", &[], &[("Stripe-Version", "2024-06-20")]).unwrap();
    assert!(listed.body["data"][0]["current_period_end"].is_i64(), "{}", listed.body);
    for bad in ["latest", "2026-02-30", "2099-01-01.future", "2026-10-28.Endive"] {
        let r = get(bad);
        assert_eq!((r.status, r.error_code()), (400, "api_version_invalid"), "{bad}: {}", r.body);
    }
}
