//! Fault points: named places where a test build can be told to die, so that crash tests stop a
//! process exactly where they mean to rather than after a guessed delay.
//!
//! In test builds (debug assertions on), `BILLCTL_TEST_FAULT=NAME@N` aborts the process the N-th
//! time (counting from 1) it reaches the point NAME, after one line on stderr saying so. Release
//! builds compile every point to nothing and never read the variable.
//!
//! Points: `usage.commit`, in [`crate::adapters::store::Store::record_usage`], after a batch's events and
//! rollups are written and before its transaction commits; `webhooks.stored`, in
//! [`crate::ops::webhooks::store_new`], after `ingest` or `backfill` stored a batch of events
//! (committed) and before any is applied; `setup.read`, in [`crate::ops::setup::observe`],
//! after `setup-products` read the catalog from Stripe and before it plans; `stripe.answer`, in
//! the Stripe transport, after each answer's head is read (its `Date` taken). Failing point (an error instead of an abort,
//! [`fails`]): `usage.rejects.persist`, when `usage import` puts its `--rejects` file in place
//! after the last commit.
//!
//! `BILLCTL_TEST_FAULT_ACTION` chooses what an aborting point does instead: `kill` (SIGKILL,
//! as a crash or an OOM kill: nothing runs after it) or `stop` (SIGSTOP: the process waits,
//! holding what it holds, until the test sends SIGCONT). Steps: `restore.step` and
//! `backup.step` are hit at every file operation of `db restore` (and of the recovery of an
//! interrupted one) and of `db backup`, so that `restore.step@N` stops a restore at its N-th
//! step; `BILLCTL_TEST_STEPS=FILE` appends each step's name to FILE, which tells a test how
//! many there are. `lock.step` is hit each time an opener of the store waits for the store's
//! lock (a restore, or the finishing of one, holds it). `serve.start` and `listen.start` are
//! hit once, first thing in `serve` and `webhooks listen`, as soon as SIGHUP can no longer
//! end them.

/// The variable that arms a fault point in test builds.
pub const FAULT_ENV: &str = "BILLCTL_TEST_FAULT";
/// What an armed point does: `abort` (the default), `kill` or `stop`.
pub const ACTION_ENV: &str = "BILLCTL_TEST_FAULT_ACTION";
/// A file each [`step`] appends its name to, in test builds.
pub const STEPS_ENV: &str = "BILLCTL_TEST_STEPS";

/// One step of a multi-step file operation (`group` is `restore` or `backup`, `what` names the
/// step): the point `<group>.step` (see the module docs), and a line in the steps file.
#[inline(always)]
pub fn step(group: &str, what: &str) {
    #[cfg(debug_assertions)]
    {
        armed::record(group, what);
        armed::hit(&format!("{group}.step"));
    }
    #[cfg(not(debug_assertions))]
    let _ = (group, what);
}

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
            use nix::sys::signal::{raise, Signal};
            match std::env::var(super::ACTION_ENV).as_deref() {
                Ok("kill") => {
                    let _ = raise(Signal::SIGKILL);
                }
                Ok("stop") => {
                    eprintln!("fault point {name}: hit {n}, stopping");
                    let _ = raise(Signal::SIGSTOP);
                    return;
                }
                _ => {}
            }
            eprintln!("fault point {name}: hit {n}, aborting");
            std::process::abort();
        }
    }

    /// Appends `group.what` to the steps file, if one is named.
    pub fn record(group: &str, what: &str) {
        use std::io::Write;
        if let Some(path) = std::env::var_os(super::STEPS_ENV) {
            if let Ok(mut f) = std::fs::OpenOptions::new()
                .append(true)
                .create(true)
                .open(path)
            {
                let _ = writeln!(f, "{group}.{what}");
            }
        }
    }
}
