//! The store's own bare statements for the writes of a group of 32 customers' recorded calls,
//! timed on the bench's store beside billctl's groups: 32 events and, per call, its customer's
//! and key's hourly and daily rollup rows, in one transaction with the store's settings
//! (SQLite: WAL, `synchronous = FULL`; Postgres: the arrays through `unnest`, five round
//! trips). No reads, no checks, no locks: what the writes alone cost on this machine.

use std::time::{Duration, Instant};

/// Where the bare statements run.
pub enum Bare {
    Sqlite(std::path::PathBuf),
    Pg(String),
}

const DAILY: &str = "INSERT INTO usage_daily (scope, subject, day, quantity, events) VALUES (?1, ?2, ?3, 1, 1)
     ON CONFLICT (scope, subject, day) DO UPDATE SET quantity = usage_daily.quantity + 1, events = usage_daily.events + 1";
const HOURLY: &str = "INSERT INTO usage_hourly (day, scope, subject, hour, quantity, events) VALUES (?1, ?2, ?3, ?4, 1, 1)
     ON CONFLICT (day, scope, subject, hour) DO UPDATE SET quantity = usage_hourly.quantity + 1, events = usage_hourly.events + 1";

/// Microseconds a group of the bare writes takes, over `slice`; `calls(g)` are the group's
/// (customer, key id) pairs.
pub fn group_us(
    at: &Bare,
    slice: Duration,
    now: i64,
    calls: &dyn Fn(usize) -> Vec<(String, String)>,
) -> anyhow::Result<f64> {
    let (day, hour) = (now.div_euclid(86_400) * 86_400, now.div_euclid(3600) * 3600);
    let (start, mut g) = (Instant::now(), 0usize);
    match at {
        Bare::Sqlite(db) => {
            let c = rusqlite::Connection::open(db)?;
            c.busy_timeout(Duration::from_secs(5))?;
            c.pragma_update(None, "synchronous", "FULL")?;
            c.pragma_update(None, "cache_size", -32_768)?;
            while start.elapsed() < slice {
                c.execute_batch("BEGIN IMMEDIATE")?;
                for (i, (customer, key)) in calls(g).iter().enumerate() {
                    c.prepare_cached("INSERT INTO usage_events (source, event_id, customer_id, key_id, quantity, ts, recorded_at) VALUES ('', ?1, ?2, ?3, 1, ?4, ?4)")?
                        .execute(rusqlite::params![format!("bare-{g:08}-{i:02}"), customer, key, now])?;
                    for (scope, subject) in [("customer", customer), ("key", key)] {
                        c.prepare_cached(DAILY)?.execute(rusqlite::params![scope, subject, day])?;
                        c.prepare_cached(HOURLY)?
                            .execute(rusqlite::params![day, scope, subject, hour])?;
                    }
                }
                c.execute_batch("COMMIT")?;
                g += 1;
            }
        }
        Bare::Pg(url) => {
            let mut c = postgres::Client::connect(url, postgres::NoTls)?;
            let ins = c.prepare(
                "INSERT INTO usage_events (source, event_id, customer_id, key_id, quantity, ts, recorded_at)
                 SELECT '', u.i, u.c, u.k, 1, $4, $4 FROM unnest($1::text[], $2::text[], $3::text[]) AS u(i, c, k)",
            )?;
            let daily = c.prepare(
                "INSERT INTO usage_daily (scope, subject, day, quantity, events)
                 SELECT u.s, u.j, $3, 1, 1 FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(s, j, o) ORDER BY u.o
                 ON CONFLICT (scope, subject, day) DO UPDATE SET quantity = usage_daily.quantity + 1, events = usage_daily.events + 1",
            )?;
            let hourly = c.prepare(
                "INSERT INTO usage_hourly (day, scope, subject, hour, quantity, events)
                 SELECT $3, u.s, u.j, $4, 1, 1 FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(s, j, o) ORDER BY u.o
                 ON CONFLICT (day, scope, subject, hour) DO UPDATE SET quantity = usage_hourly.quantity + 1, events = usage_hourly.events + 1",
            )?;
            while start.elapsed() < slice {
                let group = calls(g);
                let ids: Vec<String> =
                    (0..group.len()).map(|i| format!("bare-{g:08}-{i:02}")).collect();
                let customers: Vec<&str> = group.iter().map(|(c, _)| c.as_str()).collect();
                let keys: Vec<&str> = group.iter().map(|(_, k)| k.as_str()).collect();
                // Each rollup row once, sorted, as billctl merges them.
                let mut rows: Vec<(&str, &str)> = group
                    .iter()
                    .flat_map(|(c, k)| [("customer", c.as_str()), ("key", k.as_str())])
                    .collect();
                rows.sort_unstable();
                rows.dedup();
                let scopes: Vec<&str> = rows.iter().map(|r| r.0).collect();
                let subjects: Vec<&str> = rows.iter().map(|r| r.1).collect();
                let mut tx = c.transaction()?;
                tx.execute(&ins, &[&ids, &customers, &keys, &now])?;
                tx.execute(&daily, &[&scopes, &subjects, &day])?;
                tx.execute(&hourly, &[&scopes, &subjects, &day, &hour])?;
                tx.commit()?;
                g += 1;
            }
        }
    }
    Ok(start.elapsed().as_secs_f64() * 1e6 / g.max(1) as f64)
}

/// Postgres only: microseconds of eight round trips that do nothing (`SELECT 1`), the latency
/// floor of a group of eight round trips on this machine.
pub fn round_trips_us(url: &str, slice: Duration) -> anyhow::Result<f64> {
    let mut c = postgres::Client::connect(url, postgres::NoTls)?;
    let one = c.prepare("SELECT 1")?;
    let (start, mut g) = (Instant::now(), 0usize);
    while start.elapsed() < slice {
        for _ in 0..8 {
            c.query_one(&one, &[])?;
        }
        g += 1;
    }
    Ok(start.elapsed().as_secs_f64() * 1e6 / g.max(1) as f64)
}
