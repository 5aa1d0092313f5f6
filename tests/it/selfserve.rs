//! The customer's side of `serve` (scope `self-service`): the account view, keys (issue,
//! rotate, revoke, the live-key cap, other customers' keys as 404), portal and checkout links,
//! plan change, cancel and resume, the audit trail, and Stripe's errors passed through.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it injects Stripe faults and a customer only the mirror knows through the simulator.

use crate::common::{self, http, Env};
use crate::serve::{key, token, Serve};
use serde_json::{json, Value};

/// The audit entries of `customer` with `action`, as `audit list --json` shows them.
fn audit(env: &Env, customer: &str, action: &str) -> Vec<Value> {
    env.cmd(format!("audit list --action {action} --json"))
        .ok()
        .json()
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["customer_id"] == customer)
        .cloned()
        .collect()
}

/// A customer only the mirror knows (`cus_GhostOnlyInMirror`): Stripe has no such customer.
pub fn ghost(env: &Env) {
    let ghost = billctl::domain::billing::Customer {
        id: "cus_GhostOnlyInMirror".into(),
        email: None,
        name: None,
        created: 1,
    };
    env.store().record(&ghost, &[], common::now()).unwrap();
}

fn code(a: &http::Answer) -> String {
    a.json()["code"].as_str().unwrap_or_default().to_string()
}

#[test]
fn the_account_view_plan_change_cancel_resume_portal_and_checkout() {
    let env = Env::with_catalog();
    let cust = env.subscribed("page@example.com", "pro");
    let web = token(&env, "web-app", "self-service");
    let api = token(&env, "api", "verify");
    let serve = Serve::start(&env, &[]);
    let path = format!("/v1/customers/{cust}");
    // Only the self-service scope opens these routes.
    let a = serve.get(&path, &api);
    assert_eq!((a.status, code(&a)), (403, "TOKEN_SCOPE".into()));
    // The account: plan, status, access, period, trial, dunning, card.
    let a = serve.get(&path, &web);
    assert_eq!(a.status, 200, "{}", a.body);
    let v = a.json();
    assert_eq!(v["customer_id"], cust);
    assert_eq!(v["tier"], "pro");
    assert_eq!(v["subscription"]["status"], "active");
    assert_eq!(v["subscription"]["cancel_at_period_end"], false);
    assert!(v["subscription"]["current_period_end"].as_i64().unwrap() > common::now());
    assert!(v["subscription"].get("trial_end").is_some());
    assert_eq!(v["access"]["state"], "granted");
    assert_eq!(v["dunning"]["failing"], false);
    assert_eq!(
        (v["card"]["brand"].as_str(), v["card"]["last4"].as_str()),
        (Some("visa"), Some("4242"))
    );
    // The usage panel reads the customer's usage with the same token.
    let u = serve.get(&format!("{path}/usage"), &web);
    assert_eq!((u.status, u.json()["tier"].clone()), (200, json!("pro")), "{}", u.body);
    assert_eq!(serve.get(&format!("{path}/usage"), &api).status, 403);
    let a = serve.get("/v1/customers/cus_nobody", &web);
    assert_eq!((a.status, code(&a)), (404, "CUSTOMER_NOT_FOUND".into()));
    let a = serve.get("/v1/customers/cus%20x", &web);
    assert_eq!(a.status, 400);
    // Billing portal.
    let a = serve.post(
        &format!("{path}/portal"),
        &web,
        &json!({"return_url": "https://example.com/account"}),
    );
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(a.json()["url"].as_str().unwrap().starts_with("https://"));
    let a = serve.post(&format!("{path}/portal"), &web, &json!({"return_url": "ftp://x"}));
    assert_eq!(a.status, 400);
    // Checkout: a customer with a live subscription is pointed at the plan change...
    let urls = json!({"tier": "team", "success_url": "https://example.com/ok", "cancel_url": "https://example.com/no"});
    let a = serve.post(&format!("{path}/checkout"), &web, &urls);
    assert_eq!((a.status, code(&a)), (409, "HAS_SUBSCRIPTION".into()));
    assert!(a.json()["error"].as_str().unwrap().contains("/subscription"));
    // ...and one without gets a sign-up link.
    let fresh = env.customer_without_card("new@example.com");
    let a = serve.post(&format!("/v1/customers/{fresh}/checkout"), &web, &urls);
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.json()["tier"], "team");
    assert!(a.json()["url"].as_str().unwrap().starts_with("https://"));
    let a =
        serve.post(&format!("/v1/customers/{fresh}/subscription"), &web, &json!({"tier": "team"}));
    assert_eq!((a.status, code(&a)), (409, "NO_SUBSCRIPTION".into()));
    // The plan: change (with subscriptions change's rules), then nothing to change.
    let plan = format!("{path}/subscription");
    let a = serve.post(&plan, &web, &json!({"tier": "team"}));
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(a.json()["message"].as_str().unwrap().contains("from pro to team"));
    assert_eq!(serve.get(&path, &web).json()["tier"], "team");
    let a = serve.post(&plan, &web, &json!({"tier": "team"}));
    assert!(a.json()["message"].as_str().unwrap().contains("nothing to change"));
    let a = serve.post(&plan, &web, &json!({"tier": "gold"}));
    assert_eq!((a.status, code(&a)), (400, "UNKNOWN_TIER".into()));
    let a = serve.post(&plan, &web, &json!({"tier": "pro", "proration": "sometimes"}));
    assert_eq!(a.status, 400);
    // Cancel at the period end, undo it, and again: each toggle reaches Stripe.
    for (step, want) in [("cancel", true), ("resume", false), ("cancel", true), ("resume", false)] {
        let a = serve.post(&format!("{plan}/{step}"), &web, &json!({}));
        assert_eq!(a.status, 200, "{step}: {}", a.body);
        assert_eq!(a.json()["subscription"]["cancel_at_period_end"], want, "{step}");
        let seen = serve.get(&path, &web).json();
        assert_eq!(
            seen["subscription"]["cancel_at_period_end"], want,
            "{step}, read back from Stripe"
        );
    }
    // Every change is in the audit log, the token's name as the actor.
    for (action, n) in [
        ("portal.create", 1),
        ("subscription.change", 1),
        ("subscription.cancel", 2),
        ("subscription.resume", 2),
    ] {
        let entries = audit(&env, &cust, action);
        assert_eq!(entries.len(), n, "{action}");
        assert!(entries.iter().all(|e| e["actor"] == "web-app"), "{entries:?}");
    }
    assert_eq!(audit(&env, &fresh, "checkout.create").len(), 1);
}

