//! `billctl dashboard` as a workflow: revenue, subscribers, usage, keys and webhooks read
//! from the stores into one [`Dashboard`] that `output::dashboard` draws. `usage report
//! --html` builds the usage section alone through [`usage_section`]. Prints nothing.

use crate::adapters::store::webhooks::EventStore;
use crate::adapters::store::Store;
use crate::domain::billing::Customer;
use crate::domain::config::Config;
use crate::domain::usage::series::{self, QuotaReached, Series};
use crate::domain::usage::Subject;
use crate::ops::revenue::{self, AsOf, ByMonth};
use crate::ops::usage::report::{self, Period, Query, Report, ReportBy, Window};
use anyhow::Result;
use serde::Serialize;
use std::collections::HashMap;

const DAY: i64 = 86_400;
/// Customers drawn as charts, by share of quota; the rest are in the table only.
pub const CHARTED: usize = 100;
/// Trials ending within this many days are listed.
pub const TRIAL_DAYS: i64 = 7;
/// Days of webhook outcomes shown.
pub const WEBHOOK_DAYS: i64 = 7;
/// Failed webhook events listed at most.
pub const FAILED_LISTED: usize = 100;
/// Months of revenue charted.
pub const MONTHS: u32 = 12;

/// The whole page's data. Sections other than usage are `None` on `usage report --html`.
#[derive(Debug, Serialize)]
pub struct Dashboard {
    pub generated_at: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revenue: Option<RevenueSection>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscribers: Option<SubscribersSection>,
    pub usage: UsageSection,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keys: Option<KeysSection>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhooks: Option<WebhooksSection>,
}

impl Dashboard {
    /// The page of `usage report --html`: its usage section alone.
    pub fn usage_only(usage: UsageSection) -> Dashboard {
        Dashboard {
            generated_at: usage.now,
            revenue: None,
            subscribers: None,
            usage,
            keys: None,
            webhooks: None,
        }
    }
}

/// Who a row is about.
#[derive(Debug, Clone, Serialize)]
pub struct Who {
    pub customer_id: String,
    pub name: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct RevenueSection {
    /// MRR now by tier, and this month's movements.
    pub now: AsOf,
    /// The last twelve months.
    pub months: ByMonth,
}

#[derive(Debug, Serialize)]
pub struct SubscribersSection {
    /// Counts by tier and status.
    pub counts: Vec<crate::domain::revenue::StatusCount>,
    /// `past_due` and `unpaid`, with their dunning state.
    pub at_risk: Vec<AtRisk>,
    /// Trials that end within [`TRIAL_DAYS`].
    pub trials_ending: Vec<TrialEnding>,
}

#[derive(Debug, Serialize)]
pub struct AtRisk {
    #[serde(flatten)]
    pub who: Who,
    pub subscription_id: String,
    pub tier: String,
    pub status: String,
    pub payment_failed_at: Option<i64>,
    pub failed_attempts: i64,
    pub next_payment_attempt: Option<i64>,
    pub unpaid_invoice_id: Option<String>,
    /// What the access policy gives the customer's keys now.
    pub access: crate::domain::billing::AccessState,
    pub grace_until: Option<i64>,
}

#[derive(Debug, Serialize)]
pub struct TrialEnding {
    #[serde(flatten)]
    pub who: Who,
    pub subscription_id: String,
    pub tier: String,
    /// The trial's end: the end of a trialing subscription's current period.
    pub trial_end: i64,
}

#[derive(Debug, Serialize)]
pub struct UsageSection {
    /// `current`, a month `YYYY-MM`, or `FROM..TO`.
    pub period: String,
    /// Every customer, by share of quota, highest first (unlimited ones after, by usage).
    pub rows: Vec<UsageRow>,
    /// How many of the first rows carry a chart.
    pub charted: usize,
    pub now: i64,
}

/// One customer's usage on the page: the report's row for the whole period (with `--key`, the
/// key's use against the tier's quota), who it is, and for charted rows the chart.
#[derive(Debug)]
pub struct UsageRow {
    pub who: Who,
    pub row: report::Row,
    /// For charted rows: when the quota is or would be reached.
    pub quota_reached: Option<QuotaReached>,
    pub series: Option<Series>,
}

/// The page's fields, in its order: who, then the report row's fields a chart needs (a row
/// for the whole period has no `day`; the key only under `--key`), then the chart.
impl Serialize for UsageRow {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let (w, r) = (&self.who, &self.row);
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("customer_id", &w.customer_id)?;
        m.serialize_entry("name", &w.name)?;
        m.serialize_entry("email", &w.email)?;
        if let Some(k) = &r.key {
            m.serialize_entry("key_id", k)?;
        }
        m.serialize_entry("tier", &r.tier)?;
        m.serialize_entry("period_start", &r.period_start)?;
        m.serialize_entry("period_end", &r.period_end)?;
        m.serialize_entry("used", &r.used)?;
        m.serialize_entry("quota", &r.quota)?;
        m.serialize_entry("percent", &r.percent)?;
        m.serialize_entry("access", &r.access)?;
        if let Some(q) = &self.quota_reached {
            m.serialize_entry("quota_reached", q)?;
        }
        if let Some(series) = &self.series {
            m.serialize_entry("series", series)?;
        }
        m.end()
    }
}

