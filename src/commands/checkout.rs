//! `billctl checkout create`.

use super::tier;
use crate::cli::{CheckoutCreateArgs, CheckoutMode};
use crate::context::Ctx;
use crate::ops;
use crate::stripe::CheckoutFor;
use anyhow::{anyhow, bail, Context, Result};
use std::collections::HashMap;
use std::process::ExitCode;

pub fn create(ctx: &mut Ctx, args: &CheckoutCreateArgs) -> Result<ExitCode> {
    let config = ctx.config()?.clone();
    let urls = config.checkout.clone().ok_or_else(|| {
        anyhow!("checkout.success_url and checkout.cancel_url are not set in {}\nhint: add a [checkout] table (see config/billctl.example.toml)", config.source)
    })?;
    if args.mode == CheckoutMode::Setup {
        return setup(ctx, args, &urls);
    }
    let Some(tier_id) = args.tier.as_deref() else {
        let known: Vec<&str> = config.tiers.iter().map(|t| t.id.as_str()).collect();
        bail!(
            "checkout create needs --tier (one of {}) for a subscription; --mode setup saves a card without one",
            known.join(", ")
        );
    };
    let tier = tier(&config, tier_id)?;
    if let Some(email) = &args.email {
        if !email.contains('@') || email.contains(char::is_whitespace) {
            bail!("invalid --email {email:?}: expected an address like ada@example.com");
        }
    }
    if let Some(c) = &args.customer {
        super::existing_customer(ctx, c)?;
    }
    let price = super::tier_price(ctx, tier)?;
    let stripe = ctx.stripe_for_write("create a Checkout Session")?;
    let who = match (&args.customer, &args.email) {
        (Some(c), _) => CheckoutFor::Customer(c),
        (None, Some(e)) => CheckoutFor::Email(e),
        (None, None) => bail!("pass --customer or --email"),
    };
    let metadata: HashMap<String, String> = [("billctl_tier".to_string(), tier.id.clone())].into();
    // Every invocation is a new link; retries inside it reuse the key.
    let key = crate::idempotency::random();
    let s = ctx
        .block_on(stripe.create_checkout(
            who,
            &price.id,
            &urls.success_url,
            &urls.cancel_url,
            args.client_reference_id.as_deref(),
            &metadata,
            &key,
        ))?
        .context("failed to create the Checkout Session")?;
    let view = ops::payments::CheckoutLink {
        id: s.id,
        url: s.url,
        tier: tier.id.clone(),
        price_id: price.id,
        customer_id: s.customer,
        customer_email: s.customer_email,
        expires_at: s.expires_at,
    };
    ctx.output.show(&view)?;
    Ok(ExitCode::SUCCESS)
}

/// `--mode setup`: a link where the customer enters a card for later charges (the way to
/// collect one in live mode).
fn setup(
    ctx: &mut Ctx,
    args: &CheckoutCreateArgs,
    urls: &crate::config::Checkout,
) -> Result<ExitCode> {
    let Some(customer) = &args.customer else {
        bail!("--mode setup needs --customer: the card is saved to an existing customer");
    };
    super::existing_customer(ctx, customer)?;
    let currency = ctx.config()?.tiers[0].primary().currency.clone();
    let stripe = ctx.stripe_for_write("create a Checkout Session")?;
    let key = crate::idempotency::random();
    let (id, url) = ctx
        .block_on(stripe.setup_checkout(
            customer,
            &urls.success_url,
            &urls.cancel_url,
            &currency,
            &key,
        ))?
        .context("failed to create the Checkout Session")?;
    if ctx.output.json {
        ctx.output.json(
            &serde_json::json!({"id": id, "url": url, "mode": "setup", "customer_id": customer}),
        )?;
    } else {
        ctx.output.data(&url)?;
        ctx.output.status(format!("Checkout Session {id}: {customer} enters a card there; make it the default with 'billctl payment-methods default' if Stripe did not."));
    }
    Ok(ExitCode::SUCCESS)
}
