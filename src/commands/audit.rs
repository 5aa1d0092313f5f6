//! `billctl audit list`.

use crate::cli::AuditListArgs;
use crate::context::Ctx;
use crate::output::utc_datetime;
use anyhow::Result;
use comfy_table::Cell;
use std::process::ExitCode;

pub fn list(ctx: &mut Ctx, args: &AuditListArgs) -> Result<ExitCode> {
    let from = args
        .since
        .as_deref()
        .map(|s| super::instant("--since", s))
        .transpose()?;
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

#[cfg(test)]
mod tests {
    #[test]
    fn since_accepts_dates_seconds_and_ages() {
        assert_eq!(
            super::super::instant("--since", "2026-11-24").unwrap(),
            1_795_478_400
        );
        assert_eq!(
            super::super::instant("--since", "1700000000").unwrap(),
            1_700_000_000
        );
        assert!(super::super::instant("--since", "7d").unwrap() < crate::clock::now());
        assert!(super::super::instant("--since", "yesterday").is_err());
    }
}
