//! Prorations, as Stripe makes them when a subscription's items change mid-period (a price or
//! a quantity): for each changed item, a credit for the unused time of what it was ("Unused
//! time on 3 × Team") and a charge for the remaining time of what it is ("Remaining time on
//! 5 × Team"), each the full amount (unit amount × quantity) × the remaining share of the
//! period, rounded to the nearest unit. `create_prorations` keeps them pending for the next
//! invoice; `always_invoice` invoices them at once; `none` makes none. No proration while
//! trialing (nothing is charged then). See <https://docs.stripe.com/billing/subscriptions/prorations>.

use super::subscriptions::{items_of, period};
use crate::state::State;
use serde_json::{json, Value};

/// `full × part / whole`, rounded half away from zero.
fn share(full: i64, part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        return 0;
    }
    let x = i128::from(full) * i128::from(part);
    let w = i128::from(whole);
    let q = (2 * x + x.signum() * w) / (2 * w);
    i64::try_from(q).unwrap_or(if q < 0 { i64::MIN } else { i64::MAX })
}

/// What an item bills: (price id, quantity, unit amount); `None` for a metered item (it has
/// no quantity: usage is billed in arrears, never prorated).
fn billed(item: &Value) -> Option<(Value, i64, i64)> {
    let q = item["quantity"].as_i64()?;
    let unit = item["price"]["unit_amount"].as_i64().unwrap_or(0);
    Some((item["price"]["id"].clone(), q, unit))
}

fn line(item: &Value, amount: i64, quantity: i64, what: &str, at: i64, end: i64) -> Value {
    json!({
        "amount": amount,
        "quantity": quantity,
        "price": item["price"].clone(),
        "subscription_item": item["id"].clone(),
        "description": format!("{what} {quantity} × {} after {at}", item["price"]["product"].as_str().unwrap_or("")),
        "period": {"start": at, "end": end},
        "proration": true,
    })
}

/// The proration lines of moving `before`'s items to `after`'s at `at` (each changed item:
/// its old cost's unused share credited, its new cost's remaining share charged).
pub fn lines(before: &Value, after: &Value, at: i64) -> Vec<Value> {
    let (start, end) = period(before);
    let (part, whole) = (end.saturating_sub(at).max(0), end.saturating_sub(start));
    let (old, new) = (items_of(before), items_of(after));
    let mut out = Vec::new();
    for o in &old {
        let now = new.iter().find(|n| n["id"] == o["id"]);
        let (was, is) = (billed(o), now.and_then(billed));
        if was.is_some() && was == is {
            continue;
        }
        if let Some((_, q, unit)) = was {
            let full = unit.saturating_mul(q);
            out.push(line(o, -share(full, part, whole), q, "Unused time on", at, end));
        }
        if let (Some(n), Some((_, q, unit))) = (now, is) {
            let full = unit.saturating_mul(q);
            out.push(line(n, share(full, part, whole), q, "Remaining time on", at, end));
        }
    }
    for n in new.iter().filter(|n| !old.iter().any(|o| o["id"] == n["id"])) {
        if let Some((_, q, unit)) = billed(n) {
            let full = unit.saturating_mul(q);
            out.push(line(n, share(full, part, whole), q, "Remaining time on", at, end));
        }
    }
    out
}

/// Records the prorations of an update made under `behavior` (`none` makes none; nor does a
/// trial). They wait for the next invoice of the subscription.
pub fn record(state: &mut State, before: &Value, after: &Value, behavior: &str, at: i64) {
    if behavior == "none" || before["status"] == "trialing" || after["status"] == "trialing" {
        return;
    }
    let made = lines(before, after, at);
    if made.is_empty() {
        return;
    }
    let id = after["id"].as_str().unwrap_or_default().to_string();
    state.pending_prorations.entry(id).or_default().extend(made);
}

/// The subscription's pending prorations, taken for an invoice.
pub fn take(state: &mut State, sub_id: &str) -> Vec<Value> {
    state.pending_prorations.remove(sub_id).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(items: &[(&str, &str, i64, i64)]) -> Value {
        let data: Vec<Value> = items
            .iter()
            .map(|(id, price, unit, q)| json!({"id": id, "quantity": q, "current_period_start": 0, "current_period_end": 100,
                                                "price": {"id": price, "unit_amount": unit, "product": "prod_team"}}))
            .collect();
        json!({"id": "sub_1", "status": "active", "items": {"data": data}})
    }

    #[test]
    fn a_quantity_change_credits_the_old_and_charges_the_new_remaining_share() {
        let l = lines(&sub(&[("si_1", "p", 49_900, 3)]), &sub(&[("si_1", "p", 49_900, 5)]), 25);
        let amounts: Vec<i64> = l.iter().map(|x| x["amount"].as_i64().unwrap()).collect();
        // 3 seats: 149,700 × 75/100 = 112,275 credited; 5 seats: 249,500 × 75/100 = 187,125.
        assert_eq!(amounts, [-112_275, 187_125]);
        assert_eq!(l[1]["quantity"], 5);
        assert!(lines(&sub(&[("si_1", "p", 49_900, 3)]), &sub(&[("si_1", "p", 49_900, 3)]), 25)
            .is_empty());
    }

    #[test]
    fn shares_round_half_away_from_zero() {
        assert_eq!(share(1, 1, 2), 1);
        assert_eq!(share(-1, 1, 2), -1);
        assert_eq!(share(10, 1, 3), 3);
        assert_eq!(share(10, 5, 0), 0);
    }
}
