//! Payment methods from Stripe's documented test cards, and charging invoices with them: a
//! PaymentIntent and an InvoicePayment per invoice, declines as Stripe's `card_error`s, cards
//! that need authentication. See <https://docs.stripe.com/testing#cards>,
//! <https://docs.stripe.com/api/payment_methods> and <https://docs.stripe.com/api/invoices/pay>.

use super::{customers, newest_first, Req};
use crate::error::ApiError;
use crate::fixtures::fixture;
use crate::list;
use crate::state::{ReqMeta, State};
use crate::util::{apply_metadata, new_id, random_base62};
use serde_json::{json, Value};

/// What a test card does.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Behavior {
    /// Attaches and charges.
    Succeeds,
    /// Declined with this decline code, already when attached to a customer (Stripe checks
    /// the card then); only 4000 0000 0000 0341 attaches and then fails.
    DeclinedOnAttach(&'static str),
    /// Attaches; every charge is declined (`card_declined`).
    ChargesFail,
    /// Every charge needs 3D Secure: the payment waits in `requires_action`.
    NeedsAuthentication,
}

/// One of Stripe's documented test cards.
pub struct TestCard {
    pub token: &'static str,
    pub payment_method: &'static str,
    pub brand: &'static str,
    pub last4: &'static str,
    pub behavior: Behavior,
}

/// The test cards the simulator knows, by token (`tok_…`) and PaymentMethod (`pm_card_…`).
pub const CARDS: &[TestCard] = &[
    TestCard {
        token: "tok_visa",
        payment_method: "pm_card_visa",
        brand: "visa",
        last4: "4242",
        behavior: Behavior::Succeeds,
    },
    TestCard {
        token: "tok_mastercard",
        payment_method: "pm_card_mastercard",
        brand: "mastercard",
        last4: "4444",
        behavior: Behavior::Succeeds,
    },
    TestCard {
        token: "tok_chargeDeclined",
        payment_method: "pm_card_chargeDeclined",
        brand: "visa",
        last4: "0002",
        behavior: Behavior::DeclinedOnAttach("generic_decline"),
    },
    TestCard {
        token: "tok_chargeDeclinedInsufficientFunds",
        payment_method: "pm_card_chargeDeclinedInsufficientFunds",
        brand: "visa",
        last4: "9995",
        behavior: Behavior::DeclinedOnAttach("insufficient_funds"),
    },
    TestCard {
        token: "tok_chargeCustomerFail",
        payment_method: "pm_card_chargeCustomerFail",
        brand: "visa",
        last4: "0341",
        behavior: Behavior::ChargesFail,
    },
    TestCard {
        token: "tok_authenticationRequired",
        payment_method: "pm_card_authenticationRequired",
        brand: "visa",
        last4: "3184",
        behavior: Behavior::NeedsAuthentication,
    },
];

fn card_by_pm(id: &str) -> Option<&'static TestCard> {
    CARDS.iter().find(|c| c.payment_method == id)
}

fn card_by_token(tok: &str) -> Option<&'static TestCard> {
    CARDS.iter().find(|c| c.token == tok)
}

/// What the card behind a stored payment method does (by its last four digits).
pub fn behavior(pm: &Value) -> Behavior {
    let last4 = pm["card"]["last4"].as_str().unwrap_or_default();
    CARDS.iter().find(|c| c.last4 == last4).map_or(Behavior::Succeeds, |c| c.behavior)
}

fn decline_message(code: &str) -> &'static str {
    match code {
        "insufficient_funds" => "Your card has insufficient funds.",
        _ => "Your card was declined.",
    }
}

fn new_payment_method(state: &State, card: &TestCard, id: String) -> Value {
    let mut pm = fixture("payment_method");
    pm["id"] = json!(id);
    pm["created"] = json!(state.now());
    pm["customer"] = Value::Null;
    pm["livemode"] = json!(false);
    pm["metadata"] = json!({});
    pm["billing_details"] = json!({"address": {"city": null, "country": null, "line1": null, "line2": null, "postal_code": null, "state": null}, "email": null, "name": null, "phone": null, "tax_id": null});
    pm["card"]["brand"] = json!(card.brand);
    pm["card"]["display_brand"] = json!(card.brand);
    pm["card"]["last4"] = json!(card.last4);
    pm["card"]["fingerprint"] = json!(format!("sim{}{}", card.brand, card.last4));
    pm["card"]["networks"]["available"] = json!([card.brand]);
    pm["card"]["generated_from"] = Value::Null;
    pm["card"]["wallet"] = Value::Null;
    pm
}

