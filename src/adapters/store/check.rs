//! Reading and checking a backup. One code path reads the bytes that are checked and then
//! restored: each file is copied once, counted and hashed as it is read, into a private
//! staging directory, and every check (manifest, size, SHA-256, encoding, integrity, foreign
//! keys, the whole `sqlite_schema`) and the migration run on that copy, which is what a
//! restore puts in place. `--check` does the same and throws the copy away, so anything it
//! calls sound a restore applies. Nothing beside a file in the backup directory (a WAL, a
//! journal) is ever read: such a directory is refused.
//!
//! Every file is opened without following a link and without blocking, must be a regular file,
//! and is read up to the size its manifest states (the manifest itself up to 64 KiB): a FIFO,
//! a device or a link to `/dev/zero` is refused, not waited on or read for ever.

use super::files;
use super::swap::Staging;
use anyhow::{bail, Context, Result};
use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::Path;

/// The manifest's name in a backup directory.
pub const MANIFEST: &str = "manifest.json";
pub(super) const FORMAT: u32 = 1;
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
pub(super) fn known() -> [(&'static str, i64); 2] {
    [
        (super::FILE_NAME, super::MIGRATIONS.len() as i64),
        (super::webhooks::FILE_NAME, super::webhooks::schema_len()),
    ]
}

/// The migrations that make the store file `name`.
pub(super) fn migrations_of(name: &str) -> &'static [&'static str] {
    if name == super::FILE_NAME {
        super::MIGRATIONS
    } else {
        super::webhooks::MIGRATIONS
    }
}

/// Opens `path` to read: not through a symlink, without blocking on a FIFO or device, and
/// only if it is a regular file.
fn open_regular(path: &Path) -> std::io::Result<std::fs::File> {
    use nix::fcntl::OFlag;
    use std::os::unix::fs::OpenOptionsExt;
    let f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags((OFlag::O_NOFOLLOW | OFlag::O_NONBLOCK).bits())
        .open(path)?;
    if !f.metadata()?.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    Ok(f)
}

/// The bytes of the regular file `path`, refused past `max` (counted while reading).
pub fn read_regular(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    open_regular(path)?.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        let max = crate::util::plural::count(max, "byte", "bytes");
        return Err(std::io::Error::other(format!("larger than {max}")));
    }
    Ok(bytes)
}

/// Copies the regular file `from` to the new file `to` (0600, synced), reading at most `max`
/// bytes; returns the bytes read and their SHA-256. `None` when `from` is longer than `max`.
fn copy_counted(from: &Path, to: &Path, max: u64) -> Result<Option<(u64, String)>> {
    use std::os::unix::fs::OpenOptionsExt;
    let shown = from.display();
    let src = open_regular(from).with_context(|| format!("failed to read {shown}"))?;
    let mut out = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(to)
        .with_context(|| format!("failed to create {}", to.display()))?;
    let (mut h, mut n, mut buf) = (Sha256::new(), 0u64, vec![0u8; 1 << 20]);
    let mut src = src.take(max + 1);
    loop {
        let got = src
            .read(&mut buf)
            .with_context(|| format!("failed to read {shown}"))?;
        if got == 0 {
            break;
        }
        n += got as u64;
        if n > max {
            return Ok(None);
        }
        h.update(&buf[..got]);
        out.write_all(&buf[..got])
            .with_context(|| format!("failed to write {}", to.display()))?;
        crate::util::faults::step("restore", "stage.chunk");
    }
    out.sync_all()
        .with_context(|| format!("failed to write {}", to.display()))?;
    Ok(Some((n, hex::encode(h.finalize()))))
}

/// Reads and parses the manifest of the backup in `src`, after refusing a directory that holds
/// a WAL, shared-memory file or journal beside a database.
pub fn read_manifest(src: &Path) -> Result<Manifest> {
    for db in files::databases() {
        for suffix in files::SIDECARS {
            let side = src.join(format!("{db}{suffix}"));
            if std::fs::symlink_metadata(&side).is_ok() {
                bail!(
                    "{} is beside the backup's {db}: a backup is self-contained files, and what a WAL or journal holds would not be restored; the backup is refused (make a new one with 'billctl db backup')",
                    side.display()
                );
            }
        }
    }
    let path = src.join(MANIFEST);
    let text = read_regular(&path, MAX_MANIFEST).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            anyhow::anyhow!("{} is not a billctl backup: no {MANIFEST}", src.display())
        }
        _ => anyhow::anyhow!("{} is not a billctl manifest: {e}", path.display()),
    })?;
    let m: Manifest = serde_json::from_slice(&text)
        .with_context(|| format!("{} is not a billctl backup manifest", path.display()))?;
    if m.format != FORMAT {
        bail!(
            "{}: backup format {} is not {FORMAT}",
            path.display(),
            m.format
        );
    }
    for (name, _) in known() {
        if !m.files.iter().any(|f| f.name == name) {
            bail!("{}: the backup has no {name}", path.display());
        }
    }
    // 2000-01-01 to 9999-12-31: a time a backup was made.
    if !(946_684_800..=253_402_300_799).contains(&m.created_at) {
        bail!(
            "{}: created_at {} is not a time a backup was made: the backup is refused",
            path.display(),
            m.created_at
        );
    }
    Ok(m)
}

