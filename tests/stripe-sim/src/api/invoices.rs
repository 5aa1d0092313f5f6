//! Invoices: issued for subscription periods, listed, searched, and paid, voided, finalized,
//! sent or marked uncollectible.
//! See <https://docs.stripe.com/api/invoices>.

use super::{customers, newest_first, payments, subscriptions, Req};
use crate::error::ApiError;
use crate::fixtures::fixture;
use crate::list;
use crate::state::{ReqMeta, State};
use crate::util::new_id;
use serde_json::{json, Value};

fn subscription_of(inv: &Value) -> Option<String> {
    inv["parent"]["subscription_details"]["subscription"].as_str().map(String::from)
}

fn invoice(state: &State, id: &str) -> Result<Value, ApiError> {
    State::get(&state.invoices, "invoice", id, "invoice").cloned()
}

/// `POST /v1/invoices/{id}/pay`: charges the given (or default) method now; a decline is the
/// 402 Stripe answers, and the invoice stays open. `paid_out_of_band` marks it paid.
pub fn pay(state: &mut State, req: &Req, id: &str) -> Result<Value, ApiError> {
    let p = req.p();
    p.allow_only(&[
        "forgive",
        "mandate",
        "off_session",
        "paid_out_of_band",
        "payment_method",
        "source",
    ])?;
    let mut inv = invoice(state, id)?;
    match inv["status"].as_str() {
        Some("open") => {}
        Some("paid") => {
            return Err(ApiError::invalid("Invoice is already paid").code("invoice_already_paid"))
        }
        Some("draft") => {
            return Err(ApiError::invalid(
                "This invoice is not finalized. Finalize it before paying.",
            )
            .code("invoice_not_editable"))
        }
        Some(other) => {
            return Err(ApiError::invalid(format!(
                "You cannot pay an invoice with status {other}."
            ))
            .code("invoice_not_editable"))
        }
        None => {}
    }
    if p.bool("paid_out_of_band")? == Some(true) {
        payments::mark_paid(state, &mut inv, None, None, &req.meta);
    } else {
        let given = p.str("payment_method");
        if let Some(pm) = given {
            let customer = inv["customer"].as_str().unwrap_or_default().to_string();
            payments::owned(state, pm, &customer, "payment_method")?;
        }
        match payments::charge(state, id, given, payments::Why::Pay, &req.meta)? {
            payments::Attempt::Paid => {}
            payments::Attempt::Failed(e) => {
                subscriptions::schedule_retry_if_automatic(state, id);
                return Err(e);
            }
            payments::Attempt::NeedsAction => {
                return Err(ApiError::card(
                    "This payment requires additional user action before it can be completed successfully.",
                    "invoice_payment_intent_requires_action",
                    None,
                ))
            }
            payments::Attempt::NoMethod => unreachable!("Why::Pay always attempts"),
        }
    }
    if let Some(sub) = subscription_of(&inv) {
        subscriptions::settle(state, &sub, &req.meta)?;
    }
    invoice(state, id)
}

/// `POST /v1/invoices/{id}/void`: an open or uncollectible invoice is voided for good.
pub fn void(state: &mut State, req: &Req, id: &str) -> Result<Value, ApiError> {
    req.p().allow_only(&[])?;
    let mut inv = invoice(state, id)?;
    if !matches!(inv["status"].as_str(), Some("open" | "uncollectible")) {
        return Err(ApiError::invalid(format!(
            "You can only void an open or uncollectible invoice; this one is {}.",
            inv["status"].as_str().unwrap_or("unknown")
        ))
        .code("invoice_not_editable"));
    }
    void_invoice(state, &mut inv, &req.meta);
    if let Some(sub) = subscription_of(&inv) {
        subscriptions::settle(state, &sub, &req.meta)?;
    }
    invoice(state, id)
}

/// Voids an invoice and emits `invoice.voided`.
pub fn void_invoice(state: &mut State, inv: &mut Value, meta: &ReqMeta) {
    let t = state.now();
    inv["status"] = json!("void");
    inv["next_payment_attempt"] = Value::Null;
    inv["status_transitions"]["voided_at"] = json!(t);
    let id = inv["id"].as_str().unwrap_or_default().to_string();
    state.invoices.insert(id, inv.clone());
    state.emit("invoice.voided", inv, None, meta);
}

