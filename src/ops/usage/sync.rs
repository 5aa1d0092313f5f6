//! `usage sync` as a workflow: usage not yet sent becomes pending meter events in the ledger
//! (deterministic identifiers), pending events older than Stripe's identifier window are
//! checked against the meter's summaries, and every pending event is sent at a rate and
//! concurrency, with Stripe's answers classified (sent, refused for good, or unknown and kept
//! pending). It never holds the store across an await: it blocks on one Stripe step at a time.
//! Prints nothing.

use crate::adapters::store::{LedgerRow, Store, WindowDelta};
use crate::adapters::stripe::{Error as StripeError, Stripe, Writer};
use anyhow::{Context, Result};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// Stripe accepts meter events up to 35 days old.
const STRIPE_PAST_WINDOW: i64 = 35 * 86_400;
/// Stripe deduplicates identifiers for at least 24 hours; a pending event older than this is
/// checked against the meter's summaries instead of being re-sent blindly.
const IDENTIFIER_WINDOW: i64 = 23 * 3600;
/// Ledger outcomes are committed after this many sends (and at the end).
const SETTLE_EVERY: usize = 200;

/// The first whole hour Stripe still accepts meter events for at `now`, with an hour to spare.
pub fn oldest_hour(now: i64) -> i64 {
    (now - STRIPE_PAST_WINDOW).div_euclid(3600) * 3600 + 3600
}

/// The setting that holds the last reconcile's verdict (JSON: `at`, `from`, `to`,
/// `days_compared`, `differences`).
pub const RECONCILED: &str = "usage.reconciled";

/// The config's `[meter]`, which sync and reconcile need.
pub fn meter_spec(
    config: &crate::domain::config::Config,
) -> Result<crate::domain::catalog::MeterSpec> {
    config.meter.clone().ok_or_else(|| {
        anyhow::anyhow!(
            "{} declares no [meter]: usage sync and reconcile need one\nhint: add a [meter] table with an event_name (see config/billctl.example.toml) and run 'billctl setup-products'",
            config.source
        )
    })
}

/// The id of the active Stripe meter for `spec`, or why there is none.
pub async fn live_meter(
    stripe: &Stripe,
    spec: &crate::domain::catalog::MeterSpec,
) -> Result<String> {
    let meter = stripe
        .find_meter(spec)
        .await
        .context("failed to read the meters from Stripe")?;
    match meter {
        Some(m) if m.active => Ok(m.id),
        Some(m) => anyhow::bail!(
            "the Stripe meter {} for event {} is inactive\nhint: run 'billctl setup-products' to reactivate it",
            m.id,
            spec.event_name
        ),
        None => anyhow::bail!(
            "Stripe has no meter for event {}\nhint: run 'billctl setup-products' to create it",
            spec.event_name
        ),
    }
}

/// The hour `--since` starts at (default: the oldest Stripe accepts), or an error when Stripe
/// would refuse it.
pub fn since_hour(since: Option<i64>, now: i64) -> Result<i64> {
    let oldest = oldest_hour(now);
    let since = since.unwrap_or(oldest).div_euclid(3600) * 3600;
    if since < oldest {
        anyhow::bail!(
            "--since {} is older than Stripe accepts meter events (35 days): use {} or later",
            crate::domain::time::utc_datetime(since),
            crate::domain::time::utc_datetime(oldest)
        );
    }
    Ok(since)
}

/// How to sync.
pub struct Options {
    /// The first hour to send usage for.
    pub since: i64,
    /// Events started per second, at most.
    pub rate: u32,
    /// Events in flight, at most.
    pub concurrency: usize,
}

/// What happened to one send.
enum Sent {
    Ok,
    /// Stripe refused it for good (4xx): recorded as failed.
    Refused(String),
    /// No definite answer (network, 5xx, 429 after the retries): stays pending.
    Unknown(String),
}

fn classify(result: Result<(), StripeError>) -> Sent {
    match result {
        Ok(()) => Sent::Ok,
        Err(StripeError::Api { code, .. })
            if matches!(
                code.as_deref(),
                Some("duplicate_meter_event" | "resource_already_exists")
            ) =>
        {
            // Stripe already has this identifier: it was sent by an earlier, interrupted run.
            Sent::Ok
        }
        Err(e @ StripeError::Api { status, .. })
            if (400..500).contains(&status) && status != 429 =>
        {
            Sent::Refused(e.to_string())
        }
        Err(e) => Sent::Unknown(e.to_string()),
    }
}

