//! `db backup`: both store files, `billctl.db` and `webhooks.db`, as one consistent set.
//!
//! A backup is a directory holding the two files and a `manifest.json` (billctl's version, when,
//! and each file's size, SHA-256 and schema version). Both are copied at one moment: writers of
//! both files are held off (an immediate transaction on each) just long enough to open a read
//! snapshot of each, and the copies are taken from those snapshots with SQLite's online backup
//! API while writers carry on. The directory is built under a locked staging name next to the
//! destination (see [`super::swap::Staging`]) and renamed into place, so the destination is
//! either as it was or complete.
//!
//! A backup is written only into a new path or an empty directory. An existing billctl backup
//! (a directory of its three files whose manifest reads) is replaced only when asked
//! (`--force`), by an atomic exchange; anything else (a folder of other files, a regular file,
//! a FIFO, a device, a link) is never replaced. The webhook secret file is not part of a
//! backup: the README's "Backups" says to keep it with the other secrets.

use super::check::{self, FileEntry, Manifest, MANIFEST};
use super::swap::{self, Staging};
use super::webhooks::EventStore;
use super::Store;
use anyhow::{bail, Context, Result};
use rusqlite::{Connection, OpenFlags};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::time::Duration;

/// What is at a backup's destination before it is written.
enum Dest {
    /// Nothing: the backup is renamed there.
    New,
    /// An empty directory: the backup is renamed over it.
    Empty,
    /// A billctl backup (replaced only with `force`), made at this time.
    Backup(i64),
}

/// Entries a billctl backup directory may hold.
const BACKUP_ENTRIES: [&str; 3] = [MANIFEST, super::FILE_NAME, super::webhooks::FILE_NAME];