/// `POST /v1/invoices/{id}/finalize`: a draft becomes open (and is charged when it collects
/// automatically and `auto_advance` allows).
pub fn finalize(state: &mut State, req: &Req, id: &str) -> Result<Value, ApiError> {
    let p = req.p();
    p.allow_only(&["auto_advance"])?;
    let mut inv = invoice(state, id)?;
    if inv["status"] != "draft" {
        return Err(ApiError::invalid(
            "This invoice is already finalized, you can't re-finalize a non-draft invoice.",
        )
        .code("invoice_not_editable"));
    }
    let t = state.now();
    inv["status"] = json!("open");
    inv["status_transitions"]["finalized_at"] = json!(t);
    if let Some(a) = p.bool("auto_advance")? {
        inv["auto_advance"] = json!(a);
    }
    state.invoices.insert(id.to_string(), inv.clone());
    state.emit("invoice.finalized", &inv, None, &req.meta);
    if inv["amount_due"].as_i64() == Some(0) {
        payments::mark_paid(state, &mut inv, None, None, &req.meta);
    }
    invoice(state, id)
}

/// `POST /v1/invoices/{id}/send`: e-mails an open `send_invoice` invoice (`invoice.sent`).
pub fn send(state: &mut State, req: &Req, id: &str) -> Result<Value, ApiError> {
    req.p().allow_only(&[])?;
    let inv = invoice(state, id)?;
    if inv["collection_method"] != "send_invoice" {
        return Err(ApiError::invalid(
            "You can only manually send an invoice if its collection method is 'send_invoice'.",
        )
        .code("invoice_not_editable"));
    }
    if inv["status"] != "open" {
        return Err(
            ApiError::invalid("You can only send an open invoice.").code("invoice_not_editable")
        );
    }
    state.emit("invoice.sent", &inv, None, &req.meta);
    Ok(inv)
}

/// `POST /v1/invoices/{id}/mark_uncollectible`.
pub fn mark_uncollectible(state: &mut State, req: &Req, id: &str) -> Result<Value, ApiError> {
    req.p().allow_only(&[])?;
    let mut inv = invoice(state, id)?;
    if inv["status"] != "open" {
        return Err(ApiError::invalid("You can only mark an open invoice as uncollectible.")
            .code("invoice_not_editable"));
    }
    inv["status"] = json!("uncollectible");
    inv["next_payment_attempt"] = Value::Null;
    inv["status_transitions"]["marked_uncollectible_at"] = json!(state.now());
    state.invoices.insert(id.to_string(), inv.clone());
    state.emit("invoice.marked_uncollectible", &inv, None, &req.meta);
    if let Some(sub) = subscription_of(&inv) {
        subscriptions::settle(state, &sub, &req.meta)?;
    }
    Ok(inv)
}

/// `GET /v1/invoices/search`.
pub fn search(state: &State, req: &Req) -> Result<Value, ApiError> {
    let fields = [
        "created",
        "currency",
        "customer",
        "metadata",
        "number",
        "status",
        "subscription",
        "total",
    ];
    let items = newest_first(&state.invoices, |i| state.searchable(i));
    list::search(items, &req.p(), "/v1/invoices/search", &fields, "invoices")
}

