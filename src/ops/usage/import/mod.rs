//! `usage import` as a workflow: every line parsed (on all cores) and checked, keys resolved
//! to customers against the store, then the events recorded in committed batches, all or
//! nothing per line unless invalid lines are to be skipped. Prints nothing: it returns a
//! report, or the rejected lines when it refuses.

mod reader;
mod record;
mod resolve;
mod writers;

pub use record::{record, Recorded};
pub use writers::CONFLICTS_LISTED;

use crate::adapters::store::Store;
use crate::domain::usage::{self, Format};
use anyhow::{Context, Result};
use reader::{parse_chunk, LineReader, Parsed};
use resolve::{resolve, Resolved, Resolver};
use serde::Serialize;
use std::io::{Read, Seek, SeekFrom};
use std::time::Instant;
use writers::Batches;

/// How to import.
pub struct Options {
    pub format: Format,
    /// Make an id from the fields of a line that has none.
    pub derive_ids: bool,
    /// Import the valid lines when some are not (else nothing is imported).
    pub skip_invalid: bool,
    /// Events per committed transaction.
    pub batch_size: usize,
    /// The bounds each event's quantity and time must keep to.
    pub bounds: usage::Bounds,
    /// The route the lines came by: conflicts are recorded under it.
    pub route: usage::Route,
}

/// A line that could not be imported.
#[derive(Serialize)]
pub struct Reject {
    pub line: usize,
    pub reason: String,
    pub input: String,
}

/// What an import did.
#[derive(Serialize)]
pub struct Report {
    pub read: usize,
    pub inserted: usize,
    /// Repeated identities (source and id) that say the same as the stored event (a
    /// re-import): skipped.
    pub duplicates: usize,
    /// Repeated identities whose customer, key, quantity, time or type differ from the stored
    /// event: the first stays, these are refused, recorded (`billctl usage conflicts`) and
    /// reported.
    pub conflicts: usize,
    /// The first few conflicts.
    pub first_conflicts: Vec<crate::adapters::store::Conflict>,
    pub rejected: usize,
    pub elapsed_ms: u128,
    pub events_per_sec: u64,
    /// Where the rejected lines were written (`--rejects`), for the warning that says so.
    #[serde(skip)]
    pub rejects_file: Option<std::path::PathBuf>,
    /// Why the `--rejects` file could not be written after the events were committed (the
    /// command then exits 3); absent when it was written or not asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rejects_error: Option<String>,
}

/// The format a file's name says, else `None`.
pub fn format_of_name(name: &str) -> Option<Format> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".csv") {
        Some(Format::Csv)
    } else if [".ndjson", ".jsonl", ".json"]
        .iter()
        .any(|e| lower.ends_with(e))
    {
        Some(Format::Ndjson)
    } else {
        None
    }
}

/// Rejects a refusal keeps to show (the count covers them all).
pub const SHOWN_REJECTS: usize = 100;
/// The longest line read; a longer one is a reject (its first bytes are kept to name it).
pub const MAX_LINE: usize = 64 * 1024;
/// A line still without its end after this many bytes is not skipped but ends the read:
/// input such as `/dev/zero` would otherwise be read for ever.
pub const MAX_ENDLESS_LINE: u64 = 16 << 20;
/// Imported, or refused because some lines are invalid (and nothing was written).
pub enum Outcome {
    Imported(Report),
    Refused {
        read: usize,
        rejected: usize,
        /// The first [`SHOWN_REJECTS`] of them, in line order.
        first: Vec<Reject>,
    },
}

