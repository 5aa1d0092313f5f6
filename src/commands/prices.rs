//! `billctl prices check` (CI drift check) and `billctl prices list`.

use crate::cli::PricesCheckArgs;
use crate::context::Ctx;
use crate::domain::catalog::Observed;
use crate::domain::config::Config;
use crate::ops;
use anyhow::Result;
use std::process::ExitCode;

fn observe(ctx: &mut Ctx) -> Result<(Config, Observed)> {
    let config = ctx.config()?.clone();
    let stripe = ctx.stripe()?;
    let observed = ctx.block_on(ops::prices::observe(&stripe, &config))??;
    Ok((config, observed))
}

pub fn check(ctx: &mut Ctx, args: &PricesCheckArgs) -> Result<ExitCode> {
    let (config, observed) = observe(ctx)?;
    let mut report = ops::prices::check(&config, &observed, args.expect.as_deref())?;
    // Catalog changes Stripe reported by webhook since the last setup-products: a hint of
    // what to look at (the check above is what decides, and sets the exit code).
    report.catalog_changes = ops::prices::catalog_changes(ctx.store()?)?;
    if let Some(line) = report.changes_warning() {
        ctx.output.warn(line);
    }
    ctx.output.show(&report)?;
    Ok(ExitCode::from(u8::from(report.drift > 0)))
}

pub fn list(ctx: &mut Ctx) -> Result<ExitCode> {
    let (config, observed) = observe(ctx)?;
    ctx.output.show(&ops::prices::list(&config, &observed))?;
    Ok(ExitCode::SUCCESS)
}
