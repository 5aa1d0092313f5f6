//! `billctl checkout create`.

use crate::cli::{CheckoutCreateArgs, CheckoutMode};
use crate::context::Ctx;
use crate::ops::checkout;
use anyhow::{bail, Result};
use std::process::ExitCode;

pub fn create(ctx: &mut Ctx, args: &CheckoutCreateArgs) -> Result<ExitCode> {
    let config = ctx.config()?.clone();
    let urls = checkout::urls(&config)?;
    if args.mode == CheckoutMode::Setup {
        if args.seats.quantity.is_some() {
            bail!("--quantity goes with --mode subscription: a setup link sells nothing");
        }
        return setup(ctx, args, &urls);
    }
    let tier = checkout::tier(&config, args.tier.as_deref(), args.email.as_deref())?;
    let quantity = args.seats.asked().for_tier(tier, None)?;
    let stripe = ctx.stripe_for_write("create a Checkout Session")?;
    if let Some(c) = &args.customer {
        super::existing_customer(ctx, c)?;
    }
    let who = (args.customer.as_deref(), args.email.as_deref());
    let reference = args.client_reference_id.as_deref();
    let name = super::actor();
    let actor = crate::ops::writes::Actor::now(&name);
    let (store, rt) = ctx.store_and_runtime()?;
    let stores = crate::ops::writes::Local::new(store);
    let link = rt.block_on(checkout::sign_up(
        &stores,
        &stripe,
        ((tier, quantity), who),
        (&urls, reference),
        actor,
    ))?;
    ctx.output.show(&link)?;
    Ok(ExitCode::SUCCESS)
}

/// `--mode setup`: a link where the customer enters a card for later charges (the way to
/// collect one in live mode).
fn setup(
    ctx: &mut Ctx,
    args: &CheckoutCreateArgs,
    urls: &crate::domain::config::Checkout,
) -> Result<ExitCode> {
    let Some(customer) = &args.customer else {
        bail!("--mode setup needs --customer: the card is saved to an existing customer");
    };
    let currency = ctx.config()?.tiers[0].primary().currency.clone();
    let stripe = ctx.stripe_for_write("create a Checkout Session")?;
    super::existing_customer(ctx, customer)?;
    let link = ctx.block_on(checkout::setup_link(&stripe, customer, urls, &currency))??;
    ctx.output.show(&link)?;
    Ok(ExitCode::SUCCESS)
}
