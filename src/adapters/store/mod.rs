//! The store, the only door to the database, on one of two backends: SQLite in the data dir
//! (one host; opening with private file modes, WAL, busy timeout and foreign keys; append-only
//! migrations on `PRAGMA user_version`; status and online backup) or PostgreSQL (several hosts
//! sharing one store; its own migrations under an advisory lock, in `pg.rs`). `db.rs` is the
//! one switch between them.

mod audit;
pub mod backup;
mod catalog;
pub mod check;
pub mod copy;
pub mod db;
pub mod files;
pub mod guard;
mod keys;
mod ledger;
pub mod lock;
pub mod pg;
pub mod pg_params;
pub mod restore;
mod settings;
pub use settings::Integrity;
mod subscriptions;
pub mod swap;
mod tokens;
mod usage;
mod usage_conflicts;
pub mod webhooks;
mod writes;

/// The mirror's row types live with the domain; the store only keeps them.
pub use crate::domain::billing::{CatalogRow, PriceRow};
pub use audit::{Audit, AuditRow};
pub use catalog::{DriftMark, DriftNote, Noting};
pub use keys::{KeyRecord, KeyState};
pub use ledger::{LedgerRow, WindowDelta};
pub use subscriptions::{Current, PaymentApplied, PaymentEvent, PaymentState};
pub use tokens::TokenRecord;
pub use usage::{CallLimits, Charge, Conflict, Route, Side, UsageEvent, Written};
pub use usage_conflicts::{ConflictFilter, ConflictRow};

use anyhow::{bail, Context, Result};
use rusqlite::{Connection, OpenFlags};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// File name of the store inside the data dir.
pub const FILE_NAME: &str = "billctl.db";

/// Migrations, applied in order; never edit a shipped one, only append.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_catalog.sql"),
    include_str!("migrations/0002_subscriptions.sql"),
    include_str!("migrations/0003_keys_usage_audit.sql"),
    include_str!("migrations/0004_usage_rollups.sql"),
    include_str!("migrations/0005_meter_ledger.sql"),
    include_str!("migrations/0006_usage_by_time.sql"),
    include_str!("migrations/0007_payment_state.sql"),
    include_str!("migrations/0008_subscription_history.sql"),
    include_str!("migrations/0009_quantity_payment_order.sql"),
    include_str!("migrations/0010_service_tokens.sql"),
    include_str!("migrations/0011_invoice_finals.sql"),
    include_str!("migrations/0012_usage_identity.sql"),
    include_str!("migrations/0013_stripe_writes.sql"),
    include_str!("migrations/0014_one_usage_index.sql"),
];

/// An open store.
pub struct Store {
    db: db::Db,
    path: PathBuf,
    /// `usage compact`'s horizon, read once (see `Store::compacted_before`).
    horizon: std::cell::OnceCell<Option<i64>>,
    /// What recorded calls counted, kept between groups while no other connection writes
    /// (see `usage::Charges`).
    charges: usage::Charges,
    /// The store's lock, shared, while the SQLite store is open (none on Postgres).
    _lock: Option<lock::StoreLock>,
}

/// Sets `mode` on `path` if it exists with another mode (no write when it is already right).
fn ensure_mode(path: &Path, mode: u32) -> Result<()> {
    match std::fs::metadata(path) {
        Ok(m) if m.permissions().mode() & 0o777 != mode => {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
                .with_context(|| format!("failed to make {} private", path.display()))
        }
        _ => Ok(()),
    }
}

/// Creates the data dir (and missing parents) with mode 0700. A directory that already exists
/// keeps its mode: billctl changes only what it created (see [`data_dir_warning`]).
fn private_dir(dir: &Path) -> Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if !dir.is_dir() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .with_context(|| format!("failed to create data dir {}", dir.display()))?;
    }
    Ok(())
}

