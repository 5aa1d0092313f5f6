//! `billctl invoices list|show|pay|void|send`.

use crate::cli::{InvoicesCommand, InvoicesListArgs};
use crate::context::Ctx;
use crate::ops::invoices;
use anyhow::Result;
use std::process::ExitCode;

pub fn run(ctx: &mut Ctx, cmd: InvoicesCommand) -> Result<ExitCode> {
    match cmd {
        InvoicesCommand::List(a) => list(ctx, &a),
        InvoicesCommand::Show(a) => show(ctx, &a.invoice),
        InvoicesCommand::Pay(a) => act(ctx, &a.invoice, "pay", a.payment_method.as_deref()),
        InvoicesCommand::Void(a) => act(ctx, &a.invoice, "void", None),
        InvoicesCommand::Send(a) => act(ctx, &a.invoice, "send", None),
    }
}

fn list(ctx: &mut Ctx, args: &InvoicesListArgs) -> Result<ExitCode> {
    let stripe = ctx.stripe()?;
    let status = args.status.as_deref();
    let list = ctx.block_on(invoices::list(&stripe, &args.customer, status))??;
    ctx.output.show(&list)?;
    Ok(ExitCode::SUCCESS)
}

fn show(ctx: &mut Ctx, id: &str) -> Result<ExitCode> {
    let stripe = ctx.stripe()?;
    let inv = ctx.block_on(invoices::find(&stripe, id))??;
    ctx.output.show(&inv)?;
    Ok(ExitCode::SUCCESS)
}

/// Pays, voids or sends an invoice; paying (money moves) and voiding (final) ask first.
fn act(ctx: &mut Ctx, id: &str, action: &str, pm: Option<&str>) -> Result<ExitCode> {
    let what = format!("{action} an invoice");
    let stripe = ctx.writer(&what)?;
    let inv = ctx.block_on(invoices::find(&stripe, id))??;
    match invoices::question(&inv, action) {
        Some(q) if !ctx.confirm_write(&stripe, &q)? => {
            return super::declined(ctx, "the invoice was not changed")
        }
        Some(_) => {}
        None => ctx.confirm_live(&stripe, &what)?,
    }
    let who = super::actor();
    let (store, rt) = ctx.store_and_runtime()?;
    let stores = crate::ops::writes::Local::new(store);
    let actor = crate::ops::writes::Actor::now(&who);
    let done = rt.block_on(invoices::act(&stores, &stripe, (&inv, action, pm), actor))?;
    ctx.output.show(&done)?;
    Ok(ExitCode::SUCCESS)
}
