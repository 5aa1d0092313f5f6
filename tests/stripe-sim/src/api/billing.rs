//! Billing meters, meter events (with Stripe's identifier and timestamp rules) and event
//! summaries computed from the stored events.
//! See <https://docs.stripe.com/api/billing/meter> and <https://docs.stripe.com/api/billing/meter-event>.

use super::{newest_first, Req};
use crate::error::ApiError;
use crate::fixtures::fixture;
use crate::list;
use crate::state::{previous_attributes, State};
use crate::util::{new_id, random_base62};
use serde_json::{json, Value};

/// Meter events may be at most this old (35 days) ...
pub const PAST_WINDOW: i64 = 35 * 24 * 3600;
/// ... and at most this far in the future (5 minutes).
pub const FUTURE_WINDOW: i64 = 5 * 60;
/// An identifier may not repeat within this window (24 hours).
pub const IDENTIFIER_WINDOW: i64 = 24 * 3600;

pub fn create_meter(state: &mut State, req: &Req) -> Result<Value, ApiError> {
    let p = req.p();
    p.allow_only(&[
        "display_name",
        "event_name",
        "default_aggregation",
        "customer_mapping",
        "value_settings",
        "event_time_window",
    ])?;
    let display = p.req_str("display_name")?;
    let event_name = p.req_str("event_name")?;
    let formula = p
        .obj("default_aggregation")
        .and_then(|a| a.str("formula"))
        .ok_or_else(|| ApiError::missing("default_aggregation[formula]"))?;
    if !["sum", "count", "last"].contains(&formula) {
        return Err(ApiError::bad_value("default_aggregation[formula]", formula));
    }
    if state.meters.values().any(|m| m["event_name"] == event_name && m["status"] == "active") {
        return Err(ApiError::invalid(format!(
            "An active meter with event_name `{event_name}` already exists."
        ))
        .param("event_name"));
    }
    let customer_key = p
        .obj("customer_mapping")
        .and_then(|c| c.str("event_payload_key"))
        .unwrap_or("stripe_customer_id");
    let value_key =
        p.obj("value_settings").and_then(|v| v.str("event_payload_key")).unwrap_or("value");
    let window = match p.str("event_time_window") {
        None => Value::Null,
        Some(w @ ("day" | "hour")) => json!(w),
        Some(w) => return Err(ApiError::bad_value("event_time_window", w)),
    };
    let t = state.now();
    let mut m = fixture("billing.meter");
    let id = format!("mtr_test_{}", random_base62(32));
    m["id"] = json!(id);
    m["created"] = json!(t);
    m["updated"] = json!(t);
    m["livemode"] = json!(false);
    m["display_name"] = json!(display);
    m["event_name"] = json!(event_name);
    m["default_aggregation"] = json!({"formula": formula});
    m["customer_mapping"] = json!({"event_payload_key": customer_key, "type": "by_id"});
    m["value_settings"] = json!({"event_payload_key": value_key});
    m["event_time_window"] = window;
    m["status"] = json!("active");
    m["status_transitions"] = json!({"deactivated_at": null});
    state.meters.insert(id, m.clone());
    state.emit("billing.meter.created", &m, None, &req.meta);
    Ok(m)
}

pub fn retrieve_meter(state: &State, id: &str) -> Result<Value, ApiError> {
    State::get(&state.meters, "billing.meter", id, "id").cloned()
}

pub fn update_meter(state: &mut State, req: &Req, id: &str) -> Result<Value, ApiError> {
    let p = req.p();
    p.allow_only(&["display_name"])?;
    let before = State::get(&state.meters, "billing.meter", id, "id")?.clone();
    let mut m = before.clone();
    if let Some(d) = p.str("display_name") {
        m["display_name"] = json!(d);
    }
    if m != before {
        m["updated"] = json!(state.now());
        state.meters.insert(id.to_string(), m.clone());
        state.emit("billing.meter.updated", &m, Some(previous_attributes(&before, &m)), &req.meta);
    }
    Ok(m)
}

pub fn set_meter_status(
    state: &mut State,
    req: &Req,
    id: &str,
    active: bool,
) -> Result<Value, ApiError> {
    req.p().allow_only(&[])?;
    let mut m = State::get(&state.meters, "billing.meter", id, "id")?.clone();
    let (want, kind) = if active {
        ("active", "billing.meter.reactivated")
    } else {
        ("inactive", "billing.meter.deactivated")
    };
    if m["status"] == want {
        return Err(ApiError::invalid(format!("The meter {id} is already {want}.")));
    }
    if active
        && state
            .meters
            .values()
            .any(|o| o["event_name"] == m["event_name"] && o["status"] == "active")
    {
        return Err(ApiError::invalid(format!(
            "An active meter with event_name `{}` already exists.",
            m["event_name"].as_str().unwrap_or("")
        )));
    }
    let t = state.now();
    m["status"] = json!(want);
    m["updated"] = json!(t);
    m["status_transitions"]["deactivated_at"] = if active { Value::Null } else { json!(t) };
    state.meters.insert(id.to_string(), m.clone());
    state.emit(kind, &m, None, &req.meta);
    Ok(m)
}

pub fn list_meters(state: &State, req: &Req) -> Result<Value, ApiError> {
    let p = req.p();
    let status = p.str("status");
    list::page(
        newest_first(&state.meters, |m| status.is_none_or(|s| m["status"] == s)),
        &p,
        "/v1/billing/meters",
    )
}