/// Imports the lines of `input` into `store`, recording them at `now`.
///
/// Memory does not grow with the input: it is read and parsed in chunks while earlier chunks
/// are written. Without `skip_invalid` it is read twice, the first time only to check every
/// line, so that an invalid line anywhere means nothing is written; with it, once. `progress`
/// follows the bytes read (in both passes); `rejected` receives each skipped line, in line
/// order.
pub fn import<R: Read + Seek + Send>(
    store: &mut Store,
    input: &mut R,
    opts: &Options,
    progress: &dyn crate::ops::Progress,
    rejected: &mut dyn FnMut(&Reject) -> Result<()>,
    now: i64,
) -> Result<Outcome> {
    let started = Instant::now();
    let len = input.seek(SeekFrom::End(0))?;
    input.seek(SeekFrom::Start(0))?;
    let passes = if opts.skip_invalid { 1 } else { 2 };
    progress.set_len(len.saturating_mul(passes));
    // Each batch updates the customers' index entries and rollup rows all over the store: a
    // page cache that holds them writes each dirty page once per commit instead of spilling
    // and re-reading it (for this import only, and bounded, so memory stays flat).
    store.set_cache_mib(128)?;
    let mut resolver = Resolver::new(store)?;
    if !opts.skip_invalid {
        if let Some(refused) = check(&mut *input, opts, now, store, &mut resolver, progress)? {
            return Ok(refused);
        }
        input.seek(SeekFrom::Start(0))?;
    }
    let mut skipped = 0usize;
    let mut batches = Batches::new(opts.batch_size, now, opts.route);
    let read = scan(
        &mut *input,
        opts,
        now,
        store,
        &mut resolver,
        |store, chunk| {
            if let (false, Some(r)) = (opts.skip_invalid, chunk.rejects.first()) {
                // Every line was checked a moment ago: the file or the store changed since.
                anyhow::bail!(
                "line {} changed between the check and the import ({}); the batches already committed stay, and re-running the import is safe",
                r.line,
                r.reason
            );
            }
            for r in &chunk.rejects {
                skipped += 1;
                rejected(r)?;
            }
            for e in chunk.events {
                batches.push(store, e)?;
            }
            progress.inc(chunk.bytes);
            Ok(())
        },
    )?;
    let tally = batches.finish(store)?;
    Ok(Outcome::Imported(tally.report(read, skipped, started)))
}

/// The first pass without `--skip-invalid`: every line checked, nothing written; the refusal
/// if any line is invalid.
fn check<R: Read + Send>(
    input: &mut R,
    opts: &Options,
    now: i64,
    store: &mut Store,
    resolver: &mut Resolver,
    progress: &dyn crate::ops::Progress,
) -> Result<Option<Outcome>> {
    let (mut count, mut first) = (0, Vec::new());
    let read = scan(input, opts, now, store, resolver, |_, chunk| {
        for r in chunk.rejects {
            count += 1;
            if first.len() < SHOWN_REJECTS {
                first.push(r);
            }
        }
        progress.inc(chunk.bytes);
        Ok(())
    })?;
    Ok((count > 0).then_some(Outcome::Refused {
        read,
        rejected: count,
        first,
    }))
}

/// Reads `input` to its end in chunks: a reader thread reads and parses the next chunks (on
/// all cores) while this thread resolves each against the store and hands it to `each`.
/// Returns the number of events read (valid or rejected; not a CSV header or a blank line).
fn scan<R: Read + Send>(
    input: &mut R,
    opts: &Options,
    now: i64,
    store: &mut Store,
    resolver: &mut Resolver,
    mut each: impl FnMut(&mut Store, Resolved) -> Result<()>,
) -> Result<usize> {
    let (tx, rx) = std::sync::mpsc::sync_channel::<std::io::Result<Parsed>>(2);
    std::thread::scope(|s| {
        let reader = s.spawn(move || {
            let mut lines = LineReader::new(std::io::BufReader::with_capacity(1 << 20, input));
            let mut header: Option<Vec<String>> = None;
            loop {
                let chunk = match lines.chunk() {
                    Ok(Some(c)) => c,
                    Ok(None) => return,
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        return;
                    }
                };
                let parsed = parse_chunk(chunk, opts, now, &mut header);
                if tx.send(Ok(parsed)).is_err() {
                    return; // the consumer stopped on an error
                }
            }
        });
        let mut read = 0;
        let result = (|| -> Result<usize> {
            for parsed in rx.iter() {
                let parsed = parsed.context("failed to read the input")?;
                read += parsed.records;
                let resolved = resolve(store, resolver, parsed)?;
                each(store, resolved)?;
            }
            Ok(read)
        })();
        drop(rx);
        reader.join().expect("the reader thread panicked");
        result
    })
}

#[cfg(test)]
mod tests;
