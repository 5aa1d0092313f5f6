//! `usage report` and `usage alerts`: usage against each tier's quota, read from the rollups
//! (exact at period edges, see `Store::usage_in`). Prints nothing.

use crate::adapters::store::Store;
use crate::domain::billing::Customer;
use crate::domain::config::Config;
use crate::domain::usage::{Scope, Subject};
use anyhow::{anyhow, bail, Result};
use serde::Serialize;

/// How `usage report` groups rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportBy {
    Customer,
    Key,
    Day,
}

/// One row of a report; the dashboard's usage rows are these too.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    #[serde(rename = "customer_id")]
    pub customer: String,
    #[serde(rename = "key_id")]
    pub key: Option<String>,
    /// Start of the UTC day, for `--by day`.
    pub day: Option<i64>,
    pub tier: String,
    pub period_start: i64,
    pub period_end: i64,
    pub used: i64,
    /// The tier's quota for the customer's period, on every row (a key's and a day's too);
    /// `None`: unlimited, or no tier known (`tier` says which).
    pub quota: Option<u64>,
    /// This row's `used` as a share of the quota (a key's or a day's part of it).
    pub percent: Option<f64>,
    /// What is left of the customer's quota in the period (its keys and days share one).
    pub remaining: Option<u64>,
    /// The customer's calls beyond the quota in the period.
    pub overage: i64,
    /// What the access policy gives the customer's keys now: `granted`, `grace`,
    /// `payment_required` or `none`.
    pub access: crate::domain::billing::AccessState,
}

/// Rows of a report, with how they are grouped.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct Report {
    pub rows: Vec<Row>,
    #[serde(skip)]
    pub by: ReportBy,
}

/// A billing period, as `--period` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// Each customer's current billing period (else the calendar month).
    Current,
    /// A calendar month (`YYYY-MM`): its first instant and the next month's.
    Month(i64, i64),
}

impl std::str::FromStr for Period {
    type Err = String;

    /// `current`, or a month `YYYY-MM`.
    fn from_str(s: &str) -> Result<Period, String> {
        match s {
            "current" => Ok(Period::Current),
            m => crate::domain::time::parse_month(m).map(|(from, to)| Period::Month(from, to)),
        }
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Period::Current => f.write_str("current"),
            Period::Month(from, _) => f.write_str(
                crate::domain::time::utc_date(*from)
                    .get(..7)
                    .unwrap_or_default(),
            ),
        }
    }
}

/// What span of time a report covers: a billing period, or an explicit range. One or the
/// other: the command line refuses `--period` with `--from`/`--to` (clap's conflict), so the
/// range never silently overrides a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    Period(Period),
    /// `[from, to)`, unix seconds.
    Range {
        from: i64,
        to: i64,
    },
}

impl Window {
    /// Each customer's current billing period.
    pub const CURRENT: Window = Window::Period(Period::Current);
}

/// What a report covers.
pub struct Query<'a> {
    pub customer: Option<&'a str>,
    pub key: Option<&'a str>,
    pub window: Window,
    pub by: ReportBy,
}

/// A customer's tier, quota, period and access.
struct Plan {
    tier: String,
    quota: Option<u64>,
    period: (i64, i64),
    access: crate::domain::billing::AccessState,
}

fn plan_of(
    store: &Store,
    config: &Config,
    customer: &str,
    window: &Window,
    now: i64,
) -> Result<Plan> {
    #[cfg(test)]
    tests::PLANS.with(|n| n.set(n.get() + 1));
    plan_from(
        config,
        store.live_subscription(customer)?,
        store.current_subscription(customer)?,
        window,
        now,
    )
}

/// A customer's plan from its live and current subscriptions, already read.
fn plan_from(
    config: &Config,
    live: Option<crate::domain::billing::MirrorRow>,
    current: Option<crate::adapters::store::Current>,
    window: &Window,
    now: i64,
) -> Result<Plan> {
    let tier = live
        .as_ref()
        .map_or("none", |s| s.tier.as_str())
        .to_string();
    let quota = live
        .as_ref()
        .and_then(|s| config.tier(&s.tier))
        .and_then(|t| t.quota);
    let period = match *window {
        Window::Range { from, to } => (from, to),
        Window::Period(Period::Current) => live.as_ref().map_or_else(
            || crate::domain::time::month_of(now),
            |s| (s.current_period_start, s.current_period_end),
        ),
        Window::Period(Period::Month(from, to)) => (from, to),
    };
    let access = crate::ops::payments::standing_of(&config.access, current, now).access;
    Ok(Plan {
        tier,
        quota,
        period,
        access,
    })
}