#[derive(Serialize, Default)]
pub struct SyncView {
    pub dry_run: bool,
    /// The meter's event name.
    #[serde(rename = "event_name")]
    pub meter: String,
    pub windows: usize,
    pub sent: usize,
    pub quantity_sent: i64,
    pub failed: usize,
    pub pending: usize,
    /// Pending events older than Stripe's identifier window found in (or missing from) the meter.
    pub resolved_stale: usize,
    pub elapsed_ms: u128,
    pub failures: Vec<FailureView>,
    /// Customer-hours where the ledger has sent more than local usage now holds.
    #[serde(skip)]
    pub ahead: Vec<WindowDelta>,
    /// With `dry_run`: the customer-hours that would be sent.
    #[serde(skip)]
    pub unsent: Vec<WindowDelta>,
}

#[derive(Serialize)]
pub struct FailureView {
    pub customer_id: String,
    pub window: i64,
    pub identifier: String,
    pub quantity: i64,
    pub error: String,
}

/// What a sync would send, from the store alone: the report and the customer-hours.
pub fn dry_run(store: &mut Store, event_name: &str, since: i64) -> Result<SyncView> {
    let deltas = store.unsent_windows(event_name, since)?;
    let unsent: Vec<WindowDelta> = deltas
        .into_iter()
        .filter(|d| d.local > d.accounted)
        .collect();
    let view = SyncView {
        dry_run: true,
        meter: event_name.to_string(),
        windows: unsent.len(),
        quantity_sent: unsent.iter().map(|d| d.local - d.accounted).sum(),
        pending: store.pending_meter_events(event_name)?.len(),
        unsent,
        ..SyncView::default()
    };
    Ok(view)
}

/// The Stripe meter usage goes to: the event name billctl records under, and the meter's id.
#[derive(Debug, Clone, Copy)]
pub struct Meter<'a> {
    pub event_name: &'a str,
    pub id: &'a str,
}

/// Sends usage to `meter`; `progress` follows the sends and `now` is the clock.
pub fn run(
    store: &mut Store,
    rt: &tokio::runtime::Runtime,
    stripe: &Writer,
    meter: Meter<'_>,
    opts: &Options,
    progress: &dyn crate::ops::Progress,
    now: impl Fn() -> i64,
) -> Result<SyncView> {
    let Meter {
        event_name,
        id: meter_id,
    } = meter;
    let mut run = Run {
        store,
        rt,
        stripe,
        event_name,
        now: &now,
        view: SyncView {
            meter: event_name.to_string(),
            ..SyncView::default()
        },
    };
    let t = now();
    // 1. Pending events older than Stripe's identifier window: re-sending them under the same
    //    identifier could count twice, so ask the meter whether they arrived.
    run.resolve_stale(meter_id, t)?;
    // 2. Usage not yet sent or pending, per customer and hour, becomes new pending events.
    run.plan(opts.since, t)?;
    // 3. Send every pending event (new ones and those an interrupted run left).
    let pending = run.store.pending_meter_events(event_name)?;
    let (sendable, too_old): (Vec<LedgerRow>, Vec<LedgerRow>) = pending
        .into_iter()
        .partition(|r| r.window >= t - STRIPE_PAST_WINDOW);
    run.refuse_too_old(&too_old)?;
    run.send(&sendable, opts, progress)?;
    run.view.pending = run.store.pending_meter_events(event_name)?.len();
    Ok(run.view)
}

/// One `usage sync` run: what it works with, and what it found so far.
struct Run<'a> {
    store: &'a mut Store,
    rt: &'a tokio::runtime::Runtime,
    stripe: &'a Writer,
    event_name: &'a str,
    now: &'a dyn Fn() -> i64,
    view: SyncView,
}

