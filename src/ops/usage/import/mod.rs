//! `usage import` as a workflow: every line parsed (on all cores) and checked, keys resolved
//! to customers against the store, then the events recorded in committed batches, all or
//! nothing per line unless invalid lines are to be skipped. Prints nothing: it returns a
//! report, or the rejected lines when it refuses.

use crate::store::{Store, UsageEvent};
use crate::usage::{self, Format, RawEvent};
use anyhow::{Context, Result};
use serde::Serialize;
use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};
use std::time::Instant;

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
    pub first_conflicts: Vec<crate::store::Conflict>,
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

/// A usage event recorded by hand (`usage record`).
#[derive(Serialize)]
pub struct Recorded {
    pub id: String,
    pub inserted: bool,
    /// The id was recorded before with the same content: counted once.
    pub duplicate: bool,
    /// The id was recorded before with other content: this event was refused (and recorded
    /// as a conflict); the stored one stays.
    pub conflict: Option<crate::store::Conflict>,
    pub customer_id: String,
    pub key_id: String,
    pub quantity: i64,
    pub timestamp: i64,
}

/// `usage record`: one event for the key `key_id` (its id given, else a random one), counted
/// once per id.
pub fn record(
    store: &mut Store,
    key_id: &str,
    id: Option<&str>,
    quantity: i64,
    at: Option<i64>,
    now: i64,
    bounds: &usage::Bounds,
) -> Result<Recorded> {
    bounds
        .quantity(quantity)
        .map_err(|e| anyhow::anyhow!("invalid --quantity: {e}"))?;
    // Without --at the time is the first record's, for an id already recorded: a retry of the
    // same call is then the same event (a duplicate), whenever it runs.
    let at = match (at, id) {
        (Some(t), _) => t,
        (None, Some(i)) => store.usage_event_time("", i)?.unwrap_or(now),
        (None, None) => now,
    };
    bounds
        .timestamp(at, now)
        .map_err(|e| anyhow::anyhow!("invalid --at: {e}"))?;
    crate::keys::not_a_full_key("--key", key_id).map_err(|e| anyhow::anyhow!(e))?;
    let key = store.key(key_id)?.ok_or_else(|| {
        anyhow::anyhow!("no API key with id {key_id} (--key takes the key id, not the key)")
    })?;
    let id = id.map_or_else(
        || {
            format!(
                "r-{}",
                crate::idempotency::random().trim_start_matches("billctl-")
            )
        },
        String::from,
    );
    let event = UsageEvent {
        source: String::new(),
        event_id: id.clone(),
        customer_id: key.customer_id.clone(),
        key_id: Some(key.id.clone()),
        quantity,
        ts: at,
        endpoint: None,
        meta: None,
        event_type: None,
    };
    let written = store
        .record_usage_checked(std::slice::from_ref(&event), now, usage::Route::Record)
        .context("failed to record the event")?;
    let inserted = written.inserted == 1;
    let conflict = written.conflicts.into_iter().next();
    Ok(Recorded {
        id,
        inserted,
        duplicate: !inserted && conflict.is_none(),
        conflict,
        customer_id: key.customer_id,
        key_id: key.id,
        quantity,
        timestamp: at,
    })
}

/// Rejects a refusal keeps to show (the count covers them all).
pub const SHOWN_REJECTS: usize = 100;
/// The longest line read; a longer one is a reject (its first bytes are kept to name it).
pub const MAX_LINE: usize = 64 * 1024;
/// A line still without its end after this many bytes is not skipped but ends the read:
/// input such as `/dev/zero` would otherwise be read for ever.
pub const MAX_ENDLESS_LINE: u64 = 16 << 20;
/// Lines read and parsed together (or fewer, when they reach [`CHUNK_BYTES`]).
const CHUNK_LINES: usize = 32_768;
const CHUNK_BYTES: usize = 8 << 20;
/// How much of an over-long line a reject keeps.
const LONG_LINE_KEPT: usize = 200;

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

