//! A subscription's lifecycle as one workflow per change, called by the command line
//! (`subscriptions create|change|cancel|resume`) and by serve's self-service routes alike:
//! each checks its preconditions (a typed [`PlanError`] when they do not hold), writes to
//! Stripe under a key from the state it changes from and the write journal's sequence, checks
//! that Stripe's answer carries the requested result, then mirrors the subscription and writes
//! the audit entry naming the actor. Prints nothing.

use super::subscriptions::{self as subs, SubscriptionView};
pub use super::writes::Actor;
use super::writes::{self, Entry, NotApplied, Stores};
use crate::adapters::stripe::{Stripe, Writer};
use crate::domain::billing::seats::Asked;
use crate::domain::billing::{Customer, MirrorRow, Proration, Subscription, TierMap};
use crate::domain::catalog::Tier;
use serde_json::json;

/// Why a lifecycle change was not made. The `already`/`not` variants are "nothing to do":
/// the subscription is as asked ([`PlanError::unchanged`]).
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("customer {customer} already has {status_article} subscription {sub} (tier {tier})\nhint: {next}")]
    HasSubscription {
        customer: String,
        sub: String,
        status_article: String,
        tier: String,
        /// What to do about it ([`crate::domain::billing::next_step`]).
        next: String,
    },
    #[error("subscription {sub} is {status}: it cannot change tier\nhint: subscribe the customer again with 'billctl subscriptions create'")]
    NotLive { sub: String, status: String },
    /// The tier is priced in another currency than the subscription's: Stripe keeps one
    /// currency per customer, so the change is refused before Stripe is asked.
    #[error("subscription {sub} is billed in {from}, and tier {tier} is priced in {to}: Stripe keeps one currency per customer and cannot move a subscription between currencies\nhint: choose a tier priced in {from}")]
    Currency {
        sub: String,
        from: String,
        tier: String,
        to: String,
    },
    #[error("{sub} is already on {tier}: nothing to change.")]
    AlreadyThere { sub: String, tier: String },
    #[error("{sub} is already {status}.")]
    AlreadyEnded { sub: String, status: String },
    #[error("{sub} already ends at the end of its period ({end}).")]
    AlreadyEnding { sub: String, end: String },
    #[error("{sub} is not set to end: nothing to undo.")]
    NotEnding { sub: String },
    #[error(transparent)]
    NotApplied(#[from] NotApplied),
    /// The quantity asked for is refused by the tier's bound: nothing was sent.
    #[error(transparent)]
    Seats(#[from] crate::domain::billing::seats::SeatsError),
    /// Stripe refused or could not be reached (the `stripe::Error` is in the chain).
    #[error("{0:#}")]
    Stripe(anyhow::Error),
    /// The store could not be read before the write: nothing was changed.
    #[error("the store could not be reached: {0:#}; nothing was changed")]
    Unavailable(anyhow::Error),
    /// The store failed after Stripe's change was made.
    #[error("Stripe made the change, but the store failed to record it: {0:#}\nhint: 'billctl subscriptions sync' mirrors Stripe's state again")]
    Store(anyhow::Error),
}

impl From<writes::SettleError> for PlanError {
    fn from(e: writes::SettleError) -> PlanError {
        match e {
            writes::SettleError::NotApplied(n) => PlanError::NotApplied(n),
            writes::SettleError::Stripe(e) => PlanError::Stripe(e),
        }
    }
}

/// The subscription as Stripe holds it now (after a replayed answer).
async fn sub_now(stripe: &Stripe, id: &str) -> anyhow::Result<Subscription> {
    stripe
        .subscription(id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("subscription {id} is gone from Stripe"))
}

impl PlanError {
    /// The subscription is already as asked: nothing was written, nothing is wrong.
    pub fn unchanged(&self) -> bool {
        matches!(
            self,
            PlanError::AlreadyThere { .. }
                | PlanError::AlreadyEnded { .. }
                | PlanError::AlreadyEnding { .. }
                | PlanError::NotEnding { .. }
        )
    }
}

/// The subscription a change acts on, with its customer.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    pub sub: &'a Subscription,
    pub customer: &'a Customer,
}

