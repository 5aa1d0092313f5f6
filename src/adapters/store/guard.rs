//! The output-path guard: a path the user names for billctl to write (`--out`, `--html`,
//! `--rejects`, `--write-env`, `--man`, `--listen unix:`, `db backup`'s DEST) is never one of
//! the store's files in the data dir, under any name.

use super::files;
use anyhow::{bail, Result};
use std::os::unix::fs::MetadataExt;
use std::path::{Component, Path, PathBuf};

/// Symlinks followed from the named path before giving up (the kernel's own limit).
const MAX_LINKS: usize = 40;
/// How deep the guard looks into a pre-restore copy or a staging directory for files to
/// compare by inode (a backup directory is one level deep).
const MAX_DEPTH: usize = 4;

/// Refuses `path`, given as `flag` (`--out`, `--rejects`, ...), when writing it could touch the
/// store in `data_dir`; call it before the command does any work.
///
/// Refused: a path whose parent, canonicalised, is the data dir and whose name is one of the
/// store's ([`files::store_names`]: the databases, their `-wal`, `-shm` and `-journal`
/// sidecars, the restore intent, the webhook secret file), present or not, compared
/// without case; the data dir itself; a path that is or lies inside a pre-restore copy or a staging directory
/// ([`files::is_store_dir`]); a symlink that leads to either (followed link by link, so a
/// dangling one to an absent sidecar counts); and an existing file that is one of those files
/// by device and inode (a hard link, or a link by any route). `-` (standard output) is never
/// refused, nor `/dev/null` or a FIFO outside the data dir. The message names the flag, the
/// path, the store file and the data dir.
pub fn refuse_store_path(data_dir: &Path, path: &Path, flag: &str) -> Result<()> {
    if path.as_os_str() == "-" {
        return Ok(());
    }
    let dir = real(data_dir);
    let hit = by_name(&dir, path).or_else(|| by_inode(&dir, path));
    match hit {
        Some(Hit::File(name)) => bail!(
            "{flag} {} is {name}, one of the store's files in {}: name another file",
            path.display(),
            dir.display()
        ),
        Some(Hit::InDir(name)) => bail!(
            "{flag} {} is in {name}, a directory billctl keeps in {} (a pre-restore copy or staging): name a path outside it",
            path.display(),
            dir.display()
        ),
        Some(Hit::DataDir) => bail!(
            "{flag} {} is the data dir {}: name a path outside it",
            path.display(),
            dir.display()
        ),
        None => Ok(()),
    }
}

/// What of the store a path turned out to be.
enum Hit {
    /// One of [`files::store_names`], or a file inside a store directory, by inode.
    File(String),
    /// Inside (or itself) a pre-restore copy or a staging directory, named here.
    InDir(String),
    /// The data dir itself.
    DataDir,
}

/// The store name `path`, or any link it leads to, spells in `dir` (the data dir, canonical).
fn by_name(dir: &Path, path: &Path) -> Option<Hit> {
    let mut at = path.to_path_buf();
    for _ in 0..=MAX_LINKS {
        if let Some(hit) = named(dir, &real(&at)) {
            return Some(hit);
        }
        let target = std::fs::read_link(&at).ok()?;
        at = at.parent().unwrap_or(Path::new("")).join(target);
    }
    None
}

/// Whether `real`, a canonical path, names a store file or lies in a store directory of `dir`.
fn named(dir: &Path, real: &Path) -> Option<Hit> {
    if real == dir {
        return Some(Hit::DataDir);
    }
    let rest = match real.strip_prefix(dir) {
        Ok(rest) => rest.to_path_buf(),
        Err(_) => under_by_inode(dir, real)?,
    };
    if rest.as_os_str().is_empty() {
        return Some(Hit::DataDir);
    }
    let mut parts = rest.components().map(Component::as_os_str);
    let first = parts.next()?.to_string_lossy().into_owned();
    if files::is_store_dir(&first.to_ascii_lowercase()) {
        return Some(Hit::InDir(first));
    }
    if files::is_store_leftover(&first.to_ascii_lowercase()) {
        return Some(Hit::File(first));
    }
    let is_store_name = files::store_names()
        .iter()
        .any(|n| n.eq_ignore_ascii_case(&first));
    (parts.next().is_none() && is_store_name).then_some(Hit::File(first))
}

/// The part of `real` below an ancestor that is the data dir `dir` by device and inode: the
/// data dir reached by another route (a bind mount), where names are compared as in it.
fn under_by_inode(dir: &Path, real: &Path) -> Option<PathBuf> {
    let want = std::fs::metadata(dir).ok()?;
    let id = (want.dev(), want.ino());
    real.ancestors().find_map(|a| {
        let m = std::fs::metadata(a).ok()?;
        ((m.dev(), m.ino()) == id).then(|| real.strip_prefix(a).ok().map(Path::to_path_buf))?
    })
}

