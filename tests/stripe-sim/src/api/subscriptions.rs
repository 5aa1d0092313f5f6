//! Subscriptions, their items (which carry the current period in this API version) and the
//! invoice issued for each period.
//! See <https://docs.stripe.com/api/subscriptions> and <https://docs.stripe.com/api/invoices>.

use super::{customers, invoices, newest_first, payments, Req};
use crate::error::ApiError;
use crate::fixtures::fixture;
use crate::list;
use crate::state::{previous_attributes, ReqMeta, State};
use crate::util::{add_interval, apply_metadata, new_id, Params};
use serde_json::{json, Value};

/// The plan object Stripe still embeds beside the price on subscription items.
fn plan_for(price: &Value) -> Value {
    let mut plan = fixture("plan");
    for key in
        ["id", "active", "created", "currency", "livemode", "metadata", "nickname", "product"]
    {
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
    item["created"] = json!(start);
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
    item["quantity"] =
        if price["recurring"]["usage_type"] == "metered" { Value::Null } else { json!(quantity) };
    let interval = price["recurring"]["interval"].as_str().unwrap_or("month");
    let count = price["recurring"]["interval_count"].as_i64().unwrap_or(1);
    item["current_period_start"] = json!(start);
    item["current_period_end"] = json!(add_interval(start, interval, count));
}

pub fn items_of(sub: &Value) -> Vec<Value> {
    sub["items"]["data"].as_array().cloned().unwrap_or_default()
}

fn set_items(sub: &mut Value, items: Vec<Value>) {
    let id = sub["id"].as_str().unwrap_or_default().to_string();
    sub["items"] = json!({"object": "list", "data": items, "has_more": false, "url": format!("/v1/subscription_items?subscription={id}")});
}

/// The period shared by the items: Stripe keeps items of one subscription on one cycle.
pub fn period(sub: &Value) -> (i64, i64) {
    let first = &sub["items"]["data"][0];
    (
        first["current_period_start"].as_i64().unwrap_or(0),
        first["current_period_end"].as_i64().unwrap_or(0),
    )
}

/// Parameters Stripe documents for creating a subscription.
const CREATE_PARAMS: &[&str] = &[
    "customer",
    "items",
    "add_invoice_items",
    "application_fee_percent",
    "automatic_tax",
    "backdate_start_date",
    "billing_cycle_anchor",
    "billing_cycle_anchor_config",
    "billing_mode",
    "billing_thresholds",
    "cancel_at",
    "cancel_at_period_end",
    "collection_method",
    "currency",
    "customer_account",
    "days_until_due",
    "default_payment_method",
    "default_source",
    "default_tax_rates",
    "description",
    "discounts",
    "invoice_settings",
    "metadata",
    "off_session",
    "on_behalf_of",
    "payment_behavior",
    "payment_settings",
    "pending_invoice_item_interval",
    "proration_behavior",
    "transfer_data",
    "trial_end",
    "trial_from_plan",
    "trial_period_days",
    "trial_settings",
];

/// Parameters Stripe documents for updating a subscription.
const UPDATE_PARAMS: &[&str] = &[
    "add_invoice_items",
    "application_fee_percent",
    "automatic_tax",
    "billing_cycle_anchor",
    "billing_thresholds",
    "cancel_at",
    "cancel_at_period_end",
    "cancellation_details",
    "collection_method",
    "days_until_due",
    "default_payment_method",
    "default_source",
    "default_tax_rates",
    "description",
    "discounts",
    "invoice_settings",
    "items",
    "metadata",
    "off_session",
    "on_behalf_of",
    "pause_collection",
    "payment_behavior",
    "payment_settings",
    "pending_invoice_item_interval",
    "proration_behavior",
    "proration_date",
    "transfer_data",
    "trial_end",
    "trial_from_plan",
    "trial_settings",
];

/// How a new subscription is to be paid for, read and checked from the request.
struct Terms {
    collection: String,
    days_until_due: Option<i64>,
    behavior: String,
    default_pm: Option<String>,
    trial_end: Option<i64>,
    anchor: Option<i64>,
    cancel_at: Option<i64>,
    missing_pm: String,
}

fn enum_param<'a>(
    p: &Params<'a>,
    key: &str,
    allowed: &[&str],
    default: &'a str,
) -> Result<&'a str, ApiError> {
    match p.str(key) {
        None => Ok(default),
        Some(v) if allowed.contains(&v) => Ok(v),
        Some(v) => Err(ApiError::bad_value(key, v)),
    }
}

