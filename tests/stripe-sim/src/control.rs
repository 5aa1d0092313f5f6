//! The simulator's own endpoints under `/_sim/`, for tests and demos that drive the binary over
//! HTTP. They need no API key and are not logged, faulted or rate limited.
//!
//! | method | path | does |
//! |---|---|---|
//! | POST | `/_sim/faults` | arm a fault: `{"kind":"server_error"\|"rate_limited"\|"drop_connection"\|"drop_after_processing"\|"delay", "times":N, "method":"POST", "path":"/v1/x*", "should_retry":true, "millis":500}` |
//! | DELETE | `/_sim/faults` | disarm all faults |
//! | POST | `/_sim/rate_limit` | `{"per_second": 25}` or `{"per_second": null}` |
//! | GET/DELETE | `/_sim/requests` | the request log / clear it |
//! | GET | `/_sim/deliveries` | webhook delivery attempts |
//! | POST | `/_sim/checkout/sessions/{id}/complete` | the customer pays (body `{"payment_method": "pm_card_…"}`, Visa by default): customer + method + subscription + `checkout.session.completed` |
//! | GET | `/_sim/clock` | `{"now": T}`, the simulated time |
//! | POST | `/_sim/clock/advance` | `{"seconds": N}` or `{"to": T}`: move time forward, running renewals, trials, retries and expiries on the way |
//! | GET/POST | `/_sim/settings` | `{"retry_days": [3,5,7], "after_all_retries_fail": "canceled"\|"unpaid"\|"past_due", "search_lag_ms": 0}` |
//! | POST | `/_sim/customers/{id}/cards` | `{"payment_method": "pm_card_visa"}`: attach a test card and make it the invoice default |
//! | POST | `/_sim/subscriptions/{id}/advance` | roll into the next period (renewal invoice or scheduled cancel) |
//! | POST | `/_sim/webhooks/retry` | redeliver every delivery that has not yet succeeded |
//! | GET | `/_sim/state` | the whole state as JSON |
//! | POST | `/_sim/reset` | forget all objects, events, keys and logs |

use crate::error::ApiError;
use crate::faults::Fault;
use crate::server::{json_response, Resp};
use crate::Shared;
use serde_json::{json, Value};

/// A JSON body (an empty one reads as `{}`).
fn json_body(body: &[u8]) -> Result<Value, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    serde_json::from_slice(body).map_err(|e| ApiError::invalid(format!("invalid JSON: {e}")))
}

pub fn handle(shared: &Shared, method: &str, path: &str, body: &[u8]) -> Resp {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let result = match (method, &segs[1..]) {
        ("POST", ["faults"]) => serde_json::from_slice::<Fault>(body)
            .map_err(|e| ApiError::invalid(format!("invalid fault JSON: {e}")))
            .map(|f| {
                shared.faults().arm(f.clone());
                json!(f)
            }),
        ("DELETE", ["faults"]) => {
            shared.faults().clear();
            Ok(json!({"cleared": true}))
        }
        ("POST", ["rate_limit"]) => serde_json::from_slice::<Value>(body)
            .map_err(|e| ApiError::invalid(format!("invalid JSON: {e}")))
            .map(|v| {
                let n = v["per_second"].as_u64().map(|n| n as u32);
                shared.faults().set_rate_limit(n);
                json!({ "per_second": n })
            }),
        ("GET", ["requests"]) => Ok(json!(shared.requests())),
        ("DELETE", ["requests"]) => {
            shared.clear_requests();
            Ok(json!({"cleared": true}))
        }
        ("GET", ["deliveries"]) => Ok(json!(shared.lock().deliveries)),
        ("GET", ["state"]) => Ok(json!(*shared.lock())),
        ("POST", ["reset"]) => {
            *shared.lock() = Default::default();
            shared.clear_requests();
            shared.persist();
            Ok(json!({"reset": true}))
        }
        ("POST", ["checkout", "sessions", id, "complete"]) => {
            let card = json_body(body).map(|v| v["payment_method"].as_str().map(String::from));
            match card {
                Ok(card) => {
                    shared.mutate(|st| crate::api::complete_session(st, id, card.as_deref()))
                }
                Err(e) => Err(e),
            }
        }
        ("GET", ["clock"]) => Ok(json!({ "now": shared.lock().now() })),
        ("POST", ["clock", "advance"]) => json_body(body).and_then(|v| {
            shared.mutate(|st| crate::clock::advance(st, v["seconds"].as_i64(), v["to"].as_i64()))
        }),
        ("GET", ["settings"]) => Ok(json!(shared.lock().settings)),
        ("POST", ["settings"]) => serde_json::from_slice::<crate::state::Settings>(body)
            .map_err(|e| ApiError::invalid(format!("invalid settings JSON: {e}")))
            .map(|s| {
                shared.lock().settings = s.clone();
                shared.persist();
                json!(s)
            }),
        ("POST", ["customers", id, "cards"]) => json_body(body).and_then(|v| {
            let card = v["payment_method"].as_str().unwrap_or("pm_card_visa").to_string();
            shared.mutate(|st| {
                let meta = crate::state::ReqMeta::default();
                let pm = crate::api::payments::attach_to(st, &card, id, &meta)?;
                if let Some(c) = st.customers.get_mut(*id) {
                    c["invoice_settings"]["default_payment_method"] = pm["id"].clone();
                }
                Ok(pm)
            })
        }),
        ("POST", ["subscriptions", id, "advance"]) => {
            shared.mutate(|st| crate::api::advance_period(st, id))
        }
        ("POST", ["webhooks", "retry"]) => {
            Ok(json!({ "queued": shared.retry_failed_deliveries() }))
        }
        _ => Err(ApiError::not_found_url(method, path)),
    };
    match result {
        Ok(v) => json_response(200, &v),
        Err(e) => json_response(e.status, &e.body()),
    }
}
