//! [`Db`]: the one place that knows which database backs the store, SQLite or PostgreSQL.
//!
//! The store's modules speak through it: statements with `?1`, `?2`... placeholders (rewritten
//! to `$1`, `$2`... for Postgres, once per statement), parameters as [`P`], rows read through
//! [`R`], and transactions begun by [`Db::begin`]. SQL that both engines read the same way is
//! written once (`INSERT ... ON CONFLICT ... DO UPDATE SET t.c = t.c + excluded.c`,
//! `CAST(sum(x) AS BIGINT)`, `coalesce`, `LIMIT ?n`, `RETURNING`); where they differ, a module
//! asks [`Db::is_pg`].

use anyhow::{Context, Result};
use std::cell::RefCell;
use std::collections::HashMap;

/// A statement parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum P<'a> {
    Null,
    I(i64),
    T(&'a str),
    B(&'a [u8]),
}

impl From<i64> for P<'_> {
    fn from(v: i64) -> Self {
        P::I(v)
    }
}
impl<'a> From<&'a str> for P<'a> {
    fn from(v: &'a str) -> Self {
        P::T(v)
    }
}
impl<'a> From<&'a String> for P<'a> {
    fn from(v: &'a String) -> Self {
        P::T(v)
    }
}
impl<'a> From<&'a [u8]> for P<'a> {
    fn from(v: &'a [u8]) -> Self {
        P::B(v)
    }
}
impl<'a> From<&'a Vec<u8>> for P<'a> {
    fn from(v: &'a Vec<u8>) -> Self {
        P::B(v)
    }
}
impl<'a, T: Into<P<'a>> + Copy> From<Option<T>> for P<'a> {
    fn from(v: Option<T>) -> Self {
        v.map_or(P::Null, Into::into)
    }
}
impl<'a> From<&'a Option<String>> for P<'a> {
    fn from(v: &'a Option<String>) -> Self {
        v.as_deref().map_or(P::Null, P::T)
    }
}

/// Parameters from a list of values: `ps![a, b, c]`. Internal: not part of billctl's API.
macro_rules! ps {
    ($($v:expr),* $(,)?) => { &[$($crate::adapters::store::db::P::from($v)),*][..] };
}
pub(crate) use ps;

impl rusqlite::ToSql for P<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self {
            P::Null => ValueRef::Null,
            P::I(i) => ValueRef::Integer(*i),
            P::T(t) => ValueRef::Text(t.as_bytes()),
            P::B(b) => ValueRef::Blob(b),
        }))
    }
}

