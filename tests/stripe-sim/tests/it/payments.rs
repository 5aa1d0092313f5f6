//! Payments as Stripe does them: payment behaviours and declines, trials, renewals that fail
//! and the retries after them, `send_invoice`, invoice actions, the clock that drives it all,
//! and the list, search and API-version rules around them.

use crate::common;

use common::Api;
use serde_json::Value;
use stripe_sim::StripeSim;

const DAY: i64 = 86_400;

struct World {
    sim: StripeSim,
    api: Api,
    price: String,
}

fn world() -> World {
    world_with(StripeSim::start())
}

fn world_with(sim: StripeSim) -> World {
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
    let price = price["id"].as_str().unwrap().to_string();
    World { sim, api, price }
}

impl World {
    /// A customer, with `card` attached as the invoice default when given.
    fn customer(&self, card: Option<&str>) -> String {
        let mut form = vec![("email", "pay@example.com")];
        if let Some(c) = card {
            form.push(("payment_method", c));
            form.push(("invoice_settings[default_payment_method]", c));
        }
        self.api.ok("/v1/customers", &form)["id"].as_str().unwrap().to_string()
    }

    fn subscribe(&self, customer: &str, extra: &[(&str, &str)]) -> crate::common::Resp {
        let mut form = vec![("customer", customer), ("items[0][price]", self.price.as_str())];
        form.extend_from_slice(extra);
        self.api.post("/v1/subscriptions", &form)
    }

    fn sub(&self, id: &str) -> Value {
        self.api.get(&format!("/v1/subscriptions/{id}"), &[]).body
    }

    fn invoice(&self, id: &str) -> Value {
        self.api.get(&format!("/v1/invoices/{id}"), &[]).body
    }

    fn events(&self, kind: &str) -> Vec<Value> {
        self.sim.state().events.values().filter(|e| e["type"] == kind).cloned().collect()
    }
}

#[test]
fn without_a_payment_method_a_subscription_is_incomplete_then_expires_after_23_hours() {
    let w = world();
    let cus = w.customer(None);
    let sub = w.subscribe(&cus, &[]).body;
    assert_eq!(sub["status"], "incomplete");
    let inv = w.invoice(sub["latest_invoice"].as_str().unwrap());
    assert_eq!((inv["status"].as_str(), inv["amount_paid"].as_i64()), (Some("open"), Some(0)));
    assert_eq!(inv["attempted"], false, "no method, no attempt");
    w.sim.advance_clock(22 * 3600).unwrap();
    assert_eq!(w.sub(sub["id"].as_str().unwrap())["status"], "incomplete");
    w.sim.advance_clock(3600).unwrap();
    let expired = w.sub(sub["id"].as_str().unwrap());
    assert_eq!(expired["status"], "incomplete_expired");
    assert_eq!(w.invoice(sub["latest_invoice"].as_str().unwrap())["status"], "void");
    assert_eq!(w.events("invoice.voided").len(), 1);
}