#[derive(Debug, Serialize)]
pub struct KeysSection {
    /// Customers with active keys, most recently used first.
    pub customers: Vec<CustomerKeys>,
    pub active: u64,
}

#[derive(Debug, Serialize)]
pub struct CustomerKeys {
    #[serde(flatten)]
    pub who: Who,
    pub keys: Vec<KeyUse>,
    /// The latest use of any of them.
    pub last_used_at: Option<i64>,
}

#[derive(Debug, Serialize)]
pub struct KeyUse {
    pub id: String,
    pub name: Option<String>,
    pub last_used_at: Option<i64>,
}

#[derive(Debug, Serialize)]
pub struct WebhooksSection {
    pub since: i64,
    /// One entry per UTC day of arrival, oldest first, every day of the window.
    pub days: Vec<DayOutcomes>,
    /// Failed events that arrived in the window, newest first, at most [`FAILED_LISTED`].
    pub failed: Vec<FailedEvent>,
    pub failed_total: i64,
}

#[derive(Debug, Default, Serialize, Clone, PartialEq)]
pub struct DayOutcomes {
    pub day: i64,
    pub applied: i64,
    pub ignored: i64,
    pub failed: i64,
    pub pending: i64,
    pub rejected: i64,
}

#[derive(Debug, Serialize)]
pub struct FailedEvent {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub received_at_ms: i64,
    pub detail: Option<String>,
}

fn who(customers: &HashMap<String, Customer>, id: &str) -> Who {
    let c = customers.get(id);
    Who {
        customer_id: id.to_string(),
        name: c.and_then(|c| c.name.clone()),
        email: c.and_then(|c| c.email.clone()),
    }
}

/// Every customer of the mirror, by id.
fn customer_map(store: &Store) -> Result<HashMap<String, Customer>> {
    Ok(store
        .customers()?
        .into_iter()
        .map(|c| (c.id.clone(), c))
        .collect())
}

/// The dashboard for the billing period `period` as of `now`.
pub fn dashboard(
    store: &mut Store,
    events: &EventStore,
    config: &Config,
    period: Period,
    now: i64,
) -> Result<Dashboard> {
    store.begin_read()?;
    let built = build(store, events, config, period, now);
    store.end_read()?;
    built
}

fn build(
    store: &Store,
    events: &EventStore,
    config: &Config,
    period: Period,
    now: i64,
) -> Result<Dashboard> {
    let customers = customer_map(store)?;
    let as_of = now.saturating_add(1);
    let this_month = crate::domain::time::month_of(now).0;
    // Twelve months up to now; the last of them is revenue now, read off rather than swept
    // through the history a second time.
    let months = revenue::by_month(
        store,
        revenue::months_before(this_month, MONTHS - 1),
        this_month,
        as_of,
    )?;
    let rev = RevenueSection {
        now: match months.latest() {
            Some(now) => now,
            None => revenue::as_of(store, as_of)?,
        },
        months,
    };
    let q = Query {
        customer: None,
        key: None,
        window: Window::Period(period),
        by: ReportBy::Customer,
    };
    let report = report::report(store, config, &q, now)?;
    Ok(Dashboard {
        generated_at: now,
        subscribers: Some(subscribers(store, config, &customers, now)?),
        revenue: Some(rev),
        usage: section(store, &customers, &report, &q, now)?,
        keys: Some(keys(store, &customers, now)?),
        webhooks: Some(webhooks(events, now)?),
    })
}

