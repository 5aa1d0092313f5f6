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
    let bar = ctx.output.progress(0, "Reading meter summaries");
    let range = (from, to);
    let customer = args.customer.as_deref();
    let (store, rt) = ctx.store_and_runtime()?;
    let view = ops::sync::reconcile(
        store,
        rt,
        &stripe,
        &spec.event_name,
        &meter_id,
        range,
        customer,
        &bar,
    )?;
    bar.finish_and_clear();
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
    let bar = ctx
        .output
        .progress(count.max(0) as u64, "Dropping raw events");
    let mut view = ops::sync::compact(ctx.store()?, before, args.batch_size, &bar)?;
    bar.finish_and_clear();
    view.elapsed_ms = started.elapsed().as_millis();
    let deleted = view.deleted;
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
