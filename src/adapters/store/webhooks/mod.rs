//! The webhook store, `webhooks.db`: events, the requests `listen` answered, replay runs.

mod arrival;
mod select;

use super::db::{Db, P, R};
use super::open_db;
use anyhow::{Context, Result};
use arrival::store_one;
use select::{glob_regex, select_from, select_sql, Arg, Source};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// File name of the webhook store inside the data dir.
pub const FILE_NAME: &str = "webhooks.db";

pub(super) const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/webhooks/0001_events.sql"),
    include_str!("../migrations/webhooks/0002_event_conflicts.sql"),
];

/// The schema version this billctl brings `webhooks.db` to.
pub(super) fn schema_len() -> i64 {
    MIGRATIONS.len() as i64
}

pub use crate::domain::webhooks::event::{Envelope, Outcome};

/// An event to store, with where it came from.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub envelope: Envelope,
    pub body: Vec<u8>,
    pub source: &'static str,
}

/// What storing an event did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fate {
    /// A new id: stored, to apply.
    New,
    /// The same body as the stored event's (a retry): counted.
    Duplicate,
    /// Another body under a stored id: recorded in `event_conflicts`.
    Conflict(Clash),
}

/// A conflict as storing found it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Clash {
    /// `type` (another event type) or `body` (the same type, other content).
    pub reason: &'static str,
    /// The incoming body took the stored one's place (which is the one kept apart) and is to
    /// be applied; otherwise the incoming body was kept apart.
    pub replaced: bool,
    /// The type and source of the body the store had under the id.
    pub stored_type: String,
    pub stored_source: String,
}

impl Fate {
    /// Whether the event is to be applied: a new one, or a copy that replaced the stored one.
    pub fn to_apply(&self) -> bool {
        matches!(self, Fate::New) || matches!(self, Fate::Conflict(c) if c.replaced)
    }

    /// The outcome of the request that brought it: `stored`, `duplicate` or `conflict`.
    pub fn receipt_outcome(&self) -> &'static str {
        match self {
            Fate::New => "stored",
            Fate::Duplicate => "duplicate",
            Fate::Conflict(_) => "conflict",
        }
    }
}

/// A body kept apart from the stored event of its id, as listed.
#[derive(Debug, Clone, Serialize)]
pub struct ConflictRow {
    pub event_id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub created: i64,
    pub source: String,
    pub received_at_ms: i64,
    pub received: i64,
    pub stored_type: String,
    pub stored_source: String,
    pub reason: String,
    pub resolution: String,
    pub found_at_ms: i64,
    pub found_by: String,
    pub digest: String,
}

const CONFLICT_COLUMNS: &str = "event_id, type, created, source, received_at, received, stored_type, stored_source, reason, resolution, found_at, found_by, digest";

fn conflict_row(r: &R) -> Result<ConflictRow> {
    Ok(ConflictRow {
        event_id: r.text(0)?,
        kind: r.text(1)?,
        created: r.i64(2)?,
        source: r.text(3)?,
        received_at_ms: r.i64(4)?,
        received: r.i64(5)?,
        stored_type: r.text(6)?,
        stored_source: r.text(7)?,
        reason: r.text(8)?,
        resolution: r.text(9)?,
        found_at_ms: r.i64(10)?,
        found_by: r.text(11)?,
        digest: r.text(12)?,
    })
}

/// The event stored under an id, as the rule compares it.
/// One request `listen` answered.
#[derive(Debug, Clone)]
pub struct Receipt {
    pub received_at_ms: i64,
    pub event_id: Option<String>,
    pub http_status: u16,
    pub outcome: &'static str,
    pub reason: Option<String>,
    pub headers: String,
    pub body: Option<Vec<u8>>,
}

/// See [`EventStore::delivery_health`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryHealth {
    pub last_delivery_ms: Option<i64>,
    pub failed: i64,
    pub pending: i64,
    pub rejected: i64,
    /// Bodies that came with a stored event's id and differ from it, found since
    /// `rejected_since_ms`.
    pub conflicts: i64,
}