/// A unix time in the future (or `now` where Stripe allows it), for `param`.
fn future_time(p: &Params, key: &str, t: i64, allow_now: bool) -> Result<Option<i64>, ApiError> {
    if allow_now && p.str(key) == Some("now") {
        return Ok(Some(t));
    }
    match p.int(key)? {
        Some(v) if v <= t => Err(ApiError::invalid(format!(
            "Invalid timestamp: must be an integer Unix timestamp in the future. ({key})"
        ))
        .param(key)),
        v => Ok(v),
    }
}

fn read_terms(state: &State, customer: &str, p: &Params, t: i64) -> Result<Terms, ApiError> {
    let collection = enum_param(
        p,
        "collection_method",
        &["charge_automatically", "send_invoice"],
        "charge_automatically",
    )?
    .to_string();
    let days_until_due = p.int("days_until_due")?;
    if collection == "send_invoice" && days_until_due.is_none() {
        return Err(ApiError::missing("days_until_due"));
    }
    if collection != "send_invoice" && days_until_due.is_some() {
        return Err(ApiError::invalid(
            "days_until_due can only be set when collection_method=send_invoice.",
        )
        .param("days_until_due"));
    }
    if days_until_due.is_some_and(|d| !(0..=730).contains(&d)) {
        return Err(
            ApiError::invalid("days_until_due must be between 0 and 730.").param("days_until_due")
        );
    }
    let behavior = enum_param(
        p,
        "payment_behavior",
        &["allow_incomplete", "default_incomplete", "error_if_incomplete", "pending_if_incomplete"],
        "allow_incomplete",
    )?
    .to_string();
    if behavior == "pending_if_incomplete" {
        return Err(ApiError::invalid(
            "payment_behavior=pending_if_incomplete can only be used when updating a subscription.",
        )
        .param("payment_behavior"));
    }
    let default_pm = match p.str("default_payment_method").filter(|s| !s.is_empty()) {
        Some(id) => Some(
            payments::owned(state, id, customer, "default_payment_method")?["id"]
                .as_str()
                .unwrap_or(id)
                .to_string(),
        ),
        None => None,
    };
    let mut trial_end = future_time(p, "trial_end", t, true)?.filter(|e| *e > t);
    if let Some(days) = p.int("trial_period_days")? {
        if trial_end.is_some() || p.has("trial_end") {
            return Err(ApiError::invalid(
                "You may only specify one of these parameters: trial_end, trial_period_days.",
            )
            .param("trial_period_days"));
        }
        if !(0..=730).contains(&days) {
            return Err(ApiError::invalid("trial_period_days must be between 0 and 730.")
                .param("trial_period_days"));
        }
        trial_end = (days > 0).then(|| t + days * 86_400);
    }
    let anchor = future_time(p, "billing_cycle_anchor", t, false)?;
    let cancel_at = future_time(p, "cancel_at", t, false)?;
    let missing_pm = p
        .obj("trial_settings")
        .and_then(|ts| ts.obj("end_behavior"))
        .and_then(|eb| eb.str("missing_payment_method"))
        .unwrap_or("create_invoice");
    if !["create_invoice", "pause", "cancel"].contains(&missing_pm) {
        return Err(ApiError::bad_value(
            "trial_settings[end_behavior][missing_payment_method]",
            missing_pm,
        ));
    }
    Ok(Terms {
        collection,
        days_until_due,
        behavior,
        default_pm,
        trial_end,
        anchor,
        cancel_at,
        missing_pm: missing_pm.to_string(),
    })
}

