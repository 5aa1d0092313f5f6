//! Subscriptions, their items (which carry the current period in this API version) and the
//! invoice issued for each period.
//! See <https://docs.stripe.com/api/subscriptions> and <https://docs.stripe.com/api/invoices>.

use super::{customers, newest_first, Req};
use crate::error::ApiError;
use crate::fixtures::fixture;
use crate::list;
use crate::state::{previous_attributes, ReqMeta, State};
use crate::util::{add_interval, apply_metadata, new_id, now, Params};
use serde_json::{json, Value};

/// The plan object Stripe still embeds beside the price on subscription items.
fn plan_for(price: &Value) -> Value {
    let mut plan = fixture("plan");
    for key in [
        "id", "active", "created", "currency", "livemode", "metadata", "nickname", "product",
    ] {
        plan[key] = price[key].clone();
    }
    plan["amount"] = price["unit_amount"].clone();
    plan["amount_decimal"] = price["unit_amount_decimal"].clone();
    plan["interval"] = price["recurring"]["interval"].clone();
    plan["interval_count"] = price["recurring"]["interval_count"].clone();
    plan["usage_type"] = price["recurring"]["usage_type"].clone();
    plan["meter"] = price["recurring"]["meter"].clone();
    plan["transform_usage"] = Value::Null;
    plan["billing_scheme"] = json!("per_unit");
    plan
}

/// A recurring, active price by id, or the error Stripe gives for `param`.
fn recurring_price(state: &State, id: &str, param: &str) -> Result<Value, ApiError> {
    let price = State::get(&state.prices, "price", id, param)?;
    if price["type"] != "recurring" {
        return Err(ApiError::invalid(format!("The price specified is set to `type=one_time` but this field only accepts prices with `type=recurring`: {id}")).param(param));
    }
    if price["active"] != true {
        return Err(ApiError::invalid(format!(
            "The price specified is inactive. This field only accepts active prices: {id}"
        ))
        .param(param));
    }
    Ok(price.clone())
}

fn new_item(sub_id: &str, price: &Value, quantity: i64, start: i64) -> Value {
    let mut item = fixture("subscription_item");
    item["id"] = json!(new_id("si"));
    item["created"] = json!(now());
    item["subscription"] = json!(sub_id);
    item["metadata"] = json!({});
    item["billing_thresholds"] = Value::Null;
    item["discounts"] = json!([]);
    item["tax_rates"] = json!([]);
    set_item_price(&mut item, price, quantity, start);
    item
}

fn set_item_price(item: &mut Value, price: &Value, quantity: i64, start: i64) {
    item["price"] = price.clone();
    item["plan"] = plan_for(price);
    item["quantity"] = if price["recurring"]["usage_type"] == "metered" {
        Value::Null
    } else {
        json!(quantity)
    };
    let interval = price["recurring"]["interval"].as_str().unwrap_or("month");
    let count = price["recurring"]["interval_count"].as_i64().unwrap_or(1);
    item["current_period_start"] = json!(start);
    item["current_period_end"] = json!(add_interval(start, interval, count));
}

fn items_of(sub: &Value) -> Vec<Value> {
    sub["items"]["data"].as_array().cloned().unwrap_or_default()
}

fn set_items(sub: &mut Value, items: Vec<Value>) {
    let id = sub["id"].as_str().unwrap_or_default().to_string();
    sub["items"] = json!({"object": "list", "data": items, "has_more": false, "url": format!("/v1/subscription_items?subscription={id}")});
}

/// The period shared by the items: Stripe keeps items of one subscription on one cycle.
fn period(sub: &Value) -> (i64, i64) {
    let first = &sub["items"]["data"][0];
    (
        first["current_period_start"].as_i64().unwrap_or(0),
        first["current_period_end"].as_i64().unwrap_or(0),
    )
}

