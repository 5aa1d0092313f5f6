//! What one group of recorded calls writes: rows and pages per call, for a group of one key's
//! 32 calls and a group of 32 customers' calls, on SQLite and on Postgres; and the round trips
//! a group takes on Postgres. Counts, not times: the same on any machine.
//!
//! - SQLite: rows are the store connection's `total_changes`; pages are the frames its commit
//!   appended to the write-ahead log (the log is emptied before each group by a
//!   `wal_checkpoint(TRUNCATE)` from a second connection and read back after it).
//! - Postgres: rows are the heap records (insert, update, delete) in the WAL the group wrote,
//!   pages the distinct blocks those records name, read with `pg_walinspect`; round trips are
//!   counted by the store's connection.

use billctl::adapters::store::Store;
use billctl::ops::verifier::Verifier;
use std::time::Duration;

/// Groups measured of each kind (after one group of each that warms the caches).
const GROUPS: usize = 20;

/// Per call: rows written, pages written; per group: round trips (Postgres).
#[derive(Default, Clone, Copy)]
pub struct Cost {
    pub rows: f64,
    pub pages: f64,
    pub trips: Option<f64>,
}

/// Where a group's writes are counted from.
pub enum Side {
    /// A second connection to the SQLite store file.
    Sqlite(rusqlite::Connection),
    /// A second connection to the Postgres database (superuser: `pg_walinspect`).
    Pg(postgres::Client),
}

impl Side {
    pub fn sqlite(db: &std::path::Path) -> anyhow::Result<Side> {
        Ok(Side::Sqlite(rusqlite::Connection::open(db)?))
    }

    pub fn pg(url: &str) -> anyhow::Result<Side> {
        let mut c = postgres::Client::connect(url, postgres::NoTls)?;
        c.batch_execute("CREATE EXTENSION IF NOT EXISTS pg_walinspect")?;
        Ok(Side::Pg(c))
    }

    /// Marks the start of a group: the SQLite log emptied, or the Postgres WAL position.
    fn start(&mut self) -> anyhow::Result<String> {
        match self {
            Side::Sqlite(c) => {
                let (busy, log): (i64, i64) =
                    c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                        Ok((r.get(0)?, r.get(1)?))
                    })?;
                anyhow::ensure!(busy == 0 && log <= 0, "the log was not emptied ({busy}, {log})");
                Ok(String::new())
            }
            Side::Pg(c) => Ok(c.query_one("SELECT pg_current_wal_insert_lsn()::text", &[])?.get(0)),
        }
    }

    /// Pages (and, on Postgres, rows) written since `start`.
    fn written(&mut self, start: &str) -> anyhow::Result<(i64, Option<i64>)> {
        match self {
            Side::Sqlite(c) => {
                let log: i64 = c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(1))?;
                Ok((log, None))
            }
            Side::Pg(c) => {
                let end: String =
                    c.query_one("SELECT pg_current_wal_insert_lsn()::text", &[])?.get(0);
                // The cluster runs with synchronous_commit off: wait for the WAL writer.
                loop {
                    let flushed: bool = c
                        .query_one(
                            "SELECT pg_current_wal_flush_lsn() >= $1::text::pg_lsn",
                            &[&end],
                        )?
                        .get(0);
                    if flushed {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(5));
                }
                let row = c.query_one(
                    r"WITH r AS (SELECT * FROM pg_get_wal_records_info($1::text::pg_lsn, $2::text::pg_lsn)
                                 WHERE resource_manager IN ('Heap', 'Heap2', 'Btree'))
                      SELECT (SELECT count(*) FROM r WHERE resource_manager IN ('Heap', 'Heap2')
                                AND record_type ~ '^(INSERT|UPDATE|HOT_UPDATE|DELETE|MULTI_INSERT)'),
                             (SELECT count(DISTINCT m[1] || ':' || m[2]) FROM r,
                                LATERAL regexp_matches(r.block_ref, 'rel ([0-9/]+) fork main blk ([0-9]+)', 'g') m)",
                    &[&start, &end],
                )?;
                if std::env::var_os("BILLCTL_BENCH_RELATIONS").is_some() {
                    let rels = c.query(
                        r"SELECT coalesce(pg_filenode_relation(0, split_part(m[1], '/', 3)::oid)::text, m[1]) AS rel, count(DISTINCT m[2])
                          FROM pg_get_wal_records_info($1::text::pg_lsn, $2::text::pg_lsn) r,
                               LATERAL regexp_matches(r.block_ref, 'rel ([0-9/]+) fork main blk ([0-9]+)', 'g') m
                          GROUP BY 1 ORDER BY 2 DESC",
                        &[&start, &end],
                    )?;
                    let parts: Vec<String> = rels
                        .iter()
                        .map(|r| format!("{} {}", r.get::<_, String>(0), r.get::<_, i64>(1)))
                        .collect();
                    println!("  pages by relation: {}", parts.join(", "));
                }
                Ok((row.get(1), Some(row.get(0))))
            }
        }
    }
}

