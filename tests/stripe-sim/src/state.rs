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

/// API versions the simulator accepts in `Stripe-Version` and on webhook endpoints: Stripe's
/// published versions since 2020 (a version not listed is a 400, as on Stripe).
pub const KNOWN_VERSIONS: &[&str] = &[
    "2020-08-27",
    "2022-08-01",
    "2022-11-15",
    "2023-08-16",
    "2023-10-16",
    "2024-04-10",
    "2024-06-20",
    "2024-09-30.acacia",
    "2024-10-28.acacia",
    "2024-11-20.acacia",
    "2024-12-18.acacia",
    "2025-01-27.acacia",
    "2025-02-24.acacia",
    "2025-03-31.basil",
    "2025-04-30.basil",
    "2025-05-28.basil",
    "2025-06-30.basil",
    "2025-07-30.basil",
    "2025-08-27.basil",
    "2025-09-30.clover",
    "2025-10-29.clover",
    "2025-11-17.clover",
    "2025-12-15.clover",
    "2026-01-28.clover",
    "2026-02-25.clover",
    "2026-03-25.dahlia",
    "2026-04-22.dahlia",
    "2026-05-27.dahlia",
    "2026-06-24.dahlia",
    "2026-07-29.dahlia",
    "2026-08-26.dahlia",
    API_VERSION,
];

/// The first version where a subscription's period moved from the subscription to its items.
pub const PERIOD_ON_ITEMS_SINCE: &str = "2025-03-31";

/// Whether `version` is one the simulator accepts (see [`accepted_version`]).
pub fn known_version(version: &str) -> bool {
    accepted_version(version, crate::util::now()).is_some()
}

/// The known version whose shape a request (or an endpoint) pinned to `version` gets, as of
/// `now`: a well-formed version (`YYYY-MM-DD` or `YYYY-MM-DD.name`, a real date) dated from
/// the oldest known version to today is accepted, and answered in the shape of the newest
/// known version at or before it, so the official SDKs, which pin versions released after
/// this list was made, work unchanged. A malformed version, or one dated outside that range,
/// is refused (`None`), as Stripe refuses it.
pub fn accepted_version(version: &str, now: i64) -> Option<&'static str> {
    if let Some(v) = KNOWN_VERSIONS.iter().find(|v| **v == version) {
        return Some(v);
    }
    let (date, name) = match version.split_once('.') {
        Some((d, n)) => (d, Some(n)),
        None => (version, None),
    };
    if let Some(n) = name {
        if n.is_empty() || n.len() > 20 || !n.bytes().all(|b| b.is_ascii_lowercase()) {
            return None;
        }
    }
    let b = date.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let s = &date[r];
        s.bytes().all(|c| c.is_ascii_digit()).then(|| s.parse().ok())?
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let m32 = u32::try_from(m).ok().filter(|m| (1..=12).contains(m))?;
    if d < 1 || d > i64::from(crate::util::days_in_month(y, m32)) {
        return None;
    }
    let today = crate::util::utc_date(now);
    if date < KNOWN_VERSIONS[0] || date > today.as_str() {
        return None;
    }
    KNOWN_VERSIONS.iter().rev().find(|k| &k[..10] <= date).copied()
}

/// `object` (an event's `data.object`) as an endpoint pinned to `version` receives it: before
/// 2025-03-31.basil, a subscription carries `current_period_start`/`current_period_end` itself
/// and its items do not.
pub fn shape_for_version(object: &Value, version: &str) -> Value {
    let mut out = object.clone();
    if version.get(..10).is_some_and(|d| d < PERIOD_ON_ITEMS_SINCE)
        && out["object"] == "subscription"
    {
        let first = out["items"]["data"][0].clone();
        out["current_period_start"] = first["current_period_start"].clone();
        out["current_period_end"] = first["current_period_end"].clone();
        if let Some(items) = out["items"]["data"].as_array_mut() {
            for item in items {
                if let Some(o) = item.as_object_mut() {
                    o.remove("current_period_start");
                    o.remove("current_period_end");
                }
            }
        }
    }
    out
}