/// What `dest` is; refused when it is something a backup must never replace.
fn dest_kind(dest: &Path) -> Result<Dest> {
    let shown = dest.display();
    let meta = match std::fs::symlink_metadata(dest) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Dest::New),
        Err(e) => return Err(e).with_context(|| format!("failed to read {shown}")),
        Ok(m) => m,
    };
    if meta.file_type().is_symlink() {
        bail!("{shown} is a symbolic link: name a new path or an empty directory (nothing was written)");
    }
    if !meta.is_dir() {
        bail!("{shown} exists and is not a directory: name a new path or an empty directory; a backup never replaces a file (nothing was written)");
    }
    let names: Vec<String> = std::fs::read_dir(dest)
        .with_context(|| format!("failed to read {shown}"))?
        .take(64)
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<std::io::Result<_>>()
        .with_context(|| format!("failed to read {shown}"))?;
    if names.is_empty() {
        return Ok(Dest::Empty);
    }
    let foreign: Vec<&String> = names
        .iter()
        .filter(|n| !BACKUP_ENTRIES.contains(&n.as_str()))
        .collect();
    let manifest = foreign
        .is_empty()
        .then(|| check::read_manifest(dest).ok())
        .flatten();
    match manifest {
        Some(m) => Ok(Dest::Backup(m.created_at)),
        None => bail!(
            "{shown} is a directory that is not a billctl backup (it holds {}): name a new path or an empty directory; a backup replaces only an earlier backup (nothing was written)",
            names.iter().take(3).map(|n| n.escape_debug().to_string()).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// Refuses `dest` before anything is copied: something that is not a backup, or a backup
/// without `force`. Returns whether a backup is replaced.
pub fn check_dest(dest: &Path, force: bool) -> Result<bool> {
    match dest_kind(dest)? {
        Dest::Backup(at) if !force => bail!(
            "{} holds a billctl backup made at {}: pass --force to replace it, or name a new path (nothing was written)",
            dest.display(),
            crate::domain::time::utc_datetime(at)
        ),
        Dest::Backup(_) => Ok(true),
        Dest::New | Dest::Empty => Ok(false),
    }
}

/// Backs up both stores into `dest`: a new path, an empty directory, or (with `force`) an
/// earlier billctl backup, which is exchanged for the new one in one step. Returns the
/// manifest.
pub fn backup(
    store: &Store,
    events: &EventStore,
    dest: &Path,
    now: i64,
    force: bool,
) -> Result<Manifest> {
    check_dest(dest, force)?;
    let parent = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    swap::clean_stale_backups(parent);
    let tmp = Staging::create(parent, ".billctl-backup-")?;
    crate::util::faults::step("backup", "staging.made");
    let conns = [(store.sq()?, store.path()), (events.conn(), events.path())];
    pin_snapshots(&conns)?;
    let copied = (|| -> Result<Vec<FileEntry>> {
        let mut files = Vec::new();
        for ((conn, _), (name, _)) in conns.iter().zip(check::known()) {
            let out = tmp.path().join(name);
            copy_db(conn, &out)?;
            files.push(entry(&out, name)?);
            crate::util::faults::step("backup", "file.copied");
        }
        Ok(files)
    })();
    for (conn, _) in &conns {
        let _ = conn.execute_batch("COMMIT");
    }
    let manifest = Manifest {
        format: check::FORMAT,
        billctl_version: env!("CARGO_PKG_VERSION").to_string(),
        created_at: now,
        files: copied?,
    };
    let text = serde_json::to_vec_pretty(&manifest)?;
    write_synced(&tmp.path().join(MANIFEST), &text)?;
    swap::sync_dir(tmp.path())?;
    crate::util::faults::step("backup", "manifest.written");
    place(tmp.path(), dest, force)?;
    swap::sync_dir(parent)?;
    crate::util::faults::step("backup", "placed");
    Ok(manifest)
}

/// Puts the finished backup `tmp` at `dest`, checked again at this moment: renamed to a new
/// path or over an empty directory (the kernel refuses a directory that is no longer empty),
/// or exchanged with an earlier backup (which is left at `tmp`, to be removed with it).
fn place(tmp: &Path, dest: &Path, force: bool) -> Result<()> {
    use nix::fcntl::{renameat2, RenameFlags, AT_FDCWD};
    let fail = || format!("failed to move the backup into place at {}", dest.display());
    match dest_kind(dest)? {
        Dest::New => renameat2(AT_FDCWD, tmp, AT_FDCWD, dest, RenameFlags::RENAME_NOREPLACE)
            .map_err(std::io::Error::from)
            .with_context(fail),
        Dest::Empty => std::fs::rename(tmp, dest).with_context(fail),
        Dest::Backup(_) if force => {
            renameat2(AT_FDCWD, tmp, AT_FDCWD, dest, RenameFlags::RENAME_EXCHANGE)
                .map_err(std::io::Error::from)
                .with_context(fail)
        }
        Dest::Backup(_) => bail!(
            "{} became a billctl backup while this one was written: nothing was replaced",
            dest.display()
        ),
    }
}

/// Holds off writers of every file (an immediate transaction on a second connection to each),
/// opens a read snapshot on each of `conns`, then lets writers go: the snapshots are one
/// moment across both files.
fn pin_snapshots(conns: &[(&Connection, &Path)]) -> Result<()> {
    let mut locks = Vec::new();
    for (_, path) in conns {
        let c = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)
            .with_context(|| format!("failed to open {}", path.display()))?;
        c.busy_timeout(Duration::from_secs(30))?;
        c.execute_batch("BEGIN IMMEDIATE")
            .with_context(|| format!("failed to lock {} for a consistent copy", path.display()))?;
        locks.push(c);
    }
    for (conn, path) in conns {
        if !conn.is_autocommit() {
            conn.execute_batch("COMMIT")?;
        }
        conn.execute_batch("BEGIN")?;
        conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
            r.get::<_, i64>(0)
        })
        .with_context(|| format!("failed to read {}", path.display()))?;
    }
    for c in locks {
        c.execute_batch("ROLLBACK")?;
    }
    Ok(())
}

/// Copies the database behind `from` (within its open read snapshot) to the new file `to`.
fn copy_db(from: &Connection, to: &Path) -> Result<()> {
    let mut out =
        Connection::open(to).with_context(|| format!("failed to create {}", to.display()))?;
    super::private_file(to)?;
    {
        let b = rusqlite::backup::Backup::new(from, &mut out)?;
        // All pages in one step: one read of the pinned snapshot.
        b.step(-1)
            .with_context(|| format!("failed to copy into {}", to.display()))?;
    }
    // A self-contained file: no WAL beside it.
    out.pragma_update(None, "journal_mode", "DELETE")?;
    drop(out);
    std::fs::File::open(to)?.sync_all()?;
    Ok(())
}

fn entry(path: &Path, name: &str) -> Result<FileEntry> {
    let bytes = std::fs::metadata(path)?.len();
    let c = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let schema_version = c.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    Ok(FileEntry {
        name: name.to_string(),
        bytes,
        sha256: sha256_file(path)?,
        schema_version,
    })
}

pub(super) fn sha256_file(path: &Path) -> Result<String> {
    let mut f =
        std::fs::File::open(path).with_context(|| format!("failed to read {}", path.display()))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = std::io::Read::read(&mut f, &mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}

pub(super) fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("failed to create {}", path.display()))?;
    f.write_all(bytes)?;
    f.sync_all()?;
    Ok(())
}
