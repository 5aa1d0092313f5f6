//! Events coming in other than by `listen`: `webhooks ingest` (a file or stdin, bounded, with
//! events from the future refused), `reprocess`, the pending events an earlier `listen` left,
//! and `backfill` from Stripe's event list. Prints nothing.

use super::{apply_all, envelope_of, store_new, ApplySide, ApplySummary, ConflictSeen};
use crate::adapters::store::webhooks::{Envelope, EventStore, Filter, Incoming, Outcome};
use crate::adapters::stripe::Stripe;
use anyhow::{Context, Result};
use serde::Serialize;

/// The most `webhooks ingest` reads (file or stdin): 256 MiB.
pub const MAX_INGEST_BYTES: u64 = 256 << 20;
/// The most one event may take in an ingested file: Stripe's events are a few KiB, and
/// `webhooks listen` takes no body over 1 MiB either.
pub const MAX_EVENT_BYTES: usize = 1 << 20;

/// Reads at most [`MAX_INGEST_BYTES`] from `r` (`name` for the error); more is refused, and
/// nothing is stored.
pub fn read_bounded(r: impl std::io::Read, name: &str) -> Result<Vec<u8>> {
    use std::io::Read as _;
    let mut buf = Vec::new();
    r.take(MAX_INGEST_BYTES + 1)
        .read_to_end(&mut buf)
        .with_context(|| format!("failed to read events from {name}"))?;
    if buf.len() as u64 > MAX_INGEST_BYTES {
        anyhow::bail!(
            "{name} is over {} MiB: ingest takes at most that at once, nothing stored\nhint: split it (NDJSON splits at any line)",
            MAX_INGEST_BYTES >> 20
        );
    }
    Ok(buf)
}

/// Splits a file into events: one JSON document, or one per line. Every bad line is listed,
/// and then nothing is returned.
pub fn read_events(name: &str, text: &[u8], source: &'static str) -> Result<Vec<Incoming>> {
    let trimmed = text.trim_ascii();
    let single = trimmed.starts_with(b"{")
        && serde_json::from_slice::<serde_json::Value>(trimmed).is_ok_and(|v| v.is_object());
    let lines: Vec<(String, &[u8])> = if single {
        vec![(name.to_string(), trimmed)]
    } else {
        text.split(|b| *b == b'\n')
            .enumerate()
            .map(|(i, l)| (format!("{name}:{}", i + 1), l.trim_ascii()))
            .filter(|(_, l)| !l.is_empty())
            .collect()
    };
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for (place, line) in lines {
        if line.len() > MAX_EVENT_BYTES {
            bad.push(format!(
                "{place}: an event of {} (at most {MAX_EVENT_BYTES})",
                crate::util::plural::count(line.len(), "byte", "bytes")
            ));
            continue;
        }
        match Envelope::parse(line) {
            Ok(envelope) => out.push(Incoming {
                envelope,
                body: line.to_vec(),
                source,
            }),
            Err(why) => bad.push(format!("{place}: {why}")),
        }
    }
    if !bad.is_empty() {
        anyhow::bail!(
            "{}, nothing stored:\n{}",
            crate::util::plural::count(bad.len(), "bad event", "bad events"),
            bad.join("\n")
        );
    }
    Ok(out)
}

/// What `webhooks ingest` did.
#[derive(Serialize)]
pub struct IngestReport {
    pub read: usize,
    pub stored: usize,
    /// The same body as the stored event's.
    pub already_stored: usize,
    /// An id already stored with another body (kept apart, see `webhooks list --status
    /// conflict`).
    pub conflicts: Vec<ConflictSeen>,
    #[serde(flatten)]
    pub applied: ApplySummary,
}

/// How far after billctl's clock an ingested event's `created` may be (clock skew between
/// hosts); Stripe never sends an event from the future.
pub const INGEST_FUTURE_SKEW: i64 = 86_400;

/// Refuses (listing each) events whose `created` is more than [`INGEST_FUTURE_SKEW`] after
/// `now`: applied, such an event would move its subscription's clocks into the future, and
/// every genuine event after it would be ignored as older (a sync does not reset them).
pub fn refuse_future(incoming: &[Incoming], now: i64) -> Result<()> {
    let late: Vec<String> = incoming
        .iter()
        .filter(|i| i.envelope.created > now.saturating_add(INGEST_FUTURE_SKEW))
        .map(|i| {
            format!(
                "{}: created {} is after billctl's clock ({}) by more than a day",
                i.envelope.id,
                crate::domain::time::utc_datetime(i.envelope.created),
                crate::domain::time::utc_datetime(now)
            )
        })
        .collect();
    if !late.is_empty() {
        anyhow::bail!(
            "{} from the future, nothing stored:\n{}",
            crate::util::plural::count(late.len(), "event", "events"),
            late.join("\n")
        );
    }
    Ok(())
}

/// `webhooks ingest`: stores the events by the one rule and applies the new ones.
pub fn ingest(
    events: &mut EventStore,
    side: &mut ApplySide,
    incoming: Vec<Incoming>,
    progress: &dyn crate::ops::Progress,
) -> Result<(IngestReport, Vec<(String, Outcome)>)> {
    let read = incoming.len();
    let before = side.refetches.counts();
    let s = store_new(events, incoming, Some(&mut *side), progress)?;
    let report = IngestReport {
        read,
        stored: s.new_ids.len(),
        already_stored: read - s.new_ids.len() - s.conflicts.len(),
        applied: ApplySummary::of(&s.outcomes).refetches(side, before),
        conflicts: s.conflicts,
    };
    Ok((report, s.outcomes))
}

