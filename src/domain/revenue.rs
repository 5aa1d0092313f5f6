//! Revenue from the subscription history: MRR per currency and tier, subscribers by tier and
//! status, ARPA, and a month's movements. Pure: it is given the history and the prices, and
//! reads and prints nothing.
//!
//! Definitions (those of ChartMogul and Baremetrics; also in the README):
//! - **MRR**: each paying subscription's recurring price normalised to a month (a yearly price
//!   / 12, weekly × 52 / 12, daily × 365 / 12, then / the interval count), in minor units,
//!   rounded to the nearest unit, summed per currency. Paying: `active` or `past_due` (a
//!   failed renewal still counts until the subscription ends or turns `unpaid`).
//! - Trials (`trialing`) and `incomplete` subscriptions are not MRR: they are reported apart,
//!   with the MRR they would bring.
//! - **ARPA**: MRR / paying customers (customers with MRR above zero), per currency.
//! - **Movements** of a month, per customer and currency, from their MRR at the month's start
//!   (`m0`) to its end (`m1`): *new* (`m0 = 0 < m1`, and the customer never paid before),
//!   *reactivation* (`m0 = 0 < m1`, and the customer paid before), *expansion* (`0 < m0 <
//!   m1`), *contraction* (`0 < m1 < m0`), *churn* (`m1 = 0 < m0`). So MRR at the end = MRR at
//!   the start + new + reactivation + expansion − contraction − churn, exactly.

use anyhow::{anyhow, Result};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// One dated change of a subscription, as the store's history keeps it.
#[derive(Debug, Clone)]
pub struct Change {
    pub subscription: String,
    pub customer: String,
    pub at: i64,
    pub status: String,
    pub tier: String,
    pub price_id: String,
    /// The price as it was known when the change was recorded; else the catalog's now.
    pub price: Option<Price>,
    /// The quantity (seats): MRR is the unit amount times this.
    pub quantity: i64,
}

/// A recurring price, as the catalog mirror knows it.
#[derive(Debug, Clone)]
pub struct Price {
    pub amount: i64,
    pub currency: String,
    pub interval: String,
    pub interval_count: u32,
}

/// What a subscription's status means for revenue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Paying,
    Trial,
    Incomplete,
    Ended,
}

pub fn standing(status: &str) -> Standing {
    match status {
        "active" | "past_due" => Standing::Paying,
        "trialing" => Standing::Trial,
        "incomplete" => Standing::Incomplete,
        _ => Standing::Ended,
    }
}

/// A price's amount per month, in minor units, rounded to the nearest unit; `None` for an
/// interval Stripe does not have or an amount out of range.
pub fn monthly(p: &Price) -> Option<i64> {
    monthly_of(p, 1)
}

/// `quantity` units of a price per month, rounded once (so 3 seats of a yearly price are
/// 3 × amount / 12, rounded, not 3 × a rounded monthly amount); `None` out of range.
pub fn monthly_of(p: &Price, quantity: i64) -> Option<i64> {
    let (num, den): (i128, i128) = match p.interval.as_str() {
        "month" => (1, 1),
        "year" => (1, 12),
        "week" => (52, 12),
        "day" => (365, 12),
        _ => return None,
    };
    let den = den.checked_mul(i128::from(p.interval_count.max(1)))?;
    let x = i128::from(p.amount)
        .checked_mul(i128::from(quantity))?
        .checked_mul(num)?;
    // Round half away from zero.
    let q = (x.checked_mul(2)? + x.signum() * den) / (2 * den);
    i64::try_from(q).ok()
}

/// MRR and subscriptions of one tier.
#[derive(Debug, Serialize, Clone, PartialEq)]
pub struct TierMrr {
    pub tier: String,
    pub subscriptions: u64,
    /// The subscriptions' quantities summed (seats; 1 each for a tier sold one at a time).
    pub seats: u64,
    pub mrr: i64,
}

/// One currency's MRR from its per-tier sums (subscriptions, MRR, seats), its paying
/// customers, and its trials and incomplete subscriptions.
fn currency_mrr(
    currency: &str,
    tiers: BTreeMap<&str, (u64, i64, u64)>,
    paying: u64,
    trials: Pending,
    incomplete: Pending,
) -> Result<CurrencyMrr> {
    let mrr = tiers.values().try_fold(0i64, |a, t| add(a, t.1))?;
    Ok(CurrencyMrr {
        currency: currency.to_string(),
        mrr,
        paying_customers: paying,
        arpa: if paying == 0 { 0 } else { mrr / paying as i64 },
        tiers: tiers
            .into_iter()
            .map(|(tier, (n, m, seats))| TierMrr {
                tier: tier.to_string(),
                subscriptions: n,
                seats,
                mrr: m,
            })
            .collect(),
        trials,
        incomplete,
    })
}

