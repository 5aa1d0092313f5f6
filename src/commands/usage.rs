//! `billctl usage record|import`.

use crate::cli::{UsageCommand, UsageImportArgs, UsageRecordArgs};
use crate::clock::now;
use crate::context::Ctx;
use crate::ops;
use anyhow::{bail, Context, Result};
use std::io::Read;
use std::process::ExitCode;

pub fn run(ctx: &mut Ctx, cmd: UsageCommand) -> Result<ExitCode> {
    match cmd {
        UsageCommand::Record(args) => record(ctx, &args),
        UsageCommand::Import(args) => import(ctx, &args),
        UsageCommand::Report(args) => super::report::report(ctx, &args),
        UsageCommand::Alerts(args) => super::report::alerts(ctx, &args),
        UsageCommand::Sync(args) => super::sync::sync(ctx, &args),
        UsageCommand::Reconcile(args) => super::sync::reconcile(ctx, &args),
        UsageCommand::Compact(args) => super::sync::compact(ctx, &args),
    }
}

fn record(ctx: &mut Ctx, args: &UsageRecordArgs) -> Result<ExitCode> {
    let at = args.at.unwrap_or_else(now);
    let id = args.id.as_deref();
    let store = ctx.store()?;
    let recorded = ops::import::record(store, &args.key, id, args.quantity, at, now())?;
    ctx.output.show(&recorded)?;
    Ok(ExitCode::SUCCESS)
}

fn import(ctx: &mut Ctx, args: &UsageImportArgs) -> Result<ExitCode> {
    // A missing or unreadable file is the first thing to say, before guessing its format.
    let file = match args.file.as_str() {
        "-" => None,
        path => Some(std::fs::File::open(path).with_context(|| format!("failed to read {path}"))?),
    };
    let Some(format) = args
        .format
        .or_else(|| ops::import::format_of_name(&args.file))
    else {
        bail!(
            "cannot tell the format of {:?}: pass --format ndjson or --format csv",
            args.file
        );
    };
    let opts = ops::import::Options {
        format,
        derive_ids: args.derive_ids,
        skip_invalid: args.skip_invalid,
        batch_size: args.batch_size,
    };
    let (source, text) = match file {
        None => ("<stdin>", read_all(std::io::stdin().lock(), "stdin")?),
        Some(f) => (args.file.as_str(), read_all(f, &args.file)?),
    };
    let bar = ctx.output.progress(0, "Importing");
    ctx.output.rate_style(&bar, "events");
    let outcome = ops::import::import(ctx.store()?, &text, &opts, &bar, now())?;
    bar.finish_and_clear();
    let report = match outcome {
        ops::import::Outcome::Refused { read, rejects } => {
            for r in &rejects {
                ctx.output
                    .notice(format!("{source}:{}: {}", r.line, r.reason));
            }
            bail!("{} of {read} lines of {source} are invalid: nothing was imported\nhint: fix them, or pass --skip-invalid --rejects FILE to import the valid lines", rejects.len());
        }
        ops::import::Outcome::Imported(report) => report,
    };
    if let Some(path) = &args.rejects {
        super::write_private(path, &ops::import::rejects_jsonl(&report.rejects)?)?;
        if !report.rejects.is_empty() && !ctx.output.json {
            let n = report.rejects.len();
            ctx.output
                .warn(format!("{n} rejected lines written to {}", path.display()));
        }
    }
    ctx.output.show(&report)?;
    Ok(ExitCode::SUCCESS)
}

fn read_all(mut from: impl Read, name: &str) -> Result<String> {
    let mut text = String::new();
    from.read_to_string(&mut text)
        .with_context(|| format!("failed to read {name}"))?;
    Ok(text)
}