/// A stored event as listed.
#[derive(Debug, Clone, Serialize)]
pub struct EventRow {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub created: i64,
    pub livemode: bool,
    pub object_id: Option<String>,
    pub source: String,
    pub received_at_ms: i64,
    pub received: i64,
    pub status: String,
    pub detail: Option<String>,
    pub applied_at_ms: Option<i64>,
}

const EVENT_COLUMNS: &str = "id, type, created, livemode, object_id, source, received_at, received, status, detail, applied_at";

fn event_row(r: &R) -> Result<EventRow> {
    Ok(EventRow {
        id: r.text(0)?,
        kind: r.text(1)?,
        created: r.i64(2)?,
        livemode: r.i64(3)? != 0,
        object_id: r.opt_text(4)?,
        source: r.text(5)?,
        received_at_ms: r.i64(6)?,
        received: r.i64(7)?,
        status: r.text(8)?,
        detail: r.opt_text(9)?,
        applied_at_ms: r.opt_i64(10)?,
    })
}

/// A request `listen` answered, as listed.
#[derive(Debug, Clone, Serialize)]
pub struct ReceiptRow {
    pub seq: i64,
    pub received_at_ms: i64,
    pub event_id: Option<String>,
    pub http_status: u16,
    pub outcome: String,
    pub reason: Option<String>,
    pub headers: serde_json::Value,
    #[serde(skip)]
    pub body: Option<Vec<u8>>,
}

fn receipt_row(r: &R) -> Result<ReceiptRow> {
    Ok(ReceiptRow {
        seq: r.i64(0)?,
        received_at_ms: r.i64(1)?,
        event_id: r.opt_text(2)?,
        http_status: u16::try_from(r.i64(3)?).unwrap_or(0),
        outcome: r.text(4)?,
        reason: r.opt_text(5)?,
        headers: serde_json::from_str(&r.text(6)?).unwrap_or(serde_json::Value::Null),
        body: r.opt_blob(7)?,
    })
}

/// What to list or replay. Times are unix seconds of the events' `created`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Filter {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<i64>,
    /// applied | ignored | failed | pending
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// One replay delivery.
#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    pub run_id: String,
    pub event_id: String,
    pub attempted_at_ms: i64,
    pub http_status: Option<u16>,
    pub latency_ms: i64,
    pub ok: bool,
    pub excerpt: Option<String>,
}

/// A replay run as stored.
/// How a replay run sends, kept with it so that `--resume` sends the same way.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq)]
pub struct RunOptions {
    /// `--include-unverified`: events from `webhooks ingest` may be sent.
    #[serde(default)]
    pub include_unverified: bool,
    /// `--rate`: deliveries per second at most.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<f64>,
}

/// A run's stored selection: its filter and its options, in one JSON object (a run stored
/// before the options were kept reads with the defaults).
#[derive(Serialize, Deserialize, Default)]
struct StoredSelection {
    #[serde(flatten)]
    filter: Filter,
    #[serde(flatten)]
    options: RunOptions,
}

#[derive(Debug, Clone, Serialize)]
pub struct RunRow {
    pub id: String,
    pub target: String,
    pub selection: Filter,
    pub options: RunOptions,
    pub actor: String,
    pub started_at_ms: i64,
    pub finished_at_ms: Option<i64>,
}

/// Where the webhook store lives: `webhooks.db` in a data dir, or the Postgres store.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)] // one per open store: boxing would buy nothing
pub enum Location {
    Dir(PathBuf),
    Pg(super::pg::PgUrl),
}

/// The open webhook store.
pub struct EventStore {
    db: Db,
    path: PathBuf,
    location: Location,
    /// The store's lock, shared, while `webhooks.db` is open (none on Postgres).
    _lock: Option<super::lock::StoreLock>,
}

impl EventStore {
    /// Opens (creating if needed) `webhooks.db` in `dir`.
    pub fn open(dir: &Path) -> Result<EventStore> {
        let (conn, path, lock) = open_db(dir, FILE_NAME, MIGRATIONS)?;
        Ok(EventStore {
            db: Db::Sqlite(conn),
            path,
            location: Location::Dir(dir.to_path_buf()),
            _lock: Some(lock),
        })
    }

