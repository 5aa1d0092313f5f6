//! `invoices list/show/pay/void/send` as workflows: read the invoice, act on it in Stripe,
//! check the answer, record the action in the journal and the audit log. Prints nothing.

use super::writes::{self, Actor, Stores};
use crate::adapters::stripe::{InvoiceInfo, Stripe, Writer};
use crate::domain::money::money;
use crate::ops::payments::InvoiceList;
use anyhow::{anyhow, Context, Result};

/// A customer's invoices, with `status` if given.
pub async fn list(stripe: &Stripe, customer: &str, status: Option<&str>) -> Result<InvoiceList> {
    super::subscriptions::existing_customer(stripe, customer).await?;
    let invoices = stripe
        .invoices_of(customer, status)
        .await
        .context("failed to list invoices")?;
    Ok(InvoiceList(invoices))
}

/// One invoice, or an error that says it does not exist.
pub async fn find(stripe: &Stripe, id: &str) -> Result<InvoiceInfo> {
    stripe
        .invoice(id)
        .await
        .with_context(|| format!("failed to read invoice {id}"))?
        .ok_or_else(|| anyhow!("no such invoice {id} in Stripe"))
}

/// The question to ask before `action` on `inv`: paying moves money and voiding is final;
/// sending needs none.
pub fn question(inv: &InvoiceInfo, action: &str) -> Option<String> {
    let amount = money(inv.amount_remaining, &inv.currency);
    let id = &inv.id;
    match action {
        "pay" => Some(format!(
            "Charge {amount} for invoice {id} of {} now?",
            inv.customer
        )),
        "void" => Some(format!("Void invoice {id} ({amount} due) for good?")),
        _ => None,
    }
}

/// The status Stripe's answer must show after `action`: paid, void, or (sent, finalized) open.
fn wanted(action: &str) -> &'static str {
    match action {
        "pay" => "paid",
        "void" => "void",
        _ => "open",
    }
}

/// Pays, voids, sends or finalizes an invoice, checks Stripe's answer, and records the action
/// (journal and audit entry). The key's from-state is the invoice's status and attempts as
/// read just before, with the journal's sequence: a re-run after a lost answer does not
/// charge twice, and a later action of the same kind is a new request.
pub async fn act<S: Stores>(
    stores: &S,
    stripe: &Writer,
    (inv, action, pm): (&InvoiceInfo, &str, Option<&str>),
    actor: Actor<'_>,
) -> Result<InvoiceInfo> {
    let id = &inv.id;
    let from = format!(
        "{} attempts={}",
        inv.status.as_deref().unwrap_or("-"),
        inv.attempt_count
    );
    let to = format!("{action} {}", pm.unwrap_or("-"));
    let w = writes::key(stores, &format!("invoice-{action}"), id, &from, &to).await?;
    let done = stripe
        .invoice_action(id, action, pm, &w.key)
        .await
        .with_context(|| format!("failed to {action} invoice {id}"))?;
    let status = |i: Option<&InvoiceInfo>| {
        let s = i.and_then(|i| i.status.as_deref());
        s.unwrap_or("-").to_string()
    };
    let reread = async { Ok(status(stripe.invoice(id).await?.as_ref())) };
    let what = format!("the invoice's {action}");
    let answer = status(Some(&done));
    writes::settle(
        stores,
        (stripe, &w),
        (&what, id, wanted(action)),
        answer,
        reread,
    )
    .await?;
    let detail = serde_json::json!({
        "invoice_id": inv.id,
        "status": done.status,
        "amount": inv.amount_remaining,
        "currency": inv.currency,
    });
    let what: &'static str = match action {
        "pay" => "invoice.pay",
        "void" => "invoice.void",
        "send" => "invoice.send",
        _ => "invoice.finalize",
    };
    writes::record_via(stores, &w, (what, Some(&inv.customer), detail), actor).await?;
    Ok(done)
}
