//! Payments as workflows: payment methods, invoice actions, a subscription's outcome told
//! honestly, and a customer's payment standing (access, default card, open invoices, dunning).
//! Prints nothing.

use super::writes::{self, Actor, Stores};
use crate::adapters::store::{PaymentState, Store};
use crate::adapters::stripe::{InvoiceInfo, PaymentMethodInfo, Stripe, Writer};
use crate::domain::billing::{access, AccessState, MirrorRow};
use crate::domain::config::AccessPolicy;
use anyhow::{bail, Context, Result};
use serde::Serialize;

/// Refuses what billctl never takes: card numbers anywhere, and Stripe's test methods in live
/// mode (there a card is collected with `checkout create --mode setup` or `portal create`).
pub fn check_method(pm: &str, live: bool) -> Result<()> {
    let digits = pm.chars().filter(char::is_ascii_digit).count();
    if digits >= 12
        && pm
            .chars()
            .all(|c| c.is_ascii_digit() || c == ' ' || c == '-')
    {
        bail!("billctl never takes card numbers: attach a payment method id (pm_...); in test mode Stripe's test methods such as pm_card_visa stand in for cards");
    }
    if !(pm.starts_with("pm_") || pm.starts_with("card_") || pm.starts_with("src_")) {
        bail!("{pm:?} is not a payment method id (pm_...)");
    }
    if live && pm.starts_with("pm_card_") {
        bail!("{pm} is a Stripe test method and this is a live-mode key: collect the card with 'billctl checkout create --mode setup --customer CUS' or 'billctl portal create --customer CUS'");
    }
    Ok(())
}

/// A customer's payment methods, for `payment-methods list`.
#[derive(Serialize)]
#[serde(transparent)]
pub struct MethodList(pub Vec<PaymentMethodInfo>);

/// `payment-methods attach`: attaches `pm` to `customer`, and with `default` makes it the
/// invoice default; each change checked in Stripe's answer and recorded with its audit entry.
/// The key's from-state is the customer's attached methods as Stripe lists them.
pub async fn attach<S: Stores>(
    stores: &S,
    stripe: &Writer,
    (customer, pm): (&str, &str),
    default: bool,
    actor: Actor<'_>,
) -> Result<PaymentMethodInfo> {
    let mut held: Vec<String> = stripe
        .payment_methods(customer)
        .await
        .context("failed to list payment methods")?
        .into_iter()
        .map(|m| m.id)
        .collect();
    held.sort_unstable();
    let w = writes::key(stores, "pm-attach", pm, &held.join(","), customer).await?;
    let mut info = stripe
        .attach_payment_method(pm, customer, &w.key)
        .await
        .with_context(|| format!("failed to attach {pm} to {customer}"))?;
    let holder = |i: Option<&PaymentMethodInfo>| {
        let c = i.and_then(|i| i.customer.as_deref());
        c.unwrap_or("no customer").to_string()
    };
    let reread = async { Ok(holder(stripe.payment_method(&info.id).await?.as_ref())) };
    let what = ("attaching a payment method", pm, customer);
    writes::settle(stores, (stripe, &w), what, holder(Some(&info)), reread).await?;
    let detail = serde_json::json!({"payment_method": info.id, "default": default});
    writes::record_via(
        stores,
        &w,
        ("payment_method.attach", Some(customer), detail),
        actor,
    )
    .await?;
    if default {
        set_default(stores, stripe, customer, &info.id, actor)
            .await
            .with_context(|| format!("attached {} but failed to make it the default", info.id))?;
        info.default = true;
    }
    Ok(info)
}

/// A listed subscription with what its payments are doing.
#[derive(Serialize)]
pub struct Listed {
    #[serde(flatten)]
    pub row: MirrorRow,
    /// What the access policy gives the customer's keys now.
    pub access: AccessState,
    pub grace_until: Option<i64>,
    pub payment: PaymentState,
    /// For subscriptions in trouble (incomplete, past_due, unpaid): the customer's default
    /// payment method.
    pub default_payment_method: Option<PaymentMethodInfo>,
}

/// `subscriptions list`.
#[derive(Serialize)]
#[serde(transparent)]
pub struct ListedSubscriptions(pub Vec<Listed>);

