//! Customers, subscriptions, Checkout and invoices against the simulator, with the local mirror
//! checked after each lifecycle step.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it completes Checkout sessions as a customer would and reads the simulator's state and request log.

use crate::common;

use common::tests3::{pick, str_at};
use common::Env;
use serde_json::json;
use stripe_sim::Fault;

fn mirror(env: &Env, id: &str) -> billctl::domain::billing::MirrorRow {
    env.store().subscription(id).unwrap().unwrap_or_else(|| panic!("{id} not in the mirror"))
}

fn live_subscriptions(env: &Env) -> usize {
    env.sim.state().subscriptions.values().filter(|s| s["status"] == "active").count()
}

#[test]
fn create_change_cancel_at_period_end_then_now_keeps_the_mirror_in_step() {
    let env = Env::with_catalog();
    let cus = env.customer("ada@example.com");
    let sub = env.sub(&cus, "pro").json();
    let id = str_at(&sub, "/id");
    assert_eq!(pick(&sub, &["tier", "status", "customer_id"]), json!(["pro", "active", cus]));
    let keys: Vec<&str> = sub.as_object().unwrap().keys().map(String::as_str).collect();
    let shape = "id customer_id status tier price_id item_id current_period_start current_period_end \
        cancel_at_period_end cancel_at canceled_at ended_at created quantity items latest_invoice_id \
        trial_end invoice";
    assert_eq!(keys, shape.split_whitespace().collect::<Vec<_>>(), "the JSON shape is stable");
    let m = mirror(&env, &id);
    let row = (m.tier.as_str(), m.status.as_str(), m.cancel_at_period_end);
    assert_eq!(row, ("pro", "active", false));
    assert!(m.current_period_end > m.current_period_start);
    let stripe_sub = env.sim.state().subscriptions[&id].clone();
    assert_eq!(stripe_sub["metadata"]["billctl_tier"], "pro");

    let changed = env.json(format!("subscriptions change {id} --tier team --proration none"));
    assert_eq!(changed["tier"], "team");
    assert_eq!(mirror(&env, &id).tier, "team");
    let team_price = price_id(&env, "team_monthly");
    assert_eq!(env.sim.state().subscriptions[&id]["items"]["data"][0]["price"]["id"], team_price);
    let path = format!("/v1/subscriptions/{id}");
    let upd =
        env.sim.requests().into_iter().rfind(|r| r.method == "POST" && r.path == path).unwrap();
    assert_eq!(upd.params["proration_behavior"], "none");
    assert!(upd.idempotency_key.is_some());

    env.cmd(format!("subscriptions cancel {id} --at-period-end --yes")).ok();
    let m = mirror(&env, &id);
    let cancel = (m.status.as_str(), m.cancel_at_period_end, m.cancel_at);
    assert_eq!(cancel, ("active", true, Some(m.current_period_end)));

    env.cmd(format!("subscriptions cancel {id} --yes")).ok();
    let m = mirror(&env, &id);
    assert_eq!(m.status, "canceled");
    assert!(m.canceled_at.is_some() && m.ended_at.is_some());
    assert_eq!(env.sim.state().subscriptions[&id]["status"], "canceled");
    let shown = env.cmd(format!("customers show {cus} --json")).ok().json();
    assert_eq!(shown["tier"], "none");
    assert_eq!(shown["subscriptions"][0]["status"], "canceled");
}

#[test]
fn cancel_asks_first_and_change_to_the_same_tier_writes_nothing() {
    let env = Env::with_catalog();
    let cus = env.customer("b@example.com");
    let id = env.subscription(&cus, "pro");
    env.sim.clear_requests();
    let r = env.cmd(format!("subscriptions cancel {id}")).code(2);
    assert!(r.stderr.contains("--yes"), "{}", r.stderr);
    env.cmd(format!("subscriptions change {id} --tier pro")).ok();
    assert_eq!(env.posts(), 0);
    assert_eq!(env.sim.state().subscriptions[&id]["status"], "active");
}

#[test]
fn a_second_subscription_is_refused_with_a_hint_to_change() {
    let env = Env::with_catalog();
    let cus = env.customer("c@example.com");
    env.cmd(format!("subscriptions create --customer {cus} --tier pro")).ok();
    let r = env.cmd(format!("subscriptions create --customer {cus} --tier team")).code(2);
    let said = r.stderr.contains("already has an active subscription");
    assert!(said && r.stderr.contains("subscriptions change"), "{}", r.stderr);
    assert_eq!(live_subscriptions(&env), 1);
}

