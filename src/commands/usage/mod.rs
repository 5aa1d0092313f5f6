//! `billctl usage record|conflicts`, and the dispatch of the `usage` group.

mod import;
pub mod report;
pub mod sync;

pub use import::{RejectsLost, REJECTS_LOST};

use crate::cli::{UsageCommand, UsageConflictsArgs, UsageRecordArgs};
use crate::context::Ctx;
use crate::domain::clock::now;
use crate::ops;
use anyhow::Result;
use std::process::ExitCode;

pub fn run(ctx: &mut Ctx, cmd: UsageCommand) -> Result<ExitCode> {
    match cmd {
        UsageCommand::Record(args) => record(ctx, &args),
        UsageCommand::Import(args) => import::import(ctx, &args),
        UsageCommand::Report(args) => report::report(ctx, &args),
        UsageCommand::Alerts(args) => report::alerts(ctx, &args),
        UsageCommand::Sync(args) => sync::sync(ctx, &args),
        UsageCommand::Reconcile(args) => sync::reconcile(ctx, &args),
        UsageCommand::Compact(args) => sync::compact(ctx, &args),
        UsageCommand::Conflicts(args) => conflicts(ctx, &args),
    }
}

/// `usage conflicts`: exit 1 when any is listed (as `usage alerts`).
fn conflicts(ctx: &mut Ctx, args: &UsageConflictsArgs) -> Result<ExitCode> {
    let q = ops::usage::conflicts::Query {
        customer: args.customer.as_deref(),
        source: args.source.as_deref(),
        id: args.id.as_deref(),
        route: args.route.as_deref(),
        since: args.since,
        limit: args.limit,
    };
    let view = ops::usage::conflicts::list(ctx.store()?, &q)?;
    let empty = view.conflicts.is_empty();
    if !ctx.output.show_unless_empty(&view, empty)? {
        ctx.output.status("No usage conflicts.");
    }
    Ok(ExitCode::from(u8::from(!empty)))
}

fn record(ctx: &mut Ctx, args: &UsageRecordArgs) -> Result<ExitCode> {
    let id = args.id.as_deref();
    let bounds = crate::domain::usage::Bounds::of(&ctx.config()?.usage);
    let store = ctx.store()?;
    let recorded =
        ops::usage::import::record(store, &args.key, id, args.quantity, args.at, now(), &bounds)?;
    ctx.output.show(&recorded)?;
    // A conflict: the event was not recorded, which is a problem found (exit 1).
    Ok(ExitCode::from(u8::from(recorded.conflict.is_some())))
}
