//! Subscriptions as workflows: the mirror rebuilt from Stripe (`sync`), and the checks and
//! writes of `create` and `change`. The write confirmation stays with the command. Prints
//! nothing.

use crate::billing::{Counts, Customer, Item, MirrorRow, Subscription, TierMap, UNKNOWN_TIER};
use crate::catalog::{RemotePrice, META_TIER};
use crate::config::Tier;
use crate::idempotency::derived;
use crate::store::Store;
use crate::stripe::Stripe;
use anyhow::{anyhow, bail, Context, Result};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

/// One subscription as the mirror has it, with its items and latest invoice.
#[derive(Serialize)]
pub struct SubscriptionView {
    #[serde(flatten)]
    pub row: MirrorRow,
    pub items: Vec<Item>,
    #[serde(rename = "latest_invoice_id")]
    pub latest_invoice: Option<String>,
}

impl SubscriptionView {
    pub fn of(row: &MirrorRow, sub: &Subscription) -> SubscriptionView {
        SubscriptionView {
            row: row.clone(),
            items: sub.items.clone(),
            latest_invoice: sub.latest_invoice.clone(),
        }
    }
}

/// What `subscriptions sync` changed.
#[derive(Serialize)]
pub struct SyncReport {
    pub customers: Counts,
    pub subscriptions: Counts,
    /// Subscriptions on a price the catalog does not know.
    pub unknown_tier: Vec<MirrorRow>,
}

/// Lists every customer and subscription (the two lists together; pages of each in order)
/// and replaces the mirror with them. `progress` counts the objects read.
pub fn sync(
    store: &mut Store,
    rt: &tokio::runtime::Runtime,
    stripe: &Stripe,
    tiers: &TierMap,
    progress: &indicatif::ProgressBar,
    now: i64,
) -> Result<SyncReport> {
    let read = [AtomicUsize::new(0), AtomicUsize::new(0)];
    let count = |i: usize, n: usize| {
        read[i].store(n, Ordering::Relaxed);
        let total: usize = read.iter().map(|r| r.load(Ordering::Relaxed)).sum();
        progress.set_position(total as u64);
    };
    let (customers, subs) = rt.block_on(async {
        tokio::join!(
            stripe.customers(None, |n| count(0, n)),
            stripe.subscriptions(None, |n| count(1, n))
        )
    });
    let customers = customers.context("failed to list customers")?;
    let subs = subs.context("failed to list subscriptions")?;
    let rows: Vec<MirrorRow> = subs.iter().map(|s| MirrorRow::of(s, tiers)).collect();
    let (c, s) = store
        .replace_mirror(&customers, &rows, now)
        .context("failed to update the local mirror")?;
    Ok(SyncReport {
        customers: c,
        subscriptions: s,
        unknown_tier: rows
            .into_iter()
            .filter(|r| r.tier == UNKNOWN_TIER)
            .collect(),
    })
}

/// The active Stripe price a tier sells, resolved through its lookup key.
pub async fn tier_price(stripe: &Stripe, tier: &Tier) -> Result<RemotePrice> {
    let key = tier.primary().lookup_key.clone();
    let found = stripe
        .prices_by_lookup_keys(std::slice::from_ref(&key))
        .await
        .with_context(|| format!("failed to look up price {key}"))?;
    match found.into_iter().find(|p| p.lookup_key.as_deref() == Some(key.as_str())) {
        Some(p) if p.active => Ok(p),
        Some(p) => bail!("tier {}'s price {key} ({}) is archived\nhint: run 'billctl setup-products' to restore the catalog", tier.id, p.id),
        None => bail!("tier {}'s lookup key {key} does not resolve to a price in Stripe\nhint: run 'billctl setup-products' first", tier.id),
    }
}

/// The customer from Stripe, or an error that says it does not exist (or was deleted).
pub async fn existing_customer(stripe: &Stripe, id: &str) -> Result<Customer> {
    stripe
        .customer(id)
        .await
        .with_context(|| format!("failed to read customer {id}"))?
        .ok_or_else(|| {
            anyhow!("no such customer {id} in Stripe (it does not exist or was deleted)")
        })
}

/// A subscription to create, checked: the customer exists and has no live subscription, and
/// the tier's price resolves.
pub struct NewSubscription {
    pub customer: Customer,
    pub price: RemotePrice,
    pub tier: String,
    /// Derived from the customer, the price and the subscriptions the customer had: a retried
    /// or re-run command is the same request, a later re-subscription after a cancel is not.
    pub idempotency_key: String,
}

