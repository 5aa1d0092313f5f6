//! The simulator's Stripe semantics over plain HTTP: auth, errors, lookup keys, immutable price
//! fields, idempotency, pagination and search, subscriptions, checkout, meters and events.

use crate::common;

use common::Api;
use serde_json::Value;
use stripe_sim::StripeSim;

fn product(api: &Api, id: &str) -> Value {
    api.ok("/v1/products", &[("id", id), ("name", id), ("metadata[tier]", id)])
}

fn price(api: &Api, product: &str, amount: &str, lookup: Option<&str>) -> Value {
    let mut form = vec![
        ("product", product),
        ("unit_amount", amount),
        ("currency", "usd"),
        ("recurring[interval]", "month"),
    ];
    if let Some(k) = lookup {
        form.push(("lookup_key", k));
    }
    api.ok("/v1/prices", &form)
}

#[test]
fn missing_or_wrong_key_is_a_401_in_stripes_error_shape() {
    let sim = StripeSim::start();
    let mut api = Api::new(&sim);
    api.key = None;
    let r = api.get("/v1/products", &[]);
    assert_eq!(r.status, 401);
    assert_eq!(r.body["error"]["type"], "invalid_request_error");
    assert!(r.body["error"]["message"].as_str().unwrap().contains("did not provide an API key"));
    api.key = Some("sk_test_wrongwrongwrong1234".into());
    let r = api.get("/v1/products", &[]);
    assert_eq!(r.status, 401);
    let msg = r.body["error"]["message"].as_str().unwrap();
    assert!(msg.contains("1234") && !msg.contains("wrongwrongwrong"), "key is masked: {msg}");
    assert!(r.header("request-id").is_some_and(|id| id.starts_with("req_")));
    // Basic auth with the key as user name is accepted, as Stripe accepts it.
    api.key = None;
    use base64::Engine;
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{}:", sim.api_key()))
    );
    let r = api.send("GET", "/v1/products", &[], &[("Authorization", &basic)]).unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(sim.state().products.len(), 0);
}

#[test]
fn the_default_restricted_key_reads_but_cannot_write() {
    let sim = StripeSim::start();
    let mut api = Api::new(&sim);
    api.key = Some(stripe_sim::DEFAULT_RESTRICTED_KEY.into());
    assert_eq!(api.get("/v1/prices", &[]).status, 200);
    let r = api.post("/v1/products", &[("name", "x")]);
    assert_eq!(r.status, 403);
    assert!(r.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("does not have the required permissions"));
    assert!(sim.state().products.is_empty());
}

#[test]
fn responses_carry_request_id_and_stripe_version_and_unknown_urls_404() {
    let sim = StripeSim::start();
    let api = Api::new(&sim);
    let r =
        api.send("GET", "/v1/products", &[], &[("Stripe-Version", "2026-09-30.endive")]).unwrap();
    assert_eq!(r.header("stripe-version"), Some("2026-09-30.endive"));
    assert!(r.header("request-id").unwrap().starts_with("req_"));
    let r = api.get("/v1/nothing_here", &[]);
    assert_eq!(r.status, 404);
    assert!(r.body["error"]["message"].as_str().unwrap().contains("Unrecognized request URL"));
    let r = api.post("/v1/products", &[("name", "x"), ("colour", "red")]);
    assert_eq!((r.status, r.error_code()), (400, "parameter_unknown"));
    assert_eq!(r.body["error"]["param"], "colour");
    let r = api.post("/v1/products", &[("description", "no name")]);
    assert_eq!(
        (r.status, r.error_code(), r.body["error"]["param"].as_str()),
        (400, "parameter_missing", Some("name"))
    );
    assert!(sim.state().products.is_empty(), "failed creates store nothing");
}

#[test]
fn products_take_custom_ids_and_refuse_duplicates() {
    let sim = StripeSim::start();
    let api = Api::new(&sim);
    let p = product(&api, "billctl_pro");
    assert_eq!(p["id"], "billctl_pro");
    assert_eq!(p["object"], "product");
    assert_eq!(p["metadata"]["tier"], "billctl_pro");
    let r = api.post("/v1/products", &[("id", "billctl_pro"), ("name", "again")]);
    assert_eq!((r.status, r.error_code()), (400, "resource_already_exists"));
    let up = api.ok(
        "/v1/products/billctl_pro",
        &[("active", "false"), ("metadata[tier]", ""), ("metadata[x]", "1")],
    );
    assert_eq!(up["active"], false);
    assert_eq!(up["metadata"], serde_json::json!({"x": "1"}), "empty value unsets a metadata key");
    let listed = api.get("/v1/products", &[("active", "true")]);
    assert_eq!(listed.body["data"].as_array().unwrap().len(), 0);
    let listed = api.get("/v1/products", &[("active", "false")]);
    assert_eq!(listed.body["data"][0]["id"], "billctl_pro");
}