/// One row: `used` by its subject (the customer, a key or a day), and `whole`, the customer's
/// use in the period. Quotas hold per customer and period, so every row shows the tier's quota
/// and the customer's remaining and overage; its percent is its own share of the quota.
fn row(
    customer: &str,
    (key, day): (Option<&str>, Option<i64>),
    plan: &Plan,
    (used, whole): (i64, i64),
) -> Row {
    let own = crate::domain::billing::standing(used, plan.quota);
    let standing = crate::domain::billing::standing(whole, plan.quota);
    Row {
        customer: customer.to_string(),
        key: key.map(String::from),
        day,
        tier: plan.tier.clone(),
        period_start: plan.period.0,
        period_end: plan.period.1,
        used,
        quota: plan.quota,
        percent: own.percent,
        remaining: standing.remaining,
        overage: standing.overage,
        access: plan.access,
    }
}

fn customers(store: &Store, only: Option<&str>) -> Result<Vec<Customer>> {
    match only {
        Some(c) => Ok(vec![store.customer(c)?.ok_or_else(|| {
            anyhow!("no customer {c} in the local mirror\nhint: run 'billctl subscriptions sync'")
        })?]),
        None => store.customers(),
    }
}

/// `usage report`: one row per customer, key or day, as `q.by` says.
pub fn report(store: &Store, config: &Config, q: &Query, now: i64) -> Result<Report> {
    if let Window::Range { from: f, to: t } = q.window {
        if t <= f {
            bail!(
                "--to ({}) must be after --from ({}); without --to the period ends now",
                crate::domain::time::utc_datetime(t),
                crate::domain::time::utc_datetime(f)
            );
        }
    }
    // With a key, the key's own usage within its customer's period.
    if let Some(k) = q.key {
        crate::domain::keys::not_a_full_key("--key", k).map_err(|e| anyhow!(e))?;
    }
    let key = match q.key {
        Some(k) => Some(
            store
                .key(k)?
                .ok_or_else(|| anyhow!("no API key with id {k}"))?,
        ),
        None => None,
    };
    let only = key.as_ref().map(|k| k.customer_id.as_str()).or(q.customer);
    if q.by == ReportBy::Customer && key.is_none() && only.is_none() {
        return report_all(store, config, q, now);
    }
    let mut rows = Vec::new();
    for c in customers(store, only)? {
        let plan = plan_of(store, config, &c.id, &q.window, now)?;
        let key_id = key.as_ref().map(|k| k.id.as_str());
        let of = key_id.map_or(Subject::customer(&c.id), Subject::key);
        rows.extend(rows_of(store, &c.id, key_id, of, &plan, q.by)?);
    }
    Ok(Report { rows, by: q.by })
}

/// The default report, every customer's usage in its period: the subscriptions read in two
/// statements and the usage of all periods asked at once (on Postgres, one statement instead of
/// a dozen per customer).
fn report_all(store: &Store, config: &Config, q: &Query, now: i64) -> Result<Report> {
    let mut live = store.live_subscriptions()?;
    let mut current = store.current_subscriptions()?;
    let mut plans = Vec::new();
    for c in store.customers()? {
        let plan = plan_from(
            config,
            live.remove(&c.id),
            current.remove(&c.id),
            &q.window,
            now,
        )?;
        plans.push((c.id, plan));
    }
    let items: Vec<(String, i64, i64)> = plans
        .iter()
        .map(|(c, p)| (c.clone(), p.period.0, p.period.1))
        .collect();
    let used = store.usage_in_many(Scope::Customer, &items)?;
    let rows = plans
        .iter()
        .zip(used)
        .map(|((c, plan), used)| row(c, (None, None), plan, (used, used)))
        .collect();
    Ok(Report {
        rows,
        by: ReportBy::Customer,
    })
}

