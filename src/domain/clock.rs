//! The one "now" of billctl: UTC wall time and a monotonic reading, from one source that tests
//! can set.
//!
//! Everything that asks what time it is (key expiry and rotation grace, rate-limit windows,
//! cache freshness, billing-period edges, audit and receipt timestamps) asks a [`Clock`]. The
//! process clock is the system clock. In test builds (debug assertions on) the environment
//! variable `BILLCTL_TEST_NOW` (unix seconds, or RFC 3339 such as `2026-11-24T06:00:00Z`) pins
//! it instead, so integration tests move time by setting a variable rather than by sleeping.
//! Release builds ignore the variable. An embedding program, and in-process tests, can hand the
//! [`crate::ops::verifier::Verifier`] a [`Clock::manual`] and [`Clock::advance`] it.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The variable that pins the process clock in test builds.
pub const TEST_NOW_ENV: &str = "BILLCTL_TEST_NOW";

/// A source of the current time: the system's, or a manual one that only moves when told.
#[derive(Clone, Default)]
pub struct Clock(Option<Arc<Manual>>);

struct Manual {
    /// The monotonic reading handed out at `start_ms`.
    base: Instant,
    start_ms: i64,
    /// Unix milliseconds now; never moves backwards.
    ms: AtomicI64,
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            None => f.write_str("Clock::System"),
            Some(m) => write!(f, "Clock::Manual({} ms)", m.ms.load(Ordering::Relaxed)),
        }
    }
}

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock(None)
    }

    /// A clock standing still at `unix_ms` until [`Clock::advance`] moves it.
    pub fn manual(unix_ms: i64) -> Clock {
        Clock(Some(Arc::new(Manual {
            base: Instant::now(),
            start_ms: unix_ms,
            ms: AtomicI64::new(unix_ms),
        })))
    }

    /// Whether this clock only moves when told to.
    pub fn is_manual(&self) -> bool {
        self.0.is_some()
    }

    /// UTC unix seconds now.
    pub fn now(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }

    /// UTC unix milliseconds now.
    pub fn now_ms(&self) -> i64 {
        match &self.0 {
            None => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX)),
            Some(m) => m.ms.load(Ordering::Acquire),
        }
    }

    /// A monotonic reading, for intervals (cache freshness, token buckets). On a manual clock
    /// it moves exactly as far as the clock was advanced.
    pub fn instant(&self) -> Instant {
        match &self.0 {
            None => Instant::now(),
            Some(m) => {
                let moved = m.ms.load(Ordering::Acquire).saturating_sub(m.start_ms);
                m.base + Duration::from_millis(u64::try_from(moved).unwrap_or(0))
            }
        }
    }

    /// Moves a manual clock forward by `by`.
    ///
    /// # Panics
    /// On the system clock, which nobody can move.
    pub fn advance(&self, by: Duration) {
        let m = self
            .0
            .as_ref()
            .expect("only a manual clock can be advanced");
        let by = i64::try_from(by.as_millis()).expect("an advance that fits in i64 milliseconds");
        m.ms.fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| t.checked_add(by))
            .expect("the clock stays within i64 milliseconds");
    }
}

/// The process clock: the system clock, or in test builds the time `BILLCTL_TEST_NOW` pins.
pub fn process() -> &'static Clock {
    static CLOCK: OnceLock<Clock> = OnceLock::new();
    CLOCK.get_or_init(from_env)
}

/// UTC unix seconds now, on the process clock.
pub fn now() -> i64 {
    process().now()
}

/// UTC unix milliseconds now, on the process clock.
pub fn now_ms() -> i64 {
    process().now_ms()
}

#[cfg(debug_assertions)]
fn from_env() -> Clock {
    let Some(v) = std::env::var_os(TEST_NOW_ENV) else {
        return Clock::system();
    };
    let text = v.to_string_lossy();
    match crate::domain::time::parse_timestamp(text.trim()) {
        Ok(t) => Clock::manual(t.saturating_mul(1000)),
        Err(e) => {
            // A test harness set it wrong: nothing sensible can run on a half-set clock.
            eprintln!("error: invalid {TEST_NOW_ENV} {text:?}: {e}");
            std::process::exit(2)
        }
    }
}

#[cfg(not(debug_assertions))]
fn from_env() -> Clock {
    Clock::system()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_advanced_and_its_instant_follows() {
        let c = Clock::manual(1_795_500_000_000);
        let (t0, i0) = (c.now(), c.instant());
        assert_eq!(t0, 1_795_500_000);
        assert_eq!((c.now(), c.instant()), (t0, i0));
        c.advance(Duration::from_millis(1_500));
        assert_eq!(c.now_ms(), 1_795_500_001_500);
        assert_eq!(c.now(), t0 + 1);
        assert_eq!(c.instant() - i0, Duration::from_millis(1_500));
        let shared = c.clone();
        shared.advance(Duration::from_secs(60));
        assert_eq!(c.now(), t0 + 61, "clones share one time");
    }

    #[test]
    fn the_system_clock_is_near_the_system_time() {
        let c = Clock::system();
        let sys = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        assert!((c.now() - sys).abs() <= 1);
        assert!(!c.is_manual());
    }
}