impl postgres::types::ToSql for P<'_> {
    fn to_sql(
        &self,
        ty: &postgres::types::Type,
        out: &mut bytes::BytesMut,
    ) -> std::result::Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>>
    {
        match self {
            P::Null => Ok(postgres::types::IsNull::Yes),
            P::I(i) => i.to_sql(ty, out),
            P::T(t) => t.to_sql(ty, out),
            P::B(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(ty: &postgres::types::Type) -> bool {
        <i64 as postgres::types::ToSql>::accepts(ty)
            || <&str as postgres::types::ToSql>::accepts(ty)
            || <&[u8] as postgres::types::ToSql>::accepts(ty)
    }

    postgres::types::to_sql_checked!();
}

/// A row being read.
pub enum R<'r, 's> {
    S(&'r rusqlite::Row<'s>),
    G(&'r postgres::Row),
}

impl R<'_, '_> {
    pub fn i64(&self, i: usize) -> Result<i64> {
        self.opt_i64(i)?
            .with_context(|| format!("column {i} is NULL"))
    }

    pub fn opt_i64(&self, i: usize) -> Result<Option<i64>> {
        Ok(match self {
            R::S(r) => r.get(i)?,
            R::G(r) => r.try_get(i)?,
        })
    }

    pub fn text(&self, i: usize) -> Result<String> {
        self.opt_text(i)?
            .with_context(|| format!("column {i} is NULL"))
    }

    pub fn opt_text(&self, i: usize) -> Result<Option<String>> {
        Ok(match self {
            R::S(r) => r.get(i)?,
            R::G(r) => r.try_get(i)?,
        })
    }

    pub fn bool(&self, i: usize) -> Result<bool> {
        Ok(match self {
            R::S(r) => r.get(i)?,
            R::G(r) => r.try_get(i)?,
        })
    }

    pub fn blob(&self, i: usize) -> Result<Vec<u8>> {
        self.opt_blob(i)?
            .with_context(|| format!("column {i} is NULL"))
    }

    pub fn opt_blob(&self, i: usize) -> Result<Option<Vec<u8>>> {
        Ok(match self {
            R::S(r) => r.get(i)?,
            R::G(r) => r.try_get(i)?,
        })
    }
}

/// A Postgres connection with its prepared statements, by the store's SQL text.
pub struct Pg {
    client: postgres::Client,
    stmts: HashMap<String, postgres::Statement>,
    /// Where to connect again when the connection is lost (a server restart, a failover, an
    /// idle timeout): a long-running Verifier must not fail every call from then on.
    url: super::pg::PgUrl,
    /// A transaction is open: a lost connection took it with it, so nothing of it is retried.
    in_tx: bool,
    /// Round trips to the server so far (each statement, prepare, transaction statement and
    /// COPY): what the recorder's group commit is measured by.
    trips: u64,
}

/// What a connection has done so far (see [`Db::counters`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counters {
    /// Round trips to the server (Postgres; `None` on SQLite, which runs in-process).
    pub round_trips: Option<u64>,
    /// Rows inserted, updated or deleted (SQLite's `total_changes`; `None` on Postgres, whose
    /// figures come from its own statistics).
    pub rows_changed: Option<u64>,
}

/// The database behind a store.
pub enum Db {
    Sqlite(rusqlite::Connection),
    Pg(Box<RefCell<Pg>>),
}

/// `?1`, `?2`... as `$1`, `$2`... (outside string literals).
pub fn to_pg(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quoted = false;
    for c in sql.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                out.push(c);
            }
            '?' if !quoted => out.push('$'),
            c => out.push(c),
        }
    }
    out
}

impl Pg {
    pub fn new(client: postgres::Client, url: super::pg::PgUrl) -> Pg {
        Pg {
            client,
            stmts: HashMap::new(),
            url,
            in_tx: false,
            trips: 0,
        }
    }

    /// Connects again, whatever the old connection's state.
    fn reconnect(&mut self) -> Result<()> {
        self.client = self.url.connect()?;
        self.stmts.clear();
        self.in_tx = false;
        Ok(())
    }

    /// Whether `e` says this connection is gone (the server restarted, failed over, or ended
    /// it): the client saw it close, or the server's last word was that it is shutting down.
    fn lost(&self, e: &anyhow::Error) -> bool {
        use postgres::error::SqlState;
        self.client.is_closed()
            || e.chain()
                .filter_map(|c| c.downcast_ref::<postgres::Error>())
                .any(|p| {
                    p.is_closed()
                        || [
                            SqlState::ADMIN_SHUTDOWN,
                            SqlState::CRASH_SHUTDOWN,
                            SqlState::CANNOT_CONNECT_NOW,
                        ]
                        .iter()
                        .any(|c| p.code() == Some(c))
                })
    }

    /// Runs statement `sql` through `f`. After a restart of the server each connection learns
    /// that it is gone only on its next use; so when that use fails for it outside a
    /// transaction, and nothing of it can have committed, this connects again and runs it once
    /// more. Nothing committed when the statement was only being prepared, when it reads
    /// (`SELECT`), or when the server answered it with an error (its statement was rolled
    /// back); a write whose connection simply dropped may have committed, and is not retried.
    fn run<T: Send>(
        &mut self,
        sql: &str,
        mut f: impl FnMut(&mut postgres::Client, &postgres::Statement) -> Result<T, postgres::Error>
            + Send,
    ) -> Result<T> {
        let mut retried = false;
        loop {
            let s = match self.stmt(sql) {
                Ok(s) => s,
                Err(e) if !retried && !self.in_tx && self.lost(&e) => {
                    retried = true;
                    self.reconnect()?;
                    continue;
                }
                Err(e) => return Err(e),
            };
            self.trips += 1;
            let client = &mut self.client;
            let e = match off_runtime(|| f(client, &s)) {
                Ok(v) => return Ok(v),
                Err(e) => e,
            };
            let unrun = e.as_db_error().is_some() || is_read(sql);
            let e = anyhow::Error::new(e);
            if retried || self.in_tx || !unrun || !self.lost(&e) {
                return Err(e);
            }
            retried = true;
            self.reconnect()?;
        }
    }