    /// Opens the store at `location` (a Postgres store is migrated on first use).
    pub fn open_at(location: &Location) -> Result<EventStore> {
        match location {
            Location::Dir(d) => EventStore::open(d),
            Location::Pg(url) => Ok(EventStore {
                db: Db::open_pg(url)?,
                path: PathBuf::from(url.shown()),
                location: location.clone(),
                _lock: None,
            }),
        }
    }

    /// What opening this store finished, when it finished an interrupted restore.
    pub fn finished_restore(&self) -> Option<&super::swap::Finished> {
        self._lock.as_ref().and_then(|l| l.finished_restore())
    }

    /// Where this store lives (to open another connection to it).
    pub fn location(&self) -> &Location {
        &self.location
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(super) fn conn(&self) -> &rusqlite::Connection {
        self.db.sqlite().expect("a SQLite webhook store")
    }

    pub(super) fn conn_mut(&mut self) -> &mut rusqlite::Connection {
        match &mut self.db {
            Db::Sqlite(c) => c,
            Db::Pg(_) => panic!("a SQLite webhook store"),
        }
    }

    pub fn schema_version(&self) -> Result<i64> {
        self.db.schema_version()
    }

    /// Row counts of every table, by name.
    pub fn row_counts(&self) -> Result<Vec<(String, i64)>> {
        self.db.row_counts()
    }

    /// Stores events and receipts in one transaction, each event by the one rule of
    /// [`conflict::decide`]: a new id is stored; the same body again only raises `received`;
    /// another body under a stored id is a conflict, kept in `event_conflicts` (and, when it
    /// outranks the stored body, it becomes the stored event, pending, and the stored body is
    /// the one kept apart). On Postgres, where several `listen` processes share the table, the
    /// primary key decides which one stored an id. Returns, per event, what became of it.
    ///
    /// Receipts of accepted requests (any outcome but `rejected`) get their outcome here, in
    /// order with the events: `stored`, `duplicate` or `conflict`.
    pub fn store(&mut self, events: &[Incoming], receipts: &mut [Receipt]) -> Result<Vec<Fate>> {
        self.db
            .tx(true, |db| {
                let now = crate::domain::clock::now_ms();
                let mut fates = Vec::with_capacity(events.len());
                for e in events {
                    fates.push(store_one(db, e, now)?);
                }
                let accepted = receipts.iter_mut().filter(|r| r.outcome != "rejected");
                let mut fate = fates.iter();
                for r in accepted {
                    r.outcome = fate.next().map_or("duplicate", Fate::receipt_outcome);
                }
                let mut receipt = db.prepare(
                    "INSERT INTO receipts (received_at, event_id, http_status, outcome, reason, headers, body)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )?;
                for r in receipts.iter() {
                    receipt.execute(crate::ps![
                        r.received_at_ms,
                        &r.event_id,
                        i64::from(r.http_status),
                        r.outcome,
                        &r.reason,
                        &r.headers,
                        r.body.as_ref()
                    ])?;
                }
                Ok(fates)
            })
            .context("failed to commit webhook events")
    }

    /// Keeps at most `max_count` rejected receipts, none older than `max_age_ms` before
    /// `now_ms` (so refused requests cannot grow the store); returns how many were dropped.
    pub fn prune_rejected(
        &mut self,
        max_count: u64,
        max_age_ms: i64,
        now_ms: i64,
    ) -> Result<usize> {
        self.db.execute(
            "DELETE FROM receipts WHERE outcome = 'rejected' AND (received_at < ?1 OR seq <= COALESCE(
               (SELECT seq FROM receipts WHERE outcome = 'rejected' ORDER BY seq DESC LIMIT 1 OFFSET ?2), -1))",
            crate::ps![
                now_ms.saturating_sub(max_age_ms),
                i64::try_from(max_count).unwrap_or(i64::MAX)
            ],
        )
    }

