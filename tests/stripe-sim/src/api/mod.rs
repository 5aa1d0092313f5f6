//! Routing of `/v1/...` requests to the resource handlers. Handlers are synchronous functions
//! over the locked [`State`]; they return the JSON body or a Stripe error.

mod billing;
mod catalog;
mod checkout;
mod customers;
mod events;
mod subscriptions;

pub use checkout::complete_session;
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

        ("POST", ["v1", "subscriptions"]) => subscriptions::create(state, req),
        ("GET", ["v1", "subscriptions"]) => subscriptions::list(state, req),
        ("GET", ["v1", "subscriptions", id]) => subscriptions::retrieve(state, id),
        ("POST", ["v1", "subscriptions", id]) => subscriptions::update(state, req, id),
        ("DELETE", ["v1", "subscriptions", id]) => subscriptions::cancel(state, req, id),
        ("GET", ["v1", "subscription_items"]) => subscriptions::list_items(state, req),
        ("GET", ["v1", "subscription_items", id]) => subscriptions::retrieve_item(state, id),

        ("GET", ["v1", "invoices"]) => subscriptions::list_invoices(state, req),
        ("GET", ["v1", "invoices", id]) => subscriptions::retrieve_invoice(state, id),

        ("POST", ["v1", "checkout", "sessions"]) => checkout::create(state, req),
        ("GET", ["v1", "checkout", "sessions"]) => checkout::list(state, req),
        ("GET", ["v1", "checkout", "sessions", id]) => checkout::retrieve(state, id),

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

/// Leaves out what Stripe includes only on request (`expand[]`): a price's `tiers`.
pub fn expand(mut body: Value, params: &Map<String, Value>) -> Value {
    let wanted = Params(params)
        .str_list("expand")
        .iter()
        .any(|e| *e == "tiers" || e.ends_with(".tiers"));
    if !wanted {
        strip_tiers(&mut body);
    }
    body
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

/// Objects of a collection, newest first, that pass `keep`.
pub(crate) fn newest_first(
    map: &indexmap::IndexMap<String, Value>,
    keep: impl Fn(&Value) -> bool,
) -> Vec<&Value> {
    map.values().rev().filter(|o| keep(o)).collect()
}
