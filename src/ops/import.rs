//! `usage import` as a workflow: every line parsed (on all cores) and checked, keys resolved
//! to customers against the store, then the events recorded in committed batches, all or
//! nothing per line unless invalid lines are to be skipped. Prints nothing: it returns a
//! report, or the rejected lines when it refuses.

use crate::store::{Store, UsageEvent};
use crate::usage::{self, Format, RawEvent};
use anyhow::{Context, Result};
use serde::Serialize;
use std::collections::HashMap;
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
    pub duplicates: usize,
    pub rejected: usize,
    pub elapsed_ms: u128,
    pub events_per_sec: u64,
    /// The lines skipped (with `skip_invalid`), in line order.
    #[serde(skip)]
    pub rejects: Vec<Reject>,
}

/// The skipped lines as JSON Lines, for `--rejects FILE`.
pub fn rejects_jsonl(rejects: &[Reject]) -> Result<String> {
    let mut out = String::new();
    for r in rejects {
        out.push_str(&serde_json::to_string(r)?);
        out.push('\n');
    }
    Ok(out)
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
    pub duplicate: bool,
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
    at: i64,
    now: i64,
) -> Result<Recorded> {
    if quantity < 0 {
        anyhow::bail!("invalid --quantity {quantity}: must be 0 or more");
    }
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
        event_id: id.clone(),
        customer_id: key.customer_id.clone(),
        key_id: Some(key.id.clone()),
        quantity,
        ts: at,
        endpoint: None,
        meta: None,
    };
    let inserted = store
        .record_usage(std::slice::from_ref(&event), now)
        .context("failed to record the event")?
        == 1;
    Ok(Recorded {
        id,
        inserted,
        duplicate: !inserted,
        customer_id: key.customer_id,
        key_id: key.id,
        quantity,
        timestamp: at,
    })
}

/// Imported, or refused because some lines are invalid (and nothing was written).
pub enum Outcome {
    Imported(Report),
    Refused { read: usize, rejects: Vec<Reject> },
}

/// Imports the lines of `text` into `store`, recording them at `now`; `progress` learns the
/// number of events to write and follows the batches.
pub fn import(
    store: &mut Store,
    text: &str,
    opts: &Options,
    progress: &indicatif::ProgressBar,
    now: i64,
) -> Result<Outcome> {
    let started = Instant::now();
    let lines: Vec<&str> = text.lines().collect();
    let (parsed, mut rejects) = parse_all(&lines, opts.format, opts.derive_ids);
    let read = parsed.len() + rejects.len();
    let line = |n: usize| lines.get(n - 1).copied().unwrap_or("").to_string();

    // Resolve keys to customers and check customers, against the store.
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

    if !rejects.is_empty() && !opts.skip_invalid {
        return Ok(Outcome::Refused { read, rejects });
    }
    progress.set_length(events.len() as u64);
    let mut inserted = 0;
    for batch in events.chunks(opts.batch_size.max(1)) {
        inserted += store.record_usage(batch, now).context("failed to commit a batch of events (batches already committed stay; re-running the import is safe)")?;
        progress.inc(batch.len() as u64);
    }
    let elapsed = started.elapsed();
    Ok(Outcome::Imported(Report {
        read,
        inserted,
        duplicates: events.len() - inserted,
        rejected: rejects.len(),
        elapsed_ms: elapsed.as_millis(),
        events_per_sec: (events.len() as f64 / elapsed.as_secs_f64().max(1e-9)) as u64,
        rejects,
    }))
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The workflow in process, on a real store file: all or nothing unless told to skip, then
    /// exact counts and totals, and a re-run that only finds duplicates.
    #[test]
    fn imports_into_a_temp_store_all_or_nothing_then_exactly_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let customer = crate::billing::Customer {
            id: "cus_1".into(),
            email: None,
            name: None,
            created: 1_795_000_000,
        };
        store.record(&customer, &[], 1_795_000_000).unwrap();
        let text = "{\"id\":\"a\",\"customer\":\"cus_1\",\"timestamp\":1795500000,\"quantity\":2}\n\
                    {\"id\":\"b\",\"customer\":\"cus_nope\",\"timestamp\":1795500001}\n\
                    {\"id\":\"c\",\"customer\":\"cus_1\",\"timestamp\":1795500002,\"quantity\":5}\n";
        let mut opts = Options {
            format: Format::Ndjson,
            derive_ids: false,
            skip_invalid: false,
            batch_size: 1,
        };
        let bar = indicatif::ProgressBar::hidden();
        match import(&mut store, text, &opts, &bar, 1_795_600_000).unwrap() {
            Outcome::Refused { read, rejects } => {
                assert_eq!((read, rejects.len(), rejects[0].line), (3, 1, 2));
                assert!(rejects[0].reason.contains("unknown customer cus_nope"));
            }
            Outcome::Imported(_) => panic!("an invalid line must refuse the import"),
        }
        assert_eq!(
            store.usage_total("cus_1").unwrap(),
            0,
            "nothing was written"
        );
        opts.skip_invalid = true;
        let Outcome::Imported(r) = import(&mut store, text, &opts, &bar, 1_795_600_000).unwrap()
        else {
            panic!("skip_invalid imports the valid lines");
        };
        assert_eq!((r.read, r.inserted, r.duplicates, r.rejected), (3, 2, 0, 1));
        assert_eq!(store.usage_total("cus_1").unwrap(), 7);
        let Outcome::Imported(again) =
            import(&mut store, text, &opts, &bar, 1_795_600_000).unwrap()
        else {
            panic!("a re-run imports");
        };
        assert_eq!((again.inserted, again.duplicates), (0, 2));
        assert_eq!(store.usage_total("cus_1").unwrap(), 7, "counted once");
    }

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
