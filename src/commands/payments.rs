//! `billctl payment-methods list|attach|detach|default` and `billctl portal create`.

use crate::cli::{PaymentMethodAttachArgs, PaymentMethodsCommand, PortalCommand, PortalCreateArgs};
use crate::context::Ctx;
use crate::ops;
use crate::secrets::Mode;
use anyhow::{anyhow, Context, Result};
use std::process::ExitCode;

pub fn payment_methods(ctx: &mut Ctx, cmd: PaymentMethodsCommand) -> Result<ExitCode> {
    match cmd {
        PaymentMethodsCommand::List(a) => list(ctx, &a.customer),
        PaymentMethodsCommand::Attach(a) => attach(ctx, &a),
        PaymentMethodsCommand::Detach(a) => detach(ctx, &a.payment_method),
        PaymentMethodsCommand::Default(a) => {
            let stripe = ctx.stripe_for_write("set a default payment method")?;
            let (cus, pm) = (&a.customer, &a.payment_method);
            let key = crate::idempotency::derived(&["pm-default", cus, pm]);
            ctx.block_on(stripe.set_default_payment_method(cus, pm, &key))?
                .with_context(|| format!("failed to make {pm} the default of {cus}"))?;
            super::audit(
                ctx,
                "payment_method.default",
                Some(cus),
                serde_json::json!({"payment_method": pm}),
            )?;
            list(ctx, cus)
        }
    }
}

fn list(ctx: &mut Ctx, customer: &str) -> Result<ExitCode> {
    super::existing_customer(ctx, customer)?;
    let stripe = ctx.stripe()?;
    let methods = ctx
        .block_on(stripe.payment_methods(customer))?
        .context("failed to list payment methods")?;
    ctx.output.show(&ops::payments::MethodList(methods))?;
    Ok(ExitCode::SUCCESS)
}

fn attach(ctx: &mut Ctx, a: &PaymentMethodAttachArgs) -> Result<ExitCode> {
    let live = ctx.stripe_key()?.mode == Mode::Live;
    ops::payments::check_method(&a.payment_method, live)?;
    super::existing_customer(ctx, &a.customer)?;
    let stripe = ctx.stripe_for_write("attach a payment method")?;
    let (customer, pm) = (&a.customer, &a.payment_method);
    let key = crate::idempotency::derived(&["pm-attach", customer, pm]);
    let info = ctx.block_on(ops::payments::attach(
        &stripe, customer, pm, a.default, &key,
    ))??;
    let detail = serde_json::json!({"payment_method": info.id, "default": info.default});
    super::audit(ctx, "payment_method.attach", Some(customer), detail)?;
    ctx.output.show(&info)?;
    Ok(ExitCode::SUCCESS)
}

fn detach(ctx: &mut Ctx, pm: &str) -> Result<ExitCode> {
    let question = format!("Detach {pm}? Invoices can no longer be charged to it.");
    let Some(stripe) = ctx.stripe_for_confirmed_write("detach a payment method", &question)? else {
        return super::declined(ctx, "the payment method stays attached");
    };
    let key = crate::idempotency::random();
    let info = ctx
        .block_on(stripe.detach_payment_method(pm, &key))?
        .with_context(|| format!("failed to detach {pm}"))?;
    super::audit(
        ctx,
        "payment_method.detach",
        None,
        serde_json::json!({"payment_method": info.id}),
    )?;
    ctx.output.show(&info)?;
    Ok(ExitCode::SUCCESS)
}

pub fn portal(ctx: &mut Ctx, cmd: PortalCommand) -> Result<ExitCode> {
    let PortalCommand::Create(a) = cmd;
    create_portal(ctx, &a)
}

fn create_portal(ctx: &mut Ctx, a: &PortalCreateArgs) -> Result<ExitCode> {
    let return_url = a
        .return_url
        .clone()
        .or(ctx.config()?.portal.return_url.clone());
    if let Some(u) = &return_url {
        if !(u.starts_with("https://") || u.starts_with("http://")) {
            return Err(anyhow!(
                "invalid --return-url {u:?}: must be an http:// or https:// URL"
            ));
        }
    }
    super::existing_customer(ctx, &a.customer)?;
    let stripe = ctx.stripe_for_write("create a billing portal session")?;
    let key = crate::idempotency::random();
    let url = ctx
        .block_on(stripe.portal_session(&a.customer, return_url.as_deref(), &key))?
        .context("failed to create the billing portal session")?;
    if ctx.output.json {
        ctx.output
            .json(&serde_json::json!({"customer_id": a.customer, "url": url}))?;
    } else {
        ctx.output.data(&url)?;
        ctx.output.status(format!("Send this link to {}: it opens their billing portal (cards, invoices, cancel) and expires shortly.", a.customer));
    }
    Ok(ExitCode::SUCCESS)
}