/// One customer's rows (`key`: only that key's usage).
fn rows_of(
    store: &Store,
    customer: &str,
    key: Option<&str>,
    of: Subject<'_>,
    plan: &Plan,
    by: ReportBy,
) -> Result<Vec<Row>> {
    let (from, to) = plan.period;
    let whole = || store.usage_in(Scope::Customer, customer, from, to);
    let mut out = Vec::new();
    match by {
        ReportBy::Customer => {
            let used = store.usage_in(of.scope, of.id, from, to)?;
            let whole = if key.is_some() { whole()? } else { used };
            out.push(row(customer, (key, None), plan, (used, whole)));
        }
        ReportBy::Key => {
            let whole = whole()?;
            let keys = match key {
                Some(k) => vec![k.to_string()],
                None => store
                    .keys(Some(customer))?
                    .into_iter()
                    .map(|k| k.id)
                    .collect(),
            };
            for k in keys {
                let used = store.usage_in(Scope::Key, &k, from, to)?;
                out.push(row(customer, (Some(&k), None), plan, (used, whole)));
            }
        }
        ReportBy::Day => {
            let whole = whole()?;
            for (day, used) in exact_days(store, of, (from, to))? {
                out.push(row(customer, (key, Some(day)), plan, (used, whole)));
            }
        }
    }
    Ok(out)
}

/// A subject's usage per UTC day that has any, clipped to `[from, to)`: the first and last
/// days count only their part inside the period, so the days add up to the period's total
/// exactly.
pub(crate) fn exact_days(
    store: &Store,
    of: Subject<'_>,
    (from, to): (i64, i64),
) -> Result<Vec<(i64, i64)>> {
    let mut out = Vec::new();
    for (day, _) in store.daily(of.scope, of.id, from.div_euclid(86_400) * 86_400, to)? {
        let end = day.saturating_add(86_400);
        out.push((
            day,
            store.usage_in(of.scope, of.id, day.max(from), end.min(to))?,
        ));
    }
    Ok(out)
}

/// `GET /v1/customers/{id}/usage`: the current period's usage against the quota (the
/// customer's row of `usage report`), and its days with any use, in day order.
#[derive(Debug, Serialize)]
pub struct CustomerUsage {
    #[serde(flatten)]
    pub usage: Row,
    /// Usage per UTC day of the period with any use, in day order.
    pub days: Vec<Day>,
}

/// One day of [`CustomerUsage`].
#[derive(Debug, Serialize)]
pub struct Day {
    /// Start of the UTC day (unix seconds).
    pub day: i64,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub used: i64,
}

/// A customer's usage view (see [`CustomerUsage`]); `None` for a customer the mirror lacks.
/// One run of the report: the plan and the period's total read once, and the days from the
/// same period.
pub fn customer_usage(
    store: &Store,
    config: &Config,
    id: &str,
    now: i64,
) -> Result<Option<CustomerUsage>> {
    if store.customer(id)?.is_none() {
        return Ok(None);
    }
    let plan = plan_of(store, config, id, &Window::CURRENT, now)?;
    let used = store.usage_in(Scope::Customer, id, plan.period.0, plan.period.1)?;
    let days = exact_days(store, Subject::customer(id), plan.period)?
        .into_iter()
        .filter(|&(_, used)| used != 0)
        .map(|(day, used)| Day {
            day,
            date: crate::domain::time::utc_date(day),
            used,
        })
        .collect();
    let usage = row(id, (None, None), &plan, (used, used));
    Ok(Some(CustomerUsage { usage, days }))
}

