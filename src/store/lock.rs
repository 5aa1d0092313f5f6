//! The store's lock, `billctl.lock` in the data dir: every process that opens the SQLite store
//! holds it shared for as long as it has the store open (commands, `serve`, `webhooks listen`,
//! imports); `db restore` holds it exclusively, so that no process writes to files a restore
//! replaces. Whoever takes the lock alone first finishes an interrupted restore (see
//! [`super::swap`]); everyone removes staging directories whose owner is gone.
//!
//! The lock is `flock(2)` on a file of its own: it is released when the process ends, however
//! it ends, and it never meets SQLite's own POSIX locks on the database files.

use super::{files, swap};
use anyhow::{bail, Context, Result};
use nix::errno::Errno;
use nix::fcntl::{Flock, FlockArg};
use std::fs::File;
use std::path::Path;
use std::time::{Duration, Instant};

/// How long an opener waits for a restore (or the finishing of one) to end.
const WAIT_SHARED: Duration = Duration::from_secs(10);
/// How often a waiter tries the lock again.
const POLL: Duration = Duration::from_millis(20);

/// The store's lock, held until dropped.
pub struct StoreLock {
    _lock: Flock<File>,
}

impl std::fmt::Debug for StoreLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreLock")
    }
}

/// Opens (creating, mode 0600) the lock file of `dir`: a regular file, not followed through a
/// link, opened without blocking (a FIFO planted there cannot hang the opener).
fn open_lock_file(dir: &Path) -> Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    let path = dir.join(files::LOCK);
    let f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .mode(0o600)
        .custom_flags(libc_flags())
        .open(&path)
        .with_context(|| format!("failed to open the store's lock {}", path.display()))?;
    if !f.metadata()?.is_file() {
        bail!("{} is not a regular file: it is the store's lock; remove it", path.display());
    }
    Ok(f)
}

fn libc_flags() -> i32 {
    (nix::fcntl::OFlag::O_NOFOLLOW | nix::fcntl::OFlag::O_NONBLOCK).bits()
}

/// Tries `arg` (a non-blocking lock) until it is granted or `wait` has passed.
fn lock_within(mut file: File, arg: FlockArg, wait: Duration) -> Result<Flock<File>, File> {
    let start = Instant::now();
    loop {
        match Flock::lock(file, arg) {
            Ok(l) => return Ok(l),
            Err((f, Errno::EWOULDBLOCK | Errno::EINTR)) => file = f,
            Err((f, _)) => return Err(f),
        }
        if start.elapsed() >= wait {
            return Err(file);
        }
        std::thread::sleep(POLL);
    }
}

impl StoreLock {
    /// The lock every opener of the store holds. Alone, it first finishes an interrupted
    /// restore; it waits (up to ten seconds) while a restore runs.
    pub fn shared(dir: &Path) -> Result<StoreLock> {
        let file = open_lock_file(dir)?;
        let lock = match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
            Ok(alone) => {
                swap::recover(dir)?;
                alone
                    .relock(FlockArg::LockShared)
                    .context("failed to share the store's lock")?;
                alone
            }
            Err((file, _)) => lock_within(file, FlockArg::LockSharedNonblock, WAIT_SHARED)
                .map_err(|_| {
                    anyhow::anyhow!(
                        "the store in {} is being restored ({}); run this again when that ends",
                        dir.display(),
                        held_by(dir)
                    )
                })?,
        };
        swap::clean_stale(dir);
        Ok(StoreLock { _lock: lock })
    }

    /// The lock `db restore` holds: granted only when no other process has the store open
    /// (tried again until `wait` has passed). Finishes an interrupted restore first.
    pub fn exclusive(dir: &Path, wait: Duration) -> Result<StoreLock> {
        let file = open_lock_file(dir)?;
        let lock = lock_within(file, FlockArg::LockExclusiveNonblock, wait).map_err(|_| {
            anyhow::anyhow!(
                "the store in {} is in use by {}: stop them and run this again, or pass --wait DURATION to wait for them (nothing was changed)",
                dir.display(),
                held_by(dir)
            )
        })?;
        swap::recover(dir)?;
        swap::clean_stale(dir);
        Ok(StoreLock { _lock: lock })
    }
}

/// The processes that hold `dir`'s lock, as "billctl serve (pid 12), ...", from
/// `/proc/locks` (Linux); "another process" where that cannot be read.
pub fn held_by(dir: &Path) -> String {
    let holders = holders(&dir.join(files::LOCK)).unwrap_or_default();
    if holders.is_empty() {
        return "another process".to_string();
    }
    holders
        .iter()
        .map(|(pid, cmd)| format!("{cmd} (pid {pid})"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `/proc/locks` is a line per lock; more than this is not read.
const MAX_PROC_LOCKS: u64 = 4 << 20;

/// The pids (other than this process) holding a `flock` on `path`, with their command lines.
fn holders(path: &Path) -> Option<Vec<(u32, String)>> {
    use std::io::Read;
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).ok()?;
    let (major, minor) = (nix::sys::stat::major(meta.dev()), nix::sys::stat::minor(meta.dev()));
    let id = format!("{major:02x}:{minor:02x}:{}", meta.ino());
    let mut text = String::new();
    File::open("/proc/locks")
        .ok()?
        .take(MAX_PROC_LOCKS)
        .read_to_string(&mut text)
        .ok()?;
    let me = std::process::id();
    let mut pids: Vec<u32> = text
        .lines()
        .filter(|l| !l.contains("->"))
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f.get(1) == Some(&"FLOCK") && f.get(5) == Some(&id.as_str()))
                .then(|| f.get(4)?.parse().ok())
                .flatten()
        })
        .filter(|p| *p != me)
        .collect();
    pids.sort_unstable();
    pids.dedup();
    Some(pids.into_iter().map(|p| (p, command_of(p))).collect())
}

/// `pid`'s command (program name and up to two arguments), cleaned for a terminal.
fn command_of(pid: u32) -> String {
    use std::io::Read;
    let mut raw = Vec::new();
    let read = File::open(format!("/proc/{pid}/cmdline"))
        .and_then(|f| f.take(4096).read_to_end(&mut raw));
    if read.is_err() || raw.is_empty() {
        return "a process".to_string();
    }
    let args: Vec<String> = raw
        .split(|b| *b == 0)
        .filter(|a| !a.is_empty())
        .take(3)
        .enumerate()
        .map(|(i, a)| {
            let a = String::from_utf8_lossy(a);
            let a = if i == 0 {
                a.rsplit('/').next().unwrap_or_default().to_string()
            } else {
                a.into_owned()
            };
            a.chars().filter(|c| !c.is_control()).take(64).collect()
        })
        .collect();
    args.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_file_opener_sees_the_first_as_holder_and_exclusive_waits_out() {
        let dir = tempfile::tempdir().unwrap();
        let shared = StoreLock::shared(dir.path()).unwrap();
        // Another open file description in this process conflicts like another process.
        let err = StoreLock::exclusive(dir.path(), Duration::ZERO).unwrap_err();
        assert!(format!("{err:#}").contains("--wait DURATION"), "{err:#}");
        drop(shared);
        StoreLock::exclusive(dir.path(), Duration::ZERO).unwrap();
    }
}