#[test]
fn lookup_keys_are_unique_unless_transferred() {
    let sim = StripeSim::start();
    let api = Api::new(&sim);
    product(&api, "pro");
    let first = price(&api, "pro", "9900", Some("pro_monthly"));
    let r = api.post(
        "/v1/prices",
        &[
            ("product", "pro"),
            ("unit_amount", "10900"),
            ("currency", "usd"),
            ("recurring[interval]", "month"),
            ("lookup_key", "pro_monthly"),
        ],
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.body["error"]["param"], "lookup_key");
    assert!(r.body["error"]["message"].as_str().unwrap().contains(first["id"].as_str().unwrap()));
    assert_eq!(sim.state().prices.len(), 1, "the refused price was not stored");
    let r = api.post(
        "/v1/prices",
        &[
            ("product_data[name]", "Inline"),
            ("unit_amount", "1"),
            ("currency", "usd"),
            ("lookup_key", "pro_monthly"),
        ],
    );
    assert_eq!(r.status, 400);
    assert_eq!(sim.state().products.len(), 1, "no product_data product was left behind");

    let second = api.ok(
        "/v1/prices",
        &[
            ("product", "pro"),
            ("unit_amount", "10900"),
            ("currency", "usd"),
            ("recurring[interval]", "month"),
            ("lookup_key", "pro_monthly"),
            ("transfer_lookup_key", "true"),
        ],
    );
    assert_eq!(second["lookup_key"], "pro_monthly");
    let old = api.get(&format!("/v1/prices/{}", first["id"].as_str().unwrap()), &[]);
    assert_eq!(old.body["lookup_key"], Value::Null, "the key moved off the old price");
    let by_key = api.get("/v1/prices", &[("lookup_keys[]", "pro_monthly")]);
    let ids: Vec<&Value> =
        by_key.body["data"].as_array().unwrap().iter().map(|p| &p["id"]).collect();
    assert_eq!(ids, vec![&second["id"]]);

    // Update follows the same rule.
    let third = price(&api, "pro", "1", None);
    let third_path = format!("/v1/prices/{}", third["id"].as_str().unwrap());
    let r = api.post(&third_path, &[("lookup_key", "pro_monthly")]);
    assert_eq!(r.status, 400);
    let moved =
        api.ok(&third_path, &[("lookup_key", "pro_monthly"), ("transfer_lookup_key", "true")]);
    assert_eq!(moved["lookup_key"], "pro_monthly");
    let updated_events: Vec<Value> =
        sim.state().events.values().filter(|e| e["type"] == "price.updated").cloned().collect();
    assert_eq!(updated_events.len(), 3, "two transfers off + one update onto the third price");
}

#[test]
fn price_fields_other_than_stripes_updatable_ones_are_refused() {
    let sim = StripeSim::start();
    let api = Api::new(&sim);
    product(&api, "pro");
    let p = price(&api, "pro", "9900", None);
    let path = format!("/v1/prices/{}", p["id"].as_str().unwrap());
    for (field, value) in [
        ("unit_amount", "100"),
        ("currency", "eur"),
        ("recurring[interval]", "year"),
        ("product", "pro"),
    ] {
        let r = api.post(&path, &[(field, value)]);
        assert_eq!((r.status, r.error_code()), (400, "parameter_unknown"), "{field}");
    }
    let ok = api.ok(
        &path,
        &[
            ("active", "false"),
            ("nickname", "old"),
            ("metadata[a]", "b"),
            ("tax_behavior", "exclusive"),
        ],
    );
    assert_eq!(
        (ok["active"].clone(), ok["nickname"].clone(), ok["tax_behavior"].clone()),
        (Value::Bool(false), "old".into(), "exclusive".into())
    );
    assert_eq!(ok["unit_amount"], 9900);
    let r = api.post(&path, &[("tax_behavior", "inclusive")]);
    assert_eq!(r.status, 400, "tax_behavior is fixed once set");
}

