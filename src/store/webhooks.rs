//! The webhook store, `webhooks.db`: events, the requests `listen` answered, replay runs.

use super::open_db;
use anyhow::{Context, Result};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// File name of the webhook store inside the data dir.
pub const FILE_NAME: &str = "webhooks.db";

const MIGRATIONS: &[&str] = &[include_str!("migrations/webhooks/0001_events.sql")];

/// The schema version this billctl brings `webhooks.db` to.
pub(super) fn schema_len() -> i64 {
    MIGRATIONS.len() as i64
}

/// The parts of an event billctl indexes; the body is kept as it came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub id: String,
    pub kind: String,
    pub created: i64,
    pub livemode: bool,
    pub object_id: Option<String>,
}

#[derive(Deserialize)]
struct RawEnvelope {
    id: Option<String>,
    object: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    created: Option<i64>,
    #[serde(default)]
    livemode: bool,
    data: Option<RawData>,
}

#[derive(Deserialize)]
struct RawData {
    object: Option<RawObject>,
}

#[derive(Deserialize)]
struct RawObject {
    id: Option<String>,
}

impl Envelope {
    /// Reads the envelope of a Stripe event body; the error says what is wrong with it.
    pub fn parse(body: &[u8]) -> Result<Envelope, String> {
        let raw: RawEnvelope =
            serde_json::from_slice(body).map_err(|e| format!("malformed JSON: {e}"))?;
        if raw.object.as_deref().is_some_and(|o| o != "event") {
            return Err(format!(
                "not an event: object is {:?}",
                raw.object.unwrap_or_default()
            ));
        }
        let id = raw
            .id
            .filter(|s| !s.is_empty())
            .ok_or("not an event: no id")?;
        let kind = raw
            .kind
            .filter(|s| !s.is_empty())
            .ok_or("not an event: no type")?;
        let created = raw.created.ok_or("not an event: no created")?;
        let data = raw.data.ok_or("not an event: no data.object")?;
        let object = data.object.ok_or("not an event: no data.object")?;
        Ok(Envelope {
            id,
            kind,
            created,
            livemode: raw.livemode,
            object_id: object.id,
        })
    }
}

/// An event to store, with where it came from.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub envelope: Envelope,
    pub body: Vec<u8>,
    pub source: &'static str,
}

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

