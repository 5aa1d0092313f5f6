//! Writing usage: events inserted once per identity (row by row, or through COPY on
//! Postgres), added to the hourly and daily rollups, refused before the compaction horizon.

use super::{conflicts_among, Route, UsageEvent, Written};
use crate::adapters::store::usage::compaction::horizon;
use crate::adapters::store::usage::sums::add;
use crate::domain::usage::{Grain, Scope};
use anyhow::Result;

/// Inserts events inside the caller's transaction and adds the newly inserted ones to the
/// hourly and daily rollups of their customer and key; returns how many were new.
pub(super) fn insert_usage(
    db: &crate::adapters::store::db::Db,
    events: &[UsageEvent],
    at: i64,
    route: Route,
) -> Result<Written> {
    // Read inside the write transaction, so a compaction cannot slip in between the check and
    // the insert: ids before the horizon can no longer be checked for duplicates.
    refuse_before_horizon(db, events)?;
    // Identities in byte order, as every batch insert takes them: two writers with overlapping
    // ids then wait on each other in one order instead of deadlocking.
    let mut sorted: Vec<&UsageEvent> = events.iter().collect();
    sorted.sort_by(|a, b| identity(a).cmp(&identity(b)));
    let mut new = Vec::with_capacity(events.len());
    let mut repeats = Vec::new();
    {
        let mut ins = db.prepare(
            "INSERT INTO usage_events (source, event_id, customer_id, key_id, quantity, ts, endpoint, meta, recorded_at, event_type) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT DO NOTHING",
        )?;
        for e in sorted {
            if ins.execute(crate::ps![
                &e.source,
                &e.event_id,
                &e.customer_id,
                &e.key_id,
                e.quantity,
                e.ts,
                &e.endpoint,
                &e.meta,
                at,
                &e.event_type
            ])? > 0
            {
                new.push(e);
            } else {
                repeats.push(e);
            }
        }
    }
    add_to_rollups(db, &new)?;
    Ok(Written {
        inserted: new.len(),
        conflicts: conflicts_among(db, &repeats, route, at)?,
    })
}

/// An event's identity, the pair that is unique in the store.
pub(super) fn identity(e: &UsageEvent) -> (&str, &str) {
    (&e.source, &e.event_id)
}

/// Adds events just inserted to the hourly and daily rollups of their customer and key (the
/// daily row also keeps its last event's time: a key's last use), inside the caller's
/// transaction. Each rollup row is written once for the whole batch (its events merged first).
pub(super) fn add_to_rollups(
    db: &crate::adapters::store::db::Db,
    events: &[&UsageEvent],
) -> Result<()> {
    let changes = Changes::of(events)?;
    if db.is_pg() {
        return changes.write_pg(db);
    }
    let mut hourly = db.prepare(concat!(
        "INSERT INTO usage_hourly (day, scope, subject, hour, quantity, events) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ",
        hourly_merge!()
    ))?;
    let mut daily = db.prepare(DAILY_UPSERT)?;
    for r in &changes.daily {
        daily.execute(crate::ps![
            r.scope.as_str(),
            r.subject,
            r.bucket,
            r.quantity,
            r.events,
            r.last
        ])?;
    }
    for r in &changes.hourly {
        let day = r.bucket.div_euclid(86_400) * 86_400;
        hourly.execute(crate::ps![
            day,
            r.scope.as_str(),
            r.subject,
            r.bucket,
            r.quantity,
            r.events
        ])?;
    }
    Ok(())
}

/// A daily rollup row's upsert: its quantity and events added, its last event's time moved
/// forward (a key's last use is its latest day's `last_ts`, see `keys.rs`).
const DAILY_UPSERT: &str = concat!(
    "INSERT INTO usage_daily (scope, subject, day, quantity, events, last_ts) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ",
    daily_merge!()
);

/// How a daily rollup row takes a change, on both stores (one row at a time on SQLite, arrays
/// on Postgres): quantity and events added, `last_ts` moved forward only.
macro_rules! daily_merge {
    () => {
        "ON CONFLICT (scope, subject, day) DO UPDATE SET quantity = usage_daily.quantity + excluded.quantity, events = usage_daily.events + excluded.events,
         last_ts = CASE WHEN usage_daily.last_ts IS NULL OR excluded.last_ts > usage_daily.last_ts THEN excluded.last_ts ELSE usage_daily.last_ts END"
    };
}
use daily_merge;

