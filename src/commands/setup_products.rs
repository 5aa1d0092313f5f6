//! `billctl setup-products`: plan and apply the catalog.

use crate::cli::SetupProductsArgs;
use crate::context::Ctx;
use crate::domain::catalog::{Observed, Plan};
use crate::domain::clock::now;
use crate::domain::config::Config;
use crate::ops::setup::DriftMark;
use crate::ops::Writer;
use crate::ops::{self, setup::plan_view};
use crate::output::plan_table;
use crate::util::plural::count;
use anyhow::Result;
use std::process::ExitCode;

pub fn run(ctx: &mut Ctx, args: &SetupProductsArgs) -> Result<ExitCode> {
    if let Some(path) = &args.write_env {
        ctx.refuse_store_path("--write-env", path)?;
    }
    let config = ctx.config()?.clone();
    if args.plan {
        let (_, plan, _) = read(ctx, &config, args.prune, None)?;
        ctx.output.show(&plan_view(&plan))?;
        return Ok(ExitCode::SUCCESS);
    }
    // Applying writes: the live-mode check comes before anything is read.
    let writer = ctx.writer("apply the catalog")?;
    // The drift notes webhooks made before the read are the ones this run sees.
    let reading = ops::setup::reading(ctx.store()?, now())?;
    let (observed, plan, mark) = read(ctx, &config, args.prune, Some(reading))?;
    let observed = if plan.is_empty() {
        ctx.output.status("No changes: Stripe matches the config.");
        observed
    } else {
        match apply(ctx, &writer, &config, args.prune, &plan, observed)? {
            Some(after) => after,
            None => return super::declined(ctx, "nothing was changed"),
        }
    };
    let mark = mark.expect("a reading was taken: a mark is made");
    let rows = ops::setup::record_catalog(ctx.store()?, &config, (&observed, mark), now())?;
    if let Some(path) = &args.write_env {
        write_env(ctx, path, &ops::setup::env_file(&rows))?;
    }
    let result = ops::setup::result_view(plan.actions.len(), &rows, &config);
    ctx.output.show(&result)?;
    Ok(ExitCode::SUCCESS)
}

/// Reads the catalog from Stripe and plans; with `reading` (taken just before), what the
/// read saw of the drift webhooks noted.
fn read(
    ctx: &mut Ctx,
    config: &Config,
    prune: bool,
    reading: Option<ops::setup::Reading>,
) -> Result<(Observed, Plan, Option<DriftMark>)> {
    let stripe = ctx.stripe()?;
    ctx.output.status(format!(
        "Reading the catalog from Stripe ({} mode, {})...",
        mode_label(ctx.mode()),
        ops::setup::base(&stripe)
    ));
    let (observed, plan) = ctx.block_on(ops::setup::observe(&stripe, config, prune))??;
    Ok((observed, plan, reading.map(|r| r.mark(&stripe))))
}

/// Writes the `--write-env` file, and says so.
fn write_env(ctx: &mut Ctx, path: &std::path::Path, text: &str) -> Result<()> {
    let target = super::write_private(ctx, "--write-env", path, text)?;
    if let Some(line) = crate::output::wrote(path, target) {
        ctx.output.status(line);
    }
    Ok(())
}

/// The key's mode as the plan's question names it.
fn mode_label(mode: Option<crate::domain::mode::Mode>) -> &'static str {
    match mode {
        Some(crate::domain::mode::Mode::Live) => "LIVE",
        Some(m) => m.as_str(),
        None => "unknown",
    }
}

/// Shows the plan, asks, applies it in waves and records it; `None` when declined.
fn apply(
    ctx: &mut Ctx,
    stripe: &Writer,
    config: &Config,
    prune: bool,
    plan: &Plan,
    observed: Observed,
) -> Result<Option<Observed>> {
    let mode = mode_label(ctx.mode());
    let view = plan_view(plan);
    ctx.output.plan(plan_table(&ctx.output, &view));
    let question = format!(
        "Apply {} ({}) to Stripe ({mode} mode)?",
        count(view.changes, "change", "changes"),
        count(view.writes, "write", "writes")
    );
    if !ctx.confirm_write(stripe, &question)? {
        return Ok(None);
    }
    let bar = ctx.output.progress(plan.writes(), "Applying");
    let actor = super::actor();
    let applied = ops::setup::apply_recorded(
        ctx.store_and_runtime()?,
        stripe,
        (config, prune),
        (plan, observed),
        (&view, &actor),
        &bar,
    )
    .inspect_err(|_| bar.abandon())?;
    bar.finish_and_clear();
    said_applied(ctx, view.changes, applied.left);
    Ok(Some(applied.after))
}

/// What an apply of `changes` did, and the `left` places where Stripe still differs.
fn said_applied(ctx: &Ctx, changes: usize, left: usize) {
    if left > 0 {
        let places = count(left, "place", "places");
        ctx.output.warn(format!(
            "Stripe still differs from the config in {places}; run setup-products --plan to see {}",
            crate::util::plural::word(left, "it", "them")
        ));
    }
    ctx.output
        .status(format!("Applied {}.", count(changes, "change", "changes")));
}