#[test]
fn metered_prices_need_an_existing_meter() {
    let sim = StripeSim::start();
    let api = Api::new(&sim);
    product(&api, "pro");
    let r = api.post(
        "/v1/prices",
        &[
            ("product", "pro"),
            ("unit_amount", "1"),
            ("currency", "usd"),
            ("recurring[interval]", "month"),
            ("recurring[usage_type]", "metered"),
        ],
    );
    assert_eq!(r.body["error"]["param"], "recurring[meter]");
    let r = api.post(
        "/v1/prices",
        &[
            ("product", "pro"),
            ("unit_amount", "1"),
            ("currency", "usd"),
            ("recurring[interval]", "month"),
            ("recurring[usage_type]", "metered"),
            ("recurring[meter]", "mtr_nope"),
        ],
    );
    assert_eq!((r.status, r.error_code()), (404, "resource_missing"));
    let m = api.ok(
        "/v1/billing/meters",
        &[
            ("display_name", "Calls"),
            ("event_name", "api_calls"),
            ("default_aggregation[formula]", "sum"),
        ],
    );
    let ok = api.ok(
        "/v1/prices",
        &[
            ("product", "pro"),
            ("unit_amount", "1"),
            ("currency", "usd"),
            ("recurring[interval]", "month"),
            ("recurring[usage_type]", "metered"),
            ("recurring[meter]", m["id"].as_str().unwrap()),
        ],
    );
    assert_eq!(ok["recurring"]["meter"], m["id"]);
    assert_eq!(ok["recurring"]["usage_type"], "metered");
}

#[test]
fn idempotency_keys_replay_and_conflict() {
    let sim = StripeSim::start();
    let api = Api::new(&sim);
    let a = api.post_idem("/v1/customers", &[("email", "a@example.com")], "key-1");
    let b = api.post_idem("/v1/customers", &[("email", "a@example.com")], "key-1");
    assert_eq!(a.status, 200);
    assert_eq!(b.status, 200);
    assert_eq!(a.body, b.body, "the first response is replayed");
    assert_eq!(a.header("idempotent-replayed"), None);
    assert_eq!(b.header("idempotent-replayed"), Some("true"));
    assert_eq!(sim.state().customers.len(), 1);
    let c = api.post_idem("/v1/customers", &[("email", "other@example.com")], "key-1");
    assert_eq!(c.status, 400);
    assert_eq!(c.body["error"]["type"], "idempotency_error");
    assert_eq!(sim.state().customers.len(), 1);
    let log = sim.requests();
    assert_eq!(log.iter().filter(|r| r.replayed).count(), 1);
    assert!(log.iter().all(|r| r.idempotency_key.as_deref() == Some("key-1")));
    // A failed request is not cached: the same key can succeed once the input is fixed... as
    // long as the parameters are the same ones.
    let bad = api.post_idem("/v1/customers", &[("email", "not-an-email")], "key-2");
    assert_eq!(bad.status, 400);
    let again = api.post_idem("/v1/customers", &[("email", "not-an-email")], "key-2");
    assert_eq!(again.header("idempotent-replayed"), None);
}

/// A reused key is replayed as Stripe does within 24 hours of its first use (same parameters:
/// the stored reply, `Idempotent-Replayed: true`, nothing changed; other parameters: 400
/// `idempotency_error`), and is a new request once the simulated clock is 24 hours on.
#[test]
fn idempotency_keys_expire_after_24_hours_of_simulated_time() {
    let sim = StripeSim::start();
    let api = Api::new(&sim);
    let a = api.post_idem("/v1/customers", &[("email", "a@example.com")], "day-key");
    sim.advance_clock(24 * 3600 - 1).unwrap();
    let b = api.post_idem("/v1/customers", &[("email", "a@example.com")], "day-key");
    assert_eq!(b.header("idempotent-replayed"), Some("true"));
    assert_eq!((b.body["id"].clone(), sim.state().customers.len()), (a.body["id"].clone(), 1));
    let c = api.post_idem("/v1/customers", &[("email", "b@example.com")], "day-key");
    assert_eq!(c.body["error"]["type"], "idempotency_error");
    sim.advance_clock(1).unwrap();
    let d = api.post_idem("/v1/customers", &[("email", "b@example.com")], "day-key");
    assert_eq!((d.status, d.header("idempotent-replayed")), (200, None));
    assert_ne!(d.body["id"], a.body["id"]);
    assert_eq!(sim.state().customers.len(), 2);
    // And the new request's reply is what the key replays now.
    let e = api.post_idem("/v1/customers", &[("email", "b@example.com")], "day-key");
    assert_eq!(
        (e.header("idempotent-replayed"), e.body["id"].clone()),
        (Some("true"), d.body["id"].clone())
    );
}

