//! Routing of `/v1/...` requests to the resource handlers. Handlers are synchronous functions
//! over the locked [`State`]; they return the JSON body or a Stripe error.

mod billing;
mod catalog;
mod checkout;
mod customers;
mod events;
mod invoices;
pub mod payments;
mod prorations;
pub mod subscriptions;
pub mod test_clocks;

pub use checkout::{complete_session, expire_now as expire_checkout};
pub use invoices::void_invoice;
pub use subscriptions::advance_period;

use crate::error::ApiError;
use crate::state::{ReqMeta, State};
use crate::util::Params;
use serde_json::{Map, Value};

/// A decoded request as the handlers see it.
pub struct Req {
    pub method: String,
    pub path: String,
    pub params: Map<String, Value>,
    pub meta: ReqMeta,
}

impl Req {
    pub fn p(&self) -> Params<'_> {
        Params(&self.params)
    }
}

/// Sends a `/v1/...` request to its handler.
pub fn dispatch(state: &mut State, req: &Req) -> Result<Value, ApiError> {
    let segs: Vec<&str> = req.path.trim_matches('/').split('/').collect();
    match (req.method.as_str(), segs.as_slice()) {
        ("POST", ["v1", "products"]) => catalog::create_product(state, req),
        ("GET", ["v1", "products"]) => catalog::list_products(state, req),
        ("GET", ["v1", "products", "search"]) => catalog::search_products(state, req),
        ("GET", ["v1", "products", id]) => catalog::retrieve_product(state, id),
        ("POST", ["v1", "products", id]) => catalog::update_product(state, req, id),
        ("DELETE", ["v1", "products", id]) => catalog::delete_product(state, req, id),

        ("POST", ["v1", "prices"]) => catalog::create_price(state, req),
        ("GET", ["v1", "prices"]) => catalog::list_prices(state, req),
        ("GET", ["v1", "prices", "search"]) => catalog::search_prices(state, req),
        ("GET", ["v1", "prices", id]) => catalog::retrieve_price(state, id),
        ("POST", ["v1", "prices", id]) => catalog::update_price(state, req, id),

        ("POST", ["v1", "customers"]) => customers::create(state, req),
        ("GET", ["v1", "customers"]) => customers::list(state, req),
        ("GET", ["v1", "customers", "search"]) => customers::search(state, req),
        ("GET", ["v1", "customers", id]) => customers::retrieve(state, id),
        ("POST", ["v1", "customers", id]) => customers::update(state, req, id),
        ("DELETE", ["v1", "customers", id]) => customers::delete(state, req, id),

        ("GET", ["v1", "customers", id, "payment_methods"]) => payments::list(state, req, Some(id)),

        ("POST", ["v1", "payment_methods"]) => payments::create(state, req),
        ("GET", ["v1", "payment_methods"]) => payments::list(state, req, None),
        ("GET", ["v1", "payment_methods", id]) => payments::retrieve(state, id),
        ("POST", ["v1", "payment_methods", id, "attach"]) => payments::attach(state, req, id),
        ("POST", ["v1", "payment_methods", id, "detach"]) => payments::detach(state, req, id),
        ("GET", ["v1", "payment_intents", id]) => payments::retrieve_intent(state, id),
        ("GET", ["v1", "invoice_payments"]) => payments::list_invoice_payments(state, req),
        ("POST", ["v1", "billing_portal", "sessions"]) => {
            payments::create_portal_session(state, req)
        }

        ("POST", ["v1", "subscriptions"]) => subscriptions::create(state, req),
        ("GET", ["v1", "subscriptions"]) => subscriptions::list(state, req),
        ("GET", ["v1", "subscriptions", "search"]) => subscriptions::search(state, req),
        ("GET", ["v1", "subscriptions", id]) => subscriptions::retrieve(state, id),
        ("POST", ["v1", "subscriptions", id]) => subscriptions::update(state, req, id),
        ("DELETE", ["v1", "subscriptions", id]) => subscriptions::cancel(state, req, id),
        ("GET", ["v1", "subscription_items"]) => subscriptions::list_items(state, req),
        ("GET", ["v1", "subscription_items", id]) => subscriptions::retrieve_item(state, id),

        ("GET", ["v1", "invoices"]) => invoices::list(state, req),
        ("GET", ["v1", "invoices", "search"]) => invoices::search(state, req),
        ("GET", ["v1", "invoices", id]) => invoices::retrieve(state, id),
        ("POST", ["v1", "invoices", id, "pay"]) => invoices::pay(state, req, id),
        ("POST", ["v1", "invoices", id, "void"]) => invoices::void(state, req, id),
        ("POST", ["v1", "invoices", id, "finalize"]) => invoices::finalize(state, req, id),
        ("POST", ["v1", "invoices", id, "send"]) => invoices::send(state, req, id),
        ("POST", ["v1", "invoices", id, "mark_uncollectible"]) => {
            invoices::mark_uncollectible(state, req, id)
        }

        ("POST", ["v1", "checkout", "sessions"]) => checkout::create(state, req),
        ("GET", ["v1", "checkout", "sessions"]) => checkout::list(state, req),
        ("GET", ["v1", "checkout", "sessions", id]) => checkout::retrieve(state, id),
        ("POST", ["v1", "checkout", "sessions", id, "expire"]) => checkout::expire(state, req, id),

        ("POST", ["v1", "billing", "meters"]) => billing::create_meter(state, req),
        ("GET", ["v1", "billing", "meters"]) => billing::list_meters(state, req),
        ("GET", ["v1", "billing", "meters", id]) => billing::retrieve_meter(state, id),
        ("POST", ["v1", "billing", "meters", id]) => billing::update_meter(state, req, id),
        ("POST", ["v1", "billing", "meters", id, "deactivate"]) => {
            billing::set_meter_status(state, req, id, false)
        }
        ("POST", ["v1", "billing", "meters", id, "reactivate"]) => {
            billing::set_meter_status(state, req, id, true)
        }
        ("GET", ["v1", "billing", "meters", id, "event_summaries"]) => {
            billing::event_summaries(state, req, id)
        }
        ("POST", ["v1", "billing", "meter_events"]) => billing::create_meter_event(state, req),

        ("POST", ["v1", "test_helpers", "test_clocks"]) => test_clocks::create(state, req),
        ("GET", ["v1", "test_helpers", "test_clocks"]) => test_clocks::list(state, req),
        ("GET", ["v1", "test_helpers", "test_clocks", id]) => test_clocks::retrieve(state, req, id),
        ("DELETE", ["v1", "test_helpers", "test_clocks", id]) => {
            test_clocks::delete(state, req, id)
        }
        ("POST", ["v1", "test_helpers", "test_clocks", id, "advance"]) => {
            test_clocks::advance(state, req, id)
        }

        ("GET", ["v1", "events"]) => events::list(state, req),
        ("GET", ["v1", "events", id]) => events::retrieve(state, id),
        ("POST", ["v1", "webhook_endpoints"]) => events::create_endpoint(state, req),
        ("GET", ["v1", "webhook_endpoints"]) => events::list_endpoints(state, req),
        ("GET", ["v1", "webhook_endpoints", id]) => events::retrieve_endpoint(state, id),
        ("POST", ["v1", "webhook_endpoints", id]) => events::update_endpoint(state, req, id),
        ("DELETE", ["v1", "webhook_endpoints", id]) => events::delete_endpoint(state, id),

        _ => Err(ApiError::not_found_url(&req.method, &req.path)),
    }
}