/// Creates a subscription for `customer` on `(price, quantity)` pairs with its first invoice,
/// paid as Stripe would: charged at once (`allow_incomplete`: `incomplete` when that fails;
/// `error_if_incomplete`: a 402 and nothing created; `default_incomplete`: no attempt), sent
/// (`send_invoice`), or $0 for a trial.
pub fn insert_new(
    state: &mut State,
    customer: &str,
    prices: &[(Value, i64)],
    p: &Params,
    meta: &ReqMeta,
) -> Result<Value, ApiError> {
    let t = state.now();
    let terms = read_terms(state, customer, p, t)?;
    if terms.behavior == "error_if_incomplete"
        && terms.collection == "charge_automatically"
        && terms.trial_end.is_none()
    {
        check_payable(state, customer, terms.default_pm.as_deref(), prices)?;
    }
    let mut sub = fixture("subscription");
    let id = new_id("sub");
    sub["id"] = json!(id);
    sub["customer"] = json!(customer);
    sub["created"] = json!(t);
    sub["start_date"] = json!(t);
    sub["billing_cycle_anchor"] = json!(terms.trial_end.or(terms.anchor).unwrap_or(t));
    sub["billing_cycle_anchor_config"] = Value::Null;
    sub["currency"] = prices[0].0["currency"].clone();
    sub["status"] = json!("incomplete");
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
        "days_until_due",
        "pending_setup_intent",
    ] {
        sub[key] = Value::Null;
    }
    sub["collection_method"] = json!(terms.collection);
    sub["days_until_due"] = terms.days_until_due.map(Value::from).unwrap_or(Value::Null);
    sub["default_payment_method"] =
        terms.default_pm.clone().map(Value::from).unwrap_or(Value::Null);
    sub["trial_settings"] = json!({"end_behavior": {"missing_payment_method": terms.missing_pm}});
    sub["cancel_at_period_end"] = json!(false);
    sub["cancellation_details"] = json!({"comment": null, "feedback": null, "reason": null});
    sub["discounts"] = json!([]);
    sub["billing_schedules"] = json!([]);
    let items: Vec<Value> = prices.iter().map(|(price, q)| new_item(&id, price, *q, t)).collect();
    set_items(&mut sub, items);
    let mut first_amount_scale = None;
    if let Some(end) = terms.trial_end.or(terms.anchor) {
        // A trial, or a first period up to the anchor (charged pro rata).
        let full = period(&sub).1 - t;
        set_period_end(&mut sub, end);
        if terms.trial_end.is_none() && full > 0 {
            first_amount_scale = Some((end - t, full));
        }
    }
    if let Some(end) = terms.trial_end {
        sub["trial_start"] = json!(t);
        sub["trial_end"] = json!(end);
    }
    apply_metadata(&mut sub, p)?;
    if p.bool("cancel_at_period_end")? == Some(true) {
        sub["cancel_at_period_end"] = json!(true);
        sub["cancel_at"] = json!(period(&sub).1);
    }
    if let Some(at) = terms.cancel_at {
        sub["cancel_at"] = json!(at);
    }
    state.subscriptions.insert(id.clone(), sub.clone());
    let trial = terms.trial_end.is_some();
    let invoice = invoices::issue_invoice(
        state,
        &sub,
        "subscription_create",
        trial,
        first_amount_scale,
        meta,
    )?;
    let inv_id = invoice["id"].as_str().unwrap_or_default().to_string();
    sub["latest_invoice"] = json!(inv_id);
    let status = if trial {
        "trialing"
    } else if invoice["status"] == "paid" || terms.collection == "send_invoice" {
        "active"
    } else if terms.behavior == "default_incomplete" {
        "incomplete"
    } else {
        match payments::charge(state, &inv_id, None, payments::Why::First, meta)? {
            payments::Attempt::Paid => "active",
            _ => "incomplete",
        }
    };
    sub["status"] = json!(status);
    state.subscriptions.insert(id.clone(), sub.clone());
    state.indexed(&id);
    state.emit("customer.subscription.created", &sub, None, meta);
    if trial {
        notify_trial_end_if_near(state, &id, meta);
    }
    Ok(state.subscriptions[&id].clone())
}

