//! Stripe's published example objects (`fixtures/fixtures3.json`, from stripe/openapi, MIT).
//! Every object the simulator returns starts as a copy of the fixture for its resource.

use serde_json::Value;
use std::sync::OnceLock;

static FIXTURES: OnceLock<Value> = OnceLock::new();

fn all() -> &'static Value {
    FIXTURES.get_or_init(|| {
        serde_json::from_str(include_str!("../fixtures/fixtures3.json"))
            .expect("fixtures3.json is valid JSON")
    })
}

/// A fresh copy of Stripe's fixture for `resource` (`"product"`, `"billing.meter"`, ...).
///
/// Panics on an unknown name: that is a bug in the simulator, not a request error.
pub fn fixture(resource: &str) -> Value {
    all()["resources"]
        .get(resource)
        .cloned()
        .unwrap_or_else(|| panic!("no Stripe fixture for resource {resource}"))
}

/// The fixture names the simulator builds responses from.
pub const USED: &[&str] = &[
    "product",
    "deleted_product",
    "price",
    "plan",
    "customer",
    "deleted_customer",
    "subscription",
    "subscription_item",
    "invoice",
    "checkout.session",
    "billing.meter",
    "billing.meter_event",
    "billing.meter_event_summary",
    "event",
    "webhook_endpoint",
    "deleted_webhook_endpoint",
    "payment_method",
    "payment_intent",
    "invoice_payment",
    "billing_portal.session",
    "test_helpers.test_clock",
    "deleted_test_helpers.test_clock",
];

#[cfg(test)]
mod tests {
    #[test]
    fn every_used_fixture_exists_and_is_an_object() {
        for name in super::USED {
            let f = super::fixture(name);
            assert!(f.is_object(), "{name}");
            assert!(f.get("object").is_some(), "{name} has an object field");
        }
    }
}