/// Expansion as Stripe does it: what `expand[]` names is replaced by the object (ids are
/// looked up in every collection), a price's `tiers` is left out unless expanded, and an
/// expansion of a field that is not expandable is a 400.
pub fn expand(
    state: &State,
    mut body: Value,
    params: &Map<String, Value>,
) -> Result<Value, ApiError> {
    let paths = Params(params).str_list("expand");
    if paths.len() > 10 {
        return Err(ApiError::invalid("You cannot expand more than 10 fields.").param("expand"));
    }
    let wants_tiers = paths.iter().any(|e| *e == "tiers" || e.ends_with(".tiers"));
    if !wants_tiers {
        strip_tiers(&mut body);
    }
    for path in paths.iter().filter(|e| !(**e == "tiers" || e.ends_with(".tiers"))) {
        if path.split('.').count() > 4 {
            return Err(ApiError::invalid(format!(
                "You cannot expand more than 4 levels of a property: {path}"
            ))
            .param("expand"));
        }
        let segs: Vec<&str> = path.split('.').collect();
        expand_at(state, &mut body, &segs).map_err(|field| {
            ApiError::invalid(format!("This property cannot be expanded ({field})."))
                .param("expand")
        })?;
    }
    Ok(body)
}

const EXPANDABLE: &[&str] = &[
    "product",
    "latest_invoice",
    "customer",
    "default_payment_method",
    "price",
    "invoice",
    "subscription",
    "payment_method",
    "payment_intent",
    "default_price",
];

fn expand_at(state: &State, v: &mut Value, segs: &[&str]) -> Result<(), String> {
    let Some((first, rest)) = segs.split_first() else {
        return Ok(());
    };
    if *first == "data" && (v["object"] == "list" || v["object"] == "search_result") {
        if let Some(items) = v["data"].as_array_mut() {
            for item in items {
                expand_at(state, item, rest)?;
            }
        }
        return Ok(());
    }
    let Some(obj) = v.as_object_mut() else {
        return Ok(());
    };
    let Some(field) = obj.get_mut(*first) else {
        return Err((*first).to_string());
    };
    if rest.is_empty() {
        if !EXPANDABLE.contains(first) {
            return Err((*first).to_string());
        }
        if let Some(id) = field.as_str() {
            if let Some(found) = lookup(state, id) {
                *field = found;
            }
        }
        return Ok(());
    }
    expand_at(state, field, rest)
}

/// Any object by id, from whichever collection holds it.
fn lookup(state: &State, id: &str) -> Option<Value> {
    [
        &state.products,
        &state.prices,
        &state.customers,
        &state.subscriptions,
        &state.invoices,
        &state.payment_methods,
        &state.payment_intents,
        &state.checkout_sessions,
    ]
    .iter()
    .find_map(|m| m.get(id).cloned())
}

/// Objects of a collection, newest first, that pass `keep`.
pub(crate) fn newest_first(
    map: &indexmap::IndexMap<String, Value>,
    keep: impl Fn(&Value) -> bool,
) -> Vec<&Value> {
    map.values().rev().filter(|o| keep(o)).collect()
}

fn strip_tiers(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if m.get("object").and_then(Value::as_str) == Some("price") {
                m.remove("tiers");
            }
            for child in m.values_mut() {
                strip_tiers(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strip_tiers),
        _ => {}
    }
}