#[test]
fn payment_behaviours_follow_stripe() {
    let w = world();
    // default_incomplete: no attempt even with a good card.
    let good = w.customer(Some("pm_card_visa"));
    let sub = w.subscribe(&good, &[("payment_behavior", "default_incomplete")]).body;
    assert_eq!(sub["status"], "incomplete");
    assert_eq!(w.invoice(sub["latest_invoice"].as_str().unwrap())["attempted"], false);
    // error_if_incomplete with a card that attaches but fails: 402 and nothing created.
    let failing = w.customer(Some("pm_card_chargeCustomerFail"));
    let before = w.sim.state().subscriptions.len();
    let r = w.subscribe(&failing, &[("payment_behavior", "error_if_incomplete")]);
    assert_eq!(r.status, 402, "{}", r.body);
    assert_eq!(r.body["error"]["type"], "card_error");
    assert_eq!(r.body["error"]["code"], "card_declined");
    assert_eq!(w.sim.state().subscriptions.len(), before, "nothing created");
    // ... and without any method: a 400.
    let none = w.customer(None);
    let r = w.subscribe(&none, &[("payment_behavior", "error_if_incomplete")]);
    assert_eq!((r.status, r.error_code()), (400, "resource_missing"));
    // allow_incomplete (the default) with that card: incomplete and invoice.payment_failed.
    let sub = w.subscribe(&failing, &[]).body;
    assert_eq!(sub["status"], "incomplete");
    let inv = w.invoice(sub["latest_invoice"].as_str().unwrap());
    assert_eq!((inv["status"].as_str(), inv["attempt_count"].as_i64()), (Some("open"), Some(1)));
    assert_eq!(w.events("invoice.payment_failed").len(), 1);
    // A card that needs 3D Secure: incomplete, the PaymentIntent waits in requires_action.
    let auth = w.customer(Some("pm_card_authenticationRequired"));
    let sub = w.subscribe(&auth, &[]).body;
    assert_eq!(sub["status"], "incomplete");
    let inv_id = sub["latest_invoice"].as_str().unwrap();
    let payments = w.api.get("/v1/invoice_payments", &[("invoice", inv_id)]).body;
    let pi = payments["data"][0]["payment"]["payment_intent"].as_str().unwrap();
    let intent = w.api.get(&format!("/v1/payment_intents/{pi}"), &[]).body;
    assert_eq!(intent["status"], "requires_action");
    assert_eq!(w.events("invoice.payment_action_required").len(), 1);
    // Paying the open invoice with a good card: active, invoice.paid.
    let visa =
        w.api.ok("/v1/payment_methods/pm_card_visa/attach", &[("customer", failing.as_str())]);
    let failed_sub = w
        .sim
        .state()
        .subscriptions
        .values()
        .find(|s| s["customer"] == failing.as_str() && s["status"] == "incomplete")
        .cloned()
        .unwrap();
    let inv = failed_sub["latest_invoice"].as_str().unwrap();
    let bad = w.api.post(&format!("/v1/invoices/{inv}/pay"), &[]);
    assert_eq!(bad.status, 402, "the default card still fails: {}", bad.body);
    let paid = w.api.ok(
        &format!("/v1/invoices/{inv}/pay"),
        &[("payment_method", visa["id"].as_str().unwrap())],
    );
    assert_eq!(paid["status"], "paid");
    assert_eq!(w.sub(failed_sub["id"].as_str().unwrap())["status"], "active");
    assert!(!w.events("invoice.paid").is_empty());
}

#[test]
fn cards_declined_on_attach_are_refused_and_test_methods_copy_on_attach() {
    let w = world();
    let cus = w.customer(None);
    for (card, code) in [
        ("pm_card_chargeDeclined", "generic_decline"),
        ("pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds"),
    ] {
        let r = w
            .api
            .post(&format!("/v1/payment_methods/{card}/attach"), &[("customer", cus.as_str())]);
        assert_eq!(r.status, 402, "{card}");
        assert_eq!(r.body["error"]["decline_code"], code);
    }
    let r = w.api.post("/v1/customers", &[("payment_method", "pm_card_chargeDeclined")]);
    assert_eq!(r.status, 402, "a customer with a declined card is not created");
    let mc =
        w.api.ok("/v1/payment_methods", &[("type", "card"), ("card[token]", "tok_mastercard")]);
    assert_eq!(mc["customer"], Value::Null);
    let raw = w
        .api
        .post("/v1/payment_methods", &[("type", "card"), ("card[number]", "4242424242424242")]);
    assert_eq!(raw.status, 400, "raw card numbers are refused");
    let attached = w.api.ok(
        &format!("/v1/payment_methods/{}/attach", mc["id"].as_str().unwrap()),
        &[("customer", cus.as_str())],
    );
    assert_eq!(attached["customer"], cus.as_str());
    w.api.ok(
        &format!("/v1/customers/{cus}"),
        &[("invoice_settings[default_payment_method]", mc["id"].as_str().unwrap())],
    );
    let listed = w.api.get(&format!("/v1/customers/{cus}/payment_methods"), &[]).body;
    assert_eq!(listed["data"].as_array().unwrap().len(), 1);
    let detached =
        w.api.ok(&format!("/v1/payment_methods/{}/detach", mc["id"].as_str().unwrap()), &[]);
    assert_eq!(detached["customer"], Value::Null);
    let customer = w.api.get(&format!("/v1/customers/{cus}"), &[]).body;
    assert_eq!(
        customer["invoice_settings"]["default_payment_method"],
        Value::Null,
        "detaching clears the default"
    );
    assert_eq!(w.events("payment_method.attached").len(), 1);
    assert_eq!(w.events("payment_method.detached").len(), 1);
    let other = w.customer(None);
    let r = w.subscribe(&other, &[("default_payment_method", mc["id"].as_str().unwrap())]);
    assert_eq!(r.status, 400, "a method of no customer (or another) is refused");
}

