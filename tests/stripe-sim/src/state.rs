//! The simulator's state: every Stripe object it holds, the events it emitted, webhook
//! deliveries and the idempotency cache. It serializes to JSON for `stripe-sim --state FILE`.

use crate::fixtures::fixture;
use crate::util::{new_id, now};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::HashMap;

/// The Stripe API version the simulator reports (the one async-stripe 1.0.0-rc.10 pins).
pub const API_VERSION: &str = "2026-09-30.endive";

/// Objects per resource, in creation order (lists return them newest first).
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct State {
    pub products: IndexMap<String, Value>,
    pub prices: IndexMap<String, Value>,
    pub customers: IndexMap<String, Value>,
    pub subscriptions: IndexMap<String, Value>,
    pub invoices: IndexMap<String, Value>,
    pub checkout_sessions: IndexMap<String, Value>,
    pub meters: IndexMap<String, Value>,
    pub meter_events: Vec<Value>,
    pub events: IndexMap<String, Value>,
    pub webhook_endpoints: IndexMap<String, Value>,
    /// Signing secrets by webhook endpoint id (Stripe shows a secret only at creation).
    pub webhook_secrets: HashMap<String, String>,
    /// Every webhook delivery attempt, oldest first.
    pub deliveries: Vec<Delivery>,
    /// Idempotency cache, keyed by API key and Idempotency-Key.
    pub idempotency: HashMap<String, IdempotentResponse>,
    pub invoice_seq: u64,
    /// Line items and subscription metadata of Checkout Sessions, kept for completion.
    pub checkout_items: HashMap<String, Value>,
    /// Events created but not yet queued for webhook delivery.
    #[serde(skip)]
    pub outbox: Vec<String>,
}

/// One attempt to deliver an event to a webhook endpoint.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Delivery {
    pub event: String,
    pub endpoint: String,
    pub url: String,
    /// HTTP status the endpoint answered, or `None` when the connection failed.
    pub status: Option<u16>,
    pub ok: bool,
    pub at: i64,
    /// The `Stripe-Signature` header that was sent.
    pub signature: String,
}

/// A stored response for an `Idempotency-Key`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdempotentResponse {
    pub method: String,
    pub path: String,
    pub params: Value,
    pub status: u16,
    pub body: Value,
}

/// What an emitted event records of the request that caused it.
#[derive(Debug, Clone, Default)]
pub struct ReqMeta {
    pub request_id: String,
    pub idempotency_key: Option<String>,
}

impl State {
    /// Records an Event of `kind` for `object` and queues it for webhook delivery.
    pub fn emit(
        &mut self,
        kind: &str,
        object: &Value,
        previous: Option<Value>,
        meta: &ReqMeta,
    ) -> String {
        let mut event = fixture("event");
        let id = new_id("evt");
        event["id"] = json!(id);
        event["type"] = json!(kind);
        event["created"] = json!(now());
        event["api_version"] = json!(API_VERSION);
        event["livemode"] = json!(false);
        event["data"] = json!({ "object": object });
        if let Some(prev) = previous {
            event["data"]["previous_attributes"] = prev;
        }
        event["request"] = json!({
            "id": if meta.request_id.is_empty() { Value::Null } else { json!(meta.request_id) },
            "idempotency_key": meta.idempotency_key,
        });
        let pending = self
            .webhook_endpoints
            .values()
            .filter(|we| endpoint_wants(we, kind))
            .count();
        event["pending_webhooks"] = json!(pending);
        self.events.insert(id.clone(), event);
        self.outbox.push(id.clone());
        id
    }

    /// Looks an object up by id in one of the collections, or answers Stripe's 404.
    pub fn get<'a>(
        map: &'a IndexMap<String, Value>,
        object: &str,
        id: &str,
        param: &str,
    ) -> Result<&'a Value, crate::ApiError> {
        map.get(id)
            .ok_or_else(|| crate::ApiError::no_such(object, id, param))
    }
}

/// True when an enabled endpoint subscribes to `kind` (`*` means every event).
pub fn endpoint_wants(endpoint: &Value, kind: &str) -> bool {
    endpoint["status"] == "enabled"
        && endpoint["enabled_events"]
            .as_array()
            .is_some_and(|evs| evs.iter().any(|e| e == "*" || e == kind))
}

/// The fields of `after` that differ from `before`, with their old values: Stripe's
/// `previous_attributes` on `*.updated` events.
pub fn previous_attributes(before: &Value, after: &Value) -> Value {
    let mut prev = serde_json::Map::new();
    if let (Some(b), Some(a)) = (before.as_object(), after.as_object()) {
        for (k, old) in b {
            if a.get(k) != Some(old) {
                prev.insert(k.clone(), old.clone());
            }
        }
    }
    Value::Object(prev)
}
