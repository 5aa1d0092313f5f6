//! Test clocks (`/v1/test_helpers/test_clocks`), as Stripe documents them: a clock holds a
//! frozen time; customers created with `test_clock` live on it, and so do their
//! subscriptions, trials, invoices and payment retries. Advancing a clock runs what falls due
//! for its objects, each at its own moment, and is asynchronous: the clock stays `advancing`
//! until a retrieve after the work finds it done (so a client must poll for `ready`), and
//! while it advances its objects refuse changes. See
//! <https://docs.stripe.com/api/test_clocks>.

use super::Req;
use crate::error::ApiError;
use crate::fixtures::fixture;
use crate::list;
use crate::state::State;
use crate::util::new_id;
use serde_json::{json, Value};

/// Customers one clock may hold.
pub const MAX_CUSTOMERS: usize = 3;
/// A clock deletes itself this long after it was created (Stripe's reference shows
/// `deletes_after` seven days after `created`).
const LIFETIME: i64 = 7 * 86_400;
/// Without subscriptions, how far one advance may go.
const MAX_ADVANCE_WITHOUT_SUBSCRIPTIONS: i64 = 2 * 366 * 86_400;

pub fn create(state: &mut State, req: &Req) -> Result<Value, ApiError> {
    let p = req.p();
    p.allow_only(&["frozen_time", "name"])?;
    let frozen = p.int("frozen_time")?.ok_or_else(|| ApiError::missing("frozen_time"))?;
    if frozen <= 0 {
        return Err(
            ApiError::invalid("frozen_time must be a positive timestamp.").param("frozen_time")
        );
    }
    let now = state.now();
    let mut c = fixture("test_helpers.test_clock");
    c["id"] = json!(new_id("clock"));
    c["created"] = json!(now);
    c["deletes_after"] = json!(now + LIFETIME);
    c["frozen_time"] = json!(frozen);
    c["name"] = p.str("name").map_or(Value::Null, |n| json!(n));
    c["status"] = json!("ready");
    c["status_details"] = json!({});
    let id = c["id"].as_str().unwrap_or_default().to_string();
    state.test_clocks.insert(id, c.clone());
    state.emit("test_helpers.test_clock.created", &c, None, &req.meta);
    Ok(c)
}

/// A clock that exists, or Stripe's 404.
pub fn live<'a>(state: &'a State, id: &str, param: &str) -> Result<&'a Value, ApiError> {
    state.test_clocks.get(id).ok_or_else(|| ApiError::no_such("test_helpers.test_clock", id, param))
}

/// Retrieving a clock that has finished advancing finds it `ready` (and says so once, with
/// `test_helpers.test_clock.ready`).
pub fn retrieve(state: &mut State, req: &Req, id: &str) -> Result<Value, ApiError> {
    live(state, id, "id")?;
    settle(state, id, &req.meta);
    Ok(state.test_clocks[id].clone())
}

fn settle(state: &mut State, id: &str, meta: &crate::state::ReqMeta) {
    let Some(c) = state.test_clocks.get_mut(id) else {
        return;
    };
    if c["status"] == "advancing" {
        c["status"] = json!("ready");
        c["status_details"] = json!({});
        let c = c.clone();
        state.emit("test_helpers.test_clock.ready", &c, None, meta);
    }
}

pub fn list(state: &State, req: &Req) -> Result<Value, ApiError> {
    let p = req.p();
    let items = super::newest_first(&state.test_clocks, |_| true);
    list::page(items, &p, "/v1/test_helpers/test_clocks")
}

/// The shortest interval of the clock's live subscriptions, in seconds (a month counted as 28
/// days, a year as 365: the advance limit is two of them).
fn shortest_interval(state: &State, clock: &str) -> Option<i64> {
    state
        .subscriptions
        .values()
        .filter(|s| !matches!(s["status"].as_str(), Some("canceled" | "incomplete_expired")))
        .filter(|s| s["customer"].as_str().and_then(|c| state.clock_of(c)) == Some(clock))
        .filter_map(|s| {
            let r = &s["items"]["data"][0]["price"]["recurring"];
            let unit = match r["interval"].as_str()? {
                "day" => 86_400,
                "week" => 7 * 86_400,
                "month" => 28 * 86_400,
                "year" => 365 * 86_400,
                _ => return None,
            };
            Some(unit * r["interval_count"].as_i64().unwrap_or(1).max(1))
        })
        .min()
}