/// `POST /v1/payment_methods`: `type=card` with `card[token]=tok_…` (raw card numbers are
/// refused, as Stripe refuses them without special permission).
pub fn create(state: &mut State, req: &Req) -> Result<Value, ApiError> {
    let p = req.p();
    p.allow_only(&[
        "type",
        "card",
        "billing_details",
        "metadata",
        "allow_redisplay",
        "customer",
        "payment_method",
        "radar_options",
    ])?;
    let kind = p.req_str("type")?;
    if kind != "card" {
        return Err(ApiError::invalid(format!(
            "The simulator creates card payment methods only, not `{kind}`."
        ))
        .param("type"));
    }
    let card = p.obj("card").ok_or_else(|| ApiError::missing("card"))?;
    if card.has("number") {
        return Err(ApiError::invalid("Sending credit card numbers directly to the Stripe API is generally unsafe. To continue processing use Stripe.js, the Stripe mobile bindings, or Stripe Elements. Test tokens such as tok_visa stand in for a card.").param("card[number]"));
    }
    let tok = card.req_str("token").map_err(|_| ApiError::missing("card[token]"))?;
    let test = card_by_token(tok).ok_or_else(|| ApiError::no_such("token", tok, "card[token]"))?;
    let mut pm = new_payment_method(state, test, new_id("pm"));
    if let Some(bd) = p.obj("billing_details") {
        for key in ["email", "name", "phone"] {
            if let Some(v) = bd.str(key) {
                pm["billing_details"][key] = json!(v);
            }
        }
    }
    apply_metadata(&mut pm, &p)?;
    let id = pm["id"].as_str().unwrap_or_default().to_string();
    state.payment_methods.insert(id, pm.clone());
    Ok(pm)
}

/// A stored payment method, or one of the `pm_card_…` test methods (not yet stored).
pub fn retrieve(state: &State, id: &str) -> Result<Value, ApiError> {
    if let Some(pm) = state.payment_methods.get(id) {
        return Ok(pm.clone());
    }
    match card_by_pm(id) {
        Some(card) => Ok(new_payment_method(state, card, id.to_string())),
        None => Err(ApiError::no_such("PaymentMethod", id, "payment_method")),
    }
}

/// Attaches `id` to `customer`: a `pm_card_…` test method becomes a new method of the
/// customer's own; a card declined on attach gives Stripe's 402. Emits
/// `payment_method.attached`.
pub fn attach_to(
    state: &mut State,
    id: &str,
    customer: &str,
    meta: &ReqMeta,
) -> Result<Value, ApiError> {
    customers::live(state, customer, "customer")?;
    let mut pm = match (state.payment_methods.get(id), card_by_pm(id)) {
        (Some(pm), _) => pm.clone(),
        (None, Some(card)) => new_payment_method(state, card, new_id("pm")),
        (None, None) => return Err(ApiError::no_such("PaymentMethod", id, "payment_method")),
    };
    match pm["customer"].as_str() {
        Some(c) if c == customer => return Ok(pm),
        Some(_) => {
            return Err(ApiError::invalid(
                "The payment method you provided has already been attached to a customer.",
            )
            .code("payment_method_unexpected_state"))
        }
        None => {}
    }
    if let Behavior::DeclinedOnAttach(code) = behavior(&pm) {
        return Err(ApiError::card(decline_message(code), "card_declined", Some(code)));
    }
    pm["customer"] = json!(customer);
    let pm_id = pm["id"].as_str().unwrap_or_default().to_string();
    state.payment_methods.insert(pm_id, pm.clone());
    state.emit("payment_method.attached", &pm, None, meta);
    Ok(pm)
}

pub fn attach(state: &mut State, req: &Req, id: &str) -> Result<Value, ApiError> {
    let p = req.p();
    p.allow_only(&["customer", "customer_account"])?;
    let customer = p.req_str("customer")?;
    attach_to(state, id, customer, &req.meta)
}

/// Detaches a method from its customer; a customer or subscription default that named it is
/// cleared, as Stripe does. Emits `payment_method.detached`.
pub fn detach(state: &mut State, req: &Req, id: &str) -> Result<Value, ApiError> {
    req.p().allow_only(&[])?;
    let mut pm = State::get(&state.payment_methods, "PaymentMethod", id, "payment_method")?.clone();
    let Some(customer) = pm["customer"].as_str().map(String::from) else {
        return Err(ApiError::invalid(
            "The payment method you provided is not attached to a customer so detachment is impossible.",
        )
        .code("payment_method_unexpected_state"));
    };
    pm["customer"] = Value::Null;
    state.payment_methods.insert(id.to_string(), pm.clone());
    if let Some(c) = state.customers.get_mut(&customer) {
        if c["invoice_settings"]["default_payment_method"] == id {
            c["invoice_settings"]["default_payment_method"] = Value::Null;
        }
    }
    for sub in state.subscriptions.values_mut() {
        if sub["default_payment_method"] == id {
            sub["default_payment_method"] = Value::Null;
        }
    }
    let previous = json!({ "customer": customer });
    state.emit("payment_method.detached", &pm, Some(previous), &req.meta);
    Ok(pm)
}