/// A response body as a request pinned to `version` receives it: every subscription in it
/// (the object itself, the items of a list or search, an expanded field) in that version's
/// shape ([`shape_for_version`]). Bodies for the newest shapes are returned as they are.
pub fn shape_response(body: Value, version: Option<&str>) -> Value {
    fn walk(v: &mut Value, version: &str, depth: usize) {
        if depth > 16 {
            return;
        }
        if v["object"] == "subscription" {
            *v = shape_for_version(v, version);
        }
        match v {
            Value::Object(m) => m.values_mut().for_each(|c| walk(c, version, depth + 1)),
            Value::Array(a) => a.iter_mut().for_each(|c| walk(c, version, depth + 1)),
            _ => {}
        }
    }
    match version {
        Some(v) if v.get(..10).is_some_and(|d| d < PERIOD_ON_ITEMS_SINCE) => {
            let mut body = body;
            walk(&mut body, v, 0);
            body
        }
        _ => body,
    }
}

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
    /// Seconds the simulated clock is ahead of the wall clock (`/_sim/clock/advance`).
    #[serde(default)]
    pub clock_offset: i64,
    /// While due work runs at a past moment of an advance: the time it runs at.
    #[serde(skip)]
    pub frozen_at: Option<i64>,
    #[serde(default)]
    pub payment_methods: IndexMap<String, Value>,
    #[serde(default)]
    pub payment_intents: IndexMap<String, Value>,
    #[serde(default)]
    pub invoice_payments: IndexMap<String, Value>,
    #[serde(default)]
    pub portal_sessions: IndexMap<String, Value>,
    /// Subscriptions whose `trial_will_end` was sent, with the trial end it was sent for.
    #[serde(default)]
    pub trial_notified: HashMap<String, i64>,
    /// When each searchable object was written (wall clock, ms), for the search lag.
    #[serde(default)]
    pub indexed_at_ms: HashMap<String, i64>,
    #[serde(default)]
    pub settings: Settings,
    /// Test clocks (`/v1/test_helpers/test_clocks`).
    #[serde(default)]
    pub test_clocks: IndexMap<String, Value>,
    /// Prorations not yet invoiced, by subscription (see `api::prorations`).
    #[serde(default)]
    pub pending_prorations: HashMap<String, Vec<Value>>,
}

/// How the simulated account is set up, as a Dashboard would set it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Settings {
    /// Days after each failed attempt that the next retry runs (Stripe's custom retry
    /// schedule); after the last, `after_all_retries_fail` applies.
    pub retry_days: Vec<i64>,
    /// The subscription status when all retries fail: `canceled` (Stripe's default),
    /// `unpaid` or `past_due` (Dashboard: Billing > Revenue recovery > Retries).
    pub after_all_retries_fail: String,
    /// Milliseconds before a written object shows in search (Stripe documents up to a minute).
    pub search_lag_ms: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            retry_days: vec![3, 5, 7],
            after_all_retries_fail: "canceled".into(),
            search_lag_ms: 0,
        }
    }
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
    /// When the key was first used (simulated time): Stripe forgets a key after 24 hours.
    #[serde(default)]
    pub created: i64,
}

/// How long Stripe keeps an idempotency key: "keys are eligible to be removed from the
/// system automatically after they're at least 24 hours old".
/// See <https://docs.stripe.com/api/idempotent_requests>.
pub const IDEMPOTENCY_TTL: i64 = 24 * 3600;

/// What an emitted event records of the request that caused it.
#[derive(Debug, Clone, Default)]
pub struct ReqMeta {
    pub request_id: String,
    pub idempotency_key: Option<String>,
}

impl State {
    /// The simulated time in unix seconds: the wall clock plus the offset from advances, or
    /// the moment due work runs at during an advance.
    /// The test clock a customer lives on, if any.
    pub fn clock_of(&self, customer: &str) -> Option<&str> {
        self.customers.get(customer)?["test_clock"].as_str()
    }

    pub fn now(&self) -> i64 {
        self.frozen_at.unwrap_or_else(|| now() + self.clock_offset)
    }

    /// Marks an object as written now, for the search lag.
    pub fn indexed(&mut self, id: &str) {
        self.indexed_at_ms.insert(id.to_string(), crate::util::now_ms());
    }

    /// Whether a search can see the object yet.
    pub fn searchable(&self, obj: &Value) -> bool {
        let lag = self.settings.search_lag_ms as i64;
        lag == 0
            || obj["id"]
                .as_str()
                .and_then(|id| self.indexed_at_ms.get(id))
                .is_none_or(|t| crate::util::now_ms() - t >= lag)
    }

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
        event["created"] = json!(self.now());
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
        let pending = self.webhook_endpoints.values().filter(|we| endpoint_wants(we, kind)).count();
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
        map.get(id).ok_or_else(|| crate::ApiError::no_such(object, id, param))
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

#[cfg(test)]
mod version_tests {
    use super::*;

    #[test]
    fn dated_versions_up_to_today_take_the_newest_known_shape() {
        let now = 1_796_428_800; // 2026-12-05
        assert_eq!(accepted_version(API_VERSION, now), Some(API_VERSION));
        assert_eq!(accepted_version("2026-10-28.endive", now), Some(API_VERSION));
        assert_eq!(accepted_version("2024-07-01", now), Some("2024-06-20"));
        assert_eq!(accepted_version("2026-12-05.future", now), Some(API_VERSION));
        for bad in [
            "2026-12-06.future",
            "2019-01-01",
            "2026-02-30.x",
            "2026-13-01",
            "latest",
            "2026-10-28.",
            "2026-10-28.Endive",
            "26-10-28",
            "2026-1-028",
        ] {
            assert_eq!(accepted_version(bad, now), None, "{bad}");
        }
    }
}
