//! The simulated clock, modelled on Stripe's test clocks: advancing it runs, in time order and
//! each at its own moment, everything that falls due on the way: renewals and scheduled
//! cancellations, trial ends and `trial_will_end`, payment retries and what follows the last
//! one, `send_invoice` due dates, `incomplete` subscriptions expiring after 23 hours, and
//! Checkout Sessions expiring. Every request also runs what is due by then.

use crate::api::{self, payments, subscriptions};
use crate::error::ApiError;
use crate::state::{ReqMeta, State};
use serde_json::{json, Value};

/// How long an `incomplete` subscription waits for its first payment.
pub const INCOMPLETE_EXPIRES_AFTER: i64 = 23 * 3600;

/// The most steps one advance runs (a guard against a runaway schedule).
const MAX_STEPS: usize = 100_000;

#[derive(Debug, Clone, PartialEq)]
enum Work {
    Renew(String),
    CancelAt(String),
    TrialWillEnd(String),
    ExpireIncomplete(String),
    Retry(String),
    Overdue(String),
    ExpireCheckout(String),
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap_or_default().to_string()
}

/// The earliest piece of work due at or before `until` among the objects on `clock` (`None`:
/// the objects on the account's own time, whose customers have no test clock).
fn due(state: &State, clock: Option<&str>, until: i64) -> Option<(i64, Work)> {
    let mut best: Option<(i64, Work)> = None;
    let mut offer = |at: i64, w: Work| {
        if at <= until && best.as_ref().is_none_or(|(b, _)| at < *b) {
            best = Some((at, w));
        }
    };
    let on_clock = |v: &Value| v["customer"].as_str().and_then(|c| state.clock_of(c)) == clock;
    for s in state.subscriptions.values().filter(|s| on_clock(s)) {
        let status = s["status"].as_str().unwrap_or_default();
        let end = s["items"]["data"][0]["current_period_end"].as_i64().unwrap_or(i64::MAX);
        match status {
            "active" | "trialing" | "past_due" | "unpaid" => {
                if let Some(c) = s["cancel_at"].as_i64().filter(|c| *c < end) {
                    offer(c, Work::CancelAt(id(s)));
                }
                offer(end, Work::Renew(id(s)));
            }
            "incomplete" => {
                let created = s["created"].as_i64().unwrap_or(0);
                offer(created + INCOMPLETE_EXPIRES_AFTER, Work::ExpireIncomplete(id(s)));
            }
            _ => {}
        }
        if status == "trialing" {
            if let Some(te) = s["trial_end"].as_i64() {
                if state.trial_notified.get(&id(s)) != Some(&te) {
                    offer(te - 3 * 86_400, Work::TrialWillEnd(id(s)));
                }
            }
        }
    }
    for inv in state.invoices.values().filter(|i| i["status"] == "open" && on_clock(i)) {
        if let Some(at) = inv["next_payment_attempt"].as_i64() {
            offer(at, Work::Retry(id(inv)));
        }
        if let Some(due_date) = inv["due_date"].as_i64() {
            let sub = inv["parent"]["subscription_details"]["subscription"].as_str();
            let active = sub
                .and_then(|s| state.subscriptions.get(s))
                .is_some_and(|s| s["status"] == "active");
            if active {
                offer(due_date, Work::Overdue(id(inv)));
            }
        }
    }
    for cs in state.checkout_sessions.values().filter(|c| c["status"] == "open" && on_clock(c)) {
        if let Some(at) = cs["expires_at"].as_i64() {
            offer(at, Work::ExpireCheckout(id(cs)));
        }
    }
    best
}

/// Runs everything due at or before `until` on the account's own time, each at its own
/// moment; returns how many steps.
pub fn run_due(state: &mut State, until: i64) -> usize {
    run_due_on(state, None, until)
}

/// Runs everything due at or before `until` among the objects on `clock` (`None`: the
/// account's own time), each at its own moment; returns how many steps.
pub fn run_due_on(state: &mut State, clock: Option<&str>, until: i64) -> usize {
    let mut steps = 0;
    while steps < MAX_STEPS {
        let Some((at, work)) = due(state, clock, until) else {
            break;
        };
        state.frozen_at = Some(at.max(state.frozen_at.unwrap_or(i64::MIN)));
        steps += 1;
        if run(state, &work).is_err() {
            // What failed stays due; the next request or advance tries again.
            break;
        }
    }
    state.frozen_at = None;
    steps
}