#[test]
fn a_trial_is_free_warns_three_days_ahead_and_then_charges() {
    let w = world();
    let good = w.customer(Some("pm_card_visa"));
    let t0 = w.sim.now();
    let sub = w.subscribe(&good, &[("trial_period_days", "14")]).body;
    assert_eq!(sub["status"], "trialing");
    assert_eq!(sub["trial_end"].as_i64(), Some(t0 + 14 * DAY));
    let first = w.invoice(sub["latest_invoice"].as_str().unwrap());
    assert_eq!((first["status"].as_str(), first["total"].as_i64()), (Some("paid"), Some(0)));
    w.sim.advance_clock(10 * DAY).unwrap();
    assert!(w.events("customer.subscription.trial_will_end").is_empty(), "not yet");
    w.sim.advance_clock(DAY + 3600).unwrap();
    let warned = w.events("customer.subscription.trial_will_end");
    assert_eq!(warned.len(), 1);
    assert_eq!(warned[0]["created"].as_i64(), Some(t0 + 11 * DAY), "three days before the end");
    w.sim.advance_clock(3 * DAY).unwrap();
    let after = w.sub(sub["id"].as_str().unwrap());
    assert_eq!(after["status"], "active");
    let inv = w.invoice(after["latest_invoice"].as_str().unwrap());
    assert_eq!((inv["status"].as_str(), inv["amount_paid"].as_i64()), (Some("paid"), Some(9900)));
    assert_eq!(inv["created"].as_i64(), Some(t0 + 14 * DAY), "charged at the trial end");

    // Without a working card the trial ends in past_due.
    let failing = w.customer(Some("pm_card_chargeCustomerFail"));
    let sub = w.subscribe(&failing, &[("trial_end", &(w.sim.now() + 2 * DAY).to_string())]).body;
    assert_eq!(sub["status"], "trialing");
    assert_eq!(
        w.events("customer.subscription.trial_will_end").len(),
        2,
        "a trial under three days warns at once"
    );
    w.sim.advance_clock(2 * DAY).unwrap();
    assert_eq!(w.sub(sub["id"].as_str().unwrap())["status"], "past_due");
}