/// `GET /v1/payment_methods?customer=…` and `GET /v1/customers/{id}/payment_methods`.
pub fn list(state: &State, req: &Req, customer: Option<&str>) -> Result<Value, ApiError> {
    let p = req.p();
    let customer = customer.or(p.str("customer"));
    let Some(customer) = customer else {
        return Err(ApiError::missing("customer"));
    };
    customers::live(state, customer, "customer")?;
    let kind = p.str("type");
    let items = newest_first(&state.payment_methods, |pm| {
        pm["customer"] == customer && kind.is_none_or(|k| pm["type"] == k)
    });
    let url = format!("/v1/customers/{customer}/payment_methods");
    list::page(items, &p, &url)
}

/// A payment method the customer can be charged with, or Stripe's error for `param`.
pub fn owned(state: &State, id: &str, customer: &str, param: &str) -> Result<Value, ApiError> {
    let pm = State::get(&state.payment_methods, "PaymentMethod", id, param)?;
    if pm["customer"] != customer {
        return Err(ApiError::invalid(format!(
            "The PaymentMethod {id} does not belong to the Customer {customer}. Please attach it to the Customer first."
        ))
        .param(param));
    }
    Ok(pm.clone())
}

/// Why a charge is attempted: the first invoice (no method is no attempt), a renewal or retry
/// (no method is a failed attempt), or `/pay`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Why {
    First,
    Automatic,
    Pay,
}

/// What charging an invoice came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Attempt {
    Paid,
    /// Declined (or nothing to charge, on an automatic attempt).
    Failed(ApiError),
    /// 3D Secure needed: the customer has to act.
    NeedsAction,
    /// No payment method and no attempt made.
    NoMethod,
}

/// The method an invoice is charged with: the one given, else the subscription's default,
/// else the customer's invoice default.
fn method_for(state: &State, invoice: &Value, given: Option<&str>) -> Option<Value> {
    let customer = invoice["customer"].as_str().unwrap_or_default();
    let sub = invoice["parent"]["subscription_details"]["subscription"]
        .as_str()
        .and_then(|s| state.subscriptions.get(s));
    let id = given
        .map(String::from)
        .or_else(|| sub.and_then(|s| s["default_payment_method"].as_str().map(String::from)))
        .or_else(|| {
            state.customers.get(customer).and_then(|c| {
                c["invoice_settings"]["default_payment_method"].as_str().map(String::from)
            })
        })?;
    state.payment_methods.get(&id).filter(|pm| pm["customer"] == customer).cloned()
}

/// The PaymentIntent behind an invoice (created with it, kept across attempts).
fn intent_for(state: &mut State, invoice: &Value) -> String {
    let inv_id = invoice["id"].as_str().unwrap_or_default();
    if let Some(ip) = state.invoice_payments.values().find(|ip| ip["invoice"] == inv_id) {
        if let Some(pi) = ip["payment"]["payment_intent"].as_str() {
            return pi.to_string();
        }
    }
    let t = state.now();
    let pi_id = new_id("pi");
    let mut pi = fixture("payment_intent");
    pi["id"] = json!(pi_id);
    pi["created"] = json!(t);
    pi["amount"] = invoice["amount_due"].clone();
    pi["amount_received"] = json!(0);
    pi["amount_capturable"] = json!(0);
    pi["currency"] = invoice["currency"].clone();
    pi["customer"] = invoice["customer"].clone();
    pi["client_secret"] = json!(format!("{pi_id}_secret_{}", random_base62(24)));
    pi["description"] = json!("Subscription creation");
    pi["livemode"] = json!(false);
    pi["metadata"] = json!({});
    pi["status"] = json!("requires_payment_method");
    pi["payment_method_types"] = json!(["card"]);
    for key in [
        "payment_method",
        "last_payment_error",
        "latest_charge",
        "next_action",
        "canceled_at",
        "cancellation_reason",
        "review",
        "shipping",
        "application",
        "on_behalf_of",
        "transfer_data",
        "processing",
        "receipt_email",
        "setup_future_usage",
        "source",
        "statement_descriptor",
        "statement_descriptor_suffix",
        "transfer_group",
        "application_fee_amount",
        "customer_account",
    ] {
        pi[key] = Value::Null;
    }
    state.payment_intents.insert(pi_id.clone(), pi);
    let mut ip = fixture("invoice_payment");
    let ip_id = new_id("inpay");
    ip["id"] = json!(ip_id);
    ip["created"] = json!(t);
    ip["invoice"] = json!(inv_id);
    ip["livemode"] = json!(false);
    ip["amount_requested"] = invoice["amount_due"].clone();
    ip["amount_paid"] = Value::Null;
    ip["currency"] = invoice["currency"].clone();
    ip["status"] = json!("open");
    ip["payment"] = json!({"type": "payment_intent", "payment_intent": pi_id});
    state.invoice_payments.insert(ip_id, ip);
    pi_id
}