/// A plan change: the tier to move to, its seats, and how Stripe bills the difference.
#[derive(Debug, Clone, Copy)]
pub struct PlanChange<'a> {
    pub tier: &'a Tier,
    pub seats: Asked,
    pub proration: Proration,
}

/// A subscription to create: whose, on which tier, with how many seats.
#[derive(Debug, Clone, Copy)]
pub struct Subscribe<'a> {
    pub customer: &'a str,
    pub tier: &'a Tier,
    pub seats: Asked,
}

/// The subscription as Stripe answered, its customer and its mirror row: what [`commit`] stores.
struct Mirrored<'a> {
    sub: &'a Subscription,
    customer: &'a Customer,
    row: MirrorRow,
}

impl<'a> Mirrored<'a> {
    fn of(sub: &'a Subscription, customer: &'a Customer, tiers: &TierMap) -> Mirrored<'a> {
        let row = MirrorRow::of(sub, tiers);
        Mirrored { sub, customer, row }
    }
}

/// The audit entry of a change: who, which action, and its detail.
struct Audited<'a> {
    actor: Actor<'a>,
    action: &'static str,
    detail: serde_json::Value,
}

impl<'a> Audited<'a> {
    fn of(actor: Actor<'a>, action: &'static str, detail: serde_json::Value) -> Audited<'a> {
        Audited {
            actor,
            action,
            detail,
        }
    }
}

impl<'a> Target<'a> {
    pub fn new(sub: &'a Subscription, customer: &'a Customer) -> Target<'a> {
        Target { sub, customer }
    }
}

