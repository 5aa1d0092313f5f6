//! `billctl invoices list|show|pay|void|send`.

use crate::cli::{InvoicesCommand, InvoicesListArgs};
use crate::context::Ctx;
use crate::money::money;
use crate::ops;
use anyhow::{anyhow, Context, Result};
use std::process::ExitCode;

pub fn run(ctx: &mut Ctx, cmd: InvoicesCommand) -> Result<ExitCode> {
    match cmd {
        InvoicesCommand::List(a) => list(ctx, &a),
        InvoicesCommand::Show(a) => {
            let inv = find(ctx, &a.invoice)?;
            ctx.output.show(&inv)?;
            Ok(ExitCode::SUCCESS)
        }
        InvoicesCommand::Pay(a) => act(ctx, &a.invoice, "pay", a.payment_method.as_deref()),
        InvoicesCommand::Void(a) => act(ctx, &a.invoice, "void", None),
        InvoicesCommand::Send(a) => act(ctx, &a.invoice, "send", None),
    }
}

fn list(ctx: &mut Ctx, args: &InvoicesListArgs) -> Result<ExitCode> {
    let stripe = ctx.stripe()?;
    super::existing_customer(ctx, &args.customer)?;
    let invoices = ctx
        .block_on(stripe.invoices_of(&args.customer, args.status.as_deref()))?
        .context("failed to list invoices")?;
    ctx.output.show(&ops::payments::InvoiceList(invoices))?;
    Ok(ExitCode::SUCCESS)
}

fn find(ctx: &mut Ctx, id: &str) -> Result<crate::stripe::InvoiceInfo> {
    let stripe = ctx.stripe()?;
    ctx.block_on(stripe.invoice(id))?
        .with_context(|| format!("failed to read invoice {id}"))?
        .ok_or_else(|| anyhow!("no such invoice {id} in Stripe"))
}

/// Pays, voids or sends an invoice; paying (money moves) and voiding (final) ask first.
fn act(ctx: &mut Ctx, id: &str, action: &str, pm: Option<&str>) -> Result<ExitCode> {
    let inv = find(ctx, id)?;
    let amount = money(inv.amount_remaining, &inv.currency);
    let question = match action {
        "pay" => Some(format!(
            "Charge {amount} for invoice {id} of {} now?",
            inv.customer
        )),
        "void" => Some(format!("Void invoice {id} ({amount} due) for good?")),
        _ => None,
    };
    let stripe = match &question {
        Some(q) => match ctx.stripe_for_confirmed_write(&format!("{action} an invoice"), q)? {
            Some(s) => s,
            None => return super::declined(ctx, "the invoice was not changed"),
        },
        None => ctx.stripe_for_write(&format!("{action} an invoice"))?,
    };
    let key = crate::idempotency::derived(&["invoice", action, id, &inv.attempt_count.to_string()]);
    let done = ctx
        .block_on(stripe.invoice_action(id, action, pm, &key))?
        .with_context(|| format!("failed to {action} invoice {id}"))?;
    let detail = serde_json::json!({"invoice": id, "status": done.status, "amount": inv.amount_remaining, "currency": inv.currency});
    super::audit(
        ctx,
        &format!("invoice.{action}"),
        Some(&inv.customer),
        detail,
    )?;
    ctx.output.show(&done)?;
    Ok(ExitCode::SUCCESS)
}