#[test]
fn failed_renewals_retry_on_schedule_then_cancel_and_a_later_payment_recovers() {
    let w = world();
    let cus = w.customer(Some("pm_card_visa"));
    let sub = w.subscribe(&cus, &[]).body;
    let id = sub["id"].as_str().unwrap().to_string();
    assert_eq!(sub["status"], "active");
    // The card starts failing before the renewal.
    let failing = w.sim.add_card(&cus, "pm_card_chargeCustomerFail").unwrap();
    assert!(failing.starts_with("pm_"));
    let end = sub["items"]["data"][0]["current_period_end"].as_i64().unwrap();
    let now = w.sim.now();
    w.sim.advance_clock(end - now).unwrap();
    let s = w.sub(&id);
    assert_eq!(s["status"], "past_due");
    let inv_id = s["latest_invoice"].as_str().unwrap().to_string();
    let inv = w.invoice(&inv_id);
    assert_eq!(inv["next_payment_attempt"].as_i64(), Some(end + 3 * DAY), "first retry 3 days on");
    // Retries at +3, +5, +7 days fail; then the subscription is canceled (the default).
    w.sim.advance_clock(3 * DAY).unwrap();
    assert_eq!(w.invoice(&inv_id)["attempt_count"], 2);
    assert_eq!(w.invoice(&inv_id)["next_payment_attempt"].as_i64(), Some(end + 8 * DAY));
    w.sim.advance_clock(5 * DAY).unwrap();
    assert_eq!(w.sub(&id)["status"], "past_due");
    w.sim.advance_clock(7 * DAY).unwrap();
    let gone = w.sub(&id);
    assert_eq!(gone["status"], "canceled");
    assert_eq!(gone["cancellation_details"]["reason"], "payment_failed");
    assert_eq!(w.invoice(&inv_id)["attempt_count"], 4);
    assert_eq!(w.events("invoice.payment_failed").len(), 4);

    // With "unpaid" as the final step, a later good card and /pay bring it back.
    w.sim.set_settings(stripe_sim::state::Settings {
        after_all_retries_fail: "unpaid".into(),
        retry_days: vec![1],
        ..Default::default()
    });
    let cus = w.customer(Some("pm_card_visa"));
    let sub = w.subscribe(&cus, &[]).body;
    let id = sub["id"].as_str().unwrap().to_string();
    w.sim.add_card(&cus, "pm_card_chargeCustomerFail").unwrap();
    let end = sub["items"]["data"][0]["current_period_end"].as_i64().unwrap();
    let now = w.sim.now();
    w.sim.advance_clock(end - now + DAY).unwrap();
    let s = w.sub(&id);
    assert_eq!(s["status"], "unpaid");
    let good = w.sim.add_card(&cus, "pm_card_visa").unwrap();
    let inv = s["latest_invoice"].as_str().unwrap();
    w.api.ok(&format!("/v1/invoices/{inv}/pay"), &[("payment_method", good.as_str())]);
    assert_eq!(w.sub(&id)["status"], "active");
}

#[test]
fn a_retry_that_succeeds_makes_the_subscription_active_again() {
    let w = world();
    let cus = w.customer(Some("pm_card_visa"));
    let sub = w.subscribe(&cus, &[]).body;
    let id = sub["id"].as_str().unwrap().to_string();
    w.sim.add_card(&cus, "pm_card_chargeCustomerFail").unwrap();
    let end = sub["items"]["data"][0]["current_period_end"].as_i64().unwrap();
    let now = w.sim.now();
    w.sim.advance_clock(end - now + 3600).unwrap();
    assert_eq!(w.sub(&id)["status"], "past_due");
    w.sim.add_card(&cus, "pm_card_visa").unwrap();
    w.sim.advance_clock(3 * DAY).unwrap();
    assert_eq!(w.sub(&id)["status"], "active");
}

#[test]
fn send_invoice_leaves_an_open_invoice_and_past_due_after_its_due_date() {
    let w = world();
    let cus = w.customer(None);
    let r = w.subscribe(&cus, &[("collection_method", "send_invoice")]);
    assert_eq!((r.status, r.error_code()), (400, "parameter_missing"), "days_until_due is needed");
    let sub =
        w.subscribe(&cus, &[("collection_method", "send_invoice"), ("days_until_due", "10")]).body;
    assert_eq!(sub["status"], "active");
    let inv_id = sub["latest_invoice"].as_str().unwrap().to_string();
    let inv = w.invoice(&inv_id);
    assert_eq!(inv["status"], "open");
    assert!(inv["hosted_invoice_url"].as_str().unwrap().starts_with("https://"));
    assert_eq!(inv["due_date"].as_i64(), Some(sub["created"].as_i64().unwrap() + 10 * DAY));
    w.api.ok(&format!("/v1/invoices/{inv_id}/send"), &[]);
    assert_eq!(w.events("invoice.sent").len(), 1);
    w.sim.advance_clock(10 * DAY + 1).unwrap();
    assert_eq!(w.sub(sub["id"].as_str().unwrap())["status"], "past_due");
    w.api.ok(&format!("/v1/invoices/{inv_id}/pay"), &[("paid_out_of_band", "true")]);
    assert_eq!(w.sub(sub["id"].as_str().unwrap())["status"], "active");
    let r = w.api.post(&format!("/v1/invoices/{inv_id}/void"), &[]);
    assert_eq!(r.status, 400, "a paid invoice cannot be voided");
}