/// Copies each file of the backup in `src` into `staging`, checks the copy against the
/// manifest and billctl's schema, and migrates it to this billctl's schema (in WAL mode, with
/// nothing beside it): what a restore then puts in place.
pub fn stage(src: &Path, m: &Manifest, staging: &Path) -> Result<()> {
    for (name, newest) in known() {
        let f = m
            .files
            .iter()
            .find(|f| f.name == name)
            .expect("read_manifest checked");
        let (from, to) = (src.join(name), staging.join(name));
        let copied = copy_counted(&from, &to, f.bytes).map_err(|e| {
            match e.root_cause().downcast_ref::<std::io::Error>() {
                Some(io) if io.kind() == std::io::ErrorKind::NotFound => {
                    anyhow::anyhow!(
                        "the backup's {name} is missing: {} does not exist",
                        from.display()
                    )
                }
                _ => e,
            }
        })?;
        if copied.as_ref() != Some(&(f.bytes, f.sha256.clone())) {
            bail!(
                "{} does not match the manifest (size or SHA-256): the backup is damaged",
                from.display()
            );
        }
        check_file(&to, &from, name, f.schema_version, newest)?;
        migrate_staged(&to, &from, name)?;
        crate::util::faults::step("restore", "stage.file");
    }
    super::swap::sync_dir(staging)
}

/// Checks the backup in `src` as a restore would, in a staging directory made in `scratch`
/// and removed after. Returns the manifest.
pub fn check(src: &Path, scratch: &Path) -> Result<Manifest> {
    let m = read_manifest(src)?;
    super::private_dir(scratch)?;
    ensure_space(scratch, &m)?;
    let staging = Staging::create(scratch, ".billctl-check-")?;
    stage(src, &m, staging.path())?;
    Ok(m)
}

/// Room kept free beyond the estimate, for SQLite's own files.
const SPACE_MARGIN: u64 = 1 << 20;

/// Refuses a restore the data dir's filesystem has no room for: the staged copies of the
/// backup's files and as much again for their migration. The state before is kept by
/// renaming, so it needs none.
pub fn ensure_space(data_dir: &Path, m: &Manifest) -> Result<()> {
    let need = m
        .files
        .iter()
        .try_fold(0u64, |n, f| n.checked_add(f.bytes))
        .and_then(|staged| Some((staged, staged.checked_mul(2)?.checked_add(SPACE_MARGIN)?)));
    let Some((staged, need)) = need else {
        bail!("the backup's manifest states sizes no disk holds: it is not a billctl backup");
    };
    let free = free_bytes(data_dir)?;
    if free < need {
        bail!(
            "restoring needs {} free in {} (a copy of the backup's files, {}, and as much again to migrate them); {} are free: nothing was changed",
            mib(need),
            data_dir.display(),
            mib(staged),
            mib(free)
        );
    }
    Ok(())
}

/// Bytes free to an unprivileged writer on the filesystem of `dir`.
pub fn free_bytes(dir: &Path) -> Result<u64> {
    let s = nix::sys::statvfs::statvfs(dir)
        .with_context(|| format!("failed to read the free space of {}", dir.display()))?;
    Ok((s.blocks_available() as u64).saturating_mul(s.fragment_size() as u64))
}

/// `n` bytes as MiB with one decimal, and the exact count.
fn mib(n: u64) -> String {
    let exact = crate::util::plural::count(n, "byte", "bytes");
    format!("{:.1} MiB ({exact})", n as f64 / (1u64 << 20) as f64)
}

/// The first 100 bytes of an SQLite file: its header.
fn header(file: &Path) -> Result<[u8; 100]> {
    let mut h = [0u8; 100];
    std::fs::File::open(file)
        .and_then(|mut f| f.read_exact(&mut h))
        .ok()
        .filter(|()| h.starts_with(b"SQLite format 3\0"))
        .map(|()| h)
        .with_context(|| "not an SQLite database".to_string())
}

/// The user version an SQLite header records (billctl's schema version), read without SQLite.
pub(super) fn header_version(file: &Path) -> Option<i64> {
    let h = header(file).ok()?;
    Some(i64::from(u32::from_be_bytes([h[60], h[61], h[62], h[63]])))
}