#[test]
fn self_service_keys_are_the_customers_own_capped_and_audited() {
    let env = Env::with_catalog();
    let cfg = env.config(&common::tests2::config_with("[keys]\nmax_live_per_customer = 3\n"));
    let a_cust = env.subscribed("a@example.com", "pro");
    let b_cust = env.subscribed("b@example.com", "pro");
    let web = token(&env, "web-app", "self-service");
    let api = token(&env, "api", "verify");
    let serve = Serve::start_with(&env, &[], &[("BILLCTL_CONFIG", cfg.to_str().unwrap())]);
    let keys = format!("/v1/customers/{a_cust}/keys");
    // Issue: the plaintext comes back once, and the key works.
    let a = serve.post(&keys, &web, &json!({"name": "laptop", "expires_in": "90d"}));
    assert_eq!(a.status, 201, "{}", a.body);
    let first = a.json();
    let plaintext = first["key"].as_str().unwrap().to_string();
    let id = first["id"].as_str().unwrap().to_string();
    assert_eq!(first["name"], "laptop");
    assert!(first["expires_at"].as_i64().unwrap() > common::now() + 89 * 86_400);
    assert_eq!(serve.verify(&api, &plaintext, None).json()["code"], "VALID");
    let listed = serve.get(&keys, &web);
    assert_eq!(listed.status, 200);
    assert!(!listed.body.contains(&plaintext), "a list never holds a key");
    assert_eq!(listed.json().as_array().unwrap().len(), 1);
    // Bad bodies are named.
    for (body, field) in [
        (json!({"name": ""}), "name"),
        (json!({"name": "x", "expires_in": "soon"}), "expires_in"),
        (json!({"name": "x", "scopes": ["all"]}), "scopes"),
        (json!({}), "name"),
    ] {
        let a = serve.post(&keys, &web, &body);
        assert_eq!(a.status, 400, "{body}");
        assert!(a.json()["error"].as_str().unwrap().contains(field), "{}", a.body);
    }
    // The cap on live keys.
    let second = serve.post(&keys, &web, &json!({"name": "ci"})).json();
    assert_eq!(serve.post(&keys, &web, &json!({"name": "phone"})).status, 201);
    let a = serve.post(&keys, &web, &json!({"name": "one too many"}));
    assert_eq!((a.status, code(&a)), (409, "KEY_LIMIT".into()));
    let count = |c: &str| {
        env.count(&format!("SELECT count(*) FROM api_keys WHERE customer_id = '{c}'"), false)
    };
    assert_eq!(count(&a_cust), 3);
    // Another customer's key is 404, as an unknown id, and is left alone.
    let b_key = key(&env, &b_cust);
    let b_id = common::key_id(&b_key);
    for (p, body) in [
        (format!("{keys}/{b_id}/revoke"), json!({})),
        (format!("{keys}/{b_id}/rotate"), json!({})),
        (format!("/v1/keys/{b_id}/revoke"), json!({"customer_id": a_cust})),
        (format!("{keys}/NoSuchK0/revoke"), json!({})),
    ] {
        let a = serve.post(&p, &web, &body);
        assert_eq!((a.status, code(&a)), (404, "KEY_NOT_FOUND".into()), "{p}");
    }
    // What is not an id's shape (8 letters or digits) is a 400, and is not said back.
    let a = serve.post(&format!("{keys}/NoSuchKey0/revoke"), &web, &json!({}));
    assert_eq!((a.status, code(&a)), (400, "BAD_KEY_ID".into()));
    assert!(!a.body.contains("NoSuchKey0"), "{}", a.body);
    assert_eq!(serve.verify(&api, &b_key, None).json()["code"], "VALID");
    let a = serve.post(&format!("/v1/keys/{b_id}/revoke"), &web, &json!({}));
    assert_eq!(a.status, 400, "the short form needs the customer");
    // Rotate: a new key at once, the old one ends with the grace.
    let a = serve.post(
        &format!("/v1/keys/{id}/rotate"),
        &web,
        &json!({"customer_id": a_cust, "grace": 0}),
    );
    assert_eq!(a.status, 201, "{}", a.body);
    let rotated = a.json();
    assert_eq!(rotated["replaces"], id.as_str());
    assert_eq!(serve.verify(&api, rotated["key"].as_str().unwrap(), None).json()["code"], "VALID");
    assert_ne!(serve.verify(&api, &plaintext, None).json()["code"], "VALID");
    let a = serve.post(&format!("{keys}/{id}/rotate"), &web, &json!({}));
    assert_eq!((a.status, code(&a)), (409, "KEY_NOT_ROTATABLE".into()));
    // Revoke, twice.
    let second_id = second["id"].as_str().unwrap();
    let revoke = format!("{keys}/{second_id}/revoke");
    let a = serve.post(&revoke, &web, &json!({"reason": "lost laptop"}));
    assert_eq!(a.json()["revoked"], json!([second_id]));
    let a = serve.post(&revoke, &web, &json!({}));
    assert_eq!(a.json()["already_revoked"], json!([second_id]));
    assert_eq!(serve.verify(&api, second["key"].as_str().unwrap(), None).json()["code"], "REVOKED");
    // Two live keys now: one more fits, and then the cap holds again.
    assert_eq!(serve.post(&keys, &web, &json!({"name": "new"})).status, 201);
    assert_eq!(serve.post(&keys, &web, &json!({"name": "newer"})).status, 409);
    // Audit: every action, the token's name as the actor.
    for (action, n) in [("key.issue", 4), ("key.rotate", 1), ("key.revoke", 1)] {
        let entries = audit(&env, &a_cust, action);
        assert_eq!(entries.len(), n, "{action}: {entries:?}");
        assert!(entries.iter().all(|e| e["actor"] == "web-app"), "{entries:?}");
    }
    // No key in serve's output.
    let out = serve.stop();
    assert!(!out.stdout.contains(&plaintext) && !out.stderr.contains(&plaintext));
}