#[test]
fn the_clock_moves_created_times_and_only_forward() {
    let w = world();
    let t0 = w.sim.now();
    w.sim.advance_clock(30 * DAY).unwrap();
    let cus = w.api.ok("/v1/customers", &[("email", "later@example.com")]);
    let created = cus["created"].as_i64().unwrap();
    assert!(created >= t0 + 30 * DAY && created < t0 + 30 * DAY + 60);
    assert!(w.sim.advance_clock(-1).is_err());
    let r = w.api.get("/_sim/clock", &[]);
    assert!(r.body["now"].as_i64().unwrap() >= t0 + 30 * DAY);
    // Lists filter on created.
    let later = w.api.get("/v1/customers", &[("created[gte]", &(t0 + DAY).to_string())]).body;
    assert_eq!(later["data"].as_array().unwrap().len(), 1);
    let tomorrow = (w.sim.now() + DAY).to_string();
    let none = w.api.get("/v1/products", &[("created[gt]", tomorrow.as_str())]).body;
    assert!(none["data"].as_array().unwrap().is_empty());
}

#[test]
fn price_lists_filter_expand_follows_ids_and_search_is_stripes() {
    let w = world();
    w.api.ok(
        "/v1/prices",
        &[
            ("product", "pro"),
            ("currency", "usd"),
            ("unit_amount", "99000"),
            ("recurring[interval]", "year"),
        ],
    );
    let monthly = w.api.get("/v1/prices", &[("recurring[interval]", "month")]).body;
    assert_eq!(monthly["data"].as_array().unwrap().len(), 1);
    let one_time = w.api.get("/v1/prices", &[("type", "one_time")]).body;
    assert!(one_time["data"].as_array().unwrap().is_empty());
    let expanded = w.api.get("/v1/prices", &[("expand[]", "data.product")]).body;
    assert_eq!(expanded["data"][0]["product"]["object"], "product");
    let cus = w.customer(Some("pm_card_visa"));
    let sub = w.subscribe(&cus, &[("expand[]", "latest_invoice")]).body;
    assert_eq!(sub["latest_invoice"]["object"], "invoice");
    let sub = w
        .api
        .get(
            &format!("/v1/subscriptions/{}", sub["id"].as_str().unwrap()),
            &[("expand[]", "customer")],
        )
        .body;
    assert_eq!(sub["customer"]["object"], "customer");
    let bad = w.api.get("/v1/prices", &[("expand[]", "data.nickname")]);
    assert_eq!(bad.status, 400, "not expandable");
    // Search: ':' is case-insensitive, no total_count, subscriptions and invoices searchable.
    let hit = w.api.get("/v1/customers/search", &[("query", "email:'PAY@EXAMPLE.COM'")]).body;
    assert_eq!(hit["data"].as_array().unwrap().len(), 1);
    assert!(hit.get("total_count").is_none());
    let subs = w.api.get("/v1/subscriptions/search", &[("query", "status:'active'")]).body;
    assert_eq!(subs["data"].as_array().unwrap().len(), 1);
    let q = format!("subscription:'{}'", sub["id"].as_str().unwrap());
    let invs = w.api.get("/v1/invoices/search", &[("query", q.as_str())]).body;
    assert_eq!(invs["data"].as_array().unwrap().len(), 1);
    let keys: Vec<(String, String)> =
        (0..11).map(|i| (format!("lookup_keys[{i}]"), format!("k{i}"))).collect();
    let form: Vec<(&str, &str)> = keys.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(w.api.get("/v1/prices", &form).status, 400, "at most 10 lookup_keys");
}

