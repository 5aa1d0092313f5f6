//! `billctl usage record|import`.

use crate::cli::{UsageCommand, UsageImportArgs, UsageRecordArgs};
use crate::clock::now;
use crate::context::Ctx;
use crate::store::UsageEvent;
use crate::usage::{self, Format, RawEvent};
use anyhow::{anyhow, bail, Context, Result};
use serde::Serialize;
use std::collections::HashMap;
use std::io::Read;
use std::process::ExitCode;
use std::time::Instant;

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

/// A line that could not be imported.
#[derive(Serialize)]
struct Reject {
    line: usize,
    reason: String,
    input: String,
}

#[derive(Serialize)]
struct Summary {
    read: usize,
    inserted: usize,
    duplicates: usize,
    rejected: usize,
    elapsed_ms: u128,
    events_per_sec: u64,
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

/// Parses every line; returns the events (with their line numbers) and the rejects, both in
/// line order. Lines are parsed on all cores (the store's inserts cannot start before every line
/// is known good, so parsing is pure latency).
fn parse_all(
    lines: &[&str],
    format: Format,
    derive_ids: bool,
) -> (Vec<(usize, RawEvent)>, Vec<Reject>) {
    let mut rejects = Vec::new();
    // A CSV file's first non-blank line that is a valid header (bad ones are rejected).
    let mut start = 0;
    let mut header: Option<Vec<String>> = None;
    if format == Format::Csv {
        while start < lines.len() && header.is_none() {
            let line = lines[start];
            start += 1;
            if line.trim().is_empty() {
                continue;
            }
            match usage::csv_header(line) {
                Ok(h) => header = Some(h),
                Err(e) => rejects.push(Reject {
                    line: start,
                    reason: e,
                    input: line.into(),
                }),
            }
        }
        if header.is_none() {
            return (Vec::new(), rejects);
        }
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = (lines.len() - start).div_ceil(threads).max(50_000);
    let parts: Vec<_> = std::thread::scope(|s| {
        let header = header.as_deref();
        let workers: Vec<_> = lines[start..]
            .chunks(chunk)
            .enumerate()
            .map(|(i, part)| {
                let first = start + i * chunk + 1;
                s.spawn(move || parse_lines(part, first, header, derive_ids))
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("a parser thread panicked"))
            .collect()
    });
    let mut events = Vec::with_capacity(lines.len());
    for (e, r) in parts {
        events.extend(e);
        rejects.extend(r);
    }
    (events, rejects)
}

/// Parses `lines`, the first of which is line `first`: CSV records under `header`, else NDJSON.
fn parse_lines(
    lines: &[&str],
    first: usize,
    header: Option<&[String]>,
    derive_ids: bool,
) -> (Vec<(usize, RawEvent)>, Vec<Reject>) {
    let mut events = Vec::with_capacity(lines.len());
    let mut rejects = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let n = first + i;
        if line.trim().is_empty() {
            continue;
        }
        let parsed = match header {
            None => usage::parse_ndjson(line),
            Some(h) => usage::parse_csv(h, line),
        };
        match parsed {
            Ok(mut e) => {
                if e.id.is_none() {
                    if !derive_ids {
                        rejects.push(Reject {
                            line: n,
                            reason: "no id (pass --derive-ids to make one from the fields)".into(),
                            input: (*line).into(),
                        });
                        continue;
                    }
                    e.id = Some(usage::derive_id(&e));
                }
                events.push((n, e));
            }
            Err(reason) => rejects.push(Reject {
                line: n,
                reason,
                input: (*line).into(),
            }),
        }
    }
    (events, rejects)
}

fn import(ctx: &mut Ctx, args: &UsageImportArgs) -> Result<ExitCode> {
    let started = Instant::now();
    // A missing or unreadable file is the first thing to say, before guessing its format.
    if args.file != "-" {
        std::fs::File::open(&args.file).with_context(|| format!("failed to read {}", args.file))?;
    }
    let format = format_of(args)?;
    if args.batch_size == 0 {
        bail!("invalid --batch-size 0: must be at least 1");
    }
    let mut text = String::new();
    if args.file == "-" {
        std::io::stdin()
            .lock()
            .read_to_string(&mut text)
            .context("failed to read stdin")?;
    } else {
        text = std::fs::read_to_string(&args.file)
            .with_context(|| format!("failed to read {}", args.file))?;
    }
    let source = if args.file == "-" {
        "<stdin>".to_string()
    } else {
        args.file.clone()
    };
    let lines: Vec<&str> = text.lines().collect();
    let (parsed, mut rejects) = parse_all(&lines, format, args.derive_ids);
    let read = parsed.len() + rejects.len();
    let line = |n: usize| lines.get(n - 1).copied().unwrap_or("").to_string();

    // Resolve keys to customers and check customers, against the store.
    let store = ctx.store()?;
    // Each batch updates the customers' index entries and rollup rows all over the store: a
    // page cache that holds them all writes each dirty page once per commit instead of
    // spilling and re-reading it (256 MiB at most, for this import only).
    store.set_cache_mib(256)?;
    let mut key_customer: HashMap<String, Option<String>> = HashMap::new();
    let mut known_customer: HashMap<String, bool> = HashMap::new();
    let mut events = Vec::with_capacity(parsed.len());
    let horizon = store.compacted_before()?;
    for (n, e) in parsed {
        if let Some(h) = horizon.filter(|h| e.timestamp < *h) {
            rejects.push(Reject {
                line: n,
                reason: format!(
                    "timestamp {} is before the compacted horizon {}: raw events before it were dropped, so its id cannot be checked for duplicates",
                    crate::time::utc_datetime(e.timestamp),
                    crate::time::utc_date(h)
                ),
                input: line(n),
            });
            continue;
        }
        let customer = match (&e.key, &e.customer) {
            (Some(k), _) => {
                if !key_customer.contains_key(k) {
                    key_customer.insert(k.clone(), store.key(k)?.map(|r| r.customer_id));
                }
                match &key_customer[k] {
                    Some(c) => c.clone(),
                    None => {
                        rejects.push(Reject {
                            line: n,
                            reason: format!("unknown key {k}"),
                            input: line(n),
                        });
                        continue;
                    }
                }
            }
            (None, Some(c)) => {
                if !known_customer.contains_key(c) {
                    known_customer.insert(c.clone(), store.customer(c)?.is_some());
                }
                if !known_customer[c] {
                    rejects.push(Reject {
                        line: n,
                        reason: format!("unknown customer {c} (run 'billctl subscriptions sync')"),
                        input: line(n),
                    });
                    continue;
                }
                c.clone()
            }
            (None, None) => unreachable!("parse requires a key or a customer"),
        };
        events.push(UsageEvent {
            event_id: e.id.unwrap_or_default(),
            customer_id: customer,
            key_id: e.key,
            quantity: e.quantity,
            ts: e.timestamp,
            endpoint: e.endpoint,
            meta: e.meta,
        });
    }
    rejects.sort_by_key(|r| r.line);

    if !rejects.is_empty() && !args.skip_invalid {
        for r in &rejects {
            ctx.output
                .notice(format!("{source}:{}: {}", r.line, r.reason));
        }
        bail!("{} of {read} lines of {source} are invalid: nothing was imported\nhint: fix them, or pass --skip-invalid --rejects FILE to import the valid lines", rejects.len());
    }
    if let Some(path) = &args.rejects {
        let mut out = String::new();
        for r in &rejects {
            out.push_str(&serde_json::to_string(r)?);
            out.push('\n');
        }
        super::write_private(path, &out)?;
    }

    let bar = ctx.output.progress(events.len() as u64, "Importing");
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{msg} [{bar:30}] {pos}/{len} events ({per_sec}, {eta} left)",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    let mut inserted = 0;
    let at = now();
    let store = ctx.store()?;
    for batch in events.chunks(args.batch_size) {
        inserted += store.record_usage(batch, at).context("failed to commit a batch of events (batches already committed stay; re-running the import is safe)")?;
        bar.inc(batch.len() as u64);
    }
    bar.finish_and_clear();
    let elapsed = started.elapsed();
    let summary = Summary {
        read,
        inserted,
        duplicates: events.len() - inserted,
        rejected: rejects.len(),
        elapsed_ms: elapsed.as_millis(),
        events_per_sec: (events.len() as f64 / elapsed.as_secs_f64().max(1e-9)) as u64,
    };
    if ctx.output.json {
        ctx.output.json(&summary)?;
    } else {
        ctx.output.data(&format!(
            "read {}, inserted {}, duplicates {}, rejected {} in {:.2}s ({} events/s)",
            summary.read,
            summary.inserted,
            summary.duplicates,
            summary.rejected,
            elapsed.as_secs_f64(),
            summary.events_per_sec
        ))?;
        if !rejects.is_empty() {
            if let Some(p) = &args.rejects {
                ctx.output.warn(format!(
                    "{} rejected lines written to {}",
                    rejects.len(),
                    p.display()
                ));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines split across parser threads keep their own line numbers and file order.
    #[test]
    fn parallel_parsing_keeps_line_numbers_and_order() {
        let bad = [3usize, 60_001, 119_999];
        for format in [Format::Ndjson, Format::Csv] {
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
                } else if bad.contains(&n) {
                    text.push_str(&format!(
                        "{{\"id\":\"e{n}\",\"customer\":\"cus_1\",\"timestamp\":\"{ts}\"}}\n"
                    ));
                } else {
                    text.push_str(&format!(
                        "{{\"id\":\"e{n}\",\"customer\":\"cus_1\",\"timestamp\":{ts}}}\n"
                    ));
                }
            }
            let lines: Vec<&str> = text.lines().collect();
            let (events, rejects) = parse_all(&lines, format, false);
            assert_eq!(
                rejects.iter().map(|r| r.line).collect::<Vec<_>>(),
                bad,
                "{format:?}"
            );
            assert_eq!(events.len(), 120_000 - first + 1 - bad.len());
            assert!(events.windows(2).all(|w| w[0].0 < w[1].0));
            for (n, e) in &events {
                assert_eq!(e.id.as_deref(), Some(format!("e{n}").as_str()));
                assert_eq!(e.timestamp, 1_790_000_000 + *n as i64);
            }
        }
    }
}