impl Run<'_> {
    /// Settles pending events older than the identifier window by what the meter has.
    fn resolve_stale(&mut self, meter_id: &str, t: i64) -> Result<()> {
        let stale: Vec<LedgerRow> = self
            .store
            .pending_meter_events(self.event_name)?
            .into_iter()
            .filter(|r| t - r.created_at > IDENTIFIER_WINDOW)
            .collect();
        for row in &stale {
            let (from, to) = (row.window, row.window + 3600);
            let summaries = self
                .rt
                .block_on(
                    self.stripe
                        .summaries(meter_id, &row.customer, from, to, true),
                )
                .context("failed to read the meter's summaries from Stripe")?;
            let in_stripe: f64 = summaries.iter().map(|s| s.value).sum();
            let sent = self
                .store
                .sent_in_window(self.event_name, &row.customer, row.window)?;
            let outcome = if in_stripe >= (sent + row.quantity) as f64 {
                Ok(())
            } else {
                Err(format!(
                    "not in Stripe's meter after {}; its usage is sent again under a new identifier",
                    crate::util::plural::count((t - row.created_at) / 3600, "hour", "hours")
                ))
            };
            let settled = [(row.identifier.clone(), outcome)];
            self.store.settle_meter_events(&settled, (self.now)())?;
            self.view.resolved_stale += 1;
        }
        Ok(())
    }

    /// Records the usage not yet sent as pending events; notes where the ledger is ahead.
    fn plan(&mut self, since: i64, t: i64) -> Result<()> {
        let deltas = self.store.unsent_windows(self.event_name, since)?;
        // The ledger ahead of local usage: Stripe's meter has more (the caller warns).
        self.view.ahead = deltas
            .iter()
            .filter(|d| d.local < d.accounted)
            .cloned()
            .collect();
        self.store
            .plan_meter_events(self.event_name, &deltas, t)
            .context("failed to record the meter events to send")?;
        Ok(())
    }

    /// Fails the events older than Stripe accepts.
    fn refuse_too_old(&mut self, too_old: &[LedgerRow]) -> Result<()> {
        if too_old.is_empty() {
            return Ok(());
        }
        let why = "older than the 35 days Stripe accepts meter events for";
        let outcomes: Vec<_> = too_old
            .iter()
            .map(|r| (r.identifier.clone(), Err(why.to_string())))
            .collect();
        self.store.settle_meter_events(&outcomes, (self.now)())?;
        for r in too_old {
            self.view.failed += 1;
            self.view
                .failures
                .push(failure(r, "older than the 35 days Stripe accepts"));
        }
        Ok(())
    }

    /// Sends the events at the rate, settling each chunk in the ledger as it is answered.
    fn send(
        &mut self,
        sendable: &[LedgerRow],
        opts: &Options,
        progress: &dyn crate::ops::Progress,
    ) -> Result<()> {
        self.view.windows = sendable
            .iter()
            .map(|r| (&r.customer, r.window))
            .collect::<BTreeSet<_>>()
            .len();
        progress.set_len(sendable.len() as u64);
        let interval = Duration::from_secs_f64(1.0 / f64::from(opts.rate.max(1)));
        let mut next_slot = tokio::time::Instant::now();
        for chunk in sendable.chunks(SETTLE_EVERY) {
            let results = self.rt.block_on(send_chunk(
                self.stripe,
                self.event_name,
                chunk,
                opts.concurrency,
                interval,
                &mut next_slot,
                progress,
            ));
            let outcomes = self.tally(chunk, results);
            self.store
                .settle_meter_events(&outcomes, (self.now)())
                .context("failed to record sent meter events in the ledger")?;
        }
        Ok(())
    }

    /// Counts a chunk's answers; the outcomes to settle (an unknown one stays pending).
    fn tally(
        &mut self,
        chunk: &[LedgerRow],
        results: Vec<Sent>,
    ) -> Vec<(String, Result<(), String>)> {
        let mut outcomes = Vec::new();
        for (row, result) in chunk.iter().zip(results) {
            match result {
                Sent::Ok => {
                    self.view.sent += 1;
                    self.view.quantity_sent += row.quantity;
                    outcomes.push((row.identifier.clone(), Ok(())));
                }
                Sent::Refused(e) => {
                    self.view.failed += 1;
                    self.view.failures.push(failure(row, &e));
                    outcomes.push((row.identifier.clone(), Err(e)));
                }
                Sent::Unknown(e) => {
                    self.view.failed += 1;
                    self.view.failures.push(failure(row, &e));
                }
            }
        }
        outcomes
    }
}

fn failure(r: &LedgerRow, error: &str) -> FailureView {
    FailureView {
        customer_id: r.customer.clone(),
        window: r.window,
        identifier: r.identifier.clone(),
        quantity: r.quantity,
        error: error.to_string(),
    }
}

