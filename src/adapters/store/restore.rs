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
    /// When taking the lock finished an earlier, interrupted restore: where its intent was
    /// and its state before went.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finished_earlier: Option<swap::Finished>,
}

/// Restores both store files in `data_dir` from the backup in `src` (see the module docs),
/// waiting up to `wait` for other processes to close the store.
pub fn restore(data_dir: &Path, src: &Path, now: i64, wait: Duration) -> Result<Restored> {
    super::private_dir(data_dir)?;
    let lock = StoreLock::exclusive(data_dir, wait)?;
    let earlier = lock.finished_restore().cloned();
    let keep: Vec<PathBuf> = earlier.iter().filter_map(|f| f.previous.clone()).collect();
    match swap_in(data_dir, src, now, &keep) {
        Ok(r) => Ok(Restored {
            finished_earlier: earlier,
            ..r
        }),
        Err(e) => Err(match earlier {
            Some(f) => e.context(format!(
                "an earlier restore, interrupted, was finished first ({})",
                f.describe()
            )),
            None => e,
        }),
    }
}

/// The restore, once the lock is held alone; `keep` are pre-restore copies retention leaves.
fn swap_in(data_dir: &Path, src: &Path, now: i64, keep: &[PathBuf]) -> Result<Restored> {
    let manifest = check::read_manifest(src)?;
    refuse_outsiders(data_dir)?;
    check::ensure_space(data_dir, &manifest)?;
    let unchanged = || "the backup cannot be restored (nothing was changed)";
    let mut staging = Staging::create(data_dir, ".billctl-restore-")?;
    check::stage(src, &manifest, staging.path()).context(unchanged())?;
    complete(data_dir)?;
    let live = quiesce(data_dir).context("nothing was changed")?;
    // Again, now that the store is quiet: an outside process may have opened a file meanwhile.
    refuse_outsiders(data_dir)?;
    // The state before, when there is one (a data dir without a store has none).
    let mut previous = match live.is_empty() {
        true => None,
        false => Some(Staging::create(data_dir, ".billctl-previous-")?),
    };
    crate::util::faults::step("restore", "previous.made");
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
    let previous = swap::roll_forward(data_dir, &intent).context(
        "the restore stopped part way: the next billctl command finishes it before anything else",
    )?;
    let previous = std::fs::symlink_metadata(&previous)
        .is_ok()
        .then_some(previous);
    let mut protect = keep.to_vec();
    protect.extend(previous.clone());
    let pruned = prune(data_dir, KEEP_PRE_RESTORE, &protect);
    Ok(Restored {
        manifest,
        previous,
        pruned,
        finished_earlier: None,
    })
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Refuses, before anything changes, a store file that is a symbolic link (a restore replaces
/// the files in the data dir; the state before would keep the link, not the file), one that is
/// a mount point (a file bind-mounted into the data dir cannot be renamed), and one that a
/// process outside billctl's lock has open (the `sqlite3` shell, a script, even idle: its open
/// files show in `/proc`).
fn refuse_outsiders(data_dir: &Path) -> Result<()> {
    let mounts = super::lock::mount_points();
    for name in files::databases() {
        let path = data_dir.join(name);
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            bail!(
                "{} is a symbolic link: a restore replaces the files in the data dir; point --data-dir at the directory that holds the file (nothing was changed)",
                path.display()
            );
        }
        for suffix in ["", "-wal", "-shm"] {
            let p = data_dir.join(format!("{name}{suffix}"));
            let real = std::fs::canonicalize(&p).unwrap_or_else(|_| p.clone());
            if mounts.contains(&real) {
                bail!(
                    "{} is a mount point (a file mounted into the data dir): a restore renames the store's files, which a mount point refuses; mount the directory that holds them instead (nothing was changed)",
                    p.display()
                );
            }
            if let Some((pid, cmd)) = super::lock::openers(&p).first() {
                bail!(
                    "{} is open in {cmd} (pid {pid}), outside billctl: close it and run this again (nothing was changed)",
                    p.display()
                );
            }
        }
    }
    Ok(())
}

/// Makes each store file that is missing (a data dir where webhooks were never used), so that
/// the state before is a whole backup that `db restore` takes.
fn complete(data_dir: &Path) -> Result<()> {
    for (name, _) in check::known() {
        if std::fs::symlink_metadata(data_dir.join(name)).is_err() {
            super::open_db_held(data_dir, name, check::migrations_of(name))?;
        }
    }
    Ok(())
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
                bail!(
                    "{} is open in a process outside billctl: stop it",
                    path.display()
                );
            }
            c.close().map_err(|(_, e)| e)?;
        }
        crate::util::faults::step("restore", "live.checkpointed");
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
    crate::util::faults::step("restore", "previous.manifest");
    Ok(())
}

