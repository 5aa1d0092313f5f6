//! `checkout create` as a workflow: a Checkout Session for a tier's price (a subscription) or
//! for saving a card (`--mode setup`). Prints nothing.

use crate::catalog::{RemotePrice, Tier};
use crate::config::{Checkout, Config};
use crate::ops::payments::CheckoutLink;
use crate::stripe::{CheckoutFor, Writer};
use anyhow::{anyhow, bail, Context, Result};
use serde::Serialize;
use std::collections::HashMap;

/// A setup link: where a customer enters a card for later charges.
#[derive(Debug, Serialize)]
pub struct SetupLink {
    pub id: String,
    pub url: String,
    pub mode: &'static str,
    pub customer_id: String,
}

/// The `[checkout]` URLs, or an error that says how to set them.
pub fn urls(config: &Config) -> Result<Checkout> {
    config.checkout.clone().ok_or_else(|| {
        anyhow!("checkout.success_url and checkout.cancel_url are not set in {}\nhint: add a [checkout] table (see config/billctl.example.toml)", config.source)
    })
}

/// The tier `--tier` names (an error naming the tiers when it is missing), and a checked
/// `--email`.
pub fn tier<'a>(config: &'a Config, id: Option<&str>, email: Option<&str>) -> Result<&'a Tier> {
    let Some(id) = id else {
        let known: Vec<&str> = config.tiers.iter().map(|t| t.id.as_str()).collect();
        bail!(
            "checkout create needs --tier (one of {}) for a subscription; --mode setup saves a card without one",
            known.join(", ")
        );
    };
    let tier = super::tier(config, id)?;
    if let Some(email) = email {
        super::customers::check_address(email)?;
    }
    Ok(tier)
}

/// Who pays: an existing customer, else an e-mail Stripe makes a customer for.
fn payer<'a>(customer: Option<&'a str>, email: Option<&'a str>) -> Result<CheckoutFor<'a>> {
    match (customer, email) {
        (Some(c), _) => Ok(CheckoutFor::Customer(c)),
        (None, Some(e)) => Ok(CheckoutFor::Email(e)),
        (None, None) => bail!("pass --customer or --email"),
    }
}

/// A subscription link for `quantity` units of `tier` at `price` (the quantity checked against
/// the tier's bound by [`crate::billing::seats::Asked::for_tier`]). Every call is a new link; retries inside it reuse
/// its key.
pub async fn subscription_link(
    stripe: &Writer,
    (tier, quantity): (&Tier, u64),
    price: RemotePrice,
    (customer, email): (Option<&str>, Option<&str>),
    urls: &Checkout,
    client_reference_id: Option<&str>,
) -> Result<CheckoutLink> {
    let who = payer(customer, email)?;
    let metadata: HashMap<String, String> = [("billctl_tier".to_string(), tier.id.clone())].into();
    let key = crate::idempotency::random();
    let (ok, cancel) = (&urls.success_url, &urls.cancel_url);
    let s = stripe
        .create_checkout(
            who,
            (&price.id, quantity),
            ok,
            cancel,
            client_reference_id,
            &metadata,
            &key,
        )
        .await
        .context("failed to create the Checkout Session")?;
    Ok(CheckoutLink {
        id: s.id,
        url: s.url,
        tier: tier.id.clone(),
        quantity,
        price_id: price.id,
        customer_id: s.customer,
        customer_email: s.customer_email,
        expires_at: s.expires_at,
    })
}

/// A setup link for `customer`, in `currency`.
pub async fn setup_link(
    stripe: &Writer,
    customer: &str,
    urls: &Checkout,
    currency: &str,
) -> Result<SetupLink> {
    let key = crate::idempotency::random();
    let (ok, cancel) = (&urls.success_url, &urls.cancel_url);
    let (id, url) = stripe
        .setup_checkout(customer, ok, cancel, currency, &key)
        .await
        .context("failed to create the Checkout Session")?;
    Ok(SetupLink {
        id,
        url,
        mode: "setup",
        customer_id: customer.to_string(),
    })
}