/// Subscriptions that bring no MRR yet, and the MRR they would.
#[derive(Debug, Serialize, Clone, Default, PartialEq)]
pub struct Pending {
    pub subscriptions: u64,
    pub mrr: i64,
}

/// The MRR of one currency.
#[derive(Debug, Serialize, Clone, PartialEq)]
pub struct CurrencyMrr {
    pub currency: String,
    pub mrr: i64,
    pub paying_customers: u64,
    /// MRR / paying customers, rounded down; 0 without any.
    pub arpa: i64,
    pub tiers: Vec<TierMrr>,
    pub trials: Pending,
    pub incomplete: Pending,
}

/// Subscriptions of one tier in one status.
#[derive(Debug, Serialize, Clone, PartialEq)]
pub struct StatusCount {
    pub tier: String,
    pub status: String,
    pub subscriptions: u64,
}

/// Revenue at one moment.
#[derive(Debug, Serialize, Clone, PartialEq)]
pub struct Snapshot {
    /// Changes before this moment count.
    pub at: i64,
    pub currencies: Vec<CurrencyMrr>,
    pub subscribers: Vec<StatusCount>,
    /// Prices of live subscriptions that the catalog mirror does not know (their MRR is not
    /// counted: run `setup-products` or `prices check`).
    pub unpriced: Vec<String>,
}

/// Customers and MRR of one kind of movement.
#[derive(Debug, Serialize, Clone, Copy, Default, PartialEq, Eq)]
pub struct Move {
    pub customers: u64,
    pub mrr: i64,
}

/// A period's movements in one currency. `contraction` and `churn` are positive amounts lost.
#[derive(Debug, Serialize, Clone, PartialEq)]
pub struct Movements {
    pub currency: String,
    pub start_mrr: i64,
    pub end_mrr: i64,
    pub new: Move,
    pub expansion: Move,
    pub contraction: Move,
    pub churn: Move,
    pub reactivation: Move,
    /// new + reactivation + expansion − contraction − churn = end − start.
    pub net: i64,
}

/// The subscriptions' states swept forward through the history (sorted by time, then
/// order of recording).
pub struct Sweep<'a> {
    history: &'a [Change],
    next: usize,
    state: HashMap<&'a str, &'a Change>,
    /// (customer, currency) that have paid at some point so far.
    paid: HashSet<(&'a str, &'a str)>,
    prices: &'a HashMap<String, Price>,
}

fn add(a: i64, b: i64) -> Result<i64> {
    a.checked_add(b)
        .ok_or_else(|| anyhow!("MRR overflows a 64-bit integer"))
}