/// A warning when the data dir, which billctl did not create, can be entered by others: it
/// leaves the mode to its owner (it could be `$HOME`), the store files themselves are 0600.
pub fn data_dir_warning(dir: &Path) -> Option<String> {
    let mode = std::fs::metadata(dir).ok()?.permissions().mode() & 0o777;
    (mode & 0o077 != 0).then(|| {
        format!(
            "the data dir {} has mode {mode:04o}: others can list it (the store files are 0600); billctl changes the mode only of directories it creates (chmod 700 it, or use a directory of its own)",
            dir.display()
        )
    })
}

/// Sets mode 0600 on a file the store created (SQLite creates it with the umask).
fn private_file(path: &Path) -> Result<()> {
    ensure_mode(path, 0o600)
}

/// Keeps the WAL and shared-memory files when the last connection closes (the WAL is
/// truncated to zero bytes instead, see `journal_size_limit`), so that each short-lived
/// process (`keys verify` runs once per call) neither recreates and resizes them nor re-reads
/// old frames.
fn persist_wal(conn: &Connection) {
    let mut on: std::os::raw::c_int = 1;
    // A VFS without the file control only keeps the default (the files are removed on close).
    let _ = conn.file_control(
        Some(rusqlite::MAIN_DB),
        rusqlite::FileControl::PersistWal(&mut on),
    );
}

/// Opens (creating if needed) the SQLite file `name` in `dir` with billctl's settings (private
/// modes, WAL, busy timeout, FULL sync, foreign keys) and applies `migrations` it lacks, holding
/// the store's lock (shared) from before the file is opened: an interrupted restore is
/// finished first, and a restore waits until the returned lock is dropped.
pub(crate) fn open_db(
    dir: &Path,
    name: &str,
    migrations: &[&str],
) -> Result<(Connection, PathBuf, lock::StoreLock)> {
    private_dir(dir)?;
    let lock = lock::StoreLock::shared(dir)?;
    let opened = open_db_held(dir, name, migrations);
    let (conn, path) = match (opened, lock.finished_restore()) {
        (Ok(o), _) => o,
        (Err(e), None) => return Err(e),
        (Err(e), Some(finished)) => {
            return Err(e.context(format!(
                "an interrupted restore was finished first ({})",
                finished.describe()
            )))
        }
    };
    Ok((conn, path, lock))
}

/// [`open_db`] for a caller that already holds the store's lock (a restore, alone).
pub(crate) fn open_db_held(
    dir: &Path,
    name: &str,
    migrations: &[&str],
) -> Result<(Connection, PathBuf)> {
    let path = dir.join(name);
    let mut conn = Connection::open_with_flags(
        &path,
        // No per-connection mutex: a `Connection` is never shared between threads (it is not
        // `Sync`), and the lock/unlock pair around every SQLite call was 5% of an import.
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("failed to open store at {}", path.display()))?;
    configure(&conn).with_context(|| format!("failed to configure store at {}", path.display()))?;
    migrate(&mut conn, migrations)
        .with_context(|| format!("failed to migrate store at {}", path.display()))?;
    for suffix in ["", "-wal", "-shm"] {
        private_file(&PathBuf::from(format!("{}{suffix}", path.display())))?;
    }
    Ok((conn, path))
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(5))?;
    persist_wal(conn);
    conn.pragma_update(None, "journal_size_limit", 0)?;
    // Keep hot pages (API keys, usage indexes) in memory.
    conn.pragma_update(None, "cache_size", -32_768)?;
    // FULL: a committed sync, usage batch or webhook must survive a power cut.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

fn migrate(conn: &mut Connection, migrations: &[&str]) -> Result<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current == migrations.len() as i64 {
        return Ok(());
    }
    // WAL is recorded in the file, so it is set once, when the store is created or migrated,
    // not on every open (it takes locks, and `keys verify` opens the store once per call).
    conn.pragma_update(None, "journal_mode", "WAL")?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Exclusive)?;
    let current: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let known = migrations.len() as i64;
    if current > known {
        bail!("the store has schema version {current}, newer than this billctl knows ({known}); upgrade billctl");
    }
    for (i, sql) in migrations.iter().enumerate().skip(current as usize) {
        tx.execute_batch(sql)
            .with_context(|| format!("migration {} failed", i + 1))?;
    }
    tx.pragma_update(None, "user_version", known)?;
    tx.commit()?;
    Ok(())
}

