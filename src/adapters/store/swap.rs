//! A restore's swap, done by the same code the first time and after a crash, and the staging
//! directories that backups and restores build in.
//!
//! A restore first builds everything it needs beside the store: the checked, migrated copies of
//! both files in a staging directory, and a directory for the state before, with its manifest.
//! Then it writes and syncs its intent (`restore-intent.json`) and only then renames: each live
//! file into the directory for the state before, each staged file into its place, that
//! directory to its `pre-restore-<time>` name, and the intent away. Every rename is atomic and
//! each is synced before the next, so after a crash at any point each file is either still
//! staged or already in place: [`recover`], which runs before anything else opens the store,
//! finishes the renames the intent names. A restore that dies before its intent is written has
//! changed nothing; one that dies after it is finished by the next command. Either way both
//! files are old or both are new.
//!
//! Staging directories are created under a name no cleaner looks at, locked (`flock` on the
//! directory), then renamed to their prefix; the lock is held while they are in use. A
//! directory with one of the prefixes whose lock is free belongs to a process that is gone, and
//! [`clean_stale`] removes it.

use super::files;
use anyhow::{bail, Context, Result};
use nix::fcntl::{Flock, FlockArg};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::path::{Path, PathBuf};

/// What an interrupted restore still has to do, by directory names in the data dir.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Intent {
    /// The staging directory that holds the new files.
    pub staging: String,
    /// The directory the live files move into.
    pub previous_tmp: String,
    /// Its name once complete: `pre-restore-<time>`.
    pub previous: String,
}

/// An intent is a few hundred bytes.
const MAX_INTENT: u64 = 4096;
use files::{INTENT_TMP_PREFIX, NEW_PREFIX};

fn is_name_with(name: &str, prefix: &str) -> bool {
    name.len() < 200
        && name.starts_with(prefix)
        && !name.contains('/')
        && name != "."
        && name != ".."
}

impl Intent {
    fn valid(&self) -> bool {
        is_name_with(&self.staging, ".billctl-restore-")
            && is_name_with(&self.previous_tmp, ".billctl-previous-")
            && is_name_with(&self.previous, files::PRE_RESTORE_PREFIX)
    }
}

/// Syncs a directory, so that the renames in it are on disk.
pub fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .with_context(|| format!("failed to sync {}", dir.display()))
}

/// Renames `from` to `to` and syncs both directories.
fn rename_synced(from: &Path, to: &Path) -> Result<()> {
    std::fs::rename(from, to)
        .with_context(|| format!("failed to rename {} to {}", from.display(), to.display()))?;
    for d in [to.parent(), from.parent()].into_iter().flatten() {
        sync_dir(d)?;
    }
    Ok(())
}

fn exists(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_ok()
}

/// Writes `intent` into `dir` (a new file, synced, renamed into place, the directory synced).
/// The new file is made inside the intent's staging directory, so that whatever a restore
/// killed here leaves is a directory (see [`may_hold_leftovers`]).
pub fn write_intent(dir: &Path, intent: &Intent) -> Result<()> {
    let tmp = dir
        .join(&intent.staging)
        .join(format!("{INTENT_TMP_PREFIX}{}", random_suffix()));
    let written = super::backup::write_synced(&tmp, &serde_json::to_vec(intent)?)
        .with_context(|| format!("failed to write a restore intent in {}", dir.display()));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    crate::util::faults::step("restore", "intent.written");
    if let Err(e) = std::fs::rename(&tmp, dir.join(files::RESTORE_INTENT)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e).context("failed to put the restore intent in place");
    }
    sync_dir(dir)
}

/// 40 hex digits: the random part of every name billctl makes beside the store.
fn random_suffix() -> String {
    crate::domain::idempotency::random()
        .trim_start_matches("billctl-")
        .to_string()
}

