//! `db copy`: a SQLite data dir (both files) into an empty Postgres database, and back. Every
//! table is copied in one transaction on the target, then verified against the source by its
//! row count and, per column, the sum of its integers or of its values' lengths; a mismatch
//! rolls the copy back.

use super::pg::PgUrl;
use super::webhooks::EventStore;
use super::Store;
use anyhow::{bail, Context, Result};
use rusqlite::types::{Value, ValueRef};
use serde::Serialize;
use std::io::Write;
use std::path::Path;

/// The tables of `billctl.db`, parents before children.
const MAIN: &[&str] = &[
    "settings",
    "catalog_tiers",
    "catalog_prices",
    "customers",
    "subscriptions",
    "api_keys",
    "usage_events",
    "usage_hourly",
    "usage_daily",
    "audit",
    "meter_ledger",
    "subscription_history",
    "service_tokens",
    "invoice_finals",
    "stripe_writes",
    "usage_conflicts",
];
/// The tables of `webhooks.db`, parents before children.
const WEBHOOKS: &[&str] = WEBHOOK_TABLES;
/// The tables of the webhook store.
pub const WEBHOOK_TABLES: &[&str] = &[
    "events",
    "receipts",
    "replay_runs",
    "replay_deliveries",
    "event_conflicts",
];
/// Columns Postgres numbers itself: set past the copied rows afterwards.
const IDENTITY: &[(&str, &str)] = &[
    ("audit", "id"),
    ("receipts", "seq"),
    ("event_conflicts", "seq"),
    ("usage_conflicts", "id"),
];

/// One table as copied.
#[derive(Debug, Serialize)]
pub struct TableCopy {
    pub table: String,
    pub rows: i64,
}

/// What a copy did.
#[derive(Debug, Serialize)]
pub struct Copied {
    pub from: String,
    pub to: String,
    pub tables: Vec<TableCopy>,
    pub rows: i64,
    /// Counts and sums matched on every table.
    pub verified: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Int,
    Text,
    Blob,
}

/// Columns only SQLite keeps: usage events' rowid (Postgres has no use for the number, and
/// keeping it current cost every insert; a copy back numbers them anew).
const SQLITE_ONLY: &[(&str, &str)] = &[("usage_events", "seq")];