/// What `webhooks reprocess` did.
#[derive(Serialize)]
pub struct ReprocessReport {
    pub selected: usize,
    #[serde(flatten)]
    pub applied: ApplySummary,
}

/// `webhooks reprocess`: applies the stored events `filter` selects again, in order.
pub fn reprocess(
    events: &mut EventStore,
    side: &mut ApplySide,
    filter: &Filter,
    progress: &dyn crate::ops::Progress,
) -> Result<(ReprocessReport, Vec<(String, Outcome)>)> {
    let items: Vec<(Envelope, Vec<u8>)> = crate::ops::webhooks::replay::select(events, filter)?
        .into_iter()
        .map(|(r, b)| (envelope_of(&r), b))
        .collect();
    progress.set_len(items.len() as u64);
    let before = side.refetches.counts();
    let outcomes = apply_all(side, events, items, progress)?;
    let report = ReprocessReport {
        selected: outcomes.len(),
        applied: ApplySummary::of(&outcomes).refetches(side, before),
    };
    Ok((report, outcomes))
}

/// Applies the events an earlier `listen` stored but did not apply; returns how many.
pub fn apply_pending(side: &mut ApplySide, events: &mut EventStore) -> Result<usize> {
    let pending = events.events_with_bodies(&Filter {
        status: Some("pending".into()),
        ..Filter::default()
    })?;
    let items: Vec<(Envelope, Vec<u8>)> = pending
        .into_iter()
        .map(|(r, b)| (envelope_of(&r), b))
        .collect();
    let n = items.len();
    apply_all(side, events, items, &crate::ops::Hidden)?;
    Ok(n)
}

/// What `webhooks backfill` did.
#[derive(Serialize)]
pub struct BackfillReport {
    pub since: i64,
    pub listed: usize,
    /// Stored with the same body as Stripe's.
    pub already_stored: usize,
    pub stored: usize,
    /// Ids stored with another body than Stripe's: Stripe's copy replaced it and was applied
    /// (`replaced`), the stored body kept apart.
    pub conflicts: Vec<ConflictSeen>,
    #[serde(flatten)]
    pub applied: ApplySummary,
    pub stored_ids: Vec<String>,
}

/// Stripe's `type` filter takes an exact type or a `prefix*` wildcard; any other glob is
/// applied locally (see [`backfill`]).
pub fn stripe_type_filter(kind: Option<&str>) -> Option<&str> {
    kind.filter(|k| {
        let body = k.strip_suffix('*').unwrap_or(k);
        !body.contains(['*', '?', '['])
    })
}

/// `webhooks backfill`: compares the events Stripe listed (those matching `kind`) with the
/// store, oldest first: the missing ones are stored, and where the stored body differs from
/// Stripe's, Stripe's copy replaces it (the stored one kept apart as a conflict); with `side`,
/// both are applied.
pub fn backfill(
    events: &mut EventStore,
    mut side: Option<&mut ApplySide>,
    listed: &[serde_json::Value],
    kind: Option<&str>,
    since: i64,
    progress: &dyn crate::ops::Progress,
) -> Result<(BackfillReport, Vec<(String, Outcome)>)> {
    let mut incoming = Vec::new();
    for e in listed {
        let t = e["type"].as_str().unwrap_or_default();
        if let Some(k) = kind {
            if !events.type_matches(k, t)? {
                continue;
            }
        }
        let body = serde_json::to_vec(e)?;
        let envelope = Envelope::parse(&body).map_err(|why| {
            anyhow::anyhow!(
                "Stripe listed an event billctl cannot read ({}): {why}",
                e["id"].as_str().unwrap_or("no id")
            )
        })?;
        incoming.push(Incoming {
            envelope,
            body,
            source: "backfill",
        });
    }
    // Same-second events in id order (store_new keeps it), so a re-run applies alike.
    incoming.sort_by(|a, b| {
        (a.envelope.created, &a.envelope.id).cmp(&(b.envelope.created, &b.envelope.id))
    });
    let listed = incoming.len();
    let before = side.as_ref().map(|s| s.refetches.counts());
    let s = store_new(events, incoming, side.as_deref_mut(), progress)?;
    let mut applied = ApplySummary::of(&s.outcomes);
    if let (Some(side), Some(before)) = (side, before) {
        applied = applied.refetches(side, before);
    }
    let report = BackfillReport {
        since,
        listed,
        already_stored: listed - s.new_ids.len() - s.conflicts.len(),
        stored: s.new_ids.len(),
        conflicts: s.conflicts,
        applied,
        stored_ids: s.new_ids,
    };
    Ok((report, s.outcomes))
}

/// Events Stripe has since `since` (of `kind`, if given); `progress` says how many so far.
pub async fn stripe_events(
    stripe: &Stripe,
    since: i64,
    kind: Option<&str>,
    progress: &dyn crate::ops::Progress,
) -> Result<Vec<serde_json::Value>> {
    let on_count = |n: usize| progress.message(&format!("listing events from Stripe: {n}"));
    let stripe_type = stripe_type_filter(kind);
    Ok(stripe.events_since(since, stripe_type, on_count).await?)
}