/// Whether `name` is `prefix` then 40 lowercase hex digits: a name billctl made (a folder of
/// the user's that happens to start the same way is never taken for one).
fn made_by_billctl(name: &str, prefix: &str) -> bool {
    name.strip_prefix(prefix).is_some_and(|rest| {
        rest.len() == 40
            && rest
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// The intent of an interrupted restore in `dir`, if there is one (read without following a
/// link or blocking, bounded).
pub fn read_intent(dir: &Path) -> Result<Option<Intent>> {
    let path = dir.join(files::RESTORE_INTENT);
    let bytes = match super::check::read_regular(&path, MAX_INTENT) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => bail!("failed to read the restore intent {}: {e}", path.display()),
    };
    let intent: Intent = serde_json::from_slice(&bytes)
        .ok()
        .filter(Intent::valid)
        .with_context(|| {
            format!(
                "{} is not a restore intent billctl wrote: an interrupted restore cannot be finished; move it aside after checking the store",
                path.display()
            )
        })?;
    Ok(Some(intent))
}

/// An interrupted restore that was finished: where its intent was, and where the state
/// before it went (none when the data dir held no store, or it is gone).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finished {
    pub dir: PathBuf,
    pub previous: Option<PathBuf>,
}

impl Finished {
    /// "its intent was in DIR; the state before it is in PATH", for messages.
    pub fn describe(&self) -> String {
        let before = match &self.previous {
            Some(p) => format!("the state before it is in {}", p.display()),
            None => "it kept no state before".to_string(),
        };
        format!(
            "its intent was in {}; {before}",
            self.dir.join(files::RESTORE_INTENT).display()
        )
    }
}

/// Finishes an interrupted restore in `dir`, if its intent is there. The caller holds the
/// store's lock alone.
pub fn recover(dir: &Path) -> Result<Option<Finished>> {
    let Some(intent) = read_intent(dir)? else {
        return Ok(None);
    };
    let previous = roll_forward(dir, &intent).with_context(|| {
        format!(
            "an interrupted restore in {dir} could not be finished, so the store is not opened: the new files are in {staging} (those not yet in place), the files before it in {previous} or still in place; fix the cause above and run any billctl command, or put the files back by hand and remove {intent}",
            dir = dir.display(),
            staging = dir.join(&intent.staging).display(),
            previous = dir.join(&intent.previous_tmp).display(),
            intent = dir.join(files::RESTORE_INTENT).display(),
        )
    })?;
    Ok(Some(Finished {
        dir: dir.to_path_buf(),
        previous: exists(&previous).then_some(previous),
    }))
}

/// The renames `intent` names, from wherever they stopped: each file still staged is put in
/// place (the live one moved into the state before first, never over a file already there),
/// then the state before gets its name, and the intent goes. Returns where the state before
/// went.
pub fn roll_forward(dir: &Path, intent: &Intent) -> Result<PathBuf> {
    let staging = dir.join(&intent.staging);
    let previous_tmp = dir.join(&intent.previous_tmp);
    for name in files::databases() {
        let staged = staging.join(name);
        if !exists(&staged) {
            continue;
        }
        let live = dir.join(name);
        if exists(&live) {
            retire_sidecars(dir, name, &previous_tmp)?;
            crate::util::faults::step("restore", "sidecars.retired");
            rename_new(&live, &previous_tmp.join(name))?;
            crate::util::faults::step("restore", "live.kept");
        }
        rename_synced(&staged, &live)?;
        crate::util::faults::step("restore", "staged.placed");
    }
    let mut previous = dir.join(&intent.previous);
    if exists(&previous_tmp) {
        previous = unused(dir, &intent.previous);
        rename_synced(&previous_tmp, &previous)?;
        crate::util::faults::step("restore", "previous.named");
    } else if !exists(&previous) {
        previous = unused_named(dir, &intent.previous).unwrap_or(previous);
    }
    std::fs::remove_file(dir.join(files::RESTORE_INTENT))
        .context("failed to remove the restore intent")?;
    sync_dir(dir)?;
    crate::util::faults::step("restore", "intent.removed");
    let _ = std::fs::remove_dir_all(&staging);
    Ok(previous)
}

/// Renames `from` to the new path `to` (refused if `to` exists: nothing there is replaced),
/// and syncs both directories.
fn rename_new(from: &Path, to: &Path) -> Result<()> {
    use nix::fcntl::{renameat2, RenameFlags, AT_FDCWD};
    renameat2(AT_FDCWD, from, AT_FDCWD, to, RenameFlags::RENAME_NOREPLACE)
        .map_err(std::io::Error::from)
        .with_context(|| {
            format!(
                "failed to move {} to {} (nothing there is replaced)",
                from.display(),
                to.display()
            )
        })?;
    for d in [to.parent(), from.parent()].into_iter().flatten() {
        sync_dir(d)?;
    }
    Ok(())
}

/// The newest of `name`, `name-2`, ... that exists in `dir` (where an earlier pass of the
/// same recovery put the state before).
fn unused_named(dir: &Path, name: &str) -> Option<PathBuf> {
    (2..1000)
        .map(|n| dir.join(format!("{name}-{n}")))
        .take_while(|p| exists(p))
        .last()
}

/// `dir/name`, or `dir/name-2`, ... if that is taken.
fn unused(dir: &Path, name: &str) -> PathBuf {
    (1..)
        .map(|n| match n {
            1 => dir.join(name),
            n => dir.join(format!("{name}-{n}")),
        })
        .find(|p| !exists(p))
        .expect("an unused name")
}

/// Clears the SQLite files beside the live `name` before it moves into `previous`: they
/// belong to it and must not meet the file that takes its place. A WAL or journal that still
/// holds data (the restore could not checkpoint a damaged file) moves with it; the rest go.
fn retire_sidecars(dir: &Path, name: &str, previous: &Path) -> Result<()> {
    for suffix in files::SIDECARS {
        let side = format!("{name}{suffix}");
        let p = dir.join(&side);
        let Ok(meta) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        if suffix != "-shm" && meta.is_file() && meta.len() > 0 {
            rename_new(&p, &previous.join(&side))?;
        } else {
            std::fs::remove_file(&p)
                .with_context(|| format!("failed to remove {}", p.display()))?;
        }
    }
    Ok(())
}

/// A directory billctl builds in (a backup, a restore's staging, the state before it, a
/// check), locked for as long as this value lives; removed when dropped unless kept.
pub struct Staging {
    path: PathBuf,
    _lock: Flock<File>,
    keep: bool,
}

impl Staging {
    /// A new private directory in `parent` named `<prefix><random>`.
    pub fn create(parent: &Path, prefix: &str) -> Result<Staging> {
        use std::os::unix::fs::DirBuilderExt;
        let random = random_suffix();
        let new = parent.join(format!("{NEW_PREFIX}{random}"));
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(&new)
            .with_context(|| format!("failed to create a directory in {}", parent.display()))?;
        let lock = File::open(&new)
            .map_err(anyhow::Error::from)
            .and_then(|f| {
                Flock::lock(f, FlockArg::LockExclusiveNonblock)
                    .map_err(|(_, e)| anyhow::Error::from(e))
            })
            .with_context(|| format!("failed to lock {}", new.display()));
        let lock = match lock {
            Ok(l) => l,
            Err(e) => {
                let _ = std::fs::remove_dir(&new);
                return Err(e);
            }
        };
        let path = parent.join(format!("{prefix}{random}"));
        if let Err(e) = std::fs::rename(&new, &path) {
            let _ = std::fs::remove_dir(&new);
            return Err(e).with_context(|| format!("failed to create {}", path.display()));
        }
        Ok(Staging {
            path,
            _lock: lock,
            keep: false,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Leaves the directory in place when dropped (a restore's intent now names it).
    pub fn keep(&mut self) {
        self.keep = true;
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// A data dir or backup parent is listed up to this many entries when looking for leftovers.
const MAX_ENTRIES: usize = 100_000;

/// Leftovers in the data dir `dir` whose owner is gone: staging directories of every kind
/// (lock free), half-made ones, and unplaced intents. Those a present intent names are kept
/// for it.
pub fn stale(dir: &Path) -> Vec<PathBuf> {
    stale_in(dir, &leftover_prefixes())
}

/// The prefixes of every leftover in a data dir.
fn leftover_prefixes() -> Vec<&'static str> {
    let mut prefixes: Vec<&str> = files::STAGING_PREFIXES.to_vec();
    // Intents not yet in place: inside their staging directory now, in the data dir itself
    // when an earlier billctl wrote them.
    prefixes.extend([NEW_PREFIX, INTENT_TMP_PREFIX]);
    prefixes
}

/// Leftovers in `dir` named `<prefix><40 hex>` for one of `prefixes`, whose owner is gone.
fn stale_in(dir: &Path, prefixes: &[&str]) -> Vec<PathBuf> {
    let Ok(named) = read_intent(dir) else {
        return Vec::new();
    };
    let named: Vec<String> = named
        .map(|i| vec![i.staging, i.previous_tmp])
        .unwrap_or_default();
    stale_except(dir, prefixes, &named)
}

/// [`stale_in`], keeping the directories in `named` (those an intent names).
fn stale_except(dir: &Path, prefixes: &[&str], named: &[String]) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .take(MAX_ENTRIES)
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_string();
            let ours = prefixes.iter().any(|p| made_by_billctl(&name, p));
            (ours && !named.contains(&name)).then(|| e.path())
        })
        .filter(|p| unowned(p))
        .collect()
}

/// Whether the leftover `p` has no living owner: a directory whose lock is free (one not yet
/// locked only when it is old), or an unplaced intent (which only a restore, holding the store
/// alone, writes).
fn unowned(p: &Path) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(p) else {
        return false;
    };
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    if !meta.is_dir() {
        return meta.is_file() && name.starts_with(INTENT_TMP_PREFIX);
    }
    if name.starts_with(NEW_PREFIX) {
        // Made and not yet locked: leave it a while to the process making it.
        let age = meta.modified().ok().and_then(|m| m.elapsed().ok());
        return age.is_some_and(|a| a > std::time::Duration::from_secs(600));
    }
    File::open(p).is_ok_and(|f| Flock::lock(f, FlockArg::LockExclusiveNonblock).is_ok())
}

/// Removes [`stale`] leftovers in the data dir `dir` (best effort: what cannot be removed
/// stays for `doctor` to report).
pub fn clean_stale(dir: &Path) {
    remove_all(stale(dir));
}

/// [`clean_stale`] for a caller that knows no restore intent is in `dir` (it holds the
/// store's lock after finishing any interrupted restore, and writing an intent needs the lock
/// alone): the intent is not read again.
pub fn clean_stale_unnamed(dir: &Path) {
    remove_all(stale_except(dir, &leftover_prefixes(), &[]));
}

/// Whether the data dir, open as `dir`, may hold leftovers, from its link count alone (one
/// `fstat`, where listing it costs five calls on every open of the store): a directory's links
/// are 2 and one for each subdirectory on the filesystems that count them (ext4, XFS, tmpfs),
/// and every leftover billctl makes now is a directory. Any other count (a subdirectory,
/// or a filesystem that does not count them, as btrfs, which says 1) says maybe, and so does
/// a failed `fstat`. An intent file an earlier billctl left outside its staging directory is
/// removed whenever the directory is listed.
pub fn may_hold_leftovers(dir: &File) -> bool {
    use std::os::unix::fs::MetadataExt;
    dir.metadata().map_or(true, |m| m.nlink() != 2)
}

/// Removes leftovers of killed backups (`.billctl-backup-<40 hex>`, lock free) in `dir`, the
/// folder a backup is written into; nothing else there is touched.
pub fn clean_stale_backups(dir: &Path) {
    remove_all(stale_in(dir, &[".billctl-backup-"]));
}

fn remove_all(paths: Vec<PathBuf>) {
    for p in paths {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let _ = if name.starts_with(NEW_PREFIX) {
            std::fs::remove_dir(&p)
        } else if p.is_dir() {
            std::fs::remove_dir_all(&p)
        } else {
            std::fs::remove_file(&p)
        };
    }
}
