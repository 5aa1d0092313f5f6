//! Backups of both store files, `billctl.db` and `webhooks.db`, as one consistent set, and
//! their restore.
//!
//! A backup is a directory holding the two files and a `manifest.json` (billctl's version, when,
//! and each file's size, SHA-256 and schema version). Both are copied at one moment: writers of
//! both files are held off (an immediate transaction on each) just long enough to open a read
//! snapshot of each, and the copies are taken from those snapshots with SQLite's online backup
//! API while writers carry on. The directory is built under a random name next to the
//! destination and renamed into place, so the destination is either absent or complete.
//!
//! A restore checks the manifest, each file's size and SHA-256, `PRAGMA integrity_check` and
//! the schema versions before it touches anything; keeps the current state as a backup in the
//! data dir (`pre-restore-<time>`); then copies each file into the live store with the backup
//! API (which takes the store's locks, so no process sees half a file). Older schemas are
//! migrated when the store is next opened.

use super::webhooks::EventStore;
use super::Store;
use anyhow::{bail, Context, Result};
use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The manifest's name in a backup directory.
pub const MANIFEST: &str = "manifest.json";
const FORMAT: u32 = 1;
/// A manifest is a few hundred bytes; anything much larger is not one.
const MAX_MANIFEST: u64 = 64 * 1024;

/// What a backup holds.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub format: u32,
    pub billctl_version: String,
    /// Unix seconds, UTC.
    pub created_at: i64,
    pub files: Vec<FileEntry>,
}

/// One file of a backup.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FileEntry {
    pub name: String,
    pub bytes: u64,
    pub sha256: String,
    pub schema_version: i64,
}

/// The two store files, by name, with the schema version this billctl knows for each.
fn known() -> [(&'static str, i64); 2] {
    [
        (super::FILE_NAME, super::MIGRATIONS.len() as i64),
        (super::webhooks::FILE_NAME, super::webhooks::schema_len()),
    ]
}

/// The migrations that make the store file `name`.
fn migrations_of(name: &str) -> &'static [&'static str] {
    if name == super::FILE_NAME {
        super::MIGRATIONS
    } else {
        super::webhooks::MIGRATIONS
    }
}

/// One object of a database's schema as `sqlite_schema` lists it (type, name, table, SQL),
/// SQLite's own objects left out.
type SchemaObject = (String, String, String, Option<String>);

fn schema_of(c: &Connection) -> Result<Vec<SchemaObject>> {
    let mut st = c.prepare(
        "SELECT type, name, tbl_name, sql FROM sqlite_schema
         WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
    )?;
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The schema billctl's migrations 1..=`version` of file `name` make, built in memory.
fn expected_schema(name: &str, version: i64) -> Result<Vec<SchemaObject>> {
    let c = Connection::open_in_memory()?;
    for sql in &migrations_of(name)[..version as usize] {
        c.execute_batch(sql)?;
    }
    schema_of(&c)
}

/// Checks that `file` (the backup's `name`) holds exactly the tables, columns, indexes and
/// nothing else that billctl's migrations make at the schema version the file itself records
/// (and the manifest states): a trigger or view billctl did not make, a missing table, a table
/// that became a view, or a version out of range is refused, naming the object.
fn check_schema(file: &Path, name: &str, stated: i64, newest: i64) -> Result<()> {
    let shown = file.display();
    let c = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("failed to open {shown}"))?;
    let version: i64 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .with_context(|| format!("{shown} is not an SQLite database"))?;
    if version != stated {
        bail!("{shown} has schema version {version}, but the manifest says {stated}: the backup is not what its manifest describes");
    }
    if version > newest {
        bail!("{shown} has schema version {version}, newer than this billctl knows ({newest}); upgrade billctl");
    }
    if version < 1 {
        bail!("{shown} has schema version {version}: it is not a billctl {name}");
    }
    let have = schema_of(&c).with_context(|| format!("failed to read the schema of {shown}"))?;
    let want = expected_schema(name, version)?;
    let key = |o: &SchemaObject| (o.0.clone(), o.1.clone());
    for o in &have {
        match want.iter().find(|w| key(w) == key(o)) {
            None => bail!("{shown}: {} {} is not part of billctl's schema (version {version}); the backup is refused", o.0, o.1),
            Some(w) if w != o => bail!("{shown}: {} {} differs from billctl's schema (version {version}); the backup is refused", o.0, o.1),
            Some(_) => {}
        }
    }
    if let Some(w) = want.iter().find(|w| !have.iter().any(|o| key(o) == key(w))) {
        bail!("{shown}: {} {} of billctl's schema (version {version}) is missing; the backup is refused", w.0, w.1);
    }
    Ok(())
}