/// For `error_if_incomplete`: the 400 or 402 Stripe answers when the first invoice cannot be
/// paid, before anything is created.
fn check_payable(
    state: &State,
    customer: &str,
    pm: Option<&str>,
    prices: &[(Value, i64)],
) -> Result<(), ApiError> {
    let total: i64 = prices.iter().map(|(pr, q)| pr["unit_amount"].as_i64().unwrap_or(0) * q).sum();
    if total == 0 {
        return Ok(());
    }
    let pm = pm.map(String::from).or_else(|| {
        state.customers.get(customer).and_then(|c| {
            c["invoice_settings"]["default_payment_method"].as_str().map(String::from)
        })
    });
    let Some(pm) = pm.and_then(|id| state.payment_methods.get(&id)) else {
        return Err(ApiError::invalid("This customer has no attached payment source or default payment method. Please consider adding a default payment method.").code("resource_missing"));
    };
    match payments::behavior(pm) {
        payments::Behavior::Succeeds => Ok(()),
        payments::Behavior::NeedsAuthentication => Err(ApiError::card(
            "Your card was declined. This transaction requires authentication.",
            "card_declined",
            Some("authentication_required"),
        )),
        payments::Behavior::DeclinedOnAttach(code) => {
            Err(ApiError::card("Your card was declined.", "card_declined", Some(code)))
        }
        payments::Behavior::ChargesFail => {
            Err(ApiError::card("Your card was declined.", "card_declined", Some("generic_decline")))
        }
    }
}

/// Sets every item's period end (the items of a subscription share one cycle).
fn set_period_end(sub: &mut Value, end: i64) {
    let mut items = items_of(sub);
    for item in &mut items {
        item["current_period_end"] = json!(end);
    }
    set_items(sub, items);
}

