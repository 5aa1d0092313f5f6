//! The store's lock: a `flock(2)` on the data dir itself. Every process that opens the SQLite
//! store (commands, `serve`, `webhooks listen`, imports) holds it shared for as long as it has
//! the store open; `db restore` holds it exclusively, so that no process writes to files a
//! restore replaces. Whoever takes the lock first finishes an interrupted restore (see
//! [`super::swap`]), and no process goes on with the store while a restore's intent is there.
//!
//! The lock is on the directory, not on a file in it: a lock file can be deleted (by hand, or
//! by a cleaner of old files) while held, after which the next process locks a new file and
//! the lock means nothing. The directory cannot go while the store is in it. The lock is
//! released when the process ends, however it ends, and it never meets SQLite's own POSIX
//! locks on the database files.

use super::swap;
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
    /// What taking this lock finished, when it finished an interrupted restore.
    finished: Option<swap::Finished>,
}

impl std::fmt::Debug for StoreLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreLock")
    }
}

/// Opens the data dir `dir` to lock it.
fn open_lock_file(dir: &Path) -> Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(nix::fcntl::OFlag::O_DIRECTORY.bits())
        .open(dir)
        .with_context(|| format!("failed to open the data dir {} to lock it", dir.display()))
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
    /// The lock every opener of the store holds. The first to take it (alone) finishes an
    /// interrupted restore; while a restore runs, or its intent is there and another process
    /// is finishing it, this waits (up to ten seconds). Returns where the state before went
    /// when this call finished an interrupted restore.
    pub fn shared(dir: &Path) -> Result<StoreLock> {
        let mut file = open_lock_file(dir)?;
        let start = Instant::now();
        loop {
            match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
                Ok(alone) => {
                    let finished = swap::recover(dir)?;
                    alone
                        .relock(FlockArg::LockShared)
                        .context("failed to share the store's lock")?;
                    // No intent is there now (recover removed any, and writing one needs the
                    // lock alone), so leftovers are looked for without reading it again.
                    if swap::may_hold_leftovers(&alone) {
                        swap::clean_stale_unnamed(dir);
                    }
                    return Ok(StoreLock {
                        _lock: alone,
                        finished,
                    });
                }
                Err((f, _)) => file = f,
            }
            match Flock::lock(file, FlockArg::LockSharedNonblock) {
                // Shared with others, and no restore to finish: go on. An intent here means
                // the process finishing it died: let go, and take the lock alone next time.
                Ok(l) if swap::read_intent(dir)?.is_none() => {
                    if swap::may_hold_leftovers(&l) {
                        swap::clean_stale_unnamed(dir);
                    }
                    return Ok(StoreLock {
                        _lock: l,
                        finished: None,
                    });
                }
                Ok(l) => file = l.unlock().map_err(|(_, e)| e)?,
                Err((f, _)) => file = f,
            }
            crate::util::faults::step("lock", "waiting");
            if start.elapsed() >= WAIT_SHARED {
                bail!(
                    "the store in {} is being restored ({}); run this again when that ends",
                    dir.display(),
                    held_by(dir)
                );
            }
            std::thread::sleep(POLL);
        }
    }

    /// What taking this lock finished, when it finished an interrupted restore.
    pub fn finished_restore(&self) -> Option<&swap::Finished> {
        self.finished.as_ref()
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
        let finished = swap::recover(dir)?;
        swap::clean_stale(dir);
        Ok(StoreLock {
            _lock: lock,
            finished,
        })
    }
}