#[test]
fn list_pagination_walks_every_page_in_both_directions() {
    let sim = StripeSim::start();
    let api = Api::new(&sim);
    for i in 0..25 {
        api.ok("/v1/customers", &[("email", &format!("c{i}@example.com"))]);
    }
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let mut q = vec![("limit", "10".to_string())];
        if let Some(a) = &after {
            q.push(("starting_after", a.clone()));
        }
        let q: Vec<(&str, &str)> = q.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let page = api.get("/v1/customers", &q).body;
        let data = page["data"].as_array().unwrap();
        seen.extend(data.iter().map(|c| c["email"].as_str().unwrap().to_string()));
        if page["has_more"] != true {
            break;
        }
        after = data.last().map(|c| c["id"].as_str().unwrap().to_string());
    }
    let expected: Vec<String> = (0..25).rev().map(|i| format!("c{i}@example.com")).collect();
    assert_eq!(seen, expected, "newest first, each once");
    // ending_before returns the page just before the cursor.
    let oldest = sim.state().customers.values().next().unwrap()["id"].as_str().unwrap().to_string();
    let back = api.get("/v1/customers", &[("limit", "3"), ("ending_before", &oldest)]).body;
    let emails: Vec<&str> =
        back["data"].as_array().unwrap().iter().map(|c| c["email"].as_str().unwrap()).collect();
    assert_eq!(emails, vec!["c3@example.com", "c2@example.com", "c1@example.com"]);
    assert_eq!(back["has_more"], true);
    for bad in ["0", "101"] {
        assert_eq!(api.get("/v1/customers", &[("limit", bad)]).status, 400);
    }
}

#[test]
fn search_supports_the_query_subset_and_next_page() {
    let sim = StripeSim::start();
    let api = Api::new(&sim);
    for i in 0..5 {
        api.ok(
            "/v1/customers",
            &[
                ("email", &format!("s{i}@example.com")),
                ("metadata[plan]", if i % 2 == 0 { "pro" } else { "team" }),
            ],
        );
    }
    let r = api
        .get("/v1/customers/search", &[("query", "metadata['plan']:'pro'"), ("limit", "2")])
        .body;
    assert_eq!(r["object"], "search_result");
    assert_eq!(r["data"].as_array().unwrap().len(), 2);
    assert_eq!(r["has_more"], true);
    let next = r["next_page"].as_str().unwrap().to_string();
    let r2 = api
        .get(
            "/v1/customers/search",
            &[("query", "metadata['plan']:'pro'"), ("limit", "2"), ("page", &next)],
        )
        .body;
    assert_eq!(r2["data"].as_array().unwrap().len(), 1);
    assert_eq!(r2["has_more"], false);
    assert_eq!(r2["next_page"], Value::Null);
    let r3 = api
        .get(
            "/v1/customers/search",
            &[("query", "email:'s1@example.com' AND metadata['plan']:'team'")],
        )
        .body;
    assert_eq!(r3["data"].as_array().unwrap().len(), 1);
    let bad = api.get("/v1/customers/search", &[("query", "colour:'red'")]);
    assert_eq!(bad.status, 400);
    assert!(bad.body["error"]["message"].as_str().unwrap().contains("unsupported search field"));
}