/// The usage section of `usage report --html`: the report's customers, charted by the same
/// rules as the dashboard's.
pub fn usage_section(store: &Store, report: &Report, q: &Query, now: i64) -> Result<UsageSection> {
    let customers = customer_map(store)?;
    section(store, &customers, report, q, now)
}

/// Sorts the rows by share of quota (then use, then id) and gives the first [`CHARTED`] their
/// series; how many are charted.
fn chart(store: &Store, rows: &mut [UsageRow], now: i64) -> Result<usize> {
    rows.sort_by(|a, b| {
        let share = |r: &UsageRow| r.row.percent.unwrap_or(f64::NEG_INFINITY);
        share(b)
            .total_cmp(&share(a))
            .then(b.row.used.cmp(&a.row.used))
            .then_with(|| a.who.customer_id.cmp(&b.who.customer_id))
    });
    let charted = rows.len().min(CHARTED);
    for r in rows.iter_mut().take(charted) {
        let subject = r
            .row
            .key
            .as_deref()
            .map_or(Subject::customer(&r.who.customer_id), Subject::key);
        let period = (r.row.period_start, r.row.period_end);
        let days = report::exact_days(store, subject, period)?;
        let s = series::series(&days, period, r.row.quota, now);
        r.quota_reached = s.quota_reached;
        r.series = Some(s);
    }
    Ok(charted)
}

fn section(
    store: &Store,
    customers: &HashMap<String, Customer>,
    report: &Report,
    q: &Query,
    now: i64,
) -> Result<UsageSection> {
    let mut seen = std::collections::HashSet::new();
    let mut rows: Vec<UsageRow> = Vec::new();
    for r in &report.rows {
        if !seen.insert(r.customer.as_str()) {
            continue;
        }
        // A key or day report's row is one part of the period: the chart is of the whole
        // period against the tier's quota, as a customer report's row is (with `--key`, the
        // key's use against it).
        let row = if report.by == ReportBy::Customer {
            r.clone()
        } else {
            let of = q.key.map_or(Subject::customer(&r.customer), Subject::key);
            let used = store.usage_in(of.scope, of.id, r.period_start, r.period_end)?;
            report::Row {
                key: q.key.map(String::from),
                day: None,
                used,
                percent: crate::domain::billing::standing(used, r.quota).percent,
                ..r.clone()
            }
        };
        rows.push(UsageRow {
            who: who(customers, &r.customer),
            row,
            quota_reached: None,
            series: None,
        });
    }
    let charted = chart(store, &mut rows, now)?;
    let period = match q.window {
        Window::Range { from, to } => format!(
            "{}..{}",
            crate::domain::time::utc_datetime(from),
            crate::domain::time::utc_datetime(to)
        ),
        Window::Period(p) => p.to_string(),
    };
    Ok(UsageSection {
        period,
        rows,
        charted,
        now,
    })
}

/// Subscriptions `past_due` or `unpaid`, with their dunning state, the oldest failure first.
fn at_risk(
    store: &Store,
    config: &Config,
    customers: &HashMap<String, Customer>,
    now: i64,
) -> Result<Vec<AtRisk>> {
    let mut at_risk = Vec::new();
    for (customer, cur) in store.current_subscriptions()? {
        if !matches!(cur.row.status.as_str(), "past_due" | "unpaid") {
            continue;
        }
        let (sub, tier, status) = (
            cur.row.id.clone(),
            cur.row.tier.clone(),
            cur.row.status.clone(),
        );
        // The standing carries the payment state it was judged on.
        let standing = crate::ops::payments::standing_of(&config.access, Some(cur), now);
        let payment = standing.payment;
        at_risk.push(AtRisk {
            who: who(customers, &customer),
            subscription_id: sub,
            tier,
            status,
            payment_failed_at: payment.failed_at,
            failed_attempts: payment.failed_attempts,
            next_payment_attempt: payment.next_attempt,
            unpaid_invoice_id: payment.invoice_id,
            access: standing.access,
            grace_until: standing.grace_until,
        });
    }
    at_risk.sort_by(|a, b| {
        a.payment_failed_at
            .cmp(&b.payment_failed_at)
            .then_with(|| a.who.customer_id.cmp(&b.who.customer_id))
    });
    Ok(at_risk)
}