/// Events gathered into batches and committed. On Postgres, batches go to parallel writers,
/// opened only once a second full batch shows that the file is more than one (a small import
/// spends no connections); the first waits here until then.
struct Batches {
    tally: Tally,
    batch: Vec<UsageEvent>,
    size: usize,
    now: i64,
    route: usage::Route,
    pool: Option<Writers>,
    waiting: Option<Vec<UsageEvent>>,
}

impl Batches {
    fn new(size: usize, now: i64, route: usage::Route) -> Batches {
        Batches {
            tally: Tally::default(),
            batch: Vec::new(),
            size: size.max(1),
            now,
            route,
            pool: None,
            waiting: None,
        }
    }

    /// Adds an event; a full batch is committed (or handed to a writer).
    fn push(&mut self, store: &mut Store, e: UsageEvent) -> Result<()> {
        self.batch.push(e);
        if self.batch.len() < self.size {
            return Ok(());
        }
        let full = std::mem::take(&mut self.batch);
        if let Some(p) = &mut self.pool {
            p.send(full)?;
        } else if !store.is_pg() {
            self.tally
                .add(commit(store, &full, self.now, self.route)?, full.len());
        } else if let Some(first) = self.waiting.take() {
            let writers = store.parallel_writers(PARALLEL_WRITERS)?;
            let mut p = Writers::new(writers, self.now, self.route)
                .ok_or_else(|| anyhow::anyhow!("no connection to write on"))?;
            p.send(first)?;
            p.send(full)?;
            self.pool = Some(p);
        } else {
            self.waiting = Some(full);
        }
        Ok(())
    }

    /// Commits what is left, waits for the writers; what every batch did.
    fn finish(mut self, store: &mut Store) -> Result<Tally> {
        if let Some(mut p) = self.pool.take() {
            p.send(std::mem::take(&mut self.batch))?;
            self.tally.merge(p.finish()?);
        }
        if let Some(first) = self.waiting.take() {
            self.tally
                .add(commit(store, &first, self.now, self.route)?, first.len());
        }
        self.tally.add(
            commit(store, &self.batch, self.now, self.route)?,
            self.batch.len(),
        );
        Ok(self.tally)
    }
}

/// How many conflicts an import lists (all are counted).
pub const CONFLICTS_LISTED: usize = 10;

impl Tally {
    /// The import's report: `read` lines, `skipped` rejected, since `started`.
    fn report(self, read: usize, skipped: usize, started: Instant) -> Report {
        let elapsed = started.elapsed();
        let written = self.written;
        Report {
            read,
            inserted: self.inserted,
            duplicates: written - self.inserted - self.conflicts,
            conflicts: self.conflicts,
            first_conflicts: self.first_conflicts,
            rejected: skipped,
            elapsed_ms: elapsed.as_millis(),
            events_per_sec: (written as f64 / elapsed.as_secs_f64().max(1e-9)) as u64,
            rejects_file: None,
            rejects_error: None,
        }
    }
}

/// What committed batches did, summed.
#[derive(Default)]
struct Tally {
    inserted: usize,
    written: usize,
    conflicts: usize,
    first_conflicts: Vec<crate::store::Conflict>,
}

impl Tally {
    /// What one committed batch of `len` events did.
    fn add(&mut self, w: crate::store::Written, len: usize) {
        self.merge(Tally {
            inserted: w.inserted,
            written: len,
            conflicts: w.conflicts.len(),
            first_conflicts: w.conflicts,
        });
    }

    fn merge(&mut self, other: Tally) {
        self.inserted += other.inserted;
        self.written += other.written;
        self.conflicts += other.conflicts;
        let room = CONFLICTS_LISTED.saturating_sub(self.first_conflicts.len());
        self.first_conflicts
            .extend(other.first_conflicts.into_iter().take(room));
    }
}

fn commit(
    store: &mut Store,
    batch: &[UsageEvent],
    now: i64,
    route: usage::Route,
) -> Result<crate::store::Written> {
    if batch.is_empty() {
        return Ok(crate::store::Written::default());
    }
    store.record_usage_checked(batch, now, route).context(
        "failed to commit a batch of events (batches already committed stay; re-running the import is safe)",
    )
}

