//! `billctl payment-methods list|attach|detach|default` and `billctl portal create`.

use crate::cli::{PaymentMethodAttachArgs, PaymentMethodsCommand, PortalCommand, PortalCreateArgs};
use crate::context::Ctx;
use crate::domain::mode::Mode;
use crate::ops::payments;
use crate::ops::writes::{Actor, Local};
use anyhow::Result;
use std::process::ExitCode;

pub fn payment_methods(ctx: &mut Ctx, cmd: PaymentMethodsCommand) -> Result<ExitCode> {
    match cmd {
        PaymentMethodsCommand::List(a) => list(ctx, &a.customer),
        PaymentMethodsCommand::Attach(a) => attach(ctx, &a),
        PaymentMethodsCommand::Detach(a) => detach(ctx, &a.payment_method),
        PaymentMethodsCommand::Default(a) => set_default(ctx, &a.customer, &a.payment_method),
    }
}

fn set_default(ctx: &mut Ctx, customer: &str, pm: &str) -> Result<ExitCode> {
    let stripe = ctx.stripe_for_write("set a default payment method")?;
    let who = super::actor();
    let (store, rt) = ctx.store_and_runtime()?;
    let stores = Local::new(store);
    let actor = Actor::now(&who);
    let changed = rt.block_on(payments::set_default(&stores, &stripe, customer, pm, actor))?;
    if !changed {
        ctx.output.status(format!(
            "{pm} already is the default of {customer}: nothing to change."
        ));
    }
    list(ctx, customer)
}

fn list(ctx: &mut Ctx, customer: &str) -> Result<ExitCode> {
    let stripe = ctx.stripe()?;
    let methods = ctx.block_on(payments::methods(&stripe, customer))??;
    ctx.output.show(&methods)?;
    Ok(ExitCode::SUCCESS)
}

fn attach(ctx: &mut Ctx, a: &PaymentMethodAttachArgs) -> Result<ExitCode> {
    let live = ctx.stripe_key()?.mode == Mode::Live;
    payments::check_method(&a.payment_method, live)?;
    let stripe = ctx.stripe_for_write("attach a payment method")?;
    super::existing_customer(ctx, &a.customer)?;
    let who = super::actor();
    let (store, rt) = ctx.store_and_runtime()?;
    let stores = Local::new(store);
    let actor = Actor::now(&who);
    let target = (a.customer.as_str(), a.payment_method.as_str());
    let info = rt.block_on(payments::attach(&stores, &stripe, target, a.default, actor))?;
    ctx.output.show(&info)?;
    Ok(ExitCode::SUCCESS)
}

fn detach(ctx: &mut Ctx, pm: &str) -> Result<ExitCode> {
    let question = format!("Detach {pm}? Invoices can no longer be charged to it.");
    let Some(stripe) = ctx.stripe_for_confirmed_write("detach a payment method", &question)? else {
        return super::declined(ctx, "the payment method stays attached");
    };
    let who = super::actor();
    let (store, rt) = ctx.store_and_runtime()?;
    let stores = Local::new(store);
    let actor = Actor::now(&who);
    let info = rt.block_on(payments::detach(&stores, &stripe, pm, actor))?;
    ctx.output.show(&info)?;
    Ok(ExitCode::SUCCESS)
}

pub fn portal(ctx: &mut Ctx, cmd: PortalCommand) -> Result<ExitCode> {
    let PortalCommand::Create(a) = cmd;
    create_portal(ctx, &a)
}

fn create_portal(ctx: &mut Ctx, a: &PortalCreateArgs) -> Result<ExitCode> {
    let configured = ctx.config()?.portal.return_url.clone();
    let return_url = payments::return_url(a.return_url.as_deref(), configured.as_deref())?;
    let stripe = ctx.stripe_for_write("create a billing portal session")?;
    super::existing_customer(ctx, &a.customer)?;
    let who = super::actor();
    let (store, rt) = ctx.store_and_runtime()?;
    let stores = Local::new(store);
    let actor = Actor::now(&who);
    let target = (a.customer.as_str(), return_url.as_deref());
    let link = rt.block_on(payments::portal(&stores, &stripe, target, actor))?;
    ctx.output.show(&link)?;
    Ok(ExitCode::SUCCESS)
}