    /// Connects again if the connection was lost. Statements are prepared again; a
    /// transaction that was open is gone, so the statement that finds it so fails (a `COMMIT`
    /// on the new connection would otherwise succeed with nothing to commit).
    fn ensure(&mut self) -> Result<()> {
        if self.client.is_closed() {
            let had_tx = self.in_tx;
            self.reconnect()?;
            if had_tx {
                anyhow::bail!("the connection to Postgres was lost, and its open transaction with it: nothing of that transaction was committed");
            }
        }
        Ok(())
    }

    fn stmt(&mut self, sql: &str) -> Result<postgres::Statement> {
        self.ensure()?;
        if let Some(s) = self.stmts.get(sql) {
            return Ok(s.clone());
        }
        let text = to_pg(sql);
        self.trips += 1;
        let client = &mut self.client;
        let s = off_runtime(|| client.prepare(&text))
            .with_context(|| format!("Postgres could not prepare: {sql}"))?;
        self.stmts.insert(sql.to_string(), s.clone());
        Ok(s)
    }
}

/// Whether `e` is Postgres's unique_violation (SQLSTATE 23505), directly or as the cause of an
/// I/O error (a COPY reports it while its data is written or when it finishes).
fn is_unique_violation(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        let pg = c.downcast_ref::<postgres::Error>().or_else(|| {
            c.downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
                .and_then(|inner| inner.downcast_ref::<postgres::Error>())
        });
        pg.and_then(|p| p.code()) == Some(&postgres::error::SqlState::UNIQUE_VIOLATION)
    })
}

/// Runs `f` where the blocking Postgres client may run: on this thread, or, when this thread is
/// driving billctl's tokio runtime (a replay records its deliveries from inside it), on a
/// short-lived thread of its own (the client runs a runtime of its own, which cannot start
/// inside another).
pub fn off_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    if tokio::runtime::Handle::try_current().is_ok() {
        std::thread::scope(|s| s.spawn(f).join().expect("a store thread panicked"))
    } else {
        f()
    }
}