/// The invoice for a subscription's current period (one line per item), finalized (open; a
/// draft for an `unpaid` subscription) with `invoice.created` and `invoice.finalized`, and
/// paid at once when it comes to $0 (a trial).
pub fn issue_invoice(
    state: &mut State,
    sub: &Value,
    reason: &str,
    trial: bool,
    scale: Option<(i64, i64)>,
    meta: &ReqMeta,
) -> Result<Value, ApiError> {
    let customer_id = sub["customer"].as_str().unwrap_or_default().to_string();
    let customer = customers::live(state, &customer_id, "customer")?.clone();
    let (start, end) = subscriptions::period(sub);
    let id = new_id("in");
    let t = state.now();
    let mut lines = Vec::new();
    let mut total = 0i64;
    // An update's invoice (`always_invoice`) bills its prorations alone; a renewal, its
    // period and what was prorated since the last one.
    let items =
        if reason == "subscription_update" { Vec::new() } else { subscriptions::items_of(sub) };
    let prorated = if reason == "subscription_create" {
        Vec::new()
    } else {
        super::prorations::take(state, sub["id"].as_str().unwrap_or_default())
    };
    for item in items {
        let full = item["price"]["unit_amount"]
            .as_i64()
            .unwrap_or(0)
            .checked_mul(item["quantity"].as_i64().unwrap_or(0))
            .ok_or_else(|| ApiError::invalid("The invoice total is too large.").param("items"))?;
        let amount = match (trial, scale) {
            (true, _) => 0,
            (false, Some((part, whole))) => {
                (i128::from(full) * i128::from(part) / i128::from(whole)) as i64
            }
            (false, None) => full,
        };
        total = total
            .checked_add(amount)
            .ok_or_else(|| ApiError::invalid("The invoice total is too large.").param("items"))?;
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
    for p in prorated {
        let amount = p["amount"].as_i64().unwrap_or(0);
        total = total
            .checked_add(amount)
            .ok_or_else(|| ApiError::invalid("The invoice total is too large.").param("items"))?;
        lines.push(proration_line(&p, sub, &id));
    }
    state.invoice_seq += 1;
    let seq = customer["next_invoice_sequence"].as_i64().unwrap_or(1);
    let mut updated = customer.clone();
    updated["next_invoice_sequence"] = json!(seq + 1);
    state.customers.insert(customer_id.clone(), updated);
    let mut inv = fixture("invoice");
    inv["id"] = json!(id);
    inv["number"] =
        json!(format!("{}-{:04}", customer["invoice_prefix"].as_str().unwrap_or("SIM"), seq));
    inv["customer"] = json!(customer_id);
    inv["customer_email"] = customer["email"].clone();
    inv["customer_name"] = customer["name"].clone();
    inv["currency"] = sub["currency"].clone();
    inv["created"] = json!(t);
    inv["effective_at"] = json!(t);
    inv["livemode"] = json!(false);
    inv["billing_reason"] = json!(reason);
    inv["status"] = json!("open");
    inv["attempted"] = json!(false);
    inv["attempt_count"] = json!(0);
    inv["auto_advance"] = json!(true);
    let collection = sub["collection_method"].as_str().unwrap_or("charge_automatically");
    inv["collection_method"] = json!(collection);
    for key in ["subtotal", "subtotal_excluding_tax", "total", "total_excluding_tax"] {
        inv[key] = json!(total);
    }
    // A credit (a downgrade's prorations) leaves nothing due; Stripe puts it on the balance.
    let due = total.max(0);
    inv["amount_due"] = json!(due);
    inv["amount_paid"] = json!(0);
    inv["amount_remaining"] = json!(due);
    inv["amount_overpaid"] = json!(0);
    inv["period_start"] = json!(start);
    inv["period_end"] = json!(end);
    inv["hosted_invoice_url"] = json!(format!("https://invoice.stripe.com/i/acct_sim/test_{id}"));
    inv["invoice_pdf"] = json!(format!("https://pay.stripe.com/invoice/acct_sim/test_{id}/pdf"));
    inv["status_transitions"] = json!({"finalized_at": t, "marked_uncollectible_at": null, "paid_at": null, "voided_at": null});
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
        "default_payment_method",
        "default_source",
        "automatically_finalizes_at",
        "test_clock",
    ] {
        inv[key] = Value::Null;
    }
    if collection == "send_invoice" {
        let days = sub["days_until_due"].as_i64().unwrap_or(30);
        inv["due_date"] = json!(t + days * 86_400);
    }
    let unpaid_sub = sub["status"] == "unpaid";
    if unpaid_sub {
        // Stripe leaves new invoices of an unpaid subscription as drafts.
        inv["status"] = json!("draft");
        inv["status_transitions"]["finalized_at"] = Value::Null;
    }
    state.invoices.insert(id.clone(), inv.clone());
    state.indexed(&id);
    state.emit("invoice.created", &inv, None, meta);
    if unpaid_sub {
        return Ok(inv);
    }
    state.emit("invoice.finalized", &inv, None, meta);
    if due == 0 {
        payments::mark_paid(state, &mut inv, None, None, meta);
    }
    Ok(state.invoices[&id].clone())
}

/// An invoice line for one proration (see [`super::prorations`]).
fn proration_line(p: &Value, sub: &Value, invoice: &str) -> Value {
    let mut line = fixture("invoice")["lines"]["data"][0].clone();
    line["id"] = json!(new_id("il"));
    line["invoice"] = json!(invoice);
    line["amount"] = p["amount"].clone();
    line["subtotal"] = p["amount"].clone();
    line["currency"] = p["price"]["currency"].clone();
    line["description"] = p["description"].clone();
    line["period"] = p["period"].clone();
    line["quantity"] = p["quantity"].clone();
    line["subscription"] = sub["id"].clone();
    line["pricing"] = json!({"type": "price_details", "price_details": {"price": p["price"]["id"], "product": p["price"]["product"]}, "unit_amount_decimal": p["price"]["unit_amount_decimal"]});
    line["parent"] = json!({
        "type": "subscription_item_details", "invoice_item_details": null,
        "subscription_item_details": {"invoice_item": null, "proration": true, "proration_details": {"credited_items": null},
                                      "subscription": sub["id"], "subscription_item": p["subscription_item"]},
    });
    line
}

pub fn list(state: &State, req: &Req) -> Result<Value, ApiError> {
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

pub fn retrieve(state: &State, id: &str) -> Result<Value, ApiError> {
    State::get(&state.invoices, "invoice", id, "id").cloned()
}
