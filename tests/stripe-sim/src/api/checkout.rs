//! Checkout Sessions in `mode=subscription`, and the simulator-only completion that stands in
//! for a customer paying on the hosted page. See <https://docs.stripe.com/api/checkout/sessions>.

use super::{customers, newest_first, subscriptions, Req};
use crate::error::ApiError;
use crate::fixtures::fixture;
use crate::list;
use crate::state::{ReqMeta, State};
use crate::util::{apply_metadata, new_id, Params};
use serde_json::{json, Map, Value};

pub fn create(state: &mut State, req: &Req) -> Result<Value, ApiError> {
    let p = req.p();
    p.allow_only(CREATE_PARAMS)?;
    let mode = p.req_str("mode")?;
    match mode {
        "subscription" => {}
        "setup" => return create_setup(state, req),
        "payment" => {
            return Err(ApiError::invalid(
                "The simulator supports mode=subscription and mode=setup, not `payment`.",
            )
            .param("mode"))
        }
        other => return Err(ApiError::bad_value("mode", other)),
    }
    let success_url = success_url(&p)?;
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
    let total: i64 = items.iter().map(|(pr, q)| pr["unit_amount"].as_i64().unwrap_or(0) * q).sum();
    let t = state.now();
    let id = new_id("cs_test_");
    let expires_at = expiry(&p, t)?;
    let mut s = fixture("checkout.session");
    s["id"] = json!(id);
    s["object"] = json!("checkout.session");
    s["created"] = json!(t);
    s["expires_at"] = json!(expires_at);
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
    s["client_reference_id"] = p.str("client_reference_id").map(Value::from).unwrap_or(Value::Null);
    s["success_url"] = success_url.map(Value::from).unwrap_or(Value::Null);
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
    let lines: Vec<Value> =
        items.iter().map(|(pr, q)| json!({"price": pr["id"], "quantity": q})).collect();
    let sub_meta = p
        .obj("subscription_data")
        .and_then(|sd| sd.0.get("metadata").cloned())
        .unwrap_or(json!({}));
    state
        .checkout_items
        .insert(id.clone(), json!({"line_items": lines, "subscription_metadata": sub_meta}));
    state.checkout_sessions.insert(id, s.clone());
    Ok(s)
}

/// Parameters Stripe documents for creating a Checkout Session.
const CREATE_PARAMS: &[&str] = &[
    "adaptive_pricing",
    "after_expiration",
    "allow_promotion_codes",
    "automatic_tax",
    "billing_address_collection",
    "branding_settings",
    "cancel_url",
    "client_reference_id",
    "consent_collection",
    "currency",
    "custom_fields",
    "custom_text",
    "customer",
    "customer_account",
    "customer_creation",
    "customer_email",
    "customer_update",
    "discounts",
    "excluded_payment_method_types",
    "expires_at",
    "invoice_creation",
    "line_items",
    "locale",
    "metadata",
    "mode",
    "name_collection",
    "optional_items",
    "origin_context",
    "payment_intent_data",
    "payment_method_collection",
    "payment_method_configuration",
    "payment_method_data",
    "payment_method_options",
    "payment_method_types",
    "permissions",
    "phone_number_collection",
    "redirect_on_completion",
    "return_url",
    "saved_payment_method_options",
    "setup_intent_data",
    "shipping_address_collection",
    "shipping_options",
    "submit_type",
    "subscription_data",
    "success_url",
    "tax_id_collection",
    "ui_mode",
    "wallet_options",
];

/// `success_url`, required for the hosted page (unless `ui_mode` embeds it).
fn success_url<'a>(p: &Params<'a>) -> Result<Option<&'a str>, ApiError> {
    match (p.str("ui_mode"), p.str("success_url")) {
        (Some("embedded" | "custom"), url) => Ok(url),
        (_, Some(url)) if !url.is_empty() => Ok(Some(url)),
        _ => Err(ApiError::missing("success_url")),
    }
}

/// `expires_at`: 30 minutes to 24 hours from now (default 24 hours), as Stripe allows.
fn expiry(p: &Params, t: i64) -> Result<i64, ApiError> {
    match p.int("expires_at")? {
        None => Ok(t + 24 * 3600),
        Some(e) if e >= t + 1800 && e <= t + 24 * 3600 => Ok(e),
        Some(_) => Err(ApiError::invalid(
            "The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.",
        )
        .param("expires_at")),
    }
}

