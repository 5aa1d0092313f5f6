//! A group of recorded calls on Postgres in a constant number of round trips, whatever its
//! size and however many customers are in it: the customers' locks in one statement (with
//! the compaction horizon), their counts in one (each period's usage and each rate window),
//! the calls in one, and each rollup table in one (see `write.rs`; a key's last use is its
//! daily rollup's).
//! Between the counts and the inserts the calls are charged in memory, one after another,
//! by the same code as on SQLite ([`Store::charge_one`]): the group stays exact.

use super::calls::{subject_of, CallLimits, Charge, Charges};
use super::sums::{many_columns, usage_many_sql};
use super::write::{add_to_rollups, identity, refuse_before_horizon_at};
use super::{conflicts_among, Route, UsageEvent};
use crate::adapters::store::db::Db;
use crate::adapters::store::Store;
use crate::domain::usage::Scope;
use anyhow::Result;

/// The setting that holds `usage compact`'s horizon (see `compaction.rs`).
use super::compaction::HORIZON_KEY;

impl Store {
    /// [`Store::record_within_many`]'s transaction on Postgres (begun by the caller).
    pub(super) fn record_group_pg(
        &self,
        db: &Db,
        charges: &mut Charges,
        calls: &[(UsageEvent, CallLimits)],
        now: i64,
    ) -> Result<Vec<Charge>> {
        let horizon = lock_customers(db, calls)?;
        read_counts(db, charges, calls, now, horizon)?;
        let mut out = Vec::with_capacity(calls.len());
        let mut recorded = Vec::with_capacity(calls.len());
        for (event, limits) in calls {
            let charge = self.charge_one(charges, event, limits, now)?;
            if let Charge::Recorded { .. } = charge {
                recorded.push(event);
            }
            out.push(charge);
        }
        insert_calls(db, &recorded, now, horizon)?;
        Ok(out)
    }
}

/// Takes the group's customers' locks, in byte order (as every group takes them, so two
/// hosts' groups never wait on each other in a cycle), and reads the compaction horizon: one
/// statement. The counts are read by the next one, whose snapshot follows the locks.
fn lock_customers(db: &Db, calls: &[(UsageEvent, CallLimits)]) -> Result<Option<i64>> {
    let customers: std::collections::BTreeSet<&str> =
        calls.iter().map(|(e, _)| e.customer_id.as_str()).collect();
    let keys: Vec<String> = customers.iter().map(|c| format!("usage:{c}")).collect();
    // `pg_advisory_xact_lock` is volatile: evaluated for every row, in the array's order. The
    // group's statements are planned once and kept (`plan_cache_mode`, for this transaction):
    // planned anew for each group's arrays, the counts took longer to plan than to run; and
    // never compiled (`jit`): a generic plan's estimates over arrays passed JIT's threshold,
    // and compiling cost a hundred times what running did.
    let horizon = db.pg_rows(
        "SELECT (SELECT value FROM settings WHERE key = $2), (SELECT count(*) FROM (SELECT pg_advisory_xact_lock(hashtextextended(c, 0)) FROM unnest($1::text[]) WITH ORDINALITY AS u(c, o) ORDER BY u.o) l), set_config('plan_cache_mode', 'force_generic_plan', true), set_config('jit', 'off', true)",
        &[&keys, &HORIZON_KEY],
        |r| r.opt_text(0),
    )?;
    Ok(horizon
        .into_iter()
        .flatten()
        .next()
        .and_then(|v| v.parse().ok()))
}

/// Reads, in one statement, each distinct (customer, period)'s usage and each rate subject's
/// calls per second in its window, into `charges` (which last this group on Postgres).
fn read_counts(
    db: &Db,
    charges: &mut Charges,
    calls: &[(UsageEvent, CallLimits)],
    now: i64,
    horizon: Option<i64>,
) -> Result<()> {
    let (periods, keys, customers) = what_to_count(calls, now);
    let (subjects, cols) = many_columns(&periods, horizon);
    let sql = format!(
        "{} UNION ALL {} UNION ALL {}",
        usage_many_sql(Scope::Customer, "0::bigint, x.n, 0::bigint, ", 1),
        window_sql(1, "e.customer_id = (SELECT a.customer_id FROM api_keys a WHERE a.id = w.s) AND e.key_id = w.s", 17),
        window_sql(2, "e.customer_id = w.s AND e.key_id IS NOT NULL", 20),
    );
    let scope = Scope::Customer.as_str();
    let mut params: Vec<&(dyn postgres::types::ToSql + Sync)> = vec![&subjects, &scope];
    for c in &cols {
        params.push(c);
    }
    for w in [&keys, &customers] {
        params.push(&w.ids);
        params.push(&w.from);
        params.push(&w.to);
    }
    let rows = db.pg_rows(&sql, &params, |r| {
        Ok((r.i64(0)?, r.i64(1)?, r.i64(2)?, r.i64(3)?))
    })?;
    let mut used: Vec<(&(String, i64, i64), i64)> = periods.iter().map(|p| (p, 0)).collect();
    for w in [&keys, &customers] {
        for s in &w.subjects {
            charges.windows.entry(s.clone()).or_default();
        }
    }
    for (kind, n, ts, v) in rows {
        let i = usize::try_from(n - 1)?;
        let subject = match kind {
            0 => {
                used[i].1 = v;
                continue;
            }
            1 => &keys.subjects[i],
            _ => &customers.subjects[i],
        };
        *charges
            .windows
            .entry(subject.clone())
            .or_default()
            .entry(ts)
            .or_default() += v;
    }
    for (p, v) in used {
        charges.used.insert(p.clone(), v);
    }
    Ok(())
}

