//! `billctl invoices list`.

use crate::cli::InvoicesListArgs;
use crate::context::Ctx;
use crate::money::money;
use crate::time::utc_date;
use anyhow::{Context, Result};
use comfy_table::Cell;
use std::process::ExitCode;

pub fn list(ctx: &mut Ctx, args: &InvoicesListArgs) -> Result<ExitCode> {
    let stripe = ctx.stripe()?;
    super::existing_customer(ctx, &args.customer)?;
    let invoices = ctx
        .block_on(stripe.invoices(&args.customer))?
        .context("failed to list invoices")?;
    if ctx.output.json {
        ctx.output.json(&invoices)?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows = invoices
        .iter()
        .map(|i| {
            vec![
                Cell::new(i.number.as_deref().unwrap_or("-")),
                Cell::new(i.status.as_deref().unwrap_or("-")),
                Cell::new(money(i.amount_due, &i.currency)),
                Cell::new(money(i.amount_paid, &i.currency)),
                Cell::new(format!(
                    "{} .. {}",
                    utc_date(i.period_start),
                    utc_date(i.period_end)
                )),
                Cell::new(i.hosted_invoice_url.as_deref().unwrap_or("-")),
            ]
        })
        .collect();
    ctx.output.data(&ctx.output.table(
        &["NUMBER", "STATUS", "DUE", "PAID", "PERIOD (UTC)", "URL"],
        rows,
    ))?;
    Ok(ExitCode::SUCCESS)
}
