//! `billctl audit list`.

use crate::cli::AuditListArgs;
use crate::context::Ctx;
use crate::time::utc_datetime;
use anyhow::Result;
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
                crate::output::cell(utc_datetime(r.at)),
                crate::output::cell(&r.actor),
                crate::output::cell(&r.action),
                crate::output::cell(r.key_id.as_deref().unwrap_or("-")),
                crate::output::cell(r.customer_id.as_deref().unwrap_or("-")),
                crate::output::cell(r.reason.as_deref().unwrap_or("-")),
            ]
        })
        .collect();
    ctx.output.data(&ctx.output.table(
        &["AT (UTC)", "ACTOR", "ACTION", "KEY", "CUSTOMER", "REASON"],
        table,
    ))?;
    Ok(ExitCode::SUCCESS)
}