pub fn advance(state: &mut State, req: &Req, id: &str) -> Result<Value, ApiError> {
    let p = req.p();
    p.allow_only(&["frozen_time"])?;
    let clock = live(state, id, "test_clock")?.clone();
    if clock["status"] == "advancing" {
        return Err(ApiError::invalid(format!(
            "Test clock {id} is currently advancing. Wait for it to be ready before advancing it again."
        )));
    }
    let current = clock["frozen_time"].as_i64().unwrap_or(0);
    let target = p.int("frozen_time")?.ok_or_else(|| ApiError::missing("frozen_time"))?;
    if target <= current {
        return Err(ApiError::invalid(format!(
            "The frozen_time must be after the test clock's current frozen time ({current})."
        ))
        .param("frozen_time"));
    }
    let limit = match shortest_interval(state, id) {
        Some(i) => current.saturating_add(2 * i),
        None => current.saturating_add(MAX_ADVANCE_WITHOUT_SUBSCRIPTIONS),
    };
    if target > limit {
        return Err(ApiError::invalid(format!(
            "Cannot advance the test clock more than two intervals of its shortest subscription (or two years without subscriptions) past its current frozen time: at most {limit}."
        ))
        .param("frozen_time"));
    }
    {
        let c = state.test_clocks.get_mut(id).expect("checked above");
        c["status"] = json!("advancing");
        c["status_details"] = json!({"advancing": {"target_frozen_time": target}});
    }
    let advancing = state.test_clocks[id].clone();
    state.emit("test_helpers.test_clock.advancing", &advancing, None, &req.meta);
    crate::clock::run_due_on(state, Some(id), target);
    let c = state.test_clocks.get_mut(id).expect("checked above");
    c["frozen_time"] = json!(target);
    Ok(c.clone())
}

/// Deleting a clock deletes its customers (their subscriptions end with them).
pub fn delete(state: &mut State, req: &Req, id: &str) -> Result<Value, ApiError> {
    let clock = live(state, id, "id")?.clone();
    let customers: Vec<String> = state
        .customers
        .values()
        .filter(|c| c["deleted"] != true && c["test_clock"] == id)
        .filter_map(|c| c["id"].as_str().map(String::from))
        .collect();
    state.frozen_at = clock["frozen_time"].as_i64();
    for c in customers {
        super::customers::delete(state, req, &c)?;
    }
    state.frozen_at = None;
    state.test_clocks.shift_remove(id);
    state.emit("test_helpers.test_clock.deleted", &clock, None, &req.meta);
    let mut deleted = fixture("deleted_test_helpers.test_clock");
    deleted["id"] = json!(id);
    Ok(deleted)
}

/// The clock a request acts on: a `test_clock` parameter, a `customer` parameter on a clock,
/// or an object in the path whose customer is on one. `None`: the account's own time.
pub fn of_request(state: &State, req: &Req) -> Option<String> {
    let p = req.p();
    if let Some(c) = p.str("test_clock") {
        return state.test_clocks.contains_key(c).then(|| c.to_string());
    }
    let segs: Vec<&str> = req.path.trim_matches('/').split('/').collect();
    if segs.get(1) == Some(&"test_helpers") {
        return None;
    }
    let customer = p.str("customer").map(String::from).or_else(|| {
        let id = *segs.get(2)?;
        let object = match *segs.get(1)? {
            "customers" => return Some(id.to_string()),
            "subscriptions" => state.subscriptions.get(id),
            "invoices" => state.invoices.get(id),
            "payment_methods" => state.payment_methods.get(id),
            "checkout" => state.checkout_sessions.get(*segs.get(3)?),
            _ => None,
        }?;
        object["customer"].as_str().map(String::from)
    })?;
    state.clock_of(&customer).map(String::from)
}
