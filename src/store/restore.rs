//! `db restore`: both store files from a backup, all or nothing, even across a crash.
//!
//! 1. The store's lock is taken exclusively: a restore runs only while no other billctl
//!    process has the store open (it refuses, naming them, or waits with `--wait`).
//! 2. The free space is checked for the staged copy and its migration.
//! 3. The backup is copied into a staging directory in the data dir, checked and migrated
//!    there ([`super::check`]); a backup that fails changes nothing.
//! 4. Each live file is checkpointed (its WAL emptied into it), and a directory for the state
//!    before is made, with a manifest of the live files.
//! 5. The intent is written and synced, then the files are renamed into place
//!    ([`super::swap`]): each live file into the state before, each staged file into the
//!    store. The state before becomes `pre-restore-<time>`, a backup `db restore` takes, made
//!    by renaming, so it needs no space. A crash after the intent is finished by the next
//!    command, before it opens anything.
//! 6. Pre-restore copies beyond the newest [`KEEP_PRE_RESTORE`] are removed.

use super::check::{self, FileEntry, Manifest, MANIFEST};
use super::lock::StoreLock;
use super::swap::{self, Intent, Staging};
use super::{files, FILE_NAME};
use anyhow::{bail, Context, Result};
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How many `pre-restore-*` copies a restore keeps (the newest); `doctor` reports more.
pub const KEEP_PRE_RESTORE: usize = 3;

/// What a restore did.
#[derive(Debug, Serialize)]
pub struct Restored {
    pub manifest: Manifest,
    /// Where the state before the restore was kept (none when the data dir held no store).
    pub previous: Option<PathBuf>,
    /// Older pre-restore copies removed (beyond the newest [`KEEP_PRE_RESTORE`]).
    pub pruned: Vec<PathBuf>,
}

/// Restores both store files in `data_dir` from the backup in `src` (see the module docs),
/// waiting up to `wait` for other processes to close the store.
pub fn restore(data_dir: &Path, src: &Path, now: i64, wait: Duration) -> Result<Restored> {
    super::private_dir(data_dir)?;
    let _lock = StoreLock::exclusive(data_dir, wait)?;
    let manifest = check::read_manifest(src)?;
    check::ensure_space(data_dir, &manifest)?;
    let unchanged = || "the backup cannot be restored (nothing was changed)";
    let mut staging = Staging::create(data_dir, ".billctl-restore-")?;
    check::stage(src, &manifest, staging.path()).context(unchanged())?;
    let live = quiesce(data_dir).context("nothing was changed")?;
    // The state before, when there is one (a data dir without a store has none).
    let mut previous = match live.is_empty() {
        true => None,
        false => Some(Staging::create(data_dir, ".billctl-previous-")?),
    };
    crate::faults::step("restore", "previous.made");
    let intent = Intent {
        staging: file_name(staging.path()),
        previous_tmp: previous.as_ref().map_or_else(
            || format!(".billctl-previous-none-{}", file_name(staging.path())),
            |p| file_name(p.path()),
        ),
        previous: unused_previous(data_dir, now),
    };
    if let Some(p) = &previous {
        keep_manifest(p.path(), live, now).context("nothing was changed")?;
    }
    staging.keep();
    if let Some(p) = &mut previous {
        p.keep();
    }
    if let Err(e) = swap::write_intent(data_dir, &intent) {
        if swap::read_intent(data_dir).ok().flatten().is_none() {
            let _ = std::fs::remove_dir_all(staging.path());
            if let Some(p) = &previous {
                let _ = std::fs::remove_dir_all(p.path());
            }
            return Err(e.context("nothing was changed"));
        }
        return Err(e.context("the restore was begun: the next billctl command finishes it"));
    }
    swap::roll_forward(data_dir, &intent).context(
        "the restore stopped part way: the next billctl command finishes it before anything else",
    )?;
    let previous = live_previous(data_dir, &intent);
    let pruned = prune(data_dir, KEEP_PRE_RESTORE);
    Ok(Restored {
        manifest,
        previous,
        pruned,
    })
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Where the state before went: `intent.previous` (or the name it took if that was taken).
fn live_previous(data_dir: &Path, intent: &Intent) -> Option<PathBuf> {
    pre_restore_copies(data_dir)
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| {
            let n = file_name(p);
            n == intent.previous || n.starts_with(&format!("{}-", intent.previous))
        })
        .max_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
}