fn set_intent(state: &mut State, pi_id: &str, f: impl FnOnce(&mut Value)) {
    if let Some(pi) = state.payment_intents.get_mut(pi_id) {
        f(pi);
    }
}

/// Charges an open invoice now and records the outcome on the invoice, its PaymentIntent and
/// InvoicePayment, with the events Stripe sends. The subscription's status is the caller's.
pub fn charge(
    state: &mut State,
    invoice_id: &str,
    given: Option<&str>,
    why: Why,
    meta: &ReqMeta,
) -> Result<Attempt, ApiError> {
    let mut inv = State::get(&state.invoices, "invoice", invoice_id, "invoice")?.clone();
    let pi_id = intent_for(state, &inv);
    let Some(pm) = method_for(state, &inv, given) else {
        if why == Why::First {
            return Ok(Attempt::NoMethod);
        }
        let err = ApiError::invalid("This customer has no attached payment source or default payment method. Please consider adding a default payment method.").code("resource_missing");
        record_failure(state, &mut inv, &pi_id, None, &err, why, meta);
        return Ok(Attempt::Failed(err));
    };
    let pm_id = pm["id"].as_str().unwrap_or_default().to_string();
    match behavior(&pm) {
        Behavior::Succeeds => {
            mark_paid(state, &mut inv, Some(&pi_id), Some(&pm_id), meta);
            Ok(Attempt::Paid)
        }
        Behavior::DeclinedOnAttach(code) => {
            let err = ApiError::card(decline_message(code), "card_declined", Some(code));
            record_failure(state, &mut inv, &pi_id, Some(&pm_id), &err, why, meta);
            Ok(Attempt::Failed(err))
        }
        Behavior::ChargesFail => {
            let err =
                ApiError::card("Your card was declined.", "card_declined", Some("generic_decline"));
            record_failure(state, &mut inv, &pi_id, Some(&pm_id), &err, why, meta);
            Ok(Attempt::Failed(err))
        }
        Behavior::NeedsAuthentication => {
            inv["attempted"] = json!(true);
            inv["attempt_count"] = json!(inv["attempt_count"].as_i64().unwrap_or(0) + 1);
            state.invoices.insert(invoice_id.to_string(), inv.clone());
            set_intent(state, &pi_id, |pi| {
                pi["status"] = json!("requires_action");
                pi["payment_method"] = json!(pm_id);
                pi["next_action"] = json!({"type": "use_stripe_sdk", "use_stripe_sdk": {"type": "three_d_secure_redirect", "stripe_js": format!("https://hooks.stripe.com/redirect/authenticate/src_{}", random_base62(24))}});
            });
            state.emit("invoice.payment_action_required", &inv, None, meta);
            Ok(Attempt::NeedsAction)
        }
    }
}

fn record_failure(
    state: &mut State,
    inv: &mut Value,
    pi_id: &str,
    pm_id: Option<&str>,
    err: &ApiError,
    why: Why,
    meta: &ReqMeta,
) {
    let id = inv["id"].as_str().unwrap_or_default().to_string();
    inv["attempted"] = json!(true);
    let attempts = inv["attempt_count"].as_i64().unwrap_or(0) + 1;
    inv["attempt_count"] = json!(attempts);
    // An automatic charge that fails is retried on the account's schedule; the event says when.
    if why == Why::Automatic && inv["collection_method"] == "charge_automatically" {
        let next = state
            .settings
            .retry_days
            .get((attempts - 1).max(0) as usize)
            .map(|d| state.now() + d * 86_400);
        inv["next_payment_attempt"] = next.map(Value::from).unwrap_or(Value::Null);
    }
    state.invoices.insert(id, inv.clone());
    let mut last = err.body()["error"].clone();
    last["payment_method"] = match pm_id.and_then(|p| state.payment_methods.get(p)) {
        Some(pm) => pm.clone(),
        None => Value::Null,
    };
    set_intent(state, pi_id, |pi| {
        pi["status"] = json!("requires_payment_method");
        pi["last_payment_error"] = last;
        pi["payment_method"] = Value::Null;
        pi["next_action"] = Value::Null;
    });
    if let Some(pi) = state.payment_intents.get(pi_id).cloned() {
        state.emit("payment_intent.payment_failed", &pi, None, meta);
    }
    state.emit("invoice.payment_failed", inv, None, meta);
}

