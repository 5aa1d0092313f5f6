//! `billctl prices check` (CI drift check) and `billctl prices list`.

use crate::catalog::Observed;
use crate::cli::PricesCheckArgs;
use crate::config::Config;
use crate::context::Ctx;
use crate::ops;
use anyhow::{Context, Result};
use std::process::ExitCode;

fn observe(ctx: &mut Ctx) -> Result<(Config, Observed)> {
    let config = ctx.config()?.clone();
    let stripe = ctx.stripe()?;
    let observed = ctx
        .block_on(stripe.observe(&config, false))?
        .context("failed to read prices from Stripe")?;
    Ok((config, observed))
}

pub fn check(ctx: &mut Ctx, args: &PricesCheckArgs) -> Result<ExitCode> {
    let (config, observed) = observe(ctx)?;
    let report = ops::prices::check(&config, &observed, args.expect.as_deref())?;
    // Catalog changes Stripe reported by webhook since the last setup-products: a hint of
    // what to look at (the check above is what decides).
    let noted = ctx.store()?.catalog_drift()?;
    if !noted.is_empty() {
        let objects: Vec<String> = noted
            .iter()
            .map(|n| format!("{} {}", n.kind, n.object_id))
            .collect();
        ctx.output.warn(format!(
            "webhooks reported {} catalog change(s) since the last setup-products: {}",
            noted.len(),
            objects.join(", ")
        ));
    }
    ctx.output.show(&report)?;
    Ok(ExitCode::from(u8::from(report.drift > 0)))
}

pub fn list(ctx: &mut Ctx) -> Result<ExitCode> {
    let (config, observed) = observe(ctx)?;
    ctx.output.show(&ops::prices::list(&config, &observed))?;
    Ok(ExitCode::SUCCESS)
}