/// The columns of a SQLite table both stores have, and their kinds (STRICT tables: INTEGER,
/// TEXT or BLOB).
fn columns(conn: &rusqlite::Connection, table: &str) -> Result<Vec<(String, Kind)>> {
    let mut stmt = conn.prepare(&format!("PRAGMA table_info(\"{table}\")"))?;
    let cols = stmt
        .query_map([], |r| Ok((r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if cols.is_empty() {
        bail!("the store has no table {table}");
    }
    cols.into_iter()
        .filter(|(name, _)| !SQLITE_ONLY.contains(&(table, name.as_str())))
        .map(|(name, ty)| {
            let kind = match ty.to_ascii_uppercase().as_str() {
                "INTEGER" => Kind::Int,
                "TEXT" => Kind::Text,
                "BLOB" => Kind::Blob,
                other => {
                    bail!("column {table}.{name} has type {other}, which db copy does not know")
                }
            };
            Ok((name, kind))
        })
        .collect()
}

fn quoted(cols: &[(String, Kind)]) -> String {
    cols.iter()
        .map(|(c, _)| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The fingerprint query of a table: its row count, then per column the sum of its integers or
/// of its values' lengths, each as text (Postgres sums into numeric).
fn fingerprint_sql(table: &str, cols: &[(String, Kind)], pg: bool) -> String {
    let cast = if pg { "::text" } else { "" };
    let mut parts = vec![format!("count(*){cast}")];
    for (c, k) in cols {
        parts.push(match k {
            Kind::Int => format!("coalesce(sum(\"{c}\"), 0){cast}"),
            Kind::Text | Kind::Blob => format!("coalesce(sum(length(\"{c}\")), 0){cast}"),
        });
    }
    format!("SELECT {} FROM \"{table}\"", parts.join(", "))
}

fn sqlite_fingerprint(
    conn: &rusqlite::Connection,
    table: &str,
    cols: &[(String, Kind)],
) -> Result<Vec<String>> {
    let sql = fingerprint_sql(table, cols, false);
    Ok(conn.query_row(&sql, [], |r| {
        (0..=cols.len())
            .map(|i| r.get::<_, i64>(i).map(|v| v.to_string()))
            .collect::<rusqlite::Result<Vec<_>>>()
    })?)
}

fn pg_fingerprint(
    client: &mut impl postgres::GenericClient,
    table: &str,
    cols: &[(String, Kind)],
) -> Result<Vec<String>> {
    let row = client.query_one(fingerprint_sql(table, cols, true).as_str(), &[])?;
    Ok((0..=cols.len()).map(|i| row.get::<_, String>(i)).collect())
}

/// A value in COPY's text format.
pub(super) fn copy_text(out: &mut Vec<u8>, v: ValueRef) {
    match v {
        ValueRef::Null => out.extend_from_slice(b"\\N"),
        ValueRef::Integer(i) => out.extend_from_slice(i.to_string().as_bytes()),
        ValueRef::Real(f) => out.extend_from_slice(f.to_string().as_bytes()),
        ValueRef::Text(t) => {
            for &b in t {
                match b {
                    b'\\' => out.extend_from_slice(b"\\\\"),
                    b'\t' => out.extend_from_slice(b"\\t"),
                    b'\n' => out.extend_from_slice(b"\\n"),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    b => out.push(b),
                }
            }
        }
        ValueRef::Blob(b) => {
            out.extend_from_slice(b"\\\\x");
            out.extend_from_slice(hex::encode(b).as_bytes());
        }
    }
}

/// Row counts of every billctl table in a Postgres database.
fn pg_rows(client: &mut impl postgres::GenericClient) -> Result<i64> {
    let mut total = 0;
    for t in MAIN.iter().chain(WEBHOOKS) {
        let n: i64 = client
            .query_one(format!("SELECT count(*) FROM \"{t}\"").as_str(), &[])?
            .get(0);
        total += n;
    }
    Ok(total)
}

/// Copies the SQLite store in `data_dir` into the empty Postgres database at `url`.
pub fn sqlite_to_postgres(data_dir: &Path, url: &PgUrl, progress: &dyn Fn(&str)) -> Result<Copied> {
    // Opening migrates both files to this billctl's schema, which the Postgres schema mirrors.
    let store = Store::open(data_dir)?;
    let events = EventStore::open(data_dir)?;
    let mut client = url.connect()?;
    empty_pg(&mut client, url)?;
    // One snapshot of each file for the whole copy.
    let sources = [(store.sq()?, MAIN), (events.conn(), WEBHOOKS)];
    for (conn, _) in &sources {
        conn.execute_batch("BEGIN")?;
    }
    let mut tx = client.transaction()?;
    let mut tables = Vec::new();
    for (conn, names) in &sources {
        for &table in *names {
            progress(table);
            let cols = columns(conn, table)?;
            let mut writer =
                tx.copy_in(format!("COPY \"{table}\" ({}) FROM STDIN", quoted(&cols)).as_str())?;
            let mut stmt = conn.prepare(&format!("SELECT {} FROM \"{table}\"", quoted(&cols)))?;
            let mut rows = stmt.query([])?;
            let mut buf = Vec::with_capacity(1 << 16);
            let mut n = 0i64;
            while let Some(r) = rows.next()? {
                for i in 0..cols.len() {
                    if i > 0 {
                        buf.push(b'\t');
                    }
                    copy_text(&mut buf, r.get_ref(i)?);
                }
                buf.push(b'\n');
                n += 1;
                if buf.len() >= 1 << 16 {
                    writer.write_all(&buf)?;
                    buf.clear();
                }
            }
            writer.write_all(&buf)?;
            writer
                .finish()
                .with_context(|| format!("failed to copy {table}"))?;
            let want = sqlite_fingerprint(conn, table, &cols)?;
            let got = pg_fingerprint(&mut tx, table, &cols)?;
            if want != got {
                bail!("{table} does not match after the copy (counts and sums {want:?} against {got:?}); nothing was copied");
            }
            tables.push(TableCopy {
                table: table.into(),
                rows: n,
            });
        }
    }
    for (table, col) in IDENTITY {
        tx.execute(
            format!(
                "SELECT setval(pg_get_serial_sequence('{table}', '{col}'), coalesce((SELECT max(\"{col}\") FROM \"{table}\"), 0) + 1, false)"
            )
            .as_str(),
            &[],
        )?;
    }
    tx.commit()?;
    for (conn, _) in &sources {
        let _ = conn.execute_batch("COMMIT");
    }
    let rows = tables.iter().map(|t| t.rows).sum();
    Ok(Copied {
        from: data_dir.display().to_string(),
        to: url.shown().to_string(),
        tables,
        rows,
        verified: true,
    })
}

/// Copies one table's rows from the Postgres snapshot into the SQLite transaction; how many.
fn copy_rows(
    src: &mut postgres::Transaction,
    tx: &rusqlite::Transaction,
    table: &str,
    cols: &[(String, Kind)],
    marks: &str,
) -> Result<i64> {
    let mut ins = tx.prepare(&format!(
        "INSERT INTO \"{table}\" ({}) VALUES ({marks})",
        quoted(cols)
    ))?;
    let sql = format!("SELECT {} FROM \"{table}\"", quoted(cols));
    let params: [&str; 0] = [];
    let mut rows = src.query_raw(sql.as_str(), params)?;
    let mut n = 0i64;
    while let Some(row) = postgres::fallible_iterator::FallibleIterator::next(&mut rows)? {
        let mut values = Vec::with_capacity(cols.len());
        for (i, (_, kind)) in cols.iter().enumerate() {
            values.push(match kind {
                Kind::Int => row
                    .get::<_, Option<i64>>(i)
                    .map_or(Value::Null, Value::Integer),
                Kind::Text => row
                    .get::<_, Option<String>>(i)
                    .map_or(Value::Null, Value::Text),
                Kind::Blob => row
                    .get::<_, Option<Vec<u8>>>(i)
                    .map_or(Value::Null, Value::Blob),
            });
        }
        ins.execute(rusqlite::params_from_iter(values))?;
        n += 1;
    }
    Ok(n)
}

/// Copies the Postgres database at `url` into the empty SQLite store in `data_dir`.
pub fn postgres_to_sqlite(url: &PgUrl, data_dir: &Path, progress: &dyn Fn(&str)) -> Result<Copied> {
    let mut client = url.connect()?;
    let version = super::pg::schema_version(&mut client)?;
    if version != super::pg::schema_len() {
        bail!(
            "{} has billctl schema version {version}, not {}: run 'billctl db migrate' against it first",
            url.shown(),
            super::pg::schema_len()
        );
    }
    let mut store = Store::open(data_dir)?;
    let mut events = EventStore::open(data_dir)?;
    empty_sqlite(&store, &events, data_dir)?;
    // One snapshot of the source for the whole copy.
    let mut src = client
        .build_transaction()
        .read_only(true)
        .isolation_level(postgres::IsolationLevel::RepeatableRead)
        .start()?;
    let mut tables = Vec::new();
    for (conn, names) in [(store.sq_mut()?, MAIN), (events.conn_mut(), WEBHOOKS)] {
        let tx = conn.transaction()?;
        for &table in names {
            progress(table);
            let cols = columns(&tx, table)?;
            let marks = (1..=cols.len())
                .map(|i| format!("?{i}"))
                .collect::<Vec<_>>()
                .join(", ");
            let n = copy_rows(&mut src, &tx, table, &cols, &marks)?;
            let want = pg_fingerprint(&mut src, table, &cols)?;
            let got = sqlite_fingerprint(&tx, table, &cols)?;
            if want != got {
                bail!("{table} does not match after the copy (counts and sums {want:?} against {got:?}); nothing was copied");
            }
            tables.push(TableCopy {
                table: table.into(),
                rows: n,
            });
        }
        tx.commit()?;
    }
    src.commit()?;
    let rows = tables.iter().map(|t| t.rows).sum();
    Ok(Copied {
        from: url.shown().to_string(),
        to: data_dir.display().to_string(),
        tables,
        rows,
        verified: true,
    })
}

/// Migrates the Postgres database at `url` and refuses it unless billctl's tables are empty:
/// db copy only fills an empty one.
fn empty_pg(client: &mut postgres::Client, url: &PgUrl) -> Result<()> {
    super::pg::migrate(client)?;
    let existing = pg_rows(client)?;
    if existing > 0 {
        bail!(
            "{} is not empty ({} in billctl's tables): db copy only fills an empty database",
            url.shown(),
            rows(existing)
        );
    }
    Ok(())
}

/// Refuses the SQLite store in `data_dir` unless each of billctl's tables is empty.
fn empty_sqlite(store: &Store, events: &EventStore, data_dir: &Path) -> Result<()> {
    for (conn, names) in [(store.sq()?, MAIN), (events.conn(), WEBHOOKS)] {
        for t in names {
            let n: i64 =
                conn.query_row(&format!("SELECT count(*) FROM \"{t}\""), [], |r| r.get(0))?;
            if n > 0 {
                bail!(
                    "the store in {} is not empty ({t} has {}): db copy only fills an empty store",
                    data_dir.display(),
                    rows(n)
                );
            }
        }
    }
    Ok(())
}

/// `n` rows, for a refusal.
fn rows(n: i64) -> String {
    crate::util::plural::count(n, "row", "rows")
}
