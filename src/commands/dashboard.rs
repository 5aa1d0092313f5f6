//! `billctl dashboard`.

use crate::cli::DashboardArgs;
use crate::clock::now;
use crate::context::Ctx;
use crate::ops::dashboard::dashboard;
use crate::output::dashboard::page;
use anyhow::{bail, Result};
use std::io::IsTerminal;
use std::process::ExitCode;

pub fn run(ctx: &mut Ctx, args: &DashboardArgs) -> Result<ExitCode> {
    if args.out.is_none() && !ctx.output.json && std::io::stdout().is_terminal() {
        bail!("the dashboard is an HTML page: write it with --out FILE, or redirect stdout (billctl dashboard > dashboard.html)");
    }
    let config = ctx.config()?.clone();
    let events = ctx.events()?;
    let board = dashboard(ctx.store()?, &events, &config, &args.period, now())?;
    if ctx.output.json {
        ctx.output.json(&board)?;
        return Ok(ExitCode::SUCCESS);
    }
    let html = page(&board);
    match &args.out {
        Some(path) => {
            let target = super::write_private(path, &html)?;
            let to = match target {
                crate::output::Target::Stdout => "standard output".to_string(),
                _ => path.display().to_string(),
            };
            ctx.output.status(format!(
                "Wrote {to} ({} bytes, {} customers, {} charted).",
                crate::money::group(html.len() as u64),
                crate::money::group(board.usage.rows.len() as u64),
                board.usage.charted
            ));
        }
        None => ctx.output.data(&html)?,
    }
    Ok(ExitCode::SUCCESS)
}