/// Creates a subscription for `customer` on `(price, quantity)` pairs, with its first invoice.
pub fn insert_new(
    state: &mut State,
    customer: &str,
    prices: &[(Value, i64)],
    p: &Params,
    meta: &ReqMeta,
) -> Result<Value, ApiError> {
    let t = now();
    let mut sub = fixture("subscription");
    let id = new_id("sub");
    sub["id"] = json!(id);
    sub["customer"] = json!(customer);
    sub["created"] = json!(t);
    sub["start_date"] = json!(t);
    sub["billing_cycle_anchor"] = json!(t);
    sub["billing_cycle_anchor_config"] = Value::Null;
    sub["currency"] = prices[0].0["currency"].clone();
    sub["status"] = json!("active");
    sub["livemode"] = json!(false);
    sub["metadata"] = json!({});
    sub["description"] = p.str("description").map(Value::from).unwrap_or(Value::Null);
    for key in [
        "cancel_at",
        "canceled_at",
        "ended_at",
        "trial_end",
        "trial_start",
        "next_pending_invoice_item_invoice",
        "pause_collection",
        "pending_update",
        "transfer_data",
        "schedule",
        "billing_thresholds",
        "pending_invoice_item_interval",
        "latest_invoice",
        "default_payment_method",
        "default_source",
    ] {
        sub[key] = Value::Null;
    }
    sub["cancel_at_period_end"] = json!(false);
    sub["cancellation_details"] = json!({"comment": null, "feedback": null, "reason": null});
    sub["discounts"] = json!([]);
    sub["billing_schedules"] = json!([]);
    let items = prices
        .iter()
        .map(|(price, q)| new_item(&id, price, *q, t))
        .collect();
    set_items(&mut sub, items);
    apply_metadata(&mut sub, p)?;
    if p.bool("cancel_at_period_end")? == Some(true) {
        sub["cancel_at_period_end"] = json!(true);
        sub["cancel_at"] = json!(period(&sub).1);
    }
    let invoice = issue_invoice(state, &sub, "subscription_create", meta)?;
    sub["latest_invoice"] = invoice["id"].clone();
    state.subscriptions.insert(id, sub.clone());
    state.emit("customer.subscription.created", &sub, None, meta);
    emit_invoice_events(state, &invoice, meta);
    Ok(sub)
}

/// Reads `items[n][price]` / `items[n][quantity]` (or `line_items` for Checkout).
pub fn priced_items(state: &State, p: &Params, param: &str) -> Result<Vec<(Value, i64)>, ApiError> {
    let raw = p.list(param);
    if raw.is_empty() {
        return Err(ApiError::missing(param));
    }
    let mut out = Vec::new();
    for (i, item) in raw.iter().enumerate() {
        let at = format!("{param}[{i}][price]");
        let price_id = item
            .get("price")
            .and_then(Value::as_str)
            .ok_or_else(|| ApiError::missing(&at))?;
        let price = recurring_price(state, price_id, &at)?;
        let q = crate::util::parse_int(item.get("quantity"), &format!("{param}[{i}][quantity]"))?
            .unwrap_or(1);
        if q < 0 {
            return Err(ApiError::invalid("Quantity must be at least 0")
                .param(format!("{param}[{i}][quantity]")));
        }
        if out
            .iter()
            .any(|(pr, _): &(Value, i64)| pr["id"] == price["id"])
        {
            return Err(ApiError::invalid(
                "Cannot add multiple subscription items with the same price.",
            )
            .param(at));
        }
        if out
            .first()
            .is_some_and(|(pr, _)| pr["currency"] != price["currency"])
        {
            return Err(ApiError::invalid(
                "All prices on a subscription must have the same currency.",
            )
            .param(at));
        }
        out.push((price, q));
    }
    Ok(out)
}

pub fn create(state: &mut State, req: &Req) -> Result<Value, ApiError> {
    let p = req.p();
    p.allow_only(&[
        "customer",
        "items",
        "metadata",
        "cancel_at_period_end",
        "proration_behavior",
        "payment_behavior",
        "description",
        "collection_method",
        "default_payment_method",
        "off_session",
    ])?;
    let customer = p.req_str("customer")?;
    customers::live(state, customer, "customer")?;
    let prices = priced_items(state, &p, "items")?;
    insert_new(state, customer, &prices, &p, &req.meta)
}

pub fn retrieve(state: &State, id: &str) -> Result<Value, ApiError> {
    State::get(&state.subscriptions, "subscription", id, "id").cloned()
}

fn proration<'a>(p: &Params<'a>) -> Result<&'a str, ApiError> {
    match p.str("proration_behavior").unwrap_or("create_prorations") {
        b @ ("create_prorations" | "none" | "always_invoice") => Ok(b),
        other => Err(ApiError::bad_value("proration_behavior", other)),
    }
}