#[test]
fn search_lags_behind_writes_when_told_to() {
    let w = world_with(StripeSim::builder().search_lag_ms(60_000).start().unwrap());
    w.customer(None);
    let hit = w.api.get("/v1/customers/search", &[("query", "email:'pay@example.com'")]).body;
    assert!(hit["data"].as_array().unwrap().is_empty(), "not yet visible");
    assert_eq!(
        w.api.get("/v1/customers", &[]).body["data"].as_array().unwrap().len(),
        1,
        "lists see it at once"
    );
}

#[test]
fn api_versions_are_checked_and_old_endpoints_get_the_old_subscription_shape() {
    let w = world();
    let r =
        w.api.send("GET", "/v1/customers", &[], &[("Stripe-Version", "2099-01-01.bogus")]).unwrap();
    assert_eq!(r.status, 400);
    let r = w.api.send("GET", "/v1/customers", &[], &[("Stripe-Version", "2024-06-20")]).unwrap();
    assert_eq!(r.status, 200);
    let r = w.api.post(
        "/v1/webhook_endpoints",
        &[
            ("url", "http://127.0.0.1:9/x"),
            ("enabled_events[]", "*"),
            ("api_version", "1999-01-01"),
        ],
    );
    assert_eq!(r.status, 400);
    let hook_old = common::Receiver::start(200);
    let hook_new = common::Receiver::start(200);
    w.api.ok(
        "/v1/webhook_endpoints",
        &[
            ("url", hook_old.url.as_str()),
            ("enabled_events[0]", "customer.subscription.created"),
            ("api_version", "2024-06-20"),
        ],
    );
    w.api.ok(
        "/v1/webhook_endpoints",
        &[("url", hook_new.url.as_str()), ("enabled_events[0]", "customer.subscription.created")],
    );
    let cus = w.customer(Some("pm_card_visa"));
    w.subscribe(&cus, &[]);
    assert!(w.sim.wait_for_webhooks(std::time::Duration::from_secs(20)));
    let old: Value = serde_json::from_slice(&hook_old.received()[0].body).unwrap();
    let new: Value = serde_json::from_slice(&hook_new.received()[0].body).unwrap();
    assert_eq!(old["api_version"], "2024-06-20");
    assert_eq!(new["api_version"], stripe_sim::API_VERSION);
    let (o, n) = (&old["data"]["object"], &new["data"]["object"]);
    assert!(o["current_period_end"].is_i64(), "on the subscription before 2025-03-31");
    assert!(o["items"]["data"][0].get("current_period_end").is_none());
    assert!(n.get("current_period_end").is_none() || n["current_period_end"].is_null());
    assert!(n["items"]["data"][0]["current_period_end"].is_i64());
}

