//! Events (list filters, retrieve) and webhook endpoints. Delivery itself lives in
//! `crate::webhooks`. See <https://docs.stripe.com/api/events>.

use super::{newest_first, Req};
use crate::error::ApiError;
use crate::fixtures::fixture;
use crate::list;
use crate::state::State;
use crate::util::{apply_metadata, new_id, random_base62, Params};
use serde_json::{json, Value};

fn type_matches(pattern: &str, kind: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => kind.starts_with(prefix),
        None => pattern == kind,
    }
}

/// How long Stripe keeps events: list and retrieve reach back 30 days, no further.
pub const RETENTION: i64 = 30 * 86_400;

pub fn list(state: &State, req: &Req) -> Result<Value, ApiError> {
    let p = req.p();
    let kind = p.str("type");
    let types = p.str_list("types");
    if kind.is_some() && !types.is_empty() {
        return Err(ApiError::invalid(
            "You may only specify one of these parameters: type, types.",
        )
        .param("types"));
    }
    if types.len() > 20 {
        return Err(ApiError::invalid("You may pass at most 20 types.").param("types"));
    }
    let created = list::created_filter(&p)?;
    let delivered = p.bool("delivery_success")?;
    let oldest = state.now() - RETENTION;
    let items = newest_first(&state.events, |e| {
        let t = e["type"].as_str().unwrap_or_default();
        e["created"].as_i64().unwrap_or(0) >= oldest
            && kind.is_none_or(|k| type_matches(k, t))
            && (types.is_empty() || types.iter().any(|k| type_matches(k, t)))
            && created(e["created"].as_i64().unwrap_or(0))
            && delivered.is_none_or(|d| d == (e["pending_webhooks"].as_i64() == Some(0)))
    });
    list::page(items, &p, "/v1/events")
}

pub fn retrieve(state: &State, id: &str) -> Result<Value, ApiError> {
    let e = State::get(&state.events, "event", id, "id")?;
    if e["created"].as_i64().unwrap_or(0) < state.now() - RETENTION {
        // Past retention Stripe no longer has it.
        return Err(ApiError::no_such("event", id, "id"));
    }
    Ok(e.clone())
}

fn enabled_events(p: &Params) -> Result<Option<Vec<String>>, ApiError> {
    if !p.has("enabled_events") {
        return Ok(None);
    }
    let evs: Vec<String> = p.str_list("enabled_events").into_iter().map(String::from).collect();
    if evs.is_empty() {
        return Err(ApiError::missing("enabled_events"));
    }
    Ok(Some(evs))
}

fn check_url(url: &str) -> Result<(), ApiError> {
    if url.starts_with("http://") || url.starts_with("https://") {
        Ok(())
    } else {
        Err(ApiError::invalid(format!("Invalid URL: {url}")).code("url_invalid").param("url"))
    }
}

pub fn create_endpoint(state: &mut State, req: &Req) -> Result<Value, ApiError> {
    let p = req.p();
    p.allow_only(&["url", "enabled_events", "description", "metadata", "api_version", "connect"])?;
    let url = p.req_str("url")?;
    check_url(url)?;
    let events = enabled_events(&p)?.ok_or_else(|| ApiError::missing("enabled_events"))?;
    if let Some(v) = p.str("api_version").filter(|v| !crate::state::known_version(v)) {
        return Err(ApiError::invalid(format!("Invalid API version: {v}")).param("api_version"));
    }
    let mut we = fixture("webhook_endpoint");
    let id = new_id("we");
    we["id"] = json!(id);
    we["created"] = json!(state.now());
    we["livemode"] = json!(false);
    we["url"] = json!(url);
    we["enabled_events"] = json!(events);
    we["description"] = p.str("description").map(Value::from).unwrap_or(Value::Null);
    we["api_version"] = p.str("api_version").map(Value::from).unwrap_or(Value::Null);
    we["status"] = json!("enabled");
    we["metadata"] = json!({});
    apply_metadata(&mut we, &p)?;
    let secret = format!("whsec_{}", random_base62(32));
    state.webhook_secrets.insert(id.clone(), secret.clone());
    state.webhook_endpoints.insert(id, we.clone());
    // The signing secret is only ever returned by the create call.
    we["secret"] = json!(secret);
    Ok(we)
}

pub fn retrieve_endpoint(state: &State, id: &str) -> Result<Value, ApiError> {
    State::get(&state.webhook_endpoints, "webhook_endpoint", id, "id").cloned()
}

pub fn update_endpoint(state: &mut State, req: &Req, id: &str) -> Result<Value, ApiError> {
    let p = req.p();
    p.allow_only(&["url", "enabled_events", "description", "metadata", "disabled"])?;
    let mut we = State::get(&state.webhook_endpoints, "webhook_endpoint", id, "id")?.clone();
    if let Some(url) = p.str("url") {
        check_url(url)?;
        we["url"] = json!(url);
    }
    if let Some(evs) = enabled_events(&p)? {
        we["enabled_events"] = json!(evs);
    }
    if let Some(d) = p.str("description") {
        we["description"] = json!(d);
    }
    if let Some(disabled) = p.bool("disabled")? {
        we["status"] = json!(if disabled { "disabled" } else { "enabled" });
    }
    apply_metadata(&mut we, &p)?;
    state.webhook_endpoints.insert(id.to_string(), we.clone());
    Ok(we)
}

pub fn list_endpoints(state: &State, req: &Req) -> Result<Value, ApiError> {
    list::page(newest_first(&state.webhook_endpoints, |_| true), &req.p(), "/v1/webhook_endpoints")
}

pub fn delete_endpoint(state: &mut State, id: &str) -> Result<Value, ApiError> {
    State::get(&state.webhook_endpoints, "webhook_endpoint", id, "id")?;
    state.webhook_endpoints.shift_remove(id);
    state.webhook_secrets.remove(id);
    let mut deleted = fixture("deleted_webhook_endpoint");
    deleted["id"] = json!(id);
    Ok(deleted)
}
