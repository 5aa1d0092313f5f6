//! `invoices list/show/pay/void/send` as workflows: read the invoice, act on it in Stripe,
//! record the action in the audit log. Prints nothing.

use crate::money::money;
use crate::ops::payments::InvoiceList;
use crate::store::Store;
use crate::stripe::{InvoiceInfo, Stripe, Writer};
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

/// Pays, voids or sends an invoice, under a key derived from its attempts so far (a re-run
/// after a lost answer does not charge twice).
pub async fn act(
    stripe: &Writer,
    inv: &InvoiceInfo,
    action: &str,
    pm: Option<&str>,
) -> Result<InvoiceInfo> {
    let id = &inv.id;
    let attempts = inv.attempt_count.to_string();
    let key = crate::idempotency::derived(&["invoice", action, id, &attempts]);
    stripe
        .invoice_action(id, action, pm, &key)
        .await
        .with_context(|| format!("failed to {action} invoice {id}"))
}

/// Records the action in the audit log.
pub fn record(
    store: &mut Store,
    actor: &str,
    before: &InvoiceInfo,
    done: &InvoiceInfo,
    action: &str,
    at: i64,
) -> Result<()> {
    let detail = serde_json::json!({
        "invoice": before.id,
        "status": done.status,
        "amount": before.amount_remaining,
        "currency": before.currency,
    });
    let what = format!("invoice.{action}");
    super::audit(store, actor, &what, Some(&before.customer), detail, at)
}