/// `customer.subscription.trial_will_end`, three days before a trial ends (at once for a
/// shorter trial), once per trial end.
pub fn notify_trial_end_if_near(state: &mut State, id: &str, meta: &ReqMeta) {
    let Some(sub) = state.subscriptions.get(id).cloned() else {
        return;
    };
    let Some(end) = sub["trial_end"].as_i64() else {
        return;
    };
    if sub["status"] != "trialing" || state.trial_notified.get(id) == Some(&end) {
        return;
    }
    if state.now() >= end - 3 * 86_400 {
        state.trial_notified.insert(id.to_string(), end);
        state.emit("customer.subscription.trial_will_end", &sub, None, meta);
    }
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
        let price_id =
            item.get("price").and_then(Value::as_str).ok_or_else(|| ApiError::missing(&at))?;
        let price = recurring_price(state, price_id, &at)?;
        let given =
            crate::util::parse_int(item.get("quantity"), &format!("{param}[{i}][quantity]"))?;
        let least = if param == "line_items" { 1 } else { 0 };
        check_quantity(&price, given, least, &format!("{param}[{i}]"))?;
        let q = given.unwrap_or(1);
        if out.iter().any(|(pr, _): &(Value, i64)| pr["id"] == price["id"]) {
            return Err(ApiError::invalid(
                "Cannot add multiple subscription items with the same price.",
            )
            .param(at));
        }
        if out.first().is_some_and(|(pr, _)| pr["currency"] != price["currency"]) {
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
    p.allow_only(CREATE_PARAMS)?;
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

/// Stripe's refusals of an item's quantity: below `least` (0 on a subscription, 1 on a
/// Checkout line), or any quantity on a metered price (usage sets what it bills).
fn check_quantity(price: &Value, given: Option<i64>, least: i64, at: &str) -> Result<(), ApiError> {
    let Some(q) = given else {
        return Ok(());
    };
    if price["recurring"]["usage_type"] == "metered" {
        return Err(ApiError::invalid(format!(
            "Quantity should not be specified where usage_type is `metered`. Remove quantity from `{at}`."
        ))
        .param(format!("{at}[quantity]")));
    }
    if q < least {
        return Err(ApiError::invalid(format!(
            "This value must be greater than or equal to {least}."
        ))
        .param(format!("{at}[quantity]")));
    }
    Ok(())
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
                let pos = items.iter().position(|it| it["id"] == item_id).ok_or_else(|| {
                    ApiError::no_such("subscription_item", item_id, at("id").as_str())
                })?;
                if change.get("deleted").and_then(Value::as_str) == Some("true") {
                    items.remove(pos);
                    continue;
                }
                let item = &mut items[pos];
                let price = price.unwrap_or_else(|| item["price"].clone());
                check_quantity(&price, quantity, 0, &format!("items[{i}]"))?;
                let q = quantity.or(item["quantity"].as_i64()).unwrap_or(1);
                // A price change keeps the billing cycle: the item keeps its period.
                let (s, e) =
                    (item["current_period_start"].clone(), item["current_period_end"].clone());
                set_item_price(item, &price, q, start);
                item["current_period_start"] = s;
                item["current_period_end"] = e;
            }
            None => {
                let price = price.ok_or_else(|| ApiError::missing(&at("price")))?;
                check_quantity(&price, quantity, 0, &format!("items[{i}]"))?;
                let mut item = new_item(&sub_id, &price, quantity.unwrap_or(1), start);
                item["current_period_end"] = json!(period(sub).1);
                items.push(item);
            }
        }
    }
    if items.is_empty() {
        return Err(
            ApiError::invalid("A subscription must have at least one active plan.").param("items")
        );
    }
    same_currency(sub, &items)?;
    set_items(sub, items);
    Ok(())
}

/// Stripe keeps one currency per customer: an update that would bill the subscription in
/// another currency is refused, as Stripe does ("Can't combine currencies on a single
/// customer. This customer has had a subscription, coupon, or invoice item with currency
/// eur", stripe/stripe-java#146; today's wording starts "You cannot combine currencies on a
/// single customer"). <https://docs.stripe.com/billing/customer#currency>
fn same_currency(sub: &Value, items: &[Value]) -> Result<(), ApiError> {
    let has = sub["currency"].as_str().unwrap_or_default();
    match items
        .iter()
        .map(|it| it["price"]["currency"].as_str().unwrap_or_default())
        .find(|c| !has.is_empty() && c != &has)
    {
        None => Ok(()),
        Some(_) => Err(ApiError::invalid(format!(
            "You cannot combine currencies on a single customer. This customer has an active subscription, subscription schedule, discount, quote, or invoice item with currency {has}."
        ))
        .param("currency")),
    }
}