/// How an hourly rollup row takes a change, on both stores: quantity and events added.
macro_rules! hourly_merge {
    () => {
        "ON CONFLICT (day, scope, subject, hour) DO UPDATE SET quantity = usage_hourly.quantity + excluded.quantity, events = usage_hourly.events + excluded.events"
    };
}
use hourly_merge;

/// One rollup row's change: `quantity` and `events` added to `scope`/`subject`'s bucket
/// starting at `bucket` (an hour or a day).
struct RollupChange<'a> {
    scope: Scope,
    subject: &'a str,
    bucket: i64,
    quantity: i64,
    events: i64,
    /// The time of its latest event.
    last: i64,
}

/// What a batch of new events changes: its rollup rows, each once, in the one order every
/// writer takes their locks in (daily rows, then hourly rows, each by day, scope, subject and
/// bucket), so that consecutive upserts land on the same pages and concurrent writers on
/// Postgres never wait on each other in a cycle.
struct Changes<'a> {
    daily: Vec<RollupChange<'a>>,
    hourly: Vec<RollupChange<'a>>,
}

impl<'a> Changes<'a> {
    fn of(events: &[&'a UsageEvent]) -> Result<Changes<'a>> {
        use std::collections::HashMap;
        /// Scope, subject, grain, bucket start.
        type Row<'a> = (Scope, &'a str, Grain, i64);
        let mut sums: HashMap<Row, (i64, i64, i64), Fx> = HashMap::default();
        for e in events {
            let hour = e.ts.div_euclid(3600) * 3600;
            let day = e.ts.div_euclid(86_400) * 86_400;
            let customer = [(Scope::Customer, e.customer_id.as_str())];
            let key = e.key_id.as_deref().map(|k| (Scope::Key, k));
            for (scope, subject) in customer.into_iter().chain(key) {
                for (grain, bucket) in [(Grain::Hour, hour), (Grain::Day, day)] {
                    let s = sums
                        .entry((scope, subject, grain, bucket))
                        .or_insert((0, 0, e.ts));
                    s.0 = add(s.0, e.quantity)?;
                    s.1 += 1;
                    s.2 = s.2.max(e.ts);
                }
            }
        }
        let mut sums: Vec<_> = sums.into_iter().collect();
        sums.sort_unstable_by_key(|&((scope, subject, grain, bucket), _)| {
            let (grain, scope) = (grain.as_str(), scope.as_str());
            (grain, bucket.div_euclid(86_400), scope, subject, bucket)
        });
        let (mut daily, mut hourly) = (Vec::new(), Vec::new());
        for ((scope, subject, grain, bucket), (quantity, events, last)) in sums {
            let change = RollupChange {
                scope,
                subject,
                bucket,
                quantity,
                events,
                last,
            };
            match grain {
                Grain::Day => daily.push(change),
                Grain::Hour => hourly.push(change),
            }
        }
        Ok(Changes { daily, hourly })
    }

    /// On Postgres: one statement per table, whatever the batch's size (arrays through
    /// `unnest`, applied in the order above).
    fn write_pg(&self, db: &crate::adapters::store::db::Db) -> Result<()> {
        type Cols = (Vec<&'static str>, Vec<String>, Vec<i64>, Vec<i64>, Vec<i64>);
        let cols = |rows: &[RollupChange]| -> Cols {
            (
                rows.iter().map(|r| r.scope.as_str()).collect(),
                rows.iter().map(|r| r.subject.to_string()).collect(),
                rows.iter().map(|r| r.bucket).collect(),
                rows.iter().map(|r| r.quantity).collect(),
                rows.iter().map(|r| r.events).collect(),
            )
        };
        if !self.daily.is_empty() {
            let (scope, subject, day, q, n) = cols(&self.daily);
            let last: Vec<i64> = self.daily.iter().map(|r| r.last).collect();
            db.pg_rows(
                concat!(
                    "INSERT INTO usage_daily (scope, subject, day, quantity, events, last_ts)
                     SELECT u.s, u.j, u.d, u.q, u.n, u.l FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[]) WITH ORDINALITY AS u(s, j, d, q, n, l, o) ORDER BY u.o ",
                    daily_merge!()
                ),
                &[&scope, &subject, &day, &q, &n, &last],
                |_| Ok(()),
            )?;
        }
        if !self.hourly.is_empty() {
            let (scope, subject, hour, q, n) = cols(&self.hourly);
            db.pg_rows(
                concat!(
                    "INSERT INTO usage_hourly (day, scope, subject, hour, quantity, events)
                     SELECT u.h - ((u.h % 86400) + 86400) % 86400, u.s, u.j, u.h, u.q, u.n FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[]) WITH ORDINALITY AS u(s, j, h, q, n, o) ORDER BY u.o ",
                    hourly_merge!()
                ),
                &[&scope, &subject, &hour, &q, &n],
                |_| Ok(()),
            )?;
        }
        Ok(())
    }
}

