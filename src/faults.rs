//! Fault points: named places where a test build can be told to die, so that crash tests stop a
//! process exactly where they mean to rather than after a guessed delay.
//!
//! In test builds (debug assertions on), `BILLCTL_TEST_FAULT=NAME@N` aborts the process the N-th
//! time (counting from 1) it reaches the point NAME, after one line on stderr saying so. Release
//! builds compile every point to nothing and never read the variable.
//!
//! Points: `usage.commit`, in [`crate::store::Store::record_usage`], after a batch's events and
//! rollups are written and before its transaction commits; `webhooks.stored`, in
//! [`crate::ops::webhooks::store_new`], after `ingest` or `backfill` stored a batch of events
//! (committed) and before any is applied. Failing points (an error instead of
//! an abort, [`fails`]): `restore.swap`, before each file of `db restore` is copied into the
//! live store (the second hit fails the second file); `restore.reopen`, when the restored store
//! is opened again to check it; `usage.rejects.persist`, when `usage import` puts its
//! `--rejects` file in place after the last commit.

/// The variable that arms a fault point in test builds.
pub const FAULT_ENV: &str = "BILLCTL_TEST_FAULT";

/// Whether the armed fault point is `name` and this is its N-th hit: the caller then fails
/// as if the operation had failed there (an error, not an abort). Always false in release.
#[inline(always)]
pub fn fails(name: &str) -> bool {
    #[cfg(debug_assertions)]
    return armed::counts(name);
    #[cfg(not(debug_assertions))]
    {
        let _ = name;
        false
    }
}

/// Aborts here when the armed fault point is `name` and this is its N-th hit.
#[inline(always)]
pub fn point(name: &str) {
    #[cfg(debug_assertions)]
    armed::hit(name);
    #[cfg(not(debug_assertions))]
    let _ = name;
}

#[cfg(debug_assertions)]
mod armed {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::OnceLock;

    fn armed() -> Option<&'static (String, u64)> {
        static ARMED: OnceLock<Option<(String, u64)>> = OnceLock::new();
        ARMED
            .get_or_init(|| {
                let v = std::env::var(super::FAULT_ENV).ok()?;
                let parsed = v
                    .split_once('@')
                    .and_then(|(name, n)| Some((name.to_string(), n.parse::<u64>().ok()?)))
                    .filter(|(name, n)| !name.is_empty() && *n > 0);
                if parsed.is_none() {
                    eprintln!(
                        "error: invalid {} {v:?}: use NAME@N (N from 1)",
                        super::FAULT_ENV
                    );
                    std::process::exit(2);
                }
                parsed
            })
            .as_ref()
    }

    static HITS: AtomicU64 = AtomicU64::new(0);

    /// Counts a hit of `name`; true when it is the armed point's N-th.
    pub fn counts(name: &str) -> bool {
        let Some((armed, n)) = armed() else {
            return false;
        };
        armed == name && HITS.fetch_add(1, Ordering::SeqCst) + 1 == *n
    }

    pub fn hit(name: &str) {
        if counts(name) {
            let n = armed().map_or(0, |(_, n)| *n);
            eprintln!("fault point {name}: hit {n}, aborting");
            std::process::abort();
        }
    }
}