/// Whether a subscription in `status` is in trouble (its payment failed or never came), so
/// that lists and shows add the customer's default card.
pub fn in_trouble(status: &str) -> bool {
    matches!(status, "incomplete" | "past_due" | "unpaid")
}

/// Adds the mirror's payment state and the access policy's verdict to each row, and for rows
/// in trouble the customer's default card (read from Stripe, 8 customers at a time).
pub fn with_payment_state(
    store: &Store,
    rt: &tokio::runtime::Runtime,
    stripe: &Stripe,
    policy: &AccessPolicy,
    rows: Vec<MirrorRow>,
    now: i64,
) -> Result<ListedSubscriptions> {
    use futures_util::stream::{self, StreamExt};
    let mut customers: Vec<String> = rows
        .iter()
        .filter(|r| in_trouble(&r.status))
        .map(|r| r.customer_id.clone())
        .collect();
    customers.sort();
    customers.dedup();
    let cards: std::collections::HashMap<String, Option<PaymentMethodInfo>> = rt
        .block_on(
            stream::iter(customers)
                .map(|c| async move {
                    let card = stripe
                        .payment_methods(&c)
                        .await
                        .map(|m| m.into_iter().find(|p| p.default));
                    (c, card)
                })
                .buffer_unordered(8)
                .collect::<Vec<_>>(),
        )
        .into_iter()
        .map(|(c, r)| r.map(|card| (c, card)))
        .collect::<Result<_, _>>()
        .context("failed to read the customers' payment methods")?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let payment = store.subscription_payment(&row.id)?.unwrap_or_default();
        let verdict = access(
            policy,
            &row.status,
            payment.failed_at,
            row.current_period_start,
            now,
        );
        let (label, until) = verdict.label();
        out.push(Listed {
            default_payment_method: cards.get(&row.customer_id).cloned().flatten(),
            row,
            access: label,
            grace_until: until,
            payment,
        });
    }
    Ok(ListedSubscriptions(out))
}

/// `subscriptions show`: the subscription with its items, and its access and dunning state
/// decided as `subscriptions list` decides them (one [`with_payment_state`] for both).
#[derive(Serialize)]
pub struct ShownSubscription {
    #[serde(flatten)]
    pub listed: Listed,
    pub items: Vec<crate::domain::billing::Item>,
    #[serde(rename = "latest_invoice_id")]
    pub latest_invoice: Option<String>,
}

/// [`ShownSubscription`] of a subscription just mirrored (`view`): the mirror's payment state,
/// the access policy's verdict at `now`, and for one in trouble the customer's default card.
pub fn shown(
    store: &Store,
    rt: &tokio::runtime::Runtime,
    stripe: &Stripe,
    policy: &AccessPolicy,
    view: super::subscriptions::SubscriptionView,
    now: i64,
) -> Result<ShownSubscription> {
    let super::subscriptions::SubscriptionView {
        row,
        items,
        latest_invoice,
    } = view;
    let listed = with_payment_state(store, rt, stripe, policy, vec![row], now)?
        .0
        .pop()
        .context("the subscription's payment state was not read")?;
    Ok(ShownSubscription {
        listed,
        items,
        latest_invoice,
    })
}

/// A Checkout link for a tier, for `checkout create`.
#[derive(Serialize)]
pub struct CheckoutLink {
    pub id: String,
    pub url: Option<String>,
    pub tier: String,
    /// Units (seats) of the tier's price on the session's line.
    pub quantity: u64,
    pub price_id: String,
    pub customer_id: Option<String>,
    pub customer_email: Option<String>,
    pub expires_at: i64,
}

/// Invoices, for `invoices list`.
#[derive(Serialize)]
#[serde(transparent)]
pub struct InvoiceList(pub Vec<InvoiceInfo>);

/// What creating a subscription came to, told as it is.
#[derive(Debug, Serialize)]
pub struct SubscriptionOutcome {
    #[serde(flatten)]
    pub row: MirrorRow,
    pub items: Vec<crate::domain::billing::Item>,
    #[serde(rename = "latest_invoice_id")]
    pub latest_invoice: Option<String>,
    pub trial_end: Option<i64>,
    /// The first invoice: for `incomplete`, what went wrong and where the customer can pay.
    pub invoice: Option<InvoiceInfo>,
}