#[test]
fn stripe_errors_come_through_with_their_code_and_a_non_2xx_status() {
    use stripe_sim::faults::Fault;
    let env = Env::with_catalog();
    let cust = env.subscribed("err@example.com", "pro");
    let web = token(&env, "web-app", "self-service");
    // A customer the mirror knows and Stripe does not: Stripe's 404 resource_missing.
    ghost(&env);
    let serve = Serve::start(&env, &[]);
    let a = serve.post("/v1/customers/cus_GhostOnlyInMirror/portal", &web, &json!({}));
    assert_eq!(a.status, 404, "{}", a.body);
    let v = a.json();
    assert_eq!(v["code"], "STRIPE_ERROR");
    assert_eq!(v["stripe"]["code"], "resource_missing");
    assert_eq!(v["stripe"]["type"], "invalid_request_error");
    assert!(v["stripe"]["message"].as_str().unwrap().contains("No such customer"));
    // Stripe rate-limits and says not to retry: 503 with Retry-After, Stripe's code kept.
    env.sim.inject(
        Fault::rate_limited(Some(false)).times(10).on("POST", "/v1/billing_portal/sessions"),
    );
    let a = serve.post(&format!("/v1/customers/{cust}/portal"), &web, &json!({}));
    assert_eq!(a.status, 503, "{}", a.body);
    assert!(a.header("retry-after").is_some());
    assert_eq!(a.json()["stripe"]["code"], "rate_limit");
    env.sim.clear_faults();
    // Stripe down (every attempt a 500): 502.
    env.sim.inject(Fault::server_error().times(20).on("GET", "/v1/customers*"));
    let a = serve.get(&format!("/v1/customers/{cust}"), &web);
    assert_eq!(a.status, 502, "{}", a.body);
    assert_eq!(a.json()["stripe"]["status"], 500);
    env.sim.clear_faults();
    assert_eq!(serve.get(&format!("/v1/customers/{cust}"), &web).status, 200);
    // Without a Stripe key, serve still verifies, and these routes say why they cannot.
    let api = token(&env, "api", "verify");
    let k = key(&env, &cust);
    let bare = Serve::start_with(&env, &[], &[("BILLCTL_STRIPE_API_KEY", "")]);
    assert_eq!(bare.verify(&api, &k, None).json()["code"], "VALID");
    let a = bare.get(&format!("/v1/customers/{cust}"), &web);
    assert_eq!((a.status, code(&a)), (503, "STRIPE_UNAVAILABLE".into()));
    // Keys need no Stripe.
    let a = bare.post(&format!("/v1/customers/{cust}/keys"), &web, &json!({"name": "n"}));
    assert_eq!(a.status, 201, "{}", a.body);
}

