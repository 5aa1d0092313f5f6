//! `db status/backup/restore/migrate/copy` as workflows over the store's files (or its
//! Postgres database). Prints nothing.

use crate::adapters::store::backup;
use crate::adapters::store::check::{self, Manifest};
use crate::adapters::store::copy::{self, Copied};
use crate::adapters::store::pg::PgUrl;
use crate::adapters::store::restore::{self, Restored};
use crate::adapters::store::webhooks::EventStore;
use crate::adapters::store::Store;
use anyhow::{Context, Result};
use serde::Serialize;
use std::path::Path;

/// One store file (or, on Postgres, one group of tables): where, its schema, rows per table.
#[derive(Serialize)]
pub struct FileStatus {
    pub path: String,
    pub schema_version: i64,
    pub tables: indexmap::IndexMap<String, i64>,
}

/// `billctl.db` at the top level, `webhooks.db` under `webhooks`.
#[derive(Serialize)]
pub struct Status {
    #[serde(flatten)]
    pub store: FileStatus,
    pub webhooks: FileStatus,
}

/// `db status` on Postgres: one database holds both, and the webhook tables are listed
/// apart, as on SQLite.
pub fn status_pg(store: &Store) -> Result<Status> {
    let (path, version) = (store.path().display().to_string(), store.schema_version()?);
    let (hooks, main): (Vec<_>, Vec<_>) = store
        .row_counts()?
        .into_iter()
        .filter(|(t, _)| t != "billctl_schema")
        .partition(|(t, _)| copy::WEBHOOK_TABLES.contains(&t.as_str()));
    Ok(Status {
        store: FileStatus {
            path: path.clone(),
            schema_version: version,
            tables: main.into_iter().collect(),
        },
        webhooks: FileStatus {
            path,
            schema_version: version,
            tables: hooks.into_iter().collect(),
        },
    })
}

/// `db status` on SQLite: both files.
pub fn status_sqlite(store: &Store, events: &EventStore) -> Result<Status> {
    Ok(Status {
        store: FileStatus {
            path: store.path().display().to_string(),
            schema_version: store.schema_version()?,
            tables: store.row_counts()?.into_iter().collect(),
        },
        webhooks: FileStatus {
            path: events.path().display().to_string(),
            schema_version: events.schema_version()?,
            tables: events.row_counts()?.into_iter().collect(),
        },
    })
}

/// A backup written.
#[derive(Serialize)]
pub struct BackedUp {
    pub backup: String,
    pub manifest: Manifest,
    /// Files of the data dir a backup leaves out that are there (the webhook secret file).
    pub left_out: Vec<String>,
}

/// Refuses a backup destination before anything is asked or copied (see
/// [`backup::check_dest`]); returns whether an earlier backup there would be replaced.
pub fn backup_dest(dest: &Path, force: bool) -> Result<bool> {
    backup::check_dest(dest, force)
}

/// Backs up both files to `dest` (replacing an earlier backup there only with `force`).
pub fn backup(
    store: &Store,
    events: &EventStore,
    (data_dir, dest): (&Path, &Path),
    at: i64,
    force: bool,
) -> Result<BackedUp> {
    let manifest = backup::backup(store, events, dest, at, force).with_context(|| {
        format!(
            "failed to back up {} to {}",
            data_dir.display(),
            dest.display()
        )
    })?;
    let secrets = data_dir.join(crate::adapters::secrets::SECRET_FILE);
    Ok(BackedUp {
        backup: dest.display().to_string(),
        manifest,
        left_out: std::fs::symlink_metadata(&secrets)
            .is_ok()
            .then(|| secrets.display().to_string())
            .into_iter()
            .collect(),
    })
}

/// A sound backup (`--json`: its manifest).
#[derive(Serialize)]
#[serde(transparent)]
pub struct Sound {
    pub manifest: Manifest,
    #[serde(skip)]
    pub dir: String,
}

/// The manifest of the backup in `dir` (read, not yet checked): what to ask about.
pub fn manifest(dir: &Path) -> Result<Manifest> {
    check::read_manifest(dir)
}

/// Checks the backup in `dir` as a restore would (manifest, digests, integrity, foreign keys,
/// schema, migration), staging its copy in `data_dir` and removing it after.
pub fn check(dir: &Path, data_dir: &Path) -> Result<Sound> {
    Ok(Sound {
        manifest: check::check(dir, data_dir)?,
        dir: dir.display().to_string(),
    })
}

/// Restores both files from `src`, all or nothing, once no other process has the store open
/// (waiting up to `wait`).
pub fn restore(
    data_dir: &Path,
    src: &Path,
    at: i64,
    wait: std::time::Duration,
) -> Result<Restored> {
    restore::restore(data_dir, src, at, wait)
}

/// Where the store is and its schema version, after migrating.
#[derive(Serialize)]
pub struct Migrated {
    pub backend: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    pub schema_version: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhooks_schema_version: Option<i64>,
}

/// Migrates a Postgres store.
pub fn migrate_pg(url: &PgUrl) -> Result<Migrated> {
    let mut client = url.connect()?;
    let version = crate::adapters::store::pg::migrate(&mut client)
        .with_context(|| format!("failed to migrate {}", url.shown()))?;
    Ok(Migrated {
        backend: "postgres",
        url: Some(url.shown().to_string()),
        path: None,
        schema_version: version,
        webhooks_schema_version: None,
    })
}

/// The SQLite files' versions (opening them migrated them).
pub fn migrated_sqlite(store: &Store, events: &EventStore) -> Result<Migrated> {
    Ok(Migrated {
        backend: "sqlite",
        url: None,
        path: Some(store.path().display().to_string()),
        schema_version: store.schema_version()?,
        webhooks_schema_version: Some(events.schema_version()?),
    })
}

/// Copies the SQLite store in `data_dir` into an empty Postgres database (`to`), or a
/// Postgres store (`from`) into SQLite, verified by counts and sums.
pub fn copy(
    data_dir: &Path,
    to: Option<&str>,
    from: Option<&str>,
    progress: &dyn crate::ops::Progress,
) -> Result<Copied> {
    let parse = |flag: &str, u: &str| {
        PgUrl::parse(u, false).map_err(|e| anyhow::anyhow!("invalid {flag}: the URL {e}"))
    };
    // The table being copied, as the bar shows it.
    let table = |name: &str| progress.message(&format!("Copying {name}"));
    match (to, from) {
        (Some(to), None) => copy::sqlite_to_postgres(data_dir, &parse("--to", to)?, &table),
        (None, Some(from)) => copy::postgres_to_sqlite(&parse("--from", from)?, data_dir, &table),
        _ => anyhow::bail!("pass exactly one of --to and --from"),
    }
}
