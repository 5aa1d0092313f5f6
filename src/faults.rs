//! Fault points: named places where a test build can be told to die, so that crash tests stop a
//! process exactly where they mean to rather than after a guessed delay.
//!
//! In test builds (debug assertions on), `BILLCTL_TEST_FAULT=NAME@N` aborts the process the N-th
//! time (counting from 1) it reaches the point NAME, after one line on stderr saying so. Release
//! builds compile every point to nothing and never read the variable.
//!
//! Points: `usage.commit`, in [`crate::store::Store::record_usage`], after a batch's events and
//! rollups are written and before its transaction commits.

/// The variable that arms a fault point in test builds.
pub const FAULT_ENV: &str = "BILLCTL_TEST_FAULT";

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

    pub fn hit(name: &str) {
        static HITS: AtomicU64 = AtomicU64::new(0);
        let Some((armed, n)) = armed() else {
            return;
        };
        if armed == name && HITS.fetch_add(1, Ordering::SeqCst) + 1 == *n {
            eprintln!("fault point {name}: hit {n}, aborting");
            std::process::abort();
        }
    }
}
