//! Exact usage sums over any period, from the rollups (whole days, whole hours) and the raw
//! events at the edges, under the compaction horizon.

use crate::adapters::store::Store;
use crate::domain::usage::{Grain, Scope};
use anyhow::Result;

impl Store {
    /// Exact quantity of `scope` (`customer`/`key`) `subject` with `from <= ts < to`, read from
    /// rollups: whole UTC days from the daily ones, whole hours at the edges from the hourly
    /// ones, and only the partial hours at both ends from raw events.
    ///
    /// Where raw events were compacted away (before `compacted_before`), an edge inside an hour
    /// resolves to the hour's start: each compacted hour counts in the period holding its start,
    /// so consecutive periods still add up exactly.
    pub fn usage_in(&self, scope: Scope, subject: &str, from: i64, to: i64) -> Result<i64> {
        self.usage_in_span(scope, subject, span(from, to, self.compacted_before()?))
    }

    fn usage_in_span(&self, scope: Scope, subject: &str, span: Span) -> Result<i64> {
        match span {
            Span::Empty => Ok(0),
            Span::Raw(from, to) => self.raw_in(scope, subject, from, to),
            Span::Hours { from, h0, h1, to } => checked_sum([
                self.raw_in(scope, subject, from, h0)?,
                self.raw_in(scope, subject, h1, to)?,
                self.rollup_sum(scope, subject, Grain::Hour, h0, h1)?,
            ]),
            Span::Days {
                from,
                h0,
                d0,
                d1,
                h1,
                to,
            } => checked_sum([
                self.raw_in(scope, subject, from, h0)?,
                self.raw_in(scope, subject, h1, to)?,
                self.rollup_sum(scope, subject, Grain::Day, d0, d1)?,
                self.rollup_sum(scope, subject, Grain::Hour, h0, d0)?,
                self.rollup_sum(scope, subject, Grain::Hour, d1, h1)?,
            ]),
        }
    }

    /// [`Store::usage_in`] for many `(subject, from, to)` at once, in order. On Postgres one
    /// statement answers them all (the same decomposition: raw partial hours at the edges,
    /// hourly rollups to the day boundaries, daily rollups between; every shape of period,
    /// short ones too), where one by one each would be a dozen round trips.
    pub fn usage_in_many(&self, scope: Scope, items: &[(String, i64, i64)]) -> Result<Vec<i64>> {
        if !self.db.is_pg() {
            return items
                .iter()
                .map(|(s, f, t)| self.usage_in(scope, s, *f, *t))
                .collect();
        }
        if items.is_empty() {
            return Ok(Vec::new());
        }
        let (subjects, cols) = many_columns(items, self.compacted_before()?);
        let sql = format!("{} ORDER BY x.n", usage_many_sql(scope, "", 1));
        let mut params: Vec<&(dyn postgres::types::ToSql + Sync)> = vec![&subjects];
        let scope = scope.as_str();
        params.push(&scope);
        for c in &cols {
            params.push(c);
        }
        self.db.pg_rows(&sql, &params, |r| r.i64(0))
    }

