//! `usage sync` (local usage -> Stripe meter events, through the ledger), `usage reconcile`
//! (local daily totals against Stripe's meter summaries) and `usage compact` (drop old raw
//! events, keep rollups).

use crate::cli::{UsageCompactArgs, UsageReconcileArgs, UsageSyncArgs};
use crate::clock::now;
use crate::context::Ctx;
use crate::ops;
use crate::stripe::Stripe;
use crate::time::{utc_date, utc_datetime};
use anyhow::{anyhow, bail, Context, Result};
use comfy_table::{Cell, Color};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::process::ExitCode;
use std::time::Instant;

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
    let oldest = ops::sync::oldest_hour(now());
    let since = args.since.unwrap_or(oldest).div_euclid(3600) * 3600;
    if since < oldest {
        bail!(
            "--since {} is older than Stripe accepts meter events (35 days): use {} or later",
            utc_datetime(since),
            utc_datetime(oldest)
        );
    }
    if args.dry_run {
        return dry_run(ctx, &spec.event_name, since, started);
    }
    let stripe = ctx.stripe_for_write("send usage to the Stripe meter")?;
    let meter_id = live_meter(ctx, &stripe, &spec)?;
    let opts = ops::sync::Options {
        since,
        rate,
        concurrency: args.concurrency,
    };
    let bar = ctx.output.progress(0, "Sending meter events");
    let (store, rt) = ctx.store_and_runtime()?;
    let mut view = ops::sync::run(
        store,
        rt,
        &stripe,
        &spec.event_name,
        &meter_id,
        &opts,
        &bar,
        now,
    )?;
    bar.finish_and_clear();
    view.elapsed_ms = started.elapsed().as_millis();
    for d in &view.ahead {
        ctx.output.warn(format!(
            "{} {}: the ledger has sent {} but local usage is {}; Stripe's meter is ahead (see 'usage reconcile')",
            d.customer,
            utc_datetime(d.window),
            d.accounted,
            d.local
        ));
    }
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

/// `usage sync --dry-run`: what would be sent, from the store alone.
fn dry_run(ctx: &mut Ctx, event_name: &str, since: i64, started: Instant) -> Result<ExitCode> {
    let (mut view, unsent) = ops::sync::dry_run(ctx.store()?, event_name, since)?;
    view.elapsed_ms = started.elapsed().as_millis();
    if ctx.output.json {
        ctx.output.json(&view)?;
        return Ok(ExitCode::SUCCESS);
    }
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
        view.windows, view.quantity_sent, event_name, view.pending
    ));
    Ok(ExitCode::SUCCESS)
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
