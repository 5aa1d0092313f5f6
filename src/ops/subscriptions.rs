//! Subscriptions as workflows: the mirror rebuilt from Stripe (`sync`), and the Stripe steps
//! of `create` and `change` that `ops::lifecycle`'s workflows run. Prints nothing.

use super::lifecycle::PlanError;
use crate::adapters::store::Store;
use crate::adapters::stripe::{PriceChange, Stripe, Writer};
use crate::domain::billing::seats::Asked;
use crate::domain::billing::{
    Counts, Customer, Item, MirrorRow, Proration, Subscription, TierMap, UNKNOWN_TIER,
};
use crate::domain::catalog::Tier;
use crate::domain::catalog::{RemotePrice, META_TIER};
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
    /// What `--backfill-history` added.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<HistoryBackfill>,
}

/// What `--backfill-history` read and added.
#[derive(Serialize)]
pub struct HistoryBackfill {
    /// Subscription events read (the last 30 days: what Stripe keeps).
    pub events: usize,
    /// Subscriptions given rows.
    pub subscriptions: usize,
    /// History rows added.
    pub rows: usize,
}

/// How far back Stripe lists events.
const EVENT_WINDOW: i64 = 30 * 86_400;

/// The state a subscription began in: before the first event, that event's object with its
/// previous attributes; else (no event in the window) what it is now, begun as it would have
/// (incomplete, trialing or active).
fn began_as(first: Option<&serde_json::Value>, now_row: &MirrorRow, tiers: &TierMap) -> MirrorRow {
    let mut start = match first {
        Some(e) => {
            let mut object = e["data"]["object"].clone();
            if let Some(prev) = e["data"]["previous_attributes"].as_object() {
                for (k, v) in prev {
                    object[k] = v.clone();
                }
            }
            crate::adapters::stripe::subscription_from_json(&object)
                .map(|s| MirrorRow::of(&s, tiers))
                .unwrap_or_else(|_| now_row.clone())
        }
        None => now_row.clone(),
    };
    let began = match start.status.as_str() {
        "incomplete" | "incomplete_expired" => "incomplete",
        "trialing" => "trialing",
        _ => "active",
    };
    start.status = began.to_string();
    start
}

/// A subscription's changes as Stripe tells them, oldest first: before the window of events,
/// from its own timestamps (its start date, then canceled or ended); within it, one state per
/// `customer.subscription.*` event (the state before the first event from its
/// `previous_attributes`). Consecutive equal states are merged.
fn timeline(
    sub: &Subscription,
    events: &[&serde_json::Value],
    tiers: &TierMap,
) -> Vec<(i64, MirrorRow)> {
    let mut out: Vec<(i64, MirrorRow)> = Vec::new();
    let mut push = |at: i64, row: MirrorRow| {
        let same = out.last().is_some_and(|(_, r): &(i64, MirrorRow)| {
            r.status == row.status && r.tier == row.tier && r.price_id == row.price_id
        });
        if !same {
            out.push((at, row));
        }
    };
    let now_row = MirrorRow::of(sub, tiers);
    let first = events.first();
    let created_by_event = first.is_some_and(|e| e["type"] == "customer.subscription.created");
    if !created_by_event {
        let start = began_as(first.copied(), &now_row, tiers);
        let began = start.status.clone();
        push(sub.start_date.min(sub.created), start);
        if first.is_none() && now_row.status != began {
            // Ended before the window: when it did, if Stripe says.
            let ended = match now_row.status.as_str() {
                "canceled" | "incomplete_expired" => sub.ended_at.or(sub.canceled_at),
                _ => None,
            };
            if let Some(t) = ended {
                push(t, now_row.clone());
            }
        }
    }
    for e in events {
        let Some(created) = e["created"].as_i64() else {
            continue;
        };
        let Ok(s) = crate::adapters::stripe::subscription_from_json(&e["data"]["object"]) else {
            continue;
        };
        let mut row = MirrorRow::of(&s, tiers);
        if e["type"] == "customer.subscription.deleted" {
            row.status = "canceled".into();
        }
        push(created, row);
    }
    out
}

/// Reads the subscription events of the last 30 days and writes each subscription's
/// timeline before what the history already holds.
fn backfill_history(
    store: &mut Store,
    rt: &tokio::runtime::Runtime,
    stripe: &Stripe,
    tiers: &TierMap,
    subs: &[Subscription],
    now: i64,
) -> Result<HistoryBackfill> {
    let events = rt
        .block_on(stripe.events_since(
            now.saturating_sub(EVENT_WINDOW),
            Some("customer.subscription.*"),
            |_| {},
        ))
        .context("failed to list subscription events")?;
    let mut by_sub: HashMap<&str, Vec<&serde_json::Value>> = HashMap::new();
    for e in &events {
        if let Some(id) = e["data"]["object"]["id"].as_str() {
            by_sub.entry(id).or_default().push(e);
        }
    }
    let mut timelines = Vec::with_capacity(subs.len());
    for s in subs {
        let mut evs = by_sub.remove(s.id.as_str()).unwrap_or_default();
        evs.sort_by_key(|e| {
            (
                e["created"].as_i64().unwrap_or(0),
                e["id"].as_str().map(String::from),
            )
        });
        timelines.push((s.id.clone(), timeline(s, &evs, tiers)));
    }
    let (subscriptions, rows) = store
        .backfill_history(&timelines)
        .context("failed to write the subscription history")?;
    Ok(HistoryBackfill {
        events: events.len(),
        subscriptions,
        rows,
    })
}