#[test]
fn a_retry_after_a_dropped_connection_makes_no_second_subscription() {
    let env = Env::with_catalog();
    let cus = env.customer("d@example.com");
    // Stripe creates the subscription, then the response is lost; billctl retries with the same key.
    env.sim.inject(Fault::drop_after_processing().on("POST", "/v1/subscriptions"));
    env.cmd(format!("subscriptions create --customer {cus} --tier pro")).ok();
    assert_eq!(live_subscriptions(&env), 1);
    let create =
        |r: &stripe_sim::LoggedRequest| r.method == "POST" && r.path == "/v1/subscriptions";
    let posts: Vec<_> = env.sim.requests().into_iter().filter(create).collect();
    assert_eq!(posts.len(), 2, "the original and one retry");
    assert_eq!(posts[0].idempotency_key, posts[1].idempotency_key);
    assert!(posts[1].replayed, "Stripe replayed the first response");
    // And a plain dropped connection before processing is retried too.
    let cus2 = env.customer("e@example.com");
    env.sim.inject(Fault::drop_connection().on("POST", "/v1/subscriptions"));
    env.cmd(format!("subscriptions create --customer {cus2} --tier team")).ok();
    assert_eq!(live_subscriptions(&env), 2);
}

#[test]
fn checkout_completed_by_the_customer_shows_up_after_sync() {
    let env = Env::with_catalog();
    let s = env.cmd("checkout create --tier pro --email new@example.com --json").ok().json();
    let id = s["id"].as_str().unwrap();
    assert!(s["url"].as_str().unwrap().starts_with("https://"));
    assert_eq!(pick(&s, &["tier", "customer_email"]), json!(["pro", "new@example.com"]));
    let session = env.sim.state().checkout_sessions[id].clone();
    let success = "https://example.com/billing/success?session_id={CHECKOUT_SESSION_ID}";
    assert_eq!(session["success_url"], success);
    assert_eq!(session["metadata"]["billctl_tier"], "pro");
    let human = env.cmd("checkout create --tier team --email x@example.com").ok();
    let url = human.stdout.trim();
    assert!(url.starts_with("https://checkout.stripe.com/"), "only the URL on stdout: {url}");

    env.sim.complete_checkout(id).unwrap();
    let report = env.cmd("subscriptions sync --json").ok().json();
    assert_eq!(report["subscriptions"]["added"], 1);
    let cus = str_at(&env.sim.state().checkout_sessions[id], "/customer");
    let shown = env.cmd(format!("customers show {cus} --json")).ok().json();
    assert_eq!(pick(&shown, &["email", "tier", "api_keys"]), json!(["new@example.com", "pro", 0]));
    let rows = env.store().subscriptions(Some(&cus)).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].tier, "pro");
    let r = env.cmd("checkout create --tier pro").code(2);
    assert!(r.stderr.contains("--customer") && r.stderr.contains("--email"), "{}", r.stderr);
}

#[test]
fn duplicate_emails_need_confirmation() {
    let env = Env::with_catalog();
    env.customer("dup@example.com");
    let r = env.cmd("customers create --email dup@example.com").code(2);
    let said = r.stderr.contains("1 customer already uses dup@example.com");
    assert!(said && r.stderr.contains("--yes"), "{}", r.stderr);
    assert_eq!(env.sim.state().customers.len(), 1);
    env.cmd("customers create --email dup@example.com --yes").ok();
    assert_eq!(env.sim.state().customers.len(), 2);
    let listed = env.cmd("customers list --email dup@example.com --json").ok().json();
    assert_eq!(listed.as_array().unwrap().len(), 2);
}

#[test]
fn sync_over_250_customers_is_exact_and_idempotent() {
    let env = Env::with_catalog();
    let (pro, team) = (price_id(&env, "pro_monthly"), price_id(&env, "team_monthly"));
    // 250 customers, each subscribed through the API; every 50th on a price outside the catalog.
    let api = Raw(env.sim.base_url(), env.sim.api_key().to_string());
    let gold = api.post("/v1/products", &[("name", "Gold")]);
    let price = [("product", gold.as_str()), ("unit_amount", "1"), ("currency", "usd")];
    let gold_price =
        api.post("/v1/prices", &[&price[..], &[("recurring[interval]", "month")]].concat());
    let mut want = std::collections::BTreeMap::new();
    for i in 0..250 {
        let c = api.post("/v1/customers", &[("email", &format!("bulk{i}@example.com"))]);
        let (price, tier) = if i % 50 == 0 {
            (&gold_price, "unknown")
        } else if i % 2 == 0 {
            (&pro, "pro")
        } else {
            (&team, "team")
        };
        let s = api.post("/v1/subscriptions", &[("customer", &c), ("items[0][price]", price)]);
        want.insert(s, (c, tier));
    }
    env.sim.clear_requests();
    let r = env.cmd("subscriptions sync --json").ok();
    let report = r.json();
    assert_eq!(report["customers"]["added"], 250);
    assert_eq!(report["subscriptions"]["added"], 250);
    assert_eq!(report["unknown_tier"].as_array().unwrap().len(), 5, "not silently ignored");
    assert!(r.stderr.contains("not in the catalog"), "{}", r.stderr);
    let pages = env.sim.requests().iter().filter(|r| r.path == "/v1/customers").count();
    assert_eq!(pages, 3, "250 customers are three pages of 100");
    let store = env.store();
    let rows = store.subscriptions(None).unwrap();
    assert_eq!(rows.len(), 250);
    for row in &rows {
        let (c, tier) = &want[&row.id];
        assert_eq!((&row.customer_id, row.tier.as_str()), (c, *tier), "{}", row.id);
    }
    assert_eq!(store.customers().unwrap().len(), 250);
    drop(store);
    let again = env.cmd("subscriptions sync --json").ok().json();
    assert_eq!(again["subscriptions"]["unchanged"], 250);
    assert_eq!(pick(&again["subscriptions"], &["added", "updated", "removed"]), json!([0, 0, 0]));
    let unknown = env.cmd("subscriptions list --tier unknown --json").ok().json();
    assert_eq!(unknown.as_array().unwrap().len(), 5);
    let human = env.cmd("subscriptions list --tier unknown").ok();
    assert!(human.stdout.contains("unknown"));
}