fn pg_params<'a>(p: &'a [P<'a>]) -> Vec<&'a (dyn postgres::types::ToSql + Sync)> {
    p.iter()
        .map(|v| v as &(dyn postgres::types::ToSql + Sync))
        .collect()
}

/// A statement prepared once and run many times (the import's inserts).
pub enum Prepared<'a> {
    S(rusqlite::CachedStatement<'a>),
    G(&'a RefCell<Pg>, postgres::Statement),
}

impl Prepared<'_> {
    pub fn execute(&mut self, p: &[P]) -> Result<usize> {
        match self {
            Prepared::S(s) => Ok(s.execute(rusqlite::params_from_iter(p))?),
            Prepared::G(pg, s) => {
                let mut pg = pg.borrow_mut();
                pg.trips += 1;
                let client = &mut pg.client;
                let s = &*s;
                Ok(off_runtime(|| client.execute(s, &pg_params(p)))? as usize)
            }
        }
    }
}

/// Whether a statement only reads (running it twice changes nothing).
fn is_read(sql: &str) -> bool {
    let head = sql.trim_start();
    head.len() >= 6 && head[..6].eq_ignore_ascii_case("SELECT")
}

/// Runs a transaction's own statement (`BEGIN...`, `COMMIT`, `ROLLBACK`), keeping track of
/// whether one is open. A `BEGIN` that fails because the connection was lost (the server
/// restarted since its last use) is run again on a new one: nothing had begun.
fn batch(pg: &RefCell<Pg>, sql: &str) -> Result<()> {
    let mut pg = pg.borrow_mut();
    let begins = sql.starts_with("BEGIN");
    if begins {
        pg.in_tx = false;
    }
    pg.ensure()?;
    pg.trips += 1;
    let client = &mut pg.client;
    let mut done: Result<()> = off_runtime(|| client.batch_execute(sql)).map_err(Into::into);
    if let Err(e) = &done {
        if begins && pg.lost(e) {
            pg.reconnect()?;
            pg.trips += 1;
            let client = &mut pg.client;
            done = off_runtime(|| client.batch_execute(sql)).map_err(Into::into);
        }
    }
    pg.in_tx = begins && done.is_ok();
    done
}

impl Db {
    /// Connects to the Postgres store at `url`, applying the migrations it lacks (under the
    /// migration lock, so hosts starting together migrate once).
    pub fn open_pg(url: &super::pg::PgUrl) -> Result<Db> {
        let mut client = url.connect()?;
        super::pg::migrate(&mut client)
            .with_context(|| format!("failed to migrate {}", url.shown()))?;
        Ok(Db::Pg(Box::new(RefCell::new(Pg::new(client, url.clone())))))
    }

    /// The schema version: SQLite's `user_version`, or the last Postgres migration applied.
    pub fn schema_version(&self) -> Result<i64> {
        match self {
            Db::Sqlite(c) => Ok(c.query_row("PRAGMA user_version", [], |r| r.get(0))?),
            Db::Pg(_) => self.int("SELECT coalesce(max(version), 0) FROM billctl_schema", &[]),
        }
    }

    /// Row counts of every table, by name.
    pub fn row_counts(&self) -> Result<Vec<(String, i64)>> {
        let tables = match self {
            Db::Sqlite(_) => "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
            Db::Pg(_) => "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1",
        };
        let names = self.query(tables, &[], |r| r.text(0))?;
        // Table names come from the database's own catalog, not from input.
        names
            .into_iter()
            .map(|n| {
                let count = self.int(&format!("SELECT count(*) FROM \"{n}\""), &[])?;
                Ok((n, count))
            })
            .collect()
    }

    /// Prepares `sql` for [`Prepared::execute`].
    pub fn prepare(&self, sql: &str) -> Result<Prepared<'_>> {
        Ok(match self {
            Db::Sqlite(c) => Prepared::S(c.prepare_cached(sql)?),
            Db::Pg(pg) => {
                let s = pg.borrow_mut().stmt(sql)?;
                Prepared::G(pg, s)
            }
        })
    }

    /// The Postgres URL this database was opened from; `None` on SQLite.
    pub fn url(&self) -> Option<super::pg::PgUrl> {
        match self {
            Db::Sqlite(_) => None,
            Db::Pg(pg) => Some(pg.borrow().url.clone()),
        }
    }

    /// The Postgres URL this store connects with (`None` on SQLite).
    pub fn pg_tls_asked(&self) -> Option<(&'static str, bool)> {
        match self {
            Db::Pg(p) => Some(p.borrow().url.tls_asked()),
            Db::Sqlite(_) => None,
        }
    }

    /// What this connection has done so far, for measuring a workflow's cost: round trips to
    /// Postgres, and rows inserted, updated or deleted on SQLite (its `total_changes`).
    pub fn counters(&self) -> Counters {
        match self {
            Db::Sqlite(c) => Counters {
                round_trips: None,
                rows_changed: Some(c.total_changes()),
            },
            Db::Pg(pg) => Counters {
                round_trips: Some(pg.borrow().trips),
                rows_changed: None,
            },
        }
    }

    pub fn is_pg(&self) -> bool {
        matches!(self, Db::Pg(_))
    }

    /// The SQLite connection, for what only SQLite does (backups, `db copy`'s source).
    pub fn sqlite(&self) -> Option<&rusqlite::Connection> {
        match self {
            Db::Sqlite(c) => Some(c),
            Db::Pg(_) => None,
        }
    }

    /// Runs a statement; returns the rows it changed.
    pub fn execute(&self, sql: &str, p: &[P]) -> Result<usize> {
        match self {
            Db::Sqlite(c) => Ok(c
                .prepare_cached(sql)?
                .execute(rusqlite::params_from_iter(p))?),
            Db::Pg(pg) => Ok(pg
                .borrow_mut()
                .run(sql, |c, s| c.execute(s, &pg_params(p)))?
                as usize),
        }
    }

    /// Every row of a query, each read by `f`.
    pub fn query<T>(
        &self,
        sql: &str,
        p: &[P],
        mut f: impl FnMut(&R) -> Result<T>,
    ) -> Result<Vec<T>> {
        match self {
            Db::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                let mut rows = stmt.query(rusqlite::params_from_iter(p))?;
                let mut out = Vec::new();
                while let Some(r) = rows.next()? {
                    out.push(f(&R::S(r))?);
                }
                Ok(out)
            }
            Db::Pg(pg) => {
                let rows = pg.borrow_mut().run(sql, |c, s| c.query(s, &pg_params(p)))?;
                rows.iter().map(|r| f(&R::G(r))).collect()
            }
        }
    }

    /// The first row of a query, if any.
    pub fn query_opt<T>(
        &self,
        sql: &str,
        p: &[P],
        f: impl FnOnce(&R) -> Result<T>,
    ) -> Result<Option<T>> {
        match self {
            Db::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                let mut rows = stmt.query(rusqlite::params_from_iter(p))?;
                match rows.next()? {
                    Some(r) => Ok(Some(f(&R::S(r))?)),
                    None => Ok(None),
                }
            }
            Db::Pg(pg) => {
                let row = pg
                    .borrow_mut()
                    .run(sql, |c, s| c.query_opt(s, &pg_params(p)))?;
                match row {
                    Some(r) => Ok(Some(f(&R::G(&r))?)),
                    None => Ok(None),
                }
            }
        }
    }

    /// The one row of a query.
    pub fn query_one<T>(&self, sql: &str, p: &[P], f: impl FnOnce(&R) -> Result<T>) -> Result<T> {
        self.query_opt(sql, p, f)?
            .with_context(|| format!("no row from: {sql}"))
    }

    /// One integer from a query (`count(*)`, a sum cast to BIGINT).
    pub fn int(&self, sql: &str, p: &[P]) -> Result<i64> {
        self.query_one(sql, p, |r| r.i64(0))
    }

    /// Postgres: every row of a statement whose parameters are typed values, arrays among
    /// them (a whole group's rows in one statement, through `unnest`), each read by `f`;
    /// prepared once, like every statement. Not for SQLite.
    pub fn pg_rows<T>(
        &self,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
        mut f: impl FnMut(&R) -> Result<T>,
    ) -> Result<Vec<T>> {
        match self {
            Db::Sqlite(_) => anyhow::bail!("array statements are Postgres's"),
            Db::Pg(pg) => {
                let rows = pg.borrow_mut().run(sql, |c, s| c.query(s, params))?;
                rows.iter().map(|r| f(&R::G(r))).collect()
            }
        }
    }

    /// Postgres: `COPY ... FROM STDIN` of `data` (COPY's text format). Not for SQLite.
    pub fn copy_in(&self, sql: &str, data: &[u8]) -> Result<u64> {
        match self {
            Db::Sqlite(_) => anyhow::bail!("COPY is Postgres's"),
            Db::Pg(pg) => {
                let mut pg = pg.borrow_mut();
                pg.ensure()?;
                pg.trips += 1;
                let client = &mut pg.client;
                off_runtime(|| -> Result<u64> {
                    use std::io::Write;
                    let mut w = client.copy_in(sql)?;
                    w.write_all(data).context("COPY failed")?;
                    Ok(w.finish()?)
                })
            }
        }
    }

    /// `COPY … FROM STDIN` of `data` inside a savepoint of the caller's transaction, for
    /// rows that are most likely new: when a row breaks a unique constraint (a duplicate, or
    /// one another host is inserting), the copy is undone and `None` returned, so the caller
    /// can take the slower path that skips duplicates. Any other error is returned.
    pub fn copy_in_unless_duplicate(&self, sql: &str, data: &[u8]) -> Result<Option<u64>> {
        self.execute("SAVEPOINT billctl_copy", &[])?;
        match self.copy_in(sql, data) {
            Ok(n) => {
                self.execute("RELEASE SAVEPOINT billctl_copy", &[])?;
                Ok(Some(n))
            }
            Err(e) if is_unique_violation(&e) => {
                self.execute("ROLLBACK TO SAVEPOINT billctl_copy", &[])?;
                self.execute("RELEASE SAVEPOINT billctl_copy", &[])?;
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// Begins a transaction. `write`: one that will write and must not lose a race: SQLite
    /// takes the write lock at once (`BEGIN IMMEDIATE`); Postgres begins at READ COMMITTED,
    /// where the statements that need it take row or advisory locks.
    pub fn begin(&self, write: bool) -> Result<()> {
        match self {
            Db::Sqlite(c) => c.execute_batch(if write { "BEGIN IMMEDIATE" } else { "BEGIN" })?,
            Db::Pg(pg) => batch(pg, "BEGIN")?,
        }
        Ok(())
    }

    /// Begins a read-only snapshot that several lookups share (the verify path).
    pub fn begin_read(&self) -> Result<()> {
        match self {
            Db::Sqlite(c) => c.execute_batch("BEGIN")?,
            Db::Pg(pg) => batch(pg, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?,
        }
        Ok(())
    }

    /// Ends a snapshot from [`Db::begin_read`], if one is open.
    pub fn end_read(&self) -> Result<()> {
        match self {
            Db::Sqlite(c) => {
                if !c.is_autocommit() {
                    c.execute_batch("COMMIT")?;
                }
            }
            Db::Pg(pg) => {
                // A read-only snapshot lost with its connection has nothing to end.
                if pg.borrow().client.is_closed() {
                    pg.borrow_mut().in_tx = false;
                    return Ok(());
                }
                batch(pg, "COMMIT")?;
            }
        }
        Ok(())
    }

    pub fn commit(&self) -> Result<()> {
        match self {
            Db::Sqlite(c) => c.execute_batch("COMMIT")?,
            Db::Pg(pg) => batch(pg, "COMMIT")?,
        }
        Ok(())
    }

    /// Rolls back an open transaction (nothing when none is open).
    pub fn rollback(&self) {
        match self {
            Db::Sqlite(c) => {
                if !c.is_autocommit() {
                    let _ = c.execute_batch("ROLLBACK");
                }
            }
            Db::Pg(pg) => {
                let _ = batch(pg, "ROLLBACK");
            }
        }
    }

    /// Runs `f` in a transaction: committed when it returns `Ok`, rolled back otherwise.
    pub fn tx<T>(&self, write: bool, f: impl FnOnce(&Db) -> Result<T>) -> Result<T> {
        self.begin(write)?;
        match f(self) {
            Ok(v) => {
                if let Err(e) = self.commit() {
                    self.rollback();
                    return Err(e);
                }
                Ok(v)
            }
            Err(e) => {
                self.rollback();
                Err(e)
            }
        }
    }

    /// On Postgres, an advisory lock held to the end of the transaction, keyed by `key` (the
    /// atomic step of a rate limit or quota); nothing on SQLite, whose write lock covers it.
    pub fn lock(&self, key: &str) -> Result<()> {
        if let Db::Pg(_) = self {
            self.query_one(
                "SELECT pg_advisory_xact_lock(hashtextextended(?1, 0))",
                &[P::T(key)],
                |_| Ok(()),
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_dollars_outside_literals() {
        assert_eq!(
            to_pg("SELECT '?1' FROM t WHERE a = ?1 AND b = ?12"),
            "SELECT '?1' FROM t WHERE a = $1 AND b = $12"
        );
    }
}