impl SubscriptionOutcome {
    /// Why an `incomplete` subscription is not paid for: the invoice's payment problem, or
    /// "not attempted" (`default_incomplete`).
    pub fn reason(&self) -> String {
        self.invoice
            .as_ref()
            .and_then(|i| i.payment_problem.clone())
            .unwrap_or_else(|| "the first invoice is not paid".into())
    }
}

/// The outcome of a new subscription: its first invoice read back when it is not paid for.
pub async fn outcome(
    stripe: &Stripe,
    sub: &crate::domain::billing::Subscription,
    row: &MirrorRow,
    trial_end: Option<i64>,
) -> Result<SubscriptionOutcome> {
    let invoice = match (row.status.as_str(), sub.latest_invoice.as_deref()) {
        ("incomplete" | "past_due", Some(id)) => stripe
            .invoice(id)
            .await
            .with_context(|| format!("failed to read invoice {id}"))?,
        _ => None,
    };
    Ok(SubscriptionOutcome {
        row: row.clone(),
        items: sub.items.clone(),
        latest_invoice: sub.latest_invoice.clone(),
        trial_end,
        invoice,
    })
}

/// A customer's standing: what the access policy gives, and the state of payments.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Standing {
    /// `granted`, `grace` or `payment_required`; `none` without any subscription.
    pub access: AccessState,
    /// With `grace`: when it ends.
    pub grace_until: Option<i64>,
    #[serde(rename = "subscription_id")]
    pub subscription: Option<String>,
    pub status: Option<String>,
    #[serde(flatten)]
    pub payment: PaymentState,
}

/// The access policy applied to a customer's current subscription at `now`, from the mirror.
pub fn standing(
    store: &Store,
    policy: &AccessPolicy,
    customer: &str,
    now: i64,
) -> Result<Standing> {
    Ok(standing_of(
        policy,
        store.current_subscription(customer)?,
        now,
    ))
}

/// [`standing`] from a customer's current subscription, already read.
pub fn standing_of(
    policy: &AccessPolicy,
    current: Option<crate::adapters::store::Current>,
    now: i64,
) -> Standing {
    let Some(cur) = current else {
        return Standing {
            access: AccessState::NoSubscription,
            grace_until: None,
            subscription: None,
            status: None,
            payment: PaymentState::default(),
        };
    };
    let a = access(
        policy,
        &cur.row.status,
        cur.payment.failed_at,
        cur.row.current_period_start,
        now,
    );
    let (label, until) = a.label();
    Standing {
        access: label,
        grace_until: until,
        subscription: Some(cur.row.id),
        status: Some(cur.row.status),
        payment: cur.payment,
    }
}

/// `customers show`: the customer, tier, access and payment state, subscriptions, keys.
#[derive(Serialize)]
pub struct CustomerReport {
    #[serde(flatten)]
    pub customer: crate::domain::billing::Customer,
    /// The tier of the customer's live subscription; "none" without one.
    pub tier: String,
    pub api_keys: i64,
    #[serde(flatten)]
    pub standing: Standing,
    pub default_payment_method: Option<PaymentMethodInfo>,
    pub open_invoices: Vec<InvoiceInfo>,
    pub subscriptions: Vec<MirrorRow>,
}

