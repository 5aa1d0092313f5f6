//! `usage sync` (local usage -> Stripe meter events, through the ledger), `usage reconcile`
//! (local daily totals against Stripe's meter summaries) and `usage compact` (drop old raw
//! events, keep rollups).

use crate::cli::{UsageCompactArgs, UsageReconcileArgs, UsageSyncArgs};
use crate::clock::now;
use crate::context::Ctx;
use crate::store::LedgerRow;
use crate::stripe::{Error as StripeError, Stripe};
use crate::time::{utc_date, utc_datetime};
use anyhow::{anyhow, bail, Context, Result};
use comfy_table::{Cell, Color};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Stripe accepts meter events up to 35 days old.
const STRIPE_PAST_WINDOW: i64 = 35 * 86_400;
/// Stripe deduplicates identifiers for at least 24 hours; a pending event older than this is
/// checked against the meter's summaries instead of being re-sent blindly.
const IDENTIFIER_WINDOW: i64 = 23 * 3600;
/// Ledger outcomes are committed after this many sends (and at the end).
const SETTLE_EVERY: usize = 200;

fn meter_spec(ctx: &mut Ctx) -> Result<crate::config::MeterSpec> {
    let config = ctx.config()?;
    config.meter.clone().ok_or_else(|| {
        anyhow!(
            "{} declares no [meter]: usage sync and reconcile need one\nhint: add a [meter] table with an event_name (see config/billctl.example.toml) and run 'billctl setup-products'",
            config.source
        )
    })
}