impl Store {
    /// The SQLite connection, for code that speaks to SQLite directly (not through `Db`).
    fn sq(&self) -> Result<&Connection> {
        match &self.db {
            db::Db::Sqlite(c) => Ok(c),
            db::Db::Pg(_) => bail!("this part of the store is not available on Postgres yet"),
        }
    }

    fn sq_mut(&mut self) -> Result<&mut Connection> {
        match &mut self.db {
            db::Db::Sqlite(c) => Ok(c),
            db::Db::Pg(_) => bail!("this part of the store is not available on Postgres yet"),
        }
    }
}

impl Store {
    /// Opens (creating if needed) the store in `dir` and brings its schema up to date.
    pub fn open(dir: &Path) -> Result<Store> {
        let (conn, path, lock) = open_db(dir, FILE_NAME, MIGRATIONS)?;
        Ok(Store {
            db: db::Db::Sqlite(conn),
            path,
            horizon: std::cell::OnceCell::new(),
            charges: usage::Charges::default(),
            _lock: Some(lock),
        })
    }

    /// Opens the Postgres store at `url`, applying the migrations it lacks (under the
    /// migration lock, so hosts starting together migrate once).
    pub fn open_pg(url: &pg::PgUrl) -> Result<Store> {
        Ok(Store {
            db: db::Db::open_pg(url)?,
            path: PathBuf::from(url.shown()),
            horizon: std::cell::OnceCell::new(),
            charges: usage::Charges::default(),
            _lock: None,
        })
    }

    /// What opening this store finished, when it finished an interrupted restore.
    pub fn finished_restore(&self) -> Option<&swap::Finished> {
        self._lock.as_ref().and_then(|l| l.finished_restore())
    }

    /// Whether this store is on Postgres.
    pub fn is_pg(&self) -> bool {
        self.db.is_pg()
    }

    /// Up to `n` more connections to this store for writing in parallel: on Postgres, whose
    /// server runs each connection's work on a core of its own; none on SQLite, which has one
    /// writer at a time.
    pub fn parallel_writers(&self, n: usize) -> Result<Vec<Store>> {
        match self.db.url() {
            Some(url) => (0..n).map(|_| Store::open_pg(&url)).collect(),
            None => Ok(Vec::new()),
        }
    }

