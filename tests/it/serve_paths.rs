//! `billctl serve` and what callers put in a request's path and header: an API key or a
//! service token in a path is never repeated in an answer or a log (a table with one row per
//! route with a path parameter), `serve tokens revoke` revokes the token it showed, a token
//! issued after an unknown one was refused works at once, and a 405 names every method.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it reads serve's logs and edits the store's token rows.

use crate::common::{http, Env};
use crate::serve::{key, token, Serve};
use serde_json::Value;

/// Every route with a parameter in its path, and the code its refusal has when each parameter
/// holds a secret (the customer's id is checked first). A route added to `routes::TABLE` with a parameter and no row here fails
/// the test.
const ROWS: &[(&str, &str, &str)] = &[
    ("GET", "/v1/customers/{id}/usage", "BAD_CUSTOMER_ID"),
    ("GET", "/v1/customers/{id}", "BAD_CUSTOMER_ID"),
    ("GET", "/v1/customers/{id}/keys", "BAD_CUSTOMER_ID"),
    ("POST", "/v1/customers/{id}/keys", "BAD_CUSTOMER_ID"),
    ("POST", "/v1/customers/{id}/keys/{key}/rotate", "BAD_CUSTOMER_ID"),
    ("POST", "/v1/customers/{id}/keys/{key}/revoke", "BAD_CUSTOMER_ID"),
    ("POST", "/v1/keys/{key}/rotate", "BAD_KEY_ID"),
    ("POST", "/v1/keys/{key}/revoke", "BAD_KEY_ID"),
    ("POST", "/v1/customers/{id}/portal", "BAD_CUSTOMER_ID"),
    ("POST", "/v1/customers/{id}/checkout", "BAD_CUSTOMER_ID"),
    ("POST", "/v1/customers/{id}/subscription", "BAD_CUSTOMER_ID"),
    ("POST", "/v1/customers/{id}/subscription/cancel", "BAD_CUSTOMER_ID"),
    ("POST", "/v1/customers/{id}/subscription/resume", "BAD_CUSTOMER_ID"),
];

/// The secret part of a key or token: what must never come back (its id is public).
fn secret_of(s: &str) -> &str {
    &s[s.len() - 34..]
}

#[test]
fn a_key_or_token_in_any_path_is_never_repeated_in_an_answer_or_a_log() {
    let with_param: Vec<(&str, &str)> = billctl::api::routes::SPECS
        .iter()
        .map(|s| (s.method, s.path))
        .filter(|(_, p)| p.contains('{'))
        .collect();
    let rows: Vec<(&str, &str)> = ROWS.iter().map(|(m, p, _)| (*m, *p)).collect();
    for route in &with_param {
        assert!(rows.contains(route), "no row for {route:?} in ROWS");
    }
    assert_eq!(rows.len(), with_param.len(), "a row for a route serve lacks");

    let env = Env::with_catalog();
    let customer = env.subscribed("paths@example.com", "pro");
    let k = key(&env, &customer);
    let t = token(&env, "app", "read,self-service");
    let serve = Serve::start(&env, &["--log-format", "json"]);
    let secrets = [k.clone(), t.clone()];
    let mut answers = Vec::new();
    for (method, template, code) in ROWS {
        for secret in &secrets {
            // As sent, with its `_` escaped, its first letter escaped, and escaped twice.
            let first = format!("%{:02X}{}", secret.as_bytes()[0], &secret[1..]);
            let twice = format!("%25{:02X}{}", secret.as_bytes()[0], &secret[1..]);
            for shown in [secret.clone(), secret.replace('_', "%5F"), first, twice] {
                let path = template.replace("{id}", &shown).replace("{key}", &shown);
                // With the token: the route's own refusal.
                let body = (*method == "POST").then_some(&b"{}"[..]);
                let a = http::request(&serve.url, method, &path, Some(&t), body);
                if !shown.contains('%') {
                    assert_eq!(
                        (a.status, a.json()["code"].as_str()),
                        (400, Some(*code)),
                        "{method} {template}: {}",
                        a.body
                    );
                }
                answers.push(a);
                // Without one: refused before the route, and the refusal is logged.
                answers.push(http::request(&serve.url, method, &path, None, body));
            }
        }
    }
    // A path no route has, and the Unkey route's 404.
    answers.push(serve.get(&format!("/v1/nope/{k}"), &t));
    let run = serve.stop();
    for secret in &secrets {
        let s = secret_of(secret);
        for a in &answers {
            assert!(!a.body.contains(s), "an answer repeats a secret: {}", a.body);
            assert!(a.headers.iter().all(|(_, v)| !v.contains(s)), "a header repeats a secret");
        }
        assert!(
            !run.stderr.contains(s) && !run.stdout.contains(s),
            "the log holds a secret:\n{}",
            run.stderr
        );
    }
    // What is logged keeps the public part, so the line still says which key it was.
    let id = billctl::domain::keys::parse(&k).unwrap().id;
    assert!(
        run.stderr.contains(&format!("/v1/keys/bk_test_{id}_[redacted]/revoke")),
        "{}",
        run.stderr
    );
    assert!(run.stderr.lines().all(|l| serde_json::from_str::<Value>(l).is_ok()));
}

/// A service token's id.
fn token_id(token: &str) -> String {
    billctl::domain::keys::parse_token(token).unwrap().to_string()
}

