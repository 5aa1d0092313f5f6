//! `usage record`: one event recorded by hand, counted once per id.

use crate::adapters::store::{Store, UsageEvent};
use crate::domain::usage;
use anyhow::{Context, Result};
use serde::Serialize;

/// A usage event recorded by hand (`usage record`).
#[derive(Serialize)]
pub struct Recorded {
    pub id: String,
    pub inserted: bool,
    /// The id was recorded before with the same content: counted once.
    pub duplicate: bool,
    /// The id was recorded before with other content: this event was refused (and recorded
    /// as a conflict); the stored one stays.
    pub conflict: Option<crate::adapters::store::Conflict>,
    pub customer_id: String,
    pub key_id: String,
    pub quantity: i64,
    pub timestamp: i64,
}

/// `usage record`: one event for the key `key_id` (its id given, else a random one), counted
/// once per id.
pub fn record(
    store: &mut Store,
    key_id: &str,
    id: Option<&str>,
    quantity: i64,
    at: Option<i64>,
    now: i64,
    bounds: &usage::Bounds,
) -> Result<Recorded> {
    bounds
        .quantity(quantity)
        .map_err(|e| anyhow::anyhow!("invalid --quantity: {e}"))?;
    let at = event_time(store, id, at, now, bounds)?;
    crate::domain::keys::not_a_full_key("--key", key_id).map_err(|e| anyhow::anyhow!(e))?;
    let key = store.key(key_id)?.ok_or_else(|| {
        anyhow::anyhow!("no API key with id {key_id} (--key takes the key id, not the key)")
    })?;
    if let Some(id) = id {
        usage::stored_text("--id", id, usage::MAX_NAME)
            .map_err(|e| anyhow::anyhow!("invalid {e}"))?;
    }
    let id = id.map_or_else(random_id, String::from);
    let event = UsageEvent {
        source: String::new(),
        event_id: id.clone(),
        customer_id: key.customer_id.clone(),
        key_id: Some(key.id.clone()),
        quantity,
        ts: at,
        endpoint: None,
        meta: None,
        event_type: None,
    };
    let written = store
        .record_usage_checked(std::slice::from_ref(&event), now, usage::Route::Record)
        .context("failed to record the event")?;
    let inserted = written.inserted == 1;
    let conflict = written.conflicts.into_iter().next();
    Ok(Recorded {
        id,
        inserted,
        duplicate: !inserted && conflict.is_none(),
        conflict,
        customer_id: key.customer_id,
        key_id: key.id,
        quantity,
        timestamp: at,
    })
}

/// The event's time: `--at`, else the first record's for an id already recorded (a retry of
/// the same call is then the same event, a duplicate, whenever it runs), else now; within the
/// bounds.
fn event_time(
    store: &Store,
    id: Option<&str>,
    at: Option<i64>,
    now: i64,
    bounds: &usage::Bounds,
) -> Result<i64> {
    let at = match (at, id) {
        (Some(t), _) => t,
        (None, Some(i)) => store.usage_event_time("", i)?.unwrap_or(now),
        (None, None) => now,
    };
    bounds
        .timestamp(at, now)
        .map_err(|e| anyhow::anyhow!("invalid --at: {e}"))?;
    Ok(at)
}

/// An id for an event recorded without one.
fn random_id() -> String {
    format!(
        "r-{}",
        crate::domain::idempotency::random().trim_start_matches("billctl-")
    )
}
