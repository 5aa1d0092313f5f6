//! An event's arrival in `webhooks.db`, by the rule: new, a repeat of the stored body, the
//! copy that replaces it, or another body kept apart as a conflict.

use super::{Clash, Fate, Incoming};
use crate::adapters::store::db::Db;
use crate::domain::webhooks::conflict::{self, Verdict};
use anyhow::Result;

pub(super) struct Held {
    kind: String,
    created: i64,
    source: String,
    body: Vec<u8>,
    received_at_ms: i64,
}

/// A body to keep apart: what it is and when and whence it came.
pub(super) struct Apart<'a> {
    event_id: &'a str,
    kind: &'a str,
    created: i64,
    body: &'a [u8],
    source: &'a str,
    received_at_ms: i64,
}

/// Stores one event by the rule (see [`EventStore::store`]), inside the caller's transaction.
pub(super) fn store_one(db: &Db, e: &Incoming, now: i64) -> Result<Fate> {
    let env = &e.envelope;
    let inserted = insert_new(db, e, now)?;
    if inserted {
        return Ok(Fate::New);
    }
    // Another process may replace the stored body between the read and the write (Postgres):
    // the write is conditional on the body read, and the rule is asked again when it moved.
    for _ in 0..8 {
        let held = held(db, &env.id)?;
        let verdict = conflict::decide((&held.source, &held.body), (e.source, &e.body));
        let clash = |replaced| Clash {
            reason: conflict::reason(&held.kind, &env.kind),
            replaced,
            stored_type: held.kind.clone(),
            stored_source: held.source.clone(),
        };
        match verdict {
            Verdict::Same => {
                let n = db.execute(
                    "UPDATE events SET received = received + 1 WHERE id = ?1 AND body = ?2",
                    crate::ps![&env.id, &held.body],
                )?;
                if n == 1 {
                    return Ok(Fate::Duplicate);
                }
            }
            Verdict::KeepApart => {
                let apart = Apart {
                    event_id: &env.id,
                    kind: &env.kind,
                    created: env.created,
                    body: &e.body,
                    source: e.source,
                    received_at_ms: now,
                };
                keep_apart(db, &apart, &held, "kept_apart", (e.source, now))?;
                return Ok(Fate::Conflict(clash(false)));
            }
            Verdict::Replace => {
                if replace(db, e, &held, now)? {
                    return Ok(Fate::Conflict(clash(true)));
                }
            }
        }
    }
    anyhow::bail!("event {} kept changing while it was stored", env.id)
}

/// Stores `e` if its id is new; whether it was.
pub(super) fn insert_new(db: &Db, e: &Incoming, now: i64) -> Result<bool> {
    let env = &e.envelope;
    let n = db.execute(
        "INSERT INTO events (id, type, created, livemode, object_id, body, source, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(id) DO NOTHING",
        crate::ps![
            &env.id,
            &env.kind,
            env.created,
            i64::from(env.livemode),
            &env.object_id,
            &e.body,
            e.source,
            now
        ],
    )?;
    Ok(n == 1)
}

/// The event stored under `id`.
pub(super) fn held(db: &Db, id: &str) -> Result<Held> {
    db.query_one(
        "SELECT type, created, source, body, received_at FROM events WHERE id = ?1",
        crate::ps![id],
        |r| {
            Ok(Held {
                kind: r.text(0)?,
                created: r.i64(1)?,
                source: r.text(2)?,
                body: r.blob(3)?,
                received_at_ms: r.i64(4)?,
            })
        },
    )
}

/// Makes `e` the stored event of its id, pending, if the stored body is still `held`'s, and
/// keeps `held`'s body apart; whether it did.
pub(super) fn replace(db: &Db, e: &Incoming, held: &Held, now: i64) -> Result<bool> {
    let env = &e.envelope;
    let n = db.execute(
        "UPDATE events SET type = ?3, created = ?4, livemode = ?5, object_id = ?6, body = ?7,
           source = ?8, received_at = ?9, received = 1, status = 'pending', detail = NULL, applied_at = NULL
         WHERE id = ?1 AND body = ?2",
        crate::ps![&env.id, &held.body, &env.kind, env.created, i64::from(env.livemode), &env.object_id, &e.body, e.source, now],
    )?;
    if n == 0 {
        return Ok(false);
    }
    let apart = Apart {
        event_id: &env.id,
        kind: &held.kind,
        created: held.created,
        body: &held.body,
        source: &held.source,
        received_at_ms: held.received_at_ms,
    };
    let stored = Held {
        kind: env.kind.clone(),
        created: env.created,
        source: e.source.to_string(),
        body: Vec::new(),
        received_at_ms: now,
    };
    keep_apart(db, &apart, &stored, "replaced", (e.source, now))?;
    Ok(true)
}

/// Records `apart` as a conflict with `stored` (the same body again raises its count).
pub(super) fn keep_apart(
    db: &Db,
    apart: &Apart,
    stored: &Held,
    resolution: &str,
    (found_by, now): (&str, i64),
) -> Result<()> {
    let digest = conflict::digest(apart.body);
    let reason = conflict::reason(&stored.kind, apart.kind);
    db.execute(
        "INSERT INTO event_conflicts (event_id, type, created, body, digest, source, received_at,
           stored_type, stored_source, reason, resolution, found_at, found_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
         ON CONFLICT(event_id, digest) DO UPDATE SET received = event_conflicts.received + 1",
        crate::ps![
            apart.event_id,
            apart.kind,
            apart.created,
            apart.body,
            &digest,
            apart.source,
            apart.received_at_ms,
            &stored.kind,
            &stored.source,
            reason,
            resolution,
            now,
            found_by
        ],
    )?;
    Ok(())
}
