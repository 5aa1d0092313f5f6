//! `billctl revenue` as a workflow: the subscription history and the catalog's prices read
//! from the store, then MRR, subscribers and movements as of a day, or month by month (see
//! `crate::domain::revenue` for the definitions). Prints nothing.

use crate::adapters::store::Store;
use crate::domain::revenue::{Movements, Snapshot, Sweep};
use anyhow::{bail, Result};
use serde::Serialize;

/// How `revenue` groups what it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevenueBy {
    Tier,
    Month,
}

/// The most months one report covers (ten years).
pub const MAX_MONTHS: usize = 120;

/// Revenue as of a moment, with the movements of its month up to it.
#[derive(Debug, Serialize)]
pub struct AsOf {
    /// Changes before this moment count (the end of the `--as-of` day, or now).
    pub as_of: i64,
    /// The month of `as_of`, `YYYY-MM`, and where its movements start.
    pub month: String,
    pub month_start: i64,
    #[serde(flatten)]
    pub snapshot: Snapshot,
    pub movements: Vec<Movements>,
    /// Overage from metered usage in the current billing periods, estimated from usage so far
    /// (not MRR); only as of now, and only for tiers with an overage price.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overage_estimate: Option<Vec<OverageEstimate>>,
}

/// Overage of one currency: calls above the quota in the current periods so far, priced at
/// the tiers' overage prices.
#[derive(Debug, Serialize, Clone, PartialEq)]
pub struct OverageEstimate {
    pub currency: String,
    pub customers: u64,
    pub calls: i64,
    pub amount: i64,
}

/// Calls above the quota in each paying customer's current period so far, priced by their
/// tier's metered overage price (`amount` per `per` calls, rounded half up per customer, as
/// Stripe rounds a line).
pub fn overage_estimate(
    store: &Store,
    config: &crate::domain::config::Config,
    now: i64,
) -> Result<Vec<OverageEstimate>> {
    let priced: std::collections::HashMap<&str, &crate::domain::catalog::PriceSpec> = config
        .tiers
        .iter()
        .filter_map(|t| {
            t.prices
                .iter()
                .find(|p| p.metered.is_some())
                .map(|p| (t.id.as_str(), p))
        })
        .collect();
    if priced.is_empty() {
        return Ok(Vec::new());
    }
    let q = crate::ops::usage::report::Query {
        customer: None,
        key: None,
        window: crate::ops::usage::report::Window::CURRENT,
        by: crate::ops::usage::report::ReportBy::Customer,
    };
    let report = crate::ops::usage::report::report(store, config, &q, now)?;
    let mut out: std::collections::BTreeMap<String, OverageEstimate> = Default::default();
    for row in &report.rows {
        let Some(p) = priced.get(row.tier.as_str()) else {
            continue;
        };
        if row.overage <= 0 || !row.access.lets_in() {
            continue;
        }
        let per = i128::from(p.metered.as_ref().map_or(1, |m| m.per.max(1)));
        let x = i128::from(row.overage) * i128::from(p.amount);
        let amount = i64::try_from((2 * x + per) / (2 * per))
            .map_err(|_| anyhow::anyhow!("the overage estimate overflows"))?;
        let e = out
            .entry(p.currency.clone())
            .or_insert_with(|| OverageEstimate {
                currency: p.currency.clone(),
                customers: 0,
                calls: 0,
                amount: 0,
            });
        e.customers += 1;
        e.calls = e
            .calls
            .checked_add(row.overage)
            .ok_or_else(|| anyhow::anyhow!("the overage estimate overflows"))?;
        e.amount = e
            .amount
            .checked_add(amount)
            .ok_or_else(|| anyhow::anyhow!("the overage estimate overflows"))?;
    }
    Ok(out.into_values().collect())
}

/// One month: revenue at its end (or at `as_of` for the month holding it) and its movements.
#[derive(Debug, Serialize)]
pub struct Month {
    pub month: String,
    pub start: i64,
    pub end: i64,
    #[serde(flatten)]
    pub snapshot: Snapshot,
    pub movements: Vec<Movements>,
}

/// Month by month.
#[derive(Debug, Serialize)]
pub struct ByMonth {
    pub as_of: i64,
    pub months: Vec<Month>,
}

impl ByMonth {
    /// Revenue as of `as_of` from the month holding it, when that month is the last one: its
    /// snapshot and movements are what [`as_of`] computes, without a second pass over the
    /// history.
    pub fn latest(&self) -> Option<AsOf> {
        let m = self.months.last().filter(|m| m.end == self.as_of)?;
        Some(AsOf {
            as_of: self.as_of,
            month: m.month.clone(),
            month_start: m.start,
            snapshot: m.snapshot.clone(),
            movements: m.movements.clone(),
            overage_estimate: None,
        })
    }
}

fn month_name(t: i64) -> String {
    crate::domain::time::utc_date(t)[..7].to_string()
}

/// Revenue as of `as_of`.
pub fn as_of(store: &Store, as_of: i64) -> Result<AsOf> {
    let history = store.subscription_history(as_of)?;
    let prices = store.prices()?;
    let (month_start, _) = crate::domain::time::month_of(as_of.saturating_sub(1));
    let mut sweep = Sweep::new(&history, &prices);
    let movements = sweep.movements(month_start, as_of)?;
    let snapshot = sweep.snapshot(as_of)?;
    Ok(AsOf {
        as_of,
        month: month_name(month_start),
        month_start,
        snapshot,
        movements,
        overage_estimate: None,
    })
}

/// Month by month from the month starting `from` to the one starting `to`, none later than
/// `as_of` (the month holding it ends there).
pub fn by_month(store: &Store, from: i64, to: i64, as_of: i64) -> Result<ByMonth> {
    if from > to {
        bail!(
            "--from {} is after --to {}",
            month_name(from),
            month_name(to)
        );
    }
    if from >= as_of {
        bail!(
            "--from {} starts after --as-of {}",
            month_name(from),
            crate::domain::time::utc_date(as_of.saturating_sub(1))
        );
    }
    let history = store.subscription_history(as_of)?;
    let prices = store.prices()?;
    let mut sweep = Sweep::new(&history, &prices);
    let mut months = Vec::new();
    let mut start = from;
    while start <= to && start < as_of {
        if months.len() == MAX_MONTHS {
            bail!("--from and --to span more than {MAX_MONTHS} months");
        }
        let (_, next) = crate::domain::time::month_of(start);
        let end = next.min(as_of);
        let movements = sweep.movements(start, end)?;
        let snapshot = sweep.snapshot(end)?;
        months.push(Month {
            month: month_name(start),
            start,
            end,
            snapshot,
            movements,
        });
        start = next;
    }
    Ok(ByMonth { as_of, months })
}

/// The month `n` months before the one starting `month_start`.
pub fn months_before(month_start: i64, n: u32) -> i64 {
    let mut t = month_start;
    for _ in 0..n {
        t = crate::domain::time::month_of(t.saturating_sub(1)).0;
    }
    t
}
