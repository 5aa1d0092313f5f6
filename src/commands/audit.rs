//! `billctl audit list`.

use crate::cli::AuditListArgs;
use crate::context::Ctx;
use crate::time::utc_datetime;
use anyhow::Result;
use comfy_table::Cell;
use std::process::ExitCode;

pub fn list(ctx: &mut Ctx, args: &AuditListArgs) -> Result<ExitCode> {
    let from = args.since;
    let rows = ctx.store()?.audit(from, args.action.as_deref())?;
    if ctx.output.json {
        ctx.output.json(&rows)?;
        return Ok(ExitCode::SUCCESS);
    }
    let table = rows
        .iter()
        .map(|r| {
            vec![
                Cell::new(utc_datetime(r.at)),
                Cell::new(&r.actor),
                Cell::new(&r.action),
                Cell::new(r.key_id.as_deref().unwrap_or("-")),
                Cell::new(r.customer_id.as_deref().unwrap_or("-")),
                Cell::new(r.reason.as_deref().unwrap_or("-")),
            ]
        })
        .collect();
    ctx.output.data(&ctx.output.table(
        &["AT (UTC)", "ACTOR", "ACTION", "KEY", "CUSTOMER", "REASON"],
        table,
    ))?;
    Ok(ExitCode::SUCCESS)
}