#[test]
fn portal_checkout_setup_and_expiry_and_documented_parameters() {
    let w = world();
    let cus = w.customer(None);
    let portal = w.api.ok(
        "/v1/billing_portal/sessions",
        &[("customer", cus.as_str()), ("return_url", "https://example.com/account")],
    );
    assert!(portal["url"].as_str().unwrap().starts_with("https://billing.stripe.com/p/session/"));
    let setup = w.api.ok(
        "/v1/checkout/sessions",
        &[
            ("mode", "setup"),
            ("customer", cus.as_str()),
            ("currency", "usd"),
            ("success_url", "https://example.com/ok"),
        ],
    );
    assert_eq!(setup["mode"], "setup");
    w.sim.complete_checkout(setup["id"].as_str().unwrap()).unwrap();
    let customer = w.api.get(&format!("/v1/customers/{cus}"), &[]).body;
    assert!(customer["invoice_settings"]["default_payment_method"].is_string());
    let pay = w.api.ok(
        "/v1/checkout/sessions",
        &[
            ("mode", "subscription"),
            ("line_items[0][price]", w.price.as_str()),
            ("line_items[0][quantity]", "1"),
            ("success_url", "https://example.com/ok"),
        ],
    );
    let id = pay["id"].as_str().unwrap();
    let expired = w.api.ok(&format!("/v1/checkout/sessions/{id}/expire"), &[]);
    assert_eq!(expired["status"], "expired");
    assert_eq!(w.api.post(&format!("/v1/checkout/sessions/{id}/expire"), &[]).status, 400);
    assert_eq!(w.events("checkout.session.expired").len(), 1);
    // Documented parameters are accepted; unknown ones still get parameter_unknown.
    let r = w.subscribe(
        &cus,
        &[
            ("billing_cycle_anchor", &(w.sim.now() + 5 * DAY).to_string()),
            ("off_session", "true"),
            ("proration_behavior", "none"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.body["items"]["data"][0]["current_period_end"].as_i64(),
        r.body["billing_cycle_anchor"].as_i64()
    );
    let r = w.subscribe(&cus, &[("colour", "blue")]);
    assert_eq!((r.status, r.error_code()), (400, "parameter_unknown"));
    let r = w.api.post("/v1/customers", &[("tax_exempt", "none"), ("balance", "0")]);
    assert_eq!(r.status, 200, "{}", r.body);
}

/// Quantities as Stripe takes them: a negative one refused on create and on update (nothing
/// changed), none on a metered price, at least 1 on a Checkout line; invoices bill unit amount
/// × quantity, and a mid-period change of quantity is prorated as `proration_behavior` says.
#[test]
fn quantities_are_refused_as_stripe_refuses_them_and_prorated() {
    let w = world();
    let cus = w.customer(Some("pm_card_visa"));
    let r = w.subscribe(&cus, &[("items[0][quantity]", "-1")]);
    assert_eq!((r.status, r.body["error"]["param"].as_str()), (400, Some("items[0][quantity]")));
    let r = w.subscribe(&cus, &[("items[0][quantity]", "2.5")]);
    assert_eq!(r.error_code(), "parameter_invalid_integer");
    let sub = w.subscribe(&cus, &[("items[0][quantity]", "3")]).body;
    let id = sub["id"].as_str().unwrap().to_string();
    let item = sub["items"]["data"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(sub["items"]["data"][0]["quantity"], 3);
    let first = w.invoice(sub["latest_invoice"].as_str().unwrap());
    assert_eq!(first["amount_due"], 3 * 9900);
    let path = format!("/v1/subscriptions/{id}");
    let r = w.api.post(&path, &[("items[0][id]", &item), ("items[0][quantity]", "-2")]);
    assert_eq!((r.status, r.body["error"]["param"].as_str()), (400, Some("items[0][quantity]")));
    assert_eq!(w.sub(&id)["items"]["data"][0]["quantity"], 3, "unchanged");
    // `none`: no proration at all.
    w.api.ok(
        &path,
        &[("items[0][id]", &item), ("items[0][quantity]", "5"), ("proration_behavior", "none")],
    );
    assert!(!w.sim.state().pending_prorations.contains_key(&id));
    // `always_invoice`: the unused share of 5 seats credited, the remaining share of 6 charged.
    let before = w.sim.state().invoices.len();
    let after = w.api.ok(
        &path,
        &[
            ("items[0][id]", &item),
            ("items[0][quantity]", "6"),
            ("proration_behavior", "always_invoice"),
        ],
    );
    assert_eq!(after["items"]["data"][0]["quantity"], 6);
    assert_eq!(w.sim.state().invoices.len(), before + 1);
    let inv = w.invoice(after["latest_invoice"].as_str().unwrap());
    assert_eq!(inv["billing_reason"], "subscription_update");
    let lines: Vec<(i64, i64)> = inv["lines"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["quantity"].as_i64().unwrap(), l["amount"].as_i64().unwrap()))
        .collect();
    assert_eq!(lines.iter().map(|l| l.0).collect::<Vec<_>>(), [5, 6]);
    let (credit, charge) = (-lines[0].1, lines[1].1);
    assert!(credit > 0 && charge > credit && charge <= 6 * 9900, "{lines:?}");
    assert_eq!(inv["total"], charge - credit);
    // A Checkout line sells at least one.
    let r = w.api.post(
        "/v1/checkout/sessions",
        &[
            ("mode", "subscription"),
            ("customer", &cus),
            ("line_items[0][price]", &w.price),
            ("line_items[0][quantity]", "0"),
            ("success_url", "https://example.com/ok"),
        ],
    );
    assert_eq!(
        (r.status, r.body["error"]["param"].as_str()),
        (400, Some("line_items[0][quantity]"))
    );
}

/// A metered price bills usage, never a quantity: Stripe refuses one on create and on update.
#[test]
fn a_metered_item_takes_no_quantity() {
    let w = world();
    let m = w.api.ok(
        "/v1/billing/meters",
        &[
            ("display_name", "Calls"),
            ("event_name", "api_calls"),
            ("default_aggregation[formula]", "sum"),
        ],
    );
    let metered = w.api.ok(
        "/v1/prices",
        &[
            ("product", "pro"),
            ("unit_amount", "1"),
            ("currency", "usd"),
            ("recurring[interval]", "month"),
            ("recurring[usage_type]", "metered"),
            ("recurring[meter]", m["id"].as_str().unwrap()),
        ],
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    let cus = w.customer(Some("pm_card_visa"));
    let r = w.api.post(
        "/v1/subscriptions",
        &[("customer", &cus), ("items[0][price]", &metered), ("items[0][quantity]", "2")],
    );
    assert_eq!(
        (r.status, r.body["error"]["param"].as_str()),
        (400, Some("items[0][quantity]")),
        "{}",
        r.body
    );
    let sub = w.api.ok("/v1/subscriptions", &[("customer", &cus), ("items[0][price]", &metered)]);
    let item = sub["items"]["data"][0]["id"].as_str().unwrap().to_string();
    let r = w.api.post(
        &format!("/v1/subscriptions/{}", sub["id"].as_str().unwrap()),
        &[("items[0][id]", &item), ("items[0][quantity]", "3")],
    );
    assert_eq!(r.status, 400, "{}", r.body);
}

/// A request that began executing saves its result under its key, a failure included, as
/// Stripe does: a declined first payment (`error_if_incomplete`) is answered again, replayed,
/// even after the customer's card was replaced; a new key makes a new request.
/// See <https://docs.stripe.com/api/idempotent_requests>.
#[test]
fn a_declined_request_is_replayed_under_its_key() {
    let w = world();
    let cus = w.customer(Some("pm_card_chargeCustomerFail"));
    let form = [
        ("customer", cus.as_str()),
        ("items[0][price]", w.price.as_str()),
        ("payment_behavior", "error_if_incomplete"),
    ];
    let first = w.api.post_idem("/v1/subscriptions", &form, "declined-1");
    assert_eq!(first.status, 402, "{}", first.body);
    let pm = w.api.ok("/v1/payment_methods/pm_card_visa/attach", &[("customer", &cus)]);
    let pm = pm["id"].as_str().unwrap();
    w.api.ok(&format!("/v1/customers/{cus}"), &[("invoice_settings[default_payment_method]", pm)]);
    let again = w.api.post_idem("/v1/subscriptions", &form, "declined-1");
    assert_eq!((again.status, again.header("idempotent-replayed")), (402, Some("true")));
    assert_eq!(again.body, first.body);
    assert!(w.sim.state().subscriptions.is_empty(), "nothing created");
    let fresh = w.api.post_idem("/v1/subscriptions", &form, "declined-2");
    assert_eq!(fresh.status, 200, "{}", fresh.body);
}
