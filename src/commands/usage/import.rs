//! `billctl usage import`: the input, the `--rejects` file (checked, created beside its target
//! before anything is read, put in place after the last commit), and an honest summary when
//! that file cannot be written once the events are committed.

use crate::cli::UsageImportArgs;
use crate::context::Ctx;
use crate::domain::clock::now;
use crate::ops::usage::import::{self, Reject};
use crate::output::PrivateFile;
use crate::util::plural::count;
use anyhow::{bail, Context, Result};
use std::process::ExitCode;

/// The exit code of an import whose events were committed (the summary says how many) but
/// whose `--rejects` file could not be written: the rejected lines are lost, and running the
/// same import again with another `--rejects` file writes them (the events it already
/// imported count as duplicates).
pub const REJECTS_LOST: u8 = 3;

/// The error of an import that committed its events and lost its `--rejects` file: the
/// summary is already on stdout; this is the line on stderr, and exit [`REJECTS_LOST`].
///
/// The cause is kept as text, not as a source: a closed FIFO's broken pipe must not read as
/// the closed stdout that exits 0.
#[derive(Debug)]
pub struct RejectsLost {
    message: String,
}

impl std::fmt::Display for RejectsLost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RejectsLost {}

pub fn import(ctx: &mut Ctx, args: &UsageImportArgs) -> Result<ExitCode> {
    if let Some(path) = &args.rejects {
        ctx.refuse_store_path("--rejects", path)?;
    }
    // A missing or unreadable file is the first thing to say, before guessing its format.
    let file = match args.file.as_str() {
        "-" => None,
        path => Some(std::fs::File::open(path).with_context(|| format!("failed to read {path}"))?),
    };
    let mut rejects = Rejects::open(args, file.as_ref())?;
    let opts = import_options(ctx, args)?;
    let (source, mut input) = match file {
        Some(f) => (args.file.as_str(), f),
        // Stdin is read once into an unnamed private temporary file, so the import can check
        // every line before writing any, in bounded memory.
        None => ("<stdin>", spool_stdin()?),
    };
    let bar = ctx.output.progress(0, "Importing");
    ctx.output.bytes_style(&bar);
    let mut sink = |r: &Reject| -> Result<()> {
        rejects.write(r);
        Ok(())
    };
    let outcome = import::import(ctx.store()?, &mut input, &opts, &bar, &mut sink, now())?;
    bar.finish_and_clear();
    let report = match outcome {
        import::Outcome::Refused {
            read,
            rejected,
            first,
        } => return Err(refused(ctx, source, (read, rejected), &first)),
        import::Outcome::Imported(report) => report,
    };
    summary(ctx, report, rejects.finish())
}

/// Shows what the import committed; when the `--rejects` file was lost (`lost`), says so
/// beside the counts and exits [`REJECTS_LOST`]. Conflicts alone exit 1.
fn summary(
    ctx: &mut Ctx,
    mut report: import::Report,
    (path, lost): (Option<std::path::PathBuf>, Option<anyhow::Error>),
) -> Result<ExitCode> {
    report.rejects_file = path;
    let Some(e) = lost else {
        ctx.output.show(&report)?;
        return Ok(ExitCode::from(u8::from(report.conflicts > 0)));
    };
    let file = report.rejects_file.take().unwrap_or_default();
    let message = format!(
        "imported {}, committed ({} read, {}, {}); the rejects file {} could not be written, so its {} lost: {e:#}\nhint: the events stay imported; run the same import again with another --rejects FILE to get the rejected lines (the events count as duplicates then)",
        count(report.inserted, "event", "events"),
        count(report.read, "event", "events"),
        count(report.duplicates, "duplicate", "duplicates"),
        count(report.conflicts, "conflict", "conflicts"),
        file.display(),
        count(report.rejected, "rejected line is", "rejected lines are"),
    );
    report.rejects_error = Some(format!("{e:#}"));
    ctx.output.show(&report)?;
    Err(RejectsLost { message }.into())
}

/// The `--rejects` file as the import writes it. It is created (beside its target) before
/// anything is read, so a directory that cannot take it refuses the import before it starts.
/// The first write that fails is kept and the lines after it are dropped: the import goes on
/// and its summary says the file was lost, rather than stopping between two commits.
struct Rejects {
    path: Option<std::path::PathBuf>,
    file: Option<PrivateFile>,
    failed: Option<anyhow::Error>,
}

impl Rejects {
    /// The file of `--skip-invalid --rejects`, checked ([`check_rejects_path`]) and created.
    fn open(args: &UsageImportArgs, input: Option<&std::fs::File>) -> Result<Rejects> {
        let (path, file) = match &args.rejects {
            Some(path) if args.skip_invalid => {
                check_rejects_path(path, input, args.force)?;
                (Some(path.clone()), Some(PrivateFile::create(path)?))
            }
            _ => (None, None),
        };
        Ok(Rejects {
            path,
            file,
            failed: None,
        })
    }

    /// Appends a skipped line as a JSON line, unless an earlier write failed.
    fn write(&mut self, r: &Reject) {
        let Some(f) = self.file.as_mut() else {
            return;
        };
        // The one JSON writer: a rejects file may be `-` (stdout) or a terminal's device.
        let written = crate::output::json_text(r, false)
            .map_err(anyhow::Error::from)
            .and_then(|mut line| {
                line.push('\n');
                f.write(line.as_bytes())
            });
        if let Err(e) = written {
            self.failed = Some(e);
            // Dropped unpersisted: its temporary file is removed, the target left as it was.
            self.file = None;
        }
    }

    /// Puts the file in place (after the import's last commit): its path, and why it was
    /// lost if it was.
    fn finish(self) -> (Option<std::path::PathBuf>, Option<anyhow::Error>) {
        let lost = match (self.failed, self.file, &self.path) {
            (Some(e), _, _) => Some(e),
            (None, Some(_), Some(path)) if crate::util::faults::fails("usage.rejects.persist") => {
                Some(anyhow::anyhow!(
                    "failed to write {}: fault point usage.rejects.persist",
                    path.display()
                ))
            }
            (None, Some(f), _) => f.persist().err(),
            (None, None, _) => None,
        };
        (self.path, lost)
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
        bounds: crate::domain::usage::Bounds::of(&ctx.config()?.usage),
        route: crate::domain::usage::Route::Import,
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
    let lines = count(read, "line", "lines");
    let are = crate::util::plural::word(rejected, "is", "are");
    anyhow::anyhow!("{rejected} of {lines} of {source} {are} invalid: nothing was imported\nhint: fix them, or pass --skip-invalid --rejects FILE to import the valid lines")
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