/// Trials that end within [`TRIAL_DAYS`] days, soonest first.
fn trials_ending(
    subs: &[crate::domain::billing::MirrorRow],
    customers: &HashMap<String, Customer>,
    now: i64,
) -> Vec<TrialEnding> {
    let until = now.saturating_add(TRIAL_DAYS * DAY);
    let mut trials_ending: Vec<TrialEnding> = subs
        .iter()
        .filter(|s| {
            s.status == "trialing" && s.current_period_end >= now && s.current_period_end <= until
        })
        .map(|s| TrialEnding {
            who: who(customers, &s.customer_id),
            subscription_id: s.id.clone(),
            tier: s.tier.clone(),
            trial_end: s.current_period_end,
        })
        .collect();
    trials_ending.sort_by_key(|t| (t.trial_end, t.subscription_id.clone()));
    trials_ending
}

fn subscribers(
    store: &Store,
    config: &Config,
    customers: &HashMap<String, Customer>,
    now: i64,
) -> Result<SubscribersSection> {
    let at_risk = at_risk(store, config, customers, now)?;
    let subs = store.subscriptions(None)?;
    let trials_ending = trials_ending(&subs, customers, now);
    // Counted from the mirror, as "at risk" is: every subscription that has not ended
    // (`unpaid` and `paused` included, which revenue leaves out of its subscribers).
    let mut counts: std::collections::BTreeMap<(String, String), u64> = Default::default();
    for s in &subs {
        if crate::domain::billing::LIVE_STATUSES.contains(&s.status.as_str()) {
            *counts
                .entry((s.tier.clone(), s.status.clone()))
                .or_default() += 1;
        }
    }
    Ok(SubscribersSection {
        counts: counts
            .into_iter()
            .map(|((tier, status), n)| crate::domain::revenue::StatusCount {
                tier,
                status,
                subscriptions: n,
            })
            .collect(),
        at_risk,
        trials_ending,
    })
}

fn keys(store: &Store, customers: &HashMap<String, Customer>, now: i64) -> Result<KeysSection> {
    let mut by_customer: std::collections::BTreeMap<String, Vec<KeyUse>> = Default::default();
    let mut active = 0u64;
    for k in store.keys(None)? {
        if k.status(now) != crate::adapters::store::KeyState::Active {
            continue;
        }
        active += 1;
        by_customer.entry(k.customer_id).or_default().push(KeyUse {
            id: k.id,
            name: k.name,
            last_used_at: k.last_used_at,
        });
    }
    let mut out: Vec<CustomerKeys> = by_customer
        .into_iter()
        .map(|(c, mut keys)| {
            keys.sort_by(|a, b| {
                b.last_used_at
                    .cmp(&a.last_used_at)
                    .then_with(|| a.id.cmp(&b.id))
            });
            CustomerKeys {
                who: who(customers, &c),
                last_used_at: keys.iter().filter_map(|k| k.last_used_at).max(),
                keys,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.last_used_at
            .cmp(&a.last_used_at)
            .then_with(|| a.who.customer_id.cmp(&b.who.customer_id))
    });
    Ok(KeysSection {
        customers: out,
        active,
    })
}

fn webhooks(events: &EventStore, now: i64) -> Result<WebhooksSection> {
    let today = now.div_euclid(DAY) * DAY;
    let since = today - (WEBHOOK_DAYS - 1) * DAY;
    let mut days: Vec<DayOutcomes> = (0..WEBHOOK_DAYS)
        .map(|i| DayOutcomes {
            day: since + i * DAY,
            ..Default::default()
        })
        .collect();
    let mut failed_total = 0;
    for (day, status, n) in events.outcomes_by_day(since, today + DAY)? {
        let Some(d) = days.iter_mut().find(|d| d.day == day) else {
            continue;
        };
        let slot = match status.as_str() {
            "applied" => &mut d.applied,
            "ignored" => &mut d.ignored,
            "failed" => {
                failed_total += n;
                &mut d.failed
            }
            "rejected" => &mut d.rejected,
            _ => &mut d.pending,
        };
        *slot += n;
    }
    let failed = events
        .failed_since(since, FAILED_LISTED)?
        .into_iter()
        .map(|e| FailedEvent {
            id: e.id,
            kind: e.kind,
            received_at_ms: e.received_at_ms,
            detail: e.detail,
        })
        .collect();
    Ok(WebhooksSection {
        since,
        days,
        failed,
        failed_total,
    })
}
