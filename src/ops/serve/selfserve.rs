//! The customer's side of `serve` as workflows, knowing no HTTP: the account view, a key issued,
//! rotated or revoked for the customer who owns it, and a plan change, cancel or resume of
//! the customer's live subscription. Each returns what was done or a typed [`Refused`];
//! `api/selfserve.rs` parses the requests and says each outcome in HTTP.

use super::{blocking, Shared};
use crate::adapters::store::Store;
use crate::adapters::stripe::Writer;
use crate::domain::billing::seats::Asked;
use crate::domain::billing::{AccessState, Proration, Subscription};
use crate::domain::catalog::Tier;
use crate::domain::config::Config;
use crate::ops::lifecycle::{self, PlanError};
use crate::ops::{self, lock, payments, subscriptions};
use serde::Serialize;
use std::sync::Arc;

/// Why a self-service workflow did nothing (or, for [`Refused::Plan`]'s store failure, what
/// Stripe did that the store did not record).
#[derive(Debug)]
pub enum Refused {
    /// No such key, or another customer's (ids cannot be probed).
    KeyNotFound,
    /// The customer holds the most live keys allowed.
    KeyLimit(ops::keys::KeyLimit),
    /// The key cannot be rotated (already rotated, revoked or expired): why.
    KeyNotRotatable(String),
    /// The customer has no live subscription to change.
    NoSubscription,
    /// The subscription's price is on no tier of the catalog (the error, for the log).
    TierUnknown(anyhow::Error),
    /// Stripe refused or could not be reached.
    Stripe(anyhow::Error),
    /// The store failed (nothing was changed).
    Store(anyhow::Error),
    /// The lifecycle workflow refused or failed.
    Plan(PlanError),
}

/// What is done to a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAction {
    Rotate,
    Revoke,
}

/// What is done to a subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanAction {
    Change,
    Cancel,
    Resume,
}

/// `GET /v1/customers/{id}`.
#[derive(Debug, Serialize)]
pub struct CustomerView {
    pub customer_id: String,
    pub email: Option<String>,
    pub name: Option<String>,
    /// The live subscription's tier; "none" without one.
    pub tier: String,
    pub access: Access,
    pub subscription: Option<SubscriptionState>,
    pub dunning: Dunning,
    pub card: Option<Card>,
    pub open_invoices: usize,
    pub api_keys: i64,
}

#[derive(Debug, Serialize)]
pub struct Access {
    /// `granted`, `grace`, `payment_required` or `none`.
    pub state: AccessState,
    pub reason: Option<String>,
    pub grace_until: Option<i64>,
}

#[derive(Debug, Serialize)]
pub struct SubscriptionState {
    pub id: String,
    pub status: String,
    pub current_period_start: i64,
    pub current_period_end: i64,
    pub trial_end: Option<i64>,
    pub cancel_at_period_end: bool,
}

#[derive(Debug, Serialize)]
pub struct Dunning {
    /// A run of failed payments is under way.
    pub failing: bool,
    pub failed_at: Option<i64>,
    pub failed_attempts: i64,
    pub next_attempt: Option<i64>,
    pub invoice_id: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Card {
    pub brand: Option<String>,
    pub last4: Option<String>,
    pub exp_month: Option<i64>,
    pub exp_year: Option<i64>,
}

fn access_of(s: &payments::Standing) -> Access {
    let status = s.status.as_deref().unwrap_or("none");
    let reason = match s.access {
        AccessState::Granted => None,
        AccessState::Grace => Some(format!(
            "the subscription is {status}: a payment failed, and access continues through the grace period"
        )),
        AccessState::NoSubscription => Some("the customer has no subscription".to_string()),
        AccessState::PaymentRequired => Some(format!(
            "the subscription is {status}, which does not grant access"
        )),
    };
    Access {
        state: s.access,
        reason,
        grace_until: s.grace_until,
    }
}

fn customer_view(report: payments::CustomerReport, live: Option<&Subscription>) -> CustomerView {
    let p = &report.standing.payment;
    CustomerView {
        customer_id: report.customer.id.clone(),
        email: report.customer.email.clone(),
        name: report.customer.name.clone(),
        tier: report.tier.clone(),
        access: access_of(&report.standing),
        subscription: live.map(|s| SubscriptionState {
            id: s.id.clone(),
            status: s.status.clone(),
            current_period_start: s.current_period_start,
            current_period_end: s.current_period_end,
            trial_end: s.trial_end,
            cancel_at_period_end: s.cancel_at_period_end,
        }),
        dunning: Dunning {
            failing: p.failed_at.is_some(),
            failed_at: p.failed_at,
            failed_attempts: p.failed_attempts,
            next_attempt: p.next_attempt,
            invoice_id: p.invoice_id.clone(),
        },
        card: report.default_payment_method.as_ref().map(|m| Card {
            brand: m.brand.clone(),
            last4: m.last4.clone(),
            exp_month: m.exp_month,
            exp_year: m.exp_year,
        }),
        open_invoices: report.open_invoices.len(),
        api_keys: report.api_keys,
    }
}

/// The customer's live subscription among `subs` (the newest), if any.
fn live_of(subs: &[Subscription]) -> Option<&Subscription> {
    subs.iter()
        .filter(|s| s.is_live())
        .max_by_key(|s| s.created)
}

/// Runs `f` on `store` on a blocking thread; a failure is [`Refused::Store`].
async fn on_store<T: Send + 'static>(
    store: &Shared<Store>,
    f: impl FnOnce(&mut Store) -> anyhow::Result<T> + Send + 'static,
) -> Result<T, Refused> {
    let store = store.clone();
    blocking(move || f(&mut lock(&store)))
        .await
        .and_then(|r| r)
        .map_err(Refused::Store)
}