/// Sends `rows` with at most `concurrency` in flight and at most one start per `interval`;
/// returns the outcomes in the order of `rows`.
async fn send_chunk(
    stripe: &Writer,
    event_name: &str,
    rows: &[LedgerRow],
    concurrency: usize,
    interval: Duration,
    next_slot: &mut tokio::time::Instant,
    bar: &dyn crate::ops::Progress,
) -> Vec<Sent> {
    let mut set = tokio::task::JoinSet::new();
    let mut results: Vec<Option<Sent>> = (0..rows.len()).map(|_| None).collect();
    let mut queued = rows.iter().enumerate();
    loop {
        while set.len() < concurrency {
            let Some((i, row)) = queued.next() else { break };
            tokio::time::sleep_until(*next_slot).await;
            *next_slot = (*next_slot + interval).max(tokio::time::Instant::now());
            let stripe = stripe.clone();
            let (name, customer, id) = (
                event_name.to_string(),
                row.customer.clone(),
                row.identifier.clone(),
            );
            let (quantity, window) = (row.quantity, row.window);
            set.spawn(async move {
                let r = stripe
                    .send_meter_event(&name, &customer, quantity, window, &id)
                    .await;
                (i, classify(r))
            });
        }
        match set.join_next().await {
            Some(Ok((i, sent))) => {
                results[i] = Some(sent);
                bar.inc(1);
            }
            // A panicked task: its event stays pending (reported as without an answer).
            Some(Err(_)) => {}
            None => break,
        }
    }
    results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Sent::Unknown("the send did not finish".into())))
        .collect()
}

#[derive(Serialize)]
pub struct Difference {
    pub customer_id: String,
    pub day: i64,
    pub local: i64,
    pub stripe: f64,
    pub difference: f64,
}

#[derive(Serialize)]
pub struct ReconcileView {
    /// The meter's event name.
    pub event_name: String,
    pub from: i64,
    pub to: i64,
    pub customers: usize,
    pub days_compared: usize,
    pub differences: Vec<Difference>,
}

/// Compares local daily totals per customer over `range` (customers the ledger sent for
/// included; `only` narrows to one) with the meter's daily summaries, up to 8 customers read
/// at once; `progress` counts customers.
/// Local daily totals per customer in `range`; customers the ledger sent for are compared
/// too (a meter total with no local usage is a difference); only `only`, if given.
fn local_days(
    store: &Store,
    event_name: &str,
    (from, to): (i64, i64),
    only: Option<&str>,
) -> Result<BTreeMap<String, BTreeMap<i64, i64>>> {
    let mut local: BTreeMap<String, BTreeMap<i64, i64>> = BTreeMap::new();
    for (c, d, q) in store.daily_totals(from, to)? {
        local.entry(c).or_default().insert(d, q);
    }
    for r in store.ledger(event_name, None)? {
        if r.window >= from && r.window < to {
            local.entry(r.customer).or_default();
        }
    }
    if let Some(c) = only {
        local.retain(|k, _| k == c);
        local.entry(c.to_string()).or_default();
    }
    Ok(local)
}

/// Compares a customer's local days with the meter's; the days compared.
fn compare(
    customer: &str,
    days: &BTreeMap<i64, i64>,
    remote: &BTreeMap<i64, f64>,
    differences: &mut Vec<Difference>,
) -> usize {
    let all: BTreeSet<i64> = days.keys().chain(remote.keys()).copied().collect();
    for &d in &all {
        let l = days.get(&d).copied().unwrap_or(0);
        let r = remote.get(&d).copied().unwrap_or(0.0);
        if (l as f64 - r).abs() > 1e-9 {
            differences.push(Difference {
                customer_id: customer.to_string(),
                day: d,
                local: l,
                stripe: r,
                difference: l as f64 - r,
            });
        }
    }
    all.len()
}

