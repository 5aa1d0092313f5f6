//! `billctl audit list`.

use crate::cli::AuditListArgs;
use crate::context::Ctx;
use crate::output::utc_datetime;
use anyhow::{anyhow, Result};
use comfy_table::Cell;
use std::process::ExitCode;

/// `2026-11-24`, unix seconds, or an age such as `7d` (seven days ago).
fn since(s: &str) -> Result<i64> {
    let s = s.trim();
    if let Ok(n) = s.parse::<i64>() {
        return Ok(n);
    }
    if let Ok(age) = crate::keys::parse_duration(s) {
        return Ok(super::now() - age);
    }
    let parts: Vec<&str> = s.split('-').collect();
    if let [y, m, d] = parts.as_slice() {
        if let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i64>(), m.parse::<u32>(), d.parse::<u32>()) {
            if (1..=12).contains(&m) && (1..=31).contains(&d) {
                return Ok(crate::output::days_from_civil(y, m, d) * 86_400);
            }
        }
    }
    Err(anyhow!(
        "invalid --since {s:?}: use a date (2026-11-24), unix seconds, or an age like 7d"
    ))
}

pub fn list(ctx: &mut Ctx, args: &AuditListArgs) -> Result<ExitCode> {
    let from = args.since.as_deref().map(since).transpose()?;
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
        assert_eq!(super::since("2026-11-24").unwrap(), 1_795_478_400);
        assert_eq!(super::since("1700000000").unwrap(), 1_700_000_000);
        assert!(super::since("7d").unwrap() < super::super::now());
        assert!(super::since("yesterday").is_err());
    }
}