/// `GET /v1/customers/{id}`: the customer as Stripe has them (mirrored on the way), with
/// their access, dunning state and card.
pub async fn account(
    store: &Shared<Store>,
    stripe: &Writer,
    config: &Arc<Config>,
    id: &str,
) -> Result<CustomerView, Refused> {
    let fetched = ops::customers::fetch(stripe, id)
        .await
        .map_err(Refused::Stripe)?;
    let live = live_of(&fetched.subscriptions).cloned();
    let config = config.clone();
    let report = on_store(store, move |s| {
        let tiers = ops::tier_map(s, &config)?;
        let policy = config.access.clone();
        ops::customers::show(s, &tiers, &policy, fetched, crate::domain::clock::now())
    })
    .await?;
    Ok(customer_view(report, live.as_ref()))
}

/// A key to issue for a customer.
pub struct IssueKey {
    pub customer: String,
    pub name: String,
    /// Lifetime in seconds; `None`: never expires.
    pub ttl: Option<i64>,
    /// The mode of serve's Stripe key, for a store that has none yet.
    pub mode: Option<crate::domain::mode::Mode>,
    pub max_live: u32,
    pub actor: String,
}

/// Issues a key for the customer (the mirror must know them), or refuses past the limit.
pub fn issue_key(
    s: &mut Store,
    new: &IssueKey,
) -> anyhow::Result<Result<ops::keys::Issued, Refused>> {
    let now = crate::domain::clock::now();
    let mode = match s.key_mode()? {
        Some(m) => m,
        None => new.mode.ok_or_else(|| anyhow::anyhow!("the store has no mode yet and serve has no Stripe key to take it from: issue the first key with 'billctl keys issue'"))?,
    };
    let key = ops::keys::NewKey {
        customer: &new.customer,
        name: Some(&new.name),
        ttl: new.ttl,
        mode,
        max_live: Some(new.max_live),
    };
    match ops::keys::issue(s, &key, &new.actor, now) {
        Ok(issued) => Ok(Ok(issued)),
        Err(e) => match e.downcast::<ops::keys::KeyLimit>() {
            Ok(limit) => Ok(Err(Refused::KeyLimit(limit))),
            Err(e) => Err(e),
        },
    }
}

/// A key to rotate or revoke, if it is the customer's.
pub struct ChangeKey {
    pub customer: String,
    pub key: String,
    pub action: KeyAction,
    /// Rotation: how long the old key keeps working, in seconds.
    pub grace: i64,
    /// Revocation: why, for the audit log.
    pub reason: Option<String>,
    pub actor: String,
}

/// What a key change did.
#[derive(Serialize)]
#[serde(untagged)]
pub enum KeyChanged {
    Rotated(Box<ops::keys::Issued>),
    Revoked(ops::keys::Revoked),
}