/// Backs up both stores into the new directory `dest` (replaced if `replace`, else it must not
/// exist); returns the manifest.
pub fn backup(
    store: &Store,
    events: &EventStore,
    dest: &Path,
    now: i64,
    replace: bool,
) -> Result<Manifest> {
    if dest.exists() && !replace {
        bail!("{} already exists", dest.display());
    }
    let parent = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    // A directory of mode 0700 under a random name; removed if anything below fails.
    let tmp = tempfile::Builder::new()
        .prefix(".billctl-backup-")
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .tempdir_in(parent)
        .with_context(|| format!("failed to create a directory in {}", parent.display()))?;
    let conns = [(store.sq()?, store.path()), (events.conn(), events.path())];
    pin_snapshots(&conns)?;
    let copied = (|| -> Result<Vec<FileEntry>> {
        let mut files = Vec::new();
        for ((conn, _), (name, _)) in conns.iter().zip(known()) {
            let out = tmp.path().join(name);
            copy_db(conn, &out)?;
            files.push(entry(&out, name)?);
        }
        Ok(files)
    })();
    for (conn, _) in &conns {
        let _ = conn.execute_batch("COMMIT");
    }
    let manifest = Manifest {
        format: FORMAT,
        billctl_version: env!("CARGO_PKG_VERSION").to_string(),
        created_at: now,
        files: copied?,
    };
    let text = serde_json::to_vec_pretty(&manifest)?;
    write_synced(&tmp.path().join(MANIFEST), &text)?;
    sync_dir(tmp.path())?;
    let tmp = tmp.keep();
    if dest.exists() {
        let old = parent.join(format!(
            ".billctl-replaced-{}",
            crate::idempotency::random().trim_start_matches("billctl-")
        ));
        std::fs::rename(dest, &old)
            .with_context(|| format!("failed to move the old {} aside", dest.display()))?;
        std::fs::rename(&tmp, dest).with_context(|| {
            format!("failed to move the backup into place at {}", dest.display())
        })?;
        let _ = std::fs::remove_dir_all(&old).or_else(|_| std::fs::remove_file(&old));
    } else {
        std::fs::rename(&tmp, dest).with_context(|| {
            let _ = std::fs::remove_dir_all(&tmp);
            format!("failed to move the backup into place at {}", dest.display())
        })?;
    }
    sync_dir(parent)?;
    Ok(manifest)
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

fn sha256_file(path: &Path) -> Result<String> {
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

fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
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

fn sync_dir(dir: &Path) -> Result<()> {
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .with_context(|| format!("failed to sync {}", dir.display()))
}

/// Checks a backup directory without changing anything: its manifest, each file's size,
/// SHA-256, integrity and schema version. Returns the manifest.
pub fn check(src: &Path) -> Result<Manifest> {
    let path = src.join(MANIFEST);
    let meta = std::fs::metadata(&path)
        .with_context(|| format!("{} is not a billctl backup: no {MANIFEST}", src.display()))?;
    if meta.len() > MAX_MANIFEST {
        bail!(
            "{} is {} bytes: not a billctl manifest",
            path.display(),
            meta.len()
        );
    }
    let text =
        std::fs::read(&path).with_context(|| format!("failed to read {}", path.display()))?;
    let m: Manifest = serde_json::from_slice(&text)
        .with_context(|| format!("{} is not a billctl backup manifest", path.display()))?;
    if m.format != FORMAT {
        bail!(
            "{}: backup format {} is not {FORMAT}",
            path.display(),
            m.format
        );
    }
    for (name, newest) in known() {
        let Some(f) = m.files.iter().find(|f| f.name == name) else {
            bail!("{}: the backup has no {name}", path.display());
        };
        let file = src.join(name);
        let bytes = std::fs::metadata(&file)
            .with_context(|| format!("the backup's {name} is missing"))?
            .len();
        if bytes != f.bytes || sha256_file(&file)? != f.sha256 {
            bail!(
                "{} does not match the manifest (size or SHA-256): the backup is damaged",
                file.display()
            );
        }
        let c = Connection::open_with_flags(&file, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let ok: String = c
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .with_context(|| format!("{} is not a sound SQLite database", file.display()))?;
        if ok != "ok" {
            bail!("{} fails SQLite's integrity check: {ok}", file.display());
        }
        check_schema(&file, name, f.schema_version, newest)?;
    }
    Ok(m)
}

/// What a restore did.
#[derive(Debug, Serialize)]
pub struct Restored {
    pub manifest: Manifest,
    /// Where the state before the restore was kept.
    pub previous: PathBuf,
}

/// Restores both stores from the backup in `src`, all or nothing (see the module docs); the
/// state before is kept in `data_dir/pre-restore-<time>`.
///
/// 1. The backup is checked ([`check`]).
/// 2. Each file is staged: copied into a private directory in the data dir, given the live
///    file's page size (a WAL database cannot take another), and migrated to this billctl's
///    schema. A file that fails here changes nothing.
/// 3. The current state is backed up.
/// 4. Each staged file is copied into the live store with SQLite's backup API (which takes the
///    store's locks, so no process sees half a file); the store is then opened again as any
///    command would. If a copy or that open fails, every file is put back from step 3.
pub fn restore(
    store: &mut Store,
    events: &mut EventStore,
    src: &Path,
    data_dir: &Path,
    now: i64,
) -> Result<Restored> {
    let manifest = check(src)?;
    let staging = tempfile::Builder::new()
        .prefix(".billctl-restore-")
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .tempdir_in(data_dir)
        .with_context(|| format!("failed to create a directory in {}", data_dir.display()))?;
    let names = [super::FILE_NAME, super::webhooks::FILE_NAME];
    {
        let lives = [store.sq()?, events.conn()];
        for (name, live) in names.iter().zip(lives) {
            stage(&src.join(name), &staging.path().join(name), live, name)?;
        }
    }
    let previous = unused_previous(data_dir, now);
    backup(store, events, &previous, now, false)
        .context("failed to keep the current state before restoring (nothing was restored)")?;
    let swapped = swap(store, events, staging.path(), &names).and_then(|()| reopen(data_dir));
    if let Err(e) = swapped {
        let back = swap(store, events, &previous, &names);
        store.horizon = std::cell::OnceCell::new();
        return Err(match back {
            Ok(()) => e.context(format!(
                "the restore failed, and the store was put back as it was (that state is also kept in {})",
                previous.display()
            )),
            Err(back) => e.context(format!(
                "the restore failed, and putting the store back failed too ({back:#}): restore the state before from {} with 'billctl db restore {} --yes'",
                previous.display(),
                previous.display()
            )),
        });
    }
    store.horizon = std::cell::OnceCell::new();
    Ok(Restored { manifest, previous })
}

/// `data_dir/pre-restore-<time>`, with a number after it if that is taken.
fn unused_previous(data_dir: &Path, now: i64) -> PathBuf {
    let stamp = jiff::Timestamp::from_second(now)
        .map(|t| t.strftime("%Y%m%dT%H%M%SZ").to_string())
        .unwrap_or_else(|_| now.to_string());
    (1..)
        .map(|n| match n {
            1 => data_dir.join(format!("pre-restore-{stamp}")),
            n => data_dir.join(format!("pre-restore-{stamp}-{n}")),
        })
        .find(|p| !p.exists())
        .expect("an unused name")
}

/// Copies the backup's `from` to `to`, gives it `live`'s page size and migrates it to this
/// billctl's schema.
fn stage(from: &Path, to: &Path, live: &Connection, name: &str) -> Result<()> {
    let refuse = || format!("the backup's {name} cannot be restored (nothing was changed)");
    std::fs::copy(from, to)
        .with_context(|| format!("failed to copy {} to {}", from.display(), to.display()))
        .with_context(refuse)?;
    let mut c = Connection::open(to).with_context(refuse)?;
    let page: i64 = live.query_row("PRAGMA page_size", [], |r| r.get(0))?;
    let staged: i64 = c.query_row("PRAGMA page_size", [], |r| r.get(0))?;
    if page != staged {
        c.pragma_update(None, "journal_mode", "DELETE")?;
        c.pragma_update(None, "page_size", page)?;
        c.execute_batch("VACUUM")
            .with_context(|| format!("failed to give {} a page size of {page}", to.display()))
            .with_context(refuse)?;
    }
    super::migrate(&mut c, migrations_of(name))
        .with_context(|| {
            format!(
                "{} fails to migrate to this billctl's schema",
                from.display()
            )
        })
        .with_context(refuse)?;
    Ok(())
}

/// Copies `dir`'s two files into the live store, in order.
fn swap(store: &mut Store, events: &mut EventStore, dir: &Path, names: &[&str; 2]) -> Result<()> {
    let lives = [store.sq_mut()?, events.conn_mut()];
    for (name, conn) in names.iter().zip(lives) {
        if crate::faults::fails("restore.swap") {
            bail!("failed to restore {name}: fault point restore.swap");
        }
        let from = Connection::open_with_flags(dir.join(name), OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        if !conn.is_autocommit() {
            conn.execute_batch("COMMIT")?;
        }
        conn.busy_timeout(Duration::from_secs(30))?;
        let b = rusqlite::backup::Backup::new(&from, conn)?;
        b.step(-1)
            .with_context(|| format!("failed to restore {name} from {}", dir.display()))?;
        drop(b);
        // The copy brings the source's journal mode along: the live store stays in WAL.
        conn.pragma_update(None, "journal_mode", "WAL")?;
    }
    Ok(())
}

/// Opens both files again as any command would (settings, migrations).
fn reopen(data_dir: &Path) -> Result<()> {
    if crate::faults::fails("restore.reopen") {
        bail!("failed to open the restored store: fault point restore.reopen");
    }
    for name in [super::FILE_NAME, super::webhooks::FILE_NAME] {
        super::open_db(data_dir, name, migrations_of(name))
            .with_context(|| format!("the restored {name} fails to open"))?;
    }
    Ok(())
}