/// Marks an invoice paid (charged with `pm_id`, or out of band without one).
pub fn mark_paid(
    state: &mut State,
    inv: &mut Value,
    pi_id: Option<&str>,
    pm_id: Option<&str>,
    meta: &ReqMeta,
) {
    let t = state.now();
    let id = inv["id"].as_str().unwrap_or_default().to_string();
    let total = inv["amount_due"].as_i64().unwrap_or(0);
    inv["status"] = json!("paid");
    inv["amount_paid"] = json!(total);
    inv["amount_remaining"] = json!(0);
    inv["next_payment_attempt"] = Value::Null;
    inv["status_transitions"]["paid_at"] = json!(t);
    if pm_id.is_some() {
        inv["attempted"] = json!(true);
        inv["attempt_count"] = json!(inv["attempt_count"].as_i64().unwrap_or(0) + 1);
    }
    state.invoices.insert(id.clone(), inv.clone());
    if let Some(pi_id) = pi_id {
        set_intent(state, pi_id, |pi| {
            pi["status"] = json!("succeeded");
            pi["amount_received"] = json!(total);
            pi["payment_method"] = pm_id.map(Value::from).unwrap_or(Value::Null);
            pi["last_payment_error"] = Value::Null;
            pi["next_action"] = Value::Null;
        });
        if let Some(pi) = state.payment_intents.get(pi_id).cloned() {
            state.emit("payment_intent.succeeded", &pi, None, meta);
        }
    }
    for ip in state.invoice_payments.values_mut() {
        if ip["invoice"] == id.as_str() {
            ip["status"] = json!("paid");
            ip["amount_paid"] = json!(total);
            ip["status_transitions"]["paid_at"] = json!(t);
        }
    }
    state.emit("invoice.paid", inv, None, meta);
    state.emit("invoice.payment_succeeded", inv, None, meta);
}

pub fn retrieve_intent(state: &State, id: &str) -> Result<Value, ApiError> {
    State::get(&state.payment_intents, "payment_intent", id, "intent").cloned()
}

/// `GET /v1/invoice_payments?invoice=…`.
pub fn list_invoice_payments(state: &State, req: &Req) -> Result<Value, ApiError> {
    let p = req.p();
    let invoice = p.str("invoice");
    let items =
        newest_first(&state.invoice_payments, |ip| invoice.is_none_or(|i| ip["invoice"] == i));
    list::page(items, &p, "/v1/invoice_payments")
}

/// `POST /v1/billing_portal/sessions`: a short-lived link to the customer portal.
pub fn create_portal_session(state: &mut State, req: &Req) -> Result<Value, ApiError> {
    let p = req.p();
    p.allow_only(&[
        "customer",
        "return_url",
        "configuration",
        "flow_data",
        "locale",
        "on_behalf_of",
        "customer_account",
    ])?;
    let customer = p.req_str("customer")?;
    customers::live(state, customer, "customer")?;
    if let Some(url) = p.str("return_url") {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(ApiError::invalid(format!("Not a valid URL: {url}")).param("return_url"));
        }
    }
    let mut s = fixture("billing_portal.session");
    let id = new_id("bps");
    s["id"] = json!(id);
    s["created"] = json!(state.now());
    s["customer"] = json!(customer);
    s["livemode"] = json!(false);
    s["configuration"] = json!(p.str("configuration").unwrap_or("bpc_simdefault"));
    s["flow"] = Value::Null;
    s["locale"] = p.str("locale").map(Value::from).unwrap_or(Value::Null);
    s["return_url"] = p.str("return_url").map(Value::from).unwrap_or(Value::Null);
    s["url"] = json!(format!("https://billing.stripe.com/p/session/test_{}", random_base62(32)));
    state.portal_sessions.insert(id, s.clone());
    Ok(s)
}