pub fn update(state: &mut State, req: &Req, id: &str) -> Result<Value, ApiError> {
    let p = req.p();
    p.allow_only(UPDATE_PARAMS)?;
    let before = State::get(&state.subscriptions, "subscription", id, "id")?.clone();
    let behavior = proration(&p)?.to_string();
    let mut sub = before.clone();
    if before["status"] == "canceled"
        && p.0.keys().any(|k| k != "metadata" && k != "cancellation_details" && k != "expand")
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
        sub["cancel_at"] = if flag { json!(period(&sub).1) } else { Value::Null };
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
    update_terms(state, &mut sub, &p)?;
    if sub == before {
        return Ok(sub);
    }
    let charge_now = behavior == "always_invoice" && items_of(&sub) != items_of(&before);
    let pay = enum_param(
        &p,
        "payment_behavior",
        &["allow_incomplete", "default_incomplete", "error_if_incomplete", "pending_if_incomplete"],
        "allow_incomplete",
    )?;
    if charge_now
        && sub["collection_method"] != "send_invoice"
        && matches!(pay, "error_if_incomplete" | "pending_if_incomplete")
    {
        let customer = sub["customer"].as_str().unwrap_or_default().to_string();
        let prices: Vec<(Value, i64)> = items_of(&sub)
            .iter()
            .map(|it| (it["price"].clone(), it["quantity"].as_i64().unwrap_or(1)))
            .collect();
        check_payable(state, &customer, sub["default_payment_method"].as_str(), &prices)?;
    }
    if items_of(&sub) != items_of(&before) {
        let at = p.int("proration_date")?.unwrap_or_else(|| state.now());
        super::prorations::record(state, &before, &sub, &behavior, at);
    }
    state.subscriptions.insert(id.to_string(), sub.clone());
    if charge_now {
        let inv =
            invoices::issue_invoice(state, &sub, "subscription_update", false, None, &req.meta)?;
        let inv_id = inv["id"].as_str().unwrap_or_default().to_string();
        sub["latest_invoice"] = json!(inv_id);
        if inv["status"] == "open"
            && sub["collection_method"] != "send_invoice"
            && pay != "default_incomplete"
        {
            let outcome =
                payments::charge(state, &inv_id, None, payments::Why::Automatic, &req.meta)?;
            if outcome != payments::Attempt::Paid && sub["status"] == "active" {
                sub["status"] = json!("past_due");
                schedule_retry(state, &inv_id);
            }
        }
        state.subscriptions.insert(id.to_string(), sub.clone());
    }
    state.indexed(id);
    state.emit(
        "customer.subscription.updated",
        &sub,
        Some(previous_attributes(&before, &sub)),
        &req.meta,
    );
    notify_trial_end_if_near(state, id, &req.meta);
    Ok(state.subscriptions[id].clone())
}

/// `default_payment_method`, `cancel_at`, `collection_method` and `days_until_due`,
/// `trial_end` (`now` ends a trial at once) and `proration_date` on an update.
fn update_terms(state: &State, sub: &mut Value, p: &Params) -> Result<(), ApiError> {
    let t = state.now();
    let customer = sub["customer"].as_str().unwrap_or_default().to_string();
    if let Some(pm) = p.str("default_payment_method") {
        sub["default_payment_method"] = if pm.is_empty() {
            Value::Null
        } else {
            payments::owned(state, pm, &customer, "default_payment_method")?["id"].clone()
        };
    }
    if p.str("cancel_at") == Some("") {
        sub["cancel_at"] = Value::Null;
    } else if let Some(at) = future_time(p, "cancel_at", t, false)? {
        sub["cancel_at"] = json!(at);
    }
    if let Some(cm) = p.str("collection_method") {
        let cm = enum_param(p, "collection_method", &["charge_automatically", "send_invoice"], cm)?;
        sub["collection_method"] = json!(cm);
        if cm == "charge_automatically" {
            sub["days_until_due"] = Value::Null;
        }
    }
    if let Some(d) = p.int("days_until_due")? {
        if sub["collection_method"] != "send_invoice" {
            return Err(ApiError::invalid(
                "days_until_due can only be set when collection_method=send_invoice.",
            )
            .param("days_until_due"));
        }
        sub["days_until_due"] = json!(d);
    }
    if sub["collection_method"] == "send_invoice" && sub["days_until_due"].is_null() {
        return Err(ApiError::missing("days_until_due"));
    }
    if let Some(pd) = p.int("proration_date")? {
        let (start, end) = period(sub);
        if pd < start || pd > end {
            return Err(ApiError::invalid(
                "proration_date must be within the subscription's current period.",
            )
            .param("proration_date"));
        }
    }
    if p.has("trial_end") {
        if sub["status"] != "trialing" && p.str("trial_end") == Some("now") {
            return Ok(());
        }
        let end = future_time(p, "trial_end", t, true)?.unwrap_or(t);
        sub["trial_end"] = json!(end);
        set_period_end(sub, end);
        if sub["status"] != "trialing" && end > t {
            sub["status"] = json!("trialing");
            sub["trial_start"] = json!(t);
        }
    }
    Ok(())
}