fn live_meter(ctx: &mut Ctx, stripe: &Stripe, spec: &crate::config::MeterSpec) -> Result<String> {
    let meter = ctx
        .block_on(stripe.find_meter(spec))?
        .context("failed to read the meters from Stripe")?;
    match meter {
        Some(m) if m.active => Ok(m.id),
        Some(m) => bail!(
            "the Stripe meter {} for event {} is inactive\nhint: run 'billctl setup-products' to reactivate it",
            m.id,
            spec.event_name
        ),
        None => bail!(
            "Stripe has no meter for event {}\nhint: run 'billctl setup-products' to create it",
            spec.event_name
        ),
    }
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
struct SyncView {
    dry_run: bool,
    /// The meter's event name.
    #[serde(rename = "event_name")]
    meter: String,
    windows: usize,
    sent: usize,
    quantity_sent: i64,
    failed: usize,
    pending: usize,
    /// Pending events older than Stripe's identifier window found in (or missing from) the meter.
    resolved_stale: usize,
    elapsed_ms: u128,
    failures: Vec<FailureView>,
}

#[derive(Serialize)]
struct FailureView {
    customer_id: String,
    window: i64,
    identifier: String,
    quantity: i64,
    error: String,
}

pub fn sync(ctx: &mut Ctx, args: &UsageSyncArgs) -> Result<ExitCode> {
    let started = Instant::now();
    if args.concurrency == 0 {
        bail!("invalid --concurrency 0: must be at least 1");
    }
    let rate = match args.rate {
        Some(0) => bail!("invalid --rate 0: must be at least 1 event per second"),
        Some(r) => r,
        None => ctx.config()?.usage.sync_rate,
    };
    let spec = meter_spec(ctx)?;
    let t = now();
    // The first whole hour Stripe still accepts events for, with an hour to spare.
    let oldest = (t - STRIPE_PAST_WINDOW).div_euclid(3600) * 3600 + 3600;
    let since = args.since.unwrap_or(oldest).div_euclid(3600) * 3600;
    if since < oldest {
        bail!(
            "--since {} is older than Stripe accepts meter events (35 days): use {} or later",
            utc_datetime(since),
            utc_datetime(oldest)
        );
    }

    if args.dry_run {
        let deltas = ctx.store()?.unsent_windows(&spec.event_name, since)?;
        let unsent: Vec<_> = deltas.iter().filter(|d| d.local > d.accounted).collect();
        let view = SyncView {
            dry_run: true,
            meter: spec.event_name.clone(),
            windows: unsent.len(),
            quantity_sent: unsent.iter().map(|d| d.local - d.accounted).sum(),
            pending: ctx.store()?.pending_meter_events(&spec.event_name)?.len(),
            elapsed_ms: started.elapsed().as_millis(),
            ..SyncView::default()
        };
        if ctx.output.json {
            ctx.output.json(&view)?;
        } else {
            let rows = unsent
                .iter()
                .map(|d| {
                    vec![
                        Cell::new(&d.customer),
                        Cell::new(utc_datetime(d.window)),
                        Cell::new(d.local),
                        Cell::new(d.accounted),
                        Cell::new(d.local - d.accounted),
                    ]
                })
                .collect();
            ctx.output.data(
                &ctx.output
                    .table(&["CUSTOMER", "HOUR", "LOCAL", "SENT", "TO SEND"], rows),
            )?;
            ctx.output.status(format!(
                "Dry run: would send {} meter events ({} units) to {}, plus {} pending from earlier runs.",
                view.windows, view.quantity_sent, spec.event_name, view.pending
            ));
        }
        return Ok(ExitCode::SUCCESS);
    }

    let stripe = ctx.stripe_for_write("send usage to the Stripe meter")?;
    let meter_id = live_meter(ctx, &stripe, &spec)?;
    let mut view = SyncView {
        meter: spec.event_name.clone(),
        ..SyncView::default()
    };

    // 1. Pending events older than Stripe's identifier window: re-sending them under the same
    //    identifier could count twice, so ask the meter whether they arrived.
    let stale: Vec<LedgerRow> = ctx
        .store()?
        .pending_meter_events(&spec.event_name)?
        .into_iter()
        .filter(|r| t - r.created_at > IDENTIFIER_WINDOW)
        .collect();
    for row in &stale {
        let summaries = ctx
            .block_on(stripe.summaries(
                &meter_id,
                &row.customer,
                row.window,
                row.window + 3600,
                true,
            ))?
            .context("failed to read the meter's summaries from Stripe")?;
        let in_stripe: f64 = summaries.iter().map(|s| s.value).sum();
        let sent = ctx
            .store()?
            .sent_in_window(&spec.event_name, &row.customer, row.window)?;
        let outcome = if in_stripe >= (sent + row.quantity) as f64 {
            Ok(())
        } else {
            Err(format!(
                "not in Stripe's meter after {} hours; its usage is sent again under a new identifier",
                (t - row.created_at) / 3600
            ))
        };
        ctx.store()?
            .settle_meter_events(&[(row.identifier.clone(), outcome)], now())?;
        view.resolved_stale += 1;
    }

    // 2. Usage not yet sent or pending, per customer and hour, becomes new pending events.
    let deltas = ctx.store()?.unsent_windows(&spec.event_name, since)?;
    for d in deltas.iter().filter(|d| d.local < d.accounted) {
        ctx.output.warn(format!(
            "{} {}: the ledger has sent {} but local usage is {}; Stripe's meter is ahead (see 'usage reconcile')",
            d.customer,
            utc_datetime(d.window),
            d.accounted,
            d.local
        ));
    }
    ctx.store()?
        .plan_meter_events(&spec.event_name, &deltas, t)
        .context("failed to record the meter events to send")?;

    // 3. Send every pending event (new ones and those an interrupted run left).
    let pending = ctx.store()?.pending_meter_events(&spec.event_name)?;
    let (sendable, too_old): (Vec<LedgerRow>, Vec<LedgerRow>) = pending
        .into_iter()
        .partition(|r| r.window >= t - STRIPE_PAST_WINDOW);
    if !too_old.is_empty() {
        let outcomes: Vec<_> = too_old
            .iter()
            .map(|r| {
                (
                    r.identifier.clone(),
                    Err("older than the 35 days Stripe accepts meter events for".to_string()),
                )
            })
            .collect();
        ctx.store()?.settle_meter_events(&outcomes, now())?;
        for r in &too_old {
            view.failed += 1;
            view.failures
                .push(failure(r, "older than the 35 days Stripe accepts"));
        }
    }
    view.windows = sendable
        .iter()
        .map(|r| (&r.customer, r.window))
        .collect::<BTreeSet<_>>()
        .len();
    let bar = ctx
        .output
        .progress(sendable.len() as u64, "Sending meter events");
    let interval = Duration::from_secs_f64(1.0 / f64::from(rate));
    let mut next_slot = tokio::time::Instant::now();
    for chunk in sendable.chunks(SETTLE_EVERY) {
        let results = ctx.block_on(send_chunk(
            &stripe,
            &spec.event_name,
            chunk,
            args.concurrency,
            interval,
            &mut next_slot,
            &bar,
        ))?;
        let mut outcomes = Vec::new();
        for (row, result) in chunk.iter().zip(results) {
            match result {
                Sent::Ok => {
                    view.sent += 1;
                    view.quantity_sent += row.quantity;
                    outcomes.push((row.identifier.clone(), Ok(())));
                }
                Sent::Refused(e) => {
                    view.failed += 1;
                    view.failures.push(failure(row, &e));
                    outcomes.push((row.identifier.clone(), Err(e)));
                }
                Sent::Unknown(e) => {
                    view.failed += 1;
                    view.failures.push(failure(row, &e));
                }
            }
        }
        ctx.store()?
            .settle_meter_events(&outcomes, now())
            .context("failed to record sent meter events in the ledger")?;
    }
    bar.finish_and_clear();
    view.pending = ctx.store()?.pending_meter_events(&spec.event_name)?.len();
    view.elapsed_ms = started.elapsed().as_millis();

    if ctx.output.json {
        ctx.output.json(&view)?;
    } else {
        for f in &view.failures {
            ctx.output.warn(format!(
                "{} {} ({} units, {}): {}",
                f.customer_id,
                utc_datetime(f.window),
                f.quantity,
                f.identifier,
                f.error
            ));
        }
        ctx.output.status(format!(
            "Sent {} meter events ({} units) to {} over {} customer-hours in {:.1}s; {} failed, {} still pending.",
            view.sent,
            view.quantity_sent,
            spec.event_name,
            view.windows,
            view.elapsed_ms as f64 / 1000.0,
            view.failed,
            view.pending
        ));
        if view.failed > 0 {
            ctx.output.status(
                "Events without an answer stay pending and are sent again, under the same identifier, by the next 'billctl usage sync'.",
            );
        }
    }
    Ok(if view.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
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
    stripe: &Stripe,
    event_name: &str,
    rows: &[LedgerRow],
    concurrency: usize,
    interval: Duration,
    next_slot: &mut tokio::time::Instant,
    bar: &indicatif::ProgressBar,
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
struct Difference {
    customer_id: String,
    day: i64,
    local: i64,
    stripe: f64,
    difference: f64,
}

#[derive(Serialize)]
struct ReconcileView {
    from: i64,
    to: i64,
    customers: usize,
    days_compared: usize,
    differences: Vec<Difference>,
}

pub fn reconcile(ctx: &mut Ctx, args: &UsageReconcileArgs) -> Result<ExitCode> {
    let today = now().div_euclid(86_400) * 86_400;
    let to = args.to.unwrap_or(today + 86_400);
    let from = args.from.unwrap_or(to - 30 * 86_400);
    if to <= from {
        bail!(
            "--to {} must be after --from {}",
            utc_date(to),
            utc_date(from)
        );
    }
    let spec = meter_spec(ctx)?;
    let stripe = ctx.stripe()?;
    let meter_id = live_meter(ctx, &stripe, &spec)?;
    // Local daily totals per customer; customers the ledger sent for are compared too (a
    // meter total with no local usage is a difference).
    let mut local: BTreeMap<String, BTreeMap<i64, i64>> = BTreeMap::new();
    for (c, d, q) in ctx.store()?.daily_totals(from, to)? {
        local.entry(c).or_default().insert(d, q);
    }
    for r in ctx.store()?.ledger(&spec.event_name, None)? {
        if r.window >= from && r.window < to {
            local.entry(r.customer).or_default();
        }
    }
    if let Some(c) = &args.customer {
        local.retain(|k, _| k == c);
        local.entry(c.clone()).or_default();
    }
    let bar = ctx
        .output
        .progress(local.len() as u64, "Reading meter summaries");
    let mut differences = Vec::new();
    let mut days_compared = 0;
    // One summaries read per customer, independent of each other: up to 8 in flight.
    let all_summaries = ctx.block_on(async {
        use futures_util::stream::{self, StreamExt};
        stream::iter(
            local
                .keys()
                .map(|c| stripe.summaries(&meter_id, c, from, to, false)),
        )
        .buffered(8)
        .inspect(|_| bar.inc(1))
        .collect::<Vec<_>>()
        .await
    })?;
    for ((customer, days), summaries) in local.iter().zip(all_summaries) {
        let summaries = summaries
            .with_context(|| format!("failed to read the meter summaries of {customer}"))?;
        let remote: BTreeMap<i64, f64> = summaries.iter().map(|s| (s.start, s.value)).collect();
        let all: BTreeSet<i64> = days.keys().chain(remote.keys()).copied().collect();
        for d in all {
            days_compared += 1;
            let l = days.get(&d).copied().unwrap_or(0);
            let r = remote.get(&d).copied().unwrap_or(0.0);
            if (l as f64 - r).abs() > 1e-9 {
                differences.push(Difference {
                    customer_id: customer.clone(),
                    day: d,
                    local: l,
                    stripe: r,
                    difference: l as f64 - r,
                });
            }
        }
    }
    bar.finish_and_clear();
    let view = ReconcileView {
        from,
        to,
        customers: local.len(),
        days_compared,
        differences,
    };
    if ctx.output.json {
        ctx.output.json(&view)?;
    } else if view.differences.is_empty() {
        ctx.output.data(&format!(
            "No differences: {} customers, {} customer-days from {} to {} match the meter {}.",
            view.customers,
            view.days_compared,
            utc_date(view.from),
            utc_date(view.to),
            spec.event_name
        ))?;
    } else {
        let rows = view
            .differences
            .iter()
            .map(|d| {
                vec![
                    Cell::new(&d.customer_id),
                    Cell::new(utc_date(d.day)),
                    Cell::new(d.local),
                    Cell::new(d.stripe),
                    ctx.output.paint(format!("{:+}", d.difference), Color::Red),
                ]
            })
            .collect();
        ctx.output.data(&ctx.output.table(
            &["CUSTOMER", "DAY", "LOCAL", "STRIPE", "LOCAL - STRIPE"],
            rows,
        ))?;
        ctx.output.status(format!(
            "{} differences. Unsent usage shows as positive: run 'billctl usage sync'. Stripe processes meter events asynchronously, so the last minutes may lag.",
            view.differences.len()
        ));
    }
    Ok(if view.differences.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

#[derive(Serialize)]
struct CompactView {
    before: i64,
    horizon: i64,
    deleted: usize,
    elapsed_ms: u128,
}

pub fn compact(ctx: &mut Ctx, args: &UsageCompactArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let before = args.before;
    if args.batch_size == 0 {
        bail!("invalid --batch-size 0: must be at least 1");
    }
    let window = i64::from(ctx.config()?.usage.dedup_window_days);
    let limit = (now() - window * 86_400).div_euclid(86_400) * 86_400;
    if before > limit {
        bail!(
            "--before {} is inside the dedup window of {window} days (usage.dedup_window_days): raw events since {} keep their ids so re-delivered events are not counted twice",
            utc_date(before),
            utc_date(limit)
        );
    }
    let count = ctx.store()?.raw_events_before(before)?;
    let question = format!(
        "Drop {count} raw usage events before {}? Rollups (and reports) stay exact; events before that day can no longer be imported.",
        utc_date(before)
    );
    if !ctx.output.confirm(&question, ctx.global.yes)? {
        return super::declined(ctx, "nothing was changed");
    }
    // The horizon first: from now on, imports refuse events before it, so none can slip in
    // behind the deletion and escape deduplication.
    let horizon = ctx.store()?.set_compaction_horizon(before)?;
    let bar = ctx
        .output
        .progress(count.max(0) as u64, "Dropping raw events");
    let mut deleted = 0;
    let mut after = 0;
    loop {
        let (n, next) = ctx
            .store()?
            .delete_raw_before(before, after, args.batch_size)
            .context("failed to delete raw events")?;
        deleted += n;
        bar.inc(n as u64);
        match next {
            Some(s) => after = s,
            None => break,
        }
    }
    bar.finish_and_clear();
    let view = CompactView {
        before,
        horizon,
        deleted,
        elapsed_ms: started.elapsed().as_millis(),
    };
    if ctx.output.json {
        ctx.output.json(&view)?;
    } else {
        ctx.output.status(format!(
            "Dropped {deleted} raw events before {} in {:.1}s; rollups are unchanged. Events before {} are now refused.",
            utc_date(view.before),
            view.elapsed_ms as f64 / 1000.0,
            utc_date(view.horizon)
        ));
    }
    Ok(ExitCode::SUCCESS)
}
