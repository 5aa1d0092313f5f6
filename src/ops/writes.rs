//! The frame every billing change goes through, whichever door it came by: the store reached
//! the same way from the command line and from `serve` ([`Stores`]), the idempotency key of a
//! change (the state it changes from and the write journal's sequence), the check that
//! Stripe's answer carries the requested result, and the record of a change (journal and
//! audit entry, naming the actor).

use crate::adapters::store::{Audit, Store};
use anyhow::Result;
use std::future::Future;
use std::sync::{Arc, Mutex};

/// How a workflow reaches the store between its Stripe calls: the command line's store in
/// place ([`Local`]), or `serve`'s shared writer on a blocking thread. A workflow never holds
/// the store across a Stripe call.
pub trait Stores: Sync {
    fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T> + Send + 'static,
    ) -> impl Future<Output = Result<T>> + Send;
}

/// The command line's store, used in place.
pub struct Local<'a>(Mutex<&'a mut Store>);

impl<'a> Local<'a> {
    pub fn new(store: &'a mut Store) -> Local<'a> {
        Local(Mutex::new(store))
    }
}

impl Stores for Local<'_> {
    fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T> + Send + 'static,
    ) -> impl Future<Output = Result<T>> + Send {
        let done = f(&mut super::lock(&self.0));
        async move { done }
    }
}

impl Stores for Arc<Mutex<Store>> {
    fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T> + Send + 'static,
    ) -> impl Future<Output = Result<T>> + Send {
        let store = self.clone();
        async move {
            tokio::task::spawn_blocking(move || f(&mut super::lock(&store)))
                .await
                .map_err(|e| anyhow::anyhow!("the store task failed: {e}"))?
        }
    }
}

/// Who acts, and when.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    /// The OS user on the command line, the service token's name over serve.
    pub name: &'a str,
    pub at: i64,
}

impl<'a> Actor<'a> {
    /// `name` acting now (the process's clock, `crate::domain::clock`).
    pub fn now(name: &'a str) -> Actor<'a> {
        Actor {
            name,
            at: crate::domain::clock::now(),
        }
    }
}

/// Stripe answered a write without the result it asked for: the stored reply of an earlier
/// request (an idempotency key reused), or a change Stripe did not make. Nothing is mirrored.
#[derive(Debug, thiserror::Error)]
#[error("Stripe's answer to {what} of {object} does not carry the requested result ({wanted}; Stripe's answer has {got}): Stripe did not make this change, and nothing was recorded\nhint: read Stripe's state with 'billctl subscriptions sync' or 'billctl customers show', then try again")]
pub struct NotApplied {
    pub what: String,
    pub object: String,
    pub wanted: String,
    pub got: String,
}

/// `Ok` when Stripe's answer `got` is the `wanted` result, else [`NotApplied`].
pub fn check(what: &str, object: &str, wanted: &str, got: &str) -> Result<(), NotApplied> {
    if wanted == got {
        return Ok(());
    }
    Err(NotApplied {
        what: what.to_string(),
        object: object.to_string(),
        wanted: wanted.to_string(),
        got: got.to_string(),
    })
}

/// Settles a write: `answer` is what Stripe's answer shows of the requested result, and
/// `reread` what Stripe shows now (asked only when the answer was a stored reply of an
/// earlier request: then it tells what that request did, not what Stripe holds). A result
/// other than `wanted` is [`NotApplied`], and the key is spent (the journal advances) so that
/// trying again is a new request.
pub async fn settle<S: Stores, F>(
    stores: &S,
    (stripe, change): (&crate::adapters::stripe::Stripe, &Change),
    (what, object, wanted): (&str, &str, &str),
    answer: String,
    reread: F,
) -> Result<(), SettleError>
where
    F: Future<Output = Result<String>>,
{
    let got = if stripe.replayed(&change.key) {
        reread.await.map_err(SettleError::Stripe)?
    } else {
        answer
    };
    if let Err(e) = check(what, object, wanted, &got) {
        let job = spend_job(change.clone(), crate::domain::clock::now());
        // Best effort: if the store fails here, the next attempt replays again and is
        // refused again, never reported as done.
        drop(stores.run(job).await);
        return Err(SettleError::NotApplied(e));
    }
    Ok(())
}

/// Why a write did not settle.
#[derive(Debug, thiserror::Error)]
pub enum SettleError {
    #[error(transparent)]
    NotApplied(#[from] NotApplied),
    /// Reading the object back from Stripe failed.
    #[error("failed to read back what Stripe holds after a replayed answer: {0:#}")]
    Stripe(anyhow::Error),
}

fn spend_job(c: Change, at: i64) -> impl FnOnce(&mut Store) -> Result<()> + Send + 'static {
    move |s| s.spend_key(&c.object, &c.key, at)
}

/// One change about to be written: its journal object and idempotency key.
#[derive(Debug, Clone)]
pub struct Change {
    pub object: String,
    pub key: String,
}

/// The key of changing `object` (`kind`) from `from` (as read from Stripe) to `to`: with the
/// journal's sequence for the object (see `crate::domain::idempotency`).
pub async fn key<S: Stores>(
    stores: &S,
    kind: &str,
    object: &str,
    from: &str,
    to: &str,
) -> Result<Change> {
    let seq = stores.run(seq_of(object.to_string())).await?;
    Ok(Change {
        object: object.to_string(),
        key: crate::domain::idempotency::change(kind, object, from, to, seq),
    })
}

/// Reads the journal's sequence of `object` (a job for [`Stores::run`]).
fn seq_of(object: String) -> impl FnOnce(&mut Store) -> Result<i64> + Send + 'static {
    move |s| s.write_seq(&object)
}