/// Rotates or revokes the key if it is the customer's (else [`Refused::KeyNotFound`], as for
/// an unknown key).
pub fn change_key(s: &mut Store, c: &ChangeKey) -> anyhow::Result<Result<KeyChanged, Refused>> {
    let now = crate::domain::clock::now();
    let rec = match s.key(&c.key)? {
        Some(r) if r.customer_id == c.customer => r,
        _ => return Ok(Err(Refused::KeyNotFound)),
    };
    match c.action {
        KeyAction::Rotate => match ops::keys::rotate(s, &rec, c.grace, &c.actor, now) {
            Ok(issued) => Ok(Ok(KeyChanged::Rotated(Box::new(issued)))),
            Err(e) => match e.downcast::<ops::keys::KeyError>() {
                Ok(why) => Ok(Err(Refused::KeyNotRotatable(why.to_string()))),
                Err(e) => Err(e),
            },
        },
        KeyAction::Revoke => {
            let (ids, already) = ops::keys::to_revoke(std::slice::from_ref(&rec));
            let r = ops::keys::revoke(s, ids, already, c.reason.as_deref(), &c.actor, now)?;
            Ok(Ok(KeyChanged::Revoked(r)))
        }
    }
}

/// A change of the customer's live subscription: the tier (a change without one keeps the
/// tier it is on and changes the seats), seats and proration; or a cancel or resume.
pub struct PlanAsk {
    pub customer: String,
    pub action: PlanAction,
    pub tier: Option<Tier>,
    pub seats: Asked,
    pub proration: Proration,
    pub actor: String,
}

/// What a plan action did (or, when it was already so, why nothing was done), and the
/// subscription as mirrored now.
#[derive(Serialize)]
pub struct PlanDone {
    pub message: String,
    pub subscription: subscriptions::SubscriptionView,
}

/// The customer's live subscription at Stripe, else [`Refused::NoSubscription`].
async fn live_subscription(stripe: &Writer, id: &str) -> Result<Subscription, Refused> {
    let subs = stripe
        .subscriptions(Some(id), |_| {})
        .await
        .map_err(|e| Refused::Stripe(anyhow::Error::new(e)))?;
    live_of(&subs).cloned().ok_or(Refused::NoSubscription)
}

/// Changes, cancels (at the period end) or resumes the customer's live subscription, with
/// `subscriptions change`'s rules; a change already made is mirrored and said, not refused.
pub async fn plan(
    store: &Shared<Store>,
    stripe: &Writer,
    config: &Arc<Config>,
    ask: PlanAsk,
) -> Result<PlanDone, Refused> {
    let live = live_subscription(stripe, &ask.customer).await?;
    let (sub, customer) = subscriptions::fetch(stripe, &live.id)
        .await
        .map_err(Refused::Stripe)?;
    let cfg = config.clone();
    let tiers = on_store(store, move |s| ops::tier_map(s, &cfg)).await?;
    let who = lifecycle::Actor::now(&ask.actor);
    let target = lifecycle::Target::new(&sub, &customer);
    let done = match ask.action {
        PlanAction::Change => {
            let tier = match ask.tier {
                Some(t) => t,
                None => tier_on(config, &tiers, &sub)?,
            };
            let how = lifecycle::PlanChange::new(&tier, ask.seats, ask.proration);
            lifecycle::change_plan(store, stripe, &tiers, target, how, who).await
        }
        PlanAction::Cancel => lifecycle::cancel(store, stripe, &tiers, target, true, who).await,
        PlanAction::Resume => lifecycle::resume(store, stripe, &tiers, target, who).await,
    };
    match done {
        Ok(d) => Ok(PlanDone {
            message: d.message,
            subscription: d.view,
        }),
        Err(e) if e.unchanged() => {
            let message = e.to_string();
            let config = config.clone();
            let subscription = on_store(store, move |s| {
                let tiers = ops::tier_map(s, &config)?;
                subscriptions::remember(s, &tiers, &sub, &customer, crate::domain::clock::now())
            })
            .await?;
            Ok(PlanDone {
                message,
                subscription,
            })
        }
        Err(e) => Err(Refused::Plan(e)),
    }
}

/// The tier `sub` is on (a change of seats alone keeps it), else [`Refused::TierUnknown`].
fn tier_on(
    config: &Config,
    tiers: &crate::domain::billing::TierMap,
    sub: &Subscription,
) -> Result<Tier, Refused> {
    let on = subscriptions::target_tier(sub, None, "tier", tiers).map_err(Refused::TierUnknown)?;
    config
        .tier(&on)
        .cloned()
        .ok_or_else(|| Refused::TierUnknown(anyhow::anyhow!("no tier {on} in serve's catalog")))
}