    /// Daily totals (day start, quantity) of a subject with days in `[from, to)`.
    pub fn daily(
        &self,
        scope: Scope,
        subject: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<(i64, i64)>> {
        self.db.query(
            "SELECT day, quantity FROM usage_daily WHERE scope = ?1 AND subject = ?2 AND day >= ?3 AND day < ?4 ORDER BY day",
            crate::ps![scope.as_str(), subject, from, to],
            |r| Ok((r.i64(0)?, r.i64(1)?)),
        )
    }

    /// Quantity of the raw events of `scope` (`customer`/`key`) `subject` with
    /// `from <= ts < to`. The index is by hour first, so the first hours of the range are one
    /// seek each and any later hours one scan of every event in them; the callers ask for short
    /// ranges (a period's partial-hour edges, the last minute's calls).
    fn raw_in(&self, scope: Scope, subject: &str, from: i64, to: i64) -> Result<i64> {
        const SEEK_HOURS: i64 = 4;
        if to <= from {
            return Ok(0);
        }
        let (seek, scan) = if scope == Scope::Key {
            (
                "SELECT CAST(coalesce(sum(quantity), 0) AS BIGINT) FROM usage_events WHERE ts / 3600 = ?1 AND customer_id = (SELECT customer_id FROM api_keys WHERE id = ?2) AND key_id = ?2 AND ts >= ?3 AND ts < ?4",
                "SELECT CAST(coalesce(sum(quantity), 0) AS BIGINT) FROM usage_events WHERE ts / 3600 > ?1 AND ts / 3600 <= ?2 AND customer_id = (SELECT customer_id FROM api_keys WHERE id = ?3) AND key_id = ?3 AND ts >= ?4 AND ts < ?5",
            )
        } else {
            (
                "SELECT CAST(coalesce(sum(quantity), 0) AS BIGINT) FROM usage_events WHERE ts / 3600 = ?1 AND customer_id = ?2 AND ts >= ?3 AND ts < ?4",
                "SELECT CAST(coalesce(sum(quantity), 0) AS BIGINT) FROM usage_events WHERE ts / 3600 > ?1 AND ts / 3600 <= ?2 AND customer_id = ?3 AND ts >= ?4 AND ts < ?5",
            )
        };
        // The index's own hour, `ts / 3600` (SQLite, like Rust, truncates toward zero).
        let (first, last) = (from / 3600, (to - 1) / 3600);
        let seek_last = last.min(first.saturating_add(SEEK_HOURS - 1));
        let mut parts = Vec::with_capacity(SEEK_HOURS as usize + 1);
        for hour in first..=seek_last {
            parts.push(self.db.int(seek, crate::ps![hour, subject, from, to])?);
        }
        if last > seek_last {
            parts.push(
                self.db
                    .int(scan, crate::ps![seek_last, last, subject, from, to])?,
            );
        }
        checked_sum(parts)
    }

    /// Total quantity of the raw events of a customer (all time; a full scan, for tests).
    #[cfg(test)]
    pub fn usage_total(&self, customer: &str) -> Result<i64> {
        self.db.int(
            "SELECT CAST(coalesce(sum(quantity), 0) AS BIGINT) FROM usage_events WHERE customer_id = ?1",
            crate::ps![customer],
        )
    }

    /// Rolled-up quantity of `scope` (`customer`/`key`) `subject` at `grain` (`hour`/`day`)
    /// for buckets starting in `from <= bucket < to`.
    pub fn rollup_sum(
        &self,
        scope: Scope,
        subject: &str,
        grain: Grain,
        from: i64,
        to: i64,
    ) -> Result<i64> {
        if to <= from {
            return Ok(0);
        }
        let one = |sql: &str, p: &[crate::adapters::store::db::P]| self.db.int(sql, p);
        if grain == Grain::Day {
            return one(
                "SELECT CAST(coalesce(sum(quantity), 0) AS BIGINT) FROM usage_daily WHERE scope = ?1 AND subject = ?2 AND day >= ?3 AND day < ?4",
                crate::ps![scope.as_str(), subject, from, to],
            );
        }
        // Hours are clustered by day: one seek per day for a short range (a period's edges).
        let day = |t: i64| t.div_euclid(86_400).saturating_mul(86_400);
        let (first, last) = (day(from), day(to - 1));
        if last.saturating_sub(first) <= 3 * 86_400 {
            let mut total = 0i64;
            for d in (first..=last).step_by(86_400) {
                total = add(total, one(
                    "SELECT CAST(coalesce(sum(quantity), 0) AS BIGINT) FROM usage_hourly WHERE day = ?1 AND scope = ?2 AND subject = ?3 AND hour >= ?4 AND hour < ?5",
                    crate::ps![d, scope.as_str(), subject, from, to],
                )?)?;
            }
            return Ok(total);
        }
        one(
            "SELECT CAST(coalesce(sum(quantity), 0) AS BIGINT) FROM usage_hourly WHERE day >= ?1 AND day <= ?2 AND scope = ?3 AND subject = ?4 AND hour >= ?5 AND hour < ?6",
            crate::ps![first, last, scope.as_str(), subject, from, to],
        )
    }

    /// Calls (sum of quantities) of a customer with `from <= ts < to`, from the raw events
    /// (tests check the rollups against it).
    #[cfg(test)]
    pub fn usage_sum(&self, customer: &str, from: i64, to: i64) -> Result<i64> {
        self.raw_in(Scope::Customer, customer, from, to)
    }

    /// Calls made with a key since `since` (for tests).
    #[cfg(test)]
    pub fn key_uses_since(&self, key: &str, since: i64) -> Result<i64> {
        self.key_usage(key, since, i64::MAX)
    }

    /// Calls (sum of quantities) made with a key with `from <= ts < to`, from the raw events
    /// (for tests).
    #[cfg(test)]
    pub fn key_usage(&self, key: &str, from: i64, to: i64) -> Result<i64> {
        self.raw_in(Scope::Key, key, from, to)
    }
}

/// The subjects and the 14 columns of [`usage_many_sql`] for `items` under `horizon`.
pub(super) fn many_columns(
    items: &[(String, i64, i64)],
    horizon: Option<i64>,
) -> (Vec<String>, Vec<Vec<i64>>) {
    let mut cols: Vec<Vec<i64>> = (0..14).map(|_| Vec::with_capacity(items.len())).collect();
    for (_, from, to) in items {
        for (c, v) in cols.iter_mut().zip(span(*from, *to, horizon).columns()) {
            c.push(v);
        }
    }
    (items.iter().map(|(s, _, _)| s.clone()).collect(), cols)
}

/// The one Postgres statement that sums usage over many periods at once: per row (`x.n`
/// numbers them from 1), the raw events of the two edge hours, the hourly rollups of the two
/// edge days, and the daily rollups between ([`Span::columns`]). `head` goes before the sum
/// in the select list; the parameters start at `$first`: the subjects (text[]), the scope
/// (text), then the 14 bigint[] columns.
pub(super) fn usage_many_sql(scope: Scope, head: &str, first: usize) -> String {
    let p = |i: usize| format!("${}", first + i);
    // Raw events are indexed by hour, customer, key: a key's are found under its customer.
    let raw_subject = if scope == Scope::Key {
        "e.customer_id = (SELECT k.customer_id FROM api_keys k WHERE k.id = x.s) AND e.key_id = x.s"
    } else {
        "e.customer_id = x.s"
    };
    let raw = |h: &str, f: &str, t: &str| {
        format!("coalesce((SELECT sum(e.quantity) FROM usage_events e WHERE e.ts / 3600 = x.{h} AND {raw_subject} AND e.ts >= x.{f} AND e.ts < x.{t}), 0)")
    };
    let scope_p = p(1);
    let hourly = |d: &str, f: &str, t: &str| {
        format!("coalesce((SELECT sum(u.quantity) FROM usage_hourly u WHERE u.day = x.{d} AND u.scope = {scope_p} AND u.subject = x.s AND u.hour >= x.{f} AND u.hour < x.{t}), 0)")
    };
    let arrays: Vec<String> = (2..16).map(|i| format!("{}::bigint[]", p(i))).collect();
    format!(
        "SELECT {head}CAST({} + {} + {} + {} + coalesce((SELECT sum(d.quantity) FROM usage_daily d WHERE d.scope = {scope_p} AND d.subject = x.s AND d.day >= x.df AND d.day < x.dt), 0) AS BIGINT)
         FROM unnest({}::text[], {})
           WITH ORDINALITY AS x(s, r1h, r1f, r1t, r2h, r2f, r2t, h1d, h1f, h1t, h2d, h2f, h2t, df, dt, n)",
        raw("r1h", "r1f", "r1t"),
        raw("r2h", "r2f", "r2t"),
        hourly("h1d", "h1f", "h1t"),
        hourly("h2d", "h2f", "h2t"),
        p(0),
        arrays.join(", "),
    )
}

/// How `usage_in` reads `[from, to)`: raw events for the partial hours at both ends, hourly
/// rollups for whole hours, daily rollups for whole days.
#[derive(Clone, Copy)]
enum Span {
    Empty,
    /// Within one stretch of raw events (no whole hour inside).
    Raw(i64, i64),
    /// Raw `[from, h0)` and `[h1, to)`, hourly `[h0, h1)` when there is no whole day.
    Hours {
        from: i64,
        h0: i64,
        h1: i64,
        to: i64,
    },
    /// Raw edges, hourly `[h0, d0)` and `[d1, h1)`, daily `[d0, d1)`.
    Days {
        from: i64,
        h0: i64,
        d0: i64,
        d1: i64,
        h1: i64,
        to: i64,
    },
}

impl Span {
    /// The span as five ranges, each within what one seek reads, empty ones included (from =
    /// to): raw events `[f, t)` within hour `h` (twice), hourly rollups `[f, t)` within day
    /// `d` (twice), daily rollups `[f, t)`: `[h, f, t, h, f, t, d, f, t, d, f, t, f, t]`, the
    /// columns of [`usage_many_sql`].
    fn columns(self) -> [i64; 14] {
        let ceil = |t: i64, u: i64| t.div_euclid(u) * u + if t.rem_euclid(u) == 0 { 0 } else { u };
        let floor = |t: i64, u: i64| t.div_euclid(u) * u;
        // The raw edges and the whole hours between them (h0 <= h1 when there are any).
        let (from, to, h0, h1) = match self {
            Span::Empty => return [0; 14],
            Span::Raw(from, to) => {
                // Within two hours at most: [from, the next hour) and [that hour, to).
                let h = ceil(from, 3600).min(to);
                return [
                    from / 3600,
                    from,
                    h,
                    h / 3600,
                    h,
                    to,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                ];
            }
            Span::Hours { from, h0, h1, to }
            | Span::Days {
                from, h0, h1, to, ..
            } => (from, to, h0, h1),
        };
        let (d0, d1) = match self {
            Span::Days { d0, d1, .. } => (d0, d1),
            // Less than a day of whole hours: at most one midnight inside, where both
            // hourly ranges meet.
            _ => {
                let m = ceil(h0, 86_400).min(h1);
                (m, m)
            }
        };
        [
            from / 3600,
            from,
            h0,
            h1 / 3600,
            h1,
            to,
            floor(h0, 86_400),
            h0,
            d0,
            floor(d1, 86_400),
            d1,
            h1,
            d0,
            d1,
        ]
    }
}

/// The decomposition of `[from, to)` under the compaction horizon: where raw events were
/// compacted away, an edge inside an hour resolves to the hour's start.
fn span(from: i64, to: i64, horizon: Option<i64>) -> Span {
    if to <= from {
        return Span::Empty;
    }
    let (from, to) = match horizon {
        Some(h) => {
            let snap = |t: i64| if t < h { t.div_euclid(3600) * 3600 } else { t };
            (snap(from), snap(to))
        }
        None => (from, to),
    };
    if to <= from {
        return Span::Empty;
    }
    let ceil = |t: i64, u: i64| t.div_euclid(u) * u + if t.rem_euclid(u) == 0 { 0 } else { u };
    let floor = |t: i64, u: i64| t.div_euclid(u) * u;
    let (h0, h1) = (ceil(from, 3600), floor(to, 3600));
    if h0 >= h1 {
        return Span::Raw(from, to);
    }
    let (d0, d1) = (ceil(h0, 86_400), floor(h1, 86_400));
    if d0 < d1 {
        Span::Days {
            from,
            h0,
            d0,
            d1,
            h1,
            to,
        }
    } else {
        Span::Hours { from, h0, h1, to }
    }
}

/// `a + b`, or an error instead of a wrap: a usage sum never overflows silently (quantities
/// are bounded, so this takes billions of the largest events).
pub(super) fn add(a: i64, b: i64) -> Result<i64> {
    a.checked_add(b)
        .ok_or_else(|| anyhow::anyhow!("usage total overflows a 64-bit integer ({a} + {b})"))
}

fn checked_sum(parts: impl IntoIterator<Item = i64>) -> Result<i64> {
    parts.into_iter().try_fold(0, add)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the five ranges of [`Span::columns`] add up to over `events` (ts, quantity), read
    /// as the statement reads them: raw events by their hour (`ts / 3600`), hourly rollups by
    /// their day, daily rollups by day.
    fn by_columns(c: [i64; 14], events: &[(i64, i64)]) -> i64 {
        let floor = |t: i64, u: i64| t.div_euclid(u) * u;
        let raw = |h: i64, f: i64, t: i64| -> i64 {
            events
                .iter()
                .filter(|(ts, _)| ts / 3600 == h && *ts >= f && *ts < t)
                .map(|e| e.1)
                .sum()
        };
        let hourly = |d: i64, f: i64, t: i64| -> i64 {
            events
                .iter()
                .filter(|(ts, _)| {
                    let hour = floor(*ts, 3600);
                    floor(hour, 86_400) == d && hour >= f && hour < t
                })
                .map(|e| e.1)
                .sum()
        };
        let daily = |f: i64, t: i64| -> i64 {
            events
                .iter()
                .filter(|(ts, _)| floor(*ts, 86_400) >= f && floor(*ts, 86_400) < t)
                .map(|e| e.1)
                .sum()
        };
        raw(c[0], c[1], c[2])
            + raw(c[3], c[4], c[5])
            + hourly(c[6], c[7], c[8])
            + hourly(c[9], c[10], c[11])
            + daily(c[12], c[13])
    }

    #[test]
    fn every_shape_of_period_sums_exactly_through_the_one_statement_columns() {
        // Events every 7 minutes over five days, from a midnight; periods of every shape
        // (inside an hour, across one hour boundary, hours across a midnight, days) with
        // edges on and off hours and midnights.
        let base = 1_700_006_400; // a UTC midnight
        assert_eq!(base % 86_400, 0);
        let events: Vec<(i64, i64)> = (0..5 * 86_400 / 420)
            .map(|i| (base + i * 420 + 13, 1 + i % 5))
            .collect();
        let edges: Vec<i64> = [
            0,
            1,
            1799,
            3599,
            3600,
            3601,
            7200,
            9000,
            82_800,
            86_399,
            86_400,
            86_401,
            90_000,
            2 * 86_400 + 1234,
            3 * 86_400,
            4 * 86_400 + 3600,
        ]
        .iter()
        .map(|d| base + d)
        .collect();
        let mut shapes = std::collections::HashSet::new();
        for &from in &edges {
            for &to in &edges {
                let truth: i64 = events
                    .iter()
                    .filter(|(ts, _)| *ts >= from && *ts < to)
                    .map(|e| e.1)
                    .sum();
                let sp = span(from, to, None);
                shapes.insert(std::mem::discriminant(&sp));
                assert_eq!(by_columns(sp.columns(), &events), truth, "[{from}, {to})");
            }
        }
        assert_eq!(
            shapes.len(),
            4,
            "every shape was tried: empty, raw, hours, days"
        );
    }
}