/// Applies `items[n][id|price|quantity|deleted]` to the subscription's items.
fn update_items(state: &State, sub: &mut Value, p: &Params) -> Result<(), ApiError> {
    let mut items = items_of(sub);
    let (start, _) = period(sub);
    let sub_id = sub["id"].as_str().unwrap_or_default().to_string();
    for (i, change) in p.list("items").iter().enumerate() {
        let at = |f: &str| format!("items[{i}][{f}]");
        let quantity = crate::util::parse_int(change.get("quantity"), &at("quantity"))?;
        let price = match change.get("price").and_then(Value::as_str) {
            Some(id) => Some(recurring_price(state, id, &at("price"))?),
            None => None,
        };
        match change.get("id").and_then(Value::as_str) {
            Some(item_id) => {
                let pos = items
                    .iter()
                    .position(|it| it["id"] == item_id)
                    .ok_or_else(|| {
                        ApiError::no_such("subscription_item", item_id, at("id").as_str())
                    })?;
                if change.get("deleted").and_then(Value::as_str) == Some("true") {
                    items.remove(pos);
                    continue;
                }
                let item = &mut items[pos];
                let q = quantity.or(item["quantity"].as_i64()).unwrap_or(1);
                let price = price.unwrap_or_else(|| item["price"].clone());
                // A price change keeps the billing cycle: the item keeps its period.
                let (s, e) = (
                    item["current_period_start"].clone(),
                    item["current_period_end"].clone(),
                );
                set_item_price(item, &price, q, start);
                item["current_period_start"] = s;
                item["current_period_end"] = e;
            }
            None => {
                let price = price.ok_or_else(|| ApiError::missing(&at("price")))?;
                let mut item = new_item(&sub_id, &price, quantity.unwrap_or(1), start);
                item["current_period_end"] = json!(period(sub).1);
                items.push(item);
            }
        }
    }
    if items.is_empty() {
        return Err(
            ApiError::invalid("A subscription must have at least one active plan.").param("items"),
        );
    }
    set_items(sub, items);
    Ok(())
}

pub fn update(state: &mut State, req: &Req, id: &str) -> Result<Value, ApiError> {
    let p = req.p();
    p.allow_only(&[
        "items",
        "cancel_at_period_end",
        "proration_behavior",
        "metadata",
        "description",
        "cancel_at",
        "payment_behavior",
        "cancellation_details",
        "default_payment_method",
        "off_session",
    ])?;
    let before = State::get(&state.subscriptions, "subscription", id, "id")?.clone();
    let behavior = proration(&p)?.to_string();
    let mut sub = before.clone();
    if before["status"] == "canceled"
        && p.0
            .keys()
            .any(|k| k != "metadata" && k != "cancellation_details" && k != "expand")
    {
        return Err(ApiError::invalid(
            "A canceled subscription can only update its cancellation_details and metadata.",
        ));
    }
    if p.has("items") {
        update_items(state, &mut sub, &p)?;
    }
    if let Some(flag) = p.bool("cancel_at_period_end")? {
        sub["cancel_at_period_end"] = json!(flag);
        sub["cancel_at"] = if flag {
            json!(period(&sub).1)
        } else {
            Value::Null
        };
    }
    if let Some(d) = p.str("description") {
        sub["description"] = if d.is_empty() { Value::Null } else { json!(d) };
    }
    if let Some(reason) = p.obj("cancellation_details") {
        for key in ["comment", "feedback"] {
            if let Some(v) = reason.str(key) {
                sub["cancellation_details"][key] = json!(v);
            }
        }
    }
    apply_metadata(&mut sub, &p)?;
    if sub == before {
        return Ok(sub);
    }
    let mut invoice = None;
    if behavior == "always_invoice" && items_of(&sub) != items_of(&before) {
        let inv = issue_invoice(state, &sub, "subscription_update", &req.meta)?;
        sub["latest_invoice"] = inv["id"].clone();
        invoice = Some(inv);
    }
    state.subscriptions.insert(id.to_string(), sub.clone());
    state.emit(
        "customer.subscription.updated",
        &sub,
        Some(previous_attributes(&before, &sub)),
        &req.meta,
    );
    if let Some(inv) = invoice {
        emit_invoice_events(state, &inv, &req.meta);
    }
    Ok(sub)
}

/// Cancels at once: status `canceled`, `ended_at` now, `customer.subscription.deleted`.
pub fn cancel_now(state: &mut State, meta: &ReqMeta, id: &str) -> Result<Value, ApiError> {
    let mut sub = State::get(&state.subscriptions, "subscription", id, "id")?.clone();
    if sub["status"] == "canceled" {
        return Err(ApiError::no_such("subscription", id, "id"));
    }
    let t = now();
    sub["status"] = json!("canceled");
    sub["canceled_at"] = json!(t);
    sub["ended_at"] = json!(t);
    sub["cancellation_details"]["reason"] = json!("cancellation_requested");
    state.subscriptions.insert(id.to_string(), sub.clone());
    state.emit("customer.subscription.deleted", &sub, None, meta);
    Ok(sub)
}