/// The batch insert on Postgres, through COPY, in event id order (so that two hosts copying
/// overlapping batches wait on each other's ids in one order instead of deadlocking).
///
/// A batch is most often all new: it is copied straight into `usage_events` and added to the
/// rollups. When any of its ids is already there (or being inserted by another host), that
/// copy is undone and the batch goes through a temporary staging table instead, from which one
/// statement inserts the new events (a repeated id is skipped by the unique constraint, also
/// within the batch) and returns them, to be added to the rollups like any other batch.
/// Every path takes its locks in one order (ids by bytes, then the rollup rows as
/// `add_to_rollups` sorts them), so concurrent writers never deadlock.
/// Returns how many were new.
pub(super) fn copy_usage(
    db: &crate::adapters::store::db::Db,
    events: &[UsageEvent],
    at: i64,
    route: Route,
) -> Result<Written> {
    refuse_before_horizon(db, events)?;
    // Sums are checked here as in `insert_usage`: Postgres errors on a bigint overflow too.
    events.iter().try_fold(0i64, |a, e| add(a, e.quantity))?;
    let mut sorted: Vec<&UsageEvent> = events.iter().collect();
    sorted.sort_unstable_by(|a, b| identity(a).cmp(&identity(b)));
    let text = copy_text(&sorted, at);
    if db
        .copy_in_unless_duplicate(
            "COPY usage_events (source, event_id, customer_id, key_id, quantity, ts, endpoint, meta, recorded_at, event_type) FROM STDIN",
            &text,
        )?
        .is_some()
    {
        add_to_rollups(db, &sorted)?;
        return Ok(Written {
            inserted: sorted.len(),
            conflicts: Vec::new(),
        });
    }
    db.execute(
        "CREATE TEMP TABLE IF NOT EXISTS usage_stage (source TEXT NOT NULL, event_id TEXT NOT NULL, customer_id TEXT NOT NULL, key_id TEXT, quantity BIGINT NOT NULL, ts BIGINT NOT NULL, endpoint TEXT, meta TEXT, recorded_at BIGINT NOT NULL, event_type TEXT) ON COMMIT DELETE ROWS",
        &[],
    )?;
    db.copy_in(
        "COPY usage_stage (source, event_id, customer_id, key_id, quantity, ts, endpoint, meta, recorded_at, event_type) FROM STDIN",
        &text,
    )?;
    // In the same (byte) order as the copy above; the rows actually inserted come back (of an
    // id repeated within the batch, the one that went in) and go to the rollups as above.
    let new: Vec<UsageEvent> = db.query(
        r#"INSERT INTO usage_events (source, event_id, customer_id, key_id, quantity, ts, endpoint, meta, recorded_at, event_type)
           SELECT source, event_id, customer_id, key_id, quantity, ts, endpoint, meta, recorded_at, event_type FROM usage_stage
           ORDER BY source COLLATE "C", event_id COLLATE "C"
           ON CONFLICT DO NOTHING
           RETURNING source, event_id, customer_id, key_id, quantity, ts, event_type"#,
        &[],
        |r| {
            Ok(UsageEvent {
                source: r.text(0)?,
                event_id: r.text(1)?,
                customer_id: r.text(2)?,
                key_id: r.opt_text(3)?,
                quantity: r.i64(4)?,
                ts: r.i64(5)?,
                endpoint: None,
                meta: None,
                event_type: r.opt_text(6)?,
            })
        },
    )?;
    db.execute("DELETE FROM usage_stage", &[])?;
    add_to_rollups(db, &new.iter().collect::<Vec<_>>())?;
    let candidates = repeat_candidates(&sorted, &new);
    Ok(Written {
        inserted: new.len(),
        conflicts: conflicts_among(db, &candidates, route, at)?,
    })
}