/// Reads what creating a subscription depends on, and refuses a second live subscription.
pub async fn prepare_create(
    stripe: &Stripe,
    customer: &str,
    tier: &Tier,
    tiers: &TierMap,
) -> Result<NewSubscription> {
    let customer = existing_customer(stripe, customer).await?;
    let existing = stripe
        .subscriptions(Some(&customer.id), |_| {})
        .await
        .context("failed to list the customer's subscriptions")?;
    if let Some(live) = crate::billing::live_subscription(&existing) {
        let on = MirrorRow::of(live, tiers).tier;
        bail!(
            "customer {} already has a {} subscription {} (tier {on})\nhint: move it with 'billctl subscriptions change {} --tier {}'",
            customer.id,
            live.status,
            live.id,
            live.id,
            tier.id
        );
    }
    let price = tier_price(stripe, tier).await?;
    let mut history: Vec<&str> = existing.iter().map(|s| s.id.as_str()).collect();
    history.sort_unstable();
    let idempotency_key = derived(&[
        "subscription-create",
        &customer.id,
        &price.id,
        &history.join(","),
    ]);
    Ok(NewSubscription {
        customer,
        price,
        tier: tier.id.clone(),
        idempotency_key,
    })
}

/// How a new subscription is paid for.
#[derive(Debug, Clone, Default)]
pub struct Terms {
    pub trial_days: Option<u32>,
    /// `send_invoice` with these days until due; `None`: charged automatically.
    pub send_invoice_days: Option<u32>,
    /// Stripe's `payment_behavior`.
    pub payment_behavior: String,
}

/// Creates the checked subscription on `terms`. A refused first payment
/// (`error_if_incomplete`) is Stripe's card error, and nothing is created.
pub async fn create(stripe: &Stripe, new: &NewSubscription, terms: &Terms) -> Result<Subscription> {
    let metadata: HashMap<String, String> = [(META_TIER.to_string(), new.tier.clone())].into();
    let req = crate::stripe::NewSubscription {
        customer: new.customer.id.clone(),
        price: new.price.id.clone(),
        metadata,
        trial_days: terms.trial_days,
        send_invoice_days: terms.send_invoice_days,
        payment_behavior: terms.payment_behavior.clone(),
    };
    let key = derived(&[
        &new.idempotency_key,
        &terms.trial_days.map_or(String::new(), |d| d.to_string()),
        &terms
            .send_invoice_days
            .map_or(String::new(), |d| d.to_string()),
        &terms.payment_behavior,
    ]);
    stripe
        .create_subscription_with(&req, &key)
        .await
        .context("failed to create the subscription")
}

/// A tier change, checked: the subscription is live and its main item is known.
pub struct Change {
    pub item: Item,
    pub price: RemotePrice,
    /// The tier it is on now.
    pub from: String,
}

/// Reads what moving `sub` to `tier` depends on; `None` when it is already there.
pub async fn prepare_change(
    stripe: &Stripe,
    sub: &Subscription,
    tier: &Tier,
    tiers: &TierMap,
) -> Result<Option<Change>> {
    if !sub.is_live() {
        bail!("subscription {} is {}: it cannot change tier\nhint: subscribe the customer again with 'billctl subscriptions create'", sub.id, sub.status);
    }
    let item = tiers
        .main_item(sub)
        .ok_or_else(|| anyhow!("subscription {} has no items", sub.id))?
        .clone();
    let price = tier_price(stripe, tier).await?;
    if item.price_id == price.id {
        return Ok(None);
    }
    let from = tiers.tier_of(&item);
    Ok(Some(Change { item, price, from }))
}

/// Moves `sub` to the change's price under `proration` (Stripe's `proration_behavior`).
pub async fn change(
    stripe: &Stripe,
    sub: &Subscription,
    change: &Change,
    tier: &str,
    proration: &str,
) -> Result<Subscription> {
    let item = &change.item;
    let key = derived(&[
        "subscription-change",
        &sub.id,
        &item.id,
        &item.price_id,
        &change.price.id,
        proration,
    ]);
    let metadata: HashMap<String, String> = [(META_TIER.to_string(), tier.to_string())].into();
    stripe
        .change_price(
            &sub.id,
            &item.id,
            &change.price.id,
            proration,
            &metadata,
            &key,
        )
        .await
        .with_context(|| format!("failed to change subscription {}", sub.id))
}
