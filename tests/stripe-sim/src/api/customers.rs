//! Customers. Deleting a customer cancels its subscriptions, as Stripe does.
//! See <https://docs.stripe.com/api/customers>.

use super::{newest_first, subscriptions, Req};
use crate::error::ApiError;
use crate::fixtures::fixture;
use crate::list;
use crate::state::{previous_attributes, ReqMeta, State};
use crate::util::{apply_metadata, new_id, random_base62, Params};
use serde_json::{json, Value};

/// Parameters Stripe documents for creating a customer.
const CREATE_PARAMS: &[&str] = &[
    "address",
    "balance",
    "business_name",
    "cash_balance",
    "description",
    "email",
    "individual_name",
    "invoice_prefix",
    "invoice_settings",
    "metadata",
    "name",
    "next_invoice_sequence",
    "payment_method",
    "phone",
    "preferred_locales",
    "shipping",
    "source",
    "tax",
    "tax_exempt",
    "tax_id_data",
    "test_clock",
];

/// Parameters Stripe documents for updating a customer.
const UPDATE_PARAMS: &[&str] = &[
    "address",
    "balance",
    "business_name",
    "cash_balance",
    "default_source",
    "description",
    "email",
    "individual_name",
    "invoice_prefix",
    "invoice_settings",
    "metadata",
    "name",
    "next_invoice_sequence",
    "phone",
    "preferred_locales",
    "shipping",
    "source",
    "tax",
    "tax_exempt",
];

/// `invoice_settings[default_payment_method]`: a method attached to this customer, or empty
/// to clear it.
fn set_invoice_default(state: &State, customer: &mut Value, p: &Params) -> Result<(), ApiError> {
    let Some(settings) = p.obj("invoice_settings") else {
        return Ok(());
    };
    if let Some(pm) = settings.str("default_payment_method") {
        let id = customer["id"].as_str().unwrap_or_default().to_string();
        customer["invoice_settings"]["default_payment_method"] = if pm.is_empty() {
            Value::Null
        } else {
            super::payments::owned(state, pm, &id, "invoice_settings[default_payment_method]")?
                ["id"]
                .clone()
        };
    }
    Ok(())
}

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
    c["created"] = json!(state.now());
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
    c["invoice_settings"] = json!({"custom_fields": null, "default_payment_method": null, "footer": null, "rendering_options": null});
    c["test_clock"] = Value::Null;
    if let Some(clock) = p.str("test_clock") {
        let tc = super::test_clocks::live(state, clock, "test_clock")?;
        if tc["status"] != "ready" {
            return Err(ApiError::invalid(format!(
                "Test clock {clock} is advancing: customers cannot be added to it until it is ready."
            ))
            .param("test_clock"));
        }
        let on_it = state
            .customers
            .values()
            .filter(|c| c["deleted"] != true && c["test_clock"] == clock)
            .count();
        if on_it >= super::test_clocks::MAX_CUSTOMERS {
            return Err(ApiError::invalid(format!(
                "Test clock {clock} already has {} customers, the most a test clock can have.",
                super::test_clocks::MAX_CUSTOMERS
            ))
            .param("test_clock"));
        }
        c["test_clock"] = json!(clock);
    }
    set_fields(&mut c, p)?;
    if let Some(n) = p.int("next_invoice_sequence")? {
        c["next_invoice_sequence"] = json!(n);
    }
    if let Some(prefix) = p.str("invoice_prefix") {
        if !(3..=12).contains(&prefix.len()) || !prefix.chars().all(|ch| ch.is_ascii_alphanumeric())
        {
            return Err(ApiError::invalid("invoice_prefix must be 3 to 12 letters or digits.")
                .param("invoice_prefix"));
        }
        c["invoice_prefix"] = json!(prefix.to_ascii_uppercase());
    }
    let id = c["id"].as_str().unwrap_or_default().to_string();
    // The payment method is checked (a declined card is a 402) before anything is stored.
    let card = match p.str("payment_method").filter(|s| !s.is_empty()) {
        Some(pm) => {
            let found = super::payments::retrieve(state, pm)?;
            if let super::payments::Behavior::DeclinedOnAttach(code) =
                super::payments::behavior(&found)
            {
                return Err(ApiError::card("Your card was declined.", "card_declined", Some(code)));
            }
            Some(pm.to_string())
        }
        None => None,
    };
    state.indexed(&id);
    state.customers.insert(id.clone(), c.clone());
    state.emit("customer.created", &c, None, meta);
    let mut attached = None;
    if let Some(pm) = &card {
        attached =
            super::payments::attach_to(state, pm, &id, meta)?["id"].as_str().map(String::from);
    }
    let mut c = state.customers[&id].clone();
    let wanted = p.obj("invoice_settings").and_then(|s| s.str("default_payment_method"));
    match (wanted, &card, &attached) {
        // `payment_method=pm_card_visa` with the same default: the attached copy.
        (Some(w), Some(given), Some(new_id)) if w == given => {
            c["invoice_settings"]["default_payment_method"] = json!(new_id);
        }
        _ => set_invoice_default(state, &mut c, p)?,
    }
    state.customers.insert(id.clone(), c.clone());
    Ok(c)
}

pub fn create(state: &mut State, req: &Req) -> Result<Value, ApiError> {
    let p = req.p();
    p.allow_only(CREATE_PARAMS)?;
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
    p.allow_only(UPDATE_PARAMS)?;
    let before = live(state, id, "id")?.clone();
    let mut c = before.clone();
    set_fields(&mut c, &p)?;
    set_invoice_default(state, &mut c, &p)?;
    if c != before {
        state.customers.insert(id.to_string(), c.clone());
        state.emit("customer.updated", &c, Some(previous_attributes(&before, &c)), &req.meta);
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
    let items = newest_first(&state.customers, |c| c["deleted"] != true && state.searchable(c));
    list::search(items, &req.p(), "/v1/customers/search", &fields, "customers")
}