pub fn reconcile(
    store: &mut Store,
    rt: &tokio::runtime::Runtime,
    stripe: &Stripe,
    meter: Meter<'_>,
    range: (i64, i64),
    only: Option<&str>,
    progress: &dyn crate::ops::Progress,
) -> Result<ReconcileView> {
    let Meter {
        event_name,
        id: meter_id,
    } = meter;
    let (from, to) = range;
    let local = local_days(store, event_name, range, only)?;
    progress.set_len(local.len() as u64);
    let mut differences = Vec::new();
    let mut days_compared = 0;
    // One summaries read per customer, independent of each other: up to 8 in flight.
    let all_summaries = rt.block_on(async {
        use futures_util::stream::{self, StreamExt};
        stream::iter(
            local
                .keys()
                .map(|c| stripe.summaries(meter_id, c, from, to, false)),
        )
        .buffered(8)
        .inspect(|_| progress.inc(1))
        .collect::<Vec<_>>()
        .await
    });
    for ((customer, days), summaries) in local.iter().zip(all_summaries) {
        let summaries = summaries
            .with_context(|| format!("failed to read the meter summaries of {customer}"))?;
        let remote: BTreeMap<i64, f64> = summaries.iter().map(|s| (s.start, s.value)).collect();
        days_compared += compare(customer, days, &remote, &mut differences);
    }
    // For `doctor`: the last reconcile's verdict.
    let verdict = serde_json::json!({"at": crate::domain::clock::now(), "from": from, "to": to, "days_compared": days_compared, "differences": differences.len()});
    store.put_setting(RECONCILED, &verdict.to_string())?;
    Ok(ReconcileView {
        event_name: event_name.to_string(),
        from,
        to,
        customers: local.len(),
        days_compared,
        differences,
    })
}

#[derive(Serialize)]
pub struct CompactView {
    pub before: i64,
    pub horizon: i64,
    pub deleted: usize,
    pub elapsed_ms: u128,
}

/// Drops raw events before `before` in batches, after setting the compaction horizon (so no
/// import can slip an event in behind the deletion); `progress` counts deleted events.
/// How many raw usage events lie before `before` (what `usage compact` would drop).
pub fn raw_events_before(store: &Store, before: i64) -> Result<i64> {
    store.raw_events_before(before)
}