fn event_row(r: &Row) -> rusqlite::Result<EventRow> {
    Ok(EventRow {
        id: r.get(0)?,
        kind: r.get(1)?,
        created: r.get(2)?,
        livemode: r.get(3)?,
        object_id: r.get(4)?,
        source: r.get(5)?,
        received_at_ms: r.get(6)?,
        received: r.get(7)?,
        status: r.get(8)?,
        detail: r.get(9)?,
        applied_at_ms: r.get(10)?,
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

fn receipt_row(r: &Row) -> rusqlite::Result<ReceiptRow> {
    let headers: String = r.get(6)?;
    Ok(ReceiptRow {
        seq: r.get(0)?,
        received_at_ms: r.get(1)?,
        event_id: r.get(2)?,
        http_status: r.get(3)?,
        outcome: r.get(4)?,
        reason: r.get(5)?,
        headers: serde_json::from_str(&headers).unwrap_or(serde_json::Value::Null),
        body: r.get(7)?,
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

/// How applying an event ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", content = "detail", rename_all = "lowercase")]
pub enum Outcome {
    Applied(String),
    Ignored(String),
    Failed(String),
}

impl Outcome {
    pub fn status(&self) -> &'static str {
        match self {
            Outcome::Applied(_) => "applied",
            Outcome::Ignored(_) => "ignored",
            Outcome::Failed(_) => "failed",
        }
    }

    pub fn detail(&self) -> &str {
        match self {
            Outcome::Applied(d) | Outcome::Ignored(d) | Outcome::Failed(d) => d,
        }
    }
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
#[derive(Debug, Clone, Serialize)]
pub struct RunRow {
    pub id: String,
    pub target: String,
    pub selection: Filter,
    pub actor: String,
    pub started_at_ms: i64,
    pub finished_at_ms: Option<i64>,
}

/// The open webhook store.
pub struct EventStore {
    conn: Connection,
    path: PathBuf,
}

impl EventStore {
    /// Opens (creating if needed) `webhooks.db` in `dir`.
    pub fn open(dir: &Path) -> Result<EventStore> {
        let (conn, path) = open_db(dir, FILE_NAME, MIGRATIONS)?;
        Ok(EventStore { conn, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(super) fn conn(&self) -> &Connection {
        &self.conn
    }

    pub(super) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// Row counts of every table, by name.
    pub fn row_counts(&self) -> Result<Vec<(String, i64)>> {
        super::row_counts(&self.conn)
    }

    /// Stores events and receipts in one transaction. An event whose id is already stored
    /// only has its `received` count raised. Returns, per event, whether it was new.
    ///
    /// Receipts of accepted requests (any outcome but `rejected`) get their outcome here:
    /// `stored` for the first request that brought a new event, `duplicate` for the others.
    pub fn store(&mut self, events: &[Incoming], receipts: &mut [Receipt]) -> Result<Vec<bool>> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut fresh = Vec::with_capacity(events.len());
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO events (id, type, created, livemode, object_id, body, source, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(id) DO NOTHING",
            )?;
            let mut again =
                tx.prepare_cached("UPDATE events SET received = received + 1 WHERE id = ?1")?;
            let now = crate::clock::now_ms();
            for e in events {
                let n = insert.execute(params![
                    e.envelope.id,
                    e.envelope.kind,
                    e.envelope.created,
                    e.envelope.livemode,
                    e.envelope.object_id,
                    e.body,
                    e.source,
                    now
                ])?;
                if n == 0 {
                    again.execute([&e.envelope.id])?;
                }
                fresh.push(n == 1);
            }
            let mut brought: std::collections::HashSet<&str> = events
                .iter()
                .zip(&fresh)
                .filter(|(_, f)| **f)
                .map(|(e, _)| e.envelope.id.as_str())
                .collect();
            for r in receipts.iter_mut().filter(|r| r.outcome != "rejected") {
                let first = r.event_id.as_deref().is_some_and(|id| brought.remove(id));
                r.outcome = if first { "stored" } else { "duplicate" };
            }
            let mut receipt = tx.prepare_cached(
                "INSERT INTO receipts (received_at, event_id, http_status, outcome, reason, headers, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for r in receipts {
                receipt.execute(params![
                    r.received_at_ms,
                    r.event_id,
                    r.http_status,
                    r.outcome,
                    r.reason,
                    r.headers,
                    r.body
                ])?;
            }
        }
        tx.commit().context("failed to commit webhook events")?;
        Ok(fresh)
    }

    /// Keeps at most `max_count` rejected receipts, none older than `max_age_ms` before
    /// `now_ms` (so refused requests cannot grow the store); returns how many were dropped.
    pub fn prune_rejected(
        &mut self,
        max_count: u64,
        max_age_ms: i64,
        now_ms: i64,
    ) -> Result<usize> {
        let n = self.conn.prepare_cached(
            "DELETE FROM receipts WHERE outcome = 'rejected' AND (received_at < ?1 OR seq <= COALESCE(
               (SELECT seq FROM receipts WHERE outcome = 'rejected' ORDER BY seq DESC LIMIT 1 OFFSET ?2), -1))",
        )?
        .execute(params![now_ms.saturating_sub(max_age_ms), max_count as i64])?;
        Ok(n)
    }

    /// Records how applying each event ended.
    pub fn set_outcomes(&mut self, outcomes: &[(String, Outcome)]) -> Result<()> {
        if outcomes.is_empty() {
            return Ok(());
        }
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        {
            let mut set = tx.prepare_cached(
                "UPDATE events SET status = ?2, detail = ?3, applied_at = ?4 WHERE id = ?1",
            )?;
            let now = crate::clock::now_ms();
            for (id, o) in outcomes {
                set.execute(params![id, o.status(), o.detail(), now])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Events matching `filter`, oldest first (by created, then arrival).
    pub fn events(&self, filter: &Filter, limit: Option<usize>) -> Result<Vec<EventRow>> {
        let (sql, args) = select_sql(EVENT_COLUMNS, filter, limit);
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(args.iter()), event_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Events matching `filter` with their bodies, oldest first.
    pub fn events_with_bodies(&self, filter: &Filter) -> Result<Vec<(EventRow, Vec<u8>)>> {
        let (sql, args) = select_sql(&format!("{EVENT_COLUMNS}, body"), filter, None);
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(args.iter()), |r| {
                Ok((event_row(r)?, r.get::<_, Vec<u8>>(11)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// One event and its body.
    pub fn event(&self, id: &str) -> Result<Option<(EventRow, Vec<u8>)>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {EVENT_COLUMNS}, body FROM events WHERE id = ?1"),
                [id],
                |r| Ok((event_row(r)?, r.get::<_, Vec<u8>>(11)?)),
            )
            .optional()?)
    }

    /// The requests `listen` answered for one event, oldest first.
    pub fn receipts_of(&self, event_id: &str) -> Result<Vec<ReceiptRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, received_at, event_id, http_status, outcome, reason, headers, body
             FROM receipts WHERE event_id = ?1 ORDER BY seq",
        )?;
        let rows = stmt
            .query_map([event_id], receipt_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Rejected requests, oldest first, at most `limit`; `since`/`until` in unix seconds of
    /// arrival. A listing: the limit is applied by SQLite and no body is read (receipts stored
    /// before bodies stopped being kept may hold one).
    pub fn rejected(
        &self,
        since: Option<i64>,
        until: Option<i64>,
        limit: Option<usize>,
    ) -> Result<Vec<ReceiptRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, received_at, event_id, http_status, outcome, reason, headers, NULL
             FROM receipts WHERE outcome = 'rejected' AND received_at >= ?1 AND received_at < ?2
             ORDER BY seq LIMIT ?3",
        )?;
        let limit = limit.map_or(-1, |l| i64::try_from(l).unwrap_or(i64::MAX));
        let rows = stmt
            .query_map(
                params![
                    since.map_or(i64::MIN, |s| s.saturating_mul(1000)),
                    until.map_or(i64::MAX, |u| u.saturating_mul(1000)),
                    limit
                ],
                receipt_row,
            )?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Counts of events by status and of rejected requests.
    pub fn counts(&self) -> Result<Vec<(String, i64)>> {
        let mut stmt = self.conn.prepare(
            "SELECT status, count(*) FROM events GROUP BY status
             UNION ALL SELECT 'rejected', count(*) FROM receipts WHERE outcome = 'rejected'",
        )?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Whether event type `kind` matches `pattern` by SQLite's GLOB, the way `--type` filters
    /// stored events.
    pub fn type_matches(&self, pattern: &str, kind: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT ?2 GLOB ?1")?
            .query_row(params![pattern, kind], |r| r.get(0))?)
    }

    /// Starts a replay run.
    pub fn create_run(
        &mut self,
        id: &str,
        target: &str,
        selection: &Filter,
        actor: &str,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO replay_runs (id, target, selection, actor, started_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, target, serde_json::to_string(selection)?, actor, crate::clock::now_ms()],
        )?;
        Ok(())
    }

    pub fn run(&self, id: &str) -> Result<Option<RunRow>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, target, selection, actor, started_at, finished_at FROM replay_runs WHERE id = ?1",
                [id],
                |r| {
                    let sel: String = r.get(2)?;
                    Ok(RunRow {
                        id: r.get(0)?,
                        target: r.get(1)?,
                        selection: serde_json::from_str(&sel).unwrap_or_default(),
                        actor: r.get(3)?,
                        started_at_ms: r.get(4)?,
                        finished_at_ms: r.get(5)?,
                    })
                },
            )
            .optional()?)
    }

    pub fn finish_run(&mut self, id: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE replay_runs SET finished_at = ?2 WHERE id = ?1",
            params![id, crate::clock::now_ms()],
        )?;
        Ok(())
    }

    /// Records replay deliveries in one transaction.
    pub fn record_deliveries(&mut self, deliveries: &[Delivery]) -> Result<()> {
        if deliveries.is_empty() {
            return Ok(());
        }
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        {
            let mut ins = tx.prepare_cached(
                "INSERT INTO replay_deliveries (run_id, event_id, attempted_at, http_status, latency_ms, ok, excerpt)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for d in deliveries {
                ins.execute(params![
                    d.run_id,
                    d.event_id,
                    d.attempted_at_ms,
                    d.http_status,
                    d.latency_ms,
                    d.ok,
                    d.excerpt
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Event ids a run has delivered successfully.
    pub fn delivered(&self, run_id: &str) -> Result<std::collections::HashSet<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT DISTINCT event_id FROM replay_deliveries WHERE run_id = ?1 AND ok = 1",
        )?;
        let ids = stmt
            .query_map([run_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(ids)
    }

    /// Replay deliveries of one event, oldest first.
    pub fn deliveries_of(&self, event_id: &str) -> Result<Vec<Delivery>> {
        let mut stmt = self.conn.prepare(
            "SELECT run_id, event_id, attempted_at, http_status, latency_ms, ok, excerpt
             FROM replay_deliveries WHERE event_id = ?1 ORDER BY attempted_at",
        )?;
        let rows = stmt
            .query_map([event_id], |r| {
                Ok(Delivery {
                    run_id: r.get(0)?,
                    event_id: r.get(1)?,
                    attempted_at_ms: r.get(2)?,
                    http_status: r.get(3)?,
                    latency_ms: r.get(4)?,
                    ok: r.get(5)?,
                    excerpt: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}

/// `SELECT cols FROM events WHERE ...` for a filter; the type filter is a shell glob.
fn select_sql(
    cols: &str,
    f: &Filter,
    limit: Option<usize>,
) -> (String, Vec<rusqlite::types::Value>) {
    use rusqlite::types::Value;
    let mut clauses = Vec::new();
    let mut args: Vec<Value> = Vec::new();
    if !f.ids.is_empty() {
        let marks = vec!["?"; f.ids.len()].join(", ");
        clauses.push(format!("id IN ({marks})"));
        args.extend(f.ids.iter().map(|i| Value::Text(i.clone())));
    }
    if let Some(k) = &f.kind {
        clauses.push("type GLOB ?".into());
        args.push(Value::Text(k.clone()));
    }
    if let Some(s) = f.since {
        clauses.push("created >= ?".into());
        args.push(Value::Integer(s));
    }
    if let Some(u) = f.until {
        clauses.push("created < ?".into());
        args.push(Value::Integer(u));
    }
    if let Some(st) = &f.status {
        clauses.push("status = ?".into());
        args.push(Value::Text(st.clone()));
    }
    let mut sql = format!("SELECT {cols} FROM events");
    if !clauses.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&clauses.join(" AND "));
    }
    sql.push_str(" ORDER BY created, received_at, id");
    if let Some(l) = limit {
        sql.push_str(&format!(" LIMIT {l}"));
    }
    (sql, args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelopes_name_what_is_missing() {
        let ok = br#"{"id":"evt_1","object":"event","type":"invoice.paid","created":5,"livemode":false,"data":{"object":{"id":"in_1"}}}"#;
        let e = Envelope::parse(ok).unwrap();
        assert_eq!(
            (
                e.id.as_str(),
                e.kind.as_str(),
                e.created,
                e.object_id.as_deref()
            ),
            ("evt_1", "invoice.paid", 5, Some("in_1"))
        );
        assert!(Envelope::parse(b"{")
            .unwrap_err()
            .starts_with("malformed JSON"));
        assert_eq!(
            Envelope::parse(br#"{"object":"customer","id":"cus_1"}"#).unwrap_err(),
            "not an event: object is \"customer\""
        );
        assert_eq!(
            Envelope::parse(br#"{"type":"x","created":1,"data":{"object":{}}}"#).unwrap_err(),
            "not an event: no id"
        );
    }

    #[test]
    fn storing_twice_keeps_one_row_and_counts_the_repeat() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = EventStore::open(dir.path()).unwrap();
        let body = br#"{"id":"evt_1","object":"event","type":"invoice.paid","created":5,"data":{"object":{"id":"in_1"}}}"#.to_vec();
        let inc = Incoming {
            envelope: Envelope::parse(&body).unwrap(),
            body,
            source: "ingest",
        };
        let receipt = |outcome| Receipt {
            received_at_ms: 1,
            event_id: Some("evt_1".into()),
            http_status: 200,
            outcome,
            reason: None,
            headers: "{}".into(),
            body: None,
        };
        // Two deliveries of a new event in one group: the first stored, the second a duplicate.
        let mut receipts = vec![receipt("stored"), receipt("stored"), receipt("rejected")];
        assert_eq!(
            s.store(&[inc.clone(), inc.clone()], &mut receipts).unwrap(),
            vec![true, false]
        );
        let outcomes: Vec<&str> = receipts.iter().map(|r| r.outcome).collect();
        assert_eq!(outcomes, ["stored", "duplicate", "rejected"]);
        assert_eq!(s.store(&[inc], &mut []).unwrap(), vec![false]);
        let rows = s.events(&Filter::default(), None).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].received, rows[0].status.as_str()), (3, "pending"));
    }

    /// `--limit` is applied by SQLite and a listing reads no bodies, even where old receipts
    /// kept them.
    #[test]
    fn rejected_listing_is_limited_in_sql_and_reads_no_body() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = EventStore::open(dir.path()).unwrap();
        let mut receipts: Vec<Receipt> = (0..20)
            .map(|i| Receipt {
                received_at_ms: 1_000 + i,
                event_id: None,
                http_status: 400,
                outcome: "rejected",
                reason: Some(format!("r{i}")),
                headers: "{}".into(),
                body: Some(vec![b'x'; 64 * 1024]),
            })
            .collect();
        s.store(&[], &mut receipts).unwrap();
        let rows = s.rejected(None, None, Some(3)).unwrap();
        let reasons: Vec<_> = rows.iter().map(|r| r.reason.as_deref().unwrap()).collect();
        assert_eq!(reasons, ["r0", "r1", "r2"]);
        assert!(rows.iter().all(|r| r.body.is_none()));
        assert_eq!(s.rejected(None, None, None).unwrap().len(), 20);
    }
}