/// Checks the staged copy `file` of the backup's `shown` (the backup's `name`): an SQLite file
/// in UTF-8 that passes `integrity_check` and `foreign_key_check`, at the schema version it
/// records (and the manifest states), whose `sqlite_schema` is row for row what billctl's
/// migrations make at that version.
fn check_file(file: &Path, shown: &Path, name: &str, stated: i64, newest: i64) -> Result<()> {
    let shown = shown.display();
    header(file).with_context(|| format!("{shown} is not an SQLite database"))?;
    let c = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_WRITE)
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
    let encoding: String = c.query_row("PRAGMA encoding", [], |r| r.get(0))?;
    if encoding != "UTF-8" {
        bail!("{shown} is in {encoding}, not UTF-8 as billctl's store files are: the backup is refused");
    }
    let ok: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .with_context(|| format!("{shown} is not a sound SQLite database"))?;
    if ok != "ok" {
        bail!("{shown} fails SQLite's integrity check: {ok}");
    }
    check_schema(&c, &shown.to_string(), name, version)?;
    check_foreign_keys(&c, &shown.to_string())
}

/// One row of `sqlite_schema`: type, name, table, SQL.
type SchemaObject = (String, String, String, Option<String>);

fn schema_of(c: &Connection) -> Result<Vec<SchemaObject>> {
    let mut st =
        c.prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name")?;
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every `sqlite_schema` row billctl's migrations 1..=`version` of file `name` make (SQLite's
/// own `sqlite_sequence` and `sqlite_autoindex_*` among them), and the statistics tables
/// `ANALYZE` may add, built in memory.
fn expected_schema(name: &str, version: i64) -> Result<(Vec<SchemaObject>, Vec<SchemaObject>)> {
    let c = Connection::open_in_memory()?;
    for sql in &migrations_of(name)[..version as usize] {
        c.execute_batch(sql)?;
    }
    let made = schema_of(&c)?;
    c.execute_batch("ANALYZE")?;
    let stats = schema_of(&c)?
        .into_iter()
        .filter(|o| !made.contains(o))
        .collect();
    Ok((made, stats))
}

/// Compares every row of `sqlite_schema` (by type and exact name, then row for row) with what
/// billctl makes: nothing is skipped by a name pattern, so a trigger or view billctl did not
/// make is refused whatever its name.
fn check_schema(c: &Connection, shown: &str, name: &str, version: i64) -> Result<()> {
    let have = schema_of(c).with_context(|| format!("failed to read the schema of {shown}"))?;
    let (want, stats) = expected_schema(name, version)?;
    let key = |o: &SchemaObject| (o.0.clone(), o.1.clone());
    for o in &have {
        let Some(w) = want.iter().chain(&stats).find(|w| key(w) == key(o)) else {
            let shown_name = o.1.escape_debug();
            bail!("{shown}: {} {shown_name} is not part of billctl's schema (version {version}); the backup is refused", o.0);
        };
        if w != o {
            let shown_name = o.1.escape_debug();
            bail!("{shown}: {} {shown_name} differs from billctl's schema (version {version}); the backup is refused", o.0);
        }
    }
    if let Some(w) = want.iter().find(|w| !have.iter().any(|o| key(o) == key(w))) {
        bail!("{shown}: {} {} of billctl's schema (version {version}) is missing; the backup is refused", w.0, w.1);
    }
    Ok(())
}

/// Refuses a file with a row whose foreign key points at nothing.
fn check_foreign_keys(c: &Connection, shown: &str) -> Result<()> {
    let broken: Option<(String, Option<i64>, String)> = c
        .query_row("PRAGMA foreign_key_check", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .map(Some)
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            e => Err(e),
        })
        .with_context(|| format!("failed to check the foreign keys of {shown}"))?;
    if let Some((table, row, parent)) = broken {
        let row = row.map_or("a row".to_string(), |r| format!("row {r}"));
        bail!("{shown}: {row} of table {table} refers to a row of {parent} that is not there (foreign_key_check); the backup is refused");
    }
    Ok(())
}

/// Brings the staged `file` to this billctl's schema and puts it in WAL mode, the live
/// store's, then closes it (nothing is left beside it).
fn migrate_staged(file: &Path, shown: &Path, name: &str) -> Result<()> {
    let mut c = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    super::migrate(&mut c, migrations_of(name)).with_context(|| {
        format!(
            "{} fails to migrate to this billctl's schema",
            shown.display()
        )
    })?;
    c.pragma_update(None, "journal_mode", "WAL")?;
    c.close().map_err(|(_, e)| e)?;
    std::fs::File::open(file)?.sync_all()?;
    Ok(())
}
