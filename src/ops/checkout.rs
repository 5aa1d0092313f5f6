//! `checkout create` as a workflow: a Checkout Session for a tier's price (a subscription) or
//! for saving a card (`--mode setup`). Prints nothing.

use crate::adapters::stripe::{CheckoutFor, Writer};
use crate::domain::catalog::{RemotePrice, Tier};
use crate::domain::config::{Checkout, Config};
use crate::ops::payments::CheckoutLink;
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

/// Who pays for a link: an existing customer, or an email Checkout starts from.
pub type Payer<'a> = (Option<&'a str>, Option<&'a str>);

/// A subscription link for `quantity` units of `tier` at `price` (the quantity checked against
/// the tier's bound by [`crate::domain::billing::seats::Asked::for_tier`]). Every call is a new link; retries inside it reuse
/// its key.
pub async fn subscription_link(
    stripe: &Writer,
    (tier, quantity): (&Tier, u64),
    price: RemotePrice,
    (customer, email): Payer<'_>,
    urls: &Checkout,
    client_reference_id: Option<&str>,
) -> Result<CheckoutLink> {
    let who = payer(customer, email)?;
    let metadata: HashMap<String, String> = [("billctl_tier".to_string(), tier.id.clone())].into();
    let key = crate::domain::idempotency::random();
    let session = crate::adapters::stripe::NewCheckout {
        who,
        price: &price.id,
        quantity,
        success_url: &urls.success_url,
        cancel_url: &urls.cancel_url,
        client_reference_id,
        metadata: &metadata,
    };
    let s = stripe
        .create_checkout(&session, &key)
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

/// Why a sign-up link was not made.
#[derive(Debug, thiserror::Error)]
pub enum CheckoutError {
    #[error("customer {customer} already has a live subscription ({sub}, {status}): {next}{}", if *moves { format!(" (or POST /v1/customers/{customer}/subscription)") } else { String::new() })]
    HasSubscription {
        customer: String,
        sub: String,
        status: String,
        /// What to do about it ([`crate::domain::billing::next_step`]).
        next: String,
        /// Whether that is a plan change (which serve's self-service route also makes).
        moves: bool,
    },
    /// Stripe refused or could not be reached, or the store failed to record the link.
    #[error("{0:#}")]
    Failed(anyhow::Error),
}

/// A sign-up link for `tier`, for the command line and serve alike: a customer who already
/// has a live subscription is refused (a second subscription would bill twice), the tier's
/// price resolved, the session created, and the audit entry written naming the actor.
pub async fn sign_up<S: crate::ops::writes::Stores>(
    stores: &S,
    stripe: &Writer,
    ((tier, quantity), who): ((&Tier, u64), Payer<'_>),
    (urls, reference): (&Checkout, Option<&str>),
    actor: crate::ops::writes::Actor<'_>,
) -> Result<CheckoutLink, CheckoutError> {
    let failed = CheckoutError::Failed;
    if let Some(customer) = who.0 {
        let subs = stripe
            .subscriptions(Some(customer), |_| {})
            .await
            .context("failed to list the customer's subscriptions")
            .map_err(failed)?;
        if let Some(live) = crate::domain::billing::live_subscription(&subs) {
            // On the tier asked for when one of its items is one of the tier's prices.
            let on = live.items.iter().any(|i| {
                tier.prices
                    .iter()
                    .any(|p| i.lookup_key.as_deref() == Some(p.lookup_key.as_str()))
            });
            return Err(CheckoutError::HasSubscription {
                customer: customer.to_string(),
                sub: live.id.clone(),
                status: live.status.clone(),
                next: crate::domain::billing::next_step(live, on, &tier.id),
                moves: crate::domain::billing::moves(live, on),
            });
        }
    }
    let price = super::subscriptions::tier_price(stripe, tier)
        .await
        .map_err(failed)?;
    let link = subscription_link(stripe, (tier, quantity), price, who, urls, reference)
        .await
        .map_err(failed)?;
    let detail = serde_json::json!({"tier": tier.id, "quantity": quantity, "session": link.id});
    let entry = ("checkout.create", who.0, detail);
    crate::ops::writes::audit_via(stores, entry, actor)
        .await
        .map_err(failed)?;
    Ok(link)
}

/// A setup link for `customer`, in `currency`.
pub async fn setup_link(
    stripe: &Writer,
    customer: &str,
    urls: &Checkout,
    currency: &str,
) -> Result<SetupLink> {
    let key = crate::domain::idempotency::random();
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