/// What to put in the audit log for a change.
pub struct Entry<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub customer: Option<&'a str>,
    pub key_id: Option<&'a str>,
    pub detail: serde_json::Value,
}

/// Records an applied change in the store: the journal's sequence advances and the audit
/// entry is appended, in one transaction.
pub fn record(store: &mut Store, change: &Change, entry: &Entry, at: i64) -> Result<()> {
    let audit = Audit {
        actor: entry.actor,
        action: entry.action,
        key_id: entry.key_id,
        customer_id: entry.customer,
        reason: None,
        detail: Some(entry.detail.clone()),
    };
    store.record_write(&change.object, &change.key, &audit, at)
}

/// Records `change` for `entry` through `stores` (an owned job: it may run on another thread).
pub async fn record_via<S: Stores>(
    stores: &S,
    change: &Change,
    (action, customer, detail): (&'static str, Option<&str>, serde_json::Value),
    actor: Actor<'_>,
) -> Result<()> {
    let job = Job {
        change: change.clone(),
        action,
        customer: customer.map(String::from),
        detail,
        actor: actor.name.to_string(),
        at: actor.at,
    };
    stores.run(move |s| job.run(s)).await
}

/// An audit entry with its change, owned.
struct Job {
    change: Change,
    action: &'static str,
    customer: Option<String>,
    detail: serde_json::Value,
    actor: String,
    at: i64,
}

impl Job {
    fn run(self, s: &mut Store) -> Result<()> {
        let entry = Entry {
            actor: &self.actor,
            action: self.action,
            customer: self.customer.as_deref(),
            key_id: None,
            detail: self.detail,
        };
        record(s, &self.change, &entry, self.at)
    }
}

/// Appends an audit entry for an action that is not a journaled change (a created webhook
/// endpoint, a replay run), through `stores`.
pub async fn audit_via<S: Stores>(
    stores: &S,
    (action, customer, detail): (&'static str, Option<&str>, serde_json::Value),
    actor: Actor<'_>,
) -> Result<()> {
    let (customer, name, at) = (customer.map(String::from), actor.name.to_string(), actor.at);
    stores
        .run(audit_job(action, customer, detail, (name, at)))
        .await
}

fn audit_job(
    action: &'static str,
    customer: Option<String>,
    detail: serde_json::Value,
    (actor, at): (String, i64),
) -> impl FnOnce(&mut Store) -> Result<()> + Send + 'static {
    move |s| super::audit(s, &actor, action, customer.as_deref(), detail, at)
}
