//! `billctl db status|backup|restore|migrate|copy`.

use clap::Args;
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Show both store files' paths, schema versions and row counts
    Status,
    /// Back up both store files (billctl.db and webhooks.db), consistently, into a new directory
    Backup(DbBackupArgs),
    /// Restore both store files from a backup directory (asks first; keeps the current state)
    Restore(DbRestoreArgs),
    /// Apply the store's migrations (SQLite, or Postgres under an advisory lock)
    Migrate,
    /// Copy the SQLite store into an empty Postgres database, or back; verified by counts and sums
    Copy(DbCopyArgs),
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("direction").required(true).args(["to", "from"])))]
pub struct DbCopyArgs {
    /// Copy the SQLite store in the data dir into this empty Postgres database
    /// (postgres://user@host/db, no password: set BILLCTL_DATABASE_PASSWORD)
    #[arg(long, value_name = "URL")]
    pub to: Option<String>,
    /// Copy this Postgres database into the empty SQLite store in the data dir
    #[arg(long, value_name = "URL")]
    pub from: Option<String>,
}

#[derive(Debug, Args)]
pub struct DbBackupArgs {
    /// Destination: a new path or an empty directory (an earlier backup only with --force)
    pub dir: PathBuf,
    /// Replace an earlier billctl backup at the destination (asks first; never anything else)
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct DbRestoreArgs {
    /// A directory written by `db backup`
    pub dir: PathBuf,
    /// Check the backup as a restore would (manifest, checksums, integrity, foreign keys,
    /// schema, migration) and change nothing
    #[arg(long)]
    pub check: bool,
    /// Wait up to this long (like 30s or 5m) for other billctl processes to close the store,
    /// instead of refusing at once
    #[arg(long, value_name = "DURATION", value_parser = super::parsers::parse_wait)]
    pub wait: Option<std::time::Duration>,
}