pub fn cancel(state: &mut State, req: &Req, id: &str) -> Result<Value, ApiError> {
    req.p()
        .allow_only(&["invoice_now", "prorate", "cancellation_details"])?;
    cancel_now(state, &req.meta, id)
}

/// Rolls a subscription into its next period (simulator only): a renewal invoice, or the
/// cancellation that `cancel_at_period_end` scheduled.
pub fn advance_period(state: &mut State, id: &str) -> Result<Value, ApiError> {
    let meta = ReqMeta::default();
    let before = State::get(&state.subscriptions, "subscription", id, "id")?.clone();
    if before["status"] == "canceled" {
        return Err(ApiError::invalid("This subscription is canceled."));
    }
    if before["cancel_at_period_end"] == true {
        return cancel_now(state, &meta, id);
    }
    let mut sub = before.clone();
    let mut items = items_of(&sub);
    for item in &mut items {
        let end = item["current_period_end"].as_i64().unwrap_or(0);
        let price = item["price"].clone();
        let q = item["quantity"].as_i64().unwrap_or(1);
        set_item_price(item, &price, q, end);
    }
    set_items(&mut sub, items);
    let invoice = issue_invoice(state, &sub, "subscription_cycle", &meta)?;
    sub["latest_invoice"] = invoice["id"].clone();
    state.subscriptions.insert(id.to_string(), sub.clone());
    state.emit(
        "customer.subscription.updated",
        &sub,
        Some(previous_attributes(&before, &sub)),
        &meta,
    );
    emit_invoice_events(state, &invoice, &meta);
    Ok(sub)
}

pub fn list(state: &State, req: &Req) -> Result<Value, ApiError> {
    let p = req.p();
    let customer = p.str("customer");
    let price = p.str("price");
    let status = p.str("status");
    let statuses = [
        "active",
        "all",
        "canceled",
        "ended",
        "incomplete",
        "incomplete_expired",
        "past_due",
        "paused",
        "trialing",
        "unpaid",
    ];
    if let Some(s) = status.filter(|s| !statuses.contains(s)) {
        return Err(ApiError::bad_value("status", s));
    }
    let items = newest_first(&state.subscriptions, |s| {
        let status_ok = match status {
            None => s["status"] != "canceled",
            Some("all") => true,
            Some("ended") => s["status"] == "canceled",
            Some(want) => s["status"] == want,
        };
        status_ok
            && customer.is_none_or(|c| s["customer"] == c)
            && price.is_none_or(|pr| items_of(s).iter().any(|it| it["price"]["id"] == pr))
    });
    list::page(items, &p, "/v1/subscriptions")
}

pub fn list_items(state: &State, req: &Req) -> Result<Value, ApiError> {
    let p = req.p();
    let sub_id = p.req_str("subscription")?;
    let sub = State::get(&state.subscriptions, "subscription", sub_id, "subscription")?;
    let items = items_of(sub);
    let refs: Vec<&Value> = items.iter().rev().collect();
    list::page(refs, &p, "/v1/subscription_items")
}

pub fn retrieve_item(state: &State, id: &str) -> Result<Value, ApiError> {
    state
        .subscriptions
        .values()
        .flat_map(items_of)
        .find(|it| it["id"] == id)
        .ok_or_else(|| ApiError::no_such("subscription_item", id, "id"))
}

