//! `customers create/update/list/show` as workflows: Stripe first, then the local mirror and
//! the audit log. Prints nothing.

use super::writes::{self, Actor, Stores};
use crate::adapters::store::Store;
use crate::adapters::stripe::{Stripe, Writer};
use crate::domain::billing::{Customer, MirrorRow, TierMap};
use crate::domain::config::AccessPolicy;
use crate::ops::payments::CustomerReport;
use anyhow::{bail, Context, Result};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// A created customer (`--json`: the customer).
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct Created(pub Customer);

/// An updated customer (`--json`: the customer).
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct Updated(pub Customer);

/// An e-mail address as `customers create` takes it: one `@` between non-empty parts, no
/// whitespace.
pub fn check_email(email: &str) -> Result<()> {
    if email.starts_with('@') || email.ends_with('@') {
        bail!("invalid --email {email:?}: expected an address like ada@example.com");
    }
    check_address(email)
}

/// The loose check of `customers update` and `checkout create`: an `@` and no whitespace.
pub fn check_address(email: &str) -> Result<()> {
    if !email.contains('@') || email.contains(char::is_whitespace) {
        bail!("invalid --email {email:?}: expected an address like ada@example.com");
    }
    Ok(())
}

/// The ids of the customers that already use `email`.
pub async fn same_email(stripe: &Stripe, email: &str) -> Result<Vec<String>> {
    let existing = stripe
        .customers(Some(email), |_| {})
        .await
        .context("failed to look for customers with this email")?;
    Ok(existing.into_iter().map(|c| c.id).collect())
}

/// Creates a customer in Stripe, mirrors it and writes the audit entry. `same_email` are the
/// customers Stripe already lists with this address (the state the create changes from): a
/// confirmed duplicate is a new request, a retry before Stripe made the first one is not.
pub async fn create<S: Stores>(
    stores: &S,
    stripe: &Writer,
    (email, name, metadata): (&str, Option<&str>, &[(String, String)]),
    same_email: &[String],
    actor: Actor<'_>,
) -> Result<Customer> {
    let metadata: HashMap<String, String> = metadata.iter().cloned().collect();
    let mut sorted: Vec<(&String, &String)> = metadata.iter().collect();
    sorted.sort();
    let to = serde_json::json!({"name": name, "metadata": sorted}).to_string();
    let key =
        crate::domain::idempotency::change("customer-create", email, &same_email.join(","), &to, 0);
    let customer = stripe
        .create_customer(email, name, &metadata, &key)
        .await
        .context("failed to create the customer")?;
    // A stored reply (the same emails listed, a customer since deleted) names a customer
    // that may be gone: it is read back, and must exist and be new.
    let exists = match stripe.replayed(&key) {
        true => stripe.customer(&customer.id).await?.is_some(),
        false => true,
    };
    let fresh = exists && !same_email.contains(&customer.id);
    let got = match fresh {
        true => "a new customer",
        false => "an earlier or deleted customer",
    };
    writes::check("creating a customer", email, "a new customer", got)?;
    let got = customer.email.as_deref().unwrap_or("");
    writes::check("creating a customer", email, email, got)?;
    let change = writes::Change {
        object: customer.id.clone(),
        key,
    };
    stores.run(remember_job(customer.clone(), actor.at)).await?;
    let detail = serde_json::json!({"email": email, "name": name});
    writes::record_via(
        stores,
        &change,
        ("customer.create", Some(&customer.id), detail),
        actor,
    )
    .await?;
    Ok(customer)
}

/// [`remember`] as an owned job for [`Stores::run`].
fn remember_job(c: Customer, at: i64) -> impl FnOnce(&mut Store) -> Result<()> + Send + 'static {
    move |s| remember(s, &c, at)
}

/// Mirrors a customer as Stripe has it now.
pub fn remember(store: &mut Store, customer: &Customer, at: i64) -> Result<()> {
    store.record(customer, &[], at)
}

/// What `customers update` changes: a new e-mail or name, metadata set (`Some`) or unset.
#[derive(Debug, Serialize)]
pub struct Changes {
    pub email: Option<String>,
    pub name: Option<String>,
    pub metadata: BTreeMap<String, Option<String>>,
}