/// `mode=setup`: collects a payment method for later; completing it attaches one to the
/// customer.
fn create_setup(state: &mut State, req: &Req) -> Result<Value, ApiError> {
    let p = req.p();
    if p.has("line_items") {
        return Err(
            ApiError::invalid("You cannot pass `line_items` in `setup` mode.").param("line_items")
        );
    }
    let success = success_url(&p)?;
    let customer = p.str("customer").filter(|s| !s.is_empty());
    if let Some(c) = customer {
        customers::live(state, c, "customer")?;
    }
    let currency = p.str("currency");
    if currency.is_none() && !p.has("payment_method_types") {
        return Err(ApiError::missing("currency"));
    }
    let t = state.now();
    let id = new_id("cs_test_");
    let mut s = fixture("checkout.session");
    s["id"] = json!(id);
    s["object"] = json!("checkout.session");
    s["created"] = json!(t);
    s["expires_at"] = json!(expiry(&p, t)?);
    s["livemode"] = json!(false);
    s["mode"] = json!("setup");
    s["status"] = json!("open");
    s["payment_status"] = json!("no_payment_required");
    s["currency"] = currency.map(Value::from).unwrap_or(Value::Null);
    s["amount_subtotal"] = Value::Null;
    s["amount_total"] = Value::Null;
    s["customer"] = customer.map(Value::from).unwrap_or(Value::Null);
    s["customer_email"] = Value::Null;
    s["customer_details"] = Value::Null;
    s["client_reference_id"] = p.str("client_reference_id").map(Value::from).unwrap_or(Value::Null);
    s["success_url"] = success.map(Value::from).unwrap_or(Value::Null);
    s["cancel_url"] = p.str("cancel_url").map(Value::from).unwrap_or(Value::Null);
    s["url"] = json!(format!("https://checkout.stripe.com/c/pay/{id}"));
    s["metadata"] = json!({});
    s["total_details"] = Value::Null;
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
    state.checkout_sessions.insert(id, s.clone());
    Ok(s)
}

/// `POST /v1/checkout/sessions/{id}/expire`: an open session can no longer be completed.
pub fn expire(state: &mut State, req: &Req, id: &str) -> Result<Value, ApiError> {
    req.p().allow_only(&[])?;
    let s = State::get(&state.checkout_sessions, "checkout.session", id, "session")?;
    if s["status"] != "open" {
        return Err(ApiError::invalid(format!(
            "Only Checkout Sessions with a status in [\"open\"] can be expired. This Checkout Session has a status of \"{}\".",
            s["status"].as_str().unwrap_or("unknown")
        ))
        .param("session"));
    }
    Ok(expire_now(state, id, &req.meta))
}

/// Marks a session expired and emits `checkout.session.expired`.
pub fn expire_now(state: &mut State, id: &str, meta: &ReqMeta) -> Value {
    let Some(s) = state.checkout_sessions.get_mut(id) else {
        return Value::Null;
    };
    s["status"] = json!("expired");
    s["url"] = Value::Null;
    let s = s.clone();
    state.emit("checkout.session.expired", &s, None, meta);
    s
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

/// Completes an open session as the hosted page would: the customer (created from
/// `customer_email` when needed) enters `card` (a `pm_card_…` test method; Visa by default),
/// which is attached and made the invoice default; in `subscription` mode the subscription is
/// created and its first invoice charged. A card that fails leaves the session open, with
/// Stripe's error, as the page would show it.
pub fn complete_session(
    state: &mut State,
    id: &str,
    card: Option<&str>,
) -> Result<Value, ApiError> {
    let meta = ReqMeta::default();
    let mut s = State::get(&state.checkout_sessions, "checkout.session", id, "session")?.clone();
    if s["status"] != "open" {
        return Err(ApiError::invalid(format!(
            "Checkout session {id} is {}, not open.",
            s["status"]
        )));
    }
    if s["expires_at"].as_i64().is_some_and(|e| e < state.now()) {
        return Err(ApiError::invalid(format!("Checkout session {id} has expired.")));
    }
    let card = card.unwrap_or("pm_card_visa");
    let found = super::payments::retrieve(state, card)?;
    match super::payments::behavior(&found) {
        super::payments::Behavior::Succeeds => {}
        super::payments::Behavior::NeedsAuthentication => {}
        super::payments::Behavior::DeclinedOnAttach(code) => {
            return Err(ApiError::card("Your card was declined.", "card_declined", Some(code)))
        }
        super::payments::Behavior::ChargesFail if s["mode"] == "subscription" => {
            return Err(ApiError::card(
                "Your card was declined.",
                "card_declined",
                Some("generic_decline"),
            ))
        }
        super::payments::Behavior::ChargesFail => {}
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
    let pm = super::payments::attach_to(state, card, &customer_id, &meta)?;
    if let Some(c) = state.customers.get_mut(&customer_id) {
        c["invoice_settings"]["default_payment_method"] = pm["id"].clone();
    }
    if s["mode"] == "setup" {
        s["setup_intent"] = json!(new_id("seti"));
    } else {
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
        sub_params.insert("default_payment_method".into(), pm["id"].clone());
        let sub =
            subscriptions::insert_new(state, &customer_id, &prices, &Params(&sub_params), &meta)?;
        s["subscription"] = sub["id"].clone();
        s["invoice"] = sub["latest_invoice"].clone();
        s["payment_status"] = json!(if sub["status"] == "active" { "paid" } else { "unpaid" });
    }
    let customer = state.customers[&customer_id].clone();
    s["status"] = json!("complete");
    s["url"] = Value::Null;
    s["customer"] = json!(customer_id);
    let mut details = fixture("checkout.session")["customer_details"].clone();
    details["email"] = customer["email"].clone();
    details["name"] = customer["name"].clone();
    s["customer_details"] = details;
    state.checkout_sessions.insert(id.to_string(), s.clone());
    state.emit("checkout.session.completed", &s, None, &meta);
    Ok(s)
}
