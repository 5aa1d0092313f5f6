//! `usage sync` (local usage -> Stripe meter events, through the ledger), `usage reconcile`
//! (local daily totals against Stripe's meter summaries) and `usage compact` (drop old raw
//! events, keep rollups).

use crate::cli::{UsageCompactArgs, UsageReconcileArgs, UsageSyncArgs};
use crate::context::Ctx;
use crate::domain::clock::now;
use crate::domain::time::utc_date;
use crate::ops;
use crate::ops::Stripe;
use crate::output::sync_warnings;
use anyhow::{bail, Result};
use std::process::ExitCode;
use std::time::Instant;

fn meter_spec(ctx: &mut Ctx) -> Result<crate::domain::catalog::MeterSpec> {
    ops::usage::sync::meter_spec(ctx.config()?)
}

fn live_meter(
    ctx: &mut Ctx,
    stripe: &Stripe,
    spec: &crate::domain::catalog::MeterSpec,
) -> Result<String> {
    ctx.block_on(ops::usage::sync::live_meter(stripe, spec))?
}

pub fn sync(ctx: &mut Ctx, args: &UsageSyncArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let rate = match args.rate {
        Some(r) => r,
        None => ctx.config()?.usage.sync_rate,
    };
    let spec = meter_spec(ctx)?;
    let since = ops::usage::sync::since_hour(args.since, now())?;
    if args.dry_run {
        return dry_run(ctx, &spec.event_name, since, started);
    }
    let stripe = ctx.stripe_for_write("send usage to the Stripe meter")?;
    let meter_id = live_meter(ctx, &stripe, &spec)?;
    let meter = ops::usage::sync::Meter {
        event_name: &spec.event_name,
        id: &meter_id,
    };
    let opts = ops::usage::sync::Options {
        since,
        rate,
        concurrency: args.concurrency,
    };
    let bar = ctx.output.progress(0, "Sending meter events");
    let (store, rt) = ctx.store_and_runtime()?;
    let mut view = ops::usage::sync::run(store, rt, &stripe, meter, &opts, &bar, now)?;
    bar.finish_and_clear();
    view.elapsed_ms = started.elapsed().as_millis();
    for w in sync_warnings(&view) {
        ctx.output.warn(w);
    }
    ctx.output.show(&view)?;
    Ok(ExitCode::from(u8::from(view.failed > 0)))
}

/// `usage sync --dry-run`: what would be sent, from the store alone.
fn dry_run(ctx: &mut Ctx, event_name: &str, since: i64, started: Instant) -> Result<ExitCode> {
    let mut view = ops::usage::sync::dry_run(ctx.store()?, event_name, since)?;
    view.elapsed_ms = started.elapsed().as_millis();
    ctx.output.show(&view)?;
    Ok(ExitCode::SUCCESS)
}

pub fn reconcile(ctx: &mut Ctx, args: &UsageReconcileArgs) -> Result<ExitCode> {
    let today = now().div_euclid(86_400) * 86_400;
    let to = args.to.unwrap_or(today + 86_400);
    let from = args.from.unwrap_or(to - 30 * 86_400);
    if to <= from {
        bail!(
            "--to {} must be after --from {}: --to is the day after the last one compared \
             (exclusive), so one day is --from {} --to {}",
            utc_date(to),
            utc_date(from),
            utc_date(from),
            utc_date(from + 86_400)
        );
    }
    let spec = meter_spec(ctx)?;
    let stripe = ctx.stripe()?;
    let meter_id = live_meter(ctx, &stripe, &spec)?;
    let meter = ops::usage::sync::Meter {
        event_name: &spec.event_name,
        id: &meter_id,
    };
    let bar = ctx.output.progress(0, "Reading meter summaries");
    let range = (from, to);
    let customer = args.customer.as_deref();
    let (store, rt) = ctx.store_and_runtime()?;
    let view = ops::usage::sync::reconcile(store, rt, &stripe, meter, range, customer, &bar)?;
    bar.finish_and_clear();
    ctx.output.show(&view)?;
    Ok(ExitCode::from(u8::from(!view.differences.is_empty())))
}

pub fn compact(ctx: &mut Ctx, args: &UsageCompactArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let before = args.before;
    let window = i64::from(ctx.config()?.usage.dedup_window_days);
    let limit = (now() - window * 86_400).div_euclid(86_400) * 86_400;
    if before > limit {
        bail!(
            "--before {} is inside the dedup window of {} (usage.dedup_window_days): raw events since {} keep their ids so re-delivered events are not counted twice",
            utc_date(before),
            crate::util::plural::count(window, "day", "days"),
            utc_date(limit)
        );
    }
    let count = ops::usage::sync::raw_events_before(ctx.store()?, before)?;
    let question = format!(
        "Drop {} before {}? Rollups (and reports) stay exact; events before that day can no longer be imported.",
        crate::util::plural::count(count, "raw usage event", "raw usage events"),
        utc_date(before)
    );
    if !ctx.output.confirm(&question, ctx.global.yes)? {
        return crate::commands::declined(ctx, "nothing was changed");
    }
    let bar = ctx
        .output
        .progress(count.max(0) as u64, "Dropping raw events");
    let mut view = ops::usage::sync::compact(ctx.store()?, before, args.batch_size, &bar)?;
    bar.finish_and_clear();
    view.elapsed_ms = started.elapsed().as_millis();
    ctx.output.show(&view)?;
    Ok(ExitCode::SUCCESS)
}
