//! Checkout Sessions in `mode=subscription`, and the simulator-only completion that stands in
//! for a customer paying on the hosted page. See <https://docs.stripe.com/api/checkout/sessions>.

use super::{customers, newest_first, subscriptions, Req};
use crate::error::ApiError;
use crate::fixtures::fixture;
use crate::list;
use crate::state::{ReqMeta, State};
use crate::util::{apply_metadata, new_id, now, Params};
use serde_json::{json, Map, Value};

pub fn create(state: &mut State, req: &Req) -> Result<Value, ApiError> {
    let p = req.p();
    p.allow_only(&[
        "mode",
        "line_items",
        "customer",
        "customer_email",
        "success_url",
        "cancel_url",
        "client_reference_id",
        "metadata",
        "subscription_data",
        "allow_promotion_codes",
        "expires_at",
        "locale",
        "billing_address_collection",
        "payment_method_types",
        "ui_mode",
    ])?;
    let mode = p.req_str("mode")?;
    if mode != "subscription" {
        return Err(ApiError::invalid(format!(
            "The simulator supports mode=subscription only, not `{mode}`."
        ))
        .param("mode"));
    }
    let success_url = p.req_str("success_url")?;
    let (customer, email) = (
        p.str("customer").filter(|s| !s.is_empty()),
        p.str("customer_email").filter(|s| !s.is_empty()),
    );
    if customer.is_some() && email.is_some() {
        return Err(ApiError::invalid(
            "You may only specify one of these parameters: customer, customer_email.",
        )
        .param("customer_email"));
    }
    if let Some(c) = customer {
        customers::live(state, c, "customer")?;
    }
    let items = subscriptions::priced_items(state, &p, "line_items")?;
    let total: i64 = items
        .iter()
        .map(|(pr, q)| pr["unit_amount"].as_i64().unwrap_or(0) * q)
        .sum();
    let t = now();
    let id = new_id("cs_test_");
    let mut s = fixture("checkout.session");
    s["id"] = json!(id);
    s["object"] = json!("checkout.session");
    s["created"] = json!(t);
    s["expires_at"] = json!(p.int("expires_at")?.unwrap_or(t + 24 * 3600));
    s["livemode"] = json!(false);
    s["mode"] = json!("subscription");
    s["status"] = json!("open");
    s["payment_status"] = json!("unpaid");
    s["currency"] = items[0].0["currency"].clone();
    s["amount_subtotal"] = json!(total);
    s["amount_total"] = json!(total);
    s["customer"] = customer.map(Value::from).unwrap_or(Value::Null);
    s["customer_email"] = email.map(Value::from).unwrap_or(Value::Null);
    s["customer_details"] = Value::Null;
    s["client_reference_id"] = p
        .str("client_reference_id")
        .map(Value::from)
        .unwrap_or(Value::Null);
    s["success_url"] = json!(success_url);
    s["cancel_url"] = p.str("cancel_url").map(Value::from).unwrap_or(Value::Null);
    s["url"] = json!(format!("https://checkout.stripe.com/c/pay/{id}"));
    s["metadata"] = json!({});
    s["total_details"] = json!({"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0});
    for key in [
        "payment_intent",
        "subscription",
        "invoice",
        "setup_intent",
        "shipping_cost",
        "shipping_address_collection",
        "collected_information",
        "customer_creation",
    ] {
        s[key] = Value::Null;
    }
    apply_metadata(&mut s, &p)?;
    let lines: Vec<Value> = items
        .iter()
        .map(|(pr, q)| json!({"price": pr["id"], "quantity": q}))
        .collect();
    let sub_meta = p
        .obj("subscription_data")
        .and_then(|sd| sd.0.get("metadata").cloned())
        .unwrap_or(json!({}));
    state.checkout_items.insert(
        id.clone(),
        json!({"line_items": lines, "subscription_metadata": sub_meta}),
    );
    state.checkout_sessions.insert(id, s.clone());
    Ok(s)
}

pub fn retrieve(state: &State, id: &str) -> Result<Value, ApiError> {
    State::get(&state.checkout_sessions, "checkout.session", id, "session").cloned()
}

pub fn list(state: &State, req: &Req) -> Result<Value, ApiError> {
    let p = req.p();
    let customer = p.str("customer");
    let status = p.str("status");
    let items = newest_first(&state.checkout_sessions, |s| {
        customer.is_none_or(|c| s["customer"] == c) && status.is_none_or(|st| s["status"] == st)
    });
    list::page(items, &p, "/v1/checkout/sessions")
}

/// Completes an open session as if the customer paid: creates the customer (from
/// `customer_email`) when needed and the subscription, then emits `checkout.session.completed`.
pub fn complete_session(state: &mut State, id: &str) -> Result<Value, ApiError> {
    let meta = ReqMeta::default();
    let mut s = State::get(&state.checkout_sessions, "checkout.session", id, "session")?.clone();
    if s["status"] != "open" {
        return Err(ApiError::invalid(format!(
            "Checkout session {id} is {}, not open.",
            s["status"]
        )));
    }
    if s["expires_at"].as_i64().is_some_and(|e| e < now()) {
        return Err(ApiError::invalid(format!(
            "Checkout session {id} has expired."
        )));
    }
    let email = s["customer_email"].as_str().map(String::from);
    let customer_id = match s["customer"].as_str() {
        Some(c) => c.to_string(),
        None => {
            let mut m = Map::new();
            m.insert(
                "email".into(),
                json!(email.clone().unwrap_or_else(|| format!(
                    "{}@checkout.example.com",
                    &id[8..20].to_lowercase()
                ))),
            );
            customers::insert_new(state, &Params(&m), &meta)?["id"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        }
    };
    let saved = state.checkout_items.get(id).cloned().unwrap_or(json!({}));
    let mut prices = Vec::new();
    for line in saved["line_items"].as_array().cloned().unwrap_or_default() {
        let price = State::get(
            &state.prices,
            "price",
            line["price"].as_str().unwrap_or_default(),
            "line_items",
        )?
        .clone();
        prices.push((price, line["quantity"].as_i64().unwrap_or(1)));
    }
    let mut sub_params = Map::new();
    sub_params.insert("metadata".into(), saved["subscription_metadata"].clone());
    let sub = subscriptions::insert_new(state, &customer_id, &prices, &Params(&sub_params), &meta)?;
    let customer = state.customers[&customer_id].clone();
    s["status"] = json!("complete");
    s["payment_status"] = json!("paid");
    s["customer"] = json!(customer_id);
    s["subscription"] = sub["id"].clone();
    s["invoice"] = sub["latest_invoice"].clone();
    let mut details = fixture("checkout.session")["customer_details"].clone();
    details["email"] = customer["email"].clone();
    details["name"] = customer["name"].clone();
    s["customer_details"] = details;
    state.checkout_sessions.insert(id.to_string(), s.clone());
    state.emit("checkout.session.completed", &s, None, &meta);
    Ok(s)
}