pub fn compact(
    store: &mut Store,
    before: i64,
    batch_size: usize,
    progress: &dyn crate::ops::Progress,
) -> Result<CompactView> {
    // The horizon first: from now on, imports refuse events before it, so none can slip in
    // behind the deletion and escape deduplication.
    let horizon = store.set_compaction_horizon(before)?;
    let mut deleted = 0;
    let mut from_hour = 0;
    loop {
        let (n, next) = store
            .delete_raw_before(before, from_hour, batch_size)
            .context("failed to delete raw events")?;
        deleted += n;
        progress.inc(n as u64);
        match next {
            Some(h) => from_hour = h,
            None => break,
        }
    }
    Ok(CompactView {
        before,
        horizon,
        deleted,
        elapsed_ms: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meter(id: &str) -> Meter<'_> {
        Meter {
            event_name: "api_calls",
            id,
        }
    }

    /// Compaction in process: the horizon is set, raw events before it go in batches, and
    /// the rollups (so the totals) stay.
    #[test]
    fn compact_drops_old_raw_events_in_batches_and_keeps_rollups() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let c = crate::domain::billing::Customer {
            id: "cus_1".into(),
            email: None,
            name: None,
            created: 0,
        };
        store.record(&c, &[], 1_700_000_000).unwrap();
        let events: Vec<UsageEvent> = (0..25)
            .map(|i| UsageEvent {
                source: String::new(),
                event_id: format!("e{i}"),
                customer_id: "cus_1".into(),
                key_id: None,
                quantity: 2,
                ts: 1_700_000_000 + i * 86_400,
                endpoint: None,
                meta: None,
                event_type: None,
            })
            .collect();
        store
            .record_usage(
                &events,
                1_800_000_000,
                crate::adapters::store::Route::Import,
            )
            .unwrap();
        let before = 1_700_000_000 + 20 * 86_400;
        let bar = crate::ops::Hidden;
        let v = compact(&mut store, before, 7, &bar).unwrap();
        assert_eq!((v.deleted, v.before, v.horizon), (20, before, before));
        assert_eq!(store.raw_events_before(before).unwrap(), 0);
        assert_eq!(store.compacted_before().unwrap(), Some(before));
        assert_eq!(
            store
                .usage_in(
                    crate::domain::usage::Scope::Customer,
                    "cus_1",
                    0,
                    2_000_000_000
                )
                .unwrap(),
            50,
            "rollups keep every call"
        );
    }
    use crate::adapters::store::UsageEvent;

    /// The workflow in process, against the simulator and a temp store: usage becomes one
    /// meter event per customer and hour; a send without a definite answer stays pending and
    /// goes out on the next run; nothing is sent twice.
    #[test]
    fn sends_each_customer_hour_once_and_keeps_unanswered_ones_pending() {
        let sim = stripe_sim::StripeSim::start();
        let (stripe, rt) = crate::ops::sim_client(&sim);
        let text = format!(
            "{}\n[meter]\nevent_name = \"api_calls\"\ndisplay_name = \"API calls\"\n",
            crate::domain::config::DEFAULT_CONFIG
        );
        let config = crate::domain::config::parse(&text, "metered").unwrap();
        let bar = crate::ops::Hidden;
        let (observed, plan) = rt
            .block_on(crate::ops::setup::observe(&stripe, &config, false))
            .unwrap();
        let applied = rt
            .block_on(crate::ops::setup::apply(
                &stripe,
                &config,
                false,
                (&plan, 0),
                observed,
                &bar,
            ))
            .unwrap();
        let meter_id = applied.after.meter.expect("the meter was created").id;
        let customer = rt
            .block_on(stripe.create_customer(
                "m@example.com",
                None,
                &Default::default(),
                "k-sync-test",
            ))
            .unwrap();

        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let now = crate::domain::clock::now();
        let hour = now.div_euclid(3600) * 3600 - 3 * 3600;
        store.record(&customer, &[], now).unwrap();
        let ghost = crate::domain::billing::Customer {
            id: "cus_ghost".into(),
            email: None,
            name: None,
            created: now,
        };
        store.record(&ghost, &[], now).unwrap();
        let event = |id: &str, c: &str, ts: i64, q: i64| UsageEvent {
            source: String::new(),
            event_id: id.into(),
            customer_id: c.into(),
            key_id: None,
            quantity: q,
            ts,
            endpoint: None,
            meta: None,
            event_type: None,
        };
        store
            .record_usage(
                &[
                    event("a", &customer.id, hour + 10, 2),
                    event("b", &customer.id, hour + 20, 3),
                    event("c", &customer.id, hour + 3600, 4),
                    event("d", "cus_ghost", hour, 1),
                ],
                now,
                crate::adapters::store::Route::Import,
            )
            .unwrap();
        let opts = Options {
            since: oldest_hour(now),
            rate: 1000,
            concurrency: 1,
        };
        let clock = || now;
        let sync = |store: &mut Store| {
            run(store, &rt, &stripe, meter(&meter_id), &opts, &bar, clock).unwrap()
        };
        // Stripe takes meter events for any customer id and reports unknown ones later, so the
        // ghost's event is sent. The first send meets 500s through all its attempts: no
        // definite answer, so it stays pending and the next run sends it.
        sim.inject(
            stripe_sim::Fault::server_error()
                .times(3)
                .on("POST", "/v1/billing/meter_events"),
        );
        let r = sync(&mut store);
        assert_eq!((r.windows, r.sent, r.failed, r.pending), (3, 2, 1, 1));
        let again = sync(&mut store);
        assert_eq!(
            (again.sent, again.failed, again.pending),
            (1, 0, 0),
            "the pending one, once"
        );
        assert_eq!(r.quantity_sent + again.quantity_sent, 10);
        let third = sync(&mut store);
        assert_eq!((third.windows, third.sent), (0, 0), "nothing twice");
        let posts = sim
            .requests()
            .iter()
            .filter(|r| {
                r.method == "POST" && r.path == "/v1/billing/meter_events" && r.status == 200
            })
            .count();
        assert_eq!(posts, 3, "one accepted event per customer-hour");
        // Reconcile agrees, then finds usage that was never sent, naming customer and day.
        let day = (hour - 3600).div_euclid(86_400) * 86_400;
        let range = (day, day + 3 * 86_400);
        let v = reconcile(
            &mut store,
            &rt,
            &stripe,
            meter(&meter_id),
            range,
            None,
            &bar,
        )
        .unwrap();
        assert!(
            v.differences.is_empty(),
            "{:?}",
            v.differences
                .iter()
                .map(|d| (&d.customer_id, d.day))
                .collect::<Vec<_>>()
        );
        store
            .record_usage(
                &[event("e", &customer.id, hour + 30, 6)],
                now,
                crate::adapters::store::Route::Import,
            )
            .unwrap();
        let v = reconcile(
            &mut store,
            &rt,
            &stripe,
            meter(&meter_id),
            range,
            Some(&customer.id),
            &bar,
        )
        .unwrap();
        assert_eq!(v.customers, 1);
        assert_eq!(v.differences.len(), 1);
        assert_eq!(
            (
                v.differences[0].customer_id.as_str(),
                v.differences[0].difference
            ),
            (customer.id.as_str(), 6.0)
        );
    }
}