/// The setting that holds when `subscriptions sync` last replaced the mirror (unix seconds).
pub const SYNCED_AT: &str = "subscriptions.synced_at";

/// Lists every customer and subscription (the two lists together; pages of each in order)
/// and replaces the mirror with them. `progress` counts the objects read.
pub fn sync(
    store: &mut Store,
    rt: &tokio::runtime::Runtime,
    stripe: &Stripe,
    tiers: &TierMap,
    progress: &dyn crate::ops::Progress,
    backfill: bool,
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
    // For `doctor`: when the mirror was last replaced whole.
    store.put_setting(SYNCED_AT, &now.to_string())?;
    let history = if backfill {
        Some(backfill_history(store, rt, stripe, tiers, &subs, now)?)
    } else {
        None
    };
    Ok(SyncReport {
        customers: c,
        subscriptions: s,
        history,
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
    /// Its quantity (seats), within the tier's `max_quantity`.
    pub quantity: u64,
    /// The subscriptions the customer had, as Stripe lists them (the state a create changes
    /// from: a re-subscription after a cancel is a new request, a retry is not).
    pub history: String,
}

/// Reads what creating a subscription depends on, and refuses a second live subscription.
pub async fn prepare_create(
    stripe: &Stripe,
    customer: &str,
    tier: &Tier,
    tiers: &TierMap,
    seats: Asked,
) -> Result<NewSubscription, PlanError> {
    let quantity = seats.for_tier(tier, None)?;
    let customer = existing_customer(stripe, customer)
        .await
        .map_err(PlanError::Stripe)?;
    let existing = stripe
        .subscriptions(Some(&customer.id), |_| {})
        .await
        .context("failed to list the customer's subscriptions")
        .map_err(PlanError::Stripe)?;
    if let Some(live) = crate::domain::billing::live_subscription(&existing) {
        let on = MirrorRow::of(live, tiers).tier;
        return Err(PlanError::HasSubscription {
            customer: customer.id.clone(),
            sub: live.id.clone(),
            status_article: with_article(&live.status),
            next: crate::domain::billing::next_step(live, on == tier.id, &tier.id),
            tier: on,
        });
    }
    let price = tier_price(stripe, tier).await.map_err(PlanError::Stripe)?;
    // The card a first payment would be charged to is part of the state: after a decline
    // (which Stripe saves under its key), a new card makes a new request.
    let card = stripe
        .default_payment_method(&customer.id)
        .await
        .context("failed to read the customer's default payment method")
        .map_err(PlanError::Stripe)?;
    let mut history: Vec<String> = existing
        .iter()
        .map(|s| format!("{}:{}", s.id, s.status))
        .collect();
    history.sort_unstable();
    Ok(NewSubscription {
        customer,
        price,
        tier: tier.id.clone(),
        quantity,
        history: format!("{} card={}", history.join(","), card.unwrap_or_default()),
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

/// `an active`, `a past_due`: the status with its article.
fn with_article(status: &str) -> String {
    let vowel = status.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {status}", if vowel { "an" } else { "a" })
}

/// Creates the checked subscription on `terms`. A refused first payment
/// (`error_if_incomplete`) is Stripe's card error, and nothing is created.
pub async fn create(
    stripe: &Writer,
    new: &NewSubscription,
    terms: &Terms,
    key: &str,
) -> Result<Subscription> {
    let metadata: HashMap<String, String> = [(META_TIER.to_string(), new.tier.clone())].into();
    let req = crate::adapters::stripe::NewSubscription {
        customer: new.customer.id.clone(),
        price: new.price.id.clone(),
        quantity: Some(new.quantity),
        metadata,
        trial_days: terms.trial_days,
        send_invoice_days: terms.send_invoice_days,
        payment_behavior: terms.payment_behavior.clone(),
    };
    stripe
        .create_subscription_with(&req, key)
        .await
        .context("failed to create the subscription")
}

/// A tier change, checked: the subscription is live and its main item is known.
pub struct Change {
    pub item: Item,
    pub price: RemotePrice,
    /// The tier it is on now.
    pub from: String,
    /// Its quantity (seats) now, and after the change.
    pub from_quantity: u64,
    pub quantity: u64,
}

/// Reads what moving `sub` to `tier` (with `seats`) depends on; `None` when it is already
/// there with that quantity.
pub async fn prepare_change(
    stripe: &Stripe,
    sub: &Subscription,
    tier: &Tier,
    tiers: &TierMap,
    seats: Asked,
) -> Result<Option<Change>> {
    let item = tiers
        .main_item(sub)
        .ok_or_else(|| anyhow!("subscription {} has no items", sub.id))?
        .clone();
    let from_quantity = item.quantity.unwrap_or(1).max(1);
    let quantity = seats.for_tier(tier, Some(from_quantity))?;
    let price = tier_price(stripe, tier).await?;
    if item.price_id == price.id && quantity == from_quantity {
        return Ok(None);
    }
    let from = tiers.tier_of(&item);
    Ok(Some(Change {
        item,
        price,
        from,
        from_quantity,
        quantity,
    }))
}

/// The tier a change moves to: the one named, else (a change of seats alone) the one the
/// subscription is on, which must be a tier of the catalog.
pub fn target_tier(
    sub: &Subscription,
    named: Option<&str>,
    field: &str,
    tiers: &TierMap,
) -> Result<String> {
    if let Some(t) = named {
        return Ok(t.to_string());
    }
    let on = tiers.main_item(sub).map(|i| tiers.tier_of(i));
    match on {
        Some(t) if t != UNKNOWN_TIER => Ok(t),
        _ => bail!(
            "subscription {} is on a price the catalog does not know: name the tier to move it to with {field}",
            sub.id
        ),
    }
}

/// How a change reads after the subscription's id: `from pro to team`, or with seats
/// `from team × 3 to team × 5`.
pub fn change_words(change: &Change, tier: &str) -> String {
    crate::domain::billing::seats::from_to(
        (&change.from, change.from_quantity),
        (tier, change.quantity),
    )
}

/// Moves `sub` to the change's price under `proration` (Stripe's `proration_behavior`),
/// under `key` (see `ops::lifecycle::change_plan`).
pub async fn change(
    stripe: &Writer,
    sub: &Subscription,
    change: &Change,
    tier: &str,
    proration: Proration,
    key: &str,
) -> Result<Subscription> {
    let metadata: HashMap<String, String> = [(META_TIER.to_string(), tier.to_string())].into();
    let to = PriceChange {
        sub: &sub.id,
        item: &change.item.id,
        price: &change.price.id,
        quantity: Some(change.quantity),
        proration,
        metadata: &metadata,
    };
    let done = stripe
        .change_price(&to, key)
        .await
        .with_context(|| format!("failed to change subscription {}", sub.id))?;
    Ok(done)
}

/// Reads a subscription and its customer, or says clearly that the subscription does not
/// exist (a deleted customer is shown by its id).
pub async fn fetch(stripe: &Stripe, id: &str) -> Result<(Subscription, Customer)> {
    let sub = stripe
        .subscription(id)
        .await
        .with_context(|| format!("failed to read subscription {id}"))?
        .ok_or_else(|| anyhow::anyhow!("no such subscription {id} in Stripe"))?;
    let customer = stripe
        .customer(&sub.customer)
        .await
        .with_context(|| format!("failed to read customer {}", sub.customer))?
        .unwrap_or(Customer {
            id: sub.customer.clone(),
            email: None,
            name: None,
            created: sub.created,
        });
    Ok((sub, customer))
}

/// Mirrors a subscription as a lifecycle step left it; its view.
pub fn remember(
    store: &mut Store,
    tiers: &TierMap,
    sub: &Subscription,
    customer: &Customer,
    at: i64,
) -> Result<SubscriptionView> {
    let row = MirrorRow::of(sub, tiers);
    store
        .record(customer, std::slice::from_ref(&row), at)
        .context("failed to update the local mirror")?;
    Ok(SubscriptionView::of(&row, sub))
}

/// Subscriptions from Stripe (a customer's, if given); `progress` counts them as pages
/// arrive.
pub async fn list(
    stripe: &Stripe,
    customer: Option<&str>,
    progress: &dyn crate::ops::Progress,
) -> Result<Vec<Subscription>> {
    stripe
        .subscriptions(customer, |n| progress.set_position(n as u64))
        .await
        .context("failed to list subscriptions")
}

/// The rows of `subs` on `tier` (if given) in one of `statuses` (if any).
pub fn rows_of(
    subs: &[Subscription],
    tiers: &TierMap,
    tier: Option<&str>,
    statuses: &[String],
) -> Vec<MirrorRow> {
    subs.iter()
        .map(|s| MirrorRow::of(s, tiers))
        .filter(|r| {
            tier.is_none_or(|t| r.tier == t)
                && (statuses.is_empty() || statuses.contains(&r.status))
        })
        .collect()
}