/// `usage alerts`: customers at or above `threshold` percent of their quota this period,
/// highest first.
pub fn alerts(store: &Store, config: &Config, threshold: f64, now: i64) -> Result<Report> {
    let mut listed = Vec::new();
    for c in store.customers()? {
        let plan = plan_of(store, config, &c.id, &Window::CURRENT, now)?;
        if plan.quota.is_none() {
            continue;
        }
        let used = store.usage_in(Scope::Customer, &c.id, plan.period.0, plan.period.1)?;
        let r = row(&c.id, (None, None), &plan, (used, used));
        if r.percent.is_some_and(|p| p >= threshold) {
            listed.push(r);
        }
    }
    listed.sort_by(|a, b| {
        b.percent
            .partial_cmp(&a.percent)
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    Ok(Report {
        rows: listed,
        by: ReportBy::Customer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        /// How many times this thread read a customer's plan (a run of the report per customer).
        pub(super) static PLANS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }
    use crate::adapters::store::UsageEvent;
    use crate::domain::billing::{Customer, MirrorRow};

    /// A temp store with one `pro` customer (period 2027-01) and usage in and after it.
    fn seeded() -> (
        tempfile::TempDir,
        Store,
        crate::domain::config::Config,
        (i64, i64),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let config =
            crate::domain::config::parse(crate::domain::config::DEFAULT_CONFIG, "default").unwrap();
        let (start, end) = (1_798_761_600, 1_801_440_000); // 2027-01-01 .. 2027-02-01
        let customer = Customer {
            id: "cus_1".into(),
            email: None,
            name: None,
            created: 0,
        };
        let sub = MirrorRow {
            id: "sub_1".into(),
            customer_id: "cus_1".into(),
            status: "active".into(),
            tier: "pro".into(),
            price_id: "price_pro".into(),
            item_id: "si_1".into(),
            current_period_start: start,
            current_period_end: end,
            cancel_at_period_end: false,
            cancel_at: None,
            canceled_at: None,
            ended_at: None,
            created: start,
            quantity: 1,
        };
        store.record(&customer, &[sub], start).unwrap();
        let event = |id: &str, quantity: i64, ts: i64| UsageEvent {
            source: String::new(),
            event_id: id.into(),
            customer_id: "cus_1".into(),
            key_id: None,
            quantity,
            ts,
            endpoint: None,
            meta: None,
            event_type: None,
        };
        let events = [
            event("a", 8_000, start + 10),
            event("b", 1_000, end - 1),
            event("c", 5_000, end),
        ];
        store
            .record_usage(&events, end, crate::adapters::store::Route::Import)
            .unwrap();
        (dir, store, config, (start, end))
    }

    /// In process, on a temp store: usage within the subscription's period counts against the
    /// tier's quota (events outside it do not), and alerts list the customer over a threshold.
    #[test]
    fn reports_usage_against_the_tier_quota_in_the_period() {
        let (_dir, store, config, (start, _)) = seeded();
        let q = Query {
            customer: None,
            key: None,
            window: Window::CURRENT,
            by: ReportBy::Customer,
        };
        let report = report(&store, &config, &q, start + 100).unwrap();
        assert_eq!(report.rows.len(), 1);
        let r = &report.rows[0];
        assert_eq!(
            (r.used, r.quota, r.remaining),
            (9_000, Some(10_000), Some(1_000))
        );
        assert_eq!(r.tier, "pro");
        let listed = alerts(&store, &config, 80.0, start + 100).unwrap();
        assert_eq!(listed.rows.len(), 1);
        assert!(alerts(&store, &config, 95.0, start + 100)
            .unwrap()
            .rows
            .is_empty());
    }

    /// A customer's usage view runs the report once: one read of the customer's plan (not
    /// one for the total and one for the days), and its days add up to its total.
    #[test]
    fn a_customers_usage_view_reads_its_plan_once() {
        let (_dir, store, config, (start, end)) = seeded();
        PLANS.with(|n| n.set(0));
        let view = customer_usage(&store, &config, "cus_1", start + 100)
            .unwrap()
            .unwrap();
        assert_eq!(PLANS.with(|n| n.get()), 1, "the plan is read once");
        assert_eq!((view.usage.used, view.usage.quota), (9_000, Some(10_000)));
        assert_eq!(
            (view.usage.period_start, view.usage.period_end),
            (start, end)
        );
        let days: i64 = view.days.iter().map(|d| d.used).sum();
        assert_eq!(days, view.usage.used, "{:?}", view.days);
        assert!(customer_usage(&store, &config, "cus_none", start)
            .unwrap()
            .is_none());
    }
}
