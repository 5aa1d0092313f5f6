//! Usage events and their rollups: recording (counted once per identity, source and id; a
//! repeat that says something else is a conflict, stored apart), exact sums over any period
//! from the rollups, and compaction of old raw events behind a horizon.
//!
//! Key order: the events' time index and the rollups are keyed by time first (the hour, then
//! the customer or key), so an import of many customers' events writes near the end of each
//! B-tree and keeps its speed as the store grows (BENCHMARKS.md, *Usage at scale*).
//!
//! Lock order (Postgres, several hosts on one store): every writer takes its locks in one
//! order, the usage ids (by bytes), then the rollup rows (a key's last use is its daily rollup's,
//! so no key row is written); a recorded call counts,
//! checks and inserts under its customer's advisory lock, and a group of recorded calls takes
//! its customers' locks in sorted order before any count. So overlapping imports, recorded
//! calls and two hosts' groups wait on each other instead of deadlocking.

mod calls;
mod compaction;
mod group;
mod sums;
mod write;

pub use calls::{CallLimits, Charge, Charges};

use super::Store;
pub use crate::domain::usage::Route;
use anyhow::Result;
use serde::Serialize;
use write::{copy_usage, insert_usage};

/// One usage event. Its identity is `(source, event_id)` (CloudEvents 1.0, as OpenMeter
/// deduplicates); `source` is empty where the route names none.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UsageEvent {
    pub source: String,
    pub event_id: String,
    pub customer_id: String,
    pub key_id: Option<String>,
    pub quantity: i64,
    pub ts: i64,
    pub endpoint: Option<String>,
    pub meta: Option<String>,
    /// The meter it counts for: a CloudEvent's `type`; `None` where the route names none.
    pub event_type: Option<String>,
}

/// What an event says, the content two events with one identity are compared on: whose
/// (customer and key: the subject), how many, when (the second), and for which meter (type).
/// The same content is a duplicate; any difference is a conflict. The endpoint and meta are
/// notes, not content.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Side {
    pub customer_id: String,
    pub key_id: Option<String>,
    pub quantity: i64,
    pub ts: i64,
    pub event_type: Option<String>,
}

impl Side {
    fn of(e: &UsageEvent) -> Side {
        Side {
            customer_id: e.customer_id.clone(),
            key_id: e.key_id.clone(),
            quantity: e.quantity,
            ts: e.ts,
            event_type: e.event_type.clone(),
        }
    }
}

/// An event whose identity (source and id) is taken by a stored event with other content
/// (see [`Side`]): the first stays (what makes re-imports safe), this one is refused, recorded
/// in `usage_conflicts` and reported.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Conflict {
    pub source: String,
    pub event_id: String,
    /// The event kept (stored first).
    pub kept: Side,
    /// The event dropped.
    pub dropped: Side,
}

/// What a batch of usage did to the store.
#[derive(Debug, Default)]
pub struct Written {
    /// Events new to the store.
    pub inserted: usize,
    /// Repeated ids that said something else than the stored event (a plain repeat is not one).
    pub conflicts: Vec<Conflict>,
}

/// The repeats among `candidates` (events whose identity was already stored, or repeated in
/// the batch) that differ from the event stored under it; each is recorded in
/// `usage_conflicts` under `route`, seen at `at`. Only repeats are read (one query each), so
/// a batch of new events costs nothing here.
pub(super) fn conflicts_among(
    db: &crate::adapters::store::db::Db,
    candidates: &[&UsageEvent],
    route: Route,
    at: i64,
) -> Result<Vec<Conflict>> {
    let mut out = Vec::new();
    if candidates.is_empty() {
        return Ok(out);
    }
    for e in candidates {
        let sql = "SELECT customer_id, key_id, quantity, ts, event_type FROM usage_events WHERE source = ?1 AND event_id = ?2";
        let kept = db.query_opt(sql, crate::ps![&e.source, &e.event_id], |r| {
            Ok(Side {
                customer_id: r.text(0)?,
                key_id: r.opt_text(1)?,
                quantity: r.i64(2)?,
                ts: r.i64(3)?,
                event_type: r.opt_text(4)?,
            })
        })?;
        let dropped = Side::of(e);
        if let Some(kept) = kept.filter(|k| *k != dropped) {
            out.push(Conflict {
                source: e.source.clone(),
                event_id: e.event_id.clone(),
                kept,
                dropped,
            });
        }
    }
    crate::adapters::store::usage_conflicts::log(db, &out, route, at)?;
    Ok(out)
}

impl Store {
    /// Records usage events that came by `route` (a repeated identity is not recorded again),
    /// and their rollups (with the keys' last use), all in one transaction; returns how many were
    /// new.
    pub fn record_usage(&mut self, events: &[UsageEvent], at: i64, route: Route) -> Result<usize> {
        Ok(self.record_usage_checked(events, at, route)?.inserted)
    }

    /// The time of the stored usage event `(source, id)`, if it is stored (raw, not compacted).
    pub fn usage_event_time(&self, source: &str, id: &str) -> Result<Option<i64>> {
        self.db.query_opt(
            "SELECT ts FROM usage_events WHERE source = ?1 AND event_id = ?2",
            crate::ps![source, id],
            |r| r.i64(0),
        )
    }

    /// As [`Store::record_usage`], with the repeats whose event differs from the stored one
    /// (conflicts), found and recorded in `usage_conflicts` in the same transaction.
    pub fn record_usage_checked(
        &mut self,
        events: &[UsageEvent],
        at: i64,
        route: Route,
    ) -> Result<Written> {
        // This connection's own writes do not move `data_version`: recorded calls' counts
        // kept across groups are read again.
        self.charges = Charges::default();
        self.db.tx(true, |db| {
            // Postgres takes a batch through COPY into a staging table and one statement that
            // inserts the new events and adds them to the rollups; row by row it is a round trip
            // per event.
            let inserted = if db.is_pg() && events.len() > 8 {
                copy_usage(db, events, at, route)?
            } else {
                insert_usage(db, events, at, route)?
            };
            crate::util::faults::point("usage.commit");
            Ok(inserted)
        })
    }
}
