//! `billctl revenue`.

use crate::cli::{RevenueArgs, RevenueBy};
use crate::context::Ctx;
use crate::domain::clock::now;
use crate::ops::revenue;
use crate::output::revenue::{csv_as_of, csv_by_month, html};
use anyhow::{bail, Result};
use std::process::ExitCode;

pub fn run(ctx: &mut Ctx, args: &RevenueArgs) -> Result<ExitCode> {
    if let Some(path) = &args.html {
        ctx.refuse_store_path("--html", path)?;
    }
    let now = now();
    let as_of = match args.as_of {
        // The end of that day, but never past now.
        Some(day) => day.saturating_add(86_400).min(now.saturating_add(1)),
        None => now.saturating_add(1),
    };
    if args.by == RevenueBy::Tier && (args.from.is_some() || args.to.is_some()) {
        bail!("--from and --to go with --by month");
    }
    if args.by == RevenueBy::Month || args.html.is_some() {
        return by_month(ctx, args, as_of, now);
    }
    as_of_report(ctx, args, as_of, now)
}

/// Month by month (`--by month`), and the HTML page (`--html`).
fn by_month(ctx: &mut Ctx, args: &RevenueArgs, as_of: i64, now: i64) -> Result<ExitCode> {
    let to = args.to.map_or_else(
        || crate::domain::time::month_of(as_of.saturating_sub(1)).0,
        |m| m.0,
    );
    let from = args
        .from
        .map_or_else(|| revenue::months_before(to, 11), |m| m.0);
    let months = revenue::by_month(ctx.store()?, from, to, as_of)?;
    if let Some(path) = &args.html {
        let target = super::write_private(ctx, "--html", path, &html(&months, now))?;
        match crate::output::wrote(path, target) {
            Some(line) => ctx.output.status(line),
            // The page is the data on stdout: no table after it, its warnings on stderr.
            None => {
                crate::output::Render::warnings(&months)
                    .into_iter()
                    .for_each(|w| ctx.output.warn(w));
                return Ok(ExitCode::SUCCESS);
            }
        }
    }
    if args.by == RevenueBy::Month {
        ctx.output
            .show_or_csv(&months, args.csv, || csv_by_month(&months))?;
        return Ok(ExitCode::SUCCESS);
    }
    as_of_report(ctx, args, as_of, now)
}

/// Revenue as of a moment, with the overage estimate when that moment is today.
fn as_of_report(ctx: &mut Ctx, args: &RevenueArgs, as_of: i64, now: i64) -> Result<ExitCode> {
    let mut report = revenue::as_of(ctx.store()?, as_of)?;
    if args.as_of.is_none_or(|day| day + 86_400 > now) {
        let config = ctx.config()?.clone();
        report.overage_estimate = Some(revenue::overage_estimate(ctx.store()?, &config, now)?);
    }
    ctx.output
        .show_or_csv(&report, args.csv, || csv_as_of(&report))?;
    Ok(ExitCode::SUCCESS)
}
