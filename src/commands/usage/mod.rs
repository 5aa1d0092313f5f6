//! `billctl usage record|import`.

pub mod report;
pub mod sync;

use crate::ops::usage::import::{self, Reject};

use crate::cli::{UsageCommand, UsageConflictsArgs, UsageImportArgs, UsageRecordArgs};
use crate::clock::now;
use crate::context::Ctx;
use crate::ops;
use anyhow::{bail, Context, Result};
use std::process::ExitCode;

pub fn run(ctx: &mut Ctx, cmd: UsageCommand) -> Result<ExitCode> {
    match cmd {
        UsageCommand::Record(args) => record(ctx, &args),
        UsageCommand::Import(args) => import(ctx, &args),
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
    let bounds = crate::usage::Bounds::of(&ctx.config()?.usage);
    let store = ctx.store()?;
    let recorded =
        ops::usage::import::record(store, &args.key, id, args.quantity, args.at, now(), &bounds)?;
    ctx.output.show(&recorded)?;
    // A conflict: the event was not recorded, which is a problem found (exit 1).
    Ok(ExitCode::from(u8::from(recorded.conflict.is_some())))
}

fn import(ctx: &mut Ctx, args: &UsageImportArgs) -> Result<ExitCode> {
    // A missing or unreadable file is the first thing to say, before guessing its format.
    let file = match args.file.as_str() {
        "-" => None,
        path => Some(std::fs::File::open(path).with_context(|| format!("failed to read {path}"))?),
    };
    let mut rejects = rejects_file(args, file.as_ref())?;
    let opts = import_options(ctx, args)?;
    let (source, mut input) = match file {
        Some(f) => (args.file.as_str(), f),
        // Stdin is read once into an unnamed private temporary file, so the import can check
        // every line before writing any, in bounded memory.
        None => ("<stdin>", spool_stdin()?),
    };
    let bar = ctx.output.progress(0, "Importing");
    ctx.output.bytes_style(&bar);
    let mut sink = |r: &Reject| -> Result<()> { write_reject(rejects.as_mut(), r) };
    let outcome = import::import(ctx.store()?, &mut input, &opts, &bar, &mut sink, now())?;
    bar.finish_and_clear();
    let mut report = match outcome {
        import::Outcome::Refused {
            read,
            rejected,
            first,
        } => return Err(refused(ctx, source, (read, rejected), &first)),
        import::Outcome::Imported(report) => report,
    };
    if let (Some(f), Some(path)) = (rejects, &args.rejects) {
        f.persist()?;
        report.rejects_file = Some(path.clone());
    }
    ctx.output.show(&report)?;
    // Conflicting events were refused (and recorded): a problem found, exit 1.
    Ok(ExitCode::from(u8::from(report.conflicts > 0)))
}

/// Appends a skipped line to the `--rejects` file, if there is one, as a JSON line.
fn write_reject(file: Option<&mut crate::output::PrivateFile>, r: &Reject) -> Result<()> {
    match file {
        Some(f) => {
            let mut line = serde_json::to_vec(r)?;
            line.push(b'\n');
            f.write(&line)
        }
        None => Ok(()),
    }
}

/// How to import: the format (`--format`, else the file's extension) and the checks.
fn import_options(ctx: &mut Ctx, args: &UsageImportArgs) -> Result<import::Options> {
    let Some(format) = args.format.or_else(|| import::format_of_name(&args.file)) else {
        bail!(
            "cannot tell the format of {:?}: pass --format ndjson or --format csv",
            args.file
        );
    };
    Ok(import::Options {
        format,
        derive_ids: args.derive_ids,
        skip_invalid: args.skip_invalid,
        batch_size: args.batch_size,
        bounds: crate::usage::Bounds::of(&ctx.config()?.usage),
        route: crate::usage::Route::Import,
    })
}

/// An import refused for its invalid lines: the first ones named, and the error.
fn refused(
    ctx: &Ctx,
    source: &str,
    (read, rejected): (usize, usize),
    first: &[Reject],
) -> anyhow::Error {
    let shown = crate::output::clean(source);
    for r in first {
        let reason = crate::output::clean(&r.reason);
        ctx.output.notice(format!("{shown}:{}: {reason}", r.line));
    }
    if rejected > first.len() {
        ctx.output
            .notice(format!("... and {} more", rejected - first.len()));
    }
    anyhow::anyhow!("{rejected} of {read} lines of {source} are invalid: nothing was imported\nhint: fix them, or pass --skip-invalid --rejects FILE to import the valid lines")
}

/// The `--rejects` file, checked ([`check_rejects_path`]) before anything is read.
fn rejects_file(
    args: &UsageImportArgs,
    input: Option<&std::fs::File>,
) -> Result<Option<crate::output::PrivateFile>> {
    match &args.rejects {
        Some(path) if args.skip_invalid => {
            check_rejects_path(path, input, args.force)?;
            Ok(Some(crate::output::PrivateFile::create(path)?))
        }
        _ => Ok(None),
    }
}

/// Refuses a `--rejects` path that is the input (by device and inode, so a link or another
/// name of it is caught too), or an existing regular file without `--force`.
fn check_rejects_path(
    path: &std::path::Path,
    input: Option<&std::fs::File>,
    force: bool,
) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    let Ok(target) = std::fs::metadata(path) else {
        return Ok(());
    };
    if let Some(input) = input.map(std::fs::File::metadata).transpose()? {
        if (input.dev(), input.ino()) == (target.dev(), target.ino()) {
            bail!("--rejects {} is the input file: rejects would overwrite what is being imported; name another file", path.display());
        }
    }
    if target.is_file() && !force {
        bail!(
            "--rejects {} already exists: pass --force to overwrite it, or name a new file",
            path.display()
        );
    }
    Ok(())
}

/// Standard input copied into an unnamed temporary file (mode 0600, gone when closed).
fn spool_stdin() -> Result<std::fs::File> {
    use std::io::Seek;
    let mut f = tempfile::tempfile().context("failed to create a temporary file for stdin")?;
    std::io::copy(&mut std::io::stdin().lock(), &mut f).context("failed to read stdin")?;
    f.rewind()?;
    Ok(f)
}
