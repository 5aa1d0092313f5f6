//! `POST /v1/usage/events`: a batch of usage events as a JSON array or NDJSON, checked,
//! deduplicated by identity (source and id; a repeat with other content is a conflict, counted
//! in the answer) and recorded exactly as `usage import` does (its workflow runs on the body),
//! answered only once the batch is committed.

use crate::adapters::store::Store;
use crate::domain::usage::{Bounds, Format};
use crate::ops::usage::import::{self, Outcome, Reject};
use anyhow::Result;
use serde::Serialize;

/// A line the batch could not take: its number (1-based: the element of an array, or the line
/// of NDJSON) and why. The line itself is not echoed.
#[derive(Debug, Serialize)]
pub struct LineError {
    pub line: usize,
    pub reason: String,
}

/// What a batch did.
#[derive(Debug, Serialize)]
pub struct Accepted {
    pub read: usize,
    pub inserted: usize,
    pub duplicates: usize,
    pub conflicts: usize,
    pub rejected: usize,
    /// With `skip_invalid`, the lines skipped (the first [`import::SHOWN_REJECTS`]).
    pub rejects: Vec<LineError>,
}

/// Why a batch was refused, nothing written.
#[derive(Debug)]
pub enum Refused {
    /// Not a JSON array nor NDJSON (400).
    Malformed(String),
    /// More events than a request may carry (413).
    TooMany { count: usize, max: usize },
    /// Some lines are invalid (400), and `skip_invalid` was not asked for.
    Invalid {
        read: usize,
        rejected: usize,
        rejects: Vec<LineError>,
    },
}

/// The body as NDJSON lines, at most `max` events: a JSON array becomes one line per element.
fn lines(body: &[u8], max: usize) -> Result<Vec<u8>, Refused> {
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'[') {
        let items: Vec<serde_json::Value> = serde_json::from_slice(body)
            .map_err(|e| Refused::Malformed(format!("the body is not a JSON array: {e}")))?;
        if items.len() > max {
            return Err(Refused::TooMany {
                count: items.len(),
                max,
            });
        }
        let mut out = Vec::with_capacity(body.len());
        for item in items {
            // One line per element (compact: no newline inside).
            out.extend_from_slice(item.to_string().as_bytes());
            out.push(b'\n');
        }
        return Ok(out);
    }
    let count = body
        .split(|b| *b == b'\n')
        .filter(|l| l.iter().any(|b| !b.is_ascii_whitespace()))
        .count();
    if count > max {
        return Err(Refused::TooMany { count, max });
    }
    Ok(body.to_vec())
}

/// Records the batch in `body` that came by `route` (see the module docs).
pub fn record(
    store: &mut Store,
    body: &[u8],
    (max, skip_invalid): (usize, bool),
    bounds: Bounds,
    now: i64,
    route: crate::domain::usage::Route,
) -> Result<Result<Accepted, Refused>> {
    let text = match lines(body, max) {
        Ok(t) => t,
        Err(r) => return Ok(Err(r)),
    };
    if text.iter().all(u8::is_ascii_whitespace) {
        return Ok(Err(Refused::Malformed("the body holds no event".into())));
    }
    let opts = import::Options {
        format: Format::Ndjson,
        derive_ids: false,
        skip_invalid,
        batch_size: max.max(1),
        bounds,
        route,
    };
    let mut skipped = Vec::new();
    let mut keep = |r: &Reject| {
        if skipped.len() < import::SHOWN_REJECTS {
            skipped.push(line_error(r));
        }
        Ok(())
    };
    let mut input = std::io::Cursor::new(text);
    let bar = crate::ops::Hidden;
    match import::import(store, &mut input, &opts, &bar, &mut keep, now)? {
        Outcome::Imported(r) => Ok(Ok(Accepted {
            read: r.read,
            inserted: r.inserted,
            duplicates: r.duplicates,
            conflicts: r.conflicts,
            rejected: r.rejected,
            rejects: skipped,
        })),
        Outcome::Refused {
            read,
            rejected,
            first,
        } => Ok(Err(Refused::Invalid {
            read,
            rejected,
            rejects: first.iter().map(line_error).collect(),
        })),
    }
}

fn line_error(r: &Reject) -> LineError {
    LineError {
        line: r.line,
        reason: r.reason.clone(),
    }
}