impl<'a> PlanChange<'a> {
    pub fn new(tier: &'a Tier, seats: Asked, proration: Proration) -> PlanChange<'a> {
        PlanChange {
            tier,
            seats,
            proration,
        }
    }
}

/// A change made: the subscription as Stripe has it after, as mirrored, and what was done.
pub struct Done {
    pub sub: Subscription,
    pub view: SubscriptionView,
    pub message: String,
}

/// Mirrors `sub` and records the change (journal and audit entry) in one step of the store.
async fn commit<S: Stores>(
    stores: &S,
    Mirrored { sub, customer, row }: Mirrored<'_>,
    change: &writes::Change,
    Audited {
        actor,
        action,
        detail,
    }: Audited<'_>,
) -> Result<SubscriptionView, PlanError> {
    let view = SubscriptionView::of(&row, sub);
    let job = Commit {
        customer: customer.clone(),
        row,
        change: change.clone(),
        actor: actor.name.to_string(),
        action,
        detail,
        at: actor.at,
    };
    stores
        .run(move |s| job.run(s))
        .await
        .map_err(PlanError::Store)?;
    Ok(view)
}

/// The store's part of a change, owned (it runs on another thread over serve).
struct Commit {
    customer: Customer,
    row: MirrorRow,
    change: writes::Change,
    actor: String,
    action: &'static str,
    detail: serde_json::Value,
    at: i64,
}

impl Commit {
    fn run(self, s: &mut crate::adapters::store::Store) -> anyhow::Result<()> {
        s.record(&self.customer, std::slice::from_ref(&self.row), self.at)?;
        let entry = Entry {
            actor: &self.actor,
            action: self.action,
            customer: Some(&self.customer.id),
            key_id: None,
            detail: self.detail,
        };
        writes::record(s, &self.change, &entry, self.at)
    }
}

/// What a change is checked against in Stripe's answer: the main item's price.
fn item_state(sub: &Subscription, item: &str) -> String {
    sub.items.iter().find(|i| i.id == item).map_or_else(
        || "no such item".into(),
        |i| format!("{} x{}", i.price_id, i.quantity.unwrap_or(1)),
    )
}

/// A refused quantity as itself (the caller's mistake: nothing was sent), anything else as
/// Stripe's failure.
fn seats_or_stripe(e: anyhow::Error) -> PlanError {
    match e.downcast::<crate::domain::billing::seats::SeatsError>() {
        Ok(s) => PlanError::Seats(s),
        Err(e) => PlanError::Stripe(e),
    }
}

/// Whether `sub` can change tier at all (it is live).
pub fn check_change(sub: &Subscription) -> Result<(), PlanError> {
    if sub.is_live() {
        return Ok(());
    }
    let (sub, status) = (sub.id.clone(), sub.status.clone());
    Err(PlanError::NotLive { sub, status })
}

/// Whether `tier` is priced in `sub`'s currency (that of its main item): Stripe refuses to
/// combine currencies on one customer ("You cannot combine currencies on a single customer"),
/// so a change across currencies is refused here, before anything is asked of Stripe.
pub fn check_currency(sub: &Subscription, tiers: &TierMap, tier: &Tier) -> Result<(), PlanError> {
    let Some(item) = tiers.main_item(sub) else {
        return Ok(());
    };
    let to = &tier.primary().currency;
    if item.currency.is_empty() || item.currency.eq_ignore_ascii_case(to) {
        return Ok(());
    }
    Err(PlanError::Currency {
        sub: sub.id.clone(),
        from: item.currency.to_ascii_uppercase(),
        tier: tier.id.clone(),
        to: to.to_ascii_uppercase(),
    })
}

/// Moves `sub` to `tier` under `proration` (Stripe's `proration_behavior`).
pub async fn change_plan<S: Stores>(
    stores: &S,
    stripe: &Writer,
    tiers: &TierMap,
    Target { sub, customer }: Target<'_>,
    PlanChange {
        tier,
        seats,
        proration,
    }: PlanChange<'_>,
    actor: Actor<'_>,
) -> Result<Done, PlanError> {
    check_change(sub)?;
    check_currency(sub, tiers, tier)?;
    let Some(change) = subs::prepare_change(stripe, sub, tier, tiers, seats)
        .await
        .map_err(seats_or_stripe)?
    else {
        // Where it stays, with its seats: `team × 3`.
        let seats = tiers.main_item(sub).and_then(|i| i.quantity).unwrap_or(1);
        let tier = crate::domain::billing::seats::label(&tier.id, seats);
        let sub = sub.id.clone();
        return Err(PlanError::AlreadyThere { sub, tier });
    };
    let item = &change.item;
    let to = format!(
        "{} {} x{} {proration}",
        item.id, change.price.id, change.quantity
    );
    let from = format!("{} x{}", item.price_id, change.from_quantity);
    let kind = "subscription-price";
    let w = writes::key(stores, kind, &sub.id, &from, &to)
        .await
        .map_err(PlanError::Unavailable)?;
    let done = subs::change(stripe, sub, &change, &tier.id, proration, &w.key)
        .await
        .map_err(PlanError::Stripe)?;
    let reread = async { Ok(item_state(&sub_now(stripe, &sub.id).await?, &item.id)) };
    let wanted = format!("{} x{}", change.price.id, change.quantity);
    let what = ("the plan change", sub.id.as_str(), wanted.as_str());
    let answer = item_state(&done, &item.id);
    writes::settle(stores, (stripe, &w), what, answer, reread).await?;
    let detail = json!({"subscription_id": sub.id, "from": change.from, "to": tier.id, "from_quantity": change.from_quantity, "quantity": change.quantity, "proration": proration});
    let mirrored = Mirrored::of(&done, customer, tiers);
    let audit = Audited::of(actor, "subscription.change", detail);
    let view = commit(stores, mirrored, &w, audit).await?;
    let message = format!(
        "Moved {} {} (proration: {proration}).",
        sub.id,
        subs::change_words(&change, &tier.id)
    );
    Ok(Done {
        sub: done,
        view,
        message,
    })
}

/// Whether cancelling `sub` (now, or at the period end) has anything to do.
pub fn check_cancel(sub: &Subscription, at_period_end: bool) -> Result<(), PlanError> {
    if !sub.is_live() {
        let (sub, status) = (sub.id.clone(), sub.status.clone());
        return Err(PlanError::AlreadyEnded { sub, status });
    }
    if at_period_end && sub.cancel_at_period_end {
        let end = crate::domain::time::utc_date(sub.current_period_end);
        return Err(PlanError::AlreadyEnding {
            sub: sub.id.clone(),
            end,
        });
    }
    Ok(())
}

/// The question before a cancellation (the command line asks it).
pub fn cancel_question(
    sub: &Subscription,
    customer: &Customer,
    at_period_end: bool,
) -> Result<String, PlanError> {
    check_cancel(sub, at_period_end)?;
    let who = customer.email.as_deref().unwrap_or(&customer.id);
    let end = crate::domain::time::utc_date(sub.current_period_end);
    Ok(if at_period_end {
        format!("Cancel {} ({who}) at the end of its period, {end}?", sub.id)
    } else {
        format!("Cancel {} ({who}) now? Access ends immediately.", sub.id)
    })
}

/// Cancels `sub` now, or at the end of its period.
pub async fn cancel<S: Stores>(
    stores: &S,
    stripe: &Writer,
    tiers: &TierMap,
    Target { sub, customer }: Target<'_>,
    at_period_end: bool,
    actor: Actor<'_>,
) -> Result<Done, PlanError> {
    check_cancel(sub, at_period_end)?;
    let from = format!(
        "{} cancel_at_period_end={}",
        sub.status, sub.cancel_at_period_end
    );
    let (kind, to) = if at_period_end {
        (
            "subscription-cancel-at-period-end",
            "cancel_at_period_end=true",
        )
    } else {
        ("subscription-cancel", "canceled")
    };
    let w = writes::key(stores, kind, &sub.id, &from, to)
        .await
        .map_err(PlanError::Unavailable)?;
    let done = if at_period_end {
        stripe.set_cancel_at_period_end(&sub.id, true, &w.key).await
    } else {
        stripe.cancel_subscription(&sub.id, &w.key).await
    }
    .map_err(|e| {
        PlanError::Stripe(
            anyhow::Error::new(e).context(format!("failed to cancel subscription {}", sub.id)),
        )
    })?;
    let state = move |s: &Subscription| match at_period_end {
        true => format!("cancel_at_period_end={}", s.cancel_at_period_end),
        false => s.status.clone(),
    };
    let reread = async { Ok(state(&sub_now(stripe, &sub.id).await?)) };
    let what = ("the cancellation", sub.id.as_str(), to);
    writes::settle(stores, (stripe, &w), what, state(&done), reread).await?;
    let detail = json!({"subscription_id": sub.id, "at_period_end": at_period_end});
    let mirrored = Mirrored::of(&done, customer, tiers);
    let audit = Audited::of(actor, "subscription.cancel", detail);
    let view = commit(stores, mirrored, &w, audit).await?;
    let message = if at_period_end {
        let end = crate::domain::time::utc_date(done.current_period_end);
        format!("{} will end on {end}.", done.id)
    } else {
        format!("Canceled {}.", done.id)
    };
    Ok(Done {
        sub: done,
        view,
        message,
    })
}

/// Undoes a cancellation at the period end, before the period ends.
pub async fn resume<S: Stores>(
    stores: &S,
    stripe: &Writer,
    tiers: &TierMap,
    Target { sub, customer }: Target<'_>,
    actor: Actor<'_>,
) -> Result<Done, PlanError> {
    if !sub.is_live() {
        let (sub, status) = (sub.id.clone(), sub.status.clone());
        return Err(PlanError::AlreadyEnded { sub, status });
    }
    if !sub.cancel_at_period_end {
        return Err(PlanError::NotEnding {
            sub: sub.id.clone(),
        });
    }
    let (from, to) = ("cancel_at_period_end=true", "cancel_at_period_end=false");
    let w = writes::key(stores, "subscription-resume", &sub.id, from, to)
        .await
        .map_err(PlanError::Unavailable)?;
    let done = stripe
        .set_cancel_at_period_end(&sub.id, false, &w.key)
        .await
        .map_err(|e| {
            let why = format!("failed to undo the cancellation of subscription {}", sub.id);
            PlanError::Stripe(anyhow::Error::new(e).context(why))
        })?;
    let state = |s: &Subscription| format!("cancel_at_period_end={}", s.cancel_at_period_end);
    let reread = async { Ok(state(&sub_now(stripe, &sub.id).await?)) };
    let what = ("the resumption", sub.id.as_str(), to);
    writes::settle(stores, (stripe, &w), what, state(&done), reread).await?;
    let detail = json!({"subscription_id": sub.id});
    let mirrored = Mirrored::of(&done, customer, tiers);
    let audit = Audited::of(actor, "subscription.resume", detail);
    let view = commit(stores, mirrored, &w, audit).await?;
    let message = format!("{} continues past its period end.", done.id);
    Ok(Done {
        sub: done,
        view,
        message,
    })
}

/// A subscription created: its outcome told honestly (the first invoice when unpaid).
pub struct Created {
    pub sub: Subscription,
    pub customer: Customer,
    pub outcome: super::payments::SubscriptionOutcome,
    pub message: String,
}

/// Subscribes `customer` to `tier` on `terms`; refused when the customer has a live
/// subscription. The key's from-state is the customer's subscriptions as Stripe lists them.
pub async fn create<S: Stores>(
    stores: &S,
    stripe: &Writer,
    tiers: &TierMap,
    Subscribe {
        customer,
        tier,
        seats,
    }: Subscribe<'_>,
    terms: &subs::Terms,
    actor: Actor<'_>,
) -> Result<Created, PlanError> {
    let new = subs::prepare_create(stripe, customer, tier, tiers, seats).await?;
    let to = format!(
        "{} x{} trial={:?} invoice={:?} {}",
        new.price.id,
        new.quantity,
        terms.trial_days,
        terms.send_invoice_days,
        terms.payment_behavior
    );
    let kind = "subscription-create";
    let w = writes::key(stores, kind, &new.customer.id, &new.history, &to)
        .await
        .map_err(PlanError::Unavailable)?;
    let sub = subs::create(stripe, &new, terms, &w.key)
        .await
        .map_err(PlanError::Stripe)?;
    check_created(tiers, &new, &sub, actor.at)?;
    let detail = json!({"subscription_id": sub.id, "tier": tier.id, "quantity": new.quantity, "status": sub.status, "price_id": new.price.id});
    let mirrored = Mirrored::of(&sub, &new.customer, tiers);
    let row = mirrored.row.clone();
    let audit = Audited::of(actor, "subscription.create", detail);
    commit(stores, mirrored, &w, audit).await?;
    let trial_end = terms
        .trial_days
        .and_then(|d| sub.created.checked_add(i64::from(d).checked_mul(86_400)?));
    let outcome = super::payments::outcome(stripe, &sub, &row, trial_end)
        .await
        .map_err(PlanError::Stripe)?;
    let message = format!(
        "Subscribed {} to {} ({}): {}.",
        new.customer.id,
        crate::domain::billing::seats::label(&tier.id, new.quantity),
        sub.id,
        sub.status
    );
    Ok(Created {
        sub,
        customer: new.customer,
        outcome,
        message,
    })
}

/// Checks that Stripe's answer to a create is the subscription asked for (its price and
/// seats) and a new one (not an earlier subscription answered again).
fn check_created(
    tiers: &TierMap,
    new: &subs::NewSubscription,
    sub: &Subscription,
    at: i64,
) -> Result<(), PlanError> {
    let got = tiers.main_item(sub).map_or_else(
        || "no items".into(),
        |i| format!("{} x{}", i.price_id, i.quantity.unwrap_or(1)),
    );
    writes::check(
        "the new subscription",
        &new.customer.id,
        &format!("{} x{}", new.price.id, new.quantity),
        &got,
    )?;
    let fresh = sub.created >= at.saturating_sub(3600) && sub.customer == new.customer.id;
    writes::check(
        "the new subscription",
        &new.customer.id,
        "created now",
        if fresh {
            "created now"
        } else {
            "an earlier subscription"
        },
    )?;
    Ok(())
}