/// The live-key cap is exact across connections (two `serve` processes on one store): eight
/// issues at once against a cap of 3, each on its own connection, give exactly 3 keys.
#[test]
fn the_live_key_cap_holds_across_connections() {
    let env = Env::with_catalog();
    let customer = env.subscribed("cap@example.com", "pro");
    let gate = std::sync::Arc::new(std::sync::Barrier::new(8));
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let (mut store, gate, customer) = (env.store(), gate.clone(), customer.clone());
            std::thread::spawn(move || {
                let name = format!("k{i}");
                let new = billctl::ops::keys::NewKey {
                    customer: &customer,
                    name: Some(&name),
                    ttl: None,
                    mode: billctl::domain::mode::Mode::Test,
                    max_live: Some(3),
                };
                gate.wait();
                match billctl::ops::keys::issue(&mut store, &new, "web-app", common::now()) {
                    Ok(_) => "issued".to_string(),
                    Err(e) if e.is::<billctl::ops::keys::KeyLimit>() => "limit".to_string(),
                    Err(e) => format!("error: {e:#}"),
                }
            })
        })
        .collect();
    let mut outcomes: Vec<String> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    outcomes.sort();
    assert_eq!(
        outcomes,
        ["issued", "issued", "issued", "limit", "limit", "limit", "limit", "limit"]
    );
    let n = env
        .count(&format!("SELECT count(*) FROM api_keys WHERE customer_id = '{customer}'"), false);
    assert_eq!(n, 3);
}

/// A tier priced in another currency than the subscription's is refused before Stripe is
/// asked, by `subscriptions change` (exit 2, naming both currencies) and by serve's plan
/// change (400 `INVALID_FIELD`, field `tier`): Stripe keeps one currency per customer (a
/// hostile review: billctl sent the change and left the refusal to Stripe). Stripe and the
/// mirror are unchanged.
#[test]
fn a_plan_change_to_a_tier_in_another_currency_is_refused_before_stripe() {
    let env = Env::with_catalog();
    let cust = env.subscribed("euro@example.com", "pro");
    let sub =
        env.sim.state().subscriptions.values().find(|s| s["customer"] == cust.as_str()).unwrap()
            ["id"]
            .as_str()
            .unwrap()
            .to_string();
    let euro = common::tests2::config_with(
        "[tiers.euro]\nname = \"Euro\"\nquota = 500\nrate_limit_per_minute = 10\n\n[tiers.euro.price]\nlookup_key = \"euro_monthly\"\namount = 1900\ncurrency = \"eur\"\ninterval = \"month\"\n",
    );
    let cfg = env.config(&euro);
    let c = cfg.to_str().unwrap();
    let posts = |env: &Env| {
        env.sim
            .requests()
            .into_iter()
            .filter(|r| r.method == "POST" || r.path.starts_with("/v1/prices"))
            .count()
    };
    let before = posts(&env);
    let r = env.cmd(format!("--config {c} subscriptions change {sub} --tier euro"));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "subscription {sub} is billed in USD, and tier euro is priced in EUR"
        )),
        "{}",
        r.stderr
    );
    assert_eq!(r.stdout, "");
    let web = token(&env, "web-app", "self-service");
    let serve = Serve::start(&env, &["--config", c]);
    let a =
        serve.post(&format!("/v1/customers/{cust}/subscription"), &web, &json!({"tier": "euro"}));
    assert_eq!((a.status, code(&a)), (400, "INVALID_FIELD".into()), "{}", a.body);
    assert!(a.json()["error"].as_str().unwrap().starts_with("tier: subscription"), "{}", a.body);
    drop(serve);
    assert_eq!(posts(&env), before, "Stripe was not asked");
    assert_eq!(
        env.sim.state().subscriptions[&sub]["items"]["data"][0]["price"]["lookup_key"],
        "pro_monthly"
    );
    assert_eq!(env.store().subscription(&sub).unwrap().unwrap().tier, "pro");
}