/// The processes that hold `dir`'s lock, as "billctl serve (pid 12), ...", from
/// `/proc/locks` (Linux); "another process" where that cannot be read.
pub fn held_by(dir: &Path) -> String {
    let holders = holders(dir, "FLOCK").unwrap_or_default();
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

/// The pids (other than this process) holding a lock of `kind` (`FLOCK`, or `POSIX`: SQLite's
/// own) on `path`, with their command lines.
pub fn holders(path: &Path, kind: &str) -> Option<Vec<(u32, String)>> {
    use std::io::Read;
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).ok()?;
    let (major, minor) = (
        nix::sys::stat::major(meta.dev()),
        nix::sys::stat::minor(meta.dev()),
    );
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
            (f.get(1) == Some(&kind) && f.get(5) == Some(&id.as_str()))
                .then(|| f.get(4)?.parse().ok())
                .flatten()
        })
        .filter(|p| *p != me)
        .collect();
    pids.sort_unstable();
    pids.dedup();
    Some(pids.into_iter().map(|p| (p, command_of(p))).collect())
}

/// Processes are listed up to this many when looking for one that has a file open.
const MAX_PROCESSES: usize = 100_000;

/// The other processes that have `path` open (any of their file descriptors is that file, by
/// device and inode), from `/proc`; those this user may not look into are not seen.
pub fn openers(path: &Path) -> Vec<(u32, String)> {
    use std::os::unix::fs::MetadataExt;
    let Ok(want) = std::fs::metadata(path) else {
        return Vec::new();
    };
    let id = (want.dev(), want.ino());
    let me = std::process::id();
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    procs
        .take(MAX_PROCESSES)
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| *pid != me)
        .filter(|pid| {
            std::fs::read_dir(format!("/proc/{pid}/fd")).is_ok_and(|fds| {
                fds.flatten()
                    .any(|fd| std::fs::metadata(fd.path()).is_ok_and(|m| (m.dev(), m.ino()) == id))
            })
        })
        .map(|pid| (pid, command_of(pid)))
        .collect()
}

/// The mount points of this process's mount namespace, from `/proc/self/mountinfo`.
pub fn mount_points() -> Vec<std::path::PathBuf> {
    use std::io::Read;
    let mut text = String::new();
    let read = File::open("/proc/self/mountinfo")
        .and_then(|f| f.take(MAX_PROC_LOCKS).read_to_string(&mut text));
    if read.is_err() {
        return Vec::new();
    }
    text.lines()
        .filter_map(|l| l.split(' ').nth(4))
        .map(|p| {
            std::path::PathBuf::from(
                p.replace("\\040", " ")
                    .replace("\\011", "\t")
                    .replace("\\012", "\n")
                    .replace("\\134", "\\"),
            )
        })
        .collect()
}

/// `pid`'s command (program name and up to two arguments), cleaned for a terminal.
fn command_of(pid: u32) -> String {
    use std::io::Read;
    let mut raw = Vec::new();
    let read =
        File::open(format!("/proc/{pid}/cmdline")).and_then(|f| f.take(4096).read_to_end(&mut raw));
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

    /// An opener looks for leftovers only when the data dir has a subdirectory (one `fstat`
    /// instead of a listing on every open), and then removes them, alone or shared.
    #[test]
    fn leftovers_are_looked_for_when_a_subdirectory_is_there_and_removed_alone_or_shared() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let opened = File::open(dir.path()).unwrap();
        if opened.metadata().unwrap().nlink() != 2 {
            // A filesystem that does not count subdirectories: every open lists the dir.
            assert!(swap::may_hold_leftovers(&opened));
            return;
        }
        std::fs::write(dir.path().join("billctl.db"), b"").unwrap();
        assert!(!swap::may_hold_leftovers(&opened));
        let stale = dir
            .path()
            .join(".billctl-check-0123456789abcdef0123456789abcdef01234567");
        let theirs = dir.path().join("backups");
        for d in [&stale, &theirs] {
            std::fs::create_dir(d).unwrap();
        }
        assert!(swap::may_hold_leftovers(&opened));
        let alone = StoreLock::shared(dir.path()).unwrap();
        assert!(!stale.exists() && theirs.exists());
        std::fs::create_dir(&stale).unwrap();
        let shared = StoreLock::shared(dir.path()).unwrap();
        assert!(!stale.exists() && theirs.exists());
        drop((alone, shared));
    }
}