/// Moves the clock forward by `secs` (or to `to`), running what falls due on the way.
pub fn advance(state: &mut State, secs: Option<i64>, to: Option<i64>) -> Result<Value, ApiError> {
    let now = state.now();
    let target = match (secs, to) {
        (Some(s), None) if s >= 0 => now.checked_add(s),
        (None, Some(t)) if t >= now => Some(t),
        (Some(_), None) => {
            return Err(ApiError::invalid(
                "The clock only moves forward: seconds must be 0 or more.",
            ))
        }
        (None, Some(_)) => {
            return Err(ApiError::invalid(format!(
                "The clock only moves forward: `to` must be {now} or later."
            )))
        }
        _ => return Err(ApiError::invalid("Pass one of `seconds` or `to`.")),
    }
    .ok_or_else(|| ApiError::invalid("The clock cannot move that far."))?;
    let steps = run_due(state, target);
    state.clock_offset += target - now;
    Ok(json!({ "now": state.now(), "steps": steps }))
}

fn run(state: &mut State, work: &Work) -> Result<(), ApiError> {
    let meta = ReqMeta::default();
    match work {
        Work::Renew(s) => subscriptions::renew(state, s, &meta).map(drop),
        Work::CancelAt(s) => {
            subscriptions::cancel_as(state, &meta, s, "cancellation_requested").map(drop)
        }
        Work::TrialWillEnd(s) => {
            subscriptions::notify_trial_end_if_near(state, s, &meta);
            // A trial moved since: do not offer it again for this end.
            if let Some(te) = state.subscriptions[s.as_str()]["trial_end"].as_i64() {
                state.trial_notified.insert(s.clone(), te);
            }
            Ok(())
        }
        Work::ExpireIncomplete(s) => expire_incomplete(state, s, &meta),
        Work::Retry(inv) => retry(state, inv, &meta),
        Work::Overdue(inv) => overdue(state, inv, &meta),
        Work::ExpireCheckout(cs) => {
            api::expire_checkout(state, cs, &meta);
            Ok(())
        }
    }
}

/// 23 hours without a first payment: `incomplete_expired` (final), its invoice voided.
fn expire_incomplete(state: &mut State, sub_id: &str, meta: &ReqMeta) -> Result<(), ApiError> {
    let before = state.subscriptions[sub_id].clone();
    if let Some(inv_id) = before["latest_invoice"].as_str() {
        if let Some(mut inv) = state.invoices.get(inv_id).cloned().filter(|i| i["status"] == "open")
        {
            api::void_invoice(state, &mut inv, meta);
        }
    }
    let mut sub = before.clone();
    sub["status"] = json!("incomplete_expired");
    sub["ended_at"] = json!(state.now());
    state.subscriptions.insert(sub_id.to_string(), sub.clone());
    state.emit(
        "customer.subscription.updated",
        &sub,
        Some(crate::state::previous_attributes(&before, &sub)),
        meta,
    );
    Ok(())
}

/// A scheduled retry: paid brings the subscription back; another failure schedules the next
/// retry, and after the last one the account's `after_all_retries_fail` applies.
fn retry(state: &mut State, inv_id: &str, meta: &ReqMeta) -> Result<(), ApiError> {
    let sub_id = state.invoices[inv_id]["parent"]["subscription_details"]["subscription"]
        .as_str()
        .map(String::from);
    let outcome = payments::charge(state, inv_id, None, payments::Why::Automatic, meta)?;
    let Some(sub_id) = sub_id else {
        return Ok(());
    };
    if outcome == payments::Attempt::Paid {
        return subscriptions::settle(state, &sub_id, meta);
    }
    if subscriptions::schedule_retry(state, inv_id).is_some() {
        return Ok(());
    }
    let before = state.subscriptions[sub_id.as_str()].clone();
    if before["status"] != "past_due" {
        return Ok(());
    }
    match state.settings.after_all_retries_fail.as_str() {
        "unpaid" => {
            let mut sub = before.clone();
            sub["status"] = json!("unpaid");
            state.subscriptions.insert(sub_id.clone(), sub.clone());
            state.emit(
                "customer.subscription.updated",
                &sub,
                Some(crate::state::previous_attributes(&before, &sub)),
                meta,
            );
            Ok(())
        }
        "past_due" => Ok(()),
        _ => subscriptions::cancel_as(state, meta, &sub_id, "payment_failed").map(drop),
    }
}

/// A `send_invoice` invoice past its due date: its subscription becomes `past_due`.
fn overdue(state: &mut State, inv_id: &str, meta: &ReqMeta) -> Result<(), ApiError> {
    let Some(sub_id) = state.invoices[inv_id]["parent"]["subscription_details"]["subscription"]
        .as_str()
        .map(String::from)
    else {
        return Ok(());
    };
    let before = state.subscriptions[sub_id.as_str()].clone();
    let mut sub = before.clone();
    sub["status"] = json!("past_due");
    state.subscriptions.insert(sub_id, sub.clone());
    state.emit(
        "customer.subscription.updated",
        &sub,
        Some(crate::state::previous_attributes(&before, &sub)),
        meta,
    );
    Ok(())
}
