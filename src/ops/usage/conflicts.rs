//! `usage conflicts`: the usage events refused because their identity (source and id) was taken
//! by a stored event with other content, from every route, newest first, filtered as support
//! needs (customer, source, id, route, since).

use crate::adapters::store::{ConflictFilter, ConflictRow, Store};
use crate::domain::usage::Route;
use anyhow::{bail, Result};
use serde::Serialize;

/// The most conflicts one listing shows.
pub const MAX_LIMIT: usize = 10_000;

/// What to list.
pub struct Query<'a> {
    pub customer: Option<&'a str>,
    pub source: Option<&'a str>,
    pub id: Option<&'a str>,
    /// A route as stored (`usage import`, `/api/v1/events`, ...).
    pub route: Option<&'a str>,
    pub since: Option<i64>,
    pub limit: usize,
}

/// The conflicts listed.
#[derive(Serialize)]
pub struct ConflictsView {
    /// How many the filters select in all (`conflicts` holds the newest `limit`).
    pub total: i64,
    pub conflicts: Vec<ConflictRow>,
}

/// Lists the conflicts `q` selects.
pub fn list(store: &Store, q: &Query) -> Result<ConflictsView> {
    let route = match q.route {
        None => None,
        Some(r) => match Route::parse(r) {
            Some(r) => Some(r),
            None => {
                let names: Vec<&str> = Route::ALL.iter().map(|r| r.as_str()).collect();
                bail!("invalid --route {r:?}: one of {}", names.join(", "))
            }
        },
    };
    if q.limit == 0 || q.limit > MAX_LIMIT {
        bail!("invalid --limit {}: 1 to {MAX_LIMIT}", q.limit);
    }
    let owned = |s: Option<&str>| s.map(String::from);
    let filter = ConflictFilter {
        customer: owned(q.customer),
        source: owned(q.source),
        event_id: owned(q.id),
        route,
        since: q.since,
        limit: q.limit,
    };
    let (conflicts, total) = store.usage_conflicts(&filter)?;
    Ok(ConflictsView { total, conflicts })
}