/// Cancels at once: status `canceled`, `ended_at` now, `customer.subscription.deleted`.
pub fn cancel_now(state: &mut State, meta: &ReqMeta, id: &str) -> Result<Value, ApiError> {
    let mut sub = State::get(&state.subscriptions, "subscription", id, "id")?.clone();
    if sub["status"] == "canceled" {
        return Err(ApiError::no_such("subscription", id, "id"));
    }
    let t = state.now();
    sub["status"] = json!("canceled");
    sub["canceled_at"] = json!(t);
    sub["ended_at"] = json!(t);
    sub["cancellation_details"]["reason"] = json!("cancellation_requested");
    state.subscriptions.insert(id.to_string(), sub.clone());
    state.emit("customer.subscription.deleted", &sub, None, meta);
    Ok(sub)
}

pub fn cancel(state: &mut State, req: &Req, id: &str) -> Result<Value, ApiError> {
    req.p().allow_only(&["invoice_now", "prorate", "cancellation_details"])?;
    cancel_now(state, &req.meta, id)
}

/// Rolls a subscription into its next period at its period end (the clock's renewal, and
/// `/_sim/subscriptions/{id}/advance`): the cancellation scheduled for then, or a renewal
/// invoice charged as Stripe would (`past_due` and a retry schedule when that fails).
pub fn advance_period(state: &mut State, id: &str) -> Result<Value, ApiError> {
    renew(state, id, &ReqMeta::default())
}

pub fn renew(state: &mut State, id: &str, meta: &ReqMeta) -> Result<Value, ApiError> {
    let before = State::get(&state.subscriptions, "subscription", id, "id")?.clone();
    let status = before["status"].as_str().unwrap_or_default().to_string();
    if matches!(status.as_str(), "canceled" | "incomplete_expired") {
        return Err(ApiError::invalid("This subscription is canceled."));
    }
    if status == "incomplete" {
        return Err(ApiError::invalid(
            "An incomplete subscription does not renew: its first invoice is not paid.",
        ));
    }
    let (_, end) = period(&before);
    if before["cancel_at_period_end"] == true
        || before["cancel_at"].as_i64().is_some_and(|c| c <= end)
    {
        return cancel_as(state, meta, id, "cancellation_requested");
    }
    let mut sub = before.clone();
    let trial_ending = status == "trialing";
    if trial_ending {
        sub["status"] = json!("active");
        let customer = sub["customer"].as_str().unwrap_or_default();
        let has_pm = !sub["default_payment_method"].is_null()
            || state
                .customers
                .get(customer)
                .is_some_and(|c| !c["invoice_settings"]["default_payment_method"].is_null());
        match sub["trial_settings"]["end_behavior"]["missing_payment_method"].as_str() {
            Some("cancel") if !has_pm => {
                return cancel_as(state, meta, id, "cancellation_requested")
            }
            Some("pause") if !has_pm => {
                sub["status"] = json!("paused");
                return store_update(state, id, &before, sub, meta);
            }
            _ => {}
        }
    }
    if status == "paused" {
        return Ok(before);
    }
    let mut items = items_of(&sub);
    for item in &mut items {
        let start = item["current_period_end"].as_i64().unwrap_or(end);
        let price = item["price"].clone();
        let q = item["quantity"].as_i64().unwrap_or(1);
        set_item_price(item, &price, q, start);
    }
    set_items(&mut sub, items);
    state.subscriptions.insert(id.to_string(), sub.clone());
    let invoice = invoices::issue_invoice(state, &sub, "subscription_cycle", false, None, meta)?;
    let inv_id = invoice["id"].as_str().unwrap_or_default().to_string();
    sub["latest_invoice"] = json!(inv_id);
    if invoice["status"] == "open" && sub["collection_method"] != "send_invoice" {
        if status == "unpaid" {
            // Stripe leaves new invoices of an unpaid subscription unattempted.
        } else {
            let outcome = payments::charge(state, &inv_id, None, payments::Why::Automatic, meta)?;
            if outcome != payments::Attempt::Paid {
                sub["status"] = json!("past_due");
                schedule_retry(state, &inv_id);
            }
        }
    }
    store_update(state, id, &before, sub, meta)
}

