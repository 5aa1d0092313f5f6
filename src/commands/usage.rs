//! `billctl usage record|import`.

use crate::cli::{UsageCommand, UsageImportArgs, UsageRecordArgs};
use crate::clock::now;
use crate::context::Ctx;
use crate::ops;
use crate::store::UsageEvent;
use crate::usage::Format;
use anyhow::{anyhow, bail, Context, Result};
use serde::Serialize;
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

#[derive(Serialize)]
struct Recorded<'a> {
    id: &'a str,
    inserted: bool,
    duplicate: bool,
    customer_id: &'a str,
    key_id: &'a str,
    quantity: i64,
    timestamp: i64,
}

fn record(ctx: &mut Ctx, args: &UsageRecordArgs) -> Result<ExitCode> {
    if args.quantity < 0 {
        bail!("invalid --quantity {}: must be 0 or more", args.quantity);
    }
    let ts = args.at.unwrap_or_else(now);
    let key = ctx.store()?.key(&args.key)?.ok_or_else(|| {
        anyhow!(
            "no API key with id {} (--key takes the key id, not the key)",
            args.key
        )
    })?;
    let id = args.id.clone().unwrap_or_else(|| {
        format!(
            "r-{}",
            crate::idempotency::random().trim_start_matches("billctl-")
        )
    });
    let event = UsageEvent {
        event_id: id.clone(),
        customer_id: key.customer_id.clone(),
        key_id: Some(key.id.clone()),
        quantity: args.quantity,
        ts,
        endpoint: None,
        meta: None,
    };
    let inserted = ctx
        .store()?
        .record_usage(std::slice::from_ref(&event), now())
        .context("failed to record the event")?
        == 1;
    let view = Recorded {
        id: &id,
        inserted,
        duplicate: !inserted,
        customer_id: &key.customer_id,
        key_id: &key.id,
        quantity: args.quantity,
        timestamp: ts,
    };
    if ctx.output.json {
        ctx.output.json(&view)?;
    } else if inserted {
        ctx.output.status(format!(
            "Recorded {} for key {} ({}): event {id}.",
            args.quantity, key.id, key.customer_id
        ));
    } else {
        ctx.output
            .status(format!("Event {id} was already recorded: counted once."));
    }
    Ok(ExitCode::SUCCESS)
}

fn format_of(args: &UsageImportArgs) -> Result<Format> {
    if let Some(f) = args.format {
        return Ok(f);
    }
    let lower = args.file.to_ascii_lowercase();
    if lower.ends_with(".csv") {
        Ok(Format::Csv)
    } else if lower.ends_with(".ndjson") || lower.ends_with(".jsonl") || lower.ends_with(".json") {
        Ok(Format::Ndjson)
    } else {
        bail!(
            "cannot tell the format of {:?}: pass --format ndjson or --format csv",
            args.file
        )
    }
}

fn import(ctx: &mut Ctx, args: &UsageImportArgs) -> Result<ExitCode> {
    // A missing or unreadable file is the first thing to say, before guessing its format.
    let file = match args.file.as_str() {
        "-" => None,
        path => Some(std::fs::File::open(path).with_context(|| format!("failed to read {path}"))?),
    };
    let opts = ops::import::Options {
        format: format_of(args)?,
        derive_ids: args.derive_ids,
        skip_invalid: args.skip_invalid,
        batch_size: args.batch_size,
    };
    if args.batch_size == 0 {
        bail!("invalid --batch-size 0: must be at least 1");
    }
    let mut text = String::new();
    match file {
        None => std::io::stdin()
            .lock()
            .read_to_string(&mut text)
            .context("failed to read stdin")?,
        Some(mut f) => f
            .read_to_string(&mut text)
            .with_context(|| format!("failed to read {}", args.file))?,
    };
    let source = if args.file == "-" {
        "<stdin>"
    } else {
        args.file.as_str()
    };
    let bar = ctx.output.progress(0, "Importing");
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{msg} [{bar:30}] {pos}/{len} events ({per_sec}, {eta} left)",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    let store = ctx.store()?;
    let report = match ops::import::import(store, &text, &opts, &bar, now())? {
        ops::import::Outcome::Refused { read, rejects } => {
            bar.finish_and_clear();
            for r in &rejects {
                ctx.output
                    .notice(format!("{source}:{}: {}", r.line, r.reason));
            }
            bail!("{} of {read} lines of {source} are invalid: nothing was imported\nhint: fix them, or pass --skip-invalid --rejects FILE to import the valid lines", rejects.len());
        }
        ops::import::Outcome::Imported(report) => report,
    };
    bar.finish_and_clear();
    if let Some(path) = &args.rejects {
        let mut out = String::new();
        for r in &report.rejects {
            out.push_str(&serde_json::to_string(r)?);
            out.push('\n');
        }
        super::write_private(path, &out)?;
    }
    if ctx.output.json {
        ctx.output.json(&report)?;
    } else {
        ctx.output.data(&format!(
            "read {}, inserted {}, duplicates {}, rejected {} in {:.2}s ({} events/s)",
            report.read,
            report.inserted,
            report.duplicates,
            report.rejected,
            report.elapsed_ms as f64 / 1000.0,
            report.events_per_sec
        ))?;
        if let (Some(p), false) = (&args.rejects, report.rejects.is_empty()) {
            ctx.output.warn(format!(
                "{} rejected lines written to {}",
                report.rejects.len(),
                p.display()
            ));
        }
    }
    Ok(ExitCode::SUCCESS)
}