/// Of a batch (`sorted` by identity) and the events of it that went in (`new`), the ones to
/// compare with the stored event: which of a repeated identity went in is the server's choice,
/// so every event of an identity that was not inserted, or came more than once, is a candidate.
pub(super) fn repeat_candidates<'e>(
    sorted: &[&'e UsageEvent],
    new: &[UsageEvent],
) -> Vec<&'e UsageEvent> {
    let inserted: std::collections::HashSet<(&str, &str)> = new.iter().map(identity).collect();
    let repeated = |i: usize| {
        let id = identity(sorted[i]);
        (i > 0 && identity(sorted[i - 1]) == id)
            || sorted.get(i + 1).is_some_and(|n| identity(n) == id)
    };
    (0..sorted.len())
        .filter(|&i| !inserted.contains(&identity(sorted[i])) || repeated(i))
        .map(|i| sorted[i])
        .collect()
}

/// The events as the text format of `COPY … (source, event_id, customer_id, key_id, quantity,
/// ts, endpoint, meta, recorded_at, event_type)`.
fn copy_text(events: &[&UsageEvent], at: i64) -> Vec<u8> {
    use rusqlite::types::ValueRef as V;
    fn text(s: &Option<String>) -> V<'_> {
        s.as_deref().map_or(V::Null, |k| V::Text(k.as_bytes()))
    }
    let mut out = Vec::with_capacity(events.len() * 116);
    for e in events {
        let fields = [
            V::Text(e.source.as_bytes()),
            V::Text(e.event_id.as_bytes()),
            V::Text(e.customer_id.as_bytes()),
            text(&e.key_id),
            V::Integer(e.quantity),
            V::Integer(e.ts),
            text(&e.endpoint),
            text(&e.meta),
            V::Integer(at),
            text(&e.event_type),
        ];
        for (i, f) in fields.into_iter().enumerate() {
            if i > 0 {
                out.push(b'\t');
            }
            crate::adapters::store::copy::copy_text(&mut out, f);
        }
        out.push(b'\n');
    }
    out
}

/// Refuses a batch with an event before the compaction horizon (read inside the caller's write
/// transaction, so a compaction cannot slip in between): ids before it can no longer be checked
/// for duplicates.
fn refuse_before_horizon(db: &crate::adapters::store::db::Db, events: &[UsageEvent]) -> Result<()> {
    refuse_before_horizon_at(horizon(db)?, events.iter())
}

/// [`refuse_before_horizon`] with the horizon already read in the transaction.
pub(super) fn refuse_before_horizon_at<'e>(
    horizon: Option<i64>,
    mut events: impl Iterator<Item = &'e UsageEvent>,
) -> Result<()> {
    if let Some(h) = horizon {
        if let Some(e) = events.find(|e| e.ts < h) {
            anyhow::bail!(
                "event {} at {} is before the compacted horizon {}: raw events (and their ids) before it were dropped by 'usage compact', so it cannot be checked for duplicates",
                e.event_id,
                crate::domain::time::utc_datetime(e.ts),
                crate::domain::time::utc_date(h)
            );
        }
    }
    Ok(())
}

/// The Fx hash (rustc's own, from rustc-hash): a few instructions per word where SipHash costs
/// tens. The rollup maps are keyed by customer and key ids already checked against the store,
/// so there is no flooding to defend against, and an import hashes several keys per event.
type Fx = rustc_hash::FxBuildHasher;