#[test]
fn bad_tiers_and_unknown_ids_are_clear_errors() {
    let env = Env::with_catalog();
    let cus = env.customer("f@example.com");
    env.sim.clear_requests();
    let r = env.cmd(format!("subscriptions create --customer {cus} --tier gold")).code(2);
    let said = r.stderr.contains("unknown tier \"gold\"");
    assert!(said && r.stderr.contains("pro, team, enterprise"), "{}", r.stderr);
    assert!(env.sim.requests().is_empty(), "a bad tier is caught before Stripe");
    let r = env.cmd("subscriptions create --customer cus_nope --tier pro").code(2);
    assert!(r.stderr.contains("no such customer cus_nope"), "{}", r.stderr);
    let r = env.cmd("customers show cus_nope").code(2);
    assert!(r.stderr.contains("no such customer cus_nope"), "{}", r.stderr);
    let r = env.cmd("subscriptions change sub_nope --tier pro").code(2);
    assert!(r.stderr.contains("no such subscription sub_nope"), "{}", r.stderr);
    let r = env.cmd("checkout create --tier platinum --email a@b.co").code(2);
    assert!(r.stderr.contains("unknown tier \"platinum\""), "{}", r.stderr);
    let r = env.cmd("invoices list --customer cus_nope").code(2);
    assert!(r.stderr.contains("no such customer"), "{}", r.stderr);
    let r = env.cmd("customers create --email not-an-email").code(2);
    assert!(r.stderr.contains("--email"), "{}", r.stderr);
    let r = env.cmd("customers create --email a@b.co --metadata novalue").code(2);
    assert!(r.stderr.contains("--metadata"), "{}", r.stderr);
    assert_eq!(env.posts(), 0);
}

#[test]
fn invoices_list_money_in_minor_units_and_dollars() {
    let env = Env::with_catalog();
    let cus = env.customer("inv@example.com");
    let id = env.subscription(&cus, "team");
    env.sim.advance_subscription(&id).unwrap();
    let inv = env.cmd(format!("invoices list --customer {cus} --json")).ok().json();
    assert_eq!(inv.as_array().unwrap().len(), 2, "one invoice per period");
    assert_eq!(pick(&inv[0], &["amount_paid", "status"]), json!([49900, "paid"]));
    assert!(inv[0]["hosted_invoice_url"].as_str().unwrap().starts_with("https://"));
    assert!(inv[0]["period_start"].as_i64() > inv[1]["period_start"].as_i64(), "newest first");
    let human = env.cmd(format!("invoices list --customer {cus}")).ok();
    assert!(human.stdout.contains("$499.00"), "{}", human.stdout);
}

/// The id of the catalog's price with `lookup_key`, in the simulator.
fn price_id(env: &Env, lookup_key: &str) -> String {
    let st = env.sim.state();
    str_at(st.prices.values().find(|p| p["lookup_key"] == lookup_key).unwrap(), "/id")
}

/// Seeds the simulator over HTTP the way another Stripe client would.
struct Raw(String, String);

impl Raw {
    /// POSTs `form` to `path`; the new object's id.
    fn post(&self, path: &str, form: &[(&str, &str)]) -> String {
        use std::io::{Read, Write};
        let addr = self.0.trim_start_matches("http://").trim_end_matches('/');
        let body =
            form_urlencoded::Serializer::new(String::new()).extend_pairs(form.iter()).finish();
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        write!(s, "POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", self.1, body.len()).unwrap();
        let mut raw = String::new();
        s.read_to_string(&mut raw).unwrap();
        assert!(raw.starts_with("HTTP/1.1 200"), "{raw}");
        str_at(&serde_json::from_str(raw.split("\r\n\r\n").nth(1).unwrap()).unwrap(), "/id")
    }
}