    /// Sets this connection's page cache (bulk work over a large store; SQLite only, Postgres
    /// has its own shared buffers).
    pub fn set_cache_mib(&self, mib: i64) -> Result<()> {
        if let Some(c) = self.db.sqlite() {
            c.pragma_update(None, "cache_size", -mib * 1024)?;
        }
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn schema_version(&self) -> Result<i64> {
        self.db.schema_version()
    }

    /// The schema version, if it is the one this billctl makes; else why not.
    pub fn check_schema(&self) -> Result<i64> {
        let have = self.schema_version()?;
        let want = if self.is_pg() {
            pg::schema_len()
        } else {
            MIGRATIONS.len() as i64
        };
        if have != want {
            bail!("the store's schema version is {have}, and this billctl needs {want}");
        }
        Ok(have)
    }

    /// Another connection to this store: the same data dir, or the same Postgres database.
    pub fn reopen(&self) -> Result<Store> {
        match self.db.url() {
            Some(url) => Store::open_pg(&url),
            None => {
                let dir = self.path.parent().unwrap_or(Path::new("."));
                Store::open(dir)
            }
        }
    }

    /// Row counts of every table, by name.
    pub fn row_counts(&self) -> Result<Vec<(String, i64)>> {
        self.db.row_counts()
    }

    /// What this store's connection has done so far (round trips on Postgres, rows changed on
    /// SQLite): the measure of a workflow's cost in the tests and benchmarks.
    pub fn counters(&self) -> db::Counters {
        self.db.counters()
    }
}

impl Store {
    /// `PRAGMA integrity_check`: `ok`, or what is wrong.
    pub fn integrity_check(&self) -> Result<String> {
        if self.db.is_pg() {
            // Postgres checks its pages itself; a query that reads the catalog answers.
            return self.db.query_one("SELECT 'ok'::text", &[], |r| r.text(0));
        }
        Ok(self
            .sq()?
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    /// Starts a read transaction, so that several lookups share one snapshot and one set of
    /// locks (the verify path); end it with [`Store::end_read`].
    pub fn begin_read(&mut self) -> Result<()> {
        self.db.begin_read()?;
        // A new snapshot may see a later `usage compact`: read its horizon again.
        self.horizon = std::cell::OnceCell::new();
        Ok(())
    }

    pub fn end_read(&self) -> Result<()> {
        self.db.end_read()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The usage identity migration: events stored from CloudEvents (meta exactly
    /// `{"type", "source"}`) take their source and type, so their resend stays a duplicate;
    /// any other meta (an import's, even invalid JSON) keeps the empty source; two sources may
    /// then share an id.
    #[test]
    fn usage_identity_migration_reads_cloudevents_sources_from_meta() {
        let dir = tempfile::tempdir().unwrap();
        let this = include_str!("migrations/0012_usage_identity.sql");
        let at = MIGRATIONS.iter().position(|m| *m == this).unwrap();
        {
            let mut conn = Connection::open(dir.path().join(FILE_NAME)).unwrap();
            migrate(&mut conn, &MIGRATIONS[..at]).unwrap();
            let metas = [
                ("ce", Some(r#"{"type":"request","source":"api-eu"}"#)),
                ("import", Some(r#"{"source":"x","type":"y","z":1}"#)),
                ("csv", Some("{\"type\": not json")),
                ("bare", None),
            ];
            for (id, meta) in metas {
                conn.execute(
                    "INSERT INTO usage_events (event_id, customer_id, quantity, ts, meta, recorded_at) VALUES (?1, 'cus_1', 1, 1790000000, ?2, 0)",
                    rusqlite::params![id, meta],
                )
                .unwrap();
            }
        }
        let mut s = Store::open(dir.path()).unwrap();
        let rows = s
            .db
            .query(
                "SELECT event_id, source, coalesce(event_type, '-') FROM usage_events ORDER BY event_id",
                &[],
                |r| Ok((r.text(0)?, r.text(1)?, r.text(2)?)),
            )
            .unwrap();
        let want = [
            ("bare", "", "-"),
            ("ce", "api-eu", "request"),
            ("csv", "", "-"),
            ("import", "", "-"),
        ];
        let got: Vec<(&str, &str, &str)> = rows
            .iter()
            .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
            .collect();
        assert_eq!(got, want);
        let event = |source: &str| UsageEvent {
            source: source.into(),
            event_id: "ce".into(),
            customer_id: "cus_1".into(),
            key_id: None,
            quantity: 1,
            ts: 1_790_000_000,
            endpoint: None,
            meta: None,
            event_type: Some("request".into()),
        };
        let w = s
            .record_usage_checked(&[event("api-eu"), event("api-us")], 5, Route::CloudEvents)
            .unwrap();
        assert_eq!(
            (w.inserted, w.conflicts.len()),
            (1, 0),
            "a resend is a duplicate; another source is new"
        );
    }

    /// Migration 6 moves a version-5 store's rollups into the time-first tables without
    /// changing a total, and the reads on the new layout agree with the raw events.
    #[test]
    fn migration_6_keeps_usage_totals() {
        let dir = std::env::temp_dir().join(format!("billctl-migrate6-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let day0 = 1_790_000_000i64.div_euclid(86_400) * 86_400;
        // Three customers' events over three days, at odd seconds; half of cus_a's with its key.
        let events: Vec<(String, &str, Option<&str>, i64, i64)> = (0..600i64)
            .map(|i| {
                let c = ["cus_a", "cus_b", "cus_c"][(i % 3) as usize];
                let k = (c == "cus_a" && i % 2 == 0).then_some("key_a");
                (format!("evt_{i}"), c, k, 1 + i % 4, day0 + i * 431 + 17)
            })
            .collect();
        {
            let mut conn = Connection::open(dir.join(FILE_NAME)).unwrap();
            migrate(&mut conn, &MIGRATIONS[..5]).unwrap();
            conn.execute(
                "INSERT INTO api_keys (id, hash, mode, customer_id, created_at, created_by) VALUES ('key_a', x'00', 'test', 'cus_a', 0, 'test')",
                [],
            )
            .unwrap();
            for (id, c, k, q, ts) in &events {
                conn.execute(
                    "INSERT INTO usage_events (event_id, customer_id, key_id, quantity, ts, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, 0)",
                    rusqlite::params![id, c, k, q, ts],
                )
                .unwrap();
            }
            conn.execute_batch(
                "INSERT INTO usage_rollups (scope, subject, grain, bucket, quantity, events)
                   SELECT 'customer', customer_id, 'hour', ts / 3600 * 3600, sum(quantity), count(*) FROM usage_events GROUP BY 1, 2, 3, 4;
                 INSERT INTO usage_rollups (scope, subject, grain, bucket, quantity, events)
                   SELECT 'customer', customer_id, 'day', ts / 86400 * 86400, sum(quantity), count(*) FROM usage_events GROUP BY 1, 2, 3, 4;
                 INSERT INTO usage_rollups (scope, subject, grain, bucket, quantity, events)
                   SELECT 'key', key_id, 'hour', ts / 3600 * 3600, sum(quantity), count(*) FROM usage_events WHERE key_id IS NOT NULL GROUP BY 1, 2, 3, 4;
                 INSERT INTO usage_rollups (scope, subject, grain, bucket, quantity, events)
                   SELECT 'key', key_id, 'day', ts / 86400 * 86400, sum(quantity), count(*) FROM usage_events WHERE key_id IS NOT NULL GROUP BY 1, 2, 3, 4;",
            )
            .unwrap();
        }
        let s = Store::open(&dir).unwrap();
        assert_eq!(s.schema_version().unwrap(), MIGRATIONS.len() as i64);
        let raw = |c: &str, k: Option<&str>, from: i64, to: i64| -> i64 {
            events
                .iter()
                .filter(|e| (e.1 == c || k.is_some()) && (k.is_none() || e.2 == k))
                .filter(|e| e.4 >= from && e.4 < to)
                .map(|e| e.3)
                .sum()
        };
        for c in ["cus_a", "cus_b", "cus_c"] {
            let all = raw(c, None, i64::MIN, i64::MAX);
            assert!(all > 0);
            assert_eq!(s.usage_total(c).unwrap(), all);
            assert_eq!(
                s.rollup_sum(
                    crate::domain::usage::Scope::Customer,
                    c,
                    crate::domain::usage::Grain::Hour,
                    i64::MIN,
                    i64::MAX
                )
                .unwrap(),
                all
            );
            let days: i64 = s
                .daily(
                    crate::domain::usage::Scope::Customer,
                    c,
                    day0,
                    day0 + 5 * 86_400,
                )
                .unwrap()
                .iter()
                .map(|d| d.1)
                .sum();
            assert_eq!(days, all);
            // Periods with partial-hour and partial-day edges, and one inside an hour.
            for (from, to) in [
                (day0 + 1_234, day0 + 2 * 86_400 + 5_555),
                (day0 + 3_599, day0 + 3_601),
                (day0 + 40_000, day0 + 130_001),
                (day0 + 7_300, day0 + 7_900),
            ] {
                assert_eq!(
                    s.usage_in(crate::domain::usage::Scope::Customer, c, from, to)
                        .unwrap(),
                    raw(c, None, from, to),
                    "{c} over [{from}, {to})"
                );
            }
        }
        let key = raw("", Some("key_a"), day0 + 5_000, day0 + 200_000);
        assert_eq!(
            s.usage_in(
                crate::domain::usage::Scope::Key,
                "key_a",
                day0 + 5_000,
                day0 + 200_000
            )
            .unwrap(),
            key
        );
        assert_eq!(
            s.key_uses_since("key_a", day0 + 100_000).unwrap(),
            raw("", Some("key_a"), day0 + 100_000, i64::MAX)
        );
        assert_eq!(s.integrity_check().unwrap(), "ok");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
