//! `billctl usage report` and `billctl usage alerts`.

use crate::cli::{UsageAlertsArgs, UsageReportArgs};
use crate::context::Ctx;
use crate::domain::clock::now;
use crate::ops::usage::report::{self, Query, Window};
use crate::output::csv;
use anyhow::{bail, Result};
use std::process::ExitCode;

/// `--period`, or `--from`/`--to` (clap refuses both): an open end means until now (as
/// `webhooks list --since` does); an open start, from the beginning.
fn window(args: &UsageReportArgs) -> Window {
    match (args.from, args.to) {
        (None, None) => Window::Period(args.period),
        (from, to) => Window::Range {
            from: from.unwrap_or(crate::domain::time::MIN),
            to: to.unwrap_or_else(|| now().saturating_add(1)),
        },
    }
}

pub fn report(ctx: &mut Ctx, args: &UsageReportArgs) -> Result<ExitCode> {
    if let Some(path) = &args.html {
        ctx.refuse_store_path("--html", path)?;
    }
    let q = Query {
        customer: args.customer.as_deref(),
        key: args.key.as_deref(),
        window: window(args),
        by: args.by,
    };
    let config = ctx.config()?.clone();
    let store = ctx.store()?;
    let report = report::report(store, &config, &q, now())?;
    if let Some(path) = &args.html {
        let page = crate::ops::dashboard::Dashboard::usage_only(
            crate::ops::dashboard::usage_section(store, &report, &q, now())?,
        );
        let page = crate::output::dashboard::page(&page);
        let target = crate::commands::write_private(ctx, "--html", path, &page)?;
        match crate::output::wrote(path, target) {
            Some(line) => ctx.output.status(line),
            // The page is the data on stdout: no table after it, its warnings on stderr.
            None => {
                crate::output::Render::warnings(&report)
                    .into_iter()
                    .for_each(|w| ctx.output.warn(w));
                return Ok(ExitCode::SUCCESS);
            }
        }
    }
    ctx.output
        .show_or_csv(&report, args.csv, || csv(&report.rows))?;
    Ok(ExitCode::SUCCESS)
}

pub fn alerts(ctx: &mut Ctx, args: &UsageAlertsArgs) -> Result<ExitCode> {
    if !(args.threshold.is_finite() && args.threshold >= 0.0) {
        bail!(
            "invalid --threshold {}: a percentage, 0 or more",
            args.threshold
        );
    }
    let config = ctx.config()?.clone();
    let listed = report::alerts(ctx.store()?, &config, args.threshold, now())?;
    let none = format!(
        "No customer is at or above {}% of their quota.",
        args.threshold
    );
    if !ctx
        .output
        .show_unless_empty(&listed, listed.rows.is_empty())?
    {
        ctx.output.status(none);
    }
    Ok(ExitCode::from(u8::from(!listed.rows.is_empty())))
}