/// The distinct (customer, period)s of a group, and its rate subjects (keys, and customers
/// whose rate is the customer's), each once, with its window.
fn what_to_count(
    calls: &[(UsageEvent, CallLimits)],
    now: i64,
) -> (Vec<(String, i64, i64)>, Windows, Windows) {
    let mut periods: Vec<(String, i64, i64)> = Vec::new();
    let (mut seen, mut rated) = (
        std::collections::HashSet::new(),
        std::collections::HashSet::new(),
    );
    // Rate subjects: keys and customers, each with its window [from, to).
    let (mut keys, mut customers) = (Windows::default(), Windows::default());
    for (e, limits) in calls {
        let (from, to) = limits.period;
        if seen.insert((e.customer_id.as_str(), from, to)) {
            periods.push((e.customer_id.clone(), from, to));
        }
        let (subject, window) = subject_of(e, limits, now);
        let (w, id) = if limits.rate_per_customer {
            (&mut customers, e.customer_id.as_str())
        } else {
            (&mut keys, e.key_id.as_deref().unwrap_or_default())
        };
        if rated.insert(subject.clone()) {
            w.push(subject, id, window);
        }
    }
    (periods, keys, customers)
}

/// Rate subjects of one kind for [`window_sql`]: the id each is counted by, and its window.
#[derive(Default)]
struct Windows {
    /// The subjects as `Charges` names them (`k:<key>`, `c:<customer>`).
    subjects: Vec<String>,
    ids: Vec<String>,
    from: Vec<i64>,
    to: Vec<i64>,
}

impl Windows {
    fn push(&mut self, subject: String, id: &str, (from, to): (i64, i64)) {
        self.subjects.push(subject);
        self.ids.push(id.to_string());
        self.from.push(from);
        self.to.push(to);
    }
}

/// Calls per second of each subject in its window `[from, to)`, tagged `kind`: one seek of the
/// hour index per subject and hour of the window. Parameters from `$first`: ids, from, to.
fn window_sql(kind: u8, subject: &str, first: usize) -> String {
    let (ids, from, to) = (first, first + 1, first + 2);
    // `OFFSET 0` keeps the events' subquery apart, so each (subject, hour) is one seek of the
    // index by its leading column (a join the planner may hash would scan the whole index).
    format!(
        "SELECT {kind}::bigint, w.n, e.ts, count(*)
         FROM unnest(${ids}::text[], ${from}::bigint[], ${to}::bigint[]) WITH ORDINALITY AS w(s, f, t, n)
         CROSS JOIN LATERAL generate_series(w.f / 3600, greatest(w.t - 1, w.f) / 3600) AS h
         CROSS JOIN LATERAL (SELECT e.ts FROM usage_events e WHERE e.ts / 3600 = h AND {subject} AND e.ts >= w.f AND e.ts < w.t OFFSET 0) e
         GROUP BY w.n, e.ts"
    )
}

/// Inserts the recorded calls in one statement (in identity order, as every batch insert
/// takes ids) and adds those that went in to the rollups. A call's id is the verifier's own
/// and new; one that is somehow taken is checked as any repeat is (a conflict is recorded).
fn insert_calls(db: &Db, calls: &[&UsageEvent], at: i64, horizon: Option<i64>) -> Result<()> {
    if calls.is_empty() {
        return Ok(());
    }
    refuse_before_horizon_at(horizon, calls.iter().copied())?;
    let mut sorted: Vec<&UsageEvent> = calls.to_vec();
    sorted.sort_unstable_by(|a, b| identity(a).cmp(&identity(b)));
    let text = |f: fn(&UsageEvent) -> &str| sorted.iter().map(|e| f(e)).collect::<Vec<&str>>();
    let opt = |f: fn(&UsageEvent) -> Option<&str>| {
        sorted.iter().map(|e| f(e)).collect::<Vec<Option<&str>>>()
    };
    let int = |f: fn(&UsageEvent) -> i64| sorted.iter().map(|e| f(e)).collect::<Vec<i64>>();
    let (source, id, customer) = (
        text(|e| &e.source),
        text(|e| &e.event_id),
        text(|e| &e.customer_id),
    );
    let (key, endpoint, meta, kind) = (
        opt(|e| e.key_id.as_deref()),
        opt(|e| e.endpoint.as_deref()),
        opt(|e| e.meta.as_deref()),
        opt(|e| e.event_type.as_deref()),
    );
    let (quantity, ts) = (int(|e| e.quantity), int(|e| e.ts));
    let inserted: std::collections::HashSet<(String, String)> = db
        .pg_rows(
            r#"INSERT INTO usage_events (source, event_id, customer_id, key_id, quantity, ts, endpoint, meta, recorded_at, event_type)
               SELECT u.source, u.event_id, u.customer_id, u.key_id, u.quantity, u.ts, u.endpoint, u.meta, $10, u.event_type
               FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::text[], $8::text[], $9::text[])
                 WITH ORDINALITY AS u(source, event_id, customer_id, key_id, quantity, ts, endpoint, meta, event_type, o)
               ORDER BY u.o
               ON CONFLICT DO NOTHING
               RETURNING source, event_id"#,
            &[&source, &id, &customer, &key, &quantity, &ts, &endpoint, &meta, &kind, &at],
            |r| Ok((r.text(0)?, r.text(1)?)),
        )?
        .into_iter()
        .collect();
    let (new, repeats): (Vec<&UsageEvent>, Vec<&UsageEvent>) = sorted
        .into_iter()
        .partition(|e| inserted.contains(&(e.source.clone(), e.event_id.clone())));
    add_to_rollups(db, &new)?;
    conflicts_among(db, &repeats, Route::Verify, at)?;
    Ok(())
}
