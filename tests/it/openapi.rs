//! `serve`'s OpenAPI 3.1 document (`src/api/openapi.json`, served at `GET /openapi.json`)
//! against what serve does: its paths and methods are exactly the route table, and every
//! route's real answers (success and refusals) are checked against it by maintained validators
//! (openapi-spec-validator for the document, openapi-core for each request and answer; the
//! schemas allow no field they do not name). `.ci/run` installs both and sets
//! `BILLCTL_REQUIRE_PEER_SDKS`.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it puts a customer only the mirror knows into the store.

use crate::common::{self, http, Env};
use crate::serve::{key, paid, python_with, run_python, token, Serve};
use serde_json::{json, Value};

const DOCUMENT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/api/openapi.json");

/// The document's routes, as (METHOD, path template).
fn documented_routes(doc: &Value) -> Vec<(String, String)> {
    let paths = doc["paths"].as_object().unwrap().iter();
    paths
        .flat_map(|(p, ops)| {
            ops.as_object().unwrap().keys().map(move |m| (m.to_uppercase(), p.clone()))
        })
        .collect()
}

#[test]
fn the_document_lists_exactly_the_routes_serve_has() {
    let doc: Value = serde_json::from_str(&common::read(std::path::Path::new(DOCUMENT))).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let mut documented = documented_routes(&doc);
    let mut served: Vec<(String, String)> = billctl::api::routes::SPECS
        .iter()
        .map(|s| (s.method.to_string(), s.path.to_string()))
        .collect();
    documented.sort();
    served.sort();
    assert_eq!(documented, served);
}

/// One call: (method, path), token, (content type, body), whether the request keeps to the
/// document.
type Call<'a> = ((&'a str, String), Option<&'a str>, Option<(&'a str, String)>, bool);

/// Exchanges with a serve, recorded for the validator.
struct Recorder<'a> {
    serve: &'a Serve,
    log: Vec<Value>,
}

impl Recorder<'_> {
    /// Sends a request (`content_type` replaces JSON's) and records it with its answer;
    /// `valid_request`: whether the request itself keeps to the document.
    fn call(
        &mut self,
        (method, path): (&str, &str),
        token: Option<&str>,
        body: Option<(&str, &str)>,
        valid_request: bool,
    ) -> http::Answer {
        let (ct, text) = body.unwrap_or(("application/json", ""));
        let raw = http::raw(method, path, token, (!text.is_empty()).then_some(text.as_bytes()));
        let raw = String::from_utf8(raw).unwrap();
        let raw = raw.replacen("Content-Type: application/json", &format!("Content-Type: {ct}"), 1);
        let a = http::exchange(&self.serve.url, raw.as_bytes()).unwrap();
        let (p, q) = path.split_once('?').unwrap_or((path, ""));
        let headers: serde_json::Map<String, Value> =
            a.headers.iter().map(|(n, v)| (n.clone(), json!(v))).collect();
        self.log.push(json!({
            "method": method, "path": p, "query": q, "token": token,
            "content_type": body.map(|b| b.0), "body": text,
            "check_request": valid_request,
            "status": a.status,
            "response_content_type": a.header("content-type").unwrap_or(""),
            "response_headers": headers,
            "response_body": a.body,
        }));
        a
    }
}