/// The tier of the live subscription among `subs` (mirrored as `rows`), else "none".
pub fn tier_of(subs: &[crate::domain::billing::Subscription], rows: &[MirrorRow]) -> String {
    subs.iter()
        .zip(rows)
        .find(|(s, _)| s.is_live())
        .map_or_else(|| "none".into(), |(_, r)| r.tier.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_numbers_and_live_test_methods_are_refused() {
        assert!(check_method("4242424242424242", false).is_err());
        assert!(check_method("4242 4242 4242 4242", false).is_err());
        assert!(check_method("pm_card_visa", true).is_err());
        assert!(check_method("pm_card_visa", false).is_ok());
        assert!(check_method("pm_1Abc", true).is_ok());
        assert!(check_method("visa", false).is_err());
    }
}

/// A customer's payment methods (an error if the customer does not exist).
pub async fn methods(stripe: &Stripe, customer: &str) -> Result<MethodList> {
    super::subscriptions::existing_customer(stripe, customer).await?;
    let methods = stripe
        .payment_methods(customer)
        .await
        .context("failed to list payment methods")?;
    Ok(MethodList(methods))
}

/// Makes `pm` the customer's invoice default; `false` when it already was (nothing written).
pub async fn set_default<S: Stores>(
    stores: &S,
    stripe: &Writer,
    customer: &str,
    pm: &str,
    actor: Actor<'_>,
) -> Result<bool> {
    let from = stripe
        .default_payment_method(customer)
        .await
        .with_context(|| format!("failed to read the default payment method of {customer}"))?;
    if from.as_deref() == Some(pm) {
        return Ok(false);
    }
    let from = from.unwrap_or_else(|| "none".into());
    let w = writes::key(stores, "pm-default", customer, &from, pm).await?;
    let got = stripe
        .set_default_payment_method(customer, pm, &w.key)
        .await
        .with_context(|| format!("failed to make {pm} the default of {customer}"))?;
    let got = got.unwrap_or_else(|| "none".into());
    let reread = async {
        let now = stripe.default_payment_method(customer).await?;
        Ok(now.unwrap_or_else(|| "none".into()))
    };
    let what = ("making the default payment method", customer, pm);
    writes::settle(stores, (stripe, &w), what, got, reread).await?;
    let detail = serde_json::json!({"payment_method": pm, "from": from});
    writes::record_via(
        stores,
        &w,
        ("payment_method.default", Some(customer), detail),
        actor,
    )
    .await?;
    Ok(true)
}

/// Detaches a payment method from its customer (as Stripe has it now).
pub async fn detach<S: Stores>(
    stores: &S,
    stripe: &Writer,
    pm: &str,
    actor: Actor<'_>,
) -> Result<PaymentMethodInfo> {
    let held = stripe
        .payment_method(pm)
        .await
        .with_context(|| format!("failed to read payment method {pm}"))?
        .ok_or_else(|| anyhow::anyhow!("no such payment method {pm} in Stripe"))?;
    let Some(customer) = held.customer.clone() else {
        bail!("{pm} is not attached to a customer: nothing to detach");
    };
    let w = writes::key(stores, "pm-detach", pm, &customer, "no customer").await?;
    let info = stripe
        .detach_payment_method(pm, &w.key)
        .await
        .with_context(|| format!("failed to detach {pm}"))?;
    let holder = |i: Option<&PaymentMethodInfo>| {
        let c = i.and_then(|i| i.customer.as_deref());
        c.unwrap_or("no customer").to_string()
    };
    let reread = async { Ok(holder(stripe.payment_method(pm).await?.as_ref())) };
    let what = ("detaching a payment method", pm, "no customer");
    writes::settle(stores, (stripe, &w), what, holder(Some(&info)), reread).await?;
    let detail = serde_json::json!({"payment_method": info.id});
    writes::record_via(
        stores,
        &w,
        ("payment_method.detach", Some(&customer), detail),
        actor,
    )
    .await?;
    Ok(info)
}

/// A billing portal link: where a customer manages cards and invoices, or cancels.
#[derive(Debug, Serialize)]
pub struct PortalLink {
    pub customer_id: String,
    pub url: String,
}

/// The portal's return URL: `--return-url`, else `portal.return_url`; http:// or https://.
pub fn return_url(flag: Option<&str>, configured: Option<&str>) -> Result<Option<String>> {
    let url = flag.or(configured).map(String::from);
    if let Some(u) = &url {
        if !(u.starts_with("https://") || u.starts_with("http://")) {
            anyhow::bail!("invalid --return-url {u:?}: must be an http:// or https:// URL");
        }
    }
    Ok(url)
}

/// A portal session for a customer, with its audit entry naming the actor (the command line
/// and serve alike).
pub async fn portal<S: Stores>(
    stores: &S,
    stripe: &Writer,
    (customer, return_url): (&str, Option<&str>),
    actor: Actor<'_>,
) -> Result<PortalLink> {
    let link = portal_link(stripe, customer, return_url).await?;
    let detail = serde_json::json!({"return_url": return_url});
    writes::audit_via(stores, ("portal.create", Some(customer), detail), actor).await?;
    Ok(link)
}

/// A portal session for a customer.
pub async fn portal_link(
    stripe: &Writer,
    customer: &str,
    return_url: Option<&str>,
) -> Result<PortalLink> {
    let key = crate::domain::idempotency::random();
    let url = stripe
        .portal_session(customer, return_url, &key)
        .await
        .context("failed to create the billing portal session")?;
    Ok(PortalLink {
        customer_id: customer.to_string(),
        url,
    })
}