    /// Records how applying each event ended.
    pub fn set_outcomes(&mut self, outcomes: &[(String, Outcome)]) -> Result<()> {
        if outcomes.is_empty() {
            return Ok(());
        }
        self.db.tx(true, |db| {
            let mut set = db.prepare(
                "UPDATE events SET status = ?2, detail = ?3, applied_at = ?4 WHERE id = ?1",
            )?;
            let now = crate::domain::clock::now_ms();
            for (id, o) in outcomes {
                let detail = o.detail();
                set.execute(crate::ps![id, o.status(), detail, now])?;
            }
            Ok(())
        })
    }

    /// Events matching `filter`, oldest first (by created, then arrival).
    pub fn events(&self, filter: &Filter, limit: Option<usize>) -> Result<Vec<EventRow>> {
        let (sql, args) = select_sql(EVENT_COLUMNS, filter, limit, self.db.is_pg());
        let p: Vec<P> = args.iter().map(Arg::p).collect();
        self.db.query(&sql, &p, event_row)
    }

    /// Events matching `filter` with their bodies, oldest first.
    pub fn events_with_bodies(&self, filter: &Filter) -> Result<Vec<(EventRow, Vec<u8>)>> {
        let (sql, args) = select_sql(
            &format!("{EVENT_COLUMNS}, body"),
            filter,
            None,
            self.db.is_pg(),
        );
        let p: Vec<P> = args.iter().map(Arg::p).collect();
        self.db
            .query(&sql, &p, |r| Ok((event_row(r)?, r.blob(11)?)))
    }

    /// One event and its body.
    pub fn event(&self, id: &str) -> Result<Option<(EventRow, Vec<u8>)>> {
        self.db.query_opt(
            &format!("SELECT {EVENT_COLUMNS}, body FROM events WHERE id = ?1"),
            crate::ps![id],
            |r| Ok((event_row(r)?, r.blob(11)?)),
        )
    }

    /// Bodies kept apart from the stored events the filter selects (ids, the type of the body
    /// kept apart, the window on its `created`), oldest first, at most `limit`.
    pub fn conflicts(&self, filter: &Filter, limit: Option<usize>) -> Result<Vec<ConflictRow>> {
        let f = Filter {
            status: None,
            ..filter.clone()
        };
        let from = Source {
            table: "event_conflicts",
            id_col: "event_id",
            order: "created, event_id, seq",
        };
        let (sql, args) = select_from(from, CONFLICT_COLUMNS, &f, limit, self.db.is_pg());
        let p: Vec<P> = args.iter().map(Arg::p).collect();
        self.db.query(&sql, &p, conflict_row)
    }

    /// The body of a conflict record (`digest` as listed; for tests).
    #[cfg(test)]
    pub fn conflict_body(&self, event_id: &str, digest: &str) -> Result<Option<Vec<u8>>> {
        self.db.query_opt(
            "SELECT body FROM event_conflicts WHERE event_id = ?1 AND digest = ?2",
            crate::ps![event_id, digest],
            |r| r.blob(0),
        )
    }

    /// The requests `listen` answered for one event, oldest first.
    pub fn receipts_of(&self, event_id: &str) -> Result<Vec<ReceiptRow>> {
        self.db.query(
            "SELECT seq, received_at, event_id, http_status, outcome, reason, headers, body
             FROM receipts WHERE event_id = ?1 ORDER BY seq",
            crate::ps![event_id],
            receipt_row,
        )
    }

    /// Rejected requests, oldest first, at most `limit`; `since`/`until` in unix seconds of
    /// arrival. A listing: the limit is applied by the database and no body is read (receipts
    /// stored before bodies stopped being kept may hold one).
    pub fn rejected(
        &self,
        since: Option<i64>,
        until: Option<i64>,
        limit: Option<usize>,
    ) -> Result<Vec<ReceiptRow>> {
        let limit = limit.map_or(i64::MAX, |l| i64::try_from(l).unwrap_or(i64::MAX));
        self.db.query(
            "SELECT seq, received_at, event_id, http_status, outcome, reason, headers, CAST(NULL AS BYTEA)
             FROM receipts WHERE outcome = 'rejected' AND received_at >= ?1 AND received_at < ?2
             ORDER BY seq LIMIT ?3",
            crate::ps![
                since.map_or(i64::MIN, |s| s.saturating_mul(1000)),
                until.map_or(i64::MAX, |u| u.saturating_mul(1000)),
                limit
            ],
            receipt_row,
        )
    }