impl<'a> Sweep<'a> {
    pub fn new(history: &'a [Change], prices: &'a HashMap<String, Price>) -> Sweep<'a> {
        Sweep {
            history,
            next: 0,
            state: HashMap::new(),
            paid: HashSet::new(),
            prices,
        }
    }

    /// Applies every change before `t` (times must not go back).
    fn advance(&mut self, t: i64) {
        while let Some(c) = self.history.get(self.next).filter(|c| c.at < t) {
            if standing(&c.status) == Standing::Paying {
                if let Some((p, m)) = self.priced(c) {
                    if m > 0 {
                        self.paid.insert((c.customer.as_str(), p.currency.as_str()));
                    }
                }
            }
            self.state.insert(c.subscription.as_str(), c);
            self.next += 1;
        }
    }

    /// Each customer's paying MRR per currency now.
    fn customer_mrr(&self) -> Result<HashMap<(&'a str, &'a str), i64>> {
        let mut out: HashMap<(&str, &str), i64> = HashMap::new();
        for c in self.state.values() {
            if standing(&c.status) != Standing::Paying {
                continue;
            }
            if let Some((p, m)) = self.priced(c) {
                let e = out
                    .entry((c.customer.as_str(), p.currency.as_str()))
                    .or_default();
                *e = add(*e, m)?;
            }
        }
        Ok(out)
    }

    fn priced(&self, c: &'a Change) -> Option<(&'a Price, i64)> {
        let p = c.price.as_ref().or_else(|| self.prices.get(&c.price_id))?;
        Some((p, monthly_of(p, c.quantity)?))
    }

    /// Revenue as it stands after every change before `t`.
    pub fn snapshot(&mut self, t: i64) -> Result<Snapshot> {
        self.advance(t);
        /// Per tier (subscriptions, MRR, seats), trials, incomplete.
        type Sums<'t> = (BTreeMap<&'t str, (u64, i64, u64)>, Pending, Pending);
        let mut by_currency: BTreeMap<&str, Sums> = BTreeMap::new();
        let mut statuses: BTreeMap<(&str, &str), u64> = BTreeMap::new();
        let mut unpriced: Vec<String> = Vec::new();
        for c in self.state.values() {
            let st = standing(&c.status);
            if st != Standing::Ended {
                *statuses
                    .entry((c.tier.as_str(), c.status.as_str()))
                    .or_default() += 1;
            }
            if st == Standing::Ended {
                continue;
            }
            let Some((p, m)) = self.priced(c) else {
                unpriced.push(c.price_id.clone());
                continue;
            };
            let cur = by_currency.entry(p.currency.as_str()).or_default();
            match st {
                Standing::Paying => {
                    let t = cur.0.entry(c.tier.as_str()).or_default();
                    t.0 += 1;
                    t.1 = add(t.1, m)?;
                    t.2 = t.2.saturating_add(u64::try_from(c.quantity).unwrap_or(0));
                }
                Standing::Trial => {
                    cur.1.subscriptions += 1;
                    cur.1.mrr = add(cur.1.mrr, m)?;
                }
                Standing::Incomplete => {
                    cur.2.subscriptions += 1;
                    cur.2.mrr = add(cur.2.mrr, m)?;
                }
                Standing::Ended => {}
            }
        }
        let customers = self.customer_mrr()?;
        let mut currencies = Vec::new();
        for (currency, (tiers, trials, incomplete)) in by_currency {
            let paying = customers
                .iter()
                .filter(|((_, cur), m)| *cur == currency && **m > 0)
                .count() as u64;
            currencies.push(currency_mrr(currency, tiers, paying, trials, incomplete)?);
        }
        unpriced.sort();
        unpriced.dedup();
        Ok(Snapshot {
            at: t,
            currencies,
            subscribers: statuses
                .into_iter()
                .map(|((tier, status), n)| StatusCount {
                    tier: tier.to_string(),
                    status: status.to_string(),
                    subscriptions: n,
                })
                .collect(),
            unpriced,
        })
    }

    /// The movements from before `from` to before `to` (`from` must not be behind this
    /// sweep), per currency; the sweep ends at `to`.
    pub fn movements(&mut self, from: i64, to: i64) -> Result<Vec<Movements>> {
        self.advance(from);
        let start = self.customer_mrr()?;
        let paid_before = self.paid.clone();
        self.advance(to);
        let end = self.customer_mrr()?;
        let mut out: BTreeMap<&str, Movements> = BTreeMap::new();
        let keys: HashSet<(&str, &str)> = start.keys().chain(end.keys()).copied().collect();
        for k in keys {
            let (m0, m1) = (
                start.get(&k).copied().unwrap_or(0),
                end.get(&k).copied().unwrap_or(0),
            );
            let mv = out.entry(k.1).or_insert_with(|| Movements {
                currency: k.1.to_string(),
                start_mrr: 0,
                end_mrr: 0,
                new: Move::default(),
                expansion: Move::default(),
                contraction: Move::default(),
                churn: Move::default(),
                reactivation: Move::default(),
                net: 0,
            });
            mv.start_mrr = add(mv.start_mrr, m0)?;
            mv.end_mrr = add(mv.end_mrr, m1)?;
            let diff = m1
                .checked_sub(m0)
                .ok_or_else(|| anyhow!("MRR overflows a 64-bit integer"))?;
            let bucket = match (m0 > 0, m1 > 0) {
                (false, true) if paid_before.contains(&k) => &mut mv.reactivation,
                (false, true) => &mut mv.new,
                (true, false) => &mut mv.churn,
                (true, true) if diff > 0 => &mut mv.expansion,
                (true, true) if diff < 0 => &mut mv.contraction,
                _ => continue,
            };
            bucket.customers += 1;
            bucket.mrr = add(bucket.mrr, diff.abs())?;
            mv.net = add(mv.net, diff)?;
        }
        Ok(out.into_values().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn price(amount: i64, interval: &str, count: u32) -> Price {
        Price {
            amount,
            currency: "usd".into(),
            interval: interval.into(),
            interval_count: count,
        }
    }

    #[test]
    fn prices_normalise_to_a_month() {
        assert_eq!(monthly(&price(9_900, "month", 1)), Some(9_900));
        assert_eq!(monthly(&price(118_800, "year", 1)), Some(9_900));
        assert_eq!(monthly(&price(100, "year", 1)), Some(8)); // 8.33
        assert_eq!(monthly(&price(1_000, "week", 1)), Some(4_333)); // 4333.3
        assert_eq!(monthly(&price(100, "day", 1)), Some(3_042)); // 3041.67
        assert_eq!(monthly(&price(30_000, "month", 3)), Some(10_000));
        assert_eq!(monthly(&price(5, "year", 1)), Some(0)); // 0.42
        assert_eq!(monthly(&price(6, "year", 1)), Some(1)); // 0.5: half up
        assert_eq!(monthly(&price(1, "fortnight", 1)), None);
        assert_eq!(monthly(&price(i64::MAX, "day", 1)), None);
    }

    fn ch(sub: &str, cus: &str, at: i64, status: &str, tier: &str) -> Change {
        Change {
            subscription: sub.into(),
            customer: cus.into(),
            at,
            status: status.into(),
            tier: tier.into(),
            price_id: format!("price_{tier}"),
            price: None,
            quantity: 1,
        }
    }

    #[test]
    fn movements_add_up_to_the_change_in_mrr() {
        let prices: HashMap<String, Price> = [("pro", 9_900), ("team", 49_900)]
            .into_iter()
            .map(|(t, a)| (format!("price_{t}"), price(a, "month", 1)))
            .collect();
        let history = vec![
            ch("s1", "a", 10, "active", "pro"),   // a: paying before the month
            ch("s2", "b", 20, "active", "team"),  // b: paying before, churns
            ch("s3", "c", 30, "active", "pro"),   // c: paid, churned, comes back
            ch("s3", "c", 40, "canceled", "pro"), //
            ch("s1", "a", 110, "active", "team"), // a expands
            ch("s2", "b", 120, "canceled", "team"),
            ch("s4", "d", 130, "active", "pro"),  // d is new
            ch("s5", "c", 140, "active", "pro"),  // c reactivates
            ch("s6", "e", 150, "active", "team"), // e: new, then contracts in the month
            ch("s6", "e", 160, "active", "pro"),
            ch("s7", "f", 170, "trialing", "team"), // f: a trial is not MRR
        ];
        let mut sweep = Sweep::new(&history, &prices);
        let m = sweep.movements(100, 200).unwrap();
        assert_eq!(m.len(), 1);
        let m = &m[0];
        assert_eq!(
            (m.start_mrr, m.end_mrr),
            (9_900 + 49_900, 49_900 + 3 * 9_900)
        );
        assert_eq!(
            m.new,
            Move {
                customers: 2,
                mrr: 2 * 9_900
            }
        );
        assert_eq!(
            m.reactivation,
            Move {
                customers: 1,
                mrr: 9_900
            }
        );
        assert_eq!(
            m.expansion,
            Move {
                customers: 1,
                mrr: 40_000
            }
        );
        assert_eq!(m.contraction, Move::default());
        assert_eq!(
            m.churn,
            Move {
                customers: 1,
                mrr: 49_900
            }
        );
        assert_eq!(m.net, m.end_mrr - m.start_mrr);
        let mut sweep = Sweep::new(&history, &prices);
        let s = sweep.snapshot(200).unwrap();
        let usd = &s.currencies[0];
        assert_eq!(usd.mrr, 49_900 + 3 * 9_900);
        assert_eq!(usd.paying_customers, 4);
        assert_eq!(usd.arpa, (49_900 + 3 * 9_900) / 4);
        assert_eq!(
            usd.trials,
            Pending {
                subscriptions: 1,
                mrr: 49_900
            }
        );
        assert_eq!(
            usd.tiers,
            vec![
                TierMrr {
                    tier: "pro".into(),
                    subscriptions: 3,
                    seats: 3,
                    mrr: 3 * 9_900
                },
                TierMrr {
                    tier: "team".into(),
                    subscriptions: 1,
                    seats: 1,
                    mrr: 49_900
                },
            ]
        );
    }
}
