//! `billctl dashboard`.

use crate::cli::DashboardArgs;
use crate::context::Ctx;
use crate::domain::clock::now;
use crate::ops::dashboard::dashboard;
use crate::output::dashboard::page;
use anyhow::Result;
use std::process::ExitCode;

pub fn run(ctx: &mut Ctx, args: &DashboardArgs) -> Result<ExitCode> {
    if let Some(path) = &args.out {
        ctx.refuse_store_path("--out", path)?;
    }
    ctx.output.refuse_page_on_terminal(args.out.is_some(), "the dashboard is an HTML page: write it with --out FILE, or redirect stdout (billctl dashboard > dashboard.html)")?;
    let config = ctx.config()?.clone();
    let events = ctx.events()?;
    let board = dashboard(ctx.store()?, &events, &config, args.period, now())?;
    let out = args.out.as_deref();
    if !ctx.output.json {
        // The page shows them too; stderr tells whoever ran it.
        crate::output::dashboard::warnings(&board)
            .into_iter()
            .for_each(|w| ctx.output.warn(w));
    }
    if let Some((target, bytes)) = ctx.output.show_page(&board, out, || page(&board))? {
        let to = match (target, out) {
            (crate::output::Target::Stdout, _) | (_, None) => "standard output".to_string(),
            (_, Some(path)) => path.display().to_string(),
        };
        let (customers, charted) = (board.usage.rows.len() as u64, board.usage.charted);
        ctx.output.status(format!(
            "Wrote {to} ({}, {}, {charted} charted).",
            crate::util::plural::grouped(bytes as u64, "byte", "bytes"),
            crate::util::plural::grouped(customers, "customer", "customers")
        ));
    }
    Ok(ExitCode::SUCCESS)
}