    /// Events that arrived in `[since, until)` (unix seconds), counted by the UTC day of their
    /// arrival and their status, with rejected requests as status `rejected`; by day, then
    /// status.
    pub fn outcomes_by_day(&self, since: i64, until: i64) -> Result<Vec<(i64, String, i64)>> {
        let (from, to) = (since.saturating_mul(1000), until.saturating_mul(1000));
        self.db.query(
            "SELECT day, status, n FROM (
               SELECT (received_at / 86400000) * 86400 AS day, status, count(*) AS n FROM events
                 WHERE received_at >= ?1 AND received_at < ?2 GROUP BY 1, 2
               UNION ALL
               SELECT (received_at / 86400000) * 86400 AS day, 'rejected' AS status, count(*) AS n FROM receipts
                 WHERE outcome = 'rejected' AND received_at >= ?1 AND received_at < ?2 GROUP BY 1
             ) AS t ORDER BY day, status",
            crate::ps![from, to],
            |r| Ok((r.i64(0)?, r.text(1)?, r.i64(2)?)),
        )
    }

    /// Failed events that arrived since `since` (unix seconds), newest arrival first, at most
    /// `limit`.
    pub fn failed_since(&self, since: i64, limit: usize) -> Result<Vec<EventRow>> {
        self.db.query(
            &format!(
                "SELECT {EVENT_COLUMNS} FROM events WHERE status = 'failed' AND received_at >= ?1
                 ORDER BY received_at DESC, id LIMIT ?2"
            ),
            crate::ps![
                since.saturating_mul(1000),
                i64::try_from(limit).unwrap_or(i64::MAX)
            ],
            event_row,
        )
    }

    /// What `doctor` asks of deliveries: the newest delivery `listen` stored (or counted as a
    /// duplicate or a conflict), failed events, events pending since before
    /// `pending_before_ms`, and requests refused and conflicts found since
    /// `rejected_since_ms` (all times unix milliseconds).
    pub fn delivery_health(
        &self,
        pending_before_ms: i64,
        rejected_since_ms: i64,
    ) -> Result<DeliveryHealth> {
        let last = self.db.query_opt(
            "SELECT max(received_at) FROM receipts WHERE outcome IN ('stored', 'duplicate', 'conflict')",
            &[],
            |r| r.opt_i64(0),
        )?;
        Ok(DeliveryHealth {
            last_delivery_ms: last.flatten(),
            failed: self
                .db
                .int("SELECT count(*) FROM events WHERE status = 'failed'", &[])?,
            pending: self.db.int(
                "SELECT count(*) FROM events WHERE status = 'pending' AND received_at < ?1",
                crate::ps![pending_before_ms],
            )?,
            rejected: self.db.int(
                "SELECT count(*) FROM receipts WHERE outcome = 'rejected' AND received_at >= ?1",
                crate::ps![rejected_since_ms],
            )?,
            conflicts: self.db.int(
                "SELECT count(*) FROM event_conflicts WHERE found_at >= ?1",
                crate::ps![rejected_since_ms],
            )?,
        })
    }

    /// Counts of events by status and of rejected requests.
    pub fn counts(&self) -> Result<Vec<(String, i64)>> {
        self.db.query(
            "SELECT status, count(*) FROM events GROUP BY status
             UNION ALL SELECT 'rejected', count(*) FROM receipts WHERE outcome = 'rejected'",
            &[],
            |r| Ok((r.text(0)?, r.i64(1)?)),
        )
    }

    /// Whether event type `kind` matches `pattern` the way `--type` filters stored events (a
    /// shell glob: SQLite's GLOB; on Postgres, the same glob as a regular expression).
    pub fn type_matches(&self, pattern: &str, kind: &str) -> Result<bool> {
        if self.db.is_pg() {
            let re = glob_regex(pattern);
            return self.db.query_one(
                "SELECT CAST(?2 AS TEXT) ~ CAST(?1 AS TEXT)",
                crate::ps![re.as_str(), kind],
                |r| r.bool(0),
            );
        }
        Ok(self
            .db
            .int("SELECT ?2 GLOB ?1", crate::ps![pattern, kind])?
            != 0)
    }

    /// Starts a replay run.
    pub fn create_run(
        &mut self,
        id: &str,
        target: &str,
        selection: &Filter,
        options: RunOptions,
        actor: &str,
    ) -> Result<()> {
        let sel = serde_json::to_string(&StoredSelection {
            filter: selection.clone(),
            options,
        })?;
        self.db.execute(
            "INSERT INTO replay_runs (id, target, selection, actor, started_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            crate::ps![id, target, &sel, actor, crate::domain::clock::now_ms()],
        )?;
        Ok(())
    }

    pub fn run(&self, id: &str) -> Result<Option<RunRow>> {
        self.db.query_opt(
            "SELECT id, target, selection, actor, started_at, finished_at FROM replay_runs WHERE id = ?1",
            crate::ps![id],
            |r| {
                let stored: StoredSelection =
                    serde_json::from_str(&r.text(2)?).unwrap_or_default();
                Ok(RunRow {
                    id: r.text(0)?,
                    target: r.text(1)?,
                    selection: stored.filter,
                    options: stored.options,
                    actor: r.text(3)?,
                    started_at_ms: r.i64(4)?,
                    finished_at_ms: r.opt_i64(5)?,
                })
            },
        )
    }

    pub fn finish_run(&mut self, id: &str) -> Result<()> {
        self.db.execute(
            "UPDATE replay_runs SET finished_at = ?2 WHERE id = ?1",
            crate::ps![id, crate::domain::clock::now_ms()],
        )?;
        Ok(())
    }

    /// Records replay deliveries in one transaction.
    pub fn record_deliveries(&mut self, deliveries: &[Delivery]) -> Result<()> {
        if deliveries.is_empty() {
            return Ok(());
        }
        self.db.tx(true, |db| {
            let mut ins = db.prepare(
                "INSERT INTO replay_deliveries (run_id, event_id, attempted_at, http_status, latency_ms, ok, excerpt)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for d in deliveries {
                ins.execute(crate::ps![
                    &d.run_id,
                    &d.event_id,
                    d.attempted_at_ms,
                    d.http_status.map(i64::from),
                    d.latency_ms,
                    i64::from(d.ok),
                    &d.excerpt
                ])?;
            }
            Ok(())
        })
    }

    /// Event ids a run has delivered successfully.
    pub fn delivered(&self, run_id: &str) -> Result<std::collections::HashSet<String>> {
        Ok(self
            .db
            .query(
                "SELECT DISTINCT event_id FROM replay_deliveries WHERE run_id = ?1 AND ok = 1",
                crate::ps![run_id],
                |r| r.text(0),
            )?
            .into_iter()
            .collect())
    }

    /// Replay deliveries of one event, oldest first.
    pub fn deliveries_of(&self, event_id: &str) -> Result<Vec<Delivery>> {
        self.db.query(
            "SELECT run_id, event_id, attempted_at, http_status, latency_ms, ok, excerpt
             FROM replay_deliveries WHERE event_id = ?1 ORDER BY attempted_at",
            crate::ps![event_id],
            |r| {
                Ok(Delivery {
                    run_id: r.text(0)?,
                    event_id: r.text(1)?,
                    attempted_at_ms: r.i64(2)?,
                    http_status: r.opt_i64(3)?.and_then(|s| u16::try_from(s).ok()),
                    latency_ms: r.i64(4)?,
                    ok: r.i64(5)? != 0,
                    excerpt: r.opt_text(6)?,
                })
            },
        )
    }
}

#[cfg(test)]
mod tests;