#[test]
fn every_routes_answers_keep_to_the_document() {
    let Some(python) =
        python_with("openapi_core, openapi_spec_validator", "BILLCTL_REQUIRE_PEER_SDKS")
    else {
        return;
    };
    let env = Env::with_catalog();
    let (cust, k) = paid(&env, "doc@example.com", "pro");
    let other = key(&env, &env.subscribed("other@example.com", "pro"));
    let other_id = common::key_id(&other);
    let fresh = env.customer_without_card("fresh@example.com");
    crate::selfserve::ghost(&env);
    let all = token(&env, "web-app", "verify,usage,read,self-service");
    let narrow = token(&env, "narrow", "verify");
    let serve = Serve::start(&env, &[]);
    // The served document is the checked-in one.
    assert_eq!(serve.get("/openapi.json", &all).body, common::read(std::path::Path::new(DOCUMENT)));
    let mut r = Recorder { serve: &serve, log: Vec::new() };
    let t = Some(all.as_str());
    let js = |v: Value| v.to_string();
    let now = common::now();
    let post = |p: &str| ("POST", p.to_string());
    let get = |p: &str| ("GET", p.to_string());
    // A JSON body the document allows, one it refuses, and a body of another type.
    let ok = |p: &str, v: Value| -> Call { (post(p), t, Some(("application/json", js(v))), true) };
    let bad =
        |p: &str, v: Value| -> Call { (post(p), t, Some(("application/json", js(v))), false) };
    let typed = |p: &str, ct, body, valid| -> Call { (post(p), t, Some((ct, body)), valid) };
    let cus = |rest: &str| format!("/v1/customers/{cust}{rest}");
    let (ok_url, no_url) = ("https://example.com/ok", "https://example.com/no");
    let kid = billctl::domain::keys::parse(&k).unwrap().id;
    let calls: Vec<Call> = vec![
        ok("/v1/keys/verify", json!({"key": k})),
        ok("/v1/keys/verify", json!({"key": k, "record": 1})),
        ok("/v1/keys/verify", json!({"key": "bk_test_nope"})),
        bad("/v1/keys/verify", json!({"kee": k})),
        (post("/v1/keys/verify"), None, Some(("application/json", js(json!({"key": k})))), false),
        (get("/metrics"), Some(narrow.as_str()), None, true),
        (get("/metrics"), t, None, true),
        (get("/healthz"), t, None, true),
        (get("/readyz"), t, None, true),
        (get("/openapi.json"), t, None, true),
        ok("/v1/usage/events", json!([{"id": "doc-1", "customer": cust, "timestamp": now - 60}])),
        typed(
            "/v1/usage/events?skip_invalid=true",
            "application/x-ndjson",
            format!(
                "{{\"id\":\"doc-2\",\"key\":\"{kid}\",\"timestamp\":{}}}\n{{\"id\":\"doc-3\"}}\n",
                now - 60
            ),
            true,
        ),
        ok("/v1/usage/events", json!([{"id": "doc-4", "customer": cust, "timestamp": "soon"}])),
        (get(&cus("/usage")), t, None, true),
        (get("/v1/customers/cus_nobody/usage"), t, None, true),
        ok("/v2/keys.verifyKey", json!({"key": k, "credits": {"cost": 0}})),
        ok("/v2/keys.verifyKey", json!({"key": k})),
        ok("/v2/keys.verifyKey", json!({"key": "bk_test_nope"})),
        ok("/v2/keys.verifyKey", json!({"key": k, "permissions": "x"})),
        (
            post("/v2/keys.verifyKey"),
            Some("bks_bad"),
            Some(("application/json", js(json!({"key": k})))),
            false,
        ),
        typed(
            "/api/v1/events",
            "application/cloudevents+json",
            js(
                json!({"specversion": "1.0", "id": "doc-5", "source": "s", "type": "t", "subject": cust}),
            ),
            true,
        ),
        typed(
            "/api/v1/events",
            "application/cloudevents-batch+json",
            js(
                json!([{"specversion": "1.0", "id": "doc-6", "source": "s", "type": "t", "subject": cust}]),
            ),
            true,
        ),
        typed(
            "/api/v1/events",
            "application/cloudevents-batch+json",
            js(json!([{"specversion": "1.0", "id": "doc-7", "source": "s", "type": "t"}])),
            false,
        ),
        typed("/api/v1/events", "text/plain", "x".to_string(), false),
        (get(&cus("")), t, None, true),
        (get("/v1/customers/cus_nobody"), t, None, true),
        (get(&cus("/keys")), t, None, true),
        ok(&cus("/keys"), json!({"name": "doc", "expires_in": 3600})),
        bad(&cus("/keys"), json!({"nom": "doc"})),
        ok(&format!("/v1/keys/{other_id}/revoke"), json!({"customer_id": cust})),
        ok(&cus("/portal"), json!({"return_url": "https://example.com/a"})),
        (post("/v1/customers/cus_GhostOnlyInMirror/portal"), t, None, true),
        ok(&cus("/checkout"), json!({"tier": "team", "success_url": ok_url, "cancel_url": no_url})),
        ok(
            &format!("/v1/customers/{fresh}/checkout"),
            json!({"tier": "team", "quantity": 2, "success_url": ok_url, "cancel_url": no_url}),
        ),
        ok(&cus("/subscription"), json!({"tier": "team"})),
        // Seats alone, then a quantity the document refuses (400 BAD_QUANTITY).
        ok(&cus("/subscription"), json!({"quantity": 3})),
        bad(&cus("/subscription"), json!({"quantity": 0})),
        (post(&cus("/subscription/cancel")), t, None, true),
        (post(&cus("/subscription/resume")), t, None, true),
        ok(&format!("/v1/customers/{fresh}/subscription"), json!({"tier": "team"})),
    ];
    for ((m, p), tok, body, valid) in &calls {
        let b = body.as_ref().map(|(c, s)| (*c, s.as_str()));
        r.call((m, p), *tok, b, *valid);
    }
    // Keys: the new one, rotated twice (the second is a 409), revoked through both forms.
    let made = r.log.iter().find(|x| x["status"] == 201).unwrap()["response_body"].clone();
    let made: Value = serde_json::from_str(made.as_str().unwrap()).unwrap();
    let id = made["id"].as_str().unwrap().to_string();
    let json = |body: &'static str| Some(("application/json", body));
    r.call(("POST", &cus(&format!("/keys/{id}/rotate"))), t, json("{\"grace\": \"1h\"}"), true);
    r.call(("POST", &cus(&format!("/keys/{id}/rotate"))), t, None, true);
    r.call(("POST", &cus(&format!("/keys/{id}/revoke"))), t, json("{\"reason\": \"doc\"}"), true);
    let body = js(json!({"customer_id": cust}));
    r.call(("POST", &format!("/v1/keys/{id}/rotate")), t, Some(("application/json", &body)), true);
    // Every status the routes answered is one the test meant to see.
    let statuses: std::collections::BTreeSet<u64> =
        r.log.iter().map(|x| x["status"].as_u64().unwrap()).collect();
    for want in [200, 201, 204, 400, 401, 403, 404, 409, 415] {
        assert!(statuses.contains(&want), "no {want} among {statuses:?}");
    }
    let log = Value::Array(r.log).to_string();
    let out = run_python(&python, "openapi/check.py", &[DOCUMENT], log.as_bytes());
    assert!(
        out.status.success(),
        "the answers differ from the document:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every route the README names, where it names it: `` `METHOD /path` ``, a `curl` to serve's
/// address (POST when it sends a body), or a call of the self-service example's `billctl()`
/// (POST when it passes a body). Paths as written: `cus_123`, `${id}` or `{id}` in a segment.
fn readme_routes(readme: &str) -> Vec<(Option<String>, String)> {
    let mut out = Vec::new();
    let until =
        |s: &str, stop: &[char]| s.chars().take_while(|c| !stop.contains(c)).collect::<String>();
    for method in ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] {
        for (i, _) in readme.match_indices(&format!("`{method} /")) {
            let path = until(&readme[i + method.len() + 2..], &['`', ' ', '[', '?']);
            out.push((Some(method.to_string()), path));
        }
    }
    for line in readme.lines() {
        for (i, _) in line.match_indices("http://127.0.0.1:7878/") {
            let path =
                until(&line[i + "http://127.0.0.1:7878".len()..], &[' ', '?', ';', '"', '`', ')']);
            if path.len() > 1 {
                let body = line.contains("--data") || line.contains(" -d ");
                let method = if line.contains("curl") {
                    Some(if body { "POST" } else { "GET" }.to_string())
                } else {
                    None
                };
                out.push((method, path));
            }
        }
        if let Some(i) = line.find("billctl(`/") {
            let rest = &line[i + "billctl(`".len()..];
            let path = until(rest, &['`']);
            let body = rest[path.len() + 1..].trim_start().starts_with(',');
            out.push((Some(if body { "POST" } else { "GET" }.to_string()), path));
        }
    }
    out
}

/// Whether a path as the README writes it is the document's `template`: each segment equal, or
/// a placeholder (`{id}`, `${id}`, or a value such as `cus_123`) where the template has one.
fn path_is(written: &str, template: &str) -> bool {
    let (w, t): (Vec<&str>, Vec<&str>) =
        (written.split('/').collect(), template.split('/').collect());
    w.len() == t.len()
        && w.iter().zip(&t).all(|(w, t)| {
            w == t || (t.starts_with('{') && !w.is_empty() && (w.contains('{') || !w.contains('.')))
        })
}

/// The routes are documented once (issue 42): `/openapi.json` is the reference, the README
/// links it and shows the routes a user needs; every route it names, with the method it
/// names, is one of the document's.
#[test]
fn every_route_the_readme_names_is_in_the_document() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(readme.contains("](src/api/openapi.json)"), "the README links the document");
    let doc: Value = serde_json::from_str(&common::read(std::path::Path::new(DOCUMENT))).unwrap();
    let routes = documented_routes(&doc);
    let named = readme_routes(&readme);
    assert!(named.len() >= 20, "the README's routes are found: {named:?}");
    // The serve routes a user needs are shown with curl.
    for need in
        ["/v1/keys/verify", "/v1/usage/events", "/healthz", "/readyz", "/metrics", "/openapi.json"]
    {
        assert!(
            readme.lines().any(|l| l.contains("curl") && l.contains(&format!("7878{need}"))),
            "the README shows {need} with curl"
        );
    }
    for (method, path) in &named {
        let found = routes
            .iter()
            .any(|(m, t)| path_is(path, t) && method.as_ref().is_none_or(|want| want == m));
        assert!(
            found,
            "the README names {} {path}, which /openapi.json does not have",
            method.as_deref().unwrap_or("*")
        );
    }
    // The matcher can fail.
    assert!(path_is("/v1/customers/cus_123/usage", "/v1/customers/{id}/usage"));
    assert!(!path_is("/v1/customers/cus_123/usage", "/v1/customers/{id}"));
    assert!(!path_is("/v2/keys.verify", "/v2/keys.verifyKey"));
    assert!(!routes.iter().any(|(m, t)| m == "GET" && path_is("/v1/keys/verify", t)));
}