/// The store file `path` is by device and inode, if it exists and is one: a file of
/// [`files::store_names`] in `dir`, or a file inside a store directory.
fn by_inode(dir: &Path, path: &Path) -> Option<Hit> {
    let target = std::fs::metadata(path).ok()?;
    let id = (target.dev(), target.ino());
    let same = |p: &Path| std::fs::metadata(p).is_ok_and(|m| (m.dev(), m.ino()) == id);
    if let Some(name) = files::store_names()
        .into_iter()
        .find(|n| same(&dir.join(n)))
    {
        return Some(Hit::File(name));
    }
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if files::is_store_dir(&name) && contains(&entry.path(), id, MAX_DEPTH) {
            return Some(Hit::File(format!("a file in {name}")));
        }
    }
    None
}

/// Whether the tree at `at` (links not followed) holds the file `id` (device, inode).
fn contains(at: &Path, id: (u64, u64), depth: usize) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(at) else {
        return false;
    };
    if (meta.dev(), meta.ino()) == id {
        return true;
    }
    if !meta.is_dir() || depth == 0 {
        return false;
    }
    let Ok(entries) = std::fs::read_dir(at) else {
        return false;
    };
    entries
        .flatten()
        .any(|e| contains(&e.path(), id, depth - 1))
}

/// `path` made absolute and canonical as far as it exists (symlinks resolved, `..` applied),
/// with the part that does not exist yet appended as written (`.` and `..` applied to it).
fn real(path: &Path) -> PathBuf {
    let abs = match path.is_absolute() {
        true => path.to_path_buf(),
        false => std::env::current_dir().unwrap_or_default().join(path),
    };
    let mut out = PathBuf::from("/");
    let mut exists = true;
    for part in abs.components() {
        match part {
            Component::RootDir | Component::Prefix(_) | Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(name) => {
                out.push(name);
                if exists {
                    match std::fs::canonicalize(&out) {
                        Ok(c) => out = c,
                        Err(_) => exists = false,
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        std::fs::create_dir(&data).unwrap();
        std::fs::write(data.join("billctl.db"), "db").unwrap();
        std::fs::write(data.join("webhooks.db"), "db").unwrap();
        (tmp, data)
    }

    #[test]
    fn store_files_are_refused_by_name_link_and_inode() {
        let (tmp, data) = data();
        let other = tmp.path().join("other");
        std::fs::create_dir(&other).unwrap();
        std::fs::hard_link(data.join("billctl.db"), other.join("hard")).unwrap();
        std::os::unix::fs::symlink(data.join("webhooks.db"), other.join("soft")).unwrap();
        std::os::unix::fs::symlink(data.join("webhooks.db-wal"), other.join("dangling")).unwrap();
        std::os::unix::fs::symlink(&data, other.join("dir")).unwrap();
        std::fs::create_dir(data.join("pre-restore-1")).unwrap();
        std::fs::write(data.join("pre-restore-1/billctl.db"), "old").unwrap();
        std::fs::hard_link(data.join("pre-restore-1/billctl.db"), other.join("old")).unwrap();
        let refused = [
            data.join("billctl.db"),
            data.join("webhooks.db-wal"),
            data.join("BILLCTL.DB-shm"),
            data.join("webhook-secrets"),
            data.join("restore-intent.json"),
            data.join(".restore-intent-0123456789abcdef0123456789abcdef01234567"),
            data.join(".billctl-new-0123456789abcdef0123456789abcdef01234567"),
            data.join("./x/../billctl.db-journal"),
            data.join("pre-restore-1/billctl.db"),
            data.join("pre-restore-2/new.html"),
            data.join(".billctl-restore-abc"),
            data.clone(),
            other.join("hard"),
            other.join("soft"),
            other.join("dangling"),
            other.join("dir/webhooks.db"),
            other.join("old"),
        ];
        for path in refused {
            let e =
                refuse_store_path(&data, &path, "--out").expect_err(&path.display().to_string());
            assert!(e.to_string().starts_with("--out "), "{e}");
        }
        for fine in [
            data.join("report.html"),
            data.join("billctl.db.html"),
            other.join("page.html"),
            PathBuf::from("-"),
            PathBuf::from("/dev/null"),
        ] {
            if let Err(e) = refuse_store_path(&data, &fine, "--out") {
                panic!("{}: {e}", fine.display());
            }
        }
    }

    #[test]
    fn a_fifo_outside_the_data_dir_passes() {
        let (tmp, data) = data();
        let fifo = tmp.path().join("fifo");
        nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::S_IRWXU).unwrap();
        refuse_store_path(&data, &fifo, "--out").unwrap();
    }
}