fn store_update(
    state: &mut State,
    id: &str,
    before: &Value,
    sub: Value,
    meta: &ReqMeta,
) -> Result<Value, ApiError> {
    state.subscriptions.insert(id.to_string(), sub.clone());
    state.indexed(id);
    state.emit(
        "customer.subscription.updated",
        &sub,
        Some(previous_attributes(before, &sub)),
        meta,
    );
    Ok(sub)
}

/// Sets the next retry of a failed automatic charge from the account's retry schedule, or
/// `None` when the schedule is spent.
pub fn schedule_retry(state: &mut State, invoice_id: &str) -> Option<i64> {
    let t = state.now();
    let days = state.settings.retry_days.clone();
    let inv = state.invoices.get_mut(invoice_id)?;
    let attempts = inv["attempt_count"].as_i64().unwrap_or(1).max(1) as usize;
    let next = days.get(attempts - 1).map(|d| t + d * 86_400);
    inv["next_payment_attempt"] = next.map(Value::from).unwrap_or(Value::Null);
    next
}

/// After an invoice of `sub_id` is paid: back to `active` from `incomplete`, `past_due` or
/// `unpaid` when no other invoice of it is still open.
pub fn settle(state: &mut State, sub_id: &str, meta: &ReqMeta) -> Result<(), ApiError> {
    let Some(before) = state.subscriptions.get(sub_id).cloned() else {
        return Ok(());
    };
    if !matches!(before["status"].as_str(), Some("incomplete" | "past_due" | "unpaid")) {
        return Ok(());
    }
    let open = state.invoices.values().any(|i| {
        i["parent"]["subscription_details"]["subscription"] == sub_id && i["status"] == "open"
    });
    if open {
        return Ok(());
    }
    let mut sub = before.clone();
    sub["status"] = json!("active");
    store_update(state, sub_id, &before, sub, meta)?;
    Ok(())
}

/// Ends a subscription now with `reason` (`cancellation_requested`, `payment_failed`).
pub fn cancel_as(
    state: &mut State,
    meta: &ReqMeta,
    id: &str,
    reason: &str,
) -> Result<Value, ApiError> {
    let sub = cancel_now(state, meta, id)?;
    let mut sub = sub;
    if reason != "cancellation_requested" {
        sub["cancellation_details"]["reason"] = json!(reason);
        state.subscriptions.insert(id.to_string(), sub.clone());
    }
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

/// `GET /v1/subscriptions/search`.
pub fn search(state: &State, req: &Req) -> Result<Value, ApiError> {
    let fields = ["created", "metadata", "status", "customer", "id"];
    let items = newest_first(&state.subscriptions, |s| state.searchable(s));
    list::search(items, &req.p(), "/v1/subscriptions/search", &fields, "subscriptions")
}

/// After `/pay` fails on an automatically collected invoice of a subscription that is
/// already retrying: the schedule goes on from this attempt.
pub fn schedule_retry_if_automatic(state: &mut State, invoice_id: &str) {
    let retrying = state.invoices.get(invoice_id).is_some_and(|i| {
        i["collection_method"] == "charge_automatically" && !i["next_payment_attempt"].is_null()
    });
    if retrying {
        schedule_retry(state, invoice_id);
    }
}