/// Empties each live file's WAL into it and closes it, so that the file alone is the store
/// (a crashed process may have left committed frames in the WAL). Creates neither file; a
/// file SQLite cannot open is kept as it is, with its WAL beside it. Returns the files there.
fn quiesce(data_dir: &Path) -> Result<Vec<(&'static str, PathBuf)>> {
    let mut live = Vec::new();
    for name in files::databases() {
        let path = data_dir.join(name);
        if std::fs::symlink_metadata(&path).is_err() {
            continue;
        }
        if let Ok(c) = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        ) {
            c.busy_timeout(Duration::from_secs(5))?;
            let busy: i64 = c
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))
                .unwrap_or(0);
            if busy != 0 {
                bail!("{} is open in a process outside billctl: stop it", path.display());
            }
            c.close().map_err(|(_, e)| e)?;
        }
        crate::faults::step("restore", "live.checkpointed");
        live.push((name, path));
    }
    Ok(live)
}

/// Writes the manifest of the live files into `dir`, the state before.
fn keep_manifest(dir: &Path, live: Vec<(&'static str, PathBuf)>, now: i64) -> Result<()> {
    let files = live
        .into_iter()
        .map(|(name, path)| {
            Ok(FileEntry {
                name: name.to_string(),
                bytes: std::fs::metadata(&path)?.len(),
                sha256: super::backup::sha256_file(&path)?,
                schema_version: check::header_version(&path).unwrap_or(0),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let m = Manifest {
        format: check::FORMAT,
        billctl_version: env!("CARGO_PKG_VERSION").to_string(),
        created_at: now,
        files,
    };
    super::backup::write_synced(&dir.join(MANIFEST), &serde_json::to_vec_pretty(&m)?)?;
    swap::sync_dir(dir)?;
    crate::faults::step("restore", "previous.manifest");
    Ok(())
}

/// `pre-restore-<time>`, with a number after it if that is taken.
fn unused_previous(data_dir: &Path, now: i64) -> String {
    let stamp = jiff::Timestamp::from_second(now)
        .map(|t| t.strftime("%Y%m%dT%H%M%SZ").to_string())
        .unwrap_or_else(|_| now.to_string());
    (1..)
        .map(|n| match n {
            1 => format!("{}{stamp}", files::PRE_RESTORE_PREFIX),
            n => format!("{}{stamp}-{n}", files::PRE_RESTORE_PREFIX),
        })
        .find(|p| std::fs::symlink_metadata(data_dir.join(p)).is_err())
        .expect("an unused name")
}

/// The `pre-restore-*` directories in `data_dir`, with when each was made (its manifest's
/// time; 0 when it has none), oldest first.
pub fn pre_restore_copies(data_dir: &Path) -> Vec<(PathBuf, i64)> {
    let Ok(entries) = std::fs::read_dir(data_dir) else {
        return Vec::new();
    };
    let mut copies: Vec<(PathBuf, i64)> = entries
        .take(100_000)
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(files::PRE_RESTORE_PREFIX))
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| {
            let at = check::read_manifest(&e.path()).map_or(0, |m| m.created_at);
            (e.path(), at)
        })
        .collect();
    copies.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
    copies
}

/// Removes the pre-restore copies older than the newest `keep`: the files a backup holds,
/// then the directory (one holding anything else is left, for `doctor` to report).
fn prune(data_dir: &Path, keep: usize) -> Vec<PathBuf> {
    let copies = pre_restore_copies(data_dir);
    let old = copies.len().saturating_sub(keep);
    let mut pruned = Vec::new();
    for (dir, _) in copies.into_iter().take(old) {
        for name in [MANIFEST, FILE_NAME, super::webhooks::FILE_NAME] {
            let _ = std::fs::remove_file(dir.join(name));
        }
        if std::fs::remove_dir(&dir).is_ok() {
            pruned.push(dir);
        }
        crate::faults::step("restore", "pruned");
    }
    pruned
}
