//! What the store holds of webhooks, as `webhooks show|list|verify` report it: one event with
//! its receipts, the stored events, conflicts and rejected requests a filter selects, and a
//! signature checked against a body. Prints nothing.

use crate::adapters::store::webhooks::{
    ConflictRow, Delivery, EventRow, EventStore, Filter, ReceiptRow,
};
use anyhow::Result;
use serde::Serialize;

/// `webhooks show`: one stored event with its receipts, replays and payload.
#[derive(Serialize)]
pub struct ShowReport {
    #[serde(flatten)]
    pub event: EventRow,
    pub receipts: Vec<ReceiptRow>,
    pub replays: Vec<Delivery>,
    /// Other bodies that came with this id, kept apart.
    pub conflicts: Vec<ConflictRow>,
    pub payload: serde_json::Value,
}

/// The stored event `id`, or `None`.
pub fn show(events: &EventStore, id: &str) -> Result<Option<ShowReport>> {
    let Some((event, body)) = events.event(id)? else {
        return Ok(None);
    };
    Ok(Some(ShowReport {
        receipts: events.receipts_of(&event.id)?,
        replays: events.deliveries_of(&event.id)?,
        conflicts: events.conflicts(&by_id(&event.id), None)?,
        payload: serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
        event,
    }))
}

pub(super) fn by_id(id: &str) -> Filter {
    Filter {
        ids: vec![id.to_string()],
        ..Filter::default()
    }
}

/// Bodies kept apart from the stored event of their id, for `webhooks list --status conflict`.
#[derive(Serialize)]
#[serde(transparent)]
pub struct ConflictList(pub Vec<ConflictRow>);

/// `webhooks list --status conflict`: the conflicts the filter selects, at most `limit`.
pub fn conflicts(
    events: &EventStore,
    filter: &Filter,
    limit: Option<usize>,
) -> Result<ConflictList> {
    Ok(ConflictList(events.conflicts(filter, limit)?))
}

/// Stored events, for `webhooks list`.
#[derive(Serialize)]
#[serde(transparent)]
pub struct EventList(pub Vec<EventRow>);

/// Rejected requests, for `webhooks list --status rejected`.
#[derive(Serialize)]
#[serde(transparent)]
pub struct RejectedList(pub Vec<ReceiptRow>);

/// `webhooks verify`: whether a signature header matches a body.
#[derive(Serialize)]
pub struct VerifyReport {
    pub valid: bool,
    pub timestamp: Option<i64>,
    pub age_secs: Option<i64>,
    /// The variable whose secret matched.
    pub secret_env: Option<String>,
    pub reason: Option<String>,
}

/// Checks `header` against `body` under each secret (named by `names`, in order) at `now`.
pub fn verify(
    header: &str,
    body: &[u8],
    secrets: &[String],
    names: &[String],
    now: i64,
    tolerance: i64,
) -> VerifyReport {
    match crate::domain::webhooks::verify(header, body, secrets, now, tolerance) {
        Ok(v) => VerifyReport {
            valid: true,
            timestamp: Some(v.timestamp),
            age_secs: Some(now - v.timestamp),
            secret_env: names.get(v.secret_index).cloned(),
            reason: None,
        },
        Err(e) => VerifyReport {
            valid: false,
            timestamp: None,
            age_secs: None,
            secret_env: None,
            reason: Some(e.to_string()),
        },
    }
}

/// The selection of `webhooks list`, `reprocess` and `replay`: ids, a type, a time window,
/// and failed ones only.
pub fn filter(
    ids: &[String],
    kind: Option<String>,
    window: (Option<i64>, Option<i64>),
    failed: bool,
) -> Filter {
    Filter {
        ids: ids.to_vec(),
        kind,
        since: window.0,
        until: window.1,
        status: failed.then(|| "failed".to_string()),
    }
}

/// `webhooks list`: stored events the filter selects, newest first, at most `limit`.
pub fn events(events: &EventStore, filter: &Filter, limit: Option<usize>) -> Result<EventList> {
    Ok(EventList(events.events(filter, limit)?))
}

/// `webhooks list --status rejected`: refused requests in the window, at most `limit`.
pub fn rejected(
    events: &EventStore,
    filter: &Filter,
    limit: Option<usize>,
) -> Result<RejectedList> {
    Ok(RejectedList(events.rejected(
        filter.since,
        filter.until,
        limit,
    )?))
}
