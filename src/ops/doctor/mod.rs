//! `billctl doctor`: the whole setup checked in one run, for cron, CI and humans. Every check
//! has a name, an outcome (`ok`, `warn`, `fail`, `skipped` with why), a one-line detail and a
//! hint of the command that fixes it. The checks that reach Stripe run concurrently (doctor
//! at Stripe's latency costs about one round trip plus the store); the store's run after.
//! Prints nothing.

mod store;
mod stripe;

use crate::adapters::store::webhooks::EventStore;
use crate::adapters::store::Store;
use crate::adapters::stripe::Stripe;
use crate::domain::config::Config;
use serde::Serialize;
use store::store_checks;
use stripe::stripe_checks;

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Ok,
    Warn,
    Fail,
    Skipped,
}

/// One check's verdict.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub outcome: Outcome,
    pub detail: String,
    /// The command (or step) that fixes it; `None` when there is nothing to do.
    pub hint: Option<String>,
}

impl Check {
    fn new(name: &'static str, outcome: Outcome, detail: impl Into<String>) -> Check {
        Check {
            name,
            outcome,
            detail: detail.into(),
            hint: None,
        }
    }

    fn ok(name: &'static str, detail: impl Into<String>) -> Check {
        Check::new(name, Outcome::Ok, detail)
    }

    fn warn(name: &'static str, detail: impl Into<String>, hint: &str) -> Check {
        Check::new(name, Outcome::Warn, detail).hint(hint)
    }

    fn fail(name: &'static str, detail: impl Into<String>, hint: &str) -> Check {
        Check::new(name, Outcome::Fail, detail).hint(hint)
    }

    fn skipped(name: &'static str, why: impl Into<String>) -> Check {
        Check::new(name, Outcome::Skipped, why)
    }

    fn hint(mut self, hint: &str) -> Check {
        self.hint = Some(hint.to_string());
        self
    }
}

/// Every check, in a fixed order, and the config they ran on.
#[derive(Debug, Serialize)]
pub struct Report {
    /// The config doctor ran on: the operator's file, or the built-in catalog.
    pub config: crate::domain::config::ConfigSource,
    pub checks: Vec<Check>,
    pub ok: usize,
    pub warnings: usize,
    pub failures: usize,
    pub skipped: usize,
}

impl Report {
    fn of(config: crate::domain::config::ConfigSource, checks: Vec<Check>) -> Report {
        let n = |o: Outcome| checks.iter().filter(|c| c.outcome == o).count();
        Report {
            config,
            ok: n(Outcome::Ok),
            warnings: n(Outcome::Warn),
            failures: n(Outcome::Fail),
            skipped: n(Outcome::Skipped),
            checks,
        }
    }

    /// Whether any check warned or failed (exit 1).
    pub fn has_problems(&self) -> bool {
        self.warnings + self.failures > 0
    }
}

/// What doctor looks at, gathered by the command.
pub struct Inputs<'a> {
    pub config: &'a Config,
    /// The store, or why it could not be opened.
    pub store: Result<Store, String>,
    pub events: Result<EventStore, String>,
    /// A Stripe client, or why there is none (no key...).
    pub stripe: Result<Stripe, String>,
    /// The Stripe key's mode (`test`/`live`), if there is a key.
    pub key_mode: Option<crate::domain::mode::Mode>,
    /// How to change the key, for where it comes from (`secrets::how_to_change_key`).
    pub key_hint: String,
    /// Endpoint ids whose signing secret this profile holds (keyring or secret file).
    pub secrets: Vec<String>,
    pub data_dir: std::path::PathBuf,
    /// How long the store's integrity check may run.
    pub integrity_limit: std::time::Duration,
    pub now: i64,
}

/// Seconds of clock skew past which doctor warns, and fails (Stripe's signature tolerance is
/// 300 s; usage times are checked against the clock too).
const SKEW_WARN: i64 = 5;
const SKEW_FAIL: i64 = 60;
/// A pending event older than this was never applied.
const PENDING_FOR_MS: i64 = 10 * 60 * 1000;
/// Keys expiring within this are reported.
const EXPIRY_SOON: i64 = 7 * 86_400;

/// Runs every check.
pub fn run(rt: &tokio::runtime::Runtime, mut inputs: Inputs) -> Report {
    let mut checks = rt.block_on(stripe_checks(&inputs));
    checks.extend(store_checks(&mut inputs));
    Report::of(inputs.config.source.clone(), checks)
}

#[cfg(test)]
mod tests;
