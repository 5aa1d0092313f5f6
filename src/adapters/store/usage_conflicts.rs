//! Usage conflicts kept apart: an event refused because its identity (source and id) was taken
//! by a stored event with other content, one row per route and content offered (a producer
//! that retries it moves `seen` and `last_seen`), and the filtered listing of them.

use super::usage::{Conflict, Route, Side};
use super::Store;
use anyhow::Result;
use serde::Serialize;

/// One stored conflict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConflictRow {
    /// The route the refused event came by (`usage import`, `/api/v1/events`, ...).
    pub route: String,
    pub source: String,
    pub event_id: String,
    /// The event refused, as it was offered.
    pub offered: Side,
    /// The event stored first under the identity, which stays and is billed.
    pub kept: Side,
    pub first_seen: i64,
    pub last_seen: i64,
    /// How often it was offered (a retrying producer offers it again).
    pub seen: i64,
}

/// Which conflicts to list; `None`: any.
#[derive(Debug, Clone, Default)]
pub struct ConflictFilter {
    /// Either side's customer.
    pub customer: Option<String>,
    pub source: Option<String>,
    pub event_id: Option<String>,
    pub route: Option<Route>,
    /// Last seen at or after this time.
    pub since: Option<i64>,
    /// At most this many, newest first.
    pub limit: usize,
}

/// Records `conflicts` refused on `route` at `at`, inside the caller's transaction.
pub(crate) fn log(db: &super::db::Db, conflicts: &[Conflict], route: Route, at: i64) -> Result<()> {
    if conflicts.is_empty() {
        return Ok(());
    }
    let mut ins = db.prepare(
        "INSERT INTO usage_conflicts (route, source, event_id, customer_id, key_id, quantity, ts, event_type, kept_customer_id, kept_key_id, kept_quantity, kept_ts, kept_event_type, first_seen, last_seen, seen)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14, 1)
         ON CONFLICT (route, source, event_id, customer_id, key_id, quantity, ts, event_type)
         DO UPDATE SET seen = usage_conflicts.seen + 1, last_seen = excluded.last_seen",
    )?;
    let or_empty = |s: &Option<String>| s.clone().unwrap_or_default();
    for c in conflicts {
        let (o, k) = (&c.dropped, &c.kept);
        let (o_key, o_type, k_key, k_type) = (
            or_empty(&o.key_id),
            or_empty(&o.event_type),
            or_empty(&k.key_id),
            or_empty(&k.event_type),
        );
        ins.execute(crate::ps![
            route.as_str(),
            &c.source,
            &c.event_id,
            &o.customer_id,
            &o_key,
            o.quantity,
            o.ts,
            &o_type,
            &k.customer_id,
            &k_key,
            k.quantity,
            k.ts,
            &k_type,
            at
        ])?;
    }
    Ok(())
}

/// One side as stored: '' back to none.
fn side(r: &super::db::R, at: usize) -> Result<Side> {
    let none_if_empty = |s: String| (!s.is_empty()).then_some(s);
    Ok(Side {
        customer_id: r.text(at)?,
        key_id: none_if_empty(r.text(at + 1)?),
        quantity: r.i64(at + 2)?,
        ts: r.i64(at + 3)?,
        event_type: none_if_empty(r.text(at + 4)?),
    })
}

/// The filter: `?7` says whether the source is asked for (the empty source is one).
const WHERE: &str = "WHERE (?1 = '' OR customer_id = ?1 OR kept_customer_id = ?1)
   AND (?7 = CAST(0 AS BIGINT) OR source = ?2) AND (?3 = '' OR event_id = ?3) AND (?4 = '' OR route = ?4)
   AND last_seen >= ?5";

impl Store {
    /// The conflicts `filter` selects, newest first (at most `filter.limit`), and how many it
    /// selects in all.
    pub fn usage_conflicts(&self, filter: &ConflictFilter) -> Result<(Vec<ConflictRow>, i64)> {
        let text = |s: &Option<String>| s.clone().unwrap_or_default();
        let (customer, source, id) = (
            text(&filter.customer),
            text(&filter.source),
            text(&filter.event_id),
        );
        let route = filter.route.map_or("", Route::as_str);
        let since = filter.since.unwrap_or(i64::MIN);
        let limit = i64::try_from(filter.limit).unwrap_or(i64::MAX);
        let by_source = i64::from(filter.source.is_some());
        let sql = format!(
            "SELECT route, source, event_id, customer_id, key_id, quantity, ts, event_type, kept_customer_id, kept_key_id, kept_quantity, kept_ts, kept_event_type, first_seen, last_seen, seen
             FROM usage_conflicts {WHERE} ORDER BY last_seen DESC, id DESC LIMIT ?6"
        );
        let rows = self.db.query(
            &sql,
            crate::ps![&customer, &source, &id, route, since, limit, by_source],
            |r| {
                Ok(ConflictRow {
                    route: r.text(0)?,
                    source: r.text(1)?,
                    event_id: r.text(2)?,
                    offered: side(r, 3)?,
                    kept: side(r, 8)?,
                    first_seen: r.i64(13)?,
                    last_seen: r.i64(14)?,
                    seen: r.i64(15)?,
                })
            },
        )?;
        let total = self.db.int(
            &format!("SELECT count(*) FROM usage_conflicts {WHERE} AND ?6 >= CAST(0 AS BIGINT)"),
            crate::ps![&customer, &source, &id, route, since, limit, by_source],
        )?;
        Ok((rows, total))
    }
}