/// Connections that commit batches at once where the store gains from it (Postgres): the
/// server then works on two batches, each on a core, while this process parses the next.
const PARALLEL_WRITERS: usize = 2;

/// Threads that commit batches, each on a connection of its own. Each batch is still one
/// transaction; they may commit in any order (a failed import keeps the batches committed
/// before it, as ever, and re-running it is safe).
struct Writers {
    work: Option<std::sync::mpsc::SyncSender<Vec<UsageEvent>>>,
    done: std::sync::mpsc::Receiver<Result<(crate::store::Written, usize)>>,
    threads: Vec<std::thread::JoinHandle<()>>,
    totals: Tally,
}

impl Writers {
    /// `None` without connections to write on (SQLite): the caller commits itself.
    fn new(stores: Vec<Store>, now: i64, route: usage::Route) -> Option<Writers> {
        if stores.is_empty() {
            return None;
        }
        let (work, queue) = std::sync::mpsc::sync_channel::<Vec<UsageEvent>>(0);
        let queue = std::sync::Arc::new(std::sync::Mutex::new(queue));
        let (report, done) = std::sync::mpsc::channel();
        let threads = stores
            .into_iter()
            .map(|mut store| {
                let (queue, report) = (queue.clone(), report.clone());
                std::thread::spawn(move || loop {
                    let next = match queue.lock() {
                        Ok(q) => q.recv(),
                        Err(_) => return,
                    };
                    let Ok(batch) = next else { return };
                    let result = commit(&mut store, &batch, now, route).map(|n| (n, batch.len()));
                    let failed = result.is_err();
                    if report.send(result).is_err() || failed {
                        return;
                    }
                })
            })
            .collect();
        Some(Writers {
            work: Some(work),
            done,
            threads,
            totals: Tally::default(),
        })
    }

    /// Adds what finished batches did; the first failure, if any.
    fn collect(&mut self) -> Result<()> {
        while let Ok(r) = self.done.try_recv() {
            let (w, len) = r?;
            self.totals.add(w, len);
        }
        Ok(())
    }

    /// Hands a batch to the next free writer (waiting for one).
    fn send(&mut self, batch: Vec<UsageEvent>) -> Result<()> {
        self.collect()?;
        if batch.is_empty() {
            return Ok(());
        }
        let sent = self.work.as_ref().is_some_and(|w| w.send(batch).is_ok());
        if !sent {
            // Every writer stopped: one failed.
            self.finish()?;
            anyhow::bail!("the import's writers stopped");
        }
        Ok(())
    }

    /// Waits for every batch; returns (inserted, written) over all, or the first failure.
    fn finish(&mut self) -> Result<Tally> {
        self.work = None;
        for t in self.threads.drain(..) {
            t.join()
                .map_err(|_| anyhow::anyhow!("an import writer panicked"))?;
        }
        self.collect()?;
        Ok(std::mem::take(&mut self.totals))
    }
}

/// One chunk of the input, parsed and resolved: its events, its rejects (both in line order)
/// and how many bytes of the input it covered.
struct Resolved {
    events: Vec<UsageEvent>,
    rejects: Vec<Reject>,
    bytes: u64,
}

/// Keys to customers and customers to whether they exist, asked of the store once each, and
/// the compaction horizon.
struct Resolver {
    key_customer: HashMap<String, Option<String>>,
    known_customer: HashMap<String, bool>,
    horizon: Option<i64>,
}

impl Resolver {
    fn new(store: &Store) -> Result<Resolver> {
        Ok(Resolver {
            key_customer: HashMap::new(),
            known_customer: HashMap::new(),
            horizon: store.compacted_before()?,
        })
    }