#[test]
fn subscription_lifecycle_updates_items_periods_and_emits_events() {
    let sim = StripeSim::start();
    let api = Api::new(&sim);
    product(&api, "pro");
    let pro = price(&api, "pro", "9900", Some("pro_monthly"));
    let team = price(&api, "pro", "49900", Some("team_monthly"));
    let cus = api.ok(
        "/v1/customers",
        &[
            ("email", "sub@example.com"),
            ("payment_method", "pm_card_visa"),
            ("invoice_settings[default_payment_method]", "pm_card_visa"),
        ],
    );
    let cus_id = cus["id"].as_str().unwrap();
    let sub = api.ok(
        "/v1/subscriptions",
        &[
            ("customer", cus_id),
            ("items[0][price]", pro["id"].as_str().unwrap()),
            ("metadata[tier]", "pro"),
        ],
    );
    assert_eq!(sub["status"], "active");
    let item = &sub["items"]["data"][0];
    let (start, end) = (
        item["current_period_start"].as_i64().unwrap(),
        item["current_period_end"].as_i64().unwrap(),
    );
    assert!((28 * 86_400..=31 * 86_400).contains(&(end - start)), "a month");
    let sub_id = sub["id"].as_str().unwrap();
    let changed = api.ok(
        &format!("/v1/subscriptions/{sub_id}"),
        &[
            ("items[0][id]", item["id"].as_str().unwrap()),
            ("items[0][price]", team["id"].as_str().unwrap()),
            ("proration_behavior", "none"),
        ],
    );
    assert_eq!(changed["items"]["data"][0]["price"]["id"], team["id"]);
    assert_eq!(changed["items"]["data"][0]["id"], item["id"], "same item, new price");
    assert_eq!(changed["items"]["data"][0]["current_period_end"], end, "billing cycle kept");
    let by_price = api.get("/v1/subscriptions", &[("price", team["id"].as_str().unwrap())]).body;
    assert_eq!(by_price["data"].as_array().unwrap().len(), 1);
    let later = api.ok(&format!("/v1/subscriptions/{sub_id}"), &[("cancel_at_period_end", "true")]);
    assert_eq!(later["cancel_at_period_end"], true);
    assert_eq!(later["cancel_at"], end);
    let gone = api.delete(&format!("/v1/subscriptions/{sub_id}"));
    assert_eq!(gone.body["status"], "canceled");
    assert!(gone.body["ended_at"].is_i64());
    assert_eq!(
        api.get("/v1/subscriptions", &[("customer", cus_id)]).body["data"]
            .as_array()
            .unwrap()
            .len(),
        0,
        "canceled hidden by default"
    );
    assert_eq!(
        api.get("/v1/subscriptions", &[("customer", cus_id), ("status", "canceled")]).body["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let r = api.post(&format!("/v1/subscriptions/{sub_id}"), &[("cancel_at_period_end", "false")]);
    assert_eq!(r.status, 400, "a canceled subscription cannot be changed");
    let kinds: Vec<String> = sim
        .state()
        .events
        .values()
        .filter_map(|e| e["type"].as_str().map(String::from))
        .filter(|k| k.starts_with("customer.subscription."))
        .collect();
    assert_eq!(
        kinds,
        [
            "customer.subscription.created",
            "customer.subscription.updated",
            "customer.subscription.updated",
            "customer.subscription.deleted"
        ]
    );
    let upd = sim
        .state()
        .events
        .values()
        .find(|e| e["type"] == "customer.subscription.updated")
        .cloned()
        .unwrap();
    assert!(
        upd["data"]["previous_attributes"]["items"].is_object(),
        "previous_attributes carries the old items"
    );
    let invoices = api.get("/v1/invoices", &[("customer", cus_id)]).body;
    assert_eq!(invoices["data"][0]["amount_paid"], 9900);
    assert_eq!(invoices["data"][0]["period_end"], end);
}

#[test]
fn advancing_a_period_renews_with_an_invoice_or_ends_a_scheduled_cancel() {
    let sim = StripeSim::start();
    let api = Api::new(&sim);
    product(&api, "pro");
    let pro = price(&api, "pro", "9900", None);
    let cus = api.ok(
        "/v1/customers",
        &[
            ("email", "r@example.com"),
            ("payment_method", "pm_card_visa"),
            ("invoice_settings[default_payment_method]", "pm_card_visa"),
        ],
    );
    let sub = api.ok(
        "/v1/subscriptions",
        &[
            ("customer", cus["id"].as_str().unwrap()),
            ("items[0][price]", pro["id"].as_str().unwrap()),
        ],
    );
    let sub_id = sub["id"].as_str().unwrap();
    let end = sub["items"]["data"][0]["current_period_end"].as_i64().unwrap();
    let renewed = sim.advance_subscription(sub_id).unwrap();
    assert_eq!(renewed["items"]["data"][0]["current_period_start"], end);
    assert_eq!(sim.state().invoices.len(), 2, "one invoice per period");
    api.ok(&format!("/v1/subscriptions/{sub_id}"), &[("cancel_at_period_end", "true")]);
    let ended = sim.advance_subscription(sub_id).unwrap();
    assert_eq!(ended["status"], "canceled");
}

#[test]
fn one_subscription_customer_may_not_repeat_a_price_and_must_exist() {
    let sim = StripeSim::start();
    let api = Api::new(&sim);
    product(&api, "pro");
    let pro = price(&api, "pro", "9900", None);
    let pid = pro["id"].as_str().unwrap();
    let r = api.post("/v1/subscriptions", &[("customer", "cus_missing"), ("items[0][price]", pid)]);
    assert_eq!((r.status, r.error_code()), (404, "resource_missing"));
    let cus = api.ok("/v1/customers", &[("email", "x@example.com")]);
    let r = api.post(
        "/v1/subscriptions",
        &[
            ("customer", cus["id"].as_str().unwrap()),
            ("items[0][price]", pid),
            ("items[1][price]", pid),
        ],
    );
    assert_eq!(r.status, 400);
    assert!(sim.state().subscriptions.is_empty());
}

#[test]
fn checkout_completion_creates_customer_subscription_and_event() {
    let sim = StripeSim::start();
    let api = Api::new(&sim);
    product(&api, "pro");
    let pro = price(&api, "pro", "9900", None);
    let r = api.post(
        "/v1/checkout/sessions",
        &[
            ("mode", "subscription"),
            ("success_url", "https://x/ok"),
            ("line_items[0][price]", pro["id"].as_str().unwrap()),
            ("customer", "cus_1"),
            ("customer_email", "a@b.co"),
        ],
    );
    assert_eq!(r.status, 400, "customer and customer_email are exclusive");
    let s = api.ok(
        "/v1/checkout/sessions",
        &[
            ("mode", "subscription"),
            ("success_url", "https://x/ok"),
            ("cancel_url", "https://x/no"),
            ("line_items[0][price]", pro["id"].as_str().unwrap()),
            ("line_items[0][quantity]", "1"),
            ("customer_email", "new@example.com"),
            ("client_reference_id", "ref-9"),
            ("metadata[tier]", "pro"),
        ],
    );
    assert_eq!(s["status"], "open");
    assert_eq!(s["amount_total"], 9900);
    assert!(s["url"].as_str().unwrap().starts_with("https://checkout.stripe.com/"));
    let sid = s["id"].as_str().unwrap();
    assert!(sid.starts_with("cs_test_"));
    // Completion over the /_sim/ endpoint, as a demo against the binary would do it.
    let done = Api { base: api.base.clone(), key: None }
        .post(&format!("/_sim/checkout/sessions/{sid}/complete"), &[]);
    assert_eq!(done.status, 200, "{}", done.body);
    let got = api.get(&format!("/v1/checkout/sessions/{sid}"), &[]).body;
    assert_eq!(got["status"], "complete");
    assert_eq!(got["payment_status"], "paid");
    let cus_id = got["customer"].as_str().unwrap();
    assert_eq!(api.get(&format!("/v1/customers/{cus_id}"), &[]).body["email"], "new@example.com");
    let subs = api.get("/v1/subscriptions", &[("customer", cus_id)]).body;
    assert_eq!(subs["data"][0]["id"], got["subscription"]);
    let completed = api.get("/v1/events", &[("type", "checkout.session.completed")]).body;
    assert_eq!(completed["data"][0]["data"]["object"]["id"], sid);
    assert_eq!(completed["data"][0]["data"]["object"]["client_reference_id"], "ref-9");
    assert_eq!(sim.complete_checkout(sid).unwrap_err().status, 400, "a session completes once");
}

#[test]
fn meter_events_follow_stripes_identifier_and_time_window_rules() {
    let sim = StripeSim::start();
    let api = Api::new(&sim);
    let m = api.ok(
        "/v1/billing/meters",
        &[
            ("display_name", "Calls"),
            ("event_name", "api_calls"),
            ("default_aggregation[formula]", "sum"),
        ],
    );
    let dup = api.post(
        "/v1/billing/meters",
        &[
            ("display_name", "Again"),
            ("event_name", "api_calls"),
            ("default_aggregation[formula]", "sum"),
        ],
    );
    assert_eq!(dup.status, 400, "one active meter per event name");
    let now = stripe_sim::util::now();
    let ts = |d: i64| (now + d).to_string();
    let ev = |id: &str, t: String, v: &str| {
        api.post(
            "/v1/billing/meter_events",
            &[
                ("event_name", "api_calls"),
                ("payload[stripe_customer_id]", "cus_A"),
                ("payload[value]", v),
                ("identifier", id),
                ("timestamp", &t),
            ],
        )
    };
    assert_eq!(ev("e1", ts(-60), "3").status, 200);
    let again = ev("e1", ts(-30), "3");
    assert_eq!((again.status, again.error_code()), (400, "duplicate_meter_event"));
    let old = ev("e2", ts(-36 * 86_400), "1");
    assert_eq!((old.status, old.error_code()), (400, "timestamp_too_far_in_past"));
    let future = ev("e3", ts(6 * 60), "1");
    assert_eq!((future.status, future.error_code()), (400, "timestamp_in_future"));
    assert_eq!(ev("e4", ts(-34 * 86_400), "4").status, 200, "inside 35 days");
    assert_eq!(ev("e5", ts(4 * 60), "5").status, 200, "inside 5 minutes ahead");
    let r = api
        .post("/v1/billing/meter_events", &[("event_name", "api_calls"), ("payload[value]", "1")]);
    assert_eq!(r.body["error"]["param"], "payload[stripe_customer_id]");
    assert_eq!(sim.state().meter_events.len(), 3);

    let mid = m["id"].as_str().unwrap();
    let start = ((now - 35 * 86_400) / 86_400 * 86_400).to_string();
    let end = ((now + 2 * 86_400) / 86_400 * 86_400).to_string();
    let total = api
        .get(
            &format!("/v1/billing/meters/{mid}/event_summaries"),
            &[("customer", "cus_A"), ("start_time", &start), ("end_time", &end)],
        )
        .body;
    assert_eq!(total["data"][0]["aggregated_value"], 12.0);
    let daily = api
        .get(
            &format!("/v1/billing/meters/{mid}/event_summaries"),
            &[
                ("customer", "cus_A"),
                ("start_time", &start),
                ("end_time", &end),
                ("value_grouping_window", "day"),
            ],
        )
        .body;
    let sum: f64 = daily["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["aggregated_value"].as_f64().unwrap())
        .sum();
    assert_eq!(sum, 12.0);
    assert!(daily["data"].as_array().unwrap().len() >= 2);
    let other = api
        .get(
            &format!("/v1/billing/meters/{mid}/event_summaries"),
            &[("customer", "cus_B"), ("start_time", &start), ("end_time", &end)],
        )
        .body;
    assert_eq!(other["data"][0]["aggregated_value"], 0.0);
    let unaligned = api.get(
        &format!("/v1/billing/meters/{mid}/event_summaries"),
        &[("customer", "cus_A"), ("start_time", "61"), ("end_time", &end)],
    );
    assert_eq!(unaligned.status, 400);
    let off = api.ok(&format!("/v1/billing/meters/{mid}/deactivate"), &[]);
    assert_eq!(off["status"], "inactive");
    assert!(off["status_transitions"]["deactivated_at"].is_i64());
    assert_eq!(
        api.get("/v1/billing/meters", &[("status", "active")]).body["data"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

#[test]
fn events_filter_by_type_types_and_created() {
    let sim = StripeSim::start();
    let api = Api::new(&sim);
    product(&api, "pro");
    price(&api, "pro", "100", None);
    api.ok("/v1/customers", &[("email", "e@example.com")]);
    let only = |q: &[(&str, &str)]| -> Vec<String> {
        api.get("/v1/events", q).body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["type"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(only(&[("type", "price.created")]), ["price.created"]);
    assert_eq!(
        only(&[("types[]", "price.created"), ("types[]", "customer.created")]),
        ["customer.created", "price.created"]
    );
    assert_eq!(only(&[("type", "product.*")]), ["product.created"]);
    let far = (stripe_sim::util::now() + 3600).to_string();
    assert!(only(&[("created[gte]", &far)]).is_empty());
    assert_eq!(only(&[("created[lte]", &far)]).len(), 3);
    let first = api.get("/v1/events", &[("limit", "1")]).body;
    let id = first["data"][0]["id"].as_str().unwrap();
    assert_eq!(api.get(&format!("/v1/events/{id}"), &[]).body["type"], "customer.created");
    assert_eq!(
        first["data"][0]["request"]["id"].as_str().map(|r| r.starts_with("req_")),
        Some(true)
    );
}

/// Stripe's amount rules per currency (<https://docs.stripe.com/currencies>): three-decimal
/// currencies take only amounts ending in 0, ISK and UGX only multiples of 100; the others
/// any whole amount. The simulator refuses what Stripe refuses, creating nothing.
#[test]
fn amounts_must_fit_their_currencys_last_digits() {
    let sim = StripeSim::start();
    let api = Api::new(&sim);
    product(&api, "pro");
    for (currency, refused, taken) in [
        ("bhd", "5125", "5120"),
        ("jod", "1", "10"),
        ("kwd", "5124", "5130"),
        ("omr", "99999", "99990"),
        ("tnd", "3", "0"),
        ("isk", "550", "500"),
        ("ugx", "1001", "1000"),
        ("usd", "", "5125"),
        ("jpy", "", "7"),
    ] {
        let form = |amount: &'static str| {
            [
                ("product", "pro"),
                ("unit_amount", amount),
                ("currency", currency),
                ("recurring[interval]", "month"),
            ]
        };
        let before = sim.state().prices.len();
        if !refused.is_empty() {
            let r = api.post("/v1/prices", &form(refused));
            assert_eq!(r.status, 400, "{currency} {refused}: {}", r.body);
            assert_eq!(r.body["error"]["type"], "invalid_request_error");
            assert_eq!(r.body["error"]["param"], "unit_amount");
            assert_eq!(sim.state().prices.len(), before, "nothing created");
        }
        let p = api.ok("/v1/prices", &form(taken));
        assert_eq!(p["unit_amount"].to_string(), taken, "{currency}");
    }
}

/// Never kinder than Stripe (a hostile review): an update that would bill a subscription in
/// another currency is refused (Stripe keeps one currency per customer), and so is a
/// unit_amount past Stripe's eight digits (99999999 is the largest). Nothing is stored.
#[test]
fn a_currency_switch_and_an_amount_past_eight_digits_are_refused() {
    let sim = StripeSim::start();
    let api = Api::new(&sim);
    product(&api, "pro");
    let pro = price(&api, "pro", "9900", Some("pro_monthly"));
    let eur = api.ok(
        "/v1/prices",
        &[
            ("product", "pro"),
            ("unit_amount", "9900"),
            ("currency", "eur"),
            ("recurring[interval]", "month"),
        ],
    );
    let cus = api.ok(
        "/v1/customers",
        &[
            ("email", "cur@example.com"),
            ("payment_method", "pm_card_visa"),
            ("invoice_settings[default_payment_method]", "pm_card_visa"),
        ],
    );
    let sub = api.ok(
        "/v1/subscriptions",
        &[
            ("customer", cus["id"].as_str().unwrap()),
            ("items[0][price]", pro["id"].as_str().unwrap()),
        ],
    );
    let sub_id = sub["id"].as_str().unwrap();
    let r = api.post(
        &format!("/v1/subscriptions/{sub_id}"),
        &[
            ("items[0][id]", sub["items"]["data"][0]["id"].as_str().unwrap()),
            ("items[0][price]", eur["id"].as_str().unwrap()),
        ],
    );
    assert_eq!(r.status, 400, "{}", r.body);
    let message = r.body["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("You cannot combine currencies on a single customer.")
            && message.contains("with currency usd"),
        "{message}"
    );
    let kept = sim.state().subscriptions[sub_id].clone();
    assert_eq!(kept["items"]["data"][0]["price"]["id"], pro["id"]);
    assert_eq!(kept["currency"], "usd");
    let prices = sim.state().prices.len();
    for (amount, currency, ok) in
        [("99999999", "usd", true), ("100000000", "usd", false), ("100000000", "jpy", false)]
    {
        let r = api.post(
            "/v1/prices",
            &[("product", "pro"), ("unit_amount", amount), ("currency", currency)],
        );
        if ok {
            assert_eq!(r.status, 200, "{amount} {currency}: {}", r.body);
            continue;
        }
        assert_eq!(r.status, 400, "{amount} {currency}: {}", r.body);
        assert_eq!(r.body["error"]["code"], "amount_too_large", "{}", r.body);
        assert_eq!(r.body["error"]["param"], "unit_amount");
        assert!(r.body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Amount must be no more than"));
    }
    assert_eq!(sim.state().prices.len(), prices + 1, "only the first was stored");
    let r = api.post(
        "/v1/prices",
        &[("product", "pro"), ("unit_amount", "100000000"), ("currency", "usd")],
    );
    assert_eq!(r.body["error"]["message"], "Amount must be no more than $999,999.99");
}
