//! Customers. Deleting a customer cancels its subscriptions, as Stripe does.
//! See <https://docs.stripe.com/api/customers>.

use super::{newest_first, subscriptions, Req};
use crate::error::ApiError;
use crate::fixtures::fixture;
use crate::list;
use crate::state::{previous_attributes, ReqMeta, State};
use crate::util::{apply_metadata, new_id, now, random_base62, Params};
use serde_json::{json, Value};

const WRITABLE: &[&str] = &[
    "email",
    "name",
    "description",
    "phone",
    "metadata",
    "preferred_locales",
];

fn set_fields(customer: &mut Value, p: &Params) -> Result<(), ApiError> {
    for key in ["email", "name", "description", "phone"] {
        if let Some(v) = p.str(key) {
            customer[key] = if v.is_empty() { Value::Null } else { json!(v) };
        }
    }
    if let Some(email) = p.str("email").filter(|e| !e.is_empty()) {
        if !email.contains('@') || email.len() > 512 {
            return Err(ApiError::invalid(format!("Invalid email address: {email}"))
                .code("email_invalid")
                .param("email"));
        }
    }
    if p.has("preferred_locales") {
        customer["preferred_locales"] = json!(p.str_list("preferred_locales"));
    }
    apply_metadata(customer, p)
}

/// Builds and stores a customer, emitting `customer.created`.
pub fn insert_new(state: &mut State, p: &Params, meta: &ReqMeta) -> Result<Value, ApiError> {
    let mut c = fixture("customer");
    c["id"] = json!(new_id("cus"));
    c["created"] = json!(now());
    c["livemode"] = json!(false);
    c["discount"] = Value::Null;
    c["address"] = Value::Null;
    c["shipping"] = Value::Null;
    c["currency"] = Value::Null;
    c["invoice_prefix"] = json!(random_base62(8).to_ascii_uppercase());
    for key in ["email", "name", "description", "phone"] {
        c[key] = Value::Null;
    }
    c["metadata"] = json!({});
    set_fields(&mut c, p)?;
    let id = c["id"].as_str().unwrap_or_default().to_string();
    state.customers.insert(id, c.clone());
    state.emit("customer.created", &c, None, meta);
    Ok(c)
}

pub fn create(state: &mut State, req: &Req) -> Result<Value, ApiError> {
    let p = req.p();
    p.allow_only(WRITABLE)?;
    insert_new(state, &p, &req.meta)
}

/// A live (not deleted) customer, or Stripe's 404.
pub fn live<'a>(state: &'a State, id: &str, param: &str) -> Result<&'a Value, ApiError> {
    match state.customers.get(id) {
        Some(c) if c["deleted"] != true => Ok(c),
        _ => Err(ApiError::no_such("customer", id, param)),
    }
}

pub fn retrieve(state: &State, id: &str) -> Result<Value, ApiError> {
    State::get(&state.customers, "customer", id, "id").cloned()
}

pub fn update(state: &mut State, req: &Req, id: &str) -> Result<Value, ApiError> {
    let p = req.p();
    p.allow_only(WRITABLE)?;
    let before = live(state, id, "id")?.clone();
    let mut c = before.clone();
    set_fields(&mut c, &p)?;
    if c != before {
        state.customers.insert(id.to_string(), c.clone());
        state.emit(
            "customer.updated",
            &c,
            Some(previous_attributes(&before, &c)),
            &req.meta,
        );
    }
    Ok(c)
}

pub fn delete(state: &mut State, req: &Req, id: &str) -> Result<Value, ApiError> {
    let c = live(state, id, "id")?.clone();
    let subs: Vec<String> = state
        .subscriptions
        .values()
        .filter(|s| s["customer"] == id && s["status"] != "canceled")
        .filter_map(|s| s["id"].as_str().map(String::from))
        .collect();
    for sub in subs {
        subscriptions::cancel_now(state, &req.meta, &sub)?;
    }
    let mut deleted = fixture("deleted_customer");
    deleted["id"] = json!(id);
    state.customers.insert(id.to_string(), deleted.clone());
    state.emit("customer.deleted", &c, None, &req.meta);
    Ok(deleted)
}

pub fn list(state: &State, req: &Req) -> Result<Value, ApiError> {
    let p = req.p();
    let email = p.str("email");
    let items = newest_first(&state.customers, |c| {
        c["deleted"] != true && email.is_none_or(|e| c["email"] == e)
    });
    list::page(items, &p, "/v1/customers")
}

pub fn search(state: &State, req: &Req) -> Result<Value, ApiError> {
    let fields = ["created", "email", "metadata", "name", "phone", "id"];
    let items = newest_first(&state.customers, |c| c["deleted"] != true);
    list::search(
        items,
        &req.p(),
        "/v1/customers/search",
        &fields,
        "customers",
    )
}