    /// The event as it will be stored, or why it cannot be.
    fn resolve(&mut self, store: &Store, e: RawEvent) -> Result<Result<UsageEvent, String>> {
        if let Some(h) = self.horizon.filter(|h| e.timestamp < *h) {
            return Ok(Err(format!(
                "timestamp {} is before the compacted horizon {}: raw events before it were dropped, so its id cannot be checked for duplicates",
                crate::time::utc_datetime(e.timestamp),
                crate::time::utc_date(h)
            )));
        }
        let customer = match (&e.key, &e.customer) {
            (Some(k), _) => {
                // A whole API key where its id belongs: refused without repeating it.
                if let Err(reason) = crate::keys::not_a_full_key("key", k) {
                    return Ok(Err(reason));
                }
                if !self.key_customer.contains_key(k) {
                    let c = store.key(k)?.map(|r| r.customer_id);
                    self.key_customer.insert(k.clone(), c);
                }
                match &self.key_customer[k] {
                    Some(c) => c.clone(),
                    None => return Ok(Err(format!("unknown key {k}"))),
                }
            }
            (None, Some(c)) => {
                if !self.known_customer.contains_key(c) {
                    let known = store.customer(c)?.is_some();
                    self.known_customer.insert(c.clone(), known);
                }
                if !self.known_customer[c] {
                    return Ok(Err(format!(
                        "unknown customer {c} (run 'billctl subscriptions sync')"
                    )));
                }
                c.clone()
            }
            (None, None) => unreachable!("parse requires a key or a customer"),
        };
        Ok(Ok(UsageEvent {
            source: e.source.unwrap_or_default(),
            event_id: e.id.unwrap_or_default(),
            customer_id: customer,
            key_id: e.key,
            quantity: e.quantity,
            ts: e.timestamp,
            endpoint: e.endpoint,
            meta: e.meta,
            event_type: e.event_type,
        }))
    }
}

/// Reads `input` to its end in chunks: a reader thread reads and parses the next chunks (on
/// all cores) while this thread resolves each against the store and hands it to `each`.
/// Returns the number of events read (valid or rejected; not a CSV header or a blank line).
/// A parsed chunk with its keys resolved: events to write, and the lines rejected (in line
/// order).
fn resolve(store: &mut Store, resolver: &mut Resolver, mut parsed: Parsed) -> Result<Resolved> {
    let mut rejects = std::mem::take(&mut parsed.rejects);
    let raw = std::mem::take(&mut parsed.events);
    let mut events = Vec::with_capacity(raw.len());
    for (n, e) in raw {
        match resolver.resolve(store, e)? {
            Ok(ev) => events.push(ev),
            Err(reason) => rejects.push(Reject {
                line: n,
                reason,
                input: parsed.text(n),
            }),
        }
    }
    // A whole API key or token in a rejected line is not repeated anywhere: the one redaction
    // that `serve` applies to its paths, answers and logs.
    for r in &mut rejects {
        for text in [&mut r.input, &mut r.reason] {
            if let std::borrow::Cow::Owned(shown) = crate::keys::redact(text) {
                *text = shown;
            }
        }
    }
    rejects.sort_by_key(|r| r.line);
    Ok(Resolved {
        events,
        rejects,
        bytes: parsed.bytes,
    })
}

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

/// A chunk of raw lines: their bytes end to end, where each starts and ends, the number of the
/// first, and how many bytes of the input they took (newlines and long tails included).
struct Chunk {
    buf: Vec<u8>,
    spans: Vec<(usize, usize, bool)>,
    first: usize,
    bytes: u64,
}

/// A chunk parsed: events with their line numbers, rejects, and the text to quote rejects from.
struct Parsed {
    chunk: Chunk,
    events: Vec<(usize, RawEvent)>,
    rejects: Vec<Reject>,
    /// The lines that are events or rejects: a CSV header and blank lines are neither.
    records: usize,
    bytes: u64,
}

impl Parsed {
    fn text(&self, n: usize) -> String {
        lossy(&self.chunk, n - self.chunk.first)
    }
}

/// Reads lines of at most [`MAX_LINE`] bytes (the rest of a longer one is skipped), without a
/// leading UTF-8 byte-order mark or a trailing `\r`.
struct LineReader<R> {
    r: R,
    next_line: usize,
    at_start: bool,
}

