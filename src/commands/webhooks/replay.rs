//! `billctl webhooks replay`: re-delivers stored events to an endpoint, printing each delivery.

use super::{endpoint_secrets, filter_of, open_events};
use crate::cli::WebhooksReplayArgs;
use crate::context::Ctx;
use crate::domain::clock::now;
use crate::ops;
use crate::ops::webhooks::EventStore;
use crate::output::delivery_printer;
use anyhow::{anyhow, Result};
use std::process::ExitCode;

pub(super) fn replay(ctx: &mut Ctx, args: &WebhooksReplayArgs) -> Result<ExitCode> {
    let mut events = open_events(ctx)?;
    let filter = filter_of(&args.ids, &args.window, args.failed);
    let (resume, to) = (args.resume.as_deref(), args.to.as_deref());
    let asked = ops::webhooks::RunOptions {
        include_unverified: args.include_unverified,
        rate: args.rate,
    };
    let sel = ops::webhooks::replay::choose(&events, resume, to, filter, asked)?;
    let url = crate::cli::parse_url("--to", &sel.target).map_err(|e| anyhow!(e))?;
    if args.dry_run {
        return replay_dry_run(ctx, &sel);
    }
    let secret = match &args.secret_env {
        Some(var) => {
            crate::adapters::secrets::secrets_from_env(std::slice::from_ref(var))?.remove(0)
        }
        None => endpoint_secrets(ctx, &[])?.secrets.remove(0),
    };
    let who = (super::super::actor(), now());
    let store = ctx.store()?;
    ops::webhooks::replay::start(&mut events, store, &sel, (&who.0, who.1))?;
    let settings = ops::webhooks::replay::Settings {
        url,
        secret,
        concurrency: args.concurrency,
        rate: sel.options.rate,
        timeout: std::time::Duration::from_secs(args.timeout),
    };
    let summary = replay_run(ctx, &mut events, sel, settings)?;
    replay_summary(ctx, &summary)
}

/// Delivers the selection with a progress bar, printing each delivery. A closed stdout stops
/// the run: no more deliveries are started, and it exits 0.
fn replay_run(
    ctx: &mut Ctx,
    events: &mut EventStore,
    sel: ops::webhooks::replay::Selection,
    settings: ops::webhooks::replay::Settings,
) -> Result<ops::webhooks::replay::Summary> {
    let bar = ctx.output.progress(sel.to_send.len() as u64, "replaying");
    ctx.output.rate_style(&bar, "events");
    let mut pipe_error: Option<anyhow::Error> = None;
    let output = ctx.output.clone();
    let on_delivery = delivery_printer(&output, &bar, &mut pipe_error);
    let run = ops::webhooks::replay::run(events, sel, settings, &bar, on_delivery);
    let summary = ctx.block_on(run)?;
    bar.finish_and_clear();
    if let Some(e) = pipe_error {
        return Err(e);
    }
    summary
}

/// `webhooks replay --dry-run`: what would be sent.
fn replay_dry_run(ctx: &mut Ctx, sel: &ops::webhooks::replay::Selection) -> Result<ExitCode> {
    for (r, _) in &sel.to_send {
        let target = &sel.target;
        ctx.output
            .show_line(&ops::webhooks::replay::WouldSend { row: r, target })?;
    }
    ctx.output.status(crate::output::dry_run_summary(sel));
    Ok(ExitCode::SUCCESS)
}

fn replay_summary(ctx: &mut Ctx, summary: &ops::webhooks::replay::Summary) -> Result<ExitCode> {
    ctx.output
        .show_line(&ops::webhooks::replay::SummaryLine { summary })?;
    Ok(ExitCode::from(u8::from(summary.failed > 0)))
}