impl Changes {
    /// The changes the flags ask for; an error when they ask for none, name a key twice, or
    /// give a malformed address.
    pub fn new(
        email: Option<&str>,
        name: Option<&str>,
        set: &[(String, String)],
        unset: &[String],
    ) -> Result<Changes> {
        if let Some(email) = email {
            check_address(email)?;
        }
        let mut metadata: BTreeMap<String, Option<String>> = set
            .iter()
            .map(|(k, v)| (k.clone(), Some(v.clone())))
            .collect();
        for k in unset {
            if metadata.insert(k.clone(), None).is_some() {
                bail!("--metadata and --unset-metadata both name {k:?}");
            }
        }
        if email.is_none() && name.is_none() && metadata.is_empty() {
            bail!("nothing to change: pass --email, --name, --metadata KEY=VALUE or --unset-metadata KEY");
        }
        Ok(Changes {
            email: email.map(String::from),
            name: name.map(String::from),
            metadata,
        })
    }
}

/// Updates a customer in Stripe (its email and name as read just before are the state the
/// change is from), checks Stripe's answer, mirrors it and writes the audit entry.
pub async fn update<S: Stores>(
    stores: &S,
    stripe: &Writer,
    id: &str,
    changes: &Changes,
    actor: Actor<'_>,
) -> Result<Customer> {
    let now = super::subscriptions::existing_customer(stripe, id).await?;
    let from = serde_json::json!({"email": now.email, "name": now.name}).to_string();
    let to = serde_json::to_string(changes)?;
    let w = writes::key(stores, "customer-update", id, &from, &to).await?;
    let (email, name) = (changes.email.as_deref(), changes.name.as_deref());
    let customer = stripe
        .update_customer(id, email, name, &changes.metadata, &w.key)
        .await
        .with_context(|| format!("failed to update customer {id}"))?;
    if let Some(e) = email {
        writes::check(
            "the customer update",
            id,
            e,
            customer.email.as_deref().unwrap_or(""),
        )?;
    }
    if let Some(n) = name {
        writes::check(
            "the customer update",
            id,
            n,
            customer.name.as_deref().unwrap_or(""),
        )?;
    }
    stores.run(remember_job(customer.clone(), actor.at)).await?;
    let detail = serde_json::to_value(changes)?;
    writes::record_via(stores, &w, ("customer.update", Some(id), detail), actor).await?;
    Ok(customer)
}

/// Lists customers (those with `email`, if given); `progress` counts them as pages arrive.
pub async fn list(
    stripe: &Stripe,
    email: Option<&str>,
    progress: &dyn crate::ops::Progress,
) -> Result<Vec<Customer>> {
    stripe
        .customers(email, |n| progress.set_position(n as u64))
        .await
        .context("failed to list customers")
}

/// What `customers show` reads from Stripe, all at once.
pub struct Fetched {
    pub customer: Customer,
    pub subscriptions: Vec<crate::domain::billing::Subscription>,
    pub default_payment_method: Option<crate::adapters::stripe::PaymentMethodInfo>,
    pub open_invoices: Vec<crate::adapters::stripe::InvoiceInfo>,
}

/// Reads a customer (an error if it does not exist), its subscriptions, default payment
/// method and open invoices from Stripe.
pub async fn fetch(stripe: &Stripe, id: &str) -> Result<Fetched> {
    let customer = super::subscriptions::existing_customer(stripe, id).await?;
    let (subs, methods, open) = tokio::join!(
        stripe.subscriptions(Some(id), |_| {}),
        stripe.payment_methods(id),
        stripe.invoices_of(id, Some("open"))
    );
    Ok(Fetched {
        customer,
        subscriptions: subs.context("failed to list the customer's subscriptions")?,
        default_payment_method: methods
            .context("failed to list payment methods")?
            .into_iter()
            .find(|m| m.default),
        open_invoices: open.context("failed to list open invoices")?,
    })
}

/// Mirrors what was read and reports the customer with its standing, tier and keys.
pub fn show(
    store: &mut Store,
    tiers: &TierMap,
    policy: &AccessPolicy,
    fetched: Fetched,
    at: i64,
) -> Result<CustomerReport> {
    let id = fetched.customer.id.clone();
    let rows: Vec<MirrorRow> = fetched
        .subscriptions
        .iter()
        .map(|s| MirrorRow::of(s, tiers))
        .collect();
    store.record(&fetched.customer, &rows, at)?;
    Ok(CustomerReport {
        standing: super::payments::standing(store, policy, &id, at)?,
        tier: super::payments::tier_of(&fetched.subscriptions, &rows),
        api_keys: store.api_key_count(&id)?,
        default_payment_method: fetched.default_payment_method,
        open_invoices: fetched.open_invoices,
        customer: fetched.customer,
        subscriptions: rows,
    })
}