/// Shell-quoted SQL literal.
fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// `serve tokens list --json` as (id, name, status).
fn listed(env: &Env) -> Vec<(String, String, String)> {
    let j = env.cmd("serve tokens list --json").ok().json();
    j.as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let s = |f: &str| t[f].as_str().unwrap().to_string();
            (s("id"), s("name"), s("status"))
        })
        .collect()
}

#[test]
fn tokens_revoke_takes_the_exact_id_and_a_name_only_when_it_is_unambiguous() {
    let env = Env::new();
    // The older token is named like the newer one's id (a name may be any label).
    let older = token(&env, "older", "read");
    let newer = token(&env, "newer", "read");
    let (older_id, newer_id) = (token_id(&older), token_id(&newer));
    let (new, old) = (lit(&newer_id), lit(&older_id));
    env.exec(&format!("UPDATE service_tokens SET name = {new} WHERE id = {old}"), false);
    // The exact id wins: the newer token is the one shown and revoked.
    let r = env.cmd(format!("serve tokens revoke {newer_id} --yes --json")).ok();
    assert_eq!(r.json()["id"], newer_id.as_str(), "{}", r.stdout);
    let status = |id: &str| listed(&env).into_iter().find(|(i, _, _)| i == id).unwrap().2;
    assert_eq!((status(&newer_id), status(&older_id)), ("revoked".into(), "active".into()));
    // Again: the id is a revoked token's, so the name is not taken for it; the message says
    // which token has the name.
    let again = env.cmd(format!("serve tokens revoke {newer_id} --yes")).code(2);
    assert!(again.stderr.contains("already revoked"), "{}", again.stderr);
    assert!(again.stderr.contains(&older_id), "{}", again.stderr);
    assert_eq!(status(&older_id), "active");
    // By its id, the older one goes; a name in use by exactly one token is taken.
    let third = token(&env, "gateway", "read");
    let third_id = token_id(&third);
    let r = env.cmd("serve tokens revoke gateway --yes --json").ok();
    assert_eq!(r.json()["id"], third_id.as_str());
    env.cmd(format!("serve tokens revoke {older_id} --yes")).ok();
    assert!(listed(&env).iter().all(|(_, _, s)| s == "revoked"));
    let none = env.cmd("serve tokens revoke gateway --yes").code(2);
    assert!(none.stderr.contains("no service token in use"), "{}", none.stderr);
}

#[test]
fn a_token_issued_after_an_unknown_one_was_refused_works_at_once() {
    let env = Env::new();
    let first = token(&env, "first", "read");
    // An hour's refresh: without a look per unknown id, a new token would wait for it.
    let serve = Serve::start(&env, &["--refresh", "1h"]);
    assert_eq!(serve.get("/metrics", &first).status, 200);
    let stranger = billctl::domain::keys::generate_token().unwrap().1;
    for _ in 0..2 {
        let a = serve.get("/metrics", &stranger);
        assert_eq!((a.status, a.json()["code"].as_str()), (401, Some("TOKEN_UNKNOWN")));
    }
    let new = token(&env, "new", "read");
    let a = serve.get("/metrics", &new);
    assert_eq!(a.status, 200, "{}", a.body);
    // Its scopes are the stored ones, and the unknown token stays unknown.
    let scoped = serve.post("/v1/usage/events", &new, &serde_json::json!([]));
    assert_eq!(scoped.json()["code"], "TOKEN_SCOPE");
    assert_eq!(serve.get("/metrics", &stranger).status, 401);
    assert_eq!(serve.stop().code, 0);
}

#[test]
fn a_405_names_every_method_of_the_route() {
    let env = Env::new();
    let t = token(&env, "app", "usage");
    let serve = Serve::start(&env, &[]);
    let mut by_path: std::collections::BTreeMap<String, Vec<&str>> = Default::default();
    for spec in billctl::api::routes::SPECS {
        let (m, p) = (spec.method, spec.path);
        let path = p.replace("{id}", "cus_1").replace("{key}", "abcdefgh");
        let methods = by_path.entry(path).or_default();
        methods.push(m);
        // The probes take HEAD too (a load balancer's check), answered as GET.
        if m == "GET" && spec.access == billctl::api::routes::Access::Open {
            methods.push("HEAD");
        }
    }
    for (path, methods) in by_path {
        let a = http::request(&serve.url, "PUT", &path, Some(&t), None);
        assert_eq!(a.status, 405, "PUT {path}: {}", a.body);
        assert_eq!(a.header("allow"), Some(methods.join(", ").as_str()), "{path}");
        // In the route's dialect: Unkey's envelope names the code in `error.type`.
        let doc = a.json();
        let code = match doc["error"]["type"].as_str() {
            Some(t) => t.trim_start_matches("urn:billctl:error:"),
            None => doc["code"].as_str().unwrap_or_default(),
        };
        assert_eq!(code, "METHOD_NOT_ALLOWED", "{path}: {}", a.body);
        // And each method it names is not refused as 405.
        for m in methods {
            let b = (m == "POST").then_some(&b"{}"[..]);
            assert_ne!(http::request(&serve.url, m, &path, Some(&t), b).status, 405, "{m} {path}");
        }
    }
    assert_eq!(serve.stop().code, 0);
}