/// The cost per call of `GROUPS` groups of 32 recorded calls made by `pick` (an index into
/// `keys` for the i-th call overall).
pub fn per_call(
    v: &mut Verifier,
    clock: &billctl::domain::clock::Clock,
    side: &mut Side,
    keys: &[String],
    pick: &dyn Fn(usize) -> usize,
) -> anyhow::Result<Cost> {
    let (mut rows, mut pages, mut trips) = (0i64, 0i64, 0u64);
    for g in 0..=GROUPS {
        // A second a group: every group is a new second for every key and customer (a key's
        // last use moves with each of its calls), whatever the machine's speed.
        clock.advance(Duration::from_secs(1));
        let calls: Vec<(&str, i64)> =
            (0..32).map(|i| (keys[pick(g * 32 + i) % keys.len()].as_str(), 1)).collect();
        v.end_snapshot();
        let mark = side.start()?;
        let before = v.store().counters();
        let out = v.verify_and_record_many(&calls);
        anyhow::ensure!(out.iter().all(|x| x.is_valid()), "{:?}", out[0].code);
        let after = v.store().counters();
        let (p, pg_rows) = side.written(&mark)?;
        if g == 0 {
            continue;
        }
        pages += p;
        rows += match (pg_rows, before.rows_changed, after.rows_changed) {
            (Some(r), _, _) => r,
            (None, Some(b), Some(a)) => i64::try_from(a - b)?,
            _ => anyhow::bail!("no row count"),
        };
        if let (Some(b), Some(a)) = (before.round_trips, after.round_trips) {
            trips += a - b;
        }
    }
    let calls = (GROUPS * 32) as f64;
    Ok(Cost {
        rows: rows as f64 / calls,
        pages: pages as f64 / calls,
        trips: v.store().counters().round_trips.map(|_| trips as f64 / GROUPS as f64),
    })
}

/// A month of history for the first 1,000 keys (of 1,000 customers): ten events a key a day
/// for 30 days, and twenty in the last hour, so the rollups and indexes a group writes into
/// are the size of a store in use, not empty.
pub fn history(store: &mut Store, keys: &[String], now: i64) -> anyhow::Result<usize> {
    use billctl::adapters::store::UsageEvent;
    let ids: Vec<String> = keys[..1_000]
        .iter()
        .map(|k| billctl::domain::keys::parse(k).map(|p| p.id.to_string()))
        .collect::<Option<_>>()
        .ok_or_else(|| anyhow::anyhow!("a bench key does not parse"))?;
    let mut events = Vec::new();
    let mut n = 0usize;
    let flush = |events: &mut Vec<UsageEvent>, store: &mut Store| -> anyhow::Result<()> {
        store.record_usage(events, now, billctl::domain::usage::Route::Import)?;
        events.clear();
        Ok(())
    };
    for (i, id) in ids.iter().enumerate() {
        let at = (0..30 * 10)
            .map(|j| now - 3_600 - (j as i64) * 8_600)
            .chain((0..20).map(|j| now - 3_000 + j * 60));
        for ts in at {
            events.push(UsageEvent {
                source: String::new(),
                event_id: format!("h-{n}"),
                customer_id: format!("cus_bench{}", i % 1_000),
                key_id: Some(id.clone()),
                quantity: 1,
                ts,
                endpoint: None,
                meta: None,
                event_type: None,
            });
            n += 1;
        }
        if events.len() >= 20_000 {
            flush(&mut events, store)?;
        }
    }
    flush(&mut events, store)?;
    Ok(n)
}

/// Prints what a group of one key's calls and a group of 32 customers' calls write.
pub fn report(
    label: &str,
    store: Store,
    mut side: Side,
    keys: &[String],
    config: &billctl::domain::config::Config,
) -> anyhow::Result<()> {
    let clock = billctl::domain::clock::Clock::manual(billctl::domain::clock::now_ms());
    let mut v = Verifier::from_store(store, config)?
        .with_refresh(Duration::from_secs(3600))
        .with_clock(clock.clone());
    // Every key the groups use is seen once first (a plain verify), so the figures are the
    // groups' own, not the loading of keys.
    for k in &keys[..=1_000] {
        anyhow::ensure!(v.verify(k).is_valid(), "a bench key is not valid");
    }
    let one = per_call(&mut v, &clock, &mut side, keys, &|_| 0)?;
    // Keys 1..=1,000 of 1,000 customers in turn: every call of a group another customer's.
    let many = per_call(&mut v, &clock, &mut side, keys, &|i| 1 + i % 1_000)?;
    for (what, c) in [("one key's 32 calls", one), ("32 customers' calls", many)] {
        let trips = c.trips.map(|t| format!("; {t:.1} round trips a group")).unwrap_or_default();
        println!(
            "written on {label}, a group of {what}: {:.2} rows and {:.2} pages a call ({:.0} pages a group){trips}",
            c.rows,
            c.pages,
            c.pages * 32.0
        );
    }
    Ok(())
}