pub fn create_meter_event(state: &mut State, req: &Req) -> Result<Value, ApiError> {
    let p = req.p();
    p.allow_only(&["event_name", "payload", "identifier", "timestamp"])?;
    let event_name = p.req_str("event_name")?;
    let payload = p.obj("payload").ok_or_else(|| ApiError::missing("payload"))?;
    let t = state.now();
    let ts = p.int("timestamp")?.unwrap_or(t);
    if ts < t - PAST_WINDOW {
        return Err(ApiError::invalid("Timestamp must be within the past 35 calendar days.")
            .code("timestamp_too_far_in_past")
            .param("timestamp"));
    }
    if ts > t + FUTURE_WINDOW {
        return Err(ApiError::invalid("Timestamp must not be more than 5 minutes in the future.")
            .code("timestamp_in_future")
            .param("timestamp"));
    }
    // The meter decides which payload keys carry the customer and the value.
    let meter =
        state.meters.values().find(|m| m["event_name"] == event_name && m["status"] == "active");
    let customer_key = meter
        .and_then(|m| m["customer_mapping"]["event_payload_key"].as_str())
        .unwrap_or("stripe_customer_id");
    let value_key =
        meter.and_then(|m| m["value_settings"]["event_payload_key"].as_str()).unwrap_or("value");
    if payload.str(customer_key).is_none_or(str::is_empty) {
        return Err(ApiError::missing(&format!("payload[{customer_key}]")));
    }
    if let Some(v) = payload.str(value_key) {
        if v.parse::<f64>().map_or(true, |x| !x.is_finite()) {
            return Err(ApiError::invalid(format!("Invalid value `{v}`: must be a number."))
                .param(format!("payload[{value_key}]")));
        }
    }
    let identifier = match p.str("identifier") {
        Some(id) if !id.is_empty() => id.to_string(),
        _ => new_id("mev"),
    };
    let dup = state.meter_events.iter().any(|e| {
        e["identifier"] == identifier.as_str()
            && e["created"].as_i64().is_some_and(|c| c > t - IDENTIFIER_WINDOW)
    });
    if dup {
        return Err(ApiError::invalid(format!(
            "An event with identifier `{identifier}` was already processed in the last 24 hours."
        ))
        .code("duplicate_meter_event")
        .param("identifier"));
    }
    let mut e = fixture("billing.meter_event");
    e["created"] = json!(t);
    e["livemode"] = json!(false);
    e["event_name"] = json!(event_name);
    e["identifier"] = json!(identifier);
    e["payload"] = Value::Object(payload.0.clone());
    e["timestamp"] = json!(ts);
    state.meter_events.push(e.clone());
    Ok(e)
}

fn aligned(p: &crate::util::Params, key: &str, unit: i64) -> Result<i64, ApiError> {
    let v = p.int(key)?.ok_or_else(|| ApiError::missing(key))?;
    if v % unit != 0 {
        return Err(ApiError::invalid(format!(
            "{key} must be aligned with {} boundaries.",
            if unit == 60 { "minute" } else { "the grouping window" }
        ))
        .param(key));
    }
    Ok(v)
}

pub fn event_summaries(state: &State, req: &Req, id: &str) -> Result<Value, ApiError> {
    let p = req.p();
    let meter = State::get(&state.meters, "billing.meter", id, "id")?;
    let customer = p.req_str("customer")?;
    let window = match p.str("value_grouping_window") {
        None => None,
        Some("hour") => Some(3600),
        Some("day") => Some(86_400),
        Some(w) => return Err(ApiError::bad_value("value_grouping_window", w)),
    };
    let start = aligned(&p, "start_time", window.unwrap_or(60))?;
    let end = aligned(&p, "end_time", window.unwrap_or(60))?;
    if end <= start {
        return Err(ApiError::invalid("end_time must be after start_time.").param("end_time"));
    }
    let customer_key =
        meter["customer_mapping"]["event_payload_key"].as_str().unwrap_or("stripe_customer_id");
    let value_key = meter["value_settings"]["event_payload_key"].as_str().unwrap_or("value");
    let formula = meter["default_aggregation"]["formula"].as_str().unwrap_or("sum");
    let mut events: Vec<(i64, f64)> = state
        .meter_events
        .iter()
        .filter(|e| {
            e["event_name"] == meter["event_name"] && e["payload"][customer_key] == customer
        })
        .filter_map(|e| {
            let ts = e["timestamp"].as_i64()?;
            let v =
                e["payload"][value_key].as_str().and_then(|s| s.parse::<f64>().ok()).unwrap_or(1.0);
            (start..end).contains(&ts).then_some((ts, v))
        })
        .collect();
    events.sort_by_key(|(ts, _)| *ts);
    let buckets: Vec<(i64, i64)> = match window {
        None => vec![(start, end)],
        Some(w) => (start / w..end / w)
            .map(|b| (b * w, (b + 1) * w))
            .filter(|(s, e)| events.iter().any(|(ts, _)| (*s..*e).contains(ts)))
            .collect(),
    };
    let summaries: Vec<Value> = buckets
        .into_iter()
        .rev()
        .map(|(s, e)| {
            let vals: Vec<f64> =
                events.iter().filter(|(ts, _)| (s..e).contains(ts)).map(|(_, v)| *v).collect();
            let agg = match formula {
                "count" => vals.len() as f64,
                "last" => vals.last().copied().unwrap_or(0.0),
                _ => vals.iter().sum(),
            };
            let mut sum = fixture("billing.meter_event_summary");
            sum["id"] = json!(format!("mtrusg_{}_{s}", &id[id.len().saturating_sub(12)..]));
            sum["meter"] = json!(id);
            sum["livemode"] = json!(false);
            sum["start_time"] = json!(s);
            sum["end_time"] = json!(e);
            sum["aggregated_value"] = json!(agg);
            sum
        })
        .collect();
    list::page(summaries.iter().collect(), &p, &format!("/v1/billing/meters/{id}/event_summaries"))
}