/// `pre-restore-<time>`, or with a number after it one above the highest of that time there.
fn unused_previous(data_dir: &Path, now: i64) -> String {
    let stamp = jiff::Timestamp::from_second(now)
        .map(|t| t.strftime("%Y%m%dT%H%M%SZ").to_string())
        .unwrap_or_else(|_| now.to_string());
    let base = format!("{}{stamp}", files::PRE_RESTORE_PREFIX);
    let highest = pre_restore_copies(data_dir)
        .iter()
        .filter_map(|(p, _)| {
            let name = file_name(p);
            match name.strip_prefix(&base)? {
                "" => Some(1),
                n => n.strip_prefix('-')?.parse::<u32>().ok(),
            }
        })
        .max();
    match highest {
        None if std::fs::symlink_metadata(data_dir.join(&base)).is_err() => base,
        h => format!("{base}-{}", h.unwrap_or(1).saturating_add(1)),
    }
}

/// The `pre-restore-*` directories in `data_dir`, with when each was made (its manifest's
/// time; 0 when it has none), oldest first: by that time, then by the time in the name, then
/// by the number after it (`-2` before `-10`).
pub fn pre_restore_copies(data_dir: &Path) -> Vec<(PathBuf, i64)> {
    let Ok(entries) = std::fs::read_dir(data_dir) else {
        return Vec::new();
    };
    let mut copies: Vec<(PathBuf, i64)> = entries
        .take(100_000)
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(files::PRE_RESTORE_PREFIX)
        })
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| {
            let at = check::read_manifest(&e.path()).map_or(0, |m| m.created_at);
            (e.path(), at)
        })
        .collect();
    copies.sort_by_cached_key(|(p, at)| {
        let name = file_name(p);
        let (stamp, n) = match name.rsplit_once('-') {
            Some((stamp, n)) if n.parse::<u32>().is_ok() => {
                (stamp.to_string(), n.parse().unwrap_or(0))
            }
            _ => (name.clone(), 1),
        };
        (*at, stamp, n, name)
    });
    copies
}

/// Removes pre-restore copies so that the newest `keep` remain (newest by when each directory
/// was made, as the file system recorded it), those in `protect` (the one this restore made,
/// and one it finished) always among them: the files a backup holds, then the directory (one
/// holding anything else is left, for `doctor` to report).
fn prune(data_dir: &Path, keep: usize, protect: &[PathBuf]) -> Vec<PathBuf> {
    use std::os::unix::fs::MetadataExt;
    let mut others: Vec<(PathBuf, (i64, i64))> = pre_restore_copies(data_dir)
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| !protect.contains(p))
        .map(|p| {
            let made =
                std::fs::symlink_metadata(&p).map_or((0, 0), |m| (m.ctime(), m.ctime_nsec()));
            (p, made)
        })
        .collect();
    others.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
    let room = keep.saturating_sub(protect.len());
    let old = others.len().saturating_sub(room);
    let mut pruned = Vec::new();
    for (dir, _) in others.into_iter().take(old) {
        for name in [MANIFEST, FILE_NAME, super::webhooks::FILE_NAME] {
            let _ = std::fs::remove_file(dir.join(name));
        }
        if std::fs::remove_dir(&dir).is_ok() {
            pruned.push(dir);
        }
        crate::util::faults::step("restore", "pruned");
    }
    pruned
}