/// A paid invoice for the subscription's current period (one line per item).
fn issue_invoice(
    state: &mut State,
    sub: &Value,
    reason: &str,
    _meta: &ReqMeta,
) -> Result<Value, ApiError> {
    let customer_id = sub["customer"].as_str().unwrap_or_default().to_string();
    let customer = customers::live(state, &customer_id, "customer")?.clone();
    let (start, end) = period(sub);
    let id = new_id("in");
    let t = now();
    let mut lines = Vec::new();
    let mut total = 0i64;
    for item in items_of(sub) {
        let amount = item["price"]["unit_amount"].as_i64().unwrap_or(0)
            * item["quantity"].as_i64().unwrap_or(0);
        total += amount;
        let mut line = fixture("invoice")["lines"]["data"][0].clone();
        line["id"] = json!(new_id("il"));
        line["invoice"] = json!(id);
        line["amount"] = json!(amount);
        line["subtotal"] = json!(amount);
        line["currency"] = item["price"]["currency"].clone();
        line["description"] = json!(format!(
            "{} × {}",
            item["quantity"].as_i64().unwrap_or(0),
            item["price"]["product"].as_str().unwrap_or("")
        ));
        line["period"] = json!({"start": start, "end": end});
        line["quantity"] = item["quantity"].clone();
        line["subscription"] = sub["id"].clone();
        line["pricing"] = json!({"type": "price_details", "price_details": {"price": item["price"]["id"], "product": item["price"]["product"]}, "unit_amount_decimal": item["price"]["unit_amount_decimal"]});
        line["parent"] = json!({
            "type": "subscription_item_details", "invoice_item_details": null,
            "subscription_item_details": {"invoice_item": null, "proration": false, "proration_details": {"credited_items": null},
                                          "subscription": sub["id"], "subscription_item": item["id"]},
        });
        lines.push(line);
    }
    state.invoice_seq += 1;
    let seq = customer["next_invoice_sequence"].as_i64().unwrap_or(1);
    let mut updated = customer.clone();
    updated["next_invoice_sequence"] = json!(seq + 1);
    state.customers.insert(customer_id.clone(), updated);
    let mut inv = fixture("invoice");
    inv["id"] = json!(id);
    inv["number"] = json!(format!(
        "{}-{:04}",
        customer["invoice_prefix"].as_str().unwrap_or("SIM"),
        seq
    ));
    inv["customer"] = json!(customer_id);
    inv["customer_email"] = customer["email"].clone();
    inv["customer_name"] = customer["name"].clone();
    inv["currency"] = sub["currency"].clone();
    inv["created"] = json!(t);
    inv["effective_at"] = json!(t);
    inv["livemode"] = json!(false);
    inv["billing_reason"] = json!(reason);
    inv["status"] = json!("paid");
    inv["attempted"] = json!(true);
    inv["attempt_count"] = json!(1);
    for key in [
        "amount_due",
        "amount_paid",
        "subtotal",
        "subtotal_excluding_tax",
        "total",
        "total_excluding_tax",
    ] {
        inv[key] = json!(total);
    }
    inv["amount_remaining"] = json!(0);
    inv["amount_overpaid"] = json!(0);
    inv["period_start"] = json!(start);
    inv["period_end"] = json!(end);
    inv["hosted_invoice_url"] = json!(format!("https://invoice.stripe.com/i/acct_sim/test_{id}"));
    inv["invoice_pdf"] = json!(format!(
        "https://pay.stripe.com/invoice/acct_sim/test_{id}/pdf"
    ));
    inv["status_transitions"] = json!({"finalized_at": t, "marked_uncollectible_at": null, "paid_at": t, "voided_at": null});
    inv["parent"] = json!({"type": "subscription_details", "quote_details": null,
                           "subscription_details": {"metadata": sub["metadata"], "subscription": sub["id"]}});
    inv["lines"] = json!({"object": "list", "data": lines, "has_more": false, "url": format!("/v1/invoices/{id}/lines")});
    for key in [
        "due_date",
        "from_invoice",
        "last_finalization_error",
        "next_payment_attempt",
        "shipping_cost",
        "webhooks_delivered_at",
        "subscription",
    ] {
        inv[key] = Value::Null;
    }
    state.invoices.insert(id, inv.clone());
    Ok(inv)
}

fn emit_invoice_events(state: &mut State, invoice: &Value, meta: &ReqMeta) {
    for kind in [
        "invoice.created",
        "invoice.finalized",
        "invoice.paid",
        "invoice.payment_succeeded",
    ] {
        state.emit(kind, invoice, None, meta);
    }
}

pub fn list_invoices(state: &State, req: &Req) -> Result<Value, ApiError> {
    let p = req.p();
    let customer = p.str("customer");
    let sub = p.str("subscription");
    let status = p.str("status");
    let items = newest_first(&state.invoices, |i| {
        customer.is_none_or(|c| i["customer"] == c)
            && sub.is_none_or(|s| i["parent"]["subscription_details"]["subscription"] == s)
            && status.is_none_or(|s| i["status"] == s)
    });
    list::page(items, &p, "/v1/invoices")
}

pub fn retrieve_invoice(state: &State, id: &str) -> Result<Value, ApiError> {
    State::get(&state.invoices, "invoice", id, "id").cloned()
}