impl<R: std::io::BufRead> LineReader<R> {
    fn new(r: R) -> LineReader<R> {
        LineReader {
            r,
            next_line: 1,
            at_start: true,
        }
    }

    /// The next chunk, or `None` at the end of the input.
    fn chunk(&mut self) -> std::io::Result<Option<Chunk>> {
        let mut c = Chunk {
            buf: Vec::with_capacity(CHUNK_BYTES.min(1 << 20)),
            spans: Vec::new(),
            first: self.next_line,
            bytes: 0,
        };
        while c.spans.len() < CHUNK_LINES && c.buf.len() < CHUNK_BYTES {
            if !self.line(&mut c)? {
                break;
            }
        }
        self.next_line += c.spans.len();
        Ok((!c.spans.is_empty()).then_some(c))
    }

    /// Appends one line to `c`; false at the end of the input.
    fn line(&mut self, c: &mut Chunk) -> std::io::Result<bool> {
        let start = c.buf.len();
        let (mut long, mut any) = (false, false);
        let mut seen: u64 = 0;
        loop {
            let avail = match self.r.fill_buf() {
                Ok(a) => a,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if avail.is_empty() {
                break;
            }
            any = true;
            let (piece, used, done) = match memchr::memchr(b'\n', avail) {
                Some(i) => (&avail[..i], i + 1, true),
                None => (avail, avail.len(), false),
            };
            let room = MAX_LINE.saturating_sub(c.buf.len() - start);
            if piece.len() > room {
                long = true;
            }
            let keep = if long {
                LONG_LINE_KEPT
                    .saturating_sub(c.buf.len() - start)
                    .min(piece.len())
            } else {
                piece.len()
            };
            c.buf.extend_from_slice(&piece[..keep]);
            self.r.consume(used);
            c.bytes += used as u64;
            seen = seen.saturating_add(used as u64);
            if done {
                break;
            }
            if seen > MAX_ENDLESS_LINE {
                let n = self.next_line + c.spans.len();
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!(
                        "line {n} is over {} MiB and has not ended: not a usage file",
                        MAX_ENDLESS_LINE >> 20
                    ),
                ));
            }
        }
        if !any {
            return Ok(false);
        }
        if self.at_start {
            self.at_start = false;
            if c.buf[start..].starts_with(b"\xEF\xBB\xBF") {
                c.buf.drain(start..start + 3);
            }
        }
        if !long && c.buf.last() == Some(&b'\r') && c.buf.len() > start {
            c.buf.pop();
        }
        c.spans.push((start, c.buf.len(), long));
        Ok(true)
    }
}

