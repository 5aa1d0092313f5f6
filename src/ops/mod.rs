//! Workflows: each takes what it needs explicitly (the store, a Stripe client, the config, the
//! clock's reading, a progress handle) and returns a serializable report. They print nothing;
//! `commands/` turns flags into a call and renders the report.

/// The Stripe client that workflows take (commands get it from the context).
pub use crate::adapters::stripe::{Stripe, Writer};

mod progress;
#[cfg(test)]
pub use progress::Counter;
pub use progress::{Hidden, Progress};

pub mod checkout;
pub mod customers;
pub mod dashboard;

pub mod db;
pub mod doctor;
pub mod invoices;
pub mod keys;
pub mod payments;
pub mod prices;

pub mod lifecycle;
pub mod revenue;
pub mod serve;
pub mod setup;
pub mod subscriptions;
pub mod usage;
pub mod verifier;
pub mod webhooks;
pub mod writes;

/// A configured tier, or an error listing the tiers that exist.
pub fn tier<'a>(
    config: &'a crate::domain::config::Config,
    id: &str,
) -> anyhow::Result<&'a crate::domain::catalog::Tier> {
    config.tier(id).ok_or_else(|| {
        let known: Vec<&str> = config.tiers.iter().map(|t| t.id.as_str()).collect();
        anyhow::anyhow!(
            "unknown tier {id:?}: the config ({}) defines {}",
            config.source,
            known.join(", ")
        )
    })
}

/// The price-to-tier map from the config and the store's catalog mirror.
pub fn tier_map(
    store: &crate::adapters::store::Store,
    config: &crate::domain::config::Config,
) -> anyhow::Result<crate::domain::billing::TierMap> {
    Ok(crate::domain::billing::TierMap::new(
        config,
        &store.catalog()?,
    ))
}

/// A mutex's guard, also after a thread panicked holding it: the services' shared state
/// (caches, counters, store connections) stays usable.
pub(crate) fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Appends an action by `actor` to the audit log.
pub fn audit(
    store: &mut crate::adapters::store::Store,
    actor: &str,
    action: &str,
    customer: Option<&str>,
    detail: serde_json::Value,
    at: i64,
) -> anyhow::Result<()> {
    store.append_audit(
        &crate::adapters::store::Audit {
            actor,
            action,
            key_id: None,
            customer_id: customer,
            reason: None,
            detail: Some(detail),
        },
        at,
    )
}

/// `audit list`: entries since `from`, of `action` if given.
pub fn audit_list(
    store: &crate::adapters::store::Store,
    from: Option<i64>,
    action: Option<&str>,
) -> anyhow::Result<AuditList> {
    Ok(AuditList(store.audit(from, action)?))
}

/// The audit log's entries.
#[derive(Debug, serde::Serialize)]
#[serde(transparent)]
pub struct AuditList(pub Vec<crate::adapters::store::AuditRow>);

/// For in-process workflow tests: a write handle for `sim` (its key is a test-mode key, so
/// the live-mode check lets it through), and a current-thread runtime to drive it, as `Ctx`
/// would build them.
#[cfg(test)]
pub(crate) fn sim_client(
    sim: &stripe_sim::StripeSim,
) -> (crate::adapters::stripe::Writer, tokio::runtime::Runtime) {
    use crate::adapters::secrets::{Source, StripeKey};
    let key = StripeKey::parse(sim.api_key(), Source::Env).expect("the simulator's key");
    let settings = crate::adapters::stripe::Settings {
        base: sim.base_url(),
        timeout: std::time::Duration::from_secs(30),
        max_attempts: 3,
        backoff: std::time::Duration::from_millis(10),
        log: None,
        max_rps: None,
    };
    let stripe = crate::adapters::stripe::Stripe::new(&key, settings).expect("a client");
    let stripe = crate::adapters::stripe::Writer::unlock(&stripe, false).expect("a test-mode key");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    (stripe, rt)
}
