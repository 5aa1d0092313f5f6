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
//! | POST | `/_sim/checkout/sessions/{id}/complete` | the customer pays: customer + subscription + `checkout.session.completed` |
//! | POST | `/_sim/subscriptions/{id}/advance` | roll into the next period (renewal invoice or scheduled cancel) |
//! | POST | `/_sim/webhooks/retry` | redeliver every delivery that has not yet succeeded |
//! | GET | `/_sim/state` | the whole state as JSON |
//! | POST | `/_sim/reset` | forget all objects, events, keys and logs |

use crate::error::ApiError;
use crate::faults::Fault;
use crate::server::{json_response, Resp};
use crate::Shared;
use serde_json::{json, Value};

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
            shared.mutate(|st| crate::api::complete_session(st, id))
        }
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