/// Parses a chunk on all cores; a CSV header, if not yet seen, is its first non-blank line.
fn parse_chunk(chunk: Chunk, opts: &Options, now: i64, header: &mut Option<Vec<String>>) -> Parsed {
    let mut rejects = Vec::new();
    let mut skip = 0;
    if opts.format == Format::Csv {
        while header.is_none() && skip < chunk.spans.len() {
            let n = chunk.first + skip;
            let line = line_of(&chunk, skip);
            skip += 1;
            match line {
                Ok(l) if l.trim().is_empty() => {}
                Ok(l) => match usage::csv_header(l) {
                    Ok(h) => *header = Some(h),
                    Err(reason) => rejects.push(reject(&chunk, skip - 1, n, reason)),
                },
                Err(reason) => rejects.push(reject(&chunk, skip - 1, n, reason)),
            }
        }
    }
    let rest = chunk.spans.len() - skip;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per = rest.div_ceil(threads).max(4_096);
    let h = header.as_deref();
    let parts: Vec<_> = std::thread::scope(|s| {
        let workers: Vec<_> = (skip..chunk.spans.len())
            .step_by(per.max(1))
            .map(|from| {
                let to = (from + per).min(chunk.spans.len());
                let chunk = &chunk;
                s.spawn(move || parse_lines(chunk, from..to, h, opts, now))
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("a parser thread panicked"))
            .collect()
    });
    let mut events = Vec::with_capacity(rest);
    for (e, r) in parts {
        events.extend(e);
        rejects.extend(r);
    }
    Parsed {
        records: events.len() + rejects.len(),
        bytes: chunk.bytes,
        chunk,
        events,
        rejects,
    }
}

/// Line `i` of a chunk as text, or why it is not.
fn line_of(chunk: &Chunk, i: usize) -> Result<&str, String> {
    let (a, b, long) = chunk.spans[i];
    if long {
        return Err(format!("line is longer than {MAX_LINE} bytes"));
    }
    std::str::from_utf8(&chunk.buf[a..b])
        .map_err(|e| format!("invalid UTF-8 at byte {} of the line", e.valid_up_to() + 1))
}

/// Line `i` of a chunk as text, invalid UTF-8 replaced (to quote it in a reject).
fn lossy(chunk: &Chunk, i: usize) -> String {
    let (a, b, _) = chunk.spans[i];
    String::from_utf8_lossy(&chunk.buf[a..b]).into_owned()
}

fn reject(chunk: &Chunk, i: usize, n: usize, reason: String) -> Reject {
    Reject {
        line: n,
        reason,
        input: lossy(chunk, i),
    }
}

/// Parses lines `range` of `chunk`: CSV records under `header`, else NDJSON; each event is
/// checked against the usage bounds.
fn parse_lines(
    chunk: &Chunk,
    range: std::ops::Range<usize>,
    header: Option<&[String]>,
    opts: &Options,
    now: i64,
) -> (Vec<(usize, RawEvent)>, Vec<Reject>) {
    let mut events = Vec::with_capacity(range.len());
    let mut rejects = Vec::new();
    for i in range {
        let n = chunk.first + i;
        let line = match line_of(chunk, i) {
            Ok(l) if l.trim().is_empty() => continue,
            Ok(l) => l,
            Err(reason) => {
                rejects.push(reject(chunk, i, n, reason));
                continue;
            }
        };
        let parsed = match header {
            None => usage::parse_ndjson(line),
            Some(h) => usage::parse_csv(h, line),
        }
        .and_then(|e| opts.bounds.event(&e, now).map(|()| e));
        match parsed {
            Ok(mut e) => {
                if e.id.is_none() {
                    if !opts.derive_ids {
                        rejects.push(reject(
                            chunk,
                            i,
                            n,
                            match opts.route {
                                crate::usage::Route::Import => {
                                    "no id (pass --derive-ids to make one from the fields)"
                                }
                                _ => "no id (every event needs one: the retry of a call must repeat it)",
                            }
                            .into(),
                        ));
                        continue;
                    }
                    e.id = Some(usage::derive_id(&e));
                }
                events.push((n, e));
            }
            Err(reason) => rejects.push(reject(chunk, i, n, reason)),
        }
    }
    (events, rejects)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn store_with_customer() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let customer = crate::billing::Customer {
            id: "cus_1".into(),
            email: None,
            name: None,
            created: 1_795_000_000,
        };
        store.record(&customer, &[], 1_795_000_000).unwrap();
        (dir, store)
    }

    fn options(format: Format, skip_invalid: bool) -> Options {
        Options {
            format,
            derive_ids: false,
            skip_invalid,
            batch_size: 1,
            bounds: usage::Bounds::default(),
            route: usage::Route::Import,
        }
    }

    fn run(store: &mut Store, text: &[u8], opts: &Options) -> (Outcome, Vec<Reject>) {
        let mut seen = Vec::new();
        let bar = crate::ops::Hidden;
        let outcome = import(
            store,
            &mut Cursor::new(text.to_vec()),
            opts,
            &bar,
            &mut |r: &Reject| {
                seen.push(Reject {
                    line: r.line,
                    reason: r.reason.clone(),
                    input: r.input.clone(),
                });
                Ok(())
            },
            1_795_600_000,
        )
        .unwrap();
        (outcome, seen)
    }

    /// The workflow in process, on a real store file: all or nothing unless told to skip, then
    /// exact counts and totals, and a re-run that only finds duplicates.
    #[test]
    fn imports_into_a_temp_store_all_or_nothing_then_exactly_once() {
        let (_dir, mut store) = store_with_customer();
        let text = "{\"id\":\"a\",\"customer\":\"cus_1\",\"timestamp\":1795500000,\"quantity\":2}\n\
                    {\"id\":\"b\",\"customer\":\"cus_nope\",\"timestamp\":1795500001}\n\
                    {\"id\":\"c\",\"customer\":\"cus_1\",\"timestamp\":1795500002,\"quantity\":5}\n";
        match run(&mut store, text.as_bytes(), &options(Format::Ndjson, false)).0 {
            Outcome::Refused {
                read,
                rejected,
                first,
            } => {
                assert_eq!((read, rejected, first[0].line), (3, 1, 2));
                assert!(first[0].reason.contains("unknown customer cus_nope"));
            }
            Outcome::Imported(_) => panic!("an invalid line must refuse the import"),
        }
        assert_eq!(
            store.usage_total("cus_1").unwrap(),
            0,
            "nothing was written"
        );
        let opts = options(Format::Ndjson, true);
        let (Outcome::Imported(r), skipped) = run(&mut store, text.as_bytes(), &opts) else {
            panic!("skip_invalid imports the valid lines");
        };
        assert_eq!((r.read, r.inserted, r.duplicates, r.rejected), (3, 2, 0, 1));
        assert_eq!(skipped.iter().map(|r| r.line).collect::<Vec<_>>(), [2]);
        assert_eq!(store.usage_total("cus_1").unwrap(), 7);
        let (Outcome::Imported(again), _) = run(&mut store, text.as_bytes(), &opts) else {
            panic!("a re-run imports");
        };
        assert_eq!((again.inserted, again.duplicates), (0, 2));
        assert_eq!(store.usage_total("cus_1").unwrap(), 7, "counted once");
    }

    /// Lines in different chunks (and parser threads) keep their own numbers and file order.
    #[test]
    fn chunked_parsing_keeps_line_numbers_and_order() {
        let bad = [3usize, 32_768, 32_769, 60_001, 119_999];
        for format in [Format::Ndjson, Format::Csv] {
            let (_dir, mut store) = store_with_customer();
            let mut text = String::new();
            if format == Format::Csv {
                text.push_str("id,customer,timestamp,quantity\n");
            }
            let first = if format == Format::Csv { 2 } else { 1 };
            for n in first..=120_000usize {
                let ts = if bad.contains(&n) {
                    "nope".to_string()
                } else {
                    (1_790_000_000 + n).to_string()
                };
                if format == Format::Csv {
                    text.push_str(&format!("e{n},cus_1,{ts},1\n"));
                } else {
                    text.push_str(&format!(
                        "{{\"id\":\"e{n}\",\"customer\":\"cus_1\",\"timestamp\":\"{ts}\"}}\n"
                    ));
                }
            }
            if format == Format::Ndjson {
                text = text
                    .replace("\"timestamp\":\"1", "\"timestamp\":1")
                    .replace("\"}\n", "}\n");
                text = text.replace("\"timestamp\":\"nope}", "\"timestamp\":\"nope\"}");
            }
            let mut opts = options(format, true);
            opts.batch_size = 10_000;
            let (Outcome::Imported(r), skipped) = run(&mut store, text.as_bytes(), &opts) else {
                panic!("skip_invalid imports");
            };
            assert_eq!(
                skipped.iter().map(|r| r.line).collect::<Vec<_>>(),
                bad,
                "{format:?}"
            );
            let want = 120_000 - first + 1 - bad.len();
            assert_eq!((r.inserted, r.rejected), (want, bad.len()), "{format:?}");
            let wrong = match run(&mut store, text.as_bytes(), &options(format, false)).0 {
                Outcome::Refused { first, .. } => first.iter().map(|r| r.line).collect::<Vec<_>>(),
                Outcome::Imported(_) => panic!("refused"),
            };
            assert_eq!(wrong, bad, "{format:?}");
        }
    }

    /// A line without an end (`/dev/zero`, a stream of one byte) ends the read once it is past
    /// [`MAX_ENDLESS_LINE`], naming its line, instead of being read for ever; a long line
    /// that ends is still skipped and read past.
    #[test]
    fn an_endless_line_ends_the_read() {
        use std::io::Read as _;
        let endless = std::io::BufReader::new(std::io::repeat(0).take(1 << 40));
        let mut r = LineReader::new(b"a\nb\n".chain(endless));
        let Err(e) = r.chunk() else {
            panic!("an endless line is an error");
        };
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidData);
        assert!(e.to_string().starts_with("line 3 is over 16 MiB"), "{e}");
        let mut long = vec![b'x'; (MAX_ENDLESS_LINE as usize) - 1];
        long.extend_from_slice(b"\nnext\n");
        let mut r = LineReader::new(long.as_slice());
        let c = r.chunk().unwrap().unwrap();
        assert_eq!(c.spans.len(), 2, "the long line skipped, the next read");
        assert!(c.spans[0].2 && !c.spans[1].2);
    }

    /// A byte-order mark, CRLF line ends, invalid UTF-8 and an over-long line: the first two
    /// read as text, the last two are rejects with their line numbers.
    #[test]
    fn bom_crlf_bad_utf8_and_long_lines() {
        let (_dir, mut store) = store_with_customer();
        let mut text = b"\xEF\xBB\xBFid,customer,timestamp,quantity\r\n".to_vec();
        text.extend_from_slice(b"a,cus_1,1795500000,2\r\n");
        text.extend_from_slice(b"b,cus_1,1795500001,\xFF3\r\n");
        text.extend_from_slice(b"c,cus_1,1795500002,");
        text.extend(std::iter::repeat_n(b'9', MAX_LINE));
        text.extend_from_slice(b"\nd,cus_1,1795500003,4");
        let (Outcome::Imported(r), skipped) = run(&mut store, &text, &options(Format::Csv, true))
        else {
            panic!("imports");
        };
        assert_eq!(
            (r.read, r.inserted, r.rejected),
            (4, 2, 2),
            "the header is no event"
        );
        assert_eq!(skipped[0].line, 3);
        assert!(
            skipped[0].reason.contains("invalid UTF-8 at byte 20"),
            "{}",
            skipped[0].reason
        );
        assert_eq!(skipped[1].line, 4);
        assert!(skipped[1].reason.contains("longer than"));
        assert!(skipped[1].input.len() <= LONG_LINE_KEPT);
        assert_eq!(store.usage_total("cus_1").unwrap(), 6);
    }

    /// Quantities and times outside the bounds are rejects naming the bound.
    #[test]
    fn quantities_and_times_out_of_bounds_are_rejected() {
        let (_dir, mut store) = store_with_customer();
        let now = 1_795_600_000i64;
        let text = format!(
            "a,cus_1,{now},0\nb,cus_1,{now},1000000001\nc,cus_1,{},1\nd,cus_1,{},1\ne,cus_1,{now},1000000000\n",
            now + 301,
            now + 300
        );
        let text = format!("id,customer,timestamp,quantity\n{text}");
        let (Outcome::Imported(r), skipped) =
            run(&mut store, text.as_bytes(), &options(Format::Csv, true))
        else {
            panic!("imports");
        };
        let reasons: Vec<_> = skipped
            .iter()
            .map(|r| (r.line, r.reason.as_str()))
            .collect();
        assert_eq!(reasons.len(), 3, "{reasons:?}");
        assert!(reasons[0].1.contains("below 1") && reasons[0].0 == 2);
        assert!(reasons[1].1.contains("usage.max_quantity") && reasons[1].0 == 3);
        assert!(reasons[2].1.contains("usage.max_future_skew") && reasons[2].0 == 4);
        assert_eq!(r.inserted, 2);
        assert_eq!(store.usage_total("cus_1").unwrap(), 1_000_000_001);
    }
}
