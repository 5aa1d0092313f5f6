//! Test clocks as Stripe documents them: customers on a clock live at its frozen time, and
//! advancing it renews, ends trials and retries payments for them alone; the advance is
//! asynchronous (poll for `ready`), bounded, and refuses changes meanwhile; a clock holds at
//! most three customers; deleting it deletes them; each step emits its event.

use crate::common;

use common::Api;
use serde_json::Value;
use stripe_sim::StripeSim;

const DAY: i64 = 86_400;

fn price(api: &Api) -> String {
    api.ok("/v1/products", &[("id", "pro"), ("name", "Pro")]);
    api.ok(
        "/v1/prices",
        &[
            ("product", "pro"),
            ("currency", "usd"),
            ("unit_amount", "9900"),
            ("recurring[interval]", "month"),
        ],
    )["id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn customer(api: &Api, clock: Option<&str>, card: &str) -> String {
    let mut form = vec![
        ("email", "clock@example.com"),
        ("payment_method", card),
        ("invoice_settings[default_payment_method]", card),
    ];
    if let Some(c) = clock {
        form.push(("test_clock", c));
    }
    api.ok("/v1/customers", &form)["id"].as_str().unwrap().to_string()
}

fn events(api: &Api, kind: &str) -> Vec<Value> {
    api.get("/v1/events", &[("type", kind), ("limit", "100")]).body["data"]
        .as_array()
        .unwrap()
        .clone()
}

/// The subscription as Stripe has it now.
fn subscription(api: &Api, sub: &Value) -> Value {
    api.get(&format!("/v1/subscriptions/{}", sub["id"].as_str().unwrap()), &[]).body
}

/// Polls the clock until it is ready, as a client must; returns how many polls it took.
fn wait_ready(api: &Api, clock: &str) -> usize {
    for n in 1..=10 {
        let c = api.get(&format!("/v1/test_helpers/test_clocks/{clock}"), &[]).body;
        if c["status"] == "ready" {
            return n;
        }
    }
    panic!("clock {clock} never became ready");
}

#[test]
fn a_clock_moves_its_customers_alone() {
    let sim = StripeSim::start();
    let api = Api::new(&sim);
    let price = price(&api);
    let t0 = sim.now() - 40 * DAY;
    let clock = api.ok(
        "/v1/test_helpers/test_clocks",
        &[("frozen_time", &t0.to_string()), ("name", "billing month")],
    );
    assert_eq!(clock["object"], "test_helpers.test_clock");
    assert_eq!(
        (clock["status"].as_str(), clock["frozen_time"].as_i64()),
        (Some("ready"), Some(t0))
    );
    let id = clock["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("clock_"));
    assert_eq!(events(&api, "test_helpers.test_clock.created").len(), 1);

    // A customer on the clock lives at its frozen time; one off it at the account's.
    let on = customer(&api, Some(&id), "pm_card_visa");
    let off = customer(&api, None, "pm_card_visa");
    let c = api.get(&format!("/v1/customers/{on}"), &[]).body;
    assert_eq!((c["test_clock"].as_str(), c["created"].as_i64()), (Some(id.as_str()), Some(t0)));
    let sub_on = api.ok("/v1/subscriptions", &[("customer", &on), ("items[0][price]", &price)]);
    let sub_off = api.ok("/v1/subscriptions", &[("customer", &off), ("items[0][price]", &price)]);
    assert_eq!(sub_on["created"].as_i64(), Some(t0));
    let end = sub_on["items"]["data"][0]["current_period_end"].as_i64().unwrap();
    assert!(end < sim.now(), "the clock customer's period ended in the account's past");
    let off_end = sub_off["items"]["data"][0]["current_period_end"].as_i64().unwrap();

    // The account's own time does not renew the clock's subscription...
    sim.advance_clock(0).unwrap();
    let s = subscription(&api, &sub_on);
    assert_eq!(s["items"]["data"][0]["current_period_end"].as_i64(), Some(end));

    // ...the clock does: advanced past the period end, it renews, once.
    let adv = api.ok(
        &format!("/v1/test_helpers/test_clocks/{id}/advance"),
        &[("frozen_time", &(end + 3600).to_string())],
    );
    assert_eq!(adv["status"], "advancing", "an advance is asynchronous");
    // Meanwhile its objects refuse changes.
    let r = api.post(
        &format!("/v1/subscriptions/{}", sub_on["id"].as_str().unwrap()),
        &[("metadata[x]", "y")],
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body["error"]["message"].as_str().unwrap().contains("advancing"));
    assert_eq!(wait_ready(&api, &id), 1);
    let s = subscription(&api, &sub_on);
    assert_eq!(s["items"]["data"][0]["current_period_start"].as_i64(), Some(end));
    let invoices = api.get("/v1/invoices", &[("customer", &on)]).body;
    assert_eq!(invoices["data"].as_array().unwrap().len(), 2, "the first and the renewal");
    assert_eq!(invoices["data"][0]["created"].as_i64(), Some(end), "at the clock's moment");
    // The customer off the clock was not moved.
    let s = subscription(&api, &sub_off);
    assert_eq!(s["items"]["data"][0]["current_period_end"].as_i64(), Some(off_end));
    assert_eq!(events(&api, "test_helpers.test_clock.advancing").len(), 1);
    assert_eq!(events(&api, "test_helpers.test_clock.ready").len(), 1);

    // Bounds: not backwards, not more than two intervals of its shortest subscription.
    let now = end + 3600;
    for (to, why) in [(now, "after"), (now + 70 * DAY, "two intervals")] {
        let r = api.post(
            &format!("/v1/test_helpers/test_clocks/{id}/advance"),
            &[("frozen_time", &to.to_string())],
        );
        assert_eq!(r.status, 400, "{why}: {}", r.body);
        assert_eq!(r.body["error"]["param"], "frozen_time");
        assert!(r.body["error"]["message"].as_str().unwrap().contains(why), "{}", r.body);
    }

    // At most three customers; deleting the clock deletes them and ends their subscriptions.
    customer(&api, Some(&id), "pm_card_visa");
    customer(&api, Some(&id), "pm_card_visa");
    let r = api.post("/v1/customers", &[("email", "fourth@example.com"), ("test_clock", &id)]);
    assert_eq!((r.status, r.body["error"]["param"].as_str()), (400, Some("test_clock")));
    let d = api.delete(&format!("/v1/test_helpers/test_clocks/{id}"));
    assert_eq!((d.status, d.body["deleted"].as_bool()), (200, Some(true)));
    assert_eq!(api.get(&format!("/v1/customers/{on}"), &[]).body["deleted"], true);
    let s = subscription(&api, &sub_on);
    assert_eq!(s["status"], "canceled");
    assert_eq!(api.get(&format!("/v1/test_helpers/test_clocks/{id}"), &[]).status, 404);
    assert_eq!(events(&api, "test_helpers.test_clock.deleted").len(), 1);
    assert_eq!(api.get(&format!("/v1/customers/{off}"), &[]).body["deleted"], Value::Null);
}

#[test]
fn a_trial_and_a_failing_card_follow_the_clock() {
    let sim = StripeSim::start();
    let api = Api::new(&sim);
    let price = price(&api);
    let t0 = sim.now();
    let clock = api.ok("/v1/test_helpers/test_clocks", &[("frozen_time", &t0.to_string())]);
    let id = clock["id"].as_str().unwrap().to_string();
    let cus = customer(&api, Some(&id), "pm_card_chargeCustomerFail");
    let sub = api.ok(
        "/v1/subscriptions",
        &[("customer", &cus), ("items[0][price]", &price), ("trial_period_days", "7")],
    );
    assert_eq!(sub["status"], "trialing");
    let sid = sub["id"].as_str().unwrap().to_string();
    // Eight days on the clock: the trial ends, the first charge is declined: past_due.
    api.ok(
        &format!("/v1/test_helpers/test_clocks/{id}/advance"),
        &[("frozen_time", &(t0 + 8 * DAY).to_string())],
    );
    wait_ready(&api, &id);
    let s = api.get(&format!("/v1/subscriptions/{sid}"), &[]).body;
    assert_eq!(s["status"], "past_due", "{s}");
    assert_eq!(events(&api, "customer.subscription.trial_will_end").len(), 1);
    let failed = events(&api, "invoice.payment_failed");
    assert_eq!(failed.len(), 1);
    assert_eq!(
        failed[0]["created"].as_i64(),
        Some(t0 + 7 * DAY),
        "at the trial's end on the clock"
    );
    // The account's own clock moving a month does nothing to it.
    sim.advance_clock(30 * DAY).unwrap();
    assert_eq!(events(&api, "invoice.payment_failed").len(), 1);
}
